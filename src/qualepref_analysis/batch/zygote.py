"""A warmed-up process that forks the batch's kernels.

Started once per batch worker with the run's private folder on its command line, it imports what
every section needs (ipykernel, pandas, matplotlib, this package), joins the run as soon as the
batch has validated the data and computes what every indicator section shares
(:func:`qualepref_analysis.batch.shared.warm`), then waits on its standard input. Each request (one JSON line: kernel arguments, environment, working
folder) forks a child that becomes a fresh ipykernel — sharing the imports copy-on-write
instead of spending a second and a half of CPU importing them again — and the child's pid
is written back on standard output. Every kernel still runs one notebook only.

The zygote ends when its standard input closes (its worker is gone); its kernels then see
their parent gone and stop (ipykernel's parent poller).
"""

from __future__ import annotations

import json
import os
import signal
import sys


def _become_kernel(request: dict) -> None:
    """In the forked child: run an ipykernel with the request's arguments; never returns."""
    code = 1
    try:
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


def serve(folder: str | None = None) -> None:
    """Import, then fork one kernel per request line until standard input closes.

    Parameters
    ----------
    folder : str, optional
        The batch run's private folder (validated data, shared cache).
    """
    os.environ.setdefault("MPLBACKEND", "module://matplotlib_inline.backend_inline")  # as ipykernel does
    import ipykernel.kernelapp  # noqa: F401
    import sklearn.model_selection  # noqa: F401  (imported once here, shared by every kernel)
    import sklearn.svm  # noqa: F401

    import qualepref_analysis.batch.warmup  # noqa: F401
    from qualepref_analysis.batch.shared import warm

    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # finished kernels are reaped by the system
    requests, replies = sys.stdin, sys.stdout
    for line in requests:
        if not line.strip():
            continue
        request = json.loads(line)
        if folder:
            warm(folder)  # shared by every kernel forked from now on (once the batch has validated the data)
        pid = os.fork()
        if pid == 0:
            _become_kernel(request)
        replies.write(f"{pid}\n")
        replies.flush()


if __name__ == "__main__":
    serve(sys.argv[1] if len(sys.argv) > 1 else None)
