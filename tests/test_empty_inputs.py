"""Sections must present an empty year (no complaint, no answer) without failing."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import pandas as pd  # noqa: E402

from qualepref_analysis import load_data_dir

from qualepref_analysis.analysis import complaints, delays

from qualepref_analysis.report import charts

from qualepref_analysis.sections import complaint_subjects, records, volumes  # noqa: E402
from qualepref_analysis.analysis.indicators import prepare_inputs  # noqa: E402
from qualepref_analysis.analysis.register import complaints_of  # noqa: E402

from qualepref_analysis.report.disclosure import Disclosure  # noqa: E402

RULE = Disclosure(threshold=10, survey_threshold=20)

from conftest import DEMO_DIR  # noqa: E402


def test_section_02_functions_on_a_year_without_complaints(params):
    inputs = prepare_inputs(load_data_dir(DEMO_DIR, params), params)
    register = complaints_of(inputs.correspondances)
    empty = complaints_of(register, site="boulogne", year=2019)
    assert empty.empty
    assert len(volumes.monthly_by_channel(empty, year=2019)) == 12
    volumes.channels_year_over_year(empty, year=2019, disclosure=RULE)
    volumes.status_by_channel(empty, disclosure=Disclosure(10, 20))
    delays.delay_quantiles(empty, by="canal")
    volumes.readable_time_to_answer(delays.time_to_answer(empty, by="canal"), disclosure=RULE)
    assert records.unanswered_figures(empty, disclosure=Disclosure(10, 20))["n"] == 0
    lexicon = complaints.load_lexicon(complaints.lexicon_path(params.directory))
    model = complaints.train_categoriser(register, lexicon)
    subjects = complaints.assign_subjects(empty, model)
    complaint_subjects.subject_table(subjects, disclosure=Disclosure(10, 20))
    complaint_subjects.subjects_narrative(subjects, disclosure=Disclosure(10, 20))
    complaint_subjects.subject_figures(subjects, disclosure=Disclosure(10, 20))
    assert charts.plot_delay_boxes(empty, title="x", disclosure=RULE) is None  # nothing to draw
    assert charts.plot_survival(empty, title="x", deadlines=[], disclosure=RULE) is None
    charts.plot_subjects(complaint_subjects.subject_table(subjects, disclosure=Disclosure(10, 20)), title="x")
    charts.plot_stacked_months(volumes.monthly_by_channel(empty, year=2019), title="x", ylabel="y", legend="z")


def test_cross_validation_without_enough_labels(params):
    lexicon = complaints.load_lexicon(complaints.lexicon_path(params.directory))
    report = complaints.cross_validate([], [], lexicon)
    assert report.n == 0
    assert "lexique" in complaint_subjects.evaluation_narrative(report, disclosure=Disclosure(10, 20))
    report = complaints.cross_validate(["a b", "c d", "rendez-vous"], ["autre", "autre", "prise_rdv"], lexicon)
    assert report.n == 3 and report.folds == 0
    assert "trop peu" in complaint_subjects.evaluation_narrative(report, disclosure=Disclosure(10, 20))
    per_class, confusion = complaint_subjects.evaluation_tables(report, disclosure=Disclosure(10, 20))
    assert per_class.empty


def test_complaints_without_text_have_an_unknown_subject(params):
    import numpy as np

    lexicon = complaints.load_lexicon(complaints.lexicon_path(params.directory))
    items = pd.DataFrame({"texte": ["Impossible d'avoir un rendez-vous, aucun créneau", None, "", None] + [None] * 8,
                          "categorie": [None, None, None, "prise_rdv"] + [None] * 8})
    subjects = complaints.assign_subjects(items, complaints.ComplaintCategoriser(lexicon))
    assert subjects["source"].tolist()[:4] == ["predit", "sans_texte", "sans_texte", "manuel"]
    table = complaint_subjects.subject_table(subjects, disclosure=Disclosure(1, 20))
    assert table.iloc[-1]["Sujet"].startswith("Sans texte") and table.iloc[-1]["Total"] == 10
    assert np.isnan(table.iloc[-1]["Part (%)"])
    known = table[~table["Sujet"].str.startswith("Sans texte")]
    assert known["Part (%)"].sum() == 100  # shares over the 2 complaints whose subject is known
    figures = complaint_subjects.subject_figures(subjects, disclosure=Disclosure(1, 20))
    assert figures["sans_texte"] == 10 and figures["part"] == {"prise_rdv": 100.0}
    assert "sujet est inconnu" in complaint_subjects.subjects_narrative(subjects, disclosure=Disclosure(1, 20))
