"""Machine-readable figures of a review: what each section records, and their merge."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["record_results", "read_section_results", "to_json_safe", "SECTION_RESULTS_SUFFIX"]

SECTION_RESULTS_SUFFIX = ".results.json"


def to_json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON values (NaN → null)."""
    if isinstance(value, dict):
        return {str(k): to_json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json_safe(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return None if math.isnan(float(value)) else float(value)
    if isinstance(value, (pd.Timestamp, pd.Period)):
        return str(value.date() if isinstance(value, pd.Timestamp) else value)
    if isinstance(value, np.bool_):
        return bool(value)
    return value


def record_results(figures: dict[str, Any], *, site: str, section: str, output_dir: str | Path | None) -> None:
    """Write a section's figures to ``output_dir/<section>.results.json``.

    Nothing is written when ``output_dir`` is ``None`` (interactive exploration).
    """
    if output_dir is None:
        return
    path = Path(output_dir) / f"{section}{SECTION_RESULTS_SUFFIX}"
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = {"site": site, "section": section, "figures": to_json_safe(figures)}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True), encoding="utf-8")


def read_section_results(path: str | Path) -> dict[str, Any]:
    """The figures a section recorded."""
    return json.loads(Path(path).read_text(encoding="utf-8"))["figures"]
