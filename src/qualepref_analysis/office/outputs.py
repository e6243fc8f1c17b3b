"""The three office files of a review, written beside the HTML bilan from the bilan and ``results.json``."""

from __future__ import annotations

from pathlib import Path

from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.office.blocks import read_blocks
from qualepref_analysis.office.minutes import write_minutes_document
from qualepref_analysis.office.word import write_bilan_document
from qualepref_analysis.office.workbook import write_tables_workbook

__all__ = ["office_file_names", "write_office_files", "import_office_libraries"]


def import_office_libraries() -> None:
    """Import python-docx and openpyxl now (≈ 0,5 s), e.g. in a thread while the review waits for a notebook.

    Never raises: a library that cannot be imported is reported when the files are written.
    """
    try:
        import docx  # noqa: F401
        import docx.oxml.shape  # noqa: F401
        import openpyxl  # noqa: F401
        import openpyxl.comments  # noqa: F401
    except Exception:  # noqa: BLE001  (said by write_office_files, which imports them again)
        pass


def office_file_names(year: int) -> list[str]:
    """The office files of a review of ``year``: the tables, the bilan in Word, the draft of the minutes.

    Examples
    --------
    >>> office_file_names(2022)
    ['tableaux-2022.xlsx', 'bilan-2022.docx', 'projet-compte-rendu-2022.docx']
    """
    return [f"tableaux-{year}.xlsx", f"bilan-{year}.docx", f"projet-compte-rendu-{year}.docx"]


def write_office_files(out_dir: Path, *, bilan: Path, results: dict, prefecture: str, sites: dict[str, str],
                       threshold: int, survey_threshold: int, settings: ReviewSettings) -> list[Path]:
    """Write the office files of a review into ``out_dir`` and return their paths.

    Parameters
    ----------
    out_dir : Path
        The review's folder.
    bilan : Path
        The HTML bilan (:func:`~qualepref_analysis.batch.bilan.assemble_bilan`): the tables and the Word
        bilan are read from it, so that they hold what it publishes and nothing else.
    results : dict
        The content of ``results.json``: the draft of the minutes is written from it.
    prefecture : str
        The prefecture's name.
    sites : dict of str to str
        Site code → label, in the minutes' order.
    threshold, survey_threshold : int
        The disclosure thresholds, named in the workbook's notes.
    settings : ReviewSettings
        The review's settings (the draft of the minutes names the indicators with its deadlines).
    """
    year = int(results["year"])
    tables, document, minutes = (Path(out_dir) / name for name in office_file_names(year))
    blocks = read_blocks(Path(bilan).read_text(encoding="utf-8"))
    title = f"Bilan annuel Qual-e-Pref {year} – {prefecture}"
    return [write_tables_workbook(blocks, tables, title=title, threshold=threshold, survey_threshold=survey_threshold),
            write_bilan_document(blocks, document, title=title),
            write_minutes_document(results, minutes, sites=sites, prefecture=prefecture, settings=settings)]
