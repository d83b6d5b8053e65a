"""`airq forecast`, `airq backtest` and `--by station`, end to end through a store."""

from __future__ import annotations

import json
import re

import numpy as np
import pandas as pd
import pytest

from airq.backtest import CALIBRATION_LEVEL_SD, backtest, last_year_targets
from airq.cli import main
from airq.forecast import persistence

from test_forecast import synthetic_days, with_aqi

PLAN = """
[plan]
name = "test plan"
city = "测试市"
years = [2017]

[stations.A1]
name = "甲站"
lat = 23.1
lon = 109.6
contrast = false

[stations.B1]
name = "乙站"
lat = 23.2
lon = 109.7
contrast = false

[groups."甲区"]
kind = "county"
stations = ["A1"]

[groups."全市"]
kind = "city"
stations = ["A1", "B1"]

[targets.2017."甲区"]
good_day_ratio = 80.0
pm25_mean = 45.0
heavy_day_ratio = 1.0

[targets.2017."全市"]
good_day_ratio = 80.0
pm25_mean = 45.0
heavy_day_ratio = 1.0
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("fc")
    frames = []
    for code, seed in (("A1", 1), ("B1", 2)):
        f = synthetic_days([2015, 2016, 2017], seed=seed, o3_1h=True).drop(columns="group")
        f.insert(0, "station", code)
        frames.append(f)
    data = pd.concat(frames)
    data = data[data["date"] <= "2017-09-30"]  # the store ends on 30 September 2017
    data["date"] = data["date"].dt.strftime("%Y-%m-%d")
    raw = root / "daily.csv"
    data.to_csv(raw, index=False)
    (root / "plan.toml").write_text(PLAN, encoding="utf-8")
    assert main(["ingest", "--format", "tidy_daily", str(raw), "--store", str(root / "store"), "--quiet"]) == 0
    return root


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_forecast_json_shape_and_determinism(store, capsys):
    args = ["forecast", "--config", store / "plan.toml", "--store", store / "store", "--as-of", "2017-06-30",
            "--n-sims", "200", "--seed", "7", "--json"]
    code, out, _ = run(capsys, *args)
    assert code == 0
    obj = json.loads(out)
    assert set(obj) == {"甲区", "全市"}
    g = obj["全市"]
    assert {"indicators", "model", "history", "seed", "n_sims", "notes", "expected", "allowances"} <= set(g)
    assert g["seed"] == 7 and g["n_sims"] == 200 and g["history"]["years"] == [2015, 2016]
    for key in ("good_day_ratio", "pm25_mean", "heavy_days", "heavy_day_ratio", "pm10_mean", "o3_8h_p90",
                "composite_index"):
        ind = g["indicators"][key]
        assert set(ind) == {"ytd", "median", "q025", "q10", "q90", "q975", "target", "p_meet"}
        assert ind["q025"] <= ind["q10"] <= ind["median"] <= ind["q90"] <= ind["q975"]
    assert g["indicators"]["pm25_mean"]["target"] == 45.0
    assert 0 <= g["indicators"]["pm25_mean"]["p_meet"] <= 1
    assert g["indicators"]["pm10_mean"]["p_meet"] is None
    assert "nongood_days" in g["allowances"]
    code2, out2, _ = run(capsys, *args)
    assert out2 == out  # same seed, same bytes


def test_forecast_text_and_target_override(store, capsys):
    code, out, _ = run(capsys, "forecast", "--config", store / "plan.toml", "--store", store / "store", "--as-of",
                       "2017-06-30", "--group", "甲区", "--n-sims", "100", "--target", "pm25=30", "--lang", "en")
    assert code == 0
    assert "甲区 — year-end forecast as of 2017-06-30" in out
    assert "≤ 30" in out and "still affordable" in out
    code, zh, _ = run(capsys, "forecast", "--config", store / "plan.toml", "--store", store / "store", "--as-of",
                      "2017-06-30", "--group", "甲区", "--n-sims", "100", "--target", "pm25=30")  # a Chinese plan
    assert code == 0
    assert "甲区 — 截至 2017-06-30 的年底预测（100 次模拟" in zh and "≤ 30" in zh and "还可承受" in zh
    numbers = (lambda text: re.findall(r"\d+\.\d+", text.split("\n", 1)[1]))  # noqa: E731
    assert numbers(zh) == numbers(out)  # the same figures in both languages


def test_forecast_refuses_a_day_past_the_data(store, capsys):
    code, _, err = run(capsys, "forecast", "--config", store / "plan.toml", "--store", store / "store", "--as-of",
                       "2017-10-31", "--group", "全市", "--n-sims", "10")
    assert code == 1
    assert "晚于全市的数据" in err and "2017-09-30" in err  # the plan is Chinese


def test_forecast_bad_arguments(store, capsys):
    base = ["forecast", "--config", store / "plan.toml", "--store", store / "store", "--n-sims", "10"]
    assert run(capsys, *base, "--as-of", "2017-06")[0] == 1
    assert run(capsys, *base, "--as-of", "2017-06-30", "--group", "乙区")[0] == 1
    code, _, err = run(capsys, *base, "--as-of", "2017-06-30", "--target", "pm25=abc", "--lang", "en")
    assert code == 1 and "not a number" in err
    code, _, err = run(capsys, *base, "--as-of", "2017-06-30", "--target", "pm25=abc")  # a Chinese plan
    assert code == 1 and "'abc' 不是数字" in err


def test_by_station_forecast_and_assess(store, capsys):
    code, out, _ = run(capsys, "forecast", "--by", "station", "--store", store / "store", "--as-of", "2017-03-31",
                       "--n-sims", "50", "--json")
    assert code == 0 and set(json.loads(out)) == {"A1", "B1"}
    code, out, _ = run(capsys, "assess", "--by", "station", "--store", store / "store", "--period", "2016", "--json")
    assert code == 0 and {"A1", "B1"} <= set(json.loads(out)["groups"])


def test_backtest_json(store, capsys):
    code, out, _ = run(capsys, "backtest", "--by", "station", "--store", store / "store", "--years", "2016",
                       "--n-sims", "50", "--json", "--quiet")
    assert code == 0
    obj = json.loads(out)
    assert obj["n_forecasts"] == 2 * 11  # two stations, January..November
    assert set(obj["overall"]) == {"model", "persistence", "climatology"}
    assert sorted(obj["by_horizon"]) == [f"{m:02d}" for m in range(1, 12)]
    for method, scores in obj["overall"].items():
        for key in ("pm25_mean_mae", "good_day_ratio_mae", "heavy_days_mae", "pm25_mean_cover80",
                    "good_day_ratio_cover80", "pm25_mean_cover95", "good_day_ratio_cover95", "brier"):
            assert key in scores
    assert obj["overall"]["persistence"]["pm25_mean_cover80"] is None
    assert obj["overall"]["model"]["pm25_mean_cover80"] is not None


def test_backtest_skips_a_year_without_data(store, capsys):
    code, _, err = run(capsys, "backtest", "--by", "station", "--store", store / "store", "--years", "2017",
                       "--n-sims", "10", "--quiet")
    assert code == 1 and "no forecast could be scored" in err


# --------------------------------------------------------------------------- the scoring, by hand


@pytest.fixture(scope="module")
def two_groups():
    return {g: with_aqi(synthetic_days([2014, 2015, 2016], seed=s)) for g, s in (("X", 1), ("Y", 2))}


def test_backtest_scores_by_hand(two_groups):
    res = backtest(two_groups, [2016], months=[3, 9], n_sims=60, seed=1)
    r = res.records
    assert len(r) == 2 * 2 * 3 and res.n_forecasts == 4
    for g, d in two_groups.items():
        truth = persistence(d, "2016-12-31")
        rows = r[r["group"] == g]
        assert np.allclose(rows["pm25_mean_truth"], truth["pm25_mean"][0])
        per = rows[(rows["method"] == "persistence") & (rows["month"] == 3)].iloc[0]
        assert per["pm25_mean_point"] == pytest.approx(persistence(d, "2016-03-31")["pm25_mean"][0])
        # "as good as last year": last year's published values
        t = last_year_targets(d, 2016)
        assert per["met_pm25_mean"] == float(round(truth["pm25_mean"][0], 1) <= t["pm25_mean"])
    s = res.scores().set_index("method")
    m = r[r["method"] == "climatology"]
    assert s.loc["climatology", "pm25_mean_mae"] == pytest.approx((m["pm25_mean_point"] - m["pm25_mean_truth"]).abs().mean())
    briers = []
    for key in ("good_day_ratio", "pm25_mean"):
        briers.append((m[f"p_{key}"] - m[f"met_{key}"]) ** 2)
    assert s.loc["climatology", "brier"] == pytest.approx(pd.concat(briers).mean())
    mm = r[r["method"] == "model"]
    inside = ((mm["pm25_mean_q10"] <= mm["pm25_mean_truth"]) & (mm["pm25_mean_truth"] <= mm["pm25_mean_q90"])).mean()
    assert s.loc["model", "pm25_mean_cover80"] == pytest.approx(inside)


def test_calibrated_backtest_leaves_the_test_year_out():
    full = {g: with_aqi(synthetic_days([2013, 2014, 2015, 2016], seed=s)) for g, s in (("X", 1), ("Y", 2))}
    res = backtest(full, [2016], months=[6], n_sims=40, calibrate=True, calibration_years=[2015])
    chosen = res.spreads[2016]
    assert set(chosen) == {"level_sd", "spread"} and chosen["level_sd"] in CALIBRATION_LEVEL_SD
    assert set(res.records["year"]) == {2016} and set(res.records["month"]) == {6}
    # the test year's own values do not move what was fitted for it
    changed = {}
    for g, d in full.items():
        d = d.copy()
        later = d["date"].dt.year == 2016
        d.loc[later, "pm25"] *= 2
        d.loc[later, "aqi"] = 300
        changed[g] = d
    res2 = backtest(changed, [2016], months=[6], n_sims=40, calibrate=True, calibration_years=[2015])
    assert res2.spreads == res.spreads
    with pytest.raises(ValueError, match="two years"):
        backtest(full, [2016], months=[6], n_sims=10, calibrate=True)


def test_demo_job_forecasts_every_group(demo_job):
    out = demo_job["first"]
    assert "[4/6] forecasting the year end" in out
    index = demo_job["base"] / "guigang_2023" / "2026-10" / "index.html"
    assert f"open {index}" in out and index.exists()
    assert "SYNTHETIC" in index.read_text(encoding="utf-8")
    path = demo_job["reports"] / "forecast_20261031.json"
    obj = json.loads(path.read_text(encoding="utf-8"))
    assert obj["synthetic"] is True
    assert set(obj["groups"]) == {"港北区", "港南区", "覃塘区", "桂平市", "平南县", "全市"}
    g = obj["groups"]["全市"]
    assert g["history"]["years"] == [2021, 2022, 2023, 2024, 2025]
    assert g["indicators"]["pm25_mean"]["target"] == 30.9 and g["indicators"]["pm25_mean"]["p_meet"] is not None
    assert path.read_bytes() == demo_job["first_files"][path.name]  # the second run: same data, same seed, the same bytes
