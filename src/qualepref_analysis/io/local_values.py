"""Offices' own words: local values and site names turned into the data contract's codes.

An export says « Mél » where the contract says ``courriel``, « Sous-préfecture de Sélestat-Erstein »
where it says ``selestat``. Both are resolved here, before validation:

- **value mappings** (``valeurs`` of ``params/sites.yaml``, per data set and column): a cell equal
  to a mapped value, without regard to case, accents, spaces or punctuation, takes its code; the
  contract's codes stay accepted beside the mapped words;
- **site names**: wherever a site code is expected, a cell may give the site's code, one of its
  ``alias``, its ``libelle``, or the ``libelle`` without « Préfecture de… » / « Sous-préfecture
  de… » in front, compared the same tolerant way.

A value that matches nothing is left as typed: validation then sets its row aside with a message
that lists what is allowed (:func:`allowed_values_hint`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

from qualepref_analysis.io.normalise import normalise_code

__all__ = ["value_key", "apply_value_mappings", "SiteNames", "allowed_values_hint"]

_ADMINISTRATION = re.compile(r"^(?:sous[\s_-]*)?pr[ée]fecture\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+|d['’]\s*)?",
                             re.IGNORECASE)


def value_key(value: object) -> str:
    """The form in which typed values are compared: no case, accent, space or punctuation.

    Examples
    --------
    >>> value_key("Mél"), value_key(" MEL "), value_key("Demande d’information")
    ('mel', 'mel', 'demande_d_information')
    """
    return normalise_code(str(value).replace("’", "'"))


def apply_value_mappings(cells: pd.DataFrame, mappings: Mapping[str, Mapping[object, str]]) -> pd.DataFrame:
    """``cells`` (strings, one column per contract column) with the mapped values replaced by their codes.

    Parameters
    ----------
    cells : DataFrame
        The trimmed cells of one data file, columns named after the data contract.
    mappings : mapping
        Column → {value of the local export: code of the contract} (``valeurs.<data set>``).

    Returns
    -------
    DataFrame
        A copy where each cell matching a mapped value (by :func:`value_key`) holds the code;
        every other cell unchanged.

    Examples
    --------
    >>> cells = pd.DataFrame({"canal": ["Mél", "courriel", "Pigeon"]})
    >>> apply_value_mappings(cells, {"canal": {"mél": "courriel"}})["canal"].tolist()
    ['courriel', 'courriel', 'Pigeon']
    """
    out = cells.copy()
    for column, mapping in mappings.items():
        if column not in out.columns or not mapping:
            continue
        by_key = {value_key(source): str(code) for source, code in mapping.items()}
        distinct = pd.unique(out[column].to_numpy())
        replaced = {v: by_key.get(value_key(v), v) for v in distinct if isinstance(v, str) and v}
        out[column] = out[column].map(lambda v: replaced.get(v, v))
    return out


def allowed_values_hint(column: str, mapping: Mapping[object, str] | None) -> str:
    """What an unrecognised value of ``column`` could have been, besides the contract's codes."""
    if not mapping:
        return ""
    shown = ", ".join(f"« {source} »" for source in mapping)
    return f" ; ou l'une des valeurs de params/sites.yaml (valeurs, colonne {column}) : {shown}"


class SiteNames:
    """Resolves the ways a site is written in the files to its code.

    Parameters
    ----------
    sites : mapping
        Site code → an object with ``libelle`` and ``aliases`` (:class:`~qualepref_analysis.io.params.Site`).

    Examples
    --------
    >>> from types import SimpleNamespace as Site
    >>> names = SiteNames({"selestat": Site(libelle="Sous-préfecture de Sélestat-Erstein", aliases=("SP 67-2",))})
    >>> names.resolve(pd.Series(["Sélestat-Erstein", "SOUS-PRÉFECTURE DE SÉLESTAT-ERSTEIN", "sp 67 2", "Colmar"])).tolist()
    ['selestat', 'selestat', 'selestat', 'colmar']
    """

    def __init__(self, sites: Mapping[str, object]) -> None:
        claims: dict[str, set[str]] = {}
        for code, site in sites.items():
            libelle = str(getattr(site, "libelle", "") or "")
            for name in (code, *getattr(site, "aliases", ()), libelle, _ADMINISTRATION.sub("", libelle)):
                key = value_key(name)
                if key:
                    claims.setdefault(key, set()).add(code)
        # a name two sites could claim (two « Préfecture de … » reduced alike) names neither
        self._codes = {key: next(iter(codes)) for key, codes in claims.items() if len(codes) == 1}

    def resolve(self, raw: pd.Series) -> pd.Series:
        """Each cell's site code; a cell that names no site keeps its code-like form (validation rejects it)."""
        distinct = pd.unique(raw.to_numpy())
        mapping = {v: self.code_of(v) for v in distinct}
        return raw.map(mapping)

    def code_of(self, value: object) -> str:
        """The code of the site ``value`` names, else ``value`` in code form."""
        text = "" if value is None else str(value)
        if not text.strip():
            return text
        key = value_key(text)
        return self._codes.get(key) or self._codes.get(value_key(_ADMINISTRATION.sub("", text.strip()))) \
            or re.sub(r"\s+", "_", key)

    @property
    def known(self) -> Iterable[str]:
        """Every accepted spelling, in comparison form."""
        return self._codes.keys()
