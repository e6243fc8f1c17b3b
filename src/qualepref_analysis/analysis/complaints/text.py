"""Normalisation of real user French before matching and learning.

Accents and case are unreliable in user mail, SMS spellings are common, and
courtesy formulas ("merci d'avance", "cordialement") carry no subject: they
are removed so that "merci" is never read as thanks for a service.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import Stemmer  # PyStemmer: the Snowball algorithms compiled (libstemmer_c)

from qualepref_analysis.analysis.complaints.memo import Memo

__all__ = ["normalise_text", "sentences", "tokens", "stem_tokens", "stem_text", "SMS_SPELLINGS", "COURTESY_FORMULAS"]

#: SMS and short spellings → full words (matched as whole tokens after accent folding).
SMS_SPELLINGS = {
    "rdv": "rendez vous", "rdvs": "rendez vous", "rv": "rendez vous", "tel": "telephone", "tlf": "telephone",
    "tjrs": "toujours", "tjs": "toujours", "pk": "pourquoi", "pq": "pourquoi", "pkoi": "pourquoi",
    "bcp": "beaucoup", "svp": "s il vous plait", "stp": "s il te plait", "bjr": "bonjour", "slt": "salut",
    "jsuis": "je suis", "chui": "je suis", "jai": "j ai", "ya": "il y a", "ds": "dans", "qd": "quand",
    "mtn": "maintenant", "pr": "pour", "pb": "probleme", "pbs": "problemes", "ajd": "aujourd hui",
    "auj": "aujourd hui", "qlq": "quelque", "dc": "donc", "pref": "prefecture", "mr": "monsieur",
    "mme": "madame", "pa": "pas", "rien2": "rien", "mail": "mail", "mails": "mails", "dossie": "dossier",
    "attend": "attends", "recu": "recu", "prefe": "prefecture", "msg": "message", "msgs": "messages",
}

#: Numbers written in words → digits, so that ``# mois`` matches « huit mois » (not « un »: also an article).
NUMBER_WORDS = {
    "deux": "2", "trois": "3", "quatre": "4", "cinq": "5", "six": "6", "sept": "7", "huit": "8", "neuf": "9",
    "dix": "10", "onze": "11", "douze": "12", "treize": "13", "quatorze": "14", "quinze": "15", "seize": "16",
    "vingt": "20", "trente": "30", "quarante": "40", "cinquante": "50", "soixante": "60", "cent": "100",
}

#: Courtesy formulas removed before matching (accent-folded, lower case).
COURTESY_FORMULAS = (
    r"merci (?:beaucoup |bien )?(?:d avance|par avance|de votre (?:aide|reponse|retour|comprehension)"
    r"|pour votre (?:aide|reponse|retour|comprehension)|de me repondre)",
    r"je vous (?:en )?remercie (?:par avance|d avance|de votre (?:aide|reponse|comprehension)|pour votre (?:aide|reponse))",
    r"(?:bien )?cordialement", r"bien a vous", r"(?:sinceres |meilleures |respectueuses )?salutations(?: distinguees)?",
    r"veuillez agreer[^.!?\n]*", r"je vous prie d agreer[^.!?\n]*", r"dans l attente de votre (?:retour|reponse)",
    r"en vous remerciant(?: par avance| d avance)?", r"merci$", r"^merci", r"bonne (?:journee|soiree)",
)
_COURTESY = re.compile(r"\b(?:" + "|".join(COURTESY_FORMULAS) + r")\b", re.MULTILINE)
#: Every courtesy formula holds one of these (« je vous remercie » holds « merci »): a sentence
#: without any cannot hold a formula, and is spared the regular expression.
_COURTESY_HINTS = ("merci", "cordialement", "bien a vous", "salutations", "agreer", "attente de votre", "bonne ")
# A secondary grievance introduced mid-sentence ("…, et en plus personne ne répond") starts a new sentence.
_SECONDARY_SPLIT = re.compile(r"(?:\bet |\bmais )?\b(en plus|de plus|par ailleurs|en outre|d autre part)\b")
_APOSTROPHES = re.compile(r"[’'`´]")
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_NON_WORD = re.compile(r"[^0-9a-z\s]")
_SPACES = re.compile(r"[ \t]+")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[0-9a-z]+")


#: Characters NFKD does not fold to ASCII: ligatures, the typographic apostrophe (a word boundary).
_LIGATURES = (("œ", "oe"), ("Œ", "OE"), ("æ", "ae"), ("Æ", "AE"), ("’", "'"), ("ß", "ss"))


def _fold_ascii(text: str) -> str:
    """Accents folded the fast way (C-level): decompose, then keep ASCII only."""
    if text.isascii():
        return text
    for char, ascii_form in _LIGATURES:  # a test and a replace each, C-level (str.translate is not)
        if char in text:
            text = text.replace(char, ascii_form)
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")


def _cleanup_table() -> bytes:
    """ASCII byte → lower-case letter or digit kept, sentence end → ``.``, anything else → space."""
    table = bytearray(b" " * 256)
    for code in range(128):
        char = chr(code)
        if char.isalnum():
            table[code] = ord(char.lower())
        elif char in ".!?;\n":
            table[code] = ord(".")
    return bytes(table)


_CLEANUP = _cleanup_table()
_SECONDARY_HINTS = (" plus ", "ailleurs", "outre", "autre part")


def normalise_text(text: object) -> str:
    """Lower case, accents folded, apostrophes and hyphens as spaces, SMS spellings expanded,
    courtesy formulas removed; sentence ends kept as ``.``.

    Numbers written in words (*deux* … *cent*, not *un*) become digits, and a secondary grievance
    introduced mid-sentence (*en plus*, *de plus*, *par ailleurs*…) starts a new sentence.

    Parameters
    ----------
    text : object
        A raw text; ``None`` gives ``""``, anything else is converted with ``str``.

    Returns
    -------
    str
        ASCII lower-case words separated by single spaces, sentences separated by ``" . "`` and ended by
        ``" ."``; ``""`` when nothing is left.

    Examples
    --------
    >>> normalise_text("Bjr, PAS DE RDV dispo !!! Merci d'avance. Cordialement")
    'bonjour pas de rendez vous dispo .'
    """
    if text is None:
        return ""
    return _normalise(str(text))


#: Distinct texts whose normalised form is kept (training, cross-validation and prediction read
#: the same complaints several times).
TEXT_MEMO_SIZE = 2**17


@lru_cache(maxsize=TEXT_MEMO_SIZE)
def _normalise(text: str) -> str:
    # Each step after the folding acts within a sentence, so each distinct sentence is cleaned once
    # (courtesy formulas and stock phrases recur across a register): the text is cut at its sentence
    # marks, « a . b » giving the lines « a », « . », « b », as the whole-text expressions saw them.
    folded = _fold_ascii(text).encode("ascii").translate(_CLEANUP).decode("ascii").replace(".", " . ")
    lines = list(map(_clean_line, " ".join(folded.split()).replace(" . ", "\n.\n").split("\n")))
    cleaned = " ".join(lines)
    split = any(hint in cleaned for hint in _SECONDARY_HINTS)
    parts = " . ".join(filter(None, map(_split_parts if split else _plain_parts, lines)))
    return (parts + " .") if parts else ""


#: Distinct sentences whose cleaned form is kept.
LINE_MEMO_SIZE = 2**18


@lru_cache(maxsize=LINE_MEMO_SIZE)
def _clean_line(line: str) -> str:
    """One sentence: numbers in words as digits, SMS spellings expanded, courtesy formulas removed."""
    cleaned = " ".join([NUMBER_WORDS.get(w) or SMS_SPELLINGS.get(w, w) for w in line.split()])
    return _COURTESY.sub(" ", cleaned) if any(hint in cleaned for hint in _COURTESY_HINTS) else cleaned


@lru_cache(maxsize=LINE_MEMO_SIZE)
def _plain_parts(line: str) -> str:
    """A cleaned sentence's non-empty parts, spaces collapsed, joined by `` . ``."""
    return " . ".join(" ".join(part.split()) for part in line.split(".") if part.strip())


@lru_cache(maxsize=LINE_MEMO_SIZE)
def _split_parts(line: str) -> str:
    """As :func:`_plain_parts`, a secondary grievance (« en plus », « par ailleurs »…) apart."""
    return _plain_parts(_SECONDARY_SPLIT.sub(r" . \1", line))


def sentences(normalised: str) -> list[str]:
    """Sentences of a normalised text.

    Parameters
    ----------
    normalised : str
        Output of :func:`normalise_text`.

    Returns
    -------
    list of str
        The sentences, in order (the last one keeps the final ``" ."``).

    Examples
    --------
    >>> sentences(normalise_text("Pas de RDV. De plus, le tel sonne dans le vide"))
    ['pas de rendez vous', 'de plus le telephone sonne dans le vide .']
    """
    return [s.strip() for s in normalised.split(" . ") if s.strip(" .")]


def tokens(normalised: str) -> list[str]:
    """Word tokens of a normalised text (digits become ``#``).

    Parameters
    ----------
    normalised : str
        A text normalised by :func:`normalise_text`.

    Returns
    -------
    list of str
        The words, sentence marks dropped, each number replaced by ``#``.

    Examples
    --------
    >>> tokens(normalise_text("J'attends depuis trois mois."))
    ['j', 'attends', 'depuis', '#', 'mois']
    """
    return [("#" if t.isdigit() else t) for t in normalised.split() if t != "."]


_STEMMER = Stemmer.Stemmer("french", 0)  # no cache of its own: _STEMS keeps one
#: Distinct words whose stem is kept (misspellings make the vocabulary open).
STEM_MEMO_SIZE = 500_000


def _stem_or_number(word: str) -> str:
    return "#" if word.isdigit() else _STEMMER.stemWord(word)


_STEMS = Memo(_stem_or_number, STEM_MEMO_SIZE)  # each distinct word stemmed once
_STEMS["."] = ""  # a sentence mark has no stem


def stem_tokens(normalised: str) -> list[str]:
    """French Snowball stems of the tokens (for the supervised model).

    Parameters
    ----------
    normalised : str
        As in :func:`tokens`.

    Returns
    -------
    list of str
        The stem of each token of :func:`tokens` (``#`` kept as is).

    Examples
    --------
    >>> stem_tokens(normalise_text("Les créneaux disponibles"))
    ['le', 'creneau', 'disponibl']
    """
    return [_STEMS[t] for t in normalised.split() if t != "."]


def stem_text(normalised: str) -> str:
    """:func:`stem_tokens` joined by single spaces (the form the model's vectoriser reads).

    Parameters
    ----------
    normalised : str
        Output of :func:`normalise_text`, or a demand taken from it.

    Returns
    -------
    str
        Its stems, space-separated; ``""`` when it has none.

    Examples
    --------
    >>> stem_text(normalise_text("J'attends depuis trois mois."))
    'j attend depuis # mois'
    """
    # sentence marks are lone " ." tokens of a normalised text: removed before the split, C-level
    return " ".join(map(_STEMS.__getitem__, normalised.replace(" .", "").split()))
