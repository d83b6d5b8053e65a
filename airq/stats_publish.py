"""Publication of period statistics: rounding once (GB/T 8170) and ranking on the published figures.

:data:`PUBLISH_DECIMALS` (the decimals of each published statistic), :func:`publish` (a copy of a
:func:`airq.stats.period_stats` or :func:`airq.stats.compare_periods` table rounded once, at the
end) and :func:`rank` (units ranked on one statistic, by default rounded to its publication
decimals first; ties share a rank).

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] GB/T 8170—2008 (rounding once, at the end; standards.md §1.2, §2.7).
.. [2] 城市环境空气质量排名技术规定 (环办〔2014〕64号) (ranking; standards.md §2.8, [M]).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .rounding import round_gbt8170

__all__ = ["PUBLISH_DECIMALS", "publish", "rank"]


#: Publication decimals (standards.md §2.7, [M]): ratios 1 decimal [%], PM2.5 mean 1 decimal
#: (practice since ~2022), other µg/m³ statistics integers, CO 1 decimal [mg/m³], composite
#: and single indices 2 decimals.
PUBLISH_DECIMALS: Mapping[str, int] = {
    "good_day_ratio": 1,
    "heavy_day_ratio": 1,
    "exceed_day_ratio": 1,
    "so2_mean": 0,
    "no2_mean": 0,
    "pm10_mean": 0,
    "pm25_mean": 1,
    "so2_p98": 0,
    "no2_p98": 0,
    "pm10_p95": 0,
    "pm25_p95": 0,
    "co_p95": 1,
    "o3_8h_p90": 0,
    "composite_index": 2,
    **{f"index_{p}": 2 for p in ("so2", "no2", "pm10", "pm25", "co", "o3_8h")},
}
# airq.config.DEFAULT_DECIMALS keys that differ from the column names here.
_DECIMAL_ALIASES = {"o3_p90": "o3_8h_p90"}


# --------------------------------------------------------------------------- publication


def _decimals_for(columns, decimals) -> dict[str, int]:
    table = dict(PUBLISH_DECIMALS)
    if decimals is not None:
        if not isinstance(decimals, Mapping):
            raise ValueError(f"decimals must be a mapping column -> number of decimals, not {type(decimals).__name__}")
        for k, v in decimals.items():
            key = _DECIMAL_ALIASES.get(k, k)
            if key not in table and key not in columns:
                raise ValueError(f"decimals names unknown statistic {k!r}; known: {sorted(table)}")
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, (int, np.integer)):
                raise ValueError(f"decimals[{k!r}] must be an integer, not {v!r}")
            table[key] = int(v)
    out = {}
    for c in columns:
        base = c
        for suffix in ("_prev", "_change"):
            if c.endswith(suffix) and c[: -len(suffix)] in table:
                base = c[: -len(suffix)]
        if base in table:
            out[c] = table[base]
        elif c.endswith("_change_pct") or c.endswith("_change_pp"):
            out[c] = 1
    return out


def publish(stats_frame: pd.DataFrame, *, decimals: Mapping[str, int] | None = None) -> pd.DataFrame:
    """The published figures: statistics rounded once, per GB/T 8170, for a report.

    Parameters
    ----------
    stats_frame : DataFrame
        Output of :func:`period_stats` or :func:`compare_periods` (unrounded).
    decimals : mapping str -> int, optional
        Overrides of :data:`PUBLISH_DECIMALS` by column name (``{"pm10_mean": 1}``);
        :mod:`airq.config`'s keys are accepted (``o3_p90`` means ``o3_8h_p90``).

    Returns
    -------
    DataFrame
        A copy in which every statistic column is rounded (GB/T 8170, half to even on the
        value): defaults ratios [%] 1 decimal, ``pm25_mean`` 1 decimal, other µg/m³ means and
        percentiles 0, ``co_p95`` 1 [mg/m³], ``composite_index`` and ``index_*`` 2;
        comparison columns ``<x>_prev`` / ``<x>_change`` like ``<x>``, ``*_change_pct`` and
        ``*_change_pp`` 1. Counts and labels are unchanged. ``attrs["airq_published"]`` is
        set so that published figures are not fed back into calculations.

    Notes
    -----
    Round once, from the unrounded statistic (standards.md §2.7): never average rounded monthly
    values into an annual one.

    References
    ----------
    .. [1] GB/T 8170—2008; standards.md §2.7 ([M] for the decimals).
    """
    if not isinstance(stats_frame, pd.DataFrame):
        raise ValueError(f"publish takes a statistics DataFrame, not {type(stats_frame).__name__}")
    table = _decimals_for(list(stats_frame.columns), decimals)
    out = stats_frame.copy()
    for col, d in table.items():
        out[col] = round_gbt8170(pd.to_numeric(out[col], errors="raise").astype(float), d)
    out.attrs["airq_published"] = True
    return out


# --------------------------------------------------------------------------- ranking


def rank(stats_frame: pd.DataFrame, by: str = "composite_index", *, ascending: bool = True,
         decimals="published") -> pd.DataFrame:
    """Rank units by one statistic; ties share a rank (method "min": 1, 2, 2, 4).

    Parameters
    ----------
    stats_frame : DataFrame
        :func:`period_stats` output (one row per unit).
    by : str, default "composite_index"
        The statistic. The composite-index ranking is ascending (smaller = cleaner); pass
        ``ascending=False`` for statistics where larger is better (``good_day_ratio``).
    ascending : bool, default True
    decimals : "published", int or None, default "published"
        Ranking of published tables is on the published figures (two cities printed 4.64 share a
        rank), so by default the statistic is first rounded per GB/T 8170 to its publication
        decimals (:data:`PUBLISH_DECIMALS`, unrounded if it has none); an int rounds to that;
        ``None`` ranks the unrounded values (open point, standards.md §2.8 [M]).

    Returns
    -------
    DataFrame
        The rows sorted by rank (missing values last, without a rank), with ``rank_value``
        (the value ranked) and ``rank`` (Int64).

    References
    ----------
    .. [1] 城市环境空气质量排名技术规定 (standards.md §2.8: ascending, ties share a rank).
    """
    if not isinstance(stats_frame, pd.DataFrame):
        raise ValueError(f"rank takes a statistics DataFrame, not {type(stats_frame).__name__}")
    if by not in stats_frame.columns:
        raise ValueError(f"rank: no column {by!r}; columns: {list(stats_frame.columns)}")
    try:
        v = pd.to_numeric(stats_frame[by], errors="raise").astype(float)
    except (ValueError, TypeError):
        raise ValueError(f"rank: column {by!r} is not numeric") from None
    if decimals == "published":
        d = PUBLISH_DECIMALS.get(by)
        if d is not None:
            v = round_gbt8170(v, d)
    elif decimals is not None:
        if isinstance(decimals, (bool, np.bool_)) or not isinstance(decimals, (int, np.integer)):
            raise ValueError(f"rank: decimals must be 'published', an integer or None, not {decimals!r}")
        v = round_gbt8170(v, int(decimals))
    out = stats_frame.copy()
    out["rank_value"] = v.to_numpy()
    out["rank"] = pd.array(v.rank(method="min", ascending=ascending).to_numpy(), dtype="Float64").astype("Int64")
    return out.sort_values(["rank"], kind="stable", na_position="last").reset_index(drop=True)
