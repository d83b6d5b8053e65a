"""Plan targets, core: the target keys and their reading, exact inputs, N, and many outcomes at once.

What every part of :mod:`airq.targets` shares: the target keys with their default comparison
precision and the allowance statuses; the exact conversion and checking of inputs and the
published-value comparison (GB/T 8170) on exact rationals; N, the valid days expected for the year
(:func:`days_in_year`, :func:`expected_valid_days`); and :func:`meets_target`, the same reading of a
target applied to many simulated year-end outcomes at once (:mod:`airq.forecast`). It works on
plain numbers and imports neither :mod:`airq.stats` nor :mod:`airq.config`.

The underscore helpers (input checks, exact rounding and comparison, the year-to-date position)
are the shared internals of :mod:`airq.targets_allowance`, :mod:`airq.targets_ceiling`,
:mod:`airq.targets_whatif` and :mod:`airq.targets_assess`; nothing outside those modules uses them.

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
.. [1] standards.md §4 ("Remaining allowance" arithmetic): notation of N, effective thresholds.
.. [2] standards.md §2.7 (rounding of published values, GB/T 8170).
.. [3] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

import calendar
import datetime as _dt
import math
import numbers
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
    "PM25_SAFE_LEVEL",
    "days_in_year",
    "expected_valid_days",
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


def _check_position(valid_days, good_days, heavy_days) -> tuple[int, int, int]:
    d = _count(valid_days, "valid_days")
    g = _count(good_days, "good_days")
    h = _count(heavy_days, "heavy_days")
    _not_more(g, "good_days", d, "valid_days")
    if g + h > d:
        raise ValueError(note("error.targets.heavy_nongood", heavy=h, valid=d, good=g, nongood=d - g))
    return d, g, h


def _o3_values(sorted_values: Any) -> list[Fraction]:
    vals = list(sorted_values)
    out = [_nonneg(v, f"sorted_values[{i}]") for i, v in enumerate(vals)]
    return sorted(out)


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
