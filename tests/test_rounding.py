"""GB/T 8170 rounding (standards.md §1.2, S11): round half to even on the decimal as written.

References are hand-written examples from standards.md and ``decimal.Decimal`` quantize with
ROUND_HALF_EVEN on the shortest repr of the float (the "decimal as written").
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from airq import round_gbt8170
from airq.rounding import round_decimal_string

HSET = dict(deadline=None, database=None)


def ref_round(x: float, decimals: int) -> float:
    """Independent reference: Decimal of the float's repr, quantized half-even."""
    q = Decimal(repr(x)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    return float(q)


# --------------------------------------------------------------------------- hand examples

# standards.md §1.2: 74.5->74, 75.5->76, 35.5->36, 60.5->60, 60.51->61; CO 4.05 -> 4.0
EXAMPLES_0 = [(74.5, 74.0), (75.5, 76.0), (35.5, 36.0), (60.5, 60.0), (60.51, 61.0), (0.5, 0.0), (1.5, 2.0),
              (2.5, 2.0), (2.4999, 2.0), (2.5001, 3.0), (35.4, 35.0), (35.6, 36.0), (0.0, 0.0), (799.5, 800.0),
              (800.5, 800.0), (801.5, 802.0), (-2.5, -2.0), (-3.5, -4.0), (-0.4, -0.0)]
EXAMPLES_1 = [(4.05, 4.0), (4.15, 4.2), (4.25, 4.2), (4.35, 4.4), (4.45, 4.4), (2.25, 2.2), (0.05, 0.0),
              (0.15, 0.2), (1.05, 1.0), (1.15, 1.2), (4.051, 4.1), (4.049, 4.0), (65.45, 65.4), (65.55, 65.6)]


@pytest.mark.parametrize("value,want", EXAMPLES_0)
def test_examples_integer(value, want):
    got = round_gbt8170(value)
    assert isinstance(got, float)
    assert got == want
    assert round_gbt8170(value, 0) == want


@pytest.mark.parametrize("value,want", EXAMPLES_1)
def test_examples_one_decimal(value, want):
    assert round_gbt8170(value, 1) == want
    assert round_gbt8170(repr(value), 1) == want
    assert float(round_decimal_string(repr(value), 1)) == want


def test_vectorised_examples_match_scalar_examples():
    vals0, want0 = zip(*EXAMPLES_0)
    vals1, want1 = zip(*EXAMPLES_1)
    assert round_gbt8170(list(vals0)).tolist() == list(want0)
    assert round_gbt8170(np.array(vals1), 1).tolist() == list(want1)
    assert round_gbt8170(pd.Series(vals1), 1).tolist() == list(want1)


def test_docstring_example():
    assert round_gbt8170([4.05, 74.5, 75.5, 35.5, 60.51], 0).tolist() == [4.0, 74.0, 76.0, 36.0, 61.0]
    assert float(round_gbt8170(4.05, 1)) == 4.0


def test_two_decimals_and_negative_decimals():
    assert round_gbt8170([1.005, 1.015, 1.025, 0.125, 0.375], 2).tolist() == [1.0, 1.02, 1.02, 0.12, 0.38]
    assert round_gbt8170([25.0, 35.0, 15.0, 14.9, 251.0], -1).tolist() == [20.0, 40.0, 20.0, 10.0, 250.0]
    assert str(round_decimal_string("25", -1).normalize()) in ("2E+1", "20")
    assert float(round_decimal_string("35", -1)) == 40.0


# --------------------------------------------------------------------------- input kinds


def test_kinds_scalar_and_missing():
    assert round_gbt8170(3) == 3.0 and isinstance(round_gbt8170(3), float)
    assert round_gbt8170(np.float64(2.5)) == 2.0
    assert round_gbt8170(np.int64(7)) == 7.0
    assert math.isnan(round_gbt8170(float("nan")))
    assert math.isnan(round_gbt8170(None))
    assert math.isnan(round_gbt8170(pd.NA))
    assert round_gbt8170("4.05", 1) == 4.0
    assert round_gbt8170(" 74.5 ") == 74.0
    assert round_gbt8170(Decimal("4.05"), 1) == 4.0
    assert round_gbt8170(Fraction(81, 20), 1) == 4.0  # exactly 4.05
    assert round_gbt8170(Fraction(1, 3), 2) == 0.33


def test_kinds_list_array():
    out = round_gbt8170([74.5, None, 75.5, float("nan")])
    assert isinstance(out, np.ndarray) and out.dtype == float
    assert out[0] == 74.0 and out[2] == 76.0 and np.isnan(out[1]) and np.isnan(out[3])
    arr = round_gbt8170(np.array([[0.5, 1.5], [2.5, 3.5]]))
    assert arr.shape == (2, 2) and arr.tolist() == [[0.0, 2.0], [2.0, 4.0]]
    strings = round_gbt8170(["4.05", "", "NA", "60.51"], 1)
    assert strings[0] == 4.0 and np.isnan(strings[1]) and np.isnan(strings[2]) and strings[3] == 60.5


def test_kinds_series_dataframe():
    s = pd.Series([74.5, np.nan, 75.5], index=["x", "y", "z"], name="pm25")
    out = round_gbt8170(s)
    assert isinstance(out, pd.Series)
    assert list(out.index) == ["x", "y", "z"] and out.name == "pm25"
    assert out["x"] == 74.0 and np.isnan(out["y"]) and out["z"] == 76.0
    df = pd.DataFrame({"pm25": [74.5, 35.5], "co": [4.05, 4.15]}, index=[3, 7])
    out = round_gbt8170(df, 1)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["pm25", "co"] and list(out.index) == [3, 7]
    assert out["co"].tolist() == [4.0, 4.2] and out["pm25"].tolist() == [74.5, 35.5]
    assert round_gbt8170(df)["pm25"].tolist() == [74.0, 36.0]
    # Nullable Float64 with pd.NA
    nul = round_gbt8170(pd.Series([2.5, None], dtype="Float64"))
    assert nul.iloc[0] == 2.0 and pd.isna(nul.iloc[1])


def test_series_of_strings():
    """Strings are parsed as written, in whatever dtype pandas gives a column of text."""
    for dtype in (object, "string", None):
        s = pd.Series(["4.05", "74.5", None], dtype=dtype)
        out = round_gbt8170(s, 1)
        assert out.iloc[0] == 4.0 and out.iloc[1] == 74.5 and np.isnan(out.iloc[2]), dtype


def test_series_of_strings_empty_is_missing():
    """'' is missing in a list of strings; it must be missing in a Series of strings too
    (pandas >= 3 gives text columns the 'str' dtype, not object)."""
    assert np.isnan(round_gbt8170(["4.05", ""], 1)[1])
    for dtype in (object, "string", None):
        out = round_gbt8170(pd.Series(["4.05", ""], dtype=dtype), 1)
        assert out.iloc[0] == 4.0 and np.isnan(out.iloc[1]), dtype


def test_strings_are_read_exactly_in_every_container():
    """A string that is *not* a half must not become one by a float conversion:
    '2.50000000000000001' is above 2.5 and rounds to 3 whatever the container."""
    text = "2.50000000000000001"
    assert round_gbt8170(text) == 3.0
    assert float(round_decimal_string(text)) == 3.0
    assert round_gbt8170([text]).tolist() == [3.0]
    assert round_gbt8170(pd.Series([text], dtype=object)).tolist() == [3.0]


@pytest.mark.parametrize("bad", ["abc", "4,05", "1.2.3", ["1", "x"], pd.Series(["1", "abc"], dtype=object)])
def test_non_numeric_string_raises(bad):
    with pytest.raises(ValueError):
        round_gbt8170(bad)


def test_round_decimal_string_errors_and_types():
    with pytest.raises(ValueError, match="abc"):
        round_decimal_string("abc")
    with pytest.raises(ValueError):
        round_decimal_string("inf")
    with pytest.raises(ValueError):
        round_decimal_string(float("nan"))
    assert isinstance(round_decimal_string("4.05", 1), Decimal)
    assert round_decimal_string("4.05", 1) == Decimal("4.0")
    assert round_decimal_string(4.05, 1) == Decimal("4.0")
    assert round_decimal_string(Fraction(81, 20), 1) == Decimal("4.0")
    assert round_decimal_string(Fraction(83, 20), 1) == Decimal("4.2")  # 4.15 -> 4.2
    assert round_decimal_string(Fraction(8101, 2000), 1) == Decimal("4.1")  # 4.0505 -> 4.1
    assert round_decimal_string(Decimal("60.51")) == Decimal("61")
    assert round_decimal_string(75) == Decimal("75")


# --------------------------------------------------------------------------- hypothesis


def _short_decimal_float(max_abs: int):
    """Floats written with at most 3 decimals, e.g. 1234.567, -0.05, 12.0."""
    return st.tuples(st.integers(-max_abs * 1000, max_abs * 1000), st.integers(0, 3)).map(
        lambda t: float(Decimal(t[0] // 10 ** (3 - t[1])).scaleb(-t[1]))
    )


@settings(max_examples=1500, **HSET)
@given(x=_short_decimal_float(10**4), decimals=st.integers(0, 2))
@example(x=4.05, decimals=1)
@example(x=0.285, decimals=2)
@example(x=1.005, decimals=2)
@example(x=2.675, decimals=2)
@example(x=8.345, decimals=2)
def test_matches_decimal_half_even_concentration_range(x, decimals):
    want = ref_round(x, decimals)
    assert round_gbt8170(x, decimals) == want
    assert round_gbt8170([x], decimals)[0] == want


@settings(max_examples=500, **HSET)
@given(x=_short_decimal_float(10**7), decimals=st.integers(0, 2))
@example(x=1234566.501, decimals=0)
@example(x=9999998.51, decimals=0)
def test_matches_decimal_half_even_large_values(x, decimals):
    """Same property over a wider range (sums, counts x 1000, ...)."""
    assert round_gbt8170(x, decimals) == ref_round(x, decimals)


@settings(max_examples=200, **HSET)
@given(xs=st.lists(_short_decimal_float(2000), min_size=1, max_size=50), decimals=st.integers(0, 2))
def test_vectorised_equals_elementwise_reference(xs, decimals):
    want = [ref_round(x, decimals) for x in xs]
    assert round_gbt8170(xs, decimals).tolist() == want
    assert round_gbt8170(pd.Series(xs), decimals).tolist() == want
    assert round_gbt8170(np.array(xs), decimals).tolist() == want


@settings(max_examples=300, **HSET)
@given(n=st.integers(0, 10**6), decimals=st.integers(0, 2))
def test_exact_halves_go_to_even(n, decimals):
    """(n + 1/2) * 10**-decimals -> the even one of n, n+1 (in units of 10**-decimals)."""
    text = str(Decimal(2 * n + 1).scaleb(-decimals - 1) * 5)  # (2n+1)*5 * 10**-(d+1) = (n+0.5)*10**-d
    assert Fraction(Decimal(text)) == Fraction(2 * n + 1, 2 * 10**decimals)
    even = n if n % 2 == 0 else n + 1
    want = float(Fraction(even, 10**decimals))
    assert round_gbt8170(text, decimals) == want
    assert round_gbt8170(float(text), decimals) == want
    assert round_gbt8170([float(text)], decimals)[0] == want
