"""Raw files -> checked canonical table -> processed store, with every flag kept.

``ingest_files`` is what ``airq ingest`` runs:

1. read the files with the reader of the format (:mod:`airq.io`), ``errors="flag"``: a value
   that cannot be parsed becomes missing and is recorded (file, line, column, value);
2. :func:`airq.quality.check_hourly` (negatives, impossible values, CO unit slips, duplicates,
   stuck instruments, unknown stations) or, for daily values, :func:`airq.quality.check_daily`
   (negatives, impossible values, duplicates, unknown stations) — each problem a missing value
   (or, for an unknown station, a row kept out) with a recorded reason. A file none of whose
   stations is in the plan is an error (:class:`PlanMismatchError`), not a store of nothing:
   the data and the plan do not belong together, and nothing is written;
3. :func:`airq.store.ingest` (or ``ingest_daily``): monthly Parquet partitions, idempotent,
   conflicts reported, manifest with the raw files' hashes, atomic;
4. the flags of steps 1-2 are kept in the store under ``quality/`` (one Parquet file per set
   of raw files, named by their hashes, so re-ingesting the same files writes nothing new),
   committed in the same atomic commit as the data of step 3 (issue 10 item 7: after a crash the
   store holds the old data and flags, or the new ones); :func:`load_flags` reads them back for
   :func:`airq.quality.quality_summary`.

The report says what was assumed, never silently: the hour-label convention applied to the
hourly formats (``hour_label``; Chinese data stamp the end of the hour, HJ 663—2013 §6.1) and
the text encoding of every file that was not UTF-8 (:mod:`airq.io.encoding`). Raw files are
only read.
"""

from __future__ import annotations

import hashlib
import re
import io as _io
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from . import io as readers
from . import quality, store
from .io._core import expand_sources
from .io.encoding import check_encoding, is_utf8
from .i18n import t
from .notes import from_text, note, render
from .unit_checks import co_unit_file_lines
from .util import shorten

__all__ = ["ingest_files", "IngestReport", "PlanMismatchError", "check_plan_match", "load_flags", "FORMATS", "FLAG_COLUMNS"]

#: Formats ``airq ingest`` accepts, their reader and whether they hold hourly or daily values.
FORMATS = {
    "cnemc": ("hourly", ("*.csv",)),
    "china_sites": ("hourly", ("china_sites_*.csv",)),
    "prsa": ("hourly", ("PRSA_Data_*.csv", "PRSA_Data_*.csv.gz")),
    "tidy": ("hourly", ("*.csv", "*.parquet", "*.pq")),
    "tidy_daily": ("daily", ("*.csv", "*.parquet", "*.pq")),
    "guigang_daily": ("daily", ("station_daily*.csv",)),
    "aqistudy": ("daily", ("*.csv",)),
}
#: Columns of the stored flags table.
FLAG_COLUMNS = ("station", "time", "column", "value", "reason", "detail")
_QUALITY_DIR = "quality"
_SHOW = 4  # stations / files named in a message before "and N more"


class PlanMismatchError(ValueError):
    """No station of a file (or of the whole ingest) is one of the plan's stations; nothing was stored."""


@dataclass
class IngestReport:
    """What ``airq ingest`` did: the store's :class:`airq.store.IngestResult` plus the flags."""

    format: str
    table: str
    files: list
    rows_read: int
    result: store.IngestResult
    flags: pd.DataFrame
    flags_file: Path | None
    #: What the reader reports about the files' quirks (``aqistudy``: encodings, header shapes,
    #: no-data days, header-only and out-of-order files, duplicates), as terminal lines.
    reader_notes: list = field(default_factory=list)
    #: The hour-label convention applied (``"end"`` / ``"start"``; None for daily values).
    hour_label: str | None = None
    #: {codec: [file names]} of the text files read; ``encoding_detected``: "auto" was used.
    encodings: dict = field(default_factory=dict)
    encoding_detected: bool = True
    #: Rows of the reader's frame whose station is not in the plan (kept out of the store).
    rows_unknown_station: int = 0
    #: Extra copies of a station-hour (station-day) beyond the first, collapsed into one row.
    duplicate_copies: int = 0
    #: Rows the reader itself left out, by reason (e.g. aqistudy's agreeing duplicates of the
    #: same city-day in two folders), each recorded in the reader's notes.
    reader_dropped: dict = field(default_factory=dict)
    on_conflict: str = "report"

    def accounting(self) -> dict:
        """Where every row read went (issue 10 item 13): the counts and whether they add up.

        ``read`` (rows in the files, before the reader's own drops) = ``added`` + ``replaced``
        + ``unchanged`` + ``conflicting_kept`` (stored values kept, ``--on-conflict report|keep``)
        + ``duplicate_copies`` + ``unknown_station`` + ``reader_dropped``; ``balanced`` says
        whether it holds. Flagged values are counted apart (``flagged_values``): a flagged value
        is stored as missing in its row, the row itself is counted above.
        """
        m = self.result.months
        col = (lambda c: int(m[c].sum()) if len(m) else 0)
        conflicting = col("conflicting_rows")
        kept = 0 if self.on_conflict == "replace" else conflicting
        dropped = int(sum(self.reader_dropped.values()))
        out = {"read": self.rows_read + dropped, "added": col("added"), "replaced": col("replaced"),
               "unchanged": col("unchanged"), "conflicting_kept": kept, "duplicate_copies": self.duplicate_copies,
               "unknown_station": self.rows_unknown_station, "reader_dropped": dropped,
               "reader_dropped_by_reason": dict(self.reader_dropped),
               "flagged_values": int((self.flags["column"] != "*").sum()) if len(self.flags) else 0}
        parts = ("added", "replaced", "unchanged", "conflicting_kept", "duplicate_copies", "unknown_station", "reader_dropped")
        out["balanced"] = out["read"] == sum(out[k] for k in parts)
        return out

    def to_dict(self) -> dict:
        """The ``airq ingest --json`` object."""
        by_reason = self.flags.groupby("reason").size().to_dict() if len(self.flags) else {}
        return {"format": self.format, "table": self.table, "files": [str(f) for f in self.files],
                "rows": self.accounting(), "flags_by_reason": {str(k): int(v) for k, v in sorted(by_reason.items())},
                "conflicting_values": int(len(self.result.conflicts)), "files_written": list(self.result.written),
                "hour_label": self.hour_label, "encodings": {k: list(v) for k, v in self.encodings.items()},
                "notes": list(self.reader_notes)}

    def _accounting_line(self, lang: str = "en") -> str:
        a = self.accounting()
        line = t("cli.ingest.rows", lang, read=a["read"], added=a["added"], replaced=a["replaced"], unchanged=a["unchanged"],
                 conflicting=a["conflicting_kept"], duplicates=a["duplicate_copies"], unknown=a["unknown_station"],
                 dropped=a["reader_dropped"])
        if not a["balanced"]:
            parts = a["added"] + a["replaced"] + a["unchanged"] + a["conflicting_kept"] + a["duplicate_copies"] \
                + a["unknown_station"] + a["reader_dropped"]
            line += t("cli.ingest.unbalanced", lang, n=a["read"] - parts)
        return line

    def summary(self, lang: str = "en") -> str:
        """A few lines for the terminal, in ``lang`` (the string catalogue: ``cli.ingest``, ``note.store.ingest``;
        the readers' notes said in ``lang`` where they are :class:`airq.notes.Note`)."""
        by_reason = self.flags.groupby("reason").size().to_dict() if len(self.flags) else {}
        table = t(f"cli.ingest.table_{self.table}", lang) if self.table in ("hourly", "daily") else self.table
        items = t("report.list_sep", lang).join(f"{k} {v}" for k, v in sorted(by_reason.items()))
        res = self.result
        lines = [
            t("cli.ingest.read", lang, rows=self.rows_read, table=table, files=len(self.files), format=self.format),
            *self._assumptions(lang),
            t("cli.ingest.stored", lang, added=res.rows_added, replaced=res.rows_replaced, conflicts=len(res.conflicts),
              written=len(res.written)),
            self._accounting_line(lang),
            t("cli.ingest.flagged", lang, items=items or t("cli.ingest.none", lang)),
        ]
        lines[1:1] = [render(n, lang) for n in self.reader_notes]
        # a CO series in the wrong unit: one line per file
        lines += [render(line, lang) for line in co_unit_file_lines(self.flags, self.format)]
        unparsed = self.flags[self.flags["detail"].astype(str).str.contains(" line ", regex=False)] if len(self.flags) else self.flags
        for row in unparsed.head(5).itertuples():
            lines.append(t("note.store.ingest.unparsed", lang, detail=_where_text(row.detail, lang),
                           reason=render(from_text(row.reason, "error.read"), lang), value=row.value))
        if len(unparsed) > 5:
            lines.append(t("note.store.ingest.more_unparsed", lang, n=len(unparsed) - 5))
        if len(res.conflicts):
            lines.append(t("cli.ingest.conflicts", lang))
        return "\n".join(lines)

    def _assumptions(self, lang: str = "en") -> list:
        """The hour-label convention and the non-UTF-8 encodings, as terminal lines."""
        out = []
        if self.hour_label == "end":
            out.append(t("cli.ingest.hour_end", lang))
        elif self.hour_label == "start":
            out.append(t("cli.ingest.hour_start", lang))
        if self.format != "aqistudy":  # the aqistudy notes list the encodings already
            how = note("store.ingest.detected") if self.encoding_detected else note("store.ingest.given")
            for codec, names in sorted(self.encodings.items()):
                if not is_utf8(codec):
                    out.append(note("store.ingest.encoding", codec=codec, how=how, n=len(names), files=_first(names)).to(lang))
        return out


_WHERE = re.compile(r"(?P<source>.*) line (?P<line>\d+) column (?P<column>.*)")


def _where_text(detail, lang: str) -> str:
    """A flag's ``detail`` (``"<file> line 4 column pm25"``, stored in English as data) in ``lang``."""
    m = _WHERE.fullmatch(str(detail))
    return note("store.ingest.where_line_column", **m.groupdict()).to(lang) if m else render(detail, lang)


def _first(items, n: int = _SHOW):
    """``a, b, c, d and 3 more`` (a note: the list is said with the language's separator)."""
    items = [str(x) for x in items]
    if len(items) > n:
        return note("store.ingest.items_more", items=items[:n], n=len(items) - n)
    return note("store.ingest.items", items=items)


def _plan_names(known_stations) -> dict:
    """{code: name or ""} of the plan (``known_stations``: codes, or a mapping code -> name/Station)."""
    if isinstance(known_stations, str):
        return {known_stations: ""}
    if isinstance(known_stations, Mapping):
        return {str(k): str(getattr(v, "name", v) or "") for k, v in known_stations.items()}
    return {str(k): "" for k in known_stations}


def _labelled(codes, names: dict):
    """The first few codes with their names where known, and how many more."""
    return _first([f"{c} {names[c]}".strip() if names.get(c) else c for c in codes])


def check_plan_match(frame: pd.DataFrame, known_stations) -> None:
    """Raise :class:`PlanMismatchError` if a file with rows has no station of the plan.

    One sentence naming the file(s), the stations found there (first few codes and names, with
    a count) and the stations the plan expects. A partial match is not an error (the unknown
    rows are flagged ``unknown_station`` by :mod:`airq.quality`).
    """
    plan = _plan_names(known_stations)
    if not len(frame):
        return
    # by integer codes of stations and files (issue 11: no arrays of millions of Python strings)
    st_code, st_names = pd.factorize(frame["station"].astype(str), use_na_sentinel=False)
    src_code, src_names = pd.factorize(frame["source"], use_na_sentinel=False)
    known = np.isin(np.asarray([str(x) for x in st_names], dtype=object), np.asarray(list(plan), dtype=object))[st_code]
    file_ok = np.bincount(src_code[known], minlength=len(src_names)) > 0
    if file_ok.all():
        return
    files = [str(x) for x in src_names]  # in the order of their first row
    bad = [f for f, ok in zip(files, file_ok) if not ok]
    rows = ~file_ok[src_code]
    station = frame["station"].astype(str)
    found = pd.unique(station[rows])
    names = {}
    if "station_name" in frame.columns:
        sub = frame.loc[rows].drop_duplicates("station")
        names = {str(c): "" if pd.isna(n) else str(n) for c, n in zip(sub["station"], sub["station_name"])}
    where = f"{bad[0]}" if len(bad) == 1 else note("store.ingest.where_files", n=len(bad), total=len(files), files=_first(bad))
    raise PlanMismatchError(note("error.plan_mismatch", where=where, n_found=len(found), found=_labelled(found, names),
                                 n_plan=len(plan), plan=_labelled(list(plan), plan)))


def _parse_flags_to_quality(parse_flags: pd.DataFrame) -> pd.DataFrame:
    """Reader flags (file, line, raw column) in the quality flags layout."""
    if parse_flags is None or not len(parse_flags):
        return pd.DataFrame({c: pd.Series(dtype=object) for c in FLAG_COLUMNS})
    detail = parse_flags["source"].astype(str) + " line " + parse_flags["row"].astype(str) + " column " + parse_flags["raw_column"].astype(str)
    return pd.DataFrame(
        {
            "station": parse_flags["station"].astype(str),
            "time": pd.to_datetime(parse_flags["time"]),
            "column": parse_flags["column"].astype(str),
            "value": parse_flags["value"].astype(str).map(shorten),  # a raw value echoed is cut to 40 characters
            "reason": parse_flags["reason"].astype(str),
            "detail": detail,
        }
    )


def _files_key(files: list[Path]) -> str:
    h = hashlib.sha256()
    for f in files:
        h.update(hashlib.sha256(Path(f).read_bytes()).digest())
    return h.hexdigest()[:16]


def ingest_files(
    fmt: str,
    sources,
    store_dir,
    *,
    hour_label: str = "end",
    known_stations=None,
    on_conflict: str = "report",
    progress: bool = False,
    fix_co_units: bool = False,
    strict: bool = False,
    encoding: str = "auto",
    wait: float = 0.0,
    on_wait=None,
) -> IngestReport:
    """Read raw files of format ``fmt``, check them and add them to the store at ``store_dir``.

    Parameters
    ----------
    fmt : {"cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"}
    sources : path, folder, glob or list of those
    store_dir : path
    hour_label : {"end", "start"}
        What the files' hour stamps mark (the hourly formats cnemc, china_sites, prsa, tidy;
        Chinese data: ``"end"``). The report's summary states the convention applied.
    known_stations : iterable of str, or mapping code -> name (or :class:`airq.config.Station`), optional
        Station codes of the plan; rows of other stations are flagged ``unknown_station`` and
        kept out of the store (recorded, never silently dropped). A file none of whose
        stations is known raises :class:`PlanMismatchError` and nothing is stored.
    on_conflict : {"report", "keep", "replace"}
        See :func:`airq.store.ingest`.
    strict : bool, default False
        Fail on the first value that cannot be parsed (``ReadError`` naming file, line, column
        and value) instead of flagging it and storing it as missing.
    encoding : str, default "auto"
        Text encoding of the files: detected per file (byte-order mark, UTF-8, GB18030) or a
        codec name (:mod:`airq.io.encoding`); the report's summary names every file that was
        not UTF-8.
    wait : float, default 0
        Seconds to wait for the store's lock when another ingest holds it (``math.inf``: no
        limit), calling ``on_wait(holder, seconds)`` meanwhile (:func:`airq.store_lock.lock`).
        The lock is checked before the raw files are read (issue 10 item 10).

    The flags are committed with the data, in the same atomic commit (issue 10 item 7), and the
    manifest entry records the format and options (``reader``) for ``airq verify --repair-from``.

    Raises
    ------
    ValueError
        Unknown format or encoding name; :class:`PlanMismatchError` (a ``ValueError``).
    ReadError
        Bad input (see :mod:`airq.io`).
    airq.store.StoreLocked
        Another ingest holds the store's lock (after ``wait``); raised before any file is read.
    airq.store.StoreCorrupt
        A partition the ingest would merge into differs from the manifest; nothing is written.
    """
    if fmt not in FORMATS:
        raise ValueError(note("error.store.unknown_format", format=fmt, formats=list(FORMATS)))
    encoding = check_encoding(encoding)
    store.check_lock(store_dir, wait=wait, on_wait=on_wait)  # fail (or wait) before reading anything
    table, patterns = FORMATS[fmt]
    files = expand_sources(sources, patterns)
    read_kw = {"hour_label": hour_label, "strict": strict, "progress": progress, "encoding": encoding}
    with tempfile.TemporaryDirectory(prefix="airq-ingest-") as spill:
        by_file = None
        if fmt in BY_FILE and sum(Path(f).stat().st_size for f in files) > BLOCK_BYTES:  # large: never the whole year at once
            by_file = _read_into_buckets(fmt, files, Path(spill), **read_kw)
        if by_file is None:
            frame, parse_flags, attrs = _read(fmt, files, **read_kw)
            n_read, plan_rows = len(frame), frame
        else:
            blocks, parse_flags, attrs, n_read, plan_rows = by_file
        if known_stations is not None:
            check_plan_match(plan_rows, known_stations)
            known_stations = list(_plan_names(known_stations))
        del plan_rows
        reader = {"format": fmt, "hour_label": hour_label if table == "hourly" else None, "known_stations": known_stations,
                  "fix_co_units": bool(fix_co_units), "strict": bool(strict), "encoding": encoding}
        put = store.ingest if table == "hourly" else store.ingest_daily
        if by_file is not None:
            clean, qflags, n_unknown, n_copies = _check_blocks(blocks, Path(spill), known_stations, fix_co_units, progress)
        elif table == "hourly" and n_read > BLOCK_ROWS:  # a large frame, station block by station block (issue 11)
            blocks = _spill_blocks(frame, Path(spill))
            del frame  # the reader's frame now lives in the spill files
            clean, qflags, n_unknown, n_copies = _check_blocks(blocks, Path(spill), known_stations, fix_co_units, progress)
        else:
            n_unknown, n_copies = _row_counts(frame, table, known_stations)
            check = quality.check_hourly if table == "hourly" else quality.check_daily
            clean, qflags = check(frame, known_stations=known_stations, fix_co_units=fix_co_units)
            clean.attrs.clear()
            del frame  # the reader's frame is not needed any more: free it before the store's copies (issue 11)
        qflags = qflags[list(FLAG_COLUMNS)]
        flags = pd.concat([parse_flags, qflags], ignore_index=True) if len(parse_flags) or len(qflags) else qflags
        attach, flags_file = _flags_attachment(flags, store_dir, table, files)
        result = put(clean, store_dir, sources=files, on_conflict=on_conflict, progress=progress, attach=attach, reader=reader,
                     wait=wait, on_wait=on_wait)
    notes = readers.aqistudy_summary(attrs["aqistudy"]) if "aqistudy" in attrs else []
    notes += [n for n in attrs.get("read_notes", []) if n not in notes]  # header-only files, repeated lines, cut last lines
    if n_read == 0:
        notes.append(note("store.ingest.nothing_to_store"))
    return IngestReport(
        fmt, table, files, n_read, result, flags, flags_file, notes,
        hour_label=hour_label if table == "hourly" else None,
        encodings=attrs.get("encodings", {}),
        encoding_detected=attrs.get("encoding_detected", encoding == "auto"),
        rows_unknown_station=n_unknown, duplicate_copies=n_copies, reader_dropped=_reader_dropped(attrs),
        on_conflict=on_conflict,
    )  # fmt: skip


#: Hourly rows above which an ingest checks and stores the data station block by station block (docs/ingest_memory.md).
BLOCK_ROWS = 2_000_000
#: Bytes of raw hourly files above which they are read file by file into station buckets, never all at once.
BLOCK_BYTES = 100_000_000
#: Formats read file by file when large: those whose reader of several files is the concatenation of its reads of
#: each file, proved store for store by tests/test_ingest_blocks.py (tidy on messy inputs, prsa and cnemc on the
#: real files). Others (china_sites) are read at once and, above :data:`BLOCK_ROWS`, checked in station blocks.
BY_FILE = ("tidy", "prsa", "cnemc")


def _read_into_buckets(fmt: str, files: list, spill: Path, **kw):
    """Read the raw files one at a time and spill each file's rows into buckets of whole stations.

    Returns (buckets: lists of piece files in file order, the parse flags, the readers' attrs merged as
    the reader of all files merges them, rows read, one row per station and file for the plan check), or
    None when the files do not all have the same columns (the caller then reads them all at once). A
    station's rows are in one bucket, in file order and, within a file, in the file's order: what the
    whole frame holds for it."""
    n_buckets = max(1, min(64, -(-sum(Path(f).stat().st_size for f in files) // BLOCK_BYTES)))
    buckets = [[] for _ in range(n_buckets)]
    flags, plan_rows, columns, n_read = [], [], None, 0
    attrs = {"read_notes": [], "header_only_files": []}
    it = files
    if kw.get("progress"):
        from tqdm.auto import tqdm

        it = tqdm(files, desc=f"read {fmt}", unit="file")
    for i, f in enumerate(it):
        frame, fl, at = _read(fmt, [f], **{**kw, "progress": False})
        if columns is None:
            columns = list(frame.columns)
        elif list(frame.columns) != columns:
            return None
        flags.append(fl)
        _merge_attrs(attrs, at)
        n_read += len(frame)
        keep = [c for c in ("station", "station_name", "source") if c in frame.columns]
        plan_rows.append(frame[keep].drop_duplicates("station"))
        codes, names = pd.factorize(frame["station"].astype(str))
        bucket = np.array([zlib.crc32(str(n).encode("utf-8")) % n_buckets for n in names], dtype=np.int64)[codes]
        for b in range(n_buckets):
            piece = spill / f"read-{b:05d}-{i:05d}.pkl"
            frame.loc[bucket == b].to_pickle(piece)  # empty pieces too: every bucket has every file's columns
            buckets[b].append(piece)
        del frame
    parse = [f for f in flags if len(f)]
    parse_flags = pd.concat(parse, ignore_index=True) if parse else flags[0] if flags else _parse_flags_to_quality(None)
    return buckets, parse_flags, attrs, n_read, pd.concat(plan_rows, ignore_index=True) if plan_rows else None


def _spill_blocks(frame: pd.DataFrame, spill: Path) -> list:
    """Write the reader's frame to ``spill`` in blocks of whole stations (about :data:`BLOCK_ROWS` rows each,
    stations in sorted order, each block's rows in the frame's order); returns the files in station order.

    Every check of :func:`airq.quality.check_hourly` looks at one station's rows only (unknown station,
    duplicates of a station-hour, a station's CO series per file and month, negative, implausible and stuck
    values), so checking block by block gives the rows and flags of checking the whole frame."""
    codes, names = pd.factorize(frame["station"].astype(str), sort=True)
    n_blocks = max(1, -(-len(frame) // BLOCK_ROWS))
    block = codes.astype(np.int64) * n_blocks // max(len(names), 1)
    del codes
    order = np.argsort(block, kind="stable")
    bounds = np.searchsorted(block[order], np.arange(n_blocks + 1))
    files = []
    for b in range(n_blocks):
        rows = order[bounds[b]:bounds[b + 1]]
        if len(rows):
            files.append(spill / f"in-{b:05d}.pkl")
            frame.take(rows).to_pickle(files[-1])
    return files


def _merge_attrs(into: dict, more: dict) -> None:
    """Add one file's reader attrs to those of the files before, as the reader of all the files would:
    lists extended, ``encodings`` ({codec: [files]}) joined, per-file dicts joined, counts summed."""
    for key, value in more.items():
        if key == "encodings":
            for codec, names in value.items():
                into.setdefault("encodings", {}).setdefault(codec, []).extend(names)
        elif isinstance(value, list):
            into.setdefault(key, []).extend(value)
        elif isinstance(value, dict):
            have = into.setdefault(key, {})
            for k, v in value.items():
                both_counts = isinstance(v, (int, float)) and not isinstance(v, bool) and isinstance(have.get(k), (int, float))
                have[k] = have[k] + v if both_counts else v
        else:
            into[key] = value


def _check_blocks(blocks: list, spill: Path, known_stations, fix_co_units: bool, progress: bool):
    """Check each spilled block (:func:`airq.quality.check_hourly`) and spill its clean rows by month.

    Returns (:class:`airq.store.MonthParts` of the clean rows, the flags in :func:`check_hourly`'s order,
    rows of unknown stations, extra copies): what checking the whole frame gives, one block in memory."""
    flags, months, n_unknown, n_copies, n_clean = [], {}, 0, 0, 0
    it = blocks
    if progress:
        from tqdm.auto import tqdm

        it = tqdm(blocks, desc="check stations", unit="block")
    for k, paths in enumerate(it):
        paths = [paths] if isinstance(paths, Path) else paths
        block = pd.concat([pd.read_pickle(p) for p in paths]) if len(paths) > 1 else pd.read_pickle(paths[0])
        for p in paths:
            p.unlink()
        u, c = _row_counts(block, "hourly", known_stations)
        n_unknown, n_copies = n_unknown + u, n_copies + c
        clean, qf = quality.check_hourly(block, known_stations=known_stations, fix_co_units=fix_co_units)
        del block
        flags.append(qf)
        n_clean += len(clean)
        month_no = clean["time"].to_numpy().astype("datetime64[M]")
        for m in np.unique(month_no):
            out = spill / f"clean-{m}-{k:05d}.pkl"
            clean.loc[month_no == m].to_pickle(out)
            months.setdefault(str(m), []).append(out)

    def load(month: str) -> pd.DataFrame:  # the month's rows in the whole frame's order: by station, then time
        rows = pd.concat([pd.read_pickle(p) for p in months[month]], ignore_index=True)
        codes = pd.factorize(rows["station"], sort=True)[0]
        return rows.take(np.lexsort((rows["time"].to_numpy(), codes))).reset_index(drop=True)

    parts = store.MonthParts(months=sorted(months), load=load, rows=n_clean)
    return parts, quality.sort_flags(flags), n_unknown, n_copies


def _row_counts(frame: pd.DataFrame, table: str, known_stations) -> tuple[int, int]:
    """(rows of stations not in the plan, extra copies of a station-hour/-day), counted on the reader's frame.

    Counted here, independently of the quality checks that drop the rows, so that
    :meth:`IngestReport.accounting` can check one against the other.
    """
    station = frame["station"].astype(str)
    known = np.ones(len(frame), dtype=bool) if known_stations is None else station.isin([str(k) for k in known_stations]).to_numpy()
    key = "time" if table == "hourly" else "date"
    inside = frame.loc[known, ["station", key]]
    copies = int(inside.duplicated().sum()) if len(inside) else 0
    return int((~known).sum()), copies


def _reader_dropped(attrs: dict) -> dict:
    """Rows a reader left out on its own, by reason (recorded in its notes)."""
    out = {}
    info = attrs.get("aqistudy") or {}
    if info.get("duplicate_rows_removed"):
        out["agreeing duplicate city-days (aqistudy)"] = int(info["duplicate_rows_removed"])
    for reason, n in (attrs.get("rows_dropped") or {}).items():
        out[str(reason)] = int(n)
    return out


def _read(fmt: str, files: list, *, hour_label: str, strict: bool, progress: bool, encoding: str):
    """The reader's frame (attrs emptied), its parse flags in the quality layout, and its attrs."""
    kw = {"errors": "raise" if strict else "flag", "encoding": encoding}
    if FORMATS[fmt][0] == "hourly":  # every hourly reader takes the hour-label convention
        kw["hour_label"] = hour_label
    if fmt != "guigang_daily":
        kw["progress"] = progress
    frame = readers.read(fmt, files, **kw)
    parse_flags = _parse_flags_to_quality(readers.pop_flags(frame))
    attrs = dict(frame.attrs)
    frame.attrs.clear()
    return frame, parse_flags, attrs


def _flags_attachment(flags: pd.DataFrame, store_dir, table: str, files: list) -> tuple[dict, Path | None]:
    """The flags as a store attachment ``quality/flags-<table>-<key>.parquet`` (named by the raw
    files' hashes), committed with the data by :func:`airq.store.ingest` (write-once, issue 10 item 7)."""
    if not len(flags):
        return {}, None
    rel = f"{_QUALITY_DIR}/flags-{table}-{_files_key(files)}.parquet"
    buf = _io.BytesIO()
    out = flags.copy()
    out["time"] = pd.to_datetime(out["time"])
    for c in ("station", "column", "value", "reason", "detail"):
        out[c] = out[c].astype(str)
    out.to_parquet(buf, index=False)
    return {rel: buf.getvalue()}, Path(store_dir) / rel


def load_flags(store_dir, table: str = "hourly") -> pd.DataFrame:
    """All stored quality flags of ``table`` (``"hourly"`` or ``"daily"``), de-duplicated.

    Only the flag files the manifest records, each checked against its record
    (:func:`airq.store.attachments`; an interrupted commit is finished first).
    """
    files = store.attachments(store_dir, f"{_QUALITY_DIR}/flags-{table}-*.parquet")
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "time" else object) for c in FLAG_COLUMNS})
    flags = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return flags.drop_duplicates().sort_values(["station", "time", "column"], kind="stable").reset_index(drop=True)
