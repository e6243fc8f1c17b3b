"""`qualepref review --pdf` without a real browser: finding one, what is said when there is none,
and a failed print that leaves nothing half-written (the real print is in test_browser.py)."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from qualepref_analysis.batch.printing import BrowserNotFoundError, PrintError, find_browser, print_to_pdf

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fake browsers are POSIX scripts")


def _fake_browser(folder: Path, body: str) -> Path:
    """An executable that behaves like a headless browser: ``body`` runs with the print target in ``target``."""
    script = folder / "chromium"
    script.write_text(f"#!{sys.executable}\nimport sys\n"
                      "target = next(a.split('=', 1)[1] for a in sys.argv if a.startswith('--print-to-pdf='))\n"
                      f"{body}\n", encoding="utf-8")
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def test_a_browser_is_found_on_the_path_or_given(tmp_path, monkeypatch):
    fake = _fake_browser(tmp_path, "")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_browser() == fake
    assert find_browser(fake) == fake and find_browser("chromium") == fake
    with pytest.raises(BrowserNotFoundError, match="introuvable : .*nulle-part.*installez Chromium"):
        find_browser(tmp_path / "nulle-part")
    monkeypatch.setenv("PATH", str(tmp_path / "vide"))
    with pytest.raises(BrowserNotFoundError, match="aucun navigateur .* --navigateur"):
        find_browser()


def test_print_writes_the_pdf_and_a_failed_print_keeps_the_previous_one(tmp_path):
    page = tmp_path / "bilan-2022.html"
    page.write_text("<!DOCTYPE html><title>t</title><p>x</p>", encoding="utf-8")
    pdf = tmp_path / "bilan-2022.pdf"
    good = _fake_browser(tmp_path, "open(target, 'wb').write(b'%PDF-1.4 fake')")
    assert print_to_pdf(page, pdf, browser=good) == pdf and pdf.read_bytes() == b"%PDF-1.4 fake"
    (tmp_path / "bad").mkdir()
    bad = _fake_browser(tmp_path / "bad", "sys.stderr.write('GPU process crashed\\n'); sys.exit(5)")
    with pytest.raises(PrintError, match=r"n'a pas écrit le PDF .*code 5 : GPU process crashed"):
        print_to_pdf(page, pdf, browser=bad)
    assert pdf.read_bytes() == b"%PDF-1.4 fake"  # untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad", "bilan-2022.html", "bilan-2022.pdf", "chromium"]


def test_review_pdf_without_a_browser_says_how_to_get_one_before_running(tmp_path):
    out = tmp_path / "bilan"
    env = {**os.environ, "PATH": str(tmp_path / "sans-navigateur")}
    done = subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", "review", "--pdf", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, env=env)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr
    assert "aucun navigateur Chromium, Chrome ou Edge n'a été trouvé" in done.stderr
    assert "apt install chromium" in done.stderr and "--navigateur" in done.stderr
    assert not out.exists()  # said at once, not after the whole review
