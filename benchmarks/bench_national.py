"""National scale: 100 prefectures, 330 sites, one review — wall time, memory, per-notebook overhead.

The synthetic national data set is the demo generator run once per prefecture (a different seed
each time, so that the figures differ), its three sites renamed ``pNNN_pref``, ``pNNN_sp1``,
``pNNN_sp2``; 30 prefectures get a fourth site (a copy of their first sub-prefecture). All the
registers are concatenated into one data folder and one ``sites.yaml`` declares the 330 sites.

Reported:
- validation of the national data alone (rows, seconds);
- the whole review (330 sites × 6 sections + synthesis): wall time, notebooks per second;
- peak memory: the runner process, and the sum over the runner and all its descendants
  (workers, zygotes, kernels), sampled every 0,2 s from /proc;
- per-notebook overhead: wall time per notebook × workers, minus the time spent inside the
  notebooks' cells (papermill's per-cell durations), i.e. kernel start, papermill, export;
- what dominates: cell time per section.

Usage: ``python benchmarks/bench_national.py [--sites N] [--jobs J] [--keep DIR] [--sans-bureautique]``
(``--sites N`` runs the review on the first N sites only, over the full national data;
``--sans-bureautique`` leaves the office files out, as ``qualepref review --sans-bureautique`` does).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import tempfile
import threading
import time
from pathlib import Path

import nbformat
import pandas as pd
import yaml

from qualepref_analysis.batch.review import SECTIONS, run_review
from qualepref_analysis.io.locations import default_params_dir
from qualepref_analysis.io.datasets import load_data_dir
from qualepref_analysis.demo.generator import build_demo_frames
from qualepref_analysis.io.params import load_params

PREFECTURES, EXTRA_SITES = 100, 30


def national_data(folder: Path) -> tuple[Path, Path, list[str]]:
    """Write the national data folder and a params folder declaring its sites."""
    data_dir, params_dir = folder / "donnees", folder / "params"
    if (data_dir / "correspondances.csv").exists() and (params_dir / "sites.yaml").exists():  # kept from a previous run
        declared = yaml.safe_load((params_dir / "sites.yaml").read_text(encoding="utf-8"))
        return data_dir, params_dir, list(declared["sites"])
    shutil.copytree(default_params_dir(), params_dir)
    frames: dict[str, list[pd.DataFrame]] = {}
    sites: dict[str, dict] = {}
    for number in range(1, PREFECTURES + 1):
        prefix = f"p{number:03d}"
        names = {"prefecture": f"{prefix}_pref", "antony": f"{prefix}_sp1", "boulogne": f"{prefix}_sp2"}
        for name, frame in build_demo_frames(seed=number).items():
            if name == "chatbot" and number > 1:
                continue  # one national chatbot
            frame = frame.copy()
            if "site" in frame:
                if number <= EXTRA_SITES:
                    extra = frame[frame["site"] == "antony"].assign(site="extra")
                    frame = pd.concat([frame, extra], ignore_index=True)
                frame["site"] = frame["site"].replace({**names, "extra": f"{prefix}_sp3"})
            if "id" in frame:
                frame["id"] = [f"{prefix}-{i}" for i in range(len(frame))]
            frames.setdefault(name, []).append(frame)
        labels = {"pref": f"Préfecture n° {number}", "sp1": f"Sous-préfecture A n° {number}",
                  "sp2": f"Sous-préfecture B n° {number}", "sp3": f"Sous-préfecture C n° {number}"}
        for suffix, label in labels.items():
            if suffix != "sp3" or number <= EXTRA_SITES:
                sites[f"{prefix}_{suffix}"] = {"libelle": label, "calendrier": "metropole",
                                               "type": "prefecture" if suffix == "pref" else "sous_prefecture"}
    data_dir.mkdir()
    for name, parts in frames.items():
        pd.concat(parts, ignore_index=True).to_csv(data_dir / f"{name}.csv", index=False)
    declared = yaml.safe_load((params_dir / "sites.yaml").read_text(encoding="utf-8"))
    declared["prefecture"], declared["sites"] = "Ensemble national (synthétique)", sites
    (params_dir / "sites.yaml").write_text(yaml.safe_dump(declared, allow_unicode=True), encoding="utf-8")
    return data_dir, params_dir, list(sites)


class MemorySampler(threading.Thread):
    """Peak memory of this process and all its descendants: the sum of their proportional set sizes.

    PSS shares each page among the processes that map it, so the kernels forked from a zygote
    (which share its imports and data copy-on-write) are not counted several times over.
    """

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_total = 0
        self._stop = threading.Event()

    @staticmethod
    def _tree_pss() -> int:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
                children.setdefault(int(fields[1]), []).append(int(entry))
            except (OSError, IndexError, ValueError):
                continue
        total, todo = 0, [os.getpid()]
        while todo:
            pid = todo.pop()
            try:
                with open(f"/proc/{pid}/smaps_rollup") as handle:
                    total += next(int(line.split()[1]) * 1024 for line in handle if line.startswith("Pss:"))
            except (OSError, StopIteration, ValueError):
                pass
            todo.extend(children.get(pid, []))
        return total

    def run(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_total = max(self.peak_total, self._tree_pss())

    def stop(self) -> None:
        self._stop.set()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sites", type=int, default=None, help="review only the first N sites")
    parser.add_argument("--jobs", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="keep the data and the review in this folder")
    parser.add_argument("--sans-bureautique", dest="office", action="store_false",
                        help="leave the office files (Excel, Word) out of the review")
    options = parser.parse_args()
    folder = options.keep or Path(tempfile.mkdtemp(prefix="qualepref-national-"))
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    data_dir, params_dir, sites = national_data(folder)
    print(f"national data: {len(sites)} sites, written in {time.perf_counter() - start:.1f} s")
    params = load_params(params_dir)
    start = time.perf_counter()
    bundle = load_data_dir(data_dir, params)
    validation = time.perf_counter() - start
    rows = sum(loaded.rows_read for loaded in bundle.datasets.values())
    print(f"validation alone: {rows:,} rows in {validation:.1f} s")
    del bundle
    chosen = sites[: options.sites] if options.sites else sites
    sampler = MemorySampler()
    sampler.start()
    done = [0]

    def progress(message: str) -> None:
        if message.startswith("["):
            done[0] += 1
            if done[0] % 100 == 0:
                print(f"  {message.split(']')[0][1:]} notebooks, {time.perf_counter() - start:.0f} s", flush=True)

    start = time.perf_counter()
    result = run_review(data_dir=data_dir, params_dir=params_dir, sites=chosen, out_dir=folder / "revue",
                        jobs=options.jobs, force=True, progress=progress, office=options.office)
    wall = time.perf_counter() - start
    sampler.stop()
    notebooks = len(result.runs) + (1 if result.synthesis else 0)
    workers = options.jobs or os.cpu_count() or 1
    cells: dict[str, float] = {}
    for run in [*result.runs, *([result.synthesis] if result.synthesis else [])]:
        executed = nbformat.read(run.notebook, as_version=4)
        cells[run.section] = cells.get(run.section, 0.0) + sum(
            (c.metadata.get("papermill", {}).get("duration") or 0.0) for c in executed.cells if c.cell_type == "code")
    in_cells = sum(cells.values())
    runner_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"review: {len(chosen)} sites, {notebooks} notebooks, {len(result.failed)} failed, wall {wall:.0f} s "
          f"({notebooks / wall:.2f} notebooks/s, {workers} workers)")
    print(f"per notebook: {wall * workers / notebooks:.2f} s of worker time, of which {in_cells / notebooks:.2f} s in "
          f"cells → overhead {(wall * workers - in_cells) / notebooks:.2f} s")
    print("cell time by section: " + ", ".join(f"{k} {v:.0f} s" for k, v in sorted(cells.items())))
    print(f"peak memory: runner {runner_peak:.0f} MB (RSS); runner, workers, zygotes and kernels together "
          f"{sampler.peak_total / 2**20:.0f} MB (sum of PSS)")
    bilan = result.bilan.stat().st_size / 2**20 if result.bilan else 0
    print(f"bilan: {bilan:.1f} MB; results.json {(result.out_dir / 'results.json').stat().st_size / 2**20:.1f} MB")
    print(json.dumps({"sites": len(chosen), "notebooks": notebooks, "wall_s": round(wall, 1),
                      "validation_s": round(validation, 1), "rows": rows}))
    if options.keep is None:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
