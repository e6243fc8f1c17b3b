"""The demo data reproduce the 2022 figures of SEED_FIGURES.md.

Computed straight from the CSV files with plain pandas, numpy's business-day
count and the ``holidays`` package — independently of the library's loader,
calendar and indicators — following INDICATORS.md:
delay = working days in (receipt, answer]; deadline 5 working days for
e-mail, web form and Services Publics+, 10 for letters and the urn; pending
items (unanswered, deadline after the extraction date = latest date in the
file) leave the denominator.
"""

from __future__ import annotations

import filecmp

import holidays
import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.demo.generator import generate_demo_data

from conftest import DEMO_DIR

DEADLINES = {"courriel": 5, "formulaire_web": 5, "services_publics_plus": 5, "courrier": 10, "urne": 10}


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    frame = pd.read_csv(DEMO_DIR / "correspondances.csv", dtype=str, keep_default_na=False)
    receipt = pd.to_datetime(frame["date_reception"], format="%Y-%m-%d")
    answer = pd.to_datetime(frame["date_reponse"].replace("", None), format="%Y-%m-%d")
    extraction = max(receipt.max(), answer.max())
    days_off = np.array(sorted(holidays.France(years=range(2020, 2025))), dtype="datetime64[D]")
    r = receipt.to_numpy().astype("datetime64[D]")
    a = answer.to_numpy().astype("datetime64[D]")
    one = np.timedelta64(1, "D")
    answered = ~np.isnat(a)
    delay = np.full(len(frame), np.nan)
    delay[answered] = np.busday_count(r[answered] + one, a[answered] + one, holidays=days_off)
    deadline_days = frame["canal"].map(DEADLINES).to_numpy()
    deadline_date = np.busday_offset(r, deadline_days, roll="backward", holidays=days_off)
    pending = ~answered & (deadline_date > np.datetime64(extraction.date()))
    return frame.assign(year=receipt.dt.year, delay=delay, in_time=delay <= deadline_days, pending=pending)


def _rate(items: pd.DataFrame) -> float:
    return 100 * items["in_time"].sum() / (len(items) - items["pending"].sum())


def _complaints(register, site, year):
    return register[(register["site"] == site) & (register["year"] == year)
                    & register["type"].isin(["reclamation", "suggestion"])]


def _email_information(register, site, year):
    return register[(register["site"] == site) & (register["year"] == year)
                    & (register["type"] == "information") & (register["canal"] == "courriel")]


@pytest.mark.parametrize("site, year, count", [
    ("prefecture", 2022, 376), ("antony", 2022, 14), ("boulogne", 2022, 5), ("antony", 2021, 2), ("boulogne", 2021, 14),
])
def test_complaint_counts(register, site, year, count):
    assert len(_complaints(register, site, year)) == count


def test_prefecture_had_more_complaints_in_2021(register):
    assert len(_complaints(register, "prefecture", 2021)) > 376


@pytest.mark.parametrize("year, rate, rate_tol, mean, mean_tol", [(2022, 73.6, 1, 3.7, 0.2), (2021, 45, 2, 4.1, 0.2)])
def test_prefecture_complaint_rate_and_mean_delay(register, year, rate, rate_tol, mean, mean_tol):
    items = _complaints(register, "prefecture", year)
    assert _rate(items) == pytest.approx(rate, abs=rate_tol)
    assert items["delay"].mean() == pytest.approx(mean, abs=mean_tol)


def test_complaint_subjects_at_the_prefecture(register):
    labelled = _complaints(register, "prefecture", 2022)["categorie"]
    shares = labelled[labelled != ""].value_counts(normalize=True) * 100
    assert shares["delai_instruction"] == pytest.approx(43, abs=2)
    assert shares["prise_rdv"] == pytest.approx(37, abs=2)
    assert (labelled == "").any(), "some complaints must be left for the classifier"


@pytest.mark.parametrize("site, mean, rate", [("prefecture", 3.0, 24.8), ("antony", 1.28, 82.7), ("boulogne", 1.80, 80.4)])
def test_email_information_requests(register, site, mean, rate):
    items = _email_information(register, site, 2022)
    assert items["delay"].mean() == pytest.approx(mean, abs=0.15)
    assert _rate(items) == pytest.approx(rate, abs=1.5)


def test_prefecture_many_email_requests_never_answered(register):
    items = _email_information(register, "prefecture", 2022)
    assert items["date_reponse"].eq("").mean() > 0.5


def test_answers_land_on_working_days(register):
    answered = pd.to_datetime(register.loc[register["date_reponse"] != "", "date_reponse"])
    days_off = set(holidays.France(years=range(2020, 2025)))
    assert (answered.dt.day_of_week < 5).all()
    assert not answered.dt.date.isin(days_off).any()


def test_phone_pick_up_rate_2022():
    calls = pd.read_csv(DEMO_DIR / "appels.csv", dtype={"mois": str})
    year = calls[calls["mois"].str.startswith("2022")]
    assert 100 * year["appels_decroches"].sum() / year["appels_recus"].sum() == pytest.approx(93, abs=0.5)


def test_website_updates_2022():
    web = pd.read_csv(DEMO_DIR / "site_internet.csv", dtype=str, keep_default_na=False)
    published = web[web["date_publication"].str.startswith("2022")]
    assert len(published) == 1375
    requested = web[web["date_demande"].str.startswith("2022")]
    days_off = np.array(sorted(holidays.France(years=[2022, 2023])), dtype="datetime64[D]")
    one = np.timedelta64(1, "D")
    delay = np.busday_count(pd.to_datetime(requested["date_demande"]).to_numpy().astype("datetime64[D]") + one,
                            pd.to_datetime(requested["date_publication"]).to_numpy().astype("datetime64[D]") + one,
                            holidays=days_off)
    assert (delay <= 3).all()


SURVEY = {
    "prefecture": {"sejour_etrangers": 102, "naturalisations": 36, "accueil_general": 6, "pan": 2, "autres": 48},
    "antony": {"sejour_etrangers": 165, "accueil_general": 3, "pan": 6, "autres": 2},
    "boulogne": {"sejour_etrangers": 95, "cert": 4, "pan": 6},
}


@pytest.mark.parametrize("site", SURVEY)
def test_survey_respondents_per_service(site):
    survey = pd.read_csv(DEMO_DIR / "enquetes.csv", dtype=str, keep_default_na=False)
    mine = survey[(survey["site"] == site) & (survey["campagne"] == "2022")]
    assert mine["service"].value_counts().to_dict() == SURVEY[site]


@pytest.mark.parametrize("site, share", [("prefecture", 85.7), ("antony", 90), ("boulogne", 92.5)])
def test_survey_unweighted_satisfaction(site, share):
    survey = pd.read_csv(DEMO_DIR / "enquetes.csv", dtype=str, keep_default_na=False)
    answers = survey.loc[(survey["site"] == site) & (survey["campagne"] == "2022"), "q_global"]
    answers = answers[answers != ""].astype(int)
    assert 100 * answers.isin([3, 4]).mean() == pytest.approx(share, abs=0.1)


def test_services_publics_plus_facts():
    indicators = pd.read_csv(DEMO_DIR / "sp_indicateurs.csv", dtype={"valeur": float})
    q4 = indicators[(indicators["periode"] == "2022-T4") & (indicators["perimetre"] == "departement")]
    assert q4.set_index("indicateur")["valeur"].to_dict() == {
        "satisfaction_titres": 77, "delai_cni_passeport": 24, "delai_permis": 33, "delai_immatriculation": 8,
        "effort_teleprocedures": 2.7, "taux_appels_decroches": 95}
    experiences = pd.read_csv(DEMO_DIR / "sp_experiences.csv", dtype=str)
    assert experiences["date"].str.startswith("2022").sum() == 32
    diagnostic = pd.read_csv(DEMO_DIR / "sp_diagnostic.csv")
    d2022 = diagnostic[diagnostic["annee"] == 2022].set_index("engagement")["taux_atteinte"]
    assert d2022.mean() == pytest.approx(61.6, abs=0.05)
    assert d2022.idxmax() == 6 and d2022.max() == 86
    assert d2022.idxmin() == 4 and d2022.min() == pytest.approx(30.6)


@pytest.mark.parametrize("site, plan_2022, plan_2023", [
    ("prefecture", {"realisee": 5}, {"prevue": 5}),
    ("antony", {"realisee": 4}, {"prevue": 2, "en_cours": 2}),
    ("boulogne", {"realisee": 4}, {"prevue": 3, "en_cours": 2}),
])
def test_action_plans(site, plan_2022, plan_2023):
    plans = pd.read_csv(DEMO_DIR / "plan_actions.csv")
    mine = plans[plans["site"] == site]
    assert mine[mine["annee"] == 2022]["statut"].value_counts().to_dict() == plan_2022
    assert mine[mine["annee"] == 2023]["statut"].value_counts().to_dict() == plan_2023


def test_audits():
    audits = pd.read_csv(DEMO_DIR / "audits.csv", dtype=str)
    boulogne = audits[audits["site"] == "boulogne"]
    assert set(boulogne["type"]) == {"renouvellement"} and set(boulogne["module"]) == {"1", "2"}
    assert not (boulogne["resultat"] == "non_conforme").any()
    antony = audits[audits["site"] == "antony"]
    assert set(antony["date_audit"]) == {"2023-02-16"} and set(antony["module"]) == {"1", "3"}
    counts = antony["resultat"].value_counts().to_dict()
    assert counts == {"conforme": 30, "point_fort": 6, "piste_progres": 2}
    assert antony[antony["resultat"] == "conforme"].groupby("module").size().to_dict() == {"1": 20, "3": 10}
    prefecture = audits[audits["site"] == "prefecture"]
    assert set(prefecture["type"]) == {"autoevaluation"} and set(prefecture["date_audit"]) == {"2022-12-08"}


def test_some_texts_carry_fake_personal_data():
    texts = pd.read_csv(DEMO_DIR / "correspondances.csv", dtype=str, keep_default_na=False)["texte"]
    assert texts.str.contains("@").sum() > 10
    assert texts.str.contains(r"\b0[1-9](?:[ .]?\d{2}){4}\b").sum() > 10
    assert texts.str.contains(r"\b\d{10}\b").sum() > 10


def test_generation_is_deterministic_and_matches_the_committed_files(tmp_path):
    generate_demo_data(tmp_path)
    names = sorted(p.name for p in DEMO_DIR.glob("*.csv"))
    match, mismatch, errors = filecmp.cmpfiles(DEMO_DIR, tmp_path, names, shallow=False)
    assert mismatch == [] and errors == []
