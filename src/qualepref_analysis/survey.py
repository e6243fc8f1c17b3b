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

__all__ = ["Weights", "WeightingError", "poststratify", "weighted_share", "poststratified_shares"]


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


def poststratified_shares(responses: pd.DataFrame, margins: pd.DataFrame | None, question: str, *,
                          by: str = "service", groups: tuple[str, ...] = ("site", "campagne"),
                          satisfied: tuple[int, ...] = (3, 4)) -> pd.DataFrame:
    """Post-stratified share of satisfied answers for every site × campaign at once.

    Vectorised equivalent of :func:`poststratify` + :func:`weighted_share` per group. A group
    whose margins cannot weight its respondents (no margin for ``by``, a stratum without margin
    or a margin without respondent) is left unweighted and flagged ``pondere = False``.

    Returns
    -------
    DataFrame
        One row per group: the ``groups`` columns, ``part`` (0-100), ``repondants``,
        ``satisfaits`` (unweighted counts), ``pondere``.
    """
    keys = list(groups)
    data = responses[[*keys, by, question]].copy()
    data["_stratum"] = data[by].astype(object)
    counts = data.groupby([*keys, "_stratum"], observed=True, dropna=False).size().rename("n_h")
    if margins is not None and not margins.empty:
        mine = margins[margins["variable"] == by]
        population = mine.groupby([*keys, "modalite"], observed=True)["effectif"].sum().rename("N_h")
        population.index = population.index.set_names([*keys, "_stratum"])
    else:
        population = pd.Series(dtype=float, name="N_h",
                               index=pd.MultiIndex.from_tuples([], names=[*keys, "_stratum"]))
    strata = pd.concat([counts, population], axis=1, join="outer")
    respondents_groups = counts.index.droplevel("_stratum").unique()
    invalid = strata[strata["n_h"].isna() | strata["N_h"].isna()].index.droplevel("_stratum").unique()
    without_margin = respondents_groups.difference(population.index.droplevel("_stratum").unique())
    invalid = invalid.union(without_margin)
    strata["w"] = strata["N_h"] / strata["n_h"]
    data = data.join(strata["w"], on=[*keys, "_stratum"])
    group_index = pd.MultiIndex.from_frame(data[keys])
    unweighted = group_index.isin(invalid) | data["_stratum"].isna().to_numpy()
    data.loc[unweighted, "w"] = 1.0
    answered = data[question].notna()
    happy = answered & data[question].isin(satisfied)
    data["_w_answered"] = data["w"].where(answered, 0.0)
    data["_w_happy"] = data["w"].where(happy, 0.0)
    data["_answered"], data["_happy"], data["_unweighted"] = answered, happy, unweighted
    out = data.groupby(keys, observed=True).agg(
        w_answered=("_w_answered", "sum"), w_happy=("_w_happy", "sum"), repondants=("_answered", "sum"),
        satisfaits=("_happy", "sum"), non_pondere=("_unweighted", "any")).reset_index()
    out["part"] = 100 * out["w_happy"] / out["w_answered"].where(out["w_answered"] > 0)
    out["pondere"] = ~out["non_pondere"]
    return out[[*keys, "part", "repondants", "satisfaits", "pondere"]]
