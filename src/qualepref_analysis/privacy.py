"""Scrubbing of personal data from any text that is displayed or written.

This first version removes what regular expressions find reliably: e-mail
addresses, French phone numbers, foreigner file numbers (AGDREF, 10 digits)
and other long identifiers. Free-text columns are never written at all
(:func:`mask_cell`).
"""

from __future__ import annotations

import re

__all__ = ["scrub_text", "mask_cell", "MASK_TEXT"]

MASK_TEXT = "[texte libre masqué]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)\s?33\s?\(?0?\)?|0)\s?[1-9](?:[\s.\-/]?\d{2}){4}(?!\d)"
)
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ \u00a0]?\d){8,}(?!\d)")
_ALNUM_ID = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{9,}\b")


def scrub_text(text: str) -> str:
    """Replace e-mails, phone numbers and long identifiers by a placeholder.

    Examples
    --------
    >>> scrub_text("écrire à jean.dupont@example.org ou au 06 12 34 56 78")
    'écrire à [courriel] ou au [téléphone]'
    """
    text = _EMAIL.sub("[courriel]", str(text))
    text = _PHONE.sub("[téléphone]", text)
    text = _LONG_NUMBER.sub("[identifiant]", text)
    return _ALNUM_ID.sub("[identifiant]", text)


def mask_cell(value: object, *, personal: bool, max_length: int = 60) -> str:
    """What an error report may show of a cell.

    Free-text cells (``personal=True``) are replaced entirely; others are
    scrubbed and cut to ``max_length`` characters.
    """
    text = "" if value is None else str(value)
    if personal and text.strip():
        return MASK_TEXT
    text = scrub_text(text)
    return text if len(text) <= max_length else text[: max_length - 1] + "…"
