"""Action plans: the plan of the year under review, the next one, overdue actions."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.report.labels import label
from qualepref_analysis.report.formatting import format_date, format_number, format_percent, plural
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["plan_table", "plan_summary", "overdue_actions", "plans_narrative"]


def plan_table(plans: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """The actions of one site's plan for ``year``, with French status and due date (no pilot names).

    Parameters
    ----------
    plans : DataFrame
        Action plans; requires ``site``, ``annee`` (year of the plan), ``action``, ``statut``
        (``realisee``, ``en_cours``, ``prevue``, ``abandonnee``) and ``echeance`` (due date, may be empty).
    site : str
        Site code.
    year : int
        Year of the plan.

    Returns
    -------
    DataFrame
        Columns ``Action``, ``Statut`` (French label), ``Échéance`` (« 30/06/2023 », « – » when none), in
        the order of ``plans``.
    """
    mine = plans[(plans["site"] == site) & (plans["annee"] == year)]
    return pd.DataFrame({
        "Action": mine["action"].to_numpy(),
        "Statut": [label("statut", s) for s in mine["statut"]],
        "Échéance": [format_date(d, "short") if pd.notna(d) else "–" for d in mine["echeance"]],
    })


def plan_summary(plans: pd.DataFrame, *, site: str, year: int) -> dict:
    """Counts by status and completion rate (done / actions not dropped).

    Parameters
    ----------
    plans, site, year
        As in :func:`plan_table`.

    Returns
    -------
    dict
        Keys ``annee`` (the plan's year), ``n`` (actions), ``statuts`` (status → count, for the four
        statuses) and ``taux_realisation`` (% done among the actions not dropped; ``None`` when none is
        kept).

    Notes
    -----
    The rate is computed whatever its base; :func:`plans_narrative` asks the ``Disclosure`` policy
    before writing it.

    Examples
    --------
    >>> plans = pd.DataFrame({"site": ["75"] * 3, "annee": [2023] * 3, "action": ["a", "b", "c"],
    ...                       "statut": ["realisee", "en_cours", "abandonnee"], "echeance": pd.NaT})
    >>> summary = plan_summary(plans, site="75", year=2023)
    >>> summary["statuts"], float(summary["taux_realisation"])
    ({'realisee': 1, 'en_cours': 1, 'prevue': 0, 'abandonnee': 1}, 50.0)
    """
    mine = plans[(plans["site"] == site) & (plans["annee"] == year)]
    counts = mine["statut"].value_counts().reindex(["realisee", "en_cours", "prevue", "abandonnee"], fill_value=0)
    kept = int(len(mine) - counts["abandonnee"])
    return {"annee": int(year), "n": int(len(mine)), "statuts": {k: int(v) for k, v in counts.items()},
            "taux_realisation": (100 * counts["realisee"] / kept) if kept else None}


def overdue_actions(plans: pd.DataFrame, *, site: str, reference: pd.Timestamp) -> pd.DataFrame:
    """Actions of the site not done nor dropped whose due date is before ``reference``.

    Parameters
    ----------
    plans, site
        As in :func:`plan_table`.
    reference : Timestamp
        The date to compare due dates with (typically the extraction date).

    Returns
    -------
    DataFrame
        Columns ``Plan`` (year), ``Action``, ``Statut`` (French label), ``Échéance``; every plan year.
    """
    mine = plans[(plans["site"] == site) & plans["statut"].isin(["en_cours", "prevue"])
                 & plans["echeance"].notna() & (plans["echeance"] < reference)]
    return pd.DataFrame({"Plan": mine["annee"].astype(int).to_numpy(), "Action": mine["action"].to_numpy(),
                         "Statut": [label("statut", s) for s in mine["statut"]],
                         "Échéance": [format_date(d, "short") for d in mine["echeance"]]})


def plans_narrative(current: dict, following: dict, overdue: int, *, year: int, disclosure: Disclosure) -> str:
    """French sentences on the plan of the year and the next one.

    The completion rate is given as a percentage only on as many actions as the disclosure policy allows.

    Parameters
    ----------
    current : dict
        :func:`plan_summary` of ``year``.
    following : dict
        :func:`plan_summary` of ``year + 1``.
    overdue : int
        Number of overdue actions (rows of :func:`overdue_actions`).
    year : int
        Year under review.
    disclosure : Disclosure
        Decides whether the completion rate (a ``share`` on the actions kept) is written as a
        percentage; otherwise « x réalisée(s) sur les n maintenues ».

    Returns
    -------
    str
        French sentences on the plan of ``year``, the plan of ``year + 1`` and the overdue actions.
    """
    if current["n"] == 0:
        text = f"Aucun plan d'actions n'est enregistré pour {year}."
    else:
        done = current["statuts"]["realisee"]
        text = (f"Le plan d'actions {year} comptait {format_number(current['n'])} action{'s' if current['n'] >= 2 else ''} : "
                f"{format_number(done)} réalisée{'s' if done >= 2 else ''}, "
                f"{format_number(current['statuts']['en_cours'])} en cours, "
                f"{plural(current['statuts']['prevue'], 'prévue')} et "
                f"{plural(current['statuts']['abandonnee'], 'abandonnée')}")
        rate = current["taux_realisation"]
        kept = current["n"] - current["statuts"]["abandonnee"]
        if rate is not None and disclosure.shows("share", kept):
            text += f", soit un taux de réalisation de {format_percent(rate, 0)}."
        elif kept:
            kept_text = f"les {format_number(kept)} maintenues" if kept >= 2 else "la seule action maintenue"
            text += f", soit {format_number(done)} réalisée{'s' if done >= 2 else ''} sur {kept_text}."
        else:
            text += "."
    if following["n"]:
        text += (f" Le plan {year + 1} prévoit {format_number(following['n'])} action"
                 f"{'s' if following['n'] >= 2 else ''}, dont "
                 f"{plural(following['statuts']['en_cours'], 'déjà engagée', 'déjà engagées')}.")
    if overdue:
        text += (f" {format_number(overdue)} action a dépassé son échéance sans être réalisée." if overdue < 2 else
                 f" {format_number(overdue)} actions ont dépassé leur échéance sans être réalisées.")
    return text
