"""qualepref-analysis: the Qual-e-Pref annual review from the raw registers.

The notebook-facing names below are imported on first use (PEP 562), so that
``qualepref validate`` does not pay for the analysis and reporting layers.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from qualepref_analysis.errors import QualeprefError

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from qualepref_analysis.context import SectionContext, SynthesisContext, open_section, open_synthesis
    from qualepref_analysis.io.datasets import DataBundle, LoadedDataset, load_data_dir, load_dataset
    from qualepref_analysis.io.params import Params, load_params
    from qualepref_analysis.io.results import record_results

#: The package's version, the one source of it (``pyproject.toml`` reads it from here): written out
#: rather than asked of the installed metadata, which costs every process of a review ≈ 0,08 s.
__version__ = "0.1.0"

_LAZY = {
    "SectionContext": "qualepref_analysis.context",
    "SynthesisContext": "qualepref_analysis.context",
    "open_section": "qualepref_analysis.context",
    "open_synthesis": "qualepref_analysis.context",
    "DataBundle": "qualepref_analysis.io.datasets",
    "LoadedDataset": "qualepref_analysis.io.datasets",
    "load_data_dir": "qualepref_analysis.io.datasets",
    "load_dataset": "qualepref_analysis.io.datasets",
    "Params": "qualepref_analysis.io.params",
    "load_params": "qualepref_analysis.io.params",
    "record_results": "qualepref_analysis.io.results",
}

__all__ = ["__version__", "QualeprefError", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'qualepref_analysis' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
