"""Periods of the period statistics: period texts, and the periods compared with.

:func:`parse_period` reads ``"2023"``, ``"2023-03"``, ``"2023-Q1"``, ``"2023-H1"``, a day or an
inclusive range; :func:`same_period_last_year` and :func:`previous_period` give the comparison
period (同比) of :func:`airq.stats.compare_periods`. ``_ts`` and ``_resolve_period`` are the date and
``start=/end=/period=`` checks shared by the other ``airq.stats_*`` modules.

Part of :mod:`airq.stats` (which re-exports the public names).
"""

from __future__ import annotations

import calendar
import re

import pandas as pd

from .notes import note

__all__ = ["parse_period", "same_period_last_year", "previous_period"]


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
