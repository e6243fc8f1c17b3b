"""French agreement and typography for every sentence the review writes.

Counts agree with their noun and its adjectives (« 1 section produite », « 18 sections
produites », « 2 lignes vides ignorées »): the noun's gender comes from :data:`NOUNS`. Text
gets the French spacing (no-break space before ``%``, ``:`` and inside « », narrow one
before ``;``, ``!`` and ``?``), the minus sign U+2212 for negative numbers and « 1er » for the
first day of a month; periods are written in words (« 4e trimestre 2022 »).
"""

from __future__ import annotations

import re

__all__ = ["NOUNS", "count_of", "agree", "french_spacing", "period_label", "NBSP", "NNBSP", "MINUS"]

NBSP, NNBSP, MINUS = "\u00a0", "\u202f", "\u2212"

#: Noun → (gender ``"f"`` or ``"m"``, plural form). Nouns not listed are masculine, plural in -s.
NOUNS: dict[str, tuple[str, str]] = {
    "section": ("f", "sections"), "ligne": ("f", "lignes"), "erreur": ("f", "erreurs"),
    "réclamation": ("f", "réclamations"), "suggestion": ("f", "suggestions"), "réponse": ("f", "réponses"),
    "action": ("f", "actions"), "demande": ("f", "demandes"), "visite": ("f", "visites"),
    "conversation": ("f", "conversations"), "expérience": ("f", "expériences"), "colonne": ("f", "colonnes"),
    "catégorie": ("f", "catégories"), "campagne": ("f", "campagnes"), "mise à jour": ("f", "mises à jour"),
    "non-conformité": ("f", "non-conformités"), "piste de progrès": ("f", "pistes de progrès"),
    "marge": ("f", "marges"), "modalité": ("f", "modalités"), "valeur": ("f", "valeurs"),
    "élément": ("m", "éléments"), "répondant": ("m", "répondants"), "texte": ("m", "textes"),
    "appel": ("m", "appels"), "courriel": ("m", "courriels"), "courrier": ("m", "courriers"),
    "site": ("m", "sites"), "fichier": ("m", "fichiers"), "point fort": ("m", "points forts"),
    "engagement": ("m", "engagements"), "jour ouvré": ("m", "jours ouvrés"), "jour": ("m", "jours"),
    "point": ("m", "points"), "audit": ("m", "audits"), "canal": ("m", "canaux"), "paramètre": ("m", "paramètres"),
    "pli": ("m", "plis"), "autre erreur": ("f", "autres erreurs"),
}


def agree(adjective: str, *, feminine: bool, plural: bool) -> str:
    """An adjective or past participle agreed in gender and number.

    Examples
    --------
    >>> agree("produit", feminine=True, plural=True), agree("écarté", feminine=False, plural=False)
    ('produites', 'écarté')
    >>> agree("vide", feminine=True, plural=True), agree("principal", feminine=False, plural=True)
    ('vides', 'principaux')
    """
    word = adjective
    if feminine and not word.endswith("e"):
        word += "e"
    if plural:
        if not feminine and word.endswith("al"):
            return word[:-2] + "aux"
        if not word.endswith(("s", "x")):
            word += "s"
    return word


def count_of(count: int, noun: str, *adjectives: str) -> str:
    """A count with its noun and adjectives agreed (0 and 1 are singular in French).

    Parameters
    ----------
    count : int
        The number (written the French way).
    noun : str
        Singular noun, a key of :data:`NOUNS` (other nouns: masculine, plural in -s).
    *adjectives : str
        Masculine singular adjectives or participles that follow the noun.

    Examples
    --------
    >>> count_of(18, "section", "produit")
    '18 sections produites'
    >>> count_of(1, "ligne", "vide", "ignoré")
    '1 ligne vide ignorée'
    >>> count_of(1375, "texte", "classé")
    '1\u202f375 textes classés'
    """
    from qualepref_analysis.report.formatting import format_number

    gender, plural_form = NOUNS.get(noun, ("m", noun + "s"))
    many = abs(count) >= 2
    words = [plural_form if many else noun, *(agree(a, feminine=gender == "f", plural=many) for a in adjectives)]
    return f"{format_number(count)} {' '.join(words)}"


_SPACE_BEFORE = re.compile(r"[ \u00a0\u202f]+([%:;!?»])")
_SPACE_AFTER_QUOTE = re.compile(r"«[ \u00a0\u202f]*")
_NEGATIVE = re.compile(r"(^|[\s(\[/=<>≤≥])-(?=\d)")
_FIRST_OF_MONTH = re.compile(r"\b1 (janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|"
                             r"décembre)\b")


def french_spacing(text: str) -> str:
    """``text`` with French typography: spaces before punctuation, minus signs, « 1er ».

    Only spaces already there become no-break spaces (« 95 % », « Note : »): a URL or a time
    such as ``10:30`` is left alone. A hyphen becomes the minus sign only before a digit and
    after a space or an opening bracket (``-20,1`` → ``−20,1``; ``2021-2022`` is kept).

    Examples
    --------
    >>> french_spacing("IC 95 % : -20,1 ; « oui »") == "IC 95\u00a0%\u00a0: \u221220,1\u202f; «\u00a0oui\u00a0»"
    True
    >>> french_spacing("le 1 décembre 2022, 2021-2022")
    'le 1er décembre 2022, 2021-2022'
    """
    def before(match: re.Match) -> str:
        mark = match[1]
        return (NNBSP if mark in ";!?" else NBSP) + mark

    text = _SPACE_BEFORE.sub(before, text)
    text = _SPACE_AFTER_QUOTE.sub("«" + NBSP, text)
    text = _NEGATIVE.sub(lambda m: m[1] + MINUS, text)
    return _FIRST_OF_MONTH.sub(r"1er \1", text)


_PERIOD = re.compile(r"^\s*(\d{4})\s*[-–/ ]?\s*([TtQqSs])\s*([1-4])\s*$")


def period_label(period: object) -> str:
    """A reporting period in words: ``2022-T4`` → « 4e trimestre 2022 », ``2022-S1`` → « 1er semestre 2022 ».

    Anything else is returned as written.

    Examples
    --------
    >>> period_label("2022-T4"), period_label("2023-T1"), period_label("2022-S2"), period_label("2022")
    ('4e trimestre 2022', '1er trimestre 2023', '2e semestre 2022', '2022')
    """
    text = str(period)
    match = _PERIOD.match(text)
    if not match:
        return text
    year, kind, number = match[1], match[2].upper(), int(match[3])
    what = "semestre" if kind == "S" else "trimestre"
    if kind == "S" and number > 2:
        return text
    return f"{number}{'er' if number == 1 else 'e'} {what} {year}"
