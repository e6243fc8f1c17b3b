"""The methods annex of the bilan: how each figure was obtained, in plain French, and the
parameters of the review as readable tables (never as code).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from qualepref_analysis.analysis.indicators import BY_CODE
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.report.formatting import format_number, join_french, plural
from qualepref_analysis.report.html import Table
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_target

__all__ = ["DatasetQuality", "method_paragraphs", "parameter_tables", "data_quality_table", "weighting_effect_table",
           "cross_validation_folds"]

_CALENDARS = {"metropole": "le calendrier des jours fériés de la métropole",
              "alsace_moselle": "le calendrier d'Alsace-Moselle (Vendredi saint et 26 décembre fériés en plus)"}


def cross_validation_folds(results: dict) -> int | None:
    """The number of parts the classifier's cross-validation actually used, as section 02 recorded it.

    Fewer than ``plis_validation`` asks when a subject has fewer hand-labelled complaints than that.

    Parameters
    ----------
    results : dict
        The content of ``results.json``; uses ``sites.<site>.02_reclamations.sujets.evaluation.plis``
        (the same cross-validation for every site of the run).

    Returns
    -------
    int or None
        ``None`` when no site recorded a cross-validation.

    Examples
    --------
    >>> cross_validation_folds({"sites": {"a": {"02_reclamations": {"sujets": {"evaluation": {"plis": 4}}}}}})
    4
    >>> cross_validation_folds({"sites": {"a": {"01_indicateurs": {}}}}) is None
    True
    """
    for site in (results.get("sites") or {}).values():
        evaluation = (((site or {}).get("02_reclamations") or {}).get("sujets") or {}).get("evaluation") or {}
        if evaluation.get("plis"):
            return int(evaluation["plis"])
    return None


def method_paragraphs(settings: ReviewSettings, calendars: dict[str, str],
                      folds: int | None = None) -> list[tuple[str, str]]:
    """The annex's explanations, as (title, French paragraph) pairs.

    Parameters
    ----------
    settings : ReviewSettings
        The review's settings (thresholds, satisfied answers, classification settings).
    calendars : dict of str to str
        Site label → calendar name (``metropole``, ``alsace_moselle``).
    folds : int, optional
        The parts the cross-validation actually used (:func:`cross_validation_folds`); by default the
        number ``plis_validation`` asks for.

    Returns
    -------
    list of (str, str)
        Title and text of each explanation, in the annex's order.
    """
    used = sorted(set(calendars.values()))
    calendar_text = join_french([_CALENDARS.get(name, f"le calendrier « {name} »") for name in used]) or \
        _CALENDARS["metropole"]
    satisfied = join_french([str(answer) for answer in settings.reponses_satisfaites])
    threshold, survey = settings.seuil_petits_effectifs, settings.seuil_petits_effectifs_enquete
    asked = settings.categorisation.plis_validation
    parts = f"{format_number(folds or asked)} parts"
    if folds and folds < asked:
        parts += (f" (le paramétrage en demande {format_number(asked)}, mais le sujet le plus rare compte trop peu "
                  "de réclamations classées à la main)")
    return [
        ("Délais en jours ouvrés",
         "Un délai est compté en jours ouvrés : du lundi au vendredi, hors jours fériés ("
         f"{calendar_text}). Le jour de réception n'est pas compté ; une réponse envoyée le jour même a un délai "
         "de zéro jour. Un élément est dans les délais si la réponse part au plus tard le dernier jour ouvré "
         "du délai attendu pour son canal. Un élément encore sans réponse dont le délai n'est pas écoulé à la "
         "date d'extraction du registre est « en attente » : il n'entre pas dans le taux."),
        ("Taux et moyennes",
         "Un taux est la part des éléments de l'année (réclamations, courriels, appels, mises à jour) qui "
         "satisfont la règle, sur tous les éléments de l'année : ce n'est pas une moyenne de taux mensuels. "
         "Un délai moyen porte sur les éléments qui ont reçu une réponse ; les réclamations restées sans "
         "réponse sont décrites à part, par une courbe qui les suit jusqu'à la date d'extraction."),
        ("Enquêtes de satisfaction",
         f"Un usager est compté satisfait s'il répond {satisfied} sur l'échelle de 1 à 4. Les répondants "
         "d'une enquête ne reflètent pas toujours la fréquentation des services : chaque réponse reçoit un "
         "poids pour que la répartition des répondants par service (et par demi-journée quand elle est connue) "
         "soit celle de la fréquentation observée pendant la campagne. Chaque pourcentage pondéré est donné "
         "avec sa marge d'erreur à 95 %, calculée en tenant compte du redressement. Un service qui compte trop peu "
         f"de répondants (moins de {plural(settings.enquetes.min_repondants_strate, 'répondant')}) est regroupé, avec sa "
         "fréquentation, dans « Autres services » : sans cela, quelques personnes porteraient le poids de tout un "
         "service. L'« effet de plan » compare la précision obtenue à celle d'un tirage au hasard du même nombre de "
         "personnes (moins de 1 : plus précis, grâce au redressement ; plus de 1 : moins précis) ; la « taille "
         "effective » qui l'accompagne est le nombre de personnes tirées au hasard qui donnerait la même précision. "
         "L'« effet de la pondération » (dit de Kish), propre aux poids et non à une question, mesure leur "
         "inégalité : 1 quand tous les répondants pèsent autant, 3 quand les réponses ne valent qu'un tiers de "
         "réponses non pondérées ; il est donné pour chaque site à la fin de ces explications."),
        ("Sujets des réclamations",
         "Une réclamation garde le sujet qu'un agent lui a donné. Les autres reçoivent un sujet proposé "
         "automatiquement, à partir d'une liste de mots et d'expressions par sujet et d'un modèle appris sur "
         "les réclamations déjà classées à la main. Quand la proposition est incertaine, la réclamation est "
         "marquée « à vérifier ». La fiabilité de ces propositions est mesurée en les comparant, sur les "
         "réclamations classées à la main, au sujet donné par les agents, par « validation croisée » : ces "
         f"réclamations sont réparties en {parts} ; chaque part est "
         "classée par un modèle appris sur les autres seulement, si bien qu'aucune réclamation n'est classée "
         "par un modèle qui a vu son sujet. Pour chaque sujet, la part des réclamations de ce sujet que le "
         "programme retrouve est son « rappel », la part de ses propositions de ce sujet qui sont justes est sa "
         "« précision » ; le « F1 » combine les deux (leur moyenne harmonique) et le « F1 macro » est la moyenne "
         "des F1 des sujets, qui donne le même poids aux sujets rares qu'aux sujets fréquents."),
        ("Évolutions et marge d'erreur",
         "Une évolution d'une année sur l'autre n'est dite « en hausse » ou « en baisse » que si elle dépasse sa "
         "marge d'erreur à 95 % ; sinon l'indicateur est dit « stable », l'écart observé étant donné. Pour un taux "
         "calculé sur des effectifs (réponses dans les délais, appels décrochés, mises à jour), la marge est celle "
         "de la différence de deux proportions indépendantes (méthode de Newcombe, dite du score hybride). Pour un "
         "pourcentage d'enquête, elle combine les marges des deux campagnes, chacune tenant compte du redressement. "
         "Pour un délai moyen, elle compare les deux moyennes en tenant compte de la dispersion des délais "
         "(intervalle de Welch). Un nombre d'éléments (réclamations reçues, visites) est un décompte complet : son "
         "évolution est donnée telle quelle."),
        ("Sites face à leur cible selon leur taille",
         "Un taux calculé sur peu d'éléments varie beaucoup par le seul hasard. Pour chaque taux qui a une cible, "
         "la synthèse place les sites sur un graphique « en entonnoir » : pour chaque nombre d'éléments, il "
         "montre la plage où tomberait 95 % du temps (et 99,8 % du temps) le taux d'un site dont la performance "
         "réelle serait exactement la cible, calculée par la loi binomiale exacte (méthode de Spiegelhalter, "
         "2005). Un site sous la limite basse à 95 % manque sa cible au-delà de ce que le hasard explique ; un site "
         "dans la plage qui manque sa cible reste compatible avec elle sur ce nombre d'éléments."),
        ("Petits effectifs",
         f"Aucun pourcentage n'est publié sur moins de {plural(threshold, 'élément')} ni, pour une enquête, "
         f"sur moins de {plural(survey, 'répondant')} : le nombre d'éléments est donné à la place, et "
         "l'indicateur n'est pas jugé face à sa cible. Aucune évolution n'est calculée depuis ou vers une "
         "valeur ainsi protégée, et aucun graphique ne représente un groupe trop petit."),
    ]


def parameter_tables(settings: ReviewSettings) -> list[Table]:
    """The review's parameters as French tables: deadlines per channel, targets, thresholds.

    Parameters
    ----------
    settings : ReviewSettings

    Returns
    -------
    list of Table
        « Délais de réponse attendus », « Cibles des indicateurs », « Seuils et règles ».
    """
    deadlines = pd.DataFrame({
        "Canal ou demande": [*(label("canal", c) for c in settings.delais_jours_ouvres),
                             "Demande d'information par courriel", "Mise à jour du site internet"],
        "Délai attendu": [*(format_target(d, "jours_ouvres") for d in settings.delais_jours_ouvres.values()),
                          format_target(settings.delai_information_courriel_jours_ouvres, "jours_ouvres"),
                          format_target(settings.delai_site_internet_jours_ouvres, "jours_ouvres")],
    })
    by_code = BY_CODE  # the catalogue's indicators, by code
    targets = pd.DataFrame({
        "Indicateur": [by_code[c].label(settings) if c in by_code else c for c in settings.cibles],
        "Cible": [(("≥ " if by_code[c].direction == "hausse" else "≤ ") if c in by_code else "")
                  + format_target(v, by_code[c].unit if c in by_code else "nombre")
                  for c, v in settings.cibles.items()],
    })
    categorisation = settings.categorisation
    rules = pd.DataFrame({
        "Règle": ["Effectif minimal pour publier un pourcentage",
                  "Répondants minimaux pour publier un pourcentage d'enquête",
                  "Réponses comptées comme satisfaites (échelle de 1 à 4)",
                  "Confiance minimale d'un sujet proposé (sinon « à vérifier »)",
                  "Probabilité minimale du sujet proposé selon le modèle appris (sinon « à vérifier »)",
                  "Parts de la mesure de fiabilité des sujets proposés"],
        "Valeur": [plural(settings.seuil_petits_effectifs, "élément"),
                   plural(settings.seuil_petits_effectifs_enquete, "répondant"),
                   join_french([str(a) for a in settings.reponses_satisfaites]),
                   f"{format_number(categorisation.seuil_confiance * 100)}\u00a0%",
                   f"{format_number(categorisation.seuil_confiance_modele * 100)}\u00a0%",
                   format_number(categorisation.plis_validation)],
    })
    return [Table(deadlines, "Délais de réponse attendus"), Table(targets, "Cibles des indicateurs"),
            Table(rules, "Seuils et règles de publication")]


@dataclass(frozen=True)
class DatasetQuality:
    """What the loading of one data set kept and set aside (counts and reasons only, no value)."""

    title: str
    read: int
    kept: int
    set_aside: int
    reasons: tuple[tuple[str, int], ...] = ()
    problem: str = ""


def data_quality_table(datasets: list[DatasetQuality]) -> Table:
    """Per data set: rows read, kept, set aside, and the main reasons (at most three).

    Parameters
    ----------
    datasets : list of DatasetQuality

    Returns
    -------
    Table
        Columns ``Données``, ``Lignes lues``, ``Retenues``, ``Écartées``, ``Principaux motifs``.
    """
    rows = []
    for item in datasets:
        if item.problem:
            rows.append([item.title, "–", "–", "–", f"non chargé : {item.problem}"])
            continue
        reasons = "; ".join(f"{reason} ({format_number(count)})" for reason, count in item.reasons[:3]) or "–"
        rows.append([item.title, item.read, item.kept, item.set_aside, reasons])
    frame = pd.DataFrame(rows, columns=["Données", "Lignes lues", "Retenues", "Écartées", "Principaux motifs"])
    return Table(frame, "Lignes lues, retenues et écartées par jeu de données",
                 {"Lignes lues": "number", "Retenues": "number", "Écartées": "number"})


def weighting_effect_table(results: dict, site_labels: dict[str, str]) -> Table | None:
    """Kish's weighting effect of each site's survey campaign, as section 03 recorded it.

    Parameters
    ----------
    results : dict
        The content of ``results.json``; uses ``sites.<site>.03_satisfaction`` (``campagne``,
        ``repondants``, ``effet_ponderation_kish``).
    site_labels : dict of str to str
        Site code → label, in the bilan's order.

    Returns
    -------
    Table or None
        ``Site``, ``Campagne``, ``Répondants``, ``Effet de la pondération (Kish)``, ``Équivalent en
        réponses non pondérées`` (répondants / effet); ``None`` when no site recorded one.
    """
    rows = []
    for code, site_label in site_labels.items():
        survey = ((results.get("sites") or {}).get(code) or {}).get("03_satisfaction") or {}
        effect = survey.get("effet_ponderation_kish")
        if effect is None:
            continue
        rows.append({"Site": site_label, "Campagne": str(survey.get("campagne", "")),
                     "Répondants": survey.get("repondants"), "Effet de la pondération (Kish)": effect,
                     "Équivalent en réponses non pondérées": survey.get("repondants", 0) / effect if effect else None})
    if not rows:
        return None
    return Table(pd.DataFrame(rows), "Effet de la pondération des enquêtes, par site",
                 {"Répondants": "number", "Effet de la pondération (Kish)": "decimal",
                  "Équivalent en réponses non pondérées": "number"})
