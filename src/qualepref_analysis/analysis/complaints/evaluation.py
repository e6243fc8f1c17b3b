"""Honest evaluation of the categoriser: stratified cross-validation on the labelled rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.complaints.categoriser import ComplaintCategoriser
from qualepref_analysis.analysis.complaints.lexicon import Lexicon

__all__ = ["EvaluationReport", "cross_validate", "evaluate_predictions", "MIN_ROWS"]

#: Fewer labelled rows than this: no cross-validation (the figures would mean nothing).
MIN_ROWS = 10


@dataclass
class EvaluationReport:
    """Accuracy, macro-F1, per-class precision and recall, confusion matrix."""

    accuracy: float
    macro_f1: float
    per_class: pd.DataFrame  # index category; precision, recall, f1, support
    confusion: pd.DataFrame  # rows true, columns predicted
    n: int
    folds: int

    def as_dict(self) -> dict:
        return {
            "n": self.n, "plis": self.folds, "exactitude": self.accuracy, "f1_macro": self.macro_f1,
            "par_categorie": self.per_class.to_dict(orient="index"),
        }


def evaluate_predictions(truth, predicted, labels: list[str]) -> tuple[float, float, pd.DataFrame, pd.DataFrame]:
    """Accuracy, macro-F1 (over the classes present in ``truth``), per-class table, confusion matrix."""
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    present = [c for c in labels if c in set(truth)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0)
    per_class = pd.DataFrame({"precision": precision, "rappel": recall, "f1": f1, "effectif": support}, index=present)
    confusion = pd.DataFrame(confusion_matrix(truth, predicted, labels=labels), index=labels, columns=labels)
    return float(accuracy_score(truth, predicted)), float(np.mean(f1)), per_class, confusion


def cross_validate(texts, labels, lexicon: Lexicon, *, settings: dict | None = None, folds: int = 5,
                   seed: int = 0) -> EvaluationReport:
    """Stratified k-fold cross-validation of the whole categoriser (lexicon + model) on labelled rows.

    Parameters
    ----------
    texts, labels : sequences
        Complaint texts and the subjects an agent gave them (empty texts are left out).
    lexicon : Lexicon
    settings : dict, optional
        The categoriser's settings (:func:`~qualepref_analysis.analysis.complaints.categoriser_settings`).
    folds : int
        Folds (fewer when a subject has fewer examples).
    seed : int
        Shuffling seed (deterministic).

    Returns
    -------
    EvaluationReport
        ``folds == 0`` when there are fewer than :data:`MIN_ROWS` usable rows or a single subject.
    """
    from sklearn.model_selection import StratifiedKFold

    data = pd.DataFrame({"texte": list(texts), "categorie": list(labels)}, dtype=object).dropna()
    data = data[data["texte"].map(lambda t: bool(str(t).strip()))].reset_index(drop=True)
    labels_all = list(lexicon.categories)
    if len(data) < MIN_ROWS or data["categorie"].nunique() < 2:
        empty = pd.DataFrame(columns=["precision", "rappel", "f1", "effectif"])
        confusion = pd.DataFrame(0, index=labels_all, columns=labels_all)
        return EvaluationReport(float("nan"), float("nan"), empty, confusion, n=len(data), folds=0)
    smallest = int(data["categorie"].value_counts().min()) if len(data) else 0
    k = max(2, min(folds, smallest)) if smallest >= 2 else 2
    predicted = np.empty(len(data), dtype=object)
    splitter = StratifiedKFold(n_splits=k, shuffle=True, random_state=seed)
    strata = data["categorie"].where(data["categorie"].map(data["categorie"].value_counts()) >= k, "_rare")
    for train, test in splitter.split(data["texte"], strata):
        model = ComplaintCategoriser(lexicon, settings).fit(data.loc[train, "texte"], data.loc[train, "categorie"])
        predicted[test] = model.predict(data.loc[test, "texte"].tolist()).frame["categorie_predite"].to_numpy()
    accuracy, macro_f1, per_class, confusion = evaluate_predictions(data["categorie"], predicted, labels_all)
    return EvaluationReport(accuracy, macro_f1, per_class, confusion, n=len(data), folds=k)
