"""Raw files -> checked canonical table -> processed store, with every flag kept.

``ingest_files`` is what ``airq ingest`` runs:

1. read the files with the reader of the format (:mod:`airq.io`), ``errors="flag"``: a value
   that cannot be parsed becomes missing and is recorded (file, line, column, value);
2. :func:`airq.quality.check_hourly` (negatives, impossible values, CO unit slips, duplicates,
   stuck instruments, unknown stations) or, for daily values, :func:`airq.quality.check_daily`
   (negatives, impossible values, duplicates, unknown stations) — each problem a missing value
   (or, for an unknown station, a row kept out) with a recorded reason;
3. :func:`airq.store.ingest` (or ``ingest_daily``): monthly Parquet partitions, idempotent,
   conflicts reported, manifest with the raw files' hashes, atomic;
4. the flags of steps 1-2 are kept in the store under ``quality/`` (one Parquet file per set
   of raw files, named by their hashes, so re-ingesting the same files writes nothing new);
   :func:`load_flags` reads them back for :func:`airq.quality.quality_summary`.

Raw files are only read.
"""

from __future__ import annotations

import hashlib
import io as _io
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import io as readers
from . import quality, store
from .io._core import expand_sources
from .util import atomic_write_bytes

__all__ = ["ingest_files", "IngestReport", "load_flags", "FORMATS", "FLAG_COLUMNS"]

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

    def summary(self) -> str:
        """A few lines for the terminal."""
        by_reason = self.flags.groupby("reason").size().to_dict() if len(self.flags) else {}
        lines = [
            f"read {self.rows_read} {self.table} rows from {len(self.files)} file(s) ({self.format})",
            f"store: {self.result.rows_added} rows added, {self.result.rows_replaced} replaced, "
            f"{len(self.result.conflicts)} conflicting values, {len(self.result.written)} file(s) written",
            "flagged values (set missing, kept with a reason): "
            + (", ".join(f"{k} {v}" for k, v in sorted(by_reason.items())) if by_reason else "none"),
        ]
        lines[1:1] = list(self.reader_notes)
        unparsed = self.flags[self.flags["detail"].astype(str).str.contains(" line ", regex=False)] if len(self.flags) else self.flags
        for row in unparsed.head(5).itertuples():
            lines.append(f"  {row.detail}: {row.reason} ({row.value!r}) -> missing")
        if len(unparsed) > 5:
            lines.append(f"  ... {len(unparsed) - 5} more unparseable values (all kept in the store's quality/ folder)")
        if len(self.result.conflicts):
            lines.append("conflicts were NOT written over the stored values; see the store's conflicts/ folder")
        return "\n".join(lines)


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
            "value": parse_flags["value"].astype(str),
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
) -> IngestReport:
    """Read raw files of format ``fmt``, check them and add them to the store at ``store_dir``.

    Parameters
    ----------
    fmt : {"cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"}
    sources : path, folder, glob or list of those
    store_dir : path
    hour_label : {"end", "start"}
        What the files' hour stamps mark (hourly formats; Chinese data: ``"end"``).
    known_stations : iterable of str, optional
        Station codes of the plan; rows of other stations are flagged ``unknown_station`` and
        kept out of the store (recorded, never silently dropped).
    on_conflict : {"report", "keep", "replace"}
        See :func:`airq.store.ingest`.
    strict : bool, default False
        Fail on the first value that cannot be parsed (``ReadError`` naming file, line, column
        and value) instead of flagging it and storing it as missing.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}")
    table, patterns = FORMATS[fmt]
    files = expand_sources(sources, patterns)
    kw = {"errors": "raise" if strict else "flag"}
    if fmt in ("cnemc", "china_sites", "prsa", "tidy"):
        kw["hour_label"] = hour_label
    if fmt in ("cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "aqistudy"):
        kw["progress"] = progress
    frame = readers.read(fmt, files, **kw)
    parse_flags = _parse_flags_to_quality(readers.pop_flags(frame))
    notes = readers.aqistudy_summary(frame.attrs["aqistudy"]) if "aqistudy" in frame.attrs else []
    frame.attrs.clear()
    rows_read = len(frame)
    if table == "hourly":
        clean, qflags = quality.check_hourly(frame, known_stations=known_stations, fix_co_units=fix_co_units)
        clean.attrs.clear()
        result = store.ingest(clean, store_dir, sources=files, on_conflict=on_conflict, progress=progress)
        qflags = qflags[list(FLAG_COLUMNS)]
    else:
        clean, qflags = quality.check_daily(frame, known_stations=known_stations)
        result = store.ingest_daily(clean, store_dir, sources=files, on_conflict=on_conflict, progress=progress)
        qflags = qflags[list(FLAG_COLUMNS)]
    flags = pd.concat([parse_flags, qflags], ignore_index=True) if len(parse_flags) or len(qflags) else qflags
    flags_file = None
    if len(flags):
        flags_file = Path(store_dir) / _QUALITY_DIR / f"flags-{table}-{_files_key(files)}.parquet"
        if not flags_file.exists():
            buf = _io.BytesIO()
            out = flags.copy()
            out["time"] = pd.to_datetime(out["time"])
            for c in ("station", "column", "value", "reason", "detail"):
                out[c] = out[c].astype(str)
            out.to_parquet(buf, index=False)
            atomic_write_bytes(flags_file, buf.getvalue())
    return IngestReport(fmt, table, files, rows_read, result, flags, flags_file, notes)


def load_flags(store_dir, table: str = "hourly") -> pd.DataFrame:
    """All stored quality flags of ``table`` (``"hourly"`` or ``"daily"``), de-duplicated."""
    folder = Path(store_dir) / _QUALITY_DIR
    files = sorted(folder.glob(f"flags-{table}-*.parquet")) if folder.is_dir() else []
    if not files:
        return pd.DataFrame({c: pd.Series(dtype="datetime64[ns]" if c == "time" else object) for c in FLAG_COLUMNS})
    flags = pd.concat([pd.read_parquet(f) for f in files], ignore_index=True)
    return flags.drop_duplicates().sort_values(["station", "time", "column"], kind="stable").reset_index(drop=True)
