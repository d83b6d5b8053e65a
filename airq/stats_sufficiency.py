"""Data sufficiency of a period (GB 3095 Table 4): months and years with enough valid days.

``_month_table``, ``_whole_years`` and ``_counts_2d`` give the calendar months and whole years a
period touches and the valid-day counts per unit behind the ``sufficient*`` flags of
:func:`airq.stats.period_stats`; :func:`monthly_counts` shows those counts per unit and month.

A calendar year needs >= 324 valid days and every month >= 27 (February >= 25); a partial month
may miss no more days than a whole month may.

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 (data sufficiency; standards.md §2.3, [H]).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .rules import limits_for
from .stats_inputs import CONCENTRATIONS, _aqi_values, _check_frame, _dates_of, _float_col
from .stats_periods import _resolve_period

__all__ = ["monthly_counts"]


# --------------------------------------------------------------------------- sufficiency


def _month_table(start: pd.Timestamp, end: pd.Timestamp, validity) -> pd.DataFrame:
    """Calendar months overlapping the period, with covered days and required valid days."""
    months = pd.period_range(start, end, freq="M")
    first = months.start_time
    last = months.end_time.normalize()
    dim = months.days_in_month.to_numpy()
    covered = ((np.minimum(last, end) - np.maximum(first, start)).days + 1).to_numpy()
    minimum = np.where(months.month == 2, validity.february_min_days, validity.monthly_min_days)
    # A month may miss at most (days in month - minimum) days; a partial month the same number.
    required = np.maximum(0, covered - (dim - minimum))
    return pd.DataFrame({"month": months.strftime("%Y-%m"), "calendar_days": covered, "required_days": required,
                         "whole": covered == dim})


def _whole_years(start: pd.Timestamp, end: pd.Timestamp) -> list[int]:
    return [y for y in range(start.year, end.year + 1)
            if start <= pd.Timestamp(y, 1, 1) and pd.Timestamp(y, 12, 31) <= end]


def _counts_2d(codes: np.ndarray, idx: np.ndarray, mask: np.ndarray, n_units: int, n_idx: int) -> np.ndarray:
    flat = codes[mask] * n_idx + idx[mask]
    return np.bincount(flat, minlength=n_units * n_idx).reshape(n_units, n_idx)


# --------------------------------------------------------------------------- monthly counts


def monthly_counts(daily_aqi_frame: pd.DataFrame, *, start=None, end=None, period: str | None = None,
                   by: str = "group") -> pd.DataFrame:
    """Per-month valid-day counts behind the sufficiency flags of :func:`period_stats`.

    Parameters
    ----------
    daily_aqi_frame : DataFrame
        As for :func:`period_stats` (``by``, ``date``, ``aqi`` and the concentrations).
    start, end, period
        The period (as in :func:`period_stats`).
    by : str, default "group"

    Returns
    -------
    DataFrame
        One row per unit and calendar month touching the period: ``<by>``, ``month``
        (``"YYYY-MM"``), ``calendar_days`` (days of the month inside the period),
        ``required_days`` (GB 3095 Table 4: 27, February 25; partial months see
        :func:`period_stats`), ``valid_days`` (valid AQI), ``n_days_<p>`` for so2, no2, co,
        pm10, pm25, o3_8h, ``month_ok`` (valid AQI days >= required) and ``month_ok_<p>``.

    References
    ----------
    .. [1] GB 3095—2012 / GB 3095—2026 Table 4 (standards.md §2.3).
    """
    what = "monthly_counts"
    start, end = _resolve_period(start, end, period, what)
    frame = _check_frame(daily_aqi_frame, by, what, need_rules=False)
    all_units = pd.unique(frame[by].to_numpy())
    dates = _dates_of(frame, what)
    inside = np.asarray((dates >= start) & (dates <= end))
    frame, dates = frame[inside], dates[inside]
    units_str = np.array([str(u) for u in all_units], dtype=object)
    codes = pd.Categorical(frame[by].astype(str).to_numpy(), categories=units_str).codes.astype(np.int64)
    G = len(all_units)
    months = _month_table(start, end, limits_for(start).validity)
    M = len(months)
    month_idx = ((dates.year - start.year) * 12 + dates.month - start.month).to_numpy(dtype=np.int64)
    out = pd.DataFrame({by: np.repeat(all_units, M), "month": np.tile(months["month"].to_numpy(), G),
                        "calendar_days": np.tile(months["calendar_days"].to_numpy(), G),
                        "required_days": np.tile(months["required_days"].to_numpy(), G)})
    out["valid_days"] = _counts_2d(codes, month_idx, ~np.isnan(_aqi_values(frame, what)), G, M).ravel()
    for p in CONCENTRATIONS:
        out[f"n_days_{p}"] = _counts_2d(codes, month_idx, ~np.isnan(_float_col(frame, p, what)), G, M).ravel()
    out["month_ok"] = out["valid_days"] >= out["required_days"]
    for p in CONCENTRATIONS:
        out[f"month_ok_{p}"] = out[f"n_days_{p}"] >= out["required_days"]
    return out
