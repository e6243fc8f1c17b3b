"""TF-IDF of texts already cut into space-separated tokens (the categoriser's stems).

scikit-learn's ``TfidfVectorizer`` is a ``CountVectorizer`` followed by a ``TfidfTransformer``; its
counting runs a Python loop over every token of every text, the slowest step of categorising a
national register. :class:`TokenTfidf` keeps scikit-learn for learning the vocabulary and for the
weighting, and counts single tokens with C-level calls (one dictionary look-up per token through
``map``, one sparse-matrix build), giving the same matrix. For single tokens it also learns the
vocabulary that way (the sorted set of the tokens, as ``CountVectorizer`` with its default
``min_df`` and ``max_df`` keeps every token): each fold of the cross-validation learns one.
"""

from __future__ import annotations

from itertools import repeat
from typing import Sequence

import numpy as np
import scipy.sparse as sp

__all__ = ["TokenTfidf"]


class TokenTfidf:
    """Sub-linear TF-IDF of space-separated tokens, as ``TfidfVectorizer(token_pattern=r"\\S+")``.

    Parameters
    ----------
    words : int, default 1
        Longest word n-gram (1: single tokens; 2: pairs too, counted by scikit-learn).

    Attributes
    ----------
    counter : CountVectorizer
        The fitted vocabulary (``vocabulary_``), after :meth:`fit_transform`.
    weighting : TfidfTransformer
        The fitted inverse document frequencies (``idf_``), sub-linear term frequencies.

    Examples
    --------
    >>> tfidf = TokenTfidf()
    >>> tfidf.fit_transform(["creneau rendez vous", "telephon"]).shape
    (2, 4)
    >>> tfidf.transform(["creneau creneau inconnu", ""]).toarray().round(3).tolist()
    [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]
    """

    def __init__(self, words: int = 1) -> None:
        self.words = words
        self.counter = None
        self.weighting = None
        self._ids: dict[str, int] = {}

    def fit_transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Learn the vocabulary and the document frequencies of ``texts``; their TF-IDF matrix.

        Parameters
        ----------
        texts : sequence of str
            Lower-case tokens separated by spaces (``""`` for an empty text).

        Returns
        -------
        csr_matrix, shape (n_texts, n_features)
            Sub-linear TF-IDF, each row of unit norm (zero for a text with no known token).
        """
        from sklearn.feature_extraction.text import CountVectorizer, TfidfTransformer

        self.counter = CountVectorizer(ngram_range=(1, self.words), token_pattern=r"\S+", lowercase=False,
                                       dtype=np.float64)
        counts = self._learn_tokens(texts) if self.words == 1 else None
        if counts is None:  # pairs of words, or no token at all (scikit-learn then says the vocabulary is empty)
            counts = self.counter.fit_transform(texts)
        self._ids = dict(self.counter.vocabulary_)
        self.weighting = TfidfTransformer(sublinear_tf=True).fit(counts)
        return self.weighting.transform(counts, copy=False)

    def transform(self, texts: Sequence[str]) -> sp.csr_matrix:
        """TF-IDF of new texts in the learnt vocabulary (unknown tokens are left out).

        Parameters
        ----------
        texts : sequence of str
            As for :meth:`fit_transform`.

        Returns
        -------
        csr_matrix, shape (n_texts, n_features)
            As for :meth:`fit_transform`.
        """
        counts = self._count_tokens(texts) if self.words == 1 else self.counter.transform(texts)
        return self.weighting.transform(counts, copy=False)

    def _learn_tokens(self, texts: Sequence[str]) -> sp.csr_matrix | None:
        """``CountVectorizer.fit_transform`` of single tokens, entry for entry (``None`` without any token).

        scikit-learn numbers the tokens in the order it first meets them, counts each text's tokens
        in that numbering (a row's entries in that order), then renumbers them alphabetically
        without reordering the entries; the same layout is built here, so that the weighting adds
        each row's squares in the same order and gives the same bits.
        """
        lengths = np.fromiter(map(len, map(str.split, texts)), dtype=np.int64, count=len(texts))
        tokens = " ".join(texts).split()
        met = list(dict.fromkeys(tokens))  # the tokens in the order they are first met
        if not met:
            return None
        first = {token: index for index, token in enumerate(met)}
        vocabulary = {token: index for index, token in enumerate(sorted(met))}
        renumber = np.fromiter(map(vocabulary.__getitem__, met), dtype=np.int64, count=len(met))
        codes = np.fromiter(map(first.__getitem__, tokens), dtype=np.int64, count=len(tokens))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        pairs, counted = np.unique(rows * len(met) + codes, return_counts=True)  # by text, then as first met
        pointers = np.concatenate([[0], np.cumsum(np.bincount(pairs // len(met), minlength=len(texts)))])
        self.counter.vocabulary_ = vocabulary
        self.counter.fixed_vocabulary_ = False
        return sp.csr_matrix((counted.astype(np.float64), renumber[pairs % len(met)], pointers),
                             shape=(len(texts), len(met)))

    def _count_tokens(self, texts: Sequence[str]) -> sp.csr_matrix:
        """Counts of single known tokens, as ``CountVectorizer.transform`` gives them."""
        lengths = np.fromiter(map(len, map(str.split, texts)), dtype=np.int64, count=len(texts))
        tokens = " ".join(texts).split()
        ids = np.fromiter(map(self._ids.get, tokens, repeat(-1)), dtype=np.int64, count=len(tokens))
        rows = np.repeat(np.arange(len(texts), dtype=np.int64), lengths)
        known = ids >= 0
        # rows come in order: the compressed-row pointers are the running count of known tokens
        pointers = np.concatenate([[0], np.cumsum(np.bincount(rows[known], minlength=len(texts)))])
        counts = sp.csr_matrix((np.ones(int(known.sum())), ids[known], pointers),
                               shape=(len(texts), len(self._ids)), dtype=np.float64)
        counts.sum_duplicates()  # a token twice in a text: one entry, its count
        counts.sort_indices()
        return counts
