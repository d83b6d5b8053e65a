"""The checks of the hourly table: :func:`check_hourly` and :func:`sort_flags`.

Part of :mod:`airq.quality` (which re-exports the public names; its docstring gives the rule of
each reason and the thresholds). :func:`check_hourly` validates the canonical hourly table
(:mod:`airq.quality_tables`), then runs the checks in this order: unknown stations, duplicates
(:func:`_duplicates`), CO series in the wrong unit (:func:`airq.unit_checks.co_series_flags`),
negative, CO unit slip (:func:`_co_slip`), impossible, stuck (:func:`_stuck`). A value gets at
most one reason; a check only sees the values the earlier checks left. Suspect values become
missing (unknown stations' rows are removed, duplicates collapsed), and every one is recorded in
the flags table, which :func:`sort_flags` puts in order.

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 and §6.4 (all valid data enter statistics;
   standards.md §2.3).
"""

from __future__ import annotations

import copy

import numpy as np
import pandas as pd

from .quality_rules import (
    _HOUR,
    DUPLICATE_CONFLICT,
    DUPLICATE_IDENTICAL,
    IMPOSSIBLE,
    NEGATIVE,
    POLLUTANTS,
    REASONS,
    STUCK,
    UNITS,
    UNKNOWN_STATION,
    QualityRules,
)
from .quality_tables import _canonical, _empty_flags, _flag_block, _fmt
from .unit_checks import CO_UNIT_SLIP, co_series_flags
from .units import co_looks_like_ug

__all__ = ["check_hourly", "sort_flags"]


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
        Thresholds (default ``QualityRules()``, documented in the docstring of :mod:`airq.quality`).
        These are data-quality thresholds, not an AQI rule set.
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
