"""Small cells: no percentage computed on fewer units than the threshold, anywhere in the review.

With thresholds above every count of the demo, no page may show a percentage computed from the
data — tables, narratives, synthesis, changes over a year, plan completion, audit conformity,
classification reliability — nor may results.json hold a rate. Percentages that are not shares
of counted units stay: targets (« ≥ 75 % »), the 95 % of a confidence interval, and the figures
Services Publics+ itself publishes (section 04, not checked here).
"""

from __future__ import annotations

import html
import json
import re
import shutil

import pytest

from qualepref_analysis.batch.review import run_review

from conftest import PARAMS_DIR

PERCENT = re.compile(r"(?P<before>.{0,40}?)(?P<value>\d[\d\u202f\u00a0 ,.]*)\s?%", re.S)
# a percentage that defines something (a target, an interval's level), not a figure computed on the data
ALLOWED_BEFORE = re.compile(r"(?:[≥≤]\s*|IC\s|confiance à\s|cible de\s|cible\s?:?\s?|plage attendue à\s|"
                            r"limites? (?:basse |haute )?à\s|marge d'erreur à\s)$")


def _visible_text(page: str) -> str:
    page = re.sub(r"<style.*?</style>", " ", page, flags=re.S)
    page = re.sub(r'src="data:[^"]+"', "", page)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@pytest.fixture(scope="module")
def review_with_huge_thresholds(tmp_path_factory):
    folder = tmp_path_factory.mktemp("petits")
    params = folder / "params"
    shutil.copytree(PARAMS_DIR, params)
    settings = (params / "default.yaml").read_text(encoding="utf-8")
    settings = re.sub(r"^seuil_petits_effectifs: \d+", "seuil_petits_effectifs: 1000000", settings, flags=re.M)
    settings = re.sub(r"^seuil_petits_effectifs_enquete: \d+", "seuil_petits_effectifs_enquete: 1000000", settings,
                      flags=re.M)
    (params / "default.yaml").write_text(settings, encoding="utf-8")
    out = folder / "revue"
    result = run_review(params_dir=params, sites=["antony"], out_dir=out, jobs=2)
    assert not result.failed
    return out


@pytest.mark.parametrize("page", ["antony/01_indicateurs.html", "antony/02_reclamations.html",
                                  "antony/03_satisfaction.html", "antony/05_plan_actions.html",
                                  "antony/06_audits.html", "synthese/00_synthese.html"])
def test_no_percentage_on_a_small_cell(review_with_huge_thresholds, page):
    text = _visible_text((review_with_huge_thresholds / page).read_text(encoding="utf-8"))
    shown = [" ".join((m.group("before") + m.group("value") + "%").split()) for m in PERCENT.finditer(text)
             if not ALLOWED_BEFORE.search(" ".join(m.group("before").split()) + " ")]
    assert not shown, shown[:8]


def test_results_hold_no_rate_on_a_small_cell(review_with_huge_thresholds):
    results = json.loads((review_with_huge_thresholds / "results.json").read_text(encoding="utf-8"))
    records = results["sites"]["antony"]
    for section, figures in records.items():
        for code, record in (figures.get("indicateurs") or {}).items():
            if record.get("unite") == "pourcent":
                assert record["valeur"] is None, (section, code)
    for question, record in records["03_satisfaction"]["questions"].items():
        assert record["pondere"] is None and record["brut"] is None, question
    plans = records["05_plan_actions"]
    assert plans["plan"]["taux_realisation"] is None and plans["plan_suivant"]["taux_realisation"] is None
    assert plans["plan"]["n"] > 0  # the counts stay
    assert all(audit["part_conforme"] is None for audit in records["06_audits"]["audits"])
    assert all(audit["engagements_evalues"] > 0 for audit in records["06_audits"]["audits"])


def _table(page: str, caption_start: str) -> list[list[str]]:
    """The body cells of the table whose caption starts with ``caption_start``."""
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        caption = re.search(r"<caption>(.*?)</caption>", table, flags=re.S)
        if caption and html.unescape(caption.group(1)).startswith(caption_start):
            body = re.search(r"<tbody>(.*?)</tbody>", table, flags=re.S).group(1)
            return [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
                    for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S)]
    raise AssertionError(f"no table « {caption_start} »")


def test_no_chart_of_a_distribution_on_a_small_group(review_with_huge_thresholds):
    page = (review_with_huge_thresholds / "antony" / "02_reclamations.html").read_text(encoding="utf-8")
    alts = [html.unescape(a) for a in re.findall(r'<img alt="([^"]*)"', page)]
    assert not [a for a in alts if a.startswith(("Délais de réponse par canal", "Réclamations encore sans réponse"))]
    text = _visible_text(page)
    assert "Trop peu de réponses par canal" in text and "Trop peu de réclamations par canal" in text


def test_no_statistic_nor_change_on_a_small_cell(review_with_huge_thresholds):
    page = (review_with_huge_thresholds / "antony" / "02_reclamations.html").read_text(encoding="utf-8")
    changes = [row[-1] for row in _table(page, "Réclamations et suggestions par canal")]
    assert changes and set(changes) == {"–"}, changes  # « Évolution (%) » on a small base: withheld
    delays = _table(page, "Délais de réponse (jours ouvrés)")
    assert delays and all(set(row[2:]) == {"–"} for row in delays), delays  # counts only, no mean nor quartile
    answered = _table(page, "Réponse aux réclamations de")
    assert answered and all(row[2] == row[3] == row[4] == row[6] == "–" for row in answered), answered


# The office files are written from the bilan and results.json: with every count below the threshold they
# publish no percentage either (Services Publics+' own published figures aside, as above).
_TARGET = re.compile(r"(?:cible \(|cible\s?:\s?)$")


def _computed_percentages(text: str) -> list[str]:
    return [" ".join((m.group("before") + m.group("value") + "%").split()) for m in PERCENT.finditer(text)
            if not ALLOWED_BEFORE.search(" ".join(m.group("before").split()) + " ")
            and not _TARGET.search(" ".join(m.group("before").split()))]


def _word_part(path, first: str, *, skip: str = "Services Publics+") -> str:
    """The text of one part of a Word document (from the level-1 heading ``first`` to the next one), its
    tables included, the subsection titled ``skip`` left out."""
    import docx

    document = docx.Document(path)
    body, texts, level, skipping = document.element.body, [], None, False
    for element in body.iterchildren():
        if element.tag.endswith("}p"):
            paragraph = docx.text.paragraph.Paragraph(element, document)
            style = paragraph.style.name if paragraph.style is not None else ""
            if style.startswith("Heading"):
                depth = int(style.split()[-1])
                if level is None and paragraph.text == first and depth == 1:
                    level = depth
                    continue
                if level is not None and depth <= level:
                    break
                if level is not None and depth == level + 1:
                    skipping = paragraph.text == skip
            if level is not None and not skipping:
                texts.append(paragraph.text)
        elif element.tag.endswith("}tbl") and level is not None and not skipping:
            table = docx.table.Table(element, document)
            texts.extend(cell.text for row in table.rows for cell in row.cells)
    assert level is not None, f"no heading {first!r}"
    return "\n".join(texts)


def test_office_files_publish_no_percentage_on_a_small_cell(review_with_huge_thresholds):
    out = review_with_huge_thresholds
    part = _word_part(out / "bilan-2022.docx", "Sous-préfecture d'Antony")
    assert len(part) > 2000 and not _computed_percentages(part), _computed_percentages(part)[:8]
    minutes = _word_part(out / "projet-compte-rendu-2022.docx", "Bilan annuel Qual-e-Pref 2022")
    assert "Antony" in minutes and not _computed_percentages(minutes), _computed_percentages(minutes)[:8]
    from openpyxl import load_workbook

    book = load_workbook(out / "tableaux-2022.xlsx")
    antony = [name for name in book.sheetnames[1:] if (book[name]["A2"].value or "").startswith("Sous-préfecture d'Antony")
              and "Services Publics+" not in book[name]["A2"].value]
    shares = []  # a number in a percent-formatted cell, or under a header in %
    for name in antony:
        sheet = book[name]
        in_percent = {cell.column for cell in sheet[5] if "%" in str(cell.value or "")}
        shares += [(name, cell.coordinate, cell.value) for row in sheet.iter_rows(min_row=6) for cell in row
                   if isinstance(cell.value, (int, float)) and (cell.number_format == "0.0 %" or cell.column in in_percent)]
    assert len(antony) > 10 and not shares, shares[:8]


@pytest.mark.parametrize("page", ["antony/01_indicateurs.html", "antony/02_reclamations.html",
                                  "antony/03_satisfaction.html", "antony/05_plan_actions.html",
                                  "antony/06_audits.html", "synthese/00_synthese.html"])
def test_no_number_in_a_percent_column_on_a_small_cell(review_with_huge_thresholds, page):
    """A column headed « (%) » shows its values without the sign: the regular expression above misses them."""
    markup = (review_with_huge_thresholds / page).read_text(encoding="utf-8")
    found = []
    for table in re.findall(r"<table.*?</table>", markup, flags=re.S):
        headers = [html.unescape(re.sub(r"<[^>]+>", "", h)) for h in re.findall(r"<th[^>]*>(.*?)</th>", table, re.S)]
        in_percent = [i for i, h in enumerate(headers) if "%" in h and not re.search(r"cible|IC|limite", h, re.I)]
        for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S):
            cells = [html.unescape(re.sub(r"<[^>]+>", "", c)) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            found += [(headers[i], cells[i]) for i in in_percent
                      if i < len(cells) and re.fullmatch(r"[−+-]?[\d\u202f\u00a0 ]+(?:,\d+)?", cells[i].strip())]
    assert not found, found[:8]
