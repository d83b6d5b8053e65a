"""Speed of the year-end forecast (`make benchmark`; not part of the test suite).

Targets (issue 7): 2,000 simulated years of one county, including the exact AQI of every
simulated day, <= 2 s; all six Guigang groups <= 10 s. Each measurement prints its figure;
the backtest of the ~340 real cities is timed by `benchmarks/README.md`'s command (minutes).
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from airq.outlook import forecast_groups, group_history
from airq.config import load_plan
from airq.demo import write_demo
from airq.forecast import forecast_year_end
from airq.ingestion import ingest_files

ROOT = Path(__file__).resolve().parents[1]
AS_OF = "2026-03-31"


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("bench")
    plan = load_plan(ROOT / "config" / "guigang_2023.toml")
    write_demo(tmp / "raw", end="2026-04-30")
    ingest_files("tidy", tmp / "raw", tmp / "store", known_stations=list(plan.stations))
    history = group_history(plan, tmp / "store", AS_OF)
    return plan, tmp / "store", history


def best_of(n, fn):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def test_one_county_2000_years(demo_store):
    plan, store, history = demo_store
    daily = history[history["group"] == "港北区"]
    secs = best_of(3, lambda: forecast_year_end(daily, AS_OF, n_sims=2000, seed=0,
                                                targets={"pm25_mean": 30.9, "good_day_ratio": 93.8}))
    print(f"\none county, 2000 simulated years (fit + simulation + exact AQI + statistics): {secs:.2f} s")
    assert secs <= 2.0


def test_six_guigang_groups(demo_store):
    plan, store, history = demo_store
    secs = best_of(2, lambda: forecast_groups(plan, store, AS_OF, n_sims=2000, seed=0, history=history))
    print(f"\nsix Guigang groups, 2000 simulated years each (with allowances): {secs:.2f} s")
    t = time.perf_counter()
    forecast_groups(plan, store, AS_OF, n_sims=2000, seed=0)
    print(f"the same, loading the history from the store: {time.perf_counter() - t:.2f} s")
    assert secs <= 10.0
