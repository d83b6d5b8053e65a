"""GB/T 8170 rounding (数值修约), vectorised.

GB/T 8170 rounds "四舍六入五成双": a discarded part of exactly one half goes to the even
neighbour, anything else to the nearest value; rounding is done once, from the unrounded value.
The rule applies to the *decimal value as written*. A binary float cannot hold most decimals
exactly (``4.05`` is stored as 4.04999999999999982236431605997495353221893310546875), so airq
takes the value a float stands for to be its shortest round-tripping decimal (Python's
``repr``): ``4.05 -> 4.0``, ``74.5 -> 74``, ``75.5 -> 76``, ``60.51 -> 61``.

How it is done without a Python loop: the value is scaled by ``10**decimals`` and rounded with
``numpy.rint`` (which already rounds exact binary halves to even). A scaled value within
``HALF_TOLERANCE`` of ``k + 0.5`` is taken to *be* that half and goes to the even
neighbour. This is what "the decimal as written" means for a float: ``4.05`` is stored as
40.499999999999993 after scaling, i.e. within a few ulps of the half it was written as.
The same tolerance absorbs the last-bit noise of computed means (a station or county daily mean
whose exact value is 30.5 may come out of float arithmetic as 30.500000000000004), so such a
mean is rounded as the exact rational it stands for. A value would have to be written with
more than nine decimals (or twelve significant digits) to be misjudged; for means of n values with at most 3
decimals the exact value is either a half or at least 1/(2000 n) away from one, far outside
the tolerance.

References
----------
.. [1] GB/T 8170—2008 数值修约规则与极限数值的表示和判定, §3.2 (standards.md §1.2, S11).
.. [2] HJ 633—2026 §4.2.2/4.2.3: concentrations rounded per GB/T 8170 before the IAQI
   (standards.md §1.2).
"""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation
from fractions import Fraction

import numpy as np
import pandas as pd

from .notes import note
from .util import widen_float

__all__ = ["round_gbt8170", "round_decimal_string", "round_scaled"]

#: Distance from k + 0.5 (after scaling) within which a value is taken as an exact half:
#: ``max(HALF_TOLERANCE, HALF_TOLERANCE_RELATIVE * |value|)``. Float noise of a mean of a few
#: dozen values is about 1e-14 relative, far inside; a written decimal needs more than nine
#: decimals (or 12 significant digits) to fall inside without being a half.
HALF_TOLERANCE = 1e-9
HALF_TOLERANCE_RELATIVE = 1e-12


def round_decimal_string(text: str | int | float | Decimal | Fraction, decimals: int = 0) -> Decimal:
    """Round one value, given as written, per GB/T 8170.

    Parameters
    ----------
    text : str, int, float, Decimal or Fraction
        The value. A float is taken as its shortest repr (``4.05`` means 4.05).
    decimals : int
        Number of decimals to keep (may be negative: ``-1`` rounds to tens).

    Returns
    -------
    Decimal
        The rounded value.

    Examples
    --------
    >>> str(round_decimal_string("4.05", 1)), str(round_decimal_string(75.5))
    ('4.0', '76')
    """
    if isinstance(text, Fraction):
        # Exact: decide on the rational value itself.
        scaled = text * Fraction(10) ** decimals
        floor = scaled.numerator // scaled.denominator
        rest = scaled - floor
        if rest > Fraction(1, 2) or (rest == Fraction(1, 2) and floor % 2 == 1):
            floor += 1
        return Decimal(floor).scaleb(-decimals)
    if isinstance(text, float):
        text = repr(text)
    try:
        value = Decimal(str(text).strip())
    except InvalidOperation:
        raise ValueError(note("error.calc.not_a_number", value=repr(text))) from None
    if not value.is_finite():
        raise ValueError(note("error.calc.not_finite", value=repr(text)))
    return value.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)


def round_scaled(values, decimals: int) -> np.ndarray:
    """GB/T 8170-round float ``values`` and return them scaled by ``10**decimals``.

    The result is integral-valued float (NaN stays NaN): ``round_scaled([4.05], 1) -> [40.]``.
    The IAQI code works on these scaled integers so that no binary fraction enters its arithmetic.
    """
    values = np.asarray(widen_float(np.asarray(values)), dtype=float)
    shape = values.shape
    scaled = values.reshape(-1) * 10.0**decimals
    out = np.rint(scaled)
    floor = np.floor(scaled)
    tol = np.maximum(HALF_TOLERANCE, HALF_TOLERANCE_RELATIVE * np.abs(scaled))
    near = np.abs(scaled - floor - 0.5) <= tol
    if near.any():
        f = floor[near]
        out[near] = np.where(np.fmod(f, 2) == 0, f, f + 1)  # half to even
    return out.reshape(shape)


def _round_array(values: np.ndarray, decimals: int) -> np.ndarray:
    return round_scaled(values, decimals) / 10.0**decimals


def round_gbt8170(values, decimals: int = 0):
    """Round values per GB/T 8170 (round half to even on the decimal value as written).

    Parameters
    ----------
    values : scalar, array-like, pandas.Series or pandas.DataFrame
        Numbers to round. Missing values (NaN/None/pd.NA) stay missing. Strings are parsed as
        written (``"4.05"``); non-numeric strings raise ``ValueError`` naming the value.
    decimals : int, default 0
        Decimals to keep: 0 for µg/m³ concentrations, 1 for CO [mg/m³] (HJ 633—2026 §4.2.2).

    Returns
    -------
    Same kind as the input: float scalar (NaN for missing), ndarray of float, Series or
    DataFrame (same index and columns, float dtype).

    Examples
    --------
    >>> round_gbt8170([4.05, 74.5, 75.5, 35.5, 60.51], 0).tolist()
    [4.0, 74.0, 76.0, 36.0, 61.0]
    >>> float(round_gbt8170(4.05, 1))
    4.0

    References
    ----------
    .. [1] GB/T 8170—2008 §3.2 (standards.md §1.2).
    """
    if isinstance(values, pd.DataFrame):
        return values.apply(lambda col: round_gbt8170(col, decimals))
    if isinstance(values, pd.Series):
        numeric_dtype = pd.api.types.is_numeric_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype)
        arr = values.to_numpy(dtype=float, na_value=np.nan) if numeric_dtype else values.to_numpy(dtype=object)
        return pd.Series(_round_any(arr, decimals), index=values.index, name=values.name)
    if np.isscalar(values) or values is None or values is pd.NA:
        if values is None or values is pd.NA or (isinstance(values, float) and np.isnan(values)):
            return float("nan")
        if isinstance(values, str) and values.strip().upper() in MISSING_TEXT:
            return float("nan")
        if isinstance(values, (str, Decimal, Fraction)):
            return float(round_decimal_string(values, decimals))
        return float(_round_array(np.asarray([values], dtype=float), decimals)[0])
    return _round_any(np.asarray(values), decimals)


#: Text read as a missing value (after stripping white space, case-insensitive).
MISSING_TEXT = ("", "NA", "NAN", "N/A", "NULL", "NONE", "-", "--", "—", "——")


def _round_any(arr: np.ndarray, decimals: int) -> np.ndarray:
    """Round an array that may hold strings, Decimals, Fractions or missing markers.

    Numbers go through the vectorised path; strings, Decimals and Fractions are rounded exactly
    as written, one by one (they only come from direct user input, never from the readers).
    """
    if arr.dtype != object and arr.dtype.kind in "fiub":
        return _round_array(widen_float(arr).astype(float), decimals)
    flat = arr.ravel()
    out = np.full(flat.shape, np.nan)
    numeric = np.zeros(flat.shape, dtype=bool)
    for i, v in enumerate(flat):
        if v is None or v is pd.NA or (isinstance(v, float) and np.isnan(v)):
            continue
        if isinstance(v, str):
            if v.strip().upper() in MISSING_TEXT:
                continue
            out[i] = float(round_decimal_string(v, decimals))
        elif isinstance(v, (Decimal, Fraction)):
            out[i] = float(round_decimal_string(v, decimals))
        else:
            numeric[i] = True
    if numeric.any():
        out[numeric] = _round_array(np.asarray(flat[numeric], dtype=float), decimals)
    return out.reshape(arr.shape)
