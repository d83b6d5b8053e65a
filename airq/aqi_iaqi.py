"""Individual air-quality index (IAQI) of one pollutant: :func:`iaqi` and the exact arithmetic under it.

Concentrations are first rounded per GB/T 8170 (:mod:`airq.rounding`) to whole µg/m³ (CO to
0.1 mg/m³) and carried as scaled integers; the breakpoints are scaled the same way. The
interpolation ``IAQI = (IAQI_Hi - IAQI_Lo)/(BP_Hi - BP_Lo) * (C - BP_Lo) + IAQI_Lo`` is then
evaluated as an integer fraction and rounded **up** (进位取整) with integer floor division
(:func:`_interp_scaled`), so no binary float ever meets the ceiling (standards.md §1.2, §5
item 1). Above the top of a table, ``beyond`` decides unless the rule set has its own rule
(:class:`airq.rules.Above`; see :mod:`airq.aqi`). :func:`_iaqi_table` (the sub-index of one
breakpoint table) is shared with the daily and real-time AQI (:mod:`airq.aqi_daily`,
:mod:`airq.aqi_realtime`).

Part of :mod:`airq.aqi` (which re-exports :func:`iaqi`).

References
----------
.. [1] HJ 633—2012 §6.1 eq.1, Table 1; HJ 633—2026 §4.2.1 eq.1, §4.2.6, Table 3
   (standards.md §1.1, §1.2).
.. [2] GB/T 8170—2008 (standards.md §1.2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .aqi_co_warning import _positions_of, _rows_of, _warn_co
from .aqi_inputs import AVERAGINGS, POLLUTANTS, _BEYOND, _column, _numeric
from .notes import note
from .rounding import _round_any, round_scaled
from .rules import RuleSet, get_rules
from .util import label as _label

__all__ = ["iaqi"]


def _interp_scaled(cs: np.ndarray, bp: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Exact ceil of the HJ 633 interpolation for scaled-integer concentrations.

    ``cs`` is a float array of integral values (NaN = missing) no larger than ``bp[-1]``.
    Returns float (integral values, NaN where ``cs`` is NaN).
    """
    out = np.full(cs.shape, np.nan)
    ok = ~np.isnan(cs)
    c = cs[ok].astype(np.int64)
    idx = np.clip(np.searchsorted(bp, c, side="left"), 1, len(bp) - 1)
    lo, hi = bp[idx - 1], bp[idx]
    ilo, ihi = levels[idx - 1], levels[idx]
    num = (ihi - ilo) * (c - lo)
    den = hi - lo
    out[ok] = ilo + (-((-num) // den))  # integer ceiling of num/den
    return out


def _iaqi_table(conc: np.ndarray, rules: RuleSet, table: str, beyond: str, what: str, index=None) -> np.ndarray:
    """Sub-index (float with NaN) of one breakpoint table; ``Above`` rules of 'use' kind give NaN."""
    if beyond not in _BEYOND:
        raise ValueError(f"beyond must be one of {_BEYOND}, not {beyond!r}")
    bp, decimals = rules.scaled_table(table)
    levels = np.asarray(rules.iaqi[: len(bp)], dtype=np.int64)
    floats = _numeric(conc, what, index)
    raw = np.asarray(conc)
    if raw.dtype == object or raw.dtype.kind in "US":
        # text, Decimal, Fraction: rounded exactly as written, not through a binary float
        cs = np.rint(_round_any(raw.astype(object), decimals) * 10.0**decimals)
    else:
        cs = round_scaled(floats, decimals)
    above_rule = rules.above.get(table)
    top = bp[-1]
    over = cs > top  # NaN compares False
    inside = np.where(over, np.nan, cs)
    out = _interp_scaled(inside, bp, levels)
    if over.any():
        if above_rule is not None:
            if above_rule.action == "fixed":
                out[over] = above_rule.iaqi
            # action == "use": no sub-index from this table (caller substitutes `use`)
        elif beyond == "cap":
            out[over] = levels[-1]
        elif beyond == "nan":
            out[over] = np.inf  # off the scale: the sub-index, and so the AQI, is not defined
        elif beyond == "raise":
            i = int(np.flatnonzero(over.ravel())[0])
            raise ValueError(note("error.calc.beyond_top", what=what, value=repr(np.asarray(conc).ravel()[i]), table=table,
                                  top=f"{bp[-1] / 10**decimals:g}"))
    return out


def _wrap_int(values: np.ndarray, like):
    """Return integer results in the shape and kind of the input (off-scale -> missing)."""
    values = np.where(np.isinf(values), np.nan, values)
    if isinstance(like, pd.Series):
        return pd.Series(pd.array(values, dtype="Int64"), index=like.index, name=like.name)
    if np.ndim(like) == 0:
        v = float(np.asarray(values).ravel()[0])
        return None if np.isnan(v) else int(v)
    values = np.asarray(values)
    if values.ndim == 1:
        return pd.array(values, dtype="Int64")
    missing = np.isnan(values)
    return np.ma.masked_array(np.where(missing, 0, values).astype(np.int64), mask=missing)


def iaqi(pollutant: str, concentration, *, averaging: str, rules, beyond: str = "cap"):
    """Individual air-quality index (IAQI) of one pollutant.

    Parameters
    ----------
    pollutant : {"so2", "no2", "pm10", "pm25", "co", "o3"}
    concentration : scalar, array-like, pandas.Series or pandas.DataFrame
        Concentration [µg/m³; CO mg/m³], rounded or not: it is rounded per GB/T 8170 to an
        integer (CO one decimal) first. Missing values give a missing IAQI. Negative or
        non-numeric values raise ``ValueError``.
    averaging : {"1h", "8h", "24h"}
        ``"24h"`` daily mean (SO2, NO2, PM10, PM2.5, CO), ``"1h"`` hourly value (SO2, NO2, CO,
        O3, and PM10/PM2.5, which HJ 633 interpolates on the 24-h breakpoints), ``"8h"`` O3.
    rules : {"HJ633-2012", "HJ633-2026"} or RuleSet
    beyond : {"cap", "nan", "raise"}, default "cap"
        Above the top breakpoint: report 500 (CNEMC practice), missing, or raise.

    Returns
    -------
    int (None if missing) for a scalar; ``Int64`` Series/DataFrame for pandas input; a pandas
    nullable integer array (``IntegerArray``) for other 1-D array-likes; an int64
    ``numpy.ma.MaskedArray`` (missing masked) for N-D arrays.

    Warns
    -----
    AirqUnitWarning
        For ``"co"``, once per call when values look like µg/m³ (above 50, :mod:`airq.aqi` docstring);
        the IAQI is computed from them as given.

    Notes
    -----
    SO2 1-h above 800 µg/m³: HJ 633—2012 computes no 1-h sub-index (missing here; the daily or
    real-time AQI falls back to the 24-h value), HJ 633—2026 sets 200. O3 8-h above 800 µg/m³:
    2012 none (the daily AQI uses O3 1-h), 2026 sets 300.

    References
    ----------
    .. [1] HJ 633—2012 §6.1 eq.1, Table 1; HJ 633—2026 §4.2.1 eq.1, §4.2.6, Table 3
       (standards.md §1.1, §1.2).

    Examples
    --------
    >>> iaqi("co", 2.2, averaging="24h", rules="HJ633-2012")
    55
    >>> iaqi("pm25", [60, 75], averaging="24h", rules="HJ633-2026").tolist()
    [100, 114]
    """
    rs = get_rules(rules)
    if pollutant not in POLLUTANTS:
        raise ValueError(note("error.calc.unknown_pollutant", pollutant=repr(pollutant), known=list(POLLUTANTS)))
    if averaging not in AVERAGINGS:
        raise ValueError(note("error.calc.unknown_averaging", averaging=repr(averaging), known=list(AVERAGINGS)))
    if pollutant in ("pm10", "pm25"):
        table = f"{pollutant}_24h"  # 1-h PM on the daily breakpoints (HJ 633—2026 eq.1)
        if averaging == "8h":
            raise ValueError(note("error.calc.no_8h", pollutant=pollutant))
    else:
        table = f"{pollutant}_{averaging}"
        if table not in rs.breakpoints:
            raise ValueError(note("error.calc.no_breakpoints", pollutant=pollutant, averaging=averaging, rules=rs.name))
    if isinstance(concentration, pd.DataFrame):
        cols = [concentration.iloc[:, j] for j in range(concentration.shape[1])]
        parts = [_iaqi_series(c, rs, table, beyond, pollutant) for c in cols]
        out = pd.concat([r for r, _ in parts], axis=1) if parts else pd.DataFrame(index=concentration.index)
        out.columns = concentration.columns
        if pollutant == "co" and parts:
            floats = np.column_stack([_numeric(a, pollutant) for _, a in parts])  # row-major: row, then column
            index, columns = concentration.index, concentration.columns
            _warn_co(floats, lambda pos: [note("calc.row_of_column", row=_label(index[i // len(columns)]),
                                               column=_label(columns[i % len(columns)])) for i in pos])
        return out
    if isinstance(concentration, pd.Series):
        out, arr = _iaqi_series(concentration, rs, table, beyond, pollutant)
        if pollutant == "co":
            _warn_co(_numeric(arr, pollutant), _rows_of(concentration.index))
        return out
    arr = np.asarray(concentration)
    out = _iaqi_table(arr, rs, table, beyond, pollutant, None)
    if pollutant == "co":
        _warn_co(_numeric(arr, pollutant), _positions_of(arr.shape))
    return _wrap_int(out, concentration)


def _iaqi_series(s: pd.Series, rs: RuleSet, table: str, beyond: str, what: str):
    """IAQI of a Series (``Int64`` Series, same index) and the array it was computed from."""
    arr = _column(s.to_frame("c"), "c")
    return _wrap_int(_iaqi_table(arr, rs, table, beyond, what, s.index), s), arr
