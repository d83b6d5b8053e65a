"""Integer keys for the dense station x hour grid of :mod:`airq.hourly`, without sorting Python strings.

Issue 11 item 3 ("integer or categorical station codes end to end, never sorting Python strings";
"the grid filled straight from the columns"); item 4 (no change in any number).
:func:`airq.hourly.to_grid` lays every row at ``station index * n_hours + hour index`` of a flat
array. What it needs, and what this module computes faster than the reference
(``np.unique`` over the station strings, ``DataFrame.duplicated`` on (station, time)):

* :func:`station_codes` — the sorted station codes and each row's index among them, exactly
  ``np.unique(column.astype(str).to_numpy(), return_inverse=True)``: for pandas' ``str`` (Arrow)
  column by pyarrow (``run_end_encode`` when the rows come grouped by station, as from the store,
  else ``dictionary_encode``, a hash; one pass either way) and a sort of the few distinct codes;
  for a categorical column through its categories; for an object column of ``str`` by pyarrow
  likewise; anything else (numbers, mixed types) the reference way.
* :func:`hour_numbers` — whole hours since the epoch from a ``DatetimeIndex`` in its own unit
  (``None`` when a time is not on a whole hour), two integer operations.
* :func:`has_duplicates` — whether two rows share a (station, hour): a strictly increasing key
  (the store's order) answers at once; otherwise an occupancy bitmap over the key range (or a sort
  of the int64 keys when that range is huge). Only a positive answer goes back to pandas to name
  the first duplicated row as before.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from .store_read import decode, sorted_codes

__all__ = ["station_codes", "hour_numbers", "has_duplicates", "repeat_text"]

_UNIT_PER_HOUR = {"s": 3600, "ms": 3_600_000, "us": 3_600_000_000, "ns": 3_600_000_000_000}


def _mostly_runs(arr: pa.Array, sample: int = 512) -> bool:
    """True when neighbouring values are mostly equal (a table sorted or grouped by station), judged on
    ``sample`` evenly spaced pairs; only decides which of two exact encodings is faster."""
    n = len(arr)
    if n < 4 * sample:
        return False
    at = np.linspace(0, n - 2, sample).astype(np.int64)
    same = pc.equal(arr.take(pa.array(at)), arr.take(pa.array(at + 1)))
    return (pc.sum(same.cast(pa.int64())).as_py() or 0) >= 0.9 * sample


def _chunk_codes(arr: pa.Array) -> tuple[list, np.ndarray]:
    """(distinct values as a list, each row's index into it) of one text chunk: by runs of equal values
    (``run_end_encode``, one comparison per row) when the rows come grouped, else by a hash
    (``dictionary_encode``). The values may repeat in the run case; :func:`sorted_codes` unites them."""
    if _mostly_runs(arr):
        ree = pc.run_end_encode(arr)
        ends = ree.run_ends.to_numpy().astype(np.int64)
        idx = np.repeat(np.arange(len(ends), dtype=np.int64), np.diff(ends, prepend=0))
        return ree.values.to_pylist(), idx
    enc = pc.dictionary_encode(arr)
    return enc.dictionary.to_pylist(), enc.indices.to_numpy(zero_copy_only=False)


def _from_arrow(chunked: pa.ChunkedArray) -> tuple[np.ndarray, np.ndarray]:
    chunks = [_chunk_codes(ch) for ch in chunked.chunks if len(ch)]
    dictionary, maps = sorted_codes([d for d, _ in chunks])
    if not chunks:
        return dictionary, np.zeros(0, dtype=np.intp)
    inv = np.concatenate([m[idx] for m, (_, idx) in zip(maps, chunks)])
    return dictionary, inv.astype(np.intp, copy=False)


def station_codes(column: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``(stations, index)``: the sorted distinct ``column.astype(str)`` values (object array of ``str``) and
    each row's position among them — ``np.unique(column.astype(str).to_numpy(), return_inverse=True)``.

    ``column`` must hold no missing value (:func:`airq.hourly.to_grid` refuses them first).
    """
    dtype = column.dtype
    if isinstance(dtype, pd.CategoricalDtype):  # the categories that occur, as text, sorted
        codes = column.cat.codes.to_numpy().astype(np.intp)
        used = np.flatnonzero(np.bincount(codes, minlength=len(dtype.categories)))
        cats = np.asarray(dtype.categories[used].astype(str).to_numpy(), dtype=object)
        uniq, inv = np.unique(cats, return_inverse=True)
        to_sorted = np.zeros(len(dtype.categories), dtype=np.intp)
        to_sorted[used] = inv.reshape(-1)
        return uniq, to_sorted[codes]
    if isinstance(dtype, pd.StringDtype) and dtype.storage == "pyarrow":
        arrow = column.array.__arrow_array__()
        return _from_arrow(arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow]))
    if dtype == object or isinstance(dtype, pd.StringDtype):
        values = column.to_numpy(dtype=object)
        if pd.api.types.infer_dtype(values, skipna=False) == "string":  # every value a str: astype(str) changes none
            try:
                return _from_arrow(pa.chunked_array([pa.array(values, type=pa.large_string())]))
            except UnicodeError:  # text that is not valid Unicode (lone surrogates): the reference way
                pass
    uniq, inv = np.unique(column.astype(str).to_numpy(), return_inverse=True)
    return uniq, inv.reshape(-1)


def hour_numbers(times: pd.DatetimeIndex) -> tuple[np.ndarray | None, int]:
    """(whole hours since 1970-01-01 per time, or None if a time is not on a whole hour; position of
    the first such time or -1). ``times`` naive, without NaT."""
    unit = np.datetime_data(times.dtype)[0]
    per = _UNIT_PER_HOUR.get(unit)
    if per is None:  # pragma: no cover - pandas holds s, ms, us or ns
        raise ValueError(f"unexpected time unit {unit!r}")
    raw = times.asi8
    hours, rest = np.divmod(raw, per)
    off = rest != 0
    if off.any():
        return None, int(np.flatnonzero(off)[0])
    return hours, -1


def has_duplicates(key: np.ndarray, size: int) -> bool:
    """Whether ``key`` (int64, every value in ``[0, size)``) holds a value twice."""
    n = len(key)
    if n < 2:
        return False
    if bool((key[1:] > key[:-1]).all()):
        return False
    if size <= max(8 * n, 1 << 24):
        seen = np.zeros(size, dtype=bool)
        seen[key] = True
        return int(np.count_nonzero(seen)) != n
    k = np.sort(key)
    return bool((k[1:] == k[:-1]).any())


def repeat_text(stations: pd.Index, n: int):
    """Each station code ``n`` times, as the column ``pd.DataFrame`` makes of
    ``np.repeat(stations.to_numpy(dtype=object), n)`` (pandas' ``str`` when every code is a ``str``),
    built by pyarrow from integer codes instead of one Python object per row."""
    values = stations.to_numpy(dtype=object)
    if len(values) == 0 or n == 0 or pd.api.types.infer_dtype(values, skipna=False) != "string":
        return np.repeat(values, n)
    return decode(np.repeat(np.arange(len(values), dtype=np.int32), n), values)
