"""CSV files for spreadsheet users: UTF-8 with BOM, ``;``, formulas neutralised, written whole."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

__all__ = ["write_csv_safely", "neutralise_formula"]


def neutralise_formula(value: object) -> object:
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value

def write_csv_safely(frame: pd.DataFrame, path: Path, *, sep: str = ";") -> None:
    """Write a CSV for spreadsheet users: UTF-8 with BOM, ``;`` (or ``sep``), formulas neutralised."""
    safe = frame.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise_formula)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        safe.to_csv(temporary, index=False, sep=sep, encoding="utf-8-sig")
        os.replace(temporary, path)  # whole or not at all
    finally:
        temporary.unlink(missing_ok=True)
