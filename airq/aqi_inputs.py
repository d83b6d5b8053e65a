"""What the AQI functions accept: indicator keys, option values and the checks of the inputs.

This module holds the keys of :func:`airq.aqi.iaqi` (:data:`POLLUTANTS`, :data:`AVERAGINGS`), the
order of tied primary pollutants (:data:`INDICATOR_ORDER`, the column order of HJ 633 Table 1),
the CNEMC display names (:data:`INDICATOR_NAMES`), the values of the ``beyond`` and ``on_missing``
options, and the checks the other ``airq.aqi_*`` modules share: concentrations as floats (text
read as written, ``"NA"`` and the other :data:`airq.rounding.MISSING_TEXT` missing; clear errors
for dates, booleans, non-numeric, negative and infinite values), frame columns that keep what
their values stand for (text, float32), the frame type and the options.

Part of :mod:`airq.aqi` (which re-exports the public names; its docstring describes the
arithmetic and the options).

References
----------
.. [1] HJ 633—2012 Table 1; HJ 633—2026 Table 1, Table 3 (standards.md §1.1).
.. [2] GB/T 8170—2008 (standards.md §1.2).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .notes import note
from .rounding import MISSING_TEXT
from .util import widen_float
from .util import label as _label

__all__ = [
    "POLLUTANTS",
    "AVERAGINGS",
    "INDICATOR_ORDER",
    "INDICATOR_NAMES",
]


#: Pollutant keys accepted by :func:`iaqi`.
POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")
#: Averaging keys accepted by :func:`iaqi`.
AVERAGINGS = ("1h", "8h", "24h")
#: Order in which tied primary pollutants are listed (the column order of HJ 633 Table 1).
INDICATOR_ORDER = ("so2", "no2", "pm10", "co", "o3", "o3_1h", "o3_8h", "pm25")
#: Display names of the indicators, as CNEMC publishes them.
INDICATOR_NAMES = {
    "so2": "二氧化硫(SO2)",
    "no2": "二氧化氮(NO2)",
    "pm10": "颗粒物(PM10)",
    "co": "一氧化碳(CO)",
    "o3": "臭氧1小时(O3)",
    "o3_1h": "臭氧1小时(O3)",
    "o3_8h": "臭氧8小时(O3)",
    "pm25": "细颗粒物(PM2.5)",
}
_BEYOND = ("cap", "nan", "raise")
_ON_MISSING = ("rules", "strict", "publish_above_100", "available")


def _where(i: int, index):
    """Where the ``i``-th value is: ``row <label>`` of ``index``, else ``position i`` (a note)."""
    return note("calc.row", row=_label(index[i])) if index is not None else note("calc.position", i=i)


def _col(col):
    """``column 'co'``: the ``what`` of a frame column in messages (a note)."""
    return note("calc.column", column=repr(col))


def _numeric(values: np.ndarray, what: str, index=None) -> np.ndarray:
    """Float array of concentrations; clear errors for non-numeric and negative values.

    Text is read as written (``"NA"``, ``""`` and the other :data:`airq.rounding.MISSING_TEXT`
    are missing); float16/float32 values are taken as the decimals they stand for.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "mMc" or (arr.dtype == object and any(isinstance(v, (pd.Timestamp, np.datetime64, pd.Timedelta)) for v in arr.ravel()[:1000])):
        raise ValueError(note("error.calc.dates_not_concentrations", what=what))
    if arr.dtype == object or arr.dtype.kind in "USO":
        orig = pd.Series(arr.ravel(), dtype=object)
        text = orig.map(lambda v: v.strip().upper() if isinstance(v, str) else None)
        is_missing_text = text.isin(MISSING_TEXT).to_numpy()
        flat = pd.to_numeric(orig.where(~is_missing_text, None), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(flat) & orig.notna().to_numpy() & ~is_missing_text
        bad &= ~orig.map(lambda v: isinstance(v, float) and np.isnan(v)).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(note("error.calc.non_numeric", what=what, value=repr(orig.iloc[i]), where=_where(i, index)))
        arr = flat.reshape(arr.shape)
    elif arr.dtype.kind == "b":
        raise ValueError(note("error.calc.booleans_not_concentrations", what=what))
    arr = widen_float(arr).astype(float)
    neg = arr < 0
    if neg.any():
        i = int(np.flatnonzero(neg.ravel())[0])
        raise ValueError(note("error.calc.negative", what=what, value=repr(arr.ravel()[i]), where=_where(i, index)))
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr).ravel())[0])
        raise ValueError(note("error.calc.infinite", what=what, where=_where(i, index)))
    return arr


def _column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A concentration column as an array that keeps what its values stand for.

    Text stays text (parsed exactly, with clear errors), float32 stays float32 (widened through
    its decimal text later), everything else becomes float64 with NaN for missing.
    """
    s = frame[col]
    dtype = s.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return s.to_numpy(dtype=object)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        return s.to_numpy()
    if isinstance(dtype, pd.Float32Dtype):
        return s.to_numpy(dtype=np.float32, na_value=np.nan)
    return s.to_numpy(dtype=float, na_value=np.nan)


def _prepare(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} takes a pandas DataFrame, not {type(frame).__name__}")
    return frame


def _check_options(on_missing, unmonitored, valid_keys):
    if on_missing not in _ON_MISSING:
        raise ValueError(f"on_missing must be one of {_ON_MISSING}, not {on_missing!r}")
    bad = [u for u in unmonitored if u not in valid_keys]
    if bad:
        raise ValueError(f"unmonitored names unknown indicator(s) {bad}; known: {sorted(valid_keys)}")
