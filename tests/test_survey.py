"""Survey weighting and estimates against R's survey package (tests/reference/), plus properties."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualepref_analysis.analysis.survey import WeightingError, poststratify, proportion, rake

from conftest import ROOT

REFERENCE = ROOT / "tests" / "reference"


@pytest.fixture(scope="module")
def reference():
    return json.loads((REFERENCE / "survey_reference.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data():
    return pd.read_csv(REFERENCE / "survey_data.csv"), pd.read_csv(REFERENCE / "survey_margins.csv")


def _weights(method, data):
    responses, margins = data
    if method == "poststratification":
        return poststratify(responses, margins, "service")
    if method == "raking":
        return rake(responses, margins, ["service", "demi_journee"])
    return None


@pytest.mark.parametrize("method", ["poststratification", "raking", "none"])
def test_matches_r_survey(reference, data, method):
    # Reference: R survey 4.1.1, svymean(deff = TRUE), svyciprop(method = "logit" / "beta") on
    # subset(design, !is.na(q)) of postStratify() / calibrate(calfun = "raking") (survey_reference.R).
    responses, _ = data
    weights = _weights(method, data)
    expected = reference[method]
    if weights is not None:
        np.testing.assert_allclose(weights.values.to_numpy(), expected["weights"], rtol=1e-8)
    for question, ref in expected["questions"].items():
        logit = proportion(responses, question, weights, ci="logit")
        beta = proportion(responses, question, weights, ci="beta")
        assert logit.n == ref["n"] and logit.df == ref["df"]
        assert logit.estimate == pytest.approx(ref["estimate"], abs=1e-6)
        assert logit.se == pytest.approx(ref["se"], rel=1e-4)
        assert (logit.ci_low, logit.ci_high) == pytest.approx(tuple(ref["logit"]), abs=1e-6)
        assert (beta.ci_low, beta.ci_high) == pytest.approx(tuple(ref["beta"]), abs=1e-6)
        if weights is not None:  # R's deff needs the population size the weights carry
            assert logit.deff == pytest.approx(ref["deff"], rel=1e-4)


def test_weights_hit_the_margins(data):
    responses, margins = data
    weights = rake(responses, margins, ["service", "demi_journee"])
    for variable in ("service", "demi_journee"):
        achieved = weights.values.groupby(responses[variable]).sum()
        target = margins[margins["variable"] == variable].set_index("modalite")["effectif"]
        np.testing.assert_allclose(achieved.reindex(target.index).to_numpy(), target.to_numpy(), rtol=1e-8)
    assert weights.convergence.converged and weights.convergence.max_relative_error < 1e-10


def test_capping_keeps_margins_and_caps_weights(data):
    responses, margins = data
    uncapped = rake(responses, margins, ["service", "demi_journee"]).values
    assert uncapped.max() > 4.5 * uncapped.mean()
    weights = rake(responses, margins, ["service", "demi_journee"], cap=4.0)
    values = weights.values
    assert values.max() <= 4.0 * values.mean() * (1 + 1e-9)
    assert weights.convergence.capped > 0
    for variable in ("service", "demi_journee"):  # margins still hit
        achieved = values.groupby(responses[variable]).sum()
        target = margins[margins["variable"] == variable].set_index("modalite")["effectif"]
        np.testing.assert_allclose(achieved.reindex(target.index).to_numpy(), target.to_numpy(), rtol=1e-8)
    with pytest.raises(WeightingError, match="plafond"):
        rake(responses, margins, ["service", "demi_journee"], cap=2.0)


def test_kish_effective_sample_size_by_hand():
    responses = pd.DataFrame({"service": ["a", "a", "b"], "q": [4, 1, 3]})
    margins = pd.DataFrame({"variable": "service", "modalite": ["a", "b"], "effectif": [20.0, 10.0]})
    estimate = proportion(responses, "q", poststratify(responses, margins))
    # weights 10, 10, 10: n_eff = 30² / 300 = 3; estimate (10 + 10) / 30
    assert estimate.n_eff == pytest.approx(3) and estimate.estimate == pytest.approx(2 / 3)
    assert estimate.unweighted == pytest.approx(2 / 3)


@pytest.mark.parametrize("responses, margins, fragment", [
    (pd.DataFrame({"service": ["a", "c"], "q": [4, 1]}),
     pd.DataFrame({"variable": "service", "modalite": ["a"], "effectif": [5.0]}), "sans marge : c"),
    (pd.DataFrame({"service": ["a", "a"], "q": [4, 1]}),
     pd.DataFrame({"variable": "service", "modalite": ["a", "b"], "effectif": [5.0, 3.0]}), "sans aucun répondant : b"),
    (pd.DataFrame({"service": ["a", "b"], "demi_journee": ["matin", "matin"], "q": [4, 1]}),
     pd.DataFrame({"variable": ["service", "service", "demi_journee"], "modalite": ["a", "b", "matin"],
                   "effectif": [5.0, 5.0, 20.0]}), "même total"),
])
def test_weighting_errors_name_the_value(responses, margins, fragment):
    with pytest.raises(WeightingError, match=fragment):
        if "demi_journee" in responses:
            rake(responses, margins, ["service", "demi_journee"])
        else:
            poststratify(responses, margins)


def test_collapse_merges_categories():
    responses = pd.DataFrame({"service": ["a", "a", "c"], "q": [4, 1, 3]})
    margins = pd.DataFrame({"variable": "service", "modalite": ["a", "b", "c"], "effectif": [5.0, 3.0, 2.0]})
    weights = poststratify(responses, margins, collapse={"b": "c"})
    assert weights.values.tolist() == [2.5, 2.5, 5.0]


def test_raking_that_cannot_converge_is_an_error():
    responses = pd.DataFrame({"service": ["a", "b"], "demi_journee": ["matin", "apres_midi"], "q": [4, 1]})
    margins = pd.DataFrame({"variable": ["service", "service", "demi_journee", "demi_journee"],
                            "modalite": ["a", "b", "matin", "apres_midi"], "effectif": [10.0, 10.0, 5.0, 15.0]})
    with pytest.raises(WeightingError, match="ne converge pas"):
        rake(responses, margins, ["service", "demi_journee"], max_iter=200)


def test_answers_outside_the_scale_are_an_error():
    responses = pd.DataFrame({"service": ["a", "a"], "q": [4, 7]})
    with pytest.raises(WeightingError, match="1-4"):
        proportion(responses, "q")


@st.composite
def samples(draw):
    n = draw(st.integers(min_value=6, max_value=40))
    services = draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n))
    halves = draw(st.lists(st.sampled_from(["matin", "apres_midi"]), min_size=n, max_size=n))
    answers = draw(st.lists(st.one_of(st.none(), st.integers(1, 4)), min_size=n, max_size=n))
    responses = pd.DataFrame({"service": services, "demi_journee": halves, "q": answers})
    return responses.assign(q=responses["q"].astype("float"))


@settings(max_examples=60, deadline=None)
@given(responses=samples(), share_a=st.floats(0.1, 0.8), share_matin=st.floats(0.2, 0.8))
def test_properties(responses, share_a, share_matin):
    present = sorted(responses["service"].unique())
    shares = np.array([share_a] + [1.0] * (len(present) - 1))
    margins = pd.DataFrame({"variable": "service", "modalite": present, "effectif": 1000 * shares / shares.sum()})
    weights = poststratify(responses, margins)
    np.testing.assert_allclose(weights.values.groupby(responses["service"]).sum().reindex(present), margins["effectif"],
                               rtol=1e-9)
    estimate = proportion(responses, "q", weights, ci="beta")
    if estimate.n:
        assert 0 <= estimate.estimate <= 1
        assert estimate.ci_low <= estimate.estimate + 1e-12 and estimate.estimate <= estimate.ci_high + 1e-12
    # margins proportional to the sample: the weighted estimate is the unweighted one
    counts = responses["service"].value_counts()
    proportional = pd.DataFrame({"variable": "service", "modalite": counts.index, "effectif": 7.0 * counts.to_numpy()})
    flat = proportion(responses, "q", poststratify(responses, proportional))
    if flat.n:
        assert flat.estimate == pytest.approx(flat.unweighted)
