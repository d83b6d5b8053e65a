"""Period statistics: airq.stats.

Every expected number is hand-computed here (arithmetic written out, exact with ``Fraction``)
from standards.md §1 (HJ 633 breakpoints, test vectors of §1.7), §2.3 (sufficiency), §2.6
(percentiles), §2.7 (rounding), §2.8 (composite index) and §2.9 (ratios, dust deduction).
"""

from __future__ import annotations

import math
from fractions import Fraction as F

import numpy as np
import pandas as pd
import pytest

from airq.groups import group_daily, group_daily_aqi
from airq.stats import (
    compare_periods,
    hj663_percentile,
    monthly_counts,
    parse_period,
    period_stats,
    publish,
    rank,
    rule_change_comparison,
    same_period_last_year,
)

# Low background: IAQIs so2 5, no2 13 (12.5 up), co 10, pm10 20, o3_8h 25, o3_1h 19 (18.75 up);
# the AQI of a day is therefore set by whatever is raised above these.
LOW = {"so2": 5.0, "no2": 10.0, "co": 0.4, "pm10": 20.0, "pm25": 30.0, "o3_8h": 50.0, "o3_1h": 60.0}
T = pd.Timestamp


def ceil(x: F) -> int:
    return math.ceil(x)


def _days(group, dates, **cols):
    """Group-daily frame: LOW everywhere, overridden by per-day lists or scalars in ``cols``."""
    dates = pd.DatetimeIndex(pd.to_datetime(list(dates)))
    data = {"group": group, "date": dates}
    for p, v in LOW.items():
        data[p] = cols.get(p, v)
    return pd.DataFrame(data)


def _aqi(*frames, **kw):
    return group_daily_aqi(pd.concat(frames, ignore_index=True), **kw)


# --------------------------------------------------------------------------- periods


@pytest.mark.parametrize("text, start, end", [
    ("2023", "2023-01-01", "2023-12-31"),
    ("2024-02", "2024-02-01", "2024-02-29"),
    ("2023-02", "2023-02-01", "2023-02-28"),
    ("2023-Q1", "2023-01-01", "2023-03-31"),
    ("2023q4", "2023-10-01", "2023-12-31"),
    ("2023-H2", "2023-07-01", "2023-12-31"),
    ("2023-01-01/2023-03-31", "2023-01-01", "2023-03-31"),
    (" 2023-01-05..2023-01-09 ", "2023-01-05", "2023-01-09"),
    ("2023-03-05", "2023-03-05", "2023-03-05"),
])
def test_parse_period(text, start, end):
    assert parse_period(text) == (T(start), T(end))


@pytest.mark.parametrize("text, words", [
    ("2023-13", "month 13"), ("2023-Q5", "cannot read"), ("2023-03-31/2023-01-01", "before start"),
    ("last year", "cannot read"), ("2023-02-30/2023-03-01", "not a date"), (2023, "period is text"),
])
def test_parse_period_errors(text, words):
    with pytest.raises(ValueError, match=words):
        parse_period(text)


def test_same_period_last_year():
    assert same_period_last_year("2025-02-01", "2025-02-28") == (T("2024-02-01"), T("2024-02-29"))
    assert same_period_last_year("2024-02-01", "2024-02-29") == (T("2023-02-01"), T("2023-02-28"))
    assert same_period_last_year("2024-01-01", "2024-02-10") == (T("2023-01-01"), T("2023-02-10"))
    assert same_period_last_year("2024", None) == (T("2023-01-01"), T("2023-12-31"))


# --------------------------------------------------------------------------- percentile


def test_percentile_standard_example_and_formula():
    # standards.md §2.6: P90 of 1..10 = 9.1 (k = 1 + 9*0.9 = 9.1, X(9) + 0.1*(X(10)-X(9))).
    assert hj663_percentile(range(1, 11), 90) == pytest.approx(9.1, abs=1e-12)
    # Unsorted, with a missing value: sorted 1 1 2 3 4 5 6 9 (n = 8); P95: k = 1 + 7*0.95 = 7.65,
    # s = 7 -> X(7) + 0.65 (X(8) - X(7)) = 6 + 0.65*3 = 7.95.
    assert hj663_percentile([3, 1, 4, 1, np.nan, 5, 9, 2, 6], 95) == pytest.approx(float(6 + F(65, 100) * 3), abs=1e-12)
    # P98 of n = 51: k = 1 + 50*0.98 = 50 exactly -> X(50) with no interpolation.
    vals = list(range(1, 50)) + [50, 1000]
    assert hj663_percentile(vals, 98) == 50.0
    assert hj663_percentile([7.0], 90) == 7.0
    assert hj663_percentile([5, 1, 3], 0) == 1.0 and hj663_percentile([5, 1, 3], 100) == 5.0
    assert np.isnan(hj663_percentile([np.nan], 90)) and np.isnan(hj663_percentile([], 90))
    # Not nearest-rank (which would give 10 for P95 of 1..10) and not PERCENTILE.EXC.
    assert hj663_percentile(range(1, 11), 95) == pytest.approx(float(1 + F(9 * 95, 100) + 0), abs=1e-12)  # 9.55


def test_percentile_errors():
    with pytest.raises(ValueError, match=r"\[0, 100\]"):
        hj663_percentile([1, 2], 101)
    with pytest.raises(ValueError, match="in percent"):
        hj663_percentile([1, 2], 0.9)
    with pytest.raises(ValueError, match="non-numeric value 'x'"):
        hj663_percentile([1, "x"], 90)


# --------------------------------------------------------------------------- the basic statistics


def _five_days():
    # d1 PM2.5 30 -> 30/35*50 = 42.86 -> 43 (优, no primary);
    # d2 PM2.5 60 -> 50 + 50/40*25 = 81.25 -> 82 (良, pm25);
    # d3 PM2.5 120 -> 150 + 50/35*5 = 157.14 -> 158 (中度, pm25);
    # d4 PM2.5 200 -> 200 + 100/100*50 = 250 (重度, pm25);
    # d5 PM2.5 missing -> HJ 633—2012: no AQI.
    dates = pd.date_range("2023-01-01", periods=5)
    return _days("A", dates, pm25=[30.0, 60.0, 120.0, 200.0, np.nan])


def test_basic_statistics_by_hand():
    s = period_stats(_aqi(_five_days()), start="2023-01-01", end="2023-01-05").iloc[0]
    assert [ceil(F(30 * 50, 35)), ceil(50 + F(50, 40) * 25), ceil(150 + F(50, 35) * 5), ceil(200 + F(100, 100) * 50)] \
        == [43, 82, 158, 250]
    assert s.calendar_days == 5 and s.valid_days == 4 and s.no_aqi_days == 1
    assert s.good_days == 2 and s.exceed_days == 2 and s.heavy_days == 1
    assert s.good_day_ratio == pytest.approx(float(F(2, 4) * 100))  # valid days, not calendar days (2/5)
    assert s.exceed_day_ratio == pytest.approx(50.0) and s.heavy_day_ratio == pytest.approx(25.0)
    assert [s[f"days_level{i}"] for i in range(1, 7)] == [1, 1, 0, 1, 1, 0]
    assert s.days_primary_pm25 == 3 and s.days_primary_o3_8h == 0 and s.days_primary_pm10 == 0
    assert s.exceed_days_pm25 == 2 and s.exceed_days_so2 == 0
    assert s.n_days_pm25 == 4 and s.n_days_so2 == 5
    assert s.pm25_mean == pytest.approx(float(F(30 + 60 + 120 + 200, 4)))  # 102.5
    assert s.so2_mean == 5.0 and s.no2_mean == 10.0 and s.pm10_mean == 20.0
    # PM2.5 P95 of 30 60 120 200: k = 1 + 3*0.95 = 3.85 -> 120 + 0.85*80 = 188.
    assert s.pm25_p95 == pytest.approx(float(120 + F(85, 100) * 80))
    assert s.co_p95 == pytest.approx(0.4) and s.o3_8h_p90 == 50.0 and s.so2_p98 == 5.0
    # Composite (GB 3095—2012 S_i): 5/60 + 10/40 + 20/70 + 102.5/35 + 0.4/4 + 50/160.
    ci = F(5, 60) + F(10, 40) + F(20, 70) + F(1025, 350) + F(4, 40) + F(50, 160)
    assert s.composite_index == pytest.approx(float(ci), rel=1e-12)
    assert s.index_pm25 == pytest.approx(float(F(1025, 350))) and s.composite_primary == "pm25"
    assert s.rules == "HJ633-2012" and s.composite_limits.startswith("GB 3095—2012")


def test_class_boundaries_100_101_200_201():
    # HJ 633—2012 PM2.5: 75 -> 100 (good), 76 -> 100 + 50/40*1 = 101.25 -> 102 (exceedance),
    # 150 -> 200 (中度, not heavy), 151 -> 200 + 100/100*1 = 201 (重度, heavy).
    d = _days("A", pd.date_range("2023-05-01", periods=4), pm25=[75.0, 76.0, 150.0, 151.0])
    s = period_stats(_aqi(d), period="2023-05").iloc[0]
    assert ceil(100 + F(50, 40) * 1) == 102 and ceil(200 + F(100, 100) * 1) == 201
    assert s.good_days == 1 and s.exceed_days == 3 and s.heavy_days == 1
    assert [s[f"days_level{i}"] for i in range(1, 7)] == [0, 1, 1, 1, 1, 0]
    assert s.heavy_day_ratio == 25.0 and s.exceed_days_pm25 == 3


def test_days_outside_the_period_and_absent_days():
    a = _aqi(_five_days())
    s = period_stats(a, start="2023-01-02", end="2023-01-10").iloc[0]
    # d2..d4 valid (82, 158, 250), d5 no AQI, 01-06..01-10 absent.
    assert s.calendar_days == 9 and s.valid_days == 3 and s.no_aqi_days == 6 and s.good_days == 1
    assert s.good_day_ratio == pytest.approx(float(F(100, 3)))


def test_primary_ties_counted_for_each():
    # standards.md §1.7 whole day 1 under HJ 633—2026: PM10 120 and PM2.5 60 both IAQI 100.
    day = _days("A", ["2026-03-02"], pm10=120.0, pm25=60.0)
    s = period_stats(_aqi(day), period="2026-03-02").iloc[0]
    assert s.days_primary_pm10 == 1 and s.days_primary_pm25 == 1 and s.good_days == 1


def test_2026_missing_pollutant_rule_in_counts():
    # HJ 633—2026 §5.3: SO2 missing; PM2.5 70 -> AQI 110 (> 100, valid exceedance day);
    # PM2.5 30 -> AQI 43 <= 100 -> not published, not a valid day (not counted as good).
    d = _days("A", ["2026-03-02", "2026-03-03"], so2=np.nan, pm25=[70.0, 30.0])
    s = period_stats(_aqi(d), start="2026-03-02", end="2026-03-03").iloc[0]
    assert s.valid_days == 1 and s.exceed_days == 1 and s.good_days == 0 and s.good_day_ratio == 0.0


def test_exceedance_by_iaqi_or_by_limit():
    # 2031: GB 3095—2026 final PM2.5 24-h grade II limit 50; HJ 633—2026 IAQI of 55 is
    # 50 + 50/25*20 = 90 (not > 100). By limit: 55 > 50 -> exceedance.
    d = _days("A", ["2031-01-05"], pm25=55.0)
    a = _aqi(d)
    assert period_stats(a, period="2031-01-05").iloc[0].exceed_days_pm25 == 0
    assert period_stats(a, period="2031-01-05", exceedance="limit").iloc[0].exceed_days_pm25 == 1
    # Before 2031 both agree: 2023 PM2.5 75 (= limit, IAQI 100) no, 75.6 (-> 76) yes.
    d = _days("A", ["2023-05-01", "2023-05-02"], pm25=[75.0, 75.6])
    for how in ("iaqi", "limit"):
        assert period_stats(_aqi(d), period="2023-05", exceedance=how).iloc[0].exceed_days_pm25 == 1


# --------------------------------------------------------------------------- leap year, rounding at the end


def test_leap_year_2024_has_366_calendar_days():
    dates = pd.date_range("2024-01-01", "2024-12-31")
    # 290 days PM2.5 30 (AQI 43), 76 days PM2.5 100 (100 + 50/40*25 = 131.25 -> 132).
    pm = np.r_[np.full(290, 30.0), np.full(76, 100.0)]
    s = period_stats(_aqi(_days("A", dates, pm25=pm)), period="2024").iloc[0]
    assert s.calendar_days == 366 and s.valid_days == 366 and s.good_days == 290
    assert s.good_day_ratio == pytest.approx(float(F(290 * 100, 366)))  # 79.23...
    assert publish(pd.DataFrame([s])).iloc[0].good_day_ratio == 79.2  # Beijing 2024: 290/366 = 79.2 %
    assert s.sufficient


def test_rounding_only_at_the_end():
    # Jan 2023: 31 days PM10 40.4, PM2.5 30.04; Feb: 28 days PM10 40.7, PM2.5 30.09.
    jan, feb = pd.date_range("2023-01-01", "2023-01-31"), pd.date_range("2023-02-01", "2023-02-28")
    d = pd.concat([_days("A", jan, pm10=40.4, pm25=30.04), _days("A", feb, pm10=40.7, pm25=30.09)], ignore_index=True)
    a = _aqi(d)
    s = period_stats(a, start="2023-01-01", end="2023-02-28")
    pm10 = F(31 * 404 + 28 * 407, 59 * 10)  # 2392/59 = 40.542...
    pm25 = F(31 * 3004 + 28 * 3009, 59 * 100)  # 1773.76/59 = 30.0637...
    assert s.iloc[0].pm10_mean == pytest.approx(float(pm10), rel=1e-12)
    assert s.iloc[0].pm25_mean == pytest.approx(float(pm25), rel=1e-12)
    pub = publish(s).iloc[0]
    assert pub.pm10_mean == 41.0 and pub.pm25_mean == 30.1
    # Rounding the monthly figures first gives 40 and 41 (PM10), 30.0 and 30.1 (PM2.5); their
    # mean is 40.5 -> 40 and 30.05 -> 30.0 (GB/T 8170 half to even): a different annual figure.
    months = [publish(period_stats(a, period=m)).iloc[0] for m in ("2023-01", "2023-02")]
    assert [m.pm10_mean for m in months] == [40.0, 41.0] and [m.pm25_mean for m in months] == [30.0, 30.1]
    assert (F(40) + F(41)) / 2 == F(81, 2)  # 40.5 -> 40 (even), not 41


def test_publish_defaults_and_gbt8170_halves():
    st = pd.DataFrame({
        "group": ["a", "b"], "good_day_ratio": [12.25, 12.35], "pm25_mean": [30.05, 30.15], "so2_mean": [10.5, 11.5],
        "co_p95": [1.05, 1.15], "composite_index": [4.645, 4.635], "o3_8h_p90": [160.5, 161.5], "valid_days": [3, 4],
    })
    p = publish(st)
    assert list(p.good_day_ratio) == [12.2, 12.4]
    assert list(p.pm25_mean) == [30.0, 30.2]
    assert list(p.so2_mean) == [10.0, 12.0]
    assert list(p.co_p95) == [1.0, 1.2]
    assert list(p.composite_index) == [4.64, 4.64]
    assert list(p.o3_8h_p90) == [160.0, 162.0]
    assert list(p.valid_days) == [3, 4] and list(st.pm25_mean) == [30.05, 30.15]  # input untouched
    assert list(publish(st, decimals={"pm25_mean": 0, "o3_p90": 1}).pm25_mean) == [30.0, 30.0]
    assert list(publish(st, decimals={"o3_p90": 1}).o3_8h_p90) == [160.5, 161.5]
    with pytest.raises(ValueError, match="unknown statistic 'pm2.5'"):
        publish(st, decimals={"pm2.5": 1})
    with pytest.raises(ValueError, match="integer"):
        publish(st, decimals={"pm25_mean": 1.5})


# --------------------------------------------------------------------------- sufficiency


def _year_with_gaps(n_missing_per_month, year=2023):
    """A year of good days with the first k days of each month absent (k per month)."""
    dates = pd.date_range(f"{year}-01-01", f"{year}-12-31")
    keep = dates.day > np.asarray(n_missing_per_month)[dates.month - 1]
    return _days("A", dates[keep])


def test_annual_324_vs_323_days():
    # 365 - 41 = 324 and 365 - 42 = 323, every month keeping >= 27 (February >= 25).
    k41 = [4, 3, 4, 3, 4, 3, 4, 4, 3, 4, 3, 2]  # sum 41; Feb 28-3 = 25, Dec 31-2 = 29
    k42 = [4, 3, 4, 3, 4, 3, 4, 4, 3, 4, 3, 3]  # sum 42; Dec 28
    assert sum(k41) == 41 and sum(k42) == 42
    s324 = period_stats(_aqi(_year_with_gaps(k41)), period="2023").iloc[0]
    s323 = period_stats(_aqi(_year_with_gaps(k42)), period="2023").iloc[0]
    assert s324.valid_days == 324 and s324.sufficient and s324.sufficient_pm25 and s324.months_short == ""
    assert s323.valid_days == 323 and not s323.sufficient and not s323.sufficient_aqi and not s323.sufficient_pm25
    assert s323.months_short == ""  # every month is fine; only the 324 rule fails
    assert s324.min_month_days == 25  # February


def test_annual_fails_on_one_short_month():
    k = [5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]  # 360 days, January 26
    s = period_stats(_aqi(_year_with_gaps(k)), period="2023").iloc[0]
    assert s.valid_days == 360 and not s.sufficient and s.months_short == "2023-01" and s.min_month_days == 26
    m = monthly_counts(_aqi(_year_with_gaps(k)), period="2023")
    jan = m[m.month == "2023-01"].iloc[0]
    assert jan.valid_days == 26 and jan.required_days == 27 and not jan.month_ok and len(m) == 12


@pytest.mark.parametrize("period, n_valid, ok", [
    ("2023-01", 27, True), ("2023-01", 26, False),
    ("2023-04", 27, True), ("2023-04", 26, False),
    ("2023-02", 25, True), ("2023-02", 24, False),
    ("2024-02", 25, True), ("2024-02", 24, False),  # leap February: still 25
])
def test_monthly_27_and_february_25(period, n_valid, ok):
    start, end = parse_period(period)
    dates = pd.date_range(start, end)[:n_valid]
    s = period_stats(_aqi(_days("A", dates)), period=period).iloc[0]
    assert s.valid_days == n_valid and s.sufficient == ok
    assert s.months_short == ("" if ok else period)


def test_partial_month_allowance():
    # 2023-01-01..2023-01-10 (10 of 31 days): may miss 31 - 27 = 4 days -> needs 6.
    for n, ok in ((6, True), (5, False)):
        d = _days("A", pd.date_range("2023-01-01", periods=n))
        assert period_stats(_aqi(d), start="2023-01-01", end="2023-01-10").iloc[0].sufficient == ok
    m = monthly_counts(_aqi(_days("A", ["2023-01-01"])), start="2023-01-01", end="2023-01-10")
    assert m.iloc[0].required_days == 6 and m.iloc[0].calendar_days == 10


def test_pollutant_sufficiency_is_separate():
    # A whole January with PM2.5 missing on 5 days: AQI missing too (2012 strict), and
    # SO2 valid every day.
    dates = pd.date_range("2023-01-01", "2023-01-31")
    pm = np.r_[np.full(5, np.nan), np.full(26, 30.0)]
    s = period_stats(_aqi(_days("A", dates, pm25=pm)), period="2023-01").iloc[0]
    assert s.sufficient_so2 and not s.sufficient_pm25 and not s.sufficient and s.n_days_pm25 == 26


# --------------------------------------------------------------------------- dust


def _dust_frame():
    # 2023, HJ 633—2012:
    # d1 PM10 300 (dust): 150 + 50/100*50 = 175 -> AQI 175, primary pm10;
    # d2 PM2.5 60: 82 (良); d3 PM10 100 (dust): 50 + 50/100*50 = 75 (良); d4 all LOW: 25 (优).
    dates = pd.date_range("2023-04-01", periods=4)
    return _days("A", dates, pm10=[300.0, 20.0, 100.0, 20.0], pm25=[30.0, 60.0, 30.0, 30.0])


def test_dust_off():
    s = period_stats(_aqi(_dust_frame()), period="2023-04").iloc[0]
    assert s.valid_days == 4 and s.good_days == 3 and s.exceed_days == 1
    assert s.pm10_mean == pytest.approx(float(F(300 + 20 + 100 + 20, 4)))
    assert s.dust_mode is None and s.dust_days == 0


def test_dust_exclude_exceedance():
    dust = ["2023-04-01", "2023-04-03"]
    s = period_stats(_aqi(_dust_frame()), period="2023-04", dust_days=dust, dust_mode="exclude_exceedance").iloc[0]
    # d1 (AQI 175 with PM10 sub-index 175 > 100) leaves the denominator; d3 (AQI 75) stays.
    assert s.valid_days == 3 and s.good_days == 3 and s.exceed_days == 0 and s.good_day_ratio == 100.0
    assert s.dust_days == 2 and s.dust_removed_days == 1
    assert s.calendar_days == s.valid_days + s.no_aqi_days + s.dust_removed_days
    # PM means leave out both dust days: PM10 (20 + 20)/2, PM2.5 (60 + 30)/2.
    assert s.pm10_mean == 20.0 and s.n_days_pm10 == 2 and s.pm25_mean == 45.0
    assert s.so2_mean == 5.0 and s.n_days_so2 == 4
    assert s.exceed_days_pm10 == 0


def test_dust_recompute():
    dust = ["2023-04-01", "2023-04-03"]
    s = period_stats(_aqi(_dust_frame()), period="2023-04", dust_days=dust, dust_mode="recompute").iloc[0]
    # d1 and d3 recomputed without PM: largest of the LOW sub-indices = O3 8-h 50/100*50 = 25.
    assert s.valid_days == 4 and s.good_days == 4 and s.exceed_days == 0 and s.dust_recomputed_days == 2
    assert s.days_level1 == 3 and s.days_level2 == 1  # d2 82 stays 良
    assert s.days_primary_pm10 == 0 and s.pm10_mean == 20.0 and s.n_days_pm10 == 2


def test_dust_per_group_and_errors():
    a = _aqi(_dust_frame(), _dust_frame().assign(group="B"))
    s = period_stats(a, period="2023-04", dust_days={"A": ["2023-04-01"]}, dust_mode="exclude_days")
    assert list(s.valid_days) == [3, 4] and list(s.dust_days) == [1, 0]
    with pytest.raises(ValueError, match="dust_mode is None"):
        period_stats(a, period="2023-04", dust_days=["2023-04-01"])
    with pytest.raises(ValueError, match="needs dust_days"):
        period_stats(a, period="2023-04", dust_mode="recompute")
    with pytest.raises(ValueError, match="unknown group"):
        period_stats(a, period="2023-04", dust_days={"C": ["2023-04-01"]}, dust_mode="recompute")
    table = pd.DataFrame({"group": ["B", "Z"], "date": ["2023-04-01", "2023-04-01"]})
    with pytest.raises(ValueError, match=r"unknown group\(s\) \['Z'\]"):
        period_stats(a, period="2023-04", dust_days=table, dust_mode="recompute")
    s2 = period_stats(a, period="2023-04", dust_days=table.iloc[:1], dust_mode="exclude_exceedance")
    assert list(s2.valid_days) == [4, 3] and list(s2.dust_removed_days) == [0, 1]
    with pytest.raises(ValueError, match="dust_mode must be"):
        period_stats(a, period="2023-04", dust_days=["2023-04-01"], dust_mode="subtract")


# --------------------------------------------------------------------------- groups end to end


def test_several_groups_from_stations_with_a_missing_station_day():
    d1, d2 = T("2023-06-01"), T("2023-06-02")
    sd = pd.DataFrame([
        {"station": "S1", "date": d1, **LOW, "pm25": 50.0},
        {"station": "S2", "date": d1, **LOW, "pm25": 90.0},
        {"station": "S1", "date": d2, **LOW, "pm25": 100.0},  # S2 has no row on d2
    ])
    g = group_daily(sd, {"city": ["S1", "S2"], "county": ["S2"]})
    s = period_stats(group_daily_aqi(g), start=d1, end=d2).set_index("group")
    # city: d1 (50+90)/2 = 70 -> 94 (良), d2 100 (S1 only) -> 132; county: d1 90 -> 100 + 50/40*15
    # = 118.75 -> 119, d2 nothing -> no AQI.
    assert s.loc["city", "valid_days"] == 2 and s.loc["city", "good_days"] == 1
    assert s.loc["city", "pm25_mean"] == pytest.approx(float(F(70 + 100, 2)))
    assert s.loc["county", "valid_days"] == 1 and s.loc["county", "exceed_days"] == 1
    assert s.loc["county", "no_aqi_days"] == 1 and s.loc["county", "n_days_pm25"] == 1


def test_units_without_days_in_the_period_still_get_a_row():
    a = _aqi(_days("A", ["2023-01-01"]), _days("B", ["2023-02-01"]))
    s = period_stats(a, period="2023-01")
    assert list(s.group) == ["A", "B"] and list(s.valid_days) == [1, 0]
    assert np.isnan(s.iloc[1].good_day_ratio) and np.isnan(s.iloc[1].composite_index) and s.iloc[1].rules == ""


# --------------------------------------------------------------------------- rule sets


def test_period_crossing_2026_03_01_uses_both_rule_sets_day_by_day():
    dates = pd.date_range("2026-02-20", "2026-03-10")
    s = period_stats(_aqi(_days("A", dates, pm25=70.0)), start="2026-02-20", end="2026-03-10").iloc[0]
    # Feb 20-28 (9 days): 2012, 50 + 50/40*35 = 93.75 -> 94 (良); Mar 1-10 (10 days): 2026,
    # 100 + 50/55*10 = 109.09 -> 110 (轻度污染).
    assert s.rules == "HJ633-2012+HJ633-2026"
    assert s.calendar_days == 19 and s.good_days == 9 and s.exceed_days == 10 and s.days_level3 == 10
    assert s.good_day_ratio == pytest.approx(float(F(900, 19)))
    assert s.exceed_days_pm25 == 10


def test_pinned_rules_recompute_the_aqi():
    dates = pd.date_range("2023-03-01", periods=3)
    a = _aqi(_days("A", dates, pm25=70.0))  # 2012: 94, good
    s = period_stats(a, period="2023-03", rules="HJ633-2026").iloc[0]
    assert s.rules == "HJ633-2026" and s.good_days == 0 and s.exceed_days == 3
    assert period_stats(a, period="2023-03").iloc[0].good_days == 3


def test_rule_change_comparison_lists_the_changed_days():
    dates = pd.to_datetime(["2025-06-01", "2025-06-02", "2025-06-03"])
    # d1 PM2.5 70: 2012 94 良 -> 2026 110 轻度污染; d2 LOW: 25 优 both;
    # d3 standards.md §1.7 whole day 2: 2012 130 (O3 1-h) -> 2026 92 (O3 8-h: 50 + 50/60*50 = 91.67).
    g = _days("A", dates, pm25=[70.0, 30.0, 20.0], so2=[5.0, 5.0, 8.0], no2=[10.0, 10.0, 20.0],
              pm10=[20.0, 20.0, 40.0], co=[0.4, 0.4, 0.6], o3_8h=[50.0, 50.0, 150.0], o3_1h=[60.0, 60.0, 260.0])
    r = rule_change_comparison(g, period="2025-06")
    ch = r.changed_days
    assert list(ch.date) == [dates[0], dates[2]]
    first = ch.iloc[0]
    assert (first.aqi_2012, first.category_2012, first.primary_2012) == (94, "良", "pm25")
    assert (first.aqi_2026, first.category_2026, first.primary_2026) == (110, "轻度污染", "pm25")
    third = ch.iloc[1]
    assert (third.aqi_2012, third.primary_2012, third.aqi_2026, third.primary_2026) == (130, "o3_1h", 92, "o3_8h")
    assert ceil(100 + F(50, 100) * 60) == 130 and ceil(50 + F(50, 60) * 50) == 92
    side = r.side_by_side.iloc[0]
    assert side.good_days_2012 == 2 and side.good_days_2026 == 2 and side.exceed_days_2012 == 1
    assert side.days_primary_o3_1h_2012 == 1 and side.days_primary_o3_1h_2026 == 0
    assert r.stats_2012.iloc[0].rules == "HJ633-2012" and r.stats_2026.iloc[0].rules == "HJ633-2026"
    assert r.stats_2012.iloc[0].pm25_mean == r.stats_2026.iloc[0].pm25_mean == 40.0


# --------------------------------------------------------------------------- composite, compare, rank


def test_composite_limits_in_force():
    d = _days("A", pd.date_range("2026-03-01", periods=2), pm25=[30.0, 40.0], pm10=[50.0, 70.0])
    a = _aqi(d)
    s12 = period_stats(a, period="2026-03").iloc[0]
    s26 = period_stats(a, period="2026-03", composite_limits="in_force").iloc[0]
    # PM2.5 mean 35, PM10 mean 60: 2012 S = 35 / 70; in force (2026 transitional) S = 30 / 60.
    assert s12.index_pm25 == 1.0 and s12.index_pm10 == pytest.approx(float(F(60, 70)))
    assert s26.index_pm25 == pytest.approx(float(F(35, 30))) and s26.index_pm10 == 1.0
    common = F(5, 60) + F(10, 40) + F(4, 40) + F(50, 160)  # SO2, NO2, CO P95 0.4, O3 P90 50
    assert s26.composite_index == pytest.approx(float(common + F(35, 30) + 1), rel=1e-12)
    with pytest.raises(ValueError, match="composite_limits"):
        period_stats(a, period="2026-03", composite_limits="GB3095-2031")


def test_composite_index_of_published_example():
    # standards.md §2.8 银川 2022-11: PM10 89, PM2.5 42, SO2 16, NO2 44, CO 1.2, O3-8h 80 -> 4.64.
    d = _days("A", ["2022-11-01"], pm10=89.0, pm25=42.0, so2=16.0, no2=44.0, co=1.2, o3_8h=80.0)
    s = period_stats(_aqi(d), period="2022-11-01")
    ci = F(16, 60) + F(44, 40) + F(89, 70) + F(42, 35) + F(12, 40) + F(80, 160)
    assert s.iloc[0].composite_index == pytest.approx(float(ci), rel=1e-12)
    assert publish(s).iloc[0].composite_index == 4.64


def test_compare_periods():
    cur = pd.DataFrame({"group": ["A", "B"], "pm25_mean": [27.0, 30.46], "good_day_ratio": [86.8, 90.0],
                        "good_days": [300, 310], "composite_index": [3.0, 4.0]})
    prev = pd.DataFrame({"group": ["A"], "pm25_mean": [30.0], "good_day_ratio": [85.5], "good_days": [290],
                         "composite_index": [4.0]})
    c = compare_periods(cur, prev).set_index("group")
    assert c.loc["A", "pm25_mean_change"] == -3.0 and c.loc["A", "pm25_mean_change_pct"] == pytest.approx(-10.0)
    assert c.loc["A", "good_day_ratio_change_pp"] == pytest.approx(1.3)
    assert c.loc["A", "good_days_change"] == 10 and c.loc["A", "composite_index_change_pct"] == -25.0
    assert np.isnan(c.loc["B", "pm25_mean_change"]) and pd.isna(c.loc["B", "good_days_change"])
    # basis: 30.46 vs 30.04 -> unrounded change 0.42 (published 0.4); published 30.5 - 30.0 = 0.5.
    cur2 = pd.DataFrame({"group": ["A"], "pm25_mean": [30.46]})
    prev2 = pd.DataFrame({"group": ["A"], "pm25_mean": [30.04]})
    assert compare_periods(cur2, prev2).iloc[0].pm25_mean_change == pytest.approx(0.42)
    assert publish(compare_periods(cur2, prev2)).iloc[0].pm25_mean_change == 0.4
    assert compare_periods(cur2, prev2, basis="published").iloc[0].pm25_mean_change == pytest.approx(0.5)
    with pytest.raises(ValueError, match="published"):
        compare_periods(publish(cur2), prev2)


def test_compare_same_period_last_year_end_to_end():
    d23 = _days("A", pd.date_range("2023-01-01", "2023-01-31"), pm25=40.0)
    d24 = _days("A", pd.date_range("2024-01-01", "2024-01-31"), pm25=30.0)
    a = _aqi(d23, d24)
    cur = period_stats(a, period="2024-01")
    prev = period_stats(a, start=same_period_last_year("2024-01-01", "2024-01-31")[0],
                        end=same_period_last_year("2024-01-01", "2024-01-31")[1])
    c = compare_periods(cur, prev).iloc[0]
    assert c.pm25_mean_change == -10.0 and c.pm25_mean_change_pct == pytest.approx(-25.0)
    assert c.start_prev == T("2023-01-01")


def test_rank_ties_share_a_rank():
    st = pd.DataFrame({"group": list("abcde"), "composite_index": [4.641, 4.638, 3.2, np.nan, 5.0]})
    r = rank(st)
    # Published 4.64, 4.64, 3.20, -, 5.00 -> ranks 2, 2, 1, -, 4 (method "min").
    assert list(r.group) == ["c", "a", "b", "e", "d"]
    assert list(r["rank"].astype(object).where(r["rank"].notna(), None)) == [1, 2, 2, 4, None]
    raw = rank(st, decimals=None).set_index("group")["rank"]
    assert raw["b"] == 2 and raw["a"] == 3
    desc = rank(pd.DataFrame({"group": list("xyz"), "good_day_ratio": [90.04, 90.0, 95.0]}), "good_day_ratio",
                ascending=False).set_index("group")["rank"]
    assert (desc["z"], desc["x"], desc["y"]) == (1, 2, 2)  # 90.04 and 90.0 both publish as 90.0
    with pytest.raises(ValueError, match="no column 'aqi_mean'"):
        rank(st, "aqi_mean")


# --------------------------------------------------------------------------- bad input


def test_period_stats_errors():
    a = _aqi(_five_days())
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['pm25'\]"):
        period_stats(a.drop(columns="pm25"), period="2023")
    with pytest.raises(ValueError, match="duplicate group-day"):
        period_stats(pd.concat([a, a.iloc[[0]]], ignore_index=True), period="2023")
    with pytest.raises(ValueError, match="give start= and end="):
        period_stats(a, start="2023-01-01")
    with pytest.raises(ValueError, match="either period= or start="):
        period_stats(a, period="2023", start="2023-01-01")
    with pytest.raises(ValueError, match="exceedance"):
        period_stats(a, period="2023", exceedance="both")
    with pytest.raises(ValueError, match="'rules'"):
        period_stats(a.drop(columns="rules"), period="2023")
    bad = a.copy()
    bad["aqi"] = bad["aqi"].astype(object)
    bad.loc[0, "aqi"] = "high"
    with pytest.raises(ValueError, match="non-numeric value 'high'"):
        period_stats(bad, period="2023")
    with pytest.raises(ValueError, match="DataFrame"):
        period_stats([1], period="2023")


def test_grouped_percentile_fast_path_equals_the_general_one():
    """Group-major runs of equal length are sorted as a matrix (issue 11); the result is the general path's."""
    from airq.stats import _grouped_percentile

    rng = np.random.default_rng(20261207)
    taken = 0
    for _ in range(200):
        g, m = int(rng.integers(2, 8)), int(rng.integers(1, 40))
        v = np.round(rng.uniform(0, 200, g * m), 1)
        v[rng.random(g * m) < 0.3] = np.nan
        v[rng.random(g * m) < 0.1] = 55.5  # ties
        c = np.repeat(np.arange(g), m)
        perm = rng.permutation(g * m)
        if (c[perm].reshape(g, m) == np.arange(g)[:, None]).all():
            continue  # the shuffle kept the runs: both calls would take the fast path
        taken += 1
        for p in (1, 50, 90, 95, 98, 100):
            fast, n_fast = _grouped_percentile(c, v, g, p)
            general, n_general = _grouped_percentile(c[perm], v[perm], g, p)
            assert np.array_equal(n_fast, n_general) and np.array_equal(fast, general, equal_nan=True)
    assert taken > 150
