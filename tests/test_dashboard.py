"""The dashboard (« Tableau de bord ») from recorded figures, against hand-written expectations."""

from __future__ import annotations

from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.dashboard import dashboard_tables, sparkline

NBSP = "\u00a0"


def _results():
    return {"sites": {
        "a": {"01_indicateurs": {"indicateurs": {
            "reclamations_nombre": {"valeur": 14.0, "unite": "nombre", "cible": None, "evaluation": "sans_cible",
                                    "valeur_annee_precedente": 2.0, "tendance": {"2021": 2.0, "2022": 14.0}},
            "reclamations_taux_delai": {"valeur": 85.7, "unite": "pourcent", "cible": 75.0, "evaluation": "atteint",
                                        "numerateur": 12.0, "denominateur": 14.0, "valeur_annee_precedente": 60.0,
                                        "tendance": {"2020": 50.0, "2021": 60.0, "2022": 85.7}},
            "appels_taux_decroches": {"valeur": None, "unite": "pourcent", "cible": 85.0,
                                      "evaluation": "non_evaluable", "numerateur": 3.0, "denominateur": 4.0,
                                      "valeur_annee_precedente": None, "tendance": {"2021": 90.0, "2022": None}},
        }}},
        "b": {"03_satisfaction": {}},
    }}


def test_one_table_per_site_with_value_target_status_change_and_trend(params):
    tables = dashboard_tables(_results(), sites={"a": "Site A", "b": "Site B"}, year=2022,
                              disclosure=Disclosure(10, 20), settings=params.settings)
    assert [name for name, _ in tables] == ["Site A"]  # a site without indicators has no table
    frame = tables[0][1].frame.set_index("Indicateur")
    rate = frame.loc["Taux de réponse aux réclamations et suggestions dans les délais"]
    assert rate["2022"] == f"85,7{NBSP}%" and rate["Cible"] == f"≥ 75{NBSP}%"
    assert rate["Statut"].startswith("✔") and "atteinte" in rate["Statut"]  # a symbol and a word
    assert rate["Évolution sur un an"] == "en hausse de 25,7 points" and rate["Tendance"] == "▁▃█"
    calls = frame.loc["Taux d'appels décrochés"]
    assert calls["2022"] == "3 sur 4" and calls["Évolution sur un an"] == "–" and calls["Tendance"].endswith("·")
    count = frame.loc["Réclamations et suggestions reçues"]
    assert count["Évolution sur un an"] == "en hausse"  # no « +600 % » on a base of 2, no bare « de 12 »
    bigger = dashboard_tables(_results(), sites={"a": "Site A"}, year=2022, disclosure=Disclosure(2, 20),
                              settings=params.settings)
    assert bigger[0][1].frame.set_index("Indicateur").loc["Réclamations et suggestions reçues",
                                                          "Évolution sur un an"] == f"en hausse de 600,0{NBSP}%"


def test_sparkline_scales_between_the_lowest_and_highest_year():
    assert sparkline([1.0, 8.0]) == "▁█" and sparkline([None, 3.0]) == "·▄" and sparkline([2.0, 2.0, 2.0]) == "▄▄▄"
