"""``tableaux-<year>.xlsx``: every table of the bilan, one sheet each, for the slides and the follow-up.

Written from the HTML bilan's blocks (:func:`~qualepref_analysis.office.blocks.read_blocks`), so
that it holds the tables the committee read, cell for cell: the same rows, the same rounding on
screen, nothing the bilan withholds. Numbers are numbers (a percentage is 0,736 shown « 73,6 % »),
a withheld or absent value is an empty cell with a note, never the value; a text that Excel would
take for a formula is kept as text.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from qualepref_analysis.io.csv_writer import neutralise_formula
from qualepref_analysis.io.replacing import save_replacing
from qualepref_analysis.office.blocks import Block, Cell, TableBlock

__all__ = ["INDEX_SHEET", "sheet_names", "write_tables_workbook", "NUMBER_FORMATS"]

#: The first sheet: the list of tables, each a link to its sheet.
INDEX_SHEET = "Sommaire"

#: Excel number format of each cell format of the bilan (Excel shows « , » and a space in French).
NUMBER_FORMATS = {"number": "#,##0", "decimal": "#,##0.0", "percent": "0.0 %", "date": "DD/MM/YYYY"}

_FORBIDDEN = re.compile(r"[\[\]:*?/\\']")
_HEADER_ROW = 5  # caption, place, link back, blank line, then the header


@dataclass(frozen=True)
class _Sheet:
    name: str
    table: TableBlock


def sheet_names(tables: list[TableBlock]) -> list[str]:
    """One sheet name per table: a number and the start of its caption, ≤ 31 characters, unique.

    Examples
    --------
    >>> t = TableBlock("Délais de réponse par canal en 2022 (jours ouvrés)", (), ())
    >>> sheet_names([t, t])
    ['01 Délais de réponse par canal', '02 Délais de réponse par canal']
    """
    width = max(len(str(len(tables))), 2)
    names: list[str] = []
    for number, table in enumerate(tables, start=1):
        title = _FORBIDDEN.sub(" ", table.caption or (table.place[-1] if table.place else "Tableau"))
        name = f"{number:0{width}d} {' '.join(title.split())}"[:31].rstrip()
        names.append(name)
    return names


def _cell_value(cell: Cell) -> object:
    """What a cell of the workbook holds: a number, a date, a text, or ``None`` (withheld or absent)."""
    if cell.value is not None:
        if cell.format == "date":
            return dt.date.fromisoformat(str(cell.value))
        if cell.format == "percent":
            return float(cell.value) / 100
        return float(cell.value)
    if cell.numeric and cell.text in ("", "–", "-"):
        return None
    return neutralise_formula(cell.text)


def _width(texts: list[str]) -> float:
    longest = max((len(text) for text in texts if text), default=8)
    return float(min(max(longest + 2, 8), 60))


def _fit_height(sheet, row: int, texts: list[str], widths) -> None:
    """A row tall enough for its wrapped texts (spreadsheet programs do not always grow it on opening)."""
    import math

    lines = max((math.ceil(len(text) / max(width - 1, 1)) for text, width in zip(texts, widths) if text), default=1)
    if lines > 1:
        sheet.row_dimensions[row].height = 15 * lines


def write_tables_workbook(blocks: list[Block], path: Path, *, title: str, threshold: int,
                          survey_threshold: int | None = None) -> Path:
    """Write every table of ``blocks`` to the workbook ``path`` and return it.

    Parameters
    ----------
    blocks : list
        The bilan's blocks.
    path : Path
        The ``.xlsx`` to write (replaced whole).
    title : str
        The document's title (« Bilan annuel Qual-e-Pref 2022 – Préfecture des Hauts-de-Seine »),
        on the first sheet.
    threshold, survey_threshold : int
        The disclosure thresholds (items, survey respondents), named in the note of a withheld cell.

    Returns
    -------
    Path
        ``path``.
    """
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.hyperlink import Hyperlink

    tables = [block for block in blocks if isinstance(block, TableBlock) and (block.header or block.rows)]
    sheets = [_Sheet(name, table) for name, table in zip(sheet_names(tables), tables)]
    book = Workbook()
    index = book.active
    index.title = INDEX_SHEET
    bold, link = Font(bold=True), Font(color="000091", underline="single")
    header_fill = PatternFill("solid", fgColor="E3E3FD")
    rule = Border(bottom=Side(style="thin", color="000091"))
    survey = (f", ou de {survey_threshold} répondants pour une enquête"
              if survey_threshold is not None and survey_threshold != threshold else "")
    withheld_note = (f"Valeur non publiée : calculée sur moins de {threshold} éléments{survey} (règle des petits "
                     "effectifs), ou sans objet pour cette ligne.")

    index["A1"] = neutralise_formula(title)
    index["A1"].font = Font(bold=True, size=14, color="000091")
    index["A2"] = ("Chaque tableau du bilan, dans une feuille à son nom. Les nombres sont de vrais nombres ; une "
                   "cellule vide porte une note : valeur non publiée (petit effectif) ou sans objet.")
    index["A2"].alignment = Alignment(wrap_text=True, vertical="top")
    index.merge_cells("A2:E2")
    index.row_dimensions[2].height = 32
    index.append([])
    index.append(["N°", "Partie", "Rubrique", "Tableau", "Feuille (lien)"])
    for cell in index[4]:
        cell.font, cell.fill, cell.border = bold, header_fill, rule
    for number, sheet in enumerate(sheets, start=1):
        place = sheet.table.place
        caption = sheet.table.caption or (place[-1] if place else "Tableau")
        if sheet.table.figure_data:
            caption = f"{caption} (données du graphique)"
        index.append([number, neutralise_formula(place[0] if place else ""),
                      neutralise_formula(" › ".join(place[1:])), neutralise_formula(caption), sheet.name])
        for cell in index[index.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        target = index.cell(row=index.max_row, column=5)  # the link on the sheet's name: LibreOffice wraps no link
        target.hyperlink = Hyperlink(ref=target.coordinate, location=f"'{sheet.name}'!A1")
        target.font = link
        target.alignment = Alignment(vertical="top")
    index_widths = (6, 36, 44, 70, 36)
    for column, width in zip("ABCDE", index_widths):
        index.column_dimensions[column].width = width
    for row in index.iter_rows(min_row=5):
        _fit_height(index, row[0].row, [str(cell.value or "") for cell in row], index_widths)
    index.freeze_panes = "A5"
    index.page_setup.orientation = "landscape"
    index.page_setup.paperSize = index.PAPERSIZE_A4
    index.page_setup.fitToWidth, index.page_setup.fitToHeight = 1, 0
    index.sheet_properties.pageSetUpPr.fitToPage = True

    for sheet in sheets:
        table = sheet.table
        ws = book.create_sheet(sheet.name)
        ws["A1"] = neutralise_formula(table.caption or (table.place[-1] if table.place else "Tableau"))
        ws["A1"].font = Font(bold=True, size=12, color="000091")
        ws["A2"] = neutralise_formula(" › ".join(table.place))
        ws["A2"].font = Font(italic=True, color="666666")
        ws["A3"] = "← Sommaire"
        ws["A3"].hyperlink = Hyperlink(ref="A3", location=f"'{INDEX_SHEET}'!A1")
        ws["A3"].font = link
        columns = max(len(table.header), max((len(row) for row in table.rows), default=0))
        for position, text in enumerate(table.header, start=1):
            cell = ws.cell(row=_HEADER_ROW, column=position, value=neutralise_formula(text))
            cell.font, cell.fill, cell.border = bold, header_fill, rule
            cell.alignment = Alignment(wrap_text=True, vertical="bottom")
        texts: list[list[str]] = [[text] for text in table.header] + [[] for _ in range(columns - len(table.header))]
        numeric_columns = {position for row in table.rows for position, source in enumerate(row, start=1)
                           if source.numeric}
        for offset, row in enumerate(table.rows, start=1):
            for position, source in enumerate(row, start=1):
                cell = ws.cell(row=_HEADER_ROW + offset, column=position, value=_cell_value(source))
                if source.value is not None and source.format in NUMBER_FORMATS:
                    cell.number_format = NUMBER_FORMATS[source.format]
                elif cell.value is None and source.numeric:
                    cell.comment = Comment(withheld_note, "qualepref")
                if position in numeric_columns:  # a number and a text (« 3,7 jours ouvrés ») line up alike
                    cell.alignment = Alignment(horizontal="right")
                texts[position - 1].append(source.text)
        widths = []
        for position in range(1, columns + 1):
            header = texts[position - 1][:1]
            body = texts[position - 1][1:] if table.header else texts[position - 1]
            widths.append(max(_width(body), min(_width(header), 24)))
            ws.column_dimensions[get_column_letter(position)].width = widths[-1]
        _fit_height(ws, _HEADER_ROW, list(table.header), widths)
        for offset, row in enumerate(table.rows, start=1):
            if any(len(source.text) > width for source, width in zip(row, widths)):
                for position, source in enumerate(row, start=1):
                    cell = ws.cell(row=_HEADER_ROW + offset, column=position)
                    cell.alignment = Alignment(wrap_text=True, vertical="top",
                                               horizontal="right" if position in numeric_columns else None)
                _fit_height(ws, _HEADER_ROW + offset, [source.text for source in row], widths)
        ws.freeze_panes = ws.cell(row=_HEADER_ROW + 1, column=2 if columns > 1 else 1)
        ws.print_title_rows = f"{_HEADER_ROW}:{_HEADER_ROW}"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "landscape" if columns > 5 else "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    book.properties.title = title
    book.properties.creator = "qualepref-analysis"
    return save_replacing(Path(path), book.save)
