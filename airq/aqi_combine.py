"""From sub-indices to the AQI: categories, primary pollutants, the missing-data rule, rule sets by date.

:func:`aqi_category` gives level, level name, category and colour of AQI values (HJ 633 Table 2
/ Table 1, colours of Appendix A). :func:`_combine` takes the largest sub-index as the AQI,
applies the missing-indicator rule (HJ 633—2026 §5.3; see :mod:`airq.aqi`) and names the primary
pollutants (sub-index equal to the AQI, only when the AQI is above 50) and, under HJ 633—2012,
the indicators over the standard. :func:`_finish` and :func:`_finish_partial` build the result
frame of :func:`airq.aqi.daily_aqi` and :func:`airq.aqi.realtime_aqi`; :func:`_apply_by_rules`
runs a computation under a pinned rule set or under the one in force on each row's date.

Part of :mod:`airq.aqi` (which re-exports :func:`aqi_category`).

References
----------
.. [1] HJ 633—2012 §3.3, §5, §6, Table 2 (standards.md §1.1-1.5).
.. [2] HJ 633—2026 §4.2, §4.3.1, §5.2, §5.3, Table 1 (standards.md §1.1-1.6).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np
import pandas as pd

from .aqi_inputs import INDICATOR_ORDER
from .notes import note
from .rules import RuleSet, get_rules, rules_for_dates
from .util import beijing_naive
from .util import label as _label

__all__ = ["aqi_category"]


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
