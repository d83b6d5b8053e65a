"""The result of a year-end forecast: quantiles, P(meet target), expected days, simulated paths."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ._days import INDICATORS, QUANTILES, SIM_POLLUTANTS, TARGET_KEYS, Days, targets_met, year_end_stats
from ..notes import note
from .model import MODEL_NAME

__all__ = ["YearEndForecast"]

_COUNT_INDICATORS = ("heavy_days",)


def _quantiles(values: np.ndarray, count: bool) -> dict:
    v = values[~np.isnan(values)]
    if not len(v):
        return {k: None for k in QUANTILES}
    method = "inverted_cdf" if count else "linear"
    return {k: float(np.percentile(v, q, method=method)) for k, q in QUANTILES.items()}


def _num(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


@dataclass
class YearEndForecast:
    """A year-end forecast of one group, issued on ``as_of``.

    Attributes
    ----------
    group : str or None
    as_of : Timestamp
        Last day known.
    indicators : DataFrame
        One row per indicator (:data:`airq.forecast.INDICATORS` that the data allow):
        ``ytd`` (year to date), ``median``, ``q025``, ``q10``, ``q90``, ``q975`` (of the year-end
        value over the simulated years), ``target`` and ``p_meet`` (share of simulated years
        meeting it, with :func:`airq.targets.meets_target`; NaN without a target). Units: ratios
        [%], heavy days [days], means and P90 [µg/m³], composite index [-].
    expected : dict
        Mean over the simulated years of the remaining calendar, valid, non-good (AQI > 100)
        and heavy (AQI > 200) days after ``as_of`` [days].
    history : dict
        ``years`` (prior years used) and ``days`` (their valid days).
    notes : list of str
    n_sims, seed : int
    model : str
    dates : DatetimeIndex
        Every day of the year.
    n_known : int
        Days up to ``as_of`` (the first ``n_known`` columns of the paths are observed).
    aqi : ndarray (n_sims, days)
        Daily AQI paths (observed, then simulated; NaN = no valid AQI).
    conc : dict of str -> ndarray (n_sims, days)
        Daily value paths of ``so2, no2, co, pm10, pm25, o3_8h, o3_1h``.
    sims : dict of str -> ndarray (n_sims,)
        Year-end statistics of each simulated year (:func:`airq.forecast.year_end_stats`).
    """

    group: str | None
    as_of: pd.Timestamp
    indicators: pd.DataFrame
    expected: dict
    history: dict
    notes: list
    n_sims: int
    seed: int
    model: str
    dates: pd.DatetimeIndex
    n_known: int
    aqi: np.ndarray
    conc: dict
    sims: dict
    ytd: dict = field(default_factory=dict)
    unmonitored: tuple = ()

    @classmethod
    def build(cls, *, group, as_of, ytd: Days, future, sim_aqi, sim_conc, targets, decimals, n_sims, seed, years,
              history_days, notes, composite_limits, unmonitored) -> "YearEndForecast":
        n = sim_aqi.shape[0]
        aqi = np.concatenate([np.broadcast_to(ytd.aqi, (n, len(ytd.aqi))), sim_aqi], axis=1)
        conc = {q: np.concatenate([np.broadcast_to(ytd.conc[q], (n, len(ytd.aqi))), sim_conc[q]], axis=1)
                for q in SIM_POLLUTANTS}
        sims = year_end_stats(aqi, conc, composite_limits=composite_limits)
        now = {k: v[0] for k, v in year_end_stats(ytd.aqi[None, :], {q: c[None, :] for q, c in ytd.conc.items()},
                                                  composite_limits=composite_limits).items()}
        targets = {k: v for k, v in (targets or {}).items() if v is not None}
        met = targets_met(sims, targets, decimals)
        rows = []
        for ind in INDICATORS:
            q = _quantiles(np.asarray(sims[ind], dtype=float), ind in _COUNT_INDICATORS)
            key = TARGET_KEYS[ind]
            row = {"indicator": ind, "ytd": _num(now[ind]), **q,
                   "target": float(targets[key]) if key in targets else None,
                   "p_meet": float(met[key].mean()) if key in met else None}
            rows.append(row)
        table = pd.DataFrame(rows).set_index("indicator")
        table = table[table["median"].notna()]
        rest = sim_aqi
        valid = ~np.isnan(rest)
        with np.errstate(invalid="ignore"):
            expected = {
                "remaining_days": int(len(future)),
                "remaining_valid_days": float(valid.sum(axis=1).mean()) if n else 0.0,
                "remaining_nongood_days": float((valid & (rest > 100)).sum(axis=1).mean()) if n else 0.0,
                "remaining_heavy_days": float((valid & (rest > 200)).sum(axis=1).mean()) if n else 0.0,
            }
        extra = [k for k in targets if k not in met]
        if extra:
            notes.append(note("no_probability", targets=list(extra)))
        if unmonitored:
            notes.append(note("forecast_o3_1h"))
        dates = ytd.dates.append(future)
        return cls(group=group, as_of=as_of, indicators=table, expected=expected,
                   history={"years": [int(y) for y in years], "days": int(history_days)}, notes=notes,
                   n_sims=n_sims, seed=seed, model=MODEL_NAME, dates=dates, n_known=len(ytd.dates), aqi=aqi,
                   conc=conc, sims=sims, ytd=now, unmonitored=tuple(unmonitored))

    # ---------------------------------------------------------------- reading it

    def p_meet(self, key: str, target, decimals="default") -> float:
        """Share of the simulated years meeting ``target`` for target key ``key``."""
        met = targets_met(self.sims, {key: target}, {key: decimals})
        if key not in met:
            raise ValueError(f"no year-end statistic for target key {key!r}")
        return float(met[key].mean())

    def running(self, indicator: str = "pm25_mean", quantiles=(2.5, 10, 50, 90, 97.5)) -> pd.DataFrame:
        """Quantiles over the simulated years of the running (1 January to date) value, per day.

        ``indicator``: ``good_day_ratio`` [%] or ``pm25_mean`` / ``pm10_mean`` [µg/m³], or
        ``heavy_days`` [days]. Days up to ``as_of`` are the observed running value.
        """
        if indicator in ("good_day_ratio", "heavy_days"):
            valid = ~np.isnan(self.aqi)
            with np.errstate(invalid="ignore"):
                hit = valid & ((self.aqi <= 100) if indicator == "good_day_ratio" else (self.aqi > 200))
            num = np.cumsum(hit, axis=1, dtype=float)
            if indicator == "heavy_days":
                run = num
            else:
                den = np.cumsum(valid, axis=1, dtype=float)
                with np.errstate(invalid="ignore", divide="ignore"):
                    run = np.where(den > 0, 100.0 * num / den, np.nan)
        elif indicator in ("pm25_mean", "pm10_mean"):
            x = self.conc[indicator.split("_")[0]]
            ok = ~np.isnan(x)
            with np.errstate(invalid="ignore", divide="ignore"):
                run = np.cumsum(np.where(ok, x, 0.0), axis=1) / np.cumsum(ok, axis=1)
        else:
            raise ValueError(f"running(): indicator must be good_day_ratio, heavy_days, pm25_mean or pm10_mean, not {indicator!r}")
        with np.errstate(invalid="ignore"):
            qs = np.nanpercentile(run, list(quantiles), axis=0) if len(run) else np.full((len(quantiles), run.shape[1]), np.nan)
        out = pd.DataFrame({"date": self.dates, "observed": np.arange(len(self.dates)) < self.n_known})
        for q, row in zip(quantiles, qs):
            out[f"q{q:g}"] = row
        return out

    def to_dict(self) -> dict:
        """The forecast as plain JSON-ready values (the ``airq forecast --json`` object of one group)."""
        ind = {}
        for name, row in self.indicators.iterrows():
            ind[name] = {k: _num(row[k]) for k in ("ytd", "median", "q025", "q10", "q90", "q975", "target", "p_meet")}
        return {
            "as_of": f"{self.as_of:%Y-%m-%d}",
            "indicators": ind,
            "expected": dict(self.expected),
            "model": self.model,
            "history": dict(self.history),
            "seed": self.seed,
            "n_sims": self.n_sims,
            "notes": list(self.notes),
        }
