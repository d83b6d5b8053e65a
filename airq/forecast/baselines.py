"""The two naive forecasts every bureau already uses: persistence and climatology."""

from __future__ import annotations


import numpy as np
import pandas as pd

from ._days import SIM_POLLUTANTS, Days, check_daily, prior_years, same_day, year_end_stats

__all__ = ["persistence", "climatology"]


def persistence(daily: pd.DataFrame, as_of) -> dict:
    """Persistence: the year ends where it stands (year-to-date statistics), one member.

    Returns :func:`year_end_stats` of the days 1 January .. ``as_of`` (arrays of length 1).
    """
    d = check_daily(daily)
    as_of = pd.Timestamp(as_of).normalize()
    ytd = Days.of(d, pd.Timestamp(as_of.year, 1, 1), as_of)
    return year_end_stats(ytd.aqi[None, :], {p: v[None, :] for p, v in ytd.conc.items()})


def climatology(daily: pd.DataFrame, as_of, *, years=None, min_year_days: int = 300) -> dict:
    """Climatology: the year so far plus the rest of the year as in each prior year (one member each).

    Member j = the days 1 January .. ``as_of`` of this year followed by the days after the same
    calendar day of prior year j, as observed; its point forecast is the members' mean.

    Parameters
    ----------
    years : list of int, optional
        Prior years to use (default: every earlier year with ``min_year_days`` valid days).

    Returns
    -------
    dict
        :func:`year_end_stats` with one row per member, plus ``years`` (the members).
    """
    d = check_daily(daily)
    as_of = pd.Timestamp(as_of).normalize()
    years = prior_years(d, as_of.year, min_year_days) if years is None else list(years)
    ytd = Days.of(d, pd.Timestamp(as_of.year, 1, 1), as_of)
    rows_aqi, rows_conc = [], {p: [] for p in SIM_POLLUTANTS}
    for y in years:
        rest = Days.of(d, same_day(as_of, y) + pd.Timedelta(days=1), pd.Timestamp(y, 12, 31))
        rows_aqi.append(np.concatenate([ytd.aqi, rest.aqi]))
        for p in SIM_POLLUTANTS:
            rows_conc[p].append(np.concatenate([ytd.conc[p], rest.conc[p]]))
    if not years:
        out = year_end_stats(np.empty((0, 0)), {p: np.empty((0, 0)) for p in SIM_POLLUTANTS})
    else:
        width = max(len(r) for r in rows_aqi)
        pad = lambda rows: np.array([np.pad(r, (0, width - len(r)), constant_values=np.nan) for r in rows])  # noqa: E731
        out = year_end_stats(pad(rows_aqi), {p: pad(v) for p, v in rows_conc.items()})
    out["years"] = np.array(years)
    return out
