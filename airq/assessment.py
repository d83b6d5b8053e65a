"""The plan's numbers end to end: store -> station days -> group days -> AQI -> statistics -> targets.

This module only wires the stages together (each stage lives in its own module and knows
only the stages before it):

1. :func:`station_days` — station daily values for a period: computed from the hourly store
   (:func:`airq.hourly.station_daily`, with validity counts; read from the store's station-daily
   cache where it is fresh, :mod:`airq.daily_cache`, the same numbers) and, for station-days without any
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

from . import daily_cache
from . import store as _store
from .config import Plan
from .groups import group_daily, group_daily_aqi
from .notes import note
from .stats_period_stats import period_stats
from .stats_periods import parse_period, previous_period
from .stats_publish import publish, rank
from .targets_assess import assess_targets
from .units import crosses_reference_state_change
from .util import as_day

__all__ = [
    "station_days",
    "group_days",
    "assess",
    "Assessment",
    "position",
    "targets_of",
    "stats_keywords",
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
O3_1H_NOTE = note("o3_1h")


def station_days(store_dir, start, end, stations, *, accept_proxy: bool = False, with_hourly: bool = False):
    """Station daily values of ``stations`` from ``start`` to ``end`` (inclusive) out of a store.

    Returns the canonical station-daily table plus ``origin`` (``"hourly"`` or ``"daily"``);
    ``attrs["proxy_rows"]`` counts the daily rows left out as proxies and ``attrs["proxy_keys"]``
    lists them (``station``, ``date``). With ``with_hourly``,
    returns ``(daily, hourly)``.
    """
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    stop = end + pd.Timedelta(days=1)  # the store's ends are exclusive
    hourly = None
    if with_hourly:
        hourly = _store.load(store_dir, start=start, end=stop, stations=list(stations))
        hourly = hourly[["station", "time", *[c for c in ("so2", "no2", "co", "o3", "pm10", "pm25") if c in hourly]]]
        sd = daily_cache.compute(hourly)
        sd = sd[(sd.date >= start) & (sd.date <= end)]
    else:  # the station-daily cache where fresh, the same numbers (airq.daily_cache, issue 11)
        sd = _store.load_station_daily(store_dir, start=start, end=stop, stations=list(stations))
    parts = [sd.assign(origin="hourly")] if len(sd) else []
    daily = _store.load_daily(store_dir, start=start, end=stop, stations=list(stations))
    proxies = 0
    proxy_keys = pd.DataFrame({"station": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[ns]")})
    if len(daily):
        daily = daily.copy()
        daily["date"] = pd.to_datetime(daily["date"])
        if "window_flag" in daily.columns and not accept_proxy:
            proxy = daily["window_flag"].notna() & (daily["window_flag"].astype(str) != "T00")
            proxies = int(proxy.sum())
            proxy_keys = daily.loc[proxy, ["station", "date"]].reset_index(drop=True)
            daily = daily[~proxy]
        if parts:
            seen = pd.MultiIndex.from_frame(parts[0][["station", "date"]])
            key = pd.MultiIndex.from_frame(daily[["station", "date"]])
            daily = daily[~key.isin(seen)]
        keep = ["station", "date", *[c for c in daily.columns if c in _DAILY_VALUES or c.startswith("n_")]]
        parts.append(daily[keep].assign(origin="daily"))
    if len(parts) == 1:  # one source, already in station-then-date order (store.load_station_daily, store.load_daily)
        out = parts[0].reset_index(drop=True)
    elif parts:
        out = pd.concat(parts, ignore_index=True).sort_values(["station", "date"], kind="stable").reset_index(drop=True)
    else:
        out = pd.DataFrame({"station": pd.Series(dtype=str), "date": pd.Series(dtype="datetime64[ns]"),
                            **{c: pd.Series(dtype=float) for c in _DAILY_VALUES}, "origin": pd.Series(dtype=str)})
    out.attrs["proxy_rows"] = proxies
    out.attrs["proxy_keys"] = proxy_keys
    return (out, hourly) if with_hourly else out


def group_days(plan: Plan, station_daily_frame: pd.DataFrame, *, groups=None, rules=None, hourly=None) -> pd.DataFrame:
    """Group daily values and AQI for the plan's groups (all, or the names in ``groups``).

    ``hourly`` (the canonical hourly table) is needed when the plan's ``o3_8h_aggregation`` is
    ``"max_of_mean_series"``.
    """
    names = list(plan.groups) if groups is None else list(groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise ValueError(note("error.unknown_groups", groups=str(unknown), known=", ".join(plan.groups)))
    members = {g: plan.group_stations(g) for g in names}
    thresholds = {g: plan.min_stations_for(g) for g in names}
    method = plan.options.o3_8h_aggregation
    if method != "mean_of_station_max" and hourly is None:
        raise ValueError(note("error.analysis.o3_needs_hourly", method=method))
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
        raise ValueError(note("error.analysis.dust_unreadable", path=str(path), error=str(exc))) from None
    if "date" not in table.columns:
        raise ValueError(note("error.analysis.dust_no_date", path=str(path), columns=str(list(table.columns))))
    dates = pd.to_datetime(table["date"].str.strip(), format="%Y-%m-%d", errors="coerce")
    if dates.isna().any():
        i = int(dates.isna().to_numpy().nonzero()[0][0])
        raise ValueError(note("error.analysis.dust_bad_date", path=str(path), line=i + 2, value=table["date"].iloc[i]))
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
        The comparison period (:func:`airq.stats.previous_period`: the same period last year,
        or whole years earlier for a multi-year period; unrounded).
    previous_start, previous_end : Timestamp
        The comparison period.
    previous_sufficient : dict of str -> bool
        Per group with data in the comparison period: whether it is sufficient for a valid
        statistic (GB 3095 Table 4: 324 days a year, 27 a month, 25 in February). Changes
        against an insufficient comparison period are withheld (and a note says so).
    ranks : dict of str -> int or None
        Rank by composite index (1 = cleanest, ties share a rank; standards.md §2.8) among
        ``ranked_among`` — always the plan's county groups with data in the period, whichever
        groups were asked for.
    ranked_among : list of str
        The groups of the ranking.
    targets : dict of str -> DataFrame
        Per group with data, :func:`airq.targets.assess_targets` as of ``as_of`` (exact values:
        Fraction/Decimal; :meth:`targets_table` gives plain numbers).
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
    previous_start: pd.Timestamp | None = None
    previous_end: pd.Timestamp | None = None
    previous_sufficient: dict = field(default_factory=dict)
    ranks: dict = field(default_factory=dict)
    ranked_among: list = field(default_factory=list)

    def table(self) -> pd.DataFrame:
        """The published figures per group as plain numbers (the columns of ``airq assess``), with the rank."""
        cols = ["valid_days", "good_days", "heavy_days", "sufficient"]
        out = self.stats.set_index("group")[cols].copy()
        pub = self.published.set_index("group") if len(self.published) else pd.DataFrame()
        for k in ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "composite_index"):
            out[k] = pub[k].map(lambda v: None if v is None or pd.isna(v) else float(v)) if k in pub else None
        out["rank"] = [self.ranks.get(g) for g in out.index]
        return out

    def targets_table(self) -> pd.DataFrame:
        """Every group's targets as plain numbers: one row per (group, target key).

        Columns: ``target``, ``current`` (unrounded), ``current_published``, ``met_so_far``,
        ``remaining`` (days, or the safe PM2.5 ceiling [µg/m³] — never rounded up),
        ``remaining_unit``, ``status`` (``safe``, ``at_risk``, ``lost``), and for PM2.5
        ``ceiling_exact`` [µg/m³], ``ceiling_inclusive``.
        """
        from .targets_assess import plain_targets

        parts = [plain_targets(t).assign(group=g) for g, t in self.targets.items()]
        if not parts:
            return pd.DataFrame(columns=["group", "key"]).set_index(["group", "key"])
        return pd.concat(parts).reset_index().set_index(["group", "key"])


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
    tv, from_default = targets_of(plan, group, year)
    return dict(tv or {}), from_default


def _comparison_decimals(plan: Plan) -> dict:
    return {k: v for k, v in plan.options.decimals.items() if k in COMPARISON_KEYS}


def targets_of(plan: Plan, group: str, year: int):
    """(target values, reused-from-default flag) or (None, False)."""
    try:
        t = plan.targets_for(group, year)
    except (KeyError, ValueError):
        return None, False
    if t is None:
        return None, False
    return {k: v for k, v in t.values().items() if k in TARGET_KEYS and v is not None}, bool(getattr(t, "from_default", False))


#: ``dust_mode`` words (the plan's ``options.dust_deduction`` words).
DUST_MODE_WORDS = ("none", "exclude_days", "recompute")


def stats_keywords(plan: Plan, dust_days, names, composite_limits="GB3095-2012", dust_mode=None):
    """(period_stats keywords, stats mode, dust table, mode word) for the dust deduction (standards.md §2.9).

    ``dust_mode`` (one of :data:`DUST_MODE_WORDS`) overrides the plan's ``options.dust_deduction``.
    Dust days given while the mode in force is ``none`` are refused: they would change nothing,
    and saying nothing about it would let an analyst believe they were deducted.
    """
    word = plan.options.dust_deduction if dust_mode is None else dust_mode
    if word not in _DUST_MODES:
        raise ValueError(note("error.analysis.dust_mode", word=word, modes=", ".join(DUST_MODE_WORDS)))
    mode = _DUST_MODES[word]
    dust = _dust_for(dust_days, names)
    if dust_days is not None and mode is None:
        raise ValueError(note("error.dust_without_mode", setting=repr(plan.options.dust_deduction)))
    kw = {"composite_limits": composite_limits}
    if mode is not None and dust is not None and len(dust):
        kw.update(dust_days=dust, dust_mode=mode)
    return kw, mode, dust, word


def load_group_days(plan, store_dir, start, end, names, accept_proxy=False, rules=None, *, proxy_keys=False):
    """(group daily values and AQI of ``names`` from ``start`` to ``end``, proxy rows left out) from a store.

    The second item is the number of proxy rows left out, or with ``proxy_keys`` their
    (``station``, ``date``) table.
    """
    stations = sorted({s for g in names for s in plan.group_stations(g)})
    need_hourly = plan.options.o3_8h_aggregation != "mean_of_station_max"
    sd = station_days(store_dir, start, end, stations, accept_proxy=accept_proxy, with_hourly=need_hourly)
    sd, hourly = sd if need_hourly else (sd, None)
    if sd.empty:
        raise ValueError(_no_data(store_dir, names, start, end))
    daily = group_days(plan, sd, groups=names, rules=rules, hourly=hourly if need_hourly else None)
    return daily, (sd.attrs["proxy_keys"] if proxy_keys else sd.attrs.get("proxy_rows", 0))


def assess(plan: Plan, store_dir, period: str, *, groups=None, rules=None, as_of=None, dust_days=None,
           dust_mode=None, accept_proxy: bool = False, composite_limits="GB3095-2012") -> Assessment:
    """Statistics of the plan's groups over ``period`` (``YYYY``, ``YYYY-MM``, ``START/END``...).

    Parameters
    ----------
    plan : Plan
    store_dir : path
    period : str
    groups : list of str, optional
        Groups reported (default all). The composite-index rank is always computed among all the
        plan's county groups with data, whichever groups are reported.
    rules : None or rule-set name
        ``None``: each day under the rules in force that day; pinned: every day recomputed.
    as_of : date or ``YYYY-MM-DD``, optional
        Last day counted for the targets (default: the last day of the period with data). Must
        lie inside the period and not after the last day with data.
    dust_days : DataFrame, optional
        ``date`` (and optionally ``group``) of dust-affected days (:func:`read_dust_days`).
    dust_mode : {"exclude_days", "recompute", "none"}, optional
        How dust days are deducted (standards.md §2.9, open); default the plan's
        ``options.dust_deduction``. Dust days with the mode ``none`` are refused.
    accept_proxy : bool, default False
        Use daily rows flagged as proxies of the natural day.
    composite_limits : {"GB3095-2012", "in_force"}
        S_i of the composite index (standards.md §2.8 (a), open).

    Raises
    ------
    ValueError
        Unknown groups, a period or ``as_of`` that cannot be read, no data in the period, an
        ``as_of`` outside the period or after the data, dust days with no deduction mode.
    """
    start, end = parse_period(period)
    names = list(plan.groups) if groups is None else list(groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise ValueError(note("error.unknown_groups", groups=", ".join(map(repr, unknown)), known=", ".join(plan.groups)))
    ranked = [g for g in plan.groups if plan.groups[g].kind == "county"]
    loaded = names + [g for g in ranked if g not in names]
    prev_start, prev_end = previous_period(start, end)
    as_of_ts = None if as_of is None else as_day(as_of, "as_of")
    if as_of_ts is not None and not start <= as_of_ts <= end:
        raise ValueError(note("error.as_of_outside", as_of=f"{as_of_ts:%Y-%m-%d}", start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))
    daily, proxy_keys, loaded_from = _load_for_assessment(plan, store_dir, start, end, prev_start, prev_end, loaded,
                                                          accept_proxy, rules)
    members = {s for g in names for s in plan.group_stations(g)}
    proxies = int((proxy_keys["station"].isin(members) & proxy_keys["date"].between(start, end)).sum())
    kw, mode, dust, word = stats_keywords(plan, dust_days, names, composite_limits, dust_mode)
    cur = daily[(daily.date >= start) & (daily.date <= end)]
    prev = daily[(daily.date >= prev_start) & (daily.date <= prev_end)]
    all_stats = period_stats(cur, start=start, end=end, **kw).set_index("group")
    stats = all_stats.reindex(names).rename_axis("group").reset_index()
    ranks = _ranks(all_stats, ranked)
    prev_in = prev[prev["group"].isin(names)]
    previous = period_stats(prev_in, start=prev_start, end=prev_end, **kw) if len(prev_in) else prev_in.iloc[0:0]
    published = publish(stats.dropna(subset=["valid_days"]), decimals=dict(plan.options.decimals))
    prev_ok = {r["group"]: bool(r["sufficient"]) for r in previous.to_dict("records")} if len(previous) else {}
    notes = _assessment_notes(plan, names, daily, proxies, mode, dust, word, stats)
    notes += _previous_notes(previous, prev_ok, start, end, prev_start, prev_end)
    targets = {}
    if start.year == end.year:
        as_of_ts = as_of_ts or last_data_day(cur[cur["group"].isin(names)]) or end
        targets, reused = _year_to_date_targets(plan, store_dir, daily, loaded_from, names, start.year, as_of_ts, kw, accept_proxy,
                                                rules)
        if reused:
            notes.append(note("default_targets", groups=list(reused), year=start.year))
    elif as_of_ts is not None:
        raise ValueError(note("error.analysis.as_of_years", start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))
    options = _options(plan, names, word, composite_limits, rules)
    return Assessment(start=start, end=end, stats=stats, published=published, previous=previous, targets=targets,
                      as_of=as_of_ts, daily=cur[cur["group"].isin(names)].reset_index(drop=True), notes=notes,
                      options=options, previous_start=prev_start, previous_end=prev_end, previous_sufficient=prev_ok,
                      ranks=ranks, ranked_among=[g for g in ranked if g in ranks])


def _no_data(store_dir, names, start, end):
    """The error of a period without data, naming the next step."""
    shown = list(names[:6])  # a list: said with the language's separator (、 in Chinese)
    return note("error.no_data", store=str(store_dir), names=note("analysis.names_more", names=shown) if len(names) > 6 else shown,
                start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}")


def _load_for_assessment(plan, store_dir, start, end, prev_start, prev_end, names, accept_proxy, rules):
    """Group days of the period and of its comparison period, and the first day from which the days up to
    the period's end are all loaded. One read when the two periods touch, two otherwise (a month and the
    same month last year, not the thirteen months between); a clear error when the period is empty."""
    if prev_end + pd.Timedelta(days=1) >= start:
        daily, proxies = load_group_days(plan, store_dir, prev_start, end, names, accept_proxy, rules, proxy_keys=True)
        loaded_from = prev_start
    else:
        loaded_from = start
        daily, proxies = load_group_days(plan, store_dir, start, end, names, accept_proxy, rules, proxy_keys=True)
        try:
            before, proxies_before = load_group_days(plan, store_dir, prev_start, prev_end, names, accept_proxy, rules,
                                                     proxy_keys=True)
        except ValueError:  # no data in the comparison period (the rest was checked by the first read): no statistics
            before, proxies_before = daily.iloc[0:0], proxies.iloc[0:0]
        notes = list(dict.fromkeys([*before.attrs.get("notes", []), *daily.attrs.get("notes", [])]))
        daily = pd.concat([before, daily], ignore_index=True)
        daily.attrs["notes"] = notes
        proxies = pd.concat([proxies_before, proxies], ignore_index=True)
    in_period = daily[(daily.date >= start) & (daily.date <= end)]
    if in_period.empty:
        raise ValueError(_no_data(store_dir, names, start, end))
    return daily, proxies, loaded_from


def _ranks(all_stats: pd.DataFrame, ranked: list) -> dict:
    """Rank by composite index among the county groups with a valid day (standards.md §2.8)."""
    ok = all_stats.reindex(ranked)
    ok = ok[ok["valid_days"].fillna(0) > 0].rename_axis("group").reset_index()
    if ok.empty:
        return {}
    r = rank(ok, "composite_index")
    return {g: (None if pd.isna(v) else int(v)) for g, v in zip(r["group"], r["rank"])}


def _assessment_notes(plan, names, daily, proxies, mode, dust, word, stats) -> list:
    notes = list(daily.attrs.get("notes", []))
    if proxies:
        notes.append(note("proxies", n=proxies))
    if mode is not None and dust is None:
        notes.append(note("dust_unused", word=word))
    elif mode is not None:
        notes.append(note("dust_applied", word=word, n=len(dust)))
    synthetic = sorted({s for g in names for s in plan.group_stations(g) if plan.stations[s].synthetic})
    if synthetic:
        notes.append(note("synthetic", stations=list(synthetic)))
    bad = stats[stats["valid_days"].fillna(0) > 0]
    bad = bad[~bad["sufficient"].astype(bool)]
    if len(bad):
        notes.append(note("insufficient", groups=list(bad["group"])))
    return notes


def _previous_notes(previous, prev_ok, start, end, prev_start, prev_end) -> list:
    notes = []
    short = [note("prev_group", group=r["group"], days=int(r["valid_days"])) for r in previous.to_dict("records")
             if not prev_ok.get(r["group"], False) and (r["valid_days"] or 0) > 0]
    if short:
        notes.append(note("prev_insufficient", start=f"{prev_start:%Y-%m-%d}", end=f"{prev_end:%Y-%m-%d}", groups=short))
    if crosses_reference_state_change((start, end), (prev_start, prev_end)):
        notes.append(note("reference_state"))
    return notes


def _year_to_date_targets(plan, store_dir, daily, loaded_from, names, year, as_of_ts, kw, accept_proxy, rules):
    """Targets of each group with a valid day, judged on 1 January .. ``as_of_ts`` (standards.md §4)."""
    year_start = pd.Timestamp(year, 1, 1)
    last = last_data_day(daily[daily["group"].isin(names)])
    if last is not None and as_of_ts > last:
        raise ValueError(note("error.as_of_after_data", as_of=f"{as_of_ts:%Y-%m-%d}", last=f"{last:%Y-%m-%d}"))
    ytd = daily[(daily.date >= year_start) & (daily.date <= as_of_ts) & daily["group"].isin(names)]
    if year_start < loaded_from:  # the period's load began later (a multi-year period never gets here)
        ytd, _ = load_group_days(plan, store_dir, year_start, as_of_ts, names, accept_proxy, rules)
        ytd = ytd[ytd.date <= as_of_ts]
    ytd_stats = period_stats(ytd, start=year_start, end=as_of_ts, **kw).set_index("group")
    by_group = dict(iter(ytd.groupby("group", sort=False, observed=True)))
    targets, reused = {}, []
    for g in names:
        if g not in ytd_stats.index or int(ytd_stats.loc[g, "valid_days"]) == 0:
            continue  # no valid day yet: nothing to judge
        tv, from_default = targets_of(plan, g, year)
        if not tv:
            continue
        if from_default:
            reused.append(g)
        targets[g] = assess_targets(position(ytd_stats.loc[g], by_group[g], g), tv, as_of=as_of_ts.date(), year=year,
                                    reporting_decimals=_comparison_decimals(plan))
    return targets, reused


def _options(plan, names, word, composite_limits, rules) -> dict:
    return {
        "min_stations": {g: plan.min_stations_for(g) for g in names},
        "o3_8h_aggregation": plan.options.o3_8h_aggregation,
        "dust_deduction": word,
        "composite_limits": composite_limits if isinstance(composite_limits, str) else str(composite_limits),
        "rules": rules or "in force each day",
        "comparison": {k: ("published, %d decimal(s)" % plan.options.decimals[k]) if k in COMPARISON_KEYS else "strict"
                       for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90")},
    }
