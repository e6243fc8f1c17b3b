"""``projet-compte-rendu-<year>.docx``: a draft of the minutes' factual parts, in their order and voice.

The minutes of a *comité local des usagers* restate the bilan's figures in sentences: « Le taux de
réponse aux réclamations et suggestions dans les délais s'élève à 73,6 % pour la préfecture, en
dessous de la valeur cible (75 %). » This draft writes those parts from ``results.json`` only — the
figures the bilan's sections recorded, after the disclosure policy — so that the minutes cannot
disagree with the bilan, and leaves in brackets what only people can write (« [Interventions des
participants] »). Each sentence knows the site whose figures it states (:class:`Sentence`), so
that a test can check every number against that site's record.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from qualepref_analysis.analysis.indicators import BY_CODE, CATALOGUE
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.io.replacing import save_replacing
from qualepref_analysis.report.formatting import (format_date, format_number, format_percent, join_french, plural,
                                                  site_complement, site_subject)
from qualepref_analysis.report.grammar import french_spacing, period_label
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_target, format_value
from qualepref_analysis.sections.audits import AUDIT_TYPES
from qualepref_analysis.sections.satisfaction import question_label
from qualepref_analysis.sections.services_publics import experiences_narrative, transparency_value

__all__ = ["Sentence", "Statement", "Title", "Placeholder", "minutes_items", "write_minutes_document"]


@dataclass(frozen=True)
class Sentence:
    """A sentence of the draft and the site whose recorded figures it states (``None``: no figure)."""

    text: str
    site: str | None = None


@dataclass(frozen=True)
class Statement:
    """A paragraph of the draft: sentences, each tied to its site."""

    sentences: tuple[Sentence, ...]

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


@dataclass(frozen=True)
class Title:
    """A heading of the draft (1: a point of the agenda)."""

    level: int
    text: str


@dataclass(frozen=True)
class Placeholder:
    """What only people can write, in brackets: « [Interventions des participants] »."""

    text: str


Item = Title | Statement | Placeholder


def _section(results: dict, site: str, section: str) -> dict:
    return ((results.get("sites") or {}).get(site) or {}).get(section) or {}


def _indicator_of(key: str) -> tuple[str, str] | None:
    """The catalogue code and detail of a ``results.json`` key (``pan_visites_mois_ants`` → PAN, ANTS)."""
    code = max((c for c in BY_CODE if key == c or key.startswith(c + "_")), key=len, default=None)
    return None if code is None else (code, key[len(code) + 1:] if key != code else "")


def _subject(code: str, detail: str, settings: ReviewSettings) -> str:
    subject = BY_CODE[code].subject(settings)
    if code == "pan_visites_mois" and detail:
        subject = f"{subject} {label('pan', detail)}"
    return subject[:1].upper() + subject[1:]


def _against_target(record: dict, direction: str) -> str:
    """« , au-dessus de la valeur cible (75 %) »: where the value stands against its target."""
    target = record.get("cible")
    if target is None:
        return ""
    written = format_target(target, record["unite"])
    evaluation = record.get("evaluation")
    if evaluation == "non_evaluable":
        return f" ; trop peu d'éléments pour juger de la valeur cible ({written})"
    if record.get("atteint") is None:
        return f" (valeur cible : {written})"
    value = record["valeur"]
    if value == target:
        return f", au niveau de la valeur cible ({written})"
    above = value > target
    if record["atteint"]:
        place = "au-dessus de" if above else "en deçà de"
    else:
        place = "en dessous de" if direction == "hausse" or not above else "au-delà de"
    return f", {place} la valeur cible ({written})"


def _indicator_sentences(code: str, detail: str, record: dict, *, site: str, site_label: str, year: int,
                         settings: ReviewSettings, first: bool = True) -> list[Sentence]:
    """The minutes' sentences on one indicator of one site: the value and its target, then last year.

    The first site's sentence names the indicator; the next ones take its pronoun (« Il s'élève à … »).
    """
    indicator = BY_CODE[code]
    unit = record.get("unite") or indicator.unit
    subject = _subject(code, detail, settings) if first else ("Elle" if indicator.feminine else "Il")
    where = f"pour {site_subject(site_label)}"
    value = record.get("valeur")
    if value is None:
        numerator, denominator = record.get("numerateur"), record.get("denominateur")
        if unit == "pourcent" and numerator is not None and denominator:
            return [Sentence(f"{subject} n'est pas publié{'e' if indicator.feminine else ''} {where} en raison du "
                             f"faible nombre d'éléments ({format_number(numerator)} sur {format_number(denominator)}).",
                             site)]
        return [Sentence(f"{subject} n'est pas publié{'e' if indicator.feminine else ''} {where} (trop peu "
                         "d'éléments ou aucune donnée).", None)]
    sentences = [Sentence(f"{subject} s'élève à {format_value(value, unit)} {where}"
                          f"{_against_target(record, indicator.direction)}.", site)]
    before = record.get("valeur_annee_precedente")
    if before is not None:
        pronoun = "elle" if indicator.feminine else "il"
        text = f"En {year - 1}, {pronoun} était de {format_value(before, unit)}"
        judged = (record.get("evolution") or {}).get("significatif")
        if judged is True:
            text += " : l'écart dépasse la marge d'erreur"
        elif judged is False:
            text += " : l'écart reste dans la marge d'erreur"
        sentences.append(Sentence(text + ".", site))
    return sentences


def _indicator_items(results: dict, sites: dict[str, str], year: int, settings: ReviewSettings) -> list[Item]:
    keys: list[str] = []
    for site in sites:
        for key in (_section(results, site, "01_indicateurs").get("indicateurs") or {}):
            if key not in keys and _indicator_of(key) is not None:
                keys.append(key)
    order = {indicator.code: position for position, indicator in enumerate(CATALOGUE)}
    keys.sort(key=lambda k: (order[_indicator_of(k)[0]], k))
    items: list[Item] = []
    for key in keys:
        code, detail = _indicator_of(key)
        sentences: list[Sentence] = []
        for site, site_label in sites.items():
            record = (_section(results, site, "01_indicateurs").get("indicateurs") or {}).get(key)
            if record is not None:
                sentences += _indicator_sentences(code, detail, record, site=site, site_label=site_label, year=year,
                                                  settings=settings,
                                                  first=not sentences)
        if sentences:
            items.append(Statement(tuple(sentences)))
    if not items and not any("01_indicateurs" in ((results.get("sites") or {}).get(site) or {}) for site in sites):
        items.append(Placeholder("[Partie à rédiger : cette section du bilan n'a pas été produite]"))
    elif not items:
        items.append(Statement((Sentence("Aucun indicateur n'a été calculé pour cette année."),)))
    return items


_CHANNEL_WORDS = {"courriel": "par courriel", "courrier": "par courrier", "formulaire_web": "par le formulaire web",
                  "services_publics_plus": "par la plateforme Services Publics+", "urne": "par l'urne"}


def _complaint_sentences(results: dict, site: str, site_label: str, year: int) -> list[Sentence]:
    volumes = _section(results, site, "01_indicateurs").get("volumes") or {}
    complaints = _section(results, site, "02_reclamations")
    sentences: list[Sentence] = []
    received = volumes.get("reclamations_suggestions")
    if received is None:
        received = ((complaints.get("indicateurs") or {}).get("reclamations_nombre") or {}).get("valeur")
    if received is None:
        return []
    subject = site_subject(site_label)
    text = f"En {year}, {subject} a reçu {plural(int(received), 'réclamation ou suggestion', 'réclamations et suggestions')}"
    before = (volumes.get("annee_precedente") or {}).get("reclamations_suggestions")
    if before is not None:
        text += f" ({format_number(before)} en {year - 1})"
    sentences.append(Sentence(text + ".", site))
    by_channel = (volumes.get("par_type_et_canal") or {}).get("reclamation") or {}
    channels = sorted(((count, channel) for channel, count in by_channel.items() if count), reverse=True)
    if channels:
        listed = join_french([f"{_CHANNEL_WORDS.get(channel, label('canal', channel))} ({format_number(count)})"
                              for count, channel in channels])
        sentences.append(Sentence(f"Les réclamations sont arrivées {listed}.", site))
    subjects = complaints.get("sujets") or {}
    shares = {code: share for code, share in (subjects.get("part") or {}).items() if share is not None}
    counts = subjects.get("nombre") or {}
    if shares:
        top = sorted(shares.items(), key=lambda item: -item[1])[:2]
        listed = join_french([f"{label('categorie', code).lower()} ({format_percent(share)})" for code, share in top])
        sentences.append(Sentence(f"Les principaux motifs sont : {listed}.", site))
    elif counts:
        top = sorted(counts.items(), key=lambda item: -item[1])[:2]
        listed = join_french([f"{label('categorie', code).lower()} ({format_number(count)})" for code, count in top])
        sentences.append(Sentence(f"Les motifs les plus fréquents sont : {listed}.", site))
    rate = (complaints.get("indicateurs") or {}).get("reclamations_taux_delai") or {}
    if rate.get("valeur") is not None:
        text = f"Le taux de réponse dans les délais s'élève à {format_percent(rate['valeur'])}"
        text += _against_target(rate, "hausse")
        sentences.append(Sentence(text + ".", site))
    unanswered = complaints.get("sans_reponse") or {}
    if unanswered.get("part_sans_reponse") is not None:
        text = (f"À la date d'extraction, {format_percent(unanswered['part_sans_reponse'])} des réclamations "
                "n'avaient pas reçu de réponse")
        if unanswered.get("mediane_km") is not None:
            median = unanswered["mediane_km"]
            text += (f" ; la moitié des réclamations reçoit une réponse en {format_number(median, 1)} "
                     f"jour{'s' if median >= 2 else ''} ouvré{'s' if median >= 2 else ''} au plus")
        sentences.append(Sentence(text + ".", site))
    return sentences


def _satisfaction_sentences(results: dict, site: str, site_label: str, year: int) -> list[Sentence]:
    survey = _section(results, site, "03_satisfaction")
    if not survey.get("repondants"):
        return []
    sentences = [Sentence(f"L'enquête de satisfaction menée {site_complement(site_label)} a recueilli "
                          f"{plural(int(survey['repondants']), 'réponse')}.", site)]
    overall = (_section(results, site, "01_indicateurs").get("indicateurs") or {}).get("satisfaction_globale") or {}
    if overall.get("valeur") is not None:
        weighted = "après pondération" if overall.get("pondere") else "sans pondération"
        text = (f"{format_percent(overall['valeur'])} des usagers se déclarent satisfaits ({weighted})"
                f"{_against_target(overall, 'hausse')}")
        sentences.append(Sentence(text + ".", site))
    questions = {code: record for code, record in (survey.get("questions") or {}).items()
                 if code != "q_global" and isinstance(record, dict) and record.get("pondere") is not None}
    if len(questions) >= 2:
        ranked = sorted(questions.items(), key=lambda item: item[1]["pondere"])
        (low_code, low), (high_code, high) = ranked[0], ranked[-1]
        sentences.append(Sentence(
            f"La dimension la mieux notée est « {question_label(high_code).lower()} » ({format_percent(high['pondere'])}), "
            f"la moins bien notée « {question_label(low_code).lower()} » ({format_percent(low['pondere'])}).", site))
    return sentences


def _transparency_sentence(section: dict, site: str, *, scope: str, whom: str) -> Sentence | None:
    """« Indicateurs de transparence du département … (4e trimestre 2022) : satisfaction …, 77 % (cible : 80 %) ; … »."""
    transparency = section.get("transparence") or {}
    rows = [row for row in transparency.get("indicateurs") or []
            if row.get("perimetre") == scope and row.get("valeur") is not None]
    if not rows:
        return None
    listed = []
    for row in rows:
        text = f"{row['libelle'][:1].lower()}{row['libelle'][1:]}, {transparency_value(row['valeur'], row['unite'])}"
        if row.get("cible") is not None:
            text += f" (cible : {transparency_value(row['cible'], row['unite'])})"
        listed.append(text)
    return Sentence(f"Indicateurs de transparence {whom} publiés sur Services Publics+ "
                    f"({period_label(transparency['periode'])}) : {' ; '.join(listed)}.", site)


def _department_items(results: dict, sites: dict[str, str]) -> list[Item]:
    """The département's transparency indicators, once, from the site that recorded them."""
    for site in sites:
        sentence = _transparency_sentence(_section(results, site, "04_services_publics_plus"), site,
                                          scope="departement", whom="du département")
        if sentence is not None:
            return [Statement((sentence,))]
    return []


def _services_publics_sentences(results: dict, site: str, site_label: str, year: int) -> list[Sentence]:
    section = _section(results, site, "04_services_publics_plus")
    sentences: list[Sentence] = []
    own = _transparency_sentence(section, site, scope="site", whom=f"propres {site_complement(site_label)}")
    if own is not None:
        sentences.append(own)
    experiences = section.get("experiences")
    if experiences and experiences.get("n"):
        told = experiences_narrative(experiences, year=year)
        sentences.append(Sentence(f"Pour {site_subject(site_label)} : {told[:1].lower()}{told[1:]}", site))
    diagnostic = section.get("diagnostic")
    if diagnostic and diagnostic.get("moyenne") is not None:
        text = (f"Le diagnostic des engagements donne une atteinte moyenne de la cible de "
                f"{format_percent(diagnostic['moyenne'])}")
        high, low = diagnostic.get("max") or {}, diagnostic.get("min") or {}
        if high.get("valeur") is not None and low.get("valeur") is not None:
            text += (f" ; l'engagement {high['engagement']} est le mieux atteint ({format_percent(high['valeur'])}), "
                     f"l'engagement {low['engagement']} le moins ({format_percent(low['valeur'])})")
        sentences.append(Sentence(text + ".", site))
    return sentences


def _plan_sentence(plan: dict, *, site: str, following: bool) -> Sentence | None:
    if not plan or plan.get("n") is None:
        return None
    year = plan.get("annee")
    named = f"le plan d'actions {year}" if year is not None else (
        "le plan d'actions de l'année à venir" if following else "le plan d'actions de l'année")
    if not plan["n"]:
        return Sentence(f"{named} ne compte aucune action enregistrée.", site)
    statuses = plan.get("statuts") or {}
    parts = [plural(int(statuses[code]), word, words) for code, word, words in
             (("realisee", "réalisée", None), ("en_cours", "en cours", "en cours"), ("prevue", "prévue", None),
              ("abandonnee", "abandonnée", None)) if statuses.get(code)]
    verb = "compte" if following else "comptait"
    text = f"{named} {verb} {plural(int(plan['n']), 'action')}"
    if parts:
        text += " : " + join_french(parts)
    if not following and plan.get("taux_realisation") is not None:
        text += f", soit un taux de réalisation de {format_percent(plan['taux_realisation'], 0)}"
    return Sentence(text + ".", site)


def _plan_sentences(results: dict, site: str, site_label: str, year: int) -> list[Sentence]:
    section = _section(results, site, "05_plan_actions")
    if not section:
        return []
    sentences = []
    for plan, following in ((section.get("plan"), False), (section.get("plan_suivant"), True)):
        sentence = _plan_sentence(plan or {}, site=site, following=following)
        if sentence is not None:
            lead = f"Pour {site_subject(site_label)}, " if not sentences else ""
            text = lead + sentence.text if lead else sentence.text[:1].upper() + sentence.text[1:]
            sentences.append(Sentence(text, site))
    overdue = section.get("actions_en_retard")
    if overdue:
        many = overdue >= 2
        sentences.append(Sentence(f"{plural(int(overdue), 'action')} {'sont' if many else 'est'} en retard sur "
                                  f"{'leur' if many else 'son'} échéance.", site))
    return sentences


def _audit_sentences(results: dict, site: str, site_label: str, year: int) -> list[Sentence]:
    audits = _section(results, site, "06_audits").get("audits")
    if audits is None:
        return []
    if not audits:
        return [Sentence(f"Aucun audit ni autoévaluation n'est enregistré pour {site_subject(site_label)}.")]
    sentences = []
    for audit in audits:
        kind = AUDIT_TYPES.get(audit.get("type"), audit.get("type") or "Audit")
        when = format_date(dt.date.fromisoformat(audit["date"])) if audit.get("date") else ""
        modules = str(audit.get("modules") or "").strip()
        text = f"{kind} {'du ' + when + ' ' if when else ''}{'pour ' + site_subject(site_label)}"
        if modules:
            text += f" (module{'s' if ',' in modules else ''} {modules})"
        assessed = audit.get("engagements_evalues")
        details = []
        if assessed:
            details.append(f"{plural(int(assessed), 'engagement')} évalué{'s' if assessed >= 2 else ''}")
        if audit.get("part_conforme") is not None:
            details.append(f"{format_percent(audit['part_conforme'], 0)} conformes")
        for key, noun, plural_form in (("points_forts", "point fort", "points forts"),
                                       ("pistes_progres", "piste de progrès", "pistes de progrès"),
                                       ("non_conformites", "non-conformité", None)):
            if audit.get(key) is not None:
                details.append(plural(int(audit[key]), noun, plural_form))
        sentences.append(Sentence(text + (" : " + join_french(details) if details else "") + ".", site))
    return sentences


def _per_site(function, results: dict, sites: dict[str, str], year: int, empty: str,
              *, section: str | tuple[str, ...]) -> list[Item]:
    """One paragraph per site; a placeholder when no site's ``section`` (any of them) is in the results
    (not run in this review, or failed)."""
    wanted = (section,) if isinstance(section, str) else section
    if not any(name in ((results.get("sites") or {}).get(site) or {}) for site in sites for name in wanted):
        return [Placeholder("[Partie à rédiger : cette section du bilan n'a pas été produite]")]
    items: list[Item] = []
    for site, site_label in sites.items():
        sentences = function(results, site, site_label, year)
        if sentences:
            items.append(Statement(tuple(sentences)))
    return items or [Statement((Sentence(empty),))]


def minutes_items(results: dict, *, sites: dict[str, str], prefecture: str, settings: ReviewSettings) -> list[Item]:
    """The draft of the minutes, item by item, from a review's ``results.json``.

    Parameters
    ----------
    results : dict
        The content of ``results.json`` (``year`` and ``sites``).
    sites : dict of str to str
        Site code → label, in the order of ``sites.yaml`` (the minutes' order).
    prefecture : str
        The prefecture's name (« Préfecture des Hauts-de-Seine »).
    settings : ReviewSettings
        The review's settings (the indicators' names give its deadlines: « en 5 jours ouvrés »).

    Returns
    -------
    list
        :class:`Title`, :class:`Statement` and :class:`Placeholder` items: the participants and
        the agenda (to fill in), the annual Qual-e-Pref review (indicators, complaints,
        satisfaction surveys, per site), Services Publics+, the action plans, the audits, then
        any other business.
    """
    year = int(results["year"])
    sites = {code: name for code, name in sites.items() if code in (results.get("sites") or {})}
    items: list[Item] = [
        Title(0, "Comité local des usagers – projet de compte rendu"),
        Placeholder(f"{prefecture} – réunion du [date], [lieu]"),
        Title(1, "Participants"),
        Placeholder("[Liste des participants : nom, fonction, organisme ou association représentée]"),
        Title(1, "Introduction"),
        Placeholder("[Mot d'accueil et rappel de l'ordre du jour]"),
        Title(1, f"Bilan annuel Qual-e-Pref {year}"),
        Title(2, "Les indicateurs Qual-e-Pref"),
        *_indicator_items(results, sites, year, settings),
        Title(2, "L'analyse des réclamations"),
        *_per_site(_complaint_sentences, results, sites, year, "Aucune réclamation n'est enregistrée.",
                   section=("01_indicateurs", "02_reclamations")),
        Title(2, "Les enquêtes de satisfaction"),
        *_per_site(_satisfaction_sentences, results, sites, year, "Aucune enquête de satisfaction n'a été menée.",
                   section="03_satisfaction"),
        Placeholder("[Interventions des participants]"),
        Title(1, "Services Publics+"),
        *_department_items(results, sites),
        *_per_site(_services_publics_sentences, results, sites, year,
                   "Aucun résultat Services Publics+ n'est enregistré.", section="04_services_publics_plus"),
        Placeholder("[Interventions des participants]"),
        Title(1, "Les plans d'actions"),
        *_per_site(_plan_sentences, results, sites, year, "Aucun plan d'actions n'est enregistré.",
                   section="05_plan_actions"),
        Placeholder("[Actions proposées par les participants pour le plan de l'année à venir]"),
        Title(1, "Les audits"),
        *_per_site(_audit_sentences, results, sites, year, "Aucun audit n'est enregistré.", section="06_audits"),
        Title(1, "Questions diverses"),
        Placeholder("[Questions diverses]"),
        Placeholder("[Date du prochain comité]"),
    ]
    return items


def write_minutes_document(results: dict, path: Path, *, sites: dict[str, str], prefecture: str,
                           settings: ReviewSettings) -> Path:
    """Write the draft of the minutes (:func:`minutes_items`) as a Word document at ``path``; return it."""
    from docx.shared import RGBColor

    from qualepref_analysis.office.word import new_document

    year = int(results["year"])
    title = f"Projet de compte rendu – bilan Qual-e-Pref {year} – {prefecture}"
    document = new_document(title=title, footer=f"Projet de compte rendu – {year}")
    for item in minutes_items(results, sites=sites, prefecture=prefecture, settings=settings):
        if isinstance(item, Title):
            if item.level == 0:
                document.add_paragraph(french_spacing(item.text), style="Title")
            else:
                document.add_heading(french_spacing(item.text), level=item.level)
        elif isinstance(item, Placeholder):
            run = document.add_paragraph().add_run(french_spacing(item.text))
            run.italic = True
            run.font.color.rgb = RGBColor.from_string("666666")
        else:
            document.add_paragraph(french_spacing(item.text))
    return save_replacing(Path(path), document.save)
