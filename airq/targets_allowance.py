"""Plan targets: the remaining non-good-day and heavy-pollution-day allowances (剩余可超标天数).

Targets on day counts over N valid days: a minimum good-day ratio (:func:`good_day_allowance`) or
number of good days (:func:`good_days_allowance`), and a maximum heavy-pollution ratio
(:func:`heavy_day_allowance`) — the fewest good days G / the most heavy days H that meet the
target, and how many more non-good (AQI > 100) or heavy (AQI > 200) days the year can still
afford. Notation (N, d, E), exactness, the published-value reading and the statuses are those of
:mod:`airq.targets_core`.

References
----------
.. [1] standards.md §4 ("Remaining allowance" arithmetic), "Good-day ratio" and "Heavy-pollution ratio".
.. [2] standards.md §2.7 (rounding of published values, GB/T 8170).
.. [3] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from .targets_core import _count, _decimals, _largest, _n_days, _not_more, _published, _ratio, _round, _smallest

__all__ = [
    "GoodDayAllowance",
    "HeavyDayAllowance",
    "good_day_allowance",
    "good_days_allowance",
    "heavy_day_allowance",
]


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
