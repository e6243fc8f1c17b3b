"""The `qualepref` command as a user runs it: exit codes, messages, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import DEMO_DIR, ROOT, write_csv


def qualepref(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qualepref_analysis.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def test_validate_demo_is_clean(tmp_path):
    result = qualepref("validate", str(DEMO_DIR), "--quarantine", str(tmp_path / "q.csv"))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "correspondances.csv : 4 597 lignes lues" in result.stdout.replace("\u202f", " ")
    assert (tmp_path / "q.csv").exists()


def test_validate_broken_rows_exit_1_and_names_them(tmp_path, demo_copy):
    path = demo_copy / "appels.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[4] = "antony,2022-02,standard,100,150"  # row 5: more answered than received
    lines[7] = "=cmd|' /C calc'!A0,2022-02,standard,100,50"  # row 8: undeclared site that looks like a formula
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    quarantine = tmp_path / "q.csv"
    result = qualepref("validate", str(demo_copy), "--quarantine", str(quarantine))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "ligne 5, colonne appels_decroches" in result.stdout
    assert "ligne 8, colonne site" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    written = quarantine.read_text(encoding="utf-8-sig")
    assert "'=cmd" in written  # spreadsheet formula neutralised


def test_validate_missing_column_exit_2_names_the_column(tmp_path):
    write_csv(tmp_path / "correspondances.csv", "id;site;type;date_reception;date_reponse\n1;antony;reclamation;2022-01-03;\n")
    result = qualepref("validate", str(tmp_path), "--quarantine", str(tmp_path / "q.csv"))
    assert result.returncode == 2
    assert "canal" in result.stdout and "correspondances.csv" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_validate_missing_folder_is_a_clear_error(tmp_path):
    result = qualepref("validate", str(tmp_path / "nowhere"))
    assert result.returncode == 2
    assert "introuvable" in result.stderr and "Traceback" not in result.stderr


def test_bad_params_are_a_clear_error(tmp_path):
    (tmp_path / "sites.yaml").write_text("sites: {Nanterre Centre: {}}\n", encoding="utf-8")
    (tmp_path / "default.yaml").write_text((ROOT / "params" / "default.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    result = qualepref("validate", str(DEMO_DIR), "--params", str(tmp_path))
    assert result.returncode == 2
    assert "sites.yaml" in result.stderr and "invalide" in result.stderr and "Traceback" not in result.stderr


def test_review_unknown_site_is_a_clear_error(tmp_path):
    result = qualepref("review", "--sites", "lyon", "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "lyon" in result.stderr and "sites déclarés" in result.stderr


def test_demo_data_command_writes_twelve_files(tmp_path):
    result = qualepref("demo-data", str(tmp_path / "demo"))
    assert result.returncode == 0
    assert len(list((tmp_path / "demo").glob("*.csv"))) == 12


def test_help_is_french():
    result = qualepref("review", "--help")
    assert result.returncode == 0 and "Produit le bilan annuel" in result.stdout


def test_review_end_to_end_on_one_site(tmp_path):
    out = tmp_path / "review"
    result = qualepref("review", "--sites", "antony", "--out", str(out))
    assert result.returncode == 0, result.stdout + result.stderr
    page = (out / "antony" / "01_indicateurs.html").read_text(encoding="utf-8")
    assert "Sous-préfecture d&#x27;Antony" in page or "Sous-préfecture d'Antony" in page
    assert "<div class=\"highlight hl-ipython3\">" not in page and "open_section(" not in page and "record_results" not in page
    assert "data:image/png;base64" in page
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    volumes = results["sites"]["antony"]["01_indicateurs"]["volumes"]
    assert volumes["reclamations_suggestions"] == 14 and volumes["annee_precedente"]["reclamations_suggestions"] == 2
    assert results["year"] == 2022 and "correspondances.csv" in results["inputs"]
    # one figure, one value: the satisfaction indicator of section 01 is the q_global estimate of section 03
    satisfied = results["sites"]["antony"]["01_indicateurs"]["indicateurs"]["satisfaction_globale"]["valeur"]
    section_03 = results["sites"]["antony"]["03_satisfaction"]
    assert satisfied == pytest.approx(section_03["questions"]["q_global"]["pondere"], rel=1e-9)
    assert section_03["methode"] == "raking" and section_03["questions"]["q_global"]["n"] == 171
    bilan = (out / "bilan-2022.html").read_text(encoding="utf-8")
    assert "<script" not in bilan.lower() and 'src="http' not in bilan and "<link" not in bilan
    antony = bilan[bilan.index("Sous-préfecture d&#x27;Antony</h2>"):]
    for section in ("Indicateurs Qual-e-Pref", "Réclamations et suggestions", "Satisfaction des usagers",
                    "Services Publics+", "Plans d&#x27;actions", "Audits"):
        assert f"{section}</h3>" in antony, section  # each section under its site's heading
    assert bilan.count('<img alt="') >= 8 and 'alt="Graphique"' not in bilan  # every figure has a French title
    assert "Synthèse</h2>" in bilan and "Qualité des données" in bilan and "Méthodes et paramètres</h2>" in bilan
    index = (out / "index.html").read_text(encoding="utf-8")
    assert 'href="antony/01_indicateurs.html"' in index and 'href="antony/02_reclamations.html"' in index
    assert (out / "quarantine.csv").exists()
    # No complaint text, no personal data from the texts, in any exported page or in results.json.
    import html as html_lib

    import pandas as pd

    register = pd.read_csv(DEMO_DIR / "correspondances.csv", dtype=str, keep_default_na=False)
    texts = register.loc[(register["site"] == "antony") & (register["texte"] != ""), "texte"]
    exported = " ".join(html_lib.unescape(p.read_text(encoding="utf-8")) for p in out.rglob("*.html"))
    exported += (out / "results.json").read_text(encoding="utf-8")
    leaked = [t for t in texts if t[:40] in exported]
    assert not leaked, leaked[:3]
    import re

    assert not re.findall(r"[\w.+-]+@[\w-]+\.[a-z]{2,}", exported)  # no e-mail address
    assert not re.findall(r"\b0[67](?:[ .]?\d{2}){4}\b", exported)  # no mobile number


def test_categorise_command(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text('id;Texte;service\n1;Impossible de prendre rendez-vous, aucun créneau;etr\n2;;x\n'
                      '3;"=HYPERLINK(""http://x"")";y\n', encoding="cp1252")
    out = tmp_path / "out.csv"
    result = qualepref("categorise", str(source), "--out", str(out), "--train", str(DEMO_DIR / "correspondances.csv"))
    assert result.returncode == 0, result.stderr
    import pandas as pd

    written = pd.read_csv(out, sep=";", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(written.columns) == ["id", "Texte", "service", "categorie_predite", "confiance", "a_verifier", "termes"]
    assert written.loc[0, "categorie_predite"] == "prise_rdv" and written.loc[0, "a_verifier"] == "non"
    assert (written.loc[1, "categorie_predite"], written.loc[1, "confiance"], written.loc[1, "a_verifier"]) == ("autre", "0,000", "oui")
    assert written.loc[2, "Texte"].startswith("'=")
    # a « , » file stays a « , » file, with a decimal point; --sep decides otherwise
    comma = tmp_path / "virgules.csv"
    comma.write_text("id,texte\n1,Aucun créneau de rendez-vous\n", encoding="utf-8")
    assert qualepref("categorise", str(comma), "--out", str(out)).returncode == 0
    first = out.read_text(encoding="utf-8-sig").splitlines()
    assert first[0] == "id,texte,categorie_predite,confiance,a_verifier,termes" and "," in first[1]
    assert "." in first[1].split(",")[3] and "," not in first[1].split(",")[3]
    assert qualepref("categorise", str(comma), "--out", str(out), "--sep", ";").returncode == 0
    assert out.read_text(encoding="utf-8-sig").splitlines()[0].count(";") == 5


def test_categorise_bad_files(tmp_path):
    source = tmp_path / "in.csv"
    source.write_text("id;txt\n1;a\n", encoding="utf-8")
    result = qualepref("categorise", str(source), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2 and "texte" in result.stderr and "Traceback" not in result.stderr
    train = tmp_path / "train.csv"
    train.write_text("texte;categorie\nbonjour;plainte\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("texte\nbonjour\n", encoding="utf-8")
    result = qualepref("categorise", str(good), "--out", str(tmp_path / "o.csv"), "--train", str(train))
    assert result.returncode == 2 and "ligne(s) 2" in result.stderr and "Traceback" not in result.stderr


def test_review_is_incremental(tmp_path):
    out = tmp_path / "review"
    first = qualepref("review", "--sites", "boulogne", "--sections", "01", "--out", str(out))
    assert first.returncode == 0, first.stderr
    page = out / "boulogne" / "01_indicateurs.html"
    stamp = page.stat().st_mtime_ns
    second = qualepref("review", "--sites", "boulogne", "--sections", "01", "--out", str(out))
    assert second.returncode == 0 and "inchangé" in second.stderr
    assert page.stat().st_mtime_ns == stamp
    forced = qualepref("review", "--sites", "boulogne", "--sections", "01_indicateurs", "--out", str(out), "--force")
    assert forced.returncode == 0 and page.stat().st_mtime_ns != stamp
    import json

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["sites"]["boulogne"]["01_indicateurs"]["volumes"]["reclamations_suggestions"] == 5


def test_an_interrupt_inside_a_finaliser_prints_no_traceback(capsys, monkeypatch):
    """SIGTERM may land inside a weakref callback: Python would print « Exception ignored … Traceback »."""
    import weakref

    from qualepref_analysis.cli import _quiet_interrupt_hook

    class Thing:
        pass

    def finalise_with(error):
        def callback(_):
            raise error
        thing = Thing()
        reference = weakref.ref(thing, callback)
        del thing  # the callback runs here; its exception goes to sys.unraisablehook
        return reference

    monkeypatch.setattr(sys, "unraisablehook", _quiet_interrupt_hook)
    finalise_with(KeyboardInterrupt())
    assert capsys.readouterr().err == ""
    finalise_with(ValueError("autre"))  # any other error is still shown
    assert "ValueError" in capsys.readouterr().err


_EXIT_SCRIPT = """
import atexit, sys, threading, time
from pathlib import Path
from qualepref_analysis.cli import _exit_without_teardown
folder = Path(sys.argv[1])
atexit.register(lambda: (folder / "atexit").write_text("ran"))
if sys.argv[2] == "thread":
    def late():
        time.sleep(0.3)
        (folder / "thread").write_text("finished")
    threading.Thread(target=late).start()
print("dernière ligne", end="")  # unflushed when the exit comes
_exit_without_teardown(3)
"""


@pytest.mark.parametrize("running", ["none", "thread"])
def test_the_command_ends_without_teardown_but_keeps_output_handlers_and_threads(tmp_path, running):
    """The fast exit of the command: its code, its last output, the exit handlers; a running thread is waited for."""
    result = subprocess.run([sys.executable, "-c", _EXIT_SCRIPT, str(tmp_path), running], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 3, result.stderr
    assert result.stdout == "dernière ligne"
    assert (tmp_path / "atexit").read_text() == "ran"
    if running == "thread":
        assert (tmp_path / "thread").read_text() == "finished"


def test_main_called_with_arguments_raises_systemexit_as_usual():
    """Called from Python (tests, scripts), the entry point must not end the calling process."""
    from qualepref_analysis.cli import main

    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
