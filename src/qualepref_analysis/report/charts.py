"""Figures of the review: French titles and axis labels, a target line where there is one.

Every function returns a matplotlib Figure; the notebooks show it next to the
table holding the same numbers.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from qualepref_analysis.report.formatting import format_number, format_percent, month_labels
from qualepref_analysis.analysis.delays import kaplan_meier
from qualepref_analysis.report.disclosure import Disclosure, Treatment
from qualepref_analysis.report.html import Table, french_table
from qualepref_analysis.report.labels import label
from qualepref_analysis.report.png import figure_png
from qualepref_analysis.report.values import format_value

__all__ = ["apply_figure_theme", "show_figure", "attach_data", "figure_data", "plot_monthly_rate", "plot_monthly_counts", "plot_stacked_months", "plot_delay_boxes", "plot_estimates", "plot_heatmap",
           "plot_survival", "plot_subjects", "plot_commitments", "plot_funnel"]


def apply_figure_theme() -> None:
    """The figure theme of the review: readable, sober, colour-blind safe palette."""
    import matplotlib as mpl
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette="colorblind")
    mpl.rcParams.update({
        "figure.figsize": (8, 4.2),
        "figure.dpi": 96,
        "axes.titleweight": "bold",
        "axes.formatter.use_locale": False,
        "savefig.bbox": "tight",
        # Titles sit at the top of the axes. Left automatic, matplotlib measures the whole y axis of
        # each titled axes at every drawing and layout to see whether something above the axes
        # (ticks on top, an offset) pushes the title up; the review's charts put nothing there:
        # the same images, a fifth less time per chart (benchmarks/README.md).
        "axes.titley": 1.0,
    })


def show_figure(fig, alt: str | None = None, *, absent: str = "", pair: bool = False) -> None:
    """Display a figure as an embedded PNG with its alternative text (its title by default).

    Independent of the matplotlib backend (``MPLBACKEND=Agg`` would otherwise show nothing).
    ``fig`` is ``None`` when a chart could not be drawn (every group below the disclosure
    threshold): ``absent`` says why, in a sentence, instead. ``pair``: a figure of a series of
    like figures (the synthesis's funnels), printed two per row in the bilan.
    """
    import base64
    import html

    import matplotlib.pyplot as plt
    from IPython.display import HTML, display

    if fig is None:
        if absent:
            display(HTML(f'<p class="qp-narrative">{html.escape(absent)}</p>'))
        return

    png = figure_png(fig, dpi=96)  # cropped to what it draws: a title wider than the axes is kept whole
    data, message = figure_data(fig)
    title = next((ax.get_title() for ax in fig.axes if ax.get_title()), "Graphique")
    text = alt or (f"{title}. {message}" if message else title)
    plt.close(fig)
    display({"image/png": base64.b64encode(png).decode("ascii")}, raw=True,
            metadata={"image/png": {"alt": text, **({"layout": "pair"} if pair else {})}})
    if data is not None:
        display(HTML('<details class="qp-data"><summary>Données du graphique</summary>'
                     f"{french_table(data)}</details>"))


def attach_data(fig, data: Table, message: str) -> None:
    """Give a figure the values it plots and the sentence that states its message.

    :func:`show_figure` writes the message into the image's alternative text and the values as
    a table under the image, collapsed: a reader who cannot see the chart gets the same facts.
    """
    fig.qp_data, fig.qp_message = data, message


def figure_data(fig) -> tuple[Table | None, str]:
    """The values and the message attached by :func:`attach_data` (``(None, "")`` when none)."""
    return getattr(fig, "qp_data", None), getattr(fig, "qp_message", "")


def _extremes(labels: list[str], values: np.ndarray, fmt, *, lead: str = "Le plus haut", low_lead: str = "le plus bas",
              preposition: str = "en") -> str:
    """« Le plus haut en juin 2022 (4), le plus bas en janv. 2022 (0). »: the message of a series."""
    values = np.asarray(values, dtype=float)
    if not np.isfinite(values).any():
        return "Aucune valeur."
    high, low = int(np.nanargmax(values)), int(np.nanargmin(values))
    if values[high] == values[low]:
        return f"{lead} : {fmt(values[high])} partout."
    return (f"{lead} {preposition} {labels[high]} ({fmt(values[high])}), {low_lead} {preposition} {labels[low]} "
            f"({fmt(values[low])}).")


def _figure(title: str):
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.set_title(title)
    return fig, ax


def _integer_axis(axis) -> None:
    from matplotlib.ticker import MaxNLocator

    axis.set_major_locator(MaxNLocator(integer=True))


def _percent_axis(ax) -> None:
    from matplotlib.ticker import FuncFormatter

    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} %"))


def plot_monthly_rate(months: pd.Series, rate: pd.Series, *, title: str, ylabel: str, target: float | None = None):
    """A monthly rate (%) as a line with markers, and the target as a dashed line."""
    fig, ax = _figure(title)
    x = np.arange(len(months))
    ax.plot(x, rate.to_numpy(dtype=float), marker="o", label="Taux mensuel")
    if target is not None and not pd.isna(target):
        ax.axhline(target, linestyle="--", color="black", linewidth=1, label=f"Cible ({target:.0f} %)")
    ax.set_xticks(x, month_labels(months), rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Mois")
    _percent_axis(ax)
    ax.set_ylim(max(0, np.nanmin([*rate.to_numpy(dtype=float), target or 100]) - 10), 101)
    ax.legend(loc="lower right")
    fig.tight_layout()
    labels, values = month_labels(months), rate.to_numpy(dtype=float)
    target_text = f" Cible : {format_percent(target, 0)}." if target is not None and not pd.isna(target) else ""
    attach_data(fig, Table(pd.DataFrame({"Mois": labels, ylabel: values}), title, {ylabel: "decimal"}),
                _extremes(labels, values, lambda v: format_percent(v)) + target_text)
    return fig


def plot_monthly_counts(months: pd.Series, counts: pd.Series, *, title: str, ylabel: str):
    """Monthly counts as bars."""
    fig, ax = _figure(title)
    x = np.arange(len(months))
    ax.bar(x, counts.to_numpy(dtype=float))
    _integer_axis(ax.yaxis)
    ax.set_xticks(x, month_labels(months), rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Mois")
    fig.tight_layout()
    labels, values = month_labels(months), counts.to_numpy(dtype=float)
    attach_data(fig, Table(pd.DataFrame({"Mois": labels, ylabel: values}), title, {ylabel: "number"}),
                _extremes(labels, values, format_number))
    return fig


def plot_stacked_months(table: pd.DataFrame, *, title: str, ylabel: str, legend: str):
    """Monthly counts stacked by the columns of ``table`` (first column = ``mois``)."""
    fig, ax = _figure(title)
    months = table["mois"]
    series = table.drop(columns="mois").fillna(0)
    x = np.arange(len(months))
    bottom = np.zeros(len(months))
    for column in series.columns:
        ax.bar(x, series[column].to_numpy(dtype=float), bottom=bottom, label=column)
        bottom += series[column].to_numpy(dtype=float)
    _integer_axis(ax.yaxis)
    ax.set_xticks(x, month_labels(months), rotation=45, ha="right")
    ax.set_ylabel(ylabel)
    ax.set_xlabel("Mois")
    if len(series.columns):
        ax.legend(title=legend, fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1))
    fig.tight_layout()
    labels = month_labels(months)
    frame = pd.DataFrame({"Mois": labels, **{str(c): series[c].to_numpy(dtype=float) for c in series.columns},
                          "Total": bottom})
    attach_data(fig, Table(frame, title, {c: "number" for c in frame.columns if c != "Mois"}),
                _extremes(labels, bottom, format_number, lead="Total mensuel le plus haut"))
    return fig


def _left_out_note(fig, left_out: list[tuple[str, int]], what: str, disclosure: Disclosure) -> None:
    if left_out:
        fig.tight_layout(rect=(0, 0.07, 1, 1))
        listed = ", ".join(f"{name} ({count})" for name, count in left_out)
        fig.text(0.01, 0.005, f"Non représentés (moins de {disclosure.limit()} {what}) : {listed}.", fontsize="small",
                 ha="left", va="bottom")


def plot_delay_boxes(items: pd.DataFrame, *, title: str, disclosure: Disclosure):
    """Delay of answered items per channel (box plot), with each channel's deadline marked.

    A channel with fewer answered items than the disclosure threshold is not drawn (it is named
    under the chart); ``None`` when no channel can be drawn.
    """
    answered = items[items["delai"].notna()]
    sizes = answered["canal"].value_counts()
    channels = [c for c in sorted(sizes.index) if disclosure.shows("chart", sizes[c])]
    left_out = [(label("canal", c), int(sizes[c])) for c in sorted(sizes.index) if c not in channels]
    if not channels:
        return None
    fig, ax = _figure(title)
    data = [answered.loc[answered["canal"] == c, "delai"].to_numpy() for c in channels]
    if data:
        ax.boxplot(data, orientation="horizontal", tick_labels=[label("canal", c) for c in channels], showfliers=True)
        for i, channel in enumerate(channels, start=1):
            deadline = answered.loc[answered["canal"] == channel, "delai_max"].iloc[0]
            ax.plot([deadline, deadline], [i - 0.4, i + 0.4], color="black", linestyle="--", linewidth=1.2,
                    label="Délai attendu" if i == 1 else None)
        ax.legend(loc="lower right")
    ax.set_xlabel("Délai de réponse (jours ouvrés)")
    ax.set_ylabel("Canal de réception")
    fig.tight_layout()
    _left_out_note(fig, left_out, "réponses", disclosure)
    names = [label("canal", c) for c in channels]
    medians = [float(np.median(d)) for d in data]
    frame = pd.DataFrame({
        "Canal": names, "Réponses": [len(d) for d in data],
        "1er quartile": [float(np.percentile(d, 25)) for d in data], "Médiane": medians,
        "3e quartile": [float(np.percentile(d, 75)) for d in data], "Maximum": [float(np.max(d)) for d in data],
        "Délai attendu": [float(answered.loc[answered["canal"] == c, "delai_max"].iloc[0]) for c in channels],
    })
    message = "Délai médian : " + ", ".join(f"{format_value(m, 'jours_ouvres')} ({n.lower()})"
                                             for n, m in zip(names, medians)) + "."
    attach_data(fig, Table(frame, f"{title} (jours ouvrés)",
                           {"Réponses": "number", "1er quartile": "decimal", "Médiane": "decimal",
                            "3e quartile": "decimal", "Maximum": "decimal", "Délai attendu": "number"}), message)
    return fig


def plot_survival(items: pd.DataFrame, *, title: str, disclosure: Disclosure, deadlines: list[int] | None = None,
                  by: str | None = None):
    """Kaplan–Meier curve of the share of items still unanswered after t working days.

    Unanswered items are censored at the extraction date. Each deadline is a dashed vertical line.
    A group with fewer items than the disclosure threshold is not drawn (it is named under the chart);
    ``None`` when no group can be drawn.
    """
    groups = list(items.groupby(by, observed=True)) if by else [("Toutes les demandes", items)]
    drawn = [(key, group) for key, group in groups if disclosure.shows("chart", len(group))]
    left_out = [(label("canal", key) if by == "canal" else str(key), len(group)) for key, group in groups
                if disclosure.decide("chart", len(group)) is not Treatment.SHOW and len(group)]
    if not drawn:
        return None
    fig, ax = _figure(title)
    deadlines = sorted({int(d) for d in (deadlines or [])})
    rows = []
    for key, group in drawn:
        km = kaplan_meier(group["duree_observee"], group["repondu"])
        if km.table.empty:
            continue
        t = np.concatenate([[0], km.table["t"].to_numpy()])
        s = np.concatenate([[1.0], km.table["survie"].to_numpy()])
        name = label("canal", key) if by == "canal" else str(key)
        ax.step(t, 100 * s, where="post", label=f"{name} (n = {km.n})")
        rows.append([name, km.n, *(100 * float(s[np.searchsorted(t, d, side="right") - 1]) for d in deadlines)])
    for style, deadline in zip(("--", ":", "-."), deadlines):
        ax.axvline(deadline, linestyle=style, color="black", linewidth=1,
                   label=f"Délai attendu : {deadline} jours ouvrés")
    ax.set_xlabel("Jours ouvrés depuis la réception")
    ax.set_ylabel("Demandes encore sans réponse")
    _percent_axis(ax)
    ax.set_ylim(0, 101)
    ax.set_xlim(0, max([30, *[3 * d for d in deadlines]]))
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize="small")
    fig.tight_layout()
    _left_out_note(fig, left_out, "demandes", disclosure)
    columns = [f"Sans réponse après {d} jours ouvrés (%)" for d in deadlines]
    frame = pd.DataFrame(rows, columns=["Groupe", "Demandes", *columns])
    message = "Part encore sans réponse : " + " ; ".join(
        f"{row[0]} : " + ", ".join(f"{format_percent(share)} après {d} jours ouvrés" for d, share in zip(deadlines, row[2:]))
        for row in rows) + "." if deadlines and rows else ""
    attach_data(fig, Table(frame, title, {"Demandes": "number", **{c: "decimal" for c in columns}}), message)
    return fig


def plot_subjects(table: pd.DataFrame, *, title: str):
    """Complaints per subject, labelled by hand and predicted (stacked horizontal bars)."""
    fig, ax = _figure(title)
    shown = table[(table["Étiquetées à la main"] + table["Prédites"]) > 0].iloc[::-1]
    ax.barh(shown["Sujet"], shown["Étiquetées à la main"], label="Étiquetées à la main")
    ax.barh(shown["Sujet"], shown["Prédites"], left=shown["Étiquetées à la main"], label="Classées automatiquement",
            hatch="//", alpha=0.8)
    _integer_axis(ax.xaxis)
    ax.set_xlabel("Nombre de réclamations")
    ax.set_ylabel("Sujet")
    ax.legend(loc="lower right")
    fig.tight_layout()
    ordered = shown.iloc[::-1]
    totals = (ordered["Étiquetées à la main"] + ordered["Prédites"]).to_numpy()
    frame = pd.DataFrame({"Sujet": ordered["Sujet"].to_numpy(),
                          "Étiquetées à la main": ordered["Étiquetées à la main"].to_numpy(),
                          "Classées automatiquement": ordered["Prédites"].to_numpy(), "Total": totals})
    top = int(np.argmax(totals)) if len(totals) else None
    message = (f"Sujet le plus fréquent : {frame['Sujet'].iloc[top]} ({format_number(totals[top])})."
               if top is not None else "")
    attach_data(fig, Table(frame, title, {c: "number" for c in frame.columns if c != "Sujet"}), message)
    return fig


def plot_estimates(display: pd.DataFrame, *, title: str, target: float | None = None):
    """Dot-and-interval figure: weighted share satisfied per question with its 95 % interval."""
    shown = display.dropna(subset=["Satisfaits, pondéré (%)"]).iloc[::-1]
    fig, ax = _figure(title)
    y = np.arange(len(shown))
    est = shown["Satisfaits, pondéré (%)"].to_numpy(dtype=float)
    low = est - shown["IC 95 % bas"].to_numpy(dtype=float)
    high = shown["IC 95 % haut"].to_numpy(dtype=float) - est
    ax.errorbar(est, y, xerr=[low, high], fmt="o", capsize=3, label="Pondéré (IC à 95 %)")
    ax.plot(shown["Satisfaits, non pondéré (%)"].to_numpy(dtype=float), y, "x", color="grey", label="Non pondéré")
    if target is not None and not pd.isna(target):
        ax.axvline(target, linestyle="--", color="black", linewidth=1, label=f"Cible ({target:.0f} %)")
    ax.set_yticks(y, shown["Question"])
    ax.set_xlabel("Usagers satisfaits")
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} %"))
    ax.set_xlim(max(0, np.nanmin([*(est - low), 100]) - 5), 100.5)
    ax.legend(loc="lower left", fontsize="small")
    fig.tight_layout()
    ordered = shown.iloc[::-1]
    columns = ["Satisfaits, pondéré (%)", "IC 95 % bas", "IC 95 % haut", "Satisfaits, non pondéré (%)"]
    frame = ordered[["Question", *columns]].reset_index(drop=True)
    attach_data(fig, Table(frame, title, {c: "decimal" for c in columns}),
                _extremes(list(frame["Question"].str.lower()), frame[columns[0]].to_numpy(dtype=float),
                          format_percent, lead="Satisfaction la plus haute", low_lead="la plus basse", preposition="pour"))
    return fig


def plot_heatmap(table: pd.DataFrame, *, title: str):
    """Share satisfied per dimension (rows) and service (columns); blank cells are small cells."""
    import seaborn as sns

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(table.columns) + 4), 0.45 * len(table.index) + 2))
    ax.set_title(title)
    sns.heatmap(table.astype(float), annot=True, fmt=".0f", vmin=0, vmax=100, cmap="RdYlGn", ax=ax,
                cbar_kws={"label": "Satisfaits (%)"}, linewidths=0.5, linecolor="white")
    ax.set_xlabel("Service")
    ax.set_ylabel("Dimension")
    fig.tight_layout()
    frame = table.astype(float).reset_index(names="Dimension") if table.index.name is None else \
        table.astype(float).rename_axis("Dimension").reset_index()
    frame.columns = [str(c) for c in frame.columns]
    values = table.to_numpy(dtype=float)
    message = (f"Parts de satisfaits de {format_percent(np.nanmin(values), 0)} à {format_percent(np.nanmax(values), 0)} "
               "selon la dimension et le service ; une case vide signale trop peu de répondants."
               if np.isfinite(values).any() else "")
    attach_data(fig, Table(frame, f"{title} (%)", {c: "number" for c in frame.columns if c != "Dimension"}), message)
    return fig


def plot_commitments(table: pd.DataFrame, *, title: str):
    """Attainment of the target per commitment (horizontal bars), the mean as a dashed line."""
    fig, ax = _figure(title)
    shown = table.iloc[::-1]
    ax.barh(shown["Engagement"], shown["Atteinte de la cible (%)"])
    mean = table["Atteinte de la cible (%)"].mean()
    ax.axvline(mean, linestyle="--", color="black", linewidth=1, label=f"Moyenne ({mean:.1f} %)".replace(".", ","))
    ax.set_xlim(0, 100)
    ax.set_xlabel("Atteinte de la cible")
    ax.set_ylabel("Engagement")
    from matplotlib.ticker import FuncFormatter

    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:.0f} %"))
    ax.legend(loc="lower right")
    fig.tight_layout()
    frame = table[["Engagement", "Atteinte de la cible (%)"]].reset_index(drop=True)
    attach_data(fig, Table(frame, title, {"Atteinte de la cible (%)": "decimal"}),
                f"Atteinte moyenne de la cible : {format_percent(mean)}.")
    return fig


def _separate_labels(fig, labels: list) -> None:
    """Move point labels down, one line at a time, until none overlaps a label placed before it."""
    if len(labels) < 2:
        return
    from matplotlib.text import Text

    renderer = fig.canvas.get_renderer()

    def extent(label):
        label.update_positions(renderer)
        return Text.get_window_extent(label, renderer)  # the name alone, not its line

    placed = []
    for label in sorted(labels, key=lambda a: -a.xy[1]):  # from the highest point down
        for _ in range(len(labels) + 1):
            box = extent(label)
            if not any(box.overlaps(other) for other in placed):
                break
            x, y = label.xyann
            label.xyann = (x, y - 1.1 * box.height * 72 / fig.dpi)  # one line lower, in points
        placed.append(extent(label))


def _named_points(points: pd.DataFrame, outside: np.ndarray, limit: int) -> np.ndarray:
    """Which points of a funnel get their name: all up to ``limit`` points, else the ``limit`` sites
    furthest beyond their 95 % limit (in widths of their own band, so that a small site and a large
    one compare), among those outside it."""
    if len(points) <= limit:
        return np.ones(len(points), dtype=bool)
    value = points["Valeur (%)"].to_numpy(dtype=float)
    low = points["Limite basse 95 %"].to_numpy(dtype=float) if "Limite basse 95 %" in points else value
    high = points["Limite haute 95 %"].to_numpy(dtype=float) if "Limite haute 95 %" in points else value
    width = np.maximum(high - low, 1e-9)
    beyond = np.where(value < low, low - value, value - high) / width
    order = np.argsort(-np.where(outside, beyond, -np.inf), kind="stable")[:limit]
    named = np.zeros(len(points), dtype=bool)
    named[order] = outside[order]
    return named


def plot_funnel(points: pd.DataFrame, *, target: float, title: str, left_out: int = 0, label_limit: int = 12):
    """Funnel plot: each site's rate against its number of items, with the limits around the target.

    Parameters
    ----------
    points : DataFrame
        :func:`~qualepref_analysis.sections.synthesis.funnel_points`: ``Site``, ``Effectif``,
        ``Valeur (%)``, the four limits and ``Position``.
    target : float
        The target (%): the centre line, and p₀ of the limits.
    title : str
    left_out : int
        Sites not plotted (too few items), said in the message.
    label_limit : int
        Every site is named when there are at most this many; beyond, only sites outside the 95 %
        limits, and at most this many of them: those furthest beyond their limit (at national scale
        the points speak as a cloud, and hundreds of names would cover it; every site is in the
        chart's data table).

    Returns
    -------
    Figure
        The 95 % limits dashed, the 99,8 % limits dotted, computed for every number of items
        from the exact binomial distribution (:func:`~qualepref_analysis.analysis.funnel.funnel_limits`).
    """
    from qualepref_analysis.analysis.funnel import funnel_limits
    from qualepref_analysis.report.grammar import count_of

    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.2, 4.6))  # printed two per row: fewer, larger letters
    ax.set_title(title, fontsize="medium", wrap=True)
    sizes = points["Effectif"].to_numpy(dtype=float)
    values = points["Valeur (%)"].to_numpy(dtype=float)
    top = max(float(sizes.max()) * 1.15, 10.0)
    wide = top / max(float(sizes.min()), 1.0) > 50
    grid = np.unique(np.round(np.geomspace(1, top, 400) if wide else np.linspace(1, top, 400)))
    limits = funnel_limits(grid, target / 100)
    ax.plot(grid, 100 * limits["limite_95_bas"], "--", color="#0072B2", linewidth=1, label="Limites à 95 %")
    ax.plot(grid, 100 * limits["limite_95_haut"], "--", color="#0072B2", linewidth=1)
    ax.plot(grid, 100 * limits["limite_998_bas"], ":", color="#D55E00", linewidth=1.2, label="Limites à 99,8 %")
    ax.plot(grid, 100 * limits["limite_998_haut"], ":", color="#D55E00", linewidth=1.2)
    ax.axhline(target, color="black", linewidth=1, label=f"Cible ({format_percent(target, 0)})")
    outside = points["Position"].str.startswith(("au-dessus", "en dessous")).to_numpy()
    ax.scatter(sizes[~outside], values[~outside], color="#009E73", zorder=3, label="Site dans la plage attendue")
    if outside.any():
        ax.scatter(sizes[outside], values[outside], color="#CC79A7", marker="D", zorder=3,
                   label="Site hors de la plage à 95 %")
    # a name is written towards the middle of the chart: one written past the right edge would make
    # the layout shrink the axes, and their tick labels would run into each other
    position = np.log(np.maximum(sizes, 1)) / np.log(top) if wide else sizes / top
    named = _named_points(points, outside, label_limit)
    names = []
    for i, name in enumerate(points["Site"]):
        if named[i]:
            leftwards = position[i] > 0.5
            names.append(ax.annotate(name, (sizes[i], values[i]), textcoords="offset points",
                                     xytext=(-5 if leftwards else 5, 4), ha="right" if leftwards else "left",
                                     va="bottom", fontsize="small",
                                     arrowprops={"arrowstyle": "-", "color": "#777777", "linewidth": 0.6,
                                                 "shrinkA": 0, "shrinkB": 3}))  # the name's line to its point
    if wide:
        ax.set_xscale("log")
    _separate_labels(fig, names)
    if not wide:
        from matplotlib.ticker import FuncFormatter, MaxNLocator

        ax.xaxis.set_major_locator(MaxNLocator(4, integer=True))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: format_number(v)))
    ax.set_xlabel("Éléments de l'année (échelle logarithmique)" if wide else "Éléments de l'année")
    ax.set_ylabel("Taux")
    _percent_axis(ax)
    ax.set_ylim(max(0.0, min(float(np.nanmin(values)), float(np.nanmin(100 * limits["limite_998_bas"][grid >= sizes.min()]))) - 5), 101)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=2, fontsize="small", frameon=False)
    fig.tight_layout()
    below = points.loc[points["Position"].str.startswith("en dessous"), "Site"].tolist()
    above = points.loc[points["Position"].str.startswith("au-dessus"), "Site"].tolist()
    inside = len(points) - len(below) - len(above)
    inside_text = count_of(inside, "site") if inside else "aucun site"
    message = (f"Autour de la cible de {format_percent(target, 0)}, compte tenu du nombre d'éléments de chacun : "
               f"{inside_text} dans la plage attendue à 95 %")
    if below:
        message += f", {len(below)} en dessous ({', '.join(below[:5])}{'…' if len(below) > 5 else ''})"
    if above:
        message += f", {len(above)} au-dessus ({', '.join(above[:5])}{'…' if len(above) > 5 else ''})"
    message += "."
    if named.sum() < outside.sum():
        message += (f" Le graphique nomme les {count_of(int(named.sum()), 'site')} les plus éloignés de leur plage ; "
                    "le tableau des données les donne tous.")
    if left_out:
        message += f" {count_of(left_out, 'site')} non {'représenté' if left_out < 2 else 'représentés'} : trop peu d'éléments."
    columns = [c for c in points.columns if c not in ("Site", "Position")]
    attach_data(fig, Table(points.reset_index(drop=True), title,
                           {c: "number" if c == "Effectif" else "decimal" for c in columns}), message)
    return fig
