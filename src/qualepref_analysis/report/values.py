"""An indicator's value, target and change in words, in its unit: ``73,6 %``, ``3,7 jours ouvrés``."""

from __future__ import annotations

import math

from qualepref_analysis.report.formatting import format_number, format_percent

__all__ = ["format_value", "format_change", "format_target", "signed_change", "judged_change", "significance_of",
           "change_sentence"]


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


def signed_change(change: float, unit: str) -> str:
    """A change with its sign and unit: ``'+1,7 point'``, ``'−0,4 jour ouvré'``, ``'+12'``.

    Examples
    --------
    >>> signed_change(1.7, "pourcent"), signed_change(-2.25, "pourcent"), signed_change(0.0, "jours_ouvres")
    ('+1,7 point', '−2,2 points', '0,0 jour ouvré')
    """
    amount = round(float(change), 1)
    sign = "+" if amount > 0 else ("\u2212" if amount < 0 else "")
    if unit == "pourcent":
        text = f"{format_number(abs(amount), 1)} point{'s' if abs(amount) >= 2 else ''}"
    elif unit == "jours_ouvres":
        text = _days(abs(amount))
    else:
        text = format_number(abs(amount), 0 if float(abs(amount)).is_integer() else 1)
    return sign + text


def significance_of(evolution: dict | None) -> bool | None:
    """``significatif`` of a recorded ``evolution`` (``None``: no interval, or nothing recorded)."""
    if not isinstance(evolution, dict):
        return None
    judged = evolution.get("significatif")
    return None if judged is None else bool(judged)


def judged_change(change: float, relative: float | None, unit: str, significant: bool | None, *,
                  when: str = "") -> str:
    """A change over a year with its judgement against the margin of error.

    Parameters
    ----------
    change, relative, unit
        As :func:`format_change`.
    significant : bool or None
        Whether the 95 % interval of the change excludes 0; ``None`` when the change has no
        interval (a count, a withheld figure): the change is then given as it is.
    when : str
        Words placed right after the change (« sur un an »).

    Examples
    --------
    >>> judged_change(28.6, None, "pourcent", True)
    "en hausse de 28,6 points, au-delà de la marge d'erreur"
    >>> judged_change(1.7, None, "pourcent", False)
    "stable : +1,7 point, dans la marge d'erreur"
    >>> judged_change(-0.4, None, "jours_ouvres", False, when="sur un an")
    "stable sur un an : −0,4 jour ouvré, dans la marge d'erreur"
    >>> judged_change(-55, -12.76, "nombre", None, when="sur un an")
    'en baisse de 12,8\xa0% sur un an'
    """
    text = format_change(change, relative, unit)
    if not text:
        return ""
    after = f" {when}" if when else ""
    if significant is None:
        return text + after
    if significant:
        return f"{text}{after}, au-delà de la marge d'erreur"
    if round(float(change), 1) == 0:
        return f"stable{after}, dans la marge d'erreur"
    return f"stable{after} : {signed_change(change, unit)}, dans la marge d'erreur"


def change_sentence(subject: str, change: float, relative: float | None, unit: str, significant: bool | None,
                    compared: str) -> str:
    """One sentence on a change over a year, its judgement included.

    Parameters
    ----------
    subject : str
        The sentence's subject (« Il », « Elle »).
    change, relative, unit
        As :func:`format_change`.
    significant : bool or None
        As :func:`judged_change`.
    compared : str
        What the value is compared with (« par rapport à 2021 (45,0 %) »).

    Examples
    --------
    >>> change_sentence("Il", 28.6, None, "pourcent", True, "par rapport à 2021 (45,0 %)")
    "Il est en hausse de 28,6 points par rapport à 2021 (45,0 %), un écart supérieur à la marge d'erreur."
    >>> change_sentence("Elle", 1.7, None, "pourcent", False, "par rapport à 2021 (93,3 %)")
    "Elle est stable par rapport à 2021 (93,3 %) : l'écart, +1,7 point, reste dans la marge d'erreur."
    >>> change_sentence("Il", -55, -12.8, "nombre", None, "par rapport à 2021 (431)")
    'Il est en baisse de 12,8\xa0% par rapport à 2021 (431).'
    """
    text = format_change(change, relative, unit)
    if significant is False and round(float(change), 1) != 0:
        return (f"{subject} est stable {compared} : l'écart, {signed_change(change, unit)}, reste dans la marge "
                "d'erreur.")
    if significant is False or text == "stable":
        return f"{subject} est stable {compared}."
    if significant:
        return f"{subject} est {text} {compared}, un écart supérieur à la marge d'erreur."
    return f"{subject} est {text} {compared}."
