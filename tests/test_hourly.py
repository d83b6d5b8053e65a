"""Hourly -> station daily values: validity rules at their edges, the time convention, the grid."""

import numpy as np
import pandas as pd
import pytest

from airq.hourly import o3_8h_moving, station_daily, to_grid
from airq.timeconv import to_hour_start

DAY = pd.Timestamp("2024-07-01")


def _day_frame(values, pollutant="pm25", station="S1", day=DAY):
    """24 hour-start rows of one day; None = row absent, nan = row present but missing."""
    rows = [
        {"station": station, "time": day + pd.Timedelta(hours=h), pollutant: v}
        for h, v in enumerate(values)
        if v is not None
    ]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("n_valid, valid", [(19, False), (20, True), (24, True)])
def test_24h_mean_needs_20_hours(n_valid, valid):
    vals = [10.0 + h for h in range(n_valid)] + [np.nan] * (24 - n_valid)
    d = station_daily(_day_frame(vals)).iloc[0]
    assert d.n_pm25 == n_valid
    if valid:
        assert d.pm25 == pytest.approx(sum(10.0 + h for h in range(n_valid)) / n_valid)
    else:
        assert np.isnan(d.pm25)


def test_absent_rows_equal_missing_values():
    with_nan = [5.0] * 20 + [np.nan] * 4
    absent = [5.0] * 20 + [None] * 4
    a = station_daily(_day_frame(with_nan))
    b = station_daily(_day_frame(absent))
    pd.testing.assert_frame_equal(a, b)


def _o3_day(values):
    return station_daily(_day_frame(values, "o3")).iloc[0]


def test_o3_window_needs_6_of_8_hours():
    # Only hours 0..7 have data, with k of them present: the only candidate window is window 0.
    base = [100.0] * 8 + [np.nan] * 16
    five = list(base)
    five[0] = five[1] = five[2] = np.nan  # hours 3..7 valid: no window has 6
    six = list(base)
    six[0] = six[1] = np.nan  # hours 2..7 valid: windows 0, 1, 2 hold all six -> valid
    assert _o3_day(five).n_o3_8h == 0
    assert _o3_day(six).n_o3_8h == 3


def test_o3_13_vs_14_windows():
    # Hours 0..k-1 missing: window w (hours w..w+7) is valid iff at most 2 of its hours are missing,
    # i.e. w >= k - 2. With k = 5, windows 3..16 are valid (14); with k = 6, windows 4..16 (13).
    fourteen = [np.nan] * 5 + [120.0] * 19
    thirteen = [np.nan] * 6 + [120.0] * 18
    d14, d13 = _o3_day(fourteen), _o3_day(thirteen)
    assert d14.n_o3_8h == 14 and d14.o3_8h == pytest.approx(120.0)
    assert d13.n_o3_8h == 13 and np.isnan(d13.o3_8h)


def test_o3_exceedance_exception():
    # 13 valid windows but the maximum (170 > 160) exceeds the grade II 8-h limit -> valid.
    high = [np.nan] * 6 + [170.0] * 18
    d = _o3_day(high)
    assert d.n_o3_8h == 13 and d.o3_8h == pytest.approx(170.0)
    # 160.4 rounds to 160, which does not exceed 160 -> still invalid; 160.6 -> 161 exceeds.
    assert np.isnan(_o3_day([np.nan] * 6 + [160.4] * 18).o3_8h)
    assert _o3_day([np.nan] * 6 + [160.6] * 18).o3_8h == pytest.approx(160.6)


def test_o3_windows_stay_inside_the_day():
    # A huge value in the last hour of the previous day must not enter today's windows, and the
    # hour starting 23:00 (Chinese label 24:00) belongs to today.
    prev = _day_frame([10.0] * 23 + [900.0], "o3", day=DAY - pd.Timedelta(days=1))
    today = _day_frame([10.0] * 23 + [90.0], "o3")
    d = station_daily(pd.concat([prev, today], ignore_index=True))
    today_row = d[d.date == DAY].iloc[0]
    assert today_row.o3_8h == pytest.approx((7 * 10.0 + 90.0) / 8)  # window 16 = hours 16..23
    assert today_row.o3_1h == pytest.approx(90.0)
    assert today_row.n_o3_8h == 17


def test_o3_daily_max_picks_the_largest_window():
    vals = [float(h) for h in range(24)]
    d = _o3_day(vals)
    assert d.o3_8h == pytest.approx(sum(range(16, 24)) / 8)
    assert d.o3_1h == 23.0


def test_o3_1h_max_validity_and_exception():
    few_low = [100.0] * 19 + [np.nan] * 5
    few_high = [100.0] * 18 + [250.0] + [np.nan] * 5
    assert np.isnan(_o3_day(few_low).o3_1h)
    assert _o3_day(few_high).o3_1h == 250.0


def test_counts_and_means_for_several_stations_and_days():
    rng = np.random.default_rng(3)
    times = pd.date_range("2024-01-01", periods=24 * 3, freq="h")
    frames = []
    for s in ("B", "A"):
        v = rng.integers(0, 200, len(times)).astype(float)
        v[rng.random(len(times)) < 0.1] = np.nan
        frames.append(pd.DataFrame({"station": s, "time": times, "no2": v}))
    hourly = pd.concat(frames, ignore_index=True)
    d = station_daily(hourly)
    assert list(d.station) == ["A"] * 3 + ["B"] * 3
    for (s, day), grp in hourly.groupby(["station", hourly.time.dt.floor("D")]):
        row = d[(d.station == s) & (d.date == day)].iloc[0]
        vals = grp.no2.dropna()
        assert row.n_no2 == len(vals)
        if len(vals) >= 20:
            assert row.no2 == pytest.approx(vals.mean())
        else:
            assert np.isnan(row.no2)


def test_hour_label_conversion():
    labels = pd.to_datetime(["2024-01-01 01:00", "2024-01-02 00:00"])
    assert list(to_hour_start(labels, "end")) == list(pd.to_datetime(["2024-01-01 00:00", "2024-01-01 23:00"]))
    assert list(to_hour_start(labels, "start")) == list(labels)
    aware = pd.DatetimeIndex(["2024-01-01 16:00"]).tz_localize("UTC")  # = 2024-01-02 00:00 Beijing
    assert to_hour_start(aware, "end")[0] == pd.Timestamp("2024-01-01 23:00")
    with pytest.raises(ValueError, match="whole hour"):
        to_hour_start(pd.to_datetime(["2024-01-01 01:30"]), "end")
    with pytest.raises(ValueError, match="hour_label"):
        to_hour_start(labels, "middle")


def test_end_labelled_day_is_labels_01_to_24():
    # Hour-ending labels 01:00 .. next-day 00:00 form one natural day.
    labels = pd.date_range("2024-01-01 01:00", "2024-01-02 00:00", freq="h")
    frame = pd.DataFrame({"station": "S", "time": to_hour_start(labels, "end"), "so2": 7.0})
    d = station_daily(frame)
    assert len(d) == 1 and d.iloc[0].date == pd.Timestamp("2024-01-01") and d.iloc[0].n_so2 == 24


def test_grid_errors_name_the_row():
    t = pd.Timestamp("2024-01-01")
    dup = pd.DataFrame({"station": ["A", "A"], "time": [t, t], "pm25": [1.0, 2.0]}, index=[10, 11])
    with pytest.raises(ValueError, match="row 11.*duplicate"):
        to_grid(dup)
    with pytest.raises(ValueError, match="lacks the column 'time'"):
        to_grid(pd.DataFrame({"station": ["A"], "pm25": [1.0]}))
    off = pd.DataFrame({"station": ["A"], "time": [t + pd.Timedelta(minutes=30)], "pm25": [1.0]}, index=[7])
    with pytest.raises(ValueError, match="row 7.*whole hour"):
        to_grid(off)
    bad = pd.DataFrame({"station": ["A"], "time": [t], "pm25": ["x"]}, index=[3])
    with pytest.raises(ValueError, match="row 3, column 'pm25'.*'x'"):
        to_grid(bad)


def test_grid_fills_whole_days_and_missing_pollutants():
    t = pd.Timestamp("2024-01-01 05:00")
    g = to_grid(pd.DataFrame({"station": ["A"], "time": [t], "pm25": [1.0]}))
    assert g.n_days == 1 and g.values["pm25"].shape == (1, 24)
    assert np.isnan(g.values["pm25"]).sum() == 23
    d = station_daily(g)
    assert d.iloc[0].n_so2 == 0 and np.isnan(d.iloc[0].so2)


def test_o3_8h_moving_crosses_midnight():
    times = pd.date_range("2024-01-01", periods=48, freq="h")
    frame = pd.DataFrame({"station": "A", "time": times, "o3": np.arange(48.0)})
    m = o3_8h_moving(frame).set_index("time")
    # stamped at hour start 2024-01-02 02:00 -> mean of hours starting 2024-01-01 19:00 .. 2024-01-02 02:00
    assert m.loc["2024-01-02 02:00", "o3_8h_moving"] == pytest.approx(np.mean(np.arange(19, 27)))
    assert np.isnan(m.loc["2024-01-01 04:00", "o3_8h_moving"])  # only 5 hours so far
    assert m.loc["2024-01-01 05:00", "o3_8h_moving"] == pytest.approx(np.mean(np.arange(0, 6)))
