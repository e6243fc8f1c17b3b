"""Working days: hand-computed delays (calendar of 2022 checked on a paper calendar)."""

from __future__ import annotations

import numpy as np
import pytest

from qualepref_analysis.analysis.calendar import add_working_days, holiday_dates, working_days_between


@pytest.mark.parametrize("receipt, answer, expected, why", [
    ("2022-03-14", "2022-03-14", 0, "same-day answer"),
    ("2022-03-11", "2022-03-14", 1, "Friday → Monday"),
    ("2022-03-12", "2022-03-14", 1, "Saturday → Monday"),
    ("2022-03-13", "2022-03-14", 1, "received on a Sunday"),
    ("2022-07-13", "2022-07-15", 1, "14 July (Thursday) is off"),
    ("2022-04-29", "2022-05-03", 2, "1 May 2022 is a Sunday: Mon 2, Tue 3"),
    ("2022-05-25", "2022-05-27", 1, "Ascension Thursday 26 May"),
    ("2022-08-12", "2022-08-16", 1, "15 August (Monday) is off"),
    ("2022-12-23", "2022-12-27", 2, "Christmas on Sunday; Mon 26 worked outside Alsace-Moselle"),
    ("2022-12-30", "2023-01-03", 2, "New Year on Sunday; Mon 2, Tue 3"),
    ("2023-04-28", "2023-05-02", 1, "1 May 2023 is a Monday: only Tue 2 counts"),
    ("2023-05-05", "2023-05-09", 1, "8 May 2023 (Monday) is off"),
    ("2023-05-17", "2023-05-19", 1, "Ascension 18 May 2023"),
    ("2023-05-26", "2023-05-30", 1, "Whit Monday 29 May 2023"),
    ("2023-08-14", "2023-08-16", 1, "15 August 2023 is a Tuesday"),
    ("2023-12-22", "2023-12-27", 2, "Christmas Monday 25 December 2023; Tue 26 worked"),
    ("2023-12-22", "2023-12-22", 0, "same-day answer"),
    ("2023-12-24", "2023-12-26", 1, "received on Sunday 24, answered Tuesday 26"),
])
def test_metropole_delays(receipt, answer, expected, why):
    assert working_days_between([receipt], [answer]).tolist() == [expected], why


def test_alsace_moselle_adds_good_friday_and_26_december():
    assert working_days_between(["2022-12-23"], ["2022-12-27"], calendar="alsace_moselle").tolist() == [1]
    # Good Friday 15 April 2022, Easter Monday 18 April: Thursday 14 → Tuesday 19 is 1 working day.
    assert working_days_between(["2022-04-14"], ["2022-04-19"], calendar="alsace_moselle").tolist() == [1]
    assert working_days_between(["2022-04-14"], ["2022-04-19"]).tolist() == [2]
    assert len(holiday_dates("alsace_moselle", [2022])) == len(holiday_dates("metropole", [2022])) + 2 == 13


def test_missing_answer_gives_nan_and_any_year_works():
    out = working_days_between(["2031-05-02", "2022-01-03"], ["2031-05-05", None])
    assert out[0] == 1 and np.isnan(out[1])


def test_deadline_is_the_first_date_with_that_delay():
    deadlines = add_working_days(["2022-07-13", "2022-03-12", "2022-03-14"], [1, 1, 0])
    assert [str(d) for d in deadlines] == ["2022-07-15", "2022-03-14", "2022-03-14"]
    assert working_days_between(["2022-07-13"], deadlines[:1]).tolist() == [1]


def test_alsace_moselle_2023():
    # 26 December 2023 (Tuesday) is off in Alsace-Moselle: Fri 22 → Wed 27 is only Wed 27.
    assert working_days_between(["2023-12-22"], ["2023-12-27"], calendar="alsace_moselle").tolist() == [1]
    # Good Friday 7 April 2023.
    assert working_days_between(["2023-04-06"], ["2023-04-11"], calendar="alsace_moselle").tolist() == [1]


def test_unknown_calendar_is_a_params_error():
    from qualepref_analysis.errors import ParamsError

    with pytest.raises(ParamsError, match="calendrier"):
        working_days_between(["2022-01-03"], ["2022-01-04"], calendar="corse")
