"""Backtest of year-end forecasts against persistence and climatology, leaving the test year out.

For every group and target year with at least one prior year, a forecast is issued at the end of
each month January–November from the days up to that day only (the model is fitted on the
years before the target year; nothing fitted sees it), and scored against the year as it ended:

* MAE of the year-end PM2.5 mean [µg/m³], good-day ratio [percentage points] and heavy days
  [days] (point forecast: the model's median, the climatology members' mean, persistence's
  year to date);
* coverage of the 80 % and 95 % intervals (model: simulated quantiles; climatology: quantiles
  of its members; persistence has none);
* Brier score of P(meet target) per target — the plan's targets where given, otherwise "at
  least as good as last year" (good-day ratio ≥ and PM2.5 mean ≤ last year's published
  values); persistence's probability is 0 or 1 (its verdict), climatology's the share of
  members meeting the target.

A target year counts when it has ``min_days`` valid days (default 330, as in
``forecasting.md``) and at least one prior year with the model's ``min_year_days``.

References
----------
.. [1] ``../shared/reference/forecasting.md`` (set-up and reference figures of the baselines).
.. [2] standards.md §2.7, §4 (published precision of the targets).
"""

from __future__ import annotations

import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from typing import Callable, Mapping

import numpy as np
import pandas as pd

from .forecast import ForecastParams, YearEndModel, climatology, persistence, year_end_stats
from .notes import note
from .rounding import round_gbt8170

__all__ = ["backtest", "BacktestResult", "SCORES", "METHODS", "last_year_targets", "fit_spread", "calibrate", "CALIBRATION_LEVEL_SD"]

METHODS = ("model", "persistence", "climatology")
#: Scores reported per method (units: µg/m³, percentage points, days; shares; Brier in [0, 1]).
SCORES = ("pm25_mean_mae", "good_day_ratio_mae", "heavy_days_mae", "pm25_mean_cover80", "good_day_ratio_cover80",
          "pm25_mean_cover95", "good_day_ratio_cover95", "brier", "brier_good_day_ratio", "brier_pm25_mean")
_FIELDS = ("pm25_mean", "good_day_ratio", "heavy_days")


def _year_stats(daily: pd.DataFrame, year: int) -> dict:
    d = daily[daily["date"].dt.year == year]
    dates = pd.date_range(f"{year}-01-01", f"{year}-12-31")
    pos = dates.get_indexer(pd.DatetimeIndex(d["date"]))
    aqi = np.full(len(dates), np.nan)
    aqi[pos] = pd.to_numeric(d["aqi"], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    conc = {}
    for p in ("so2", "no2", "co", "pm10", "pm25", "o3_8h"):
        a = np.full(len(dates), np.nan)
        a[pos] = pd.to_numeric(d[p], errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        conc[p] = a[None, :]
    return {k: v[0] for k, v in year_end_stats(aqi[None, :], conc).items()}


def last_year_targets(daily: pd.DataFrame, year: int, min_days: int = 324) -> dict:
    """"At least as good as last year": last year's published good-day ratio and PM2.5 mean (1 decimal).

    Empty when last year has fewer than ``min_days`` valid days.
    """
    s = _year_stats(daily, year - 1)
    if s["valid_days"] < min_days:
        return {}
    return {"good_day_ratio": float(round_gbt8170(s["good_day_ratio"], 1)),
            "pm25_mean": float(round_gbt8170(s["pm25_mean"], 1))}


def _interval(members: np.ndarray, lo: float, hi: float):
    v = members[~np.isnan(members)]
    return (np.nan, np.nan) if not len(v) else (float(np.percentile(v, lo)), float(np.percentile(v, hi)))


def _record(method, point, q, p_meet, truth, met):
    rec = {"method": method}
    for f in _FIELDS:
        rec[f"{f}_point"] = point.get(f, np.nan)
        rec[f"{f}_truth"] = truth[f]
        for k in ("q10", "q90", "q025", "q975"):
            rec[f"{f}_{k}"] = q.get(f, {}).get(k, np.nan)
    for key, m in met.items():
        rec[f"p_{key}"] = p_meet.get(key, np.nan)
        rec[f"met_{key}"] = float(m)
    return rec


def _one_group_year(name, daily, year, months, n_sims, seed, targets, params, decimals):
    fit = YearEndModel(daily, year, params=params).fit()
    truth_stats = _year_stats(daily, year)
    truth = {f: float(truth_stats[f]) for f in _FIELDS}
    from .forecast._days import targets_met

    truth_met = {k: bool(v[0]) for k, v in targets_met({k: np.array([v]) for k, v in truth_stats.items()},
                                                       targets, decimals).items()}
    rows = []
    for m in months:
        as_of = pd.Timestamp(year, m, 1) + pd.offsets.MonthEnd(0)
        base = {"group": name, "year": year, "month": m, "as_of": as_of}
        fc = fit.forecast(as_of, n_sims=n_sims, seed=seed + 1000 * m + year, targets=targets, decimals=decimals)
        ind = fc.indicators
        point = {f: float(ind.loc[f, "median"]) for f in _FIELDS if f in ind.index}
        q = {f: {k: float(ind.loc[f, k]) for k in ("q10", "q90", "q025", "q975")} for f in _FIELDS if f in ind.index}
        p = {k: float(v.mean()) for k, v in targets_met(fc.sims, targets, decimals).items()}
        rows.append({**base, **_record("model", point, q, p, truth, truth_met), "n_prior_years": len(fit.years)})
        per = persistence(daily, as_of)
        point = {f: float(per[f][0]) for f in _FIELDS}
        p = {k: float(v[0]) for k, v in targets_met(per, targets, decimals).items()}
        rows.append({**base, **_record("persistence", point, {}, p, truth, truth_met), "n_prior_years": len(fit.years)})
        cl = climatology(daily, as_of, years=fit.years)
        point = {f: float(np.nanmean(cl[f])) for f in _FIELDS}
        q = {f: dict(zip(("q10", "q90"), _interval(np.asarray(cl[f], float), 10, 90))) |
             dict(zip(("q025", "q975"), _interval(np.asarray(cl[f], float), 2.5, 97.5))) for f in _FIELDS}
        p = {k: float(v.mean()) for k, v in targets_met(cl, targets, decimals).items()}
        rows.append({**base, **_record("climatology", point, q, p, truth, truth_met), "n_prior_years": len(fit.years)})
    return rows


def _work(args):
    name, daily, years, months, n_sims, seed, targets_of, params, decimals, min_days = args
    from .forecast._days import check_daily, prior_years

    daily = check_daily(daily)
    rows, skipped = [], []
    for year in years:
        valid = int(daily.loc[daily["date"].dt.year == year, "aqi"].notna().sum())
        if valid < min_days:
            skipped.append((name, year, note("backtest.short_year", valid=valid, year=year, min_days=min_days)))
            continue
        if not prior_years(daily, year, params.min_year_days):
            skipped.append((name, year, note("backtest.no_prior_year", min_days=params.min_year_days)))
            continue
        targets = targets_of(name, year, daily)
        rows += _one_group_year(name, daily, year, months, n_sims, seed, targets, params, decimals)
    return rows, skipped


class _PlanOrLastYear:
    """The plan's target of a group and year, else last year's values (picklable for workers)."""

    def __init__(self, plan_targets):
        self.plan_targets = dict(plan_targets or {})

    def __call__(self, name, year, daily):
        t = self.plan_targets.get((name, year)) or self.plan_targets.get(name)
        return dict(t) if t else last_year_targets(daily, year)


@dataclass
class BacktestResult:
    """Forecasts issued and their scores.

    Attributes
    ----------
    records : DataFrame
        One row per group, year, issue month and method: point forecasts, intervals,
        probabilities and the truth.
    skipped : list of (group, year, reason)
        ``reason``: an :class:`airq.notes.Note` (English as a ``str``; :func:`airq.notes.render` says it in Chinese).
    n_sims, seed : int
    spreads : dict
        With ``calibrate=True``: the ``level_sd`` and ``spread`` used for each test year
        (fitted without it).
    """

    records: pd.DataFrame
    skipped: list
    n_sims: int
    seed: int
    spreads: dict = field(default_factory=dict)

    @property
    def n_forecasts(self) -> int:
        return int((self.records["method"] == "model").sum()) if len(self.records) else 0

    def scores(self, by: str | None = None) -> pd.DataFrame:
        """:data:`SCORES` per method (rows), overall or per ``by`` (``"month"``, ``"year"``)."""
        r = self.records
        if not len(r):
            return pd.DataFrame(columns=["method", *SCORES])
        keys = ["method"] + ([by] if by else [])
        return r.groupby(keys, sort=True).apply(_score, include_groups=False).reset_index()

    def to_dict(self) -> dict:
        """``{"n_forecasts", "overall": {method: scores}, "by_horizon": {"01": {method: scores}, ...},
        "by_year": {...}, "spreads": {...}, "skipped": [...]}``."""
        def block(frame):
            return {m: {k: _clean(row[k]) for k in SCORES} for m, row in frame.set_index("method").iterrows()}
        out = {"n_forecasts": self.n_forecasts, "n_sims": self.n_sims, "seed": self.seed,
               "overall": block(self.scores()) if self.n_forecasts else {}, "by_horizon": {}}
        if self.n_forecasts:
            by = self.scores("month")
            for m, frame in by.groupby("month"):
                out["by_horizon"][f"{int(m):02d}"] = block(frame.drop(columns="month"))
            out["by_year"] = {str(int(y)): block(frame.drop(columns="year"))
                              for y, frame in self.scores("year").groupby("year")}
        out["spreads"] = {str(y): v for y, v in self.spreads.items()}
        out["skipped"] = [{"group": g, "year": int(y), "reason": why} for g, y, why in self.skipped]
        return out


def _clean(x):
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else float(x)


def _score(frame: pd.DataFrame) -> pd.Series:
    out = {}
    for f in _FIELDS:
        out[f"{f}_mae"] = float(np.nanmean(np.abs(frame[f"{f}_point"] - frame[f"{f}_truth"])))
    for f in ("pm25_mean", "good_day_ratio"):
        for lo, hi, tag in (("q10", "q90", "80"), ("q025", "q975", "95")):
            a, b, t = frame[f"{f}_{lo}"], frame[f"{f}_{hi}"], frame[f"{f}_truth"]
            ok = a.notna() & b.notna() & t.notna()
            out[f"{f}_cover{tag}"] = float(((a <= t) & (t <= b))[ok].mean()) if ok.any() else np.nan
    briers = []
    for key in ("good_day_ratio", "pm25_mean"):
        p, m = frame.get(f"p_{key}"), frame.get(f"met_{key}")
        if p is None or m is None or not (p.notna() & m.notna()).any():
            out[f"brier_{key}"] = np.nan
            continue
        ok = p.notna() & m.notna()
        sq = (p[ok] - m[ok]) ** 2
        out[f"brier_{key}"] = float(sq.mean())
        briers.append(sq)
    out["brier"] = float(pd.concat(briers).mean()) if briers else np.nan
    return pd.Series(out)


def fit_spread(records: pd.DataFrame, current: float = 1.0, coverage: float = 0.8) -> float:
    """The ``spread`` that would make the model's 80 % intervals cover ``coverage`` of these records.

    Each record's error is measured in half-widths of its 80 % interval, |truth − median| /
    ((q90 − q10) / 2), for the PM2.5 mean and the good-day ratio; scaling the simulated spread
    by the ``coverage`` quantile of that ratio would put that share inside. The within-month
    weather is not scaled, so this under-corrects (:func:`calibrate` iterates). Clipped to [0.5, :data:`SPREAD_MAX`].
    """
    m = records[records["method"] == "model"]
    ratios = []
    for f in ("pm25_mean", "good_day_ratio"):
        half = (m[f"{f}_q90"] - m[f"{f}_q10"]) / 2
        ok = half > 0
        ratios.append((m[f"{f}_truth"] - m[f"{f}_point"]).abs()[ok] / half[ok])
    r = pd.concat(ratios).dropna()
    if not len(r):
        return current
    return float(np.clip(current * np.quantile(r, coverage), 0.5, SPREAD_MAX))


def backtest(dailies: Mapping[str, pd.DataFrame], years, *, months=range(1, 12), n_sims: int = 500, seed: int = 0,
             targets: Mapping | None = None, decimals: Mapping | None = None, params: ForecastParams | None = None,
             min_days: int = 330, workers: int = 1, progress: Callable | bool = False, calibrate: bool = False,
             calibration_years=(), lang: str = "en") -> BacktestResult:
    """Issue month-end forecasts for every group and year and score them (module docstring).

    Parameters
    ----------
    dailies : mapping group -> DataFrame
        Each group's daily AQI frame over all years (:func:`airq.assessment.group_days`).
    years : iterable of int
        Target years.
    months : iterable of int
        Issue months (forecast at each month's last day), default January–November.
    n_sims, seed : int
        Simulated years per forecast; base seed (each forecast's seed is derived from it).
    targets : mapping, optional
        ``{(group, year): {key: value}}`` or ``{group: {key: value}}``: the plan's targets;
        groups without one are judged against last year (:func:`last_year_targets`).
    decimals : mapping, optional
        Comparison precision per target key.
    params : ForecastParams, optional
    min_days : int, default 330
        Valid days a target year needs to count.
    workers : int, default 1
        Processes (groups are independent).
    progress : bool or callable
        True: a progress line on stderr (in ``lang``, "en" or "zh"); a callable gets (done, total).

    Returns
    -------
    BacktestResult
    """
    params = params or ForecastParams()
    kw = dict(months=months, n_sims=n_sims, seed=seed, targets=targets, decimals=decimals, min_days=min_days,
              workers=workers, progress=progress, lang=lang)
    if calibrate:
        return _calibrated(dailies, list(years), list(calibration_years), params, kw)
    targets_of = _PlanOrLastYear(targets)
    jobs = [(g, d, list(years), list(months), int(n_sims), int(seed), targets_of, params, decimals, min_days)
            for g, d in dailies.items()]
    rows, skipped = [], []
    report = progress if callable(progress) else ((lambda done, total: _stderr_progress(done, total, lang)) if progress else None)
    if workers > 1 and len(jobs) > 1:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = pool.map(_work, jobs, chunksize=4)
            for i, (r, s) in enumerate(results, 1):
                rows += r
                skipped += s
                if report:
                    report(i, len(jobs))
    else:
        for i, job in enumerate(jobs, 1):
            r, s = _work(job)
            rows += r
            skipped += s
            if report:
                report(i, len(jobs))
    return BacktestResult(pd.DataFrame(rows), skipped, int(n_sims), int(seed))


#: Candidate prior SDs of a year's level [log units], tried by the leave-one-year-out calibration.
CALIBRATION_LEVEL_SD = (0.01, 0.02, 0.04, 0.07, 0.12, 0.2)
#: Issue months and simulated years of the calibration runs (the final run uses the caller's).
CALIBRATION_MONTHS = (3, 6, 9)
#: Largest spread the calibration may choose.
SPREAD_MAX = 12.0
CALIBRATION_SIMS = 100
#: Re-runs of the other years to bring their 80 % coverage within 0.78-0.82.
CALIBRATION_ROUNDS = 3


def _skill(records: pd.DataFrame) -> float:
    """MAE of the PM2.5 mean and of the good-day ratio, each relative to climatology's, summed."""
    m, c = records[records["method"] == "model"], records[records["method"] == "climatology"]
    out = 0.0
    for f in ("pm25_mean", "good_day_ratio"):
        mae = lambda r: float((r[f"{f}_point"] - r[f"{f}_truth"]).abs().mean())  # noqa: E731
        out += mae(m) / max(mae(c), 1e-9)
    return out


def calibrate(dailies: Mapping[str, pd.DataFrame], years, *, params: ForecastParams | None = None, **kw) -> dict:
    """Fit ``level_sd`` and ``spread`` of the model on forecasts for ``years`` (never a test year).

    1. For each candidate ``level_sd`` (:data:`CALIBRATION_LEVEL_SD`), forecasts for every year
       at the months :data:`CALIBRATION_MONTHS` with :data:`CALIBRATION_SIMS` simulated years.
    2. The candidate with the best :func:`_skill` (MAE of the PM2.5 mean and of the good-day
       ratio, each relative to climatology's), then the ``spread`` that makes its 80 % intervals
       cover 80 % (:func:`fit_spread`), re-run and refined until the coverage of those years is
       within 0.78–0.82 (at most :data:`CALIBRATION_ROUNDS` re-runs).

    Returns ``{"level_sd", "spread", "skill": {level_sd: skill}, "coverage80"}``.
    """
    params = params or ForecastParams()
    quick = {**kw, "months": CALIBRATION_MONTHS, "n_sims": min(int(kw.get("n_sims", 500)), CALIBRATION_SIMS)}
    grid = {tau: backtest(dailies, years, params=replace(params, level_sd=tau), **quick).records
            for tau in CALIBRATION_LEVEL_SD}
    skill = {tau: _skill(r) for tau, r in grid.items() if len(r)}
    if not skill:
        raise ValueError(note("error.forecast.nothing_to_calibrate", years=str(list(years))))
    tau = min(skill, key=skill.get)
    spread = fit_spread(grid[tau], params.spread)
    for _ in range(CALIBRATION_ROUNDS):  # only the level is scaled, so one step under-corrects
        again = backtest(dailies, years, params=replace(params, level_sd=tau, spread=spread), **quick).records
        if abs(_coverage80(again) - 0.8) <= 0.02:
            break
        spread = fit_spread(again, spread)
    return {"level_sd": tau, "spread": spread, "skill": skill, "coverage80": _coverage80(again)}


def _coverage80(records: pd.DataFrame) -> float:
    """Share of the model's PM2.5-mean and good-day-ratio outcomes inside their 80 % intervals."""
    m = records[records["method"] == "model"]
    inside = [((m[f"{f}_q10"] <= m[f"{f}_truth"]) & (m[f"{f}_truth"] <= m[f"{f}_q90"])) for f in ("pm25_mean", "good_day_ratio")]
    return float(pd.concat(inside).mean())


def _calibrated(dailies, years, extra, params, kw) -> BacktestResult:
    """Leave one year out: each test year is forecast with ``level_sd`` and ``spread`` fitted on the others."""
    every = sorted(set(years) | set(extra))
    if len(every) < 2:
        raise ValueError(note("error.forecast.calibrate_years"))
    rows, skipped, chosen = [], [], {}
    for y in years:
        fitted = calibrate(dailies, [t for t in every if t != y], params=params, **kw)
        res = backtest(dailies, [y], params=replace(params, level_sd=fitted["level_sd"], spread=fitted["spread"]), **kw)
        rows.append(res.records)
        skipped += res.skipped
        chosen[y] = {"level_sd": fitted["level_sd"], "spread": fitted["spread"]}
    out = BacktestResult(pd.concat(rows, ignore_index=True), skipped, int(kw["n_sims"]), int(kw["seed"]))
    out.spreads = chosen
    return out


def _stderr_progress(done: int, total: int, lang: str = "en") -> None:
    from .i18n import t

    sys.stderr.write("\r" + t("report.backtest.progress", lang, done=done, total=total))
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()
