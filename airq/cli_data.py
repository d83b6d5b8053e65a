"""The ``ingest`` and ``quality`` commands: raw files into the store, and what the store holds."""

from __future__ import annotations

import argparse
import sys

import pandas as pd

from .cli_common import CLIError, load_plan

__all__ = ["add_parsers"]


def _cmd_ingest(args: argparse.Namespace) -> int:
    from .ingestion import ingest_files
    from .io import ReadError

    known = None
    if args.config:
        known = list(load_plan(args.config).stations)
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


def add_parsers(sub) -> None:
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

    p = sub.add_parser("quality", help="per-station completeness and flagged values by month")
    p.add_argument("--store", required=True)
    p.add_argument("--period", required=True, help="YYYY, YYYY-MM, YYYY-Qn or START/END")
    p.add_argument("--station", action="append", help="only this station (repeatable)")
    p.add_argument("--csv", action="store_true", help="the full table as CSV")
    p.set_defaults(func=_cmd_quality)
