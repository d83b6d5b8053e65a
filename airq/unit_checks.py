"""CO in the wrong unit: whole series judged by the station's own history, daily values one by one.

CO is the one pollutant reported in mg/m³, every other one in µg/m³ (HJ 633—2012 Table 1,
HJ 633—2026 Table 3; standards.md §1.1 "Units µg/m³ except CO (mg/m³)"). A CO column copied
from a µg/m³ source is 1000 times too large; a reader that divides a µg/m³ column by 1000 (the
``prsa`` reader, :mod:`airq.io.prsa`) makes a file that was already in mg/m³ 1000 times too small.
The single-value check of :mod:`airq.quality` (``co_unit_slip``: CO above 50 mg/m³ among low
neighbours) cannot see either when the *whole* series is in the wrong unit — at a clean site
60–135 µg/m³ pass as 60–135 mg/m³, and every day turns non-good. This module judges the series.

The series rule (reason ``co_unit_file``, :func:`co_series_flags`)
-------------------------------------------------------------------
A *series* is the CO of one station in one file (the ``source`` column; the whole table when
there is none) and one calendar month. Its **median** over its positive values must lie within
:data:`CO_MEDIAN_RANGE` = 0.02 … 20 mg/m³, the range of a station's monthly median CO in mg/m³:

* **above 20 mg/m³**: the series looks like µg/m³ (÷ 1000 gives 0.02 … 20 mg/m³ again);
* **below 0.02 mg/m³**: the series looks 1000 times too small (mg/m³ divided by 1000 as if it
  were µg/m³).

Every CO value (>= 0) of such a series is set missing and flagged ``co_unit_file`` — or, with
``fix_co_units=True``, rescaled by 1000 and flagged all the same; never rescaled silently. The
detail names the file, the station, the month and the median seen, and the ingest summary says
so in one line per file (:func:`co_unit_file_lines`). Negative values are left to the
``negative`` check.

A median is a history only over enough values: a series needs :data:`CO_SERIES_MIN_VALUES`
(24 hourly values — a day —, 3 daily values). A month too short to be judged alone (the first
hour of a file that starts at 00:00 hour-ending) is judged by the station's whole series in the
file; stations whose whole series in the file is too short (the CNEMC archive: one hour of every
station per file) are pooled over the file and judged together once the pool reaches the same
count. Shorter than that, only the single-value checks apply. A unit that changes inside a
month is judged by the majority of the month: the minority part is left to the single-value
checks.

Why 0.02 and 20 mg/m³. standards.md gives no ambient range, only the limits (CO 24-h grade II
4 mg/m³, 1-h 10 mg/m³, §2.1) and the breakpoints (24-h CO 24 mg/m³ is IAQI 200, the scale ends
at 60, §1.1). The range is wide around every monthly median of the real data in
``../shared/data/real`` — PRSA Beijing 2013–2017 station-months 0.1–2.9 mg/m³, Guigang 2023 Q1
0.6–1.0, the CNEMC hourly sample 0.1–3.5 (single hours), aqistudy city-months of ~360 cities
2013–2017 0.1–8.5 (5.7 over a whole month) —, and a µg/m³ series cannot fall inside it: the
cleanest background air holds about 0.05 mg/m³ of CO (≈ 40 ppb at 298.15 K), written in µg/m³
50, 2.5 times above the upper limit, and the most polluted month divided by 1000 once too often
(8.5 mg/m³ read as 0.0085) is 2.4 times below the lower one. A month whose *median* day is near
IAQI 200 has never been published.

Flagged, not refused. A file may hold many stations of which one is in the wrong unit, and the
other five pollutants of every row are valid: refusing the file would lose them. The series is
set missing with its reason, counted in the ingest summary and in ``airq quality``, and kept in
the store's ``quality/`` folder; ``fix_co_units=True`` rescales it instead.

Daily values one by one (:func:`co_daily_slip_flags`, and the daily maximum)
-----------------------------------------------------------------------------
A daily CO that looks like µg/m³ (:func:`airq.units.co_looks_like_ug`: above
:data:`airq.units.CO_UG_THRESHOLD` = 50 mg/m³) while the median of the station's other daily CO
within ±:data:`CO_DAILY_SLIP_WINDOW_DAYS` (15) days is below ``co_slip_context_max`` (5 mg/m³) is
flagged ``co_unit_slip``, as the hourly check does with hours. A daily CO above
:data:`CO_DAILY_MAX` = 60 mg/m³, the top of the 24-h CO scale (HJ 633 Table 1; the hourly maximum
150 mg/m³ is the top of the 1-h scale), is ``impossible``: a daily 90 no longer passes.

References
----------
.. [1] HJ 633—2012 Table 1, HJ 633—2026 Table 3: CO in mg/m³, the others in µg/m³; CO 24-h
   breakpoints up to 60 mg/m³, 1-h up to 150 mg/m³ (standards.md §1.1).
.. [2] GB 3095—2012 / GB 3095—2026 Table 1: CO 24-h 4 mg/m³, 1-h 10 mg/m³ (standards.md §2.1).
"""

from __future__ import annotations

import re
from types import MappingProxyType

import numpy as np
import pandas as pd

from .notes import note
from .units import CO_UG_THRESHOLD, co_looks_like_ug

__all__ = [
    "CO_UNIT_FILE",
    "CO_UNIT_SLIP",
    "CO_MEDIAN_RANGE",
    "CO_SERIES_MIN_VALUES",
    "CO_DAILY_MAX",
    "CO_DAILY_SLIP_WINDOW_DAYS",
    "co_series_flags",
    "co_daily_slip_flags",
    "co_unit_file_lines",
]

#: Reason: a whole series (station, file, month) of CO in the wrong unit (µg/m³, or ÷ 1000 twice).
CO_UNIT_FILE = "co_unit_file"
#: Reason: one CO value that looks like µg/m³ (hourly: :mod:`airq.quality`; daily: here).
CO_UNIT_SLIP = "co_unit_slip"
#: Plausible range [mg/m³] of the median CO of one station over one month (module docstring).
CO_MEDIAN_RANGE = (0.02, 20.0)
#: Values a series needs before its median is judged, per averaging.
CO_SERIES_MIN_VALUES = MappingProxyType({"hourly": 24, "daily": 3})
#: Above this a daily CO [mg/m³] is ``impossible``: the top of the HJ 633 24-h CO scale.
CO_DAILY_MAX = 60.0
#: Half-width [days] of the neighbourhood of a daily CO value in the daily slip check.
CO_DAILY_SLIP_WINDOW_DAYS = 15

_SHOW = 4  # stations / files named in a summary line before "and N more"


def _block(station, time, value, reason, detail) -> pd.DataFrame:
    """Flag rows in the layout of :data:`airq.quality.FLAG_COLUMNS` (column ``co``)."""
    n = len(station)
    return pd.DataFrame(
        {
            "station": pd.Series(np.asarray(station, dtype=object), dtype="str"),
            "time": pd.Series(np.asarray(time, dtype="datetime64[ns]")),
            "column": pd.Series(np.full(n, "co", dtype=object), dtype="str"),
            "value": pd.Series(np.asarray(value, dtype=float)),
            "reason": pd.Series(np.full(n, reason, dtype=object), dtype="str"),
            "detail": pd.Series(np.asarray(detail, dtype=object), dtype="str"),
        }
    )


def _g(v: float) -> str:
    return f"{float(v):g}"


def co_series_flags(work: pd.DataFrame, *, key: str, averaging: str, fix: bool = False,
                    median_range=CO_MEDIAN_RANGE) -> list[pd.DataFrame]:
    """Flag the CO series whose median is outside ``median_range`` (the ``co_unit_file`` rule).

    Parameters
    ----------
    work : DataFrame
        ``station``, ``key`` (hour start or date), ``co`` [mg/m³] and, when known, ``source``
        (the file). Its ``co`` column is replaced in place: flagged values NaN, or rescaled
        with ``fix``.
    key : {"time", "date"}
    averaging : {"hourly", "daily"}
        Picks the minimum length of a series (:data:`CO_SERIES_MIN_VALUES`).
    fix : bool
        Rescale (÷ 1000 above the range, × 1000 below it) instead of setting missing.
    median_range : (float, float)
        Plausible median [mg/m³], default :data:`CO_MEDIAN_RANGE`.

    Returns
    -------
    list of DataFrame
        Flag rows (``station, time, column, value, reason, detail``; ``value`` as given), empty
        when every series is plausible.
    """
    if "co" not in work.columns or not len(work):
        return []
    lo, hi = (float(x) for x in median_range)
    need = CO_SERIES_MIN_VALUES[averaging]
    co = pd.to_numeric(work["co"], errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    n = len(co)
    t = pd.to_datetime(work[key]).to_numpy(dtype="datetime64[ns]")
    # series ids by integer codes (issue 11: no groupby over millions of Python strings); only the
    # numbering of the series differs from a groupby's, and nothing below depends on it
    if "source" in work.columns:
        fid, src = pd.factorize(work["source"].astype(str))
    else:
        fid, src = np.zeros(n, dtype=np.int64), pd.Index(["the table"])
    st_code, st = pd.factorize(work["station"].astype(str))
    month = t.astype("datetime64[M]").astype(np.int64)
    fid, st_code = fid.astype(np.int64), st_code.astype(np.int64)
    pid = pd.factorize(fid * max(len(st), 1) + st_code)[0]  # station, whole file
    sid = pd.factorize(pid.astype(np.int64) * (int(month.max() - month.min()) + 1) + (month - month.min()))[0]  # station, file, month
    with np.errstate(invalid="ignore"):
        pos = co > 0
    n1, m1 = _count_median(co, pos, sid)
    n2, m2 = _count_median(co, pos, pid)
    pool = pos & (n2[pid] < need)  # stations too short in the whole file: pooled per file
    n3, m3 = _count_median(co, pool, fid)
    k3 = pd.Series(pid[pool]).groupby(fid[pool]).nunique().reindex(range(len(n3)), fill_value=0).to_numpy()
    lvl = np.select([n1[sid] >= need, n2[pid] >= need, n3[fid] >= need], [1, 2, 3], 0)
    med = np.select([lvl == 1, lvl == 2, lvl == 3], [m1[sid], m2[pid], m3[fid]], np.nan)
    with np.errstate(invalid="ignore"):
        high, low = med > hi, med < lo
        rows = (high | low) & (co >= 0)
    if not rows.any():
        return []
    flagged = np.bincount(sid[rows], minlength=len(n1))
    texts = {}
    for i in np.flatnonzero(rows)[np.unique(sid[rows], return_index=True)[1]]:  # first flagged row of each series
        g, m = sid[i], med[i]
        over = {1: f"{n1[g]} values",
                2: f"the station's {n2[pid[i]]} values in the file (this month alone has {n1[g]})",
                3: f"the {n3[fid[i]]} values of the file's {k3[fid[i]]} station(s) that have fewer than {need} each (pooled)"}[lvl[i]]
        head = f"{src[fid[i]]}: station {st[st_code[i]]}, {pd.Timestamp(t[i]):%Y-%m}: median CO {_g(m)} mg/m³ over {over} is "
        if high[i]:
            head += (f"above {_g(hi)} mg/m³, the most a station's median CO can be, so the series looks like µg/m³ "
                     f"(= {_g(m / 1000)} mg/m³)")
            act = "rescaled ÷ 1000 (fix_co_units)" if fix else "set missing"
        else:
            head += (f"below {_g(lo)} mg/m³, the least a station's median CO can be, so the series looks 1000 times too "
                     f"small, mg/m³ divided by 1000 as if it were µg/m³ (= {_g(m * 1000)} mg/m³)")
            act = "rescaled × 1000 (fix_co_units)" if fix else "set missing"
        texts[g] = f"{head}; its {int(flagged[g])} value(s) {act}"
    detail = pd.Series(texts).reindex(sid[rows]).to_numpy(dtype=object)
    out = _block(np.asarray(st, dtype=object)[st_code[rows]], t[rows], co[rows], CO_UNIT_FILE, detail)
    if fix:
        co[rows] = np.where(high[rows], co[rows] / 1000.0, co[rows] * 1000.0)
    else:
        co[rows] = np.nan
    work["co"] = co
    return [out]


def _count_median(co: np.ndarray, use: np.ndarray, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Count and median of ``co[use]`` per group id ``0 .. max(group)`` (0 and NaN for an empty group)."""
    size = int(group.max()) + 1
    count = np.bincount(group[use], minlength=size)
    return count, _medians(co[use], group[use], size)


def _medians(values: np.ndarray, group: np.ndarray, n: int) -> np.ndarray:
    """Median of ``values`` per group id ``0 .. n-1`` (NaN for an empty group)."""
    out = np.full(n, np.nan)
    if len(values):
        m = pd.Series(values).groupby(group).median()
        out[m.index.to_numpy()] = m.to_numpy()
    return out


def co_daily_slip_flags(work: pd.DataFrame, *, key: str = "date", fix: bool = False, context_max: float = 5.0,
                        threshold: float = CO_UG_THRESHOLD, window_days: int = CO_DAILY_SLIP_WINDOW_DAYS) -> list[pd.DataFrame]:
    """Flag daily CO values that look like µg/m³ among low daily values of the same station.

    A value is a slip when :func:`airq.units.co_looks_like_ug` (``threshold`` < CO, CO / 1000 <=
    ``threshold``) and the median of the station's *other* daily CO values within
    ±``window_days`` days is below ``context_max`` [mg/m³] — the daily form of the hourly
    ``co_unit_slip`` rule of :mod:`airq.quality`. ``work`` (one row per station-day) has its
    ``co`` replaced in place: NaN, or ÷ 1000 with ``fix``. Returns the flag rows (reason
    ``co_unit_slip``, value as given).
    """
    if "co" not in work.columns or not len(work):
        return []
    co = pd.to_numeric(work["co"], errors="coerce").to_numpy(dtype=float, na_value=np.nan).copy()
    cand = co_looks_like_ug(co, threshold)
    if not cand.any():
        return []
    st = work["station"].astype(str).to_numpy(dtype=object)
    d = pd.to_datetime(work[key]).to_numpy(dtype="datetime64[ns]")
    tmp = pd.DataFrame({"st": st, "d": d, "c": np.where(cand, np.nan, co)}).sort_values(["st", "d"], kind="stable")
    codes = pd.factorize(tmp["st"].to_numpy(dtype=object), sort=True)[0]
    ser = pd.Series(tmp["c"].to_numpy(), index=pd.DatetimeIndex(tmp["d"].to_numpy()))
    rolled = ser.groupby(codes).rolling(f"{2 * window_days + 1}D", center=True, min_periods=1).median().to_numpy()
    med = np.full(len(co), np.nan)
    med[tmp.index.to_numpy()] = rolled
    with np.errstate(invalid="ignore"):
        slip = cand & (med < context_max)
    if not slip.any():
        return []
    act = "rescaled ÷ 1000 (fix_co_units)" if fix else "set missing"
    detail = [f"daily CO {_g(v)} looks like µg/m³ (= {_g(v / 1000)} mg/m³): median of the station's daily CO within "
              f"±{window_days} days is {_g(m)} mg/m³; {act}" for v, m in zip(co[slip], med[slip])]
    out = _block(st[slip], d[slip], co[slip], CO_UNIT_SLIP, detail)
    co[slip] = co[slip] / 1000.0 if fix else np.nan
    work["co"] = co
    return [out]


# --------------------------------------------------------------------------------------------
# the ingest summary

_DETAIL = re.compile(r"^(?P<file>.*?): station (?P<station>.*?), (?P<month>\d{4}-\d{2}): median CO \S+ mg/m³ over .*? is "
                     r"(?P<side>above|below) (?P<limit>\S+) mg/m³")


def co_unit_file_lines(flags: pd.DataFrame, fmt: str | None = None) -> list:
    """One line per file with ``co_unit_file`` flags: the stations, the median seen, what was done.

    ``flags`` is an ingest's flag table (reason ``co_unit_file`` rows are used, with the detail
    :func:`co_series_flags` writes); ``fmt`` the ingest format (``prsa`` adds why its CO can be
    1000 times too small). At most four files are named, then one line for the rest.

    The lines are :class:`airq.notes.Note` s: English ``str`` s, said in Chinese with
    ``airq.notes.render(line, "zh")``. (The flags' ``detail`` texts they are read from stay English:
    they are data kept in the store, and this function parses them.)
    """
    if not len(flags):
        return []
    f = flags[flags["reason"].astype(str) == CO_UNIT_FILE]
    if not len(f):
        return []
    parts = f["detail"].astype(str).str.extract(_DETAIL)
    f = f.assign(_file=parts["file"].fillna("?"), _side=parts["side"].fillna("above"), _limit=parts["limit"].fillna("?"),
                 _month=parts["month"], _fixed=f["detail"].astype(str).str.contains("(fix_co_units)", regex=False))
    lines = []
    groups = list(f.groupby(["_file", "_side"], sort=False))
    for (file, side), g in groups[:_SHOW]:
        per_station = g.groupby("station", sort=False)["value"].median()
        items = [note("calc.co_station_median", station=str(s), median=_g(m)) for s, m in list(per_station.items())[:_SHOW]]
        more = len(per_station) - _SHOW
        shown = note("calc.co_list_more", items=items, more=more) if more > 0 else note("calc.co_list", items=items)
        n, months, limit = len(g), g["_month"].nunique(), g["_limit"].iloc[0]
        act = note(("calc.co_act_divide" if side == "above" else "calc.co_act_multiply") if g["_fixed"].all() else "calc.co_act_missing")
        why = note("calc.co_prsa_why") if side == "below" and fmt == "prsa" else ""
        key = "calc.co_file_above" if side == "above" else "calc.co_file_below"
        lines.append(note(key, file=str(file), k=len(per_station), shown=shown, median=_g(g["value"].median()), n=n,
                          months=int(months), limit=str(limit), why=why, act=act))
    if len(groups) > _SHOW:
        rest = sum(len(g) for _, g in groups[_SHOW:])
        lines.append(note("calc.co_more_files", k=len(groups) - _SHOW, n=rest))
    return lines
