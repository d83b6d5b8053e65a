"""Period statistics of daily AQI tables: day counts, ratios, means, HJ 663 percentiles,
composite index, data sufficiency, dust deduction, comparisons, publication rounding, ranking.

Input is a *daily AQI frame*: the output of :func:`airq.groups.group_daily_aqi` (or of
:func:`airq.daily_aqi` on station days, with ``by="station"``) — one row per unit and day with
the unrounded daily concentrations ``so2, no2, co, pm10, pm25, o3_8h`` (``o3_1h``), the
sub-indices ``iaqi_*``, ``aqi``, ``primary`` and ``rules`` (the rule set each day was judged by).

Every statistic is computed from unrounded values; :func:`publish` rounds once, at the end, per
GB/T 8170 (standards.md §2.7). Every result carries its counts (valid days, days per pollutant).

Definitions (standards.md §2.4-2.9)
-----------------------------------
* valid day: a day with a valid daily AQI (HJ 633—2026 §5.3: a day with a missing pollutant
  has one only when its AQI is above 100 — decided by :func:`airq.daily_aqi`).
* good day (优良): AQI <= 100; heavy (重度及以上): AQI > 200; exceedance (超标): AQI > 100.
  Ratios [%] are divided by **valid days**, never calendar days.
* period mean: mean of the unit's valid daily values; percentiles: HJ 663 Appendix A,
  k = 1 + (n - 1) p / 100 (:func:`hj663_percentile`).
* composite index (综合指数): sum of C_i / S_i (§2.8).

Open points settled by options (all documented where they are used): the composite-index limits
after 2026-03-01 (``composite_limits``), per-pollutant exceedance by sub-index or by limit
(``exceedance``), dust deduction (``dust_mode``), sufficiency of periods that are neither a
year nor a month, the basis of period comparisons (``basis``), ranking on published or raw
values (``decimals`` of :func:`rank`).

References
----------
.. [1] HJ 663—2013 §5-6, Table 1, Appendix A (standards.md §2.5, §2.6; [M]).
.. [2] GB 3095—2012 / GB 3095—2026 Table 4 (data sufficiency; standards.md §2.3, [H]).
.. [3] 城市环境空气质量排名技术规定 (环办〔2014〕64号) (composite index; standards.md §2.8, [M]).
.. [4] 环办监测〔2016〕120号 (dust deduction; standards.md §2.9, [M/L]).
.. [5] GB/T 8170—2008 (rounding once, at the end; standards.md §1.2, §2.7).

Layout
------
The code lives in topic modules; every public name is importable from here:

* :mod:`airq.stats_periods` — :func:`parse_period`, :func:`same_period_last_year`, :func:`previous_period`;
* :mod:`airq.stats_percentile` — :func:`hj663_percentile`;
* :mod:`airq.stats_inputs` — the daily AQI frame's columns (:data:`CONCENTRATIONS` ...), option
  values (:data:`DUST_MODES`, :data:`COMPOSITE_LIMITS`) and the input checks;
* :mod:`airq.stats_sufficiency` — GB 3095 Table 4 sufficiency, :func:`monthly_counts`;
* :mod:`airq.stats_period_stats` — :func:`period_stats`;
* :mod:`airq.stats_publish` — :data:`PUBLISH_DECIMALS`, :func:`publish`, :func:`rank`;
* :mod:`airq.stats_compare` — :func:`compare_periods`, :func:`rule_change_comparison`.
"""

from __future__ import annotations

from . import stats_percentile as _stats_percentile
from .stats_compare import RuleChangeComparison, compare_periods, rule_change_comparison
from .stats_inputs import (
    COMPOSITE_LIMITS,
    CONCENTRATIONS,
    DAILY_INDICATORS,
    DUST_MODES,
    MEAN_POLLUTANTS,
    PERCENTILES,
)
from .stats_percentile import hj663_percentile
from .stats_period_stats import period_stats
from .stats_periods import parse_period, previous_period, same_period_last_year
from .stats_publish import PUBLISH_DECIMALS, publish, rank
from .stats_sufficiency import monthly_counts

# Private, kept here because tests import it from airq.stats.
_grouped_percentile = _stats_percentile._grouped_percentile

__all__ = [
    "CONCENTRATIONS",
    "MEAN_POLLUTANTS",
    "PERCENTILES",
    "DAILY_INDICATORS",
    "DUST_MODES",
    "COMPOSITE_LIMITS",
    "PUBLISH_DECIMALS",
    "parse_period",
    "same_period_last_year",
    "previous_period",
    "hj663_percentile",
    "period_stats",
    "monthly_counts",
    "compare_periods",
    "publish",
    "rank",
    "RuleChangeComparison",
    "rule_change_comparison",
]
