"""The demo bilan opened in headless Chromium: no console error, every heading, no code, a screenshot.

Chromium is Debian's `chromium` package; .ci/run installs it when absent. Outside CI the test is
skipped when no browser is installed.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from qualepref_analysis import load_params

from conftest import PARAMS_DIR

BROWSER = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.skipif(BROWSER is None and not os.environ.get("CI"),
                                reason="Chromium absent (installed by .ci/run in CI)")


@pytest.fixture(scope="module")
def bilan(tmp_path_factory):
    out = tmp_path_factory.mktemp("review")
    done = subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", "review", "--out", str(out)],
                          capture_output=True, text=True, timeout=1200)
    assert done.returncode == 0, done.stderr[-2000:]
    return out / "bilan-2022.html"


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


def test_bilan_prints_on_a4_within_the_page_budget(bilan, tmp_path):
    """Chromium's print of the demo bilan: A4 pages, at most 40 for three sites."""
    import re

    pdf = tmp_path / "bilan.pdf"
    done = _chromium("--no-pdf-header-footer", f"--print-to-pdf={pdf}", bilan.as_uri(), profile=tmp_path / "profile")
    assert done.returncode == 0 and pdf.exists(), done.stderr[-2000:]
    content = pdf.read_bytes()
    pages = len(re.findall(rb"/Type\s*/Page(?![s\w])", content))
    boxes = {tuple(round(float(v)) for v in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]*)\]", content)}
    assert boxes == {(0, 0, 595, 842)}, boxes  # A4 in points (210 × 297 mm)
    assert 10 <= pages <= 40, pages
