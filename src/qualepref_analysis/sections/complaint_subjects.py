"""Section 02's view of the complaint subjects: the table per subject, the sentences, the reliability tables.

Built from :func:`~qualepref_analysis.analysis.complaints.assign_subjects` (no text is ever shown) and
from the categoriser's cross-validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.complaints.evaluation import EvaluationReport
from qualepref_analysis.io.schemas import TAXONOMY
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["subject_table", "subjects_narrative", "subject_figures", "evaluation_narrative", "evaluation_tables",
           "RELIABILITY_COLUMNS", "CONFUSION_CORNER"]


def subjects_narrative(subjects: pd.DataFrame, *, disclosure: Disclosure) -> str:
    """French sentences on how the subjects were obtained and the two main subjects.

    Parameters
    ----------
    subjects : DataFrame
        :func:`~qualepref_analysis.analysis.complaints.assign_subjects` of the complaints shown;
        requires ``sujet``, ``source`` (``manuel``, ``predit`` or ``sans_texte``) and ``a_verifier``.
    disclosure : Disclosure
        The two main subjects' shares are written only when a ``share`` on the complaints whose subject
        is known is allowed.

    Returns
    -------
    str
        One French paragraph: complaints labelled by hand, classified automatically (of which to
        review), those without text nor label, and the two main subjects with their share.

    Notes
    -----
    Shares are over the complaints whose subject is known (manual or predicted); those without text
    nor label are excluded and the paragraph says so. Predicted subjects carry the categoriser's error
    (see :func:`evaluation_narrative`).
    """
    from qualepref_analysis.report.formatting import format_number, format_percent, plural

    n = len(subjects)
    if n == 0:
        return "Aucune réclamation ni suggestion sur la période."
    manual = int((subjects["source"] == "manuel").sum())
    blind = int((subjects["source"] == "sans_texte").sum())
    predicted = n - manual - blind
    review = int(subjects.loc[subjects["source"] == "predit", "a_verifier"].sum())
    text = (f"Sur {plural(n, 'réclamation ou suggestion', 'réclamations et suggestions')}, "
            f"{_manual_part(manual)} et {_automatic_part(predicted, review)}.")
    if blind:
        text += (f" {format_number(blind)} n'ont ni étiquette ni texte dans le registre : leur sujet est inconnu et "
                 "elles sont exclues des parts.")
    known = subjects["sujet"].dropna()
    if disclosure.shows("share", len(known)):
        top = known.value_counts().head(2)
        parts = [f"« {label('categorie', k)} » ({format_percent(100 * v / len(known))})" for k, v in top.items()]
        text += " Les principaux sujets sont " + " et ".join(parts) + "."
    return text

def _manual_part(manual: int) -> str:
    """« 8 ont été étiquetées à la main », « aucune n'a été étiquetée à la main » for zero."""
    from qualepref_analysis.report.formatting import format_number

    if manual == 0:
        return "aucune n'a été étiquetée à la main"
    return f"{format_number(manual)} {'a' if manual < 2 else 'ont'} été étiquetée{'s' if manual >= 2 else ''} à la main"


def _automatic_part(predicted: int, review: int) -> str:
    """« 6 classées automatiquement, dont 2 à vérifier par un agent », with « aucune » for zero."""
    from qualepref_analysis.report.formatting import format_number

    if predicted == 0:
        return "aucune classée automatiquement"
    checked = "aucune" if review == 0 else format_number(review)
    return (f"{format_number(predicted)} classée{'s' if predicted >= 2 else ''} automatiquement, "
            f"dont {checked} à vérifier par un agent")


def evaluation_narrative(report: EvaluationReport, *, disclosure: Disclosure) -> str:
    """How far to trust the automatic classification, in one French paragraph.

    Parameters
    ----------
    report : EvaluationReport
        :func:`~qualepref_analysis.analysis.complaints.cross_validate` on the labelled complaints.
    disclosure : Disclosure
        The agreement is given in % only when a ``share`` on ``report.n`` rows is allowed;
        otherwise as « x sur n ». The paragraph names no statistical term (cross-validation,
        macro-F1): the methods annex explains them.

    Returns
    -------
    str
        One French paragraph: no labelled complaint, too few to measure (``folds == 0``), or the
        cross-validated agreement with the agents' labels.

    Notes
    -----
    The figures are measured on the labelled complaints, which may not be representative of the
    others; the paragraph warns that rare categories are the least reliable.
    """
    from qualepref_analysis.report.formatting import format_number, format_percent

    if report.n == 0:
        return "Aucune réclamation n'est étiquetée à la main : la classification repose sur le seul lexique."
    if report.folds == 0:
        return (f"Seules {format_number(report.n)} réclamations sont étiquetées à la main : trop peu pour mesurer "
                "la fiabilité de la classification automatique, qui repose surtout sur le lexique.")
    if disclosure.shows("share", report.n):
        agreed = f"{format_percent(100 * report.accuracy)} reçoivent le même sujet que celui choisi par l'agent"
    else:  # too few to give percentages: the counts
        agreed = (f"{format_number(round(report.accuracy * report.n))} sur {format_number(report.n)} reçoivent le même "
                  "sujet que celui choisi par l'agent")
    return (f"Pour savoir si les sujets proposés automatiquement sont fiables, les {format_number(report.n)} "
            "réclamations déjà classées par un agent ont été classées de nouveau par le programme, sans qu'il voie "
            f"le sujet choisi par l'agent : {agreed}. Les sujets rares sont les moins bien reconnus ; la méthode "
            "est décrite en annexe.")

def subject_table(subjects: pd.DataFrame, *, disclosure: Disclosure) -> pd.DataFrame:
    """Per subject: labelled by hand, predicted (of which to review), total and share.

    Shares are over all complaints, manual and predicted; they are left empty
    when the disclosure policy does not allow a share on that many complaints.

    Parameters
    ----------
    subjects : DataFrame
        As in :func:`subjects_narrative`.
    disclosure : Disclosure
        Decides whether the shares (a ``share`` on the complaints whose subject is known) are shown.

    Returns
    -------
    DataFrame
        One row per subject with at least one complaint, most frequent first, columns ``Sujet`` (French
        label), ``Étiquetées à la main``, ``Prédites``, ``dont à vérifier``, ``Total``, ``Part (%)``;
        then, when some complaints have neither text nor label, a row « Sans texte ni étiquette (sujet
        inconnu) » without share.

    Examples
    --------
    >>> subjects = pd.DataFrame({"sujet": ["prise_rdv", "prise_rdv", "joignabilite"],
    ...                          "source": ["manuel", "predit", "predit"], "a_verifier": [False, False, True]})
    >>> subject_table(subjects, disclosure=Disclosure(threshold=3, survey_threshold=20))[["Total", "Part (%)"]]
       Total   Part (%)
    0      2  66.666667
    1      1  33.333333
    """
    counts = pd.crosstab(subjects["sujet"], subjects["source"]).reindex(index=list(TAXONOMY), columns=["manuel", "predit"],
                                                                       fill_value=0)
    review = subjects[subjects["a_verifier"]].groupby("sujet").size().reindex(list(TAXONOMY), fill_value=0)
    total = counts.sum(axis=1)  # shares are over the complaints whose subject is known
    out = pd.DataFrame({
        "Sujet": [label("categorie", c) for c in counts.index],
        "Étiquetées à la main": counts["manuel"].to_numpy(),
        "Prédites": counts["predit"].to_numpy(),
        "dont à vérifier": review.to_numpy(),
        "Total": total.to_numpy(),
    })
    n = int(total.sum())
    out["Part (%)"] = 100 * out["Total"] / n if disclosure.shows("share", n) else np.nan
    out = out[out["Total"] > 0].sort_values("Total", ascending=False)
    blind = int((subjects["source"] == "sans_texte").sum())
    if blind:
        out = pd.concat([out, pd.DataFrame({"Sujet": ["Sans texte ni étiquette (sujet inconnu)"],
                                            "Étiquetées à la main": [0], "Prédites": [0], "dont à vérifier": [blind],
                                            "Total": [blind], "Part (%)": [np.nan]})], ignore_index=True)
    return out.reset_index(drop=True)

def subject_figures(subjects: pd.DataFrame, *, disclosure: Disclosure, evaluation: EvaluationReport | None = None) -> dict:
    """The subjects recorded in ``results.json`` (no text).

    Parameters
    ----------
    subjects : DataFrame
        As in :func:`subjects_narrative`.
    disclosure : Disclosure
        Decides whether the shares are recorded.
    evaluation : EvaluationReport, optional
        The cross-validation, recorded when given.

    Returns
    -------
    dict
        Keys ``n`` (complaints), ``etiquetees``, ``predites``, ``sans_texte``, ``a_verifier`` (predicted
        ones to review), ``nombre`` (subject → count), ``part`` (subject → % of the complaints whose
        subject is known, or ``None`` when the ``Disclosure`` policy withholds shares) and, with
        ``evaluation``, ``evaluation`` (``n``, ``plis``, ``exactitude``, ``f1_macro``).
    """
    counts = subjects["sujet"].dropna().value_counts()
    known = int(counts.sum())
    figures = {
        "n": int(len(subjects)),
        "etiquetees": int((subjects["source"] == "manuel").sum()),
        "predites": int((subjects["source"] == "predit").sum()),
        "sans_texte": int((subjects["source"] == "sans_texte").sum()),
        "a_verifier": int(subjects.loc[subjects["source"] == "predit", "a_verifier"].sum()),
        "nombre": {str(k): int(v) for k, v in counts.items()},
        "part": ({str(k): 100 * v / known for k, v in counts.items()} if disclosure.shows("share", known) else None),
    }
    if evaluation is not None:
        figures["evaluation"] = {"n": evaluation.n, "plis": evaluation.folds, "exactitude": evaluation.accuracy,
                                 "f1_macro": evaluation.macro_f1}
    return figures

#: The reliability table's columns, in the committee's words (recall and precision are named in
#: the methods annex only).
RELIABILITY_COLUMNS = {
    "effectif": "Réclamations classées par un agent",
    "rappel": "Retrouvées par le programme (%)",
    "precision": "Propositions justes (%)",
}
#: The first column of the comparison of the agents' subjects with the proposed ones.
CONFUSION_CORNER = "Sujet choisi par l'agent"


def evaluation_tables(report: EvaluationReport, *, disclosure: Disclosure) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-category precision/recall and the confusion matrix with French labels (percentages 0-100).

    Precision, recall and F1 of a category with too few labelled complaints for a share are
    left empty (its counts stay in the confusion matrix).

    Parameters
    ----------
    report : EvaluationReport
        :func:`~qualepref_analysis.analysis.complaints.cross_validate`.
    disclosure : Disclosure
        Masks the scores of a category with fewer labelled complaints than the threshold.

    Returns
    -------
    per_class : DataFrame
        Columns ``Sujet`` (French label) and the values of :data:`RELIABILITY_COLUMNS` in plain
        French: labelled complaints, recall and precision (%); one row per category present in
        the labels. The F1 score is left to the methods annex, which explains it.
    confusion : DataFrame
        First column :data:`CONFUSION_CORNER` (the agent's subject, one row each), then one
        count column per subject proposed by the classifier; only subjects that are chosen or
        proposed at least once.
    """
    per_class = report.per_class.copy()
    per_class.index = [label("categorie", c) for c in per_class.index]
    per_class = per_class.rename(columns={"effectif": RELIABILITY_COLUMNS["effectif"],
                                          "rappel": RELIABILITY_COLUMNS["rappel"],
                                          "precision": RELIABILITY_COLUMNS["precision"]})
    shown = [RELIABILITY_COLUMNS[key] for key in ("effectif", "rappel", "precision")]
    for column in shown[1:]:
        per_class[column] = disclosure.mask(100 * per_class[column], per_class[shown[0]])
    per_class = per_class[shown].rename_axis("Sujet").reset_index()
    present = [c for c in report.confusion.index if report.confusion.loc[c].sum() or report.confusion[c].sum()]
    confusion = report.confusion.loc[present, present].copy()
    confusion.index = [label("categorie", c) for c in confusion.index]
    confusion.columns = [label("categorie", c) for c in confusion.columns]
    return per_class, confusion.rename_axis(CONFUSION_CORNER).reset_index()
