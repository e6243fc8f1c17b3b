"""French narrative: figures, agreement, targets and changes, as the minutes write them."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.analysis.indicators import compute_indicators
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.values import format_change, format_value
from qualepref_analysis.sections.narratives import group_paragraph, indicator_table
from qualepref_analysis.io.params import Params

NBSP, NNBSP = "\u00a0", "\u202f"

from conftest import make_register


def test_units_and_changes():
    assert format_value(73.6, "pourcent") == f"73,6{NBSP}%"
    assert format_value(1375, "nombre") == f"1{NNBSP}375"
    assert format_value(3.72, "jours_ouvres") == "3,7 jours ouvrés"
    assert format_value(1.28, "jours_ouvres") == "1,3 jour ouvré"
    assert format_change(28.6, None, "pourcent") == "en hausse de 28,6 points"
    assert format_change(-1.5, None, "pourcent") == "en baisse de 1,5 point"
    assert format_change(-0.4, None, "jours_ouvres") == "en baisse de 0,4 jour ouvré"
    assert format_change(-55, -12.76, "nombre") == f"en baisse de 12,8{NBSP}%"
    assert format_change(0.01, 0.0, "pourcent") == "stable"


def _at_year_end(params):
    """Registers extracted on 31 December 2022: unanswered items of March are overdue, not pending."""
    return Params(params.directory, params.prefecture, params.sites, {},
                  {**params.settings.as_dict(), "date_extraction": pd.Timestamp("2022-12-31").date()})



def test_paragraph_reads_like_the_minutes(params):
    rows = []
    # 2021: 20 complaints at the préfecture, 9 answered next day (45 %), 11 answered 20 days later.
    rows += [(f"p21-{i}", "prefecture", "reclamation", "courriel", "2021-03-01",
              "2021-03-02" if i < 9 else "2021-03-29") for i in range(20)]
    # 2022: 25 complaints, 19 answered next day (76 %), 6 never answered.
    rows += [(f"p22-{i}", "prefecture", "reclamation", "courriel", "2022-03-01",
              "2022-03-02" if i < 19 else None) for i in range(25)]
    rows += [("a1", "antony", "reclamation", "courriel", "2022-03-01", "2022-03-02")]
    catalogue = Disclosure.from_params(params).indicators(
        compute_indicators({"correspondances": make_register(rows)}, _at_year_end(params)))
    labels = {code: site.libelle for code, site in params.sites.items()}
    text = group_paragraph(catalogue, group="reclamations", site="prefecture", year=2022, site_labels=labels,
                           disclosure=Disclosure(10, 20))
    assert "Le nombre de réclamations et suggestions reçues s'établit à 25 en 2022." in text
    assert f"Il est en hausse de 25,0{NBSP}% par rapport à 2021 (20)." in text
    assert (f"Le taux de réponse aux réclamations et suggestions dans les délais s'établit à 76,0{NBSP}% en 2022 "
            f"(19 sur 25), au-dessus de la cible de 75{NBSP}%.") in text
    # 19/25 − 9/20 = 31 points; Newcombe's interval by hand (Wilson 0,5657–0,8850 and 0,2582–0,6579):
    # 0,31 − √(0,1943² + 0,2079²) = 0,0254 > 0: beyond the margin of error
    assert (f"Il est en hausse de 31,0 points par rapport à 2021 (45,0{NBSP}%), un écart supérieur à la marge "
            "d'erreur.") in text
    assert "1 sur 1 à la sous-préfecture d'Antony" in text  # small cell: counts, never a percentage
    assert "6 sur 25" in text and "n'en avaient reçu aucune" in text
    antony = group_paragraph(catalogue, group="reclamations", site="antony", year=2022, site_labels=labels, disclosure=Disclosure(10, 20))
    assert "n'est pas publié pour 2022 : 1 sur 1 seulement, en dessous du seuil de 10." in antony
    assert "%" not in antony.split("À titre de comparaison")[0]


def test_indicator_table_uses_words_and_symbols(params):
    rows = [(f"p{i}", "prefecture", "reclamation", "courriel", "2022-03-01", "2022-03-02" if i < 5 else None)
            for i in range(20)]
    catalogue = Disclosure.from_params(params).indicators(
        compute_indicators({"correspondances": make_register(rows)}, _at_year_end(params)))
    table = indicator_table(catalogue, site="prefecture", year=2022)
    rate = table[table["Indicateur"].str.startswith("Taux de réponse")].iloc[0]
    assert rate["2022"] == f"25,0{NBSP}%" and rate["Cible"] == f"≥ 75{NBSP}%"
    assert rate["Évaluation"] == "✘ Cible non atteinte"


def _rate_paragraph(params, answered_2021: int, answered_2022: int, n: int = 20) -> str:
    """The complaint paragraph of a préfecture with ``n`` complaints a year, answered next day or 20 days late."""
    rows = []
    for year, answered in ((2021, answered_2021), (2022, answered_2022)):
        rows += [(f"p{year}-{i}", "prefecture", "reclamation", "courriel", f"{year}-03-01",
                  f"{year}-03-02" if i < answered else f"{year}-03-29") for i in range(n)]
    catalogue = Disclosure.from_params(params).indicators(
        compute_indicators({"correspondances": make_register(rows)}, _at_year_end(params)))
    labels = {code: site.libelle for code, site in params.sites.items()}
    return group_paragraph(catalogue, group="reclamations", site="prefecture", year=2022, site_labels=labels,
                           disclosure=Disclosure(10, 20)).replace(NBSP, " ")


def test_a_change_within_the_margin_of_error_is_stable(params):
    # 16/20 − 15/20 = +5 points; Newcombe's interval by hand: Wilson 0,5840–0,9193 and 0,5313–0,8881,
    # so 0,05 − √(0,2160² + 0,1381²) < 0 < 0,05 + √(0,1193² + 0,2187²): within the margin of error
    text = _rate_paragraph(params, 15, 16)
    assert ("Il est stable par rapport à 2021 (75,0 %) : l'écart, +5,0 points, reste dans la marge d'erreur."
            in text), text
    assert "en hausse de 5,0 points" not in text


def test_a_shortfall_on_few_items_is_said_compatible_with_the_target(params):
    from test_comparison import _exact_limit

    # 14/20 = 70 % against a target of 75 %: the exact binomial 95 % lower limit for 20 items around 75 %
    low = format_value(100 * _exact_limit(20, 0.75, 0.025), "pourcent").replace(NBSP, " ")
    text = _rate_paragraph(params, 15, 14)
    assert (f"70,0 % en 2022 (14 sur 20), en deçà de la cible de 75 %, un écart compatible avec la cible compte tenu "
            f"du nombre d'éléments (limite basse à 95 % pour ce nombre d'éléments : {low})") in text, text
    many = _rate_paragraph(params, 300, 280, n=400)  # 70 % of 400: below the 95 % limit (about 70,7 %)
    assert "un écart que le hasard n'explique pas" in many, many
