"""Delays, statuses at the extraction date, and Kaplan–Meier against lifelines."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.analysis.delays import correspondence_delays, extraction_date, delay_ecdf, item_delays, kaplan_meier, time_to_answer
from qualepref_analysis.io.params import Params

from conftest import make_register



def test_statuses_at_the_extraction_date(params):
    # Extraction on Friday 14 January 2022. Hand calendar: e-mail deadline 5 working days, letter 10.
    params = Params(params.directory, params.prefecture, params.sites, {},
                    {**params.settings.as_dict(), "date_extraction": pd.Timestamp("2022-01-14").date()})
    items = make_register([
        ("a", "antony", "reclamation", "courriel", "2022-01-03", "2022-01-10"),  # 5 days: in time
        ("b", "antony", "reclamation", "courriel", "2022-01-03", "2022-01-11"),  # 6 days: late
        ("c", "antony", "reclamation", "courriel", "2022-01-03", None),  # due Mon 10 ≤ 14: overdue
        ("d", "antony", "reclamation", "courriel", "2022-01-07", None),  # due Fri 14 = extraction: overdue
        ("e", "antony", "reclamation", "courriel", "2022-01-10", None),  # due Mon 17 > 14: pending
        ("f", "antony", "reclamation", "courrier", "2022-01-03", None),  # due Mon 17 (10 days): pending
    ])
    out = correspondence_delays(items, params, extraction=pd.Timestamp("2022-01-14"))
    assert out["statut"].tolist() == ["dans_les_delais", "en_retard", "sans_reponse_hors_delai",
                                      "sans_reponse_hors_delai", "en_attente", "en_attente"]
    assert out["delai"].tolist()[:2] == [5, 6] and out["delai"].isna().sum() == 4
    assert [str(d.date()) for d in out["date_echeance"]] == [
        "2022-01-10", "2022-01-10", "2022-01-10", "2022-01-14", "2022-01-17", "2022-01-17"]
    # censored at the extraction date: (3 Jan, 14 Jan] = 9 working days; (10 Jan, 14 Jan] = 4
    assert out["duree_observee"].tolist() == [5, 6, 9, 5, 4, 9]


def test_default_extraction_date_is_the_latest_date_in_the_register(params):
    items = make_register([("a", "antony", "reclamation", "courriel", "2022-01-03", "2022-01-20"),
                    ("b", "antony", "reclamation", "courriel", "2022-01-17", None)])
    extraction = extraction_date(items, columns=("date_reception", "date_reponse"))
    assert extraction == pd.Timestamp("2022-01-20")
    assert extraction_date(items, columns=("date_reception",), declared=dt.date(2022, 2, 1)) == pd.Timestamp("2022-02-01")
    assert extraction_date(items.iloc[:0], columns=("date_reception", "date_reponse")) is pd.NaT
    out = correspondence_delays(items, params, extraction=extraction)
    assert out["statut"].tolist()[1] == "en_attente"  # due 24 January


def test_alsace_moselle_site_uses_its_calendar(params):
    from qualepref_analysis.io.params import Site

    sites = dict(params.sites)
    sites["metz"] = Site("metz", "Préfecture de la Moselle", "prefecture", "alsace_moselle")
    params = Params(params.directory, params.prefecture, sites, {}, params.settings)
    items = make_register([("a", "metz", "reclamation", "courriel", "2022-12-23", "2022-12-27"),
                    ("b", "antony", "reclamation", "courriel", "2022-12-23", "2022-12-27")])
    assert correspondence_delays(items, params, extraction=pd.Timestamp("2022-12-31"))["delai"].tolist() == [1, 2]


def test_unknown_channel_deadline_is_a_clear_error(params):
    settings = {**params.settings.as_dict(), "delais_jours_ouvres": {"courriel": 5}}
    params = Params(params.directory, params.prefecture, params.sites, {}, settings)
    items = make_register([("a", "antony", "reclamation", "urne", "2022-01-03", None)])
    with pytest.raises(Exception, match="urne"):
        correspondence_delays(items, params, extraction=pd.Timestamp("2022-01-31"))


def test_kaplan_meier_matches_lifelines():
    lifelines = pytest.importorskip("lifelines")
    rng = np.random.default_rng(7)
    durations = rng.integers(0, 25, size=400).astype(float)
    answered = rng.random(400) < 0.7
    ours = kaplan_meier(durations, answered)
    reference = lifelines.KaplanMeierFitter().fit(durations, event_observed=answered)
    expected = reference.survival_function_["KM_estimate"]
    for t in range(0, 26):
        assert ours.survival_at(t) == pytest.approx(float(expected[expected.index <= t].iloc[-1]), abs=1e-12)
    assert ours.median == reference.median_survival_time_


def test_kaplan_meier_by_hand():
    # durations 1, 2 (censored), 3, 3: S(1) = 3/4; S(3) = 3/4 × (1 − 2/2) = 0.
    km = kaplan_meier([1, 2, 3, 3], [True, False, True, True])
    assert km.survival_at(0) == 1 and km.survival_at(1) == pytest.approx(0.75)
    assert km.survival_at(2) == pytest.approx(0.75) and km.survival_at(3) == 0
    assert km.median == 3 and km.answered_within(1) == pytest.approx(0.25)


def test_time_to_answer_accounts_for_unanswered_items():
    items = pd.DataFrame({"canal": ["courriel"] * 4, "delai": [1, 2, np.nan, np.nan],
                          "duree_observee": [1, 2, 10, 10], "repondu": [True, True, False, False],
                          "delai_max": [5] * 4})
    summary = time_to_answer(items).iloc[0]
    assert summary["sans_reponse"] == 50 and summary["delai_moyen_repondus"] == 1.5
    assert summary["part_dans_delai_km"] == pytest.approx(50) and summary["mediane_km"] == 2


def test_ecdf_is_cumulative_share_of_answered_items():
    items = pd.DataFrame({"delai": [0, 1, 1, 3, np.nan]})
    ecdf = delay_ecdf(items)
    assert ecdf["delai"].tolist() == [0, 1, 3] and ecdf["part"].tolist() == [0.25, 0.75, 1.0]


def test_item_delays_on_website_requests():
    web = pd.DataFrame({"date_demande": pd.to_datetime(["2022-07-13", "2022-07-13"]),
                        "date_publication": pd.to_datetime(["2022-07-18", None])})
    out = item_delays(web, start="date_demande", end="date_publication", deadline_days=3, calendars="metropole",
                      extraction=pd.Timestamp("2022-07-20"))
    # (13, 18 July]: Fri 15, Mon 18 (14 July off) = 2 → in time; the other is due 19 July → overdue on 20 July
    assert out["delai"].tolist()[0] == 2
    assert out["statut"].tolist() == ["dans_les_delais", "sans_reponse_hors_delai"]
