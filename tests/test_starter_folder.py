"""A prefecture starting from nothing: `qualepref init`, its workbook read as data, and the messages
a new user needs (absent data sets, a year without data, disagreeing margins, no stray quarantine)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from conftest import DEMO_DIR
from qualepref_analysis.io.datasets import load_data_dir
from qualepref_analysis.io.params import load_params
from qualepref_analysis.io.schemas import DATASETS


def qualepref(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def fill(workbook: Path, names: tuple[str, ...], site: str = "prefecture") -> dict[str, int]:
    """Paste the demo's rows of one site under the template's headers, as an office would."""
    book = load_workbook(workbook)
    written = {}
    for name in names:
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]]
        with open(DEMO_DIR / f"{name}.csv", encoding="utf-8") as handle:
            rows = [r for r in csv.DictReader(handle) if r.get("site", site) == site]
        for row in rows:
            sheet.append([row.get(h, "") for h in headers])
        written[name] = len(rows)
    book.save(workbook)
    return written


@pytest.fixture(scope="module")
def starter(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("nouvelle") / "préfecture 2022"
    result = qualepref("init", str(folder), "--year", "2022")
    assert result.returncode == 0, result.stderr
    return folder


def test_init_writes_params_with_every_option_and_a_workbook(starter):
    sites = (starter / "params" / "sites.yaml").read_text(encoding="utf-8")
    for option in ("libelle:", "type:", "calendrier:", "alias:", "colonnes:", "valeurs:"):
        assert option in sites, option
    assert "annee: 2022" in (starter / "params" / "default.yaml").read_text(encoding="utf-8")
    params = load_params(starter / "params")  # the commented template loads as it is
    assert list(params.sites) == ["prefecture"]
    book = load_workbook(starter / "modele-donnees.xlsx")
    assert book.sheetnames[0] == "Mode d'emploi"
    assert set(DATASETS) <= set(book.sheetnames)
    assert book["_listes"].sheet_state == "hidden"


def test_each_sheet_has_the_contract_headers_notes_and_drop_downs(starter):
    book = load_workbook(starter / "modele-donnees.xlsx")
    for name, spec in DATASETS.items():
        sheet = book[name]
        headers = [cell.value for cell in sheet[1]][:len(spec.columns)]
        assert headers == [c.name for c in spec.columns], name
        for cell, col in zip(sheet[1], spec.columns):
            note = cell.comment.text
            assert "Type :" in note and "Règle :" in note and "Exemple :" in note, (name, col.name)
        assert sheet.freeze_panes == "A2"
        validated = {str(rng).split(":")[0].rstrip("0123456789") for dv in sheet.data_validations.dataValidation
                     for rng in dv.sqref.ranges}
        coded = {cell.column_letter for cell, col in zip(sheet[1], spec.columns)
                 if col.codes or col.kind in ("site", "perimeter")}
        assert coded == validated, name
    # a drop-down lists the contract's codes
    correspondances = book["correspondances"]
    canal = next(dv for dv in correspondances.data_validations.dataValidation if "D2" in str(dv.sqref))
    sheet_name, cells = canal.formula1.split("!")
    column = cells.split(":")[0].strip("$").rstrip("0123456789$")
    listed = [c.value for c in book[sheet_name][column] if c.value]
    assert set(listed) == set(DATASETS["correspondances"].column("canal").codes)


def test_init_refuses_an_existing_folder(starter):
    before = (starter / "params" / "sites.yaml").read_bytes()
    result = qualepref("init", str(starter))
    assert result.returncode == 2
    assert "existe déjà" in result.stderr and "Traceback" not in result.stderr
    assert (starter / "params" / "sites.yaml").read_bytes() == before


def test_the_filled_workbook_gives_the_same_data_as_the_files(tmp_path):
    folder = tmp_path / "x"
    assert qualepref("init", str(folder), "--year", "2022").returncode == 0
    written = fill(folder / "modele-donnees.xlsx", ("correspondances", "appels"))
    params = load_params(folder / "params")
    bundle = load_data_dir(folder / "modele-donnees.xlsx", params)
    assert set(bundle.datasets) == {"correspondances", "appels"}  # the empty sheets count as absent
    assert not bundle.failures
    for name, count in written.items():
        assert bundle.datasets[name].rows_read == count and bundle.datasets[name].rows_quarantined == 0
    # the same rows as the demo's own file, restricted to the site
    files = load_data_dir(DEMO_DIR, load_params(DEMO_DIR.parent.parent / "params"))
    expected = files.frame("correspondances")
    expected = expected[expected["site"] == "prefecture"].reset_index(drop=True)
    got = bundle.frame("correspondances").reset_index(drop=True)
    pd.testing.assert_frame_equal(got[expected.columns], expected, check_dtype=False)


def test_a_bad_cell_of_a_sheet_is_named_by_workbook_sheet_and_row(tmp_path):
    folder = tmp_path / "x"
    assert qualepref("init", str(folder), "--year", "2022").returncode == 0
    fill(folder / "modele-donnees.xlsx", ("correspondances",))
    book = load_workbook(folder / "modele-donnees.xlsx")
    book["correspondances"]["D5"] = "pigeon voyageur"  # canal
    book.save(folder / "modele-donnees.xlsx")
    result = qualepref("validate", str(folder / "modele-donnees.xlsx"), "--params", str(folder / "params"), cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    assert "modele-donnees.xlsx (feuille correspondances)" in result.stdout
    assert "ligne 5, colonne canal" in result.stdout
    assert not (tmp_path / "quarantine.csv").exists()  # nothing written where nobody asked


def test_review_reads_the_workbook(tmp_path):
    folder = tmp_path / "Mes documents" / "Qualité 2022"
    assert qualepref("init", str(folder), "--year", "2022").returncode == 0
    fill(folder / "modele-donnees.xlsx", ("correspondances", "appels"))
    out = folder / "bilan"
    result = qualepref("review", "--data", str(folder / "modele-donnees.xlsx"), "--params", str(folder / "params"),
                       "--sections", "01", "--out", str(out))
    assert result.returncode == 0, result.stderr
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert "prefecture" in json.dumps(results)
    assert (out / "bilan-2022.html").exists()


def test_validate_lists_the_absent_data_sets_and_what_each_removes(tmp_path):
    for name in ("correspondances", "appels"):
        (tmp_path / f"{name}.csv").write_bytes((DEMO_DIR / f"{name}.csv").read_bytes())
    result = qualepref("validate", str(tmp_path), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "10 jeux de données facultatifs absents" in result.stdout
    assert "enquetes : pas de section satisfaction" in result.stdout
    assert "appels :" not in result.stdout.split("absents")[1]
    assert not (tmp_path / "quarantine.csv").exists()


def test_a_year_without_data_stops_with_a_clear_message(tmp_path):
    result = qualepref("review", "--year", "2020", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "aucune donnée de 2020" in result.stderr and "--year 2022" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_notebook_opened_on_a_year_without_data_says_so():
    from qualepref_analysis import open_section
    from qualepref_analysis.errors import DataFileError

    with pytest.raises(DataFileError, match="aucune donnée de 2019"):
        open_section(site="prefecture", year=2019)


def test_disagreeing_margins_name_the_site_the_campaign_and_each_total(tmp_path):
    for source in DEMO_DIR.iterdir():
        (tmp_path / source.name).write_bytes(source.read_bytes())
    margins = pd.read_csv(tmp_path / "marges.csv", dtype=str)
    first = margins.index[(margins["site"] == "prefecture") & (margins["variable"] == "service")][0]
    campaign = margins.loc[first, "campagne"]
    chosen = margins[(margins["site"] == "prefecture") & (margins["campagne"] == campaign)].copy()
    chosen["effectif"] = chosen["effectif"].astype(float)
    chosen.loc[first, "effectif"] += 1000
    totals = chosen.groupby("variable")["effectif"].sum()  # the totals the message must give, by hand
    margins.loc[first, "effectif"] = str(chosen.loc[first, "effectif"])
    margins.to_csv(tmp_path / "marges.csv", index=False)
    bundle = load_data_dir(tmp_path, load_params(DEMO_DIR.parent.parent / "params"))
    reasons = bundle.datasets["marges"].quarantine["motif"]
    message = reasons[reasons.str.contains("prefecture")].iloc[0]
    assert f"site prefecture, campagne {campaign}" in message
    for variable, total in totals.items():
        assert f"{variable} {total:,.0f}".replace(",", "\u202f") in message


def test_an_unknown_sheet_with_rows_is_reported_an_empty_one_ignored(tmp_path):
    folder = tmp_path / "x"
    assert qualepref("init", str(folder), "--year", "2022").returncode == 0
    fill(folder / "modele-donnees.xlsx", ("correspondances",))
    book = load_workbook(folder / "modele-donnees.xlsx")
    book.create_sheet("Feuil1")
    book.create_sheet("notes").append(["remarque"])
    book["notes"].append(["à revoir"])
    book.save(folder / "modele-donnees.xlsx")
    bundle = load_data_dir(folder / "modele-donnees.xlsx", load_params(folder / "params"))
    assert list(bundle.failures) == ["modele-donnees.xlsx (feuille notes)"]
    assert "noms de feuille attendus" in str(bundle.failures["modele-donnees.xlsx (feuille notes)"])
    assert set(bundle.datasets) == {"correspondances"}
