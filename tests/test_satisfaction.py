"""Section 03 library: campaigns, estimates with small cells, narrative, records."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis import load_data_dir
from qualepref_analysis.analysis.indicators import CATALOGUE, compute_indicators
from qualepref_analysis.errors import QualeprefWarning
from qualepref_analysis.io.params import Params
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.satisfaction import (campaigns_for_year, dimension_by_service, prepare_site_survey,
                                             question_estimates, question_records, satisfaction_narrative)

from conftest import DEMO_DIR

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def bundle(params):
    return load_data_dir(DEMO_DIR, params)


def test_campaign_of_the_year_and_the_one_before(bundle):
    survey = bundle.frame("enquetes")
    assert campaigns_for_year(survey, site="prefecture", year=2022) == ("2022", "2021")
    assert campaigns_for_year(survey, site="prefecture", year=2021) == ("2021", None)
    assert campaigns_for_year(survey, site="prefecture", year=2019) == (None, None)


def test_demo_site_survey(bundle, params):
    view = prepare_site_survey(bundle.frame("enquetes"), bundle.frame("marges"), site="boulogne", year=2022,
                               params=params)
    assert view.available and view.method == "raking" and len(view.responses) == 105
    glob = view.estimates.set_index("question").loc["q_global"]
    assert glob["n"] == 93 and glob["brut"] == pytest.approx(100 * 86 / 93)
    assert glob["ic_bas"] <= glob["pondere"] <= glob["ic_haut"]
    records = question_records(view.estimates, method=view.method)
    assert records["methode"] == "raking"
    assert set(records["questions"]["q_global"]) == {"n", "brut", "pondere", "se", "ic_bas", "ic_haut", "deff",
                                                      "n_effectif", "evolution"}
    assert records["questions"]["q_global"]["evolution"] is None  # no previous campaign given
    # the effective size that goes with the design effect, never Kish's beside it
    assert glob["n_effectif"] == pytest.approx(glob["n"] / glob["deff"])
    before = question_records(view.estimates, method=view.method, previous=view.previous)["questions"]["q_global"]
    old = view.previous.set_index("question").loc["q_global"]
    half = 1.959964 * (glob["se"] ** 2 + old["se"] ** 2) ** 0.5  # by hand: independent campaigns
    assert before["evolution"]["ic_bas"] == pytest.approx(glob["pondere"] - old["pondere"] - half, abs=1e-4)
    # q_service_rendu was not asked at the préfecture: the column is dropped there, not reported as 0 answers
    pref = prepare_site_survey(bundle.frame("enquetes"), bundle.frame("marges"), site="prefecture", year=2022,
                               params=params)
    assert "q_service_rendu" not in set(pref.estimates["question"])


def test_absent_survey_says_so(params):
    view = prepare_site_survey(None, None, site="antony", year=2022, params=params)
    assert not view.available and "absent" in view.message


def test_small_cells_are_not_published():
    responses = pd.DataFrame({"service": ["a"] * 25, "q_global": [4] * 20 + [1] * 5,
                              "q_pmr": [4, 3, 1] + [np.nan] * 22})
    estimates = question_estimates(responses, None, satisfied=(3, 4), ci="logit", disclosure=Disclosure(10, 20)).set_index("question")
    assert estimates.loc["q_global", "pondere"] == pytest.approx(80)
    assert estimates.loc["q_pmr", "n"] == 3 and np.isnan(estimates.loc["q_pmr", "pondere"])
    assert question_records(estimates.reset_index(), method="aucune")["questions"]["q_pmr"]["pondere"] is None
    heat = dimension_by_service(responses.assign(service=["a"] * 21 + ["b"] * 4), None, satisfied=(3, 4), disclosure=Disclosure(10, 20))
    assert heat.isna().loc[:, heat.columns[1]].all()  # 4 respondents of b: blank


def test_narrative_in_french():
    estimates = pd.DataFrame({"question": ["q_global", "q_attente"], "n": [189, 180], "petit_effectif": [False, False],
                              "brut": [85.714, 70.0], "pondere": [92.0, 75.5], "se": [1.4, 2.0],
                              "ic_bas": [88.6, 71.0], "ic_haut": [94.4, 79.9], "deff": [0.5, 0.6], "n_effectif": [32, 30]})
    previous = estimates.assign(pondere=[89.5, 70.0])
    text = satisfaction_narrative(estimates, previous, site_label="Préfecture des Hauts-de-Seine", target=80,
                                  disclosure=Disclosure(10, 20))
    assert text.startswith(f"92,0{NBSP}% des usagers se déclarent satisfaits de l'accueil à la préfecture des Hauts-de-Seine")
    assert f"contre 85,7{NBSP}% parmi les seuls répondants" in text
    assert f"au-dessus de la cible de 80{NBSP}%" in text
    # +2,5 points against a margin of 1,959964 × √(1,4² + 1,4²) = 3,9 points: within it
    assert "Il est stable par rapport à la campagne précédente" in text and "+2,5 points, reste dans la marge" in text
    assert "« temps d'attente »" in text
    sure = satisfaction_narrative(estimates.assign(se=[0.5, 2.0]), previous.assign(se=[0.5, 2.0]),
                                  site_label="Préfecture des Hauts-de-Seine", target=80, disclosure=Disclosure(10, 20))
    assert "en hausse de 2,5 points par rapport à la campagne précédente" in sure  # 2,5 > 1,96 × √0,5 = 1,4
    assert "un écart supérieur à la marge d'erreur" in sure
    small = estimates.assign(n=[12, 180], petit_effectif=[True, False])
    assert "%" not in satisfaction_narrative(small, None, site_label="Sous-préfecture d'Antony", target=80, disclosure=Disclosure(10, 20))


@pytest.mark.parametrize("site", ["prefecture", "antony", "boulogne"])
def test_the_demo_survey_is_weighted_and_says_when_few_carry_the_weights(bundle, params, site):
    for year in (2021, 2022):
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            view = prepare_site_survey(bundle.frame("enquetes"), bundle.frame("marges"), site=site, year=year,
                                       params=params)
        assert view.available and view.method == "raking"
        # never left unweighted; only the plain-French warning on uneven weights (Kish, heaviest 5 %)
        assert all("les poids sont très inégaux" in message for message in view.warnings), view.warnings
        w = view.weights.values.to_numpy()
        kish = w.sum() ** 2 / (w ** 2).sum()  # by hand
        top = np.sort(w)[::-1][:int(np.ceil(0.05 * len(w)))].sum() / w.sum()
        concentrated = kish < 0.3 * len(w) or top > 0.25
        assert any(view.campaign in m.split(" : ")[0] for m in view.warnings) == concentrated, (year, kish, top)
    with warnings.catch_warnings():
        warnings.simplefilter("error", QualeprefWarning)
        if site == "prefecture":  # the indicator, every site and campaign at once
            satisfaction = tuple(i for i in CATALOGUE if i.code == "satisfaction_globale")
            values = compute_indicators(bundle, params, catalogue=satisfaction)
            assert len(values) == 6 and (values["detail"] == "").all()


def test_section_records_the_warnings_it_met(bundle, params):
    margins = bundle.frame("marges")
    # a margin without respondent at Boulogne in 2022 (the half-day margin raised by as much: same totals)
    campaign = (margins["site"] == "boulogne") & (margins["campagne"] == "2022")
    matin = campaign & (margins["modalite"] == "matin")
    extra = margins[campaign & (margins["variable"] == "service")].head(1).assign(modalite="guichet_fictif",
                                                                                  effectif=100)
    margins = pd.concat([margins.assign(effectif=margins["effectif"].where(~matin, margins["effectif"] + 100)), extra],
                        ignore_index=True)
    # by default the service nobody answered joins « autres services »: weighted, and said
    with warnings.catch_warnings(record=True):
        warnings.simplefilter("always")
        merged = prepare_site_survey(bundle.frame("enquetes"), margins, site="boulogne", year=2022, params=params)
    assert merged.method == "raking" and "guichet_fictif" in merged.merges[0].mapping
    # without merging (min_repondants_strate: 0), the campaign is left unweighted and the section says why
    settings = params.settings.as_dict()
    unmerged = Params(params.directory, params.prefecture, params.sites, {},
                      {**settings, "enquetes": {**settings["enquetes"], "min_repondants_strate": 0}})
    with pytest.warns(QualeprefWarning, match="campagne 2022 : redressement impossible"):
        view = prepare_site_survey(bundle.frame("enquetes"), margins, site="boulogne", year=2022, params=unmerged)
    assert view.method == "aucune" and len([m for m in view.warnings if "campagne 2022" in m]) == 1
    assert view.warnings[0].startswith("enquête de la sous-préfecture de Boulogne-Billancourt, campagne 2022 : "
                                       "redressement impossible (marge(s) de « service » sans aucun répondant : "
                                       "guichet_fictif")
    assert view.reason.startswith("redressement impossible (marge(s) de « service » sans aucun répondant")
    glob = view.estimates.set_index("question").loc["q_global"]
    assert glob["pondere"] == pytest.approx(glob["brut"])  # unweighted
    # the campaign before (2021) is weighted: no warning for it
    assert not any("campagne 2021" in message for message in view.warnings)
