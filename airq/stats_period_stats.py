"""Period statistics of a daily AQI frame: :func:`period_stats`, one row per unit.

Day counts and ratios over valid days, AQI levels and primary pollutants, per-pollutant exceedance
days, means and HJ 663 percentiles, the composite index, data sufficiency and dust deduction — all
unrounded (:func:`airq.stats.publish` rounds once, at the end). The helpers below it recompute
dust days without PM, and count primary pollutants and exceedance days.

Definitions (standards.md §2.4-2.9)
-----------------------------------
* valid day: a day with a valid daily AQI (HJ 633—2026 §5.3: a day with a missing pollutant
  has one only when its AQI is above 100 — decided by :func:`airq.daily_aqi`).
* good day (优良): AQI <= 100; heavy (重度及以上): AQI > 200; exceedance (超标): AQI > 100.
  Ratios [%] are divided by **valid days**, never calendar days.
* period mean: mean of the unit's valid daily values; percentiles: HJ 663 Appendix A,
  k = 1 + (n - 1) p / 100 (:func:`airq.stats.hj663_percentile`).
* composite index (综合指数): sum of C_i / S_i (§2.8).

Part of :mod:`airq.stats` (which re-exports the public names).

References
----------
.. [1] HJ 633—2012 §3.4, Table 2; HJ 633—2026 §5.3 (standards.md §1.4, §1.6).
.. [2] HJ 663—2013 §5-6, Table 1, Appendix A (standards.md §2.5, §2.6; [M]).
.. [3] GB 3095—2012 / GB 3095—2026 Table 4 (data sufficiency; standards.md §2.3, [H]).
.. [4] 城市环境空气质量排名技术规定 (环办〔2014〕64号) (composite index; standards.md §2.8, [M]).
.. [5] 环办监测〔2016〕120号 (dust deduction; standards.md §2.9, [M/L]).
"""

from __future__ import annotations

from typing import Mapping

import numpy as np
import pandas as pd

from .aqi_combine import aqi_category
from .aqi_daily import daily_aqi
from .notes import note
from .rounding import round_scaled
from .rules import get_limits, get_rules, limits_for
from .stats_inputs import (
    CONCENTRATIONS,
    DAILY_INDICATORS,
    MEAN_POLLUTANTS,
    PERCENTILES,
    _EXCEEDANCE,
    _PM,
    _aqi_values,
    _check_frame,
    _composite_limits,
    _dates_of,
    _dust_mask,
    _float_col,
    _norm_dust_mode,
    _strip_aqi,
)
from .stats_percentile import _grouped_percentile
from .stats_periods import _resolve_period
from .stats_sufficiency import _counts_2d, _month_table, _whole_years
from .util import label as _label

__all__ = ["period_stats"]


#: Composite-index pollutants: (statistic column, limit key (pollutant, averaging)).
_COMPOSITE = (
    ("so2_mean", ("so2", "annual")),
    ("no2_mean", ("no2", "annual")),
    ("pm10_mean", ("pm10", "annual")),
    ("pm25_mean", ("pm25", "annual")),
    ("co_p95", ("co", "24h")),
    ("o3_8h_p90", ("o3", "8h")),
)
_INDEX_NAMES = {"so2_mean": "so2", "no2_mean": "no2", "pm10_mean": "pm10", "pm25_mean": "pm25",
                "co_p95": "co", "o3_8h_p90": "o3_8h"}


# --------------------------------------------------------------------------- period_stats


def period_stats(
    daily_aqi_frame: pd.DataFrame,
    *,
    start=None,
    end=None,
    period: str | None = None,
    by: str = "group",
    rules=None,
    dust_days=None,
    dust_mode: str | None = None,
    composite_limits="GB3095-2012",
    exceedance: str = "iaqi",
    aqi_options: Mapping | None = None,
) -> pd.DataFrame:
    """Period statistics of each group (or station) over any period: one row per unit.

    Parameters
    ----------
    daily_aqi_frame : DataFrame
        Output of :func:`airq.groups.group_daily_aqi`: one row per unit and day with ``by``,
        ``date``, ``so2, no2, co, pm10, pm25, o3_8h`` (unrounded daily values [µg/m³; co mg/m³]),
        ``iaqi_*``, ``aqi``, ``primary``, ``rules``. Dates missing from the frame count as days
        without a valid AQI.
    start, end : date-like
        First and last day (inclusive). Or give ``period`` (:func:`parse_period` text).
    period : str, optional
        ``"2023"``, ``"2023-03"``, ``"2023-Q1"``, ``"2023-01-01/2023-03-31"`` ...
    by : str, default "group"
        The unit column (``"station"`` for station-level statistics).
    rules : None, rule-set name or RuleSet
        ``None`` (default): every day keeps the AQI of the frame, i.e. the rule set in its
        ``rules`` column (with :func:`group_daily_aqi`'s default, the rule set in force on that
        day — HJ 633—2012 before 2026-03-01, HJ 633—2026 from then on; a period crossing the
        change uses both, day by day). A pinned rule set means the AQI is **recomputed** from
        the concentrations under it: the frame's AQI columns are dropped and
        :func:`airq.daily_aqi` is run with ``rules=`` pinned and ``aqi_options``.
    dust_days : collection of dates, mapping unit -> dates, or DataFrame (``by``, ``date``)
        Days affected by a sand-dust process (identified by CNEMC; a collection applies to every
        unit). Needs ``dust_mode``.
    dust_mode : {None, "exclude_exceedance", "recompute"}, default None
        Dust deduction (standards.md §2.9, open [L]; aliases ``"none"``, ``"exclude_days"``
        as in :mod:`airq.config`). ``None``: off. ``"exclude_exceedance"`` (reading (a)): a
        dust day whose AQI > 100 with a PM10 or PM2.5 sub-index > 100 (a dust-caused
        exceedance day) leaves the denominator and every day count; good days are unchanged.
        ``"recompute"`` (reading (b)): the AQI of every dust day is recomputed under the
        day's own rule set without PM10 and PM2.5 (:func:`airq.daily_aqi` with
        ``unmonitored=("pm10", "pm25")``, so the rule set's missing-data rule still applies to
        the other pollutants); the day may turn good. In both modes the PM10 and PM2.5 values
        of dust days are left out of the PM means, percentiles and exceedance counts.
    composite_limits : {"GB3095-2012", "in_force"} or LimitSet, default "GB3095-2012"
        S_i of the composite index. Open point (standards.md §2.8 (a), [L]): the published
        method uses the GB 3095—2012 grade II values (SO2 60, NO2 40, PM10 70, PM2.5 35 annual;
        CO 4 24-h; O3 160 8-h); ``"in_force"`` takes the limits in force on ``end``
        (:func:`airq.limits_for`; 2026-03-01..2030-12-31: PM10 60, PM2.5 30).
    exceedance : {"iaqi", "limit"}, default "iaqi"
        Per-pollutant exceedance days ``exceed_days_<p>``: ``"iaqi"`` counts days whose
        sub-index ``iaqi_<p>`` > 100 (HJ 633—2012 §3.4 超标); ``"limit"`` counts days whose
        daily value, rounded per GB/T 8170, is above the grade II 24-h (O3: 8-h / 1-h) limit of
        GB 3095 in force that day. Identical until 2030-12-31 (the IAQI-100 breakpoints equal
        the grade II limits); from 2031 the GB 3095—2026 final PM limits (50/100) are below the
        HJ 633—2026 IAQI-100 breakpoints (60/120).
    aqi_options : mapping, optional
        ``on_missing``, ``unmonitored``, ``beyond`` for every AQI this function recomputes
        (pinned ``rules``, ``dust_mode="recompute"``).

    Returns
    -------
    DataFrame
        One row per unit (every unit of the frame, in order of appearance, even without a day
        in the period), columns:

        * ``<by>``, ``start``, ``end``, ``rules`` (rule sets of the period's days, ``+``-joined
          in date order, e.g. ``"HJ633-2012+HJ633-2026"``), ``calendar_days``;
        * ``valid_days`` (days with a valid AQI, after dust deduction), ``no_aqi_days``
          (calendar days without one), so calendar = valid + no_aqi + ``dust_removed_days``;
        * ``good_days`` (AQI <= 100), ``good_day_ratio`` [%] = good / valid × 100,
          ``exceed_days`` (AQI > 100), ``exceed_day_ratio`` [%], ``heavy_days`` (AQI > 200),
          ``heavy_day_ratio`` [%]; ``days_level1`` ... ``days_level6`` (优, 良, 轻度, 中度,
          重度, 严重污染);
        * ``days_primary_<indicator>`` for so2, no2, pm10, co, o3_1h, o3_8h, pm25 (valid days
          on which it is a primary pollutant; tied primaries are counted for each);
        * ``exceed_days_<p>`` for so2, no2, co, pm10, pm25, o3_8h, o3_1h (days with a valid
          value of p above its limit, see ``exceedance``; may include days without a valid AQI);
        * ``n_days_<p>`` (valid daily values of so2, no2, co, pm10, pm25, o3_8h entering the
          statistics; PM after dust exclusion), ``<p>_mean`` for so2, no2, pm10, pm25,
          ``so2_p98``, ``no2_p98``, ``pm10_p95``, ``pm25_p95``, ``co_p95``, ``o3_8h_p90``
          [µg/m³; co mg/m³], all unrounded;
        * ``index_<p>`` (single indices C_i/S_i), ``composite_index`` (their sum; NaN if any is
          missing), ``composite_primary`` (the largest single index, ties comma-joined),
          ``composite_limits`` (the limit set used);
        * ``sufficient`` (= ``sufficient_aqi`` and every ``sufficient_<p>``),
          ``sufficient_aqi`` (on days with a valid AQI), ``sufficient_<p>`` (on the valid daily
          values of so2, no2, co, pm10, pm25, o3_8h), ``min_month_days`` (fewest valid-AQI
          days of a calendar month in the period) and ``months_short`` (months failing the
          monthly rule for valid-AQI days, comma-joined; details: :func:`monthly_counts`);
        * ``dust_mode``, ``dust_days`` (dust days of the unit in the period),
          ``dust_removed_days``, ``dust_recomputed_days``; ``exceedance``.

    Notes
    -----
    **Sufficiency** (GB 3095 Table 4; standards.md §2.3, §2.6): a calendar year needs >= 324
    valid days and every month >= 27 (February >= 25); a calendar month >= 27 (February 25).
    For any other period airq checks every calendar month it touches — a whole month needs 27
    (February 25); a partial month may miss no more days than a whole month may (31-day month:
    4, 30-day month: 3, February: 3 or 4), i.e. it needs max(0, covered days − (days in month
    − 27 or 25)) — and every whole calendar year inside the period needs 324. Counts are taken
    before dust deduction (deducted days were monitored). The same rule is applied to the
    percentiles' daily series ([L]).

    Means, percentiles, ratios and the composite index are computed from unrounded daily
    values and kept unrounded; :func:`publish` rounds them once.

    References
    ----------
    .. [1] HJ 633—2012 §3.4, Table 2; HJ 633—2026 §5.3 (standards.md §1.4, §1.6).
    .. [2] HJ 663—2013 Table 1, Appendix A (standards.md §2.6).
    .. [3] GB 3095 Table 4 (standards.md §2.3).
    .. [4] standards.md §2.8 (composite index), §2.9 (ratios, dust deduction), §3 (rule change).
    """
    what = "period_stats"
    start, end = _resolve_period(start, end, period, what)
    mode = _norm_dust_mode(dust_mode)
    if exceedance not in _EXCEEDANCE:
        raise ValueError(f"{what}: exceedance must be one of {_EXCEEDANCE}, not {exceedance!r}")
    if mode is not None and dust_days is None:
        raise ValueError(note("error.calc.dust_needs_days", what=what, mode=repr(dust_mode)))
    if mode is None and dust_days is not None:
        raise ValueError(note("error.calc.dust_needs_mode", what=what))
    limits = _composite_limits(composite_limits, end)
    aqi_kw = dict(aqi_options or {})
    bad_kw = [k for k in aqi_kw if k not in ("on_missing", "unmonitored", "beyond")]
    if bad_kw:
        raise ValueError(f"{what}: aqi_options may hold on_missing, unmonitored, beyond; not {bad_kw}")
    frame = _check_frame(daily_aqi_frame, by, what, need_rules=rules is None, need_aqi=rules is None)
    all_units = pd.unique(frame[by].to_numpy())
    dates_all = _dates_of(frame, what)
    dup = pd.DataFrame({"u": frame[by].to_numpy(), "d": dates_all}).duplicated().to_numpy()
    if dup.any():
        i = int(np.flatnonzero(dup)[0])
        raise ValueError(note("error.calc.duplicate_unit_day", what=what, row=_label(frame.index[i]), by=by,
                              unit=str(frame[by].iloc[i]), date=str(dates_all[i].date())))

    inside = np.asarray((dates_all >= start) & (dates_all <= end))
    frame = frame[inside]
    dates = dates_all[inside]
    if rules is not None:
        rs = get_rules(rules)
        frame = daily_aqi(_strip_aqi(frame), rules=rs, **aqi_kw)

    units_str = np.array([str(u) for u in all_units], dtype=object)
    codes = pd.Categorical(frame[by].astype(str).to_numpy(), categories=units_str).codes.astype(np.int64)
    G = len(all_units)
    aqi = _aqi_values(frame, what)
    if "primary" not in frame.columns:
        raise ValueError(note("error.calc.lacks_primary", what=what))
    primary = frame["primary"].astype(object).where(frame["primary"].notna(), None).to_numpy().copy()
    rule_names = frame["rules"].astype(str).to_numpy()
    conc = {p: _float_col(frame, p, what) for p in CONCENTRATIONS}
    if "o3_1h" in frame.columns:
        conc["o3_1h"] = _float_col(frame, "o3_1h", what)
    iaqis = {}
    for p in (*CONCENTRATIONS, "o3_1h"):
        col = f"iaqi_{p}"
        if col in frame.columns:
            iaqis[p] = _float_col(frame, col, what)
    aqi_before = ~np.isnan(aqi)

    # ---- dust
    is_dust = np.zeros(len(frame), dtype=bool)
    removed = np.zeros(len(frame), dtype=bool)
    recomputed = np.zeros(len(frame), dtype=bool)
    if mode is not None:
        is_dust = _dust_mask(dust_days, frame[by].to_numpy(), dates, set(units_str), by, what)
        if mode == "exclude_exceedance":
            for p in _PM:
                if p not in iaqis:
                    raise ValueError(note("error.calc.exclude_needs_iaqi", what=what, p=p))
            with np.errstate(invalid="ignore"):
                pm_over = (iaqis["pm10"] > 100) | (iaqis["pm25"] > 100)
                removed = is_dust & (aqi > 100) & pm_over
        else:
            recomputed = is_dust
            if is_dust.any():
                aqi, primary = _recompute_without_pm(frame, is_dust, aqi, primary, aqi_kw)
        for p in _PM:
            conc[p] = np.where(is_dust, np.nan, conc[p])
            if p in iaqis:
                iaqis[p] = np.where(is_dust, np.nan, iaqis[p])

    valid = ~np.isnan(aqi) & ~removed

    def count(mask):
        return np.bincount(codes[mask], minlength=G).astype(np.int64)

    out = pd.DataFrame({by: all_units})
    out["start"] = start
    out["end"] = end
    order = np.argsort(dates.to_numpy(), kind="stable")
    rule_tab = pd.DataFrame({"c": codes[order], "r": rule_names[order]}).drop_duplicates()
    joined = rule_tab.groupby("c")["r"].agg("+".join)
    out["rules"] = [joined.get(i, "") for i in range(G)]
    calendar_days = int((end - start).days) + 1
    out["calendar_days"] = calendar_days
    out["valid_days"] = count(valid)
    out["dust_removed_days"] = count(removed)
    out["no_aqi_days"] = calendar_days - out["valid_days"] - out["dust_removed_days"]
    with np.errstate(invalid="ignore"):
        good, exceed, heavy = valid & (aqi <= 100), valid & (aqi > 100), valid & (aqi > 200)
    vd = out["valid_days"].to_numpy(dtype=float)
    for name, mask in (("good", good), ("exceed", exceed), ("heavy", heavy)):
        n = count(mask)
        out[f"{name}_days"] = n
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"{name}_day_ratio"] = np.where(vd > 0, 100.0 * n / vd, np.nan)
    level = np.zeros(len(frame), dtype=np.int64)
    if valid.any():
        level[valid] = aqi_category(pd.array(aqi[valid], dtype="Float64")).level.to_numpy(dtype=np.int64)
    for lv in range(1, 7):
        out[f"days_level{lv}"] = count(valid & (level == lv))
    out = pd.concat([out, _primary_counts(primary, valid, codes, G)], axis=1)
    out = pd.concat([out, _exceed_counts(exceedance, conc, iaqis, dates, codes, G)], axis=1)

    stats = {}
    for p in CONCENTRATIONS:
        ok = ~np.isnan(conc[p])
        stats[f"n_days_{p}"] = count(ok)
    for p in MEAN_POLLUTANTS:
        ok = ~np.isnan(conc[p])
        n = np.bincount(codes[ok], minlength=G)
        s = np.bincount(codes[ok], weights=conc[p][ok], minlength=G)
        with np.errstate(invalid="ignore", divide="ignore"):
            stats[f"{p}_mean"] = np.where(n > 0, s / np.maximum(n, 1), np.nan)
    for p, q in PERCENTILES.items():
        stats[f"{p}_p{q}"], _ = _grouped_percentile(codes, conc[p], G, q)
    out = pd.concat([out, pd.DataFrame(stats)], axis=1)

    # ---- composite index (standards.md §2.8)
    single = {}
    for col, (pol, avg) in _COMPOSITE:
        single[f"index_{_INDEX_NAMES[col]}"] = out[col].to_numpy(dtype=float) / float(limits.limit(pol, avg))
    mat = np.column_stack(list(single.values()))
    for k, v in single.items():
        out[k] = v
    complete = ~np.isnan(mat).any(axis=1)
    out["composite_index"] = np.where(complete, np.where(complete[:, None], mat, 0.0).sum(axis=1), np.nan)
    names = [_INDEX_NAMES[c] for c, _ in _COMPOSITE]
    top = np.where(complete[:, None], mat, -np.inf)
    is_top = complete[:, None] & (top == top.max(axis=1, keepdims=True))
    out["composite_primary"] = [",".join(n for n, t in zip(names, row) if t) or None for row in is_top]
    out["composite_limits"] = f"{limits.standard} ({limits.phase})"

    # ---- sufficiency (counts before dust deduction)
    validity = limits_for(start).validity
    months = _month_table(start, end, validity)
    month_idx = ((dates.year - start.year) * 12 + dates.month - start.month).to_numpy(dtype=np.int64)
    years = _whole_years(start, end)
    year_idx = (dates.year - start.year).to_numpy(dtype=np.int64)
    req = months["required_days"].to_numpy()

    n_years = end.year - start.year + 1

    def sufficient(mask):
        per_month = _counts_2d(codes, month_idx, mask, G, len(months))
        ok = (per_month >= req[None, :]).all(axis=1)
        if years:
            per_year = _counts_2d(codes, year_idx, mask, G, n_years)
            whole = np.array(years) - start.year
            ok &= (per_year[:, whole] >= validity.annual_min_days).all(axis=1)
        return ok, per_month

    suff_aqi, per_month = sufficient(aqi_before)
    flags = {"sufficient_aqi": suff_aqi}
    orig_conc = {p: _float_col(frame, p, what) for p in CONCENTRATIONS}
    for p in CONCENTRATIONS:
        flags[f"sufficient_{p}"], _ = sufficient(~np.isnan(orig_conc[p]))
    out["sufficient"] = np.logical_and.reduce(list(flags.values()))
    for k, v in flags.items():
        out[k] = v
    out["min_month_days"] = per_month.min(axis=1)
    short = per_month < req[None, :]
    labels = months["month"].to_numpy()
    out["months_short"] = [",".join(labels[row]) for row in short]  # one entry per unit

    out["dust_mode"] = mode
    out["dust_days"] = count(is_dust)
    out["dust_recomputed_days"] = count(recomputed)
    out["exceedance"] = exceedance
    return out


def _recompute_without_pm(frame, is_dust, aqi, primary, aqi_kw):
    """AQI and primary of dust days recomputed without PM10/PM2.5 under each day's rule set."""
    sub = _strip_aqi(frame[is_dust])
    rule_names = frame["rules"].astype(str).to_numpy()[is_dust]
    kw = dict(aqi_kw)
    kw["unmonitored"] = tuple(dict.fromkeys([*kw.get("unmonitored", ()), *_PM]))
    sub = sub.drop(columns=[c for c in _PM if c in sub.columns])
    parts = [daily_aqi(sub[rule_names == name], rules=name, **kw) for name in pd.unique(rule_names)]
    redo = pd.concat(parts).loc[sub.index]
    aqi = aqi.copy()
    primary = primary.copy()
    aqi[is_dust] = redo["aqi"].to_numpy(dtype=float, na_value=np.nan)
    primary[is_dust] = redo["primary"].astype(object).where(redo["primary"].notna(), None).to_numpy()
    return aqi, primary


def _primary_counts(primary, valid, codes, G) -> pd.DataFrame:
    """Days on which each indicator is (one of) the primary pollutant(s), per group.

    ``primary`` holds few distinct texts (``"pm25"``, ``"pm25,o3_8h"`` ...): each distinct text is
    split once, and a day counts for every indicator its text names."""
    rows = np.flatnonzero(valid)
    texts = pd.Series(primary[valid], dtype=object).fillna("")
    inv, uniq = pd.factorize(texts, use_na_sentinel=False)
    named = [set(str(u).split(",")) for u in uniq]
    out = {}
    for ind in DAILY_INDICATORS:  # a loop over seven indicators
        has = np.fromiter((ind in n for n in named), dtype=bool, count=len(named))
        out[f"days_primary_{ind}"] = np.bincount(codes[rows[has[inv]]], minlength=G).astype(np.int64)
    return pd.DataFrame(out)


_EXCEED_LIMITS = {"so2": ("so2", "24h", 0), "no2": ("no2", "24h", 0), "co": ("co", "24h", 1),
                  "pm10": ("pm10", "24h", 0), "pm25": ("pm25", "24h", 0), "o3_8h": ("o3", "8h", 0),
                  "o3_1h": ("o3", "1h", 0)}


def _limit_phases():
    return [get_limits("GB3095-2012"), get_limits("GB3095-2026", "transitional"), get_limits("GB3095-2026", "final")]


def _exceed_counts(kind, conc, iaqis, dates, codes, G) -> pd.DataFrame:
    out = {}
    for p, (pol, avg, dec) in _EXCEED_LIMITS.items():
        if kind == "iaqi":
            v = iaqis.get(p)
            if v is None:
                if p == "o3_1h":
                    out[f"exceed_days_{p}"] = np.zeros(G, dtype=np.int64)
                    continue
                raise ValueError(note("error.calc.exceedance_needs_iaqi", p=p))
            with np.errstate(invalid="ignore"):
                over = v > 100
        else:
            v = conc.get(p)
            if v is None:
                out[f"exceed_days_{p}"] = np.zeros(G, dtype=np.int64)
                continue
            scaled = round_scaled(v, dec)
            lim = np.full(len(v), np.nan)
            for ph in _limit_phases():  # three GB 3095 phases
                on = np.asarray((dates >= pd.Timestamp(ph.effective_from)) & (dates <= pd.Timestamp(ph.effective_until)))
                lim[on] = float(ph.limit(pol, avg) * 10**dec)
            with np.errstate(invalid="ignore"):
                over = scaled > lim
        out[f"exceed_days_{p}"] = np.bincount(codes[over], minlength=G).astype(np.int64)
    return pd.DataFrame(out)
