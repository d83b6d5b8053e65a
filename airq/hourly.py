"""Hourly data -> station daily values, vectorised over all stations and days at once.

The canonical hourly table (``station``, ``time`` = hour start in Beijing time, see
:mod:`airq.timeconv`; ``so2, no2, co, o3, pm10, pm25``) is first laid on a dense
station x hour grid: every hour of every whole natural day from the first to the last day of the
data exists, and hours absent from the input are missing values *before* anything is computed.
The grid is then reshaped to (station, day, 24) and every statistic is an array operation.
Rows are laid on the grid by integer keys (:mod:`airq.grid`: station codes by pyarrow, hours
since the epoch, duplicates by an occupancy bitmap — issue 11), never by sorting Python strings;
:func:`station_daily` of a table lays out a block of stations at a time in reused buffers (the
same numbers: every statistic of a station-day depends on its own 24 hours only).

Daily values (GB 3095 Table 4; HJ 663 §6.1.2; standards.md §2.3-2.4):

==========  ============================================  ===========================================
column      statistic                                     validity
==========  ============================================  ===========================================
so2 ... pm25  24-h mean of the natural day                ``>= 20`` valid hours
o3_8h       maximum of the 8-h moving means whose window  each window ``>= 6`` valid hours; the day
            ends 08:00 ... 24:00 (17 windows, all inside  ``>= 14`` valid windows, or fewer when the
            the natural day)                              maximum exceeds the grade II 8-h limit (160)
o3_1h       maximum 1-h value of the day                  ``>= 20`` valid hours, or fewer when the
                                                          maximum exceeds the 1-h limit (200)
                                                          — airq's choice, the reference is silent
==========  ============================================  ===========================================

Every value comes with its count: ``n_<pollutant>`` valid hours (``n_o3_1h`` valid O3 hours)
and ``n_o3_8h`` valid 8-h windows. An invalid value is NaN; its count stays, so a report can
say why. Values are not rounded here (rounding happens once, where a rule asks for it).

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 (data validity); §3 definitions of 1-h, 8-h and
   24-h means (standards.md §2.3, §2.4).
.. [2] HJ 663—2013 §6.1.2 (daily max 8-h: windows ending 08-24, >= 14 valid or exceedance)
   (standards.md §2.3; §5 items 6, 7).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from . import grid as _grid
from .notes import note
from .rules import get_rules, limits_for
from .util import label as _label
from .util import widen_float

__all__ = ["HOURLY_POLLUTANTS", "HourlyGrid", "to_grid", "station_daily", "o3_8h_moving"]

#: Pollutant columns of the canonical hourly table [µg/m³; co mg/m³].
HOURLY_POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
_MEAN_POLLUTANTS = ("so2", "no2", "co", "pm10", "pm25")


@dataclass(frozen=True)
class HourlyGrid:
    """Dense station x hour arrays.

    Attributes
    ----------
    stations : pandas.Index
        Station codes (rows), sorted.
    start : pandas.Timestamp
        Midnight of the first natural day (Beijing time, naive).
    n_days : int
        Number of whole natural days (columns = ``24 * n_days`` hours).
    values : dict of str -> ndarray, shape (n_stations, 24 * n_days)
        Concentrations per pollutant; NaN where missing or absent.
    """

    stations: pd.Index
    start: pd.Timestamp
    n_days: int
    values: dict

    @property
    def times(self) -> pd.DatetimeIndex:
        """Hour starts of the grid columns."""
        return pd.date_range(self.start, periods=24 * self.n_days, freq="h")

    @property
    def days(self) -> pd.DatetimeIndex:
        """Natural days of the grid (midnights)."""
        return pd.date_range(self.start, periods=self.n_days, freq="D")

    def daily_view(self, pollutant: str) -> np.ndarray:
        """Array of shape (n_stations, n_days, 24) for one pollutant (a view, not a copy)."""
        return self.values[pollutant].reshape(len(self.stations), self.n_days, 24)


def to_grid(frame: pd.DataFrame, *, pollutants=None, start=None, end=None) -> HourlyGrid:
    """Lay the canonical hourly table on a dense station x hour grid.

    Parameters
    ----------
    frame : DataFrame
        Columns ``station``, ``time`` (hour start, Beijing time; :mod:`airq.timeconv`) and any
        of ``so2, no2, co, o3, pm10, pm25``.
    pollutants : sequence of str, optional
        Which pollutants to lay out (default: those present in ``frame``).
    start, end : date-like, optional
        First and last natural day of the grid (default: the data's first and last day).
        Data outside are an error, not silently cut.

    Returns
    -------
    HourlyGrid

    Raises
    ------
    ValueError
        Missing columns, times not on whole hours, missing station or time, duplicate
        station-hours or negative values (use :mod:`airq.quality` to resolve them first) or
        data outside ``start``/``end``; the message names the first offending row.
    """
    lay = _layout(frame, pollutants, start, end)
    values = {}
    for p, v in lay.values.items():
        arr = np.full((len(lay.stations), 24 * lay.n_days), np.nan)
        arr.reshape(-1)[lay.flat] = v
        values[p] = arr
    return HourlyGrid(stations=lay.stations, start=lay.start, n_days=lay.n_days, values=values)


@dataclass(frozen=True)
class _Layout:
    """Where every row of a checked hourly table goes on the grid: ``flat`` = station index x
    ``24 * n_days`` + hour index (``st_idx`` the station index), ``values`` the checked float64 columns."""

    stations: pd.Index
    start: pd.Timestamp
    n_days: int
    st_idx: np.ndarray
    flat: np.ndarray
    values: dict


def _layout(frame: pd.DataFrame, pollutants=None, start=None, end=None) -> _Layout:
    """The checks of :func:`to_grid` (same order, same sentences) and each row's place on the grid."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"to_grid takes a DataFrame, not {type(frame).__name__}")
    for col in ("station", "time"):
        if col not in frame.columns:
            raise ValueError(note("error.calc.hourly_lacks_column", column=repr(col), columns=repr(list(frame.columns))))
    if pollutants is None:
        pollutants = [p for p in HOURLY_POLLUTANTS if p in frame.columns]
    unknown = [p for p in pollutants if p not in HOURLY_POLLUTANTS]
    if unknown:
        raise ValueError(note("error.calc.unknown_pollutant_columns", unknown=repr(unknown), known=repr(HOURLY_POLLUTANTS)))
    absent = [p for p in pollutants if p not in frame.columns]
    if absent:
        raise ValueError(note("error.calc.hourly_lacks_pollutants", absent=repr(absent)))
    try:
        times = pd.DatetimeIndex(pd.to_datetime(frame["time"]))
    except (ValueError, TypeError) as exc:
        raise ValueError(note("error.calc.time_not_timestamps", error=str(exc))) from None
    if times.tz is not None:
        raise ValueError(note("error.calc.time_tz_aware"))
    stations_raw = frame["station"]
    if times.hasnans or stations_raw.isna().any():
        bad = np.flatnonzero(np.asarray(times.isna()) | stations_raw.isna().to_numpy())[0]
        raise ValueError(note("error.calc.missing_station_or_time", row=_label(frame.index[bad])))
    hours, off = _grid.hour_numbers(times)  # integer hours since the epoch (issue 11: no per-row objects)
    if hours is None:
        raise ValueError(note("error.calc.time_not_whole_hour", row=_label(frame.index[off]), time=_label(times[off])))
    stations, st_idx = _grid.station_codes(stations_raw)
    first_day = times.min().normalize() if len(times) else None
    last_day = times.max().normalize() if len(times) else None
    own = start is None and end is None and len(hours) > 0  # the grid spans the data's own days: no row outside
    if own:
        h0 = (first_day - pd.Timestamp(0)) // pd.Timedelta(hours=1)
        span = 24 * (int((last_day - first_day).days) + 1)
    else:
        h0 = int(hours.min()) if len(hours) else 0
        span = int(hours.max()) - h0 + 1 if len(hours) else 1
    key = st_idx.astype(np.int64) * span + (hours - h0)  # (station, hour) as one integer
    if _grid.has_duplicates(key, len(stations) * span):
        station_str = stations_raw.astype(str).to_numpy()  # the error path names the first duplicate as before
        dup = pd.DataFrame({"s": station_str, "t": times}).duplicated(keep="first").to_numpy()
        bad = np.flatnonzero(dup)[0]
        raise ValueError(note("error.calc.duplicate_station_hour", row=_label(frame.index[bad]), station=str(station_str[bad]),
                              time=_label(times[bad])))
    day0 = pd.Timestamp(start).normalize() if start is not None else first_day
    day1 = pd.Timestamp(end).normalize() if end is not None else last_day
    if day0 is None:
        raise ValueError(note("error.calc.hourly_empty"))
    if day1 < day0:
        raise ValueError(note("error.calc.end_before_start", end=str(day1.date()), start=str(day0.date())))
    n_days = int((day1 - day0).days) + 1
    if own:
        flat = key  # the same day0 and number of days
    else:
        hour_idx = hours - (day0 - pd.Timestamp(0)) // pd.Timedelta(hours=1)
        outside = (hour_idx < 0) | (hour_idx >= 24 * n_days)
        if outside.any():
            bad = np.flatnonzero(outside)[0]
            raise ValueError(note("error.calc.time_outside", row=_label(frame.index[bad]), time=_label(times[bad]),
                                  start=str(day0.date()), end=str(day1.date())))
        flat = st_idx.astype(np.int64) * (24 * n_days) + hour_idx  # position in the flat (station, hour) array
    values = {}
    for p in pollutants:
        col = frame[p]
        if col.dtype == np.float64:  # the canonical dtype: the column's own values, no conversion
            v = col.to_numpy()
        else:
            try:
                v = pd.to_numeric(col, errors="raise").to_numpy(dtype=float, na_value=np.nan)
            except (ValueError, TypeError):
                bad_mask = pd.to_numeric(col, errors="coerce").isna() & col.notna()
                bad = np.flatnonzero(bad_mask.to_numpy())[0]
                raise ValueError(note("error.calc.row_column_non_numeric", row=_label(frame.index[bad]), column=repr(p),
                                      value=repr(col.iloc[bad]))) from None
            v = widen_float(col.to_numpy()) if col.dtype.kind == "f" else v
            v = np.asarray(v, dtype=float)
        neg = v < 0
        if neg.any():
            bad = np.flatnonzero(neg)[0]
            raise ValueError(note("error.calc.row_column_negative", row=_label(frame.index[bad]), column=repr(p), value=f"{v[bad]:g}"))
        values[p] = v
    return _Layout(stations=pd.Index(stations, name="station"), start=day0, n_days=n_days, st_idx=st_idx, flat=flat, values=values)


def _validity(grid: HourlyGrid, rules):
    """Validity thresholds and O3 limits (identical in GB 3095—2012 and —2026 Table 4)."""
    if rules is not None:
        lim = get_rules(rules).limits
        return lim.validity, lim.limit("o3", "8h"), lim.limit("o3", "1h")
    first, last = limits_for(grid.start), limits_for(grid.start + pd.Timedelta(days=grid.n_days - 1))
    same = replace(first.validity, clause="") == replace(last.validity, clause="")
    if not same or first.limits[("o3", "8h")] != last.limits[("o3", "8h")]:  # pragma: no cover
        raise NotImplementedError("validity rules differ inside the period; pin rules=")
    return first.validity, first.limit("o3", "8h"), first.limit("o3", "1h")


def _mean_count(x: np.ndarray, axis: int = -1) -> tuple[np.ndarray, np.ndarray]:
    ok = ~np.isnan(x)
    n = ok.sum(axis=axis)
    s = np.where(ok, x, 0.0).sum(axis=axis)
    with np.errstate(invalid="ignore", divide="ignore"):
        return s / n, n


def _round0(x: np.ndarray) -> np.ndarray:
    from .rounding import round_scaled

    return round_scaled(x, 0)


def station_daily(data, *, rules=None, o3_1h_min_hours: int | None = None, drop_empty: bool = False) -> pd.DataFrame:
    """Station daily values with their validity counts, from hourly data.

    Parameters
    ----------
    data : DataFrame or HourlyGrid
        The canonical hourly table (see :func:`to_grid`) or a grid made from it.
    rules : None, rule-set name or RuleSet
        Where the validity thresholds come from (identical under both rule sets;
        GB 3095 Table 4). ``None`` picks by date.
    o3_1h_min_hours : int, optional
        Valid hours needed for the daily maximum 1-h O3 (used by the HJ 633—2012 daily AQI).
        The reference does not fix it; default: the 24-h rule (20 hours), and a day with fewer
        hours is still valid when its maximum exceeds the grade II 1-h limit (200 µg/m³), by
        analogy with the 8-h rule. An explicit value disables that exception.
    drop_empty : bool, default False
        Leave out station-days without a single valid hour of any pollutant (default: every
        station-day of the grid is returned, so gaps stay visible).

    Returns
    -------
    DataFrame
        One row per station and natural day, sorted by station then date: ``station``,
        ``date`` (midnight), ``so2, no2, co, pm10, pm25`` (24-h means [µg/m³; co mg/m³]),
        ``o3_8h`` (daily max 8-h mean), ``o3_1h`` (daily max 1-h), ``n_so2 ... n_pm25`` and
        ``n_o3_1h`` (valid hours), ``n_o3_8h`` (valid 8-h windows, 0-17). Invalid values are
        NaN. Pollutants absent from the input have NaN values and zero counts.

    References
    ----------
    .. [1] GB 3095—2026 Table 4; HJ 663—2013 §6.1.2 (standards.md §2.3).

    Examples
    --------
    >>> t = pd.date_range("2024-01-01", periods=24, freq="h")
    >>> h = pd.DataFrame({"station": "A", "time": t, "pm25": 30.0})
    >>> station_daily(h)[["station", "date", "pm25", "n_pm25"]].to_dict("records")
    [{'station': 'A', 'date': Timestamp('2024-01-01 00:00:00'), 'pm25': 30.0, 'n_pm25': 24}]
    """
    if isinstance(data, HourlyGrid):
        stations, start, n_days = data.stations, data.start, data.n_days
        validity, o3_8h_limit, o3_1h_limit = _validity(data, rules)
        cols = _daily_arrays(data, validity, o3_8h_limit, o3_1h_limit, o3_1h_min_hours)
    else:
        lay = _layout(data)
        stations, start, n_days = lay.stations, lay.start, lay.n_days
        validity, o3_8h_limit, o3_1h_limit = _validity(HourlyGrid(stations, start, n_days, {}), rules)
        cols = _daily_by_blocks(lay, validity, o3_8h_limit, o3_1h_limit, o3_1h_min_hours)
    n_st = len(stations)
    days = pd.date_range(start, periods=n_days, freq="D")
    out = {"station": _grid.repeat_text(stations, n_days), "date": np.tile(days.to_numpy(), n_st)}
    for c in _DAILY_COLUMNS:
        out[c] = cols[c].ravel()
    frame = pd.DataFrame(out)
    frame["date"] = pd.to_datetime(frame["date"])
    if drop_empty:
        frame = frame[cols["any_valid"].ravel()].reset_index(drop=True)
    return frame


#: Columns of :func:`station_daily` after ``station`` and ``date``, in order.
_DAILY_COLUMNS = (*_MEAN_POLLUTANTS, "o3_8h", "o3_1h", *(f"n_{p}" for p in _MEAN_POLLUTANTS), "n_o3_1h", "n_o3_8h")
#: Grid hours per pollutant laid out at once by :func:`station_daily` (whole stations; ~8 MB a block).
_BLOCK_HOURS = 1 << 20


def _daily_arrays(grid: HourlyGrid, validity, o3_8h_limit, o3_1h_limit, o3_1h_min_hours) -> dict:
    """Every statistic of :func:`station_daily` as a (station, day) array, plus ``any_valid``."""
    n_st, n_days = len(grid.stations), grid.n_days
    out = {}
    any_valid = np.zeros((n_st, n_days), dtype=bool)
    for p in _MEAN_POLLUTANTS:
        if p in grid.values:
            mean, n = _mean_count(grid.daily_view(p))
            mean = np.where(n >= validity.daily_min_hours, mean, np.nan)
        else:
            mean, n = np.full((n_st, n_days), np.nan), np.zeros((n_st, n_days), dtype=np.int64)
        out[p] = mean
        out[f"n_{p}"] = n.astype(np.int64)
        any_valid |= n > 0
    if "o3" in grid.values:
        o3 = grid.daily_view("o3")
        o3_8h, n_windows = _daily_max_8h(o3, validity, o3_8h_limit)
        n1 = (~np.isnan(o3)).sum(axis=-1)
        with np.errstate(invalid="ignore"):
            max1 = np.where(n1 > 0, np.nanmax(np.where(np.isnan(o3), -np.inf, o3), axis=-1), np.nan)
        if o3_1h_min_hours is None:
            ok1 = (n1 >= validity.daily_min_hours) | (_round0(max1) > float(o3_1h_limit))
        else:
            ok1 = n1 >= o3_1h_min_hours
        o3_1h = np.where(ok1, max1, np.nan)
        any_valid |= n1 > 0
    else:
        o3_8h = o3_1h = np.full((n_st, n_days), np.nan)
        n_windows = n1 = np.zeros((n_st, n_days), dtype=np.int64)
    out["o3_8h"], out["o3_1h"] = o3_8h, o3_1h
    out["n_o3_1h"], out["n_o3_8h"] = n1.astype(np.int64), n_windows.astype(np.int64)
    out["any_valid"] = any_valid
    return out


def _daily_by_blocks(lay: _Layout, validity, o3_8h_limit, o3_1h_limit, o3_1h_min_hours) -> dict:
    """:func:`_daily_arrays` of the whole grid, laid out a block of stations at a time in reused buffers.

    Every statistic of a station-day depends on that station-day's 24 hours only (sums along the
    hour axis, windows inside the day), so a block gives exactly the numbers of the whole grid;
    the whole grid (24 h x days x stations x pollutants, ~0.8 GB for a national year) is never
    allocated (issue 11: memory is time on this machine).
    """
    n_st, n_days, hours = len(lay.stations), lay.n_days, 24 * lay.n_days
    per = max(1, _BLOCK_HOURS // hours)
    st_idx = lay.st_idx
    order = None if len(st_idx) < 2 or bool((st_idx[1:] >= st_idx[:-1]).all()) else np.argsort(st_idx, kind="stable")
    grouped = st_idx if order is None else st_idx[order]
    n_blocks = -(-n_st // per)
    cuts = np.searchsorted(grouped, [min(b * per, n_st) for b in range(n_blocks + 1)])  # rows of each block
    buffers = {p: np.empty(min(per, n_st) * hours) for p in lay.values}
    out = None
    for b in range(len(cuts) - 1):
        s0, s1 = b * per, min((b + 1) * per, n_st)
        r0, r1 = int(cuts[b]), int(cuts[b + 1])
        rows = slice(r0, r1) if order is None else order[r0:r1]
        flat = lay.flat[rows] - s0 * hours
        values = {}
        for p, v in lay.values.items():
            buf = buffers[p][: (s1 - s0) * hours]
            buf.fill(np.nan)
            buf[flat] = v[rows]
            values[p] = buf.reshape(s1 - s0, hours)
        got = _daily_arrays(HourlyGrid(lay.stations[s0:s1], lay.start, n_days, values), validity, o3_8h_limit, o3_1h_limit,
                            o3_1h_min_hours)
        if out is None:
            out = {k: np.empty((n_st, n_days), dtype=a.dtype) for k, a in got.items()}
        for k, a in got.items():
            out[k][s0:s1] = a
    if out is None:  # no station
        out = _daily_arrays(HourlyGrid(lay.stations, lay.start, n_days, {p: np.empty((0, hours)) for p in lay.values}),
                            validity, o3_8h_limit, o3_1h_limit, o3_1h_min_hours)
    return out


def _window_means(o3: np.ndarray, min_hours: int) -> tuple[np.ndarray, np.ndarray]:
    """8-h means (NaN unless >= ``min_hours`` valid) of the 17 windows inside each day.

    ``o3`` has shape (..., 24) (hour starts 00..23 of a natural day); window ``w`` covers hour
    starts ``w .. w+7``, i.e. Chinese hour-ending labels ``w+1 .. w+8`` (window "ending"
    ``w+8`` = 08:00 ... 24:00).
    """
    ok = ~np.isnan(o3)
    val = np.where(ok, o3, 0.0)
    n_win = 24 - 8 + 1
    s = np.zeros(o3.shape[:-1] + (n_win,))
    n = np.zeros(o3.shape[:-1] + (n_win,), dtype=np.int64)
    for k in range(8):  # eight shifted slices; no loop over stations or days
        s += val[..., k : k + n_win]
        n += ok[..., k : k + n_win]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n >= min_hours, s / n, np.nan)
    return mean, n


def _daily_max_8h(o3: np.ndarray, validity, limit) -> tuple[np.ndarray, np.ndarray]:
    lo, hi = validity.o3_window_end_hours
    if (lo, hi) != (8, 24):  # pragma: no cover - both rule sets say 08..24
        raise NotImplementedError(f"O3 windows ending {lo}..{hi}")
    means, _ = _window_means(o3, validity.o3_8h_min_hours)
    valid = ~np.isnan(means)
    n_windows = valid.sum(axis=-1)
    with np.errstate(invalid="ignore"):
        dmax = np.where(n_windows > 0, np.max(np.where(valid, means, -np.inf), axis=-1), np.nan)
    # >= 14 valid windows, or fewer when the maximum exceeds the limit (HJ 663 §6.1.2).
    ok = (n_windows >= validity.o3_daily_max_8h_min_windows) | (_round0(dmax) > float(limit))
    return np.where(ok, dmax, np.nan), n_windows


def o3_8h_moving(data, *, min_hours: int = 6) -> pd.DataFrame:
    """Hourly 8-h moving mean of O3 across midnight (the real-time indicator of HJ 633—2012).

    The value stamped at hour start ``t`` is the mean of the hours starting ``t-7h ... t``
    (Chinese label ``t+1h``, covering labels ``t-6h ... t+1h``), valid with ``>= min_hours``
    valid hours (GB 3095 Table 4). Not used by the daily maximum, whose windows stay inside
    the day (see :func:`station_daily`).

    Returns
    -------
    DataFrame with columns ``station``, ``time``, ``o3_8h_moving`` [µg/m³], ``n_hours``.
    """
    grid = data if isinstance(data, HourlyGrid) else to_grid(data, pollutants=["o3"])
    o3 = grid.values["o3"]
    pad = np.concatenate([np.full((o3.shape[0], 7), np.nan), o3], axis=1)
    ok = ~np.isnan(pad)
    val = np.where(ok, pad, 0.0)
    s = np.zeros_like(o3)
    n = np.zeros(o3.shape, dtype=np.int64)
    for k in range(8):
        s += val[:, k : k + o3.shape[1]]
        n += ok[:, k : k + o3.shape[1]]
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n >= min_hours, s / n, np.nan)
    return pd.DataFrame(
        {
            "station": np.repeat(grid.stations.to_numpy(dtype=object), o3.shape[1]),
            "time": np.tile(grid.times.to_numpy(), len(grid.stations)),
            "o3_8h_moving": mean.ravel(),
            "n_hours": n.ravel(),
        }
    )
