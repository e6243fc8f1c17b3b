"""The agents' review loop from the command line: write the sheet, fill two rows as an agent would,
merge them into the register, and the next categoriser learns them; every wrong input refused."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook




def qualepref(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", *args], capture_output=True, text=True,
                          timeout=600)


@pytest.fixture()
def register(tmp_path) -> Path:
    rows = [{"id": f"R{i}", "texte": text, "categorie": ""} for i, text in enumerate([
        "Bonjour, je n'arrive pas à joindre le standard, M. Dupont au 06 12 34 56 78 attend.",
        "Aucun créneau disponible depuis des semaines pour mon titre de séjour.",
        "Le guichet était fermé et l'agent a été désagréable.",
        "Merci pour l'accueil, très bien reçu.",
        "Mon dossier de naturalisation est en cours depuis deux ans sans nouvelles.",
        "",
        "Bonjour, je voulais vous signaler quelque chose.",
        "Problème avec mon dossier, que faire ?",
        "Je ne sais pas à qui m'adresser.",
    ])]
    rows[3]["categorie"] = "autre"  # already labelled by an agent
    path = tmp_path / "correspondances.csv"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def _sheet(tmp_path, register) -> Path:
    sheet = tmp_path / "feuille.xlsx"
    done = qualepref("categorise", str(register), "--out", str(tmp_path / "sortie.csv"), "--a-verifier", str(sheet))
    assert done.returncode == 0, done.stderr
    assert "à vérifier par les agents" in done.stdout
    return sheet


def _fill(sheet: Path, choices: dict[int, str]) -> list[str]:
    book = load_workbook(sheet)
    page = book["À vérifier"]
    ids = []
    for row, value in choices.items():
        page.cell(row=row, column=6, value=value)
        ids.append(page.cell(row=row, column=1).value)
    book.save(sheet)
    return ids


def test_the_sheet_is_ready_for_agents(tmp_path, register):
    sheet = _sheet(tmp_path, register)
    book = load_workbook(sheet)
    page = book["À vérifier"]
    header = [c.value for c in page[1]]
    assert header[0] == "Identifiant" and header[-1] == "Sujet retenu"
    rows = list(page.iter_rows(min_row=2, values_only=True))
    texts = " ".join(str(r[1]) for r in rows)
    assert "06 12 34 56 78" not in texts and "Dupont" not in texts  # scrubbed
    assert all(str(r[1]).strip() not in ("", "None") for r in rows)  # an empty text has nothing to label
    confidences = [r[3] for r in rows]
    assert confidences == sorted(confidences)  # least confident first
    validation = page.data_validations.dataValidation[0]
    assert validation.type == "list" and "Sujets" in validation.formula1 and str(validation.sqref).startswith("F2")
    assert [c.value for c in book["Sujets"]["A"]][1:] and "Prise de rendez-vous" in [c.value for c in book["Sujets"]["A"]]
    assert page.freeze_panes == "A2"


def test_two_choices_merged_and_learnt(tmp_path, register):
    sheet = _sheet(tmp_path, register)
    assert load_workbook(sheet)["À vérifier"].max_row >= 3  # at least two complaints to look at
    ids = _fill(sheet, {2: "Prise de rendez-vous", 3: "joignabilite"})
    assert "R3" not in ids  # already labelled by an agent: not in the sheet
    merged = tmp_path / "registre.csv"
    done = qualepref("etiquettes", str(sheet), "--registre", str(register), "--out", str(merged))
    assert done.returncode == 0, done.stderr
    assert "2 sujets ajoutés" in done.stdout
    out = pd.read_csv(merged, sep=";", dtype=str, keep_default_na=False).set_index("id")
    before = pd.read_csv(register, dtype=str, keep_default_na=False).set_index("id")
    assert out.loc[ids[0], "categorie"] == "prise_rdv" and out.loc[ids[1], "categorie"] == "joignabilite"
    changed = out["categorie"] != before["categorie"]
    assert sorted(out.index[changed]) == sorted(ids)  # nothing else touched
    assert list(out.columns) == list(before.columns) and (out["texte"] == before["texte"]).all()
    # the next run learns from them: the merged register as training data keeps the agents' labels
    again = qualepref("categorise", str(merged), "--out", str(tmp_path / "sortie2.csv"), "--train", str(merged))
    assert again.returncode == 0 and "entraîné sur 3 réclamations étiquetées" in again.stderr, again.stderr


def test_wrong_inputs_are_refused_and_nothing_is_written(tmp_path, register):
    sheet = _sheet(tmp_path, register)
    merged = tmp_path / "registre.csv"
    _fill(sheet, {2: "Pas un sujet"})
    done = qualepref("etiquettes", str(sheet), "--registre", str(register), "--out", str(merged))
    assert done.returncode == 2 and "ligne 2" in done.stderr and "n'est pas un sujet" in done.stderr
    assert "Traceback" not in done.stderr and not merged.exists()
    _fill(sheet, {2: "autre"})
    book = load_workbook(sheet)
    book["À vérifier"].cell(row=2, column=1, value="INCONNU")
    book.save(sheet)
    done = qualepref("etiquettes", str(sheet), "--registre", str(register), "--out", str(merged))
    assert done.returncode == 2 and "« INCONNU » absent du registre" in done.stderr and not merged.exists()
    # a text edited in the register since the sheet was written
    sheet = _sheet(tmp_path, register)
    first = _fill(sheet, {2: "autre"})[0]
    edited = pd.read_csv(register, dtype=str, keep_default_na=False)
    edited.loc[edited["id"] == first, "texte"] = "Un tout autre texte."
    edited.to_csv(tmp_path / "edite.csv", index=False)
    done = qualepref("etiquettes", str(sheet), "--registre", str(tmp_path / "edite.csv"), "--out", str(merged))
    assert done.returncode == 2 and "a changé depuis la feuille" in done.stderr and not merged.exists()
    not_a_sheet = tmp_path / "x.xlsx"
    not_a_sheet.write_bytes(b"PK not a workbook")
    done = qualepref("etiquettes", str(not_a_sheet), "--registre", str(register), "--out", str(merged))
    assert done.returncode == 2 and "classeur illisible" in done.stderr


def test_a_label_already_there_is_kept_unless_replaced(tmp_path, register):
    sheet = tmp_path / "feuille.xlsx"
    from qualepref_analysis.io.review_sheet import write_review_sheet

    write_review_sheet(sheet, pd.DataFrame({"id": ["R3"], "texte": ["Merci pour l'accueil, très bien reçu."],
                                            "categorie_predite": ["autre"], "confiance": [0.4], "termes": [""]}),
                       {"autre": "Autre", "accueil_physique": "Accueil physique"})
    _fill(sheet, {2: "Accueil physique"})
    merged = tmp_path / "registre.csv"
    done = qualepref("etiquettes", str(sheet), "--registre", str(register), "--out", str(merged))
    assert done.returncode == 2 and "déjà le sujet « autre »" in done.stderr and "--remplacer" in done.stderr
    done = qualepref("etiquettes", str(sheet), "--registre", str(register), "--out", str(merged), "--remplacer")
    assert done.returncode == 0 and "1 sujet remplacé" in done.stdout and "R3 : autre → accueil_physique" in done.stdout
