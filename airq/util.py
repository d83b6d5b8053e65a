"""Small helpers shared by the modules (no domain logic here)."""

from __future__ import annotations

import datetime as _dt
import os
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from .notes import note

__all__ = ["label", "shorten", "atomic_write_text", "atomic_write_bytes", "widen_float", "beijing_naive", "as_day"]

#: Characters of a raw value echoed before it is cut (:func:`shorten`).
SHOWN_CHARACTERS = 40


def shorten(value, limit: int = SHOWN_CHARACTERS) -> str:
    """A raw value as text, cut to its first ``limit`` characters plus ``… (N characters)``.

    Meant for every echo of a value read from a file (flag records, the ingest summary, error
    messages), so that a 1-million-digit "number" costs one short line, not a megabyte of
    output (issue 10 item 8). Text of at most ``limit`` characters is returned unchanged.

    >>> shorten("9" * 1_000_000)
    '9999999999999999999999999999999999999999… (1,000,000 characters)'
    >>> shorten("abc")
    'abc'
    """
    text = value if isinstance(value, str) else str(value)
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def label(value) -> str:
    """A row label or value as a user reads it: ``11``, ``'2506A'``, ``2024-01-01 00:00``."""
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        ts = pd.Timestamp(value)
        return ts.strftime("%Y-%m-%d %H:%M") if ts == ts.floor("min") else str(ts)
    return repr(value)


def atomic_write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, then ``os.replace``.

    An interrupted write leaves the old file (or no file) — never a half-written one.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)  # mkstemp makes 0600 files; outputs are ordinary readable files
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    return path


def atomic_write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Text version of :func:`atomic_write_bytes` (LF line endings as given)."""
    return atomic_write_bytes(path, text.encode(encoding))


def widen_float(arr: np.ndarray) -> np.ndarray:
    """float64 view of a float16/float32 array *through its shortest decimal text*.

    ``np.float32(4.05)`` widened directly is 4.050000190734863, which GB/T 8170 would round to
    4.1; the decimal the float32 stands for is 4.05. Other dtypes are returned unchanged.
    """
    arr = np.asarray(arr)
    if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:
        return arr.astype(str).astype(np.float64)
    return arr


def beijing_naive(stamps) -> pd.Series:
    """Timestamps as naive Beijing time: timezone-aware values are converted, naive ones kept."""
    s = pd.to_datetime(pd.Series(stamps).reset_index(drop=True))
    if getattr(s.dt, "tz", None) is not None:
        s = s.dt.tz_convert("Asia/Shanghai").dt.tz_localize(None)
    return s


_FULL_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$")


def as_day(value, what: str = "as_of") -> pd.Timestamp:
    """A calendar day (midnight) from a date, Timestamp or ``YYYY-MM-DD`` text — never a guess.

    ``pd.Timestamp("2023-03")`` is 2023-03-01: an "as of March" read that way silently drops the
    rest of the month. Text must therefore be a full date; ``2023-03`` or ``2023`` is refused
    with a sentence naming the last day of that month or year.

    Raises
    ------
    ValueError
        Text that is not a full ``YYYY-MM-DD`` date, an impossible date, or a value that is not
        a date at all.
    """
    if isinstance(value, str):
        m = _FULL_DATE.match(value)
        if not m:
            part = re.match(r"^\s*(\d{4})(?:-(\d{1,2}))?\s*$", value)
            if part and part.group(2) and 1 <= int(part.group(2)) <= 12:
                last = pd.Timestamp(int(part.group(1)), int(part.group(2)), 1) + pd.offsets.MonthEnd(0)
                raise ValueError(note("error.not_full_date_month", what=what, value=repr(value), last=f"{last:%Y-%m-%d}"))
            if part and not part.group(2):
                raise ValueError(note("error.not_full_date_year", what=what, value=repr(value), last=f"{part.group(1)}-12-31"))
            raise ValueError(note("error.not_full_date", what=what, value=repr(value)))
        try:
            return pd.Timestamp(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            raise ValueError(note("error.calc.not_calendar_date", what=what, value=repr(value))) from None
    if isinstance(value, (pd.Timestamp, _dt.date, np.datetime64)):
        ts = pd.Timestamp(value)
        if pd.isna(ts):
            raise ValueError(note("error.calc.date_missing", what=what))
        return ts.normalize()
    raise ValueError(note("error.calc.not_a_date_value", what=what, value=repr(value)))
