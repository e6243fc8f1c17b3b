"""The bilan's HTML read back as a sequence of blocks: the one source of the office files.

The Word bilan and the workbook of tables are written from the HTML bilan itself, not from the
notebooks again, so that they hold exactly what the HTML publishes: the same headings, sentences,
tables and figures, with what the disclosure policy withheld already absent. Numeric cells carry
their value (``data-value``, written by :func:`~qualepref_analysis.report.html.french_table`) beside
the French text, so that a workbook gets real numbers.
"""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Run", "Heading", "Paragraph", "Cell", "TableBlock", "Figure", "PageBreak", "Block", "read_blocks",
           "parse_french_number"]

_SPACES = re.compile(r"[ \t\n\r\f\v]+")  # not the no-break spaces: they are French typography


@dataclass(frozen=True)
class Run:
    """A stretch of text with its emphasis."""

    text: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is the document's part (the HTML's ``h2``)."""

    level: int
    text: str


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: ``kind`` is ``"text"``, ``"bullet"``, ``"number"``, ``"cover"``, ``"title"`` or ``"small"``."""

    runs: tuple[Run, ...]
    kind: str = "text"
    depth: int = 0

    @property
    def text(self) -> str:
        return "".join(run.text for run in self.runs)


@dataclass(frozen=True)
class Cell:
    """A table cell: the text the reader sees and, for a number, its value and format."""

    text: str
    value: float | str | None = None
    format: str | None = None
    numeric: bool = False


@dataclass(frozen=True)
class TableBlock:
    """A table: its caption, its header row, its rows, and where it sits in the document.

    ``figure_data`` tells a chart's values (collapsed under the chart in the HTML) from a table
    of the text; ``place`` is the list of headings above it, outermost first.
    """

    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    place: tuple[str, ...] = ()
    figure_data: bool = False


@dataclass(frozen=True)
class Figure:
    """A chart as PNG bytes, with its alternative text; ``pair`` for a series printed two per row."""

    png: bytes
    alt: str
    pair: bool = False


@dataclass(frozen=True)
class PageBreak:
    """A new page (a part of the bilan, the annex)."""


Block = Heading | Paragraph | TableBlock | Figure | PageBreak

_NUMBER = re.compile(r"^([−-]?)(\d{1,3}(?:[\u00a0\u202f ]\d{3})*|\d+)(?:,(\d+))?([\u00a0\u202f ]?%)?$")


def parse_french_number(text: str) -> tuple[float, str] | None:
    """A number written the French way, and its format, or ``None`` when the text is not only a number.

    Examples
    --------
    >>> parse_french_number("1\u202f375"), parse_french_number("73,6\u00a0%"), parse_french_number("−2,5")
    ((1375.0, 'number'), (73.6, 'percent'), (-2.5, 'decimal'))
    >>> parse_french_number("3 sur 4") is None, parse_french_number("–") is None
    (True, True)
    """
    match = _NUMBER.match(text.strip())
    if match is None:
        return None
    sign, whole, decimals, percent = match.groups()
    value = float(re.sub(r"\D", "", whole) + ("." + decimals if decimals else ""))
    value = -value if sign else value
    return value, "percent" if percent else ("decimal" if decimals else "number")


class _Reader(HTMLParser):
    """Walks the bilan's HTML once and collects its blocks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self._runs: list[Run] | None = None
        self._bold = self._italic = 0
        self._lists: list[str] = []
        self._skip = 0  # inside nav, style, script, summary…: nothing of it is kept
        self._skip_tags: list[str] = []
        self._details = 0
        self._sections: list[bool] = []  # for each open <section>: did it open a page?
        self._headings: list[tuple[int, str]] = []
        self._table: dict | None = None
        self._cell: dict | None = None
        self._in_cover = 0
        self._tag_stack: list[str] = []
        self._pair = False

    # ----- text collection
    def _start_text(self) -> None:
        self._runs = []

    def _text_of_runs(self) -> str:
        text = "".join(run.text for run in self._runs or [])
        return _SPACES.sub(" ", text).strip()

    def _end_paragraph(self, kind: str) -> None:
        runs = self._runs or []
        self._runs = None
        merged: list[Run] = []
        for run in runs:
            text = _SPACES.sub(" ", run.text)
            if merged and (merged[-1].bold, merged[-1].italic) == (run.bold, run.italic):
                merged[-1] = Run(merged[-1].text + text, run.bold, run.italic)
            else:
                merged.append(Run(text, run.bold, run.italic))
        if merged:
            merged[0] = Run(merged[0].text.lstrip(), merged[0].bold, merged[0].italic)
            merged[-1] = Run(merged[-1].text.rstrip(), merged[-1].bold, merged[-1].italic)
        merged = [run for run in merged if run.text]
        if merged:
            depth = max(len(self._lists) - 1, 0)
            self.blocks.append(Paragraph(tuple(merged), kind=kind, depth=depth))

    # ----- parser callbacks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        classes = (attributes.get("class") or "").split()
        if self._skip:
            if tag not in ("br", "img", "meta", "link", "hr", "input"):
                self._skip_tags.append(tag)
                self._skip += 1
            return
        if tag in ("nav", "style", "script", "head", "summary") or (tag == "p" and "back" in classes):
            self._skip_tags.append(tag)
            self._skip = 1
            return
        if tag not in ("br", "img", "meta", "link", "hr", "input"):
            self._tag_stack.append(tag)
        if tag == "section":
            page = "annex" in classes or ("part" in classes and "flow" not in classes)
            self._sections.append(page)
            if page and self.blocks:
                self.blocks.append(PageBreak())
        elif tag == "header" and "cover" in classes:
            self._in_cover += 1
        elif tag == "details":
            self._details += 1
        elif tag in ("ul", "ol"):
            self._lists.append(tag)
        elif tag == "table":
            self._table = {"caption": "", "header": [], "rows": [], "head": False}
        elif tag == "thead" and self._table is not None:
            self._table["head"] = True
        elif tag == "tr" and self._table is not None:
            self._table["row"] = []
        elif tag in ("td", "th") and self._table is not None:
            self._cell = {"tag": tag, "value": attributes.get("data-value"), "format": attributes.get("data-format"),
                          "numeric": "num" in classes}
            self._start_text()
        elif tag == "figure":
            self._pair = "qp-pair" in classes
        elif tag == "img":
            self._figure(attributes)
        elif tag in ("b", "strong"):
            self._bold += 1
        elif tag in ("i", "em"):
            self._italic += 1
        elif tag == "br" and self._runs is not None:
            self._runs.append(Run(" "))
        if tag in ("p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "pre", "blockquote", "dt", "dd"):
            if tag == "li" and self._runs is not None:  # a nested list: its parent item ends here
                self._end_paragraph(self._list_kind(outer=True))
            self._start_text()

    def handle_endtag(self, tag: str) -> None:
        if self._skip:
            if self._skip_tags and self._skip_tags[-1] == tag:
                self._skip_tags.pop()
                self._skip -= 1
            return
        if tag in self._tag_stack:
            while self._tag_stack and self._tag_stack.pop() != tag:
                pass
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            text = self._text_of_runs()
            self._runs = None
            if self._in_cover:
                self.blocks.append(Paragraph((Run(text, bold=True),), kind="title"))
            elif text:
                level = max(int(tag[1]) - 1, 1)
                self._headings = [h for h in self._headings if h[0] < level] + [(level, text)]
                self.blocks.append(Heading(level, text))
        elif tag == "caption" and self._table is not None:
            self._table["caption"] = self._text_of_runs()
            self._runs = None
        elif tag in ("td", "th") and self._cell is not None and self._table is not None:
            self._cell["text"] = self._text_of_runs()
            self._runs = None
            self._table.setdefault("row", []).append(self._cell)
            self._cell = None
        elif tag == "tr" and self._table is not None:
            row = self._table.pop("row", [])
            if self._table["head"] or (not self._table["header"] and all(c["tag"] == "th" for c in row) and row):
                self._table["header"] = [c["text"] for c in row]
            else:
                self._table["rows"].append(tuple(self._cell_of(c) for c in row))
        elif tag == "thead" and self._table is not None:
            self._table["head"] = False
        elif tag == "table" and self._table is not None:
            table = self._table
            self._table = None
            self.blocks.append(TableBlock(table["caption"], tuple(table["header"]), tuple(table["rows"]),
                                          place=tuple(text for _, text in self._headings),
                                          figure_data=self._details > 0))
        elif tag in ("p", "li", "pre", "blockquote", "dt", "dd"):
            if self._runs is not None:
                kind = "text"
                if tag == "li":
                    kind = self._list_kind()
                elif self._in_cover:
                    kind = "cover"
                elif self._tag_stack and "footer" in self._tag_stack:
                    kind = "small"
                self._end_paragraph(kind)
        elif tag in ("ul", "ol") and self._lists:
            self._lists.pop()
        elif tag == "figure":
            self._pair = False
        elif tag == "details" and self._details:
            self._details -= 1
        elif tag == "header" and self._in_cover:
            self._in_cover -= 1
        elif tag == "section" and self._sections:
            self._sections.pop()
        elif tag in ("b", "strong") and self._bold:
            self._bold -= 1
        elif tag in ("i", "em") and self._italic:
            self._italic -= 1

    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._runs is None:
            if data.strip() and self._tag_stack and self._tag_stack[-1] in ("div", "section", "main", "footer", "li"):
                self._start_text()  # loose text: kept as a paragraph of its own
            else:
                return
        self._runs.append(Run(data, bold=self._bold > 0, italic=self._italic > 0))

    # ----- helpers
    def _list_kind(self, *, outer: bool = False) -> str:
        lists = self._lists[:-1] if outer and len(self._lists) > 1 else self._lists
        return "number" if lists and lists[-1] == "ol" else "bullet"

    def _cell_of(self, cell: dict) -> Cell:
        value: float | str | None = None
        fmt = cell["format"]
        raw = cell["value"]
        if raw is not None and fmt == "date":
            value = raw
        elif raw is not None:
            try:
                value = float(raw)
            except ValueError:
                value = None
        elif cell["text"]:
            parsed = parse_french_number(cell["text"])
            if parsed is not None:
                value, fmt = parsed
        return Cell(cell["text"], value, fmt, numeric=bool(cell["numeric"]) or value is not None)

    def _figure(self, attributes: dict) -> None:
        source = attributes.get("src") or ""
        prefix = "data:image/png;base64,"
        if not source.startswith(prefix):
            return
        png = base64.b64decode(source[len(prefix):])
        self.blocks.append(Figure(png, attributes.get("alt") or "Graphique", pair=self._pair))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def read_blocks(document: str) -> list[Block]:
    """The blocks of an HTML bilan, in reading order.

    Parameters
    ----------
    document : str
        The bilan as :func:`~qualepref_analysis.batch.bilan.assemble_bilan` writes it.

    Returns
    -------
    list
        :class:`Heading`, :class:`Paragraph`, :class:`TableBlock`, :class:`Figure` and
        :class:`PageBreak` blocks. The table of contents and the « Retour au sommaire » links are
        left out (a Word document makes its own), so are the ``<summary>`` labels.

    Examples
    --------
    >>> blocks = read_blocks('<main><h2>Antony</h2><p>Taux : <strong>73,6 %</strong>.</p>'
    ...     '<table class="qp-table"><caption>Délais</caption><thead><tr><th>Canal</th><th>Part</th></tr></thead>'
    ...     '<tbody><tr><td>Courriel</td><td class="num" data-value="73.61" data-format="percent">73,6 %</td></tr>'
    ...     '</tbody></table></main>')
    >>> [type(b).__name__ for b in blocks]
    ['Heading', 'Paragraph', 'TableBlock']
    >>> blocks[1].runs[1]
    Run(text='73,6 %', bold=True, italic=False)
    >>> blocks[2].caption, blocks[2].header, blocks[2].rows[0][1].value, blocks[2].place
    ('Délais', ('Canal', 'Part'), 73.61, ('Antony',))
    """
    reader = _Reader()
    reader.feed(document)
    reader.close()
    return reader.blocks
