"""Command line: ``airq <command> ...``.

Commands
--------
``airq aqi``     AQI of one day or one hour from concentrations given as KEY=VALUE.
``airq ingest``  raw monitoring files -> the processed store (checked, flagged, idempotent).
``airq assess``  a plan's groups over a period: statistics, targets, remaining allowances.
``airq whatif``  remaining allowances of one group as of a date, and year-end values under assumptions.
``airq quality`` per-station completeness and flagged values by month, from the store.
``airq rulechange`` a period under both AQI rule sets side by side, with the days that change category.
``airq demo``    the demo job (see ``make demo``).

Every error is one line on stderr starting with ``airq: error:`` and a non-zero exit status
(2 for usage errors, 1 for data errors).
"""

from __future__ import annotations

import argparse
import json
import math
import sys

import pandas as pd

from .aqi import INDICATOR_NAMES, daily_aqi, realtime_aqi
from .rules import RULE_NAMES, get_rules, rules_for


class CLIError(Exception):
    """A user-facing error: printed as one line, exit status 1."""


def _parse_pairs(pairs: list[str], allowed: tuple[str, ...], mode: str) -> dict[str, float]:
    """KEY=VALUE words -> {key: value}; one-line errors for unknown keys, bad or negative values."""
    values: dict[str, float] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip().lower().replace(".", "").replace("pm2_5", "pm25")
        if not sep or not key:
            raise CLIError(f"expected KEY=VALUE, got {pair!r}")
        if key not in allowed:
            raise CLIError(f"unknown {mode} indicator {key!r}; allowed: {', '.join(allowed)}")
        if key in values:
            raise CLIError(f"{key} given twice")
        try:
            value = float(raw)
        except ValueError:
            raise CLIError(f"{key}={raw!r} is not a number") from None
        if not math.isfinite(value):
            raise CLIError(f"{key}={raw!r} is not a finite number")
        if value < 0:
            raise CLIError(f"{key}={raw} is negative; concentrations are >= 0")
        values[key] = value
    return values


def _cmd_aqi(args: argparse.Namespace) -> int:
    if args.rules is not None:
        try:
            rs = get_rules(args.rules)
        except ValueError as exc:
            raise CLIError(str(exc)) from None
    else:
        try:
            rs = rules_for(args.date) if args.date else None
        except ValueError as exc:
            raise CLIError(str(exc)) from None
        if rs is None:
            raise CLIError("give --rules HJ633-2012|HJ633-2026 or --date YYYY-MM-DD")
    mode = "realtime" if args.realtime else "daily"
    indicators = tuple(rs.realtime if args.realtime else rs.daily)
    extra = ("so2_24h",) if args.realtime and rs.name == "HJ633-2012" else ()
    values = _parse_pairs(args.values, indicators + extra, mode)
    raw_text = {p.partition("=")[0].strip().lower().replace(".", "").replace("pm2_5", "pm25"): p.partition("=")[2].strip() for p in args.values}
    missing = [k for k in indicators if k not in values]
    if missing and not args.allow_missing:
        raise CLIError(
            f"{mode} AQI under {rs.name} needs {', '.join(indicators)}; missing: {', '.join(missing)} "
            "(pass --allow-missing to apply the rule set's missing-data rule)"
        )
    frame = pd.DataFrame({k: [values.get(k, float("nan"))] for k in indicators + tuple(values.keys() - set(indicators))})
    try:
        res = (realtime_aqi if args.realtime else daily_aqi)(frame, rules=rs).iloc[0]
    except ValueError as exc:
        raise CLIError(str(exc)) from None
    sub = {k: (None if pd.isna(res[f"iaqi_{k}"]) else int(res[f"iaqi_{k}"])) for k in indicators}
    aqi = None if pd.isna(res["aqi"]) else int(res["aqi"])
    primary = [] if aqi is None or not res["primary"] else res["primary"].split(",")
    payload = {
        "rules": rs.name,
        "mode": mode,
        "aqi": aqi,
        "level": None if aqi is None else int(res["level"]),
        "level_name": None if aqi is None else res["level_name"],
        "category": None if aqi is None else res["category"],
        "colour": None if aqi is None else res["colour"],
        "primary": primary,
        "iaqi": sub,
    }
    if rs.over_standard_iaqi is not None:
        payload["over_standard"] = [] if aqi is None or not res["over_standard"] else res["over_standard"].split(",")
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True))
        return 0
    print(f"rules      {rs.name} ({rs.standard}, {mode})")
    if aqi is None:
        print("AQI        not published (missing indicator; see the rule set's missing-data rule)")
    else:
        print(f"AQI        {aqi}")
        print(f"level      {payload['level']} {payload['level_name']} {payload['category']} {payload['colour']}")
        names = [f"{p} {INDICATOR_NAMES.get(p, p)}" for p in primary]
        print(f"primary    {', '.join(names) if names else '— (AQI <= 50)'}")
        if "over_standard" in payload:
            print(f"over std.  {', '.join(payload['over_standard']) or '—'}")
    print("sub-indices")
    for k in indicators:
        v = sub[k]
        shown = raw_text.get(k, "—")
        print(f"  {k:<6} {shown:>8}  IAQI {v if v is not None else '—'}")
    return 0


def _jsonable(value):
    from .report import jsonable

    return jsonable(value)


def _load_plan(path: str):
    from .config import ConfigError, load_plan

    try:
        return load_plan(path)
    except (ConfigError, FileNotFoundError, OSError) as exc:
        raise CLIError(str(exc)) from None


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingestion import ingest_files
    from .io import ReadError

    known = None
    if args.config:
        known = list(_load_plan(args.config).stations)
    try:
        report = ingest_files(
            args.format,
            args.sources,
            args.store,
            hour_label=args.hour_label,
            known_stations=known,
            on_conflict=args.on_conflict,
            progress=not args.quiet and sys.stderr.isatty(),
            strict=args.strict,
        )
    except (ReadError, ValueError, FileNotFoundError) as exc:
        raise CLIError(str(exc)) from None
    print(report.summary())
    print(f"store: {args.store}")
    return 0


def _read_dust(args):
    if not getattr(args, "dust_days", None):
        return None
    from .assessment import read_dust_days

    try:
        return read_dust_days(args.dust_days)
    except ValueError as exc:
        raise CLIError(str(exc)) from None


def _cmd_assess(args: argparse.Namespace) -> int:
    from .assessment import assess
    from .report import assessment_payload, assessment_text

    from .cli_forecast import plan_from_args

    plan = plan_from_args(args)
    groups = None
    if args.group:
        unknown = [g for g in args.group if g not in plan.groups]
        if unknown:
            raise CLIError(f"unknown group {unknown[0]!r}; the plan has: {', '.join(plan.groups)}")
        groups = args.group
    try:
        res = assess(plan, args.store, args.period, groups=groups, rules=args.rules, dust_days=_read_dust(args),
                     accept_proxy=args.accept_proxy, composite_limits=args.composite_limits, as_of=args.as_of)
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(str(exc)) from None
    if args.json:
        payload = assessment_payload(res, plan)
        payload_notes = {"notes": res.notes, "options": res.options}
        print(json.dumps({**payload, "_meta": payload_notes} if args.meta else payload, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    print(assessment_text(res, plan))
    return 0


_ASSUME_KEYS = {
    "pm25": "remaining_pm25_mean",
    "remaining_pm25_mean": "remaining_pm25_mean",
    "nongood": "extra_nongood_days",
    "extra_nongood_days": "extra_nongood_days",
    "heavy": "extra_heavy_days",
    "extra_heavy_days": "extra_heavy_days",
    "dust": "dust_days",
    "dust_days": "dust_days",
    "valid_days": "remaining_valid_days",
    "remaining_valid_days": "remaining_valid_days",
}
_TARGET_KEYS = {"pm25": "pm25_mean", "pm25_mean": "pm25_mean", "good_day_ratio": "good_day_ratio",
                "heavy_day_ratio": "heavy_day_ratio", "o3_p90": "o3_p90", "good_days": "good_days"}
#: Internal argument names -> the --assume/--target words, for error messages.
_CLI_WORDS = {"remaining_pm25_mean": "--assume pm25", "extra_nongood_days": "--assume nongood",
              "extra_heavy_days": "--assume heavy", "dust_days": "--assume dust", "remaining_valid_days": "--assume valid_days"}


def _cli_words(message: str) -> str:
    for internal, word in _CLI_WORDS.items():
        message = message.replace(internal, word)
    return message


def _key_values(words, table: dict, what: str) -> dict:
    from decimal import Decimal, InvalidOperation

    out = {}
    for word in words or []:
        key, sep, raw = word.partition("=")
        key = key.strip().lower()
        if not sep or key not in table:
            raise CLIError(f"--{what} {word!r}: expected KEY=VALUE with KEY in {', '.join(sorted(table))}")
        try:
            value = Decimal(raw.strip())
        except InvalidOperation:
            raise CLIError(f"--{what} {word!r}: {raw!r} is not a number") from None
        if not value.is_finite() or value < 0:
            raise CLIError(f"--{what} {word!r}: must be a finite number >= 0")
        name = table[key]
        if what == "target" and name in ("good_day_ratio", "heavy_day_ratio") and 0 < value < 1:
            raise CLIError(f"--target {word!r}: ratios are percentages (93.8 for 93.8 %); {value} looks like a fraction")
        if what == "target" and name in ("good_day_ratio", "heavy_day_ratio") and value > 100:
            raise CLIError(f"--target {word!r}: a ratio cannot exceed 100 %")
        if name.endswith("_days"):
            if value != value.to_integral_value():
                raise CLIError(f"--{what} {word!r}: a number of days must be whole")
            value = int(value)
        out[name] = value
    return out


def _cmd_whatif(args: argparse.Namespace) -> int:
    from .assessment import whatif_for_group
    from .report import whatif_payload, whatif_text

    plan = _load_plan(args.config)
    targets = _key_values(args.target, _TARGET_KEYS, "target")
    assume = _key_values(args.assume, _ASSUME_KEYS, "assume")
    try:
        as_of = pd.Timestamp(args.as_of)
    except ValueError:
        raise CLIError(f"--as-of {args.as_of!r} is not a date (YYYY-MM-DD)") from None
    try:
        pos, table, result = whatif_for_group(plan, args.store, args.group, as_of, targets=targets, assume=assume,
                                              dust_days=_read_dust(args), accept_proxy=args.accept_proxy)
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(_cli_words(str(exc))) from None
    payload = whatif_payload(args.group, as_of, pos, table, result, assume)
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    print(whatif_text(payload, table))
    return 0


def _cmd_quality(args: argparse.Namespace) -> int:
    from . import store
    from .ingestion import load_flags
    from .quality import quality_summary
    from .stats import parse_period

    try:
        start, end = parse_period(args.period)
        stop = end + pd.Timedelta(days=1)
        hourly = store.load(args.store, start=start, end=stop, stations=args.station)
        summary = quality_summary(hourly, load_flags(args.store), start=start, end=stop, stations=args.station)
    except (ValueError, FileNotFoundError) as exc:
        raise CLIError(str(exc)) from None
    if args.csv:
        sys.stdout.write(summary.to_csv(index=False, lineterminator="\n"))
        return 0
    if summary.empty:
        print(f"no hourly data in {args.store} for {args.period}: the completeness summary covers hourly data only "
              "(daily values received as such carry no hours; their flags are in the store's quality/ folder)")
        return 0
    show = summary[["station", "month", "expected_hours", "absent_hours"]].copy()
    for p in ("pm25", "pm10", "o3", "no2", "so2", "co"):
        show[f"{p} %"] = summary[f"complete_{p}"].round(1)
    flags = summary[[c for c in summary.columns if c.startswith("flag_")]]
    show["flagged"] = flags.sum(axis=1)
    print(show.to_string(index=False))
    totals = flags.sum()
    print("flagged values by reason: " + (", ".join(f"{k[5:]} {int(v)}" for k, v in totals.items() if v) or "none"))
    return 0


def _cmd_rulechange(args: argparse.Namespace) -> int:
    from .assessment import group_days, station_days
    from .stats import parse_period, rule_change_comparison

    plan = _load_plan(args.config)
    names = args.group or list(plan.groups)
    unknown = [g for g in names if g not in plan.groups]
    if unknown:
        raise CLIError(f"unknown group {unknown[0]!r}; the plan has: {', '.join(plan.groups)}")
    try:
        start, end = parse_period(args.period)
        stations = sorted({s for g in names for s in plan.group_stations(g)})
        days = group_days(plan, station_days(args.store, start, end, stations), groups=names)
        cmp = rule_change_comparison(days, start=start, end=end)
    except (ValueError, FileNotFoundError, NotImplementedError) as exc:
        raise CLIError(str(exc)) from None
    side = cmp.side_by_side
    cols = ["group", "valid_days_2012", "valid_days_2026", "good_days_2012", "good_days_2026",
            "good_day_ratio_2012", "good_day_ratio_2026", "heavy_days_2012", "heavy_days_2026"]
    changed = cmp.changed_days
    if args.json:
        payload = {
            "start": f"{start:%Y-%m-%d}",
            "end": f"{end:%Y-%m-%d}",
            "groups": {r["group"]: {k: _jsonable(v) for k, v in r.items() if k != "group"} for r in side.to_dict("records")},
            "changed_days": [{k: _jsonable(v) for k, v in r.items()} for r in changed.to_dict("records")],
        }
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    print(f"{start:%Y-%m-%d} .. {end:%Y-%m-%d} judged under HJ 633—2012 and under HJ 633—2026")
    print(side[[c for c in cols if c in side.columns]].round(1).to_string(index=False))
    print(f"\n{len(changed)} group-day(s) change category:")
    if len(changed):
        show = changed.copy()
        show["date"] = pd.to_datetime(show["date"]).dt.strftime("%Y-%m-%d")
        print(show[["group", "date", "aqi_2012", "category_2012", "primary_2012", "aqi_2026", "category_2026", "primary_2026"]]
              .to_string(index=False, na_rep="—"))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo_job import run_demo

    return run_demo(args)


def build_parser() -> argparse.ArgumentParser:
    from .cli_forecast import add_parsers as add_forecast_parsers
    from .cli_forecast import add_plan_arguments

    parser = argparse.ArgumentParser(prog="airq", description="Exact Chinese air-quality statistics (HJ 633, GB 3095, HJ 663).")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser(
        "aqi",
        help="AQI of one day or one hour",
        description="AQI, level, category, primary pollutant(s) and every sub-index from concentrations "
        "[µg/m³; co mg/m³], e.g. airq aqi --rules HJ633-2026 --daily so2=10 no2=40 pm10=120 pm25=60 co=1.0 o3_8h=100",
    )
    when = p.add_mutually_exclusive_group()
    when.add_argument("--rules", choices=[*RULE_NAMES, "2012", "2026"], help="pin the rule set")
    when.add_argument("--date", help="pick the rule set in force on this date (YYYY-MM-DD)")
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--daily", action="store_true", help="daily AQI (default): so2 no2 co pm10 pm25 o3_8h [+ o3_1h under 2012]")
    kind.add_argument("--realtime", "--hourly", action="store_true", help="real-time (hourly) AQI: so2 no2 co o3 pm10 pm25 (1-h values)")
    p.add_argument("--allow-missing", action="store_true", help="accept missing indicators (rule set's missing-data rule applies)")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("values", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(func=_cmd_aqi)

    p = sub.add_parser("ingest", help="raw files -> processed store", description="Read raw monitoring files, flag bad values "
                       "(kept, set missing, with a reason), and add them to the processed store (Parquet, one partition per month).")
    p.add_argument("--format", required=True, choices=["cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"])
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="files, folders or glob patterns")
    p.add_argument("--store", required=True, help="store folder (e.g. data/processed)")
    p.add_argument("--hour-label", choices=["end", "start"], default="end", help="hour stamps mark the end (Chinese convention, default) or the start of the hour")
    p.add_argument("--config", help="plan TOML: rows of stations it does not define are flagged unknown_station and kept out")
    p.add_argument("--on-conflict", choices=["report", "keep", "replace"], default="report", help="values that differ from stored ones (default: report, keep stored)")
    p.add_argument("--strict", action="store_true", help="fail on the first unparseable value instead of flagging it as missing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("assess", help="statistics and targets of a plan's groups over a period")
    add_plan_arguments(p)
    p.add_argument("--store", required=True, help="store folder")
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END (dates)")
    p.add_argument("--group", action="append", help="only this group (repeatable)")
    p.add_argument("--rules", choices=[*RULE_NAMES, "2012", "2026"], help="pin the AQI rule set (default: the one in force each day)")
    p.add_argument("--as-of", help="last day counted for the targets (default: the last day of the period with data)")
    p.add_argument("--dust-days", help="CSV of dust-affected days (date[,group]); deducted per the plan's options.dust_deduction")
    p.add_argument("--accept-proxy", action="store_true", help="use daily rows flagged as proxies of the natural day (window_flag != T00)")
    p.add_argument("--composite-limits", choices=["GB3095-2012", "in_force"], default="GB3095-2012",
                   help="S_i of the composite index: GB 3095—2012 grade II (default, published practice) or the limits in force")
    p.add_argument("--json", action="store_true", help="print one JSON object keyed by group")
    p.add_argument("--meta", action="store_true", help="with --json: add a '_meta' entry with the notes and the options used")
    p.set_defaults(func=_cmd_assess)

    p = sub.add_parser("whatif", help="remaining allowances of a group and year-end values under assumptions")
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--group", required=True)
    p.add_argument("--as-of", required=True, help="last day counted (YYYY-MM-DD)")
    p.add_argument("--target", action="append", metavar="KEY=VALUE",
                   help="override a target: pm25= [µg/m³], good_day_ratio= [%%, e.g. 93.8], heavy_day_ratio= [%%], o3_p90= [µg/m³], good_days=")
    p.add_argument("--assume", action="append", metavar="KEY=VALUE",
                   help="for the rest of the year: pm25= mean of the remaining days [µg/m³] (needed for year-end values); "
                   "nongood= how many remaining days are non-good (AQI > 100; the others good); heavy= how many of those "
                   "non-good days are heavy (AQI > 200); dust= remaining days deducted as sand-dust days; valid_days= how "
                   "many remaining days will be valid (default: all)")
    p.add_argument("--dust-days", help="CSV of dust-affected days so far (date[,group]); deducted per the plan's options")
    p.add_argument("--accept-proxy", action="store_true", help="use daily rows flagged as proxies of the natural day")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_whatif)

    p = sub.add_parser("rulechange", help="a period under both AQI rule sets, and the days that change category")
    p.add_argument("--config", required=True)
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END")
    p.add_argument("--group", action="append", help="only this group (repeatable)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_rulechange)

    p = sub.add_parser("quality", help="per-station completeness and flagged values by month")
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END")
    p.add_argument("--station", action="append", help="only this station (repeatable)")
    p.add_argument("--csv", action="store_true", help="the full table as CSV")
    p.set_defaults(func=_cmd_quality)

    add_forecast_parsers(sub)

    p = sub.add_parser("demo", help="run the demo job on synthetic data")
    p.add_argument("--out", default="reports/demo", help="output directory (default: reports/demo)")
    p.add_argument("--raw", default="data/raw/demo", help="where the synthetic raw files go (default: data/raw/demo)")
    p.add_argument("--store", default="data/processed/demo", help="store folder (default: data/processed/demo)")
    p.add_argument("--skip-report", action="store_true", help="stop before the monthly report (notebooks, HTML)")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except CLIError as exc:
        print(f"airq: error: {exc}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `airq quality ... | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
