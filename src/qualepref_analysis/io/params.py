"""Parameters of a review: sites (``sites.yaml``) and settings (``default.yaml``).

Everything a prefecture could set differently lives in these two YAML files,
read with a safe loader and checked here so that a typo gives a message that
names the file and the key.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.normalise import normalise_header

__all__ = ["Site", "Params", "load_params", "CALENDARS", "SITE_KINDS", "SITE_CODE_PATTERN"]

CALENDARS = ("metropole", "alsace_moselle")
SITE_KINDS = ("prefecture", "sous_prefecture")
SITE_CODE_PATTERN = re.compile(r"^[a-z0-9_-]+$")

_REQUIRED_SETTINGS = (
    "annee",
    "delais_jours_ouvres",
    "delai_site_internet_jours_ouvres",
    "delai_information_courriel_jours_ouvres",
    "cibles",
    "seuil_petits_effectifs",
    "seuil_petits_effectifs_enquete",
    "reponses_satisfaites",
)


@dataclass(frozen=True)
class Site:
    """One site of the prefecture (the préfecture itself or a sous-préfecture)."""

    code: str
    libelle: str
    kind: str
    calendar: str


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
    settings : dict
        The content of ``default.yaml``.
    """

    directory: Path
    prefecture: str
    sites: dict[str, Site]
    column_mappings: dict[str, dict[str, str]] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def year(self) -> int:
        """Year under review."""
        return int(self.settings["annee"])

    @property
    def extraction_date(self) -> dt.date | None:
        """Date the registers were exported, or ``None`` to take the latest date found."""
        return self.settings.get("date_extraction")

    @property
    def deadlines(self) -> dict[str, int]:
        """Answer deadline in working days, per channel (``canal``)."""
        return dict(self.settings["delais_jours_ouvres"])

    @property
    def targets(self) -> dict[str, float]:
        """Indicator targets, per indicator code."""
        return dict(self.settings["cibles"])

    @property
    def small_cell_threshold(self) -> int:
        """Smallest denominator on which a rate is published."""
        return int(self.settings["seuil_petits_effectifs"])

    @property
    def survey_small_cell_threshold(self) -> int:
        """Smallest number of respondents on which a survey percentage is published."""
        return int(self.settings["seuil_petits_effectifs_enquete"])

    def with_year(self, year: int) -> "Params":
        """Copy of these parameters reviewing another year."""
        settings = dict(self.settings)
        settings["annee"] = int(year)
        return Params(self.directory, self.prefecture, self.sites, self.column_mappings, settings)


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        raise ParamsError(
            f"{path}: fichier de paramètres introuvable. Copiez celui du dossier params/ "
            "du projet et adaptez-le."
        )
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle)
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" (ligne {where.line + 1})" if where is not None else ""
        raise ParamsError(f"{path}: YAML invalide{line}. Corrigez la syntaxe du fichier.") from exc
    except UnicodeDecodeError as exc:
        raise ParamsError(f"{path}: le fichier doit être enregistré en UTF-8.") from exc


def _parse_sites(path: Path, raw: Any) -> tuple[str, dict[str, Site], dict[str, dict[str, str]]]:
    if not isinstance(raw, dict) or not isinstance(raw.get("sites"), dict) or not raw["sites"]:
        raise ParamsError(f"{path}: une clé `sites` listant au moins un site est attendue.")
    sites: dict[str, Site] = {}
    for code, spec in raw["sites"].items():
        code = str(code)
        if not SITE_CODE_PATTERN.match(code):
            raise ParamsError(
                f"{path}: code de site {code!r} invalide ; utilisez seulement a-z, 0-9, « _ » et « - »."
            )
        spec = spec or {}
        if not isinstance(spec, dict):
            raise ParamsError(f"{path}: sites.{code} doit être un dictionnaire (libelle, type, calendrier).")
        kind = str(spec.get("type", "sous_prefecture"))
        calendar = str(spec.get("calendrier", "metropole"))
        if kind not in SITE_KINDS:
            raise ParamsError(f"{path}: sites.{code}.type vaut {kind!r} ; valeurs possibles : {', '.join(SITE_KINDS)}.")
        if calendar not in CALENDARS:
            raise ParamsError(
                f"{path}: sites.{code}.calendrier vaut {calendar!r} ; valeurs possibles : {', '.join(CALENDARS)}."
            )
        sites[code] = Site(code=code, libelle=str(spec.get("libelle", code)), kind=kind, calendar=calendar)
    mappings_raw = raw.get("colonnes") or {}
    if not isinstance(mappings_raw, dict):
        raise ParamsError(f"{path}: `colonnes` doit associer à chaque jeu de données un dictionnaire d'en-têtes.")
    mappings: dict[str, dict[str, str]] = {}
    for dataset, mapping in mappings_raw.items():
        if not isinstance(mapping, dict):
            raise ParamsError(f"{path}: colonnes.{dataset} doit être un dictionnaire « en-tête du fichier: colonne ».")
        mappings[str(dataset)] = {normalise_header(k): str(v).strip() for k, v in mapping.items()}
    prefecture = str(raw.get("prefecture") or "Préfecture")
    return prefecture, sites, mappings


def _check_settings(path: Path, settings: Any) -> dict[str, Any]:
    if not isinstance(settings, dict):
        raise ParamsError(f"{path}: un dictionnaire de paramètres est attendu.")
    missing = [key for key in _REQUIRED_SETTINGS if key not in settings]
    if missing:
        raise ParamsError(f"{path}: paramètre(s) manquant(s) : {', '.join(missing)}.")
    try:
        settings["annee"] = int(settings["annee"])
    except (TypeError, ValueError):
        raise ParamsError(f"{path}: `annee` doit être une année, par exemple 2022.") from None
    extraction = settings.get("date_extraction")
    if extraction is not None and not isinstance(extraction, dt.date):
        try:
            settings["date_extraction"] = dt.date.fromisoformat(str(extraction))
        except ValueError:
            raise ParamsError(f"{path}: `date_extraction` doit être une date AAAA-MM-JJ ou rester vide.") from None
    for key in ("delais_jours_ouvres", "cibles"):
        if not isinstance(settings[key], dict):
            raise ParamsError(f"{path}: `{key}` doit être un dictionnaire.")
    for canal, days in settings["delais_jours_ouvres"].items():
        if not isinstance(days, int) or isinstance(days, bool) or days < 0:
            raise ParamsError(f"{path}: delais_jours_ouvres.{canal} doit être un nombre entier de jours ≥ 0.")
    for key in ("seuil_petits_effectifs", "seuil_petits_effectifs_enquete",
                "delai_site_internet_jours_ouvres", "delai_information_courriel_jours_ouvres"):
        if not isinstance(settings[key], int) or isinstance(settings[key], bool) or settings[key] < 0:
            raise ParamsError(f"{path}: `{key}` doit être un nombre entier ≥ 0.")
    return settings


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
    prefecture, sites, mappings = _parse_sites(sites_path, _read_yaml(sites_path))
    settings_path = directory / "default.yaml"
    settings = _check_settings(settings_path, _read_yaml(settings_path))
    return Params(directory, prefecture, sites, mappings, settings)
