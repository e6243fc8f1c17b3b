"""Response delays in working days, status of each item, distributions and censoring.

Definitions (``INDICATORS.md``): the delay of an answer is the number of
working days in (receipt, answer]; an item is answered in time when its delay
is at most its channel's deadline; an unanswered item whose deadline
(receipt + N working days) falls on or before the extraction date is overdue;
otherwise it is *pending* and leaves the rate's denominator. Unanswered items
are right-censored at the extraction date for the Kaplan–Meier estimates:
never dropped, never given a fake answer date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.calendar import add_working_days, site_calendars, working_days_between
from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.params import Params

__all__ = [
    "STATUSES",
    "STATUS_LABELS",
    "extraction_date",
    "item_delays",
    "correspondence_delays",
    "delay_quantiles",
    "delay_ecdf",
    "delay_histogram",
    "KaplanMeier",
    "kaplan_meier",
    "time_to_answer",
]

#: Status of an item at the extraction date.
STATUSES = ("dans_les_delais", "en_retard", "sans_reponse_hors_delai", "en_attente")
STATUS_LABELS = {
    "dans_les_delais": "Réponse dans les délais",
    "en_retard": "Réponse hors délai",
    "sans_reponse_hors_delai": "Sans réponse, délai dépassé",
    "en_attente": "Sans réponse, encore dans le délai",
}


def extraction_date(frame: pd.DataFrame | None, *, columns: tuple[str, ...],
                    declared: dt.date | None = None) -> pd.Timestamp:
    """The date a register was extracted: the one declared in the settings, else its latest date.

    Parameters
    ----------
    frame : DataFrame or None
        The register (e.g. validated ``correspondances``).
    columns : tuple of str
        Its date columns (``date_reception``, ``date_reponse``).
    declared : date, optional
        ``date_extraction`` of ``default.yaml``; wins when given.

    Returns
    -------
    Timestamp
        Midnight of the extraction day; ``NaT`` when nothing is declared and the register holds no date.
    """
    if declared is not None:
        return pd.Timestamp(declared)
    if frame is None:
        return pd.NaT
    dates = [frame[c].max() for c in columns if c in frame.columns]
    dates = [d for d in dates if pd.notna(d)]
    return pd.Timestamp(max(dates)).normalize() if dates else pd.NaT


def item_delays(frame: pd.DataFrame, *, start: str, end: str, deadline_days: pd.Series | np.ndarray | int,
                calendars: pd.Series | str, extraction: pd.Timestamp) -> pd.DataFrame:
    """Delay, deadline and status of each item (vectorised, one pass per calendar).

    Parameters
    ----------
    frame : DataFrame
        Items with a start date (receipt, request) and an end date (answer, publication; NaT = none).
    start, end : str
        Column names of the two dates.
    deadline_days : Series, array or int
        Deadline of each item in working days.
    calendars : Series or str
        Site calendar of each item (``metropole`` / ``alsace_moselle``).
    extraction : Timestamp
        Extraction date of the register.

    Returns
    -------
    DataFrame
        Same index as ``frame``, columns ``delai`` (working days, NaN when unanswered),
        ``delai_max``, ``date_echeance``, ``duree_observee`` (working days to the answer,
        or to the extraction date when unanswered), ``repondu`` (bool), ``statut``.
    """
    index = frame.index
    deadline = pd.Series(np.broadcast_to(np.asarray(deadline_days), len(index)) if np.ndim(deadline_days) == 0
                         else np.asarray(deadline_days), index=index).astype("int64")
    calendar = pd.Series(calendars, index=index) if isinstance(calendars, str) else pd.Series(
        np.asarray(calendars), index=index)
    observed = np.full(len(index), np.nan)
    due = np.full(len(index), np.datetime64("NaT"), dtype="datetime64[D]")
    extraction_days = (np.datetime64("NaT", "D") if pd.isna(extraction)
                       else np.datetime64(pd.Timestamp(extraction).date(), "D"))
    starts = frame[start].to_numpy(dtype="datetime64[D]")
    ends = frame[end].to_numpy(dtype="datetime64[D]")
    answered = ~np.isnat(ends)
    stops = np.where(answered, ends, extraction_days)  # unanswered items are censored at the extraction date
    calendar_codes, calendar_names = pd.factorize(calendar)
    for code, name in enumerate(calendar_names):
        rows = slice(None) if len(calendar_names) == 1 else np.flatnonzero(calendar_codes == code)
        observed[rows] = working_days_between(starts[rows], stops[rows], calendar=name)
        due[rows] = add_working_days(starts[rows], deadline.to_numpy()[rows], calendar=name)
    delay = np.where(answered, observed, np.nan)
    # Status codes index STATUSES: 0 in time, 1 late, 2 overdue without answer, 3 pending.
    codes = np.where(answered, np.where(delay <= deadline.to_numpy(), 0, 1),
                     np.where(due <= extraction_days, 2, 3)).astype(np.int8)
    return pd.DataFrame({
        "delai": delay,
        "delai_max": deadline.to_numpy(),
        "date_echeance": due.astype("datetime64[ns]"),
        "duree_observee": np.clip(observed, 0, None),
        "repondu": answered,
        "statut": pd.Categorical.from_codes(codes, categories=list(STATUSES)),
    }, index=index)


def correspondence_delays(correspondances: pd.DataFrame, params: Params, *, extraction: pd.Timestamp) -> pd.DataFrame:
    """``correspondances`` with each item's delay, deadline and status, year and month of receipt.

    Parameters
    ----------
    correspondances : DataFrame
        Validated register; requires ``site``, ``canal``, ``date_reception``, ``date_reponse``.
    params : Params
        Deadlines per channel (``delais_jours_ouvres``) and each site's calendar.
    extraction : Timestamp
        Extraction date of the register (:func:`extraction_date`).

    Returns
    -------
    DataFrame
        The register with the columns of :func:`item_delays` and ``annee``, ``mois`` (of receipt).

    Raises
    ------
    ParamsError
        A channel of the register has no deadline in the parameters.
    """
    deadlines = params.deadlines
    missing = sorted(set(correspondances["canal"].dropna().unique()) - set(deadlines))
    if missing:
        raise ParamsError(f"{params.directory / 'default.yaml'}: aucun délai pour le(s) canal(aux) "
                          f"{', '.join(missing)} ; ajoutez-les sous delais_jours_ouvres.")
    calendars = correspondances["site"].map(site_calendars(params.sites))
    status = item_delays(correspondances, start="date_reception", end="date_reponse",
                         deadline_days=correspondances["canal"].map(deadlines), calendars=calendars,
                         extraction=extraction)
    out = pd.concat([correspondances, status], axis=1)
    out["annee"] = out["date_reception"].dt.year
    out["mois"] = out["date_reception"].dt.to_period("M")
    return out


def delay_quantiles(items: pd.DataFrame, by: list[str] | str | None = None,
                    quantiles: tuple[float, ...] = (0.25, 0.5, 0.75, 0.9)) -> pd.DataFrame:
    """Count, mean and quantiles of the delay of answered items, per group."""
    answered = items[items["delai"].notna()]
    by = [by] if isinstance(by, str) else (by or [])
    grouped = answered.groupby(by, observed=True)["delai"] if by else answered["delai"]
    stats = grouped.describe(percentiles=list(quantiles)) if by else grouped.describe(percentiles=list(quantiles)).to_frame().T
    stats = stats.rename(columns={"count": "n", "mean": "moyenne", "min": "min", "max": "max"})
    return stats.drop(columns=["std"], errors="ignore")


def delay_ecdf(items: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Empirical distribution of the delay of answered items: share answered within d days, per group."""
    answered = items[items["delai"].notna()]
    groups = answered.groupby(by, observed=True) if by else [(None, answered)]
    parts = []
    for key, group in groups:
        counts = group["delai"].value_counts().sort_index()
        part = pd.DataFrame({"delai": counts.index.astype(int), "part": counts.cumsum().to_numpy() / len(group)})
        if by:
            part.insert(0, by, key)
        parts.append(part)
    return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=[*([by] if by else []), "delai", "part"])


def delay_histogram(items: pd.DataFrame, by: list[str] | str | None = None, *, cap: int = 30) -> pd.DataFrame:
    """Answered items per delay (delays above ``cap`` are grouped in ``cap``), per group."""
    answered = items[items["delai"].notna()].assign(delai_borne=lambda d: d["delai"].clip(upper=cap).astype(int))
    by = [by] if isinstance(by, str) else (by or [])
    return answered.groupby([*by, "delai_borne"], observed=True).size().rename("nombre").reset_index()


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan–Meier estimate of the share of items *not yet answered* after t working days.

    Attributes
    ----------
    table : DataFrame
        Columns ``t``, ``a_risque``, ``reponses``, ``censures``, ``survie`` (S(t) after the answers at t).
    n : int
        Items.
    """

    table: pd.DataFrame
    n: int

    def survival_at(self, t: float) -> float:
        """S(t): share still unanswered after t working days (1 before the first answer)."""
        before = self.table[self.table["t"] <= t]
        return 1.0 if before.empty else float(before["survie"].iloc[-1])

    def answered_within(self, days: float) -> float:
        """Estimated share answered within ``days`` working days, 1 − S(days)."""
        return 1.0 - self.survival_at(days)

    @property
    def median(self) -> float:
        """Median time to answer: the first t with S(t) ≤ 0,5 (``inf`` if never reached)."""
        reached = self.table[self.table["survie"] <= 0.5]
        return float(reached["t"].iloc[0]) if not reached.empty else float("inf")


def kaplan_meier(durations: pd.Series | np.ndarray, answered: pd.Series | np.ndarray) -> KaplanMeier:
    """Kaplan–Meier estimator for right-censored durations (unanswered items are censored).

    At each distinct time t: S(t) = S(t⁻) × (1 − d_t / n_t), with n_t the
    items whose duration is ≥ t (censored items at t are still at risk) and
    d_t the answers at t. Validated against ``lifelines`` in the tests.
    """
    durations = np.asarray(durations, dtype=float)
    events = np.asarray(answered, dtype=bool)
    keep = ~np.isnan(durations)
    durations, events = durations[keep], events[keep]
    times, inverse = np.unique(durations, return_inverse=True)
    answers = np.bincount(inverse, weights=events.astype(float), minlength=len(times))
    totals = np.bincount(inverse, minlength=len(times)).astype(float)
    at_risk = totals[::-1].cumsum()[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        factor = np.where(at_risk > 0, 1 - answers / at_risk, 1.0)
    table = pd.DataFrame({"t": times, "a_risque": at_risk.astype(int), "reponses": answers.astype(int),
                          "censures": (totals - answers).astype(int), "survie": np.cumprod(factor)})
    return KaplanMeier(table=table, n=int(len(durations)))


def time_to_answer(items: pd.DataFrame, by: list[str] | str | None = None, *, within: int | None = None) -> pd.DataFrame:
    """Censoring-aware summary per group.

    Columns: ``n``, ``sans_reponse`` (share never answered at extraction, %),
    ``delai_moyen_repondus`` (mean over answered items), ``mediane_km`` (Kaplan–Meier
    median time to answer), ``part_dans_delai_km`` (% answered within each item's
    deadline, or within ``within`` days when given, by Kaplan–Meier).
    """
    by = [by] if isinstance(by, str) else (by or [])
    groups = items.groupby(by, observed=True) if by else [((), items)]
    rows = []
    for key, group in groups:
        km = kaplan_meier(group["duree_observee"], group["repondu"])
        days = within if within is not None else (int(group["delai_max"].mode().iloc[0]) if len(group) else 0)
        row = dict(zip(by, key if isinstance(key, tuple) else (key,)))
        row.update({
            "n": len(group),
            "sans_reponse": 100 * (~group["repondu"]).mean() if len(group) else np.nan,
            "delai_moyen_repondus": group["delai"].mean(),
            "mediane_km": km.median,
            "delai_reference": days,
            "part_dans_delai_km": 100 * km.answered_within(days),
        })
        rows.append(row)
    columns = [*by, "n", "sans_reponse", "delai_moyen_repondus", "mediane_km", "delai_reference", "part_dans_delai_km"]
    return pd.DataFrame(rows, columns=columns)
