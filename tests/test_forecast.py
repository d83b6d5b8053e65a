"""airq.forecast: the year-end model, its baselines and the statistics of many simulated years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import airq
from airq.aqi import daily_aqi_values
from airq.forecast import (
    INDICATORS,
    ForecastParams,
    YearEndModel,
    climatology,
    forecast_year_end,
    persistence,
    year_end_stats,
)
from airq.stats import period_stats
from airq.targets import meets_target

POLS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h")


def synthetic_days(years, *, seed=0, trend=0.0, noise=0.35, periodic=False, o3_1h=False, start_month=1):
    """A group's daily frame with seasonal PM, summer O3, AR(1) weather and the exact AQI."""
    rng = np.random.default_rng(seed)
    dates = pd.date_range(f"{years[0]}-{start_month:02d}-01", f"{years[-1]}-12-31", freq="D")
    doy = dates.day_of_year.to_numpy()
    season = np.cos(2 * np.pi * (doy - 15) / 365.25)  # +1 in mid-January
    if periodic:
        rng = np.random.default_rng(seed)
        one = rng.standard_normal(366)
        weather = one[doy - 1] * noise
    else:
        e = rng.standard_normal(len(dates))
        weather = np.empty(len(dates))
        weather[0] = e[0]
        for i in range(1, len(dates)):
            weather[i] = 0.6 * weather[i - 1] + 0.8 * e[i]
        weather *= noise
    year_idx = (dates.year - years[0]).to_numpy()
    level = trend * year_idx
    pm25 = np.exp(np.log(40) + 0.45 * season + level + weather)
    frame = pd.DataFrame({
        "group": "G",
        "date": dates,
        "pm25": np.round(pm25, 1),
        "pm10": np.round(pm25 * 1.6, 1),
        "so2": np.round(np.exp(np.log(12) + 0.3 * season + 0.5 * weather), 1),
        "no2": np.round(np.exp(np.log(30) + 0.2 * season + 0.5 * weather), 1),
        "co": np.round(np.exp(np.log(0.8) + 0.2 * season + 0.3 * weather), 2),
        "o3_8h": np.round(np.exp(np.log(90) - 0.4 * season - 0.3 * weather), 1),
    })
    if o3_1h:
        frame["o3_1h"] = np.round(frame["o3_8h"] * 1.25, 1)
    return frame


def with_aqi(frame, **kw):
    unmon = () if "o3_1h" in frame.columns else ("o3_1h",)
    return airq.daily_aqi(frame, unmonitored=unmon, **kw)


@pytest.fixture(scope="module")
def history():
    return with_aqi(synthetic_days([2014, 2015, 2016, 2017], seed=3, trend=-0.05))


# --------------------------------------------------------------------------- the exact AQI of simulated days


@pytest.mark.parametrize("rules", ["HJ633-2012", "HJ633-2026"])
def test_daily_aqi_values_equals_daily_aqi(rules):
    rng = np.random.default_rng(1)
    n = 5000
    v = {"so2": rng.gamma(2, 20, n), "no2": rng.gamma(3, 15, n), "pm10": rng.gamma(3, 40, n),
         "pm25": rng.gamma(3, 30, n), "co": rng.gamma(3, 0.6, n), "o3_8h": rng.gamma(3, 80, n),
         "o3_1h": rng.gamma(3, 100, n)}
    for k in v:  # missing values and the > 800 O3 rule
        v[k][rng.integers(0, n, 200)] = np.nan
    v["o3_8h"][:20] = 850.0
    v["pm25"][20:30] = 75.0
    v["co"][30:40] = 4.05
    if rules == "HJ633-2026":
        v.pop("o3_1h")
    frame = pd.DataFrame(v)
    ref = airq.daily_aqi(frame, rules=rules)["aqi"].astype(float).to_numpy()
    got = daily_aqi_values(v, rules=rules)
    np.testing.assert_array_equal(np.nan_to_num(got, nan=-1), np.nan_to_num(ref, nan=-1))
    got2d = daily_aqi_values({k: a.reshape(50, 100) for k, a in v.items()}, rules=rules)
    np.testing.assert_array_equal(np.nan_to_num(got2d.ravel(), nan=-1), np.nan_to_num(ref, nan=-1))


# --------------------------------------------------------------------------- statistics of many years


def test_year_end_stats_equals_period_stats(history):
    year = history[history["date"].dt.year == 2016].reset_index(drop=True)
    dates = pd.date_range("2016-01-01", "2016-12-31")
    drop = np.random.default_rng(0).choice(len(year), 30, replace=False)
    year = year.drop(index=drop)  # absent days count as no-AQI days in both
    pos = dates.get_indexer(year["date"])
    aqi = np.full((1, len(dates)), np.nan)
    aqi[0, pos] = year["aqi"].astype(float)
    conc = {}
    for p in POLS:
        a = np.full((1, len(dates)), np.nan)
        a[0, pos] = year[p]
        conc[p] = a
    mine = {k: v[0] for k, v in year_end_stats(aqi, conc).items()}
    ref = period_stats(year, period="2016").iloc[0]
    for k in ("valid_days", "good_days", "heavy_days"):
        assert mine[k] == ref[k], k
    for k in ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95",
              "o3_8h_p90", "composite_index"):
        assert mine[k] == pytest.approx(ref[k], rel=1e-12, abs=1e-12), k


# --------------------------------------------------------------------------- baselines by hand


def tiny(days):
    """Hand-made daily frame: dict date -> (pm25, aqi); other pollutants constant."""
    rows = []
    for d, (pm, aqi) in days.items():
        rows.append({"date": pd.Timestamp(d), "pm25": pm, "pm10": 50.0, "so2": 10.0, "no2": 20.0, "co": 0.5,
                     "o3_8h": 100.0, "aqi": aqi, "rules": "HJ633-2012"})
    return pd.DataFrame(rows)


def test_persistence_by_hand():
    d = tiny({"2020-01-01": (10, 50), "2020-01-02": (30, 150), "2020-01-03": (np.nan, np.nan), "2020-01-04": (20, 250)})
    p = persistence(d, "2020-01-03")
    assert p["valid_days"][0] == 2 and p["good_days"][0] == 1
    assert p["good_day_ratio"][0] == 50.0
    assert p["pm25_mean"][0] == 20.0  # (10 + 30) / 2: day 3 missing, day 4 after as_of
    assert p["heavy_days"][0] == 0


def test_climatology_by_hand():
    d = tiny({
        "2018-01-01": (10, 40), "2018-01-02": (20, 120), "2018-01-03": (30, 210),
        "2019-01-01": (50, 60), "2019-01-02": (60, 90), "2019-01-03": (70, 90),
        "2020-01-01": (40, 80),
    })
    # only 3 days of each year exist: accept any prior year with >= 1 valid day
    c = climatology(d, "2020-01-01", min_year_days=1)
    assert list(c["years"]) == [2018, 2019]
    # member 2018: 40 | 20, 30 -> mean 30; good 2 of 3 (80, 120x, 210x) -> 1 good... by hand:
    # days: 2020-01-01 aqi 80 (good), 2018-01-02 aqi 120, 2018-01-03 aqi 210 (heavy)
    assert c["pm25_mean"][0] == pytest.approx(30.0)
    assert c["good_days"][0] == 1 and c["heavy_days"][0] == 1 and c["valid_days"][0] == 3
    # member 2019: 40 | 60, 70 -> mean 56.667; all good
    assert c["pm25_mean"][1] == pytest.approx(170 / 3)
    assert c["good_days"][1] == 3 and c["heavy_days"][1] == 0


# --------------------------------------------------------------------------- the model


def test_quantiles_and_probabilities_are_consistent(history):
    targets = {"pm25_mean": 30.9, "good_day_ratio": 80, "heavy_day_ratio": 0.5}
    fc = forecast_year_end(history, "2017-04-30", targets=targets, n_sims=800, seed=5)
    ind = fc.indicators
    for key in ind.index:
        row = ind.loc[key]
        assert row["q025"] <= row["q10"] <= row["median"] <= row["q90"] <= row["q975"], key
        sims = np.asarray(fc.sims[key], dtype=float)
        assert row["median"] == pytest.approx(np.percentile(sims, 50, method="inverted_cdf" if key == "heavy_days" else "linear"))
    pm = fc.sims["pm25_mean"]
    assert ind.loc["pm25_mean", "p_meet"] == pytest.approx(np.mean(meets_target("pm25_mean", 30.9, value=pm)))
    # the precision semantics: 30.9 passes up to 30.95 (exclusive here: 30.95 rounds to 31.0)
    assert ind.loc["pm25_mean", "p_meet"] == pytest.approx(np.mean(pm < 30.95))
    good = fc.sims["good_days"], fc.sims["valid_days"]
    by_hand = np.mean([round(100 * g / n + 1e-12, 1) >= 80 for g, n in zip(*good)])
    assert ind.loc["good_day_ratio", "p_meet"] == pytest.approx(by_hand)
    heavy = np.mean(100 * fc.sims["heavy_days"] / fc.sims["valid_days"] <= 0.5)
    assert ind.loc["heavy_day_ratio", "p_meet"] == pytest.approx(heavy)
    assert fc.p_meet("pm25_mean", 30.9) == ind.loc["pm25_mean", "p_meet"]
    assert set(ind.index) == set(INDICATORS)


def test_fixed_seed_same_output_other_seed_different(history):
    a = forecast_year_end(history, "2017-06-30", n_sims=300, seed=11)
    b = forecast_year_end(history, "2017-06-30", n_sims=300, seed=11)
    c = forecast_year_end(history, "2017-06-30", n_sims=300, seed=12)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    np.testing.assert_array_equal(a.aqi, b.aqi)
    assert a.to_dict() == b.to_dict()
    assert not np.array_equal(a.aqi, c.aqi)


def test_periodic_history_is_recovered():
    frame = with_aqi(synthetic_days([2015, 2016, 2017, 2018], periodic=True, seed=9))
    truth = persistence(frame, "2018-12-31")
    for as_of in ("2018-03-31", "2018-08-31"):
        fc = forecast_year_end(frame, as_of, n_sims=400, seed=1)
        ind = fc.indicators
        assert ind.loc["pm25_mean", "median"] == pytest.approx(truth["pm25_mean"][0], rel=0.02)
        assert abs(ind.loc["good_day_ratio", "median"] - truth["good_day_ratio"][0]) < 1.5
        assert ind.loc["pm25_mean", "q10"] <= truth["pm25_mean"][0] <= ind.loc["pm25_mean", "q90"]


def test_no_future_data_reach_a_forecast(history):
    as_of = pd.Timestamp("2017-05-31")
    poisoned = history.copy()
    after = poisoned["date"] > as_of
    for p in POLS:
        poisoned.loc[after, p] = 999.0
    poisoned.loc[after, "aqi"] = 500
    a = forecast_year_end(history, as_of, n_sims=200, seed=3)
    b = forecast_year_end(poisoned, as_of, n_sims=200, seed=3)
    pd.testing.assert_frame_equal(a.indicators, b.indicators)
    # dropping the future altogether changes nothing either
    c = forecast_year_end(history[~after], as_of, n_sims=200, seed=3)
    pd.testing.assert_frame_equal(a.indicators, c.indicators)


def test_model_fit_uses_prior_years_only(history):
    fit = YearEndModel(history, 2017).fit()
    assert fit.years == [2014, 2015, 2016]
    changed = history.copy()
    this_year = changed["date"].dt.year == 2017
    changed.loc[this_year, "pm25"] *= 3
    fit2 = YearEndModel(changed, 2017).fit()
    np.testing.assert_array_equal(fit.fits["pm25"].seasonal, fit2.fits["pm25"].seasonal)


def test_no_prior_year_says_so_and_widens():
    frame = with_aqi(synthetic_days([2016, 2017], seed=4))
    short = frame[frame["date"] >= "2017-01-01"]
    fc_none = forecast_year_end(short, "2017-06-30", n_sims=500, seed=2)
    fc_one = forecast_year_end(frame, "2017-06-30", n_sims=500, seed=2)
    assert fc_none.history["years"] == [] and fc_one.history["years"] == [2016]
    assert any("no prior year" in n for n in fc_none.notes)
    assert not any("no prior year" in n for n in fc_one.notes)
    width = lambda fc: fc.indicators.loc["pm25_mean", "q90"] - fc.indicators.loc["pm25_mean", "q10"]  # noqa: E731
    assert width(fc_none) > 1.5 * width(fc_one)


def test_too_little_data_is_refused():
    frame = with_aqi(synthetic_days([2017], seed=4))
    with pytest.raises(ValueError, match="cannot forecast"):
        forecast_year_end(frame[frame["date"] <= "2017-01-05"], "2017-01-05", n_sims=10)
    with pytest.raises(ValueError, match="after the data"):
        forecast_year_end(frame[frame["date"] <= "2017-03-05"], "2017-03-31", n_sims=10)


def test_simulated_days_use_the_rules_in_force_each_day():
    frame = with_aqi(synthetic_days([2023, 2024, 2025, 2026], seed=6, o3_1h=True))
    fc = forecast_year_end(frame[frame["date"] <= "2025-12-31"], "2025-12-31", n_sims=2, seed=0)
    assert fc.indicators.loc["pm25_mean", "ytd"] is not None
    fit = YearEndModel(frame, 2026).fit()
    fc = fit.forecast("2026-01-31", n_sims=3, seed=1)
    sim = slice(fc.n_known, None)
    dates = fc.dates[sim]
    for i in range(3):
        day = pd.DataFrame({p: fc.conc[p][i, sim] for p in (*POLS, "o3_1h")})
        day["date"] = dates
        ref = airq.daily_aqi(day)["aqi"].astype(float).to_numpy()
        np.testing.assert_array_equal(np.nan_to_num(fc.aqi[i, sim], nan=-1), np.nan_to_num(ref, nan=-1))
        # February is judged by HJ 633—2012 (with O3 1-h), March on by HJ 633—2026
        assert set(airq.daily_aqi(day)["rules"][dates < "2026-03-01"]) == {"HJ633-2012"}


def test_running_fan_starts_from_the_observed(history):
    fc = forecast_year_end(history, "2017-03-31", n_sims=100, seed=0)
    run = fc.running("pm25_mean")
    obs = run[run["observed"]]
    assert len(obs) == 90 and (obs["q10"] == obs["q90"]).all()
    last = run.iloc[-1]
    assert last["q50"] == pytest.approx(fc.indicators.loc["pm25_mean", "median"], rel=0.02)
    assert fc.expected["remaining_days"] == 275


def test_params_are_used():
    frame = with_aqi(synthetic_days([2014, 2015, 2016], seed=8))
    narrow = forecast_year_end(frame, "2016-02-29", n_sims=400, seed=0, params=ForecastParams(level_sd=0.01))
    wide = forecast_year_end(frame, "2016-02-29", n_sims=400, seed=0, params=ForecastParams(level_sd=0.5))
    w = lambda fc: fc.indicators.loc["pm25_mean", "q90"] - fc.indicators.loc["pm25_mean", "q10"]  # noqa: E731
    assert w(wide) > w(narrow)
