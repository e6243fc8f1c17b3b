"""Machine-readable figures of a review: what each section records, and their merge."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

__all__ = ["record_results", "read_section_results", "to_json_safe", "SECTION_RESULTS_SUFFIX"]

SECTION_RESULTS_SUFFIX = ".results.json"


def to_json_safe(value: Any) -> Any:
    """Convert numpy/pandas scalars and containers into plain JSON values (NaN → null).

    Examples
    --------
    >>> import numpy as np
    >>> to_json_safe({"n": np.int64(3), "taux": [np.float64("nan"), 0.5], 4: (True,)})
    {'n': 3, 'taux': [None, 0.5], '4': [True]}
    """
    # numpy and pandas are imported here, not with the module: the batch's workers import this module
    # for SECTION_RESULTS_SUFFIX and never need pandas (0,6 s of CPU each)
    import numpy as np
    import pandas as pd

    def convert(item: Any) -> Any:
        if isinstance(item, dict):
            return {str(k): convert(v) for k, v in item.items()}
        if isinstance(item, (list, tuple)):
            return [convert(v) for v in item]
        if item is None or item is pd.NA or item is pd.NaT:
            return None
        if isinstance(item, (np.integer,)):
            return int(item)
        if isinstance(item, (np.floating, float)):
            return None if math.isnan(float(item)) else float(item)
        if isinstance(item, (pd.Timestamp, pd.Period)):
            return str(item.date() if isinstance(item, pd.Timestamp) else item)
        if isinstance(item, np.bool_):
            return bool(item)
        return item

    return convert(value)


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
