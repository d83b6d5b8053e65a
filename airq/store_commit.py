"""The commit protocol of the processed store (:mod:`airq.store`): staging, the journal, roll forward, recovery.

A commit stages every file in full beside its target (a temporary file ``.<name>.airq-<hex>.tmp``,
flushed and fsynced: :func:`_stage_file`, :func:`_stage_cache`), then the manifest, then writes the
journal ``.journal.json`` naming every staged file — the commit point (:func:`_commit`) — and moves
the staged files over their targets, the manifest last, then removes the journal
(:func:`_roll_forward`). Before the commit point a failure removes what was staged
(:func:`_unstage`); after it, the next command finishes the replacements from the journal
(:func:`recover`, which also removes the leftovers of an uncommitted commit). The guarantees are
those of the section "Atomicity — what is guaranteed" of :mod:`airq.store`.

The fault test (``tests/test_store_faults.py``) kills the process at each step of the sequence
(:func:`_fault_point`, driven by the environment only).
"""

from __future__ import annotations

import json
import os
import secrets
import signal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from . import daily_cache as _cache
from .notes import note
from .store_integrity import StoreCorrupt, StoreError, file_record
from .store_lock import lock
from .store_manifest import _JOURNAL, _MONTH_RE, _TMP_MARK, DEFAULT_STORE, MANIFEST, _json_text, _short

__all__ = ["recover"]

_FAULT_ENV = "AIRQ_TEST_KILL_AT"  # tests/test_store_faults.py: SIGKILL at the N-th step of a commit
_FAULT_LOG_ENV = "AIRQ_TEST_FAULT_LOG"  # ... and the names of the steps, one a line
_fault_count = 0


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


_locked = lock


# --------------------------------------------------------------------------------------------
# journal, recovery


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
# staging, the commit point


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
