"""An indicator's value, target and change in words, in its unit: ``73,6 %``, ``3,7 jours ouvrés``."""

from __future__ import annotations

import math

from qualepref_analysis.report.formatting import format_number, format_percent

__all__ = ["format_value", "format_change", "format_target"]


def _days(value: float) -> str:
    word = "jour ouvré" if abs(value) < 2 else "jours ouvrés"
    return f"{format_number(value, 1)} {word}"

def format_value(value: float, unit: str) -> str:
    """A value in its unit, the French way: ``73,6 %``, ``3,7 jours ouvrés``, ``1 375``, ``340 visites par mois``."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "pourcent":
        return format_percent(value)
    if unit == "jours_ouvres":
        return _days(value)
    if unit == "visites_mois":
        return f"{format_number(value)} visites par mois"
    return format_number(value)

def format_change(change: float, relative: float, unit: str) -> str:
    """``'en hausse de 28,6 points'``, ``'en baisse de 0,4 jour ouvré'``, ``'en baisse de 12,8 %'``, ``'stable'``.

    Every change carries its unit: points for rates, working days for delays, % (relative) for
    counts, visits per month for the PAN when no relative change can be given. A count whose
    relative change is withheld (``relative`` is ``None``: the base is too small for a
    percentage) gets its direction only, never a bare number without its noun: the sentence
    gives both years' counts.

    Examples
    --------
    >>> format_change(12, None, "nombre"), format_change(-3, None, "nombre"), format_change(0, None, "nombre")
    ('en hausse', 'en baisse', 'stable')
    """
    if change is None or (isinstance(change, float) and math.isnan(change)):
        return ""
    if unit == "pourcent":
        amount = abs(round(change, 1))
        text = f"{format_number(amount, 1)} point{'s' if amount >= 2 else ''}"
    elif unit == "jours_ouvres":
        amount = abs(round(change, 1))
        text = _days(amount)
    else:
        if relative is None or (isinstance(relative, float) and math.isnan(relative)):
            amount = abs(round(change, 1))
            if unit != "visites_mois":  # a count: its noun is the indicator's, the sentence gives both counts
                return "stable" if amount == 0 else f"en {'hausse' if change > 0 else 'baisse'}"
            text = format_number(amount, 0 if float(amount).is_integer() else 1)
            text += " visite par mois" if amount < 2 else " visites par mois"
        else:
            amount = abs(round(relative, 1))
            text = format_percent(amount)
    if amount == 0:
        return "stable"
    return f"en {'hausse' if change > 0 else 'baisse'} de {text}"

def format_target(value: float, unit: str) -> str:
    """A target as people write it: ``75 %``, ``5 jours ouvrés`` (decimals only when needed)."""
    if float(value).is_integer():
        if unit == "pourcent":
            return format_percent(value, 0)
        if unit == "jours_ouvres":
            return f"{format_number(value)} jour{'s' if value >= 2 else ''} ouvré{'s' if value >= 2 else ''}"
    return format_value(value, unit)
