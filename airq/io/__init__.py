"""Readers: raw files -> the canonical hourly table or the canonical station-daily table.

Every reader returns a plain :class:`pandas.DataFrame` in airq's one time convention
(``time`` = **start** of the hour, Beijing time, naive; :mod:`airq.timeconv`), converting the
source's hour labels on input with :func:`airq.timeconv.to_hour_start` and an explicit
``hour_label`` argument.

================  ============================  ==================================================
format            reader                        source
================  ============================  ==================================================
``cnemc``         :func:`read_cnemc`            CNEMC real-time archive, one CSV per hour
``china_sites``   :func:`read_china_sites`      daily wide ``china_sites_YYYYMMDD.csv`` files
``prsa``          :func:`read_prsa`             UCI Beijing multi-site PRSA files (.csv/.csv.gz)
``tidy``          :func:`read_tidy`             airq's tidy hourly CSV/Parquet
``tidy_daily``    :func:`read_tidy_daily`       airq's tidy station-daily CSV/Parquet
``guigang_daily`` :func:`read_guigang_daily`    Guigang 2023 Q1 ``station_daily.csv``
``aqistudy``      :func:`read_aqistudy`         aqistudy.cn city daily ``<城市>.csv`` (2013-2017;
                                                GBK or UTF-8, broken 8-name header, 无 = no data)
================  ============================  ==================================================

Text files are decoded as :mod:`airq.io.encoding` describes (``encoding="auto"``: byte-order
mark, then UTF-8, then GB18030, the encoding of Excel on Chinese Windows; or a given codec);
``df.attrs["encodings"]`` says which per file. The tidy layouts also accept Excel-style dates
and Chinese column headers (:data:`airq.io.tidy.HOURLY_ALIASES`, :mod:`airq.io.tidy`).

Canonical hourly table: ``station`` (str), ``time`` (datetime64[ns]), ``so2, no2, co, o3,
pm10, pm25`` (float64 [µg/m³; co mg/m³], NaN = missing), optional ``published_*`` columns
(values the platform publishes itself — AQI, primary pollutant, moving means — kept for
comparison, never used as inputs), ``source`` (file name). Canonical station-daily table:
``station``, ``date`` (midnight), ``so2, no2, co, pm10, pm25, o3_8h, o3_1h`` and the counts
``n_so2 ... n_o3_1h, n_o3_8h`` (NaN = unknown for values received as daily values).

Bad input
---------
Every problem raises :class:`ReadError` (a ``ValueError``) naming the file, the 1-based line,
the column as named in the file and the value: missing file, malformed header (all missing
columns named), a row with the wrong number of fields, invalid text encoding, an unparseable
station code / time / date. A value field that is neither a number nor a missing marker
(:data:`MISSING_MARKERS`: empty, ``NA``, ``N/A``, ``NaN``, ``nan``, ``null``, ``NULL``, ``-``,
``--``, ``—``, ``——``; surrounding white space ignored) raises too — unless ``errors="flag"``,
in which case it becomes NaN and is listed in ``df.attrs["flags"]`` (columns
:data:`FLAG_COLUMNS`: ``station, time, column`` (canonical), ``value`` (verbatim),
``reason``, ``source``, ``row`` (line), ``raw_column``). Key fields (station, time) always
raise: a row that cannot be placed cannot be flagged. No row is ever dropped; duplicated
station-hours are kept (flagging them is :mod:`airq.quality`'s job) — except in ``aqistudy``,
whose two folders repeat the same city-days: agreeing repeats are collapsed to one row and
counted, disagreeing ones raise or are flagged ``duplicate_conflict`` (see
:mod:`airq.io.aqistudy`), and in ``china_sites``, where a line repeating the date, hour and
type of an earlier line is dropped when identical and otherwise has only its disagreeing
station values raised or flagged ``duplicate_conflict`` (see :mod:`airq.io.china_sites`).
Raw files are only read.

Every reader, every format (:mod:`airq.io._checks`):

* **Dates.** A time or date outside ``2000-01-01 .. 31 December of next year`` (hourly data:
  the hour start after the hour-label conversion) raises :class:`ReadError` naming file,
  line, column and value, whatever ``errors`` says (it is a key field).
* **Cut-off last line.** A last line without a final newline may be cut short (``53`` cut to
  ``5`` still parses). Its last field, and any missing fields, are flagged
  ``truncated_last_line`` and set missing (``errors="flag"``) or raise (``errors="raise"``);
  a cut that may fall in a key field always raises. A file cut inside a multi-byte character
  is decoded up to it.
* **Header only / empty.** A header with no rows reads as zero rows, listed in
  ``df.attrs["header_only_files"]``; an empty file (0 bytes) raises ``empty file (0 bytes,
  no header)``.
* ``df.attrs["read_notes"]``: one sentence per such event (header-only file, cut-off last line,
  repeated lines), what ``airq ingest`` prints.

.. warning::
   pandas cannot handle a DataFrame inside ``attrs`` everywhere: ``pd.concat`` of two frames
   that both carry ``attrs["flags"]`` raises ``ValueError`` and ``DataFrame.to_parquet``
   raises ``TypeError``. With ``errors="flag"``, take the flags out first with
   :func:`pop_flags`, or read everything in one call (every reader accepts a list of sources).
"""

from __future__ import annotations

import pandas as pd

from ..notes import note
from ._core import (
    DAILY_COLUMNS,
    DAILY_COUNTS,
    DAILY_VALUES,
    FLAG_COLUMNS,
    HOURLY_COLUMNS,
    MISSING_MARKERS,
    POLLUTANTS,
    empty_flags,
)
from .aqistudy import AQISTUDY_CATEGORIES, AQISTUDY_FIELDS, aqistudy_summary, read_aqistudy
from .china_sites import CHINA_SITES_TYPES, read_china_sites
from .cnemc import CNEMC_COLUMNS, read_cnemc, read_cnemc_stations
from .errors import ReadError
from .guigang import GUIGANG_DAILY_COLUMNS, read_guigang_daily
from .prsa import PRSA_STATIONS, read_prsa
from .tidy import read_tidy, read_tidy_daily

__all__ = [
    "ReadError",
    "read",
    "FORMATS",
    "read_cnemc",
    "read_cnemc_stations",
    "read_china_sites",
    "read_prsa",
    "read_tidy",
    "read_tidy_daily",
    "read_guigang_daily",
    "read_aqistudy",
    "aqistudy_summary",
    "pop_flags",
    "POLLUTANTS",
    "HOURLY_COLUMNS",
    "DAILY_VALUES",
    "DAILY_COUNTS",
    "DAILY_COLUMNS",
    "FLAG_COLUMNS",
    "MISSING_MARKERS",
    "CNEMC_COLUMNS",
    "CHINA_SITES_TYPES",
    "PRSA_STATIONS",
    "GUIGANG_DAILY_COLUMNS",
    "AQISTUDY_FIELDS",
    "AQISTUDY_CATEGORIES",
]

#: format name -> reader, for :func:`read`.
FORMATS = {
    "cnemc": read_cnemc,
    "china_sites": read_china_sites,
    "prsa": read_prsa,
    "tidy": read_tidy,
    "tidy_daily": read_tidy_daily,
    "guigang_daily": read_guigang_daily,
    "aqistudy": read_aqistudy,
}


def read(format: str, sources, **kw) -> pd.DataFrame:
    """Read ``sources`` with the reader of ``format``.

    Parameters
    ----------
    format : {"cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"}
        The file format (see the table in :mod:`airq.io`).
    sources : str, os.PathLike, or list of those
        Files, folders or glob patterns.
    **kw
        Passed to the reader (``hour_label``, ``errors``, ``encoding``, ``o3_columns``, ``progress``, ...).

    Returns
    -------
    pandas.DataFrame
        The canonical hourly table (``tidy_daily``/``guigang_daily``/``aqistudy``: station-daily
        table).

    Raises
    ------
    ValueError
        Unknown format.
    ReadError
        Bad input (see :mod:`airq.io`).
    TypeError
        An argument the reader does not take.

    Examples
    --------
    >>> df = read("prsa", "data/raw/prsa", hour_label="end")  # doctest: +SKIP
    """
    try:
        reader = FORMATS[format]
    except (KeyError, TypeError):
        raise ValueError(note("error.read.unknown_format", format=format, known=list(FORMATS))) from None
    return reader(sources, **kw)


def pop_flags(df: pd.DataFrame) -> pd.DataFrame:
    """Remove ``df.attrs["flags"]`` from ``df`` and return it (an empty flags table if absent).

    Use before ``pd.concat`` or ``to_parquet`` of frames read with ``errors="flag"``.
    """
    flags = df.attrs.pop("flags", None)
    return empty_flags() if flags is None else flags
