"""Reading a plan's TOML tables, section by section, into a validated :class:`~airq.config_plan.Plan`.

:func:`_build_plan` takes the parsed TOML (or the same layout built in Python by
:func:`airq.config.plan_from_station_list`) and checks and converts each section in turn:
``[plan]`` (name, city, year or years, station list, source), ``[stations]``, ``[options]``,
``[groups]`` (stations defined, or taken from the station list; contrast stations only with
``allow_contrast``; ``min_stations``), ``[targets]`` (per year or ``default``, per group; ratios
0..100, no finer than the reporting decimals) and ``[measures]`` (files that exist). Every
problem raises :class:`airq.config_errors.ConfigError` naming the key path and the value.
Reading the file itself is :func:`airq.config.load_plan`.

Contrast stations
-----------------
Contrast / background sites (对照点) are not assessment stations and must not enter a county or
city mean (standards.md §2.5, §5 item 8). A group that lists one is an error unless the group
sets ``allow_contrast = true`` (e.g. a single-station group used to look at the contrast site
itself).

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

import difflib
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping

from .config_errors import (
    MISSING,
    _bool,
    _check_keys,
    _choice,
    _code,
    _Ctx,
    _decimals_of,
    _expected,
    _int,
    _key,
    _number,
    _path,
    _require,
    _string,
    _table,
)
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
)
from .config_stations import _station_from_list, _station_list_frame
from .notes import note

__all__: list[str] = []  # private to airq.config: _build_plan and the _parse_* helpers

_YEAR_RE = re.compile(r"[0-9]{4}")
_YEAR_RANGE = (1900, 2100)
_DEFAULT_KEY = "default"

_TOP_KEYS = ("plan", "stations", "groups", "targets", "options", "measures")
_PLAN_KEYS = ("name", "city", "year", "years", "station_list", "source")
_STATION_KEYS = ("name", "county", "lat", "lon", "contrast", "synthetic")
_STATION_REQUIRED = ("name", "lat", "lon", "contrast")
_GROUP_KEYS = ("kind", "stations", "allow_contrast", "min_stations")
_OPTION_KEYS = ("decimals", "min_stations", "o3_8h_aggregation", "dust_deduction")


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
