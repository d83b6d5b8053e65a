"""The one exception the readers raise for bad input: :class:`ReadError`."""

from __future__ import annotations

import os

from ..notes import Note, note

__all__ = ["ReadError"]


class ReadError(ValueError):
    """A raw file cannot be read into a canonical airq table.

    The message says where: the file, the 1-based line number in the file (for Parquet: the
    1-based record number), the column as named in the file and the offending value as found
    in the file. Each of them is also available as an attribute (``None`` when it does not
    apply, e.g. ``row`` for a malformed header that names missing columns).

    Parameters
    ----------
    path : str or os.PathLike or None
        The file.
    row : int or None
        1-based line number in the file (the header is line 1).
    column : str or None
        The column as named in the file.
    value : object or None
        The offending value, verbatim (a string for text files).
    reason : str, optional
        What is wrong, in words (default: ``cannot read``): an :class:`airq.notes.Note` of the catalogue (``[note.error.read]``),
        so that the message can be said in Chinese too, or a plain text.
    unit : {"line", "record"}
        What ``row`` counts: lines of a text file (default) or records of a Parquet file.

    Examples
    --------
    >>> err = ReadError("a.csv", 12, "pm2_5", "abc", "not a number")
    >>> str(err)
    "a.csv, line 12, column 'pm2_5': not a number: 'abc'"
    >>> (err.path, err.row, err.column, err.value)
    ('a.csv', 12, 'pm2_5', 'abc')

    The message (``err.args[0]``) is an :class:`airq.notes.Note` composed of the location and the
    reason: ``airq.notes.render(err.args[0], "zh")`` says it in Chinese
    (``a.csv，第 12 行，列 'pm2_5'：不是数字：'abc'`` for the reason ``note("error.read.not_number")``).
    """

    def __init__(self, path, row=None, column=None, value=None, reason=None, *, unit="line"):
        if reason is None:
            reason = note("error.read.cannot_read")
        self.path = os.fspath(path) if path is not None else None
        self.row = None if row is None else int(row)
        self.column = column
        self.value = value
        self.reason = reason
        self.unit = unit
        super().__init__(self._message())

    def _message(self) -> Note:
        """``<path>, line 12, column 'pm2_5': <reason>: <value>`` as a note (its parts notes of their own)."""
        where = self.path if self.path is not None else note("error.read.input")
        if self.row is not None:
            part = (note(f"error.read.{self.unit}", row=self.row) if self.unit in ("line", "record")
                    else f"{self.unit} {self.row}")
            where = note("error.read.at", where=where, part=part)
        if self.column is not None:
            where = note("error.read.at", where=where, part=note("error.read.column", column=self.column))
        if self.value is None:
            return note("error.read.message", where=where, reason=self.reason)
        return note("error.read.message_value", where=where, reason=self.reason, value=_short(repr(self.value)))

    def __reduce__(self):  # picklable (multiprocessing, caching)
        return (_rebuild, (type(self), self.path, self.row, self.column, self.value, self.reason, self.unit))


def _rebuild(cls, path, row, column, value, reason, unit):
    return cls(path, row, column, value, reason, unit=unit)


def _short(text: str, keep: int = 40):
    """A raw value as an error message shows it: the first ``keep`` characters of a long one, and its length."""
    return text if len(text) <= keep + 10 else note("error.read.long_value", head=text[:keep], n=len(text))
