"""The validated plan as data: stations, groups, targets, options, measures files, and the Plan.

The dataclasses that :func:`airq.config.load_plan` and :func:`airq.config.plan_from_station_list`
return (:class:`Plan`, :class:`Station`, :class:`Group`, :class:`Targets`, :class:`Options`,
:class:`MeasuresFiles`) and the vocabulary a plan is checked against: the group kinds, the
target keys with their units and senses (:data:`TARGET_SPECS`), the default reporting decimals,
the O3 8-h aggregations and the dust deductions. Reading and checking the TOML is
:mod:`airq.config_sections`; this module knows only :mod:`airq.notes`.

Numbers
-------
Targets are kept exactly as written: TOML floats are parsed as :class:`decimal.Decimal`
(``93.8`` is ``Decimal('93.8')``, not the binary float 93.799999...). Use
``fractions.Fraction(t.pm25_mean)`` for exact arithmetic. Coordinates are plain floats.

Contrast stations
-----------------
Contrast / background sites (对照点) are not assessment stations and must not enter a county or
city mean (standards.md §2.5, §5 item 8): :meth:`Plan.assessment_stations` never returns one.
``contrast = True`` means "not an assessment station" (in the CNEMC list the flag also marks
decommissioned stations).

References
----------
.. [1] standards.md §2.5 (city/county value = mean over the assessment stations; contrast sites
   excluded; minimum number of valid stations per day an open point).
.. [2] standards.md §2.6, §2.8 (target statistics, composite index).
.. [3] standards.md §2.7 (reporting precision: PM2.5 period means 1 decimal, ratios 1 decimal,
   composite index 2 decimals, other concentrations integers).
.. [4] standards.md §2.9 (good-day ratio AQI <= 100, heavy-pollution ratio AQI > 200, dust
   deduction mode to be made explicit).
.. [5] standards.md §5 item 8 (contrast stations in city means).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

from .notes import note

__all__ = [
    "Station",
    "Group",
    "Targets",
    "TargetSpec",
    "Options",
    "Plan",
    "MeasuresFiles",
    "GROUP_KINDS",
    "TARGET_SPECS",
    "REQUIRED_TARGETS",
    "DEFAULT_DECIMALS",
    "O3_8H_AGGREGATIONS",
    "DUST_DEDUCTIONS",
]

#: Kinds of group: a county-level unit, the whole city, or one station on its own.
GROUP_KINDS = ("county", "city", "station")
#: Ways to build a group's daily O3 max-8h value (standards.md §2.5: open question, [L]).
#: ``"mean_of_station_max"``: mean of the stations' daily max-8h values (default, same order
#: as every other pollutant); ``"max_of_mean_series"``: max over the day of the group-mean 8-h series.
O3_8H_AGGREGATIONS = ("mean_of_station_max", "max_of_mean_series")
#: Dust deduction (standards.md §2.9, [L]): ``"none"`` (default; real-time data carry no dust
#: flags), ``"exclude_days"`` (dust-caused exceedance days leave the denominator),
#: ``"recompute"`` (the day's AQI is recomputed without the dust-affected particulate values).
DUST_DEDUCTIONS = ("none", "exclude_days", "recompute")


@dataclass(frozen=True)
class TargetSpec:
    """What one target key means.

    Attributes
    ----------
    key : str
        TOML key (``"pm25_mean"``).
    unit : str
        ``"%"``, ``"µg/m³"``, ``"days"`` or ``""``.
    sense : str
        ``"min"`` (the statistic must be at least the target) or ``"max"`` (at most).
    integer : bool
        The target is a whole number (a count of days).
    description : str
        What the statistic is.
    """

    key: str
    unit: str
    sense: str
    integer: bool
    description: str


#: Every target key a plan may set, in display order (standards.md §2.6, §2.8, §2.9).
TARGET_SPECS: Mapping[str, TargetSpec] = MappingProxyType(
    {
        s.key: s
        for s in (
            TargetSpec("good_day_ratio", "%", "min", False, "优良天数比例: days with AQI <= 100 / valid days x 100"),
            TargetSpec("pm25_mean", "µg/m³", "max", False, "PM2.5 annual mean (mean of the group's daily means)"),
            TargetSpec("heavy_day_ratio", "%", "max", False, "重度及以上污染天数比例: days with AQI > 200 / valid days x 100"),
            TargetSpec("o3_p90", "µg/m³", "max", False, "O3 daily max 8-h, 90th percentile"),
            TargetSpec("good_days", "days", "min", True, "number of days with AQI <= 100"),
            TargetSpec("pm10_mean", "µg/m³", "max", False, "PM10 annual mean"),
            TargetSpec("composite_index", "", "max", False, "环境空气质量综合指数 (standards.md §2.8)"),
        )
    }
)
#: Target keys every target table must set.
REQUIRED_TARGETS = ("good_day_ratio", "pm25_mean", "heavy_day_ratio")
#: Default reporting decimals per statistic (standards.md §2.7, [M]). ``good_days`` is a count.
DEFAULT_DECIMALS: Mapping[str, int] = MappingProxyType(
    {
        "good_day_ratio": 1,
        "heavy_day_ratio": 1,
        "pm25_mean": 1,
        "pm10_mean": 0,
        "o3_p90": 0,
        "composite_index": 2,
    }
)


# --------------------------------------------------------------------------- data classes


@dataclass(frozen=True)
class Station:
    """One monitoring station.

    Attributes
    ----------
    code : str
        CNEMC code (``2506A``) or the user's own code for a non-national station.
    name : str
        Station name, without the ``(对照点)`` suffix.
    county : str or None
        County-level division the station lies in, where the plan records it.
    lat, lon : float or None
        WGS-84 decimal degrees (None only for stations taken from a station list without them).
    contrast : bool
        True for a contrast/background site (对照点), which is not an assessment station
        (standards.md §2.5).
    synthetic : bool
        True for an invented placeholder (demo data); never sign a report that uses one.
    origin : str
        Where the definition came from (``stations.2506A`` or ``station list <file>``).
    """

    code: str
    name: str
    county: str | None
    lat: float | None
    lon: float | None
    contrast: bool
    synthetic: bool = False
    origin: str = ""


@dataclass(frozen=True)
class Group:
    """A unit that is judged: a county, the city, or one station.

    Attributes
    ----------
    name : str
        Group name (``港北区``).
    stations : tuple of str
        Station codes, in the order written. The group's daily value is the mean over these
        stations' valid daily values (standards.md §2.5).
    kind : str
        ``"county"``, ``"city"`` or ``"station"`` (exactly one station).
    allow_contrast : bool
        A contrast station may be listed only when this is True.
    min_stations : int or None
        Minimum number of stations with a valid daily value for a valid group day;
        None = the plan's ``options.min_stations`` (see :meth:`Plan.min_stations_for`).
    """

    name: str
    stations: tuple[str, ...]
    kind: str
    allow_contrast: bool = False
    min_stations: int | None = None


@dataclass(frozen=True)
class Targets:
    """The targets of one group for one year (or the default ones).

    Values are exact decimals as written in the plan (``Decimal('93.8')``); ``good_days`` is an int.
    Unset optional targets are None. See :data:`TARGET_SPECS` for units and senses.

    Attributes
    ----------
    group : str
    year : int or None
        The year; None for a ``[targets.default.<group>]`` entry itself.
    good_day_ratio : Decimal
        Minimum good-day ratio [%] (AQI <= 100).
    pm25_mean : Decimal
        Maximum PM2.5 annual mean [µg/m³].
    heavy_day_ratio : Decimal
        Maximum heavy-pollution-day ratio [%] (AQI > 200).
    o3_p90, pm10_mean : Decimal or None
        Maximum O3 90th percentile / PM10 annual mean [µg/m³].
    good_days : int or None
        Minimum number of good days.
    composite_index : Decimal or None
        Maximum composite index.
    from_default : bool
        True when the values come from ``[targets.default.<group>]`` rather than an entry for
        the year itself.
    origin : str
        Key path of the table the values come from (``targets.2023.港北区``).
    """

    group: str
    year: int | None
    good_day_ratio: Decimal
    pm25_mean: Decimal
    heavy_day_ratio: Decimal
    o3_p90: Decimal | None = None
    good_days: int | None = None
    pm10_mean: Decimal | None = None
    composite_index: Decimal | None = None
    from_default: bool = False
    origin: str = ""

    def values(self) -> dict[str, Decimal | int]:
        """The targets that are set, keyed as in :data:`TARGET_SPECS`, in display order."""
        return {k: getattr(self, k) for k in TARGET_SPECS if getattr(self, k) is not None}


@dataclass(frozen=True)
class Options:
    """Reporting and aggregation options of a plan.

    Attributes
    ----------
    decimals : mapping str -> int
        Reporting decimals per statistic (keys of :data:`DEFAULT_DECIMALS`); defaults
        PM2.5 mean 1, ratios 1, composite index 2, other concentrations 0 (standards.md §2.7).
    min_stations : int
        Default minimum number of stations with a valid daily value for a group day to be
        valid. Default 1 (any valid station). A share such as 75 % is sometimes quoted but not
        verified (standards.md §2.5, [L]); set it per group with ``groups.<name>.min_stations``.
    o3_8h_aggregation : str
        One of :data:`O3_8H_AGGREGATIONS`; default ``"mean_of_station_max"`` (standards.md §2.5,
        open question).
    dust_deduction : str
        One of :data:`DUST_DEDUCTIONS`; default ``"none"`` (standards.md §2.9).
    """

    decimals: Mapping[str, int] = field(default_factory=lambda: DEFAULT_DECIMALS)
    min_stations: int = 1
    o3_8h_aggregation: str = "mean_of_station_max"
    dust_deduction: str = "none"


@dataclass(frozen=True)
class Plan:
    """A validated assessment plan.

    Attributes
    ----------
    name : str
        Name of the plan (the document the targets come from).
    city : str
        City (prefecture) the plan belongs to.
    years : tuple of int
        Years the plan's own (explicit) targets are for.
    stations : mapping str -> Station
        Every station the plan defines or uses, by code.
    groups : mapping str -> Group
        Groups by name, in the order written.
    targets : mapping (str, int) -> Targets
        Explicit targets by (group, year). Years without an entry may fall back on
        ``default_targets`` through :meth:`targets_for`.
    default_targets : mapping str -> Targets
        ``[targets.default.<group>]`` entries by group (``year`` None, ``from_default`` True).
    options : Options
    source : str or None
        Free-text provenance of the plan.
    path : str or None
        File the plan was loaded from.
    measures : MeasuresFiles or None
        ``[measures]``: the register of the plan's dated measures and its status file.
    """

    name: str
    city: str
    years: tuple[int, ...]
    stations: Mapping[str, Station]
    groups: Mapping[str, Group]
    targets: Mapping[tuple[str, int], Targets]
    default_targets: Mapping[str, Targets]
    options: Options
    source: str | None = None
    path: str | None = None
    measures: "MeasuresFiles | None" = None

    @property
    def year(self) -> int:
        """The plan's year, when it covers exactly one (else ``ValueError``)."""
        if len(self.years) != 1:
            raise ValueError(f"plan {self.name!r} covers several years {list(self.years)}; use .years")
        return self.years[0]

    def _group(self, name: str) -> Group:
        try:
            return self.groups[name]
        except KeyError:
            raise KeyError(note("error.plan.no_group", plan=self.name, group=repr(name), groups=list(self.groups))) from None

    def group_stations(self, name: str) -> tuple[str, ...]:
        """Station codes of group ``name`` (KeyError naming the known groups if unknown)."""
        return self._group(name).stations

    def min_stations_for(self, name: str) -> int:
        """Minimum number of valid stations for a valid day of group ``name``."""
        g = self._group(name)
        return g.min_stations if g.min_stations is not None else self.options.min_stations

    def targets_for(self, group: str, year: int, *, use_default: bool = True) -> Targets:
        """Targets of ``group`` for ``year``.

        The entry ``[targets.<year>.<group>]`` if there is one; otherwise, when ``use_default``,
        ``[targets.default.<group>]`` re-stamped with ``year`` (its ``from_default`` is True).

        Raises
        ------
        KeyError
            Unknown group, or no targets for that group and year.
        """
        self._group(group)
        if isinstance(year, bool) or not isinstance(year, int):
            raise TypeError(f"year must be an int, not {type(year).__name__}")
        t = self.targets.get((group, year))
        if t is not None:
            return t
        if use_default and group in self.default_targets:
            return replace(self.default_targets[group], year=year)
        years = sorted(y for g, y in self.targets if g == group)
        has_default = group in self.default_targets
        default = ((note("error.plan.default_yes") if has_default else note("error.plan.default_no")) if use_default
                   else note("error.plan.default_yes_unused") if has_default else note("error.plan.default_no_unused"))
        raise KeyError(note("error.plan.no_targets", plan=self.name, group=repr(group), year=year,
                            years=str(years) if years else note("error.plan.no_years"), default=default))

    def assessment_stations(self, kind: str | None = None) -> tuple[str, ...]:
        """Codes of the assessment (non-contrast) stations used by the plan's groups, sorted.

        Parameters
        ----------
        kind : str, optional
            Only stations of groups of this kind (``"city"`` gives the city's assessment
            stations). Contrast stations are never returned, even from a group that allows them
            (standards.md §2.5).
        """
        if kind is not None and kind not in GROUP_KINDS:
            raise ValueError(f"kind must be one of {', '.join(GROUP_KINDS)}, not {kind!r}")
        codes = {
            c
            for g in self.groups.values()
            if kind is None or g.kind == kind
            for c in g.stations
            if not self.stations[c].contrast
        }
        return tuple(sorted(codes))

    def synthetic_stations(self) -> tuple[str, ...]:
        """Codes of stations marked ``synthetic`` (placeholders), sorted."""
        return tuple(sorted(c for c, s in self.stations.items() if s.synthetic))


# --------------------------------------------------------------------------- [measures]


@dataclass(frozen=True)
class MeasuresFiles:
    """``[measures]``: the plan's measures register and status file (read by :mod:`airq.measures`).

    Attributes
    ----------
    register, status : str or None
        The paths as written in the TOML (``status`` None when not given).
    register_path, status_path : Path or None
        The same, resolved against the TOML file's folder.
    """

    register: str
    status: str | None
    register_path: Path
    status_path: Path | None
