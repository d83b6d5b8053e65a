"""The station and season model of the SYNTHETIC Guigang demo data: the clean hourly values.

Nothing produced here is a measurement (see :mod:`airq.demo`). This module holds the demo stations
(:data:`DEMO_STATIONS`, with the level factors the generator uses), the pollutant columns
(:data:`DEMO_POLLUTANTS`), the climate (monthly anchors, trend, year effects, diurnal profiles,
Spring-Festival dates), the keyed random streams, and :func:`_clean_values`, which turns them into
rounded clean values (6 pollutants x stations x hours). Model (everything is multiplicative, i.e.
additive in log space):

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

Random streams are keyed by (seed, component[, station or year]) (:func:`_rng`).

Part of :mod:`airq.demo` (which re-exports the public names).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "DEMO_STATIONS",
    "DEMO_POLLUTANTS",
]

#: Pollutant columns, in canonical order [µg/m³; co mg/m³].
DEMO_POLLUTANTS = ("so2", "no2", "co", "o3", "pm10", "pm25")

# --------------------------------------------------------------------------------------
# Stations
# --------------------------------------------------------------------------------------

# Level factors per pollutant ("coarse" scales PM10/PM2.5 - 1) and whether the station
# sits in the county towns east of the city (partly independent regional signal).
_STATIONS = (
    dict(code="2505A", name="德智高中", county="港北区", lat=23.148, lon=109.568, contrast=True,
         synthetic=False, east=False,
         f=dict(pm=0.90, coarse=0.85, no2=0.75, so2=0.80, co=0.85, o3=0.97)),
    dict(code="2506A", name="江南子站", county="港南区", lat=23.067, lon=109.605, contrast=False,
         synthetic=False, east=False,
         f=dict(pm=1.00, coarse=1.15, no2=1.00, so2=0.85, co=1.00, o3=1.02)),
    dict(code="2507A", name="贵城子站", county="港北区", lat=23.095, lon=109.601, contrast=False,
         synthetic=False, east=False,
         f=dict(pm=1.06, coarse=1.00, no2=1.10, so2=1.00, co=1.00, o3=1.00)),
    dict(code="2508A", name="荷城子站", county="港北区", lat=23.107, lon=109.567, contrast=False,
         synthetic=False, east=False,
         f=dict(pm=0.97, coarse=1.00, no2=0.95, so2=1.30, co=1.08, o3=0.97)),
    dict(code="3405A", name="新世纪学校", county="港北区", lat=23.117, lon=109.589, contrast=False,
         synthetic=False, east=False,
         f=dict(pm=1.00, coarse=1.05, no2=1.00, so2=1.15, co=1.05, o3=1.02)),
    dict(code="GP01A", name="桂平市监测站", county="桂平市", lat=23.394, lon=110.079, contrast=False,
         synthetic=True, east=True,
         f=dict(pm=0.92, coarse=0.95, no2=0.85, so2=0.90, co=0.95, o3=1.00)),
    dict(code="PN01A", name="平南县监测站", county="平南县", lat=23.540, lon=110.392, contrast=False,
         synthetic=True, east=True,
         f=dict(pm=0.88, coarse=0.90, no2=0.80, so2=0.85, co=0.90, o3=0.98)),
)

#: The demo stations: ``code, name, county, lat, lon, contrast, synthetic``.
#: ``contrast`` marks the 对照点 (background/control point, left out of county means);
#: ``synthetic`` marks stations invented for the demo (not in the CNEMC network).
#: County of the national stations = district the site lies in (group definitions such as
#: 覃塘区 = mean of the four urban stations belong to the configuration, not here).
#: Coordinates are approximate (WGS-84). Editing this frame does not change the generator.
DEMO_STATIONS = pd.DataFrame(
    [{k: s[k] for k in ("code", "name", "county", "lat", "lon", "contrast", "synthetic")} for s in _STATIONS]
)

_CODES = tuple(s["code"] for s in _STATIONS)

# --------------------------------------------------------------------------------------
# Climate: monthly anchors (mid-month), city level, reference year 2023
# --------------------------------------------------------------------------------------

#                       Jan    Feb    Mar    Apr    May    Jun    Jul    Aug    Sep    Oct    Nov    Dec
_PM25 = np.array([44.0, 38.0, 35.0, 28.0, 21.0, 16.5, 16.0, 17.0, 22.0, 28.0, 35.0, 43.0])
_COARSE = np.array([0.50, 0.50, 0.70, 0.72, 0.62, 0.55, 0.55, 0.55, 0.58, 0.62, 0.58, 0.52])
_NO2 = np.array([28.0, 23.0, 26.0, 23.0, 20.0, 17.0, 16.0, 17.0, 21.0, 25.0, 28.0, 30.0])
_SO2 = np.array([9.0, 8.5, 8.5, 8.0, 7.0, 6.0, 6.0, 6.0, 7.5, 8.5, 9.5, 10.0])
_CO = np.array([0.95, 0.90, 0.85, 0.80, 0.70, 0.62, 0.60, 0.62, 0.70, 0.78, 0.88, 0.97])
_O3_NIGHT = np.array([32.0, 32.0, 35.0, 35.0, 32.0, 25.0, 24.0, 27.0, 40.0, 42.0, 38.0, 32.0])
_O3_AMP = np.array([48.0, 46.0, 60.0, 76.0, 82.0, 68.0, 68.0, 82.0, 105.0, 100.0, 74.0, 52.0])
# seasonal scale of the PM day-to-day variability (winter more variable)
_PM_SIG = np.array([1.0, 1.0, 0.95, 0.9, 0.85, 0.8, 0.8, 0.8, 0.85, 0.9, 0.95, 1.0])

# slow trend (log change per year, relative to mid-2023) and sd of the random year effect
_TREND = dict(pm=-0.025, coarse=-0.01, no2=-0.015, so2=-0.03, co=-0.02, o3=0.005)
_YEAR_SD = dict(pm=0.04, no2=0.04, so2=0.06, co=0.03, o3=0.04)
_YEAR_KEYS = ("pm", "no2", "so2", "co", "o3")

# Diurnal profiles, index = hour START (0 = 00:00-01:00). Normalised to mean 1 below.
_DIURNAL_PM = np.array([1.08, 1.06, 1.03, 1.00, 0.98, 0.98, 1.00, 1.04, 1.09, 1.11, 1.07, 1.00,
                        0.93, 0.88, 0.85, 0.84, 0.86, 0.91, 0.97, 1.03, 1.08, 1.11, 1.12, 1.10])
_DIURNAL_NO2 = np.array([1.05, 0.98, 0.92, 0.88, 0.86, 0.88, 0.97, 1.15, 1.32, 1.25, 1.08, 0.92,
                         0.80, 0.74, 0.72, 0.74, 0.82, 0.98, 1.20, 1.36, 1.38, 1.30, 1.20, 1.12])
_DIURNAL_SO2 = np.array([0.90, 0.88, 0.87, 0.86, 0.86, 0.87, 0.90, 0.96, 1.05, 1.15, 1.20, 1.22,
                         1.20, 1.16, 1.10, 1.05, 1.00, 0.98, 1.00, 1.02, 1.00, 0.97, 0.94, 0.92])
# O3 night background shape (titration in the rush hours); photochemical bump peaks ~15:00
_O3_BACK = np.array([1.00, 0.98, 0.95, 0.92, 0.88, 0.82, 0.70, 0.58, 0.55, 0.62, 0.75, 0.88,
                     0.95, 1.00, 1.00, 1.00, 0.98, 0.92, 0.82, 0.78, 0.80, 0.86, 0.92, 0.97])
_O3_PEAK = 15.0

# Spring Festival (正月初一) dates, for the fireworks spike and the holiday NO2 drop.
_CNY = {
    2015: "2015-02-19", 2016: "2016-02-08", 2017: "2017-01-28", 2018: "2018-02-16",
    2019: "2019-02-05", 2020: "2020-01-25", 2021: "2021-02-12", 2022: "2022-02-01",
    2023: "2023-01-22", 2024: "2024-02-10", 2025: "2025-01-29", 2026: "2026-02-17",
    2027: "2027-02-06", 2028: "2028-01-26", 2029: "2029-02-13", 2030: "2030-02-03",
}

# random-stream component keys
_K_REGION, _K_STATION, _K_YEAR, _K_EPI, _K_CNY, _K_FAULTS = 1, 2, 3, 4, 5, 6


def _rng(seed: int, *key: int) -> np.random.Generator:
    return np.random.default_rng(np.random.SeedSequence([int(seed), *map(int, key)]))


def _ar1(rng: np.random.Generator, shape, phi: float) -> np.ndarray:
    """Stationary unit-variance AR(1) series along the last axis.

    Exact recursion ``x[t] = phi x[t-1] + e[t]`` evaluated as a parallel prefix scan
    (log2(n) vectorised steps), stopped when ``phi**k`` is negligible.
    """
    x = rng.standard_normal(shape)
    x[..., 0] /= np.sqrt(1.0 - phi**2)
    n = x.shape[-1]
    k, p = 1, phi
    while k < n and p > 1e-12:
        x[..., k:] = x[..., k:] + p * x[..., :-k]
        k, p = 2 * k, p * p
    return x * np.sqrt(1.0 - phi**2)


def _seasonal(anchors: np.ndarray, yearfrac: np.ndarray) -> np.ndarray:
    """Periodic linear interpolation of 12 mid-month anchors at fractions of the year."""
    nodes = (np.arange(12) + 0.5) / 12.0
    return np.interp(yearfrac, nodes, anchors, period=1.0)


def _days_to_hours(daily: np.ndarray) -> np.ndarray:
    """Linear interpolation of values at noon of each day to every hour (last axis)."""
    n_days = daily.shape[-1]
    pos = (np.arange(24 * n_days) + 0.5) / 24.0 - 0.5
    i0 = np.clip(np.floor(pos).astype(np.int64), 0, n_days - 1)
    i1 = np.minimum(i0 + 1, n_days - 1)
    w = np.clip(pos - i0, 0.0, 1.0)
    return daily[..., i0] * (1.0 - w) + daily[..., i1] * w


def _bumps(x: np.ndarray, centre: np.ndarray, half: np.ndarray, amp: np.ndarray, ramp: float) -> np.ndarray:
    """Sum of smooth plateaus ``amp`` over ``centre +- half`` (ramps of width ``ramp``)."""
    if len(centre) == 0:
        return np.zeros_like(x, dtype=float)
    d = x[:, None] - centre[None, :]
    shape = 0.5 * (np.tanh((d + half) / ramp) - np.tanh((d - half) / ramp))
    return shape @ amp


def _calendar(days: pd.DatetimeIndex):
    """Fraction of the year (mid-day) and years since mid-2023 of each day."""
    doy = days.day_of_year.to_numpy(dtype=float) - 0.5
    ylen = np.where(days.is_leap_year, 366.0, 365.0)
    yearfrac = doy / ylen
    t_years = (days - pd.Timestamp("2023-07-02")).days.to_numpy(dtype=float) / 365.25
    return yearfrac, t_years


def _year_effects(seed: int, days: pd.DatetimeIndex) -> dict[str, np.ndarray]:
    """Smooth random year effects (log), keyed by calendar year."""
    years = np.arange(days[0].year - 1, days[-1].year + 2)
    z = np.array([_rng(seed, _K_YEAR, y).standard_normal(len(_YEAR_KEYS)) for y in years])
    nodes = np.array([(pd.Timestamp(f"{y}-07-02") - days[0]).days for y in years], dtype=float)
    x = np.arange(len(days), dtype=float)
    return {k: _YEAR_SD[k] * np.interp(x, nodes, z[:, i]) for i, k in enumerate(_YEAR_KEYS)}


def _episodes(seed: int, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Daily log boosts of winter PM episodes and autumn/spring O3 episodes, keyed by year."""
    d0 = days[0]
    pm_c, pm_h, pm_a, o3_c, o3_h, o3_a = [], [], [], [], [], []
    for y in range(d0.year - 1, days[-1].year + 2):
        r = _rng(seed, _K_EPI, y)
        jan1 = float((pd.Timestamp(f"{y}-01-01") - d0).days)
        # PM: Jan-Feb, Nov-Dec and March; in 40 % of the windows one episode is strong
        windows = [(0, 58, r.integers(2, 5)), (300, 364, r.integers(1, 4)), (59, 90, r.integers(0, 2))]
        for lo, hi, n in windows:
            pm_c.append(jan1 + r.uniform(lo, hi, n))
            pm_h.append(r.uniform(0.7, 2.5, n))
            amp = r.uniform(0.2, 0.55, n)
            if n and r.random() < 0.4:
                amp[r.integers(n)] = r.uniform(0.6, 0.85)
            pm_a.append(amp)
        # O3: late Aug - Oct (strong), Apr - May (weaker), Jul (weak)
        for lo, hi, n, a_lo, a_hi in ((235, 300, r.integers(3, 6), 0.18, 0.42),
                                      (95, 150, r.integers(1, 3), 0.10, 0.30),
                                      (180, 225, r.integers(0, 2), 0.08, 0.22)):
            o3_c.append(jan1 + r.uniform(lo, hi, n))
            o3_h.append(r.uniform(1.0, 3.5, n))
            o3_a.append(r.uniform(a_lo, a_hi, n))
    x = np.arange(len(days), dtype=float)
    cat = np.concatenate
    pm = _bumps(x, cat(pm_c), cat(pm_h), cat(pm_a), 0.8)
    o3 = _bumps(x, cat(o3_c), cat(o3_h), cat(o3_a), 0.8)
    return pm, o3


def _festivals(seed: int, times: np.ndarray, days: pd.DatetimeIndex) -> tuple[np.ndarray, np.ndarray]:
    """Spring/Lantern-Festival fireworks and the Spring-Festival NO2 holiday drop.

    Returns the hourly fireworks PM2.5 increment [µg/m³] (additive, peak 100-200 in the first
    hour after midnight, slow clearing on 初一, a smaller burst on the evenings of 初一 and
    元宵) and the daily log change of traffic emissions (-0.28 from 3 days before to 6 days
    after 初一).
    """
    t0 = times[0]
    h = (times - t0) / np.timedelta64(1, "h")
    firework = np.zeros(len(times))
    holiday = np.zeros(len(days))
    x_days = np.arange(len(days), dtype=float)
    for y in range(days[0].year, days[-1].year + 1):
        if y not in _CNY:
            continue
        a = _rng(seed, _K_CNY, y).uniform(100.0, 200.0)
        c = (np.datetime64(_CNY[y], "h") - t0) / np.timedelta64(1, "h")  # hours of 初一 00:00
        x = h - c - 0.5  # hour midpoints relative to midnight
        shape = np.where(x < 0, np.exp(-0.5 * (x / 2.5) ** 2), np.exp(-np.clip(x, 0, None) / 9.0))
        shape = shape + 0.25 * np.exp(-0.5 * ((x - 20.5) / 2.0) ** 2)  # 初一 evening
        shape = shape + 0.35 * np.exp(-0.5 * ((x - 14 * 24 - 20.5) / 2.0) ** 2)  # 元宵 evening
        firework += a * shape
        cd = c / 24.0
        holiday -= 0.28 * 0.5 * (np.tanh((x_days - (cd - 3)) / 1.0) - np.tanh((x_days - (cd + 6)) / 1.5))
    return firework, holiday


def _clean_values(seed: int, st_index: np.ndarray, days: pd.DatetimeIndex, times: np.ndarray) -> np.ndarray:
    """Rounded clean values, shape (6 pollutants, stations, hours), order DEMO_POLLUTANTS.

    The loop runs over the requested stations only (at most seven); every station draws its
    local noise from its own stream, keyed by its position in ``_STATIONS``.
    """
    n_d, n_h = len(days), len(times)
    yearfrac, t_years = _calendar(days)
    yeff = _year_effects(seed, days)
    epi_pm, epi_o3 = _episodes(seed, days)
    firework, holiday = _festivals(seed, times, days)
    hour = np.arange(n_h) % 24
    weekday = days.day_of_week.to_numpy()
    weekend = np.where(weekday == 6, -0.06, np.where(weekday == 5, -0.03, 0.0))

    # regional processes: [city, east] x component x days / hours
    r = _rng(seed, _K_REGION)
    daily_phi = dict(met=0.7, pm=0.75, coarse=0.6, no2=0.6, so2=0.6, co=0.6, o3a=0.65, o3b=0.5)
    hourly_phi = dict(pm=0.9, coarse=0.7, no2=0.8, so2=0.8, co=0.85, o3=0.8)
    reg_d = {k: _ar1(r, (2, n_d), phi) for k, phi in daily_phi.items()}
    reg_h = {k: _ar1(r, (2, n_h), phi) for k, phi in hourly_phi.items()}

    season = {k: _seasonal(a, yearfrac) for k, a in dict(
        pm=_PM25, coarse=_COARSE, no2=_NO2, so2=_SO2, co=_CO, o3b=_O3_NIGHT, o3a=_O3_AMP, pmsig=_PM_SIG).items()}
    trend = {k: v * t_years for k, v in _TREND.items()}
    dn_pm = np.log(_DIURNAL_PM / _DIURNAL_PM.mean())[hour]
    dn_no2 = np.log(_DIURNAL_NO2 / _DIURNAL_NO2.mean())[hour]
    dn_so2 = np.log(_DIURNAL_SO2 / _DIURNAL_SO2.mean())[hour]
    o3_back = _O3_BACK[hour]
    hc = hour + 0.5
    o3_bump = np.exp(-0.5 * ((hc - _O3_PEAK) / np.where(hc < _O3_PEAK, 3.2, 3.6)) ** 2)

    out = np.empty((len(DEMO_POLLUTANTS), len(st_index), n_h))
    for j, si in enumerate(st_index):
        st = _STATIONS[si]
        f = st["f"]
        rho = 0.85 if st["east"] else 1.0
        mix = np.sqrt(1.0 - rho**2)
        rd = {k: rho * v[0] + mix * v[1] for k, v in reg_d.items()}
        rh = {k: rho * v[0] + mix * v[1] for k, v in reg_h.items()}
        ls = _rng(seed, _K_STATION, si)
        ld = {k: _ar1(ls, n_d, 0.6) for k in ("pm", "no2", "so2", "co", "o3")}
        lh = {k: _ar1(ls, n_h, 0.8) for k in ("pm25", "pm10", "no2", "so2", "co", "o3")}

        # ---- PM2.5 (log space) --------------------------------------------------
        sig = season["pmsig"]
        a_met, a_own, a_rh, a_ld, a_lh = 0.32 * sig, 0.28 * sig, 0.15, 0.06, 0.13
        var = a_met**2 + a_own**2 + a_ld**2 + a_rh**2 + a_lh**2
        pm_day = (np.log(season["pm"] * f["pm"]) + trend["pm"] + yeff["pm"] + epi_pm
                  + a_met * rd["met"] + a_own * rd["pm"] + a_ld * ld["pm"] - 0.5 * var)
        # soft ceiling: stagnation above ~100 µg/m³ (daily) grows only half as fast
        knee = np.log(100.0 * f["pm"])
        pm_day = np.where(pm_day > knee, knee + 0.45 * (pm_day - knee), pm_day)
        fw = firework * f["pm"]
        pm25 = (np.exp(_days_to_hours(pm_day) + dn_pm) + fw) * np.exp(a_rh * rh["pm"] + a_lh * lh["pm25"])

        # ---- PM10 = PM2.5 x (1 + coarse) ------------------------------------------
        c_var = 0.25**2 + 0.15**2 + 0.2**2
        c_day = np.log(season["coarse"] * f["coarse"]) + trend["coarse"] + 0.25 * rd["coarse"] - 0.5 * c_var
        coarse = np.exp(_days_to_hours(c_day) + 0.15 * rh["coarse"] + 0.2 * lh["pm10"])
        pm10 = pm25 * (1.0 + coarse)

        # ---- NO2, SO2, CO ------------------------------------------------------------
        def gas(key, a_met, a_own, a_rh, a_ld, a_lh, diurnal, extra_day=0.0, extra_hour=0.0):
            var = a_met**2 + a_own**2 + a_rh**2 + a_ld**2 + a_lh**2
            day = (np.log(season[key] * f[key]) + trend[key] + yeff[key] + a_met * rd["met"]
                   + a_own * rd[key] + a_ld * ld[key] + extra_day - 0.5 * var)
            base = np.exp(_days_to_hours(day) + diurnal) + extra_hour * f[key]
            return base * np.exp(a_rh * rh[key] + a_lh * lh[key])

        no2 = gas("no2", 0.15, 0.15, 0.12, 0.08, 0.15, dn_no2, holiday + weekend)
        so2 = gas("so2", 0.10, 0.20, 0.15, 0.10, 0.20, dn_so2, extra_hour=0.08 * firework)
        co = gas("co", 0.12, 0.10, 0.08, 0.05, 0.08, 0.5 * dn_no2, 0.5 * weekend, 0.002 * firework)

        # ---- O3 = night background x titration + photochemical bump ---------------
        a_var = 0.18**2 + 0.28**2 + 0.05**2
        amp_day = (np.log(season["o3a"] * f["o3"]) + trend["o3"] + yeff["o3"] + epi_o3
                   + 0.18 * rd["met"] + 0.28 * rd["o3a"] + 0.05 * ld["o3"] - 0.5 * a_var)
        back_day = np.log(season["o3b"] * f["o3"]) + 0.2 * rd["o3b"] - 0.5 * 0.2**2
        o3 = (np.exp(_days_to_hours(back_day)) * o3_back + np.exp(_days_to_hours(amp_day)) * o3_bump)
        o3 = o3 * np.exp(0.08 * rh["o3"] + 0.10 * lh["o3"] - 0.5 * (0.08**2 + 0.10**2))

        out[:, j] = np.stack([so2, no2, co, o3, pm10, pm25])  # DEMO_POLLUTANTS order

    return _round_published(out)


def _round_published(values: np.ndarray) -> np.ndarray:
    """Round (6, ...) values to the published precision; no natural zeros or negatives."""
    out = np.maximum(np.rint(values), 1.0)
    ico = DEMO_POLLUTANTS.index("co")
    out[ico] = np.maximum(np.round(values[ico], 1), 0.1)
    return out
