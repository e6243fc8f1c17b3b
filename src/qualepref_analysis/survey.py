"""Survey weighting: post-stratification of the respondents to footfall margins.

Each site's sample over-represents some services (the foreigners' service
above all); weights bring it back to the footfall of each service during the
campaign, given by the ``marges`` data set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import QualeprefError

__all__ = ["Weights", "WeightingError", "poststratify", "weighted_share"]


class WeightingError(QualeprefError, ValueError):
    """The margins cannot weight these respondents (a stratum without margin, or without respondent)."""


@dataclass(frozen=True)
class Weights:
    """Survey weights of the respondents.

    Attributes
    ----------
    values : Series
        One weight per respondent, aligned on the responses' index.
    method : str
        ``"poststratification"`` (or ``"aucune"`` for unit weights).
    variables : tuple of str
        Variables weighted on.
    strata : Series
        Stratum of each respondent (for the variance estimator).
    population : dict
        Population count of each stratum.
    """

    values: pd.Series
    method: str
    variables: tuple[str, ...]
    strata: pd.Series = field(default_factory=lambda: pd.Series(dtype=object))
    population: dict = field(default_factory=dict)


def poststratify(responses: pd.DataFrame, margins: pd.DataFrame, by: str = "service") -> Weights:
    """Post-stratification weights: w = N_h / n_h for a respondent of stratum h.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign.
    margins : DataFrame
        ``marges`` rows of that site and campaign (long format: ``variable``, ``modalite``, ``effectif``).
    by : str
        The variable to post-stratify on.

    Raises
    ------
    WeightingError
        No margin for ``by``; a respondent's stratum has no margin; a margin has no respondent.
    """
    mine = margins[margins["variable"] == by]
    if mine.empty:
        raise WeightingError(f"aucune marge pour la variable « {by} » : impossible de pondérer.")
    population = mine.groupby("modalite")["effectif"].sum().astype(float)
    strata = responses[by].astype(object)
    counts = strata.value_counts()
    without_margin = sorted(set(counts.index) - set(population.index))
    if without_margin or strata.isna().any():
        missing = ", ".join(map(str, without_margin)) or "(vide)"
        raise WeightingError(f"des répondants ont une modalité « {by} » sans marge : {missing}.")
    empty = sorted(set(population.index) - set(counts.index))
    if empty:
        raise WeightingError(f"marge(s) sans aucun répondant pour « {by} » : {', '.join(map(str, empty))} ; "
                             "regroupez ces modalités avec une modalité voisine.")
    values = strata.map(population / counts).astype(float)
    return Weights(values=values, method="poststratification", variables=(by,), strata=strata,
                   population=population.to_dict())


def weighted_share(answers: pd.Series, weights: pd.Series | None, satisfied: tuple[int, ...] = (3, 4)) -> float:
    """Weighted percentage (0-100) of satisfied answers among the respondents to a question."""
    answered = answers.notna()
    w = pd.Series(1.0, index=answers.index) if weights is None else weights.astype(float)
    total = w[answered].sum()
    if total <= 0:
        return float("nan")
    return float(100 * w[answered & answers.isin(satisfied)].sum() / total)
