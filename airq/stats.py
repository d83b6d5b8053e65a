"""Period statistics of daily AQI tables: day counts, ratios, means, HJ 663 percentiles,
composite index, data sufficiency, dust deduction, comparisons, publication rounding, ranking.

Input is a *daily AQI frame*: the output of :func:`airq.groups.group_daily_aqi` (or of
:func:`airq.daily_aqi` on station days, with ``by="station"``) — one row per unit and day with
the unrounded daily concentrations ``so2, no2, co, pm10, pm25, o3_8h`` (``o3_1h``), the
sub-indices ``iaqi_*``, ``aqi``, ``primary`` and ``rules`` (the rule set each day was judged by).

Every statistic is computed from unrounded values; :func:`publish` rounds once, at the end, per
GB/T 8170 (standards.md §2.7). Every result carries its counts (valid days, days per pollutant).

Definitions (standards.md §2.4-2.9)
-----------------------------------
* valid day: a day with a valid daily AQI (HJ 633—2026 §5.3: a day with a missing pollutant
  has one only when its AQI is above 100 — decided by :func:`airq.daily_aqi`).
* good day (优良): AQI <= 100; heavy (重度及以上): AQI > 200; exceedance (超标): AQI > 100.
  Ratios [%] are divided by **valid days**, never calendar days.
* period mean: mean of the unit's valid daily values; percentiles: HJ 663 Appendix A,
  k = 1 + (n - 1) p / 100 (:func:`hj663_percentile`).
* composite index (综合指数): sum of C_i / S_i (§2.8).

Open points settled by options (all documented where they are used): the composite-index limits
after 2026-03-01 (``composite_limits``), per-pollutant exceedance by sub-index or by limit
(``exceedance``), dust deduction (``dust_mode``), sufficiency of periods that are neither a
year nor a month, the basis of period comparisons (``basis``), ranking on published or raw
values (``decimals`` of :func:`rank`).

References
----------
.. [1] HJ 663—2013 §5-6, Table 1, Appendix A (standards.md §2.5, §2.6; [M]).
.. [2] GB 3095—2012 / GB 3095—2026 Table 4 (data sufficiency; standards.md §2.3, [H]).
.. [3] 城市环境空气质量排名技术规定 (环办〔2014〕64号) (composite index; standards.md §2.8, [M]).
.. [4] 环办监测〔2016〕120号 (dust deduction; standards.md §2.9, [M/L]).
.. [5] GB/T 8170—2008 (rounding once, at the end; standards.md §1.2, §2.7).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from fractions import Fraction
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .aqi import aqi_category, daily_aqi
from .notes import note
from .rounding import round_gbt8170, round_scaled
from .rules import LimitSet, get_limits, get_rules, limits_for
from .util import label as _label

__all__ = [
    "CONCENTRATIONS",
    "MEAN_POLLUTANTS",
    "PERCENTILES",
    "DAILY_INDICATORS",
    "DUST_MODES",
    "COMPOSITE_LIMITS",
    "PUBLISH_DECIMALS",
    "parse_period",
    "same_period_last_year",
    "previous_period",
    "hj663_percentile",
    "period_stats",
    "monthly_counts",
    "compare_periods",
    "publish",
    "rank",
    "RuleChangeComparison",
    "rule_change_comparison",
]

#: Daily concentration columns a daily AQI frame must carry [µg/m³; co mg/m³].
CONCENTRATIONS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h")
#: Pollutants with a period mean (HJ 663 Table 1; standards.md §2.6).
MEAN_POLLUTANTS = ("so2", "no2", "pm10", "pm25")
#: HJ 663 percentile of each pollutant's daily values (standards.md §2.6) [percent].
PERCENTILES = {"so2": 98, "no2": 98, "pm10": 95, "pm25": 95, "co": 95, "o3_8h": 90}
#: Daily AQI indicators counted as primary pollutants (HJ 633 Table 1 order).
DAILY_INDICATORS = ("so2", "no2", "pm10", "co", "o3_1h", "o3_8h", "pm25")
#: Dust-deduction modes (standards.md §2.9, [L]).
DUST_MODES = (None, "exclude_exceedance", "recompute")
#: Choices of the composite-index limits S_i (standards.md §2.8 open point (a)).
COMPOSITE_LIMITS = ("GB3095-2012", "in_force")
_EXCEEDANCE = ("iaqi", "limit")
_PM = ("pm10", "pm25")
# airq.config spellings (DUST_DEDUCTIONS) -> names used here.
_DUST_ALIASES = {"none": None, "exclude_days": "exclude_exceedance"}
#: Composite-index pollutants: (statistic column, limit key (pollutant, averaging)).
_COMPOSITE = (
    ("so2_mean", ("so2", "annual")),
    ("no2_mean", ("no2", "annual")),
    ("pm10_mean", ("pm10", "annual")),
    ("pm25_mean", ("pm25", "annual")),
    ("co_p95", ("co", "24h")),
    ("o3_8h_p90", ("o3", "8h")),
)
_INDEX_NAMES = {"so2_mean": "so2", "no2_mean": "no2", "pm10_mean": "pm10", "pm25_mean": "pm25",
                "co_p95": "co", "o3_8h_p90": "o3_8h"}
# Columns daily_aqi adds; stripped before an AQI is recomputed.
_AQI_COLUMNS = ("aqi", "level", "level_name", "category", "colour", "primary", "over_standard", "rules")

#: Publication decimals (standards.md §2.7, [M]): ratios 1 decimal [%], PM2.5 mean 1 decimal
#: (practice since ~2022), other µg/m³ statistics integers, CO 1 decimal [mg/m³], composite
#: and single indices 2 decimals.
PUBLISH_DECIMALS: Mapping[str, int] = {
    "good_day_ratio": 1,
    "heavy_day_ratio": 1,
    "exceed_day_ratio": 1,
    "so2_mean": 0,
    "no2_mean": 0,
    "pm10_mean": 0,
    "pm25_mean": 1,
    "so2_p98": 0,
    "no2_p98": 0,
    "pm10_p95": 0,
    "pm25_p95": 0,
    "co_p95": 1,
    "o3_8h_p90": 0,
    "composite_index": 2,
    **{f"index_{p}": 2 for p in ("so2", "no2", "pm10", "pm25", "co", "o3_8h")},
}
# airq.config.DEFAULT_DECIMALS keys that differ from the column names here.
_DECIMAL_ALIASES = {"o3_p90": "o3_8h_p90"}


# --------------------------------------------------------------------------- periods


def _ts(value, what: str) -> pd.Timestamp:
    if isinstance(value, str):
        value = value.strip()
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(note("error.calc.what_not_a_date", what=what, value=repr(value))) from None
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(note("error.calc.what_missing_date", what=what))
    if ts.tz is not None:
        raise ValueError(note("error.calc.what_tz_aware", what=what, value=repr(value)))
    if ts != ts.normalize():
        raise ValueError(note("error.calc.what_time_of_day", what=what, value=repr(value)))
    return ts


_PERIOD_PATTERNS = (
    (re.compile(r"^(\d{4})$"), "year"),
    (re.compile(r"^(\d{4})-(\d{1,2})$"), "month"),
    (re.compile(r"^(\d{4})-?[Qq]([1-4])$"), "quarter"),
    (re.compile(r"^(\d{4})-?[Hh]([12])$"), "half"),
    (re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})$"), "day"),
    (re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})\s*(?:/|\.\.)\s*(\d{4}-\d{1,2}-\d{1,2})$"), "range"),
)


def parse_period(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """First and last day of a period written as text.

    Parameters
    ----------
    text : str
        ``"2023"`` (calendar year), ``"2023-03"`` (month), ``"2023-Q1"`` (quarter),
        ``"2023-H1"`` (half year), ``"2023-03-05"`` (one day) or
        ``"2023-01-01/2023-03-31"`` (inclusive range; ``..`` also accepted).

    Returns
    -------
    (start, end) : tuple of pandas.Timestamp
        Midnights of the first and the last day, both inclusive.

    Raises
    ------
    ValueError
        Anything else, an impossible date or month, or an end before the start.

    Examples
    --------
    >>> [str(d.date()) for d in parse_period("2024-02")]
    ['2024-02-01', '2024-02-29']
    """
    if not isinstance(text, str):
        raise ValueError(note("error.calc.period_not_text", value=repr(text)))
    s = text.strip()
    what = note("calc.period", text=repr(text))
    for pattern, kind in _PERIOD_PATTERNS:
        m = pattern.match(s)
        if not m:
            continue
        if kind == "year":
            y = int(m.group(1))
            return pd.Timestamp(y, 1, 1), pd.Timestamp(y, 12, 31)
        if kind in ("month", "quarter", "half"):
            y, k = int(m.group(1)), int(m.group(2))
            if kind == "month" and not 1 <= k <= 12:
                raise ValueError(note("error.calc.period_month", what=what, month=k))
            first, n = {"month": (k, 1), "quarter": (3 * k - 2, 3), "half": (6 * k - 5, 6)}[kind]
            last = first + n - 1
            return pd.Timestamp(y, first, 1), pd.Timestamp(y, last, calendar.monthrange(y, last)[1])
        if kind == "day":
            d = _ts(m.group(1), what)
            return d, d
        a, b = _ts(m.group(1), what), _ts(m.group(2), what)
        if b < a:
            raise ValueError(note("error.calc.what_end_before_start", what=what, end=str(b.date()), start=str(a.date())))
        return a, b
    raise ValueError(note("error.bad_period", text=repr(text)))


def _resolve_period(start, end, period, what: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    if period is not None:
        if start is not None or end is not None:
            raise ValueError(f"{what}: give either period= or start=/end=, not both")
        return parse_period(period)
    if start is None or end is None:
        raise ValueError(f"{what}: give start= and end= (dates) or period= (e.g. '2023-Q1')")
    a, b = _ts(start, f"{what}: start"), _ts(end, f"{what}: end")
    if b < a:
        raise ValueError(note("error.calc.what_end_before_start", what=what, end=str(b.date()), start=str(a.date())))
    return a, b


def same_period_last_year(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The same period one year earlier (同比), for :func:`compare_periods`.

    Parameters
    ----------
    start, end : date-like or str
        First and last day of the current period (or ``start`` a period text and ``end`` None).

    Returns
    -------
    (start, end) : tuple of pandas.Timestamp

    Notes
    -----
    Each date moves back one calendar year; 29 February becomes 28 February. An ``end`` on the
    last day of its month moves to the last day of that month a year earlier, so whole months
    stay whole (2025-02-01..2025-02-28 -> 2024-02-01..2024-02-29; 2024 -> 2023).

    Examples
    --------
    >>> [str(d.date()) for d in same_period_last_year("2025-02-01", "2025-02-28")]
    ['2024-02-01', '2024-02-29']
    """
    if end is None and isinstance(start, str):
        a, b = parse_period(start)
    else:
        a, b = _resolve_period(start, end, None, "same_period_last_year")
    pa = a - pd.DateOffset(years=1)
    if b.is_month_end:
        pb = (b - pd.DateOffset(years=1)) + pd.offsets.MonthEnd(0)
    else:
        pb = b - pd.DateOffset(years=1)
    return pd.Timestamp(pa), pd.Timestamp(pb)


def previous_period(start, end) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The comparison period of ``start``..``end`` (同比): the same dates whole years earlier, never overlapping.

    A period within one year (or any period shorter than a year) compares with the same period
    last year (:func:`same_period_last_year`). A period of k calendar years or more (e.g.
    2014-01-01..2015-12-31) moves back k years (2012-01-01..2013-12-31): moving it back one year
    would compare it partly with itself.

    Examples
    --------
    >>> [str(d.date()) for d in previous_period("2014-01-01", "2015-12-31")]
    ['2012-01-01', '2013-12-31']
    """
    a, b = _resolve_period(start, end, None, "previous_period")
    years = 1
    while True:
        pa, pb = a - pd.DateOffset(years=years), b - pd.DateOffset(years=years)
        if b.is_month_end:
            pb = pb + pd.offsets.MonthEnd(0)
        if pb < a:
            return pd.Timestamp(pa), pd.Timestamp(pb)
        years += 1


# --------------------------------------------------------------------------- percentile


def _fraction(p, what: str) -> Fraction:
    if isinstance(p, (bool, np.bool_)):
        raise ValueError(note("error.calc.percentile_not_number", what=what, p=repr(p)))
    try:
        f = p if isinstance(p, Fraction) else Fraction(repr(float(p)) if isinstance(p, (float, np.floating)) else p)
    except (ValueError, TypeError):
        raise ValueError(note("error.calc.percentile_not_number", what=what, p=repr(p))) from None
    if not 0 <= f <= 100:
        raise ValueError(note("error.calc.percentile_range", what=what, p=repr(p)))
    if 0 < f < 1:  # almost certainly a fraction meant as percent (0.9 for P90): refuse, do not guess
        raise ValueError(note("error.calc.percentile_fraction", what=what, p=repr(p)))
    return f


def _grouped_percentile(codes: np.ndarray, values: np.ndarray, n_groups: int, p) -> tuple[np.ndarray, np.ndarray]:
    """HJ 663 percentile of ``values`` per integer group code (vectorised). Returns (P, n).

    NaN values are left out. k = 1 + (n - 1) p/100 is evaluated exactly (integers), so k is
    never off by a float ulp; s = floor(k); P = X(s) + (X(s+1) - X(s)) (k - s).
    """
    f = _fraction(p, "percentile")
    m = len(values) // n_groups if n_groups else 0
    if m and len(values) == m * n_groups and (codes.reshape(n_groups, m) == np.arange(n_groups)[:, None]).all():
        # each group a run of the same length (the group-major frames of airq.groups): sort the rows of a
        # (group, day) matrix, missing days last — the same sorted values as the general path below
        v = np.sort(values.reshape(n_groups, m), axis=1).ravel()
        n = (~np.isnan(values)).reshape(n_groups, m).sum(axis=1).astype(np.int64)
        offset = np.arange(n_groups, dtype=np.int64) * m
    else:
        ok = ~np.isnan(values)
        c, v = codes[ok], values[ok]
        order = np.lexsort((v, c))
        c, v = c[order], v[order]
        n = np.bincount(c, minlength=n_groups).astype(np.int64)
        offset = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = np.full(n_groups, np.nan)
    has = n > 0
    num = (n[has] - 1) * f.numerator  # (n-1) p/100 = num / den
    den = 100 * f.denominator
    s0 = num // den  # 0-based index of X(s)
    rest = (num % den) / den  # k - s, exact rational evaluated once
    i = offset[has] + s0
    j = np.minimum(i + 1, offset[has] + n[has] - 1)
    lo, hi = v[i], v[j]
    out[has] = np.where(rest > 0, lo + (hi - lo) * rest, lo)
    return out, n


def hj663_percentile(values, p) -> float:
    """The p-th percentile of daily values as HJ 663 Appendix A defines it.

    Parameters
    ----------
    values : array-like of float
        Daily values [µg/m³; CO mg/m³]. Missing values (NaN/None) are left out.
    p : float
        Percentile **in percent** (90 for the O3 P90, 95, 98): 0 or 1 <= p <= 100. Values
        between 0 and 1 are refused (``0.9`` is almost certainly meant as 90).

    Returns
    -------
    float
        Sort the n valid values ascending X(1) <= ... <= X(n); k = 1 + (n - 1) p / 100,
        s = integer part of k; P = X(s) + (X(s+1) - X(s)) (k - s). NaN when n = 0.
        (The "linear" / ``PERCENTILE.INC`` method; nearest-rank and ``PERCENTILE.EXC`` are
        wrong here.) k is evaluated in exact rational arithmetic.

    Raises
    ------
    ValueError
        ``p`` outside [0, 100] or not a number; non-numeric values.

    References
    ----------
    .. [1] HJ 663—2013 Appendix A (standards.md §2.6, [M]; §5 item 9).

    Examples
    --------
    >>> round(hj663_percentile(range(1, 11), 90), 10)
    9.1
    """
    arr = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce")
    raw = pd.Series(np.asarray(values, dtype=object).ravel())
    bad = arr.isna() & raw.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(note("error.calc.non_numeric", what="hj663_percentile", value=repr(raw.iloc[i]),
                              where=note("calc.position", i=i)))
    v = arr.to_numpy(dtype=float, na_value=np.nan)
    out, _ = _grouped_percentile(np.zeros(len(v), dtype=np.int64), v, 1, p)
    return float(out[0])


# --------------------------------------------------------------------------- input checks


def _check_frame(frame, by: str, what: str, need_rules: bool, need_aqi: bool = True) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} takes a daily AQI DataFrame (group_daily_aqi output), not {type(frame).__name__}")
    need = [by, "date", *(["aqi"] if need_aqi else []), *CONCENTRATIONS] + (["rules"] if need_rules else [])
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(note("error.calc.frame_lacks", what=what, missing=repr(missing), columns=repr(list(frame.columns))))
    if frame[by].isna().any():
        i = int(np.flatnonzero(frame[by].isna().to_numpy())[0])
        raise ValueError(note("error.calc.missing_unit", what=what, row=_label(frame.index[i]), by=repr(by)))
    return frame


def _float_col(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    from .groups import _numeric_column

    return _numeric_column(frame, col, what)


def _aqi_values(frame: pd.DataFrame, what: str) -> np.ndarray:
    a = _float_col(frame, "aqi", what)
    frac = ~np.isnan(a) & (a != np.floor(a))
    if frac.any():
        i = int(np.flatnonzero(frac)[0])
        raise ValueError(note("error.calc.aqi_not_integer", what=what, row=_label(frame.index[i]), value=repr(a[i])))
    return a


def _norm_dust_mode(dust_mode) -> str | None:
    mode = _DUST_ALIASES.get(dust_mode, dust_mode) if isinstance(dust_mode, str) or dust_mode is None else dust_mode
    if mode not in DUST_MODES:
        raise ValueError(f"dust_mode must be one of {DUST_MODES} (or 'none', 'exclude_days'), not {dust_mode!r}")
    return mode


def _dust_mask(dust_days, units: np.ndarray, dates: pd.DatetimeIndex, known_units, by: str, what: str) -> np.ndarray:
    """Boolean per row: the row's date is a dust day of its unit."""
    def to_dates(values, where):
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = [values]
        out = []
        for v in values:  # the (short) list of dust dates given by the caller
            out.append(_ts(v, f"{what}: dust_days{where}"))
        return pd.DatetimeIndex(out)

    if isinstance(dust_days, pd.DataFrame):
        if by not in dust_days.columns or "date" not in dust_days.columns:
            raise ValueError(note("error.calc.dust_table_columns", what=what, by=repr(by)))
        table = pd.DataFrame({"u": dust_days[by].astype(str).to_numpy(),
                              "d": to_dates(list(dust_days["date"]), "['date']")})
        unknown = sorted(set(table["u"]) - set(known_units))
        if unknown:
            raise ValueError(note("error.calc.dust_unknown", what=what, by=by, unknown=repr(unknown), known=repr(sorted(known_units))))
    elif isinstance(dust_days, Mapping):
        unknown = [k for k in dust_days if str(k) not in known_units]
        if unknown:
            raise ValueError(note("error.calc.dust_unknown", what=what, by=by, unknown=repr(unknown), known=repr(sorted(known_units))))
        parts = [pd.DataFrame({"u": str(k), "d": to_dates(v, f"[{k!r}]")}) for k, v in dust_days.items()]
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"u": [], "d": pd.DatetimeIndex([])})
    else:
        d = to_dates(dust_days, "")
        table = pd.DataFrame({"u": np.repeat(np.array(sorted(known_units), dtype=object), len(d)),
                              "d": np.tile(d.to_numpy(), len(known_units))})
    keys = pd.MultiIndex.from_arrays([table["u"].astype(str), pd.DatetimeIndex(table["d"])])
    rows = pd.MultiIndex.from_arrays([pd.Index(units.astype(str)), dates])
    return np.asarray(rows.isin(keys))


def _composite_limits(choice, end: pd.Timestamp) -> LimitSet:
    if isinstance(choice, LimitSet):
        return choice
    if choice == "GB3095-2012":
        return get_limits("GB3095-2012")
    if choice == "in_force":
        return limits_for(end)
    raise ValueError(f"composite_limits must be one of {COMPOSITE_LIMITS} or a LimitSet, not {choice!r}")


def _strip_aqi(frame: pd.DataFrame) -> pd.DataFrame:
    drop = [c for c in frame.columns if c in _AQI_COLUMNS or str(c).startswith("iaqi_")]
    return frame.drop(columns=drop)


# --------------------------------------------------------------------------- sufficiency


def _month_table(start: pd.Timestamp, end: pd.Timestamp, validity) -> pd.DataFrame:
    """Calendar months overlapping the period, with covered days and required valid days."""
    months = pd.period_range(start, end, freq="M")
    first = months.start_time
    last = months.end_time.normalize()
    dim = months.days_in_month.to_numpy()
    covered = ((np.minimum(last, end) - np.maximum(first, start)).days + 1).to_numpy()
    minimum = np.where(months.month == 2, validity.february_min_days, validity.monthly_min_days)
    # A month may miss at most (days in month - minimum) days; a partial month the same number.
    required = np.maximum(0, covered - (dim - minimum))
    return pd.DataFrame({"month": months.strftime("%Y-%m"), "calendar_days": covered, "required_days": required,
                         "whole": covered == dim})


def _whole_years(start: pd.Timestamp, end: pd.Timestamp) -> list[int]:
    return [y for y in range(start.year, end.year + 1)
            if start <= pd.Timestamp(y, 1, 1) and pd.Timestamp(y, 12, 31) <= end]


def _counts_2d(codes: np.ndarray, idx: np.ndarray, mask: np.ndarray, n_units: int, n_idx: int) -> np.ndarray:
    flat = codes[mask] * n_idx + idx[mask]
    return np.bincount(flat, minlength=n_units * n_idx).reshape(n_units, n_idx)


# --------------------------------------------------------------------------- period_stats


def period_stats(
    daily_aqi_frame: pd.DataFrame,
    *,
    start=None,
    end=None,
    period: str | None = None,
    by: str = "group",
    rules=None,
    dust_days=None,
    dust_mode: str | None = None,
    composite_limits="GB3095-2012",
    exceedance: str = "iaqi",
    aqi_options: Mapping | None = None,
) -> pd.DataFrame:
    """Period statistics of each group (or station) over any period: one row per unit.

    Parameters
    ----------
    daily_aqi_frame : DataFrame
        Output of :func:`airq.groups.group_daily_aqi`: one row per unit and day with ``by``,
        ``date``, ``so2, no2, co, pm10, pm25, o3_8h`` (unrounded daily values [µg/m³; co mg/m³]),
        ``iaqi_*``, ``aqi``, ``primary``, ``rules``. Dates missing from the frame count as days
        without a valid AQI.
    start, end : date-like
        First and last day (inclusive). Or give ``period`` (:func:`parse_period` text).
    period : str, optional
        ``"2023"``, ``"2023-03"``, ``"2023-Q1"``, ``"2023-01-01/2023-03-31"`` ...
    by : str, default "group"
        The unit column (``"station"`` for station-level statistics).
    rules : None, rule-set name or RuleSet
        ``None`` (default): every day keeps the AQI of the frame, i.e. the rule set in its
        ``rules`` column (with :func:`group_daily_aqi`'s default, the rule set in force on that
        day — HJ 633—2012 before 2026-03-01, HJ 633—2026 from then on; a period crossing the
        change uses both, day by day). A pinned rule set means the AQI is **recomputed** from
        the concentrations under it: the frame's AQI columns are dropped and
        :func:`airq.daily_aqi` is run with ``rules=`` pinned and ``aqi_options``.
    dust_days : collection of dates, mapping unit -> dates, or DataFrame (``by``, ``date``)
        Days affected by a sand-dust process (identified by CNEMC; a collection applies to every
        unit). Needs ``dust_mode``.
    dust_mode : {None, "exclude_exceedance", "recompute"}, default None
        Dust deduction (standards.md §2.9, open [L]; aliases ``"none"``, ``"exclude_days"``
        as in :mod:`airq.config`). ``None``: off. ``"exclude_exceedance"`` (reading (a)): a
        dust day whose AQI > 100 with a PM10 or PM2.5 sub-index > 100 (a dust-caused
        exceedance day) leaves the denominator and every day count; good days are unchanged.
        ``"recompute"`` (reading (b)): the AQI of every dust day is recomputed under the
        day's own rule set without PM10 and PM2.5 (:func:`airq.daily_aqi` with
        ``unmonitored=("pm10", "pm25")``, so the rule set's missing-data rule still applies to
        the other pollutants); the day may turn good. In both modes the PM10 and PM2.5 values
        of dust days are left out of the PM means, percentiles and exceedance counts.
    composite_limits : {"GB3095-2012", "in_force"} or LimitSet, default "GB3095-2012"
        S_i of the composite index. Open point (standards.md §2.8 (a), [L]): the published
        method uses the GB 3095—2012 grade II values (SO2 60, NO2 40, PM10 70, PM2.5 35 annual;
        CO 4 24-h; O3 160 8-h); ``"in_force"`` takes the limits in force on ``end``
        (:func:`airq.limits_for`; 2026-03-01..2030-12-31: PM10 60, PM2.5 30).
    exceedance : {"iaqi", "limit"}, default "iaqi"
        Per-pollutant exceedance days ``exceed_days_<p>``: ``"iaqi"`` counts days whose
        sub-index ``iaqi_<p>`` > 100 (HJ 633—2012 §3.4 超标); ``"limit"`` counts days whose
        daily value, rounded per GB/T 8170, is above the grade II 24-h (O3: 8-h / 1-h) limit of
        GB 3095 in force that day. Identical until 2030-12-31 (the IAQI-100 breakpoints equal
        the grade II limits); from 2031 the GB 3095—2026 final PM limits (50/100) are below the
        HJ 633—2026 IAQI-100 breakpoints (60/120).
    aqi_options : mapping, optional
        ``on_missing``, ``unmonitored``, ``beyond`` for every AQI this function recomputes
        (pinned ``rules``, ``dust_mode="recompute"``).

    Returns
    -------
    DataFrame
        One row per unit (every unit of the frame, in order of appearance, even without a day
        in the period), columns:

        * ``<by>``, ``start``, ``end``, ``rules`` (rule sets of the period's days, ``+``-joined
          in date order, e.g. ``"HJ633-2012+HJ633-2026"``), ``calendar_days``;
        * ``valid_days`` (days with a valid AQI, after dust deduction), ``no_aqi_days``
          (calendar days without one), so calendar = valid + no_aqi + ``dust_removed_days``;
        * ``good_days`` (AQI <= 100), ``good_day_ratio`` [%] = good / valid × 100,
          ``exceed_days`` (AQI > 100), ``exceed_day_ratio`` [%], ``heavy_days`` (AQI > 200),
          ``heavy_day_ratio`` [%]; ``days_level1`` ... ``days_level6`` (优, 良, 轻度, 中度,
          重度, 严重污染);
        * ``days_primary_<indicator>`` for so2, no2, pm10, co, o3_1h, o3_8h, pm25 (valid days
          on which it is a primary pollutant; tied primaries are counted for each);
        * ``exceed_days_<p>`` for so2, no2, co, pm10, pm25, o3_8h, o3_1h (days with a valid
          value of p above its limit, see ``exceedance``; may include days without a valid AQI);
        * ``n_days_<p>`` (valid daily values of so2, no2, co, pm10, pm25, o3_8h entering the
          statistics; PM after dust exclusion), ``<p>_mean`` for so2, no2, pm10, pm25,
          ``so2_p98``, ``no2_p98``, ``pm10_p95``, ``pm25_p95``, ``co_p95``, ``o3_8h_p90``
          [µg/m³; co mg/m³], all unrounded;
        * ``index_<p>`` (single indices C_i/S_i), ``composite_index`` (their sum; NaN if any is
          missing), ``composite_primary`` (the largest single index, ties comma-joined),
          ``composite_limits`` (the limit set used);
        * ``sufficient`` (= ``sufficient_aqi`` and every ``sufficient_<p>``),
          ``sufficient_aqi`` (on days with a valid AQI), ``sufficient_<p>`` (on the valid daily
          values of so2, no2, co, pm10, pm25, o3_8h), ``min_month_days`` (fewest valid-AQI
          days of a calendar month in the period) and ``months_short`` (months failing the
          monthly rule for valid-AQI days, comma-joined; details: :func:`monthly_counts`);
        * ``dust_mode``, ``dust_days`` (dust days of the unit in the period),
          ``dust_removed_days``, ``dust_recomputed_days``; ``exceedance``.

    Notes
    -----
    **Sufficiency** (GB 3095 Table 4; standards.md §2.3, §2.6): a calendar year needs >= 324
    valid days and every month >= 27 (February >= 25); a calendar month >= 27 (February 25).
    For any other period airq checks every calendar month it touches — a whole month needs 27
    (February 25); a partial month may miss no more days than a whole month may (31-day month:
    4, 30-day month: 3, February: 3 or 4), i.e. it needs max(0, covered days − (days in month
    − 27 or 25)) — and every whole calendar year inside the period needs 324. Counts are taken
    before dust deduction (deducted days were monitored). The same rule is applied to the
    percentiles' daily series ([L]).

    Means, percentiles, ratios and the composite index are computed from unrounded daily
    values and kept unrounded; :func:`publish` rounds them once.

    References
    ----------
    .. [1] HJ 633—2012 §3.4, Table 2; HJ 633—2026 §5.3 (standards.md §1.4, §1.6).
    .. [2] HJ 663—2013 Table 1, Appendix A (standards.md §2.6).
    .. [3] GB 3095 Table 4 (standards.md §2.3).
    .. [4] standards.md §2.8 (composite index), §2.9 (ratios, dust deduction), §3 (rule change).
    """
    what = "period_stats"
    start, end = _resolve_period(start, end, period, what)
    mode = _norm_dust_mode(dust_mode)
    if exceedance not in _EXCEEDANCE:
        raise ValueError(f"{what}: exceedance must be one of {_EXCEEDANCE}, not {exceedance!r}")
    if mode is not None and dust_days is None:
        raise ValueError(note("error.calc.dust_needs_days", what=what, mode=repr(dust_mode)))
    if mode is None and dust_days is not None:
        raise ValueError(note("error.calc.dust_needs_mode", what=what))
    limits = _composite_limits(composite_limits, end)
    aqi_kw = dict(aqi_options or {})
    bad_kw = [k for k in aqi_kw if k not in ("on_missing", "unmonitored", "beyond")]
    if bad_kw:
        raise ValueError(f"{what}: aqi_options may hold on_missing, unmonitored, beyond; not {bad_kw}")
    frame = _check_frame(daily_aqi_frame, by, what, need_rules=rules is None, need_aqi=rules is None)
    all_units = pd.unique(frame[by].to_numpy())
    dates_all = _dates_of(frame, what)
    dup = pd.DataFrame({"u": frame[by].to_numpy(), "d": dates_all}).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise ValueError(note("error.calc.duplicate_unit_day", what=what, row=_label(frame.index[i]), by=by,
                              unit=str(frame[by].iloc[i]), date=str(dates_all[i].date())))

    inside = np.asarray((dates_all >= start) & (dates_all <= end))
    frame = frame[inside]
    dates = dates_all[inside]
    if rules is not None:
        rs = get_rules(rules)
        frame = daily_aqi(_strip_aqi(frame), rules=rs, **aqi_kw)

    units_str = np.array([str(u) for u in all_units], dtype=object)
    codes = pd.Categorical(frame[by].astype(str).to_numpy(), categories=units_str).codes.astype(np.int64)
    G = len(all_units)
    aqi = _aqi_values(frame, what)
    if "primary" not in frame.columns:
        raise ValueError(note("error.calc.lacks_primary", what=what))
    primary = frame["primary"].astype(object).where(frame["primary"].notna(), None).to_numpy().copy()
    rule_names = frame["rules"].astype(str).to_numpy()
    conc = {p: _float_col(frame, p, what) for p in CONCENTRATIONS}
    if "o3_1h" in frame.columns:
        conc["o3_1h"] = _float_col(frame, "o3_1h", what)
    iaqis = {}
    for p in (*CONCENTRATIONS, "o3_1h"):
        col = f"iaqi_{p}"
        if col in frame.columns:
            iaqis[p] = _float_col(frame, col, what)
    aqi_before = ~np.isnan(aqi)

    # ---- dust
    is_dust = np.zeros(len(frame), dtype=bool)
    removed = np.zeros(len(frame), dtype=bool)
    recomputed = np.zeros(len(frame), dtype=bool)
    if mode is not None:
        is_dust = _dust_mask(dust_days, frame[by].to_numpy(), dates, set(units_str), by, what)
        if mode == "exclude_exceedance":
            for p in _PM:
                if p not in iaqis:
                    raise ValueError(note("error.calc.exclude_needs_iaqi", what=what, p=p))
            with np.errstate(invalid="ignore"):
                pm_over = (iaqis["pm10"] > 100) | (iaqis["pm25"] > 100)
                removed = is_dust & (aqi > 100) & pm_over
        else:
            recomputed = is_dust
            if is_dust.any():
                aqi, primary = _recompute_without_pm(frame, is_dust, aqi, primary, aqi_kw)
        for p in _PM:
            conc[p] = np.where(is_dust, np.nan, conc[p])
            if p in iaqis:
                iaqis[p] = np.where(is_dust, np.nan, iaqis[p])

    valid = ~np.isnan(aqi) & ~removed

    def count(mask):
        return np.bincount(codes[mask], minlength=G).astype(np.int64)

    out = pd.DataFrame({by: all_units})
    out["start"] = start
    out["end"] = end
    order = np.argsort(dates.to_numpy(), kind="stable")
    rule_tab = pd.DataFrame({"c": codes[order], "r": rule_names[order]}).drop_duplicates()
    joined = rule_tab.groupby("c")["r"].agg("+".join)
    out["rules"] = [joined.get(i, "") for i in range(G)]
    calendar_days = int((end - start).days) + 1
    out["calendar_days"] = calendar_days
    out["valid_days"] = count(valid)
    out["dust_removed_days"] = count(removed)
    out["no_aqi_days"] = calendar_days - out["valid_days"] - out["dust_removed_days"]
    with np.errstate(invalid="ignore"):
        good, exceed, heavy = valid & (aqi <= 100), valid & (aqi > 100), valid & (aqi > 200)
    vd = out["valid_days"].to_numpy(dtype=float)
    for name, mask in (("good", good), ("exceed", exceed), ("heavy", heavy)):
        n = count(mask)
        out[f"{name}_days"] = n
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{name}_day_ratio"] = np.where(vd > 0, 100.0 * n / vd, np.nan)
    level = np.zeros(len(frame), dtype=np.int64)
    if valid.any():
        level[valid] = aqi_category(pd.array(aqi[valid], dtype="Float64")).level.to_numpy(dtype=np.int64)
    for lv in range(1, 7):
        out[f"days_level{lv}"] = count(valid & (level == lv))
    out = pd.concat([out, _primary_counts(primary, valid, codes, G)], axis=1)
    out = pd.concat([out, _exceed_counts(exceedance, conc, iaqis, dates, codes, G)], axis=1)

    stats = {}
    for p in CONCENTRATIONS:
        ok = ~np.isnan(conc[p])
        stats[f"n_days_{p}"] = count(ok)
    for p in MEAN_POLLUTANTS:
        ok = ~np.isnan(conc[p])
        n = np.bincount(codes[ok], minlength=G)
        s = np.bincount(codes[ok], weights=conc[p][ok], minlength=G)
        with np.errstate(invalid="ignore", divide="ignore"):
            stats[f"{p}_mean"] = np.where(n > 0, s / np.maximum(n, 1), np.nan)
    for p, q in PERCENTILES.items():
        stats[f"{p}_p{q}"], _ = _grouped_percentile(codes, conc[p], G, q)
    out = pd.concat([out, pd.DataFrame(stats)], axis=1)

    # ---- composite index (standards.md §2.8)
    single = {}
    for col, (pol, avg) in _COMPOSITE:
        single[f"index_{_INDEX_NAMES[col]}"] = out[col].to_numpy(dtype=float) / float(limits.limit(pol, avg))
    mat = np.column_stack(list(single.values()))
    for k, v in single.items():
        out[k] = v
    complete = ~np.isnan(mat).any(axis=1)
    out["composite_index"] = np.where(complete, np.where(complete[:, None], mat, 0.0).sum(axis=1), np.nan)
    names = [_INDEX_NAMES[c] for c, _ in _COMPOSITE]
    top = np.where(complete[:, None], mat, -np.inf)
    is_top = complete[:, None] & (top == top.max(axis=1, keepdims=True))
    out["composite_primary"] = [",".join(n for n, t in zip(names, row) if t) or None for row in is_top]
    out["composite_limits"] = f"{limits.standard} ({limits.phase})"

    # ---- sufficiency (counts before dust deduction)
    validity = limits_for(start).validity
    months = _month_table(start, end, validity)
    month_idx = ((dates.year - start.year) * 12 + dates.month - start.month).to_numpy(dtype=np.int64)
    years = _whole_years(start, end)
    year_idx = (dates.year - start.year).to_numpy(dtype=np.int64)
    req = months["required_days"].to_numpy()

    n_years = end.year - start.year + 1

    def sufficient(mask):
        per_month = _counts_2d(codes, month_idx, mask, G, len(months))
        ok = (per_month >= req[None, :]).all(axis=1)
        if years:
            per_year = _counts_2d(codes, year_idx, mask, G, n_years)
            whole = np.array(years) - start.year
            ok &= (per_year[:, whole] >= validity.annual_min_days).all(axis=1)
        return ok, per_month

    suff_aqi, per_month = sufficient(aqi_before)
    flags = {"sufficient_aqi": suff_aqi}
    orig_conc = {p: _float_col(frame, p, what) for p in CONCENTRATIONS}
    for p in CONCENTRATIONS:
        flags[f"sufficient_{p}"], _ = sufficient(~np.isnan(orig_conc[p]))
    out["sufficient"] = np.logical_and.reduce(list(flags.values()))
    for k, v in flags.items():
        out[k] = v
    out["min_month_days"] = per_month.min(axis=1)
    short = per_month < req[None, :]
    labels = months["month"].to_numpy()
    out["months_short"] = [",".join(labels[row]) for row in short]  # one entry per unit

    out["dust_mode"] = mode
    out["dust_days"] = count(is_dust)
    out["dust_recomputed_days"] = count(recomputed)
    out["exceedance"] = exceedance
    return out


def _dates_of(frame: pd.DataFrame, what: str) -> pd.DatetimeIndex:
    from .groups import _dates

    return _dates(frame, "date", what)


def _recompute_without_pm(frame, is_dust, aqi, primary, aqi_kw):
    """AQI and primary of dust days recomputed without PM10/PM2.5 under each day's rule set."""
    sub = _strip_aqi(frame[is_dust])
    rule_names = frame["rules"].astype(str).to_numpy()[is_dust]
    kw = dict(aqi_kw)
    kw["unmonitored"] = tuple(dict.fromkeys([*kw.get("unmonitored", ()), *_PM]))
    sub = sub.drop(columns=[c for c in _PM if c in sub.columns])
    parts = [daily_aqi(sub[rule_names == name], rules=name, **kw) for name in pd.unique(rule_names)]
    redo = pd.concat(parts).loc[sub.index]
    aqi = aqi.copy()
    primary = primary.copy()
    aqi[is_dust] = redo["aqi"].to_numpy(dtype=float, na_value=np.nan)
    primary[is_dust] = redo["primary"].astype(object).where(redo["primary"].notna(), None).to_numpy()
    return aqi, primary


def _primary_counts(primary, valid, codes, G) -> pd.DataFrame:
    """Days on which each indicator is (one of) the primary pollutant(s), per group.

    ``primary`` holds few distinct texts (``"pm25"``, ``"pm25,o3_8h"`` ...): each distinct text is
    split once, and a day counts for every indicator its text names."""
    rows = np.flatnonzero(valid)
    texts = pd.Series(primary[valid], dtype=object).fillna("")
    inv, uniq = pd.factorize(texts, use_na_sentinel=False)
    named = [set(str(u).split(",")) for u in uniq]
    out = {}
    for ind in DAILY_INDICATORS:  # a loop over seven indicators
        has = np.fromiter((ind in n for n in named), dtype=bool, count=len(named))
        out[f"days_primary_{ind}"] = np.bincount(codes[rows[has[inv]]], minlength=G).astype(np.int64)
    return pd.DataFrame(out)


_EXCEED_LIMITS = {"so2": ("so2", "24h", 0), "no2": ("no2", "24h", 0), "co": ("co", "24h", 1),
                  "pm10": ("pm10", "24h", 0), "pm25": ("pm25", "24h", 0), "o3_8h": ("o3", "8h", 0),
                  "o3_1h": ("o3", "1h", 0)}


def _limit_phases():
    return [get_limits("GB3095-2012"), get_limits("GB3095-2026", "transitional"), get_limits("GB3095-2026", "final")]


def _exceed_counts(kind, conc, iaqis, dates, codes, G) -> pd.DataFrame:
    out = {}
    for p, (pol, avg, dec) in _EXCEED_LIMITS.items():
        if kind == "iaqi":
            v = iaqis.get(p)
            if v is None:
                if p == "o3_1h":
                    out[f"exceed_days_{p}"] = np.zeros(G, dtype=np.int64)
                    continue
                raise ValueError(note("error.calc.exceedance_needs_iaqi", p=p))
            with np.errstate(invalid="ignore"):
                over = v > 100
        else:
            v = conc.get(p)
            if v is None:
                out[f"exceed_days_{p}"] = np.zeros(G, dtype=np.int64)
                continue
            scaled = round_scaled(v, dec)
            lim = np.full(len(v), np.nan)
            for ph in _limit_phases():  # three GB 3095 phases
                on = np.asarray((dates >= pd.Timestamp(ph.effective_from)) & (dates <= pd.Timestamp(ph.effective_until)))
                lim[on] = float(ph.limit(pol, avg) * 10**dec)
            with np.errstate(invalid="ignore"):
                over = scaled > lim
        out[f"exceed_days_{p}"] = np.bincount(codes[over], minlength=G).astype(np.int64)
    return pd.DataFrame(out)


# --------------------------------------------------------------------------- monthly counts


def monthly_counts(daily_aqi_frame: pd.DataFrame, *, start=None, end=None, period: str | None = None,
                   by: str = "group") -> pd.DataFrame:
    """Per-month valid-day counts behind the sufficiency flags of :func:`period_stats`.

    Parameters
    ----------
    daily_aqi_frame : DataFrame
        As for :func:`period_stats` (``by``, ``date``, ``aqi`` and the concentrations).
    start, end, period
        The period (as in :func:`period_stats`).
    by : str, default "group"

    Returns
    -------
    DataFrame
        One row per unit and calendar month touching the period: ``<by>``, ``month``
        (``"YYYY-MM"``), ``calendar_days`` (days of the month inside the period),
        ``required_days`` (GB 3095 Table 4: 27, February 25; partial months see
        :func:`period_stats`), ``valid_days`` (valid AQI), ``n_days_<p>`` for so2, no2, co,
        pm10, pm25, o3_8h, ``month_ok`` (valid AQI days >= required) and ``month_ok_<p>``.

    References
    ----------
    .. [1] GB 3095—2012 / GB 3095—2026 Table 4 (standards.md §2.3).
    """
    what = "monthly_counts"
    start, end = _resolve_period(start, end, period, what)
    frame = _check_frame(daily_aqi_frame, by, what, need_rules=False)
    all_units = pd.unique(frame[by].to_numpy())
    dates = _dates_of(frame, what)
    inside = np.asarray((dates >= start) & (dates <= end))
    frame, dates = frame[inside], dates[inside]
    units_str = np.array([str(u) for u in all_units], dtype=object)
    codes = pd.Categorical(frame[by].astype(str).to_numpy(), categories=units_str).codes.astype(np.int64)
    G = len(all_units)
    months = _month_table(start, end, limits_for(start).validity)
    M = len(months)
    month_idx = ((dates.year - start.year) * 12 + dates.month - start.month).to_numpy(dtype=np.int64)
    out = pd.DataFrame({by: np.repeat(all_units, M), "month": np.tile(months["month"].to_numpy(), G),
                        "calendar_days": np.tile(months["calendar_days"].to_numpy(), G),
                        "required_days": np.tile(months["required_days"].to_numpy(), G)})
    out["valid_days"] = _counts_2d(codes, month_idx, ~np.isnan(_aqi_values(frame, what)), G, M).ravel()
    for p in CONCENTRATIONS:
        out[f"n_days_{p}"] = _counts_2d(codes, month_idx, ~np.isnan(_float_col(frame, p, what)), G, M).ravel()
    out["month_ok"] = out["valid_days"] >= out["required_days"]
    for p in CONCENTRATIONS:
        out[f"month_ok_{p}"] = out[f"n_days_{p}"] >= out["required_days"]
    return out


# --------------------------------------------------------------------------- publication


def _decimals_for(columns, decimals) -> dict[str, int]:
    table = dict(PUBLISH_DECIMALS)
    if decimals is not None:
        if not isinstance(decimals, Mapping):
            raise ValueError(f"decimals must be a mapping column -> number of decimals, not {type(decimals).__name__}")
        for k, v in decimals.items():
            key = _DECIMAL_ALIASES.get(k, k)
            if key not in table and key not in columns:
                raise ValueError(f"decimals names unknown statistic {k!r}; known: {sorted(table)}")
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise ValueError(f"decimals[{k!r}] must be an integer, not {v!r}")
            table[key] = int(v)
    out = {}
    for c in columns:
        base = c
        for suffix in ("_prev", "_change"):
            if c.endswith(suffix) and c[: -len(suffix)] in table:
                base = c[: -len(suffix)]
        if base in table:
            out[c] = table[base]
        elif c.endswith("_change_pct") or c.endswith("_change_pp"):
            out[c] = 1
    return out


def publish(stats_frame: pd.DataFrame, *, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The published figures: statistics rounded once, per GB/T 8170, for a report.

    Parameters
    ----------
    stats_frame : DataFrame
        Output of :func:`period_stats` or :func:`compare_periods` (unrounded).
    decimals : mapping str -> int, optional
        Overrides of :data:`PUBLISH_DECIMALS` by column name (``{"pm10_mean": 1}``);
        :mod:`airq.config`'s keys are accepted (``o3_p90`` means ``o3_8h_p90``).

    Returns
    -------
    DataFrame
        A copy in which every statistic column is rounded (GB/T 8170, half to even on the
        value): defaults ratios [%] 1 decimal, ``pm25_mean`` 1 decimal, other µg/m³ means and
        percentiles 0, ``co_p95`` 1 [mg/m³], ``composite_index`` and ``index_*`` 2;
        comparison columns ``<x>_prev`` / ``<x>_change`` like ``<x>``, ``*_change_pct`` and
        ``*_change_pp`` 1. Counts and labels are unchanged. ``attrs["airq_published"]`` is
        set so that published figures are not fed back into calculations.

    Notes
    -----
    Round once, from the unrounded statistic (standards.md §2.7): never average rounded monthly
    values into an annual one.

    References
    ----------
    .. [1] GB/T 8170—2008; standards.md §2.7 ([M] for the decimals).
    """
    if not isinstance(stats_frame, pd.DataFrame):
        raise ValueError(f"publish takes a statistics DataFrame, not {type(stats_frame).__name__}")
    table = _decimals_for(list(stats_frame.columns), decimals)
    out = stats_frame.copy()
    for col, d in table.items():
        out[col] = round_gbt8170(pd.to_numeric(out[col], errors="raise").astype(float), d)
    out.attrs["airq_published"] = True
    return out


# --------------------------------------------------------------------------- comparison


_COMPARE_CONC = (*(f"{p}_mean" for p in MEAN_POLLUTANTS), *(f"{p}_p{q}" for p, q in PERCENTILES.items()),
                 "composite_index")
_COMPARE_RATIO = ("good_day_ratio", "exceed_day_ratio", "heavy_day_ratio")
_COMPARE_COUNT = ("valid_days", "good_days", "exceed_days", "heavy_days")


def compare_periods(current: pd.DataFrame, previous: pd.DataFrame, *, by: str = "group", basis: str = "unrounded",
                    decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Change from a previous period (e.g. :func:`same_period_last_year`) to the current one.

    Parameters
    ----------
    current, previous : DataFrame
        :func:`period_stats` outputs (unrounded).
    by : str, default "group"
    basis : {"unrounded", "published"}, default "unrounded"
        ``"unrounded"``: changes from the unrounded statistics (airq's rule: round once, at the
        end, with :func:`publish`). ``"published"``: changes from the published (rounded)
        figures of both periods, so that a change always equals the difference of the printed
        numbers — which bulletins do is not documented (open point).
    decimals : mapping, optional
        Publication decimals for ``basis="published"`` (as :func:`publish`).

    Returns
    -------
    DataFrame
        One row per unit of ``current`` (a unit missing from ``previous`` has NaN changes):
        ``<by>``, ``start``, ``end``, ``start_prev``, ``end_prev``; for the means, percentiles
        and ``composite_index``: ``<x>``, ``<x>_prev``, ``<x>_change`` (current − previous, same
        unit) and ``<x>_change_pct`` [%] (change / previous × 100); for ``good_day_ratio``,
        ``exceed_day_ratio``, ``heavy_day_ratio``: ``<x>``, ``<x>_prev``, ``<x>_change_pp``
        (percentage points); for ``valid_days``, ``good_days``, ``exceed_days``,
        ``heavy_days``: ``<x>``, ``<x>_prev``, ``<x>_change`` [days].

    References
    ----------
    .. [1] standards.md §2.7 (rounding), §2.9 (ratios).
    """
    what = "compare_periods"
    for name, f in (("current", current), ("previous", previous)):
        if not isinstance(f, pd.DataFrame):
            raise ValueError(f"{what}: {name} must be a period_stats DataFrame, not {type(f).__name__}")
        if f.attrs.get("airq_published"):
            raise ValueError(f"{what}: {name} holds published (rounded) figures; pass the unrounded period_stats output "
                             "(basis='published' rounds them itself)")
        if by not in f.columns:
            raise ValueError(f"{what}: {name} lacks the column {by!r}")
        if f[by].duplicated().any():
            raise ValueError(f"{what}: {name} has several rows for {by} {f[by][f[by].duplicated()].iloc[0]!r}")
    if basis not in ("unrounded", "published"):
        raise ValueError(f"{what}: basis must be 'unrounded' or 'published', not {basis!r}")
    cur, prev = current, previous
    if basis == "published":
        cur, prev = publish(current, decimals=decimals), publish(previous, decimals=decimals)
    cols = [c for c in (*_COMPARE_CONC, *_COMPARE_RATIO, *_COMPARE_COUNT) if c in cur.columns and c in prev.columns]
    if not cols:
        raise ValueError(f"{what}: the frames share no statistic columns; pass period_stats outputs")
    keep_prev = [by] + [c for c in ("start", "end") if c in prev.columns] + cols
    p = prev[keep_prev].rename(columns={c: f"{c}_prev" for c in keep_prev if c != by})
    m = cur[[by] + [c for c in ("start", "end") if c in cur.columns] + cols].merge(p, on=by, how="left")
    out = m[[by] + [c for c in ("start", "end", "start_prev", "end_prev") if c in m.columns]].copy()
    for c in cols:
        if c in _COMPARE_COUNT:  # day counts stay integers (Int64, missing when the unit is new)
            a_i, b_i = pd.array(m[c], dtype="Int64"), pd.array(m[f"{c}_prev"], dtype="Int64")
            out[c], out[f"{c}_prev"], out[f"{c}_change"] = a_i, b_i, a_i - b_i
            continue
        a = m[c].to_numpy(dtype=float, na_value=np.nan)
        b = m[f"{c}_prev"].to_numpy(dtype=float, na_value=np.nan)
        out[c] = a
        out[f"{c}_prev"] = b
        if c in _COMPARE_RATIO:
            out[f"{c}_change_pp"] = a - b
        else:
            out[f"{c}_change"] = a - b
            if c in _COMPARE_CONC:
                with np.errstate(invalid="ignore", divide="ignore"):
                    out[f"{c}_change_pct"] = np.where(b != 0, (a - b) / b * 100.0, np.nan)
    out.attrs["airq_basis"] = basis
    return out


# --------------------------------------------------------------------------- ranking


def rank(stats_frame: pd.DataFrame, by: str = "composite_index", *, ascending: bool = True,
         decimals="published") -> pd.DataFrame:
    """Rank units by one statistic; ties share a rank (method "min": 1, 2, 2, 4).

    Parameters
    ----------
    stats_frame : DataFrame
        :func:`period_stats` output (one row per unit).
    by : str, default "composite_index"
        The statistic. The composite-index ranking is ascending (smaller = cleaner); pass
        ``ascending=False`` for statistics where larger is better (``good_day_ratio``).
    ascending : bool, default True
    decimals : "published", int or None, default "published"
        Ranking of published tables is on the published figures (two cities printed 4.64 share a
        rank), so by default the statistic is first rounded per GB/T 8170 to its publication
        decimals (:data:`PUBLISH_DECIMALS`, unrounded if it has none); an int rounds to that;
        ``None`` ranks the unrounded values (open point, standards.md §2.8 [M]).

    Returns
    -------
    DataFrame
        The rows sorted by rank (missing values last, without a rank), with ``rank_value``
        (the value ranked) and ``rank`` (Int64).

    References
    ----------
    .. [1] 城市环境空气质量排名技术规定 (standards.md §2.8: ascending, ties share a rank).
    """
    if not isinstance(stats_frame, pd.DataFrame):
        raise ValueError(f"rank takes a statistics DataFrame, not {type(stats_frame).__name__}")
    if by not in stats_frame.columns:
        raise ValueError(f"rank: no column {by!r}; columns: {list(stats_frame.columns)}")
    try:
        v = pd.to_numeric(stats_frame[by], errors="raise").astype(float)
    except (ValueError, TypeError):
        raise ValueError(f"rank: column {by!r} is not numeric") from None
    if decimals == "published":
        d = PUBLISH_DECIMALS.get(by)
        if d is not None:
            v = round_gbt8170(v, d)
    elif decimals is not None:
        if isinstance(decimals, (bool, np.bool_)) or not isinstance(decimals, (int, np.integer)):
            raise ValueError(f"rank: decimals must be 'published', an integer or None, not {decimals!r}")
        v = round_gbt8170(v, int(decimals))
    out = stats_frame.copy()
    out["rank_value"] = v.to_numpy()
    out["rank"] = pd.array(v.rank(method="min", ascending=ascending).to_numpy(), dtype="Float64").astype("Int64")
    return out.sort_values(["rank"], kind="stable", na_position="last").reset_index(drop=True)


# --------------------------------------------------------------------------- rule change


@dataclass(frozen=True)
class RuleChangeComparison:
    """The same period under HJ 633—2012 and HJ 633—2026 (see :func:`rule_change_comparison`).

    Attributes
    ----------
    stats_2012, stats_2026 : DataFrame
        :func:`period_stats` with every day judged by the pinned rule set.
    side_by_side : DataFrame
        One row per unit: ``<x>_2012``, ``<x>_2026`` for the AQI-based statistics and
        ``good_days_change``, ``good_day_ratio_change_pp``, ``exceed_days_change``,
        ``heavy_days_change`` (2026 − 2012).
    changed_days : DataFrame
        Days whose category differs: ``<by>``, ``date``, ``aqi_2012``, ``level_2012``,
        ``category_2012``, ``primary_2012``, ``aqi_2026``, ``level_2026``, ``category_2026``,
        ``primary_2026`` (a day with an AQI under one set and none under the other is listed).
    """

    stats_2012: pd.DataFrame
    stats_2026: pd.DataFrame
    side_by_side: pd.DataFrame
    changed_days: pd.DataFrame


_SIDE_COLUMNS = ("valid_days", "good_days", "good_day_ratio", "exceed_days", "exceed_day_ratio", "heavy_days",
                 "heavy_day_ratio", *(f"days_level{i}" for i in range(1, 7)),
                 *(f"days_primary_{i}" for i in DAILY_INDICATORS))


def rule_change_comparison(group_daily_frame: pd.DataFrame, *, start=None, end=None, period: str | None = None,
                           by: str = "group", aqi_options: Mapping | None = None, **stats_kw) -> RuleChangeComparison:
    """The same period under both AQI rule sets, side by side, and the days that change class.

    Parameters
    ----------
    group_daily_frame : DataFrame
        :func:`airq.groups.group_daily` output (or a daily AQI frame; its AQI columns are
        dropped): ``by``, ``date`` and ``so2, no2, co, pm10, pm25, o3_8h, o3_1h``.
        ``o3_1h`` is needed by HJ 633—2012.
    start, end, period
        The period (as :func:`period_stats`).
    by : str, default "group"
    aqi_options : mapping, optional
        ``on_missing``, ``unmonitored``, ``beyond`` of :func:`airq.daily_aqi` (both rule sets).
    **stats_kw
        Further :func:`period_stats` options (``dust_days``, ``dust_mode``,
        ``composite_limits``, ``exceedance``).

    Returns
    -------
    RuleChangeComparison
        Units without a day in the period are left out.

    Notes
    -----
    The daily AQI is recomputed for every day with the rule set pinned (HJ 633—2012: PM2.5
    IAQI 100 at 75, PM10 at 150, O3 1-h in the daily AQI, no AQI with a missing indicator;
    HJ 633—2026: 60 / 120, no O3 1-h, §5.3 missing rule). Concentration statistics do not
    depend on the AQI rules and are equal in both. Typical change: PM2.5 70 µg/m³ is 良 (94)
    under 2012 and 轻度污染 (110) under 2026 (standards.md §3).

    References
    ----------
    .. [1] HJ 633—2012; HJ 633—2026 (standards.md §1.1, §1.5, §1.6, §3).
    """
    what = "rule_change_comparison"
    if not isinstance(group_daily_frame, pd.DataFrame):
        raise ValueError(f"{what} takes the group-daily DataFrame, not {type(group_daily_frame).__name__}")
    if "rules" in stats_kw:
        raise ValueError(f"{what}: rules are pinned to both sets here; do not pass rules=")
    start, end = _resolve_period(start, end, period, what)
    if by not in group_daily_frame.columns:
        raise ValueError(f"{what}: the frame lacks the column {by!r}")
    dates = _dates_of(group_daily_frame, what)
    inside = np.asarray((dates >= start) & (dates <= end))
    base = _strip_aqi(group_daily_frame).assign(date=dates)[inside]  # only the period's days
    dates = dates[inside]
    kw = dict(aqi_options or {})
    a12 = daily_aqi(base, rules="HJ633-2012", **kw)
    a26 = daily_aqi(base, rules="HJ633-2026", **kw)
    s12 = period_stats(a12, start=start, end=end, by=by, aqi_options=kw, **stats_kw)
    s26 = period_stats(a26, start=start, end=end, by=by, aqi_options=kw, **stats_kw)
    side = s12[[by, "start", "end"]].copy()
    for c in _SIDE_COLUMNS:
        side[f"{c}_2012"] = s12[c].to_numpy()
        side[f"{c}_2026"] = s26[c].to_numpy()
    side["good_days_change"] = side["good_days_2026"] - side["good_days_2012"]
    side["good_day_ratio_change_pp"] = side["good_day_ratio_2026"] - side["good_day_ratio_2012"]
    side["exceed_days_change"] = side["exceed_days_2026"] - side["exceed_days_2012"]
    side["heavy_days_change"] = side["heavy_days_2026"] - side["heavy_days_2012"]

    cols = ["aqi", "level", "category", "primary"]
    days = pd.DataFrame({by: base[by].to_numpy(), "date": dates})
    for tag, a in (("2012", a12), ("2026", a26)):
        for c in cols:
            days[f"{c}_{tag}"] = a[c].to_numpy()
    c12 = days["category_2012"].astype(object).where(days["category_2012"].notna(), "")
    c26 = days["category_2026"].astype(object).where(days["category_2026"].notna(), "")
    changed = days[(c12 != c26).to_numpy()]
    changed = changed[[by, "date", "aqi_2012", "level_2012", "category_2012", "primary_2012",
                       "aqi_2026", "level_2026", "category_2026", "primary_2026"]]
    changed = changed.sort_values([by, "date"], kind="stable").reset_index(drop=True)
    for c in ("aqi_2012", "level_2012", "aqi_2026", "level_2026"):
        changed[c] = pd.array(changed[c], dtype="Int64")
    return RuleChangeComparison(stats_2012=s12, stats_2026=s26, side_by_side=side, changed_days=changed)
