"""Independent reference arithmetic for end-to-end tests (written from standards.md, not from airq).

Plain Python: GB/T 8170 half-even with Decimal, IAQI with Fraction and an explicit ceiling, the
HJ 633—2012 daily tables typed here again.
"""

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

IAQI = [0, 50, 100, 150, 200, 300, 400, 500]
DAILY_2012 = {  # standards.md §1.1, HJ 633—2012 Table 1
    "so2": [0, 50, 150, 475, 800, 1600, 2100, 2620],
    "no2": [0, 40, 80, 180, 280, 565, 750, 940],
    "pm10": [0, 50, 150, 250, 350, 420, 500, 600],
    "co": [0, 2, 4, 14, 24, 36, 48, 60],
    "o3_8h": [0, 100, 160, 215, 265, 800],
    "o3_1h": [0, 160, 200, 300, 400, 800, 1000, 1200],
    "pm25": [0, 35, 75, 115, 150, 250, 350, 500],
}


def half_even(x: float, decimals: int) -> Fraction:
    return Fraction(Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN))


def iaqi_2012(indicator: str, value: float):
    """Daily IAQI under HJ 633—2012 from an unrounded daily value; None above an 'O3 8h > 800'."""
    c = half_even(value, 1 if indicator == "co" else 0)
    bp = DAILY_2012[indicator]
    if c > bp[-1]:
        return None if indicator == "o3_8h" else 500
    for i in range(1, len(bp)):
        if c <= bp[i]:
            raw = Fraction(IAQI[i] - IAQI[i - 1], bp[i] - bp[i - 1]) * (c - bp[i - 1]) + IAQI[i - 1]
            return math.ceil(raw)
    raise AssertionError("unreachable")


def day_aqi_2012(values: dict):
    """AQI of a day under HJ 633—2012 with the strict missing rule; None when not available."""
    subs = []
    for k in DAILY_2012:
        v = values.get(k)
        if v is None or (isinstance(v, float) and math.isnan(v)):
            if k == "o3_8h" and values.get("o3_1h") is not None:
                return None
            return None
        s = iaqi_2012(k, v)
        if s is not None:
            subs.append(s)
    return max(subs)
