"""Issue 9: answers that were wrong or misleading without a word, and the messages around them.

A small daily store written here (tidy_daily, four Guigang stations, March 2024 to December 2025)
whose levels are chosen so that each answer is known in advance: 江南子站 (2506A, the only
station of 港南区) is the most polluted, so 港南区 ranks last of the three counties.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.assessment import assess
from airq.cli import main
from airq.config import load_plan
from airq.stats import previous_period
from airq.textable import display_width
from airq.whatif import ASSUMPTIONS, whatif_for_group

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config" / "guigang_2023.toml")
LEVEL = {"2506A": 60.0, "2507A": 30.0, "2508A": 25.0, "3405A": 28.0}  # PM2.5 base [µg/m³]


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("answers")
    days = pd.date_range("2024-03-01", "2025-12-31", freq="D")
    rows = []
    for st, level in LEVEL.items():
        wave = 1 + 0.6 * np.cos(2 * np.pi * (days.day_of_year.to_numpy() - 15) / 365.25)
        pm25 = np.round(level * wave + 7 * np.sin(np.arange(len(days)) * 1.7), 0)
        for d, p in zip(days, pm25):
            rows.append(f"{st},{d:%Y-%m-%d},8,30,0.8,{p * 1.6:.0f},{p:.0f},90,120")
    raw = base / "daily.csv"
    raw.write_text("station,date,so2,no2,co,pm10,pm25,o3_8h,o3_1h\n" + "\n".join(rows) + "\n", encoding="utf-8")
    code = main(["ingest", "--format", "tidy_daily", str(raw), "--store", str(base / "store"), "--config", CONFIG, "--quiet"])
    assert code == 0
    return base / "store"


# --------------------------------------------------------------------------- 1. rank


def test_rank_is_among_all_counties_whichever_are_printed(store, capsys):
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-02", "--json")
    full = json.loads(out)
    assert full["ranked_among"] == ["港北区", "港南区", "覃塘区"]  # the counties with data
    assert full["groups"]["港南区"]["rank_composite_index"] == 3
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-02", "--group", "港南区", "--json")
    assert json.loads(out)["groups"]["港南区"]["rank_composite_index"] == 3  # was 1 when ranked alone
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-02", "--group", "港南区",
                       "--lang", "en")
    header, row = out.splitlines()[1:3]
    cells = dict(zip(header.split(), row.split()))
    assert cells["rank"] == "3"
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-02", "--group", "港南区")
    header, row = out.splitlines()[1:3]
    assert dict(zip(header.split(), row.split()))["排名"] == "3"  # the plan is Chinese: Chinese headers by default
    res = assess(load_plan(CONFIG), store, "2025-02", groups=["港南区"])
    assert res.ranks["港南区"] == 3 and list(res.stats["group"]) == ["港南区"]


# --------------------------------------------------------------------------- 2. previous period


def test_insufficient_previous_year_is_marked_and_its_changes_withheld(store, capsys):
    # 2024 holds March..December only (306 days < 324): not sufficient
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025", "--group", "全市", "--json")
    city = json.loads(out)
    g = city["groups"]["全市"]
    assert g["previous_year"]["valid_days"] == 306 and g["previous_year"]["sufficient"] is False
    assert g["change_vs_previous_year"] == {}
    assert any("not sufficient" in n and "2024-01-01 .. 2024-12-31" in n for n in city["notes"])
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025", "--group", "全市",
                       "--lang", "en")
    row = out.splitlines()[2]
    assert "*" in row and "* = not sufficient" in out
    # a month that is complete in both years compares normally
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-05", "--group", "全市", "--json")
    g = json.loads(out)["groups"]["全市"]
    assert g["previous_year"]["sufficient"] is True and "pm25_mean_change" in g["change_vs_previous_year"]


def test_previous_period_of_a_multi_year_period_does_not_overlap():
    assert previous_period("2014-01-01", "2015-12-31") == (pd.Timestamp("2012-01-01"), pd.Timestamp("2013-12-31"))
    assert previous_period("2024-07-01", "2025-06-30") == (pd.Timestamp("2023-07-01"), pd.Timestamp("2024-06-30"))
    assert previous_period("2024-03-01", "2025-03-31") == (pd.Timestamp("2022-03-01"), pd.Timestamp("2023-03-31"))
    a, b = previous_period("2025-02-01", "2025-02-28")
    assert (a, b) == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))  # whole months stay whole


# --------------------------------------------------------------------------- 3. --as-of


@pytest.mark.parametrize("command", ["assess", "whatif", "forecast"])
def test_as_of_must_be_a_full_date(store, capsys, command):
    args = {"assess": ["--period", "2025-Q1"], "whatif": ["--group", "全市"], "forecast": ["--n-sims", "20"]}[command]
    code, out, err = run(capsys, command, "--config", CONFIG, "--store", store, "--as-of", "2025-03", *args, "--lang", "en")
    assert code == 1 and out == ""
    assert "--as-of '2025-03' is not a full date" in err and "2025-03-31" in err
    code, out, err = run(capsys, command, "--config", CONFIG, "--store", store, "--as-of", "2025-03", *args)  # a Chinese plan
    assert code == 1 and out == "" and "--as-of '2025-03' 不是完整日期" in err and "请写 2025-03-31" in err
    with pytest.raises(ValueError, match="not a full date"):
        assess(load_plan(CONFIG), store, "2025-Q1", as_of="2025-03")


def test_as_of_outside_the_period_or_after_the_data_is_refused(store, capsys):
    base = ["assess", "--config", CONFIG, "--store", store, "--period", "2025-Q1"]
    code, _, err = run(capsys, *base, "--as-of", "2025-12-31", "--lang", "en")
    assert code == 1 and "outside the period 2025-01-01 .. 2025-03-31" in err and "[" not in err
    code, _, err = run(capsys, *base, "--as-of", "2024-12-31", "--lang", "en")
    assert code == 1 and "outside the period" in err
    code, _, err = run(capsys, *base, "--as-of", "2024-12-31")
    assert code == 1 and "不在统计期 2025-01-01 至 2025-03-31 内" in err


# --------------------------------------------------------------------------- 4. dust days


def test_dust_days_with_no_deduction_mode_are_refused_or_applied_with_a_stated_mode(store, capsys, tmp_path):
    dust = tmp_path / "dust.csv"
    dust.write_text("date\n2025-01-09\n2025-01-10\n", encoding="utf-8")
    base = ["assess", "--config", CONFIG, "--store", store, "--period", "2025-01", "--group", "全市"]
    code, out, err = run(capsys, *base, "--dust-days", dust, "--lang", "en")
    assert code == 1 and out == "" and "dust deduction in force is 'none'" in err and "--dust-mode" in err
    code, out, err = run(capsys, *base, "--dust-days", dust)
    assert code == 1 and out == "" and "现行沙尘扣除方式为“none”" in err and "--dust-mode" in err
    code, out, _ = run(capsys, *base, "--json")
    plain = json.loads(out)
    code, out, _ = run(capsys, *base, "--dust-days", dust, "--dust-mode", "exclude_days", "--json")
    dusty = json.loads(out)
    assert any("'exclude_days' applied to 2 group-day(s)" in n for n in dusty["notes"])
    assert dusty["options"]["dust_deduction"] == "exclude_days"
    assert dusty["groups"]["全市"]["pm25_mean"] != plain["groups"]["全市"]["pm25_mean"]


# --------------------------------------------------------------------------- 5. one vocabulary


def test_text_and_json_say_the_same_status_and_the_ceiling_is_never_rounded_up(store, capsys):
    base = ["assess", "--config", CONFIG, "--store", store, "--period", "2025-Q1", "--group", "全市"]
    code, out, _ = run(capsys, *base, "--json")
    t = json.loads(out)["groups"]["全市"]["targets"]
    code, text, _ = run(capsys, *base, "--lang", "en")
    for key, item in t.items():
        line = next(line for line in text.split("— targets")[1].splitlines() if line.startswith(key + "  "))
        assert line.split()[-1] == item["status"]
        assert item["status"] in ("safe", "at_risk", "lost")
    pm = t["pm25_mean"]
    assert pm["remaining"] == pm["ceiling_safe"] <= pm["ceiling_exact"]
    assert pm["remaining"] == np.floor(pm["ceiling_exact"] * 10) / 10 or pm["ceiling_exact"] * 10 % 1 == 0
    assert f"≤ {pm['ceiling_safe']:.1f}" in text and "status: safe = " in text


def test_notes_are_in_the_json_without_meta(store, capsys):
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-01", "--json")
    doc = json.loads(out)
    assert any("placeholders marked synthetic" in n for n in doc["notes"])
    assert doc["options"]["dust_deduction"] == "none"


# --------------------------------------------------------------------------- 11, 12. Python API and whatif


def test_python_api_speaks_the_cli_names_and_returns_plain_numbers(store, capsys):
    plan = load_plan(CONFIG)
    res = whatif_for_group(plan, store, "全市", "2025-03-31", assume={"pm25": 25, "nongood": 10, "heavy": 0})
    assert set(res.assumptions) <= set(ASSUMPTIONS)
    assert isinstance(res.allowances.loc["pm25_mean", "ceiling_exact"], float)
    assert isinstance(res.year_end["good_day_ratio"], float) and isinstance(res.position["pm25_mean"], float)
    code, out, _ = run(capsys, "whatif", "--config", CONFIG, "--store", store, "--group", "全市", "--as-of", "2025-03-31",
                       "--assume", "pm25=25", "--assume", "nongood=10", "--assume", "heavy=0", "--json")
    assert json.loads(out) == json.loads(json.dumps(res.to_dict()))  # the CLI JSON is the Python result
    with pytest.raises(ValueError, match="unknown assumption 'remaining_pm25_mean'.*pm25, nongood"):
        whatif_for_group(plan, store, "全市", "2025-03-31", assume={"remaining_pm25_mean": 25})
    a = assess(plan, store, "2025-Q1")
    table = a.table()
    assert table.loc["港南区", "rank"] == 3 and isinstance(table.loc["全市", "pm25_mean"], float)
    tt = a.targets_table()
    assert tt.loc[("全市", "pm25_mean"), "status"] in ("safe", "at_risk", "lost")
    assert isinstance(tt.loc[("全市", "good_day_ratio"), "target"], float)


def test_whatif_answers_what_the_assumptions_allow_and_says_what_is_missing(store, capsys):
    base = ["whatif", "--config", CONFIG, "--store", store, "--group", "全市", "--as-of", "2025-03-31"]
    code, out, err = run(capsys, *base, "--assume", "nongood=10", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["year_end"]["good_day_ratio"] is not None and doc["year_end"]["pm25_mean"] is None
    assert doc["unanswered"] == {"heavy_day_ratio": "heavy", "pm25_mean": "pm25"}
    assert set(doc["year_end"]["met"]) == {"good_day_ratio"}
    code, text, _ = run(capsys, *base, "--assume", "nongood=10", "--lang", "en")
    assert "year end assuming nongood=10: good-day ratio" in text
    assert "needs --assume heavy=N" in text and "needs --assume pm25=N" in text
    assert "{" not in text  # no Python dict printed
    code, text, _ = run(capsys, *base, "--assume", "nongood=10")  # the plan is Chinese
    assert "假设 nongood=10，年底：优良天数比率" in text
    assert "需要 --assume heavy=N" in text and "需要 --assume pm25=N" in text and "{" not in text


# --------------------------------------------------------------------------- 13. next steps


def test_messages_name_the_next_step(store, capsys, tmp_path):
    code, out, err = run(capsys, "rulechange", "--config", CONFIG, "--store", store, "--period", "2019", "--lang", "en")
    assert code == 1 and out == "" and "no data" in err and "airq ingest" in err and "Empty DataFrame" not in err
    code, _, err = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2019", "--lang", "en")
    assert code == 1 and "airq ingest" in err and "airq quality --store" in err
    code, _, err = run(capsys, "assess", "--config", CONFIG, "--store", tmp_path / "nowhere", "--period", "2025", "--lang", "en")
    assert code == 1 and "does not exist: create it with airq ingest" in err and "airq.store" not in err
    code, _, err = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2019")  # the plan is Chinese
    assert code == 1 and "的数据；请用 airq ingest 导入" in err and "airq quality --store" in err
    code, _, err = run(capsys, "assess", "--config", CONFIG, "--store", tmp_path / "nowhere", "--period", "2025")
    assert code == 1 and "不存在：请用 airq ingest" in err


# --------------------------------------------------------------------------- 14. small things


def test_console_tables_align_chinese_names(store, capsys):
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-02", "--lang", "en")
    lines = out.splitlines()
    header = lines[1]
    end = display_width(header[: header.index("valid_days") + len("valid_days")])
    rows = [line for line in lines[2:8]]
    assert len(rows) == 6
    for row in rows:
        group, value = row.split()[:2]
        stop = row.index(value, len(group)) + len(value)
        assert display_width(row[:stop]) == end, row
    assert "pm25_mean_prev" in header and "last year" not in header


def test_proxy_note_counts_the_plans_stations_in_the_period_only(shared_real, capsys, tmp_path):
    src = shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"
    assert main(["ingest", "--format", "guigang_daily", str(src), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    capsys.readouterr()
    raw = pd.read_csv(src, dtype=str)
    feb = raw[raw["date"].str.startswith("2023-02") & (raw["window_flag"] != "T00")]
    plan = load_plan(CONFIG)
    in_plan = feb[feb["station_code"].isin([s for g in plan.groups for s in plan.group_stations(g)])]
    assert len(feb) == 10 and len(in_plan) == 8  # the contrast site 德智高中 is not in any group
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", tmp_path / "s", "--period", "2023-02", "--lang", "en")
    assert f"{len(in_plan)} station-day(s) of the plan's stations" in out and "contrast sites" in out
    code, out, _ = run(capsys, "assess", "--config", CONFIG, "--store", tmp_path / "s", "--period", "2023-02")  # the plan is Chinese
    assert f"已剔除本方案站点 {len(in_plan)} 个" in out and "对照点等方案外站点不计" in out


def test_month_last_finds_the_newest_month_however_old(store):
    """`airq report --month last` on a store whose data end long before today (README.zh-CN's cron example)."""
    from airq.monthly import last_full_month

    assert str(last_full_month(load_plan(CONFIG), store)) == "2025-12"
