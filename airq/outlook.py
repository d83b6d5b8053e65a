"""Year-end outlooks of a plan's groups: the forecast (:mod:`airq.forecast`) beside the remaining allowances.

Wiring only, after :mod:`airq.assessment`: group daily values come from the store through
:func:`airq.assessment.load_group_days`; the model never reads the store.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .assessment import TARGET_KEYS, comparison_decimals, last_data_day, load_group_days, plan_targets, position
from .config import Plan
from .notes import Note, note
from .stats_period_stats import period_stats
from .targets_assess import assess_targets

__all__ = ["HISTORY_YEARS", "group_history", "GroupOutlook", "forecast_groups"]


#: Years of history loaded for a forecast (the store may hold fewer).
HISTORY_YEARS = 10


def group_history(plan: Plan, store_dir, end, *, groups=None, years: int = HISTORY_YEARS,
                  accept_proxy: bool = False) -> pd.DataFrame:
    """Group daily values and AQI of the plan's groups from ``years`` years before ``end`` up to ``end``.

    Nothing after ``end`` is read from the store (a forecast issued on ``end`` cannot peek).
    """
    end = pd.Timestamp(end).normalize()
    names = list(plan.groups) if groups is None else list(groups)
    start = pd.Timestamp(end.year - years, 1, 1)
    daily, _ = load_group_days(plan, store_dir, start, end, names, accept_proxy, None)
    return daily[daily["date"] <= end].reset_index(drop=True)


@dataclass
class GroupOutlook:
    """A group's year-end forecast beside its remaining allowances (:func:`forecast_groups`).

    Attributes
    ----------
    group : str
    forecast : airq.forecast.YearEndForecast or None
        None when the group could not be forecast (``error`` says why).
    allowances : DataFrame or None
        :func:`airq.targets.assess_targets` as of the same day (None without targets).
    targets : dict
        The targets used (plan's, overridden by the caller's).
    error : str or None
        One sentence; an :class:`airq.notes.Note` when it is from the catalogue (say it with
        :func:`airq.notes.render`).
    """

    group: str
    forecast: object
    allowances: pd.DataFrame | None
    targets: dict
    error: str | None = None


def forecast_groups(plan: Plan, store_dir, as_of, *, groups=None, targets=None, n_sims: int = 2000, seed: int = 0,
                    params=None, history: pd.DataFrame | None = None) -> dict:
    """Year-end forecast and remaining allowances of each group as of ``as_of``.

    Parameters
    ----------
    targets : mapping, optional
        Target key -> value overriding the plan's, for every group.
    history : DataFrame, optional
        :func:`group_history` output, if already loaded.

    Returns
    -------
    dict of group -> GroupOutlook
        A group whose last day with a valid AQI is before ``as_of`` (days not ingested yet are
        not invalid days), or that cannot be forecast, carries ``error`` instead.
    """
    from .forecast import forecast_year_end

    as_of = pd.Timestamp(as_of).normalize()
    names = list(plan.groups) if groups is None else list(groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise ValueError(note("error.unknown_groups", groups=str(unknown), known=", ".join(plan.groups)))
    daily = group_history(plan, store_dir, as_of, groups=names) if history is None else history
    notes = list(daily.attrs.get("notes", []))
    out = {}
    for g in names:
        d = daily[daily["group"] == g]
        tv, _ = plan_targets(plan, g, as_of.year)
        tv.update(targets or {})
        last = last_data_day(d)
        if last is None or last < as_of:
            why = (note("error.forecast.why_no_valid_day") if last is None
                   else note("error.forecast.why_last_day", last=f"{last:%Y-%m-%d}"))
            out[g] = GroupOutlook(g, None, None, tv, note("error.forecast.group_after_data", as_of=f"{as_of:%Y-%m-%d}",
                                                          group=g, why=why))
            continue
        try:
            fc = forecast_year_end(d, as_of, targets=tv, decimals=comparison_decimals(plan), n_sims=n_sims, seed=seed,
                                   params=params, group=g)
        except ValueError as exc:
            first = exc.args[0] if exc.args else None  # a catalogue note stays one (said in the reader's language)
            out[g] = GroupOutlook(g, None, None, tv, first if isinstance(first, Note) else str(exc))
            continue
        fc.notes[:0] = [n for n in notes if n not in fc.notes and "1-h O3" not in n]
        allow = None
        assessable = {k: v for k, v in tv.items() if k in TARGET_KEYS}
        if assessable:
            ytd = d[d["date"] >= pd.Timestamp(as_of.year, 1, 1)]
            st = period_stats(ytd, start=pd.Timestamp(as_of.year, 1, 1), end=as_of).set_index("group").loc[g]
            if int(st["valid_days"]):
                allow = assess_targets(position(st, ytd, g), assessable, as_of=as_of.date(), year=as_of.year,
                                       reporting_decimals=comparison_decimals(plan))
        out[g] = GroupOutlook(g, fc, allow, tv)
    return out
