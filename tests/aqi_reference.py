"""The independent IAQI reference of tests/test_iaqi.py, loaded once for the other test files.

test_iaqi.py types the HJ 633 tables from standards.md and computes IAQI with Fraction and an
explicit ceiling; nothing here comes from airq. Loaded by file path so that it works whatever
pytest import mode is used.
"""

import importlib.util
import math
from pathlib import Path

_spec = importlib.util.spec_from_file_location("_airq_iaqi_reference", Path(__file__).with_name("test_iaqi.py"))
REF = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(REF)

#: Daily indicators of HJ 633—2012 -> (pollutant, averaging) of their table.
DAILY_2012 = {"so2": ("so2", "24h"), "no2": ("no2", "24h"), "pm10": ("pm10", "24h"), "co": ("co", "24h"),
              "o3_8h": ("o3", "8h"), "o3_1h": ("o3", "1h"), "pm25": ("pm25", "24h")}


def day_aqi_2012(values: dict):
    """AQI of a day under HJ 633—2012 from unrounded daily values, with the strict missing rule
    (any indicator missing -> None). O3 8-h above 800 has no sub-index; O3 1-h stands for O3."""
    subs = []
    for key, (pollutant, averaging) in DAILY_2012.items():
        v = values.get(key)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            return None
        s = REF.ref_iaqi("HJ633-2012", pollutant, averaging, float(v))
        if s is not None:
            subs.append(s)
    return max(subs)
