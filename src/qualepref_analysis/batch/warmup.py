"""What a batch kernel does as it starts, before it is given a notebook.

The imports every section needs (pandas, matplotlib, seaborn, babel, this package; scikit-learn is
left to the two sections that classify complaints) and
the data the batch has already validated are loaded while the previous notebook is still
running, so that a notebook's first cell finds them ready. Only modules are loaded: the
notebook's namespace stays empty, and each kernel still runs one notebook only.
"""

from __future__ import annotations

import IPython.display  # noqa: F401
import matplotlib.pyplot  # noqa: F401
import seaborn  # noqa: F401  (the figure theme; brings scipy.stats)

import qualepref_analysis  # noqa: F401  (every section module, through the package)

from qualepref_analysis.context import preload_validated_data

preload_validated_data()
