"""Complaint categorisation: an editable lexicon, a supervised model, and an honest evaluation.

- :mod:`.text` normalises real user French (case, accents, SMS spellings, courtesy formulas);
- :mod:`.lexicon` scores texts against ``params/categories.yaml`` and explains each score;
- :mod:`.categoriser` combines the lexicon with a model trained on the labelled rows;
- :mod:`.evaluation` cross-validates it on the labelled rows;
- :mod:`.quotes` gives scrubbed, cut extracts when the parameters turn quotes on.
"""

from .categoriser import CategoriserResult, ComplaintCategoriser, categorise
from .evaluation import EvaluationReport, cross_validate
from .lexicon import Lexicon, load_lexicon
from .quotes import complaint_quotes, cut_quote, quote_settings
from .subjects import (assign_subjects, categoriser_settings, evaluation_narrative, evaluation_tables, lexicon_path,
                       subject_figures, subject_table, subjects_narrative, train_categoriser)
from .text import normalise_text, sentences, stem_tokens

__all__ = [
    "complaint_quotes",
    "cut_quote",
    "quote_settings",
    "ComplaintCategoriser",
    "CategoriserResult",
    "categorise",
    "cross_validate",
    "EvaluationReport",
    "Lexicon",
    "load_lexicon",
    "normalise_text",
    "sentences",
    "stem_tokens",
    "assign_subjects",
    "categoriser_settings",
    "evaluation_tables",
    "subject_figures",
    "subject_table",
    "train_categoriser",
    "lexicon_path",
    "subjects_narrative",
    "evaluation_narrative",
]
