"""Categorise 100 000 complaint texts, model training included: time and peak memory.

Texts: the demo generator's complaint writer (varied fragments, roughened
spelling, fake personal data), 100 000 of them with a fixed seed; the number
of distinct texts is printed (the scorer handles each distinct text once).
Training: the shipped corpus and the demo data's labelled complaints, as ``qualepref review`` does;
training and prediction as ``qualepref categorise --train`` runs them (``fit_predict``: the texts
are read in worker processes while the model learns).

Usage: ``python benchmarks/bench_categorise.py [N]``
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.complaints import ComplaintCategoriser, load_lexicon
from qualepref_analysis.demo.texts import complaint_text
from qualepref_analysis.io.corpus import load_shipped_corpus
from qualepref_analysis.io.schemas import TAXONOMY

ROOT = Path(__file__).resolve().parents[1]


def texts(n: int, seed: int = 5) -> list[str]:
    rng = np.random.default_rng(seed)
    categories = rng.choice(TAXONOMY, size=n)
    return [complaint_text(str(c), "reclamation", rng, personal_rate=0.5) for c in categories]


def run(corpus: list[str]) -> pd.DataFrame:
    lexicon = load_lexicon(ROOT / "params" / "categories.yaml")
    register = pd.read_csv(ROOT / "data" / "demo" / "correspondances.csv", dtype=str, keep_default_na=False)
    labelled = register[(register["categorie"] != "") & register["type"].isin(["reclamation", "suggestion"])]
    shipped = load_shipped_corpus()  # as the review learns: the shipped corpus beside the register's labels
    model = ComplaintCategoriser(lexicon)
    return model.fit_predict([*labelled["texte"], *shipped["texte"]], [*labelled["categorie"], *shipped["categorie"]],
                             corpus).frame


def main(n: int = 100_000) -> None:
    corpus = texts(n)
    start = time.perf_counter()
    frame = run(corpus)
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    run(corpus[: n // 10])
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"{n:,} texts ({len(set(corpus)):,} distinct), training on the shipped corpus and the demo's labelled rows included")
    print(f"time                                : {elapsed:6.2f} s ({n / elapsed:,.0f} texts/s)")
    print(f"flagged for review                  : {100 * frame['a_verifier'].mean():5.1f} %")
    print(f"peak Python allocations (1/10 run)  : {traced / 1e6:6.0f} MB")
    print(f"peak resident memory of the process : {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:6.0f} MB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
