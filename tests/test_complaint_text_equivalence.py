"""The fast paths of complaint preparation give what the plain computations give.

References: scikit-learn's own ``TfidfVectorizer`` for :class:`TokenTfidf`, a whole-text
normaliser written the plain way (one pass of each regular expression over the text, no memo) for
the sentence-by-sentence :func:`normalise_text`, and a lexicon rebuilt from a pickle.
"""

from __future__ import annotations

import pickle
import re
import unicodedata

import numpy as np
from hypothesis import given, settings, strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer

from qualepref_analysis.analysis.complaints import load_lexicon, normalise_text
from qualepref_analysis.analysis.complaints import text as text_module
from qualepref_analysis.analysis.complaints.token_tfidf import TokenTfidf
from qualepref_analysis.analysis.complaints.text import stem_text, stem_tokens

from conftest import ROOT

# -- a plain whole-text normaliser (the rules of text.py, applied in one pass each) -----------------

_COURTESY = re.compile(r"\b(?:" + "|".join(text_module.COURTESY_FORMULAS) + r")\b", re.MULTILINE)
_SECONDARY = re.compile(r"(?:\bet |\bmais )?\b(en plus|de plus|par ailleurs|en outre|d autre part)\b")


def plain_normalise(text: str) -> str:
    text = text.translate(str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ß": "ss"}))
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii").lower()
    folded = "".join(c if c.isalnum() else (" . " if c in ".!?;\n" else " ") for c in folded)
    words = [text_module.NUMBER_WORDS.get(w) or text_module.SMS_SPELLINGS.get(w, w) for w in folded.split()]
    cleaned = _COURTESY.sub(" ", " ".join(words).replace(" . ", "\n.\n")).replace("\n", " ")
    if any(hint in cleaned for hint in (" plus ", "ailleurs", "outre", "autre part")):
        cleaned = _SECONDARY.sub(r" . \1", cleaned)
    parts = [" ".join(p.split()) for p in cleaned.split(".") if p.strip()]
    return (" . ".join(parts) + " .") if parts else ""


PIECES = ["Merci", "merci d'avance", "Je vous remercie de votre réponse", "cordialement", "Bien à vous",
          "veuillez agréer mes salutations", "Bonne journée", "en plus", "et en plus", "mais de plus",
          "par ailleurs", "d'autre part", "en outre", "RDV", "tel", "pb", "deux", "trois mois", "un",
          "créneau", "cœur", "l’attente", "Dossier", "ÉTRANGER", "naturalisation", "préfecture", "ß",
          ".", "!", "?", ";", "\n", "...", "!!!", " ", "  ", ",", "-", "'", "é", "3", "2024", "attente de votre"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=30), st.sampled_from([" ", "", "  "]))
def test_the_sentence_by_sentence_normaliser_equals_the_whole_text_one(pieces, glue):
    text = glue.join(pieces)
    assert normalise_text(text) == plain_normalise(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Z", "S"]), max_size=80))
def test_the_normalisers_agree_on_any_text(text):
    assert normalise_text(text) == plain_normalise(text)


def test_stems_as_text_are_the_stems_joined():
    for raw in ["J'attends depuis 3 mois. Aucun créneau !", "", "...", "Les créneaux. De plus, le tél sonne."]:
        normalised = normalise_text(raw)
        assert stem_text(normalised) == " ".join(stem_tokens(normalised))
    assert stem_text(normalise_text("Les créneaux disponibles depuis deux mois")) == "le creneau disponibl depuis # mois"


# -- TF-IDF: the same matrix as scikit-learn's vectoriser -------------------------------------------

VOCABULARY = ["creneau", "rendez", "vous", "telephon", "dossi", "#", "_demande", "attent", "titr", "recu"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.sampled_from(VOCABULARY), max_size=12), min_size=2, max_size=25),
       st.lists(st.lists(st.sampled_from(VOCABULARY + ["inconnu", "autre"]), max_size=12), max_size=25),
       st.sampled_from([1, 2]))
def test_token_tfidf_equals_scikit_learn(train, new, words):
    train_texts = [" ".join(t) for t in train] + ["creneau rendez"]  # never an empty vocabulary
    new_texts = [" ".join(t) for t in new]
    ours = TokenTfidf(words)
    theirs = TfidfVectorizer(ngram_range=(1, words), sublinear_tf=True, token_pattern=r"\S+")
    fitted_ours, fitted_theirs = ours.fit_transform(train_texts), theirs.fit_transform(train_texts)
    assert ours.counter.vocabulary_ == theirs.vocabulary_
    np.testing.assert_array_equal(fitted_ours.toarray(), fitted_theirs.toarray())
    if new_texts:
        np.testing.assert_array_equal(ours.transform(new_texts).toarray(), theirs.transform(new_texts).toarray())



@settings(max_examples=150, deadline=None)
@given(st.lists(st.text(alphabet=st.characters(codec="utf-8", categories=["L", "N", "P", "Z", "S", "Cc"]),
                        max_size=30), min_size=1, max_size=20),
       st.lists(st.text(max_size=30), min_size=1, max_size=10))
def test_single_token_vocabulary_equals_scikit_learn_on_any_text(train, new):
    """The vocabulary learnt without scikit-learn's loop: any separator (tabs, no-break spaces,
    control characters), any case and any order give scikit-learn's tokens, ids and matrix."""
    train = [*train, "zz"]  # never an empty vocabulary
    ours = TokenTfidf(1)
    theirs = TfidfVectorizer(sublinear_tf=True, token_pattern=r"\S+", lowercase=False)
    fitted_ours, fitted_theirs = ours.fit_transform(train), theirs.fit_transform(train)
    assert ours.counter.vocabulary_ == theirs.vocabulary_
    assert list(ours.counter.get_feature_names_out()) == list(theirs.get_feature_names_out())
    np.testing.assert_array_equal(fitted_ours.toarray(), fitted_theirs.toarray())
    np.testing.assert_array_equal(ours.transform(new).toarray(), theirs.transform(new).toarray())


def test_no_token_at_all_is_scikit_learn_s_empty_vocabulary_error():
    import pytest

    with pytest.raises(ValueError, match="empty vocabulary"):
        TokenTfidf(1).fit_transform(["", "  "])

# -- the lexicon's memos --------------------------------------------------------------------------

def test_a_lexicon_from_a_pickle_scores_as_the_original():
    lexicon = load_lexicon(ROOT / "params" / "categories.yaml")
    texts = ["Aucun créneau depuis deux mois. De plus personne ne répond au téléphone.",
             "Je demande une décision sur mon dossier.", "Merci d'avance.", ""]
    before = lexicon.score(texts)
    copy = pickle.loads(pickle.dumps(lexicon))
    after = copy.score(texts)
    np.testing.assert_array_equal(before.scores, after.scores)
    assert before.terms == after.terms
    # and scoring again from the memos gives the same
    np.testing.assert_array_equal(lexicon.score(texts).scores, before.scores)


# -- lexicon terms: the regular expression finds a term where a plain walk over the tokens does ----

def plain_term_found(elements, words) -> bool:
    """Does the term start at some token and match from there (a gap skips 0 to GAP_WORDS tokens)?"""
    from qualepref_analysis.analysis.complaints.lexicon import GAP_WORDS

    def matches(kind, value, token):
        return token == value if kind == "word" else token.startswith(value) if kind == "prefix" else token == "#"

    def walk(e, i):
        if e == len(elements):
            return True
        kind, value = elements[e]
        if kind == "gap":
            return any(walk(e + 1, j) for j in range(i, min(i + GAP_WORDS, len(words)) + 1))
        return i < len(words) and matches(kind, value, words[i]) and walk(e + 1, i + 1)

    return any(walk(0, start) for start in range(len(words)))


TERM_WORDS = ["rendez", "vous", "pas", "de", "creneau", "#", "mois", "depuis"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(["rendez", "vous", "pas", "de", "creneau*", "cre*", "#", "mois", "~", "depuis"]),
                min_size=1, max_size=5),
       st.lists(st.sampled_from(TERM_WORDS + ["creneaux", "x", "recreneau"]), max_size=12))
def test_a_term_s_expression_finds_it_where_a_walk_over_the_tokens_does(term_words, sentence):
    from qualepref_analysis.analysis.complaints.lexicon import parse_term, term_pattern
    from qualepref_analysis.errors import ParamsError

    try:
        term = parse_term(" ".join(term_words), "prise_rdv", 1)
    except ParamsError:
        return  # a term starting or ending with a gap is refused when the lexicon is read
    found = term_pattern(term.elements).search(" ".join(sentence)) is not None
    assert found == plain_term_found(term.elements, sentence)
