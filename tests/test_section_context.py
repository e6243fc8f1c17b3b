"""What a section asks of its context is what the library functions give on the whole register."""

from __future__ import annotations

import pandas as pd
import pytest

from qualepref_analysis import context
from qualepref_analysis.analysis.register import complaints_of

from conftest import DEMO_DIR, PARAMS_DIR


@pytest.fixture(scope="module")
def first():
    return context.open_section(site="antony", data_dir=DEMO_DIR, params_dir=PARAMS_DIR)


@pytest.mark.parametrize("every_year", [False, True], ids=["year", "every-year"])
def test_a_site_complaints_are_those_of_the_whole_register_filtered(first, every_year):
    register = first.indicator_inputs().correspondances
    for code, site in first.params.sites.items():
        section = context.SectionContext(params=first.params, data=first.data, site=site, year=first.year,
                                         cache=first.cache)
        expected = complaints_of(register, site=code, year=None if every_year else first.year)
        assert len(expected) > 0
        pd.testing.assert_frame_equal(section.complaints(every_year=every_year), expected)


def test_a_site_without_a_row_in_the_register_has_no_complaint(first):
    import dataclasses

    from qualepref_analysis.io.params import Site

    nowhere = Site(code="nulle_part", libelle="Site sans courrier", kind="sous_prefecture",
                   calendar=first.site.calendar, aliases=())
    params = dataclasses.replace(first.params, sites={**first.params.sites, "nulle_part": nowhere})
    section = context.SectionContext(params=params, data=first.data, site=nowhere, year=first.year)
    found = section.complaints()
    assert found.empty and list(found.columns) == list(first.indicator_inputs().correspondances.columns)
