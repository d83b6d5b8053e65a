"""Adapter for aqistudy.cn city daily files (真气网 "空气质量历史数据"), one CSV per city.

The project data ``aqistudy_city_daily_2013_2017`` (see its PROVENANCE.md) holds the national
monitoring centre's published **city** daily values, 2013-12 .. 2017-12, as crawled from
aqistudy.cn, in two folders that are read together:

* ``cities/<城市>.csv`` (384 files): GBK, line endings ``\\r\\r\\n``, and a **wrong header**
  of 8 names ``日期,AQI,PM2.5,PM10,SO2,CO,NO2,O3_8h`` over data rows of 9 fields;
* ``capitals/<城市>.csv`` (30 files): UTF-8, ``\\n``, correct 9-name header
  ``date,AQI,质量等级,PM2.5,PM10,SO2,CO,NO2,O3_8h``.

Every data row has 9 fields, mapped to the canonical station-daily table as

=========  ==========================  =========================================================
field      canonical                   meaning
=========  ==========================  =========================================================
date       ``date``                    natural day (``YYYY-MM-DD``), Beijing time
AQI        ``published_aqi``           daily AQI as published (HJ 633—2012); NaN on 无 days
质量等级   ``published_category``      category as published (``优 良 轻度污染 中度污染
                                       重度污染 严重污染``, or ``无`` = no data)
PM2.5      ``pm25``                    24-h mean [µg/m³]
PM10       ``pm10``                    24-h mean [µg/m³]
SO2        ``so2``                     24-h mean [µg/m³]
CO         ``co``                      24-h mean [mg/m³]
NO2        ``no2``                     24-h mean [µg/m³]
O3_8h      ``o3_8h``                   daily maximum 8-h mean [µg/m³]
=========  ==========================  =========================================================

``station`` is the city's name from the file name (``cities/北京.csv`` -> ``北京``); these are
city values, not station values. ``o3_1h`` is NaN (the files do not carry the daily maximum
1-h O3, which the 2012 daily AQI includes) and the counts ``n_*`` are NaN (values received as
daily values). ``published_aqi`` and ``published_category`` are kept for comparison only,
never used as inputs. ``source`` is ``<folder>/<file>`` (e.g. ``cities/北京.csv``): the bare
file name is not unique, the same city file exists in both folders.

Quirks and what the reader does with them (all counted in ``df.attrs["aqistudy"]``, none silent)
---------------------------------------------------------------------------------------------
Encoding
    Detected per file: UTF-8 with BOM (or UTF-16/32 with BOM), then UTF-8, then GBK, then
    GB18030 (first that decodes the whole file; a file cut inside its last character is
    decoded up to it, see "Cut-off last line"). A file that is none of them raises :class:`~airq.io.ReadError` (line,
    bytes). Mis-detection (e.g. a damaged UTF-8 file that happens to decode as GBK) cannot pass
    unnoticed: the header and every category are Chinese text checked against fixed lists.
Line endings
    ``\\n``, ``\\r\\n``, ``\\r\\r\\n`` (the ``cities/`` files) or a lone ``\\r``; ``\\r\\r\\n``
    is one line end. Line numbers in errors and flags count ``\\n`` (as ``wc -l`` and
    ``sed -n`` do), so row k of a ``cities/`` file is line k + 1.
Header shape
    Detected per file: the 9-name header (``date`` or ``日期`` first) or the broken 8-name
    header (no ``质量等级``; its rows still have 9 fields, read by position as above). Any other
    header, or a row with other than 9 fields, raises. In errors and flags of a broken-header
    file, columns 3-9 are named by meaning and position (``PM2.5 (field 4)``), because the
    file's own name for field 4 is ``PM10``.
No-data days (category ``无``)
    AQI 0 and often 0 concentrations: **no data, not a clean day**. All six values and
    ``published_aqi`` become NaN; ``published_category`` stays ``无``. Counted
    (``no_data_rows``), with the number of 无 rows whose raw value in a column was not 0
    (``no_data_nonzero``: such values, e.g. an SO2 of 56, are discarded too).
Header-only files
    Zero rows, no error; listed in ``header_only_files`` (and ``df.attrs["header_only_files"]``).
    An empty file (0 bytes or blank lines only) raises.
Cut-off last line
    A last line without a final newline may be cut short (a download that stopped): its last
    field (and any missing one) is flagged ``truncated_last_line`` and set missing, or with
    ``errors="raise"`` refused; a cut that may fall in ``date`` is always refused
    (:mod:`airq.io._checks`). A sentence per file goes to ``df.attrs["read_notes"]``.
Dates
    A date outside 2000-01-01 .. 31 December of next year raises, whatever ``errors`` says.
Files not in date order
    Accepted; the output is sorted by station and date. Listed in ``out_of_order_files``.
The same city-day twice (across ``capitals/`` and ``cities/``, or within a file)
    Compared over the six values, ``published_aqi`` and ``published_category`` (as parsed:
    ``1.0`` equals ``1``; NaN equals NaN). **Agreeing** rows are collapsed into one (the row
    of the source given first, then the lower line; its ``source`` is kept) and counted
    (``duplicates_collapsed``, per file pair in ``duplicates_by_files``). **Disagreeing**
    rows are a ``duplicate_conflict``: with ``errors="raise"`` a :class:`~airq.io.ReadError`
    names the later file, its line, column and value and the other file's line and value;
    with ``errors="flag"`` one row is kept with every disagreeing column set missing
    (``published_category`` too) and each disagreeing cell of each row is listed in
    ``df.attrs["flags"]`` (reason ``duplicate_conflict``, verbatim value, file, line) — the
    same outcome as :func:`airq.quality.check_daily` gives duplicate station-days, extended to
    the published columns. A 无 row against a row with values is a conflict (missing vs value).

Bad values
    A value field that is neither a number nor a missing marker, or a category not in the
    list, raises (``errors="raise"``) or becomes NaN with a flag (``errors="flag"``), as in
    every airq reader. Dates and the header always raise.

References
----------
.. [1] PROVENANCE.md of ``aqistudy_city_daily_2013_2017`` (sources, quirks, plausibility).
.. [2] HJ 633—2012, Technical regulation on ambient air quality index (daily AQI, categories).
.. [3] docs/architecture.md (canonical station-daily table).
"""

from __future__ import annotations

import codecs
import csv
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..notes import note
from . import _checks, _core
from ._core import DAILY_COLUMNS, DAILY_COUNTS, DAILY_VALUES
from .encoding import AUTO, _cut_inside_char, check_encoding, to_utf8
from .errors import ReadError
from .tidy import _dates, daily_frame

__all__ = ["read_aqistudy", "aqistudy_summary", "AQISTUDY_FIELDS", "AQISTUDY_CATEGORIES", "NO_DATA"]

#: The 9 fields of every data row, in order (names of the correct header).
AQISTUDY_FIELDS = ("date", "AQI", "质量等级", "PM2.5", "PM10", "SO2", "CO", "NO2", "O3_8h")
#: Categories as published (HJ 633—2012) plus ``无`` (no data).
AQISTUDY_CATEGORIES = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染", "无")
#: The category that means "no data that day".
NO_DATA = "无"

_HEADER_8 = ("AQI", "PM2.5", "PM10", "SO2", "CO", "NO2", "O3_8h")  # after the date name
_HEADER_9 = AQISTUDY_FIELDS[1:]
_DATE_NAMES = ("date", "日期")
SHAPE_9 = "9-name header"
SHAPE_8 = "8-name header (质量等级 missing, rows have 9 fields)"
#: field -> canonical column of the numeric fields
_NUMERIC = {"AQI": "published_aqi", "PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "CO": "co", "NO2": "no2", "O3_8h": "o3_8h"}
_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h")
_COMPARED = _VALUES + ("published_aqi", "published_category")
_DTYPES = {"date": "datetime64[ns]", **{c: np.float64 for c in DAILY_VALUES + DAILY_COUNTS}, "published_aqi": np.float64}
_CONFLICT = "duplicate_conflict"


# --------------------------------------------------------------------------------------------
# one file
# --------------------------------------------------------------------------------------------


def _label(path: Path) -> str:
    """``<folder>/<file>``: the file name alone is ambiguous (same city in both folders)."""
    return f"{path.parent.name}/{path.name}" if path.parent.name else path.name


def _city(path: Path) -> str:
    name = path.name
    for suffix in (".gz", ".csv"):
        if name.lower().endswith(suffix):
            name = name[: -len(suffix)]
    name = name.strip()
    if not name:
        raise ReadError(path, reason=note("error.read.no_city"))
    return name


def _line_endings(data: bytes) -> str:
    n_rrn = data.count(b"\r\r\n")
    rest = data.replace(b"\r\r\n", b"") if n_rrn else data
    n_rn = rest.count(b"\r\n")
    rest = rest.replace(b"\r\n", b"") if n_rn else rest
    kinds = [k for k, n in (("\\r\\r\\n", n_rrn), ("\\r\\n", n_rn), ("\\n", rest.count(b"\n")), ("\\r", rest.count(b"\r"))) if n]
    return "+".join(kinds) if kinds else "none"


def _decode(data: bytes, path: Path, encoding: str = AUTO) -> tuple[bytes, str]:
    """UTF-8 bytes of the file and the encoding found (utf-8-sig, utf-8, gbk, gb18030) or given.

    A UTF-16/32 byte-order mark is honoured as in :mod:`airq.io.encoding`; a file cut inside its
    last character is decoded up to it (its last line then has no final newline).
    """
    if encoding != AUTO or data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_BE)):
        return to_utf8(data, path, encoding)
    if data.startswith(codecs.BOM_UTF8):
        body = data[len(codecs.BOM_UTF8) :]
        try:
            body.decode("utf-8")
        except UnicodeDecodeError as exc:
            if _cut_inside_char(exc, body):
                return body[: exc.start], "utf-8-sig"
            line = body.count(b"\n", 0, exc.start) + 1
            raise ReadError(path, line, None, body[exc.start : exc.end], note("error.read.aqistudy_bom")) from None
        return body, "utf-8-sig"
    try:
        data.decode("utf-8")
        return data, "utf-8"
    except UnicodeDecodeError as exc:
        if _cut_inside_char(exc, data):
            return data[: exc.start], "utf-8"
        utf8_line = data.count(b"\n", 0, exc.start) + 1
    last = None
    for enc in ("gbk", "gb18030"):
        try:
            return data.decode(enc).encode("utf-8"), enc
        except UnicodeDecodeError as exc:
            if _cut_inside_char(exc, data):
                try:
                    return data[: exc.start].decode(enc).encode("utf-8"), enc
                except UnicodeDecodeError:
                    pass
            last = exc
    line = data.count(b"\n", 0, last.start) + 1
    raise ReadError(
        path, line, None, data[last.start : last.end], note("error.read.aqistudy_not_utf8_nor_gbk", line=utf8_line)
    ) from None


def _labels(shape: str, date_name: str) -> list[str]:
    """Column labels for errors and flags: the file's names, or meaning + position (8-name)."""
    if shape == SHAPE_9:
        return [date_name, *_HEADER_9]
    return [date_name, "AQI"] + [f"{AQISTUDY_FIELDS[k]} (field {k + 1})" for k in range(2, 9)]


def _open(path: Path, encoding: str = AUTO):
    """Read one file: (Table with 9 labelled text columns, encoding, header shape, line endings)."""
    raw = _core._read_bytes(path)
    endings = _line_endings(raw)
    data, encoding = _decode(raw, path, encoding)
    if b"\r\r\n" in data:
        data = data.replace(b"\r\r\n", b"\n")  # one line end, so that lines count "\n"
    starts, ends, lines, nfields = _core._records(data, path)
    if starts.size == 0:
        raise ReadError(path, reason=_core.empty_file(raw))
    header_text = data[starts[0] : ends[0]].decode("utf-8")
    names = [h.strip() for h in next(csv.reader([header_text]))]
    shape = None
    if names and names[0] in _DATE_NAMES:
        if tuple(names[1:]) == _HEADER_9:
            shape = SHAPE_9
        elif tuple(names[1:]) == _HEADER_8:
            shape = SHAPE_8
    if shape is None:
        raise ReadError(
            path,
            int(lines[0]),
            None,
            header_text,
            note("error.read.aqistudy_header"),
        )
    labels = _labels(shape, names[0])
    data, nfields, cut = _checks.end_cut(data, starts, ends, lines, nfields, 9)
    if cut is not None:
        cut.fields = labels[cut.first :]
    wrong = np.flatnonzero(nfields[1:] != 9)
    if wrong.size:
        i = int(wrong[0]) + 1
        key = "error.read.aqistudy_fields_8" if shape == SHAPE_8 else "error.read.aqistudy_fields"
        why = note(key, n=int(nfields[i]), fields=",".join(AQISTUDY_FIELDS))
        raise ReadError(path, int(lines[i]), None, data[starts[i] : ends[i]].decode("utf-8")[:200], why)
    internal = [f"c{k}" for k in range(9)]
    if starts.size == 1:
        columns = {lab: pa.chunked_array([pa.array([], type=pa.string())]) for lab in labels}
    else:
        try:
            table = _core.parse_text_fields(path, data[starts[1]:], internal, internal, starts.size - 1)
        except ReadError as exc:
            raise _core.stray_quote(exc, data, starts, ends, lines) from None
        columns = {lab: table.column(ic) for lab, ic in zip(labels, internal)}
    tab = _core.Table(path=path, columns=columns, lines=lines[1:], names=labels, cut=cut)
    return tab, encoding, shape, endings


def _read_one(path: Path, k: int, errors: str, encoding: str = AUTO):
    """One file -> (frame with helper columns _f/_p/_l, flags or None, facts, raw labels)."""
    tab, encoding, shape, endings = _open(path, encoding)
    labels = tab.names
    lab = dict(zip(AQISTUDY_FIELDS, labels))
    station = np.full(tab.n, _city(path), dtype=object)
    bad: list = []
    values = {lab[f]: c for f, c in _NUMERIC.items()} | {lab["质量等级"]: "published_category"}
    cut = _checks.cut_cells(tab, keys=(lab["date"],), values=values, bad=bad, errors=errors)
    date = _dates(tab, lab["date"])
    vals = _core.numbers_many(tab, {lab[f]: c for f, c in _NUMERIC.items()}, bad)
    cat = pc.utf8_trim_whitespace(tab.columns[lab["质量等级"]]).to_numpy(zero_copy_only=False).astype(object)
    unknown = ~pd.Series(cat, dtype=object).isin(AQISTUDY_CATEGORIES).to_numpy(dtype=bool)
    if lab["质量等级"] in cut:  # emptied and flagged as possibly cut already
        unknown[-1], cat[-1] = False, np.nan
    if unknown.any():
        idx = np.flatnonzero(unknown)
        reason = note("error.read.unknown_category", known=" ".join(AQISTUDY_CATEGORIES))
        reasons = np.empty(idx.size, dtype=object)
        reasons.fill(reason)  # the note itself (np.full would keep only its text)
        bad.append(_core.Bad(lab["质量等级"], "published_category", idx, reasons))
        cat[unknown] = np.nan
    no_data = cat == NO_DATA
    nonzero = {}
    if no_data.any():
        for c in _NUMERIC.values():
            v = vals[c][no_data]
            nonzero[c] = int(np.count_nonzero(~np.isnan(v) & (v != 0)))
            vals[c][no_data] = np.nan
    flags = _core.resolve_bad(tab, bad, errors, station, date)
    if flags is not None:
        flags["source"] = _label(path)
    frame = daily_frame(station, date, {c: vals[c] for c in _VALUES})
    frame["published_aqi"] = vals["published_aqi"]
    frame["published_category"] = pd.Series(cat, dtype=object)
    frame["source"] = _label(path)
    frame["_f"] = k
    frame["_p"] = np.arange(tab.n, dtype=np.int64)
    frame["_l"] = tab.lines
    frame.attrs["_notes"] = list(tab.notes)  # header-only files: in aqistudy_summary already
    if tab.n == 0:
        frame.attrs["_header_only"] = _label(path)
    out_of_order = bool(tab.n > 1 and (date[1:] < date[:-1]).any())
    facts = {
        "encoding": encoding,
        "shape": shape,
        "endings": endings,
        "rows": tab.n,
        "no_data": int(no_data.sum()),
        "nonzero": nonzero,
        "out_of_order": out_of_order,
    }
    return frame, flags, facts, tab


# --------------------------------------------------------------------------------------------
# duplicates
# --------------------------------------------------------------------------------------------


def _same(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Element-wise equality with NaN == NaN (float or object arrays)."""
    na_a, na_b = pd.isna(a), pd.isna(b)
    with np.errstate(invalid="ignore"):
        eq = np.asarray(a == b, dtype=bool)
    return (eq & ~na_a & ~na_b) | (na_a & na_b)


def _raw_label(tab: _core.Table, column: str) -> str:
    field = {c: f for f, c in _NUMERIC.items()}.get(column, "质量等级")
    return tab.names[AQISTUDY_FIELDS.index(field)]


def _duplicates(df: pd.DataFrame, tables: list, errors: str, info: dict):
    """Collapse agreeing duplicate city-days; raise for or flag disagreeing ones.

    ``df`` is sorted by station, date, file order, line. Returns (df, flags or None).
    """
    st = df["station"].to_numpy(dtype=object)
    d = df["date"].to_numpy(dtype="datetime64[ns]")
    same_prev = np.zeros(len(df), dtype=bool)
    if len(df) > 1:
        same_prev[1:] = (st[1:] == st[:-1]) & (d[1:] == d[:-1])
    info["duplicates_collapsed"] = 0
    info["duplicate_rows_removed"] = 0
    info["duplicates_by_files"] = {}
    info["conflicts"] = 0
    info["conflict_values"] = 0
    info["conflict_examples"] = []
    if not same_prev.any():
        return df, None
    # first row of each row's group
    start = np.where(~same_prev, np.arange(len(df)), 0)
    first = np.maximum.accumulate(start)
    extra = np.flatnonzero(same_prev)  # rows that repeat an earlier row's city-day
    heads = first[extra]
    disagree = {}
    for c in _COMPARED:
        v = df[c].to_numpy(dtype=object if c == "published_category" else np.float64)
        diff = ~_same(v[extra], v[heads])
        if diff.any():
            disagree[c] = diff
    any_diff = np.zeros(extra.size, dtype=bool)
    for diff in disagree.values():
        any_diff |= diff
    # groups (city-days) with a conflict: any of their extra rows disagrees with the head
    conflict_group = np.zeros(len(df), dtype=bool)
    conflict_group[heads[any_diff]] = True
    in_conflict = conflict_group[heads]  # per extra row: its group conflicts
    src = df["source"].to_numpy(dtype=object)
    f_idx = df["_f"].to_numpy()
    p_idx = df["_p"].to_numpy()
    lines = df["_l"].to_numpy()
    agree_rows = extra[~in_conflict]
    info["duplicates_collapsed"] = int(np.unique(first[agree_rows]).size)
    info["duplicate_rows_removed"] = int(agree_rows.size)
    if agree_rows.size:
        pairs = pd.Series(src[first[agree_rows]] + " = " + src[agree_rows], dtype=object).value_counts(sort=False)
        info["duplicates_by_files"] = {str(k): int(v) for k, v in sorted(pairs.items())}
    flags = None
    if in_conflict.any():
        groups = np.unique(heads[in_conflict])
        info["conflicts"] = int(groups.size)
        n_values = 0
        if errors == "raise":
            # the conflicting extra row that comes first in the output order
            j = int(np.flatnonzero(any_diff)[0])
            row, head = int(extra[j]), int(heads[j])
            col = next(c for c in _COMPARED if c in disagree and disagree[c][j])
            t_row, t_head = tables[f_idx[row]], tables[f_idx[head]]
            raw_row = t_row.raw(_raw_label(t_row, col))[p_idx[row]]
            raw_head = t_head.raw(_raw_label(t_head, col))[p_idx[head]]
            others = int(groups.size) - 1
            fields = dict(flag=_CONFLICT, station=st[row], date=str(pd.Timestamp(d[row]).date()), other=src[head],
                          line=int(lines[head]), value=raw_head)
            reason = (note("error.read.aqistudy_conflict_more", others=others, **fields) if others
                      else note("error.read.aqistudy_conflict", **fields))
            raise ReadError(t_row.path, int(lines[row]), _raw_label(t_row, col), raw_row, reason)
        parts = []
        member = conflict_group[first]  # every row of a conflicting group (head and extras)
        rows_all = np.flatnonzero(member)
        for c in _COMPARED:
            if c not in disagree:
                continue
            bad_groups = np.unique(heads[disagree[c]])
            sel = rows_all[np.isin(first[rows_all], bad_groups)]
            n_values += int(bad_groups.size)
            raw_cols = [_raw_label(tables[f_idx[i]], c) for i in sel]
            parts.append(
                pd.DataFrame(
                    {
                        "station": st[sel],
                        "time": d[sel],
                        "column": c,
                        "value": [str(tables[f_idx[i]].raw(rc)[p_idx[i]]) for i, rc in zip(sel, raw_cols)],
                        "reason": _CONFLICT,
                        "source": src[sel],
                        "row": lines[sel].astype(np.int64),
                        "raw_column": raw_cols,
                    }
                )
            )
            col = df[c].to_numpy(dtype=object if c == "published_category" else np.float64).copy()
            col[bad_groups] = np.nan
            df[c] = col if c != "published_category" else pd.Series(col, index=df.index, dtype=object)
        info["conflict_values"] = n_values
        flags = pd.concat(parts, ignore_index=True)
        ex = flags.drop_duplicates(["station", "time", "column"]).head(10)
        info["conflict_examples"] = [f"{r.station} {pd.Timestamp(r.time).date()} {r.column}" for r in ex.itertuples()]
    keep = ~same_prev
    return df.loc[keep].reset_index(drop=True), flags


# --------------------------------------------------------------------------------------------
# reader
# --------------------------------------------------------------------------------------------


def _empty_frame() -> pd.DataFrame:
    frame = daily_frame(np.array([], dtype=object), np.array([], dtype="datetime64[ns]"), {})
    frame["published_aqi"] = np.array([], dtype=np.float64)
    frame["published_category"] = pd.Series([], dtype=object)
    frame["source"] = pd.Series([], dtype=object)
    return frame


def read_aqistudy(sources, *, errors="raise", encoding="auto", progress=False):
    """Read aqistudy.cn city daily CSV files into the canonical station-daily table.

    Parameters
    ----------
    sources : str, os.PathLike, or list of those
        Files, folders (every ``*.csv`` inside, recursively, sorted) or glob patterns; several
        folders at once, e.g. ``[".../capitals", ".../cities"]``. Where a city-day is in several
        files, the source given first supplies the kept row (identical values anyway, unless
        in conflict).
    errors : {"raise", "flag"}, default "raise"
        A value that is neither a number nor a missing marker, an unknown category, a value on
        a last line without a final newline (possibly cut), or a city-day given twice with
        different values raises :class:`~airq.io.ReadError` (file, line, column, value); with
        ``"flag"`` the value becomes NaN and is listed in ``df.attrs["flags"]`` (``time`` =
        the date; reason ``truncated_last_line`` for a possibly cut value,
        ``duplicate_conflict`` for disagreeing duplicates, one flag per file line and column).
    encoding : str, default "auto"
        ``"auto"``: detected per file as described above; or a codec name used for every file
        (:mod:`airq.io.encoding`). ``df.attrs["encodings"]``: {codec: [files]}.
    progress : bool, default False
        Show a progress bar over the files.

    Returns
    -------
    pandas.DataFrame
        ``station`` (city name, str), ``date`` (datetime64[ns], midnight), ``so2, no2, co,
        pm10, pm25`` (24-h means), ``o3_8h`` (daily max 8-h) [float64, µg/m³; co mg/m³],
        ``o3_1h`` (all NaN: not in the files), counts ``n_*`` (all NaN), ``published_aqi``
        (float64 [-], NaN on 无 days), ``published_category`` (str), ``source``
        (``<folder>/<file>``). One row per city-day, sorted by station and date. No-data (无)
        days are kept as rows with missing values.

        ``df.attrs["aqistudy"]`` (plain dicts, lists and ints) reports the quirks:
        ``files_read``, ``rows_read`` (data rows in the files), ``rows_out``,
        ``cities``, ``encodings`` / ``header_shapes`` / ``line_endings`` ({kind: number of
        files}), ``files_by_encoding`` / ``files_by_header_shape`` ({kind: [files]}),
        ``header_only_files``, ``out_of_order_files``, ``no_data_rows``,
        ``no_data_nonzero`` ({column: 无 rows whose raw value was not 0}),
        ``duplicates_collapsed`` (city-days), ``duplicate_rows_removed``,
        ``duplicates_by_files`` ({"a = b": city-days}), ``conflicts`` (city-days),
        ``conflict_values``, ``conflict_examples``. :func:`aqistudy_summary` prints it.
        ``df.attrs["read_notes"]``: sentences about cut-off last lines (header-only files are
        in :func:`aqistudy_summary`); ``df.attrs["header_only_files"]``.

    Raises
    ------
    ReadError
        Empty file, unreadable encoding, unknown header shape, a row with other than 9 fields,
        a bad date or one outside 2000-01-01 .. 31 December of next year, a cut that may fall
        in the date, or (``errors="raise"``) a bad or possibly cut value, unknown category or
        conflicting duplicate.

    References
    ----------
    .. [1] PROVENANCE.md of ``aqistudy_city_daily_2013_2017``.

    Examples
    --------
    >>> df = read_aqistudy(["data/aqistudy/capitals", "data/aqistudy/cities"])  # doctest: +SKIP
    >>> df.attrs["aqistudy"]["no_data_rows"]  # doctest: +SKIP
    1539
    """
    _core.check_errors(errors)
    encoding = check_encoding(encoding)
    files = _core.expand_sources(sources, ("*.csv",))
    frames, flags, tables = [], [], []
    info = {
        "files_read": len(files),
        "rows_read": 0,
        "encodings": {},
        "header_shapes": {},
        "line_endings": {},
        "files_by_encoding": {},
        "files_by_header_shape": {},
        "header_only_files": [],
        "out_of_order_files": [],
        "no_data_rows": 0,
        "no_data_nonzero": {c: 0 for c in _NUMERIC.values()},
    }
    for k, path in enumerate(_core.progress_iter(files, progress, "aqistudy")):
        frame, fl, facts, tab = _read_one(path, k, errors, encoding)
        frames.append(frame)
        flags.append(fl)
        tables.append(tab)
        name = _label(path)
        info["rows_read"] += facts["rows"]
        for key, by, value in (
            ("encodings", "files_by_encoding", facts["encoding"]),
            ("header_shapes", "files_by_header_shape", facts["shape"]),
            ("line_endings", None, facts["endings"]),
        ):
            info[key][value] = info[key].get(value, 0) + 1
            if by:
                info[by].setdefault(value, []).append(name)
        if facts["rows"] == 0:
            info["header_only_files"].append(name)
        if facts["out_of_order"]:
            info["out_of_order_files"].append(name)
        info["no_data_rows"] += facts["no_data"]
        for c, n in facts["nonzero"].items():
            info["no_data_nonzero"][c] += n
    notes, header_only = _checks.collect_notes(frames)
    df = pd.concat(frames, ignore_index=True) if frames else _empty_frame()
    if len(df):
        codes, _ = pd.factorize(df["station"], sort=True)
        order = np.lexsort((df["_l"].to_numpy(), df["_f"].to_numpy(), df["date"].to_numpy(dtype="datetime64[ns]").view(np.int64), codes))
        df = df.iloc[order].reset_index(drop=True)
    else:
        for c in ("_f", "_p", "_l"):
            df[c] = np.array([], dtype=np.int64)
    df, conflict_flags = _duplicates(df, tables, errors, info)
    flags.append(conflict_flags)
    df = df.drop(columns=["_f", "_p", "_l"])
    info["rows_out"] = int(len(df))
    info["cities"] = int(df["station"].nunique())
    df = _core.assemble([df], DAILY_COLUMNS, _DTYPES)
    df["station"] = df["station"].astype("str")
    df["published_category"] = df["published_category"].astype("str").where(df["published_category"].notna())
    df.attrs["aqistudy"] = info
    df.attrs["read_notes"], df.attrs["header_only_files"] = notes, header_only
    df.attrs["encodings"] = {k: list(v) for k, v in info["files_by_encoding"].items()}
    df.attrs["encoding_detected"] = encoding == AUTO
    return _core.attach_flags(df, flags, errors)


def _names(items: list, limit: int = 8) -> list:
    """The first ``limit`` items and ``... (N more)``: a list field of a note (joined in the note's language)."""
    return list(items[:limit]) + ([note("read.more", n=len(items) - limit)] if len(items) > limit else [])


#: The header shapes as the summary says them.
_SHAPE_NOTES = {SHAPE_9: "read.aqistudy.shape_9", SHAPE_8: "read.aqistudy.shape_8"}


def aqistudy_summary(info: dict) -> list:
    """Lines for the terminal from ``df.attrs["aqistudy"]`` (what ``airq ingest`` prints).

    Each line is an :class:`airq.notes.Note`: its English text, said in Chinese with
    ``airq.notes.render(line, "zh")``.
    """
    def kinds(d: dict) -> list:
        return [note("read.aqistudy.kind", kind=note(_SHAPE_NOTES[k]) if k in _SHAPE_NOTES else k, n=v)
                for k, v in sorted(d.items())]


    nz = {c: n for c, n in info.get("no_data_nonzero", {}).items() if n}
    no_data = (note("read.aqistudy.no_data_nonzero", n=info["no_data_rows"], kinds=kinds(nz)) if nz
               else note("read.aqistudy.no_data", n=info["no_data_rows"]))
    lines = [
        note("read.aqistudy.head", files=info["files_read"], rows=info["rows_read"], out=info["rows_out"],
             cities=info["cities"]),
        note("read.aqistudy.kinds", encodings=kinds(info["encodings"]), headers=kinds(info["header_shapes"]),
             endings=kinds(info["line_endings"])),
        no_data,
        (note("read.aqistudy.header_only_list", n=len(info["header_only_files"]), names=_names(info["header_only_files"]))
         if info["header_only_files"] else note("read.aqistudy.header_only", n=0)),
        (note("read.aqistudy.out_of_order_list", n=len(info["out_of_order_files"]), names=_names(info["out_of_order_files"]))
         if info["out_of_order_files"] else note("read.aqistudy.out_of_order", n=0)),
        note("read.aqistudy.duplicates", agree=info["duplicates_collapsed"], conflicts=info["conflicts"],
             values=info["conflict_values"], flag=_CONFLICT),
    ]
    if info.get("conflict_examples"):
        lines.append(note("read.aqistudy.examples", examples=_names(info["conflict_examples"], 5)))
    return lines
