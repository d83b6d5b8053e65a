"""What ``airq quality`` reports from a store: which stations, completeness of hours and days, flags.

:func:`store_quality` is the whole report: it checks the stations asked for
(:func:`resolve_stations`: an unknown code is an error, a station name is taken as its code when
the mapping is unambiguous), picks the stations to list (a plan's stations first), and condenses
the store's hourly data (:func:`hourly_quality_summary`, hours per station and month) and its
daily values received as such (:func:`daily_quality_summary`, days per station and month, proxy
days, indicators missing) with the quality flags recorded at ingest.

A *proxy day* is a daily row whose ``window_flag`` is set and is not ``T00``: its 24-h window is
not the natural day (e.g. the Guigang file's ``proxy_T20_same_day``). The assessment leaves proxy
days out unless ``accept_proxy`` (:func:`airq.assessment.station_days`), so they count as present
here but not as valid days of any indicator.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq

from . import store as _store
from .notes import note
from .quality_gaps import quality_summary
from .quality_rules import FLAG_COLUMNS, REASONS, STUCK

__all__ = [
    "DAILY_INDICATORS",
    "DAILY_REASONS",
    "UnknownStationError",
    "QualityReport",
    "resolve_stations",
    "hourly_quality_summary",
    "daily_quality_summary",
    "store_quality",
]

#: Indicators of a station-daily table, in report order [µg/m³; co mg/m³].
DAILY_INDICATORS = ("pm25", "pm10", "o3_8h", "no2", "so2", "co", "o3_1h")


class UnknownStationError(ValueError):
    """A station asked for is neither in the store nor in the plan (one sentence, with suggestions).

    Its message (``args[0]``) is an :class:`airq.notes.Note`: ``str(exc)`` is the English sentence, and
    ``airq.cli_common.error_sentence(exc, "zh")`` says it in Chinese.
    """


def _semicolons(parts: list):
    """Parts joined by ``"; "`` (``"；"`` in Chinese): one note, each part said in the reader's language."""
    out = parts[0]
    for part in parts[1:]:
        out = note("quality.and_also", first=out, second=part)
    return out


def _and_more(items: list, more: int):
    """``items`` (a list, joined by the language's separator), then ``" and N more"`` when ``more``."""
    return note("quality.list_more", items=items, more=more) if more else note("quality.list", items=items)


# --------------------------------------------------------------------------------------------
# stations: codes, names, resolution


def _store_names(store_dir) -> dict[str, set[str]]:
    """Station code -> names kept in the store's ``station_name`` columns (reads two columns only)."""
    names: dict[str, set[str]] = {}
    base = Path(store_dir)
    for rel in sorted(_store.read_manifest(base).get("partitions", {})):
        path = base / rel
        if not path.is_file() or "station_name" not in pq.read_schema(path).names:
            continue
        pairs = pq.read_table(path, columns=["station", "station_name"]).to_pandas().dropna().drop_duplicates()
        for code, name in zip(pairs["station"].astype(str), pairs["station_name"].astype(str)):
            names.setdefault(code, set()).add(name)
    return names


def _label(code: str, names: dict[str, set[str]]) -> str:
    shown = sorted(names.get(code, ()))
    return f"{code} {'/'.join(shown)}" if shown else code


def _closest(value: str, codes: list[str], names: dict[str, set[str]]) -> list[str]:
    """Up to three known stations closest to ``value`` by code or name (case-insensitive)."""
    keys: dict[str, str] = {c.lower(): c for c in codes}
    for code, ns in names.items():
        for n in ns:
            keys.setdefault(n.lower(), code)
    found = []
    for k in difflib.get_close_matches(value.lower(), list(keys), n=6, cutoff=0.6):
        if keys[k] not in found:
            found.append(keys[k])
    return found[:3]


def resolve_stations(given, store_dir, *, plan=None, flagged=()) -> tuple[list[str], list[str]]:
    """Station codes for the values of ``--station``, and the notes saying how names were read.

    A value is taken as it is when it is a code of the store, of the plan or of a flagged
    station (rows kept out at ingest); a case-insensitive code match, or a station **name** (the
    plan's names, the store's ``station_name`` columns) that belongs to exactly one code, is
    taken as that code and noted.

    Raises
    ------
    UnknownStationError
        One sentence naming every value that matches nothing (with the closest known codes and
        names), or a name shared by several codes.
    """
    codes = sorted(set(_store.stations(store_dir)) | set(plan.stations if plan is not None else ()) | {str(s) for s in flagged})
    exact = set(codes)
    if all(str(v) in exact for v in given):
        return list(dict.fromkeys(str(v) for v in given)), []
    names = _store_names(store_dir)
    for code, st in (plan.stations.items() if plan is not None else ()):
        names.setdefault(code, set()).add(st.name)
    out, notes, unknown, shared = [], [], [], []
    for raw in given:
        value = str(raw).strip()
        if value in exact:
            out.append(value)
            continue
        hits = sorted({c for c in codes if c.lower() == value.lower()} or {c for c, ns in names.items() if value.lower() in {n.lower() for n in ns}})
        if len(hits) == 1:
            out.append(hits[0])
            key = "quality.read_by_code" if hits[0].lower() == value.lower() else "quality.read_by_name"
            notes.append(note(key, value=repr(value), station=_label(hits[0], names)))
        elif hits:
            shared.append(note("error.quality.shared_name", value=repr(value), n=len(hits), codes=list(hits)))
        else:
            near = _closest(value, codes, names)
            unknown.append(note("error.quality.closest", value=repr(value), near=[_label(c, names) for c in near]) if near
                           else note("error.quality.no_match", value=repr(value)))
    if unknown or shared:
        raise UnknownStationError(_semicolons(([_unknown_sentence(unknown, store_dir, plan, codes, names)] if unknown else []) + shared))
    return list(dict.fromkeys(out)), notes


def _unknown_sentence(unknown: list, store_dir, plan, codes: list[str], names: dict):
    where = note("error.quality.where_store_plan" if plan is not None else "error.quality.where_store", store=str(store_dir))
    known = (note("error.quality.known_list", n=len(codes), stations=[_label(c, names) for c in codes]) if len(codes) <= 12
             else note("error.quality.known_many", n=len(codes), store=str(store_dir)))
    listed = unknown[0] if len(unknown) == 1 else note("error.quality.listed", items=unknown[:-1], last=unknown[-1])
    hint = "" if names else note("error.quality.no_names_hint")
    key = "error.quality.unknown_stations" if len(unknown) > 1 else "error.quality.unknown_station"
    return note(key, listed=listed, where=where, known=known, hint=hint)


# --------------------------------------------------------------------------------------------
# per station and month


def _slug(reason: str) -> str:
    return "flag_" + "_".join(str(reason).split())


#: Reasons :func:`airq.quality.check_daily` gives (stuck values need hours; CO in the wrong unit,
#: a whole series or one day, is checked on daily values too, :mod:`airq.unit_checks`).
DAILY_REASONS = tuple(r for r in REASONS if r != STUCK)


def _flag_counts(flags: pd.DataFrame, grid: pd.MultiIndex, base=REASONS) -> pd.DataFrame:
    """Flag rows per (station, month) of ``grid`` and reason: ``flag_<reason>`` int64 columns,
    one per reason of ``base`` plus one per other reason found (e.g. the readers' ``not a
    number``, as ``flag_not_a_number``)."""
    reasons = list(base) + sorted(set(flags["reason"].astype(str)) - set(base))
    fl = pd.DataFrame({"station": flags["station"].astype(str), "month": pd.to_datetime(flags["time"]).dt.strftime("%Y-%m"),
                       "reason": flags["reason"].astype(str)})
    counts = fl.groupby(["station", "month", "reason"]).size().unstack("reason") if len(fl) else pd.DataFrame(index=grid)
    counts = counts.reindex(index=grid, columns=reasons).fillna(0).astype("int64")
    counts.columns = [_slug(r) for r in reasons]
    return counts


def _months(start: pd.Timestamp, stop: pd.Timestamp) -> tuple[pd.PeriodIndex, np.ndarray]:
    """Calendar months touching ``[start, stop)`` and the days of each inside it."""
    if stop <= start:
        raise ValueError(note("error.quality.period_end", end=f"{stop:%Y-%m-%d}", start=f"{start:%Y-%m-%d}"))
    months = pd.period_range(start.to_period("M"), (stop - pd.Timedelta(days=1)).to_period("M"), freq="M")
    m0 = np.maximum(months.to_timestamp().as_unit("ns").to_numpy(), start.as_unit("ns").to_datetime64())
    m1 = np.minimum((months + 1).to_timestamp().as_unit("ns").to_numpy(), stop.as_unit("ns").to_datetime64())
    return months, ((m1 - m0) // np.timedelta64(1, "D")).astype("int64")


def _in_period(flags: pd.DataFrame, start, stop, stations) -> pd.DataFrame:
    t = pd.to_datetime(flags["time"])
    keep = (t >= start) & (t < stop) & flags["station"].astype(str).isin(set(stations))
    return flags[keep.to_numpy()]


def hourly_quality_summary(hourly: pd.DataFrame, flags: pd.DataFrame, *, start, stop, stations) -> pd.DataFrame:
    """:func:`airq.quality.quality_summary` over ``[start, stop)`` for ``stations``, counting
    every flag reason found (reasons outside :data:`airq.quality.REASONS`, such as the readers'
    unparseable values, get their own ``flag_<reason>`` column instead of an error).

    Returns one row per station and month: hours expected / present / absent, valid hours and
    completeness [%] per pollutant, flag counts (int64).
    """
    fl = _in_period(flags, start, stop, stations)
    known = fl[fl["reason"].astype(str).isin(REASONS)]
    out = quality_summary(hourly, known[list(FLAG_COLUMNS)], start=start, end=stop, stations=stations)
    grid = pd.MultiIndex.from_frame(out[["station", "month"]])
    extra = _flag_counts(fl, grid)
    for c in extra.columns:
        if c not in out.columns:
            out[c] = extra[c].to_numpy()
    return out


def daily_quality_summary(daily: pd.DataFrame, flags: pd.DataFrame, *, start, stop, stations) -> pd.DataFrame:
    """Completeness of daily values received as such, per station and calendar month.

    Parameters
    ----------
    daily : DataFrame
        The store's station-daily table (:func:`airq.store.load_daily`): ``station``, ``date``,
        the :data:`DAILY_INDICATORS`, optionally ``window_flag``.
    flags : DataFrame
        The daily quality flags (:func:`airq.ingestion.load_flags` ``(store, "daily")``; ``time``
        is the date).
    start, stop : datetime-like
        Period ``[start, stop)`` of whole days (``stop`` exclusive).
    stations : list of str
        Stations to report, in this order (listed even without any row).

    Returns
    -------
    DataFrame
        One row per station and month (``"YYYY-MM"``), in the order of ``stations``:
        ``expected_days`` (days of the month inside the period), ``present_days`` (days with a
        row), ``absent_days``, ``proxy_days`` (rows with a ``window_flag`` other than ``T00``),
        ``valid_<indicator>`` (days with a value, proxy days not counted), ``complete_<indicator>``
        (``100 * valid / expected`` [%], unrounded), ``missing_indicators`` (indicators without
        a value on any present day, comma-separated), ``proxy_window_flags`` (``flag n`` pairs)
        and ``flag_<reason>`` counts. Counts are int64.
    """
    start, stop = pd.Timestamp(start).normalize(), pd.Timestamp(stop).normalize()
    months, expected = _months(start, stop)
    stations = list(dict.fromkeys(str(s) for s in stations))
    grid = pd.MultiIndex.from_product([stations, months.strftime("%Y-%m")], names=["station", "month"])
    day = pd.to_datetime(daily["date"])
    work = daily[((day >= start) & (day < stop) & daily["station"].astype(str).isin(stations)).to_numpy()].copy()
    work["station"] = work["station"].astype(str)
    work["month"] = pd.to_datetime(work["date"]).dt.strftime("%Y-%m")
    work = work.drop_duplicates(["station", "date"])
    if "window_flag" not in work.columns:
        work["window_flag"] = pd.Series(np.nan, index=work.index, dtype=object)
    wf = work["window_flag"]
    work["_proxy"] = (wf.notna() & (wf.astype(str) != "T00")).to_numpy()
    out = pd.DataFrame(index=grid)
    out["expected_days"] = np.tile(expected, len(stations)).astype("int64")
    g = work.groupby(["station", "month"])
    out["present_days"] = g.size().reindex(grid, fill_value=0).astype("int64")
    out["absent_days"] = out["expected_days"] - out["present_days"]
    out["proxy_days"] = g["_proxy"].sum().reindex(grid, fill_value=0).astype("int64")
    exact = work[~work["_proxy"]]
    ind = [c for c in DAILY_INDICATORS if c in work.columns]
    valid = exact.groupby(["station", "month"])[ind].count().reindex(index=grid, fill_value=0) if ind else pd.DataFrame(index=grid)
    for c in DAILY_INDICATORS:
        out[f"valid_{c}"] = valid[c].astype("int64") if c in valid.columns else 0
    with np.errstate(invalid="ignore", divide="ignore"):
        for c in DAILY_INDICATORS:
            out[f"complete_{c}"] = np.where(out["expected_days"] > 0, 100.0 * out[f"valid_{c}"] / out["expected_days"], np.nan)
    has_any = work.groupby(["station", "month"])[ind].count().reindex(index=grid, fill_value=0) if ind else pd.DataFrame(index=grid)
    out["missing_indicators"] = [
        ", ".join(c for c in DAILY_INDICATORS if c not in has_any.columns or has_any.loc[key, c] == 0) if n else ""
        for key, n in zip(grid, out["present_days"])
    ]
    kinds = work[work["_proxy"]].groupby(["station", "month"])["window_flag"].agg(
        lambda s: ", ".join(f"{k} {v}" for k, v in s.astype(str).value_counts().sort_index().items()))
    out["proxy_window_flags"] = kinds.reindex(grid).fillna("").astype(str) if len(kinds) else ""
    counts = _flag_counts(_in_period(flags, start, stop, stations), grid, DAILY_REASONS)
    out = pd.concat([out, counts], axis=1).reset_index()
    out["station"] = out["station"].astype("str")
    return out


# --------------------------------------------------------------------------------------------
# the report


@dataclass
class QualityReport:
    """What :func:`store_quality` found; the tables are per station and month.

    ``hourly`` and ``daily`` carry ``name`` (station name where the plan or the store knows it,
    else empty) and, with a plan, ``in_plan``. ``flags_by_reason`` totals the flag rows of the
    listed stations in the period, per table (``"hourly"``, ``"daily"``) and reason.
    ``other_stations`` counts the store's stations not listed; ``kept_out`` the stations that
    appear only in flags (rows kept out at ingest) and are not listed.
    """

    store: str
    start: pd.Timestamp
    end: pd.Timestamp
    hourly: pd.DataFrame
    daily: pd.DataFrame
    flags_by_reason: dict
    notes: list = field(default_factory=list)
    listed: list = field(default_factory=list)
    other_stations: int = 0
    kept_out: int = 0

    def table(self) -> pd.DataFrame:
        """Both tables in one (``data`` = ``hourly`` | ``daily`` first; blank where a column
        belongs to the other table), for CSV."""
        parts = [t.assign(data=k) for k, t in (("hourly", self.hourly), ("daily", self.daily)) if len(t)]
        if not parts:
            return pd.DataFrame(columns=["data", "station", "name", "month"])
        out = pd.concat(parts, ignore_index=True)
        return out[["data", *[c for c in out.columns if c != "data"]]]

    def payload(self) -> dict:
        """The report as plain JSON values."""
        def value(k, v):
            v = v.item() if isinstance(v, np.generic) else v
            if k == "missing_indicators":
                return v.split(", ") if v else []
            if k == "proxy_window_flags":
                return {f: int(n) for f, n in (p.rsplit(" ", 1) for p in v.split(", ") if p)} if v else {}
            return v

        def rows(frame):
            recs = frame.astype(object).where(frame.notna(), None).to_dict("records")
            return [{k: value(k, v) for k, v in r.items()} for r in recs]

        return {
            "store": self.store,
            "period": {"start": f"{self.start:%Y-%m-%d}", "end": f"{self.end:%Y-%m-%d}"},
            "stations": {"listed": list(self.listed), "other_in_store": self.other_stations, "kept_out_at_ingest": self.kept_out},
            "hourly": rows(self.hourly),
            "daily": rows(self.daily),
            "flags_by_reason": self.flags_by_reason,
            "notes": list(self.notes),
        }


def _names(plan, frames) -> dict[str, str]:
    out: dict[str, str] = {}
    for frame in frames:
        if "station_name" in frame.columns and len(frame):
            last = frame.dropna(subset=["station_name"]).groupby("station")["station_name"].last()
            out.update({str(k): str(v) for k, v in last.items()})
    if plan is not None:
        out.update({code: st.name for code, st in plan.stations.items()})
    return out


def _finish(table: pd.DataFrame, order: list[str], names: dict, plan) -> pd.DataFrame:
    rank = {s: i for i, s in enumerate(order)}
    table = table.assign(_o=table["station"].map(rank)).sort_values(["_o", "month"], kind="stable").drop(columns="_o")
    table.insert(1, "name", table["station"].map(lambda s: names.get(s)).astype(object))
    if plan is not None:
        table.insert(2, "in_plan", table["station"].isin(set(plan.stations)))
    return table.reset_index(drop=True)


def _totals(table: pd.DataFrame) -> dict[str, int]:
    return {c[5:]: int(table[c].sum()) for c in table.columns if c.startswith("flag_") and table[c].sum()}


def _kinds_in_period(store_dir, start, stop) -> dict[str, list[str]]:
    """Months ``YYYY-MM`` of the store's hourly and daily partitions, and those inside the period."""
    months = {"hourly": [], "daily": []}
    for rel in _store.read_manifest(store_dir).get("partitions", {}):
        kind, _, rest = rel.partition("/month=")
        if kind in months:
            months[kind].append(rest[:7])
    first, last = f"{start:%Y-%m}", f"{stop - pd.Timedelta(days=1):%Y-%m}"
    return {k: sorted(v) for k, v in months.items()} | {f"{k}_in_period": [m for m in v if first <= m <= last] for k, v in months.items()}


def _pick(stations, plan, all_stations, with_rows, in_store, flagged) -> list[str]:
    """Stations to list: those asked for; else the plan's (plus every other with ``all_stations``);
    else those with rows in the period (plus, with ``all_stations``, every other station of the
    store and those that appear only in the period's flags)."""
    if stations is not None:
        return list(stations)
    first = list(plan.stations) if plan is not None else sorted(with_rows)
    if not all_stations:
        return first
    return first + sorted((with_rows | in_store) - set(first)) + sorted(flagged - with_rows - in_store - set(first))


def _flagged(flags: pd.DataFrame, start, stop) -> set[str]:
    t = pd.to_datetime(flags["time"])
    return set(flags.loc[((t >= start) & (t < stop)).to_numpy(), "station"].astype(str))


def store_quality(store_dir, start, end, *, stations=None, plan=None, all_stations: bool = False) -> QualityReport:
    """The ``airq quality`` report of the store at ``store_dir`` from ``start`` to ``end`` (days, inclusive).

    Parameters
    ----------
    stations : list of str, optional
        Codes or names to report (:func:`resolve_stations`; unknown ones raise
        :class:`UnknownStationError`).
    plan : airq.config.Plan, optional
        Lists the plan's stations (in its order, with its names) instead of every station.
    all_stations : bool
        List every station of the store (after the plan's), and those seen only in flags.

    A listed station without any row in the period goes to the hourly table when the store
    holds hourly data for the period, else to the daily one (all its hours or days absent).
    """
    from .ingestion import load_flags

    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    stop = end + pd.Timedelta(days=1)
    hflags, dflags = load_flags(store_dir, "hourly"), load_flags(store_dir, "daily")
    h_flagged, d_flagged = _flagged(hflags, start, stop), _flagged(dflags, start, stop)
    notes: list = []
    if stations is not None:
        stations, notes = resolve_stations(stations, store_dir, plan=plan, flagged=h_flagged | d_flagged)
    in_store = set(_store.stations(store_dir))
    subset = stations if stations is not None else (list(plan.stations) if plan is not None and not all_stations else None)
    hourly = _store.load(store_dir, start=start, end=stop, stations=subset)
    daily = _store.load_daily(store_dir, start=start, end=stop, stations=subset)
    with_rows = set(hourly["station"]) | set(daily["station"])
    listed = _pick(stations, plan, all_stations, with_rows, in_store, h_flagged | d_flagged)
    kinds = _kinds_in_period(store_dir, start, stop)
    h_st = [s for s in listed if s in set(hourly["station"]) | h_flagged]
    d_st = [s for s in listed if s in set(daily["station"]) | d_flagged]
    nothing = [s for s in listed if s not in h_st and s not in d_st]
    if kinds["daily_in_period"] and not kinds["hourly_in_period"]:
        d_st += nothing
    elif kinds["hourly_in_period"]:
        h_st += nothing
    names = _names(plan, [hourly, daily])
    h_tab = hourly_quality_summary(hourly, hflags, start=start, stop=stop, stations=h_st) if h_st else _empty()
    d_tab = daily_quality_summary(daily, dflags, start=start, stop=stop, stations=d_st) if d_st else _empty()
    h_tab, d_tab = (_finish(t, listed, names, plan) if len(t) else t for t in (h_tab, d_tab))
    kept = (h_flagged | d_flagged) - in_store
    notes += _notes(store_dir, start, end, kinds, nothing, names, d_tab, [s for s in listed if s in kept])
    others, kept_out = len(in_store - set(listed)), len(kept - set(listed))
    if (others or kept_out) and stations is None and (kinds["hourly_in_period"] or kinds["daily_in_period"]):
        notes.append(_others_note(others, kept_out, plan))
    return QualityReport(str(store_dir), start, end, h_tab, d_tab, {"hourly": _totals(h_tab), "daily": _totals(d_tab)},
                         notes, listed, others, kept_out)


def _empty() -> pd.DataFrame:
    return pd.DataFrame(columns=["station", "month"])


def _notes(store_dir, start, end, kinds, nothing, names, d_tab, kept) -> list:
    """The report's notes: :class:`airq.notes.Note` s (English ``str`` s, said in Chinese with ``render(n, "zh")``)."""
    notes = []
    if not kinds["hourly_in_period"] and not kinds["daily_in_period"]:
        held = [note(k, first=v[0], last=v[-1]) for k, v in (("quality.held_hourly", kinds["hourly"]), ("quality.held_daily", kinds["daily"])) if v]
        return [note("quality.no_data", store=str(store_dir), start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}",
                     held=_semicolons(held) if held else note("quality.held_nothing"))]
    if nothing:
        shown = _and_more([f"{s} {names[s]}" if names.get(s) else s for s in nothing[:10]], max(len(nothing) - 10, 0))
        notes.append(note("quality.no_data_stations" if len(nothing) > 1 else "quality.no_data_station", n=len(nothing), shown=shown))
    if kept:
        notes.append(note("quality.kept_out_stations" if len(kept) > 1 else "quality.kept_out_station", n=len(kept)))
    if len(d_tab) and int(d_tab["proxy_days"].sum()):
        notes.append(note("quality.proxy_days", n=int(d_tab["proxy_days"].sum())))
    return notes


def _others_note(others: int, kept_out: int, plan):
    parts = []
    if others:
        keys = ("quality.others_plan", "quality.others_plan_many") if plan is not None else ("quality.others_period", "quality.others_period_many")
        parts.append(note(keys[others > 1], n=others))
    if kept_out:
        parts.append(note("quality.flags_only_many" if kept_out > 1 else "quality.flags_only", n=kept_out))
    return note("quality.others", parts=_semicolons(parts))
