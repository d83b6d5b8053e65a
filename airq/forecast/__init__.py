"""Year-end forecasts of a group's statistics, with their uncertainty and P(meet target).

Where will a county end the year? Given its daily history (every year the store holds) and an
as-of date, :class:`YearEndModel` simulates the rest of the year day by day, turns every
simulated day into an AQI with the exact code of :mod:`airq.aqi` (:func:`airq.aqi.daily_aqi_values`)
under the rule set in force on that date, and reads the year-end statistics off each simulated
year: good-day ratio, PM2.5 mean, heavy days and ratio, PM10 mean, O3-8h P90, composite index.
Quantiles and the probability of meeting each target (with the precision semantics of
:func:`airq.targets.meets_target`: a PM2.5 target of 30.9 passes up to 30.95) are shares of the
simulated years.

The model, per pollutant on ``z = log(c + c0)`` (``c0`` = 1 µg/m³, CO 0.1 mg/m³):

* **season** — an OLS fit (statsmodels) of the prior years' days on one intercept per year and
  annual Fourier pairs: ``z = a_y + S(doy) + r``; the prior years' mean residual on each calendar
  day keeps sharp features (Spring Festival, heating start) that the smooth cycle misses;
* **this year's level** — a normal posterior combining the prior years' trend (last intercept
  plus a damped linear trend; prior SD ``level_sd``) with how this year so far compares with the
  same calendar days of the prior years (variance from the spread of monthly anomalies);
* **persistence** — the last 30 days' anomaly decays month by month, the last days' anomaly day
  by day (lag-1 autocorrelations estimated on the prior years);
* **weather and episodes** — residual blocks of 30 days, all pollutants at once (the AQI is the
  maximum of sub-indices: PM2.5 and PM10 move together, O3 peaks in summer), drawn from the prior
  years around the same season; missing days are resampled as they happened.

With no prior year the rest of the year is resampled from the days so far, with no seasonal
cycle and a wide level prior, and the forecast says so in its notes. Reasoning and backtest:
``docs/forecast.md``.

The baselines a forecast must beat are here too (:func:`persistence`, :func:`climatology`);
:mod:`airq.backtest` scores all three.

References
----------
.. [1] standards.md §2.6-2.9 (statistics), §4 (targets and precision), §3 (rule change by date).
.. [2] ``../shared/reference/forecasting.md`` (the baselines, measured).
"""

from __future__ import annotations

import pandas as pd

from ._days import INDICATORS, SIM_POLLUTANTS, TARGET_KEYS, year_end_stats
from .baselines import climatology, persistence
from .model import MODEL_NAME, ForecastParams, YearEndFit, YearEndModel
from .results import YearEndForecast

__all__ = [
    "INDICATORS",
    "SIM_POLLUTANTS",
    "TARGET_KEYS",
    "MODEL_NAME",
    "ForecastParams",
    "YearEndModel",
    "YearEndFit",
    "YearEndForecast",
    "forecast_year_end",
    "year_end_stats",
    "persistence",
    "climatology",
]


def forecast_year_end(daily: pd.DataFrame, as_of, *, targets=None, decimals=None, n_sims: int = 2000, seed: int = 0,
                      params: ForecastParams | None = None, group: str | None = None) -> YearEndForecast:
    """Forecast the year end of ``as_of``'s year for one group: fit on the prior years, then simulate.

    Parameters
    ----------
    daily : DataFrame
        The group's daily AQI frame over all the years the store holds
        (:func:`airq.assessment.group_days` for one group). Days after ``as_of`` are ignored.
    as_of : date-like
        Last day known.
    targets : mapping, optional
        Target key -> value (e.g. ``{"good_day_ratio": 93.8, "pm25_mean": 30.9,
        "heavy_day_ratio": 0}``).
    decimals : mapping, optional
        Comparison precision per target key (default: :data:`airq.targets.DEFAULT_REPORTING_DECIMALS`).
    n_sims : int, default 2000
    seed : int, default 0
    params : ForecastParams, optional
    group : str, optional
        Name carried by the result.

    Returns
    -------
    YearEndForecast

    Examples
    --------
    >>> fc = forecast_year_end(daily, "2023-03-31", targets={"pm25_mean": 30.9})  # doctest: +SKIP
    >>> fc.indicators.loc["pm25_mean", ["median", "q10", "q90", "p_meet"]]            # doctest: +SKIP
    """
    as_of = pd.Timestamp(as_of).normalize()
    fit = YearEndModel(daily, as_of.year, params=params).fit()
    return fit.forecast(as_of, n_sims=n_sims, seed=seed, targets=targets, decimals=decimals, group=group)
