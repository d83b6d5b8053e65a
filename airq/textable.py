"""Plain-text tables aligned by display width, so Chinese names line up in a terminal.

East Asian wide and fullwidth characters (``unicodedata.east_asian_width`` ``W``/``F``, e.g.
德智高中) take two terminal columns, combining marks none, everything else one. pandas'
``to_string`` counts characters, which misaligns columns holding Chinese text.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Mapping, Sequence

import pandas as pd

__all__ = ["display_width", "pad", "format_table"]


def display_width(text: str) -> int:
    """Terminal columns ``text`` takes: 2 per wide/fullwidth character, 0 per combining mark."""
    width = 0
    for ch in str(text):
        if unicodedata.combining(ch):
            continue
        width += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return width


def pad(text: str, width: int, align: str = "left") -> str:
    """``text`` padded with spaces to ``width`` display columns (``align`` ``"left"`` or ``"right"``)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if align == "right" else text + fill


def _cell(value, decimals: int, na: str) -> str:
    if value is None or value is pd.NA or value is pd.NaT:
        return na
    if isinstance(value, float) or (hasattr(value, "dtype") and getattr(value.dtype, "kind", "") == "f"):
        value = float(value)
        return na if math.isnan(value) else f"{value:.{decimals}f}"
    return str(value)


def _looks_numeric(text: str) -> bool:
    try:
        float(text.replace("%", "").rstrip("*").strip())  # "81.4*": a figure with a mark
    except ValueError:
        return False
    return True


def format_table(frame_or_rows, columns: Sequence[str] | None = None, *, align: Mapping[str, str] | None = None,
                 decimals: int = 1, na: str = "—", sep: str = "  ", headers: Mapping[str, str] | None = None) -> str:
    """A table as text lines, each column padded to its widest cell in display columns.

    Parameters
    ----------
    frame_or_rows : DataFrame or sequence of mappings
        The rows (a DataFrame's index is not printed).
    columns : sequence of str, optional
        Columns to show, in order (default: all, in the frame's / first row's order).
    align : mapping column -> ``"left"`` | ``"right"``, optional
        Default: right for columns whose shown values all read as numbers (text such as
        ``"92.9"`` included), left otherwise.
    decimals : int, default 1
        Digits after the point for floats.
    na : str, default "—"
        Text of a missing value.
    sep : str, default two spaces
        Between columns.
    headers : mapping column -> str, optional
        The header shown for a column (default: its name), e.g. its words in the report's
        language (:mod:`airq.i18n`).

    Returns
    -------
    str
        Header line plus one line per row, no trailing newline; trailing spaces stripped.
    """
    if isinstance(frame_or_rows, pd.DataFrame):
        cols = list(columns) if columns is not None else [str(c) for c in frame_or_rows.columns]
        rows = frame_or_rows.to_dict("records")
    else:
        rows = [dict(r) for r in frame_or_rows]
        cols = list(columns) if columns is not None else (list(rows[0]) if rows else [])
    align = dict(align or {})
    texts = {c: [_cell(r.get(c), decimals, na) for r in rows] for c in cols}
    for c in cols:
        if c not in align:
            shown = [t for t in texts[c] if t != na]
            align[c] = "right" if shown and all(_looks_numeric(t) for t in shown) else "left"
    head = {c: str((headers or {}).get(c, c)) for c in cols}
    widths = {c: max([display_width(head[c]), *(display_width(t) for t in texts[c])]) for c in cols}
    lines = [sep.join(pad(head[c], widths[c], align[c]) for c in cols).rstrip()]
    for i in range(len(rows)):
        lines.append(sep.join(pad(texts[c][i], widths[c], align[c]) for c in cols).rstrip())
    return "\n".join(lines)
