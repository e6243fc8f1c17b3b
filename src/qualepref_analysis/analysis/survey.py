"""Survey weighting: post-stratification of the respondents to footfall margins.

Each site's sample over-represents some services (the foreigners' service
above all); weights bring it back to the footfall of each service during the
campaign, given by the ``marges`` data set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from qualepref_analysis.errors import QualeprefError

__all__ = ["Weights", "Convergence", "Estimate", "WeightingError", "poststratify", "rake", "proportion",
           "weighted_share", "weighted_shares", "campaign_weights"]


class WeightingError(QualeprefError, ValueError):
    """The margins cannot weight these respondents (a stratum without margin, or without respondent)."""


@dataclass(frozen=True)
class Convergence:
    """How the weighting converged: sweeps made and the largest relative gap to a margin."""

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


def _margin_table(margins: pd.DataFrame, variable: str, *, collapse: dict | None = None) -> pd.Series:
    mine = margins[margins["variable"] == variable]
    if mine.empty:
        raise WeightingError(f"aucune marge pour la variable « {variable} » : impossible de pondérer ; "
                             f"variables disponibles : {', '.join(sorted(margins['variable'].unique())) or '(aucune)'}.")
    categories = mine["modalite"].map(lambda c: (collapse or {}).get(c, c))
    return mine.groupby(categories)["effectif"].sum().astype(float)


def _strata(responses: pd.DataFrame, variable: str, population: pd.Series, *, collapse: dict | None = None) -> pd.Series:
    if variable not in responses.columns:
        raise WeightingError(f"la variable de pondération « {variable} » n'est pas une colonne des réponses.")
    strata = responses[variable].astype(object).map(lambda c: (collapse or {}).get(c, c))
    if strata.isna().any():
        rows = ", ".join(map(str, strata.index[strata.isna()][:5]))
        raise WeightingError(f"des répondants n'ont pas de valeur pour « {variable} » (lignes {rows}) : "
                             "ils ne peuvent pas être pondérés.")
    without_margin = sorted(set(strata.unique()) - set(population.index))
    if without_margin:
        raise WeightingError(f"modalité(s) de « {variable} » présente(s) dans l'enquête mais sans marge : "
                             f"{', '.join(map(str, without_margin))} ; ajoutez-les au fichier marges ou regroupez-les "
                             "(paramètre regroupements).")
    empty = sorted(set(population.index) - set(strata.unique()))
    if empty:
        raise WeightingError(f"marge(s) de « {variable} » sans aucun répondant : {', '.join(map(str, empty))} ; "
                             "regroupez ces modalités avec une modalité voisine (paramètre regroupements).")
    return strata


def _indicators(strata: pd.Series, categories: list) -> np.ndarray:
    codes = pd.Categorical(strata, categories=categories).codes
    matrix = np.zeros((len(strata), len(categories)))
    matrix[np.arange(len(strata)), codes] = 1.0
    return matrix


def poststratify(responses: pd.DataFrame, margins: pd.DataFrame, by: str = "service", *,
                 collapse: dict | None = None) -> Weights:
    """Post-stratification weights: w = N_h / n_h for a respondent of stratum h.

    Parameters
    ----------
    responses : DataFrame
        ``enquetes`` rows of one site and campaign.
    margins : DataFrame
        ``marges`` rows of that site and campaign (long format: ``variable``, ``modalite``, ``effectif``).
    by : str
        The variable to post-stratify on.
    collapse : dict, optional
        Categories to merge, ``{"pan": "autres"}``, applied to margins and responses alike.

    Raises
    ------
    WeightingError
        No margin for ``by``; a respondent's stratum has no margin; a margin has no respondent.
    """
    population = _margin_table(margins, by, collapse=collapse)
    strata = _strata(responses, by, population, collapse=collapse)
    counts = strata.value_counts()
    values = strata.map(population / counts).astype(float)
    return Weights(values=values, method="poststratification", variables=(by,),
                   calibration=_indicators(strata, list(population.index)),
                   population={(by, k): v for k, v in population.items()},
                   convergence=Convergence(True, 1, 0.0))


def rake(responses: pd.DataFrame, margins: pd.DataFrame, variables: list[str] | tuple[str, ...] = ("service", "demi_journee"),
         *, max_iter: int = 1000, tol: float = 1e-10, cap: float | None = None,
         collapse: dict | None = None) -> Weights:
    """Raking (iterative proportional fitting) of the respondents to several margins.

    Sweeps over the variables until every margin is hit within ``tol`` (relative), which
    makes the weights equal to R's converged raking (``calibrate(calfun = "raking")``;
    ``rake()``'s default control stops earlier). With ``cap``, weights above ``cap`` × the
    mean weight are trimmed and the raking resumed, until none exceeds it.

    Raises
    ------
    WeightingError
        A category without margin or without respondent, margins of different totals, or no convergence.
    """
    variables = tuple(variables)
    if not variables:
        raise WeightingError("aucune variable de pondération.")
    tables = {v: _margin_table(margins, v, collapse=collapse) for v in variables}
    totals = {v: t.sum() for v, t in tables.items()}
    reference = totals[variables[0]]
    different = [v for v in variables if abs(totals[v] - reference) > 0.005 * reference]
    if different:
        listed = ", ".join(f"{v} = {totals[v]:,.0f}".replace(",", " ") for v in variables)
        raise WeightingError(f"les marges n'ont pas le même total ({listed}) : corrigez le fichier marges.")
    strata = {v: _strata(responses, v, tables[v], collapse=collapse) for v in variables}
    codes = {v: pd.Categorical(strata[v], categories=list(tables[v].index)).codes for v in variables}
    targets = {v: tables[v].to_numpy() * reference / totals[v] for v in variables}  # same total for all
    n = max(len(responses), 1)
    w = np.full(len(responses), reference / n)
    fixed = np.zeros(len(responses), dtype=bool)  # weights held at the cap
    limit = np.inf if cap is None else cap * reference / n  # the mean weight is the total over n
    iterations, error = 0, np.inf
    for _ in range(len(responses) + 1):
        for iterations in range(iterations + 1, iterations + max_iter + 1):
            for v in variables:
                free = np.bincount(codes[v], weights=np.where(fixed, 0.0, w), minlength=len(targets[v]))
                held = np.bincount(codes[v], weights=np.where(fixed, w, 0.0), minlength=len(targets[v]))
                with np.errstate(divide="ignore", invalid="ignore"):
                    factor = np.where(free > 0, (targets[v] - held) / free, 1.0)
                if np.any(factor[free > 0] <= 0):
                    raise WeightingError(f"le plafonnement des poids à {cap} fois la moyenne est incompatible "
                                         f"avec les marges de « {v} » : relevez le plafond.")
                w = np.where(fixed, w, w * factor[codes[v]])
            error = max(np.max(np.abs(np.bincount(codes[v], weights=w, minlength=len(targets[v])) - targets[v])
                               / targets[v]) for v in variables)
            if error < tol:
                break
        if error >= tol:
            raise WeightingError(f"le calage sur {', '.join(variables)} ne converge pas (écart relatif restant "
                                 f"{error:.2g} après {iterations} itérations) : regroupez les petites modalités"
                                 f"{' ou relevez le plafond des poids' if cap is not None else ''}.")
        over = ~fixed & (w > limit * (1 + 1e-12))
        if not over.any():
            break
        fixed |= over
        w = np.where(fixed, limit, w)
    capped = int(fixed.sum())
    calibration = np.hstack([_indicators(strata[v], list(tables[v].index)) for v in variables])
    population = {(v, k): x for v in variables for k, x in tables[v].items()}
    return Weights(values=pd.Series(w, index=responses.index), method="raking", variables=variables,
                   calibration=calibration, population=population,
                   convergence=Convergence(True, iterations, float(error), capped))


def weighted_share(answers: pd.Series, weights: pd.Series | None, satisfied: tuple[int, ...] = (3, 4)) -> float:
    """Weighted percentage (0-100) of satisfied answers among the respondents to a question."""
    answered = answers.notna()
    w = pd.Series(1.0, index=answers.index) if weights is None else weights.astype(float)
    total = w[answered].sum()
    if total <= 0:
        return float("nan")
    return float(100 * w[answered & answers.isin(satisfied)].sum() / total)


def campaign_weights(responses: pd.DataFrame, margins: pd.DataFrame, *,
                     variables: tuple[str, ...] = ("service", "demi_journee"), cap: float | None = None,
                     collapse: dict | None = None) -> Weights:
    """The weights of one site and campaign, as the whole review computes them.

    Post-stratification when the margins give only one of ``variables``, raking on all
    those they give otherwise (INDICATORS.md: post-stratification on ``service`` by
    default, raking when the ``marges`` file gives several margins).

    Raises
    ------
    WeightingError
        No usable margin, or the margins cannot weight these respondents.
    """
    available = [v for v in variables if v in set(margins["variable"]) and v in responses.columns]
    if not available:
        raise WeightingError(f"aucune marge utilisable (attendu : {', '.join(variables)}).")
    if len(available) == 1 and cap is None:
        return poststratify(responses, margins, available[0], collapse=(collapse or {}).get(available[0]))
    merged = {k: v for mapping in (collapse or {}).values() for k, v in mapping.items()}
    return rake(responses, margins, available, cap=cap, collapse=merged or None)


def weighted_shares(responses: pd.DataFrame, margins: pd.DataFrame | None, question: str, *,
                    variables: tuple[str, ...] = ("service", "demi_journee"), groups: tuple[str, ...] = ("site", "campagne"),
                    satisfied: tuple[int, ...] = (3, 4), tol: float = 1e-10, max_iter: int = 1000) -> pd.DataFrame:
    """Weighted share of satisfied answers for every site × campaign at once (vectorised raking).

    Same weights as :func:`campaign_weights` per group (post-stratification on one margin,
    raking on several), computed for all groups together. A group whose margins cannot
    weight its respondents is left unweighted and flagged ``pondere = False``.

    Returns
    -------
    DataFrame
        One row per group: the ``groups`` columns, ``part`` (0-100), ``repondants``,
        ``satisfaits`` (unweighted counts), ``pondere``.
    """
    keys = list(groups)
    data = responses.reset_index(drop=True)
    group_codes, uniques = pd.MultiIndex.from_frame(data[keys]).factorize()
    group_index = pd.MultiIndex.from_tuples(list(uniques), names=keys)
    weights = np.ones(len(data))
    weighted = np.zeros(len(group_index), dtype=bool)
    if margins is not None and not margins.empty:
        margin_keys = pd.MultiIndex.from_frame(margins[keys])
        margin_group = group_index.get_indexer(margin_keys)
        usable = margins[margin_group >= 0].assign(_g=margin_group[margin_group >= 0])
        # the variables each group's margins give, among those configured
        given = usable[usable["variable"].isin([v for v in variables if v in data.columns])]
        sets = given.groupby("_g")["variable"].agg(lambda v: tuple(x for x in variables if x in set(v)))
        for variable_set, members in sets.groupby(sets):
            members_idx = members.index.to_numpy()
            rows = np.flatnonzero(np.isin(group_codes, members_idx))
            ok = _rake_groups(data.iloc[rows], group_codes[rows], given[given["_g"].isin(members_idx)],
                              variable_set, tol=tol, max_iter=max_iter)
            if ok is None:
                continue
            row_weights, valid_groups = ok
            keep = np.isin(group_codes[rows], valid_groups)
            weights[rows[keep]] = row_weights[keep]
            weighted[valid_groups] = True
    answers = pd.to_numeric(data[question], errors="coerce")
    answered = answers.notna().to_numpy()
    happy = answered & answers.isin(satisfied).to_numpy()
    size = len(group_index)
    w_answered = np.bincount(group_codes, weights=np.where(answered, weights, 0.0), minlength=size)
    w_happy = np.bincount(group_codes, weights=np.where(happy, weights, 0.0), minlength=size)
    out = group_index.to_frame(index=False)
    with np.errstate(divide="ignore", invalid="ignore"):
        out["part"] = np.where(w_answered > 0, 100 * w_happy / w_answered, np.nan)
    out["repondants"] = np.bincount(group_codes, weights=answered.astype(float), minlength=size).astype(int)
    out["satisfaits"] = np.bincount(group_codes, weights=happy.astype(float), minlength=size).astype(int)
    out["pondere"] = weighted
    return out


def _rake_groups(data: pd.DataFrame, group_codes: np.ndarray, margins: pd.DataFrame, variables: tuple[str, ...], *,
                 tol: float, max_iter: int) -> tuple[np.ndarray, np.ndarray] | None:
    """IPF of several groups at once; groups with a category lacking margin or respondents are dropped."""
    cells, targets, bad_groups = {}, {}, set()
    for v in variables:
        mine = margins[margins["variable"] == v]
        categories = pd.Index(pd.unique(pd.concat([mine["modalite"], data[v]]).dropna()))
        k = len(categories)
        code = categories.get_indexer(data[v])
        bad_groups.update(group_codes[code < 0])
        cell = group_codes * k + np.where(code < 0, 0, code)
        size = (group_codes.max() + 1) * k if len(group_codes) else 0
        target = np.zeros(size)
        np.add.at(target, mine["_g"].to_numpy() * k + categories.get_indexer(mine["modalite"]), mine["effectif"].to_numpy())
        present = np.bincount(cell, minlength=size) > 0
        wanted = target > 0
        mismatch = np.flatnonzero(present != wanted)
        bad_groups.update(mismatch // k)
        cells[v], targets[v] = cell, target
    totals = {v: np.bincount(np.arange(len(targets[v])) // (len(targets[v]) // (group_codes.max() + 1)),
                             weights=targets[v]) for v in variables}
    first = totals[variables[0]]
    for v in variables[1:]:
        with np.errstate(divide="ignore", invalid="ignore"):
            differs = np.flatnonzero(np.abs(totals[v] - first) > 0.005 * first)
        bad_groups.update(differs)
    valid_groups = np.setdiff1d(np.unique(group_codes), np.array(sorted(bad_groups), dtype=np.int64))
    keep = np.isin(group_codes, valid_groups)
    if not keep.any():
        return None
    counts = np.bincount(group_codes[keep], minlength=group_codes.max() + 1)
    w = np.zeros(len(data))
    w[keep] = (first[group_codes[keep]] / counts[group_codes[keep]])
    for _ in range(max_iter):
        for v in variables:
            current = np.bincount(cells[v][keep], weights=w[keep], minlength=len(targets[v]))
            scale = np.ones_like(current)
            filled = current > 0
            scale[filled] = targets[v][filled] / current[filled]
            w[keep] *= scale[cells[v][keep]]
        errors = []
        for v in variables:
            current = np.bincount(cells[v][keep], weights=w[keep], minlength=len(targets[v]))
            filled = targets[v] > 0
            relevant = filled & np.isin(np.arange(len(targets[v])) // (len(targets[v]) // (group_codes.max() + 1)),
                                        valid_groups)
            errors.append(np.max(np.abs(current[relevant] - targets[v][relevant]) / targets[v][relevant]))
        if max(errors) < tol:
            break
    else:
        return None
    return w, valid_groups


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

    Raises
    ------
    WeightingError
        The question has values outside 1-4, or the weights are not aligned on the responses.
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
        effective = p * (1 - p) / variance if variance > 0 else float(n)
        effective *= (stats.t.ppf(alpha / 2, n_design - 1) / stats.t.ppf(alpha / 2, df)) ** 2 if df > 0 else 1.0
        low = stats.beta.ppf(alpha / 2, effective * p, effective * (1 - p) + 1) if p > 0 else 0.0
        high = stats.beta.ppf(1 - alpha / 2, effective * p + 1, effective * (1 - p)) if p < 1 else 1.0
    elif ci == "wilson":
        effective = p * (1 - p) / variance if variance > 0 else float(n)
        zq = stats.t.ppf(1 - alpha / 2, df) if df > 0 else stats.norm.ppf(1 - alpha / 2)
        centre = (p + zq ** 2 / (2 * effective)) / (1 + zq ** 2 / effective)
        spread = zq / (1 + zq ** 2 / effective) * np.sqrt(p * (1 - p) / effective + zq ** 2 / (4 * effective ** 2))
        low, high = centre - spread, centre + spread
    else:
        raise WeightingError(f"intervalle « {ci} » inconnu ; valeurs possibles : logit, beta, wilson.")
    unweighted = float(y[answered].mean())
    return Estimate(p, se, float(low), float(high), n, unweighted, deff, n_eff, df, method, ci)
