"""What the indicator sections record in ``results.json``, as the disclosure policy allows."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.analysis.comparison import is_significant, normal_difference
from qualepref_analysis.analysis.delays import STATUSES, kaplan_meier
from qualepref_analysis.analysis.indicators import result_key
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["indicator_records", "unanswered_figures", "plan_record", "change_record", "estimate_change_record",
           "funnel_record"]

#: The ``methode`` of a count's change: every item of the year is counted, no sample, no interval.
COUNTED = "denombrement"


def change_record(row) -> dict | None:
    """The ``evolution`` of one catalogue row as ``results.json`` records it, or ``None``.

    Parameters
    ----------
    row : namedtuple or Series
        A row of the catalogue annotated by the disclosure policy: ``unite``, ``evolution``,
        ``evolution_ic_bas``, ``evolution_ic_haut``, ``evolution_significative``, ``evolution_methode``,
        ``petit_effectif``, ``petit_effectif_annee_precedente``.

    Returns
    -------
    dict or None
        ``{"ecart", "ic_bas", "ic_haut", "significatif", "methode"}`` in the indicator's unit (points for
        rates and shares, working days for delays); for a count (``nombre``, ``visites_mois``) the
        difference only, ``methode`` ``"denombrement"`` and no interval. ``None`` when either year is
        missing or below the disclosure threshold.
    """
    small = bool(row.petit_effectif) or (pd.notna(row.petit_effectif_annee_precedente)
                                         and bool(row.petit_effectif_annee_precedente))
    if small or pd.isna(row.evolution):
        return None
    if row.unite in ("nombre", "visites_mois"):
        return {"ecart": float(row.evolution), "ic_bas": None, "ic_haut": None, "significatif": None,
                "methode": COUNTED}
    if not row.evolution_methode or pd.isna(row.evolution_ic_bas):
        return None  # e.g. a mean over one answer: no interval, so no judged change
    return {"ecart": float(row.evolution), "ic_bas": float(row.evolution_ic_bas),
            "ic_haut": float(row.evolution_ic_haut), "significatif": bool(row.evolution_significative),
            "methode": row.evolution_methode}


def funnel_record(row) -> dict | None:
    """The ``entonnoir`` of one catalogue row: its funnel limits around the target and its position.

    Parameters
    ----------
    row : namedtuple or Series
        A catalogue row annotated by the disclosure policy, with the funnel columns of
        :func:`~qualepref_analysis.analysis.indicators.funnel_columns` and ``petit_effectif``.

    Returns
    -------
    dict or None
        ``{"limite_95_bas", "limite_95_haut", "limite_998_bas", "limite_998_haut", "position"}``
        (percentages 0–100; ``position`` against the 95 % limits), or ``None`` for an indicator
        without funnel (no target, not a rate on counts) or a denominator below the disclosure
        threshold.
    """
    if bool(row.petit_effectif) or pd.isna(row.entonnoir_95_bas):
        return None
    return {"limite_95_bas": float(row.entonnoir_95_bas), "limite_95_haut": float(row.entonnoir_95_haut),
            "limite_998_bas": float(row.entonnoir_998_bas), "limite_998_haut": float(row.entonnoir_998_haut),
            "position": row.entonnoir_position}


def estimate_change_record(estimate: float, se: float, before: float, before_se: float) -> dict | None:
    """The ``evolution`` of a survey estimate between two independent campaigns (shares 0-100).

    Parameters
    ----------
    estimate, se : float
        This campaign's weighted share and its linearised standard error, in %.
    before, before_se : float
        The previous campaign's.

    Returns
    -------
    dict or None
        ``{"ecart", "ic_bas", "ic_haut", "significatif", "methode"}`` in points (SE √(se₁² + se₂²),
        normal quantile 1,959964), or ``None`` when either campaign's figure is missing (withheld).

    Examples
    --------
    >>> record = estimate_change_record(92.0, 3.0, 90.0, 4.0)
    >>> round(record["ic_bas"], 3), round(record["ic_haut"], 3), record["significatif"]
    (-7.8, 11.8, False)
    """
    values = (estimate, se, before, before_se)
    if any(v is None or pd.isna(v) for v in values):
        return None
    gap, low, high = (float(v) for v in normal_difference(*values))
    return {"ecart": gap, "ic_bas": low, "ic_haut": high, "significatif": bool(is_significant(low, high)),
            "methode": "enquetes_independantes"}


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
        "n_annee_precedente", "valeur_annee_precedente", "evaluation", "tendance", "evolution", "entonnoir"}}``, the key being
        :func:`~qualepref_analysis.analysis.indicators.result_key` of the code and detail; missing
        values are ``None``; ``tendance`` maps every year of the catalogue up to ``year`` (as text) to
        that year's value (``None`` on a small cell); ``evolution`` is :func:`change_record`,
        ``entonnoir`` :func:`funnel_record`;
        ``satisfaction_globale`` records also have ``pondere`` (bool).

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
            "evolution": change_record(row),
            "entonnoir": funnel_record(row),
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
