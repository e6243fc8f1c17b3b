"""French working days, per site calendar, vectorised with numpy business days.

A working day (*jour ouvré*) is Monday to Friday except public holidays. The
``metropole`` calendar has the 11 national holidays; ``alsace_moselle`` adds
Good Friday and 26 December. Holidays come from the ``holidays`` package for
whatever years the data cover.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Iterable

import holidays
import numpy as np
import pandas as pd

__all__ = ["CALENDAR_SUBDIVISIONS", "holiday_dates", "working_days_between", "add_working_days"]

#: Site calendar → subdivision of ``holidays.France`` (None = national holidays only).
CALENDAR_SUBDIVISIONS: dict[str, str | None] = {"metropole": None, "alsace_moselle": "57"}


@lru_cache(maxsize=64)
def _holidays_cached(calendar: str, first_year: int, last_year: int) -> np.ndarray:
    if calendar not in CALENDAR_SUBDIVISIONS:
        from qualepref_analysis.errors import ParamsError

        raise ParamsError(
            f"calendrier {calendar!r} inconnu ; calendriers possibles : {', '.join(CALENDAR_SUBDIVISIONS)}."
        )
    days = holidays.France(years=range(first_year, last_year + 1), subdiv=CALENDAR_SUBDIVISIONS[calendar])
    return np.array(sorted(days), dtype="datetime64[D]")


def holiday_dates(calendar: str, years: Iterable[int]) -> np.ndarray:
    """Public holidays of a site calendar for the given years, as ``datetime64[D]``.

    Parameters
    ----------
    calendar : str
        Calendar name, a key of :data:`CALENDAR_SUBDIVISIONS` (``metropole``, ``alsace_moselle``).
    years : iterable of int
        Years wanted; every year from the smallest to the largest is covered.

    Returns
    -------
    ndarray of datetime64[D]
        Sorted holiday dates; empty when ``years`` is empty.

    Raises
    ------
    ParamsError
        ``calendar`` is not a known calendar (the message lists the known ones).

    Examples
    --------
    >>> [str(d) for d in holiday_dates("alsace_moselle", [2022]) if str(d) > "2022-12-20"]
    ['2022-12-25', '2022-12-26']
    """
    years = list(years)
    if not years:
        return np.array([], dtype="datetime64[D]")
    return _holidays_cached(calendar, int(min(years)), int(max(years)))


def _as_days(values: object) -> np.ndarray:
    if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.datetime64):
        return values.astype("datetime64[D]")
    if isinstance(values, pd.Series) and pd.api.types.is_datetime64_any_dtype(values):
        return values.to_numpy().astype("datetime64[D]")
    return np.asarray(pd.to_datetime(values)).astype("datetime64[D]")


def _years_spanned(*arrays: np.ndarray) -> range:
    lows, highs = [], []
    for array in arrays:
        if array.size and not np.isnat(array).all():
            lows.append(np.nanmin(array))
            highs.append(np.nanmax(array))
    if not lows:
        return range(2000, 2001)
    first = int(min(lows).astype("datetime64[Y]").astype(int)) + 1970
    last = int(max(highs).astype("datetime64[Y]").astype(int)) + 1970
    return range(first, last + 2)  # +1 year: deadlines run past 31 December


def working_days_between(start: object, end: object, *, calendar: str = "metropole") -> np.ndarray:
    """Working days in the interval ``(start, end]``: start excluded, end included.

    A same-day answer counts 0; received Friday and answered Monday counts 1.
    Missing dates give ``NaN``.

    Parameters
    ----------
    start, end : date-like scalar or array-like
        Dates (``datetime64`` arrays, datetime Series, or anything :func:`pandas.to_datetime` reads);
        broadcast against each other. Times of day are ignored.
    calendar : str, default "metropole"
        Calendar name, a key of :data:`CALENDAR_SUBDIVISIONS`.

    Returns
    -------
    ndarray of float
        Working days per pair; ``NaN`` where either date is missing; negative when ``end`` is before
        ``start``.

    Raises
    ------
    ParamsError
        ``calendar`` is not a known calendar.

    Examples
    --------
    >>> working_days_between(["2022-07-13"], ["2022-07-15"]).tolist()  # 14 July is a holiday
    [1.0]
    """
    start_days, end_days = _as_days(start), _as_days(end)
    missing = np.isnat(start_days) | np.isnat(end_days)
    holidays_ = holiday_dates(calendar, _years_spanned(start_days, end_days))
    one = np.timedelta64(1, "D")
    s = np.where(missing, np.datetime64("2000-01-01"), start_days) + one
    e = np.where(missing, np.datetime64("2000-01-01"), end_days) + one
    counts = np.busday_count(s, e, holidays=holidays_).astype(float)
    counts[missing] = np.nan
    return counts


def add_working_days(start: object, days: object, *, calendar: str = "metropole") -> np.ndarray:
    """The date ``days`` working days after ``start`` (the deadline of an item received on ``start``).

    For ``days >= 1`` the result is the smallest date whose delay since
    ``start`` (see :func:`working_days_between`) equals ``days``; for 0 it is
    ``start`` itself.

    Parameters
    ----------
    start : date-like scalar or array-like
        Dates of receipt (``datetime64`` arrays, datetime Series, or anything :func:`pandas.to_datetime`
        reads).
    days : int or array-like of int
        Working days to add, broadcast to the shape of ``start``.
    calendar : str, default "metropole"
        Calendar name, a key of :data:`CALENDAR_SUBDIVISIONS`.

    Returns
    -------
    ndarray of datetime64[D]
        The deadlines; ``NaT`` where ``start`` is missing.

    Raises
    ------
    ParamsError
        ``calendar`` is not one of :data:`CALENDAR_SUBDIVISIONS`.

    Examples
    --------
    >>> add_working_days(["2022-07-13"], 1).tolist()  # 14 July is a holiday
    [datetime.date(2022, 7, 15)]
    """
    start_days = _as_days(start)
    days = np.broadcast_to(np.asarray(days, dtype="int64"), start_days.shape)
    holidays_ = holiday_dates(calendar, _years_spanned(start_days))
    missing = np.isnat(start_days)
    base = np.where(missing, np.datetime64("2000-01-01"), start_days)
    shifted = np.busday_offset(base, days, roll="backward", holidays=holidays_)
    result = np.where(days == 0, base, shifted).astype("datetime64[D]")
    result[missing] = np.datetime64("NaT")
    return result
