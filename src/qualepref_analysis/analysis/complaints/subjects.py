"""Subject of each complaint: the manual label where an agent gave one, the categoriser's prediction elsewhere."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.register import labelled_complaints
from qualepref_analysis.io.schemas import TAXONOMY
from qualepref_analysis.io.settings import CategorisationSettings
from qualepref_analysis.analysis.complaints.categoriser import ComplaintCategoriser
from qualepref_analysis.analysis.complaints.evaluation import EvaluationReport
from qualepref_analysis.analysis.complaints.lexicon import Lexicon

__all__ = ["lexicon_path", "train_categoriser", "assign_subjects"]


def lexicon_path(params_dir: Path) -> Path:
    """``categories.yaml`` of the parameter folder, else the project's default lexicon.

    Parameters
    ----------
    params_dir : Path
        The parameter folder (``params/``).

    Returns
    -------
    Path
        ``params_dir / "categories.yaml"`` when that file exists, else the one of the project's default
        parameters (it may not exist either; :func:`load_lexicon` then says so).
    """
    own = Path(params_dir) / "categories.yaml"
    if own.is_file():
        return own
    from qualepref_analysis.io.locations import default_params_dir

    return default_params_dir() / "categories.yaml"


def train_categoriser(register: pd.DataFrame, lexicon: Lexicon,
                      settings: CategorisationSettings | None = None,
                      corpus: pd.DataFrame | None = None) -> ComplaintCategoriser:
    """A categoriser trained on every complaint of the register whose ``categorie`` was filled by hand.

    Parameters
    ----------
    register : DataFrame
        Register rows (typically the complaints of every site and year, for more examples); uses
        ``texte`` and ``categorie`` (rows where both are filled are the training set).
    lexicon : Lexicon
        The lexicon.
    settings : CategorisationSettings, optional
        The ``categorisation`` settings (``Params.settings.categorisation``).
    corpus : DataFrame, optional
        More labelled texts (``texte``, ``categorie``) learnt beside the register's: the shipped
        corpus (:func:`~qualepref_analysis.io.corpus.load_shipped_corpus`) when
        ``corpus_livre`` is set.

    Returns
    -------
    ComplaintCategoriser
        Fitted on the labelled rows and the corpus; unfitted (the lexicon decides alone) when there
        are none.
    """
    labelled = labelled_complaints(register)
    if corpus is not None and len(corpus):
        labelled = pd.concat([labelled[["texte", "categorie"]], corpus[["texte", "categorie"]]], ignore_index=True)
    if not len(labelled):
        return ComplaintCategoriser(lexicon, settings)
    texts, labels = labelled["texte"].astype(str), labelled["categorie"].astype(str)
    return ComplaintCategoriser(lexicon, settings).fit(texts.tolist(), labels.tolist())


def assign_subjects(items: pd.DataFrame, model: ComplaintCategoriser) -> pd.DataFrame:
    """Subject of each complaint: the manual label, else the model's prediction.

    Parameters
    ----------
    items : DataFrame
        Complaints; uses ``categorie`` (manual subject) and ``texte`` when present (without them every
        row is without a subject and flagged).
    model : ComplaintCategoriser
        A categoriser (:func:`train_categoriser`).

    Returns
    -------
    DataFrame
        Same index as ``items``; ``sujet``, ``source`` (``manuel`` / ``predit``),
        ``confiance`` (1 for manual labels), ``a_verifier`` (False for manual labels).
        No text is returned. A row with neither a manual label nor a text gets ``sujet`` None,
        ``source`` ``sans_texte``, ``confiance`` 0 and ``a_verifier`` True.

    Notes
    -----
    Predicted subjects carry the model's error rate (see
    :func:`~qualepref_analysis.analysis.complaints.cross_validate`); counts per subject that mix manual
    and predicted labels should say so.
    """
    manual = items["categorie"].notna() if "categorie" in items.columns else pd.Series(False, index=items.index)
    out = pd.DataFrame({"sujet": items.get("categorie"), "source": np.where(manual, "manuel", "predit"),
                        "confiance": 1.0, "a_verifier": False}, index=items.index)
    texts = (items["texte"] if "texte" in items.columns else pd.Series(None, index=items.index, dtype=object))
    has_text = texts.map(lambda t: isinstance(t, str) and bool(t.strip()))
    blind = items.index[~manual & ~has_text.astype(bool)]
    out.loc[blind, ["sujet", "source", "confiance", "a_verifier"]] = [None, "sans_texte", 0.0, True]
    todo = items.index[~manual & has_text.astype(bool)]
    if len(todo):
        predicted = model.predict(texts.loc[todo].tolist()).frame
        out.loc[todo, "sujet"] = predicted["categorie_predite"].to_numpy()
        out.loc[todo, "confiance"] = predicted["confiance"].to_numpy()
        out.loc[todo, "a_verifier"] = predicted["a_verifier"].to_numpy()
    return out


