"""The year-end model: seasonal OLS, level posterior, persistence, joint residual blocks.

Shape after statsmodels: ``YearEndModel(daily, year).fit()`` learns from the prior years only
(never from the forecast year), ``YearEndFit.forecast(as_of, ...)`` conditions on the days up
to ``as_of`` and simulates the rest of the year (:class:`~airq.forecast.YearEndForecast`).
The reasoning behind each part is in ``docs/forecast.md``.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm

from ..aqi_daily import daily_aqi_values
from ..notes import note
from ..rules import rules_for_dates
from ._days import OFFSET, O3_PAIR, SIM_POLLUTANTS, Days, check_daily, prior_years

__all__ = ["ForecastParams", "YearEndModel", "YearEndFit", "MODEL_NAME"]

#: Name and version of the model, carried by every forecast.
MODEL_NAME = "airq-seasonal-analog-1"
_MONTH = 30.44  # days


@dataclass(frozen=True)
class ForecastParams:
    """Settings of :class:`YearEndModel`, fixed before any backtest (``docs/forecast.md``).

    Attributes
    ----------
    harmonics : int
        Annual Fourier pairs of the seasonal cycle.
    block_days : int
        Length of the residual blocks [days] (episodes and monthly anomalies stay whole).
    block_shift : int
        Largest calendar shift of a block [days] (more distinct simulated years).
    level_sd : float
        Prior SD of a year's level around the trend prediction [log units]: how much the year
        so far may move the level. Default 0.04, fitted with ``spread`` on the aqistudy city
        corpus (334 cities, target years 2015–2017; ``benchmarks/fit_forecast_params.py``).
    trend_damping : float
        Share of the prior years' linear trend carried into the forecast year.
    no_prior_level_sd : float
        Level SD with no prior year [log units] (wide on purpose).
    min_year_days : int
        Fewest valid-AQI days for a prior year to be used [days].
    max_monthly_persistence, max_daily_persistence : float
        Caps of the estimated lag-1 autocorrelations (monthly anomalies, daily residuals).
    default_month_sd : float
        SD of a month's anomaly [log units] when the history has too few months to estimate it.
    spread : float
        Factor on the SD of this year's level (widens the outcome, keeps each simulated year's
        days as realistic as the data; not applied without a prior year): the one parameter fitted across groups and
        years (:func:`airq.backtest.backtest` with ``calibrate=True`` fits it leaving the test
        year out); 1 = the model's own estimates. Default 4.35, fitted with ``level_sd`` (above).
    """

    harmonics: int = 3
    block_days: int = 30
    block_shift: int = 15
    level_sd: float = 0.04
    trend_damping: float = 0.5
    no_prior_level_sd: float = 0.30
    min_year_days: int = 300
    max_monthly_persistence: float = 0.6
    max_daily_persistence: float = 0.9
    default_month_sd: float = 0.25
    spread: float = 4.35


def _z(values: np.ndarray, p: str) -> np.ndarray:
    return np.log(values + OFFSET.get(p, 1.0))


def _fourier(doy: np.ndarray, k: int) -> np.ndarray:
    w = 2 * np.pi * np.asarray(doy, dtype=float) / 365.25
    return np.column_stack([f(j * w) for j in range(1, k + 1) for f in (np.cos, np.sin)]) if k else np.empty((len(doy), 0))


def _lag1(x: np.ndarray) -> float:
    """Lag-1 autocorrelation along the last axis of a 2-D array with NaN (pairs within rows)."""
    a, b = x[:, :-1].ravel(), x[:, 1:].ravel()
    ok = ~np.isnan(a) & ~np.isnan(b)
    if ok.sum() < 10:
        return 0.0
    a, b = a[ok] - a[ok].mean(), b[ok] - b[ok].mean()
    den = np.sqrt((a * a).sum() * (b * b).sum())
    return float((a * b).sum() / den) if den > 0 else 0.0


@dataclass
class _Pollutant:
    """What the fit learned about one pollutant (log scale)."""

    seasonal: np.ndarray  # S(doy) + shared residual on that calendar day, doy 0..365
    daily: np.ndarray  # prior years x 366: residual less the calendar-day part and the month's mean (NaN = missing)
    months: np.ndarray  # prior years x 12: monthly anomalies
    month_scale: np.ndarray  # 12: daily-residual SD of the calendar month / its mean over months
    level_prior: float  # trend prediction of this year's level
    month_sd: float
    rho_month: float
    phi_day: float


def _month_means(dev: np.ndarray, year: int) -> np.ndarray:
    """Monthly means (>= 10 valid days) of a years x 366 array, as years x 12."""
    months = pd.date_range(f"{year}-01-01", periods=366, freq="D").month.to_numpy() - 1
    out = np.full((dev.shape[0], 12), np.nan)
    for m in range(12):
        cols = dev[:, months == m]
        n = (~np.isnan(cols)).sum(axis=1)
        out[:, m] = np.where(n >= 10, _safe_mean(cols), np.nan)
    return out


def _safe_mean(cols: np.ndarray) -> np.ndarray:
    n = (~np.isnan(cols)).sum(axis=1)
    s = np.nansum(cols, axis=1)
    return np.where(n > 0, s / np.maximum(n, 1), np.nan)


def _calendar_structure(resid: np.ndarray) -> np.ndarray:
    """The part of the prior years' residuals shared by every year on a calendar day, shrunk.

    The mean residual on a calendar day is the shared structure plus the years' noise divided
    by their number; it is kept in proportion var_shared / (var_shared + var_noise / J)
    (an empirical-Bayes weight: 0 with one prior year, 1 for an exactly repeating history).
    """
    j = resid.shape[0]
    n = (~np.isnan(resid)).sum(axis=0)
    rbar = np.where(n > 0, np.nansum(resid, axis=0) / np.maximum(n, 1), 0.0)
    if j < 2:
        return np.zeros(resid.shape[1])
    both = n >= 2
    if not both.any():
        return np.zeros(resid.shape[1])
    with np.errstate(invalid="ignore"):
        var_noise = float(np.nanmean(np.nanvar(resid[:, both], axis=0, ddof=1)))
    var_shared = max(0.0, float(np.var(rbar[both])) - var_noise / j)
    total = var_shared + var_noise / j
    weight = var_shared / total if total > 0 else 1.0
    return weight * rbar


def _correlation_root(months: list) -> np.ndarray:
    """A square root of the correlation of the pollutants' monthly anomalies (pairwise complete).

    Used for both the level and the monthly draws, so PM2.5 and PM10 move together and O3 as
    the data say. Falls back to independence where a pair has fewer than 6 common months.
    """
    k = len(months)
    c = np.eye(k)
    flat = [m.ravel() for m in months]
    for a in range(k):
        for b in range(a + 1, k):
            ok = ~np.isnan(flat[a]) & ~np.isnan(flat[b])
            if ok.sum() >= 6 and flat[a][ok].std() > 0 and flat[b][ok].std() > 0:
                c[a, b] = c[b, a] = float(np.corrcoef(flat[a][ok], flat[b][ok])[0, 1])
    w, v = np.linalg.eigh(c)
    w = np.clip(w, 1e-6, None)
    c = (v * w) @ v.T
    d = np.sqrt(np.diag(c))
    return np.linalg.cholesky(c / np.outer(d, d))


class YearEndModel:
    """Year-end model of one group for ``year`` (statsmodels shape: model -> fit -> results).

    Parameters
    ----------
    daily : DataFrame
        The group's daily AQI frame (:func:`airq.assessment.group_days`; ``date``, ``so2, no2,
        co, pm10, pm25, o3_8h`` [µg/m³; co mg/m³], ``o3_1h`` where measured, ``aqi``, ``rules``).
    year : int
        The year to forecast. :meth:`fit` uses only earlier years.
    params : ForecastParams, optional
    """

    def __init__(self, daily: pd.DataFrame, year: int, *, params: ForecastParams | None = None):
        self.daily = check_daily(daily)
        self.year = int(year)
        self.params = params or ForecastParams()

    def fit(self) -> "YearEndFit":
        """Fit the seasonal cycle, the level prior and the persistence on the prior years."""
        d, p = self.daily, self.params
        years = prior_years(d, self.year, p.min_year_days)
        hist = d[d["date"].dt.year.isin(years)]
        measured = [q for q in SIM_POLLUTANTS if q in d.columns and d.loc[d["date"].dt.year <= self.year, q].notna().any()]
        fits = {q: self._fit_one(hist, q, years) for q in measured} if years else {}
        return YearEndFit(self, years, measured, fits, int(hist["aqi"].notna().sum()))

    def _fit_one(self, hist: pd.DataFrame, q: str, years: list[int]) -> _Pollutant | None:
        with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)  # all-missing months and calendar days
            return self._fit_one_quiet(hist, q, years)

    def _fit_one_quiet(self, hist: pd.DataFrame, q: str, years: list[int]) -> _Pollutant | None:
        p = self.params
        ok = hist[q].notna().to_numpy()
        if ok.sum() < 60:
            return None
        dates = pd.DatetimeIndex(hist["date"])
        doy = dates.day_of_year.to_numpy() - 1
        yi = np.searchsorted(years, dates.year.to_numpy())
        z = _z(hist[q].to_numpy(dtype=float), q)
        x = np.column_stack([np.eye(len(years))[yi], _fourier(doy, p.harmonics)])
        res = sm.OLS(z[ok], x[ok]).fit()
        alpha, coef = res.params[: len(years)], res.params[len(years):]
        season = _fourier(np.arange(366), p.harmonics) @ coef if len(coef) else np.zeros(366)
        resid = np.full((len(years), 366), np.nan)
        resid[yi[ok], doy[ok]] = z[ok] - alpha[yi[ok]] - season[doy[ok]]
        rbar = _calendar_structure(resid)
        dev = resid - rbar
        mm = _month_means(dev, 2000)  # a leap year: 366 calendar slots
        month_sd = float(np.nanstd(mm, ddof=1)) if np.isfinite(mm).sum() >= 6 else p.default_month_sd
        month_sd = max(month_sd, 0.01)
        rho = float(np.clip(_lag1(mm), 0.0, p.max_monthly_persistence))
        months = pd.date_range("2000-01-01", periods=366, freq="D").month.to_numpy() - 1
        daily_part = dev - np.where(np.isnan(mm), 0.0, mm)[:, months]
        phi = float(np.clip(_lag1(daily_part), 0.0, p.max_daily_persistence))
        prior = float(alpha[-1])
        if len(years) >= 2:
            slope = float(sm.OLS(alpha, sm.add_constant(np.asarray(years, dtype=float))).fit().params[1])
            prior += p.trend_damping * slope * (self.year - years[-1])
        cal = months[:365]
        sd = np.array([np.nanstd(daily_part[:, :365][:, cal == m]) for m in range(12)])
        sd = np.where(np.isfinite(sd) & (sd > 0), sd, np.nan)
        scale = sd / np.nanmean(sd) if np.isfinite(sd).any() else np.ones(12)
        scale = np.where(np.isfinite(scale), scale, 1.0)
        return _Pollutant(season + rbar, daily_part, mm, scale, prior, month_sd, rho, phi)


@dataclass
class YearEndFit:
    """A fitted :class:`YearEndModel`: forecast from any as-of date of its year."""

    model: YearEndModel
    years: list
    measured: list
    fits: dict
    history_days: int
    notes: list = field(default_factory=list)

    def forecast(self, as_of, *, n_sims: int = 2000, seed: int = 0, targets=None, decimals=None, group=None,
                 composite_limits: str = "GB3095-2012"):
        """Simulate the rest of the year from the days up to ``as_of`` (nothing later is read).

        Parameters
        ----------
        as_of : date-like
            Last day known; a day of the model's year, not after the frame's last date.
        n_sims : int
            Simulated years.
        seed : int
            Seed of the random generator (same seed, same forecast).
        targets : mapping, optional
            Target key -> value (``good_day_ratio`` [%], ``pm25_mean`` [µg/m³],
            ``heavy_day_ratio`` [%], ``o3_p90``, ``pm10_mean``, ``composite_index``, ``good_days``).
        decimals : mapping, optional
            Comparison precision per target key (:func:`airq.targets.meets_target`).

        Returns
        -------
        YearEndForecast
        """
        from .results import YearEndForecast

        as_of = pd.Timestamp(as_of).normalize()
        d = self.model.daily
        if as_of.year != self.model.year:
            raise ValueError(f"as_of {as_of:%Y-%m-%d} is not in the model's year {self.model.year}")
        if len(d) == 0 or as_of > d["date"].max():
            why = (note("error.forecast.why_no_data") if len(d) == 0
                   else note("error.forecast.why_data_end", last=f"{d['date'].max():%Y-%m-%d}"))
            raise ValueError(note("error.forecast.after_data", as_of=f"{as_of:%Y-%m-%d}", why=why))
        if not 1 <= int(n_sims) <= 1_000_000:
            raise ValueError(note("error.forecast.n_sims", n_sims=n_sims))
        known = d[d["date"] <= as_of]
        ytd = Days.of(known, pd.Timestamp(as_of.year, 1, 1), as_of)
        future = pd.date_range(as_of + pd.Timedelta(days=1), pd.Timestamp(as_of.year, 12, 31), freq="D")
        notes = list(self.notes)
        sims = self._simulate(ytd, future, int(n_sims), np.random.default_rng(seed), notes)
        aqi = self._aqi(sims, future)
        return YearEndForecast.build(group=group, as_of=as_of, ytd=ytd, future=future, sim_aqi=aqi, sim_conc=sims,
                                     targets=targets, decimals=decimals, n_sims=int(n_sims), seed=seed,
                                     years=self.years, history_days=self.history_days, notes=notes,
                                     composite_limits=composite_limits, unmonitored=self.unmonitored())

    def unmonitored(self) -> tuple:
        """Indicators absent from the whole history (``o3_1h`` of daily-only data)."""
        return tuple(q for q in ("o3_1h",) if q not in self.measured)

    # ---------------------------------------------------------------- simulation

    def _simulate(self, ytd: Days, future: pd.DatetimeIndex, n: int, rng, notes: list) -> dict:
        p = self.model.params
        h = len(future)
        doy = future.day_of_year.to_numpy() - 1
        have = {q: f for q, f in self.fits.items() if f is not None}
        if not have:
            return self._simulate_no_prior(ytd, future, n, rng, notes)
        names = list(have)
        chol = _correlation_root([have[q].months for q in names])
        # blocks of within-month weather, the same days for every pollutant
        n_blocks = -(-h // p.block_days) if h else 0
        src_year = rng.integers(0, len(self.years), size=(n, n_blocks))
        shift = rng.integers(-p.block_shift, p.block_shift + 1, size=(n, n_blocks))
        block = np.arange(h) // p.block_days
        rows = src_year[:, block]
        cols = np.clip(doy[None, :] + shift[:, block], 0, 364)
        # month steps after as_of: 0 = the rest of as_of's month
        step = (future.year.to_numpy() - ytd.dates[-1].year) * 12 + future.month.to_numpy() - ytd.dates[-1].month
        k = int(step.max()) + 1 if h else 0
        level_draw = rng.standard_normal((n, len(names))) @ chol.T
        month_draw = rng.standard_normal((n, k, len(names))) @ chol.T
        out = {q: np.full((n, h), np.nan) for q in SIM_POLLUTANTS}
        for i, q in enumerate(names):
            f = have[q]
            u, v, e_m, e_d = self._level(f, ytd, q)
            anomaly = np.empty((n, k))
            prev = np.full(n, e_m)
            first = ytd.dates[-1].month - 1
            for m in range(k):
                sd = f.month_sd * f.month_scale[(first + m) % 12]
                prev = f.rho_month * prev + np.sqrt(1 - f.rho_month ** 2) * sd * month_draw[:, m, i]
                anomaly[:, m] = prev
            days_ahead = np.arange(1, h + 1)
            z = (f.seasonal[doy][None, :] + u + p.spread * np.sqrt(v) * level_draw[:, i:i + 1] + anomaly[:, step]
                 + (f.phi_day ** days_ahead * e_d)[None, :] + f.daily[rows, cols])
            out[q] = np.maximum(np.exp(z) - OFFSET.get(q, 1.0), 0.0)
        return out

    def _level(self, f: _Pollutant, ytd: Days, q: str) -> tuple[float, float, float, float]:
        """Posterior mean and variance of this year's level, and the recent anomalies."""
        p = self.model.params
        doy = ytd.dates.day_of_year.to_numpy() - 1
        a = _z(ytd.conc[q], q) - f.seasonal[doy]
        ok = ~np.isnan(a)
        prior_var = p.level_sd ** 2
        if not ok.any():
            return f.level_prior, prior_var, 0.0, 0.0
        u_obs = float(a[ok].mean())
        rho = f.rho_month
        obs_var = f.month_sd ** 2 / (ok.sum() / _MONTH) * (1 + rho) / (1 - rho)
        v = 1.0 / (1.0 / prior_var + 1.0 / obs_var)
        u = v * (f.level_prior / prior_var + u_obs / obs_var)
        last30 = a[-30:][~np.isnan(a[-30:])]
        e_m = float(last30.mean()) - u if len(last30) else 0.0
        last2 = a[-2:][~np.isnan(a[-2:])]
        e_d = float(last2.mean()) - u - e_m if len(last2) else 0.0
        return u, v, e_m, e_d

    def _simulate_no_prior(self, ytd: Days, future, n, rng, notes) -> dict:
        """No prior year: the rest of the year resampled from the days so far (no season)."""
        p = self.model.params
        h = len(future)
        valid = ~np.isnan(ytd.aqi)
        if valid.sum() < 14:
            raise ValueError(note("error.forecast.no_history", min_days=p.min_year_days, n=int(valid.sum())))
        notes.append(note("no_prior_year", sd=f"{p.no_prior_level_sd:g}"))
        m = len(ytd.dates)
        length = min(p.block_days, m)
        starts = rng.integers(0, m - length + 1, size=(n, -(-h // length) if h else 0))
        idx = starts[:, np.arange(h) // length] + (np.arange(h) % length)[None, :] if h else np.zeros((n, 0), int)
        zeta = {"pm": rng.standard_normal(n), "o3": rng.standard_normal(n)}
        out = {}
        for q in SIM_POLLUTANTS:
            z = _z(ytd.conc[q], q)
            if np.isnan(z).all():
                out[q] = np.full((n, h), np.nan)
                continue
            shock = p.no_prior_level_sd * zeta["o3" if q in O3_PAIR else "pm"][:, None]
            out[q] = np.maximum(np.exp(z[idx] + shock) - OFFSET.get(q, 1.0), 0.0) if h else np.empty((n, 0))
        return out

    def _aqi(self, sims: dict, future: pd.DatetimeIndex) -> np.ndarray:
        """Exact daily AQI of every simulated day, under the rule set in force on its date."""
        n = next(iter(sims.values())).shape[0]
        out = np.full((n, len(future)), np.nan)
        if not len(future):
            return out
        names = rules_for_dates(future)
        for name in pd.unique(names):
            cols = names == name
            values = {q: sims[q][:, cols] for q in SIM_POLLUTANTS if not (q == "o3_1h" and name != "HJ633-2012")}
            unmon = self.unmonitored() if name == "HJ633-2012" else ()
            values = {q: v for q, v in values.items() if q not in unmon}
            out[:, cols] = daily_aqi_values(values, rules=name, unmonitored=unmon, check_units=False)  # simulated values: no unit to check
        return out
