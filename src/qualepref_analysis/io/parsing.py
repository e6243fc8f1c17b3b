"""Vectorised parsers turning cells typed in office tools into typed values.

Each parser takes a Series of stripped strings (``""`` = empty) and returns a
:class:`Parsed`: the typed Series (missing where empty or invalid) and, per
invalid cell, the reason in French. Empty cells are not errors here; whether a
value is required is decided by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from qualepref_analysis.io.normalise import fold_accents, normalise_codes

__all__ = [
    "Parsed",
    "parse_dates",
    "parse_months",
    "parse_periods",
    "parse_numbers",
    "parse_integers",
    "parse_codes",
    "parse_site_codes",
]

_EXCEL_EPOCH = pd.Timestamp("1899-12-30")
_MIN_YEAR, _MAX_YEAR = 1900, 2100
_TIME = r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
_ISO_DATE = re.compile(rf"^(?P<y>\d{{4}})-(?P<m>\d{{1,2}})-(?P<d>\d{{1,2}}){_TIME}$")
_FR_DATE = re.compile(rf"^(?P<d>\d{{1,2}})/(?P<m>\d{{1,2}})/(?P<y>\d{{4}}){_TIME}$")
_SHORT_YEAR = re.compile(r"^\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2}$")
_SERIAL = re.compile(r"^\d{1,7}(?:\.\d+)?$")


@dataclass
class Parsed:
    """Typed values and the reason each invalid cell was refused."""

    values: pd.Series
    errors: pd.Series  # reason per invalid cell, index ⊂ values.index


def _no_errors(index: pd.Index) -> pd.Series:
    return pd.Series([], index=index[:0], dtype=object)


def _dates_from_parts(parts: pd.DataFrame) -> pd.Series:
    numbers = parts.astype("int64")
    return pd.to_datetime(
        {"year": numbers["y"], "month": numbers["m"], "day": numbers["d"]}, errors="coerce"
    )


_PLAIN_ISO_DATES = re.compile(r"(?:(?:\d{4}-\d{2}-\d{2})?\n)*")


def _plain_iso_dates(raw: pd.Series) -> pd.Series | None:
    """The dates when every cell is empty or an existing ``AAAA-MM-JJ`` date of the plausible range, else None.

    The common case of a register written by software, converted in one call.
    """
    cells = raw.tolist()
    if not cells or not _PLAIN_ISO_DATES.fullmatch("\n".join(cells) + "\n"):
        return None
    dates = pd.to_datetime(pd.Series(cells, index=raw.index), format="%Y-%m-%d", errors="coerce")
    found = dates.notna()
    if not found.eq(raw != "").all() or not dates[found].dt.year.between(_MIN_YEAR, _MAX_YEAR).all():
        return None  # an impossible or implausible date: the general path says which
    return dates.astype("datetime64[ns]")


def parse_dates(raw: pd.Series, *, excel: bool = False) -> Parsed:
    """Parse ISO (``2022-03-14``), French (``14/03/2022``) and Excel serial dates.

    A time part is accepted and dropped. Two-digit years are ambiguous and
    refused; impossible dates (``31/02/2022``) are refused; serial numbers are
    accepted only from XLSX files.
    """
    plain = _plain_iso_dates(raw)
    if plain is not None:
        return Parsed(plain, _no_errors(raw.index))
    values = pd.Series(pd.NaT, index=raw.index, dtype="datetime64[ns]")
    errors = pd.Series("", index=raw.index, dtype=object)
    filled = raw != ""
    for pattern in (_ISO_DATE, _FR_DATE):
        parts = raw[filled].str.extract(pattern)
        matched = parts["y"].notna()
        if matched.any():
            dates = _dates_from_parts(parts[matched])
            values.loc[dates.index] = dates
            impossible = dates.index[dates.isna()]
            errors.loc[impossible] = "date impossible (jour ou mois hors calendrier)"
    handled = values.notna() | (errors != "")
    rest = filled & ~handled
    if excel and rest.any():
        serial = raw[rest][raw[rest].str.match(_SERIAL)]
        if not serial.empty:
            days = serial.astype(float)
            in_range = (days >= 1) & (days <= 2958465)
            values.loc[days.index[in_range]] = (
                _EXCEL_EPOCH + pd.to_timedelta(np.floor(days[in_range]), unit="D")
            ).to_numpy()
            rest = rest & ~raw.index.isin(days.index[in_range])
    if rest.any():
        short = raw[rest].str.match(_SHORT_YEAR)
        errors.loc[short.index[short]] = "date ambiguë (année sur deux chiffres) ; écrivez JJ/MM/AAAA"
        errors.loc[short.index[~short]] = "date non reconnue ; formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA"
    years = values.dt.year
    out_of_range = values.notna() & ((years < _MIN_YEAR) | (years > _MAX_YEAR))
    errors.loc[out_of_range] = f"date hors de la plage plausible ({_MIN_YEAR}-{_MAX_YEAR})"
    values = values.dt.normalize().mask(errors != "")
    return Parsed(values, errors[errors != ""])


_MONTH_ISO = re.compile(r"^(?P<y>\d{4})[-/](?P<m>\d{1,2})$")
_MONTH_FR = re.compile(r"^(?P<m>\d{1,2})[-/](?P<y>\d{4})$")


def parse_months(raw: pd.Series, *, excel: bool = False) -> Parsed:
    """Parse months: ``2022-03``, ``03/2022``, or a full date (its month)."""
    values = pd.Series(pd.NaT, index=raw.index, dtype="period[M]")
    errors = pd.Series("", index=raw.index, dtype=object)
    filled = raw != ""
    done = pd.Series(False, index=raw.index)
    for pattern in (_MONTH_ISO, _MONTH_FR):
        parts = raw[filled & ~done].str.extract(pattern)
        matched = parts["y"].notna()
        if matched.any():
            good = parts[matched].astype("int64")
            valid = good["m"].between(1, 12) & good["y"].between(_MIN_YEAR, _MAX_YEAR)
            idx = good.index[valid]
            values.loc[idx] = pd.PeriodIndex.from_fields(
                year=good.loc[idx, "y"].to_numpy(), month=good.loc[idx, "m"].to_numpy(), freq="M"
            )
            errors.loc[good.index[~valid]] = "mois impossible ; format attendu AAAA-MM"
            done.loc[good.index] = True
    rest = filled & ~done
    if rest.any():
        as_dates = parse_dates(raw[rest], excel=excel)
        ok = as_dates.values.notna()
        values.loc[ok.index[ok]] = as_dates.values[ok].dt.to_period("M")
        errors.loc[ok.index[~ok]] = "mois non reconnu ; format attendu AAAA-MM"
    return Parsed(values, errors[errors != ""])


_PERIOD = re.compile(r"^(?P<y>\d{4})(?:[-\s]?[TtQq](?P<q>[1-4]))?$")


def parse_periods(raw: pd.Series) -> Parsed:
    """Parse publication periods: ``2022-T4`` (quarter) or ``2022`` (year)."""
    cleaned = raw.str.replace(" ", "", regex=False)
    parts = cleaned.str.extract(_PERIOD)
    filled = raw != ""
    ok = parts["y"].notna() & filled
    values = pd.Series(pd.NA, index=raw.index, dtype="string")
    quarter = parts["q"].notna()
    values[ok & quarter] = parts["y"] + "-T" + parts["q"]
    values[ok & ~quarter] = parts["y"]
    bad = filled & ~ok
    errors = pd.Series("période non reconnue ; formats acceptés : AAAA-Tn (trimestre) ou AAAA", index=raw.index[bad], dtype=object)
    return Parsed(values, errors)


_THOUSANDS = re.compile(r"[\s\u00a0\u202f']")
_TO_CLEAN = re.compile(r"[,%\s\u00a0\u202f']")  # what only the French or office forms hold


def parse_numbers(raw: pd.Series) -> Parsed:
    """Parse numbers written the French or the English way.

    Accepts a decimal comma (``3,5``), thousands separators (``1 234``,
    ``1.234,5``, ``1,234.5``) and a trailing ``%``.
    """
    text = raw
    if _TO_CLEAN.search("".join(raw.tolist())):  # else plain ``12`` or ``3.5``: nothing to clean
        text = raw.str.replace(_THOUSANDS, "", regex=True).str.rstrip("%")
        both = text.str.contains(",", regex=False) & text.str.contains(".", regex=False)
        comma_last = text.str.rfind(",") > text.str.rfind(".")
        text = text.where(~(both & comma_last), text.str.replace(".", "", regex=False))
        text = text.where(~(both & ~comma_last), text.str.replace(",", "", regex=False))
        text = text.str.replace(",", ".", regex=False)
    numbers = pd.to_numeric(text.where(text != "", None), errors="coerce")
    numbers = numbers.where(np.isfinite(numbers.astype(float)))
    bad = (raw != "") & numbers.isna()
    errors = pd.Series("nombre attendu", index=raw.index[bad], dtype=object)
    return Parsed(numbers.astype("Float64"), errors)


def parse_integers(raw: pd.Series) -> Parsed:
    """Parse whole numbers (``12``, ``1 234``, ``12,0``); fractions are refused."""
    parsed = parse_numbers(raw)
    numbers = parsed.values.to_numpy(dtype=float, na_value=np.nan)
    present = ~np.isnan(numbers)
    fractional = present & (np.mod(numbers, 1, where=present, out=np.zeros_like(numbers)) != 0)
    too_large = present & ~fractional & (np.abs(numbers, where=present, out=np.zeros_like(numbers)) > 2**53)
    errors = parsed.errors
    if fractional.any() or too_large.any():
        errors = pd.concat([errors, pd.Series("nombre entier attendu", index=raw.index[fractional], dtype=object),
                            pd.Series("nombre trop grand", index=raw.index[too_large], dtype=object)])
        errors = errors[~errors.index.duplicated()]
    kept = present & ~fractional & ~too_large
    whole = np.round(np.where(kept, numbers, 0)).astype("int64")
    values = pd.Series(pd.arrays.IntegerArray(whole, ~kept), index=raw.index)
    return Parsed(values, errors)


def parse_codes(raw: pd.Series) -> Parsed:
    """Canonical code form (accents folded, case-folded, separators ``_``)."""
    values = normalise_codes(raw).astype("string")
    values[raw == ""] = pd.NA
    empty_after = values.notna() & (values == "")
    errors = pd.Series("code vide (ponctuation seule)", index=raw.index[empty_after], dtype=object)
    values[empty_after] = pd.NA
    return Parsed(values, errors)


def parse_site_codes(raw: pd.Series) -> Parsed:
    """Site codes: trimmed, case-folded, accents folded, spaces as ``_``."""
    uniques = pd.unique(raw.to_numpy())
    mapping = {v: re.sub(r"\s+", "_", fold_accents(str(v)).casefold().strip()) for v in uniques}
    values = raw.map(mapping).astype("string")
    values[raw == ""] = pd.NA
    return Parsed(values, _no_errors(raw.index))
