"""Verbatim extracts of complaints — off unless the committee's parameters turn them on.

A quote puts a user's own words in a document that leaves the building, so it is opt-in
(``citations.activees`` in ``default.yaml``), only for subjects with enough complaints not to
point at anyone (the small-cell threshold), scrubbed of personal data by
:func:`~qualepref_analysis.io.privacy.scrub_values` (e-mails, phones, identifiers, addresses,
names) BEFORE it is cut, so that a cut can never leave half a phone number visible.
"""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.report.labels import label
from qualepref_analysis.io.privacy import scrub_values
from qualepref_analysis.io.schemas import TAXONOMY
from qualepref_analysis.io.settings import QuoteSettings
from qualepref_analysis.report.disclosure import Disclosure

__all__ = ["complaint_quotes", "cut_quote"]

def cut_quote(text: str, length: int) -> str:
    """``text`` on one line, cut at a word boundary to at most ``length`` characters (with « … »).

    Parameters
    ----------
    text : str
        The extract, already scrubbed of personal data (cut after scrubbing, never before).
    length : int
        Longest result, in characters, the ellipsis included.

    Returns
    -------
    str
        ``text`` with its whitespace collapsed to single spaces; when longer than ``length``, cut at the
        last space of its second half (else mid-word), trailing punctuation dropped, and « … » added.

    Examples
    --------
    >>> cut_quote("Toujours pas de   rendez-vous,\\n après trois mois d'attente", 40)
    'Toujours pas de rendez-vous, après…'
    >>> cut_quote("Court", 40)
    'Court'
    """
    text = " ".join(str(text).split())
    if len(text) <= length:
        return text
    cut = text[: length - 1]
    if " " in cut[length // 2:]:
        cut = cut[: cut.rfind(" ")]
    return cut.rstrip(" ,;:.") + "…"


def complaint_quotes(items: pd.DataFrame, subjects: pd.DataFrame, settings: QuoteSettings, *,
                     disclosure: Disclosure) -> pd.DataFrame | None:
    """A few scrubbed, cut extracts per subject, or ``None`` when quotes are off.

    Parameters
    ----------
    items : DataFrame
        The complaints (``texte``; ``date_reception`` when present orders them), same index as
        ``subjects``.
    subjects : DataFrame
        :func:`~qualepref_analysis.analysis.complaints.assign_subjects` of ``items``.
    settings : QuoteSettings
        The ``citations`` settings (``Params.settings.citations``): on or off, how many, how long.
    disclosure : Disclosure
        No quote for a subject with fewer complaints than the small-cell threshold.

    Returns
    -------
    DataFrame or None
        ``Sujet`` (French label), ``Extrait``: at most ``settings.par_sujet`` extracts per subject, in the
        taxonomy's order, the most recent complaints first, each at most ``settings.longueur_max``
        characters. ``None`` when quotes are off or ``items`` has no ``texte`` column.

    Notes
    -----
    A subject on which the ``Disclosure`` policy would not show a share gets no quote (it could point
    at its author). Scrubbing is automatic and may miss some personal data; the extracts should be read
    by a person before the review is published.
    """
    if not settings.activees or "texte" not in items.columns:
        return None
    texts = items["texte"].where(items["texte"].map(lambda t: isinstance(t, str) and bool(t.strip())))
    frame = pd.DataFrame({"sujet": subjects["sujet"], "texte": texts}).dropna()
    if "date_reception" in items.columns:
        frame = frame.assign(date=items["date_reception"]).sort_values("date", ascending=False, kind="stable")
    counts = subjects["sujet"].value_counts()
    rows = []
    for subject in TAXONOMY:
        if not disclosure.shows("share", counts.get(subject, 0)):
            continue  # a quote on a small subject could point at its author
        chosen = frame.loc[frame["sujet"] == subject, "texte"].head(settings.par_sujet).tolist()
        rows += [(label("categorie", subject), cut_quote(text, settings.longueur_max))
                 for text in scrub_values(chosen)]
    return pd.DataFrame(rows, columns=["Sujet", "Extrait"])
