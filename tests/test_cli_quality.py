"""``airq quality`` (issue 9 item 7): unknown stations, plan stations first, daily-only stores, --json.

Small stores are built in tmp_path from files written here; the real-data tests read
../shared/data/real and skip where it is absent.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pandas as pd
import pytest

from airq.cli import main
from airq.ingestion import ingest_files
from airq.quality_report import UnknownStationError, daily_quality_summary, resolve_stations
from airq.textable import display_width, format_table

ROOT = Path(__file__).resolve().parents[1]
GUIGANG = str(ROOT / "config" / "guigang_2023.toml")
GG_PLAN = ["2505A", "2506A", "2507A", "2508A", "3405A", "GP01A", "PN01A"]
DAILY_HEADER = ("date,station_code,station_name,is_control_point,pm25_24h,pm10_24h,so2_24h,no2_24h,co_24h,"
                "o3_8h_max,o3_1h_max,window_flag,day_hours_in_window,source_timepoint\n")


def airq(capsys, *argv):
    """Run the CLI in-process: (exit status, stdout, stderr)."""
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def tidy_hourly(path: Path, stations, start="2024-01-01 01:00", hours=48, bad=None) -> Path:
    """A tidy hourly CSV (hour-ending labels): every station every hour, values that vary."""
    lines = ["station,time,so2,no2,co,o3,pm10,pm25"]
    times = pd.date_range(start, periods=hours, freq="h")
    for s in stations:
        for i, t in enumerate(times):
            lines.append(f"{s},{t:%Y-%m-%d %H:%M},{5 + i % 7},{20 + i % 11},{0.5 + (i % 5) / 10:.1f},{40 + i % 13},{60 + i % 17},{30 + i % 19}")
    if bad:
        lines += bad
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def guigang_daily(path: Path, rows) -> Path:
    """A file in the Guigang station_daily.csv layout; rows = (date, code, name, window_flag, o3_8h, pm25)."""
    text = DAILY_HEADER + "".join(
        f"{d},{code},{name},0,{pm25},60,6,20,0.8,{o3},110,{flag},24,{d}T00:00:00\n" for d, code, name, flag, o3, pm25 in rows)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def hourly_store(tmp_path):
    """Hourly store: 2506A and 2508A (Guigang plan) plus 30 stations no plan knows, 2024-01-01/02."""
    others = [f"{9000 + i}A" for i in range(30)]
    src = tidy_hourly(tmp_path / "h.csv", ["2506A", "2508A", *others])
    ingest_files("tidy", src, tmp_path / "store")
    return tmp_path / "store"


@pytest.fixture
def daily_store(tmp_path):
    """Daily-only store (Guigang layout): Feb 2024, 2506A complete except one proxy day and one
    missing O3-8h; 2507A only 20 days, one with a negative PM2.5 (flagged at ingest)."""
    rows = []
    for d in pd.date_range("2024-02-01", "2024-02-29"):
        day = f"{d:%Y-%m-%d}"
        rows.append((day, "2506A", "江南子站", "proxy_T20_same_day" if d.day == 3 else "T00", "" if d.day == 10 else 90, 35))
        if d.day <= 20:
            rows.append((day, "2507A", "贵城子站", "T00", 95, -4 if d.day == 5 else 40))
    src = guigang_daily(tmp_path / "station_daily.csv", rows)
    ingest_files("guigang_daily", src, tmp_path / "store")
    return tmp_path / "store"


# ---------------------------------------------------------------------------------------------
# 1. unknown stations are an error; names are read as codes when unambiguous


def test_unknown_station_is_a_one_sentence_error_with_the_closest_codes(hourly_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--station", "2506B", "--station", "Dongsi")
    assert code == 1 and out == ""
    assert err.startswith("airq: error: unknown stations '2506B' (closest known: 2506A") and err.count("\n") == 1
    assert "'Dongsi' (no close match)" in err and "32 known stations" in err
    assert "Traceback" not in err


def test_station_name_is_read_as_its_code_and_said_so(daily_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2024-02", "--station", "贵城子站")
    assert code == 0, err
    assert "note: station '贵城子站' read as 2507A 贵城子站 (by its name)" in out
    lines = [line for line in out.splitlines() if line.startswith("25")]
    assert len(lines) == 1 and lines[0].startswith("2507A")
    # with the plan, its names work on a store that keeps none
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2024-02", "--config", GUIGANG, "--station", "新世纪学校")
    assert code == 0, err
    assert "按其名称识别为 3405A 新世纪学校" in out and "3405A" in out  # the plan is Chinese


def test_a_name_shared_by_two_codes_is_refused(tmp_path):
    src = guigang_daily(tmp_path / "station_daily.csv", [("2024-02-01", "2506A", "站", "T00", 90, 35),
                                                       ("2024-02-01", "2507A", "站", "T00", 90, 35)])
    ingest_files("guigang_daily", src, tmp_path / "store")
    with pytest.raises(UnknownStationError, match=r"'站' is the name of 2 stations \(2506A, 2507A\): give one of their codes"):
        resolve_stations(["站"], tmp_path / "store")
    assert resolve_stations(["2506a"], tmp_path / "store") == (["2506A"], ["station '2506a' read as 2506A 站 (by its code)"])


# ---------------------------------------------------------------------------------------------
# 2. --config: the plan's stations, a count of the others, --all for every station


def test_config_lists_the_plan_stations_and_counts_the_others(hourly_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--config", GUIGANG, "--csv")
    assert code == 0, err
    table = pd.read_csv(io.StringIO(out), dtype={"station": str})
    assert list(table["station"]) == GG_PLAN  # the plan's order
    assert table.set_index("station").loc["2506A", "present_hours"] == 48
    assert table.set_index("station").loc["GP01A", "absent_hours"] == 744
    assert "江南子站" in set(table["name"])
    assert "数据库中另有 30 个站点（不在本方案中）：--all 可列出全部站点" in err  # the plan is Chinese
    code, out, _ = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--config", GUIGANG, "--all", "--csv")
    listed = list(pd.read_csv(io.StringIO(out), dtype={"station": str})["station"])
    assert listed[:7] == GG_PLAN and len(listed) == 37
    code, out, _ = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--csv")  # no plan: every station
    assert len(pd.read_csv(io.StringIO(out))) == 32


def test_text_output_with_plan_aligns_chinese_names(hourly_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--config", GUIGANG, "--lang", "en")
    assert code == 0, err
    rows = [line for line in out.splitlines() if line[:5] in GG_PLAN or line.startswith("station")]
    assert len(rows) == 8
    ends = {display_width(line) for line in rows}
    assert len(ends) == 1  # every line of the table ends in the same terminal column
    assert "note: the store holds 30 other stations" in out
    assert "note: 5 listed stations have no data in the period" in out
    code, out, err = airq(capsys, "quality", "--store", hourly_store, "--period", "2024-01", "--config", GUIGANG)
    assert code == 0, err  # the plan is Chinese: Chinese headers, still aligned
    rows = [line for line in out.splitlines() if line[:5] in GG_PLAN or line.startswith("站点")]
    assert len(rows) == 8 and len({display_width(line) for line in rows}) == 1
    assert out.startswith("小时数据，小时数，按站点和月份：") and "注：数据库中另有 30 个站点（不在本方案中）" in out


def test_stations_kept_out_at_ingest_are_summarised_not_listed(tmp_path, capsys):
    src = tidy_hourly(tmp_path / "h.csv", ["2506A", "8001A", "8002A"])
    ingest_files("tidy", src, tmp_path / "store", known_stations=GG_PLAN)
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01", "--json")
    payload = json.loads(out)
    assert [r["station"] for r in payload["hourly"]] == ["2506A"]
    assert payload["stations"]["kept_out_at_ingest"] == 2
    assert any("2 stations appear only in the flags" in n for n in payload["notes"])
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01", "--station", "8001A")
    assert code == 0, err  # known to the store's flags: listed, with the reason it has no rows
    assert "8001A" in out and "unknown_station 48" in out and "its rows were kept out at ingest" in out


# ---------------------------------------------------------------------------------------------
# 3. daily-only stores: days, proxy days, indicators, flags


def test_daily_only_store_reports_days_proxies_indicators_and_flags(daily_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2024-02", "--csv")
    assert code == 0, err
    t = pd.read_csv(io.StringIO(out), dtype={"station": str}).set_index("station")
    assert set(t["data"]) == {"daily"}
    a, b = t.loc["2506A"], t.loc["2507A"]
    assert (a.expected_days, a.present_days, a.absent_days, a.proxy_days) == (29, 29, 0, 1)
    assert (a.valid_pm25, a.valid_o3_8h) == (28, 27)  # the proxy day and the missing O3-8h day
    assert a.proxy_window_flags == "proxy_T20_same_day 1"
    assert (b.present_days, b.absent_days, b.proxy_days, b.valid_pm25, b.flag_negative) == (20, 9, 0, 19, 1)
    assert b.complete_pm25 == pytest.approx(100 * 19 / 29)
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2024-02")
    assert "no hourly data" not in out
    assert "flagged daily values by reason: negative 1" in out
    assert "note: 1 proxy day(s)" in out


def test_daily_quality_summary_names_indicators_without_any_value():
    daily = pd.DataFrame({"station": ["X", "X"], "date": pd.to_datetime(["2024-03-01", "2024-03-02"]),
                          "so2": [5.0, 6], "no2": [20.0, 21], "co": [0.5, 0.6], "pm10": [60.0, 61], "pm25": [30.0, 31],
                          "o3_8h": [90.0, 80], "o3_1h": [float("nan")] * 2})
    flags = pd.DataFrame({c: [] for c in ("station", "time", "column", "value", "reason", "detail")})
    out = daily_quality_summary(daily, flags, start="2024-03-01", stop="2024-04-01", stations=["X", "Y"]).set_index("station")
    assert out.loc["X", "missing_indicators"] == "o3_1h" and out.loc["X", "valid_o3_1h"] == 0
    assert out.loc["X", "expected_days"] == 31 and out.loc["X", "proxy_days"] == 0
    assert out.loc["Y", "present_days"] == 0 and out.loc["Y", "missing_indicators"] == ""


def test_store_with_hourly_and_daily_data_reports_both(tmp_path, capsys):
    ingest_files("tidy", tidy_hourly(tmp_path / "h.csv", ["2506A"], start="2024-02-01 01:00"), tmp_path / "store")
    ingest_files("guigang_daily", guigang_daily(tmp_path / "station_daily.csv", [("2024-02-05", "2507A", "贵城子站", "T00", 90, 35)]),
                 tmp_path / "store")
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-02", "--json")
    payload = json.loads(out)
    assert [r["station"] for r in payload["hourly"]] == ["2506A"] and [r["station"] for r in payload["daily"]] == ["2507A"]
    assert payload["daily"][0]["present_days"] == 1 and payload["hourly"][0]["present_hours"] == 48


# ---------------------------------------------------------------------------------------------
# 4. --json; flags of every reason


def test_json_is_one_object_with_rows_flag_totals_and_notes(daily_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2024-Q1", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert set(payload) == {"store", "period", "stations", "hourly", "daily", "flags_by_reason", "notes"}
    assert payload["period"] == {"start": "2024-01-01", "end": "2024-03-31"}
    assert payload["hourly"] == [] and len(payload["daily"]) == 2 * 3
    feb = next(r for r in payload["daily"] if r["station"] == "2506A" and r["month"] == "2024-02")
    assert feb["proxy_window_flags"] == {"proxy_T20_same_day": 1} and feb["name"] == "江南子站"
    assert payload["flags_by_reason"] == {"hourly": {}, "daily": {"negative": 1}}
    assert any("proxy day" in n for n in payload["notes"])


def test_unparseable_values_are_counted_not_an_error(tmp_path, capsys):
    src = tidy_hourly(tmp_path / "h.csv", ["2506A"], bad=["2506A,2024-01-03 01:00,5,10,0.5,40,50,abc"])
    ingest_files("tidy", src, tmp_path / "store")
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2024-01", "--json")
    assert code == 0, err
    payload = json.loads(out)
    assert payload["flags_by_reason"]["hourly"] == {"not_a_number": 1}
    assert payload["hourly"][0]["flag_not_a_number"] == 1


def test_period_without_data_says_what_the_store_holds(daily_store, capsys):
    code, out, err = airq(capsys, "quality", "--store", daily_store, "--period", "2030")
    assert code == 0, err
    assert "holds no data from 2030-01-01 to 2030-12-31 (it holds daily 2024-02 … 2024-02)" in out and "airq ingest" in out


# ---------------------------------------------------------------------------------------------
# the display-width table


def test_format_table_pads_by_display_width():
    assert display_width("德智高中") == 8 and display_width("2505A") == 5
    text = format_table([{"station": "2505A", "name": "德智高中", "n": 3}, {"station": "X", "name": "ab", "n": 12.5}])
    assert text.splitlines() == [
        "station  name         n",
        "2505A    德智高中     3",
        "X        ab        12.5",
    ]


# ---------------------------------------------------------------------------------------------
# real data


def test_real_guigang_daily_store_reports_ten_proxy_days(shared_real, tmp_path, capsys):
    src = shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"
    if not src.is_file():
        pytest.skip(f"real data not available: {src} does not exist")
    ingest_files("guigang_daily", src, tmp_path / "store")
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2023-Q1", "--config", GUIGANG, "--json")
    assert code == 0, err
    payload = json.loads(out)
    rows = pd.DataFrame(payload["daily"])
    feb = rows[rows["month"] == "2023-02"].set_index("station")
    assert feb.loc["2506A", "proxy_days"] == 2 and feb.loc["2506A", "valid_pm25"] == 26
    assert int(rows["proxy_days"].sum()) == 10  # PROVENANCE.md: 10 proxy rows
    assert feb.loc["GP01A", "absent_days"] == 28  # a placeholder of the plan: listed, all absent


def test_real_national_file_with_plan_lists_the_plan_stations_first(shared_real, tmp_path, capsys):
    src = shared_real / "cnemc_hourly_sample" / "2025-12-01T09.csv"
    if not src.is_file():
        pytest.skip(f"real data not available: {src} does not exist")
    ingest_files("cnemc", src, tmp_path / "store")
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2025-12", "--config", GUIGANG)
    assert code == 0, err
    table_lines = [line for line in out.splitlines() if line[:5] in GG_PLAN]
    assert [line[:5] for line in table_lines] == GG_PLAN
    assert len(out.splitlines()) < 20
    assert "个站点（不在本方案中）：--all 可列出全部站点" in out  # the plan is Chinese
    code, out, err = airq(capsys, "quality", "--store", tmp_path / "store", "--period", "2025-12", "--station", "Dongsi")
    assert code == 1 and err.startswith("airq: error: unknown station 'Dongsi'") and "keeps no station names" in err
