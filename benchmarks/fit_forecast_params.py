"""Fit the shipped defaults of ForecastParams.level_sd and .spread on the aqistudy city corpus.

    python benchmarks/fit_forecast_params.py /tmp/aqistudy_store 2015,2016,2017

The store comes from `airq ingest --format aqistudy <capitals> <cities> --store DIR` (the real
data stay outside the repository). Uses the cities with 330 valid days in each of the years; prints
the fitted values and the skill of every candidate level_sd (docs/forecast.md records them).
"""

from __future__ import annotations

import json
import sys
import time

import pandas as pd

from airq import store
from airq.outlook import group_history
from airq.backtest import calibrate
from airq.config import plan_by_station


def main(store_dir: str, years: str) -> None:
    ys = [int(y) for y in years.split(",")]
    plan = plan_by_station(store.stations(store_dir))
    daily = group_history(plan, store_dir, pd.Timestamp(max(ys), 12, 31), years=max(ys) - min(ys) + 10)
    counts = daily[daily["aqi"].notna()].groupby(["group", daily["date"].dt.year]).size()
    dailies = {g: d for g, d in daily.groupby("group") if all(counts.get((g, y), 0) >= 330 for y in ys)}
    t = time.perf_counter()
    fitted = calibrate(dailies, ys, workers=2)
    fitted["seconds"] = round(time.perf_counter() - t, 1)
    fitted["groups"] = len(dailies)
    fitted["years"] = ys
    print(json.dumps(fitted, indent=1, default=str))


if __name__ == "__main__":
    main(*sys.argv[1:3])
