"""Real-time (hourly) AQI of station-hours, the way CNEMC publishes it: :func:`realtime_aqi`.

The 1-hour SO2, NO2, CO and O3 values on their 1-hour tables and the 1-hour PM10 and PM2.5
values on the daily PM breakpoints; under HJ 633—2012 an SO2 1-h value above 800 µg/m³ falls
back to the 24-h sub-index (Table 1 note 2). The options are those of :func:`airq.aqi.daily_aqi`
(described in :mod:`airq.aqi`).

Part of :mod:`airq.aqi` (which re-exports :func:`realtime_aqi`).

References
----------
.. [1] HJ 633—2012 §5.1.4, Table 1; HJ 633—2026 §4.2.4, eq.1, Table 3 (standards.md §1.5).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aqi_co_warning import _warn_co_column
from .aqi_combine import _apply_by_rules, _finish
from .aqi_iaqi import _iaqi_table
from .aqi_inputs import _check_options, _col, _column, _numeric, _prepare
from .notes import note
from .rounding import round_scaled
from .rules import RuleSet

__all__ = ["realtime_aqi"]


def realtime_aqi(frame: pd.DataFrame, *, rules=None, on_missing: str = "rules", unmonitored=(), beyond: str = "cap") -> pd.DataFrame:
    """Real-time (hourly) AQI of station-hours, the way CNEMC publishes it.

    Parameters
    ----------
    frame : DataFrame
        One row per station-hour with 1-hour ``so2, no2, co, o3, pm10, pm25``
        [µg/m³; CO mg/m³]. Optional ``so2_24h``: under HJ 633—2012 an SO2 1-h value above
        800 µg/m³ has no 1-h sub-index and the 24-h one is reported instead (Table 1 note 2);
        without the column such an hour has a missing SO2 sub-index.
    rules : None, rule-set name or RuleSet
        ``None`` picks by the natural day of the ``time`` column (airq's hour-start stamps,
        :mod:`airq.timeconv`).
    on_missing, unmonitored, beyond
        As in :func:`daily_aqi`.

    Returns
    -------
    DataFrame
        As :func:`daily_aqi`, with sub-indices ``iaqi_so2, iaqi_no2, iaqi_pm10, iaqi_co,
        iaqi_o3, iaqi_pm25``.

    Warns
    -----
    AirqUnitWarning
        As :func:`daily_aqi`, for the 1-hour ``co`` column.

    Notes
    -----
    Under both rule sets the hourly AQI is the largest sub-index of the 1-hour SO2, NO2, CO and
    O3 values on their 1-hour tables and of the 1-hour PM10 and PM2.5 values on the daily (24-h)
    PM breakpoints of the rule set in force; 8-h O3 and 24-h moving PM do not enter
    (standards.md §1.5: reproduces every published hourly AQI checked; §5 item 3).

    With a pollutant missing, the default (``on_missing="rules"``: HJ 633—2012 strict) gives no
    AQI. CNEMC's own practice is not consistent here: in the national file of 2025-12-01 09:00
    it publishes an AQI from the available pollutants for 49 station-hours with one pollutant
    missing (``on_missing="available"`` reproduces them), yet leaves 23 such hours unpublished,
    as it does for a Guigang hour of 2023-03-28 without PM2.5.

    References
    ----------
    .. [1] HJ 633—2012 §5.1.4; HJ 633—2026 §4.2.4, eq.1, Table 3 (standards.md §1.5).
    """
    frame = _prepare(frame, "realtime_aqi")

    def compute(sub: pd.DataFrame, rs: RuleSet) -> pd.DataFrame:
        _check_options(on_missing, unmonitored, rs.realtime.keys())
        missing_cols = [c for c in rs.realtime if c not in sub.columns and c not in unmonitored]
        if missing_cols:
            raise ValueError(note("error.calc.realtime_needs", missing=repr(missing_cols), indicators=list(rs.realtime)))
        subs = {}
        for col, table in rs.realtime.items():
            if col in sub.columns:
                subs[col] = _iaqi_table(_column(sub, col), rs, table, beyond, _col(col), sub.index)
            else:
                subs[col] = np.full(len(sub), np.nan)
        rule = rs.above.get("so2_1h")
        if rule is not None and rule.action == "use" and "so2" in sub.columns and rule.use in ("so2_24h",):
            cs = round_scaled(_numeric(_column(sub, "so2"), _col("so2")), rs.decimals["so2"])
            over = cs > float(rule.threshold) * 10 ** rs.decimals["so2"]
            if over.any() and "so2_24h" in sub.columns:
                fallback = _iaqi_table(_column(sub, "so2_24h"), rs, "so2_24h", beyond, _col("so2_24h"), sub.index)
                subs["so2"] = np.where(over, fallback, subs["so2"])
        required = [c for c in rs.realtime if c not in unmonitored]
        return _finish(sub, rs, subs, required, on_missing)

    out = _apply_by_rules(frame, rules, "time", compute)
    _warn_co_column(frame)
    return out
