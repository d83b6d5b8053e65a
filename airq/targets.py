"""Plan targets: remaining allowances, PM2.5 ceilings, what-if (剩余可超标天数 / 年剩余日控制值).

Every month an analyst needs, for every county: where it stands against the year's targets, how
many more non-good (or heavy-pollution, or O3-exceedance) days it can still afford, and what
PM2.5 mean the rest of the year must stay under. This module does that arithmetic on plain
numbers (counts and means from :mod:`airq.stats`, targets from :mod:`airq.config`); it imports
neither.

Notation (standards.md §4)
--------------------------
``N``  valid days expected for the whole year: 365/366 minus days already invalid minus
       dust-deducted days where the deduction applies (:func:`expected_valid_days`);
``d``  valid days so far; ``E`` non-good days so far; ``m`` the **unrounded** mean of the daily
       PM2.5 values so far; ``R = N - d`` the remaining days, assumed all valid.

Exactness
---------
Every threshold decision (``ceil(r·N)``, ``floor(h·N)``, "does round₁(G/N·100) ≥ target", "is
the PM2.5 ceiling inclusive") is taken on exact rationals (:class:`fractions.Fraction`,
integers), never on binary floats. Inputs are converted exactly: ints, ``Fraction`` and
``Decimal`` as they are, ``str`` as written, and a ``float`` as the decimal it is written as (its
shortest ``repr``: ``93.8`` means 93.8, not 93.799999…; the same convention as
:mod:`airq.rounding`). A YTD mean computed in float (e.g. 55.028735632183906) is thus taken as
that 17-digit decimal; pass ``Fraction(sum_of_daily_values, d)`` to be exact to the last digit.
Published values are rounded once, from the exact value, with GB/T 8170 (round half to even;
:func:`airq.rounding.round_decimal_string`).

Published-value comparison (``reporting_decimals``)
---------------------------------------------------
A target may be judged on the unrounded statistic (``reporting_decimals=None``, "strict") or on
the published value rounded to ``reporting_decimals`` decimals (standards.md §2.7: ratios and
PM2.5 means are published with one decimal). Defaults:

=====================  ========  =====================================================
statistic              default   reading
=====================  ========  =====================================================
good-day ratio         1         smallest G with round₁(G/N·100) ≥ target (§4)
heavy-pollution ratio  None      H = floor(h·N), as written in §4
PM2.5 annual mean      1         mean ≤ T + 0.05, boundary per GB/T 8170 (§4)
O3 P90                 None      P90 ≤ L on the unrounded percentile (§4)
=====================  ========  =====================================================

The published reading allows a value up to half a reporting unit above a "max" target (and
below a "min" target); at exactly that half, GB/T 8170 rounds to even, so the boundary passes
only when the rounded value is the target itself (``ceiling_inclusive``). Which reading a plan
uses is not stated in standards.md; it is a documented option everywhere.

Status
------
Every allowance carries ``status``:

``"lost"``
    the target cannot be met any more, whatever the remaining days bring;
``"safe"``
    the target is met whatever the remaining days bring (every remaining day non-good / heavy /
    an O3 exceedance; for PM2.5: the remaining days may average up to ``safe_level``,
    default 500 µg/m³, the top of the AQI PM2.5 table);
``"at_risk"``
    neither: the result depends on the remaining days;
``"not_lost"``
    only when ``valid_days_so_far`` was not given, so "safe" cannot be judged.

References
----------
.. [1] standards.md §4 ("Remaining allowance" arithmetic) — the specification of this module.
.. [2] standards.md §2.6 (percentile k = 1 + (n − 1)p, HJ 663 Appendix A).
.. [3] standards.md §2.7 (rounding of published values, GB/T 8170).
.. [4] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
import numbers
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from types import MappingProxyType
from typing import Any, Callable, Iterable, Mapping

import numpy as np
import pandas as pd

from .notes import note
from .rounding import round_decimal_string

__all__ = [
    "STATUSES",
    "DEFAULT_REPORTING_DECIMALS",
    "DISPLAY_DECIMALS",
    "ASSESSABLE_TARGETS",
    "ASSESS_COLUMNS",
    "PM25_SAFE_LEVEL",
    "GoodDayAllowance",
    "HeavyDayAllowance",
    "PM25Ceiling",
    "O3P90Allowance",
    "WhatIfResult",
    "days_in_year",
    "expected_valid_days",
    "good_day_allowance",
    "good_days_allowance",
    "heavy_day_allowance",
    "pm25_ceiling",
    "o3_p90_allowance",
    "whatif",
    "assess_targets",
    "plain_targets",
    "meets_target",
]

#: Possible ``status`` values (see the module docstring).
STATUSES = ("lost", "at_risk", "safe", "not_lost")

#: Default comparison precision per target key (None = strict, unrounded comparison).
DEFAULT_REPORTING_DECIMALS: Mapping[str, int | None] = MappingProxyType(
    {"good_day_ratio": 1, "heavy_day_ratio": None, "pm25_mean": 1, "o3_p90": None}
)
#: Decimals used to *show* a published value when the comparison is strict (standards.md §2.7).
DISPLAY_DECIMALS: Mapping[str, int] = MappingProxyType(
    {"good_day_ratio": 1, "heavy_day_ratio": 1, "pm25_mean": 1, "o3_p90": 0}
)
#: Target keys :func:`assess_targets` can assess, in display order (units in brackets).
ASSESSABLE_TARGETS: Mapping[str, str] = MappingProxyType(
    {"good_day_ratio": "%", "pm25_mean": "µg/m³", "heavy_day_ratio": "%", "o3_p90": "µg/m³", "good_days": "days"}
)
# Target keys a plan may carry (airq.config.TARGET_SPECS) that have no allowance rule in §4.
_UNASSESSABLE = ("pm10_mean", "composite_index")
#: Default ``safe_level`` [µg/m³] of :func:`pm25_ceiling`: the top PM2.5 breakpoint (IAQI 500).
PM25_SAFE_LEVEL = 500


# --------------------------------------------------------------------------- input checks


def _exact(value: Any, name: str) -> Fraction:
    """``value`` as an exact Fraction (a float means its shortest repr)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(note("error.targets.number", name=name, value=repr(value)))
    if isinstance(value, Fraction):
        return value
    if isinstance(value, (int, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(note("error.targets.finite", name=name, value=repr(value)))
        return Fraction(Decimal(repr(f)))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(note("error.targets.finite", name=name, value=repr(value)))
        return Fraction(value)
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise ValueError(note("error.targets.not_number", name=name, value=repr(value))) from None
        if not d.is_finite():
            raise ValueError(note("error.targets.finite", name=name, value=repr(value)))
        return Fraction(d)
    if isinstance(value, numbers.Rational):
        return Fraction(value.numerator, value.denominator)
    raise ValueError(note("error.targets.number_type", name=name, type=type(value).__name__, value=repr(value)))


def _count(value: Any, name: str) -> int:
    """A non-negative whole number of days (an integral float such as 12.0 is accepted)."""
    if isinstance(value, bool) or value is None:
        raise ValueError(note("error.targets.whole_days", name=name, value=repr(value)))
    if isinstance(value, (int, np.integer)):
        n = int(value)
    else:
        try:
            x = _exact(value, name)
        except ValueError:
            raise ValueError(note("error.targets.whole_days", name=name, value=repr(value))) from None
        if x.denominator != 1:
            raise ValueError(note("error.targets.whole_days", name=name, value=repr(value)))
        n = int(x)
    if n < 0:
        raise ValueError(note("error.targets.negative", name=name, value=repr(value)))
    return n


def _ratio(value: Any, name: str) -> Fraction:
    r = _exact(value, name)
    if not 0 <= r <= 100:
        raise ValueError(note("error.targets.ratio", name=name, value=repr(value)))
    return r


def _nonneg(value: Any, name: str) -> Fraction:
    x = _exact(value, name)
    if x < 0:
        raise ValueError(note("error.targets.negative", name=name, value=repr(value)))
    return x


def _decimals(value: Any, name: str = "reporting_decimals") -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or int(value) < 0:
        raise ValueError(note("error.targets.decimals", name=name, value=repr(value)))
    return int(value)


def _n_days(value: Any, name: str = "n_days") -> int:
    n = _count(value, name)
    if n < 1:
        raise ValueError(note("error.targets.n_days", name=name, value=repr(value)))
    return n


def _not_more(small: int, small_name: str, big: int, big_name: str) -> None:
    """``small`` <= ``big``, else a ValueError naming both (``big_name`` an argument or a note: the days of ...)."""
    if small > big:
        raise ValueError(note("error.targets.not_more", small_name=small_name, small=small, big_name=big_name, big=big))


def _round(x: Fraction, decimals: int) -> Fraction:
    """GB/T 8170 rounding of an exact rational (half to even), as a Fraction."""
    return Fraction(round_decimal_string(x, decimals))


def _published(x: Fraction | None, decimals: int) -> Decimal | None:
    return None if x is None else round_decimal_string(x, decimals)


def _display(x: Fraction | int) -> Decimal | Fraction | int:
    """An exact value for display: a Decimal when it has a finite decimal expansion."""
    if isinstance(x, int) or x.denominator == 1:
        return int(x)
    den, twos, fives = x.denominator, 0, 0
    while den % 2 == 0:
        den //= 2
        twos += 1
    while den % 5 == 0:
        den //= 5
        fives += 1
    if den != 1:
        return x
    places = max(twos, fives)
    return Decimal(x.numerator * 10**places // x.denominator).scaleb(-places)


def _smallest(lo: int, hi: int, pred: Callable[[int], bool]) -> int:
    """Smallest i in [lo, hi] with pred(i), pred monotone False -> True; hi if none before."""
    while lo < hi:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _largest(lo: int, hi: int, pred: Callable[[int], bool]) -> int:
    """Largest i in [lo, hi] with pred(i), pred monotone True -> False; lo if none after."""
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if pred(mid):
            lo = mid
        else:
            hi = mid - 1
    return lo


def _meets_min(value: Fraction, target: Fraction, decimals: int | None) -> bool:
    """value (or its published rounding) >= target."""
    return (value if decimals is None else _round(value, decimals)) >= target


def _meets_max(value: Fraction, target: Fraction, decimals: int | None) -> bool:
    """value (or its published rounding) <= target."""
    return (value if decimals is None else _round(value, decimals)) <= target


def _max_threshold(target: Fraction, decimals: int | None) -> tuple[Fraction, bool]:
    """(T_eff, inclusive) for a "max" target: value passes iff value < T_eff, or == T_eff and inclusive.

    Strict: (T, True). Published at D decimals: T' = T on the reporting grid (rounded down),
    T_eff = T' + ½·10^-D; the boundary itself passes iff GB/T 8170 rounds it to a value <= T.
    """
    if decimals is None:
        return target, True
    unit = Fraction(1, 10**decimals)
    grid = math.floor(target / unit) * unit
    t_eff = grid + unit / 2
    return t_eff, _round(t_eff, decimals) <= target


def _date(value: Any, name: str = "as_of") -> _dt.date:
    if isinstance(value, _dt.datetime):
        return value.date()
    if isinstance(value, _dt.date):
        return value
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError):
        raise ValueError(note("error.targets.not_date", name=name, value=repr(value))) from None
    if ts is pd.NaT or pd.isna(ts):
        raise ValueError(note("error.targets.not_date", name=name, value=repr(value)))
    return ts.date()


def _remaining_calendar_days(as_of: Any, year: int) -> tuple[_dt.date, int, int]:
    """(as_of date, calendar days elapsed up to and including as_of, calendar days after it)."""
    day = _date(as_of)
    if day.year != year:
        raise ValueError(note("error.targets.as_of_year", date=day.isoformat(), year=year))
    elapsed = day.timetuple().tm_yday
    return day, elapsed, days_in_year(year) - elapsed


# --------------------------------------------------------------------------- N


def days_in_year(year: int) -> int:
    """Calendar days of a year.

    Parameters
    ----------
    year : int
        Gregorian year (1..9999).

    Returns
    -------
    int
        366 for a leap year, else 365 [days].

    References
    ----------
    .. [1] standards.md §4 (N = 365/366 minus ...), §2.3 (analysers run 365 (366) days).
    """
    if isinstance(year, bool) or not isinstance(year, (int, np.integer)) or not 1 <= int(year) <= 9999:
        raise ValueError(note("error.targets.year_range", value=repr(year)))
    return 366 if calendar.isleap(int(year)) else 365


def expected_valid_days(year: int, *, invalid_so_far: int = 0, dust_days: int = 0) -> int:
    """N, the valid days expected for the whole year.

    ``N = days_in_year(year) - invalid_so_far - dust_days``: every remaining day is assumed
    valid. Denominators differ per statistic: pass as ``invalid_so_far`` the days without a
    valid value *of that statistic* (daily AQI for the ratios, daily PM2.5 for the PM2.5 mean,
    O3 max-8h for the O3 P90), and as ``dust_days`` only the dust-deducted days that leave that
    statistic's denominator under the plan's deduction mode (standards.md §2.9: under the
    "exclude_days" reading dust-caused exceedance days leave the ratio denominators; dust-affected
    PM2.5 values leave the PM2.5 mean).

    Parameters
    ----------
    year : int
        The assessment year.
    invalid_so_far : int, default 0
        Days of the year already without a valid value [days].
    dust_days : int, default 0
        Dust-deducted days leaving the denominator [days].

    Returns
    -------
    int
        N [days], at least 1.

    Raises
    ------
    ValueError
        Negative or non-integral counts, or ``invalid_so_far + dust_days`` leaving no day.

    Examples
    --------
    >>> expected_valid_days(2023), expected_valid_days(2024), expected_valid_days(2023, invalid_so_far=31)
    (365, 366, 334)

    References
    ----------
    .. [1] standards.md §4, notation of N; "forgetting that dust-deducted days leave the
       denominator; assuming all remaining days will be valid".
    .. [2] standards.md §2.9 (denominator = valid days; dust deduction).
    """
    total = days_in_year(year)
    inv = _count(invalid_so_far, "invalid_so_far")
    dust = _count(dust_days, "dust_days")
    if inv + dust >= total:
        raise ValueError(note("error.targets.no_valid_day_left", invalid=inv, dust=dust, year=year, total=total))
    return total - inv - dust


# --------------------------------------------------------------------------- good days


@dataclass(frozen=True)
class GoodDayAllowance:
    """Remaining non-good-day allowance for a good-day target.

    Attributes
    ----------
    target_ratio : Fraction or None
        Target good-day ratio [%] (None for a count target, see ``target_days``).
    target_days : int or None
        Target number of good days [days] (:func:`good_days_allowance`), else None.
    n_days : int
        N, valid days expected for the year [days].
    nongood_so_far : int
        E, non-good days so far (valid days with AQI > 100) [days].
    valid_days_so_far : int or None
        d [days], when given.
    reporting_decimals : int or None
        Precision of the ratio comparison (None = strict).
    min_good_days : int
        G, the fewest good days that meet the target [days].
    allowed_nongood_days : int
        N − G [days]: non-good days the whole year may have.
    remaining_nongood_days : int
        N − G − E [days]: non-good days still affordable; negative = the year is lost.
    remaining_days : int or None
        N − d [days] still to come (None without ``valid_days_so_far``).
    published_ratio_at_min : Decimal or None
        round(G/N·100) [%] at the reporting precision (1 decimal when strict); None for a count.
    status : str
        ``"lost"`` (E > N − G), ``"safe"`` (good days so far d − E ≥ G: even if every remaining
        day is non-good the target holds), ``"at_risk"`` otherwise; ``"not_lost"`` when
        ``valid_days_so_far`` is unknown and the year is not lost.
    """

    target_ratio: Fraction | None
    target_days: int | None
    n_days: int
    nongood_so_far: int
    valid_days_so_far: int | None
    reporting_decimals: int | None
    min_good_days: int
    allowed_nongood_days: int
    remaining_nongood_days: int
    remaining_days: int | None
    published_ratio_at_min: Decimal | None
    status: str


def _good_result(target_ratio, target_days, n, e, d, decimals, g_min, published) -> GoodDayAllowance:
    remaining = n - g_min - e
    if remaining < 0:
        status = "lost"
    elif d is None:
        status = "not_lost"
    elif d - e >= g_min:
        status = "safe"
    else:
        status = "at_risk"
    return GoodDayAllowance(
        target_ratio=target_ratio,
        target_days=target_days,
        n_days=n,
        nongood_so_far=e,
        valid_days_so_far=d,
        reporting_decimals=decimals,
        min_good_days=g_min,
        allowed_nongood_days=n - g_min,
        remaining_nongood_days=remaining,
        remaining_days=None if d is None else n - d,
        published_ratio_at_min=published,
        status=status,
    )


def _check_so_far(n: int, e: int, e_name: str, d: Any) -> int | None:
    _not_more(e, e_name, n, "n_days")
    if d is None:
        return None
    d = _count(d, "valid_days_so_far")
    _not_more(d, "valid_days_so_far", n, "n_days")
    _not_more(e, e_name, d, "valid_days_so_far")
    return d


def good_day_allowance(
    target_ratio: Any,
    n_days: int,
    nongood_so_far: int,
    *,
    reporting_decimals: int | None = 1,
    valid_days_so_far: int | None = None,
) -> GoodDayAllowance:
    """How many more non-good days (AQI > 100) the year can afford under a good-day-ratio target.

    ``G`` is the fewest good days that meet the target over ``N`` valid days:

    * ``reporting_decimals=None`` (strict): ``G = ceil(r·N)``, exactly;
    * ``reporting_decimals=D`` (default 1, the published precision): the smallest G with
      ``round_D(G/N·100) >= target``, rounding the exact rational per GB/T 8170 (half to even:
      a ratio of exactly 81.25 % publishes as 81.2 %, 93.75 % as 93.8 %).

    Then ``allowed = N − G`` and ``remaining = N − G − E``. The published reading can allow one
    more day than the strict one (94.8 % of 365: 346/365 = 94.79… → 94.8 % meets it, while
    ceil(0.948·365) = 347).

    Parameters
    ----------
    target_ratio : number
        Minimum good-day ratio [%], 0..100 (``93.8`` means 93.8 %).
    n_days : int
        N, valid days expected for the year [days] (:func:`expected_valid_days`).
    nongood_so_far : int
        E, valid days so far with AQI > 100 [days].
    reporting_decimals : int or None, default 1
        Decimals of the published ratio the target is compared with; None = strict.
    valid_days_so_far : int, optional
        d [days]; needed to tell "safe" from "at_risk".

    Returns
    -------
    GoodDayAllowance

    Raises
    ------
    ValueError
        Ratio outside 0..100, negative or non-integral days, E > N, d > N, E > d, or a bad
        ``reporting_decimals``.

    Examples
    --------
    >>> good_day_allowance(95, 365, 5).remaining_nongood_days
    13

    References
    ----------
    .. [1] standards.md §4, "Good-day ratio" (G = ceil(r·N); smallest G with
       round₁(G/N·100) ≥ 100r; examples 365 @ 95 % → 18, 334 @ 95 % → 16).
    .. [2] standards.md §2.7 (ratios published with one decimal; GB/T 8170), §2.9 (ratio over
       valid days).
    """
    r = _ratio(target_ratio, "target_ratio")
    n = _n_days(n_days)
    e = _count(nongood_so_far, "nongood_so_far")
    dec = _decimals(reporting_decimals)
    d = _check_so_far(n, e, "nongood_so_far", valid_days_so_far)
    if dec is None:
        g_min = math.ceil(r * n / 100)
    else:
        g_min = _smallest(0, n, lambda g: _round(Fraction(100 * g, n), dec) >= r)
    published = _published(Fraction(100 * g_min, n), 1 if dec is None else dec)
    return _good_result(r, None, n, e, d, dec, g_min, published)


def good_days_allowance(
    target_days: int, n_days: int, nongood_so_far: int, *, valid_days_so_far: int | None = None
) -> GoodDayAllowance:
    """Remaining non-good days under a target *number* of good days (plan key ``good_days``).

    ``G = target_days``; ``remaining = N − G − E`` (negative = lost).

    Parameters
    ----------
    target_days : int
        Minimum number of good days [days].
    n_days : int
        N [days].
    nongood_so_far : int
        E [days].
    valid_days_so_far : int, optional
        d [days]; needed to tell "safe" from "at_risk".

    Returns
    -------
    GoodDayAllowance
        With ``target_ratio=None`` and ``target_days`` set.

    References
    ----------
    .. [1] standards.md §4, "Good-day ratio" (the same count arithmetic with G given).
    """
    g = _count(target_days, "target_days")
    n = _n_days(n_days)
    e = _count(nongood_so_far, "nongood_so_far")
    d = _check_so_far(n, e, "nongood_so_far", valid_days_so_far)
    return _good_result(None, g, n, e, d, None, g, None)


# --------------------------------------------------------------------------- heavy days


@dataclass(frozen=True)
class HeavyDayAllowance:
    """Remaining heavy-pollution-day allowance (AQI > 200).

    Attributes
    ----------
    target_ratio : Fraction
        Maximum heavy-pollution ratio [%].
    n_days : int
        N [days].
    heavy_so_far : int
        Heavy-pollution days so far [days].
    valid_days_so_far : int or None
        d [days], when given.
    reporting_decimals : int or None
        None = cap floor(h·N) (default); D = largest H with round_D(H/N·100) ≤ target.
    cap_days : int
        H, the most heavy days the year may have [days].
    remaining_heavy_days : int
        H − heavy so far [days]; negative = lost.
    remaining_days : int or None
        N − d [days].
    status : str
        ``"lost"`` (heavy so far > H), ``"safe"`` (heavy so far + N − d ≤ H: even if every
        remaining day were heavy), ``"at_risk"``, or ``"not_lost"`` without d.
    """

    target_ratio: Fraction
    n_days: int
    heavy_so_far: int
    valid_days_so_far: int | None
    reporting_decimals: int | None
    cap_days: int
    remaining_heavy_days: int
    remaining_days: int | None
    status: str


def heavy_day_allowance(
    target_ratio: Any,
    n_days: int,
    heavy_so_far: int,
    *,
    reporting_decimals: int | None = None,
    valid_days_so_far: int | None = None,
) -> HeavyDayAllowance:
    """How many more heavy-pollution days (AQI > 200) the year can afford.

    * ``reporting_decimals=None`` (default, as written in standards.md §4): ``H = floor(h·N)``
      exactly (1 % of 365 → 3; a 0.0 % target, as in Guigang's 2023 plan, → 0).
    * ``reporting_decimals=D``: the published reading, the largest H with
      ``round_D(H/N·100) <= target`` (GB/T 8170). For 1 % and 324 ≤ N ≤ 366 both readings agree;
      they can differ for other targets or small N (1 % of 290: floor → 2, but
      3/290 = 1.03 % publishes as 1.0 % → 3).

    ``remaining = H − heavy_so_far``.

    Parameters
    ----------
    target_ratio : number
        Maximum heavy-pollution ratio [%], 0..100.
    n_days : int
        N [days].
    heavy_so_far : int
        Valid days so far with AQI > 200 [days].
    reporting_decimals : int or None, default None
        See above.
    valid_days_so_far : int, optional
        d [days]; needed to tell "safe" from "at_risk".

    Returns
    -------
    HeavyDayAllowance

    Raises
    ------
    ValueError
        Ratio outside 0..100, negative days, heavy so far > N (or > d), d > N, bad decimals.

    References
    ----------
    .. [1] standards.md §4, "Heavy-pollution ratio" (H = floor(h·N); ≤ 1 % of 365 → 3) and the
       威县 bulletin (12 heavy days so far, "7 more" → cap 19).
    .. [2] standards.md §2.9 (heavy ratio = days AQI > 200 / valid days), §2.7 (ratios to 0.1 %).
    """
    h = _ratio(target_ratio, "target_ratio")
    n = _n_days(n_days)
    k = _count(heavy_so_far, "heavy_so_far")
    dec = _decimals(reporting_decimals)
    d = _check_so_far(n, k, "heavy_so_far", valid_days_so_far)
    if dec is None:
        cap = math.floor(h * n / 100)
    else:
        cap = _largest(0, n, lambda x: _round(Fraction(100 * x, n), dec) <= h)
    remaining = cap - k
    if remaining < 0:
        status = "lost"
    elif d is None:
        status = "not_lost"
    elif k + (n - d) <= cap:
        status = "safe"
    else:
        status = "at_risk"
    return HeavyDayAllowance(
        target_ratio=h,
        n_days=n,
        heavy_so_far=k,
        valid_days_so_far=d,
        reporting_decimals=dec,
        cap_days=cap,
        remaining_heavy_days=remaining,
        remaining_days=None if d is None else n - d,
        status=status,
    )


# --------------------------------------------------------------------------- PM2.5


@dataclass(frozen=True)
class PM25Ceiling:
    """The PM2.5 mean the remaining days must stay under (年剩余日控制值).

    Attributes
    ----------
    target : Fraction
        T, maximum annual mean [µg/m³].
    reporting_decimals : int or None
        Precision of the published annual mean compared with T (None = strict).
    effective_threshold : Fraction
        T_eff [µg/m³]: T (strict), T + 0.5 (integer reporting), T + 0.05 (one decimal); a
        target finer than the reporting grid is first rounded down onto it.
    ceiling_inclusive : bool
        Whether an annual mean of exactly T_eff passes (always True when strict; otherwise True
        only if GB/T 8170 rounds T_eff to T, i.e. the last reported digit of T is even).
    mean_so_far : Fraction
        m, unrounded mean of the daily values so far [µg/m³].
    valid_days_so_far : int
        d [days].
    remaining_days : int
        R [days], assumed all valid.
    ceiling : Fraction or None
        x_max = (T_eff·(d + R) − m·d)/R [µg/m³], exact: the remaining days must average
        ``< ceiling`` (``<=`` when ``ceiling_inclusive``). None when R = 0.
    ceiling_decimals : int
        Decimals of the two published ceilings.
    published_ceiling : Decimal or None
        ``ceiling`` rounded per GB/T 8170, as bulletins print the control value. It may lie
        above ``ceiling`` (55.67 → 56): averaging exactly it can then miss the target.
    safe_ceiling : Decimal or None
        The largest value at ``ceiling_decimals`` that still meets the target if the remaining
        days average exactly it (``ceiling`` rounded down; 55.67 → 55).
    safe_level : Fraction
        Remaining-days mean [µg/m³] beyond which the year counts as "safe".
    status : str
        ``"lost"``: no non-negative remaining mean meets the target (ceiling < 0, or = 0 and
        not inclusive); ``"safe"``: the remaining days may average ``safe_level`` (default
        500 µg/m³) and the target still holds; ``"at_risk"`` otherwise. With R = 0 the year is
        over: ``"safe"`` if the mean so far meets the target, else ``"lost"``.
    """

    target: Fraction
    reporting_decimals: int | None
    effective_threshold: Fraction
    ceiling_inclusive: bool
    mean_so_far: Fraction
    valid_days_so_far: int
    remaining_days: int
    ceiling: Fraction | None
    ceiling_decimals: int
    published_ceiling: Decimal | None
    safe_ceiling: Decimal | None
    safe_level: Fraction
    status: str


def pm25_ceiling(
    target: Any,
    mean_so_far: Any,
    valid_days_so_far: int,
    remaining_days: int,
    *,
    reporting_decimals: int | None = 1,
    ceiling_decimals: int | None = None,
    safe_level: Any = PM25_SAFE_LEVEL,
) -> PM25Ceiling:
    """The PM2.5 mean the remaining days must stay under for the annual target to hold.

    The annual mean is the mean of the valid daily values, so with d days so far at the
    **unrounded** mean m and R remaining (valid) days at mean x it is (m·d + x·R)/(d + R), and
    the target holds iff x ≤ x_max = (T_eff·(d + R) − m·d)/R (strictly below when the boundary
    does not pass; see ``ceiling_inclusive``).

    ``reporting_decimals`` fixes T_eff: None → T (strict: the annual mean itself ≤ T); 0 → T + 0.5
    (integer publication); 1 (default) → T + 0.05 (one-decimal publication, standards.md §2.7).
    An annual mean of exactly T_eff rounds half to even, so it passes only when that lands on T:
    T = 30, D = 1 → 30.05 publishes as 30.0 (passes); T = 30.9 → 30.95 publishes as 31.0 (fails).

    The bulletin's "year remaining-day control value" (威县 2020) is computed with T itself:
    reproduce it with ``reporting_decimals=None, ceiling_decimals=0``.

    Parameters
    ----------
    target : number
        T, the maximum annual mean [µg/m³].
    mean_so_far : number
        m, the **unrounded** mean of the daily PM2.5 values so far [µg/m³] (ignored when d = 0;
        may then be None).
    valid_days_so_far : int
        d, days with a valid daily PM2.5 value so far [days].
    remaining_days : int
        R, days still to come, assumed valid [days].
    reporting_decimals : int or None, default 1
        Precision of the published annual mean compared with T.
    ceiling_decimals : int, optional
        Decimals of ``published_ceiling`` / ``safe_ceiling``; default ``reporting_decimals``,
        or 1 (the PM2.5 publication precision) when that is None.
    safe_level : number, default 500
        [µg/m³]; "safe" when the remaining days could average this much and still meet T.
        500 is the highest PM2.5 breakpoint of the AQI table (standards.md §1.1).

    Returns
    -------
    PM25Ceiling

    Raises
    ------
    ValueError
        Negative target, mean or days, d + R = 0, bad decimals or ``safe_level``.

    Examples
    --------
    >>> c = pm25_ceiling(57, 58, 209, 157, reporting_decimals=None, ceiling_decimals=0)
    >>> c.ceiling, c.published_ceiling
    (Fraction(8740, 157), Decimal('56'))

    References
    ----------
    .. [1] standards.md §4, "PM2.5 annual mean" (x ≤ (T_eff·(d + R) − m·d)/R; T + 0.5 / T + 0.05
       and the round-half-to-even caveat; example target 30, d = 200, m = 31.0, R = 165; the
       威县 bulletin 56 / 95 with the unrounded YTD mean).
    .. [2] standards.md §2.4 (annual mean = mean of daily means), §2.7 (one-decimal PM2.5).
    """
    t = _nonneg(target, "target")
    d = _count(valid_days_so_far, "valid_days_so_far")
    r_days = _count(remaining_days, "remaining_days")
    if d + r_days == 0:
        raise ValueError(note("error.targets.no_days"))
    if d == 0 and (mean_so_far is None or (isinstance(mean_so_far, float) and math.isnan(mean_so_far))):
        m = Fraction(0)
    else:
        m = _nonneg(mean_so_far, "mean_so_far")
    dec = _decimals(reporting_decimals)
    cdec = _decimals(ceiling_decimals, "ceiling_decimals")
    if cdec is None:
        cdec = 1 if dec is None else dec
    safe = _nonneg(safe_level, "safe_level")
    t_eff, inclusive = _max_threshold(t, dec)

    def passes(x: Fraction) -> bool:
        return x < t_eff or (x == t_eff and inclusive)

    if r_days == 0:
        ceiling = published = safe_ceiling = None
        status = "safe" if passes(m) else "lost"
    else:
        ceiling = (t_eff * (d + r_days) - m * d) / r_days
        published = _published(ceiling, cdec)
        unit = Fraction(1, 10**cdec)
        floor = math.floor(ceiling / unit) * unit
        if floor == ceiling and not inclusive:
            floor -= unit
        safe_ceiling = _published(floor, cdec)
        if ceiling < 0 or (ceiling == 0 and not inclusive):
            status = "lost"
        elif safe < ceiling or (safe == ceiling and inclusive):
            status = "safe"
        else:
            status = "at_risk"
    return PM25Ceiling(
        target=t,
        reporting_decimals=dec,
        effective_threshold=t_eff,
        ceiling_inclusive=inclusive,
        mean_so_far=m,
        valid_days_so_far=d,
        remaining_days=r_days,
        ceiling=ceiling,
        ceiling_decimals=cdec,
        published_ceiling=published,
        safe_ceiling=safe_ceiling,
        safe_level=safe,
        status=status,
    )


# --------------------------------------------------------------------------- O3 P90


def _percentile(values: list[Fraction], p: Fraction) -> Fraction:
    """HJ 663 Appendix A percentile of ascending values: k = 1 + (n − 1)p, linear between ranks."""
    n = len(values)
    k = 1 + (n - 1) * p
    s = math.floor(k)
    if s >= n:
        return values[-1]
    return values[s - 1] + (values[s] - values[s - 1]) * (k - s)


def _o3_values(sorted_values: Any) -> list[Fraction]:
    vals = list(sorted_values)
    out = [_nonneg(v, f"sorted_values[{i}]") for i, v in enumerate(vals)]
    return sorted(out)


@dataclass(frozen=True)
class O3P90Allowance:
    """Remaining O3 exceedance days under a P90 target.

    Attributes
    ----------
    limit : Fraction
        L, the target for the 90th percentile of daily max-8h O3 [µg/m³].
    n_days : int
        n, valid O3 days expected for the year [days].
    reporting_decimals : int or None
        None (default): P90 ≤ L; D: the published P90 (D decimals) ≤ L.
    threshold : Fraction
        A day "exceeds" when its value is above this [µg/m³] (L strict; L + ½·10^-D published).
    threshold_inclusive : bool
        Whether a value exactly at ``threshold`` does not count as an exceedance.
    k : Fraction
        1 + 0.9(n − 1).
    s : int
        floor(k).
    fraction : Fraction
        k − s, the interpolation weight of X(s+1).
    max_exceedances : int
        Exceedance days that still guarantee P90 ≤ L: n − s − 1 (n − s when k is a whole number,
        then P90 = X(s) exactly) [days]. n = 365 → 36, n = 366 → 36.
    exceed_so_far : int
        Exceedance days so far [days].
    remaining_exceedances : int
        max_exceedances − exceed_so_far [days].
    one_more_may_pass : bool
        True when k is not whole: with exactly n − s exceedances the target still holds iff
        (1 − f)·X(s) + f·X(s+1) ≤ L (X(s) the largest non-exceeding value of the year, X(s+1) the
        smallest exceedance, f = ``fraction``) — it depends on X(s).
    valid_days_so_far : int or None
        d [days] (from ``sorted_values`` when given).
    p90_so_far : Fraction or None
        P90 of the values so far [µg/m³] (HJ 663 Appendix A), when ``sorted_values`` is given.
    max_nonexceeding_so_far : Fraction or None
        Largest value so far that does not exceed, a lower bound of the year's X(s).
    status : str
        ``"lost"`` (more than n − s exceedances: X(s) > L), ``"safe"`` (exceed so far + remaining
        days ≤ max_exceedances), ``"at_risk"`` (including exactly n − s exceedances, where
        ``remaining_exceedances`` is −1 but the year may still pass), ``"not_lost"`` without d.
    """

    limit: Fraction
    n_days: int
    reporting_decimals: int | None
    threshold: Fraction
    threshold_inclusive: bool
    k: Fraction
    s: int
    fraction: Fraction
    max_exceedances: int
    exceed_so_far: int
    remaining_exceedances: int
    one_more_may_pass: bool
    valid_days_so_far: int | None
    p90_so_far: Fraction | None
    max_nonexceeding_so_far: Fraction | None
    status: str


def o3_p90_allowance(
    limit: Any,
    n_days: int,
    *,
    exceed_so_far: int | None = None,
    sorted_values: Iterable[Any] | None = None,
    valid_days_so_far: int | None = None,
    reporting_decimals: int | None = None,
) -> O3P90Allowance:
    """How many more days may exceed L with the year's O3 P90 still guaranteed ≤ L.

    With n valid days, k = 1 + 0.9(n − 1), s = floor(k), P90 = X(s) + (X(s+1) − X(s))(k − s)
    (standards.md §2.6). P90 ≤ L is guaranteed while X(s+1) ≤ L, i.e. while at most n − s − 1
    days exceed L (n = 365: k = 328.6, s = 328 → 36; n = 366: k = 329.5 → 36). When k is a whole
    number (n = 361, 351, …) P90 = X(s) and n − s exceedances are still guaranteed — one more
    than the §4 formula, which is written for non-whole k. With exactly n − s exceedances and
    non-whole k the year may still pass, depending on X(s) (``one_more_may_pass``).

    Parameters
    ----------
    limit : number
        L [µg/m³] (e.g. 160, or a plan's ``o3_p90`` target).
    n_days : int
        n, valid O3 days expected for the year [days].
    exceed_so_far : int, optional
        Days so far with daily max-8h O3 above the threshold [days]. Counted from
        ``sorted_values`` when not given; both given must agree.
    sorted_values : iterable of numbers, optional
        The daily max-8h O3 values so far [µg/m³] (sorted internally; NaN not allowed — pass
        valid days only). Gives ``p90_so_far`` and d.
    valid_days_so_far : int, optional
        d [days] (= len(sorted_values) when those are given).
    reporting_decimals : int or None, default None
        None: the unrounded P90 is compared with L (as in §4). D: the P90 published with D
        decimals is compared with L, so a day counts as exceeding only above L + ½·10^-D (at
        exactly that value per GB/T 8170 half to even).

    Returns
    -------
    O3P90Allowance

    Raises
    ------
    ValueError
        Negative or non-integral days, exceedances > n, d > n, neither ``exceed_so_far`` nor
        ``sorted_values`` given, or the two disagree.

    References
    ----------
    .. [1] standards.md §4, "O3 90th percentile" (at most n − s − 1 exceedances; 365 → 36,
       366 → 36; "a 37th exceedance may still pass, depending on X(s)").
    .. [2] standards.md §2.6 (percentile definition, HJ 663 Appendix A), §2.7.
    """
    lim = _nonneg(limit, "limit")
    n = _n_days(n_days)
    dec = _decimals(reporting_decimals)
    threshold, inclusive = _max_threshold(lim, dec)

    def exceeds(v: Fraction) -> bool:
        return v > threshold or (v == threshold and not inclusive)

    values = None
    p90 = max_ok = None
    d = None if valid_days_so_far is None else _count(valid_days_so_far, "valid_days_so_far")
    if sorted_values is not None:
        values = _o3_values(sorted_values)
        if d is not None and d != len(values):
            raise ValueError(note("error.targets.o3_length", valid=d, length=len(values)))
        d = len(values)
        counted = sum(1 for v in values if exceeds(v))
        if exceed_so_far is not None and _count(exceed_so_far, "exceed_so_far") != counted:
            raise ValueError(note("error.targets.o3_count", given=repr(exceed_so_far), counted=counted, threshold=threshold))
        exceed_so_far = counted
        if values:
            p90 = _percentile(values, Fraction(9, 10))
        ok = [v for v in values if not exceeds(v)]
        max_ok = ok[-1] if ok else None
    if exceed_so_far is None:
        raise ValueError("exceed_so_far: give exceed_so_far or sorted_values")
    x = _count(exceed_so_far, "exceed_so_far")
    _not_more(x, "exceed_so_far", n, "n_days")
    if d is not None:
        _not_more(d, "valid_days_so_far", n, "n_days")
        _not_more(x, "exceed_so_far", d, "valid_days_so_far")
    k = 1 + Fraction(9, 10) * (n - 1)
    s = math.floor(k)
    frac = k - s
    max_x = n - s - 1 if frac else n - s
    if x > n - s:
        status = "lost"
    elif d is None:
        status = "not_lost"
    elif x + (n - d) <= max_x:
        status = "safe"
    else:
        status = "at_risk"
    return O3P90Allowance(
        limit=lim,
        n_days=n,
        reporting_decimals=dec,
        threshold=threshold,
        threshold_inclusive=inclusive,
        k=k,
        s=s,
        fraction=frac,
        max_exceedances=max_x,
        exceed_so_far=x,
        remaining_exceedances=max_x - x,
        one_more_may_pass=frac != 0,
        valid_days_so_far=d,
        p90_so_far=p90,
        max_nonexceeding_so_far=max_ok,
        status=status,
    )


# --------------------------------------------------------------------------- what-if

_WHATIF_TARGETS = ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "good_days")


def _decimals_map(reporting_decimals: Mapping[str, Any] | None, allowed: Iterable[str]) -> dict[str, int | None]:
    out = dict(DEFAULT_REPORTING_DECIMALS)
    if reporting_decimals is None:
        return out
    if not isinstance(reporting_decimals, Mapping):
        raise ValueError(f"reporting_decimals: expected a mapping of target key -> decimals, got {reporting_decimals!r}")
    allowed = tuple(allowed)
    for key, value in reporting_decimals.items():
        if key in _UNASSESSABLE:  # a plan's options.decimals may carry them; nothing here uses them
            continue
        if key not in allowed:
            raise ValueError(note("error.targets.decimals_key", entry=repr(key), allowed=list(allowed)))
        out[key] = _decimals(value, f"reporting_decimals[{key!r}]")
    return out


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


def _check_position(valid_days, good_days, heavy_days) -> tuple[int, int, int]:
    d = _count(valid_days, "valid_days")
    g = _count(good_days, "good_days")
    h = _count(heavy_days, "heavy_days")
    _not_more(g, "good_days", d, "valid_days")
    if g + h > d:
        raise ValueError(note("error.targets.heavy_nongood", heavy=h, valid=d, good=g, nongood=d - g))
    return d, g, h


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


# --------------------------------------------------------------------------- many outcomes at once

#: Target keys judged "at least" (the others are "at most").
_MIN_KEYS = ("good_day_ratio", "good_days")
_RATIO_KEYS = {"good_day_ratio": True, "heavy_day_ratio": False}


def meets_target(key: str, target: Any, *, value=None, days=None, valid_days=None, decimals: Any = "default") -> np.ndarray:
    """Whether each of many year-end outcomes meets a target, with this module's semantics.

    For simulated years (:mod:`airq.forecast`): the same reading of a target as
    :func:`assess_targets` — the good-day and heavy ratios judged on exact day counts, the
    published value rounded per GB/T 8170 where the key's comparison is "published"
    (:data:`DEFAULT_REPORTING_DECIMALS`: good-day ratio and PM2.5 mean at 1 decimal, so a
    PM2.5 target of 30.9 passes up to 30.95, the boundary itself as GB/T 8170 rounds it).

    Parameters
    ----------
    key : str
        ``good_day_ratio`` [%] or ``heavy_day_ratio`` [%] (give ``days`` and ``valid_days``);
        ``good_days`` [days] (give ``days``); ``pm25_mean``, ``pm10_mean`` [µg/m³],
        ``o3_p90`` [µg/m³], ``composite_index`` (give ``value``).
    target : number, str, Decimal
        The target as the plan writes it (taken as that decimal).
    value : array of float, optional
        The statistic; NaN never meets a target.
    days, valid_days : array of int, optional
        Counts for the ratio keys (good or heavy days, valid days).
    decimals : int, None or "default"
        Comparison precision; ``"default"``: :data:`DEFAULT_REPORTING_DECIMALS` (``None`` =
        strict) for the keys it lists, strict for the others.

    Returns
    -------
    numpy.ndarray of bool

    References
    ----------
    .. [1] standards.md §4 (effective threshold), §2.7 (published precision), §2.9 (ratios).
    """
    t = _exact(target, "target")
    if decimals == "default":
        decimals = DEFAULT_REPORTING_DECIMALS.get(key)
    dec = _decimals(decimals) if decimals is not None else None
    if key in _RATIO_KEYS:
        if days is None or valid_days is None:
            raise ValueError(f"meets_target({key!r}) needs days= and valid_days=")
        d = np.asarray(days, dtype=np.int64)
        n = np.asarray(valid_days, dtype=np.int64)
        d, n = np.broadcast_arrays(d, n)
        pairs, inverse = np.unique(np.stack([d.ravel(), n.ravel()]), axis=1, return_inverse=True)
        judge = _meets_min if _RATIO_KEYS[key] else _meets_max
        ok = np.array([n_ > 0 and judge(Fraction(100 * int(d_), int(n_)), t, dec) for d_, n_ in pairs.T], dtype=bool)
        return ok[inverse.ravel()].reshape(d.shape)
    if key == "good_days":
        return np.asarray(days) >= t
    if value is None:
        raise ValueError(f"meets_target({key!r}) needs value=")
    v = np.asarray(value, dtype=float)
    if key in _MIN_KEYS:
        raise ValueError(f"meets_target: {key!r} is judged on counts")
    t_eff, inclusive = _max_threshold(t, dec)
    with np.errstate(invalid="ignore"):
        below = v < float(t_eff)
        at = v == float(t_eff)
    return below | (at & inclusive)
