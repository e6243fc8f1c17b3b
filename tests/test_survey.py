"""Survey weighting and estimates against R's survey package (tests/reference/), plus properties."""

from __future__ import annotations

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualepref_analysis.analysis.survey import (WeightingError, WeightingWarning, campaign_weights,
                                                campaign_weights_or_none, poststratify, proportion, rake,
                                                weighted_shares)
from qualepref_analysis.errors import QualeprefWarning

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


@pytest.mark.parametrize("method, variables", [("poststratification", ("service",)),
                                               ("raking", ("service", "demi_journee")), ("none", None)])
def test_every_campaign_at_once_gives_rs_standard_errors(reference, data, method, variables):
    """weighted_shares (the indicator's engine): each group's linearised SE equals R's svymean SE."""
    responses, margins = data
    responses = responses.assign(site="s", campagne="2022")
    margins = None if variables is None else margins.assign(site="s", campagne="2022")
    for question, ref in reference[method]["questions"].items():
        out = weighted_shares(responses, margins, question, variables=variables or ("service",))
        assert out["part"].iloc[0] == pytest.approx(100 * ref["estimate"], abs=1e-6)
        assert out["erreur_type"].iloc[0] == pytest.approx(100 * ref["se"], rel=1e-6), question


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
    with pytest.warns(QualeprefWarning, match="poids plafonnés"):
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


def test_interval_without_sampling_variance_does_not_cross():
    """Each service answering alike: the variance is rounding (1e-33), not a 1e32 « effective size »
    whose beta quantiles cross (found by the property test below: low 0,666666662 above high 0,666666659)."""
    responses = pd.DataFrame({"service": ["b", "a", "b", "b", "c", "b", "c"], "demi_journee": "matin",
                              "q": [np.nan, 1.0, np.nan, np.nan, 3.0, np.nan, 3.0]})
    margins = pd.DataFrame({"variable": "service", "modalite": ["a", "b", "c"], "effectif": [200.0, 400.0, 400.0]})
    weights = poststratify(responses, margins)
    for ci in ("beta", "wilson", "logit"):
        estimate = proportion(responses, "q", weights, ci=ci)
        assert estimate.estimate == pytest.approx(2 / 3)  # a (200) unsatisfied, c (400) satisfied: 400 / 600
        assert estimate.ci_low <= estimate.estimate <= estimate.ci_high, ci


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


# --- One engine for one campaign and for all of them; warnings when results cannot be weighted as asked ---

LABELS = {"antony": "Sous-préfecture d'Antony", "boulogne": "Sous-préfecture de Boulogne-Billancourt"}


def _two_campaigns():
    """Antony can be post-stratified; Boulogne's margin « c » has no respondent."""
    responses = pd.DataFrame({"site": ["antony"] * 4 + ["boulogne"] * 3, "campagne": "2022-T4",
                              "service": ["a", "a", "b", "b", "a", "a", "b"], "q_global": [4, 1, 3, 4, 4, 1, 2]})
    margins = pd.DataFrame({"site": ["antony", "antony", "boulogne", "boulogne", "boulogne"], "campagne": "2022-T4",
                            "variable": "service", "modalite": ["a", "b", "a", "b", "c"],
                            "effectif": [30.0, 70.0, 10.0, 10.0, 5.0]})
    return responses, margins


def test_a_margin_without_respondent_warns_and_leaves_the_campaign_unweighted():
    responses, margins = _two_campaigns()
    with pytest.warns(QualeprefWarning) as met:
        shares = weighted_shares(responses, margins, "q_global", site_labels=LABELS).set_index("site")
    messages = [str(w.message) for w in met if issubclass(w.category, QualeprefWarning)]
    assert len(messages) == 1
    assert messages[0].startswith("enquête de la sous-préfecture de Boulogne-Billancourt, campagne 2022-T4 : "
                                  "redressement impossible (marge(s) de « service » sans aucun répondant : c")
    assert messages[0].endswith(": résultats non pondérés")
    # by hand: Boulogne unweighted, 1 satisfied (the 4) of 3; Antony a = 30 / 2 = 15, b = 70 / 2 = 35 each,
    # satisfied 15 + 35 + 35 of 100
    assert not shares.loc["boulogne", "pondere"] and shares.loc["boulogne", "part"] == pytest.approx(100 / 3)
    assert "sans aucun répondant" in shares.loc["boulogne", "raison"]
    assert shares.loc["antony", "pondere"] and shares.loc["antony", "part"] == pytest.approx(85.0)
    assert shares.loc["antony", "raison"] == ""
    # the same campaign alone: refused by campaign_weights, warned and unweighted by campaign_weights_or_none
    boulogne = responses[responses["site"] == "boulogne"]
    mine = margins[margins["site"] == "boulogne"]
    with pytest.raises(WeightingError, match="sans aucun répondant : c"):
        campaign_weights(boulogne, mine)
    with pytest.warns(WeightingWarning, match="enquête de la sous-préfecture de Boulogne-Billancourt, campagne 2022-T4"):
        weights, reason = campaign_weights_or_none(boulogne, mine, site_labels=LABELS)
    assert weights is None and reason.startswith("redressement impossible (") and reason.endswith("non pondérés")
    with pytest.warns(WeightingWarning, match="aucune marge de fréquentation"):
        assert campaign_weights_or_none(boulogne, None) == (None, "aucune marge de fréquentation pour cette "
                                                                  "campagne : résultats non pondérés")


def test_a_cap_that_binds_says_how_many_weights_it_capped(data):
    responses, margins = data
    with pytest.warns(QualeprefWarning) as met:
        weights = rake(responses.assign(site="antony", campagne="2022-T4"), margins, ["service", "demi_journee"],
                       cap=4.0, site_labels=LABELS)
    values = weights.values
    at_cap = int(np.isclose(values, 4.0 * values.mean(), rtol=1e-9).sum())  # counted on the weights themselves
    assert at_cap > 0 and weights.convergence.capped == at_cap
    message = str(met[0].message)
    assert message.startswith("enquête de la sous-préfecture d'Antony, campagne 2022-T4 : ")
    assert f"{at_cap} poids plafonnés à 4 fois le poids moyen" in message
    # every campaign at once: the same weights, the same warning
    sample = responses.assign(site="antony", campagne="2022-T4")
    with pytest.warns(QualeprefWarning, match=f"campagne 2022-T4 : {at_cap} poids plafonnés"):
        shares = weighted_shares(sample, margins.assign(site="antony", campagne="2022-T4"), "q_global", cap=4.0,
                                 site_labels=LABELS)
    assert shares["poids_plafonnes"].tolist() == [at_cap] and shares["pondere"].all()
    assert shares["part"].iloc[0] == pytest.approx(100 * proportion(responses, "q_global", weights).estimate, rel=1e-12)


def test_raking_that_cannot_converge_warns_when_left_unweighted():
    responses = pd.DataFrame({"site": "antony", "campagne": "2022", "service": ["a", "b"],
                              "demi_journee": ["matin", "apres_midi"], "q": [4, 1]})
    margins = pd.DataFrame({"site": "antony", "campagne": "2022",
                            "variable": ["service", "service", "demi_journee", "demi_journee"],
                            "modalite": ["a", "b", "matin", "apres_midi"], "effectif": [10.0, 10.0, 5.0, 15.0]})
    with pytest.warns(QualeprefWarning, match="campagne 2022 : redressement impossible .*ne converge pas"):
        shares = weighted_shares(responses, margins, "q", max_iter=200, site_labels=LABELS)
    assert not shares["pondere"].iloc[0] and shares["part"].iloc[0] == pytest.approx(50.0)


def test_one_variable_raking_is_the_poststratification(data):
    responses, margins = data
    np.testing.assert_allclose(rake(responses, margins, ["service"]).values, poststratify(responses, margins).values,
                               rtol=1e-12)


@pytest.fixture(scope="module")
def demo_survey(params):
    from qualepref_analysis import load_data_dir

    from conftest import DEMO_DIR

    bundle = load_data_dir(DEMO_DIR, params)
    return bundle.frame("enquetes"), bundle.frame("marges")


@pytest.mark.parametrize("options", [{}, {"cap": 4.0}, {"collapse": {"service": {"pan": "accueil_general"}}},
                                     {"cap": 5.0, "collapse": {"service": {"cert": "autres", "pan": "autres"}}},
                                     {"variables": ("service",)}])
def test_every_campaign_at_once_equals_each_campaign_alone(demo_survey, options):
    # weighted_shares (the indicator) and campaign_weights (section 03) are one engine: same figures whatever the options
    survey, margins = demo_survey
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QualeprefWarning)  # caps may bind: said, and checked above
        shares = weighted_shares(survey, margins, "q_global", **options).set_index(["site", "campagne"])
        for (site, campaign), responses in survey.groupby(["site", "campagne"], observed=True):
            mine = margins[(margins["site"] == site) & (margins["campagne"] == campaign)]
            weights, _ = campaign_weights_or_none(responses, mine, **options)
            expected = 100 * proportion(responses, "q_global", weights).estimate
            assert shares.loc[(site, campaign), "part"] == pytest.approx(expected, rel=1e-12)
            assert bool(shares.loc[(site, campaign), "pondere"]) is (weights is not None)
            capped = 0 if weights is None else weights.convergence.capped
            assert shares.loc[(site, campaign), "poids_plafonnes"] == capped


@settings(max_examples=40, deadline=None)
@given(data=st.data(), groups=st.integers(2, 4), cap=st.sampled_from([None, 3.0, 5.0]))
def test_groups_are_raked_as_if_alone(data, groups, cap):
    # raking every campaign at once gives each the weights it gets alone (or the same refusal), whatever the others
    frames, margins = [], []
    for g in range(groups):
        responses = data.draw(samples()).assign(site=f"s{g}", campagne="2022")
        shares = data.draw(st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3))
        halves = data.draw(st.floats(0.2, 0.8))
        services = sorted(responses["service"].unique()) if data.draw(st.booleans()) else ["a", "b", "c"]
        total = 1000.0 * (g + 1)
        rows = [("service", s, total * x / sum(shares[:len(services)])) for s, x in zip(services, shares)]
        rows += [("demi_journee", "matin", total * halves), ("demi_journee", "apres_midi", total * (1 - halves))]
        frames.append(responses)
        margins.append(pd.DataFrame(rows, columns=["variable", "modalite", "effectif"]).assign(site=f"s{g}",
                                                                                               campagne="2022"))
    survey, margins = pd.concat(frames, ignore_index=True), pd.concat(margins, ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", QualeprefWarning)
        together = weighted_shares(survey, margins, "q", cap=cap, max_iter=300).set_index("site")
        for g in range(groups):
            site = f"s{g}"
            mine = survey[survey["site"] == site]
            try:
                weights = rake(mine, margins[margins["site"] == site], ["service", "demi_journee"], cap=cap,
                               max_iter=300)
            except WeightingError:
                weights = None
            assert bool(together.loc[site, "pondere"]) is (weights is not None)
            expected = proportion(mine, "q", weights).estimate
            if not np.isnan(expected):
                assert together.loc[site, "part"] == pytest.approx(100 * expected, rel=1e-12)
