"""Survey weighting: post-stratification and raking of the respondents to footfall margins.

Each site's sample over-represents some services (the foreigners' service
above all); weights bring it back to the footfall of each service during the
campaign, given by the ``marges`` data set.

There is one weighting engine, :func:`_rake_design`: iterative proportional fitting
vectorised over groups (one group = one site × campaign), with optional weight
capping. :func:`rake`, :func:`poststratify` and :func:`campaign_weights` run it on
one campaign (and refuse, with :class:`WeightingError`, a campaign it cannot weight);
:func:`weighted_shares` runs it on every campaign at once and leaves a campaign it
cannot weight unweighted, saying so with a :class:`WeightingWarning`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from typing import Mapping

import numpy as np
import pandas as pd

from qualepref_analysis.errors import QualeprefError, QualeprefWarning

__all__ = ["weight_concentration", "Weights", "Convergence", "Estimate", "WeightingError", "WeightingWarning", "poststratify", "rake",
           "proportion", "weighted_share", "weighted_shares", "campaign_weights", "campaign_weights_or_none", "sparse_merges"]

#: Below this share of p (1 − p), a proportion's variance is rounding, not sampling (see :func:`proportion`).
_ROUNDING = 1e-12

#: Reason given when a campaign has no footfall margin at all.
_NO_MARGIN = "aucune marge de fréquentation pour cette campagne : résultats non pondérés"


class WeightingError(QualeprefError, ValueError):
    """The margins cannot weight these respondents (a stratum without margin, or without respondent)."""


class WeightingWarning(QualeprefWarning):
    """Weights computed but to be read with care (some capped), or not computed: results left unweighted."""


@dataclass(frozen=True)
class Convergence:
    """How the weighting converged: sweeps made, the largest relative gap to a margin, weights capped."""

    converged: bool
    iterations: int
    max_relative_error: float
    capped: int = 0


@dataclass(frozen=True)
class Weights:
    """Survey weights of the respondents, and what the variance estimator needs.

    Attributes
    ----------
    values : Series
        One weight per respondent, aligned on the responses' index.
    method : str
        ``"poststratification"``, ``"raking"`` or ``"aucune"``.
    variables : tuple of str
        Variables weighted on.
    calibration : ndarray, shape (n, k)
        Indicators of each respondent's category for every calibration variable
        (the model the weights are calibrated on; the linearised variance is
        computed on the residuals of this model, as R's ``survey`` does).
    population : dict
        Population count per ``(variable, category)``.
    convergence : Convergence
    """

    values: pd.Series
    method: str
    variables: tuple[str, ...]
    calibration: np.ndarray = field(default_factory=lambda: np.zeros((0, 0)))
    population: dict = field(default_factory=dict)
    convergence: Convergence | None = None


# --------------------------------------------------------------------------------------------------
# The weighting engine: respondents coded once, then IPF over every group at once.


@dataclass
class _Design:
    """Respondents of ``size`` groups coded for weighting on ``variables``.

    For each variable, ``codes`` gives each respondent's category (−1: no value) among
    ``categories`` (the margins' categories, sorted, then those found only in the
    responses), ``cells`` the cell ``group × k + code``, ``raw`` the margin counts and
    ``targets`` the counts rescaled to the total of the first variable, shape (size, k).
    ``reason`` is, per group, why it cannot be weighted (``""`` when it can).
    """

    variables: tuple[str, ...]
    group: np.ndarray
    size: int
    categories: dict[str, pd.Index]
    codes: dict[str, np.ndarray]
    cells: dict[str, np.ndarray]
    raw: dict[str, np.ndarray]
    targets: dict[str, np.ndarray]
    reason: np.ndarray


@dataclass
class _Fit:
    """What :func:`_rake_design` returns, per respondent (``weights``) and per group (the rest)."""

    design: _Design
    weights: np.ndarray
    iterations: np.ndarray
    error: np.ndarray
    capped: np.ndarray
    reason: np.ndarray


def _per_variable(collapse: Mapping | None, variables: tuple[str, ...]) -> dict[str, dict]:
    """``{"pan": "autres"}`` (every variable) or ``{"service": {"pan": "autres"}}`` → per-variable mappings."""
    if not collapse:
        return {}
    if all(isinstance(value, Mapping) for value in collapse.values()):
        return {v: dict(m) for v, m in collapse.items() if m}
    return {v: dict(collapse) for v in variables}


def _listed(values, limit: int = 10) -> str:
    return ", ".join(map(str, list(values)[:limit]))


def _design(responses: pd.DataFrame, group: np.ndarray, size: int, margins: pd.DataFrame, margin_group: np.ndarray,
            variables: tuple[str, ...], collapse: dict[str, dict]) -> _Design:
    """Code the respondents and margins of every group, and find the groups that cannot be weighted.

    A group cannot be weighted, first reason found (the order of the checks of one campaign): a
    variable without margin; margins of different totals (beyond 0.5 %); a variable that is not a
    column; a respondent without value; a category of the responses without margin; a margin
    (non-zero) without respondent; a zero margin with respondents.
    """
    n = len(responses)
    reason = np.full(size, "", dtype=object)

    def fail(mask: np.ndarray, message) -> None:  # messages are built for the failing groups only
        for g in np.flatnonzero(mask & (reason == "")):
            reason[g] = message(g)

    margin_variable = margins["variable"].astype(object).to_numpy()
    margin_category = margins["modalite"].astype(object).to_numpy()
    margin_count = margins["effectif"].to_numpy(dtype=float)
    categories, codes, cells, raw, targets, given, counts, missing = {}, {}, {}, {}, {}, {}, {}, {}
    for v in variables:
        mapping = collapse.get(v) or {}
        mine = margin_variable == v
        modalities = margin_category[mine]
        if mapping:
            modalities = np.array([mapping.get(c, c) for c in modalities], dtype=object)
        in_margins = sorted(set(modalities))
        if v in responses.columns:
            position, uniques = pd.factorize(responses[v])
            uniques = [mapping.get(u, u) for u in list(uniques)]
        else:
            position, uniques = np.full(n, -1, dtype=np.intp), []
        known = set(in_margins)
        cats = pd.Index(in_margins + [u for u in dict.fromkeys(uniques) if u not in known], dtype=object)
        k = max(len(cats), 1)
        lookup = np.append(cats.get_indexer(pd.Index(uniques, dtype=object)) if uniques else np.zeros(0, np.intp), -1)
        code = lookup[position].astype(np.intp)
        cell = group * k + np.maximum(code, 0)
        margin_cell = margin_group[mine] * k + cats.get_indexer(pd.Index(modalities, dtype=object))
        categories[v], codes[v], cells[v] = cats, code, cell
        raw[v] = np.bincount(margin_cell, weights=margin_count[mine], minlength=size * k).reshape(size, k)
        given[v] = np.bincount(margin_cell, minlength=size * k).reshape(size, k) > 0
        counts[v] = np.bincount(cell[code >= 0], minlength=size * k).reshape(size, k)
        missing[v] = np.bincount(group[code < 0], minlength=size) > 0

    for v in variables:
        def no_margin(g, v=v):
            there = sorted(set(margin_variable[margin_group == g]))
            return (f"aucune marge pour la variable « {v} » : impossible de pondérer ; "
                    f"variables disponibles : {', '.join(map(str, there)) or '(aucune)'}.")
        fail(~given[v].any(axis=1), no_margin)
    totals = {v: raw[v].sum(axis=1) for v in variables}
    reference = totals[variables[0]]
    differs = np.zeros(size, dtype=bool)
    for v in variables[1:]:
        differs |= np.abs(totals[v] - reference) > 0.005 * reference

    def different(g):
        listed = ", ".join(f"{v} = {totals[v][g]:,.0f}".replace(",", " ") for v in variables)
        return f"les marges n'ont pas le même total ({listed}) : corrigez le fichier marges."
    fail(differs, different)
    index = responses.index
    for v in variables:
        cats = categories[v]
        if v not in responses.columns:
            fail(np.ones(size, dtype=bool),
                 lambda g, v=v: f"la variable de pondération « {v} » n'est pas une colonne des réponses.")
            continue

        def without_value(g, v=v):
            rows = _listed(index[(group == g) & (codes[v] < 0)], 5)
            return (f"des répondants n'ont pas de valeur pour « {v} » (lignes {rows}) : "
                    "ils ne peuvent pas être pondérés.")
        fail(missing[v], without_value)
        present, has_margin = counts[v] > 0, given[v]
        fail((present & ~has_margin).any(axis=1), lambda g, v=v, cats=cats: (
            f"modalité(s) de « {v} » présente(s) dans l'enquête mais sans marge : "
            f"{_listed(cats[present[g] & ~has_margin[g]])} ; ajoutez-les au fichier marges ou regroupez-les "
            "(paramètre regroupements)."))
        empty = has_margin & ~present & (raw[v] > 0)
        fail(empty.any(axis=1), lambda g, v=v, cats=cats: (
            f"marge(s) de « {v} » sans aucun répondant : {_listed(cats[empty[g]])} ; "
            "regroupez ces modalités avec une modalité voisine (paramètre regroupements)."))
        null = has_margin & present & (raw[v] <= 0)
        fail(null.any(axis=1), lambda g, v=v, cats=cats: (
            f"marge(s) de « {v} » nulle(s) alors qu'elles ont des répondants : {_listed(cats[null[g]])} ; "
            "corrigez le fichier marges ou regroupez ces modalités (paramètre regroupements)."))
    with np.errstate(divide="ignore", invalid="ignore"):  # every margin brought to the first one's total
        targets = {v: raw[v] if i == 0 else raw[v] * reference[:, None] / totals[v][:, None]
                   for i, v in enumerate(variables)}
    return _Design(variables, group, size, categories, codes, cells, raw, targets, reason)


def _margin_errors(w: np.ndarray, design: _Design) -> np.ndarray:
    """Per group, the largest relative gap between the weighted counts and the margins."""
    worst = np.zeros(design.size)
    for v in design.variables:
        target = design.targets[v].ravel()
        achieved = np.bincount(design.cells[v], weights=w, minlength=target.size)
        gap = np.zeros(target.size)
        np.divide(np.abs(achieved - target), target, out=gap, where=target > 0)
        worst = np.maximum(worst, gap.reshape(design.size, -1).max(axis=1, initial=0.0))
    return worst


def _rake_design(design: _Design, *, cap: float | None, tol: float, max_iter: int) -> _Fit:
    """Iterative proportional fitting of every group of ``design`` at once (numpy bincount, no loop over groups).

    Weights start at the post-stratification on the first variable (N_h / n_h), then sweep
    over the variables, each sweep multiplying the weights of a cell by target / weighted
    count, until every margin of the group is hit within ``tol`` (relative). A group that has
    converged is left as it is while the others go on. With ``cap``, the weights above
    ``cap`` × the group's mean weight (its total over its respondents) are then held at
    that limit and the group's raking resumed on the others, until none exceeds it.
    A group fails (its ``reason`` says why, its weights are 0) when capping makes a margin
    unreachable, or when ``max_iter`` sweeps of one round do not converge.
    """
    variables, group, size = design.variables, design.group, design.size
    reason = design.reason.copy()
    active = reason == ""
    first = variables[0]
    target0 = design.targets[first].ravel()
    count0 = np.bincount(design.cells[first], minlength=target0.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(active[group], (target0 / count0)[design.cells[first]], 0.0)
    group_count = np.bincount(group, minlength=size)
    with np.errstate(divide="ignore", invalid="ignore"):
        limit = np.inf * np.ones(size) if cap is None else cap * target0.reshape(size, -1).sum(axis=1) / group_count
    fixed = None  # respondents whose weight is held at the cap (allocated when the cap first binds)
    iterations = np.zeros(size, dtype=np.int64)
    round_sweeps = np.zeros(size, dtype=np.int64)
    error = np.full(size, np.inf)
    sweep = 0
    while active.any():
        for j, v in enumerate(variables):
            if sweep == 0 and j == 0:
                continue  # the starting weights already hit the first margin
            target = design.targets[v].ravel()
            cell = design.cells[v]
            if fixed is None:
                free = np.bincount(cell, weights=w, minlength=target.size)
                held = 0.0
            else:
                w_free = np.where(fixed, 0.0, w)
                free = np.bincount(cell, weights=w_free, minlength=target.size)
                held = np.bincount(cell, weights=w - w_free, minlength=target.size)
            with np.errstate(divide="ignore", invalid="ignore"):
                factor = np.where(free > 0, (target - held) / free, 1.0)
            if fixed is not None:
                blocked = np.zeros(size, dtype=bool)
                blocked[np.flatnonzero((free > 0) & (factor <= 0)) // (target.size // size)] = True
                blocked &= active
                for g in np.flatnonzero(blocked):
                    reason[g] = (f"le plafonnement des poids à {_number(cap)} fois la moyenne est incompatible "
                                 f"avec les marges de « {v} » : relevez le plafond.")
                active &= ~blocked
            if not active.all():
                factor.reshape(size, -1)[~active] = 1.0  # finished and failed groups keep their weights
            w = w * factor[cell] if fixed is None else np.where(fixed, w, w * factor[cell])
        sweep += 1
        iterations[active] += 1
        round_sweeps[active] += 1
        gaps = _margin_errors(w, design)
        error[active] = gaps[active]
        if len(variables) == 1 and fixed is None:
            converged = active.copy()  # N_h / n_h hits its margin exactly; gaps are summation rounding
        else:
            converged = active & (gaps < tol)
        exhausted = active & ~converged & (round_sweeps >= max_iter)
        for g in np.flatnonzero(exhausted):
            reason[g] = (f"le calage sur {', '.join(variables)} ne converge pas (écart relatif restant "
                         f"{error[g]:.2g} après {iterations[g]} itérations) : regroupez les petites modalités"
                         f"{' ou relevez le plafond des poids' if cap is not None else ''}.")
        active &= ~exhausted
        if cap is not None and converged.any():
            over = (w > limit[group] * (1 + 1e-12)) & converged[group]
            if fixed is not None:
                over &= ~fixed
            if over.any():
                fixed = over if fixed is None else fixed | over
                w = np.where(over, limit[group], w)
                resumed = np.bincount(group[over], minlength=size) > 0
                round_sweeps[resumed] = 0
                converged &= ~resumed
        active &= ~converged
    failed = reason != ""
    w = np.where(failed[group], 0.0, w)
    capped = np.zeros(size, dtype=np.int64) if fixed is None else np.bincount(group[fixed], minlength=size)
    return _Fit(design, w, iterations, error, capped, reason)


# --------------------------------------------------------------------------------------------------
# Messages


def _number(value: float) -> str:
    """``4.0`` → ``4``, ``2.5`` → ``2,5`` (French decimal comma)."""
    return f"{value:g}".replace(".", ",")


def _site_phrase(site, labels: Mapping[str, str] | None) -> str:
    """« de la sous-préfecture d'Antony » from its label (as ``report.formatting.site_subject``), else « du site « x » »."""
    label = str((labels or {}).get(site, site))
    if label.split(" ", 1)[0].lower() in ("préfecture", "sous-préfecture", "prefecture", "sous-prefecture"):
        return "de la " + label[:1].lower() + label[1:]
    return f"du site « {label} »"


def _survey_name(keys: dict, labels: Mapping[str, str] | None) -> str:
    """« enquête de la sous-préfecture d'Antony, campagne 2022 » from the group's key values."""
    parts = []
    if "site" in keys:
        parts.append(f"enquête {_site_phrase(keys['site'], labels)}")
    else:
        parts.append("enquête")
    if "campagne" in keys:
        parts.append(f"campagne {keys['campagne']}")
    parts += [f"{k} {v}" for k, v in keys.items() if k not in ("site", "campagne")]
    return ", ".join(parts)


def _campaign_keys(responses: pd.DataFrame) -> dict:
    """The site and campaign of one campaign's responses, when its columns say so."""
    keys = {}
    for column in ("site", "campagne"):
        if column in responses.columns:
            values = pd.unique(responses[column].dropna())
            if len(values) == 1:
                keys[column] = values[0]
    return keys


def _unweighted(error: str) -> str:
    return f"redressement impossible ({error.rstrip('.')}) : résultats non pondérés"


def _capped_message(capped: int, cap: float) -> str:
    plural = "s" if capped > 1 else ""
    return (f"{capped} poids plafonné{plural} à {_number(cap)} fois le poids moyen ; le calage a été repris sur "
            "les autres répondants")


def _warn(name: str, message: str) -> None:
    warnings.warn(f"{name} : {message}", WeightingWarning, stacklevel=3)


# --------------------------------------------------------------------------------------------------
# One campaign


def _indicators(codes: np.ndarray, k: int) -> np.ndarray:
    """One column per category, 1 where the respondent is in it (a row of zeros for no value, code −1)."""
    matrix = np.zeros((len(codes), k))
    known = codes >= 0
    matrix[np.flatnonzero(known), codes[known]] = 1.0
    return matrix


def _share_se(answered: np.ndarray, happy: np.ndarray, weights: np.ndarray, calibration: np.ndarray | None) -> float:
    """Linearised standard error (0–1) of one group's weighted share, as :func:`proportion` computes it."""
    wr = np.where(answered, weights, 0.0)
    total = wr.sum()
    if total <= 0:
        return float("nan")
    share = np.sum(wr * happy) / total
    return float(np.sqrt(_linearised_variance(wr * (happy - share) / total, weights, calibration)))


def _weigh_campaign(responses: pd.DataFrame, margins: pd.DataFrame, variables: tuple[str, ...], *, method: str,
                    cap: float | None, collapse: dict[str, dict], tol: float, max_iter: int,
                    site_labels: Mapping[str, str] | None) -> Weights:
    """The engine on one group: the responses and margins of one site and campaign."""
    design = _design(responses, np.zeros(len(responses), dtype=np.intp), 1, margins,
                     np.zeros(len(margins), dtype=np.intp), variables, collapse)
    fit = _rake_design(design, cap=cap, tol=tol, max_iter=max_iter)
    if fit.reason[0]:
        raise WeightingError(fit.reason[0])
    capped = int(fit.capped[0])
    if capped:
        _warn(_survey_name(_campaign_keys(responses), site_labels), _capped_message(capped, cap))
    calibration = np.hstack([_indicators(design.codes[v], len(design.categories[v])) for v in variables])
    population = {(v, c): float(x) for v in variables for c, x in zip(design.categories[v], design.raw[v][0])}
    return Weights(values=pd.Series(fit.weights, index=responses.index), method=method, variables=variables,
                   calibration=calibration, population=population,
                   convergence=Convergence(True, int(fit.iterations[0]), float(fit.error[0]), capped))


def poststratify(responses: pd.DataFrame, margins: pd.DataFrame, by: str = "service", *,
                 collapse: dict | None = None) -> Weights:
    """Post-stratification weights: w = N_h / n_h for a respondent of stratum h.

    The weighting engine on one variable (its fixed point is reached at once).

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign; needs the column ``by``.
    margins : DataFrame
        ``marges`` rows of that site and campaign, long format: columns ``variable``,
        ``modalite``, ``effectif``.
    by : str
        The variable to post-stratify on.
    collapse : dict, optional
        Categories to merge, ``{"pan": "autres"}``, applied to margins and responses alike.

    Returns
    -------
    Weights
        ``values`` aligned on ``responses.index``, ``method = "poststratification"``, the
        calibration indicators and the population counts per category.

    Raises
    ------
    WeightingError
        No margin for ``by``; ``by`` is not a column; a respondent without value; a
        respondent's stratum has no margin; a margin has no respondent.

    Examples
    --------
    >>> responses = pd.DataFrame({"service": ["a", "a", "b"]})
    >>> margins = pd.DataFrame({"variable": "service", "modalite": ["a", "b"], "effectif": [20.0, 10.0]})
    >>> poststratify(responses, margins).values.tolist()
    [10.0, 10.0, 10.0]
    """
    return _weigh_campaign(responses, margins, (by,), method="poststratification", cap=None,
                           collapse={by: dict(collapse)} if collapse else {}, tol=1e-10, max_iter=1,
                           site_labels=None)


def rake(responses: pd.DataFrame, margins: pd.DataFrame, variables: list[str] | tuple[str, ...] = ("service", "demi_journee"),
         *, max_iter: int = 1000, tol: float = 1e-10, cap: float | None = None,
         collapse: dict | None = None, site_labels: Mapping[str, str] | None = None) -> Weights:
    """Raking (iterative proportional fitting) of the respondents to several margins.

    Sweeps over the variables until every margin is hit within ``tol`` (relative), which
    makes the weights equal to R's converged raking (``calibrate(calfun = "raking")``;
    ``rake()``'s default control stops earlier). With ``cap``, weights above ``cap`` × the
    mean weight are trimmed and the raking resumed, until none exceeds it. On one variable
    without cap, the result is the post-stratification. This is the same engine as
    :func:`weighted_shares`, run on one group.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign; needs a column per variable (and
        ``site``, ``campagne`` to name the campaign in a warning).
    margins : DataFrame
        ``marges`` rows of that site and campaign: ``variable``, ``modalite``, ``effectif``.
        Margins of different variables are brought to the total of the first one
        (they must agree within 0.5 %).
    variables : sequence of str
        The variables to rake on, in sweep order.
    max_iter : int
        Sweeps allowed (per capping round) before giving up.
    tol : float
        Largest relative gap allowed between a weighted count and its margin.
    cap : float, optional
        Largest weight, as a multiple of the mean weight.
    collapse : dict, optional
        Categories to merge before weighting, applied to margins and responses alike:
        ``{"pan": "autres"}`` for every variable, or per variable ``{"service": {"pan": "autres"}}``.
    site_labels : mapping, optional
        Site code → label, to name the site in a warning.

    Returns
    -------
    Weights
        ``values`` aligned on ``responses.index``, ``method = "raking"``, the calibration
        indicators (one column per category of each variable), the population counts and the
        :class:`Convergence` (sweeps, largest gap, weights capped).

    Raises
    ------
    WeightingError
        No variable; a variable without margin or not a column; a respondent without value;
        a category without margin or without respondent; margins of different totals; a
        cap incompatible with the margins; no convergence.

    Warns
    -----
    WeightingWarning
        When the cap binds: how many weights were capped.
    """
    variables = tuple(variables)
    if not variables:
        raise WeightingError("aucune variable de pondération.")
    return _weigh_campaign(responses, margins, variables, method="raking", cap=cap,
                           collapse=_per_variable(collapse, variables), tol=tol, max_iter=max_iter,
                           site_labels=site_labels)


def weighted_share(answers: pd.Series, weights: pd.Series | None, satisfied: tuple[int, ...] = (3, 4)) -> float:
    """Weighted percentage (0-100) of satisfied answers among the respondents to a question.

    Parameters
    ----------
    answers : Series
        Answers to one question (1-4, missing when not answered).
    weights : Series or None
        One weight per answer, aligned on ``answers``; ``None`` for an unweighted share.
    satisfied : tuple of int
        The answers that count as satisfied.

    Returns
    -------
    float
        The share, in percent; NaN when nobody answered.
    """
    answered = answers.notna()
    w = pd.Series(1.0, index=answers.index) if weights is None else weights.astype(float)
    total = w[answered].sum()
    if total <= 0:
        return float("nan")
    return float(100 * w[answered & answers.isin(satisfied)].sum() / total)


def _usable(responses: pd.DataFrame, margins: pd.DataFrame, variables: tuple[str, ...]) -> list[str]:
    """The variables that the margins give and the respondents have (not all missing)."""
    given = set(margins["variable"])
    return [v for v in variables if v in given and v in responses.columns and responses[v].notna().any()]


def campaign_weights(responses: pd.DataFrame, margins: pd.DataFrame | None, *,
                     variables: tuple[str, ...] = ("service", "demi_journee"), cap: float | None = None,
                     collapse: dict | None = None, site_labels: Mapping[str, str] | None = None,
                     min_respondents: int = 0) -> Weights:
    """The weights of one site and campaign, as the whole review computes them.

    Post-stratification when the margins give only one of ``variables``, raking on all
    those they give otherwise (INDICATORS.md: post-stratification on ``service`` by
    default, raking when the ``marges`` file gives several margins); raking also on one
    variable when a ``cap`` is set. A variable whose values are all missing is not used.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign: the columns of ``variables`` it has
        (and ``site``, ``campagne`` for the messages).
    margins : DataFrame or None
        ``marges`` rows of that site and campaign: ``variable``, ``modalite``, ``effectif``.
    variables : tuple of str
        Calibration variables, in sweep order (``enquetes.variables_calage``).
    cap : float, optional
        Largest weight as a multiple of the mean weight (``enquetes.plafond_poids``).
    collapse : dict, optional
        Categories to merge, per variable: ``{"service": {"pan": "autres"}}`` (``enquetes.regroupements``).
    site_labels : mapping, optional
        Site code → label, for the warnings.
    min_respondents : int
        ``enquetes.min_repondants_strate``: categories of the first variable with fewer respondents
        are merged first (:func:`~qualepref_analysis.analysis.strata.sparse_strata`, after the
        explicit ``collapse``), and the other variables with a category below it are left out of
        the raking. 0: nothing merged, nothing left out.

    Returns
    -------
    Weights
        See :func:`rake` and :func:`poststratify`, aligned on ``responses`` (whose categories are
        not changed).

    Raises
    ------
    WeightingError
        No usable margin, or the margins cannot weight these respondents (see :func:`rake`).

    Warns
    -----
    WeightingWarning
        When the cap binds, when a variable is left out of the raking, and when the weights are so
        uneven that few respondents carry the estimate (:func:`weight_concentration`).
    """
    per_variable = _per_variable(collapse, tuple(variables))
    name = _survey_name(_campaign_keys(responses), site_labels)
    if min_respondents and margins is not None and not margins.empty:
        responses, margins, dropped = _merge_sparse(responses, margins, tuple(variables), per_variable,
                                                    min_respondents)
        per_variable = {v: m for v, m in per_variable.items() if v != variables[0]}  # already applied
        variables = tuple(v for v in variables if v not in dropped)
        for variable in dropped:
            _warn(name, _left_out_message(variable, min_respondents))
    available = [] if margins is None or margins.empty else _usable(responses, margins, tuple(variables))
    if not available:
        raise WeightingError(f"aucune marge utilisable (attendu : {', '.join(variables)}).")
    if len(available) == 1 and cap is None:
        weights = poststratify(responses, margins, available[0], collapse=per_variable.get(available[0]))
    else:
        weights = rake(responses, margins, available, cap=cap,
                       collapse={v: per_variable.get(v, {}) for v in available}, site_labels=site_labels)
    concentration = weight_concentration(weights.values.to_numpy(dtype=float))
    if concentration:
        _warn(name, concentration)
    return weights


_VARIABLE_NAMES = {"service": "le service visité", "demi_journee": "la demi-journée", "mode": "le mode de réponse"}


def _left_out_message(variable: str, threshold: int) -> str:
    return (f"{_VARIABLE_NAMES.get(variable, f'la variable « {variable} »')} est laissé{'e' if variable == 'demi_journee' else ''} "
            f"de côté du redressement : une de ses modalités compte moins de {threshold} répondants")


def _merge_sparse(responses: pd.DataFrame, margins: pd.DataFrame, variables: tuple[str, ...],
                  per_variable: dict, threshold: int) -> tuple[pd.DataFrame, pd.DataFrame, tuple[str, ...]]:
    """One campaign: the explicit merges of the first variable, then its sparse strata, and the variables to leave out."""
    responses, margins, left_out, _ = _merge_sparse_groups(responses.assign(_campagne=0), margins.assign(_campagne=0),
                                                           variables, per_variable, threshold, ["_campagne"])
    return responses.drop(columns="_campagne"), margins.drop(columns="_campagne"), left_out.get((0,), ())


#: Kish's effective size below this share of the respondents, or the 5 % heaviest weights above
#: this share of the total, and the estimate rests on few people: said in a warning.
KISH_SHARE_MIN, TOP_WEIGHT_SHARE_MAX = 0.30, 0.25


def weight_concentration(weights: np.ndarray) -> str:
    """A plain French warning when few respondents carry the weights, or ``""``.

    Examples
    --------
    >>> weight_concentration(np.ones(100))
    ''
    >>> print(weight_concentration(np.r_[np.full(9, 50.0), np.ones(91)]))  # 541² / 22 591 = 13; 450 / 541 = 46 %  # doctest: +NORMALIZE_WHITESPACE
    les poids sont très inégaux : les 100 répondants pèsent comme 13 réponses non pondérées (taille effective
    de Kish), et les répondants les plus lourds (un sur vingt) portent plus du quart du poids total ; le résultat
    repose sur peu de personnes
    """
    w = np.asarray(weights, dtype=float)
    w = w[w > 0]
    n = len(w)
    if n < 2:
        return ""
    kish = w.sum() ** 2 / np.sum(w ** 2)
    top = int(np.ceil(0.05 * n))
    heaviest = np.sort(w)[::-1][:top].sum() / w.sum()
    if kish >= KISH_SHARE_MIN * n and heaviest <= TOP_WEIGHT_SHARE_MAX:
        return ""
    carried = (", et les répondants les plus lourds (un sur vingt) portent plus du quart du poids total"
               if heaviest > TOP_WEIGHT_SHARE_MAX else "")
    return (f"les poids sont très inégaux : les {n} répondants pèsent comme {kish:.0f} réponses non pondérées "
            f"(taille effective de Kish){carried} ; le résultat repose sur peu de personnes")


def campaign_weights_or_none(responses: pd.DataFrame, margins: pd.DataFrame | None, *,
                             variables: tuple[str, ...] = ("service", "demi_journee"), cap: float | None = None,
                             collapse: dict | None = None, site_labels: Mapping[str, str] | None = None,
                             min_respondents: int = 0) -> tuple[Weights | None, str]:
    """:func:`campaign_weights`, or ``None`` and the French reason, said in a warning, when they cannot be computed.

    Parameters
    ----------
    responses, margins, variables, cap, collapse, site_labels, min_respondents
        As :func:`campaign_weights`.

    Returns
    -------
    weights : Weights or None
    reason : str
        ``""`` when weighted; otherwise why the results are not weighted (« redressement
        impossible (…) : résultats non pondérés »).

    Warns
    -----
    WeightingWarning
        When the results are left unweighted (naming the site, the campaign and why), and
        when the cap binds.
    """
    if margins is None or margins.empty:
        reason = _NO_MARGIN
    else:
        try:
            return campaign_weights(responses, margins, variables=variables, cap=cap, collapse=collapse,
                                    site_labels=site_labels, min_respondents=min_respondents), ""
        except WeightingError as exc:
            reason = _unweighted(str(exc))
    _warn(_survey_name(_campaign_keys(responses), site_labels), reason)
    return None, reason


# --------------------------------------------------------------------------------------------------
# Every campaign at once


def _merge_sparse_groups(responses: pd.DataFrame, margins: pd.DataFrame, variables: tuple[str, ...],
                         collapse: dict | None, threshold: int, keys: list[str]):
    """:func:`_merge_sparse` on every group at once (the same merges as one campaign alone)."""
    from qualepref_analysis.analysis.strata import apply_strata, sparse_strata, sparse_variables

    first = variables[0]
    explicit = _per_variable(collapse, variables).get(first) or {}
    if explicit and first in responses.columns:
        responses = responses.assign(**{first: responses[first].replace(explicit)})
        mine = margins["variable"] == first
        margins = margins.assign(modalite=margins["modalite"].where(~mine, margins["modalite"].replace(explicit)))
        margins = margins.groupby([*keys, "variable", "modalite"], sort=False, as_index=False)["effectif"].sum()
    merges = sparse_strata(responses, margins, threshold=threshold, variable=first, groups=tuple(keys))
    responses, margins = apply_strata(responses, margins, merges, variable=first, groups=tuple(keys))
    left_out = sparse_variables(responses, margins, variables, threshold=threshold, groups=tuple(keys))
    return responses, margins, left_out, merges


def sparse_merges(responses: pd.DataFrame, margins: pd.DataFrame | None, *,
                  variables: tuple[str, ...] = ("service", "demi_journee"), collapse: dict | None = None,
                  min_respondents: int = 0) -> tuple[list, tuple[str, ...]]:
    """What :func:`campaign_weights` merges and leaves out for one campaign, to say it.

    Returns
    -------
    merges : list of StrataMerge
        :func:`~qualepref_analysis.analysis.strata.sparse_strata` on the first variable (after the
        explicit ``collapse``): empty when nothing moved.
    left_out : tuple of str
        The other variables left out of the raking.
    """
    if not min_respondents or margins is None or margins.empty or not variables:
        return [], ()
    *_, left_out, merges = _merge_sparse_groups(responses.assign(_campagne=0), margins.assign(_campagne=0),
                                                tuple(variables), collapse, min_respondents, ["_campagne"])
    return merges, left_out.get((0,), ())


def _factorize_groups(frame: pd.DataFrame, keys: list[str]) -> tuple[np.ndarray, pd.MultiIndex]:
    """Group code of each row (in order of first appearance) and the groups' key values."""
    levels, group_codes = [], np.zeros(len(frame), dtype=np.int64)
    for key in keys:
        code, uniques = pd.factorize(frame[key], use_na_sentinel=False)
        levels.append((code, uniques))
        group_codes = pd.factorize(group_codes * max(len(uniques), 1) + code)[0]  # renumbered: never overflows
    first_rows = np.unique(group_codes, return_index=True)[1]
    index = pd.MultiIndex.from_arrays([np.asarray(uniques, dtype=object)[code[first_rows]] for code, uniques in levels],
                                      names=keys)
    return group_codes.astype(np.intp), index


def weighted_shares(responses: pd.DataFrame, margins: pd.DataFrame | None, question: str, *,
                    variables: tuple[str, ...] = ("service", "demi_journee"), groups: tuple[str, ...] = ("site", "campagne"),
                    satisfied: tuple[int, ...] = (3, 4), cap: float | None = None, collapse: dict | None = None,
                    tol: float = 1e-10, max_iter: int = 1000,
                    site_labels: Mapping[str, str] | None = None, min_respondents: int = 0) -> pd.DataFrame:
    """Weighted share of satisfied answers for every site × campaign at once.

    The weights of each group are those of :func:`campaign_weights` (post-stratification on
    one margin, raking on several, the same ``cap`` and ``collapse``): the same engine, run
    on all the groups that use the same variables together. A group whose margins cannot
    weight its respondents is left unweighted (``pondere = False``), and a
    :class:`WeightingWarning` says which and why.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows: the ``groups`` columns, ``question``, and the columns of ``variables``.
    margins : DataFrame or None
        ``marges`` rows: the ``groups`` columns, ``variable``, ``modalite``, ``effectif``.
        ``None``: every group unweighted.
    question : str
        The question column (answers 1-4, missing when not answered).
    variables : tuple of str
        Calibration variables; each group uses those its margins give and its respondents have.
    groups : tuple of str
        The columns that define a campaign.
    satisfied : tuple of int
        The answers that count as satisfied.
    cap : float, optional
        Largest weight as a multiple of the group's mean weight.
    collapse : dict, optional
        Categories to merge, per variable: ``{"service": {"pan": "autres"}}``.
    tol, max_iter
        Convergence of the raking (see :func:`rake`).
    site_labels : mapping, optional
        Site code → label, for the warnings.
    min_respondents : int
        As :func:`campaign_weights`, group by group: the same merges and left-out variables.

    Returns
    -------
    DataFrame
        One row per group: the ``groups`` columns, ``part`` (weighted share, 0-100),
        ``repondants`` and ``satisfaits`` (unweighted counts), ``pondere`` (bool),
        ``poids_plafonnes`` (weights held at the cap), ``raison`` (why unweighted, or ``""``) and
        ``erreur_type`` (0-100: the Taylor-linearised standard error of ``part`` through the
        calibration, as :func:`proportion` and R's ``svymean``; unweighted groups: that of a
        simple random sample).

    Warns
    -----
    WeightingWarning
        For each group left unweighted (site, campaign, reason), and each group whose
        weights were capped (how many).
    """
    keys = list(groups)
    left_out: dict[tuple, tuple[str, ...]] = {}
    if min_respondents and margins is not None and not margins.empty and variables:
        responses, margins, left_out, _ = _merge_sparse_groups(responses, margins, tuple(variables), collapse,
                                                               min_respondents, keys)
        collapse = {v: m for v, m in (collapse or {}).items() if v != variables[0]}
    group_codes, group_index = _factorize_groups(responses, keys)
    size = len(group_index)
    answers = pd.to_numeric(responses[question], errors="coerce")
    answered = answers.notna().to_numpy()
    happy = (answered & answers.isin(satisfied).to_numpy()).astype(float)
    se = np.full(size, np.nan)
    weights = np.ones(len(responses))
    weighted = np.zeros(size, dtype=bool)
    reasons = np.full(size, _NO_MARGIN, dtype=object)
    capped = np.zeros(size, dtype=np.int64)
    if margins is not None and not margins.empty and size:
        margin_group = group_index.get_indexer(pd.MultiIndex.from_frame(margins[keys]))
        usable = margins[margin_group >= 0]
        margin_group = margin_group[margin_group >= 0].astype(np.intp)
        candidates = [v for v in variables if v in responses.columns]
        has_margins = np.bincount(margin_group, minlength=size) > 0
        reasons[has_margins] = _unweighted(f"aucune marge utilisable (attendu : {', '.join(variables)})")
        margin_variable = usable["variable"].astype(object).to_numpy()
        uses = np.zeros((size, len(candidates)), dtype=bool)  # the variables each group is weighted on
        for j, v in enumerate(candidates):
            uses[:, j] = ((np.bincount(margin_group[margin_variable == v], minlength=size) > 0)
                          & (np.bincount(group_codes[responses[v].notna().to_numpy()], minlength=size) > 0))
        for group, dropped in left_out.items():  # a category below the threshold: out of that group's raking
            where = group_index.get_indexer(pd.MultiIndex.from_tuples([group], names=keys))[0]
            for v in dropped:
                if where >= 0 and v in candidates:
                    uses[where, candidates.index(v)] = False
                    _warn(_survey_name(dict(zip(keys, group)), site_labels), _left_out_message(v, min_respondents))
        per_variable = _per_variable(collapse, tuple(variables))
        combinations, which = (np.unique(uses, axis=0, return_inverse=True) if candidates
                               else (np.zeros((0, 0), dtype=bool), np.zeros(size, dtype=np.intp)))
        which = np.asarray(which).ravel()
        for c, row in enumerate(combinations):  # one raking per set of variables (usually one for all groups)
            used = tuple(v for v, u in zip(candidates, row) if u)
            members = which == c
            if not used:
                continue
            renumber = np.cumsum(members) - 1
            rows = members[group_codes]
            margin_rows = members[margin_group]
            columns = responses[list(used)]
            design = _design(columns if rows.all() else columns[rows], renumber[group_codes[rows]], int(members.sum()),
                             usable[margin_rows], renumber[margin_group[margin_rows]], used, per_variable)
            fit = _rake_design(design, cap=cap, tol=tol, max_iter=max_iter)
            ok = fit.reason == ""
            weights[rows] = np.where(ok[design.group], fit.weights, 1.0)
            members_index = np.flatnonzero(members)
            weighted[members_index] = ok
            reasons[members_index] = np.where(ok, "", [_unweighted(r) if r else "" for r in fit.reason])
            capped[members_index] = np.where(ok, fit.capped, 0)
            # each weighted group's linearised SE, on the residuals of its calibration model (as R)
            calibration = np.hstack([_indicators(design.codes[v], len(design.categories[v])) for v in used])
            row_index = np.flatnonzero(rows)
            order = np.argsort(design.group, kind="stable")
            bounds = np.searchsorted(design.group[order], np.arange(len(members_index) + 1))
            for j in np.flatnonzero(ok):
                chosen = order[bounds[j]:bounds[j + 1]]
                at = row_index[chosen]
                se[members_index[j]] = _share_se(answered[at], happy[at], fit.weights[chosen], calibration[chosen])
    for g in np.flatnonzero(~weighted | (capped > 0)):  # the warnings, group by group
        name = _survey_name(dict(zip(keys, group_index[g])), site_labels)
        _warn(name, reasons[g] if not weighted[g] else _capped_message(int(capped[g]), cap))
    order = np.argsort(group_codes, kind="stable")
    bounds = np.searchsorted(group_codes[order], np.arange(size + 1))
    for g in np.flatnonzero(~weighted):  # unweighted: a simple random sample, with replacement
        at = order[bounds[g]:bounds[g + 1]]
        se[g] = _share_se(answered[at], happy[at], np.ones(len(at)), None)
    w_answered = np.bincount(group_codes, weights=np.where(answered, weights, 0.0), minlength=size)
    w_happy = np.bincount(group_codes, weights=np.where(happy, weights, 0.0), minlength=size)
    out = group_index.to_frame(index=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["part"] = np.where(w_answered > 0, 100 * w_happy / w_answered, np.nan)
    out["repondants"] = np.bincount(group_codes, weights=answered.astype(float), minlength=size).astype(int)
    out["satisfaits"] = np.bincount(group_codes, weights=happy.astype(float), minlength=size).astype(int)
    out["pondere"] = weighted
    out["poids_plafonnes"] = capped
    out["raison"] = list(reasons)
    out["erreur_type"] = 100 * se
    return out


@dataclass(frozen=True)
class Estimate:
    """A weighted share of satisfied respondents and how sure it is (shares in 0-1).

    ``se`` is the Taylor-linearised standard error accounting for the calibration;
    ``deff`` the design effect as ``svymean(deff = TRUE)`` reports it; ``n_eff`` Kish's
    effective sample size over the respondents to the question.
    """

    estimate: float
    se: float
    ci_low: float
    ci_high: float
    n: int
    unweighted: float
    deff: float
    n_eff: float
    df: int
    method: str
    ci: str


def _linearised_variance(z: np.ndarray, weights: np.ndarray, calibration: np.ndarray | None) -> float:
    """Variance of a linearised statistic under a one-stage with-replacement design, after calibration.

    As R's ``svyrecvar``: the influence values are replaced by their residuals on the
    calibration model (``g · resid(z / g ~ X)``), then n/(n−1) Σ (r − r̄)² over every
    unit of the design (non-respondents to the question included, with z = 0).
    """
    residual = z
    if calibration is not None and calibration.size:
        safe = np.where(weights > 0, weights, 1.0)
        coef, *_ = np.linalg.lstsq(calibration, z / safe, rcond=None)
        residual = (z / safe - calibration @ coef) * safe
    n = len(residual)
    if n < 2:
        return float("nan")
    centred = residual - residual.mean()
    return float(n / (n - 1) * np.sum(centred ** 2))


def proportion(responses: pd.DataFrame, question: str, weights: Weights | None = None, *,
               satisfied: tuple[int, ...] = (3, 4), ci: str = "logit", level: float = 0.95) -> Estimate:
    """Weighted share of respondents answering one of ``satisfied`` to ``question``.

    Weights are those of every respondent of the site and campaign; the estimate uses the
    respondents who answered the question, the others staying in the design with weight 0
    (domain estimation), as R's ``svymean`` on a ``subset`` of a calibrated design.
    Intervals: ``"logit"`` (``svyciprop(method = "logit")``), ``"beta"`` (Korn–Graubard,
    ``svyciprop(method = "beta")``) or ``"wilson"`` (Wilson score on the effective sample
    size); degrees of freedom = respondents to the question − 1.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign, with the column ``question`` (1-4, missing
        when not answered).
    question : str
        The question column.
    weights : Weights, optional
        The campaign's weights (:func:`campaign_weights`), aligned on ``responses``; ``None``:
        unweighted (simple random sample, with replacement).
    satisfied : tuple of int
        The answers that count as satisfied.
    ci : str
        ``"logit"``, ``"beta"`` or ``"wilson"``.
    level : float
        Confidence level of the interval.

    Returns
    -------
    Estimate
        Share (0-1), Taylor-linearised standard error through the calibration, interval,
        respondents to the question, unweighted share, design effect, Kish effective size,
        degrees of freedom, weighting method and interval method. All NaN (n = 0) when
        nobody answered.

    Raises
    ------
    WeightingError
        The question is not a column, has values outside 1-4, the weights are not aligned on
        the responses, or ``ci`` is unknown.

    Notes
    -----
    The design effect is the variance ratio of ``svymean(deff = TRUE)`` (without
    replacement, N = Σ weights); unweighted, the with-replacement one.
    """
    from scipy import stats

    if question not in responses.columns:
        raise WeightingError(f"question « {question} » absente des réponses.")
    answers = pd.to_numeric(responses[question], errors="coerce")
    bad = responses[question].notna() & ~answers.isin([1, 2, 3, 4])
    if bad.any():
        rows = ", ".join(map(str, responses.index[bad][:5]))
        values = ", ".join(map(str, responses.loc[bad, question].unique()[:5]))
        raise WeightingError(f"« {question} » : valeurs hors de l'échelle 1-4 ({values}) aux lignes {rows}.")
    if weights is None:
        w = np.ones(len(responses))
        calibration = None
        method = "aucune"
    else:
        if not weights.values.index.equals(responses.index):
            raise WeightingError("les poids ne correspondent pas aux réponses (index différents).")
        w = weights.values.to_numpy(dtype=float)
        calibration = weights.calibration
        method = weights.method
    answered = answers.notna().to_numpy()
    y = answers.isin(satisfied).to_numpy(dtype=float)
    n = int(answered.sum())
    if n == 0:
        return Estimate(*(float("nan"),) * 4, 0, float("nan"), float("nan"), 0.0, 0, method, ci)
    wr = np.where(answered, w, 0.0)
    total = wr.sum()
    p = float(np.sum(wr * y) / total)
    z = wr * (y - p) / total
    variance = _linearised_variance(z, w, calibration)
    se = float(np.sqrt(variance))
    df = n - 1
    alpha = 1 - level
    # design effect as svymean(deff = TRUE): v / (s² (N − n) / (N n)), N = Σ weights of the respondents
    s2 = n / (n - 1) * np.sum(wr * (y - p) ** 2) / total if n > 1 else float("nan")
    if weights is None:  # no population size: the with-replacement design effect (deff = "replace")
        vsrs = s2 / n
    else:
        vsrs = s2 * (total - n) / (total * n) if total > n else float("nan")
    deff = float(variance / vsrs) if vsrs and vsrs > 0 else float("nan")
    n_eff = float(total ** 2 / np.sum(wr ** 2))
    # A variance at the level of rounding (every stratum answering alike: 1e-33) is none: its
    # "effective size" of 1e32 would give beta quantiles that cross (low above high).
    no_variance = not variance > _ROUNDING * p * (1 - p)
    if ci == "logit":
        if 0 < p < 1 and se > 0:
            half = stats.t.ppf(1 - alpha / 2, df) * se / (p * (1 - p))
            logit = np.log(p / (1 - p))
            low, high = 1 / (1 + np.exp(-(logit - half))), 1 / (1 + np.exp(-(logit + half)))
        else:
            low = high = p
    elif ci == "beta":
        # R keeps every unit of a calibrated design in a subset; an uncalibrated subset drops them
        n_design = len(responses) if weights is not None else n
        effective = float(n) if no_variance else p * (1 - p) / variance
        effective *= (stats.t.ppf(alpha / 2, n_design - 1) / stats.t.ppf(alpha / 2, df)) ** 2 if df > 0 else 1.0
        low = stats.beta.ppf(alpha / 2, effective * p, effective * (1 - p) + 1) if p > 0 else 0.0
        high = stats.beta.ppf(1 - alpha / 2, effective * p + 1, effective * (1 - p)) if p < 1 else 1.0
    elif ci == "wilson":
        effective = float(n) if no_variance else p * (1 - p) / variance
        zq = stats.t.ppf(1 - alpha / 2, df) if df > 0 else stats.norm.ppf(1 - alpha / 2)
        centre = (p + zq ** 2 / (2 * effective)) / (1 + zq ** 2 / effective)
        spread = zq / (1 + zq ** 2 / effective) * np.sqrt(p * (1 - p) / effective + zq ** 2 / (4 * effective ** 2))
        low, high = centre - spread, centre + spread
    else:
        raise WeightingError(f"intervalle « {ci} » inconnu ; valeurs possibles : logit, beta, wilson.")
    unweighted = float(y[answered].mean())
    return Estimate(p, se, float(low), float(high), n, unweighted, deff, n_eff, df, method, ci)
