"""Write two survey campaigns of one site for the R reference of changes and sparse strata (deterministic).

Campaign 2021: 180 respondents, every service answered by at least 10. Campaign 2022: 160
respondents, the PAN answered by 4, general reception by 3 and « autres » by 2: with a threshold
of 10 they are merged into one « autres services » stratum of 9, still short, which then joins
the remaining service with the fewest respondents (naturalisations). Run from this folder:
``python make_campaign_data.py`` then ``Rscript campaigns_reference.R`` (see README.md).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).resolve().parent
SERVICES = ["sejour_etrangers", "naturalisations", "accueil_general", "pan", "autres"]
MOOD = {"sejour_etrangers": 0.6, "naturalisations": 0.75, "accueil_general": 0.9, "pan": 0.85, "autres": 0.8}


def _campaign(rng, name: str, counts: dict[str, int]) -> pd.DataFrame:
    service = np.repeat(list(counts), list(counts.values()))
    n = len(service)
    half = rng.choice(["matin", "apres_midi"], size=n, p=[0.65, 0.35])
    p = np.array([MOOD[s] for s in service]) - np.where(half == "apres_midi", 0.1, 0) + (0.05 if name == "2022" else 0)
    frame = pd.DataFrame({"id": [f"C{name}-{i:03d}" for i in range(n)], "site": "s", "campagne": name,
                          "service": service, "demi_journee": half})
    for question, missing in (("q_global", 0.05), ("q_attente", 0.1)):
        happy = rng.random(n) < p
        values = np.where(happy, rng.choice([3, 4], size=n), rng.choice([1, 2], size=n)).astype(float)
        values[rng.random(n) < missing] = np.nan
        frame[question] = values
    return frame


def main() -> None:
    rng = np.random.default_rng(20261202)
    data = pd.concat([
        _campaign(rng, "2021", {"sejour_etrangers": 100, "naturalisations": 30, "accueil_general": 25, "pan": 12,
                                "autres": 13}),
        _campaign(rng, "2022", {"sejour_etrangers": 120, "naturalisations": 31, "accueil_general": 3, "pan": 4,
                                "autres": 2}),
    ], ignore_index=True)
    data.to_csv(HERE / "campaigns_data.csv", index=False)
    rows = []
    for name, footfall, halves in (("2021", [3000, 900, 3800, 1100, 1500], [6000, 4300]),
                                   ("2022", [3200, 1000, 4100, 1200, 1600], [6500, 4600])):
        rows += [("s", name, "service", s, float(f)) for s, f in zip(SERVICES, footfall)]
        rows += [("s", name, "demi_journee", h, float(f)) for h, f in zip(["matin", "apres_midi"], halves)]
    pd.DataFrame(rows, columns=["site", "campagne", "variable", "modalite", "effectif"]).to_csv(
        HERE / "campaigns_margins.csv", index=False)


if __name__ == "__main__":
    main()
