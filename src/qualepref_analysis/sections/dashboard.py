"""The bilan's first page, « Tableau de bord »: per site, every indicator with its value, target,
status (a symbol and a word, never a colour alone), change over a year and trend over the years
in the registers — from the figures section 01 recorded, so that they equal the sections'.
"""

from __future__ import annotations

import math

import pandas as pd

from qualepref_analysis.analysis.indicators import BY_CODE
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.html import Table
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_target, format_value, judged_change, significance_of
from qualepref_analysis.sections.synthesis import indicator_rows

__all__ = ["sparkline", "dashboard_tables"]


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[float | None]) -> str:
    """A trend in bar characters, one per year (``·`` where the value is withheld or missing).

    Examples
    --------
    >>> sparkline([70.0, 72.0, None, 80.0])
    '▁▂·█'
    >>> sparkline([5.0, 5.0]), sparkline([None]), sparkline([])
    ('▄▄', '·', '')
    """
    known = [v for v in values if v is not None and not math.isnan(v)]
    if not known:
        return "·" * len(values)
    low, high = min(known), max(known)
    out = []
    for value in values:
        if value is None or math.isnan(value):
            out.append("·")
        elif high == low:
            out.append(_BARS[3])
        else:
            out.append(_BARS[round((value - low) / (high - low) * (len(_BARS) - 1))])
    return "".join(out)


def _value(row: pd.Series) -> str:
    if row["valeur"] is None or pd.isna(row["valeur"]):
        denominator = row.get("denominateur")
        if row["unite"] == "pourcent" and denominator is not None and not pd.isna(denominator):
            return f"{row['numerateur']:.0f} sur {denominator:.0f}"
        return "–"
    return format_value(row["valeur"], row["unite"])


def _change(row: pd.Series, disclosure: Disclosure) -> str:
    """The change over a year in the indicator's unit; a change in % only on a base the policy allows."""
    value, before = row["valeur"], row.get("valeur_annee_precedente")
    if value is None or before is None or pd.isna(value) or pd.isna(before):
        return "–"
    relative = None
    if row["unite"] in ("nombre", "visites_mois") and before and disclosure.shows("change", before):
        relative = (value - before) / before * 100
    return judged_change(value - before, relative, row["unite"], significance_of(row.get("evolution"))) or "–"


def _status(row: pd.Series) -> str:
    """« ✔ Cible atteinte », « ✘ Cible non atteinte », with whether a shortfall is beyond chance."""
    evaluation = row.get("evaluation")
    if not isinstance(evaluation, str) or not evaluation:
        return "–"
    text = label("evaluation", evaluation)
    funnel = row.get("entonnoir")
    if evaluation == "non_atteint" and isinstance(funnel, dict):
        text += (" (au-delà du hasard)" if funnel.get("position") == "en dessous"
                 else " (écart compatible avec la cible pour cet effectif)")
    return text


def dashboard_tables(results: dict, *, sites: dict[str, str], year: int, disclosure: Disclosure,
                     settings: ReviewSettings) -> list[tuple[str, Table]]:
    """One table per site: the indicators of section 01 as recorded in ``results.json``.

    Parameters
    ----------
    results : dict
        The content of ``results.json`` (records of
        :func:`~qualepref_analysis.sections.records.indicator_records`, with ``tendance``).
    sites : dict of str to str
        Site code → label, in the bilan's order.
    year : int
        Year under review.
    disclosure : Disclosure
        A change in % on a count is given only on a base the policy allows (otherwise in units).
    settings : ReviewSettings
        The review's settings (the indicators' labels name its deadlines).

    Returns
    -------
    list of (str, Table)
        The site's label and its table: ``Indicateur``, ``{year}``, ``Cible``, ``Statut``,
        ``Évolution sur un an``, ``Tendance`` (one bar per year, oldest first). Sites without
        recorded indicators are left out.
    """
    rows = indicator_rows(results, sites=sites, settings=settings)
    out = []
    for site, site_label in sites.items():
        mine = rows[rows["site"] == site] if not rows.empty else rows
        if mine.empty:
            continue
        order = {code: i for i, code in enumerate(BY_CODE)}
        mine = mine.assign(_order=mine["code"].map(order)).sort_values(["_order", "detail"])
        years = sorted({y for trend in mine.get("tendance", pd.Series(dtype=object)) if isinstance(trend, dict)
                        for y in trend})
        frame = pd.DataFrame({
            "Indicateur": [name + (f" – {label('pan', d)}" if d else "")
                           for name, d in zip(mine["libelle"], mine["detail"])],
            str(year): [_value(row) for _, row in mine.iterrows()],
            "Cible": [("≥ " if BY_CODE[c].direction == "hausse" else "≤ ") + format_target(t, u)
                      if t is not None and not pd.isna(t) else "–"
                      for c, t, u in zip(mine["code"], mine["cible"], mine["unite"])],
            "Statut": [_status(row) for _, row in mine.iterrows()],
            "Évolution sur un an": [_change(row, disclosure) for _, row in mine.iterrows()],
            "Tendance": [sparkline([(trend or {}).get(y) for y in years]) if isinstance(trend, dict) else ""
                         for trend in mine.get("tendance", [None] * len(mine))],
        })
        span = f"{years[0]}-{years[-1]}" if len(years) > 1 else (years[0] if years else str(year))
        out.append((site_label, Table(frame, f"Indicateurs {year} – {site_label} (tendance {span}, une barre par "
                                             "année, « · » : valeur non publiée)")))
    return out
