"""Reading the processed store (:mod:`airq.store`): partitions, periods, the station-daily cache, stations.

This module holds what :func:`airq.store.load`, :func:`airq.store.load_daily` and
:func:`airq.store.load_station_daily` are made of: one partition read and checked
(:func:`_read_partition`, the fast path in :mod:`airq.store_read`), the bounds of a period, the
months of a period checked against the manifest (the check on read, :mod:`airq.store_integrity`),
finishing an interrupted commit before a read (:func:`_settle`), and the reads of the
station-daily cache (:mod:`airq.daily_cache`). It also holds :func:`stations`,
:func:`attachments` and :func:`verify`.
"""

from __future__ import annotations

import fnmatch
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import daily_cache as _cache
from . import store_read as _store_read
from .notes import note
from .store_commit import recover
from .store_integrity import StoreCorrupt, StoreLocked, check_file
from .store_integrity import verify_store as _verify_store
from .store_integrity import verify_tail as _tail
from .store_lock import describe_holder, holds_lock, lock_holder
from .store_manifest import (_DAILY, _HOURLY, _JOURNAL, _TMP_MARK, DEFAULT_STORE, MANIFEST, _finish_dtypes, _rel,
                             _short, _stored_months, _Table, read_manifest)
from .util import label as _label

__all__ = ["stations", "attachments", "verify"]


# --------------------------------------------------------------------------------------------
# partitions, bounds, months


def _read_partition(store: Path, rel: str, table: _Table, month: str, stations=None, record: dict | None = None,
                    raw: bool = False):
    """One partition as a canonical frame; :class:`StoreCorrupt` (naming it, pointing to ``airq verify``)
    when it cannot be read, lacks a column, holds a row of another month or, read whole, another
    row count than ``record`` (its manifest entry). With ``raw``, the same checks and an
    :class:`airq.store_read.Part` for :func:`airq.store_read.assemble` (the fast path of :func:`load`)."""
    if raw:
        return _store_read.read_partition(store, rel, month, table.key, table.values, record, stations)
    path = store / rel
    bad = lambda: {"rel": rel, "store": str(store), "tail": _tail(store)}  # noqa: E731 (the message's fields, made on error)
    try:
        filters = [("station", "in", list(stations))] if stations is not None else None
        df = pq.read_table(path, filters=filters).to_pandas()
    except (OSError, pa.ArrowException) as exc:
        raise StoreCorrupt(note("error.store.unreadable", why=_short(str(exc), 120), **bad())) from None
    missing = [c for c in ["station", table.key, *table.values] if c not in df.columns]
    if missing:
        raise StoreCorrupt(note("error.store.columns", columns=missing, **bad()))
    if stations is None and record is not None and record.get("rows") is not None and len(df) != record["rows"]:
        raise StoreCorrupt(note("error.store.rows_differ", rows=len(df), recorded=record["rows"], **bad()))
    df = _finish_dtypes(df, table)
    if len(df):
        lo, hi = _store_read.month_bounds_ns(month)  # month membership by integer bounds (issue 11), NaT outside
        t = df[table.key].to_numpy().view(np.int64)
        wrong = (t < lo) | (t >= hi)
        if wrong.any():
            pos = int(np.flatnonzero(wrong)[0])
            raise StoreCorrupt(note("error.store.outside_month", pos=pos, column=table.key, stamp=_label(df[table.key].iloc[pos]),
                                    month=month, **bad()))
    return df


def _bound(value, name: str, what: str):
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(note("error.store.not_a_date", what=what, name=name, value=value)) from None
    if ts.tz is not None:
        raise ValueError(note("error.store.tz_aware", what=what, name=name, value=value))
    return ts.as_unit("ns")


def _empty_table(table: _Table) -> pd.DataFrame:
    cols = {"station": pd.Series([], dtype="str"), table.key: pd.Series([], dtype="datetime64[ns]")}
    cols.update({c: pd.Series([], dtype="float64") for c in table.values})
    return pd.DataFrame(cols)


def _settle(store: Path, what: str) -> None:
    """Before a read: finish an interrupted commit (or refuse while its writer is alive)."""
    if (store / _JOURNAL).exists():
        info = lock_holder(store)
        if info is not None and not holds_lock(store):
            raise StoreLocked(note("error.store.committing", what=what, holder=describe_holder(store, info), store=str(store)))
        recover(store)


def _months_checked(store: Path, table: _Table, manifest: dict, keep) -> list:
    """[(month, record)] of the table's partitions for which ``keep(month)``, each checked against
    the manifest (present, recorded, same size and mtime or sha256): the check on read."""
    prefix = f"{table.name}/month="
    recorded = {rel[len(prefix):len(prefix) + 7]: rec for rel, rec in manifest.get("partitions", {}).items() if rel.startswith(prefix)}
    out = []
    for month in sorted(set(recorded) | set(_stored_months(store, table))):
        if keep(month):
            check_file(store, _rel(table, month), recorded.get(month))
            out.append((month, recorded.get(month)))
    return out


# --------------------------------------------------------------------------------------------
# station-daily cache


def _month_inside(month: str, t0, t1) -> bool:
    m0 = pd.Timestamp(month + "-01")
    m1 = (m0.to_period("M") + 1).to_timestamp()
    return (t1 is None or m0 < t1) and (t0 is None or m1 > t0)


def _read_cache(store: Path, rel: str, stations):
    try:
        names, idx, cols = _cache.read_month(store / rel, stations)
    except (OSError, pa.ArrowException) as exc:
        raise StoreCorrupt(note("error.store.unreadable", rel=rel, store=str(store), why=_short(str(exc), 120),
                                tail=_tail(store))) from None
    except KeyError as exc:
        raise StoreCorrupt(note("error.store.columns", rel=rel, store=str(store), columns=exc.args[0], tail=_tail(store))) from None
    return names, idx, cols


def _join_daily(parts: list, t0, t1) -> pd.DataFrame:
    """Concatenate month pieces (station names, station index or None for names per row, columns), cut to
    ``[t0, t1)``, in station-then-date order (integer codes of the sorted union of the names)."""
    parts = [p for p in parts if len(p[2]["date"])]
    if not parts:
        return _cache.empty()
    union = np.asarray(sorted({str(n) for names, _, _ in parts for n in names}), dtype=object)
    codes = []
    for names, idx, cols in parts:
        where = np.searchsorted(union, names)
        codes.append(where[idx] if idx is not None else where)
    code = np.concatenate(codes)
    cols = {c: np.concatenate([p[2][c] for p in parts]) for c in _cache.COLUMNS[1:]}
    keep = np.ones(len(code), dtype=bool)
    if t0 is not None:
        keep &= cols["date"] >= t0.value
    if t1 is not None:
        keep &= cols["date"] < t1.value
    order = np.flatnonzero(keep)[np.lexsort((cols["date"][keep], code[keep]))]
    out = {"station": _store_read.decode(code[order], union)}
    out["date"] = cols["date"][order].view("datetime64[ns]")
    for c in _cache.COLUMNS[2:]:
        out[c] = cols[c][order].astype("int64" if c.startswith("n_") else "float64", copy=False)
    return pd.DataFrame(out)


def _cache_intact(store: Path, rel: str, rec: dict) -> bool:
    try:
        check_file(store, rel, rec, full=True)
    except StoreCorrupt:
        return False
    return True


# --------------------------------------------------------------------------------------------
# verify


def stations(store_dir=DEFAULT_STORE) -> list[str]:
    """Every station code the store holds, hourly or daily, sorted (reads the station column only;
    every partition is checked against the manifest first, as :func:`load` does)."""
    store = Path(store_dir)
    if not (store / MANIFEST).exists():
        raise FileNotFoundError(note("error.store.not_a_store", store=str(store), manifest=MANIFEST))
    _settle(store, "stations")
    manifest = read_manifest(store)
    found: set[str] = set()
    for table in (_HOURLY, _DAILY):
        for m, _ in _months_checked(store, table, manifest, lambda month: True):
            path = store / _rel(table, m)
            try:
                found.update(pd.read_parquet(path, columns=["station"])["station"].astype(str).unique())
            except (OSError, pa.ArrowException, KeyError) as exc:
                raise StoreCorrupt(note("error.store.unreadable", rel=_rel(table, m), store=str(store), why=_short(str(exc), 120),
                                        tail=_tail(store))) from None
    return sorted(found)


def attachments(store_dir=DEFAULT_STORE, pattern: str = "quality/*.parquet") -> list[Path]:
    """Paths of the store's attachments whose name matches ``pattern``, each checked against the manifest.

    An interrupted commit is finished first (as :func:`load` does), so the attachments are always
    those of the data. A store whose manifest predates attachments (no ``files``) gives its
    ``quality/`` files unchecked. A missing store folder gives ``[]``.

    Raises
    ------
    StoreCorrupt
        A recorded attachment is missing or differs from its record, or a matching file is not
        recorded (:func:`airq.store_integrity.check_file`).
    """
    store = Path(store_dir)
    if not store.is_dir():
        return []
    _settle(store, "attachments")
    manifest = read_manifest(store)
    on_disk = {p.relative_to(store).as_posix() for p in store.glob(pattern) if _TMP_MARK not in p.name and p.is_file()}
    recorded = manifest.get("files")
    if recorded is None:
        return [store / rel for rel in sorted(on_disk)]
    wanted = sorted(on_disk | {rel for rel in recorded if fnmatch.fnmatchcase(rel, pattern)})
    for rel in wanted:
        check_file(store, rel, recorded.get(rel))
    return [store / rel for rel in wanted]


def verify(store_dir=DEFAULT_STORE) -> pd.DataFrame:
    """Check every partition, attachment and conflicts file against the manifest; writes nothing.

    Returns
    -------
    DataFrame
        ``file``, ``problem``, ``detail`` — one row per problem (``missing``, ``size differs``,
        ``sha256 differs``, ``rows differ``, ``unreadable``, ``not in manifest``, ``journal
        present`` ...; :func:`airq.store_integrity.verify_store`). Empty when the store is consistent.
    """
    return _verify_store(store_dir, recover=False).frame()
