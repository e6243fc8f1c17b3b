"""The demo data reproduce the 2022 figures of SEED_FIGURES through the library."""

from __future__ import annotations

import pytest

from qualepref_analysis import load_data_dir
from qualepref_analysis.analysis.indicators import compute_indicators
from qualepref_analysis.report.disclosure import Disclosure

from conftest import DEMO_DIR


@pytest.fixture(scope="module")
def catalogue(params):
    return Disclosure.from_params(params).indicators(compute_indicators(load_data_dir(DEMO_DIR, params), params))


def value(catalogue, code, site, year=2022, detail=""):
    row = catalogue[(catalogue["code"] == code) & (catalogue["site"] == site) & (catalogue["annee"] == year)
                    & (catalogue["detail"] == detail)]
    assert len(row) == 1
    return row.iloc[0]


@pytest.mark.parametrize("site, year, count", [("prefecture", 2022, 376), ("antony", 2022, 14), ("boulogne", 2022, 5),
                                               ("antony", 2021, 2), ("boulogne", 2021, 14)])
def test_complaint_counts(catalogue, site, year, count):
    assert value(catalogue, "reclamations_nombre", site, year)["valeur"] == count


def test_prefecture_complaints(catalogue):
    rate = value(catalogue, "reclamations_taux_delai", "prefecture")
    assert rate["valeur"] == pytest.approx(73.6, abs=1) and rate["evaluation"] == "non_atteint"
    assert rate["valeur_annee_precedente"] == pytest.approx(45, abs=2)
    mean = value(catalogue, "reclamations_delai_moyen", "prefecture")
    assert mean["valeur"] == pytest.approx(3.7, abs=0.2) and mean["valeur_annee_precedente"] == pytest.approx(4.1, abs=0.2)


@pytest.mark.parametrize("site, mean, rate", [("prefecture", 3.0, 24.8), ("antony", 1.28, 82.7), ("boulogne", 1.80, 80.4)])
def test_email_information(catalogue, site, mean, rate):
    assert value(catalogue, "information_courriel_delai_moyen", site)["valeur"] == pytest.approx(mean, abs=0.15)
    assert value(catalogue, "information_courriel_taux_5j", site)["valeur"] == pytest.approx(rate, abs=1.5)


def test_calls_all_sites_and_website(catalogue):
    calls = catalogue[(catalogue["code"] == "appels_taux_decroches") & (catalogue["annee"] == 2022)]
    assert 100 * calls["numerateur"].sum() / calls["denominateur"].sum() == pytest.approx(93, abs=0.5)
    assert value(catalogue, "site_internet_nombre", "prefecture")["valeur"] == 1375
    assert value(catalogue, "site_internet_taux_3j", "prefecture")["valeur"] == 100


def test_pan_and_chatbot(catalogue):
    assert value(catalogue, "pan_visites_mois", "prefecture", detail="ants")["valeur"] == pytest.approx(340, abs=5)
    assert value(catalogue, "chatbot_conversations", "prefecture")["valeur"] > 0


def test_satisfaction_counts_match_the_minutes(catalogue):
    # Unweighted counts as in the minutes (85,7 %, 90 %, 92,5 %); the value is weighted.
    for site, share in (("prefecture", 85.7), ("antony", 90.0), ("boulogne", 92.5)):
        row = value(catalogue, "satisfaction_globale", site)
        assert 100 * row["numerateur"] / row["denominateur"] == pytest.approx(share, abs=0.1)
        assert row["valeur"] != pytest.approx(share, abs=0.1)  # weighting moves the figure
