"""The office files of a review, written on the cores that the synthesis and the bilan leave idle.

Written one after the other once the bilan is assembled, the three files took ≈ 1,3 s on one core
at the end of every review, the other core idle. Here:

- while the synthesis notebook runs (one kernel, on one core), this process writes the draft of
  the minutes, which needs only ``results.json``, and the idle worker imports openpyxl for the
  workbook (the other worker, if it is the one given the workbook, imports it then);
- once the bilan is assembled, a worker writes the workbook of its tables
  (:meth:`OfficeFiles.hand_workbook_over`) while this process writes the Word bilan
  (:meth:`OfficeFiles.finish`).

Without workers (one job) the same steps run one after the other here. A file that cannot be
written costs the committee neither the HTML bilan nor the other files: the first failure is
kept, in French, for the review's result.
"""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from qualepref_analysis.batch.runner import SectionRunner
from qualepref_analysis.io.params import Params
from qualepref_analysis.office.outputs import (import_office_libraries, office_failure, write_bilan_files,
                                               write_bilan_files_reporting, write_minutes_file)

__all__ = ["OfficeFiles"]


class OfficeFiles:
    """The workbook, the Word bilan and the draft of the minutes of one review.

    Parameters
    ----------
    out_dir : Path
        The review's folder.
    results : dict
        The content of ``results.json`` (JSON-safe).
    params : Params
        The review's parameters (prefecture, thresholds, settings).
    sites : dict of str to str
        Site code → label of the sites reviewed, in the minutes' order.
    runner : SectionRunner
        The review's runner, whose workers write the workbook.
    """

    def __init__(self, out_dir: Path, *, results: dict, params: Params, sites: dict[str, str],
                 runner: SectionRunner) -> None:
        self.out_dir, self.results, self.params, self.sites, self.runner = Path(out_dir), results, params, sites, runner
        self.minutes: Path | None = None
        self.failure = ""
        self._started = False
        self._bilan: Path | None = None
        self._workbook: Future | None = None

    def while_synthesis_runs(self) -> None:
        """Write the draft of the minutes here; an idle worker imports the workbook's library meanwhile."""
        if self._started:
            return
        self._started = True
        self.runner.submit(import_office_libraries, word=False)  # taken by the worker the synthesis leaves idle
        try:
            self.minutes = write_minutes_file(self.out_dir, results=self.results, prefecture=self.params.prefecture,
                                              sites=self.sites, settings=self.params.settings)
        except Exception as error:  # a defect of ours must not cost the committee its HTML bilan
            self.failure = office_failure(error)

    def hand_workbook_over(self, bilan: Path) -> None:
        """Give a worker the workbook of the HTML ``bilan``'s tables to write (here without workers)."""
        self.while_synthesis_runs()  # when no synthesis ran
        self._bilan = Path(bilan)
        self._workbook = self.runner.submit(write_bilan_files_reporting, self.out_dir, which=("tableaux",),
                                            **self._bilan_arguments())

    def finish(self) -> tuple[list[Path], str]:
        """Write the Word bilan here while the worker writes the workbook; wait for it.

        Returns
        -------
        tuple of (list of Path, str)
            The files written, in the order of
            :func:`~qualepref_analysis.office.outputs.office_file_names`, and the first failure
            (``""`` when every file was written).
        """
        try:
            document, document_failure = write_bilan_files(self.out_dir, which=("bilan",),
                                                           **self._bilan_arguments()), ""
        except Exception as error:  # as for the minutes
            document, document_failure = [], office_failure(error)
        try:
            tables, tables_failure = self._workbook.result()
        except Exception as error:  # the worker died while writing it
            tables, tables_failure = [], office_failure(error)
        failure = self.failure or tables_failure or document_failure
        return [*tables, *document, *([self.minutes] if self.minutes else [])], failure

    def _bilan_arguments(self) -> dict:
        return {"bilan": self._bilan, "year": int(self.results["year"]), "prefecture": self.params.prefecture,
                "threshold": self.params.small_cell_threshold,
                "survey_threshold": self.params.survey_small_cell_threshold}
