"""The cross-site synthesis (section 00), built from the figures every site section recorded."""

from __future__ import annotations

import html

import pandas as pd

from qualepref_analysis.analysis.indicators import BY_CODE, CATALOGUE
from qualepref_analysis.io.settings import ReviewSettings
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_target, format_value, judged_change, significance_of
from qualepref_analysis.sections.narratives import GROUP_TITLES, _capitalise
from qualepref_analysis.report.formatting import join_french, site_complement, site_subject

__all__ = ["indicator_rows", "synthesis_table", "synthesis_paragraphs", "funnel_points", "FUNNEL_POSITIONS"]

#: How the synthesis says where a site stands in the funnel around its target.
FUNNEL_POSITIONS = {"au-dessus": "au-dessus de la plage attendue", "dans la plage": "dans la plage attendue",
                    "en dessous": "en dessous de la plage attendue"}


def indicator_rows(results: dict, *, sites: dict[str, str], settings: ReviewSettings) -> pd.DataFrame:
    """Every indicator recorded by section 01, one row per site × indicator (values as recorded).

    Parameters
    ----------
    results : dict
        The content of ``results.json``: ``{"sites": {site: {"01_indicateurs": {"indicateurs": {key:
        record}}}}}``, records as :func:`~qualepref_analysis.sections.records.indicator_records` wrote them.
    sites : dict of str to str
        Site code → label.
    settings : ReviewSettings
        The review's settings: the indicators' labels name its deadlines (« en 5 jours ouvrés »).

    Returns
    -------
    DataFrame
        Columns ``site``, ``site_libelle``, ``cle`` (the record's key), ``code`` (catalogue code),
        ``libelle`` and ``sujet`` (the indicator's label, and as the subject of a sentence),
        ``detail`` (the key's suffix, e.g. the PAN; empty otherwise) and every key of the records
        (``valeur``, ``unite``, ``cible``, ``evaluation``, ``numerateur``, ``denominateur``,
        ``valeur_annee_precedente``…). Keys outside the catalogue are skipped. No column when nothing
        is recorded.

    Examples
    --------
    >>> results = {"sites": {"75": {"01_indicateurs": {"indicateurs": {
    ...     "appels_taux_decroches": {"valeur": 82.0, "unite": "pourcent", "cible": 80.0}}}}}}
    >>> from qualepref_analysis.io.locations import default_params_dir
    >>> from qualepref_analysis.io.params import load_params
    >>> settings = load_params(default_params_dir()).settings
    >>> indicator_rows(results, sites={"75": "Paris"}, settings=settings)[["site_libelle", "code", "valeur"]]
      site_libelle                   code  valeur
    0        Paris  appels_taux_decroches    82.0
    """
    rows = []
    for site, sections in (results.get("sites") or {}).items():
        for key, record in ((sections.get("01_indicateurs") or {}).get("indicateurs") or {}).items():
            code = next((c for c in BY_CODE if key == c or key.startswith(c + "_")), None)
            if code is None:
                continue
            rows.append({"site": site, "site_libelle": sites.get(site, site), "cle": key, "code": code,
                         "libelle": BY_CODE[code].label(settings), "sujet": BY_CODE[code].subject(settings),
                         "detail": key[len(code) + 1:] if key != code else "", **record})
    return pd.DataFrame(rows)


def _cell(row: pd.Series) -> str:
    if row["valeur"] is None or pd.isna(row["valeur"]):
        if row["unite"] == "pourcent" and row.get("denominateur") not in (None,) and not pd.isna(row.get("denominateur")):
            return f"{row['numerateur']:.0f} sur {row['denominateur']:.0f}"
        return "–"
    text = format_value(row["valeur"], row["unite"])
    symbol = {"atteint": " ✔", "non_atteint": " ✘", "non_evaluable": " ⚠"}.get(row.get("evaluation"), "")
    return text + symbol


def synthesis_table(rows: pd.DataFrame, *, sites: dict[str, str]) -> pd.DataFrame:
    """One row per indicator, one column per site (value and ✔/✘/⚠), the target.

    Parameters
    ----------
    rows : DataFrame
        :func:`indicator_rows`; requires ``cle``, ``code``, ``libelle``, ``detail``, ``site``, ``valeur``, ``unite``,
        ``cible``, and uses ``evaluation``, ``numerateur``, ``denominateur`` when present.
    sites : dict of str to str
        Site code → label, in column order.

    Returns
    -------
    DataFrame
        Text cells, in the catalogue's order: ``Indicateur``, one column per site label (value with ✔
        met, ✘ missed, ⚠ not assessable; « x sur n » for a rate withheld on a small cell; « – » when
        missing) and ``Cible`` (« ≥ 80 % » / « ≤ 10 »). Only ``Indicateur`` and ``Cible`` when ``rows``
        is empty.
    """
    if rows.empty:
        return pd.DataFrame(columns=["Indicateur", "Cible"])
    order = {ind.code: i for i, ind in enumerate(CATALOGUE)}
    out = []
    for key, group in sorted(rows.groupby("cle"), key=lambda kv: (order[kv[1]["code"].iloc[0]], kv[0])):
        first = group.iloc[0]
        name = first["libelle"] + (f" – {label('pan', first['detail'])}" if first["detail"] else "")
        line = {"Indicateur": name}
        for site, site_label in sites.items():
            mine = group[group["site"] == site]
            line[site_label] = _cell(mine.iloc[0]) if len(mine) else "–"
        target = first.get("cible")
        line["Cible"] = "–" if target is None or pd.isna(target) else (
            ("≤ " if BY_CODE[first["code"]].direction == "baisse" else "≥ ") + format_target(target, first["unite"]))
        out.append(line)
    return pd.DataFrame(out)


def synthesis_paragraphs(rows: pd.DataFrame, *, year: int, disclosure: Disclosure) -> list[tuple[str, str]]:
    """Per theme, a French paragraph: which sites meet each target, with values and changes.

    A change of a count is given as a percentage only when last year's count reached
    the threshold of the disclosure policy; otherwise last year's count is given.

    Parameters
    ----------
    rows : DataFrame
        :func:`indicator_rows`; requires ``code``, ``sujet``, ``site_libelle``, ``detail``, ``valeur``, ``unite``,
        ``numerateur``, ``denominateur``, ``valeur_annee_precedente``, ``cible``, ``evaluation``.
    year : int
        Year under review.
    disclosure : Disclosure
        Decides whether a change of a count is a percentage (figure ``change`` on last year's count).

    Returns
    -------
    list of (str, str)
        ``(title, paragraph)`` per theme of :data:`~qualepref_analysis.sections.narratives.GROUP_TITLES`
        that has a value, in that order.

    Notes
    -----
    Values withheld on a small cell (recorded as ``null``) are written as counts, « effectif trop
    faible », never as rates. A target is said met « partout où elle est évaluable »: sites whose
    value could not be assessed are not counted either way.
    """
    paragraphs = []
    for group, title in GROUP_TITLES.items():
        sentences = []
        for indicator in [i for i in CATALOGUE if i.group == group]:
            mine = rows[rows["code"] == indicator.code] if not rows.empty else rows
            if mine.empty:
                continue
            subject = _capitalise(mine["sujet"].iloc[0])
            parts = []
            for row in mine.itertuples(index=False):
                where = site_complement(row.site_libelle)
                if row.valeur is None or pd.isna(row.valeur):
                    if row.unite == "pourcent" and row.denominateur is not None and not pd.isna(row.denominateur):
                        parts.append(f"{row.numerateur:.0f} sur {row.denominateur:.0f} {where} (effectif trop faible)")
                    continue
                text = f"{format_value(row.valeur, row.unite)} {where}"
                if row.detail:
                    owner = site_subject(row.site_libelle)
                    owner = "du " + owner[3:] if owner.startswith("le ") else "de " + owner
                    text = f"{format_value(row.valeur, row.unite)} au PAN {label('pan', row.detail)} {owner}"
                before = row.valeur_annee_precedente
                if row.unite in ("nombre", "visites_mois") and before is not None and not pd.isna(before) \
                        and not disclosure.shows("change", before):
                    text += f" ({format_value(before, row.unite)} en {year - 1})"
                elif before is not None and not pd.isna(before):
                    change = judged_change(row.valeur - before, 100 * (row.valeur - before) / before if before else None,
                                           row.unite, significance_of(getattr(row, "evolution", None)), when="sur un an")
                    if change:
                        text += f" ({change})"
                parts.append(text)
            if not parts:
                continue
            sentence = f"{subject} s'établit à {join_french(parts)}."
            target = mine["cible"].dropna()
            if len(target):
                met = mine[mine["evaluation"] == "atteint"]["site_libelle"].tolist()
                missed = mine[mine["evaluation"] == "non_atteint"]["site_libelle"].tolist()
                goal = format_target(float(target.iloc[0]), mine["unite"].iloc[0])
                if met and not missed:
                    sentence += f" La cible ({goal}) est atteinte partout où elle est évaluable."
                elif missed:
                    sentence += (f" La cible ({goal}) n'est pas atteinte "
                                 f"{join_french([site_complement(s) for s in missed])}.")
                    sentence += _funnel_sentence(mine[mine["evaluation"] == "non_atteint"])
            sentences.append(sentence)
        if sentences:
            paragraphs.append((title, " ".join(sentences)))
    return paragraphs


def _funnel_sentence(missed: pd.DataFrame) -> str:
    """Which shortfalls are beyond chance on their number of items (below the funnel's 95 % limit)."""
    if "entonnoir" not in missed.columns:
        return ""
    positions = [(row.site_libelle, row.entonnoir.get("position")) for row in missed.itertuples(index=False)
                 if isinstance(row.entonnoir, dict)]
    beyond = [site_complement(site) for site, position in positions if position == "en dessous"]
    chance = [site_complement(site) for site, position in positions if position != "en dessous"]
    parts = []
    if beyond:
        parts.append(f"l'écart dépasse ce que le hasard explique {join_french(beyond)}")
    if chance:
        subject = "il" if beyond else "l'écart"
        parts.append(f"{subject} reste compatible avec la cible, compte tenu du nombre d'éléments, "
                     f"{join_french(chance)}")
    return (" " + _capitalise(" ; ".join(parts)) + ".") if parts else ""


def funnel_points(rows: pd.DataFrame) -> list[tuple[str, float, pd.DataFrame, int]]:
    """The funnel plots of the synthesis: per rate indicator with a target, the sites with their limits.

    Parameters
    ----------
    rows : DataFrame
        :func:`indicator_rows`; uses ``cle``, ``code``, ``libelle``, ``detail``, ``site_libelle``, ``valeur``,
        ``denominateur``, ``cible`` and ``entonnoir`` (as
        :func:`~qualepref_analysis.sections.records.funnel_record` recorded it).

    Returns
    -------
    list of (str, float, DataFrame, int)
        For each indicator that has at least two sites with a funnel, in the catalogue's order: its
        label, its target (%), one row per plotted site (``Site``, ``Effectif``, ``Valeur (%)``,
        ``Limite basse 95 %``, ``Limite haute 95 %``, ``Limite basse 99,8 %``, ``Limite haute 99,8 %``,
        ``Position``) and the number of sites left out (their denominator below the disclosure
        threshold, hence no ``entonnoir``).
    """
    if rows.empty or "entonnoir" not in rows.columns:
        return []
    order = {ind.code: i for i, ind in enumerate(CATALOGUE)}
    out = []
    for key, group in sorted(rows.groupby("cle"), key=lambda kv: (order[kv[1]["code"].iloc[0]], kv[0])):
        first = group.iloc[0]
        if first["unite"] != "pourcent" or first.get("cible") is None or pd.isna(first.get("cible")):
            continue
        plotted = group[group["entonnoir"].map(lambda e: isinstance(e, dict))]
        if len(plotted) < 2:  # a funnel compares sites; one site's position is said in its section
            continue
        funnels = list(plotted["entonnoir"])
        points = pd.DataFrame({
            "Site": plotted["site_libelle"].to_numpy(),
            "Effectif": plotted["denominateur"].astype(float).to_numpy(),
            "Valeur (%)": plotted["valeur"].astype(float).to_numpy(),
            "Limite basse 95 %": [f["limite_95_bas"] for f in funnels],
            "Limite haute 95 %": [f["limite_95_haut"] for f in funnels],
            "Limite basse 99,8 %": [f["limite_998_bas"] for f in funnels],
            "Limite haute 99,8 %": [f["limite_998_haut"] for f in funnels],
            "Position": [FUNNEL_POSITIONS.get(f["position"], f["position"]) for f in funnels],
        })
        name = first["libelle"] + (f" – {label('pan', first['detail'])}" if first["detail"] else "")
        out.append((name, float(first["cible"]), points, int(len(group) - len(plotted))))
    return out
