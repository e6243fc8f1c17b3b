"""Services Publics+: transparency indicators, user experiences, diagnostic of the commitments."""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.calendar import working_days_between
from qualepref_analysis.report.grammar import period_label
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.formatting import format_number, format_percent, plural
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["INDICATOR_LABELS", "transparency_table", "transparency_trend", "experiences_summary",
           "experiences_narrative", "diagnostic_table", "diagnostic_narrative", "sp_figures", "transparency_figures",
           "transparency_value"]

INDICATOR_LABELS = {
    "satisfaction_titres": "Satisfaction sur la délivrance des titres",
    "delai_cni_passeport": "Délai moyen de délivrance CNI / passeport",
    "delai_permis": "Délai moyen de délivrance du permis de conduire",
    "delai_immatriculation": "Délai moyen de délivrance du certificat d'immatriculation",
    "effort_teleprocedures": "Effort ressenti sur les téléprocédures",
    "taux_appels_decroches": "Taux d'appels décrochés",
}
UNITS = {"pourcent": "%", "jours": "jours", "score_5": "/ 5"}


def transparency_value(value: float, unit: str) -> str:
    """A transparency indicator's value in its unit: « 77 % », « 24 jours », « 2,7 / 5 » (« – » when missing)."""
    if pd.isna(value):
        return "–"
    if unit == "pourcent":
        return format_percent(value, 0 if float(value).is_integer() else 1)
    if unit == "score_5":
        return f"{format_number(value, 1)} / 5"
    return f"{format_number(value, 0 if float(value).is_integer() else 1)} jours"


PERIMETERS = ("departement", "site")


def _in_scope(indicators: pd.DataFrame, site: str, perimeter: str | None = None) -> pd.DataFrame:
    if perimeter is not None and perimeter not in PERIMETERS:
        raise ValueError(f"perimeter must be one of {PERIMETERS} or None, not {perimeter!r}")
    scope = {"departement": ["departement"], "site": [site], None: ["departement", site]}[perimeter]
    return indicators[indicators["perimetre"].isin(scope)]


def transparency_table(indicators: pd.DataFrame, *, site: str, year: int,
                       perimeter: str | None = None) -> tuple[pd.DataFrame, str | None]:
    """The latest published value of each indicator in ``year`` (département and site), with its target.

    Parameters
    ----------
    indicators : DataFrame
        Services Publics+ transparency indicators; requires ``perimetre`` (``departement`` or a site
        code), ``periode`` (text starting with the year, e.g. ``2023-T2``), ``indicateur``, ``valeur``,
        ``unite`` (``pourcent``, ``jours`` or ``score_5``) and ``cible``.
    site : str
        Site code (rows of the département are kept too, unless ``perimeter`` is ``"site"``).
    year : int
        Year of the periods.
    perimeter : {"departement", "site"}, optional
        Only the département's rows (shown once in the bilan) or only the site's; both by default.

    Returns
    -------
    table : DataFrame
        Columns ``Indicateur``, ``Périmètre`` (« Département » / « Site », only when ``perimeter``
        is not given), ``Valeur``, ``Cible`` (text, French units; « – » when missing), for the
        latest period of ``year`` only; empty with these columns when there is none.
    period : str or None
        That latest period, or ``None``.
    """
    mine = _in_scope(indicators, site, perimeter)
    mine = mine[mine["periode"].str.startswith(str(year))]
    columns = ["Indicateur", "Périmètre", "Valeur", "Cible"] if perimeter is None else ["Indicateur", "Valeur", "Cible"]
    if mine.empty:
        return pd.DataFrame(columns=columns), None
    latest = mine["periode"].max()
    rows = mine[mine["periode"] == latest]
    table = pd.DataFrame({
        "Indicateur": [INDICATOR_LABELS.get(c, label("indicateur", c)) for c in rows["indicateur"]],
        "Périmètre": ["Département" if p == "departement" else "Site" for p in rows["perimetre"]],
        "Valeur": [transparency_value(v, u) for v, u in zip(rows["valeur"], rows["unite"])],
        "Cible": [transparency_value(c, u) for c, u in zip(rows["cible"], rows["unite"])],
    })
    return table[columns].reset_index(drop=True), latest


def transparency_figures(indicators: pd.DataFrame | None, *, site: str, year: int, department: bool) -> dict | None:
    """The transparency indicators of the latest period of ``year``, as ``results.json`` records them.

    Parameters
    ----------
    indicators : DataFrame or None
        As :func:`transparency_table` (``None``: the data set was not provided).
    site : str
        Site code.
    year : int
        Year of the periods.
    department : bool
        Whether this site presents the département's indicators (the host site): the département's
        rows are then recorded with the site's own, otherwise the site's own only.

    Returns
    -------
    dict or None
        ``{"periode": "2022-T4", "indicateurs": [{"indicateur", "libelle", "perimetre", "valeur", "unite",
        "cible"}]}``, or ``None`` when no indicator of this scope is published in ``year``.

    Examples
    --------
    >>> rows = pd.DataFrame({"perimetre": ["departement", "departement", "75"], "periode": ["2023-T1", "2023-T2", "2023-T2"],
    ...                      "indicateur": ["delai_permis"] * 3, "valeur": [30.0, 28.0, 12.0], "unite": ["jours"] * 3,
    ...                      "cible": [None, None, None]})
    >>> figures = transparency_figures(rows, site="75", year=2023, department=False)
    >>> figures["periode"], [(i["perimetre"], i["valeur"]) for i in figures["indicateurs"]]
    ('2023-T2', [('site', 12.0)])
    """
    if indicators is None:
        return None
    mine = _in_scope(indicators, site, None if department else "site")
    mine = mine[mine["periode"].str.startswith(str(year))]
    if mine.empty:
        return None
    latest = mine["periode"].max()
    rows = mine[mine["periode"] == latest]
    return {"periode": str(latest), "indicateurs": [
        {"indicateur": code, "libelle": INDICATOR_LABELS.get(code, label("indicateur", code)),
         "perimetre": "departement" if scope == "departement" else "site",
         "valeur": None if pd.isna(value) else float(value), "unite": unit,
         "cible": None if pd.isna(target) else float(target)}
        for code, scope, value, unit, target in zip(rows["indicateur"], rows["perimetre"], rows["valeur"],
                                                    rows["unite"], rows["cible"])]}


def transparency_trend(indicators: pd.DataFrame, *, site: str, year: int, perimeter: str | None = None) -> pd.DataFrame:
    """Indicator values per period over ``year − 1`` and ``year`` (rows: indicators, columns: periods).

    Parameters
    ----------
    indicators : DataFrame
        Services Publics+ transparency indicators; requires ``perimetre`` (``departement`` or a site
        code), ``periode`` (text starting with the year, e.g. ``2023-T2``), ``indicateur``, ``valeur``.
    site : str
        Site code (rows of the département are kept too, unless ``perimeter`` is ``"site"``).
    year : int
        Year under review.
    perimeter : {"departement", "site"}, optional
        As in :func:`transparency_table`.

    Returns
    -------
    DataFrame
        Index: indicator (French label); one column per period, sorted; when several rows share an
        indicator and a period (département and site), the last row's value. An empty frame when nothing is in scope.
    """
    mine = _in_scope(indicators, site, perimeter)
    mine = mine[mine["periode"].str[:4].isin([str(year - 1), str(year)])]
    if mine.empty:
        return pd.DataFrame()
    table = mine.pivot_table(index="indicateur", columns="periode", values="valeur", aggfunc="last")
    table.index = [INDICATOR_LABELS.get(c, label("indicateur", c)) for c in table.index]
    table = table.sort_index(axis=1)
    table.columns = [period_label(c) for c in table.columns]  # « 4e trimestre 2022 », in the order of the codes
    return table


def experiences_summary(experiences: pd.DataFrame, *, site: str, year: int, calendar: str = "metropole",
                        disclosure: Disclosure) -> dict:
    """Count, feelings, answer rate and mean answer delay (working days) of the experiences of the year.

    Parameters
    ----------
    experiences : DataFrame
        User experiences published on Services Publics+; requires ``site``, ``date`` (publication),
        ``ressenti`` (``positif``, ``neutre``, ``negatif``) and optionally ``date_reponse``.
    site : str
        Site code.
    year : int
        Year of ``date``.
    calendar : str, default "metropole"
        The site's working-day calendar (see :mod:`qualepref_analysis.analysis.calendar`).
    disclosure : Disclosure
        Shares, the answer rate and the mean delay are ``None`` when a ``share`` on that many
        experiences is not allowed.

    Returns
    -------
    dict
        Keys ``n``, ``ressentis`` (feeling → count), ``parts_ressentis`` (feeling → %, or ``None``),
        ``repondues`` (answered), ``taux_reponse`` (%, or ``None``) and ``delai_moyen_reponse`` (mean
        working days from publication to answer, or ``None``).

    Notes
    -----
    The mean delay covers answered experiences only: unanswered ones are not counted (they would be
    right-censored), so it understates the wait when many remain unanswered.
    """
    mine = experiences[(experiences["site"] == site) & (experiences["date"].dt.year == year)]
    n = len(mine)
    feelings = mine["ressenti"].value_counts().reindex(["positif", "neutre", "negatif"], fill_value=0)
    answered = mine["date_reponse"].notna() if "date_reponse" in mine else pd.Series(False, index=mine.index)
    delays = working_days_between(mine.loc[answered, "date"], mine.loc[answered, "date_reponse"], calendar=calendar)
    enough = disclosure.shows("share", n)
    return {
        "n": int(n),
        "ressentis": {k: int(v) for k, v in feelings.items()},
        "parts_ressentis": ({k: 100 * v / n for k, v in feelings.items()} if enough else None),
        "repondues": int(answered.sum()),
        "taux_reponse": (100 * float(answered.mean()) if enough else None),
        "delai_moyen_reponse": (float(np.nanmean(delays)) if len(delays) and enough else None),
    }


def experiences_narrative(summary: dict, *, year: int) -> str:
    """French sentences on the experiences of the year (shares only where :func:`experiences_summary` gave them).

    Parameters
    ----------
    summary : dict
        :func:`experiences_summary`.
    year : int
        Year under review.

    Returns
    -------
    str
        The number of experiences and their feelings, then the answer rate and mean delay, or the count
        answered when the rate was withheld.

    Examples
    --------
    >>> summary = {"n": 3, "ressentis": {"positif": 2, "neutre": 0, "negatif": 1}, "repondues": 2,
    ...            "taux_reponse": None, "delai_moyen_reponse": None}
    >>> print(experiences_narrative(summary, year=2023))  # doctest: +NORMALIZE_WHITESPACE
    En 2023, 3 expériences d'usagers ont été publiées sur Services Publics+ : 2 positives, 0 neutre
    et 1 négative. 2 ont reçu une réponse (effectif trop faible pour un pourcentage).
    """
    n = summary["n"]
    if n == 0:
        return f"Aucune expérience d'usager n'a été publiée sur Services Publics+ pour ce site en {year}."
    feelings = summary["ressentis"]
    text = (f"En {year}, {format_number(n)} expérience{'s' if n >= 2 else ''} d'usager{'s' if n >= 2 else ''} "
            f"{'ont' if n >= 2 else 'a'} été publiée{'s' if n >= 2 else ''} sur Services Publics+ : "
            f"{plural(feelings['positif'], 'positive')}, {plural(feelings['neutre'], 'neutre')} et "
            f"{plural(feelings['negatif'], 'négative')}.")
    if summary["taux_reponse"] is not None:
        text += f" {format_percent(summary['taux_reponse'])} ont reçu une réponse"
        if summary["delai_moyen_reponse"] is not None:
            text += f", en {format_number(summary['delai_moyen_reponse'], 1)} jours ouvrés en moyenne"
        text += "."
    else:
        text += (f" {format_number(summary['repondues'])} ont reçu une réponse (effectif trop faible pour un "
                 "pourcentage).")
    return text


def diagnostic_table(diagnostic: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """Attainment (%) per commitment of the site's diagnostic of ``year`` (latest referential).

    Parameters
    ----------
    diagnostic : DataFrame
        Services Publics+ diagnostics; requires ``site``, ``annee``, ``referentiel``, ``engagement``
        (number), ``libelle`` (may be empty) and ``taux_atteinte`` (%).
    site : str
        Site code.
    year : int
        Year of the diagnostic.

    Returns
    -------
    DataFrame
        One row per commitment, by number: ``Engagement`` (« n° 3 »), ``Libellé``, ``Atteinte de la cible
        (%)`` (float); empty with these columns when the site has no diagnostic that year.
    """
    mine = diagnostic[(diagnostic["site"] == site) & (diagnostic["annee"] == year)]
    if mine.empty:
        return pd.DataFrame(columns=["Engagement", "Libellé", "Atteinte de la cible (%)"])
    referential = mine["referentiel"].max()
    mine = mine[mine["referentiel"] == referential].sort_values("engagement")
    return pd.DataFrame({
        "Engagement": [f"n° {int(e)}" for e in mine["engagement"]],
        "Libellé": mine["libelle"].fillna("").to_numpy(),
        "Atteinte de la cible (%)": mine["taux_atteinte"].astype(float).to_numpy(),
    })


def diagnostic_narrative(table: pd.DataFrame, *, year: int) -> str:
    """French sentences on the diagnostic: mean attainment, the most and the least advanced commitments.

    Parameters
    ----------
    table : DataFrame
        :func:`diagnostic_table` (``Engagement``, ``Libellé``, ``Atteinte de la cible (%)``).
    year : int
        Year of the diagnostic.

    Returns
    -------
    str
        The mean attainment and the commitments with the highest and lowest attainment (the first in
        table order on a tie); « Aucun diagnostic … » when ``table`` is empty.

    Notes
    -----
    The mean is unweighted over commitments.
    """
    if table.empty:
        return f"Aucun diagnostic Services Publics+ n'est disponible pour ce site en {year}."
    values = table["Atteinte de la cible (%)"]
    top, bottom = table.loc[values.idxmax()], table.loc[values.idxmin()]

    def named(row: pd.Series) -> str:
        return f"{row['Engagement']}" + (f" (« {row['Libellé']} »)" if row["Libellé"] else "")

    return (f"En moyenne, les engagements atteignent {format_percent(values.mean())} de leur cible. "
            f"Le plus avancé est l'engagement {named(top)} avec {format_percent(top['Atteinte de la cible (%)'])} ; "
            f"le moins avancé est l'engagement {named(bottom)} avec {format_percent(bottom['Atteinte de la cible (%)'])}.")


def sp_figures(table: pd.DataFrame | None, experiences: dict | None, transparency: dict | None = None) -> dict:
    """What section 04 records in ``results.json`` (``table`` may be absent).

    Parameters
    ----------
    table : DataFrame or None
        :func:`diagnostic_table`.
    experiences : dict or None
        :func:`experiences_summary`, recorded as is.
    transparency : dict or None
        :func:`transparency_figures`, recorded as is.

    Returns
    -------
    dict
        Keys ``diagnostic`` (``None`` without diagnostic, else ``moyenne`` and ``max`` / ``min``, each
        ``{"engagement", "valeur"}``), ``experiences`` and ``transparence``.
    """
    values = table["Atteinte de la cible (%)"] if table is not None and not table.empty else pd.Series(dtype=float)
    return {
        "diagnostic": None if values.empty else {
            "moyenne": float(values.mean()),
            "max": {"engagement": table.loc[values.idxmax(), "Engagement"], "valeur": float(values.max())},
            "min": {"engagement": table.loc[values.idxmin(), "Engagement"], "valeur": float(values.min())},
        },
        "experiences": experiences,
        "transparence": transparency,
    }
