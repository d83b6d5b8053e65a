"""airq — exact Chinese ambient air-quality statistics for city and county assessment.

Data flow (one way; a module knows only the stages before it)::

    airq.io (readers) -> airq.quality -> airq.store
      -> airq.hourly (dense station x hour grid; Beijing time, hour-start stamps, airq.timeconv)
      -> station daily values with validity counts (airq.hourly.station_daily)
      -> airq.groups (county/city days) -> airq.aqi -> airq.stats (period statistics)
      -> airq.targets (targets, allowances, what-if)
      -> airq.forecast (year-end forecasts and baselines) -> airq.backtest (scored against them)
      -> airq.assessment (wiring from the store), airq.report, airq.cli (presentation)

Rule sets (HJ 633—2012 / HJ 633—2026, GB 3095—2012 / GB 3095—2026) are versioned data picked
by date (airq.rules).
"""

from .aqi import aqi_category, daily_aqi, iaqi, realtime_aqi
from .rounding import round_gbt8170
from .rules import get_limits, get_rules, limits_for, rules_for
from .units import AirqUnitWarning

__version__ = "0.1.0"

__all__ = [
    "iaqi",
    "daily_aqi",
    "realtime_aqi",
    "aqi_category",
    "round_gbt8170",
    "get_rules",
    "rules_for",
    "get_limits",
    "limits_for",
    "AirqUnitWarning",
    "__version__",
]
