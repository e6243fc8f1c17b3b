"""Accessible HTML fragments of the review: tables with French number formats, headings, paragraphs.

Every string that comes from the data or the parameters is escaped: nothing in a register can
become markup in the bilan.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from qualepref_analysis.report.formatting import format_date, format_number, format_percent, is_missing
from qualepref_analysis.report.grammar import french_spacing

__all__ = ["Table", "french_table", "heading", "section_lead", "paragraph", "absent_dataset", "no_site_rows", "dataset_title"]


@dataclass(frozen=True)
class Table:
    """A table of the review as a section builds it: French column names, a caption, a format per column.

    Attributes
    ----------
    frame : DataFrame
        The cells (numbers stay numbers; a text cell in a numeric column is shown as it is).
    caption : str
        What the table shows, in French.
    formats : dict
        Column → ``'number'``, ``'percent'``, ``'decimal'`` or ``'date'`` (see :func:`french_table`).
    """

    frame: pd.DataFrame
    caption: str
    formats: dict[str, str] = field(default_factory=dict)


def _text(value: object) -> str:
    """A text for the page: French typography (:func:`~qualepref_analysis.report.grammar.french_spacing`), escaped."""
    return html.escape(french_spacing(str(value)))


def _numeric_cell(value: object, fmt: str | None) -> str:
    """The attributes of a formatted cell: right-aligned, and its value for the workbook of tables.

    ``data-value`` holds the number unrounded (a percentage on the 0–100 scale) or the ISO date,
    ``data-format`` the column's format; a text or a missing value has none (the office files
    read « – » as a withheld or absent value).
    """
    if not fmt:
        return ""
    if isinstance(value, str) or is_missing(value) or value is pd.NaT:
        return ' class="num"'
    if fmt == "date":
        raw = pd.Timestamp(value).date().isoformat()
    else:
        try:
            raw = repr(float(value))
        except (TypeError, ValueError):
            return ' class="num"'
    return f' class="num" data-value="{raw}" data-format="{fmt}"'


def french_table(frame: "pd.DataFrame | Table", *, formats: dict[str, str] | None = None,
                 caption: str | None = None) -> str:
    """Render a frame as an accessible HTML table with French number formatting.

    Parameters
    ----------
    frame : DataFrame or Table
        Columns are already French labels; the index is not shown. A :class:`Table` brings its
        own formats and caption.
    formats : dict, optional
        Column → ``'number'``, ``'percent'``, ``'decimal'`` (1 decimal) or ``'date'``.
    caption : str, optional
        Table caption (read by screen readers).

    Every cell is HTML-escaped. A text cell in a formatted column (``"3 sur 4"`` where a
    small cell replaces a percentage) is shown as it is.
    """
    if isinstance(frame, Table):
        frame, formats, caption = frame.frame, {**frame.formats, **(formats or {})}, caption or frame.caption
    formats = formats or {}
    formatters = {"number": format_number, "percent": format_percent,
                  "decimal": lambda v: format_number(v, 1), "date": lambda v: format_date(v, "short")}
    head = "".join(f'<th scope="col">{_text(c)}</th>' for c in frame.columns)
    rows = []
    for _, row in frame.iterrows():
        cells = []
        for column in frame.columns:
            value = row[column]
            fmt = formats.get(column)
            if fmt and not isinstance(value, str):
                text = formatters[fmt](value)
            else:  # text in a numeric column (counts given instead of a share on a small cell) is shown as is
                text = "–" if is_missing(value) else str(value)
            cells.append(f"<td{_numeric_cell(value, fmt)}>{_text(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{_text(caption)}</caption>" if caption else ""
    return (f'<table class="qp-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def heading(text: str, level: int = 2) -> str:
    """An escaped HTML heading (input strings such as site labels are never interpreted)."""
    level = min(max(int(level), 1), 6)
    return f"<h{level}>{_text(text)}</h{level}>"


def section_lead(text: str) -> str:
    """The line that tells which site and year a section notebook is about, as escaped HTML.

    A paragraph, not a heading: the notebook's title is its heading, and the bilan, which gives
    every site and section a heading of its own, leaves this line out.

    Examples
    --------
    >>> section_lead("Antony — bilan 2022")
    '<p class="qp-lead">Antony — bilan 2022</p>'
    """
    return f'<p class="qp-lead">{_text(text)}</p>'


def paragraph(text: str) -> str:
    """An escaped HTML paragraph for generated narrative."""
    return f'<p class="qp-narrative">{_text(text)}</p>'


def dataset_title(name: str) -> str:
    """A data set's French name for the reader (« Audits et autoévaluations »); an unknown name as is."""
    from qualepref_analysis.io.schemas import DATASETS

    spec = DATASETS.get(name)
    return spec.description if spec is not None else name


def absent_dataset(name: str, what: str) -> str:
    """The French sentence for a data set that was not provided, as escaped HTML.

    Parameters
    ----------
    name : str
        The data set (``site_internet``…), named to the reader by its French title.
    what : str
        What the bilan therefore does not show, as a complement (« le suivi des audits »).

    Examples
    --------
    >>> print(absent_dataset("audits", "le suivi des audits").replace("\\u00a0", " "))
    <p class="qp-absent">Les données « Audits et autoévaluations » n’ont pas été fournies : ce bilan ne présente donc pas le suivi des audits.</p>
    """
    sentence = (f"Les données « {dataset_title(name)} » n’ont pas été fournies : "
                f"ce bilan ne présente donc pas {what}.")
    return f'<p class="qp-absent">{_text(sentence)}</p>'


def no_site_rows(name: str, what: str, site_label: str) -> str:
    """The French sentence for a data set that was provided but holds no row for this site.

    Parameters
    ----------
    name : str
        The data set.
    what : str
        What the bilan therefore does not show for this site.
    site_label : str
        The site's label (« Sous-préfecture d'Antony »).
    """
    from qualepref_analysis.report.formatting import site_subject

    sentence = (f"Les données « {dataset_title(name)} » ne comptent aucune ligne pour {site_subject(site_label)} : "
                f"ce bilan ne présente donc pas {what}.")
    return f'<p class="qp-absent">{_text(sentence)}</p>'
