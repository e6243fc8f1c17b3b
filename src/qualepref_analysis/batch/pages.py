"""One section as HTML: an executed notebook's outputs and French narrative, the page and its stylesheet.

What each worker of a batch run needs to export the notebook it ran, and the bilan
(:mod:`~qualepref_analysis.batch.bilan`) to assemble the sections: no pandas, no analysis, so that
a worker starts fast. Only what the notebook displayed (HTML outputs already escaped by the
library, PNG figures with their alternative text) and its own markdown; no code, no prompt, no
stderr, no error.
"""

from __future__ import annotations

import functools
import html
import re
from pathlib import Path

import nbformat

from qualepref_analysis import __version__
from qualepref_analysis.report.grammar import french_spacing

__all__ = ["STYLE", "typeset", "demote_headings", "notebook_body", "section_page", "DEPARTMENT_TAG",
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
    notebook = path if isinstance(path, nbformat.NotebookNode) else read_executed(path)
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


def read_executed(path: Path) -> nbformat.NotebookNode:
    """An executed notebook of the run, read without validating it against the notebook schema again.

    The batch wrote it, through nbformat, moments ago; validating each of them again cost about a
    sixth of the bilan's assembly at national scale (1,5 of 9,6 s for 1 987 notebooks). A file that
    is not a version-4 notebook is read, converted and validated by nbformat as usual.
    """
    import json

    from nbformat.v4.nbjson import JSONReader

    text = Path(path).read_text(encoding="utf-8")
    content = json.loads(text)
    if not isinstance(content, dict) or content.get("nbformat") != 4:
        return nbformat.reads(text, as_version=4)
    return JSONReader().to_notebook(content)  # lines joined, transient fields dropped, as nbformat.read does


_TEXT_NODE = re.compile(r">([^<>]+)<")

#: Texts typeset so far (a table's figures, a site's name recur across thousands of pages).
_typeset_text = functools.lru_cache(maxsize=1 << 16)(french_spacing)


def typeset(fragment: str) -> str:
    """French typography on every text of an HTML fragment (tags and attributes untouched).

    Examples
    --------
    >>> typeset("<p>IC 95 % : -2</p>") == "<p>IC 95\u00a0%\u00a0: \u22122</p>"
    True
    """
    return _TEXT_NODE.sub(lambda m: ">" + _typeset_text(m[1]) + "<", fragment)


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
