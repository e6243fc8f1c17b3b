"""The demo review end to end: `qualepref review` against a naive serial baseline, same run.

- baseline: for each site × section, the `papermill` CLI then `jupyter nbconvert --to html
  --no-input` CLI, one after the other (what a shell script would do);
- ours: `run_review(force=True)` (process pool over site × section, fresh kernel per notebook,
  in-process export, synthesis, single bilan);
- second run with nothing changed (incremental): target ≤ 3 s.

Our run is timed three times — once before the baseline, twice after it — and the median is the
one compared: on a shared machine one run of ours varies by a third from one minute to the next
(10,8 s then 14,1 s, same code), while the baseline's hundred seconds average such bursts out.

Usage: ``python benchmarks/bench_review.py [--timeline] [--only-ours] [--sans-bureautique]`` (``--timeline``:
when each step of our first run started; ``--only-ours``: that run only, for profiling;
``--sans-bureautique``: our runs without the office files, which the baseline does not write either).
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from qualepref_analysis.batch.review import SECTIONS, notebooks_dir, run_review
from qualepref_analysis.io.locations import default_data_dir, default_params_dir
from qualepref_analysis.io.params import load_params

BIN = Path(sys.executable).parent


def naive(out: Path) -> float:
    params = load_params(default_params_dir())
    start = time.perf_counter()
    for site in params.sites:
        for section in SECTIONS:
            executed = out / f"{site}-{section}.ipynb"
            subprocess.run([str(BIN / "papermill"), str(notebooks_dir() / f"{section}.ipynb"), str(executed),
                            "-p", "site", site, "-p", "data_dir", str(default_data_dir()),
                            "-p", "params_dir", str(default_params_dir()), "--no-progress-bar", "-k", "python3"],
                           check=True, capture_output=True, cwd=notebooks_dir())
            subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                           check=True, capture_output=True)
    return time.perf_counter() - start


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        start = time.perf_counter()
        timeline: list[tuple[float, str]] = []
        office = "--sans-bureautique" not in sys.argv
        result = run_review(out_dir=tmp / "ours", force=True, office=office,
                            progress=lambda message: timeline.append((time.perf_counter() - start, message)))
        ours = time.perf_counter() - start
        if "--timeline" in sys.argv:
            for elapsed, message in timeline:
                print(f"  {elapsed:6.1f} s  {message}")
            if "--only-ours" in sys.argv:
                print(f"qualepref review          : {ours:7.1f} s")
                return
        assert not result.failed
        start = time.perf_counter()
        run_review(out_dir=tmp / "ours", office=office)
        again = time.perf_counter() - start
        (tmp / "naive").mkdir()
        baseline = naive(tmp / "naive")
        runs = [ours]
        for _ in range(2):
            start = time.perf_counter()
            run_review(out_dir=tmp / "ours", force=True, office=office)
            runs.append(time.perf_counter() - start)
        ours = statistics.median(runs)
        notebooks = len(result.runs) + 1
        print(f"demo review: {len(result.runs)} site sections + synthesis")
        print(f"naive serial CLI baseline : {baseline:7.1f} s ({baseline / len(result.runs):.1f} s per notebook)")
        print(f"qualepref review          : {ours:7.1f} s median of {', '.join(f'{r:.1f}' for r in runs)} s "
              f"({ours / notebooks:.1f} s per notebook, incl. bilan{' and office files' if office else ''})")
        print(f"speed-up                  : {baseline / ours:7.1f}x (each run: "
              f"{', '.join(f'{baseline / r:.1f}' for r in runs)})")
        print(f"second run, nothing changed: {again:6.2f} s")
        shutil.rmtree(tmp / "naive", ignore_errors=True)


if __name__ == "__main__":
    main()
