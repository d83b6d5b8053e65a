"""Assessment plans as configuration: stations, groups, targets and options in TOML.

A *plan* says which monitoring stations exist, how they are grouped into the units that are
judged (a county, the city, a single station), which targets each unit must meet in which year,
and the reporting options that the statistics follow. It is read from a TOML file with
:func:`load_plan` (schema in ``config/README.md``) or built in Python against the CNEMC national
station list with :func:`plan_from_station_list`.

Everything is validated when the plan is loaded. Any problem raises :class:`ConfigError`
(a ``ValueError``) whose message names the file, the TOML key path (``groups.港北区.stations[2]``;
list indices count from 0) and the offending value, for example::

    config/x.toml: groups.全市.stations[1]: station 2505A (德智高中) is a contrast station
    (对照点) ... (value: '2505A')

Numbers
-------
Targets are kept exactly as written: TOML floats are parsed as :class:`decimal.Decimal`
(``93.8`` is ``Decimal('93.8')``, not the binary float 93.799999...). Use
``fractions.Fraction(t.pm25_mean)`` for exact arithmetic. Coordinates are plain floats.

Contrast stations
-----------------
Contrast / background sites (对照点) are not assessment stations and must not enter a county or
city mean (standards.md §2.5, §5 item 8). A group that lists one is an error unless the group
sets ``allow_contrast = true`` (e.g. a single-station group used to look at the contrast site
itself). In the CNEMC list the flag ``对照点 = Y`` also marks decommissioned stations (names
ending in ``(停运YYMMDD)``); airq treats both alike: ``contrast = True`` means "not an
assessment station".

References
----------
.. [1] standards.md §2.5 (city/county value = mean over the assessment stations; contrast sites
   excluded; minimum number of valid stations per day an open point).
.. [2] standards.md §2.7 (reporting precision: PM2.5 period means 1 decimal, ratios 1 decimal,
   composite index 2 decimals, other concentrations integers).
.. [3] standards.md §2.9 (good-day ratio AQI <= 100, heavy-pollution ratio AQI > 200, dust
   deduction mode to be made explicit).
.. [4] standards.md §5 item 8 (contrast stations in city means), S13 (CNEMC station list).
"""

from __future__ import annotations

import ast
import difflib
import errno
import io
import json
import math
import re
import tomllib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import pandas as pd

from .notes import Note, note

__all__ = [
    "ConfigError",
    "MISSING",
    "Station",
    "Group",
    "Targets",
    "TargetSpec",
    "Options",
    "Plan",
    "GROUP_KINDS",
    "TARGET_SPECS",
    "REQUIRED_TARGETS",
    "DEFAULT_DECIMALS",
    "O3_8H_AGGREGATIONS",
    "DUST_DEDUCTIONS",
    "STATION_LIST_COLUMNS",
    "load_plan",
    "load_station_list",
    "plan_from_station_list",
    "plan_by_station",
    "MeasuresFiles",
]

#: Kinds of group: a county-level unit, the whole city, or one station on its own.
GROUP_KINDS = ("county", "city", "station")
#: Ways to build a group's daily O3 max-8h value (standards.md §2.5: open question, [L]).
#: ``"mean_of_station_max"``: mean of the stations' daily max-8h values (default, same order
#: as every other pollutant); ``"max_of_mean_series"``: max over the day of the group-mean 8-h series.
O3_8H_AGGREGATIONS = ("mean_of_station_max", "max_of_mean_series")
#: Dust deduction (standards.md §2.9, [L]): ``"none"`` (default; real-time data carry no dust
#: flags), ``"exclude_days"`` (dust-caused exceedance days leave the denominator),
#: ``"recompute"`` (the day's AQI is recomputed without the dust-affected particulate values).
DUST_DEDUCTIONS = ("none", "exclude_days", "recompute")


@dataclass(frozen=True)
class TargetSpec:
    """What one target key means.

    Attributes
    ----------
    key : str
        TOML key (``"pm25_mean"``).
    unit : str
        ``"%"``, ``"µg/m³"``, ``"days"`` or ``""``.
    sense : str
        ``"min"`` (the statistic must be at least the target) or ``"max"`` (at most).
    integer : bool
        The target is a whole number (a count of days).
    description : str
        What the statistic is.
    """

    key: str
    unit: str
    sense: str
    integer: bool
    description: str


#: Every target key a plan may set, in display order (standards.md §2.6, §2.8, §2.9).
TARGET_SPECS: Mapping[str, TargetSpec] = MappingProxyType(
    {
        s.key: s
        for s in (
            TargetSpec("good_day_ratio", "%", "min", False, "优良天数比例: days with AQI <= 100 / valid days x 100"),
            TargetSpec("pm25_mean", "µg/m³", "max", False, "PM2.5 annual mean (mean of the group's daily means)"),
            TargetSpec("heavy_day_ratio", "%", "max", False, "重度及以上污染天数比例: days with AQI > 200 / valid days x 100"),
            TargetSpec("o3_p90", "µg/m³", "max", False, "O3 daily max 8-h, 90th percentile"),
            TargetSpec("good_days", "days", "min", True, "number of days with AQI <= 100"),
            TargetSpec("pm10_mean", "µg/m³", "max", False, "PM10 annual mean"),
            TargetSpec("composite_index", "", "max", False, "环境空气质量综合指数 (standards.md §2.8)"),
        )
    }
)
#: Target keys every target table must set.
REQUIRED_TARGETS = ("good_day_ratio", "pm25_mean", "heavy_day_ratio")
#: Default reporting decimals per statistic (standards.md §2.7, [M]). ``good_days`` is a count.
DEFAULT_DECIMALS: Mapping[str, int] = MappingProxyType(
    {
        "good_day_ratio": 1,
        "heavy_day_ratio": 1,
        "pm25_mean": 1,
        "pm10_mean": 0,
        "o3_p90": 0,
        "composite_index": 2,
    }
)
#: Columns of :func:`load_station_list`'s result, in order.
STATION_LIST_COLUMNS = ("code", "name", "city", "lon", "lat", "contrast", "province", "prefecture")
# CSV header (CNEMC NewSiteList) -> column of the result.
_CSV_COLUMNS = {
    "监测点编码": "code",
    "监测点名称": "name",
    "城市": "city",
    "经度": "lon",
    "纬度": "lat",
    "对照点": "contrast",
    "省级行政区": "province",
    "地级行政区": "prefecture",
}
_CONTRAST_SUFFIXES = ("(对照点)", "（对照点）")
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")
_YEAR_RE = re.compile(r"[0-9]{4}")
_YEAR_RANGE = (1900, 2100)
_DEFAULT_KEY = "default"

_TOP_KEYS = ("plan", "stations", "groups", "targets", "options", "measures")
_PLAN_KEYS = ("name", "city", "year", "years", "station_list", "source")
_STATION_KEYS = ("name", "county", "lat", "lon", "contrast", "synthetic")
_STATION_REQUIRED = ("name", "lat", "lon", "contrast")
_GROUP_KEYS = ("kind", "stations", "allow_contrast", "min_stations")
_OPTION_KEYS = ("decimals", "min_stations", "o3_8h_aggregation", "dust_deduction")


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


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Station:
    """One monitoring station.

    Attributes
    ----------
    code : str
        CNEMC code (``2506A``) or the user's own code for a non-national station.
    name : str
        Station name, without the ``(对照点)`` suffix.
    county : str or None
        County-level division the station lies in, where the plan records it.
    lat, lon : float or None
        WGS-84 decimal degrees (None only for stations taken from a station list without them).
    contrast : bool
        True for a contrast/background site (对照点), which is not an assessment station
        (standards.md §2.5).
    synthetic : bool
        True for an invented placeholder (demo data); never sign a report that uses one.
    origin : str
        Where the definition came from (``stations.2506A`` or ``station list <file>``).
    """

    code: str
    name: str
    county: str | None
    lat: float | None
    lon: float | None
    contrast: bool
    synthetic: bool = False
    origin: str = ""


@dataclass(frozen=True)
class Group:
    """A unit that is judged: a county, the city, or one station.

    Attributes
    ----------
    name : str
        Group name (``港北区``).
    stations : tuple of str
        Station codes, in the order written. The group's daily value is the mean over these
        stations' valid daily values (standards.md §2.5).
    kind : str
        ``"county"``, ``"city"`` or ``"station"`` (exactly one station).
    allow_contrast : bool
        A contrast station may be listed only when this is True.
    min_stations : int or None
        Minimum number of stations with a valid daily value for a valid group day;
        None = the plan's ``options.min_stations`` (see :meth:`Plan.min_stations_for`).
    """

    name: str
    stations: tuple[str, ...]
    kind: str
    allow_contrast: bool = False
    min_stations: int | None = None


@dataclass(frozen=True)
class Targets:
    """The targets of one group for one year (or the default ones).

    Values are exact decimals as written in the plan (``Decimal('93.8')``); ``good_days`` is an int.
    Unset optional targets are None. See :data:`TARGET_SPECS` for units and senses.

    Attributes
    ----------
    group : str
    year : int or None
        The year; None for a ``[targets.default.<group>]`` entry itself.
    good_day_ratio : Decimal
        Minimum good-day ratio [%] (AQI <= 100).
    pm25_mean : Decimal
        Maximum PM2.5 annual mean [µg/m³].
    heavy_day_ratio : Decimal
        Maximum heavy-pollution-day ratio [%] (AQI > 200).
    o3_p90, pm10_mean : Decimal or None
        Maximum O3 90th percentile / PM10 annual mean [µg/m³].
    good_days : int or None
        Minimum number of good days.
    composite_index : Decimal or None
        Maximum composite index.
    from_default : bool
        True when the values come from ``[targets.default.<group>]`` rather than an entry for
        the year itself.
    origin : str
        Key path of the table the values come from (``targets.2023.港北区``).
    """

    group: str
    year: int | None
    good_day_ratio: Decimal
    pm25_mean: Decimal
    heavy_day_ratio: Decimal
    o3_p90: Decimal | None = None
    good_days: int | None = None
    pm10_mean: Decimal | None = None
    composite_index: Decimal | None = None
    from_default: bool = False
    origin: str = ""

    def values(self) -> dict[str, Decimal | int]:
        """The targets that are set, keyed as in :data:`TARGET_SPECS`, in display order."""
        return {k: getattr(self, k) for k in TARGET_SPECS if getattr(self, k) is not None}


@dataclass(frozen=True)
class Options:
    """Reporting and aggregation options of a plan.

    Attributes
    ----------
    decimals : mapping str -> int
        Reporting decimals per statistic (keys of :data:`DEFAULT_DECIMALS`); defaults
        PM2.5 mean 1, ratios 1, composite index 2, other concentrations 0 (standards.md §2.7).
    min_stations : int
        Default minimum number of stations with a valid daily value for a group day to be
        valid. Default 1 (any valid station). A share such as 75 % is sometimes quoted but not
        verified (standards.md §2.5, [L]); set it per group with ``groups.<name>.min_stations``.
    o3_8h_aggregation : str
        One of :data:`O3_8H_AGGREGATIONS`; default ``"mean_of_station_max"`` (standards.md §2.5,
        open question).
    dust_deduction : str
        One of :data:`DUST_DEDUCTIONS`; default ``"none"`` (standards.md §2.9).
    """

    decimals: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DECIMALS)
    min_stations: int = 1
    o3_8h_aggregation: str = "mean_of_station_max"
    dust_deduction: str = "none"


@dataclass(frozen=True)
class Plan:
    """A validated assessment plan.

    Attributes
    ----------
    name : str
        Name of the plan (the document the targets come from).
    city : str
        City (prefecture) the plan belongs to.
    years : tuple of int
        Years the plan's own (explicit) targets are for.
    stations : mapping str -> Station
        Every station the plan defines or uses, by code.
    groups : mapping str -> Group
        Groups by name, in the order written.
    targets : mapping (str, int) -> Targets
        Explicit targets by (group, year). Years without an entry may fall back on
        ``default_targets`` through :meth:`targets_for`.
    default_targets : mapping str -> Targets
        ``[targets.default.<group>]`` entries by group (``year`` None, ``from_default`` True).
    options : Options
    source : str or None
        Free-text provenance of the plan.
    path : str or None
        File the plan was loaded from.
    measures : MeasuresFiles or None
        ``[measures]``: the register of the plan's dated measures and its status file.
    """

    name: str
    city: str
    years: tuple[int, ...]
    stations: Mapping[str, Station]
    groups: Mapping[str, Group]
    targets: Mapping[tuple[str, int], Targets]
    default_targets: Mapping[str, Targets]
    options: Options
    source: str | None = None
    path: str | None = None
    measures: "MeasuresFiles | None" = None

    @property
    def year(self) -> int:
        """The plan's year, when it covers exactly one (else ``ValueError``)."""
        if len(self.years) != 1:
            raise ValueError(f"plan {self.name!r} covers several years {list(self.years)}; use .years")
        return self.years[0]

    def _group(self, name: str) -> Group:
        try:
            return self.groups[name]
        except KeyError:
            raise KeyError(note("error.plan.no_group", plan=self.name, group=repr(name), groups=list(self.groups))) from None

    def group_stations(self, name: str) -> tuple[str, ...]:
        """Station codes of group ``name`` (KeyError naming the known groups if unknown)."""
        return self._group(name).stations

    def min_stations_for(self, name: str) -> int:
        """Minimum number of valid stations for a valid day of group ``name``."""
        g = self._group(name)
        return g.min_stations if g.min_stations is not None else self.options.min_stations

    def targets_for(self, group: str, year: int, *, use_default: bool = True) -> Targets:
        """Targets of ``group`` for ``year``.

        The entry ``[targets.<year>.<group>]`` if there is one; otherwise, when ``use_default``,
        ``[targets.default.<group>]`` re-stamped with ``year`` (its ``from_default`` is True).

        Raises
        ------
        KeyError
            Unknown group, or no targets for that group and year.
        """
        self._group(group)
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be an int, not {type(year).__name__}")
        t = self.targets.get((group, year))
        if t is not None:
            return t
        if use_default and group in self.default_targets:
            return replace(self.default_targets[group], year=year)
        years = sorted(y for g, y in self.targets if g == group)
        has_default = group in self.default_targets
        default = ((note("error.plan.default_yes") if has_default else note("error.plan.default_no")) if use_default
                   else note("error.plan.default_yes_unused") if has_default else note("error.plan.default_no_unused"))
        raise KeyError(note("error.plan.no_targets", plan=self.name, group=repr(group), year=year,
                            years=str(years) if years else note("error.plan.no_years"), default=default))

    def assessment_stations(self, kind: str | None = None) -> tuple[str, ...]:
        """Codes of the assessment (non-contrast) stations used by the plan's groups, sorted.

        Parameters
        ----------
        kind : str, optional
            Only stations of groups of this kind (``"city"`` gives the city's assessment
            stations). Contrast stations are never returned, even from a group that allows them
            (standards.md §2.5).
        """
        if kind is not None and kind not in GROUP_KINDS:
            raise ValueError(f"kind must be one of {', '.join(GROUP_KINDS)}, not {kind!r}")
        codes = {
            c
            for g in self.groups.values()
            if kind is None or g.kind == kind
            for c in g.stations
            if not self.stations[c].contrast
        }
        return tuple(sorted(codes))

    def synthetic_stations(self) -> tuple[str, ...]:
        """Codes of stations marked ``synthetic`` (placeholders), sorted."""
        return tuple(sorted(c for c, s in self.stations.items() if s.synthetic))


# --------------------------------------------------------------------------- station list


def _decode(raw: bytes, file: str) -> tuple[str, str]:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc), ("utf-8" if enc == "utf-8-sig" else enc)
        except UnicodeDecodeError:
            continue
    raise ConfigError(file, note("error.plan.where.encoding"), MISSING, note("error.plan.list.encoding"))  # pragma: no cover


def load_station_list(path: str | Path) -> pd.DataFrame:
    """Read a CNEMC national station list (``NewSiteList.csv`` layout).

    Parameters
    ----------
    path : str or Path
        CSV with the header ``监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区``
        (further columns are ignored), UTF-8 (with or without BOM) or GB18030 (the encoding of
        the original file): UTF-8 is tried first, then GB18030.

    Returns
    -------
    pandas.DataFrame
        One row per station in file order, columns :data:`STATION_LIST_COLUMNS`:
        ``code`` (str), ``name`` (str, the ``(对照点)`` suffix stripped), ``city``, ``lon``,
        ``lat`` (float64, NaN where the list leaves them empty), ``contrast`` (bool, ``对照点 ==
        'Y'``; note that the list also flags decommissioned stations ``Y``), ``province``,
        ``prefecture``. ``attrs["source"]`` is the path, ``attrs["encoding"]`` the encoding used.

    Raises
    ------
    ConfigError
        Unreadable file, missing columns, empty or duplicate codes, 对照点 not Y/N, coordinates
        not numbers or out of range. The key path is ``line <n>, <column>`` (n counts the header
        as line 1).

    References
    ----------
    standards.md §0 S13, §2.5.
    """
    file = str(path)
    ctx = _Ctx(file)
    try:
        raw = Path(path).read_bytes()
    except OSError as exc:
        raise ctx.err(note("error.plan.where.file"), file, note("error.plan.list.cannot_read", reason=os_reason(exc))) from None
    text, encoding = _decode(raw, file)
    try:
        df = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, na_filter=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ctx.err(note("error.plan.where.csv"), MISSING, note("error.plan.list.not_csv", error=str(exc))) from None
    header = [str(c).strip() for c in df.columns]
    df.columns = header
    missing = [c for c in _CSV_COLUMNS if c not in header]
    if missing:
        raise ctx.err(note("error.plan.where.header"), header,
                      note("error.plan.list.missing_columns", missing=list(missing), expected=",".join(_CSV_COLUMNS)))
    df = df[list(_CSV_COLUMNS)].rename(columns=_CSV_COLUMNS)
    for c in df.columns:
        df[c] = df[c].str.strip()
    line = lambda i: i + 2  # noqa: E731 - data row i is on file line i + 2

    def where(i: int, col: str) -> str:
        return note("error.plan.where.line_column", line=line(i), column=col)

    for i, code in enumerate(df["code"]):
        if not code:
            raise ctx.err(where(i, "监测点编码"), code, note("error.plan.list.empty_code"))
    dup = df["code"].duplicated(keep="first")
    if dup.any():
        i = int(dup.to_numpy().nonzero()[0][0])
        first = int((df["code"] == df["code"].iloc[i]).to_numpy().nonzero()[0][0])
        raise ctx.err(where(i, "监测点编码"), df["code"].iloc[i], note("error.plan.list.duplicate_code", line=line(first)))
    bad = ~df["contrast"].isin(["Y", "N"])
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise ctx.err(where(i, "对照点"), df["contrast"].iloc[i], note("error.plan.list.contrast_flag"))
    df["contrast"] = df["contrast"] == "Y"
    for col, label, lim in (("lon", "经度", 180), ("lat", "纬度", 90)):
        vals = pd.to_numeric(df[col].where(df[col] != ""), errors="coerce")
        bad = vals.isna() & (df[col] != "")
        if bad.any():
            i = int(bad.to_numpy().nonzero()[0][0])
            raise ctx.err(where(i, label), df[col].iloc[i], note("error.plan.list.not_number"))
        out = vals.abs() > lim
        if out.any():
            i = int(out.to_numpy().nonzero()[0][0])
            raise ctx.err(where(i, label), df[col].iloc[i], note("error.plan.list.degrees", limit=lim))
        df[col] = vals.astype("float64")
    names = df["name"]
    for suffix in _CONTRAST_SUFFIXES:
        names = names.where(~names.str.endswith(suffix), names.str.slice(0, -len(suffix)))
    df["name"] = names.str.strip()
    df = df[list(STATION_LIST_COLUMNS)].reset_index(drop=True)
    df.attrs["source"] = file
    df.attrs["encoding"] = encoding
    return df


def _station_list_frame(ctx: _Ctx, station_list: Any, key_path: str, base_dir: Path | None) -> pd.DataFrame:
    if isinstance(station_list, pd.DataFrame):
        missing = [c for c in STATION_LIST_COLUMNS if c not in station_list.columns]
        if missing:
            raise ctx.err(key_path, list(station_list.columns),
                          note("error.plan.list.frame_columns", missing=list(missing)))
        return station_list
    if isinstance(station_list, (str, Path)):
        p = Path(station_list)
        if not p.is_absolute() and base_dir is not None:
            p = base_dir / p
        if not p.is_file():
            raise ctx.err(key_path, str(station_list), note("error.plan.list.not_found", path=str(p)))
        return load_station_list(p)
    raise ctx.err(key_path, station_list, note("error.plan.list.bad_argument"))


# --------------------------------------------------------------------------- plan builder


def _parse_plan_table(ctx: _Ctx, raw: Mapping) -> tuple[str, str, tuple[int, ...], Any, str | None]:
    plan = _table(ctx, _require(ctx, raw, "plan", ""), "plan")
    _check_keys(ctx, plan, _PLAN_KEYS, "plan")
    name = _string(ctx, _require(ctx, plan, "name", "plan"), "plan.name")
    city = _string(ctx, _require(ctx, plan, "city", "plan"), "plan.city")
    if "year" in plan and "years" in plan:
        raise ctx.err("plan.years", plan["years"], note("error.plan.year_and_years"))
    if "year" in plan:
        years = (_int(ctx, plan["year"], "plan.year", *_YEAR_RANGE),)
    elif "years" in plan:
        ys = plan["years"]
        if not isinstance(ys, list) or not ys:
            raise ctx.err("plan.years", ys, note("error.plan.years_list"))
        years = tuple(_int(ctx, y, _path("plan", "years", i), *_YEAR_RANGE) for i, y in enumerate(ys))
        for i, y in enumerate(years):
            if y in years[:i]:
                raise ctx.err(_path("plan", "years", i), y, note("error.plan.year_twice"))
        years = tuple(sorted(years))
    else:
        raise ctx.err("plan.year", MISSING, note("error.plan.year_missing"))
    station_list = plan.get("station_list")
    if station_list is not None:
        _string(ctx, station_list, "plan.station_list", what=note("error.plan.what.path"))
    source = plan.get("source")
    if source is not None:
        _string(ctx, source, "plan.source")
    return name, city, years, station_list, source


def _parse_stations(ctx: _Ctx, raw: Mapping) -> dict[str, Station]:
    table = _table(ctx, raw.get("stations", {}), "stations")
    out: dict[str, Station] = {}
    seen: dict[str, str] = {}
    for code, spec in table.items():
        path = _path("stations", code)
        _code(ctx, code, path)
        folded = code.upper()
        if folded in seen:
            raise ctx.err(path, code, note("error.plan.code_case", other=seen[folded]))
        seen[folded] = code
        spec = _table(ctx, spec, path)
        _check_keys(ctx, spec, _STATION_KEYS, path)
        for k in _STATION_REQUIRED:
            _require(ctx, spec, k, path)
        name = _string(ctx, spec["name"], _path(path, "name"))
        county = spec.get("county")
        if county is not None:
            county = _string(ctx, county, _path(path, "county"))
        lat = _number(ctx, spec["lat"], _path(path, "lat"))
        if not -90 <= lat <= 90:
            raise ctx.err(_path(path, "lat"), spec["lat"], note("error.plan.latitude"))
        lon = _number(ctx, spec["lon"], _path(path, "lon"))
        if not -180 <= lon <= 180:
            raise ctx.err(_path(path, "lon"), spec["lon"], note("error.plan.longitude"))
        contrast = _bool(ctx, spec["contrast"], _path(path, "contrast"))
        synthetic = _bool(ctx, spec.get("synthetic", False), _path(path, "synthetic"))
        out[code] = Station(code, name, county, float(lat), float(lon), contrast, synthetic, origin=path)
    return out


def _parse_options(ctx: _Ctx, raw: Mapping) -> Options:
    opts = _table(ctx, raw.get("options", {}), "options")
    _check_keys(ctx, opts, _OPTION_KEYS, "options")
    decimals = dict(DEFAULT_DECIMALS)
    if "decimals" in opts:
        dec = _table(ctx, opts["decimals"], "options.decimals")
        _check_keys(ctx, dec, tuple(DEFAULT_DECIMALS), "options.decimals")
        for k, v in dec.items():
            decimals[k] = _int(ctx, v, _path("options", "decimals", k), 0, 6)
    kw: dict[str, Any] = {"decimals": MappingProxyType(decimals)}
    if "min_stations" in opts:
        kw["min_stations"] = _int(ctx, opts["min_stations"], "options.min_stations", 1)
    if "o3_8h_aggregation" in opts:
        kw["o3_8h_aggregation"] = _choice(ctx, opts["o3_8h_aggregation"], "options.o3_8h_aggregation", O3_8H_AGGREGATIONS)
    if "dust_deduction" in opts:
        kw["dust_deduction"] = _choice(ctx, opts["dust_deduction"], "options.dust_deduction", DUST_DEDUCTIONS)
    return Options(**kw)


def _station_from_list(row: Mapping, source: str) -> Station:
    def coord(v) -> float | None:
        return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)

    return Station(
        code=row["code"],
        name=row["name"],
        county=None,
        lat=coord(row["lat"]),
        lon=coord(row["lon"]),
        contrast=bool(row["contrast"]),
        synthetic=False,
        origin=f"station list {source}",
    )


def _parse_groups(ctx: _Ctx, raw: Mapping, stations: dict[str, Station], options: Options,
                  listed: Mapping[str, Mapping] | None, list_source: str) -> dict[str, Group]:
    table = _table(ctx, _require(ctx, raw, "groups", ""), "groups")
    if not table:
        raise ctx.err("groups", {}, note("error.plan.no_groups"))
    out: dict[str, Group] = {}
    for gname, spec in table.items():
        gpath = _path("groups", gname)
        _string(ctx, gname, gpath, what=note("error.plan.what.group_name"))
        spec = _table(ctx, spec, gpath)
        _check_keys(ctx, spec, _GROUP_KEYS, gpath)
        kind = _choice(ctx, _require(ctx, spec, "kind", gpath), _path(gpath, "kind"), GROUP_KINDS)
        codes = _require(ctx, spec, "stations", gpath)
        spath = _path(gpath, "stations")
        if not isinstance(codes, list):
            raise ctx.err(spath, codes, _expected(note("error.plan.what.code_list"), codes))
        if not codes:
            raise ctx.err(spath, codes, note("error.plan.group_empty"))
        allow_contrast = _bool(ctx, spec.get("allow_contrast", False), _path(gpath, "allow_contrast"))
        for i, code in enumerate(codes):
            ipath = _path(gpath, "stations", i)
            _code(ctx, code, ipath)
            if code in codes[:i]:
                raise ctx.err(ipath, code, note("error.plan.station_twice", index=codes.index(code)))
            if code not in stations:
                if listed is not None and code in listed:
                    stations[code] = _station_from_list(listed[code], list_source)
                else:
                    # No "did you mean": neighbouring codes are different stations (2505A/2506A).
                    raise ctx.err(ipath, code, note("error.plan.undefined_list", code=code, source=list_source)
                                  if listed is not None else note("error.plan.undefined", code=code))
            st = stations[code]
            if st.contrast and not allow_contrast:
                key = "error.plan.contrast_listed" if st.origin.startswith("station list") else "error.plan.contrast"
                raise ctx.err(ipath, code, note(key, code=code, name=st.name))
        if kind == "station" and len(codes) != 1:
            raise ctx.err(spath, codes, note("error.plan.kind_station", n=len(codes)))
        min_st = None
        if "min_stations" in spec:
            min_st = _int(ctx, spec["min_stations"], _path(gpath, "min_stations"), 1)
            if min_st > len(codes):
                raise ctx.err(_path(gpath, "min_stations"), min_st, note("error.plan.min_stations_group", n=len(codes)))
        elif options.min_stations > len(codes):
            raise ctx.err("options.min_stations", options.min_stations,
                          note("error.plan.min_stations_option", group=gname, n=len(codes), entry=_key(gname)))
        out[gname] = Group(gname, tuple(codes), kind, allow_contrast, min_st)
    return out


def _parse_one_targets(ctx: _Ctx, spec: Any, path: str, group: str, year: int | None, options: Options) -> Targets:
    spec = _table(ctx, spec, path)
    _check_keys(ctx, spec, tuple(TARGET_SPECS), path)
    for k in REQUIRED_TARGETS:
        _require(ctx, spec, k, path)
    values: dict[str, Any] = {}
    for k, v in spec.items():
        kpath = _path(path, k)
        ts = TARGET_SPECS[k]
        if ts.integer:
            values[k] = _int(ctx, v, kpath, 0, 366)
            continue
        d = _number(ctx, v, kpath)
        if d < 0:
            raise ctx.err(kpath, v, note("error.plan.negative"))
        if ts.unit == "%":
            if d > 100:
                raise ctx.err(kpath, v, note("error.plan.ratio_range"))
            if k == "good_day_ratio" and 0 < d <= 1:
                raise ctx.err(kpath, v, note("error.plan.fraction"))
        nd = _decimals_of(d)
        allowed = options.decimals[k]
        if nd > allowed:
            raise ctx.err(kpath, v, note("error.plan.too_fine", places=nd, allowed=allowed, entry=k))
        values[k] = d
    return Targets(group=group, year=year, from_default=year is None, origin=path, **values)


def _parse_targets(ctx: _Ctx, raw: Mapping, years: tuple[int, ...], groups: Mapping[str, Group],
                   options: Options) -> tuple[dict, dict]:
    table = _table(ctx, raw.get("targets", {}), "targets")
    explicit: dict[tuple[str, int], Targets] = {}
    default: dict[str, Targets] = {}
    for ykey, per_group in table.items():
        ypath = _path("targets", str(ykey))
        if ykey == _DEFAULT_KEY:
            year = None
        else:
            if not isinstance(ykey, str) or not _YEAR_RE.fullmatch(ykey):
                raise ctx.err(ypath, ykey, note("error.plan.year_key"))
            year = int(ykey)
            if year not in years:
                raise ctx.err(ypath, ykey, note("error.plan.year_not_in_plan", years=str(list(years))))
        per_group = _table(ctx, per_group, ypath)
        for gname, spec in per_group.items():
            gpath = _path("targets", str(ykey), gname)
            if gname not in groups:
                near = difflib.get_close_matches(gname, list(groups), n=1)
                problem = (note("error.plan.targets_unknown_group_hint", group=gname, groups=list(groups), hint=near[0])
                           if near else note("error.plan.targets_unknown_group", group=gname, groups=list(groups)))
                raise ctx.err(gpath, gname, problem)
            t = _parse_one_targets(ctx, spec, gpath, gname, year, options)
            if year is None:
                default[gname] = t
            else:
                explicit[(gname, year)] = t
    return explicit, default


def _build_plan(raw: Mapping, file: str, base_dir: Path | None, station_list: Any = None) -> Plan:
    ctx = _Ctx(file)
    raw = _table(ctx, raw, note("error.plan.where.top"))
    _check_keys(ctx, raw, _TOP_KEYS, "")
    name, city, years, list_key, source = _parse_plan_table(ctx, raw)
    stations = _parse_stations(ctx, raw)
    options = _parse_options(ctx, raw)

    listed = None
    list_source = ""
    if station_list is not None or list_key is not None:
        key_path = note("error.plan.where.list_argument") if station_list is not None else "plan.station_list"
        df = _station_list_frame(ctx, station_list if station_list is not None else list_key, key_path, base_dir)
        list_source = str(df.attrs.get("source", "<DataFrame>"))
        listed = {r["code"]: r for r in df.to_dict("records")}
        for code, st in stations.items():
            if code in listed and bool(listed[code]["contrast"]) != st.contrast:
                raise ctx.err(_path("stations", code, "contrast"), st.contrast,
                              note("error.plan.list_disagrees", source=list_source, flag="Y" if listed[code]["contrast"] else "N"))

    groups = _parse_groups(ctx, raw, stations, options, listed, list_source)
    explicit, default = _parse_targets(ctx, raw, years, groups, options)
    measures = _parse_measures(ctx, raw, base_dir)
    return Plan(
        name=name,
        city=city,
        years=years,
        stations=MappingProxyType(dict(stations)),
        groups=MappingProxyType(groups),
        targets=MappingProxyType(explicit),
        default_targets=MappingProxyType(default),
        options=options,
        source=source,
        path=None if base_dir is None else file,
        measures=measures,
    )


# --------------------------------------------------------------------------- [measures]


@dataclass(frozen=True)
class MeasuresFiles:
    """``[measures]``: the plan's measures register and status file (read by :mod:`airq.measures`).

    Attributes
    ----------
    register, status : str or None
        The paths as written in the TOML (``status`` None when not given).
    register_path, status_path : Path or None
        The same, resolved against the TOML file's folder.
    """

    register: str
    status: str | None
    register_path: Path
    status_path: Path | None


def _parse_measures(ctx: _Ctx, raw: Mapping, base_dir: Path | None) -> MeasuresFiles | None:
    """``[measures] register = "...", status = "..."``: strings naming files that exist (relative to the TOML)."""
    if "measures" not in raw:
        return None
    table = _table(ctx, raw["measures"], "measures")
    _check_keys(ctx, table, ("register", "status"), "measures")
    found = {}
    for key in ("register", "status"):
        if key == "status" and key not in table:
            found[key] = None
            continue
        text = _string(ctx, _require(ctx, table, key, "measures"), f"measures.{key}", what=note("error.plan.what.path"))
        p = Path(text) if Path(text).is_absolute() or base_dir is None else base_dir / text
        if not p.is_file():
            raise ctx.err(f"measures.{key}", text, note("error.plan.file_not_found", path=str(p)))
        found[key] = (text, p)
    status = found["status"]
    return MeasuresFiles(found["register"][0], status and status[0], found["register"][1], status and status[1])


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


def load_plan(path: str | Path, *, station_list: str | Path | pd.DataFrame | None = None) -> Plan:
    """Load and validate a plan from a TOML file.

    Parameters
    ----------
    path : str or Path
        The TOML file (UTF-8). Schema: ``config/README.md``.
    station_list : str, Path or DataFrame, optional
        A CNEMC station list (path, or a frame from :func:`load_station_list`) from which
        stations that groups name but ``[stations]`` does not define are taken (name,
        coordinates, contrast flag). Overrides ``plan.station_list`` of the file. A relative
        ``plan.station_list`` is resolved against the TOML file's folder.

    Returns
    -------
    Plan

    Raises
    ------
    ConfigError
        For any problem: unreadable file, TOML syntax (including a station code or group
        declared twice), unknown or missing keys, wrong types, ratios outside 0..100, a group
        station not defined, a contrast station in a group without ``allow_contrast``, targets
        for an unknown group or for a year outside the plan's years, ... The message names the
        file, the key path and the value.

    References
    ----------
    standards.md §2.5 (groups, contrast stations), §2.7 (decimals), §2.9 (ratios), §5 item 8.
    """
    file = str(path)
    ctx = _Ctx(file)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise ctx.err(note("error.plan.where.file"), file, note("error.plan.cannot_read", reason=os_reason(exc))) from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ctx.err(note("error.plan.where.file"), file, note("error.plan.not_utf8", offset=exc.start)) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        raw = tomllib.loads(text, parse_float=Decimal)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(file, text, exc) from None
    return _build_plan(raw, file, Path(path).resolve().parent, station_list)


def plan_by_station(codes, *, name: str = "every station its own group", source: str | None = None) -> Plan:
    """A plan in which every station is its own group (``--by station``): no config, no targets.

    Parameters
    ----------
    codes : iterable of str
        Station codes (or names, e.g. the cities of the aqistudy data), as the store holds them.
    name : str
        Name of the plan.

    Returns
    -------
    Plan
        Groups of kind ``"station"`` named by the code, in sorted order; no targets, default
        options.
    """
    codes = sorted({str(c) for c in codes})
    if not codes:
        raise ValueError(note("error.plan.no_stations"))
    stations = {c: Station(code=c, name=c, county=None, lat=None, lon=None, contrast=False, origin="store")
                for c in codes}
    groups = {c: Group(name=c, stations=(c,), kind="station") for c in codes}
    return Plan(name=name, city="", years=(), stations=stations, groups=groups, targets={}, default_targets={},
                options=Options(), source=source or "every station of the store as its own group")


def plan_from_station_list(
    station_list: str | Path | pd.DataFrame,
    groups: Mapping[str, Sequence[str] | Mapping[str, Any]],
    *,
    name: str,
    city: str,
    years: int | Sequence[int],
    targets: Mapping[Any, Mapping[str, Mapping[str, Any]]] | None = None,
    options: Mapping[str, Any] | None = None,
    stations: Mapping[str, Mapping[str, Any]] | None = None,
    kind: str = "county",
    source: str | None = None,
) -> Plan:
    """Build a plan in Python, taking station definitions from a CNEMC station list.

    Groups name station codes only; each station's name, coordinates and contrast flag come
    from the list. The same validation as :func:`load_plan` applies (contrast stations need
    ``allow_contrast``); errors name ``<plan_from_station_list>`` as the file.

    Parameters
    ----------
    station_list : str, Path or DataFrame
        Path of the list, or a frame from :func:`load_station_list`.
    groups : mapping
        Group name -> list of station codes (the group gets ``kind``), or -> a table with the
        keys of a TOML group (``kind``, ``stations``, ``allow_contrast``, ``min_stations``).
    name, city : str
        Plan name and city.
    years : int or sequence of int
        The plan's year(s).
    targets : mapping, optional
        Same layout as the TOML ``[targets]`` table: ``{2023: {"港北区": {"good_day_ratio": 93.8,
        ...}}, "default": {...}}``. Floats are taken as the decimal they print as.
    options : mapping, optional
        Same keys as the TOML ``[options]`` table.
    stations : mapping, optional
        Extra station definitions (same keys as a TOML ``[stations.<code>]`` table), e.g. county
        stations that are not national stations. They take precedence over the list.
    kind : str
        Kind of the groups given as plain lists (default ``"county"``).
    source : str, optional
        Provenance text.

    Returns
    -------
    Plan

    Examples
    --------
    >>> sl = load_station_list("NewSiteList_utf8.csv")               # doctest: +SKIP
    >>> plan = plan_from_station_list(sl, {"全市": ["2506A", "2507A", "2508A", "3405A"]},
    ...                               name="demo", city="贵港市", years=2023, kind="city")  # doctest: +SKIP
    """
    file = "<plan_from_station_list>"
    ctx = _Ctx(file)
    plan: dict[str, Any] = {"name": name, "city": city}
    if isinstance(years, int) and not isinstance(years, bool):
        plan["year"] = years
    elif isinstance(years, (list, tuple)):
        plan["years"] = list(years)
    else:
        raise ctx.err("plan.years", years, note("error.plan.years_argument"))
    if source is not None:
        plan["source"] = source
    gtable: dict[str, Any] = {}
    for gname, spec in _table(ctx, groups, "groups").items():
        if isinstance(spec, Mapping):
            gtable[gname] = dict(spec)
        elif isinstance(spec, (list, tuple)):
            gtable[gname] = {"kind": kind, "stations": list(spec)}
        else:
            raise ctx.err(_path("groups", str(gname)), spec, note("error.plan.group_argument"))
    raw: dict[str, Any] = {"plan": plan, "groups": gtable}
    if stations:
        raw["stations"] = {c: dict(s) for c, s in stations.items()}
    if targets:
        raw["targets"] = {str(y): v for y, v in targets.items()}
    if options:
        raw["options"] = dict(options)
    return _build_plan(raw, file, None, station_list)
