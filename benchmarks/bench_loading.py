"""Cost of validated loading against a bare pandas read, in the same run.

Writes a synthetic ``correspondances.csv`` of N rows (the demo register
repeated with unique ids), then times:

- baseline: ``pandas.read_csv`` with the C engine and typed dates (no validation,
  no quarantine, no row numbers);
- ours: :func:`qualepref_analysis.load_dataset` (encoding and separator
  detection, header matching, parsing of every column, pandera rules,
  quarantine).

Usage: ``python benchmarks/bench_loading.py [N]`` (default 300 000 rows).
"""

from __future__ import annotations

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


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 300_000)
