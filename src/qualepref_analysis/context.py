"""What a section notebook opens first: parameters, validated data, the site under review."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .datasets import DataBundle, load_data_dir
from .errors import DatasetNotFoundError, ParamsError, QualeprefError
from .params import Params, Site, load_params

__all__ = ["SectionContext", "open_section", "default_params_dir", "default_data_dir", "project_root"]


def project_root() -> Path:
    """The source checkout the package runs from (holds ``params/`` and ``data/demo/``)."""
    return Path(__file__).resolve().parents[2]


def default_params_dir() -> Path:
    """The repository's ``params/`` folder."""
    path = project_root() / "params"
    if not path.is_dir():
        raise ParamsError("dossier params/ du projet introuvable : indiquez votre dossier de paramètres (--params).")
    return path


def default_data_dir() -> Path:
    """The shipped demo data set (``data/demo/``)."""
    path = project_root() / "data" / "demo"
    if not path.is_dir():
        raise QualeprefError("données de démonstration introuvables : indiquez votre dossier de données (--data) "
                             "ou créez-les avec `qualepref demo-data DOSSIER`.")
    return path


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
    data = load_data_dir(data_dir or default_data_dir(), params)
    return SectionContext(params=params, data=data, site=params.sites[site], year=params.year)
