"""The review as ONE self-contained HTML file: cover, table of contents, synthesis, every
section of every site, data-quality annex and reproducibility footer.

Built from the executed notebooks' outputs only, as each section's page is
(:mod:`~qualepref_analysis.batch.pages`): one small stylesheet, no JavaScript, nothing fetched from
the network, page breaks and styles for printing.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd

from qualepref_analysis import __version__
from qualepref_analysis.batch.pages import DEPARTMENT_PART, STYLE, notebook_body
from qualepref_analysis.batch.publishing import write_text_replacing
from qualepref_analysis.analysis.indicators import department_sites
from qualepref_analysis.report.formatting import format_date
from qualepref_analysis.report.grammar import french_spacing
from qualepref_analysis.report.html import dataset_title, french_table, paragraph
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.dashboard import dashboard_tables
from qualepref_analysis.sections.methods import (DatasetQuality, cross_validation_folds, data_quality_table,
                                                 method_paragraphs, parameter_tables, weighting_effect_table)

__all__ = ["assemble_bilan", "dataset_quality", "methods_annex"]


def assemble_bilan(out_dir: Path, *, params, year: int, runs: list, synthesis: Path | None, bundle,
                   sections: dict[str, str], generated: dt.datetime) -> Path:
    """Write ``OUT/bilan-<year>.html`` and return its path."""
    esc = html.escape
    sites = [code for code in params.sites if any(r.site == code for r in runs)]
    toc, body = [], []
    back = '<p class="back"><a href="#sommaire">Retour au sommaire</a></p>'
    dashboard = _dashboard(out_dir / "results.json", params, sites, year)
    if dashboard:
        toc.append('<li><a href="#tableau-de-bord">Tableau de bord</a></li>')
        body.append(f'<section class="part" id="tableau-de-bord"><h2>Tableau de bord</h2>{dashboard}{back}</section>')
    if synthesis is not None and synthesis.exists():
        toc.append('<li><a href="#synthese">Synthèse</a></li>')
        body.append(f'<section class="part" id="synthese"><h2>Synthèse</h2>'
                    f'{notebook_body(synthesis, demote=1, lead=False)}{back}</section>')
    common = _department_part(params, sites, runs, sections, back)
    if common:
        toc.append(f'<li><a href="#departement">{DEPARTMENT_PART}</a></li>')
        body.append(common)
    for site in sites:  # h2 the site, h3 each of its sections, h4 and below the sections' own headings
        label = params.sites[site].libelle
        items, parts = [], []
        for run in [r for r in runs if r.site == site]:
            anchor = f"{site}-{run.section}"
            title = sections.get(run.section, run.section)
            items.append(f'<li><a href="#{esc(anchor)}">{esc(title)}</a></li>')
            if run.ok and run.notebook is not None and run.notebook.exists():
                content = notebook_body(run.notebook, demote=2, lead=False, department="drop" if common else "keep")
            else:
                content = ('<p class="failed">Cette section n\'a pas pu être produite : ses résultats ne sont pas '
                           "présentés.</p>")
            parts.append(f'<section class="site-section" id="{esc(anchor)}" aria-labelledby="{esc(anchor)}-titre">'
                         f'<h3 id="{esc(anchor)}-titre">{esc(title)}</h3>{content}{back}</section>')
        body.append(f'<section class="part site" id="{esc(site)}"><h2>{esc(label)}</h2>{"".join(parts)}</section>')
        toc.append(f'<li><a href="#{esc(site)}">{esc(label)}</a><ul>{"".join(items)}</ul></li>')
    toc.append('<li><a href="#methodes">Méthodes et paramètres</a></li>')
    hashes = "".join(f"<li>{esc(french_spacing(dataset_title(Path(name).stem)))}\u00a0: <code>{digest[:16]}…</code></li>"
                     for name, digest in sorted(bundle.input_hashes.items()))
    document = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bilan annuel Qual-e-Pref {year} – {esc(params.prefecture)}</title>
<style>{STYLE}</style></head><body>
<header class="cover"><p>Comité local des usagers</p><h1>Bilan annuel Qual-e-Pref {year}</h1>
<p><strong>{esc(params.prefecture)}</strong></p><p>Document généré le {format_date(generated.date())}.</p></header>
<nav class="toc" id="sommaire" aria-label="Sommaire"><h2>Sommaire</h2><ol>{''.join(toc)}</ol></nav>
<main>{''.join(body)}
{methods_annex(params, bundle, _results(out_dir / "results.json"))}</main>
<footer><p>Produit par qualepref-analysis {esc(__version__)}, à partir des données suivantes
(empreintes SHA-256, pour retrouver exactement les fichiers utilisés)\u00a0:</p><ul>{hashes}</ul></footer>
</body></html>
"""
    path = out_dir / f"bilan-{year}.html"
    write_text_replacing(path, document)
    return path



def _department_part(params, sites: list[str], runs: list, sections: dict[str, str], back: str) -> str:
    """The part that shows once what is common to the department, from its host site's notebooks.

    Empty when the host site (:func:`~qualepref_analysis.analysis.indicators.department_sites`)
    is not part of this run, or none of its notebooks has a cell tagged :data:`DEPARTMENT_TAG`:
    the sites' sections then keep those cells.
    """
    esc = html.escape
    hosts = [code for code in department_sites(params.sites) if code in sites][:1]
    if not hosts or hosts[0] != department_sites(params.sites)[0]:
        return ""
    parts = []
    for run in [r for r in runs if r.site == hosts[0] and r.ok and r.notebook is not None and r.notebook.exists()]:
        content = notebook_body(run.notebook, demote=2, lead=False, department="only")
        if content.strip():
            anchor = f"departement-{run.section}"
            title = sections.get(run.section, run.section)
            parts.append(f'<section class="site-section" id="{esc(anchor)}" aria-labelledby="{esc(anchor)}-titre">'
                         f'<h3 id="{esc(anchor)}-titre">{esc(title)}</h3>{content}{back}</section>')
    if not parts:
        return ""
    lead = paragraph("Ce qui sert tout le département n'est présenté qu'une fois, ici ; les sections de chaque site "
                     "y renvoient.")
    return f'<section class="part flow" id="departement"><h2>{DEPARTMENT_PART}</h2>{lead}{"".join(parts)}</section>'


def dataset_quality(bundle) -> list[DatasetQuality]:
    """What each data set's loading kept and set aside, by the data set's French name (no file name)."""
    out = []
    for name, loaded in bundle.datasets.items():
        reasons = loaded.quarantine["motif"].value_counts() if len(loaded.quarantine) else pd.Series(dtype=int)
        out.append(DatasetQuality(dataset_title(name), int(loaded.rows_read), int(loaded.rows_kept),
                                  int(loaded.rows_quarantined),
                                  tuple((str(reason), int(count)) for reason, count in reasons.head(3).items())))
    for name, problem in bundle.failures.items():
        out.append(DatasetQuality(dataset_title(name), 0, 0, 0, problem=str(problem).split(": ", 1)[-1]))
    return out


def methods_annex(params, bundle, results: dict | None = None) -> str:
    """The annex « Méthodes et paramètres »: how the figures were obtained, the parameters, the data quality
    and, with the run's ``results``, the weighting effect of each site's survey."""
    calendars = {params.sites[code].libelle: calendar for code, calendar in params.calendars.items()
                 if code in params.sites}
    parts = ['<section class="annex" id="methodes"><h2>Méthodes et paramètres</h2>']
    for title, text in method_paragraphs(params.settings, calendars, cross_validation_folds(results or {})):
        parts.append(f"<h3>{html.escape(title)}</h3>{paragraph(text)}")
    weighting = weighting_effect_table(results or {}, {code: site.libelle for code, site in params.sites.items()})
    if weighting is not None:
        parts.append(french_table(weighting))
    parts.append("<h3>Paramètres du bilan</h3>")
    parts.extend(french_table(table) for table in parameter_tables(params.settings))
    parts.append("<h3>Qualité des données</h3>")
    parts.append(paragraph("Chaque ligne des registres est contrôlée avant tout calcul ; une ligne incomplète "
                           "ou incohérente est écartée des calculs et signalée à l'équipe qui tient le registre, "
                           "qui la corrige pour le bilan suivant."))
    parts.append(french_table(data_quality_table(dataset_quality(bundle))))
    parts.append("</section>")
    return "".join(parts)


def _results(path: Path) -> dict:
    import json

    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _dashboard(results_path: Path, params, sites: list[str], year: int) -> str:
    """The « Tableau de bord » part: one table per site, from the figures the sections recorded."""
    import json

    if not results_path.exists():
        return ""
    results = json.loads(results_path.read_text(encoding="utf-8"))
    tables = dashboard_tables(results, sites={code: params.sites[code].libelle for code in sites}, year=year,
                              disclosure=Disclosure.from_params(params), settings=params.settings)
    if not tables:
        return ""
    lead = paragraph("Chaque indicateur face à sa cible : ✔ cible atteinte, ✘ cible non atteinte, ⚠ non évaluable "
                     "faute d'effectif suffisant. L'évolution compare à l'année précédente ; la tendance montre "
                     "une barre par année présente dans les registres, de la plus ancienne à la plus récente.")
    return lead + "".join(f"<h3>{html.escape(site_label)}</h3>{french_table(table)}" for site_label, table in tables)
