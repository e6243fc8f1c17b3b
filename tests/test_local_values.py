"""Offices' own words: value mappings, site names and tolerant headers give the coded register's figures.

The twin of the demo's register below is written the way an office's export would be: « Mél »
and « Lettre » instead of the channel codes, « Réclamation » instead of ``reclamation``, each
site by its name (« Sous-préfecture d'Antony », or « Antony » alone), headers with typographic
apostrophes and no-break spaces. Loaded with the mappings of its ``sites.yaml``, it must give the
very frame of the coded register, hence the same indicators.
"""

from __future__ import annotations

import shutil

import pandas as pd
import pytest
import yaml

from qualepref_analysis.analysis.indicators import compute_indicators
from qualepref_analysis.errors import MissingColumnError
from qualepref_analysis.io.datasets import load_data_dir, load_dataset
from qualepref_analysis.io.local_values import SiteNames
from qualepref_analysis.io.params import load_params

from conftest import DEMO_DIR, PARAMS_DIR

LOCAL_CHANNELS = {"courriel": "Mél", "courrier": "Lettre", "urne": "Boîte aux lettres",
                  "formulaire_web": "Formulaire du site", "services_publics_plus": "Services Publics +"}
LOCAL_TYPES = {"reclamation": "Réclamation", "information": "Demande d’information", "suggestion": "Suggestion"}
SITE_NAMES = {"antony": "Sous-préfecture d'Antony", "boulogne": "BOULOGNE-BILLANCOURT",
              "prefecture": "Préfecture des Hauts-de-Seine (Nanterre)"}


def _office_twin(tmp_path):
    """A data folder holding only the demo's register, written as an office's export; its params."""
    coded = pd.read_csv(DEMO_DIR / "correspondances.csv", dtype=str, keep_default_na=False)
    local = coded.assign(canal=coded["canal"].map(LOCAL_CHANNELS), type=coded["type"].map(LOCAL_TYPES),
                         site=coded["site"].map(SITE_NAMES))
    local.loc[local.index % 3 == 0, "site"] = coded["site"].map({"antony": "antony", "boulogne": "Boulogne",
                                                                  "prefecture": "prefecture"})  # codes still accepted
    local.loc[local.index % 7 == 0, "canal"] = coded["canal"]  # beside the mapped words
    local = local.rename(columns={"date_reception": "Date d’arrivée", "date_reponse": "Date\u00a0de réponse"})
    data = tmp_path / "donnees"
    data.mkdir()
    local.to_csv(data / "correspondances.csv", sep=";", index=False)
    params = tmp_path / "params"
    shutil.copytree(PARAMS_DIR, params)
    sites = yaml.safe_load((params / "sites.yaml").read_text(encoding="utf-8"))
    sites["colonnes"] = {"correspondances": {"Date d'arrivée": "date_reception", "date de réponse": "date_reponse"}}
    sites["valeurs"] = {"correspondances": {"canal": {v: k for k, v in LOCAL_CHANNELS.items()},
                                            "type": {v: k for k, v in LOCAL_TYPES.items()}}}
    (params / "sites.yaml").write_text(yaml.safe_dump(sites, allow_unicode=True), encoding="utf-8")
    return data, params


def test_an_office_export_gives_the_figures_of_its_coded_twin(tmp_path):
    data, params_dir = _office_twin(tmp_path)
    params = load_params(params_dir)
    local = load_data_dir(data, params)
    coded = load_dataset(DEMO_DIR / "correspondances.csv", load_params(PARAMS_DIR))
    assert local.quarantine.empty
    pd.testing.assert_frame_equal(local.frame("correspondances"), coded.frame)

    def catalogue(frame):
        return compute_indicators({"correspondances": frame}, params)

    pd.testing.assert_frame_equal(catalogue(local.frame("correspondances")), catalogue(coded.frame))


def test_an_unmapped_value_is_set_aside_with_what_is_allowed(tmp_path):
    data, params_dir = _office_twin(tmp_path)
    path = data / "correspondances.csv"
    text = path.read_text(encoding="utf-8").splitlines()
    text[1] = text[1].replace(";Mél;", ";Pigeon voyageur;").replace(";courriel;", ";Pigeon voyageur;")
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    loaded = load_data_dir(data, load_params(params_dir))
    reasons = loaded.quarantine.set_index("colonne")["motif"]
    assert len(loaded.quarantine) == 1 and "canal" in reasons
    message = reasons["canal"]
    assert "valeurs possibles : courriel, courrier" in message and "« Mél »" in message and "« Lettre »" in message
    kept = loaded.frame("correspondances")
    assert loaded.datasets["correspondances"].rows_read == len(kept) + 1  # nothing dropped silently


def test_site_names_resolve_without_regard_to_case_accents_or_punctuation(params):
    names = SiteNames(params.sites)
    cells = pd.Series(["Sous-préfecture d’Antony", "sous prefecture d antony", "ANTONY", "Boulogne Billancourt",
                       "prefecture", "Préfecture des Hauts-de-Seine (Nanterre)", "Colmar", ""])
    assert names.resolve(cells).tolist() == ["antony", "antony", "antony", "boulogne", "prefecture", "prefecture",
                                             "colmar", ""]


def test_a_name_two_sites_could_claim_names_neither():
    from types import SimpleNamespace as Site

    names = SiteNames({"nord": Site(libelle="Préfecture de Lille", aliases=()),
                       "sud": Site(libelle="Sous-préfecture de Lille", aliases=())})
    assert names.code_of("Préfecture de Lille") == "nord" and names.code_of("Sous-préfecture de Lille") == "sud"
    assert names.code_of("Lille") == "lille"  # ambiguous: left to validation, which lists the declared sites


def test_a_missing_column_names_the_closest_header(tmp_path, params):
    path = tmp_path / "correspondances.csv"
    path.write_text("id;site;type;canal;Date d’arrivée du courrier;date_reponse\nA1;antony;information;courriel;"
                    "2022-01-03;2022-01-04\n", encoding="utf-8")
    with pytest.raises(MissingColumnError) as error:
        load_dataset(path, params)
    message = str(error.value)
    assert "date_reception" in message and "l'en-tête le plus proche est « Date d’arrivée du courrier »" in message
    assert "colonnes" in message and "sites.yaml" in message
