"""The editable lexicon of complaint subjects (``params/categories.yaml``) and its scorer.

A term is written the way an analyst thinks of it, on accent-free lower-case
words: ``creneau*`` (any word starting with *creneau*), ``prendre ~ rendez vous``
(``~`` lets up to three words in between), ``# mois`` (``#`` is any number).
Each category has weighted terms and *negative cues* that subtract (``j avais
rendez vous`` is not a complaint about getting an appointment). A term counts
once per text, weighted by the sentence it is found in: the first sentence that
speaks of a subject weighs most, and a sentence opened by *de plus*, *par
ailleurs*… (a secondary grievance) weighs less, so that the category is what the
writer asks to be solved.
"""

from __future__ import annotations

import re

from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import yaml

from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.params import load_yaml
from qualepref_analysis.io.schemas import TAXONOMY
from qualepref_analysis.analysis.complaints.memo import Memo
from qualepref_analysis.analysis.complaints.text import TEXT_MEMO_SIZE, normalise_text

__all__ = ["Term", "Lexicon", "LexiconScores", "load_lexicon", "parse_term", "term_pattern"]

GAP_WORDS = 3
SECONDARY_MARKERS = ("de plus", "en plus", "par ailleurs", "en outre", "d autre part", "aussi", "egalement",
                     "autre chose", "sans compter")
FIRST_WEIGHT, LATER_WEIGHT, SECONDARY_WEIGHT = 1.0, 0.75, 0.4


@dataclass(frozen=True)
class Term:
    """A compiled lexicon term: a sequence of ``(kind, value)`` elements.

    Built by :func:`parse_term`.

    Parameters
    ----------
    text : str
        The term as written in ``categories.yaml``.
    category : str
        Its category (a code of the taxonomy).
    weight : float
        Its weight; negative for a negative cue (``indices_contraires``).
    elements : tuple of (str, str)
        ``(kind, value)`` pairs, kind one of ``word`` (exact word), ``prefix`` (word starting with
        value), ``number`` (any number, value ``#``) or ``gap`` (up to three words, value empty).

    Attributes
    ----------
    text, category, weight, elements
        As above.
    """

    text: str
    category: str
    weight: float
    elements: tuple[tuple[str, str], ...]  # kind in word | prefix | number | gap


def parse_term(text: str, category: str, weight: float) -> Term:
    """Compile a term written as ``prendre ~ rendez vous`` / ``creneau*`` / ``# mois``.

    Parameters
    ----------
    text : str
        The term: words (normalised like the texts: case, accents, SMS spellings), ``*`` after a word
        for any word starting with it, ``~`` for up to three words, ``#`` for any number.
    category : str
        Its category.
    weight : float
        Its weight (negative for a negative cue).

    Returns
    -------
    Term
        The compiled term.

    Raises
    ------
    ParamsError
        The term is empty or starts or ends with ``~``.

    Examples
    --------
    >>> parse_term("prendre ~ RDV", "prise_rdv", 3).elements
    (('word', 'prendre'), ('gap', ''), ('word', 'rendez'), ('word', 'vous'))
    >>> parse_term("creneau*", "prise_rdv", 2).elements
    (('prefix', 'creneau'),)
    """
    cleaned = normalise_text(text.replace("*", " STAR ").replace("~", " GAP ").replace("#", " NUM "))
    words = cleaned.replace(" .", "").upper().split() if cleaned else []
    elements: list[tuple[str, str]] = []
    for word in words:
        if word == "STAR" and elements and elements[-1][0] == "word":
            elements[-1] = ("prefix", elements[-1][1])
        elif word == "GAP":
            elements.append(("gap", ""))
        elif word == "NUM":
            elements.append(("number", "#"))
        elif word != "STAR":
            elements.append(("word", word.lower()))
    if not elements or elements[0][0] == "gap" or elements[-1][0] == "gap":
        raise ParamsError(f"categories.yaml : terme « {text} » invalide (il doit commencer et finir par un mot).")
    return Term(text=text, category=category, weight=float(weight), elements=tuple(elements))


def term_pattern(elements: tuple[tuple[str, str], ...]) -> re.Pattern:
    """A regular expression finding a term anywhere in a sentence's tokens joined by single spaces.

    A ``word`` is a whole token, a ``prefix`` a token starting with it, a ``number`` the token
    ``#``, a ``gap`` up to :data:`GAP_WORDS` tokens; the term starts and ends on token boundaries.

    Parameters
    ----------
    elements : tuple of (str, str)
        :attr:`Term.elements`.

    Returns
    -------
    re.Pattern
        To ``search`` in ``" ".join(tokens)``.

    Examples
    --------
    >>> bool(term_pattern(parse_term("prendre ~ rendez vous", "prise_rdv", 3).elements).search(
    ...     "impossible de prendre un nouveau rendez vous"))
    True
    >>> bool(term_pattern(parse_term("creneau*", "prise_rdv", 3).elements).search("aucun creneaux"))
    True
    >>> bool(term_pattern(parse_term("creneau*", "prise_rdv", 3).elements).search("aucun uncreneau"))
    False
    """
    pieces = []
    for kind, value in elements:
        if kind == "gap":
            pieces.append(r"(?: \S+){0,%d}" % GAP_WORDS)
            continue
        if pieces:
            pieces.append(" ")
        pieces.append({"word": re.escape(value), "prefix": re.escape(value) + r"\S*", "number": "#"}[kind])
    return re.compile(r"(?<!\S)" + "".join(pieces) + r"(?!\S)")


@dataclass
class LexiconScores:
    """Scores of texts against the lexicon.

    Attributes
    ----------
    scores : ndarray, shape (n_texts, n_categories)
        Positive terms minus negative cues, floored at 0.
    terms : list of dict
        Per text, category → matched terms (positive ones), for explanations.
    categories : tuple of str
        The categories, in the order of the columns of ``scores``.
    matched : ndarray of bool
        See :attr:`matched`.
    """

    scores: np.ndarray
    terms: list[dict[str, list[str]]]
    categories: tuple[str, ...]

    def probabilities(self, temperature: float = 1.0) -> np.ndarray:
        """Soft-max of the scores (uniform where nothing matched).

        Parameters
        ----------
        temperature : float, default 1.0
            Divides the scores before the soft-max; above 1 the probabilities are flatter.

        Returns
        -------
        ndarray, shape (n_texts, n_categories)
            Probabilities; each row sums to 1.

        Notes
        -----
        These are a monotone transform of the lexicon scores, not calibrated probabilities.

        Examples
        --------
        >>> LexiconScores(np.array([[2.0, 0.0]]), [{}], ("a", "b")).probabilities().round(3)
        array([[0.881, 0.119]])
        """
        z = self.scores / temperature
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    @property
    def matched(self) -> np.ndarray:
        """True where at least one term matched.

        Returns
        -------
        ndarray of bool, shape (n_texts,)
            True where some category has a positive score.
        """
        return self.scores.max(axis=1) > 0


@dataclass
class Lexicon:
    """Weighted terms and negative cues per category.

    Usually read from ``categories.yaml`` by :func:`load_lexicon`.

    Parameters
    ----------
    categories : tuple of str
        Every category, in a fixed order (the columns of the scores).
    labels : dict of str to str
        Category → French label (``libelle``).
    terms : list of Term
        Positive terms.
    negatives : list of Term
        Negative cues (negative weights).

    Attributes
    ----------
    categories, labels, terms, negatives
        As above.

    Examples
    --------
    >>> lexicon = Lexicon(categories=("prise_rdv", "autre"), labels={"prise_rdv": "Prise de rendez-vous"},
    ...                   terms=[parse_term("creneau*", "prise_rdv", 2)],
    ...                   negatives=[parse_term("j avais ~ rendez vous", "prise_rdv", -2)])
    >>> lexicon.score_one("Aucun créneau disponible.")
    (array([2., 0.]), {'prise_rdv': ['creneau*']})
    """

    categories: tuple[str, ...]
    labels: dict[str, str]
    terms: list[Term]
    negatives: list[Term]
    _index_word: dict[str, list[Term]] = field(default_factory=dict, repr=False)
    _index_prefix: dict[str, list[Term]] = field(default_factory=dict, repr=False)
    _index_number: list[Term] = field(default_factory=list, repr=False)

    def __post_init__(self) -> None:
        self._all_terms = [*self.terms, *self.negatives]
        # Compiled form used by the hot loop: (term id, its regular expression or None for a single
        # element, the words after the first one: a term whose words are not all in the sentence
        # cannot match, a set test says so before the expression is tried).
        compiled = [(i, term_pattern(t.elements) if len(t.elements) > 1 else None,
                     frozenset(v for k, v in t.elements[1:] if k == "word")) for i, t in enumerate(self._all_terms)]
        for entry, term in zip(compiled, self._all_terms):
            kind, value = term.elements[0]
            if kind == "word":
                self._index_word.setdefault(value, []).append(entry)
            elif kind == "prefix":
                self._index_prefix.setdefault(value, []).append(entry)
            else:
                self._index_number.append(entry)
        self._prefix_lengths = sorted({len(p) for p in self._index_prefix})
        self._position = {c: i for i, c in enumerate(self.categories)}
        self._candidate_cache: dict[str, list] = {}
        self._scores: dict[str, tuple[np.ndarray, dict[str, list[str]]]] = {}  # by normalised text
        self._sentences = Memo(self._match_sentence, TEXT_MEMO_SIZE)  # terms found in a sentence, by sentence
        self._findings: dict[tuple, tuple[np.ndarray, dict[str, list[str]]]] = {}  # by sequence of findings

    def __getstate__(self) -> dict:
        """What a pickle keeps: not the memos (a trained categoriser is shared through the run's cache)."""
        state = dict(self.__dict__)
        state["_candidate_cache"], state["_scores"], state["_findings"] = {}, {}, {}
        del state["_sentences"]  # holds a bound method of this lexicon: made anew on unpickling
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._sentences = Memo(self._match_sentence, TEXT_MEMO_SIZE)

    def _candidates(self, token: str) -> list:
        cached = self._candidate_cache.get(token)
        if cached is not None:
            return cached
        found = list(self._index_word.get(token, ()))
        for length in self._prefix_lengths:
            if length > len(token):
                break
            found.extend(self._index_prefix.get(token[:length], ()))
        if token == "#":
            found.extend(self._index_number)
        if len(self._candidate_cache) < 500_000:
            self._candidate_cache[token] = found
        return found

    def score_one(self, text: str, *, normalised: str | None = None) -> tuple[np.ndarray, dict[str, list[str]]]:
        """Score one raw text: per category, the weighted terms found minus the negative cues.

        Each term counts once, with the weight of the best sentence it is found in: 1 for the first
        sentence that speaks of a subject, 0.75 for later ones, 0.4 for a sentence opened by a
        secondary marker (*de plus*, *par ailleurs*…).

        Parameters
        ----------
        text : str
            The raw text (ignored when ``normalised`` is given).
        normalised : str, optional
            Its :func:`normalise_text` form, if already computed.

        Returns
        -------
        scores : ndarray, shape (n_categories,)
            Score per category, floored at 0.
        explained : dict of str to list of str
            Category → the positive terms matched (as written in the lexicon).
        """
        scores, explained = self._memoised(normalise_text(text) if normalised is None else normalised)
        return scores.copy(), {category: list(found) for category, found in explained.items()}

    def _memoised(self, normalised: str) -> tuple[np.ndarray, dict[str, list[str]]]:
        """:meth:`score_one` of a normalised text, kept (shared: not to be modified)."""
        known = self._scores.get(normalised)
        if known is None:
            known = self._score_normalised(normalised)
            if len(self._scores) < TEXT_MEMO_SIZE:  # the same complaints are scored in every fold
                self._scores[normalised] = known
        return known

    def _match_sentence(self, sentence: str) -> tuple[frozenset[int], bool] | None:
        """The terms found in one sentence and whether a secondary marker opens it; ``None``: no term."""
        words = [("#" if t.isdigit() else t) for t in sentence.split() if t != "."]
        present = set(words)
        joined = " ".join(words)
        cache = self._candidate_cache
        found: set[int] = set()
        tried: set[int] = set()
        for token in present:  # a term is a candidate where its first element matches some token
            candidates = cache.get(token)
            if candidates is None:
                candidates = self._candidates(token)
            for term_id, pattern, others in candidates:
                if term_id in tried:
                    continue
                tried.add(term_id)
                if pattern is None or (others <= present and pattern.search(joined)):
                    found.add(term_id)
        return (frozenset(found), sentence.startswith(SECONDARY_MARKERS)) if found else None

    def _score_normalised(self, normalised: str) -> tuple[np.ndarray, dict[str, list[str]]]:
        # A text's score depends only on the terms found in each of its sentences, in order: each
        # distinct sentence is matched once (courtesy formulas recur, a demand is made of its text's
        # own sentences), and each distinct sequence of findings is weighed once (many texts differ
        # only by words no term holds).
        findings = tuple(filter(None, map(self._sentences.__getitem__, normalised.split(" . "))))
        known = self._findings.get(findings)
        if known is None:
            known = self._weigh(findings)
            if len(self._findings) < TEXT_MEMO_SIZE:
                self._findings[findings] = known
        return known

    def _weigh(self, findings: tuple[tuple[frozenset[int], bool], ...]) -> tuple[np.ndarray, dict[str, list[str]]]:
        """Scores and explaining terms of a text from the terms found in its sentences, in order."""
        best: dict[int, float] = {}
        seen_subject = False
        terms = self._all_terms
        for found, secondary in findings:
            if secondary:
                weight = SECONDARY_WEIGHT
            else:
                weight = LATER_WEIGHT if seen_subject else FIRST_WEIGHT
            if not seen_subject and any(terms[t].weight > 0 for t in found):
                seen_subject = True
            for term_id in found:
                if best.get(term_id, 0.0) < weight:
                    best[term_id] = weight
        scores = [0.0] * len(self.categories)
        explained: dict[str, list[str]] = {}
        position = self._position
        # the strongest terms first (then the lexicon's order): the explanation reads the same in every run
        for term_id, weight in sorted(best.items(), key=lambda item: (-terms[item[0]].weight * item[1], item[0])):
            term = terms[term_id]
            scores[position[term.category]] += term.weight * weight
            if term.weight > 0:
                explained.setdefault(term.category, []).append(term.text)
        return np.maximum(np.array(scores), 0.0), explained

    def score(self, texts: Sequence[object], *, normalised: Sequence[str] | None = None) -> LexiconScores:
        """Score many texts (each distinct text once); ``normalised`` spares normalising again.

        Parameters
        ----------
        texts : sequence
            Raw texts (``None`` counts as empty).
        normalised : sequence of str, optional
            Their :func:`normalise_text` forms, parallel to ``texts``.

        Returns
        -------
        LexiconScores
            One row per text, in the order given.
        """
        cache: dict[str, tuple[np.ndarray, dict[str, list[str]]]] = {}
        rows, terms = [], []
        for position, text in enumerate(texts):
            key = "" if text is None else str(text)
            if key not in cache:
                cache[key] = self._memoised(normalise_text(key) if normalised is None else normalised[position])
            scores, explained = cache[key]
            rows.append(scores)
            terms.append(explained)
        # one array built from the rows (np.vstack would check each row apart: slow for 100 000 texts)
        matrix = np.array(rows, dtype=float) if rows else np.zeros((0, len(self.categories)))
        return LexiconScores(matrix, terms, self.categories)


def load_lexicon(path: str | Path) -> Lexicon:
    """Read ``categories.yaml``.

    Parameters
    ----------
    path : str or Path
        The lexicon file (see :func:`~qualepref_analysis.analysis.complaints.lexicon_path`).

    Returns
    -------
    Lexicon
        With every category of the taxonomy (``TAXONOMY``), in its order, whether or not the file
        lists terms for it.

    Notes
    -----
    Expected layout::

        categories:
          prise_rdv:
            libelle: Prise de rendez-vous
            termes: {"creneau*": 3, "prendre ~ rendez vous": 3}
            indices_contraires: {"j avais ~ rendez vous": 3}

    Raises
    ------
    ParamsError
        Missing file, bad YAML, unknown category, bad weight or term.
    """
    path = Path(path)
    if not path.is_file():
        raise ParamsError(f"{path}: lexique des catégories introuvable ; copiez params/categories.yaml du projet.")
    try:
        raw = load_yaml(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise ParamsError(f"{path}: YAML invalide ({exc.__class__.__name__}) ; corrigez la syntaxe.") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("categories"), dict):
        raise ParamsError(f"{path}: une clé `categories` est attendue.")
    unknown = sorted(set(raw["categories"]) - set(TAXONOMY))
    if unknown:
        raise ParamsError(f"{path}: catégorie(s) inconnue(s) : {', '.join(unknown)} ; catégories : {', '.join(TAXONOMY)}.")
    terms: list[Term] = []
    negatives: list[Term] = []
    labels: dict[str, str] = {}
    for category, spec in raw["categories"].items():
        spec = spec or {}
        labels[category] = str(spec.get("libelle", category))
        for key, target, sign in (("termes", terms, 1.0), ("indices_contraires", negatives, -1.0)):
            entries = spec.get(key) or {}
            if not isinstance(entries, dict):
                raise ParamsError(f"{path}: categories.{category}.{key} doit associer chaque terme à un poids.")
            for text, weight in entries.items():
                if not isinstance(weight, (int, float)) or isinstance(weight, bool) or weight <= 0:
                    raise ParamsError(f"{path}: categories.{category}.{key}.« {text} » : poids positif attendu.")
                target.append(parse_term(str(text), category, sign * float(weight)))
    return Lexicon(categories=tuple(TAXONOMY), labels=labels, terms=terms, negatives=negatives)
