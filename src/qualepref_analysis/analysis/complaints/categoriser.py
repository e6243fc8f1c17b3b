"""Complaint categoriser: the lexicon, plus a model trained on the labelled rows.

The model (scikit-learn) sees Snowball stems (single words by default, pairs with ``ngrammes_mots: 2``),
optionally character n-grams (``ngrammes_caracteres``: off by default, they
cost three times the time for no measured gain), and the lexicon's scores, and is a linear support-vector
classifier with balanced class weights whose scores are calibrated into
probabilities (sigmoid, cross-validated) when each class has enough examples. Its probabilities are
blended with the lexicon's: with no labelled row the lexicon decides alone,
and the model's weight grows with the number of labelled rows (up to
``poids_modele_max``). A text is flagged ``a_verifier`` when it is empty or the
confidence is below the threshold; with the model at its full weight, when the
model's own probability of the proposed subject is low; without a model or with
one still learning, when no term of the lexicon matched (rather than a silent
``autre``) or when the model and the lexicon disagree.

The stems are counted by :class:`~.token_tfidf.TokenTfidf` (scikit-learn's vocabulary and
weighting, the counting done in C).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np
import pandas as pd
import scipy.sparse as sp

from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.io.schemas import TAXONOMY
from qualepref_analysis.analysis.complaints.demand import demand_part
from qualepref_analysis.analysis.complaints.lexicon import Lexicon, LexiconScores, load_lexicon
from qualepref_analysis.analysis.complaints.text import TEXT_MEMO_SIZE, normalise_text, stem_text
from qualepref_analysis.analysis.complaints.token_tfidf import TokenTfidf
from qualepref_analysis.io.settings import CategorisationSettings

__all__ = ["ComplaintCategoriser", "CategoriserResult", "categorise"]


@dataclass
class CategoriserResult:
    """Predictions for a list of texts, as returned by :meth:`ComplaintCategoriser.predict`.

    Parameters
    ----------
    frame : DataFrame
        One row per text, in the order given (``RangeIndex``), columns ``categorie_predite``,
        ``confiance`` (0-1, rounded to 3 decimals), ``a_verifier`` (bool) and ``termes`` (matched
        lexicon terms of the predicted category, ``; ``-separated, empty when none).
    probabilities : DataFrame
        Same rows; one column per category of the lexicon, the blended probability (rows sum to 1).

    Attributes
    ----------
    frame : DataFrame
        As above.
    probabilities : DataFrame
        As above.
    """

    frame: pd.DataFrame
    probabilities: pd.DataFrame


@lru_cache(maxsize=TEXT_MEMO_SIZE)
def _stem_text(normalised: str) -> str:
    return stem_text(normalised)


#: Weight of the lexicon's scores among the model's features (whole text and demand alike).
LEXICON_FEATURE_WEIGHT = 3.0


@dataclass
class _Reading:
    """What the text rules and the lexicon make of each text, before any model.

    ``stems``, ``demand_stems`` and ``demand_scores`` are read when a model is to see the texts;
    ``features`` is the model's matrix when a worker process vectorised them already.
    """

    empty: np.ndarray
    scores: np.ndarray
    terms: list[dict]
    stems: list[str] | None = None
    demand_stems: list[str] | None = None
    demand_scores: np.ndarray | None = None
    features: sp.csr_matrix | None = None


def _read(lexicon: Lexicon, texts: Sequence[str], *, words: bool) -> _Reading:
    """Normalise and score texts against the lexicon; with ``words``, also their stems and demands."""
    normalised = [normalise_text(t) for t in texts]
    scored = lexicon.score(texts, normalised=normalised)
    empty = np.array([not n.strip(" .") for n in normalised], dtype=bool)
    if not words:
        return _Reading(empty, scored.scores, scored.terms)
    demands = [demand_part(n) for n in normalised]
    return _Reading(empty, scored.scores, scored.terms, stems=[_stem_text(n) for n in normalised],
                    # a constant first token: the vocabulary is never empty, even when no text has a separate demand
                    demand_stems=["_demande " + _stem_text(d) for d in demands],
                    demand_scores=lexicon.score(demands, normalised=demands).scores)


class _FeatureSpace:
    """What the model sees of a text: its stems, its demand's stems, and the lexicon's scores of both.

    The demand (:func:`~qualepref_analysis.analysis.complaints.demand.demand_part`) gets its own
    vocabulary, so that the model can weigh « je demande un rendez-vous » above a background story
    of unanswered calls, as the labelling guide does.
    """

    def __init__(self, vectorisers: list, demand_vectoriser) -> None:
        self.vectorisers, self.demand_vectoriser = vectorisers, demand_vectoriser

    def vectorise(self, reading: _Reading, *, fit: bool = False) -> sp.csr_matrix:
        """The model's matrix of texts read with ``words`` (learning the vocabularies when ``fit``)."""
        apply = (lambda v, x: v.fit_transform(x)) if fit else (lambda v, x: v.transform(x))
        return sp.hstack([*(apply(v, reading.stems) for v in self.vectorisers),
                          apply(self.demand_vectoriser, reading.demand_stems),
                          LEXICON_FEATURE_WEIGHT * sp.csr_matrix(np.log1p(reading.scores)),
                          LEXICON_FEATURE_WEIGHT * sp.csr_matrix(np.log1p(reading.demand_scores))]).tocsr()


#: Above this many distinct texts, text preparation is spread over the machine's cores.
PARALLEL_FROM = 20_000
_WORKER: dict = {}


def _init_worker(lexicon: Lexicon, space: _FeatureSpace | None, words: bool) -> None:
    _WORKER.update(lexicon=lexicon, space=space, words=words)


def _read_with(lexicon: Lexicon, space: _FeatureSpace | None, texts: Sequence[str], *, words: bool) -> _Reading:
    """:func:`_read`, and vectorised when a fitted feature space is given."""
    reading = _read(lexicon, texts, words=words or space is not None)
    if space is not None:
        reading.features = space.vectorise(reading)
    return reading


def _read_chunk(texts: list[str]) -> _Reading:
    """Read a chunk of texts in a worker process; vectorised there when the model is known."""
    reading = _read_with(_WORKER["lexicon"], _WORKER["space"], texts, words=_WORKER["words"])
    if reading.features is not None:  # the matrix travels back, not the words
        reading.stems = reading.demand_stems = reading.demand_scores = None
    return reading


@dataclass
class _Prepared:
    empty: np.ndarray
    scores: LexiconScores
    features: sp.csr_matrix | None


class _Reader:
    """Reads each distinct text once, in worker processes for large inputs, started at construction.

    Parameters
    ----------
    lexicon : Lexicon
        The lexicon to score against.
    space : _FeatureSpace or None
        A fitted feature space: the workers vectorise the texts too.
    texts : list of str
        The texts, repeats included.
    jobs : int
        Processes to use when there are at least :data:`PARALLEL_FROM` distinct texts.
    words : bool
        Read the stems and demands too (for a model still to be fitted, vectorised afterwards).
    """

    def __init__(self, lexicon: Lexicon, space: _FeatureSpace | None, texts: list[str], *, jobs: int,
                 words: bool) -> None:
        self.lexicon, self.space, self.texts, self.words = lexicon, space, texts, words
        self.distinct = list(dict.fromkeys(texts))
        self._pool = self._parts = None
        if jobs > 1 and len(self.distinct) >= PARALLEL_FROM:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            size = -(-len(self.distinct) // (jobs * 4))
            chunks = [self.distinct[i:i + size] for i in range(0, len(self.distinct), size)]
            # forked children share the lexicon and the model; where there is no fork (Windows) they are sent
            context = multiprocessing.get_context("fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn")
            self._pool = ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_init_worker,
                                             initargs=(lexicon, space, words))
            self._parts = self._pool.map(_read_chunk, chunks)  # every chunk submitted now

    def close(self) -> None:
        """Stop the workers (what they have not started is cancelled)."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def result(self) -> _Reading:
        """The distinct texts read, in the order of :attr:`distinct` (waits for the workers)."""
        if self._parts is None:
            return _read_with(self.lexicon, self.space, self.distinct, words=self.words)
        try:
            parts = list(self._parts)
        finally:
            self.close()

        def joined(name: str, combine):
            values = [getattr(p, name) for p in parts]
            return None if values[0] is None else combine(values)

        def chained(lists):
            return list(itertools.chain.from_iterable(lists))

        return _Reading(empty=joined("empty", np.concatenate), scores=joined("scores", np.concatenate),
                        terms=joined("terms", chained), stems=joined("stems", chained),
                        demand_stems=joined("demand_stems", chained), demand_scores=joined("demand_scores", np.concatenate),
                        features=joined("features", lambda v: sp.vstack(v).tocsr()))

    def expand(self, reading: _Reading) -> _Prepared:
        """Back to one row per text given, repeats included."""
        index = {text: i for i, text in enumerate(self.distinct)}
        rows = np.fromiter((index[t] for t in self.texts), dtype=np.int64, count=len(self.texts))
        return _Prepared(empty=reading.empty[rows],
                         scores=LexiconScores(reading.scores[rows], [reading.terms[i] for i in rows],
                                              self.lexicon.categories),
                         features=None if reading.features is None else reading.features[rows])


def _raw_texts(texts: Sequence[object]) -> list[str]:
    """``None`` and NaN as empty texts, anything else as its ``str``."""
    return ["" if t is None or (isinstance(t, float) and np.isnan(t)) else str(t) for t in texts]


def _jobs(jobs: int | None) -> int:
    import os

    return jobs or os.cpu_count() or 1


class ComplaintCategoriser:
    """Categorise complaint texts (scikit-learn style: ``fit`` then ``predict``).

    Parameters
    ----------
    lexicon : Lexicon
        The editable lexicon (``params/categories.yaml``).
    settings : CategorisationSettings or mapping, optional
        The ``categorisation`` block of ``default.yaml`` (``Params.settings.categorisation``); a mapping
        gives some of its keys, the others keep their defaults. Default: every default.

    Attributes
    ----------
    lexicon : Lexicon
        The lexicon given.
    settings : CategorisationSettings
        The settings in use.
    model_ : CalibratedClassifierCV or None
        The fitted scikit-learn model; ``None`` before :meth:`fit` or when the lexicon decides alone.
    model_classes_ : list of str
        Categories the model was trained on.
    n_labelled_ : int
        Labelled rows kept for training.
    model_weight : float
        Weight of the model in the blend (:attr:`model_weight`).

    Notes
    -----
    The model is trained only when at least two categories have ``exemples_min_par_categorie``
    labelled rows each and every kept category has at least two (for the calibration folds); otherwise
    the lexicon decides alone. Its weight grows linearly with the labelled rows up to
    ``poids_modele_max`` at ``lignes_pour_poids_max`` rows, so that a few labels cannot override the
    lexicon. ``confiance`` is a blended, calibrated-ish score, not a measured accuracy: use
    :func:`~qualepref_analysis.analysis.complaints.cross_validate` for that.

    Examples
    --------
    >>> from qualepref_analysis.analysis.complaints.lexicon import Lexicon, parse_term
    >>> lexicon = Lexicon(categories=("prise_rdv", "joignabilite", "autre"), labels={},
    ...                   terms=[parse_term("creneau*", "prise_rdv", 3), parse_term("injoignable", "joignabilite", 3)],
    ...                   negatives=[])
    >>> result = ComplaintCategoriser(lexicon).fit([], []).predict(["Aucun créneau libre", None])
    >>> result.frame[["categorie_predite", "confiance", "a_verifier"]]
      categorie_predite  confiance  a_verifier
    0         prise_rdv      0.787       False
    1             autre      0.000        True
    """

    def __init__(self, lexicon: Lexicon, settings: CategorisationSettings | Mapping | None = None) -> None:
        self.lexicon = lexicon
        self.settings = (settings if isinstance(settings, CategorisationSettings)
                         else CategorisationSettings(**dict(settings or {})))
        self.model_ = None
        self.model_classes_: list[str] = []
        self.n_labelled_ = 0
        self._space: _FeatureSpace | None = None

    # -- fitting ------------------------------------------------------------------------------
    def fit(self, texts: Sequence[str], labels: Sequence[str]) -> "ComplaintCategoriser":
        """Train the model on labelled texts (rows with an empty label or text are ignored).

        Parameters
        ----------
        texts : sequence of str
            Complaint texts, raw (they are normalised here).
        labels : sequence of str
            The subject an agent gave each text, parallel to ``texts``; labels outside the taxonomy
            (``TAXONOMY``) and categories with fewer than ``exemples_min_par_categorie`` rows are
            left out.

        Returns
        -------
        ComplaintCategoriser
            ``self``, fitted: ``model_`` set, or ``None`` when too few labelled rows remain (the lexicon
            then decides alone), and ``n_labelled_``.

        Notes
        -----
        Refitting discards the previous model. Rows are used as given: deduplicate them first if the
        same complaint appears twice.
        """
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.svm import LinearSVC

        data = pd.DataFrame({"texte": list(texts), "categorie": list(labels)}, dtype=object)
        filled = data["texte"].map(lambda t: isinstance(t, str) and bool(t.strip()))
        data = data[filled.astype(bool) & data["categorie"].isin(TAXONOMY)]
        counts = data["categorie"].value_counts()
        minimum = self.settings.exemples_min_par_categorie
        kept = counts[counts >= minimum].index
        data = data[data["categorie"].isin(kept)]
        self.n_labelled_ = len(data)
        self.model_ = None
        self.model_classes_ = []
        if len(kept) < 2:
            return self  # the lexicon decides alone
        words = self.settings.ngrammes_mots
        vectorisers = [TokenTfidf(words)]
        if self.settings.ngrammes_caracteres:
            vectorisers.append(TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), min_df=2,
                                               sublinear_tf=True, max_features=20000))
        demand = TokenTfidf(words)
        self._space = _FeatureSpace(vectorisers, demand)
        features = self._space.vectorise(_read(self.lexicon, data["texte"].tolist(), words=True), fit=True)
        # The L2-regularised squared-hinge SVM has a single optimum; liblinear's primal Newton solver
        # (``dual=False``) reaches it closer at ``tol=1e-8`` than its dual coordinate descent did at
        # ``1e-4`` (≈ 1 000 passes over the data), in about half the time on a prefecture's labels (5 to
        # 20 % slower on tens of thousands: benchmarks/README.md), and without drawing random numbers:
        # the same data give the same model in every run (the seed is kept all the same).
        base = LinearSVC(C=0.5, class_weight="balanced", dual=False, tol=1e-8, max_iter=10000, random_state=0)
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
        """Weight of the model in the blend: grows with the labelled rows, capped.

        Returns
        -------
        float
            ``poids_modele_max × min(1, n_labelled_ / lignes_pour_poids_max)``; 0 without a model.
        """
        if self.model_ is None:
            return 0.0
        full = float(self.settings.lignes_pour_poids_max)
        return self.settings.poids_modele_max * min(1.0, self.n_labelled_ / full)

    # -- prediction ---------------------------------------------------------------------------
    def predict(self, texts: Sequence[object], *, jobs: int | None = None) -> CategoriserResult:
        """Category, confidence, review flag and explaining terms of each text.

        Parameters
        ----------
        texts : sequence
            Raw texts; ``None`` and NaN are treated as empty texts (predicted ``autre``, confidence 0,
            flagged).
        jobs : int, optional
            Processes preparing the texts when there are at least :data:`PARALLEL_FROM` distinct ones
            (default: the CPU count); smaller inputs are prepared in this process.

        Returns
        -------
        CategoriserResult
            ``frame`` (``categorie_predite``, ``confiance``, ``a_verifier``, ``termes``) and
            ``probabilities``, one row per text in the order given.

        Notes
        -----
        A text is flagged ``a_verifier`` when it is empty or when the confidence is below
        ``seuil_confiance``; and, with a model at its full weight, when the model's calibrated
        probability of the proposed subject is below ``seuil_confiance_modele``; without a model, or
        with one still learning (fewer than ``lignes_pour_poids_max`` labelled rows), when no lexicon
        term matched (it is then ``autre`` unless the model has an opinion) or when the model and the
        lexicon disagree.
        """
        raw = _raw_texts(texts)
        reader = _Reader(self.lexicon, self._space if self.model_weight > 0 else None, raw, jobs=_jobs(jobs),
                         words=False)
        return self._result(raw, reader.expand(reader.result()))

    def fit_predict(self, train_texts: Sequence[str], train_labels: Sequence[str], texts: Sequence[object], *,
                    jobs: int | None = None) -> CategoriserResult:
        """:meth:`fit`, then :meth:`predict` ``texts``: the texts are read while the model learns.

        For large inputs (:data:`PARALLEL_FROM` distinct texts or more) the worker processes that
        normalise and score ``texts`` start before the training, which runs meanwhile in this process;
        the result is the one of ``fit(train_texts, train_labels).predict(texts)``.

        Parameters
        ----------
        train_texts, train_labels : sequence of str
            As for :meth:`fit`.
        texts : sequence
            As for :meth:`predict`.
        jobs : int, optional
            As for :meth:`predict`.

        Returns
        -------
        CategoriserResult
            As for :meth:`predict`.
        """
        raw = _raw_texts(texts)
        reader = _Reader(self.lexicon, None, raw, jobs=_jobs(jobs), words=True)
        try:
            self.fit(train_texts, train_labels)
            reading = reader.result()
        finally:
            reader.close()
        if self.model_weight > 0:
            reading.features = self._space.vectorise(reading)
        return self._result(raw, reader.expand(reading))

    def _result(self, raw: list[str], prepared: _Prepared) -> CategoriserResult:
        weight = self.model_weight
        scores = prepared.scores
        categories = list(self.lexicon.categories)
        p_lex = scores.probabilities(self.settings.temperature_lexique)
        blended = p_lex.copy()
        model_top = np.array([""] * len(raw), dtype=object)
        p_model = np.ones_like(p_lex)
        if weight > 0 and len(raw):
            p_model_part = self.model_.predict_proba(prepared.features)
            p_model = np.zeros_like(p_lex)
            for j, cls in enumerate(self.model_classes_):
                p_model[:, categories.index(cls)] = p_model_part[:, j]
            blended = (1 - weight) * p_lex + weight * p_model
            model_top = np.array(categories, dtype=object)[p_model.argmax(axis=1)]
        top = blended.argmax(axis=1)
        model_probability = p_model[np.arange(len(raw)), top] if len(raw) else np.array([])
        predicted = np.array(categories, dtype=object)[top]
        confidence = blended[np.arange(len(raw)), top] if len(raw) else np.array([])
        matched = scores.matched
        lexicon_top = np.array(categories, dtype=object)[scores.scores.argmax(axis=1)] if len(raw) else np.array([])
        empty = prepared.empty
        # Nothing matched and no model opinion: say "autre", flagged, rather than guess.
        no_signal = ~matched & (weight == 0)
        predicted = np.where(empty | no_signal, "autre", predicted)
        confidence = np.where(empty, 0.0, confidence)
        review = empty | (confidence < self.settings.seuil_confiance)
        if weight >= self.settings.poids_modele_max > 0:
            # A model at its full weight: its own calibrated probability of the proposed subject decides.
            # Measured by cross-validation on the shipped corpus, a disagreement with the lexicon flagged
            # a fifth of the texts for almost no gain in precision among the others (0,879 vs 0,874).
            review |= model_probability < self.settings.seuil_confiance_modele
        else:
            # The lexicon alone, or a model still learning: nothing matched, or the two disagree.
            review |= ~matched | ((weight > 0) & matched & (model_top != lexicon_top))
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
               settings: CategorisationSettings | Mapping | None = None) -> pd.DataFrame:
    """One-call categorisation: fit on the labelled rows given (if any), predict ``texts``.

    Parameters
    ----------
    texts : sequence
        Raw texts to categorise (``None``/NaN count as empty).
    lexicon : Lexicon, str or Path
        A lexicon, or the path of a ``categories.yaml`` to load (:func:`load_lexicon`).
    train_texts : sequence of str, optional
        Labelled texts to train the model on; without them the lexicon decides alone.
    train_labels : sequence of str, optional
        Their subjects, parallel to ``train_texts``.
    settings : CategorisationSettings or mapping, optional
        As for :class:`ComplaintCategoriser`.

    Returns
    -------
    DataFrame
        :attr:`CategoriserResult.frame`: ``categorie_predite``, ``confiance``, ``a_verifier``,
        ``termes``, one row per text (``RangeIndex``).

    Raises
    ------
    QualeprefError
        ``train_labels`` is missing or not as long as ``train_texts``.
    ParamsError
        ``lexicon`` is a path that cannot be read as a lexicon (see :func:`load_lexicon`).

    Examples
    --------
    >>> from qualepref_analysis.analysis.complaints.lexicon import Lexicon, parse_term
    >>> lexicon = Lexicon(categories=("prise_rdv", "autre"), labels={},
    ...                   terms=[parse_term("creneau*", "prise_rdv", 3)], negatives=[])
    >>> categorise(["Aucun créneau libre", "Bonjour"], lexicon=lexicon)[["categorie_predite", "a_verifier"]]
      categorie_predite  a_verifier
    0         prise_rdv       False
    1             autre        True
    """
    if not isinstance(lexicon, Lexicon):
        lexicon = load_lexicon(lexicon)
    model = ComplaintCategoriser(lexicon, settings)
    if train_texts is not None:
        if train_labels is None or len(train_labels) != len(train_texts):
            raise QualeprefError("textes et catégories d'apprentissage de longueurs différentes.")
        model.fit(train_texts, train_labels)
    return model.predict(texts).frame
