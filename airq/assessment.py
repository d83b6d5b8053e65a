"""The plan's numbers end to end: store -> station days -> group days -> AQI -> statistics -> targets.

This module only wires the stages together (each stage lives in its own module and knows
only the stages before it):

1. :func:`station_days` — station daily values for a period: computed from the hourly store
   (:func:`airq.hourly.station_daily`, with validity counts) and, for station-days without any
   hourly data, the station-daily values received as such (the daily store, e.g. the published
   CNEMC daily values). Where both exist, the values computed from hours win; the ``origin``
   column says which was used.
2. :func:`group_days` — the plan's groups (:func:`airq.groups.group_daily`) and their daily AQI
   (:func:`airq.groups.group_daily_aqi`), rules picked by date unless pinned.
3. :func:`assess` — period statistics per group (:func:`airq.stats.period_stats`), the same period
   last year, and, for one calendar year, each target against the year-to-date value with the
   remaining allowances (:func:`airq.targets.assess_targets`).

References
----------
.. [1] HJ 663 order of aggregation (standards.md §2.5); statistics §2.6-2.9; allowances §4.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from . import store as _store
from .config import Plan
from .groups import group_daily, group_daily_aqi
from .hourly import station_daily
from .stats import parse_period, period_stats, publish, same_period_last_year
from .targets import assess_targets, whatif

__all__ = ["station_days", "group_days", "assess", "Assessment", "position", "whatif_for_group"]

_DAILY_VALUES = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")


def station_days(store_dir, start, end, stations) -> pd.DataFrame:
    """Station daily values of ``stations`` from ``start`` to ``end`` (inclusive) out of a store.

    Returns the canonical station-daily table plus ``origin`` (``"hourly"`` or ``"daily"``).
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    stop = end + pd.Timedelta(days=1)  # the store's ends are exclusive
    hourly = _store.load(store_dir, start=start, end=stop, stations=list(stations))
    parts = []
    if len(hourly):
        sd = station_daily(hourly[["station", "time", *[c for c in ("so2", "no2", "co", "o3", "pm10", "pm25") if c in hourly]]])
        sd = sd[(sd.date >= start) & (sd.date <= end)]
        has_hours = sd[[c for c in sd.columns if c.startswith("n_")]].sum(axis=1) > 0
        sd = sd[has_hours].assign(origin="hourly")
        parts.append(sd)
    daily = _store.load_daily(store_dir, start=start, end=stop, stations=list(stations))
    if len(daily):
        daily = daily.copy()
        daily["date"] = pd.to_datetime(daily["date"])
        if parts:
            seen = pd.MultiIndex.from_frame(parts[0][["station", "date"]])
            key = pd.MultiIndex.from_frame(daily[["station", "date"]])
            daily = daily[~key.isin(seen)]
        keep = ["station", "date", *[c for c in daily.columns if c in _DAILY_VALUES or c.startswith("n_")]]
        parts.append(daily[keep].assign(origin="daily"))
    if not parts:
        return pd.DataFrame(columns=["station", "date", *_DAILY_VALUES, "origin"])
    out = pd.concat(parts, ignore_index=True)
    return out.sort_values(["station", "date"], kind="stable").reset_index(drop=True)


def group_days(plan: Plan, station_daily_frame: pd.DataFrame, *, groups=None, rules=None) -> pd.DataFrame:
    """Group daily values and AQI for the plan's groups (all, or the names in ``groups``)."""
    names = list(plan.groups) if groups is None else list(groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise ValueError(f"unknown group(s) {unknown}; the plan has: {', '.join(plan.groups)}")
    members = {g: plan.group_stations(g) for g in names}
    thresholds = {g: plan.min_stations_for(g) for g in names}
    gd = group_daily(
        station_daily_frame,
        members,
        min_stations=thresholds,
        o3_8h_method=_o3_method(plan),
        allow_absent_stations=True,
    )
    return group_daily_aqi(gd, rules=rules)


def _o3_method(plan: Plan) -> str:
    method = plan.options.o3_8h_aggregation
    if method != "mean_of_station_max":
        raise NotImplementedError(
            f"options.o3_8h_aggregation = {method!r} needs the hourly series of every station; "
            "airq assess supports 'mean_of_station_max' (use airq.groups.group_daily with hourly= directly)"
        )
    return method


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
        The same period last year (unrounded); empty groups have 0 valid days.
    targets : dict of str -> DataFrame
        Per group, :func:`airq.targets.assess_targets` as of ``end`` (only when the period lies
        inside one calendar year and the plan has targets for it).
    daily : DataFrame
        The group daily values and AQI behind the statistics.
    """

    start: pd.Timestamp
    end: pd.Timestamp
    stats: pd.DataFrame
    published: pd.DataFrame
    previous: pd.DataFrame
    targets: dict
    daily: pd.DataFrame


def _data_end(store_dir, daily: pd.DataFrame, end: pd.Timestamp) -> pd.Timestamp:
    """Last day with data in the group daily table, capped at ``end``."""
    if daily.empty or daily["aqi"].isna().all():
        return end
    last = daily.loc[daily["aqi"].notna(), "date"].max()
    return min(pd.Timestamp(last), end)


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


def assess(plan: Plan, store_dir, period: str, *, groups=None, rules=None, as_of=None) -> Assessment:
    """Statistics of the plan's groups over ``period`` (``YYYY``, ``YYYY-MM``, ``START/END``...).

    Targets are judged as of ``as_of`` (default: the last day of the period that has data),
    against the plan's targets of that year.
    """
    start, end = parse_period(period)
    names = list(plan.groups) if groups is None else list(groups)
    stations = sorted({s for g in names for s in plan.group_stations(g)})
    prev_start, prev_end = same_period_last_year(start, end)
    sd = station_days(store_dir, prev_start, end, stations)
    daily = group_days(plan, sd, groups=names, rules=rules)
    cur = daily[(daily.date >= start) & (daily.date <= end)]
    prev = daily[(daily.date >= prev_start) & (daily.date <= prev_end)]
    stats = period_stats(cur, start=start, end=end)
    previous = period_stats(prev, start=prev_start, end=prev_end)
    published = publish(stats, decimals=_publish_decimals(plan))
    targets = {}
    if start.year == end.year:
        as_of_ts = pd.Timestamp(as_of) if as_of is not None else _data_end(store_dir, cur, end)
        ytd = daily[(daily.date >= pd.Timestamp(start.year, 1, 1)) & (daily.date <= as_of_ts)]
        ytd_stats = period_stats(ytd, start=pd.Timestamp(start.year, 1, 1), end=as_of_ts).set_index("group")
        for g in names:
            if g not in ytd_stats.index or int(ytd_stats.loc[g, "valid_days"]) == 0:
                continue  # no valid day yet: nothing to judge (the statistics show 0 valid days)
            try:
                t = plan.targets_for(g, start.year)
            except (KeyError, ValueError):
                continue
            if t is None:
                continue
            tv = {k: v for k, v in t.values().items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90", "good_days")}
            targets[g] = assess_targets(
                position(ytd_stats.loc[g], ytd, g),
                tv,
                as_of=as_of_ts.date(),
                year=start.year,
                reporting_decimals=dict(plan.options.decimals),
            )
    return Assessment(start=start, end=end, stats=stats, published=published, previous=previous, targets=targets, daily=cur)


def _publish_decimals(plan: Plan) -> dict:
    d = dict(plan.options.decimals)
    out = {}
    if "good_day_ratio" in d:
        out["good_day_ratio"] = d["good_day_ratio"]
    if "heavy_day_ratio" in d:
        out["heavy_day_ratio"] = d["heavy_day_ratio"]
    if "pm25_mean" in d:
        out["pm25_mean"] = d["pm25_mean"]
    return out


def whatif_for_group(plan: Plan, store_dir, group: str, as_of, *, targets=None, assume=None):
    """Remaining allowances of ``group`` as of ``as_of`` and, given assumptions, the year-end values.

    Parameters
    ----------
    targets : mapping, optional
        Target key -> value overriding the plan's (``pm25_mean``, ``good_day_ratio``,
        ``heavy_day_ratio``, ...).
    assume : mapping, optional
        Keyword arguments of :func:`airq.targets.whatif`: ``remaining_pm25_mean``,
        ``extra_nongood_days``, ``extra_heavy_days``, ``dust_days``, ``remaining_valid_days``.

    Returns
    -------
    (position dict, DataFrame of :func:`airq.targets.assess_targets`, WhatIfResult or None)
    """
    as_of = pd.Timestamp(as_of).normalize()
    if group not in plan.groups:
        raise ValueError(f"unknown group {group!r}; the plan has: {', '.join(plan.groups)}")
    year_start = pd.Timestamp(as_of.year, 1, 1)
    sd = station_days(store_dir, year_start, as_of, plan.group_stations(group))
    daily = group_days(plan, sd, groups=[group])
    st = period_stats(daily, start=year_start, end=as_of).set_index("group").loc[group]
    pos = position(st, daily, group)
    tv = {}
    try:
        t = plan.targets_for(group, as_of.year)
        if t is not None:
            tv = {k: v for k, v in t.values().items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90", "good_days")}
    except (KeyError, ValueError):
        tv = {}
    if targets:
        tv.update(targets)
    if not tv:
        raise ValueError(f"no targets for {group} in {as_of.year}: give --target KEY=VALUE")
    table = assess_targets(pos, tv, as_of=as_of.date(), year=as_of.year, reporting_decimals=dict(plan.options.decimals))
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
            reporting_decimals={k: v for k, v in plan.options.decimals.items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")},
            **assume,
        )
    return pos, table, result
