"""The demo job behind ``make demo`` / ``airq demo``."""

from __future__ import annotations

import argparse

import numpy as np
import pandas as pd

from .aqi import daily_aqi
from .hourly import station_daily


def _small_demo_hourly(seed: int = 7) -> pd.DataFrame:
    """Three synthetic stations x four days across the 2026-03-01 rule change (not real data)."""
    rng = np.random.default_rng(seed)
    times = pd.date_range("2026-02-27", periods=24 * 4, freq="h")
    hour = times.hour.to_numpy()
    frames = []
    for i, station in enumerate(["DEMO1", "DEMO2", "DEMO3"]):
        base = 45 + 12 * i
        pm25 = np.round(base + 20 * np.sin(np.arange(len(times)) / 20) + rng.normal(0, 6, len(times)))
        o3 = np.round(np.clip(30 + 90 * np.exp(-((hour - 15) ** 2) / 18) + rng.normal(0, 8, len(times)), 2, None))
        frames.append(
            pd.DataFrame(
                {
                    "station": station,
                    "time": times,
                    "so2": np.round(8 + rng.normal(0, 2, len(times)).clip(-6)),
                    "no2": np.round(28 + 10 * np.cos((hour - 8) / 3.8) + rng.normal(0, 4, len(times))),
                    "co": np.round(0.8 + rng.normal(0, 0.1, len(times)), 1),
                    "o3": o3,
                    "pm10": np.round(pm25 * 1.6),
                    "pm25": pm25.clip(1),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def run_demo(args: argparse.Namespace) -> int:
    hourly = _small_demo_hourly()
    daily = station_daily(hourly)
    result = daily_aqi(daily)  # rules picked by date: 2026-02-27/28 HJ 633—2012, 03-01/02 HJ 633—2026
    cols = ["station", "date", "pm25", "pm10", "o3_8h", "aqi", "category", "primary", "rules", "n_pm25", "n_o3_8h"]
    table = result[cols].copy()
    table["date"] = table["date"].dt.strftime("%Y-%m-%d")
    for c in ("pm25", "pm10", "o3_8h"):
        table[c] = table[c].round(1)
    print("SYNTHETIC demo data (not measurements): daily AQI per station, rules picked by date")
    print(table.to_string(index=False))
    return 0
