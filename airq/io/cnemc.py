"""Reader for the CNEMC real-time hourly archive (one CSV per hour, every national station).

File layout (the community archive github.com/HeQinWill/CNEMC, ``Archive/YYYY-MM-DD/
YYYY-MM-DDTHH.csv``): header ::

    timepoint,stationcode,longitude,latitude,area,positionname,primarypollutant,aqi,
    pm10,pm10_24h,pm2_5,pm2_5_24h,o3,o3_24h,o3_8h,o3_8h_24h,no2,no2_24h,so2,so2_24h,co,co_24h

one row per station. ``timepoint`` is Beijing time and **hour-ending** (``2025-12-01T0900`` or
``2023-01-02T00:00:00`` = the mean over 08:00-09:00), so inside airq it becomes the hour start
(``2025-12-01 08:00``, :func:`airq.timeconv.to_hour_start`). Columns after the 22 above are
allowed and ignored. Empty field = missing. CO in mg/m³, all others in µg/m³.

Column mapping
--------------
=====================  ======================================================================
raw                    canonical
=====================  ======================================================================
stationcode            ``station`` (white space stripped; must not be empty)
timepoint              ``time`` (hour start)
so2 no2 co pm10 pm2_5  ``so2 no2 co pm10 pm25`` (latest 1-h value)
o3 / o3_24h            ``o3`` (latest 1-h value) and ``published_o3_1h_max`` — which is which
                       depends on the file, see "O3 columns" below
aqi                    ``published_aqi`` (the real-time **hourly** AQI, not a daily one)
primarypollutant       ``published_primary`` (text as published; empty -> NaN)
<x>_24h (x not o3)     ``published_<x>_24h`` (24-h moving mean)
o3_8h_24h              ``published_o3_8h`` (latest 8-h moving mean within the natural day)
o3_8h                  ``published_o3_8h_max`` (max 8-h moving mean of the natural day so far)
(file name)            ``source``
=====================  ======================================================================

The 8-h pair follows the archive README (the names are swapped with respect to the CNEMC API,
where ``o3_8h`` is the moving mean and ``o3_8h_24h`` the daily maximum); both real samples
satisfy ``o3_8h >= o3_8h_24h`` in every row. The ``published_*`` values are kept for
comparison only and are never inputs to airq computations.

O3 columns
----------
For part of the archive's history the 1-h O3 column names are swapped: ``o3_24h`` holds the
latest 1-hour O3 and ``o3`` the maximum 1-hour O3 over the last 24 h (archive README; Guigang
2023 sample). Elsewhere ``o3`` is the 1-hour value (2025-12-01T09 sample, where ``o3_24h``
merely repeats ``o3``) [1]_. ``o3_columns="auto"`` decides **per file**:

    swapped  if  ``o3_24h`` differs from ``o3`` in at least one row where both are present
             and ``o3 >= o3_24h`` in every row where both are present;
    plain    otherwise (``o3_24h`` empty everywhere, equal to ``o3`` everywhere, or above
             ``o3`` somewhere — a 24-h maximum can never be below the latest 1-h value).

In a swapped file a row with ``o3`` filled but ``o3_24h`` empty has **no** 1-hour O3 (NaN):
its ``o3`` is a 24-h maximum, not an hourly value. The decision per file is returned in
``df.attrs["o3_columns"]`` (``{file name: "swapped" | "plain"}``). ``"swapped"`` or
``"plain"`` force one reading for every file. The heuristic cannot tell the layouts apart in a
file where the two columns agree everywhere; both readings then give the same 1-h ``o3``.

Station metadata (code, name, coordinates, city) are not repeated on every row; read them
with :func:`read_cnemc_stations`.

Checks (:mod:`airq.io._checks`)
-------------------------------
A ``timepoint`` whose hour start lies outside 2000-01-01 .. 31 December of next year raises,
whatever ``errors`` says. A last line without a final newline may be cut short: its last field
(``co_24h`` in a 22-column file) and any missing fields are flagged ``truncated_last_line``
(``errors="flag"``) or raise; a cut that may fall in ``timepoint`` or ``stationcode`` always
raises, and a cut in an ignored extra column changes nothing. A header-only file reads as zero
rows (``df.attrs["header_only_files"]``, ``df.attrs["read_notes"]``); an empty file raises.

References
----------
.. [1] standards.md §1.5 (end); PROVENANCE.md of ``cnemc_hourly_sample`` and
   ``cnemc_guigang_2023q1``; github.com/HeQinWill/CNEMC README.
.. [2] HJ 663—2013 §6.1 and standards.md §2.4: Chinese hourly labels are hour-ending.
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

__all__ = ["CNEMC_COLUMNS", "O3_COLUMNS", "read_cnemc", "read_cnemc_stations"]

#: The header of a CNEMC archive file (extra trailing columns are allowed).
CNEMC_COLUMNS = (
    "timepoint", "stationcode", "longitude", "latitude", "area", "positionname", "primarypollutant",
    "aqi", "pm10", "pm10_24h", "pm2_5", "pm2_5_24h", "o3", "o3_24h", "o3_8h", "o3_8h_24h",
    "no2", "no2_24h", "so2", "so2_24h", "co", "co_24h",
)  # fmt: skip
#: Accepted values of ``o3_columns``.
O3_COLUMNS = ("auto", "swapped", "plain")

# raw column -> canonical column (the O3 1-h pair is handled separately)
_VALUES = {
    "so2": "so2",
    "no2": "no2",
    "co": "co",
    "pm10": "pm10",
    "pm2_5": "pm25",
    "aqi": "published_aqi",
    "so2_24h": "published_so2_24h",
    "no2_24h": "published_no2_24h",
    "co_24h": "published_co_24h",
    "pm10_24h": "published_pm10_24h",
    "pm2_5_24h": "published_pm25_24h",
    "o3_8h_24h": "published_o3_8h",
    "o3_8h": "published_o3_8h_max",
}
_PUBLISHED_ORDER = (
    "published_aqi", "published_primary", "published_so2_24h", "published_no2_24h",
    "published_co_24h", "published_pm10_24h", "published_pm25_24h", "published_o3_1h_max",
    "published_o3_8h", "published_o3_8h_max",
)  # fmt: skip
_TIME_FORMATS = (
    (r"\d{4}-\d{2}-\d{2}T\d{4}", "%Y-%m-%dT%H%M"),
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}", "%Y-%m-%dT%H:%M:%S"),
    (r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", "%Y-%m-%dT%H:%M"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", "%Y-%m-%d %H:%M:%S"),
    (r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}", "%Y-%m-%d %H:%M"),
)
_DTYPES = {"time": "datetime64[ns]", **{p: np.float64 for p in POLLUTANTS}}


def _check(o3_columns: str, errors: str) -> None:
    if o3_columns not in O3_COLUMNS:
        raise ValueError(note("error.read.o3_columns_value", value=o3_columns))
    _core.check_errors(errors)


def o3_layout(o3: np.ndarray, o3_24h: np.ndarray) -> str:
    """The auto decision for one file: ``"swapped"`` or ``"plain"`` (see module docstring).

    Parameters
    ----------
    o3, o3_24h : numpy.ndarray
        The file's raw ``o3`` and ``o3_24h`` columns [µg/m³], NaN = missing.

    Returns
    -------
    str
        ``"swapped"`` if the columns differ somewhere and ``o3 >= o3_24h`` wherever both are
        present, else ``"plain"``.
    """
    both = ~np.isnan(o3) & ~np.isnan(o3_24h)
    a, b = o3[both], o3_24h[both]
    return "swapped" if (a != b).any() and (a >= b).all() else "plain"


def _times(table: _core.Table, hour_label: str) -> np.ndarray:
    """``timepoint`` as hour starts; an implausible year or date raises (:mod:`airq.io._checks`)."""
    text = pd.Series(table.text("timepoint"), dtype=object)
    _checks.check_years(table, "timepoint", pd.to_numeric(text.str.extract(r"^(\d{4})-", expand=False), errors="coerce"))
    labels = _core.parse_text_times(table, "timepoint", _TIME_FORMATS, note("error.read.what_time_stamp", example="2025-12-01T0900"))
    time = to_hour_start(labels, hour_label).as_unit("ns").to_numpy()
    _checks.check_dates(table, "timepoint", time)
    return time


def _read_one(path: Path, hour_label: str, o3_columns: str, errors: str, encoding: str):
    table = _core.read_csv_table(path, CNEMC_COLUMNS, encoding=encoding, use=CNEMC_COLUMNS)
    bad: list = []
    values = {**_VALUES, "o3": "_raw_o3", "o3_24h": "_raw_o3_24h", "primarypollutant": "published_primary"}
    _checks.cut_cells(table, keys=("timepoint", "stationcode"), values=values, bad=bad, errors=errors)
    station = _core.required_text(table, "stationcode", note("error.read.what_station_code"))
    time = _times(table, hour_label)
    cols = _core.numbers_many(table, {**_VALUES, "o3": "_raw_o3", "o3_24h": "_raw_o3_24h"}, bad)
    raw_o3, raw_o3_24h = cols.pop("_raw_o3"), cols.pop("_raw_o3_24h")
    layout = o3_layout(raw_o3, raw_o3_24h) if o3_columns == "auto" else o3_columns
    one_hour = "o3_24h" if layout == "swapped" else "o3"
    cols["o3"], cols["published_o3_1h_max"] = (raw_o3_24h, raw_o3) if layout == "swapped" else (raw_o3, raw_o3_24h)
    for b in bad:  # name the O3 cells by their role in this file
        if b.raw_column in ("o3", "o3_24h"):
            b.column = "o3" if b.raw_column == one_hour else "published_o3_1h_max"
    cols["published_primary"] = _core.optional_text(table, "primarypollutant")
    flags = _core.resolve_bad(table, bad, errors, station, time)
    data = {"station": station, "time": time}
    data.update((c, cols[c]) for c in POLLUTANTS + _PUBLISHED_ORDER)
    data["source"] = np.full(table.n, table.source, dtype=object)
    return _core.tag_encoding(pd.DataFrame(data), table), flags, layout


def read_cnemc(sources, *, hour_label="end", o3_columns="auto", errors="raise", encoding="auto", progress=False):
    """Read CNEMC real-time hourly archive files into the canonical hourly table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        A file, a folder (every ``*.csv`` inside, recursively, sorted; hidden files left out),
        a glob pattern (``**`` allowed), or a list of those.
    hour_label : {"end", "start"}, default "end"
        What ``timepoint`` marks. CNEMC stamps the end of the hour [2]_.
    o3_columns : {"auto", "swapped", "plain"}, default "auto"
        Which raw column holds the 1-hour O3, per file (see the module docstring).
    errors : {"raise", "flag"}, default "raise"
        A value that is neither a number nor a missing marker (:data:`airq.io.MISSING_MARKERS`)
        or a value on a last line without a final newline (possibly cut, see "Checks"), raises
        :class:`~airq.io.ReadError` naming file, line, column and value; with ``"flag"`` it
        becomes NaN and is listed in ``df.attrs["flags"]`` (reason ``not a number``,
        ``truncated_last_line``, ...). Bad or implausible station codes or time stamps always
        raise (the row cannot be placed).
    encoding : str, default "auto"
        Text encoding: ``"auto"`` detects it per file (byte-order mark, then UTF-8, then
        GB18030), or a codec name (:mod:`airq.io.encoding`); the one used is in
        ``df.attrs["encodings"]``.
    progress : bool, default False
        Show a tqdm progress bar over the files.

    Returns
    -------
    pandas.DataFrame
        One row per input row (nothing dropped; rows with every value empty are station-hours
        with missing data): ``station`` (str), ``time`` (datetime64[ns], hour start, Beijing
        time, naive), ``so2, no2, co, o3, pm10, pm25`` (float64 [µg/m³; co mg/m³], NaN =
        missing), the ``published_*`` columns listed in the module docstring, ``source``
        (file name). Input order is kept; duplicated station-hours are kept.
        ``df.attrs["o3_columns"]``: ``{file name: "swapped" | "plain"}``.
        ``df.attrs["flags"]`` (only with ``errors="flag"``): DataFrame with columns
        ``station, time, column, value, reason, source, row, raw_column``.

    Raises
    ------
    ReadError
        Missing or empty file, malformed header (names the missing columns), a row with the
        wrong number of fields, a bad station code or time stamp, a time outside 2000-01-01 ..
        end of next year, a cut that may fall in a key field, or (``errors="raise"``) a bad or
        possibly cut value.

    References
    ----------
    .. [1] standards.md §1.5; github.com/HeQinWill/CNEMC README.
    .. [2] HJ 663—2013 §6.1; standards.md §2.4.

    Examples
    --------
    >>> df = read_cnemc("Archive/2025-12-01")  # doctest: +SKIP
    >>> df.loc[0, "time"]  # timepoint 2025-12-01T0100  # doctest: +SKIP
    Timestamp('2025-12-01 00:00:00')
    """
    _check_label(hour_label)
    _check(o3_columns, errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("*.csv",))
    frames, flags, layouts = [], [], {}
    for path in _core.progress_iter(files, progress, "CNEMC"):
        frame, fl, layout = _read_one(path, hour_label, o3_columns, errors, encoding)
        frames.append(frame)
        flags.append(fl)
        layouts[path.name] = layout
    df = _core.assemble(frames, HOURLY_COLUMNS + _PUBLISHED_ORDER, _DTYPES, encoding=encoding)
    df.attrs["o3_columns"] = layouts
    return _core.attach_flags(df, flags, errors)


def read_cnemc_stations(sources, *, hour_label="end", encoding="auto", progress=False):
    """Station metadata found in CNEMC archive files.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        As for :func:`read_cnemc`.
    hour_label : {"end", "start"}, default "end"
        As for :func:`read_cnemc` (used for ``first_time`` / ``last_time``).
    encoding : str, default "auto"
        As for :func:`read_cnemc`.
    progress : bool, default False

    Returns
    -------
    pandas.DataFrame
        One row per distinct combination of ``station`` (code), ``name`` (``positionname``,
        verbatim, e.g. with a ``(对照点)`` suffix), ``longitude``, ``latitude`` [decimal
        degrees, as published], ``area`` (city), with ``first_time`` and ``last_time`` (hour
        starts, airq convention) and ``n_rows``. A station renamed or moved over time has
        several rows. Sorted by station, then first_time.

    Raises
    ------
    ReadError
        As :func:`read_cnemc`; a non-numeric longitude or latitude also raises.
    """
    _check_label(hour_label)
    files = _core.expand_sources(sources, ("*.csv",))
    frames = []
    for path in _core.progress_iter(files, progress, "CNEMC"):
        table = _core.read_csv_table(path, CNEMC_COLUMNS, encoding=encoding, use=CNEMC_COLUMNS[:6])
        _checks.cut_cells(table, keys=CNEMC_COLUMNS[:6], values={}, bad=[], errors="raise")
        time = _times(table, hour_label)
        frames.append(
            pd.DataFrame(
                {
                    "station": _core.required_text(table, "stationcode", note("error.read.what_station_code")),
                    "name": _core.optional_text(table, "positionname"),
                    "longitude": _core.numbers(table, "longitude"),
                    "latitude": _core.numbers(table, "latitude"),
                    "area": _core.optional_text(table, "area"),
                    "time": time,
                }
            )
        )
    df = pd.concat(frames, ignore_index=True)
    keys = ["station", "name", "longitude", "latitude", "area"]
    out = (
        df.groupby(keys, dropna=False, sort=False)["time"]
        .agg(first_time="min", last_time="max", n_rows="size")
        .reset_index()
        .sort_values(["station", "first_time"], kind="stable")
        .reset_index(drop=True)
    )
    out["first_time"] = out["first_time"].astype("datetime64[ns]")
    out["last_time"] = out["last_time"].astype("datetime64[ns]")
    return out
