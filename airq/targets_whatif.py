"""Plan targets: what-if, the year-end statistics under stated assumptions for the rest of the year.

:func:`whatif` takes the year-to-date position (valid, good and heavy days, the unrounded PM2.5
mean) and assumptions about the remaining days (how many are non-good, heavy or dust-deducted,
and their PM2.5 mean) and gives the year-end good-day ratio, heavy ratio and PM2.5 mean, exact,
with whether each target is met (:class:`WhatIfResult`). What is not assumed is not answered.
Notation, exactness and the published-value reading are those of :mod:`airq.targets_core`; the
wiring from a plan and the store is :mod:`airq.whatif`.

References
----------
.. [1] standards.md §4 (remaining-days arithmetic, unrounded YTD mean, valid days not calendar
   days, dust-deducted days leave the denominator).
.. [2] standards.md §2.7 (rounding of published values, GB/T 8170); §2.4 (annual mean = mean of daily values).
.. [3] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Mapping

import numpy as np

from .notes import note
from .targets_core import (DISPLAY_DECIMALS, _check_position, _count, _decimals_map, _meets_max, _meets_min, _nonneg,
                           _not_more, _published, _ratio, _remaining_calendar_days, days_in_year)

__all__ = [
    "WhatIfResult",
    "whatif",
]


# --------------------------------------------------------------------------- what-if

_WHATIF_TARGETS = ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "good_days")


@dataclass(frozen=True)
class WhatIfResult:
    """Year-end statistics under stated assumptions for the rest of the year.

    Attributes
    ----------
    year : int
    remaining_valid_days : int
        Remaining valid days assumed, before removing dust days [days].
    dust_days : int
        Remaining days assumed dust-deducted (out of every denominator) [days].
    valid_days : int
        Year-end valid days, d + remaining − dust [days].
    good_days, nongood_days, heavy_days : int or None
        Year-end counts [days] (None when not answered: see ``unanswered``).
    good_day_ratio, heavy_day_ratio : Fraction or None
        Year-end ratios, exact [%].
    good_day_ratio_published, heavy_day_ratio_published : Decimal or None
        Rounded per GB/T 8170 at the reporting decimals (1 when the comparison is strict) [%].
    pm25_days : int
        Year-end days in the PM2.5 mean [days].
    pm25_mean : Fraction or None
        Year-end PM2.5 annual mean, exact and unrounded [µg/m³] (None with no PM2.5 day).
    pm25_mean_published : Decimal or None
        Rounded per GB/T 8170 at the reporting decimals (1 when strict) [µg/m³].
    reporting_decimals : mapping
        Comparison precision per key used for ``met``.
    targets : mapping
        Targets judged (exact values).
    met : mapping str -> bool
        For each given target that can be judged, whether the year-end value meets it
        (published-value comparison per ``reporting_decimals``; None there = unrounded).
    unanswered : mapping str -> str
        Year-end indicator -> the assumption it needs (``good_day_ratio`` ->
        ``extra_nongood_days``, ``heavy_day_ratio`` -> ``extra_heavy_days``, ``pm25_mean`` ->
        ``remaining_pm25_mean``); empty when everything was answered.
    """

    year: int
    remaining_valid_days: int
    dust_days: int
    valid_days: int
    good_days: int | None
    nongood_days: int | None
    heavy_days: int | None
    good_day_ratio: Fraction | None
    good_day_ratio_published: Decimal | None
    heavy_day_ratio: Fraction | None
    heavy_day_ratio_published: Decimal | None
    pm25_days: int
    pm25_mean: Fraction | None
    pm25_mean_published: Decimal | None
    reporting_decimals: Mapping[str, int | None] = field(default_factory=dict)
    targets: Mapping[str, Fraction] = field(default_factory=dict)
    met: Mapping[str, bool] = field(default_factory=dict)
    unanswered: Mapping[str, str] = field(default_factory=dict)


def _remaining(year: int, as_of: Any, remaining_valid_days: Any, d: int, d_name: str = "valid_days") -> int:
    if as_of is not None:
        _, elapsed, calendar_left = _remaining_calendar_days(as_of, year)
        _not_more(d, d_name, elapsed, note("error.targets.days_to_as_of", elapsed=elapsed))
    if remaining_valid_days is not None:
        r = _count(remaining_valid_days, "remaining_valid_days")
        if as_of is not None:
            _not_more(r, "remaining_valid_days", calendar_left, note("error.targets.days_after_as_of"))
        elif d + r > days_in_year(year):
            raise ValueError(note("error.targets.year_days", valid=d, remaining=r, total=days_in_year(year), year=year))
        return r
    if as_of is None:
        raise ValueError("remaining_valid_days: give remaining_valid_days or as_of (default = every calendar day after as_of)")
    return calendar_left


def whatif(
    *,
    year: int,
    valid_days: int,
    good_days: int,
    heavy_days: int,
    pm25_mean: Any,
    remaining_pm25_mean: Any = None,
    extra_nongood_days: int | None = None,
    extra_heavy_days: int | None = None,
    dust_days: int = 0,
    remaining_valid_days: int | None = None,
    as_of: Any = None,
    pm25_valid_days: int | None = None,
    targets: Mapping[str, Any] | None = None,
    reporting_decimals: Mapping[str, int | None] | None = None,
) -> WhatIfResult:
    """Year-end good-day ratio, heavy ratio and PM2.5 mean under assumptions for the rest of the year.

    Semantics of the assumptions (all remaining days are valid unless said otherwise):

    * ``remaining_valid_days`` days remain (default: every calendar day after ``as_of``);
    * ``dust_days`` of them are dust-deducted (default 0, i.e. no deduction): they leave every
      denominator — good-day ratio, heavy ratio and PM2.5 mean (the "exclude_days" reading of
      standards.md §2.9); the other assumptions refer to the R' = remaining − dust other days;
    * of those R' days, ``extra_nongood_days`` are non-good (AQI > 100) and the rest good;
      ``extra_heavy_days`` of the non-good ones are heavy (AQI > 200), so
      ``extra_heavy_days <= extra_nongood_days <= R'``;
    * the R' days have a valid PM2.5 value each and average ``remaining_pm25_mean``.

    What is not assumed is not answered, never guessed: without ``extra_nongood_days`` the
    year-end good days and good-day ratio are None, without ``extra_heavy_days`` the heavy days
    and ratio, without ``remaining_pm25_mean`` the PM2.5 mean (when R' > 0); ``unanswered``
    names the assumption each needs, and a target that cannot be judged is left out of ``met``.

    Year-end: valid = d + R', good = good_days + R' − extra_nongood, heavy = heavy_days +
    extra_heavy, PM2.5 mean = (m·d_pm + x·R')/(d_pm + R'), all exact.

    Parameters
    ----------
    year : int
    valid_days : int
        d, valid days so far (valid daily AQI) [days].
    good_days : int
        Good days so far (AQI ≤ 100) [days].
    heavy_days : int
        Heavy days so far (AQI > 200) [days]; ≤ valid_days − good_days.
    pm25_mean : number
        m, **unrounded** mean of the daily PM2.5 values so far [µg/m³] (None allowed when
        ``pm25_valid_days`` is 0).
    remaining_pm25_mean : number, optional
        x, assumed mean of the remaining days [µg/m³].
    extra_nongood_days, extra_heavy_days : int, optional
        See above [days].
    dust_days : int, default 0
        Remaining days assumed dust-deducted [days].
    remaining_valid_days : int, optional
        Remaining valid days [days]; default every calendar day after ``as_of``.
    as_of : date-like, optional
        Last day included in the year-to-date numbers (needed when ``remaining_valid_days`` is
        not given; checked against d).
    pm25_valid_days : int, optional
        Days in the PM2.5 mean so far [days]; default ``valid_days``.
    targets : mapping, optional
        Any of ``good_day_ratio`` [%], ``heavy_day_ratio`` [%], ``pm25_mean`` [µg/m³],
        ``good_days`` [days]; None values are skipped.
    reporting_decimals : mapping, optional
        Comparison precision per key; defaults :data:`DEFAULT_REPORTING_DECIMALS` (good-day
        ratio 1, PM2.5 1, heavy ratio None = strict, matching :func:`heavy_day_allowance`).

    Returns
    -------
    WhatIfResult

    Raises
    ------
    ValueError
        Negative or inconsistent days (extra_heavy > extra_nongood, extra_nongood > R',
        dust_days > remaining, heavy > non-good so far, d beyond ``as_of``), ratio targets
        outside 0..100, unknown target or decimals keys.

    References
    ----------
    .. [1] standards.md §4 (remaining-days arithmetic, unrounded YTD mean, valid days not
       calendar days, dust-deducted days leave the denominator).
    .. [2] standards.md §2.4 (annual mean = mean of daily values), §2.7 (published precision),
       §2.9 (ratios; dust deduction readings).
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)):
        raise ValueError(note("error.targets.whole_year", value=repr(year)))
    year = int(year)
    days_in_year(year)
    d, g, h = _check_position(valid_days, good_days, heavy_days)
    d_pm = d if pm25_valid_days is None else _count(pm25_valid_days, "pm25_valid_days")
    _not_more(d_pm, "pm25_valid_days", days_in_year(year), note("error.targets.days_of_year", year=year))
    rem = _remaining(year, as_of, remaining_valid_days, max(d, d_pm), "valid_days" if d >= d_pm else "pm25_valid_days")
    dust = _count(dust_days, "dust_days")
    _not_more(dust, "dust_days", rem, "remaining_valid_days")
    r_eff = rem - dust
    unanswered = {}
    if extra_nongood_days is None and r_eff > 0:
        unanswered["good_day_ratio"] = "extra_nongood_days"
    if extra_heavy_days is None and r_eff > 0:
        unanswered["heavy_day_ratio"] = "extra_heavy_days"
    if remaining_pm25_mean is None and r_eff > 0:
        unanswered["pm25_mean"] = "remaining_pm25_mean"
    extra_ng = _count(0 if extra_nongood_days is None else extra_nongood_days, "extra_nongood_days")
    extra_h = _count(0 if extra_heavy_days is None else extra_heavy_days, "extra_heavy_days")
    _not_more(extra_ng, "extra_nongood_days", r_eff, note("error.targets.remaining_non_dust"))
    _not_more(extra_h, "extra_heavy_days", r_eff, note("error.targets.remaining_non_dust"))
    if extra_nongood_days is not None:
        _not_more(extra_h, "extra_heavy_days", extra_ng, "extra_nongood_days")
    if d_pm == 0 and (pm25_mean is None or (isinstance(pm25_mean, float) and math.isnan(pm25_mean))):
        m = Fraction(0)
    else:
        m = _nonneg(pm25_mean, "pm25_mean")
    x = Fraction(0) if r_eff == 0 or remaining_pm25_mean is None else _nonneg(remaining_pm25_mean, "remaining_pm25_mean")
    decs = _decimals_map(reporting_decimals, _WHATIF_TARGETS)

    n = d + r_eff
    if n == 0:
        raise ValueError(note("error.targets.no_valid_day"))
    good = None if "good_day_ratio" in unanswered else g + r_eff - extra_ng
    heavy = None if "heavy_day_ratio" in unanswered else h + extra_h
    good_ratio = None if good is None else Fraction(100 * good, n)
    heavy_ratio = None if heavy is None else Fraction(100 * heavy, n)
    if good is not None and heavy is not None and heavy > n - good:
        raise ValueError(note("error.targets.extra_heavy", heavy=extra_h))
    n_pm = d_pm + r_eff
    pm = None if n_pm == 0 or "pm25_mean" in unanswered else (m * d_pm + x * r_eff) / n_pm

    def show(key: str) -> int:
        return decs[key] if decs.get(key) is not None else DISPLAY_DECIMALS[key]

    exact_targets: dict[str, Fraction] = {}
    met: dict[str, bool] = {}
    for key, value in (targets or {}).items():
        if value is None:
            continue
        if key not in _WHATIF_TARGETS:
            raise ValueError(note("error.targets.whatif_key", entry=repr(key), allowed=list(_WHATIF_TARGETS)))
        if unanswered.get("good_day_ratio" if key == "good_days" else key):
            check = {"good_day_ratio": _ratio, "heavy_day_ratio": _ratio, "pm25_mean": _nonneg}.get(key)
            exact_targets[key] = check(value, f"targets[{key!r}]") if check else Fraction(_count(value, f"targets[{key!r}]"))
            continue  # not judged: its assumption was not given (see ``unanswered``)
        if key == "good_day_ratio":
            t = exact_targets[key] = _ratio(value, f"targets[{key!r}]")
            met[key] = _meets_min(good_ratio, t, decs[key])
        elif key == "heavy_day_ratio":
            t = exact_targets[key] = _ratio(value, f"targets[{key!r}]")
            met[key] = _meets_max(heavy_ratio, t, decs[key])
        elif key == "pm25_mean":
            t = exact_targets[key] = _nonneg(value, f"targets[{key!r}]")
            if pm is None:
                raise ValueError(note("error.targets.no_pm25_day"))
            met[key] = _meets_max(pm, t, decs[key])
        else:
            t = exact_targets[key] = Fraction(_count(value, f"targets[{key!r}]"))
            met[key] = good >= t
    return WhatIfResult(
        year=year,
        remaining_valid_days=rem,
        dust_days=dust,
        valid_days=n,
        good_days=good,
        nongood_days=None if good is None else n - good,
        heavy_days=heavy,
        good_day_ratio=good_ratio,
        good_day_ratio_published=_published(good_ratio, show("good_day_ratio")),
        heavy_day_ratio=heavy_ratio,
        heavy_day_ratio_published=_published(heavy_ratio, show("heavy_day_ratio")),
        unanswered=MappingProxyType(unanswered),
        pm25_days=n_pm,
        pm25_mean=pm,
        pm25_mean_published=_published(pm, show("pm25_mean")),
        reporting_decimals=MappingProxyType({k: decs[k] for k in ("good_day_ratio", "heavy_day_ratio", "pm25_mean")}),
        targets=MappingProxyType(exact_targets),
        met=MappingProxyType(met),
    )
