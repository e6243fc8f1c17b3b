"""What a reader sees, the French way: numbers, dates, labels, values in their units, HTML tables, charts.

Notebooks use it as one namespace (``report.french_table``, ``report.format_date``…). The charts
(:mod:`.charts`, which brings the delay kernels and the calendar) are imported on first use, so that
``qualepref validate``, which formats its figures with :mod:`.formatting`, does not pay for them.
"""

from typing import Any

from qualepref_analysis.report.formatting import (LOCALE, format_date, format_number, format_percent, join_french,
                                                  month_labels, plural, site_complement, site_subject)
from qualepref_analysis.report.html import (Table, absent_dataset, french_table, heading, paragraph,
                                            section_lead, no_site_rows)
from qualepref_analysis.report.grammar import count_of, period_label
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_change, format_target, format_value

__all__ = [
    "LOCALE", "count_of", "period_label", "format_number", "format_percent", "format_date", "plural", "site_subject", "site_complement",
    "join_french", "month_labels", "label", "format_value", "format_change", "format_target", "french_table",
    "heading", "section_lead", "paragraph", "absent_dataset", "no_site_rows", "Table", "apply_figure_theme", "show_figure",
]


_LAZY = {"apply_figure_theme": "charts", "show_figure": "charts"}


def __getattr__(name: str) -> Any:
    """``report.show_figure`` and ``report.apply_figure_theme``, imported on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value
