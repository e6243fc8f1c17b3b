"""The charts' PNG: one rendering, cropped, against matplotlib's own ``savefig(bbox_inches="tight")``."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from PIL import Image  # noqa: E402

from qualepref_analysis.report.charts import apply_figure_theme  # noqa: E402
from qualepref_analysis.report.png import figure_png  # noqa: E402


def _reference(fig) -> np.ndarray:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return np.asarray(Image.open(buffer).convert("RGB")).astype(int)


def _image(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def _closest_difference(ours: np.ndarray, reference: np.ndarray) -> float:
    """Mean absolute difference (0–255) at the best shift of up to two pixels each way."""
    best = np.inf
    for dy in range(-2, 3):
        for dx in range(-2, 3):
            a = ours[max(dy, 0):, max(dx, 0):]
            b = reference[max(-dy, 0):, max(-dx, 0):]
            h, w = min(a.shape[0], b.shape[0]), min(a.shape[1], b.shape[1])
            best = min(best, float(np.abs(a[:h, :w] - b[:h, :w]).mean()))
    return best


def _chart(title: str = "Réclamations par mois", legend_outside: bool = False):
    apply_figure_theme()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.bar(range(12), np.arange(12) % 5 + 1, label="Réclamations")
    ax.axhline(3, color="black", label="Cible")
    ax.set_title(title)
    ax.set_ylabel("Nombre")
    if legend_outside:
        ax.legend(loc="upper left", bbox_to_anchor=(1.02, 1))
    else:
        ax.legend()
    fig.tight_layout()
    return fig


@pytest.fixture(autouse=True)
def _restore_rc():
    yield
    plt.close("all")
    plt.rcdefaults()


def test_the_image_is_the_one_savefig_writes_to_within_a_pixel():
    fig = _chart()
    reference = _reference(fig)
    ours = _image(figure_png(fig))
    assert abs(ours.shape[0] - reference.shape[0]) <= 2 and abs(ours.shape[1] - reference.shape[1]) <= 2
    assert _closest_difference(ours, reference) < 6  # anti-aliasing of a sub-pixel shift only
    # and it is a drawing, not a blank page
    assert (ours < 200).any(axis=2).mean() > 0.02


def test_a_title_wider_than_the_figure_is_kept_whole():
    title = "Taux de réponse aux demandes d'information par courriel en cinq jours ouvrés " * 3
    fig = _chart(title=title.strip())
    figure_width = round(fig.get_figwidth() * 96)
    reference = _reference(fig)
    ours = _image(figure_png(fig))
    assert reference.shape[1] > figure_width  # the case exists: savefig widens the image
    assert abs(ours.shape[1] - reference.shape[1]) <= 2
    assert _closest_difference(ours, reference) < 6


def test_a_legend_outside_the_axes_is_kept():
    fig = _chart(legend_outside=True)
    reference = _reference(fig)
    ours = _image(figure_png(fig))
    assert abs(ours.shape[1] - reference.shape[1]) <= 2
    assert _closest_difference(ours, reference) < 6


def test_a_figure_made_without_pyplot_and_the_resolution_recorded():
    fig = Figure(figsize=(4, 3), dpi=72)
    ax = fig.add_subplot()
    ax.plot([0, 1, 2], [2, 1, 3])
    ax.set_title("Appels décrochés")
    image = Image.open(io.BytesIO(figure_png(fig, dpi=96)))
    assert image.format == "PNG"
    assert round(image.info["dpi"][0]) == 96
    # drawn at 96 dpi, cropped: no larger than the figure at that resolution
    assert image.width <= 4 * 96 and image.height <= 3 * 96
    assert image.width > 3 * 96 * 0.8


def test_the_crop_takes_the_drawn_corner_of_a_mostly_empty_figure():
    apply_figure_theme()
    fig = plt.figure(figsize=(8, 6))
    ax = fig.add_axes((0.08, 0.6, 0.35, 0.32))  # top left corner only: the rest of the figure is blank
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_title("Délais")
    reference = _reference(fig)
    ours = _image(figure_png(fig))
    assert ours.shape[0] < 0.6 * 6 * 96 and ours.shape[1] < 0.6 * 8 * 96
    assert abs(ours.shape[0] - reference.shape[0]) <= 2 and abs(ours.shape[1] - reference.shape[1]) <= 2
    assert _closest_difference(ours, reference) < 6


def test_content_at_the_edge_gets_its_margin_in_the_figure_colour():
    fig = plt.figure(figsize=(4, 3), facecolor="#fdf6d8")
    ax = fig.add_axes((0, 0, 1, 1))  # the axes fill the figure: the margin lies outside it
    ax.plot([0, 1, 2], [3, 1, 2])
    ax.set_xticks([])
    ax.set_yticks([])
    reference = _reference(fig)
    ours = _image(figure_png(fig))
    margin = round(matplotlib.rcParams["savefig.pad_inches"] * 96)
    assert ours.shape[1] >= 4 * 96 + 2 * margin - 1
    assert (np.abs(ours[:margin - 1, :, :] - [0xfd, 0xf6, 0xd8]) <= 1).all()
    assert abs(ours.shape[1] - reference.shape[1]) <= 2
    assert _closest_difference(ours, reference) < 6


def _review_charts():
    import pandas as pd

    from qualepref_analysis.report import charts

    months = pd.Series(pd.period_range("2022-01", periods=12, freq="M"))
    rng = np.random.default_rng(3)
    large = pd.Series(rng.integers(1_000_000, 2_000_000, 12))
    stacked = pd.DataFrame({"mois": months, "Courriel": rng.integers(20, 60, 12),
                            "Formulaire du site internet": rng.integers(10, 40, 12)})
    heat = pd.DataFrame(rng.uniform(55, 95, (3, 2)), columns=["Accueil", "Titres"], index=["Délai", "Courtoisie", "Locaux"])
    return [
        lambda: charts.plot_monthly_rate(months, pd.Series(np.linspace(0.8, 0.95, 12)), ylabel="Appels décrochés",
                                         target=0.85, title="Taux d'appels décrochés par mois en 2022"),
        lambda: charts.plot_monthly_counts(months, large, ylabel="Visites",
                                           title="Visites par mois (une échelle décalée sur l'axe)"),
        lambda: charts.plot_stacked_months(stacked, title="Réclamations par mois et par canal en 2022",
                                           ylabel="Réclamations", legend="Canal"),
        lambda: charts.plot_heatmap(heat, title="Satisfaction par dimension et par service"),
    ]


def test_titles_at_the_top_of_the_axes_are_where_matplotlib_would_place_them():
    """The theme fixes the titles' height (``axes.titley``), which spares measuring the axes at each drawing:
    nothing the review's charts draw above the axes moves them, so the images are matplotlib's own."""
    import matplotlib as mpl

    for make in _review_charts():
        apply_figure_theme()
        assert mpl.rcParams["axes.titley"] == 1.0
        fixed = figure_png(make())
        apply_figure_theme()
        mpl.rcParams["axes.titley"] = None  # matplotlib's automatic placement
        automatic = figure_png(make())
        assert fixed == automatic
        plt.close("all")


def test_an_opaque_figure_is_written_without_alpha_and_a_transparent_one_keeps_it():
    fig = _chart()
    opaque = Image.open(io.BytesIO(figure_png(fig)))
    assert opaque.mode == "RGB"
    fig.patch.set_alpha(0.0)  # a transparent background: the alpha channel carries the picture's edges
    for ax in fig.axes:
        ax.patch.set_alpha(0.0)
    transparent = Image.open(io.BytesIO(figure_png(fig)))
    assert transparent.mode == "RGBA" and np.asarray(transparent)[..., 3].min() < 255
