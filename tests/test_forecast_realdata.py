"""Year-end forecasts on real city daily values (aqistudy files; skipped where ../shared is absent)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import airq
from airq.backtest import backtest
from airq.forecast import climatology, forecast_year_end, persistence
from airq.io import read_aqistudy

pytestmark = pytest.mark.realdata
CITIES = ("北京", "南宁", "贵港", "石家庄")


@pytest.fixture(scope="module")
def cities(shared_real):
    folder = shared_real / "aqistudy_city_daily_2013_2017"
    files = [folder / sub / f"{c}.csv" for c in CITIES for sub in ("capitals", "cities") if (folder / sub / f"{c}.csv").exists()]
    raw = read_aqistudy(files)
    raw.attrs.clear()
    out = {}
    for c, d in raw.groupby("station"):
        d = d.drop(columns=[k for k in d.columns if k.startswith("published_")]).rename(columns={"station": "group"})
        out[c] = airq.daily_aqi(d, unmonitored=("o3_1h",))
    return out


def test_baselines_equal_an_independent_computation(cities):
    d = cities["南宁"]
    as_of = pd.Timestamp("2016-06-30")
    p = persistence(d, as_of)
    ytd = d[(d["date"] >= "2016-01-01") & (d["date"] <= as_of)]
    assert p["pm25_mean"][0] == pytest.approx(ytd["pm25"].mean())
    assert p["good_days"][0] == int((ytd["aqi"].astype(float) <= 100).sum())
    c = climatology(d, as_of)
    for i, y in enumerate(c["years"]):
        rest = d[(d["date"] > f"{y}-06-30") & (d["date"] <= f"{y}-12-31")]
        member = pd.concat([ytd, rest])
        assert c["pm25_mean"][i] == pytest.approx(member["pm25"].mean())
        valid = member["aqi"].astype(float).dropna()
        assert c["good_day_ratio"][i] == pytest.approx(100 * (valid <= 100).mean())


def test_forecast_on_a_real_city(cities):
    d = cities["北京"]
    fc = forecast_year_end(d, "2016-03-31", targets={"pm25_mean": 80.6}, n_sims=500, seed=0)
    assert fc.history["years"] == [2014, 2015]
    assert any("1-h O3" in n for n in fc.notes)
    ind = fc.indicators
    assert ind.loc["pm25_mean", "ytd"] == pytest.approx(persistence(d, "2016-03-31")["pm25_mean"][0])
    # the rest of the year is cleaner than winter: the median year end is below the Q1 mean
    assert ind.loc["pm25_mean", "median"] < ind.loc["pm25_mean", "ytd"]
    assert ind.loc["pm25_mean", "q025"] < ind.loc["pm25_mean", "median"] < ind.loc["pm25_mean", "q975"]
    assert 0 <= ind.loc["pm25_mean", "p_meet"] <= 1


def test_small_real_backtest_beats_persistence_early(cities):
    res = backtest(cities, [2016, 2017], months=[3, 9], n_sims=100, seed=0)
    s = res.scores("month").set_index(["month", "method"])
    assert s.loc[(3, "model"), "pm25_mean_mae"] < s.loc[(3, "persistence"), "pm25_mean_mae"]
    assert s.loc[(3, "model"), "good_day_ratio_mae"] < s.loc[(3, "persistence"), "good_day_ratio_mae"]
    assert res.n_forecasts == len({(g, y) for g, y, *_ in res.records[["group", "year"]].itertuples(index=False)}) * 2
    assert np.isfinite(s["brier"]).all()
