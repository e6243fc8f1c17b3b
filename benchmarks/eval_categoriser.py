"""Quality of the complaint categoriser as shipped: on a labelled file it never learnt from, by
cross-validation on the shipped corpus, and as a learning curve.

    .venv/bin/python benchmarks/eval_categoriser.py --eval FILE.csv        # texte;categorie
    .venv/bin/python benchmarks/eval_categoriser.py --cv-corpus            # development figure
    .venv/bin/python benchmarks/eval_categoriser.py --eval FILE.csv --learning-curve

The categoriser learns from the shipped corpus (resources/corpus_sujets.csv) and the demo
register's hand-labelled complaints, with the shipped lexicon and settings — what
`qualepref review` uses. Reported: accuracy, macro-F1, share flagged « à vérifier », accuracy
among the complaints not flagged, and per subject precision, recall and F1.
"""

from __future__ import annotations

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.complaints import ComplaintCategoriser, lexicon_path, load_lexicon
from qualepref_analysis.analysis.complaints.evaluation import evaluate_predictions
from qualepref_analysis.analysis.register import labelled_complaints
from qualepref_analysis.io.corpus import load_shipped_corpus
from qualepref_analysis.io.datasets import load_data_dir
from qualepref_analysis.io.locations import default_data_dir, default_params_dir
from qualepref_analysis.io.params import load_params
from qualepref_analysis.io.schemas import TAXONOMY


def _training() -> tuple[pd.DataFrame, pd.DataFrame, object, object]:
    params = load_params(default_params_dir())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        register = load_data_dir(default_data_dir(), params).frame("correspondances")
    demo = labelled_complaints(register)[["texte", "categorie"]]
    return load_shipped_corpus(), demo, load_lexicon(lexicon_path(default_params_dir())), params.settings.categorisation


def _report(truth: pd.Series, result: pd.DataFrame, title: str) -> dict:
    predicted = result["categorie_predite"]
    accuracy, macro_f1, per_class, _ = evaluate_predictions(truth.to_numpy(), predicted.to_numpy(), list(TAXONOMY))
    flagged = result["a_verifier"].to_numpy()
    right = predicted.to_numpy() == truth.to_numpy()
    kept = right[~flagged].mean() if (~flagged).any() else float("nan")
    print(f"\n{title}: n = {len(truth)}, accuracy {accuracy:.3f}, macro-F1 {macro_f1:.3f}, "
          f"flagged {flagged.mean():.1%} ({flagged.sum()}), right among not flagged {kept:.3f}")
    print(per_class.round(3).to_string())
    return {"accuracy": accuracy, "macro_f1": macro_f1, "flagged": float(flagged.mean()), "kept_right": float(kept)}


def fit(corpus: pd.DataFrame, demo: pd.DataFrame, lexicon, settings) -> ComplaintCategoriser:
    train = pd.concat([part for part in (corpus, demo) if len(part)], ignore_index=True)
    return ComplaintCategoriser(lexicon, settings).fit(train["texte"].tolist(), train["categorie"].tolist())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--eval", type=Path, help="labelled file never learnt from (texte;categorie)")
    parser.add_argument("--cv-corpus", action="store_true", help="5-fold cross-validation on the shipped corpus")
    parser.add_argument("--learning-curve", action="store_true", help="quality against the corpus size used")
    parser.add_argument("--loop", action="store_true",
                        help="with --eval: quality after 0, 50, 100, 200 in-domain labels (the demo register's) "
                             "chosen by the review loop (least confident first) or at random")
    args = parser.parse_args()
    corpus, demo, lexicon, settings = _training()
    print(f"shipped corpus: {len(corpus)} texts; demo labelled: {len(demo)}")
    if args.cv_corpus:
        from sklearn.model_selection import StratifiedKFold

        predicted = [None] * len(corpus)
        results = []
        for train, test in StratifiedKFold(5, shuffle=True, random_state=0).split(corpus, corpus["categorie"]):
            model = fit(corpus.iloc[train], demo, lexicon, settings)
            frame = model.predict(corpus["texte"].iloc[test].tolist()).frame
            frame.index = test
            results.append(frame)
        result = pd.concat(results).sort_index()
        _report(corpus["categorie"], result, "cross-validation on the shipped corpus (development)")
    if args.eval:
        data = pd.read_csv(args.eval, sep=";", dtype=str, keep_default_na=False)
        truth = data["categorie"]
        model = fit(corpus, demo, lexicon, settings)
        _report(truth, model.predict(data["texte"].tolist()).frame, f"evaluation on {args.eval.name}")
        if args.learning_curve:
            rng = np.random.default_rng(0)
            order = rng.permutation(len(corpus))
            print("\nlearning curve (share of the shipped corpus, + the demo's labels):")
            for share in (0.0, 0.25, 0.5, 0.75, 1.0):
                part = corpus.iloc[order[:int(share * len(corpus))]]
                result = fit(part, demo, lexicon, settings).predict(data["texte"].tolist()).frame
                accuracy, macro_f1, _, _ = evaluate_predictions(truth.to_numpy(), result["categorie_predite"].to_numpy(),
                                                                list(TAXONOMY))
                print(f"  {share:>4.0%} ({len(part):>4} texts): accuracy {accuracy:.3f}, macro-F1 {macro_f1:.3f}")
    if args.eval and args.loop:
        data = pd.read_csv(args.eval, sep=";", dtype=str, keep_default_na=False)
        pool = demo.reset_index(drop=True)  # in-domain complaints an agent could label
        base = fit(corpus, pool.iloc[:0], lexicon, settings)
        confidence = base.predict(pool["texte"].tolist()).frame["confiance"].to_numpy()
        by_loop = np.argsort(confidence, kind="stable")  # least confident first, as the sheet orders them
        by_chance = np.random.default_rng(1).permutation(len(pool))
        print("\nreview loop: in-domain labels added to the shipped corpus (macro-F1 / accuracy on the evaluation file)")
        for count in (0, 50, 100, 200):
            line = []
            for name, order in (("loop", by_loop), ("random", by_chance)):
                result = fit(corpus, pool.iloc[order[:count]], lexicon, settings).predict(data["texte"].tolist()).frame
                accuracy, macro_f1, _, _ = evaluate_predictions(data["categorie"].to_numpy(),
                                                                result["categorie_predite"].to_numpy(), list(TAXONOMY))
                line.append(f"{name} {macro_f1:.3f} / {accuracy:.3f}")
            print(f"  {count:>3} labels: " + "   ".join(line))
    if not (args.eval or args.cv_corpus):
        parser.print_help()
        sys.exit(2)


if __name__ == "__main__":
    main()
