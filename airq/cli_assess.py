"""The ``assess``, ``whatif`` and ``rulechange`` commands: a plan's groups against their targets."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from .cli_common import (CLIError, add_lang_argument, add_plan_arguments, as_of_arg, cli_message, error_text, helps, lang_of,
                         load_plan, plan_from_args, read_dust)
from .i18n import t
from .notes import note
from .report import jsonable
from .rules import RULE_NAMES

__all__ = ["add_parsers"]


def _cmd_assess(args: argparse.Namespace) -> int:
    from .assessment import assess
    from .report import assessment_document, assessment_text

    plan = plan_from_args(args)
    groups = None
    if args.group:
        unknown = [g for g in args.group if g not in plan.groups]
        if unknown:
            raise CLIError(note("error.cli.unknown_group", group=repr(unknown[0]), known=", ".join(plan.groups)))
        groups = args.group
    try:
        res = assess(plan, args.store, args.period, groups=groups, rules=args.rules, dust_days=read_dust(args),
                     dust_mode=args.dust_mode, accept_proxy=args.accept_proxy, composite_limits=args.composite_limits,
                     as_of=as_of_arg(args.as_of))
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(cli_message(error_text(exc))) from None
    if args.json:
        print(json.dumps(assessment_document(res, plan), ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    lang = lang_of(args, plan)
    print(assessment_text(res, plan, lang=lang))
    return 0


#: --assume words: the names of :data:`airq.whatif.ASSUMPTIONS` (Python and JSON use the same).
_ASSUME_KEYS = {k: k for k in ("pm25", "nongood", "heavy", "dust", "valid_days")}
#: --target words: the target keys of the plan and the JSON; ``pm25`` is a short form of ``pm25_mean``.
_TARGET_KEYS = {"pm25": "pm25_mean", "pm25_mean": "pm25_mean", "good_day_ratio": "good_day_ratio",
                "heavy_day_ratio": "heavy_day_ratio", "o3_p90": "o3_p90", "good_days": "good_days"}
_DAY_WORDS = ("nongood", "heavy", "dust", "valid_days", "good_days")


def _key_values(words, table: dict, what: str) -> dict:
    from decimal import Decimal, InvalidOperation

    out = {}
    for word in words or []:
        key, sep, raw = word.partition("=")
        key = key.strip().lower()
        if not sep or key not in table:
            raise CLIError(note("error.cli.kv_format", what=what, word=repr(word), keys=", ".join(sorted(table))))
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise CLIError(note("error.cli.kv_number", what=what, word=repr(word), raw=repr(raw))) from None
        if not value.is_finite() or value < 0:
            raise CLIError(note("error.cli.kv_finite", what=what, word=repr(word)))
        name = table[key]
        if what == "target" and name in ("good_day_ratio", "heavy_day_ratio") and 0 < value < 1:
            raise CLIError(note("error.cli.target_fraction", word=repr(word), value=str(value)))
        if what == "target" and name in ("good_day_ratio", "heavy_day_ratio") and value > 100:
            raise CLIError(note("error.cli.target_over", word=repr(word)))
        if name in _DAY_WORDS:
            if value != value.to_integral_value():
                raise CLIError(note("error.cli.kv_whole", what=what, word=repr(word)))
            value = int(value)
        out[name] = value
    return out


def _cmd_whatif(args: argparse.Namespace) -> int:
    from .report import whatif_text
    from .whatif import whatif_for_group

    plan = load_plan(args.config)
    targets = _key_values(args.target, _TARGET_KEYS, "target")
    assume = _key_values(args.assume, _ASSUME_KEYS, "assume")
    try:
        res = whatif_for_group(plan, args.store, args.group, as_of_arg(args.as_of), targets=targets, assume=assume,
                               dust_days=read_dust(args), dust_mode=args.dust_mode, accept_proxy=args.accept_proxy)
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(cli_message(error_text(exc))) from None
    if args.json:
        print(json.dumps(res.to_dict(), ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    print(whatif_text(res, lang_of(args, plan)))
    return 0


def _cmd_rulechange(args: argparse.Namespace) -> int:
    from .assessment import group_days, station_days
    from .stats_compare import rule_change_comparison
    from .stats_periods import parse_period

    plan = load_plan(args.config)
    names = args.group or list(plan.groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise CLIError(note("error.cli.unknown_group", group=repr(unknown[0]), known=", ".join(plan.groups)))
    try:
        start, end = parse_period(args.period)
        stations = sorted({s for g in names for s in plan.group_stations(g)})
        need_hourly = plan.options.o3_8h_aggregation != "mean_of_station_max"  # the group's O3-8h from the hours
        sd = station_days(args.store, start, end, stations, with_hourly=need_hourly)
        sd, hourly = sd if need_hourly else (sd, None)
        days = group_days(plan, sd, groups=names, hourly=hourly)
        if days.empty or days["aqi"].isna().all():
            raise ValueError(note("error.cli.rulechange.no_data", store=args.store, names=names[:6], start=f"{start:%Y-%m-%d}",
                                  end=f"{end:%Y-%m-%d}", period=args.period))
        cmp = rule_change_comparison(days, start=start, end=end)
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(cli_message(error_text(exc))) from None
    side = cmp.side_by_side
    cols = ["group", "valid_days_2012", "valid_days_2026", "good_days_2012", "good_days_2026",
            "good_day_ratio_2012", "good_day_ratio_2026", "heavy_days_2012", "heavy_days_2026"]
    changed = cmp.changed_days
    if args.json:
        payload = {
            "start": f"{start:%Y-%m-%d}",
            "end": f"{end:%Y-%m-%d}",
            "groups": {r["group"]: {k: jsonable(v) for k, v in r.items() if k != "group"} for r in side.to_dict("records")},
            "changed_days": [{k: jsonable(v) for k, v in r.items()} for r in changed.to_dict("records")],
        }
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    from .textable import format_table

    lang = lang_of(args, plan)
    print(t("cli.rulechange.header", lang, start=f"{start:%Y-%m-%d}", end=f"{end:%Y-%m-%d}"))
    shown = [c for c in cols if c in side.columns]
    print(format_table(side[shown].round(1), headers=_rulechange_headers(shown, lang)))
    print("\n" + t("cli.rulechange.changed", lang, n=len(changed)))
    if len(changed):
        show = changed.copy()
        show["date"] = pd.to_datetime(show["date"]).dt.strftime("%Y-%m-%d")
        shown = ["group", "date", "aqi_2012", "category_2012", "primary_2012", "aqi_2026", "category_2026", "primary_2026"]
        print(format_table(show[shown], headers=_rulechange_headers(shown, lang), decimals=0))
    return 0


def _rulechange_headers(cols, lang: str) -> dict:
    """``good_days_2012`` -> its header in ``lang`` (English: the column name as it is)."""
    out = {}
    for c in cols:
        base, _, year = c.rpartition("_") if c[-4:] in ("2012", "2026") else (c, "", "")
        word = t(f"cli.rulechange.col.{base}", lang)
        out[c] = f"{word}_{year}" if year and lang == "en" else (f"{word}（{year}）" if year else word)
    return out


def _add_dust_arguments(p, lang: str) -> None:
    h = helps("dust", lang)
    p.add_argument("--dust-days", help=h["dust_days"])
    p.add_argument("--dust-mode", choices=["exclude_days", "recompute", "none"], help=h["dust_mode"])


def add_parsers(sub, lang: str = "en") -> None:
    """Register ``assess``, ``whatif`` and ``rulechange`` (help in ``lang``)."""
    h = helps("assess", lang)
    p = sub.add_parser("assess", help=h["command"])
    add_plan_arguments(p)
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--period", required=True, help=h["period"])
    p.add_argument("--group", action="append", help=h["group"])
    p.add_argument("--rules", choices=[*RULE_NAMES, "2012", "2026"], help=h["rules"])
    p.add_argument("--as-of", help=h["as_of"])
    _add_dust_arguments(p, lang)
    p.add_argument("--accept-proxy", action="store_true", help=h["accept_proxy"])
    p.add_argument("--composite-limits", choices=["GB3095-2012", "in_force"], default="GB3095-2012", help=h["composite_limits"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.add_argument("--meta", action="store_true", help=argparse.SUPPRESS)  # kept for old scripts: notes are always in the JSON
    p.set_defaults(func=_cmd_assess)

    h = helps("whatif", lang)
    p = sub.add_parser("whatif", help=h["command"])
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--as-of", required=True, help=h["as_of"])
    p.add_argument("--target", action="append", metavar="KEY=VALUE", help=h["target"])
    p.add_argument("--assume", action="append", metavar="KEY=VALUE", help=h["assume"])
    _add_dust_arguments(p, lang)
    p.add_argument("--accept-proxy", action="store_true", help=h["accept_proxy"])
    p.add_argument("--json", action="store_true")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_whatif)

    h = helps("rulechange", lang)
    p = sub.add_parser("rulechange", help=h["command"])
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help=h["period"])
    p.add_argument("--group", action="append", help=h["group"])
    p.add_argument("--json", action="store_true")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_rulechange)
