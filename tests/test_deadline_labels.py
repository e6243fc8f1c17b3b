"""The indicators' names give the deadlines of the review's settings, wherever they are written.

A prefecture whose e-mail deadline is 3 working days computes « answered in 3 working days »: the
bilan, the synthesis, the parameters annex and the draft of the minutes must say « en 3 jours
ouvrés », never the 5 of the demo's settings.
"""

from __future__ import annotations

import pytest

from qualepref_analysis.analysis.indicators import compute_indicators
from qualepref_analysis.io.datasets import load_data_dir
from qualepref_analysis.office.minutes import minutes_items
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.methods import parameter_tables
from qualepref_analysis.sections.narratives import indicator_table, narrative_html
from qualepref_analysis.sections.records import indicator_records
from qualepref_analysis.sections.synthesis import indicator_rows, synthesis_paragraphs, synthesis_table

from conftest import DEMO_DIR

EMAIL_RATE = "information_courriel_taux_5j"
WEBSITE_RATE = "site_internet_taux_3j"


@pytest.fixture(scope="module")
def bundle(params):
    return load_data_dir(DEMO_DIR, params)


@pytest.fixture(scope="module")
def shorter(params):
    """The demo's parameters with other deadlines: 3 working days for e-mails, 1 for the website."""
    return params.with_settings(delai_information_courriel_jours_ouvres=3, delai_site_internet_jours_ouvres=1)


@pytest.fixture(scope="module")
def catalogues(bundle, params, shorter):
    def annotated(p):
        return Disclosure.from_params(p).indicators(compute_indicators(bundle, p))
    return annotated(params), annotated(shorter)


def _texts(*values) -> str:
    return "\n".join(str(v) for v in values).replace("\u00a0", " ")


def test_the_catalogue_names_the_deadlines_it_computed_with(catalogues):
    usual, shorter = catalogues
    email = shorter[shorter["code"] == EMAIL_RATE]
    assert set(email["libelle"]) == {"Taux de réponse aux demandes d'information par courriel en 3 jours ouvrés"}
    assert set(email["sujet"]) == {"le taux de réponse aux demandes d'information par courriel en 3 jours ouvrés"}
    assert set(shorter.loc[shorter["code"] == WEBSITE_RATE, "libelle"]) == {
        "Taux de mise à jour du site internet en 1 jour ouvré"}
    assert set(usual.loc[usual["code"] == EMAIL_RATE, "libelle"]) == {
        "Taux de réponse aux demandes d'information par courriel en 5 jours ouvrés"}
    # and the figure is the shorter deadline's: never above the 5-day rate, below it somewhere
    keys = ["site", "annee", "detail"]
    both = (usual[usual["code"] == EMAIL_RATE].set_index(keys)["valeur"].to_frame("five")
            .join(email.set_index(keys)["valeur"].to_frame("three")).dropna())
    assert len(both) >= 3 and (both["three"] <= both["five"]).all() and (both["three"] < both["five"]).any()


def test_the_sections_say_the_deadline_of_the_settings(catalogues, shorter):
    _, catalogue = catalogues
    year = shorter.year
    text = _texts(*(narrative_html(catalogue, site=site, year=year, params=shorter,
                                   disclosure=Disclosure.from_params(shorter)) for site in shorter.sites),
                  *(indicator_table(catalogue, site=site, year=year)["Indicateur"].tolist() for site in shorter.sites),
                  *(t.frame.to_string() for t in parameter_tables(shorter.settings)))
    assert "par courriel en 3 jours ouvrés" in text and "site internet en 1 jour ouvré" in text
    assert "en 5 jours ouvrés" not in text  # (a target « 5 jours ouvrés au plus » or a channel's deadline may be 5)
    assert "en 3 jours ouvrés" not in text.replace("par courriel en 3 jours ouvrés", "")


def test_the_synthesis_and_the_minutes_say_the_deadline_of_the_settings(catalogues, shorter):
    _, catalogue = catalogues
    year = shorter.year
    results = {"year": year, "sites": {site: {"01_indicateurs": {"indicateurs": indicator_records(
        catalogue, site=site, year=year)}} for site in shorter.sites}}
    labels = {code: site.libelle for code, site in shorter.sites.items()}
    rows = indicator_rows(results, sites=labels, settings=shorter.settings)
    synthesis = _texts(synthesis_table(rows, sites=labels)["Indicateur"].tolist(),
                       synthesis_paragraphs(rows, year=year, disclosure=Disclosure.from_params(shorter)))
    minutes = _texts(*(item.text for item in minutes_items(results, sites=labels, prefecture="Préfecture",
                                                           settings=shorter.settings)))
    for text in (synthesis, minutes):
        assert "par courriel en 3 jours ouvrés" in text and "site internet en 1 jour ouvré" in text
        assert "en 5 jours ouvrés" not in text and "en 3 jours ouvrés" not in text.replace("courriel en 3 jours", "")
