"""Remaining allowances, PM2.5 ceilings, what-if and assessment (airq.targets).

Every expected number is either a worked example of standards.md §4 or hand arithmetic written
next to it. Independent references (integer-only GB/T 8170 rounding, linear scans,
``numpy.percentile``) check the module's exact search on many cases.
"""

from __future__ import annotations

import doctest
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import airq.targets as targets_mod
from airq.targets import (
    ASSESS_COLUMNS,
    assess_targets,
    days_in_year,
    expected_valid_days,
    good_day_allowance,
    good_days_allowance,
    heavy_day_allowance,
    o3_p90_allowance,
    pm25_ceiling,
    whatif,
)

F = Fraction


# --------------------------------------------------------------------------- independent references


def ref_round_tenths(num: int, den: int) -> int:
    """round₁(num/den · 100) in tenths of a percent, GB/T 8170 half to even, integers only."""
    q, rem = divmod(num * 1000, den)
    if 2 * rem > den or (2 * rem == den and q % 2 == 1):
        q += 1
    return q


def ref_min_good(target_tenths: int, n: int) -> int:
    """Linear scan: smallest G with round₁(G/N·100) >= target."""
    return next(g for g in range(n + 1) if ref_round_tenths(g, n) >= target_tenths)


def ref_max_heavy(target_tenths: int, n: int) -> int:
    """Linear scan: largest H with round₁(H/N·100) <= target."""
    return max(h for h in range(n + 1) if ref_round_tenths(h, n) <= target_tenths)


# --------------------------------------------------------------------------- N


def test_days_in_year():
    assert days_in_year(2023) == 365
    assert days_in_year(2024) == 366
    assert days_in_year(2020) == 366  # 威县 bulletin year
    assert days_in_year(2000) == 366  # divisible by 400
    assert days_in_year(1900) == 365  # divisible by 100, not 400
    for bad in (2023.0, "2023", True, 0, 10000):
        with pytest.raises(ValueError, match="year"):
            days_in_year(bad)


def test_expected_valid_days():
    assert expected_valid_days(2023) == 365
    assert expected_valid_days(2024) == 366
    # 31 days already invalid -> 334 (the §4 "334 valid days" example)
    assert expected_valid_days(2023, invalid_so_far=31) == 334
    # leap year, 3 invalid and 2 dust-deducted: 366 - 3 - 2
    assert expected_valid_days(2024, invalid_so_far=3, dust_days=2) == 361
    with pytest.raises(ValueError, match="invalid_so_far.*-1"):
        expected_valid_days(2023, invalid_so_far=-1)
    with pytest.raises(ValueError, match="dust_days"):
        expected_valid_days(2023, dust_days=1.5)
    with pytest.raises(ValueError, match="no valid day"):
        expected_valid_days(2023, invalid_so_far=300, dust_days=65)


# --------------------------------------------------------------------------- good days


# standards.md §4 examples. Hand arithmetic (strict G = ceil(r·N); published: G-1 must round below):
#   365 @ 95   : 0.95·365 = 346.75 -> 347; 346/365 = 94.79 % -> 94.8 fails     -> 365-347 = 18
#   366 @ 95   : 0.95·366 = 347.7  -> 348; 347/366 = 94.81 % -> 94.8 fails     -> 18
#   365 @ 90   : 0.90·365 = 328.5  -> 329; 328/365 = 89.86 % -> 89.9 fails     -> 36
#   365 @ 87.5 : 0.875·365 = 319.375 -> 320; 319/365 = 87.40 % -> 87.4 fails   -> 45
#   334 @ 95   : 0.95·334 = 317.3  -> 318; 317/334 = 94.91 % -> 94.9 fails     -> 16
#   Guigang 365 @ 93.8 : 0.938·365 = 342.37 -> 343; 342/365 = 93.70 % -> 93.7 fails -> 22
#   Guigang 365 @ 95.4 : 0.954·365 = 348.21 -> 349; 348/365 = 95.34 % -> 95.3 fails -> 16
SECTION4_GOOD = [
    (365, 95, 347, 18),
    (366, 95, 348, 18),
    (365, 90, 329, 36),
    (365, 87.5, 320, 45),
    (334, 95, 318, 16),
    (365, 93.8, 343, 22),
    (365, 95.4, 349, 16),
]


@pytest.mark.parametrize("n,ratio,g,allowed", SECTION4_GOOD)
@pytest.mark.parametrize("decimals", [None, 1])
def test_good_day_section4_examples(n, ratio, g, allowed, decimals):
    a = good_day_allowance(ratio, n, 0, reporting_decimals=decimals)
    assert a.min_good_days == g
    assert a.allowed_nongood_days == allowed
    assert a.remaining_nongood_days == allowed


def test_good_day_published_at_min():
    # 347/365 = 95.0685 % -> 95.1 %
    assert good_day_allowance(95, 365, 0).published_ratio_at_min == Decimal("95.1")
    # 343/365 = 93.9726 % -> 94.0 %
    assert good_day_allowance("93.8", 365, 0).published_ratio_at_min == Decimal("94.0")


def test_good_day_invalid_days_reduce_n():
    # 31 invalid days: N = 334, target 95 % -> 16 allowed (§4), two fewer than with N = 365
    n = expected_valid_days(2023, invalid_so_far=31)
    assert good_day_allowance(95, n, 0).allowed_nongood_days == 16
    assert good_day_allowance(95, 365, 0).allowed_nongood_days == 18


def test_good_day_leap_year_guigang():
    # 2024 (N = 366), 93.8 %: 0.938·366 = 343.308 -> 344; 343/366 = 93.716 % -> 93.7 fails;
    # 344/366 = 93.989 % -> 94.0 passes -> G = 344 both ways, 22 allowed
    for dec in (None, 1):
        assert good_day_allowance(93.8, 366, 0, reporting_decimals=dec).min_good_days == 344
    # 2024, 95.4 %: 349/366 = 95.3552 % publishes as 95.4 % = the target exactly -> passes:
    # published reading G = 349 (17 allowed); strict 0.954·366 = 349.164 -> 350 (16 allowed)
    pub = good_day_allowance(95.4, 366, 0)
    assert (pub.min_good_days, pub.allowed_nongood_days) == (349, 17)
    assert pub.published_ratio_at_min == Decimal("95.4")
    strict = good_day_allowance(95.4, 366, 0, reporting_decimals=None)
    assert (strict.min_good_days, strict.allowed_nongood_days) == (350, 16)


def test_good_day_rounded_ratio_equals_target():
    # 94.8 % of 365: 346/365 = 94.7945 % -> 94.8 % == target -> passes; 345/365 = 94.52 % fails.
    # strict: 0.948·365 = 346.02 -> 347
    assert good_day_allowance(94.8, 365, 0).min_good_days == 346
    assert good_day_allowance(94.8, 365, 0).allowed_nongood_days == 19
    assert good_day_allowance(94.8, 365, 0, reporting_decimals=None).min_good_days == 347


def test_good_day_half_even_boundaries():
    # N = 336 (30 invalid days in a leap year): 315/336 = 93.75 % exactly -> 93.8 (7 odd -> 8):
    # meets Guigang's 93.8 %; strict 0.938·336 = 315.168 -> 316
    assert good_day_allowance(93.8, 336, 0).min_good_days == 315
    assert good_day_allowance(93.8, 336, 0, reporting_decimals=None).min_good_days == 316
    # 273/336 = 81.25 % exactly -> 81.2 (2 even): fails 81.3; a half-up rounding would accept it
    assert good_day_allowance(81.3, 336, 0).min_good_days == 274
    # N = 320: 308/320 = 96.25 % -> 96.2 fails 96.3; 309/320 = 96.5625 -> 96.6 passes
    assert good_day_allowance(96.3, 320, 0).min_good_days == 309


def test_good_day_integer_reporting():
    # published as an integer: 94.5 % -> 94 (half to even) fails 95; 95 % of 365 needs
    # G/365 >= 94.5 % with 94.5 excluded: 345/365 = 94.52 % -> 95 passes; 344/365 = 94.25 -> 94
    assert good_day_allowance(95, 365, 0, reporting_decimals=0).min_good_days == 345


def test_good_day_matches_linear_scan():
    for n in range(300, 367):
        for tenths in range(800, 1001, 7):
            want = ref_min_good(tenths, n)
            got = good_day_allowance(Decimal(tenths).scaleb(-1), n, 0).min_good_days
            assert got == want, (n, tenths)
            strict = good_day_allowance(Decimal(tenths).scaleb(-1), n, 0, reporting_decimals=None)
            assert strict.min_good_days == -((-tenths * n) // 1000), (n, tenths)


def test_float_target_is_decimal_as_written():
    # 95.2 % of 250 = 238 days exactly. The float 95.2 is 95.2000000000000028...; read as its
    # binary value, ceil(0.952000…·250) would give 239. airq reads a float as written: 238.
    assert good_day_allowance(95.2, 250, 0, reporting_decimals=None).min_good_days == 238
    # 1.2 % of 250 = 3 exactly; the float 1.2 is 1.1999999999999999556 -> floor would give 2
    assert heavy_day_allowance(1.2, 250, 0).cap_days == 3
    assert good_day_allowance(94.8, 365, 0) == good_day_allowance(Decimal("94.8"), 365, 0)
    assert good_day_allowance("94.8", 365, 0) == good_day_allowance(F(474, 5), 365, 0)


def test_good_day_status():
    # 365 @ 95 %: G = 347, 18 allowed.
    lost = good_day_allowance(95, 365, 19, valid_days_so_far=200)
    assert lost.remaining_nongood_days == -1 and lost.status == "lost"
    # 360 days so far, 13 non-good: 347 good already = G -> safe even if all 5 remaining are non-good
    safe = good_day_allowance(95, 365, 13, valid_days_so_far=360)
    assert safe.remaining_nongood_days == 5 and safe.status == "safe"
    assert safe.remaining_days == 5
    # 14 non-good: 346 good so far, 4 more non-good affordable, 5 days left -> at risk
    risk = good_day_allowance(95, 365, 14, valid_days_so_far=360)
    assert risk.remaining_nongood_days == 4 and risk.status == "at_risk"
    # exactly on the allowance: 18 non-good so far, remaining 0, still reachable
    edge = good_day_allowance(95, 365, 18, valid_days_so_far=200)
    assert edge.remaining_nongood_days == 0 and edge.status == "at_risk"
    # without d, safety cannot be judged
    assert good_day_allowance(95, 365, 13).status == "not_lost"
    assert good_day_allowance(95, 365, 19).status == "lost"


def test_good_days_count_target():
    # 330 good days required of 365: 35 non-good allowed; 20 so far -> 15 more
    a = good_days_allowance(330, 365, 20, valid_days_so_far=180)
    assert (a.min_good_days, a.allowed_nongood_days, a.remaining_nongood_days) == (330, 35, 15)
    assert a.status == "at_risk" and a.target_ratio is None and a.target_days == 330
    assert good_days_allowance(330, 365, 36).status == "lost"
    assert good_days_allowance(330, 365, 5, valid_days_so_far=335).status == "safe"  # 330 good already


@pytest.mark.parametrize(
    "args,kwargs,match",
    [
        ((100.1, 365, 0), {}, "target_ratio.*100.1"),
        ((-0.1, 365, 0), {}, "target_ratio"),
        (("abc", 365, 0), {}, "target_ratio.*abc"),
        ((True, 365, 0), {}, "target_ratio"),
        ((float("nan"), 365, 0), {}, "target_ratio"),
        ((95, 0, 0), {}, "n_days"),
        ((95, -365, 0), {}, "n_days"),
        ((95, 365.5, 0), {}, "n_days"),
        ((95, 365, -1), {}, "nongood_so_far.*-1"),
        ((95, 365, 366), {}, "nongood_so_far"),
        ((95, 365, 3), {"valid_days_so_far": 366}, "valid_days_so_far.*366"),
        ((95, 365, 30), {"valid_days_so_far": 20}, "nongood_so_far.*valid_days_so_far"),
        ((95, 365, 0), {"reporting_decimals": -1}, "reporting_decimals.*-1"),
        ((95, 365, 0), {"reporting_decimals": 1.0}, "reporting_decimals"),
        ((95, 365, 0), {"reporting_decimals": "1"}, "reporting_decimals"),
    ],
)
def test_good_day_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        good_day_allowance(*args, **kwargs)


def test_counts_accept_integral_floats_and_numpy():
    a = good_day_allowance(95, np.int64(365), 12.0)
    assert a.remaining_nongood_days == 6


# --------------------------------------------------------------------------- heavy days


def test_heavy_cap_section4():
    # floor(0.01·365) = floor(3.65) = 3
    a = heavy_day_allowance(1, 365, 0)
    assert a.cap_days == 3 and a.remaining_heavy_days == 3
    # leap year: floor(3.66) = 3
    assert heavy_day_allowance(1.0, 366, 1).remaining_heavy_days == 2


def test_heavy_weixian_bulletin():
    # 威县 2020: 12 heavy days so far, "must stay within 7 more" -> cap 19 over N = 366. The
    # bulletin gives the cap in days; any h in [19/366, 20/366) = [5.19 %, 5.46 %) gives it, e.g.
    # 5.2 %: 0.052·366 = 19.032 -> 19. The published reading agrees: 19/366 = 5.19 % -> 5.2 <= 5.2,
    # 20/366 = 5.46 % -> 5.5 > 5.2.
    for dec in (None, 1):
        a = heavy_day_allowance(5.2, 366, 12, reporting_decimals=dec, valid_days_so_far=209)
        assert (a.cap_days, a.remaining_heavy_days) == (19, 7)
        assert a.status == "at_risk"


def test_heavy_guigang_zero():
    # Guigang 2023 plan: heavy ratio 0.0 % -> no heavy day at all (strict and published: 1/365 =
    # 0.27 % -> 0.3 % > 0.0)
    for dec in (None, 1):
        a = heavy_day_allowance(0.0, 365, 0, reporting_decimals=dec, valid_days_so_far=100)
        assert a.cap_days == 0 and a.remaining_heavy_days == 0 and a.status == "at_risk"
        assert heavy_day_allowance(Decimal("0.0"), 365, 1, reporting_decimals=dec).status == "lost"
    # the year is over and no heavy day happened: safe
    assert heavy_day_allowance(0.0, 365, 0, valid_days_so_far=365).status == "safe"


def test_heavy_published_reading_differs():
    # N = 290, 1 %: strict floor(2.9) = 2; published 3/290 = 1.0345 % -> 1.0 % <= 1.0 -> 3
    assert heavy_day_allowance(1, 290, 0).cap_days == 2
    assert heavy_day_allowance(1, 290, 0, reporting_decimals=1).cap_days == 3
    # boundary exactly at half: 1/400 = 0.25 % -> 0.2 (half to even) <= 0.2 -> passes;
    # 3/400 = 0.75 % -> 0.8 > 0.7 fails, so cap at 0.7 % is 2 (2/400 = 0.5 %)
    assert heavy_day_allowance(0.2, 400, 0, reporting_decimals=1).cap_days == 1
    assert heavy_day_allowance(0.7, 400, 0, reporting_decimals=1).cap_days == 2
    assert heavy_day_allowance(100, 365, 0).cap_days == 365


def test_heavy_matches_linear_scan():
    for n in range(300, 367, 3):
        for tenths in range(0, 60, 1):
            got = heavy_day_allowance(Decimal(tenths).scaleb(-1), n, 0, reporting_decimals=1).cap_days
            assert got == ref_max_heavy(tenths, n), (n, tenths)
            strict = heavy_day_allowance(Decimal(tenths).scaleb(-1), n, 0).cap_days
            assert strict == (tenths * n) // 1000


def test_heavy_status_and_errors():
    # cap 3; 3 so far with 10 days left -> at risk; 4 -> lost; 1 so far with 2 days left -> safe
    assert heavy_day_allowance(1, 365, 3, valid_days_so_far=355).status == "at_risk"
    assert heavy_day_allowance(1, 365, 4, valid_days_so_far=355).status == "lost"
    assert heavy_day_allowance(1, 365, 1, valid_days_so_far=363).status == "safe"
    with pytest.raises(ValueError, match="target_ratio.*101"):
        heavy_day_allowance(101, 365, 0)
    with pytest.raises(ValueError, match="heavy_so_far.*-2"):
        heavy_day_allowance(1, 365, -2)
    with pytest.raises(ValueError, match="heavy_so_far.*valid_days_so_far"):
        heavy_day_allowance(1, 365, 5, valid_days_so_far=4)


# --------------------------------------------------------------------------- PM2.5 ceiling


def test_pm25_section4_example():
    # target 30, d = 200 at m = 31.0, R = 165 (N = 365); m·d = 6200
    strict = pm25_ceiling(30, 31.0, 200, 165, reporting_decimals=None)
    assert strict.effective_threshold == 30
    assert strict.ceiling == F(30 * 365 - 6200, 165) == F(4750, 165)  # 28.7879
    assert strict.published_ceiling == Decimal("28.8") and strict.ceiling_inclusive
    integer = pm25_ceiling(30, 31.0, 200, 165, reporting_decimals=0, ceiling_decimals=1)
    assert integer.effective_threshold == F(61, 2)
    assert integer.ceiling == (F(61, 2) * 365 - 6200) / 165 == F(49325, 1650)  # 4932.5/165 = 29.894
    assert integer.published_ceiling == Decimal("29.9")
    assert integer.ceiling_inclusive  # 30.5 -> 30 (even): the boundary passes
    # default ceiling_decimals follows reporting_decimals: 29.894 -> 30 (integer), safe 29
    default_int = pm25_ceiling(30, 31.0, 200, 165, reporting_decimals=0)
    assert default_int.published_ceiling == Decimal("30") and default_int.safe_ceiling == Decimal("29")
    one = pm25_ceiling(30, 31.0, 200, 165)  # default: one decimal
    assert one.effective_threshold == F(601, 20)  # 30.05
    assert one.ceiling == (F(601, 20) * 365 - 6200) / 165  # 4768.25/165 = 28.8985
    assert one.published_ceiling == Decimal("28.9") and one.safe_ceiling == Decimal("28.8")
    assert one.status == "at_risk"


def test_pm25_weixian_bulletin():
    # 威县 2020 (N = 366), target 57, the bulletin computes with T itself (strict) and rounds the
    # control value to an integer.
    # 1 Jan - 27 Jul: d = 209, m = 58, R = 157: (57·366 - 58·209)/157 = (20862 - 12122)/157
    # = 8740/157 = 55.67 -> 56
    july = pm25_ceiling(57, 58, 209, 157, reporting_decimals=None, ceiling_decimals=0)
    assert july.ceiling == F(8740, 157)
    assert july.published_ceiling == Decimal("56")
    # GB/T 8170 rounds 55.67 up: averaging exactly 56 would miss the target; the safe value is 55
    assert july.safe_ceiling == Decimal("55")
    # 1 Jan - 13 Dec: d = 348, R = 18. Unrounded m = 55.03: (20862 - 19150.44)/18 = 1711.56/18
    # = 95.087 -> 95 (the bulletin); the rounded YTD mean 55.0 would give 1722/18 = 95.67 -> 96.
    dec = pm25_ceiling(57, 55.03, 348, 18, reporting_decimals=None, ceiling_decimals=0)
    assert dec.ceiling == F(171156, 1800)
    assert dec.published_ceiling == Decimal("95")
    rounded_mean = pm25_ceiling(57, 55.0, 348, 18, reporting_decimals=None, ceiling_decimals=0)
    assert rounded_mean.ceiling == F(1722, 18) and rounded_mean.published_ceiling == Decimal("96")
    # The published 95 pins the unrounded YTD mean to (55.0086, 55.06]: 55.06 -> 1701.12/18 = 94.507
    # -> 95; 55.008 -> 1719.216/18 = 95.512 -> 96.
    assert pm25_ceiling(57, "55.06", 348, 18, reporting_decimals=None, ceiling_decimals=0).published_ceiling == 95
    assert pm25_ceiling(57, "55.008", 348, 18, reporting_decimals=None, ceiling_decimals=0).published_ceiling == 96
    # Note: with integer publication (T_eff = 57.5) the July value would be
    # (57.5·366 - 12122)/157 = 8923/157 = 56.83 -> 57, not the bulletin's 56.
    assert pm25_ceiling(57, 58, 209, 157, reporting_decimals=0).published_ceiling == Decimal("57")


def test_pm25_boundary_exactly_at_half_unit():
    # T = 30, one decimal: T_eff = 30.05, which publishes as 30.0 (0 even) -> inclusive.
    # d = 360 at m = 30.0 (sum 10800), R = 5: x = (30.05·365 - 10800)/5 = 168.25/5 = 33.65
    c = pm25_ceiling(30, 30, 360, 5)
    assert c.ceiling == F(3365, 100) and c.ceiling_inclusive
    # 33.65 -> 33.6 (half to even); rounded down onto the 0.1 grid: 33.6
    assert c.published_ceiling == Decimal("33.6") and c.safe_ceiling == Decimal("33.6")
    # year-end check: (10800 + 33.65·5)/365 = 10968.25/365 = 30.05 exactly -> 30.0 -> met
    w = whatif(year=2023, valid_days=360, good_days=360, heavy_days=0, pm25_mean=30,
               remaining_pm25_mean="33.65", remaining_valid_days=5, targets={"pm25_mean": 30})
    assert w.pm25_mean == F(601, 20) and w.pm25_mean_published == Decimal("30.0") and w.met["pm25_mean"]
    # 33.66: (10800 + 168.3)/365 = 30.0501 -> 30.1 -> not met
    w = whatif(year=2023, valid_days=360, good_days=360, heavy_days=0, pm25_mean=30,
               remaining_pm25_mean="33.66", remaining_valid_days=5, targets={"pm25_mean": 30})
    assert w.pm25_mean_published == Decimal("30.1") and not w.met["pm25_mean"]


def test_pm25_boundary_guigang_odd_digit():
    # Guigang 30.9: T_eff = 30.95 publishes as 31.0 (9 odd -> 10) -> the boundary fails.
    # d = 360 at m = 30.0, R = 5: x = (30.95·365 - 10800)/5 = 496.75/5 = 99.35
    c = pm25_ceiling(30.9, 30, 360, 5)
    assert c.effective_threshold == F(619, 20) and not c.ceiling_inclusive
    assert c.ceiling == F(9935, 100)
    # published ceiling 99.35 -> 99.4 (3 odd -> 4); safe: 99.35 is excluded and on the 0.05 grid
    # only, so rounding down to 0.1 gives 99.3
    assert c.published_ceiling == Decimal("99.4") and c.safe_ceiling == Decimal("99.3")
    at = whatif(year=2023, valid_days=360, good_days=360, heavy_days=0, pm25_mean=30,
                remaining_pm25_mean="99.35", remaining_valid_days=5, targets={"pm25_mean": 30.9})
    assert at.pm25_mean == F(619, 20) and at.pm25_mean_published == Decimal("31.0") and not at.met["pm25_mean"]
    below = whatif(year=2023, valid_days=360, good_days=360, heavy_days=0, pm25_mean=30,
                   remaining_pm25_mean="99.34", remaining_valid_days=5, targets={"pm25_mean": 30.9})
    assert below.pm25_mean_published == Decimal("30.9") and below.met["pm25_mean"]  # 11296.7/365 = 30.94986


def test_pm25_integer_boundaries():
    # T = 30 integer: 30.5 -> 30 passes (inclusive); T = 31: 31.5 -> 32 fails
    assert pm25_ceiling(30, 30, 360, 5, reporting_decimals=0).ceiling_inclusive
    assert not pm25_ceiling(31, 30, 360, 5, reporting_decimals=0).ceiling_inclusive
    # (31.5·365 - 10800)/5 = 697.5/5 = 139.5
    assert pm25_ceiling(31, 30, 360, 5, reporting_decimals=0).ceiling == F(279, 2)
    # 139.5 is on the 0.1 grid but excluded (31.5 -> 32 fails): the safe value is 139.4, while
    # for T = 30 the inclusive ceiling 66.5 ((30.5·365 - 10800)/5 = 332.5/5) is itself safe
    assert pm25_ceiling(31, 30, 360, 5, reporting_decimals=0, ceiling_decimals=1).safe_ceiling == Decimal("139.4")
    c30 = pm25_ceiling(30, 30, 360, 5, reporting_decimals=0, ceiling_decimals=1)
    assert c30.ceiling == F(133, 2) and c30.safe_ceiling == Decimal("66.5")
    # a target finer than the reporting grid: 30.9 with integer publication -> published <= 30
    # -> T_eff = 30.5 (30 even: inclusive)
    c = pm25_ceiling(30.9, 30, 360, 5, reporting_decimals=0)
    assert c.effective_threshold == F(61, 2) and c.ceiling_inclusive


def test_pm25_guigang_lost_and_safe():
    # 28.9 (桂平/平南): d = 360 at 30.0, R = 5: (28.95·365 - 10800)/5 = -233.25/5 = -46.65 -> lost
    lost = pm25_ceiling(28.9, 30, 360, 5)
    assert lost.ceiling == F(-4665, 100) and lost.status == "lost"
    # 30.9: d = 364 at 29.0 (sum 10556), R = 1: 30.95·365 - 10556 = 740.75 >= 500 -> safe
    safe = pm25_ceiling(30.9, 29, 364, 1)
    assert safe.ceiling == F(74075, 100) and safe.status == "safe"
    # a lower safe level makes an ordinary position safe: ceiling 99.35 > 99
    assert pm25_ceiling(30.9, 30, 360, 5, safe_level=99).status == "safe"
    assert pm25_ceiling(30.9, 30, 360, 5).status == "at_risk"
    # ceiling exactly 0 and not inclusive: lost. 30.95·365 = 11296.75 = m·360 -> m = 31.3798...
    zero = pm25_ceiling(30.9, F(1129675, 36000), 360, 5)
    assert zero.ceiling == 0 and zero.status == "lost"
    zero_incl = pm25_ceiling(30, F(1096825, 36000), 360, 5)  # 30.05·365 = 10968.25
    assert zero_incl.ceiling == 0 and zero_incl.status == "at_risk"


def test_pm25_year_over():
    # R = 0: the annual mean is known; 30.95 publishes as 31.0 > 30.9 -> lost; 30.94 -> safe
    over = pm25_ceiling(30.9, "30.95", 365, 0)
    assert over.ceiling is None and over.published_ceiling is None and over.status == "lost"
    assert pm25_ceiling(30.9, "30.94", 365, 0).status == "safe"
    assert pm25_ceiling(30, "30.05", 365, 0).status == "safe"


def test_pm25_unrounded_mean_matters():
    # A float YTD mean is read as the decimal it is written as; an exact Fraction is exact.
    a = pm25_ceiling(57, F(1915044, 34800), 348, 18, reporting_decimals=None)  # = 55.03 exactly
    b = pm25_ceiling(57, 55.03, 348, 18, reporting_decimals=None)
    assert a.ceiling == b.ceiling


def test_pm25_no_data_yet():
    # 1 Jan, nothing so far: the whole year must average below T_eff
    c = pm25_ceiling(30.9, None, 0, 365)
    assert c.ceiling == F(619, 20) and not c.ceiling_inclusive


@pytest.mark.parametrize(
    "args,kwargs,match",
    [
        ((-1, 30, 10, 10), {}, "target"),
        ((30, -0.1, 10, 10), {}, "mean_so_far"),
        ((30, None, 10, 10), {}, "mean_so_far"),
        ((30, 30, -1, 10), {}, "valid_days_so_far"),
        ((30, 30, 10, -1), {}, "remaining_days"),
        ((30, 30, 0, 0), {}, "at least 1"),
        ((30, 30, 10, 10), {"reporting_decimals": 2.5}, "reporting_decimals"),
        ((30, 30, 10, 10), {"ceiling_decimals": -2}, "ceiling_decimals"),
        ((30, 30, 10, 10), {"safe_level": "high"}, "safe_level"),
    ],
)
def test_pm25_bad_input(args, kwargs, match):
    with pytest.raises(ValueError, match=match):
        pm25_ceiling(*args, **kwargs)


def test_pm25_ceiling_agrees_with_published_comparison():
    # For many positions: x = ceiling passes iff inclusive; x = ceiling + 1/1000 fails;
    # x = ceiling - 1/1000 passes — judged by GB/T 8170 on the exact year-end mean.
    for t in (F(289, 10), F(309, 10), F(30), F(35), F(57)):
        for dec in (None, 0, 1):
            for m, d, r in ((F(31), 200, 165), (F(2801, 100), 300, 65), (F(5503, 100), 348, 18)):
                c = pm25_ceiling(t, m, d, r, reporting_decimals=dec)

                def meets(x):
                    annual = (m * d + x * r) / (d + r)
                    if dec is None:
                        return annual <= t
                    scaled = annual * 10**dec
                    q = math.floor(scaled)
                    rest = scaled - q
                    if rest > F(1, 2) or (rest == F(1, 2) and q % 2 == 1):
                        q += 1
                    return F(q, 10**dec) <= t

                assert meets(c.ceiling) == c.ceiling_inclusive, (t, dec, m)
                assert not meets(c.ceiling + F(1, 1000))
                assert meets(c.ceiling - F(1, 1000))
                assert meets(F(c.safe_ceiling)), (t, dec, m)


# --------------------------------------------------------------------------- O3 P90


def test_o3_section4_examples():
    # n = 365: k = 1 + 0.9·364 = 328.6, s = 328 -> 365 - 328 - 1 = 36
    a = o3_p90_allowance(160, 365, exceed_so_far=10)
    assert (a.k, a.s, a.fraction) == (F(1643, 5), 328, F(3, 5))
    assert a.max_exceedances == 36 and a.remaining_exceedances == 26 and a.one_more_may_pass
    # n = 366: k = 1 + 0.9·365 = 329.5, s = 329 -> 366 - 329 - 1 = 36
    b = o3_p90_allowance(160, 366, exceed_so_far=0)
    assert (b.k, b.s, b.max_exceedances) == (F(659, 2), 329, 36)


def test_o3_whole_k():
    # n = 361: k = 1 + 0.9·360 = 325 exactly -> P90 = X(325); 36 = n - s exceedances still pass
    a = o3_p90_allowance(160, 361, exceed_so_far=0)
    assert a.k == 325 and a.fraction == 0 and a.max_exceedances == 36 and not a.one_more_may_pass
    vals = np.array([100.0] * 325 + [999.0] * 36)
    assert np.percentile(vals, 90) == 100.0
    vals = np.array([100.0] * 324 + [999.0] * 37)
    assert np.percentile(vals, 90) > 160


def test_o3_guarantee_matches_numpy_worst_case():
    # Worst case for the guarantee: the non-exceeding days sit at L, the exceeding days far above.
    for n in (11, 100, 324, 330, 351, 360, 361, 364, 365, 366):
        guaranteed = o3_p90_allowance(160, n, exceed_so_far=0).max_exceedances
        worst = lambda j: np.percentile(np.array([160.0] * (n - j) + [1000.0] * j), 90)  # noqa: E731
        assert worst(guaranteed) <= 160, n
        assert worst(guaranteed + 1) > 160, n


def test_o3_one_more_depends_on_xs():
    # n = 365, 37 exceedances (= n - s): P90 = X(328) + 0.6·(X(329) - X(328)).
    # X(328) = 100, X(329) = 161: 100 + 0.6·61 = 136.6 <= 160 passes;
    # X(328) = 150, X(329) = 180: 150 + 0.6·30 = 168 > 160 fails.
    assert np.isclose(np.percentile([100.0] * 328 + [161.0] * 37, 90), 136.6)
    assert np.isclose(np.percentile([150.0] * 328 + [180.0] * 37, 90), 168.0)
    a = o3_p90_allowance(160, 365, exceed_so_far=37, valid_days_so_far=300)
    assert a.remaining_exceedances == -1 and a.status == "at_risk"  # not lost: depends on X(s)
    assert o3_p90_allowance(160, 365, exceed_so_far=38, valid_days_so_far=300).status == "lost"


def test_o3_sorted_values():
    # §2.6: P90 of 1..10 = 9.1 (k = 1 + 0.9·9 = 9.1 -> 9 + 0.1·(10 - 9))
    a = o3_p90_allowance(9, 365, sorted_values=range(1, 11))
    assert a.p90_so_far == F(91, 10)
    assert a.exceed_so_far == 1 and a.valid_days_so_far == 10 and a.max_nonexceeding_so_far == 9
    # unsorted input is sorted; floats read as written
    b = o3_p90_allowance(160, 365, sorted_values=[170.5, 100.1, 160.0])
    assert b.exceed_so_far == 1 and b.max_nonexceeding_so_far == 160
    with pytest.raises(ValueError, match="exceed_so_far"):
        o3_p90_allowance(160, 365, sorted_values=[170.5, 100.1], exceed_so_far=2)
    with pytest.raises(ValueError, match="exceed_so_far"):
        o3_p90_allowance(160, 365)
    with pytest.raises(ValueError, match=r"sorted_values\[1\]"):
        o3_p90_allowance(160, 365, sorted_values=[1.0, float("nan")])


def test_o3_status():
    # 36 guaranteed; 30 so far with 6 days left: safe; 7 left: at risk
    assert o3_p90_allowance(160, 365, exceed_so_far=30, valid_days_so_far=359).status == "safe"
    assert o3_p90_allowance(160, 365, exceed_so_far=30, valid_days_so_far=358).status == "at_risk"
    assert o3_p90_allowance(160, 365, exceed_so_far=30).status == "not_lost"
    with pytest.raises(ValueError, match="exceed_so_far"):
        o3_p90_allowance(160, 365, exceed_so_far=-1)
    with pytest.raises(ValueError, match="n_days"):
        o3_p90_allowance(160, 0, exceed_so_far=0)


def test_o3_published_reading():
    # P90 published as an integer: a day exceeds only above 160.5 (160.5 -> 160, even: passes)
    a = o3_p90_allowance(160, 365, sorted_values=[160.5, 160.6, 100], reporting_decimals=0)
    assert a.threshold == F(321, 2) and a.threshold_inclusive and a.exceed_so_far == 1
    # limit 161: 161.5 -> 162 fails, so 161.5 counts as an exceedance
    b = o3_p90_allowance(161, 365, sorted_values=[161.5, 100], reporting_decimals=0)
    assert not b.threshold_inclusive and b.exceed_so_far == 1
    assert o3_p90_allowance(160, 365, sorted_values=[160.5], reporting_decimals=None).exceed_so_far == 1


# --------------------------------------------------------------------------- what-if


def test_whatif_semantics():
    # 2023, as of 19 Jul (day 200): 200 valid days, 190 good, 1 heavy, PM2.5 31.0.
    # Rest: 165 days, 5 non-good of which 2 heavy, PM2.5 28.9.
    w = whatif(year=2023, valid_days=200, good_days=190, heavy_days=1, pm25_mean=31.0,
               remaining_pm25_mean=28.9, extra_nongood_days=5, extra_heavy_days=2, as_of="2023-07-19",
               targets={"good_day_ratio": 93.8, "heavy_day_ratio": 1.0, "pm25_mean": 30.9, "good_days": 350})
    assert w.remaining_valid_days == 165 and w.valid_days == 365
    assert (w.good_days, w.nongood_days, w.heavy_days) == (190 + 160, 15, 3)
    assert w.good_day_ratio == F(35000, 365)  # 95.89 %
    assert w.good_day_ratio_published == Decimal("95.9")
    assert w.heavy_day_ratio == F(300, 365) and w.heavy_day_ratio_published == Decimal("0.8")
    # (31·200 + 28.9·165)/365 = (6200 + 4768.5)/365 = 10968.5/365 = 30.0507 -> 30.1
    assert w.pm25_mean == F(109685, 3650) and w.pm25_mean_published == Decimal("30.1")
    assert dict(w.met) == {"good_day_ratio": True, "heavy_day_ratio": True, "pm25_mean": True, "good_days": True}


def test_whatif_dust_days_leave_denominators():
    # same, with 5 of the 165 remaining days dust-deducted: 160 other days, 5 non-good
    w = whatif(year=2023, valid_days=200, good_days=190, heavy_days=0, pm25_mean=31.0,
               remaining_pm25_mean=28.9, extra_nongood_days=5, dust_days=5, as_of="2023-07-19")
    assert w.valid_days == 360 and w.good_days == 345 and w.pm25_days == 360
    assert w.good_day_ratio == F(34500, 360)  # 95.83 %
    # (6200 + 28.9·160)/360 = (6200 + 4624)/360 = 10824/360 = 30.0667
    assert w.pm25_mean == F(10824, 360)


def test_whatif_leap_year_remaining_days():
    # 威县 2020: 27 Jul is day 31+29+31+30+31+30+27 = 209 -> 157 remaining calendar days
    w = whatif(year=2020, valid_days=209, good_days=100, heavy_days=12, pm25_mean=58,
               remaining_pm25_mean=F(8740, 157), as_of="2020-07-27", targets={"pm25_mean": 57},
               reporting_decimals={"pm25_mean": None})
    assert w.remaining_valid_days == 157 and w.valid_days == 366
    assert w.pm25_mean == 57 and w.met["pm25_mean"]  # exactly the strict ceiling -> exactly 57
    # the bulletin's rounded control value 56 (55.67 rounded up) would miss the strict target:
    # (12122 + 56·157)/366 = 20914/366 = 57.14
    w56 = whatif(year=2020, valid_days=209, good_days=100, heavy_days=12, pm25_mean=58,
                 remaining_pm25_mean=56, as_of="2020-07-27", targets={"pm25_mean": 57},
                 reporting_decimals={"pm25_mean": None})
    assert w56.pm25_mean == F(20914, 366) and not w56.met["pm25_mean"]


def test_whatif_answers_only_what_was_assumed():
    """Issue 9 item 12: a missing assumption leaves its indicator unanswered, never assumed good/none."""
    base = dict(year=2023, valid_days=200, good_days=190, heavy_days=1, pm25_mean=31.0, as_of="2023-07-19",
                targets={"good_day_ratio": 93.8, "heavy_day_ratio": 1.0, "pm25_mean": 30.9})
    w = whatif(extra_nongood_days=10, **base)
    assert w.good_days == 190 + 155 and w.good_day_ratio == F(100 * 345, 365) and w.met["good_day_ratio"]
    assert w.heavy_days is None and w.heavy_day_ratio is None and w.pm25_mean is None
    assert dict(w.unanswered) == {"heavy_day_ratio": "extra_heavy_days", "pm25_mean": "remaining_pm25_mean"}
    assert set(w.met) == {"good_day_ratio"}
    w = whatif(remaining_pm25_mean=28, **base)
    assert w.good_day_ratio is None and w.pm25_mean == (F(31) * 200 + 28 * 165) / 365 and set(w.met) == {"pm25_mean"}
    w = whatif(extra_heavy_days=2, **base)
    assert w.heavy_days == 3 and w.good_days is None and set(w.met) == {"heavy_day_ratio"}
    with pytest.raises(ValueError, match="extra_heavy_days"):
        whatif(extra_heavy_days=166, **base)
    # nothing remains: everything is answered from the data
    done = whatif(year=2023, valid_days=365, good_days=350, heavy_days=0, pm25_mean=30, remaining_valid_days=0)
    assert done.good_day_ratio == F(35000, 365) and not done.unanswered


def test_whatif_consistent_with_allowances():
    # remaining allowance k: k more non-good days meet the target, k + 1 do not
    for target in (93.8, 95.4, 95, 87.5, 94.8):
        for d, e in ((200, 5), (300, 15), (100, 0)):
            a = good_day_allowance(target, 365, e, valid_days_so_far=d)
            k = a.remaining_nongood_days
            if k < 0 or k + 1 > 365 - d:
                continue
            kw = dict(year=2023, valid_days=d, good_days=d - e, heavy_days=0, pm25_mean=30,
                      remaining_pm25_mean=30, remaining_valid_days=365 - d,
                      targets={"good_day_ratio": target})
            assert whatif(extra_nongood_days=k, **kw).met["good_day_ratio"], (target, d, e)
            assert not whatif(extra_nongood_days=k + 1, **kw).met["good_day_ratio"], (target, d, e)
    # heavy cap 3 at 1 %: 1 so far + 2 more meet, + 3 more do not
    kw = dict(year=2023, valid_days=200, good_days=190, heavy_days=1, pm25_mean=30, remaining_pm25_mean=30,
              remaining_valid_days=165, extra_nongood_days=5, targets={"heavy_day_ratio": 1})
    assert heavy_day_allowance(1, 365, 1).remaining_heavy_days == 2
    assert whatif(extra_heavy_days=2, **kw).met["heavy_day_ratio"]
    assert not whatif(extra_heavy_days=3, **kw).met["heavy_day_ratio"]

    # the heavy default is strict, like heavy_day_allowance: N = 290, 3 heavy = 1.03 % > 1 % fails,
    # although it publishes as 1.0 %; with reporting_decimals 1 it meets the target
    kw = dict(year=2023, valid_days=290, good_days=280, heavy_days=3, pm25_mean=30, remaining_valid_days=0,
              targets={"heavy_day_ratio": 1})
    assert heavy_day_allowance(1, 290, 3).status == "lost" and heavy_day_allowance(1, 290, 3).cap_days == 2
    assert not whatif(**kw).met["heavy_day_ratio"]
    assert whatif(reporting_decimals={"heavy_day_ratio": 1}, **kw).met["heavy_day_ratio"]


def test_whatif_year_lost_and_safe():
    # lost: 19 non-good days out of N = 365 at 95 % (18 allowed): even all-good rest fails
    # -> (365 - 19)/365 = 94.79 % -> 94.8 < 95
    w = whatif(year=2023, valid_days=200, good_days=181, heavy_days=0, pm25_mean=30, remaining_pm25_mean=30,
               remaining_valid_days=165, extra_nongood_days=0, targets={"good_day_ratio": 95})
    assert w.good_day_ratio_published == Decimal("94.8") and not w.met["good_day_ratio"]
    # safe: 347 good already; all 5 remaining non-good -> 347/365 = 95.07 % -> 95.1
    w = whatif(year=2023, valid_days=360, good_days=347, heavy_days=0, pm25_mean=30, remaining_pm25_mean=30,
               remaining_valid_days=5, extra_nongood_days=5, targets={"good_day_ratio": 95})
    assert w.met["good_day_ratio"]


@pytest.mark.parametrize(
    "kwargs,match",
    [
        ({"extra_nongood_days": 2, "extra_heavy_days": 3}, "extra_heavy_days.*extra_nongood_days"),
        ({"extra_nongood_days": 166}, "extra_nongood_days"),
        ({"dust_days": 166}, "dust_days"),
        ({"extra_nongood_days": -1}, "extra_nongood_days.*-1"),
        ({"heavy_days": 11}, "heavy_days"),
        ({"good_days": 201}, "good_days"),
        ({"as_of": "2023-07-18"}, "valid_days.*as_of"),
        ({"as_of": "2024-07-19"}, "as_of.*2023"),
        ({"as_of": None}, "remaining_valid_days"),
        ({"targets": {"o3_p90": 160}}, "o3_p90"),
        ({"targets": {"good_day_ratio": 120}}, "good_day_ratio.*120"),
        ({"reporting_decimals": {"pm25": 1}}, "reporting_decimals.*pm25"),
        ({"reporting_decimals": {"pm25_mean": -1}}, "reporting_decimals"),
    ],
)
def test_whatif_bad_input(kwargs, match):
    base = dict(year=2023, valid_days=200, good_days=190, heavy_days=1, pm25_mean=31.0,
                remaining_pm25_mean=28.9, as_of="2023-07-19")
    base.update(kwargs)
    with pytest.raises(ValueError, match=match):
        whatif(**base)


# --------------------------------------------------------------------------- assess_targets


def test_assess_weixian_july():
    current = {"valid_days": 209, "good_days": 120, "heavy_days": 12, "pm25_mean": 58, "pm25_valid_days": 209,
               "o3_8h": None, "pm10_mean": 90}  # extra keys ignored
    df = assess_targets(current, {"pm25_mean": 57, "heavy_day_ratio": 5.2}, as_of="2020-07-27", year=2020,
                        reporting_decimals={"pm25_mean": None}, ceiling_decimals=0)
    assert list(df.columns) == list(ASSESS_COLUMNS)
    assert list(df.index) == ["pm25_mean", "heavy_day_ratio"]  # display order
    pm = df.loc["pm25_mean"]
    # the bulletin printed 56 (55.67 rounded up), which misses a strict 57; "remaining" is the safe 55
    assert pm["remaining"] == Decimal("55") and pm["detail"].published_ceiling == Decimal("56") and pm["status"] == "at_risk"
    assert pm["met_so_far"] is False and pm["current_published"] == Decimal("58.0")
    assert pm["detail"].ceiling == F(8740, 157)
    hv = df.loc["heavy_day_ratio"]
    assert hv["remaining"] == 7 and hv["detail"].cap_days == 19
    # 12/209 = 5.74 % so far > 5.2 %
    assert hv["met_so_far"] is False and hv["current_published"] == Decimal("5.7")


def test_assess_guigang_full_table():
    # 2023, as of 30 Jun (day 181): 180 valid AQI days, 170 good, no heavy; PM2.5 29.6 over 179 days;
    # O3 values so far: 160 days at 100, 20 days at 170 (exceed 160).
    o3 = [100.0] * 160 + [170.0] * 20
    current = {"valid_days": 180, "good_days": 170, "heavy_days": 0, "pm25_mean": 29.6, "pm25_valid_days": 179,
               "o3_8h": o3}
    tg = {"good_day_ratio": Decimal("93.8"), "pm25_mean": Decimal("30.9"), "heavy_day_ratio": Decimal("0.0"),
          "o3_p90": 160, "good_days": 340}
    df = assess_targets(current, tg, as_of="2023-06-30", year=2023)
    assert list(df.index) == ["good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90", "good_days"]
    assert df.index.name == "key"
    # N = 180 + 184 = 364; G: 0.938·364 = 341.43 -> 342; 341/364 = 93.68 -> 93.7 fails -> 342;
    # allowed 22; non-good so far 10 -> 12 more
    g = df.loc["good_day_ratio"]
    assert g["detail"].n_days == 364 and g["remaining"] == 12 and g["status"] == "at_risk"
    assert g["target"] == Decimal("93.8")
    assert g["current_published"] == Decimal("94.4") and g["met_so_far"] is True  # 170/180 = 94.44
    # PM2.5: N = 179 + 184 = 363; (30.95·363 - 29.6·179)/184 = (11234.85 - 5298.4)/184 = 5936.45/184
    # = 32.263: "remaining" is the safe ceiling 32.2, never the rounded-up 32.3 (issue 9 item 5)
    p = df.loc["pm25_mean"]
    assert p["detail"].ceiling == F(593645, 18400) and p["remaining"] == Decimal("32.2")
    assert p["detail"].published_ceiling == Decimal("32.3") and p["remaining"] <= p["detail"].ceiling
    assert p["met_so_far"] is True
    h = df.loc["heavy_day_ratio"]
    assert h["remaining"] == 0 and h["status"] == "at_risk" and h["met_so_far"] is True
    # O3: n = 180 + 184 = 364, k = 1 + 0.9·363 = 327.7, s = 327 -> 364 - 328 = 36 guaranteed; 20 so far
    o = df.loc["o3_p90"]
    assert o["detail"].max_exceedances == 36 and o["remaining"] == 16
    # P90 so far of 180 values: k = 1 + 0.9·179 = 162.1 -> X(162) = 170 -> 170 > 160
    assert o["current_published"] == Decimal("170") and o["met_so_far"] is False
    gd = df.loc["good_days"]
    assert gd["remaining"] == 364 - 340 - 10 and gd["met_so_far"] is False  # 14


def test_assess_year_lost_and_safe():
    # year end (31 Dec): no remaining day; Guigang 28.9 with 28.95 published 29.0 -> lost
    current = {"valid_days": 365, "good_days": 350, "heavy_days": 0, "pm25_mean": "28.95", "pm25_valid_days": 365}
    df = assess_targets(current, {"good_day_ratio": 95.4, "pm25_mean": 28.9, "heavy_day_ratio": 0.0},
                        as_of="2023-12-31", year=2023)
    # 350/365 = 95.89 % -> safe; heavy 0 -> safe; PM2.5 lost
    assert df.loc["good_day_ratio", "status"] == "safe"
    assert df.loc["heavy_day_ratio", "status"] == "safe"
    assert df.loc["pm25_mean", "status"] == "lost" and df.loc["pm25_mean", "remaining"] is None
    assert df.loc["pm25_mean", "met_so_far"] is False


def test_assess_invalid_days_reduce_n():
    # 31 Mar 2023 (day 90) with only 80 valid days: N = 80 + 275 = 355, not 365
    current = {"valid_days": 80, "good_days": 75, "heavy_days": 0, "pm25_mean": 30, "pm25_valid_days": 80}
    df = assess_targets(current, {"good_day_ratio": 95}, as_of="2023-03-31", year=2023)
    a = df.loc["good_day_ratio", "detail"]
    # 0.95·355 = 337.25 -> 338; 337/355 = 94.93 -> 94.9 fails -> 338; allowed 17; 5 so far -> 12
    assert a.n_days == 355 and a.min_good_days == 338 and df.loc["good_day_ratio", "remaining"] == 12


def test_assess_plan_decimals_mapping_accepted():
    # a plan's options.decimals (with pm10_mean/composite_index) can be passed as is
    decimals = {"good_day_ratio": 1, "heavy_day_ratio": 1, "pm25_mean": 1, "pm10_mean": 0, "o3_p90": 0,
                "composite_index": 2}
    current = {"valid_days": 100, "good_days": 95, "heavy_days": 0, "pm25_mean": 30, "pm25_valid_days": 100}
    df = assess_targets(current, {"heavy_day_ratio": 0.0}, as_of="2023-04-10", year=2023, reporting_decimals=decimals)
    assert df.loc["heavy_day_ratio", "detail"].reporting_decimals == 1


@pytest.mark.parametrize(
    "current_upd,targets,kwargs,match",
    [
        ({}, {"pm10_mean": 60}, {}, "pm10_mean"),
        ({}, {"pm25": 30}, {}, "unknown key 'pm25'"),
        ({}, {"o3_p90": 160}, {}, "o3_8h"),
        ({"valid_days": 101}, {"good_day_ratio": 95}, {}, "valid_days"),
        ({"heavy_days": 6}, {"good_day_ratio": 95}, {}, "heavy_days"),
        ({}, {"good_day_ratio": 95}, {"as_of": "2024-04-10"}, "as_of"),
        ({}, {"good_day_ratio": 95}, {"as_of": "not a date"}, "as_of"),
        ({}, {"good_day_ratio": 95}, {"reporting_decimals": {"good_day_ratio": "1"}}, "reporting_decimals"),
        ({}, {"good_day_ratio": 95}, {"remaining_valid_days": 300}, "remaining_valid_days"),
    ],
)
def test_assess_bad_input(current_upd, targets, kwargs, match):
    current = {"valid_days": 100, "good_days": 95, "heavy_days": 0, "pm25_mean": 30, "pm25_valid_days": 100}
    current.update(current_upd)
    kw = {"as_of": "2023-04-10", "year": 2023}
    kw.update(kwargs)
    with pytest.raises(ValueError, match=match):
        assess_targets(current, targets, **kw)
    # missing key
    with pytest.raises(ValueError, match="pm25_valid_days"):
        assess_targets({"valid_days": 1, "good_days": 1, "heavy_days": 0, "pm25_mean": 30}, {"pm25_mean": 30},
                       as_of="2023-01-01", year=2023)


def test_assess_series_input_and_none_targets():
    current = pd.Series({"valid_days": 100, "good_days": 95, "heavy_days": 0, "pm25_mean": 30.0,
                         "pm25_valid_days": 100})
    df = assess_targets(current, {"good_day_ratio": 95, "o3_p90": None}, as_of="2023-04-10", year=2023)
    assert list(df.index) == ["good_day_ratio"]


def test_docstring_examples():
    result = doctest.testmod(targets_mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 3 and result.failed == 0
