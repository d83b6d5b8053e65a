"""Rule sets and limits picked by date (standards.md §1.1, §1.4-1.6, §2.1, §2.3, §3).

Expected numbers are typed here from standards.md, not read from airq's TOML files.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import airq
from airq.rules import CHANGEOVER, RULE_NAMES, get_limits, get_rules, limits_for, rules_for, rules_for_dates

# standards.md §1.1
IAQI = (0, 50, 100, 150, 200, 300, 400, 500)
COMMON = {
    "so2_24h": (0, 50, 150, 475, 800, 1600, 2100, 2620),
    "so2_1h": (0, 150, 500, 650, 800),
    "no2_24h": (0, 40, 80, 180, 280, 565, 750, 940),
    "no2_1h": (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    "co_24h": (0, 2, 4, 14, 24, 36, 48, 60),
    "co_1h": (0, 5, 10, 35, 60, 90, 120, 150),
    "o3_1h": (0, 160, 200, 300, 400, 800, 1000, 1200),
    "o3_8h": (0, 100, 160, 215, 265, 800),
}
TABLES = {
    "HJ633-2012": {**COMMON, "pm10_24h": (0, 50, 150, 250, 350, 420, 500, 600),
                   "pm25_24h": (0, 35, 75, 115, 150, 250, 350, 500)},
    "HJ633-2026": {**COMMON, "pm10_24h": (0, 50, 120, 250, 350, 420, 500, 600),
                   "pm25_24h": (0, 35, 60, 115, 150, 250, 350, 500)},
}
# standards.md §1.4
CATEGORIES = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
LEVELS = ("一级", "二级", "三级", "四级", "五级", "六级")
RGB = ((0, 228, 0), (255, 255, 0), (255, 126, 0), (255, 0, 0), (153, 0, 76), (126, 0, 35))
UPPER = (50, 100, 150, 200, 300, 500)

# standards.md §2.1: (pollutant, averaging) -> ((I, II) 2012, (I, II) 2026 transitional, (I, II) 2026 final)
LIMITS = {
    ("so2", "annual"): ((20, 60), (20, 60), (20, 20)),
    ("so2", "24h"): ((50, 150), (50, 150), (50, 50)),
    ("so2", "1h"): ((150, 500), (150, 500), (150, 150)),
    ("no2", "annual"): ((40, 40), (40, 40), (30, 30)),
    ("no2", "24h"): ((80, 80), (80, 80), (50, 50)),
    ("no2", "1h"): ((200, 200), (200, 200), (200, 200)),
    ("co", "24h"): ((4, 4), (4, 4), (4, 4)),
    ("co", "1h"): ((10, 10), (10, 10), (10, 10)),
    ("o3", "8h"): ((100, 160), (100, 160), (100, 160)),
    ("o3", "1h"): ((160, 200), (160, 200), (160, 200)),
    ("pm10", "annual"): ((40, 70), (40, 60), (20, 50)),
    ("pm10", "24h"): ((50, 150), (50, 120), (50, 100)),
    ("pm25", "annual"): ((15, 35), (15, 30), (10, 25)),
    ("pm25", "24h"): ((35, 75), (35, 60), (25, 50)),
}


# --------------------------------------------------------------------------- get_rules


@pytest.mark.parametrize(
    "name,want",
    [("HJ633-2012", "HJ633-2012"), ("2012", "HJ633-2012"), ("HJ633-2026", "HJ633-2026"), ("2026", "HJ633-2026"),
     ("hj633-2026", "HJ633-2026"), (" 2026 ", "HJ633-2026")],
)
def test_get_rules_names_and_aliases(name, want):
    rs = get_rules(name)
    assert rs.name == want
    assert str(rs) == want
    assert get_rules(rs) is rs
    assert airq.get_rules(name) is get_rules(want)


@pytest.mark.parametrize("name", ["HJ633-2013", "2024", "HJ633-2024", "", "gb3095-2012", "latest"])
def test_get_rules_unknown(name):
    with pytest.raises(ValueError, match="HJ633-2012"):  # the message lists the known names
        get_rules(name)


def test_get_rules_wrong_type():
    with pytest.raises((TypeError, ValueError)):
        get_rules(2026)
    with pytest.raises((TypeError, ValueError)):
        get_rules(None)


def test_rule_names_and_changeover():
    assert RULE_NAMES == ("HJ633-2012", "HJ633-2026")
    assert CHANGEOVER == dt.date(2026, 3, 1)


# --------------------------------------------------------------------------- tables


@pytest.mark.parametrize("name", RULE_NAMES)
def test_breakpoints_equal_standard(name):
    rs = get_rules(name)
    assert tuple(rs.iaqi) == IAQI
    assert set(rs.breakpoints) == set(TABLES[name])
    for table, want in TABLES[name].items():
        got = rs.breakpoints[table]
        assert all(isinstance(x, Fraction) for x in got), table
        assert tuple(got) == tuple(Fraction(v) for v in want), table


def test_only_pm_breakpoints_differ_between_versions():
    a, b = get_rules("2012").breakpoints, get_rules("2026").breakpoints
    diff = {t for t in a if a[t] != b[t]}
    assert diff == {"pm10_24h", "pm25_24h"}
    assert a["pm25_24h"][2] == 75 and b["pm25_24h"][2] == 60
    assert a["pm10_24h"][2] == 150 and b["pm10_24h"][2] == 120


def test_above_rules():
    r12, r26 = get_rules("2012"), get_rules("2026")
    assert set(r12.above) == set(r26.above) == {"so2_1h", "o3_8h"}
    assert r12.above["so2_1h"].threshold == 800 and r12.above["so2_1h"].action == "use"
    assert r12.above["so2_1h"].use == "so2_24h"
    assert r12.above["o3_8h"].threshold == 800 and r12.above["o3_8h"].action == "use"
    assert r12.above["o3_8h"].use == "o3_1h"
    assert r26.above["so2_1h"].action == "fixed" and r26.above["so2_1h"].iaqi == 200
    assert r26.above["o3_8h"].action == "fixed" and r26.above["o3_8h"].iaqi == 300
    assert r26.above["so2_1h"].threshold == 800 and r26.above["o3_8h"].threshold == 800


def test_indicator_maps():
    """standards.md §1.5: 2012 daily 7 indicators (with O3 1h), 2026 daily 6; real-time 1-h values,
    PM 1-h on the 24-h breakpoints."""
    r12, r26 = get_rules("2012"), get_rules("2026")
    assert dict(r12.daily) == {"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "pm10": "pm10_24h",
                               "pm25": "pm25_24h", "o3_8h": "o3_8h", "o3_1h": "o3_1h"}
    assert dict(r26.daily) == {"so2": "so2_24h", "no2": "no2_24h", "co": "co_24h", "pm10": "pm10_24h",
                               "pm25": "pm25_24h", "o3_8h": "o3_8h"}
    realtime = {"so2": "so2_1h", "no2": "no2_1h", "co": "co_1h", "o3": "o3_1h", "pm10": "pm10_24h",
                "pm25": "pm25_24h"}
    assert dict(r12.realtime) == realtime
    assert dict(r26.realtime) == realtime


@pytest.mark.parametrize("name", RULE_NAMES)
def test_decimals_and_categories(name):
    rs = get_rules(name)
    assert dict(rs.decimals) == {"so2": 0, "no2": 0, "co": 1, "o3": 0, "pm10": 0, "pm25": 0}
    assert tuple(rs.category_upper) == UPPER
    assert tuple(rs.categories) == CATEGORIES
    assert tuple(rs.levels) == LEVELS
    assert tuple(tuple(c) for c in rs.rgb) == RGB
    assert (143, 63, 151) not in [tuple(c) for c in rs.rgb]  # US EPA purple (standards.md §5 item 13)


def test_concepts():
    r12, r26 = get_rules("2012"), get_rules("2026")
    assert r12.over_standard_iaqi == 100  # S1 §3.4
    assert r26.over_standard_iaqi is None  # deleted in S2
    assert r12.missing_rule == "strict"
    assert r26.missing_rule == "publish_above_100"  # S2 §5.3


def test_effective_dates():
    r12, r26 = get_rules("2012"), get_rules("2026")
    assert r12.effective_until == dt.date(2026, 2, 28)
    assert r26.effective_from == dt.date(2026, 3, 1)
    assert r12.limits_name == "GB3095-2012" and r26.limits_name == "GB3095-2026"


def test_table_for():
    rs = get_rules("2026")
    assert rs.table_for("pm25", "24h") == "pm25_24h"
    with pytest.raises(ValueError):
        rs.table_for("pm25", "1h")


def test_rulesets_immutable():
    rs = get_rules("2026")
    with pytest.raises(Exception):
        rs.name = "x"
    with pytest.raises(TypeError):
        rs.breakpoints["pm25_24h"] = (0,)


# --------------------------------------------------------------------------- rules_for


@pytest.mark.parametrize(
    "day,want",
    [
        ("2026-02-28", "HJ633-2012"),
        ("2026-03-01", "HJ633-2026"),
        ("2016-01-01", "HJ633-2012"),
        ("2013-01-01", "HJ633-2012"),
        ("2031-06-30", "HJ633-2026"),
        (dt.date(2026, 2, 28), "HJ633-2012"),
        (dt.date(2026, 3, 1), "HJ633-2026"),
        (dt.datetime(2026, 2, 28, 23, 59, 59), "HJ633-2012"),
        (dt.datetime(2026, 3, 1, 0, 0), "HJ633-2026"),
        (pd.Timestamp("2026-02-28 23:00"), "HJ633-2012"),
        (pd.Timestamp("2026-03-01"), "HJ633-2026"),
        (np.datetime64("2026-02-28T23"), "HJ633-2012"),
        (np.datetime64("2026-03-01"), "HJ633-2026"),
    ],
)
def test_rules_for(day, want):
    assert rules_for(day).name == want
    assert airq.rules_for(day) is get_rules(want)


def test_rules_for_bad_input():
    with pytest.raises(ValueError):
        rules_for("not a date")
    with pytest.raises((TypeError, ValueError)):
        rules_for(20260301)


def test_rules_for_dates():
    dates = pd.to_datetime(["2025-12-31 00:00", "2026-02-28 00:00", "2026-02-28 23:00", "2026-03-01 00:00",
                            "2026-03-01 00:30", "2030-01-01 00:00"])
    got = rules_for_dates(dates)
    assert list(got) == ["HJ633-2012", "HJ633-2012", "HJ633-2012", "HJ633-2026", "HJ633-2026", "HJ633-2026"]
    assert list(rules_for_dates(["2026-02-28", "2026-03-01"])) == ["HJ633-2012", "HJ633-2026"]
    assert list(rules_for_dates(np.array(["2026-02-28", "2026-03-01"], dtype="datetime64[D]"))) == [
        "HJ633-2012", "HJ633-2026"]
    with pytest.raises(ValueError):
        rules_for_dates(pd.to_datetime(["2026-03-01", None]))


def test_rules_for_dates_agrees_with_rules_for():
    days = pd.date_range("2026-02-20", "2026-03-10", freq="7h")
    assert list(rules_for_dates(days)) == [rules_for(d).name for d in days]


# --------------------------------------------------------------------------- limits


@pytest.mark.parametrize(
    "day,standard_name,phase",
    [
        ("2020-06-01", "GB 3095—2012", "2012"),
        ("2026-02-28", "GB 3095—2012", "2012"),
        ("2026-03-01", "GB 3095—2026", "transitional"),
        ("2028-07-01", "GB 3095—2026", "transitional"),
        ("2030-12-31", "GB 3095—2026", "transitional"),
        ("2031-01-01", "GB 3095—2026", "final"),
        ("2040-01-01", "GB 3095—2026", "final"),
    ],
)
def test_limits_for(day, standard_name, phase):
    ls = limits_for(day)
    assert ls.standard == standard_name
    assert ls.phase == phase
    assert airq.limits_for(pd.Timestamp(day)) is ls


@pytest.mark.parametrize("key", sorted(LIMITS))
def test_limit_values(key):
    pollutant, averaging = key
    phases = (get_limits("GB3095-2012"), get_limits("GB3095-2026", "transitional"), get_limits("GB3095-2026", "final"))
    for ph, (g1, g2) in zip(phases, LIMITS[key]):
        assert ph.limit(pollutant, averaging, grade=1) == g1, (ph.phase, key)
        assert ph.limit(pollutant, averaging, grade=2) == g2, (ph.phase, key)
        assert ph.limit(pollutant, averaging) == g2  # grade II by default
        assert ph.limits[key] == (Fraction(g1), Fraction(g2))


def test_limits_cover_exactly_the_standard_table():
    for ph in (get_limits("GB3095-2012"), get_limits("GB3095-2026", "transitional"), get_limits("GB3095-2026", "final")):
        assert set(ph.limits) == set(LIMITS), ph.phase


def test_limit_phase_dates():
    assert get_limits("GB3095-2026", "transitional").effective_from == dt.date(2026, 3, 1)
    assert get_limits("GB3095-2026", "transitional").effective_until == dt.date(2030, 12, 31)
    assert get_limits("GB3095-2026", "final").effective_from == dt.date(2031, 1, 1)
    assert get_limits("GB3095-2012").effective_until == dt.date(2026, 2, 28)
    assert get_limits("GB3095-2026").phase == "transitional"  # first phase by default


def test_limits_errors():
    with pytest.raises(ValueError):
        get_limits("GB3095-2018")
    with pytest.raises(ValueError):
        get_limits("GB3095-2026", "interim")
    ph = get_limits("GB3095-2012")
    with pytest.raises(KeyError):
        ph.limit("co", "annual")
    with pytest.raises(ValueError):
        ph.limit("pm25", "24h", grade=3)


@pytest.mark.parametrize("name,phase", [("GB3095-2012", None), ("GB3095-2026", "transitional"), ("GB3095-2026", "final")])
def test_validity(name, phase):
    """GB 3095 Table 4 / HJ 663 §6.1.2 (standards.md §2.3), identical in 2012 and 2026."""
    v = get_limits(name, phase).validity
    assert v.hourly_min_minutes == 45
    assert v.daily_min_hours == 20
    assert v.o3_8h_min_hours == 6
    assert v.o3_daily_max_8h_min_windows == 14
    assert tuple(v.o3_window_end_hours) == (8, 24)
    assert v.annual_min_days == 324
    assert v.monthly_min_days == 27
    assert v.february_min_days == 25


def test_ruleset_limits_property():
    assert get_rules("2012").limits.standard == "GB 3095—2012"
    assert get_rules("2026").limits.phase == "transitional"
