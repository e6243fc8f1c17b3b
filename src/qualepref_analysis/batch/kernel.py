"""The Jupyter kernels the batch runs notebooks in.

A kernel is always the interpreter the batch itself runs in (no dependence on a ``python3``
kernelspec installed elsewhere on the machine). It talks to the runner over Unix sockets in a
private directory (mode 0700) where the platform has them; elsewhere (Windows, whose pyzmq has
no ``ipc`` transport) over TCP on 127.0.0.1, with the connection file in that private directory
and every message signed with its key (Jupyter's own setting), so that another local user
cannot attach to a kernel holding personal data.

:class:`KernelPool` starts kernels ahead of need: while one notebook runs, the next kernel
starts and imports what the sections need (:mod:`qualepref_analysis.batch.warmup`). Where
``fork`` is safe (Linux), kernels are forked from a warmed-up :class:`Zygote`; elsewhere each is
a new interpreter. ``QUALEPREF_PORTABLE=1`` forces the TCP and new-interpreter paths, so that
they are tested on Linux too. Each kernel still runs ONE notebook and is then shut down, so
nothing (variables, matplotlib settings, random state) carries over from one section to the
next.
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import deque
from pathlib import Path

from queue import Empty

from jupyter_client.asynchronous import AsyncKernelClient
from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import ensure_async, run_sync

__all__ = ["ReviewKernelManager", "ReviewKernelClient", "KernelPool", "Zygote", "ZygoteConnection", "ForkedKernelProcess", "KERNEL_NAME", "execute_notebook",
           "portable", "unix_sockets", "forks_kernels", "kernel_environment", "ONE_THREAD_PER_POOL"]

KERNEL_NAME = "qualepref-review"
ENGINE_NAME = "qualepref-noyau-prechauffe"

#: Set to ``1``, the batch takes the paths of platforms without Unix sockets or a safe ``fork``
#: (Windows, macOS) everywhere: kernels over TCP on 127.0.0.1, each started as a new interpreter.
PORTABLE_VARIABLE = "QUALEPREF_PORTABLE"


#: The thread pools of the native libraries (OpenBLAS, OpenMP, MKL, Accelerate), one thread each in
#: the batch's kernels: the batch already runs one notebook per core, and a second thread per
#: kernel only spins beside the other workers (the national classifier's cross-validation took
#: 4 times as long beside a worker as alone; with one thread it is faster even alone, and gives
#: the same figures: benchmarks/README.md, fourteenth session).
ONE_THREAD_PER_POOL = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                       "VECLIB_MAXIMUM_THREADS": "1"}


def kernel_environment() -> dict[str, str]:
    """The environment of the batch's kernels and zygote.

    This process's environment, with ``PYTHONHASHSEED=0`` (sets iterate in the same order in every
    run) and :data:`ONE_THREAD_PER_POOL` for whichever of those variables the user has not set.
    """
    return {**ONE_THREAD_PER_POOL, **os.environ, "PYTHONHASHSEED": "0"}


def portable() -> bool:
    """Whether the portable paths are forced (``QUALEPREF_PORTABLE=1``)."""
    return os.environ.get(PORTABLE_VARIABLE, "").strip() == "1"


def unix_sockets() -> bool:
    """Whether kernels can talk over Unix sockets here (not on Windows, whose pyzmq has no ``ipc``)."""
    return sys.platform != "win32" and hasattr(socket, "AF_UNIX") and not portable()


def forks_kernels() -> bool:
    """Whether kernels are forked from a warmed-up zygote (not where ``fork`` is absent or unsafe: Windows, macOS)."""
    return hasattr(os, "fork") and sys.platform != "darwin" and unix_sockets()



def warmup_line(folder: str | None) -> str:
    """Run by a pre-warmed kernel at start-up (joins the run of ``folder``); leaves no name behind."""
    return f"import qualepref_analysis.batch.warmup as __qp_warmup; __qp_warmup.prepare({folder!r}); del __qp_warmup"


class ReviewKernelClient(AsyncKernelClient):
    """The runner's client of a kernel: ready as soon as the kernel has answered, without idling.

    jupyter_client's ``wait_for_ready`` ends by waiting 0,2 s for the IOPub channel to fall silent,
    which a batch of short notebooks pays every time. Here the kernel is ready when it has answered
    ``kernel_info`` on the shell channel and its IOPub messages for that request have arrived up to
    the ``idle`` status: IOPub is then known to be connected (no message of the first cell can be
    lost) and nothing is left to flush.
    """

    async def wait_for_ready(self, timeout: float | None = None) -> None:  # type: ignore[override]
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        asked: set[str] = set()  # a kernel still starting answers late: every request counts
        while True:
            asked.add(self.kernel_info())
            try:
                reply = await ensure_async(self.shell_channel.get_msg(timeout=1))
            except Empty:
                reply = None
            if reply is not None and reply["msg_type"] == "kernel_info_reply" \
                    and reply["parent_header"].get("msg_id") in asked:
                # the idle status follows the reply at once; missing, IOPub was not yet connected: ask again
                if await self._iopub_idle_after(asked, deadline=min(deadline, time.monotonic() + 0.1)):
                    self._handle_kernel_info_reply(reply)
                    return
            if not await self._async_is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout} seconds")

    async def _iopub_idle_after(self, requests: set[str], *, deadline: float) -> bool:
        """Read IOPub until the ``idle`` status of one of ``requests``; False when none comes by ``deadline``."""
        while (left := deadline - time.monotonic()) > 0:
            try:
                message = await ensure_async(self.iopub_channel.get_msg(timeout=left))
            except Empty:
                return False
            if message["msg_type"] == "status" and message["content"].get("execution_state") == "idle" \
                    and message["parent_header"].get("msg_id") in requests:
                return True
        return False


class ReviewKernelManager(AsyncKernelManager):
    """Kernel manager: this interpreter's ipykernel, over IPC sockets in a private folder.

    Parameters
    ----------
    warm : bool
        Have the kernel import the sections' libraries (and join the batch run) as it starts.
    run_folder : str, optional
        The batch run's private folder (validated data, shared cache).
    zygote : ZygoteConnection, optional
        Fork the kernel from that zygote rather than start a new interpreter.
    """

    def __init__(self, warm: bool = False, zygote: "ZygoteConnection | None" = None, run_folder: str | None = None,
                 **kwargs: object) -> None:
        super().__init__(**kwargs)
        self._warm = warm
        self._run_folder = run_folder
        self._zygote = zygote
        self._socket_dir = tempfile.mkdtemp(prefix="qualepref-kernel-")  # readable by this user only
        os.chmod(self._socket_dir, 0o700)
        self.connection_file = os.path.join(self._socket_dir, "kernel.json")
        if unix_sockets():
            self.transport = "ipc"
            self.ip = os.path.join(self._socket_dir, "kernel")
        else:  # TCP on the loopback only; every message signed with the connection file's key
            self.transport = "tcp"
            self.ip = "127.0.0.1"
        self.client_factory = ReviewKernelClient

    @property
    def kernel_spec(self) -> KernelSpec:  # type: ignore[override]
        if self._kernel_spec is None:
            # No IPython history: hundreds of kernels would each write their cells into the user's
            # history database (one SQLite file, a thread and a lock per kernel) for nothing.
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                    "--HistoryManager.enabled=False"]
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

    async def _stop_now(self, now: bool = False, restart: bool = False) -> None:
        """Shut the kernel down; ``now``: kill it and go on, without polling until it has gone.

        A kernel runs one notebook and keeps nothing that needs a clean exit; jupyter_client would
        interrupt it first, then check every 0,1 s that it has died. A kernel forked by the zygote is
        reaped by the zygote; one started as a child is reaped here (SIGKILL ends it at once).
        """
        if restart or not now:
            await AsyncKernelManager.shutdown_kernel(self, now=now, restart=restart)
            return
        self.shutting_down = True
        self.stop_restarter()
        provisioner = self.provisioner
        if provisioner is not None and provisioner.has_process:
            await provisioner.kill()
            if not isinstance(provisioner.process, ForkedKernelProcess):
                await provisioner.wait()
        await self._async_cleanup_resources()

    shutdown_kernel = _stop_now  # what nbclient and the pool call

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
    """The process that forks pre-warmed kernels (:mod:`qualepref_analysis.batch.zygote`).

    Started by a batch run for all its workers (or by a :class:`KernelPool` of its own), it listens
    on a Unix socket in the run's private folder (or in a private folder of its own); kernels are
    asked for through a :class:`ZygoteConnection`. It stops when this object is closed or its
    starting process ends.

    Parameters
    ----------
    run_folder : str, optional
        The batch run's private folder (validated data, shared cache).
    """

    def __init__(self, run_folder: str | None = None) -> None:
        self._own_folder = None if run_folder else tempfile.mkdtemp(prefix="qualepref-zygote-")
        self.address = os.path.join(run_folder or self._own_folder, "zygote.sock")
        argv = [sys.executable, "-m", "qualepref_analysis.batch.zygote", run_folder or "", self.address]
        self._process = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL, env=kernel_environment())

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def close(self, *, now: bool = False) -> None:
        """Stop the zygote: it exits when its input closes; with ``now`` (or after 5 s), it is killed.

        Its kernels see it gone and stop. ``now`` suits a zygote that forked nothing (still importing,
        it would read its input only once its imports are done).
        """
        try:
            if self._process.stdin:
                self._process.stdin.close()  # its lifeline: it exits
            if now:
                self._process.kill()
            self._process.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self._process.kill()
        if self._own_folder:
            shutil.rmtree(self._own_folder, ignore_errors=True)
        elif os.path.exists(self.address):
            os.unlink(self.address)


class ZygoteConnection:
    """One process's line to a :class:`Zygote`, over which it asks for kernels.

    Parameters
    ----------
    address : str
        The zygote's socket.
    owner : Zygote, optional
        The zygote itself, when this process started it (its death is then noticed at once).
    connect_timeout : float
        Seconds to wait for the zygote to listen (it binds its socket as soon as it starts).
    """

    def __init__(self, address: str, owner: Zygote | None = None, *, connect_timeout: float = 60.0) -> None:
        self.address, self._owner, self._timeout = address, owner, connect_timeout
        self._socket: socket.socket | None = None
        self._replies = None
        self._broken = False

    @property
    def alive(self) -> bool:
        return not self._broken and (self._owner is None or self._owner.alive)

    def _connect(self) -> None:
        deadline = time.monotonic() + self._timeout
        while True:
            candidate = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                candidate.connect(self.address)
            except (FileNotFoundError, ConnectionRefusedError):
                candidate.close()
                if time.monotonic() > deadline or not self.alive:
                    self._broken = True
                    raise OSError("the kernel zygote does not answer")
                time.sleep(0.02)
                continue
            self._socket, self._replies = candidate, candidate.makefile("rb")
            return

    def fork(self, *, argv: list[str], env: dict[str, str], cwd: str) -> int:
        """Fork a kernel; its pid."""
        if self._socket is None:
            self._connect()
        assert self._socket is not None and self._replies is not None
        try:
            self._socket.sendall((json.dumps({"argv": argv, "env": env, "cwd": cwd}) + "\n").encode())
            reply = self._replies.readline()
        except OSError:
            reply = b""
        if not reply.strip().isdigit():
            self._broken = True
            raise OSError("the kernel zygote stopped")
        return int(reply)

    def close(self) -> None:
        if self._socket is not None:
            self._replies.close()
            self._socket.close()
            self._socket = None


class KernelPool:
    """Kernels started and warmed up ahead of need; each one runs a single notebook.

    Parameters
    ----------
    run_folder : str, optional
        The batch run's private folder (validated data, shared cache) the kernels join.
    fork : bool, optional
        Fork the kernels from a zygote of its own (default: where :func:`forks_kernels`).
    zygote_address : str, optional
        Fork them from the run's zygote, listening there, instead.
    """

    def __init__(self, run_folder: str | None = None, *, fork: bool | None = None,
                 zygote_address: str | None = None) -> None:
        fork = forks_kernels() if fork is None else fork and forks_kernels()
        self.run_folder = run_folder
        self._spares: deque[ReviewKernelManager] = deque()
        self._own_zygote = Zygote(run_folder) if fork and zygote_address is None else None
        address = zygote_address or (self._own_zygote.address if self._own_zygote else None)
        self._zygote = ZygoteConnection(address, self._own_zygote) if address else None

    def _start(self) -> ReviewKernelManager:
        manager = ReviewKernelManager(warm=True, zygote=self._zygote, run_folder=self.run_folder)
        run_sync(manager.start_kernel)(env=kernel_environment())
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
        if self._own_zygote is not None:
            self._own_zygote.close()
            self._own_zygote = None


def _shutdown(manager: AsyncKernelManager) -> None:
    try:
        if run_sync(manager.is_alive)():
            run_sync(manager.shutdown_kernel)(now=True)
    except Exception:  # already gone
        pass
    finally:
        run_sync(manager.cleanup_resources)()


@functools.lru_cache(maxsize=1)
def register_engine() -> None:
    """Import papermill and register, once per process, the engine that runs on a kernel already started.

    A batch worker calls it as it starts, while the zygote imports (≈ 0,2 s that the first notebook
    would otherwise wait for); :func:`execute_notebook` calls it in any case.
    """
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class InFolderClient(PapermillNotebookClient):
        """papermill's client, which first moves the kernel into the notebook's folder.

        The kernel was started before anyone knew which notebook it would run: papermill's ``cwd``
        changes this process's folder, not the kernel's.
        """

        def papermill_execute_cells(self):
            folder = self.resources.get("metadata", {}).get("path")
            if folder:
                request = self.kc.execute(f"import os as __qp_os; __qp_os.chdir({str(folder)!r}); del __qp_os",
                                          silent=True, store_history=False)
                self.wait_for_reply(request)
            super().papermill_execute_cells()

    class PrewarmedKernelEngine(NBClientEngine):
        """papermill's nbclient engine, on a kernel the pool already started (shut down after use)."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False, stdout_file=None,
                                     stderr_file=None, start_timeout=60, execution_timeout=None, **kwargs):
            client = InFolderClient(
                nb_man, km=kwargs["km"], timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=False, shutdown_kernel="immediate",
                resources={"metadata": {"path": kwargs["folder"]}})
            try:
                return client.execute(cleanup_kc=True)
            except BaseException:  # a dead kernel, a timeout: keep what ran, as papermill does for a failed cell
                from papermill.iorw import write_ipynb

                write_ipynb(nb_man.nb, kwargs["keep_at"])
                raise

    papermill_engines.register(ENGINE_NAME, PrewarmedKernelEngine)


def execute_notebook(notebook: Path, output: Path, parameters: dict, *, timeout: int,
                     kernel: ReviewKernelManager | None = None):
    """Execute ``notebook`` with papermill into ``output``, on ``kernel`` or a fresh one.

    Returns the executed notebook (``nbformat.NotebookNode``), also written to ``output``. On a
    kernel of the pool the notebook is written once, at the end, rather than after every cell.
    Raises whatever papermill raises when a cell fails, the kernel dies or a cell exceeds
    ``timeout`` seconds; the executed notebook is written in every case.
    """
    import papermill as pm

    options: dict[str, object] = {}
    if kernel is not None:
        register_engine()
        options = {"engine_name": ENGINE_NAME, "km": kernel, "keep_at": str(output), "folder": str(notebook.parent),
                   "request_save_on_cell_execute": False}
    else:
        options = {"kernel_manager_class": ReviewKernelManager}
    try:
        return pm.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
                                   progress_bar=False, log_output=False, execution_timeout=timeout,
                                   cwd=str(notebook.parent), **options)
    finally:
        if kernel is not None:
            _shutdown(kernel)
