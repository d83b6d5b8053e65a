"""The daily AQI frame the period statistics read: its columns, and the checks of the inputs.

Input is a *daily AQI frame*: the output of :func:`airq.groups.group_daily_aqi` (or of
:func:`airq.daily_aqi` on station days, with ``by="station"``) — one row per unit and day with
the unrounded daily concentrations ``so2, no2, co, pm10, pm25, o3_8h`` (``o3_1h``), the
sub-indices ``iaqi_*``, ``aqi``, ``primary`` and ``rules`` (the rule set each day was judged by).

This module holds the column constants (:data:`CONCENTRATIONS`, :data:`MEAN_POLLUTANTS`,
:data:`PERCENTILES`, :data:`DAILY_INDICATORS`) and the option values (:data:`DUST_MODES`,
:data:`COMPOSITE_LIMITS`) of :func:`airq.stats.period_stats`, and the checks the other
``airq.stats_*`` modules share: frame columns and units, numeric columns and dates, integer AQIs,
the dust-deduction mode and dust-day table, the composite-index limit choice, and the stripping of
AQI columns before an AQI is recomputed.

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] HJ 663—2013 Table 1 (standards.md §2.6; [M]).
.. [2] 城市环境空气质量排名技术规定 (环办〔2014〕64号) (composite index; standards.md §2.8, [M]).
.. [3] 环办监测〔2016〕120号 (dust deduction; standards.md §2.9, [M/L]).
"""

from __future__ import annotations

from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from .notes import note
from .rules import LimitSet, get_limits, limits_for
from .stats_periods import _ts
from .util import label as _label

__all__ = [
    "CONCENTRATIONS",
    "MEAN_POLLUTANTS",
    "PERCENTILES",
    "DAILY_INDICATORS",
    "DUST_MODES",
    "COMPOSITE_LIMITS",
]


#: Daily concentration columns a daily AQI frame must carry [µg/m³; co mg/m³].
CONCENTRATIONS = ("so2", "no2", "co", "pm10", "pm25", "o3_8h")
#: Pollutants with a period mean (HJ 663 Table 1; standards.md §2.6).
MEAN_POLLUTANTS = ("so2", "no2", "pm10", "pm25")
#: HJ 663 percentile of each pollutant's daily values (standards.md §2.6) [percent].
PERCENTILES = {"so2": 98, "no2": 98, "pm10": 95, "pm25": 95, "co": 95, "o3_8h": 90}
#: Daily AQI indicators counted as primary pollutants (HJ 633 Table 1 order).
DAILY_INDICATORS = ("so2", "no2", "pm10", "co", "o3_1h", "o3_8h", "pm25")
#: Dust-deduction modes (standards.md §2.9, [L]).
DUST_MODES = (None, "exclude_exceedance", "recompute")
#: Choices of the composite-index limits S_i (standards.md §2.8 open point (a)).
COMPOSITE_LIMITS = ("GB3095-2012", "in_force")
_EXCEEDANCE = ("iaqi", "limit")
_PM = ("pm10", "pm25")
# airq.config spellings (DUST_DEDUCTIONS) -> names used here.
_DUST_ALIASES = {"none": None, "exclude_days": "exclude_exceedance"}
# Columns daily_aqi adds; stripped before an AQI is recomputed.
_AQI_COLUMNS = ("aqi", "level", "level_name", "category", "colour", "primary", "over_standard", "rules")


# --------------------------------------------------------------------------- input checks


def _check_frame(frame, by: str, what: str, need_rules: bool, need_aqi: bool = True) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValueError(f"{what} takes a daily AQI DataFrame (group_daily_aqi output), not {type(frame).__name__}")
    need = [by, "date", *(["aqi"] if need_aqi else []), *CONCENTRATIONS] + (["rules"] if need_rules else [])
    missing = [c for c in need if c not in frame.columns]
    if missing:
        raise ValueError(note("error.calc.frame_lacks", what=what, missing=repr(missing), columns=repr(list(frame.columns))))
    if frame[by].isna().any():
        i = int(np.flatnonzero(frame[by].isna().to_numpy())[0])
        raise ValueError(note("error.calc.missing_unit", what=what, row=_label(frame.index[i]), by=repr(by)))
    return frame


def _float_col(frame: pd.DataFrame, col: str, what: str) -> np.ndarray:
    from .groups import _numeric_column

    return _numeric_column(frame, col, what)


def _aqi_values(frame: pd.DataFrame, what: str) -> np.ndarray:
    a = _float_col(frame, "aqi", what)
    frac = ~np.isnan(a) & (a != np.floor(a))
    if frac.any():
        i = int(np.flatnonzero(frac)[0])
        raise ValueError(note("error.calc.aqi_not_integer", what=what, row=_label(frame.index[i]), value=repr(a[i])))
    return a


def _norm_dust_mode(dust_mode) -> str | None:
    mode = _DUST_ALIASES.get(dust_mode, dust_mode) if isinstance(dust_mode, str) or dust_mode is None else dust_mode
    if mode not in DUST_MODES:
        raise ValueError(f"dust_mode must be one of {DUST_MODES} (or 'none', 'exclude_days'), not {dust_mode!r}")
    return mode


def _dust_mask(dust_days, units: np.ndarray, dates: pd.DatetimeIndex, known_units, by: str, what: str) -> np.ndarray:
    """Boolean per row: the row's date is a dust day of its unit."""
    def to_dates(values, where):
        if isinstance(values, (str, bytes)) or not isinstance(values, Iterable):
            values = [values]
        out = []
        for v in values:  # the (short) list of dust dates given by the caller
            out.append(_ts(v, f"{what}: dust_days{where}"))
        return pd.DatetimeIndex(out)

    if isinstance(dust_days, pd.DataFrame):
        if by not in dust_days.columns or "date" not in dust_days.columns:
            raise ValueError(note("error.calc.dust_table_columns", what=what, by=repr(by)))
        table = pd.DataFrame({"u": dust_days[by].astype(str).to_numpy(),
                              "d": to_dates(list(dust_days["date"]), "['date']")})
        unknown = sorted(set(table["u"]) - set(known_units))
        if unknown:
            raise ValueError(note("error.calc.dust_unknown", what=what, by=by, unknown=repr(unknown), known=repr(sorted(known_units))))
    elif isinstance(dust_days, Mapping):
        unknown = [k for k in dust_days if str(k) not in known_units]
        if unknown:
            raise ValueError(note("error.calc.dust_unknown", what=what, by=by, unknown=repr(unknown), known=repr(sorted(known_units))))
        parts = [pd.DataFrame({"u": str(k), "d": to_dates(v, f"[{k!r}]")}) for k, v in dust_days.items()]
        table = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame({"u": [], "d": pd.DatetimeIndex([])})
    else:
        d = to_dates(dust_days, "")
        table = pd.DataFrame({"u": np.repeat(np.array(sorted(known_units), dtype=object), len(d)),
                              "d": np.tile(d.to_numpy(), len(known_units))})
    keys = pd.MultiIndex.from_arrays([table["u"].astype(str), pd.DatetimeIndex(table["d"])])
    rows = pd.MultiIndex.from_arrays([pd.Index(units.astype(str)), dates])
    return np.asarray(rows.isin(keys))


def _composite_limits(choice, end: pd.Timestamp) -> LimitSet:
    if isinstance(choice, LimitSet):
        return choice
    if choice == "GB3095-2012":
        return get_limits("GB3095-2012")
    if choice == "in_force":
        return limits_for(end)
    raise ValueError(f"composite_limits must be one of {COMPOSITE_LIMITS} or a LimitSet, not {choice!r}")


def _strip_aqi(frame: pd.DataFrame) -> pd.DataFrame:
    drop = [c for c in frame.columns if c in _AQI_COLUMNS or str(c).startswith("iaqi_")]
    return frame.drop(columns=drop)


def _dates_of(frame: pd.DataFrame, what: str) -> pd.DatetimeIndex:
    from .groups import _dates

    return _dates(frame, "date", what)
