"""What the indicator sections record in ``results.json``, as the disclosure policy allows."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.analysis.delays import STATUSES, kaplan_meier
from qualepref_analysis.analysis.indicators import result_key
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["indicator_records", "unanswered_figures", "plan_record"]


def indicator_records(indicators: pd.DataFrame, *, site: str, year: int,
                      codes: list[str] | None = None) -> dict[str, dict]:
    """The ``results.json`` records of one site and year.

    Parameters
    ----------
    indicators : DataFrame
        The catalogue as the disclosure policy annotated it
        (:meth:`~qualepref_analysis.report.disclosure.Disclosure.indicators`); requires ``site``,
        ``annee``, ``code``, ``detail``, ``valeur``, ``unite``, ``cible``, ``atteint``, ``evaluation``,
        ``numerateur``, ``denominateur``, ``en_attente``, ``n_annee_precedente``,
        ``valeur_annee_precedente``, ``petit_effectif``, ``petit_effectif_annee_precedente``.
    site : str
        Site code.
    year : int
        Year under review.
    codes : list of str, optional
        Only these indicator codes (default: all).

    Returns
    -------
    dict of str to dict
        ``{key: {"valeur", "unite", "cible", "atteint", "numerateur", "denominateur", "en_attente",
        "n_annee_precedente", "valeur_annee_precedente", "evaluation", "tendance"}}``, the key being
        :func:`~qualepref_analysis.analysis.indicators.result_key` of the code and detail; missing
        values are ``None``; ``tendance`` maps every year of the catalogue up to ``year`` (as text) to
        that year's value (``None`` on a small cell); ``satisfaction_globale`` records also have
        ``pondere`` (bool).

    Notes
    -----
    A value on a small cell is recorded as ``null`` (its counts are kept) so that no percentage on too
    few items is published; likewise last year's value when its base was small.
    """
    mine = indicators[(indicators["site"] == site) & (indicators["annee"] == year)]
    if codes is not None:
        mine = mine[mine["code"].isin(codes)]
    history = indicators[(indicators["site"] == site) & (indicators["annee"] <= year)].sort_values("annee")
    trends: dict[tuple[str, str], dict[str, float | None]] = {}
    for row in history.itertuples(index=False):
        shown = not bool(row.petit_effectif) and pd.notna(row.valeur)
        trends.setdefault((row.code, row.detail), {})[str(int(row.annee))] = float(row.valeur) if shown else None
    records: dict[str, dict] = {}
    for row in mine.itertuples(index=False):
        small = bool(row.petit_effectif)
        small_before = bool(row.petit_effectif_annee_precedente) if pd.notna(row.petit_effectif_annee_precedente) else False
        records[result_key(row.code, row.detail)] = {
            "valeur": None if small or pd.isna(row.valeur) else float(row.valeur),
            "unite": row.unite,
            "cible": None if pd.isna(row.cible) else float(row.cible),
            "atteint": None if pd.isna(row.atteint) else bool(row.atteint),
            "evaluation": row.evaluation,
            "numerateur": None if pd.isna(row.numerateur) else float(row.numerateur),
            "denominateur": None if pd.isna(row.denominateur) else float(row.denominateur),
            "en_attente": None if pd.isna(row.en_attente) else int(row.en_attente),
            "n_annee_precedente": None if pd.isna(row.n_annee_precedente) else float(row.n_annee_precedente),
            "valeur_annee_precedente": (None if small_before or pd.isna(row.valeur_annee_precedente)
                                        else float(row.valeur_annee_precedente)),
            "tendance": trends.get((row.code, row.detail), {}),
        }
        if row.code == "satisfaction_globale":
            records[result_key(row.code, row.detail)]["pondere"] = row.detail != "non_pondere"
    return records


def unanswered_figures(items: pd.DataFrame, *, disclosure: Disclosure) -> dict:
    """Unanswered items recorded in ``results.json``: counts by status, and Kaplan–Meier estimates.

    Parameters
    ----------
    items : DataFrame
        Complaints with their delays (:func:`~qualepref_analysis.analysis.delays.correspondence_delays`):
        ``statut``, ``duree_observee``, ``repondu``, ``delai_max``.
    disclosure : Disclosure
        Shares and the median are ``None`` on too few items.

    Returns
    -------
    dict
        ``n``, ``statuts`` (count per status of ``STATUSES``), ``part_sans_reponse`` (%),
        ``mediane_km`` (working days; ``None`` when not reached), ``delai_reference`` (the most frequent
        ``delai_max``; ``None`` without items), ``part_dans_delai_km`` (% answered within it).

    Notes
    -----
    Unanswered items are right-censored at the extraction date in the Kaplan–Meier estimates, not
    dropped. Shares and the median are ``None`` when the ``Disclosure`` policy withholds a
    ``statistic`` on that many items.
    """
    counts = items["statut"].value_counts().reindex(list(STATUSES), fill_value=0)
    km = kaplan_meier(items["duree_observee"], items["repondu"])
    deadline = int(items["delai_max"].mode().iloc[0]) if len(items) else None
    enough = disclosure.shows("statistic", len(items))
    median = km.median
    return {
        "n": int(len(items)),
        "statuts": {k: int(v) for k, v in counts.items()},
        "part_sans_reponse": (100 * float((~items["repondu"]).mean())) if enough else None,
        "mediane_km": None if median == float("inf") or not enough else median,
        "delai_reference": deadline,
        "part_dans_delai_km": (100 * km.answered_within(deadline)) if enough and deadline is not None else None,
    }


def plan_record(summary: dict, *, disclosure: Disclosure) -> dict:
    """An action plan's summary as ``results.json`` records it.

    Parameters
    ----------
    summary : dict
        :func:`~qualepref_analysis.sections.action_plans.plan_summary`.
    disclosure : Disclosure
        The completion rate is ``None`` on fewer actions kept than the policy allows for a share.

    Returns
    -------
    dict
        The same keys (``n``, ``statuts``, ``taux_realisation``).
    """
    kept = summary["n"] - summary["statuts"]["abandonnee"]
    shown = disclosure.shows("share", kept)
    return {**summary, "taux_realisation": summary["taux_realisation"] if shown else None}
