"""The indicator catalogue on small hand-made registers (expected values computed by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.analysis.indicators import CATALOGUE, compute_indicators
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.records import indicator_records
from qualepref_analysis.io.params import Params
from qualepref_analysis.analysis.survey import WeightingError, poststratify, weighted_share

from conftest import make_register


def _params(params, **settings):
    return Params(params.directory, params.prefecture, params.sites, {}, {**params.settings.as_dict(), **settings})



def _row(frame, code, site, year, detail=""):
    found = frame[(frame["code"] == code) & (frame["site"] == site) & (frame["annee"] == year) & (frame["detail"] == detail)]
    assert len(found) == 1, (code, site, year, detail)
    return found.iloc[0]


def test_catalogue_codes_match_indicators_md():
    assert [i.code for i in CATALOGUE] == [
        "reclamations_nombre", "reclamations_taux_delai", "reclamations_delai_moyen", "information_courriel_nombre",
        "information_courriel_taux_5j", "information_courriel_delai_moyen", "appels_taux_decroches",
        "site_internet_taux_3j", "site_internet_nombre", "pan_visites_mois", "chatbot_conversations",
        "satisfaction_globale"]


def test_complaint_rate_excludes_pending_and_uses_small_cells(params):
    # 12 complaints at Antony, January 2022, extraction Friday 14 January.
    # 8 e-mails answered 2 working days later (in time), 1 answered after 7 (late),
    # 1 unanswered received 3 Jan (overdue), 2 unanswered received 12 Jan (pending, due 19 Jan).
    rows = [(f"a{i}", "antony", "reclamation", "courriel", "2022-01-03", "2022-01-05") for i in range(8)]
    rows += [("late", "antony", "reclamation", "courriel", "2022-01-03", "2022-01-12"),
             ("over", "antony", "suggestion", "courriel", "2022-01-03", None),
             ("p1", "antony", "reclamation", "courriel", "2022-01-12", None),
             ("p2", "antony", "reclamation", "courriel", "2022-01-12", None),
             ("b1", "boulogne", "reclamation", "courrier", "2022-01-03", "2022-01-04"),
             ("info", "antony", "information", "courriel", "2022-01-03", "2022-01-04")]
    raw = compute_indicators({"correspondances": make_register(rows)},
                             _params(params, date_extraction=pd.Timestamp("2022-01-14").date()))
    assert _row(raw, "reclamations_delai_moyen", "antony", 2022)["evaluation"] == "atteint"  # computed whatever its base
    out = Disclosure(threshold=10, survey_threshold=20).indicators(raw)
    count = _row(out, "reclamations_nombre", "antony", 2022)
    assert count["valeur"] == 12
    rate = _row(out, "reclamations_taux_delai", "antony", 2022)
    # 8 in time / (12 − 2 pending) = 80 %
    assert (rate["numerateur"], rate["denominateur"], rate["en_attente"]) == (8, 10, 2)
    assert rate["valeur"] == pytest.approx(80.0)
    assert rate["evaluation"] == "atteint" and bool(rate["atteint"]) is True
    mean = _row(out, "reclamations_delai_moyen", "antony", 2022)
    # (8 × 2 + 7) / 9 answered = 23 / 9
    assert mean["valeur"] == pytest.approx(23 / 9) and mean["denominateur"] == 9
    assert mean["petit_effectif"] and mean["evaluation"] == "non_evaluable"  # 9 answers < 10
    tiny = _row(out, "reclamations_taux_delai", "boulogne", 2022)
    assert tiny["petit_effectif"] and tiny["evaluation"] == "non_evaluable" and pd.isna(tiny["atteint"])
    records = indicator_records(out, site="boulogne", year=2022)
    assert records["reclamations_taux_delai"]["valeur"] is None  # no percentage on 1 item
    assert records["reclamations_taux_delai"]["numerateur"] == 1 and records["reclamations_taux_delai"]["denominateur"] == 1


def test_information_rate_uses_its_own_deadline(params):
    # A 7-day deadline for e-mail information requests: an answer after 6 working days is in time.
    rows = [(f"i{i}", "antony", "information", "courriel", "2022-03-01", "2022-03-09") for i in range(10)]
    rows += [("c", "antony", "information", "courrier", "2022-03-01", None)]  # not an e-mail: ignored
    out = compute_indicators({"correspondances": make_register(rows)},
                             _params(params, delai_information_courriel_jours_ouvres=7))
    rate = _row(out, "information_courriel_taux_5j", "antony", 2022)
    assert (rate["numerateur"], rate["denominateur"], rate["valeur"]) == (10, 10, 100)
    assert _row(out, "information_courriel_nombre", "antony", 2022)["valeur"] == 10
    assert _row(out, "information_courriel_delai_moyen", "antony", 2022)["valeur"] == 6


def test_year_over_year_change_in_points(params):
    rows = [(f"a{i}", "antony", "reclamation", "courriel", "2021-03-01", "2021-03-02" if i < 5 else "2021-04-01")
            for i in range(10)]
    rows += [(f"b{i}", "antony", "reclamation", "courriel", "2022-03-01", "2022-03-02" if i < 8 else "2022-04-01")
             for i in range(10)]
    out = compute_indicators({"correspondances": make_register(rows)}, params)
    rate = _row(out, "reclamations_taux_delai", "antony", 2022)
    assert rate["valeur"] == 80 and rate["valeur_annee_precedente"] == 50 and rate["evolution"] == pytest.approx(30)
    count = _row(out, "reclamations_nombre", "antony", 2022)
    assert count["evolution_relative"] == 0


def test_calls_website_pan_and_chatbot(params):
    calls = pd.DataFrame({"site": ["antony"] * 3, "mois": pd.PeriodIndex(["2022-01", "2022-02", "2021-12"], freq="M"),
                          "appels_recus": [100, 300, 50], "appels_decroches": [90, 240, 50]})
    web = pd.DataFrame({"id": ["w1", "w2", "w3", "w4"], "site": ["prefecture"] * 4,
                        "date_demande": pd.to_datetime(["2022-07-13", "2022-07-13", "2022-12-29", "2022-03-01"]),
                        "date_publication": pd.to_datetime(["2022-07-18", "2022-07-22", "2023-01-02", None])})
    pan = pd.DataFrame({"site": "prefecture", "mois": pd.PeriodIndex(["2022-01", "2022-01", "2022-03"], freq="M"),
                        "pan": "ants", "demarche": ["permis", "cni", "permis"], "visites": [100, 50, 30]})
    bot = pd.DataFrame({"mois": pd.PeriodIndex(["2022-03", "2022-04"], freq="M"), "theme": None,
                        "conversations": [10, 15]})
    out = compute_indicators({"appels": calls, "site_internet": web, "frequentation_pan": pan, "chatbot": bot},
                             _params(params, date_extraction=pd.Timestamp("2023-01-31").date()))
    # Rate of the year, not the mean of monthly rates: (90 + 240) / (100 + 300) = 82,5 % (mean of months would be 85 %).
    assert _row(out, "appels_taux_decroches", "antony", 2022)["valeur"] == pytest.approx(82.5)
    assert _row(out, "appels_taux_decroches", "antony", 2022)["evaluation"] == "non_atteint"
    web_rate = _row(out, "site_internet_taux_3j", "prefecture", 2022)
    # w1: 2 days (14 July off) in time; w2: 6 days late; w3: (29 Dec, 2 Jan] = 30 Dec, 2 Jan = 2 in time;
    # w4 never published, overdue → 2 / 4
    assert (web_rate["numerateur"], web_rate["denominateur"]) == (2, 4)
    assert _row(out, "site_internet_nombre", "prefecture", 2022)["valeur"] == 2  # published in 2022
    assert _row(out, "site_internet_nombre", "prefecture", 2023)["valeur"] == 1
    # PAN: 150 in January, 30 in March; mean over the 2 months with data = 90
    assert _row(out, "pan_visites_mois", "prefecture", 2022, "ants")["valeur"] == 90
    assert _row(out, "chatbot_conversations", "prefecture", 2022)["valeur"] == 25


def test_poststratification_by_hand():
    responses = pd.DataFrame({"service": ["a", "a", "a", "b"], "q_global": [4, 1, np.nan, 3]})
    margins = pd.DataFrame({"variable": "service", "modalite": ["a", "b"], "effectif": [30.0, 70.0]})
    weights = poststratify(responses, margins)
    # a: 30 / 3 = 10 each; b: 70 / 1 = 70
    assert weights.values.tolist() == [10, 10, 10, 70]
    # q_global answered by rows 0, 1, 3: satisfied weight 10 + 70 over 10 + 10 + 70
    assert weighted_share(responses["q_global"], weights.values) == pytest.approx(100 * 80 / 90)
    assert weighted_share(responses["q_global"], None) == pytest.approx(100 * 2 / 3)
    with pytest.raises(WeightingError, match="c"):
        poststratify(responses.assign(service=["a", "a", "c", "b"]), margins)
    with pytest.raises(WeightingError, match="sans aucun répondant"):
        poststratify(responses[responses["service"] == "a"], margins)


def test_vectorised_shares_equal_per_campaign_weighting(params):
    from qualepref_analysis import load_data_dir
    from qualepref_analysis.analysis.survey import campaign_weights, proportion, weighted_shares

    from conftest import DEMO_DIR

    bundle = load_data_dir(DEMO_DIR, params)
    survey, margins = bundle.frame("enquetes"), bundle.frame("marges")
    # Boulogne 2021 loses its "cert" margin → left unweighted; Antony 2021 keeps only the service margin
    margins = margins[~((margins["site"] == "boulogne") & (margins["campagne"] == "2021") & (margins["modalite"] == "cert"))]
    margins = margins[~((margins["site"] == "antony") & (margins["campagne"] == "2021") & (margins["variable"] == "demi_journee"))]
    shares = weighted_shares(survey, margins, "q_global").set_index(["site", "campagne"])
    for (site, campaign), responses in survey.groupby(["site", "campagne"]):
        mine = margins[(margins["site"] == site) & (margins["campagne"] == campaign)]
        try:
            weights = campaign_weights(responses, mine)
        except WeightingError:
            weights = None
        expected = proportion(responses, "q_global", weights).estimate * 100
        assert shares.loc[(site, campaign), "part"] == pytest.approx(expected, rel=1e-9)
        assert bool(shares.loc[(site, campaign), "pondere"]) is (weights is not None)
        if weights is not None:
            assert weights.method == ("poststratification" if (site, campaign) == ("antony", "2021") else "raking")
    assert not shares.loc[("boulogne", "2021"), "pondere"]
