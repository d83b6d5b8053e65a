"""End to end on synthetic data (no ../shared needed): ingest -> assess -> whatif, and the demo job."""

import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from airq.demo import write_demo

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config" / "guigang_2023.toml")


def _plan_text() -> str:
    """The plan's TOML for a copy in another folder: its [measures] files named by absolute path."""
    text = Path(CONFIG).read_text(encoding="utf-8")
    return re.sub(r'^(register|status) = "([^"]+)"', lambda m: f'{m.group(1)} = "{(ROOT / "config" / m.group(2)).as_posix()}"',
                  text, flags=re.M)


def run(*argv, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "airq.cli", *argv], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def small_store(tmp_path_factory):
    base = tmp_path_factory.mktemp("e2e")
    write_demo(base / "raw", start="2024-11-01", end="2025-03-31", stations=["2506A", "2507A", "2508A", "3405A", "GP01A"])
    proc = run("ingest", "--format", "tidy", str(base / "raw"), "--store", str(base / "store"), "--config", CONFIG, "--quiet")
    assert proc.returncode == 0, proc.stderr
    return base


def test_reingest_changes_nothing(small_store):
    manifest = (small_store / "store" / "manifest.json").read_bytes()
    proc = run("ingest", "--format", "tidy", str(small_store / "raw"), "--store", str(small_store / "store"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "0 rows added" in proc.stdout and "0 file(s) written" in proc.stdout
    assert (small_store / "store" / "manifest.json").read_bytes() == manifest


def test_assess_json_shape_and_consistency(small_store):
    proc = run("assess", "--config", CONFIG, "--store", str(small_store / "store"), "--period", "2025-01", "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert {"plan", "start", "end", "as_of", "groups", "ranked_among", "notes", "options"} <= set(doc)
    out = doc["groups"]
    assert set(out) == {"港北区", "港南区", "覃塘区", "桂平市", "平南县", "全市"}
    for g, row in out.items():
        for key in ("valid_days", "good_days", "good_day_ratio", "heavy_days", "heavy_day_ratio", "pm25_mean", "composite_index", "rules"):
            assert key in row, (g, key)
    gb = out["港北区"]
    assert 0 < gb["valid_days"] <= 31
    assert gb["good_day_ratio"] == pytest.approx(100 * gb["good_days"] / gb["valid_days"])
    assert out["平南县"]["valid_days"] == 0  # PN01A was not generated for this store
    # a one-station county equals its station: 港南区 = 2506A
    st = run("assess", "--config", CONFIG, "--store", str(small_store / "store"), "--period", "2025-01", "--group", "港南区", "--json")
    alone = json.loads(st.stdout)["groups"]["港南区"]
    assert alone == out["港南区"]  # the rank too: always among all the plan's counties


def test_assess_period_forms_and_errors(small_store):
    store = str(small_store / "store")
    for period in ("2025", "2025-Q1", "2024-12-15/2025-01-15"):
        proc = run("assess", "--config", CONFIG, "--store", store, "--period", period, "--json", "--group", "全市")
        assert proc.returncode == 0, (period, proc.stderr)
    bad = run("assess", "--config", CONFIG, "--store", store, "--period", "2025-13")
    assert bad.returncode == 1 and "airq: error:" in bad.stderr and "Traceback" not in bad.stderr
    bad = run("assess", "--config", CONFIG, "--store", store, "--period", "2025", "--group", "港东区", "--lang", "en")
    assert bad.returncode == 1 and "unknown group '港东区'" in bad.stderr
    bad = run("assess", "--config", CONFIG, "--store", store, "--period", "2025", "--group", "港东区")
    assert bad.returncode == 1 and "未知的区县组 '港东区'" in bad.stderr


def test_whatif_targets_and_assumptions(small_store):
    store = str(small_store / "store")
    base = ["whatif", "--config", CONFIG, "--store", store, "--group", "全市", "--as-of", "2025-03-31", "--json"]
    proc = run(*base, "--target", "pm25=57", "--target", "good_day_ratio=90", "--target", "heavy_day_ratio=1")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    pos = out["position"]
    n = pos["valid_days"] + 275  # 2025: 275 days after 31 March
    # good-day ratio 90 % at one decimal: smallest G with round(G/N*100, 1) >= 90.0
    g_min = next(g for g in range(n + 1) if round(1000 * g / n) >= 900)  # no ties possible at these N
    t = out["targets"]
    assert t["good_day_ratio"]["remaining"] == n - g_min - (pos["valid_days"] - pos["good_days"])
    assert t["heavy_day_ratio"]["remaining"] == (n // 100) - pos["heavy_days"]  # floor(1 % of N)
    # PM2.5 target 57 with one-decimal reporting: T_eff = 57.05
    d = pos["pm25_valid_days"]
    want = (57.05 * (d + 275) - pos["pm25_mean"] * d) / 275
    assert t["pm25_mean"]["ceiling_exact"] == pytest.approx(want, rel=1e-9)
    assert t["pm25_mean"]["remaining"] == t["pm25_mean"]["ceiling_safe"] <= t["pm25_mean"]["ceiling_exact"]
    # assumptions: the rest of the year at 20 µg/m³, 10 more non-good days, 1 of them heavy
    proc = run(*base, "--assume", "pm25=20", "--assume", "nongood=10", "--assume", "heavy=1")
    assert proc.returncode == 0, proc.stderr
    y = json.loads(proc.stdout)["year_end"]
    assert y["valid_days"] == n
    assert y["good_days"] == pos["good_days"] + 275 - 10
    assert y["heavy_days"] == pos["heavy_days"] + 1
    assert y["pm25_mean"] == pytest.approx((pos["pm25_mean"] * d + 20 * 275) / (d + 275), rel=1e-12)


@pytest.mark.parametrize(
    "extra, fragment, chinese",
    [
        (["--assume", "pm25=abc"], "is not a number", "不是数字"),
        (["--assume", "wind=3"], "expected KEY=VALUE", "应为 键=值"),
        (["--assume", "nongood=2.5"], "must be whole", "天数须为整数"),
        (["--target", "pm25=-3"], ">= 0", "不小于 0"),
        (["--assume", "nongood=2", "--assume", "heavy=3"], "--assume heavy (3) must not exceed --assume nongood (2)", None),
        (["--target", "good_day_ratio=0.9"], "looks like a fraction", "像是小数"),
    ],
)
def test_whatif_bad_input_is_one_line(small_store, extra, fragment, chinese):
    base = ["whatif", "--config", CONFIG, "--store", str(small_store / "store"), "--group", "全市", "--as-of", "2025-03-31", *extra]
    proc = run(*base, "--lang", "en")
    assert proc.returncode == 1
    assert fragment in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    if chinese:  # the plan is Chinese: the same sentence in Chinese without --lang
        proc = run(*base)
        assert proc.returncode == 1 and chinese in proc.stderr and len(proc.stderr.strip().splitlines()) == 1


def test_demo_job_runs_and_writes_reports(demo_job):
    out = demo_job["first"]
    assert "SYNTHETIC" in out and "done:" in out
    assert "its 2023 targets stand in as 2026 targets" in out  # the plan's year is said (issue 9 item 14)
    js = sorted(demo_job["reports"].glob("assessment_*.json"))
    assert len(js) == 1
    payload = json.loads(js[0].read_text(encoding="utf-8"))
    assert payload["synthetic"] is True and set(payload["groups"]) == {"港北区", "港南区", "覃塘区", "桂平市", "平南县", "全市"}
    city = payload["groups"]["全市"]
    ch, prev = city["change_vs_previous_year"], city["previous_year"]
    assert ch["pm25_mean_change"] == pytest.approx(city["pm25_mean"] - prev["pm25_mean"])
    assert ch["good_day_ratio_change_pp"] == pytest.approx(city["good_day_ratio"] - prev["good_day_ratio"])
    assert any("synthetic" in n for n in payload["notes"])
    # deterministic: a second run (same folders, --skip-report) gives byte-identical results, and adds nothing
    assert js[0].read_bytes() == demo_job["first_files"][js[0].name]
    second = demo_job["second"]  # Chinese: the plan's language
    assert "以下全部为合成数据" in second and "SYNTHETIC" in second and "完成：" in second
    assert "2023 年目标代作 2026 年目标" in second and "[3/6] 评估 2026-01-01/2026-10-31" in second
    assert "区县" in second and "有效天数" in second and "forecasting" not in second
    assert "新增 0 行" in second  # the second run adds nothing


def test_quality_summary_command(small_store):
    proc = run("quality", "--store", str(small_store / "store"), "--period", "2025-01", "--csv")
    assert proc.returncode == 0, proc.stderr
    import io

    table = pd.read_csv(io.StringIO(proc.stdout), dtype={"station": str})
    assert set(table.station) == {"2506A", "2507A", "2508A", "3405A", "GP01A"}
    assert (table.expected_hours == 31 * 24).all()
    assert (table.present_hours + table.absent_hours == table.expected_hours).all()
    assert ((table.complete_pm25 >= 0) & (table.complete_pm25 <= 100)).all()


def test_rank_in_assess_and_rulechange(small_store):
    store = str(small_store / "store")
    out = json.loads(run("assess", "--config", CONFIG, "--store", store, "--period", "2025-Q1", "--json").stdout)["groups"]
    with_data = {g: r for g, r in out.items() if r["valid_days"] > 0 and g != "全市"}  # counties only
    assert out["全市"]["rank_composite_index"] is None
    order = sorted(with_data, key=lambda g: round(with_data[g]["composite_index"], 2))
    ranks = [with_data[g]["rank_composite_index"] for g in order]
    assert ranks[0] == 1 and ranks == sorted(ranks)
    assert out["平南县"]["rank_composite_index"] is None
    proc = run("rulechange", "--config", CONFIG, "--store", store, "--period", "2025-Q1", "--group", "全市", "--json")
    assert proc.returncode == 0, proc.stderr
    rc = json.loads(proc.stdout)
    g = rc["groups"]["全市"]
    # the 2026 PM breakpoints are lower: never more good days under 2026 than under 2012, except
    # through O3-1h days (the 2012 daily AQI has O3 1-h; none is above 200 in Q1)
    changed = rc["changed_days"]
    assert g["good_days_2012"] - g["good_days_2026"] == sum(
        (d["aqi_2012"] or 999) <= 100 < (d["aqi_2026"] or 999) for d in changed) - sum(
        (d["aqi_2026"] or 999) <= 100 < (d["aqi_2012"] or 999) for d in changed)
    for d in changed:
        assert d["category_2012"] != d["category_2026"]


def test_ingest_flags_or_fails_on_unparseable_values(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("station,time,pm25\nA,2024-01-01 01:00,12\nA,2024-01-01 02:00,abc\n", encoding="utf-8")
    proc = run("ingest", "--format", "tidy", str(bad), "--store", str(tmp_path / "s"), "--quiet")
    assert proc.returncode == 0, proc.stderr
    assert "bad.csv line 3" in proc.stdout and "'abc'" in proc.stdout and "2 rows added" in proc.stdout
    strict = run("ingest", "--format", "tidy", str(bad), "--store", str(tmp_path / "s2"), "--strict")
    assert strict.returncode == 1 and "line 3" in strict.stderr and "abc" in strict.stderr
    assert not (tmp_path / "s2" / "manifest.json").exists()


def test_whatif_refuses_dates_without_data_and_unknown_years(small_store):
    store = str(small_store / "store")
    late = run("whatif", "--config", CONFIG, "--store", store, "--group", "全市", "--as-of", "2025-06-30", "--lang", "en")
    assert late.returncode == 1 and "after the last day with data" in late.stderr and "2025-03-31" in late.stderr
    empty = run("whatif", "--config", CONFIG, "--store", store, "--group", "平南县", "--as-of", "2025-03-31", "--lang", "en")
    assert empty.returncode == 1 and "no data of 平南县" in empty.stderr and "Traceback" not in empty.stderr
    none = run("assess", "--config", CONFIG, "--store", store, "--period", "2019", "--group", "全市", "--lang", "en")
    assert none.returncode == 1 and "no data of 全市" in none.stderr and "Traceback" not in none.stderr
    assert "airq ingest" in none.stderr and "airq quality --store" in none.stderr  # the next step, in the user's terms


def test_assumed_valid_days_set_the_allowance(small_store):
    store = str(small_store / "store")
    base = ["whatif", "--config", CONFIG, "--store", store, "--group", "全市", "--as-of", "2025-03-31", "--json"]
    full = json.loads(run(*base).stdout)
    fewer = json.loads(run(*base, "--assume", "pm25=25", "--assume", "valid_days=200").stdout)
    d = full["position"]["valid_days"]
    e = d - full["position"]["good_days"]
    for n, out in ((d + 275, full), (d + 200, fewer)):
        g_min = next(g for g in range(n + 1) if round(1000 * g / n) >= 938)
        assert out["targets"]["good_day_ratio"]["remaining"] == n - g_min - e


def test_dust_days_follow_the_plan_option(small_store, tmp_path):
    store = str(small_store / "store")
    text = _plan_text().replace('dust_deduction = "none"', 'dust_deduction = "recompute"')
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    # the two worst PM days of 全市 in January 2025 are declared dust days
    days = json.loads(run("assess", "--config", str(plan), "--store", store, "--period", "2025-01", "--group", "全市", "--json").stdout)
    assert any("no dust days were given" in n for n in days["notes"])
    dust = tmp_path / "dust.csv"
    dust.write_text("date\n2025-01-09\n2025-01-10\n", encoding="utf-8")
    with_dust = json.loads(run("assess", "--config", str(plan), "--store", store, "--period", "2025-01", "--group", "全市",
                               "--json", "--dust-days", str(dust)).stdout)
    assert any("applied to 2 group-day(s)" in n for n in with_dust["notes"])
    base, dusty = days["groups"]["全市"], with_dust["groups"]["全市"]
    assert dusty["valid_days"] == base["valid_days"]  # reading (b): the days stay, their AQI is recomputed
    assert dusty["good_days"] >= base["good_days"]
    assert dusty["pm25_mean"] != base["pm25_mean"]  # dust days leave the PM means
    bad = tmp_path / "bad.csv"
    bad.write_text("date\n2025-13-01\n", encoding="utf-8")
    err = run("assess", "--config", str(plan), "--store", store, "--period", "2025-01", "--dust-days", str(bad))
    assert err.returncode == 1 and "第 2 行" in err.stderr and "2025-13-01" in err.stderr  # the plan is Chinese


def test_o3_from_the_group_mean_series_option(small_store, tmp_path):
    store = str(small_store / "store")
    text = _plan_text().replace('o3_8h_aggregation = "mean_of_station_max"',
                                                            'o3_8h_aggregation = "max_of_mean_series"')
    plan = tmp_path / "plan.toml"
    plan.write_text(text, encoding="utf-8")
    a = json.loads(run("assess", "--config", CONFIG, "--store", store, "--period", "2025-01", "--json").stdout)["groups"]
    b = json.loads(run("assess", "--config", str(plan), "--store", store, "--period", "2025-01", "--json").stdout)["groups"]
    # a one-station county is the same either way; a several-station one: the max of the mean
    # series can never exceed the mean of the stations' maxima
    assert b["港南区"]["o3_8h_p90"] == pytest.approx(a["港南区"]["o3_8h_p90"])
    assert b["全市"]["o3_8h_p90"] <= a["全市"]["o3_8h_p90"] + 1e-9


def test_every_view_of_a_max_of_mean_series_plan_reads_the_hours(small_store, tmp_path):
    """``o3_8h_aggregation = "max_of_mean_series"`` needs the hours: the notebooks' month-by-month table, the explore
    frames and ``airq rulechange`` load them (they stopped with 'needs the hourly data' before)."""
    from airq.config import load_plan
    from airq.notebook import explore_frames, monthly_table

    store = str(small_store / "store")
    text = _plan_text().replace('o3_8h_aggregation = "mean_of_station_max"', 'o3_8h_aggregation = "max_of_mean_series"')
    path = tmp_path / "plan.toml"
    path.write_text(text, encoding="utf-8")
    plan = load_plan(path)
    months = monthly_table(plan, store, "全市", "2025-01-31")
    assert len(months) == 1 and months.loc[0, "valid_days"] > 0
    frames = explore_frames(plan, store, "2025-01-01", "2025-01-31")
    assert len(frames["group_daily"]) > 0
    proc = run("rulechange", "--config", str(path), "--store", store, "--period", "2025-01")
    assert proc.returncode == 0, proc.stderr
