"""Group (county / city) daily values in the HJ 663 order: airq.groups.

Expected values are hand-computed (arithmetic written out, exact with ``Fraction``) from the
rules in standards.md §2.5 (mean of the stations' valid daily values, pollutant by pollutant)
and §1.1/§1.7 (HJ 633 breakpoints), never taken from the code's own output.
"""

from __future__ import annotations

from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from airq.groups import GROUP_POLLUTANTS, group_daily, group_daily_aqi
from airq.hourly import station_daily

D1, D2 = pd.Timestamp("2024-07-01"), pd.Timestamp("2024-07-02")
BASE = {"so2": 5.0, "no2": 10.0, "co": 0.4, "pm10": 20.0, "pm25": 30.0, "o3_8h": 50.0, "o3_1h": 60.0}


def _sd(rows):
    """Station-daily frame from (station, date, {pollutant: value}) with BASE for the rest."""
    return pd.DataFrame([{"station": s, "date": d, **{**BASE, **v}} for s, d, v in rows])


def _row(frame, group, date):
    sel = frame[(frame.group == group) & (frame.date == date)]
    assert len(sel) == 1
    return sel.iloc[0]


# --------------------------------------------------------------------------- means and counts


def test_group_mean_of_valid_station_values_per_pollutant():
    # Three stations; C has no valid PM2.5 (NaN) but its other values still count.
    sd = _sd([
        ("A", D1, {"pm25": 30.0, "so2": 4.0}),
        ("B", D1, {"pm25": 41.0, "so2": 7.0}),
        ("C", D1, {"pm25": np.nan, "so2": 12.0}),
    ])
    g = group_daily(sd, {"city": ["A", "B", "C"]})
    r = _row(g, "city", D1)
    assert r.pm25 == float(F(30 + 41, 2))  # 35.5 from 2 stations, not (30+41+0)/3
    assert r.n_stations_pm25 == 2
    assert r.so2 == pytest.approx(float(F(4 + 7 + 12, 3)), rel=1e-15)  # 23/3, C contributes
    assert r.n_stations_so2 == 3
    assert r.n_stations == 3
    assert list(g.columns[:9]) == ["group", "date", *GROUP_POLLUTANTS]


def test_day_with_one_station_absent():
    # Day 2 has no row at all for station B: the group day rests on A alone.
    sd = _sd([
        ("A", D1, {"pm25": 20.0}), ("B", D1, {"pm25": 40.0}),
        ("A", D2, {"pm25": 50.0}),
    ])
    g = group_daily(sd, {"city": ["A", "B"]})
    assert _row(g, "city", D1).pm25 == 30.0  # (20+40)/2
    r2 = _row(g, "city", D2)
    assert r2.pm25 == 50.0 and r2.n_stations_pm25 == 1 and r2.n_stations == 2


def test_single_station_group_equals_the_station():
    # A full day of hourly data for one station -> station_daily -> a one-station group.
    t = pd.date_range(D1, periods=24, freq="h")
    hourly = pd.DataFrame({
        "station": "A", "time": t,
        "so2": np.arange(24) + 1.0, "no2": 30.0, "co": 0.7, "pm10": 55.0,
        "pm25": np.arange(24) * 2 + 0.5, "o3": np.r_[np.full(12, 60.0), np.full(12, 140.0)],
    })
    sd = station_daily(hourly)
    g = group_daily(sd, {"A alone": ["A"]})
    r = g.iloc[0]
    # Hand values: so2 mean of 1..24 = 12.5; pm25 mean of 0.5, 2.5, ..., 46.5 = 23.5;
    # O3: hours 0-11 at 60, 12-23 at 140; the last window (hours 16-23) is all 140; max 1-h 140.
    assert r.so2 == 12.5 and r.pm25 == 23.5 and r.no2 == 30.0 and r.co == pytest.approx(0.7)
    assert r.o3_8h == 140.0 and r.o3_1h == 140.0
    for p in GROUP_POLLUTANTS:
        assert r[p] == pytest.approx(sd.iloc[0][p], rel=0, abs=0)
        assert r[f"n_stations_{p}"] == 1
    # Same with the other O3 method: the group series is the station's series.
    g2 = group_daily(sd, {"A alone": ["A"]}, o3_8h_method="max_of_group_mean", hourly=hourly)
    assert g2.iloc[0].o3_8h == 140.0 and g2.iloc[0].o3_1h == 140.0 and g2.iloc[0].n_o3_8h == 17


def test_station_in_two_groups_and_group_order():
    sd = _sd([("A", D1, {"pm25": 10.0}), ("B", D1, {"pm25": 20.0}), ("C", D1, {"pm25": 60.0})])
    g = group_daily(sd, {"city": ["A", "B", "C"], "county1": ["A", "B"], "county2": ["C"]})
    assert list(g.group) == ["city", "county1", "county2"]
    assert list(g.pm25) == [30.0, 15.0, 60.0]  # (10+20+60)/3, (10+20)/2, 60
    assert list(g.n_stations) == [3, 2, 1]


def test_every_group_gets_every_date_and_gaps_stay_visible():
    sd = _sd([("A", D1, {}), ("B", D2, {})])
    g = group_daily(sd, {"gA": ["A"], "gB": ["B"]})
    assert len(g) == 4
    r = _row(g, "gA", D2)
    assert np.isnan(r.pm25) and r.n_stations_pm25 == 0 and r.n_stations == 1


# --------------------------------------------------------------------------- min_stations


def test_min_stations_integer_share_and_mapping():
    sd = _sd([
        ("A", D1, {"pm25": 10.0}), ("B", D1, {"pm25": 20.0}), ("C", D1, {"pm25": np.nan}), ("D", D1, {"pm25": 40.0}),
    ])
    groups = {"city": ["A", "B", "C", "D"]}
    # 3 valid of 4 stations.
    assert _row(group_daily(sd, groups, min_stations=3), "city", D1).pm25 == float(F(70, 3))
    r = _row(group_daily(sd, groups, min_stations=4), "city", D1)
    assert np.isnan(r.pm25) and r.n_stations_pm25 == 3 and r.min_stations == 4  # count stays
    assert r.so2 == 5.0  # the other pollutants have 4 stations and stay valid
    # Share: ceil(0.75 * 4) = 3 -> valid; ceil(0.8 * 4) = ceil(3.2) = 4 -> missing.
    assert _row(group_daily(sd, groups, min_stations=0.75), "city", D1).min_stations == 3
    assert not np.isnan(_row(group_daily(sd, groups, min_stations=0.75), "city", D1).pm25)
    assert np.isnan(_row(group_daily(sd, groups, min_stations=0.8), "city", D1).pm25)
    # Per group: the mapping leaves 'pair' at 1; a global 3 cannot apply to a 2-station group.
    groups = {"city": ["A", "B", "C", "D"], "pair": ["A", "B"]}
    with pytest.raises(ValueError, match="min_stations 3 for group 'pair' exceeds its 2 station"):
        group_daily(sd, groups, min_stations=3)
    g = group_daily(sd, groups, min_stations={"city": 4})
    assert np.isnan(_row(g, "city", D1).pm25) and _row(g, "pair", D1).pm25 == 15.0


@pytest.mark.parametrize("bad, words", [
    (0, "must be"), (5, "exceeds"), (True, "boolean"), (1.5, "integer"), ("2", "integer"),
    ({"nowhere": 1}, "unknown group"),
])
def test_min_stations_errors(bad, words):
    sd = _sd([(s, D1, {}) for s in "ABCD"])
    with pytest.raises(ValueError, match=words):
        group_daily(sd, {"city": ["A", "B", "C", "D"]}, min_stations=bad)


# --------------------------------------------------------------------------- then AQI


def test_mean_then_rounded_then_aqi():
    # PM2.5 at 74 and 75 -> group 74.5 -> GB/T 8170 74 (half to even) -> IAQI 2012:
    # 50 + (100-50)/(75-35) * (74-35) = 50 + 48.75 = 98.75 -> 99 (not 100, not mean of IAQIs).
    # 75 and 76 -> 75.5 -> 76 -> 100 + (150-100)/(115-75) * 1 = 101.25 -> 102.
    # CO 4.0 and 4.1 -> 4.05 -> 4.0 -> IAQI 100 (half-up would give 4.1 -> 101).
    sd = _sd([
        ("A", D1, {"pm25": 74.0}), ("B", D1, {"pm25": 75.0}),
        ("A", D2, {"pm25": 75.0, "co": 4.0}), ("B", D2, {"pm25": 76.0, "co": 4.1}),
    ])
    day = group_daily_aqi(group_daily(sd, {"city": ["A", "B"]}))
    r1, r2 = day.iloc[0], day.iloc[1]
    assert r1.pm25 == 74.5 and r1.iaqi_pm25 == 99 and r1.aqi == 99 and r1.rules == "HJ633-2012"
    assert r2.iaqi_pm25 == 102 and r2.iaqi_co == 100 and r2.aqi == 102
    assert int(np.ceil(F(50, 40) * (74 - 35) + 50)) == 99 and int(np.ceil(F(50, 40) * 1 + 100)) == 102


def test_group_daily_aqi_picks_rules_by_date_and_can_be_pinned():
    # PM2.5 70: 2012 -> 50 + 50/40*35 = 93.75 -> 94 (良); 2026 -> 100 + 50/55*10 = 109.09 -> 110.
    d_old, d_new = pd.Timestamp("2026-02-28"), pd.Timestamp("2026-03-01")
    sd = _sd([("A", d_old, {"pm25": 70.0}), ("A", d_new, {"pm25": 70.0})])
    day = group_daily_aqi(group_daily(sd, {"g": ["A"]}))
    assert list(day.rules) == ["HJ633-2012", "HJ633-2026"]
    assert list(day.aqi) == [94, 110]
    assert list(day.category) == ["良", "轻度污染"]
    pinned = group_daily_aqi(group_daily(sd, {"g": ["A"]}), rules="HJ633-2026")
    assert list(pinned.aqi) == [110, 110]
    assert int(np.ceil(F(50, 40) * 35 + 50)) == 94 and int(np.ceil(F(50, 55) * 10 + 100)) == 110


# --------------------------------------------------------------------------- O3 open point


def _o3_hourly():
    """A: 180 in hours 0-7, 100 after; B: 100, then 180 in hours 16-23 (24 valid hours each)."""
    t = pd.date_range(D1, periods=24, freq="h")
    a = np.r_[np.full(8, 180.0), np.full(16, 100.0)]
    b = np.r_[np.full(16, 100.0), np.full(8, 180.0)]
    return pd.concat([pd.DataFrame({"station": "A", "time": t, "o3": a}),
                      pd.DataFrame({"station": "B", "time": t, "o3": b})], ignore_index=True)


def test_o3_mean_of_station_max_vs_max_of_group_mean():
    hourly = _o3_hourly()
    sd = station_daily(hourly)
    # Each station's max 8-h is 180 (A: window hours 0-7, B: window hours 16-23).
    g1 = group_daily(sd, {"city": ["A", "B"]})
    assert g1.iloc[0].o3_8h == 180.0 and g1.iloc[0].o3_1h == 180.0  # (180+180)/2
    # Group-mean series: hours 0-7 (180+100)/2 = 140, 8-15 100, 16-23 140 -> max 8-h 140.
    g2 = group_daily(sd, {"city": ["A", "B"]}, o3_8h_method="max_of_group_mean", hourly=hourly)
    r = g2.iloc[0]
    assert r.o3_8h == float(F(180 + 100, 2)) == 140.0 and r.o3_1h == 140.0
    assert r.n_o3_8h == 17 and r.n_o3_1h == 24 and r.n_stations_o3_8h == 2
    # The other pollutants are untouched; the airq.config spelling is accepted.
    g3 = group_daily(sd, {"city": ["A", "B"]}, o3_8h_method="max_of_mean_series", hourly=hourly)
    assert g3.iloc[0].o3_8h == 140.0


def test_o3_group_series_window_rule():
    # Group series valid only in hours 5..23 (both stations missing hours 0-4): windows w with
    # at most 2 missing hours are w >= 3 -> 14 windows -> valid. Missing 0-5 -> 13 -> invalid
    # (the maximum 100 does not exceed 160).
    t = pd.date_range(D1, periods=24, freq="h")
    for k, ok in ((5, True), (6, False)):
        o3 = np.r_[np.full(k, np.nan), np.full(24 - k, 100.0)]
        hourly = pd.concat([pd.DataFrame({"station": s, "time": t, "o3": o3}) for s in "AB"], ignore_index=True)
        sd = _sd([("A", D1, {}), ("B", D1, {})])
        r = group_daily(sd, {"c": ["A", "B"]}, o3_8h_method="max_of_group_mean", hourly=hourly).iloc[0]
        assert r.n_o3_8h == (14 if ok else 13)
        assert (r.o3_8h == 100.0) if ok else np.isnan(r.o3_8h)


def test_o3_group_method_needs_hourly():
    sd = _sd([("A", D1, {})])
    with pytest.raises(ValueError, match="needs hourly="):
        group_daily(sd, {"g": ["A"]}, o3_8h_method="max_of_group_mean")
    with pytest.raises(ValueError, match="o3_8h_method"):
        group_daily(sd, {"g": ["A"]}, o3_8h_method="median")
    hourly = _o3_hourly()
    with pytest.raises(ValueError, match=r"\['C'\].*hourly"):
        group_daily(_sd([("A", D1, {}), ("C", D1, {})]), {"g": ["A", "C"]},
                    o3_8h_method="max_of_group_mean", hourly=hourly)


# --------------------------------------------------------------------------- bad input


def test_errors_name_the_problem():
    good = _sd([("A", D1, {}), ("B", D1, {})])
    with pytest.raises(ValueError, match=r"\['X'\].*group 'g'"):
        group_daily(good, {"g": ["A", "X"]})
    g = group_daily(good, {"g": ["A", "X"]}, allow_absent_stations=True)
    assert g.iloc[0].n_stations == 2 and g.iloc[0].n_stations_pm25 == 1
    with pytest.raises(ValueError, match="string 'A'"):
        group_daily(good, {"g": "A"})
    with pytest.raises(ValueError, match="listed twice"):
        group_daily(good, {"g": ["A", "A"]})
    with pytest.raises(ValueError, match="empty"):
        group_daily(good, {})
    with pytest.raises(ValueError, match="duplicate station-day"):
        group_daily(pd.concat([good, good.iloc[[0]]], ignore_index=True), {"g": ["A"]})
    bad = good.astype({"pm25": object})
    bad.loc[1, "pm25"] = "n/a"
    with pytest.raises(ValueError, match=r"row 1, column 'pm25': non-numeric value 'n/a'"):
        group_daily(bad, {"g": ["A", "B"]})
    neg = good.copy()
    neg.loc[0, "so2"] = -1.0
    with pytest.raises(ValueError, match="column 'so2': negative"):
        group_daily(neg, {"g": ["A"]})
    with pytest.raises(ValueError, match="'station'"):
        group_daily(good.drop(columns="station"), {"g": ["A"]})
    timed = good.copy()
    timed["date"] = timed["date"] + pd.Timedelta(hours=1)
    with pytest.raises(ValueError, match="not a date"):
        group_daily(timed, {"g": ["A"]})
    with pytest.raises(ValueError, match="none of the daily value columns"):
        group_daily(good[["station", "date"]], {"g": ["A"]})
    with pytest.raises(ValueError, match="DataFrame"):
        group_daily([1, 2], {"g": ["A"]})


def test_absent_pollutant_column_is_missing_not_an_error():
    # Daily data after 2026-03-01 may come without o3_1h.
    sd = _sd([("A", D1, {})]).drop(columns="o3_1h")
    r = group_daily(sd, {"g": ["A"]}).iloc[0]
    assert np.isnan(r.o3_1h) and r.n_stations_o3_1h == 0 and r.pm25 == 30.0
