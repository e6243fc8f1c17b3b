"""Reading of raw tables exported by office tools, before any validation.

CSV (separator ``,``, ``;`` or tab, detected; UTF-8 with or without BOM,
UTF-16 with BOM or cp1252, detected) and XLSX (first sheet) are read into a
frame of strings whose index is the row number the user sees in the file
(header = row 1). Nothing is typed or dropped here except fully blank rows,
which are counted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from qualepref_analysis.errors import UnreadableFileError

__all__ = ["RawTable", "read_table", "workbook_sheets", "SUPPORTED_SUFFIXES"]

SUPPORTED_SUFFIXES = (".csv", ".xlsx")
_FIELD_SIZE_LIMIT = 16 * 1024 * 1024
_SEPARATORS = (";", ",", "\t")


@dataclass
class RawTable:
    """A table read from a file, all cells as strings.

    Attributes
    ----------
    headers : list[str]
        Column headers as found in the file.
    rows : pandas.DataFrame
        One column per header (positional names ``0..n-1``), strings, index =
        row number in the file (header = 1).
    overlong_rows : dict[int, int]
        Row number → number of values, for rows with more values than headers.
    blank_rows : int
        Fully blank rows skipped.
    excel : bool
        True when read from XLSX (numbers may then be Excel serial dates).
    """

    headers: list[str]
    rows: pd.DataFrame
    overlong_rows: dict[int, int] = field(default_factory=dict)
    blank_rows: int = 0
    excel: bool = False


def _decode(path: Path, data: bytes) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise UnreadableFileError(path, "ce fichier est un classeur Excel (XLSX) nommé .csv ; "
                                        "renommez-le en .xlsx ou enregistrez-le au format CSV.")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFileError(path, "encodage UTF-16 invalide ; enregistrez le fichier en CSV UTF-8.") from None
    if b"\x00" in data:
        raise UnreadableFileError(path, "fichier binaire ou corrompu (octets nuls) ; "
                                        "exportez les données au format CSV (UTF-8) ou XLSX.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    # Not UTF-8 as a whole: cp1252 (Excel's "CSV" on Windows), or a file whose lines were saved by
    # different tools. Each line is read as UTF-8 when it is valid UTF-8, as cp1252 otherwise, so
    # that neither half of a mixed file turns into « Ã© ».
    lines = data[3:].split(b"\n") if data.startswith(b"\xef\xbb\xbf") else data.split(b"\n")
    decoded = []
    for number, line in enumerate(lines, start=1):
        try:
            decoded.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            try:
                decoded.append(line.decode("cp1252"))
            except UnicodeDecodeError as exc:
                raise UnreadableFileError(
                    path, f"encodage non reconnu à la ligne {number} (octet {line[exc.start]:#04x}) ; "
                          "enregistrez le fichier en CSV UTF-8.") from None
    return "\n".join(decoded)


def _detect_separator(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {sep: 0 for sep in _SEPARATORS}
    quoted = False
    for char in first_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(_SEPARATORS, key=lambda sep: counts[sep])
    return best if counts[best] > 0 else ","


def _rows_to_frame(records: list[tuple[int, list[str]]], width: int) -> tuple[pd.DataFrame, dict[int, int]]:
    overlong: dict[int, int] = {}
    padded: list[list[str]] = []
    index: list[int] = []
    for row_number, values in records:
        if len(values) > width:
            extra = values[width:]
            if "".join(extra).strip():
                overlong[row_number] = len(values)
            values = values[:width]
        elif len(values) < width:
            values = values + [""] * (width - len(values))
        padded.append(values)
        index.append(row_number)
    frame = pd.DataFrame(padded, index=pd.Index(index, name="ligne"), columns=range(width), dtype=object)
    return frame, overlong


def _read_csv(path: Path) -> RawTable:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UnreadableFileError(path, f"lecture impossible ({exc.strerror}) ; vérifiez le chemin et les droits.") from None
    text = _decode(path, data)
    if not text.strip():
        raise UnreadableFileError(path, "fichier vide : la première ligne doit contenir les en-têtes des colonnes.")
    separator = _detect_separator(text)
    csv.field_size_limit(_FIELD_SIZE_LIMIT)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records: list[tuple[int, list[str]]] = []
    blank = 0
    try:
        headers = next(reader)
        for row_number, values in enumerate(reader, start=2):
            if not "".join(values).strip():  # every cell empty or white space (one call, not one per cell)
                blank += 1
                continue
            records.append((row_number, values))
    except csv.Error as exc:
        raise UnreadableFileError(
            path, f"CSV illisible vers la ligne {reader.line_num} ({exc}) ; vérifiez les guillemets du fichier."
        ) from None
    frame, overlong = _rows_to_frame(records, len(headers))
    return RawTable(headers, frame, overlong, blank, excel=False)


def _excel_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "VRAI" if value else "FAUX"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def _unreadable_workbook(path: str | Path, exc: BaseException) -> UnreadableFileError:
    return UnreadableFileError(path, f"classeur XLSX illisible ({type(exc).__name__}) ; "
                                     "ouvrez-le et enregistrez-le à nouveau, ou exportez-le en CSV.")


def _open_workbook(path: str | Path):
    """An XLSX workbook opened read-only, values rather than formulas."""
    import openpyxl  # imported lazily: only XLSX inputs need it

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as exc:
        raise _unreadable_workbook(path, exc) from None


def workbook_sheets(path: str | Path) -> dict[str, bool]:
    """The sheets of an XLSX workbook, in order, each with whether it holds a row below its first.

    Reading stops at each sheet's first non-empty row after the headers: cheap on large sheets.

    Raises
    ------
    UnreadableFileError
        The workbook cannot be opened.
    """
    workbook = _open_workbook(path)
    try:
        found = {}
        for sheet in workbook.worksheets:
            rows = sheet.iter_rows(min_row=2, values_only=True)
            found[sheet.title] = any(any(v is not None and str(v).strip() for v in row) for row in rows)
        return found
    except Exception as exc:  # corrupt sheet XML and the like
        raise _unreadable_workbook(path, exc) from None
    finally:
        workbook.close()


def _read_xlsx(path: Path, sheet: str | None = None) -> RawTable:
    workbook = _open_workbook(path)
    try:
        worksheet = workbook.worksheets[0] if sheet is None else workbook[sheet]
        rows = worksheet.iter_rows(values_only=True)
        header_values = next(rows, None)
        if header_values is None or not any(v is not None and str(v).strip() for v in header_values):
            which = "de la première feuille" if sheet is None else f"de la feuille « {sheet} »"
            raise UnreadableFileError(path, f"la première ligne {which} doit contenir les en-têtes.")
        headers = [_excel_cell(v) for v in header_values]
        records: list[tuple[int, list[str]]] = []
        blank = 0
        for row_number, values in enumerate(rows, start=2):
            cells = [_excel_cell(v) for v in values]
            if not any(c.strip() for c in cells):
                blank += 1
                continue
            records.append((row_number, cells))
    except UnreadableFileError:
        raise
    except Exception as exc:  # corrupt sheet XML and the like
        raise _unreadable_workbook(path, exc) from None
    finally:
        workbook.close()
    # Trailing empty header cells of a sheet are formatting, not columns.
    while headers and not headers[-1].strip():
        headers.pop()
    frame, overlong = _rows_to_frame(records, len(headers))
    return RawTable(headers, frame, overlong, blank, excel=True)


def read_table(path: str | Path, sheet: str | None = None) -> RawTable:
    """Read a CSV or XLSX file into a :class:`RawTable` of strings.

    Parameters
    ----------
    path : str or Path
        A ``.csv`` or ``.xlsx`` file.
    sheet : str, optional
        The sheet of an XLSX workbook to read (by default its first one).

    Raises
    ------
    UnreadableFileError
        The file is missing, empty, binary, in an unknown encoding, or not a
        supported format.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if not path.is_file():
        raise UnreadableFileError(path, "fichier introuvable.")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix == ".xlsx":
        return _read_xlsx(path, sheet)
    raise UnreadableFileError(path, f"format {suffix or '(sans extension)'} non pris en charge ; "
                                    "enregistrez le fichier en CSV ou XLSX.")
