"""A warmed-up process that forks the batch's kernels.

Started once per batch run (or per kernel pool outside a run) with the run's private folder and
the path of a Unix socket on its command line, it listens on that socket at once, then imports
what every section needs (scikit-learn and pandas first, then ipykernel, matplotlib, this package),
joins the run as soon as the batch has validated the data and computes what every indicator
section shares (:func:`qualepref_analysis.batch.shared.warm`). Once scikit-learn is imported and
the data are validated — it looks between two stages of its imports — it forks one *trainer*
(:func:`fork_trainer`) that trains the complaint categoriser and cross-validates it into the run's
cache, on the core the rest of its imports leave idle, instead of the first complaint section
doing it after every import.

Every worker of the run connects to it: each
request (one JSON line: kernel arguments, environment, working folder) forks a child that
becomes a fresh ipykernel — sharing the imports and the warmed data copy-on-write instead of
spending seconds of CPU importing and computing them again — and the child's pid is written back
on the same connection. Every kernel still runs one notebook only.

The zygote ends when its standard input closes (the process that started it is gone); its
kernels then see their parent gone and stop (ipykernel's parent poller).
"""

from __future__ import annotations

import json
import os
import selectors
import signal
import socket
import sys


def _become_kernel(request: dict, inherited: list) -> None:
    """In the forked child: run an ipykernel with the request's arguments; never returns.

    ``inherited``: the zygote's sockets and selector, closed first (a kernel holds none of them).
    """
    code = 1
    try:
        for handle in inherited:
            handle.close()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)  # the kernel waits for its own subprocesses
        os.setsid()  # its own process group, so that interrupts reach the kernel only
        devnull = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):  # never write into the zygote's protocol pipe
            os.dup2(devnull, descriptor)
        os.environ.clear()
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        from ipykernel.kernelapp import IPKernelApp

        app = IPKernelApp.instance()
        app.initialize([*request["argv"], f"--IPKernelApp.parent_handle={os.getppid()}"])
        app.start()
        code = 0
    finally:
        os._exit(code)


def _stop_with_parent() -> None:
    """Ask the operating system to kill this process when its parent dies (Linux ``prctl``; elsewhere nothing)."""
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (AttributeError, OSError):
        pass


def fork_trainer(folder: str, inherited: list) -> int | None:
    """Fork the process that trains the categoriser into the run's cache; its pid (``None``: not needed).

    Only when the batch has validated the data and said that a section uses the categoriser
    (:func:`qualepref_analysis.batch.shared.models_wanted`). The child closes ``inherited`` (the
    zygote's sockets), writes nothing to the zygote's pipes, stops if the zygote dies, and exits
    without the interpreter's teardown. A failure there is not reported: the complaint section then
    trains the categoriser itself, and shows any error where it belongs.
    """
    from qualepref_analysis.batch.shared import models_wanted, train_shared_models

    if not models_wanted(folder):
        return None
    parent = os.getpid()
    pid = os.fork()
    if pid:
        return pid
    code = 1
    try:
        for handle in inherited:
            handle.close()
        _stop_with_parent()
        if os.getppid() != parent:  # the zygote died before the line above
            os._exit(1)
        devnull = os.open(os.devnull, os.O_RDWR)
        for descriptor in (0, 1, 2):
            os.dup2(devnull, descriptor)
        train_shared_models(folder)
        code = 0
    finally:
        os._exit(code)


#: What a new ipykernel imports as it initialises (its debugger brings debugpy: 0,2 s of CPU per kernel).
_KERNEL_START_MODULES = ("ipykernel.debugger", "ipykernel.ipkernel", "IPython.core.completerlib",
                         "IPython.core.debugger", "IPython.core.logger", "IPython.core.oinspect",
                         "IPython.extensions.storemagic", "sqlite3", "tornado.platform.asyncio", "tornado.queues")


#: What the zygote imports, in this order: scikit-learn first (the trainer needs it), then what
#: every kernel needs; ``"kernel start"`` stands for :data:`_KERNEL_START_MODULES`.
_IMPORT_STAGES = ("sklearn.model_selection", "sklearn.svm", "ipykernel.kernelapp", "kernel start",
                  "matplotlib.pyplot", "seaborn", "qualepref_analysis.context", "qualepref_analysis.batch.warmup")
#: The stages before which the trainer cannot start (it trains with scikit-learn).
_BEFORE_TRAINING = ("sklearn.model_selection",)


def _validated(folder: str) -> bool:
    """Whether the batch has validated the run's data (the file appears whole: it is renamed into place)."""
    from qualepref_analysis.batch.shared import VALIDATED_DATA_FILE

    return os.path.isfile(os.path.join(folder, VALIDATED_DATA_FILE))


def _import_kernel_start() -> None:
    """Import here, once, what every forked kernel would otherwise import as it starts."""
    import importlib

    for name in _KERNEL_START_MODULES:
        try:
            importlib.import_module(name)
        except ImportError:  # another ipykernel release: the kernel imports what it needs itself
            pass


def serve(folder: str | None, address: str) -> None:
    """Listen on ``address``, import, then fork one kernel per request line until standard input closes.

    Parameters
    ----------
    folder : str or None
        The batch run's private folder (validated data, shared cache).
    address : str
        Path of the Unix socket to listen on (in a private folder: whoever can connect can start
        a kernel on the run's data).
    """
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(address)  # before the imports: clients may connect while they run
    os.chmod(address, 0o600)
    listener.listen(64)
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    import importlib

    trainer: int | None = None  # its pid once forked; 0 when the run needs none
    for stage in _IMPORT_STAGES:  # between two, the trainer starts as soon as the data are validated
        if stage == "kernel start":
            _import_kernel_start()
        else:
            importlib.import_module(stage)
        if folder and trainer is None and stage not in _BEFORE_TRAINING and _validated(folder):
            trainer = fork_trainer(folder, [listener]) or 0  # on the other core, from now on

    from qualepref_analysis.batch.shared import warm

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished kernels (and the trainer) are reaped by the system
    if trainer is not None:
        try:
            os.waitpid(trainer, os.WNOHANG)  # a trainer already done before the line above is reaped here
        except ChildProcessError:  # done since: the system reaped it
            pass
    events = selectors.DefaultSelector()
    events.register(listener, selectors.EVENT_READ, "listener")
    events.register(sys.stdin, selectors.EVENT_READ, "lifeline")
    pending: dict[socket.socket, bytes] = {}
    while True:
        for key, _ in events.select():
            if key.data == "lifeline":
                if not sys.stdin.readline():  # the starting process is gone
                    return
            elif key.data == "listener":
                connection, _ = listener.accept()
                pending[connection] = b""
                events.register(connection, selectors.EVENT_READ, "client")
            else:
                connection = key.fileobj
                chunk = connection.recv(65536)
                if not chunk:
                    events.unregister(connection)
                    pending.pop(connection, None)
                    connection.close()
                    continue
                pending[connection] += chunk
                while b"\n" in pending[connection]:
                    line, pending[connection] = pending[connection].split(b"\n", 1)
                    if not line.strip():
                        continue
                    request = json.loads(line)
                    if folder:
                        if trainer is None:  # the data were not validated yet when the imports ended
                            trainer = fork_trainer(folder, [events, listener, *pending]) or 0
                        warm(folder)  # shared by every kernel forked from now on (once the batch has validated the data)
                    pid = os.fork()
                    if pid == 0:
                        _become_kernel(request, [events, listener, *pending])
                    connection.sendall(f"{pid}\n".encode())


if __name__ == "__main__":
    serve(sys.argv[1] or None, sys.argv[2])
    # No interpreter teardown: it would free, object by object, every import and the run's data
    # (≈ 1 s of CPU at the end of each review); nothing is left to flush or remove.
    os._exit(0)
