"""Is a change over a year real? The difference of two years' values with its 95 % interval.

Three kinds of values, three intervals (all two-sided, independent years):

- a **rate on counts** (answered within the deadline, calls picked up…): the difference of two
  independent proportions with Newcombe's hybrid score interval (method 10 of Newcombe 1998,
  « Interval estimation for the difference between independent proportions », *Statistics in
  Medicine* 17, 873–890; no continuity correction), in points;
- a **survey estimate**: the difference of two campaigns' weighted estimates, standard error
  √(se₁² + se₂²) from each campaign's linearised standard error, normal quantile;
- a **mean delay**: Welch's interval for the difference of two means (unequal variances,
  Welch–Satterthwaite degrees of freedom), from each year's mean, standard error and count.

The functions are vectorised (numpy arrays or scalars) and pure.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Z_95", "METHODS", "wilson_interval", "newcombe_difference", "normal_difference", "welch_difference",
           "is_significant"]

#: The standard normal quantile of a two-sided 95 % interval.
Z_95 = 1.959963984540054

#: The ``methode`` recorded with each change, and what it means.
METHODS = {
    "newcombe": "différence de deux proportions indépendantes, intervalle de Newcombe (score hybride, sans correction de continuité)",
    "enquetes_independantes": "différence de deux estimations pondérées indépendantes, erreur-type √(se₁² + se₂²), loi normale",
    "welch": "différence de deux moyennes, intervalle de Welch (variances inégales)",
}


def _z(confidence: float) -> float:
    if confidence == 0.95:
        return Z_95
    from scipy import stats

    return float(stats.norm.ppf(0.5 + confidence / 2))


def wilson_interval(successes, n, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray]:
    """Wilson's score interval for a proportion (no continuity correction).

    Parameters
    ----------
    successes, n : array_like
        Counts; ``n`` > 0 (NaN where ``n`` is 0).
    confidence : float

    Returns
    -------
    (low, high) : ndarrays
        Bounds in 0–1.

    Examples
    --------
    >>> low, high = wilson_interval(81, 263)  # Newcombe 1998, Table I, example with 81/263
    >>> round(float(low), 4), round(float(high), 4)
    (0.2553, 0.3662)
    """
    z = _z(confidence)
    x = np.asarray(successes, dtype=float)
    size = np.asarray(n, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        p = x / size
        centre = (2 * x + z ** 2) / (2 * (size + z ** 2))
        spread = z * np.sqrt(z ** 2 + 4 * x * (1 - p)) / (2 * (size + z ** 2))
    low, high = np.clip(centre - spread, 0.0, 1.0), np.clip(centre + spread, 0.0, 1.0)
    low = np.where(x == 0, 0.0, low)  # exact at the boundaries (rounding otherwise leaves 1e-17)
    high = np.where(x == size, 1.0, high)
    return np.where(size > 0, low, np.nan), np.where(size > 0, high, np.nan)


def newcombe_difference(x1, n1, x2, n2, confidence: float = 0.95) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """p₁ − p₂ and Newcombe's hybrid score interval (method 10), p = x / n.

    Parameters
    ----------
    x1, n1 : array_like
        Successes and trials of the first proportion (this year).
    x2, n2 : array_like
        Of the second (the previous year).
    confidence : float

    Returns
    -------
    (difference, low, high) : ndarrays
        In proportion units (multiply by 100 for points); NaN where a denominator is 0.

    Examples
    --------
    Newcombe (1998), Table II, example (a), 56/70 − 48/80:

    >>> d, low, high = newcombe_difference(56, 70, 48, 80)
    >>> round(float(d), 4), round(float(low), 4), round(float(high), 4)
    (0.2, 0.0524, 0.3339)
    """
    x1, n1, x2, n2 = (np.asarray(v, dtype=float) for v in (x1, n1, x2, n2))
    with np.errstate(divide="ignore", invalid="ignore"):
        p1, p2 = x1 / n1, x2 / n2
    l1, u1 = wilson_interval(x1, n1, confidence)
    l2, u2 = wilson_interval(x2, n2, confidence)
    d = p1 - p2
    low = d - np.sqrt((p1 - l1) ** 2 + (u2 - p2) ** 2)
    high = d + np.sqrt((u1 - p1) ** 2 + (p2 - l2) ** 2)
    valid = (n1 > 0) & (n2 > 0)
    return np.where(valid, d, np.nan), np.where(valid, low, np.nan), np.where(valid, high, np.nan)


def normal_difference(estimate1, se1, estimate2, se2, confidence: float = 0.95
                      ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of two independent estimates, SE = √(se₁² + se₂²), normal interval.

    Examples
    --------
    >>> d, low, high = normal_difference(0.92, 0.03, 0.90, 0.04)
    >>> round(float(d), 2), round(float(low), 4), round(float(high), 4)  # ± 1,96 × 0,05
    (0.02, -0.078, 0.118)
    """
    e1, s1, e2, s2 = (np.asarray(v, dtype=float) for v in (estimate1, se1, estimate2, se2))
    d = e1 - e2
    half = _z(confidence) * np.sqrt(s1 ** 2 + s2 ** 2)
    return d, d - half, d + half


def welch_difference(mean1, se1, n1, mean2, se2, n2, confidence: float = 0.95
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Difference of two means with Welch's interval, from each mean's standard error (s / √n) and count.

    Degrees of freedom (Welch–Satterthwaite): (v₁ + v₂)² / (v₁² / (n₁ − 1) + v₂² / (n₂ − 1)),
    vᵢ = seᵢ². NaN where a count is below 2; a zero variance on both sides gives a zero-width
    interval.

    Examples
    --------
    >>> d, low, high = welch_difference(3.0, 0.5, 10, 2.0, 0.5, 10)  # df = 18
    >>> round(float(low), 4), round(float(high), 4)  # 1 ∓ t(0,975; 18) × √0,5
    (-0.4856, 2.4856)
    """
    from scipy import stats

    m1, s1, c1, m2, s2, c2 = (np.asarray(v, dtype=float) for v in (mean1, se1, n1, mean2, se2, n2))
    v1, v2 = s1 ** 2, s2 ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        df = (v1 + v2) ** 2 / (v1 ** 2 / (c1 - 1) + v2 ** 2 / (c2 - 1))
    df = np.where((v1 + v2) > 0, df, np.inf)
    half = stats.t.ppf(0.5 + confidence / 2, df) * np.sqrt(v1 + v2)
    d = m1 - m2
    valid = (c1 >= 2) & (c2 >= 2)
    return np.where(valid, d, np.nan), np.where(valid, d - half, np.nan), np.where(valid, d + half, np.nan)


def is_significant(low, high) -> np.ndarray:
    """Whether an interval of a difference excludes 0 (NaN bounds: ``False``)."""
    low, high = np.asarray(low, dtype=float), np.asarray(high, dtype=float)
    return (low > 0) | (high < 0)
