"""Plan targets: the PM2.5 ceiling of the remaining days (年剩余日控制值) and the O3 P90 allowance.

Targets on concentrations: the PM2.5 mean the remaining days must stay under for the annual mean
to meet its target (:func:`pm25_ceiling`), and how many more days may exceed the limit with the
year's O3 90th percentile still guaranteed under it (:func:`o3_p90_allowance`). Notation (d, m,
R), exactness, the published-value reading (T + 0.5 / T + 0.05, the boundary per GB/T 8170) and
the statuses are those of :mod:`airq.targets_core`.

References
----------
.. [1] standards.md §4 ("Remaining allowance" arithmetic), "PM2.5 annual mean" and "O3 90th percentile".
.. [2] standards.md §2.6 (percentile k = 1 + (n − 1)p, HJ 663 Appendix A).
.. [3] standards.md §2.7 (rounding of published values, GB/T 8170); §2.4 (annual mean = mean of daily means).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any, Iterable

from .notes import note
from .targets_core import (PM25_SAFE_LEVEL, _count, _decimals, _max_threshold, _n_days, _nonneg, _not_more,
                           _o3_values, _published)

__all__ = [
    "PM25Ceiling",
    "O3P90Allowance",
    "pm25_ceiling",
    "o3_p90_allowance",
]


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
