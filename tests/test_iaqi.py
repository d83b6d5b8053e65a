"""Tests of ``airq.iaqi`` against an independent exact reference.

The reference below is written from standards.md §1.1 (HJ 633—2012 Table 1, HJ 633—2026
Table 3) and §1.2 (GB/T 8170 rounding of the concentration, then IAQI rounded *up*), typed
into this file by hand: it does not read airq's TOML files and uses only ``fractions.Fraction``
and integer arithmetic. Other test files load it from here (see ``load_reference`` users).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import airq
from airq import AirqUnitWarning, iaqi

#: For tests that walk the CO tables to their top (60 mg/m³ 24-h, 150 mg/m³ 1-h) on purpose:
#: CO above 50 mg/m³ also looks like µg/m³ (airq.units.CO_UG_THRESHOLD) and warns; the index is
#: still the table's. The warning itself is tested in test_co_units.py.
CO_ABOVE_50_ON_PURPOSE = pytest.mark.filterwarnings("ignore::airq.AirqUnitWarning")

# --------------------------------------------------------------------------- reference
# standards.md §1.1, typed by hand. Units µg/m³, CO mg/m³.

REF_IAQI = (0, 50, 100, 150, 200, 300, 400, 500)

_COMMON = {
    ("so2", "24h"): (0, 50, 150, 475, 800, 1600, 2100, 2620),
    ("so2", "1h"): (0, 150, 500, 650, 800),  # note 3: nothing above 800
    ("no2", "24h"): (0, 40, 80, 180, 280, 565, 750, 940),
    ("no2", "1h"): (0, 100, 200, 700, 1200, 2340, 3090, 3840),
    ("co", "24h"): (0, 2, 4, 14, 24, 36, 48, 60),
    ("co", "1h"): (0, 5, 10, 35, 60, 90, 120, 150),
    ("o3", "1h"): (0, 160, 200, 300, 400, 800, 1000, 1200),
    ("o3", "8h"): (0, 100, 160, 215, 265, 800),  # note 4: nothing above 800
}
REF_TABLES = {
    "HJ633-2012": {
        **_COMMON,
        ("pm10", "24h"): (0, 50, 150, 250, 350, 420, 500, 600),
        ("pm25", "24h"): (0, 35, 75, 115, 150, 250, 350, 500),
    },
    "HJ633-2026": {
        **_COMMON,
        ("pm10", "24h"): (0, 50, 120, 250, 350, 420, 500, 600),
        ("pm25", "24h"): (0, 35, 60, 115, 150, 250, 350, 500),
    },
}
RULES = ("HJ633-2012", "HJ633-2026")
#: Every (pollutant, averaging) iaqi accepts; PM 1-h uses the 24-h table (standards.md §1.5).
CASES = [
    ("so2", "24h"), ("so2", "1h"), ("no2", "24h"), ("no2", "1h"), ("co", "24h"), ("co", "1h"),
    ("o3", "1h"), ("o3", "8h"), ("pm10", "24h"), ("pm10", "1h"), ("pm25", "24h"), ("pm25", "1h"),
]


def ref_decimals(pollutant: str) -> int:
    """Decimals kept before the sub-index: CO 1, others 0 (HJ 633—2026 §4.2.2)."""
    return 1 if pollutant == "co" else 0


def ref_half_even(value: Fraction, decimals: int) -> Fraction:
    """GB/T 8170 rounding of an exact value: nearest, exact halves to the even neighbour."""
    scaled = Fraction(value) * 10**decimals
    low = math.floor(scaled)
    rest = scaled - low
    if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and low % 2 == 1):
        low += 1
    return Fraction(low, 10**decimals)


def ref_table(rules: str, pollutant: str, averaging: str) -> tuple[int, ...]:
    if pollutant in ("pm10", "pm25"):
        averaging = "24h"
    return REF_TABLES[rules][(pollutant, averaging)]


def as_fraction(value) -> Fraction:
    """The exact decimal a value stands for (a float is read as its shortest repr)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(Decimal(str(value)))


def ref_iaqi(rules: str, pollutant: str, averaging: str, value, beyond: str = "cap"):
    """Exact IAQI (int) or None for 'no sub-index'. ``value`` is the concentration as written."""
    bps = ref_table(rules, pollutant, averaging)
    c = ref_half_even(as_fraction(value), ref_decimals(pollutant))
    if c > bps[-1]:
        if (pollutant, averaging) == ("so2", "1h"):
            return None if rules == "HJ633-2012" else 200  # §1.1 note 3
        if (pollutant, averaging) == ("o3", "8h"):
            return None if rules == "HJ633-2012" else 300  # §1.1 note 4
        return 500 if beyond == "cap" else None  # §1.1 note 5 (cap) / missing
    if c == 0:
        return 0
    for i in range(1, len(bps)):
        if c <= bps[i]:
            lo, hi = Fraction(bps[i - 1]), Fraction(bps[i])
            ilo, ihi = REF_IAQI[i - 1], REF_IAQI[i]
            return math.ceil(Fraction(ihi - ilo) / (hi - lo) * (c - lo) + ilo)
    raise AssertionError("unreachable")


def to_list(result) -> list:
    """airq result (IntegerArray / Series) -> list of int or None."""
    return [None if pd.isna(v) else int(v) for v in list(result)]


def grid_for(pollutant: str, averaging: str, rules: str) -> tuple[np.ndarray, list[Fraction]]:
    """Every representable rounded concentration from 0 to past the top of the table."""
    top = ref_table(rules, pollutant, averaging)[-1]
    d = ref_decimals(pollutant)
    upper = max(600, top + 50) if d == 0 else top + 5
    ks = np.arange(0, upper * 10**d + 1)
    values = ks / 10**d  # correctly rounded doubles: repr is the short decimal
    return values, [Fraction(int(k), 10**d) for k in ks]


HSET = dict(deadline=None, database=None)

# --------------------------------------------------------------------------- 1. §1.7 vectors

# (pollutant, averaging, concentration, IAQI 2012, IAQI 2026) from standards.md §1.7.
VECTORS = [
    ("pm25", "24h", "35", 50, 50),
    ("pm25", "24h", "36", 52, 52),
    ("pm25", "24h", "60", 82, 100),
    ("pm25", "24h", "74", 99, 113),
    ("pm25", "24h", "75", 100, 114),
    ("pm25", "24h", "76", 102, 115),
    ("pm25", "24h", "120", 158, 158),
    ("pm10", "24h", "120", 85, 100),
    ("pm10", "24h", "150", 100, 112),
    ("pm10", "24h", "180", 115, 124),
    ("o3", "8h", "160", 100, 100),
    ("o3", "8h", "161", 101, 101),
    ("o3", "8h", "200", 137, 137),
    ("o3", "1h", "200", 100, 100),
    ("o3", "1h", "201", 101, 101),
    ("co", "24h", "4.0", 100, 100),
    ("co", "24h", "4.1", 101, 101),
    ("co", "24h", "2.2", 55, 55),
    ("so2", "24h", "65", 58, 58),
    ("so2", "1h", "65", 22, 22),
    ("no2", "24h", "150", 135, 135),
    ("no2", "1h", "350", 115, 115),
    # SO2 1h 900: 2012 no 1-h sub-index (the 24-h one is used instead), 2026 200.
    ("so2", "1h", "900", None, 200),
    # O3 8h 850: 2012 no 8-h sub-index (the 1-h one is used instead), 2026 300.
    ("o3", "8h", "850", None, 300),
    # GB/T 8170 example: CO 4.05 -> 4.0 -> 100 (half-up would give 4.1 -> 101).
    ("co", "24h", "4.05", 100, 100),
]


@pytest.mark.parametrize("pollutant,averaging,conc,want2012,want2026", VECTORS)
@pytest.mark.parametrize("as_type", ["str", "float"])
def test_standards_vectors(pollutant, averaging, conc, want2012, want2026, as_type):
    value = conc if as_type == "str" else float(conc)
    assert iaqi(pollutant, value, averaging=averaging, rules="HJ633-2012") == want2012
    assert iaqi(pollutant, value, averaging=averaging, rules="HJ633-2026") == want2026
    # and the independent reference agrees with the hand-copied vector
    assert ref_iaqi("HJ633-2012", pollutant, averaging, conc) == want2012
    assert ref_iaqi("HJ633-2026", pollutant, averaging, conc) == want2026


def test_vectors_vectorised():
    """The same vectors, passed as one array per rule set."""
    for rules, col in (("HJ633-2012", 3), ("HJ633-2026", 4)):
        for (pollutant, averaging) in {(v[0], v[1]) for v in VECTORS}:
            rows = [v for v in VECTORS if (v[0], v[1]) == (pollutant, averaging)]
            got = iaqi(pollutant, np.array([float(r[2]) for r in rows]), averaging=averaging, rules=rules)
            assert to_list(got) == [r[col] for r in rows], (rules, pollutant, averaging)


# --------------------------------------------------------------------------- 5. float traps


@pytest.mark.parametrize("rules", RULES)
def test_float_traps(rules):
    # standards.md §1.2 "arithmetic trap": exact IAQI is an integer, float ceil gives +1.
    assert iaqi("co", 2.2, averaging="24h", rules=rules) == 55  # 50/2*2.2 = 55 exactly
    assert iaqi("co", 1.1, averaging="1h", rules=rules) == 11  # 50/5*1.1 = 11 exactly
    with pytest.warns(AirqUnitWarning, match="65.4 looks like µg/m³"):  # CO > 50 mg/m³ (airq.units)
        assert iaqi("co", 65.4, averaging="1h", rules=rules) == 218  # 200 + 100/30*5.4 = 218 exactly
    assert iaqi("pm25", 35, averaging="24h", rules=rules) == 50  # 50/35*35 = 50 exactly
    assert iaqi("pm25", 35.0, averaging="1h", rules=rules) == 50
    # vectorised paths too
    assert to_list(iaqi("co", [2.2, 4.05, 4.0], averaging="24h", rules=rules)) == [55, 100, 100]
    with pytest.warns(AirqUnitWarning, match="65.4 looks like µg/m³"):
        assert to_list(iaqi("co", np.array([1.1, 65.4]), averaging="1h", rules=rules)) == [11, 218]
    assert to_list(iaqi("co", pd.Series([2.2]), averaging="24h", rules=rules)) == [55]


@CO_ABOVE_50_ON_PURPOSE
def test_every_exact_integer_iaqi_is_not_bumped():
    """Every CO concentration (0.1 steps) whose exact IAQI is an integer gets exactly that."""
    for rules in RULES:
        for averaging in ("24h", "1h"):
            values, fracs = grid_for("co", averaging, rules)
            bps = ref_table(rules, "co", averaging)
            exact = []
            for c in fracs:
                if c > bps[-1] or c == 0:
                    continue
                i = next(j for j in range(1, len(bps)) if c <= bps[j])
                raw = Fraction(REF_IAQI[i] - REF_IAQI[i - 1], bps[i] - bps[i - 1]) * (c - bps[i - 1]) + REF_IAQI[i - 1]
                if raw.denominator == 1:
                    exact.append((float(c), int(raw)))
            assert len(exact) > 50
            got = iaqi("co", np.array([v for v, _ in exact]), averaging=averaging, rules=rules)
            assert to_list(got) == [w for _, w in exact]


# --------------------------------------------------------------------------- 2. exhaustive grid


@CO_ABOVE_50_ON_PURPOSE
@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("pollutant,averaging", CASES)
def test_exhaustive_grid(rules, pollutant, averaging):
    """Every rounded concentration 0 .. past the top (CO in 0.1 steps) vs the Fraction reference,
    in one vectorised call. Covers the >800 rules and the cap above the top."""
    values, fracs = grid_for(pollutant, averaging, rules)
    want = [ref_iaqi(rules, pollutant, averaging, c) for c in fracs]
    got = iaqi(pollutant, values, averaging=averaging, rules=rules)
    assert isinstance(got, pd.arrays.IntegerArray)
    got = to_list(got)
    bad = [(float(c), g, w) for c, g, w in zip(fracs, got, want) if g != w]
    assert not bad, f"{len(bad)} mismatches, first: {bad[:5]}"


@CO_ABOVE_50_ON_PURPOSE
@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("pollutant,averaging", CASES)
def test_exhaustive_grid_unrounded_halves(rules, pollutant, averaging):
    """Concentrations exactly half-way (x.5; CO x.x5) are GB/T 8170-rounded to even first."""
    d = ref_decimals(pollutant)
    top = ref_table(rules, pollutant, averaging)[-1]
    upper = max(600, top + 50)
    # n + 1/2 in units of 10**-d
    ks = np.arange(0, upper * 10**d) * 10 + 5  # units of 10**-(d+1)
    values = ks / 10 ** (d + 1)
    fracs = [Fraction(int(k), 10 ** (d + 1)) for k in ks]
    want = [ref_iaqi(rules, pollutant, averaging, c) for c in fracs]
    got = to_list(iaqi(pollutant, values, averaging=averaging, rules=rules))
    bad = [(float(c), g, w) for c, g, w in zip(fracs, got, want) if g != w]
    assert not bad, f"{len(bad)} mismatches, first: {bad[:5]}"


@pytest.mark.parametrize("rules", RULES)
def test_half_even_examples_through_iaqi(rules):
    # 74.5 -> 74, 75.5 -> 76, 35.5 -> 36, 60.5 -> 60, 60.51 -> 61 (standards.md §1.2)
    for conc, rounded in ((74.5, 74), (75.5, 76), (35.5, 36), (60.5, 60), (60.51, 61)):
        assert iaqi("pm25", conc, averaging="24h", rules=rules) == ref_iaqi(rules, "pm25", "24h", rounded)
    assert iaqi("co", 4.05, averaging="24h", rules=rules) == 100
    assert iaqi("co", 4.15, averaging="24h", rules=rules) == ref_iaqi(rules, "co", "24h", "4.2") == 101  # 100 + 5*0.2
    assert iaqi("co", 4.25, averaging="24h", rules=rules) == ref_iaqi(rules, "co", "24h", "4.2") == 101  # 100 + 5*0.2


@CO_ABOVE_50_ON_PURPOSE
@pytest.mark.parametrize("rules", RULES)
@pytest.mark.parametrize("pollutant,averaging", [c for c in CASES if c not in (("so2", "1h"), ("o3", "8h"))])
def test_beyond_modes_above_top(rules, pollutant, averaging):
    top = ref_table(rules, pollutant, averaging)[-1]
    step = Fraction(1, 10) if pollutant == "co" else Fraction(1)
    above = [float(top + step), float(top + 100 * step), float(10 * top)]
    assert to_list(iaqi(pollutant, above, averaging=averaging, rules=rules)) == [500] * 3
    assert to_list(iaqi(pollutant, above, averaging=averaging, rules=rules, beyond="cap")) == [500] * 3
    assert to_list(iaqi(pollutant, above, averaging=averaging, rules=rules, beyond="nan")) == [None] * 3
    assert iaqi(pollutant, float(top), averaging=averaging, rules=rules, beyond="raise") == 500
    with pytest.raises(ValueError):
        iaqi(pollutant, above[0], averaging=averaging, rules=rules, beyond="raise")
    with pytest.raises(ValueError):
        iaqi(pollutant, [float(top), above[1]], averaging=averaging, rules=rules, beyond="raise")


@pytest.mark.parametrize("beyond", ["cap", "nan", "raise"])
def test_special_800_rules_ignore_beyond(beyond):
    """SO2 1h > 800 and O3 8h > 800 follow the rule set, not the 'beyond' option."""
    for v in (801, 850, 900, 5000):
        assert iaqi("so2", v, averaging="1h", rules="HJ633-2012", beyond=beyond) is None
        assert iaqi("so2", v, averaging="1h", rules="HJ633-2026", beyond=beyond) == 200
        assert iaqi("o3", v, averaging="8h", rules="HJ633-2012", beyond=beyond) is None
        assert iaqi("o3", v, averaging="8h", rules="HJ633-2026", beyond=beyond) == 300
    # 800 itself is inside the table (IAQI 200 / 300); 800.5 rounds to 800 (half-even), 800.51 to 801
    for rules in RULES:
        assert iaqi("so2", [800, 800.5], averaging="1h", rules=rules, beyond=beyond).tolist() == [200, 200]
        assert iaqi("o3", [800, 800.5], averaging="8h", rules=rules, beyond=beyond).tolist() == [300, 300]
    assert to_list(iaqi("so2", [800.51, 799], averaging="1h", rules="HJ633-2012")) == [None, 200]
    assert to_list(iaqi("so2", [800.51, 799], averaging="1h", rules="HJ633-2026")) == [200, 200]


# --------------------------------------------------------------------------- 3. breakpoints


def _breakpoint_cases():
    for rules in RULES:
        for pollutant, averaging in CASES:
            for b in ref_table(rules, pollutant, averaging):
                yield rules, pollutant, averaging, b


@CO_ABOVE_50_ON_PURPOSE
@pytest.mark.parametrize("rules,pollutant,averaging,b", list(_breakpoint_cases()))
def test_breakpoints(rules, pollutant, averaging, b):
    bps = ref_table(rules, pollutant, averaging)
    level = REF_IAQI[bps.index(b)]
    unit = Fraction(1, 10) if pollutant == "co" else Fraction(1)
    # at the breakpoint the sub-index is exactly the table's IAQI
    assert iaqi(pollutant, float(b), averaging=averaging, rules=rules) == level
    assert iaqi(pollutant, str(b), averaging=averaging, rules=rules) == level
    if b > 0:
        below = Fraction(b) - unit
        got = iaqi(pollutant, float(below), averaging=averaging, rules=rules)
        assert got == ref_iaqi(rules, pollutant, averaging, below)
        assert got <= level
        if level > 0:
            assert got > REF_IAQI[bps.index(b) - 1]  # still inside the lower bracket
    above = Fraction(b) + unit
    got = iaqi(pollutant, float(above), averaging=averaging, rules=rules)
    assert got == ref_iaqi(rules, pollutant, averaging, above)
    if b != bps[-1]:
        assert level < got <= REF_IAQI[bps.index(b) + 1]


def test_breakpoints_by_hand():
    """A few neighbours computed by hand from §1.1 (independent of the reference function)."""
    hand = [
        # 2026 PM2.5: 59 -> 50 + 50/25*24 = 98; 60 -> 100; 61 -> 100 + 50/55 = 100.9 -> 101
        ("HJ633-2026", "pm25", "24h", [59, 60, 61], [98, 100, 101]),
        # 2012 PM2.5: 74 -> 50 + 50/40*39 = 98.75 -> 99; 75 -> 100; 76 -> 101.25 -> 102
        ("HJ633-2012", "pm25", "24h", [74, 75, 76], [99, 100, 102]),
        # 2026 PM10: 119 -> 50 + 50/70*69 = 99.3 -> 100; 120 -> 100; 121 -> 100 + 50/130 -> 101
        ("HJ633-2026", "pm10", "24h", [119, 120, 121], [100, 100, 101]),
        # CO 24h: 3.9 -> 50 + 25*1.9 = 97.5 -> 98; 4.0 -> 100; 4.1 -> 100 + 5*0.1 = 100.5 -> 101
        ("HJ633-2012", "co", "24h", [3.9, 4.0, 4.1], [98, 100, 101]),
        # CO 1h: 9.9 -> 50 + 10*4.9 = 99; 10.1 -> 100 + 2*0.1 = 100.2 -> 101
        ("HJ633-2026", "co", "1h", [9.9, 10.0, 10.1], [99, 100, 101]),
        # SO2 24h 2619 -> 400 + 100/520*519 = 499.8 -> 500; 2620 -> 500; 2621 -> cap 500
        ("HJ633-2012", "so2", "24h", [2619, 2620, 2621], [500, 500, 500]),
        # O3 8h: 264 -> 150 + 50/50*49 = 199; 265 -> 200; 266 -> 200 + 100/535 -> 201
        ("HJ633-2026", "o3", "8h", [264, 265, 266], [199, 200, 201]),
        # NO2 1h: 1199 -> 150 + 50/500*499 = 199.9 -> 200; 1201 -> 200 + 100/1140 -> 201
        ("HJ633-2012", "no2", "1h", [1199, 1200, 1201], [200, 200, 201]),
        # PM 1h uses the 24h table: 2026 PM2.5 1h 61 -> 101
        ("HJ633-2026", "pm25", "1h", [60, 61], [100, 101]),
        ("HJ633-2012", "pm10", "1h", [150, 151], [100, 101]),
        # zero and the first unit
        ("HJ633-2012", "pm25", "24h", [0, 1], [0, 2]),  # 50/35 = 1.43 -> 2
        ("HJ633-2012", "co", "24h", [0.0, 0.1], [0, 3]),  # 25*0.1 = 2.5 -> 3
    ]
    for rules, pollutant, averaging, concs, want in hand:
        assert to_list(iaqi(pollutant, concs, averaging=averaging, rules=rules)) == want, (rules, pollutant, concs)


# --------------------------------------------------------------------------- 4. properties


def _table_strategy():
    return st.tuples(st.sampled_from(RULES), st.sampled_from(CASES))


def _decimal_value(max_value: int, decimals: int = 2):
    return st.integers(0, max_value * 10**decimals).map(lambda k: k / 10**decimals)


@CO_ABOVE_50_ON_PURPOSE
@settings(max_examples=200, **HSET)
@given(data=st.data())
def test_iaqi_monotone(data):
    rules, (pollutant, averaging) = data.draw(_table_strategy())
    top = ref_table(rules, pollutant, averaging)[-1]
    upper = int(top * 1.2) + 1
    if rules == "HJ633-2012" and (pollutant, averaging) in (("so2", "1h"), ("o3", "8h")):
        upper = 800  # above 800 there is no sub-index at all under 2012
    values = sorted(data.draw(st.lists(_decimal_value(upper), min_size=2, max_size=20)))
    got = to_list(iaqi(pollutant, np.array(values), averaging=averaging, rules=rules))
    assert all(g is not None for g in got)
    assert all(a <= b for a, b in zip(got, got[1:])), list(zip(values, got))


@CO_ABOVE_50_ON_PURPOSE
@settings(max_examples=300, **HSET)
@given(data=st.data())
def test_iaqi_matches_reference_random_decimals(data):
    """Unrounded concentrations with up to 3 decimals: GB/T 8170 rounding + exact ceil."""
    rules, (pollutant, averaging) = data.draw(_table_strategy())
    top = ref_table(rules, pollutant, averaging)[-1]
    values = data.draw(st.lists(_decimal_value(int(top * 1.1) + 1, 3), min_size=1, max_size=30))
    got = to_list(iaqi(pollutant, values, averaging=averaging, rules=rules))
    want = [ref_iaqi(rules, pollutant, averaging, v) for v in values]
    assert got == want, list(zip(values, got, want))


@CO_ABOVE_50_ON_PURPOSE  # k up to 6000: CO "60.00"
@settings(max_examples=100, **HSET)
@given(rules=st.sampled_from(RULES), k=st.integers(0, 6000))
def test_iaqi_string_input_is_read_as_written(rules, k):
    """A decimal string gives the same result as its exact value (CO to 2 decimals)."""
    text = f"{k // 100}.{k % 100:02d}"
    assert iaqi("co", text, averaging="24h", rules=rules) == ref_iaqi(rules, "co", "24h", text)


# --------------------------------------------------------------------------- input kinds


def test_return_kinds():
    r = "HJ633-2026"
    v = iaqi("pm25", 60, averaging="24h", rules=r)
    assert v == 100 and type(v) is int
    assert iaqi("pm25", np.int64(60), averaging="24h", rules=r) == 100
    assert iaqi("pm25", np.float64(60.0), averaging="24h", rules=r) == 100
    assert iaqi("pm25", "60", averaging="24h", rules=r) == 100
    assert iaqi("pm25", float("nan"), averaging="24h", rules=r) is None
    assert iaqi("pm25", None, averaging="24h", rules=r) is None

    s = pd.Series([60.0, np.nan, 75.0], index=["a", "b", "c"], name="pm25")
    out = iaqi("pm25", s, averaging="24h", rules=r)
    assert isinstance(out, pd.Series)
    assert str(out.dtype) == "Int64"
    assert list(out.index) == ["a", "b", "c"] and out.name == "pm25"
    assert to_list(out) == [100, None, 114]

    lst = iaqi("pm25", [60, None, 75], averaging="24h", rules=r)
    assert isinstance(lst, pd.arrays.IntegerArray)
    assert to_list(lst) == [100, None, 114]

    arr = iaqi("pm25", np.array([60.0, np.nan]), averaging="24h", rules=r)
    assert isinstance(arr, pd.arrays.IntegerArray)
    assert to_list(arr) == [100, None]

    df = pd.DataFrame({"x": [60, 75], "y": [35, 36]}, index=[10, 20])
    out = iaqi("pm25", df, averaging="24h", rules=r)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["x", "y"] and list(out.index) == [10, 20]
    assert to_list(out["x"]) == [100, 114] and to_list(out["y"]) == [50, 52]

    two_d = iaqi("pm25", np.array([[60.0, np.nan], [35.0, 36.0]]), averaging="24h", rules=r)
    assert two_d.shape == (2, 2)
    assert int(two_d[0, 0]) == 100 and bool(np.ma.getmaskarray(two_d)[0, 1])
    assert int(two_d[1, 0]) == 50 and int(two_d[1, 1]) == 52

    assert len(iaqi("pm25", [], averaging="24h", rules=r)) == 0


def test_rules_argument_forms():
    rs = airq.get_rules("HJ633-2026")
    for form in ("HJ633-2026", "2026", rs):
        assert iaqi("pm25", 60, averaging="24h", rules=form) == 100
    for form in ("HJ633-2012", "2012", airq.get_rules("2012")):
        assert iaqi("pm25", 60, averaging="24h", rules=form) == 82


# --------------------------------------------------------------------------- 10. errors


@pytest.mark.parametrize("pollutant", ["pm2.5", "PM25", "o3_8h", "nox", "", "co2"])
def test_unknown_pollutant(pollutant):
    with pytest.raises(ValueError, match="pollutant"):
        iaqi(pollutant, 10, averaging="24h", rules="HJ633-2026")


@pytest.mark.parametrize(
    "pollutant,averaging",
    [("pm25", "2h"), ("pm25", "24H"), ("so2", "daily"), ("pm25", "8h"), ("pm10", "8h"), ("so2", "8h"),
     ("no2", "8h"), ("co", "8h"), ("o3", "24h")],
)
def test_unknown_or_undefined_averaging(pollutant, averaging):
    for rules in RULES:
        with pytest.raises(ValueError):
            iaqi(pollutant, 10, averaging=averaging, rules=rules)


@pytest.mark.parametrize("rules", ["HJ633-2013", "2018", "", "US-EPA"])
def test_unknown_rules(rules):
    with pytest.raises(ValueError, match="rule"):
        iaqi("pm25", 10, averaging="24h", rules=rules)


@pytest.mark.parametrize("value", [-1, -0.1, -1000.0, [10, -5], np.array([3.0, -0.01]), pd.Series([1.0, -2.0])])
def test_negative_concentration(value):
    with pytest.raises(ValueError, match="negative"):
        iaqi("pm25", value, averaging="24h", rules="HJ633-2026")


@pytest.mark.parametrize("value", ["abc", "12,5", "35ug", ["35", "abc"], np.array(["1", "x"], dtype=object)])
def test_non_numeric(value):
    with pytest.raises(ValueError, match="abc|12,5|35ug|'x'"):
        iaqi("pm25", value, averaging="24h", rules="HJ633-2026")


def test_non_numeric_series_names_value():
    with pytest.raises(ValueError, match="abc"):
        iaqi("pm25", pd.Series(["35", "abc"]), averaging="24h", rules="HJ633-2026")


def test_infinite_and_bad_beyond():
    with pytest.raises(ValueError):
        iaqi("pm25", float("inf"), averaging="24h", rules="HJ633-2026")
    with pytest.raises(ValueError, match="beyond"):
        iaqi("pm25", 10, averaging="24h", rules="HJ633-2026", beyond="clip")
    with pytest.raises(ValueError):
        iaqi("pm25", [True, False], averaging="24h", rules="HJ633-2026")
