"""The plan's numbers end to end: store -> station days -> group days -> AQI -> statistics -> targets.

This module only wires the stages together (each stage lives in its own module and knows
only the stages before it):

1. :func:`station_days` — station daily values for a period: computed from the hourly store
   (:func:`airq.hourly.station_daily`, with validity counts) and, for station-days without any
   hourly data, the station-daily values received as such (the daily store, e.g. the published
   CNEMC daily values). Where both exist, the values computed from hours win; the ``origin``
   column says which was used. Daily rows flagged as proxies of the natural day (a
   ``window_flag`` other than ``T00``: the published 24-h window did not cover the natural day)
   are not valid daily values and are left out unless ``accept_proxy=True``.
2. :func:`group_days` — the plan's groups (:func:`airq.groups.group_daily`) and their daily AQI
   (:func:`airq.groups.group_daily_aqi`), rules picked by date unless pinned, with the plan's
   options for the open points (``min_stations``, ``o3_8h_aggregation``).
3. :func:`assess` — period statistics per group (:func:`airq.stats.period_stats`, with the plan's
   dust deduction when dust days are given), the same period last year, and, for a period inside
   one calendar year, each target against the year-to-date value with the remaining
   allowances (:func:`airq.targets.assess_targets`).

Comparison precision for targets: the good-day ratio and the PM2.5 mean are judged on the
published value at the plan's reporting decimals (standards.md §2.7, §4: the effective
threshold); the heavy-pollution ratio and O3 P90 are judged strictly (§4: H = floor(h·N),
P90 ≤ L), whatever their display decimals.

References
----------
.. [1] HJ 663 order of aggregation (standards.md §2.5); statistics §2.6-2.9; allowances §4.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import store as _store
from .config import Plan
from .groups import group_daily, group_daily_aqi
from .hourly import station_daily
from .stats import parse_period, period_stats, publish, same_period_last_year
from .targets import assess_targets, whatif

__all__ = [
    "station_days",
    "group_days",
    "assess",
    "Assessment",
    "position",
    "whatif_for_group",
    "read_dust_days",
    "COMPARISON_KEYS",
    "TARGET_KEYS",
    "O3_1H_NOTE",
    "plan_targets",
    "comparison_decimals",
    "load_group_days",
    "last_data_day",
]

_DAILY_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
TARGET_KEYS = ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90", "good_days")
#: Targets judged on their published value (standards.md §4); the others strictly.
COMPARISON_KEYS = ("good_day_ratio", "pm25_mean")
_DUST_MODES = {"none": None, "exclude_days": "exclude_exceedance", "recompute": "recompute"}
#: Said wherever a daily AQI under HJ 633—2012 was computed without the daily max 1-h O3.
O3_1H_NOTE = ("the data carry no daily max 1-h O3 (daily values such as the aqistudy city files): days before "
              "2026-03-01 have their HJ 633—2012 AQI from the other six indicators, which can only be lower than "
              "or equal to the AQI with it")


def station_days(store_dir, start, end, stations, *, accept_proxy: bool = False, with_hourly: bool = False):
    """Station daily values of ``stations`` from ``start`` to ``end`` (inclusive) out of a store.

    Returns the canonical station-daily table plus ``origin`` (``"hourly"`` or ``"daily"``);
    ``attrs["proxy_rows"]`` counts the daily rows left out as proxies. With ``with_hourly``,
    returns ``(daily, hourly)``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    stop = end + pd.Timedelta(days=1)  # the store's ends are exclusive
    hourly = _store.load(store_dir, start=start, end=stop, stations=list(stations))
    hourly = hourly[["station", "time", *[c for c in ("so2", "no2", "co", "o3", "pm10", "pm25") if c in hourly]]]
    parts = []
    if len(hourly):
        sd = station_daily(hourly)
        sd = sd[(sd.date >= start) & (sd.date <= end)]
        has_hours = sd[[c for c in sd.columns if c.startswith("n_")]].sum(axis=1) > 0
        parts.append(sd[has_hours].assign(origin="hourly"))
    daily = _store.load_daily(store_dir, start=start, end=stop, stations=list(stations))
    proxies = 0
    if len(daily):
        daily = daily.copy()
        daily["date"] = pd.to_datetime(daily["date"])
        if "window_flag" in daily.columns and not accept_proxy:
            proxy = daily["window_flag"].notna() & (daily["window_flag"].astype(str) != "T00")
            proxies = int(proxy.sum())
            daily = daily[~proxy]
        if parts:
            seen = pd.MultiIndex.from_frame(parts[0][["station", "date"]])
            key = pd.MultiIndex.from_frame(daily[["station", "date"]])
            daily = daily[~key.isin(seen)]
        keep = ["station", "date", *[c for c in daily.columns if c in _DAILY_VALUES or c.startswith("n_")]]
        parts.append(daily[keep].assign(origin="daily"))
    if parts:
        out = pd.concat(parts, ignore_index=True).sort_values(["station", "date"], kind="stable").reset_index(drop=True)
    else:
        out = pd.DataFrame({"station": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[ns]"),
                            **{c: pd.Series(dtype=float) for c in _DAILY_VALUES}, "origin": pd.Series(dtype=str)})
    out.attrs["proxy_rows"] = proxies
    return (out, hourly) if with_hourly else out


def group_days(plan: Plan, station_daily_frame: pd.DataFrame, *, groups=None, rules=None, hourly=None) -> pd.DataFrame:
    """Group daily values and AQI for the plan's groups (all, or the names in ``groups``).

    ``hourly`` (the canonical hourly table) is needed when the plan's ``o3_8h_aggregation`` is
    ``"max_of_mean_series"``.
    """
    names = list(plan.groups) if groups is None else list(groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise ValueError(f"unknown group(s) {unknown}; the plan has: {', '.join(plan.groups)}")
    members = {g: plan.group_stations(g) for g in names}
    thresholds = {g: plan.min_stations_for(g) for g in names}
    method = plan.options.o3_8h_aggregation
    if method != "mean_of_station_max" and hourly is None:
        raise ValueError(f"options.o3_8h_aggregation = {method!r} needs the hourly data of the stations")
    gd = group_daily(
        station_daily_frame,
        members,
        min_stations=thresholds,
        o3_8h_method=method,
        hourly=hourly if method != "mean_of_station_max" else None,
        allow_absent_stations=True,
    )
    kw = {}
    early = gd["date"] < pd.Timestamp("2026-03-01") if len(gd) else pd.Series(dtype=bool)
    if len(gd) and early.any() and ("o3_1h" not in gd.columns or gd.loc[early, "o3_1h"].isna().all()):
        kw["unmonitored"] = ("o3_1h",)
    out = group_daily_aqi(gd, rules=rules, **kw)
    out.attrs["notes"] = [O3_1H_NOTE] if kw else []
    return out


def read_dust_days(path) -> pd.DataFrame:
    """Dust-affected days from a CSV: a ``date`` column, optionally a ``group`` column.

    Without ``group`` a date applies to every group. Errors name the file, line and value.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot read dust days: {exc}") from None
    if "date" not in table.columns:
        raise ValueError(f"{path}: dust-day file needs a 'date' column (and optionally 'group'); found {list(table.columns)}")
    dates = pd.to_datetime(table["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise ValueError(f"{path}, line {i + 2}, column 'date': not a date (YYYY-MM-DD): {table['date'].iloc[i]!r}")
    out = pd.DataFrame({"date": dates})
    if "group" in table.columns:
        out.insert(0, "group", table["group"].str.strip())
    return out


def _dust_for(dust_days: pd.DataFrame | None, names) -> pd.DataFrame | None:
    if dust_days is None:
        return None
    if "group" in dust_days.columns:
        return dust_days[dust_days["group"].isin(names)].reset_index(drop=True)
    return pd.DataFrame({"group": [g for g in names for _ in range(len(dust_days))],
                         "date": list(dust_days["date"]) * len(names)})


@dataclass
class Assessment:
    """Result of :func:`assess`.

    Attributes
    ----------
    start, end : Timestamp
        The period.
    stats : DataFrame
        :func:`airq.stats.period_stats`, one row per group (unrounded).
    published : DataFrame
        The same, rounded once for publication (:func:`airq.stats.publish` with the plan's decimals).
    previous : DataFrame
        The same period last year (unrounded).
    targets : dict of str -> DataFrame
        Per group with data, :func:`airq.targets.assess_targets` as of ``as_of``.
    as_of : Timestamp or None
        Last day counted for the targets (year to date from 1 January).
    daily : DataFrame
        The group daily values and AQI behind the statistics.
    notes : list of str
        What a reader of the figures must know (proxy rows left out, targets reused from the
        plan's defaults, synthetic stations, dust deduction, insufficient data).
    options : dict
        The choices used for the open points.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    stats: pd.DataFrame
    published: pd.DataFrame
    previous: pd.DataFrame
    targets: dict
    as_of: pd.Timestamp | None
    daily: pd.DataFrame
    notes: list = field(default_factory=list)
    options: dict = field(default_factory=dict)


def last_data_day(daily: pd.DataFrame, group: str | None = None) -> pd.Timestamp | None:
    """The last date with a valid AQI (of ``group``), or None."""
    d = daily if group is None else daily[daily["group"] == group]
    d = d[d["aqi"].notna()]
    return None if d.empty else pd.Timestamp(d["date"].max())


def position(stats_row: pd.Series, daily: pd.DataFrame, group: str) -> dict:
    """Year-to-date position of one group as :func:`airq.targets.assess_targets` expects it."""
    g = daily[daily["group"] == group]
    return {
        "valid_days": int(stats_row["valid_days"]),
        "good_days": int(stats_row["good_days"]),
        "heavy_days": int(stats_row["heavy_days"]),
        "pm25_mean": None if pd.isna(stats_row["pm25_mean"]) else stats_row["pm25_mean"],
        "pm25_valid_days": int(stats_row["n_days_pm25"]),
        "o3_8h": sorted(g["o3_8h"].dropna().tolist()),
    }


def comparison_decimals(plan: Plan) -> dict:
    """The plan's reporting decimals of the targets judged on their published value (§4)."""
    return _comparison_decimals(plan)


def plan_targets(plan: Plan, group: str, year: int) -> tuple[dict, bool]:
    """(targets of ``group`` for ``year`` as key -> value, taken from the plan's default?); ({}, False) if none."""
    tv, from_default = _targets_of(plan, group, year)
    return dict(tv or {}), from_default


def _comparison_decimals(plan: Plan) -> dict:
    return {k: v for k, v in plan.options.decimals.items() if k in COMPARISON_KEYS}


def _targets_of(plan: Plan, group: str, year: int):
    """(target values, reused-from-default flag) or (None, False)."""
    try:
        t = plan.targets_for(group, year)
    except (KeyError, ValueError):
        return None, False
    if t is None:
        return None, False
    return {k: v for k, v in t.values().items() if k in TARGET_KEYS and v is not None}, bool(getattr(t, "from_default", False))


def _stats_kw(plan: Plan, dust_days, names, composite_limits):
    mode = _DUST_MODES[plan.options.dust_deduction]
    kw = {"composite_limits": composite_limits}
    dust = _dust_for(dust_days, names)
    if mode is not None and dust is not None and len(dust):
        kw.update(dust_days=dust, dust_mode=mode)
    return kw, mode, dust


def load_group_days(plan, store_dir, start, end, names, accept_proxy=False, rules=None):
    """(group daily values and AQI of ``names`` from ``start`` to ``end``, proxy rows left out) from a store."""
    stations = sorted({s for g in names for s in plan.group_stations(g)})
    need_hourly = plan.options.o3_8h_aggregation != "mean_of_station_max"
    sd, hourly = station_days(store_dir, start, end, stations, accept_proxy=accept_proxy, with_hourly=True)
    if sd.empty:
        raise ValueError(f"no data for {', '.join(names)} between {start:%Y-%m-%d} and {end:%Y-%m-%d} in the store {store_dir}")
    daily = group_days(plan, sd, groups=names, rules=rules, hourly=hourly if need_hourly else None)
    return daily, sd.attrs.get("proxy_rows", 0)


def assess(plan: Plan, store_dir, period: str, *, groups=None, rules=None, as_of=None, dust_days=None,
           accept_proxy: bool = False, composite_limits="GB3095-2012") -> Assessment:
    """Statistics of the plan's groups over ``period`` (``YYYY``, ``YYYY-MM``, ``START/END``...).

    Parameters
    ----------
    plan : Plan
    store_dir : path
    period : str
    groups : list of str, optional
    rules : None or rule-set name
        ``None``: each day under the rules in force that day; pinned: every day recomputed.
    as_of : date-like, optional
        Last day counted for the targets (default: the last day of the period with data).
    dust_days : DataFrame, optional
        ``date`` (and optionally ``group``) of dust-affected days (:func:`read_dust_days`);
        deducted per the plan's ``options.dust_deduction`` (off by default).
    accept_proxy : bool, default False
        Use daily rows flagged as proxies of the natural day.
    composite_limits : {"GB3095-2012", "in_force"}
        S_i of the composite index (standards.md §2.8 (a), open).
    """
    start, end = parse_period(period)
    names = list(plan.groups) if groups is None else list(groups)
    prev_start, prev_end = same_period_last_year(start, end)
    daily, proxies = load_group_days(plan, store_dir, prev_start, end, names, accept_proxy, rules)
    kw, mode, dust = _stats_kw(plan, dust_days, names, composite_limits)
    cur = daily[(daily.date >= start) & (daily.date <= end)]
    prev = daily[(daily.date >= prev_start) & (daily.date <= prev_end)]
    stats = period_stats(cur, start=start, end=end, **kw)
    stats = stats.set_index("group").reindex(names).rename_axis("group").reset_index()
    previous = period_stats(prev, start=prev_start, end=prev_end, **kw) if len(prev) else prev.iloc[0:0]
    published = publish(stats.dropna(subset=["valid_days"]), decimals=dict(plan.options.decimals))
    notes = list(daily.attrs.get("notes", []))
    if proxies:
        notes.append(f"{proxies} station-day(s) flagged as proxies of the natural day (window_flag != T00) were left out")
    if mode is not None and dust is None:
        notes.append(f"dust deduction '{plan.options.dust_deduction}' is set but no dust days were given: nothing deducted")
    elif mode is not None:
        notes.append(f"dust deduction '{plan.options.dust_deduction}' applied to {len(dust)} group-day(s)")
    synthetic = sorted({s for g in names for s in plan.group_stations(g) if plan.stations[s].synthetic})
    if synthetic:
        notes.append(f"stations {', '.join(synthetic)} are placeholders marked synthetic in the plan: do not sign figures that use them")
    targets = {}
    as_of_ts = None
    if start.year == end.year:
        as_of_ts = pd.Timestamp(as_of).normalize() if as_of is not None else (last_data_day(cur) or end)
        year_start = pd.Timestamp(start.year, 1, 1)
        ytd = daily[(daily.date >= year_start) & (daily.date <= as_of_ts)]
        if year_start < prev_start or len(ytd) == 0:
            ytd_daily, _ = load_group_days(plan, store_dir, year_start, as_of_ts, names, accept_proxy, rules)
            ytd = ytd_daily[ytd_daily.date <= as_of_ts]
        ytd_stats = period_stats(ytd, start=year_start, end=as_of_ts, **kw).set_index("group")
        reused = []
        for g in names:
            if g not in ytd_stats.index or int(ytd_stats.loc[g, "valid_days"]) == 0:
                continue  # no valid day yet: nothing to judge
            tv, from_default = _targets_of(plan, g, start.year)
            if not tv:
                continue
            if from_default:
                reused.append(g)
            targets[g] = assess_targets(position(ytd_stats.loc[g], ytd, g), tv, as_of=as_of_ts.date(), year=start.year,
                                        reporting_decimals=_comparison_decimals(plan))
        if reused:
            notes.append(f"targets of {', '.join(reused)} for {start.year} are the plan's [targets.default], not targets set for that year")
    insufficient = stats[stats["valid_days"].fillna(0) > 0]
    insufficient = insufficient[~insufficient["sufficient"].astype(bool)]
    if len(insufficient):
        notes.append("data not sufficient for a valid period statistic (GB 3095 Table 4: 324 days, 27 per month, February 25) "
                     f"for: {', '.join(insufficient['group'])}")
    options = {
        "min_stations": {g: plan.min_stations_for(g) for g in names},
        "o3_8h_aggregation": plan.options.o3_8h_aggregation,
        "dust_deduction": plan.options.dust_deduction,
        "composite_limits": composite_limits if isinstance(composite_limits, str) else str(composite_limits),
        "rules": rules or "in force each day",
        "comparison": {k: ("published, %d decimal(s)" % plan.options.decimals[k]) if k in COMPARISON_KEYS else "strict"
                       for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90")},
    }
    return Assessment(start=start, end=end, stats=stats, published=published, previous=previous, targets=targets,
                      as_of=as_of_ts, daily=cur, notes=notes, options=options)


def whatif_for_group(plan: Plan, store_dir, group: str, as_of, *, targets=None, assume=None, dust_days=None,
                     accept_proxy: bool = False):
    """Remaining allowances of ``group`` as of ``as_of`` and, given assumptions, the year-end values.

    Parameters
    ----------
    targets : mapping, optional
        Target key -> value overriding the plan's (``pm25_mean``, ``good_day_ratio``,
        ``heavy_day_ratio``, ``o3_p90``, ``good_days``).
    assume : mapping, optional
        Keyword arguments of :func:`airq.targets.whatif`: ``remaining_pm25_mean``,
        ``extra_nongood_days``, ``extra_heavy_days``, ``dust_days``, ``remaining_valid_days``.
        ``remaining_valid_days`` and ``dust_days`` also set the N of the allowances.

    Returns
    -------
    (position dict, DataFrame of :func:`airq.targets.assess_targets`, WhatIfResult or None)

    Raises
    ------
    ValueError
        Unknown group; no data for the group in the year; ``as_of`` after the last day with data
        (days not yet ingested are not invalid days, standards.md §4).
    """
    as_of = pd.Timestamp(as_of).normalize()
    if group not in plan.groups:
        raise ValueError(f"unknown group {group!r}; the plan has: {', '.join(plan.groups)}")
    year_start = pd.Timestamp(as_of.year, 1, 1)
    daily, _ = load_group_days(plan, store_dir, year_start, as_of, [group], accept_proxy, None)
    last = last_data_day(daily, group)
    if last is None:
        raise ValueError(f"{group} has no valid day between {year_start:%Y-%m-%d} and {as_of:%Y-%m-%d} in the store {store_dir}")
    if last < as_of:
        raise ValueError(
            f"--as-of {as_of:%Y-%m-%d} is after the last day with data for {group} ({last:%Y-%m-%d}); days not yet "
            "ingested would count as invalid days. Ingest them, or ask as of that day"
        )
    kw, _, _ = _stats_kw(plan, dust_days, [group], "GB3095-2012")
    st = period_stats(daily, start=year_start, end=as_of, **kw).set_index("group").loc[group]
    pos = position(st, daily, group)
    tv, _ = _targets_of(plan, group, as_of.year)
    tv = dict(tv or {})
    if targets:
        tv.update(targets)
    if not tv:
        raise ValueError(f"no targets for {group} in {as_of.year}: give --target KEY=VALUE")
    assume = dict(assume or {})
    remaining = None
    if "remaining_valid_days" in assume or assume.get("dust_days"):
        calendar_left = (pd.Timestamp(as_of.year, 12, 31) - as_of).days
        remaining = int(assume.get("remaining_valid_days", calendar_left)) - int(assume.get("dust_days", 0))
        if remaining < 0:
            raise ValueError("dust days exceed the remaining valid days")
    table = assess_targets(pos, tv, as_of=as_of.date(), year=as_of.year, reporting_decimals=_comparison_decimals(plan),
                           remaining_valid_days=remaining)
    result = None
    if assume:
        result = whatif(
            year=as_of.year,
            valid_days=pos["valid_days"],
            good_days=pos["good_days"],
            heavy_days=pos["heavy_days"],
            pm25_mean=pos["pm25_mean"],
            pm25_valid_days=pos["pm25_valid_days"],
            as_of=as_of.date(),
            targets={k: v for k, v in tv.items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")},
            reporting_decimals=_comparison_decimals(plan),
            **assume,
        )
    return pos, table, result
