"""French narrative of the indicators, in the style of the committee's minutes.

Short factual sentences, one figure per sentence: the value, then where it
stands against its target, then the change over a year, then the other
sites. Percentages on too few items are never written: their counts are.
"""

from __future__ import annotations

import math

import pandas as pd

from qualepref_analysis.analysis.indicators import BY_CODE, CATALOGUE, Indicator
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import change_sentence, format_target, format_value, judged_change
from qualepref_analysis.report.formatting import format_number, format_percent, join_french, site_complement, site_subject, plural

__all__ = ["indicator_paragraph", "group_paragraph", "GROUP_TITLES",
           "indicator_table", "narrative_html"]

GROUP_TITLES = {
    "reclamations": "Réclamations et suggestions",
    "information_courriel": "Demandes d'information par courriel",
    "appels": "Accueil téléphonique",
    "site_internet": "Site internet",
    "pan": "Points d'accueil numérique",
    "chatbot": "Chatbot",
    "satisfaction": "Satisfaction des usagers",
}








def _significance(row) -> bool | None:
    """Whether a catalogue row's change is beyond its margin of error (``None``: no interval)."""
    judged = row.get("evolution_significative") if hasattr(row, "get") else getattr(row, "evolution_significative", None)
    return None if judged is None or pd.isna(judged) else bool(judged)


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _subject(row: pd.Series) -> str:
    """The catalogue row's indicator as the subject of a sentence (its ``sujet``, with the PAN named)."""
    subject, detail = row["sujet"], row["detail"]
    if row["code"] == "pan_visites_mois" and detail:
        subject = f"{subject} {label('pan', detail)}"
    return subject




def _target_phrase(row: pd.Series) -> str:
    if pd.isna(row["cible"]) or row["evaluation"] not in ("atteint", "non_atteint"):
        return ""
    target = format_target(row["cible"], row["unite"])
    if row["sens"] == "baisse":
        return (f", conforme à la cible ({target} au plus)" if row["evaluation"] == "atteint"
                else f", au-delà de la cible de {target}")
    if row["valeur"] == row["cible"]:
        return f", au niveau de la cible de {target}"
    if row["evaluation"] == "atteint":
        return f", au-dessus de la cible de {target}"
    return f", en deçà de la cible de {target}{_funnel_phrase(row)}"


def _funnel_phrase(row: pd.Series) -> str:
    """Whether a shortfall is beyond chance on that many items (the funnel around the target), or ``""``."""
    position, low = row.get("entonnoir_position"), row.get("entonnoir_95_bas")
    if not isinstance(position, str) or low is None or pd.isna(low):
        return ""
    limit = f"limite basse à 95 % pour ce nombre d'éléments : {format_percent(low)}"
    if position == "en dessous":
        return f", un écart que le hasard n'explique pas ({limit})"
    return f", un écart compatible avec la cible compte tenu du nombre d'éléments ({limit})"


def _counts(row: pd.Series) -> str:
    if row["unite"] == "pourcent" and pd.notna(row["denominateur"]):
        return f" ({format_number(row['numerateur'])} sur {format_number(row['denominateur'])})"
    return ""


def indicator_paragraph(row: pd.Series, *, site_label: str, threshold: int) -> str:
    """Sentences on one indicator of one site and year (value, target, change over a year).

    Parameters
    ----------
    row : Series
        One row of the indicator catalogue as the disclosure policy annotated it
        (:meth:`~qualepref_analysis.report.disclosure.Disclosure.indicators`); requires
        ``code`` (a code of the catalogue), ``sujet``, ``detail``, ``annee``, ``valeur``, ``unite``,
        ``numerateur``, ``denominateur``, ``petit_effectif``, ``cible``, ``evaluation``, ``sens``; optionally
        ``en_attente``, ``valeur_annee_precedente``, ``petit_effectif_annee_precedente``, ``evolution``,
        ``evolution_relative``, ``evolution_significative`` (the change is then judged against its
        margin of error), ``entonnoir_position`` and ``entonnoir_95_bas`` (a shortfall is then said
        beyond chance or compatible with the target on that many items).
    site_label : str
        The site's name (the sentences speak of the indicator, not of the site: not used today).
    threshold : int
        The small-cell threshold that applies, quoted when the value is not published.

    Returns
    -------
    str
        French sentences: the value with its counts and its position against the target, the items
        still within their deadline, and the change since ``annee - 1``. A value on a small cell is
        replaced by its counts and the threshold; a missing value by « aucune donnée ».

    Notes
    -----
    The sentence follows ``petit_effectif`` as given; it does not compare counts with a threshold
    itself. Items still within their deadline (``en_attente``) are said to be left out of the rate
    (they are censored, not late).

    Examples
    --------
    >>> row = pd.Series({"code": "appels_taux_decroches", "sujet": "le taux d'appels décrochés", "detail": "",
    ...                  "annee": 2023, "valeur": 82.0,
    ...                  "unite": "pourcent", "numerateur": 82, "denominateur": 100, "petit_effectif": False,
    ...                  "cible": 80.0, "evaluation": "atteint", "sens": "hausse"})
    >>> print(indicator_paragraph(row, site_label="Paris", threshold=10).replace(chr(160), " "))
    Le taux d'appels décrochés s'établit à 82,0 % en 2023 (82 sur 100), au-dessus de la cible de 80 %.
    """
    indicator = BY_CODE[row["code"]]
    subject = _capitalise(_subject(row))
    pronoun = "Elle" if indicator.feminine else "Il"
    year = int(row["annee"])
    if pd.isna(row["valeur"]):
        return f"{subject} ne peut pas être calculé{'e' if indicator.feminine else ''} pour {year} : aucune donnée."
    if row["petit_effectif"]:
        if row["unite"] == "pourcent":
            counts = f"{format_number(row['numerateur'])} sur {format_number(row['denominateur'])} seulement"
        else:
            answers = int(row["denominateur"])
            counts = f"{format_number(answers)} réponse{'s' if answers >= 2 else ''} seulement"
        return (f"{subject} n'est pas publié{'e' if indicator.feminine else ''} pour {year} : {counts}, "
                f"en dessous du seuil de {format_number(threshold)}.")
    sentences = [f"{subject} s'établit à {format_value(row['valeur'], row['unite'])} en {year}"
                 f"{_counts(row)}{_target_phrase(row)}."]
    if row.get("en_attente", 0) and not pd.isna(row["en_attente"]) and row["en_attente"] > 0:
        pending = int(row["en_attente"])
        sentences.append(f"{format_number(pending)} demande{'s' if pending >= 2 else ''} encore dans "
                         f"{'leur' if pending >= 2 else 'son'} délai à la date d'extraction "
                         f"{'ne sont pas comptées' if pending >= 2 else 'n’est pas comptée'}.")
    previous = row.get("valeur_annee_precedente")
    if previous is not None and not pd.isna(previous):
        if bool(row.get("petit_effectif_annee_precedente", False)):
            sentences.append(f"L'effectif de {year - 1} était trop faible pour une comparaison.")
        else:
            before = format_value(previous, row["unite"])
            sentences.append(change_sentence(pronoun, row["evolution"], row["evolution_relative"], row["unite"],
                                             _significance(row), f"par rapport à {year - 1} ({before})"))
    return " ".join(sentences)


def _comparison(rows: pd.DataFrame, indicator: Indicator, *, site: str, site_labels: dict[str, str]) -> str:
    others = rows[rows["site"] != site]
    if others.empty:
        return ""
    parts = []
    for row in others.itertuples(index=False):
        where = site_complement(site_labels.get(row.site, row.site))
        if row.petit_effectif:
            parts.append(f"{format_number(row.numerateur)} sur {format_number(row.denominateur)} {where}")
        elif not pd.isna(row.valeur):
            parts.append(f"{format_value(row.valeur, row.unite)} {where}")
    if not parts:
        return ""
    return f"À titre de comparaison : {join_french(parts)}."


def group_paragraph(indicators: pd.DataFrame, *, group: str, site: str, year: int,
                    site_labels: dict[str, str], disclosure: Disclosure) -> str:
    """The paragraph of one indicator group for one site and year, with the other sites for comparison.

    Parameters
    ----------
    indicators : DataFrame
        The catalogue as the disclosure policy annotated it
        (:meth:`~qualepref_analysis.report.disclosure.Disclosure.indicators`), every site; requires
        ``groupe``, ``site`` and the columns of :func:`indicator_paragraph`.
    group : str
        Indicator group (a key of :data:`GROUP_TITLES`).
    site : str
        Site code.
    year : int
        Year under review.
    site_labels : dict
        Site code → label.
    disclosure : Disclosure
        The small-cell policy (its threshold is quoted when a value is not published).

    Returns
    -------
    str
        The sentences of :func:`indicator_paragraph` for each indicator of the group, in the
        catalogue's order, each rate followed by the other sites' values (« À titre de comparaison… »);
        for complaints and e-mail information, a sentence on the items never answered. « Aucune donnée
        pour … » when the group has nothing for that site and year.

    Notes
    -----
    The mean delay is computed on answered items only; the paragraph says how many were never
    answered at the extraction date (its share only when the ``Disclosure`` policy allows a share on
    that many items). Other sites' small cells are given as counts, never as rates.
    """
    mine = indicators[(indicators["groupe"] == group) & (indicators["annee"] == year)]
    sentences = []
    for indicator in [ind for ind in CATALOGUE if ind.group == group]:
        rows = mine[mine["code"] == indicator.code]
        own = rows[rows["site"] == site]
        limit = disclosure.limit(survey=indicator.small_cell == "enquete")
        for _, row in own.iterrows():
            sentences.append(indicator_paragraph(row, site_label=site_labels.get(site, site), threshold=limit))
        if indicator.unit == "pourcent" and not own.empty:
            comparison = _comparison(rows[rows["detail"] == own["detail"].iloc[0]], indicator, site=site,
                                     site_labels=site_labels)
            if comparison:
                sentences.append(comparison)
    if group in ("reclamations", "information_courriel"):
        sentences.append(_unanswered_sentence(mine, group=group, site=site, disclosure=disclosure))
    if not [s for s in sentences if s]:
        return f"Aucune donnée pour {site_subject(site_labels.get(site, site))} en {year}."
    return " ".join(s for s in sentences if s)


def _unanswered_sentence(rows: pd.DataFrame, *, group: str, site: str, disclosure: Disclosure) -> str:
    """The mean delay is over answered items only: say how many were never answered."""
    count_code = "reclamations_nombre" if group == "reclamations" else "information_courriel_nombre"
    delay_code = "reclamations_delai_moyen" if group == "reclamations" else "information_courriel_delai_moyen"
    count = rows[(rows["code"] == count_code) & (rows["site"] == site)]
    delay = rows[(rows["code"] == delay_code) & (rows["site"] == site)]
    if count.empty or delay.empty:
        return ""
    total, answered = float(count["valeur"].iloc[0]), float(delay["denominateur"].iloc[0])
    unanswered = int(round(total - answered))
    if unanswered <= 0 or total <= 0:
        return "Toutes ont reçu une réponse." if total > 0 else ""
    share = f" ({format_percent(100 * unanswered / total)})" if disclosure.shows("share", total) else ""
    return (f"Le délai moyen ne porte que sur les demandes ayant reçu une réponse : "
            f"{format_number(unanswered)} sur {format_number(total)}{share} "
            f"n'en avaient reçu aucune à la date d'extraction.")


def indicator_table(indicators: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """The indicator table of one site and year, every cell already written the French way.

    Parameters
    ----------
    indicators : DataFrame
        The catalogue as the disclosure policy annotated it
        (:meth:`~qualepref_analysis.report.disclosure.Disclosure.indicators`); requires ``site``,
        ``annee``, ``code``, ``libelle``, ``detail``, ``unite``, ``valeur``, ``numerateur``,
        ``denominateur``, ``petit_effectif``, ``cible``, ``sens``, ``evaluation``,
        ``valeur_annee_precedente``, ``petit_effectif_annee_precedente``, ``evolution``,
        ``evolution_relative``.
    site : str
        The site's code.
    year : int
        The year under review.

    Returns
    -------
    DataFrame
        One row per indicator of the site and year (text cells), columns ``Indicateur``, ``{year}``
        (the value), ``Cible`` (« ≥ 80 % » / « ≤ 10 »; « – » without target), ``Évaluation`` (a word and
        a symbol: colour is never the only cue), ``{year - 1}`` and ``Évolution``. A value on a small
        cell is replaced by its counts; last year's small value by « effectif trop faible », and no
        change is given from or to a small cell.
    """
    mine = indicators[(indicators["site"] == site) & (indicators["annee"] == year)]
    rows = []
    for _, row in mine.iterrows():
        name = row["libelle"] + (f" – {label('pan', row['detail'])}" if row["code"] == "pan_visites_mois" else "")
        if row["code"] == "satisfaction_globale" and row["detail"] == "non_pondere":
            name += " (non pondéré)"
        if row["petit_effectif"]:
            value = (f"{format_number(row['numerateur'])} sur {format_number(row['denominateur'])}"
                     if row["unite"] == "pourcent" else plural(int(row["denominateur"]), "réponse"))
        else:
            value = format_value(row["valeur"], row["unite"])
        previous = row["valeur_annee_precedente"]
        small_before = bool(row["petit_effectif_annee_precedente"]) if pd.notna(row["petit_effectif_annee_precedente"]) else False
        if pd.isna(previous):
            before, change = "–", "–"
        elif small_before:
            before, change = "effectif trop faible", "–"
        else:
            before = format_value(previous, row["unite"])
            change = "–" if row["petit_effectif"] else (
                judged_change(row["evolution"], row["evolution_relative"], row["unite"], _significance(row)) or "–")
        rows.append({
            "Indicateur": name,
            f"{year}": value,
            "Cible": "–" if pd.isna(row["cible"]) else ("≤ " if row["sens"] == "baisse" else "≥ ") + format_target(row["cible"], row["unite"]),
            "Évaluation": label("evaluation", row["evaluation"]),
            f"{year - 1}": before,
            "Évolution": change,
        })
    return pd.DataFrame(rows, columns=["Indicateur", f"{year}", "Cible", "Évaluation", f"{year - 1}", "Évolution"])


def narrative_html(indicators: pd.DataFrame, *, site: str, year: int, params, disclosure: Disclosure,
                   groups: list[str] | None = None) -> str:
    """HTML (escaped) of the paragraphs of several indicator groups, each under its French title.

    Parameters
    ----------
    indicators : DataFrame
        As for :func:`group_paragraph`.
    site : str
        Site code.
    year : int
        Year under review.
    params : Params
        The review's parameters; ``params.sites`` gives each site's label (``libelle``).
    disclosure : Disclosure
        The small-cell policy.
    groups : list of str, optional
        Groups to write, keys of :data:`GROUP_TITLES`; default all, in that order.

    Returns
    -------
    str
        For each group, ``<h3>`` with its title then ``<p class="qp-narrative">`` with
        :func:`group_paragraph`, both HTML-escaped.
    """
    import html

    labels = {code: s.libelle for code, s in params.sites.items()}
    parts = []
    for group in groups or list(GROUP_TITLES):
        text = group_paragraph(indicators, group=group, site=site, year=year, site_labels=labels,
                               disclosure=disclosure)
        parts.append(f"<h3>{html.escape(GROUP_TITLES[group])}</h3><p class=\"qp-narrative\">{html.escape(text)}</p>")
    return "".join(parts)
