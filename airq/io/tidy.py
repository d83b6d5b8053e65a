"""Readers for airq's documented tidy layouts (CSV or Parquet): hourly and station-daily.

Tidy hourly layout
------------------
Columns ``station, time`` plus any of ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³],
one row per station-hour, e.g. ::

    station,time,pm25,o3
    2506A,2024-01-01 01:00,35,60
    2506A,2024-01-01 24:00,41,

* ``time``: Beijing time, text ``YYYY-MM-DD HH:MM`` (``T`` instead of the space and a
  trailing ``:00`` for seconds are accepted). ``hour_label="end"`` (default, Chinese
  convention): the stamp is the end of the hour, so ``2024-01-01 01:00`` becomes airq's
  ``time = 2024-01-01 00:00``. The label ``YYYY-MM-DD 24:00`` is accepted and means the next
  day's ``00:00`` label (the last hour of natural day YYYY-MM-DD). Minutes must be ``00``. In
  Parquet, ``time`` may also be a timestamp column (naive = Beijing time; tz-aware is
  converted to Beijing time).
* Pollutant columns that are absent become NaN columns. Missing values: empty or one of
  :data:`airq.io.MISSING_MARKERS`.
* Columns starting with ``published_`` are kept (for comparison only): ``published_aqi`` and
  ``published_<pollutant>_...`` are parsed as numbers like the pollutants; any other
  ``published_*`` column (e.g. ``published_primary``) is kept as text.
* **Any other column is an error** (:class:`~airq.io.ReadError` naming the file and the
  columns): an unknown column is more likely a misspelt pollutant than something to ignore.

Tidy daily layout
-----------------
Columns ``station, date`` plus any of ``so2, no2, co, pm10, pm25`` (24-h means), ``o3_8h``
(daily max 8-h), ``o3_1h`` (daily max 1-h); ``date`` is ``YYYY-MM-DD`` (the natural day) or a
Parquet date/timestamp at midnight. Optional count columns ``n_so2 ... n_o3_8h``
(:data:`airq.io.DAILY_COUNTS`) are read as numbers; absent ones are NaN = unknown (the values
were received as daily values, not computed from hours). ``published_*`` columns as above; any
other column is an error.

In both layouts ``.parquet`` / ``.pq`` files are read as Parquet, anything else as CSV. For
Parquet the ``row`` of an error is the 1-based record number.

References
----------
.. [1] docs/architecture.md (canonical hourly and station-daily tables).
.. [2] HJ 663—2013 §6.1; standards.md §2.4 (hour-ending labels, natural day).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..timeconv import BEIJING, _check_label, to_hour_start
from . import _core
from ._core import DAILY_COLUMNS, DAILY_COUNTS, DAILY_VALUES, HOURLY_COLUMNS, POLLUTANTS

__all__ = ["read_tidy", "read_tidy_daily"]

_PARQUET = (".parquet", ".pq")
_HOURLY_DTYPES = {"time": "datetime64[ns]", **{p: np.float64 for p in POLLUTANTS}}
_DAILY_DTYPES = {"date": "datetime64[ns]", **{c: np.float64 for c in DAILY_VALUES + DAILY_COUNTS}}
_TIME_RE = r"^(?P<d>\d{4}-\d{2}-\d{2})[ T](?P<h>\d{2}):(?P<m>\d{2})(?::00)?$"
_DATE_RE = r"^\d{4}-\d{2}-\d{2}$"


def _open(path: Path, required, encoding: str) -> _core.Table:
    if path.suffix.lower() in _PARQUET:
        return _core.read_parquet_table(path, required)
    return _core.read_csv_table(path, required, encoding=encoding)


def _check_columns(table: _core.Table, allowed) -> None:
    unknown = [c for c in table.names if c not in allowed and not c.startswith("published_")]
    if unknown:
        raise _core.ReadError(
            table.path,
            1 if table.unit == "line" else None,
            unknown[0],
            None,
            f"unknown column(s) {', '.join(map(repr, unknown))} (allowed: {', '.join(allowed)}, published_*)",
            unit=table.unit,
        )


def _numeric_published(name: str, pollutants) -> bool:
    rest = name[len("published_") :]
    return rest == "aqi" or any(rest == p or rest.startswith(p + "_") for p in pollutants)


def _timestamps(table: _core.Table, column: str) -> np.ndarray | None:
    """A Parquet timestamp/date column as naive Beijing datetime64[ns] (None if text)."""
    arr = table.columns[column]
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        s = pd.Series(arr.to_pandas())
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert(BEIJING).dt.tz_localize(None)
        t = pd.to_datetime(s).to_numpy(dtype="datetime64[ns]")
        if np.isnat(t).any():
            i = int(np.flatnonzero(np.isnat(t))[0])
            raise table.error(i, column, None, f"missing {column}")
        return t
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return None
    raise table.error(column=column, reason=f"expected text or timestamps, found {arr.type} values")


def _text_labels(table: _core.Table, column: str) -> np.ndarray:
    """``YYYY-MM-DD HH:MM`` labels (``24:00`` = next day 00:00) as datetime64[ns]."""
    t = pc.utf8_trim_whitespace(table.columns[column])
    parts = pc.extract_regex(t, _TIME_RE)
    ok = np.asarray(pc.is_valid(parts).to_numpy(zero_copy_only=False), dtype=bool)
    day_text = pc.struct_field(parts, "d").to_numpy(zero_copy_only=False)
    hour = pc.struct_field(parts, "h").to_numpy(zero_copy_only=False)
    minute = pc.struct_field(parts, "m").to_numpy(zero_copy_only=False)
    codes, uniq = pd.factorize(pd.Series(day_text, dtype=object).where(ok), use_na_sentinel=True)
    days_u = pd.to_datetime(pd.Series(uniq, dtype=object), format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[ns]")
    day = np.where(codes >= 0, days_u[np.maximum(codes, 0)] if days_u.size else np.datetime64("NaT"), np.datetime64("NaT"))
    h = np.where(ok, pd.to_numeric(pd.Series(hour, dtype=object).where(ok)), -1)
    mi = np.where(ok, pd.to_numeric(pd.Series(minute, dtype=object).where(ok)), -1)
    wrong = ~ok | np.isnat(day) | (h > 24)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise table.error(i, column, table.raw(column)[i], "not a time like 2024-01-01 01:00 (hours 00..24)")
    off = mi != 0
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise table.error(i, column, table.raw(column)[i], "time is not on a whole hour")
    return day.astype("datetime64[ns]") + h.astype(np.int64).astype("timedelta64[h]").astype("timedelta64[ns]")


def _published(table: _core.Table, frame: pd.DataFrame, bad: list, pollutants) -> None:
    for c in table.names:
        if c.startswith("published_"):
            if _numeric_published(c, pollutants):
                frame[c] = _core.numbers(table, c, c, bad)
            else:
                frame[c] = _core.optional_text(table, c) if table.columns[c].type in (pa.string(), pa.large_string()) else table.raw(c)


def _read_hourly(path: Path, hour_label: str, errors: str, encoding: str):
    table = _open(path, ("station", "time"), encoding)
    _check_columns(table, HOURLY_COLUMNS)
    station = _core.required_text(table, "station", "station code")
    labels = _timestamps(table, "time")
    if labels is None:
        labels = _text_labels(table, "time")
    else:
        labels = _core.on_whole_hour(table, "time", labels)
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    bad: list = []
    frame = pd.DataFrame({"station": station, "time": time})
    for p in POLLUTANTS:
        frame[p] = _core.numbers(table, p, p, bad) if p in table.columns else np.nan
    _published(table, frame, bad, POLLUTANTS)
    flags = _core.resolve_bad(table, bad, errors, station, time)
    frame["source"] = table.source
    return frame, flags


def read_tidy(sources, *, hour_label="end", errors="raise", encoding="utf-8", progress=False):
    """Read tidy hourly CSV or Parquet files into the canonical hourly table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``*.csv``, ``*.parquet``, ``*.pq`` inside, recursively,
        sorted), a glob pattern, or a list of those.
    hour_label : {"end", "start"}, default "end"
        What ``time`` marks: the end of the averaging hour (Chinese convention) or its start.
    errors : {"raise", "flag"}, default "raise"
        A pollutant (or numeric ``published_*``) value that is neither a number nor a missing
        marker raises :class:`~airq.io.ReadError`; with ``"flag"`` it becomes NaN and is listed
        in ``df.attrs["flags"]``. Bad station codes or times always raise.
    encoding : str, default "utf-8"
        Encoding of CSV files.
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        ``station`` (str), ``time`` (datetime64[ns], hour start, Beijing time, naive),
        ``so2, no2, co, o3, pm10, pm25`` (float64 [µg/m³; co mg/m³]; absent columns NaN),
        ``published_*`` columns as found, ``source`` (file name). Input order kept.

    Raises
    ------
    ReadError
        Missing ``station``/``time`` column, unknown column, wrong number of fields, bad
        station/time, or a bad value (``errors="raise"``).

    Examples
    --------
    A file with ``2506A,2024-01-01 24:00,41`` gives ``time == 2024-01-01 23:00``.
    """
    _check_label(hour_label)
    _core.check_errors(errors)
    files = _core.expand_sources(sources, ("*.csv", "*.parquet", "*.pq"))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "tidy files"):
        frame, fl = _read_hourly(path, hour_label, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, HOURLY_COLUMNS, _HOURLY_DTYPES)
    return _core.attach_flags(df, flags, errors)


def _dates(table: _core.Table, column: str) -> np.ndarray:
    t = _timestamps(table, column)
    if t is None:
        text = pc.utf8_trim_whitespace(table.columns[column])
        codes, uniq = pd.factorize(text.to_numpy(zero_copy_only=False), use_na_sentinel=False)
        s = pd.Series(np.asarray(uniq, dtype=object), dtype=object)
        ok = s.str.fullmatch(_DATE_RE).fillna(False)
        parsed = pd.to_datetime(s.where(ok), format="%Y-%m-%d", errors="coerce").to_numpy(dtype="datetime64[ns]")
        t = parsed[codes]
        if np.isnat(t).any():
            i = int(np.flatnonzero(np.isnat(t))[0])
            raise table.error(i, column, table.raw(column)[i], "not a date like 2024-01-31")
    off = t != t.astype("datetime64[D]").astype("datetime64[ns]")
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise table.error(i, column, table.raw(column)[i], "date has a time of day (must be midnight)")
    return t


def daily_frame(station, date, values: dict) -> pd.DataFrame:
    """A canonical station-daily frame; absent values and counts are NaN."""
    frame = pd.DataFrame({"station": station, "date": date})
    for c in DAILY_VALUES + DAILY_COUNTS:
        frame[c] = values.get(c, np.nan)
    return frame


def _read_daily(path: Path, errors: str, encoding: str):
    table = _open(path, ("station", "date"), encoding)
    _check_columns(table, DAILY_COLUMNS)
    station = _core.required_text(table, "station", "station code")
    date = _dates(table, "date")
    bad: list = []
    values = {c: _core.numbers(table, c, c, bad) for c in DAILY_VALUES + DAILY_COUNTS if c in table.columns}
    frame = daily_frame(station, date, values)
    _published(table, frame, bad, DAILY_VALUES)
    flags = _core.resolve_bad(table, bad, errors, station, date)
    frame["source"] = table.source
    return frame, flags


def read_tidy_daily(sources, *, errors="raise", encoding="utf-8", progress=False):
    """Read tidy station-daily CSV or Parquet files into the canonical station-daily table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``*.csv``, ``*.parquet``, ``*.pq`` inside), a glob pattern, or
        a list of those.
    errors : {"raise", "flag"}, default "raise"
        As for :func:`read_tidy`; in the flags table ``time`` holds the date (midnight).
    encoding : str, default "utf-8"
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        ``station``, ``date`` (datetime64[ns], midnight), ``so2, no2, co, pm10, pm25``
        (24-h means), ``o3_8h``, ``o3_1h`` (float64 [µg/m³; co mg/m³]), counts ``n_so2 ...
        n_o3_8h`` (float64; NaN = unknown), ``published_*`` as found, ``source``.

    Raises
    ------
    ReadError
        As for :func:`read_tidy`, with ``date`` instead of ``time``.
    """
    _core.check_errors(errors)
    files = _core.expand_sources(sources, ("*.csv", "*.parquet", "*.pq"))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "tidy daily files"):
        frame, fl = _read_daily(path, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, DAILY_COLUMNS, _DAILY_DTYPES)
    return _core.attach_flags(df, flags, errors)
