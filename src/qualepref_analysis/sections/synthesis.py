"""The cross-site synthesis (section 00), built from the figures every site section recorded."""

from __future__ import annotations

import html

import pandas as pd

from qualepref_analysis.analysis.indicators import CATALOGUE
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.values import format_change, format_target, format_value
from qualepref_analysis.sections.narratives import GROUP_TITLES
from qualepref_analysis.report.formatting import join_french, site_complement, site_subject

__all__ = ["indicator_rows", "synthesis_table", "synthesis_paragraphs"]

_BY_CODE = {ind.code: ind for ind in CATALOGUE}

def indicator_rows(results: dict, *, sites: dict[str, str]) -> pd.DataFrame:
    """Every indicator recorded by section 01, one row per site × indicator (values as recorded).

    Parameters
    ----------
    results : dict
        The content of ``results.json``: ``{"sites": {site: {"01_indicateurs": {"indicateurs": {key:
        record}}}}}``, records as :func:`~qualepref_analysis.sections.records.indicator_records` wrote them.
    sites : dict of str to str
        Site code → label.

    Returns
    -------
    DataFrame
        Columns ``site``, ``site_libelle``, ``cle`` (the record's key), ``code`` (catalogue code),
        ``detail`` (the key's suffix, e.g. the PAN; empty otherwise) and every key of the records
        (``valeur``, ``unite``, ``cible``, ``evaluation``, ``numerateur``, ``denominateur``,
        ``valeur_annee_precedente``…). Keys outside the catalogue are skipped. No column when nothing
        is recorded.

    Examples
    --------
    >>> results = {"sites": {"75": {"01_indicateurs": {"indicateurs": {
    ...     "appels_taux_decroches": {"valeur": 82.0, "unite": "pourcent", "cible": 80.0}}}}}}
    >>> indicator_rows(results, sites={"75": "Paris"})[["site_libelle", "code", "valeur"]]
      site_libelle                   code  valeur
    0        Paris  appels_taux_decroches    82.0
    """
    rows = []
    for site, sections in (results.get("sites") or {}).items():
        for key, record in ((sections.get("01_indicateurs") or {}).get("indicateurs") or {}).items():
            code = next((c for c in _BY_CODE if key == c or key.startswith(c + "_")), None)
            if code is None:
                continue
            rows.append({"site": site, "site_libelle": sites.get(site, site), "cle": key, "code": code,
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
        :func:`indicator_rows`; requires ``cle``, ``code``, ``detail``, ``site``, ``valeur``, ``unite``,
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
        name = _BY_CODE[first["code"]].label + (f" – {label('pan', first['detail'])}" if first["detail"] else "")
        line = {"Indicateur": name}
        for site, site_label in sites.items():
            mine = group[group["site"] == site]
            line[site_label] = _cell(mine.iloc[0]) if len(mine) else "–"
        target = first.get("cible")
        line["Cible"] = "–" if target is None or pd.isna(target) else (
            ("≤ " if _BY_CODE[first["code"]].direction == "baisse" else "≥ ") + format_target(target, first["unite"]))
        out.append(line)
    return pd.DataFrame(out)


def synthesis_paragraphs(rows: pd.DataFrame, *, year: int, disclosure: Disclosure) -> list[tuple[str, str]]:
    """Per theme, a French paragraph: which sites meet each target, with values and changes.

    A change of a count is given as a percentage only when last year's count reached
    the threshold of the disclosure policy; otherwise last year's count is given.

    Parameters
    ----------
    rows : DataFrame
        :func:`indicator_rows`; requires ``code``, ``site_libelle``, ``detail``, ``valeur``, ``unite``,
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
            subject = indicator.subject[:1].upper() + indicator.subject[1:]
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
                    change = format_change(row.valeur - before, 100 * (row.valeur - before) / before if before else None,
                                           row.unite)
                    if change:
                        text += f" ({change} sur un an)"
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
            sentences.append(sentence)
        if sentences:
            paragraphs.append((title, " ".join(sentences)))
    return paragraphs
