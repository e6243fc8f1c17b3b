"""Standard errors after post-stratification: R's survey, qualepref_analysis, samplics.

Uses the committed R reference (tests/reference/survey_reference.json). samplics' Taylor
estimator treats the weights as fixed, ignoring the calibration, so its SE differs from R's;
qualepref_analysis linearises through the calibration as R does. Needs the ``bench`` extra.

Usage: ``python benchmarks/compare_survey_se.py``
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.survey import poststratify, proportion

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference"


def main() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        from samplics.estimation import TaylorEstimator
        from samplics.utils.types import PopParam
    responses = pd.read_csv(REFERENCE / "survey_data.csv")
    margins = pd.read_csv(REFERENCE / "survey_margins.csv")
    reference = json.loads((REFERENCE / "survey_reference.json").read_text())["poststratification"]["questions"]
    weights = poststratify(responses, margins, "service")
    print(f"{'question':10} {'R survey':>10} {'ours':>10} {'samplics':>10} {'ours/R-1':>10} {'samplics/R-1':>13}")
    for question, ref in reference.items():
        answered = responses[question].notna()
        y = responses.loc[answered, question].isin([3, 4]).astype(float).to_numpy()
        estimator = TaylorEstimator(PopParam.mean)
        estimator.estimate(y=y, samp_weight=weights.values[answered].to_numpy())
        variance = estimator.variance
        samplics_se = float(np.sqrt(np.ravel(list(variance.values()) if isinstance(variance, dict) else variance)[0]))
        ours = proportion(responses, question, weights).se
        print(f"{question:10} {ref['se']:10.6f} {ours:10.6f} {samplics_se:10.6f} {ours / ref['se'] - 1:+10.1e} "
              f"{samplics_se / ref['se'] - 1:+12.1%}")


if __name__ == "__main__":
    main()
