"""`airq aqi` on the command line: figures from standards.md §1.7, JSON shape, one-line errors."""

import json
import subprocess
import sys

import pytest

from airq.cli import main


def run(*argv):
    proc = subprocess.run([sys.executable, "-m", "airq.cli", *argv], capture_output=True, text=True)
    return proc.returncode, proc.stdout, proc.stderr


def test_issue_example_2026_json():
    rc, out, err = run("aqi", "--rules", "HJ633-2026", "--daily", "so2=10", "no2=40", "pm10=120", "pm25=60", "co=1.0", "o3_8h=100", "--json")
    assert rc == 0, err
    obj = json.loads(out)
    assert obj["aqi"] == 100 and obj["level"] == 2 and obj["category"] == "良"
    assert obj["primary"] == ["pm10", "pm25"]  # tie: both listed (standards.md §1.7)
    assert obj["iaqi"] == {"so2": 10, "no2": 50, "pm10": 100, "pm25": 100, "co": 25, "o3_8h": 50}


def test_2012_daily_takes_o3_1h(capsys):
    rc = main(["aqi", "--rules", "HJ633-2012", "--daily", "so2=8", "no2=20", "pm10=40", "pm25=20", "co=0.6", "o3_8h=150", "o3_1h=260", "--json"])
    obj = json.loads(capsys.readouterr().out)
    assert rc == 0
    assert obj["aqi"] == 130 and obj["primary"] == ["o3_1h"] and obj["category"] == "轻度污染"
    assert obj["iaqi"]["o3_8h"] == 92 and obj["over_standard"] == ["o3_1h"]


def test_text_output_names_everything(capsys):
    assert main(["aqi", "--rules", "2012", "so2=10", "no2=40", "pm10=120", "pm25=60", "co=1.0", "o3_8h=100", "o3_1h=180"]) == 0
    out = capsys.readouterr().out
    assert "AQI        85" in out and "良" in out and "pm10" in out and "IAQI 75" in out


def test_date_picks_rules(capsys):
    args = ["aqi", "--daily", "so2=10", "no2=40", "pm10=120", "pm25=60", "co=1.0", "o3_8h=100", "--json"]
    assert main(args[:1] + ["--date", "2026-03-01"] + args[1:]) == 0
    assert json.loads(capsys.readouterr().out)["rules"] == "HJ633-2026"
    assert main(args[:1] + ["--date", "2026-02-28"] + args[1:-1] + ["o3_1h=180", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got["rules"] == "HJ633-2012" and got["aqi"] == 85


def test_realtime(capsys):
    assert main(["aqi", "--rules", "2026", "--realtime", "so2=8", "no2=20", "pm10=40", "pm25=61", "co=0.6", "o3=150", "--json"]) == 0
    obj = json.loads(capsys.readouterr().out)
    # 1-h PM2.5 61 on the daily 2026 table: 100 + 50/55 * 1 = 100.9 -> 101 (the 2012 table would give 83)
    assert obj["aqi"] == 101 and obj["primary"] == ["pm25"]


@pytest.mark.parametrize(
    "words, fragment",
    [
        (["so2=10", "nox=3"], "unknown daily indicator 'nox'"),
        (["so2=-1"], "so2=-1 is negative"),
        (["so2=abc"], "so2='abc' is not a number"),
        (["so2"], "expected KEY=VALUE"),
        (["so2=1", "so2=2"], "so2 given twice"),
        (["so2=1"], "missing: no2, co, pm10, pm25, o3_8h"),
    ],
)
def test_bad_input_is_one_line_and_nonzero(words, fragment):
    rc, out, err = run("aqi", "--rules", "HJ633-2026", *words)
    assert rc != 0
    assert fragment in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unknown_rules_is_a_usage_error():
    rc, out, err = run("aqi", "--rules", "HJ633-2024", "so2=1")
    assert rc == 2 and "invalid choice" in err
