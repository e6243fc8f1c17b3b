"""The small-cell rule as one function over a table of cases, and its use by charts and tables.

Expected treatments are the rule of DESIGN.md / INDICATORS.md written by hand: a count is always
published; a share on fewer units than the threshold is given as counts; a statistic (mean,
quantile, median, curve), a relative change and a group of a distribution chart on fewer units
are withheld; survey figures use the survey threshold.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from qualepref_analysis.report import charts  # noqa: E402
from qualepref_analysis.report.disclosure import Disclosure, Treatment  # noqa: E402
from qualepref_analysis.sections import volumes  # noqa: E402

RULE = Disclosure(threshold=10, survey_threshold=20)
SHOW, COUNTS, WITHHOLD = Treatment.SHOW, Treatment.COUNTS, Treatment.WITHHOLD


@pytest.mark.parametrize("figure, n, survey, expected", [
    ("count", 0, False, SHOW), ("count", 3, False, SHOW), ("count", 3, True, SHOW),
    ("share", 9, False, COUNTS), ("share", 10, False, SHOW), ("share", 0, False, COUNTS),
    ("share", None, False, COUNTS), ("share", float("nan"), False, COUNTS),
    ("share", 19, True, COUNTS), ("share", 20, True, SHOW),
    ("statistic", 4, False, WITHHOLD), ("statistic", 1, False, WITHHOLD), ("statistic", 10, False, SHOW),
    ("statistic", 15, True, WITHHOLD),
    ("change", 2, False, WITHHOLD), ("change", 4, False, WITHHOLD), ("change", 431, False, SHOW),
    ("chart", 1, False, WITHHOLD), ("chart", 3, False, WITHHOLD), ("chart", 12, False, SHOW),
])
def test_the_rule(figure, n, survey, expected):
    assert RULE.decide(figure, n, survey=survey) is expected
    assert RULE.shows(figure, n, survey=survey) is (expected is SHOW)


def test_a_threshold_of_zero_still_needs_one_unit():
    rule = Disclosure(threshold=0, survey_threshold=0)
    assert rule.decide("share", 0) is COUNTS and rule.decide("share", 1) is SHOW


def test_unknown_figure_is_refused():
    with pytest.raises(ValueError, match="inconnue"):
        RULE.decide("moyenne", 12)


def _answered(channel: str, n: int, *, answered: bool = True) -> pd.DataFrame:
    return pd.DataFrame({"canal": channel, "delai": np.arange(n, dtype=float) if answered else np.nan,
                         "delai_max": 5, "duree_observee": np.arange(n, dtype=float), "repondu": answered})


def test_distribution_charts_leave_out_small_groups():
    # Antony's demo case: channels with 1 and 3 complaints beside one with 14.
    items = pd.concat([_answered("courriel", 14), _answered("urne", 1), _answered("courrier", 3)], ignore_index=True)
    boxes = charts.plot_delay_boxes(items, title="Délais", disclosure=RULE)
    assert [t.get_text() for t in boxes.axes[0].get_yticklabels()] == ["Courriel"]
    assert "Urne (1)" in boxes.texts[0].get_text() and "Courrier (3)" in boxes.texts[0].get_text()
    curves = charts.plot_survival(items, title="Sans réponse", disclosure=RULE, deadlines=[5], by="canal")
    drawn = [line.get_label() for line in curves.axes[0].get_lines() if not line.get_label().startswith("Délai")]
    assert drawn == ["Courriel (n = 14)"]
    assert charts.plot_delay_boxes(items[items["canal"] != "courriel"], title="x", disclosure=RULE) is None
    assert charts.plot_survival(items[items["canal"] != "courriel"], title="x", disclosure=RULE, by="canal") is None


def test_delay_tables_withhold_statistics_of_small_channels():
    # Boulogne's demo case: 4 and 1 replies must not come with a mean and quartiles.
    stats = pd.DataFrame({"canal": ["courriel", "courrier", "urne"], "n": [25.0, 4.0, 1.0],
                          "moyenne": [3.2, 7.5, 2.0], "min": [0.0, 5.0, 2.0], "25%": [1.0, 6.0, 2.0],
                          "50%": [3.0, 7.0, 2.0], "75%": [4.0, 9.0, 2.0], "90%": [6.0, 10.0, 2.0],
                          "max": [9.0, 10.0, 2.0]})
    table = volumes.readable_quantiles(stats, disclosure=RULE)
    assert table["Réponses"].tolist() == [25, 4, 1]
    assert table.loc[0, "Moyenne"] == 3.2
    assert table.loc[1:, ["Moyenne", "1er quartile", "Médiane", "3e quartile", "9e décile", "Maximum"]].isna().all().all()
    summary = pd.DataFrame({"canal": ["courriel", "urne"], "n": [25, 3], "sans_reponse": [4.0, 33.3],
                            "delai_moyen_repondus": [3.1, 2.0], "mediane_km": [3.0, 2.0], "delai_reference": [5, 10],
                            "part_dans_delai_km": [90.0, 66.7]})
    shown = volumes.readable_time_to_answer(summary, disclosure=RULE)
    assert shown.loc[1, ["Sans réponse (%)", "Délai moyen des réponses", "Médiane (Kaplan–Meier)",
                         "Répondues dans le délai (Kaplan–Meier, %)"]].isna().all()
    assert shown.loc[0, "Délai moyen des réponses"] == 3.1 and shown.loc[1, "Réclamations"] == 3


def test_no_relative_change_on_a_small_base():
    # Antony's demo case: 2 complaints in 2021, 10 in 2022 (« +400 % ») and 4 → 0 (« −100 % »).
    rows = ([("courriel", 2021)] * 2 + [("courriel", 2022)] * 10 + [("courrier", 2021)] * 4
            + [("formulaire_web", 2021)] * 20 + [("formulaire_web", 2022)] * 25)
    items = pd.DataFrame({"canal": [c for c, _ in rows],
                          "date_reception": pd.to_datetime([f"{y}-03-01" for _, y in rows])})
    table = volumes.channels_year_over_year(items, year=2022, disclosure=RULE).set_index("Canal")
    assert pd.isna(table.loc["Courriel", "Évolution (%)"]) and pd.isna(table.loc["Courrier", "Évolution (%)"])
    assert table.loc["Formulaire web", "Évolution (%)"] == pytest.approx(25.0)  # (25 − 20) / 20, by hand
    assert table.loc["Courriel", "2022"] == 10  # the counts stay
