"""Plan targets: remaining allowances, PM2.5 ceilings, what-if (剩余可超标天数 / 年剩余日控制值).

Every month an analyst needs, for every county: where it stands against the year's targets, how
many more non-good (or heavy-pollution, or O3-exceedance) days it can still afford, and what
PM2.5 mean the rest of the year must stay under. These modules do that arithmetic on plain
numbers (counts and means from :mod:`airq.stats`, targets from :mod:`airq.config`); they import
neither. This module gathers their public names; import from here.

Layout
------
:mod:`airq.targets_core`
    the target keys and their default reading (strict or published), the statuses, exact input
    conversion and checks, N (:func:`days_in_year`, :func:`expected_valid_days`) and
    :func:`meets_target`; its docstring holds the notation (N, d, E, m, R), the exactness rules,
    the published-value comparison and the meaning of each status;
:mod:`airq.targets_allowance`
    remaining non-good-day and heavy-day allowances (:func:`good_day_allowance`,
    :func:`good_days_allowance`, :func:`heavy_day_allowance`);
:mod:`airq.targets_ceiling`
    the PM2.5 ceiling of the remaining days (:func:`pm25_ceiling`) and the O3 P90 allowance
    (:func:`o3_p90_allowance`);
:mod:`airq.targets_whatif`
    year-end statistics under assumptions for the rest of the year (:func:`whatif`);
:mod:`airq.targets_assess`
    the assessment table of a unit against its targets (:func:`assess_targets`,
    :func:`plain_targets`).

References
----------
.. [1] standards.md §4 ("Remaining allowance" arithmetic) — the specification of these modules.
.. [2] standards.md §2.6 (percentile k = 1 + (n − 1)p, HJ 663 Appendix A).
.. [3] standards.md §2.7 (rounding of published values, GB/T 8170).
.. [4] standards.md §2.9 (good-day ratio over valid days; heavy ratio AQI > 200; dust deduction).
"""

from __future__ import annotations

from types import FunctionType

from .targets_allowance import (GoodDayAllowance, HeavyDayAllowance, good_day_allowance, good_days_allowance,
                                heavy_day_allowance)
from .targets_assess import ASSESS_COLUMNS, assess_targets, plain_targets
from .targets_ceiling import O3P90Allowance, PM25Ceiling, o3_p90_allowance, pm25_ceiling
from .targets_core import (ASSESSABLE_TARGETS, DEFAULT_REPORTING_DECIMALS, DISPLAY_DECIMALS, PM25_SAFE_LEVEL, STATUSES,
                           days_in_year, expected_valid_days, meets_target)
from .targets_whatif import WhatIfResult, whatif

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

# doctest.testmod(airq.targets) runs the docstring examples of the functions gathered here.
__test__ = {name: obj for name, obj in list(globals().items()) if name in __all__ and isinstance(obj, FunctionType)}
