"""Action plans: the plan of the year under review, the next one, overdue actions."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.report.labels import label
from qualepref_analysis.report.formatting import format_date, format_number, format_percent
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["plan_table", "plan_summary", "overdue_actions", "plans_narrative"]


def plan_table(plans: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """The actions of one site's plan for ``year``, with French status and due date (no pilot names)."""
    mine = plans[(plans["site"] == site) & (plans["annee"] == year)]
    return pd.DataFrame({
        "Action": mine["action"].to_numpy(),
        "Statut": [label("statut", s) for s in mine["statut"]],
        "Échéance": [format_date(d, "short") if pd.notna(d) else "–" for d in mine["echeance"]],
    })


def plan_summary(plans: pd.DataFrame, *, site: str, year: int) -> dict:
    """Counts by status and completion rate (done / actions not dropped)."""
    mine = plans[(plans["site"] == site) & (plans["annee"] == year)]
    counts = mine["statut"].value_counts().reindex(["realisee", "en_cours", "prevue", "abandonnee"], fill_value=0)
    kept = int(len(mine) - counts["abandonnee"])
    return {"n": int(len(mine)), "statuts": {k: int(v) for k, v in counts.items()},
            "taux_realisation": (100 * counts["realisee"] / kept) if kept else None}


def overdue_actions(plans: pd.DataFrame, *, site: str, reference: pd.Timestamp) -> pd.DataFrame:
    """Actions of the site not done nor dropped whose due date is before ``reference``."""
    mine = plans[(plans["site"] == site) & plans["statut"].isin(["en_cours", "prevue"])
                 & plans["echeance"].notna() & (plans["echeance"] < reference)]
    return pd.DataFrame({"Plan": mine["annee"].astype(int).to_numpy(), "Action": mine["action"].to_numpy(),
                         "Statut": [label("statut", s) for s in mine["statut"]],
                         "Échéance": [format_date(d, "short") for d in mine["echeance"]]})


def plans_narrative(current: dict, following: dict, overdue: int, *, year: int, disclosure: Disclosure) -> str:
    """French sentences on the plan of the year and the next one.

    The completion rate is given as a percentage only on as many actions as the disclosure policy allows.
    """
    if current["n"] == 0:
        text = f"Aucun plan d'actions n'est enregistré pour {year}."
    else:
        done = current["statuts"]["realisee"]
        text = (f"Le plan d'actions {year} comptait {format_number(current['n'])} action{'s' if current['n'] >= 2 else ''} : "
                f"{format_number(done)} réalisée{'s' if done >= 2 else ''}, "
                f"{format_number(current['statuts']['en_cours'])} en cours, "
                f"{format_number(current['statuts']['prevue'])} prévue(s) et "
                f"{format_number(current['statuts']['abandonnee'])} abandonnée(s)")
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
                 f"{'s' if following['n'] >= 2 else ''}, dont {format_number(following['statuts']['en_cours'])} déjà "
                 "engagée(s).")
    if overdue:
        text += f" {format_number(overdue)} action(s) ont dépassé leur échéance sans être réalisées."
    return text
