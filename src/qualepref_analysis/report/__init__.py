"""What a reader sees, the French way: numbers, dates, labels, values in their units, HTML tables, charts.

Notebooks use it as one namespace (``report.french_table``, ``report.format_date``…). Each name is
imported from its module on first use (PEP 562), so that importing one light module of the layer
(:mod:`.grammar` for a batch worker, :mod:`.formatting` for ``qualepref validate``) does not bring
the others: pandas with the tables, the delay kernels and the calendar with the charts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs only
    from qualepref_analysis.report.charts import apply_figure_theme, show_figure
    from qualepref_analysis.report.formatting import (LOCALE, format_date, format_number, format_percent,
                                                      join_french, month_labels, plural, site_complement, site_subject)
    from qualepref_analysis.report.grammar import count_of, period_label
    from qualepref_analysis.report.html import (Table, absent_dataset, french_table, heading, no_site_rows, paragraph,
                                                section_lead)
    from qualepref_analysis.report.labels import label
    from qualepref_analysis.report.values import format_change, format_target, format_value

_MODULES = {
    "charts": ["apply_figure_theme", "show_figure"],
    "formatting": ["LOCALE", "format_number", "format_percent", "format_date", "plural", "site_subject",
                   "site_complement", "join_french", "month_labels"],
    "grammar": ["count_of", "period_label"],
    "html": ["Table", "absent_dataset", "french_table", "heading", "paragraph", "section_lead", "no_site_rows"],
    "labels": ["label"],
    "values": ["format_change", "format_target", "format_value"],
}
_LAZY = {name: module for module, names in _MODULES.items() for name in names}

__all__ = list(_LAZY)


def __getattr__(name: str) -> Any:
    """``report.<name>``, imported from its module on first use."""
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*__all__, *_MODULES])
