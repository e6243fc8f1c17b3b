"""Where the project's own parameters and demo data are: the defaults when the user names none."""

from __future__ import annotations

from pathlib import Path

from qualepref_analysis.errors import ParamsError, QualeprefError

__all__ = ["project_root", "default_params_dir", "default_data_dir"]


def project_root() -> Path:
    """The source checkout the package runs from (holds ``params/`` and ``data/demo/``)."""
    return Path(__file__).resolve().parents[3]

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
