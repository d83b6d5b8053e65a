"""Real-time (hourly) AQI (``airq.realtime_aqi``), synthetic and against CNEMC published data.

standards.md §1.5: the hourly AQI is the largest sub-index of the 1-hour SO2, NO2, CO, O3 (1-hour
tables) and 1-hour PM10, PM2.5 on the daily PM breakpoints of the rule set in force.
Expected values: hand computations and the Fraction reference typed in ``test_iaqi.py``.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airq import AirqUnitWarning, realtime_aqi
from airq.timeconv import to_hour_start


from aqi_reference import REF  # noqa: E402  (the Fraction reference of test_iaqi.py)

HSET = dict(deadline=None, database=None)
RULES = ("HJ633-2012", "HJ633-2026")
ORDER = ("so2", "no2", "pm10", "co", "o3", "o3_1h", "o3_8h", "pm25")
REALTIME = {"so2": ("so2", "1h"), "no2": ("no2", "1h"), "co": ("co", "1h"), "o3": ("o3", "1h"),
            "pm10": ("pm10", "1h"), "pm25": ("pm25", "1h")}

# so2 5 -> 2 (50/150*5 = 1.67); no2 20 -> 10; co 0.5 -> 5; o3 50 -> 16 (15.6);
# pm10 80 -> 2012 65 / 2026 72 (71.4); pm25 70 -> 2012 94 (93.75) / 2026 110 (109.1)
HOUR = {"so2": 5, "no2": 20, "co": 0.5, "o3": 50, "pm10": 80, "pm25": 70}
HOUR_IAQI = {
    "HJ633-2012": {"so2": 2, "no2": 10, "co": 5, "o3": 16, "pm10": 65, "pm25": 94},
    "HJ633-2026": {"so2": 2, "no2": 10, "co": 5, "o3": 16, "pm10": 72, "pm25": 110},
}


def val(x):
    return None if pd.isna(x) else x


def one(frame, col):
    assert len(frame) == 1
    return val(frame[col].iloc[0])


# --------------------------------------------------------------------------- synthetic


@pytest.mark.parametrize("rules", RULES)
def test_basic_hour(rules):
    out = realtime_aqi(pd.DataFrame([HOUR]), rules=rules)
    for k, v in HOUR_IAQI[rules].items():
        assert one(out, f"iaqi_{k}") == v, k
    want = 94 if rules == "HJ633-2012" else 110
    assert one(out, "aqi") == want
    assert one(out, "primary") == "pm25"
    assert one(out, "category") == ("良" if want <= 100 else "轻度污染")
    assert one(out, "rules") == rules
    assert one(out, "over_standard") == ("" if rules == "HJ633-2012" else None)


@pytest.mark.parametrize("rules", RULES)
def test_moving_means_do_not_enter(rules):
    """O3 8-h and 24-h moving PM/SO2 columns, if present, do not change the hourly AQI."""
    frame = pd.DataFrame([dict(HOUR, pm25_24h=300, pm10_24h=500, o3_8h=700, no2_24h=900, co_24h=50.0, so2_24h=2000)])
    out = realtime_aqi(frame, rules=rules)
    assert one(out, "aqi") == (94 if rules == "HJ633-2012" else 110)
    assert one(out, "primary") == "pm25"


@pytest.mark.parametrize("rules", RULES)
def test_float_traps_hourly(rules):
    frame = pd.DataFrame([dict(HOUR, pm25=0, pm10=0, o3=0, no2=0, so2=0, co=c) for c in (1.1, 65.4, 4.05, 10.0)])
    with pytest.warns(AirqUnitWarning, match=r"65.4 looks like µg/m³ \(= 0.0654 mg/m³\) at row 1\b"):  # CO > 50
        out = realtime_aqi(frame, rules=rules)
    # CO 1h: 1.1 -> 11; 65.4 -> 200 + 100/30*5.4 = 218; 4.05 -> 4.0 -> 40; 10.0 -> 100
    assert out["iaqi_co"].tolist() == [11, 218, 40, 100]
    assert out["aqi"].tolist() == [11, 218, 40, 100]
    assert out["primary"].tolist() == ["", "co", "", "co"]


def test_pm_hourly_uses_daily_breakpoints_of_rule_set():
    frame = pd.DataFrame([dict(HOUR, pm25=60, pm10=120), dict(HOUR, pm25=61, pm10=0), dict(HOUR, pm25=0, pm10=121)])
    r12 = realtime_aqi(frame, rules="2012")
    r26 = realtime_aqi(frame, rules="2026")
    assert r12["iaqi_pm25"].tolist() == [82, 83, 0]  # 50 + 50/40*25 = 81.25 -> 82 ; 26 -> 82.5 -> 83
    assert r12["iaqi_pm10"].tolist() == [85, 0, 86]  # 50 + 50/100*70 = 85 ; 71 -> 85.5 -> 86
    assert r26["iaqi_pm25"].tolist() == [100, 101, 0]
    assert r26["iaqi_pm10"].tolist() == [100, 0, 101]
    assert r26["primary"].tolist() == ["pm10,pm25", "pm25", "pm10"]


def test_so2_above_800():
    frame = pd.DataFrame([dict(HOUR, so2=900, so2_24h=200)])
    # 2012 (Table 1 note 2): SO2 24-h 200 -> 100 + 50/325*50 = 107.7 -> 108 stands for SO2
    out = realtime_aqi(frame, rules="2012")
    assert one(out, "iaqi_so2") == 108
    assert one(out, "aqi") == 108 and one(out, "primary") == "so2"
    # 2026: SO2 1-h above 800 -> 200, whatever the 24-h value
    out = realtime_aqi(frame, rules="2026")
    assert one(out, "iaqi_so2") == 200 and one(out, "aqi") == 200 and one(out, "primary") == "so2"
    # 2012 without a 24-h value: no SO2 sub-index -> strict: no AQI; 'available' uses the others
    no24 = pd.DataFrame([dict(HOUR, so2=900)])
    assert one(realtime_aqi(no24, rules="2012"), "iaqi_so2") is None
    assert one(realtime_aqi(no24, rules="2012"), "aqi") is None
    assert one(realtime_aqi(no24, rules="2012", on_missing="available"), "aqi") == 94
    # 800 itself is in the 1-h table
    assert one(realtime_aqi(pd.DataFrame([dict(HOUR, so2=800)]), rules="2012"), "aqi") == 200


def test_missing_rules_hourly():
    frame = pd.DataFrame([dict(HOUR, no2=np.nan), dict(HOUR, no2=np.nan, pm25=200)])
    # pm25 200 -> 200 + 100/100*50 = 250
    r12 = realtime_aqi(frame, rules="2012")
    assert [val(v) for v in r12["aqi"]] == [None, None]
    r26 = realtime_aqi(frame, rules="2026")
    assert [val(v) for v in r26["aqi"]] == [110, 250]  # > 100 with NO2 missing: published (§1.6)
    r26b = realtime_aqi(pd.DataFrame([dict(HOUR, no2=np.nan, pm25=60)]), rules="2026")
    assert one(r26b, "aqi") is None  # AQI 100 with a missing pollutant: not published
    assert [val(v) for v in realtime_aqi(frame, rules="2012", on_missing="available")["aqi"]] == [94, 250]
    no_co = pd.DataFrame([HOUR]).drop(columns="co")
    assert one(realtime_aqi(no_co, rules="2012", unmonitored=("co",)), "aqi") == 94


def test_missing_rules_hourly_2026_row0():
    # HOUR with NO2 missing under 2026: the others give 110 > 100 -> published
    out = realtime_aqi(pd.DataFrame([dict(HOUR, no2=np.nan)]), rules="2026")
    assert one(out, "aqi") == 110 and one(out, "primary") == "pm25"


# --------------------------------------------------------------------------- 8. rules=None


def test_rules_none_switch_by_hour_start():
    frame = pd.DataFrame([HOUR, HOUR, HOUR])
    frame["time"] = pd.to_datetime(["2026-03-01 00:00", "2026-02-28 23:00", "2026-03-01 23:00"])
    out = realtime_aqi(frame)
    assert out["rules"].tolist() == ["HJ633-2026", "HJ633-2012", "HJ633-2026"]
    assert out["aqi"].tolist() == [110, 94, 110]
    assert list(out.index) == [0, 1, 2]


def test_rules_none_from_chinese_hour_labels():
    """The CNEMC label '2026-03-01 00:00' (hour-ending) is the last hour of 2026-02-28 -> 2012."""
    frame = pd.DataFrame([HOUR, HOUR])
    frame["time"] = to_hour_start(pd.to_datetime(["2026-03-01 00:00", "2026-03-01 01:00"]), hour_label="end")
    out = realtime_aqi(frame)
    assert list(frame["time"]) == [pd.Timestamp("2026-02-28 23:00"), pd.Timestamp("2026-03-01 00:00")]
    assert out["rules"].tolist() == ["HJ633-2012", "HJ633-2026"]
    assert out["aqi"].tolist() == [94, 110]


def test_rules_none_needs_time():
    with pytest.raises(ValueError, match="time"):
        realtime_aqi(pd.DataFrame([HOUR]))


# --------------------------------------------------------------------------- 10. errors


@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("col", list(REALTIME))
def test_missing_column_named(rules, col):
    with pytest.raises(ValueError, match=col):
        realtime_aqi(pd.DataFrame([HOUR]).drop(columns=col), rules=rules)


def test_errors():
    with pytest.raises(ValueError):
        realtime_aqi(pd.DataFrame([HOUR]), rules="HJ633-2024")
    with pytest.raises(ValueError, match="o3"):
        realtime_aqi(pd.DataFrame([dict(HOUR, o3=-1)]), rules="2026")
    with pytest.raises(ValueError, match="on_missing"):
        realtime_aqi(pd.DataFrame([HOUR]), rules="2026", on_missing="skip")
    with pytest.raises(TypeError):
        realtime_aqi(HOUR, rules="2026")
    frame = pd.DataFrame([HOUR, HOUR]).astype({"no2": object})
    frame.loc[1, "no2"] = "abc"
    with pytest.raises(ValueError, match="no2"):
        realtime_aqi(frame, rules="2026")
    # the usual missing markers are missing values, not errors (airq.rounding.MISSING_TEXT)
    frame.loc[1, "no2"] = "n/a"
    assert pd.isna(realtime_aqi(frame, rules="2026").iloc[1]["iaqi_no2"])


# --------------------------------------------------------------------------- 4. properties


def _value(rules, key):
    p, a = REALTIME[key]
    bps = REF.ref_table(rules, p, a)
    top = bps[-1]
    dec = st.integers(0, int(top * 11)).map(lambda k: k / 10) if p == "co" else st.integers(0, int(top * 1.1))
    return st.one_of(st.sampled_from([float(b) for b in bps]), dec.map(float),
                     st.integers(0, bps[1] * 10).map(lambda k: k / 10))


# CO drawn up to 1.1 x the top of its 1-h table (165 mg/m³): above 50 it also warns (AirqUnitWarning,
# airq.units.CO_UG_THRESHOLD, tested in test_co_units.py); the AQI is still the table's.
@pytest.mark.filterwarnings("ignore::airq.AirqUnitWarning")
@settings(max_examples=60, **HSET)
@given(data=st.data(), rules=st.sampled_from(RULES))
def test_realtime_properties(data, rules):
    strat = st.fixed_dictionaries({**{k: _value(rules, k) for k in REALTIME}, "so2_24h": st.integers(0, 2700)})
    rows = data.draw(st.lists(strat, min_size=1, max_size=8))
    out = realtime_aqi(pd.DataFrame(rows), rules=rules)
    for i, row in enumerate(rows):
        subs = {k: REF.ref_iaqi(rules, p, a, row[k]) for k, (p, a) in REALTIME.items()}
        if subs["so2"] is None:  # 2012 Table 1 note 2: the 24-h SO2 sub-index stands in
            subs["so2"] = REF.ref_iaqi(rules, "so2", "24h", row["so2_24h"])
        aqi = max(subs.values())
        got = out.iloc[i]
        assert {k: int(got[f"iaqi_{k}"]) for k in REALTIME} == subs, row
        assert got["aqi"] == aqi
        want_primary = ",".join(k for k in ORDER if subs.get(k) == aqi) if aqi > 50 else ""
        assert got["primary"] == want_primary


# --------------------------------------------------------------------------- 9. real data

# Published primary-pollutant names (CNEMC) -> airq indicator keys of the real-time AQI.
CN_NAMES = {
    "细颗粒物(PM2.5)": "pm25",
    "颗粒物(PM10)": "pm10",
    "二氧化硫(SO2)": "so2",
    "二氧化氮(NO2)": "no2",
    "一氧化碳(CO)": "co",
    "臭氧1小时(O3)": "o3",
    "臭氧8小时(O3)": "o3_8h",  # never the hourly primary if the AQI is built as standards.md §1.5 says
}


def _published_primary(text) -> set[str]:
    if pd.isna(text) or str(text).strip() in ("", "—", "-"):
        return set()
    out = set()
    for name in str(text).split(","):
        name = name.strip()
        assert name in CN_NAMES, f"unknown published primary pollutant name {name!r}"
        out.add(CN_NAMES[name])
    return out


def _check_against_published(frame: pd.DataFrame, published: pd.DataFrame, **kw):
    out = realtime_aqi(frame, **kw)
    got = out["aqi"].astype("Int64")
    want = published["aqi"].astype("Int64")
    bad = published.loc[(got != want).fillna(True).to_numpy()]
    assert bad.empty, f"{len(bad)} rows differ, e.g.:\n{pd.concat([bad.head(), got[bad.index[:5]]], axis=1)}"
    # primary pollutants: published names vs airq keys (ties as sets), only when AQI > 50
    mism = []
    for i in published.index:
        pub = _published_primary(published.at[i, "primarypollutant"])
        ours = set(out.at[i, "primary"].split(",")) - {""}
        if want[i] <= 50:
            if ours:
                mism.append((i, want[i], pub, ours))
        elif pub != ours:
            mism.append((i, want[i], pub, ours))
    assert not mism, f"{len(mism)} primary mismatches, first: {mism[:5]}"
    return out


@pytest.mark.realdata
def test_guigang_2023q1_published_hourly_aqi(shared_real):
    path = shared_real / "cnemc_guigang_2023q1" / "raw_rows.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    raw = pd.read_csv(path)
    pub = raw[raw["aqi"].notna()]
    assert len(pub) == 449
    # Columns per PROVENANCE.md: pm2_5 is PM2.5; the O3 columns are swapped in this source:
    # o3_24h holds the latest 1-hour O3.
    frame = pd.DataFrame({
        "so2": pub["so2"], "no2": pub["no2"], "co": pub["co"], "o3": pub["o3_24h"],
        "pm10": pub["pm10"], "pm25": pub["pm2_5"],
    })
    _check_against_published(frame, pub, rules="HJ633-2012")
    # rules picked from the (hour-ending) timepoints gives the same: all in 2023 -> HJ 633—2012
    frame["time"] = to_hour_start(pd.to_datetime(pub["timepoint"]), hour_label="end")
    out = _check_against_published(frame, pub)
    assert set(out["rules"]) == {"HJ633-2012"}
    # at least one published tie is reproduced
    assert (out["primary"] == "pm10,pm25").sum() == (pub["primarypollutant"] == "颗粒物(PM10),细颗粒物(PM2.5)").sum() > 0


@pytest.mark.realdata
def test_cnemc_national_hour_2025_12_01T09(shared_real):
    path = shared_real / "cnemc_hourly_sample" / "2025-12-01T09.csv"
    if not path.exists():
        pytest.skip(f"{path} not available")
    raw = pd.read_csv(path)
    pub = raw[raw["aqi"].notna()]
    assert len(pub) == 931
    # PROVENANCE.md: in this file `o3` is the latest 1-hour O3.
    frame = pd.DataFrame({
        "so2": pub["so2"], "no2": pub["no2"], "co": pub["co"], "o3": pub["o3"],
        "pm10": pub["pm10"], "pm25": pub["pm2_5"],
    })
    # CNEMC publishes some hourly AQIs with one pollutant missing (49 rows here); reproduce all
    # 931 with the largest available sub-index.
    _check_against_published(frame, pub, rules="HJ633-2012", on_missing="available")
    # Rows with all six pollutants reproduce under the default (strict 2012) rule as well.
    complete = frame.notna().all(axis=1)
    assert complete.sum() > 800
    _check_against_published(frame[complete], pub[complete], rules="HJ633-2012")
    strict = realtime_aqi(frame[~complete], rules="HJ633-2012")
    assert strict["aqi"].isna().all()
    # rules from the timepoint (hour-ending 09:00 -> hour start 08:00 on 2025-12-01 -> 2012)
    frame["time"] = to_hour_start(pd.to_datetime(pub["timepoint"], format="%Y-%m-%dT%H%M"), hour_label="end")
    out = _check_against_published(frame, pub, on_missing="available")
    assert set(out["rules"]) == {"HJ633-2012"}
