"""Daily AQI (``airq.daily_aqi``) under HJ 633—2012 and HJ 633—2026.

Expected values come from standards.md §1.3-1.7 (hand-computed) and from the independent
Fraction reference typed in ``test_iaqi.py`` (loaded from that file by path).
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airq import aqi_category, daily_aqi


from aqi_reference import REF  # noqa: E402  (the Fraction reference of test_iaqi.py)

HSET = dict(deadline=None, database=None)

#: Tie order of primary pollutants (HJ 633 Table 1 column order, as the issue specifies).
ORDER = ("so2", "no2", "pm10", "co", "o3", "o3_1h", "o3_8h", "pm25")
#: Daily indicators -> (pollutant, averaging) per rule set (standards.md §1.5).
DAILY = {
    "HJ633-2012": {"so2": ("so2", "24h"), "no2": ("no2", "24h"), "co": ("co", "24h"), "pm10": ("pm10", "24h"),
                   "pm25": ("pm25", "24h"), "o3_8h": ("o3", "8h"), "o3_1h": ("o3", "1h")},
    "HJ633-2026": {"so2": ("so2", "24h"), "no2": ("no2", "24h"), "co": ("co", "24h"), "pm10": ("pm10", "24h"),
                   "pm25": ("pm25", "24h"), "o3_8h": ("o3", "8h")},
}
# standards.md §1.4
CATS = [  # (upper AQI, level, level name, category, hex colour of the official RGB)
    (50, 1, "一级", "优", "#00E400"),
    (100, 2, "二级", "良", "#FFFF00"),
    (150, 3, "三级", "轻度污染", "#FF7E00"),
    (200, 4, "四级", "中度污染", "#FF0000"),
    (300, 5, "五级", "重度污染", "#99004C"),
    (500, 6, "六级", "严重污染", "#7E0023"),
]
US_PURPLE = "#8F3F97"  # 143,63,151 — must never appear

WHOLE_DAY = {"so2": 10, "no2": 40, "pm10": 120, "pm25": 60, "co": 1.0, "o3_8h": 100, "o3_1h": 180}


def ref_category(aqi: int):
    for upper, level, name, cat, colour in CATS:
        if aqi <= upper:
            return level, name, cat, colour
    raise AssertionError(aqi)


def ref_day(rules: str, row: dict):
    """(aqi, primary string, over-standard string, sub-indices) for a day with all indicators present."""
    subs = {k: REF.ref_iaqi(rules, p, a, row[k]) for k, (p, a) in DAILY[rules].items()}
    present = {k: v for k, v in subs.items() if v is not None}
    if rules == "HJ633-2012" and subs["o3_8h"] is None:
        assert REF.as_fraction(row["o3_8h"]) > 800  # the only way to have no sub-index here
    aqi = max(present.values())
    primary = ",".join(k for k in ORDER if present.get(k) == aqi) if aqi > 50 else ""
    over = ",".join(k for k in ORDER if present.get(k, 0) > 100)
    return aqi, primary, over, subs


def val(x):
    return None if pd.isna(x) else x


def one(frame, col):
    assert len(frame) == 1
    return val(frame[col].iloc[0])


def day(**kw):
    row = dict(WHOLE_DAY)
    row.update(kw)
    return pd.DataFrame([row])


# --------------------------------------------------------------------------- §1.7 whole days


def test_whole_day_2012():
    out = daily_aqi(pd.DataFrame([WHOLE_DAY]), rules="HJ633-2012")
    # SO2 10 -> 10; NO2 40 -> 50; PM10 120 -> 85; PM2.5 60 -> 82; CO 1.0 -> 25; O3-8h 100 -> 50; O3-1h 180 -> 75
    want = {"so2": 10, "no2": 50, "pm10": 85, "pm25": 82, "co": 25, "o3_8h": 50, "o3_1h": 75}
    for k, v in want.items():
        assert one(out, f"iaqi_{k}") == v, k
    assert one(out, "aqi") == 85
    assert one(out, "primary") == "pm10"
    assert one(out, "level") == 2 and one(out, "level_name") == "二级"
    assert one(out, "category") == "良" and one(out, "colour") == "#FFFF00"
    assert one(out, "over_standard") == ""
    assert one(out, "rules") == "HJ633-2012"
    assert str(out["aqi"].dtype) == "Int64" and str(out["level"].dtype) == "Int64"


def test_whole_day_2026():
    out = daily_aqi(pd.DataFrame([WHOLE_DAY]), rules="HJ633-2026")
    want = {"so2": 10, "no2": 50, "pm10": 100, "pm25": 100, "co": 25, "o3_8h": 50}
    for k, v in want.items():
        assert one(out, f"iaqi_{k}") == v, k
    assert "iaqi_o3_1h" not in out.columns or one(out, "iaqi_o3_1h") is None
    assert one(out, "aqi") == 100
    assert one(out, "primary") == "pm10,pm25"  # tie: both listed
    assert one(out, "category") == "良"
    assert one(out, "over_standard") is None  # concept deleted in 2026
    assert one(out, "rules") == "HJ633-2026"


def test_output_keeps_input():
    frame = pd.DataFrame([WHOLE_DAY, WHOLE_DAY], index=["d1", "d2"])
    frame["station"] = ["A", "B"]
    before = frame.copy()
    out = daily_aqi(frame, rules="2026")
    pd.testing.assert_frame_equal(frame, before)  # input untouched
    assert list(out.index) == ["d1", "d2"]
    assert list(out["station"]) == ["A", "B"]
    for col in ("aqi", "level", "level_name", "category", "colour", "primary", "over_standard", "rules"):
        assert col in out.columns


def test_unrounded_inputs_are_rounded_first():
    # PM2.5 74.5 -> 74 -> 99 (2012); 75.5 -> 76 -> 102; CO 4.05 -> 4.0 -> 100
    frame = pd.DataFrame([dict(WHOLE_DAY, pm25=74.5), dict(WHOLE_DAY, pm25=75.5), dict(WHOLE_DAY, co=4.05)])
    out = daily_aqi(frame, rules="2012")
    assert out["iaqi_pm25"].tolist() == [99, 102, 82]
    assert out["iaqi_co"].tolist() == [25, 25, 100]
    assert out["aqi"].tolist() == [99, 102, 100]
    assert out["primary"].tolist() == ["pm25", "pm25", "co"]


# --------------------------------------------------------------------------- 7. O3 rules


def test_2012_o3_8h_above_800_uses_o3_1h():
    # O3-8h 850: no 8-h sub-index; O3-1h 900 -> 300 + 100/200*100 = 350 stands for O3.
    frame = pd.DataFrame([dict(WHOLE_DAY, o3_8h=850, o3_1h=900), dict(WHOLE_DAY)], index=[5, 2])
    out = daily_aqi(frame, rules="HJ633-2012")
    assert list(out.index) == [5, 2]
    assert out.loc[5, "iaqi_o3_8h"] is pd.NA
    assert out.loc[5, "iaqi_o3_1h"] == 350
    assert out.loc[5, "aqi"] == 350  # not missing: the day is not "missing O3-8h"
    assert out.loc[5, "primary"] == "o3_1h"
    assert out.loc[5, "category"] == "严重污染"
    assert out.loc[5, "over_standard"] == "o3_1h"
    assert out.loc[2, "aqi"] == 85 and out.loc[2, "primary"] == "pm10"


def test_2012_o3_8h_at_and_around_800():
    # 800 -> 300 (inside the table); 800.5 -> rounds to 800 -> 300; 800.6 -> 801 -> use O3-1h
    frame = pd.DataFrame([dict(WHOLE_DAY, o3_8h=v, o3_1h=700) for v in (800, 800.5, 800.6)])
    out = daily_aqi(frame, rules="2012")
    # O3-1h 700 -> 200 + 100/400*300 = 275
    assert out["iaqi_o3_1h"].tolist() == [275, 275, 275]
    assert [val(v) for v in out["iaqi_o3_8h"]] == [300, 300, None]
    assert out["aqi"].tolist() == [300, 300, 275]
    assert out["primary"].tolist() == ["o3_8h", "o3_8h", "o3_1h"]


def test_2012_o3_8h_above_800_without_o3_1h_is_missing():
    frame = pd.DataFrame([dict(WHOLE_DAY, o3_8h=850, o3_1h=np.nan)])
    out = daily_aqi(frame, rules="2012")
    assert one(out, "aqi") is None  # strict: O3 has no sub-index at all
    out = daily_aqi(frame, rules="2012", on_missing="available")
    assert one(out, "aqi") == 85


def test_2026_o3_8h_850_is_300():
    frame = pd.DataFrame([dict(WHOLE_DAY, o3_8h=850, o3_1h=1200)])
    out = daily_aqi(frame, rules="HJ633-2026")
    assert one(out, "iaqi_o3_8h") == 300
    assert one(out, "aqi") == 300
    assert one(out, "primary") == "o3_8h"
    assert one(out, "category") == "重度污染" and one(out, "colour") == "#99004C"


def test_2026_ignores_o3_1h():
    # O3-1h 1000 would give 400 under the 2012 daily rules; 2026 has no O3-1h in the daily AQI.
    frame = pd.DataFrame([dict(WHOLE_DAY, o3_1h=1000), dict(WHOLE_DAY, o3_1h=np.nan), dict(WHOLE_DAY, o3_1h="x")])
    out = daily_aqi(frame.iloc[:2], rules="2026")
    assert out["aqi"].tolist() == [100, 100]
    assert out["primary"].tolist() == ["pm10,pm25", "pm10,pm25"]
    no_col = daily_aqi(pd.DataFrame([WHOLE_DAY]).drop(columns="o3_1h"), rules="2026")
    assert one(no_col, "aqi") == 100
    assert daily_aqi(frame.iloc[:1], rules="2012")["aqi"].tolist() == [400]
    # not an indicator under 2026, so even a garbage O3-1h column does not matter
    assert daily_aqi(frame, rules="2026")["aqi"].tolist() == [100, 100, 100]


def test_2012_needs_o3_1h_column():
    with pytest.raises(ValueError, match="o3_1h"):
        daily_aqi(pd.DataFrame([WHOLE_DAY]).drop(columns="o3_1h"), rules="2012")


# --------------------------------------------------------------------------- 6. missing rules


def test_2012_strict_missing():
    # Any indicator missing -> no AQI, even when the others are far above 100.
    for col in DAILY["HJ633-2012"]:
        frame = pd.DataFrame([dict(WHOLE_DAY, pm10=400, **{col: np.nan}) if col != "pm10" else dict(WHOLE_DAY, pm10=np.nan, pm25=400)])
        out = daily_aqi(frame, rules="HJ633-2012")
        assert one(out, "aqi") is None, col
        assert one(out, "primary") is None and one(out, "level") is None and one(out, "category") is None, col
        assert one(out, f"iaqi_{col}") is None
        # the other sub-indices are still reported
        other = "pm25" if col == "pm10" else "pm10"
        assert one(out, f"iaqi_{other}") is not None


def test_2026_missing_publish_only_above_100():
    # PM2.5 missing. PM10 120 -> 100 (not published); PM10 121 -> 100 + 50/130 -> 101 (published).
    frame = pd.DataFrame([dict(WHOLE_DAY, pm25=np.nan, pm10=120), dict(WHOLE_DAY, pm25=np.nan, pm10=121),
                          dict(WHOLE_DAY, pm25=np.nan, pm10=30), dict(WHOLE_DAY, pm25=None, pm10=400)])
    out = daily_aqi(frame, rules="HJ633-2026")
    assert [val(v) for v in out["aqi"]] == [None, 101, None, 272]  # PM10 400 -> 200 + 100*50/70 = 271.4 -> 272
    assert [val(v) for v in out["primary"]] == [None, "pm10", None, "pm10"]
    assert [val(v) for v in out["category"]] == [None, "轻度污染", None, "重度污染"]
    assert [val(v) for v in out["iaqi_pm25"]] == [None, None, None, None]
    assert out["iaqi_pm10"].tolist() == [100, 101, 30, 272]


@pytest.mark.parametrize("col", list(DAILY["HJ633-2026"]))
def test_2026_each_missing_indicator(col):
    # NO2 24h 81 -> 100 + 50/100 -> 101 is above 100 unless NO2 itself is the missing one.
    high = "no2" if col != "no2" else "so2"
    high_value = 81 if high == "no2" else 151  # SO2 151 -> 100 + 50/325 -> 101
    base = {"so2": 5, "no2": 5, "co": 0.5, "pm10": 10, "pm25": 10, "o3_8h": 20}
    low = pd.DataFrame([dict(base, **{col: np.nan})])
    hi = pd.DataFrame([dict(base, **{col: np.nan, high: high_value})])
    assert one(daily_aqi(low, rules="2026"), "aqi") is None
    out = daily_aqi(hi, rules="2026")
    assert one(out, "aqi") == 101 and one(out, "primary") == high


def test_unmonitored():
    # A pollutant the plan never measures does not block the AQI (S2 §5.3 exception).
    no_co = pd.DataFrame([WHOLE_DAY]).drop(columns="co")
    out = daily_aqi(no_co, rules="2026", unmonitored=("co",))
    assert one(out, "aqi") == 100 and one(out, "primary") == "pm10,pm25"
    low = pd.DataFrame([dict(WHOLE_DAY, pm10=30, pm25=20, co=np.nan)])
    assert one(daily_aqi(low, rules="2026"), "aqi") is None  # missing CO blocks AQI <= 100
    out = daily_aqi(low, rules="2026", unmonitored=["co"])
    # published although <= 100: SO2 10, NO2 40 -> 50, PM10 30, PM2.5 20 -> 29, O3-8h 100 -> 50 (O3-1h ignored)
    assert one(out, "aqi") == 50 and one(out, "primary") == ""
    # 2012 too: a station without O3-1h (and without the column) gets an AQI.
    out = daily_aqi(pd.DataFrame([WHOLE_DAY]).drop(columns=["o3_1h"]), rules="2012", unmonitored=("o3_1h",))
    assert one(out, "aqi") == 85
    # missing CO without declaring it: 2012 strict -> no AQI
    assert one(daily_aqi(pd.DataFrame([dict(WHOLE_DAY, co=np.nan)]), rules="2012"), "aqi") is None


def test_on_missing_modes():
    frame = pd.DataFrame([dict(WHOLE_DAY, pm25=np.nan)])
    # available: the largest available sub-index, whatever the rule set
    assert one(daily_aqi(frame, rules="2012", on_missing="available"), "aqi") == 85
    assert one(daily_aqi(frame, rules="2026", on_missing="available"), "aqi") == 100
    assert one(daily_aqi(frame, rules="2026", on_missing="available"), "primary") == "pm10"
    # explicit rules override the rule set's own
    high = pd.DataFrame([dict(WHOLE_DAY, pm25=np.nan, pm10=200)])  # PM10 200 -> 2012: 125; 2026: 100+50*80/130 -> 131
    assert one(daily_aqi(high, rules="2026", on_missing="strict"), "aqi") is None
    assert one(daily_aqi(high, rules="2012", on_missing="publish_above_100"), "aqi") == 125
    assert one(daily_aqi(high, rules="2012"), "aqi") is None
    assert one(daily_aqi(high, rules="2026"), "aqi") == 131
    with pytest.raises(ValueError, match="on_missing"):
        daily_aqi(frame, rules="2026", on_missing="ignore")
    with pytest.raises(ValueError, match="unmonitored|nox"):
        daily_aqi(frame, rules="2026", unmonitored=("nox",))


def test_beyond_top_in_daily():
    frame = pd.DataFrame([dict(WHOLE_DAY, pm25=650)])
    assert one(daily_aqi(frame, rules="2026"), "aqi") == 500
    assert one(daily_aqi(frame, rules="2026", beyond="cap"), "primary") == "pm25"
    # beyond="nan": the PM2.5 sub-index is missing -> 2026 rule: others give 100 -> not published
    assert one(daily_aqi(frame, rules="2026", beyond="nan"), "aqi") is None
    with pytest.raises(ValueError, match="pm25"):
        daily_aqi(frame, rules="2026", beyond="raise")


# --------------------------------------------------------------------------- primary / over-standard


def test_primary_ties_order_and_threshold():
    # 2026: SO2 150, NO2 80, PM10 120, CO 4.0, O3-8h 160, PM2.5 60 all give exactly 100.
    all100 = {"so2": 150, "no2": 80, "pm10": 120, "co": 4.0, "o3_8h": 160, "pm25": 60}
    out = daily_aqi(pd.DataFrame([all100]), rules="2026")
    assert one(out, "aqi") == 100
    assert one(out, "primary") == "so2,no2,pm10,co,o3_8h,pm25"
    # 2012: same but PM10 150, PM2.5 75, O3-1h 200
    all100_12 = dict(all100, pm10=150, pm25=75, o3_1h=200)
    out = daily_aqi(pd.DataFrame([all100_12]), rules="2012")
    assert one(out, "primary") == "so2,no2,pm10,co,o3_1h,o3_8h,pm25"
    assert one(out, "over_standard") == ""  # 100 is not over 100
    # AQI 50 exactly: no primary; AQI 51: primary
    low = {"so2": 50, "no2": 40, "pm10": 50, "co": 2.0, "o3_8h": 100, "pm25": 35, "o3_1h": 160}
    out = daily_aqi(pd.DataFrame([low, dict(low, so2=51)]), rules="2012")
    assert out["aqi"].tolist() == [50, 51]
    assert out["primary"].tolist() == ["", "so2"]
    assert out["category"].tolist() == ["优", "良"]


def test_over_standard_2012():
    # PM2.5 120 -> 158, PM10 180 -> 115, NO2 150 -> 135; over standard = IAQI > 100
    frame = pd.DataFrame([dict(WHOLE_DAY, pm25=120, pm10=180, no2=150)])
    out = daily_aqi(frame, rules="2012")
    assert one(out, "aqi") == 158 and one(out, "primary") == "pm25"
    assert one(out, "over_standard") == "no2,pm10,pm25"
    assert one(daily_aqi(frame, rules="2026"), "over_standard") is None


# --------------------------------------------------------------------------- 11. categories


BOUNDARIES = [0, 50, 51, 100, 101, 150, 151, 200, 201, 300, 301, 500]


def test_aqi_category_boundaries():
    for rules in ("2012", "2026"):
        out = aqi_category(BOUNDARIES + [None], rules)
        for i, a in enumerate(BOUNDARIES):
            level, name, cat, colour = ref_category(a)
            assert out["level"].iloc[i] == level, a
            assert out["level_name"].iloc[i] == name and out["category"].iloc[i] == cat, a
            assert out["colour"].iloc[i].upper() == colour, a
        assert pd.isna(out["level"].iloc[-1]) and pd.isna(out["category"].iloc[-1])
        assert US_PURPLE not in set(out["colour"].dropna().str.upper())


def _day_with_aqi(target: int, rules: str) -> dict:
    """A day whose exact AQI is ``target``: one indicator raised, others zero (found by the reference)."""
    base = {k: 0 for k in DAILY[rules]}
    if target == 0:
        return base
    for k, (p, a) in DAILY[rules].items():
        step = 0.1 if p == "co" else 1
        top = REF.ref_table(rules, p, a)[-1]
        for i in range(int(top / step) + 1):
            c = round(i * step, 1)
            if REF.ref_iaqi(rules, p, a, c) == target:
                return dict(base, **{k: c})
    raise AssertionError(f"no concentration gives {target}")


@pytest.mark.parametrize("rules", ["HJ633-2012", "HJ633-2026"])
def test_category_boundaries_end_to_end(rules):
    rows = [_day_with_aqi(a, rules) for a in BOUNDARIES]
    out = daily_aqi(pd.DataFrame(rows), rules=rules)
    assert out["aqi"].tolist() == BOUNDARIES
    for i, a in enumerate(BOUNDARIES):
        level, name, cat, colour = ref_category(a)
        assert (out["level"].iloc[i], out["level_name"].iloc[i], out["category"].iloc[i]) == (level, name, cat)
        assert out["colour"].iloc[i].upper() == colour
    assert US_PURPLE not in set(out["colour"].str.upper())


# --------------------------------------------------------------------------- 8. rules=None


def test_rules_none_switches_at_changeover():
    frame = pd.DataFrame([WHOLE_DAY, WHOLE_DAY, WHOLE_DAY])
    frame["date"] = ["2026-03-01", "2026-02-28", "2026-03-02"]  # deliberately not sorted
    out = daily_aqi(frame)
    assert out["rules"].tolist() == ["HJ633-2026", "HJ633-2012", "HJ633-2026"]
    assert out["aqi"].tolist() == [100, 85, 100]
    assert out["primary"].tolist() == ["pm10,pm25", "pm10", "pm10,pm25"]
    assert [val(v) for v in out["over_standard"]] == [None, "", None]
    assert list(out.index) == [0, 1, 2]
    # datetime64 dates too
    frame["date"] = pd.to_datetime(frame["date"])
    assert daily_aqi(frame)["aqi"].tolist() == [100, 85, 100]


def test_rules_none_single_rule_set_and_errors():
    frame = pd.DataFrame([WHOLE_DAY]).drop(columns="o3_1h")
    frame["date"] = pd.Timestamp("2026-03-01")
    assert one(daily_aqi(frame), "aqi") == 100  # 2026 rows do not need O3-1h
    frame2 = pd.concat([frame, frame.assign(date=pd.Timestamp("2026-02-28"))], ignore_index=True)
    with pytest.raises(ValueError, match="o3_1h"):
        daily_aqi(frame2)  # the 2012 row needs O3-1h
    with pytest.raises(ValueError, match="date"):
        daily_aqi(pd.DataFrame([WHOLE_DAY]))  # rules=None without a date column
    bad = pd.DataFrame([WHOLE_DAY]).assign(date=[pd.NaT])
    with pytest.raises(ValueError):
        daily_aqi(bad)


# --------------------------------------------------------------------------- 10. errors


@pytest.mark.parametrize("rules", ["HJ633-2012", "HJ633-2026"])
def test_missing_column_named(rules):
    for col in DAILY[rules]:
        frame = pd.DataFrame([WHOLE_DAY]).drop(columns=col)
        with pytest.raises(ValueError, match=col):
            daily_aqi(frame, rules=rules)


def test_unknown_rules():
    with pytest.raises(ValueError):
        daily_aqi(pd.DataFrame([WHOLE_DAY]), rules="HJ633-2013")


def test_not_a_frame():
    with pytest.raises(TypeError):
        daily_aqi([WHOLE_DAY], rules="2026")


def test_negative_value_names_column():
    with pytest.raises(ValueError, match="no2"):
        daily_aqi(pd.DataFrame([dict(WHOLE_DAY, no2=-3)]), rules="2026")


@pytest.mark.parametrize("dtype", [object, None])
def test_non_numeric_value_names_column(dtype):
    """A text column with a bad entry: the error names the column (pandas >= 3 reads text as 'str')."""
    frame = pd.DataFrame([WHOLE_DAY, WHOLE_DAY])
    frame["pm25"] = pd.Series(["60", "abc"], dtype=dtype)
    with pytest.raises(ValueError, match="pm25"):
        daily_aqi(frame, rules="2026")


@pytest.mark.parametrize("dtype", [object, None])
def test_text_columns_are_read_as_written(dtype):
    frame = pd.DataFrame([WHOLE_DAY, WHOLE_DAY])
    frame["co"] = pd.Series(["4.05", ""], dtype=dtype)  # '' = missing
    out = daily_aqi(frame, rules="2026", on_missing="available")
    assert [val(v) for v in out["iaqi_co"]] == [100, None]


# --------------------------------------------------------------------------- 4. properties


def _value(rules, key):
    p, a = DAILY[rules][key]
    bps = REF.ref_table(rules, p, a)
    top = bps[-1]
    if p == "co":
        dec = st.integers(0, int(top * 11)).map(lambda k: k / 10)
    else:
        dec = st.integers(0, int(top * 1.1))
    low = st.integers(0, bps[1] * 10).map(lambda k: k / 10)
    return st.one_of(st.sampled_from([float(b) for b in bps]), dec.map(float), low)


def _days(rules):
    return st.lists(st.fixed_dictionaries({k: _value(rules, k) for k in DAILY[rules]}), min_size=1, max_size=8)


# CO drawn up to 1.1 x the top of its table (66 mg/m³): above 50 it also warns (AirqUnitWarning,
# airq.units.CO_UG_THRESHOLD, tested in test_co_units.py); the AQI is still the table's.
@pytest.mark.filterwarnings("ignore::airq.AirqUnitWarning")
@settings(max_examples=60, **HSET)
@given(data=st.data(), rules=st.sampled_from(["HJ633-2012", "HJ633-2026"]))
def test_daily_aqi_properties(data, rules):
    rows = data.draw(_days(rules))
    out = daily_aqi(pd.DataFrame(rows), rules=rules)
    for i, row in enumerate(rows):
        want_aqi, want_primary, want_over, subs = ref_day(rules, row)
        got = out.iloc[i]
        for k, v in subs.items():
            assert val(got[f"iaqi_{k}"]) == v, (k, row)
        # AQI = max of the sub-indices the output itself reports
        own = [int(got[f"iaqi_{k}"]) for k in DAILY[rules] if not pd.isna(got[f"iaqi_{k}"])]
        assert got["aqi"] == max(own) == want_aqi, row
        # primary = exactly those with IAQI == AQI, only when AQI > 50
        listed = got["primary"].split(",") if got["primary"] else []
        if got["aqi"] <= 50:
            assert listed == []
        else:
            assert set(listed) == {k for k in DAILY[rules] if not pd.isna(got[f"iaqi_{k}"]) and got[f"iaqi_{k}"] == got["aqi"]}
        assert got["primary"] == want_primary, row
        if rules == "HJ633-2012":
            assert got["over_standard"] == want_over
        else:
            assert got["over_standard"] is None
        level, name, cat, colour = ref_category(want_aqi)
        assert (got["level"], got["category"], got["colour"].upper()) == (level, cat, colour)


@pytest.mark.filterwarnings("ignore::airq.AirqUnitWarning")  # CO up to 66 mg/m³ on purpose, as above
@settings(max_examples=40, **HSET)
@given(data=st.data())
def test_daily_2026_missing_rule_property(data):
    """2026 §1.6: with one indicator missing, AQI is the max of the rest if > 100, else NA."""
    rules = "HJ633-2026"
    rows = data.draw(_days(rules))
    drop = [data.draw(st.sampled_from(list(DAILY[rules]))) for _ in rows]
    frame = pd.DataFrame([dict(r, **{d: np.nan}) for r, d in zip(rows, drop)])
    out = daily_aqi(frame, rules=rules)
    for i, (row, d) in enumerate(zip(rows, drop)):
        rest = [REF.ref_iaqi(rules, p, a, row[k]) for k, (p, a) in DAILY[rules].items() if k != d]
        m = max(rest)
        assert val(out["aqi"].iloc[i]) == (m if m > 100 else None), (row, d)
    strict = daily_aqi(frame, rules=rules, on_missing="strict")
    assert strict["aqi"].isna().all()
