"""Satisfaction surveys of a site: weighted estimates per question, tables, narrative, records.

Each campaign is weighted once (:func:`~qualepref_analysis.analysis.survey.campaign_weights`), then
every question is estimated on its respondents with its uncertainty. Percentages on fewer
respondents than ``seuil_petits_effectifs_enquete`` are not published: the counts are.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.formatting import format_number, format_percent, site_subject
from qualepref_analysis.analysis.survey import Estimate, Weights, campaign_weights_or_none, proportion, sparse_merges
from qualepref_analysis.report.values import change_sentence
from qualepref_analysis.sections.records import estimate_change_record
from qualepref_analysis.errors import QualeprefWarning

__all__ = ["QUESTION_LABELS", "question_label", "campaigns_for_year", "weights_or_none", "question_estimates",
           "question_changes", "strata_sentence", "representativeness_table",
           "respondents_table", "dimension_by_service", "weighting_sentence", "satisfaction_narrative",
           "question_records", "estimates_display", "SiteSurvey", "prepare_site_survey"]

QUESTION_LABELS = {
    "q_courtoisie": "Courtoisie et disponibilité des agents",
    "q_pmr": "Accueil des personnes à mobilité réduite",
    "q_langage": "Clarté du langage",
    "q_orientation": "Orientation",
    "q_signaletique": "Signalétique",
    "q_confort": "Confort et équipements",
    "q_confidentialite": "Confidentialité",
    "q_attente": "Temps d'attente",
    "q_global": "Satisfaction globale",
    "q_service_rendu": "Service rendu",
}


def question_label(question: str) -> str:
    """French label of a question column (``q_attente`` → « Temps d'attente »)."""
    return QUESTION_LABELS.get(question) or label("question", question.removeprefix("q_"))


def campaigns_for_year(survey: pd.DataFrame, *, site: str, year: int) -> tuple[str | None, str | None]:
    """The campaign of ``site`` whose median response date falls in ``year``, and the one before it."""
    mine = survey[survey["site"] == site]
    if mine.empty:
        return None, None
    years = mine.groupby("campagne", observed=True)["date"].median().dt.year.sort_values()
    current = years[years == year]
    before = years[years < year]
    return (str(current.index[-1]) if len(current) else None, str(before.index[-1]) if len(before) else None)


def weights_or_none(responses: pd.DataFrame, margins: pd.DataFrame | None, options: dict, *,
                    site_labels: dict[str, str] | None = None) -> tuple[Weights | None, str]:
    """Weights of one campaign, or ``None`` with the French reason when they cannot be computed.

    :func:`~qualepref_analysis.analysis.survey.campaign_weights_or_none` with the ``enquetes``
    options (:func:`~qualepref_analysis.analysis.indicators.survey_options`): a campaign left
    unweighted, or whose weights were capped, emits a
    :class:`~qualepref_analysis.analysis.survey.WeightingWarning`.
    """
    return campaign_weights_or_none(responses, margins, variables=options["variables"], cap=options["cap"],
                                    collapse=options["collapse"], site_labels=site_labels,
                                    min_respondents=options.get("min_respondents", 0))


def question_estimates(responses: pd.DataFrame, weights: Weights | None, *, satisfied: tuple[int, ...],
                       ci: str, disclosure: Disclosure) -> pd.DataFrame:
    """One row per question: n, unweighted and weighted share, SE, interval, deff, effective n (shares 0-100).

    ``deff`` is the design effect from the variance (R's ``svymean(deff = TRUE)``) and ``n_effectif``
    the effective size that goes with it, n / deff; ``n_kish`` is Kish's effective size of the
    weights ((Σw)² / Σw², a property of the weights, not of the estimate). Shares of a question
    answered by fewer respondents than the disclosure policy allows for a survey share are left
    empty.
    """
    rows = []
    for question in [c for c in responses.columns if c.startswith("q_")]:
        estimate: Estimate = proportion(responses, question, weights, satisfied=satisfied, ci=ci)
        small = not disclosure.shows("share", estimate.n, survey=True)
        rows.append({
            "question": question, "n": estimate.n, "petit_effectif": small,
            "brut": np.nan if small else 100 * estimate.unweighted,
            "pondere": np.nan if small else 100 * estimate.estimate,
            "se": np.nan if small else 100 * estimate.se,
            "ic_bas": np.nan if small else 100 * estimate.ci_low,
            "ic_haut": np.nan if small else 100 * estimate.ci_high,
            "deff": np.nan if small else estimate.deff,
            # the effective size that goes with the design effect (as svymean(deff = TRUE)): n / deff
            "n_effectif": np.nan if small or not estimate.deff > 0 else estimate.n / estimate.deff,
            "n_kish": np.nan if small else estimate.n_eff,
        })
    return pd.DataFrame(rows)


def estimates_display(estimates: pd.DataFrame) -> pd.DataFrame:
    """The estimates with French column names, for a table."""
    out = pd.DataFrame({
        "Question": [question_label(q) for q in estimates["question"]],
        "Répondants": estimates["n"],
        "Satisfaits, non pondéré (%)": estimates["brut"],
        "Satisfaits, pondéré (%)": estimates["pondere"],
        "IC 95 % bas": estimates["ic_bas"],
        "IC 95 % haut": estimates["ic_haut"],
        "Effet de plan": estimates["deff"],
        "Taille effective": estimates["n_effectif"],
    })
    return out


def respondents_table(responses: pd.DataFrame) -> pd.DataFrame:
    """Respondents by service (rows) and collection mode (columns), with totals."""
    table = pd.crosstab(responses["service"], responses["mode"], margins=True, margins_name="total")
    table.index = [label("service", s) if s != "total" else "Total" for s in table.index]
    table.columns = [label("mode", m) if m != "total" else "Total" for m in table.columns]
    return table.rename_axis("Service").reset_index()


def dimension_by_service(responses: pd.DataFrame, weights: Weights | None, *, satisfied: tuple[int, ...],
                         disclosure: Disclosure) -> pd.DataFrame:
    """Share satisfied (weighted, %) per question (rows) and service (columns); blank on too few respondents."""
    w = pd.Series(1.0, index=responses.index) if weights is None else weights.values
    questions = [c for c in responses.columns if c.startswith("q_")]
    services = responses["service"].value_counts().index.tolist()
    table = pd.DataFrame(index=[question_label(q) for q in questions],
                         columns=[label("service", s) for s in services], dtype=float)
    for q in questions:
        answers = pd.to_numeric(responses[q], errors="coerce")
        for s in services:
            mask = (responses["service"] == s) & answers.notna()
            if disclosure.shows("share", int(mask.sum()), survey=True):
                table.loc[question_label(q), label("service", s)] = (
                    100 * w[mask & answers.isin(satisfied)].sum() / w[mask].sum())
    return table


def weighting_sentence(weights: Weights | None, reason: str, estimates: pd.DataFrame, n: int) -> str:
    """How the answers were weighted, in one French sentence."""
    if weights is None:
        return f"Les pourcentages ne sont pas pondérés : {reason}."
    names = {"service": "le service visité", "demi_journee": "la demi-journée", "mode": "le mode de réponse"}
    variables = " et ".join(names.get(v, v) for v in weights.variables)
    method = "post-stratification" if weights.method == "poststratification" else "calage sur les marges"
    glob = estimates[estimates["question"] == "q_global"]
    detail = ""
    if len(glob) and not glob["petit_effectif"].iloc[0] and pd.notna(glob["n_effectif"].iloc[0]):
        row = glob.iloc[0]
        detail = (f" ; pour la satisfaction globale, l'effet de plan est de {format_number(row['deff'], 2)} : "
                  f"l'estimation est aussi précise que celle d'un tirage au hasard de {format_number(row['n_effectif'])} "
                  f"personnes (pour {format_number(row['n'])} répondants)")
    return (f"Les réponses des {format_number(n)} répondants sont redressées sur la fréquentation par {variables} "
            f"par {method}, pour que chaque service pèse ce qu'il pèse dans l'accueil{detail}.")


def satisfaction_narrative(estimates: pd.DataFrame, previous: pd.DataFrame | None, *, site_label: str,
                           target: float | None, disclosure: Disclosure) -> str:
    """« 92,0 % des usagers se déclarent satisfaits… », against the target and the previous campaign."""
    glob = estimates[estimates["question"] == "q_global"]
    if glob.empty:
        return "La question de satisfaction globale n'a pas été posée lors de cette campagne."
    row = glob.iloc[0]
    if row["petit_effectif"]:
        return (f"Seuls {format_number(row['n'])} usagers ont répondu à la question de satisfaction globale "
                f"{site_complement_of(site_label)} : trop peu (moins de {format_number(disclosure.limit(survey=True))}) pour publier un pourcentage.")
    text = (f"{format_percent(row['pondere'])} des usagers se déclarent satisfaits de l'accueil "
            f"{site_complement_of(site_label)} (intervalle de confiance à 95 % : {format_percent(row['ic_bas'])} à "
            f"{format_percent(row['ic_haut'])}), contre {format_percent(row['brut'])} parmi les seuls répondants "
            "avant redressement.")
    if target is not None and not pd.isna(target):
        position = "au-dessus de" if row["pondere"] >= target else "en deçà de"
        text += f" Ce résultat est {position} la cible de {format_percent(target, 0)}."
    if previous is not None:
        before = previous[previous["question"] == "q_global"]
        if len(before) and not before["petit_effectif"].iloc[0]:
            change = question_changes(glob, before).get("q_global")
            judged = None if change is None else change["significatif"]
            text += " " + change_sentence("Il", row["pondere"] - before["pondere"].iloc[0], None, "pourcent", judged,
                                          f"par rapport à la campagne précédente ({format_percent(before['pondere'].iloc[0])})")
    worst = estimates[~estimates["petit_effectif"] & (estimates["question"] != "q_global")].sort_values("pondere")
    if len(worst):
        low = worst.iloc[0]
        text += (f" La dimension la moins bien notée est « {question_label(low['question']).lower()} » "
                 f"({format_percent(low['pondere'])} de satisfaits).")
    return text


def strata_sentence(merges: list, left_out: tuple[str, ...], threshold: int) -> str:
    """Which services were merged before weighting, and which variables were left out, and why (or ``""``).

    Parameters
    ----------
    merges : list of StrataMerge
        :func:`~qualepref_analysis.analysis.survey.sparse_merges` of the campaign.
    left_out : tuple of str
        The variables left out of the raking.
    threshold : int
        ``enquetes.min_repondants_strate``.

    Examples
    --------
    >>> from qualepref_analysis.analysis.strata import StrataMerge
    >>> merge = StrataMerge((0,), {"pan": "autres", "accueil_general": "autres"},
    ...                     {"pan": 6, "accueil_general": 3, "autres": 2, "sejour_etrangers": 165}, 10)
    >>> print(strata_sentence([merge], (), 10))  # doctest: +NORMALIZE_WHITESPACE
    Pour le redressement, les services « Point d'accueil numérique » (6 répondants) et « Accueil général » (3 répondants)
    comptent moins de 10 répondants : ils sont regroupés, avec leur fréquentation, dans « Autres services ».
    """
    from qualepref_analysis.report.formatting import join_french, plural

    sentences = []
    for merge in merges:
        by_target: dict[str, list[str]] = {}
        for source, target in merge.mapping.items():
            by_target.setdefault(target, []).append(source)
        for target, sources in by_target.items():
            named = join_french([f"« {label('service', c)} » ({plural(merge.respondents.get(c, 0), 'répondant')})"
                                 for c in sources])
            several = len(sources) > 1
            sentences.append(
                f"Pour le redressement, {'les services' if several else 'le service'} {named} "
                f"{'comptent' if several else 'compte'} moins de {plural(threshold, 'répondant')} : "
                f"{'ils sont regroupés' if several else 'il est regroupé'}, avec {'leur' if several else 'sa'} "
                f"fréquentation, {'dans' if target == 'autres' else 'avec'} « {label('service', target)} ».")
    names = {"demi_journee": "la demi-journée", "mode": "le mode de réponse"}
    for variable in left_out:
        sentences.append(f"Le redressement ne tient pas compte de {names.get(variable, f'la variable « {variable} »')} : "
                         f"une de ses modalités compte moins de {plural(threshold, 'répondant')}.")
    return " ".join(sentences)


def representativeness_table(responses: pd.DataFrame, margins: pd.DataFrame | None, *,
                             disclosure: Disclosure | None = None) -> pd.DataFrame:
    """Each service's share of the respondents beside its share of the footfall (the margins).

    Parameters
    ----------
    responses : DataFrame
        The campaign's ``enquetes`` rows (``service``).
    margins : DataFrame or None
        The campaign's ``marges`` rows (``variable``, ``modalite``, ``effectif``); without margins the
        footfall columns are empty.
    disclosure : Disclosure, optional
        The shares are withheld (NaN; the counts stay beside them) when the respondents, or the
        footfall, are fewer than the policy allows for a share.

    Returns
    -------
    DataFrame
        ``Service``, ``Répondants``, ``Part des répondants (%)``, ``Fréquentation``, ``Part de la
        fréquentation (%)``, services ordered by footfall, then the others.

    Examples
    --------
    >>> answers = pd.DataFrame({"service": ["pan"] * 3 + ["sejour_etrangers"] * 9})
    >>> footfall = pd.DataFrame({"variable": ["service", "service"], "modalite": ["pan", "sejour_etrangers"],
    ...                          "effectif": [300, 100]})
    >>> representativeness_table(answers, footfall)[["Part des répondants (%)", "Part de la fréquentation (%)"]]
       Part des répondants (%)  Part de la fréquentation (%)
    0                     25.0                          75.0
    1                     75.0                          25.0
    """
    respondents = responses["service"].value_counts()
    if margins is not None and not margins.empty:
        footfall = margins[margins["variable"] == "service"].groupby("modalite")["effectif"].sum()
    else:
        footfall = pd.Series(dtype=float)
    order = [*footfall.sort_values(ascending=False).index, *[c for c in respondents.index if c not in footfall.index]]
    people = respondents.reindex(order, fill_value=0)
    counted = footfall.reindex(order)
    people_share = 100 * people.to_numpy() / max(int(people.sum()), 1)
    footfall_share = 100 * counted.to_numpy() / counted.sum() if counted.notna().any() else np.full(len(order), np.nan)
    if disclosure is not None and not disclosure.shows("share", int(people.sum()), survey=True):
        people_share = np.full(len(order), np.nan)
    if disclosure is not None and not disclosure.shows("share", float(counted.sum(skipna=True))):
        footfall_share = np.full(len(order), np.nan)
    return pd.DataFrame({
        "Service": [label("service", c) for c in order],
        "Répondants": people.to_numpy(),
        "Part des répondants (%)": people_share,
        "Fréquentation": counted.to_numpy(),
        "Part de la fréquentation (%)": footfall_share,
    })


def site_complement_of(site_label: str) -> str:
    subject = site_subject(site_label)
    return "au " + subject[3:] if subject.startswith("le ") else "à " + subject


def question_changes(estimates: pd.DataFrame, previous: pd.DataFrame | None) -> dict[str, dict | None]:
    """Per question, the change since the previous campaign with its 95 % interval, or ``None``.

    Parameters
    ----------
    estimates, previous : DataFrame
        :func:`question_estimates` of this campaign and of the previous one (``None``: no previous
        campaign); require ``question``, ``pondere`` and ``se`` (withheld: NaN).

    Returns
    -------
    dict of str to dict or None
        :func:`~qualepref_analysis.sections.records.estimate_change_record` for every question of
        ``estimates``.
    """
    before = {} if previous is None else {row.question: row for row in previous.itertuples(index=False)}
    changes = {}
    for row in estimates.itertuples(index=False):
        old = before.get(row.question)
        changes[row.question] = (None if old is None else
                                 estimate_change_record(row.pondere, row.se, old.pondere, old.se))
    return changes


def question_records(estimates: pd.DataFrame, *, method: str, previous: pd.DataFrame | None = None) -> dict:
    """``results.json`` records: ``{q: {n, brut, pondere, se, ic_bas, ic_haut, deff, n_effectif, evolution}}``.

    Shares 0-100; ``evolution`` is the change since the ``previous`` campaign (:func:`question_changes`),
    ``None`` without one or when either figure is withheld.
    """
    changes = question_changes(estimates, previous)
    records = {}
    for row in estimates.itertuples(index=False):
        records[row.question] = {
            "n": int(row.n),
            **{k: (None if pd.isna(getattr(row, k)) else float(getattr(row, k)))
               for k in ("brut", "pondere", "se", "ic_bas", "ic_haut", "deff", "n_effectif")},
            "evolution": changes[row.question],
        }
    return {"methode": method, "questions": records}


from dataclasses import dataclass, field  # noqa: E402


@dataclass
class SiteSurvey:
    """Everything section 03 shows for one site and year."""

    available: bool
    message: str
    campaign: str | None = None
    previous_campaign: str | None = None
    responses: pd.DataFrame | None = None
    weights: Weights | None = None
    reason: str = ""
    estimates: pd.DataFrame | None = None
    previous: pd.DataFrame | None = None
    #: French messages of the QualeprefWarning met while weighting the two campaigns
    #: (« enquête de …, campagne … : redressement impossible (…) : résultats non pondérés »), to show.
    warnings: list[str] = field(default_factory=list)
    #: Services merged before weighting and variables left out of the raking (:func:`strata_sentence`).
    merges: list = field(default_factory=list)
    left_out: tuple[str, ...] = ()
    margins: pd.DataFrame | None = None
    threshold: int = 0

    @property
    def kish_effect(self) -> float | None:
        """Kish's weighting effect of the campaign's weights, n Σw² / (Σw)² (1 unweighted)."""
        if self.weights is None:
            return 1.0 if self.responses is not None and len(self.responses) else None
        w = self.weights.values.to_numpy(dtype=float)
        return float(len(w) * np.sum(w ** 2) / np.sum(w) ** 2) if len(w) and np.sum(w) > 0 else None

    @property
    def method(self) -> str:
        return "aucune" if self.weights is None else self.weights.method


def prepare_site_survey(survey: pd.DataFrame | None, margins: pd.DataFrame | None, *, site: str, year: int,
                        params) -> SiteSurvey:
    """Weights and estimates of the site's campaign of ``year`` and of the campaign before it.

    The :class:`~qualepref_analysis.errors.QualeprefWarning` met on the way (a campaign left
    unweighted, weights capped) are kept in :attr:`SiteSurvey.warnings` and emitted again.
    """
    import warnings

    from qualepref_analysis.analysis.indicators import survey_options

    if survey is None:
        return SiteSurvey(False, "Le fichier « enquetes » est absent du dossier de données : la satisfaction des "
                                 "usagers ne peut pas être présentée.")
    survey = survey[survey["site"] == site]  # once: a national file holds every site's responses
    margins = None if margins is None else margins[margins["site"] == site]
    campaign, before = campaigns_for_year(survey, site=site, year=year)
    if campaign is None:
        return SiteSurvey(False, f"Aucune enquête de satisfaction n'a été menée sur ce site en {year}.")
    options = survey_options(params.settings)
    satisfied = params.settings.reponses_satisfaites
    disclosure = Disclosure.from_params(params)

    def one(name: str):
        responses = survey[survey["campagne"] == name]
        responses = responses.dropna(axis=1, how="all")
        mine = None if margins is None else margins[margins["campagne"] == name]
        weights, reason = weights_or_none(responses, mine, options, site_labels=site_labels)
        estimates = question_estimates(responses, weights, satisfied=satisfied, ci=options["ci"], disclosure=disclosure)
        return responses, weights, reason, estimates, mine

    site_labels = {code: declared.libelle for code, declared in params.sites.items()}
    with warnings.catch_warnings(record=True) as met:
        warnings.simplefilter("always", QualeprefWarning)
        responses, weights, reason, estimates, mine = one(campaign)
        previous = one(before)[3] if before is not None else None
    for warning in met:  # said again to the caller, not swallowed
        warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
    said = list(dict.fromkeys(str(w.message) for w in met if issubclass(w.category, QualeprefWarning)))
    # of the previous campaign, only what changes the comparison (left unweighted), not every caution
    said = [m for m in said if before is None or f"campagne {before} :" not in m or "redressement impossible" in m]
    merges, left_out = sparse_merges(responses, mine, variables=options["variables"], collapse=options["collapse"],
                                     min_respondents=options["min_respondents"]) if weights is not None else ([], ())
    return SiteSurvey(True, "", campaign, before, responses, weights, reason, estimates, previous, warnings=said,
                      merges=merges, left_out=left_out, margins=mine, threshold=options["min_respondents"])
