"""What if: a group's remaining allowances as of a day, and its year end under stated assumptions.

Wiring after :mod:`airq.assessment` (store -> group days -> year-to-date statistics) and
:mod:`airq.targets` (the exact arithmetic of standards.md §4). The assumptions use the words of
``airq whatif --assume`` (:data:`ASSUMPTIONS`); a year-end value whose assumption was not given
is not answered, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .assessment import (comparison_decimals, last_data_day, load_group_days, position, stats_keywords, targets_of)
from .config import Plan
from .notes import note
from .stats_period_stats import period_stats
from .targets_assess import assess_targets, plain_targets
from .targets_whatif import whatif
from .util import as_day

__all__ = ["ASSUMPTIONS", "WhatIf", "whatif_for_group", "whatif_notes"]


#: The assumptions of :func:`whatif_for_group`, in the words of ``airq whatif --assume KEY=VALUE``
#: -> (keyword of :func:`airq.targets.whatif`, unit, meaning).
ASSUMPTIONS = {
    "pm25": ("remaining_pm25_mean", "µg/m³", "mean PM2.5 of the remaining days"),
    "nongood": ("extra_nongood_days", "days", "remaining days that are non-good (AQI > 100); the others good"),
    "heavy": ("extra_heavy_days", "days", "of the non-good remaining days, how many are heavy (AQI > 200)"),
    "dust": ("dust_days", "days", "remaining days deducted as sand-dust days"),
    "valid_days": ("remaining_valid_days", "days", "remaining days that will be valid (default: every calendar day)"),
}
#: Year-end indicator -> the assumption it needs.
_NEEDS = {"good_day_ratio": "nongood", "heavy_day_ratio": "heavy", "pm25_mean": "pm25"}


@dataclass
class WhatIf:
    """Result of :func:`whatif_for_group`: plain numbers at the surface, exact values kept.

    Attributes
    ----------
    group : str
    as_of : Timestamp
    position : dict
        Year to date: ``valid_days``, ``good_days``, ``heavy_days`` [days], ``pm25_mean``
        (unrounded) [µg/m³], ``pm25_valid_days`` [days].
    allowances : DataFrame
        :func:`airq.targets.plain_targets` of the targets: remaining non-good / heavy days, the
        safe PM2.5 ceiling (``remaining``) and the exact one (``ceiling_exact``), ``status``.
    assumptions : dict
        The assumptions given, in :data:`ASSUMPTIONS` words.
    year_end : dict or None
        With assumptions: ``valid_days``, ``good_days``, ``heavy_days``, ``good_day_ratio``,
        ``heavy_day_ratio``, ``pm25_mean`` (unrounded, float), their ``*_published`` values and
        ``met`` (target -> bool); None where an assumption it needs was not given.
    unanswered : dict
        Year-end indicator -> the assumption (word of :data:`ASSUMPTIONS`) it needs.
    notes : list of str
    exact_allowances : DataFrame
        :func:`airq.targets.assess_targets` (Fraction/Decimal values, ``detail`` objects).
    exact_year_end : airq.targets.WhatIfResult or None
    """

    group: str
    as_of: pd.Timestamp
    position: dict
    allowances: pd.DataFrame
    assumptions: dict
    year_end: dict | None
    unanswered: dict
    notes: list
    exact_allowances: pd.DataFrame
    exact_year_end: object = None

    def to_dict(self) -> dict:
        """The ``airq whatif --json`` object (plain JSON values)."""
        from .report import targets_payload

        return {"group": self.group, "as_of": f"{self.as_of:%Y-%m-%d}",
                "position": {k: _plain(v) for k, v in self.position.items()},
                "targets": targets_payload(self.exact_allowances),
                "assumptions": {k: _plain(v) for k, v in self.assumptions.items()},
                "year_end": self.year_end, "unanswered": dict(self.unanswered), "notes": list(self.notes)}

    def __str__(self) -> str:
        from .report import whatif_text

        return whatif_text(self)


def _plain(v):
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, int):
        return v
    return float(v)


def _assumption_kwargs(assume) -> dict:
    """``{"pm25": 25, "nongood": 10}`` -> the keywords of :func:`airq.targets.whatif`; unknown words refused."""
    out = {}
    for key, value in dict(assume or {}).items():
        if key not in ASSUMPTIONS:
            raise ValueError(note("error.analysis.unknown_assumption", word=key, known=", ".join(ASSUMPTIONS)))
        out[ASSUMPTIONS[key][0]] = value
    return out


def _year_end(r) -> dict:
    return {"valid_days": r.valid_days, "good_days": r.good_days, "heavy_days": r.heavy_days,
            "good_day_ratio": _plain(r.good_day_ratio), "good_day_ratio_published": _plain(r.good_day_ratio_published),
            "heavy_day_ratio": _plain(r.heavy_day_ratio), "heavy_day_ratio_published": _plain(r.heavy_day_ratio_published),
            "pm25_mean": _plain(r.pm25_mean), "pm25_mean_published": _plain(r.pm25_mean_published),
            "met": {k: bool(v) for k, v in r.met.items()}}


def whatif_notes(assume: dict, unanswered: dict, left: int, lang: str = "en") -> list:
    """The notes of a what-if: the remaining days assumed valid, the year-end values not answered (and the
    assumption each needs), in ``lang`` (the string catalogue, :mod:`airq.i18n`; ``WhatIf.notes`` and the JSON
    are English)."""
    from .i18n import t

    notes = []
    if "valid_days" not in assume:
        notes.append(t("report.whatif.note_valid", lang, left=left))
    for indicator, word in unanswered.items():
        name = indicator if lang == "en" else t(f"indicator.{indicator}.short", lang)
        notes.append(t("report.whatif.note_unanswered", lang, indicator=name, word=word,
                       meaning=t(f"report.whatif.assume.{word}", lang), unit=t(f"whatif.unit.{word}", lang)))
    return notes


def whatif_for_group(plan: Plan, store_dir, group: str, as_of, *, targets=None, assume=None, dust_days=None,
                     dust_mode=None, accept_proxy: bool = False) -> WhatIf:
    """Remaining allowances of ``group`` as of ``as_of`` and, given assumptions, the year-end values.

    Parameters
    ----------
    as_of : date or ``YYYY-MM-DD``
        Last day counted; not after the last day with data (days not yet ingested are not
        invalid days, standards.md §4).
    targets : mapping, optional
        Target key -> value overriding the plan's (``pm25_mean``, ``good_day_ratio``,
        ``heavy_day_ratio``, ``o3_p90``, ``good_days``), as in ``--target``.
    assume : mapping, optional
        Assumptions for the rest of the year, with the words of ``airq whatif --assume``
        (:data:`ASSUMPTIONS`): ``pm25`` [µg/m³], ``nongood``, ``heavy``, ``dust``,
        ``valid_days`` [days]. Each year-end value is answered from the assumptions it needs;
        the others are None and listed in ``unanswered`` — nothing is assumed silently.
        ``valid_days`` and ``dust`` also set the N of the allowances.
    dust_days, dust_mode :
        Dust days so far and how they are deducted (as :func:`assess`).

    Returns
    -------
    WhatIf

    Raises
    ------
    ValueError
        Unknown group or assumption; no data for the group in the year; ``as_of`` not a full
        date or after the last day with data; inconsistent assumptions.
    """
    as_of = as_day(as_of, "as_of")
    if group not in plan.groups:
        raise ValueError(note("error.cli.unknown_group", group=repr(group), known=", ".join(plan.groups)))
    kwargs = _assumption_kwargs(assume)
    year_start = pd.Timestamp(as_of.year, 1, 1)
    daily, _ = load_group_days(plan, store_dir, year_start, as_of, [group], accept_proxy, None)
    last = last_data_day(daily, group)
    if last is None:
        raise ValueError(note("error.analysis.no_valid_day", group=group, start=f"{year_start:%Y-%m-%d}",
                              end=f"{as_of:%Y-%m-%d}", store=str(store_dir)))
    if last < as_of:
        raise ValueError(note("error.analysis.whatif_after_data", as_of=f"{as_of:%Y-%m-%d}", group=group,
                              last=f"{last:%Y-%m-%d}"))
    kw, _, _, _ = stats_keywords(plan, dust_days, [group], "GB3095-2012", dust_mode)
    st = period_stats(daily, start=year_start, end=as_of, **kw).set_index("group").loc[group]
    pos = position(st, daily, group)
    tv, _ = targets_of(plan, group, as_of.year)
    tv = {**(tv or {}), **(targets or {})}
    if not tv:
        raise ValueError(note("error.analysis.no_targets", group=group, year=as_of.year))
    left = (pd.Timestamp(as_of.year, 12, 31) - as_of).days
    remaining = None
    if "remaining_valid_days" in kwargs or kwargs.get("dust_days"):
        remaining = int(kwargs.get("remaining_valid_days", left)) - int(kwargs.get("dust_days", 0))
        if remaining < 0:
            raise ValueError(note("error.analysis.dust_exceeds"))
    table = assess_targets(pos, tv, as_of=as_of.date(), year=as_of.year, reporting_decimals=comparison_decimals(plan),
                           remaining_valid_days=remaining)
    result, unanswered = None, {}
    if kwargs:
        result = whatif(year=as_of.year, valid_days=pos["valid_days"], good_days=pos["good_days"],
                        heavy_days=pos["heavy_days"], pm25_mean=pos["pm25_mean"], pm25_valid_days=pos["pm25_valid_days"],
                        as_of=as_of.date(), reporting_decimals=comparison_decimals(plan),
                        targets={k: v for k, v in tv.items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")},
                        **kwargs)
        unanswered = {k: _NEEDS[k] for k in result.unanswered}
    position_plain = {k: v for k, v in pos.items() if k != "o3_8h"}
    return WhatIf(group=group, as_of=as_of, position={k: _plain(v) for k, v in position_plain.items()},
                  allowances=plain_targets(table), assumptions=dict(assume or {}),
                  year_end=None if result is None else _year_end(result), unanswered=unanswered,
                  notes=whatif_notes(dict(assume or {}), unanswered, left), exact_allowances=table,
                  exact_year_end=result)
