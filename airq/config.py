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

Layout
------
This module reads a plan (:func:`load_plan`, :func:`plan_from_station_list`,
:func:`plan_by_station`) and re-exports the rest: the error and the value checks are in
:mod:`airq.config_errors`, the dataclasses (:class:`Plan`, ...) and the vocabularies in
:mod:`airq.config_plan`, the station list in :mod:`airq.config_stations`, the checking of each
TOML section in :mod:`airq.config_sections`.
"""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping, Sequence

import pandas as pd

from .config_errors import MISSING, ConfigError, _Ctx, _path, _syntax_error, _table, os_reason
from .config_plan import (
    DEFAULT_DECIMALS,
    DUST_DEDUCTIONS,
    GROUP_KINDS,
    O3_8H_AGGREGATIONS,
    REQUIRED_TARGETS,
    TARGET_SPECS,
    Group,
    MeasuresFiles,
    Options,
    Plan,
    Station,
    Targets,
    TargetSpec,
)
from .config_sections import _build_plan
from .config_stations import STATION_LIST_COLUMNS, load_station_list
from .notes import note

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
