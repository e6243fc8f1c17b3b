"""The writer's demand: the part of a complaint that says what they ask to have solved.

The labelling guide gives a complaint the subject of its *demand*, not of its background
story (« one label per text: the problem the writer asks to have solved »). A letter that
tells of unanswered calls and ends with « je veux une décision sur mon dossier » is about the
decision. The classifier therefore sees the demand apart from the whole text: the sentences
that carry a request marker (« je demande », « merci de », « pouvez-vous », « je souhaite »…)
and, when none does, the last sentence (where a letter's demand usually sits).
"""

from __future__ import annotations

import re
from functools import lru_cache

from qualepref_analysis.analysis.complaints.memo import Memo
from qualepref_analysis.analysis.complaints.text import TEXT_MEMO_SIZE, sentences

__all__ = ["DEMAND_MARKERS", "demand_sentences", "demand_part"]

#: Request markers, on normalised text (lower case, no accents, apostrophes as spaces).
DEMAND_MARKERS = (
    r"je (?:vous )?(?:demande|sollicite|souhaite|voudrais|veux|desire|exige|reclame)",
    r"nous (?:vous )?(?:demandons|sollicitons|souhaitons|voudrions|voulons|exigeons)",
    r"(?:je|nous) vous (?:prie|prions|serais|serions) (?:de|reconnaissante?s?)",
    r"merci de (?:bien vouloir|me|m|nous|faire|prendre|traiter|regulariser|corriger|debloquer|fixer|donner|proposer|"
    r"indiquer|envoyer|renouveler|rappeler|repondre|reexaminer|annuler|retirer)",
    r"(?:pouvez|pourriez|pourrez|voulez|pourrait) ?(?:vous|on)", r"est ce (?:qu on|que vous|qu il) (?:peut|pourrait|pourriez)",
    r"veuillez", r"bien vouloir", r"je vous saurais gre", r"je vous remercie de (?:bien vouloir|me|m|nous)", r"s il vous plait",
    r"il faut (?:que|me|m)", r"j ai besoin", r"(?:j|nous) attends? (?:une|votre|que)", r"aidez ?moi", r"que faire",
    r"comment (?:faire|puis je|je peux|obtenir)", r"quand (?:vais je|pourrai je|est ce que|aurai je)",
    r"(?:a fin|afin) d (?:obtenir|avoir)", r"je conteste", r"je forme un recours", r"recours gracieux",
    r"mise en demeure", r"vous (?:demande|prie) de",
)
_MARKER = re.compile(r"\b(?:" + "|".join(DEMAND_MARKERS) + r")\b")


_MARKED = Memo(lambda sentence: _MARKER.search(sentence) is not None, TEXT_MEMO_SIZE)  # each sentence searched once


def demand_sentences(normalised: str) -> list[str]:
    """The sentences of a normalised text that carry a request marker, else its last sentence.

    Parameters
    ----------
    normalised : str
        Output of :func:`~qualepref_analysis.analysis.complaints.text.normalise_text`.

    Returns
    -------
    list of str
        The request sentences in order; the last sentence when none has a marker; ``[]`` for an
        empty text.

    Examples
    --------
    >>> from qualepref_analysis.analysis.complaints.text import normalise_text
    >>> text = normalise_text("Personne ne répond au téléphone. Je vous demande une décision sur mon dossier.")
    >>> demand_sentences(text)
    ['je vous demande une decision sur mon dossier .']
    >>> demand_sentences(normalise_text("Aucun créneau. Le site plante."))
    ['le site plante .']
    """
    return _demand_of(sentences(normalised))


def _demand_of(parts: list[str]) -> list[str]:
    if not parts:
        return []
    marked = [s for s in parts if _MARKED[s]]
    return marked or parts[-1:]


@lru_cache(maxsize=TEXT_MEMO_SIZE)
def demand_part(normalised: str) -> str:
    """The demand sentences joined as one normalised text (``""`` when the text is a single sentence).

    A one-sentence text is its own demand: the whole text already says it, so no separate part is
    given (the model would otherwise count the same words twice for short messages only).

    Examples
    --------
    >>> from qualepref_analysis.analysis.complaints.text import normalise_text
    >>> demand_part(normalise_text("Pas de rendez-vous"))
    ''
    """
    parts = sentences(normalised)
    if len(parts) < 2:
        return ""
    return " . ".join(s.rstrip(" .") for s in _demand_of(parts)) + " ."
