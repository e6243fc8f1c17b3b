"""The demo bilan opened in headless Chromium: no console error, every heading, no code, a screenshot,
axe-core's accessibility rules, and `qualepref review --pdf` printing it on A4 within the page budget.

Chromium is Debian's `chromium` package and axe-core runs through node (Debian's `nodejs` and `npm`);
.ci/run installs them when absent and the test installs the two npm packages of tests/browser/ (axe-core,
puppeteer-core: neither downloads a browser). Outside CI the tests are skipped when they are absent.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys

import pytest

from qualepref_analysis import load_params

from pathlib import Path

from conftest import PARAMS_DIR

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

IN_CI = bool(os.environ.get("CI"))
AXE_DIR = Path(__file__).parent / "browser"

pytestmark = pytest.mark.skipif(BROWSER is None and not IN_CI, reason="Chromium absent (installed by .ci/run in CI)")


@pytest.fixture(scope="module")
def bilan(tmp_path_factory):
    """The demo review with its PDF, as a user asks for it: ``qualepref review --pdf``."""
    out = tmp_path_factory.mktemp("review")
    done = subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", "review", "--out", str(out), "--pdf"],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Bilan imprimé en PDF" in done.stdout, done.stdout
    return out / "bilan-2022.html"


@pytest.fixture(scope="module")
def axe_runner():
    """node with tests/browser's packages installed (npm, once per checkout)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if (node is None or npm is None) and not IN_CI:
        pytest.skip("node and npm absent (installed by .ci/run in CI)")
    assert node and npm, "node/npm missing: .ci/run installs Debian's nodejs and npm"
    if not (AXE_DIR / "node_modules" / "axe-core" / "axe.min.js").exists():
        done = subprocess.run([npm, "install", "--no-audit", "--no-fund", "--no-package-lock", "--loglevel=error"],
                              cwd=AXE_DIR, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-2000:]
    return node


def _chromium(*args: str, profile) -> subprocess.CompletedProcess:
    assert BROWSER, "chromium is not installed: .ci/run installs Debian's chromium package"
    return subprocess.run([BROWSER, *FLAGS, f"--user-data-dir={profile}", *args], capture_output=True, text=True,
                          timeout=180)


def test_bilan_in_a_browser(bilan, tmp_path):
    dom = _chromium("--enable-logging=stderr", "--v=0", "--dump-dom", bilan.as_uri(), profile=tmp_path / "profile")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "CONSOLE" not in dom.stderr, [line for line in dom.stderr.splitlines() if "CONSOLE" in line][:5]
    page = dom.stdout
    params = load_params(PARAMS_DIR)
    from qualepref_analysis.batch.review import SECTIONS

    for site in params.sites.values():
        assert f">{site.libelle}</h2>".replace("'", "&#x27;") in page or f">{site.libelle}</h2>" in page, site.libelle
    for title in SECTIONS.values():
        assert page.count(f">{title}</h3>".replace("'", "&#x27;")) + page.count(f">{title}</h3>") >= len(params.sites)
    assert "hl-ipython3" not in page and "jp-CodeCell" not in page and "open_section(" not in page
    screenshot = tmp_path / "premiere-page.png"
    shot = _chromium("--window-size=1200,1600", f"--screenshot={screenshot}", bilan.as_uri(),
                     profile=tmp_path / "profile2")
    assert shot.returncode == 0 and screenshot.stat().st_size > 10_000


def test_accessibility_rules_pass_on_the_bilan_a_section_and_the_index(bilan, axe_runner):
    """axe-core: WCAG 2.1 A and AA, and heading-order, landmark-one-main, page-has-heading-one: no violation."""
    pages = [bilan, bilan.parent / "index.html", bilan.parent / "antony" / "02_reclamations.html"]
    faulty = bilan.parent / "faulty.html"  # the check must see what it is there for
    faulty.write_text('<!DOCTYPE html><html lang="fr"><head><title>x</title></head><body><h1>A</h1><h3>B</h3>'
                      '<img src="data:image/png;base64,iVBORw0KGgo="></body></html>', encoding="utf-8")
    done = subprocess.run([axe_runner, str(AXE_DIR / "axe-check.mjs"), BROWSER, *(p.as_uri() for p in [*pages, faulty])],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    assert {v["id"] for v in report.pop(faulty.as_uri())} >= {"image-alt", "heading-order", "landmark-one-main"}
    assert set(report) == {p.as_uri() for p in pages}  # every page was checked
    violations = {Path(url).name: [(v["id"], v["count"], v["nodes"][:2]) for v in found] for url, found in report.items()}
    assert all(not found for found in violations.values()), violations


def test_bilan_prints_on_a4_within_the_page_budget(bilan):
    """``review --pdf``: A4 pages, at most 40 for three sites."""
    pdf = bilan.with_suffix(".pdf")
    assert pdf.exists()
    content = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", content))
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", content)}
    assert boxes == {(0, 0, 595, 842)}, boxes  # A4 in points (210 × 297 mm)
    assert 10 <= pages <= 40, pages
