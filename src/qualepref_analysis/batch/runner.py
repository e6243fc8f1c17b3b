"""Running section notebooks: one fresh kernel per notebook, on a pool of worker processes.

The run starts one zygote (:mod:`qualepref_analysis.batch.kernel`) that forks pre-warmed kernels for
every worker;
:func:`run_task` executes one notebook with papermill, scrubs what the kept notebook printed,
and exports its page; :class:`SectionRunner` hands the tasks to the workers and reports each
outcome as it comes. A failing notebook, a dying kernel or a dying worker fails its own section
only.
"""

from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.util
import os
import sys
import threading
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator, TypeVar

import nbformat

from qualepref_analysis.batch.pages import section_page
from qualepref_analysis.batch.kernel import KernelPool, Zygote, execute_notebook, forks_kernels, register_engine
from qualepref_analysis.io.privacy import scrub_text
from qualepref_analysis.batch.publishing import write_text_replacing

__all__ = ["SectionRun", "SectionTask", "SectionRunner", "run_task", "export_html", "prepares_next"]

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class SectionRun:
    """Outcome of one site × section."""

    site: str
    section: str
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error: str = ""


@dataclass(frozen=True)
class SectionTask:
    """One site × section to run: the notebook, its parameters, where it writes, its fingerprint."""

    site: str
    section: str
    notebook: Path
    site_dir: Path
    parameters: dict
    timeout: int
    fingerprint: str
    title: str
    run_folder: str | None = None

    def __hash__(self) -> int:
        return hash((self.site, self.section))

    @property
    def key(self) -> str:
        return f"{self.site}/{self.section}"

    @property
    def executed(self) -> Path:
        return self.site_dir / f"{self.section}.ipynb"

    @property
    def page(self) -> Path:
        return self.site_dir / f"{self.section}.html"

    @property
    def results(self) -> Path:
        from qualepref_analysis.io.results import SECTION_RESULTS_SUFFIX  # here: a worker never imports pandas

        return self.site_dir / f"{self.section}{SECTION_RESULTS_SUFFIX}"

    def up_to_date(self, state: dict) -> bool:
        return state.get(self.key) == self.fingerprint and self.page.exists() and self.results.exists()



def export_html(notebook: nbformat.NotebookNode, *, title: str) -> str:
    """HTML page of an executed notebook: outputs and narrative only (no code, prompt, stderr or error).

    The page carries the bilan's small stylesheet and nothing else: no script, no fetch.
    """
    return section_page(notebook, title=title)


_worker_kernels: KernelPool | None = None


def _kernel_pool(run_folder: str | None, zygote_address: str | None = None) -> KernelPool:
    """This process's pool of pre-warmed kernels (closed when the process exits).

    With ``zygote_address`` (set by :func:`_init_worker`), kernels are forked by the run's zygote.
    """
    global _worker_kernels
    if _worker_kernels is None or _worker_kernels.run_folder != run_folder:
        if _worker_kernels is not None:
            _worker_kernels.close()
        _worker_kernels = KernelPool(run_folder, zygote_address=zygote_address)
        multiprocessing.util.Finalize(_worker_kernels, _worker_kernels.close, exitpriority=10)
    return _worker_kernels


def _scrub_kept_notebook(path: Path, notebook: nbformat.NotebookNode | None = None) -> nbformat.NotebookNode | None:
    """Personal data removed from the console output and error messages the executed notebook keeps.

    Displayed outputs are already built from scrubbed data; a traceback or a warning, though,
    may quote a value. The kept notebook is what an analyst opens to understand a failure.
    ``notebook`` is its content when the caller has it (else it is read from ``path``); returns it
    scrubbed (``None`` when there is none).
    """
    if notebook is None:
        if not path.exists():
            return None
        notebook = nbformat.read(path, as_version=4)
    changed = False
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream":
                output["text"], changed = scrub_text(output.get("text", "")), True
            elif output.get("output_type") == "error":
                output["evalue"] = scrub_text(output.get("evalue", ""))
                output["traceback"] = [scrub_text(line) for line in output.get("traceback", [])]
                changed = True
    if changed:
        write_text_replacing(path, nbformat.writes(notebook))
    return notebook


def run_task(task: SectionTask, *, prepare_next: bool = False, kernels: KernelPool | None = None) -> SectionRun:
    """Execute one section notebook and export it; never raises (a failure is reported in the run).

    Parameters
    ----------
    task : SectionTask
    prepare_next : bool
        Start (and warm up) the kernel for the next notebook while this one runs.
    kernels : KernelPool, optional
        Where the kernel comes from (default: this process's pool).
    """
    for previous in (task.results, task.page, task.executed):  # new files, never rewritten in place
        previous.unlink(missing_ok=True)
    run = SectionRun(task.site, task.section, ok=False, notebook=task.executed)
    try:
        pool = kernels if kernels is not None else _kernel_pool(task.run_folder)
        kernel = pool.take(prepare_next=prepare_next)
        executed = None
        try:
            executed = execute_notebook(task.notebook, task.executed, task.parameters, timeout=task.timeout,
                                        kernel=kernel)
        finally:
            executed = _scrub_kept_notebook(task.executed, executed)
        write_text_replacing(task.page, export_html(executed, title=task.title))
        run.ok, run.html = True, task.page
    except Exception as exc:  # a failing section must not stop the others
        run.error = type(exc).__name__
        log.debug("section %s failed", task.key, exc_info=True)
    return run


def prepares_next(index: int, count: int, *, workers: int, then: int = 0) -> bool:
    """Whether the worker given task ``index`` of ``count`` starts a kernel for its next notebook now.

    Only while other notebooks remain to be handed out: the ``count - workers`` first tasks, each
    followed by another on the same worker, or every task when ``then`` notebooks follow in a
    later call (which worker takes the next one cannot be known: each keeps a kernel ready).

    Examples
    --------
    >>> [prepares_next(i, 4, workers=2) for i in range(4)]
    [True, True, False, False]
    >>> [prepares_next(i, 4, workers=2, then=1) for i in range(4)]
    [True, True, True, True]
    >>> [prepares_next(i, 3, workers=1) for i in range(3)]
    [True, True, False]
    """
    return index < count - workers or then > 0


def _noop() -> None:
    """Handed to each new worker so that it starts right away."""


def _init_worker(run_folder: str | None, zygote_address: str | None) -> None:
    _kernel_pool(run_folder, zygote_address)
    register_engine()  # papermill, imported while the zygote imports rather than before the first notebook
    multiprocessing.util.Finalize(None, _leave_without_teardown, exitpriority=-100)  # the last finaliser


def _leave_without_teardown() -> None:
    """A worker's last step once the pool is shut down: exit without the interpreter's teardown.

    Freeing, object by object, every module a worker imported (papermill, nbconvert, pandas …)
    took ≈ 0,3 s at the end of each review, which waited for it. By then the worker's finalisers
    have run (its spare kernel closed, its queues flushed) and its results are sent. A worker
    ending on an error keeps the ordinary exit, which prints it.
    """
    if sys.exc_info()[0] is not None:
        return
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (AttributeError, OSError, ValueError):  # closed or replaced: nothing left to write
            pass
    os._exit(0)


class SectionRunner:
    """Runs section notebooks on worker processes, with pre-warmed kernels forked by one zygote.

    Started early (:meth:`start`), the zygote imports what the sections need while the main
    process validates the data, then computes once what the kernels share; the same workers run
    the site sections, then the synthesis.

    Parameters
    ----------
    jobs : int, optional
        Notebooks run at once (default: the CPU count).
    run_folder : str, optional
        The run's private folder, which the kernels join (validated data, shared results).
    zygote_now : bool
        Start the zygote at once, before the work is known (where kernels are forked): it imports
        what the sections need while the caller reads the parameters and validates the data. If no
        notebook is run after all, :meth:`close` stops it at once.
    """

    def __init__(self, jobs: int | None, run_folder: str | None = None, *, zygote_now: bool = False) -> None:
        self.jobs = max(1, jobs or os.cpu_count() or 1)
        self.run_folder = run_folder
        self._pool: ProcessPoolExecutor | None = None
        self._kernels: KernelPool | None = None
        self._zygote: Zygote | None = Zygote(run_folder) if zygote_now and forks_kernels() else None
        self._closing: threading.Thread | None = None
        self._closing_error: BaseException | None = None
        self.workers = 1

    def start(self, expected: int) -> None:
        """Start the workers for about ``expected`` notebooks."""
        self.workers = max(1, min(self.jobs, expected))
        if self.workers > 1:
            if self._zygote is None and forks_kernels():
                self._zygote = Zygote(self.run_folder)
            address = self._zygote.address if self._zygote is not None else None
            self._pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=multiprocessing.get_context("spawn"),
                                             initializer=_init_worker, initargs=(self.run_folder, address))
            for _ in range(self.workers):
                self._pool.submit(_noop)
        elif self._zygote is not None:
            self._kernels = KernelPool(self.run_folder, zygote_address=self._zygote.address)
        else:
            self._kernels = KernelPool(self.run_folder, fork=expected > 1)

    def run(self, tasks: list[SectionTask], notify: Callable[[SectionTask, bool], None], *,
            then: int = 0) -> Iterator[SectionRun]:
        """Hand ``tasks`` to the workers now; an iterator of each :class:`SectionRun` as it finishes.

        The tasks start before the first outcome is asked for, so that the caller can do other
        work meanwhile (the minutes of the meeting while the synthesis runs). Without workers
        (one job), each task runs in this process when the iterator reaches it.

        ``then``: how many notebooks the caller will run next, once these are done (the synthesis
        after the site sections). Each worker then keeps a kernel ready after its last task here,
        so that the next notebook does not wait for one to start.
        """
        if self._pool is None and self._kernels is None:
            self.start(len(tasks))
        if self._pool is None:
            return self._run_here(tasks, notify, then=then)
        futures, broken = {}, []
        for index, task in enumerate(tasks):
            try:
                prepare = prepares_next(index, len(tasks), workers=self.workers, then=then)
                futures[self._pool.submit(run_task, task, prepare_next=prepare)] = task
            except BrokenProcessPool:  # a worker died (killed, out of memory): the rest cannot run here
                broken.append(task)
        return self._outcomes(futures, broken, notify)

    def _run_here(self, tasks: list[SectionTask], notify: Callable[[SectionTask, bool], None], *,
                  then: int) -> Iterator[SectionRun]:
        for index, task in enumerate(tasks):
            run = run_task(task, prepare_next=prepares_next(index, len(tasks), workers=1, then=then),
                           kernels=self._kernels)
            notify(task, run.ok)
            yield run

    @staticmethod
    def _outcomes(futures: dict, broken: list[SectionTask],
                  notify: Callable[[SectionTask, bool], None]) -> Iterator[SectionRun]:
        for task in broken:
            notify(task, False)
            yield SectionRun(task.site, task.section, ok=False, notebook=task.executed, error="BrokenProcessPool")
        for future in as_completed(futures):
            task = futures[future]
            try:
                run = future.result()
            except Exception as exc:  # the worker itself died
                run = SectionRun(task.site, task.section, ok=False, notebook=task.executed, error=type(exc).__name__)
            notify(task, run.ok)
            yield run

    def submit(self, function: Callable[..., T], /, *args, **kwargs) -> Future[T]:
        """Run ``function(*args, **kwargs)`` on a worker; its future (run here, done, without workers).

        For the work after the notebooks (the office files) on the cores they leave idle. The
        function and its arguments must be picklable; its exceptions are the future's.
        """
        if self._pool is not None:
            try:
                return self._pool.submit(function, *args, **kwargs)
            except (BrokenProcessPool, RuntimeError):  # a dead worker, or shut down: here instead
                pass
        future: Future[T] = Future()
        try:
            future.set_result(function(*args, **kwargs))
        except Exception as error:  # the caller reads it from the future, as from a worker's
            future.set_exception(error)
        return future

    def close_in_background(self) -> None:
        """Start stopping the workers and the zygote, and return at once; :meth:`close` waits for the end.

        For when every notebook has run and the caller has other work (the bilan, the office files)
        that the processes' exit need not hold up.
        """
        if self._closing is None:
            self._closing = threading.Thread(target=self._stop_in_background, name="qualepref-fin-des-processus",
                                             daemon=True)
            self._closing.start()

    def _stop_in_background(self) -> None:
        try:
            self._stop()
        except BaseException as error:  # raised by close(), in the caller's thread
            self._closing_error = error

    def close(self, *, abort: bool = False) -> None:
        """Stop the workers, their spare kernels and the zygote.

        With ``abort`` (an error or an interruption), running notebooks are not waited for: the
        workers are terminated, the zygote sees its input close and exits, and the kernels
        stop when they see their parent gone. After :meth:`close_in_background`, waits for it.
        """
        if self._closing is not None:
            self._closing.join()
            error, self._closing_error = self._closing_error, None
            if error is not None and not abort:
                raise error
        self._stop(abort=abort)

    def _stop(self, *, abort: bool = False) -> None:
        unused = self._pool is None and self._kernels is None  # a zygote started at once, for nothing
        if self._pool is not None:
            if abort:
                for process in list((getattr(self._pool, "_processes", None) or {}).values()):
                    process.terminate()
            self._pool.shutdown(wait=not abort, cancel_futures=abort)  # what was submitted is done, unless aborting
            self._pool = None
        if self._kernels is not None:
            self._kernels.close()
            self._kernels = None
        if self._zygote is not None:
            self._zygote.close(now=unused)  # still importing, it would read its input only seconds later
            self._zygote = None


def _execute(tasks: list[SectionTask], *, jobs: int | None, notify: Callable[[SectionTask, bool], None]):
    """Run ``tasks`` on a :class:`SectionRunner` of their own."""
    if not tasks:
        return
    runner = SectionRunner(jobs, tasks[0].run_folder)
    try:
        yield from runner.run(tasks, notify)
    finally:
        runner.close()
