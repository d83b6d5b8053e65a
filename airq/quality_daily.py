"""The checks of a station-daily table received as such: :func:`check_daily`.

Part of :mod:`airq.quality` (which re-exports the public names). The reasons of
:func:`airq.quality.check_hourly` where they make sense for daily values (unknown station,
duplicates, CO in the wrong unit, negative, impossible); the CO rules are those of
:mod:`airq.unit_checks`. Stuck instruments need the hourly series and are not checked.

References
----------
.. [1] HJ 633—2012 / HJ 633—2026 Table 1 (top breakpoints; CO 24-h 60 mg/m³; standards.md §1.1).
"""

from __future__ import annotations

from types import MappingProxyType

import numpy as np
import pandas as pd

from .notes import note
from .quality_rules import DUPLICATE_CONFLICT, DUPLICATE_IDENTICAL, IMPOSSIBLE, NEGATIVE, UNKNOWN_STATION, QualityRules
from .quality_tables import _empty_flags, _flag_block
from .unit_checks import CO_DAILY_MAX, co_daily_slip_flags, co_series_flags

__all__ = ["check_daily"]

#: Daily value columns checked by :func:`check_daily`, and the pollutant whose plausible maximum
#: applies to each.
_DAILY_LIMIT_OF = MappingProxyType({"so2": "so2", "no2": "no2", "co": "co", "pm10": "pm10", "pm25": "pm25",
                                    "o3_8h": "o3", "o3_1h": "o3"})


def check_daily(frame: pd.DataFrame, *, known_stations=None, rules: QualityRules | None = None, fix_co_units: bool = False):
    """Checks of a station-daily table received as such (no hours behind it).

    The same reasons as :func:`check_hourly` where they make sense for daily values:
    ``unknown_station`` (row removed and recorded), ``duplicate_identical`` /
    ``duplicate_conflict`` (per station-day), ``co_unit_file`` (a station's CO series of a file
    and month in the wrong unit), ``co_unit_slip`` (one daily CO that looks like µg/m³ among low
    days), ``negative`` and ``impossible`` (value set missing; daily CO above 60 mg/m³, the top
    of the HJ 633 24-h scale). The CO rules are those of :mod:`airq.unit_checks`. Stuck
    instruments need the hourly series and are not checked.

    Parameters
    ----------
    frame : DataFrame
        ``station``, ``date`` and any of ``so2, no2, co, pm10, pm25, o3_8h, o3_1h``
        [µg/m³; co mg/m³]; other columns are carried through.
    known_stations : iterable of str, optional
    rules : QualityRules, optional
        ``max_plausible`` thresholds (O3 daily values use the O3 one; daily CO at most
        :data:`airq.unit_checks.CO_DAILY_MAX`), ``co_slip_context_max``, ``co_median_range``.
    fix_co_units : bool, default False
        Rescale CO in the wrong unit instead of setting it missing (flagged either way).

    Returns
    -------
    (clean, flags)
        ``clean``: the table with flagged values missing, one row per station-day (the raw
        frame is not modified). ``flags``: ``station, time`` (the date), ``column, value,
        reason, detail``.
    """
    if rules is None:
        rules = QualityRules()
    if not isinstance(rules, QualityRules):
        raise TypeError(f"check_daily: rules must be a QualityRules, not {type(rules).__name__}")
    for col in ("station", "date"):
        if col not in frame.columns:
            raise ValueError(note("error.calc.check_daily_lacks", column=repr(col)))
    work = frame.copy()
    work.attrs = {}
    flags: list[pd.DataFrame] = []
    station = work["station"].astype(str)
    if known_stations is not None:
        known = {str(s) for s in known_stations}
        unknown = ~station.isin(known).to_numpy()
        if unknown.any():
            flags.append(_flag_block(station[unknown].to_numpy(), work["date"].to_numpy()[unknown], "*",
                                     np.full(int(unknown.sum()), np.nan), UNKNOWN_STATION, "station not defined in the plan"))
            work = work[~unknown]
            station = station[~unknown]
    values = [c for c in _DAILY_LIMIT_OF if c in work.columns]
    key = pd.DataFrame({"s": station.to_numpy(), "d": pd.to_datetime(work["date"]).to_numpy()})
    dup_any = key.duplicated(keep=False).to_numpy()
    if dup_any.any():
        grp = key.groupby(["s", "d"], sort=False).ngroup().to_numpy()
        first = ~key.duplicated(keep="first").to_numpy()
        for c in values:
            v = pd.to_numeric(work[c], errors="coerce").to_numpy(dtype=float)
            codes = pd.Series(np.where(np.isnan(v), np.inf, v)).groupby(grp).nunique().to_numpy()
            conflict = dup_any & (codes[grp] > 1)
            if conflict.any():
                flags.append(_flag_block(station.to_numpy()[conflict], key["d"].to_numpy()[conflict], c, v[conflict],
                                         DUPLICATE_CONFLICT, "several rows for one station-day disagree"))
                keep_col = work[c].to_numpy(dtype=float, na_value=np.nan).copy()
                keep_col[conflict] = np.nan
                work[c] = keep_col
        extra = dup_any & ~first
        flags.append(_flag_block(station.to_numpy()[extra], key["d"].to_numpy()[extra], "*", np.full(int(extra.sum()), np.nan),
                                 DUPLICATE_IDENTICAL, "repeated station-day row dropped (recorded)"))
        work = work[first]
        station = station[first]
    flags += co_series_flags(work, key="date", averaging="daily", fix=fix_co_units, median_range=rules.co_median_range)
    flags += co_daily_slip_flags(work, fix=fix_co_units, context_max=rules.co_slip_context_max)
    for c in values:
        v = pd.to_numeric(work[c], errors="coerce").to_numpy(dtype=float)
        neg = v < 0
        limit = rules.max_plausible[_DAILY_LIMIT_OF[c]]
        high = v > (min(limit, CO_DAILY_MAX) if c == "co" else limit)
        for mask, reason in ((neg, NEGATIVE), (high, IMPOSSIBLE)):
            if mask.any():
                flags.append(_flag_block(station.to_numpy()[mask], pd.to_datetime(work["date"]).to_numpy()[mask], c,
                                         v[mask], reason, f"daily value {reason}"))
        work[c] = np.where(neg | high, np.nan, v)
    flag_frame = pd.concat(flags, ignore_index=True) if flags else _empty_flags()
    return work.reset_index(drop=True), flag_frame
