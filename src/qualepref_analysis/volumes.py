"""Volumes of written correspondence received, by type and channel."""

from __future__ import annotations

import pandas as pd

from .labels import label

__all__ = ["correspondence_volumes", "volumes_with_previous", "volumes_table", "volumes_narrative",
           "plot_volumes", "volumes_figures"]

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
        Columns ``type``, ``canal``, ``nombre`` (0 where nothing was received).
    """
    mine = correspondances[(correspondances["site"] == site)
                           & (correspondances["date_reception"].dt.year == year)]
    counts = mine.groupby(["type", "canal"], observed=True).size()
    full = pd.MultiIndex.from_product([_TYPES, _CHANNELS], names=["type", "canal"])
    return counts.reindex(full, fill_value=0).rename("nombre").reset_index()


def volumes_table(volumes: pd.DataFrame) -> pd.DataFrame:
    """A readable cross-table: one row per type, one column per channel, French labels, totals."""
    table = volumes.pivot(index="type", columns="canal", values="nombre").reindex(index=_TYPES, columns=_CHANNELS)
    table["total"] = table.sum(axis=1)
    table.loc["total"] = table.sum(axis=0)
    table.index = [label("type", t) if t != "total" else "Total" for t in table.index]
    table.columns = [label("canal", c) if c != "total" else "Total" for c in table.columns]
    table.index.name = "Type de demande"
    return table.reset_index()


def volumes_narrative(volumes: pd.DataFrame, previous: pd.DataFrame | None, *, site_label: str, year: int) -> str:
    """A French paragraph on the volumes received, set against the previous year."""
    from .report import format_number, format_percent, plural, site_subject

    complaints = int(volumes.loc[volumes["type"].isin(["reclamation", "suggestion"]), "nombre"].sum())
    information = int(volumes.loc[volumes["type"] == "information", "nombre"].sum())
    by_channel = volumes[volumes["type"].isin(["reclamation", "suggestion"])].groupby("canal")["nombre"].sum()
    text = (f"En {year}, {site_subject(site_label)} a reçu {plural(complaints, 'réclamation ou suggestion', 'réclamations et suggestions')}"
            f" et {plural(information, 'demande', 'demandes')} d'information.")
    if complaints:
        top = by_channel.idxmax()
        text += (f" Le premier canal des réclamations et suggestions est « {label('canal', top)} » "
                 f"({format_number(by_channel.max())} sur {format_number(complaints)}).")
    if previous is not None:
        before = int(previous.loc[previous["type"].isin(["reclamation", "suggestion"]), "nombre"].sum())
        if before:
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
    """Volumes of ``year`` and of the year before (``None`` when the register does not cover it)."""
    current = correspondence_volumes(correspondances, site=site, year=year)
    covered = (correspondances["date_reception"].dt.year == year - 1).any()
    previous = correspondence_volumes(correspondances, site=site, year=year - 1) if covered else None
    return current, previous


def plot_volumes(volumes: pd.DataFrame, *, title: str):
    """Horizontal stacked bars: items received per channel, one colour per type of request.

    Returns the matplotlib Figure (French title and axis labels).
    """
    import matplotlib.pyplot as plt

    table = volumes.pivot(index="canal", columns="type", values="nombre").reindex(index=_CHANNELS, columns=_TYPES)
    table.index = [label("canal", c) for c in table.index]
    table.columns = [label("type", t) for t in table.columns]
    fig, ax = plt.subplots()
    table.iloc[::-1].plot.barh(stacked=True, ax=ax, width=0.7)
    ax.set_title(title)
    ax.set_xlabel("Nombre de demandes reçues")
    ax.set_ylabel("Canal de réception")
    ax.legend(title="Type de demande", loc="lower right", frameon=True)
    fig.tight_layout()
    return fig


def volumes_figures(volumes: pd.DataFrame, previous: pd.DataFrame | None) -> dict:
    """The figures recorded in ``results.json`` for the volumes."""
    def totals(frame: pd.DataFrame) -> dict:
        return {
            "reclamations_suggestions": int(frame.loc[frame["type"].isin(["reclamation", "suggestion"]), "nombre"].sum()),
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
