"""Reader for the UCI "Beijing Multi-Site Air-Quality Data" (PRSA) files.

Files ``PRSA_Data_<Station>_20130301-20170228.csv`` (or ``.csv.gz``), columns ::

    No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station

``year, month, day, hour`` are Beijing time, hour 0..23; ``NA`` = missing. All pollutants are
in µg/m³ **including CO**, which the reader divides by 1000 to give the canonical mg/m³ [1]_.
Meteorological columns (``TEMP`` ... ``WSPM``) and ``No`` are not read.

Hour convention
---------------
The dataset does not say whether ``hour`` marks the start or the end of the hour. The default
``hour_label="end"`` follows the reading of the data's PROVENANCE.md: the Beijing monitoring
centre and CNEMC label hour-ending, so the value at ``hour=h`` of day D is the mean over
``h-1 .. h`` and becomes ``time = D h:00 - 1 h`` inside airq; natural day D is then D 01..23
plus D+1 00 [2]_. Pass ``hour_label="start"`` for the other reading (the choice moved Beijing
2014-2016 good-day counts by <= 2 days, standards.md §2.4).

Checks
------
``year, month, day, hour`` whose hour start lies outside 2000-01-01 .. 31 December of next year
raise, whatever ``errors`` says. A last line without a final newline is whole when it ends with
a complete station name (the names are a closed list); otherwise the cut falls in ``station``
(or before it) and the line is refused (:mod:`airq.io._checks`). A header-only file reads as
zero rows (``df.attrs["header_only_files"]``); an empty file raises.

Stations
--------
``station`` (the name) is mapped to the CNEMC national-network code by
:data:`PRSA_STATIONS`; the name is kept in ``station_name``. An unknown name is an error.
Dingling (1002A) is a contrast/background point (对照点), not an assessment station.

References
----------
.. [1] Zhang, S., Guo, B., Dong, A., He, J., Xu, Z. and Chen, S.X. (2017) Cautionary tales on
   air-quality improvement in Beijing. Proc. R. Soc. A 473: 20170457. UCI ML Repository,
   DOI 10.24432/C5RK5G (CC BY 4.0).
.. [2] HJ 663—2013 §6.1; standards.md §2.4, §2.5.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..notes import note
from ..timeconv import _check_label, to_hour_start
from . import _checks, _core
from ._core import HOURLY_COLUMNS, POLLUTANTS
from .encoding import check_encoding

__all__ = ["PRSA_STATIONS", "read_prsa"]

#: PRSA station name -> CNEMC station code.
PRSA_STATIONS = {
    "Wanshouxigong": "1001A",
    "Dingling": "1002A",
    "Dongsi": "1003A",
    "Tiantan": "1004A",
    "Nongzhanguan": "1005A",
    "Guanyuan": "1006A",
    "Wanliu": "1007A",
    "Shunyi": "1008A",
    "Huairou": "1009A",
    "Changping": "1010A",
    "Aotizhongxin": "1011A",
    "Gucheng": "1012A",
}
_VALUES = {"SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3", "PM10": "pm10", "PM2.5": "pm25"}
_REQUIRED = ("year", "month", "day", "hour", *_VALUES, "station")
_DTYPES = {"time": "datetime64[ns]", **{p: np.float64 for p in POLLUTANTS}}
_RANGES = {"year": (0, 9999), "month": (1, 12), "day": (1, 31), "hour": (0, 24)}


def _read_one(path: Path, hour_label: str, errors: str, encoding: str):
    table = _core.read_csv_table(path, _REQUIRED, encoding=encoding, use=_REQUIRED)
    bad: list = []
    _checks.cut_cells(table, keys=("year", "month", "day", "hour", "station"), values=_VALUES, bad=bad, errors=errors,
                      complete={"station": set(PRSA_STATIONS)})
    y, m, d, h = (_core.integers(table, c, *_RANGES[c]) for c in ("year", "month", "day", "hour"))
    _checks.check_years(table, "year", y)
    day = pd.to_datetime(pd.DataFrame({"year": y, "month": m, "day": d}), errors="coerce").to_numpy(dtype="datetime64[ns]")
    if np.isnat(day).any():
        i = int(np.flatnonzero(np.isnat(day))[0])
        raise table.error(i, "day", table.raw("day")[i], note("error.read.no_such_date", date=f"{y[i]}-{m[i]:02d}-{d[i]:02d}"))
    labels = day + h.astype("timedelta64[h]").astype("timedelta64[ns]")
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    _checks.check_dates(table, "year", time)
    name = _core.required_text(table, "station", note("error.read.what_station_name"))
    code = pd.Series(name, dtype=object).map(PRSA_STATIONS)
    unknown = code.isna().to_numpy()
    if unknown.any():
        i = int(np.flatnonzero(unknown)[0])
        raise table.error(i, "station", table.raw("station")[i], note("error.read.unknown_prsa_station", known=list(PRSA_STATIONS)))
    station = code.to_numpy(dtype=object)
    frame = pd.DataFrame({"station": station, "time": time})
    vals = {out: _core.numbers(table, raw, out, bad) for raw, out in _VALUES.items()}
    vals["co"] = vals["co"] / 1000.0  # µg/m³ -> mg/m³
    for p in POLLUTANTS:
        frame[p] = vals[p]
    flags = _core.resolve_bad(table, bad, errors, station, time)
    frame["station_name"] = name
    frame["source"] = table.source
    return _core.tag_encoding(frame, table), flags


def read_prsa(sources, *, hour_label="end", errors="raise", encoding="auto", progress=False):
    """Read Beijing multi-site PRSA files into the canonical hourly table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``PRSA_Data_*.csv`` and ``PRSA_Data_*.csv.gz`` inside,
        recursively, sorted), a glob pattern, or a list of those. ``.gz`` files are read
        compressed.
    hour_label : {"end", "start"}, default "end"
        What ``hour`` marks; see the module docstring for why "end" is the default.
    errors : {"raise", "flag"}, default "raise"
        A pollutant value that is neither a number nor a missing marker (``NA``, empty, ...),
        or a pollutant value on a last line without a final newline (the file may be cut
        short, :mod:`airq.io._checks`), raises :class:`~airq.io.ReadError`; with ``"flag"`` it
        becomes NaN and is listed in ``df.attrs["flags"]`` (reason ``not a number``,
        ``truncated_last_line``, ...). Bad dates, hours or station names always raise, and so
        does a date outside 2000-01-01 .. 31 December of next year (checked on the hour start)
        and a last line cut before its complete station name.
    encoding : str, default "auto"
        Text encoding: ``"auto"`` detects it per file (byte-order mark, then UTF-8, then
        GB18030), or a codec name (:mod:`airq.io.encoding`); the one used is in
        ``df.attrs["encodings"]``.
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        One row per input row: ``station`` (CNEMC code), ``time`` (hour start, Beijing time,
        naive), ``so2, no2, co, o3, pm10, pm25`` (float64 [µg/m³; co mg/m³ = file value /
        1000]), ``station_name`` (PRSA name), ``source`` (file name).
        ``df.attrs["read_notes"]`` (sentences for the ingest summary) and
        ``df.attrs["header_only_files"]`` (files with a header and no rows, read as zero rows).

    Raises
    ------
    ReadError
        Malformed header, empty file, wrong number of fields, bad or implausible date/hour,
        unknown station, a cut-off key, or (``errors="raise"``) a bad or possibly cut value.

    References
    ----------
    .. [1] UCI ML Repository, Beijing Multi-Site Air-Quality Data, DOI 10.24432/C5RK5G.
    """
    _check_label(hour_label)
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("PRSA_Data_*.csv", "PRSA_Data_*.csv.gz"))
    frames, flags = [], []
    for path in _core.progress_iter(files, progress, "PRSA"):
        frame, fl = _read_one(path, hour_label, errors, encoding)
        frames.append(frame)
        flags.append(fl)
    df = _core.assemble(frames, HOURLY_COLUMNS, _DTYPES, last=("station_name", "source"), encoding=encoding)
    return _core.attach_flags(df, flags, errors)
