"""Volumes of written correspondence received, by type and channel."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.analysis.register import COMPLAINT_TYPES, is_complaint
from qualepref_analysis.report.charts import attach_data
from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.formatting import format_number
from qualepref_analysis.report.html import Table
from qualepref_analysis.report.labels import label

__all__ = ["correspondence_volumes", "volumes_with_previous", "volumes_table", "volumes_narrative",
           "plot_volumes", "volumes_figures", "monthly_by_channel", "channels_year_over_year",
           "status_by_channel", "readable_quantiles", "readable_time_to_answer"]

_TYPES = ("reclamation", "suggestion", "information")
_CHANNELS = ("courriel", "courrier", "services_publics_plus", "urne", "formulaire_web")


def correspondence_volumes(correspondances: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """Items received by one site in one year, per type × channel (every combination listed).

    Parameters
    ----------
    correspondances : DataFrame
        Validated ``correspondances`` (columns ``site``, ``type``, ``canal``, ``date_reception``).
    site : str
        Site code.
    year : int
        Year of receipt.

    Returns
    -------
    DataFrame
        Columns ``type``, ``canal``, ``nombre`` (0 where nothing was received): every combination of
        the types ``reclamation``, ``suggestion``, ``information`` and the five channels, in that order.

    Notes
    -----
    Types and channels outside those lists are not counted. Counts are shown as they are (the
    ``Disclosure`` policy publishes counts even when small).

    Examples
    --------
    >>> register = pd.DataFrame({"site": ["75", "75", "13"], "type": ["reclamation", "information", "reclamation"],
    ...                          "canal": ["courriel", "courriel", "urne"],
    ...                          "date_reception": pd.to_datetime(["2023-03-01", "2023-05-02", "2023-03-01"])})
    >>> correspondence_volumes(register, site="75", year=2023).query("nombre > 0")
               type     canal  nombre
    0   reclamation  courriel       1
    10  information  courriel       1
    """
    mine = correspondances[(correspondances["site"] == site)
                           & (correspondances["date_reception"].dt.year == year)]
    counts = mine.groupby(["type", "canal"], observed=True).size()
    full = pd.MultiIndex.from_product([_TYPES, _CHANNELS], names=["type", "canal"])
    return counts.reindex(full, fill_value=0).rename("nombre").reset_index()


def volumes_table(volumes: pd.DataFrame, *, year: int) -> Table:
    """A readable cross-table: one row per type, one column per channel, French labels, totals.

    Parameters
    ----------
    volumes : DataFrame
        :func:`correspondence_volumes` (``type``, ``canal``, ``nombre``).
    year : int
        Year of receipt (caption).

    Returns
    -------
    Table
        Frame with columns ``Type de demande``, one per channel (French labels) and ``Total``; one row
        per type and a ``Total`` row; caption « Demandes reçues en {year} par type et par canal »;
        every count formatted as ``number``.
    """
    table = volumes.pivot(index="type", columns="canal", values="nombre").reindex(index=_TYPES, columns=_CHANNELS)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.index = [label("type", t) if t != "total" else "Total" for t in table.index]
    table.columns = [label("canal", c) if c != "total" else "Total" for c in table.columns]
    table.index.name = "Type de demande"
    frame = table.reset_index()
    return Table(frame, f"Demandes reçues en {year} par type et par canal", {c: "number" for c in frame.columns[1:]})


def volumes_narrative(volumes: pd.DataFrame, previous: pd.DataFrame | None, *, site_label: str, year: int,
                      disclosure: Disclosure) -> str:
    """A French paragraph on the volumes received, set against the previous year.

    The change is given in % only on a base the disclosure policy allows; otherwise last year's count.

    Parameters
    ----------
    volumes : DataFrame
        :func:`correspondence_volumes` of the year (``type``, ``canal``, ``nombre``).
    previous : DataFrame or None
        The same for the year before; ``None`` when the register does not cover it (no comparison).
    site_label : str
        The site's name, as :func:`~qualepref_analysis.report.formatting.site_subject` phrases it.
    year : int
        Year under review.
    disclosure : Disclosure
        Decides whether the relative change (figure ``change``, on last year's complaints) is shown.

    Returns
    -------
    str
        One French paragraph: complaints and suggestions, information requests, the first channel of
        complaints, and the comparison with ``year - 1``.

    Notes
    -----
    « Réclamations et suggestions » are the types of
    :data:`~qualepref_analysis.analysis.register.COMPLAINT_TYPES`. A change on a small base is replaced
    by last year's count rather than a percentage that would mean little.

    Examples
    --------
    >>> volumes = pd.DataFrame({"type": ["reclamation", "information"], "canal": ["courriel", "courriel"],
    ...                         "nombre": [12, 3]})
    >>> previous = volumes.assign(nombre=[10, 2])
    >>> rule = Disclosure(threshold=5, survey_threshold=20)
    >>> text = volumes_narrative(volumes, previous, site_label="Paris", year=2023, disclosure=rule)
    >>> print(text.replace(chr(160), " "))  # « 20,0 % » has a no-break space  # doctest: +NORMALIZE_WHITESPACE
    En 2023, le site « Paris » a reçu 12 réclamations et suggestions et 3 demandes d'information.
    Le premier canal des réclamations et suggestions est « Courriel » (12 sur 12).
    Leur nombre est en hausse de 20,0 % par rapport à 2022 (10).
    """
    from qualepref_analysis.report.formatting import format_number, format_percent, plural, site_subject

    complaints = int(volumes.loc[volumes["type"].isin(COMPLAINT_TYPES), "nombre"].sum())
    information = int(volumes.loc[volumes["type"] == "information", "nombre"].sum())
    by_channel = volumes[volumes["type"].isin(COMPLAINT_TYPES)].groupby("canal")["nombre"].sum()
    text = (f"En {year}, {site_subject(site_label)} a reçu {plural(complaints, 'réclamation ou suggestion', 'réclamations et suggestions')}"
            f" et {plural(information, 'demande', 'demandes')} d'information.")
    if complaints:
        top = by_channel.idxmax()
        text += (f" Le premier canal des réclamations et suggestions est « {label('canal', top)} » "
                 f"({format_number(by_channel.max())} sur {format_number(complaints)}).")
    if previous is not None:
        before = int(previous.loc[previous["type"].isin(COMPLAINT_TYPES), "nombre"].sum())
        if before and not disclosure.shows("change", before):
            text += f" Il y en avait {format_number(before)} en {year - 1}."
        elif before:
            change = (complaints - before) / before * 100
            direction = "en hausse" if change > 0 else "en baisse" if change < 0 else "stable"
            amount = f" de {format_percent(abs(change))}" if change else ""
            text += (f" Leur nombre est {direction}{amount} par rapport à {year - 1} "
                     f"({format_number(before)}).")
        else:
            text += f" Aucune réclamation ni suggestion n'avait été enregistrée en {year - 1}."
    return text


def volumes_with_previous(correspondances: pd.DataFrame, *, site: str, year: int
                          ) -> tuple[pd.DataFrame, pd.DataFrame | None]:
    """Volumes of ``year`` and of the year before (``None`` when the register does not cover it).

    Parameters
    ----------
    correspondances, site
        As in :func:`correspondence_volumes`.
    year : int
        Year under review.

    Returns
    -------
    current : DataFrame
        :func:`correspondence_volumes` of ``year``.
    previous : DataFrame or None
        :func:`correspondence_volumes` of ``year - 1``; ``None`` when no item of the register (any site)
        was received that year.
    """
    current = correspondence_volumes(correspondances, site=site, year=year)
    covered = (correspondances["date_reception"].dt.year == year - 1).any()
    previous = correspondence_volumes(correspondances, site=site, year=year - 1) if covered else None
    return current, previous


def plot_volumes(volumes: pd.DataFrame, *, title: str):
    """Horizontal stacked bars: items received per channel, one colour per type of request.

    Parameters
    ----------
    volumes : DataFrame
        :func:`correspondence_volumes` (``type``, ``canal``, ``nombre``).
    title : str
        Figure title, in French.

    Returns
    -------
    matplotlib.figure.Figure
        A new figure (French title and axis labels); the caller closes it.
    """
    import matplotlib.pyplot as plt

    table = volumes.pivot(index="canal", columns="type", values="nombre").reindex(index=_CHANNELS, columns=_TYPES)
    table.index = [label("canal", c) for c in table.index]
    table.columns = [label("type", t) for t in table.columns]
    fig, ax = plt.subplots()
    table.iloc[::-1].plot.barh(stacked=True, ax=ax, width=0.7)
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_title(title)
    ax.set_xlabel("Nombre de demandes reçues")
    ax.set_ylabel("Canal de réception")
    ax.legend(title="Type de demande", loc="lower right", frameon=True)
    fig.tight_layout()
    frame = table.fillna(0).rename_axis("Canal").reset_index()
    frame["Total"] = table.fillna(0).sum(axis=1).to_numpy()
    top = frame.loc[frame["Total"].idxmax()] if frame["Total"].sum() else None
    message = (f"Canal principal : {top['Canal'].lower()} ({format_number(top['Total'])} demandes sur "
               f"{format_number(frame['Total'].sum())})." if top is not None else "Aucune demande reçue.")
    attach_data(fig, Table(frame, title, {c: "number" for c in frame.columns if c != "Canal"}), message)
    return fig


def volumes_figures(volumes: pd.DataFrame, previous: pd.DataFrame | None) -> dict:
    """The figures recorded in ``results.json`` for the volumes.

    Parameters
    ----------
    volumes : DataFrame
        :func:`correspondence_volumes` of the year (``type``, ``canal``, ``nombre``).
    previous : DataFrame or None
        The same for the year before, or ``None``.

    Returns
    -------
    dict
        Keys ``reclamations_suggestions``, ``information``, ``information_courriel`` (int counts),
        ``par_type_et_canal`` (type → channel → count) and ``annee_precedente`` (the first three keys
        for ``previous``, or ``None``).
    """
    def totals(frame: pd.DataFrame) -> dict:
        return {
            "reclamations_suggestions": int(frame.loc[frame["type"].isin(COMPLAINT_TYPES), "nombre"].sum()),
            "information": int(frame.loc[frame["type"] == "information", "nombre"].sum()),
            "information_courriel": int(frame.loc[(frame["type"] == "information") & (frame["canal"] == "courriel"),
                                                  "nombre"].sum()),
        }
    figures = totals(volumes)
    figures["par_type_et_canal"] = {
        t: {c: int(n) for c, n in zip(g["canal"], g["nombre"])} for t, g in volumes.groupby("type")
    }
    figures["annee_precedente"] = totals(previous) if previous is not None else None
    return figures


def monthly_by_channel(items: pd.DataFrame, *, year: int) -> pd.DataFrame:
    """Items received per month of ``year`` (rows) and channel (columns, French labels).

    Parameters
    ----------
    items : DataFrame
        Register rows, already restricted to the site and types wanted; requires ``date_reception`` and
        ``canal``.
    year : int
        Year of receipt.

    Returns
    -------
    DataFrame
        Twelve rows: ``mois`` (monthly period), then one count column per channel that occurs in
        ``year``, in the channels' order, labelled in French (0 where nothing was received).
    """
    mine = items[items["date_reception"].dt.year == year]
    months = pd.period_range(f"{year}-01", f"{year}-12", freq="M", name="mois")
    table = (mine.assign(mois=mine["date_reception"].dt.to_period("M"))
             .pivot_table(index="mois", columns="canal", values="date_reception", aggfunc="size", fill_value=0)
             .reindex(index=months, columns=[c for c in _CHANNELS if c in set(mine["canal"])], fill_value=0))
    table.columns = [label("canal", c) for c in table.columns]
    return table.reset_index()


def channels_year_over_year(items: pd.DataFrame, *, year: int, disclosure: Disclosure) -> pd.DataFrame:
    """Items per channel for ``year − 1`` and ``year``, with the change in % where its base allows one.

    Parameters
    ----------
    items : DataFrame
        Register rows (``canal``, ``date_reception``).
    year : int
        Year under review.
    disclosure : Disclosure
        A relative change on a base of last year's items below the threshold is withheld.

    Returns
    -------
    DataFrame
        ``Canal``, one column per year (counts), ``Évolution (%)`` (NaN where withheld or no base).
    """
    years = items["date_reception"].dt.year
    counts = (items[years.isin([year - 1, year])].assign(annee=years)
              .pivot_table(index="canal", columns="annee", values="date_reception", aggfunc="size", fill_value=0)
              .reindex(columns=[year - 1, year], fill_value=0))
    counts = counts.reindex([c for c in _CHANNELS if c in counts.index])
    counts.loc["total"] = counts.sum()
    out = pd.DataFrame({
        "Canal": [label("canal", c) if c != "total" else "Total" for c in counts.index],
        str(year - 1): counts[year - 1].to_numpy(),
        str(year): counts[year].to_numpy(),
    })
    before = out[str(year - 1)].where(out[str(year - 1)] > 0)
    change = 100 * (out[str(year)] - out[str(year - 1)]) / before
    out["Évolution (%)"] = disclosure.mask(change, out[str(year - 1)])
    return out


def status_by_channel(items: pd.DataFrame, *, disclosure: Disclosure) -> pd.DataFrame:
    """Answer status per channel (items with delays computed), with the rate within the deadline.

    The rate is left empty where too few items count in its denominator for a share.

    Parameters
    ----------
    items : DataFrame
        Output of :func:`~qualepref_analysis.analysis.delays.correspondence_delays`, restricted to the
        site, year and types wanted; requires ``canal``, ``statut``, ``date_reception``, ``delai_max``.
    disclosure : Disclosure
        Masks the rate (a ``share``) whose denominator is below the threshold.

    Returns
    -------
    DataFrame
        One row per channel present and a ``Total`` row; columns ``Canal``, ``Délai (jours ouvrés)``
        (the channel's deadline; empty for the total), one count column per status (French labels of
        ``STATUS_LABELS``) and ``Taux dans les délais (%)``.

    Notes
    -----
    The rate's denominator is the items answered plus the unanswered ones whose deadline has passed;
    items still within their deadline (``en_attente``) are censored and left out, not counted as late.
    """
    from qualepref_analysis.analysis.delays import STATUSES, STATUS_LABELS

    table = items.pivot_table(index="canal", columns="statut", values="date_reception", aggfunc="size",
                              fill_value=0, observed=False).reindex(columns=list(STATUSES), fill_value=0)
    table = table.reindex([c for c in _CHANNELS if c in table.index])
    table.loc["total"] = table.sum()
    counted = table["dans_les_delais"] + table["en_retard"] + table["sans_reponse_hors_delai"]
    out = pd.DataFrame({"Canal": [label("canal", c) if c != "total" else "Total" for c in table.index]})
    out["Délai (jours ouvrés)"] = [int(items.loc[items["canal"] == c, "delai_max"].iloc[0])
                                   if c != "total" and (items["canal"] == c).any() else None for c in table.index]
    for status in STATUSES:
        out[STATUS_LABELS[status]] = table[status].to_numpy()
    rate = 100 * table["dans_les_delais"] / counted.where(counted > 0)
    out["Taux dans les délais (%)"] = disclosure.mask(rate, counted).to_numpy()
    return out


def readable_quantiles(stats: pd.DataFrame, *, disclosure: Disclosure) -> pd.DataFrame:
    """The output of :func:`~qualepref_analysis.analysis.delays.delay_quantiles` with French column names.

    The mean, quartiles, decile and maximum of a channel with fewer answers than the threshold are
    withheld (its number of answers is kept).

    Parameters
    ----------
    stats : DataFrame
        :func:`~qualepref_analysis.analysis.delays.delay_quantiles` with the default quantiles, reset to
        columns (``canal`` optional, ``n``, ``moyenne``, ``25%``, ``50%``, ``75%``, ``90%``, ``max``).
    disclosure : Disclosure
        Masks statistics drawn on fewer answers than the threshold.

    Returns
    -------
    DataFrame
        Those of ``Canal`` (French labels), ``Réponses``, ``Moyenne``, ``1er quartile``, ``Médiane``,
        ``3e quartile``, ``9e décile``, ``Maximum`` that ``stats`` holds (the minimum is dropped).

    Notes
    -----
    These describe answered items only; see
    :func:`~qualepref_analysis.analysis.delays.delay_quantiles`.
    """
    stats = stats.copy()
    for column in ("moyenne", "min", "25%", "50%", "75%", "90%", "max"):
        if column in stats.columns:
            stats[column] = disclosure.mask(stats[column].astype(float), stats["n"])
    names = {"canal": "Canal", "n": "Réponses", "moyenne": "Moyenne", "min": "Minimum", "25%": "1er quartile",
             "50%": "Médiane", "75%": "3e quartile", "90%": "9e décile", "max": "Maximum"}
    out = stats.rename(columns=names)
    if "Canal" in out.columns:
        out["Canal"] = [label("canal", c) for c in out["Canal"]]
    return out[[c for c in names.values() if c in out.columns and c != "Minimum"]]


def readable_time_to_answer(summary: pd.DataFrame, *, disclosure: Disclosure) -> pd.DataFrame:
    """The output of :func:`~qualepref_analysis.analysis.delays.time_to_answer` with French names.

    Shares, the mean delay and the Kaplan–Meier median of a channel with fewer complaints than the
    threshold are withheld (its count is kept).

    Parameters
    ----------
    summary : DataFrame
        :func:`~qualepref_analysis.analysis.delays.time_to_answer` (``canal`` optional, ``n``,
        ``sans_reponse``, ``delai_moyen_repondus``, ``mediane_km``, ``delai_reference``,
        ``part_dans_delai_km``).
    disclosure : Disclosure
        Masks figures drawn on fewer complaints than the threshold.

    Returns
    -------
    DataFrame
        Those of ``Canal`` (French labels), ``Réclamations``, ``Sans réponse (%)``, ``Délai moyen des
        réponses``, ``Médiane (Kaplan–Meier)``, ``Délai attendu`` and ``Répondues dans le délai
        (Kaplan–Meier, %)`` that ``summary`` holds.

    Notes
    -----
    A Kaplan–Meier median that is not reached (``inf``: more than half still unanswered at extraction)
    is shown empty rather than as a number.
    """
    out = summary.copy()
    out["mediane_km"] = out["mediane_km"].where(out["mediane_km"] != float("inf"))
    for column in ("sans_reponse", "part_dans_delai_km", "delai_moyen_repondus", "mediane_km"):
        out[column] = disclosure.mask(out[column].astype(float), out["n"])
    names = {"canal": "Canal", "n": "Réclamations", "sans_reponse": "Sans réponse (%)",
             "delai_moyen_repondus": "Délai moyen des réponses", "mediane_km": "Médiane (Kaplan–Meier)",
             "delai_reference": "Délai attendu", "part_dans_delai_km": "Répondues dans le délai (Kaplan–Meier, %)"}
    out = out.rename(columns=names)
    if "Canal" in out.columns:
        out["Canal"] = [label("canal", c) for c in out["Canal"]]
    return out[[c for c in names.values() if c in out.columns]]

