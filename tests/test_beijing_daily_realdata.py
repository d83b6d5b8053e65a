"""Station daily values on the real Beijing PRSA data (12 stations, 2013-03 .. 2017-02).

airq.hourly.station_daily (vectorised over all stations and days at once) is compared with a plain
per-station, per-day computation written here in ordinary Python, independently of airq:
24-h means with >= 20 valid hours, and the daily max 8-h O3 from the 17 windows ending 08:00 ..
24:00 with >= 6 hours per window and >= 14 windows (or a maximum above 160).

Hour convention: PRSA hours 0..23 are read as hour-ending labels (PROVENANCE.md: Beijing and
CNEMC label hour-ending), so the value at hour h of day D covers D h-1 .. h and the natural day D
is D 01..23 plus D+1 00.
"""

import math
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest

from airq.hourly import station_daily

POLLUTANTS = {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}


@pytest.fixture(scope="module")
def prsa_hourly(shared_real):
    folder = shared_real / "beijing_prsa_multisite_2013_2017"
    files = sorted(folder.glob("PRSA_Data_*.csv.gz"))
    if len(files) != 12:
        pytest.skip(f"expected 12 PRSA files in {folder}, found {len(files)}")
    frames = []
    for f in files:
        raw = pd.read_csv(f, na_values=["NA"])
        label = pd.to_datetime(raw[["year", "month", "day", "hour"]])
        out = pd.DataFrame({"station": raw["station"], "time": label - pd.Timedelta(hours=1)})
        for src, dst in POLLUTANTS.items():
            out[dst] = raw[src].astype(float)
        out["co"] = out["co"] / 1000.0  # PRSA CO is in µg/m³
        frames.append(out)
    return pd.concat(frames, ignore_index=True)


def _reference(hourly: pd.DataFrame):
    """Plain per-day reference: dict (station, date) -> {pollutant: value or nan, n_...: count}."""
    cells = defaultdict(lambda: defaultdict(dict))  # (station, date) -> pollutant -> hour -> value
    for row in hourly.itertuples(index=False):
        day = row.time.normalize()
        hour = row.time.hour
        for p in ("so2", "no2", "co", "pm10", "pm25", "o3"):
            v = getattr(row, p)
            if not math.isnan(v):
                cells[(row.station, day)][p][hour] = v
    ref = {}
    for key, by_p in cells.items():
        rec = {}
        for p in ("so2", "no2", "co", "pm10", "pm25"):
            vals = list(by_p[p].values())
            rec[f"n_{p}"] = len(vals)
            rec[p] = sum(vals) / len(vals) if len(vals) >= 20 else math.nan
        o3 = by_p["o3"]
        windows = []
        for end_label in range(8, 25):  # windows ending 08:00 .. 24:00 = hour starts end-8 .. end-1
            vals = [o3[h] for h in range(end_label - 8, end_label) if h in o3]
            if len(vals) >= 6:
                windows.append(sum(vals) / len(vals))
        rec["n_o3_8h"] = len(windows)
        best = max(windows) if windows else math.nan
        ok = len(windows) >= 14 or (windows and round(best) > 160)
        rec["o3_8h"] = best if ok else math.nan
        ref[key] = rec
    return ref


def test_station_daily_matches_plain_reference(prsa_hourly):
    hourly = prsa_hourly
    got = station_daily(hourly)
    # 12 stations x 1461 natural days (2013-02-28 from the first 00 label .. 2017-02-28)
    assert got.station.nunique() == 12
    ref = _reference(hourly)
    got = got.set_index(["station", "date"])
    # every reference station-day is in airq's result; airq's extra rows have no data at all
    missing = set(ref) - set(got.index)
    assert not missing
    extra = got.drop(index=list(ref.keys()))
    assert (extra[[c for c in got.columns if c.startswith("n_")]] == 0).all().all()
    sub = got.loc[list(ref.keys())]
    refdf = pd.DataFrame.from_dict(ref, orient="index")
    refdf.index = pd.MultiIndex.from_tuples(refdf.index, names=["station", "date"])
    for col in ("so2", "no2", "co", "pm10", "pm25", "o3_8h"):
        a, b = sub[col].to_numpy(), refdf[col].to_numpy()
        assert (np.isnan(a) == np.isnan(b)).all(), col
        np.testing.assert_allclose(a[~np.isnan(a)], b[~np.isnan(b)], rtol=1e-12, err_msg=col)
    for col in ("n_so2", "n_no2", "n_co", "n_pm10", "n_pm25", "n_o3_8h"):
        assert (sub[col].to_numpy() == refdf[col].to_numpy()).all(), col
    # a sanity figure that could fail if the hour convention or validity were off
    valid_pm25 = sub.pm25.notna().sum()
    assert 0.9 * len(ref) < valid_pm25 <= len(ref)
