"""Individual air-quality index (IAQI) and AQI, exact, under HJ 633—2012 and HJ 633—2026.

Arithmetic
----------
Concentrations are first rounded per GB/T 8170 (:mod:`airq.rounding`) to whole µg/m³ (CO to
0.1 mg/m³) and carried as scaled integers; the breakpoints are scaled the same way. The
interpolation ``IAQI = (IAQI_Hi - IAQI_Lo)/(BP_Hi - BP_Lo) * (C - BP_Lo) + IAQI_Lo`` is then
evaluated as an integer fraction and rounded **up** (进位取整) with integer floor division, so no
binary float ever meets the ceiling: CO 2.2 gives 55, PM2.5 35 gives 50 (standards.md §1.2,
§5 item 1).

Concentrations above the top of a table ("爆表")
------------------------------------------------
Neither standard defines an IAQI above the last breakpoint (e.g. PM2.5 > 500 µg/m³).
``beyond="cap"`` (default) reports the top IAQI, 500, as CNEMC's published hourly AQI does
(standards.md §1.1 note 5); ``beyond="nan"`` reports a missing sub-index; ``beyond="raise"``
raises ``ValueError``. The special rules for SO2 1-h > 800 and O3 8-h > 800 (Table 1 notes /
Table 3 notes) are not "beyond" cases; they follow the rule set (see :class:`airq.rules.Above`).

Missing indicators
------------------
``on_missing="rules"`` (default) applies the rule set's own rule: HJ 633—2012 has none, and
airq follows the CNEMC practice of no AQI when any indicator is missing (``"strict"``, [L]);
HJ 633—2026 §5.3 computes the AQI from the others and publishes it only when it is above 100
(``"publish_above_100"``; standards.md §1.6, §5 item 10). ``"available"`` (not an official
rule) always takes the largest available sub-index. Pollutants the monitoring plan never
measures can be named in ``unmonitored`` so that they do not block the AQI (S2 §5.3 exception).

CO in µg/m³
-----------
CO is the one indicator in mg/m³ (HJ 633 Table 1 / Table 3; standards.md §1.1). A CO value
that looks like µg/m³ (:func:`airq.units.co_looks_like_ug`: above 50 mg/m³, the threshold of
the ingest ``co_unit_slip`` check) makes :func:`iaqi` (for ``"co"``), :func:`daily_aqi`,
:func:`realtime_aqi` and :func:`daily_aqi_values` warn once per call with
:class:`airq.units.AirqUnitWarning`, naming the values and rows; the index is still computed
from the value as given (CO 1000 gives IAQI 500, as the standard does for 1000 mg/m³).

References
----------
.. [1] HJ 633—2012 §5, §6, Table 1, Table 2 (standards.md §1.1-1.5).
.. [2] HJ 633—2026 §4.2, §5.2, §5.3, Table 1, Table 3 (standards.md §1.1-1.6).
.. [3] GB/T 8170—2008 (standards.md §1.2).
"""

from __future__ import annotations

import warnings
from typing import Iterable

import numpy as np
import pandas as pd

from .rounding import MISSING_TEXT, _round_any, round_scaled
from .notes import note
from .rules import RuleSet, get_rules, rules_for_dates
from .units import AirqUnitWarning, co_looks_like_ug, co_unit_message
from .util import beijing_naive, widen_float
from .util import label as _label

__all__ = [
    "POLLUTANTS",
    "AVERAGINGS",
    "INDICATOR_ORDER",
    "INDICATOR_NAMES",
    "iaqi",
    "daily_aqi",
    "daily_aqi_values",
    "realtime_aqi",
    "aqi_category",
]

#: Pollutant keys accepted by :func:`iaqi`.
POLLUTANTS = ("so2", "no2", "pm10", "pm25", "co", "o3")
#: Averaging keys accepted by :func:`iaqi`.
AVERAGINGS = ("1h", "8h", "24h")
#: Order in which tied primary pollutants are listed (the column order of HJ 633 Table 1).
INDICATOR_ORDER = ("so2", "no2", "pm10", "co", "o3", "o3_1h", "o3_8h", "pm25")
#: Display names of the indicators, as CNEMC publishes them.
INDICATOR_NAMES = {
    "so2": "二氧化硫(SO2)",
    "no2": "二氧化氮(NO2)",
    "pm10": "颗粒物(PM10)",
    "co": "一氧化碳(CO)",
    "o3": "臭氧1小时(O3)",
    "o3_1h": "臭氧1小时(O3)",
    "o3_8h": "臭氧8小时(O3)",
    "pm25": "细颗粒物(PM2.5)",
}
_BEYOND = ("cap", "nan", "raise")
_ON_MISSING = ("rules", "strict", "publish_above_100", "available")


# --------------------------------------------------------------------------- helpers


def _where(i: int, index):
    """Where the ``i``-th value is: ``row <label>`` of ``index``, else ``position i`` (a note)."""
    return note("calc.row", row=_label(index[i])) if index is not None else note("calc.position", i=i)


def _col(col):
    """``column 'co'``: the ``what`` of a frame column in messages (a note)."""
    return note("calc.column", column=repr(col))


def _numeric(values: np.ndarray, what: str, index=None) -> np.ndarray:
    """Float array of concentrations; clear errors for non-numeric and negative values.

    Text is read as written (``"NA"``, ``""`` and the other :data:`airq.rounding.MISSING_TEXT`
    are missing); float16/float32 values are taken as the decimals they stand for.
    """
    arr = np.asarray(values)
    if arr.dtype.kind in "mMc" or (arr.dtype == object and any(isinstance(v, (pd.Timestamp, np.datetime64, pd.Timedelta)) for v in arr.ravel()[:1000])):
        raise ValueError(note("error.calc.dates_not_concentrations", what=what))
    if arr.dtype == object or arr.dtype.kind in "USO":
        orig = pd.Series(arr.ravel(), dtype=object)
        text = orig.map(lambda v: v.strip().upper() if isinstance(v, str) else None)
        is_missing_text = text.isin(MISSING_TEXT).to_numpy()
        flat = pd.to_numeric(orig.where(~is_missing_text, None), errors="coerce").to_numpy(dtype=float)
        bad = np.isnan(flat) & orig.notna().to_numpy() & ~is_missing_text
        bad &= ~orig.map(lambda v: isinstance(v, float) and np.isnan(v)).to_numpy()
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(note("error.calc.non_numeric", what=what, value=repr(orig.iloc[i]), where=_where(i, index)))
        arr = flat.reshape(arr.shape)
    elif arr.dtype.kind == "b":
        raise ValueError(note("error.calc.booleans_not_concentrations", what=what))
    arr = widen_float(arr).astype(float)
    neg = arr < 0
    if neg.any():
        i = int(np.flatnonzero(neg.ravel())[0])
        raise ValueError(note("error.calc.negative", what=what, value=repr(arr.ravel()[i]), where=_where(i, index)))
    if np.isinf(arr).any():
        i = int(np.flatnonzero(np.isinf(arr).ravel())[0])
        raise ValueError(note("error.calc.infinite", what=what, where=_where(i, index)))
    return arr


def _interp_scaled(cs: np.ndarray, bp: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Exact ceil of the HJ 633 interpolation for scaled-integer concentrations.

    ``cs`` is a float array of integral values (NaN = missing) no larger than ``bp[-1]``.
    Returns float (integral values, NaN where ``cs`` is NaN).
    """
    out = np.full(cs.shape, np.nan)
    ok = ~np.isnan(cs)
    c = cs[ok].astype(np.int64)
    idx = np.clip(np.searchsorted(bp, c, side="left"), 1, len(bp) - 1)
    lo, hi = bp[idx - 1], bp[idx]
    ilo, ihi = levels[idx - 1], levels[idx]
    num = (ihi - ilo) * (c - lo)
    den = hi - lo
    out[ok] = ilo + (-((-num) // den))  # integer ceiling of num/den
    return out


def _iaqi_table(conc: np.ndarray, rules: RuleSet, table: str, beyond: str, what: str, index=None) -> np.ndarray:
    """Sub-index (float with NaN) of one breakpoint table; ``Above`` rules of 'use' kind give NaN."""
    if beyond not in _BEYOND:
        raise ValueError(f"beyond must be one of {_BEYOND}, not {beyond!r}")
    bp, decimals = rules.scaled_table(table)
    levels = np.asarray(rules.iaqi[: len(bp)], dtype=np.int64)
    floats = _numeric(conc, what, index)
    raw = np.asarray(conc)
    if raw.dtype == object or raw.dtype.kind in "US":
        # text, Decimal, Fraction: rounded exactly as written, not through a binary float
        cs = np.rint(_round_any(raw.astype(object), decimals) * 10.0**decimals)
    else:
        cs = round_scaled(floats, decimals)
    above_rule = rules.above.get(table)
    top = bp[-1]
    over = cs > top  # NaN compares False
    inside = np.where(over, np.nan, cs)
    out = _interp_scaled(inside, bp, levels)
    if over.any():
        if above_rule is not None:
            if above_rule.action == "fixed":
                out[over] = above_rule.iaqi
            # action == "use": no sub-index from this table (caller substitutes `use`)
        elif beyond == "cap":
            out[over] = levels[-1]
        elif beyond == "nan":
            out[over] = np.inf  # off the scale: the sub-index, and so the AQI, is not defined
        elif beyond == "raise":
            i = int(np.flatnonzero(over.ravel())[0])
            raise ValueError(note("error.calc.beyond_top", what=what, value=repr(np.asarray(conc).ravel()[i]), table=table,
                                  top=f"{bp[-1] / 10**decimals:g}"))
    return out


def _wrap_int(values: np.ndarray, like):
    """Return integer results in the shape and kind of the input (off-scale -> missing)."""
    values = np.where(np.isinf(values), np.nan, values)
    if isinstance(like, pd.Series):
        return pd.Series(pd.array(values, dtype="Int64"), index=like.index, name=like.name)
    if np.ndim(like) == 0:
        v = float(np.asarray(values).ravel()[0])
        return None if np.isnan(v) else int(v)
    values = np.asarray(values)
    if values.ndim == 1:
        return pd.array(values, dtype="Int64")
    missing = np.isnan(values)
    return np.ma.masked_array(np.where(missing, 0, values).astype(np.int64), mask=missing)


#: At most this many suspect CO values are kept on the warning (``AirqUnitWarning.values``).
_WARN_KEEP = 1000


def _warn_co(co: np.ndarray, where_of, stacklevel: int = 3) -> None:
    """Warn once (:class:`AirqUnitWarning`) when CO values [mg/m³] look like µg/m³.

    ``co`` float array (any shape); ``where_of(positions)`` names the flat positions given
    (list of str); ``stacklevel`` points the warning at the user's call. The test is
    :func:`airq.units.co_looks_like_ug`, the value part of the ingest ``co_unit_slip`` check
    (HJ 633 Table 1: CO in mg/m³, standards.md §1.1); vectorised, so the fast path
    :func:`daily_aqi_values` pays two comparisons per value.
    """
    bad = co_looks_like_ug(co).ravel()
    if not bad.any():
        return
    pos = np.flatnonzero(bad)
    keep = pos[:_WARN_KEEP]
    values = np.asarray(co, dtype=float).ravel()[keep]
    where = where_of(keep)
    message = co_unit_message(values, where, count=len(pos))
    warnings.warn(AirqUnitWarning(message, values, where, count=len(pos)), stacklevel=stacklevel)


def _rows_of(index):
    """``where_of`` for rows of a frame or Series: ``"row <label>"``."""
    return lambda pos: [note("calc.row", row=_label(index[i])) for i in pos]


def _positions_of(shape):
    """``where_of`` for a plain array: ``""`` (scalar), ``"position i"`` or ``"position (i, j)"``."""
    if len(shape) == 0:
        return lambda pos: ["" for _ in pos]
    if len(shape) == 1:
        return lambda pos: [note("calc.position", i=int(i)) for i in pos]
    return lambda pos: [note("calc.position_nd", pos=", ".join(str(int(k)) for k in ks)) for ks in zip(*np.unravel_index(pos, shape))]


# --------------------------------------------------------------------------- public: iaqi


def iaqi(pollutant: str, concentration, *, averaging: str, rules, beyond: str = "cap"):
    """Individual air-quality index (IAQI) of one pollutant.

    Parameters
    ----------
    pollutant : {"so2", "no2", "pm10", "pm25", "co", "o3"}
    concentration : scalar, array-like, pandas.Series or pandas.DataFrame
        Concentration [µg/m³; CO mg/m³], rounded or not: it is rounded per GB/T 8170 to an
        integer (CO one decimal) first. Missing values give a missing IAQI. Negative or
        non-numeric values raise ``ValueError``.
    averaging : {"1h", "8h", "24h"}
        ``"24h"`` daily mean (SO2, NO2, PM10, PM2.5, CO), ``"1h"`` hourly value (SO2, NO2, CO,
        O3, and PM10/PM2.5, which HJ 633 interpolates on the 24-h breakpoints), ``"8h"`` O3.
    rules : {"HJ633-2012", "HJ633-2026"} or RuleSet
    beyond : {"cap", "nan", "raise"}, default "cap"
        Above the top breakpoint: report 500 (CNEMC practice), missing, or raise.

    Returns
    -------
    int (None if missing) for a scalar; ``Int64`` Series/DataFrame for pandas input; a pandas
    nullable integer array (``IntegerArray``) for other 1-D array-likes; an int64
    ``numpy.ma.MaskedArray`` (missing masked) for N-D arrays.

    Warns
    -----
    AirqUnitWarning
        For ``"co"``, once per call when values look like µg/m³ (above 50, module docstring);
        the IAQI is computed from them as given.

    Notes
    -----
    SO2 1-h above 800 µg/m³: HJ 633—2012 computes no 1-h sub-index (missing here; the daily or
    real-time AQI falls back to the 24-h value), HJ 633—2026 sets 200. O3 8-h above 800 µg/m³:
    2012 none (the daily AQI uses O3 1-h), 2026 sets 300.

    References
    ----------
    .. [1] HJ 633—2012 §6.1 eq.1, Table 1; HJ 633—2026 §4.2.1 eq.1, §4.2.6, Table 3
       (standards.md §1.1, §1.2).

    Examples
    --------
    >>> iaqi("co", 2.2, averaging="24h", rules="HJ633-2012")
    55
    >>> iaqi("pm25", [60, 75], averaging="24h", rules="HJ633-2026").tolist()
    [100, 114]
    """
    rs = get_rules(rules)
    if pollutant not in POLLUTANTS:
        raise ValueError(note("error.calc.unknown_pollutant", pollutant=repr(pollutant), known=list(POLLUTANTS)))
    if averaging not in AVERAGINGS:
        raise ValueError(note("error.calc.unknown_averaging", averaging=repr(averaging), known=list(AVERAGINGS)))
    if pollutant in ("pm10", "pm25"):
        table = f"{pollutant}_24h"  # 1-h PM on the daily breakpoints (HJ 633—2026 eq.1)
        if averaging == "8h":
            raise ValueError(note("error.calc.no_8h", pollutant=pollutant))
    else:
        table = f"{pollutant}_{averaging}"
        if table not in rs.breakpoints:
            raise ValueError(note("error.calc.no_breakpoints", pollutant=pollutant, averaging=averaging, rules=rs.name))
    if isinstance(concentration, pd.DataFrame):
        cols = [concentration.iloc[:, j] for j in range(concentration.shape[1])]
        parts = [_iaqi_series(c, rs, table, beyond, pollutant) for c in cols]
        out = pd.concat([r for r, _ in parts], axis=1) if parts else pd.DataFrame(index=concentration.index)
        out.columns = concentration.columns
        if pollutant == "co" and parts:
            floats = np.column_stack([_numeric(a, pollutant) for _, a in parts])  # row-major: row, then column
            index, columns = concentration.index, concentration.columns
            _warn_co(floats, lambda pos: [note("calc.row_of_column", row=_label(index[i // len(columns)]),
                                               column=_label(columns[i % len(columns)])) for i in pos])
        return out
    if isinstance(concentration, pd.Series):
        out, arr = _iaqi_series(concentration, rs, table, beyond, pollutant)
        if pollutant == "co":
            _warn_co(_numeric(arr, pollutant), _rows_of(concentration.index))
        return out
    arr = np.asarray(concentration)
    out = _iaqi_table(arr, rs, table, beyond, pollutant, None)
    if pollutant == "co":
        _warn_co(_numeric(arr, pollutant), _positions_of(arr.shape))
    return _wrap_int(out, concentration)


def _iaqi_series(s: pd.Series, rs: RuleSet, table: str, beyond: str, what: str):
    """IAQI of a Series (``Int64`` Series, same index) and the array it was computed from."""
    arr = _column(s.to_frame("c"), "c")
    return _wrap_int(_iaqi_table(arr, rs, table, beyond, what, s.index), s), arr


# --------------------------------------------------------------------------- categories


def aqi_category(aqi, rules="HJ633-2026") -> pd.DataFrame:
    """Level (1-6), level name, category and colour of AQI values (HJ 633 Table 2 / Table 1).

    Parameters
    ----------
    aqi : array-like of int (missing allowed)
    rules : rule set; the classes are the same in both versions.

    Returns
    -------
    DataFrame with columns ``level`` (Int64 1..6), ``level_name`` (一级 ...), ``category``
    (优 ...), ``colour`` (hex ``#RRGGBB``, the official RGB of Appendix A). Missing AQI gives
    missing entries.
    """
    rs = get_rules(rules)
    if np.ndim(aqi) == 0:
        aqi = [aqi]
    a = np.asarray(pd.array(aqi, dtype="Float64").to_numpy(dtype=float, na_value=np.nan))
    if (a < 0).any():
        raise ValueError(note("error.calc.aqi_negative", value=f"{a[a < 0][0]:g}"))
    ok = ~np.isnan(a)
    pos = np.clip(np.searchsorted(np.asarray(rs.category_upper), a[ok], side="left"), 0, len(rs.category_upper) - 1)
    level = np.full(a.shape, np.nan)
    level[ok] = pos + 1
    hexes = np.array(["#%02X%02X%02X" % tuple(c) for c in rs.rgb], dtype=object)

    def pick(table):
        col = np.full(a.shape, None, dtype=object)
        col[ok] = np.asarray(table, dtype=object)[pos]
        return col

    index = aqi.index if isinstance(aqi, pd.Series) else None
    return pd.DataFrame(
        {
            "level": pd.array(level, dtype="Int64"),
            "level_name": pick(rs.levels),
            "category": pick(rs.categories),
            "colour": pick(hexes),
        },
        index=index,
    )


# --------------------------------------------------------------------------- whole AQI


def _combine(
    subs: dict[str, np.ndarray],
    required: Iterable[str],
    missing_rule: str,
    over_standard_iaqi: int | None,
    labels: bool = True,
) -> dict[str, np.ndarray]:
    """AQI, primary and over-standard codes from sub-indices (all float arrays with NaN).

    ``labels=False`` returns the AQI alone (``{"aqi": ...}``).
    """
    names = [k for k in INDICATOR_ORDER if k in subs]
    mat = np.column_stack([subs[k] for k in names])
    offscale = np.isinf(mat).any(axis=1)  # beyond="nan": a sub-index off the scale
    mat = np.where(np.isinf(mat), np.nan, mat)
    have = ~np.isnan(mat)
    any_have = have.any(axis=1)
    aqi = np.full(mat.shape[0], np.nan)
    aqi[any_have] = np.nanmax(mat[any_have], axis=1)
    req = [names.index(k) for k in required if k in names]
    missing_any = (~have[:, req]).any(axis=1) if req else np.zeros(mat.shape[0], bool)
    if missing_rule == "strict":
        aqi[missing_any] = np.nan
    elif missing_rule == "publish_above_100":
        aqi[missing_any & ~(aqi > 100)] = np.nan
    elif missing_rule != "available":
        raise ValueError(f"unknown missing rule {missing_rule!r}")
    aqi[offscale] = np.nan  # an off-scale pollutant is not a missing one: no AQI at all
    if not labels:
        return {"aqi": aqi}
    # Primary pollutant(s): sub-index equal to the AQI, only when AQI > 50 (S1 §3.3, S2 §4.3.1).
    is_primary = have & (mat == aqi[:, None]) & (aqi[:, None] > 50)
    primary = _codes_to_labels(is_primary, names)
    if over_standard_iaqi is not None:
        over = have & (mat > over_standard_iaqi) & ~np.isnan(aqi)[:, None]
        over_lbl = _codes_to_labels(over, names)
        over_lbl[np.isnan(aqi)] = None
    else:
        over_lbl = np.full(mat.shape[0], None, dtype=object)
    primary[np.isnan(aqi)] = None
    return {"aqi": aqi, "primary": primary, "over_standard": over_lbl}


def _codes_to_labels(mask: np.ndarray, names: list[str]) -> np.ndarray:
    """Rows of a boolean matrix to comma-joined indicator keys ('' for none), without a row loop."""
    codes = (mask.astype(np.int64) << np.arange(len(names), dtype=np.int64)).sum(axis=1)
    lookup = np.array(
        [",".join(n for j, n in enumerate(names) if code >> j & 1) for code in range(1 << len(names))], dtype=object
    )
    return lookup[codes]


def _prepare(frame: pd.DataFrame, what: str) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} takes a pandas DataFrame, not {type(frame).__name__}")
    return frame


def _apply_by_rules(frame: pd.DataFrame, rules, date_col: str, compute) -> pd.DataFrame:
    """Run ``compute(sub_frame, RuleSet)`` per rule set: pinned, or picked row by row from the date.

    Works on positions, so a frame whose index repeats labels (e.g. ``pd.concat`` of two
    stations) comes back with exactly its rows, in order, under its own index.
    """
    original_index = frame.index
    frame = frame.reset_index(drop=True)
    if rules is not None:
        out = compute(frame, get_rules(rules))
    else:
        if date_col not in frame.columns:
            raise ValueError(note("error.calc.no_date_column", column=repr(date_col)))
        try:
            stamps = beijing_naive(frame[date_col])
        except (ValueError, TypeError) as exc:
            raise ValueError(note("error.calc.column_not_dates", column=repr(date_col), error=str(exc))) from None
        if stamps.isna().any():
            i = int(np.flatnonzero(stamps.isna().to_numpy())[0])
            raise ValueError(note("error.calc.missing_date", column=repr(date_col), row=_label(original_index[i])))
        if date_col == "time":
            stamps = stamps.dt.floor("D")  # the natural day an hour-start belongs to (airq.timeconv)
        names = rules_for_dates(stamps)
        parts = [compute(frame[names == n], get_rules(n)) for n in pd.unique(names)]
        if not parts:
            out = compute(frame, get_rules("HJ633-2026"))
        else:
            out = pd.concat(parts).sort_index(kind="stable") if len(parts) > 1 else parts[0]
    out.index = original_index
    return out


def _finish(frame: pd.DataFrame, rs: RuleSet, subs: dict[str, np.ndarray], required, on_missing) -> pd.DataFrame:
    rule = rs.missing_rule if on_missing == "rules" else on_missing
    res = _combine(subs, required, rule, rs.over_standard_iaqi)
    out = frame.copy()
    for k in INDICATOR_ORDER:
        if k in subs:
            out[f"iaqi_{k}"] = pd.array(np.where(np.isinf(subs[k]), np.nan, subs[k]), dtype="Int64")
    out["aqi"] = pd.array(res["aqi"], dtype="Int64")
    cat = aqi_category(out["aqi"], rs)
    for c in cat.columns:
        out[c] = cat[c].to_numpy()
    out["level"] = pd.array(out["level"], dtype="Int64")
    out["primary"] = res["primary"]
    out["over_standard"] = res["over_standard"]
    out["rules"] = rs.name
    return out


def _check_options(on_missing, unmonitored, valid_keys):
    if on_missing not in _ON_MISSING:
        raise ValueError(f"on_missing must be one of {_ON_MISSING}, not {on_missing!r}")
    bad = [u for u in unmonitored if u not in valid_keys]
    if bad:
        raise ValueError(f"unmonitored names unknown indicator(s) {bad}; known: {sorted(valid_keys)}")


def daily_aqi(frame: pd.DataFrame, *, rules=None, on_missing: str = "rules", unmonitored=(), beyond: str = "cap") -> pd.DataFrame:
    """Daily AQI of station-days (or county/city days).

    Parameters
    ----------
    frame : DataFrame
        One row per day with daily concentrations ``so2, no2, co, pm10, pm25`` (24-h means) and
        ``o3_8h`` (daily max 8-h mean), plus ``o3_1h`` (daily max 1-h) for days under
        HJ 633—2012 [µg/m³; CO mg/m³]. Unrounded values are fine (rounded per GB/T 8170 first).
        Other columns (station, date, counts) are carried through.
    rules : None, rule-set name or RuleSet
        ``None`` picks HJ 633—2012 or HJ 633—2026 row by row from the ``date`` column.
    on_missing : {"rules", "strict", "publish_above_100", "available"}
        Missing-indicator rule (module docstring; HJ 633—2026 §5.3).
    unmonitored : iterable of str
        Indicators never measured by the monitoring plan (do not block the AQI).
    beyond : {"cap", "nan", "raise"}
        Above the top breakpoint (module docstring).

    Returns
    -------
    DataFrame
        The input rows (same index) plus ``iaqi_<indicator>`` (Int64), ``aqi`` (Int64),
        ``level`` (Int64 1-6), ``level_name``, ``category``, ``colour`` (hex RGB), ``primary``
        (comma-joined indicator keys in HJ 633 Table 1 order, ``""`` when AQI <= 50, missing
        when the AQI is), ``over_standard`` (HJ 633—2012 only: indicators with IAQI > 100),
        ``rules``.

    Warns
    -----
    AirqUnitWarning
        Once per call when ``co`` values look like µg/m³ (above 50 mg/m³, module docstring),
        naming them and their rows; the AQI is computed from them as given.

    Notes
    -----
    HJ 633—2012 daily AQI has seven indicators (O3 daily max 1-h and max 8-h); when O3 8-h is
    above 800 µg/m³ its sub-index is not computed and O3 1-h stands for O3 (Table 1 note 3).
    HJ 633—2026 has six (no O3 1-h); O3 8-h above 800 gives 300 (Table 3 note c).
    (standards.md §1.5, §5 items 4, 5, 11.)

    References
    ----------
    .. [1] HJ 633—2012 §5.1.2-5.1.4, §6; HJ 633—2026 §4.2.2-4.2.6, §5.3.

    Examples
    --------
    >>> day = pd.DataFrame({"so2": [10], "no2": [40], "pm10": [120], "pm25": [60], "co": [1.0],
    ...                     "o3_8h": [100], "o3_1h": [180]})
    >>> r = daily_aqi(day, rules="HJ633-2026")
    >>> int(r.aqi[0]), r.primary[0]
    (100, 'pm10,pm25')
    """
    frame = _prepare(frame, "daily_aqi")

    def compute(sub: pd.DataFrame, rs: RuleSet) -> pd.DataFrame:
        subs, required, exempt = _daily_subindices(lambda c: _column(sub, c), sub.columns, len(sub), rs,
                                                   unmonitored, beyond, on_missing, sub.index)
        if exempt is not None:
            return _finish_partial(sub, rs, subs, required, on_missing, "o3_8h", exempt)
        return _finish(sub, rs, subs, required, on_missing)

    out = _apply_by_rules(frame, rules, "date", compute)
    _warn_co_column(frame)
    return out


def _warn_co_column(frame: pd.DataFrame) -> None:
    """The CO unit warning (:func:`_warn_co`) for the ``co`` column of a frame, rows by label."""
    if "co" in frame.columns:
        _warn_co(_numeric(_column(frame, "co"), _col("co"), frame.index), _rows_of(frame.index), stacklevel=4)


def _daily_subindices(get, columns, n: int, rs: RuleSet, unmonitored, beyond, on_missing, index=None):
    """Daily sub-indices under ``rs``: (subs, required indicators, rows exempt from O3 8-h or None).

    Shared by :func:`daily_aqi` and :func:`daily_aqi_values`, so both give the same AQI.
    """
    _check_options(on_missing, unmonitored, rs.daily.keys())
    missing_cols = [c for c in rs.daily if c not in columns and c not in unmonitored]
    if missing_cols:
        raise ValueError(note("error.calc.daily_needs", rules=rs.name, missing=repr(missing_cols), indicators=list(rs.daily)))
    subs = {}
    for col, table in rs.daily.items():
        if col in columns:
            subs[col] = _iaqi_table(get(col), rs, table, beyond, _col(col), index)
        else:
            subs[col] = np.full(n, np.nan)
    # HJ 633—2012 Table 1 note 3: O3 8-h > 800 has no sub-index; the O3 1-h one is reported.
    # Such a day is not "missing" O3 8-h.
    required = [c for c in rs.daily if c not in unmonitored]
    rule = rs.above.get("o3_8h")
    if rule is not None and rule.action == "use" and "o3_8h" in columns:
        cs = round_scaled(_numeric(get("o3_8h"), _col("o3_8h")), rs.decimals["o3"])
        over = cs > float(rule.threshold) * 10 ** rs.decimals["o3"]
        if over.any():
            subs["o3_8h"] = np.where(over, np.nan, subs["o3_8h"])
            return subs, required, over
    return subs, required, None


def daily_aqi_values(values, *, rules, on_missing: str = "rules", unmonitored=(), beyond: str = "cap",
                     check_units: bool = True) -> np.ndarray:
    """Daily AQI only, as a float array, for many days judged by one rule set (fast path).

    The same sub-index and combination code as :func:`daily_aqi` (GB/T 8170 rounding, exact
    integer interpolation rounded up, the rule set's missing-data rule), without building the
    category and primary-pollutant columns — for simulated days (:mod:`airq.forecast`), where
    millions of AQI are needed and only the value counts.

    Parameters
    ----------
    values : mapping str -> array
        Daily concentrations by indicator key (``so2, no2, co, pm10, pm25, o3_8h``, ``o3_1h``
        for HJ 633—2012) [µg/m³; co mg/m³], float arrays of one shape, NaN = missing.
    rules : rule-set name or RuleSet
        One rule set for every value (split by date before calling; :func:`airq.rules_for`).
    on_missing, unmonitored, beyond
        As in :func:`daily_aqi`.
    check_units : bool, default True
        Warn when ``co`` values look like µg/m³ (as :func:`daily_aqi`). ``False`` for values the
        caller made itself in mg/m³ (the simulated days of :mod:`airq.forecast`), whose rare
        tail draws above 50 mg/m³ are not unit slips. The check is vectorised (two comparisons
        per value).

    Returns
    -------
    numpy.ndarray
        AQI (integral floats, NaN where there is none), in the shape of the inputs.

    Warns
    -----
    AirqUnitWarning
        With ``check_units``, once per call when ``co`` values look like µg/m³, naming their
        positions in the input arrays; the AQI is computed from them as given.

    References
    ----------
    .. [1] HJ 633—2012 §5-6; HJ 633—2026 §4.2, §5.3 (standards.md §1.2-1.6).
    """
    rs = get_rules(rules)
    arrays = {k: np.asarray(v, dtype=float) for k, v in values.items()}
    shape = next(iter(arrays.values())).shape if arrays else (0,)
    flat = {k: v.ravel() for k, v in arrays.items()}
    n = int(np.prod(shape))
    subs, required, exempt = _daily_subindices(lambda c: flat[c], flat.keys(), n, rs, unmonitored, beyond, on_missing)
    rule = rs.missing_rule if on_missing == "rules" else on_missing
    aqi = _combine(subs, required, rule, None, labels=False)["aqi"]
    if exempt is not None and exempt.any():
        part = _combine({k: v[exempt] for k, v in subs.items()}, [r for r in required if r != "o3_8h"], rule, None,
                        labels=False)["aqi"]
        aqi[exempt] = part
    if check_units and "co" in arrays:
        _warn_co(arrays["co"], _positions_of(arrays["co"].shape))
    return aqi.reshape(shape)


def _finish_partial(sub, rs, subs, required, on_missing, key, exempt_mask) -> pd.DataFrame:
    """_finish where ``key`` is not required on rows ``exempt_mask`` (an 'above: use' case)."""
    exempt = sub[exempt_mask]
    rest = sub[~exempt_mask]
    parts = []
    if len(rest):
        parts.append(_finish(rest, rs, {k: v[~exempt_mask] for k, v in subs.items()}, required, on_missing))
    if len(exempt):
        parts.append(_finish(exempt, rs, {k: v[exempt_mask] for k, v in subs.items()}, [r for r in required if r != key], on_missing))
    return pd.concat(parts).reindex(sub.index)  # sub has a unique RangeIndex subset here


def _column(frame: pd.DataFrame, col: str) -> np.ndarray:
    """A concentration column as an array that keeps what its values stand for.

    Text stays text (parsed exactly, with clear errors), float32 stays float32 (widened through
    its decimal text later), everything else becomes float64 with NaN for missing.
    """
    s = frame[col]
    dtype = s.dtype
    if not pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return s.to_numpy(dtype=object)
    if isinstance(dtype, np.dtype) and dtype.kind == "f" and dtype.itemsize < 8:
        return s.to_numpy()
    if isinstance(dtype, pd.Float32Dtype):
        return s.to_numpy(dtype=np.float32, na_value=np.nan)
    return s.to_numpy(dtype=float, na_value=np.nan)


def realtime_aqi(frame: pd.DataFrame, *, rules=None, on_missing: str = "rules", unmonitored=(), beyond: str = "cap") -> pd.DataFrame:
    """Real-time (hourly) AQI of station-hours, the way CNEMC publishes it.

    Parameters
    ----------
    frame : DataFrame
        One row per station-hour with 1-hour ``so2, no2, co, o3, pm10, pm25``
        [µg/m³; CO mg/m³]. Optional ``so2_24h``: under HJ 633—2012 an SO2 1-h value above
        800 µg/m³ has no 1-h sub-index and the 24-h one is reported instead (Table 1 note 2);
        without the column such an hour has a missing SO2 sub-index.
    rules : None, rule-set name or RuleSet
        ``None`` picks by the natural day of the ``time`` column (airq's hour-start stamps,
        :mod:`airq.timeconv`).
    on_missing, unmonitored, beyond
        As in :func:`daily_aqi`.

    Returns
    -------
    DataFrame
        As :func:`daily_aqi`, with sub-indices ``iaqi_so2, iaqi_no2, iaqi_pm10, iaqi_co,
        iaqi_o3, iaqi_pm25``.

    Warns
    -----
    AirqUnitWarning
        As :func:`daily_aqi`, for the 1-hour ``co`` column.

    Notes
    -----
    Under both rule sets the hourly AQI is the largest sub-index of the 1-hour SO2, NO2, CO and
    O3 values on their 1-hour tables and of the 1-hour PM10 and PM2.5 values on the daily (24-h)
    PM breakpoints of the rule set in force; 8-h O3 and 24-h moving PM do not enter
    (standards.md §1.5: reproduces every published hourly AQI checked; §5 item 3).

    With a pollutant missing, the default (``on_missing="rules"``: HJ 633—2012 strict) gives no
    AQI. CNEMC's own practice is not consistent here: in the national file of 2025-12-01 09:00
    it publishes an AQI from the available pollutants for 49 station-hours with one pollutant
    missing (``on_missing="available"`` reproduces them), yet leaves 23 such hours unpublished,
    as it does for a Guigang hour of 2023-03-28 without PM2.5.

    References
    ----------
    .. [1] HJ 633—2012 §5.1.4; HJ 633—2026 §4.2.4, eq.1, Table 3 (standards.md §1.5).
    """
    frame = _prepare(frame, "realtime_aqi")

    def compute(sub: pd.DataFrame, rs: RuleSet) -> pd.DataFrame:
        _check_options(on_missing, unmonitored, rs.realtime.keys())
        missing_cols = [c for c in rs.realtime if c not in sub.columns and c not in unmonitored]
        if missing_cols:
            raise ValueError(note("error.calc.realtime_needs", missing=repr(missing_cols), indicators=list(rs.realtime)))
        subs = {}
        for col, table in rs.realtime.items():
            if col in sub.columns:
                subs[col] = _iaqi_table(_column(sub, col), rs, table, beyond, _col(col), sub.index)
            else:
                subs[col] = np.full(len(sub), np.nan)
        rule = rs.above.get("so2_1h")
        if rule is not None and rule.action == "use" and "so2" in sub.columns and rule.use in ("so2_24h",):
            cs = round_scaled(_numeric(_column(sub, "so2"), _col("so2")), rs.decimals["so2"])
            over = cs > float(rule.threshold) * 10 ** rs.decimals["so2"]
            if over.any() and "so2_24h" in sub.columns:
                fallback = _iaqi_table(_column(sub, "so2_24h"), rs, "so2_24h", beyond, _col("so2_24h"), sub.index)
                subs["so2"] = np.where(over, fallback, subs["so2"])
        required = [c for c in rs.realtime if c not in unmonitored]
        return _finish(sub, rs, subs, required, on_missing)

    out = _apply_by_rules(frame, rules, "time", compute)
    _warn_co_column(frame)
    return out
