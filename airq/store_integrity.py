"""The processed store's integrity: its files checked against the manifest, and damaged ones rebuilt.

Issue 10 items 6 and 11. :mod:`airq.store` keeps the layout and the atomic commit,
:mod:`airq.store_lock` the lock; this module says whether the files on disk are the ones the manifest records, and rebuilds the
ones that are not from the raw files. The manifest is the trust anchor: it records, for every
partition and flag file, its size [bytes], row count, sha256 and modification time [ns] as
written (an ``os.replace`` keeps the modification time).

When files are checked
----------------------
* **On every read** (:func:`check_file`, called by :func:`airq.store.load`, ``load_daily``,
  ``stations`` and ``attachments`` for each file the read touches): the file exists, is recorded
  in the manifest, has the recorded size, and either the recorded modification time (fast path:
  the file has not been written since airq wrote it) or the recorded sha256. A partition read
  whole has the recorded row count. With ``AIRQ_READ_CHECK=sha256`` in the environment every
  file touched is hashed (cost: ``docs/reliability.md``).
* **Before an ingest merges into a partition**: its sha256, always — a damaged partition is never
  re-hashed into the manifest ("laundering"); the ingest is refused and nothing is written.
* **airq verify** (:func:`verify_store`): every partition, flag file and conflicts file — missing,
  not recorded (extra), size, sha256, row count, readable — after the automatic recovery of an
  interrupted ingest (:func:`airq.store.recover`).

A manifest written by an older airq has no ``mtime_ns``: its partitions are hashed on every read
until an ingest rewrites them. Not detected on read: a change that keeps both the size and the
modification time (e.g. a file rewritten and its time set back with ``touch -r``) —
``airq verify``, an ingest into that month and ``AIRQ_READ_CHECK=sha256`` detect it. Never
detected: a manifest rewritten to match changed files (the manifest is not signed).

Every problem is one sentence naming the file and what differs, and pointing to ``airq verify``.
"""

from __future__ import annotations

import datetime as _dt
import glob
import hashlib
import json
import os
import re
import tempfile
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from . import daily_cache as _cache
from .i18n import t
from .notes import Note, note, render

__all__ = [
    "StoreError",
    "StoreCorrupt",
    "StoreLocked",
    "READ_CHECK_ENV",
    "sha256_file",
    "parquet_rows",
    "file_record",
    "verify_hint",
    "verify_tail",
    "check_file",
    "VerifyReport",
    "verify_store",
    "recover_journal",
    "repair",
]

#: Environment variable: ``sha256`` hashes every file a read touches (default: size + mtime fast path).
READ_CHECK_ENV = "AIRQ_READ_CHECK"

_PARTITION_RE = re.compile(r"^(hourly|daily)/month=(\d{4}-\d{2})/data\.parquet$")


class StoreError(RuntimeError):
    """The store folder is not in a state airq can read or write (message says why)."""


class StoreCorrupt(StoreError):
    """A file of the store does not match the manifest, or the manifest, the journal or a partition
    cannot be read; the message names the file, what differs and the next step (``airq verify``)."""


class StoreLocked(StoreError):
    """Another live process holds the store's lock (the message names it: pid, command, since when)."""


# --------------------------------------------------------------------------------------------
# records and the check on read


def sha256_file(path) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def parquet_rows(path) -> int | None:
    """Rows of a Parquet file from its footer, or None when it is not a readable Parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        return int(pq.read_metadata(path).num_rows)
    except (OSError, pa.ArrowException, ValueError):
        return None


def file_record(path, *, rows: int | None = None) -> dict:
    """The manifest record of a file as it is now: ``bytes``, ``mtime_ns``, ``sha256`` (and ``rows``)."""
    st = os.stat(path)
    rec = {"bytes": int(st.st_size), "mtime_ns": int(st.st_mtime_ns), "sha256": sha256_file(path)}
    if rows is not None:
        rec["rows"] = int(rows)
    return rec


def verify_hint(store) -> Note:
    """The next step named by every integrity error."""
    return note("error.store.verify_hint", store=str(store))


def verify_tail(store, context=None) -> Note:
    """``; <context>; <verify_hint>`` (without a context: ``; <verify_hint>``), the end of an integrity error."""
    if context:
        return note("error.store.tail_context", context=context, hint=verify_hint(store))
    return note("error.store.tail", hint=verify_hint(store))


def _shape(rows, size) -> Note:
    if rows is None:
        return note("error.store.shape_bytes", size=size)
    return note("error.store.shape_row" if rows == 1 else "error.store.shape_rows", rows=rows, size=size)


def _recorded(record: dict) -> str:
    return _shape(record.get("rows"), record.get("bytes"))


def check_file(store, rel: str, record: dict | None, *, full: bool | None = None, context: str = "") -> bool:
    """Raise :class:`StoreCorrupt` unless ``store/rel`` is the file its manifest ``record`` describes.

    Fast path: same size and same modification time as recorded; otherwise (or with ``full``,
    or ``AIRQ_READ_CHECK=sha256``) the sha256 must equal the record's. ``record`` None means the
    manifest does not list the file. ``context`` is appended to the message (e.g. "the ingest
    was refused and nothing was written"; a :class:`airq.notes.Note` or a text). Returns True when
    the file was hashed.
    """
    store = Path(store)
    path = store / rel
    where = lambda: {"rel": rel, "store": str(store), "tail": verify_tail(store, context)}  # noqa: E731 (made on error)
    if record is None:
        raise StoreCorrupt(note("error.store.not_recorded", **where()))
    try:
        st = path.stat()
    except FileNotFoundError:
        raise StoreCorrupt(note("error.store.missing", recorded=_recorded(record), **where())) from None
    except OSError as exc:
        raise StoreCorrupt(note("error.store.unreadable", why=str(exc.strerror or exc), **where())) from None
    if st.st_size != record.get("bytes"):
        raise StoreCorrupt(note("error.store.size_differs", now=_shape(parquet_rows(path), st.st_size),
                                recorded=_recorded(record), **where()))
    if full is None:
        full = os.environ.get(READ_CHECK_ENV, "").strip().lower() == "sha256"
    if not full and record.get("mtime_ns") is not None and st.st_mtime_ns == record["mtime_ns"]:
        return False
    try:
        digest = sha256_file(path)
    except OSError as exc:
        raise StoreCorrupt(note("error.store.unreadable", why=str(exc.strerror or exc), **where())) from None
    if digest != record.get("sha256"):
        rows = parquet_rows(path)
        what = (note("error.store.no_parquet_any_more") if rows is None and rel.endswith(".parquet")
                else _shape(rows, st.st_size))
        raise StoreCorrupt(note("error.store.sha_differs", now=what, recorded=_recorded(record), **where()))
    return True


# --------------------------------------------------------------------------------------------
# airq verify


@dataclass
class VerifyReport:
    """What :func:`verify_store` found (and :func:`repair` did).

    ``problems``: one dict per problem, ``file`` (relative to the store), ``problem`` (``missing``,
    ``size differs``, ``sha256 differs``, ``rows differ``, ``unreadable``, ``not in manifest``,
    ``journal present``, ``journal unreadable``, ``manifest unreadable``, ``manifest missing``)
    and ``detail`` (after a repair, why a file could not be rebuilt); ``checked``: counts of the
    files checked (empty when the manifest cannot be used); ``recovered``: files completed or
    removed by the automatic recovery; ``repaired``: files rebuilt; ``notes``.
    """

    store: Path
    problems: list = field(default_factory=list)
    checked: dict = field(default_factory=dict)
    recovered: list = field(default_factory=list)
    repaired: list = field(default_factory=list)
    notes: list = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when no problem is left."""
        return not self.problems

    def frame(self):
        """The problems as a DataFrame: ``file``, ``problem``, ``detail`` (empty when ``ok``)."""
        import pandas as pd

        return pd.DataFrame(self.problems, columns=["file", "problem", "detail"]).astype("str")

    def to_dict(self) -> dict:
        """The ``airq verify --json`` object."""
        return {"store": str(self.store), "ok": self.ok, "checked": dict(self.checked), "problems": list(self.problems),
                "recovered": list(self.recovered), "repaired": list(self.repaired), "notes": list(self.notes)}

    def lines(self, lang: str = "en") -> list:
        """One line per recovery step, repair and problem, then the notes and a summary line, in ``lang``.

        The words come from the string catalogue (``note.store.line``, ``note.store.problem``; the
        summary line is ``cli.verify``); the details and notes are :class:`airq.notes.Note` said in
        ``lang``, file names stay as they are. English is the report's own wording.
        """
        def line(key, **fields):
            return t(f"note.store.line.{key}", lang, **{k: render(v, lang) for k, v in fields.items()})

        out = [line("recovered_tmp", file=r) if r.endswith(".tmp") else line("recovered", file=r) if r.startswith(".journal")
               else line("recovered_put", file=r) for r in self.recovered]
        out += [line("repaired", file=r["file"], detail=r["detail"]) for r in self.repaired]
        out += [line("problem", file=p["file"], problem=_problem_word(p["problem"], lang), detail=p["detail"])
                for p in self.problems]
        out += [line("note", note=n) for n in self.notes]
        c = self.checked
        if not c:
            out.append(line("unusable", store=self.store))
            return out
        what = t("cli.verify.what", lang, partitions=c.get("partitions", 0), rows=c.get("rows", 0),
                 flags=c.get("flag_files", 0), conflicts=c.get("conflict_files", 0))
        if self.ok:
            out.append(t("cli.verify.ok", lang, store=self.store, what=what))
        else:
            out.append(t("cli.verify.problems", lang, store=self.store, n=len(self.problems), what=what))
        return out


def _problem_word(problem: str, lang: str) -> str:
    """The word of a problem (``size differs`` ...) in ``lang``; the JSON keeps the English word."""
    key = "note.store.problem." + str(problem).replace(" ", "_")
    try:
        return t(key, lang)
    except LookupError:
        return str(problem)


def _problem(rel, problem, detail) -> dict:
    return {"file": rel, "problem": problem, "detail": detail}


def _full_check(store: Path, rel: str, record: dict):
    """Problem dict for one recorded Parquet file, or None when it matches its record."""
    path = store / rel
    if not path.is_file():
        return _problem(rel, "missing", note("store.detail_missing", recorded=_recorded(record)))
    try:
        size = path.stat().st_size
        digest = sha256_file(path)
    except OSError as exc:
        return _problem(rel, "unreadable", f"{exc.strerror or exc}")
    rows = parquet_rows(path)
    now = _shape(rows, size) if rows is not None else note("store.now_not_parquet", size=size)
    if size != record.get("bytes"):
        return _problem(rel, "size differs", note("store.detail_size", now=now, recorded=_recorded(record)))
    if digest != record.get("sha256"):
        return _problem(rel, "sha256 differs", note("store.detail_sha", now=now, recorded=_recorded(record)))
    if rows is None:
        return _problem(rel, "unreadable", note("store.detail_not_parquet"))
    if record.get("rows") is not None and rows != record["rows"]:
        return _problem(rel, "rows differ", note("store.detail_rows", rows=rows, recorded=record["rows"]))
    return None


def _on_disk(store: Path, tmp_mark: str) -> dict:
    """Files of the store's layout on disk: {"partitions": [rel], "flags": [rel], "conflicts": [rel], "temps": [rel]}."""
    out = {"partitions": [], "flags": [], "conflicts": [], "temps": []}
    for table in ("hourly", "daily", "stationdaily"):
        out["partitions"] += sorted(p.relative_to(store).as_posix() for p in store.glob(f"{table}/month=*/data.parquet"))
    out["flags"] = sorted(p.relative_to(store).as_posix() for p in store.glob("quality/*.parquet") if tmp_mark not in p.name)
    out["conflicts"] = sorted(p.relative_to(store).as_posix() for p in store.glob("conflicts/*.csv") if tmp_mark not in p.name)
    for pattern in (f".*{tmp_mark}*.tmp", f"*/.*{tmp_mark}*.tmp", f"*/*/.*{tmp_mark}*.tmp"):
        out["temps"] += sorted(p.relative_to(store).as_posix() for p in store.glob(pattern))
    return out


def _what_is_there(store: Path, disk: dict) -> list:
    """Notes listing the partitions and flag files on disk (when the manifest cannot be used)."""
    out = []
    for rel in disk["partitions"] + disk["flags"]:
        rows = parquet_rows(store / rel)
        out.append(note("store.on_disk", rel=rel, what=note("store.not_parquet") if rows is None
                        else note("store.on_disk_rows", rows=rows)))
    return out


def verify_store(store_dir, *, recover: bool = True, fix_journal: bool = False) -> VerifyReport:
    """Check every file of the store against its manifest (``airq verify``).

    Parameters
    ----------
    recover : bool, default True
        First complete an interrupted commit from its journal and remove the leftovers of an
        uncommitted ingest (:func:`airq.store.recover`, what every ingest and load does anyway).
        With False, nothing is written and a journal is reported as a problem.
    fix_journal : bool, default False
        Also finish a commit whose journal is unreadable (:func:`recover_journal`; ``airq verify --recover``).

    Returns
    -------
    VerifyReport

    Raises
    ------
    FileNotFoundError
        The store folder does not exist, or holds neither a manifest nor data (not an airq store).
    StoreLocked
        Recovery was needed while another ingest holds the lock.
    """
    from . import store as _store
    from . import store_lock

    store = Path(store_dir)
    if not store.is_dir():
        raise FileNotFoundError(note("error.store.no_store_folder", store=str(store)))
    holder = store_lock.lock_holder(store)
    if holder is not None and not store_lock.holds_lock(store):
        raise StoreLocked(note("error.store.being_written", store=str(store), holder=store_lock.describe_holder(store, holder)))
    rep = VerifyReport(store)
    journal = store / _store.JOURNAL
    disk = _on_disk(store, _store.TMP_MARK)
    if recover and (journal.exists() or disk["temps"]):
        try:
            if fix_journal:
                rep.recovered += recover_journal(store)
            rep.recovered += _store.recover(store)
        except StoreLocked:
            raise
        except StoreCorrupt as exc:
            rep.problems.append(_problem(_store.JOURNAL, "journal unreadable", _message(exc)))
        disk = _on_disk(store, _store.TMP_MARK)
    elif journal.exists():
        rep.problems.append(_problem(_store.JOURNAL, "journal present", note("store.detail_journal")))
    try:
        manifest = _store.read_manifest(store)
    except StoreCorrupt as exc:
        rep.problems.append(_problem(_store.MANIFEST, "manifest unreadable", _message(exc)))
        rep.notes += _what_is_there(store, disk)
        return rep
    if not (store / _store.MANIFEST).exists():
        if disk["partitions"] or disk["flags"]:
            rep.problems.append(_problem(_store.MANIFEST, "manifest missing",
                                         note("store.detail_no_manifest", n=len(disk["partitions"]))))
            rep.notes += _what_is_there(store, disk)
            return rep
        # a folder with neither a manifest nor data is not a store (a mistyped --store must not pass as a clean one)
        raise FileNotFoundError(note("error.store.not_a_store", store=str(store), manifest=_store.MANIFEST))
    parts = manifest.get("partitions", {})
    files = manifest.get("files")
    caches = manifest.get(_cache.KEY) or {}
    rows = sum(int(rec.get("rows") or 0) for rec in parts.values())
    for rel, rec in sorted({**parts, **caches}.items()):
        p = _full_check(store, rel, rec)
        if p:
            rep.problems.append(p)
    for rel, rec in sorted((files or {}).items()):
        p = _full_check(store, rel, rec)
        if p:
            rep.problems.append(p)
    recorded_conflicts = {}
    for e in manifest.get("ingests", []):
        c = e.get("conflicts") or {}
        if c.get("file"):
            recorded_conflicts[c["file"]] = c
    for rel, c in sorted(recorded_conflicts.items()):
        path = store / rel
        if not path.is_file():
            rep.problems.append(_problem(rel, "missing", note("store.detail_conflicts_missing", values=c.get("values"))))
        elif sha256_file(path) != c.get("sha256"):
            rep.problems.append(_problem(rel, "sha256 differs", note("store.detail_conflicts_changed")))
    stale = _cache.stale_months(manifest)
    if stale:
        rep.notes.append(note("store.stale_cache", n=len(stale), months=_months_text(stale)))
    for rel in disk["partitions"]:
        if rel not in parts and rel not in caches:
            rep.problems.append(_problem(rel, "not in manifest", note("store.detail_extra_partition")))
    if files is None:
        if disk["flags"]:
            rep.notes.append(note("store.unrecorded_flags", n=len(disk["flags"])))
    else:
        for rel in disk["flags"]:
            if rel not in files:
                rep.problems.append(_problem(rel, "not in manifest", note("store.detail_extra_flags")))
    for rel in disk["conflicts"]:
        if rel not in recorded_conflicts:
            rep.problems.append(_problem(rel, "not in manifest", note("store.detail_extra_conflicts")))
    if disk["temps"]:
        rep.notes.append(note("store.leftover_temps", n=len(disk["temps"])))
    rep.checked = {"partitions": len(parts), "flag_files": len(files or {}), "conflict_files": len(recorded_conflicts), "rows": rows,
                   "station_daily_files": len(caches)}
    return rep


def _months_text(months: list):
    """The months (a list, said with the language's separator), or the first … the last of more than four."""
    return list(months) if len(months) <= 4 else note("store.months_range", first=months[0], last=months[-1])


def _message(exc: BaseException):
    """An exception's message: its :class:`airq.notes.Note` when it carries one (to be said in any language), else its text."""
    first = exc.args[0] if exc.args else None
    return first if isinstance(first, Note) else str(exc)


def _refresh_caches(store: Path, report: VerifyReport) -> list:
    """Recompute the station-daily cache files that are damaged or stale, where their hourly partition is sound."""
    from . import store as _store

    damaged = {p["file"] for p in report.problems}
    months = set()
    for rel in damaged:
        if rel.startswith(f"{_cache.KEY}/month="):
            months.add(rel[len(_cache.KEY) + 7:len(_cache.KEY) + 14])
    months |= set(_cache.stale_months(_store.read_manifest(store)))
    months = sorted(m for m in months if _cache.hourly_rel(m) not in damaged)
    if not months:
        return []
    written = _store.refresh_station_daily(store, months=months)
    return [rel for rel in written if rel.startswith(f"{_cache.KEY}/")]


# --------------------------------------------------------------------------------------------
# a commit whose journal cannot be read


def recover_journal(store_dir) -> list:
    """Finish (or close) a commit whose journal ``.journal.json`` is unreadable.

    The journal is written only when every file of the commit, the new manifest last, has been
    staged in full; the replacements then put the manifest last. So:

    * if the staged manifest (``.manifest.json.airq-*.tmp``) is still there, every file it records
      is either already in place (same sha256) or a staged temporary file with that sha256: those
      are moved into place, then the manifest, and the journal is removed — the commit completes
      exactly as the journal would have completed it;
    * if no staged manifest is left, the new manifest is already in place (it moves last): the
      journal is removed.

    Anything else (a recorded file neither in place nor staged, several staged manifests) raises
    :class:`StoreCorrupt` and changes nothing. A readable journal is completed by
    :func:`airq.store.recover` as usual. Returns the files moved or removed.
    """
    from . import store as _store
    from . import store_lock

    store = Path(store_dir)
    journal = store / _store.JOURNAL
    with store_lock.lock(store):
        if not journal.exists():
            return []
        try:
            pairs = json.loads(journal.read_text(encoding="utf-8"))["replace"]
            if isinstance(pairs, list) and all(isinstance(p, list) and len(p) == 2 for p in pairs):
                return _store.recover(store)
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, OSError):
            pass
        staged = sorted(store.glob(f".{_store.MANIFEST}{_store.TMP_MARK}*.tmp"))
        if len(staged) > 1:
            raise StoreCorrupt(note("error.store.journal_many_manifests", store=str(store), n=len(staged)))
        done = []
        if staged:
            try:
                new = json.loads(staged[0].read_text(encoding="utf-8"))
                records = {**new["partitions"], **(new.get("stationdaily") or {}), **(new.get("files") or {})}
                for e in new.get("ingests", []):
                    c = e.get("conflicts") or {}
                    if c.get("file"):
                        records[c["file"]] = {"sha256": c["sha256"]}
            except (ValueError, KeyError, TypeError, AttributeError, UnicodeDecodeError) as exc:
                raise StoreCorrupt(note("error.store.journal_manifest_unreadable", store=str(store), name=staged[0].name,
                                        why=str(exc))) from None
            moves = []
            for rel, rec in sorted(records.items()):
                final = store / rel
                if final.is_file() and sha256_file(final) == rec.get("sha256"):
                    continue
                cands = [c for c in final.parent.glob(f".{final.name}{_store.TMP_MARK}*.tmp") if sha256_file(c) == rec.get("sha256")]
                if not cands:
                    raise StoreCorrupt(note("error.store.journal_not_staged", store=str(store), rel=rel))
                moves.append((cands[0], final))
            for tmp, final in moves:
                os.replace(tmp, final)
                done.append(final.relative_to(store).as_posix())
            os.replace(staged[0], store / _store.MANIFEST)
            done.append(_store.MANIFEST)
        journal.unlink()
        done.append(note("store.journal_removed", journal=_store.JOURNAL))
        return done + _store.recover(store)


# --------------------------------------------------------------------------------------------
# repair from the raw files


def _given_files(sources) -> list[Path]:
    out = []
    for s in [sources] if isinstance(sources, (str, os.PathLike)) else list(sources):
        p = Path(s)
        if p.is_dir():
            out += sorted(q for q in p.rglob("*") if q.is_file())
        elif p.is_file():
            out.append(p)
        else:
            hits = sorted(Path(h) for h in glob.glob(str(s), recursive=True) if Path(h).is_file())
            if not hits:
                raise FileNotFoundError(note("error.store.repair_from_missing", source=str(s)))
            out += hits
    return out


def _ingests_of(manifest: dict, rel: str) -> list[int]:
    """Seq numbers of the recorded ingests that made ``rel`` (a partition or a flag file)."""
    m = _PARTITION_RE.match(rel)
    if m:
        table, month = m.groups()
        return sorted(int(e["seq"]) for e in manifest.get("ingests", []) if e.get("table") == table and month in (e.get("months") or {}))
    rec = (manifest.get("files") or {}).get(rel) or {}
    if rec.get("seq") is not None:
        return [int(rec["seq"])]
    return sorted(int(e["seq"]) for e in manifest.get("ingests", []) if rel in (e.get("files") or []))


def repair(store_dir, sources, *, progress: bool = False, fix_journal: bool = False) -> VerifyReport:
    """Rebuild the damaged partitions and flag files of a store from the raw files (``airq verify --repair-from``).

    For each partition or flag file :func:`verify_store` finds damaged (missing, changed,
    unreadable, or a month's partition not recorded), the ingests the manifest records for it are
    replayed in their order into a scratch store — the same raw files, identified by their sha256
    among ``sources`` (files, folders or glob patterns), read with the recorded format and
    options — and the rebuilt file replaces the damaged one in one atomic commit
    (:func:`airq.store.replace_files`), recorded under ``repairs`` in the manifest. A rebuilt
    file whose row count differs from the record is not used. The raw files are only read.
    ``fix_journal``: first finish a commit whose journal is unreadable (:func:`recover_journal`).

    Returns the :class:`VerifyReport` of the store after the repair (``repaired`` lists the files
    rebuilt; what could not be rebuilt stays a problem, with the reason).
    """
    from . import store as _store
    from . import store_lock
    from .ingestion import ingest_files

    store = Path(store_dir)
    with store_lock.lock(store):
        before = verify_store(store, fix_journal=fix_journal)
        if before.ok:
            return before
        manifest = _store.read_manifest(store)
        by_seq = {int(e["seq"]): e for e in manifest.get("ingests", [])}
        targets, reasons = {}, {}
        for p in before.problems:
            rel = p["file"]
            if not (_PARTITION_RE.match(rel) or (rel.startswith("quality/") and rel.endswith(".parquet"))):
                continue
            seqs = _ingests_of(manifest, rel)
            if seqs:
                targets[rel] = seqs
            else:
                reasons[rel] = note("store.reason_no_ingest")
        sizes = {int(s["size"]) for seq in {s for v in targets.values() for s in v} for s in by_seq[seq].get("sources", [])}
        found = {}
        for f in _given_files(sources):
            if f.stat().st_size in sizes:
                found.setdefault(sha256_file(f), f)
        paths = {}
        for rel, seqs in list(targets.items()):
            for seq in seqs:
                e = by_seq[seq]
                if not e.get("reader"):
                    reasons[rel] = note("store.reason_no_reader", seq=seq, at=e.get("ingested_at"))
                    break
                missing = [s for s in e.get("sources", []) if s["sha256"] not in found]
                if missing or not e.get("sources"):
                    what = [note("store.raw_file", path=s["path"], sha=s["sha256"][:12]) for s in missing[:3]] \
                        or note("store.no_raw_file")
                    reasons[rel] = note("store.reason_raw_missing", seq=seq, files=what)
                    break
                paths[seq] = [found[s["sha256"]] for s in e["sources"]]
            if rel in reasons:
                del targets[rel]
        rebuilt = {}
        if targets:
            with tempfile.TemporaryDirectory(prefix="airq-repair-") as scratch:
                for seq in sorted({s for v in targets.values() for s in v}):
                    e, r = by_seq[seq], by_seq[seq]["reader"]
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        ingest_files(r["format"], paths[seq], scratch, hour_label=r.get("hour_label") or "end",
                                     known_stations=r.get("known_stations"), on_conflict=e.get("on_conflict", "report"),
                                     fix_co_units=bool(r.get("fix_co_units")), strict=bool(r.get("strict")),
                                     encoding=r.get("encoding") or "auto", progress=progress)
                for rel in targets:
                    src = Path(scratch) / rel
                    rec = manifest.get("partitions", {}).get(rel) or (manifest.get("files") or {}).get(rel) or {}
                    if not src.is_file():
                        reasons[rel] = note("store.reason_not_produced")
                        continue
                    rows = parquet_rows(src)
                    if rec.get("rows") is not None and rows != rec["rows"]:
                        reasons[rel] = note("store.reason_rows", rows=rows, recorded=rec["rows"])
                        continue
                    rebuilt[rel] = src.read_bytes()
                if rebuilt:
                    stamp = {"repaired_at": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
                             "from_ingests": sorted({s for rel in rebuilt for s in targets[rel]})}
                    _store.replace_files(store, rebuilt, note=stamp)
        after = verify_store(store, recover=False)
        refreshed = _refresh_caches(store, after)
        if refreshed:
            after = verify_store(store, recover=False)
            after.repaired += [{"file": rel, "detail": note("store.repaired_cache")} for rel in refreshed]
        after.recovered = before.recovered
        for rel, data in sorted(rebuilt.items()):
            same = hashlib.sha256(data).hexdigest() == (manifest.get("partitions", {}).get(rel)
                                                         or (manifest.get("files") or {}).get(rel) or {}).get("sha256")
            after.repaired.append({"file": rel, "detail": note("store.rebuilt_same" if same else "store.rebuilt_other",
                                                               seqs=list(targets[rel]))})
        for p in after.problems:
            if p["file"] in reasons:
                p["detail"] = note("store.not_repaired", detail=p["detail"], reason=reasons[p["file"]])
        return after
