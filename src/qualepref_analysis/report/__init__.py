"""What a reader sees, the French way: numbers, dates, labels, values in their units, HTML tables, charts.

Notebooks use it as one namespace (``report.french_table``, ``report.format_date``…).
"""

from qualepref_analysis.report.charts import apply_figure_theme, show_figure
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
