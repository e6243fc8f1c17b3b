"""Complaint categoriser: the lexicon, plus a model trained on the labelled rows.

The model (scikit-learn) sees Snowball stems (words and pairs of words),
character n-grams and the lexicon's scores, and is a linear support-vector
classifier with balanced class weights whose scores are calibrated into
probabilities (sigmoid, cross-validated) when each class has enough examples. Its probabilities are
blended with the lexicon's: with no labelled row the lexicon decides alone,
and the model's weight grows with the number of labelled rows (up to
``poids_modele_max``). A text is flagged ``a_verifier`` when the confidence is
below the threshold, when the model and the lexicon disagree, or when no term
of the lexicon matched (rather than a silent ``autre``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..errors import QualeprefError
from ..schemas import TAXONOMY
from .lexicon import Lexicon, LexiconScores, load_lexicon
from .text import normalise_text, stem_tokens

__all__ = ["ComplaintCategoriser", "CategoriserResult", "categorise", "DEFAULTS"]

#: Defaults of the ``categorisation`` block of ``params/default.yaml``.
DEFAULTS = {
    "seuil_confiance": 0.55,
    "poids_modele_max": 0.3,
    "lignes_pour_poids_max": 300,
    "temperature_lexique": 1.5,
    "exemples_min_par_categorie": 3,
}


@dataclass
class CategoriserResult:
    """Predictions for a list of texts.

    Attributes
    ----------
    frame : DataFrame
        ``categorie_predite``, ``confiance`` (0-1), ``a_verifier`` (bool), ``termes``
        (matched lexicon terms of the predicted category, ``; ``-separated), ``source``.
    probabilities : DataFrame
        Blended probability of every category.
    """

    frame: pd.DataFrame
    probabilities: pd.DataFrame


def _stem_text(text: str) -> str:
    return " ".join(stem_tokens(normalise_text(text)))


class ComplaintCategoriser:
    """Categorise complaint texts (scikit-learn style: ``fit`` then ``predict``).

    Parameters
    ----------
    lexicon : Lexicon
        The editable lexicon (``params/categories.yaml``).
    settings : dict, optional
        Overrides of :data:`DEFAULTS`.
    """

    def __init__(self, lexicon: Lexicon, settings: dict | None = None) -> None:
        self.lexicon = lexicon
        self.settings = {**DEFAULTS, **(settings or {})}
        self.model_ = None
        self.model_classes_: list[str] = []
        self.n_labelled_ = 0

    # -- features -----------------------------------------------------------------------------
    def _lexicon_features(self, scores: LexiconScores) -> sp.csr_matrix:
        return sp.csr_matrix(np.log1p(scores.scores))

    def _features(self, texts: Sequence[str], scores: LexiconScores, fit: bool = False):
        stems = [_stem_text(t) for t in texts]
        if fit:
            words = self._word_vectoriser.fit_transform(stems)
            chars = self._char_vectoriser.fit_transform(stems)
        else:
            words = self._word_vectoriser.transform(stems)
            chars = self._char_vectoriser.transform(stems)
        return sp.hstack([words, chars, 3.0 * self._lexicon_features(scores)]).tocsr()

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "ComplaintCategoriser":
        """Train the model on labelled texts (rows with an empty label or text are ignored)."""
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        data = pd.DataFrame({"texte": list(texts), "categorie": list(labels)})
        data = data[data["texte"].fillna("").str.strip().ne("") & data["categorie"].isin(TAXONOMY)]
        counts = data["categorie"].value_counts()
        minimum = int(self.settings["exemples_min_par_categorie"])
        kept = counts[counts >= minimum].index
        data = data[data["categorie"].isin(kept)]
        self.n_labelled_ = len(data)
        self.model_ = None
        self.model_classes_ = []
        if len(kept) < 2:
            return self  # the lexicon decides alone
        self._word_vectoriser = TfidfVectorizer(ngram_range=(1, 2), min_df=1, sublinear_tf=True, token_pattern=r"\S+")
        self._char_vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True,
                                                max_features=20000)
        scores = self.lexicon.score(data["texte"].tolist())
        features = self._features(data["texte"].tolist(), scores, fit=True)
        base = LinearSVC(C=0.5, class_weight="balanced")
        folds = int(min(3, counts[kept].min()))
        if folds < 2:
            return self  # too few examples per class to calibrate: the lexicon decides alone
        model = CalibratedClassifierCV(base, method="sigmoid", cv=folds)
        model.fit(features, data["categorie"].to_numpy())
        self.model_ = model
        self.model_classes_ = list(model.classes_)
        return self

    @property
    def model_weight(self) -> float:
        """Weight of the model in the blend: grows with the labelled rows, capped."""
        if self.model_ is None:
            return 0.0
        full = float(self.settings["lignes_pour_poids_max"])
        return float(self.settings["poids_modele_max"]) * min(1.0, self.n_labelled_ / full)

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, texts: Sequence[object]) -> CategoriserResult:
        """Category, confidence, review flag and explaining terms of each text."""
        raw = ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]
        scores = self.lexicon.score(raw)
        categories = list(self.lexicon.categories)
        p_lex = scores.probabilities(float(self.settings["temperature_lexique"]))
        weight = self.model_weight
        blended = p_lex.copy()
        model_top = np.array([""] * len(raw), dtype=object)
        if weight > 0 and len(raw):
            p_model_part = self.model_.predict_proba(self._features(raw, scores))
            p_model = np.zeros_like(p_lex)
            for j, cls in enumerate(self.model_classes_):
                p_model[:, categories.index(cls)] = p_model_part[:, j]
            blended = (1 - weight) * p_lex + weight * p_model
            model_top = np.array(categories, dtype=object)[p_model.argmax(axis=1)]
        top = blended.argmax(axis=1)
        predicted = np.array(categories, dtype=object)[top]
        confidence = blended[np.arange(len(raw)), top] if len(raw) else np.array([])
        matched = scores.matched
        lexicon_top = np.array(categories, dtype=object)[scores.scores.argmax(axis=1)] if len(raw) else np.array([])
        empty = np.array([not normalise_text(t).strip(" .") for t in raw], dtype=bool)
        # Nothing matched and no model opinion: say "autre", flagged, rather than guess.
        no_signal = ~matched & (weight == 0)
        predicted = np.where(empty | no_signal, "autre", predicted)
        confidence = np.where(empty, 0.0, confidence)
        disagree = (weight > 0) & matched & (model_top != lexicon_top)
        review = empty | ~matched | disagree | (confidence < float(self.settings["seuil_confiance"]))
        explained = ["; ".join(terms.get(cat, [])) for terms, cat in zip(scores.terms, predicted)]
        frame = pd.DataFrame({
            "categorie_predite": predicted,
            "confiance": np.round(confidence.astype(float), 3),
            "a_verifier": review,
            "termes": explained,
        })
        return CategoriserResult(frame=frame, probabilities=pd.DataFrame(blended, columns=categories))


def categorise(texts: Sequence[object], *, lexicon: Lexicon | str | Path,
               train_texts: Sequence[str] | None = None, train_labels: Sequence[str] | None = None,
               settings: dict | None = None) -> pd.DataFrame:
    """One-call categorisation: fit on the labelled rows given (if any), predict ``texts``."""
    if not isinstance(lexicon, Lexicon):
        lexicon = load_lexicon(lexicon)
    model = ComplaintCategoriser(lexicon, settings)
    if train_texts is not None:
        if train_labels is None or len(train_labels) != len(train_texts):
            raise QualeprefError("textes et catégories d'apprentissage de longueurs différentes.")
        model.fit(train_texts, train_labels)
    return model.predict(texts).frame
