"""The Qual-e-Pref indicator catalogue: definitions as data, values per site and year.

Each :class:`Indicator` carries its code (the key in ``results.json``), its
French label, unit, direction, group, and a formula function computing it
for every site and year at once (vectorised group-bys, no loop over sites).
:func:`compute_indicators` returns one tidy frame with the value, numerator,
denominator, pending items, target, whether the target is met, and the
previous year. Definitions follow ``INDICATORS.md``; targets and deadlines
come from ``params/default.yaml``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import numpy as np
import pandas as pd

from qualepref_analysis.io.datasets import DataBundle
from qualepref_analysis.analysis.register import is_complaint
from qualepref_analysis.analysis.delays import correspondence_delays, extraction_date, item_delays
from qualepref_analysis.io.params import Params
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.analysis.funnel import FUNNEL_PROBABILITIES, funnel_limits, funnel_position
from qualepref_analysis.analysis.comparison import is_significant, newcombe_difference, normal_difference, welch_difference
from qualepref_analysis.analysis.survey import weighted_shares

__all__ = [
    "department_sites",
    "Indicator",
    "IndicatorInputs",
    "CATALOGUE",
    "BY_CODE",
    "prepare_inputs",
    "extraction_dates",
    "EXTRACTION_COLUMNS",
    "compute_indicators",
    "change_intervals",
    "funnel_columns",
    "FUNNEL_COLUMNS",
    "CHANGE_METHODS",
    "result_key",
    "EVALUATIONS",
    "survey_options",
]

KEYS = ["site", "annee", "detail"]
#: ``erreur_type``: the standard error of ``valeur`` in its unit where it is an estimate (a mean
#: delay: s / √n over the answered items; a survey share: the linearised SE of the weighted
#: share); empty for counts and rates on counts, whose changes are judged from the counts.
VALUE_COLUMNS = ["valeur", "numerateur", "denominateur", "en_attente", "erreur_type"]

#: Evaluation of an indicator against its target.
EVALUATIONS = {
    "atteint": "Cible atteinte",
    "non_atteint": "Cible non atteinte",
    "non_evaluable": "Non évaluable (effectif trop faible)",
    "sans_cible": "Sans cible",
    "sans_donnees": "Pas de données",
}


@dataclass
class IndicatorInputs:
    """The validated frames an indicator may use, prepared once (delays computed)."""

    params: Params
    correspondances: pd.DataFrame | None = None
    appels: pd.DataFrame | None = None
    site_internet: pd.DataFrame | None = None
    frequentation_pan: pd.DataFrame | None = None
    chatbot: pd.DataFrame | None = None
    enquetes: pd.DataFrame | None = None
    marges: pd.DataFrame | None = None
    #: Extraction date of each register (``correspondances``, ``site_internet``).
    extraction: dict[str, pd.Timestamp] = field(default_factory=dict)
    _subsets: dict = field(default_factory=dict, repr=False)

    def subset(self, name: str, select: Callable[[pd.DataFrame], pd.Series]) -> pd.DataFrame | None:
        """Rows of ``correspondances`` selected once and reused by every indicator of a group."""
        if self.correspondances is None:
            return None
        if name not in self._subsets:
            self._subsets[name] = self.correspondances[select(self.correspondances)]
        return self._subsets[name]


@dataclass(frozen=True)
class Indicator:
    """One indicator of the catalogue.

    ``compute`` returns a frame with columns ``site``, ``annee``, ``detail``
    (e.g. the PAN; empty string otherwise), ``valeur``, ``numerateur``,
    ``denominateur``, ``en_attente``. ``small_cell`` names the threshold that
    applies to ``denominateur`` (``"general"``, ``"enquete"`` or ``None``).

    The French label and subject may name a deadline of the settings (``{delai_site_internet}``,
    ``{delai_information_courriel}``): :meth:`label` and :meth:`subject` write them for a review's
    settings, so that a prefecture whose deadline is 3 working days reads « en 3 jours ouvrés ».
    The code stays the same whatever the deadline (``information_courriel_taux_5j``): it is the key
    of the targets and of ``results.json``.
    """

    code: str
    label_template: str
    unit: str  # nombre | pourcent | jours_ouvres | visites_mois
    direction: str  # hausse (higher is better) | baisse | neutre
    group: str
    subject_template: str  # the indicator as the subject of a French sentence
    feminine: bool
    compute: Callable[[IndicatorInputs], pd.DataFrame]
    small_cell: str | None = "general"

    def label(self, settings: ReviewSettings) -> str:
        """The French label, with the review's deadlines.

        Examples
        --------
        >>> from qualepref_analysis.io.settings import parse_settings
        >>> def settings(email: int, website: int):
        ...     return parse_settings({"annee": 2022, "delais_jours_ouvres": {"courriel": 5},
        ...         "delai_information_courriel_jours_ouvres": email, "delai_site_internet_jours_ouvres": website,
        ...         "cibles": {}, "seuil_petits_effectifs": 10, "seuil_petits_effectifs_enquete": 20,
        ...         "reponses_satisfaites": [3, 4]}, path="default.yaml")
        >>> print(BY_CODE["information_courriel_taux_5j"].label(settings(3, 1)))
        Taux de réponse aux demandes d'information par courriel en 3 jours ouvrés
        >>> print(BY_CODE["site_internet_taux_3j"].label(settings(3, 1)))
        Taux de mise à jour du site internet en 1 jour ouvré
        >>> print(BY_CODE["site_internet_taux_3j"].subject(settings(5, 0)))
        le taux de mise à jour du site internet le jour même
        """
        return self.label_template.format(**_deadline_phrases(settings))

    def subject(self, settings: ReviewSettings) -> str:
        """The indicator as the subject of a French sentence, with the review's deadlines."""
        return self.subject_template.format(**_deadline_phrases(settings))


def _within(days: int) -> str:
    """« en 5 jours ouvrés », « en 1 jour ouvré », « le jour même » (a deadline of 0)."""
    if days == 0:
        return "le jour même"
    return f"en {days} jours ouvrés" if days > 1 else f"en {days} jour ouvré"


def _deadline_phrases(settings: ReviewSettings) -> dict[str, str]:
    """The deadlines an indicator's label may name, written for a label."""
    return {"delai_site_internet": _within(settings.delai_site_internet_jours_ouvres),
            "delai_information_courriel": _within(settings.delai_information_courriel_jours_ouvres)}


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=KEYS + VALUE_COLUMNS)


def _finish(frame: pd.DataFrame) -> pd.DataFrame:
    if "detail" not in frame.columns:
        frame = frame.assign(detail="")
    for column in VALUE_COLUMNS:
        if column not in frame.columns:
            frame[column] = np.nan
    frame["annee"] = frame["annee"].astype(int)
    return frame[KEYS + VALUE_COLUMNS].reset_index(drop=True)


def _complaints(inputs: IndicatorInputs) -> pd.DataFrame | None:
    return inputs.subset("complaints", is_complaint)


def _email_information(inputs: IndicatorInputs) -> pd.DataFrame | None:
    return inputs.subset("email_information",
                         lambda items: (items["type"] == "information") & (items["canal"] == "courriel"))


def _count(items: pd.DataFrame | None, year_column: str = "annee") -> pd.DataFrame:
    if items is None or items.empty:
        return _empty()
    counts = items.groupby(["site", year_column], observed=True).size().rename("valeur").reset_index()
    counts = counts.rename(columns={year_column: "annee"})
    counts["numerateur"] = counts["valeur"]
    return _finish(counts)


def _rate(items: pd.DataFrame | None, status_column: str = "statut") -> pd.DataFrame:
    """Answered within the deadline / (items − pending), in percent."""
    if items is None or items.empty:
        return _empty()
    flags = pd.DataFrame({
        "site": items["site"], "annee": items["annee"],
        "ok": items[status_column] == "dans_les_delais",
        "pending": items[status_column] == "en_attente",
    })
    grouped = flags.groupby(["site", "annee"], observed=True).agg(
        numerateur=("ok", "sum"), n=("ok", "size"), en_attente=("pending", "sum")).reset_index()
    grouped["denominateur"] = grouped["n"] - grouped["en_attente"]
    grouped["valeur"] = np.where(grouped["denominateur"] > 0,
                                 100 * grouped["numerateur"] / grouped["denominateur"].where(grouped["denominateur"] > 0),
                                 np.nan)
    return _finish(grouped)


def _mean_delay(items: pd.DataFrame | None) -> pd.DataFrame:
    """Mean delay over answered items: numerator = total working days, denominator = answered items."""
    if items is None or items.empty:
        return _empty()
    answered = items[items["delai"].notna()]
    grouped = answered.groupby(["site", "annee"], observed=True)["delai"].agg(["sum", "size", "std"]).reset_index()
    grouped = grouped.rename(columns={"sum": "numerateur", "size": "denominateur"})
    grouped["valeur"] = grouped["numerateur"] / grouped["denominateur"]
    grouped["erreur_type"] = grouped.pop("std") / np.sqrt(grouped["denominateur"])  # s (ddof 1) / √n
    pending = (items["statut"] == "en_attente").groupby([items["site"], items["annee"]], observed=True).sum()
    grouped = grouped.merge(pending.rename("en_attente").reset_index(), on=["site", "annee"], how="left")
    return _finish(grouped)


def _within_days(items: pd.DataFrame | None, days: int, inputs: IndicatorInputs) -> pd.DataFrame | None:
    """Items re-assessed against a fixed deadline of ``days`` working days."""
    if items is None or items.empty:
        return items
    calendars = items["site"].map(inputs.params.calendars)
    status = item_delays(items, start="date_reception", end="date_reponse", deadline_days=days,
                         calendars=calendars, extraction=inputs.extraction["correspondances"])
    return items.assign(statut_fixe=status["statut"])


def _reclamations_nombre(inputs: IndicatorInputs) -> pd.DataFrame:
    return _count(_complaints(inputs))


def _reclamations_taux(inputs: IndicatorInputs) -> pd.DataFrame:
    return _rate(_complaints(inputs))


def _reclamations_delai(inputs: IndicatorInputs) -> pd.DataFrame:
    return _mean_delay(_complaints(inputs))


def _information_nombre(inputs: IndicatorInputs) -> pd.DataFrame:
    return _count(_email_information(inputs))


def _information_taux(inputs: IndicatorInputs) -> pd.DataFrame:
    days = inputs.params.settings.delai_information_courriel_jours_ouvres
    return _rate(_within_days(_email_information(inputs), days, inputs), status_column="statut_fixe")


def _information_delai(inputs: IndicatorInputs) -> pd.DataFrame:
    return _mean_delay(_email_information(inputs))


def _appels_taux(inputs: IndicatorInputs) -> pd.DataFrame:
    calls = inputs.appels
    if calls is None or calls.empty:
        return _empty()
    grouped = (calls.assign(annee=calls["mois"].dt.year)
               .groupby(["site", "annee"], observed=True)[["appels_decroches", "appels_recus"]].sum().reset_index())
    grouped = grouped.rename(columns={"appels_decroches": "numerateur", "appels_recus": "denominateur"})
    grouped["valeur"] = 100 * grouped["numerateur"] / grouped["denominateur"].where(grouped["denominateur"] > 0)
    grouped["en_attente"] = 0
    return _finish(grouped.astype({"numerateur": float, "denominateur": float, "valeur": float}))


def _site_internet_items(inputs: IndicatorInputs) -> pd.DataFrame | None:
    web = inputs.site_internet
    if web is None or web.empty:
        return None
    return web


def _site_internet_taux(inputs: IndicatorInputs) -> pd.DataFrame:
    web = _site_internet_items(inputs)
    return _rate(web)


def _site_internet_nombre(inputs: IndicatorInputs) -> pd.DataFrame:
    web = _site_internet_items(inputs)
    if web is None:
        return _empty()
    published = web[web["date_publication"].notna()].assign(annee_publication=lambda d: d["date_publication"].dt.year)
    return _count(published, year_column="annee_publication")


def _pan_visites(inputs: IndicatorInputs) -> pd.DataFrame:
    pan = inputs.frequentation_pan
    if pan is None or pan.empty:
        return _empty()
    monthly = pan.groupby(["site", "pan", "mois"], observed=True)["visites"].sum().reset_index()
    monthly["annee"] = monthly["mois"].dt.year
    grouped = monthly.groupby(["site", "annee", "pan"], observed=True)["visites"].agg(["sum", "size"]).reset_index()
    grouped = grouped.rename(columns={"pan": "detail", "sum": "numerateur", "size": "denominateur"})
    grouped["valeur"] = grouped["numerateur"] / grouped["denominateur"]
    return _finish(grouped)


def department_sites(sites: Mapping[str, Any]) -> list[str]:
    """Sites that department-wide figures (the chatbot) are reported under: the prefecture(s), else the first site.

    Parameters
    ----------
    sites : mapping of str to Site
        The declared sites (``params.sites``), each with its ``kind``.

    Returns
    -------
    list of str
        Site codes, in declaration order; the first one is where the bilan presents what is common
        to the department (the chatbot, the classifier's reliability), once.
    """
    prefectures = [code for code, site in sites.items() if site.kind == "prefecture"]
    return prefectures or list(sites)[:1]


def _chatbot_sites(inputs: IndicatorInputs) -> list[str]:
    return department_sites(inputs.params.sites)


def _chatbot(inputs: IndicatorInputs) -> pd.DataFrame:
    bot = inputs.chatbot
    if bot is None or bot.empty:
        return _empty()
    totals = bot.assign(annee=bot["mois"].dt.year).groupby("annee")["conversations"].sum().reset_index()
    frames = [totals.assign(site=site) for site in _chatbot_sites(inputs)]
    out = pd.concat(frames, ignore_index=True).rename(columns={"conversations": "valeur"})
    out["numerateur"] = out["valeur"]
    return _finish(out)


def campaign_year(responses: pd.DataFrame) -> pd.Series:
    """Year of each campaign (site × campagne): the year of its median response date."""
    return responses.groupby(["site", "campagne"], observed=True)["date"].median().dt.year


def survey_options(settings: ReviewSettings) -> dict:
    """The ``enquetes`` settings as the weighting functions take them: variables, weight cap, merged categories,
    interval and the fewest respondents of a stratum."""
    block = settings.enquetes
    return {
        "variables": tuple(block.variables_calage),
        "cap": block.plafond_poids,
        "collapse": {variable: dict(merged) for variable, merged in block.regroupements.items()},
        "ci": block.intervalle,
        "min_respondents": block.min_repondants_strate,
    }


def _satisfaction(inputs: IndicatorInputs) -> pd.DataFrame:
    survey = inputs.enquetes
    if survey is None or survey.empty or "q_global" not in survey.columns:
        return _empty()
    satisfied = inputs.params.settings.reponses_satisfaites
    options = survey_options(inputs.params.settings)
    # the weights of section 03 (campaign_weights), every campaign at once; a campaign left unweighted warns
    shares = weighted_shares(survey, inputs.marges, "q_global", variables=options["variables"], cap=options["cap"],
                             collapse=options["collapse"], satisfied=satisfied, min_respondents=options["min_respondents"],
                             site_labels={code: site.libelle for code, site in inputs.params.sites.items()})
    years = campaign_year(survey).rename("annee").reset_index()
    out = shares.merge(years, on=["site", "campagne"], how="left").dropna(subset=["annee"])
    out = out.rename(columns={"part": "valeur", "satisfaits": "numerateur", "repondants": "denominateur"})
    out["erreur_type"] = out["erreur_type"].astype(float)  # points of %, linearised through the weighting
    out["detail"] = np.where(out["pondere"], "", "non_pondere")
    out["en_attente"] = 0
    # One campaign per site and year is expected; keep the latest if several.
    return _finish(out.drop_duplicates(subset=["site", "annee"], keep="last"))


CATALOGUE: tuple[Indicator, ...] = (
    Indicator("reclamations_nombre", "Réclamations et suggestions reçues", "nombre", "neutre", "reclamations",
              "le nombre de réclamations et suggestions reçues", False, _reclamations_nombre, None),
    Indicator("reclamations_taux_delai", "Taux de réponse aux réclamations et suggestions dans les délais",
              "pourcent", "hausse", "reclamations",
              "le taux de réponse aux réclamations et suggestions dans les délais", False, _reclamations_taux),
    Indicator("reclamations_delai_moyen", "Délai moyen de réponse aux réclamations et suggestions", "jours_ouvres",
              "baisse", "reclamations", "le délai moyen de réponse aux réclamations et suggestions", False,
              _reclamations_delai),
    Indicator("information_courriel_nombre", "Demandes d'information reçues par courriel", "nombre", "neutre",
              "information_courriel", "le nombre de demandes d'information reçues par courriel", False,
              _information_nombre, None),
    Indicator("information_courriel_taux_5j",
              "Taux de réponse aux demandes d'information par courriel {delai_information_courriel}", "pourcent",
              "hausse", "information_courriel",
              "le taux de réponse aux demandes d'information par courriel {delai_information_courriel}",
              False, _information_taux),
    Indicator("information_courriel_delai_moyen", "Délai moyen de réponse aux demandes d'information par courriel",
              "jours_ouvres", "baisse", "information_courriel",
              "le délai moyen de réponse aux demandes d'information par courriel", False, _information_delai),
    Indicator("appels_taux_decroches", "Taux d'appels décrochés", "pourcent", "hausse", "appels",
              "le taux d'appels décrochés", False, _appels_taux),
    Indicator("site_internet_taux_3j", "Taux de mise à jour du site internet {delai_site_internet}", "pourcent",
              "hausse", "site_internet", "le taux de mise à jour du site internet {delai_site_internet}", False,
              _site_internet_taux),
    Indicator("site_internet_nombre", "Mises à jour du site internet", "nombre", "neutre", "site_internet",
              "le nombre de mises à jour du site internet", False, _site_internet_nombre, None),
    Indicator("pan_visites_mois", "Fréquentation mensuelle moyenne du PAN", "visites_mois", "neutre", "pan",
              "la fréquentation mensuelle moyenne du PAN", True, _pan_visites, None),
    Indicator("chatbot_conversations", "Conversations du chatbot", "nombre", "neutre", "chatbot",
              "le nombre de conversations du chatbot", False, _chatbot, None),
    Indicator("satisfaction_globale", "Usagers satisfaits", "pourcent", "hausse", "satisfaction",
              "la part d'usagers satisfaits", True, _satisfaction, "enquete"),
)

#: The catalogue by code, in its order.
BY_CODE: dict[str, Indicator] = {indicator.code: indicator for indicator in CATALOGUE}


def _frames(data: DataBundle | Mapping[str, pd.DataFrame]) -> dict[str, pd.DataFrame | None]:
    if isinstance(data, DataBundle):
        return {name: data.frame(name) for name in data.datasets}
    return dict(data)


#: The date columns that give each register's extraction date when none is declared.
EXTRACTION_COLUMNS = {"correspondances": ("date_reception", "date_reponse"),
                      "site_internet": ("date_demande", "date_publication")}


def extraction_dates(data: DataBundle | Mapping[str, pd.DataFrame], params: Params) -> dict[str, pd.Timestamp]:
    """Extraction date of each register: ``date_extraction`` of the settings, else the register's latest date.

    Parameters
    ----------
    data : DataBundle or mapping of frames
        Validated data sets.
    params : Params
        Their ``date_extraction`` (may be empty).

    Returns
    -------
    dict
        ``{"correspondances": Timestamp, "site_internet": Timestamp}`` (``NaT`` for a register without any date).
    """
    frames = _frames(data)
    return {name: extraction_date(frames.get(name), columns=columns, declared=params.extraction_date)
            for name, columns in EXTRACTION_COLUMNS.items()}


def prepare_inputs(data: DataBundle | Mapping[str, pd.DataFrame], params: Params, *,
                   extraction: Mapping[str, pd.Timestamp] | None = None) -> IndicatorInputs:
    """Validated frames with delays and statuses computed once.

    Parameters
    ----------
    data : DataBundle or mapping of frames
        Validated data sets; ``correspondances`` and ``site_internet`` get their delays and statuses.
    params : Params
        Deadlines, calendars.
    extraction : mapping, optional
        Extraction date per register (:func:`extraction_dates`, the default).

    Returns
    -------
    IndicatorInputs
        ``correspondances`` with the columns of :func:`~qualepref_analysis.analysis.delays.correspondence_delays`;
        ``site_internet`` with those of :func:`~qualepref_analysis.analysis.delays.item_delays` and ``annee``.
    """
    frames = _frames(data)
    dates = dict(extraction) if extraction is not None else extraction_dates(frames, params)
    inputs = IndicatorInputs(params=params, extraction=dates,
                             **{k: v for k, v in frames.items() if k in _INPUT_FRAMES})
    if inputs.correspondances is not None:
        inputs.correspondances = correspondence_delays(inputs.correspondances, params,
                                                       extraction=dates["correspondances"])
    if inputs.site_internet is not None and not inputs.site_internet.empty:
        web = inputs.site_internet
        calendars = web["site"].map(params.calendars)
        status = item_delays(web, start="date_demande", end="date_publication",
                             deadline_days=params.settings.delai_site_internet_jours_ouvres,
                             calendars=calendars, extraction=dates["site_internet"])
        inputs.site_internet = pd.concat([web, status], axis=1).assign(annee=web["date_demande"].dt.year)
    return inputs


_INPUT_FRAMES = ("correspondances", "appels", "site_internet", "frequentation_pan", "chatbot", "enquetes", "marges")


def _evaluate(frame: pd.DataFrame) -> pd.DataFrame:
    """Each value against its target: ``sans_donnees``, ``sans_cible``, ``atteint`` or ``non_atteint``.

    Whether a value on few units can be judged at all is the disclosure policy's decision
    (:meth:`qualepref_analysis.report.disclosure.Disclosure.indicators`), not this function's.
    """
    has_target = frame["cible"].notna() & frame["valeur"].notna()
    met = np.where(frame["sens"] == "baisse", frame["valeur"] <= frame["cible"], frame["valeur"] >= frame["cible"])
    frame["evaluation"] = np.select([frame["valeur"].isna(), ~has_target, met],
                                    ["sans_donnees", "sans_cible", "atteint"], default="non_atteint")
    frame["atteint"] = pd.Series(np.where(frame["evaluation"] == "atteint", True,
                                          np.where(frame["evaluation"] == "non_atteint", False, None)),
                                 index=frame.index, dtype="boolean")
    return frame


def compute_indicators(data: DataBundle | Mapping[str, pd.DataFrame] | IndicatorInputs, params: Params, *,
                       catalogue: tuple[Indicator, ...] = CATALOGUE) -> pd.DataFrame:
    """Every indicator of the catalogue for every site and year present in the data.

    Parameters
    ----------
    data : DataBundle, mapping of frames, or IndicatorInputs
        The validated data sets (``correspondances``, ``appels``...). Absent data sets give no rows.
    params : Params
        Targets (``cibles``), deadlines, small-cell thresholds.

    Returns
    -------
    DataFrame
        One row per indicator × site × year (× PAN): ``code``, ``libelle`` (the label, with the
        review's deadlines), ``sujet`` (the indicator as the subject of a sentence), ``groupe``, ``unite``,
        ``sens``, ``secret`` (the small-cell threshold that applies to ``denominateur``: ``general``,
        ``enquete`` or ``None``), ``site``, ``annee``, ``detail``, ``valeur``, ``numerateur``,
        ``denominateur``, ``en_attente``, ``cible``, ``evaluation`` (see :data:`EVALUATIONS`; never
        ``non_evaluable``, which the disclosure policy decides), ``atteint`` (True/False/NA),
        ``erreur_type``, ``valeur_annee_precedente``, ``n_annee_precedente``,
        ``numerateur_annee_precedente``, ``erreur_type_annee_precedente``, ``evolution`` (value −
        previous, in the unit: points for rates) and ``evolution_relative`` (% change), and the
        change's interval (:func:`change_intervals`): ``evolution_ic_bas``, ``evolution_ic_haut``,
        ``evolution_significative``, ``evolution_methode``; the funnel limits around the target
        (:func:`funnel_columns`): :data:`FUNNEL_COLUMNS`. Every value is computed,
        whatever its base: what may be published is
        :meth:`qualepref_analysis.report.disclosure.Disclosure.indicators`'s decision.
    """
    inputs = data if isinstance(data, IndicatorInputs) else prepare_inputs(data, params)
    targets = params.targets
    parts = []
    for indicator in catalogue:
        values = indicator.compute(inputs)
        if values.empty:
            continue
        values = values.assign(code=indicator.code, libelle=indicator.label(params.settings),
                               sujet=indicator.subject(params.settings), groupe=indicator.group,
                               unite=indicator.unit, sens=indicator.direction, secret=indicator.small_cell,
                               cible=targets.get(indicator.code, np.nan))
        parts.append(values)
    columns = ["code", "libelle", "sujet", "groupe", "unite", "sens", "site", "annee", "detail", *VALUE_COLUMNS, "cible"]
    if not parts:
        return pd.DataFrame(columns=columns + ["secret", "evaluation", "atteint", "valeur_annee_precedente",
                                               "n_annee_precedente", "numerateur_annee_precedente",
                                               "erreur_type_annee_precedente", "evolution", "evolution_relative",
                                               "evolution_ic_bas", "evolution_ic_haut", "evolution_significative",
                                               "evolution_methode", *FUNNEL_COLUMNS])
    frame = pd.concat(parts, ignore_index=True)
    frame["cible"] = frame["cible"].astype(float)
    for column in VALUE_COLUMNS:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    frame = _evaluate(frame)
    previous = frame[["code", "site", "annee", "detail", "valeur", "denominateur", "numerateur", "erreur_type"]].copy()
    previous["annee"] = previous["annee"] + 1
    previous = previous.rename(columns={"valeur": "valeur_annee_precedente", "denominateur": "n_annee_precedente",
                                        "numerateur": "numerateur_annee_precedente",
                                        "erreur_type": "erreur_type_annee_precedente"})
    frame = frame.merge(previous, on=["code", "site", "annee", "detail"], how="left")
    frame["evolution"] = frame["valeur"] - frame["valeur_annee_precedente"]
    before = frame["valeur_annee_precedente"].where(frame["valeur_annee_precedente"] != 0)
    frame["evolution_relative"] = 100 * frame["evolution"] / before
    frame = change_intervals(frame)
    frame = funnel_columns(frame)
    order = {ind.code: i for i, ind in enumerate(catalogue)}
    frame = frame.sort_values(["site", "annee"], kind="stable")
    frame = frame.sort_values("code", key=lambda c: c.map(order), kind="stable").reset_index(drop=True)
    return frame


#: How the change of each kind of indicator is judged (see :mod:`~qualepref_analysis.analysis.comparison`);
#: a count of every item of the year (``nombre``, ``visites_mois``) is no sample: no interval.
CHANGE_METHODS = {"taux": "newcombe", "enquete": "enquetes_independantes", "jours_ouvres": "welch"}


def change_intervals(frame: pd.DataFrame) -> pd.DataFrame:
    """The 95 % interval of each change over a year, by the method that fits the indicator.

    Parameters
    ----------
    frame : DataFrame
        The catalogue with last year's figures: ``unite``, ``secret``, ``valeur``, ``numerateur``,
        ``denominateur``, ``erreur_type`` and the same ``…_annee_precedente`` (``n_annee_precedente``
        for the denominator).

    Returns
    -------
    DataFrame
        A copy with ``evolution_ic_bas``, ``evolution_ic_haut`` (the interval of ``evolution``, in its
        unit: points for rates and shares, working days for delays), ``evolution_significative``
        (the interval excludes 0; NA without interval) and ``evolution_methode`` (a key of
        :data:`~qualepref_analysis.analysis.comparison.METHODS`, or empty): rates on counts by
        Newcombe's hybrid score interval, survey shares by the normal interval on
        √(se₁² + se₂²), mean delays by Welch's interval; counts get none.
    """
    frame = frame.copy()
    survey = frame["secret"] == "enquete"
    rate = (frame["unite"] == "pourcent") & ~survey
    delay = frame["unite"] == "jours_ouvres"
    low = np.full(len(frame), np.nan)
    high = np.full(len(frame), np.nan)
    if rate.any():
        r = frame[rate]
        _, lo, hi = newcombe_difference(r["numerateur"], r["denominateur"], r["numerateur_annee_precedente"],
                                        r["n_annee_precedente"])
        low[rate.to_numpy()], high[rate.to_numpy()] = 100 * lo, 100 * hi
    if survey.any():
        v = frame[survey]
        _, lo, hi = normal_difference(v["valeur"], v["erreur_type"], v["valeur_annee_precedente"],
                                      v["erreur_type_annee_precedente"])
        low[survey.to_numpy()], high[survey.to_numpy()] = lo, hi
    if delay.any():
        d = frame[delay]
        _, lo, hi = welch_difference(d["valeur"], d["erreur_type"], d["denominateur"], d["valeur_annee_precedente"],
                                     d["erreur_type_annee_precedente"], d["n_annee_precedente"])
        low[delay.to_numpy()], high[delay.to_numpy()] = lo, hi
    method = np.select([rate, survey, delay], [CHANGE_METHODS["taux"], CHANGE_METHODS["enquete"],
                                               CHANGE_METHODS["jours_ouvres"]], default="")
    has_interval = ~np.isnan(low) & ~np.isnan(high) & frame["evolution"].notna().to_numpy()
    frame["evolution_ic_bas"] = np.where(has_interval, low, np.nan)
    frame["evolution_ic_haut"] = np.where(has_interval, high, np.nan)
    frame["evolution_significative"] = pd.Series(np.where(has_interval, is_significant(low, high), None),
                                                 index=frame.index, dtype="boolean")
    frame["evolution_methode"] = np.where(has_interval, method, "")
    return frame


#: The funnel limits of a rate against its target (percentages 0–100) and the position of its value.
FUNNEL_COLUMNS = [f"entonnoir_{name[len('limite_'):]}" for name in FUNNEL_PROBABILITIES] + ["entonnoir_position"]


def funnel_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """The funnel limits around the target of every rate on counts (:mod:`~qualepref_analysis.analysis.funnel`).

    Parameters
    ----------
    frame : DataFrame
        The catalogue: ``unite``, ``secret``, ``valeur``, ``denominateur``, ``cible``.

    Returns
    -------
    DataFrame
        A copy with :data:`FUNNEL_COLUMNS`: ``entonnoir_95_bas``, ``entonnoir_95_haut``,
        ``entonnoir_998_bas``, ``entonnoir_998_haut`` (the exact binomial limits for the row's
        denominator around p₀ = the target, in %) and ``entonnoir_position`` (« au-dessus »,
        « dans la plage » or « en dessous » of the 95 % limits). Empty for survey shares (their
        limits would need the design, not a binomial), counts, delays and rates without a target
        or without items.
    """
    frame = frame.copy()
    eligible = ((frame["unite"] == "pourcent") & (frame["secret"] != "enquete") & frame["cible"].notna()
                & (frame["denominateur"] > 0) & frame["valeur"].notna()).to_numpy()
    for column in FUNNEL_COLUMNS[:-1]:
        frame[column] = np.nan
    frame["entonnoir_position"] = None
    if eligible.any():
        rows = frame[eligible]
        limits = funnel_limits(rows["denominateur"].to_numpy(), (rows["cible"] / 100).to_numpy())
        for name, values in limits.items():
            frame.loc[eligible, f"entonnoir_{name[len('limite_'):]}"] = 100 * values
        frame.loc[eligible, "entonnoir_position"] = funnel_position(
            rows["valeur"].to_numpy(), frame.loc[eligible, "entonnoir_95_bas"].to_numpy(),
            frame.loc[eligible, "entonnoir_95_haut"].to_numpy())
    return frame


def result_key(code: str, detail: str) -> str:
    """Key of an indicator in ``results.json`` (``pan_visites_mois_ants`` for a per-PAN value)."""
    return f"{code}_{detail}" if detail and detail != "non_pondere" else code
