"""CO in the wrong unit for a whole series, daily CO values, and raw values echoed (issue 10 items 3 and 8).

Item 3: a whole file or station-series of CO in µg/m³ (or, through the PRSA reader, mg/m³ divided
by 1000 once too often) is flagged ``co_unit_file`` by the station's own median
(:mod:`airq.unit_checks`); daily CO is checked too (a daily 90 no longer passes). Nothing valid in
the real data is flagged by the new rules. Item 8: a raw value of a million characters is echoed
as 40 characters and its length; daily flags appear in ``airq quality``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import store
from airq.cli import main
from airq.ingestion import ingest_files, load_flags
from airq.quality import CO_UNIT_FILE, CO_UNIT_SLIP, IMPOSSIBLE, REASONS, QualityRules, check_daily, check_hourly
from airq.quality_report import DAILY_REASONS
from airq.unit_checks import CO_DAILY_MAX, CO_MEDIAN_RANGE, CO_SERIES_MIN_VALUES, co_unit_file_lines
from airq.util import shorten

PRSA_HEADER = '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES","DEWP","RAIN","wd","WSPM","station"'
DAILY_HEADER = "station,date,so2,no2,co,pm10,pm25,o3_8h,o3_1h"
#: The fixtures hold constant pollutant values: no stuck-instrument flags in the way.
NO_STUCK = QualityRules(stuck_hours=100_000)


def tidy_hourly(path: Path, co_by_station: dict, start="2024-01-01 01:00") -> Path:
    """A tidy hourly CSV; ``co_by_station`` = {station: list of CO values as written}."""
    lines = ["station,time,so2,no2,co,o3,pm10,pm25"]
    for s, cos in co_by_station.items():
        for i, (t, co) in enumerate(zip(pd.date_range(start, periods=len(cos), freq="h"), cos)):
            lines.append(f"{s},{t:%Y-%m-%d %H:%M},{5 + i % 7},{20 + i % 11},{co},{40 + i % 13},{60 + i % 17},{30 + i % 19}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def tidy_daily(path: Path, rows) -> Path:
    """A tidy_daily CSV; rows = (station, date, co, pm25) as written (other values fixed)."""
    text = DAILY_HEADER + "\n" + "".join(f"{s},{d},6,20,{co},60,{pm25},90,120\n" for s, d, co, pm25 in rows)
    path.write_text(text, encoding="utf-8")
    return path


def clean_site_ug(hours: int, seed: int = 0) -> list:
    """CO of a clean site written in µg/m³: whole numbers 60 … 135 (0.06 … 0.135 mg/m³)."""
    return list(np.random.default_rng(seed).integers(60, 136, hours))


def airq(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# ---------------------------------------------------------------------------------------------
# item 3 (a): a whole series in µg/m³ at a clean site


def test_clean_site_month_in_ug_is_flagged_as_a_whole_not_stored_as_mg(tmp_path):
    """60–135 µg/m³ for a month are below the single-value threshold (50 mg/m³ … 150): before,
    they were stored as 60–135 mg/m³ (every day non-good); now every value is co_unit_file."""
    src = tidy_hourly(tmp_path / "clean.csv", {"2506A": clean_site_ug(744)})
    rep = ingest_files("tidy", src, tmp_path / "store")
    f = rep.flags[rep.flags["reason"] == CO_UNIT_FILE]
    assert len(f) == 744 and set(f["column"]) == {"co"} and set(f["station"]) == {"2506A"}
    assert f["value"].between(60, 135).all()
    detail = f["detail"].iloc[0]
    assert detail.startswith("clean.csv: station 2506A, 2024-01: median CO ") and "above 20 mg/m³" in detail
    assert "looks like µg/m³" in detail and detail.endswith("set missing")
    stored = store.load(tmp_path / "store")
    assert stored["co"].isna().all() and stored["pm25"].notna().all()  # only CO is blanked
    lines = [ln for ln in rep.summary().splitlines() if ln.startswith("co_unit_file:")]
    med = f["value"].median()
    assert lines == [f"co_unit_file: the CO of clean.csv looks like µg/m³ at 1 station(s) (2506A median {med:g}): "
                     f"median {med:g} mg/m³ as read over 744 values in 1 month(s), above the 20 mg/m³ a station's median "
                     "CO can be, so all 744 were set missing."]
    assert len(load_flags(tmp_path / "store")) == 744  # kept in the store's quality/ folder


def test_only_the_station_in_the_wrong_unit_is_flagged_and_fix_rescales(tmp_path):
    good = list(np.round(0.4 + 0.1 * (np.arange(48) % 9), 1))
    frame = pd.DataFrame({"station": ["A"] * 48 + ["B"] * 48,
                          "time": list(pd.date_range("2024-03-01", periods=48, freq="h")) * 2,
                          "co": good + clean_site_ug(48), "so2": 5.0, "no2": 20.0, "o3": 40.0, "pm10": 60.0, "pm25": 30.0})
    clean, flags = check_hourly(frame, rules=NO_STUCK)
    assert set(flags.loc[flags["reason"] == CO_UNIT_FILE, "station"]) == {"B"} and len(flags) == 48
    assert clean.loc[clean.station == "A", "co"].tolist() == good and clean.loc[clean.station == "B", "co"].isna().all()
    fixed, flags = check_hourly(frame, fix_co_units=True, rules=NO_STUCK)
    assert np.allclose(fixed.loc[fixed.station == "B", "co"], np.asarray(clean_site_ug(48)) / 1000)
    assert len(flags) == 48 and flags["detail"].str.endswith("rescaled ÷ 1000 (fix_co_units)").all()


def test_a_file_of_one_hour_per_station_is_pooled(tmp_path):
    """The CNEMC archive holds one hour of every station per file: too short per station, the
    stations are judged together."""
    stations = {f"{1001 + i}A": [v] for i, v in enumerate(clean_site_ug(30, seed=3))}
    rep = ingest_files("tidy", tidy_hourly(tmp_path / "hour.csv", stations), tmp_path / "store")
    f = rep.flags[rep.flags["reason"] == CO_UNIT_FILE]
    assert len(f) == 30 and "of the file's 30 station(s) that have fewer than 24 each (pooled)" in f["detail"].iloc[0]
    # fewer values in all than a series needs: left to the single-value checks (documented limit)
    few = {f"{1001 + i}A": [v] for i, v in enumerate(clean_site_ug(CO_SERIES_MIN_VALUES["hourly"] - 1, seed=3))}
    rep = ingest_files("tidy", tidy_hourly(tmp_path / "few.csv", few), tmp_path / "store2")
    assert CO_UNIT_FILE not in set(rep.flags["reason"])


def test_a_short_month_is_judged_by_the_station_series_of_the_file():
    """A file starting 00:00 hour-ending puts its first hour in the previous month: one value
    there, judged with the station's whole series."""
    t = pd.date_range("2024-01-31 23:00", periods=49, freq="h")
    frame = pd.DataFrame({"station": "A", "time": t, "co": clean_site_ug(49), "so2": 5.0, "no2": 20.0, "o3": 40.0,
                          "pm10": 60.0, "pm25": 30.0})
    _, flags = check_hourly(frame, rules=NO_STUCK)
    jan = flags[flags["time"] < pd.Timestamp("2024-02-01")]
    assert len(flags) == 49 and len(jan) == 1
    assert "over the station's 49 values in the file (this month alone has 1)" in jan["detail"].iloc[0]


# ---------------------------------------------------------------------------------------------
# item 3 (b): daily values


def test_daily_co_90_does_not_pass(tmp_path):
    """Alone: above the top of the 24-h CO scale (60 mg/m³) -> impossible; among low days -> a slip."""
    rep = ingest_files("tidy_daily", tidy_daily(tmp_path / "one.csv", [("2506A", "2024-01-05", 90, 30)]), tmp_path / "s1")
    assert rep.flags[["column", "value", "reason"]].values.tolist() == [["co", 90.0, IMPOSSIBLE]]
    assert store.load_daily(tmp_path / "s1")["co"].isna().all()
    rows = [("2506A", f"2024-01-{d:02d}", 90 if d == 10 else 0.8, 30) for d in range(1, 21)]
    rep = ingest_files("tidy_daily", tidy_daily(tmp_path / "month.csv", rows), tmp_path / "s2")
    assert rep.flags[["column", "value", "reason"]].values.tolist() == [["co", 90.0, CO_UNIT_SLIP]]
    assert "daily CO 90 looks like µg/m³ (= 0.09 mg/m³): median of the station's daily CO within ±15 days is 0.8" in rep.flags["detail"].iloc[0]
    # a daily CO of 59 is kept (below the daily maximum, no low context around it)
    assert CO_DAILY_MAX == 60.0
    _, flags = check_daily(pd.DataFrame({"station": ["X"], "date": pd.to_datetime(["2024-01-01"]), "co": [59.0]}))
    assert flags.empty


def test_daily_series_in_ug_is_a_whole_series(tmp_path):
    rows = [("2507A", f"2024-02-{d:02d}", v, 30) for d, v in zip(range(1, 11), clean_site_ug(10, seed=5))]
    rep = ingest_files("tidy_daily", tidy_daily(tmp_path / "d.csv", rows), tmp_path / "store")
    assert (rep.flags["reason"] == CO_UNIT_FILE).sum() == 10 and len(rep.flags) == 10
    assert any(ln.startswith("co_unit_file: the CO of d.csv looks like µg/m³ at 1 station(s) (2507A median")
               for ln in rep.summary().splitlines())


def test_guigang_daily_and_aqistudy_like_daily_co_is_checked(tmp_path):
    header = ("date,station_code,station_name,is_control_point,pm25_24h,pm10_24h,so2_24h,no2_24h,co_24h,"
              "o3_8h_max,o3_1h_max,window_flag,day_hours_in_window,source_timepoint\n")
    body = "".join(f"2023-01-{d:02d},2506A,江南子站,0,30,60,6,20,{700 + d},90,110,T00,24,2023-01-{d:02d}T00:00:00\n" for d in range(1, 6))
    (tmp_path / "station_daily.csv").write_text(header + body, encoding="utf-8")
    rep = ingest_files("guigang_daily", tmp_path / "station_daily.csv", tmp_path / "store")
    assert (rep.flags["reason"] == CO_UNIT_FILE).sum() == 5
    assert CO_UNIT_FILE in DAILY_REASONS and CO_UNIT_SLIP in DAILY_REASONS


# ---------------------------------------------------------------------------------------------
# item 3 (c): PRSA CO already in mg/m³


def prsa_file(path: Path, co_values) -> Path:
    lines = [PRSA_HEADER]
    for i, (t, co) in enumerate(zip(pd.date_range("2014-01-01 00:00", periods=len(co_values), freq="h"), co_values)):
        lines.append(f'{i + 1},{t.year},{t.month},{t.day},{t.hour},30,60,5,20,{co},40,0,1020,-10,0,"N",1.5,"Dongsi"')
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_prsa_file_already_in_mg_is_detected_not_divided_silently(tmp_path):
    mg = [f"{v:.1f}" for v in 0.3 + 0.1 * (np.arange(72) % 20)]  # 0.3 … 2.2 mg/m³ as written
    src = prsa_file(tmp_path / "PRSA_Data_Dongsi_mg.csv", mg)
    rep = ingest_files("prsa", src, tmp_path / "store")
    f = rep.flags[rep.flags["reason"] == CO_UNIT_FILE]
    assert len(f) == 72 and "looks 1000 times too small" in f["detail"].iloc[0]
    line = next(ln for ln in rep.summary().splitlines() if ln.startswith("co_unit_file:"))
    assert "the CO of PRSA_Data_Dongsi_mg.csv looks 1000 times too small at 1 station(s) (1003A median 0.00115)" in line
    assert "the prsa reader divides the file's CO by 1000, so this file's CO was already in mg/m³" in line
    assert store.load(tmp_path / "store")["co"].isna().all()
    fixed = ingest_files("prsa", src, tmp_path / "fixed", fix_co_units=True)
    assert np.allclose(store.load(tmp_path / "fixed")["co"], [float(v) for v in mg])
    assert (fixed.flags["reason"] == CO_UNIT_FILE).sum() == 72
    # the same file in µg/m³ (as the real PRSA files are): nothing flagged, CO ÷ 1000
    ug = prsa_file(tmp_path / "PRSA_Data_Dongsi_ug.csv", [f"{float(v) * 1000:g}" for v in mg])
    rep = ingest_files("prsa", ug, tmp_path / "ug")
    assert not (rep.flags["column"] == "co").any() and np.allclose(store.load(tmp_path / "ug")["co"], [float(v) for v in mg])


# ---------------------------------------------------------------------------------------------
# the rule's thresholds, settings and summary


def test_thresholds_and_rules():
    assert CO_MEDIAN_RANGE == (0.02, 20.0) and QualityRules().co_median_range == CO_MEDIAN_RANGE
    assert dict(CO_SERIES_MIN_VALUES) == {"hourly": 24, "daily": 3}
    assert REASONS.index(CO_UNIT_FILE) < REASONS.index(CO_UNIT_SLIP)
    for bad in ((20.0, 0.02), (0, 20), "x", (1, 2, 3), (True, 5)):
        with pytest.raises(ValueError, match="co_median_range"):
            QualityRules(co_median_range=bad)
    t = pd.date_range("2024-01-01", periods=24, freq="h")
    base = {"station": "A", "time": t, "so2": 5.0, "no2": 20.0, "o3": 40.0, "pm10": 60.0, "pm25": 30.0}
    for median, flagged in ((19.9, False), (20.1, True), (0.021, False), (0.019, True)):
        _, flags = check_hourly(pd.DataFrame({**base, "co": median}), rules=NO_STUCK)
        assert (flags["reason"] == CO_UNIT_FILE).any() == flagged, median


def test_summary_names_four_files_then_counts_the_rest():
    rows = []
    for i in range(6):
        d = (f"f{i}.csv: station S{i}, 2024-01: median CO 800 mg/m³ over 30 values is above 20 mg/m³, the most a "
             "station's median CO can be, so the series looks like µg/m³ (= 0.8 mg/m³); its 30 value(s) set missing")
        rows += [{"station": f"S{i}", "time": pd.Timestamp("2024-01-01"), "column": "co", "value": 800.0,
                  "reason": CO_UNIT_FILE, "detail": d}] * 30
    lines = co_unit_file_lines(pd.DataFrame(rows), "tidy")
    assert len(lines) == 5 and lines[0].startswith("co_unit_file: the CO of f0.csv looks like µg/m³ at 1 station(s) (S0 median 800)")
    assert lines[-1] == "co_unit_file: 2 more file(s) with CO in the wrong unit, 60 values (every one in the store's quality/ folder)."


# ---------------------------------------------------------------------------------------------
# the real data: nothing valid is flagged by the new rules; the same data in the wrong unit is


def _read(fmt, src):
    from airq import io as readers

    frame = readers.read(fmt, src, errors="flag")
    readers.pop_flags(frame)
    frame.attrs.clear()
    return frame


def _co_reasons(flags) -> dict:
    return flags[flags["column"] == "co"].groupby("reason").size().to_dict()


@pytest.mark.realdata
def test_real_data_nothing_valid_is_flagged(shared_real):
    """Before/after (issue 10 item 3): PRSA CO flags {stuck 120} both; Guigang and the CNEMC sample
    none; aqistudy 5 daily CO flagged before (impossible, > 150) and after (2 of them now
    co_unit_slip, 626 and 440.9 at 平顶山 among ~2 mg/m³). No co_unit_file anywhere."""
    prsa = _read("prsa", shared_real / "beijing_prsa_multisite_2013_2017")
    assert _co_reasons(check_hourly(prsa)[1]) == {"stuck": 120}
    assert _co_reasons(check_hourly(_read("cnemc", shared_real / "cnemc_hourly_sample"))[1]) == {}
    assert _co_reasons(check_daily(_read("guigang_daily", shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"))[1]) == {}
    aq = shared_real / "aqistudy_city_daily_2013_2017"
    _, flags = check_daily(_read("aqistudy", [aq / "capitals", aq / "cities"]))
    co = flags[flags["column"] == "co"]
    assert _co_reasons(flags) == {CO_UNIT_SLIP: 2, IMPOSSIBLE: 3}
    assert sorted(co["value"]) == [440.9, 626.0, 2629.2, 2978.1, 7667.5]


@pytest.mark.realdata
def test_real_data_in_the_wrong_unit_is_detected(shared_real, tmp_path):
    gg = pd.read_csv(shared_real / "cnemc_guigang_2023q1" / "station_daily.csv", dtype=str)
    gg["co_24h"] = (pd.to_numeric(gg["co_24h"]) * 1000).map(lambda v: f"{v:g}")
    gg.to_csv(tmp_path / "station_daily.csv", index=False)
    rep = ingest_files("guigang_daily", tmp_path / "station_daily.csv", tmp_path / "s1")
    assert _co_reasons(rep.flags) == {CO_UNIT_FILE: 450}
    cn = pd.read_csv(shared_real / "cnemc_hourly_sample" / "2025-12-01T09.csv", dtype=str)
    for col in ("co", "co_24h"):
        cn[col] = (pd.to_numeric(cn[col]) * 1000).map(lambda v: "" if np.isnan(v) else f"{v:g}")
    cn.to_csv(tmp_path / "2025-12-01T09.csv", index=False)
    rep = ingest_files("cnemc", tmp_path / "2025-12-01T09.csv", tmp_path / "s2")
    assert _co_reasons(rep.flags) == {CO_UNIT_FILE: 947}
    pr = pd.read_csv(shared_real / "beijing_prsa_multisite_2013_2017" / "PRSA_Data_Dongsi_20130301-20170228.csv.gz")
    pr["CO"] = pr["CO"] / 1000  # as if the file had been published in mg/m³
    pr.to_csv(tmp_path / "PRSA_Data_Dongsi_20130301-20170228.csv", index=False)
    rep = ingest_files("prsa", tmp_path / "PRSA_Data_Dongsi_20130301-20170228.csv", tmp_path / "s3")
    assert _co_reasons(rep.flags)[CO_UNIT_FILE] == int(pr["CO"].notna().sum()) == 31867


# ---------------------------------------------------------------------------------------------
# item 8: raw values echoed are cut; daily flags in `airq quality`

BIG = "9" * 1_000_000


def test_shorten():
    assert shorten(BIG) == "9" * 40 + "… (1,000,000 characters)"
    assert shorten("abc") == "abc" and shorten("x" * 40) == "x" * 40 and shorten(12.5) == "12.5"


def test_a_million_digit_value_is_cut_in_flags_summary_and_quality(tmp_path, capsys):
    lines = ["station,time,so2,no2,co,o3,pm10,pm25"]
    lines += [f"2506A,2024-01-01 {h:02d}:00,{5 + h},{20 + h},0.{h % 9 + 1},{40 + h},{60 + h},{30 + h}" for h in range(1, 24)]
    lines.append(f"2506A,2024-01-02 00:00,5,20,0.5,40,60,{BIG}")
    (tmp_path / "big.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, err = airq(capsys, "ingest", "--format", "tidy", tmp_path / "big.csv", "--store", tmp_path / "store")
    assert code == 0, err
    assert len(out) < 5000 and "9" * 41 not in out
    assert f"not a number ('{'9' * 40}… (1,000,000 characters)') -> missing" in out
    flags = load_flags(tmp_path / "store")
    assert flags["value"].tolist() == ["9" * 40 + "… (1,000,000 characters)"]
    stored = pd.read_parquet(next((tmp_path / "store" / "quality").glob("flags-hourly-*.parquet")))
    assert stored["value"].str.len().max() < 100
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01", "--json")
    assert code == 0, err
    assert json.loads(out)["flags_by_reason"]["hourly"] == {"not_a_number": 1} and len(out) < 20000


def test_tidy_daily_flags_appear_in_quality(tmp_path, capsys):
    rows = [("2506A", f"2024-01-{d:02d}", 0.8, 30) for d in range(1, 21)]
    rows[4] = ("2506A", "2024-01-05", 90, 30)  # a CO unit slip among low days
    rows[6] = ("2506A", "2024-01-07", 0.8, -3)  # negative PM2.5
    rows[8] = ("2506A", "2024-01-09", 0.8, "n/a?")  # not a number
    ingest_files("tidy_daily", tidy_daily(tmp_path / "daily.csv", rows), tmp_path / "store")
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["flags_by_reason"] == {"hourly": {}, "daily": {"co_unit_slip": 1, "negative": 1, "not_a_number": 1}}
    row = payload["daily"][0]
    assert (row["flag_co_unit_slip"], row["flag_negative"], row["flag_not_a_number"], row["valid_co"], row["valid_pm25"]) == (1, 1, 1, 19, 18)
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01")
    assert code == 0, err
    assert "flagged daily values by reason: negative 1, co_unit_slip 1, not_a_number 1" in out


def test_library_error_messages_cut_a_huge_raw_value():
    frame = pd.DataFrame({"station": ["A"], "time": [pd.Timestamp("2024-01-01")], "so2": ["x" * 1_000_000], "no2": [1.0],
                          "co": [1.0], "o3": [1.0], "pm10": [1.0], "pm25": [1.0]})
    with pytest.raises(ValueError) as err:
        check_hourly(frame)
    assert str(err.value) == "check_hourly: row 0, column 'so2': 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx… (1,000,002 characters) is not a number"
