"""Data quality made visible: suspect hourly values become missing, with a recorded reason.

:func:`check_hourly` takes the canonical hourly table (``station``, ``time`` = hour start,
Beijing time, naive, see :mod:`airq.timeconv`; ``so2, no2, co, o3, pm10, pm25``
[µg/m³; co mg/m³]) and returns a *clean* copy in which every suspect value is NaN, plus a
``flags`` table that records, for each of them, the original value and why it was removed.
The input frame is never modified. :func:`gaps` lists the hours absent for each station and
:func:`quality_summary` condenses both into the per station and month table reports show.

Reasons (the ``reason`` column of ``flags``)
--------------------------------------------
==========================  ==================================================================
reason                      rule (all thresholds are fields of :class:`QualityRules`)
==========================  ==================================================================
``negative``                value < 0 (no tolerance: CNEMC publishes no negative values)
``impossible``              value > ``max_plausible[pollutant]``, see :data:`DEFAULT_MAX_PLAUSIBLE`
``co_unit_slip``            CO that looks like µg/m³: CO > ``co_slip_min`` (50 mg/m³) while the
                            median of the station's other CO values within
                            ±``co_slip_window_hours`` (12 h) is < ``co_slip_context_max``
                            (5 mg/m³) and CO / 1000 is itself plausible (<= ``co_slip_min``).
                            Set to NaN, or to CO / 1000 with ``fix_co_units=True``; flagged
                            either way. Never rescaled silently.
``co_unit_file``            a whole CO series — one station, one file, one month — whose median
                            is outside ``co_median_range`` (0.02 … 20 mg/m³): µg/m³, or mg/m³
                            divided by 1000 once too often. Every value of it set missing (or
                            rescaled with ``fix_co_units=True``), flagged; rule, thresholds and
                            minimum lengths in :mod:`airq.unit_checks`. Hourly and daily.
``duplicate_identical``     a station-hour present in several rows whose six pollutant values
                            are all identical (NaN equal to NaN): the first row is kept, one
                            row-level flag (``column == "*"``) records how many copies there were.
``duplicate_conflict``      a station-hour present in several rows that disagree in a pollutant
                            (a value against a different value or against NaN): that pollutant
                            is set to NaN in the single kept row (the first copy's other columns
                            are kept) and every copy's value is flagged, one flag row per copy,
                            so all the disagreeing values are on record. Pollutants on which
                            the copies agree are kept.
``unknown_station``         ``known_stations`` was given and the station is not in it. The row is
                            **removed** from the clean table (the only removal besides the
                            collapse of duplicates) and recorded by a row-level flag.
``stuck``                   the same value in ``>= stuck_hours[pollutant]`` consecutive hours of
                            one station (an absent hour or a NaN breaks the run), above
                            ``stuck_floor[pollutant]``. The whole run is flagged: the first
                            value may be genuine, but nothing tells which hour the analyser
                            froze in.
==========================  ==================================================================

Order of the checks: unknown stations, duplicates, CO series in the wrong unit, negative, CO
unit slip, impossible, stuck. A value gets at most one reason; a check only sees the values the
earlier checks left. Absent hours are not flags: :func:`gaps` summarises them as runs.

Why the stuck rule has a floor. Hourly values are published as whole µg/m³ (CO to
0.1 mg/m³). At low levels that resolution makes long runs of one value genuine: SO2 at
5 µg/m³ for a whole night at a clean southern station, O3 at 2 µg/m³ under a night-time
inversion, CO at 0.6 mg/m³. Runs at or below the floor (:data:`DEFAULT_STUCK_FLOOR`) are
therefore never flagged; a run of zeros is never flagged. Above the floor, 8 identical hours
(12 for CO, whose resolution is coarser relative to its range) are taken as a frozen analyser.

Why the plausible maxima are generous. A flag turns a value into a missing one, which can
invalidate a day (GB 3095 Table 4, >= 20 hours) and so change an official statistic
(standards.md §2.3). A wrong flag costs more than a missed one, and sand-dust hours with PM10
of several thousand µg/m³ are real data that must be kept (dust deduction is a separate,
documented procedure, standards.md S7). The maxima only catch values no ambient analyser can
report (sentinels, shifted decimals). Change them with ``QualityRules(max_plausible={...})``.

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 and §6.4 (all valid data enter statistics;
   standards.md §2.3).
.. [2] HJ 633—2012 / HJ 633—2026 Table 1 (top breakpoints: NO2 1-h 3840 µg/m³, CO 1-h
   150 mg/m³, O3 1-h 1200 µg/m³; standards.md §1.1).

Layout
------
The code lives in topic modules; every public name is importable from here:

* :mod:`airq.quality_rules` — the columns (:data:`POLLUTANTS`, :data:`UNITS`), the reasons
  (:data:`REASONS` ...), :data:`FLAG_COLUMNS`, the default thresholds and :class:`QualityRules`;
* :mod:`airq.quality_tables` — the table checks shared with :mod:`airq.store` (canonical dtypes,
  errors naming row, column and value) and the rows of the flags table;
* :mod:`airq.quality_hourly` — :func:`check_hourly` (duplicates, CO unit slip, negative,
  impossible, stuck) and :func:`sort_flags`;
* :mod:`airq.quality_daily` — :func:`check_daily`, daily values received as such;
* :mod:`airq.quality_gaps` — :func:`gaps` and :func:`quality_summary`.
"""

from __future__ import annotations

from . import quality_tables as _quality_tables
from .quality_daily import check_daily
from .quality_gaps import gaps, quality_summary
from .quality_hourly import check_hourly, sort_flags
from .quality_rules import (
    DEFAULT_MAX_PLAUSIBLE,
    DEFAULT_STUCK_FLOOR,
    DEFAULT_STUCK_HOURS,
    DUPLICATE_CONFLICT,
    DUPLICATE_IDENTICAL,
    FLAG_COLUMNS,
    IMPOSSIBLE,
    NEGATIVE,
    POLLUTANTS,
    REASONS,
    ROW_LEVEL,
    STUCK,
    UNITS,
    UNKNOWN_STATION,
    QualityRules,
)
from .unit_checks import CO_UNIT_FILE, CO_UNIT_SLIP

# Private, kept here because airq.store imports them from airq.quality.
_canonical = _quality_tables._canonical
_where = _quality_tables._where

__all__ = [
    "POLLUTANTS",
    "UNITS",
    "NEGATIVE",
    "IMPOSSIBLE",
    "CO_UNIT_SLIP",
    "CO_UNIT_FILE",
    "DUPLICATE_IDENTICAL",
    "DUPLICATE_CONFLICT",
    "UNKNOWN_STATION",
    "STUCK",
    "REASONS",
    "ROW_LEVEL",
    "FLAG_COLUMNS",
    "DEFAULT_MAX_PLAUSIBLE",
    "DEFAULT_STUCK_HOURS",
    "DEFAULT_STUCK_FLOOR",
    "QualityRules",
    "check_hourly",
    "sort_flags",
    "gaps",
    "quality_summary",
    "check_daily",
]
