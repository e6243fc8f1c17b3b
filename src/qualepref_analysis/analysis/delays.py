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

from qualepref_analysis.analysis.calendar import add_working_days, working_days_between
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
    calendars = correspondances["site"].map(params.calendars)
    status = item_delays(correspondances, start="date_reception", end="date_reponse",
                         deadline_days=correspondances["canal"].map(deadlines), calendars=calendars,
                         extraction=extraction)
    out = pd.concat([correspondances, status], axis=1)
    out["annee"] = out["date_reception"].dt.year
    out["mois"] = out["date_reception"].dt.to_period("M")
    return out


def delay_quantiles(items: pd.DataFrame, by: list[str] | str | None = None,
                    quantiles: tuple[float, ...] = (0.25, 0.5, 0.75, 0.9)) -> pd.DataFrame:
    """Count, mean and quantiles of the delay of answered items, per group.

    Parameters
    ----------
    items : DataFrame
        Output of :func:`item_delays` (or :func:`correspondence_delays`); requires ``delai`` and the
        columns named in ``by``.
    by : str or list of str, optional
        Grouping columns; ``None`` summarises all items in one row.
    quantiles : tuple of float, default (0.25, 0.5, 0.75, 0.9)
        Quantiles to compute, each in [0, 1].

    Returns
    -------
    DataFrame
        One row per group (indexed by ``by``; a single row labelled ``delai`` when ``by`` is None),
        columns ``n``, ``moyenne``, ``min``, one per quantile labelled by ``describe`` (``25%``,
        ``50%``, …) and ``max``, in working days.

    Notes
    -----
    Only answered items enter: unanswered items are right-censored and their delay is unknown, so
    these figures describe answered items only and understate the time to answer when many are
    pending. Use :func:`time_to_answer` for a censoring-aware summary. Small groups give unstable
    quantiles; pass them through the ``Disclosure`` policy before showing them.

    Examples
    --------
    >>> items = pd.DataFrame({"delai": [2.0, 5.0, np.nan, 9.0]})
    >>> delay_quantiles(items, quantiles=(0.5,))[["n", "moyenne", "50%"]]
             n   moyenne  50%
    delai  3.0  5.333333  5.0
    """
    answered = items[items["delai"].notna()]
    by = [by] if isinstance(by, str) else (by or [])
    grouped = answered.groupby(by, observed=True)["delai"] if by else answered["delai"]
    stats = grouped.describe(percentiles=list(quantiles)) if by else grouped.describe(percentiles=list(quantiles)).to_frame().T
    stats = stats.rename(columns={"count": "n", "mean": "moyenne", "min": "min", "max": "max"})
    return stats.drop(columns=["std"], errors="ignore")


def delay_ecdf(items: pd.DataFrame, by: str | None = None) -> pd.DataFrame:
    """Empirical distribution of the delay of answered items: share answered within d days, per group.

    Parameters
    ----------
    items : DataFrame
        Output of :func:`item_delays`; requires ``delai`` (and ``by`` when given).
    by : str, optional
        One grouping column; ``None`` for a single distribution.

    Returns
    -------
    DataFrame
        Columns ``by`` (when given), ``delai`` (int, each observed delay) and ``part`` (share, in
        [0, 1], of the group's answered items answered within ``delai`` working days); empty with
        those columns when no item is answered.

    Notes
    -----
    The denominator is the answered items only (unanswered, right-censored items are left out):
    the curve always reaches 1. For a share of all items, use :func:`kaplan_meier`.

    Examples
    --------
    >>> delay_ecdf(pd.DataFrame({"delai": [1.0, 1.0, 3.0, np.nan]}))
       delai      part
    0      1  0.666667
    1      3  1.000000
    """
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
    """Answered items per delay (delays above ``cap`` are grouped in ``cap``), per group.

    Parameters
    ----------
    items : DataFrame
        Output of :func:`item_delays`; requires ``delai`` (and the columns of ``by``).
    by : str or list of str, optional
        Grouping columns.
    cap : int, default 30
        Delays above it are counted in the ``cap`` bar.

    Returns
    -------
    DataFrame
        Columns ``by`` (when given), ``delai_borne`` (int, the delay capped at ``cap``) and
        ``nombre`` (answered items); only delays that occur are listed.

    Notes
    -----
    Unanswered (right-censored) items are not counted.

    Examples
    --------
    >>> delay_histogram(pd.DataFrame({"delai": [0.0, 2.0, 2.0, 45.0, np.nan]}), cap=30)
       delai_borne  nombre
    0            0       1
    1            2       2
    2           30       1
    """
    answered = items[items["delai"].notna()].assign(delai_borne=lambda d: d["delai"].clip(upper=cap).astype(int))
    by = [by] if isinstance(by, str) else (by or [])
    return answered.groupby([*by, "delai_borne"], observed=True).size().rename("nombre").reset_index()


@dataclass(frozen=True)
class KaplanMeier:
    """Kaplan–Meier estimate of the share of items *not yet answered* after t working days.

    Built by :func:`kaplan_meier`; the survival function S(t) is a step function, constant between
    the times of ``table``.

    Parameters
    ----------
    table : DataFrame
        Columns ``t`` (distinct observed durations, working days), ``a_risque`` (items still
        unanswered just before t), ``reponses`` (answers at t), ``censures`` (items censored at t),
        ``survie`` (S(t) after the answers at t).
    n : int
        Items (durations that are not NaN).

    Attributes
    ----------
    table : DataFrame
        As above.
    n : int
        As above.
    median : float
        See :attr:`median`.

    Notes
    -----
    Past the last answer S(t) stays flat; when the largest durations are censored, the estimate beyond
    them is not identified and the median may be ``inf``. Estimates on few items are imprecise.
    """

    table: pd.DataFrame
    n: int

    def survival_at(self, t: float) -> float:
        """S(t): share still unanswered after t working days (1 before the first answer).

        Parameters
        ----------
        t : float
            Working days.

        Returns
        -------
        float
            S(t) in [0, 1].

        Examples
        --------
        >>> round(kaplan_meier([1, 2, 3], [True, True, False]).survival_at(2), 3)
        0.333
        """
        before = self.table[self.table["t"] <= t]
        return 1.0 if before.empty else float(before["survie"].iloc[-1])

    def answered_within(self, days: float) -> float:
        """Estimated share answered within ``days`` working days, 1 − S(days).

        Parameters
        ----------
        days : float
            Working days.

        Returns
        -------
        float
            Share in [0, 1] (not a percentage).

        Examples
        --------
        >>> round(kaplan_meier([1, 2, 3], [True, True, False]).answered_within(1), 3)
        0.333
        """
        return 1.0 - self.survival_at(days)

    @property
    def median(self) -> float:
        """Median time to answer: the first t with S(t) ≤ 0.5 (``inf`` if never reached).

        Returns
        -------
        float
            Working days; ``inf`` when more than half the items are still unanswered (censored) at
            their last observed time.
        """
        reached = self.table[self.table["survie"] <= 0.5]
        return float(reached["t"].iloc[0]) if not reached.empty else float("inf")


def kaplan_meier(durations: pd.Series | np.ndarray, answered: pd.Series | np.ndarray) -> KaplanMeier:
    """Kaplan–Meier estimator for right-censored durations (unanswered items are censored).

    At each distinct time t: S(t) = S(t⁻) × (1 − d_t / n_t), with n_t the
    items whose duration is ≥ t (censored items at t are still at risk) and
    d_t the answers at t. Validated against ``lifelines`` in the tests.

    Parameters
    ----------
    durations : Series or array of float
        Observed duration of each item in working days: to the answer, or to the extraction date when
        unanswered (``duree_observee`` of :func:`item_delays`). NaN durations are dropped.
    answered : Series or array of bool
        Whether each item was answered (the event); ``False`` marks a right-censored item
        (``repondu`` of :func:`item_delays`).

    Returns
    -------
    KaplanMeier
        The estimate, with its ``table`` and the number ``n`` of items kept.

    Notes
    -----
    Censoring is assumed non-informative (an item unanswered at extraction is as likely to be
    answered soon as an answered one was). Estimates on few items are imprecise; small cells go
    through the ``Disclosure`` policy before being shown.

    Examples
    --------
    >>> km = kaplan_meier([1, 2, 2, 5], [True, True, False, True])
    >>> km.table
         t  a_risque  reponses  censures  survie
    0  1.0         4         1         0    0.75
    1  2.0         3         1         1    0.50
    2  5.0         1         1         0    0.00
    >>> km.median
    2.0
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
    """Censoring-aware summary of the time to answer, per group.

    Parameters
    ----------
    items : DataFrame
        Output of :func:`item_delays` (or :func:`correspondence_delays`); requires ``duree_observee``,
        ``repondu``, ``delai``, ``delai_max`` and the columns of ``by``.
    by : str or list of str, optional
        Grouping columns; ``None`` gives one row for all items.
    within : int, optional
        Reference delay in working days; by default the most frequent ``delai_max`` of the group.

    Returns
    -------
    DataFrame
        One row per group, columns ``by``, ``n`` (items), ``sans_reponse`` (share never answered at
        extraction, %), ``delai_moyen_repondus`` (mean over answered items), ``mediane_km``
        (Kaplan–Meier median time to answer, ``inf`` when not reached), ``delai_reference`` (the
        reference delay used) and ``part_dans_delai_km`` (% answered within ``delai_reference`` days,
        by Kaplan–Meier).

    Notes
    -----
    Unanswered items are right-censored at the extraction date, not dropped: ``mediane_km`` and
    ``part_dans_delai_km`` account for them, whereas ``delai_moyen_repondus`` covers answered items
    only and is biased downwards when many are pending. When a group mixes channels with different
    deadlines, the reference delay is the most frequent one, not each item's own. Small groups give
    imprecise estimates; pass them through the ``Disclosure`` policy before showing them.

    Examples
    --------
    >>> items = pd.DataFrame({"duree_observee": [1.0, 2.0, 8.0], "repondu": [True, True, False],
    ...                       "delai": [1.0, 2.0, np.nan], "delai_max": [5, 5, 5]})
    >>> time_to_answer(items)[["n", "mediane_km", "part_dans_delai_km"]]
       n  mediane_km  part_dans_delai_km
    0  3         2.0           66.666667
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
