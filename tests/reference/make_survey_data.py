"""Write the survey data set the R reference is computed on (deterministic).

Synthetic site of 300 respondents dominated by one service, with a second
margin (half-day), questions with few and many non-responses, and a tiny
domain. Run from this folder: ``python make_survey_data.py`` then
``Rscript survey_reference.R`` (see README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent


def main() -> None:
    rng = np.random.default_rng(20240501)
    n = 300
    service = rng.choice(["sejour_etrangers", "naturalisations", "accueil_general", "pan", "autres"], size=n,
                         p=[0.55, 0.15, 0.12, 0.06, 0.12])
    half = rng.choice(["matin", "apres_midi"], size=n, p=[0.7, 0.3])
    mood = {"sejour_etrangers": 0.55, "naturalisations": 0.7, "accueil_general": 0.9, "pan": 0.85, "autres": 0.8}
    p = np.array([mood[s] for s in service]) - np.where(half == "apres_midi", 0.1, 0)
    frame = pd.DataFrame({"id": [f"R{i:03d}" for i in range(n)], "service": service, "demi_journee": half})
    for question, missing in (("q_global", 0.05), ("q_attente", 0.0), ("q_pmr", 0.6)):
        happy = rng.random(n) < p
        values = np.where(happy, rng.choice([3, 4], size=n), rng.choice([1, 2], size=n)).astype(float)
        values[rng.random(n) < missing] = np.nan
        frame[question] = values
    # a question only the PAN's and general reception's users answered (a small domain)
    frame["q_borne"] = np.where(np.isin(service, ["pan", "accueil_general"]), frame["q_global"], np.nan)
    frame.to_csv(HERE / "survey_data.csv", index=False)
    margins = pd.DataFrame({
        "variable": ["service"] * 5 + ["demi_journee"] * 2,
        "modalite": ["sejour_etrangers", "naturalisations", "accueil_general", "pan", "autres", "matin", "apres_midi"],
        "effectif": [3200.0, 900.0, 4100.0, 1200.0, 1600.0, 6600.0, 4400.0],
    })
    margins.to_csv(HERE / "survey_margins.csv", index=False)


if __name__ == "__main__":
    main()
