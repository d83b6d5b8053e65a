"""Station daily values -> county / city (group) daily values, in the HJ 663 order.

A *group* is any set of assessment stations whose daily values are averaged: a county
(县/市/区/旗), the whole city, or a single station. HJ 663 builds a group's day as

    station daily means (each with its own validity rule, :func:`airq.hourly.station_daily`)
    -> group daily value = arithmetic mean of the stations' **valid** daily values, per pollutant
    -> group IAQI / AQI from the group's daily concentrations, rounded per GB/T 8170 first
       (:func:`group_daily_aqi`, which is :func:`airq.daily_aqi`)

and a group's period mean is the mean of its daily values (:mod:`airq.stats`), never an average
of monthly means (standards.md §2.4, §2.5).

Pollutant by pollutant
----------------------
A station missing one pollutant on a day still contributes its other pollutants; the number of
stations behind every group value is kept (``n_stations_<pollutant>``), next to the group's
size (``n_stations``). A group value resting on fewer than ``min_stations`` stations is
missing; its count stays, so a report can say why.

Open points (standards.md §2.5, [L]) and the options that settle them
----------------------------------------------------------------------
* **Minimum number of stations per group-day.** Nothing verified fixes it; a share of 75 % of
  the stations is sometimes quoted but was not found in a standard. Default ``min_stations=1``
  (any valid station makes the group value, as the arithmetic-mean rule reads); pass an integer,
  a share in (0, 1) (``0.75`` -> at least ceil(0.75 n) stations) or a per-group mapping.
* **O3 daily maximum 8-h of a group.** ``o3_8h_method="mean_of_station_max"`` (default): mean of
  the stations' daily maximum 8-h values, the same order as every other pollutant.
  ``"max_of_group_mean"``: the group-mean hourly O3 series is formed first and the daily maximum
  of its 8-h windows taken (needs the hourly table). See :func:`group_daily`.

References
----------
.. [1] HJ 663—2013 §5 (city concentration = arithmetic mean over the assessment stations) and
   CNEMC practice on the averaging order (standards.md §2.5, [M]).
.. [2] GB 3095—2012 / GB 3095—2026 Table 4 and HJ 663—2013 §6.1.2 (validity of station daily
   values and of the daily max 8-h; standards.md §2.3).
.. [3] HJ 633—2026 §4.2.2-4.2.3 (concentrations rounded per GB/T 8170 before the IAQI;
   standards.md §1.2).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from . import grid as _grid
from .aqi_daily import daily_aqi
from .hourly import HourlyGrid, station_daily, to_grid
from .notes import note
from .util import label as _label

__all__ = [
    "GROUP_POLLUTANTS",
    "O3_8H_METHODS",
    "group_daily",
    "group_daily_aqi",
]

#: Daily value columns averaged over a group's stations [µg/m³; co mg/m³].
GROUP_POLLUTANTS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "o3_1h")
#: Ways to form a group's daily O3 maxima (standards.md §2.5, open question [L]).
O3_8H_METHODS = ("mean_of_station_max", "max_of_group_mean")
# Spelling used by airq.config (O3_8H_AGGREGATIONS) -> the name used here.
_O3_ALIASES = {"max_of_mean_series": "max_of_group_mean"}


# --------------------------------------------------------------------------- validation


def _numeric_column(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    """Float values of one column; ValueError naming row and value when not a concentration."""
    s = frame[col]
    if s.dtype.kind == "b":
        raise ValueError(note("error.groups.booleans", what=what, column=col))
    conv = pd.to_numeric(s, errors="coerce")
    bad = conv.isna() & s.notna()
    if s.dtype == object:
        bad &= s.astype(str).str.strip().ne("")
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(note("error.groups.non_numeric", what=what, row=_label(frame.index[i]), column=col, value=repr(s.iloc[i])))
    arr = conv.to_numpy(dtype=float, na_value=np.nan)
    with np.errstate(invalid="ignore"):
        neg = arr < 0
    if neg.any():
        i = int(np.flatnonzero(neg)[0])
        raise ValueError(note("error.groups.negative", what=what, row=_label(frame.index[i]), column=col, value=repr(arr[i])))
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr))[0])
        raise ValueError(note("error.groups.infinite", what=what, row=_label(frame.index[i]), column=col))
    return arr


def _dates(frame: pd.DataFrame, col: str, what: str) -> pd.DatetimeIndex:
    """Midnight timestamps of a date column; ValueError for missing, unparsable or timed values."""
    if col not in frame.columns:
        raise ValueError(note("error.groups.lacks_column", what=what, column=col, columns=str(list(frame.columns))))
    try:
        d = pd.DatetimeIndex(pd.to_datetime(frame[col]))
    except (ValueError, TypeError) as exc:
        raise ValueError(note("error.groups.not_dates", what=what, column=col, error=str(exc))) from None
    if d.tz is not None:
        raise ValueError(note("error.groups.timezone", what=what, column=col))
    if d.hasnans:
        i = int(np.flatnonzero(np.asarray(d.isna()))[0])
        raise ValueError(note("error.groups.missing_date", what=what, row=_label(frame.index[i]), column=col))
    off = d != d.normalize()
    if off.any():
        i = int(np.flatnonzero(off)[0])
        raise ValueError(note("error.groups.not_midnight", what=what, row=_label(frame.index[i]), column=col, value=_label(d[i])))
    return d


def _check_groups(groups, what: str) -> dict[str, tuple[str, ...]]:
    if not isinstance(groups, Mapping):
        raise ValueError(f"{what}: groups must be a mapping of group name -> station codes, not {type(groups).__name__}")
    if not groups:
        raise ValueError(note("error.groups.no_groups", what=what))
    out: dict[str, tuple[str, ...]] = {}
    for name, members in groups.items():
        if not isinstance(name, str) or not name.strip():
            raise ValueError(note("error.groups.bad_name", what=what, name=repr(name)))
        if isinstance(members, (str, bytes)):
            raise ValueError(note("error.groups.string_members", what=what, name=repr(name), members=repr(members)))
        if not isinstance(members, Sequence) and not isinstance(members, (set, frozenset, tuple, np.ndarray, pd.Index)):
            raise ValueError(f"{what}: groups[{name!r}] must be a list of station codes, not {type(members).__name__}")
        codes = [str(m) for m in members]
        if not codes:
            raise ValueError(note("error.groups.no_stations", what=what, name=repr(name)))
        seen = set()
        for c in codes:
            if c in seen:
                raise ValueError(note("error.groups.station_twice", what=what, code=repr(c), name=repr(name)))
            seen.add(c)
        out[name] = tuple(codes)
    return out


def _threshold(value, name: str, size: int, what: str) -> int:
    """Minimum station count of one group from an int or a share in (0, 1)."""
    if isinstance(value, (bool, np.bool_)):
        raise ValueError(note("error.groups.min_boolean", what=what, name=repr(name), value=repr(value)))
    if isinstance(value, (int, np.integer)):
        n = int(value)
    elif isinstance(value, (float, np.floating, Fraction)) and 0 < float(value) < 1:
        share = value if isinstance(value, Fraction) else Fraction(repr(float(value)))
        n = math.ceil(share * size)  # exact: 0.75 of 4 stations -> 3
    elif isinstance(value, (float, np.floating)) and float(value).is_integer() and value >= 1:
        n = int(value)
    else:
        raise ValueError(note("error.groups.min_bad", what=what, name=repr(name), value=repr(value)))
    if n < 1:
        raise ValueError(note("error.groups.min_low", what=what, name=repr(name), value=repr(value)))
    if n > size:
        raise ValueError(note("error.groups.min_high", what=what, name=repr(name), value=repr(value), size=size))
    return n


def _thresholds(min_stations, groups: dict[str, tuple[str, ...]], what: str) -> dict[str, int]:
    if isinstance(min_stations, Mapping):
        unknown = [k for k in min_stations if k not in groups]
        if unknown:
            raise ValueError(note("error.groups.min_unknown", what=what, unknown=str(unknown), groups=str(list(groups))))
        return {g: _threshold(min_stations.get(g, 1), g, len(m), what) for g, m in groups.items()}
    return {g: _threshold(min_stations, g, len(m), what) for g, m in groups.items()}


# --------------------------------------------------------------------------- group_daily


def group_daily(
    station_daily: pd.DataFrame,
    groups: Mapping[str, Sequence[str]],
    *,
    min_stations=1,
    o3_8h_method: str = "mean_of_station_max",
    hourly: pd.DataFrame | None = None,
    allow_absent_stations: bool = False,
) -> pd.DataFrame:
    """Daily values of station groups (counties, the city): mean of the stations' valid values.

    Parameters
    ----------
    station_daily : DataFrame
        The canonical station-daily table (:func:`airq.hourly.station_daily`, or daily values
        read as such): ``station``, ``date`` (midnight) and the daily values ``so2, no2, co,
        pm10, pm25`` (24-h means), ``o3_8h`` (daily max 8-h), ``o3_1h`` (daily max 1-h)
        [µg/m³; co mg/m³]. A value that failed its validity rule is NaN and is left out.
        Absent pollutant columns are treated as all-missing (e.g. no ``o3_1h`` in daily data
        after 2026-03-01); at least one must be present. Other columns (``n_*``) are ignored.
    groups : mapping str -> sequence of str
        Group name -> codes of its assessment stations (contrast stations 对照点 must not be
        listed; :mod:`airq.config` checks that). A station may belong to several groups
        (a county and the city). A one-station group reproduces the station's own values.
    min_stations : int, float in (0, 1) or mapping str -> int/float, default 1
        Fewest stations with a valid value for a group value to be valid, per pollutant.
        Open point (standards.md §2.5, [L]): the default 1 takes the mean of whatever stations
        are valid; a 75 % share is sometimes quoted but unverified — pass ``0.75`` for
        ceil(0.75 × group size). A mapping sets it per group (groups not named use 1). A value
        above a group's size raises ``ValueError``.
    o3_8h_method : {"mean_of_station_max", "max_of_group_mean"}, default "mean_of_station_max"
        Open point (standards.md §2.5, [L]). ``"mean_of_station_max"``: mean of the stations'
        daily max 8-h values (and of their daily max 1-h values for ``o3_1h``).
        ``"max_of_group_mean"`` (alias ``"max_of_mean_series"``, the :mod:`airq.config`
        spelling): the group-mean hourly O3 series (an hour is valid with ``>= min_stations``
        stations) is treated like one station's series by :func:`airq.hourly.station_daily`
        — the same 8-h windows (ending 08:00-24:00, >= 6 valid hours), the same 14-window /
        exceedance rule and the same 1-h rule — giving ``o3_8h`` and ``o3_1h``.
    hourly : DataFrame, optional
        The canonical hourly table the station daily values came from; required by
        ``"max_of_group_mean"`` (only its ``o3`` column is used), ignored otherwise.
    allow_absent_stations : bool, default False
        A group station without a single row in ``station_daily`` (or in ``hourly``) is
        normally an error (most often a typo in the station code). Set True to let such a
        station simply contribute nothing; ``n_stations`` still counts it.

    Returns
    -------
    DataFrame
        One row per group and date (groups in the order given, dates = every date of
        ``station_daily``), columns ``group``, ``date``, ``so2, no2, co, pm10, pm25, o3_8h,
        o3_1h`` (unrounded group means [µg/m³; co mg/m³], NaN when fewer than
        ``min_stations`` stations were valid), ``n_stations`` (stations in the group),
        ``n_stations_<pollutant>`` (stations whose valid value entered the mean; with
        ``"max_of_group_mean"`` for ``o3_8h``/``o3_1h``: stations with at least one valid O3
        hour that day) and ``min_stations`` (the threshold applied). With
        ``"max_of_group_mean"`` also ``n_o3_8h`` (valid 8-h windows of the group series, 0-17)
        and ``n_o3_1h`` (valid hours of the group series).

    Raises
    ------
    ValueError
        Missing ``station``/``date`` columns, non-numeric or negative values, duplicate
        station-days, unknown stations, bad ``min_stations`` or ``o3_8h_method``, or
        ``"max_of_group_mean"`` without ``hourly``; the message names the row, column, group
        or value.

    Notes
    -----
    Values are not rounded: :func:`group_daily_aqi` rounds the group concentrations per
    GB/T 8170 before the sub-indices ("mean, then rounded, then AQI"); period statistics
    average the unrounded group daily values (standards.md §2.5, §2.7).

    References
    ----------
    .. [1] HJ 663—2013 §5 and CNEMC practice: city value = arithmetic mean of the assessment
       stations' valid daily values (standards.md §2.5, [M]).
    .. [2] HJ 663—2013 §6.1.2; GB 3095 Table 4 (standards.md §2.3) for the O3 rules reused by
       ``"max_of_group_mean"``.

    Examples
    --------
    >>> sd = pd.DataFrame({"station": ["A", "B"], "date": pd.Timestamp("2024-01-01"),
    ...                    "pm25": [30.0, 41.0]})
    >>> group_daily(sd, {"city": ["A", "B"]})[["group", "pm25", "n_stations_pm25"]].to_dict("records")
    [{'group': 'city', 'pm25': 35.5, 'n_stations_pm25': 2}]
    """
    what = "group_daily"
    if not isinstance(station_daily, pd.DataFrame):
        raise ValueError(f"{what} takes the station-daily DataFrame, not {type(station_daily).__name__}")
    method = _O3_ALIASES.get(o3_8h_method, o3_8h_method)
    if method not in O3_8H_METHODS:
        raise ValueError(note("error.groups.o3_method", what=what, methods=str(O3_8H_METHODS), value=repr(o3_8h_method)))
    groups_ = _check_groups(groups, what)
    thr = _thresholds(min_stations, groups_, what)
    if "station" not in station_daily.columns:
        raise ValueError(note("error.groups.lacks_column", what=what, column="station", columns=str(list(station_daily.columns))))
    dates = _dates(station_daily, "date", what)
    present = [p for p in GROUP_POLLUTANTS if p in station_daily.columns]
    if not present:
        raise ValueError(note("error.groups.no_values", what=what, columns=str(GROUP_POLLUTANTS)))
    if station_daily["station"].isna().any():
        i = int(np.flatnonzero(station_daily["station"].isna().to_numpy())[0])
        raise ValueError(note("error.groups.missing_station", what=what, row=_label(station_daily.index[i])))
    st_code, st_names = pd.factorize(station_daily["station"].astype(str), sort=False)
    all_dates = pd.DatetimeIndex(np.unique(dates.to_numpy()))
    day = all_dates.searchsorted(dates).astype(np.int64)
    if _grid.has_duplicates(st_code.astype(np.int64) * len(all_dates) + day, max(len(st_names), 1) * len(all_dates)):
        stations = station_daily["station"].astype(str).to_numpy()
        i = int(np.flatnonzero(pd.DataFrame({"s": stations, "d": dates}).duplicated().to_numpy())[0])
        raise ValueError(note("error.groups.duplicate", what=what, row=_label(station_daily.index[i]), station=stations[i],
                              date=str(dates[i].date())))
    if not allow_absent_stations:
        known = set(st_names)
        for g, members in groups_.items():
            absent = [m for m in members if m not in known]
            if absent:
                raise ValueError(note("error.groups.absent", what=what, absent=str(absent), group=g))

    values = {p: (_numeric_column(station_daily, p, what) if p in present else np.full(len(station_daily), np.nan))
              for p in GROUP_POLLUTANTS}
    sums, counts = _group_sums(values, st_code, list(st_names), day, groups_, len(all_dates))
    need = np.repeat(np.array([thr[g] for g in groups_], dtype=np.int64), len(all_dates))

    out = pd.DataFrame({"group": _grid.repeat_text(pd.Index(list(groups_), dtype=object), len(all_dates)),
                        "date": np.tile(all_dates.to_numpy(), len(groups_))})
    for p in GROUP_POLLUTANTS:
        n = counts[p]
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = sums[p] / n
        out[p] = np.where(n >= need, mean, np.nan)
    out["n_stations"] = np.repeat(np.array([len(m) for m in groups_.values()], dtype=np.int64), len(all_dates))
    for p in GROUP_POLLUTANTS:
        out[f"n_stations_{p}"] = counts[p]
    out["min_stations"] = need

    if method == "max_of_group_mean":
        out = _o3_from_group_series(out, hourly, groups_, thr, allow_absent_stations)
    return out


def _group_sums(values: dict, st_code, st_names: list, day, groups_: dict, n_days: int) -> tuple[dict, dict]:
    """Sums (NaN where no valid value) and counts of the members' values per group and day, dense
    (group-major, ``n_days`` a group), by integer codes (issue 11).

    The rows of a group-day are summed in membership order, then row order — the order of
    ``members.merge(long, on="station")`` — by pandas' groupby sum (compensated, as before), so the
    sums are bit for bit those of the membership join it replaces."""
    order = np.argsort(st_code, kind="stable")
    bounds = np.searchsorted(st_code[order], np.arange(len(st_names) + 1))
    pos = {s: i for i, s in enumerate(st_names)}
    rows, key = [], []
    for gi, members in enumerate(groups_.values()):
        for s in members:
            i = pos.get(s)
            if i is None:
                continue
            r = order[bounds[i]:bounds[i + 1]]
            rows.append(r)
            key.append(gi * n_days + day[r])
    size = len(groups_) * n_days
    rows = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    key = np.concatenate(key) if key else np.zeros(0, dtype=np.int64)
    grouped = pd.DataFrame({p: values[p][rows] for p in GROUP_POLLUTANTS}).groupby(key, sort=True)
    s, c = grouped.sum(min_count=1), grouped.count()
    sums, counts = {}, {}
    for p in GROUP_POLLUTANTS:
        sums[p] = np.full(size, np.nan)
        sums[p][s.index.to_numpy()] = s[p].to_numpy(dtype=float, na_value=np.nan)
        counts[p] = np.zeros(size, dtype=np.int64)
        counts[p][c.index.to_numpy()] = c[p].to_numpy()
    return sums, counts


def _o3_from_group_series(out, hourly, groups_, thr, allow_absent) -> pd.DataFrame:
    """Replace o3_8h / o3_1h by the daily maxima of the group-mean hourly O3 series."""
    what = "group_daily(o3_8h_method='max_of_group_mean')"
    if hourly is None:
        raise ValueError(
            f"{what} needs hourly= (the canonical hourly table the station daily values came from) "
            "to build the group-mean hourly O3 series"
        )
    if not isinstance(hourly, pd.DataFrame):
        raise ValueError(f"{what}: hourly must be the canonical hourly DataFrame, not {type(hourly).__name__}")
    if "o3" not in hourly.columns:
        raise ValueError(note("error.groups.hourly_no_o3", what=what))
    if len(hourly) and (pd.to_numeric(hourly["o3"], errors="coerce") < 0).any():
        i = int(np.flatnonzero((pd.to_numeric(hourly["o3"], errors="coerce") < 0).to_numpy())[0])
        raise ValueError(note("error.groups.hourly_negative", what=what, row=_label(hourly.index[i]), value=repr(hourly["o3"].iloc[i])))
    grid = to_grid(hourly, pollutants=["o3"])
    codes = [str(s) for s in grid.stations]
    pos = {c: i for i, c in enumerate(codes)}
    if not allow_absent:
        for g, members in groups_.items():
            absent = [m for m in members if m not in pos]
            if absent:
                raise ValueError(note("error.groups.hourly_absent", what=what, absent=str(absent), group=g))
    names = list(groups_)
    member = np.zeros((len(names), len(codes)))
    for gi, g in enumerate(names):  # a loop over groups (a few), not over data
        for m in groups_[g]:
            if m in pos:
                member[gi, pos[m]] = 1.0
    o3 = grid.values["o3"]
    ok = ~np.isnan(o3)
    sums = member @ np.where(ok, o3, 0.0)
    n_hour = member @ ok.astype(float)
    need = np.array([thr[g] for g in names], dtype=float)[:, None]
    with np.errstate(invalid="ignore", divide="ignore"):
        series = np.where(n_hour >= need, sums / n_hour, np.nan)
    ggrid = HourlyGrid(stations=pd.Index(names, name="station"), start=grid.start, n_days=grid.n_days, values={"o3": series})
    gd = station_daily(ggrid)  # the same window, 14-window and 1-h rules as for one station
    st_day = ok.reshape(len(codes), grid.n_days, 24).any(axis=-1).astype(float)
    n_st = (member @ st_day).astype(np.int64)  # stations with >= 1 valid O3 hour, per group-day
    o3_tab = pd.DataFrame(
        {
            "group": gd["station"].to_numpy(dtype=object),
            "date": gd["date"].to_numpy(),
            "o3_8h": gd["o3_8h"].to_numpy(),
            "o3_1h": gd["o3_1h"].to_numpy(),
            "n_stations_o3_8h": n_st.ravel(),
            "n_o3_8h": gd["n_o3_8h"].to_numpy(),
            "n_o3_1h": gd["n_o3_1h"].to_numpy(),
        }
    )
    o3_tab["n_stations_o3_1h"] = o3_tab["n_stations_o3_8h"]
    base = out.drop(columns=["o3_8h", "o3_1h", "n_stations_o3_8h", "n_stations_o3_1h"])
    merged = base.merge(o3_tab, on=["group", "date"], how="left")
    for c in ("n_stations_o3_8h", "n_stations_o3_1h", "n_o3_8h", "n_o3_1h"):
        merged[c] = merged[c].fillna(0).astype(np.int64)
    order = (["group", "date", *GROUP_POLLUTANTS, "n_stations"] + [f"n_stations_{p}" for p in GROUP_POLLUTANTS]
             + ["min_stations", "n_o3_8h", "n_o3_1h"])
    return merged[order]


# --------------------------------------------------------------------------- AQI


def group_daily_aqi(group_daily_frame: pd.DataFrame, *, rules=None, **kw) -> pd.DataFrame:
    """Daily AQI of group days: :func:`airq.daily_aqi` on the group's daily concentrations.

    Parameters
    ----------
    group_daily_frame : DataFrame
        Output of :func:`group_daily` (``group``, ``date``, ``so2, no2, co, pm10, pm25, o3_8h,
        o3_1h`` [µg/m³; co mg/m³] and the counts, all carried through).
    rules : None, rule-set name or RuleSet
        ``None`` (default) judges each day by the rule set in force on its date
        (HJ 633—2012 before 2026-03-01, HJ 633—2026 from then on); a name pins one rule set.
    **kw
        ``on_missing``, ``unmonitored``, ``beyond`` of :func:`airq.daily_aqi`.

    Returns
    -------
    DataFrame
        The input rows plus ``iaqi_<indicator>``, ``aqi``, ``level``, ``level_name``,
        ``category``, ``colour``, ``primary``, ``over_standard``, ``rules`` (see
        :func:`airq.daily_aqi`).

    Notes
    -----
    :func:`airq.daily_aqi` rounds each group daily concentration per GB/T 8170 (integer µg/m³,
    CO 0.1 mg/m³) before the sub-index, so the order is *mean of the stations, then rounded,
    then IAQI* — e.g. stations at PM2.5 74 and 75 give the group 74.5 -> 74 -> IAQI 99 under
    HJ 633—2012 (not the mean of the station IAQIs 99 and 100). The AQI is not re-implemented
    here.

    References
    ----------
    .. [1] HJ 633—2012 §5-6; HJ 633—2026 §4.2, §5.3; standards.md §1.2, §2.5.
    """
    if not isinstance(group_daily_frame, pd.DataFrame):
        raise ValueError(f"group_daily_aqi takes the group-daily DataFrame, not {type(group_daily_frame).__name__}")
    return daily_aqi(group_daily_frame, rules=rules, **kw)
