"""Reader for the daily wide ``china_sites_YYYYMMDD.csv`` files (all national stations).

File layout: header ``date,hour,type,<station code>,<station code>,...``; one row per hour and
quantity, one column per station::

    date,hour,type,1001A,1002A,...
    20231201,0,AQI,57,41,...
    20231201,0,PM2.5,40,28,...

``date`` is ``YYYYMMDD``, ``hour`` 0..23 (24 accepted as next-day 00:00), Beijing time. The
stamps are the CNEMC **hour-ending** time points (HJ 663; the same real-time feed as
:mod:`airq.io.cnemc`): the row ``date=D, hour=h`` is the mean over ``h-1 .. h``, so inside airq
it is ``time = D h:00 - 1 h``. In particular hour 0 of file D is the hour 23:00-24:00 of day
D-1 (``time = D-1 23:00``) and belongs to natural day **D-1**; a natural day D is hours 1..23
of file D plus hour 0 of file D+1 [1]_. With ``hour_label="start"`` the stamps are taken as
hour starts instead.

``type`` mapping (any other type is an error):

================  =========================  =================================================
type              canonical column           meaning
================  =========================  =================================================
SO2 NO2 CO        ``so2 no2 co``             1-h value [µg/m³; CO mg/m³]
O3 PM10 PM2.5     ``o3 pm10 pm25``           1-h value [µg/m³]
AQI               ``published_aqi``          real-time hourly AQI as published
<X>_24h (X≠O3)    ``published_<x>_24h``      24-h moving mean
O3_24h            ``published_o3_1h_max``    max 1-h O3 over the last 24 h
O3_8h             ``published_o3_8h``        8-h moving mean
O3_8h_24h         ``published_o3_8h_max``    max 8-h moving mean
================  =========================  =================================================

The O3 names follow the CNEMC publishing API (``o3_24h`` = daily max 1-h, ``o3_8h_24h`` =
daily max 8-h); no swap detection is done for these files (there is no real sample to check
against). Every canonical and published column is present in the output even where a type is
absent from a file (NaN). A station column that is empty throughout still yields its
station-hours (all NaN): nothing is dropped.

Duplicated ``(date, hour, type)`` rows are not merged: the second occurrence goes into a
second row for that station-hour (duplicates are the quality module's business).

References
----------
.. [1] HJ 663—2013 §6.1; standards.md §2.4 (natural day = labels 01:00 ... 24:00).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..timeconv import _check_label, to_hour_start
from . import _core
from ._core import HOURLY_COLUMNS, POLLUTANTS
from .encoding import check_encoding
from .errors import ReadError

__all__ = ["CHINA_SITES_TYPES", "read_china_sites"]

#: ``type`` value -> canonical column.
CHINA_SITES_TYPES = {
    "SO2": "so2",
    "NO2": "no2",
    "CO": "co",
    "O3": "o3",
    "PM10": "pm10",
    "PM2.5": "pm25",
    "AQI": "published_aqi",
    "SO2_24h": "published_so2_24h",
    "NO2_24h": "published_no2_24h",
    "CO_24h": "published_co_24h",
    "PM10_24h": "published_pm10_24h",
    "PM2.5_24h": "published_pm25_24h",
    "O3_24h": "published_o3_1h_max",
    "O3_8h": "published_o3_8h",
    "O3_8h_24h": "published_o3_8h_max",
}
_OUT = tuple(CHINA_SITES_TYPES.values())  # output value columns, in order
_DTYPES = {"time": "datetime64[ns]", **{c: np.float64 for c in _OUT}}


def _read_one(path: Path, hour_label: str, errors: str, encoding: str):
    table = _core.read_csv_table(path, ("date", "hour", "type"), encoding=encoding)
    codes = [c for c in table.names if c not in ("date", "hour", "type")]
    if not codes:
        raise ReadError(path, 1, None, None, "no station columns after date,hour,type")
    if "" in codes:
        raise ReadError(path, 1, None, "", f"empty station code in the header (column {table.names.index('') + 1})")
    n = table.n

    # keys: label time and type of every row
    date = table.text("date")
    ok = pd.Series(date, dtype=object).str.fullmatch(r"\d{8}").to_numpy(dtype=bool)
    day = pd.to_datetime(pd.Series(date, dtype=object).where(ok), format="%Y%m%d", errors="coerce").to_numpy(dtype="datetime64[ns]")
    if np.isnat(day).any():
        i = int(np.flatnonzero(np.isnat(day))[0])
        raise table.error(i, "date", table.raw("date")[i], "not a date like 20231201")
    hour = _core.integers(table, "hour", 0, 24)
    labels = day + hour.astype("timedelta64[h]").astype("timedelta64[ns]")
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    types = table.text("type")
    out_col = pd.Series(types, dtype=object).map(CHINA_SITES_TYPES)
    unknown = out_col.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise table.error(i, "type", table.raw("type")[i], f"unknown type (known: {', '.join(CHINA_SITES_TYPES)})")
    type_idx = pd.Index(_OUT).get_indexer(out_col.to_numpy())

    # output row keys: (time, occurrence) — a repeated (time, type) row opens a second occurrence
    occ = pd.DataFrame({"t": time, "k": type_idx}).groupby(["t", "k"], sort=False).cumcount().to_numpy()
    key_codes, key_uniques = pd.factorize(pd.MultiIndex.from_arrays([time, occ]), sort=False)
    key_time = key_uniques.get_level_values(0).to_numpy(dtype="datetime64[ns]")
    n_keys, n_st = len(key_uniques), len(codes)

    # all station columns at once: one long text array, column-major (station, row)
    long = _core.Table(
        path=table.path,
        columns={"v": pa.chunked_array([c for code in codes for c in table.columns[code].chunks], type=pa.string())},
        lines=np.tile(table.lines, n_st),
    )
    bad: list = []
    vals = _core.numbers(long, "v", "v", bad).reshape(n_st, n) if n else np.empty((n_st, 0))
    cube = np.full((n_keys, len(_OUT), n_st), np.nan)
    cube[key_codes, type_idx, :] = vals.T
    flags = None
    if bad:
        cells = bad[0].index  # position in the long array: station * n + row
        st_i, row_i = np.divmod(cells, n)
        raw = long.raw("v")[cells]
        if errors == "raise":
            first = int(np.lexsort((st_i, table.lines[row_i]))[0])
            more = cells.size - 1
            reason = bad[0].reasons[first]
            if more:
                reason += f" ({more} more unparseable value(s) in this file; errors='flag' turns them into NaN with a flag)"
            raise table.error(int(row_i[first]), codes[st_i[first]], raw[first], reason)
        flags = pd.DataFrame(
            {
                "station": np.asarray(codes, dtype=object)[st_i],
                "time": time[row_i],
                "column": np.asarray(_OUT, dtype=object)[type_idx[row_i]],
                "value": raw,
                "reason": bad[0].reasons,
                "source": table.source,
                "row": table.lines[row_i],
                "raw_column": np.asarray(codes, dtype=object)[st_i],
            }
        ).sort_values("row", kind="stable", ignore_index=True)
    frame = pd.DataFrame(
        {
            "station": np.tile(np.asarray(codes, dtype=object), n_keys),
            "time": np.repeat(key_time, n_st),
        }
    )
    flat = cube.transpose(0, 2, 1).reshape(n_keys * n_st, len(_OUT))
    for k, c in enumerate(_OUT):
        frame[c] = flat[:, k]
    frame["source"] = table.source
    return _core.tag_encoding(frame, table), flags


def read_china_sites(sources, *, hour_label="end", errors="raise", encoding="auto", progress=False):
    """Read ``china_sites_YYYYMMDD.csv`` files into the canonical hourly table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``china_sites_*.csv`` inside, recursively, sorted), a glob
        pattern, or a list of those.
    hour_label : {"end", "start"}, default "end"
        What ``date``/``hour`` mark: the end of the averaging hour (CNEMC convention) or its
        start. See the module docstring for the day boundary.
    errors : {"raise", "flag"}, default "raise"
        A value that is neither a number nor a missing marker raises
        :class:`~airq.io.ReadError` (file, line, station column, value); with ``"flag"`` it
        becomes NaN and is listed in ``df.attrs["flags"]``. Bad dates, hours or types always
        raise.
    encoding : str, default "auto"
        Text encoding: ``"auto"`` detects it per file (byte-order mark, then UTF-8, then
        GB18030), or a codec name (:mod:`airq.io.encoding`); the one used is in
        ``df.attrs["encodings"]``.
    progress : bool, default False
        Show a tqdm progress bar over the files.

    Returns
    -------
    pandas.DataFrame
        One row per station column and (hour, occurrence) of each file, ordered by file, then
        time, then station column order: ``station``, ``time`` (hour start, Beijing time,
        naive), ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³], ``published_aqi``,
        ``published_<x>_24h``, ``published_o3_1h_max``, ``published_o3_8h``,
        ``published_o3_8h_max``, ``source`` (file name).

    Raises
    ------
    ReadError
        Malformed header (no ``date``, ``hour`` or ``type`` column, no station column),
        wrong number of fields, bad date/hour/type, or a bad value (``errors="raise"``).

    References
    ----------
    .. [1] HJ 663—2013 §6.1; standards.md §2.4.
    """
    _check_label(hour_label)
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("china_sites_*.csv",))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "china_sites files"):
        frame, fl = _read_one(path, hour_label, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, HOURLY_COLUMNS + _OUT[len(POLLUTANTS) :], _DTYPES, encoding=encoding)
    return _core.attach_flags(df, flags, errors)
