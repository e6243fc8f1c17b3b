"""A full review on hostile inputs: planted personal data never leaves, injected markup never runs.

Canaries — fake personal data — are planted in every free-text field and in mis-typed places
(an e-mail in a service column, a name in a date column, a phone number in an identifier);
injection strings are put in every string field, in the site labels and the prefecture name.
After a complete review, no canary appears in ANY file under the output folder (pages, bilan,
executed notebooks, results.json, quarantine.csv, state) and the HTML holds no active element
that came from the data.
"""

from __future__ import annotations

import itertools
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
import yaml

from qualepref_analysis.batch.review import run_review

from conftest import DEMO_DIR, PARAMS_DIR

EMAIL, PHONE, AGDREF, NAME = "zoe.kanarik@exemple-secret.fr", "07 98 76 54 32", "9876543210", "Zoubida Kanarik"
ADDRESS = "17 rue des Canaris, 92160 Antony"
CANARIES = ["kanarik", "exemple-secret", "07 98 76 54 32", "0798765432", "9876543210", "rue des canaris"]
INJECTIONS = ["<script>alert('x')</script>", "<img src=x onerror=alert(1)>", "</table><b>", '"><svg onload=alert(1)>']
SENTENCE = f"Mme {NAME} ({EMAIL}, {PHONE}, AGDREF {AGDREF}, {ADDRESS}) se plaint"


def _read(name: str) -> pd.DataFrame:
    return pd.read_csv(DEMO_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def _hostile_data(folder: Path) -> Path:
    data = folder / "donnees"
    shutil.copytree(DEMO_DIR, data)
    injected = itertools.cycle(INJECTIONS)

    def plant(name: str, column: str, every: int, value) -> None:
        frame = _read(name)
        rows = frame.index[::every]
        frame.loc[rows, column] = [value(frame.loc[r, column]) for r in rows]
        frame.to_csv(data / f"{name}.csv", index=False)

    plant("correspondances", "texte", 7, lambda t: f"{t} {SENTENCE} {next(injected)}")
    plant("correspondances", "service", 50, lambda s: EMAIL)  # mis-typed: an e-mail as a service
    plant("sp_experiences", "texte", 3, lambda t: f"{SENTENCE} {next(injected)}")
    plant("audits", "commentaire", 2, lambda t: f"{t} {SENTENCE}")
    plant("plan_actions", "action", 2, lambda a: f"{a} {next(injected)} avec Mme {NAME}")
    plant("plan_actions", "pilote", 1, lambda p: f"{NAME} {PHONE}")
    plant("sp_diagnostic", "libelle", 2, lambda lib: f"{lib} {next(injected)} ({EMAIL})")
    plant("audits", "module", 5, lambda m: f"{m} {next(injected)}")
    plant("frequentation_pan", "demarche", 4, lambda d: f"{d} {next(injected)} {PHONE}")
    plant("appels", "service", 6, lambda s: f"{s} {next(injected)}")
    plant("chatbot", "theme", 3, lambda t: f"{t} {next(injected)} {EMAIL}")
    # Rows that will be quarantined, their bad cells holding personal data.
    register = _read("correspondances")
    bad = register.iloc[[0, 1, 2]].copy()
    bad["id"] = [f"X-{AGDREF}", f"Y-{PHONE}", "Z-1"]
    bad["date_reception"] = [f"Mme {NAME}", EMAIL, '=HYPERLINK("http://x","clic")']
    pd.concat([register, bad]).to_csv(data / "correspondances.csv", index=False)
    survey = _read("enquetes")
    survey.loc[0, "mode"] = EMAIL
    survey.to_csv(data / "enquetes.csv", index=False)
    return data


def _hostile_params(folder: Path) -> Path:
    params = folder / "params"
    shutil.copytree(PARAMS_DIR, params)
    sites = yaml.safe_load((params / "sites.yaml").read_text(encoding="utf-8"))
    sites["prefecture"] = "Préfecture <script>alert('p')</script> des Hauts-de-Seine"
    sites["sites"]["antony"]["libelle"] = "Sous-préfecture <img src=x onerror=alert(1)> d'Antony"
    sites["sites"]["boulogne"]["libelle"] = "Boulogne </table><b>gras</b>"
    (params / "sites.yaml").write_text(yaml.safe_dump(sites, allow_unicode=True), encoding="utf-8")
    settings = yaml.safe_load((params / "default.yaml").read_text(encoding="utf-8"))
    settings["citations"]["activees"] = True  # quotes of complaints full of canaries: scrubbed before shown
    (params / "default.yaml").write_text(yaml.safe_dump(settings, allow_unicode=True), encoding="utf-8")
    return params


class _ActiveElements(HTMLParser):
    """Everything in a page that could run or fetch."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self.tables = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "svg", "link", "base", "form", "meta") and not (
                tag == "meta" and all(name in ("charset", "name", "content") for name, _ in attrs)):
            self.found.append(tag)
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"{tag}[{name}]")
            if tag == "img" and name == "src" and not (value or "").startswith("data:image/png;base64,"):
                self.found.append(f"img[src={value}]")
        self.tables += tag == "table"

    def handle_endtag(self, tag):
        self.tables -= tag == "table"


@pytest.fixture(scope="module")
def hostile_review(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    out = folder / "revue"
    result = run_review(data_dir=_hostile_data(folder), params_dir=_hostile_params(folder), out_dir=out, jobs=2)
    return result, out


def test_no_canary_in_any_output_file(hostile_review):
    result, out = hostile_review
    assert not result.failed, [f"{r.site}/{r.section}" for r in result.failed]
    files = [p for p in out.rglob("*") if p.is_file()]
    assert len(files) > 40
    assert not result.office_error and {p.suffix for p in files} >= {".xlsx", ".docx"}
    leaks = []
    for path in files:
        text = _readable(path).lower()
        leaks += [(str(path.relative_to(out)), c) for c in CANARIES if c.lower() in text]
    assert not leaks, leaks[:10]


def _readable(path) -> str:
    """A file's text; for a workbook or a Word document (zip archives), the XML of every part."""
    import zipfile

    if path.suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(path) as archive:
            import html

            return html.unescape("".join(archive.read(name).decode("utf-8", errors="replace")
                                         for name in archive.namelist()))
    return path.read_bytes().decode("utf-8", errors="replace")
    quarantine = pd.read_csv(out / "quarantine.csv", sep=";", dtype=str, encoding="utf-8-sig")
    assert {"date_reception", "mode"} <= set(quarantine["colonne"])  # the mis-typed cells were caught, scrubbed
    assert quarantine["valeur"].str.startswith("'=").any()  # a formula is text for the spreadsheet
    assert not quarantine["valeur"].fillna("").str.match(r"^[=+\-@]").any()
    # every quarantined row is counted in the bilan's data-quality annex
    bilan = (out / "bilan-2022.html").read_text(encoding="utf-8")
    import html as html_lib
    import re

    from qualepref_analysis.io.schemas import DATASETS
    from qualepref_analysis.report.grammar import french_spacing

    for name, rows in quarantine.groupby("fichier")["ligne"].nunique().items():
        title = html_lib.escape(french_spacing(DATASETS[Path(name).stem].description))  # named for the committee
        row = re.search(rf"<tr><td>{re.escape(title)}</td>(.*?)</tr>", bilan)
        assert row, name
        assert re.findall(r'<td class="num"[^>]*>([^<]*)</td>', row[1])[2] == str(rows), (name, row[1])  # set aside
    quotes = (out / "prefecture" / "02_reclamations.html").read_text(encoding="utf-8")
    assert "Extraits de réclamations" in quotes and "[nom]" in quotes  # quotes on, canaries replaced


def test_no_active_element_from_the_data(hostile_review):
    _, out = hostile_review
    pages = list(out.rglob("*.html"))
    assert len(pages) >= 20
    for page in pages:
        parser = _ActiveElements()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not parser.found, (page.name, parser.found[:5])
        assert parser.tables == 0, page.name  # every table closed by the page, none by the data
    bilan = (out / "bilan-2022.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#x27;p&#x27;)&lt;/script&gt;" in bilan  # the strings did reach the page, escaped
    assert "&lt;img src=x onerror=alert(1)&gt;" in bilan
