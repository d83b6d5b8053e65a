"""HJ 663 Appendix A percentiles of daily values (standards.md §2.6).

:func:`hj663_percentile` for one series; ``_grouped_percentile`` vectorised per unit, used by
:func:`airq.stats.period_stats`. k = 1 + (n - 1) p / 100, evaluated in exact rational arithmetic.

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] HJ 663—2013 §5-6, Table 1, Appendix A (standards.md §2.5, §2.6; [M]).
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from .notes import note

__all__ = ["hj663_percentile"]


# --------------------------------------------------------------------------- percentile


def _fraction(p, what: str) -> Fraction:
    if isinstance(p, (bool, np.bool_)):
        raise ValueError(note("error.calc.percentile_not_number", what=what, p=repr(p)))
    try:
        f = p if isinstance(p, Fraction) else Fraction(repr(float(p)) if isinstance(p, (float, np.floating)) else p)
    except (ValueError, TypeError):
        raise ValueError(note("error.calc.percentile_not_number", what=what, p=repr(p))) from None
    if not 0 <= f <= 100:
        raise ValueError(note("error.calc.percentile_range", what=what, p=repr(p)))
    if 0 < f < 1:  # almost certainly a fraction meant as percent (0.9 for P90): refuse, do not guess
        raise ValueError(note("error.calc.percentile_fraction", what=what, p=repr(p)))
    return f


def _grouped_percentile(codes: np.ndarray, values: np.ndarray, n_groups: int, p) -> tuple[np.ndarray, np.ndarray]:
    """HJ 663 percentile of ``values`` per integer group code (vectorised). Returns (P, n).

    NaN values are left out. k = 1 + (n - 1) p/100 is evaluated exactly (integers), so k is
    never off by a float ulp; s = floor(k); P = X(s) + (X(s+1) - X(s)) (k - s).
    """
    f = _fraction(p, "percentile")
    m = len(values) // n_groups if n_groups else 0
    if m and len(values) == m * n_groups and (codes.reshape(n_groups, m) == np.arange(n_groups)[:, None]).all():
        # each group a run of the same length (the group-major frames of airq.groups): sort the rows of a
        # (group, day) matrix, missing days last — the same sorted values as the general path below
        v = np.sort(values.reshape(n_groups, m), axis=1).ravel()
        n = (~np.isnan(values)).reshape(n_groups, m).sum(axis=1).astype(np.int64)
        offset = np.arange(n_groups, dtype=np.int64) * m
    else:
        ok = ~np.isnan(values)
        c, v = codes[ok], values[ok]
        order = np.lexsort((v, c))
        c, v = c[order], v[order]
        n = np.bincount(c, minlength=n_groups).astype(np.int64)
        offset = np.concatenate([[0], np.cumsum(n)[:-1]])
    out = np.full(n_groups, np.nan)
    has = n > 0
    num = (n[has] - 1) * f.numerator  # (n-1) p/100 = num / den
    den = 100 * f.denominator
    s0 = num // den  # 0-based index of X(s)
    rest = (num % den) / den  # k - s, exact rational evaluated once
    i = offset[has] + s0
    j = np.minimum(i + 1, offset[has] + n[has] - 1)
    lo, hi = v[i], v[j]
    out[has] = np.where(rest > 0, lo + (hi - lo) * rest, lo)
    return out, n


def hj663_percentile(values, p) -> float:
    """The p-th percentile of daily values as HJ 663 Appendix A defines it.

    Parameters
    ----------
    values : array-like of float
        Daily values [µg/m³; CO mg/m³]. Missing values (NaN/None) are left out.
    p : float
        Percentile **in percent** (90 for the O3 P90, 95, 98): 0 or 1 <= p <= 100. Values
        between 0 and 1 are refused (``0.9`` is almost certainly meant as 90).

    Returns
    -------
    float
        Sort the n valid values ascending X(1) <= ... <= X(n); k = 1 + (n - 1) p / 100,
        s = integer part of k; P = X(s) + (X(s+1) - X(s)) (k - s). NaN when n = 0.
        (The "linear" / ``PERCENTILE.INC`` method; nearest-rank and ``PERCENTILE.EXC`` are
        wrong here.) k is evaluated in exact rational arithmetic.

    Raises
    ------
    ValueError
        ``p`` outside [0, 100] or not a number; non-numeric values.

    References
    ----------
    .. [1] HJ 663—2013 Appendix A (standards.md §2.6, [M]; §5 item 9).

    Examples
    --------
    >>> round(hj663_percentile(range(1, 11), 90), 10)
    9.1
    """
    arr = pd.to_numeric(pd.Series(np.asarray(values, dtype=object).ravel()), errors="coerce")
    raw = pd.Series(np.asarray(values, dtype=object).ravel())
    bad = arr.isna() & raw.notna()
    if bad.any():
        i = int(np.flatnonzero(bad.to_numpy())[0])
        raise ValueError(note("error.calc.non_numeric", what="hj663_percentile", value=repr(raw.iloc[i]),
                              where=note("calc.position", i=i)))
    v = arr.to_numpy(dtype=float, na_value=np.nan)
    out, _ = _grouped_percentile(np.zeros(len(v), dtype=np.int64), v, 1, p)
    return float(out[0])
