"""Tests of airq.quality: every flag reason on hand-made frames, gaps, summary, raw untouched."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from airq import quality as q
from airq.quality import POLLUTANTS, QualityRules, check_hourly, gaps, quality_summary

H = pd.Timedelta(hours=1)


def hourly(station="A", start="2024-01-01 00:00", hours=24, seed=0, **fixed) -> pd.DataFrame:
    """Canonical hourly frame with values that vary every hour (nothing stuck, all plausible)."""
    rng = np.random.default_rng(seed)
    t = pd.date_range(start, periods=hours, freq="h").as_unit("ns")
    df = pd.DataFrame({"station": pd.Series([station] * hours, dtype="str"), "time": t})
    base = {"so2": 20, "no2": 40, "co": 0.8, "o3": 60, "pm10": 80, "pm25": 50}
    for p in POLLUTANTS:
        step = 0.1 if p == "co" else 1.0
        df[p] = np.round(base[p] + step * np.arange(hours) + rng.uniform(0, 0.05, hours), 3)
    for col, values in fixed.items():
        df[col] = values
    return df


def only(flags: pd.DataFrame, reason: str) -> pd.DataFrame:
    return flags[flags["reason"] == reason].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# clean data and the raw frame


def test_clean_data_passes_unchanged_with_no_flags():
    df = pd.concat([hourly("A"), hourly("B", seed=1)], ignore_index=True)
    clean, flags = check_hourly(df)
    assert flags.empty
    assert list(flags.columns) == list(q.FLAG_COLUMNS)
    pd.testing.assert_frame_equal(clean, df)


def test_raw_frame_is_not_mutated():
    df = hourly("A", hours=30)
    df = pd.concat([df, df.iloc[[2]]], ignore_index=True)  # a duplicate
    df.loc[3, "so2"] = -5.0
    df.loc[4, "co"] = 900.0
    df.loc[10:19, "no2"] = 55.0
    df["station"] = df["station"].astype(object)  # non-canonical dtypes are converted in the copy only
    df["time"] = df["time"].astype("datetime64[us]")
    df = df.iloc[::-1]  # unsorted input
    df.attrs["flags"] = pd.DataFrame({"x": [1]})  # reader flags in attrs must not break anything
    before = df.copy(deep=True)
    clean, flags = check_hourly(df, known_stations=["B"], fix_co_units=True)
    pd.testing.assert_frame_equal(df, before)
    assert df["station"].dtype == object and df["time"].dtype == "datetime64[us]"
    assert list(df.index) == list(before.index)
    assert len(flags) > 0
    pd.testing.assert_frame_equal(clean.attrs["flags"], df.attrs["flags"])  # reader flags travel along
    assert clean.attrs["flags"] is not df.attrs["flags"]


def test_clean_is_sorted_canonical_with_extra_columns_kept():
    a = hourly("B", hours=3)
    b = hourly("A", hours=3)
    df = pd.concat([a, b], ignore_index=True).iloc[::-1]
    df["source"] = "f.csv"
    df["time"] = df["time"].astype("datetime64[us]")
    clean, _ = check_hourly(df)
    assert list(clean["station"]) == ["A"] * 3 + ["B"] * 3
    assert clean["time"].is_monotonic_increasing is False  # sorted within station only
    assert (clean.groupby("station")["time"].diff().dropna() == H).all()
    assert clean["time"].dtype == "datetime64[ns]"
    assert clean["station"].dtype == "str"
    assert list(clean.columns) == list(df.columns)
    assert isinstance(clean.index, pd.RangeIndex)
    assert (clean["source"] == "f.csv").all()


# ---------------------------------------------------------------------------------------------
# negative / impossible


def test_negative_values_become_nan_and_are_flagged_zero_is_kept():
    df = hourly(hours=5)
    df.loc[1, "so2"] = -3.0
    df.loc[2, "pm25"] = -0.5
    df.loc[3, "no2"] = 0.0
    clean, flags = check_hourly(df)
    assert np.isnan(clean.loc[1, "so2"]) and np.isnan(clean.loc[2, "pm25"])
    assert clean.loc[3, "no2"] == 0.0
    neg = only(flags, q.NEGATIVE)
    assert list(neg["column"]) == ["so2", "pm25"]
    assert list(neg["value"]) == [-3.0, -0.5]
    assert list(neg["time"]) == [df.loc[1, "time"], df.loc[2, "time"]]
    assert len(flags) == 2


def test_impossible_threshold_is_generous_and_configurable():
    df = hourly(hours=4)
    df.loc[0, "pm10"] = 9500.0  # a sand-dust hour: kept
    df.loc[1, "pm10"] = 10500.0  # beyond a beta-gauge range: impossible
    df.loc[2, "o3"] = 1300.0
    clean, flags = check_hourly(df)
    assert clean.loc[0, "pm10"] == 9500.0
    assert np.isnan(clean.loc[1, "pm10"]) and np.isnan(clean.loc[2, "o3"])
    imp = only(flags, q.IMPOSSIBLE)
    assert list(imp["column"]) == ["pm10", "o3"]
    assert list(imp["value"]) == [10500.0, 1300.0]
    assert "10000" in imp.loc[0, "detail"]

    clean2, flags2 = check_hourly(df, rules=QualityRules(max_plausible={"pm10": 20000}))
    assert clean2.loc[1, "pm10"] == 10500.0
    assert list(only(flags2, q.IMPOSSIBLE)["column"]) == ["o3"]  # o3 keeps its default


def test_quality_rules_validation():
    assert QualityRules(max_plausible={"pm10": 1}).max_plausible["so2"] == q.DEFAULT_MAX_PLAUSIBLE["so2"]
    with pytest.raises(ValueError, match="unknown pollutant"):
        QualityRules(max_plausible={"pm1": 5})
    with pytest.raises(ValueError, match="stuck_hours"):
        QualityRules(stuck_hours={"so2": 1})
    with pytest.raises(TypeError, match="QualityRules"):
        check_hourly(hourly(hours=2), rules="HJ633-2026")


# ---------------------------------------------------------------------------------------------
# CO unit slip


def co_frame(station="A", hours=24, level=0.8):
    df = hourly(station, hours=hours)
    df["co"] = level + 0.01 * (np.arange(hours) % 7)
    return df


def test_co_unit_slip_flagged_and_blanked_by_default():
    df = co_frame()
    df.loc[10, "co"] = 850.0  # 0.85 mg/m³ written in µg/m³
    clean, flags = check_hourly(df)
    assert np.isnan(clean.loc[10, "co"])
    slip = only(flags, q.CO_UNIT_SLIP)
    assert len(slip) == 1 and len(flags) == 1
    assert slip.loc[0, "value"] == 850.0 and slip.loc[0, "column"] == "co"
    assert slip.loc[0, "time"] == df.loc[10, "time"]
    # neighbours of hour 10 within ±12 h: every other hour of the day
    expected_median = np.median(np.delete(df["co"].to_numpy(), 10))
    assert f"{expected_median:g}" in slip.loc[0, "detail"]


def test_co_unit_slip_fix_rescales_and_still_flags():
    df = co_frame()
    df.loc[10, "co"] = 850.0
    clean, flags = check_hourly(df, fix_co_units=True)
    assert clean.loc[10, "co"] == pytest.approx(0.85)
    slip = only(flags, q.CO_UNIT_SLIP)
    assert len(slip) == 1 and slip.loc[0, "value"] == 850.0
    assert "rescaled to 0.85" in slip.loc[0, "detail"]


def test_co_above_50_with_high_context_or_whole_block_is_not_a_slip():
    # station A: a whole day in µg/m³ -> no low context -> no single-value slip; the whole day is
    # a series in the wrong unit (co_unit_file, airq.unit_checks), 120 included (issue 10 item 3)
    a = co_frame("A", level=0.0)
    a["co"] = 800.0 + np.arange(24)
    a.loc[5, "co"] = 120.0
    # station B: low context, one slip; checks the per-station neighbourhood stays per station
    b = co_frame("B")
    b.loc[0, "co"] = 700.0
    both = pd.concat([a, b], ignore_index=True)
    clean, flags = check_hourly(both)
    slip = only(flags, q.CO_UNIT_SLIP)
    assert list(slip["station"]) == ["B"] and slip.loc[0, "value"] == 700.0
    whole = only(flags, q.CO_UNIT_FILE)
    assert (whole["station"] == "A").all() and len(whole) == 24 and only(flags, q.IMPOSSIBLE).empty
    assert clean.loc[clean.station == "A", "co"].isna().all()
    # the single-value rules alone (series rule out of reach): impossible where > 150, 120 kept
    clean, flags = check_hourly(both, rules=QualityRules(co_median_range=(0.02, 1e6)))
    assert list(only(flags, q.CO_UNIT_SLIP)["station"]) == ["B"]
    imp = only(flags, q.IMPOSSIBLE)
    assert (imp["station"] == "A").all() and len(imp) == 23
    assert clean.loc[(clean.station == "A") & (clean.time == a.loc[5, "time"]), "co"].item() == 120.0


def test_co_slip_needs_neighbours_within_the_window():
    df = co_frame(hours=48)
    df = df.drop(index=range(1, 20)).reset_index(drop=True)  # hour 0 alone, 19 h before the next value
    df.loc[0, "co"] = 900.0
    _, flags = check_hourly(df, rules=QualityRules(co_slip_window_hours=12))
    assert only(flags, q.CO_UNIT_SLIP).empty
    assert list(only(flags, q.IMPOSSIBLE)["value"]) == [900.0]
    _, flags24 = check_hourly(df, rules=QualityRules(co_slip_window_hours=24))
    assert list(only(flags24, q.CO_UNIT_SLIP)["value"]) == [900.0]


# ---------------------------------------------------------------------------------------------
# duplicates


def test_identical_duplicates_keep_one_and_flag_row():
    df = hourly(hours=4)
    df["source"] = "a.csv"
    dup = df.iloc[[1, 1]].assign(source="b.csv")  # same values from another file, twice
    clean, flags = check_hourly(pd.concat([df, dup], ignore_index=True))
    assert len(clean) == 4
    pd.testing.assert_frame_equal(clean, df)  # first copy kept (source a.csv)
    d = only(flags, q.DUPLICATE_IDENTICAL)
    assert len(d) == 1 and len(flags) == 1
    assert d.loc[0, "column"] == "*" and np.isnan(d.loc[0, "value"])
    assert d.loc[0, "detail"].startswith("3 identical rows")
    assert d.loc[0, "time"] == df.loc[1, "time"]


def test_conflicting_duplicates_blank_only_disagreeing_pollutants_and_record_every_copy():
    df = hourly(hours=4)
    df["source"] = "a.csv"
    other = df.iloc[[2]].assign(source="b.csv")
    other["pm25"] = 999.0
    other["no2"] = np.nan  # value against NaN is a disagreement too
    clean, flags = check_hourly(pd.concat([df, other], ignore_index=True))
    assert len(clean) == 4
    assert np.isnan(clean.loc[2, "pm25"]) and np.isnan(clean.loc[2, "no2"])
    for p in ("so2", "co", "o3", "pm10"):
        assert clean.loc[2, p] == df.loc[2, p]
    c = only(flags, q.DUPLICATE_CONFLICT)
    assert len(c) == 4 and len(flags) == 4
    pm = c[c.column == "pm25"].sort_values("detail")
    assert list(pm["value"]) == [df.loc[2, "pm25"], 999.0]
    assert "source a.csv" in pm["detail"].iloc[0] and "source b.csv" in pm["detail"].iloc[1]
    no2 = c[c.column == "no2"]
    assert no2["value"].isna().sum() == 1 and (no2["value"] == df.loc[2, "no2"]).sum() == 1


# ---------------------------------------------------------------------------------------------
# unknown stations


def test_unknown_station_rows_removed_and_recorded():
    df = pd.concat([hourly("A", hours=3), hourly("X", hours=2)], ignore_index=True)
    clean, flags = check_hourly(df, known_stations=["A", "B"])
    assert set(clean["station"]) == {"A"} and len(clean) == 3
    u = only(flags, q.UNKNOWN_STATION)
    assert len(u) == 2 and (u["station"] == "X").all() and (u["column"] == "*").all()
    assert list(u["time"]) == list(df.loc[df.station == "X", "time"])
    clean_all, flags_all = check_hourly(df)
    assert len(clean_all) == 5 and flags_all.empty


# ---------------------------------------------------------------------------------------------
# stuck


def test_stuck_run_of_8_flagged_whole_run_7_not():
    df = hourly(hours=30)
    df.loc[2:9, "no2"] = 55.0  # 8 h
    df.loc[15:21, "pm10"] = 70.0  # 7 h
    clean, flags = check_hourly(df)
    s = only(flags, q.STUCK)
    assert list(s["column"].unique()) == ["no2"]
    assert list(s["time"]) == list(df.loc[2:9, "time"])
    assert (s["value"] == 55.0).all()
    assert clean.loc[2:9, "no2"].isna().all()
    assert clean.loc[15:21, "pm10"].eq(70.0).all()
    assert "8 consecutive hours" in s.loc[0, "detail"]


def test_stuck_ignores_low_levels_and_zeros_and_uses_co_own_length():
    df = hourly(hours=30)
    df.loc[0:11, "so2"] = 6.0  # 12 h at a low SO2 level: genuine at 1 µg/m³ resolution
    df.loc[12:23, "o3"] = 0.0  # zeros never stuck
    df.loc[0:10, "co"] = 1.5  # 11 h of CO: CO needs 12
    clean, flags = check_hourly(df)
    assert flags.empty
    df.loc[0:11, "co"] = 1.5  # now 12 h
    _, flags = check_hourly(df)
    assert list(flags["reason"].unique()) == [q.STUCK] and len(flags) == 12
    _, flags = check_hourly(df, rules=QualityRules(stuck_floor={"so2": 5}))
    assert set(flags["column"]) == {"co", "so2"}


def test_stuck_run_broken_by_absent_hour_nan_and_station_change():
    a = hourly("A", hours=12)
    a.loc[0:9, "pm25"] = 66.0
    a = a.drop(index=5)  # absent hour: runs of 5 and 4
    b = hourly("B", hours=12)
    b.loc[0:9, "pm10"] = 90.0
    b.loc[4, "pm10"] = np.nan  # NaN breaks the run: 4 + 5
    # station change: last 4 h of C and first 4 h of D hold the same value
    c = hourly("C", hours=8)
    c.loc[4:7, "no2"] = 77.0
    d = hourly("D", start="2024-01-01 08:00", hours=8)
    d.loc[0:3, "no2"] = 77.0
    _, flags = check_hourly(pd.concat([a, b, c, d], ignore_index=True))
    assert only(flags, q.STUCK).empty


# ---------------------------------------------------------------------------------------------
# bad input


def test_bad_input_messages_name_row_column_value():
    df = hourly(hours=3)
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['pm25'\]"):
        check_hourly(df.drop(columns="pm25"))
    bad = df.astype({"so2": object})
    bad.loc[1, "so2"] = "12a"
    bad["source"] = "x.csv"
    with pytest.raises(ValueError, match=r"row 1 \(source 'x.csv'\), column 'so2': '12a' is not a number"):
        check_hourly(bad)
    tz = df.assign(time=df["time"].dt.tz_localize("Asia/Shanghai"))
    with pytest.raises(ValueError, match="timezone-aware"):
        check_hourly(tz)
    half = df.copy()
    half.loc[2, "time"] = half.loc[2, "time"] + pd.Timedelta(minutes=30)
    with pytest.raises(ValueError, match=r"row 2, column 'time': 2024-01-01 02:30 is not on a whole hour"):
        check_hourly(half)
    nat = df.copy()
    nat.loc[0, "time"] = pd.NaT
    with pytest.raises(ValueError, match="row 0, column 'time': missing time"):
        check_hourly(nat)
    num = df.assign(station=1001)
    with pytest.raises(TypeError, match="station codes are text"):
        check_hourly(num)
    txt = df.assign(time=df["time"].astype(str))
    with pytest.raises(TypeError, match="must hold datetime64"):
        check_hourly(txt)
    with pytest.raises(TypeError, match="DataFrame"):
        check_hourly(df.to_dict())


def test_numeric_strings_and_nullable_floats_are_accepted():
    df = hourly(hours=3)
    s = df.astype({"pm25": object, "so2": "Float64"})
    s.loc[0, "pm25"] = "51.5"
    s.loc[1, "pm25"] = ""
    s.loc[2, "so2"] = pd.NA
    clean, flags = check_hourly(s)
    assert clean["pm25"].dtype == "float64" and clean.loc[0, "pm25"] == 51.5 and np.isnan(clean.loc[1, "pm25"])
    assert clean["so2"].dtype == "float64" and np.isnan(clean.loc[2, "so2"])
    assert flags.empty


# ---------------------------------------------------------------------------------------------
# gaps


def test_gaps_between_rows_and_at_the_period_edges():
    a = hourly("A", hours=24).drop(index=[3, 4, 5, 10])
    b = hourly("B", start="2024-01-01 02:00", hours=20)
    df = pd.concat([a, b], ignore_index=True)
    g = gaps(df)
    assert list(g["station"]) == ["A", "A"]
    assert list(g["start"]) == [pd.Timestamp("2024-01-01 03:00"), pd.Timestamp("2024-01-01 10:00")]
    assert list(g["end"]) == [pd.Timestamp("2024-01-01 06:00"), pd.Timestamp("2024-01-01 11:00")]
    assert list(g["hours"]) == [3, 1]
    g2 = gaps(df, start="2024-01-01", end="2024-01-02", stations=["A", "B", "C"])
    got = {(r.station, r.start.hour, r.hours) for r in g2.itertuples()}
    assert got == {("A", 3, 3), ("A", 10, 1), ("B", 0, 2), ("B", 22, 2), ("C", 0, 24)}
    assert g2["hours"].dtype == "int64"
    assert g2.loc[g2.station == "C", "end"].item() == pd.Timestamp("2024-01-02")


def test_gaps_counts_rows_with_all_nan_as_present():
    df = hourly(hours=5)
    df.loc[2, list(POLLUTANTS)] = np.nan
    assert gaps(df).empty


# ---------------------------------------------------------------------------------------------
# summary


def test_quality_summary_counts_by_hand():
    # station A: Jan 31 22:00 .. Feb 1 05:00 (8 rows); station B: 3 rows in Feb, one duplicate
    a = hourly("A", start="2024-01-31 22:00", hours=8)
    a.loc[0, "so2"] = -1.0  # Jan: negative
    a.loc[3, "pm25"] = np.nan  # Feb: missing value (no flag)
    a.loc[4, "pm10"] = 20000.0  # Feb: impossible
    b = hourly("B", start="2024-02-10 00:00", hours=3)
    x = hourly("X", start="2024-02-10 00:00", hours=2)
    raw = pd.concat([a, b, b.iloc[[0]], x], ignore_index=True)
    clean, flags = check_hourly(raw, known_stations=["A", "B"])
    s = quality_summary(clean, flags).set_index(["station", "month"])
    assert list(s.index) == [(st, m) for st in ("A", "B", "X") for m in ("2024-01", "2024-02")]
    assert s.loc[("A", "2024-01"), "expected_hours"] == 744
    assert s.loc[("A", "2024-02"), "expected_hours"] == 696  # leap year
    assert s.loc[("A", "2024-01"), "present_hours"] == 2
    assert s.loc[("A", "2024-02"), "present_hours"] == 6
    assert s.loc[("A", "2024-02"), "absent_hours"] == 690
    assert s.loc[("A", "2024-01"), "valid_so2"] == 1
    assert s.loc[("A", "2024-02"), "valid_pm25"] == 5
    assert s.loc[("A", "2024-02"), "valid_pm10"] == 5
    assert s.loc[("A", "2024-02"), "valid_no2"] == 6
    assert s.loc[("A", "2024-02"), "complete_pm25"] == pytest.approx(100 * 5 / 696)
    assert s.loc[("A", "2024-01"), "flag_negative"] == 1
    assert s.loc[("A", "2024-02"), "flag_negative"] == 0
    assert s.loc[("A", "2024-02"), "flag_impossible"] == 1
    assert s.loc[("B", "2024-02"), "present_hours"] == 3
    assert s.loc[("B", "2024-02"), "flag_duplicate_identical"] == 1
    assert s.loc[("X", "2024-02"), "present_hours"] == 0
    assert s.loc[("X", "2024-02"), "flag_unknown_station"] == 2
    assert s[[f"flag_{r}" for r in q.REASONS]].to_numpy().sum() == len(flags) == 5
    assert s["present_hours"].dtype == "int64"


def test_quality_summary_period_clips_expected_hours_and_lists_requested_stations():
    a = hourly("A", start="2024-03-01 00:00", hours=48)
    clean, flags = check_hourly(a)
    s = quality_summary(clean, flags, start="2024-03-01 12:00", end="2024-04-02", stations=["A", "B"])
    s = s.set_index(["station", "month"])
    assert s.loc[("A", "2024-03"), "expected_hours"] == 31 * 24 - 12
    assert s.loc[("A", "2024-04"), "expected_hours"] == 24
    assert s.loc[("A", "2024-03"), "present_hours"] == 36
    assert s.loc[("B", "2024-03"), "present_hours"] == 0
    assert s.loc[("B", "2024-03"), "complete_so2"] == 0.0


def test_check_daily_flags_instead_of_dropping():
    from airq.quality import check_daily

    raw = pd.DataFrame({
        "station": ["A", "A", "B", "B", "Z"],
        "date": pd.to_datetime(["2023-01-01", "2023-01-02", "2023-01-01", "2023-01-01", "2023-01-01"]),
        "pm25": [-5.0, 40.0, 30.0, 31.0, 10.0],
        "pm10": [50.0, 20000.0, 60.0, 60.0, 10.0],
    })
    before = raw.copy()
    clean, flags = check_daily(raw, known_stations=["A", "B"])
    pd.testing.assert_frame_equal(raw, before)  # raw not modified
    assert sorted(zip(flags.reason, flags.station, flags.column)) == sorted([
        ("negative", "A", "pm25"), ("impossible", "A", "pm10"), ("unknown_station", "Z", "*"),
        ("duplicate_conflict", "B", "pm25"), ("duplicate_conflict", "B", "pm25"), ("duplicate_identical", "B", "*"),
    ])
    assert len(clean) == 3  # A twice, B once; Z kept out (recorded)
    b = clean[clean.station == "B"].iloc[0]
    assert np.isnan(b.pm25) and b.pm10 == 60.0  # conflicting value missing, agreeing value kept
    a = clean[clean.station == "A"].set_index("date")
    assert np.isnan(a.loc["2023-01-01", "pm25"]) and np.isnan(a.loc["2023-01-02", "pm10"])
