"""French formatting (expected strings typed by hand)."""

from __future__ import annotations

from qualepref_analysis.io.privacy import mask_cell, scrub_text
from qualepref_analysis.report import format_date, format_number, format_percent, french_table, plural

import pandas as pd
import pytest


def test_french_numbers_percent_and_dates():
    assert format_number(1375) == "1\u202f375"
    assert format_percent(73.6) == "73,6\u00a0%"
    assert format_percent(100) == "100,0\u00a0%"
    assert format_number(3.72, 1) == "3,7"
    assert format_date("2023-03-10") == "10 mars 2023"
    assert format_date("2022-12-01", "short") == "01/12/2022"
    assert format_number(None) == "–"


def test_plural_agreement():
    assert plural(0, "réclamation") == "0 réclamation"
    assert plural(1, "réclamation") == "1 réclamation"
    assert plural(2, "réclamation") == "2 réclamations"


def test_tables_escape_every_cell():
    html = french_table(pd.DataFrame({"Site": ["<script>alert(1)</script>"], "N": [1375]}), formats={"N": "number"})
    assert "<script>" not in html and "&lt;script&gt;" in html and "1\u202f375" in html


def test_scrub_removes_emails_phones_and_file_numbers():
    text = "Écrire à jean.dupont@example.org, tél. +33 6 12 34 56 78 ou 01.23.45.67.89, dossier 9912345678"
    scrubbed = scrub_text(text)
    for secret in ("jean.dupont", "12 34 56 78", "01.23.45.67.89", "9912345678"):
        assert secret not in scrubbed
    assert scrub_text("2022-03-14") == "2022-03-14"
    assert mask_cell("Mon nom est Amina DIALLO", personal=True) == "[texte libre masqué]"


def test_site_label_as_sentence_subject():
    from qualepref_analysis.report import site_subject

    assert site_subject("Sous-préfecture d'Antony") == "la sous-préfecture d'Antony"
    assert site_subject("Préfecture des Hauts-de-Seine (Nanterre)") == "la préfecture des Hauts-de-Seine (Nanterre)"
    assert site_subject("Nanterre") == "le site « Nanterre »"


def test_volumes_narrative_reads_like_the_minutes():
    from qualepref_analysis.report.disclosure import Disclosure
    from qualepref_analysis.sections.volumes import volumes_narrative

    rule = Disclosure(threshold=10, survey_threshold=20)

    def volumes(complaints, info):
        return pd.DataFrame({"type": ["reclamation", "information"], "canal": ["courriel", "courriel"],
                             "nombre": [complaints, info]})

    text = volumes_narrative(volumes(376, 1250), volumes(431, 1180), site_label="Sous-préfecture d'Antony", year=2022,
                             disclosure=rule)
    assert text.startswith("En 2022, la sous-préfecture d'Antony a reçu 376 réclamations et suggestions et 1\u202f250 demandes d'information.")
    # (376 - 431) / 431 = -12,76 %
    assert "en baisse de 12,8\u00a0% par rapport à 2021 (431)" in text
    single = volumes_narrative(volumes(1, 0), None, site_label="Sous-préfecture d'Antony", year=2022,
                             disclosure=rule)
    assert "1 réclamation ou suggestion et 0 demande d'information" in single


@pytest.mark.parametrize("sources, flags, expected", [
    (["manuel"] * 8 + ["predit"] * 6, [False] * 14,
     "Sur 14 réclamations et suggestions, 8 ont été étiquetées à la main et 6 classées automatiquement, "
     "dont aucune à vérifier par un agent."),
    (["manuel"] * 4 + ["predit"], [False] * 4 + [True],
     "Sur 5 réclamations et suggestions, 4 ont été étiquetées à la main et 1 classée automatiquement, "
     "dont 1 à vérifier par un agent."),
    (["manuel"] * 3, [False] * 3,
     "Sur 3 réclamations et suggestions, 3 ont été étiquetées à la main et aucune classée automatiquement."),
    (["predit"] * 2, [True, False],
     "Sur 2 réclamations et suggestions, aucune n'a été étiquetée à la main et 2 classées automatiquement, "
     "dont 1 à vérifier par un agent."),
])
def test_the_subjects_paragraph_says_aucune_rather_than_zero(sources, flags, expected):
    # below the publication threshold (10) the shares are left out: the sentence is the whole text
    from qualepref_analysis.report.disclosure import Disclosure
    from qualepref_analysis.sections.complaint_subjects import subjects_narrative

    subjects = pd.DataFrame({"sujet": ["prise_rdv"] * len(sources), "source": sources, "a_verifier": flags})
    text = subjects_narrative(subjects, disclosure=Disclosure(threshold=20, survey_threshold=20))
    assert text == expected


def test_funnel_names_and_ticks_do_not_run_into_each_other():
    # three sites close in rate, one far right: its name written past the edge used to squeeze the
    # axes until the tick labels touched (« 50 000100 000150 000 »), and names overlapped
    import matplotlib

    matplotlib.use("agg")
    from matplotlib.text import Text

    from qualepref_analysis.report.charts import plot_funnel

    points = pd.DataFrame({"Site": ["Sous-préfecture d'Antony", "Sous-préfecture de Boulogne-Billancourt",
                                    "Préfecture des Hauts-de-Seine (Nanterre)"],
                           "Effectif": [30281, 28000, 181000], "Valeur (%)": [93.3, 92.0, 93.1],
                           "Position": ["au-dessus"] * 3})
    fig = plot_funnel(points, target=85, title="Taux d'appels décrochés")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    ax = fig.axes[0]
    names = [Text.get_window_extent(a, renderer) for a in ax.texts]
    assert len(names) == 3
    assert not any(a.overlaps(b) for i, a in enumerate(names) for b in names[i + 1:])
    ticks = [t.get_window_extent(renderer) for t in ax.get_xticklabels() if t.get_text()
             and ax.get_xlim()[0] <= t.get_position()[0] <= ax.get_xlim()[1]]
    assert len(ticks) >= 3
    assert not any(a.overlaps(b) for a, b in zip(ticks, ticks[1:]))
    assert all(ax.get_window_extent(renderer).x0 <= n.x0 and n.x1 <= fig.bbox.x1 for n in names)


def test_a_national_funnel_names_only_the_sites_furthest_beyond_their_limits():
    # 200 sites, 60 of them outside their 95 % band: naming all 60 covered the cloud (and took
    # half a minute of label placement per chart); the 12 furthest, in widths of their own band, are named
    import matplotlib

    matplotlib.use("agg")
    import numpy as np

    from qualepref_analysis.report.charts import figure_data, plot_funnel

    rng = np.random.default_rng(7)
    n = 200
    low, high = np.full(n, 80.0), np.full(n, 90.0)  # a 10-point band for every site
    values = rng.uniform(81, 89, n)
    values[:30] = 90 + np.arange(1, 31) * 0.25      # above: 0.025 … 0.75 bands beyond
    values[30:60] = 80 - np.arange(1, 31) * 0.3     # below: 0.03 … 0.9 bands beyond
    positions = np.where(values > high, "au-dessus de la plage", np.where(values < low, "en dessous de la plage",
                                                                          "dans la plage"))
    points = pd.DataFrame({"Site": [f"Site {i:03d}" for i in range(n)], "Effectif": rng.integers(100, 5000, n).astype(float),
                           "Valeur (%)": values, "Limite basse 95 %": low, "Limite haute 95 %": high,
                           "Limite basse 99,8 %": low - 3, "Limite haute 99,8 %": high + 3, "Position": positions})
    fig = plot_funnel(points, target=85, title="Taux d'appels décrochés")
    named = sorted(text.get_text() for text in fig.axes[0].texts)
    # by hand: below, site 30 + k is 0.03 (k + 1) bands beyond, site k above 0.025 (k + 1): the 12
    # furthest are sites 59 … 52 below (0.9 … 0.69) and 29 … 26 above (0.75 … 0.675, vs 0.66 for 51)
    expected = sorted([f"Site {i:03d}" for i in [*range(52, 60), *range(26, 30)]])
    assert named == expected
    _, message = figure_data(fig)
    assert "nomme les 12 sites les plus éloignés" in message
