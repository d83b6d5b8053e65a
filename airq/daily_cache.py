"""Station daily values stored beside the hours: a derived table, exact, tied to its source (issue 11).

A station-day depends only on its own 24 hours (hour starts 00:00 ... 23:00 of the natural day,
Beijing time), so the station daily values of a month are a function of that month's hourly
partition alone, and can be computed once, when the partition is written, instead of at every
assessment (16.6 M hours a national year against ~0.7 M station-days).

Layout and record
-----------------
``stationdaily/month=YYYY-MM/data.parquet`` beside ``hourly/month=YYYY-MM/data.parquet``: the
rows of :func:`airq.hourly.station_daily` of the partition that have at least one valid hour of
any pollutant (the rows :func:`airq.assessment.station_days` keeps), sorted by station and date.
The manifest records it under ``stationdaily`` like a partition (size, rows, sha256, mtime) plus
``source`` (``rel`` and ``sha256`` of the hourly partition it was computed from) and ``version``
(:data:`VERSION`, raised whenever the daily computation could give another number).

When it is written, when it is used
-----------------------------------
* Written by :func:`airq.store.ingest` for every month whose hourly partition it rewrites, in the
  same commit (staged, journal, roll forward): hours and daily values change together or not at
  all. An ingest that changes nothing leaves both untouched. :func:`airq.store.replace_files`
  (``airq verify --repair-from``) recomputes the cache of every hourly partition it replaces;
  :func:`airq.store.refresh_station_daily` computes the missing or stale ones (stores written
  before the cache existed).
* Read by :func:`airq.store.load_station_daily` only when it is **fresh** (:func:`is_fresh`): its
  ``source.sha256`` is the hourly partition's sha256 in the manifest and its ``version`` is
  :data:`VERSION`. A stale or absent cache is never served: that month is computed from its hours.
  A cache file that does not match its own record (changed after airq wrote it) is an error, as
  for any partition (:mod:`airq.store_integrity`), found by ``airq verify``.
* Options that need the hours (``o3_1h_min_hours``, a pinned rule set, the plan option
  ``o3_8h_aggregation = "max_of_mean_series"``) bypass it; the validity rules of both rule sets
  are the same (GB 3095—2012 / —2026 Table 4), so the cache holds for days on both sides of
  2026-03-01.

References
----------
.. [1] GB 3095—2026 Table 4 (data validity); HJ 663—2013 §6.1.2 (daily max 8-h O3)
   (standards.md §2.3, §2.4), as computed by :func:`airq.hourly.station_daily`.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq


__all__ = ["KEY", "VERSION", "COLUMNS", "rel_of", "hourly_rel", "compute", "parquet_bytes", "record", "is_fresh",
           "stale_months", "read_month", "empty"]

#: Manifest key and folder of the cache.
KEY = "stationdaily"
#: Version of the daily computation the cache was made with; raise it when a station-day's numbers could change.
VERSION = 1
_MEANS = ("so2", "no2", "co", "pm10", "pm25")
#: Columns of a cache file, in order (those of :func:`airq.hourly.station_daily`).
COLUMNS = ("station", "date", *_MEANS, "o3_8h", "o3_1h", *(f"n_{p}" for p in _MEANS), "n_o3_1h", "n_o3_8h")
_COUNTS = tuple(c for c in COLUMNS if c.startswith("n_"))


def rel_of(month: str) -> str:
    """``stationdaily/month=YYYY-MM/data.parquet``."""
    return f"{KEY}/month={month}/data.parquet"


def hourly_rel(month: str) -> str:
    """The hourly partition a month's cache is computed from."""
    return f"hourly/month={month}/data.parquet"


def empty() -> pd.DataFrame:
    """A cache frame without rows (the columns and dtypes of :func:`compute`)."""
    cols = {"station": pd.Series([], dtype="str"), "date": pd.Series([], dtype="datetime64[ns]")}
    cols.update({c: pd.Series([], dtype="int64" if c in _COUNTS else "float64") for c in COLUMNS[2:]})
    return pd.DataFrame(cols)


def compute(hourly: pd.DataFrame) -> pd.DataFrame:
    """Station daily values of an hourly table, the station-days with at least one valid hour.

    Parameters
    ----------
    hourly : DataFrame
        Canonical hourly table (``station``, ``time`` hour start, the pollutants present
        [µg/m³; co mg/m³]).

    Returns
    -------
    DataFrame
        :data:`COLUMNS`, sorted by station and date; counts ``int64``, values ``float64``.
    """
    from .hourly import HOURLY_POLLUTANTS, station_daily  # here: the store's integrity checks import this module

    if not len(hourly):
        return empty()
    cols = ["station", "time", *[c for c in HOURLY_POLLUTANTS if c in hourly.columns]]
    sd = station_daily(hourly[cols])
    has_hours = sd[list(_COUNTS)].to_numpy().sum(axis=1) > 0
    out = sd.loc[has_hours, list(COLUMNS)].reset_index(drop=True)
    return out.astype({c: "int64" for c in _COUNTS})


def parquet_bytes(frame: pd.DataFrame) -> bytes:
    """The bytes of a cache file (same frame, same bytes: ``station`` dictionary-encoded, zstd, no pandas index)."""
    table = pa.Table.from_pandas(frame[list(COLUMNS)], preserve_index=False)
    table = table.set_column(0, "station", table.column("station").cast(pa.string()).dictionary_encode())
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def record(file_record: dict, month: str, source_sha256: str) -> dict:
    """The manifest record of a cache file: its file record, its ``source`` and :data:`VERSION`."""
    return {**file_record, "source": {"rel": hourly_rel(month), "sha256": source_sha256}, "version": VERSION}


def is_fresh(manifest: dict, month: str) -> bool:
    """True when the month's cache was computed, by this :data:`VERSION`, from the hourly partition the manifest records."""
    rec = (manifest.get(KEY) or {}).get(rel_of(month))
    src = (manifest.get("partitions") or {}).get(hourly_rel(month))
    return bool(rec and src and rec.get("version") == VERSION and (rec.get("source") or {}).get("sha256") == src.get("sha256"))


def stale_months(manifest: dict) -> list[str]:
    """Months with an hourly partition and no fresh cache (computed from the hours on read)."""
    prefix = "hourly/month="
    months = sorted(rel[len(prefix):len(prefix) + 7] for rel in (manifest.get("partitions") or {}) if rel.startswith(prefix))
    return [m for m in months if not is_fresh(manifest, m)]


def read_month(path: Path, stations=None) -> tuple[np.ndarray, np.ndarray, dict]:
    """One cache file: (station names [str objects, sorted unique], station index of each row, {column: array}).

    Rows of ``stations`` only when given. Raises ``OSError`` / ``pyarrow.ArrowException`` when
    the file cannot be read and ``KeyError`` when a column is missing (the caller names the file).
    """
    table = pq.read_table(path, read_dictionary=["station"])
    missing = [c for c in COLUMNS if c not in table.column_names]
    if missing:
        raise KeyError(", ".join(missing))
    st = table.column("station").combine_chunks()
    if not pa.types.is_dictionary(st.type):  # pragma: no cover - written dictionary-encoded
        st = st.dictionary_encode()
    names = np.asarray(st.dictionary.to_pylist(), dtype=object)
    idx = st.indices.to_numpy(zero_copy_only=False).astype(np.int64)
    keep = None
    if stations is not None:
        wanted_set = {str(x) for x in stations}
        wanted = np.fromiter((n in wanted_set for n in names), dtype=bool, count=len(names))
        keep = wanted[idx]
        idx = idx[keep]
    cols = {}
    for c in COLUMNS[1:]:
        a = table.column(c)
        arr = a.cast(pa.int64()).to_numpy() if c == "date" else a.to_numpy()
        cols[c] = arr if keep is None else arr[keep]
    return names, idx, cols
