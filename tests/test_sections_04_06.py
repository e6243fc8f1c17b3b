"""Services Publics+, action plans and audits on the demo data (facts of SEED_FIGURES)."""

from __future__ import annotations

import pandas as pd
import pytest

from qualepref_analysis import load_data_dir

from qualepref_analysis.sections import action_plans, audits, services_publics
from qualepref_analysis.report.disclosure import Disclosure

from conftest import DEMO_DIR

NBSP = "\u00a0"


@pytest.fixture(scope="module")
def bundle(params):
    return load_data_dir(DEMO_DIR, params)


def test_transparency_q4(bundle):
    table, period = services_publics.transparency_table(bundle.frame("sp_indicateurs"), site="prefecture", year=2022)
    assert period == "2022-T4"
    values = dict(zip(table["Indicateur"], table["Valeur"]))
    assert values["Satisfaction sur la délivrance des titres"] == f"77{NBSP}%"
    assert values["Délai moyen de délivrance du permis de conduire"] == "33 jours"
    assert values["Effort ressenti sur les téléprocédures"] == "2,7 / 5"


def test_transparency_by_perimeter():
    """The département's rows and the site's apart (the bilan shows the département's once)."""
    import pandas as pd

    rows = pd.DataFrame({"perimetre": ["departement", "antony", "boulogne", "antony"],
                         "periode": ["2022-T4", "2022-T4", "2022-T4", "2022-T3"],
                         "indicateur": ["satisfaction_titres", "taux_appels_decroches", "taux_appels_decroches",
                                        "taux_appels_decroches"],
                         "valeur": [77.0, 90.0, 60.0, 88.0], "unite": ["pourcent"] * 4, "cible": [80.0, 85.0, 85.0, 85.0]})
    both, _ = services_publics.transparency_table(rows, site="antony", year=2022)
    assert list(both["Périmètre"]) == ["Département", "Site"]
    common, period = services_publics.transparency_table(rows, site="antony", year=2022, perimeter="departement")
    assert period == "2022-T4" and list(common.columns) == ["Indicateur", "Valeur", "Cible"]
    assert list(common["Valeur"]) == [f"77{NBSP}%"]
    own, _ = services_publics.transparency_table(rows, site="antony", year=2022, perimeter="site")
    assert list(own["Valeur"]) == [f"90{NBSP}%"]  # Antony's, not Boulogne's
    trend = services_publics.transparency_trend(rows, site="antony", year=2022, perimeter="site")
    assert list(trend.loc["Taux d'appels décrochés"]) == [88.0, 90.0]
    nothing, period = services_publics.transparency_table(rows, site="prefecture", year=2022, perimeter="site")
    assert nothing.empty and period is None
    with pytest.raises(ValueError):
        services_publics.transparency_table(rows, site="antony", year=2022, perimeter="région")


def test_experiences(bundle):
    summaries = [services_publics.experiences_summary(bundle.frame("sp_experiences"), site=s, year=2022,
                                                     disclosure=Disclosure(10, 20))
                 for s in ("prefecture", "antony", "boulogne")]
    assert sum(s["n"] for s in summaries) == 32
    small = summaries[2]
    assert small["n"] == 3 and small["taux_reponse"] is None and small["parts_ressentis"] is None


def test_diagnostic(bundle):
    table = services_publics.diagnostic_table(bundle.frame("sp_diagnostic"), site="prefecture", year=2022)
    figures = services_publics.sp_figures(table, None)["diagnostic"]
    assert figures["moyenne"] == pytest.approx(61.6)
    assert figures["max"] == {"engagement": "n° 6", "valeur": 86.0}
    assert figures["min"] == {"engagement": "n° 4", "valeur": 30.6}
    text = services_publics.diagnostic_narrative(table, year=2022)
    assert f"61,6{NBSP}%" in text and "n° 6" in text and "n° 4" in text


@pytest.mark.parametrize("site, done, following, in_progress", [("prefecture", 5, 5, 0), ("antony", 4, 4, 2),
                                                                 ("boulogne", 4, 5, 2)])
def test_action_plans(bundle, site, done, following, in_progress):
    plans = bundle.frame("plan_actions")
    current = action_plans.plan_summary(plans, site=site, year=2022)
    nxt = action_plans.plan_summary(plans, site=site, year=2023)
    assert current["statuts"]["realisee"] == done and current["taux_realisation"] == 100
    assert nxt["n"] == following and nxt["statuts"]["en_cours"] == in_progress
    overdue = action_plans.overdue_actions(plans, site=site, reference=pd.Timestamp("2023-12-31"))
    assert len(overdue) == following  # by the end of 2023 none of the 2023 actions is recorded as done
    assert "pilote" not in action_plans.plan_table(plans, site=site, year=2022).columns


def test_audits(bundle):
    records = bundle.frame("audits")
    antony = audits.audit_summaries(records, site="antony", since=pd.Timestamp("2022-01-01")).iloc[0]
    assert (antony["type"], antony["modules"], antony["engagements_evalues"], antony["part_conforme"]) == (
        "renouvellement", "1, 3", 30, 100)
    assert (antony["points_forts"], antony["pistes_progres"], antony["non_conformites"]) == (6, 2, 0)
    boulogne = audits.audit_summaries(records, site="boulogne", since=pd.Timestamp("2022-01-01")).iloc[0]
    assert boulogne["modules"] == "1, 2" and boulogne["non_conformites"] == 0
    prefecture = audits.audit_summaries(records, site="prefecture", since=pd.Timestamp("2022-01-01")).iloc[0]
    assert prefecture["type"] == "autoevaluation" and prefecture["non_conformites"] == 2
    table = audits.audits_table(audits.audit_summaries(records, site="prefecture", since=pd.Timestamp("2022-01-01")), disclosure=Disclosure(10, 20))
    assert table["Date"].iloc[0] == "8 décembre 2022"


def test_plan_completion_is_a_percentage_only_above_the_small_cell_threshold():
    from qualepref_analysis.sections.action_plans import plans_narrative

    done = {"n": 4, "statuts": {"realisee": 4, "en_cours": 0, "prevue": 0, "abandonnee": 0}, "taux_realisation": 100.0}
    nothing = {"n": 0, "statuts": {}}
    assert plans_narrative(done, nothing, 0, year=2022, disclosure=Disclosure(10, 20)).endswith("soit 4 réalisées sur les 4 maintenues.")
    assert "taux de réalisation de 100\u00a0%" in plans_narrative(done, nothing, 0, year=2022, disclosure=Disclosure(4, 20))
    one = {"n": 2, "statuts": {"realisee": 1, "en_cours": 0, "prevue": 0, "abandonnee": 1}, "taux_realisation": 100.0}
    assert plans_narrative(one, nothing, 0, year=2022, disclosure=Disclosure(10, 20)).endswith("sur la seule action maintenue.")
