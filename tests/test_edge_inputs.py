"""Inputs that real frames bring: repeated index labels, float32, time zones, off-scale values,
negative hours, dates in concentration columns, 24:00 labels."""

import numpy as np
import pandas as pd
import pytest

import airq
from airq.aqi import aqi_category, daily_aqi, iaqi, realtime_aqi
from airq.hourly import station_daily, to_grid
from airq.timeconv import to_hour_start

DAY = {"so2": 10, "no2": 40, "pm10": 120, "pm25": 60, "co": 1.0, "o3_8h": 100, "o3_1h": 180}


def test_repeated_index_labels_keep_every_row_once():
    a = pd.DataFrame([dict(DAY, date="2026-02-28"), dict(DAY, date="2026-03-01")])
    both = pd.concat([a, a])  # index 0, 1, 0, 1 across the rule change
    r = daily_aqi(both)
    assert len(r) == 4 and list(r.index) == [0, 1, 0, 1]
    assert r.aqi.tolist() == [85, 100, 85, 100]  # 2012 (O3 1-h 180 -> 75; PM10 85) and 2026 (PM 100)
    big = pd.concat([pd.DataFrame([dict(DAY, o3_8h=850, o3_1h=300, date="2025-07-01")])] * 2)
    r = daily_aqi(big, rules="2012")  # the O3 8-h > 800 path splits rows internally
    assert len(r) == 2 and r.aqi.tolist() == [150, 150]  # O3 1-h 300 -> 150 stands for O3


def test_float32_is_read_as_the_decimal_it_stands_for():
    assert airq.round_gbt8170(np.array([4.05, 4.35, 2.45], np.float32), 1).tolist() == pytest.approx([4.0, 4.4, 2.4])
    f = pd.DataFrame([dict(DAY, date="2026-03-01")]).astype({"co": np.float32})
    f["co"] = np.float32(4.05)
    assert daily_aqi(f).iaqi_co.tolist() == [100]  # 4.05 -> 4.0 -> 100, not 4.1 -> 101
    t = pd.date_range("2024-01-01", periods=24, freq="h")
    h = pd.DataFrame({"station": "A", "time": t, "co": np.full(24, 4.05, np.float32)})
    assert station_daily(h).co.iloc[0] == pytest.approx(4.05, abs=1e-12)


def test_timezone_aware_dates_pick_rules_by_beijing_date():
    # 2026-02-28 17:00 UTC is 2026-03-01 01:00 in Beijing: the 2026 rules
    assert airq.rules_for(pd.Timestamp("2026-02-28 17:00", tz="UTC")).name == "HJ633-2026"
    f = pd.DataFrame([dict(DAY, date="2026-02-28"), dict(DAY, date="2026-03-01")])
    f["date"] = pd.to_datetime(f["date"]).dt.tz_localize("Asia/Shanghai")
    assert daily_aqi(f).rules.tolist() == ["HJ633-2012", "HJ633-2026"]


def test_off_scale_with_beyond_nan_gives_no_aqi_not_a_smaller_one():
    h = pd.DataFrame({"time": ["2026-05-20 10:00"], "pm10": [757], "so2": [10], "no2": [40], "co": [1], "o3": [100], "pm25": [70]})
    assert realtime_aqi(h).aqi.tolist() == [500]  # CNEMC practice (standards.md §1.1 note 5)
    r = realtime_aqi(h, beyond="nan").iloc[0]
    assert pd.isna(r.aqi) and pd.isna(r.iaqi_pm10) and r.primary is None


def test_negative_hours_are_refused_by_the_grid():
    t = pd.date_range("2024-01-01", periods=24, freq="h")
    h = pd.DataFrame({"station": "A", "time": t, "pm25": [-999.0] + [30.0] * 23})
    with pytest.raises(ValueError, match=r"row 0, column 'pm25': negative concentration -999"):
        to_grid(h)


def test_dates_are_not_concentrations_and_missing_markers_are_missing():
    with pytest.raises(ValueError, match="dates or times are not concentrations"):
        iaqi("pm25", pd.Series(pd.to_datetime(["2020-01-01"])), averaging="24h", rules="2012")
    assert list(iaqi("pm25", ["NA", "—", "75"], averaging="24h", rules="2012")) == [pd.NA, pd.NA, 100]
    assert np.isnan(airq.round_gbt8170("nan")) and np.isnan(airq.round_gbt8170(["nan"])[0])


def test_24h_labels_and_scalar_category():
    got = to_hour_start(["2024-01-01 24:00", "2024-01-02 01:00"], "end")
    assert list(got) == [pd.Timestamp("2024-01-01 23:00"), pd.Timestamp("2024-01-02 00:00")]
    assert aqi_category(50).category.tolist() == ["优"]
    with pytest.raises(ValueError, match="negative"):
        aqi_category([-1])
