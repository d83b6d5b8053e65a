"""Absent hours and completeness: :func:`gaps` and :func:`quality_summary`.

Part of :mod:`airq.quality` (which re-exports the public names). :func:`gaps` lists the hours
absent for each station as runs ``[start, end)``; :func:`quality_summary` condenses the clean
hourly table and its flags (:func:`airq.quality.check_hourly`) into the table per station and
month that reports show: expected, present and absent hours, valid hours and completeness of
each pollutant, and the number of flags of each reason. Absent hours are not flags.

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 and §6.4 (data sufficiency: a day needs >= 20 valid
   hours; all valid data enter statistics; standards.md §2.3).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .notes import note
from .quality_rules import _HOUR, FLAG_COLUMNS, POLLUTANTS, REASONS
from .quality_tables import _canonical, _station_column, _time_column
from .util import label as _label

__all__ = ["gaps", "quality_summary"]


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
