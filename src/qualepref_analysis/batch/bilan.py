"""The review as ONE self-contained HTML file: cover, table of contents, synthesis, every
section of every site, data-quality annex and reproducibility footer.

Built from the executed notebooks' outputs only (no code, no prompt, no stderr, no error):
HTML outputs (already escaped by the library), embedded PNG figures with their alternative
text, and the notebooks' own French markdown. One small stylesheet, no JavaScript, nothing
fetched from the network, page breaks and styles for printing.
"""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import re

import nbformat

from qualepref_analysis import __version__
from qualepref_analysis.batch.publishing import write_text_replacing
import pandas as pd

from qualepref_analysis.analysis.indicators import department_sites
from qualepref_analysis.report.formatting import format_date
from qualepref_analysis.report.grammar import french_spacing
from qualepref_analysis.report.html import dataset_title, french_table, paragraph
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.sections.dashboard import dashboard_tables
from qualepref_analysis.sections.methods import (DatasetQuality, data_quality_table, method_paragraphs, parameter_tables,
                                                 weighting_effect_table)

__all__ = ["typeset", "demote_headings", "notebook_body", "section_page", "assemble_bilan", "STYLE", "DEPARTMENT_TAG",
           "DEPARTMENT_PART", "DEPARTMENT_POINTER"]

_ANCHOR = re.compile(r'<a class="anchor-link"[^>]*>.*?</a>')

STYLE = """
:root { --blue: #000091; --grey: #666; }
body { font-family: "Marianne", system-ui, -apple-system, "Segoe UI", Arial, sans-serif; color: #1e1e1e;
       max-width: 62rem; margin: 0 auto; padding: 1rem 2rem; line-height: 1.5; }
h1, h2, h3 { color: var(--blue); line-height: 1.25; }
.cover { min-height: 24rem; display: flex; flex-direction: column; justify-content: center; border-bottom: 4px solid var(--blue); }
.cover h1 { font-size: 2.4rem; margin-bottom: .2rem; }
nav.toc ol { columns: 2; } nav.toc a { color: var(--blue); }
section.site-section { border-top: 1px solid #ccc; margin-top: 2rem; }
.back { font-size: .85rem; }
table.qp-table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
table.qp-table caption { font-weight: 600; text-align: left; padding: .3rem 0; }
table.qp-table th, table.qp-table td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: left; vertical-align: top; }
table.qp-table td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
img { max-width: 100%; height: auto; }
figure { margin: 1rem 0 .2rem; }
details.qp-data { margin: 0 0 1.2rem; font-size: .85rem; }
details.qp-data summary { cursor: pointer; color: var(--blue); }
.failed { color: #b00020; font-weight: 600; }
footer { color: var(--grey); font-size: .8rem; border-top: 1px solid #ccc; margin-top: 3rem; }
@page { size: A4; margin: 16mm 15mm 18mm;
        @bottom-right { content: "Page " counter(page) " sur " counter(pages); font-size: 8pt; color: #666; } }
@media print {
  body { max-width: none; padding: 0; font-size: 9.5pt; line-height: 1.4; }
  section.part, section.annex { page-break-before: always; break-before: page; }
  section.part.flow { page-break-before: auto; break-before: auto; margin-top: 1.6rem; }  /* short: follows on */
  section.site-section { border-top: none; margin-top: 1.2rem; }
  .back { display: none; }
  nav.toc ol { columns: 2; font-size: 9pt; }
  h1, h2, h3, h4, h5, h6, caption { page-break-after: avoid; break-after: avoid; }
  p.qp-narrative, li { orphans: 3; widows: 3; }
  figure { margin: .4rem 0; page-break-inside: avoid; break-inside: avoid; }
  img { max-height: 5.8cm; width: auto; max-width: 100%; }
  figure.qp-pair { display: inline-block; width: 49.5%; vertical-align: top; }  /* a series of like charts */
  figure.qp-pair img { max-height: 7cm; }
  table.qp-table { font-size: 8pt; margin: .4rem 0; }
  table.qp-table th, table.qp-table td { padding: .05rem .4rem; }
  h2 { font-size: 15pt; } h3 { font-size: 12.5pt; margin: .9rem 0 .3rem; } h4 { font-size: 10.5pt; margin: .7rem 0 .25rem; }
  h5 { font-size: 9.5pt; margin: .5rem 0 .2rem; } p { margin: .3rem 0; }
  thead { display: table-header-group; }
  tr { page-break-inside: avoid; break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  details.qp-data { display: none; }  /* the figures' values stay in the HTML; the printout shows the figures */
}
"""


_MARKDOWN = None


def _markdown(text: str) -> str:
    """The notebooks' own French narrative, as HTML (mistune; raw HTML in it is escaped)."""
    global _MARKDOWN
    if _MARKDOWN is None:
        import mistune

        _MARKDOWN = mistune.create_markdown(escape=True, plugins=["table", "strikethrough"])
    return _MARKDOWN(text)


_HEADING_TAG = re.compile(r"<(/?)h([1-6])\b")
_LEAD = re.compile(r'<p class="qp-lead">.*?</p>', re.S)


def demote_headings(fragment: str, levels: int) -> str:
    """``fragment`` with every heading ``levels`` lower (h2 → h4 for 2), between h1 and h6.

    Examples
    --------
    >>> demote_headings("<h2>A</h2><h3 id='b'>B</h3>", 2)
    "<h4>A</h4><h5 id='b'>B</h5>"
    """
    if not levels:
        return fragment
    return _HEADING_TAG.sub(lambda m: f"<{m[1]}h{max(1, min(int(m[2]) + levels, 6))}", fragment)


#: The Jupyter cell tag of what is common to the whole department (the chatbot, the département's
#: Services Publics+ figures, the classifier's reliability): the bilan shows those cells once, in
#: its « Éléments communs au département » part, and a pointer in each site's section.
DEPARTMENT_TAG = "departement"
DEPARTMENT_PART = "Éléments communs au département"
DEPARTMENT_POINTER = ('<p class="qp-renvoi">Ce point, commun à tout le département, est présenté une seule fois, '
                      f'dans la partie « <a href="#departement">{DEPARTMENT_PART}</a> ».</p>')


def _is_department(cell) -> bool:
    return DEPARTMENT_TAG in (cell.get("metadata", {}).get("tags") or [])


def _headings_only(markdown: str) -> str:
    return "\n".join(line for line in markdown.splitlines() if line.lstrip().startswith("#"))


def notebook_body(path: Path | nbformat.NotebookNode, *, demote: int = 1, lead: bool = True,
                  department: str = "keep") -> str:
    """The outputs (and French markdown) of an executed notebook as an HTML fragment.

    The notebook's title (its first ``# `` heading) is left out: the page or the bilan gives
    the section its own heading. Inside a notebook, headings go h1 (title) → h2 → h3 in
    markdown and in displayed HTML alike, so that one shift keeps the levels in order.

    Parameters
    ----------
    path : Path or NotebookNode
        The executed notebook.
    demote : int
        Heading levels to add to every heading, markdown and displayed HTML alike, so that
        the notebook's headings sit under the page's own.
    lead : bool
        Keep the notebook's lead line (site and year, :func:`~qualepref_analysis.report.section_lead`);
        the bilan leaves it out, its headings say as much.
    department : {"keep", "drop", "only"}
        What to do with the cells tagged :data:`DEPARTMENT_TAG`: keep them (a section's own
        page), replace each run of them by its headings and :data:`DEPARTMENT_POINTER` (a site
        in the bilan), or keep only them (the bilan's department part).

    Examples
    --------
    >>> notebook = nbformat.v4.new_notebook(cells=[
    ...     nbformat.v4.new_markdown_cell("## Site"),
    ...     nbformat.v4.new_markdown_cell("## Chatbot\\n\\nConversations.", metadata={"tags": ["departement"]})])
    >>> "Chatbot" in notebook_body(notebook, department="only") and "Site" not in notebook_body(notebook, department="only")
    True
    >>> dropped = notebook_body(notebook, department="drop", demote=0)
    >>> "<h2>Chatbot</h2>" in dropped, "Conversations" in dropped, 'href="#departement"' in dropped
    (True, False, True)
    """
    if department not in ("keep", "drop", "only"):
        raise ValueError(f"department must be keep, drop or only, not {department!r}")
    notebook = path if isinstance(path, nbformat.NotebookNode) else nbformat.read(path, as_version=4)
    parts = []
    title_dropped = False
    previous_common = False
    for cell in notebook.cells:
        common = _is_department(cell)
        starts_run, previous_common = common and not previous_common, common
        if department == "only" and not common:
            continue
        if department == "drop" and common:
            if cell.cell_type == "markdown":
                parts.append(_ANCHOR.sub("", _markdown(_headings_only(cell.source))))
            if starts_run or cell.cell_type == "markdown":
                parts.append(DEPARTMENT_POINTER)
            continue
        if cell.cell_type == "markdown":
            source = cell.source
            if not title_dropped and source.lstrip().startswith("# "):
                source = source.lstrip().split("\n", 1)[1] if "\n" in source.lstrip() else ""  # the page titles it
                title_dropped = True
            parts.append(_ANCHOR.sub("", _markdown(source)))
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue  # streams (stdout/stderr) and errors never reach the review
            data = output.get("data", {})
            if "image/png" in data:
                meta = output.get("metadata", {}).get("image/png", {}) or {}
                alt = meta.get("alt", "Graphique")
                kind = ' class="qp-pair"' if meta.get("layout") == "pair" else ""
                parts.append(f'<figure{kind}><img alt="{html.escape(alt)}" src="data:image/png;base64,'
                             f'{data["image/png"].strip()}"></figure>')
            elif "text/html" in data:
                fragment = data["text/html"]
                fragment = fragment if isinstance(fragment, str) else "".join(fragment)
                parts.append(fragment if lead else _LEAD.sub("", fragment))
    body = typeset("\n".join(parts))
    if department == "only":  # the extracted blocks' top heading sits right under the page's own
        levels = [int(level) for _, level in _HEADING_TAG.findall(body)]
        demote -= min(levels) - 2 if levels and min(levels) > 2 else 0
    return demote_headings(body, demote)


_TEXT_NODE = re.compile(r">([^<>]+)<")


def typeset(fragment: str) -> str:
    """French typography on every text of an HTML fragment (tags and attributes untouched).

    Examples
    --------
    >>> typeset("<p>IC 95 % : -2</p>") == "<p>IC 95\u00a0%\u00a0: \u22122</p>"
    True
    """
    return _TEXT_NODE.sub(lambda m: ">" + french_spacing(m[1]) + "<", fragment)


def section_page(notebook: Path | nbformat.NotebookNode, *, title: str, subtitle: str = "") -> str:
    """One section as a standalone HTML page: the bilan's style, no script, nothing fetched."""
    esc = html.escape
    lead = f"<p>{esc(subtitle)}</p>" if subtitle else ""
    return f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
<style>{STYLE}</style></head><body>
<header><h1>{esc(title)}</h1>{lead}</header>
<main>{notebook_body(notebook, demote=0)}</main>
<footer><p>Produit par qualepref-analysis {esc(__version__)}.</p></footer>
</body></html>
"""


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
    for title, text in method_paragraphs(params.settings, calendars):
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
                              disclosure=Disclosure.from_params(params))
    if not tables:
        return ""
    lead = paragraph("Chaque indicateur face à sa cible : ✔ cible atteinte, ✘ cible non atteinte, ⚠ non évaluable "
                     "faute d'effectif suffisant. L'évolution compare à l'année précédente ; la tendance montre "
                     "une barre par année présente dans les registres, de la plus ancienne à la plus récente.")
    return lead + "".join(f"<h3>{html.escape(site_label)}</h3>{french_table(table)}" for site_label, table in tables)
