"""Comparisons of period statistics: a period with a previous one, and the rule change.

:func:`compare_periods` gives the change from a previous period (同比, e.g.
:func:`airq.stats.same_period_last_year`) per unit, on unrounded or published figures;
:func:`rule_change_comparison` (:class:`RuleChangeComparison`) puts the same period under
HJ 633—2012 and HJ 633—2026 side by side, with the days that change class.

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] GB/T 8170—2008 (rounding once, at the end; standards.md §1.2, §2.7); standards.md §2.9 (ratios).
.. [2] HJ 633—2012; HJ 633—2026 (standards.md §1.1, §1.5, §1.6, §3: the rule change).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import numpy as np
import pandas as pd

from .aqi_daily import daily_aqi
from .stats_inputs import DAILY_INDICATORS, MEAN_POLLUTANTS, PERCENTILES, _dates_of, _strip_aqi
from .stats_period_stats import period_stats
from .stats_periods import _resolve_period
from .stats_publish import publish

__all__ = ["compare_periods", "RuleChangeComparison", "rule_change_comparison"]


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
