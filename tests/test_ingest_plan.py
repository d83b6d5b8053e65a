"""Issue 9 items 6 and 14 (ingest part): ingest with the wrong plan, and the hour-label convention stated.

Item 6: a file none of whose stations is in the plan is an error (one sentence naming the
stations found and the ones the plan expects), and nothing is written to the store; a partial
match stays a flag. Item 14: ``airq ingest`` (and ``IngestReport.summary()``) says which
hour-label convention it applied to the hourly formats.
"""

import inspect
from pathlib import Path

import pytest

from airq import io as readers
from airq.cli import main
from airq.config import load_plan
from airq.ingestion import FORMATS, PlanMismatchError, ingest_files

ROOT = Path(__file__).resolve().parents[1]
BEIJING = ROOT / "config" / "beijing.toml"
GUIGANG = ROOT / "config" / "guigang_2023.toml"
END_LINE = "hour stamps read as the END of the hour (Chinese convention; --hour-label start if your file stamps the start)"


def daily_file(path: Path, stations) -> Path:
    rows = [f"{s},2023-01-0{d},{30 + d}" for s in stations for d in (1, 2)]
    path.write_text("station,date,pm25\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def hourly_file(path: Path, stations=("2506A",)) -> Path:
    rows = [f"{s},2023-01-01 {h:02d}:00,{20 + h}" for s in stations for h in (1, 2, 3)]
    path.write_text("station,time,pm25\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# item 6: the wrong plan


def test_no_station_in_the_plan_is_an_error_and_nothing_is_written(tmp_path):
    f = daily_file(tmp_path / "guigang.csv", ["2505A", "2506A", "2507A", "2508A", "2509A", "3405A"])
    plan = load_plan(BEIJING).stations
    with pytest.raises(PlanMismatchError) as e:
        ingest_files("tidy_daily", f, tmp_path / "store", known_stations=plan)
    msg = str(e.value)
    assert msg.startswith("no station of guigang.csv is in the plan: found 6 station(s) (2505A, 2506A, 2507A, 2508A and 2 more)")
    assert "the plan expects 12 (1001A 万寿西宫, 1002A 定陵, 1003A 东四, 1004A 天坛 and 8 more)" in msg
    assert "nothing was written to the store" in msg and "\n" not in msg
    assert isinstance(e.value, ValueError)
    assert not (tmp_path / "store").exists()


def test_partial_match_stays_a_flag(tmp_path):
    f = daily_file(tmp_path / "mixed.csv", ["2506A", "9999X"])
    report = ingest_files("tidy_daily", f, tmp_path / "store", known_stations=load_plan(GUIGANG).stations)
    assert report.result.rows_added == 2
    assert report.flags.reason.tolist() == ["unknown_station", "unknown_station"]
    assert set(report.flags.station) == {"9999X"}


def test_one_file_of_several_without_plan_stations(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    daily_file(raw / "a_guigang.csv", ["2506A"])
    daily_file(raw / "b_beijing.csv", ["1001A", "1003A"])
    daily_file(raw / "c_beijing.csv", ["1004A"])
    with pytest.raises(PlanMismatchError, match=r"no station of 2 of the 3 files \(b_beijing.csv, c_beijing.csv\) is in the "
                                                r"plan: found 3 station\(s\) \(1001A, 1003A, 1004A\)"):
        ingest_files("tidy_daily", raw, tmp_path / "store", known_stations=["2506A", "2507A"])
    assert not (tmp_path / "store").exists()


def test_hourly_formats_and_codes_only(tmp_path):
    f = hourly_file(tmp_path / "h.csv", ["1001A"])
    with pytest.raises(PlanMismatchError, match=r"found 1 station\(s\) \(1001A\), the plan expects 2 \(2506A, 2507A\)"):
        ingest_files("tidy", f, tmp_path / "store", known_stations=["2506A", "2507A"])
    assert not (tmp_path / "store").exists()


def test_cli_wrong_plan(tmp_path, capsys):
    f = daily_file(tmp_path / "guigang.csv", ["2506A", "2507A"])
    store = tmp_path / "store"
    argv = ["ingest", "--format", "tidy_daily", str(f), "--store", str(store), "--config", str(BEIJING), "--quiet"]
    assert main([*argv, "--lang", "en"]) == 1
    out = capsys.readouterr()
    assert out.out == ""
    assert out.err.startswith("airq: error: no station of guigang.csv is in the plan: found 2 station(s) (2506A, 2507A), "
                              "the plan expects 12 (1001A 万寿西宫")
    assert out.err.count("\n") == 1 and not store.exists()
    assert main(argv) == 1  # the Beijing plan is Chinese: the sentence in Chinese
    err = capsys.readouterr().err
    assert err.startswith("airq: error: guigang.csv 中没有任何站点属于本方案：发现 2 个站点（2506A、2507A），方案需要 12 个")
    assert err.count("\n") == 1 and not store.exists()


def test_cli_wrong_plan_on_the_real_guigang_file(shared_real, tmp_path, capsys):
    src = shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"
    if not src.is_file():
        pytest.skip(f"real data not available: {src} does not exist")
    store = tmp_path / "x"
    argv = ["ingest", "--format", "guigang_daily", str(src), "--store", str(store)]
    assert main([*argv, "--config", str(BEIJING), "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("airq: error: no station of station_daily.csv is in the plan: found 5 station(s) "
                          "(2505A 德智高中, 2506A 江南子站, 2507A 贵城子站, 2508A 荷城子站 and 1 more), the plan expects 12 (1001A 万寿西宫")
    assert not store.exists()
    assert main([*argv, "--config", str(GUIGANG), "--lang", "en"]) == 0
    assert "450 rows added" in capsys.readouterr().out


# ------------------------------------------------------------------------------------------
# item 14: the hour-label convention is stated


def test_hourly_formats_are_exactly_the_readers_taking_an_hour_label():
    for fmt, (table, _) in FORMATS.items():
        takes = "hour_label" in inspect.signature(readers.FORMATS[fmt]).parameters
        assert takes == (table == "hourly"), fmt


def test_summary_states_the_hour_label(tmp_path):
    f = hourly_file(tmp_path / "h.csv")
    end = ingest_files("tidy", f, tmp_path / "s1")
    assert end.hour_label == "end" and END_LINE in end.summary().splitlines()
    start = ingest_files("tidy", f, tmp_path / "s2", hour_label="start")
    assert "hour stamps read as the START of the hour (--hour-label start; Chinese data stamp the end: --hour-label end)" in start.summary()
    daily = ingest_files("tidy_daily", daily_file(tmp_path / "d.csv", ["2506A"]), tmp_path / "s3")
    assert daily.hour_label is None and "hour stamps" not in daily.summary()


def test_cli_prints_the_hour_label(tmp_path, capsys):
    f = hourly_file(tmp_path / "h.csv")
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    assert END_LINE in capsys.readouterr().out.splitlines()
    d = daily_file(tmp_path / "d.csv", ["2506A"])
    assert main(["ingest", "--format", "tidy_daily", str(d), "--store", str(tmp_path / "s2"), "--hour-label", "start"]) == 0
    out = capsys.readouterr().out
    assert "note: --hour-label does not apply to tidy_daily (daily values, no hour stamps); ignored" in out
    assert "hour stamps read" not in out
