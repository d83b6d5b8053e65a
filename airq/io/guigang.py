"""Adapter for the Guigang CNEMC station-daily transcription (``station_daily.csv``).

The file (project data ``cnemc_guigang_2023q1/station_daily.csv``) holds one row per station
and natural day, transcribed verbatim from the CNEMC real-time feed at T00 of the next day
(see its PROVENANCE.md). Columns and mapping to the canonical station-daily table:

=====================  =======================  ================================================
raw                    canonical                meaning
=====================  =======================  ================================================
date                   ``date``                 natural day D (``YYYY-MM-DD``)
station_code           ``station``              CNEMC code
pm25_24h pm10_24h      ``pm25 pm10``            24-h means [µg/m³]
so2_24h no2_24h        ``so2 no2``              24-h means [µg/m³]
co_24h                 ``co``                   24-h mean [mg/m³]
o3_8h_max              ``o3_8h``                daily max 8-h [µg/m³]
o3_1h_max              ``o3_1h``                max 1-h over the 24-h window [µg/m³]
station_name           ``station_name``         name without the ``(对照点)`` suffix
is_control_point       ``is_control_point``     bool; True for a contrast point (对照点)
window_flag            ``window_flag``          ``T00`` = exact natural day; anything else is a
                                                proxy from a shifted window (kept, not dropped)
day_hours_in_window    ``day_hours_in_window``  hours of day D inside the 24-h window
source_timepoint       ``source_timepoint``     text, verbatim
=====================  =======================  ================================================

Counts ``n_*`` are NaN (unknown: the values were received as daily values). Proxy rows
(``window_flag != "T00"``) are **not** exact natural-day values; filter them where exactness
is needed. Empty field = missing (``o3_8h_max`` is empty on the 2023-02-27 proxy rows).

A date outside 2000-01-01 .. 31 December of next year raises; a last line without a final
newline is flagged or refused and a header-only file reads as zero rows, as in every reader
(:mod:`airq.io._checks`).

References
----------
.. [1] PROVENANCE.md of ``cnemc_guigang_2023q1`` (transcription, proxies, control point).
.. [2] standards.md §2.5 (contrast points are not assessment stations).
"""

from __future__ import annotations

import numpy as np

from ..notes import note
from . import _checks, _core
from ._core import DAILY_COLUMNS, DAILY_COUNTS, DAILY_VALUES
from .encoding import check_encoding
from .tidy import _dates, daily_frame

__all__ = ["GUIGANG_DAILY_COLUMNS", "read_guigang_daily"]

#: raw column -> canonical daily column
GUIGANG_DAILY_COLUMNS = {
    "so2_24h": "so2",
    "no2_24h": "no2",
    "co_24h": "co",
    "pm10_24h": "pm10",
    "pm25_24h": "pm25",
    "o3_8h_max": "o3_8h",
    "o3_1h_max": "o3_1h",
}
_REQUIRED = ("date", "station_code", "station_name", "is_control_point", *GUIGANG_DAILY_COLUMNS, "window_flag")
# a cut in these columns leaves the row unplaceable (window_flag "T00" cut to "T0" reads as a proxy)
_KEYS = ("date", "station_code", "is_control_point", "window_flag")
_CUT_VALUES = {**GUIGANG_DAILY_COLUMNS, **{c: c for c in ("station_name", "day_hours_in_window", "source_timepoint")}}
_DTYPES = {"date": "datetime64[ns]", **{c: np.float64 for c in DAILY_VALUES + DAILY_COUNTS}}


def read_guigang_daily(path, *, errors="raise", encoding="auto"):
    """Read the Guigang ``station_daily.csv`` into the canonical station-daily table.

    Parameters
    ----------
    path : str or os.PathLike
        The ``station_daily.csv`` file (a folder, pattern or list is accepted too).
    errors : {"raise", "flag"}, default "raise"
        A value that is neither a number nor empty, or a value on a last line without a final
        newline (the file may be cut short: its last field, and any missing ones, see
        :mod:`airq.io._checks`), raises :class:`~airq.io.ReadError` (file, line, column,
        value); with ``"flag"`` it becomes NaN and is listed in ``df.attrs["flags"]``
        (``time`` = the date, ``column`` = canonical name, reason ``not a number`` /
        ``truncated_last_line``; a cut ``station_name`` or ``source_timepoint`` becomes
        missing text with a flag too).
    encoding : str, default "auto"
        Text encoding: ``"auto"`` detects it per file (byte-order mark, then UTF-8, then
        GB18030), or a codec name (:mod:`airq.io.encoding`); the one used is in
        ``df.attrs["encodings"]``.

    Returns
    -------
    pandas.DataFrame
        Canonical station-daily columns (``station``, ``date``, ``so2, no2, co, pm10, pm25``,
        ``o3_8h``, ``o3_1h`` [µg/m³; co mg/m³], ``n_*`` all NaN), then ``station_name``,
        ``is_control_point`` (bool), ``window_flag`` (str), ``day_hours_in_window``
        (float64, NaN if the column is absent), ``source_timepoint`` (str, if present),
        ``source`` (file name). One row per input row, input order.
        ``df.attrs["read_notes"]`` (sentences for the ingest summary) and
        ``df.attrs["header_only_files"]`` (files with a header and no rows: zero rows).

    Raises
    ------
    ReadError
        Malformed header (names the missing columns), empty file, bad date, a date outside
        2000-01-01 .. 31 December of next year (always, whatever ``errors``), station code,
        ``is_control_point`` other than 0/1, empty ``window_flag``, a cut that may fall in
        one of these key fields, or (``errors="raise"``) a bad or possibly cut value.
    """
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(path, ("station_daily*.csv",))
    frames, flags = [], []
    for p in files:
        table = _core.read_csv_table(p, _REQUIRED, encoding=encoding)
        bad: list = []
        _checks.cut_cells(table, keys=_KEYS, values=_CUT_VALUES, bad=bad, errors=errors)
        station = _core.required_text(table, "station_code", note("error.read.what_station_code"))
        date = _dates(table, "date")
        values = {out: _core.numbers(table, raw, out, bad) for raw, out in GUIGANG_DAILY_COLUMNS.items()}
        frame = daily_frame(station, date, values)
        frame["station_name"] = _core.optional_text(table, "station_name")
        frame["is_control_point"] = _core.integers(table, "is_control_point", 0, 1).astype(bool)
        frame["window_flag"] = _core.required_text(table, "window_flag", note("error.read.what_window_flag"))
        if "day_hours_in_window" in table.columns:
            frame["day_hours_in_window"] = _core.numbers(table, "day_hours_in_window", "day_hours_in_window", bad)
        if "source_timepoint" in table.columns:
            frame["source_timepoint"] = _core.optional_text(table, "source_timepoint")
        flags.append(_core.resolve_bad(table, bad, errors, station, date))
        frame["source"] = table.source
        frames.append(_core.tag_encoding(frame, table))
    df = _core.assemble(frames, DAILY_COLUMNS, _DTYPES, encoding=encoding)
    return _core.attach_flags(df, flags, errors)
