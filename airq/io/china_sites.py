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

Repeated lines
--------------
A line that repeats the ``(date, hour, type)`` of an earlier line of the same file (the same
hour also when written ``D,24`` and ``D+1,0``) adds no row: each station-hour is one row and
each type one value in it. Compared station by station (as parsed, ``53`` equals ``53.0``,
missing equals missing; a value already flagged as unparseable or cut counts as unknown and is
not compared):

* a line identical to the earlier one is **dropped** and counted
  (``df.attrs["china_sites"]["duplicate_lines_identical"]``, and a sentence in
  ``df.attrs["read_notes"]``);
* where the lines disagree for a station (a value against another value, or against missing)
  that station's value of that type is a ``duplicate_conflict``: with ``errors="raise"`` a
  :class:`~airq.io.ReadError` names the later line, the station column, its value and the
  earlier line's value; with ``errors="flag"`` the value is set missing and every copy is
  listed in ``df.attrs["flags"]`` (reason ``duplicate_conflict``, verbatim value, line).
  Stations on which the lines agree keep their value, and no other type or hour is touched
  (counted: ``duplicate_lines_conflicting``, ``duplicate_conflict_values``).

Repeats across files (two files holding the same hour) are kept as separate rows and left to
:func:`airq.quality.check_hourly` (``duplicate_identical`` / ``duplicate_conflict``).

Cut-off files and dates
-----------------------
A last line without a final newline may be cut short: its last value (and any missing station
fields) is flagged ``truncated_last_line`` or, with ``errors="raise"``, refused; a cut in
``date``, ``hour`` or ``type`` is always refused (:mod:`airq.io._checks`). A date outside
2000-01-01 .. 31 December of next year is always refused. A header-only file gives zero rows
and a note (``df.attrs["header_only_files"]``, ``df.attrs["read_notes"]``).

References
----------
.. [1] HJ 663—2013 §6.1; standards.md §2.4 (natural day = labels 01:00 ... 24:00).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from ..notes import note
from ..timeconv import _check_label, to_hour_start
from . import _checks, _core
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


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality with NaN == NaN."""
    return (a == b) | (np.isnan(a) & np.isnan(b))


def _flag_frame(table, st_i, row_i, codes, time, type_idx, values, reason) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": np.asarray(codes, dtype=object)[st_i],
            "time": time[row_i],
            "column": np.asarray(_OUT, dtype=object)[type_idx[row_i]],
            "value": np.asarray(values, dtype=object),
            "reason": reason,
            "source": table.source,
            "row": table.lines[row_i],
            "raw_column": np.asarray(codes, dtype=object)[st_i],
        }
    )


def _merge_repeats(table, vals, known, group, codes, time, type_idx, raw_of, errors):
    """Collapse lines that repeat a (time, type): see "Repeated lines" in the module docstring.

    ``vals`` (stations x lines) are the parsed values, ``known`` marks the cells that are not
    flagged already (unparseable, cut). Returns (values per group (stations x groups), conflict
    flags or None, counts).
    """
    n_st, n = vals.shape
    n_groups = int(group.max()) + 1 if n else 0
    out = np.full((n_st, n_groups), np.nan)
    single = np.bincount(group, minlength=n_groups)[group] == 1
    out[:, group[single]] = vals[:, single]
    counts = {"identical": 0, "conflicting": 0, "values": 0, "examples": []}
    parts = []
    for g in np.unique(group[~single]):
        rows = np.flatnonzero(group == g)  # line order
        v, k = vals[:, rows], known[:, rows]
        pick = np.argmax(k, axis=1)
        ref = v[np.arange(n_st), pick]
        has = k.any(axis=1)
        differ = k & ~_same(v, ref[:, None])
        conflict = differ.any(axis=1)
        kept = np.where(has & ~conflict, ref, np.nan)
        out[:, g] = kept
        # each later line: identical to the first one (dropped) or not (merged, its disagreements flagged)
        other = (k[:, 1:] & k[:, :1] & ~_same(v[:, 1:], v[:, :1])).any(axis=0)
        counts["identical"] += int((~other).sum())
        counts["conflicting"] += int(other.sum())
        for j in np.flatnonzero(~other)[: max(0, 3 - len(counts["examples"]))] + 1:
            counts["examples"].append(note("read.repeats_line", line=int(table.lines[rows[j]]), first=int(table.lines[rows[0]])))
        if not conflict.any():
            continue
        counts["values"] += int(conflict.sum())
        if errors == "raise":
            st, j = np.argwhere(differ)[0]
            r, r0 = rows[j], rows[pick[st]]
            more = int(conflict.sum()) - 1
            line0, value0 = int(table.lines[r0]), raw_of(st, r0)
            raise table.error(
                int(r), codes[st], raw_of(st, r),
                note("error.read.repeat_conflict_more", line=line0, value=value0, more=more) if more
                else note("error.read.repeat_conflict", line=line0, value=value0),
            )
        st_i, j = np.nonzero(conflict[:, None] & k)
        parts.append(_flag_frame(table, st_i, rows[j], codes, time, type_idx,
                                 [raw_of(s_, r_) for s_, r_ in zip(st_i, rows[j])], "duplicate_conflict"))
    return out, (pd.concat(parts, ignore_index=True) if parts else None), counts


def _read_one(path: Path, hour_label: str, errors: str, encoding: str):
    table = _core.read_csv_table(path, ("date", "hour", "type"), encoding=encoding)
    codes = [c for c in table.names if c not in ("date", "hour", "type")]
    if not codes:
        raise ReadError(path, 1, None, None, note("error.read.no_station_columns"))
    if "" in codes:
        raise ReadError(path, 1, None, "", note("error.read.empty_station_code", k=table.names.index("") + 1))
    n = table.n
    cut_bad: list = []
    _checks.cut_cells(table, keys=("date", "hour", "type"), values={c: c for c in codes}, bad=cut_bad, errors=errors)

    # keys: label time and type of every row
    date = pd.Series(table.text("date"), dtype=object)
    ok = date.str.fullmatch(r"\d{8}").to_numpy(dtype=bool)
    _checks.check_years(table, "date", pd.to_numeric(date.where(ok).str[:4], errors="coerce").to_numpy(dtype=float))
    day = pd.to_datetime(date.where(ok), format="%Y%m%d", errors="coerce").to_numpy(dtype="datetime64[ns]")
    if np.isnat(day).any():
        i = int(np.flatnonzero(np.isnat(day))[0])
        raise table.error(i, "date", table.raw("date")[i], note("error.read.not_date_like", example="20231201"))
    hour = _core.integers(table, "hour", 0, 24)
    labels = day + hour.astype("timedelta64[h]").astype("timedelta64[ns]")
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    _checks.check_dates(table, "date", time)
    types = table.text("type")
    out_col = pd.Series(types, dtype=object).map(CHINA_SITES_TYPES)
    unknown = out_col.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise table.error(i, "type", table.raw("type")[i], note("error.read.unknown_type", known=list(CHINA_SITES_TYPES)))
    type_idx = pd.Index(_OUT).get_indexer(out_col.to_numpy())

    # all station columns at once: one long text array, column-major (station, row)
    n_st = len(codes)
    long = _core.Table(
        path=table.path,
        columns={"v": pa.chunked_array([c for code in codes for c in table.columns[code].chunks], type=pa.string())},
        lines=np.tile(table.lines, n_st),
    )
    bad: list = []
    vals = _core.numbers(long, "v", "v", bad).reshape(n_st, n) if n else np.empty((n_st, 0))
    known = np.ones((n_st, n), dtype=bool)
    parts = []
    if bad:
        cells = bad[0].index  # position in the long array: station * n + row
        st_i, row_i = np.divmod(cells, n)
        raw = long.raw("v")[cells]
        if errors == "raise":
            first = int(np.lexsort((st_i, table.lines[row_i]))[0])
            more = cells.size - 1
            raise table.error(int(row_i[first]), codes[st_i[first]], raw[first], _core.more_bad(bad[0].reasons[first], more))
        known[st_i, row_i] = False
        parts.append(_flag_frame(table, st_i, row_i, codes, time, type_idx, raw, bad[0].reasons))
    cut_raw = {}
    for b in cut_bad:  # the last line's possibly cut cells (errors="flag")
        st = codes.index(b.raw_column)
        known[st, b.index] = False
        cut_raw[(st, int(b.index[0]))] = b.values[0]
        parts.append(_flag_frame(table, np.array([st]), b.index, codes, time, type_idx, b.values, b.reasons))

    def raw_of(st, r):
        return cut_raw.get((int(st), int(r)), long.raw("v")[int(st) * n + int(r)])

    # one value per (time, type): repeated lines merged, conflicting values flagged
    group, _ = pd.factorize(pd.MultiIndex.from_arrays([time, type_idx]), sort=False)
    merged, conflicts, counts = _merge_repeats(table, vals, known, group, codes, time, type_idx, raw_of, errors)
    parts.append(conflicts)
    if counts["identical"]:
        table.notes.append(note("read.repeated_identical", source=table.source, n=counts["identical"],
                                examples=_core.joined(counts["examples"], "read.semicolon")))
    if counts["conflicting"]:
        table.notes.append(note("read.repeated_conflicting", source=table.source, n=counts["conflicting"],
                                values=counts["values"]))
    key_codes, key_uniques = pd.factorize(time, sort=False)
    key_time = np.asarray(key_uniques, dtype="datetime64[ns]")
    n_keys = len(key_uniques)
    g_key = np.zeros(merged.shape[1], dtype=np.int64)
    g_type = np.zeros(merged.shape[1], dtype=np.int64)
    g_key[group], g_type[group] = key_codes, type_idx
    cube = np.full((n_keys, len(_OUT), n_st), np.nan)
    cube[g_key, g_type, :] = merged.T
    flags = None
    parts = [p for p in parts if p is not None and len(p)]
    if parts:
        flags = pd.concat(parts, ignore_index=True).sort_values("row", kind="stable", ignore_index=True)
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
    return _core.tag_encoding(frame, table), flags, counts


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
        A value that is neither a number nor a missing marker, a value on a last line without
        a final newline, or a repeated line that disagrees with an earlier one raises
        :class:`~airq.io.ReadError` (file, line, station column, value); with ``"flag"`` such
        a value becomes NaN and is listed in ``df.attrs["flags"]`` (reasons ``not a number``,
        ``truncated_last_line``, ``duplicate_conflict``). Bad or implausible dates, hours or
        types always raise.
    encoding : str, default "auto"
        Text encoding: ``"auto"`` detects it per file (byte-order mark, then UTF-8, then
        GB18030), or a codec name (:mod:`airq.io.encoding`); the one used is in
        ``df.attrs["encodings"]``.
    progress : bool, default False
        Show a tqdm progress bar over the files.

    Returns
    -------
    pandas.DataFrame
        One row per station column and hour of each file, ordered by file, then time (first
        appearance), then station column order: ``station``, ``time`` (hour start, Beijing time,
        naive), ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³], ``published_aqi``,
        ``published_<x>_24h``, ``published_o3_1h_max``, ``published_o3_8h``,
        ``published_o3_8h_max``, ``source`` (file name). ``df.attrs["china_sites"]``: counts
        of repeated lines (see "Repeated lines"); ``df.attrs["read_notes"]``: sentences for the
        ingest summary; ``df.attrs["header_only_files"]``.

    Raises
    ------
    ReadError
        Malformed header (no ``date``, ``hour`` or ``type`` column, no station column), empty
        file, wrong number of fields, bad date/hour/type, a date outside 2000-01-01 .. end of
        next year, a cut in a key field, or (``errors="raise"``) a bad value, a possibly cut
        last value or a conflicting repeated line.

    References
    ----------
    .. [1] HJ 663—2013 §6.1; standards.md §2.4.
    """
    _check_label(hour_label)
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("china_sites_*.csv",))
    frames, flags = [], []
    info = {"duplicate_lines_identical": 0, "duplicate_lines_conflicting": 0, "duplicate_conflict_values": 0}
    for path in _core.progress_iter(files, progress, "china_sites"):
        frame, fl, counts = _read_one(path, hour_label, errors, encoding)
        frames.append(frame)
        flags.append(fl)
        info["duplicate_lines_identical"] += counts["identical"]
        info["duplicate_lines_conflicting"] += counts["conflicting"]
        info["duplicate_conflict_values"] += counts["values"]
    df = _core.assemble(frames, HOURLY_COLUMNS + _OUT[len(POLLUTANTS) :], _DTYPES, encoding=encoding)
    df.attrs["china_sites"] = info
    return _core.attach_flags(df, flags, errors)
