"""Raking 1 000 000 respondents on 3 margins, against the ipfn package in the same run.

Both rake the same synthetic sample (service × half-day × collection mode) to the
same margins, to a relative tolerance of 1e-10 on every margin; the script reports
both times, the ratio, and the largest relative difference between the two sets
of weights. Then the same respondents split into 660 campaigns (330 sites × 2) and
raked all at once by :func:`weighted_shares`, against a loop of :func:`rake` over the
campaigns (the same engine, one group at a time). The comparison needs the ``bench`` extra (``pip install -e ".[bench]"``);
without ``ipfn`` only our time is reported.

Usage: ``python benchmarks/bench_raking.py [N]``
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from qualepref_analysis.analysis.survey import proportion, rake, weighted_shares

SERVICES = ["sejour_etrangers", "naturalisations", "accueil_general", "pan", "autres", "cert"]


def sample(n: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    responses = pd.DataFrame({
        "service": rng.choice(SERVICES, size=n, p=[.5, .15, .12, .05, .13, .05]),
        "demi_journee": rng.choice(["matin", "apres_midi"], size=n, p=[.7, .3]),
        "mode": rng.choice(["qr", "papier"], size=n, p=[.6, .4]),
    })
    total = 10_000_000.0
    shares = {"service": [.3, .1, .3, .1, .15, .05], "demi_journee": [.55, .45], "mode": [.45, .55]}
    categories = {"service": SERVICES, "demi_journee": ["matin", "apres_midi"], "mode": ["qr", "papier"]}
    margins = pd.DataFrame([(v, c, total * s) for v in shares for c, s in zip(categories[v], shares[v])],
                           columns=["variable", "modalite", "effectif"])
    return responses, margins


def with_ipfn(responses: pd.DataFrame, margins: pd.DataFrame, variables: list[str]) -> np.ndarray:
    from ipfn import ipfn

    frame = responses.copy()
    frame["total"] = 1.0
    aggregates = [margins[margins["variable"] == v].set_index("modalite")["effectif"].rename_axis(v) for v in variables]
    fitter = ipfn.ipfn(frame, aggregates, [[v] for v in variables], weight_col="total",
                       convergence_rate=1e-12, max_iteration=1000, rate_tolerance=0)
    return fitter.iteration()["total"].to_numpy()


def campaigns(responses: pd.DataFrame, margins: pd.DataFrame, sites: int = 330,
              seed: int = 4) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sample split into ``sites`` × 2 campaigns, each with margins of its own size."""
    rng = np.random.default_rng(seed)
    n = len(responses)
    frame = responses.assign(site=rng.integers(0, sites, n).astype(str), campagne=rng.choice(["2021", "2022"], n),
                             q_global=rng.integers(1, 5, n))
    sizes = frame.groupby(["site", "campagne"]).size().rename("taille").reset_index()
    share = margins.assign(effectif=margins["effectif"] / margins.groupby("variable")["effectif"].transform("sum"))
    grouped = sizes.merge(share, how="cross")
    grouped["effectif"] = grouped["effectif"] * grouped["taille"] * 10
    return frame, grouped.drop(columns="taille")


def by_group(responses: pd.DataFrame, margins: pd.DataFrame, variables: list[str]) -> None:
    start = time.perf_counter()
    together = weighted_shares(responses, margins, "q_global", variables=tuple(variables))
    vectorised = time.perf_counter() - start
    start = time.perf_counter()
    alone = {}
    for (site, campaign), mine in responses.groupby(["site", "campagne"]):
        theirs = margins[(margins["site"] == site) & (margins["campagne"] == campaign)]
        alone[(site, campaign)] = 100 * proportion(mine, "q_global", rake(mine, theirs, variables)).estimate
    looped = time.perf_counter() - start
    expected = pd.Series(alone).rename_axis(["site", "campagne"])
    gap = np.max(np.abs(together.set_index(["site", "campagne"])["part"] / expected - 1))
    print(f"{len(together)} campaigns, {len(responses):,} respondents")
    print(f"weighted_shares (all at once): {vectorised:7.2f} s")
    print(f"loop of rake per campaign    : {looped:7.2f} s")
    print(f"speed-up                     : {looped / vectorised:7.1f}x")
    print(f"largest relative difference between the shares: {gap:.1e}")


def main(n: int = 1_000_000) -> None:
    responses, margins = sample(n)
    variables = ["service", "demi_journee", "mode"]
    start = time.perf_counter()
    ours = rake(responses, margins, variables, tol=1e-10)
    mine = time.perf_counter() - start
    print(f"{n:,} respondents, 3 margins ({', '.join(variables)})")
    print(f"qualepref rake (numpy IPF)  : {mine:7.2f} s, {ours.convergence.iterations} sweeps, "
          f"max margin error {ours.convergence.max_relative_error:.1e}")
    try:
        import ipfn  # noqa: F401
    except ImportError:
        print("ipfn                        : not installed (pip install -e \".[bench]\"): our time only")
    else:
        start = time.perf_counter()
        theirs = with_ipfn(responses, margins, variables)
        other = time.perf_counter() - start
        gap = np.max(np.abs(ours.values.to_numpy() / theirs - 1))
        print(f"ipfn                        : {other:7.2f} s")
        print(f"speed-up                    : {other / mine:7.1f}x")
        print(f"largest relative difference between the weights: {gap:.1e}")
    print()
    by_group(*campaigns(responses, margins), variables)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
