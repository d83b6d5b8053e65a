"""The store's fast read path: month partitions -> one canonical frame, without Python strings.

Issue 11 item 3 ("integer or categorical station codes end to end, month membership by integer
bounds, no whole-frame copies"); item 4 (no change in any number). :func:`airq.store.load` and
``load_daily`` read each partition with :func:`read_partition` (through ``airq.store._read_partition``)
and put them together with :func:`assemble`; the result is the frame the reference path of
:mod:`airq.store` (``_read_partition`` per month, ``pd.concat``, filter, ``_finish_dtypes``, a
stable sort by station and time) returns — same rows in the same order, same columns, same
dtypes — and ``tests/test_fast_path.py`` proves it on randomised stores.

How
---
* Each partition is read with ``station`` dictionary-encoded (pyarrow ``read_dictionary``): the
  station of a row is an ``int32`` index into a dictionary of a few thousand codes at most. The
  dictionaries of all partitions are united into one sorted list (the order of Python ``str``,
  which is the order of the reference's sort), so every row carries an integer code whose order
  is the order of its station.
* ``time`` (``date`` for daily values) is read as ``int64`` nanoseconds; month membership is two
  integer comparisons with the month's bounds (not ``strftime`` per row); the period
  ``[start, end)`` likewise.
* A partition is written sorted by station and time (:func:`airq.store._merge`); that is checked
  (two ``diff`` passes), and then the whole result in station-then-time order is one stable sort of
  the integer codes of the month-ordered concatenation (months are disjoint and ordered, so times
  stay ascending within a station). A partition that is not sorted is sorted first
  (``lexsort``, stable), so the result is the same in any case.
* Values are gathered once into the output arrays; ``station`` is built by pyarrow from the codes
  (``dictionary_decode``), as pandas' ``str`` dtype.
* The stored extra columns: a text column that ``to_pandas`` gives as pandas' ``str`` in every
  partition (``source`` …) is read dictionary-encoded too and goes the way of ``station`` (codes,
  gathered, decoded; missing stays missing); any other column goes the reference's way
  (``to_pandas`` per partition, ``pd.concat``) and then through the same row selection and order,
  so its dtype is the reference's.

The checks on read are the reference's, in the same order and with the same sentences: the file
against the manifest (:func:`airq.store_integrity.check_file`, done by the caller before),
unreadable, missing columns, the row count of a partition read whole, a row outside its month.
A partition whose column types this path does not handle (e.g. a value column stored as text)
raises :class:`Unsupported`, and the caller reads the whole request the reference way.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .notes import note
from .store_integrity import StoreCorrupt, verify_tail
from .util import label as _label

__all__ = ["Unsupported", "Part", "read_partition", "assemble", "decode", "month_bounds_ns", "sorted_codes"]


class Unsupported(Exception):
    """A partition this fast path does not handle; the caller falls back to the reference path."""


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def month_bounds_ns(month: str) -> tuple[int, int]:
    """``[first ns of month, first ns of next month)`` for ``"YYYY-MM"`` as int64 nanoseconds."""
    m0 = pd.Timestamp(month + "-01")
    m1 = (m0.to_period("M") + 1).to_timestamp()
    return int(m0.as_unit("ns").value), int(m1.as_unit("ns").value)


def sorted_codes(dictionaries: list) -> tuple[np.ndarray, list]:
    """One sorted dictionary for several: (sorted unique strings as an object array, [map per input]).

    ``map[i][j]`` is the position in the sorted dictionary of ``dictionaries[i][j]``. Sorting is
    Python's ``str`` order (code points), the order of ``np.unique`` and of pandas' sort of strings.
    """
    if not dictionaries:
        return np.array([], dtype=object), []
    allv = np.concatenate([np.asarray(d, dtype=object) for d in dictionaries]) if dictionaries else np.array([], dtype=object)
    uniq = np.array(sorted(set(allv.tolist())), dtype=object)
    pos = {s: i for i, s in enumerate(uniq.tolist())}
    maps = [np.fromiter((pos[s] for s in np.asarray(d, dtype=object).tolist()), dtype=np.int64, count=len(d)) for d in dictionaries]
    return uniq, maps


_FLOAT_TYPES = (pa.float64(), pa.float32(), pa.float16())


def _float_column(col: pa.ChunkedArray) -> np.ndarray:
    """A float column as float64 numpy (null -> NaN), the values ``to_pandas().astype("float64")`` gives."""
    arr = col.to_numpy()  # nulls become NaN for floating types
    return arr.astype(np.float64, copy=False)


def _time_ns(col: pa.ChunkedArray) -> np.ndarray:
    """A naive timestamp column as int64 nanoseconds (NaT = int64 min), as ``astype("datetime64[ns]")``."""
    if col.type.unit != "ns":
        try:
            col = col.cast(pa.timestamp("ns"))
        except pa.ArrowInvalid:  # outside 1677..2262: the reference raises its own error
            raise Unsupported("time outside the nanosecond range") from None
    return col.to_numpy().view(np.int64) if col.null_count == 0 else col.to_numpy().astype("datetime64[ns]").view(np.int64)


def _station_chunks(col: pa.ChunkedArray) -> list:
    """[(dictionary values as a list of str, int64 indices)] per chunk of a dictionary-encoded column."""
    out = []
    for ch in col.chunks:
        if ch.null_count:
            raise Unsupported("missing station code")
        d = ch.dictionary
        if not (pa.types.is_string(d.type) or pa.types.is_large_string(d.type)):
            raise Unsupported(f"station stored as {d.type}")
        out.append((d.to_pylist(), ch.indices.to_numpy().astype(np.int64, copy=False)))
    return out


class Part:
    """One partition as read by :func:`read_partition` (rows of the stations asked for, file order).

    ``dictionaries``: the station dictionary of each chunk; ``local``: per row, ``chunk offset + index``
    into their concatenation; ``t``: ``key`` [ns, int64]; ``values``: float64 arrays; ``extras``: the
    other columns (pyarrow; the text columns dictionary-encoded); ``text``: {name: stored type} of those;
    ``n``: rows.
    """

    __slots__ = ("dictionaries", "local", "t", "values", "extras", "text", "n", "codes")


def read_partition(store: Path, rel: str, month: str, key: str, values: tuple, record: dict | None, stations) -> Part:
    """Read one partition (the fast path of :func:`airq.store._read_partition`, with the same checks and sentences).

    Raises
    ------
    StoreCorrupt
        Unreadable, a column missing, another row count than ``record`` (read whole, i.e.
        ``stations`` None), or a row (of ``stations``) outside ``month``.
    Unsupported
        A column type only the reference path handles.
    """
    bad = lambda: {"rel": rel, "store": str(store), "tail": verify_tail(store)}  # noqa: E731 (the message's fields, made on error)
    first = ["station", key, *values]
    try:  # station and the text columns dictionary-encoded, as Parquet holds them
        schema = pq.read_schema(store / rel)
        text = [f.name for f in schema if f.name not in first and (pa.types.is_string(f.type) or pa.types.is_large_string(f.type))]
        tab = pq.read_table(store / rel, read_dictionary=["station", *text])
    except (OSError, pa.ArrowException):
        try:  # the reference's read names what is wrong, in its own words
            pq.read_table(store / rel, filters=[("station", "in", list(stations))] if stations is not None else None)
        except (OSError, pa.ArrowException) as exc:
            raise StoreCorrupt(note("error.store.unreadable", why=_short(str(exc), 120), **bad())) from None
        raise Unsupported("readable only the reference way") from None
    names = tab.column_names
    missing = [c for c in first if c not in names]
    if missing:
        raise StoreCorrupt(note("error.store.columns", columns=missing, **bad()))
    if stations is None and record is not None and record.get("rows") is not None and tab.num_rows != record["rows"]:
        raise StoreCorrupt(note("error.store.rows_differ", rows=tab.num_rows, recorded=record["rows"], **bad()))
    if len(names) != len(set(names)):
        raise Unsupported("repeated column names")
    st = tab.column("station")
    if not pa.types.is_dictionary(st.type):
        raise Unsupported(f"station stored as {st.type}")
    kt = tab.column(key).type
    if not pa.types.is_timestamp(kt) or kt.tz is not None:
        raise Unsupported(f"{key} stored as {kt}")
    for c in values:
        if tab.column(c).type not in _FLOAT_TYPES:
            raise Unsupported(f"{c} stored as {tab.column(c).type}")
    chunks = _station_chunks(st)
    p = Part()
    p.dictionaries = [d for d, _ in chunks]
    starts = np.cumsum([0] + [len(d) for d in p.dictionaries])
    local = np.concatenate([idx + off for (_, idx), off in zip(chunks, starts[:-1])]) if chunks else np.zeros(0, np.int64)
    sel = None
    if stations is not None:
        wanted = set(stations)
        allowed = np.fromiter((s in wanted for d in p.dictionaries for s in d), dtype=bool, count=int(starts[-1]))
        mask = allowed[local] if len(local) else np.zeros(0, bool)
        if not mask.all():
            sel, local = mask, local[mask]
    t = _time_ns(tab.column(key))
    if sel is not None:
        t = t[sel]
    lo, hi = month_bounds_ns(month)
    wrong = (t < lo) | (t >= hi)
    if wrong.any():
        pos = int(np.flatnonzero(wrong)[0])
        stamp = pd.Series(t[pos:pos + 1].view("datetime64[ns]")).iloc[0]
        raise StoreCorrupt(note("error.store.outside_month", pos=pos, column=key, stamp=_label(stamp), month=month, **bad()))
    p.local, p.t, p.n = local, t, len(local)
    p.values = {}
    for c in values:
        v = _float_column(tab.column(c))
        p.values[c] = v[sel] if sel is not None else v
    ex = tab.select([c for c in names if c not in first])
    p.extras = ex.filter(pa.array(sel)) if sel is not None else ex
    p.text = {c: schema.field(c).type for c in text}
    return p


def assemble(parts: list, key: str, values: tuple, t0, t1) -> pd.DataFrame | None:
    """The canonical table of ``parts`` (:func:`read_partition`, month order): the period ``[t0, t1)``,
    sorted by station then ``key`` — the frame of the reference path. None when no part has a row
    (the caller returns its empty table, as the reference does)."""
    parts = [p for p in parts if p.n]  # the reference drops partitions without a row (their extra columns too)
    if not parts:
        return None
    dictionary, maps = sorted_codes([d for p in parts for d in p.dictionaries])
    k = 0
    for p in parts:
        m = np.concatenate(maps[k:k + len(p.dictionaries)])
        k += len(p.dictionaries)
        p.codes = m[p.local]

    # station-then-time order. Each partition (its rows in the period) is sorted by station then time —
    # checked, else sorted stably — so the result is, station by station, the station's block of
    # each month in month order: a permutation built from block bounds, without a sort of all rows.
    n_st = len(dictionary)
    kept, bounds, direct = [], [], True
    for p in parts:
        keep = None  # the period [t0, t1)
        if t0 is not None:
            keep = p.t >= t0.value
        if t1 is not None:
            keep = (p.t < t1.value) if keep is None else keep & (p.t < t1.value)
        if keep is not None and keep.all():
            keep = None
        c, t = (p.codes, p.t) if keep is None else (p.codes[keep], p.t[keep])
        idx = None if keep is None else np.flatnonzero(keep)
        if len(c) > 1 and not bool(((c[1:] > c[:-1]) | ((c[1:] == c[:-1]) & (t[1:] >= t[:-1]))).all()):
            o = np.lexsort((t, c))  # stable: equal keys keep the file's order, as the reference's sort
            idx = o if idx is None else idx[o]
            c = c[o]
        direct &= idx is None
        kept.append((idx, len(c)))
        bounds.append(np.searchsorted(c, np.arange(n_st + 1)))
    start = np.stack(bounds)[:, :-1]  # (part, station): first row of the block among the part's kept rows
    length = np.diff(np.stack(bounds), axis=1)
    kept_off = np.cumsum([0] + [m for _, m in kept])[:-1]
    blen = length.T.ravel()  # blocks station by station, months in order
    src = (kept_off[:, None] + start).T.ravel()
    n = int(blen.sum())
    rows = np.repeat(src - (np.cumsum(blen) - blen), blen) + np.arange(n)  # positions among the kept rows
    if not direct:  # kept rows -> positions in the concatenation of the parts
        offsets = np.cumsum([0] + [p.n for p in parts])[:-1]
        pos = [np.arange(p.n) + off if idx is None else idx + off for p, (idx, _), off in zip(parts, kept, offsets)]
        rows = np.concatenate(pos)[rows]
    station_codes = np.repeat(np.repeat(np.arange(n_st, dtype=np.int32), len(parts)), blen)

    # the value columns gathered straight into one float64 block (pandas takes it without a copy)
    scratch = np.empty(sum(p.n for p in parts))
    block = np.empty((len(values), n))
    for i, c in enumerate(values):
        np.concatenate([p.values[c] for p in parts], out=scratch)
        np.take(scratch, rows, out=block[i])
    del scratch
    frame = pd.DataFrame(block.T, columns=list(values), copy=False)
    frame.insert(0, key, np.concatenate([p.t for p in parts])[rows].view("datetime64[ns]"))
    frame.insert(0, "station", decode(station_codes, dictionary))
    extras = _extras(parts, rows)
    if extras is not None:
        for c in extras.columns:
            frame[c] = extras[c].array
    return frame


def decode(codes: np.ndarray, dictionary: np.ndarray, valid: np.ndarray | None = None) -> pd.api.extensions.ExtensionArray:
    """pandas ``str`` array of ``dictionary[codes]`` (``valid`` False: missing), built by pyarrow, no Python objects."""
    d = pa.array(dictionary.tolist(), type=pa.large_string())
    idx = pa.array(codes.astype(np.int32, copy=False), mask=None if valid is None else ~valid)
    return pd.array(pa.DictionaryArray.from_arrays(idx, d).dictionary_decode(), dtype="str")


_MAX_DICT = 1 << 16  # distinct values above which a text column goes the pandas way


def _text_codes(col: pa.ChunkedArray):
    """[(dictionary values, codes with -1 = missing)] per chunk of a dictionary-encoded text column,
    or None when a chunk has too many distinct values."""
    out = []
    for ch in col.chunks:
        if len(ch.dictionary) > _MAX_DICT:
            return None
        idx = ch.indices.to_numpy(zero_copy_only=False)
        if ch.null_count:
            idx = np.where(ch.indices.is_null().to_numpy(zero_copy_only=False), -1, idx)
        out.append((ch.dictionary.to_pylist(), idx.astype(np.int64, copy=False)))
    return out


def _pandas_str(part: Part, name: str) -> bool:
    """True when the stored text column ``name`` becomes pandas' ``str`` dtype in ``to_pandas`` (as the
    reference reads it), judged on an empty column of the stored type with the file's pandas metadata."""
    typ = part.text.get(name)
    if typ is None:
        return False
    schema = pa.schema([pa.field(name, typ)], metadata=part.extras.schema.metadata)
    return str(pa.Table.from_arrays([pa.array([], type=typ)], schema=schema).to_pandas()[name].dtype) == "str"


def _fast_text(parts: list, name: str, rows: np.ndarray):
    """A text column stored as ``str`` in every partition, in the result's row order (None: go the pandas way)."""
    per = []
    for p in parts:
        if not _pandas_str(p, name):
            return None
        got = _text_codes(p.extras.column(name))
        if got is None:
            return None
        per.append(got)
    dictionary, maps = sorted_codes([d for chunks in per for d, _ in chunks])
    pieces, k, missing = [], 0, False
    for chunks in per:
        for _, idx in chunks:
            m = maps[k].astype(np.int32)
            k += 1
            if len(idx) and idx.min() < 0:
                missing = True
                pieces.append(np.where(idx >= 0, m[np.maximum(idx, 0)] if len(m) else 0, -1).astype(np.int32))
            else:
                pieces.append(m[idx] if len(m) else idx.astype(np.int32))
    codes = np.concatenate(pieces)[rows] if pieces else np.zeros(0, np.int32)
    if not missing:
        return decode(codes, dictionary)
    valid = codes >= 0
    return decode(np.maximum(codes, 0), dictionary if len(dictionary) else np.array([""], dtype=object), valid)


def _as_stored(part: Part, names: list) -> pa.Table:
    """The extra columns ``names`` of a part with their stored types (text decoded again), the file's metadata kept."""
    cols = [c for c in part.extras.column_names if c in names]
    if not cols:
        return part.extras.select([])  # no column, the part's rows
    arrays = [part.extras.column(c).cast(part.text[c]) if c in part.text else part.extras.column(c) for c in cols]
    fields = [pa.field(c, part.text[c]) if c in part.text else part.extras.schema.field(c) for c in cols]
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields, metadata=part.extras.schema.metadata))


def _extras(parts: list, rows: np.ndarray) -> pd.DataFrame | None:
    """The extra columns in the result's row order: text columns stored as ``str`` in every partition
    through their dictionary codes, the others the reference way (``to_pandas`` per partition,
    ``pd.concat``, the same row selection)."""
    names = list(dict.fromkeys(c for p in parts for c in p.extras.column_names))
    if not names:
        return None
    fast = {}
    for c in names:
        got = _fast_text(parts, c, rows)
        if got is not None:
            fast[c] = got
    rest = [c for c in names if c not in fast]
    slow = None
    if rest:
        frames = [_as_stored(p, rest).to_pandas() for p in parts]
        whole = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
        slow = whole.iloc[rows].reset_index(drop=True)
    return pd.DataFrame({c: (fast[c] if c in fast else slow[c].array) for c in names}, copy=False)
