"""A plan's measures beside its numbers: the register of dated tasks, their status history, the status as of a day.

An air plan sets targets (``airq.assessment`` judges them) and dated measures meant to reach
them — "2023 年 6 月底前完成 …", each with lead units (牵头单位), cooperating units (配合单位) and
responsible units (责任单位). airq keeps them as two CSV files beside the plan config:

* the **register** (``config/<plan>_measures.csv``): one row per measure, columns
  :data:`REGISTER_COLUMNS`. ``due`` is the day the measure falls due (``YYYY-MM-DD``, empty when
  the words fix none), ``due_text`` the plan's own words, ``due_kind`` one of
  :data:`DUE_KINDS` (:func:`parse_due` reads the words; ``docs/measures.md`` lists the rules).
  The unit and county columns are lists separated by ``;``.
* the **status file** (``config/<plan>_measures_status.csv``): append-only, one line per event,
  columns :data:`STATUS_COLUMNS`; ``status`` is ``done``, ``reopened`` or ``note``.

Both open in Excel: they are read as UTF-8 (with or without BOM) or GB18030 (what Excel on
Chinese Windows writes, detected as ``airq.io.encoding`` does), and written as UTF-8 with BOM.
Dates may be written ``2023-06-30`` or, as Excel rewrites them, ``2023/6/30``. Every problem
is one :class:`~airq.config.ConfigError` sentence naming the file, the line, the column and
the value, like the plan config's.

Status as of a day (:func:`measure_status`): ``done`` (a ``done`` event on or before the day,
not followed by ``reopened``; ``days_late`` = days after ``due``, when done late), ``overdue``
(``due`` before the day, not done; ``days_late`` = days since ``due``), ``due_this_month``
(due from the day to the end of its month), ``open`` (due later, or no day fixed because the
words are ambiguous) and ``ongoing`` (recurring or no deadline: 每月, 持续).

References
----------
.. [1] 贵港市 2023 年度大气污染防治攻坚工作方案（修订）, 四(一) "做好月、季、年度任务分解", 四(四)
   "加强对年度主要任务的跟踪调度" (why measures are tracked beside the monthly dispatch).
.. [2] docs/measures.md (schema, reading rules, status rules, the two registers).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
from pathlib import Path

import pandas as pd

from .config_errors import MISSING, ConfigError, os_reason
from .notes import note
from .measures_due import CALENDAR_KINDS, DUE_KINDS, Due, find_due_phrases, parse_due
from .util import as_day, atomic_write_text

__all__ = ["DUE_KINDS", "Due", "parse_due", "find_due_phrases", "STATUSES", "EVENTS", "REGISTER_COLUMNS",
           "LIST_COLUMNS", "STATUS_COLUMNS", "read_register", "read_status", "empty_status", "measure_status",
           "by_lead_unit", "records", "month_section", "plan_measures", "write_register", "write_status",
           "status_path_for"]

#: Status of a measure as of a day.
STATUSES = ("done", "overdue", "due_this_month", "open", "ongoing")
#: Events of the status file.
EVENTS = ("done", "reopened", "note")
#: Columns of the register, in order; the first seven and ``lead_units`` are required.
REGISTER_COLUMNS = ("id", "task", "goal", "text", "due", "due_text", "due_kind", "lead_units", "cooperating_units",
                    "responsible_units", "counties", "source")
_REQUIRED = ("id", "task", "text", "due", "due_text", "due_kind", "lead_units")
#: Register columns holding ``;``-separated lists.
LIST_COLUMNS = ("lead_units", "cooperating_units", "responsible_units", "counties")
#: Columns of the status file; ``note`` and ``by`` may be left out.
STATUS_COLUMNS = ("id", "date", "status", "note", "by")
_DATE = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+0?0:00(?::00)?)?\s*$")
_ID = re.compile(r"^[^\s;,]+$")


# --------------------------------------------------------------------------- reading CSV


def _err(file, line, column, value, problem) -> ConfigError:
    where = (note("error.measures.line_column", line=line, column=column) if column
             else note("error.plan.where.line", line=line))
    return ConfigError(str(file), where, value, problem)


#: What the files are called in the sentences (notes: said in either language).
_REGISTER, _STATUS_FILE = "register", "status"


def _what(what: str):
    return note("error.measures.register") if what == _REGISTER else note("error.measures.status_file")


def _csv_rows(path, what: str) -> tuple[list[str], list[tuple[int, list[str]]], str]:
    """Header, ``(line, cells)`` rows (all-empty rows left out: Excel's trailing ``,,,,``) and the encoding."""
    from .io.encoding import to_utf8
    from .io.errors import ReadError

    file = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ConfigError(file, note("error.plan.where.file"), file,
                          note("error.measures.cannot_read", what=_what(what), reason=os_reason(exc))) from None
    try:
        utf8, codec = to_utf8(data, Path(path))
    except ReadError as exc:
        where = note("error.plan.where.line", line=exc.row) if exc.row else note("error.plan.where.encoding")
        raise ConfigError(file, where, exc.value, exc.reason) from None
    reader = csv.reader(io.StringIO(utf8.decode("utf-8"), newline=""))
    rows, start = [], 1
    try:
        for cells in reader:
            rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise _err(file, start, None, MISSING, note("error.measures.not_csv", error=str(exc))) from None
    if not rows:
        raise _err(file, 1, None, "", note("error.measures.empty", what=_what(what)))
    header = [c.strip().lstrip("\ufeff") for c in rows[0][1]]
    body = [(n, c) for n, c in rows[1:] if any(x.strip() for x in c)]
    return header, body, codec


def _check_header(file, header, allowed, required, what) -> None:
    for i, col in enumerate(header):
        if col not in allowed:
            near = difflib.get_close_matches(col, allowed, n=1)
            problem = (note("error.measures.unknown_column_hint", what=_what(what), allowed=list(allowed), hint=near[0])
                       if near else note("error.measures.unknown_column", what=_what(what), allowed=list(allowed)))
            raise _err(file, 1, col or f"#{i + 1}", col, problem)
        if col in header[:i]:
            raise _err(file, 1, col, col, note("error.measures.column_twice"))
    missing = [c for c in required if c not in header]
    if missing:
        raise _err(file, 1, None, header, note("error.measures.missing_columns", missing=list(missing), what=_what(what)))


def _cells(file, header, line, cells) -> dict[str, str]:
    if len(cells) != len(header):
        raise _err(file, line, None, cells, note("error.measures.width", cells=len(cells), columns=len(header)))
    return {h: c.strip() for h, c in zip(header, cells)}


def _date(file, line, column, text, *, required) -> pd.Timestamp | None:
    if not text:
        if required:
            raise _err(file, line, column, text, note("error.measures.date_required"))
        return None
    m = _DATE.match(text)
    if not m:
        raise _err(file, line, column, text, note("error.measures.not_date"))
    try:
        return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise _err(file, line, column, text, note("error.measures.not_calendar_day")) from None


def _list(file, line, column, text) -> list[str]:
    items = [x.strip() for x in re.split(r"[;；]", text)]
    items = [x for x in items if x]
    for i, x in enumerate(items):
        if x in items[:i]:
            raise _err(file, line, column, text, note("error.measures.listed_twice", item=x))
    return items


# --------------------------------------------------------------------------- register


def _register_row(file, line, row: dict) -> dict:
    rid = row["id"]
    if not rid or not _ID.match(rid):
        raise _err(file, line, "id", rid, note("error.measures.bad_id"))
    for col in ("task", "text"):
        if not row[col]:
            raise _err(file, line, col, row[col], note("error.plan.not_empty"))
    kind = row["due_kind"]
    if kind not in DUE_KINDS:
        raise _err(file, line, "due_kind", kind, note("error.plan.one_of", choices=list(DUE_KINDS)))
    due = _date(file, line, "due", row["due"], required=kind in CALENDAR_KINDS)
    if due is not None and kind in ("recurring", "ongoing"):
        raise _err(file, line, "due", row["due"], note("error.measures.due_not_dated", kind=kind))
    out = {c: row.get(c, "") for c in REGISTER_COLUMNS if c not in LIST_COLUMNS}
    out.update(id=rid, due=due)
    for col in LIST_COLUMNS:
        out[col] = _list(file, line, col, row.get(col, ""))
    if not out["lead_units"]:
        raise _err(file, line, "lead_units", row["lead_units"], note("error.measures.no_lead"))
    return out


def read_register(path) -> pd.DataFrame:
    """The measures register at ``path``, validated.

    Parameters
    ----------
    path : str or Path
        CSV with the columns :data:`REGISTER_COLUMNS` (``goal``, ``cooperating_units``,
        ``responsible_units``, ``counties``, ``source`` may be left out), UTF-8 or GB18030.

    Returns
    -------
    pandas.DataFrame
        One row per measure in file order: ``due`` datetime64 (NaT where none), list columns
        as Python lists, ``line`` (the file line). ``attrs``: ``source``, ``encoding``.

    Raises
    ------
    ConfigError
        Unknown or missing column, a row of the wrong width, an empty or duplicate id, a
        ``due_kind`` not in :data:`DUE_KINDS`, a date that is not one, a calendar kind without
        ``due`` (or a recurring/ongoing one with it), no lead unit. The sentence names the file,
        the line, the column and the value.
    """
    file = str(path)
    header, body, codec = _csv_rows(path, _REGISTER)
    _check_header(file, header, REGISTER_COLUMNS, _REQUIRED, _REGISTER)
    rows, seen = [], {}
    for line, cells in body:
        r = _register_row(file, line, _cells(file, header, line, cells))
        if r["id"] in seen:
            raise _err(file, line, "id", r["id"], note("error.measures.duplicate_id", line=seen[r["id"]]))
        seen[r["id"]] = line
        rows.append({**r, "line": line})
    frame = pd.DataFrame(rows, columns=[*REGISTER_COLUMNS, "line"])
    frame["due"] = pd.to_datetime(frame["due"])
    frame.attrs.update(source=file, encoding=codec)
    return frame


# --------------------------------------------------------------------------- status file


def empty_status() -> pd.DataFrame:
    """A status table with no events (columns of :func:`read_status`)."""
    frame = pd.DataFrame({"id": pd.Series(dtype=object), "date": pd.Series(dtype="datetime64[ns]"),
                          "status": pd.Series(dtype=object), "note": pd.Series(dtype=object),
                          "by": pd.Series(dtype=object), "line": pd.Series(dtype="int64")})
    frame.attrs["source"] = None
    return frame


def read_status(path, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """The status file at ``path``: one event per line, validated (against ``register`` when given).

    Columns ``id, date, status[, note, by]``; ``status`` is ``done``, ``reopened`` or ``note``
    (any letter case). Events of one measure are taken in date order (file order on one day):
    ``done`` needs the measure not done, ``reopened`` needs it done; a ``note`` needs its text.

    Returns
    -------
    pandas.DataFrame
        ``id, date (datetime64), status, note, by, line``, file order. ``attrs["source"]``.

    Raises
    ------
    ConfigError
        A bad column, date or status, an id not in the register (with the closest ids), a
        ``done`` twice or a ``reopened`` of a measure not done: file, line, column, value.
    """
    file = str(path)
    header, body, codec = _csv_rows(path, _STATUS_FILE)
    _check_header(file, header, STATUS_COLUMNS, ("id", "date", "status"), _STATUS_FILE)
    known = None if register is None else list(register["id"])
    rows = []
    for line, cells in body:
        r = _cells(file, header, line, cells)
        if known is not None and r["id"] not in known:
            near = difflib.get_close_matches(r["id"], known, n=3)
            problem = (note("error.measures.unknown_id_hint", closest=list(near)) if near
                       else note("error.measures.unknown_id"))
            raise _err(file, line, "id", r["id"], problem)
        status = r["status"].lower()
        if status not in EVENTS:
            raise _err(file, line, "status", r["status"], note("error.plan.one_of", choices=list(EVENTS)))
        if status == "note" and not r.get("note"):
            raise _err(file, line, "note", "", note("error.measures.note_needed"))
        day = _date(file, line, "date", r["date"], required=True)
        rows.append({"id": r["id"], "date": day, "status": status, "note": r.get("note", ""), "by": r.get("by", ""),
                     "line": line})
    frame = pd.DataFrame(rows, columns=["id", "date", "status", "note", "by", "line"]) if rows else empty_status()
    frame["date"] = pd.to_datetime(frame["date"])
    _check_sequence(file, frame)
    frame.attrs.update(source=file, encoding=codec)
    return frame


def _check_sequence(file, events: pd.DataFrame) -> None:
    done: dict[str, pd.Timestamp | None] = {}
    for r in events.sort_values(["date", "line"], kind="stable").itertuples():
        if r.status == "done" and done.get(r.id) is not None:
            raise _err(file, r.line, "status", r.status,
                       note("error.measures.already_done", id=r.id, date=f"{done[r.id]:%Y-%m-%d}"))
        if r.status == "reopened" and done.get(r.id) is None:
            raise _err(file, r.line, "status", r.status, note("error.measures.not_done", id=r.id, date=f"{r.date:%Y-%m-%d}"))
        if r.status != "note":
            done[r.id] = r.date if r.status == "done" else None


def status_path_for(register_path) -> Path:
    """The status file kept beside a register: ``<stem>_status.csv``."""
    p = Path(register_path)
    return p.with_name(f"{p.stem}_status.csv")


# --------------------------------------------------------------------------- status as of a day


def _events_as_of(events: pd.DataFrame, as_of: pd.Timestamp) -> tuple[dict, dict]:
    done, notes = {}, {}
    for r in events[events["date"] <= as_of].sort_values(["date", "line"], kind="stable").itertuples():
        if r.status == "note":
            notes[r.id] = r.note
        else:
            done[r.id] = r.date if r.status == "done" else None
    return done, notes


def _one_status(due, kind, done_on, as_of) -> tuple[str, int | None]:
    if done_on is not None:
        late = None if pd.isna(due) or done_on <= due else (done_on - due).days
        return "done", late
    if pd.isna(due):
        return ("ongoing" if kind in ("recurring", "ongoing") else "open"), None
    if due < as_of:
        return "overdue", (as_of - due).days
    if (due.year, due.month) == (as_of.year, as_of.month):
        return "due_this_month", None
    return "open", None


def measure_status(register: pd.DataFrame, events: pd.DataFrame | None, as_of) -> pd.DataFrame:
    """Every measure's status as of ``as_of`` (a full date), from the events dated on or before it.

    Parameters
    ----------
    register : DataFrame
        From :func:`read_register`.
    events : DataFrame or None
        From :func:`read_status` (None: no events).
    as_of : date or ``YYYY-MM-DD``
        The day the statuses are for; events after it are not known yet.

    Returns
    -------
    pandas.DataFrame
        The register's columns plus ``status`` (:data:`STATUSES`), ``done_on`` (datetime64,
        NaT unless done), ``days_late`` (Int64 [days]: after ``due`` for a measure done late,
        since ``due`` for an overdue one; NA otherwise) and ``note`` (the last note as of the
        day, or ""). Register order.
    """
    as_of = as_day(as_of, "as_of")
    done, notes = _events_as_of(events if events is not None else empty_status(), as_of)
    out = register.copy()
    res = [_one_status(r.due, r.due_kind, done.get(r.id), as_of) for r in register.itertuples()]
    out["status"] = [s for s, _ in res]
    out["done_on"] = pd.to_datetime(pd.Series([done.get(i) for i in register["id"]], index=register.index,
                                              dtype="datetime64[ns]"))
    out["days_late"] = pd.array([d for _, d in res], dtype="Int64")
    out["note"] = [notes.get(i, "") for i in register["id"]]
    out.attrs.update(register.attrs, as_of=as_of)
    return out


def by_lead_unit(table: pd.DataFrame) -> pd.DataFrame:
    """Per lead unit (a measure with two leads counts for each): measures, one column per status, ``done_late``
    (done after ``due``) and ``max_days_late`` (the longest overdue [days]); units in order of first appearance."""
    rows = []
    for unit in dict.fromkeys(u for units in table["lead_units"] for u in units):
        part = table[[unit in units for units in table["lead_units"]]]
        row = {"lead_unit": unit, "measures": len(part)}
        row.update({s: int((part["status"] == s).sum()) for s in STATUSES})
        row["done_late"] = int(((part["status"] == "done") & part["days_late"].notna()).sum())
        late = part.loc[part["status"] == "overdue", "days_late"]
        row["max_days_late"] = None if late.empty else int(late.max())
        rows.append(row)
    cols = ["lead_unit", "measures", *STATUSES, "done_late", "max_days_late"]
    frame = pd.DataFrame(rows, columns=cols)
    frame["max_days_late"] = frame["max_days_late"].astype("Int64")
    return frame


def _iso(v):
    return None if v is None or pd.isna(v) else f"{pd.Timestamp(v):%Y-%m-%d}"


def records(table: pd.DataFrame) -> list[dict]:
    """The rows of :func:`measure_status` as JSON-ready objects (what ``airq measures --json`` prints):
    ``id, task, goal, text, due (ISO or None), due_text, due_kind, status, done_on, days_late (int or None),
    lead_units, cooperating_units, responsible_units, counties (lists), note, source``."""
    out = []
    for r in table.to_dict("records"):
        out.append({"id": r["id"], "task": r["task"], "goal": r["goal"], "text": r["text"], "due": _iso(r["due"]),
                    "due_text": r["due_text"], "due_kind": r["due_kind"], "status": r["status"],
                    "done_on": _iso(r["done_on"]), "days_late": None if pd.isna(r["days_late"]) else int(r["days_late"]),
                    **{c: list(r[c]) for c in LIST_COLUMNS}, "note": r["note"], "source": r["source"]})
    return out


def month_section(register: pd.DataFrame, events: pd.DataFrame | None, month) -> dict:
    """The measures part of a monthly report, as of the month's last day (JSON-ready).

    Returns
    -------
    dict
        ``month``, ``as_of``, ``notes`` (e.g. a register of an earlier year than the month),
        ``counts`` (measures per status), ``due`` (the measures due in
        the month, whatever their status), ``overdue`` (every measure overdue at the month's end,
        with ``days_late`` and its lead units), ``done`` (done in the month), ``by_lead_unit``
        (:func:`by_lead_unit` as a list of objects).
    """
    month = pd.Period(str(month), freq="M")
    start, end = month.start_time.normalize(), month.end_time.normalize()
    t = measure_status(register, events, end)
    due_in = t["due"].between(start, end)
    done_in = (t["status"] == "done") & t["done_on"].between(start, end)
    lead = by_lead_unit(t).astype(object).where(lambda f: f.notna(), None)
    years = sorted({int(d.year) for d in t["due"].dropna()})
    notes = []
    if years and month.year > years[-1]:
        notes.append(note("register_old", years=[str(y) for y in years], month=f"{month}", year=month.year))
    return {"month": f"{month}", "as_of": f"{end:%Y-%m-%d}", "notes": notes,
            "counts": {s: int((t["status"] == s).sum()) for s in STATUSES},
            "due": records(t[due_in]), "overdue": records(t[t["status"] == "overdue"]), "done": records(t[done_in]),
            "by_lead_unit": lead.to_dict("records")}


def plan_measures(plan) -> tuple[pd.DataFrame, pd.DataFrame] | None:
    """The register and status events a plan names in ``[measures]`` (None when it names none)."""
    files = getattr(plan, "measures", None)
    if files is None:
        return None
    register = read_register(files.register_path)
    events = read_status(files.status_path, register) if files.status_path is not None else empty_status()
    return register, events


# --------------------------------------------------------------------------- writing


def _csv_text(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerows(rows)
    return "\ufeff" + buf.getvalue()


def write_register(frame: pd.DataFrame, path) -> Path:
    """Write a register (columns :data:`REGISTER_COLUMNS`) as UTF-8 with BOM, CRLF (Excel), atomically."""
    rows = [list(REGISTER_COLUMNS)]
    for r in frame.to_dict("records"):
        row = []
        for c in REGISTER_COLUMNS:
            v = r.get(c, "")
            if c in LIST_COLUMNS:
                v = ";".join(v or [])
            elif c == "due":
                v = _iso(v) or ""
            row.append("" if v is None else str(v))
        rows.append(row)
    return atomic_write_text(path, _csv_text(rows))


def write_status(events: pd.DataFrame | None, path) -> Path:
    """Write status events (header only when there are none) as UTF-8 with BOM, CRLF (Excel), atomically."""
    rows = [list(STATUS_COLUMNS)]
    if events is not None:
        for r in events.to_dict("records"):
            rows.append([r["id"], _iso(r["date"]) or "", r["status"], r.get("note", "") or "", r.get("by", "") or ""])
    return atomic_write_text(path, _csv_text(rows))
