"""Deterministic SYNTHETIC hourly air-quality data for the Guigang (贵港) demo groups.

Nothing produced here is a measurement. The generator makes data that *look like* the
hourly output of the CNEMC real-time platform for Guigang, Guangxi (subtropical monsoon
climate), so that the whole airq pipeline (readers, quality checks, daily values, AQI,
period statistics, targets, reports) can be demonstrated and tested without real data.
Orders of magnitude were calibrated against published daily values; no real value is
copied.

Output follows the canonical hourly table (``docs/architecture.md``): ``station`` (str),
``time`` (datetime64[ns], **start** of the hour, Beijing time, naive), ``so2, no2, co, o3,
pm10, pm25`` (float64; µg/m³, CO mg/m³; NaN = missing). Values are rounded to the published
precision: integers for µg/m³, one decimal for CO.

Model (everything is multiplicative, i.e. additive in log space):

* a seasonal curve per pollutant (monthly anchors, periodic interpolation), a slow
  downward trend of a few % a year and a smooth random year effect;
* a shared regional "stagnation" weather factor and pollutant-specific regional factors,
  daily AR(1) processes (multi-day persistence), interpolated to hours;
* winter PM episodes, autumn (and spring) ozone episodes, Spring-Festival fireworks
  (eve night / first morning) and a Lantern-Festival evening spike; NO2 drops during the
  Spring-Festival holiday and a little at weekends;
* diurnal profiles: NO2/CO rush-hour peaks (08-09, 19-21), PM2.5 lowest in the afternoon,
  O3 = night background (titrated in the morning rush) + a photochemical bump peaking about
  15:00;
* per station: a level factor, local daily and hourly AR(1) noise. The two county stations
  (60-90 km east) share only part of the regional signal (correlation about 0.85).

Imperfections injected afterwards (all deterministic from ``seed``; see ``EVENT_KINDS``) are
returned as a "truth" table by ``generate_hourly(..., return_truth=True)``.

Random streams are keyed by (seed, component[, station or year]), so the clean values of a
station do not depend on which other stations are requested, and year effects, episodes and
festival spikes of a given calendar year do not depend on the requested period. (The AR(1)
noise does depend on ``start``; imperfections depend on stations and period.)

Examples
--------
>>> from airq.demo import generate_hourly
>>> df = generate_hourly("2023-01-01", "2023-01-31", stations=["2506A"])
>>> df.attrs["synthetic"]
True
>>> list(df.columns)
['station', 'time', 'so2', 'no2', 'co', 'o3', 'pm10', 'pm25']

Layout
------
The code lives in topic modules; every public name is importable from here:

* :mod:`airq.demo_model` — :data:`DEMO_STATIONS`, :data:`DEMO_POLLUTANTS`, the climate and the
  clean values;
* :mod:`airq.demo_imperfections` — :data:`EVENT_KINDS`, the injected outages, missing and bad
  values, duplicates;
* :mod:`airq.demo_hourly` — :func:`generate_hourly`, :data:`DEFAULT_START`, :data:`DEFAULT_END`,
  :data:`DEFAULT_SEED`;
* :mod:`airq.demo_files` — :func:`write_demo`.
"""

from __future__ import annotations

from .demo_files import write_demo
from .demo_hourly import DEFAULT_END, DEFAULT_SEED, DEFAULT_START, generate_hourly
from .demo_imperfections import EVENT_KINDS
from .demo_model import DEMO_POLLUTANTS, DEMO_STATIONS

__all__ = [
    "DEMO_STATIONS",
    "DEMO_POLLUTANTS",
    "EVENT_KINDS",
    "DEFAULT_START",
    "DEFAULT_END",
    "DEFAULT_SEED",
    "generate_hourly",
    "write_demo",
]
