"""Audits and self-assessments: one summary per audit, no comment text."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.report.labels import label
from qualepref_analysis.report.formatting import format_date, format_number, format_percent, plural
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["AUDIT_TYPES", "audit_summaries", "audits_table", "audits_narrative", "audit_figures"]

AUDIT_TYPES = {"autoevaluation": "Autoévaluation", "labellisation": "Audit de labellisation",
               "renouvellement": "Audit de renouvellement", "suivi": "Audit de suivi"}


def audit_summaries(audits: pd.DataFrame, *, site: str, since: pd.Timestamp) -> pd.DataFrame:
    """One row per audit of the site dated on or after ``since``: modules, commitments assessed,
    conformant share, strengths, areas for progress, non-conformities (engagement numbers only).

    Parameters
    ----------
    audits : DataFrame
        Audit results, one row per commitment assessed; requires ``site``, ``date_audit``, ``type`` (a
        key of :data:`AUDIT_TYPES`), ``module``, ``engagement`` and ``resultat`` (``conforme``,
        ``non_conforme``, ``point_fort``, ``piste_progres``). Comments are not read.
    site : str
        Site code.
    since : Timestamp
        First audit date kept.

    Returns
    -------
    DataFrame
        One row per (date, type), by date: ``date``, ``type``, ``modules`` (text, « 1, 2 »),
        ``engagements_evalues`` (conformant or not), ``part_conforme`` (%, ``None`` when none was
        assessed), ``points_forts``, ``pistes_progres``, ``non_conformites`` and
        ``engagements_non_conformes`` (« module.engagement », comma-separated). An empty frame without
        columns when there is no audit.

    Notes
    -----
    ``part_conforme`` is computed on any number of commitments; :func:`audits_table` and
    :func:`audits_narrative` ask the ``Disclosure`` policy before showing it as a percentage.
    """
    mine = audits[(audits["site"] == site) & (audits["date_audit"] >= since)]
    rows = []
    for (date, kind), group in mine.groupby(["date_audit", "type"], sort=True):
        assessed = group[group["resultat"].isin(["conforme", "non_conforme"])]
        non = group[group["resultat"] == "non_conforme"]
        rows.append({
            "date": date, "type": kind,
            "modules": ", ".join(sorted(group["module"].astype(str).unique(), key=lambda m: (len(m), m))),
            "engagements_evalues": int(len(assessed)),
            "part_conforme": (100 * (assessed["resultat"] == "conforme").mean()) if len(assessed) else None,
            "points_forts": int((group["resultat"] == "point_fort").sum()),
            "pistes_progres": int((group["resultat"] == "piste_progres").sum()),
            "non_conformites": int(len(non)),
            "engagements_non_conformes": ", ".join(f"{m}.{e}" for m, e in zip(non["module"], non["engagement"])),
        })
    return pd.DataFrame(rows)


def _conformant(row, disclosure: Disclosure) -> object:
    """The conformant share in %, or its counts when too few commitments were assessed for a share."""
    if row.part_conforme is None or pd.isna(row.part_conforme):
        return None
    if disclosure.shows("share", row.engagements_evalues):
        return row.part_conforme
    return f"{format_number(round(row.part_conforme * row.engagements_evalues / 100))} sur {format_number(row.engagements_evalues)}"


def audits_table(summaries: pd.DataFrame, *, disclosure: Disclosure) -> pd.DataFrame:
    """The summaries with French headers (a share on too few commitments given as counts).

    Parameters
    ----------
    summaries : DataFrame
        :func:`audit_summaries`.
    disclosure : Disclosure
        A conformant share on fewer commitments than the threshold is given as « x sur n ».

    Returns
    -------
    DataFrame
        Columns ``Date`` (« 10 mai 2023 »), ``Type``, ``Modules``, ``Engagements évalués``, ``Conformes (%)``
        (number, « x sur n » text, or ``None``), ``Points forts``, ``Pistes de progrès``,
        ``Non-conformités`` (« 1 (2.3) »).
    """
    if summaries.empty:
        return pd.DataFrame(columns=["Date", "Type", "Modules", "Engagements évalués", "Conformes (%)",
                                     "Points forts", "Pistes de progrès", "Non-conformités"])
    return pd.DataFrame({
        "Date": [format_date(d) for d in summaries["date"]],
        "Type": [AUDIT_TYPES.get(t, label("type", t)) for t in summaries["type"]],
        "Modules": summaries["modules"],
        "Engagements évalués": summaries["engagements_evalues"],
        "Conformes (%)": [_conformant(row, disclosure) for row in summaries.itertuples(index=False)],
        "Points forts": summaries["points_forts"],
        "Pistes de progrès": summaries["pistes_progres"],
        "Non-conformités": [f"{n} ({e})" if n else "0" for n, e in zip(summaries["non_conformites"],
                                                                        summaries["engagements_non_conformes"])],
    })


def audits_narrative(summaries: pd.DataFrame, *, year: int, disclosure: Disclosure) -> str:
    """One French sentence per audit: modules, commitments assessed, conformity, strengths, progress areas.

    Parameters
    ----------
    summaries : DataFrame
        :func:`audit_summaries`.
    year : int
        Year under review (for the sentence when there is no audit).
    disclosure : Disclosure
        As for :func:`audits_table`.

    Returns
    -------
    str
        The sentences, in date order; « Aucun audit … » when ``summaries`` is empty.
    """
    if summaries.empty:
        return f"Aucun audit ni autoévaluation n'est enregistré pour ce site depuis le début de {year}."
    sentences = []
    for row in summaries.itertuples(index=False):
        kind = AUDIT_TYPES.get(row.type, row.type)
        text = (f"{kind} du {format_date(row.date)} (module{'s' if ',' in row.modules else ''} {row.modules}) : "
                f"{format_number(row.engagements_evalues)} engagements évalués")
        shown = _conformant(row, disclosure)
        if isinstance(shown, str):
            text += f", {shown} conformes"
        elif shown is not None:
            text += f", {format_percent(shown, 0)} conformes"
        text += (f" ; {plural(row.points_forts, 'point fort', 'points forts')}, "
                 f"{plural(row.pistes_progres, 'piste de progrès', 'pistes de progrès')} et "
                 f"{plural(row.non_conformites, 'non-conformité')}.")
        sentences.append(text)
    return " ".join(sentences)


def audit_figures(summaries: pd.DataFrame, *, disclosure: Disclosure) -> list[dict]:
    """What section 06 records in ``results.json``: one record per audit.

    Parameters
    ----------
    summaries : DataFrame
        :func:`audit_summaries`.
    disclosure : Disclosure
        Decides whether ``part_conforme`` is published.

    Returns
    -------
    list of dict
        One dict per row with the columns of :func:`audit_summaries` as keys, ``date`` as ISO text
        (« 2023-05-10 »).

    Notes
    -----
    ``part_conforme`` is ``None`` where the disclosure policy gives a share on that many commitments as
    counts only (the counts, ``engagements_evalues`` and ``non_conformites``, stay).
    """
    records = []
    for row in summaries.to_dict(orient="records"):
        shown = disclosure.shows("share", row["engagements_evalues"])
        records.append({**row, "date": str(pd.Timestamp(row["date"]).date()),
                        "part_conforme": row["part_conforme"] if shown else None})
    return records
