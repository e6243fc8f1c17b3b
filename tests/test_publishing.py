"""Atomic publication of the review: an interrupted run leaves the previous review intact."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from qualepref_analysis.batch.review import run_review
from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.batch.publishing import inside, prepare_staging, publish, write_text_replacing


def _snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_names_from_the_data_cannot_leave_the_output_folder(tmp_path):
    assert inside(tmp_path, "antony") == tmp_path / "antony"
    assert inside(tmp_path, "sous-prefecture_2.b") == tmp_path / "sous-prefecture_2.b"
    for bad in ("..", ".", "", "../evil", "a/b", "/etc", "a\\b", "x\x00", "é t"):
        with pytest.raises(QualeprefError):
            inside(tmp_path, bad)


def test_staging_reuses_the_previous_review_without_touching_it(tmp_path):
    out = tmp_path / "revue"
    out.mkdir()
    (out / ".qualepref-etat.json").write_text("{}")
    (out / "page.html").write_text("ancienne")
    staging = prepare_staging(out)
    assert (staging / "page.html").read_text() == "ancienne"
    write_text_replacing(staging / "page.html", "nouvelle")  # hard-linked: replaced, not rewritten in place
    assert (out / "page.html").read_text() == "ancienne"
    publish(staging, out)
    assert (out / "page.html").read_text() == "nouvelle" and not staging.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["revue"]


def test_a_folder_that_is_not_a_review_is_never_replaced(tmp_path):
    (tmp_path / "mes-documents").mkdir()
    (tmp_path / "mes-documents" / "rapport.docx").write_text("x")
    with pytest.raises(QualeprefError, match="ne contient pas une revue"):
        prepare_staging(tmp_path / "mes-documents")
    assert (tmp_path / "mes-documents" / "rapport.docx").read_text() == "x"


def test_an_interrupted_review_leaves_the_previous_one_intact(tmp_path):
    out = tmp_path / "revue"
    first = run_review(out_dir=out, sites=["boulogne"], sections=["05", "06"], jobs=1)
    assert not first.failed
    before = _snapshot(out)

    def interrupt(message: str) -> None:
        if message.startswith("[1/"):
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_review(out_dir=out, sites=["boulogne"], sections=["05", "06"], jobs=1, force=True, progress=interrupt)
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["revue"]  # no staging folder left behind


def test_sigterm_during_a_review_keeps_the_previous_review(tmp_path):
    out = tmp_path / "revue"
    command = [sys.executable, "-m", "qualepref_analysis.cli", "review", "--sites", "antony", "--sections", "05",
               "--out", str(out)]
    assert subprocess.run(command, capture_output=True, timeout=600).returncode == 0
    before = _snapshot(out)
    process = subprocess.Popen([*command, "--force", "--sections", "01,02,03"], stderr=subprocess.PIPE, text=True)
    staging = tmp_path / ".revue.en-cours"
    first = process.stderr.readline()  # "… Lecture et validation des données": the run has started
    assert "Lecture" in first, first
    time.sleep(0.5)  # well inside the run (the three sections take several seconds)
    assert staging.exists() and process.poll() is None
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=120)
    stderr = first + stderr
    assert process.returncode == 130, stderr
    assert "Interrompu" in stderr and "Traceback" not in stderr
    assert _snapshot(out) == before
    assert not staging.exists()


def test_a_second_run_with_nothing_changed_keeps_the_review_as_it_is(tmp_path):
    out = tmp_path / "revue"
    first = run_review(out_dir=out, sites=["boulogne"], sections=["05"], jobs=1)
    assert not first.failed and first.bilan.exists()
    before = _snapshot(out)
    messages = []
    again = run_review(out_dir=out, sites=["boulogne"], sections=["05"], jobs=1, progress=messages.append)
    assert not again.failed and again.bilan == out / "bilan-2022.html"
    assert any("Rien n'a changé" in m for m in messages) and not any("Lecture" in m for m in messages)
    assert _snapshot(out) == before  # not even re-validated: the same files, byte for byte
    changed = run_review(out_dir=out, sites=["boulogne"], sections=["05", "06"], jobs=1, progress=messages.append)
    assert not changed.failed and "06_audits" in {r.section for r in changed.runs}


def test_office_files_can_be_left_out_and_come_back_when_asked(tmp_path):
    out = tmp_path / "revue"
    without = run_review(out_dir=out, sites=["boulogne"], sections=["05"], jobs=1, office=False)
    assert not without.failed and without.office == []
    assert not list(out.glob("*.xlsx")) and not list(out.glob("*.docx"))
    messages = []
    again = run_review(out_dir=out, sites=["boulogne"], sections=["05"], jobs=1, progress=messages.append)
    names = sorted(path.name for path in again.office)
    assert names == ["bilan-2022.docx", "projet-compte-rendu-2022.docx", "tableaux-2022.xlsx"]
    assert all((out / name).exists() for name in names)  # nothing else changed, yet the files were written
    assert not any("Rien n'a changé" in m for m in messages)
