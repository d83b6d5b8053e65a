"""Markdown tables of an `airq backtest --json` output (for docs/forecast.md).

    python benchmarks/backtest_tables.py backtest.json
"""

from __future__ import annotations

import json
import sys

COLS = [("pm25_mean_mae", "PM2.5 MAE [µg/m³]", 2), ("good_day_ratio_mae", "good-day MAE [pp]", 2),
        ("heavy_days_mae", "heavy-days MAE", 2), ("pm25_mean_cover80", "PM2.5 80 % cover", 3),
        ("good_day_ratio_cover80", "good-day 80 % cover", 3), ("pm25_mean_cover95", "PM2.5 95 % cover", 3),
        ("good_day_ratio_cover95", "good-day 95 % cover", 3), ("brier", "Brier", 3)]
METHODS = ("model", "climatology", "persistence")
MONTHS = {"01": "Jan", "02": "Feb", "03": "Mar", "04": "Apr", "05": "May", "06": "Jun", "07": "Jul", "08": "Aug",
          "09": "Sep", "10": "Oct", "11": "Nov"}


def cell(v, nd):
    return "—" if v is None else f"{v:.{nd}f}"


def table(rows, first):
    out = [f"| {first} | method | " + " | ".join(c[1] for c in COLS) + " |",
           "|---|---|" + "---|" * len(COLS)]
    for label, block in rows:
        for m in METHODS:
            if m in block:
                s = block[m]
                name = f"**{m}**" if m == "model" else m
                out.append(f"| {label} | {name} | " + " | ".join(cell(s[k], nd) for k, _, nd in COLS) + " |")
    return "\n".join(out)


def main(path, horizons=None):
    o = json.load(open(path, encoding="utf-8"))
    print(f"{o['n_forecasts']} forecasts, {o['n_sims']} simulated years each, seed {o['seed']}")
    if o.get("spreads"):
        print("fitted leaving the test year out: " + "; ".join(
            f"{y}: level_sd {v['level_sd']}, spread {v['spread']:.2f}" for y, v in o["spreads"].items()))
    print()
    rows = [("all", o["overall"])] + [(y, b) for y, b in o.get("by_year", {}).items()]
    print(table(rows, "years"))
    print()
    keys = horizons.split(",") if horizons else list(o["by_horizon"])
    print(table([(f"end of {MONTHS[h]}", o["by_horizon"][h]) for h in keys], "issued"))


if __name__ == "__main__":
    main(*sys.argv[1:3])
