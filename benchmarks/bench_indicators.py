"""Indicator catalogue and delay statuses for 1 000 000 correspondences, against a naive baseline.

Synthetic registers: 300 sites (one in ten on the Alsace-Moselle calendar),
three years, 1 000 000 correspondences, monthly calls, website requests,
PAN visits, a chatbot and a satisfaction survey with margins.

- ours: :func:`qualepref_analysis.analysis.indicators.compute_indicators` on the
  validated frames (delays, deadlines, statuses, the whole catalogue, previous year);
- baseline, in the same run: the delay and status of each correspondence by a
  row-wise ``DataFrame.apply`` walking day by day with a ``holidays`` lookup per
  date (what a spreadsheet-minded script does), then the same group-bys for the
  complaint and e-mail indicators. The baseline runs on a sample
  (``--baseline-rows``, default 100 000) and is scaled linearly to the full size
  (it is linear in rows); ``--baseline-rows 1000000`` runs it in full.

Peak memory: the process's peak resident size after the run, and the peak of
Python allocations (tracemalloc) during one extra run of ours.

Usage: ``python benchmarks/bench_indicators.py [--rows 1000000] [--baseline-rows 100000]``
"""

from __future__ import annotations

import argparse
import datetime as dt
import resource
import time
import tracemalloc
from pathlib import Path

import holidays
import numpy as np
import pandas as pd

from qualepref_analysis.analysis.indicators import compute_indicators
from qualepref_analysis.io.params import Params, Site, load_params

ROOT = Path(__file__).resolve().parents[1]
CHANNELS = np.array(["courriel", "courrier", "services_publics_plus", "urne", "formulaire_web"])


def synthetic_params(n_sites: int) -> Params:
    base = load_params(ROOT / "params")
    sites = {f"s{i:03d}": Site(f"s{i:03d}", f"Site {i}", "prefecture" if i == 0 else "sous_prefecture",
                                "alsace_moselle" if i % 10 == 0 else "metropole") for i in range(n_sites)}
    return Params(base.directory, base.prefecture, sites, {}, {**base.settings.as_dict(), "date_extraction": dt.date(2023, 1, 31)})


def synthetic_data(rows: int, n_sites: int, seed: int = 1) -> dict[str, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    sites = np.array([f"s{i:03d}" for i in range(n_sites)])
    receipt = np.datetime64("2020-01-01") + rng.integers(0, 3 * 365, size=rows).astype("timedelta64[D]")
    delay_days = rng.geometric(0.3, size=rows).astype("timedelta64[D]")
    answer = (receipt + delay_days).astype("datetime64[ns]")
    answer[rng.random(rows) < 0.15] = np.datetime64("NaT")
    correspondances = pd.DataFrame({
        "id": np.arange(rows).astype(str),
        "site": sites[rng.integers(0, n_sites, size=rows)],
        "type": rng.choice(["reclamation", "suggestion", "information"], size=rows, p=[.3, .05, .65]),
        "canal": CHANNELS[rng.integers(0, len(CHANNELS), size=rows)],
        "date_reception": receipt.astype("datetime64[ns]"),
        "date_reponse": answer,
    })
    months = pd.period_range("2020-01", "2022-12", freq="M")
    grid = pd.MultiIndex.from_product([sites, months], names=["site", "mois"]).to_frame(index=False)
    received = rng.integers(500, 5000, size=len(grid))
    appels = grid.assign(appels_recus=received, appels_decroches=(received * rng.uniform(.8, 1, len(grid))).astype(int))
    pan = grid.assign(pan="ants", demarche="permis_conduire", visites=rng.integers(0, 400, size=len(grid)))
    chatbot = pd.DataFrame({"mois": months, "theme": None, "conversations": rng.integers(100, 1000, len(months))})
    n_web = rows // 20
    request = np.datetime64("2020-01-01") + rng.integers(0, 3 * 365, size=n_web).astype("timedelta64[D]")
    site_internet = pd.DataFrame({"id": np.arange(n_web).astype(str), "site": sites[rng.integers(0, n_sites, n_web)],
                                  "date_demande": request.astype("datetime64[ns]"),
                                  "date_publication": (request + rng.integers(0, 6, n_web).astype("timedelta64[D]")).astype("datetime64[ns]")})
    services = np.array(["sejour_etrangers", "accueil_general", "pan"])
    n_resp = n_sites * 3 * 150
    campaign = rng.integers(2020, 2023, size=n_resp)
    survey_sites = sites[rng.integers(0, n_sites, n_resp)]
    enquetes = pd.DataFrame({"id": np.arange(n_resp).astype(str), "site": survey_sites, "campagne": campaign.astype(str),
                             "date": pd.to_datetime(campaign.astype(str) + "-11-15"), "service": services[rng.integers(0, 3, n_resp)],
                             "mode": "qr", "q_global": rng.integers(1, 5, n_resp).astype(float)})
    margins = pd.MultiIndex.from_product([sites, ["2020", "2021", "2022"], services],
                                         names=["site", "campagne", "modalite"]).to_frame(index=False)
    margins = margins.assign(variable="service", effectif=rng.integers(100, 5000, len(margins)).astype(float))
    return {"correspondances": correspondances, "appels": appels, "frequentation_pan": pan, "chatbot": chatbot,
            "site_internet": site_internet, "enquetes": enquetes, "marges": margins}


def naive_statuses(frame: pd.DataFrame, params: Params, extraction: dt.date) -> pd.DataFrame:
    """Row-wise baseline: walk the calendar day by day with a holidays lookup per date."""
    years = range(2019, 2025)
    calendars = {"metropole": holidays.France(years=years), "alsace_moselle": holidays.France(years=years, subdiv="57")}
    site_calendar = {code: s.calendar for code, s in params.sites.items()}
    deadlines = params.deadlines

    def one(row: pd.Series) -> pd.Series:
        days_off = calendars[site_calendar[row["site"]]]
        start = row["date_reception"].date()

        def working(d: dt.date) -> bool:
            return d.weekday() < 5 and d not in days_off

        limit = deadlines[row["canal"]]
        due, counted = start, 0
        while counted < limit:
            due += dt.timedelta(days=1)
            counted += working(due)
        if pd.isna(row["date_reponse"]):
            status = "sans_reponse_hors_delai" if due <= extraction else "en_attente"
            return pd.Series({"delai": np.nan, "statut": status})
        end, day, delay = row["date_reponse"].date(), start, 0
        while day < end:
            day += dt.timedelta(days=1)
            delay += working(day)
        return pd.Series({"delai": delay, "statut": "dans_les_delais" if delay <= limit else "en_retard"})

    statuses = frame.apply(one, axis=1)
    out = pd.concat([frame, statuses], axis=1)
    out["annee"] = out["date_reception"].dt.year
    complaints = out[out["type"].isin(["reclamation", "suggestion"])]
    grouped = complaints.groupby(["site", "annee"])
    return pd.DataFrame({
        "n": grouped.size(),
        "ok": grouped["statut"].apply(lambda s: (s == "dans_les_delais").sum()),
        "pending": grouped["statut"].apply(lambda s: (s == "en_attente").sum()),
        "mean": grouped["delai"].mean(),
    })


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--sites", type=int, default=300)
    parser.add_argument("--baseline-rows", type=int, default=100_000)
    args = parser.parse_args()
    params = synthetic_params(args.sites)
    data = synthetic_data(args.rows, args.sites)

    compute_indicators({"correspondances": data["correspondances"].head(1000)}, params)  # warm caches, imports
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        catalogue = compute_indicators(data, params)
        timings.append(time.perf_counter() - start)
    ours = min(timings)

    sample = data["correspondances"].sample(n=min(args.baseline_rows, args.rows), random_state=0)
    start = time.perf_counter()
    naive_statuses(sample, params, params.extraction_date)
    baseline_sample = time.perf_counter() - start
    baseline = baseline_sample * args.rows / len(sample)

    tracemalloc.start()
    compute_indicators(data, params)
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{args.rows:,} correspondences, {args.sites} sites, 3 years; catalogue rows: {len(catalogue):,}")
    print(f"ours, full catalogue (best of 3)   : {ours:8.2f} s   (runs: {', '.join(f'{t:.2f}' for t in timings)})")
    print(f"naive baseline on {len(sample):,} rows : {baseline_sample:8.2f} s")
    print(f"naive baseline scaled to {args.rows:,}: {baseline:8.2f} s")
    print(f"speed-up                           : {baseline / ours:8.0f}x")
    print(f"peak Python allocations (ours)     : {traced_peak / 1e6:8.0f} MB")
    print(f"peak resident memory of the process: {peak_rss:8.0f} MB")


if __name__ == "__main__":
    main()
