"""The calculation modules' messages in both languages (issue 13): airq.aqi, hourly, timeconv, units, unit_checks,
quality, quality_report, stats, rounding, util.

Every message is an ``airq.notes.Note``: its English text is the sentence the code wrote before (checked here
word for word), and ``render(note, "zh")`` says it in Chinese. The errors are met the way a user meets them:
``airq quality`` / ``airq forecast`` with a bad station, period or date, a plan that is Chinese, an ingest of a
file whose CO is in µg/m³, and the library functions a notebook calls with a table that is not right.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import aqi, hourly, quality, stats, timeconv
from airq.cli_common import error_sentence
from airq.config import load_plan
from airq.ingestion import ingest_files
from airq.notes import Note, render
from airq.quality_report import UnknownStationError, store_quality
from airq.rounding import round_decimal_string
from airq.unit_checks import co_unit_file_lines
from airq.units import AirqUnitWarning, co_unit_message
from helpers import airq, raised

ROOT = Path(__file__).resolve().parents[1]
GUIGANG = str(ROOT / "config" / "guigang_2023.toml")


def both(exc):
    """(English, Chinese) of an exception's note."""
    return str(exc), error_sentence(exc, "zh")


def tidy(path: Path, stations, hours=30, co="0.5") -> Path:
    lines = ["station,time,so2,no2,co,o3,pm10,pm25"]
    for s in stations:
        for t in pd.date_range("2024-01-01 01:00", periods=hours, freq="h"):
            lines.append(f"{s},{t:%Y-%m-%d %H:%M},5,20,{co},40,60,30")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Hourly store: two Guigang stations and 13 others, 2024-01-01 00:00 .. 2024-01-02 05:00."""
    tmp = tmp_path_factory.mktemp("calc_store")
    ingest_files("tidy", tidy(tmp / "h.csv", ["2506A", "2508A", *[f"{9000 + i}A" for i in range(13)]]), tmp / "store")
    return tmp / "store"


# --------------------------------------------------------------------------------------------------------
# the command line


def test_unknown_station_in_both_languages(store, capsys):
    args = ["quality", "--store", store, "--period", "2024-01-01/2024-01-02", "--station", "2506B", "--station", "zzzz"]
    code, _, err = airq(capsys, *args)
    assert code == 1
    assert err == (f"airq: error: unknown stations '2506B' (closest known: 2506A, 2508A) and 'zzzz' (no close match): not in "
                   f"the store {store} (15 known stations, listed by `airq quality --store {store} --period ... --all`); the "
                   "store keeps no station names, so give a code (or --config PLAN to match the plan's names)\n")
    code, _, err = airq(capsys, *args, "--lang", "zh")
    assert code == 1
    assert err == (f"airq: error: 未知的站点 '2506B'（最接近的已知站点：2506A、2508A）、'zzzz'（无相近站点）：不在数据库 {store} 中"
                   f"（已知 15 个站点，可用 `airq quality --store {store} --period ... --all` 列出）；数据库未保存站点名称，"
                   "请给出站点代码（或用 --config PLAN 按方案中的名称匹配）\n")


def test_unknown_station_with_a_chinese_plan_is_chinese_by_default(store, capsys):
    code, _, err = airq(capsys, "quality", "--store", store, "--period", "2024-01", "--config", GUIGANG, "--station", "qq")
    assert code == 1
    assert err.startswith(f"airq: error: 未知的站点 'qq'（无相近站点）：不在数据库 {store} 或本方案中（已知 20 个站点，")
    code, _, err = airq(capsys, "quality", "--store", store, "--period", "2024-01", "--config", GUIGANG, "--station", "qq",
                        "--lang", "en")
    assert err.startswith(f"airq: error: unknown station 'qq' (no close match): not in the store {store} or the plan (20 known")


@pytest.mark.parametrize("period, en, zh", [
    ("2024-02-30", "period '2024-02-30': not a date: '2024-02-30' (expected YYYY-MM-DD)",
     "统计期 '2024-02-30'：'2024-02-30' 不是日期（应为 YYYY-MM-DD）"),
    ("2024-03-05/2024-03-01", "period '2024-03-05/2024-03-01': end 2024-03-01 is before start 2024-03-05",
     "统计期 '2024-03-05/2024-03-01'：结束日期 2024-03-01 早于开始日期 2024-03-05"),
    ("2024-13", "period '2024-13': month 13 is not 1..12", "统计期 '2024-13'：月份 13 不在 1..12 之间"),
])
def test_a_period_that_cannot_be_read(store, capsys, period, en, zh):
    assert airq(capsys, "quality", "--store", store, "--period", period)[2] == f"airq: error: {en}\n"
    assert airq(capsys, "quality", "--store", store, "--period", period, "--lang", "zh")[2] == f"airq: error: {zh}\n"


def test_an_as_of_that_is_not_a_day_of_the_calendar(tmp_path, capsys):
    argv = ["forecast", "--config", GUIGANG, "--store", tmp_path, "--as-of", "2023-02-30"]
    code, _, err = airq(capsys, *argv)  # the Guigang plan is Chinese
    assert code == 1 and err == "airq: error: --as-of '2023-02-30' 不是日历上存在的日期\n"
    assert airq(capsys, *argv, "--lang", "en")[2] == "airq: error: --as-of '2023-02-30' is not a date of the calendar\n"


def test_the_quality_notes_stay_english_in_json_and_say_themselves_in_chinese(store, capsys):
    code, out, _ = airq(capsys, "quality", "--store", store, "--period", "2024-01-01/2024-01-02", "--config", GUIGANG, "--json")
    assert code == 0
    notes = json.loads(out)["notes"]
    assert notes == ["5 listed stations have no data in the period (every hour or day absent): 2505A 德智高中, 2507A 贵城子站, "
                     "3405A 新世纪学校, GP01A 桂平市监测站, PN01A 平南县监测站",
                     "the store holds 13 other stations (not in the plan): --all lists every station"]
    rep = store_quality(store, "2024-01-01", "2024-01-02", plan=load_plan(GUIGANG))
    assert rep.notes == notes and all(isinstance(n, Note) for n in rep.notes)
    assert [render(n, "zh") for n in rep.notes] == [
        "所列站点中有 5 个在该时段无数据（全部小时值或日均值缺失）：2505A 德智高中、2507A 贵城子站、3405A 新世纪学校、"
        "GP01A 桂平市监测站、PN01A 平南县监测站",
        "数据库中另有 13 个站点（不在本方案中）：--all 可列出全部站点"]
    empty = store_quality(store, "2023-01-01", "2023-01-02").notes
    assert empty == [f"the store {store} holds no data from 2023-01-01 to 2023-01-02 (it holds hourly 2024-01 … 2024-01); "
                     "add that period with `airq ingest`"]
    assert render(empty[0], "zh") == (f"数据库 {store} 中没有 2023-01-01 至 2023-01-02 的数据（现有：小时数据 2024-01 … 2024-01）；"
                                      "请用 `airq ingest` 导入该时段")
    by_code = store_quality(store, "2024-01-01", "2024-01-02", stations=["2506a"]).notes
    assert by_code == ["station '2506a' read as 2506A (by its code)"]
    assert render(by_code[0], "zh") == "站点 '2506a' 按其代码识别为 2506A"


def test_a_name_shared_by_two_stations(tmp_path):
    src = tmp_path / "d.csv"
    src.write_text("date,station_code,station_name,is_control_point,pm25_24h,pm10_24h,so2_24h,no2_24h,co_24h,o3_8h_max,"
                   "o3_1h_max,window_flag,day_hours_in_window,source_timepoint\n"
                   "2024-01-01,2506A,站,0,30,60,6,20,0.8,80,110,T00,24,2024-01-01T00:00:00\n"
                   "2024-01-01,2507A,站,0,30,60,6,20,0.8,80,110,T00,24,2024-01-01T00:00:00\n", encoding="utf-8")
    ingest_files("guigang_daily", src, tmp_path / "store")
    exc = raised(lambda: store_quality(tmp_path / "store", "2024-01-01", "2024-01-01", stations=["站"]), UnknownStationError)
    assert both(exc) == ("'站' is the name of 2 stations (2506A, 2507A): give one of their codes",
                         "'站' 是 2 个站点的名称（2506A、2507A）：请给出其中一个站点的代码")


# --------------------------------------------------------------------------------------------------------
# the CO unit warning and the ingest's CO lines


def test_the_co_unit_warning_is_a_note(capsys):
    frame = pd.DataFrame({"so2": [10.0] * 2, "no2": [40.0] * 2, "pm10": [120.0] * 2, "pm25": [60.0] * 2,
                          "co": [1.0, 1000.0], "o3_8h": [100.0] * 2}, index=["d1", "d2"])
    with pytest.warns(AirqUnitWarning) as rec:
        aqi.daily_aqi(frame, rules="HJ633-2026")
    w = rec[0].message
    assert isinstance(w.args[0], Note) and w.note is w.args[0]
    assert str(w) == ("CO is in mg/m³; 1000 looks like µg/m³ (= 1.0 mg/m³) at row 'd2'. Computed from the value as given; "
                      "if it is in µg/m³, divide by 1000 (CO above 50 mg/m³ is what airq ingest flags as co_unit_slip).")
    assert render(w.note, "zh") == ("CO 的单位是 mg/m³；行 'd2' 的 1000 像是 µg/m³ 数值（= 1.0 mg/m³）。已按给出的数值计算；"
                                    "如其单位为 µg/m³，请除以 1000（CO 高于 50 mg/m³ 时，airq ingest 将其标记为 co_unit_slip）。")
    many = co_unit_message([1000.0, 2000.0], ["row 1", "row 2"], count=7)
    assert many == ("CO is in mg/m³; 7 values look like µg/m³: 1000 (= 1.0 mg/m³) at row 1, 2000 (= 2.0 mg/m³) at row 2 and "
                    "5 more. Computed from the values as given; if they are in µg/m³, divide by 1000 (CO above 50 mg/m³ is "
                    "what airq ingest flags as co_unit_slip).")
    assert many.to("zh").startswith("CO 的单位是 mg/m³；有 7 个值像是 µg/m³ 数值：1000（= 1.0 mg/m³，row 1）、"
                                    "2000（= 2.0 mg/m³，row 2），另有 5 个。")
    # airq aqi: the warning on stderr after the same prefix in every language, and in the JSON in English
    code, out, err = airq(capsys, "aqi", "--rules", "2026", "so2=1", "no2=1", "pm10=1", "pm25=1", "co=1000", "o3_8h=1", "--json")
    english = ("CO is in mg/m³; 1000 looks like µg/m³ (= 1.0 mg/m³). Computed from the value as given; if it is in µg/m³, "
               "divide by 1000 (CO above 50 mg/m³ is what airq ingest flags as co_unit_slip).")
    assert code == 0 and json.loads(out)["warnings"] == [english] and err == f"airq: warning: {english}\n"


def test_positions_of_a_table_in_the_co_warning():
    with pytest.warns(AirqUnitWarning) as rec:
        aqi.iaqi("co", pd.DataFrame({"a": [1, 1000], "b": [2000, 3]}, index=["x", "y"]), averaging="24h", rules="HJ633-2026")
    w = rec[0].message
    assert str(w).startswith("CO is in mg/m³; 2 values look like µg/m³: 2000 (= 2.0 mg/m³) at row 'x' of column 'b', "
                             "1000 (= 1.0 mg/m³) at row 'y' of column 'a'. Computed from the values as given;")
    assert render(w.note, "zh").startswith("CO 的单位是 mg/m³；有 2 个值像是 µg/m³ 数值：2000（= 2.0 mg/m³，列 'b' 行 'x'）、"
                                           "1000（= 1.0 mg/m³，列 'a' 行 'y'）。")
    assert [str(x) for x in w.where] == ["row 'x' of column 'b'", "row 'y' of column 'a'"]


def test_the_ingest_line_on_a_co_series_in_the_wrong_unit(tmp_path):
    rep = ingest_files("tidy", tidy(tmp_path / "ug.csv", ["S1"], hours=48, co="800"), tmp_path / "store")
    lines = co_unit_file_lines(rep.flags, "tidy")
    assert len(lines) == 1 and isinstance(lines[0], Note)
    assert lines[0] in rep.summary().splitlines()
    assert lines[0] == ("co_unit_file: the CO of ug.csv looks like µg/m³ at 1 station(s) (S1 median 800): median 800 mg/m³ "
                        "as read over 48 values in 1 month(s), above the 20 mg/m³ a station's median CO can be, so all 48 "
                        "were set missing.")
    assert render(lines[0], "zh") == ("co_unit_file：ug.csv 的 CO 在 1 个站点（S1 中位数 800）像是 µg/m³ 数值：按读入值，"
                                      "1 个月共 48 个值的中位数为 800 mg/m³，高于站点 CO 中位数可能的上限 20 mg/m³，"
                                      "因此全部 48 个值已置为缺测。")


# --------------------------------------------------------------------------------------------------------
# the library, as a notebook calls it


def test_a_concentration_that_is_not_a_number():
    frame = pd.DataFrame({"so2": [10], "no2": [40], "pm10": [120], "pm25": ["abc"], "co": [1.0], "o3_8h": [100]})
    exc = raised(lambda: aqi.daily_aqi(frame, rules="HJ633-2026"))
    assert both(exc) == ("column 'pm25': non-numeric value 'abc' at row 0", "列 'pm25'：行 0 的值 'abc' 不是数字")
    exc = raised(lambda: aqi.iaqi("pm25", [1, -2.5], averaging="24h", rules="HJ633-2026"))
    assert both(exc) == ("pm25: negative concentration np.float64(-2.5) at position 1", "pm25：位置 1 的浓度为负值 np.float64(-2.5)")


def test_an_unknown_pollutant_and_a_missing_column():
    exc = raised(lambda: aqi.iaqi("nox", 1, averaging="24h", rules="HJ633-2026"))
    assert both(exc) == ("unknown pollutant 'nox'; one of so2, no2, pm10, pm25, co, o3",
                         "未知的污染物 'nox'；应为 so2、no2、pm10、pm25、co、o3 之一")
    exc = raised(lambda: aqi.daily_aqi(pd.DataFrame({"so2": [1], "no2": [1], "co": [1], "pm10": [1], "pm25": [1]}), rules="HJ633-2026"))
    assert both(exc) == ("daily_aqi under HJ633-2026 needs column(s) ['o3_8h']; indicators: so2, no2, co, pm10, pm25, o3_8h "
                         "(name never-measured ones in unmonitored=)",
                         "按 HJ633-2026 计算日 AQI（daily_aqi）需要列 ['o3_8h']；指标：so2、no2、co、pm10、pm25、o3_8h"
                         "（从未监测的指标请写入 unmonitored=）")


def test_an_hourly_table_with_a_duplicate_hour():
    frame = pd.DataFrame({"station": ["A", "A"], "time": pd.to_datetime(["2024-01-01 00:00"] * 2), "pm25": [1.0, 2.0]})
    exc = raised(lambda: hourly.to_grid(frame))
    assert both(exc) == ("row 1: duplicate station-hour (A, 2024-01-01 00:00); resolve duplicates first (airq.quality.check_hourly)",
                         "行 1：站点小时重复（A，2024-01-01 00:00）；请先处理重复值（airq.quality.check_hourly）")


def test_a_table_checked_before_it_is_stored():
    frame = pd.DataFrame({"station": ["A", " "], "time": pd.to_datetime(["2024-01-01 00:00", "2024-01-01 01:00"]),
                          "source": ["f.csv", "g.csv"], **{p: [1.0, 2.0] for p in ("so2", "no2", "co", "o3", "pm10", "pm25")}})
    exc = raised(lambda: quality.check_hourly(frame))
    assert both(exc) == ("check_hourly: row 1 (source 'g.csv'), column 'station': empty station code",
                         "check_hourly：行 1（来源 'g.csv'），列 'station'：站点代码为空")
    exc = raised(lambda: quality.check_hourly(frame.assign(station=[1, 2])), TypeError)
    assert both(exc)[1].startswith("check_hourly：列 'station' 为数值（int64）；站点代码是文本——请按 str 读取该列")
    exc = raised(lambda: quality.gaps(frame.assign(station="A"), start="2024-01-02", end="2024-01-01"))
    assert both(exc) == ("gaps: end 2024-01-01 00:00 is not after start 2024-01-02 00:00",
                         "gaps：结束时间 2024-01-01 00:00 不晚于开始时间 2024-01-02 00:00")


def test_period_statistics_with_dust_days_of_an_unknown_group():
    days = pd.date_range("2023-01-01", periods=3)
    daily = aqi.daily_aqi(pd.DataFrame({"group": ["G"] * 3, "date": days, "so2": 5.0, "no2": 20.0, "pm10": 60.0, "pm25": 30.0,
                                        "co": 0.8, "o3_8h": 100.0}), rules="HJ633-2026")
    exc = raised(lambda: stats.period_stats(daily, period="2023", dust_mode="recompute", dust_days={"H": ["2023-01-01"]}))
    assert both(exc) == ("period_stats: dust_days names unknown group(s) ['H']; known: ['G']",
                         "period_stats：dust_days 中有未知的 group ['H']；已知：['G']")
    exc = raised(lambda: stats.period_stats(daily.assign(date=[days[0]] * 3), period="2023"))
    assert both(exc) == ("period_stats: row 1: duplicate group-day (G, 2023-01-01)", "period_stats：行 1：group 日重复（G，2023-01-01）")
    exc = raised(lambda: stats.hj663_percentile([1, 2, 3], 0.9))
    assert both(exc)[1] == "percentile：百分位数 0.9 小于 1；p 以百分数表示（第 90 百分位数写作 90）"


def test_hour_labels_numbers_and_dates():
    exc = raised(lambda: timeconv.to_hour_start(["2024-01-01 01:30"], "end"))
    assert both(exc) == ("hour label not on a whole hour: 2024-01-01 01:30:00", "小时时间标签不是整点：2024-01-01 01:30:00")
    exc = raised(lambda: timeconv.parse_hour_label_text(["2024-01-01"], [25]))
    assert both(exc) == ("hour must be a whole number 0..24, got np.int64(25)", "小时须为 0..24 的整数，实为 np.int64(25)")
    exc = raised(lambda: round_decimal_string("abc"))
    assert both(exc) == ("not a number: 'abc'", "不是数字：'abc'")
    exc = raised(lambda: stats.parse_period(2023))
    assert both(exc)[1] == "统计期应为 '2023'、'2023-03'、'2023-Q1' 或 '2023-01-01/2023-03-31' 这样的文本，而不是 2023"


def test_notes_survive_a_copy_and_every_warning_position_is_a_note():
    import copy
    import pickle

    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        aqi.daily_aqi_values({"so2": np.ones(2), "no2": np.ones(2), "pm10": np.ones(2), "pm25": np.ones(2),
                              "co": np.array([1.0, 1000.0]), "o3_8h": np.ones(2)}, rules="HJ633-2026")
    w = rec[0].message
    assert all(isinstance(x, Note) for x in w.where) and render(w.where[0], "zh") == "位置 1"
    again = pickle.loads(pickle.dumps(w.note))
    assert again == w.note and again.to("zh") == w.note.to("zh") == copy.deepcopy(w.note).to("zh")
