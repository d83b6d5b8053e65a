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

from .aqi_daily import daily_aqi
from .aqi_inputs import INDICATOR_NAMES
from .aqi_realtime import realtime_aqi
from .cli_common import CLIError, Parser, add_lang_argument, env_lang, error_sentence, error_text, help_lang, helps, lang_of, resolve_lang
from .i18n import t
from .notes import Note, note, render
from .rules import RULE_NAMES, get_rules, rules_for
from .units import AirqUnitWarning, co_unit_message

__all__ = ["main", "build_parser", "CLIError"]


def _mode_word(mode: str):
    """``daily`` / ``realtime`` as a word of the aqi errors (a note: said in the error's language)."""
    return note("error.cli.aqi.mode_daily") if mode == "daily" else note("error.cli.aqi.mode_realtime")


def _parse_pairs(pairs: list[str], allowed: tuple[str, ...], mode: str) -> dict[str, float]:
    """KEY=VALUE words -> {key: value}; one-line errors for unknown keys, bad or negative values."""
    values: dict[str, float] = {}
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        key = key.strip().lower().replace(".", "").replace("pm2_5", "pm25")
        if not sep or not key:
            raise CLIError(note("error.cli.aqi.pair", pair=pair))
        if key not in allowed:
            raise CLIError(note("error.cli.aqi.unknown", mode=_mode_word(mode), indicator=key, allowed=list(allowed)))
        if key in values:
            raise CLIError(note("error.cli.aqi.twice", indicator=key))
        try:
            value = float(raw)
        except ValueError:
            raise CLIError(note("error.cli.aqi.not_number", indicator=key, raw=raw)) from None
        if not math.isfinite(value):
            raise CLIError(note("error.cli.aqi.not_finite", indicator=key, raw=raw))
        if value < 0:
            raise CLIError(note("error.cli.aqi.negative", indicator=key, raw=raw))
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
            raise CLIError(note("error.cli.aqi.no_rules"))
    mode = "realtime" if args.realtime else "daily"
    indicators = tuple(rs.realtime if args.realtime else rs.daily)
    extra = ("so2_24h",) if args.realtime and rs.name == "HJ633-2012" else ()
    values = _parse_pairs(args.values, indicators + extra, mode)
    raw_text = {p.partition("=")[0].strip().lower().replace(".", "").replace("pm2_5", "pm25"): p.partition("=")[2].strip() for p in args.values}
    missing = [k for k in indicators if k not in values]
    if missing and not args.allow_missing:
        raise CLIError(note("error.cli.aqi.missing", mode=_mode_word(mode), rules=rs.name,
                            needs=list(indicators), missing=missing))
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
    for warning in notes:  # the JSON keeps the English sentence; the line on stderr is said in the command's language
        print(t("cli.warning", "en", message=render(warning, lang_of(args))), file=sys.stderr)
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

    args.lang = args.lang or env_lang()  # AIRQ_LANG before the plan's language
    return run_demo(args)


def build_parser(lang: str | None = None) -> argparse.ArgumentParser:
    """The ``airq`` parser with its help and argparse's own words in ``lang`` (default: ``AIRQ_LANG``, else the
    system locale, else English; :func:`airq.main` passes the ``--lang`` of the command line)."""
    from .cli_assess import add_parsers as add_assess_parsers
    from .cli_data import add_parsers as add_data_parsers
    from .cli_forecast import add_parsers as add_forecast_parsers
    from .cli_measures import add_parsers as add_measures_parsers

    lang = lang or resolve_lang()
    parser = Parser(prog="airq", description=helps("", lang)["description"], lang=lang)
    add_lang_argument(parser, dest="main_lang", metavar="LANG")  # airq --lang zh --help; airq --lang zh COMMAND ...
    sub = parser.add_subparsers(dest="command", required=True)

    h = helps("aqi", lang)
    p = sub.add_parser("aqi", help=h["command"], description=h["description"])
    when = p.add_mutually_exclusive_group()
    when.add_argument("--rules", choices=[*RULE_NAMES, "2012", "2026"], help=h["rules"])
    when.add_argument("--date", help=h["date"])
    kind = p.add_mutually_exclusive_group()
    kind.add_argument("--daily", action="store_true", help=h["daily"])
    kind.add_argument("--realtime", "--hourly", action="store_true", help=h["realtime"])
    p.add_argument("--allow-missing", action="store_true", help=h["allow_missing"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.add_argument("values", nargs="+", metavar="KEY=VALUE")
    p.set_defaults(func=_cmd_aqi)

    add_data_parsers(sub, lang)
    add_assess_parsers(sub, lang)
    add_forecast_parsers(sub, lang)
    add_measures_parsers(sub, lang)

    h = helps("demo", lang)
    p = sub.add_parser("demo", help=h["command"])
    p.add_argument("--out", default="reports/demo", help=h["out"])
    p.add_argument("--raw", default="data/raw/demo", help=h["raw"])
    p.add_argument("--store", default="data/processed/demo", help=h["store"])
    p.add_argument("--skip-report", action="store_true", help=h["skip_report"])
    p.add_argument("--lang", choices=["zh", "en"], default=None, help=h["lang"])
    p.set_defaults(func=_cmd_demo)
    return parser


def main(argv: list[str] | None = None) -> int:
    from .store_integrity import StoreError  # a damaged, locked or unreadable store, in any command (issue 10 item 11)

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser(help_lang(argv))
    args = parser.parse_args(argv)
    if getattr(args, "main_lang", None) and not getattr(args, "lang", None):
        args.lang = args.main_lang
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
        message = render(os_error_sentence(exc, getattr(args, "store", None)), _error_lang(args))
        print(t("cli.error", "en", message=message), file=sys.stderr)
        return 1


def _error_lang(args) -> str:
    """The language of an error (:func:`airq.cli_common.resolve_lang`): ``--lang``, else ``AIRQ_LANG``, else the
    plan's (``--config``) when it can be read, else the system locale, else English."""
    plan = None
    if not getattr(args, "lang", None) and not env_lang() and getattr(args, "config", None):
        from .config import load_plan

        try:
            plan = load_plan(args.config)
        except Exception:  # the plan itself may be the error
            plan = None
    return resolve_lang(getattr(args, "lang", None), plan)


def os_error_sentence(exc: OSError, store=None) -> str:
    """An operating-system error as one sentence that says what happened to the store (issue 10 item 12): a
    :class:`airq.notes.Note` (its English text; :func:`airq.notes.render` says it in Chinese) — the system's own
    words for an error other than disk full, quota, permission or read-only.

    A write that fails before the store's commit point leaves the store as it was (airq.store:
    every file is staged first); one that fails after it leaves a journal that the next command
    (or ``airq verify --recover``) finishes. Which of the two happened is read from the store.
    """
    import errno
    from pathlib import Path

    known = {errno.ENOSPC: "error.cli.os.enospc", errno.EDQUOT: "error.cli.os.edquot", errno.EACCES: "error.cli.os.eacces",
             errno.EROFS: "error.cli.os.erofs"}
    what = note(known[exc.errno]) if exc.errno in known else (exc.strerror or str(exc))  # else: the system's own words
    if getattr(exc, "filename", None):
        what = note("error.cli.os.at", what=what, filename=exc.filename)
    if store and Path(store, "manifest.json").exists():
        if Path(store, ".journal.json").exists():
            return note("error.cli.os.committed", what=what, store=store)
        return note("error.cli.os.unchanged", what=what, store=store)
    if store:
        return note("error.cli.os.not_written", what=what, store=store)
    return what if isinstance(what, Note) else str(what)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
