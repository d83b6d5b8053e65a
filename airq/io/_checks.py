"""Checks every reader applies: plausible dates, a cut-off last line, header-only files.

Plausible dates
---------------
A time stamp or date outside ``2000-01-01 .. 31 December of next year`` (:func:`date_bounds`)
is refused with :class:`~airq.io.ReadError` naming the file, line, column and value as found,
whatever ``errors`` says: like every other key field (station, time), a row whose date cannot
be trusted cannot be placed, so it cannot be flagged either. A year 1900 is a default or a typo,
a year 2999 a typo (and beyond what pandas can hold). Hourly data are checked on the hour
start (after the reader's hour-label conversion), daily data on the natural day. A year so far
out that the calendar cannot hold it is refused by the same sentence before any conversion.

Cut-off last line
-----------------
A text file whose last line has no final newline may have been cut short (a download or copy
stopped): ``...,53`` cut to ``...,5`` still parses. :func:`end_cut` finds such a line, pads it
with empty fields when fields are missing (a cut can only remove fields, so a line with *more*
fields than the header stays the error it is) and records which fields the cut may have
shortened: the last field found (unless it is closed by a double quote, which proves it whole)
and every missing one. :func:`cut_cells` then, per reader:

* if one of those fields is a key of the row (station, time, date, type, ...) whose
  completeness cannot be proven: :class:`ReadError` (the row cannot be placed), whatever
  ``errors`` says;
* else, with ``errors="raise"`` (``airq ingest --strict``): :class:`ReadError` naming the file,
  the line, the first such column and its value;
* else (``errors="flag"``): those values become missing and are listed in ``attrs["flags"]``
  with the reason :data:`TRUNCATED_LAST_LINE` and the value as found (``""`` for a missing
  field). Every other value of the file, the line's other fields included, is read unchanged.

A file cut exactly after a newline cannot be told from a complete one (its rows are whole;
what is missing shows as absent hours/days). A file cut inside a multi-byte character is
decoded up to that character (:mod:`airq.io.encoding`) and then ends without a newline.

Header-only and empty files
---------------------------
A file with a header and no data rows is read as zero rows: its name is listed in
``df.attrs["header_only_files"]`` and a sentence ``header only, no rows: FILE`` is added to
``df.attrs["read_notes"]`` (the sentences ``airq ingest`` prints).

The sentences of ``df.attrs["read_notes"]`` and the reasons of :class:`ReadError` are
:class:`airq.notes.Note` s of the catalogue (``[note.read]``, ``[note.error.read]``): their
English text as before, said in Chinese with ``airq.notes.render(n, "zh")``. A file with no header at all
(0 bytes, or only blank lines) raises :class:`ReadError`: ``FILE: empty file (0 bytes, no
header)``.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from ..notes import note
from .errors import ReadError

__all__ = [
    "TRUNCATED_LAST_LINE",
    "FIRST_DAY",
    "date_bounds",
    "check_years",
    "year_mask",
    "check_dates",
    "Cut",
    "end_cut",
    "cut_cells",
    "add_note",
    "tag",
    "collect_notes",
]

#: Flag reason of a value on a last line without a final newline (the file may be cut short).
TRUNCATED_LAST_LINE = "truncated_last_line"
#: First plausible day of data.
FIRST_DAY = np.datetime64("2000-01-01", "D")
# the years pandas datetime64[ns] can hold whole (1677-09-21 .. 2262-04-11)
_NS_YEARS = (1678, 2261)


def date_bounds(today: _dt.date | None = None) -> tuple[np.datetime64, np.datetime64]:
    """(first, last) plausible day: 2000-01-01 and 31 December of the year after ``today``."""
    year = (today or _dt.date.today()).year + 1
    return FIRST_DAY, np.datetime64(f"{year}-12-31", "D")


def _range_text():
    lo, hi = date_bounds()
    return note("error.read.outside_dates", lo=str(lo), hi=str(hi))


def check_years(table, column: str, years) -> None:
    """Refuse rows whose year (as written, before any conversion) cannot be plausible.

    ``years`` is one number per table row (NaN = not known yet, left to the later checks). A
    year before 1999 or after next year + 1 is outside :func:`date_bounds` whatever the hour
    label; refusing it here also keeps it from overflowing the calendar of pandas.
    """
    y = np.asarray(years, dtype=np.float64)
    hi = date_bounds()[1].astype(object).year + 1
    bad = ~np.isnan(y) & ((y < FIRST_DAY.astype(object).year - 1) | (y > hi))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise table.error(i, column, table.raw(column)[i], note("error.read.year_outside", year=int(y[i]), range=_range_text()))


def year_mask(years) -> np.ndarray:
    """True where ``years`` can be held in datetime64[ns] (others must not reach pandas)."""
    y = np.asarray(years, dtype=np.float64)
    return (y >= _NS_YEARS[0]) & (y <= _NS_YEARS[1])


def check_dates(table, column: str, times, *, what: str = "hour") -> None:
    """Refuse the first row whose time (hour start) or day lies outside :func:`date_bounds`.

    ``what`` names the checked quantity in the message: ``"hour"`` (hourly data, the hour
    start after the hour-label conversion) or ``"day"`` (daily data).
    """
    t = np.asarray(times).astype("datetime64[ns]")
    lo, hi = date_bounds()
    bad = ~np.isnat(t) & ((t < lo.astype("datetime64[ns]")) | (t >= (hi + 1).astype("datetime64[ns]")))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        shown = str(t[i].astype("datetime64[m]" if what == "hour" else "datetime64[D]")).replace("T", " ")
        key = "error.read.hour_outside" if what == "hour" else "error.read.day_outside"
        raise table.error(i, column, table.raw(column)[i], note(key, time=shown, range=_range_text()))


# --------------------------------------------------------------------------------------------
# a cut-off last line
# --------------------------------------------------------------------------------------------


@dataclass
class Cut:
    """The last line of a file that ends without a newline, and the fields a cut may have hit."""

    line: int  # 1-based line where the last record starts
    present: int  # fields found on it
    first: int  # 0-based index of the first field the cut may have shortened or removed
    text: str  # the line as found (for messages)
    fields: list = field(default_factory=list)  # names of those fields (set by the table reader)


def end_cut(data: bytes, starts, ends, lines, nfields, width: int):
    """(data, nfields, Cut or None) for a file's records (:func:`airq.io._core._records`).

    When the data rows' last line has no final newline and at most ``width`` fields, the data
    are padded with empty fields to ``width`` (``nfields`` updated) and a :class:`Cut` says
    which fields may be cut. The header alone (no data row) is never a cut: it has no values.
    """
    if len(starts) < 2 or data.endswith((b"\n", b"\r")):
        return data, nfields, None
    k = int(nfields[-1])
    if k > width:
        return data, nfields, None  # more fields than the header: the field-count check names it
    text = data[starts[-1] : ends[-1]].decode("utf-8", errors="replace")
    quoted = text.rstrip().endswith('"')
    first = k if quoted else k - 1
    if first >= width:
        return data, nfields, None  # a closed quote ends the line: nothing is cut
    if k < width:
        data = data + b"," * (width - k)
        nfields = nfields.copy()
        nfields[-1] = width
    return data, nfields, Cut(line=int(lines[-1]), present=k, first=first, text=text[:200])


def cut_cells(table, *, keys, values: dict, bad: list, errors: str, complete: dict | None = None) -> list:
    """Handle a cut-off last line of ``table`` (see the module docstring); returns the flagged columns.

    Parameters
    ----------
    table : airq.io._core.Table
        With ``table.cut`` (None: nothing to do).
    keys : iterable of str
        Columns (as named in the file) that place the row: a cut there raises.
    values : dict
        {column as named in the file: canonical column} of the columns read as values or text.
        Columns in neither are not read, a cut there changes nothing.
    bad : list
        :class:`airq.io._core.Bad` entries are appended for the flagged cells (``errors="flag"``);
        the cells are emptied in ``table`` so that they parse as missing.
    errors : {"raise", "flag"}
    complete : dict, optional
        {key column: set of values}: a key whose value is one of these is whole (a closed list
        such as the PRSA station names), so a cut cannot have hit it.
    """
    from ._core import Bad  # late: _core imports this module

    cut = getattr(table, "cut", None)
    if cut is None or not table.n:
        return []
    i = table.n - 1
    keys = set(keys)
    hit = [c for c in cut.fields if c in keys or c in values]
    raw = {c: ("" if c not in table.columns else str(table.raw(c)[i])) for c in hit}
    complete = complete or {}
    key_hit = [c for c in hit if c in keys and raw[c].strip() not in complete.get(c, ())]
    if key_hit:
        c = key_hit[0]
        raise ReadError(table.path, cut.line, c, raw[c], note("error.read.cut_key"))
    hit = [c for c in hit if c in values]
    if not hit:
        return []
    if errors == "raise":
        c = hit[0]
        raise ReadError(table.path, cut.line, c, raw[c], note("error.read.cut_value", flag=TRUNCATED_LAST_LINE))
    for c in hit:
        if c in table.columns:
            table.columns[c] = _blank_last(table.columns[c])
        bad.append(Bad(c, values[c], np.array([i]), np.array([TRUNCATED_LAST_LINE], dtype=object),
                       values=np.array([raw[c]], dtype=object)))
    add_note(table, note("read.cut_line", source=table.source, line=cut.line, n=len(hit), flag=TRUNCATED_LAST_LINE,
                         columns=list(hit)))
    return hit


def _blank_last(arr: pa.ChunkedArray) -> pa.ChunkedArray:
    """The column with its last cell replaced by the empty text (missing)."""
    values = arr.to_numpy(zero_copy_only=False).astype(object)
    values[-1] = ""
    return pa.chunked_array([pa.array(values, type=pa.string())])


# --------------------------------------------------------------------------------------------
# notes for the ingest summary
# --------------------------------------------------------------------------------------------


def add_note(table, text) -> None:
    """Keep one sentence (an :class:`airq.notes.Note`) about ``table``'s file for ``df.attrs["read_notes"]``."""
    notes = getattr(table, "notes", None)
    if notes is not None:
        notes.append(text)


def tag(frame, table) -> None:
    """Carry the file's notes and header-only state on its per-file frame (see :func:`collect_notes`)."""
    notes = list(getattr(table, "notes", None) or [])
    if table.n == 0:
        notes.insert(0, note("read.header_only", source=table.source))
        frame.attrs["_header_only"] = table.source
    frame.attrs["_notes"] = notes


def collect_notes(frames: list) -> tuple[list, list]:
    """Take the per-file notes off ``frames``: (sentences, header-only file names), in file order.

    The readers put them into ``df.attrs["read_notes"]`` and ``df.attrs["header_only_files"]``.
    """
    notes, header_only = [], []
    for f in frames:
        notes.extend(f.attrs.pop("_notes", []))
        h = f.attrs.pop("_header_only", None)
        if h is not None:
            header_only.append(h)
    return notes, header_only
