"""Data quality made visible: suspect hourly values become missing, with a recorded reason.

:func:`check_hourly` takes the canonical hourly table (``station``, ``time`` = hour start,
Beijing time, naive, see :mod:`airq.timeconv`; ``so2, no2, co, o3, pm10, pm25``
[µg/m³; co mg/m³]) and returns a *clean* copy in which every suspect value is NaN, plus a
``flags`` table that records, for each of them, the original value and why it was removed.
The input frame is never modified. :func:`gaps` lists the hours absent for each station and
:func:`quality_summary` condenses both into the per station and month table reports show.

Reasons (the ``reason`` column of ``flags``)
--------------------------------------------
==========================  ==================================================================
reason                      rule (all thresholds are fields of :class:`QualityRules`)
==========================  ==================================================================
``negative``                value < 0 (no tolerance: CNEMC publishes no negative values)
``impossible``              value > ``max_plausible[pollutant]``, see :data:`DEFAULT_MAX_PLAUSIBLE`
``co_unit_slip``            CO that looks like µg/m³: CO > ``co_slip_min`` (50 mg/m³) while the
                            median of the station's other CO values within
                            ±``co_slip_window_hours`` (12 h) is < ``co_slip_context_max``
                            (5 mg/m³) and CO / 1000 is itself plausible (<= ``co_slip_min``).
                            Set to NaN, or to CO / 1000 with ``fix_co_units=True``; flagged
                            either way. Never rescaled silently.
``co_unit_file``            a whole CO series — one station, one file, one month — whose median
                            is outside ``co_median_range`` (0.02 … 20 mg/m³): µg/m³, or mg/m³
                            divided by 1000 once too often. Every value of it set missing (or
                            rescaled with ``fix_co_units=True``), flagged; rule, thresholds and
                            minimum lengths in :mod:`airq.unit_checks`. Hourly and daily.
``duplicate_identical``     a station-hour present in several rows whose six pollutant values
                            are all identical (NaN equal to NaN): the first row is kept, one
                            row-level flag (``column == "*"``) records how many copies there were.
``duplicate_conflict``      a station-hour present in several rows that disagree in a pollutant
                            (a value against a different value or against NaN): that pollutant
                            is set to NaN in the single kept row (the first copy's other columns
                            are kept) and every copy's value is flagged, one flag row per copy,
                            so all the disagreeing values are on record. Pollutants on which
                            the copies agree are kept.
``unknown_station``         ``known_stations`` was given and the station is not in it. The row is
                            **removed** from the clean table (the only removal besides the
                            collapse of duplicates) and recorded by a row-level flag.
``stuck``                   the same value in ``>= stuck_hours[pollutant]`` consecutive hours of
                            one station (an absent hour or a NaN breaks the run), above
                            ``stuck_floor[pollutant]``. The whole run is flagged: the first
                            value may be genuine, but nothing tells which hour the analyser
                            froze in.
==========================  ==================================================================

Order of the checks: unknown stations, duplicates, CO series in the wrong unit, negative, CO
unit slip, impossible, stuck. A value gets at most one reason; a check only sees the values the
earlier checks left. Absent hours are not flags: :func:`gaps` summarises them as runs.

Why the stuck rule has a floor. Hourly values are published as whole µg/m³ (CO to
0.1 mg/m³). At low levels that resolution makes long runs of one value genuine: SO2 at
5 µg/m³ for a whole night at a clean southern station, O3 at 2 µg/m³ under a night-time
inversion, CO at 0.6 mg/m³. Runs at or below the floor (:data:`DEFAULT_STUCK_FLOOR`) are
therefore never flagged; a run of zeros is never flagged. Above the floor, 8 identical hours
(12 for CO, whose resolution is coarser relative to its range) are taken as a frozen analyser.

Why the plausible maxima are generous. A flag turns a value into a missing one, which can
invalidate a day (GB 3095 Table 4, >= 20 hours) and so change an official statistic
(standards.md §2.3). A wrong flag costs more than a missed one, and sand-dust hours with PM10
of several thousand µg/m³ are real data that must be kept (dust deduction is a separate,
documented procedure, standards.md S7). The maxima only catch values no ambient analyser can
report (sentinels, shifted decimals). Change them with ``QualityRules(max_plausible={...})``.

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 and §6.4 (all valid data enter statistics;
   standards.md §2.3).
.. [2] HJ 633—2012 / HJ 633—2026 Table 1 (top breakpoints: NO2 1-h 3840 µg/m³, CO 1-h
   150 mg/m³, O3 1-h 1200 µg/m³; standards.md §1.1).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from types import MappingProxyType
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .notes import note
from .unit_checks import CO_DAILY_MAX, CO_MEDIAN_RANGE, CO_UNIT_FILE, CO_UNIT_SLIP, co_daily_slip_flags, co_series_flags
from .units import CO_UG_THRESHOLD, co_looks_like_ug
from .util import label as _label
from .util import shorten

__all__ = [
    "POLLUTANTS",
    "UNITS",
    "NEGATIVE",
    "IMPOSSIBLE",
    "CO_UNIT_SLIP",
    "CO_UNIT_FILE",
    "DUPLICATE_IDENTICAL",
    "DUPLICATE_CONFLICT",
    "UNKNOWN_STATION",
    "STUCK",
    "REASONS",
    "ROW_LEVEL",
    "FLAG_COLUMNS",
    "DEFAULT_MAX_PLAUSIBLE",
    "DEFAULT_STUCK_HOURS",
    "DEFAULT_STUCK_FLOOR",
    "QualityRules",
    "check_hourly",
    "sort_flags",
    "gaps",
    "quality_summary",
]

#: Pollutant columns of the canonical hourly table.
POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
#: Unit of each pollutant column.
UNITS = MappingProxyType({"so2": "µg/m³", "no2": "µg/m³", "co": "mg/m³", "o3": "µg/m³", "pm10": "µg/m³", "pm25": "µg/m³"})

#: Reason: value below zero.
NEGATIVE = "negative"
#: Reason: value above the plausible physical maximum of its pollutant.
IMPOSSIBLE = "impossible"
# Reasons CO_UNIT_SLIP (one CO value apparently in µg/m³ instead of mg/m³) and CO_UNIT_FILE (a
# whole station-file-month series of CO in the wrong unit) are defined in airq.unit_checks.
#: Reason: several identical rows for one station-hour (one kept; row-level flag).
DUPLICATE_IDENTICAL = "duplicate_identical"
#: Reason: several rows for one station-hour disagreeing in this pollutant (value set to NaN).
DUPLICATE_CONFLICT = "duplicate_conflict"
#: Reason: station not in ``known_stations`` (row removed; row-level flag).
UNKNOWN_STATION = "unknown_station"
#: Reason: the same value repeated over too many consecutive hours.
STUCK = "stuck"
#: All reasons, in the order the checks run.
REASONS = (UNKNOWN_STATION, DUPLICATE_IDENTICAL, DUPLICATE_CONFLICT, CO_UNIT_FILE, NEGATIVE, CO_UNIT_SLIP, IMPOSSIBLE, STUCK)
#: Reasons whose flags concern a whole row: ``column == "*"`` and ``value`` is NaN.
ROW_LEVEL = (UNKNOWN_STATION, DUPLICATE_IDENTICAL)
#: Columns of the flags table.
FLAG_COLUMNS = ("station", "time", "column", "value", "reason", "detail")

#: Plausible maxima [µg/m³; co mg/m³]; values above are flagged ``impossible``.
#: so2 10000 (a few thousand µg/m³ have been measured near coal burning; 10 mg/m³ is beyond any
#: ambient record); no2 4000 (above the top of the HJ 633 1-h scale, 3840); co 150 mg/m³ (top
#: of the HJ 633 1-h scale; ambient hourly CO stays far below); o3 1200 (top of the HJ 633 1-h
#: scale); pm10 10000 (10 mg/m³, the usual upper range of beta-attenuation monitors; sand-dust
#: hours reach several thousand µg/m³ and must stay); pm25 5000 (dust hours also raise PM2.5
#: to thousands).
DEFAULT_MAX_PLAUSIBLE = MappingProxyType({"so2": 10000.0, "no2": 4000.0, "co": 150.0, "o3": 1200.0, "pm10": 10000.0, "pm25": 5000.0})
#: Minimum run length [h] of identical consecutive values flagged ``stuck``.
DEFAULT_STUCK_HOURS = MappingProxyType({"so2": 8, "no2": 8, "co": 12, "o3": 8, "pm10": 8, "pm25": 8})
#: Runs of values at or below these levels [µg/m³; co mg/m³] are never flagged ``stuck``.
DEFAULT_STUCK_FLOOR = MappingProxyType({"so2": 10.0, "no2": 10.0, "co": 1.0, "o3": 10.0, "pm10": 10.0, "pm25": 10.0})

_HOUR = np.timedelta64(3600 * 10**9, "ns")


def _merge_map(name: str, given, default: Mapping, cast) -> MappingProxyType:
    if given is None:
        return MappingProxyType(dict(default))
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return MappingProxyType({p: cast(given) for p in default})
    if not isinstance(given, Mapping):
        raise TypeError(f"QualityRules.{name} must be a mapping pollutant -> value or a number, not {type(given).__name__}")
    unknown = sorted(set(given) - set(default))
    if unknown:
        raise ValueError(f"QualityRules.{name}: unknown pollutant(s) {unknown}; known: {list(default)}")
    out = dict(default)
    for k, v in given.items():
        try:
            v = cast(v)
        except (TypeError, ValueError):
            raise ValueError(f"QualityRules.{name}[{k!r}] = {v!r} is not a number") from None
        if not v >= 0:
            raise ValueError(f"QualityRules.{name}[{k!r}] = {v!r} must be >= 0")
        out[k] = v
    return MappingProxyType(out)


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of :func:`check_hourly` (defaults documented in the module docstring).

    Mappings may be partial: ``QualityRules(max_plausible={"pm10": 20000})`` changes PM10 and
    keeps the other defaults. A single number applies to every pollutant.

    Attributes
    ----------
    max_plausible : mapping pollutant -> float
        Above this a value is ``impossible`` [µg/m³; co mg/m³].
    stuck_hours : mapping pollutant -> int
        Run length [h] from which identical consecutive values are ``stuck``.
    stuck_floor : mapping pollutant -> float
        Runs at or below this value are never ``stuck`` [µg/m³; co mg/m³].
    co_slip_min : float
        CO above this is a unit-slip candidate [mg/m³]. Default 50,
        :data:`airq.units.CO_UG_THRESHOLD` (the AQI functions warn from the same value).
    co_slip_context_max : float
        The candidate is a slip when the median of the station's other CO values around it is
        below this [mg/m³]. Default 5.
    co_slip_window_hours : int
        Half-width of the neighbourhood [h]. Default 12 (±12 h).
    co_median_range : (float, float)
        Plausible median [mg/m³] of a station's CO over a file and month; a series outside it is
        ``co_unit_file``. Default :data:`airq.unit_checks.CO_MEDIAN_RANGE` (0.02, 20).
    """

    max_plausible: Mapping = None
    stuck_hours: Mapping = None
    stuck_floor: Mapping = None
    co_slip_min: float = CO_UG_THRESHOLD  # shared with airq.aqi's warning (airq.units)
    co_slip_context_max: float = 5.0
    co_slip_window_hours: int = 12
    co_median_range: tuple = CO_MEDIAN_RANGE

    def __post_init__(self):
        object.__setattr__(self, "max_plausible", _merge_map("max_plausible", self.max_plausible, DEFAULT_MAX_PLAUSIBLE, float))
        object.__setattr__(self, "stuck_hours", _merge_map("stuck_hours", self.stuck_hours, DEFAULT_STUCK_HOURS, int))
        object.__setattr__(self, "stuck_floor", _merge_map("stuck_floor", self.stuck_floor, DEFAULT_STUCK_FLOOR, float))
        for p, n in self.stuck_hours.items():
            if n < 2:
                raise ValueError(f"QualityRules.stuck_hours[{p!r}] = {n} must be >= 2")
        for name in ("co_slip_min", "co_slip_context_max"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0):
                raise ValueError(f"QualityRules.{name} = {v!r} must be a positive number [mg/m³]")
        w = self.co_slip_window_hours
        if not (isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w >= 1):
            raise ValueError(f"QualityRules.co_slip_window_hours = {w!r} must be a whole number of hours >= 1")
        r = self.co_median_range
        if not (isinstance(r, (tuple, list)) and len(r) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in r)
                and 0 < r[0] < r[1]):
            raise ValueError(f"QualityRules.co_median_range = {r!r} must be two numbers 0 < low < high [mg/m³]")
        object.__setattr__(self, "co_median_range", (float(r[0]), float(r[1])))


# --------------------------------------------------------------------------------------------
# validation shared with airq.store


def _where(frame: pd.DataFrame, pos: int):
    """'row <label>' plus the source file when the table has a ``source`` column (a note: a ``str``)."""
    row = _label(frame.index[pos])
    if "source" in frame.columns:
        src = frame["source"].iloc[pos]
        if isinstance(src, str) and src:
            return note("calc.row_source", row=row, source=repr(src))
    return note("calc.row", row=row)


def _station_column(frame: pd.DataFrame, what: str) -> pd.Series:
    col = frame["station"]
    if pd.api.types.is_numeric_dtype(col.dtype) or pd.api.types.is_bool_dtype(col.dtype):
        raise TypeError(note("error.calc.station_numbers", what=what, dtype=str(col.dtype)))
    miss = col.isna().to_numpy()
    if miss.any():
        pos = int(np.flatnonzero(miss)[0])
        raise ValueError(note("error.calc.station_missing", what=what, where=_where(frame, pos)))
    if len(col) and col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) != "string":
        # error path only: find the first value that is not text
        bad = ~col.map(lambda x: isinstance(x, str)).to_numpy(dtype=bool)
        pos = int(np.flatnonzero(bad)[0])
        raise TypeError(note("error.calc.station_not_text", what=what, where=_where(frame, pos), value=shorten(repr(col.iloc[pos]))))
    out = col.astype("str")
    empty = (out.str.strip() == "").to_numpy()
    if empty.any():
        pos = int(np.flatnonzero(empty)[0])
        raise ValueError(note("error.calc.station_empty", what=what, where=_where(frame, pos)))
    return out


def _time_column(frame: pd.DataFrame, col: str, what: str, *, midnight: bool = False) -> pd.Series:
    s = frame[col]
    if isinstance(s.dtype, pd.DatetimeTZDtype):
        raise ValueError(note("error.calc.column_tz_aware", what=what, column=repr(col), dtype=str(s.dtype)))
    if not pd.api.types.is_datetime64_dtype(s.dtype):
        pos = 0
        try:
            conv = pd.to_datetime(s, errors="coerce")
            bad = (conv.isna() & s.notna()).to_numpy()
            if bad.any():
                pos = int(np.flatnonzero(bad)[0])
        except (TypeError, ValueError):
            pass
        val = s.iloc[pos] if len(s) else None
        if len(s):
            raise TypeError(note("error.calc.column_not_datetime", what=what, column=repr(col), dtype=str(s.dtype),
                                 where=_where(frame, pos), value=shorten(repr(val))))
        raise TypeError(note("error.calc.column_not_datetime_empty", what=what, column=repr(col), dtype=str(s.dtype),
                             value=shorten(repr(val))))
    out = s.astype("datetime64[ns]")
    nat = out.isna().to_numpy()
    if nat.any():
        pos = int(np.flatnonzero(nat)[0])
        raise ValueError(note("error.calc.missing_time", what=what, where=_where(frame, pos), column=repr(col)))
    unit = "D" if midnight else "h"
    off = (out != out.dt.floor(unit)).to_numpy()
    if off.any():
        pos = int(np.flatnonzero(off)[0])
        key = "error.calc.not_midnight" if midnight else "error.calc.not_on_hour"
        raise ValueError(note(key, what=what, where=_where(frame, pos), column=repr(col), value=_label(out.iloc[pos])))
    return out


def _float_column(frame: pd.DataFrame, col: str, what: str) -> pd.Series:
    s = frame[col]
    if pd.api.types.is_bool_dtype(s.dtype):
        raise TypeError(note("error.calc.column_booleans", what=what, column=repr(col)))
    if pd.api.types.is_numeric_dtype(s.dtype):
        return pd.Series(s.to_numpy(dtype=float, na_value=np.nan), index=s.index, name=col)
    num = pd.to_numeric(s, errors="coerce")
    blank = s.isna() | (s.astype("str").str.strip() == "")
    bad = (num.isna() & ~blank).to_numpy()
    if bad.any():
        pos = int(np.flatnonzero(bad)[0])
        raise ValueError(note("error.calc.not_number_at", what=what, where=_where(frame, pos), column=repr(col),
                              value=shorten(repr(s.iloc[pos]))))
    return pd.Series(num.to_numpy(dtype=float, na_value=np.nan), index=s.index, name=col)


def _canonical(frame, *, key: str, values: Iterable[str], what: str, midnight: bool = False) -> pd.DataFrame:
    """Validated copy with canonical dtypes (station str, key datetime64[ns], values float64).

    Other columns are kept unchanged; ``attrs`` are dropped (a DataFrame in ``attrs`` breaks
    ``pd.concat`` in pandas >= 2.1).
    """
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} takes a pandas DataFrame, not {type(frame).__name__}")
    values = list(values)
    missing = [c for c in ["station", key, *values] if c not in frame.columns]
    if missing:
        raise ValueError(note("error.calc.table_lacks", what=what, missing=repr(missing), columns=repr(list(frame.columns))))
    if frame.columns.duplicated().any():
        raise ValueError(note("error.calc.duplicate_columns", what=what,
                              names=repr(sorted(set(frame.columns[frame.columns.duplicated()])))))
    out = frame.copy(deep=True)
    out.attrs = {}
    out["station"] = _station_column(frame, what)
    out[key] = _time_column(frame, key, what, midnight=midnight)
    for c in values:
        out[c] = _float_column(frame, c, what)
    return out


def _empty_flags() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "station": pd.Series([], dtype="str"),
            "time": pd.Series([], dtype="datetime64[ns]"),
            "column": pd.Series([], dtype="str"),
            "value": pd.Series([], dtype="float64"),
            "reason": pd.Series([], dtype="str"),
            "detail": pd.Series([], dtype="str"),
        }
    )


def _flag_block(station, time, column, value, reason, detail) -> pd.DataFrame:
    n = len(station)
    col = np.full(n, column, dtype=object) if isinstance(column, str) else np.asarray(column, dtype=object)
    det = np.full(n, detail, dtype=object) if isinstance(detail, str) else np.asarray(detail, dtype=object)
    return pd.DataFrame(
        {
            "station": pd.Series(np.asarray(station, dtype=object), dtype="str"),
            "time": pd.Series(np.asarray(time, dtype="datetime64[ns]")),
            "column": pd.Series(col, dtype="str"),
            "value": pd.Series(np.asarray(value, dtype=float)),
            "reason": pd.Series(np.full(n, reason, dtype=object), dtype="str"),
            "detail": pd.Series(det, dtype="str"),
        }
    )


def _fmt(values: np.ndarray) -> pd.Series:
    """Numbers as short text (``35``, ``0.8``, ``nan``), vectorised."""
    return pd.Series(np.char.mod("%g", np.asarray(values, dtype=float)), dtype="str")


# --------------------------------------------------------------------------------------------
# the checks


def _duplicates(work: pd.DataFrame, flags: list) -> pd.DataFrame:
    """Collapse duplicate station-hours (``work`` sorted by station, time, stable)."""
    dup = work.duplicated(["station", "time"], keep=False).to_numpy()
    if not dup.any():
        return work
    d = work.loc[dup]
    gid = d.groupby(["station", "time"], sort=False).ngroup().to_numpy()
    # d is sorted by station, time, so a group's rows are contiguous and gid is non-decreasing
    starts = np.r_[0, np.flatnonzero(np.diff(gid)) + 1]
    sizes = np.diff(np.r_[starts, len(d)])
    first_of_row = starts[gid]
    copy_no = np.arange(len(d)) - first_of_row + 1
    n_of_row = sizes[gid]
    any_conflict = np.zeros(len(starts), dtype=bool)
    conflict_cols = {}
    for p in POLLUTANTS:
        v = d[p].to_numpy(dtype=float)
        fv = v[first_of_row]
        differs = ~((v == fv) | (np.isnan(v) & np.isnan(fv)))
        grp = np.logical_or.reduceat(differs, starts)
        conflict_cols[p] = grp
        any_conflict |= grp
    st = d["station"].to_numpy(dtype=object)
    tm = d["time"].to_numpy()
    src = d["source"].astype("str").to_numpy(dtype=object) if "source" in d.columns else None
    # identical: one row-level flag per station-hour
    ident = ~any_conflict
    if ident.any():
        s0 = starts[ident]
        detail = (pd.Series(sizes[ident]).astype(str) + " identical rows for this station-hour; the first is kept").to_numpy(dtype=object)
        flags.append(_flag_block(st[s0], tm[s0], "*", np.full(len(s0), np.nan), DUPLICATE_IDENTICAL, detail))
    for p in POLLUTANTS:
        rows = conflict_cols[p][gid]
        if not rows.any():
            continue
        detail = (
            "copy "
            + pd.Series(copy_no[rows]).astype(str)
            + " of "
            + pd.Series(n_of_row[rows]).astype(str)
        )
        if src is not None:
            detail = detail + " (source " + pd.Series(src[rows]).astype(str) + ")"
        detail = detail + "; the copies disagree, value set to NaN"
        flags.append(_flag_block(st[rows], tm[rows], p, d[p].to_numpy(dtype=float)[rows], DUPLICATE_CONFLICT, detail.to_numpy(dtype=object)))
    # keep the first copy of every station-hour, with conflicting pollutants set to NaN
    keep = ~work.duplicated(["station", "time"], keep="first").to_numpy()
    out = work.loc[keep].copy()
    firsts = d.iloc[starts]
    key_first = pd.MultiIndex.from_arrays([firsts["station"], firsts["time"]])
    key_out = pd.MultiIndex.from_arrays([out["station"], out["time"]])
    pos_in_out = key_out.get_indexer(key_first)
    for p in POLLUTANTS:
        if conflict_cols[p].any():
            col = out[p].to_numpy(dtype=float, copy=True)
            col[pos_in_out[conflict_cols[p]]] = np.nan
            out[p] = col
    return out


def _co_slip(work: pd.DataFrame, rules: QualityRules, fix: bool, flags: list) -> None:
    """Flag (and blank or rescale) CO values that look like µg/m³. ``work`` sorted, unique."""
    co = work["co"].to_numpy(dtype=float, copy=True)
    cand = co > rules.co_slip_min
    if not cand.any():
        return
    context = np.where(cand, np.nan, co)
    w = rules.co_slip_window_hours
    ser = pd.Series(context, index=pd.DatetimeIndex(work["time"].to_numpy()))
    codes = pd.factorize(work["station"].to_numpy(dtype=object), sort=True)[0]
    # codes are non-decreasing because work is sorted by station: the groupby result keeps row order
    med = ser.groupby(codes).rolling(f"{2 * w + 1}h", center=True, min_periods=1).median().to_numpy()
    # the value looks like µg/m³ (airq.units.co_looks_like_ug, shared with airq.aqi) and its context is low
    slip = co_looks_like_ug(co, rules.co_slip_min) & (med < rules.co_slip_context_max)
    if not slip.any():
        return
    new = co[slip] / 1000.0
    detail = (
        "CO "
        + _fmt(co[slip])
        + " looks like µg/m³: median of the station's CO within ±"
        + str(w)
        + " h is "
        + _fmt(med[slip])
        + " mg/m³; "
    )
    detail = detail + (("rescaled to " + _fmt(new) + " mg/m³") if fix else "set to NaN (fix_co_units=False)")
    flags.append(
        _flag_block(
            work["station"].to_numpy(dtype=object)[slip], work["time"].to_numpy()[slip], "co", co[slip], CO_UNIT_SLIP, detail.to_numpy(dtype=object)
        )
    )
    co[slip] = new if fix else np.nan
    work["co"] = co


def _stuck(work: pd.DataFrame, rules: QualityRules, flags: list) -> None:
    """Flag runs of identical values (``work`` sorted by station, time, unique)."""
    n = len(work)
    if n == 0:
        return
    codes = pd.factorize(work["station"].to_numpy(dtype=object))[0]
    t = work["time"].to_numpy(dtype="datetime64[ns]")
    next_hour = np.r_[False, (codes[1:] == codes[:-1]) & ((t[1:] - t[:-1]) == _HOUR)]
    st = work["station"].to_numpy(dtype=object)
    for p in POLLUTANTS:
        v = work[p].to_numpy(dtype=float, copy=True)
        same = next_hour & np.r_[False, v[1:] == v[:-1]]  # NaN never equals: NaN breaks a run
        new_run = ~same
        rid = np.cumsum(new_run) - 1
        run_start = np.flatnonzero(new_run)
        run_len = np.bincount(rid)
        length = run_len[rid]
        hit = ~np.isnan(v) & (length >= rules.stuck_hours[p]) & (v > rules.stuck_floor[p])
        if not hit.any():
            continue
        first = t[run_start][rid][hit]
        last = t[run_start + run_len - 1][rid][hit]
        detail = (
            "same value in "
            + pd.Series(length[hit]).astype(str)
            + " consecutive hours ("
            + pd.Series(first).dt.strftime("%Y-%m-%d %H:%M")
            + " .. "
            + pd.Series(last).dt.strftime("%Y-%m-%d %H:%M")
            + "), above the stuck floor "
            + f"{rules.stuck_floor[p]:g} {UNITS[p]}"
        )
        flags.append(_flag_block(st[hit], t[hit], p, v[hit], STUCK, detail.to_numpy(dtype=object)))
        v[hit] = np.nan
        work[p] = v


def check_hourly(frame: pd.DataFrame, *, known_stations=None, rules: QualityRules | None = None, fix_co_units: bool = False):
    """Turn suspect hourly values into missing values and record why.

    Parameters
    ----------
    frame : DataFrame
        Canonical hourly table: ``station`` (text), ``time`` (datetime64, hour start, Beijing
        time, naive), ``so2, no2, co, o3, pm10, pm25`` [µg/m³; co mg/m³]. Other columns
        (``source``, ``published_*`` ...) are carried along unchanged. Not modified.
    known_stations : iterable of str, optional
        Station codes expected in the data. Rows of any other station are removed from the
        clean table and flagged ``unknown_station``. ``None`` (default): no station check.
    rules : QualityRules, optional
        Thresholds (default ``QualityRules()``, documented in the module docstring). These are
        data-quality thresholds, not an AQI rule set.
    fix_co_units : bool, default False
        If True, CO values recognised as µg/m³ are divided by 1000 instead of being set to
        NaN. They are flagged ``co_unit_slip`` either way.

    Returns
    -------
    clean : DataFrame
        Same columns and canonical dtypes (``station`` str, ``time`` datetime64[ns],
        pollutants float64), one row per station-hour, sorted by station and time, fresh
        ``RangeIndex``. Flagged values are NaN (or rescaled CO). ``attrs`` are copied from
        ``frame`` (the readers' parse-level flags in ``attrs["flags"]`` travel along; they are
        not merged into ``flags``, whose columns differ).
    flags : DataFrame
        One row per flagged value (``station, time, column, value, reason, detail``;
        ``value`` is the original value). Row-level reasons (``unknown_station``,
        ``duplicate_identical``) have ``column == "*"`` and ``value`` NaN. Sorted by
        station, time, column.

    Raises
    ------
    TypeError, ValueError
        Missing columns, non-text station codes, times that are not naive datetimes on whole
        hours, non-numeric values; the message names the row, column and value.
    """
    what = "check_hourly"
    if rules is None:
        rules = QualityRules()
    elif not isinstance(rules, QualityRules):
        raise TypeError(
            f"check_hourly: rules must be an airq.quality.QualityRules (data-quality thresholds), "
            f"not {type(rules).__name__}; AQI rule sets do not apply here"
        )
    work = _canonical(frame, key="time", values=POLLUTANTS, what=what)
    columns = list(work.columns)
    flags: list[pd.DataFrame] = []

    if known_stations is not None:
        if isinstance(known_stations, str):
            known_stations = [known_stations]
        known = pd.Index([str(s) for s in known_stations])
        unknown = ~work["station"].isin(known).to_numpy()
        if unknown.any():
            u = work.loc[unknown]
            flags.append(
                _flag_block(
                    u["station"].to_numpy(dtype=object),
                    u["time"].to_numpy(),
                    "*",
                    np.full(len(u), np.nan),
                    UNKNOWN_STATION,
                    "station not in known_stations; row removed from the clean table",
                )
            )
            work = work.loc[~unknown]

    work = work.sort_values(["station", "time"], kind="stable")
    work = _duplicates(work, flags)
    work = work.reset_index(drop=True)
    flags += co_series_flags(work, key="time", averaging="hourly", fix=fix_co_units, median_range=rules.co_median_range)

    for p in POLLUTANTS:
        v = work[p].to_numpy(dtype=float, copy=True)
        neg = v < 0
        if neg.any():
            flags.append(_flag_block(work["station"].to_numpy(dtype=object)[neg], work["time"].to_numpy()[neg], p, v[neg], NEGATIVE, "value < 0"))
            v[neg] = np.nan
            work[p] = v

    _co_slip(work, rules, fix_co_units, flags)

    for p in POLLUTANTS:
        v = work[p].to_numpy(dtype=float, copy=True)
        hi = v > rules.max_plausible[p]
        if hi.any():
            detail = f"above the plausible maximum {rules.max_plausible[p]:g} {UNITS[p]}"
            flags.append(_flag_block(work["station"].to_numpy(dtype=object)[hi], work["time"].to_numpy()[hi], p, v[hi], IMPOSSIBLE, detail))
            v[hi] = np.nan
            work[p] = v

    _stuck(work, rules, flags)

    clean = work[columns].reset_index(drop=True)
    # carry the reader's attrs (e.g. parse-level flags in attrs["flags"]) as copies
    clean.attrs = {k: (v.copy(deep=True) if isinstance(v, (pd.DataFrame, pd.Series)) else copy.deepcopy(v)) for k, v in frame.attrs.items()}
    return clean, sort_flags(flags)


def sort_flags(pieces: list) -> pd.DataFrame:
    """Flag tables put together in the order :func:`check_hourly` returns them: by station, time, column and
    reason (the order of :data:`REASONS`), stable; the empty flags table when there is none."""
    pieces = [p for p in pieces if p is not None]
    if not pieces:
        return _empty_flags()
    out = pd.concat(pieces, ignore_index=True)
    order = pd.Categorical(out["reason"], categories=list(REASONS), ordered=True)
    return (
        out.assign(_r=order.codes)
        .sort_values(["station", "time", "column", "_r"], kind="stable")
        .drop(columns="_r")
        .reset_index(drop=True)
    )


# --------------------------------------------------------------------------------------------
# gaps and summary


def _period_bound(value, name: str):
    if value is None:
        return None
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        raise ValueError(note("error.calc.bound_not_date", name=name, value=repr(value))) from None
    if ts.tz is not None:
        raise ValueError(note("error.calc.bound_tz_aware", name=name, value=repr(value)))
    if ts != ts.floor("h"):
        raise ValueError(note("error.calc.bound_not_hour", name=name, value=repr(value)))
    return ts.as_unit("ns")


def gaps(frame: pd.DataFrame, *, start=None, end=None, stations=None) -> pd.DataFrame:
    """Hours absent from the table, as runs per station.

    A station-hour is absent when no row has it (a row whose values are all NaN is present;
    its missing values show in :func:`quality_summary`).

    Parameters
    ----------
    frame : DataFrame
        Table with ``station`` and ``time`` (hour start, Beijing time, naive).
    start, end : datetime-like, optional
        Period ``[start, end)`` (``end`` exclusive). When given, hours before a station's first
        row / after its last row count as gaps; otherwise a station's gaps lie between its
        first and last row.
    stations : iterable of str, optional
        Stations to report. Stations absent from ``frame`` then appear with one gap covering
        the whole period (needs ``start`` and ``end``). Default: the stations in ``frame``.

    Returns
    -------
    DataFrame
        ``station``, ``start`` (first absent hour), ``end`` (first hour after the gap, so a
        gap is ``[start, end)``), ``hours`` (int64), sorted by station and start.
    """
    what = "gaps"
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"gaps takes a pandas DataFrame, not {type(frame).__name__}")
    missing = [c for c in ("station", "time") if c not in frame.columns]
    if missing:
        raise ValueError(note("error.calc.gaps_lacks", missing=repr(missing)))
    st = _station_column(frame, what)
    tm = _time_column(frame, "time", what)
    t0, t1 = _period_bound(start, "start"), _period_bound(end, "end")
    if t0 is not None and t1 is not None and t1 <= t0:
        raise ValueError(note("error.calc.end_not_after_start", what="gaps", end=_label(t1), start=_label(t0)))
    keys = pd.DataFrame({"station": st.to_numpy(dtype=object), "time": tm.to_numpy()})
    if t0 is not None:
        keys = keys[keys["time"] >= t0]
    if t1 is not None:
        keys = keys[keys["time"] < t1]
    if stations is not None:
        if isinstance(stations, str):
            stations = [stations]
        wanted = pd.Index([str(s) for s in stations])
        keys = keys[keys["station"].isin(wanted)]
    keys = keys.drop_duplicates().sort_values(["station", "time"], kind="stable")
    st_arr = keys["station"].to_numpy(dtype=object)
    t = keys["time"].to_numpy(dtype="datetime64[ns]")
    pieces = []
    if len(keys):
        same = st_arr[1:] == st_arr[:-1]
        jump = (t[1:] - t[:-1]) > _HOUR
        inner = np.flatnonzero(same & jump)
        pieces.append(pd.DataFrame({"station": st_arr[inner], "start": t[inner] + _HOUR, "end": t[inner + 1]}))
        firsts = np.r_[0, np.flatnonzero(~same) + 1]
        lasts = np.r_[np.flatnonzero(~same), len(keys) - 1]
        if t0 is not None:
            m = t[firsts] > np.datetime64(t0)
            pieces.append(pd.DataFrame({"station": st_arr[firsts][m], "start": np.full(m.sum(), np.datetime64(t0), dtype="datetime64[ns]"), "end": t[firsts][m]}))
        if t1 is not None:
            m = (t[lasts] + _HOUR) < np.datetime64(t1)
            pieces.append(pd.DataFrame({"station": st_arr[lasts][m], "start": t[lasts][m] + _HOUR, "end": np.full(m.sum(), np.datetime64(t1), dtype="datetime64[ns]")}))
    if stations is not None:
        absent = sorted(set(wanted) - set(st_arr))
        if absent:
            if t0 is None or t1 is None:
                raise ValueError(note("error.calc.gaps_no_rows", stations=repr(absent[:5])))
            pieces.append(
                pd.DataFrame(
                    {
                        "station": absent,
                        "start": np.full(len(absent), np.datetime64(t0), dtype="datetime64[ns]"),
                        "end": np.full(len(absent), np.datetime64(t1), dtype="datetime64[ns]"),
                    }
                )
            )
    if pieces:
        out = pd.concat(pieces, ignore_index=True)
    else:
        out = pd.DataFrame({"station": [], "start": [], "end": []})
    out = pd.DataFrame(
        {
            "station": pd.Series(out["station"].to_numpy(dtype=object), dtype="str"),
            "start": pd.Series(out["start"].to_numpy(dtype="datetime64[ns]")),
            "end": pd.Series(out["end"].to_numpy(dtype="datetime64[ns]")),
        }
    )
    out["hours"] = ((out["end"] - out["start"]) // pd.Timedelta(hours=1)).astype("int64")
    return out.sort_values(["station", "start"], kind="stable").reset_index(drop=True)


def quality_summary(frame: pd.DataFrame, flags: pd.DataFrame, *, start=None, end=None, stations=None) -> pd.DataFrame:
    """Completeness and flag counts per station and calendar month — the table reports show.

    Parameters
    ----------
    frame : DataFrame
        The **clean** hourly table returned by :func:`check_hourly` (valid = not NaN there).
    flags : DataFrame
        The flags returned with it.
    start, end : datetime-like, optional
        Period ``[start, end)`` (``end`` exclusive, whole hours). Months are clipped to it, so
        expected hours of a partial month count only the hours inside the period. Default:
        the whole calendar months spanned by ``frame`` and ``flags``.
    stations : iterable of str, optional
        Stations to report (they appear even without any row). Default: those in ``frame``
        and ``flags``.

    Returns
    -------
    DataFrame
        One row per station and month (``month`` as ``"YYYY-MM"`` text), sorted, with:

        * ``expected_hours`` — hours of the month (inside the period);
        * ``present_hours`` — station-hours with a row; ``absent_hours`` = expected − present;
        * ``valid_<pollutant>`` — hours with a non-missing value;
        * ``complete_<pollutant>`` — ``100 * valid / expected`` [%], unrounded;
        * ``flag_<reason>`` — number of flag rows of each reason in :data:`REASONS` (a
          row-level flag counts once; a conflicting duplicate counts once per copy).

        Counts are int64.
    """
    what = "quality_summary"
    work = _canonical(frame, key="time", values=POLLUTANTS, what=what)
    if not isinstance(flags, pd.DataFrame) or any(c not in flags.columns for c in FLAG_COLUMNS):
        raise ValueError(f"quality_summary: flags must be the DataFrame returned by check_hourly (columns {list(FLAG_COLUMNS)})")
    fl = pd.DataFrame({"station": flags["station"].astype("str"), "time": pd.to_datetime(flags["time"]).astype("datetime64[ns]"), "reason": flags["reason"].astype("str")})
    unknown_reasons = sorted(set(fl["reason"]) - set(REASONS))
    if unknown_reasons:
        raise ValueError(f"quality_summary: unknown flag reason(s) {unknown_reasons}; known: {list(REASONS)}")
    t0, t1 = _period_bound(start, "start"), _period_bound(end, "end")
    if t0 is not None:
        work, fl = work[work["time"] >= t0], fl[fl["time"] >= t0]
    if t1 is not None:
        work, fl = work[work["time"] < t1], fl[fl["time"] < t1]
    all_times = pd.concat([work["time"], fl["time"]], ignore_index=True)
    if t0 is None and t1 is None and len(all_times) == 0:
        raise ValueError(note("error.calc.summary_empty"))
    p0 = t0 if t0 is not None else all_times.min().floor("D").replace(day=1)
    p1 = t1 if t1 is not None else (all_times.max().to_period("M") + 1).to_timestamp().as_unit("ns")
    if p1 <= p0:
        raise ValueError(note("error.calc.end_not_after_start", what="quality_summary", end=_label(p1), start=_label(p0)))
    months = pd.period_range(p0.to_period("M"), (p1 - pd.Timedelta(hours=1)).to_period("M"), freq="M")
    m_start = months.to_timestamp().as_unit("ns").to_numpy()
    m_end = (months + 1).to_timestamp().as_unit("ns").to_numpy()
    expected = (np.minimum(m_end, p1.to_datetime64()) - np.maximum(m_start, p0.to_datetime64())) // _HOUR

    if stations is None:
        st_list = sorted(set(work["station"]) | set(fl["station"]))
    else:
        st_list = sorted({str(s) for s in ([stations] if isinstance(stations, str) else stations)})
        work = work[work["station"].isin(st_list)]
        fl = fl[fl["station"].isin(st_list)]
    month_txt = months.strftime("%Y-%m")
    grid = pd.MultiIndex.from_product([st_list, month_txt], names=["station", "month"])
    out = pd.DataFrame(index=grid)
    out["expected_hours"] = np.tile(np.asarray(expected), len(st_list)).astype("int64")

    wk = work.drop_duplicates(["station", "time"]).assign(month=work["time"].dt.strftime("%Y-%m"))
    g = wk.groupby(["station", "month"])
    out["present_hours"] = g.size().reindex(grid, fill_value=0).astype("int64")
    out["absent_hours"] = out["expected_hours"] - out["present_hours"]
    valid = g[list(POLLUTANTS)].count().reindex(grid, fill_value=0).astype("int64")
    for p in POLLUTANTS:
        out[f"valid_{p}"] = valid[p]
    for p in POLLUTANTS:
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"complete_{p}"] = np.where(out["expected_hours"] > 0, 100.0 * out[f"valid_{p}"] / out["expected_hours"], np.nan)
    fl = fl.assign(month=fl["time"].dt.strftime("%Y-%m"))
    counts = fl.groupby(["station", "month", "reason"]).size().unstack("reason")
    counts = counts.reindex(index=grid, columns=list(REASONS)).fillna(0).astype("int64")
    for r in REASONS:
        out[f"flag_{r}"] = counts[r]
    out = out.reset_index()
    out["station"] = out["station"].astype("str")
    out["month"] = out["month"].astype("str")
    return out


# --------------------------------------------------------------------------------------------
# daily values received as such

#: Daily value columns checked by :func:`check_daily`, and the pollutant whose plausible maximum
#: applies to each.
_DAILY_LIMIT_OF = MappingProxyType({"so2": "so2", "no2": "no2", "co": "co", "pm10": "pm10", "pm25": "pm25",
                                    "o3_8h": "o3", "o3_1h": "o3"})


def check_daily(frame: pd.DataFrame, *, known_stations=None, rules: QualityRules | None = None, fix_co_units: bool = False):
    """Checks of a station-daily table received as such (no hours behind it).

    The same reasons as :func:`check_hourly` where they make sense for daily values:
    ``unknown_station`` (row removed and recorded), ``duplicate_identical`` /
    ``duplicate_conflict`` (per station-day), ``co_unit_file`` (a station's CO series of a file
    and month in the wrong unit), ``co_unit_slip`` (one daily CO that looks like µg/m³ among low
    days), ``negative`` and ``impossible`` (value set missing; daily CO above 60 mg/m³, the top
    of the HJ 633 24-h scale). The CO rules are those of :mod:`airq.unit_checks`. Stuck
    instruments need the hourly series and are not checked.

    Parameters
    ----------
    frame : DataFrame
        ``station``, ``date`` and any of ``so2, no2, co, pm10, pm25, o3_8h, o3_1h``
        [µg/m³; co mg/m³]; other columns are carried through.
    known_stations : iterable of str, optional
    rules : QualityRules, optional
        ``max_plausible`` thresholds (O3 daily values use the O3 one; daily CO at most
        :data:`airq.unit_checks.CO_DAILY_MAX`), ``co_slip_context_max``, ``co_median_range``.
    fix_co_units : bool, default False
        Rescale CO in the wrong unit instead of setting it missing (flagged either way).

    Returns
    -------
    (clean, flags)
        ``clean``: the table with flagged values missing, one row per station-day (the raw
        frame is not modified). ``flags``: ``station, time`` (the date), ``column, value,
        reason, detail``.
    """
    if rules is None:
        rules = QualityRules()
    if not isinstance(rules, QualityRules):
        raise TypeError(f"check_daily: rules must be a QualityRules, not {type(rules).__name__}")
    for col in ("station", "date"):
        if col not in frame.columns:
            raise ValueError(note("error.calc.check_daily_lacks", column=repr(col)))
    work = frame.copy()
    work.attrs = {}
    flags: list[pd.DataFrame] = []
    station = work["station"].astype(str)
    if known_stations is not None:
        known = {str(s) for s in known_stations}
        unknown = ~station.isin(known).to_numpy()
        if unknown.any():
            flags.append(_flag_block(station[unknown].to_numpy(), work["date"].to_numpy()[unknown], "*",
                                     np.full(int(unknown.sum()), np.nan), UNKNOWN_STATION, "station not defined in the plan"))
            work = work[~unknown]
            station = station[~unknown]
    values = [c for c in _DAILY_LIMIT_OF if c in work.columns]
    key = pd.DataFrame({"s": station.to_numpy(), "d": pd.to_datetime(work["date"]).to_numpy()})
    dup_any = key.duplicated(keep=False).to_numpy()
    if dup_any.any():
        grp = key.groupby(["s", "d"], sort=False).ngroup().to_numpy()
        first = ~key.duplicated(keep="first").to_numpy()
        for c in values:
            v = pd.to_numeric(work[c], errors="coerce").to_numpy(dtype=float)
            codes = pd.Series(np.where(np.isnan(v), np.inf, v)).groupby(grp).nunique().to_numpy()
            conflict = dup_any & (codes[grp] > 1)
            if conflict.any():
                flags.append(_flag_block(station.to_numpy()[conflict], key["d"].to_numpy()[conflict], c, v[conflict],
                                         DUPLICATE_CONFLICT, "several rows for one station-day disagree"))
                keep_col = work[c].to_numpy(dtype=float, na_value=np.nan).copy()
                keep_col[conflict] = np.nan
                work[c] = keep_col
        extra = dup_any & ~first
        flags.append(_flag_block(station.to_numpy()[extra], key["d"].to_numpy()[extra], "*", np.full(int(extra.sum()), np.nan),
                                 DUPLICATE_IDENTICAL, "repeated station-day row dropped (recorded)"))
        work = work[first]
        station = station[first]
    flags += co_series_flags(work, key="date", averaging="daily", fix=fix_co_units, median_range=rules.co_median_range)
    flags += co_daily_slip_flags(work, fix=fix_co_units, context_max=rules.co_slip_context_max)
    for c in values:
        v = pd.to_numeric(work[c], errors="coerce").to_numpy(dtype=float)
        neg = v < 0
        limit = rules.max_plausible[_DAILY_LIMIT_OF[c]]
        high = v > (min(limit, CO_DAILY_MAX) if c == "co" else limit)
        for mask, reason in ((neg, NEGATIVE), (high, IMPOSSIBLE)):
            if mask.any():
                flags.append(_flag_block(station.to_numpy()[mask], pd.to_datetime(work["date"]).to_numpy()[mask], c,
                                         v[mask], reason, f"daily value {reason}"))
        work[c] = np.where(neg | high, np.nan, v)
    flag_frame = pd.concat(flags, ignore_index=True) if flags else _empty_flags()
    return work.reset_index(drop=True), flag_frame
