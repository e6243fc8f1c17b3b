"""Loading and validation of every data set: invariants, encodings, rules, file-level errors."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from qualepref_analysis import load_data_dir, load_dataset
from qualepref_analysis.errors import DataFileError, MissingColumnError, QualeprefError, UnknownDatasetError, UnreadableFileError
from qualepref_analysis.io.params import Params
from qualepref_analysis.io.schemas import DATASETS

from conftest import DEMO_DIR, write_csv

# One broken cell per data set and the reason expected for it: (column, bad value, reason fragment).
BREAKAGES = {
    "correspondances": [("date_reception", "31/02/2022", "impossible"), ("canal", "pigeon", "non reconnue"),
                        ("site", "lyon", "non déclaré"), ("id", "", "obligatoire")],
    "appels": [("appels_recus", "-5", "supérieur ou égal"), ("mois", "2022-13", "mois"),
               ("appels_decroches", "999999", "décrochés")],
    "site_internet": [("date_demande", "hier", "non reconnue"), ("date_publication", "2001-01-01", "précède")],
    "frequentation_pan": [("visites", "3,5", "entier"), ("pan", "", "obligatoire")],
    "chatbot": [("conversations", "beaucoup", "nombre attendu")],
    "enquetes": [("q_global", "5", "entre 1 et 4"), ("mode", "telephone", "non reconnue"), ("date", "12/31/2022", "impossible")],
    "marges": [("effectif", "0", "strictement")],
    "sp_indicateurs": [("unite", "euros", "non reconnue"), ("periode", "T5", "période")],
    "sp_experiences": [("ressenti", "furieux", "non reconnue"), ("date_reponse", "2000-01-03", "précède")],
    "sp_diagnostic": [("taux_atteinte", "120", "inférieur ou égal"), ("engagement", "10", "référentiel")],
    "plan_actions": [("statut", "fini", "non reconnue"), ("annee", "22", "année")],
    "audits": [("resultat", "bof", "non reconnue"), ("date_audit", "", "obligatoire")],
}
# Data sets whose rules span rows: one broken row can quarantine its group.
CASCADING = {"marges"}


def _rewrite(path: Path, changes: dict[int, tuple[str, str]]) -> None:
    """Set ``column`` to ``value`` on data row ``i`` (file row i + 2)."""
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
        fields = list(rows[0].keys())
    for i, (column, value) in changes.items():
        rows[i][column] = value
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(rows)


def test_every_data_set_of_the_contract_has_a_demo_file():
    assert sorted(p.stem for p in DEMO_DIR.glob("*.csv")) == sorted(DATASETS)


@pytest.mark.parametrize("name", sorted(DATASETS))
def test_demo_file_loads_clean_and_rows_add_up(name, params):
    loaded = load_dataset(DEMO_DIR / f"{name}.csv", params)
    assert loaded.rows_read == loaded.rows_kept + loaded.rows_quarantined
    assert loaded.rows_quarantined == 0, loaded.quarantine.head().to_string()
    assert loaded.rows_read > 0


@pytest.mark.parametrize("name", sorted(BREAKAGES))
def test_broken_rows_are_quarantined_with_row_number_column_and_reason(name, params, demo_copy):
    path = demo_copy / f"{name}.csv"
    breakages = BREAKAGES[name]
    changes = {3 * i + 1: (column, value) for i, (column, value, _) in enumerate(breakages)}
    _rewrite(path, changes)
    loaded = load_dataset(path, params)
    assert loaded.rows_read == loaded.rows_kept + loaded.rows_quarantined
    if name in CASCADING:
        # A broken margin makes its site and campaign inconsistent: all its margins go too.
        assert loaded.rows_quarantined > len(breakages)
    else:
        assert loaded.rows_quarantined == len(breakages)
    for (i, (column, value)), (_, _, reason) in zip(changes.items(), breakages):
        errors = loaded.quarantine[loaded.quarantine["ligne"] == i + 2]
        assert not errors.empty, f"row {i + 2} not quarantined"
        assert (errors["colonne"] == column).any(), errors.to_string()
        assert errors["motif"].str.contains(reason, regex=False).any(), errors.to_string()
        assert (errors["fichier"] == f"{name}.csv").all()
    assert not loaded.frame.index.isin([i + 2 for i in changes]).any()


CORRESPONDANCES = (
    "id;site;type;canal;date_reception;date_reponse;texte;categorie\n"
    "A1;Prefecture;Réclamation;COURRIEL;14/03/2022;15/03/2022;Délai trop long;Délai_Instruction\n"
    "A2;antony;information;Formulaire web;2022-03-14;;;\n"
)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252", "utf-16"])
def test_encodings_and_semicolon_separator(tmp_path, params, encoding):
    path = write_csv(tmp_path / "correspondances.csv", CORRESPONDANCES, encoding)
    loaded = load_dataset(path, params)
    assert loaded.rows_kept == 2
    first = loaded.frame.loc[2]
    assert (first["site"], first["type"], first["canal"], first["categorie"]) == (
        "prefecture", "reclamation", "courriel", "delai_instruction")
    assert loaded.frame.loc[3, "canal"] == "formulaire_web"
    assert first["texte"] == "Délai trop long"


def test_comma_separator_quotes_and_multiline_text(tmp_path, params):
    text = ('id,site,type,canal,date_reception,date_reponse,texte\n'
            '1,antony,reclamation,courriel,2022-01-03,2022-01-04,"Bonjour,\nligne deux"\n'
            '2,antony,reclamation,courriel,2022-01-03,2022-01-01,x\n')
    loaded = load_dataset(write_csv(tmp_path / "correspondances.csv", text), params)
    assert loaded.frame.loc[2, "texte"] == "Bonjour,\nligne deux"
    # the second record is row 3 as a spreadsheet shows it
    assert loaded.quarantine["ligne"].tolist() == [3]


def test_blank_rows_keep_row_numbers_and_are_not_counted(tmp_path, params):
    text = "site;mois;appels_recus;appels_decroches\nantony;2022-01;10;9\n;;;\nantony;2022-02;10;11\n"
    loaded = load_dataset(write_csv(tmp_path / "appels.csv", text), params)
    assert loaded.blank_rows == 1 and loaded.rows_read == 2
    assert loaded.quarantine["ligne"].tolist() == [4]


def test_row_with_too_many_values_is_quarantined(tmp_path, params):
    text = "site;mois;appels_recus;appels_decroches\nantony;2022-01;10;9;oops\nantony;2022-02;10;9;\n"
    loaded = load_dataset(write_csv(tmp_path / "appels.csv", text), params)
    assert loaded.quarantine["ligne"].tolist() == [2]
    assert "valeurs pour 4 colonnes" in loaded.quarantine["motif"].iloc[0]
    assert loaded.rows_kept == 1  # an empty trailing value is harmless


def test_decimal_comma_and_thousands_in_numbers(tmp_path, params):
    text = ("perimetre;periode;indicateur;valeur;unite;cible\n"
            "departement;2022-T4;effort_teleprocedures;2,7;score_5;\n"
            "departement;2022-T4;delai_permis;1 033;jours;30\n")
    loaded = load_dataset(write_csv(tmp_path / "sp_indicateurs.csv", text), params)
    assert loaded.frame["valeur"].tolist() == [2.7, 1033.0]
    assert pd.isna(loaded.frame["cible"].iloc[0]) and loaded.frame["cible"].iloc[1] == 30


def test_xlsx_first_sheet_with_excel_dates(tmp_path, params):
    import datetime as dt

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ID", "Site", "Date_demande", "date_publication"])
    sheet.append(["W1", "prefecture", dt.datetime(2022, 3, 14), 44636])  # a date cell and a raw serial number
    sheet.append([None, None, None, None])
    sheet.append(["W2", "prefecture", "14/03/2022", "13/03/2022"])
    workbook.create_sheet("notes").append(["ignored"])
    path = tmp_path / "site_internet.xlsx"
    workbook.save(path)
    loaded = load_dataset(path, params)
    assert loaded.frame.loc[2, "date_demande"] == pd.Timestamp("2022-03-14")
    assert loaded.frame.loc[2, "date_publication"] == pd.Timestamp("2022-03-16")
    assert loaded.blank_rows == 1
    assert loaded.quarantine["ligne"].tolist() == [4]  # published before the request


def test_column_mapping_from_sites_yaml(tmp_path, params):
    text = "Numéro;Site;Type;Canal;Date d'arrivée;Date de réponse\n1;antony;reclamation;courriel;03/01/2022;04/01/2022\n"
    path = write_csv(tmp_path / "correspondances.csv", text)
    mapped = Params(params.directory, params.prefecture, params.sites,
                    {"correspondances": {"numéro": "id", "date d'arrivée": "date_reception",
                                         "date de réponse": "date_reponse"}}, params.settings)
    loaded = load_dataset(path, mapped)
    assert loaded.rows_kept == 1
    assert loaded.frame.loc[2, "date_reception"] == pd.Timestamp("2022-01-03")


def test_missing_required_column_names_file_column_and_found_columns(tmp_path, params):
    path = write_csv(tmp_path / "correspondances.csv", "id;site;type;date_reception;date_reponse\n1;antony;reclamation;2022-01-03;\n")
    with pytest.raises(MissingColumnError) as info:
        load_dataset(path, params)
    message = str(info.value)
    assert "correspondances.csv" in message and "canal" in message and "date_reception" in message
    assert isinstance(info.value, QualeprefError) and isinstance(info.value, KeyError)


def test_optional_columns_may_be_absent(tmp_path, params):
    path = write_csv(tmp_path / "appels.csv", "site,mois,appels_recus,appels_decroches\nboulogne,2022-01,5,5\n")
    loaded = load_dataset(path, params)
    assert "service" in loaded.frame.columns and loaded.frame["service"].isna().all()


def test_unknown_extra_columns_are_kept(tmp_path, params):
    path = write_csv(tmp_path / "chatbot.csv", "mois;conversations;Commentaire interne\n2022-03;12;x\n")
    loaded = load_dataset(path, params)
    assert loaded.frame.loc[2, "commentaire_interne"] == "x"


@pytest.mark.parametrize("content, fragment", [
    (b"", "vide"),
    (b"PK\x03\x04rest-of-a-zip", "XLSX"),
    (b"\x00\x01\x02binary", "binaire"),
    (b'id;site\n"unterminated\n' + b"x" * 10, None),
])
def test_unreadable_files_raise_a_clear_error(tmp_path, params, content, fragment):
    path = tmp_path / "correspondances.csv"
    path.write_bytes(content)
    with pytest.raises(DataFileError) as info:
        load_dataset(path, params)
    assert "correspondances.csv" in str(info.value)
    if fragment:
        assert fragment in str(info.value)


def test_corrupt_xlsx_raises_unreadable(tmp_path, params):
    path = tmp_path / "appels.xlsx"
    path.write_bytes(b"not a zip at all")
    with pytest.raises(UnreadableFileError, match="appels.xlsx"):
        load_dataset(path, params)


def test_unknown_data_set_and_duplicates_in_a_folder(tmp_path, params):
    write_csv(tmp_path / "correspondances.csv", CORRESPONDANCES)
    write_csv(tmp_path / "reclamations_2022.csv", "a;b\n1;2\n")
    write_csv(tmp_path / "Appels.CSV", "site;mois;appels_recus;appels_decroches\nantony;2022-01;3;2\n")
    write_csv(tmp_path / "appels.xlsx", "")
    bundle = load_data_dir(tmp_path, params)
    assert set(bundle.datasets) == {"correspondances", "appels"}
    assert isinstance(bundle.failures["reclamations_2022.csv"], UnknownDatasetError)
    assert "noms attendus" in str(bundle.failures["reclamations_2022.csv"])
    assert "un fichier par jeu" in str(bundle.failures["appels.xlsx"])


def test_duplicate_ids_quarantine_every_copy(tmp_path, params):
    text = CORRESPONDANCES + "A1;boulogne;suggestion;urne;2022-05-02;;;\n"
    loaded = load_dataset(write_csv(tmp_path / "correspondances.csv", text), params)
    assert loaded.quarantine["ligne"].tolist() == [2, 4]
    assert loaded.quarantine["motif"].str.contains("double").all()


def test_margins_with_different_totals_are_quarantined(tmp_path, params):
    text = ("site;campagne;variable;modalite;effectif\n"
            "antony;2022;service;a;100\nantony;2022;service;b;100\n"
            "antony;2022;demi_journee;matin;150\nantony;2022;demi_journee;apres_midi;60\n"
            "boulogne;2022;service;a;100\nboulogne;2022;demi_journee;matin;100,4\n")
    loaded = load_dataset(write_csv(tmp_path / "marges.csv", text), params)
    assert loaded.quarantine["ligne"].tolist() == [2, 3, 4, 5]  # 200 vs 210; Boulogne within 0,5 %
    assert loaded.quarantine["motif"].str.contains("même total").all()
    assert loaded.rows_kept == 2


def test_free_text_is_masked_and_values_scrubbed_in_the_quarantine(tmp_path, params):
    text = ("id;site;type;canal;date_reception;date_reponse;texte\n"
            "1;jean.dupont@example.org;reclamation;courriel;2022-01-03;;Mon numéro 0612345678\n"
            "2;antony;reclamation;courriel;2022-01-03;2021-01-01;Appelez le 06 12 34 56 78\n")
    loaded = load_dataset(write_csv(tmp_path / "correspondances.csv", text), params)
    dumped = loaded.quarantine.to_csv()
    assert "jean.dupont" not in dumped and "0612345678" not in dumped and "06 12 34 56 78" not in dumped
    assert loaded.rows_quarantined == 2


def test_margins_are_checked_against_the_survey(tmp_path, params):
    write_csv(tmp_path / "correspondances.csv", CORRESPONDANCES)
    write_csv(tmp_path / "enquetes.csv", "id;site;campagne;date;service;mode;q_global\n"
                                         "1;antony;2022;2022-03-23;Accueil général;qr;4\n"
                                         "2;antony;2022;2022-03-23;pan;papier;3\n")
    write_csv(tmp_path / "marges.csv", "site;campagne;variable;modalite;effectif\n"
                                       "antony;2022;service;accueil_general;70\n"
                                       "antony;2022;service;PAN;25\n"
                                       "antony;2022;service;cert;5\n"
                                       "antony;2022;age;jeune;100\n")
    bundle = load_data_dir(tmp_path, params)
    margins = bundle.datasets["marges"]
    assert margins.rows_read == margins.rows_kept + margins.rows_quarantined == 4
    reasons = margins.quarantine.set_index("ligne")["motif"]
    assert set(reasons.index) == {4, 5}
    assert "aucun répondant" in reasons[4] and "variable absente" in reasons[5]
    assert sorted(margins.frame["modalite"]) == ["accueil_general", "pan"]


def test_a_file_saved_by_two_tools_keeps_its_accents(tmp_path, params):
    """The first lines in UTF-8, the last ones in cp1252: each line is read in its own encoding."""
    from qualepref_analysis import load_dataset

    head = "site,annee,action,statut,echeance\nprefecture,2022,Créer un accueil téléphonique dédié,realisee,\n"
    tail = "antony,2022,Réduire l'attente au guichet,realisee,\n"
    path = tmp_path / "plan_actions.csv"
    path.write_bytes(head.encode("utf-8") + tail.encode("cp1252"))
    loaded = load_dataset(path, params)
    assert list(loaded.frame["action"]) == ["Créer un accueil téléphonique dédié", "Réduire l'attente au guichet"]
