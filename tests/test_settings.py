"""Typed settings of ``params/``: defaults in one place, strict keys, French messages, frozen objects."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.params import Params, load_params
from qualepref_analysis.io.settings import (CategorisationSettings, FrozenMap, QuoteSettings, ReviewSettings,
                                            SitesSettings, SurveySettings, parse_settings, parse_sites)

from conftest import DEMO_DIR, PARAMS_DIR

SETTINGS_PATH = Path("params/default.yaml")
SITES_PATH = Path("params/sites.yaml")

#: The smallest valid default.yaml: only the required keys.
MINIMAL = {
    "annee": 2022,
    "delais_jours_ouvres": {"courriel": 5, "courrier": 10},
    "delai_site_internet_jours_ouvres": 3,
    "delai_information_courriel_jours_ouvres": 5,
    "cibles": {"satisfaction_globale": 80},
    "seuil_petits_effectifs": 10,
    "seuil_petits_effectifs_enquete": 20,
    "reponses_satisfaites": [3, 4],
}


def shipped_settings() -> dict:
    return yaml.safe_load((PARAMS_DIR / "default.yaml").read_text(encoding="utf-8"))


def shipped_sites() -> dict:
    return yaml.safe_load((PARAMS_DIR / "sites.yaml").read_text(encoding="utf-8"))


def changed(raw: dict, dotted: str, value) -> dict:
    """A deep copy of ``raw`` with ``dotted`` (``a.b``) set to ``value``."""
    out = copy.deepcopy(raw)
    *parents, leaf = dotted.split(".")
    target = out
    for name in parents:
        target = target.setdefault(name, {})
    target[leaf] = value
    return out


def without(raw: dict, *keys: str) -> dict:
    return {k: v for k, v in raw.items() if k not in keys}


# ---------------------------------------------------------------------------------------------
# default.yaml: bad inputs and their messages
# ---------------------------------------------------------------------------------------------

BAD_SETTINGS = [
    # (key, value, fragments expected in the message)
    ("seuil_petit_effectifs", 10,
     ["default.yaml", "`seuil_petit_effectifs` inconnu", "vouliez-vous dire `seuil_petits_effectifs` ?"]),
    ("categorisation.seuil_confiance_min", 0.5,
     ["`categorisation.seuil_confiance_min` inconnu", "vouliez-vous dire `categorisation.seuil_confiance` ?",
      "sous `categorisation`", "plis_validation"]),
    ("plis_validation", 5, ["`plis_validation` inconnu", "vouliez-vous dire `categorisation.plis_validation` ?"]),
    ("citations.longeur_max", 100, ["`citations.longeur_max` inconnu", "`citations.longueur_max`"]),
    ("delais_jours_ouvres.couriel", 5,
     ["`delais_jours_ouvres.couriel` inconnu", "`delais_jours_ouvres.courriel`", "Canaux possibles"]),
    ("annee", "deux mille", ["`annee`", "« deux mille »", "une année"]),
    ("annee", 1789, ["`annee`", "une année"]),
    ("seuil_petits_effectifs", "dix", ["`seuil_petits_effectifs`", "nombre entier ≥ 0"]),
    ("seuil_petits_effectifs", -1, ["`seuil_petits_effectifs`", "vaut -1", "nombre entier ≥ 0"]),
    ("seuil_petits_effectifs_enquete", 2.5, ["`seuil_petits_effectifs_enquete`", "nombre entier"]),
    ("delais_jours_ouvres", [5, 10], ["`delais_jours_ouvres`", "dictionnaire"]),
    ("delais_jours_ouvres.courrier", -2, ["`delais_jours_ouvres.courrier`", "nombre entier ≥ 0"]),
    ("delai_site_internet_jours_ouvres", True, ["`delai_site_internet_jours_ouvres`", "vaut true"]),
    ("cibles.satisfaction_globale", "80 %", ["`cibles.satisfaction_globale`", "un nombre ≥ 0"]),
    ("cibles", "80", ["`cibles`", "dictionnaire"]),
    ("date_extraction", "31/12/2022", ["`date_extraction`", "AAAA-MM-JJ"]),
    ("reponses_satisfaites", [3, 5], ["`reponses_satisfaites`", "contient 5", "entre 1 et 4"]),
    ("reponses_satisfaites", [0], ["`reponses_satisfaites`", "contient 0", "entre 1 et 4"]),
    ("reponses_satisfaites", [4, 4], ["`reponses_satisfaites`", "deux fois", "distinctes"]),
    ("reponses_satisfaites", [], ["`reponses_satisfaites`", "[3, 4]"]),
    ("reponses_satisfaites", "3, 4", ["`reponses_satisfaites`", "une liste"]),
    ("erreurs_affichees_par_fichier", -1, ["`erreurs_affichees_par_fichier`", "≥ 0"]),
    ("delai_max_section_secondes", 0, ["`delai_max_section_secondes`", "≥ 1"]),
    ("categorisation", 0.5, ["`categorisation` doit être un dictionnaire"]),
    ("categorisation.seuil_confiance", 1.5, ["`categorisation.seuil_confiance`", "vaut 1.5", "entre 0 et 1"]),
    ("categorisation.poids_modele_max", -0.1, ["`categorisation.poids_modele_max`", "entre 0 et 1"]),
    ("categorisation.lignes_pour_poids_max", 0, ["`categorisation.lignes_pour_poids_max`", "≥ 1"]),
    ("categorisation.temperature_lexique", 0, ["`categorisation.temperature_lexique`", "> 0"]),
    ("categorisation.exemples_min_par_categorie", 0, ["`categorisation.exemples_min_par_categorie`", "≥ 1"]),
    ("categorisation.ngrammes_caracteres", "non", ["`categorisation.ngrammes_caracteres`", "true ou false"]),
    ("categorisation.ngrammes_mots", 3, ["`categorisation.ngrammes_mots`", "1 ou 2"]),
    ("categorisation.plis_validation", 1, ["`categorisation.plis_validation`", "≥ 2"]),
    ("enquetes.intervalle", "wilsom",
     ["`enquetes.intervalle`", "« wilsom »", "logit, beta, wilson", "Vouliez-vous dire « wilson » ?"]),
    ("enquetes.intervalle", "normal", ["`enquetes.intervalle`", "logit, beta, wilson"]),
    ("enquetes.plafond_poids", 1, ["`enquetes.plafond_poids`", "> 1", "pas de plafond"]),
    ("enquetes.plafond_poids", "élevé", ["`enquetes.plafond_poids`", "> 1"]),
    ("enquetes.variables_calage", "service", ["`enquetes.variables_calage`", "une liste"]),
    ("enquetes.variables_calage", ["service", "service"], ["`enquetes.variables_calage`", "deux fois"]),
    ("enquetes.regroupements", ["pan"], ["`enquetes.regroupements`", "dictionnaire"]),
    ("enquetes.regroupements.service", {"pan": 3}, ["`enquetes.regroupements.service.pan`", "texte"]),
    ("citations.activees", "oui", ["`citations.activees`", "« oui »", "true ou false"]),
    ("citations.par_sujet", 0, ["`citations.par_sujet`", "≥ 1"]),
    ("citations.longueur_max", 5, ["`citations.longueur_max`", "≥ 40"]),
]


@pytest.mark.parametrize("key, value, fragments", BAD_SETTINGS, ids=[f"{k}={v!r}" for k, v, _ in BAD_SETTINGS])
def test_bad_settings_are_refused_with_a_french_message(key, value, fragments):
    with pytest.raises(ParamsError) as caught:
        parse_settings(changed(shipped_settings(), key, value), path=SETTINGS_PATH)
    message = str(caught.value)
    assert message.startswith(f"{SETTINGS_PATH} : ")
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("key", ["annee", "cibles", "reponses_satisfaites", "delais_jours_ouvres"])
def test_a_missing_required_key_is_named(key):
    with pytest.raises(ParamsError, match=f"manquant.*{key}"):
        parse_settings(without(MINIMAL, key), path=SETTINGS_PATH)


def test_an_empty_required_key_counts_as_missing():
    with pytest.raises(ParamsError, match="manquant.*annee"):
        parse_settings({**MINIMAL, "annee": None}, path=SETTINGS_PATH)


@pytest.mark.parametrize("raw", [None, [], "annee: 2022"])
def test_settings_must_be_a_mapping(raw):
    with pytest.raises(ParamsError, match="dictionnaire"):
        parse_settings(raw, path=SETTINGS_PATH)


def test_parse_settings_leaves_its_input_alone():
    raw = shipped_settings()
    before = copy.deepcopy(raw)
    parse_settings(raw, path=SETTINGS_PATH)
    assert raw == before


# ---------------------------------------------------------------------------------------------
# default.yaml: values and defaults
# ---------------------------------------------------------------------------------------------


def test_shipped_settings_load_typed():
    settings = load_params(PARAMS_DIR).settings
    assert isinstance(settings, ReviewSettings)
    assert settings.annee == 2022 and settings.date_extraction is None
    assert dict(settings.delais_jours_ouvres) == {"courriel": 5, "formulaire_web": 5, "services_publics_plus": 5,
                                                  "courrier": 10, "urne": 10}
    assert settings.cibles["satisfaction_globale"] == 80.0 and isinstance(settings.cibles["satisfaction_globale"], float)
    assert settings.reponses_satisfaites == (3, 4)
    assert (settings.seuil_petits_effectifs, settings.seuil_petits_effectifs_enquete) == (10, 20)
    assert (settings.delai_site_internet_jours_ouvres, settings.delai_information_courriel_jours_ouvres) == (3, 5)
    assert isinstance(settings.categorisation, CategorisationSettings)
    assert isinstance(settings.enquetes, SurveySettings) and isinstance(settings.citations, QuoteSettings)


def test_defaults_apply_when_every_optional_key_is_absent():
    settings = parse_settings(MINIMAL, path=SETTINGS_PATH)
    assert settings.date_extraction is None
    assert settings.erreurs_affichees_par_fichier == 5
    assert settings.delai_max_section_secondes == 900
    assert settings.categorisation == CategorisationSettings(
        seuil_confiance=0.55, poids_modele_max=0.8, lignes_pour_poids_max=300, temperature_lexique=1.5,
        exemples_min_par_categorie=3, ngrammes_caracteres=False, ngrammes_mots=1, plis_validation=5,
        corpus_livre=True)
    assert settings.enquetes.min_repondants_strate == 10
    assert settings.enquetes.variables_calage == ("service", "demi_journee")
    assert settings.enquetes.plafond_poids is None
    assert dict(settings.enquetes.regroupements) == {}
    assert settings.enquetes.intervalle == "logit"
    assert (settings.citations.activees, settings.citations.par_sujet, settings.citations.longueur_max) == (False, 2, 160)


@pytest.mark.parametrize("block", ["citations", "enquetes", "categorisation"])
def test_an_absent_or_empty_block_takes_its_defaults(block):
    absent = parse_settings(without(shipped_settings(), block), path=SETTINGS_PATH)
    empty = parse_settings({**shipped_settings(), block: None}, path=SETTINGS_PATH)
    expected = {"citations": QuoteSettings(), "enquetes": SurveySettings(),
                "categorisation": CategorisationSettings()}[block]
    assert getattr(absent, block) == getattr(empty, block) == expected


def test_a_partial_block_keeps_the_other_defaults():
    settings = parse_settings({**MINIMAL, "citations": {"activees": True}, "enquetes": {"intervalle": "beta"}},
                              path=SETTINGS_PATH)
    assert settings.citations == QuoteSettings(activees=True, par_sujet=2, longueur_max=160)
    assert settings.enquetes.intervalle == "beta" and settings.enquetes.variables_calage == ("service", "demi_journee")


def test_an_empty_optional_key_takes_its_default():
    settings = parse_settings({**MINIMAL, "delai_max_section_secondes": None,
                               "categorisation": {"seuil_confiance": None}}, path=SETTINGS_PATH)
    assert settings.delai_max_section_secondes == 900 and settings.categorisation.seuil_confiance == 0.55


def test_shipped_default_yaml_restates_the_code_defaults():
    """The comments of params/default.yaml document the defaults: the values written there are those defaults."""
    shipped = parse_settings(shipped_settings(), path=SETTINGS_PATH)
    minimal = parse_settings({key: shipped_settings()[key] for key in MINIMAL}, path=SETTINGS_PATH)
    assert shipped == minimal


def test_values_are_converted():
    settings = parse_settings({**MINIMAL, "annee": "2023", "date_extraction": "2023-01-31",
                               "enquetes": {"plafond_poids": 5, "regroupements": {"service": {"pan": "autres"}},
                                            "variables_calage": ["service"]}}, path=SETTINGS_PATH)
    assert settings.annee == 2023 and settings.date_extraction == dt.date(2023, 1, 31)
    assert settings.enquetes.plafond_poids == 5.0 and settings.enquetes.variables_calage == ("service",)
    assert settings.enquetes.regroupements["service"]["pan"] == "autres"
    from_yaml_date = parse_settings({**MINIMAL, "date_extraction": dt.date(2023, 1, 31)}, path=SETTINGS_PATH)
    from_datetime = parse_settings({**MINIMAL, "date_extraction": dt.datetime(2023, 1, 31, 18)}, path=SETTINGS_PATH)
    assert from_yaml_date.date_extraction == from_datetime.date_extraction == dt.date(2023, 1, 31)
    assert parse_settings({**MINIMAL, "enquetes": {"plafond_poids": ""}}, path=SETTINGS_PATH).enquetes.plafond_poids is None


def test_as_dict_is_plain_yaml_shaped_data():
    plain = parse_settings(shipped_settings(), path=SETTINGS_PATH).as_dict()
    assert plain == {**shipped_settings(), "delai_max_section_secondes": 900,
                     "categorisation": {**shipped_settings()["categorisation"], "temperature_lexique": 1.5}}
    assert type(plain["cibles"]) is dict and type(plain["reponses_satisfaites"]) is list


def test_direct_construction_is_checked_too():
    with pytest.raises(ParamsError, match="seuil_confiance"):
        CategorisationSettings(seuil_confiance=3)
    settings = ReviewSettings(**{**MINIMAL, "reponses_satisfaites": [4]})
    assert isinstance(settings.cibles, FrozenMap) and settings.reponses_satisfaites == (4,)


# ---------------------------------------------------------------------------------------------
# Immutability, hashing, pickling, with_year
# ---------------------------------------------------------------------------------------------


def test_settings_are_frozen_all_the_way_down():
    settings = parse_settings(shipped_settings(), path=SETTINGS_PATH)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.annee = 2030  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.categorisation.seuil_confiance = 0.9  # type: ignore[misc]
    with pytest.raises(TypeError):
        settings.cibles["satisfaction_globale"] = 99  # type: ignore[index]
    with pytest.raises(TypeError):
        del settings.delais_jours_ouvres["courriel"]  # type: ignore[attr-defined]
    with pytest.raises(AttributeError):
        settings.cibles._data = {}  # type: ignore[attr-defined]
    assert isinstance(settings.reponses_satisfaites, tuple)
    assert isinstance(settings.enquetes.variables_calage, tuple)
    params = load_params(PARAMS_DIR)
    with pytest.raises(dataclasses.FrozenInstanceError):
        params.settings = settings  # type: ignore[misc]


def test_settings_are_hashable_and_picklable():
    settings = parse_settings({**shipped_settings(), "enquetes": {"regroupements": {"service": {"pan": "autres"}}}},
                              path=SETTINGS_PATH)
    again = pickle.loads(pickle.dumps(settings))
    assert again == settings and hash(again) == hash(settings)
    assert isinstance(again.cibles, FrozenMap) and isinstance(again.enquetes.regroupements["service"], FrozenMap)
    assert len({settings, again}) == 1
    sites = parse_sites(shipped_sites(), path=SITES_PATH)
    assert pickle.loads(pickle.dumps(sites)) == sites and hash(sites) == hash(copy.deepcopy(sites))


def test_params_stays_picklable_and_keeps_its_settings():
    params = load_params(PARAMS_DIR)
    again = pickle.loads(pickle.dumps(params))
    assert again == params and again.settings == params.settings


def test_with_year():
    settings = parse_settings(shipped_settings(), path=SETTINGS_PATH)
    later = settings.with_year(2023)
    assert later.annee == 2023 and settings.annee == 2022
    assert dataclasses.replace(later, annee=2022) == settings
    with pytest.raises(ParamsError, match="annee"):
        settings.with_year("l'an prochain")  # type: ignore[arg-type]


def test_params_with_year():
    params = load_params(PARAMS_DIR)
    later = params.with_year(2023)
    assert later.year == later.settings.annee == 2023
    assert params.year == params.settings.annee == 2022
    assert later.settings.cibles == params.settings.cibles and later.sites == params.sites


def test_params_properties_come_from_the_typed_settings():
    params = load_params(PARAMS_DIR)
    typed = params.settings
    assert isinstance(typed, ReviewSettings)
    assert params.year == typed.annee and params.extraction_date is None
    assert params.deadlines == dict(typed.delais_jours_ouvres) and type(params.deadlines) is dict
    assert params.targets == {k: float(v) for k, v in shipped_settings()["cibles"].items()}
    assert params.small_cell_threshold == 10 and params.survey_small_cell_threshold == 20
    assert params.prefecture == "Préfecture des Hauts-de-Seine" and list(params.sites) == ["prefecture", "antony",
                                                                                         "boulogne"]
    assert params.sites["antony"].calendar == "metropole" and params.sites["prefecture"].kind == "prefecture"
    assert params.calendars == {"prefecture": "metropole", "antony": "metropole", "boulogne": "metropole"}
    assert params.column_mappings == {} and dict(params.value_mappings) == {}


def test_params_built_from_a_mapping_check_and_type_it():
    params = load_params(PARAMS_DIR)
    other = Params(params.directory, params.prefecture, params.sites, {},
                   {**params.settings.as_dict(), "delais_jours_ouvres": {"courriel": 7},
                    "date_extraction": dt.date(2022, 12, 31)})
    assert other.deadlines == {"courriel": 7} and other.extraction_date == dt.date(2022, 12, 31)
    assert isinstance(other.settings, ReviewSettings) and other.settings.categorisation.temperature_lexique == 1.5
    with pytest.raises(ParamsError, match="default.yaml : `seuil_petits_effectifs`"):
        Params(params.directory, params.prefecture, params.sites, {}, {**params.settings.as_dict(), "seuil_petits_effectifs": -1})
    assert params.with_settings(seuil_petits_effectifs=3).small_cell_threshold == 3
    with pytest.raises(ParamsError, match="vouliez-vous dire `seuil_petits_effectifs`"):
        params.with_settings(seuil_petit_effectifs=3)


def test_extraction_date_from_yaml(tmp_path):
    folder = tmp_path / "params"
    folder.mkdir()
    (folder / "sites.yaml").write_text((PARAMS_DIR / "sites.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (PARAMS_DIR / "default.yaml").read_text(encoding="utf-8").replace("date_extraction:",
                                                                            "date_extraction: '2023-01-15'")
    (folder / "default.yaml").write_text(text, encoding="utf-8")
    params = load_params(folder)
    assert params.extraction_date == params.settings.date_extraction == dt.date(2023, 1, 15)


# ---------------------------------------------------------------------------------------------
# sites.yaml
# ---------------------------------------------------------------------------------------------

BAD_SITES = [
    # (changes to the shipped sites.yaml, fragments expected in the message)
    ({"site": {"antony": {}}}, ["sites.yaml", "`site` inconnu", "vouliez-vous dire `sites` ?"]),
    ({"colonne": {}}, ["`colonne` inconnu", "vouliez-vous dire `colonnes` ?"]),
    ({"sites": {"antony": {"libellé": "Antony"}}},
     ["`sites.antony.libellé` inconnu", "vouliez-vous dire `sites.antony.libelle` ?", "libelle, type, calendrier"]),
    ({"sites": {"antony": {"calendrier": "corse"}}},
     ["`sites.antony.calendrier`", "« corse »", "metropole, alsace_moselle"]),
    ({"sites": {"antony": {"type": "sous-prefecture"}}},
     ["`sites.antony.type`", "prefecture, sous_prefecture", "« sous_prefecture » ?"]),
    ({"sites": {"antony": "Antony"}}, ["`sites.antony`", "dictionnaire"]),
    ({"sites": {"antony": {"libelle": 92}}}, ["`sites.antony.libelle`", "texte"]),
    ({"sites": {"antony": {"alias": "SP Antony"}}}, ["`sites.antony.alias`", "une liste"]),
    ({"sites": {"antony": {"alias": [3]}}}, ["`sites.antony.alias`", "contient 3"]),
    ({"sites": {"antony": {"alias": ["Boulogne"]}, "boulogne": {}}}, ["« Boulogne » (sites.antony)", "« boulogne » (sites.boulogne)"]),
    ({"sites": {"Nanterre Centre": {}}}, ["code de site 'Nanterre Centre' invalide"]),
    ({"sites": {}}, ["`sites`", "au moins un site"]),
    ({"sites": None}, ["une clé `sites`"]),
    ({"prefecture": ["Hauts-de-Seine"]}, ["`prefecture`", "texte"]),
    ({"colonnes": {"correspondance": {"Numéro": "id"}}},
     ["`colonnes.correspondance` inconnu", "`colonnes.correspondances`", "Jeux de données possibles"]),
    ({"colonnes": {"correspondances": ["id"]}}, ["`colonnes.correspondances`", "dictionnaire"]),
    ({"colonnes": {"correspondances": {"Numéro": 1}}}, ["`colonnes.correspondances.Numéro`", "texte"]),
    ({"valeurs": ["canal"]}, ["`valeurs`", "dictionnaire"]),
    ({"valeurs": {"correspondances": {"canl": {"Mail": "courriel"}}}},
     ["`valeurs.correspondances.canl` inconnu", "`valeurs.correspondances.canal`"]),
    ({"valeurs": {"apels": {}}}, ["`valeurs.apels` inconnu", "`valeurs.appels`"]),
    ({"valeurs": {"correspondances": {"canal": ["Mail"]}}}, ["`valeurs.correspondances.canal`", "dictionnaire"]),
    ({"valeurs": {"correspondances": {"canal": {"Mail": 3}}}}, ["`valeurs.correspondances.canal.Mail`", "texte"]),
    ({"valeurs": {"correspondances": {"canal": {True: "courriel"}}}}, ["a une clé true", "guillemets"]),
]


@pytest.mark.parametrize("change, fragments", BAD_SITES, ids=[str(i) for i in range(len(BAD_SITES))])
def test_bad_sites_are_refused_with_a_french_message(change, fragments):
    raw = {**shipped_sites(), **change}
    with pytest.raises(ParamsError) as caught:
        parse_sites(raw, path=SITES_PATH)
    message = str(caught.value)
    assert message.startswith(f"{SITES_PATH} : ")
    for fragment in fragments:
        assert fragment in message, message


@pytest.mark.parametrize("raw", [None, [], "sites"])
def test_sites_must_be_a_mapping(raw):
    with pytest.raises(ParamsError, match="une clé `sites`"):
        parse_sites(raw, path=SITES_PATH)


def test_shipped_sites_load_typed():
    sites = parse_sites(shipped_sites(), path=SITES_PATH)
    assert isinstance(sites, SitesSettings) and sites.prefecture == "Préfecture des Hauts-de-Seine"
    assert list(sites.sites) == ["prefecture", "antony", "boulogne"]
    assert sites.sites["antony"].libelle == "Sous-préfecture d'Antony" and sites.sites["antony"].alias == ()
    assert dict(sites.colonnes) == {} and dict(sites.valeurs) == {}


def test_site_defaults_aliases_and_mappings():
    raw = {"sites": {"nanterre": None, "antony": {"alias": ["Antony", "SP Antony"]}},
           "colonnes": {"correspondances": {"Date d'arrivée": "date_reception"}},
           "valeurs": {"correspondances": {"canal": {"Mél": "courriel", 3: "courrier"}}}}
    sites = parse_sites(raw, path=SITES_PATH)
    assert sites.prefecture == "Préfecture"
    nanterre = sites.sites["nanterre"]
    assert (nanterre.libelle, nanterre.type, nanterre.calendrier, nanterre.alias) == ("nanterre", "sous_prefecture",
                                                                                      "metropole", ())
    assert sites.sites["antony"].alias == ("Antony", "SP Antony")
    assert dict(sites.valeurs["correspondances"]["canal"]) == {"Mél": "courriel", 3: "courrier"}  # as typed
    assert sites.colonnes["correspondances"]["Date d'arrivée"] == "date_reception"


def test_params_from_sites_yaml(tmp_path):
    folder = tmp_path / "params"
    folder.mkdir()
    (folder / "default.yaml").write_text((PARAMS_DIR / "default.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    (folder / "sites.yaml").write_text(
        "prefecture: Préfecture test\n"
        "sites:\n  nanterre: {type: prefecture, alias: [Nanterre]}\n  sarreguemines: {calendrier: alsace_moselle}\n"
        "colonnes:\n  correspondances:\n    \"  Date  d'Arrivée \": \" date_reception \"\n"
        "valeurs:\n  correspondances:\n    canal: {Mél: courriel}\n", encoding="utf-8")
    params = load_params(folder)
    assert params.prefecture == "Préfecture test"
    assert params.sites["nanterre"].kind == "prefecture" and params.sites["nanterre"].aliases == ("Nanterre",)
    assert params.sites["sarreguemines"].calendar == "alsace_moselle"
    assert params.sites["sarreguemines"].libelle == "sarreguemines"
    assert params.column_mappings == {"correspondances": {"date d'arrivée": "date_reception"}}
    assert params.value_mappings["correspondances"]["canal"]["Mél"] == "courriel"
    assert pickle.loads(pickle.dumps(params)) == params


# ---------------------------------------------------------------------------------------------
# At the command line: a clear message, no traceback
# ---------------------------------------------------------------------------------------------


def test_cli_names_the_misspelt_key(tmp_path):
    (tmp_path / "sites.yaml").write_text((PARAMS_DIR / "sites.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    text = (PARAMS_DIR / "default.yaml").read_text(encoding="utf-8").replace("seuil_petits_effectifs:",
                                                                            "seuil_petit_effectifs:")
    (tmp_path / "default.yaml").write_text(text, encoding="utf-8")
    result = subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", "validate", str(DEMO_DIR),
                             "--params", str(tmp_path)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "default.yaml : `seuil_petit_effectifs` inconnu" in result.stderr
    assert "vouliez-vous dire `seuil_petits_effectifs` ?" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_yaml_reader_reads_the_shipped_parameters_as_pyyaml_does():
    # the C parser (when built) must give the documents PyYAML's pure-Python safe loader gives
    import yaml

    from qualepref_analysis.io.locations import default_params_dir
    from qualepref_analysis.io.params import load_yaml

    files = sorted(default_params_dir().glob("*.yaml"))
    assert len(files) >= 3
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert load_yaml(text) == yaml.load(text, Loader=yaml.SafeLoader), path.name
    bom = "\ufeffsites:\n  a: {libelle: Été}\nn: 1_000\nd: 2022-03-14\n"  # a file saved by Notepad
    assert load_yaml(bom) == yaml.load(bom, Loader=yaml.SafeLoader) == {
        "sites": {"a": {"libelle": "Été"}}, "n": 1000, "d": __import__("datetime").date(2022, 3, 14)}
