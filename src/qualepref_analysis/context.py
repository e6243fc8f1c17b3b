"""What a section notebook opens first: parameters, validated data, the site under review."""

from __future__ import annotations

import os
import pickle
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from qualepref_analysis.io.datasets import DataBundle, load_data_dir
from qualepref_analysis.errors import DatasetNotFoundError, ParamsError, QualeprefError
from qualepref_analysis.io.params import Params, Site, load_params

__all__ = ["SectionContext", "open_section", "default_params_dir", "default_data_dir", "project_root",
           "VALIDATED_DATA_ENV", "VALIDATED_DATA_FILE", "share_validated_data", "preload_validated_data"]

#: Environment variable through which the batch hands its kernels the data it has already validated.
VALIDATED_DATA_ENV = "QUALEPREF_DONNEES_VALIDEES"
#: Name of that file in the batch's private folder.
VALIDATED_DATA_FILE = "donnees-validees.pickle"

_preloaded: tuple[tuple[str, str, int], DataBundle] | None = None








def _bundle_key(data_dir: str | Path, params_dir: str | Path, year: int) -> tuple[str, str, int]:
    return str(Path(data_dir).resolve()), str(Path(params_dir).resolve()), int(year)


def share_validated_data(bundle: DataBundle, *, data_dir: str | Path, params_dir: str | Path, year: int,
                         folder: Path) -> Path:
    """Write the validated data for the batch's kernels (a private file, read back by :func:`open_section`).

    Each section notebook would otherwise read and validate every input file again. The file
    lives in the batch's private temporary folder (mode 0700) and is removed with it.
    """
    path = Path(folder) / VALIDATED_DATA_FILE
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as handle:
        pickle.dump((_bundle_key(data_dir, params_dir, year), bundle), handle, protocol=pickle.HIGHEST_PROTOCOL)
    return path


def preload_validated_data() -> None:
    """Load the data the batch shared (if any) into this process, ahead of :func:`open_section`.

    Called when a batch kernel starts, before it is given a notebook; harmless elsewhere.
    """
    global _preloaded
    path = os.environ.get(VALIDATED_DATA_ENV)
    if _preloaded is None and path and Path(path).is_file():
        with open(path, "rb") as handle:  # written by this package's own batch, in a 0700 folder
            _preloaded = pickle.load(handle)


def _validated_data(data_dir: str | Path, params: Params) -> DataBundle:
    preload_validated_data()
    if _preloaded is not None and _preloaded[0] == _bundle_key(data_dir, params.directory, params.year):
        return _preloaded[1]
    return load_data_dir(data_dir, params)


@dataclass
class SectionContext:
    """Everything a section needs about the site and year under review."""

    params: Params
    data: DataBundle
    site: Site
    year: int

    def frame(self, name: str, *, required: bool = False) -> pd.DataFrame | None:
        """Valid rows of a data set; ``None`` when absent (or an error when ``required``)."""
        frame = self.data.frame(name)
        if frame is None and required:
            raise DatasetNotFoundError(
                f"{self.data.directory}: le jeu de données « {name} » est absent ou n'a pas pu être chargé ; "
                f"ajoutez {name}.csv ou {name}.xlsx (voir `qualepref validate`).")
        return frame


def open_section(*, site: str, year: int | None = None, data_dir: str | Path | None = None,
                 params_dir: str | Path | None = None) -> SectionContext:
    """Load parameters and data for one site, as every section notebook does first.

    Parameters
    ----------
    site : str
        Code of a site declared in ``sites.yaml``.
    year : int, optional
        Year under review; by default the one of ``default.yaml``.
    data_dir, params_dir : path, optional
        By default the shipped demo data and the repository's parameters.
    """
    params = load_params(params_dir or default_params_dir())
    if year is not None:
        params = params.with_year(int(year))
    if site not in params.sites:
        raise ParamsError(f"site {site!r} non déclaré dans {params.directory / 'sites.yaml'} ; "
                          f"sites déclarés : {', '.join(params.sites)}.")
    data = _validated_data(data_dir or default_data_dir(), params)
    return SectionContext(params=params, data=data, site=params.sites[site], year=params.year)
