"""Numbers, percentages, dates and site names the French way.

Numbers and dates are formatted with ``babel`` (locale ``fr_FR``): ``1 375``
(narrow no-break space), ``73,6 %``, ``10 mars 2023``.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

__all__ = [
    "LOCALE",
    "format_number",
    "format_percent",
    "format_date",
    "plural",
    "site_subject",
    "site_complement",
    "join_french",
    "month_labels",
    "is_missing",
]

LOCALE = "fr_FR"
_NBSP = "\u00a0"


def is_missing(value: object) -> bool:
    """Whether ``value`` is None, NA or NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_number(value: object, decimals: int = 0) -> str:
    """A number the French way: ``1375`` → ``'1 375'``, ``3.72`` → ``'3,7'`` (1 decimal), ``-2`` → ``'−2'``.

    Thousands are separated by a narrow no-break space, negative numbers take the minus sign
    (U+2212). Missing values give ``'–'``.
    """
    if is_missing(value):
        return "–"
    return _format_float(float(value), int(decimals))


@lru_cache(maxsize=8192)
def _format_float(value: float, decimals: int) -> str:
    """:func:`format_number` of a float, kept: a review formats the same values many times (babel
    takes ≈ 0,1 ms a number; the narratives of a national review format hundreds of thousands)."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = Decimal(repr(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    text = format_decimal(rounded, format=pattern, locale=LOCALE)
    return "\u2212" + text[1:] if text.startswith("-") else text  # the minus sign, not a hyphen


def format_percent(value: object, decimals: int = 1) -> str:
    """A percentage given on the 0-100 scale: ``73.67`` → ``'73,7 %'`` (no-break space)."""
    if is_missing(value):
        return "–"
    return f"{format_number(value, decimals)}{_NBSP}%"


def format_date(value: object, style: str = "long") -> str:
    """A date the French way: ``'10 mars 2023'``, ``'1er décembre 2022'`` (``style='long'``, for prose) or
    ``'10/03/2023'`` (``'short'``, for tables)."""
    if is_missing(value) or value is pd.NaT:
        return "–"
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) or isinstance(value, dt.datetime) else value
    if style == "short":
        return day.strftime("%d/%m/%Y")
    text = _babel_date(day, format="long", locale=LOCALE)
    return "1er" + text[1:] if day.day == 1 else text


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``'1 réclamation'``, ``'376 réclamations'`` (French: 0 and 1 are singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"










_FEMININE_KINDS = ("préfecture", "sous-préfecture", "prefecture", "sous-prefecture")


def site_subject(site_label: str) -> str:
    """A site label usable as the subject of a French sentence.

    ``'Sous-préfecture d'Antony'`` → ``"la sous-préfecture d'Antony"``; a label
    that does not start with a kind of site is quoted: ``'le site « Nanterre »'``.
    """
    label = str(site_label).strip()
    lowered = label[:1].lower() + label[1:]
    if lowered.split(" ", 1)[0].lower() in _FEMININE_KINDS:
        return "la " + lowered
    return f"le site « {label} »"


def site_complement(site_label: str) -> str:
    """``'à la sous-préfecture d'Antony'``; ``'au site « Nanterre »'``."""
    subject = site_subject(site_label)
    return "au " + subject[3:] if subject.startswith("le ") else "à " + subject


def join_french(items: list[str]) -> str:
    """``['a', 'b', 'c']`` → ``'a, b et c'``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]





_MONTHS_FR = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.", "déc.")


def month_labels(months: pd.Series | pd.PeriodIndex) -> list[str]:
    """French short month labels, a no-break space before the year (never « janv.⏎2022 »): ``'mars\u00a02022'``."""
    return [f"{_MONTHS_FR[m.month - 1]}\u00a0{m.year}" for m in pd.PeriodIndex(months)]
