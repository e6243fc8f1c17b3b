"""The demo data set: three sites of the Hauts-de-Seine, years 2021 and 2022.

Generated deterministically (fixed seed) and calibrated on the figures of the
2022 review (``SEED_FIGURES.md``): complaint counts, response rates and mean
delays, e-mail information requests, survey respondents per service,
Services Publics+ facts, action plans and audits. The files are committed in
``data/demo/``; :func:`generate_demo_data` rewrites them identically.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.calendar import add_working_days, holiday_dates
from qualepref_analysis.demo.texts import complaint_text, experience_text, information_text
from qualepref_analysis.io.schemas import TAXONOMY

__all__ = ["generate_demo_data", "DEMO_SEED", "DEMO_SITES", "DEMO_YEARS"]

DEMO_SEED = 20230310  # the date of the committee whose figures the demo reproduces
DEMO_SITES = ("prefecture", "antony", "boulogne")
DEMO_YEARS = (2021, 2022)
_DEADLINES = {"courriel": 5, "formulaire_web": 5, "services_publics_plus": 5, "courrier": 10, "urne": 10}
# Relative monthly intake (summer lull, autumn peak).
_SEASON = np.array([1.0, 1.0, 1.1, 1.0, 1.0, 1.05, 0.85, 0.6, 1.2, 1.25, 1.1, 0.85])


@dataclass(frozen=True)
class DelayTarget:
    """Calibration of one group of correspondences (site, year, kind)."""

    count: int
    rate_in_time: float  # share answered within the channel deadline
    mean_delay: float  # mean delay over answered items, working days
    never_share: float  # share of the items not in time that are never answered
    channels: dict[str, float]


# Complaints and suggestions (SEED_FIGURES: 376 / 14 / 5 in 2022; 2021: more / 2 / 14).
COMPLAINTS = {
    ("prefecture", 2022): DelayTarget(376, 0.736, 3.7, 0.4,
                                      {"courriel": .55, "courrier": .12, "services_publics_plus": .08, "urne": .15, "formulaire_web": .10}),
    ("prefecture", 2021): DelayTarget(431, 0.45, 4.1, 0.45,
                                      {"courriel": .6, "courrier": .15, "services_publics_plus": .05, "urne": .12, "formulaire_web": .08}),
    ("antony", 2022): DelayTarget(14, 0.888, 2.3, 1.0, {"courriel": .7, "urne": .2, "courrier": .1}),
    ("antony", 2021): DelayTarget(2, 1.0, 2.5, 1.0, {"courriel": 1.0}),
    ("boulogne", 2022): DelayTarget(5, 1.0, 2.0, 1.0, {"courriel": .8, "urne": .2}),
    ("boulogne", 2021): DelayTarget(14, 0.786, 3.0, 0.5, {"courriel": .7, "courrier": .3}),
}
# E-mail information requests (SEED_FIGURES: mean 3 / 1,28 / 1,80; within 5 days 24,8 / 82,7 / 80,4 %).
INFORMATION = {
    ("prefecture", 2022): DelayTarget(1250, 0.248, 3.0, 0.9, {"courriel": 1.0}),
    ("prefecture", 2021): DelayTarget(1180, 0.31, 3.3, 0.85, {"courriel": 1.0}),
    ("antony", 2022): DelayTarget(290, 0.827, 1.28, 0.3, {"courriel": 1.0}),
    ("antony", 2021): DelayTarget(260, 0.80, 1.5, 0.3, {"courriel": 1.0}),
    ("boulogne", 2022): DelayTarget(240, 0.804, 1.80, 0.3, {"courriel": 1.0}),
    ("boulogne", 2021): DelayTarget(225, 0.78, 1.9, 0.3, {"courriel": 1.0}),
}
# Complaint subjects at the préfecture in 2022: 43 % processing time, 37 % appointments.
SUBJECT_SHARES = {
    "prefecture": {"delai_instruction": .43, "prise_rdv": .37, "accueil_physique": .06, "joignabilite": .05,
                   "demarche_en_ligne": .04, "titre_delivre": .02, "decision_contestee": .02, "autre": .01},
    "other": {"delai_instruction": .30, "prise_rdv": .25, "accueil_physique": .15, "joignabilite": .12,
              "demarche_en_ligne": .08, "titre_delivre": .04, "decision_contestee": .03, "autre": .03},
}
SUGGESTION_CATEGORIES = ("accueil_physique", "demarche_en_ligne", "autre")
LABELLED_SHARE = 0.55  # share of complaints an analyst labelled by hand


def _quota(total: int, shares: dict[str, float]) -> list[str]:
    """Exactly ``total`` labels split by largest remainders."""
    keys = list(shares)
    raw = np.array([shares[k] for k in keys], dtype=float)
    raw = raw / raw.sum() * total
    counts = np.floor(raw).astype(int)
    for i in np.argsort(-(raw - counts))[: total - counts.sum()]:
        counts[i] += 1
    return [k for k, c in zip(keys, counts) for _ in range(c)]


def _receipt_dates(rng: np.random.Generator, year: int, n: int, weekend_share: float) -> np.ndarray:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31", freq="D")
    weights = _SEASON[days.month - 1] * np.where(days.day_of_week < 5, 1.0, weekend_share)
    weights = weights / weights.sum()
    return np.sort(rng.choice(days.to_numpy().astype("datetime64[D]"), size=n, p=weights))


def _delays(rng: np.random.Generator, target: DelayTarget, deadlines: np.ndarray,
            weekend: np.ndarray) -> np.ndarray:
    """Delays (working days, NaN = never answered) hitting the target rate and mean."""
    n = len(deadlines)
    in_time = int(round(target.rate_in_time * n))
    order = rng.permutation(n)
    status = np.empty(n, dtype=object)
    status[order[:in_time]] = "in_time"
    rest = order[in_time:]
    never = int(round(target.never_share * len(rest)))
    status[rest[:never]] = "never"
    status[rest[never:]] = "late"
    delays = np.full(n, np.nan)
    minimum = np.where(weekend, 1, 0)
    is_in = status == "in_time"
    spread = np.clip(rng.poisson(target.mean_delay * 0.8, size=n), minimum, deadlines)
    delays[is_in] = spread[is_in]
    is_late = status == "late"
    delays[is_late] = deadlines[is_late] + 1 + rng.geometric(0.25, size=int(is_late.sum())) - 1
    answered = ~np.isnan(delays)
    if not answered.any():
        return delays
    # Nudge delays one working day at a time until the mean over answered items hits the target.
    for _ in range(20000):
        gap = delays[answered].mean() - target.mean_delay
        if abs(gap) < 0.02:
            break
        if gap < 0:
            movable = np.flatnonzero((is_in & (delays < deadlines)) | is_late)
            if movable.size == 0:
                break
            delays[rng.choice(movable)] += 1
        else:
            movable = np.flatnonzero((is_in & (delays > minimum)) | (is_late & (delays > deadlines + 1)))
            if movable.size == 0:
                break
            delays[rng.choice(movable)] -= 1
    return delays


def _correspondence_group(rng: np.random.Generator, site: str, year: int, kind: str,
                          target: DelayTarget) -> pd.DataFrame:
    n = target.count
    channels = np.array(_quota(n, target.channels))
    rng.shuffle(channels)
    weekend_share = 0.15
    receipts = _receipt_dates(rng, year, n, weekend_share)
    # Letters and urn forms are registered on working days only.
    paper = np.isin(channels, ["courrier", "urne"])
    receipts[paper] = add_working_days(receipts[paper], 1)
    receipts[paper] = np.where(pd.DatetimeIndex(receipts[paper]).year > year,
                               np.datetime64(f"{year}-12-30"), receipts[paper])
    # Items received on a weekend or a holiday cannot be answered the same day.
    weekend = ~np.is_busday(receipts, holidays=holiday_dates("metropole", range(year, year + 2)))
    deadlines = np.array([_DEADLINES[c] for c in channels])
    delays = _delays(rng, target, deadlines, weekend)
    answers = np.full(n, np.datetime64("NaT"), dtype="datetime64[D]")
    answered = ~np.isnan(delays)
    answers[answered] = add_working_days(receipts[answered], delays[answered].astype(int))
    frame = pd.DataFrame({
        "site": site,
        "type": kind,
        "canal": channels,
        "date_reception": receipts,
        "date_reponse": answers,
    })
    if kind == "information":
        frame["service"] = rng.choice(["sejour_etrangers", "accueil_general", "naturalisations", "cartes_grises"],
                                      size=n, p=[.55, .2, .15, .1])
        frame["texte"] = [information_text(rng) if rng.random() < 0.5 else "" for _ in range(n)]
        frame["categorie"] = ""
        return frame
    shares = SUBJECT_SHARES["prefecture" if site == "prefecture" else "other"]
    categories = np.array(_quota(n, shares))
    rng.shuffle(categories)
    suggestion = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(np.isin(categories, SUGGESTION_CATEGORIES))
    suggestion[rng.choice(candidates, size=min(len(candidates), max(0, n // 25)), replace=False)] = True
    frame["type"] = np.where(suggestion, "suggestion", "reclamation")
    frame["service"] = np.where(np.isin(categories, ["delai_instruction", "decision_contestee", "titre_delivre"]),
                                "sejour_etrangers", "accueil_general")
    frame["texte"] = [complaint_text(c, k, rng) for c, k in zip(categories, frame["type"])]
    labelled = np.zeros(n, dtype=bool)
    for category in np.unique(categories):
        members = np.flatnonzero(categories == category)
        take = int(round(LABELLED_SHARE * len(members)))
        labelled[rng.choice(members, size=take, replace=False)] = True
    frame["categorie"] = np.where(labelled, categories, "")
    return frame


def _correspondances(rng: np.random.Generator) -> pd.DataFrame:
    groups = []
    for (site, year), target in COMPLAINTS.items():
        groups.append(_correspondence_group(rng, site, year, "reclamation", target))
    for (site, year), target in INFORMATION.items():
        groups.append(_correspondence_group(rng, site, year, "information", target))
    # Information requests by other channels (not in the e-mail indicator).
    for site, n in (("prefecture", 120), ("antony", 20), ("boulogne", 15)):
        for year in DEMO_YEARS:
            other = DelayTarget(n, 0.7, 4.0, 0.5, {"courrier": .6, "formulaire_web": .4})
            groups.append(_correspondence_group(rng, site, year, "information", other))
    frame = pd.concat(groups, ignore_index=True)
    frame = frame.sort_values(["date_reception", "site"], kind="stable").reset_index(drop=True)
    prefix = {"prefecture": "PREF", "antony": "ANT", "boulogne": "BOU"}
    frame.insert(0, "id", [f"{prefix[s]}-{d.year}-{i:05d}" for i, (s, d) in
                           enumerate(zip(frame["site"], pd.DatetimeIndex(frame["date_reception"])), start=1)])
    frame["date_reception"] = pd.DatetimeIndex(frame["date_reception"]).strftime("%Y-%m-%d")
    frame["date_reponse"] = pd.DatetimeIndex(frame["date_reponse"]).strftime("%Y-%m-%d").fillna("")
    return frame[["id", "site", "type", "canal", "service", "date_reception", "date_reponse", "texte", "categorie"]]


def _months() -> pd.PeriodIndex:
    return pd.period_range(f"{DEMO_YEARS[0]}-01", f"{DEMO_YEARS[-1]}-12", freq="M")


def _appels(rng: np.random.Generator) -> pd.DataFrame:
    volumes = {("prefecture", "standard"): 9000, ("prefecture", "sejour_etrangers"): 6000,
               ("antony", "standard"): 2500, ("boulogne", "standard"): 2800}
    rows = []
    for (site, service), base in volumes.items():
        for month in _months():
            received = int(base * _SEASON[month.month - 1] * rng.uniform(0.9, 1.1))
            rate = (0.93 if month.year == 2022 else 0.90) + rng.normal(0, 0.02)
            rows.append([site, str(month), service, received, int(round(received * min(rate, 0.99)))])
    frame = pd.DataFrame(rows, columns=["site", "mois", "service", "appels_recus", "appels_decroches"])
    # Exact yearly pick-up rates over all sites: 93 % in 2022 (SEED_FIGURES), 90 % in 2021.
    for year, rate in ((2022, 0.93), (2021, 0.90)):
        rows_year = frame["mois"].str.startswith(str(year))
        gap = int(round(frame.loc[rows_year, "appels_recus"].sum() * rate)) - frame.loc[rows_year, "appels_decroches"].sum()
        index = frame.index[rows_year]
        share = np.full(len(index), gap // len(index))
        share[: gap % len(index)] += 1
        frame.loc[index, "appels_decroches"] = np.minimum(
            frame.loc[index, "appels_decroches"] + share, frame.loc[index, "appels_recus"])
    return frame


def _site_internet(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year, n, rate in ((2021, 1290, 0.96), (2022, 1375, 1.0)):
        days = pd.bdate_range(f"{year}-01-03", f"{year}-12-23")
        requests = np.sort(rng.choice(days.to_numpy().astype("datetime64[D]"), size=n))
        delays = rng.choice([0, 1, 2, 3], size=n, p=[.35, .35, .2, .1])
        late = rng.random(n) > rate
        delays[late] = rng.integers(4, 9, size=int(late.sum()))
        published = add_working_days(requests, delays)
        # Publications stay in the year of their request (the count of updates is per year).
        published = np.where(published.astype("datetime64[Y]") > requests.astype("datetime64[Y]"),
                             requests, published)
        rows.append(pd.DataFrame({"site": "prefecture", "date_demande": requests, "date_publication": published}))
    frame = pd.concat(rows, ignore_index=True)
    frame.insert(0, "id", [f"WEB-{i:05d}" for i in range(1, len(frame) + 1)])
    for col in ("date_demande", "date_publication"):
        frame[col] = pd.DatetimeIndex(frame[col]).strftime("%Y-%m-%d")
    return frame


def _frequentation_pan(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    ants = {"permis_conduire": .48, "immatriculation": .38, "cni_passeport": .14}
    for month in _months():
        base = 340 if month.year == 2022 else 300
        total = int(base * _SEASON[month.month - 1] / _SEASON.mean() * rng.uniform(0.93, 1.07))
        for demarche, share in ants.items():
            rows.append(["prefecture", str(month), "ants", demarche, int(round(total * share))])
        for site, small in (("antony", 95), ("boulogne", 110)):
            rows.append([site, str(month), "ants", "permis_conduire", int(small * rng.uniform(0.8, 1.2))])
        if month >= pd.Period("2021-12", "M"):  # E-Meraude open since December 2021
            months_open = (month - pd.Period("2021-12", "M")).n
            visits = 3 if str(month) == "2022-02" else max(1, int(2 + 2 * months_open * rng.uniform(0.8, 1.2)))
            rows.append(["prefecture", str(month), "emeraude", "naturalisation", visits])
    frame = pd.DataFrame(rows, columns=["site", "mois", "pan", "demarche", "visites"])
    # Keep the 2022 ANTS monthly mean at the préfecture at 340 visits.
    mask = (frame["site"] == "prefecture") & (frame["pan"] == "ants") & frame["mois"].str.startswith("2022")
    gap = 340 * 12 - frame.loc[mask, "visites"].sum()
    frame.loc[frame.index[mask][-1], "visites"] += gap
    return frame


def _chatbot(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    themes = {"titres_sejour": .45, "permis_conduire": .2, "naturalisation": .15, "immatriculation": .1, "autres": .1}
    for i, month in enumerate(pd.period_range("2022-03", "2022-12", freq="M")):  # live since 1 March 2022
        total = int(400 * (1.12 ** i) * rng.uniform(0.95, 1.05))
        for theme, share in themes.items():
            rows.append([str(month), theme, int(round(total * share))])
    return pd.DataFrame(rows, columns=["mois", "theme", "conversations"])


@dataclass(frozen=True)
class Campaign:
    site: str
    campaign: str
    start: str
    end: str
    services: dict[str, int]  # respondents per service (exact)
    satisfied: dict[str, tuple[int, int]]  # question → (respondents, satisfied) exact
    footfall: dict[str, int]
    morning_share: float = 0.6


QUESTIONS = ("q_courtoisie", "q_pmr", "q_langage", "q_orientation", "q_signaletique", "q_confort",
             "q_confidentialite", "q_attente", "q_global")
CAMPAIGNS = (
    Campaign("prefecture", "2022", "2022-11-28", "2022-12-18",
             {"sejour_etrangers": 102, "naturalisations": 36, "accueil_general": 6, "pan": 2, "autres": 48},
             {"q_global": (189, 162)},
             {"sejour_etrangers": 3200, "naturalisations": 900, "accueil_general": 4100, "pan": 1200, "autres": 1600}),
    Campaign("antony", "2022", "2022-03-23", "2022-04-20",
             {"sejour_etrangers": 165, "accueil_general": 3, "pan": 6, "autres": 2},
             {"q_global": (171, 154), "q_courtoisie": (170, 156), "q_service_rendu": (160, 149)},
             {"sejour_etrangers": 2300, "accueil_general": 1900, "pan": 700, "autres": 600}),
    Campaign("boulogne", "2022", "2022-03-23", "2022-04-20",
             {"sejour_etrangers": 95, "cert": 4, "pan": 6},
             {"q_global": (93, 86), "q_service_rendu": (90, 83)},
             {"sejour_etrangers": 2600, "cert": 1400, "pan": 900}),
    Campaign("prefecture", "2021", "2021-11-22", "2021-12-10",
             {"sejour_etrangers": 80, "naturalisations": 25, "accueil_general": 10, "pan": 5, "autres": 30},
             {"q_global": (141, 114)},
             {"sejour_etrangers": 3000, "naturalisations": 850, "accueil_general": 3900, "pan": 900, "autres": 1500}),
    Campaign("antony", "2021", "2021-03-22", "2021-04-16",
             {"sejour_etrangers": 110, "accueil_general": 8, "pan": 4, "autres": 3},
             {"q_global": (120, 104), "q_service_rendu": (118, 106)},
             {"sejour_etrangers": 2200, "accueil_general": 1800, "pan": 500, "autres": 600}),
    Campaign("boulogne", "2021", "2021-03-22", "2021-04-16",
             {"sejour_etrangers": 70, "cert": 6, "pan": 4},
             {"q_global": (78, 69), "q_service_rendu": (75, 66)},
             {"sejour_etrangers": 2500, "cert": 1300, "pan": 700}),
)
# How much each service tends to be satisfied (the foreigners' service less so).
_SERVICE_MOOD = {"sejour_etrangers": -0.35, "naturalisations": 0.0, "accueil_general": 0.35, "pan": 0.3,
                 "autres": 0.2, "cert": 0.25}


def _answers(rng: np.random.Generator, mood: np.ndarray, respondents: int, satisfied: int | None) -> np.ndarray:
    """1-4 answers for one question: exactly ``respondents`` answers, ``satisfied`` of them 3 or 4."""
    n = len(mood)
    values = np.full(n, np.nan)
    answering = np.sort(rng.choice(n, size=respondents, replace=False))
    score = mood[answering] + rng.normal(0, 0.5, size=respondents)
    if satisfied is None:
        satisfied = int(np.clip(np.round(respondents * (0.82 + 0.1 * mood[answering].mean())), 0, respondents))
    ranks = np.argsort(-score)
    happy = np.zeros(respondents, dtype=bool)
    happy[ranks[:satisfied]] = True
    strong = rng.random(respondents) < 0.55
    values[answering] = np.where(happy, np.where(strong, 4, 3), np.where(strong, 1, 2))
    return values


def _enquetes(rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    frames, margins = [], []
    for camp in CAMPAIGNS:
        services = np.array(_quota(sum(camp.services.values()), {k: float(v) for k, v in camp.services.items()}))
        rng.shuffle(services)
        n = len(services)
        days = pd.bdate_range(camp.start, camp.end).to_numpy().astype("datetime64[D]")
        frame = pd.DataFrame({
            "site": camp.site,
            "campagne": camp.campaign,
            "date": np.sort(rng.choice(days, size=n)),
            "service": services,
            "mode": rng.choice(["qr", "papier"], size=n, p=[.55, .45]),
            "demi_journee": rng.choice(["matin", "apres_midi"], size=n, p=[camp.morning_share, 1 - camp.morning_share]),
        })
        mood = np.array([_SERVICE_MOOD[s] for s in services]) + rng.normal(0, 0.3, size=n)
        questions = list(QUESTIONS) + (["q_service_rendu"] if "q_service_rendu" in camp.satisfied else [])
        for question in questions:
            respondents, happy = camp.satisfied.get(question, (None, None))
            if respondents is None:
                share = 0.35 if question == "q_pmr" else rng.uniform(0.9, 0.98)
                respondents = int(round(n * share))
            bias = -0.4 if question == "q_attente" else 0.0
            frame[question] = _answers(rng, mood + bias, respondents, happy)
        frames.append(frame)
        total = sum(camp.footfall.values())
        for service, count in camp.footfall.items():
            margins.append([camp.site, camp.campaign, "service", service, count])
        morning = int(round(total * camp.morning_share))
        margins.append([camp.site, camp.campaign, "demi_journee", "matin", morning])
        margins.append([camp.site, camp.campaign, "demi_journee", "apres_midi", total - morning])
    enquetes = pd.concat(frames, ignore_index=True)
    prefix = {"prefecture": "ENQ-PREF", "antony": "ENQ-ANT", "boulogne": "ENQ-BOU"}
    enquetes.insert(0, "id", [f"{prefix[s]}-{c}-{i:04d}" for i, (s, c) in
                              enumerate(zip(enquetes["site"], enquetes["campagne"]), start=1)])
    enquetes["date"] = pd.DatetimeIndex(enquetes["date"]).strftime("%Y-%m-%d")
    for question in [c for c in enquetes.columns if c.startswith("q_")]:
        enquetes[question] = enquetes[question].astype("Int64").astype("string").fillna("")
    marges = pd.DataFrame(margins, columns=["site", "campagne", "variable", "modalite", "effectif"])
    return enquetes, marges


def _sp_indicateurs(rng: np.random.Generator) -> pd.DataFrame:
    # Q4 2022 values of the département (SEED_FIGURES); earlier quarters drift towards them.
    q4_2022 = {"satisfaction_titres": (77.0, "pourcent", 80.0), "delai_cni_passeport": (24.0, "jours", None),
               "delai_permis": (33.0, "jours", None), "delai_immatriculation": (8.0, "jours", None),
               "effort_teleprocedures": (2.7, "score_5", None), "taux_appels_decroches": (95.0, "pourcent", 85.0)}
    rows = []
    quarters = [f"{y}-T{q}" for y in DEMO_YEARS for q in range(1, 5)]
    for indicator, (final, unit, target) in q4_2022.items():
        for i, period in enumerate(quarters):
            steps_left = len(quarters) - 1 - i
            noise = 0.0 if steps_left == 0 else rng.normal(0, 0.04) * final + 0.02 * final * steps_left * (
                1 if unit == "jours" else -1)
            value = round(final + noise, 1)
            rows.append(["departement", period, indicator, value, unit, "" if target is None else target])
    return pd.DataFrame(rows, columns=["perimetre", "periode", "indicateur", "valeur", "unite", "cible"])


def _sp_experiences(rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    for year, counts in ((2022, {"prefecture": 24, "antony": 5, "boulogne": 3}),
                         (2021, {"prefecture": 15, "antony": 4, "boulogne": 2})):
        for site, n in counts.items():
            days = pd.bdate_range(f"{year}-01-03", f"{year}-12-16").to_numpy().astype("datetime64[D]")
            for day in np.sort(rng.choice(days, size=n)):
                feeling = str(rng.choice(["positif", "neutre", "negatif"], p=[.4, .2, .4]))
                answered = rng.random() < 0.75
                answer = add_working_days(np.array([day]), int(rng.integers(1, 12)))[0] if answered else None
                rows.append([site, str(day), feeling, experience_text(feeling, rng),
                             "" if answer is None else str(answer)])
    frame = pd.DataFrame(rows, columns=["site", "date", "ressenti", "texte", "date_reponse"])
    frame.insert(0, "id", [f"SP-{i:04d}" for i in range(1, len(frame) + 1)])
    return frame


COMMITMENTS_2021 = (
    "Nous vous accueillons avec courtoisie et bienveillance",
    "Nous vous accompagnons dans vos démarches",
    "Nous vous répondons de manière claire et dans un délai annoncé",
    "Nous vous orientons vers la personne compétente",
    "Nous nous améliorons grâce à vos retours",
    "Vous avez accès à nos résultats de qualité de service",
    "Nous sommes joignables par téléphone aux horaires annoncés",
    "Nous facilitons vos démarches en ligne",
    "Nous agissons de manière éco-responsable",
)


def _sp_diagnostic() -> pd.DataFrame:
    # 2022: mean 61,6 %; highest n°6 86 %; lowest n°4 30,6 % (SEED_FIGURES).
    rates = {2022: (70.0, 55.0, 65.0, 30.6, 60.0, 86.0, 72.8, 58.0, 57.0),
             2021: (62.0, 50.0, 58.0, 28.0, 49.0, 75.0, 66.0, 51.0, 47.0)}
    rows = [["prefecture", year, "2021", i, label, rate]
            for year, values in rates.items() for i, (label, rate) in enumerate(zip(COMMITMENTS_2021, values), start=1)]
    return pd.DataFrame(rows, columns=["site", "annee", "referentiel", "engagement", "libelle", "taux_atteinte"])


def _plan_actions() -> pd.DataFrame:
    plans = {
        ("prefecture", 2022): [
            ("Mise à jour du serveur vocal interactif", "realisee", "2022-04-30", "Service de l'accueil"),
            ("Mise en place d'un chatbot sur le site internet", "realisee", "2022-03-01", "Bureau de la communication"),
            ("Autoévaluation et audit de la sous-préfecture de Boulogne-Billancourt", "realisee", "2022-11-30", "Mission qualité"),
            ("Enquêtes de satisfaction et visites mystères", "realisee", "2022-12-18", "Mission qualité"),
            ("Réunion du comité local des usagers", "realisee", "2022-06-30", "Mission qualité"),
        ],
        ("prefecture", 2023): [
            ("Mise à jour des questions-réponses du chatbot", "prevue", "2023-06-30", "Bureau de la communication"),
            ("Préparation de l'audit de labellisation", "prevue", "2023-09-30", "Mission qualité"),
            ("Enquêtes de satisfaction et visites mystères", "prevue", "2023-12-15", "Mission qualité"),
            ("Désignation de référents fraude", "prevue", "2023-04-30", "Direction des migrations"),
            ("Nouvelles actions quali-ATE", "prevue", "2023-10-31", "Direction des migrations"),
        ],
        ("antony", 2022): [
            ("Refonte de la signalétique du hall d'accueil", "realisee", "2022-05-31", "Sous-préfecture d'Antony"),
            ("Formation des agents d'accueil à l'écoute active", "realisee", "2022-09-30", "Sous-préfecture d'Antony"),
            ("Affichage des résultats qualité", "realisee", "2022-06-30", "Sous-préfecture d'Antony"),
            ("Enquête de satisfaction annuelle", "realisee", "2022-04-20", "Sous-préfecture d'Antony"),
        ],
        ("antony", 2023): [
            ("Audit de renouvellement du label", "en_cours", "2023-02-16", "Sous-préfecture d'Antony"),
            ("Mise à jour du livret d'accueil", "en_cours", "2023-03-31", "Sous-préfecture d'Antony"),
            ("Installation d'une borne d'accueil numérique", "prevue", "2023-09-30", "Sous-préfecture d'Antony"),
            ("Enquête de satisfaction annuelle", "prevue", "2023-04-30", "Sous-préfecture d'Antony"),
        ],
        ("boulogne", 2022): [
            ("Audit de renouvellement du label", "realisee", "2022-11-17", "Sous-préfecture de Boulogne-Billancourt"),
            ("Réaménagement de la salle d'attente", "realisee", "2022-07-31", "Sous-préfecture de Boulogne-Billancourt"),
            ("Ouverture du point d'accueil numérique le samedi matin", "realisee", "2022-10-01", "Sous-préfecture de Boulogne-Billancourt"),
            ("Enquête de satisfaction annuelle", "realisee", "2022-04-20", "Sous-préfecture de Boulogne-Billancourt"),
        ],
        ("boulogne", 2023): [
            ("Dématérialisation des convocations CERT", "en_cours", "2023-05-31", "Sous-préfecture de Boulogne-Billancourt"),
            ("Formation à l'accueil des personnes en situation de handicap", "en_cours", "2023-06-30", "Sous-préfecture de Boulogne-Billancourt"),
            ("Enquête de satisfaction annuelle", "prevue", "2023-04-30", "Sous-préfecture de Boulogne-Billancourt"),
            ("Mise à jour de l'affichage des délais", "prevue", "2023-03-31", "Sous-préfecture de Boulogne-Billancourt"),
            ("Visites mystères", "prevue", "2023-10-31", "Sous-préfecture de Boulogne-Billancourt"),
        ],
    }
    rows = [[site, year, action, status, due, pilot]
            for (site, year), actions in plans.items() for action, status, due, pilot in actions]
    return pd.DataFrame(rows, columns=["site", "annee", "action", "statut", "echeance", "pilote"])


def _audits() -> pd.DataFrame:
    rows = []
    # Boulogne: renewal audit, modules 1 and 2, no non-conformity.
    for module, count in (("1", 18), ("2", 8)):
        rows += [["boulogne", "2022-11-17", "renouvellement", module, str(i), "conforme", ""] for i in range(1, count + 1)]
    rows += [["boulogne", "2022-11-17", "renouvellement", "1", "3", "point_fort", "Accueil du point numérique très apprécié"],
             ["boulogne", "2022-11-17", "renouvellement", "2", "5", "point_fort", "Délais de remise des titres CERT tenus"]]
    # Antony: renewal audit on 16 Feb 2023: module 1 (20) and module 3 (10) all conformant; 6 strengths; 2 areas for progress.
    for module, count in (("1", 20), ("3", 10)):
        rows += [["antony", "2023-02-16", "renouvellement", module, str(i), "conforme", ""] for i in range(1, count + 1)]
    strengths = ("Courtoisie des agents", "Affichage des résultats", "Signalétique refaite", "Livret d'accueil",
                 "Suivi des réclamations", "Délais de réponse aux courriels")
    rows += [["antony", "2023-02-16", "renouvellement", "1" if i < 4 else "3", str(i + 1), "point_fort", s]
             for i, s in enumerate(strengths)]
    rows += [["antony", "2023-02-16", "renouvellement", "1", "12", "piste_progres", "Mieux annoncer les horaires du PAN"],
             ["antony", "2023-02-16", "renouvellement", "3", "4", "piste_progres", "Formaliser l'information sur les délais"]]
    # Préfecture: self-assessment on 8 Dec 2022 before its renewal audit.
    results = ["conforme"] * 16 + ["non_conforme", "non_conforme", "piste_progres", "piste_progres"]
    rows += [["prefecture", "2022-12-08", "autoevaluation", "1", str(i), r, ""] for i, r in enumerate(results, start=1)]
    return pd.DataFrame(rows, columns=["site", "date_audit", "type", "module", "engagement", "resultat", "commentaire"])


def build_demo_frames(seed: int = DEMO_SEED) -> dict[str, pd.DataFrame]:
    """Every demo data set as a frame of strings/numbers, in the contract's layout."""
    rng = np.random.default_rng(seed)
    enquetes, marges = _enquetes(rng)
    return {
        "correspondances": _correspondances(rng),
        "appels": _appels(rng),
        "site_internet": _site_internet(rng),
        "frequentation_pan": _frequentation_pan(rng),
        "chatbot": _chatbot(rng),
        "enquetes": enquetes,
        "marges": marges,
        "sp_indicateurs": _sp_indicateurs(rng),
        "sp_experiences": _sp_experiences(rng),
        "sp_diagnostic": _sp_diagnostic(),
        "plan_actions": _plan_actions(),
        "audits": _audits(),
    }


def generate_demo_data(out_dir: str | Path, *, seed: int = DEMO_SEED) -> dict[str, Path]:
    """Write the twelve demo data sets as UTF-8 CSV files in ``out_dir``.

    Returns
    -------
    dict
        Data set name → path of the written file.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, frame in build_demo_frames(seed).items():
        path = out_dir / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
        written[name] = path
    return written
