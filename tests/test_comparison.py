"""Is a change real, is a small site really below target: the intervals and limits against
published examples, another library and hand calculations (never against the code itself)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.analysis.comparison import (is_significant, newcombe_difference, normal_difference,
                                                    welch_difference, wilson_interval)
from qualepref_analysis.analysis.funnel import binomial_limit, funnel_limits, funnel_position
from qualepref_analysis.analysis.indicators import change_intervals, funnel_columns

Z = 1.959964


# Newcombe (1998), Statistics in Medicine 17:873-890, Table II, method 10 (hybrid score, no continuity correction)
@pytest.mark.parametrize("x1, n1, x2, n2, low, high", [
    (56, 70, 48, 80, 0.0524, 0.3339),
    (9, 10, 3, 10, 0.1705, 0.8090),
    (6, 7, 2, 7, 0.0582, 0.8062),
    (5, 56, 0, 29, -0.0381, 0.1926),
    (0, 10, 0, 20, -0.1611, 0.2775),
    (10, 10, 0, 20, 0.6791, 1.0000),
])
def test_newcombe_hybrid_score_interval_on_the_papers_examples(x1, n1, x2, n2, low, high):
    d, lo, hi = newcombe_difference(x1, n1, x2, n2)
    assert float(d) == pytest.approx(x1 / n1 - x2 / n2)
    assert float(lo) == pytest.approx(low, abs=5e-5) and float(hi) == pytest.approx(high, abs=5e-5)


def test_newcombe_at_zero_and_n_by_hand():
    # Wilson at x = n: lower bound n / (n + z²); at x = 0: upper bound z² / (n + z²)
    lower_all = 10 / (10 + Z ** 2)
    d, lo, hi = newcombe_difference(10, 10, 10, 10)
    assert float(d) == 0 and float(lo) == pytest.approx(-(1 - lower_all), abs=1e-6)
    assert float(hi) == pytest.approx(1 - lower_all, abs=1e-6)
    d, lo, hi = newcombe_difference(0, 20, 0, 20)
    upper_none = Z ** 2 / (20 + Z ** 2)
    assert float(lo) == pytest.approx(-upper_none, abs=1e-6) and float(hi) == pytest.approx(upper_none, abs=1e-6)
    low, high = wilson_interval([0, 20], [20, 20])
    assert list(low) == [0.0, pytest.approx(20 / (20 + Z ** 2), abs=1e-6)] and list(high)[1] == 1.0
    assert np.isnan(newcombe_difference(3, 0, 2, 5)[1])  # no item: no interval


def test_welch_equals_scipy_on_raw_samples():
    from scipy import stats

    rng = np.random.default_rng(7)
    a, b = rng.gamma(2.0, 1.5, 37), rng.gamma(3.0, 1.2, 12)
    expected = stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    d, lo, hi = welch_difference(a.mean(), a.std(ddof=1) / math.sqrt(len(a)), len(a),
                                 b.mean(), b.std(ddof=1) / math.sqrt(len(b)), len(b))
    assert float(d) == pytest.approx(a.mean() - b.mean())
    assert float(lo) == pytest.approx(expected.low, rel=1e-9) and float(hi) == pytest.approx(expected.high, rel=1e-9)
    assert np.isnan(welch_difference(2.0, 0.0, 1, 3.0, 0.5, 10)[1])  # one answer: no variance, no interval


def test_survey_difference_by_hand():
    d, lo, hi = normal_difference(92.01, 1.45, 89.46, 2.05)
    half = Z * math.sqrt(1.45 ** 2 + 2.05 ** 2)
    assert float(lo) == pytest.approx(2.55 - half, abs=1e-4) and float(hi) == pytest.approx(2.55 + half, abs=1e-4)
    assert list(is_significant([lo, 0.1, np.nan], [hi, 0.3, 1.0])) == [False, True, False]


def _exact_limit(n: int, p0: float, p: float) -> float:
    """Spiegelhalter (2005), appendix: exact binomial CDF by summation, then the interpolation."""
    from fractions import Fraction

    q0, q = Fraction(p0).limit_denominator(1000), Fraction(p).limit_denominator(1000)
    cdf, total = [], Fraction(0)
    for r in range(n + 1):  # exact rational arithmetic
        total += math.comb(n, r) * q0 ** r * (1 - q0) ** (n - r)
        cdf.append(total)
    r_p = next(r for r in range(n + 1) if cdf[r] >= q)
    below = cdf[r_p - 1] if r_p else Fraction(0)
    alpha = (cdf[r_p] - q) / (cdf[r_p] - below)
    return float((r_p - alpha) / n)


@pytest.mark.parametrize("n, p0", [(14, 0.75), (5, 0.75), (376, 0.75), (50, 0.9), (1375, 0.9), (20, 0.5)])
def test_funnel_limits_equal_a_hand_calculation(n, p0):
    limits = funnel_limits([n], p0)
    for name, p in {"limite_95_bas": 0.025, "limite_95_haut": 0.975, "limite_998_bas": 0.001,
                    "limite_998_haut": 0.999}.items():
        assert float(limits[name][0]) == pytest.approx(_exact_limit(n, p0, p), abs=1e-9), (name, n, p0)
    assert limits["limite_998_bas"][0] <= limits["limite_95_bas"][0] < p0 < limits["limite_95_haut"][0]


def test_funnel_position_and_the_catalogue_columns():
    assert binomial_limit(0, 0.75, 0.025)[()] != binomial_limit(0, 0.75, 0.025)[()]  # NaN without items
    assert list(funnel_position([0.99, 0.75, 0.40], 0.5, 0.9)) == ["au-dessus", "dans la plage", "en dessous"]
    frame = pd.DataFrame({"unite": ["pourcent", "pourcent", "jours_ouvres", "pourcent"],
                          "secret": ["general", "general", "general", "enquete"],
                          "valeur": [85.7, 73.7, 3.0, 92.0], "denominateur": [14.0, 376.0, 300.0, 189.0],
                          "cible": [75.0, 75.0, 5.0, 80.0]})
    out = funnel_columns(frame)
    low_small, low_large = _exact_limit(14, 0.75, 0.025), _exact_limit(376, 0.75, 0.025)
    assert out.loc[0, "entonnoir_95_bas"] == pytest.approx(100 * low_small, abs=1e-7)
    assert out.loc[1, "entonnoir_95_bas"] == pytest.approx(100 * low_large, abs=1e-7)
    assert list(out["entonnoir_position"][:2]) == ["dans la plage", "dans la plage"]
    assert out.loc[2:, "entonnoir_95_bas"].isna().all()  # a delay, a survey share: no binomial funnel


def test_change_intervals_pick_the_method_of_each_kind():
    frame = pd.DataFrame({
        "unite": ["pourcent", "pourcent", "jours_ouvres", "nombre"],
        "secret": ["general", "enquete", "general", None],
        "valeur": [80.0, 92.0, 3.0, 14.0], "numerateur": [56.0, 170.0, 30.0, 14.0],
        "denominateur": [70.0, 185.0, 10.0, np.nan], "erreur_type": [np.nan, 1.5, 0.5, np.nan],
        "valeur_annee_precedente": [60.0, 90.0, 2.0, 2.0], "numerateur_annee_precedente": [48.0, 120.0, 20.0, 2.0],
        "n_annee_precedente": [80.0, 133.0, 10.0, np.nan], "erreur_type_annee_precedente": [np.nan, 2.0, 0.5, np.nan],
    })
    frame["evolution"] = frame["valeur"] - frame["valeur_annee_precedente"]
    out = change_intervals(frame)
    assert list(out["evolution_methode"]) == ["newcombe", "enquetes_independantes", "welch", ""]
    assert out.loc[0, "evolution_ic_bas"] == pytest.approx(5.24, abs=5e-3)  # Newcombe's example (a), in points
    assert out.loc[1, "evolution_ic_haut"] == pytest.approx(2.0 + Z * 2.5, abs=1e-4)
    assert list(out["evolution_significative"][:3]) == [True, False, False] and pd.isna(out.loc[3, "evolution_ic_bas"])
