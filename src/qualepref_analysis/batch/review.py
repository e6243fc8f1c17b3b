"""The review: every section notebook for every site, exported to HTML, assembled.

:func:`run_review` plans the site × section tasks (skipping those unchanged since the last
run), validates the data once and hands them to the notebooks' kernels, runs the tasks on a
:class:`~qualepref_analysis.batch.runner.SectionRunner`, merges the figures each notebook recorded
into ``results.json``, runs the synthesis, writes ``quarantine.csv``, the single bilan and
``index.html`` — all in a staging folder published whole at the end
(:mod:`~qualepref_analysis.batch.publishing`).

Importing this module imports neither pandas nor what needs it: :func:`run_review` first starts
the process that forks the kernels (which imports them for its kernels, ≈ 3 s of CPU), and only
then imports them itself, for the parameters' checks and the data's validation, at the same time;
the functions that need them import them where they do.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import html
import json
import logging
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from qualepref_analysis import __version__
from qualepref_analysis.io.digests import file_sha256
from qualepref_analysis.io.locations import default_data_dir, default_params_dir, project_root
from qualepref_analysis.errors import DataFileError, ParamsError, QualeprefError
from qualepref_analysis.io.params import Params, load_params
from qualepref_analysis.batch.publishing import MARKER_FILE, inside, prepare_staging, publish, write_text_replacing
from qualepref_analysis.io.results import read_section_results, to_json_safe
from qualepref_analysis.batch.runner import SectionRun, SectionRunner, SectionTask, export_html

if TYPE_CHECKING:
    from qualepref_analysis.io.datasets import DataBundle

__all__ = ["SECTIONS", "SYNTHESIS", "SectionRun", "ReviewResult", "run_review", "schedule", "export_html",
           "notebooks_dir"]

log = logging.getLogger(__name__)

#: The cross-site synthesis, run after every site section from their recorded figures.
SYNTHESIS = "00_synthese"

#: Section notebooks run per site, in review order, with their French titles.
SECTIONS: dict[str, str] = {
    "01_indicateurs": "Indicateurs Qual-e-Pref",
    "02_reclamations": "Réclamations et suggestions",
    "03_satisfaction": "Satisfaction des usagers",
    "04_services_publics_plus": "Services Publics+",
    "05_plan_actions": "Plans d'actions",
    "06_audits": "Audits",
}


#: Sections whose notebooks use the complaint categoriser (``ctx.categoriser()``): when one of them
#: runs, the zygote trains it at the start of the run (:func:`~qualepref_analysis.batch.shared.train_shared_models`).
SECTIONS_USING_CATEGORISER = ("02_reclamations", "04_services_publics_plus")

#: Relative cost of each section, heaviest first (cell time measured on the demo and national runs).
_COST_ORDER = ("02_reclamations", "01_indicateurs", "03_satisfaction", "04_services_publics_plus",
               "05_plan_actions", "06_audits")

#: The section whose first notebook computes what all of its notebooks share (the classifier's
#: training and cross-validation, through the run's cache), or waits for the zygote's trainer to
#: store them (where kernels are forked).
_SHARED_BY_SECTION = "02_reclamations"

#: Sections run by the other workers while the first notebook of :data:`_SHARED_BY_SECTION` computes
#: what its section shares (on the demo, the classifier's training and cross-validation take about
#: as long as the indicators and satisfaction notebooks of three sites; one section was not enough).
_SECTIONS_WHILE_SHARED = 2


def schedule(tasks: list[SectionTask]) -> list[SectionTask]:
    """The order in which to hand ``tasks`` to the workers.

    Heaviest sections first, so that the last notebooks to finish are short. One notebook of
    :data:`_SHARED_BY_SECTION` goes before all, since it computes what the others of its section
    share; those others go after the next :data:`_SECTIONS_WHILE_SHARED` heaviest sections, so
    that no worker sits waiting for a computation another worker is doing. The output does not
    depend on the order of ``tasks``.

    Parameters
    ----------
    tasks : list of SectionTask

    Returns
    -------
    list of SectionTask
        The same tasks, reordered.
    """
    rank = {section: i for i, section in enumerate(_COST_ORDER)}
    by_cost = sorted(tasks, key=lambda t: (rank.get(t.section, len(rank)), t.site))
    sharing = [t for t in by_cost if t.section == _SHARED_BY_SECTION]
    others = [t for t in by_cost if t.section != _SHARED_BY_SECTION]
    if not sharing or not others:
        return by_cost
    meanwhile_sections = list(dict.fromkeys(t.section for t in others))[:_SECTIONS_WHILE_SHARED]
    meanwhile = [t for t in others if t.section in meanwhile_sections]
    return [sharing[0], *meanwhile, *sharing[1:], *others[len(meanwhile):]]


def notebooks_dir() -> Path:
    """The folder holding the section notebooks."""
    return project_root() / "notebooks"


@dataclass
class ReviewResult:
    """Outcome of a whole review."""

    out_dir: Path
    year: int
    runs: list[SectionRun] = field(default_factory=list)
    bundle: DataBundle | None = None
    synthesis: SectionRun | None = None
    bilan: Path | None = None
    #: The office files written beside the bilan (:func:`~qualepref_analysis.office.outputs.write_office_files`).
    office: list[Path] = field(default_factory=list)
    #: Why the office files could not be written (the HTML bilan is published all the same).
    office_error: str = ""

    @property
    def failed(self) -> list[SectionRun]:
        return [run for run in self.runs if not run.ok]






def _section_name(value: str) -> str:
    """``01`` or ``01_indicateurs`` → ``01_indicateurs``."""
    value = str(value).strip()
    return next((name for name in SECTIONS if name == value or name.split("_", 1)[0] == value.zfill(2)), value)


_OFFICE_USES = ("tableaux de chiffres pour les diaporamas et le suivi (Excel)",
                "bilan modifiable, à relire et envoyer (Word)",
                "projet de compte rendu de la réunion, à compléter (Word)")


def _office_links(result: ReviewResult) -> str:
    """The index page's list of the office files, with what each is for."""
    if not result.office:
        return ""
    items = "".join(f'<li><a href="{html.escape(path.name)}">{html.escape(path.name)}</a>\u00a0: {use}</li>'
                    for path, use in zip(result.office, _OFFICE_USES))
    return f"<ul>{items}</ul>"


def _index_html(params: Params, result: ReviewResult, generated: dt.datetime) -> str:
    from qualepref_analysis.report.formatting import format_date, format_number

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
    synthesis = result.synthesis
    if synthesis is not None and synthesis.ok and synthesis.html is not None:
        href = esc(synthesis.html.relative_to(result.out_dir).as_posix())
        rows.insert(0, f'<section><h2>Synthèse</h2><ul><li><a href="{href}">Synthèse de tous les sites</a></li>'
                       "</ul></section>")
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
</style></head><body><main>
<h1>Bilan annuel Qual-e-Pref {result.year}</h1>
<p>{esc(params.prefecture)} – comité local des usagers. Document généré le {format_date(generated.date())}.</p>
<p><strong><a href="bilan-{result.year}.html">Bilan complet en un seul fichier (à imprimer ou à envoyer)</a></strong></p>
{_office_links(result)}
{''.join(rows)}
<section><h2>Qualité des données</h2>
<table><caption>Lignes lues, retenues et écartées par fichier (détail dans quarantine.csv)</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Lues</th><th scope="col">Retenues</th><th scope="col">Écartées</th></tr></thead>
<tbody>{''.join(quality)}</tbody></table></section></main>
<footer><p>qualepref-analysis {esc(__version__)} – empreintes des fichiers d'entrée dans results.json.</p></footer>
</body></html>
"""


STATE_FILE = MARKER_FILE


def _hash_files(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(path.name.encode())
        digest.update(file_sha256(path).encode())
    return digest.hexdigest()


def _common_fingerprint(data_dir: Path, params_dir: Path, year: int) -> str:
    """Inputs shared by every section: data files, parameter files, the library's code and version, the year."""
    package = Path(__file__).resolve().parent.parent  # the whole library, not only the batch
    parts = [
        _hash_files([Path(data_dir)] if Path(data_dir).is_file() else [p for p in Path(data_dir).iterdir() if p.is_file()]),
        _hash_files([p for p in Path(params_dir).iterdir() if p.is_file()]),
        _hash_files(list(package.rglob("*.py"))),
        __version__, str(year),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()


def _fingerprint(common: str, notebook: Path, parameters: dict) -> str:
    digest = hashlib.sha256(common.encode())
    digest.update(file_sha256(notebook).encode())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    return digest.hexdigest()


def _read_state(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_state(path: Path, state: dict) -> None:
    write_text_replacing(path, json.dumps(state, indent=1, sort_keys=True))


def run_review(*, data_dir: str | Path | None = None, params_dir: str | Path | None = None,
               year: int | None = None, sites: list[str] | None = None, out_dir: str | Path = "build/review",
               sections: list[str] | None = None, jobs: int | None = None, force: bool = False,
               progress: Callable[[str], None] | None = None, office: bool = True) -> ReviewResult:
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
        Section names or numbers (``01``) (default: all of :data:`SECTIONS`).
    jobs : int, optional
        Notebooks run at once (default: the CPU count).
    force : bool
        Rerun every section even when nothing changed since the last run in ``out_dir``.
    progress : callable, optional
        Called with a short French message before each step.
    office : bool
        Also write the office files beside the bilan: ``tableaux-<year>.xlsx``, ``bilan-<year>.docx``
        and ``projet-compte-rendu-<year>.docx`` (:mod:`qualepref_analysis.office`).

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
    private = Path(tempfile.mkdtemp(prefix="qualepref-review-"))  # mode 0700: validated personal data
    # the kernels join the run through this private folder; their zygote starts now and imports
    # what they need while this process reads the parameters and validates the data
    runner = SectionRunner(jobs, str(private), zygote_now=True)
    staging = None
    try:
        read_params = load_params(params_dir)  # the kernels use them too: one set of parameters for the run
        params = read_params.with_year(year) if year is not None else read_params
        chosen_sites = list(sites) if sites else list(params.sites)
        unknown = [s for s in chosen_sites if s not in params.sites]
        if unknown:
            raise ParamsError(f"site(s) non déclaré(s) dans {params_dir / 'sites.yaml'} : {', '.join(unknown)} ; "
                              f"sites déclarés : {', '.join(params.sites)}.")
        chosen_sections = [_section_name(s) for s in sections] if sections else list(SECTIONS)
        bad_sections = [s for s in chosen_sections if s not in SECTIONS]
        if bad_sections:
            raise QualeprefError(f"section(s) inconnue(s) : {', '.join(bad_sections)} ; "
                                 f"sections : {', '.join(SECTIONS)}.")
        out_dir = Path(out_dir)
        staging = prepare_staging(out_dir)
        result = _run_tasks(params, data_dir=data_dir, params_dir=params_dir, out_dir=staging,
                            chosen_sites=chosen_sites, chosen_sections=chosen_sections, force=force,
                            notify=notify, runner=runner, private=private, office=office, read_params=read_params)
        runner.close()
        notify("Mise en place du bilan")
        publish(staging, out_dir)
        return _relocated(result, staging, out_dir)
    except BaseException:  # an error or an interruption: the previous complete review stays as it was
        runner.close(abort=True)
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(private, ignore_errors=True)


def _relocated(result: ReviewResult, staging: Path, out_dir: Path) -> ReviewResult:
    """The same result with its paths in the published folder."""
    def moved(path: Path | None) -> Path | None:
        return None if path is None else Path(out_dir) / Path(path).relative_to(staging)

    for run in [*result.runs, *([result.synthesis] if result.synthesis else [])]:
        run.html, run.notebook = moved(run.html), moved(run.notebook)
    result.out_dir, result.bilan = Path(out_dir), moved(result.bilan)
    result.office = [moved(path) for path in result.office]
    return result


def _run_tasks(params: Params, *, data_dir: Path, params_dir: Path, out_dir: Path, chosen_sites: list[str],
               chosen_sections: list[str], force: bool, notify: Callable[[str], None], runner: SectionRunner,
               private: Path, office: bool = True, read_params: Params | None = None) -> ReviewResult:
    from qualepref_analysis.batch.bilan import assemble_bilan
    from qualepref_analysis.batch.shared import share_validated_data
    from qualepref_analysis.io.csv_writer import write_csv_safely
    from qualepref_analysis.io.datasets import load_data_dir, require_data_of_year
    from qualepref_analysis.batch.office_files import OfficeFiles
    from qualepref_analysis.office.outputs import office_file_names

    timeout = params.settings.delai_max_section_secondes
    state_path = out_dir / STATE_FILE
    previous_state = _read_state(state_path)
    common = _common_fingerprint(data_dir, params_dir, params.year)
    run_folder = runner.run_folder
    tasks: list[SectionTask] = []
    for site in chosen_sites:
        site_dir = inside(out_dir, site)
        site_dir.mkdir(parents=True, exist_ok=True)
        for section in chosen_sections:
            notebook = notebooks_dir() / f"{section}.ipynb"
            parameters = {"site": site, "year": params.year, "data_dir": str(data_dir.resolve()),
                          "params_dir": str(params_dir.resolve()), "output_dir": str(site_dir.resolve())}
            fingerprint = _fingerprint(common, notebook, parameters)
            tasks.append(SectionTask(site, section, notebook, site_dir, parameters, timeout, fingerprint,
                                     title=f"{SECTIONS[section]} – {params.sites[site].libelle}",
                                     run_folder=run_folder))
    todo = [t for t in tasks if force or not t.up_to_date(previous_state)]
    for task in tasks:
        if task not in todo:
            notify(f"inchangé : {params.sites[task.site].libelle} – {SECTIONS[task.section]}")
    synthesis_notebook = notebooks_dir() / f"{SYNTHESIS}.ipynb"
    review_key = hashlib.sha256("|".join(
        [common, *sorted(t.fingerprint for t in tasks),
         file_sha256(synthesis_notebook) if synthesis_notebook.exists() else ""]).encode()).hexdigest()
    wanted = [f"bilan-{params.year}.html", *(office_file_names(params.year) if office else [])]
    if not todo and not force and previous_state.get("bilan") == review_key \
            and all((out_dir / name).exists() for name in wanted):
        notify("Rien n'a changé depuis le dernier bilan : il est conservé tel quel")
        return _unchanged_review(params, tasks, out_dir, office=office)
    if todo:
        runner.start(len(todo) + 1)  # the workers import what they need while the data are validated

    notify("Lecture et validation des données")
    bundle = load_data_dir(data_dir, params)
    if "correspondances" not in bundle.datasets:
        problem = next((p for name, p in bundle.failures.items() if "correspondances" in name.lower()), None)
        if problem is not None:
            raise problem
        where = ("remplissez sa feuille « correspondances »" if data_dir.is_file()
                 else "ajoutez correspondances.csv ou correspondances.xlsx")
        raise DataFileError(data_dir, f"le jeu de données obligatoire « correspondances » est absent ou vide ; {where}.")
    require_data_of_year(bundle, params.year)
    share_validated_data(bundle, data_dir=data_dir, params_dir=params_dir, year=params.year, folder=private,
                         shared_models=any(t.section in SECTIONS_USING_CATEGORISER for t in todo), params=read_params)
    result = ReviewResult(out_dir=out_dir, year=params.year, bundle=bundle)

    state = dict(previous_state)
    for done, run in enumerate(runner.run(schedule(todo), lambda t, ok: None,
                                          then=int(synthesis_notebook.exists())), start=1):
        task = next(t for t in todo if (t.site, t.section) == (run.site, run.section))
        notify(f"[{done}/{len(todo)}] {'terminé' if run.ok else 'ÉCHEC'} : "
               f"{params.sites[task.site].libelle} – {SECTIONS[task.section]}")
        state[task.key] = task.fingerprint if run.ok else "echec"
    results: dict[str, dict[str, object]] = {}
    for task in tasks:
        ok = state.get(task.key) == task.fingerprint and task.page.exists()
        run = SectionRun(task.site, task.section, ok=ok, html=task.page if ok else None, notebook=task.executed,
                         error="" if ok else "échec")
        result.runs.append(run)
        if ok and task.results.exists():
            results.setdefault(task.site, {})[task.section] = read_section_results(task.results)
    _write_state(state_path, state)

    generated = dt.datetime.now().replace(microsecond=0)
    payload = {
        "year": params.year,
        "generated_at": generated.isoformat(),
        "version": __version__,
        "inputs": bundle.input_hashes,
        "sites": results,
        "failed_sections": [f"{r.site}/{r.section}" for r in result.failed],
    }
    results_path = out_dir / "results.json"
    recorded = to_json_safe(payload)
    write_text_replacing(results_path, json.dumps(recorded, ensure_ascii=False, indent=2))

    office_files = OfficeFiles(out_dir, results=recorded, params=params, runner=runner,
                               sites={code: params.sites[code].libelle for code in params.sites
                                      if code in chosen_sites}) if office else None
    synthesis_run = None
    if synthesis_notebook.exists() and results:
        notify("Synthèse")
        synthesis_dir = out_dir / "synthese"
        synthesis_dir.mkdir(exist_ok=True)
        parameters = {"year": params.year, "params_dir": str(params_dir.resolve()),
                      "results_path": str(results_path.resolve()), "output_dir": str(synthesis_dir.resolve())}
        common_results = hashlib.sha256(json.dumps(to_json_safe(results), sort_keys=True).encode()).hexdigest()
        task = SectionTask("synthese", SYNTHESIS, synthesis_notebook, synthesis_dir, parameters, timeout,
                           _fingerprint(common + common_results, synthesis_notebook, parameters), title="Synthèse",
                           run_folder=run_folder)
        if force or not task.up_to_date(state):
            running = runner.run([task], lambda t, ok: None)  # on a worker, from now on
            if office_files is not None:
                office_files.while_synthesis_runs()
            synthesis_run = next(running)
            state[task.key] = task.fingerprint if synthesis_run.ok else "echec"
            _write_state(state_path, state)
        else:
            synthesis_run = SectionRun("synthese", SYNTHESIS, ok=True, html=task.page, notebook=task.executed)
    result.synthesis = synthesis_run
    notify("Assemblage du bilan")
    write_csv_safely(bundle.quarantine, out_dir / "quarantine.csv")
    result.bilan = assemble_bilan(out_dir, params=params, year=params.year, runs=result.runs,
                                  synthesis=synthesis_run.notebook if synthesis_run and synthesis_run.ok else None,
                                  bundle=bundle, sections=SECTIONS, generated=generated)
    if office_files is not None:
        notify("Tableaux Excel, bilan et projet de compte rendu Word")
        office_files.hand_workbook_over(result.bilan)
    runner.close_in_background()  # every notebook has run: the processes stop once the workbook is written
    if office_files is not None:
        result.office, result.office_error = office_files.finish()
    write_text_replacing(out_dir / "index.html", _index_html(params, result, generated))
    if not result.failed and (synthesis_run is None or synthesis_run.ok) and not result.office_error:
        state["bilan"] = review_key  # a second run with nothing changed keeps this review as it is
        _write_state(state_path, state)
    return result


def _unchanged_review(params: Params, tasks: list[SectionTask], out_dir: Path, *, office: bool = True) -> ReviewResult:
    """The previous review, untouched: same notebooks, parameters, data, library and selection."""
    from qualepref_analysis.office.outputs import office_file_names

    result = ReviewResult(out_dir=out_dir, year=params.year)
    result.runs = [SectionRun(t.site, t.section, ok=True, html=t.page, notebook=t.executed) for t in tasks]
    synthesis_dir = out_dir / "synthese"
    if (synthesis_dir / f"{SYNTHESIS}.html").exists():
        result.synthesis = SectionRun("synthese", SYNTHESIS, ok=True, html=synthesis_dir / f"{SYNTHESIS}.html",
                                      notebook=synthesis_dir / f"{SYNTHESIS}.ipynb")
    result.bilan = out_dir / f"bilan-{params.year}.html"
    result.office = [out_dir / name for name in office_file_names(params.year)] if office else []
    return result
