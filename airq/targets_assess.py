"""Plan targets: the assessment table, where a unit stands against each of its targets.

:func:`assess_targets` gives, per target key, the year-to-date value, whether it meets the target
so far, and the remaining allowance with its status (the allowance objects of
:mod:`airq.targets_allowance` and :mod:`airq.targets_ceiling` in ``detail``);
:func:`plain_targets` turns that table into plain numbers for printing and JSON.

References
----------
.. [1] standards.md §4 ("Remaining allowance" arithmetic) — all allowances.
.. [2] standards.md §2.6 (percentile k = 1 + (n − 1)p, HJ 663 Appendix A).
.. [3] standards.md §2.7 (rounding of published values, GB/T 8170).
.. [4] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, Mapping

import numpy as np
import pandas as pd

from .notes import note
from .targets_allowance import good_day_allowance, good_days_allowance, heavy_day_allowance
from .targets_ceiling import o3_p90_allowance, pm25_ceiling
from .targets_core import (ASSESSABLE_TARGETS, DISPLAY_DECIMALS, PM25_SAFE_LEVEL, _UNASSESSABLE, _check_position, _count,
                           _decimals_map, _display, _meets_max, _meets_min, _nonneg, _not_more, _o3_values, _published,
                           _ratio, _remaining_calendar_days, days_in_year)

__all__ = [
    "ASSESS_COLUMNS",
    "assess_targets",
    "plain_targets",
]


# --------------------------------------------------------------------------- assessment table

#: Columns of :func:`assess_targets`'s result, in order.
ASSESS_COLUMNS = (
    "target",
    "unit",
    "current",
    "current_published",
    "met_so_far",
    "remaining",
    "remaining_unit",
    "status",
    "detail",
)


def _get(current: Mapping[str, Any], key: str) -> Any:
    try:
        return current[key]
    except KeyError:
        raise ValueError(note("error.targets.current_key", entry=repr(key))) from None


def assess_targets(
    current: Mapping[str, Any],
    targets: Mapping[str, Any],
    *,
    as_of: Any,
    year: int,
    reporting_decimals: Mapping[str, int | None] | None = None,
    remaining_valid_days: int | None = None,
    ceiling_decimals: int | None = None,
    safe_level: Any = PM25_SAFE_LEVEL,
) -> pd.DataFrame:
    """Where a unit stands against each of its targets, and what the rest of the year may bring.

    N for each statistic = days so far with a valid value of it + remaining days (default every
    calendar day after ``as_of``, assumed valid).

    Parameters
    ----------
    current : mapping
        Year-to-date position up to and including ``as_of``: ``valid_days`` (valid daily AQI),
        ``good_days`` (AQI ≤ 100), ``heavy_days`` (AQI > 200) [days]; ``pm25_mean`` (unrounded)
        [µg/m³] and ``pm25_valid_days`` [days] (needed for a ``pm25_mean`` target); ``o3_8h``,
        the daily max-8h O3 values so far [µg/m³] (needed for an ``o3_p90`` target). Other keys
        are ignored (a ``pandas.Series`` works too).
    targets : mapping
        Target key -> value, e.g. ``plan.targets_for(group, year).values()``: ``good_day_ratio``
        [%], ``pm25_mean`` [µg/m³], ``heavy_day_ratio`` [%], ``o3_p90`` [µg/m³], ``good_days``
        [days]. None values are skipped; ``pm10_mean`` / ``composite_index`` raise (no
        allowance rule in standards.md §4).
    as_of : date-like
        Last day included in ``current``; must lie in ``year``.
    year : int
    reporting_decimals : mapping, optional
        Comparison precision per key (None = strict); defaults :data:`DEFAULT_REPORTING_DECIMALS`.
        A plan's ``options.decimals`` may be passed as is (its ``pm10_mean`` and
        ``composite_index`` entries are ignored).
    remaining_valid_days : int, optional
        Remaining valid days assumed for every statistic [days]; default every calendar day
        after ``as_of``.
    ceiling_decimals : int, optional
        Decimals of the published PM2.5 ceiling (see :func:`pm25_ceiling`).
    safe_level : number, default 500
        PM2.5 "safe" level [µg/m³] (see :func:`pm25_ceiling`).

    Returns
    -------
    pandas.DataFrame
        Indexed by target key (index name ``"key"``), in the order of
        :data:`ASSESSABLE_TARGETS`, with columns :data:`ASSESS_COLUMNS`:

        ``target`` exact target (Decimal, or int when whole); ``unit``; ``current`` the
        year-to-date value as float (ratio [%], mean [µg/m³], P90 [µg/m³], good days) — exact
        values are in ``detail``; ``current_published`` the YTD value rounded per GB/T 8170
        (Decimal); ``met_so_far`` whether the YTD (published) value meets the target (None
        with no data yet; for ``good_days``: already reached); ``remaining`` — non-good days
        still affordable (good_day_ratio, good_days), heavy days (heavy_day_ratio), O3
        exceedance days (o3_p90), or the *safe* PM2.5 ceiling for the remaining days (pm25_mean,
        Decimal, the exact ceiling rounded down — never up, so averaging it still meets the
        target; None when no day remains; the exact value is ``detail.ceiling``);
        ``remaining_unit``; ``status`` (see
        :data:`STATUSES`); ``detail`` the allowance object of this module.

    Raises
    ------
    ValueError
        Missing ``current`` keys, inconsistent days, ``as_of`` outside ``year``, unknown or
        unassessable target keys, bad decimals.

    References
    ----------
    .. [1] standards.md §4 (all allowances), §2.6 (P90), §2.7 (published precision), §2.9.
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ValueError(note("error.targets.whole_year", value=repr(year)))
    year = int(year)
    days_in_year(year)
    if not hasattr(current, "keys") or not hasattr(current, "__getitem__"):
        raise ValueError(f"current: expected a mapping, got {type(current).__name__}")
    if not isinstance(targets, Mapping):
        raise ValueError(f"targets: expected a mapping of target key -> value, got {type(targets).__name__}")
    decs = _decimals_map(reporting_decimals, ASSESSABLE_TARGETS)
    _, elapsed, calendar_left = _remaining_calendar_days(as_of, year)
    if remaining_valid_days is None:
        r_days = calendar_left
    else:
        r_days = _count(remaining_valid_days, "remaining_valid_days")
        _not_more(r_days, "remaining_valid_days", calendar_left, note("error.targets.days_after_as_of"))

    wanted = {}
    for key, value in targets.items():
        if value is None:
            continue
        if key in _UNASSESSABLE:
            raise ValueError(note("error.targets.unassessable", entry=repr(key), allowed=list(ASSESSABLE_TARGETS)))
        if key not in ASSESSABLE_TARGETS:
            raise ValueError(note("error.targets.unknown_key", entry=repr(key), allowed=list(ASSESSABLE_TARGETS)))
        wanted[key] = value

    needs_days = any(k in wanted for k in ("good_day_ratio", "heavy_day_ratio", "good_days"))
    if needs_days:
        d, g, h = _check_position(_get(current, "valid_days"), _get(current, "good_days"), _get(current, "heavy_days"))
        _not_more(d, "current['valid_days']", elapsed, note("error.targets.days_to_as_of", elapsed=elapsed))
        n = d + r_days
        if n == 0:
            raise ValueError(note("error.targets.no_day_expected"))

    def show(key: str) -> int:
        return decs[key] if decs.get(key) is not None else DISPLAY_DECIMALS[key]

    rows = {}
    for key in ASSESSABLE_TARGETS:
        if key not in wanted:
            continue
        value = wanted[key]
        if key == "good_day_ratio":
            t = _ratio(value, f"targets[{key!r}]")
            a = good_day_allowance(t, n, d - g, reporting_decimals=decs[key], valid_days_so_far=d)
            cur = None if d == 0 else Fraction(100 * g, d)
            met = None if cur is None else _meets_min(cur, t, decs[key])
            rows[key] = (t, "%", cur, show(key), met, a.remaining_nongood_days, "non-good days", a.status, a)
        elif key == "good_days":
            t = _count(value, f"targets[{key!r}]")
            a = good_days_allowance(t, n, d - g, valid_days_so_far=d)
            rows[key] = (t, "days", Fraction(g), 0, g >= t, a.remaining_nongood_days, "non-good days", a.status, a)
        elif key == "heavy_day_ratio":
            t = _ratio(value, f"targets[{key!r}]")
            a = heavy_day_allowance(t, n, h, reporting_decimals=decs[key], valid_days_so_far=d)
            cur = None if d == 0 else Fraction(100 * h, d)
            met = None if cur is None else _meets_max(cur, t, decs[key])
            rows[key] = (t, "%", cur, show(key), met, a.remaining_heavy_days, "heavy days", a.status, a)
        elif key == "pm25_mean":
            t = _nonneg(value, f"targets[{key!r}]")
            d_pm = _count(_get(current, "pm25_valid_days"), "current['pm25_valid_days']")
            _not_more(d_pm, "current['pm25_valid_days']", elapsed, note("error.targets.days_to_as_of", elapsed=elapsed))
            if d_pm + r_days == 0:
                raise ValueError(note("error.targets.no_pm25_day_expected"))
            a = pm25_ceiling(
                t,
                _get(current, "pm25_mean") if d_pm else None,
                d_pm,
                r_days,
                reporting_decimals=decs[key],
                ceiling_decimals=ceiling_decimals,
                safe_level=safe_level,
            )
            cur = a.mean_so_far if d_pm else None
            met = None if cur is None else _meets_max(cur, t, decs[key])
            rows[key] = (t, "µg/m³", cur, show(key), met, a.safe_ceiling, "µg/m³ (mean of remaining days)", a.status, a)
        elif key == "o3_p90":
            t = _nonneg(value, f"targets[{key!r}]")
            vals = _get(current, "o3_8h")
            if vals is None:
                raise ValueError(note("error.targets.o3_needed"))
            vals = _o3_values(vals)
            _not_more(len(vals), "len(current['o3_8h'])", elapsed, note("error.targets.days_to_as_of", elapsed=elapsed))
            a = o3_p90_allowance(t, len(vals) + r_days, sorted_values=vals, reporting_decimals=decs[key])
            cur = a.p90_so_far
            met = None if cur is None else _meets_max(cur, t, decs[key])
            rows[key] = (t, "µg/m³", cur, show(key), met, a.remaining_exceedances, "O3 exceedance days", a.status, a)

    records = []
    for key, (t, unit, cur, shown, met, remaining, remaining_unit, status, detail) in rows.items():
        records.append(
            {
                "target": _display(t),
                "unit": unit,
                "current": float("nan") if cur is None else float(cur),
                "current_published": _published(cur, shown),
                "met_so_far": met,
                "remaining": remaining,
                "remaining_unit": remaining_unit,
                "status": status,
                "detail": detail,
            }
        )
    index = pd.Index(list(rows), name="key", dtype=object)
    columns = {}
    for col in ASSESS_COLUMNS:
        values = [rec[col] for rec in records]
        # None stays None (not NaN) in the object columns; "current" is a float column.
        columns[col] = pd.Series(values, index=index, dtype=float if col == "current" else object)
    return pd.DataFrame(columns, index=index)


def plain_targets(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`assess_targets` output as plain numbers (float/int/bool/None), for printing and converting.

    Columns ``target``, ``unit``, ``current`` (unrounded), ``current_published``,
    ``met_so_far``, ``remaining`` (days, or the safe PM2.5 ceiling [µg/m³]), ``remaining_unit``,
    ``status``, and ``ceiling_exact`` [µg/m³] / ``ceiling_inclusive`` (PM2.5 rows; None
    elsewhere). The exact values stay in the ``detail`` column of the input.
    """
    def num(v):
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        return int(v) if isinstance(v, (int, np.integer)) and not isinstance(v, bool) else float(v)

    rows = {}
    for key, r in table.iterrows():
        c = r["detail"] if key == "pm25_mean" else None
        rows[key] = {"target": num(r["target"]), "unit": r["unit"], "current": num(r["current"]),
                     "current_published": num(r["current_published"]), "met_so_far": r["met_so_far"],
                     "remaining": num(r["remaining"]), "remaining_unit": r["remaining_unit"], "status": r["status"],
                     "ceiling_exact": None if c is None or c.ceiling is None else float(c.ceiling),
                     "ceiling_inclusive": None if c is None else bool(c.ceiling_inclusive)}
    return pd.DataFrame.from_dict(rows, orient="index").rename_axis("key")
