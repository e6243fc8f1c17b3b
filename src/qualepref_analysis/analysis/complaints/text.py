"""Normalisation of real user French before matching and learning.

Accents and case are unreliable in user mail, SMS spellings are common, and
courtesy formulas ("merci d'avance", "cordialement") carry no subject: they
are removed so that "merci" is never read as thanks for a service.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import snowballstemmer

__all__ = ["normalise_text", "sentences", "tokens", "stem_tokens", "SMS_SPELLINGS", "COURTESY_FORMULAS"]

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
# A secondary grievance introduced mid-sentence ("…, et en plus personne ne répond") starts a new sentence.
_SECONDARY_SPLIT = re.compile(r"(?:\bet |\bmais )?\b(en plus|de plus|par ailleurs|en outre|d autre part)\b")
_APOSTROPHES = re.compile(r"[’'`´]")
_SENTENCE_END = re.compile(r"[.!?;\n]+")
_NON_WORD = re.compile(r"[^0-9a-z\s]")
_SPACES = re.compile(r"[ \t]+")
_DIGITS = re.compile(r"\d+")
_TOKEN = re.compile(r"[0-9a-z]+")


_LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE", "’": "'", "ß": "ss"})


def _fold_ascii(text: str) -> str:
    """Accents folded the fast way (C-level): decompose, then keep ASCII only."""
    if text.isascii():
        return text
    return unicodedata.normalize("NFKD", text.translate(_LIGATURES)).encode("ascii", "ignore").decode("ascii")


def _cleanup_table() -> dict[int, str]:
    table = {}
    for code in range(128):
        char = chr(code)
        if char.isalnum():
            table[code] = char
        elif char in ".!?;\n":
            table[code] = " . "
        else:
            table[code] = " "
    return table


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
    folded = _fold_ascii(text).lower().translate(_CLEANUP)
    words = [NUMBER_WORDS.get(w) or SMS_SPELLINGS.get(w, w) for w in folded.split()]
    joined = " ".join(words)
    cleaned = _COURTESY.sub(" ", joined.replace(" . ", "\n.\n")).replace("\n", " ")
    if any(hint in cleaned for hint in _SECONDARY_HINTS):
        cleaned = _SECONDARY_SPLIT.sub(r" . \1", cleaned)
    parts = [p.strip() for p in cleaned.split(".")]
    parts = [" ".join(p.split()) for p in parts if p.strip()]
    return (" . ".join(parts) + " .") if parts else ""


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


_STEMMER = snowballstemmer.stemmer("french")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return _STEMMER.stemWord(word)


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
    return [_stem(t) if t != "#" else t for t in tokens(normalised)]
