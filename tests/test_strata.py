"""Sparse strata merged before weighting, and changes between two campaigns, against R's survey package
(tests/reference/campaigns_reference.R, which writes the merging rule again in R from its statement)."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.analysis.strata import apply_strata, sparse_strata, sparse_variables
from qualepref_analysis.analysis.survey import campaign_weights, proportion, sparse_merges, weighted_shares
from qualepref_analysis.sections.records import estimate_change_record

from conftest import ROOT

REFERENCE = ROOT / "tests" / "reference"
METHODS = {"poststratification": ("service",), "raking": ("service", "demi_journee")}


@pytest.fixture(scope="module")
def reference():
    return json.loads((REFERENCE / "campaigns_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def campaigns():
    types = {"campagne": str}
    return (pd.read_csv(REFERENCE / "campaigns_data.csv", dtype=types),
            pd.read_csv(REFERENCE / "campaigns_margins.csv", dtype=types))


def test_the_merges_are_rs(reference, campaigns):
    data, margins = campaigns
    merges = sparse_strata(data, margins, threshold=reference["threshold"])
    assert {merge.group[1]: merge.mapping for merge in merges} == {k: v for k, v in reference["merges"].items() if v}
    assert reference["merges"]["2022"] == {"accueil_general": "naturalisations", "pan": "naturalisations",
                                           "autres": "naturalisations"}  # 9 in « autres » still short: to the fewest
    merged, summed = apply_strata(data, margins, merges)
    footfall = summed[(summed["campagne"] == "2022") & (summed["variable"] == "service")].set_index("modalite")
    assert footfall.loc["naturalisations", "effectif"] == 1000 + 4100 + 1200 + 1600  # footfall kept
    assert summed.groupby(["campagne", "variable"])["effectif"].sum().nunique() == 2  # totals per campaign unchanged
    assert (merged["service"] == "naturalisations").sum() == 30 + 31 + 9


@pytest.mark.parametrize("method", list(METHODS))
def test_weights_estimates_and_changes_equal_r(reference, campaigns, method):
    data, margins = campaigns
    expected = reference[method]
    threshold = reference["threshold"]
    estimates = {}
    for campaign in ("2021", "2022"):
        responses = data[data["campagne"] == campaign]
        mine = margins[margins["campagne"] == campaign]
        weights = campaign_weights(responses, mine, variables=METHODS[method], min_respondents=threshold)
        np.testing.assert_allclose(weights.values.to_numpy(), expected["campagnes"][campaign]["weights"], rtol=1e-8)
        for question, ref in expected["campagnes"][campaign]["questions"].items():
            estimate = proportion(responses, question, weights)
            assert estimate.estimate == pytest.approx(ref["estimate"], abs=1e-9)
            assert estimate.se == pytest.approx(ref["se"], rel=1e-6)
            estimates[(campaign, question)] = estimate
    for question, ref in expected["differences"].items():  # 2022 − 2021, independent campaigns
        now, before = estimates[("2022", question)], estimates[("2021", question)]
        change = estimate_change_record(100 * now.estimate, 100 * now.se, 100 * before.estimate, 100 * before.se)
        assert change["ecart"] == pytest.approx(100 * ref["ecart"], abs=1e-7)
        assert change["ic_bas"] == pytest.approx(100 * ref["ic_bas"], abs=1e-4)
        assert change["ic_haut"] == pytest.approx(100 * ref["ic_haut"], abs=1e-4)
        assert change["significatif"] == (ref["ic_bas"] > 0 or ref["ic_haut"] < 0)
        # every campaign at once (the indicator's engine) merges and estimates the same way
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            shares = weighted_shares(data, margins, question, variables=METHODS[method],
                                     min_respondents=threshold).set_index("campagne")
        for campaign in ("2021", "2022"):
            ref_campaign = expected["campagnes"][campaign]["questions"][question]
            assert shares.loc[campaign, "part"] == pytest.approx(100 * ref_campaign["estimate"], abs=1e-7)
            assert shares.loc[campaign, "erreur_type"] == pytest.approx(100 * ref_campaign["se"], rel=1e-6)


def test_explicit_merges_win_and_a_sparse_raking_variable_is_left_out():
    answers = pd.DataFrame({"site": "s", "campagne": "1",
                            "service": ["a"] * 30 + ["b"] * 12 + ["c"] * 4,
                            "demi_journee": ["matin"] * 43 + ["soir"] * 3})
    margins = pd.DataFrame({"site": "s", "campagne": "1", "variable": ["service"] * 3 + ["demi_journee"] * 2,
                            "modalite": ["a", "b", "c", "matin", "soir"], "effectif": [500.0, 300, 200, 900, 100]})
    # explicit: c joins a; then nothing is short any more; the half-day « soir » (3) is
    merges, left_out = sparse_merges(answers, margins, collapse={"service": {"c": "a"}}, min_respondents=10)
    assert merges == [] and left_out == ("demi_journee",)
    assert sparse_variables(answers, margins, ("service", "demi_journee"), threshold=10) == {("s", "1"): ("demi_journee",)}
    with pytest.warns(UserWarning, match="la demi-journée est laissée de côté du redressement"):
        weights = campaign_weights(answers, margins, collapse={"service": {"c": "a"}}, min_respondents=10)
    assert weights.variables == ("service",)  # post-stratified on the service alone
    assert weights.values[answers["service"] == "b"].sum() == pytest.approx(300)
    merges, _ = sparse_merges(answers, margins, min_respondents=10)  # without the explicit merge: c (4) is short
    assert merges[0].mapping == {"c": "b"}  # alone in « autres » (4), still short: joins b, the fewest (12)
