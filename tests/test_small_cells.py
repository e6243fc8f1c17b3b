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
