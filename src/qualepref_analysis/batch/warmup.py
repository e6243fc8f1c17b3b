"""What a batch kernel started without a zygote runs first, before it is given a notebook.

The imports every section needs (pandas, matplotlib, seaborn, this package) are loaded while
the previous notebook is still running, so that a notebook's first cell finds them ready; with
:func:`prepare` the kernel also joins its batch run (validated data, shared cache). Only modules
are loaded: the notebook's namespace stays empty, and each kernel still runs one notebook only.
"""

from __future__ import annotations

import IPython.display  # noqa: F401
import matplotlib.pyplot  # noqa: F401
import seaborn  # noqa: F401  (the figure theme; brings scipy.stats)

import qualepref_analysis.context  # noqa: F401  (the notebook API and, through it, every layer below)
import qualepref_analysis.report.charts  # noqa: F401  (the charts, which report imports on first use)
import qualepref_analysis.sections.narratives  # noqa: F401

from qualepref_analysis.batch.shared import join

__all__ = ["prepare"]


def prepare(folder: str | None) -> None:
    """Join the batch run of ``folder`` (named on the kernel's command line by the batch)."""
    if folder:
        join(folder)
