"""The small-cell rule, in one place: what the review may publish of a figure computed on few units.

A figure computed on few units could point at the people behind it, and says little anyway.
:class:`Disclosure` decides, for each published figure, whether it is

- **shown** (:attr:`Treatment.SHOW`);
- **shown as counts** (:attr:`Treatment.COUNTS`: « 3 sur 4 » instead of « 75,0 % »);
- **withheld** (:attr:`Treatment.WITHHOLD`: no value, no point on a chart).

The rule (``seuil_petits_effectifs``, and ``seuil_petits_effectifs_enquete`` for survey figures):

============  =====================================================  =================
figure        n is…                                                   below the threshold
============  =====================================================  =================
``count``     the count itself                                        shown
``share``     the denominator of a rate or share                      counts
``statistic`` the items a mean, quantile, median or curve is drawn on  withheld
``change``    the base a relative change (%) is computed on           withheld
``chart``     the items of one group drawn in a distribution chart    withheld
============  =====================================================  =================

Every table, chart, sentence and record of the review asks this object; nothing else compares a
count with a threshold.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

__all__ = ["Treatment", "Disclosure", "FIGURES"]

#: The kinds of figure the rule knows.
FIGURES = ("count", "share", "statistic", "change", "chart")


class Treatment(enum.Enum):
    """What is published of a figure."""

    SHOW = "publie"
    COUNTS = "effectifs"
    WITHHOLD = "retenu"


@dataclass(frozen=True)
class Disclosure:
    """The small-cell policy of a review.

    Parameters
    ----------
    threshold : int
        Smallest number of units a share, statistic, change or chart group is computed on
        (``seuil_petits_effectifs``).
    survey_threshold : int
        The same for survey figures, in respondents (``seuil_petits_effectifs_enquete``).

    Examples
    --------
    >>> rule = Disclosure(threshold=10, survey_threshold=20)
    >>> rule.decide("share", 4)
    <Treatment.COUNTS: 'effectifs'>
    >>> rule.shows("statistic", 12), rule.shows("statistic", 12, survey=True)
    (True, False)
    """

    threshold: int
    survey_threshold: int

    @classmethod
    def from_params(cls, params) -> "Disclosure":
        """The policy of a review's parameters (:class:`~qualepref_analysis.io.params.Params`)."""
        return cls(int(params.small_cell_threshold), int(params.survey_small_cell_threshold))

    def limit(self, *, survey: bool = False) -> int:
        """The threshold that applies (at least 1: nothing is computed on no unit)."""
        return max(int(self.survey_threshold if survey else self.threshold), 1)

    def decide(self, figure: str, n: object, *, survey: bool = False) -> Treatment:
        """What is published of a ``figure`` (one of :data:`FIGURES`) computed on ``n`` units.

        A missing ``n`` counts as no unit.
        """
        if figure not in FIGURES:
            raise ValueError(f"figure {figure!r} inconnue ; possibles : {', '.join(FIGURES)}.")
        if figure == "count":
            return Treatment.SHOW
        units = 0.0 if n is None or (isinstance(n, float) and math.isnan(n)) or n is pd.NA else float(n)
        if units >= self.limit(survey=survey):
            return Treatment.SHOW
        return Treatment.COUNTS if figure == "share" else Treatment.WITHHOLD

    def shows(self, figure: str, n: object, *, survey: bool = False) -> bool:
        """Whether the figure itself (not only its counts) is published."""
        return self.decide(figure, n, survey=survey) is Treatment.SHOW

    def mask(self, values: pd.Series, n: pd.Series, *, survey: bool | pd.Series = False) -> pd.Series:
        """``values`` with NaN wherever the figure they hold is not shown on its ``n`` (vectorised)."""
        limit = (np.where(np.asarray(survey, dtype=bool), self.limit(survey=True), self.limit())
                 if isinstance(survey, pd.Series) else self.limit(survey=bool(survey)))
        counted = pd.to_numeric(n, errors="coerce").fillna(0).to_numpy(dtype=float)
        return values.where(counted >= limit)

    def small(self, n: pd.Series, *, survey: bool | pd.Series = False) -> pd.Series:
        """Boolean Series: whether each ``n`` is below the threshold (a *petit effectif*)."""
        limit = (np.where(np.asarray(survey, dtype=bool), self.limit(survey=True), self.limit())
                 if isinstance(survey, pd.Series) else self.limit(survey=bool(survey)))
        counted = pd.to_numeric(n, errors="coerce").fillna(0).to_numpy(dtype=float)
        return pd.Series(counted < limit, index=n.index)

    def indicators(self, catalogue: pd.DataFrame) -> pd.DataFrame:
        """The indicator catalogue with what may be published of each value.

        Parameters
        ----------
        catalogue : DataFrame
            :func:`~qualepref_analysis.analysis.indicators.compute_indicators`; requires ``unite``,
            ``secret`` (``general``, ``enquete`` or empty: which threshold applies to ``denominateur``),
            ``valeur``, ``denominateur``, ``cible``, ``evaluation``, ``valeur_annee_precedente``,
            ``n_annee_precedente``, ``evolution_relative``.

        Returns
        -------
        DataFrame
            A copy with ``petit_effectif`` and ``petit_effectif_annee_precedente`` (bool), ``evaluation``
            set to ``non_evaluable`` (and ``atteint`` to NA) where a target cannot be judged on too few
            units, and ``evolution_relative`` withheld where last year's count is below the threshold.
        """
        frame = catalogue.copy()
        ruled = frame["secret"].isin(["general", "enquete"])
        survey = frame["secret"] == "enquete"
        frame["petit_effectif"] = (ruled & self.small(frame["denominateur"], survey=survey)).astype(bool)
        before_ruled = ruled & frame["valeur_annee_precedente"].notna()
        frame["petit_effectif_annee_precedente"] = (
            before_ruled & self.small(frame["n_annee_precedente"], survey=survey)).astype(bool)
        judged = frame["evaluation"].isin(["atteint", "non_atteint"])
        frame.loc[judged & frame["petit_effectif"], "evaluation"] = "non_evaluable"
        frame["atteint"] = pd.Series(np.where(frame["evaluation"] == "atteint", True,
                                              np.where(frame["evaluation"] == "non_atteint", False, None)),
                                     index=frame.index, dtype="boolean")
        # A relative change of a count (« +600 % » from 2 to 14) is a percentage on its base.
        counted = frame["unite"].isin(["nombre", "visites_mois"])
        base = frame["valeur_annee_precedente"].where(counted)
        frame["evolution_relative"] = frame["evolution_relative"].where(
            ~counted | ~self.small(base.fillna(0)))
        return frame
