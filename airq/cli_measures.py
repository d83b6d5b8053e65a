"""The ``measures`` command: a plan's dated measures as of a day (presentation of :mod:`airq.measures`)."""

from __future__ import annotations

import difflib
import json

from .cli_common import CLIError, as_of_arg
from .textable import display_width, format_table

__all__ = ["add_parsers", "measures_text"]

_TEXT_WIDTH = 40  # display columns of the measure's text in the table


def _short(text: str, width: int = _TEXT_WIDTH) -> str:
    out = ""
    for ch in str(text):
        if display_width(out + ch) > width - 1:
            return out + "…"
        out += ch
    return out


def _load(args):
    from .config import ConfigError
    from .measures import empty_status, read_register, read_status, status_path_for

    try:
        register = read_register(args.register)
        status = args.status
        if status is None and status_path_for(args.register).is_file():
            status = str(status_path_for(args.register))
        events = read_status(status, register) if status else empty_status()
    except ConfigError as exc:
        raise CLIError(str(exc)) from None
    return register, events, status


def _only_unit(table, unit: str):
    units = list(dict.fromkeys(u for us in table["lead_units"] for u in us))
    if unit not in units:
        near = difflib.get_close_matches(unit, units, n=3, cutoff=0.3)
        hint = f"; closest: {', '.join(near)}" if near else f"; lead units: {', '.join(units[:12])}"
        raise CLIError(f"--unit {unit!r} leads no measure of the register{hint}")
    return table[[unit in us for us in table["lead_units"]]]


def measures_text(table, register_path, status_path, n_events: int, unit: str | None = None,
                  total: int | None = None) -> str:
    """The text of ``airq measures``: a header line, one row per measure, the counts, the summary by lead unit."""
    from .measures import STATUSES, by_lead_unit, records

    as_of = table.attrs.get("as_of")
    shown = f"{len(table)} measures" if unit is None else f"{total} measures, {len(table)} led by {unit}"
    head = (f"register {register_path} ({shown}); status "
            + (f"{status_path} ({n_events} events)" if status_path else "none (no status file)")
            + (f"; as of {as_of:%Y-%m-%d}" if as_of is not None else ""))
    rows = [{"id": r["id"], "status": r["status"],
             "due": r["due"] or ("?" if r["due_kind"] == "ambiguous" else "—"), "days_late": r["days_late"],
             "lead_units": _short("、".join(r["lead_units"]), 28), "due_text": r["due_text"] or "—",
             "text": _short(r["text"])}
            for r in records(table)]
    counts = "  ".join(f"{s} {int((table['status'] == s).sum())}" for s in STATUSES)
    parts = [head, "", format_table(rows, ["id", "status", "due", "days_late", "lead_units", "due_text", "text"],
                                    align={"days_late": "right"}), "", counts]
    if (table["due_kind"] == "ambiguous").any() and table.loc[table["due_kind"] == "ambiguous", "due"].isna().any():
        parts.append("due ?: the plan's words admit two readings (docs/measures.md); write the day in the register's "
                     "due column to track it")
    lead = by_lead_unit(table)
    parts += ["", "by lead unit", format_table(lead, align={"lead_unit": "left"})]
    return "\n".join(parts)


def _cmd_measures(args) -> int:
    from .measures import measure_status, records

    as_of = as_of_arg(args.as_of)
    register, events, status = _load(args)
    table = measure_status(register, events, as_of)
    unit = args.unit.strip() if args.unit else None
    if unit:
        table = _only_unit(table, unit)
    if args.json:
        print(json.dumps(records(table), ensure_ascii=False, indent=1))
    else:
        print(measures_text(table, args.register, status, len(events), unit, len(register)))
    return 0


def add_parsers(sub) -> None:
    """Register ``airq measures``."""
    p = sub.add_parser(
        "measures", help="a plan's dated measures as of a day: done, overdue, due this month, open, ongoing",
        description="The measures of a register (config/<plan>_measures.csv) and their status as of a day, from "
        "the append-only status file: done (days_late when done after due), overdue (days_late), due_this_month, "
        "open, ongoing (recurring or no deadline); then a summary by lead unit (牵头单位). docs/measures.md.")
    p.add_argument("--register", required=True, help="measures register CSV (e.g. config/qixing_2023_measures.csv)")
    p.add_argument("--status", help="status file CSV (default: <register stem>_status.csv beside the register, "
                                    "when it exists)")
    p.add_argument("--as-of", required=True, help="the day (YYYY-MM-DD); status events after it are not counted")
    p.add_argument("--unit", help="only the measures this unit leads (牵头单位), e.g. 市七星生态环境局")
    p.add_argument("--json", action="store_true", help="a list of objects, one per measure")
    p.set_defaults(func=_cmd_measures)
