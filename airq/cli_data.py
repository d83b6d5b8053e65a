"""The ``ingest`` and ``quality`` commands: raw files into the store, and what the store holds."""

from __future__ import annotations

import argparse
import sys

from .cli_common import CLIError, add_lang_argument, error_text, lang_of, load_plan
from .i18n import t

__all__ = ["add_parsers", "ingest_summary"]


def _wait_seconds(text: str) -> float:
    """``--wait SECONDS``: a number of seconds >= 0 (``--wait`` alone: no limit)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"give the seconds to wait (--wait 60), or put --wait after the files; got {text!r}") from None
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"seconds to wait must be >= 0, not {text!r}")
    return value


def _wait_line(store: str):
    """``on_wait`` for the store's lock: a progress line on stderr (updated in place on a terminal)."""
    tty = sys.stderr.isatty()
    state = {"printed": -1e9, "shown": False}

    def on_wait(holder: str, waited: float) -> None:
        line = f"airq: waiting for the lock of {store}, held by {holder}: {waited:.0f} s"
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
    on_wait, waiting = _wait_line(args.store)
    try:
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
    if args.json:
        import json

        print(json.dumps({**report.to_dict(), "store": str(args.store)}, ensure_ascii=False, sort_keys=True, indent=1))
        return 0
    if daily and args.hour_label:
        print(t("cli.ingest.hour_label_ignored", lang, format=args.format))
    print(ingest_summary(report, lang))
    print(t("cli.ingest.store", lang, store=args.store))
    return 0


def ingest_summary(report, lang: str = "en") -> str:
    """The terminal lines of an ingest (:meth:`airq.ingestion.IngestReport.summary`) in ``lang``.

    English is the report's own summary. In Chinese its main lines (rows read, hour stamps, rows
    stored, the accounting, the flags, the conflicts) come from the string catalogue; the readers'
    notes, encodings, CO unit lines and unparseable values stay as the library words them (English).
    """
    text = report.summary()
    if lang == "en":
        return text
    a = report.accounting()
    by_reason = report.flags.groupby("reason").size().to_dict() if len(report.flags) else {}
    res = report.result
    out = []
    for i, line in enumerate(text.splitlines()):
        if i == 0 and line.startswith("read "):
            table = t(f"cli.ingest.table_{report.table}", lang) if report.table in ("hourly", "daily") else report.table
            out.append(t("cli.ingest.read", lang, rows=report.rows_read, table=table, files=len(report.files),
                         format=report.format))
        elif line.startswith("hour stamps read as the END"):
            out.append(t("cli.ingest.hour_end", lang))
        elif line.startswith("hour stamps read as the START"):
            out.append(t("cli.ingest.hour_start", lang))
        elif line.startswith("store: "):
            out.append(t("cli.ingest.stored", lang, added=res.rows_added, replaced=res.rows_replaced,
                         conflicts=len(res.conflicts), written=len(res.written)))
        elif line.startswith("rows: "):
            parts = ("added", "replaced", "unchanged", "conflicting_kept", "duplicate_copies", "unknown_station",
                     "reader_dropped")
            out.append(t("cli.ingest.rows", lang, read=a["read"], added=a["added"], replaced=a["replaced"],
                         unchanged=a["unchanged"], conflicting=a["conflicting_kept"], duplicates=a["duplicate_copies"],
                         unknown=a["unknown_station"], dropped=a["reader_dropped"])
                       + ("" if a["balanced"] else t("cli.ingest.unbalanced", lang, n=a["read"] - sum(a[k] for k in parts))))
        elif line.startswith("flagged values (set missing"):
            items = t("report.list_sep", lang).join(f"{k} {v}" for k, v in sorted(by_reason.items()))
            out.append(t("cli.ingest.flagged", lang, items=items or t("cli.ingest.none", lang)))
        elif line.startswith("conflicts were NOT written"):
            out.append(t("cli.ingest.conflicts", lang))
        else:
            out.append(line)
    return "\n".join(out)


def _cmd_quality(args: argparse.Namespace) -> int:
    import json

    from .quality_report import DAILY_INDICATORS, store_quality
    from .stats import parse_period
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
        for note in rep.notes:
            print(t("cli.note", lang, note=note), file=sys.stderr)
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
    for note in rep.notes:
        print(t("cli.note", lang, note=note))
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
        {"file": f, "detail": "station daily values computed from the month's hourly partition"}
        for f in written if f.startswith(daily_cache.KEY + "/")]
    return after


def _verify_lines(rep, lang: str) -> list:
    """The lines of ``airq verify``: per-file lines as the store words them (English), the summary line in ``lang``."""
    lines = rep.lines()
    c = rep.checked
    if lang == "en" or not lines or not c:
        return lines
    what = t("cli.verify.what", lang, partitions=c.get("partitions", 0), rows=c.get("rows", 0),
             flags=c.get("flag_files", 0), conflicts=c.get("conflict_files", 0))
    lines[-1] = (t("cli.verify.ok", lang, store=rep.store, what=what) if rep.ok
                 else t("cli.verify.problems", lang, store=rep.store, n=len(rep.problems), what=what))
    return [t("cli.note", lang, note=line[len("note: "):]) if line.startswith("note: ") else line for line in lines]


def add_parsers(sub) -> None:
    p = sub.add_parser("ingest", help="raw files -> processed store", description="Read raw monitoring files, flag bad values "
                       "(kept, set missing, with a reason), and add them to the processed store (Parquet, one partition per month).")
    p.add_argument("--format", required=True, choices=["cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"])
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="files, folders or glob patterns")
    p.add_argument("--store", required=True, help="store folder (e.g. data/processed)")
    p.add_argument("--hour-label", choices=["end", "start"], default=None, help="hourly formats: hour stamps mark the end (Chinese "
                   "convention, default) or the start of the hour; the summary says which was applied")
    p.add_argument("--encoding", default="auto", metavar="NAME", help="text encoding of the files, e.g. gb18030, gbk, utf-8 "
                   "(default auto: byte-order mark, then UTF-8, then GB18030; the summary names files that were not UTF-8)")
    p.add_argument("--config", help="plan TOML: rows of stations it does not define are flagged unknown_station and kept out")
    p.add_argument("--on-conflict", choices=["report", "keep", "replace"], default="report", help="values that differ from stored ones (default: report, keep stored)")
    p.add_argument("--strict", action="store_true", help="fail on the first unparseable value instead of flagging it as missing")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument("--json", action="store_true", help="print one JSON object: where every row went (read = added + replaced + unchanged + conflicting + duplicate copies + unknown stations + left out by the reader), flags by reason, files written")
    p.add_argument("--wait", nargs="?", type=_wait_seconds, const=float("inf"), default=0.0, metavar="SECONDS",
                   help="when another ingest holds the store's lock, wait for it (up to SECONDS; no limit without a number), "
                   "with a progress line on stderr; default: fail at once, naming the process that holds it")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_ingest)

    p = sub.add_parser("quality", help="per-station completeness and flagged values by month",
                       description="Per station and month: hours (hourly data) or days (daily values received as such, "
                       "with proxy days and indicators without values) expected, absent and valid, and the values flagged at ingest.")
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END")
    p.add_argument("--config", help="plan TOML: list the plan's stations (with their names) and count the others")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--station", action="append", help="only this station, by code or name (repeatable); unknown ones are an error")
    which.add_argument("--all", action="store_true", help="list every station of the store (with --config: the plan's first, then the others)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--csv", action="store_true", help="the full table as CSV (column data = hourly | daily; notes on stderr)")
    out.add_argument("--json", action="store_true", help="print one JSON object: rows per station and month, flag totals by reason, notes")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_quality)

    p = sub.add_parser("verify", help="check the store's files against its manifest; rebuild damaged ones from the raw files",
                       description="Complete an interrupted ingest, then check every partition, flag file and conflicts file "
                       "of the store against the manifest (missing, not recorded, size, sha256, row count, readable): one line "
                       "per problem and a summary. Exit status 0: the store is consistent; 1: it is not.")
    p.add_argument("--store", required=True, help="store folder")
    p.add_argument("--repair-from", nargs="+", metavar="SOURCE", help="raw files or folders: rebuild the damaged partitions and "
                   "flag files by replaying the ingests the manifest records (raw files found by their sha256)")
    p.add_argument("--recover", action="store_true", help="also finish an interrupted commit whose journal is unreadable, "
                   "from the staged files whose sha256 the staged manifest records")
    p.add_argument("--refresh-cache", action="store_true", help="compute the station daily values stored beside the hours "
                   "(stationdaily/) where they are absent, stale or damaged, from the month's sound hourly partition — e.g. "
                   "a store written by an airq without the cache; assessments read them instead of the hours")
    p.add_argument("--json", action="store_true", help="print one JSON object: ok, checked, problems, recovered, repaired, notes")
    add_lang_argument(p)
    p.set_defaults(func=_cmd_verify)
