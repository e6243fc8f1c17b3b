"""Is a small site really below its target? Funnel limits around a target rate.

A rate on few items swings by chance: 12 complaints answered in time out of 14 is 85,7 %, one
more late and it is 78,6 %. The funnel plot (Spiegelhalter 2005, « Funnel plots for comparing
institutional performance », *Statistics in Medicine* 24, 1185–1202) draws, for every
denominator n, the range a site whose true rate is the target p₀ would show 95 % (and 99,8 %)
of the time. A value below the lower limit is a shortfall beyond chance; a value inside the
funnel is compatible with the target on that many items, even when it misses it.

The limits come from the exact binomial distribution, interpolated as the paper's appendix
does: for a probability p, r_p is the smallest r with F(r) ≥ p for Binomial(n, p₀),
α = (F(r_p) − p) / (F(r_p) − F(r_p − 1)) and the limit is (r_p − α) / n.
"""

from __future__ import annotations

import numpy as np

__all__ = ["FUNNEL_PROBABILITIES", "POSITIONS", "binomial_limit", "funnel_limits", "funnel_position"]

#: The probabilities of the four limits: 95 % (2,5 % and 97,5 %) and 99,8 % (0,1 % and 99,9 %).
FUNNEL_PROBABILITIES = {"limite_95_bas": 0.025, "limite_95_haut": 0.975, "limite_998_bas": 0.001,
                        "limite_998_haut": 0.999}

#: Where a value stands, judged against the 95 % limits.
POSITIONS = ("au-dessus", "dans la plage", "en dessous")


def binomial_limit(n, target, probability: float) -> np.ndarray:
    """The funnel limit (a proportion, 0–1) at ``probability`` for ``n`` items around ``target``.

    Parameters
    ----------
    n : array_like of int
        Denominators (items), > 0; NaN elsewhere.
    target : float or array_like
        The target proportion p₀, 0–1.
    probability : float
        0,025 and 0,975 for the 95 % limits, 0,001 and 0,999 for the 99,8 % ones.

    Returns
    -------
    ndarray
        (r_p − α) / n, clipped to 0–1.

    Examples
    --------
    Ten items around a target of 50 %: r = 2 is the first count with F(r) ≥ 0,025
    (F(1) = 11/1024, F(2) = 56/1024), α = (56/1024 − 0,025) / (45/1024) = 0,6756, so the limit
    is (2 − 0,6756) / 10:

    >>> round(float(binomial_limit(10, 0.5, 0.025)), 4)
    0.1324
    """
    from scipy import stats

    size = np.asarray(n, dtype=float)
    p0 = np.broadcast_to(np.asarray(target, dtype=float), size.shape)
    valid = size > 0
    safe = np.where(valid, size, 1.0)
    r = stats.binom.ppf(probability, safe, p0)
    # ppf is computed in floating point: step to the smallest r with F(r) ≥ probability exactly
    r = np.where(stats.binom.cdf(r - 1, safe, p0) >= probability, r - 1, r)
    at_r, below = stats.binom.cdf(r, safe, p0), stats.binom.cdf(r - 1, safe, p0)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where(at_r > below, (at_r - probability) / (at_r - below), 0.0)
    limit = np.clip((r - alpha) / safe, 0.0, 1.0)
    return np.where(valid, limit, np.nan)


def funnel_limits(n, target) -> dict[str, np.ndarray]:
    """The four limits of :data:`FUNNEL_PROBABILITIES` (proportions 0–1) for each ``n``."""
    return {name: binomial_limit(n, target, p) for name, p in FUNNEL_PROBABILITIES.items()}


def funnel_position(value, low, high) -> np.ndarray:
    """« au-dessus », « dans la plage » or « en dessous » of the limits (inclusive range); NaN → ``None``.

    Examples
    --------
    >>> funnel_position([0.9, 0.5, 0.1, np.nan], 0.2, 0.8).tolist()
    ['au-dessus', 'dans la plage', 'en dessous', None]
    """
    value, low, high = np.broadcast_arrays(*(np.asarray(v, dtype=float) for v in (value, low, high)))
    out = np.where(value > high, POSITIONS[0], np.where(value < low, POSITIONS[2], POSITIONS[1])).astype(object)
    out[np.isnan(value) | np.isnan(low) | np.isnan(high)] = None
    return out
