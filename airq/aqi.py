"""Individual air-quality index (IAQI) and AQI, exact, under HJ 633—2012 and HJ 633—2026.

Arithmetic
----------
Concentrations are first rounded per GB/T 8170 (:mod:`airq.rounding`) to whole µg/m³ (CO to
0.1 mg/m³) and carried as scaled integers; the breakpoints are scaled the same way. The
interpolation ``IAQI = (IAQI_Hi - IAQI_Lo)/(BP_Hi - BP_Lo) * (C - BP_Lo) + IAQI_Lo`` is then
evaluated as an integer fraction and rounded **up** (进位取整) with integer floor division, so no
binary float ever meets the ceiling: CO 2.2 gives 55, PM2.5 35 gives 50 (standards.md §1.2,
§5 item 1).

Concentrations above the top of a table ("爆表")
------------------------------------------------
Neither standard defines an IAQI above the last breakpoint (e.g. PM2.5 > 500 µg/m³).
``beyond="cap"`` (default) reports the top IAQI, 500, as CNEMC's published hourly AQI does
(standards.md §1.1 note 5); ``beyond="nan"`` reports a missing sub-index; ``beyond="raise"``
raises ``ValueError``. The special rules for SO2 1-h > 800 and O3 8-h > 800 (Table 1 notes /
Table 3 notes) are not "beyond" cases; they follow the rule set (see :class:`airq.rules.Above`).

Missing indicators
------------------
``on_missing="rules"`` (default) applies the rule set's own rule: HJ 633—2012 has none, and
airq follows the CNEMC practice of no AQI when any indicator is missing (``"strict"``, [L]);
HJ 633—2026 §5.3 computes the AQI from the others and publishes it only when it is above 100
(``"publish_above_100"``; standards.md §1.6, §5 item 10). ``"available"`` (not an official
rule) always takes the largest available sub-index. Pollutants the monitoring plan never
measures can be named in ``unmonitored`` so that they do not block the AQI (S2 §5.3 exception).

CO in µg/m³
-----------
CO is the one indicator in mg/m³ (HJ 633 Table 1 / Table 3; standards.md §1.1). A CO value
that looks like µg/m³ (:func:`airq.units.co_looks_like_ug`: above 50 mg/m³, the threshold of
the ingest ``co_unit_slip`` check) makes :func:`iaqi` (for ``"co"``), :func:`daily_aqi`,
:func:`realtime_aqi` and :func:`daily_aqi_values` warn once per call with
:class:`airq.units.AirqUnitWarning`, naming the values and rows; the index is still computed
from the value as given (CO 1000 gives IAQI 500, as the standard does for 1000 mg/m³).

References
----------
.. [1] HJ 633—2012 §5, §6, Table 1, Table 2 (standards.md §1.1-1.5).
.. [2] HJ 633—2026 §4.2, §5.2, §5.3, Table 1, Table 3 (standards.md §1.1-1.6).
.. [3] GB/T 8170—2008 (standards.md §1.2).

Layout
------
The code lives in topic modules; every public name is importable from here:

* :mod:`airq.aqi_inputs` — :data:`POLLUTANTS`, :data:`AVERAGINGS`, :data:`INDICATOR_ORDER`,
  :data:`INDICATOR_NAMES` and the checks of the inputs;
* :mod:`airq.aqi_co_warning` — the CO unit warning (``AirqUnitWarning``);
* :mod:`airq.aqi_iaqi` — :func:`iaqi` and the exact interpolation;
* :mod:`airq.aqi_combine` — :func:`aqi_category`, the AQI and primary pollutants from sub-indices;
* :mod:`airq.aqi_daily` — :func:`daily_aqi`, :func:`daily_aqi_values`;
* :mod:`airq.aqi_realtime` — :func:`realtime_aqi`.
"""

from __future__ import annotations

from .aqi_combine import aqi_category
from .aqi_daily import daily_aqi, daily_aqi_values
from .aqi_iaqi import iaqi
from .aqi_inputs import AVERAGINGS, INDICATOR_NAMES, INDICATOR_ORDER, POLLUTANTS
from .aqi_realtime import realtime_aqi

__all__ = [
    "POLLUTANTS",
    "AVERAGINGS",
    "INDICATOR_ORDER",
    "INDICATOR_NAMES",
    "iaqi",
    "daily_aqi",
    "daily_aqi_values",
    "realtime_aqi",
    "aqi_category",
]
