"""A chart's PNG: ``report.png.figure_png`` (one rendering, cropped) against matplotlib's
``savefig(bbox_inches="tight")`` (two renderings), the baseline, in the same process.

Each chart kind of the review is drawn on synthetic values of a year (twelve months, a few channels,
services and subjects), alternately by the baseline and by ours, ``--repeat`` times; the median time
to write the PNG of a drawn figure is reported per kind, with the ratio. Building the figure (the
plotting function and its ``tight_layout``) is the same in both and is not timed.

Usage: ``python benchmarks/bench_charts.py [--repeat 15]``
"""

from __future__ import annotations

import argparse
import io
import statistics
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from qualepref_analysis.report import charts  # noqa: E402
from qualepref_analysis.report.png import figure_png  # noqa: E402

MONTHS = pd.Series(pd.period_range("2022-01", periods=12, freq="M"))


def _kinds() -> dict[str, Callable[[], object]]:
    rng = np.random.default_rng(0)
    stacked = pd.DataFrame({"mois": MONTHS, "Courriel": rng.integers(20, 60, 12), "Courrier": rng.integers(5, 20, 12),
                            "Formulaire du site internet": rng.integers(10, 40, 12)})
    heat = pd.DataFrame(rng.uniform(55, 95, (5, 4)), columns=["Accueil", "Titres", "Étrangers", "Standard"],
                        index=["Accueil", "Délai", "Information", "Courtoisie", "Locaux"])
    return {
        "taux mensuel et cible": lambda: charts.plot_monthly_rate(
            MONTHS, pd.Series(np.linspace(0.8, 0.95, 12)), ylabel="Appels décrochés", target=0.85,
            title="Taux d'appels décrochés par mois en 2022 – Préfecture des Hauts-de-Seine"),
        "volumes mensuels": lambda: charts.plot_monthly_counts(
            MONTHS, pd.Series(rng.integers(80, 130, 12)), ylabel="Demandes",
            title="Demandes de mise à jour du site internet en 2022"),
        "mois empilés, légende à droite": lambda: charts.plot_stacked_months(
            stacked, title="Réclamations par mois et par canal en 2022", ylabel="Réclamations", legend="Canal"),
        "carte de chaleur": lambda: charts.plot_heatmap(heat, title="Satisfaction par dimension et par service"),
    }


def _savefig(fig) -> bytes:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return buffer.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=15)
    options = parser.parse_args()
    charts.apply_figure_theme()
    writers = {"savefig (baseline)": _savefig, "figure_png": figure_png}
    totals = dict.fromkeys(writers, 0.0)
    for kind, make in _kinds().items():
        times: dict[str, list[float]] = {name: [] for name in writers}
        for _ in range(options.repeat + 1):  # the first round warms the fonts up and is not counted
            for name, write in writers.items():
                fig = make()
                start = time.perf_counter()
                write(fig)
                times[name].append(time.perf_counter() - start)
                plt.close(fig)
        medians = {name: statistics.median(values[1:]) for name, values in times.items()}
        for name in writers:
            totals[name] += medians[name]
        baseline, ours = medians["savefig (baseline)"], medians["figure_png"]
        print(f"{kind:32s} savefig {baseline * 1000:6.1f} ms   figure_png {ours * 1000:6.1f} ms   "
              f"{baseline / ours:4.2f}x")
    print(f"{'all kinds':32s} savefig {totals['savefig (baseline)'] * 1000:6.1f} ms   "
          f"figure_png {totals['figure_png'] * 1000:6.1f} ms   {totals['savefig (baseline)'] / totals['figure_png']:4.2f}x")


if __name__ == "__main__":
    main()
