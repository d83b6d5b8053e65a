"""Plan errors and the low-level checks of TOML values that raise them.

:class:`ConfigError` (a ``ValueError``) is what every problem of a plan or a station list raises
(:mod:`airq.config`, :mod:`airq.config_stations`, :mod:`airq.config_sections`, and the measures
files of :mod:`airq.measures`). Its message names the file, the TOML key path
(``groups.港北区.stations[2]``; list indices count from 0) and the offending value, for example::

    config/x.toml: groups.全市.stations[1]: station 2505A (德智高中) is a contrast station
    (对照点) ... (value: '2505A')

This module holds the error, the stand-in :data:`MISSING` for an absent key, the key-path
spelling (:func:`_path`), the error factory bound to one file (:class:`_Ctx`), the checks of
single TOML values (a table, known keys, a non-empty string, a station code, a boolean, an
integer in a range, a finite number as an exact :class:`decimal.Decimal`, one of a set of
choices), and the translation of a TOML syntax error into a :class:`ConfigError` that names the
line (:func:`_syntax_error`). It knows only :mod:`airq.notes`; the plan's dataclasses are in
:mod:`airq.config_plan`, the reading of each section in :mod:`airq.config_sections`.
"""

from __future__ import annotations

import ast
import difflib
import errno
import json
import math
import re
import tomllib
from decimal import Decimal
from typing import Any, Mapping, Sequence

from .notes import Note, note

__all__ = ["ConfigError", "MISSING", "os_reason"]

_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")


# --------------------------------------------------------------------------- errors


class _Missing:
    def __repr__(self) -> str:
        return "<missing>"

    def __reduce__(self):  # copies and pickles are the one MISSING
        return "MISSING"


#: Stand-in value for a key that is absent.
MISSING = _Missing()


def _show(value: Any) -> str:
    """A value as it would be written (Decimal without the wrapper, strings quoted)."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{k} = {_show(v)}" for k, v in value.items()) + "}"
    return repr(value)


class ConfigError(ValueError):
    """A plan or station list is wrong.

    The message reads ``"<file>: <key path>: <problem> (value: <value>)"``. It is an
    :class:`airq.notes.Note` (``args[0]``): the English sentence, said in Chinese with
    ``render(exc.args[0], "zh")``; ``key_path`` and ``problem`` may be notes themselves, so the
    place and the problem are said in the same language.

    Attributes
    ----------
    file : str
        The file (or ``"<plan_from_station_list>"`` for plans built in Python).
    key_path : str
        Where in the file: a TOML key path such as ``groups.港北区.stations[2]`` (indices from 0),
        ``(TOML syntax, line 7)``, or for CSV files ``line 18, 对照点`` (a note for the words
        around a key path).
    value : object
        The offending value (:data:`MISSING` for an absent key).
    problem : str
        What is wrong (a note of the catalogue, ``[note.error.plan]``, or a plain text).
    """

    def __init__(self, file: str, key_path: str, value: Any, problem: str):
        self.file = str(file)
        self.key_path = key_path
        self.value = value
        self.problem = problem
        shown = note("error.plan.missing_value") if isinstance(value, _Missing) else _show(value)
        super().__init__(note("error.plan.at", file=self.file, where=key_path, problem=problem, value=shown))

    def __reduce__(self):
        return (type(self), (self.file, self.key_path, self.value, self.problem))


def _key(k: str) -> str:
    if k and not re.search(r"[\s.\[\]\"'=#]", k):
        return k
    return json.dumps(k, ensure_ascii=False)


def _path(base: str, *parts: str | int) -> str:
    """Append raw keys (quoted when needed) and list indices to an already formatted path."""
    out = base
    for p in parts:
        if isinstance(p, int):
            out += f"[{p}]"
        else:
            out += ("." if out else "") + _key(p)
    return out


class _Ctx:
    """Error factory bound to one file."""

    def __init__(self, file: str):
        self.file = file

    def err(self, path: str, value: Any, problem: str) -> ConfigError:
        return ConfigError(self.file, path, value, problem)


_OS_REASONS = {errno.ENOENT: "error.plan.os.not_found", errno.EACCES: "error.plan.os.denied",
               errno.EISDIR: "error.plan.os.is_dir"}


def os_reason(exc: OSError) -> str:
    """Why a file could not be read: the system's words (``exc.strerror``), a note for the common reasons
    (no such file, permission denied, a folder) so that they are said in Chinese too."""
    text = exc.strerror or str(exc)
    key = _OS_REASONS.get(exc.errno) if exc.strerror else None
    return note(key, text=text) if key else text


# --------------------------------------------------------------------------- value checks


_TYPE_NAMES = {bool: "boolean", int: "integer", float: "float", Decimal: "float", str: "string",
               list: "array", dict: "table"}
_TYPE_NOTES = {"boolean": "error.plan.type.boolean", "integer": "error.plan.type.integer", "float": "error.plan.type.float",
               "string": "error.plan.type.string", "array": "error.plan.type.array", "table": "error.plan.type.table"}


def _tname(value: Any) -> str:
    """TOML name of a value's type (a TOML float arrives as Decimal), a note in either language."""
    name = _TYPE_NAMES.get(type(value))
    return note(_TYPE_NOTES[name]) if name else type(value).__name__


def _expected(what: str, value: Any) -> Note:
    """``expected <what>, got <type of value>``; ``what`` a note of ``[note.error.plan.what]``."""
    return note("error.plan.expected", what=what, got=_tname(value))


def _table(ctx: _Ctx, value: Any, path: str) -> Mapping:
    if not isinstance(value, Mapping):
        raise ctx.err(path, value, _expected(note("error.plan.what.table"), value))
    return value


def _check_keys(ctx: _Ctx, table: Mapping, allowed: Sequence[str], path: str) -> None:
    for k in table:
        if k not in allowed:
            hint = difflib.get_close_matches(str(k), allowed, n=1)
            problem = (note("error.plan.unknown_key_hint", entry=repr(k), allowed=list(allowed), hint=hint[0]) if hint
                       else note("error.plan.unknown_key", entry=repr(k), allowed=list(allowed)))
            raise ctx.err(_path(path, str(k)), table[k], problem)


def _require(ctx: _Ctx, table: Mapping, key: str, path: str) -> Any:
    if key not in table:
        raise ctx.err(_path(path, key), MISSING, note("error.plan.missing_key"))
    return table[key]


def _string(ctx: _Ctx, value: Any, path: str, *, what: str | None = None) -> str:
    if not isinstance(value, str):
        raise ctx.err(path, value, _expected(what or note("error.plan.what.string"), value))
    if not value.strip():
        raise ctx.err(path, value, note("error.plan.not_empty"))
    if value != value.strip():
        raise ctx.err(path, value, note("error.plan.whitespace"))
    return value


def _code(ctx: _Ctx, value: Any, path: str) -> str:
    code = _string(ctx, value, path, what=note("error.plan.what.code"))
    if not _CODE_RE.fullmatch(code):
        raise ctx.err(path, value, note("error.plan.not_code"))
    return code


def _bool(ctx: _Ctx, value: Any, path: str) -> bool:
    if not isinstance(value, bool):
        raise ctx.err(path, value, _expected(note("error.plan.what.boolean"), value))
    return value


def _int(ctx: _Ctx, value: Any, path: str, lo: int | None = None, hi: int | None = None) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ctx.err(path, value, _expected(note("error.plan.what.integer"), value))
    if (lo is not None and value < lo) or (hi is not None and value > hi):
        raise ctx.err(path, value, note("error.plan.between", lo=lo, hi=hi) if hi is not None
                      else note("error.plan.at_least", lo=lo))
    return value


def _number(ctx: _Ctx, value: Any, path: str) -> Decimal:
    """A finite number as an exact Decimal (TOML floats already arrive as Decimal)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        raise ctx.err(path, value, _expected(note("error.plan.what.number"), value))
    if isinstance(value, float):  # from Python callers: the decimal the float stands for
        if not math.isfinite(value):
            raise ctx.err(path, value, note("error.plan.finite"))
        return Decimal(repr(value))
    d = Decimal(value)
    if not d.is_finite():
        raise ctx.err(path, value, note("error.plan.finite"))
    return d


def _decimals_of(d: Decimal) -> int:
    exp = d.normalize().as_tuple().exponent
    return max(0, -exp) if isinstance(exp, int) else 0


def _choice(ctx: _Ctx, value: Any, path: str, allowed: Sequence[str]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise ctx.err(path, value, note("error.plan.one_of", choices=[repr(a) for a in allowed]))
    return value


# --------------------------------------------------------------------------- TOML syntax


def _syntax_error(file: str, text: str, exc: tomllib.TOMLDecodeError) -> ConfigError:
    msg = str(exc)
    m = re.search(r"\(at line (\d+), column \d+\)", msg)
    line_no = int(m.group(1)) if m else None
    key_path = note("error.plan.where.syntax_line", line=line_no) if line_no else note("error.plan.where.syntax")
    problem = note("error.plan.toml", message=msg)
    d = re.match(r"Cannot declare (\(.*?\)) twice", msg)
    if d:
        try:
            parts = ast.literal_eval(d.group(1))
            key = _path("", *[str(p) for p in parts])
            key_path = note("error.plan.where.key_line", entry=key, line=line_no) if line_no else key
            problem = note("error.plan.toml_twice", message=msg)
        except (ValueError, SyntaxError):  # pragma: no cover - message format changed
            pass
    value: Any = MISSING
    if line_no is not None:
        lines = text.splitlines()
        if 0 < line_no <= len(lines):
            value = lines[line_no - 1].strip()
    return ConfigError(file, key_path, value, problem)
