"""How a batch run hands its kernels the data it validated and the cache they share.

The run writes the validated data once into its private folder (mode 0700, removed at the end of
the run: they hold personal data). Each worker's zygote, and each kernel started without a
zygote, then *joins* the run (:func:`join`): it reads them back and gives them, with a
:class:`~qualepref_analysis.io.cache.FolderCache` on the same folder, to
:func:`qualepref_analysis.context.join_run`. The folder is named to the zygote and to the kernels
on their command line; nothing goes through environment variables.

A zygote also *warms* the run (:func:`warm`): it computes the prepared registers and the
indicator catalogue before it forks kernels, so that every kernel finds them in memory. When the
batch says the run's sections use the complaint categoriser (``shared_models``), the zygote also
forks, as soon as it has imported scikit-learn, a process that trains it and cross-validates it
into the run's cache (:func:`train_shared_models`) while the zygote goes on importing.
"""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

from qualepref_analysis import context
from qualepref_analysis.io.cache import FolderCache
from qualepref_analysis.io.datasets import DataBundle
from qualepref_analysis.io.params import Params, load_params

__all__ = ["VALIDATED_DATA_FILE", "share_validated_data", "join", "models_wanted", "train_shared_models", "warm",
           "warm_figures", "warm_formatting"]

#: Name of the validated data in the run's private folder.
VALIDATED_DATA_FILE = "donnees-validees.pickle"


def share_validated_data(bundle: DataBundle, *, data_dir: str | Path, params_dir: str | Path, year: int,
                         folder: Path, shared_models: bool = False, params: Params | None = None) -> Path:
    """Write the validated data for the run's kernels (a private file in the run's private folder).

    ``shared_models``: some section of the run uses the complaint categoriser, which the zygote
    may then train while it imports (:func:`models_wanted`). ``params``: the parameters the batch
    read from ``params_dir`` (before choosing the year), which the kernels then use instead of
    reading the files again (``None``: each kernel reads them).
    """
    path = Path(folder) / VALIDATED_DATA_FILE
    if params is not None:  # as a kernel reads them from the absolute folder it is given
        params = dataclasses.replace(params, directory=Path(params_dir).resolve())
    payload = {"data_dir": str(Path(data_dir).resolve()), "params_dir": str(Path(params_dir).resolve()),
               "year": int(year), "data": bundle, "shared_models": bool(shared_models), "params": params}
    partial = path.with_name(f".{path.name}.en-cours")
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        pickle.dump(payload, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, path)  # whole or absent: the zygote looks for it while it imports
    return path


def join(folder: str | Path) -> bool:
    """Join the run of ``folder`` once its data are validated; whether this process has joined it.

    Harmless to call again: the data are read only once.
    """
    current = context._run
    if current is not None and current.data is not None:
        return True
    path = Path(folder) / VALIDATED_DATA_FILE
    if not path.is_file():
        return False
    with open(path, "rb") as handle:  # written by share_validated_data, in the run's 0700 folder
        payload = pickle.load(handle)
    context.join_run(context.SharedRun(data_dir=Path(payload["data_dir"]), params_dir=Path(payload["params_dir"]),
                                       year=payload["year"], data=payload["data"], cache=FolderCache(folder),
                                       params=payload.get("params")))
    _models_wanted[str(Path(folder))] = bool(payload.get("shared_models"))
    return True


#: Whether the run of each joined folder uses the complaint categoriser (:func:`share_validated_data`).
_models_wanted: dict[str, bool] = {}


def models_wanted(folder: str | Path) -> bool:
    """Whether this process has joined the run of ``folder`` and some section of it uses the categoriser."""
    return join(folder) and _models_wanted.get(str(Path(folder)), False)


def _any_section() -> context.SectionContext:
    """A section context of the joined run's first site, opened as the run's kernels open theirs (same keys).

    The same context each time for the same run (the zygote asks for it before every fork).
    """
    global _section_of_run
    run = context._run
    assert run is not None and run.data is not None
    if _section_of_run is None or _section_of_run[0] is not run:
        params = (run.params or load_params(run.params_dir)).with_year(run.year)
        section = context.SectionContext(params=params, data=run.data, site=next(iter(params.sites.values())),
                                         year=params.year, cache=run.cache, extraction=run.extraction_dates(params))
        _section_of_run = (run, section)
    return _section_of_run[1]


#: The joined run and its :func:`_any_section`.
_section_of_run: tuple[context.SharedRun, context.SectionContext] | None = None


def train_shared_models(folder: str | Path) -> None:
    """Train the complaint categoriser, then cross-validate it, into the run's cache (``folder``).

    For the process the zygote forks for it (:func:`qualepref_analysis.batch.zygote.fork_trainer`):
    the complaint sections then find both stored, or wait for them (the cache's lock). Does nothing
    unless the run wants them (:func:`models_wanted`) and has a register.
    """
    if not models_wanted(folder):
        return
    section = _any_section()
    if section.data.frame("correspondances") is not None:
        section.categoriser()
        section.categoriser_evaluation()


def warm_figures() -> None:
    """Draw and save one small figure, so that the fonts and the PNG writer are ready in every forked kernel."""
    import matplotlib.pyplot as plt

    from qualepref_analysis.report.charts import apply_figure_theme
    from qualepref_analysis.report.png import figure_png

    apply_figure_theme()
    fig, ax = plt.subplots()
    ax.bar([0, 1], [1, 2], label="é")
    ax.set_title("Préchauffage")
    ax.legend()
    figure_png(fig)
    plt.close(fig)
    plt.rcdefaults()  # the notebook applies its own theme


def warm_formatting() -> None:
    """Format a number and a date once, so that babel's locale data are loaded in every forked kernel
    (each kernel read them again from babel's files: ≈ 45 ms of its first French number)."""
    import datetime as dt

    from qualepref_analysis.report.formatting import format_date, format_number

    format_number(-1234.5, 1)
    format_date(dt.date(2022, 3, 1))


def warm(folder: str | Path) -> None:
    """Join the run and compute what the indicator sections of every site share (in this process's memory).

    Called before each kernel is forked: the first call computes the catalogue; each call also takes
    into memory the trained categoriser and its cross-validation once a kernel has stored them, so
    that the complaint sections of the kernels forked after that do not read them from the folder.
    """
    if not join(folder):
        return
    if not getattr(warm, "_libraries_ready", False):
        warm_figures()
        warm_formatting()
        warm._libraries_ready = True  # type: ignore[attr-defined]
    run = context._run
    section = _any_section()
    if section.data.frame("correspondances") is not None:
        section.indicators()  # the prepared registers, then the catalogue
        section.complaints()  # and where each site's rows are in the register
        for name, key in section.shared_models():  # the categoriser, once the trainer (or a kernel) stored it
            run.cache.adopt(name, key)
