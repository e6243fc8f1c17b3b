"""The Jupyter kernels the batch runs notebooks in.

A kernel is always the interpreter the batch itself runs in (no dependence on a ``python3``
kernelspec installed elsewhere on the machine), and it talks to the runner over IPC: Unix
sockets in a private directory (mode 0700), rather than unencrypted TCP on localhost where
another local user could attach to a kernel holding personal data.

:class:`KernelPool` starts kernels ahead of need: while one notebook runs, the next kernel
starts and imports what the sections need (:mod:`qualepref_analysis.batch.warmup`). Each kernel
still runs ONE notebook and is then shut down, so nothing (variables, matplotlib settings,
random state) carries over from one section to the next.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync

__all__ = ["ReviewKernelManager", "KernelPool", "Zygote", "ForkedKernelProcess", "KERNEL_NAME", "execute_notebook"]

KERNEL_NAME = "qualepref-review"
ENGINE_NAME = "qualepref-noyau-prechauffe"



def warmup_line(folder: str | None) -> str:
    """Run by a pre-warmed kernel at start-up (joins the run of ``folder``); leaves no name behind."""
    return f"import qualepref_analysis.batch.warmup as __qp_warmup; __qp_warmup.prepare({folder!r}); del __qp_warmup"


class ReviewKernelManager(AsyncKernelManager):
    """Kernel manager: this interpreter's ipykernel, over IPC sockets in a private folder.

    Parameters
    ----------
    warm : bool
        Have the kernel import the sections' libraries (and join the batch run) as it starts.
    run_folder : str, optional
        The batch run's private folder (validated data, shared cache).
    zygote : Zygote, optional
        Fork the kernel from it rather than start a new interpreter.
    """

    def __init__(self, warm: bool = False, zygote: "Zygote | None" = None, run_folder: str | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._warm = warm
        self._run_folder = run_folder
        self._zygote = zygote
        self._socket_dir = tempfile.mkdtemp(prefix="qualepref-kernel-")
        os.chmod(self._socket_dir, 0o700)
        self.transport = "ipc"
        self.ip = os.path.join(self._socket_dir, "kernel")

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        if self._kernel_spec is None:
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
            if self._warm:
                argv.append(f"--IPKernelApp.exec_lines={warmup_line(self._run_folder)}")
            self._kernel_spec = KernelSpec(argv=argv, display_name="Python (qualepref-analysis)",
                                           language="python", env={"PYTHONHASHSEED": "0"})
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
        if self._zygote is not None and self._zygote.alive:
            try:
                pid = self._zygote.fork(argv=kernel_cmd[kernel_cmd.index("ipykernel_launcher") + 1:],
                                        env=dict(kw.get("env") or os.environ), cwd=str(kw.get("cwd") or os.getcwd()))
            except OSError:
                pid = None  # the zygote is gone: start the kernel the ordinary way
            if pid is not None:
                provisioner = self.provisioner
                provisioner.process = ForkedKernelProcess(pid)
                provisioner.pid = provisioner.pgid = pid
                provisioner.cwd = kw.get("cwd") or os.getcwd()
                self._reconcile_connection_info(provisioner.connection_info)
                return
        # The kernel's own console chatter (shutdown notices…) is not for the user: failures are
        # recorded in the executed notebook, which the review keeps.
        kw.setdefault("stdout", subprocess.DEVNULL)
        kw.setdefault("stderr", subprocess.DEVNULL)
        await super()._async_launch_kernel(kernel_cmd, **kw)

    async def _async_cleanup_resources(self, restart: bool = False) -> None:
        await super()._async_cleanup_resources(restart=restart)
        if not restart:
            shutil.rmtree(self._socket_dir, ignore_errors=True)


class ForkedKernelProcess:
    """What jupyter_client's local provisioner needs of a ``Popen``, for a kernel forked by the zygote."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None:
            try:
                os.kill(self.pid, 0)
            except ProcessLookupError:
                self.returncode = 0
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None and (deadline is None or time.monotonic() < deadline):
            time.sleep(0.02)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        try:
            os.kill(self.pid, signum)
        except ProcessLookupError:
            pass

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


class Zygote:
    """The process that forks pre-warmed kernels (:mod:`qualepref_analysis.batch.zygote`)."""

    def __init__(self, run_folder: str | None = None) -> None:
        argv = [sys.executable, "-m", "qualepref_analysis.batch.zygote", *([run_folder] if run_folder else [])]
        self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                         env={**os.environ, "PYTHONHASHSEED": "0"}, text=True)

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def fork(self, *, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel; its pid."""
        assert self._process.stdin is not None and self._process.stdout is not None
        self._process.stdin.write(json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n")
        self._process.stdin.flush()
        reply = self._process.stdout.readline()
        if not reply.strip().isdigit():
            raise OSError("the kernel zygote stopped")
        return int(reply)

    def close(self) -> None:
        try:
            if self._process.stdin:
                self._process.stdin.close()
            self._process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()


class KernelPool:
    """Kernels started and warmed up ahead of need; each one runs a single notebook.

    Parameters
    ----------
    run_folder : str, optional
        The batch run's private folder (validated data, shared cache) the kernels join.
    fork : bool
        Fork the kernels from a zygote (where the platform has ``fork``).
    """

    def __init__(self, run_folder: str | None = None, *, fork: bool = hasattr(os, "fork")) -> None:
        self.run_folder = run_folder
        self._spares: deque[ReviewKernelManager] = deque()
        self._zygote = Zygote(run_folder) if fork else None

    def _start(self) -> ReviewKernelManager:
        manager = ReviewKernelManager(warm=True, zygote=self._zygote, run_folder=self.run_folder)
        run_sync(manager.start_kernel)(env=dict(os.environ))
        return manager

    def take(self, *, prepare_next: bool = True) -> ReviewKernelManager:
        """A started kernel for one notebook; with ``prepare_next``, the next one starts now."""
        manager = None
        while self._spares and manager is None:
            candidate = self._spares.popleft()
            if run_sync(candidate.is_alive)():
                manager = candidate
            else:
                _shutdown(candidate)
        if manager is None:
            manager = self._start()
        if prepare_next and not self._spares:
            self._spares.append(self._start())
        return manager

    def close(self) -> None:
        """Shut down the kernels started but not used, and the zygote."""
        while self._spares:
            _shutdown(self._spares.popleft())
        if self._zygote is not None:
            self._zygote.close()
            self._zygote = None


def _shutdown(manager: AsyncKernelManager) -> None:
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception:  # already gone
        pass
    finally:
        run_sync(manager.cleanup_resources)()


@functools.lru_cache(maxsize=1)
def _register_engine() -> None:
    """Register, once per process, the papermill engine that runs on a kernel already started."""
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class PrewarmedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a kernel the pool already started (shut down after use)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            client = PapermillNotebookClient(
                nb_man, km=kwargs["km"], timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=False, shutdown_kernel="immediate")
            return client.execute(cleanup_kc=True)

    papermill_engines.register(ENGINE_NAME, PrewarmedKernelEngine)


def execute_notebook(notebook: Path, output: Path, parameters: dict, *, timeout: int,
                     kernel: ReviewKernelManager | None = None) -> None:
    """Execute ``notebook`` with papermill into ``output``, on ``kernel`` or a fresh one.

    Raises whatever papermill raises when a cell fails, the kernel dies or a cell exceeds
    ``timeout`` seconds; the executed notebook is written in every case.
    """
    import papermill as pm

    options: dict[str, object] = {}
    if kernel is not None:
        _register_engine()
        options = {"engine_name": ENGINE_NAME, "km": kernel}
    else:
        options = {"kernel_manager_class": ReviewKernelManager}
    try:
        pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
                            progress_bar=False, log_output=False, execution_timeout=timeout,
                            cwd=str(notebook.parent), **options)
    finally:
        if kernel is not None:
            _shutdown(kernel)
