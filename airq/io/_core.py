"""Shared machinery of the readers: strict CSV parsing with line numbers, value parsing.

Sources and the ``errors`` argument: :mod:`airq.io._sources` (re-exported here); checks every
reader applies (plausible dates, a cut-off last line, header-only files): :mod:`airq.io._checks`.

Nothing here knows a data format; the format modules (:mod:`airq.io.cnemc`, ...) do.

Parsing model
-------------
A text file is read as bytes, decoded in its encoding (detected or given,
:mod:`airq.io.encoding`; the one used is reported), and split into records
with a vectorised, quote-aware scan (RFC 4180: a newline or comma inside double quotes belongs
to the field). The scan gives the 1-based line number where every record starts and its number
of fields, so every later error can name the line. Blank lines carry no data and are skipped.
A record whose number of fields differs from the header is an error (the C parser of pandas
would pad or cut it silently) — except that a last line without a final newline and too few
fields is padded with empty fields and marked as possibly cut (``Table.cut``,
:func:`airq.io._checks.end_cut`): the reader then flags its values or raises. The fields
themselves are then parsed by ``pyarrow.csv`` as text, and value columns are converted with
:func:`numbers`.
"""

from __future__ import annotations

import csv
import gzip
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from ..notes import note
from . import _checks
from ._sources import ERRORS, check_errors, expand_sources, joined, progress_iter  # re-exported: the readers use _core.*
from .encoding import AUTO, to_utf8
from .errors import ReadError

__all__ = [
    "POLLUTANTS",
    "HOURLY_COLUMNS",
    "DAILY_VALUES",
    "DAILY_COUNTS",
    "DAILY_COLUMNS",
    "FLAG_COLUMNS",
    "MISSING_MARKERS",
    "ERRORS",
    "check_errors",
    "expand_sources",
    "joined",
    "progress_iter",
]

#: Pollutant columns of the canonical hourly table [µg/m³; co mg/m³].
POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
#: Key and value columns of the canonical hourly table, in order.
HOURLY_COLUMNS = ("station", "time") + POLLUTANTS
#: Value columns of the canonical station-daily table [µg/m³; co mg/m³].
DAILY_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
#: Count columns of the canonical station-daily table (as :func:`airq.hourly.station_daily`).
DAILY_COUNTS = ("n_so2", "n_no2", "n_co", "n_pm10", "n_pm25", "n_o3_1h", "n_o3_8h")
#: Columns of the canonical station-daily table, in order.
DAILY_COLUMNS = ("station", "date") + DAILY_VALUES + DAILY_COUNTS
#: Columns of the parse-level flags table in ``df.attrs["flags"]`` (``errors="flag"``).
FLAG_COLUMNS = ("station", "time", "column", "value", "reason", "source", "row", "raw_column")
#: Text that means "missing" in a value field (after stripping surrounding white space).
#: Anything else that is not a plain decimal number is an error.
MISSING_MARKERS = ("", "NA", "N/A", "NaN", "nan", "null", "NULL", "-", "--", "—", "——")

# A plain decimal number: optional sign, digits with optional decimal point, optional exponent.
# ASCII digits only (RE2 \d): full-width digits, thousands separators, "inf", "1_000" are errors.
_NUMBER_RE = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_MISSING = pa.array(MISSING_MARKERS, type=pa.string())


# --------------------------------------------------------------------------------------------
# reading a table
# --------------------------------------------------------------------------------------------


@dataclass
class Table:
    """One file's columns as text (or typed, for Parquet) plus the line number of every row."""

    path: Path
    columns: dict  # file column name -> pyarrow.ChunkedArray
    lines: np.ndarray  # int64, 1-based line (CSV) or record (Parquet) number of every row
    unit: str = "line"
    names: list = field(default_factory=list)  # all column names, file order
    encoding: str | None = None  # codec the text was decoded with (None: Parquet)
    cut: _checks.Cut | None = None  # a last line without a final newline (:mod:`airq.io._checks`)
    notes: list = field(default_factory=list)  # sentences for df.attrs["read_notes"]

    @property
    def n(self) -> int:
        return len(self.lines)

    @property
    def source(self) -> str:
        return self.path.name

    def error(self, i=None, column=None, value=None, reason=None) -> ReadError:
        row = None if i is None else int(self.lines[i])
        if isinstance(value, np.datetime64):
            value = str(pd.Timestamp(value))
        elif isinstance(value, np.generic):
            value = value.item()
        return ReadError(self.path, row, column, value, reason, unit=self.unit)

    def raw(self, column: str) -> np.ndarray:
        """The column's values as found in the file (object array of str for text files)."""
        return self.columns[column].to_numpy(zero_copy_only=False)

    def text(self, column: str) -> np.ndarray:
        """The column as stripped text (object array); non-text Parquet columns as ``str``."""
        arr = self.columns[column]
        if not pa.types.is_string(arr.type) and not pa.types.is_large_string(arr.type):
            if pa.types.is_integer(arr.type):
                arr = pc.cast(arr, pa.string())
            else:
                raise self.error(column=column, reason=note("error.read.expected_text", type=str(arr.type)))
        arr = pc.utf8_trim_whitespace(arr)
        return arr.to_numpy(zero_copy_only=False)


def _read_bytes(path: Path) -> bytes:
    try:
        if path.suffix.lower() == ".gz":
            with gzip.open(path, "rb") as fh:
                return fh.read()
        return path.read_bytes()
    except (OSError, EOFError) as exc:
        raise ReadError(path, reason=note("error.read.cannot_read_file", error=str(exc))) from None


def _records(data: bytes, path: Path):
    """Vectorised quote-aware record scan: (start byte, end byte, first line, n fields) per record."""
    b = np.frombuffer(data, dtype=np.uint8)
    n = b.size
    inq = np.bitwise_xor.accumulate((b == ord('"')).view(np.uint8)).view(bool)
    lf = b == ord("\n")
    cr = b == ord("\r")
    lone_cr = cr.copy()
    lone_cr[:-1] &= ~lf[1:]
    nl = lf | lone_cr
    if n and inq[-1]:
        # an opening quote is never closed: name the line where the last record starts
        term = np.flatnonzero(nl & ~inq)
        start = int(term[-1]) + 1 if term.size else 0
        line = int(np.count_nonzero(nl[:start])) + 1
        raise ReadError(path, line, None, None, note("error.read.quote_open"))
    term = np.flatnonzero(nl & ~inq)
    starts = np.concatenate(([0], term + 1))
    ends = np.concatenate((term, [n]))
    if starts[-1] >= n:  # the file ends with a newline
        starts, ends = starts[:-1], ends[:-1]
    ends = ends - ((ends > starts) & (b[np.maximum(ends - 1, 0)] == ord("\r")))  # CR of CRLF
    keep = ends > starts
    starts, ends = starts[keep], ends[keep]
    comma = np.flatnonzero((b == ord(",")) & ~inq)
    nfields = np.searchsorted(comma, ends) - np.searchsorted(comma, starts) + 1
    lines = np.searchsorted(np.flatnonzero(nl), starts) + 1
    return starts, ends, lines.astype(np.int64), nfields


def read_csv_table(path: Path, required: Sequence[str], encoding: str = "auto", use: Sequence[str] | None = None) -> Table:
    """Read a CSV file strictly as text columns with the line number of every row.

    ``required`` columns must be in the header (else :class:`ReadError` naming them all).
    ``use`` names the columns to load (default: all). Extra columns are allowed. ``encoding``:
    ``"auto"`` or a codec name (:mod:`airq.io.encoding`); the one used is ``Table.encoding``.
    """
    raw = _read_bytes(path)
    data, used = to_utf8(raw, path, encoding)
    starts, ends, lines, nfields = _records(data, path)
    if starts.size == 0:
        raise ReadError(path, reason=empty_file(raw))
    header_text = data[starts[0] : ends[0]].decode("utf-8")
    names = next(csv.reader([header_text]))
    stripped = [h.strip() for h in names]
    seen, dups = set(), []
    for h in stripped:
        if h in seen and h not in dups:
            dups.append(h)
        seen.add(h)
    if dups:
        raise ReadError(path, int(lines[0]), dups[0], None, note("error.read.column_twice_header"))
    missing = [c for c in required if c not in seen]
    if missing:
        raise ReadError(
            path,
            int(lines[0]),
            None,
            None,
            note("error.read.missing_columns", missing=[repr(c) for c in missing], found=[repr(c) for c in stripped]),
        )
    width = len(names)
    data, nfields, cut = _checks.end_cut(data, starts, ends, lines, nfields, width)
    if cut is not None:
        cut.fields = stripped[cut.first :]
    wrong = np.flatnonzero(nfields[1:] != width)
    if wrong.size:
        i = int(wrong[0]) + 1
        raise ReadError(
            path,
            int(lines[i]),
            None,
            data[starts[i] : ends[i]].decode("utf-8")[:200],
            note("error.read.wrong_fields", n=int(nfields[i]), width=width),
        )
    internal = [f"c{k}" for k in range(width)]
    wanted = stripped if use is None else [c for c in stripped if c in set(use)]
    include = [internal[stripped.index(c)] for c in wanted]
    data_lines = lines[1:]
    if not data_lines.size:  # header only: zero rows (reported by the reader, airq.io._checks)
        cols = {name: pa.chunked_array([pa.array([], type=pa.string())]) for name in wanted}
        return Table(path=path, columns=cols, lines=data_lines, names=stripped, encoding=used)
    try:
        table = parse_text_fields(path, data[starts[1]:], internal, include, data_lines.size,
                                  threads=len(data) > (1 << 22))
    except ReadError as exc:
        raise stray_quote(exc, data, starts, ends, lines) from None
    cols = {name: table.column(ic) for name, ic in zip(wanted, include)}
    return Table(path=path, columns=cols, lines=data_lines, names=stripped, encoding=used, cut=cut)


def parse_text_fields(path: Path, data: bytes, internal: list, include: list, expected_rows: int, *,
                      skip_rows: int = 0, threads: bool = False) -> pa.Table:
    """Every field of the rows in ``data`` as text (nothing taken as missing), columns named ``internal``.

    A row pyarrow cannot split, or a row count other than ``expected_rows``, raises
    :class:`ReadError` naming the file (the callers have already checked the field counts line
    by line, so this is a quoting problem).
    """
    invalid = []

    def _invalid(row):
        invalid.append(row)
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(column_names=internal, skip_rows=skip_rows, use_threads=threads),
            parse_options=pacsv.ParseOptions(newlines_in_values=True, invalid_row_handler=_invalid),
            convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in include},
                include_columns=include,
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException) as exc:
        raise ReadError(path, reason=note("error.read.cannot_parse", error=str(exc))) from None
    if invalid or table.num_rows != expected_rows:
        raise ReadError(path, reason=note("error.read.cannot_parse_structure"))
    return table


def stray_quote(exc: ReadError, data: bytes, starts, ends, lines) -> ReadError:
    """``exc`` (pyarrow could not split the rows) with the first line holding a double quote, if any."""
    for k in range(1, len(starts)):
        text = data[starts[k] : ends[k]]
        if b'"' in text:
            return ReadError(exc.path, int(lines[k]), None, text.decode("utf-8", errors="replace")[:200],
                             note("error.read.stray_quote"))
    return exc


def read_parquet_table(path: Path, required: Sequence[str]) -> Table:
    """Read a Parquet file; row numbers are 1-based record numbers."""
    import pyarrow.parquet as pq

    try:
        table = pq.read_table(path)
    except (OSError, pa.ArrowException) as exc:
        raise ReadError(path, reason=note("error.read.cannot_read_parquet", error=str(exc))) from None
    names = list(table.column_names)
    dups = sorted({c for c in names if names.count(c) > 1})
    if dups:
        raise ReadError(path, None, dups[0], None, note("error.read.column_twice"), unit="record")
    missing = [c for c in required if c not in names]
    if missing:
        raise ReadError(
            path,
            None,
            None,
            None,
            note("error.read.missing_columns_schema", missing=[repr(c) for c in missing], found=[repr(c) for c in names]),
            unit="record",
        )
    cols = {c: table.column(c) for c in names}
    return Table(path=path, columns=cols, lines=np.arange(1, table.num_rows + 1, dtype=np.int64), unit="record", names=names)


# --------------------------------------------------------------------------------------------
# values
# --------------------------------------------------------------------------------------------


@dataclass
class Bad:
    """Cells of one column that could not be parsed (row positions in the table)."""

    raw_column: str
    column: str
    index: np.ndarray
    reasons: np.ndarray
    values: np.ndarray | None = None  # the cells as found, when the table's cells were emptied


def numbers(table: Table, raw_column: str, column: str | None = None, bad: list | None = None) -> np.ndarray:
    """Parse a value column to float64 (NaN = missing).

    Missing: a field that is empty or one of :data:`MISSING_MARKERS` (after stripping white
    space). A field that is neither missing nor a plain decimal number (or a number that is not
    finite) is a bad cell: NaN here, recorded in ``bad`` as a :class:`Bad` (the caller raises or
    flags); with ``bad=None`` the first bad cell raises at once. ``column`` is the canonical
    output name (default ``raw_column``).
    """
    arr = table.columns[raw_column]
    column = raw_column if column is None else column
    if pa.types.is_string(arr.type) or pa.types.is_large_string(arr.type):
        t = pc.utf8_trim_whitespace(arr)
        missing = np.asarray(pc.fill_null(pc.is_in(t, value_set=_MISSING), True).to_numpy(zero_copy_only=False), dtype=bool)
        try:
            # fast path: Arrow's cast accepts exactly the plain decimal numbers plus spellings of
            # nan/inf, which the finiteness test below turns into bad cells
            cand = pc.if_else(pa.chunked_array([missing], type=pa.bool_()), pa.scalar(None, pa.string()), t) if missing.any() else t
            values = pc.cast(cand, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64, copy=True)
            not_number = ~missing & ~np.isfinite(values)
        except pa.ArrowInvalid:
            # some field is not a number: find them all with the strict pattern
            ok = np.asarray(pc.fill_null(pc.match_substring_regex(t, _NUMBER_RE), False).to_numpy(zero_copy_only=False), dtype=bool)
            vals = pc.cast(pc.if_else(pa.chunked_array([ok], type=pa.bool_()), t, pa.scalar(None, pa.string())), pa.float64())
            values = vals.to_numpy(zero_copy_only=False).astype(np.float64, copy=True)
            not_number = ~missing & (~ok | ~np.isfinite(values))
    elif pa.types.is_integer(arr.type) or pa.types.is_floating(arr.type) or pa.types.is_decimal(arr.type):
        values = pc.cast(arr, pa.float64()).to_numpy(zero_copy_only=False).astype(np.float64, copy=True)
        not_number = np.zeros(values.size, dtype=bool)
    else:
        raise table.error(column=raw_column, reason=note("error.read.expected_numbers", type=str(arr.type)))
    infinite = np.isinf(values)
    wrong = not_number | infinite
    if wrong.any():
        values[wrong] = np.nan
        index = np.flatnonzero(wrong)
        reasons = np.where(infinite[index] & ~not_number[index], "not a finite number", "not a number").astype(object)
        if bad is None:
            raise table.error(int(index[0]), raw_column, table.raw(raw_column)[index[0]], reason_note(reasons[0]))
        bad.append(Bad(raw_column, column, index, reasons))
    return values


def numbers_many(table: Table, mapping: dict, bad: list) -> dict:
    """:func:`numbers` for several text columns at once (one vectorised pass over all of them).

    ``mapping`` is {raw column: canonical column}; returns {canonical column: float64 array}.
    Bad cells are appended to ``bad``, one :class:`Bad` per column.
    """
    raws = list(mapping)
    if not raws:
        return {}
    if not all(pa.types.is_string(table.columns[c].type) for c in raws):
        return {mapping[c]: numbers(table, c, mapping[c], bad) for c in raws}
    n = table.n
    stacked = Table(
        path=table.path,
        columns={"v": pa.chunked_array([ch for c in raws for ch in table.columns[c].chunks], type=pa.string())},
        lines=np.tile(table.lines, len(raws)),
        unit=table.unit,
    )
    got: list = []
    vals = numbers(stacked, "v", "v", got)
    out = {mapping[c]: vals[k * n : (k + 1) * n] for k, c in enumerate(raws)}
    if got:
        which, rows = np.divmod(got[0].index, n) if n else (got[0].index, got[0].index)
        for k in np.unique(which):
            m = which == k
            bad.append(Bad(raws[k], mapping[raws[k]], rows[m], got[0].reasons[m]))
    return out


def integers(table: Table, raw_column: str, lo: int, hi: int) -> np.ndarray:
    """A key column of whole numbers ``lo .. hi`` (year, hour, ...); anything else raises."""
    t = pc.utf8_trim_whitespace(table.columns[raw_column])
    ok = pc.fill_null(pc.match_substring_regex(t, r"^\d{1,9}$"), False)
    v = pc.cast(pc.if_else(ok, t, pa.scalar(None, pa.string())), pa.int64())
    v = pc.fill_null(v, -1).to_numpy(zero_copy_only=False).astype(np.int64)
    wrong = (v < lo) | (v > hi)
    if wrong.any():
        i = int(np.flatnonzero(wrong)[0])
        raise table.error(i, raw_column, table.raw(raw_column)[i], note("error.read.not_whole", lo=lo, hi=hi))
    return v


def optional_text(table: Table, raw_column: str) -> np.ndarray:
    """A free-text column (stripped); missing markers become NaN."""
    arr = pc.utf8_trim_whitespace(table.columns[raw_column]) if pa.types.is_string(table.columns[raw_column].type) else None
    if arr is None:
        return table.text(raw_column)
    miss = np.asarray(pc.fill_null(pc.is_in(arr, value_set=_MISSING), True).to_numpy(zero_copy_only=False), dtype=bool)
    out = arr.to_numpy(zero_copy_only=False).astype(object)
    out[miss] = np.nan
    return out


def required_text(table: Table, raw_column: str, what) -> np.ndarray:
    """A key text column (station code, ...): stripped, must not be empty or a missing marker.

    ``what`` names it in the error (a note such as ``note("error.read.what_station_code")``).
    """
    t = table.text(raw_column)
    empty = pd.isna(t) | pd.Series(t, dtype=object).isin(MISSING_MARKERS).to_numpy()
    if empty.any():
        i = int(np.flatnonzero(empty)[0])
        raise table.error(i, raw_column, table.raw(raw_column)[i], note("error.read.missing_value", what=what))
    return t


def parse_text_times(table: Table, raw_column: str, formats: Sequence[tuple[str, str]], what) -> np.ndarray:
    """Parse a text time column; every value must match one of ``formats`` = (regex, strptime).

    Unique strings are parsed once (hourly files repeat the same stamp). Returns
    datetime64[ns]. A value that matches no format, or is not on a whole hour, raises.
    """
    arr = pc.utf8_trim_whitespace(table.columns[raw_column])
    codes, uniq = pd.factorize(arr.to_numpy(zero_copy_only=False), use_na_sentinel=False)
    uniq = np.asarray(uniq, dtype=object)
    parsed = np.full(uniq.size, np.datetime64("NaT"), dtype="datetime64[ns]")
    todo = np.ones(uniq.size, dtype=bool)
    s = pd.Series(uniq, dtype=object)
    for regex, fmt in formats:
        if not todo.any():
            break
        m = todo & s.str.fullmatch(regex).fillna(False).to_numpy(dtype=bool)
        if m.any():
            parsed[m] = pd.to_datetime(s[m], format=fmt, errors="coerce").to_numpy(dtype="datetime64[ns]")
            todo &= ~m  # matched the shape: an impossible date (02-30) stays NaT and is an error
    bad_u = np.isnat(parsed)
    if bad_u.any():
        i = int(np.flatnonzero(bad_u[codes])[0])
        raise table.error(i, raw_column, table.raw(raw_column)[i], note("error.read.not_valid", what=what))
    return on_whole_hour(table, raw_column, parsed[codes])


def on_whole_hour(table: Table, raw_column: str, times: np.ndarray) -> np.ndarray:
    """Check that every stamp is on a whole hour (else raise naming the first offender)."""
    t = times.astype("datetime64[ns]")
    off = t != t.astype("datetime64[h]").astype("datetime64[ns]")
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise table.error(i, raw_column, table.raw(raw_column)[i], note("error.read.not_whole_hour"))
    return t


def resolve_bad(table: Table, bad: list, errors: str, station: np.ndarray, time: np.ndarray) -> pd.DataFrame | None:
    """Raise for the first bad cell (``errors="raise"``) or return the flags of all of them.

    ``station`` and ``time`` are the row keys (one per table row).
    """
    if not bad:
        return None
    rows = np.concatenate([b.index for b in bad])
    if errors == "raise":
        which = np.concatenate([np.full(b.index.size, k) for k, b in enumerate(bad)])
        reasons = np.concatenate([b.reasons for b in bad])
        first = int(np.argsort(table.lines[rows], kind="stable")[0])
        col = bad[int(which[first])].raw_column
        i = int(rows[first])
        more = rows.size - 1
        raise table.error(i, col, table.raw(col)[i], more_bad(reasons[first], more))
    parts = []
    for b in bad:
        raw = table.raw(b.raw_column)[b.index] if b.values is None else b.values
        parts.append(
            pd.DataFrame(
                {
                    "station": station[b.index],
                    "time": time[b.index],
                    "column": b.column,
                    "value": raw.astype(str) if raw.dtype != object else raw,
                    "reason": plain(b.reasons),
                    "source": table.source,
                    "row": table.lines[b.index],
                    "raw_column": b.raw_column,
                }
            )
        )
    return pd.concat(parts, ignore_index=True).sort_values("row", kind="stable", ignore_index=True)


def empty_file(raw: bytes):
    """The reason for a file without a header: 0 bytes, or only blank lines."""
    return note("error.read.empty_file_0" if not raw else "error.read.empty_file")


#: The flag reasons of bad cells (the ``reason`` column of ``df.attrs["flags"]``) and their notes.
_REASONS = {"not a number": "error.read.not_number", "not a finite number": "error.read.not_finite"}


def reason_note(reason):
    """The note of a flag reason (``"not a number"`` ...) for an error message; a note or other text as it is."""
    key = _REASONS.get(reason) if not hasattr(reason, "key") else None
    return note(key) if key else reason


def more_bad(reason, more: int):
    """The reason of the first bad cell, with the number of the file's other bad cells (``errors="raise"``)."""
    reason = reason_note(reason)
    return note("error.read.more_bad", reason=reason, more=more) if more else reason


def plain(reasons) -> np.ndarray:
    """Flag reasons as plain texts (a note among them becomes its English sentence: the flags are data)."""
    return np.array([str(r) for r in reasons], dtype=object)


def empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": pd.Series([], dtype=object),
            "time": pd.Series([], dtype="datetime64[ns]"),
            "column": pd.Series([], dtype=object),
            "value": pd.Series([], dtype=object),
            "reason": pd.Series([], dtype=object),
            "source": pd.Series([], dtype=object),
            "row": pd.Series([], dtype=np.int64),
            "raw_column": pd.Series([], dtype=object),
        }
    )


def combine_flags(flags: list) -> pd.DataFrame:
    flags = [f for f in flags if f is not None and len(f)]
    if not flags:
        return empty_flags()
    out = pd.concat(flags, ignore_index=True)
    out["time"] = pd.to_datetime(out["time"]).astype("datetime64[ns]")
    out["row"] = out["row"].astype(np.int64)
    return out[list(FLAG_COLUMNS)]


# --------------------------------------------------------------------------------------------
# output
# --------------------------------------------------------------------------------------------


def tag_encoding(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """Note on a per-file frame its file's encoding and notes (collected by :func:`assemble`)."""
    if table.encoding is not None:
        frame.attrs["_encoding"] = (table.source, table.encoding)
    _checks.tag(frame, table)
    return frame


def assemble(frames: list, first: Sequence[str], dtypes: dict, last: Sequence[str] = ("source",),
             encoding: str | None = None) -> pd.DataFrame:
    """Concatenate per-file frames; order columns: ``first``, the rest as they come, ``last``.

    The encodings noted by :func:`tag_encoding` become ``attrs["encodings"]`` ({codec: [file
    names]}) and ``attrs["encoding_detected"]`` (``encoding`` is the reader's argument).
    """
    used: dict = {}
    notes, header_only = _checks.collect_notes(frames)
    for f in frames:
        tag = f.attrs.pop("_encoding", None)
        if tag is not None:
            used.setdefault(tag[1], []).append(tag[0])
    if frames:
        df = pd.concat(frames, ignore_index=True, sort=False) if len(frames) > 1 else frames[0].reset_index(drop=True)
    else:
        df = pd.DataFrame({c: pd.Series([], dtype=dtypes.get(c, np.float64)) for c in first})
    for c in first:
        if c not in df.columns:
            df[c] = pd.Series(np.nan, index=df.index, dtype=dtypes.get(c, np.float64))
    middle = [c for c in df.columns if c not in first and c not in last]
    tail = [c for c in last if c in df.columns]
    df = df[list(first) + middle + tail]
    for c, dt in dtypes.items():
        if c in df.columns and str(df[c].dtype) != str(dt):
            df[c] = df[c].astype(dt)
    if used:
        df.attrs["encodings"] = used
        df.attrs["encoding_detected"] = encoding == AUTO
    df.attrs["read_notes"], df.attrs["header_only_files"] = notes, header_only
    return df


def attach_flags(df: pd.DataFrame, flags: list, errors: str) -> pd.DataFrame:
    """With ``errors="flag"``, put the flags table into ``df.attrs["flags"]``."""
    if errors == "flag":
        df.attrs["flags"] = combine_flags(flags)
    return df
