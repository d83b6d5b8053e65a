"""Versioned rule sets: HJ 633 (AQI), GB 3095 (limits, data validity), picked by date.

The numbers live as data in ``airq/rulesets/*.toml`` (one file per standard, each with its
effective dates and the clause every table comes from); this module loads them into immutable
objects and answers "which rules were in force on this date?".

Two AQI rule sets exist:

============  ====================  ===================  =============================
name          in force (airq)       limits               assessment
============  ====================  ===================  =============================
HJ633-2012    dates < 2026-03-01    GB3095-2012          HJ 663—2013
HJ633-2026    dates >= 2026-03-01   GB3095-2026          HJ 663—2026
============  ====================  ===================  =============================

Every computation in airq takes ``rules=None`` (pick by the data's own date, day by day) or a
pinned rule set (a name such as ``"HJ633-2026"``, the aliases ``"2012"``/``"2026"``, or a
:class:`RuleSet`), so any period can be evaluated under either rules.

References
----------
.. [1] HJ 633—2012 Table 1, 2; HJ 633—2026 Table 1, 3 (standards.md §1.1, §1.4).
.. [2] GB 3095—2012 Table 1 (+2018 amendment); GB 3095—2026 Table 1, Table 4
   (standards.md §2.1, §2.3).
.. [3] standards.md §3: the 2026 rule set is in force from 2026-03-01.
"""

from __future__ import annotations

import datetime as _dt
import tomllib
from dataclasses import dataclass, field
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Mapping

import numpy as np
import pandas as pd

from .notes import note

__all__ = [
    "RuleSet",
    "LimitSet",
    "Validity",
    "Above",
    "RULE_NAMES",
    "CHANGEOVER",
    "get_rules",
    "rules_for",
    "rules_for_dates",
    "get_limits",
    "limits_for",
]

#: Names of the AQI rule sets airq carries, oldest first.
RULE_NAMES = ("HJ633-2012", "HJ633-2026")
#: First day of the 2026 rule set (GB 3095—2026, HJ 633—2026, HJ 663—2026 in force).
CHANGEOVER = _dt.date(2026, 3, 1)

_ALIASES = {
    "2012": "HJ633-2012",
    "hj633-2012": "HJ633-2012",
    "hj 633—2012": "HJ633-2012",
    "2026": "HJ633-2026",
    "hj633-2026": "HJ633-2026",
    "hj 633—2026": "HJ633-2026",
}


def _load_toml(name: str) -> dict:
    path = resources.files("airq") / "rulesets" / f"{name}.toml"
    with path.open("rb") as fh:
        return tomllib.load(fh)


@dataclass(frozen=True)
class Above:
    """What a rule set does above a top concentration of one breakpoint table.

    ``action == "use"``: no sub-index from this table; the sub-index of ``use`` is reported instead
    (HJ 633—2012 Table 1 notes 2-3). ``action == "fixed"``: the sub-index is ``iaqi``
    (HJ 633—2026 Table 3 notes b-c).
    """

    table: str
    threshold: Fraction
    action: str
    use: str | None
    iaqi: int | None
    clause: str


@dataclass(frozen=True)
class Validity:
    """Data-validity thresholds of GB 3095 Table 4 and HJ 663 §6.1.2 (standards.md §2.3)."""

    clause: str
    hourly_min_minutes: int
    daily_min_hours: int
    o3_8h_min_hours: int
    o3_daily_max_8h_min_windows: int
    o3_window_end_hours: tuple[int, int]
    annual_min_days: int
    monthly_min_days: int
    february_min_days: int


@dataclass(frozen=True)
class LimitSet:
    """Concentration limits of one GB 3095 phase [µg/m³; CO mg/m³].

    ``limits[(pollutant, averaging)] == (grade_I, grade_II)`` with averaging in
    ``{"annual", "24h", "8h", "1h"}``.
    """

    standard: str
    phase: str
    effective_from: _dt.date
    effective_until: _dt.date
    clause: str
    limits: Mapping[tuple[str, str], tuple[Fraction, Fraction]]
    validity: Validity

    def limit(self, pollutant: str, averaging: str, grade: int = 2) -> Fraction:
        """The grade I or II limit of ``pollutant`` for ``averaging`` [µg/m³; CO mg/m³]."""
        try:
            pair = self.limits[(pollutant, averaging)]
        except KeyError:
            raise KeyError(note("error.rules.no_limit", standard=self.standard, phase=self.phase, averaging=averaging,
                                pollutant=repr(pollutant))) from None
        if grade not in (1, 2):
            raise ValueError(f"grade must be 1 or 2, not {grade!r}")
        return pair[grade - 1]


@dataclass(frozen=True)
class RuleSet:
    """One AQI rule set (HJ 633) with its associated limits (GB 3095).

    Attributes
    ----------
    name : str
        ``"HJ633-2012"`` or ``"HJ633-2026"``.
    iaqi : tuple of int
        The IAQI column of the breakpoint table.
    breakpoints : mapping str -> tuple of Fraction
        Concentration breakpoints per table (``"pm25_24h"``, ``"so2_1h"``, ...) [µg/m³; CO mg/m³].
    above : mapping str -> Above
        Rules for concentrations above a table's top (SO2-1h > 800, O3-8h > 800).
    daily, realtime : mapping str -> str
        Indicators (input columns) of the daily and the real-time AQI, and their tables.
    decimals : mapping str -> int
        GB/T 8170 rounding of each pollutant's concentration before the sub-index.
    category_upper, levels, categories, colours, rgb
        The six AQI classes (Table 2 / Table 1 and Appendix A).
    over_standard_iaqi : int or None
        IAQI above which a pollutant is "over standard" (2012 only; deleted in 2026).
    missing_rule : str
        ``"strict"`` (no AQI if any indicator is missing; 2012 practice, [L]) or
        ``"publish_above_100"`` (HJ 633—2026 §5.3).
    """

    name: str
    standard: str
    title: str
    effective_from: _dt.date
    effective_until: _dt.date
    limits_name: str
    assessment: str
    iaqi: tuple[int, ...]
    breakpoints: Mapping[str, tuple[Fraction, ...]]
    above: Mapping[str, Above]
    daily: Mapping[str, str]
    realtime: Mapping[str, str]
    decimals: Mapping[str, int]
    category_upper: tuple[int, ...]
    levels: tuple[str, ...]
    categories: tuple[str, ...]
    colours: tuple[str, ...]
    rgb: tuple[tuple[int, int, int], ...]
    category_clause: str
    over_standard_iaqi: int | None
    missing_rule: str
    _scaled: Mapping[str, np.ndarray] = field(repr=False, compare=False, default=None)

    def __str__(self) -> str:
        return self.name

    @property
    def limits(self) -> "LimitSet":
        """The GB 3095 limit phase that starts with this rule set (for dates, use :func:`limits_for`)."""
        return limits_for(self.effective_from if self.effective_from.year > 1900 else _dt.date(2016, 1, 1))

    def table_for(self, pollutant: str, averaging: str) -> str:
        """Breakpoint-table name for a pollutant and averaging (``"pm25", "24h" -> "pm25_24h"``)."""
        name = f"{pollutant}_{averaging}"
        if name not in self.breakpoints:
            valid = sorted(self.breakpoints)
            raise ValueError(note("error.rules.no_table", rules=self.name, name=repr(name), tables=list(valid)))
        return name

    def scaled_table(self, table: str) -> tuple[np.ndarray, int]:
        """Breakpoints of ``table`` as int64 in units of 10**-decimals, and that ``decimals``."""
        pollutant = table.split("_")[0]
        return self._scaled[table], self.decimals[pollutant]


def _frac(text) -> Fraction:
    return Fraction(str(text))


@lru_cache(maxsize=None)
def _load_ruleset(name: str) -> RuleSet:
    raw = _load_toml(name)
    bps = {k: tuple(_frac(v) for v in vals) for k, vals in raw["breakpoints"].items()}
    decimals = dict(raw["decimals"])
    scaled = {}
    for table, vals in bps.items():
        d = decimals[table.split("_")[0]]
        s = [v * 10**d for v in vals]
        if any(x.denominator != 1 for x in s):
            raise ValueError(f"{name}: breakpoints of {table} are not multiples of 10**-{d}")
        scaled[table] = np.array([int(x) for x in s], dtype=np.int64)
    above = {
        table: Above(
            table=table,
            threshold=_frac(spec["threshold"]),
            action=spec["action"],
            use=spec.get("use"),
            iaqi=spec.get("iaqi"),
            clause=spec["clause"],
        )
        for table, spec in raw.get("above", {}).items()
    }
    cat = raw["categories"]
    concepts = raw.get("concepts", {})
    return RuleSet(
        name=raw["name"],
        standard=raw["standard"],
        title=raw["title"],
        effective_from=raw["effective_from"],
        effective_until=raw["effective_until"],
        limits_name=raw["limits"],
        assessment=raw["assessment"],
        iaqi=tuple(raw["iaqi"]),
        breakpoints=MappingProxyType(bps),
        above=MappingProxyType(above),
        daily=MappingProxyType(dict(raw["daily"])),
        realtime=MappingProxyType(dict(raw["realtime"])),
        decimals=MappingProxyType(decimals),
        category_upper=tuple(cat["upper"]),
        levels=tuple(cat["level"]),
        categories=tuple(cat["category"]),
        colours=tuple(cat["colour"]),
        rgb=tuple(tuple(c) for c in cat["rgb"]),
        category_clause=cat["clause"],
        over_standard_iaqi=concepts.get("over_standard_iaqi"),
        missing_rule=concepts["missing_rule"],
        _scaled=MappingProxyType(scaled),
    )


def get_rules(rules: "str | RuleSet") -> RuleSet:
    """Return a rule set by name (``"HJ633-2012"``, ``"HJ633-2026"``, ``"2012"``, ``"2026"``).

    A :class:`RuleSet` is returned unchanged. An unknown name raises ``ValueError`` listing the
    known ones.
    """
    if isinstance(rules, RuleSet):
        return rules
    if not isinstance(rules, str):
        raise TypeError(f"rules must be a rule-set name or RuleSet, not {type(rules).__name__}")
    name = rules if rules in RULE_NAMES else _ALIASES.get(rules.strip().lower())
    if name is None:
        raise ValueError(note("error.rules.unknown", name=repr(rules), known=list(RULE_NAMES)))
    return _load_ruleset(name)


def _as_date(day) -> _dt.date:
    """The Beijing-time calendar date of ``day`` (timezone-aware values are converted first)."""
    if isinstance(day, (pd.Timestamp, _dt.datetime)) and day.tzinfo is not None:
        return pd.Timestamp(day).tz_convert("Asia/Shanghai").date()
    if isinstance(day, _dt.datetime):
        return day.date()
    if isinstance(day, _dt.date):
        return day
    if isinstance(day, (np.datetime64, pd.Timestamp)):
        return pd.Timestamp(day).date()
    if isinstance(day, str):
        try:
            return pd.Timestamp(day).date()
        except ValueError:
            raise ValueError(note("error.rules.not_date", value=repr(day))) from None
    raise TypeError(f"not a date: {day!r}")


def rules_for(day) -> RuleSet:
    """The AQI rule set in force on ``day`` (a date, datetime, Timestamp or ``"YYYY-MM-DD"``).

    Dates before 2026-03-01 get HJ 633—2012, later ones HJ 633—2026 (standards.md §3).
    For hourly data the day is the natural day the hour belongs to (see :mod:`airq.timeconv`).
    """
    d = _as_date(day)
    return get_rules("HJ633-2026" if d >= CHANGEOVER else "HJ633-2012")


def rules_for_dates(dates) -> np.ndarray:
    """Vectorised :func:`rules_for`: an array of rule-set names, one per date (Beijing time)."""
    idx = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates).reset_index(drop=True)))
    if idx.tz is not None:
        idx = idx.tz_convert("Asia/Shanghai").tz_localize(None)  # the Beijing-time date decides
    if idx.hasnans:
        raise ValueError(note("error.rules.no_date"))
    new = idx >= pd.Timestamp(CHANGEOVER)
    return np.where(new, "HJ633-2026", "HJ633-2012")


@lru_cache(maxsize=None)
def _load_limit_phases(name: str) -> tuple[LimitSet, ...]:
    raw = _load_toml(name)
    v = raw["validity"]
    validity = Validity(
        clause=v["clause"],
        hourly_min_minutes=v["hourly_min_minutes"],
        daily_min_hours=v["daily_min_hours"],
        o3_8h_min_hours=v["o3_8h_min_hours"],
        o3_daily_max_8h_min_windows=v["o3_daily_max_8h_min_windows"],
        o3_window_end_hours=tuple(v["o3_window_end_hours"]),
        annual_min_days=v["annual_min_days"],
        monthly_min_days=v["monthly_min_days"],
        february_min_days=v["february_min_days"],
    )
    phases = []
    for ph in raw["phase"]:
        table = {(p, a): (_frac(g1), _frac(g2)) for p, a, g1, g2 in ph["limits"]}
        phases.append(
            LimitSet(
                standard=raw["standard"],
                phase=ph["name"],
                effective_from=ph["effective_from"],
                effective_until=ph["effective_until"],
                clause=ph["clause"],
                limits=MappingProxyType(table),
                validity=validity,
            )
        )
    return tuple(phases)


def get_limits(name: str, phase: str | None = None) -> LimitSet:
    """A GB 3095 limit phase by name: ``get_limits("GB3095-2026", "final")``.

    ``phase=None`` gives the first phase of the standard.
    """
    if name not in ("GB3095-2012", "GB3095-2026"):
        raise ValueError(note("error.rules.unknown_limits", name=repr(name)))
    phases = _load_limit_phases(name)
    if phase is None:
        return phases[0]
    for ph in phases:
        if ph.phase == phase:
            return ph
    raise ValueError(note("error.rules.no_phase", name=name, phase=repr(phase), phases=[p.phase for p in phases]))


def limits_for(day) -> LimitSet:
    """The GB 3095 limits in force on ``day``: 2012 before 2026-03-01, then the 2026
    transitional phase until 2030-12-31, then the 2026 final phase (standards.md §2.1, §5 item 14)."""
    d = _as_date(day)
    for name in ("GB3095-2012", "GB3095-2026"):
        for ph in _load_limit_phases(name):
            if ph.effective_from <= d <= ph.effective_until:
                return ph
    raise ValueError(f"no GB 3095 limits cover {d}")  # pragma: no cover - tables cover all dates
