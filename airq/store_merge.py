"""Writing an ingest into the processed store (:mod:`airq.store`): what comes in, the merge of a month, conflicts.

This module holds the incoming side of :func:`airq.store.ingest` and :func:`airq.store.ingest_daily`:
the frame (or :class:`MonthParts`) checked and split by month, the source files hashed, the
attachments checked; the merge of one month into its stored partition (:func:`_merge`: added,
unchanged, conflicting, replaced rows) and the conflicts frame; and :class:`IngestResult`. The
rules of the merge are those of the section "Merging" of :mod:`airq.store`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from .notes import note
from .quality import _canonical, _where
from .store_integrity import parquet_rows, sha256_file
from .store_manifest import _ATTACH_RE, _Table
from .util import label as _label

__all__ = ["IngestResult", "MonthParts"]

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


@dataclass
class MonthParts:
    """An ingest given month by month instead of as one frame (airq.ingestion's station-block ingest, issue 11).

    ``months``: the ``YYYY-MM`` months, sorted; ``load(month)``: that month's rows (a canonical table, every
    row inside the month); ``rows``: the rows of all months. The store checks and merges one month at a time,
    so only one month is in memory; the result is the one :func:`ingest` gives for the concatenated frame."""

    months: list
    load: object
    rows: int


# --------------------------------------------------------------------------------------------
# what comes in


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


# --------------------------------------------------------------------------------------------
# merge of one month, conflicts


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
