"""French reporting: numbers, percentages and dates the French way, tables and figures.

Numbers and dates are formatted with ``babel`` (locale ``fr_FR``): ``1 375``
(narrow no-break space), ``73,6 %``, ``10 mars 2023``. Figures use one
seaborn theme with French titles and axis labels.
"""

from __future__ import annotations

import datetime as dt
import html
import math
from decimal import ROUND_HALF_UP, Decimal

import pandas as pd
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal

__all__ = [
    "LOCALE",
    "format_number",
    "format_percent",
    "format_date",
    "plural",
    "apply_figure_theme",
    "french_table",
    "heading",
    "site_subject",
    "site_complement",
    "join_french",
    "absent_dataset",
    "show_figure",
    "paragraph",
]

LOCALE = "fr_FR"
_NBSP = "\u00a0"


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def format_number(value: object, decimals: int = 0) -> str:
    """A number the French way: ``1375`` → ``'1 375'``, ``3.72`` → ``'3,7'`` (1 decimal).

    Missing values give ``'–'``.
    """
    if _missing(value):
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals > 0 else "")
    rounded = Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    if rounded == 0:
        rounded = abs(rounded)  # no "-0"
    return format_decimal(rounded, format=pattern, locale=LOCALE)


def format_percent(value: object, decimals: int = 1) -> str:
    """A percentage given on the 0-100 scale: ``73.67`` → ``'73,7 %'`` (no-break space)."""
    if _missing(value):
        return "–"
    return f"{format_number(value, decimals)}{_NBSP}%"


def format_date(value: object, style: str = "long") -> str:
    """A date the French way: ``'10 mars 2023'`` (``style='long'``) or ``'10/03/2023'`` (``'short'``)."""
    if _missing(value) or value is pd.NaT:
        return "–"
    day = pd.Timestamp(value).date() if not isinstance(value, dt.date) or isinstance(value, dt.datetime) else value
    if style == "short":
        return day.strftime("%d/%m/%Y")
    return _babel_date(day, format="long", locale=LOCALE)


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """``'1 réclamation'``, ``'376 réclamations'`` (French: 0 and 1 are singular)."""
    word = singular if abs(count) < 2 else (plural_form or singular + "s")
    return f"{format_number(count)} {word}"


def apply_figure_theme() -> None:
    """The figure theme of the review: readable, sober, colour-blind safe palette."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    mpl.rcParams.update({
        "figure.figsize": (8, 4.2),
        "figure.dpi": 96,
        "axes.titleweight": "bold",
        "axes.formatter.use_locale": False,
        "savefig.bbox": "tight",
    })


def french_table(frame: pd.DataFrame, *, formats: dict[str, str] | None = None, caption: str | None = None) -> str:
    """Render a frame as an accessible HTML table with French number formatting.

    Parameters
    ----------
    frame : DataFrame
        Columns are already French labels; the index is not shown.
    formats : dict, optional
        Column → ``'number'``, ``'percent'``, ``'decimal'`` (1 decimal) or ``'date'``.
    caption : str, optional
        Table caption (read by screen readers).

    Every cell is HTML-escaped. A text cell in a formatted column (``"3 sur 4"`` where a
    small cell replaces a percentage) is shown as it is.
    """
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
                text = "–" if _missing(value) else str(value)
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


_FEMININE_KINDS = ("préfecture", "sous-préfecture", "prefecture", "sous-prefecture")


def site_subject(site_label: str) -> str:
    """A site label usable as the subject of a French sentence.

    ``'Sous-préfecture d'Antony'`` → ``"la sous-préfecture d'Antony"``; a label
    that does not start with a kind of site is quoted: ``'le site « Nanterre »'``.
    """
    label = str(site_label).strip()
    lowered = label[:1].lower() + label[1:]
    if lowered.split(" ", 1)[0].lower() in _FEMININE_KINDS:
        return "la " + lowered
    return f"le site « {label} »"


def site_complement(site_label: str) -> str:
    """``'à la sous-préfecture d'Antony'``; ``'au site « Nanterre »'``."""
    subject = site_subject(site_label)
    return "au " + subject[3:] if subject.startswith("le ") else "à " + subject


def join_french(items: list[str]) -> str:
    """``['a', 'b', 'c']`` → ``'a, b et c'``."""
    items = [i for i in items if i]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


def absent_dataset(name: str, what: str) -> str:
    """One French sentence saying that a data set is absent, as escaped HTML."""
    return (f'<p class="qp-absent">Le fichier « {html.escape(name)} » est absent du dossier de données : '
            f"{html.escape(what)} ne peut pas être présenté.</p>")


def show_figure(fig, alt: str | None = None) -> None:
    """Display a figure as an embedded PNG with its alternative text (its title by default).

    Independent of the matplotlib backend (``MPLBACKEND=Agg`` would otherwise show nothing).
    """
    import base64
    import io

    import matplotlib.pyplot as plt
    from IPython.display import display

    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    text = alt or next((ax.get_title() for ax in fig.axes if ax.get_title()), "Graphique")
    plt.close(fig)
    display({"image/png": base64.b64encode(buffer.getvalue()).decode("ascii")}, raw=True,
            metadata={"image/png": {"alt": text}})
