"""Daily AQI: :func:`daily_aqi` of station, county or city days, and :func:`daily_aqi_values`, its fast path.

Both take their sub-indices from :func:`_daily_subindices` (HJ 633—2012: seven indicators, O3
8-h above 800 µg/m³ replaced by O3 1-h; HJ 633—2026: six, O3 8-h above 800 gives 300) and
combine them with the same code (:mod:`airq.aqi_combine`), so both give the same AQI. The
missing-indicator rules, ``unmonitored`` and ``beyond`` are described in :mod:`airq.aqi`.

Part of :mod:`airq.aqi` (which re-exports the public names).

References
----------
.. [1] HJ 633—2012 §5.1.2-5.1.4, §6, Table 1; HJ 633—2026 §4.2.2-4.2.6, §5.3, Table 3
   (standards.md §1.2-1.6).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aqi_co_warning import _positions_of, _warn_co, _warn_co_column
from .aqi_combine import _apply_by_rules, _combine, _finish, _finish_partial
from .aqi_iaqi import _iaqi_table
from .aqi_inputs import _check_options, _col, _column, _numeric, _prepare
from .notes import note
from .rounding import round_scaled
from .rules import RuleSet, get_rules

__all__ = ["daily_aqi", "daily_aqi_values"]


def daily_aqi(frame: pd.DataFrame, *, rules=None, on_missing: str = "rules", unmonitored=(), beyond: str = "cap") -> pd.DataFrame:
    """Daily AQI of station-days (or county/city days).

    Parameters
    ----------
    frame : DataFrame
        One row per day with daily concentrations ``so2, no2, co, pm10, pm25`` (24-h means) and
        ``o3_8h`` (daily max 8-h mean), plus ``o3_1h`` (daily max 1-h) for days under
        HJ 633—2012 [µg/m³; CO mg/m³]. Unrounded values are fine (rounded per GB/T 8170 first).
        Other columns (station, date, counts) are carried through.
    rules : None, rule-set name or RuleSet
        ``None`` picks HJ 633—2012 or HJ 633—2026 row by row from the ``date`` column.
    on_missing : {"rules", "strict", "publish_above_100", "available"}
        Missing-indicator rule (:mod:`airq.aqi` docstring; HJ 633—2026 §5.3).
    unmonitored : iterable of str
        Indicators never measured by the monitoring plan (do not block the AQI).
    beyond : {"cap", "nan", "raise"}
        Above the top breakpoint (:mod:`airq.aqi` docstring).

    Returns
    -------
    DataFrame
        The input rows (same index) plus ``iaqi_<indicator>`` (Int64), ``aqi`` (Int64),
        ``level`` (Int64 1-6), ``level_name``, ``category``, ``colour`` (hex RGB), ``primary``
        (comma-joined indicator keys in HJ 633 Table 1 order, ``""`` when AQI <= 50, missing
        when the AQI is), ``over_standard`` (HJ 633—2012 only: indicators with IAQI > 100),
        ``rules``.

    Warns
    -----
    AirqUnitWarning
        Once per call when ``co`` values look like µg/m³ (above 50 mg/m³, :mod:`airq.aqi` docstring),
        naming them and their rows; the AQI is computed from them as given.

    Notes
    -----
    HJ 633—2012 daily AQI has seven indicators (O3 daily max 1-h and max 8-h); when O3 8-h is
    above 800 µg/m³ its sub-index is not computed and O3 1-h stands for O3 (Table 1 note 3).
    HJ 633—2026 has six (no O3 1-h); O3 8-h above 800 gives 300 (Table 3 note c).
    (standards.md §1.5, §5 items 4, 5, 11.)

    References
    ----------
    .. [1] HJ 633—2012 §5.1.2-5.1.4, §6; HJ 633—2026 §4.2.2-4.2.6, §5.3.

    Examples
    --------
    >>> day = pd.DataFrame({"so2": [10], "no2": [40], "pm10": [120], "pm25": [60], "co": [1.0],
    ...                     "o3_8h": [100], "o3_1h": [180]})
    >>> r = daily_aqi(day, rules="HJ633-2026")
    >>> int(r.aqi[0]), r.primary[0]
    (100, 'pm10,pm25')
    """
    frame = _prepare(frame, "daily_aqi")

    def compute(sub: pd.DataFrame, rs: RuleSet) -> pd.DataFrame:
        subs, required, exempt = _daily_subindices(lambda c: _column(sub, c), sub.columns, len(sub), rs,
                                                   unmonitored, beyond, on_missing, sub.index)
        if exempt is not None:
            return _finish_partial(sub, rs, subs, required, on_missing, "o3_8h", exempt)
        return _finish(sub, rs, subs, required, on_missing)

    out = _apply_by_rules(frame, rules, "date", compute)
    _warn_co_column(frame)
    return out


def _daily_subindices(get, columns, n: int, rs: RuleSet, unmonitored, beyond, on_missing, index=None):
    """Daily sub-indices under ``rs``: (subs, required indicators, rows exempt from O3 8-h or None).

    Shared by :func:`daily_aqi` and :func:`daily_aqi_values`, so both give the same AQI.
    """
    _check_options(on_missing, unmonitored, rs.daily.keys())
    missing_cols = [c for c in rs.daily if c not in columns and c not in unmonitored]
    if missing_cols:
        raise ValueError(note("error.calc.daily_needs", rules=rs.name, missing=repr(missing_cols), indicators=list(rs.daily)))
    subs = {}
    for col, table in rs.daily.items():
        if col in columns:
            subs[col] = _iaqi_table(get(col), rs, table, beyond, _col(col), index)
        else:
            subs[col] = np.full(n, np.nan)
    # HJ 633—2012 Table 1 note 3: O3 8-h > 800 has no sub-index; the O3 1-h one is reported.
    # Such a day is not "missing" O3 8-h.
    required = [c for c in rs.daily if c not in unmonitored]
    rule = rs.above.get("o3_8h")
    if rule is not None and rule.action == "use" and "o3_8h" in columns:
        cs = round_scaled(_numeric(get("o3_8h"), _col("o3_8h")), rs.decimals["o3"])
        over = cs > float(rule.threshold) * 10 ** rs.decimals["o3"]
        if over.any():
            subs["o3_8h"] = np.where(over, np.nan, subs["o3_8h"])
            return subs, required, over
    return subs, required, None


def daily_aqi_values(values, *, rules, on_missing: str = "rules", unmonitored=(), beyond: str = "cap",
                     check_units: bool = True) -> np.ndarray:
    """Daily AQI only, as a float array, for many days judged by one rule set (fast path).

    The same sub-index and combination code as :func:`daily_aqi` (GB/T 8170 rounding, exact
    integer interpolation rounded up, the rule set's missing-data rule), without building the
    category and primary-pollutant columns — for simulated days (:mod:`airq.forecast`), where
    millions of AQI are needed and only the value counts.

    Parameters
    ----------
    values : mapping str -> array
        Daily concentrations by indicator key (``so2, no2, co, pm10, pm25, o3_8h``, ``o3_1h``
        for HJ 633—2012) [µg/m³; co mg/m³], float arrays of one shape, NaN = missing.
    rules : rule-set name or RuleSet
        One rule set for every value (split by date before calling; :func:`airq.rules_for`).
    on_missing, unmonitored, beyond
        As in :func:`daily_aqi`.
    check_units : bool, default True
        Warn when ``co`` values look like µg/m³ (as :func:`daily_aqi`). ``False`` for values the
        caller made itself in mg/m³ (the simulated days of :mod:`airq.forecast`), whose rare
        tail draws above 50 mg/m³ are not unit slips. The check is vectorised (two comparisons
        per value).

    Returns
    -------
    numpy.ndarray
        AQI (integral floats, NaN where there is none), in the shape of the inputs.

    Warns
    -----
    AirqUnitWarning
        With ``check_units``, once per call when ``co`` values look like µg/m³, naming their
        positions in the input arrays; the AQI is computed from them as given.

    References
    ----------
    .. [1] HJ 633—2012 §5-6; HJ 633—2026 §4.2, §5.3 (standards.md §1.2-1.6).
    """
    rs = get_rules(rules)
    arrays = {k: np.asarray(v, dtype=float) for k, v in values.items()}
    shape = next(iter(arrays.values())).shape if arrays else (0,)
    flat = {k: v.ravel() for k, v in arrays.items()}
    n = int(np.prod(shape))
    subs, required, exempt = _daily_subindices(lambda c: flat[c], flat.keys(), n, rs, unmonitored, beyond, on_missing)
    rule = rs.missing_rule if on_missing == "rules" else on_missing
    aqi = _combine(subs, required, rule, None, labels=False)["aqi"]
    if exempt is not None and exempt.any():
        part = _combine({k: v[exempt] for k, v in subs.items()}, [r for r in required if r != "o3_8h"], rule, None,
                        labels=False)["aqi"]
        aqi[exempt] = part
    if check_units and "co" in arrays:
        _warn_co(arrays["co"], _positions_of(arrays["co"].shape))
    return aqi.reshape(shape)
