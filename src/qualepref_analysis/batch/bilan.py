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
import json
from pathlib import Path

import re

import nbformat

from qualepref_analysis import __version__
from qualepref_analysis.batch.publishing import write_text_replacing
from qualepref_analysis.report.formatting import format_date, format_number

__all__ = ["notebook_body", "section_page", "assemble_bilan", "STYLE"]

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
.failed { color: #b00020; font-weight: 600; }
footer { color: var(--grey); font-size: .8rem; border-top: 1px solid #ccc; margin-top: 3rem; }
@media print {
  body { max-width: none; padding: 0; font-size: 10pt; }
  .cover, section.site-section, section.annex { page-break-before: always; break-before: page; }
  .back, nav.toc { display: none; }
  img, table { page-break-inside: avoid; break-inside: avoid; }
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


def notebook_body(path: Path | nbformat.NotebookNode, *, demote: int = 1) -> str:
    """The outputs (and French markdown) of an executed notebook as an HTML fragment.

    Parameters
    ----------
    path : Path or NotebookNode
        The executed notebook.
    demote : int
        Heading levels to add, so that the notebook's headings sit under the page's own.
    """
    notebook = path if isinstance(path, nbformat.NotebookNode) else nbformat.read(path, as_version=4)
    parts = []
    title_dropped = False
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            source = cell.source
            if not title_dropped and source.lstrip().startswith("# "):
                source = source.lstrip().split("\n", 1)[1] if "\n" in source.lstrip() else ""  # the bilan titles it
                title_dropped = True
            fragment = _ANCHOR.sub("", _markdown(source))
            for level in range(5, 0, -1):  # h1 → h2… so that the section sits under its site heading
                fragment = fragment.replace(f"<h{level}", f"<h{min(level + demote, 6)}").replace(
                    f"</h{level}>", f"</h{min(level + demote, 6)}>")
            parts.append(fragment)
            continue
        if cell.cell_type != "code":
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") not in ("display_data", "execute_result"):
                continue  # streams (stdout/stderr) and errors never reach the review
            data = output.get("data", {})
            if "image/png" in data:
                alt = (output.get("metadata", {}).get("image/png", {}) or {}).get("alt", "Graphique")
                parts.append(f'<figure><img alt="{html.escape(alt)}" src="data:image/png;base64,'
                             f'{data["image/png"].strip()}"></figure>')
            elif "text/html" in data:
                fragment = data["text/html"]
                parts.append(fragment if isinstance(fragment, str) else "".join(fragment))
    return "\n".join(parts)


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
    if synthesis is not None and synthesis.exists():
        toc.append('<li><a href="#synthese">Synthèse</a></li>')
        body.append(f'<section class="site-section" id="synthese"><h2>Synthèse</h2>{notebook_body(synthesis, demote=2)}'
                    '<p class="back"><a href="#sommaire">Retour au sommaire</a></p></section>')
    for site in sites:
        label = params.sites[site].libelle
        items = []
        for run in [r for r in runs if r.site == site]:
            anchor = f"{site}-{run.section}"
            title = sections.get(run.section, run.section)
            items.append(f'<li><a href="#{esc(anchor)}">{esc(title)}</a></li>')
            if run.ok and run.notebook is not None and run.notebook.exists():
                content = notebook_body(run.notebook, demote=2)
            else:
                content = ('<p class="failed">Cette section n\'a pas pu être produite : ses résultats ne sont pas '
                           "présentés. Le carnet exécuté est conservé pour analyse.</p>")
            body.append(f'<section class="site-section" id="{esc(anchor)}"><h2>{esc(label)} — {esc(title)}</h2>'
                        f'{content}<p class="back"><a href="#sommaire">Retour au sommaire</a></p></section>')
        toc.append(f"<li>{esc(label)}<ul>{''.join(items)}</ul></li>")
    quality = []
    for loaded in bundle.datasets.values():
        reasons = loaded.quarantine["motif"].value_counts().head(3) if len(loaded.quarantine) else {}
        top = "; ".join(f"{esc(str(k))} ({v})" for k, v in dict(reasons).items()) or "–"
        quality.append(f"<tr><td>{esc(loaded.path.name)}</td><td class='num'>{format_number(loaded.rows_read)}</td>"
                       f"<td class='num'>{format_number(loaded.rows_kept)}</td>"
                       f"<td class='num'>{format_number(loaded.rows_quarantined)}</td><td>{top}</td></tr>")
    for name, problem in bundle.failures.items():
        quality.append(f"<tr><td>{esc(name)}</td><td colspan='4'>non chargé : {esc(str(problem).split(': ', 1)[-1])}</td></tr>")
    toc.append('<li><a href="#qualite">Qualité des données</a></li>')
    hashes = "".join(f"<li>{esc(name)} : <code>{digest[:16]}…</code></li>" for name, digest in sorted(bundle.input_hashes.items()))
    settings = esc(json.dumps({k: v for k, v in params.settings.as_dict().items() if k != "date_extraction"}, ensure_ascii=False,
                              default=str))
    document = f"""<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Bilan annuel Qual-e-Pref {year} – {esc(params.prefecture)}</title>
<style>{STYLE}</style></head><body>
<header class="cover"><p>Comité local des usagers</p><h1>Bilan annuel Qual-e-Pref {year}</h1>
<p><strong>{esc(params.prefecture)}</strong></p><p>Document généré le {format_date(generated.date())}.</p></header>
<nav class="toc" id="sommaire" aria-label="Sommaire"><h2>Sommaire</h2><ol>{''.join(toc)}</ol></nav>
<main>{''.join(body)}
<section class="annex" id="qualite"><h2>Qualité des données</h2>
<table class="qp-table"><caption>Lignes lues, retenues et écartées par fichier (détail dans quarantine.csv)</caption>
<thead><tr><th scope="col">Fichier</th><th scope="col">Lues</th><th scope="col">Retenues</th><th scope="col">Écartées</th>
<th scope="col">Principaux motifs</th></tr></thead><tbody>{''.join(quality)}</tbody></table></section></main>
<footer><p>Produit par qualepref-analysis {esc(__version__)}. Paramètres : {settings}</p>
<p>Empreintes SHA-256 des fichiers d'entrée :</p><ul>{hashes}</ul></footer>
</body></html>
"""
    path = out_dir / f"bilan-{year}.html"
    write_text_replacing(path, document)
    return path
