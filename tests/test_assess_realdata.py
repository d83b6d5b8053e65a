"""The plan's numbers on real data, end to end through the store and the command line.

* Guigang 2023-Q1 (published CNEMC daily values; the two proxy days, whose 24-h window is not the
  natural day, left out): every county of config/guigang_2023.toml that
  has its stations in the data, Q1 good-day ratio, PM2.5 mean, heavy days, and the remaining
  allowances against the 2023 targets as of 31 March — compared with an independent computation
  written here (pandas means, Decimal rounding, Fraction IAQI).
* Beijing 2014-2016 (UCI PRSA hourly): the 11-station city group, through `airq ingest` and
  `airq assess`; compared with a reference computed here from the stored hourly table, and with
  Beijing's official annual PM2.5 means (2014 85.9, 2015 80.6, 2016 73 µg/m³, Beijing
  Environmental Bulletins), which 11-station real-time data reproduce within about 0.5 µg/m³
  (standards.md §2.5).
"""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aqi_reference import day_aqi_2012

ROOT = Path(__file__).resolve().parents[1]
GUIGANG_GROUPS = {
    "港北区": ["2508A", "2507A", "3405A"],
    "港南区": ["2506A"],
    "覃塘区": ["2506A", "2507A", "2508A", "3405A"],
    "全市": ["2506A", "2507A", "2508A", "3405A"],
}


def airq(*argv):
    proc = subprocess.run([sys.executable, "-m", "airq.cli", *argv], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def guigang_store(shared_real, tmp_path_factory):
    store = tmp_path_factory.mktemp("gg") / "store"
    airq("ingest", "--format", "guigang_daily", str(shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"), "--store", str(store))
    return store


@pytest.fixture(scope="module")
def guigang_reference(shared_real):
    d = pd.read_csv(shared_real / "cnemc_guigang_2023q1" / "station_daily.csv", dtype={"station_code": str})
    d = d[d.window_flag == "T00"]  # proxy rows (not the natural day) are not valid daily values
    d = d.rename(columns={"pm25_24h": "pm25", "pm10_24h": "pm10", "so2_24h": "so2", "no2_24h": "no2", "co_24h": "co",
                          "o3_8h_max": "o3_8h", "o3_1h_max": "o3_1h"})
    out = {}
    for group, stations in GUIGANG_GROUPS.items():
        g = d[d.station_code.isin(stations)].groupby("date")[["so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h"]].mean()
        aqi = [day_aqi_2012(row._asdict()) for row in g.itertuples()]
        valid = [a for a in aqi if a is not None]
        out[group] = {
            "valid_days": len(valid),
            "good_days": sum(a <= 100 for a in valid),
            "heavy_days": sum(a > 200 for a in valid),
            "pm25_mean": g.pm25.mean(),
            "pm25_days": int(g.pm25.notna().sum()),
        }
    return out


def test_guigang_q1_statistics(guigang_store, guigang_reference):
    got = json.loads(airq("assess", "--config", "config/guigang_2023.toml", "--store", str(guigang_store), "--period", "2023-Q1", "--json"))["groups"]
    assert set(GUIGANG_GROUPS) <= set(got)
    for group, ref in guigang_reference.items():
        g = got[group]
        assert g["valid_days"] == ref["valid_days"]
        assert g["good_days"] == ref["good_days"]
        assert g["heavy_days"] == ref["heavy_days"]
        assert g["good_day_ratio"] == pytest.approx(100 * ref["good_days"] / ref["valid_days"], rel=1e-12)
        assert g["pm25_mean"] == pytest.approx(ref["pm25_mean"], rel=1e-12)
        assert g["rules"] == "HJ633-2012"
    # 2023-02-03 and 02-27 are proxies of the natural day for every station (PROVENANCE): left out
    assert got["全市"]["valid_days"] == 88
    # groups without their stations in the data have no valid day (and no target verdict)
    assert got["桂平市"]["valid_days"] == 0 and "targets" not in got["桂平市"]


def test_guigang_remaining_allowances_31_march(guigang_store, guigang_reference):
    for group, ref in guigang_reference.items():
        out = json.loads(airq("whatif", "--config", "config/guigang_2023.toml", "--store", str(guigang_store),
                              "--group", group, "--as-of", "2023-03-31", "--json"))
        # N = valid days so far + the 275 remaining days of 2023, all assumed valid (standards.md §4)
        n = ref["valid_days"] + 275
        # G = smallest good-day count whose ratio, published to 0.1 %, reaches 93.8 %
        g_min = next(g for g in range(n + 1) if _round1(Fraction(100 * g, n)) >= Fraction("93.8"))
        t = out["targets"]
        assert t["good_day_ratio"]["remaining"] == n - g_min - (ref["valid_days"] - ref["good_days"])
        assert t["heavy_day_ratio"]["remaining"] == 0 - ref["heavy_days"]  # target 0.0 %: cap floor(0 * N) = 0
        # PM2.5: one-decimal reporting -> T_eff = 30.9 + 0.05 (standards.md §4)
        d = ref["pm25_days"]
        ceiling = (Fraction("30.95") * (d + 275) - Fraction(repr(float(ref["pm25_mean"]))) * d) / 275
        assert t["pm25_mean"]["ceiling_exact"] == pytest.approx(float(ceiling), abs=1e-9)
        # the value a dashboard reads is never above the exact ceiling (issue 9 item 5)
        assert t["pm25_mean"]["remaining"] == t["pm25_mean"]["ceiling_safe"] <= float(ceiling)


def _round1(x: Fraction) -> Fraction:
    """Half-even to 0.1 on the exact rational (a tie needs x*20 to be an odd integer)."""
    scaled = x * 10
    floor = scaled.numerator // scaled.denominator
    rest = scaled - floor
    up = rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1)
    return Fraction(floor + up, 10)


@pytest.fixture(scope="module")
def beijing_store(shared_real, tmp_path_factory):
    store = tmp_path_factory.mktemp("bj") / "store"
    airq("ingest", "--format", "prsa", str(shared_real / "beijing_prsa_multisite_2013_2017"), "--store", str(store),
         "--config", "config/beijing.toml", "--quiet")
    return store


def _beijing_reference(store, year: int):
    """Per-day city values from the stored hourly table, in plain pandas, then AQI by Fraction."""
    from airq import store as st

    h = st.load(store, start=f"{year}-01-01", end=f"{year + 1}-01-01")
    h = h[h.station != "1002A"]  # 定陵, contrast site
    h["date"] = h.time.dt.floor("D")
    h["hour"] = h.time.dt.hour
    daily = {}
    grouped = h.groupby(["station", "date"])
    for p in ("so2", "no2", "co", "pm10", "pm25"):
        n = grouped[p].count()
        daily[p] = grouped[p].mean().where(n >= 20)
    # O3: windows of hour starts w..w+7, w = 0..16, >= 6 valid hours; >= 14 windows or max > 160
    o3 = h.pivot_table(index=["station", "date"], columns="hour", values="o3", aggfunc="first").reindex(columns=range(24))
    arr = o3.to_numpy()
    win = np.stack([arr[:, w:w + 8] for w in range(17)], axis=1)
    cnt = (~np.isnan(win)).sum(axis=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(cnt >= 6, np.nansum(win, axis=2) / cnt, np.nan)
    nwin = (~np.isnan(means)).sum(axis=1)
    best = np.where(nwin > 0, np.nanmax(np.where(np.isnan(means), -np.inf, means), axis=1), np.nan)
    ok = (nwin >= 14) | (np.round(best) > 160)
    daily["o3_8h"] = pd.Series(np.where(ok, best, np.nan), index=o3.index)
    n1 = (~np.isnan(arr)).sum(axis=1)
    max1 = np.where(n1 > 0, np.nanmax(np.where(np.isnan(arr), -np.inf, arr), axis=1), np.nan)
    daily["o3_1h"] = pd.Series(np.where((n1 >= 20) | (np.round(max1) > 200), max1, np.nan), index=o3.index)
    sd = pd.DataFrame(daily)
    city = sd.groupby(level="date").mean()  # mean of the valid station values, per pollutant
    aqi = [day_aqi_2012(r._asdict()) for r in city.itertuples()]
    valid = [a for a in aqi if a is not None]
    return {
        "valid_days": len(valid),
        "good_days": sum(a <= 100 for a in valid),
        "heavy_days": sum(a > 200 for a in valid),
        "pm25_mean": city.pm25.mean(),
    }


OFFICIAL_PM25 = {2014: 85.9, 2015: 80.6, 2016: 73.0}


@pytest.mark.parametrize("year", [2014, 2015, 2016])
def test_beijing_city_year(beijing_store, year):
    got = json.loads(airq("assess", "--config", "config/beijing.toml", "--store", str(beijing_store), "--period", str(year),
                          "--group", "北京市", "--json"))["groups"]["北京市"]
    ref = _beijing_reference(beijing_store, year)
    assert got["valid_days"] == ref["valid_days"]
    assert got["good_days"] == ref["good_days"]
    assert got["heavy_days"] == ref["heavy_days"]
    assert got["pm25_mean"] == pytest.approx(ref["pm25_mean"], rel=1e-12)
    assert got["pm25_mean"] == pytest.approx(OFFICIAL_PM25[year], abs=1.0)
    assert got["calendar_days"] == (366 if year == 2016 else 365)
