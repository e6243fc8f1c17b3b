"""Parsers of cells typed in office tools (expected values written by hand)."""

from __future__ import annotations

import pandas as pd
import pytest

from qualepref_analysis.io.parsing import parse_codes, parse_dates, parse_integers, parse_months, parse_numbers, parse_periods


def _s(*values: str) -> pd.Series:
    return pd.Series(list(values), index=range(2, 2 + len(values)))


def test_dates_iso_french_and_time_part():
    parsed = parse_dates(_s("2022-03-14", "14/03/2022", "1/2/2022", "2022-03-14 10:32:00", ""))
    assert [str(d.date()) if pd.notna(d) else None for d in parsed.values] == [
        "2022-03-14", "2022-03-14", "2022-02-01", "2022-03-14", None]
    assert parsed.errors.empty


@pytest.mark.parametrize("value, reason", [
    ("31/02/2022", "impossible"),
    ("2022-13-01", "impossible"),
    ("14/03/22", "ambiguë"),
    ("03-14-2022", "non reconnue"),
    ("demain", "non reconnue"),
    ("44634", "non reconnue"),  # a serial date is only accepted from XLSX
    ("14/03/1850", "plage"),
])
def test_bad_dates_are_row_errors(value, reason):
    parsed = parse_dates(_s(value))
    assert parsed.values.isna().all()
    assert reason in parsed.errors.loc[2]


def test_plain_iso_column_one_conversion_same_rules():
    # A register written by software (every cell AAAA-MM-JJ or empty) takes one conversion; the rules hold
    parsed = parse_dates(_s("2022-03-14", "", "2021-12-31"))
    assert [str(d.date()) if pd.notna(d) else None for d in parsed.values] == ["2022-03-14", None, "2021-12-31"]
    assert list(parsed.values.index) == [2, 3, 4] and parsed.errors.empty
    impossible = parse_dates(_s("2022-03-14", "2022-02-30", ""))
    assert impossible.values.iloc[0] == pd.Timestamp("2022-03-14") and impossible.values.iloc[1:].isna().all()
    assert "impossible" in impossible.errors.loc[3] and list(impossible.errors.index) == [3]
    assert "plage" in parse_dates(_s("2022-03-14", "1850-01-01")).errors.loc[3]


def test_excel_serial_dates_from_xlsx():
    # 44634 days after 1899-12-30 is 2022-03-14 (Excel's 1900 date system).
    parsed = parse_dates(_s("44634"), excel=True)
    assert parsed.values.iloc[0] == pd.Timestamp("2022-03-14")


def test_numbers_french_and_english():
    parsed = parse_numbers(_s("3,5", "1 234", "1\u202f234,5", "1.234,5", "1,234.5", "95 %", "-2", "abc", ""))
    assert parsed.values.tolist()[:7] == [3.5, 1234.0, 1234.5, 1234.5, 1234.5, 95.0, -2.0]
    assert list(parsed.errors.index) == [9]
    plain = parse_numbers(_s("3.5", "-2", "", "1e3", "inf"))  # nothing French to clean: one conversion
    assert plain.values.tolist()[:2] == [3.5, -2.0] and plain.values.iloc[3] == 1000.0
    assert plain.values.iloc[2] is pd.NA and list(plain.errors.index) == [6]


def test_integers_refuse_fractions():
    parsed = parse_integers(_s("12", "12,0", "12,5", "x"))
    assert parsed.values.iloc[0] == 12 and parsed.values.iloc[1] == 12
    assert parsed.errors.loc[4] == "nombre entier attendu"
    assert parsed.errors.loc[5] == "nombre attendu"
    plain = parse_integers(_s("7", "", "2.5", "1e20", "-3"))
    assert str(plain.values.dtype) == "Int64" and plain.values.iloc[0] == 7 and plain.values.iloc[4] == -3
    assert plain.values.iloc[1:4].isna().all()
    assert plain.errors.to_dict() == {4: "nombre entier attendu", 5: "nombre trop grand"}


def test_months_and_periods():
    months = parse_months(_s("2022-03", "03/2022", "2022-03-01", "2022-13", "mars"))
    assert [str(m) for m in months.values.iloc[:3]] == ["2022-03"] * 3
    assert set(months.errors.index) == {5, 6}
    periods = parse_periods(_s("2022-T4", "2022 T1", "2022", "2022-Q2", "T4 2022"))
    assert periods.values.iloc[:4].tolist() == ["2022-T4", "2022-T1", "2022", "2022-T2"]
    assert list(periods.errors.index) == [6]


def test_codes_case_and_accent_insensitive():
    parsed = parse_codes(_s("Courriel", "COURRIEL", " courriel ", "Après-midi", "Services Publics+", "Réclamation"))
    assert parsed.values.tolist() == ["courriel", "courriel", "courriel", "apres_midi", "services_publics_plus",
                                      "reclamation"]
