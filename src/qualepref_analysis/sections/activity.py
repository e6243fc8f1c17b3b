"""Monthly activity series shown beside the indicators: calls, website, PAN, chatbot."""

from __future__ import annotations

import pandas as pd

from qualepref_analysis.report.disclosure import Disclosure
from qualepref_analysis.report.formatting import month_labels
from qualepref_analysis.report.html import Table
from qualepref_analysis.report.labels import label

__all__ = ["monthly_calls", "monthly_website_updates", "monthly_pan_visits", "monthly_chatbot", "calls_table",
           "website_table", "pan_table", "chatbot_table"]


def _year_months(year: int) -> pd.PeriodIndex:
    return pd.period_range(f"{year}-01", f"{year}-12", freq="M", name="mois")


def monthly_calls(appels: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """Calls received and answered per month of one site and year, with the monthly rate (%).

    Parameters
    ----------
    appels : DataFrame
        Validated ``appels`` (``site``, ``mois``, ``appels_recus``, ``appels_decroches``).
    site : str
        Site code.
    year : int
        Year of the months.

    Returns
    -------
    DataFrame
        Twelve rows: ``mois`` (period), ``appels_recus``, ``appels_decroches``, ``taux_decroches`` (%).
        A month without data has NaN counts (not 0: missing is not zero); the rate is NaN where no
        call was received.
    """
    mine = appels[(appels["site"] == site) & (appels["mois"].dt.year == year)]
    monthly = mine.groupby("mois")[["appels_recus", "appels_decroches"]].sum().reindex(_year_months(year))
    monthly["taux_decroches"] = 100 * monthly["appels_decroches"] / monthly["appels_recus"].where(monthly["appels_recus"] > 0)
    return monthly.reset_index()


def monthly_website_updates(site_internet: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """Website update requests per month of request: count and published within the deadline.

    Parameters
    ----------
    site_internet : DataFrame
        Website update requests with their delays computed; requires ``site``, ``date_demande`` and
        ``statut`` (``dans_les_delais`` counts as published in time).
    site : str
        Site code.
    year : int
        Year of ``date_demande``.

    Returns
    -------
    DataFrame
        Twelve rows: ``mois`` (period), ``demandes`` (requests) and ``dans_les_delais`` (of which
        published within the deadline); 0 for a month without request.
    """
    mine = site_internet[(site_internet["site"] == site) & (site_internet["date_demande"].dt.year == year)]
    mine = mine.assign(mois=mine["date_demande"].dt.to_period("M"), ok=mine["statut"] == "dans_les_delais")
    monthly = mine.groupby("mois").agg(demandes=("ok", "size"), dans_les_delais=("ok", "sum"))
    return monthly.reindex(_year_months(year), fill_value=0).reset_index()


def monthly_pan_visits(frequentation: pd.DataFrame, *, site: str, year: int) -> pd.DataFrame:
    """PAN visits per month, one column per PAN × procedure (French labels).

    Parameters
    ----------
    frequentation : DataFrame
        Validated ``frequentation``; requires ``site``, ``mois`` (period), ``pan``, ``demarche`` (may be
        empty: « non précisée ») and ``visites``.
    site, year
        The site's code and the year of the months, as in :func:`monthly_calls`.

    Returns
    -------
    DataFrame
        Twelve rows: ``mois`` (period), then one column per « PAN – démarche » pair found, summing
        ``visites`` (NaN where that pair has no row that month). Only ``mois`` when the site has no
        visit that year.
    """
    mine = frequentation[(frequentation["site"] == site) & (frequentation["mois"].dt.year == year)]
    if mine.empty:
        return pd.DataFrame({"mois": _year_months(year)})
    demarche = mine["demarche"].fillna("non_precisee")
    key = [f"{label('pan', p)} – {label('demarche', d)}" for p, d in zip(mine["pan"], demarche)]
    table = mine.assign(serie=key).pivot_table(index="mois", columns="serie", values="visites", aggfunc="sum")
    return table.reindex(_year_months(year)).reset_index()


def monthly_chatbot(chatbot: pd.DataFrame, *, years: list[int]) -> pd.DataFrame:
    """Chatbot conversations per month over the given years.

    Parameters
    ----------
    chatbot : DataFrame
        Validated ``chatbot``; requires ``mois`` (period) and ``conversations`` (the chatbot is shared: no
        site filter).
    years : list of int
        Years to keep.

    Returns
    -------
    DataFrame
        Columns ``mois`` and ``conversations`` (sum per month); only the months present in the data.

    Examples
    --------
    >>> chatbot = pd.DataFrame({"mois": pd.PeriodIndex(["2022-12", "2023-01", "2023-01"], freq="M"),
    ...                         "conversations": [3, 4, 5]})
    >>> monthly_chatbot(chatbot, years=[2023])
          mois  conversations
    0  2023-01              9
    """
    mine = chatbot[chatbot["mois"].dt.year.isin(years)]
    return mine.groupby("mois")["conversations"].sum().reset_index()


def _with_months(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.assign(mois=month_labels(frame["mois"])).rename(columns={"mois": "Mois"})


def calls_table(calls: pd.DataFrame, *, year: int, disclosure: Disclosure) -> Table:
    """:func:`monthly_calls` as the review shows it (a monthly rate on too few calls is given as counts only).

    Parameters
    ----------
    calls : DataFrame
        :func:`monthly_calls` (``mois``, ``appels_recus``, ``appels_decroches``, ``taux_decroches``).
    year : int
        Year (caption).
    disclosure : Disclosure
        Masks the rate of a month with fewer calls received than the threshold.

    Returns
    -------
    Table
        Columns ``Mois`` (French labels, « janv. 2023 »), ``Appels reçus``, ``Appels décrochés``,
        ``Taux de décroché (%)``.
    """
    rate = disclosure.mask(calls["taux_decroches"], calls["appels_recus"])
    frame = _with_months(calls.assign(taux_decroches=rate)).rename(columns={
        "appels_recus": "Appels reçus", "appels_decroches": "Appels décrochés", "taux_decroches": "Taux de décroché (%)"})
    return Table(frame, f"Appels reçus et décrochés par mois en {year}",
                 {"Appels reçus": "number", "Appels décrochés": "number", "Taux de décroché (%)": "decimal"})


def website_table(updates: pd.DataFrame, *, year: int) -> Table:
    """:func:`monthly_website_updates` as the review shows it.

    Parameters
    ----------
    updates : DataFrame
        :func:`monthly_website_updates` (``mois``, ``demandes``, ``dans_les_delais``).
    year : int
        Year (caption).

    Returns
    -------
    Table
        Columns ``Mois``, ``Demandes``, ``Publiées dans le délai``.
    """
    frame = _with_months(updates).rename(columns={"demandes": "Demandes", "dans_les_delais": "Publiées dans le délai"})
    return Table(frame, f"Demandes de mise à jour du site internet par mois en {year}",
                 {"Demandes": "number", "Publiées dans le délai": "number"})


def pan_table(visits: pd.DataFrame, *, year: int) -> Table:
    """:func:`monthly_pan_visits` as the review shows it.

    Parameters
    ----------
    visits : DataFrame
        :func:`monthly_pan_visits` (``mois`` and one column per PAN × procedure).
    year : int
        Year (caption).

    Returns
    -------
    Table
        Columns ``Mois`` and the PAN × procedure columns, formatted as numbers.
    """
    frame = _with_months(visits)
    return Table(frame, f"Visites des points d'accueil numérique par mois en {year}",
                 {c: "number" for c in frame.columns if c != "Mois"})


def chatbot_table(conversations: pd.DataFrame) -> Table:
    """:func:`monthly_chatbot` as the review shows it.

    Parameters
    ----------
    conversations : DataFrame
        :func:`monthly_chatbot` (``mois``, ``conversations``).

    Returns
    -------
    Table
        Columns ``Mois`` (French labels) and ``Conversations``.

    Examples
    --------
    >>> frame = pd.DataFrame({"mois": pd.PeriodIndex(["2023-01"], freq="M"), "conversations": [9]})
    >>> chatbot_table(frame).frame.to_dict("records") == [{"Mois": "janv.\u00a02023", "Conversations": 9}]
    True
    """
    frame = _with_months(conversations).rename(columns={"conversations": "Conversations"})
    return Table(frame, "Conversations du chatbot par mois", {"Conversations": "number"})
