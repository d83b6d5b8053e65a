"""Table checks shared by :mod:`airq.quality` and :mod:`airq.store`, and the rows of the flags table.

Part of :mod:`airq.quality`. :func:`_canonical` returns a validated copy of a table with canonical
dtypes (``station`` text, the time key datetime64[ns] on whole hours or midnights, values
float64); its errors name the row (and the source file, :func:`_where`), the column and the
value, in the words of the string catalogue (:mod:`airq.notes`). :func:`_flag_block` and
:func:`_empty_flags` build tables in the layout of :data:`airq.quality_rules.FLAG_COLUMNS`;
:func:`_fmt` writes numbers into their ``detail`` text. Every name here is private: the checks
(:mod:`airq.quality_hourly`, :mod:`airq.quality_daily`, :mod:`airq.quality_gaps`) and
:mod:`airq.store` use them.
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .notes import note
from .util import label as _label
from .util import shorten

__all__: list[str] = []


def _where(frame: pd.DataFrame, pos: int):
    """'row <label>' plus the source file when the table has a ``source`` column (a note: a ``str``)."""
    row = _label(frame.index[pos])
    if "source" in frame.columns:
        src = frame["source"].iloc[pos]
        if isinstance(src, str) and src:
            return note("calc.row_source", row=row, source=repr(src))
    return note("calc.row", row=row)


def _station_column(frame: pd.DataFrame, what: str) -> pd.Series:
    col = frame["station"]
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        raise TypeError(note("error.calc.station_numbers", what=what, dtype=str(col.dtype)))
    miss = col.isna().to_numpy()
    if miss.any():
        pos = int(np.flatnonzero(miss)[0])
        raise ValueError(note("error.calc.station_missing", what=what, where=_where(frame, pos)))
    if len(col) and col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) != "string":
        # error path only: find the first value that is not text
        bad = ~col.map(lambda x: isinstance(x, str)).to_numpy(dtype=bool)
        pos = int(np.flatnonzero(bad)[0])
        raise TypeError(note("error.calc.station_not_text", what=what, where=_where(frame, pos), value=shorten(repr(col.iloc[pos]))))
    out = col.astype("str")
    empty = (out.str.strip() == "").to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise ValueError(note("error.calc.station_empty", what=what, where=_where(frame, pos)))
    return out


def _time_column(frame: pd.DataFrame, col: str, what: str, *, midnight: bool = False) -> pd.Series:
    s = frame[col]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        raise ValueError(note("error.calc.column_tz_aware", what=what, column=repr(col), dtype=str(s.dtype)))
    if not pd.api.types.is_datetime64_dtype(s.dtype):
        pos = 0
        try:
            conv = pd.to_datetime(s, errors="coerce")
            bad = (conv.isna() & s.notna()).to_numpy()
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
        except (TypeError, ValueError):
            pass
        val = s.iloc[pos] if len(s) else None
        if len(s):
            raise TypeError(note("error.calc.column_not_datetime", what=what, column=repr(col), dtype=str(s.dtype),
                                 where=_where(frame, pos), value=shorten(repr(val))))
        raise TypeError(note("error.calc.column_not_datetime_empty", what=what, column=repr(col), dtype=str(s.dtype),
                             value=shorten(repr(val))))
    out = s.astype("datetime64[ns]")
    nat = out.isna().to_numpy()
    if nat.any():
        pos = int(np.flatnonzero(nat)[0])
        raise ValueError(note("error.calc.missing_time", what=what, where=_where(frame, pos), column=repr(col)))
    unit = "D" if midnight else "h"
    off = (out != out.dt.floor(unit)).to_numpy()
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        key = "error.calc.not_midnight" if midnight else "error.calc.not_on_hour"
        raise ValueError(note(key, what=what, where=_where(frame, pos), column=repr(col), value=_label(out.iloc[pos])))
    return out


def _float_column(frame: pd.DataFrame, col: str, what: str) -> pd.Series:
    s = frame[col]
    if pd.api.types.is_bool_dtype(s.dtype):
        raise TypeError(note("error.calc.column_booleans", what=what, column=repr(col)))
    if pd.api.types.is_numeric_dtype(s.dtype):
        return pd.Series(s.to_numpy(dtype=float, na_value=np.nan), index=s.index, name=col)
    num = pd.to_numeric(s, errors="coerce")
    blank = s.isna() | (s.astype("str").str.strip() == "")
    bad = (num.isna() & ~blank).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise ValueError(note("error.calc.not_number_at", what=what, where=_where(frame, pos), column=repr(col),
                              value=shorten(repr(s.iloc[pos]))))
    return pd.Series(num.to_numpy(dtype=float, na_value=np.nan), index=s.index, name=col)


def _canonical(frame, *, key: str, values: Iterable[str], what: str, midnight: bool = False) -> pd.DataFrame:
    """Validated copy with canonical dtypes (station str, key datetime64[ns], values float64).

    Other columns are kept unchanged; ``attrs`` are dropped (a DataFrame in ``attrs`` breaks
    ``pd.concat`` in pandas >= 2.1).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} takes a pandas DataFrame, not {type(frame).__name__}")
    values = list(values)
    missing = [c for c in ["station", key, *values] if c not in frame.columns]
    if missing:
        raise ValueError(note("error.calc.table_lacks", what=what, missing=repr(missing), columns=repr(list(frame.columns))))
    if frame.columns.duplicated().any():
        raise ValueError(note("error.calc.duplicate_columns", what=what,
                              names=repr(sorted(set(frame.columns[frame.columns.duplicated()])))))
    out = frame.copy(deep=True)
    out.attrs = {}
    out["station"] = _station_column(frame, what)
    out[key] = _time_column(frame, key, what, midnight=midnight)
    for c in values:
        out[c] = _float_column(frame, c, what)
    return out


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": pd.Series([], dtype="str"),
            "time": pd.Series([], dtype="datetime64[ns]"),
            "column": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="float64"),
            "reason": pd.Series([], dtype="str"),
            "detail": pd.Series([], dtype="str"),
        }
    )


def _flag_block(station, time, column, value, reason, detail) -> pd.DataFrame:
    n = len(station)
    col = np.full(n, column, dtype=object) if isinstance(column, str) else np.asarray(column, dtype=object)
    det = np.full(n, detail, dtype=object) if isinstance(detail, str) else np.asarray(detail, dtype=object)
    return pd.DataFrame(
        {
            "station": pd.Series(np.asarray(station, dtype=object), dtype="str"),
            "time": pd.Series(np.asarray(time, dtype="datetime64[ns]")),
            "column": pd.Series(col, dtype="str"),
            "value": pd.Series(np.asarray(value, dtype=float)),
            "reason": pd.Series(np.full(n, reason, dtype=object), dtype="str"),
            "detail": pd.Series(det, dtype="str"),
        }
    )


def _fmt(values: np.ndarray) -> pd.Series:
    """Numbers as short text (``35``, ``0.8``, ``nan``), vectorised."""
    return pd.Series(np.char.mod("%g", np.asarray(values, dtype=float)), dtype="str")
