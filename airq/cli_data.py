"""The ``ingest`` and ``quality`` commands: raw files into the store, and what the store holds."""

from __future__ import annotations

import argparse
import functools
import sys
import warnings

from .cli_common import CLIError, add_lang_argument, error_text, helps, lang_of, load_plan
from .i18n import t
from .notes import Note, note, render

__all__ = ["add_parsers", "ingest_summary"]


def _wait_seconds(text: str, lang: str = "en") -> float:
    """``--wait SECONDS``: a number of seconds >= 0 (``--wait`` alone: no limit); the error in ``lang`` (argparse
    prints it at once, before the command knows its plan)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(render(note("error.cli.wait.not_number", text=text), lang)) from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(render(note("error.cli.wait.negative", text=text), lang))
    return value


def _wait_line(store: str, lang: str = "en"):
    """``on_wait`` for the store's lock: a progress line on stderr (updated in place on a terminal), in ``lang``."""
    tty = sys.stderr.isatty()
    state = {"printed": -1e9, "shown": False}

    def on_wait(holder: str, waited: float) -> None:
        line = t("cli.wait.line", lang, store=store, holder=render(holder, lang), waited=waited)
        if tty:
            sys.stderr.write("\r" + line + "\x1b[K")
            sys.stderr.flush()
        elif waited - state["printed"] >= 30:
            print(line, file=sys.stderr, flush=True)
            state["printed"] = waited
        state["shown"] = True

    return on_wait, state


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingestion import FORMATS, ingest_files
    from .io import ReadError
    from .store import StoreError

    known, plan = None, None
    if args.config:  # code -> name, so that a plan mismatch can name the stations
        plan = load_plan(args.config)
        known = {code: st.name for code, st in plan.stations.items()}
    lang = lang_of(args, plan)
    daily = FORMATS[args.format][0] == "daily"
    on_wait, waiting = _wait_line(args.store, lang)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            report = ingest_files(
                args.format,
                args.sources,
                args.store,
                hour_label=args.hour_label or "end",
                known_stations=known,
                on_conflict=args.on_conflict,
                progress=not args.quiet and sys.stderr.isatty(),
                strict=args.strict,
                encoding=args.encoding,
                wait=args.wait,
                on_wait=on_wait,
            )
    except (ReadError, ValueError, FileNotFoundError, StoreError) as exc:
        raise CLIError(error_text(exc)) from None
    finally:
        if waiting["shown"] and sys.stderr.isatty():
            sys.stderr.write("\n")
    _show_warnings(caught, lang)
    if args.json:
        import json

        print(json.dumps({**report.to_dict(), "store": str(args.store)}, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    if daily and args.hour_label:
        print(t("cli.ingest.hour_label_ignored", lang, format=args.format))
    print(ingest_summary(report, lang))
    print(t("cli.ingest.store", lang, store=args.store))
    return 0


def _show_warnings(caught, lang: str) -> None:
    """The library's warnings during a command (the store's conflict warning ...): a note of the catalogue as one
    ``airq: warning:`` line in ``lang``; any other warning as Python would have shown it."""
    for w in caught:
        message = w.message.args[0] if isinstance(w.message, Warning) and w.message.args else None
        if isinstance(message, Note):
            print(t("cli.warning", "en", message=render(message, lang)), file=sys.stderr)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno, source=w.source)


def ingest_summary(report, lang: str = "en") -> str:
    """The terminal lines of an ingest in ``lang``: :meth:`airq.ingestion.IngestReport.summary` (every line from the
    string catalogue, the readers' and the unit checks' notes said in ``lang``)."""
    return report.summary(lang)


def _cmd_quality(args: argparse.Namespace) -> int:
    import json

    from .quality_report import DAILY_INDICATORS, store_quality
    from .stats_periods import parse_period
    from .store import StoreError
    from .textable import format_table

    plan = load_plan(args.config) if args.config else None
    lang = lang_of(args, plan)
    try:
        start, end = parse_period(args.period)
        rep = store_quality(args.store, start, end, stations=args.station, plan=plan, all_stations=args.all)
    except (ValueError, FileNotFoundError, StoreError) as exc:
        raise CLIError(error_text(exc)) from None
    if args.json:
        print(json.dumps(rep.payload(), ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    if args.csv:
        sys.stdout.write(rep.table().to_csv(index=False, lineterminator="\n"))
        for line in rep.notes:
            print(t("cli.note", lang, note=render(line, lang)), file=sys.stderr)
        return 0
    named = [c for c in ("name",) if any(len(t) and t["name"].notna().any() for t in (rep.hourly, rep.daily))]
    blocks = []
    for kind, table, counts, indicators in (
        ("hourly", rep.hourly, ["expected_hours", "absent_hours"], ("pm25", "pm10", "o3", "no2", "so2", "co")),
        ("daily", rep.daily, ["expected_days", "absent_days", "proxy_days"], DAILY_INDICATORS),
    ):
        if not len(table):
            continue
        show = table[["station", *named, "month", *counts]].rename(columns=lambda c: c.replace("_hours", "").replace("_days", ""))
        for p in indicators:
            show[f"{p} %"] = table[f"complete_{p}"].map(lambda v: f"{v:.1f}")
        show["flagged"] = table[[c for c in table.columns if c.startswith("flag_")]].sum(axis=1)
        if kind == "daily":
            show["no value"] = table["missing_indicators"]
        totals = rep.flags_by_reason[kind]
        word = t(f"cli.quality.kind_{kind}", lang)
        items = t("report.list_sep", lang).join(f"{k} {v}" for k, v in totals.items()) or t("cli.quality.none", lang)
        blocks.append(t("cli.quality.block", lang, kind=word, unit=t(f"cli.quality.unit_{kind}", lang)) + "\n"
                      + format_table(show, na="", headers=_quality_headers(show.columns, lang))
                      + "\n" + t("cli.quality.flagged", lang, kind=word, items=items))
    print("\n\n".join(blocks))
    for line in rep.notes:
        print(t("cli.note", lang, note=render(line, lang)))
    return 0


def _quality_headers(columns, lang: str) -> dict:
    """The quality table's headers in ``lang`` (``pm25 %`` and the like as they are)."""
    words = {"station": "col_station", "name": "col_name", "month": "col_month", "expected": "col_expected",
             "absent": "col_absent", "proxy": "col_proxy", "flagged": "col_flagged", "no value": "col_no_value"}
    return {c: t(f"cli.quality.{words[c]}", lang) if c in words else c for c in columns}


def _cmd_verify(args: argparse.Namespace) -> int:
    import json

    from .store_integrity import repair, verify_store

    try:
        if args.repair_from:
            rep = repair(args.store, args.repair_from, fix_journal=args.recover)
        else:
            rep = verify_store(args.store, fix_journal=args.recover)
        if args.refresh_cache:
            rep = _refresh_cache(args.store, rep)
    except FileNotFoundError as exc:
        raise CLIError(error_text(exc)) from None
    if args.json:
        print(json.dumps(rep.to_dict(), ensure_ascii=False, sort_keys=True, indent=1))
    else:
        print("\n".join(_verify_lines(rep, lang_of(args))))
    return 0 if rep.ok else 1


def _refresh_cache(store, rep):
    """``--refresh-cache``: compute the station-daily cache of the months whose hours are sound and whose cache is
    absent, stale or damaged (:func:`airq.store.refresh_station_daily`), then verify again."""
    from . import daily_cache
    from .store import read_manifest, refresh_station_daily
    from .store_integrity import verify_store

    damaged = {p["file"] for p in rep.problems}
    months = [m for m in daily_cache.stale_months(read_manifest(store)) if daily_cache.hourly_rel(m) not in damaged]
    months += [f[len(daily_cache.KEY) + 7:][:7] for f in damaged if f.startswith(daily_cache.KEY + "/month=")
               and daily_cache.hourly_rel(f[len(daily_cache.KEY) + 7:][:7]) not in damaged]
    written = refresh_station_daily(store, months=sorted(set(months))) if months else []
    after = verify_store(store, recover=False)
    after.recovered, after.repaired = rep.recovered, rep.repaired + [
        {"file": f, "detail": note("cli.verify.cache_computed")}
        for f in written if f.startswith(daily_cache.KEY + "/")]
    return after


def _verify_lines(rep, lang: str) -> list:
    """The lines of ``airq verify`` in ``lang`` (:meth:`airq.store_integrity.VerifyReport.lines`)."""
    return rep.lines(lang)


def add_parsers(sub, lang: str = "en") -> None:
    """Register ``ingest``, ``quality`` and ``verify`` (help in ``lang``)."""
    h = helps("ingest", lang)
    p = sub.add_parser("ingest", help=h["command"], description=h["description"])
    p.add_argument("--format", required=True, choices=["cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"])
    p.add_argument("sources", nargs="+", metavar="SOURCE", help=h["sources"])
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--hour-label", choices=["end", "start"], default=None, help=h["hour_label"])
    p.add_argument("--encoding", default="auto", metavar="NAME", help=h["encoding"])
    p.add_argument("--config", help=h["config"])
    p.add_argument("--on-conflict", choices=["report", "keep", "replace"], default="report", help=h["on_conflict"])
    p.add_argument("--strict", action="store_true", help=h["strict"])
    p.add_argument("--quiet", action="store_true", help=h["quiet"])
    p.add_argument("--json", action="store_true", help=h["json"])
    p.add_argument("--wait", nargs="?", type=functools.partial(_wait_seconds, lang=lang), const=float("inf"), default=0.0,
                   metavar="SECONDS", help=h["wait"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_ingest)

    h = helps("quality", lang)
    p = sub.add_parser("quality", help=h["command"], description=h["description"])
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help=h["period"])
    p.add_argument("--config", help=h["config"])
    which = p.add_mutually_exclusive_group()
    which.add_argument("--station", action="append", help=h["station"])
    which.add_argument("--all", action="store_true", help=h["all"])
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help=h["csv"])
    out.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_quality)

    h = helps("verify", lang)
    p = sub.add_parser("verify", help=h["command"], description=h["description"])
    p.add_argument("--store", required=True, help=h["store"])
    p.add_argument("--repair-from", nargs="+", metavar="SOURCE", help=h["repair_from"])
    p.add_argument("--recover", action="store_true", help=h["recover"])
    p.add_argument("--refresh-cache", action="store_true", help=h["refresh_cache"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_verify)
