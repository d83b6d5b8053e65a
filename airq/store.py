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

Manifest (``manifest.json``; UTF-8, ``sort_keys``, indent 2, trailing newline)
------------------------------------------------------------------------------
.. code-block:: json

    {
      "format": "airq-store",
      "format_version": 1,
      "partitions": {
        "hourly/month=2024-01/data.parquet": {"bytes": 51234, "mtime_ns": 1736064000123456789, "rows": 744, "sha256": "…"}
      },
      "files": {
        "quality/flags-hourly-0123456789abcdef.parquet": {"bytes": 4321, "mtime_ns": 1736064000223456789, "rows": 12, "seq": 1, "sha256": "…"}
      },
      "ingests": [
        {
          "seq": 1,
          "table": "hourly",
          "ingested_at": "2025-01-05T08:00:00Z",
          "on_conflict": "report",
          "rows_in": 744,
          "sources": [{"path": "data/raw/a.csv", "size": 1234, "sha256": "…"}],
          "months": {"2024-01": {"added": 744, "replaced": 0, "unchanged": 0, "conflicting_rows": 0}},
          "conflicts": null,
          "files": ["quality/flags-hourly-0123456789abcdef.parquet"],
          "reader": {"format": "tidy", "hour_label": "end", "known_stations": null, "…": "…"}
        }
      ],
      "repairs": []
    }

``conflicts`` is ``{"file": "conflicts/000002-hourly.csv", "rows": r, "values": v,
"sha256": "…"}`` when the ingest met conflicts. ``path`` is the source path as given;
``ingested_at`` is UTC. ``mtime_ns`` is the file's modification time as written (the fast path of
the check on read). ``files`` are the attachments (write-once: an attachment already recorded is
not written again), ``seq`` the ingest that wrote each; ``reader`` is what the caller passed as
``reader=`` (:mod:`airq.ingestion` records the format and options, so that ``airq verify
--repair-from`` can replay the ingest); ``repairs`` lists the files rebuilt by :func:`replace_files`.
A manifest without ``files`` (older airq) lists no attachment: its ``quality/`` files are read
unchecked until the next commit records them as they are.

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
"""

from __future__ import annotations

import datetime as _dt
import fnmatch
import hashlib
import json
import os
import re
import secrets
import signal
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import daily_cache as _cache
from .notes import Note, note
from . import store_read as _store_read
from .quality import POLLUTANTS, _canonical, _where
from .store_integrity import StoreCorrupt, StoreError, StoreLocked, check_file, file_record, parquet_rows, sha256_file
from .store_integrity import verify_tail as _tail
from .store_integrity import verify_store as _verify_store
from .store_lock import LOCK, check_lock, describe_holder, holds_lock, lock, lock_holder
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

#: Default store folder (relative to the working directory).
DEFAULT_STORE = "data/processed"
#: Value columns required in a station-daily table [µg/m³; co mg/m³].
DAILY_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
#: Accepted values of ``on_conflict``.
ON_CONFLICT = ("report", "keep", "replace")
#: Name of the manifest file in the store folder.
MANIFEST = "manifest.json"
FORMAT = "airq-store"
FORMAT_VERSION = 1

#: Journal file: present only between the commit point and the end of the replacements.
JOURNAL = _JOURNAL = ".journal.json"
_LOCK = LOCK  # the lock file (airq.store_lock)
#: Mark in the names of staged temporary files (``.<name>.airq-<hex>.tmp``).
TMP_MARK = _TMP_MARK = ".airq-"
_MONTH_RE = re.compile(r"^month=(\d{4}-\d{2})$")
_ATTACH_RE = re.compile(r"^quality/[A-Za-z0-9][A-Za-z0-9._-]*\.parquet$")
_FAULT_ENV = "AIRQ_TEST_KILL_AT"  # tests/test_store_faults.py: SIGKILL at the N-th step of a commit
_FAULT_LOG_ENV = "AIRQ_TEST_FAULT_LOG"  # ... and the names of the steps, one a line
_fault_count = 0


@dataclass(frozen=True)
class _Table:
    name: str
    key: str
    values: tuple
    midnight: bool


_HOURLY = _Table("hourly", "time", POLLUTANTS, False)
_DAILY = _Table("daily", "date", DAILY_VALUES, True)


@dataclass
class IngestResult:
    """What an ingest did.

    Attributes
    ----------
    table : str
        ``"hourly"`` or ``"daily"``.
    store_dir : pathlib.Path
    rows_in : int
        Rows of the incoming frame.
    months : DataFrame
        Per month touched: ``month`` (``"YYYY-MM"``), ``added``, ``replaced``, ``unchanged``,
        ``conflicting_rows``, ``written`` (bool: the partition file was rewritten).
    conflicts : DataFrame
        ``station``, ``time`` (``date`` for daily), ``column``, ``stored``, ``new``: one row
        per differing value of a station-hour present both in the store and in the frame.
    written : list of str
        Files replaced or created, relative to ``store_dir`` (manifest included).
    seq : int or None
        Number of the manifest entry recording this ingest (None when nothing was written).
    """

    table: str
    store_dir: Path
    rows_in: int
    months: pd.DataFrame
    conflicts: pd.DataFrame
    written: list = field(default_factory=list)
    seq: int | None = None

    @property
    def rows_added(self) -> int:
        """Rows added over all months."""
        return int(self.months["added"].sum()) if len(self.months) else 0

    @property
    def rows_replaced(self) -> int:
        """Stored rows replaced (only with ``on_conflict="replace"``)."""
        return int(self.months["replaced"].sum()) if len(self.months) else 0

    @property
    def changed(self) -> bool:
        """True when any file of the store was written."""
        return bool(self.written)

    def __repr__(self) -> str:
        return (
            f"IngestResult(table={self.table!r}, rows_in={self.rows_in}, added={self.rows_added}, "
            f"replaced={self.rows_replaced}, conflicts={len(self.conflicts)}, files_written={len(self.written)}, seq={self.seq})"
        )


# --------------------------------------------------------------------------------------------
# small file helpers


def _fault_point(step: str) -> None:
    """A step of the commit sequence: the fault test kills the process here (environment only)."""
    global _fault_count
    log, at = os.environ.get(_FAULT_LOG_ENV), os.environ.get(_FAULT_ENV)
    if not log and not at:
        return
    _fault_count += 1
    if log:
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{_fault_count} {step}\n")
    if at and int(at) == _fault_count:
        os.kill(os.getpid(), signal.SIGKILL)


def _source_entries(sources) -> list[dict]:
    if sources is None:
        return []
    if isinstance(sources, (str, os.PathLike)):
        sources = [sources]
    out, seen = [], set()
    for s in sources:
        given = os.fspath(s)
        if given in seen:
            continue
        seen.add(given)
        p = Path(given)
        if not p.is_file():
            raise FileNotFoundError(note("error.store.source_missing", path=given))
        out.append({"path": given, "size": p.stat().st_size, "sha256": sha256_file(p)})
    return out


def _tmp_path(final: Path) -> Path:
    return final.parent / f".{final.name}{_TMP_MARK}{secrets.token_hex(6)}.tmp"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_bytes(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    """Write one partition to ``path`` (a temporary file) and fsync it."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    with open(path, "xb") as fh:
        pq.write_table(table, fh, compression="zstd")
        fh.flush()
        os.fsync(fh.fileno())


def _json_text(obj) -> str:
    return json.dumps(obj, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def _short(text: str, n: int = 160) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


_locked = lock


# --------------------------------------------------------------------------------------------
# manifest, journal, recovery


def _empty_manifest() -> dict:
    return {"format": FORMAT, "format_version": FORMAT_VERSION, "partitions": {}, "files": {}, "ingests": []}


def read_manifest(store_dir=DEFAULT_STORE) -> dict:
    """The store's manifest as a dict (an empty manifest when the store has none yet).

    Raises
    ------
    StoreCorrupt
        If ``manifest.json`` cannot be read, is not valid JSON or not an airq manifest.
    StoreError
        If it is the manifest of another format version.
    """
    store = Path(store_dir)
    path = store / MANIFEST
    if not path.exists():
        return _empty_manifest()
    lost = note("error.store.manifest_lost", store=str(store))
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        raise StoreCorrupt(note("error.store.manifest_not_json", path=str(path), why=_short(str(exc), 80), lost=lost)) from None
    except OSError as exc:
        raise StoreCorrupt(note("error.store.manifest_unreadable", path=str(path), why=str(exc.strerror or exc), lost=lost)) from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise StoreCorrupt(note("error.store.manifest_not_airq", path=str(path), format=FORMAT, lost=lost))
    if data.get("format_version") != FORMAT_VERSION:
        raise StoreError(note("error.store.manifest_version", path=str(path), version=data.get("format_version"),
                              expected=FORMAT_VERSION))
    if not isinstance(data.get("partitions", {}), dict) or not isinstance(data.get("ingests", []), list) \
            or not isinstance(data.get("files", {}), dict):
        raise StoreCorrupt(note("error.store.manifest_damaged", path=str(path), lost=lost))
    return data


def _journal_damaged(store: Path, why: str) -> StoreCorrupt:
    return StoreCorrupt(note("error.store.journal_damaged", journal=str(store / _JOURNAL), why=why, store=str(store)))


def _roll_forward(store: Path) -> list[str]:
    journal = store / _JOURNAL
    if not journal.exists():
        return []
    try:
        pairs = json.loads(journal.read_text(encoding="utf-8"))["replace"]
        pairs = [(str(t), str(f)) for t, f in pairs]
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise _journal_damaged(store, _short(str(exc), 80)) from None
    except OSError as exc:
        raise _journal_damaged(store, exc.strerror or str(exc)) from None
    done = []
    try:
        for tmp_rel, final_rel in pairs:
            tmp, final = store / tmp_rel, store / final_rel
            if tmp.exists():
                os.replace(tmp, final)
                done.append(final_rel)
                _fault_point(f"replaced {final_rel}")
            elif not final.exists():
                raise _journal_damaged(store, note("error.store.journal_names_neither", tmp=tmp_rel, final=final_rel))
        for d in {(store / f).parent for _, f in pairs}:
            _fsync_dir(d)
        journal.unlink()
    except OSError as exc:
        raise StoreError(note("error.store.cannot_finish", store=str(store), why=str(exc.strerror or exc),
                              file=exc.filename)) from None
    _fsync_dir(store)
    _fault_point("journal removed")
    return done


def _clean_temps(store: Path) -> list[str]:
    removed = []
    for sub in ("hourly", "daily", _cache.KEY, "conflicts", "quality", "."):
        base = store / sub
        if not base.is_dir():
            continue
        pattern = f"*/.*{_TMP_MARK}*.tmp" if sub in ("hourly", "daily", _cache.KEY) else f".*{_TMP_MARK}*.tmp"
        for p in base.glob(pattern):
            p.unlink()
            removed.append(str(p.relative_to(store)))
        if sub in ("hourly", "daily", _cache.KEY):
            for d in base.iterdir():
                if d.is_dir() and _MONTH_RE.match(d.name) and not any(d.iterdir()):
                    d.rmdir()
    return removed


def recover(store_dir=DEFAULT_STORE) -> list[str]:
    """Finish a committed but interrupted ingest, and remove leftovers of an uncommitted one.

    Called automatically by :func:`ingest` (and by :func:`load` when a journal is present).

    Returns
    -------
    list of str
        Files completed or removed, relative to the store folder (empty if none).
    """
    store = Path(store_dir)
    if not store.is_dir():
        raise FileNotFoundError(note("error.store.recover_no_folder", store=str(store)))
    with _locked(store):
        return _roll_forward(store) + _clean_temps(store)


# --------------------------------------------------------------------------------------------
# partitions


def _rel(table: _Table, month: str) -> str:
    return f"{table.name}/month={month}/data.parquet"


def _finish_dtypes(frame: pd.DataFrame, table: _Table) -> pd.DataFrame:
    out = frame.copy()
    out["station"] = out["station"].astype("str")
    out[table.key] = out[table.key].astype("datetime64[ns]")
    for c in table.values:
        out[c] = out[c].astype("float64")
    first = ["station", table.key, *table.values]
    return out[first + [c for c in out.columns if c not in first]]


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


def _stored_months(store: Path, table: _Table) -> list[str]:
    base = store / table.name
    if not base.is_dir():
        return []
    out = []
    for d in base.iterdir():
        m = _MONTH_RE.match(d.name)
        if m and (d / "data.parquet").is_file():
            out.append(m.group(1))
    return sorted(out)


def _equal(a: pd.Series, b: pd.Series) -> np.ndarray:
    """Element-wise equality with NaN == NaN (any dtypes)."""
    na_a, na_b = a.isna().to_numpy(), b.isna().to_numpy()
    if pd.api.types.is_float_dtype(a.dtype) and pd.api.types.is_float_dtype(b.dtype):
        eq = a.to_numpy(dtype=float) == b.to_numpy(dtype=float)
    else:
        ao = pd.Series(a.to_numpy(dtype=object))
        bo = pd.Series(b.to_numpy(dtype=object))
        eq = (ao == bo).to_numpy(dtype=bool)
    return (eq & ~na_a & ~na_b) | (na_a & na_b)


def _missing_like(dtype, index) -> pd.Series:
    """An all-missing column that concatenates well with ``dtype`` (never a fake value)."""
    if pd.api.types.is_bool_dtype(dtype):
        return pd.Series(pd.NA, index=index, dtype="boolean")  # NaN.astype(bool) would be True
    if pd.api.types.is_integer_dtype(dtype):
        return pd.Series(pd.NA, index=index, dtype="Int64")
    try:
        out = pd.Series(np.nan, index=index).astype(dtype)
        if out.isna().all():
            return out
    except (TypeError, ValueError):
        pass
    return pd.Series(None, index=index, dtype=object)


def _add_missing_columns(frame: pd.DataFrame, like: pd.DataFrame, columns: list) -> pd.DataFrame:
    out = frame.copy()
    for c in columns:
        if c not in out.columns:
            out[c] = _missing_like(like[c].dtype if c in like.columns else "float64", out.index)
    return out[columns]


def _merge(stored: pd.DataFrame | None, new: pd.DataFrame, table: _Table, on_conflict: str):
    """Merge one month. Returns (merged or None if unchanged, counts dict, conflicts frame)."""
    key = ["station", table.key]
    if stored is None or len(stored) == 0:
        merged = new.sort_values(key, kind="stable").reset_index(drop=True)
        counts = {"added": len(new), "replaced": 0, "unchanged": 0, "conflicting_rows": 0}
        return merged, counts, None
    first = ["station", table.key, *table.values]
    extras = [c for c in list(stored.columns) + list(new.columns) if c not in first]
    columns = first + list(dict.fromkeys(extras))
    s = _add_missing_columns(stored, new, columns).reset_index(drop=True)
    n = _add_missing_columns(new, stored, columns).reset_index(drop=True)
    s_idx = pd.MultiIndex.from_arrays([s["station"], s[table.key]])
    n_idx = pd.MultiIndex.from_arrays([n["station"], n[table.key]])
    pos = s_idx.get_indexer(n_idx)
    is_new = pos < 0
    ov = np.flatnonzero(~is_new)
    ov_s = s.iloc[pos[ov]].reset_index(drop=True)
    ov_n = n.iloc[ov].reset_index(drop=True)
    compare = [c for c in columns if c not in ("station", table.key, "source")]
    pieces = []
    row_conflict = np.zeros(len(ov), dtype=bool)
    for c in compare:
        diff = ~_equal(ov_s[c], ov_n[c])
        if diff.any():
            row_conflict |= diff
            pieces.append(
                pd.DataFrame(
                    {
                        "station": ov_n["station"].to_numpy(dtype=object)[diff],
                        table.key: ov_n[table.key].to_numpy()[diff],
                        "column": c,
                        "stored": ov_s[c].to_numpy(dtype=object)[diff],
                        "new": ov_n[c].to_numpy(dtype=object)[diff],
                    }
                )
            )
    conflicts = pd.concat(pieces, ignore_index=True) if pieces else None
    n_conf = int(row_conflict.sum())
    replace = on_conflict == "replace" and n_conf > 0
    counts = {
        "added": int(is_new.sum()),
        "replaced": n_conf if replace else 0,
        "unchanged": int(len(ov) - n_conf),
        "conflicting_rows": n_conf,
    }
    if not is_new.any() and not replace:
        return None, counts, conflicts
    keep_stored = np.ones(len(s), dtype=bool)
    parts = [s]
    if replace:
        keep_stored[pos[ov[row_conflict]]] = False
        parts = [s.loc[keep_stored], n.iloc[ov[row_conflict]]]
    parts.append(n.loc[is_new])
    merged = pd.concat(parts, ignore_index=True).sort_values(key, kind="stable").reset_index(drop=True)
    return merged, counts, conflicts


def _empty_conflicts(table: _Table) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": pd.Series([], dtype="str"),
            table.key: pd.Series([], dtype="datetime64[ns]"),
            "column": pd.Series([], dtype="str"),
            "stored": pd.Series([], dtype=object),
            "new": pd.Series([], dtype=object),
        }
    )


def _finish_conflicts(pieces: list, table: _Table) -> pd.DataFrame:
    if not pieces:
        return _empty_conflicts(table)
    out = pd.concat(pieces, ignore_index=True)
    out["station"] = out["station"].astype("str")
    out[table.key] = out[table.key].astype("datetime64[ns]")
    out["column"] = out["column"].astype("str")
    for c in ("stored", "new"):
        num = pd.to_numeric(out[c], errors="coerce")
        if (num.notna() | out[c].isna()).all():
            out[c] = num.astype("float64")
    return out.sort_values(["station", table.key, "column"], kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------
# ingest


def _stage_file(store: Path, rel: str, staged: list, created_dirs: list, write) -> Path:
    """Write one file of a commit to a temporary file beside its target (``write(tmp)``)."""
    final = store / rel
    if not final.parent.exists():
        final.parent.mkdir(parents=True)
        created_dirs.append(final.parent)
    tmp = _tmp_path(final)
    staged.append((tmp, final))
    write(tmp)
    _fault_point(f"staged {rel}")
    return tmp


def _unstage(store: Path, staged: list, created_dirs: list) -> None:
    """Not committed: remove everything staged; existing files were never touched.

    If the journal exists the commit point was passed (an interrupt right after it): the staged
    files then belong to the commit and are left for the roll forward."""
    if (store / _JOURNAL).exists():
        return
    for tmp, _ in staged:
        try:
            tmp.unlink()
        except FileNotFoundError:
            pass
    for d in reversed(created_dirs):
        try:
            d.rmdir()
        except OSError:
            pass


def _stage_cache(store: Path, month: str, hourly: pd.DataFrame, source_sha256: str, staged: list, created_dirs: list) -> dict:
    """Stage the station daily values of a month's hourly partition (:mod:`airq.daily_cache`); {rel: record}."""
    frame = _cache.compute(hourly)
    data = _cache.parquet_bytes(frame)
    rel = _cache.rel_of(month)
    tmp = _stage_file(store, rel, staged, created_dirs, lambda t: _write_bytes(t, data))
    return {rel: _cache.record(file_record(tmp, rows=len(frame)), month, source_sha256)}


def _commit(store: Path, manifest: dict, staged: list) -> list:
    """Stage the manifest (last), then write the journal naming every staged file: the commit point.

    The ``os.replace`` of the journal is the last thing done, so an exception raised here leaves
    the commit undone (the caller unstages). Returns the journal's (tmp, final) pairs.
    """
    mfinal = store / MANIFEST
    mtmp = _tmp_path(mfinal)
    staged.append((mtmp, mfinal))
    _write_bytes(mtmp, _json_text(manifest).encode("utf-8"))
    _fault_point(f"staged {MANIFEST}")
    journal = [[str(t.relative_to(store)), str(f.relative_to(store))] for t, f in staged]
    jfinal = store / _JOURNAL
    jtmp = _tmp_path(jfinal)
    staged.append((jtmp, jfinal))  # removed with the others if the commit fails before the next line
    _write_bytes(jtmp, _json_text({"replace": journal}).encode("utf-8"))
    os.replace(jtmp, jfinal)  # the commit point
    return journal


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


def _recorded_files(store: Path, manifest: dict) -> dict:
    """The manifest's attachments; for a manifest of an older airq (no ``files``), the ``quality/``
    files on disk as they are (recorded by the next commit; documented in the module docstring)."""
    if "files" in manifest:
        return dict(manifest["files"])
    out = {}
    for p in sorted((store / "quality").glob("*.parquet")):
        if _TMP_MARK not in p.name:
            out[p.relative_to(store).as_posix()] = {**file_record(p, rows=parquet_rows(p)), "seq": None}
    return out


def _check_attach(attach, what: str) -> dict:
    if not attach:
        return {}
    out = {}
    for rel, data in dict(attach).items():
        rel = str(rel).replace(os.sep, "/")
        if not _ATTACH_RE.match(rel):
            raise ValueError(f"{what}: attachment name {rel!r} is not quality/<name>.parquet")
        if not isinstance(data, (bytes, bytearray)) or parquet_rows(pa.BufferReader(bytes(data))) is None:
            raise ValueError(f"{what}: attachment {rel!r} is not the bytes of a Parquet file")
        out[rel] = bytes(data)
    return out


def _refuse_without_manifest(store: Path, what: str) -> None:
    if (store / MANIFEST).exists():
        return
    parts = [p for t in (_HOURLY, _DAILY) for p in (store / t.name).glob("month=*/data.parquet")]
    if parts:
        raise StoreCorrupt(note("error.store.no_manifest_refused", what=what, store=str(store), n=len(parts), manifest=MANIFEST,
                                tail=_tail(store)))


@dataclass
class MonthParts:
    """An ingest given month by month instead of as one frame (airq.ingestion's station-block ingest, issue 11).

    ``months``: the ``YYYY-MM`` months, sorted; ``load(month)``: that month's rows (a canonical table, every
    row inside the month); ``rows``: the rows of all months. The store checks and merges one month at a time,
    so only one month is in memory; the result is the one :func:`ingest` gives for the concatenated frame."""

    months: list
    load: object
    rows: int


def _checked(frame, table: _Table, what: str) -> pd.DataFrame:
    """The canonical copy of an incoming frame; a duplicate key is an error naming its row."""
    new = _canonical(frame, key=table.key, values=table.values, what=what, midnight=table.midnight)
    dup = new.duplicated(["station", table.key], keep="first").to_numpy()
    if dup.any():
        pos = int(np.flatnonzero(dup)[0])
        raise ValueError(note("error.store.duplicate_key", what=what, where=_where(frame, pos), station=new["station"].iloc[pos],
                              column=table.key, stamp=_label(new[table.key].iloc[pos])))
    return new


def _month_source(frame, table: _Table, what: str):
    """(months, rows, month -> its checked rows) of an incoming frame or :class:`MonthParts`."""
    if isinstance(frame, MonthParts):
        def part(month: str) -> pd.DataFrame:
            new = _checked(frame.load(month), table, what)
            inside = new[table.key].to_numpy().astype("datetime64[M]") == np.datetime64(month, "M")
            if not inside.all():
                raise ValueError(f"{what}: the rows given for month {month} hold another month")
            return new
        return list(frame.months), int(frame.rows), part
    new = _checked(frame, table, what)
    month_no = new[table.key].to_numpy().astype("datetime64[M]")  # month membership by integer months (issue 11)
    return [str(m) for m in np.unique(month_no)], len(new), lambda month: new.loc[month_no == np.datetime64(month, "M")]


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
