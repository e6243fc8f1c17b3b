"""Cost of validated loading against a bare pandas read, in the same run.

Writes a synthetic ``correspondances.csv`` of N rows (the demo register
repeated with unique ids), then times:

- baseline: ``pandas.read_csv`` with the C engine and typed dates (no validation,
  no quarantine, no row numbers);
- ours: :func:`qualepref_analysis.load_dataset` (encoding and separator
  detection, header matching, parsing of every column, pandera rules,
  quarantine).

Usage: ``python benchmarks/bench_loading.py [N]`` (default 300 000 rows).

``python benchmarks/bench_loading.py labels`` measures the scrubbing of the demo's labels (every
``label`` and ``free_code`` cell of ``data/demo``), each way in a fresh interpreter so that the
loading of spaCy's model is counted:

- baseline: :func:`~qualepref_analysis.io.privacy.scrub_values` column by column (the former
  load-time path: the NER model loaded and run on every label with a capital letter);
- ours: one :class:`~qualepref_analysis.io.privacy.LabelScrubber` for the folder (each distinct
  label scrubbed once, the model loaded only for labels the rules cannot decide).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from qualepref_analysis import load_dataset, load_params

ROOT = Path(__file__).resolve().parents[1]


def _best_of(repeats: int, func) -> float:
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main(rows: int = 300_000) -> None:
    params = load_params(ROOT / "params")
    demo = pd.read_csv(ROOT / "data" / "demo" / "correspondances.csv", dtype=str, keep_default_na=False)
    copies = -(-rows // len(demo))
    big = pd.concat([demo] * copies, ignore_index=True).head(rows)
    big["id"] = [f"X{i:08d}" for i in range(len(big))]
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "correspondances.csv"
        big.to_csv(path, index=False, sep=";")
        size_mb = path.stat().st_size / 1e6

        def baseline() -> None:
            frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
            pd.to_datetime(frame["date_reception"], format="%Y-%m-%d")
            pd.to_datetime(frame["date_reponse"].replace("", None), format="%Y-%m-%d")

        def ours() -> None:
            loaded = load_dataset(path, params)
            assert loaded.rows_kept == rows

        base = _best_of(3, baseline)
        mine = _best_of(3, ours)
    print(f"correspondances: {rows:,} rows, {size_mb:.1f} MB")
    print(f"baseline pandas.read_csv + dates : {base:6.2f} s")
    print(f"qualepref load_dataset (validated): {mine:6.2f} s")
    print(f"ratio ours / baseline             : {mine / base:6.1f}x  ({rows / mine:,.0f} rows/s)")


_LABELS_RUN = """
import json, sys, time
start = time.perf_counter()
import pandas as pd
from qualepref_analysis.io import privacy
from qualepref_analysis.io.params import load_params
from qualepref_analysis.io.schemas import DATASETS
root = sys.argv[1]
params = load_params(root + "/params")
columns = []
for name, spec in DATASETS.items():
    try:
        frame = pd.read_csv(f"{root}/data/demo/{name}.csv", dtype=str, keep_default_na=False)
    except FileNotFoundError:
        continue
    columns += [frame[c.name].str.strip().unique().tolist() for c in spec.columns
                if c.kind in ("label", "free_code") and c.name in frame]
ready = time.perf_counter()
if sys.argv[2] == "baseline":
    out = [privacy.scrub_values(values) for values in columns]
    ner_labels = sum(len(v) for v in columns if any(c.isupper() for t in v for c in t))  # what it sends to spaCy
else:
    scrubber = privacy.LabelScrubber([site.libelle for site in params.sites.values()])
    out = [scrubber.scrub(values) for values in columns]
    ner_labels = scrubber.ner_labels
done = time.perf_counter()
changed = sum(a != b for values, scrubbed in zip(columns, out) for a, b in zip(values, scrubbed))
print(json.dumps({"scrub": done - ready, "process": done - start, "labels": sum(map(len, columns)),
                  "changed": changed, "ner_loaded": privacy._ner.cache_info().currsize, "ner_labels": ner_labels}))
"""


def labels(repeats: int = 3) -> None:
    """Scrubbing of the demo's labels: the former path against one :class:`LabelScrubber`."""
    runs: dict[str, list[dict]] = {"baseline": [], "ours": []}
    for _ in range(repeats):
        for way in runs:  # interleaved: a noisy machine slows both alike
            result = subprocess.run([sys.executable, "-c", _LABELS_RUN, str(ROOT), way], check=True,
                                    capture_output=True, text=True)
            runs[way].append(json.loads(result.stdout.strip().splitlines()[-1]))
    median = {way: sorted(r["scrub"] for r in rs)[len(rs) // 2] for way, rs in runs.items()}
    for way, rs in runs.items():
        last = rs[-1]
        print(f"{way:8}: scrub {median[way]:6.3f} s (median of {repeats}), {last['labels']} labels (distinct in "
              f"their column), {last['changed']} changed, NER model loaded: {bool(last['ner_loaded'])}, "
              f"labels read by NER: {last['ner_labels']}")
    print(f"ratio baseline / ours: {median['baseline'] / median['ours']:6.1f}x")


if __name__ == "__main__":
    if sys.argv[1:2] == ["labels"]:
        labels()
    else:
        main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
