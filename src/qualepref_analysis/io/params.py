"""Parameters of a review: sites (``sites.yaml``) and settings (``default.yaml``).

Everything a prefecture could set differently lives in these two YAML files,
read with a safe loader and checked here so that a typo gives a message that
names the file and the key.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Mapping

import yaml

from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.normalise import normalise_header
from qualepref_analysis.io.settings import (CALENDARS, SITE_CODE_PATTERN, SITE_KINDS, FrozenMap, ReviewSettings,
                                            SitesSettings, parse_settings, parse_sites)

__all__ = ["Site", "Params", "load_params", "load_yaml", "CALENDARS", "SITE_KINDS", "SITE_CODE_PATTERN"]


@dataclass(frozen=True)
class Site:
    """One site of the prefecture (the préfecture itself or a sous-préfecture).

    Attributes
    ----------
    code : str
        Code of the site in the ``site`` column of the data files.
    libelle : str
        Name shown in the review.
    kind : str
        ``prefecture`` or ``sous_prefecture``.
    calendar : str
        Public holidays: ``metropole`` or ``alsace_moselle``.
    aliases : tuple of str
        Other spellings of the site in the data files (``alias`` in ``sites.yaml``).
    """

    code: str
    libelle: str
    kind: str
    calendar: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Params:
    """Validated parameters of a review.

    Attributes
    ----------
    directory : Path
        The folder the YAML files were read from.
    prefecture : str
        Display name of the prefecture (cover page of the review).
    sites : dict[str, Site]
        Declared sites, by code, in the order of ``sites.yaml``.
    column_mappings : dict[str, dict[str, str]]
        Per data set, normalised source header → contract column.
    settings : ReviewSettings
        The typed, checked content of ``default.yaml``, every default filled in. A mapping given
        here (the YAML's content) is checked and typed (a :class:`~qualepref_analysis.errors.ParamsError`
        if invalid).
    value_mappings : mapping
        Per data set and column, value of the local export → code (``valeurs`` of ``sites.yaml``).
    """

    directory: Path
    prefecture: str
    sites: dict[str, Site]
    column_mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    settings: ReviewSettings = field(default_factory=dict)  # type: ignore[assignment]
    value_mappings: Mapping[str, Mapping[str, Mapping[Any, str]]] = field(default_factory=FrozenMap)

    def __post_init__(self) -> None:
        if not isinstance(self.settings, ReviewSettings):
            object.__setattr__(self, "settings",
                               parse_settings(self.settings, path=Path(self.directory) / "default.yaml"))

    @property
    def year(self) -> int:
        """Year under review."""
        return self.settings.annee

    @property
    def extraction_date(self) -> dt.date | None:
        """Date the registers were exported, or ``None`` to take the latest date found."""
        return self.settings.date_extraction

    @property
    def deadlines(self) -> dict[str, int]:
        """Answer deadline in working days, per channel (``canal``)."""
        return dict(self.settings.delais_jours_ouvres)

    @property
    def targets(self) -> dict[str, float]:
        """Indicator targets, per indicator code."""
        return dict(self.settings.cibles)

    @property
    def calendars(self) -> dict[str, str]:
        """Site code → calendar (``metropole``, ``alsace_moselle``): the one map every delay uses."""
        return {code: site.calendar for code, site in self.sites.items()}

    @property
    def small_cell_threshold(self) -> int:
        """Smallest denominator on which a rate is published."""
        return self.settings.seuil_petits_effectifs

    @property
    def survey_small_cell_threshold(self) -> int:
        """Smallest number of respondents on which a survey percentage is published."""
        return self.settings.seuil_petits_effectifs_enquete

    def with_year(self, year: int) -> "Params":
        """Copy of these parameters reviewing another year."""
        return dataclasses.replace(self, settings=self.settings.with_year(year))

    def with_settings(self, **changes: Any) -> "Params":
        """Copy with some settings of ``default.yaml`` changed (checked like the file).

        Examples
        --------
        >>> params.with_settings(seuil_petits_effectifs=5)  # doctest: +SKIP
        """
        raw = {**self.settings.as_dict(), **changes}
        return dataclasses.replace(self, settings=parse_settings(raw, path=Path(self.directory) / "default.yaml"))


#: PyYAML's C parser where it is built (its wheels have it), else its pure-Python one: the same documents,
#: faster (each notebook of a batch reads the parameters again: ``load_params`` of the 330 sites of
#: ``bench_national.py`` 81 → 21 ms).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_yaml(stream: Any) -> Any:
    """``yaml.safe_load`` with the C parser when available.

    Examples
    --------
    >>> load_yaml("sites: {antony: {libelle: Antony}}")
    {'sites': {'antony': {'libelle': 'Antony'}}}
    """
    return yaml.load(stream, Loader=_YAML_LOADER)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ParamsError(
            f"{path}: fichier de paramètres introuvable. Copiez celui du dossier params/ "
            "du projet et adaptez-le."
        )
    try:
        with path.open(encoding="utf-8") as handle:
            return load_yaml(handle)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (ligne {where.line + 1})" if where is not None else ""
        raise ParamsError(f"{path}: YAML invalide{line}. Corrigez la syntaxe du fichier.") from exc
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: le fichier doit être enregistré en UTF-8.") from exc


def _sites_of(typed: SitesSettings) -> dict[str, Site]:
    return {code: Site(code=code, libelle=str(spec.libelle or code), kind=spec.type, calendar=spec.calendrier,
                       aliases=spec.alias)
            for code, spec in typed.sites.items()}


def _column_mappings_of(typed: SitesSettings) -> dict[str, dict[str, str]]:
    return {dataset: {normalise_header(header): column.strip() for header, column in mapping.items()}
            for dataset, mapping in typed.colonnes.items()}


def load_params(directory: str | Path) -> Params:
    """Read and check ``sites.yaml`` and ``default.yaml`` of a parameter folder.

    Parameters
    ----------
    directory : str or Path
        Folder holding ``sites.yaml`` and ``default.yaml``.

    Returns
    -------
    Params

    Raises
    ------
    ParamsError
        A file is missing, is not valid YAML, or a value is out of its allowed set.
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ParamsError(f"{directory}: dossier de paramètres introuvable (attendu : sites.yaml et default.yaml).")
    sites_path = directory / "sites.yaml"
    sites = parse_sites(_read_yaml(sites_path), path=sites_path)
    settings_path = directory / "default.yaml"
    settings = parse_settings(_read_yaml(settings_path), path=settings_path)
    return Params(directory, sites.prefecture, _sites_of(sites), _column_mappings_of(sites), settings, sites.valeurs)
