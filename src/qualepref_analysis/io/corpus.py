"""The labelled training corpus shipped with the package (``resources/corpus_sujets.csv``).

Complaints written to the labelling guide (LABELLING.md) by several writers who never saw the
lexicon: formal letters, lawyers, employers, short angry messages, SMS spelling, learners'
French, and hard cases for every contrast of the guide. The categoriser learns from it beside
the register's own hand-labelled complaints, so that a prefecture with few labels of its own
still gets a classifier that has seen varied mail.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from qualepref_analysis.errors import QualeprefError

__all__ = ["CORPUS_PATH", "load_shipped_corpus"]

#: The shipped corpus: ``texte;categorie``, UTF-8, one row per complaint.
CORPUS_PATH = Path(__file__).resolve().parents[1] / "resources" / "corpus_sujets.csv"


@lru_cache(maxsize=1)
def _read(path: str, mtime: float) -> pd.DataFrame:
    frame = pd.read_csv(path, sep=";", dtype=str, keep_default_na=False)
    if list(frame.columns) != ["texte", "categorie"]:
        raise QualeprefError(f"{path} : colonnes attendues « texte;categorie », trouvées {list(frame.columns)}.")
    return frame


def load_shipped_corpus(path: Path | None = None) -> pd.DataFrame:
    """The shipped training corpus as a frame with columns ``texte`` and ``categorie``.

    Parameters
    ----------
    path : Path, optional
        Another corpus file of the same format (default :data:`CORPUS_PATH`).

    Returns
    -------
    DataFrame
        A copy (the file is read once per process).

    Raises
    ------
    QualeprefError
        The file is missing or has other columns.
    """
    path = Path(path or CORPUS_PATH)
    if not path.is_file():
        raise QualeprefError(f"corpus d'apprentissage introuvable : {path} (réinstallez le paquet).")
    return _read(str(path), path.stat().st_mtime).copy()
