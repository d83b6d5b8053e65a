"""The ``assess``, ``whatif`` and ``rulechange`` commands: a plan's groups against their targets."""

from __future__ import annotations

import argparse
import json

import pandas as pd

from .cli_common import (CLIError, add_lang_argument, add_plan_arguments, as_of_arg, cli_message, error_text, lang_of, load_plan,
                         plan_from_args, read_dust)
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
    print(assessment_text(res, plan, lang=lang_of(args, plan)))
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
    from .stats import parse_period, rule_change_comparison

    plan = load_plan(args.config)
    names = args.group or list(plan.groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise CLIError(note("error.cli.unknown_group", group=repr(unknown[0]), known=", ".join(plan.groups)))
    try:
        start, end = parse_period(args.period)
        stations = sorted({s for g in names for s in plan.group_stations(g)})
        days = group_days(plan, station_days(args.store, start, end, stations), groups=names)
        if days.empty or days["aqi"].isna().all():
            raise ValueError(f"the store {args.store} holds no data of {', '.join(names[:6])} between {start:%Y-%m-%d} and "
                             f"{end:%Y-%m-%d}: nothing to compare; add it with airq ingest (airq quality --store {args.store} "
                             f"--period {args.period} shows what the store holds)")
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


def _add_dust_arguments(p) -> None:
    p.add_argument("--dust-days", help="CSV of dust-affected days (date[,group]), deducted as --dust-mode says")
    p.add_argument("--dust-mode", choices=["exclude_days", "recompute", "none"],
                   help="how --dust-days are deducted (standards.md §2.9; default: the plan's options.dust_deduction): "
                   "exclude_days = dust-caused exceedance days leave the denominators, recompute = the day's AQI is "
                   "recomputed without the dust-affected particulate values; dust days with the mode 'none' are refused")


def add_parsers(sub) -> None:
    p = sub.add_parser("assess", help="statistics and targets of a plan's groups over a period")
    add_plan_arguments(p)
    p.add_argument("--store", required=True, help="store folder")
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END (dates)")
    p.add_argument("--group", action="append", help="only this group (repeatable)")
    p.add_argument("--rules", choices=[*RULE_NAMES, "2012", "2026"], help="pin the AQI rule set (default: the one in force each day)")
    p.add_argument("--as-of", help="last day counted for the targets, a full date YYYY-MM-DD inside the period "
                   "(default: the last day of the period with data)")
    _add_dust_arguments(p)
    p.add_argument("--accept-proxy", action="store_true", help="use daily rows flagged as proxies of the natural day (window_flag != T00)")
    p.add_argument("--composite-limits", choices=["GB3095-2012", "in_force"], default="GB3095-2012",
                   help="S_i of the composite index: GB 3095—2012 grade II (default, published practice) or the limits in force")
    p.add_argument("--json", action="store_true", help="print one JSON object: period, groups, ranking, notes, options")
    add_lang_argument(p)
    p.add_argument("--meta", action="store_true", help=argparse.SUPPRESS)  # kept for old scripts: notes are always in the JSON
    p.set_defaults(func=_cmd_assess)

    p = sub.add_parser("whatif", help="remaining allowances of a group and year-end values under assumptions")
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--as-of", required=True, help="last day counted (YYYY-MM-DD)")
    p.add_argument("--target", action="append", metavar="KEY=VALUE",
                   help="override a target: pm25= [µg/m³], good_day_ratio= [%%, e.g. 93.8], heavy_day_ratio= [%%], o3_p90= [µg/m³], good_days=")
    p.add_argument("--assume", action="append", metavar="KEY=VALUE",
                   help="for the rest of the year: pm25= mean of the remaining days [µg/m³] (year-end PM2.5); "
                   "nongood= how many remaining days are non-good (AQI > 100; the others good) (year-end good-day ratio); "
                   "heavy= how many of those are heavy (AQI > 200) (year-end heavy ratio); dust= remaining days deducted "
                   "as sand-dust days; valid_days= how many remaining days will be valid (default: all). Each year-end "
                   "value is answered from the assumptions it needs; nothing else is assumed")
    _add_dust_arguments(p)
    p.add_argument("--accept-proxy", action="store_true", help="use daily rows flagged as proxies of the natural day")
    p.add_argument("--json", action="store_true")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_whatif)

    p = sub.add_parser("rulechange", help="a period under both AQI rule sets, and the days that change category")
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END")
    p.add_argument("--group", action="append", help="only this group (repeatable)")
    p.add_argument("--json", action="store_true")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_rulechange)
