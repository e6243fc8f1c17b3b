"""The batch runner: every section notebook for every site, exported to HTML, assembled.

For each site × section, papermill executes the notebook in this
interpreter's kernel (:mod:`~qualepref_analysis.kernel`), nbconvert exports it
to HTML without code, prompts or stderr, and the figures each notebook
recorded are merged into ``results.json``. The validated inputs' quarantine
is written to ``quarantine.csv`` and an ``index.html`` links everything.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import logging
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import nbformat
import pandas as pd

from . import __version__
from .context import default_data_dir, default_params_dir, project_root
from .datasets import DataBundle, load_data_dir
from .errors import DataFileError, ParamsError, QualeprefError
from .params import Params, load_params
from .report import format_date, format_number
from .results import SECTION_RESULTS_SUFFIX, read_section_results, to_json_safe

__all__ = ["SECTIONS", "SectionRun", "ReviewResult", "run_review", "export_html", "write_csv_safely",
           "notebooks_dir"]

log = logging.getLogger(__name__)

#: Section notebooks run per site, in review order, with their French titles.
SECTIONS: dict[str, str] = {
    "01_indicateurs": "Indicateurs Qual-e-Pref",
    "02_reclamations": "Réclamations et suggestions",
    "03_satisfaction": "Satisfaction des usagers",
}


def notebooks_dir() -> Path:
    """The folder holding the section notebooks."""
    return project_root() / "notebooks"


@dataclass
class SectionRun:
    """Outcome of one site × section."""

    site: str
    section: str
    ok: bool
    html: Path | None = None
    notebook: Path | None = None
    error: str = ""


@dataclass
class ReviewResult:
    """Outcome of a whole review."""

    out_dir: Path
    year: int
    runs: list[SectionRun] = field(default_factory=list)
    bundle: DataBundle | None = None

    @property
    def failed(self) -> list[SectionRun]:
        return [run for run in self.runs if not run.ok]


def _neutralise_formula(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def write_csv_safely(frame: pd.DataFrame, path: Path) -> None:
    """Write a CSV for spreadsheet users: UTF-8 with BOM, ``;``, formulas neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(_neutralise_formula)
    path.parent.mkdir(parents=True, exist_ok=True)
    safe.to_csv(path, index=False, sep=";", encoding="utf-8-sig")


def export_html(notebook: nbformat.NotebookNode, *, title: str) -> str:
    """HTML of an executed notebook without code, prompts, stderr or error tracebacks."""
    from nbconvert import HTMLExporter

    clean = nbformat.from_dict(notebook)
    for cell in clean.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.get("outputs", [])
                            if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
                            and o.get("output_type") != "error"]
    exporter = HTMLExporter(template_name="lab")
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    clean.metadata["title"] = title
    body, _ = exporter.from_notebook_node(clean)
    return body


def _run_section(notebook: Path, output: Path, parameters: dict, timeout: int) -> None:
    import papermill as pm

    from .kernel import KERNEL_NAME, ReviewKernelManager

    pm.execute_notebook(
        str(notebook), str(output), parameters=parameters, kernel_name=KERNEL_NAME,
        kernel_manager_class=ReviewKernelManager, progress_bar=False, log_output=False,
        execution_timeout=timeout, cwd=str(notebook.parent),
    )


def _index_html(params: Params, result: ReviewResult, generated: dt.datetime) -> str:
    esc = html.escape
    rows = []
    for site_code, site in params.sites.items():
        runs = [r for r in result.runs if r.site == site_code]
        if not runs:
            continue
        items = []
        for run in runs:
            title = esc(SECTIONS.get(run.section, run.section))
            if run.ok and run.html is not None:
                href = esc(run.html.relative_to(result.out_dir).as_posix())
                items.append(f'<li><a href="{href}">{title}</a></li>')
            else:
                items.append(f'<li class="failed">{title} : <strong>échec de la section</strong> '
                             "(résultats non présentés ; voir le carnet exécuté)</li>")
        rows.append(f"<section><h2>{esc(site.libelle)}</h2><ul>{''.join(items)}</ul></section>")
    quality = []
    if result.bundle is not None:
        for name, loaded in result.bundle.datasets.items():
            quality.append(
                f"<tr><td>{esc(loaded.path.name)}</td><td class='num'>{format_number(loaded.rows_read)}</td>"
                f"<td class='num'>{format_number(loaded.rows_kept)}</td>"
                f"<td class='num'>{format_number(loaded.rows_quarantined)}</td></tr>")
        for file_name, problem in result.bundle.failures.items():
            quality.append(f"<tr><td>{esc(file_name)}</td><td colspan='3'>non chargé : "
                           f"{esc(str(problem).split(': ', 1)[-1])}</td></tr>")
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Bilan Qual-e-Pref {result.year} – {esc(params.prefecture)}</title>
<style>
body {{ font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; color: #1a1a1a; line-height: 1.5; }}
h1 {{ color: #000091; }} table {{ border-collapse: collapse; }} td, th {{ border: 1px solid #bbb; padding: .25rem .6rem; }}
.num {{ text-align: right; }} .failed {{ color: #b00020; }}
</style></head><body>
<h1>Bilan annuel Qual-e-Pref {result.year}</h1>
<p>{esc(params.prefecture)} – comité local des usagers. Document généré le {format_date(generated.date())}.</p>
{''.join(rows)}
<section><h2>Qualité des données</h2>
<table><caption>Lignes lues, retenues et écartées par fichier (détail dans quarantine.csv)</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Lues</th><th scope="col">Retenues</th><th scope="col">Écartées</th></tr></thead>
<tbody>{''.join(quality)}</tbody></table></section>
<footer><p>qualepref-analysis {esc(__version__)} – empreintes des fichiers d'entrée dans results.json.</p></footer>
</body></html>
"""


def run_review(*, data_dir: str | Path | None = None, params_dir: str | Path | None = None,
               year: int | None = None, sites: list[str] | None = None, out_dir: str | Path = "build/review",
               sections: list[str] | None = None,
               progress: Callable[[str], None] | None = None) -> ReviewResult:
    """Run every section for every site and write the review into ``out_dir``.

    Parameters
    ----------
    data_dir, params_dir : path, optional
        By default the shipped demo data and the repository's ``params/``.
    year : int, optional
        Year under review (default: ``annee`` of ``default.yaml``).
    sites : list of str, optional
        Site codes (default: every declared site).
    out_dir : path
        Output folder (created).
    sections : list of str, optional
        Section names (default: all of :data:`SECTIONS`).
    progress : callable, optional
        Called with a short French message before each step.

    Returns
    -------
    ReviewResult

    Raises
    ------
    QualeprefError
        Parameters cannot be read, a site or section is unknown, or ``correspondances`` cannot be loaded.
    """
    notify = progress or (lambda message: None)
    data_dir = Path(data_dir) if data_dir else default_data_dir()
    params_dir = Path(params_dir) if params_dir else default_params_dir()
    params = load_params(params_dir)
    if year is not None:
        params = params.with_year(year)
    chosen_sites = list(sites) if sites else list(params.sites)
    unknown = [s for s in chosen_sites if s not in params.sites]
    if unknown:
        raise ParamsError(f"site(s) non déclaré(s) dans {params_dir / 'sites.yaml'} : {', '.join(unknown)} ; "
                          f"sites déclarés : {', '.join(params.sites)}.")
    chosen_sections = list(sections) if sections else list(SECTIONS)
    bad_sections = [s for s in chosen_sections if s not in SECTIONS]
    if bad_sections:
        raise QualeprefError(f"section(s) inconnue(s) : {', '.join(bad_sections)} ; sections : {', '.join(SECTIONS)}.")

    notify("Lecture et validation des données")
    bundle = load_data_dir(data_dir, params)
    if "correspondances" not in bundle.datasets:
        problem = next((p for name, p in bundle.failures.items() if name.lower().startswith("correspondances")), None)
        if problem is not None:
            raise problem
        raise DataFileError(data_dir, "le jeu de données obligatoire « correspondances » est absent ; "
                                      "ajoutez correspondances.csv ou correspondances.xlsx.")

    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ReviewResult(out_dir=out_dir, year=params.year, bundle=bundle)
    timeout = int(params.settings.get("delai_max_section_secondes", 900))
    results: dict[str, dict[str, object]] = {}
    for site in chosen_sites:
        site_dir = out_dir / site
        site_dir.mkdir(parents=True, exist_ok=True)
        for section in chosen_sections:
            notify(f"{params.sites[site].libelle} – {SECTIONS[section]}")
            executed = site_dir / f"{section}.ipynb"
            stale = site_dir / f"{section}{SECTION_RESULTS_SUFFIX}"
            stale.unlink(missing_ok=True)
            parameters = {"site": site, "year": params.year, "data_dir": str(data_dir.resolve()),
                          "params_dir": str(params_dir.resolve()), "output_dir": str(site_dir.resolve())}
            run = SectionRun(site, section, ok=False, notebook=executed)
            try:
                _run_section(notebooks_dir() / f"{section}.ipynb", executed, parameters, timeout)
                notebook = nbformat.read(executed, as_version=4)
                page = site_dir / f"{section}.html"
                page.write_text(export_html(notebook, title=f"{SECTIONS[section]} – {params.sites[site].libelle}"),
                                encoding="utf-8")
                run.ok, run.html = True, page
                if stale.exists():
                    results.setdefault(site, {})[section] = read_section_results(stale)
            except Exception as exc:  # a failing section must not stop the others
                run.error = type(exc).__name__
                log.debug("section %s/%s failed", site, section, exc_info=True)
            result.runs.append(run)

    generated = dt.datetime.now().replace(microsecond=0)
    payload = {
        "year": params.year,
        "generated_at": generated.isoformat(),
        "version": __version__,
        "inputs": bundle.input_hashes,
        "sites": results,
        "failed_sections": [f"{r.site}/{r.section}" for r in result.failed],
    }
    (out_dir / "results.json").write_text(json.dumps(to_json_safe(payload), ensure_ascii=False, indent=2),
                                          encoding="utf-8")
    write_csv_safely(bundle.quarantine, out_dir / "quarantine.csv")
    (out_dir / "index.html").write_text(_index_html(params, result, generated), encoding="utf-8")
    return result
