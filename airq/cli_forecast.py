"""The ``forecast``, ``backtest`` and ``report`` commands (and ``--by station`` for plan-less stores).

Presentation only: the numbers come from :func:`airq.outlook.forecast_groups` and
:func:`airq.backtest.backtest`.
"""

from __future__ import annotations

import json
import math
import sys

import pandas as pd

from .cli_common import CLIError, add_lang_argument, add_plan_arguments, as_of_arg, env_lang, error_text, helps, lang_of, plan_from_args
from .i18n import t
from .notes import note
from .report import forecast_payload, forecast_text

__all__ = ["add_parsers", "plan_from_args", "add_plan_arguments"]

_TARGET_WORDS = {"pm25": "pm25_mean", "pm25_mean": "pm25_mean", "good_day_ratio": "good_day_ratio",
                 "heavy_day_ratio": "heavy_day_ratio", "o3_p90": "o3_p90", "good_days": "good_days",
                 "pm10_mean": "pm10_mean", "composite_index": "composite_index"}


def _error(message: str):
    return CLIError(message)


def _groups(plan, wanted):
    if not wanted or wanted == ["all"]:
        return list(plan.groups)
    unknown = [g for g in wanted if g not in plan.groups]
    if unknown:
        shown = ", ".join(list(plan.groups)[:20]) + (" ..." if len(plan.groups) > 20 else "")
        raise _error(note("error.cli.unknown_group", group=repr(unknown[0]), known=shown))
    return wanted


def _targets(words):
    out = {}
    for w in words or []:
        key, sep, value = w.partition("=")
        if not sep or key.strip() not in _TARGET_WORDS:
            raise _error(note("error.cli.fc_target_format", word=repr(w), keys=", ".join(sorted(_TARGET_WORDS))))
        try:
            v = float(value)
        except ValueError:
            raise _error(note("error.cli.kv_number", what="target", word=repr(w), raw=repr(value))) from None
        if not math.isfinite(v) or v < 0:
            raise _error(note("error.cli.fc_target_finite", word=repr(w)))
        out[_TARGET_WORDS[key.strip()]] = value.strip()
    return out


def _cmd_forecast(args) -> int:
    from .outlook import forecast_groups

    as_of = as_of_arg(args.as_of)
    plan = plan_from_args(args)
    groups = _groups(plan, args.group)
    if args.n_sims < 1:
        raise _error(note("error.cli.n_sims"))
    try:
        res = forecast_groups(plan, args.store, as_of, groups=groups, targets=_targets(args.target), n_sims=args.n_sims,
                              seed=args.seed)
    except (ValueError, FileNotFoundError) as exc:
        raise _error(error_text(exc)) from None
    failed = [o for o in res.values() if o.forecast is None]
    if len(failed) == len(res):
        raise _error(failed[0].error if len(failed) == 1 else
                     note("error.cli.forecast.none", group=failed[0].group, error=failed[0].error))
    if args.json:
        print(json.dumps({g: forecast_payload(o) for g, o in res.items()}, ensure_ascii=False, indent=1, sort_keys=True))
    else:
        lang = lang_of(args, plan)
        print("\n\n".join(forecast_text(o, lang) for o in res.values()))
    return 0 if all(o.forecast is not None for o in res.values()) else 3


def _years(text):
    try:
        years = [int(y) for y in str(text).split(",") if y.strip()]
    except ValueError:
        raise _error(note("error.cli.years_format", text=repr(text))) from None
    if not years:
        raise _error(note("error.cli.years_empty"))
    return years


def _cmd_backtest(args) -> int:
    from .assessment import plan_targets
    from .outlook import group_history
    from .backtest import backtest

    plan = plan_from_args(args)
    years = _years(args.years)
    groups = _groups(plan, args.groups)
    try:
        daily = group_history(plan, args.store, pd.Timestamp(max(years), 12, 31), groups=groups,
                              years=max(years) - min(years) + 10)
    except (ValueError, FileNotFoundError) as exc:
        raise _error(error_text(exc)) from None
    dailies = {g: d for g, d in daily.groupby("group", sort=False)}
    if args.require:
        need = _years(args.require)
        counts = daily[daily["aqi"].notna()].groupby(["group", daily["date"].dt.year]).size()
        dailies = {g: d for g, d in dailies.items() if all(counts.get((g, y), 0) >= args.min_days for y in need)}
        if not dailies:
            raise _error(note("error.cli.backtest.min_days", min_days=args.min_days, years=args.require))
    targets = {}
    for g in groups:
        for y in years:
            tv, _ = plan_targets(plan, g, y)
            if tv:
                targets[(g, y)] = tv
    show = not args.quiet and sys.stderr.isatty()
    extra = _years(args.calibration_years) if args.calibration_years else []
    try:
        res = backtest(dailies, years, n_sims=args.n_sims, seed=args.seed, targets=targets, workers=args.workers,
                       min_days=args.min_days, progress=show, calibrate=args.calibrate, calibration_years=extra)
    except ValueError as exc:
        raise _error(error_text(exc)) from None
    if args.json:
        print(json.dumps(res.to_dict(), ensure_ascii=False, indent=1, sort_keys=True))
        return 0
    if not res.n_forecasts:
        raise _error(note("error.cli.backtest.none_scored", skipped=_skipped(res.skipped[:5])))
    lang = lang_of(args, plan)
    print(t("cli.backtest.summary", lang, n=res.n_forecasts, groups=len(set(res.records["group"])), years=args.years,
            n_sims=res.n_sims, seed=res.seed, skipped=len(res.skipped)))
    if res.spreads:
        print(t("cli.backtest.lines.fitted", lang, items=t("cli.backtest.lines.sep", lang).join(
            t("cli.backtest.lines.fitted_item", lang, year=y, level_sd=v["level_sd"], spread=v["spread"])
            for y, v in res.spreads.items())))
    cols = ["pm25_mean_mae", "good_day_ratio_mae", "heavy_days_mae", "pm25_mean_cover80", "good_day_ratio_cover80",
            "pm25_mean_cover95", "good_day_ratio_cover95", "brier"]
    with pd.option_context("display.width", 200, "display.max_columns", 20):
        print(f"\n{t('cli.backtest.overall', lang)}\n" + res.scores()[["method", *cols]].round(3).to_string(index=False))
        by = res.scores("month")
        print(f"\n{t('cli.backtest.by_month', lang)}\n" + by[["month", "method", *cols]].round(3).to_string(index=False))
    return 0


def _skipped(skipped):
    """``g y: why; g y: why`` of the skipped group-years, as one note (each reason said in the error's language)."""
    items = [note("error.cli.backtest.skipped", group=g, year=y, why=w) for g, y, w in skipped]
    out = items[-1] if items else ""
    for item in reversed(items[:-1]):
        out = note("error.cli.backtest.then", first=item, rest=out)
    return out


def _cmd_report(args) -> int:
    from .monthly import run_report

    show = not args.quiet and sys.stderr.isatty()
    try:
        run = run_report(args.config, args.store, args.month, out=args.out, lang=args.lang or env_lang(), n_sims=args.n_sims,
                         seed=args.seed, progress=show)
    except (ValueError, FileNotFoundError) as exc:
        raise _error(error_text(exc)) from None
    print(run.folder / "index.html")
    for g in run.failed:
        print(t("cli.report.failed", run.summary["lang"], group=g, error=run.summary["groups"][g]["error"]), file=sys.stderr)
    return 3 if run.failed else 0


def add_parsers(sub, lang: str = "en") -> None:
    """Add ``forecast``, ``backtest`` and ``report`` to the ``airq`` sub-command parser (help in ``lang``)."""
    h = helps("forecast", lang)
    p = sub.add_parser("forecast", help=h["command"], description=h["description"])
    add_plan_arguments(p)
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--as-of", required=True, help=h["as_of"])
    p.add_argument("--group", action="append", help=h["group"])
    p.add_argument("--target", action="append", metavar="KEY=VALUE", help=h["target"])
    p.add_argument("--n-sims", type=int, default=2000, help=h["n_sims"])
    p.add_argument("--seed", type=int, default=0, help=h["seed"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_forecast)

    h = helps("backtest", lang)
    p = sub.add_parser("backtest", help=h["command"], description=h["description"])
    add_plan_arguments(p)
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--years", required=True, help=h["years"])
    p.add_argument("--groups", nargs="+", help=h["groups"])
    p.add_argument("--n-sims", type=int, default=500, help=h["n_sims"])
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--workers", type=int, default=1, help=h["workers"])
    p.add_argument("--min-days", type=int, default=330, help=h["min_days"])
    p.add_argument("--require", help=h["require"])
    p.add_argument("--calibrate", action="store_true", help=h["calibrate"])
    p.add_argument("--calibration-years", help=h["calibration_years"])
    p.add_argument("--quiet", action="store_true", help=h["quiet"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_backtest)

    h = helps("report", lang)
    p = sub.add_parser("report", help=h["command"], description=h["description"])
    p.add_argument("--config", required=True, help=h["config"])
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--month", default="last", help=h["month"])
    p.add_argument("--out", default="reports", help=h["out"])
    add_lang_argument(p)
    p.add_argument("--n-sims", type=int, default=2000)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--quiet", action="store_true", help=h["quiet"])
    p.set_defaults(func=_cmd_report)
