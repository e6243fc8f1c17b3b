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
    """Accuracy, macro-F1, per-class precision and recall, confusion matrix.

    Built by :func:`cross_validate`.

    Parameters
    ----------
    accuracy : float
        Share of rows whose predicted subject is the agent's (NaN when not evaluated).
    macro_f1 : float
        Unweighted mean of the per-class F1 over the subjects present in the labels (NaN when not
        evaluated).
    per_class : DataFrame
        Index: subject; columns ``precision``, ``rappel``, ``f1``, ``effectif`` (labelled rows of that
        subject); empty when not evaluated.
    confusion : DataFrame
        Rows: true subject, columns: predicted subject, over every category of the lexicon.
    n : int
        Usable labelled rows.
    folds : int
        Folds used; 0 when the evaluation was not run.

    Attributes
    ----------
    accuracy, macro_f1, per_class, confusion, n, folds
        As above.

    Notes
    -----
    The figures are only as good as the agents' labels, and on few rows they are noisy: a subject
    with a handful of examples has a precision and recall that can swing widely between folds.
    """

    accuracy: float
    macro_f1: float
    per_class: pd.DataFrame  # index category; precision, recall, f1, support
    confusion: pd.DataFrame  # rows true, columns predicted
    n: int
    folds: int

    def as_dict(self) -> dict:
        """The report as a JSON-ready dict (for ``results.json``), with French keys.

        Returns
        -------
        dict
            Keys ``n``, ``plis`` (folds), ``exactitude`` (accuracy), ``f1_macro`` and
            ``par_categorie`` (subject → {``precision``, ``rappel``, ``f1``, ``effectif``}). The
            confusion matrix is not included.
        """
        return {
            "n": self.n, "plis": self.folds, "exactitude": self.accuracy, "f1_macro": self.macro_f1,
            "par_categorie": self.per_class.to_dict(orient="index"),
        }


def evaluate_predictions(truth, predicted, labels: list[str]) -> tuple[float, float, pd.DataFrame, pd.DataFrame]:
    """Accuracy, macro-F1 (over the classes present in ``truth``), per-class table, confusion matrix.

    Parameters
    ----------
    truth : array-like of str
        The subjects given by agents.
    predicted : array-like of str
        The predicted subjects, parallel to ``truth``.
    labels : list of str
        Every category, in display order (rows and columns of the confusion matrix).

    Returns
    -------
    accuracy : float
        Share of exact predictions.
    macro_f1 : float
        Unweighted mean F1 over the classes of ``labels`` present in ``truth``.
    per_class : DataFrame
        Index: those classes; columns ``precision``, ``rappel``, ``f1``, ``effectif`` (rows in ``truth``).
    confusion : DataFrame
        Counts, index (true) and columns (predicted) ``labels``.

    Notes
    -----
    A class never predicted gets precision 0 (``zero_division=0``) rather than an error.

    Examples
    --------
    >>> accuracy, macro_f1, per_class, confusion = evaluate_predictions(
    ...     ["prise_rdv", "prise_rdv", "joignabilite"], ["prise_rdv", "joignabilite", "joignabilite"],
    ...     ["prise_rdv", "joignabilite", "autre"])
    >>> round(accuracy, 3), round(macro_f1, 3)
    (0.667, 0.667)
    >>> per_class
                  precision  rappel        f1  effectif
    prise_rdv           1.0     0.5  0.666667         2
    joignabilite        0.5     1.0  0.666667         1
    """
    from sklearn.metrics import accuracy_score, confusion_matrix, precision_recall_fscore_support

    present = [c for c in labels if c in set(truth)]
    precision, recall, f1, support = precision_recall_fscore_support(
        truth, predicted, labels=present, zero_division=0)
    per_class = pd.DataFrame({"precision": precision, "rappel": recall, "f1": f1, "effectif": support}, index=present)
    confusion = pd.DataFrame(confusion_matrix(truth, predicted, labels=labels), index=labels, columns=labels)
    return float(accuracy_score(truth, predicted)), float(np.mean(f1)), per_class, confusion


def cross_validate(texts, labels, lexicon: Lexicon, *, settings: dict | None = None, folds: int = 5,
                   seed: int = 0, extra: pd.DataFrame | None = None) -> EvaluationReport:
    """Stratified k-fold cross-validation of the whole categoriser (lexicon + model) on labelled rows.

    Parameters
    ----------
    texts, labels : sequences of str
        Complaint texts and the subjects an agent gave them, parallel (rows with a missing text or
        label, or an empty text, are left out).
    lexicon : Lexicon
        The lexicon the categoriser uses; its categories are the labels of the confusion matrix.
    settings : dict, optional
        The ``categorisation`` settings (``Params.settings.categorisation``).
    folds : int
        Folds (fewer when a subject has fewer examples).
    seed : int
        Shuffling seed (deterministic).
    extra : DataFrame, optional
        Labelled texts (``texte``, ``categorie``) added to every training fold and never tested on:
        the shipped corpus, so that the figures measure the categoriser the review uses.

    Returns
    -------
    EvaluationReport
        ``folds == 0`` (and NaN scores) when there are fewer than :data:`MIN_ROWS` usable rows or a
        single subject.

    Notes
    -----
    Each fold trains a fresh categoriser on the other folds, so the figures estimate the quality on
    unseen complaints. Subjects with fewer examples than folds are pooled into one stratum (``_rare``)
    for the split. The number of folds is at most the count of the smallest subject, and at least 2.
    With few labelled rows the estimates are imprecise; do not read small differences between
    subjects.
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
    more = extra[["texte", "categorie"]] if extra is not None and len(extra) else data.iloc[:0]
    for train, test in splitter.split(data["texte"], strata):
        fold = pd.concat([data.loc[train], more], ignore_index=True)
        model = ComplaintCategoriser(lexicon, settings).fit(fold["texte"].tolist(), fold["categorie"].tolist())
        predicted[test] = model.predict(data.loc[test, "texte"].tolist()).frame["categorie_predite"].to_numpy()
    accuracy, macro_f1, per_class, confusion = evaluate_predictions(data["categorie"], predicted, labels_all)
    return EvaluationReport(accuracy, macro_f1, per_class, confusion, n=len(data), folds=k)
