"""Complaint categorisation: an editable lexicon, a supervised model, and an honest evaluation.

- :mod:`.memo` keeps what was computed once per distinct sentence, word or formula;
- :mod:`.text` normalises real user French (case, accents, SMS spellings, courtesy formulas);
- :mod:`.demand` finds the writer's demand; :mod:`.token_tfidf` weighs the stems (TF-IDF);
- :mod:`.lexicon` scores texts against ``params/categories.yaml`` and explains each score;
- :mod:`.categoriser` combines the lexicon with a model trained on the labelled rows;
- :mod:`.evaluation` cross-validates it on the labelled rows;
- :mod:`.subjects` gives each complaint its subject (manual label, else prediction).
"""

from qualepref_analysis.analysis.complaints.categoriser import CategoriserResult, ComplaintCategoriser, categorise
from qualepref_analysis.analysis.complaints.evaluation import EvaluationReport, cross_validate
from qualepref_analysis.analysis.complaints.lexicon import Lexicon, load_lexicon
from qualepref_analysis.analysis.complaints.subjects import assign_subjects, lexicon_path, train_categoriser
from qualepref_analysis.analysis.complaints.text import normalise_text, sentences, stem_tokens

__all__ = [
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
    "train_categoriser",
    "lexicon_path",
]
