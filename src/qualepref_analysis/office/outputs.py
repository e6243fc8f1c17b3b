"""The three office files of a review, written beside the HTML bilan from the bilan and ``results.json``."""

from __future__ import annotations

from pathlib import Path

from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.office.blocks import read_blocks
from qualepref_analysis.office.minutes import write_minutes_document
from qualepref_analysis.office.word import write_bilan_document
from qualepref_analysis.office.workbook import write_tables_workbook

__all__ = ["office_file_names", "office_failure", "write_office_files", "write_minutes_file",
           "write_bilan_files", "write_bilan_files_reporting", "import_office_libraries"]


def import_office_libraries(*, word: bool = True, excel: bool = True) -> None:
    """Import python-docx (``word``) and openpyxl (``excel``) now (≈ 0,3 s each), e.g. while the review waits.

    Never raises: a library that cannot be imported is reported when the files are written.
    """
    try:
        if word:
            import docx  # noqa: F401
            import docx.oxml.shape  # noqa: F401
        if excel:
            import openpyxl  # noqa: F401
            import openpyxl.comments  # noqa: F401
    except Exception:  # noqa: BLE001  (said by the writers, which import them again)
        pass


def office_file_names(year: int) -> list[str]:
    """The office files of a review of ``year``: the tables, the bilan in Word, the draft of the minutes.

    Examples
    --------
    >>> office_file_names(2022)
    ['tableaux-2022.xlsx', 'bilan-2022.docx', 'projet-compte-rendu-2022.docx']
    """
    return [f"tableaux-{year}.xlsx", f"bilan-{year}.docx", f"projet-compte-rendu-{year}.docx"]


def _title(year: int, prefecture: str) -> str:
    """The title the workbook and the Word bilan carry (« Bilan annuel Qual-e-Pref 2022 – … »)."""
    return f"Bilan annuel Qual-e-Pref {year} – {prefecture}"


def office_failure(error: Exception) -> str:
    """What the review says of an office file it could not write (a defect of ours is named as such).

    A file the system refuses (open in Excel or Word on Windows, a read-only folder, a folder in
    its place) is named, with what to do.

    Examples
    --------
    >>> office_failure(PermissionError(13, "Permission denied", ".t.tmp.xlsx", None, "/r/tableaux-2022.xlsx"))
    "impossible d'écrire tableaux-2022.xlsx (Permission denied) : fermez-le s'il est ouvert dans Excel ou Word, \
vérifiez que le dossier de la revue accepte l'écriture, puis relancez la revue."
    """
    if isinstance(error, QualeprefError):
        return str(error)
    if isinstance(error, OSError) and (error.filename2 or error.filename):
        name = Path(str(error.filename2 or error.filename)).name  # the target, not the temporary file
        return (f"impossible d'écrire {name} ({error.strerror or type(error).__name__}) : fermez-le s'il est ouvert "
                "dans Excel ou Word, vérifiez que le dossier de la revue accepte l'écriture, puis relancez la revue.")
    return f"erreur interne ({type(error).__name__} : {error})"


def write_minutes_file(out_dir: Path, *, results: dict, prefecture: str, sites: dict[str, str],
                       settings: ReviewSettings) -> Path:
    """Write the draft of the minutes (``projet-compte-rendu-<year>.docx``) from ``results.json``.

    Parameters are those of :func:`write_office_files`; needs no bilan, so that a review can write
    it while its synthesis runs. Returns its path.
    """
    minutes = Path(out_dir) / office_file_names(int(results["year"]))[2]
    return write_minutes_document(results, minutes, sites=sites, prefecture=prefecture, settings=settings)


def write_bilan_files(out_dir: Path, *, bilan: Path, year: int, prefecture: str, threshold: int,
                      survey_threshold: int, which: tuple[str, ...] = ("tableaux", "bilan")) -> list[Path]:
    """Write the workbook of the bilan's tables and/or the Word bilan, both read from the HTML bilan.

    Parameters
    ----------
    out_dir, bilan, prefecture, threshold, survey_threshold
        As for :func:`write_office_files`.
    year : int
        The year under review (the files' names and title).
    which : tuple of str
        ``"tableaux"`` (``tableaux-<year>.xlsx``) and/or ``"bilan"`` (``bilan-<year>.docx``): a review
        writes them in two processes at once.

    Returns
    -------
    list of Path
        The files written, in the order of ``which``.
    """
    tables, document, _ = (Path(out_dir) / name for name in office_file_names(year))
    blocks = read_blocks(Path(bilan).read_text(encoding="utf-8"))
    title = _title(year, prefecture)
    written = []
    for kind in which:
        if kind == "tableaux":
            written.append(write_tables_workbook(blocks, tables, title=title, threshold=threshold,
                                                 survey_threshold=survey_threshold))
        elif kind == "bilan":
            written.append(write_bilan_document(blocks, document, title=title))
        else:
            raise ValueError(f"unknown office file {kind!r}")
    return written


def write_bilan_files_reporting(out_dir: Path, **arguments) -> tuple[list[Path], str]:
    """:func:`write_bilan_files` for a worker process: ``(paths, "")``, or ``([], what went wrong)``.

    The failure comes back as a French sentence rather than as the exception, which the review's
    process might not be able to rebuild.
    """
    try:
        return write_bilan_files(out_dir, **arguments), ""
    except Exception as error:  # said by the review, which keeps its HTML bilan
        return [], office_failure(error)


def write_office_files(out_dir: Path, *, bilan: Path, results: dict, prefecture: str, sites: dict[str, str],
                       threshold: int, survey_threshold: int, settings: ReviewSettings) -> list[Path]:
    """Write the office files of a review into ``out_dir`` and return their paths, one after the other.

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
    return [*write_bilan_files(out_dir, bilan=bilan, year=year, prefecture=prefecture, threshold=threshold,
                               survey_threshold=survey_threshold),
            write_minutes_file(out_dir, results=results, prefecture=prefecture, sites=sites, settings=settings)]
