"""Complaint categorisation: normalisation, lexicon, model, evaluation, quality on unseen text."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from qualepref_analysis.analysis.complaints import (ComplaintCategoriser, cross_validate, load_lexicon, normalise_text)
from qualepref_analysis.analysis.complaints.lexicon import Lexicon, parse_term
from qualepref_analysis.errors import ParamsError
from qualepref_analysis.io.schemas import TAXONOMY

from conftest import DEMO_DIR, PARAMS_DIR, ROOT

DATA = ROOT / "tests" / "data"


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return load_lexicon(PARAMS_DIR / "categories.yaml")


@pytest.fixture(scope="module")
def demo_labelled() -> pd.DataFrame:
    register = pd.read_csv(DEMO_DIR / "correspondances.csv", dtype=str, keep_default_na=False)
    return register[(register["categorie"] != "") & register["type"].isin(["reclamation", "suggestion"])]


@pytest.fixture(scope="module")
def trained(lexicon, demo_labelled) -> ComplaintCategoriser:
    return ComplaintCategoriser(lexicon).fit(demo_labelled["texte"], demo_labelled["categorie"])


def test_normalisation_of_user_french():
    assert normalise_text("PAS DE RDV, tjrs complet !!! Merci d'avance. Cordialement") == \
        "pas de rendez vous toujours complet ."
    assert normalise_text("Ça fait huit mois") == "ca fait 8 mois ."
    assert normalise_text("mon dossier est bloqué et en plus personne ne répond") == \
        "mon dossier est bloque . en plus personne ne repond ."
    assert normalise_text(None) == "" and normalise_text("   ") == ""


def test_term_syntax():
    term = parse_term("prendre ~ rendez-vous", "prise_rdv", 3)
    assert term.elements == (("word", "prendre"), ("gap", ""), ("word", "rendez"), ("word", "vous"))
    assert parse_term("créneau*", "prise_rdv", 1).elements == (("prefix", "creneau"),)
    assert parse_term("# mois", "delai_instruction", 1).elements == (("number", "#"), ("word", "mois"))
    with pytest.raises(ParamsError):
        parse_term("~ rendez vous", "prise_rdv", 1)


def _top(lexicon, text):
    scores, terms = lexicon.score_one(text)
    return lexicon.categories[int(np.argmax(scores))] if scores.max() > 0 else None, terms


@pytest.mark.parametrize("text, expected", [
    ("Impossible de prendre un rendez-vous, aucun créneau", "prise_rdv"),
    ("J'avais rendez-vous à 9h et j'ai attendu trois heures au guichet", "accueil_physique"),  # hard negative
    ("Pas de réponse à mes mails depuis un mois", "joignabilite"),
    ("Pas de réponse sur ma demande de titre depuis 8 mois", "delai_instruction"),
    ("Mon dossier est bloqué depuis 10 mois, de plus personne ne répond au téléphone", "delai_instruction"),
    ("Je conteste le refus de séjour", "decision_contestee"),
    ("Mon titre comporte une erreur sur mon nom", "titre_delivre"),
    ("le site ANEF bug impossible de televerser mes pieces", "demarche_en_ligne"),
])
def test_lexicon_decisions(lexicon, text, expected):
    assert _top(lexicon, text)[0] == expected


def test_courtesy_formulas_are_not_a_subject(lexicon, trained):
    assert _top(lexicon, "Merci d'avance. Cordialement, bien à vous.")[0] is None
    result = trained.predict(["Merci d'avance. Cordialement, bien à vous."]).frame.iloc[0]
    assert bool(result["a_verifier"]) is True  # nothing matched: flagged, not a silent "autre"


def test_empty_text_gets_autre_zero_confidence_and_review(trained, lexicon):
    for model in (trained, ComplaintCategoriser(lexicon)):
        frame = model.predict(["", None, "   "]).frame
        assert frame["categorie_predite"].tolist() == ["autre"] * 3
        assert frame["confiance"].tolist() == [0, 0, 0] and frame["a_verifier"].all()


def test_every_text_gets_exactly_one_known_category(trained):
    texts = ["x", "rendez-vous", "12345", "é" * 500, "Bonjour", "attente attente attente"]
    frame = trained.predict(texts).frame
    assert frame["categorie_predite"].isin(TAXONOMY).all() and len(frame) == len(texts)
    assert frame["confiance"].between(0, 1).all()


def test_shuffling_changes_nothing(trained):
    dev = pd.read_csv(DATA / "complaints_dev.csv", sep=";").head(60)
    order = np.random.default_rng(3).permutation(len(dev))
    straight = trained.predict(dev["texte"].tolist()).frame
    shuffled = trained.predict(dev["texte"].iloc[order].tolist()).frame
    assert straight.iloc[order].reset_index(drop=True).equals(shuffled)


def test_the_same_labels_give_the_same_model_whatever_numpy_s_global_seed(lexicon, demo_labelled):
    # liblinear shuffles its coordinate descent: unseeded, it drew from numpy's global state and two
    # runs of the review on the same data could give borderline complaints different subjects
    dev = pd.read_csv(DATA / "complaints_dev.csv", sep=";").head(200)["texte"].tolist()
    probabilities = []
    for seed in (1, 2):
        np.random.seed(seed)
        model = ComplaintCategoriser(lexicon).fit(demo_labelled["texte"], demo_labelled["categorie"])
        probabilities.append(model.predict(dev).probabilities.to_numpy())
    assert np.array_equal(probabilities[0], probabilities[1])


def test_the_model_is_the_svm_s_optimum_whatever_the_solver(lexicon, demo_labelled):
    # The L2-regularised squared-hinge SVM has a single solution: the categoriser's solver may change (for
    # speed), the model may not. Reference: liblinear's other algorithm (dual coordinate descent) run to a
    # tolerance of 1e-10 on each of the calibration's training folds (scikit-learn's unshuffled 3-fold split).
    from sklearn.model_selection import StratifiedKFold
    from sklearn.svm import LinearSVC

    from qualepref_analysis.analysis.complaints.categoriser import _read

    model = ComplaintCategoriser(lexicon).fit(demo_labelled["texte"], demo_labelled["categorie"])
    features = model._space.vectorise(_read(lexicon, demo_labelled["texte"].tolist(), words=True))
    labels = demo_labelled["categorie"].to_numpy()
    folds = StratifiedKFold(n_splits=len(model.model_.calibrated_classifiers_)).split(features, labels)
    for calibrated, (train, _) in zip(model.model_.calibrated_classifiers_, folds):
        reference = LinearSVC(C=0.5, class_weight="balanced", dual=True, tol=1e-10, max_iter=10**6,
                              random_state=0).fit(features[train], labels[train])
        fitted = calibrated.estimator
        assert list(fitted.classes_) == list(reference.classes_)
        assert np.linalg.norm(fitted.coef_ - reference.coef_) <= 1e-5 * np.linalg.norm(reference.coef_)
        assert np.abs(fitted.intercept_ - reference.intercept_).max() <= 1e-4


def test_zero_few_and_many_labelled_rows(lexicon, demo_labelled):
    none = ComplaintCategoriser(lexicon).fit([], [])
    assert none.model_ is None and none.model_weight == 0
    few = ComplaintCategoriser(lexicon).fit(demo_labelled["texte"].head(4), demo_labelled["categorie"].head(4))
    assert few.model_ is None  # fewer than 3 examples per category: the lexicon decides alone
    many = ComplaintCategoriser(lexicon).fit(demo_labelled["texte"], demo_labelled["categorie"])
    assert many.model_ is not None and 0 < many.model_weight <= 0.8
    assert set(many.model_classes_) <= set(TAXONOMY)


def _scores(model, path):
    from qualepref_analysis.analysis.complaints.evaluation import evaluate_predictions

    data = pd.read_csv(path, sep=";")
    predicted = model.predict(data["texte"].tolist()).frame["categorie_predite"]
    accuracy, macro_f1, _, _ = evaluate_predictions(data["categorie"], predicted, list(TAXONOMY))
    return accuracy, macro_f1


@pytest.mark.parametrize("name", ["complaints_dev.csv", "complaints_holdout.csv"])
def test_quality_on_texts_never_trained_on(trained, name):
    # Trained on the lexicon and the demo's labelled rows only; these sets are written
    # differently (letters, angry e-mails, no accents, non-native French, English, hard negatives).
    accuracy, macro_f1 = _scores(trained, DATA / name)
    assert accuracy >= 0.90 and macro_f1 >= 0.85, (accuracy, macro_f1)


def test_development_set_is_large_and_varied():
    dev = pd.read_csv(DATA / "complaints_dev.csv", sep=";")
    assert len(dev) >= 300 and set(dev["categorie"]) == set(TAXONOMY)
    assert dev["texte"].is_unique


def test_cross_validation_report(lexicon, demo_labelled):
    report = cross_validate(demo_labelled["texte"], demo_labelled["categorie"], lexicon, folds=3)
    assert report.n == len(demo_labelled) and report.folds == 3
    assert int(report.confusion.to_numpy().sum()) == report.n
    assert 0 <= report.macro_f1 <= 1 and report.accuracy > 0.8
    assert set(report.per_class.columns) == {"precision", "rappel", "f1", "effectif"}


def test_lexicon_file_errors(tmp_path):
    bad = tmp_path / "categories.yaml"
    bad.write_text("categories:\n  plainte_generale:\n    termes: {x: 1}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="inconnue"):
        load_lexicon(bad)
    bad.write_text("categories:\n  autre:\n    termes: {x: -1}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="poids"):
        load_lexicon(bad)
    with pytest.raises(ParamsError, match="introuvable"):
        load_lexicon(tmp_path / "absent.yaml")


def test_the_shipped_corpus_is_large_varied_and_labelled_to_the_taxonomy():
    from qualepref_analysis.io.corpus import load_shipped_corpus

    corpus = load_shipped_corpus()
    assert len(corpus) >= 1000 and corpus["texte"].is_unique
    counts = corpus["categorie"].value_counts()
    assert set(counts.index) == set(TAXONOMY) and counts.min() >= 100
    assert corpus["texte"].str.len().between(20, 3000).all()


def test_the_demand_is_read_apart_from_the_story():
    from qualepref_analysis.analysis.complaints.demand import demand_part, demand_sentences
    from qualepref_analysis.analysis.complaints.text import normalise_text

    story = normalise_text("J'ai appelé dix fois, personne ne répond. Le standard sonne dans le vide. "
                           "Je vous demande simplement une décision sur mon dossier déposé en mars.")
    assert demand_sentences(story) == ["je vous demande simplement une decision sur mon dossier depose en mars ."]
    assert "decision" in demand_part(story) and "standard" not in demand_part(story)
    letter = normalise_text("Madame, Monsieur. Mon titre a été refusé. Merci de bien vouloir réexaminer ma demande.")
    assert demand_part(letter) == "de bien vouloir reexaminer ma demande ."  # « merci » is a courtesy word, removed
    assert demand_part(normalise_text("Aucun créneau")) == ""  # a one-sentence text is its own demand


def test_cross_validation_trains_every_fold_on_the_extra_corpus_too(lexicon, demo_labelled):
    extra = pd.DataFrame({"texte": ["Je voudrais un rendez-vous, aucun créneau n'est proposé."] * 3,
                          "categorie": ["prise_rdv"] * 3})
    report = cross_validate(demo_labelled["texte"], demo_labelled["categorie"], lexicon, folds=3, extra=extra)
    assert report.n == len(demo_labelled)  # the corpus is learnt from, never tested on


def test_a_model_at_full_weight_flags_by_its_own_probability_of_the_subject(lexicon, demo_labelled):
    # the rule written in the docstring, checked against scikit-learn's own probabilities
    dev = pd.read_csv(DATA / "complaints_dev.csv", sep=";").head(150)["texte"].tolist()
    settings = {"seuil_confiance": 0.0, "seuil_confiance_modele": 0.7, "lignes_pour_poids_max": 1}
    model = ComplaintCategoriser(lexicon, settings).fit(demo_labelled["texte"], demo_labelled["categorie"])
    assert model.model_weight == pytest.approx(0.8)
    result = model.predict(dev).frame
    from qualepref_analysis.analysis.complaints.categoriser import _read

    proba = model.model_.predict_proba(model._space.vectorise(_read(lexicon, dev, words=True)))
    column = {c: j for j, c in enumerate(model.model_classes_)}
    of_subject = np.array([proba[i, column[c]] for i, c in enumerate(result["categorie_predite"])])
    assert 0 < (of_subject < 0.7).sum() < len(dev)  # the threshold cuts the set in two
    assert (result["a_verifier"].to_numpy() == (of_subject < 0.7)).all()
    # a model still learning (below its full weight) keeps the lexicon's checks: more flags, not fewer
    learning = ComplaintCategoriser(lexicon, {**settings, "lignes_pour_poids_max": 10_000})
    flagged = learning.fit(demo_labelled["texte"], demo_labelled["categorie"]).predict(dev).frame["a_verifier"]
    assert learning.model_weight < 0.8 and flagged.sum() > 0


def test_the_explaining_terms_come_strongest_first_and_a_demand_is_scored_as_in_its_text(lexicon):
    # hand-built lexicon: « refus » weighs 3, « recours » 1; the order of the text must not matter
    from qualepref_analysis.analysis.complaints.lexicon import Lexicon, parse_term

    small = Lexicon(categories=("decision_contestee", "autre"), labels={},
                    terms=[parse_term("recours", "decision_contestee", 1), parse_term("refus", "decision_contestee", 3)],
                    negatives=[])
    scores, explained = small.score_one("Je forme un recours contre ce refus.")
    assert explained["decision_contestee"] == ["refus", "recours"]
    assert scores[0] > 0 and scores[1] == 0
    # the same sentence scored alone, or after the text that holds it, gives the same matches
    alone = small.score_one("contre ce refus")[1]
    assert alone == {"decision_contestee": ["refus"]}


@pytest.mark.parametrize("jobs", [1, 2])
def test_reading_the_texts_while_the_model_learns_gives_what_fit_then_predict_gives(lexicon, demo_labelled,
                                                                                   monkeypatch, jobs):
    from qualepref_analysis.analysis.complaints import categoriser

    monkeypatch.setattr(categoriser, "PARALLEL_FROM", 20)  # worker processes for a few dozen texts
    texts = [*demo_labelled["texte"].iloc[::7], "", None, "Aucun créneau.", "Aucun créneau."]
    train = demo_labelled.iloc[1::2]
    expected = ComplaintCategoriser(lexicon).fit(train["texte"], train["categorie"]).predict(texts, jobs=jobs)
    got = ComplaintCategoriser(lexicon).fit_predict(train["texte"], train["categorie"], texts, jobs=jobs)
    pd.testing.assert_frame_equal(got.frame, expected.frame)
    pd.testing.assert_frame_equal(got.probabilities, expected.probabilities)
    assert len(got.frame) == len(texts) and got.frame["a_verifier"].iloc[len(texts) - 4]  # the empty text
