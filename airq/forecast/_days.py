"""Days on the calendar as arrays, and the statistics of many years at once (forecast internals)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..rules import get_limits
from ..targets_core import meets_target

#: Year-end indicators, in display order (units: % for ratios, days, µg/m³, index).
INDICATORS = ("good_day_ratio", "pm25_mean", "heavy_days", "heavy_day_ratio", "pm10_mean", "o3_8h_p90",
              "composite_index")
#: Daily values the model simulates [µg/m³; co mg/m³].
SIM_POLLUTANTS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
OFFSET = {"co": 0.1}  # c0 of z = log(c + c0); 1 µg/m³ for the others
O3_PAIR = ("o3_8h", "o3_1h")
#: Composite index (standards.md §2.8): statistic -> (pollutant, averaging) of the GB 3095 limit.
_COMPOSITE = {"so2_mean": ("so2", "annual"), "no2_mean": ("no2", "annual"), "pm10_mean": ("pm10", "annual"),
              "pm25_mean": ("pm25", "annual"), "co_p95": ("co", "24h"), "o3_8h_p90": ("o3", "8h")}
#: Indicator -> target key of a plan (airq.config / airq.targets).
TARGET_KEYS = {"good_day_ratio": "good_day_ratio", "pm25_mean": "pm25_mean", "heavy_day_ratio": "heavy_day_ratio",
               "heavy_days": None, "pm10_mean": "pm10_mean", "o3_8h_p90": "o3_p90", "composite_index": "composite_index"}
QUANTILES = {"q025": 2.5, "q10": 10, "median": 50, "q90": 90, "q975": 97.5}


# --------------------------------------------------------------------------- statistics of many years


def _hj663_rows(values: np.ndarray, p: float) -> np.ndarray:
    """HJ 663 Appendix A percentile of each row (NaN ignored): k = 1 + (n - 1) p / 100."""
    srt = np.sort(values, axis=1)  # NaN last
    n = (~np.isnan(values)).sum(axis=1)
    k = 1 + (n - 1) * p / 100.0
    s = np.floor(k).astype(np.int64)
    lo = np.clip(s - 1, 0, values.shape[1] - 1)
    hi = np.clip(s, 0, values.shape[1] - 1)
    rows = np.arange(values.shape[0])
    xlo, xhi = srt[rows, lo], srt[rows, hi]
    out = np.where(s >= n, xlo, xlo + (xhi - xlo) * (k - s))
    return np.where(n > 0, out, np.nan)


def year_end_stats(aqi: np.ndarray, conc: dict, *, composite_limits: str = "GB3095-2012") -> dict:
    """Statistics of many years at once: one row per year (simulated or observed), one column per day.

    The definitions of :func:`airq.stats.period_stats` (ratios over valid days, means of valid
    daily values, HJ 663 percentiles, composite index with the GB 3095—2012 S_i), vectorised
    over rows; ``tests/test_forecast.py`` checks them against ``period_stats``.

    Parameters
    ----------
    aqi : array (years, days)
        Daily AQI, NaN = no valid AQI.
    conc : mapping str -> array (years, days)
        Daily values of ``so2, no2, co, pm10, pm25, o3_8h`` [µg/m³; co mg/m³].

    Returns
    -------
    dict of str -> array (years,)
        ``valid_days``, ``good_days``, ``heavy_days``, ``good_day_ratio`` [%],
        ``heavy_day_ratio`` [%], ``<p>_mean`` for so2, no2, pm10, pm25, ``co_p95``, ``o3_8h_p90``,
        ``composite_index``.
    """
    valid = ~np.isnan(aqi)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = {"valid_days": valid.sum(axis=1), "good_days": (valid & (aqi <= 100)).sum(axis=1),
               "heavy_days": (valid & (aqi > 200)).sum(axis=1)}
        vd = out["valid_days"]
        out["good_day_ratio"] = np.where(vd > 0, 100.0 * out["good_days"] / np.maximum(vd, 1), np.nan)
        out["heavy_day_ratio"] = np.where(vd > 0, 100.0 * out["heavy_days"] / np.maximum(vd, 1), np.nan)
        for p in ("so2", "no2", "pm10", "pm25"):
            n = (~np.isnan(conc[p])).sum(axis=1)
            total = np.nansum(conc[p], axis=1)
            out[f"{p}_mean"] = np.where(n > 0, total / np.maximum(n, 1), np.nan)
    out["co_p95"] = _hj663_rows(conc["co"], 95)
    out["o3_8h_p90"] = _hj663_rows(conc["o3_8h"], 90)
    limits = get_limits(composite_limits)
    out["composite_index"] = sum(out[k] / float(limits.limit(*pa)) for k, pa in _COMPOSITE.items())
    return out


# --------------------------------------------------------------------------- observed days


@dataclass
class Days:
    """A group's days as arrays on the calendar: dates, AQI, values (NaN = missing)."""

    dates: pd.DatetimeIndex
    aqi: np.ndarray
    conc: dict

    @classmethod
    def of(cls, frame: pd.DataFrame, start, end) -> "Days":
        dates = pd.date_range(start, end, freq="D")
        f = frame[(frame["date"] >= dates[0]) & (frame["date"] <= dates[-1])] if len(dates) else frame.iloc[0:0]
        pos = dates.get_indexer(pd.DatetimeIndex(f["date"]))
        aqi = np.full(len(dates), np.nan)
        aqi[pos] = pd.to_numeric(f["aqi"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        conc = {}
        for p in SIM_POLLUTANTS:
            a = np.full(len(dates), np.nan)
            if p in f.columns:
                a[pos] = pd.to_numeric(f[p], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
            conc[p] = a
        return cls(dates, aqi, conc)


def check_daily(daily: pd.DataFrame) -> pd.DataFrame:
    if not isinstance(daily, pd.DataFrame):
        raise TypeError(f"the forecast takes a group's daily AQI frame, not {type(daily).__name__}")
    need = ["date", "aqi", "rules", *[p for p in SIM_POLLUTANTS if p != "o3_1h"]]
    missing = [c for c in need if c not in daily.columns]
    if missing:
        raise ValueError(f"the group's daily frame lacks column(s) {missing} (pass airq.assessment.group_days output)")
    if "group" in daily.columns and daily["group"].nunique() > 1:
        raise ValueError(f"one group at a time: the frame holds {sorted(daily['group'].unique())}")
    d = daily.copy()
    d["date"] = pd.to_datetime(d["date"]).dt.normalize()
    if d["date"].duplicated().any():
        raise ValueError(f"duplicate date {d.loc[d['date'].duplicated(), 'date'].iloc[0].date()} in the group's daily frame")
    return d.sort_values("date").reset_index(drop=True)


# --------------------------------------------------------------------------- baselines


def targets_met(stats: dict, targets: dict, decimals: dict | None = None) -> dict:
    """P(meet) inputs: per target key, a bool array over rows of ``stats``."""
    out = {}
    for key, t in (targets or {}).items():
        dec = (decimals or {}).get(key, "default")
        if key == "good_day_ratio":
            out[key] = meets_target(key, t, days=stats["good_days"], valid_days=stats["valid_days"], decimals=dec)
        elif key == "heavy_day_ratio":
            out[key] = meets_target(key, t, days=stats["heavy_days"], valid_days=stats["valid_days"], decimals=dec)
        elif key == "good_days":
            out[key] = meets_target(key, t, days=stats["good_days"], decimals=dec)
        elif key in ("pm25_mean", "pm10_mean", "composite_index"):
            out[key] = meets_target(key, t, value=stats[key], decimals=dec)
        elif key == "o3_p90":
            out[key] = meets_target(key, t, value=stats["o3_8h_p90"], decimals=dec)
    return out


def same_day(day: pd.Timestamp, year: int) -> pd.Timestamp:
    """The same calendar day in ``year`` (29 February -> 28 February)."""
    return pd.Timestamp(year, day.month, min(day.day, 28) if day.month == 2 and day.day == 29 else day.day)


def prior_years(d: pd.DataFrame, year: int, min_days: int) -> list[int]:
    valid = d[d["aqi"].notna() & (d["date"].dt.year < year)]
    counts = valid.groupby(valid["date"].dt.year).size()
    return [int(y) for y, n in counts.items() if n >= min_days]


