"""Normalisation of codes and column headers typed by people in office tools."""

from __future__ import annotations

import re
import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is not imported with this module: the parameters are read without it
    import pandas as pd

__all__ = ["fold_accents", "normalise_code", "normalise_codes", "normalise_header"]

_NON_ALNUM = re.compile(r"[^0-9a-z]+")
_SPACES = re.compile(r"\s+")


def fold_accents(text: str) -> str:
    """Remove diacritics: ``"Réclamation"`` → ``"Reclamation"``.

    Uses the standard library's Unicode decomposition (NFKD) and drops the
    combining marks; ligatures such as ``œ`` are spelt out.
    """
    text = text.replace("œ", "oe").replace("Œ", "OE").replace("æ", "ae").replace("Æ", "AE")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def normalise_code(value: str) -> str:
    """Canonical form of a code: accents folded, case-folded, separators as ``_``.

    ``"Après-midi"`` → ``"apres_midi"``; ``"Services Publics+"`` →
    ``"services_publics_plus"``; ``" COURRIEL "`` → ``"courriel"``.
    """
    text = fold_accents(str(value)).casefold().replace("+", " plus ")
    return _NON_ALNUM.sub("_", text).strip("_")


def normalise_codes(values: pd.Series) -> pd.Series:
    """Vectorised :func:`normalise_code` (computed once per distinct value)."""
    uniques = values.unique()
    mapping = {value: normalise_code(value) for value in uniques}
    return values.map(mapping)


def normalise_header(name: str) -> str:
    """Header as matched against the contract: trimmed, case-folded, inner spaces (no-break ones
    included) collapsed, typographic apostrophes as ``'``.

    Examples
    --------
    >>> normalise_header(" Date d’arrivée\u00a0 ") == normalise_header("date d'arrivée")
    True
    """
    text = str(name).replace("\ufeff", "").replace("’", "'").replace("‘", "'").replace("ʼ", "'")
    return _SPACES.sub(" ", text).strip().casefold()
