"""qualepref-analysis: the Qual-e-Pref annual review from the raw registers."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from qualepref_analysis.context import SectionContext, SynthesisContext, open_section, open_synthesis
from qualepref_analysis.io.datasets import DataBundle, LoadedDataset, load_data_dir, load_dataset
from qualepref_analysis.errors import QualeprefError
from qualepref_analysis.io.params import Params, load_params
from qualepref_analysis.io.results import record_results

try:
    __version__ = version("qualepref-analysis")
except PackageNotFoundError:  # running from a source tree without installation
    __version__ = "0.0.0"

__all__ = [
    "__version__",
    "QualeprefError",
    "Params",
    "load_params",
    "DataBundle",
    "LoadedDataset",
    "load_dataset",
    "load_data_dir",
    "SectionContext",
    "open_section",
    "SynthesisContext",
    "open_synthesis",
    "record_results",
]
