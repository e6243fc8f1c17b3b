"""Sparse survey strata: a service with too few respondents joins « autres services ».

Post-stratifying on a service answered by 3 people gives each of them the weight of the
service's whole footfall: the estimate then rests on them. Before weighting, each campaign's
services with fewer respondents than a threshold (``enquetes.min_repondants_strate``) are
merged, with their footfall, into one « autres services » stratum (together with an existing
service of that code); if that stratum is still below the threshold, it joins the remaining
service with the fewest respondents (ties: the smaller footfall, then the code's alphabetical
order). In raking, the other variables are not merged: a variable with a category below the
threshold is left out of that campaign's raking.

Everything is a pure function of the responses and margins of each campaign, so that the
indicator (every campaign at once) and section 03 (one campaign) merge the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

__all__ = ["OTHER", "StrataMerge", "sparse_strata", "apply_strata", "sparse_variables"]

#: The code of the « autres services » stratum.
OTHER = "autres"


@dataclass(frozen=True)
class StrataMerge:
    """What :func:`sparse_strata` merged in one campaign.

    Attributes
    ----------
    group : tuple
        The campaign's keys (site, campaign).
    mapping : dict of str to str
        Category → stratum, for the categories that moved.
    respondents : dict of str to int
        Respondents of every category of the campaign before merging.
    threshold : int
    """

    group: tuple
    mapping: dict
    respondents: dict
    threshold: int


def _counts(responses: pd.DataFrame, margins: pd.DataFrame | None, variable: str,
            groups: list[str]) -> tuple[pd.Series, pd.Series]:
    respondents = responses.dropna(subset=[variable]).groupby([*groups, variable], observed=True).size()
    if margins is None or margins.empty:
        footfall = pd.Series(dtype=float)
    else:
        rows = margins[margins["variable"] == variable]
        footfall = rows.groupby([*groups, "modalite"], observed=True)["effectif"].sum()
        footfall.index = footfall.index.set_names([*groups, variable])
    return respondents, footfall


def sparse_strata(responses: pd.DataFrame, margins: pd.DataFrame | None, *, threshold: int,
                  variable: str = "service", groups: tuple[str, ...] = ("site", "campagne"),
                  other: str = OTHER) -> list[StrataMerge]:
    """Per campaign, the categories of ``variable`` to merge because too few people answered in them.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows: the ``groups`` columns and ``variable``.
    margins : DataFrame or None
        ``marges`` rows: the ``groups`` columns, ``variable``, ``modalite``, ``effectif``. A category of
        the margins without any respondent counts as 0 respondents.
    threshold : int
        Fewest respondents a category keeps its own stratum with; 0: nothing is merged.
    variable : str
    groups : tuple of str
    other : str
        The code of the merged stratum.

    Returns
    -------
    list of StrataMerge
        One per campaign where something moved, in the order of the campaigns.

    Examples
    --------
    >>> answers = pd.DataFrame({"site": "a", "campagne": "2022",
    ...                         "service": ["titres"] * 12 + ["pan"] * 3 + ["autres"] * 2 + ["accueil"] * 11})
    >>> [merge.mapping for merge in sparse_strata(answers, None, threshold=5)]  # PAN (3) joins « autres » (2)
    [{'pan': 'autres'}]
    >>> [merge.mapping for merge in sparse_strata(answers, None, threshold=10)]  # 5 still short: to « accueil » (11)
    [{'pan': 'accueil', 'autres': 'accueil'}]
    """
    keys = list(groups)
    if threshold <= 0 or variable not in responses.columns:
        return []
    respondents, footfall = _counts(responses, margins, variable, keys)
    cells = respondents.index.union(footfall.index)
    merges = []
    levels = list(range(len(keys))) if len(keys) > 1 else 0  # a scalar level keeps scalar group keys
    for group, rows in pd.Series(0, index=cells).groupby(level=levels):
        categories = [c[-1] for c in rows.index]
        count = {c: int(respondents.get((*_as_tuple(group), c), 0)) for c in categories}
        people = {c: float(footfall.get((*_as_tuple(group), c), 0.0)) for c in categories}
        mapping = {c: other for c in categories if c != other and count[c] < threshold}
        pooled = [c for c in categories if mapping.get(c, c) == other]
        remaining = [c for c in categories if mapping.get(c, c) != other]
        if pooled and remaining and sum(count[c] for c in pooled) < threshold:
            receiver = min(remaining, key=lambda c: (count[c], people[c], str(c)))
            mapping.update({c: receiver for c in pooled})
        mapping = {c: s for c, s in mapping.items() if c != s}
        if mapping:
            merges.append(StrataMerge(_as_tuple(group), mapping, count, threshold))
    return merges


def _as_tuple(group) -> tuple:
    return group if isinstance(group, tuple) else (group,)


def apply_strata(responses: pd.DataFrame, margins: pd.DataFrame | None, merges: list[StrataMerge], *,
                 variable: str = "service", groups: tuple[str, ...] = ("site", "campagne")
                 ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Copies of ``responses`` and ``margins`` with each campaign's categories recoded to their stratum.

    The margins of the merged categories are summed into their stratum's: the footfall is kept.
    """
    if not merges:
        return responses, margins
    keys = list(groups)
    recode = pd.DataFrame([(*m.group, c, s) for m in merges for c, s in m.mapping.items()],
                          columns=[*keys, "_from", "_to"])

    def recoded(frame: pd.DataFrame, column: str) -> pd.Series:
        moved = frame[keys + [column]].astype({column: object}).merge(
            recode.rename(columns={"_from": column}), on=[*keys, column], how="left")["_to"]
        return pd.Series(moved.to_numpy(), index=frame.index).fillna(frame[column].astype(object))

    out_responses = responses.assign(**{variable: recoded(responses, variable)})
    if margins is None or margins.empty:
        return out_responses, margins
    mine = margins["variable"] == variable
    recoded_margins = margins.assign(modalite=margins["modalite"].astype(object).where(
        ~mine, recoded(margins, "modalite")))
    summed = recoded_margins.groupby([*keys, "variable", "modalite"], observed=True, sort=False,
                                     as_index=False)["effectif"].sum()
    return out_responses, summed


def sparse_variables(responses: pd.DataFrame, margins: pd.DataFrame | None, variables: tuple[str, ...], *,
                     threshold: int, groups: tuple[str, ...] = ("site", "campagne")) -> dict[tuple, tuple[str, ...]]:
    """Per campaign, the raking variables (after the first) that have a category below ``threshold``.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows with the ``groups`` columns and the ``variables`` they have.
    margins : DataFrame or None
        ``marges`` rows; a category of the margins without any respondent counts as 0.
    variables : tuple of str
        Raking variables in sweep order; the first (``service``) is merged by :func:`sparse_strata`
        instead, never left out.
    threshold : int

    Returns
    -------
    dict
        Campaign keys → variables to leave out of its raking (only campaigns with some).
    """
    keys = list(groups)
    out: dict[tuple, list[str]] = {}
    if threshold <= 0:
        return {}
    for variable in variables[1:]:
        if variable not in responses.columns:
            continue
        respondents, footfall = _counts(responses, margins, variable, keys)
        if respondents.empty:
            continue
        answered = set(dict.fromkeys(tuple(index[:-1]) for index in respondents.index))
        counts = respondents.reindex(respondents.index.union(footfall.index), fill_value=0)
        counts = counts[[tuple(index[:-1]) in answered for index in counts.index]]  # campaigns with answers
        short = counts[counts < threshold]
        for group in dict.fromkeys(tuple(index[:-1]) for index in short.index):
            out.setdefault(group, []).append(variable)
    return {group: tuple(found) for group, found in out.items()}
