"""What the correspondence register holds: which items are complaints, which carry a manual subject.

The one definition of a *complaint* used everywhere (indicators, volumes, subjects, Services
Publics+): an item of ``type`` *reclamation* or *suggestion* (INDICATORS.md).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["COMPLAINT_TYPES", "is_complaint", "complaints_of", "rows_by_site", "labelled_complaints"]

#: Types of the register that count as complaints (« réclamations et suggestions »).
COMPLAINT_TYPES = ("reclamation", "suggestion")


def is_complaint(items: pd.DataFrame) -> pd.Series:
    """Boolean mask of the complaints and suggestions of a register (column ``type``).

    Parameters
    ----------
    items : DataFrame
        Register rows; requires ``type``.

    Returns
    -------
    Series of bool
        Same index as ``items``; True where ``type`` is one of :data:`COMPLAINT_TYPES`.

    Examples
    --------
    >>> is_complaint(pd.DataFrame({"type": ["reclamation", "demande", "suggestion"]})).tolist()
    [True, False, True]
    """
    return items["type"].isin(COMPLAINT_TYPES)


def complaints_of(items: pd.DataFrame, *, site: str | None = None, year: int | None = None) -> pd.DataFrame:
    """Complaints and suggestions of a register, optionally of one site and one year of receipt.

    Parameters
    ----------
    items : DataFrame
        Register rows; requires ``type``, and ``site`` / ``date_reception`` when filtering on them.
    site : str, optional
        Site code.
    year : int, optional
        Year of ``date_reception``.

    Returns
    -------
    DataFrame
        The selected rows, all columns kept.

    Examples
    --------
    >>> items = pd.DataFrame({"type": ["reclamation", "demande"], "site": ["75", "75"]})
    >>> complaints_of(items, site="75")
              type site
    0  reclamation   75
    """
    mask = is_complaint(items)
    if site is not None:
        mask &= items["site"] == site
    if year is not None:
        mask &= items["date_reception"].dt.year == year
    return items[mask]


def rows_by_site(items: pd.DataFrame) -> dict[str, np.ndarray]:
    """Row positions of each site in a register, to take one site's rows without scanning them all.

    Parameters
    ----------
    items : DataFrame
        Register rows; requires ``site``.

    Returns
    -------
    dict
        Site code → positions of its rows (for ``items.iloc``), in the register's order; a row
        without a site belongs to none.

    Examples
    --------
    >>> rows_by_site(pd.DataFrame({"site": ["75", "13", "75"]}))
    {'75': array([0, 2]), '13': array([1])}
    """
    groups = items.groupby("site", sort=False, observed=True, dropna=True).indices
    return {str(code): positions for code, positions in groups.items()}


def labelled_complaints(items: pd.DataFrame) -> pd.DataFrame:
    """The rows whose subject an agent filled by hand (``categorie``) and that have a text (``texte``).

    These are the training and evaluation examples of the complaint categoriser.

    Parameters
    ----------
    items : DataFrame
        Register rows (usually complaints, :func:`complaints_of`); uses ``categorie`` and ``texte``.

    Returns
    -------
    DataFrame
        The rows where both ``categorie`` and ``texte`` are filled, all columns kept; no row (same
        columns) when either column is absent.

    Examples
    --------
    >>> items = pd.DataFrame({"texte": ["Attente trop longue", None], "categorie": ["accueil", "accueil"]})
    >>> labelled_complaints(items)
                     texte categorie
    0  Attente trop longue   accueil
    """
    if "texte" not in items.columns or "categorie" not in items.columns:
        return items.iloc[:0]
    return items[items["categorie"].notna() & items["texte"].notna()]
