"""Small helpers shared by the modules (no domain logic here)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["label", "atomic_write_text", "atomic_write_bytes", "widen_float", "beijing_naive"]


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
