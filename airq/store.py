"""The processed store: canonical hourly and daily tables as Parquet, one partition per month.

Layout
------
::

    <store_dir>/                      default "data/processed"
        manifest.json                 what built the store (format below)
        hourly/month=YYYY-MM/data.parquet   canonical hourly table, all stations of one month
        daily/month=YYYY-MM/data.parquet    station-daily values received as such
        conflicts/NNNNNN-<table>.csv        conflicts found by ingest number NNNNNN
        quality/flags-<table>-<key>.parquet attachments of an ingest (the quality flags of airq.ingestion),
                                      committed with the data (``attach=``)
        .lock                         present while an ingest runs (pid, host, since, command)
        .journal.json                 present only while an ingest commits

A partition holds every station of one calendar month (of ``time`` for hourly data, of
``date`` for daily data), sorted by station and time, with canonical dtypes. Adding data
rewrites only the partitions of the months it touches.

Merging (:func:`ingest`, :func:`ingest_daily`)
----------------------------------------------
The key is (``station``, ``time``) — (``station``, ``date``) for daily data — and must be
unique in the incoming frame (resolve duplicates with :func:`airq.quality.check_hourly`).
Each incoming row is compared with the stored row of the same key over every column except
the key and ``source`` (a column absent on one side counts as missing there; NaN equals NaN):

* no stored row: the row is **added**;
* identical: nothing happens (re-ingesting the same data is a no-op: no file is written, the
  partition bytes, their mtimes and the manifest stay as they were);
* different: a **conflict**, reported per column in :attr:`IngestResult.conflicts`
  (``station, time, column, stored, new``), written to ``conflicts/NNNNNN-<table>.csv`` and
  counted in the manifest. ``on_conflict`` decides what the store keeps:
  ``"report"`` (default) keeps the stored row and warns; ``"keep"`` keeps the stored row
  without warning (a declared policy); ``"replace"`` replaces the stored row by the incoming
  row as a whole. Stored values are never overwritten silently. A missing stored value
  against an incoming value is a conflict too (it would change a statistic).

An ingest that adds nothing, replaces nothing and finds only conflicts already recorded by an
earlier ingest writes nothing.

Manifest (``manifest.json``)
----------------------------
What built the store: every partition and attachment with its size, modification time, rows
and sha256, and one entry per ingest (its sources, months, conflicts, attachments, reader) and
per repair. Its format is given in :mod:`airq.store_manifest`.


Integrity (:mod:`airq.store_integrity`)
---------------------------------------
Every read checks the files it touches against the manifest (size, then modification time or
sha256; row count), and an ingest checks the sha256 of every partition it merges into and
refuses a damaged one (never re-hashing it into the manifest): :class:`StoreCorrupt`, one sentence
naming the file, what differs and ``airq verify``. :func:`verify` checks everything.

Atomicity — what is guaranteed
------------------------------
Every file is first written in full to a temporary file in its final folder (flushed and
fsynced); the month partitions are staged one after the other, then the attachments (the
quality flags), then the conflicts file, then the manifest. Only when all are staged is a journal (``.journal.json``, written atomically)
created — the commit point — and the temporary files are moved over their targets with
``os.replace``, the manifest last; the journal is then removed.

* An exception or crash **before the commit point** (e.g. while writing the second month)
  leaves every existing file byte-for-byte unchanged; the temporary files and any partition
  folder created are removed (or, after a hard crash, by the next :func:`recover`).
* After the commit point the ingest is complete on disk: if the process dies during the
  replacements, the next :func:`ingest`, :func:`load` or :func:`recover` finishes them from
  the journal (roll forward) before anything else.
* The attachments belong to the same commit: after any crash the store holds the old data
  with the old flags, or the new data with the new flags.
* A journal that cannot be read (damaged after the commit point) stops every command with one
  sentence; ``airq verify --recover`` finishes the commit from the staged files whose sha256
  the staged manifest records (:func:`airq.store_integrity.recover_journal`).
* Not guaranteed: consistency for a reader running *during* the few ``os.replace`` calls of a
  commit in another process (:func:`load` refuses to read while a journal exists and the
  writer is alive); durability against power loss on file systems that ignore fsync; several
  writers at once (a ``.lock`` file makes a second ingest fail — or wait, ``wait=`` — instead;
  the error names the holder: pid, host, command line, since when). A lock whose process is
  dead (same host) is stale and taken over.

The raw files named in ``sources`` are only read (to hash them), never modified.

Modules
-------
This module holds the operations that drive a commit or a read (:func:`ingest`,
:func:`ingest_daily`, :func:`replace_files`, :func:`refresh_station_daily`, :func:`load`,
:func:`load_daily`, :func:`load_station_daily`); every public name of the store is importable
from here. The parts live in topic modules:

* :mod:`airq.store_manifest` — the layout's names and constants, the two tables, partition
  paths, the manifest (:func:`read_manifest`, its format);
* :mod:`airq.store_commit` — the commit protocol: staging, the journal, roll forward,
  :func:`recover`;
* :mod:`airq.store_merge` — what an ingest takes in, the merge of one month, conflicts,
  :class:`IngestResult`, :class:`MonthParts`;
* :mod:`airq.store_load` — reading a partition, periods, the station-daily cache reads,
  :func:`stations`, :func:`attachments`, :func:`verify`;
* :mod:`airq.store_read` (the fast read path), :mod:`airq.store_lock` (the lock),
  :mod:`airq.store_integrity` (checks, ``airq verify``), :mod:`airq.daily_cache` (the
  station-daily cache).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import re
import warnings
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from . import daily_cache as _cache
from . import store_manifest as _manifest
from . import store_read as _store_read
from .notes import Note, note
from .store_commit import (_clean_temps, _commit, _fault_point, _fsync_dir, _locked, _roll_forward, _stage_cache, _stage_file,
                           _unstage, _write_bytes, _write_parquet, recover)
from .store_integrity import StoreCorrupt, StoreError, StoreLocked, check_file, file_record, parquet_rows, sha256_file
from .store_load import (_bound, _cache_intact, _empty_table, _join_daily, _month_inside, _months_checked, _read_cache,
                         _read_partition, _settle, attachments, stations, verify)
from .store_lock import LOCK, check_lock, lock
from .store_manifest import (_ATTACH_RE, _DAILY, _HOURLY, DAILY_VALUES, DEFAULT_STORE, JOURNAL, MANIFEST, ON_CONFLICT, TMP_MARK,
                             _finish_dtypes, _recorded_files, _refuse_without_manifest, _rel, _Table, read_manifest)
from .store_merge import (IngestResult, MonthParts, _check_attach, _finish_conflicts, _merge, _month_source,
                          _source_entries)
from .util import label as _label

__all__ = [
    "DEFAULT_STORE",
    "DAILY_VALUES",
    "ON_CONFLICT",
    "MANIFEST",
    "StoreError",
    "StoreCorrupt",
    "StoreLocked",
    "JOURNAL",
    "LOCK",
    "TMP_MARK",
    "IngestResult",
    "MonthParts",
    "ingest",
    "ingest_daily",
    "load",
    "load_daily",
    "read_manifest",
    "stations",
    "verify",
    "recover",
    "lock",
    "check_lock",
    "attachments",
    "replace_files",
    "sha256_file",
]

# Kept here because tests and older code read them from airq.store. The functions below call names that
# tests patch on this module (_write_parquet, _roll_forward, _read_partition, _load_reference, load): they
# live here so that they look those names up in this module.
FORMAT, FORMAT_VERSION = _manifest.FORMAT, _manifest.FORMAT_VERSION
_JOURNAL = _manifest._JOURNAL
_LOCK = LOCK  # the lock file (airq.store_lock)
_json_text = _manifest._json_text


# --------------------------------------------------------------------------------------------
# commit


def _finish(store: Path, what: str) -> None:
    """After the commit point: move the staged files into place (roll forward)."""
    _fsync_dir(store)
    _fault_point("journal written (commit point)")
    try:
        _roll_forward(store)
    except Exception as exc:
        first = exc.args[0] if exc.args else None
        raise StoreError(note("error.store.commit_not_finished", what=what, error=first if isinstance(first, Note) else str(exc),
                              store=str(store))) from exc


# --------------------------------------------------------------------------------------------
# ingest


def _ingest(table: _Table, frame, store_dir, sources, on_conflict, progress, what, attach=None, reader=None,
            wait: float = 0.0, on_wait=None) -> IngestResult:
    if on_conflict not in ON_CONFLICT:
        raise ValueError(note("error.store.on_conflict", what=what, choices=str(ON_CONFLICT), value=on_conflict))
    attach = _check_attach(attach, what)
    month_list, rows_in, month_rows = _month_source(frame, table, what)
    src = _source_entries(sources)
    store = Path(store_dir)

    with _locked(store, wait=wait, on_wait=on_wait):
        _roll_forward(store)
        _clean_temps(store)
        manifest = read_manifest(store)
        _refuse_without_manifest(store, what)
        staged: list[tuple[Path, Path]] = []  # (tmp, final)
        created_dirs: list[Path] = []
        rows, conflict_pieces, part_info, files_info, cache_info = [], [], {}, {}, {}
        try:
            it = month_list
            if progress:
                from tqdm.auto import tqdm

                from .i18n import display_lang, t

                lang = display_lang()
                it = tqdm(month_list, desc=t("progress.ingest", lang, table=t(f"cli.ingest.table_{table.name}", lang)),
                          unit=t("progress.month_unit", lang))
            for month in it:
                rel = _rel(table, month)
                record = manifest["partitions"].get(rel)
                stored = None
                if record is not None or (store / rel).is_file():  # never merge into (and re-hash) a damaged partition
                    check_file(store, rel, record, full=True, context=note("error.store.refused", what=what))
                    stored = _read_partition(store, rel, table, month, record=record)
                part_new = month_rows(month)
                merged, counts, conflicts = _merge(stored, part_new, table, on_conflict)
                if conflicts is not None:
                    conflict_pieces.append(conflicts)
                written = merged is not None
                if written:
                    merged = _finish_dtypes(merged, table)
                    tmp = _stage_file(store, rel, staged, created_dirs, lambda t, m=merged: _write_parquet(m, t))
                    part_info[rel] = file_record(tmp, rows=len(merged))
                    if table is _HOURLY:
                        cache_info.update(_stage_cache(store, month, merged, part_info[rel]["sha256"], staged, created_dirs))
                rows.append({"month": month, **counts, "written": written})
            data_staged = bool(staged)
            recorded_files = _recorded_files(store, manifest)
            for rel, data in attach.items():
                if rel not in recorded_files:  # write-once: a recorded attachment is kept
                    tmp = _stage_file(store, rel, staged, created_dirs, lambda t, d=data: _write_bytes(t, d))
                    files_info[rel] = file_record(tmp, rows=parquet_rows(tmp))

            conflicts_df = _finish_conflicts(conflict_pieces, table)
            months_df = pd.DataFrame(rows, columns=["month", "added", "replaced", "unchanged", "conflicting_rows", "written"])
            if len(months_df):
                months_df = months_df.astype({"added": "int64", "replaced": "int64", "unchanged": "int64", "conflicting_rows": "int64", "written": bool})
            result = IngestResult(table=table.name, store_dir=store, rows_in=rows_in, months=months_df, conflicts=conflicts_df)

            conflict_record = None
            if len(conflicts_df):
                resolution = "replaced by new" if on_conflict == "replace" else "stored kept"
                csv = conflicts_df.assign(resolution=resolution).to_csv(index=False, date_format="%Y-%m-%d %H:%M:%S", lineterminator="\n")
                data = csv.encode("utf-8")
                digest = hashlib.sha256(data).hexdigest()
                already = any(
                    (e.get("conflicts") or {}).get("sha256") == digest and e.get("table") == table.name for e in manifest["ingests"]
                )
                conflict_record = {"rows": int(conflicts_df.groupby(["station", table.key]).ngroups), "values": int(len(conflicts_df)), "sha256": digest}
                if on_conflict == "report":
                    warnings.warn(
                        note("store.conflicts_hourly" if table is _HOURLY else "store.conflicts_daily", what=what,
                             rows=conflict_record["rows"], values=conflict_record["values"]),
                        stacklevel=3,
                    )
                if already and not data_staged:
                    conflict_record = None  # nothing new to record
            if not staged and conflict_record is None:
                return result  # idempotent no-op: nothing written

            seq = 1 + max([int(e.get("seq", 0)) for e in manifest["ingests"]] or [0])
            if conflict_record is not None:
                crel = f"conflicts/{seq:06d}-{table.name}.csv"
                _stage_file(store, crel, staged, created_dirs, lambda t: _write_bytes(t, data))
                conflict_record["file"] = crel
            entry = {
                "seq": seq,
                "table": table.name,
                "ingested_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "on_conflict": on_conflict,
                "rows_in": int(rows_in),
                "sources": src,
                "months": {
                    r["month"]: {k: int(r[k]) for k in ("added", "replaced", "unchanged", "conflicting_rows")} for r in rows
                },
                "conflicts": conflict_record,
                "files": sorted(files_info),
                "reader": reader,
            }
            manifest = dict(manifest)
            manifest["partitions"] = {**manifest.get("partitions", {}), **part_info}
            if cache_info:
                manifest[_cache.KEY] = {**manifest.get(_cache.KEY, {}), **cache_info}
            manifest["files"] = {**recorded_files, **{rel: {**rec, "seq": seq} for rel, rec in files_info.items()}}
            manifest["ingests"] = [*manifest.get("ingests", []), entry]
            journal = _commit(store, manifest, staged)
        except BaseException:
            _unstage(store, staged, created_dirs)
            raise
        _finish(store, what)
        result.written = [f for _, f in journal]
        result.seq = seq
        return result


def replace_files(store_dir, files: dict, *, note: dict | None = None) -> list:
    """Put new bytes in place of partitions or attachments, in one atomic commit (``airq verify --repair-from``).

    ``files``: {``hourly|daily/month=YYYY-MM/data.parquet`` or ``quality/<name>.parquet``: bytes}.
    Their manifest records are replaced by those of the new bytes (an attachment keeps its ``seq``)
    and ``note`` plus the file names are appended to the manifest's ``repairs``. Same commit as an
    ingest (staged, journal, roll forward). Returns the files written (manifest included).
    """
    store = Path(store_dir)
    for rel in files:
        if not (_ATTACH_RE.match(rel) or re.match(r"^(hourly|daily)/month=\d{4}-\d{2}/data\.parquet$", rel)):
            raise ValueError(f"replace_files: {rel!r} is neither a partition nor an attachment of the store")
    with _locked(store):
        _roll_forward(store)
        _clean_temps(store)
        manifest = read_manifest(store)
        staged: list = []
        created_dirs: list = []
        try:
            parts, atts = dict(manifest.get("partitions", {})), _recorded_files(store, manifest)
            for rel, data in sorted(files.items()):
                tmp = _stage_file(store, rel, staged, created_dirs, lambda t, d=data: _write_bytes(t, bytes(d)))
                rec = file_record(tmp, rows=parquet_rows(tmp))
                if rel.startswith("quality/"):
                    atts[rel] = {**rec, "seq": (atts.get(rel) or {}).get("seq")}
                else:
                    parts[rel] = rec
            manifest = {**manifest, "partitions": parts, "files": atts,
                        "repairs": [*manifest.get("repairs", []), {**(note or {}), "files": sorted(files)}]}
            journal = _commit(store, manifest, staged)
        except BaseException:
            _unstage(store, staged, created_dirs)
            raise
        _finish(store, "repair")
        return [f for _, f in journal]


def ingest(frame: pd.DataFrame, store_dir=DEFAULT_STORE, *, sources: Iterable = (), on_conflict: str = "report", progress: bool = False,
           attach: dict | None = None, reader: dict | None = None, wait: float = 0.0, on_wait=None) -> IngestResult:
    """Merge a canonical hourly table into the store (only the months it touches are rewritten).

    Parameters
    ----------
    frame : DataFrame
        Canonical hourly table (``station``, ``time`` hour start Beijing time naive,
        ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³], extra columns kept), one row per
        station-hour — normally the clean table of :func:`airq.quality.check_hourly`.
        Not modified.
    store_dir : path-like, default ``"data/processed"``
        Store folder (created if absent).
    sources : iterable of path-like
        Raw files the frame was read from; recorded in the manifest (path as given, size
        [bytes], sha256). They must exist; they are only read.
    on_conflict : {"report", "keep", "replace"}
        What to do with stored station-hours whose values differ from the incoming ones
        (module docstring). Conflicts are always returned and recorded.
    progress : bool, default False
        Show a tqdm progress bar over the months.
    attach : dict, optional
        {``quality/<name>.parquet``: Parquet bytes}: files committed atomically with the data
        (the quality flags, issue 10 item 7), write-once (one already recorded is kept).
    reader : dict, optional
        JSON-able record of how the frame was read, kept in the manifest entry (``airq verify
        --repair-from`` replays it).
    wait : float, default 0
        Seconds to wait for the lock held by another ingest (``math.inf``: no limit);
        ``on_wait(holder, seconds)`` is called meanwhile (see :func:`lock`).

    Returns
    -------
    IngestResult

    Raises
    ------
    ValueError, TypeError
        Invalid frame (missing columns, bad times, non-numeric values, duplicate station-hours),
        naming row, column and value. Nothing is written.
    FileNotFoundError
        A source file does not exist. Nothing is written.
    StoreLocked
        The store is locked by another ingest (after ``wait``).
    StoreCorrupt
        A partition it would merge into does not match the manifest, or a partition / the
        manifest is unreadable: refused, nothing is written (never re-hashed into the manifest).
    """
    return _ingest(_HOURLY, frame, store_dir, sources, on_conflict, progress, "ingest", attach, reader, wait, on_wait)


def ingest_daily(frame: pd.DataFrame, store_dir=DEFAULT_STORE, *, sources: Iterable = (), on_conflict: str = "report", progress: bool = False,
                 attach: dict | None = None, reader: dict | None = None, wait: float = 0.0, on_wait=None) -> IngestResult:
    """Merge station-daily values received as such into the store's ``daily`` table.

    Same semantics as :func:`ingest`, with key (``station``, ``date``).

    Parameters
    ----------
    frame : DataFrame
        Canonical station-daily table: ``station``, ``date`` (datetime64 at midnight, natural
        day), ``so2, no2, co, pm10, pm25`` (24-h means), ``o3_8h`` (daily max 8-h), ``o3_1h``
        (daily max 1-h) [µg/m³; co mg/m³]; other columns (``n_<pollutant>`` counts,
        ``source`` ...) kept.
    store_dir, sources, on_conflict, progress, attach, reader, wait, on_wait
        As for :func:`ingest`.

    Returns
    -------
    IngestResult
    """
    return _ingest(_DAILY, frame, store_dir, sources, on_conflict, progress, "ingest_daily", attach, reader, wait, on_wait)


# --------------------------------------------------------------------------------------------
# load


def _load(table: _Table, store_dir, start, end, stations, what) -> pd.DataFrame:
    store = Path(store_dir)
    if not store.is_dir():
        raise FileNotFoundError(note("error.no_store", store=str(store)))
    _settle(store, what)
    t0, t1 = _bound(start, "start", what), _bound(end, "end", what)
    if t0 is not None and t1 is not None and t1 <= t0:
        raise ValueError(note("error.store.end_not_after", what=what, end=_label(t1), start=_label(t0)))
    if stations is not None:
        stations = [stations] if isinstance(stations, str) else [str(s) for s in stations]
        if not stations:
            return _empty_table(table)
    manifest = read_manifest(store)
    _refuse_without_manifest(store, what)

    def inside(month: str) -> bool:
        m0 = pd.Timestamp(month + "-01")
        m1 = (m0.to_period("M") + 1).to_timestamp()
        return (t1 is None or m0 < t1) and (t0 is None or m1 > t0)

    wanted = _months_checked(store, table, manifest, inside)
    try:  # the fast path (airq.store_read, issue 11)
        parts = [_read_partition(store, _rel(table, m), table, m, stations, record=rec, raw=True) for m, rec in wanted]
        out = _store_read.assemble(parts, table.key, table.values, t0, t1)
    except _store_read.Unsupported:  # a column type only the reference path handles
        return _load_reference(store, table, wanted, stations, t0, t1)
    return _empty_table(table) if out is None else out


def _load_reference(store: Path, table: _Table, wanted: list, stations, t0, t1) -> pd.DataFrame:
    """The reference read (the path of airq before issue 11): every partition to pandas, concat, filter,
    canonical dtypes, stable sort by station and time. Used when :mod:`airq.store_read` cannot take a
    partition; ``tests/test_fast_path.py`` proves both give the same frame."""
    parts = [_read_partition(store, _rel(table, m), table, m, stations, record=rec) for m, rec in wanted]
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty_table(table)
    out = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    keep = np.ones(len(out), dtype=bool)
    if t0 is not None:
        keep &= (out[table.key] >= t0).to_numpy()
    if t1 is not None:
        keep &= (out[table.key] < t1).to_numpy()
    out = out.loc[keep]
    out = _finish_dtypes(out, table)
    return out.sort_values(["station", table.key], kind="stable").reset_index(drop=True)


def load(store_dir=DEFAULT_STORE, *, start=None, end=None, stations=None) -> pd.DataFrame:
    """Read the hourly table back from the store (only the partitions needed).

    Parameters
    ----------
    store_dir : path-like, default ``"data/processed"``
    start, end : datetime-like, optional
        Period ``[start, end)`` of ``time`` (hour start, Beijing time); ``end`` is
        **exclusive**: ``start="2024-01-01", end="2024-02-01"`` is January 2024.
    stations : iterable of str, optional
        Station codes to read (default all).

    Returns
    -------
    DataFrame
        Canonical hourly table (``station`` str, ``time`` datetime64[ns], pollutants float64,
        then the stored extra columns), sorted by station and time, ``RangeIndex``. Empty (with
        these columns) when nothing matches.

    Raises
    ------
    FileNotFoundError
        The store folder does not exist.
    StoreCorrupt
        A partition of the period is missing, not recorded in the manifest, differs from its
        record (size, then mtime or sha256; row count), is unreadable or holds rows outside its
        month; or the manifest / the journal is unreadable (:mod:`airq.store_integrity`).
    StoreLocked
        An ingest is committing right now.
    """
    return _load(_HOURLY, store_dir, start, end, stations, "load")


def load_daily(store_dir=DEFAULT_STORE, *, start=None, end=None, stations=None) -> pd.DataFrame:
    """Read the station-daily table back from the store; ``[start, end)`` on ``date``.

    See :func:`load`; returns ``station``, ``date`` (datetime64[ns]), ``so2, no2, co, pm10,
    pm25, o3_8h, o3_1h`` (float64) and the stored extra columns.
    """
    return _load(_DAILY, store_dir, start, end, stations, "load_daily")


def load_station_daily(store_dir=DEFAULT_STORE, *, start=None, end=None, stations=None) -> pd.DataFrame:
    """Station daily values computed from the stored hours; ``[start, end)`` on ``date``.

    The same frame as :func:`airq.daily_cache.compute` of :func:`load` over the same period
    and stations, restricted to the period (station-days with at least one valid hour, sorted by
    station and date), read from the station-daily cache where it is fresh and computed from the
    hours of the other months (:mod:`airq.daily_cache`). ``start``/``end`` are cut to whole days.

    Returns
    -------
    DataFrame
        :data:`airq.daily_cache.COLUMNS`; ``attrs["cache_months"]`` and ``attrs["computed_months"]``
        list the months read from the cache and computed from the hours.

    Raises
    ------
    As :func:`load`; a cache file that does not match its manifest record is :class:`StoreCorrupt`.
    """
    what = "load_station_daily"
    store = Path(store_dir)
    if not store.is_dir():
        return load(store, start=start, end=end, stations=stations)  # raises load's FileNotFoundError
    _settle(store, what)
    t0, t1 = _bound(start, "start", what), _bound(end, "end", what)
    t0, t1 = (None if t0 is None else t0.normalize()), (None if t1 is None else t1.ceil("D"))
    if stations is not None:
        stations = [stations] if isinstance(stations, str) else [str(s) for s in stations]
    manifest = read_manifest(store)
    _refuse_without_manifest(store, what)
    months = [m for m, _ in _months_checked(store, _HOURLY, manifest, lambda m: _month_inside(m, t0, t1))]
    cached = [m for m in months if _cache.is_fresh(manifest, m)]
    parts = []
    for m in months:
        if m in cached:
            rel = _cache.rel_of(m)
            check_file(store, rel, manifest[_cache.KEY][rel])
            parts.append(_read_cache(store, rel, stations))
        else:
            lo = pd.Timestamp(m + "-01")
            hi = (lo.to_period("M") + 1).to_timestamp()
            hours = load(store, start=max(lo, t0) if t0 is not None else lo, end=min(hi, t1) if t1 is not None else hi,
                         stations=stations)
            frame = _cache.compute(hours)
            parts.append((np.asarray(frame["station"].to_numpy(dtype=object), dtype=object), None,
                          {c: frame[c].to_numpy() if c != "date" else frame[c].to_numpy().view(np.int64) for c in _cache.COLUMNS[1:]}))
    out = _join_daily(parts, t0, t1)
    out.attrs["cache_months"], out.attrs["computed_months"] = cached, [m for m in months if m not in cached]
    return out


def refresh_station_daily(store_dir=DEFAULT_STORE, *, months=None) -> list:
    """Compute the station-daily cache of the months where it is absent, stale or damaged, in one commit.

    For a store written before the cache existed (or by another :data:`airq.daily_cache.VERSION`);
    ``months`` limits it to those ``YYYY-MM``. Each hourly partition is checked first (a damaged one
    is an error: rebuild it with ``airq verify --repair-from``). Returns the files written.
    """
    store = Path(store_dir)
    with _locked(store):
        _roll_forward(store)
        _clean_temps(store)
        manifest = read_manifest(store)
        prefix = "hourly/month="
        hourly = sorted(rel[len(prefix):len(prefix) + 7] for rel in manifest.get("partitions", {}) if rel.startswith(prefix))
        todo = [m for m in hourly if (months is None or m in set(months)) and not (
            _cache.is_fresh(manifest, m) and _cache_intact(store, _cache.rel_of(m), manifest[_cache.KEY][_cache.rel_of(m)]))]
        if not todo:
            return []
        staged, created_dirs, info = [], [], {}
        try:
            for m in todo:
                rel = _cache.hourly_rel(m)
                rec = manifest["partitions"][rel]
                check_file(store, rel, rec, full=True, context=note("error.store.cache_not_refreshed"))
                hours = _read_partition(store, rel, _HOURLY, m, record=rec)
                info.update(_stage_cache(store, m, hours, rec["sha256"], staged, created_dirs))
            manifest = {**manifest, _cache.KEY: {**manifest.get(_cache.KEY, {}), **info}}
            journal = _commit(store, manifest, staged)
        except BaseException:
            _unstage(store, staged, created_dirs)
            raise
        _finish(store, "refresh_station_daily")
        return [f for _, f in journal]
