"""The office files of a review, opened with their own libraries (openpyxl, python-docx) as a user's
program would open them: the workbook of tables, the bilan in Word, the draft of the minutes.

Reference values are written by hand here, or read from the HTML bilan with a regular expression of
this module (not with the package's reader).
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import docx
import pandas as pd
import pytest
from openpyxl import load_workbook

from qualepref_analysis.office.blocks import Figure, Heading, PageBreak, Paragraph, TableBlock, read_blocks
from qualepref_analysis.office.minutes import Placeholder, Statement, Title, minutes_items, write_minutes_document
from qualepref_analysis.office.word import write_bilan_document
from qualepref_analysis.office.workbook import INDEX_SHEET, write_tables_workbook
from qualepref_analysis.report.html import Table, french_table

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
WP = "{http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing}"
PNG = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8"
                    "cfc0f01f0005000201a3f1c5b10000000049454e44ae426082")  # 1×1 pixel


def _document(body: str) -> str:
    return (f'<!DOCTYPE html><html lang="fr"><body><header class="cover"><p>Comité local des usagers</p>'
            f'<h1>Bilan annuel Qual-e-Pref 2031</h1></header><nav class="toc"><h2>Sommaire</h2><ol><li>x</li></ol></nav>'
            f"<main>{body}</main><footer><p>Produit par qualepref-analysis.</p></footer></body></html>")


def _small_bilan() -> str:
    table = Table(pd.DataFrame({"Canal": ["Courriel", "=HYPERLINK(\"http://x\")", "Urne"],
                                "Réponses": [1375, 12, 3],
                                "Dans les délais (%)": [73.61, 50.0, float("nan")],
                                "Reçue le": pd.to_datetime(["2031-03-10", "2031-01-01", None])}),
                  caption="Délais : réponses/canal [2031]*?",
                  formats={"Réponses": "number", "Dans les délais (%)": "percent", "Reçue le": "date"})
    chart = ('<figure class="qp-pair"><img alt="Taux par mois. Le plus haut en juin." '
             'src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP4z8DwHwAFAAIBo/HFsQAAAABJRU5ErkJggg==">'
             '</figure><details class="qp-data"><summary>Données du graphique</summary>'
             + french_table(pd.DataFrame({"Mois": ["janv."], "Taux (%)": [91.0]}), formats={"Taux (%)": "decimal"},
                            caption="Taux par mois") + "</details>")
    return _document('<section class="part site" id="x"><h2>Sous-préfecture de Ville</h2>'
                     '<section class="site-section"><h3>Réclamations</h3>'
                     '<p class="qp-narrative">Le taux s’élève à <strong>73,6\u00a0%</strong>.</p>'
                     '<ul><li>premier point</li><li>second point</li></ul>'
                     f"{french_table(table)}{chart}"
                     '<p class="back"><a href="#sommaire">Retour au sommaire</a></p></section></section>'
                     '<section class="annex" id="methodes"><h2>Méthodes et paramètres</h2><p>Texte.</p></section>')


# ----------------------------------------------------------------- the bilan read back as blocks
def test_a_formatted_cell_carries_its_value_and_a_text_or_missing_cell_none():
    markup = french_table(pd.DataFrame({"a": [73.61, float("nan")], "b": ["3 sur 4", "x"]}),
                          formats={"a": "percent", "b": "percent"})
    assert 'data-value="73.61" data-format="percent"' in markup
    cells = re.findall(r"<td([^>]*)>([^<]*)</td>", markup)
    assert cells[1][0] == ' class="num"'  # « 3 sur 4 » instead of a share: a text, no value
    assert cells[2] == (' class="num"', "–")  # a withheld value has no value to leak


def test_blocks_follow_the_document_and_leave_out_navigation():
    blocks = read_blocks(_small_bilan())
    kinds = [type(block).__name__ for block in blocks]
    assert kinds == ["Paragraph", "Paragraph", "PageBreak", "Heading", "Heading", "Paragraph", "Paragraph", "Paragraph",
                     "TableBlock", "Figure", "TableBlock", "PageBreak", "Heading", "Paragraph", "Paragraph"], kinds
    headings = [(b.level, b.text) for b in blocks if isinstance(b, Heading)]
    assert headings == [(1, "Sous-préfecture de Ville"), (2, "Réclamations"), (1, "Méthodes et paramètres")]
    text = " ".join(b.text for b in blocks if isinstance(b, Paragraph))
    assert "Retour au sommaire" not in text and "Sommaire" not in text and "Données du graphique" not in text
    strong = [b for b in blocks if isinstance(b, Paragraph) and b.kind == "text"][0]
    assert [(r.text, r.bold) for r in strong.runs] == [("Le taux s’élève à ", False), ("73,6\u00a0%", True), (".", False)]
    assert [b.kind for b in blocks if isinstance(b, Paragraph)][3:5] == ["bullet", "bullet"]
    table, data = [b for b in blocks if isinstance(b, TableBlock)]
    assert table.place == ("Sous-préfecture de Ville", "Réclamations") and not table.figure_data and data.figure_data
    assert table.header == ("Canal", "Réponses", "Dans les délais (%)", "Reçue le")
    assert table.rows[0][1].value == 1375.0 and table.rows[0][2].value == 73.61 and table.rows[0][3].value == "2031-03-10"
    assert table.rows[2][2].value is None and table.rows[2][2].text == "–"
    figure = next(b for b in blocks if isinstance(b, Figure))
    assert figure.png[:8] == b"\x89PNG\r\n\x1a\n" and figure.pair and figure.alt.startswith("Taux par mois")


# ----------------------------------------------------------------- the workbook of tables
def test_workbook_has_an_index_with_links_and_one_sheet_per_table(tmp_path):
    path = write_tables_workbook(read_blocks(_small_bilan()), tmp_path / "t.xlsx", title="Bilan 2031", threshold=10,
                                 survey_threshold=20)
    book = load_workbook(path)
    assert book.sheetnames[0] == INDEX_SHEET and len(book.sheetnames) == 3
    for name in book.sheetnames:
        assert len(name) <= 31 and not re.search(r"[\[\]:*?/\\]", name), name
    index = book[INDEX_SHEET]
    links = [row[4] for row in index.iter_rows(min_row=5) if row[4].value]
    assert [cell.value for cell in links] == book.sheetnames[1:]
    assert [cell.hyperlink.location for cell in links] == [f"'{name}'!A1" for name in book.sheetnames[1:]]
    captions = [row[3].value for row in index.iter_rows(min_row=5) if row[3].value]
    back = book[book.sheetnames[1]]["A3"]
    assert back.value == "← Sommaire" and back.hyperlink.location == f"'{INDEX_SHEET}'!A1"
    assert captions[0].startswith("Délais") and captions[1].endswith("(données du graphique)")


def test_workbook_cells_are_real_numbers_with_french_formats_and_withheld_cells_are_empty(tmp_path):
    path = write_tables_workbook(read_blocks(_small_bilan()), tmp_path / "t.xlsx", title="Bilan 2031", threshold=10)
    sheet = load_workbook(path)[load_workbook(path).sheetnames[1]]
    assert sheet["A1"].value == "Délais\u00a0: réponses/canal [2031]*?"  # the caption, whole, as the title row
    assert sheet.freeze_panes == "B6"
    assert [c.value for c in sheet[5]] == ["Canal", "Réponses", "Dans les délais (%)", "Reçue le"]
    assert sheet["B6"].value == 1375 and sheet["B6"].number_format == "#,##0"
    assert sheet["C6"].value == pytest.approx(0.7361) and sheet["C6"].number_format == "0.0 %"
    assert str(sheet["D6"].value)[:10] == "2031-03-10" and sheet["D6"].number_format == "DD/MM/YYYY"
    assert sheet["C8"].value is None and "moins de 10" in sheet["C8"].comment.text
    assert sheet["A7"].value == "'=HYPERLINK(\"http://x\")" and sheet["A7"].data_type == "s"  # not a formula
    assert sheet.column_dimensions["A"].width >= len("Courriel")


# ----------------------------------------------------------------- the bilan in Word
def test_word_bilan_has_headings_toc_repeated_headers_alt_text_page_numbers_on_a4(tmp_path):
    path = write_bilan_document(read_blocks(_small_bilan()), tmp_path / "b.docx", title="Bilan 2031")
    document = docx.Document(path)
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    headings = [(p.style.name, p.text) for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert headings == [("Heading 1", "Sous-préfecture de Ville"), ("Heading 2", "Réclamations"),
                        ("Heading 1", "Méthodes et paramètres")]
    body = document.element.body.xml
    assert re.search(r"<w:instrText[^>]*> TOC \\o", body)
    assert len(document.tables) == 1  # the chart's values go to the workbook, not twice into the text
    table = document.tables[0]
    assert table.rows[0]._tr.trPr.find(f"{W}tblHeader") is not None
    assert [c.text for c in table.rows[1].cells] == ["Courriel", "1\u202f375", "73,6\u00a0%", "10/03/2031"]
    pictures = body.count("<pic:pic")
    assert pictures == 1
    described = document.element.body.findall(f".//{WP}docPr")
    assert described[0].get("descr").startswith("Taux par mois. Le plus haut")
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer
    assert 'w:val="fr-FR"' in document.styles.element.xml
    assert "Retour au sommaire" not in "\n".join(p.text for p in document.paragraphs)


# ----------------------------------------------------------------- the draft of the minutes
RESULTS = {
    "year": 2031,
    "sites": {
        "s1": {"01_indicateurs": {"indicateurs": {
            "appels_taux_decroches": {"valeur": 82.0, "unite": "pourcent", "cible": 80.0, "atteint": True,
                                      "evaluation": "atteint", "numerateur": 820.0, "denominateur": 1000.0,
                                      "valeur_annee_precedente": 78.5,
                                      "evolution": {"ecart": 3.5, "significatif": True}},
            "reclamations_taux_delai": {"valeur": None, "unite": "pourcent", "cible": 75.0, "atteint": None,
                                        "evaluation": "non_evaluable", "numerateur": 3.0, "denominateur": 4.0,
                                        "valeur_annee_precedente": None, "evolution": None}},
            "volumes": {"reclamations_suggestions": 4, "annee_precedente": {"reclamations_suggestions": 7},
                        "par_type_et_canal": {"reclamation": {"courriel": 3, "urne": 1}}}},
            "05_plan_actions": {"plan": {"annee": 2031, "n": 3, "statuts": {"realisee": 2, "en_cours": 1, "prevue": 0,
                                                                             "abandonnee": 0},
                                         "taux_realisation": None},
                                "plan_suivant": {"annee": 2032, "n": 2, "statuts": {"realisee": 0, "en_cours": 0,
                                                                                    "prevue": 2, "abandonnee": 0},
                                                 "taux_realisation": None},
                                "actions_en_retard": 1}},
        "s2": {"01_indicateurs": {"indicateurs": {
            "appels_taux_decroches": {"valeur": 70.25, "unite": "pourcent", "cible": 80.0, "atteint": False,
                                      "evaluation": "non_atteint", "numerateur": 281.0, "denominateur": 400.0,
                                      "valeur_annee_precedente": None, "evolution": None}}},
            "04_services_publics_plus": {"diagnostic": None, "experiences": None, "transparence": {
                "periode": "2031-T4", "indicateurs": [
                    {"indicateur": "delai_permis", "libelle": "Délai moyen de délivrance du permis de conduire",
                     "perimetre": "departement", "valeur": 33.0, "unite": "jours", "cible": None},
                    {"indicateur": "satisfaction_titres", "libelle": "Satisfaction sur la délivrance des titres",
                     "perimetre": "departement", "valeur": 77.0, "unite": "pourcent", "cible": 80.0}]}}},
    },
}
SITES = {"s1": "Sous-préfecture de Ville", "s2": "Préfecture de Cité"}


def _texts(items) -> list[str]:
    return [item.text for item in items]


def test_minutes_say_each_figure_against_its_target_in_the_minutes_voice(params):
    items = minutes_items(RESULTS, sites=SITES, prefecture="Préfecture du Département", settings=params.settings)
    text = "\n".join(_texts(items)).replace("\u00a0", " ")
    assert ("Le taux d'appels décrochés s'élève à 82,0 % pour la sous-préfecture de Ville, au-dessus de la valeur "
            "cible (80 %). En 2030, il était de 78,5 % : l'écart dépasse la marge d'erreur. Il s'élève à 70,3 % pour "
            "la préfecture de Cité, en dessous de la valeur cible (80 %).") in text
    assert "n'est pas publié pour la sous-préfecture de Ville en raison du faible nombre d'éléments (3 sur 4)" in text
    assert "a reçu 4 réclamations et suggestions (7 en 2030)" in text
    assert ("Indicateurs de transparence du département publiés sur Services Publics+ (4e trimestre 2031) : délai "
            "moyen de délivrance du permis de conduire, 33 jours ; satisfaction sur la délivrance des titres, 77 % "
            "(cible : 80 %).") in text
    assert "Les réclamations sont arrivées par courriel (3) et par l'urne (1)." in text
    assert ("Pour la sous-préfecture de Ville, le plan d'actions 2031 comptait 3 actions : 2 réalisées et 1 en cours. "
            "Le plan d'actions 2032 compte 2 actions : 2 prévues. 1 action est en retard sur son échéance.") in text


def test_minutes_follow_the_minutes_order_with_placeholders_for_people(params):
    items = minutes_items(RESULTS, sites=SITES, prefecture="Préfecture du Département", settings=params.settings)
    titles = [item.text for item in items if isinstance(item, Title) and item.level == 1]
    assert titles == ["Participants", "Introduction", "Bilan annuel Qual-e-Pref 2031", "Services Publics+",
                      "Les plans d'actions", "Les audits", "Questions diverses"]
    subtitles = [item.text for item in items if isinstance(item, Title) and item.level == 2]
    assert subtitles == ["Les indicateurs Qual-e-Pref", "L'analyse des réclamations", "Les enquêtes de satisfaction"]
    placeholders = [item.text for item in items if isinstance(item, Placeholder)]
    assert "[Interventions des participants]" in placeholders and "[Questions diverses]" in placeholders
    assert any(p.startswith("[Liste des participants") for p in placeholders)
    assert all(p.startswith("[") and p.endswith("]") or "[date]" in p for p in placeholders)
    # RESULTS holds no survey or audit section: those parts say so, never « aucun audit »
    assert placeholders.count("[Partie à rédiger : cette section du bilan n'a pas été produite]") == 2
    assert "Aucun audit" not in "\n".join(_texts(items))


_NUMBER = re.compile(r"(?<![\w,])\d{1,3}(?:[\u202f\u00a0 ]\d{3})*(?:,\d+)?(?![\w,])")


def _numbers_of(value, out: list[float]) -> list[float]:
    """Every number of a record: values, numeric keys (years) and the digits inside its texts (« n° 6 », a date)."""
    if isinstance(value, dict):
        for key, item in value.items():
            _numbers_of(key, out)
            _numbers_of(item, out)
    elif isinstance(value, list):
        for item in value:
            _numbers_of(item, out)
    elif isinstance(value, bool) or value is None:
        pass
    elif isinstance(value, (int, float)):
        out.append(float(value))
    elif isinstance(value, str):
        out.extend(float(n) for n in re.findall(r"\d+(?:\.\d+)?", value))
    return out


def _stated(number: str) -> tuple[float, int]:
    digits = re.sub(r"[\u202f\u00a0 ]", "", number)
    decimals = len(digits.split(",")[1]) if "," in digits else 0
    return float(digits.replace(",", ".")), decimals


def _labels_removed(text: str, settings) -> str:
    """The sentence without the indicators' own names (« … en 5 jours ouvrés », « … en 3 jours ouvrés »)."""
    from qualepref_analysis.analysis.indicators import CATALOGUE

    for indicator in CATALOGUE:
        text = re.sub(re.escape(indicator.subject(settings)), "", text, flags=re.I)
    return text


def check_every_number_is_recorded(results: dict, items, settings) -> int:
    """Assert that each number of each sentence is one of its site's recorded figures (at the shown rounding)."""
    checked = 0
    for item in items:
        if not isinstance(item, Statement):
            continue
        for sentence in item.sentences:
            numbers = _NUMBER.findall(_labels_removed(sentence.text, settings))
            if sentence.site is None:
                assert not numbers, sentence.text
                continue
            known = _numbers_of(results["sites"][sentence.site], [float(results["year"])])
            for number in numbers:
                value, decimals = _stated(number)
                assert any(abs(round(k, decimals) - value) < 1e-9 or abs(k - value) < 0.5 * 10 ** -decimals + 1e-9
                           for k in known), (number, sentence.site, sentence.text)
                checked += 1
    return checked


def test_every_number_of_the_hand_made_draft_is_a_recorded_figure(params):
    items = minutes_items(RESULTS, sites=SITES, prefecture="P", settings=params.settings)
    assert check_every_number_is_recorded(RESULTS, items, params.settings) >= 10


# ----------------------------------------------------------------- the demo review writes all three
@pytest.mark.parametrize("jobs", [1, 2], ids=["here", "on-a-worker"])
def test_the_three_files_are_written_around_the_synthesis_and_one_failing_spares_the_others(tmp_path, params, jobs):
    from qualepref_analysis.batch.office_files import OfficeFiles
    from qualepref_analysis.batch.runner import SectionRunner

    bilan = tmp_path / "bilan-2031.html"
    bilan.write_text(_small_bilan(), encoding="utf-8")
    runner = SectionRunner(jobs, None)
    runner.start(jobs)
    try:
        files = OfficeFiles(tmp_path, results=RESULTS, params=params, sites=SITES, runner=runner)
        files.while_synthesis_runs()
        assert (tmp_path / "projet-compte-rendu-2031.docx").is_file()  # before any bilan: from results.json only
        files.hand_workbook_over(bilan)
        written, failure = files.finish()
        assert [path.name for path in written] == ["tableaux-2031.xlsx", "bilan-2031.docx",
                                                   "projet-compte-rendu-2031.docx"] and failure == ""
        sheet = load_workbook(written[0])[INDEX_SHEET]
        assert sheet.max_row >= 2  # the index lists the bilan's table
        assert "Réclamations" in "\n".join(p.text for p in docx.Document(written[1]).paragraphs)

        (tmp_path / "tableaux-2031.xlsx").unlink()
        (tmp_path / "tableaux-2031.xlsx").mkdir()  # the workbook cannot be written where it goes
        again = OfficeFiles(tmp_path, results=RESULTS, params=params, sites=SITES, runner=runner)
        again.hand_workbook_over(bilan)
        written, failure = again.finish()
        assert [path.name for path in written] == ["bilan-2031.docx", "projet-compte-rendu-2031.docx"]
        assert failure.startswith("impossible d'écrire tableaux-2031.xlsx (") and "fermez-le" in failure
    finally:
        runner.close()


def test_demo_review_writes_the_three_files_beside_the_bilan(demo_review):
    assert sorted(p.name for p in demo_review.glob("*.xlsx")) == ["tableaux-2022.xlsx"]
    assert sorted(p.name for p in demo_review.glob("*.docx")) == ["bilan-2022.docx", "projet-compte-rendu-2022.docx"]
    index = (demo_review / "index.html").read_text(encoding="utf-8")
    assert 'href="tableaux-2022.xlsx"' in index and 'href="projet-compte-rendu-2022.docx"' in index


def _html_tables(path: Path) -> list[list[list[tuple[str, bool]]]]:
    """Each table of the HTML bilan: rows of (cell text, numeric) read with a regular expression."""
    tables = []
    for table in re.findall(r'<table class="qp-table">(.*?)</table>', path.read_text(encoding="utf-8"), re.S):
        body = re.search(r"<tbody>(.*)</tbody>", table, re.S).group(1)
        rows = []
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
            rows.append([(re.sub(r"<[^>]+>", "", text), 'class="num"' in attrs)
                         for attrs, text in re.findall(r"<td([^>]*)>(.*?)</td>", row, re.S)])
        tables.append(rows)
    return tables


def test_demo_workbook_holds_every_table_of_the_bilan_cell_for_cell(demo_review):
    import html as html_module

    book = load_workbook(demo_review / "tableaux-2022.xlsx")
    tables = _html_tables(demo_review / "bilan-2022.html")
    sheets = book.sheetnames[1:]
    assert len(sheets) == len(tables) > 50
    compared = withheld = 0
    for name, rows in zip(sheets, tables):
        sheet = book[name]
        for offset, row in enumerate(rows):
            for position, (text, numeric) in enumerate(row, start=1):
                text = html_module.unescape(text)
                cell = sheet.cell(row=6 + offset, column=position)
                number = re.fullmatch(r"([−-]?[\d\u202f\u00a0]+(?:,\d+)?)(\u00a0%)?", text)
                if numeric and text == "–":
                    assert cell.value is None, (name, offset, position)  # withheld: empty, never the value
                    withheld += 1
                elif number and numeric:
                    shown, decimals = _stated(number.group(1).replace("−", ""))
                    value = cell.value * (100 if number.group(2) else 1)
                    assert isinstance(cell.value, (int, float)), (name, text, cell.value)
                    assert abs(abs(value) - shown) <= 0.5 * 10 ** -decimals + 1e-9, (name, text, cell.value)
                    compared += 1
    assert compared > 500 and withheld > 0


def test_demo_minutes_numbers_are_all_in_results_json(demo_review, params):
    results = json.loads((demo_review / "results.json").read_text(encoding="utf-8"))
    sites = {code: label for code, label in (("prefecture", "Préfecture des Hauts-de-Seine (Nanterre)"),
                                             ("antony", "Sous-préfecture d'Antony"),
                                             ("boulogne", "Sous-préfecture de Boulogne-Billancourt"))}
    items = minutes_items(results, sites=sites, prefecture="Préfecture des Hauts-de-Seine", settings=params.settings)
    assert check_every_number_is_recorded(results, items, params.settings) > 80
    written = docx.Document(demo_review / "projet-compte-rendu-2022.docx")
    text = "\n".join(p.text for p in written.paragraphs)
    assert "73,7\u00a0% pour la préfecture des Hauts-de-Seine (Nanterre), en dessous de la valeur cible (75\u00a0%)" in text
    assert "[Interventions des participants]" in text and "[Questions diverses]" in text


def test_demo_word_bilan_has_every_text_table_and_chart(demo_review):
    document = docx.Document(demo_review / "bilan-2022.docx")
    page = (demo_review / "bilan-2022.html").read_text(encoding="utf-8")
    charts = page.count("<img ")
    chart_tables = len(re.findall(r'<details class="qp-data">', page))
    assert len(document.tables) == page.count('<table class="qp-table">') - chart_tables
    assert len(document.inline_shapes) == charts
    headings = [p for p in document.paragraphs if p.style.name.startswith("Heading")]
    assert len(headings) == len(re.findall(r"<h[2-6][ >]", page)) - 1  # the Sommaire heading is Word's own
    assert all(shape._inline.docPr.get("descr") for shape in document.inline_shapes)
