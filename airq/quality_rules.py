"""The vocabulary and thresholds of the data-quality checks: columns, reasons, :class:`QualityRules`.

Part of :mod:`airq.quality` (which re-exports the public names): the pollutant columns of the
canonical hourly table and their units, the flag reasons (:data:`REASONS`, in the order the checks
run) and the columns of the flags table, the default thresholds (:data:`DEFAULT_MAX_PLAUSIBLE`,
:data:`DEFAULT_STUCK_HOURS`, :data:`DEFAULT_STUCK_FLOOR`) and :class:`QualityRules`, which
carries them into the checks. The rule each reason stands for, and why the defaults are what they
are (the floor of the stuck rule, the generous plausible maxima), are in the docstring of
:mod:`airq.quality`. The reasons ``co_unit_slip`` and ``co_unit_file`` and the CO median range
come from :mod:`airq.unit_checks`, the CO unit-slip threshold from :mod:`airq.units`.

References
----------
.. [1] GB 3095—2012 / GB 3095—2026 Table 4 and §6.4 (all valid data enter statistics;
   standards.md §2.3).
.. [2] HJ 633—2012 / HJ 633—2026 Table 1 (top breakpoints: NO2 1-h 3840 µg/m³, CO 1-h
   150 mg/m³, O3 1-h 1200 µg/m³; standards.md §1.1).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Mapping

import numpy as np

from .unit_checks import CO_MEDIAN_RANGE, CO_UNIT_FILE, CO_UNIT_SLIP
from .units import CO_UG_THRESHOLD

__all__ = [
    "POLLUTANTS",
    "UNITS",
    "NEGATIVE",
    "IMPOSSIBLE",
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
]

#: Pollutant columns of the canonical hourly table.
POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")
#: Unit of each pollutant column.
UNITS = MappingProxyType({"so2": "µg/m³", "no2": "µg/m³", "co": "mg/m³", "o3": "µg/m³", "pm10": "µg/m³", "pm25": "µg/m³"})

#: Reason: value below zero.
NEGATIVE = "negative"
#: Reason: value above the plausible physical maximum of its pollutant.
IMPOSSIBLE = "impossible"
# Reasons CO_UNIT_SLIP (one CO value apparently in µg/m³ instead of mg/m³) and CO_UNIT_FILE (a
# whole station-file-month series of CO in the wrong unit) are defined in airq.unit_checks.
#: Reason: several identical rows for one station-hour (one kept; row-level flag).
DUPLICATE_IDENTICAL = "duplicate_identical"
#: Reason: several rows for one station-hour disagreeing in this pollutant (value set to NaN).
DUPLICATE_CONFLICT = "duplicate_conflict"
#: Reason: station not in ``known_stations`` (row removed; row-level flag).
UNKNOWN_STATION = "unknown_station"
#: Reason: the same value repeated over too many consecutive hours.
STUCK = "stuck"
#: All reasons, in the order the checks run.
REASONS = (UNKNOWN_STATION, DUPLICATE_IDENTICAL, DUPLICATE_CONFLICT, CO_UNIT_FILE, NEGATIVE, CO_UNIT_SLIP, IMPOSSIBLE, STUCK)
#: Reasons whose flags concern a whole row: ``column == "*"`` and ``value`` is NaN.
ROW_LEVEL = (UNKNOWN_STATION, DUPLICATE_IDENTICAL)
#: Columns of the flags table.
FLAG_COLUMNS = ("station", "time", "column", "value", "reason", "detail")

#: Plausible maxima [µg/m³; co mg/m³]; values above are flagged ``impossible``.
#: so2 10000 (a few thousand µg/m³ have been measured near coal burning; 10 mg/m³ is beyond any
#: ambient record); no2 4000 (above the top of the HJ 633 1-h scale, 3840); co 150 mg/m³ (top
#: of the HJ 633 1-h scale; ambient hourly CO stays far below); o3 1200 (top of the HJ 633 1-h
#: scale); pm10 10000 (10 mg/m³, the usual upper range of beta-attenuation monitors; sand-dust
#: hours reach several thousand µg/m³ and must stay); pm25 5000 (dust hours also raise PM2.5
#: to thousands).
DEFAULT_MAX_PLAUSIBLE = MappingProxyType({"so2": 10000.0, "no2": 4000.0, "co": 150.0, "o3": 1200.0, "pm10": 10000.0, "pm25": 5000.0})
#: Minimum run length [h] of identical consecutive values flagged ``stuck``.
DEFAULT_STUCK_HOURS = MappingProxyType({"so2": 8, "no2": 8, "co": 12, "o3": 8, "pm10": 8, "pm25": 8})
#: Runs of values at or below these levels [µg/m³; co mg/m³] are never flagged ``stuck``.
DEFAULT_STUCK_FLOOR = MappingProxyType({"so2": 10.0, "no2": 10.0, "co": 1.0, "o3": 10.0, "pm10": 10.0, "pm25": 10.0})

_HOUR = np.timedelta64(3600 * 10**9, "ns")


def _merge_map(name: str, given, default: Mapping, cast) -> MappingProxyType:
    if given is None:
        return MappingProxyType(dict(default))
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        return MappingProxyType({p: cast(given) for p in default})
    if not isinstance(given, Mapping):
        raise TypeError(f"QualityRules.{name} must be a mapping pollutant -> value or a number, not {type(given).__name__}")
    unknown = sorted(set(given) - set(default))
    if unknown:
        raise ValueError(f"QualityRules.{name}: unknown pollutant(s) {unknown}; known: {list(default)}")
    out = dict(default)
    for k, v in given.items():
        try:
            v = cast(v)
        except (TypeError, ValueError):
            raise ValueError(f"QualityRules.{name}[{k!r}] = {v!r} is not a number") from None
        if not v >= 0:
            raise ValueError(f"QualityRules.{name}[{k!r}] = {v!r} must be >= 0")
        out[k] = v
    return MappingProxyType(out)


@dataclass(frozen=True)
class QualityRules:
    """Thresholds of :func:`airq.quality.check_hourly` (defaults documented in the docstring of
    :mod:`airq.quality`).

    Mappings may be partial: ``QualityRules(max_plausible={"pm10": 20000})`` changes PM10 and
    keeps the other defaults. A single number applies to every pollutant.

    Attributes
    ----------
    max_plausible : mapping pollutant -> float
        Above this a value is ``impossible`` [µg/m³; co mg/m³].
    stuck_hours : mapping pollutant -> int
        Run length [h] from which identical consecutive values are ``stuck``.
    stuck_floor : mapping pollutant -> float
        Runs at or below this value are never ``stuck`` [µg/m³; co mg/m³].
    co_slip_min : float
        CO above this is a unit-slip candidate [mg/m³]. Default 50,
        :data:`airq.units.CO_UG_THRESHOLD` (the AQI functions warn from the same value).
    co_slip_context_max : float
        The candidate is a slip when the median of the station's other CO values around it is
        below this [mg/m³]. Default 5.
    co_slip_window_hours : int
        Half-width of the neighbourhood [h]. Default 12 (±12 h).
    co_median_range : (float, float)
        Plausible median [mg/m³] of a station's CO over a file and month; a series outside it is
        ``co_unit_file``. Default :data:`airq.unit_checks.CO_MEDIAN_RANGE` (0.02, 20).
    """

    max_plausible: Mapping = None
    stuck_hours: Mapping = None
    stuck_floor: Mapping = None
    co_slip_min: float = CO_UG_THRESHOLD  # shared with airq.aqi's warning (airq.units)
    co_slip_context_max: float = 5.0
    co_slip_window_hours: int = 12
    co_median_range: tuple = CO_MEDIAN_RANGE

    def __post_init__(self):
        object.__setattr__(self, "max_plausible", _merge_map("max_plausible", self.max_plausible, DEFAULT_MAX_PLAUSIBLE, float))
        object.__setattr__(self, "stuck_hours", _merge_map("stuck_hours", self.stuck_hours, DEFAULT_STUCK_HOURS, int))
        object.__setattr__(self, "stuck_floor", _merge_map("stuck_floor", self.stuck_floor, DEFAULT_STUCK_FLOOR, float))
        for p, n in self.stuck_hours.items():
            if n < 2:
                raise ValueError(f"QualityRules.stuck_hours[{p!r}] = {n} must be >= 2")
        for name in ("co_slip_min", "co_slip_context_max"):
            v = getattr(self, name)
            if not (isinstance(v, (int, float)) and not isinstance(v, bool) and v > 0):
                raise ValueError(f"QualityRules.{name} = {v!r} must be a positive number [mg/m³]")
        w = self.co_slip_window_hours
        if not (isinstance(w, (int, np.integer)) and not isinstance(w, bool) and w >= 1):
            raise ValueError(f"QualityRules.co_slip_window_hours = {w!r} must be a whole number of hours >= 1")
        r = self.co_median_range
        if not (isinstance(r, (tuple, list)) and len(r) == 2 and all(isinstance(x, (int, float)) and not isinstance(x, bool) for x in r)
                and 0 < r[0] < r[1]):
            raise ValueError(f"QualityRules.co_median_range = {r!r} must be two numbers 0 < low < high [mg/m³]")
        object.__setattr__(self, "co_median_range", (float(r[0]), float(r[1])))
