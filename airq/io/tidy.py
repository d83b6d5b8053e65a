"""Readers for airq's documented tidy layouts (CSV or Parquet): hourly and station-daily.

Tidy hourly layout
------------------
Columns ``station, time`` plus any of ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³],
one row per station-hour, e.g. ::

    station,time,pm25,o3
    2506A,2024-01-01 01:00,35,60
    2506A,2024-01-01 24:00,41,

* ``time``: Beijing time, text ``YYYY-MM-DD HH:MM`` (``T`` instead of the space and a
  trailing ``:00`` for seconds are accepted) or as Excel on Chinese Windows writes it,
  ``YYYY/M/D H:MM`` (``2023/1/1 1:00``, ``2023/01/01 01:00``); the year always comes first.
  ``hour_label="end"`` (default, Chinese convention): the stamp is the end of the hour, so
  ``2024-01-01 01:00`` becomes airq's ``time = 2024-01-01 00:00``. The label
  ``YYYY-MM-DD 24:00`` is accepted and means the next day's ``00:00`` label (the last hour of
  natural day YYYY-MM-DD). Minutes must be ``00``. A day-first or month-first stamp
  (``01/02/2023 01:00``) is refused as ambiguous, never guessed. In Parquet, ``time`` may also
  be a timestamp column (naive = Beijing time; tz-aware is converted to Beijing time).
* Pollutant columns that are absent become NaN columns. Missing values: empty or one of
  :data:`airq.io.MISSING_MARKERS`.
* Columns starting with ``published_`` are kept (for comparison only): ``published_aqi`` and
  ``published_<pollutant>_...`` are parsed as numbers like the pollutants; any other
  ``published_*`` column (e.g. ``published_primary``) is kept as text.
* **Any other column is an error** (:class:`~airq.io.ReadError` naming the file, the columns
  and every accepted name): an unknown column is more likely a misspelt pollutant than
  something to ignore.

Tidy daily layout
-----------------
Columns ``station, date`` plus any of ``so2, no2, co, pm10, pm25`` (24-h means), ``o3_8h``
(daily max 8-h), ``o3_1h`` (daily max 1-h); ``date`` is ``YYYY-MM-DD`` or ``YYYY/M/D`` (the
natural day, year first, no time of day) or a Parquet date/timestamp at midnight. Optional
count columns ``n_so2 ... n_o3_8h`` (:data:`airq.io.DAILY_COUNTS`) are read as numbers; absent
ones are NaN = unknown (the values were received as daily values, not computed from hours).
``published_*`` columns as above; any other column is an error.

Column names (:data:`HOURLY_ALIASES`, :data:`DAILY_ALIASES`)
------------------------------------------------------------
A header is matched case-insensitively after Unicode NFKC normalisation (full-width
``（ＰＭ２．５）`` = ``(PM2.5)``, ``SO₂`` = ``SO2``), with white space removed, ``-`` read as
``_`` and ``【】`` as brackets. A unit in brackets at the end (``PM2.5(μg/m³)``, ``CO（mg/m3）``)
is checked and removed: µg/m³ (``μg/m3``, ``ug/m3``, ``微克/立方米``) for every pollutant but
CO, mg/m³ (``mg/m3``, ``毫克/立方米``) for CO; another unit is refused (the values would be
off by a factor). Besides the canonical names:

======================  =======================================================================
canonical               also accepted
======================  =======================================================================
``station``             站点, 站点编码, 站点代码, 站点编号, 监测点, 监测点编码, station_code
``time`` (hourly)       时间, 监测时间, 日期时间
``date`` (daily)        日期, 监测日期
``so2 no2 co``          二氧化硫 (SO2), 二氧化氮 (NO2), 一氧化碳 (CO)
``pm10 pm25``           可吸入颗粒物 (PM10); 细颗粒物, PM2.5, PM2_5
``o3`` (hourly)         臭氧, 臭氧1小时, O3_1h
``o3_8h`` (daily)       臭氧8小时, 臭氧日最大8小时, O3_8h_max (a bare 臭氧/O3 is refused in daily
                        files: 8-h or 1-h maximum?)
``o3_1h`` (daily)       臭氧1小时, 臭氧日最大1小时, O3_1h_max
``published_aqi``       AQI, 空气质量指数 (kept for comparison, never an input)
``published_primary``   首要污染物
``published_category``  质量等级, 空气质量等级
======================  =======================================================================

Two columns that mean the same (``PM2.5`` and ``pm25``) are an error.

Encodings
---------
CSV files are decoded as :mod:`airq.io.encoding` describes: ``encoding="auto"`` (default)
takes a byte-order mark (UTF-8/UTF-16/UTF-32), then strict UTF-8, then GB18030 (the superset
of GBK, what Excel on Chinese Windows writes); any other encoding must be named. The codec
used per file is in ``df.attrs["encodings"]`` ({codec: [file names]}).

In both layouts ``.parquet`` / ``.pq`` files are read as Parquet, anything else as CSV. For
Parquet the ``row`` of an error is the 1-based record number.

Checks (:mod:`airq.io._checks`)
-------------------------------
A time (hourly: the hour start after the ``hour_label`` conversion) or date outside
2000-01-01 .. 31 December of next year raises, whatever ``errors`` says. A CSV whose last line
has no final newline may be cut short: the line's last field and any missing fields are
flagged ``truncated_last_line`` (``errors="flag"``) or raise (``errors="raise"``); a cut that
may fall in ``station``, ``time`` or ``date`` always raises. A header-only file reads as zero
rows (``df.attrs["header_only_files"]``, ``df.attrs["read_notes"]``); an empty file raises.

References
----------
.. [1] docs/architecture.md (canonical hourly and station-daily tables).
.. [2] HJ 663—2013 §6.1; standards.md §2.4 (hour-ending labels, natural day).
.. [3] HJ 633—2012 Table 1 / HJ 663—2013 (pollutant names and units: 二氧化硫 SO2 ... µg/m³,
       一氧化碳 CO mg/m³).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..notes import note
from ..timeconv import BEIJING, _check_label, to_hour_start
from . import _checks, _core
from ._core import DAILY_COLUMNS, DAILY_COUNTS, DAILY_VALUES, HOURLY_COLUMNS, POLLUTANTS
from .encoding import check_encoding

__all__ = ["read_tidy", "read_tidy_daily", "HOURLY_ALIASES", "DAILY_ALIASES", "TIME_FORMS", "DATE_FORMS"]

_PARQUET = (".parquet", ".pq")
_HOURLY_DTYPES = {"time": "datetime64[ns]", **{p: np.float64 for p in POLLUTANTS}}
_DAILY_DTYPES = {"date": "datetime64[ns]", **{c: np.float64 for c in DAILY_VALUES + DAILY_COUNTS}}

# ------------------------------------------------------------------------------------------
# column names
# ------------------------------------------------------------------------------------------

_STATION = ("站点", "站点编码", "站点代码", "站点编号", "监测点", "监测点编码", "station_code")
_VALUES = {"so2": ("二氧化硫",), "no2": ("二氧化氮",), "co": ("一氧化碳",), "pm10": ("可吸入颗粒物",),
           "pm25": ("细颗粒物", "PM2.5", "PM2_5")}
_PUBLISHED = {"published_aqi": ("AQI", "空气质量指数"), "published_primary": ("首要污染物",),
              "published_category": ("质量等级", "空气质量等级")}
#: Tidy hourly: canonical column -> the other names accepted for it (module docstring).
HOURLY_ALIASES = {"station": _STATION, "time": ("时间", "监测时间", "日期时间"), **_VALUES,
                  "o3": ("臭氧", "臭氧1小时", "O3_1h"), **_PUBLISHED}
#: Tidy daily: canonical column -> the other names accepted for it (module docstring).
DAILY_ALIASES = {"station": _STATION, "date": ("日期", "监测日期"), **_VALUES,
                 "o3_8h": ("臭氧8小时", "臭氧日最大8小时", "O3_8h_max"),
                 "o3_1h": ("臭氧1小时", "臭氧日最大1小时", "O3_1h_max"), **{c: () for c in DAILY_COUNTS}, **_PUBLISHED}
_UG, _MG = ("μg/m3", "ug/m3", "微克/立方米"), ("mg/m3", "毫克/立方米")
#: canonical column -> the units a bracketed suffix may name (normalised spellings)
_UNITS = {c: (_MG if c == "co" else _UG) for c in POLLUTANTS + DAILY_VALUES}
_BRACKETS = str.maketrans({"【": "[", "】": "]", "〔": "(", "〕": ")"})


def _normal(name: str) -> tuple[str, str | None]:
    """(name, unit or None): NFKC, case-folded, no white space, ``-`` -> ``_``, bracketed unit split off."""
    s = unicodedata.normalize("NFKC", name).translate(_BRACKETS).casefold()
    s = re.sub(r"\s+", "", s).replace("-", "_")
    m = re.fullmatch(r"(.+?)[(\[]([^()\[\]]*)[)\]]", s)
    return (m.group(1), m.group(2)) if m else (s, None)


def _accepted(aliases: dict) -> str:
    return ", ".join(f"{c} ({'/'.join(a)})" if a else c for c, a in aliases.items())


def _header_error(table: _core.Table, column, reason) -> _core.ReadError:
    return _core.ReadError(table.path, 1 if table.unit == "line" else None, column, None, reason, unit=table.unit)


def _canonical(table: _core.Table, raw: str, lookup: dict, unknown: list) -> str | None:
    """The canonical name of header ``raw`` (None and noted in ``unknown`` if there is none)."""
    if raw.startswith("published_"):
        return raw
    base, unit = _normal(raw)
    canon = lookup.get(base)
    if canon is None or (unit is not None and canon not in _UNITS):
        unknown.append(raw)
        return None
    if unit is not None and unit not in _UNITS[canon]:
        want = "mg/m³" if canon == "co" else "µg/m³"
        raise _header_error(table, raw, note("error.read.wrong_unit", unit=unit, column=canon, want=want))
    return canon


def _resolve(table: _core.Table, aliases: dict, required: tuple) -> dict:
    """{canonical column: column as named in the file}; raises for missing, unknown or doubled columns."""
    lookup = {_normal(a)[0]: c for c, al in aliases.items() for a in (c, *al)}
    found: dict = {}
    unknown: list = []
    for raw in table.names:
        canon = _canonical(table, raw, lookup, unknown)
        if canon is not None and canon in found:
            raise _header_error(table, raw, note("error.read.both_mean", a=found[canon], b=raw, column=canon))
        if canon is not None:
            found[canon] = raw
    missing = [c for c in required if c not in found]
    if missing:
        also = _core.joined([note("error.read.may_be_named", column=c, names="/".join(aliases[c])) for c in missing],
                            "read.semicolon")
        raise _header_error(table, None, note("error.read.missing_columns_alias", missing=[repr(c) for c in missing],
                                              also=also, found=[repr(c) for c in table.names]))
    if unknown:
        o3 = "o3" not in aliases and any(_normal(u)[0] in ("o3", "臭氧") for u in unknown)
        raise _header_error(
            table, unknown[0],
            note("error.read.unknown_columns_o3" if o3 else "error.read.unknown_columns", unknown=[repr(u) for u in unknown],
                 accepted=_accepted(aliases)),
        )
    return found


# ------------------------------------------------------------------------------------------
# dates and times
# ------------------------------------------------------------------------------------------

#: The text forms of ``time`` (hourly), for messages (a note: its English text, said in Chinese too).
TIME_FORMS = note("error.read.time_forms")
#: The text forms of ``date`` (daily), for messages.
DATE_FORMS = note("error.read.date_forms")
_STAMP_RE = (r"^(?P<y>[0-9]{4})(?P<s1>[-/])(?P<mo>[0-9]{1,2})(?P<s2>[-/])(?P<d>[0-9]{1,2})"
             r"(?:[ T](?P<h>[0-9]{1,2}):(?P<mi>[0-9]{2})(?::(?P<s>[0-9]{2}))?)?$")
_NOT_YEAR_FIRST = re.compile(r"^[0-9]{1,2}[-/.][0-9]{1,2}[-/.][0-9]{2,4}\b")


def _open(path: Path, encoding: str) -> _core.Table:
    if path.suffix.lower() in _PARQUET:
        return _core.read_parquet_table(path, ())
    return _core.read_csv_table(path, (), encoding=encoding)


def _stamp_error(table: _core.Table, i: int, column: str, like, forms) -> _core.ReadError:
    """``like``: the note of the expected form (``note("error.read.not_time_like", ...)``); ``forms``: the accepted ones."""
    value = table.raw(column)[i]
    if isinstance(value, str) and _NOT_YEAR_FIRST.match(value.strip()):
        return table.error(i, column, value, note("error.read.ambiguous_order", forms=forms))
    return table.error(i, column, value, note("error.read.accepted", like=like, forms=forms))


def _parse_stamps(table: _core.Table, column: str):
    """Text stamps -> (day datetime64[ns], hour, minute, second) per row, each distinct text parsed once.

    ``day`` is NaT where the text is no year-first date (or no such day); the others are float,
    NaN where the stamp has no time of day (or no seconds). A year that cannot be plausible is
    refused first (:func:`airq.io._checks.check_years`, also keeping it from overflowing).
    """
    codes, uniq = pd.factorize(pd.Series(table.text(column), dtype=object), use_na_sentinel=False)
    m = pd.Series(np.asarray(uniq, dtype=object), dtype=object).str.extract(_STAMP_RE)
    num = {k: pd.to_numeric(m[k], errors="coerce").to_numpy(dtype=float, copy=True) for k in ("y", "mo", "d", "h", "mi", "s")}
    _checks.check_years(table, column, num["y"][codes])
    num["y"][~_checks.year_mask(num["y"])] = np.nan
    parts = pd.DataFrame({"year": num["y"], "month": num["mo"], "day": num["d"]})
    day = (pd.to_datetime(parts, errors="coerce").to_numpy(dtype="datetime64[ns]", copy=True) if len(parts)
           else np.array([], dtype="datetime64[ns]"))
    day[~(m["s1"] == m["s2"]).to_numpy(dtype=bool)] = np.datetime64("NaT")
    return day[codes], num["h"][codes], num["mi"][codes], num["s"][codes]


def _timestamps(table: _core.Table, column: str) -> np.ndarray | None:
    """A Parquet timestamp/date column as naive Beijing datetime64[ns] (None if text)."""
    arr = table.columns[column]
    if pa.types.is_timestamp(arr.type) or pa.types.is_date(arr.type):
        _checks.check_years(table, column, pc.year(arr).to_numpy(zero_copy_only=False).astype(np.float64))
        s = pd.Series(arr.to_pandas())
        if isinstance(s.dtype, pd.DatetimeTZDtype):
            s = s.dt.tz_convert(BEIJING).dt.tz_localize(None)
        t = pd.to_datetime(s).to_numpy(dtype="datetime64[ns]")
        if np.isnat(t).any():
            i = int(np.flatnonzero(np.isnat(t))[0])
            raise table.error(i, column, None, note("error.read.missing_column_value", column=column))
        return t
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        return None
    raise table.error(column=column, reason=note("error.read.expected_text_or_time", type=str(arr.type)))


def _text_labels(table: _core.Table, column: str) -> np.ndarray:
    """Hour labels in :data:`TIME_FORMS` (``24:00`` = next day 00:00) as datetime64[ns]."""
    day, h, mi, sec = _parse_stamps(table, column)
    wrong = np.isnat(day) | np.isnan(h) | (h > 24)
    if wrong.any():
        raise _stamp_error(table, int(np.flatnonzero(wrong)[0]), column,
                           note("error.read.not_time_like", example="2024-01-01 01:00"), TIME_FORMS)
    off = (mi != 0) | ((sec != 0) & ~np.isnan(sec)) | ((h == 24) & (mi != 0))
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise table.error(i, column, table.raw(column)[i], note("error.read.not_whole_hour"))
    return day.astype("datetime64[ns]") + h.astype(np.int64).astype("timedelta64[h]").astype("timedelta64[ns]")


def _dates(table: _core.Table, column: str) -> np.ndarray:
    """Natural days in :data:`DATE_FORMS` (or Parquet dates/midnight timestamps) as datetime64[ns].

    A day outside :func:`airq.io._checks.date_bounds` (2000-01-01 .. end of next year) raises.
    """
    t = _timestamps(table, column)
    if t is None:
        t, h, _, _ = _parse_stamps(table, column)
        wrong = np.isnat(t) | ~np.isnan(h)
        if wrong.any():
            raise _stamp_error(table, int(np.flatnonzero(wrong)[0]), column,
                               note("error.read.not_date_like", example="2024-01-31"), DATE_FORMS)
    off = t != t.astype("datetime64[D]").astype("datetime64[ns]")
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise table.error(i, column, table.raw(column)[i], note("error.read.date_with_time"))
    _checks.check_dates(table, column, t, what="day")
    return t


# ------------------------------------------------------------------------------------------
# readers
# ------------------------------------------------------------------------------------------


def _numeric_published(name: str, pollutants) -> bool:
    rest = name[len("published_") :]
    return rest == "aqi" or any(rest == p or rest.startswith(p + "_") for p in pollutants)


def _published(table: _core.Table, cols: dict, frame: pd.DataFrame, bad: list, pollutants) -> None:
    for c, raw in cols.items():
        if c.startswith("published_"):
            if _numeric_published(c, pollutants):
                frame[c] = _core.numbers(table, raw, c, bad)
            else:
                frame[c] = _core.optional_text(table, raw) if table.columns[raw].type in (pa.string(), pa.large_string()) else table.raw(raw)


def _cut(table: _core.Table, cols: dict, key: str, bad: list, errors: str) -> None:
    """A last line without a final newline: flag its possibly cut values or raise (:mod:`airq.io._checks`)."""
    values = {raw: canon for canon, raw in cols.items() if canon not in ("station", key)}
    _checks.cut_cells(table, keys=(cols["station"], cols[key]), values=values, bad=bad, errors=errors)


def _read_hourly(path: Path, hour_label: str, errors: str, encoding: str):
    table = _open(path, encoding)
    cols = _resolve(table, HOURLY_ALIASES, ("station", "time"))
    bad: list = []
    _cut(table, cols, "time", bad, errors)
    station = _core.required_text(table, cols["station"], note("error.read.what_station_code"))
    labels = _timestamps(table, cols["time"])
    if labels is None:
        labels = _text_labels(table, cols["time"])
    else:
        labels = _core.on_whole_hour(table, cols["time"], labels)
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    _checks.check_dates(table, cols["time"], time)
    frame = pd.DataFrame({"station": station, "time": time})
    for p in POLLUTANTS:
        frame[p] = _core.numbers(table, cols[p], p, bad) if p in cols else np.nan
    _published(table, cols, frame, bad, POLLUTANTS)
    flags = _core.resolve_bad(table, bad, errors, station, time)
    frame["source"] = table.source
    return _core.tag_encoding(frame, table), flags


def read_tidy(sources, *, hour_label="end", errors="raise", encoding="auto", progress=False):
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
        marker, or a value on a last line without a final newline (possibly cut, see
        "Checks"), raises :class:`~airq.io.ReadError`; with ``"flag"`` it becomes NaN and is
        listed in ``df.attrs["flags"]`` (reason ``not a number``, ``truncated_last_line``, ...).
        Bad or implausible station codes or times always raise.
    encoding : str, default "auto"
        Encoding of CSV files: ``"auto"`` detects it per file (byte-order mark, then UTF-8,
        then GB18030), or a codec name (:mod:`airq.io.encoding`).
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        ``station`` (str), ``time`` (datetime64[ns], hour start, Beijing time, naive),
        ``so2, no2, co, o3, pm10, pm25`` (float64 [µg/m³; co mg/m³]; absent columns NaN),
        ``published_*`` columns as found, ``source`` (file name). Input order kept. Columns
        are found by the names and aliases of :data:`HOURLY_ALIASES`. ``df.attrs["encodings"]``:
        {codec: [CSV file names]}; ``df.attrs["encoding_detected"]``: True with ``"auto"``;
        ``df.attrs["read_notes"]``: sentences for the ingest summary;
        ``df.attrs["header_only_files"]``: files with a header and no rows.

    Raises
    ------
    ReadError
        Missing ``station``/``time`` column, unknown column (the message lists every accepted
        name), a unit suffix that is not the pollutant's, empty file, wrong number of fields,
        bad station/time (the message lists :data:`TIME_FORMS`), a time outside 2000-01-01 ..
        end of next year, a cut that may fall in a key field, or (``errors="raise"``) a bad or
        possibly cut value.

    Examples
    --------
    A file with ``2506A,2024-01-01 24:00,41`` gives ``time == 2024-01-01 23:00``.
    """
    _check_label(hour_label)
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("*.csv", "*.parquet", "*.pq"))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "tidy"):
        frame, fl = _read_hourly(path, hour_label, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, HOURLY_COLUMNS, _HOURLY_DTYPES, encoding=encoding)
    return _core.attach_flags(df, flags, errors)


def daily_frame(station, date, values: dict) -> pd.DataFrame:
    """A canonical station-daily frame; absent values and counts are NaN."""
    frame = pd.DataFrame({"station": station, "date": date})
    for c in DAILY_VALUES + DAILY_COUNTS:
        frame[c] = values.get(c, np.nan)
    return frame


def _read_daily(path: Path, errors: str, encoding: str):
    table = _open(path, encoding)
    cols = _resolve(table, DAILY_ALIASES, ("station", "date"))
    bad: list = []
    _cut(table, cols, "date", bad, errors)
    station = _core.required_text(table, cols["station"], note("error.read.what_station_code"))
    date = _dates(table, cols["date"])
    values = {c: _core.numbers(table, cols[c], c, bad) for c in DAILY_VALUES + DAILY_COUNTS if c in cols}
    frame = daily_frame(station, date, values)
    _published(table, cols, frame, bad, DAILY_VALUES)
    flags = _core.resolve_bad(table, bad, errors, station, date)
    frame["source"] = table.source
    return _core.tag_encoding(frame, table), flags


def read_tidy_daily(sources, *, errors="raise", encoding="auto", progress=False):
    """Read tidy station-daily CSV or Parquet files into the canonical station-daily table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``*.csv``, ``*.parquet``, ``*.pq`` inside), a glob pattern, or
        a list of those.
    errors : {"raise", "flag"}, default "raise"
        As for :func:`read_tidy`; in the flags table ``time`` holds the date (midnight).
    encoding : str, default "auto"
        As for :func:`read_tidy`.
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        ``station``, ``date`` (datetime64[ns], midnight), ``so2, no2, co, pm10, pm25``
        (24-h means), ``o3_8h``, ``o3_1h`` (float64 [µg/m³; co mg/m³]), counts ``n_so2 ...
        n_o3_8h`` (float64; NaN = unknown), ``published_*`` as found, ``source``. Columns
        are found by the names and aliases of :data:`DAILY_ALIASES`; ``attrs`` as for
        :func:`read_tidy`.

    Raises
    ------
    ReadError
        As for :func:`read_tidy`, with ``date`` instead of ``time`` (:data:`DATE_FORMS`); the
        plausible range applies to the natural day.
    """
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("*.csv", "*.parquet", "*.pq"))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "tidy_daily"):
        frame, fl = _read_daily(path, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, DAILY_COLUMNS, _DAILY_DTYPES, encoding=encoding)
    return _core.attach_flags(df, flags, errors)
