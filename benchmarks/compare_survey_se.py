"""Standard errors after post-stratification and raking: R's survey, qualepref_analysis, samplics.

Uses the committed R reference (tests/reference/survey_reference.json). samplics' Taylor
estimator treats the weights as fixed, ignoring the calibration, so its SE differs from R's;
qualepref_analysis linearises through the calibration as R does. The samplics column needs the
``bench`` extra; without it, R and ours only.

Usage: ``python benchmarks/compare_survey_se.py``
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.survey import poststratify, proportion, rake

REFERENCE = Path(__file__).resolve().parents[1] / "tests" / "reference"


def _samplics_se(y: np.ndarray, weights: np.ndarray) -> float | None:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            from samplics.estimation import TaylorEstimator
            from samplics.utils.types import PopParam
    except ImportError:
        return None
    estimator = TaylorEstimator(PopParam.mean)
    estimator.estimate(y=y, samp_weight=weights)
    variance = estimator.variance
    return float(np.sqrt(np.ravel(list(variance.values()) if isinstance(variance, dict) else variance)[0]))


def main() -> None:
    responses = pd.read_csv(REFERENCE / "survey_data.csv")
    margins = pd.read_csv(REFERENCE / "survey_margins.csv")
    reference = json.loads((REFERENCE / "survey_reference.json").read_text())
    designs = {"poststratification": poststratify(responses, margins, "service"),
               "raking": rake(responses, margins, ["service", "demi_journee"])}
    for method, weights in designs.items():
        print(f"\n{method}")
        print(f"{'question':10} {'R survey':>10} {'ours':>10} {'samplics':>10} {'ours/R-1':>10} {'samplics/R-1':>13}")
        for question, ref in reference[method]["questions"].items():
            answered = responses[question].notna()
            y = responses.loc[answered, question].isin([3, 4]).astype(float).to_numpy()
            theirs = _samplics_se(y, weights.values[answered].to_numpy())
            ours = proportion(responses, question, weights).se
            shown = ("—", "—") if theirs is None else (f"{theirs:.6f}", f"{theirs / ref['se'] - 1:+.1%}")
            print(f"{question:10} {ref['se']:10.6f} {ours:10.6f} {shown[0]:>10} {ours / ref['se'] - 1:+10.1e} "
                  f"{shown[1]:>13}")
    if _samplics_se(np.ones(2), np.ones(2)) is None:
        print("\nsamplics not installed (pip install -e \".[bench]\"): its column is empty.")


if __name__ == "__main__":
    main()
