"""Accessible HTML fragments of the review: tables with French number formats, headings, paragraphs.

Every string that comes from the data or the parameters is escaped: nothing in a register can
become markup in the bilan.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import pandas as pd

from qualepref_analysis.report.formatting import format_date, format_number, format_percent, is_missing

__all__ = ["Table", "french_table", "heading", "paragraph", "absent_dataset"]


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
                  "decimal": lambda v: format_number(v, 1), "date": format_date}
    head = "".join(f'<th scope="col">{html.escape(str(c))}</th>' for c in frame.columns)
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
            align = ' class="num"' if fmt else ""
            cells.append(f"<td{align}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return (f'<table class="qp-table">{cap}<thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def heading(text: str, level: int = 2) -> str:
    """An escaped HTML heading (input strings such as site labels are never interpreted)."""
    level = min(max(int(level), 1), 6)
    return f"<h{level}>{html.escape(str(text))}</h{level}>"


def paragraph(text: str) -> str:
    """An escaped HTML paragraph for generated narrative."""
    return f'<p class="qp-narrative">{html.escape(str(text))}</p>'


def absent_dataset(name: str, what: str) -> str:
    """One French sentence saying that a data set is absent, as escaped HTML."""
    return (f'<p class="qp-absent">Le fichier « {html.escape(name)} » est absent du dossier de données : '
            f"{html.escape(what)} ne peut pas être présenté.</p>")
