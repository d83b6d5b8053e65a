"""Command line: ``airq <command> ...``.

Commands
--------
``airq aqi``     AQI of one day or one hour from concentrations given as KEY=VALUE.
``airq ingest``  raw monitoring files -> the processed store (checked, flagged, idempotent).
``airq assess``  a plan's groups over a period: statistics, targets, remaining allowances.
``airq whatif``  remaining allowances of one group as of a date, and year-end values under assumptions.
``airq quality`` per-station completeness and flagged values by month, from the store.
``airq verify``  every file of the store against its manifest; ``--repair-from`` rebuilds damaged ones.
``airq forecast`` / ``backtest`` / ``report`` year-end forecasts, their backtest, the monthly report.
``airq rulechange`` a period under both AQI rule sets side by side, with the days that change category.
``airq measures`` a plan's dated measures as of a day: done, overdue, due this month (docs/measures.md).
``airq demo``    the demo job (see ``make demo``).

Every error is one line on stderr starting with ``airq: error:`` and a non-zero exit status
(2 for usage errors, 1 for data errors). The ``airq: error:`` / ``airq: warning:`` prefixes are the
same in every language (scripts and logs look for them); the commands that print text take
``--lang zh|en`` (default: zh for a Chinese plan, else en; docs/i18n.md).
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import warnings

import pandas as pd

from .aqi import INDICATOR_NAMES, daily_aqi, realtime_aqi
from .cli_common import CLIError, add_lang_argument, error_sentence, error_text, lang_of
from .i18n import t
from .rules import RULE_NAMES, get_rules, rules_for
from .units import AirqUnitWarning, co_unit_message

__all__ = ["main", "build_parser", "CLIError"]




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
            raise CLIError(error_text(exc)) from None
    else:
        try:
            rs = rules_for(args.date) if args.date else None
        except ValueError as exc:
            raise CLIError(error_text(exc)) from None
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
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", AirqUnitWarning)
        try:
            res = (realtime_aqi if args.realtime else daily_aqi)(frame, rules=rs).iloc[0]
        except ValueError as exc:
            raise CLIError(error_text(exc)) from None
    # The library's CO unit warning (airq.units.co_unit_message), without its "at row 0": one line
    # on stderr, and in the JSON; the AQI stays the one of the values as given (exit status 0).
    notes = []
    for w in caught:
        if issubclass(w.category, AirqUnitWarning):
            notes.append(co_unit_message(w.message.values, count=w.message.count))
        else:  # not ours: shown as it would have been
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)
    for note in notes:
        print(t("cli.warning", "en", message=note), file=sys.stderr)
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
        "warnings": notes,
    }
    if rs.over_standard_iaqi is not None:
        payload["over_standard"] = [] if aqi is None or not res["over_standard"] else res["over_standard"].split(",")
    if args.json:
        print(json.dumps(payload, ensure_ascii=False, sort_keys=True))
        return 0
    lang = lang_of(args)
    print(t("cli.aqi.rules", lang, rules=rs.name, standard=rs.standard, mode=t(f"cli.aqi.mode_{mode}", lang)))
    if aqi is None:
        print(t("cli.aqi.not_published", lang))
    else:
        print(t("cli.aqi.aqi", lang, aqi=aqi))
        print(t("cli.aqi.level", lang, level=payload["level"], name=payload["level_name"], category=payload["category"],
                colour=payload["colour"]))
        names = [f"{p} {INDICATOR_NAMES.get(p, p)}" for p in primary]
        print(t("cli.aqi.primary", lang, names=", ".join(names) if names else t("cli.aqi.no_primary", lang)))
        if "over_standard" in payload:
            print(t("cli.aqi.over", lang, names=", ".join(payload["over_standard"]) or "—"))
    print(t("cli.aqi.sub", lang))
    for k in indicators:
        v = sub[k]
        shown = raw_text.get(k, "—")
        print(t("cli.aqi.iaqi", lang, key=f"{k:<6}", value=f"{shown:>8}", iaqi=v if v is not None else "—"))
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    from .demo_job import run_demo

    return run_demo(args)


def build_parser() -> argparse.ArgumentParser:
    from .cli_assess import add_parsers as add_assess_parsers
    from .cli_data import add_parsers as add_data_parsers
    from .cli_forecast import add_parsers as add_forecast_parsers
    from .cli_measures import add_parsers as add_measures_parsers

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
    add_lang_argument(p)
    p.add_argument("values", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(func=_cmd_aqi)

    add_data_parsers(sub)
    add_assess_parsers(sub)
    add_forecast_parsers(sub)
    add_measures_parsers(sub)

    p = sub.add_parser("demo", help="run the demo job on synthetic data")
    p.add_argument("--out", default="reports/demo", help="output directory (default: reports/demo)")
    p.add_argument("--raw", default="data/raw/demo", help="where the synthetic raw files go (default: data/raw/demo)")
    p.add_argument("--store", default="data/processed/demo", help="store folder (default: data/processed/demo)")
    p.add_argument("--skip-report", action="store_true", help="stop before the monthly report (notebooks, HTML)")
    p.add_argument("--lang", choices=["zh", "en"], default=None,
                   help="language of the monthly report and its Word/Excel dispatch (default: the plan's, Chinese)")
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .store_integrity import StoreError  # a damaged, locked or unreadable store, in any command (issue 10 item 11)

    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except (CLIError, StoreError) as exc:
        print(t("cli.error", "en", message=error_sentence(exc, _error_lang(args))), file=sys.stderr)
        return 1
    except BrokenPipeError:  # e.g. `airq quality ... | head`
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except OSError as exc:  # disk full, permissions, a folder that vanished: one sentence, not a traceback
        print(t("cli.error", "en", message=os_error_sentence(exc, getattr(args, "store", None))), file=sys.stderr)
        return 1


def _error_lang(args) -> str:
    """The language of an error: ``--lang``, else the plan's (``--config``) when it can be read, else English."""
    if getattr(args, "lang", None):
        return args.lang
    if getattr(args, "config", None):
        from .config import load_plan
        from .i18n import default_lang

        try:
            return default_lang(load_plan(args.config))
        except Exception:  # the plan itself may be the error
            return "en"
    return "en"


def os_error_sentence(exc: OSError, store=None) -> str:
    """An operating-system error as one sentence that says what happened to the store (issue 10 item 12).

    A write that fails before the store's commit point leaves the store as it was (airq.store:
    every file is staged first); one that fails after it leaves a journal that the next command
    (or ``airq verify --recover``) finishes. Which of the two happened is read from the store.
    """
    import errno
    from pathlib import Path

    what = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is exceeded",
            errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or str(exc))
    where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
    text = f"{what}{where}"
    if store and Path(store, "manifest.json").exists():
        if Path(store, ".journal.json").exists():
            text += (f"; the ingest had passed its commit point, so its data and flags are complete on disk and the next "
                     f"command finishes writing them (or run airq verify --store {store} --recover)")
        else:
            text += f"; nothing was changed in the store {store} (every file is staged before the commit), free some space and run it again"
    elif store:
        text += f"; nothing was written to the store {store}"
    return text


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
