"""The batch runner's kernels and faults: isolation between notebooks, shared work, failures.

Each notebook must get a kernel of its own (forked from a warmed-up zygote, or started the
ordinary way), with nothing carried over from the previous notebook; a notebook that raises,
a kernel that dies and a cell that exceeds the time limit fail their own section only.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from qualepref_analysis import load_data_dir, load_params

from qualepref_analysis.io.cache import FolderCache, MemoryCache, content_key
from qualepref_analysis.batch.review import run_review
from qualepref_analysis.batch.runner import SectionTask, _execute
from qualepref_analysis.batch.shared import share_validated_data
from qualepref_analysis.batch.kernel import (KernelPool, ReviewKernelManager, Zygote, execute_notebook, forks_kernels,
                                            unix_sockets)

from conftest import DEMO_DIR, PARAMS_DIR


def _notebook(path: Path, *sources: str) -> Path:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell("marker = None\nreport_to = None", metadata={"tags": ["parameters"]})]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in sources]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, path)
    return path


DIRTY = """
import os, json, random, matplotlib
leftover = 42
matplotlib.rcParams["lines.linewidth"] = 9
random.seed(1)
json.dump({"pid": os.getpid()}, open(report_to, "w"))
"""

CLEAN = """
import os, json, random, sys, matplotlib
from qualepref_analysis import context
user_names = sorted(n for n in globals() if not n.startswith("_")
                    and n not in {"In", "Out", "exit", "quit", "open", "get_ipython", "marker", "report_to",
                                  "os", "json", "random", "sys", "matplotlib", "context"})
json.dump({"pid": os.getpid(), "names": user_names, "linewidth": matplotlib.rcParams["lines.linewidth"],
           "warm": "seaborn" in sys.modules, "preloaded": context._run is not None and context._run.data is not None,
           "random": random.random()}, open(report_to, "w"))
"""


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "started"])
def test_each_notebook_gets_a_fresh_prewarmed_kernel(tmp_path, fork):
    params = load_params(PARAMS_DIR)
    share_validated_data(load_data_dir(DEMO_DIR, params), data_dir=DEMO_DIR, params_dir=PARAMS_DIR,
                         year=params.year, folder=tmp_path)
    dirty, clean = _notebook(tmp_path / "dirty.ipynb", DIRTY), _notebook(tmp_path / "clean.ipynb", CLEAN)
    pool = KernelPool(str(tmp_path), fork=fork)  # the kernels join the run of this folder
    try:
        reports = []
        for index, notebook in enumerate([dirty, clean, clean]):
            report = tmp_path / f"report{index}.json"
            execute_notebook(notebook, tmp_path / f"out{index}.ipynb", {"report_to": str(report)}, timeout=120,
                             kernel=pool.take(prepare_next=index < 2))
            reports.append(json.loads(report.read_text()))
    finally:
        pool.close()
    pids = {r["pid"] for r in reports}
    assert len(pids) == 3 and os.getpid() not in pids  # one kernel per notebook, none in this process
    for report in reports[1:]:
        assert report["names"] == []  # nothing left by the previous notebook nor by the warm-up
        assert report["linewidth"] != 9
        assert report["warm"] and report["preloaded"]  # imports and validated data ready before the notebook
    assert reports[1]["random"] != reports[2]["random"]  # random state is not shared between kernels


SETTINGS_SEEN = """
import json
from qualepref_analysis import open_section
section = open_section(site="antony", year=year, data_dir=data_dir, params_dir=params_dir)
json.dump({"prefecture": section.params.prefecture, "directory": str(section.params.directory),
           "extraction": str(section.extraction_date), "history": get_ipython().history_manager.enabled},
          open(report_to, "w"))
"""


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "started"])
def test_kernels_open_their_section_with_the_run_parameters_and_keep_no_history(tmp_path, fork):
    """One set of parameters for the whole run (not read again by each kernel); no IPython history written."""
    import dataclasses

    from qualepref_analysis.analysis.indicators import extraction_dates

    params = load_params(PARAMS_DIR)
    data = load_data_dir(DEMO_DIR, params)
    shared = dataclasses.replace(params, prefecture="Préfecture telle que le lot l'a lue")
    share_validated_data(data, data_dir=DEMO_DIR, params_dir=PARAMS_DIR, year=params.year, folder=tmp_path,
                         params=shared)
    notebook = _notebook(tmp_path / "settings.ipynb", SETTINGS_SEEN)
    pool = KernelPool(str(tmp_path), fork=fork)
    try:
        report = tmp_path / "report.json"
        execute_notebook(notebook, tmp_path / "out.ipynb",
                         {"report_to": str(report), "year": params.year, "data_dir": str(DEMO_DIR.resolve()),
                          "params_dir": str(PARAMS_DIR.resolve())}, timeout=120, kernel=pool.take(prepare_next=False))
    finally:
        pool.close()
    seen = json.loads(report.read_text())
    assert seen["prefecture"] == "Préfecture telle que le lot l'a lue"
    assert seen["directory"] == str(PARAMS_DIR.resolve())  # as read from the folder the kernel is given
    assert seen["extraction"] == str(extraction_dates(data, params)["correspondances"])
    assert seen["history"] is False


def test_a_notebook_of_another_parameter_folder_reads_its_own(tmp_path, monkeypatch):
    import dataclasses
    import shutil

    from qualepref_analysis import context

    monkeypatch.setattr(context, "_run", None)  # the test's own state is restored
    params = load_params(PARAMS_DIR)
    data = load_data_dir(DEMO_DIR, params)
    context.join_run(context.SharedRun(data_dir=DEMO_DIR, params_dir=PARAMS_DIR, year=params.year, data=data,
                                       cache=MemoryCache(), params=dataclasses.replace(params, prefecture="Du lot")))
    assert context.open_section(site="antony", data_dir=DEMO_DIR, params_dir=PARAMS_DIR).params.prefecture == "Du lot"
    other = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, other)
    mine = context.open_section(site="antony", data_dir=DEMO_DIR, params_dir=other)
    assert mine.params.prefecture == params.prefecture and mine.params.directory == other
    assert mine.data is not data  # another folder of parameters: its own validation


THREADS = """
import json
from threadpoolctl import threadpool_info
import numpy, scipy.linalg, sklearn.svm  # their native libraries: OpenBLAS, OpenMP
json.dump(sorted({(pool["user_api"], pool["num_threads"]) for pool in threadpool_info()}), open(report_to, "w"))
"""


@pytest.mark.parametrize("fork", [True, False], ids=["forked", "started"])
def test_kernels_run_native_libraries_on_one_thread_unless_the_user_says_otherwise(tmp_path, monkeypatch, fork):
    """The batch runs a notebook per core: a kernel's second BLAS or OpenMP thread would only contend."""
    notebook = _notebook(tmp_path / "threads.ipynb", THREADS)

    def pools_seen(name: str) -> set:
        pool = KernelPool(str(tmp_path), fork=fork)
        try:
            report = tmp_path / f"{name}.json"
            execute_notebook(notebook, tmp_path / f"{name}.ipynb", {"report_to": str(report)}, timeout=120,
                             kernel=pool.take(prepare_next=False))
        finally:
            pool.close()
        return {tuple(pair) for pair in json.loads(report.read_text())}

    for variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(variable, raising=False)
    default = pools_seen("default")
    assert {api for api, _ in default} >= {"blas", "openmp"} and {n for _, n in default} == {1}
    monkeypatch.setenv("OMP_NUM_THREADS", "2")  # the user's own setting is kept
    chosen = pools_seen("chosen")
    assert ("openmp", 2) in chosen and ("blas", 1) in chosen


PARENT = """
import os, json
json.dump({"pid": os.getpid(), "parent": os.getppid()}, open(report_to, "w"))
"""


def test_the_workers_of_a_run_share_one_zygote(tmp_path):
    """One zygote per run: the kernels of every worker are forked by it (imports and warmed data once)."""
    notebook = _notebook(tmp_path / "parent.ipynb", PARENT)
    zygote = Zygote(str(tmp_path))
    pools = [KernelPool(str(tmp_path), zygote_address=zygote.address) for _ in range(2)]  # two workers
    try:
        reports = []
        for index, pool in enumerate(pools * 2):
            report = tmp_path / f"report{index}.json"
            execute_notebook(notebook, tmp_path / f"out{index}.ipynb", {"report_to": str(report)}, timeout=120,
                             kernel=pool.take(prepare_next=False))
            reports.append(json.loads(report.read_text()))
    finally:
        for pool in pools:
            pool.close()
        zygote.close()
    assert {r["parent"] for r in reports} == {zygote._process.pid}
    assert len({r["pid"] for r in reports}) == 4  # still a kernel per notebook
    assert not zygote.alive and not Path(zygote.address).exists()


def test_a_worker_handles_its_tasks_without_importing_pandas(tmp_path):
    """A worker only drives kernels: importing pandas there would cost each worker 0,6 s of CPU for nothing."""
    import subprocess
    import sys

    probe = ("import sys\nfrom pathlib import Path\nfrom qualepref_analysis.batch.runner import SectionTask\n"
             "task = SectionTask('s', '01', Path('n.ipynb'), Path('d'), {}, 60, 'f', 'titre')\n"
             "print(task.results.name, task.page.name, 'pandas' in sys.modules, 'numpy' in sys.modules)")
    printed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["01.results.json", "01.html", "False", "False"]


def test_the_review_starts_its_zygote_before_importing_pandas():
    """`qualepref review` imports the review without pandas, so that the zygote starts first and imports in parallel."""
    import subprocess
    import sys

    probe = "import sys\nimport qualepref_analysis.batch.review\nprint('pandas' in sys.modules)"
    printed = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["False"]


def test_a_just_started_kernel_loses_no_output_of_the_first_cell(tmp_path):
    """The runner's client declares a kernel ready without jupyter_client's 0,2 s wait: the IOPub
    channel must be connected by then, or the first cell's outputs would be lost."""
    notebook = _notebook(tmp_path / "first.ipynb", "print('premier')\nfrom IPython.display import HTML, display\n"
                                                   "display(HTML('<p>affiché</p>'))\n42")
    pool = KernelPool(str(tmp_path))
    try:
        for index in range(5):
            executed = execute_notebook(notebook, tmp_path / f"first{index}.ipynb", {}, timeout=120,
                                        kernel=pool.take(prepare_next=False))  # asked for the moment it is forked
            kinds = [o["output_type"] for o in executed.cells[-1].outputs]
            assert kinds == ["stream", "display_data", "execute_result"], kinds
            assert nbformat.read(tmp_path / f"first{index}.ipynb", as_version=4).cells[-1].outputs  # written too
    finally:
        pool.close()


@pytest.mark.parametrize("portable", [False, True], ids=["unix", "portable"])
def test_folders_with_spaces_and_accents_on_both_paths(tmp_path, monkeypatch, portable):
    """« Mes documents/Qualité 2022 » on the Linux path (Unix sockets, forked kernels) and on the
    path of Windows and macOS (TCP on 127.0.0.1 with signed messages, a new interpreter per kernel)."""
    if portable:
        monkeypatch.setenv("QUALEPREF_PORTABLE", "1")
    else:
        monkeypatch.delenv("QUALEPREF_PORTABLE", raising=False)
    assert unix_sockets() is not portable and forks_kernels() is not portable
    manager = ReviewKernelManager()
    assert manager.transport == ("tcp" if portable else "ipc")
    if portable:
        assert manager.ip == "127.0.0.1" and manager.session.key and manager.session.signature_scheme.startswith("hmac")
    folder = tmp_path / "Mes documents" / "Qualité 2022"
    folder.mkdir(parents=True)
    tasks = [_task(folder, name, "print(marker)\nimport os\nprint(os.getcwd())") for name in ("é1", "é2", "é3")]
    runs = list(_execute(tasks, jobs=2, notify=lambda task, ok: None))
    assert [run.ok for run in runs] == [True] * 3, [run.error for run in runs]
    for task in tasks:
        executed = nbformat.read(task.executed, as_version=4)
        assert executed.cells[-1].outputs[0]["text"] == f"{task.site}\n{folder}\n"  # ran in the notebook's folder
        assert task.page.exists()


def _task(tmp_path: Path, name: str, *sources: str, timeout: int = 120) -> SectionTask:
    notebook = _notebook(tmp_path / f"{name}.ipynb", *sources)
    site_dir = tmp_path / "out" / name
    site_dir.mkdir(parents=True)
    return SectionTask(name, "99_essai", notebook, site_dir, {"marker": name}, timeout, fingerprint=name, title=name)


@pytest.mark.skipif(not forks_kernels(), reason="kernels are forked from a zygote only where fork is safe")
def test_a_zygote_started_for_nothing_is_stopped_at_once(tmp_path):
    """`qualepref review` starts its zygote first; when nothing needs running, closing does not wait for its imports."""
    import signal

    from qualepref_analysis.batch.runner import SectionRunner

    runner = SectionRunner(2, str(tmp_path), zygote_now=True)
    zygote = runner._zygote
    assert zygote is not None and zygote.alive
    runner.close()
    assert zygote._process.returncode == -signal.SIGKILL  # killed, not waited for until its imports end
    assert not Path(zygote.address).exists()


def test_closing_in_the_background_then_waiting_stops_everything(tmp_path):
    from qualepref_analysis.batch.runner import SectionRunner

    notebook = _notebook(tmp_path / "parent.ipynb", PARENT)
    runner = SectionRunner(2, str(tmp_path), zygote_now=True)
    tasks = [SectionTask(f"s{i}", "x", notebook, tmp_path / f"s{i}", {"report_to": str(tmp_path / f"r{i}.json")},
                         120, "f", "t") for i in range(2)]
    for task in tasks:
        task.site_dir.mkdir()
    runs = list(runner.run(tasks, lambda task, ok: None))
    assert all(run.ok for run in runs)
    workers, zygote = list(runner._pool._processes.values()), runner._zygote
    runner.close_in_background()
    runner.close()  # waits for the background stop
    assert runner._pool is None and runner._zygote is None
    assert workers and not any(worker.is_alive() for worker in workers)
    assert zygote is None or not zygote.alive


def test_tasks_start_on_the_workers_before_their_outcome_is_asked_for(tmp_path):
    """The review writes the minutes while the synthesis runs: ``run`` hands the tasks over at once."""
    import time

    from qualepref_analysis.batch.runner import SectionRunner

    notebook = _notebook(tmp_path / "n.ipynb", 'import json, os\njson.dump({"pid": os.getpid()}, open(report_to, "w"))')
    task = SectionTask("s0", "x", notebook, tmp_path / "s0", {"report_to": str(tmp_path / "r.json")}, 120, "f", "t")
    task.site_dir.mkdir()
    runner = SectionRunner(2, str(tmp_path), zygote_now=True)
    try:
        runner.start(2)
        pending = runner.run([task], lambda task, ok: None)
        deadline = time.monotonic() + 120
        while not (tmp_path / "r.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (tmp_path / "r.json").exists()  # ran while nobody asked for its outcome
        assert next(pending).ok
    finally:
        runner.close()


def test_submitted_work_runs_on_a_worker_or_here_without_workers_and_keeps_its_error(tmp_path):
    from qualepref_analysis.batch.runner import SectionRunner

    pooled = SectionRunner(2, None)
    pooled.start(2)
    try:
        assert pooled.submit(os.getpid).result() != os.getpid()
        assert isinstance(pooled.submit(int, "x").exception(), ValueError)
        workers = list(pooled._pool._processes.values())
    finally:
        pooled.close()
    assert workers and all(worker.exitcode == 0 for worker in workers)  # done, and left without teardown
    alone = SectionRunner(1, None)
    alone.start(1)
    try:
        assert alone.submit(os.getpid).result() == os.getpid()
        assert isinstance(alone.submit(int, "x").exception(), ValueError)
    finally:
        alone.close()


def test_a_worker_leaves_without_the_interpreter_teardown_unless_it_ends_on_an_error(tmp_path):
    import subprocess
    import sys

    program = ("import atexit, multiprocessing.util, sys\n"
               "from qualepref_analysis.batch.runner import _leave_without_teardown\n"
               "atexit.register(print, 'teardown')\n"
               "multiprocessing.util.Finalize(None, _leave_without_teardown, exitpriority=-100)\n"
               "print('work done')\n"
               "if sys.argv[1] == 'error':\n"
               "    try:\n"
               "        raise RuntimeError('boom')\n"
               "    finally:\n"
               "        multiprocessing.util._exit_function()\n"
               "multiprocessing.util._exit_function()\n")
    clean = subprocess.run([sys.executable, "-c", program, "ok"], capture_output=True, text=True, timeout=60)
    assert clean.returncode == 0 and clean.stdout.split() == ["work", "done"]  # printed, then no teardown
    failing = subprocess.run([sys.executable, "-c", program, "error"], capture_output=True, text=True, timeout=60)
    assert failing.returncode == 1 and "boom" in failing.stderr and "teardown" in failing.stdout


def test_faults_fail_their_own_section_only(tmp_path):
    tasks = [
        _task(tmp_path, "ok1", "print(marker)"),
        _task(tmp_path, "raises", "print('usager : zoe.kanarik@exemple.fr')\nraise ValueError('Mme Kanarik, 06 12 34 56 78')"),
        _task(tmp_path, "dies", "import os\nos._exit(3)"),
        _task(tmp_path, "slow", "import time\ntime.sleep(60)", timeout=3),
        _task(tmp_path, "ok2", "x = 1 + 1"),
        _task(tmp_path, "ok3", "y = 2"),
    ]
    runs = {run.site: run for run in _execute(tasks, jobs=2, notify=lambda task, ok: None)}
    assert {name for name, run in runs.items() if run.ok} == {"ok1", "ok2", "ok3"}
    for name in ("raises", "dies", "slow"):
        assert not runs[name].ok and runs[name].error and runs[name].html is None
        assert not (tmp_path / "out" / name / "99_essai.html").exists()  # no page presented as complete
    kept = tmp_path / "out" / "raises" / "99_essai.ipynb"  # kept for analysis, without personal data
    failed = nbformat.read(kept, as_version=4)
    assert any(o.get("ename") == "ValueError" for c in failed.cells for o in c.get("outputs", []))
    outputs = json.dumps([c.get("outputs", []) for c in failed.cells], ensure_ascii=False)
    assert "[courriel]" in outputs and "[téléphone]" in outputs
    assert not any(secret in outputs for secret in ("Kanarik", "kanarik", "06 12 34"))
    assert (tmp_path / "out" / "ok3" / "99_essai.html").exists()


def test_run_cache_computes_once_per_key(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"valeur": len(calls)}

    private = MemoryCache()
    assert private.get("essai", "k", compute) == {"valeur": 1}
    assert private.get("essai", "k", compute) == {"valeur": 1} and len(calls) == 1  # same key: not recomputed
    assert private.get("essai", "autre", compute) == {"valeur": 2}
    assert MemoryCache().get("essai", "k", compute) == {"valeur": 3}  # another notebook alone: its own cache
    first, second = FolderCache(tmp_path), FolderCache(tmp_path)  # two kernels of one batch run
    assert first.get("essai", "k", compute) == {"valeur": 4}
    assert second.get("essai", "k", compute) == {"valeur": 4} and len(calls) == 4  # read back, not recomputed
    assert content_key(["a", "b"]) != content_key(["a", "c"])
    import pandas as pd

    assert content_key(pd.Series(["a", "b"])) != content_key(pd.Series(["a", "c"]))
    assert all(oct(p.stat().st_mode)[-3:] == "600" for p in tmp_path.iterdir())


def test_kernels_asking_at_the_same_time_compute_once(tmp_path):
    import threading
    import time

    calls, results = [], []

    def slow():
        calls.append(1)
        time.sleep(0.3)
        return "modèle"

    threads = [threading.Thread(target=lambda: results.append(FolderCache(tmp_path).get("lent", "k", slow)))
               for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == ["modèle"] * 3 and len(calls) == 1


def test_figures_are_drawn_even_with_the_agg_backend(tmp_path, monkeypatch):
    """With MPLBACKEND=Agg a notebook would "succeed" without any figure: every drawing section has its images."""
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = tmp_path / "review"
    result = run_review(out_dir=out, sites=["prefecture"], sections=["01", "02", "03", "04"], jobs=2)
    assert not result.failed
    # figures drawn for the préfecture: volumes, calls, website, PAN, delays | months, subjects, delays, …
    expected = {"01_indicateurs": 5, "02_reclamations": 4, "03_satisfaction": 2, "04_services_publics_plus": 1}
    for section, figures in expected.items():
        page = (out / "prefecture" / f"{section}.html").read_text(encoding="utf-8")
        executed = nbformat.read(out / "prefecture" / f"{section}.ipynb", as_version=4)
        in_notebook = sum("image/png" in o.get("data", {}) for c in executed.cells for o in c.get("outputs", []))
        assert page.count("data:image/png;base64") == in_notebook == figures, section
        assert "<script" not in page.lower() and "<link" not in page.lower() and 'src="http' not in page
        assert "open_section(" not in page and "Traceback" not in page


def _tasks(sites, sections):
    return [SectionTask(site, section, Path(f"{section}.ipynb"), Path(site), {}, 60, "f", title="t")
            for site in sites for section in sections]


def test_schedule_puts_one_shared_computation_first_and_waits_with_the_rest():
    from qualepref_analysis.batch.review import schedule

    sections = ["01_indicateurs", "02_reclamations", "03_satisfaction", "06_audits"]
    order = [(t.site, t.section) for t in schedule(_tasks(["b", "a"], sections))]
    assert order == [("a", "02_reclamations"),  # trains and cross-validates the classifier for all
                     ("a", "01_indicateurs"), ("b", "01_indicateurs"),  # meanwhile, on the other worker
                     ("a", "03_satisfaction"), ("b", "03_satisfaction"),
                     ("b", "02_reclamations"),  # finds the classifier ready
                     ("a", "06_audits"), ("b", "06_audits")]
    assert schedule(list(reversed(_tasks(["b", "a"], sections)))) == schedule(_tasks(["b", "a"], sections))


def test_schedule_of_a_single_section_is_by_site():
    from qualepref_analysis.batch.review import schedule

    assert [t.site for t in schedule(_tasks(["c", "a", "b"], ["05_plan_actions"]))] == ["a", "b", "c"]
    assert schedule([]) == []


def test_kernels_of_a_run_train_and_cross_validate_the_classifier_once(tmp_path, monkeypatch):
    """Each kernel of a batch has its own memory: the classifier's keys must not depend on the
    state of the objects it was built from (the lexicon fills a memo as it matches texts)."""
    from qualepref_analysis import context
    from qualepref_analysis.analysis import complaints

    calls = {"train": 0, "cross_validate": 0}
    train, cross_validate = complaints.train_categoriser, complaints.cross_validate

    def counted(name, function):
        def wrapper(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return wrapper

    monkeypatch.setattr(complaints, "train_categoriser", counted("train", train))
    monkeypatch.setattr(complaints, "cross_validate", counted("cross_validate", cross_validate))
    first = context.open_section(site="antony")
    kernels = [context.SectionContext(params=first.params, data=first.data, site=first.params.sites[site],
                                      year=first.year, cache=FolderCache(tmp_path))
               for site in ("antony", "boulogne", "prefecture")]
    for kernel in kernels:  # one after the other, as the workers run the complaint sections
        kernel.categoriser()
        kernel.categoriser_evaluation()
    assert calls == {"train": 1, "cross_validate": 1}


def test_a_cache_adopts_what_another_process_stored_and_never_computes(tmp_path):
    """The zygote takes into memory what a kernel stored: absent or damaged, nothing is computed or kept."""
    computed = []
    zygote, kernel = FolderCache(tmp_path), FolderCache(tmp_path)
    assert not zygote.adopt("modele", "k")  # not stored yet
    assert kernel.get("modele", "k", lambda: computed.append(1) or "appris") == "appris"
    assert zygote.adopt("modele", "k") and ("modele", "k") in zygote
    (tmp_path / "modele-k.pickle").unlink()  # from now on only in the zygote's memory
    assert zygote.get("modele", "k", lambda: computed.append(2) or "recalculé") == "appris" and computed == [1]
    (tmp_path / "abime-k.pickle").write_bytes(b"pas un pickle")
    assert not zygote.adopt("abime", "k") and ("abime", "k") not in zygote
    private = MemoryCache()
    assert not private.adopt("modele", "k")
    private.get("modele", "k", lambda: "appris")
    assert private.adopt("modele", "k")


def test_kernels_forked_after_the_training_find_the_categoriser_in_memory(tmp_path, monkeypatch):
    """What the zygote adopts is what the complaint sections ask for: same slots, no reading, no training."""
    import pickle

    from qualepref_analysis import context
    from qualepref_analysis.analysis import complaints

    first = context.open_section(site="antony")

    def kernel(site: str, cache: FolderCache) -> context.SectionContext:
        return context.SectionContext(params=first.params, data=first.data, site=first.params.sites[site],
                                      year=first.year, cache=cache)

    trained = kernel("antony", FolderCache(tmp_path))
    report = trained.categoriser_evaluation()
    trained.categoriser()
    zygote_cache = FolderCache(tmp_path)
    slots = kernel("prefecture", zygote_cache).shared_models()
    assert [name for name, _ in slots] == ["categoriseur", "validation-croisee"]
    assert all(zygote_cache.adopt(name, key) for name, key in slots)

    def refused(*args, **kwargs):
        raise AssertionError("the categoriser was trained or read again")

    monkeypatch.setattr(complaints, "train_categoriser", refused)
    monkeypatch.setattr(complaints, "cross_validate", refused)
    monkeypatch.setattr(pickle, "load", refused)
    forked = kernel("boulogne", zygote_cache)  # a kernel forked after: the zygote's memory, copied
    assert forked.categoriser() is zygote_cache._memory[slots[0]]
    assert forked.categoriser_evaluation().macro_f1 == report.macro_f1


def test_the_zygote_adopts_the_categoriser_as_soon_as_a_kernel_has_stored_it(tmp_path, monkeypatch):
    from qualepref_analysis import context
    from qualepref_analysis.batch import shared

    monkeypatch.setattr(context, "_run", None)  # this process plays the zygote; the test's own state is restored
    monkeypatch.setattr(shared, "warm_figures", lambda: None)
    first = context.open_section(site="antony")
    shared.share_validated_data(first.data, data_dir=DEMO_DIR, params_dir=first.params.directory, year=first.year,
                                folder=tmp_path)
    shared.warm(tmp_path)  # the first fork: nothing trained yet
    zygote = context._run
    slots = context.SectionContext(params=first.params, data=zygote.data, site=first.site, year=first.year,
                                   cache=zygote.cache).shared_models()
    assert not any(slot in zygote.cache for slot in slots)
    kernel = context.SectionContext(params=first.params, data=first.data, site=first.site, year=first.year,
                                    cache=FolderCache(tmp_path))
    kernel.categoriser()
    kernel.categoriser_evaluation()  # a kernel has trained and stored them
    shared.warm(tmp_path)  # the next fork
    assert all(slot in zygote.cache for slot in slots)


@pytest.mark.skipif(not forks_kernels(), reason="the trainer is forked by the zygote, where fork is used")
@pytest.mark.parametrize("wanted", [True, False], ids=["wanted", "not-wanted"])
def test_the_trainer_stores_what_the_complaint_sections_ask_for_only_when_they_run(tmp_path, monkeypatch, wanted):
    from qualepref_analysis import context
    from qualepref_analysis.batch import shared
    from qualepref_analysis.batch.zygote import fork_trainer

    monkeypatch.setattr(context, "_run", None)  # this process plays the zygote; the test's own state is restored
    first = context.open_section(site="antony")
    shared.share_validated_data(first.data, data_dir=DEMO_DIR, params_dir=first.params.directory, year=first.year,
                                folder=tmp_path, shared_models=wanted)
    pid = fork_trainer(str(tmp_path), [])
    if not wanted:
        assert pid is None and not list(tmp_path.glob("categoriseur-*"))
        return
    assert pid is not None and os.waitpid(pid, 0)[1] == 0
    # a kernel of another site, opened as open_section does in the run, finds both stored: it trains nothing
    kernel = context.SectionContext(params=first.params, data=first.data, site=first.params.sites["boulogne"],
                                    year=first.year, cache=FolderCache(tmp_path))
    assert all(FolderCache(tmp_path).adopt(name, key) for name, key in kernel.shared_models())

    def refused(*args, **kwargs):
        raise AssertionError("the categoriser was trained again")

    from qualepref_analysis.analysis import complaints
    monkeypatch.setattr(complaints, "train_categoriser", refused)
    monkeypatch.setattr(complaints, "cross_validate", refused)
    assert kernel.categoriser().n_labelled_ > 0 and kernel.categoriser_evaluation().folds >= 2


def test_the_validated_data_appear_whole_for_the_zygote_that_looks_while_it_imports(tmp_path, monkeypatch):
    """The zygote starts the trainer between two stages of its imports once the file is there: the
    file must never be seen half written (it is renamed into place)."""
    from qualepref_analysis import context
    from qualepref_analysis.batch import shared, zygote

    assert zygote._IMPORT_STAGES[0].startswith("sklearn") and "qualepref_analysis.batch.warmup" in zygote._IMPORT_STAGES
    monkeypatch.setattr(context, "_run", None)
    first = context.open_section(site="antony")
    seen_before_rename = []
    real_replace = os.replace

    def replace(source, target):
        seen_before_rename.append(zygote._validated(str(tmp_path)))
        real_replace(source, target)

    monkeypatch.setattr(shared.os, "replace", replace)
    assert not zygote._validated(str(tmp_path))
    shared.share_validated_data(first.data, data_dir=DEMO_DIR, params_dir=first.params.directory, year=first.year,
                                folder=tmp_path)
    assert seen_before_rename == [False] and zygote._validated(str(tmp_path))
    assert [path.name for path in tmp_path.iterdir()] == [shared.VALIDATED_DATA_FILE]
    monkeypatch.setattr(context, "_run", None)
    assert shared.join(tmp_path) and context._run.data.frame("correspondances") is not None


def test_the_sections_said_to_use_the_categoriser_are_those_whose_notebooks_call_it():
    from qualepref_analysis.batch.review import SECTIONS, SECTIONS_USING_CATEGORISER, notebooks_dir

    calling = {section for section in SECTIONS
               if "ctx.categoriser()" in (notebooks_dir() / f"{section}.ipynb").read_text(encoding="utf-8")}
    assert calling == set(SECTIONS_USING_CATEGORISER)


def test_the_review_asks_for_the_trainer_only_when_a_complaint_section_runs(tmp_path, monkeypatch):
    from qualepref_analysis.batch import shared

    asked = []
    original = shared.share_validated_data

    def recording(*args, **kwargs):
        asked.append(kwargs.get("shared_models", False))
        return original(*args, **kwargs)

    monkeypatch.setattr(shared, "share_validated_data", recording)
    run_review(out_dir=tmp_path / "audits", sites=["antony"], sections=["06_audits"], office=False)
    run_review(out_dir=tmp_path / "sp", sites=["antony"], sections=["04_services_publics_plus"], office=False)
    assert asked == [False, True]
