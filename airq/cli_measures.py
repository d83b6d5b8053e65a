"""The ``measures`` command: a plan's dated measures as of a day (presentation of :mod:`airq.measures`)."""

from __future__ import annotations

import difflib
import json

from .cli_common import CLIError, add_lang_argument, as_of_arg, error_text, helps, lang_of
from .i18n import t
from .notes import note
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
        raise CLIError(error_text(exc)) from None
    return register, events, status


def _only_unit(table, unit: str):
    units = list(dict.fromkeys(u for us in table["lead_units"] for u in us))
    if unit not in units:
        near = difflib.get_close_matches(unit, units, n=3, cutoff=0.3)
        raise CLIError(note("error.cli.measures.unit_closest", unit=unit, near=near) if near
                       else note("error.cli.measures.unit_none", unit=unit, units=units[:12]))
    return table[[unit in us for us in table["lead_units"]]]


def measures_text(table, register_path, status_path, n_events: int, unit: str | None = None,
                  total: int | None = None, lang: str = "en") -> str:
    """The text of ``airq measures``: a header line, one row per measure, the counts, the summary by lead unit
    (in ``lang``; English: the JSON words)."""
    from .measures import STATUSES, by_lead_unit, records

    as_of = table.attrs.get("as_of")
    shown = (t("cli.measures.shown_all", lang, n=len(table)) if unit is None
             else t("cli.measures.shown_unit", lang, total=total, n=len(table), unit=unit))
    head = t("cli.measures.head", lang, register=register_path, shown=shown,
             status=(t("cli.measures.status_file", lang, path=status_path, n=n_events) if status_path
                     else t("cli.measures.no_status", lang)),
             as_of=t("cli.measures.as_of", lang, date=f"{as_of:%Y-%m-%d}") if as_of is not None else "")
    word = (lambda s: t(f"cli.measures.status.{s}", lang) if s in STATUSES else s)  # noqa: E731
    rows = [{"id": r["id"], "status": word(r["status"]),
             "due": r["due"] or ("?" if r["due_kind"] == "ambiguous" else "—"), "days_late": r["days_late"],
             "lead_units": _short("、".join(r["lead_units"]), 28), "due_text": r["due_text"] or "—",
             "text": _short(r["text"])}
            for r in records(table)]
    counts = "  ".join(f"{word(s)} {int((table['status'] == s).sum())}" for s in STATUSES)
    cols = ["id", "status", "due", "days_late", "lead_units", "due_text", "text"]
    parts = [head, "", format_table(rows, cols, align={"days_late": "right"},
                                    headers={c: t(f"cli.measures.col_{c}", lang) for c in cols}), "", counts]
    if (table["due_kind"] == "ambiguous").any() and table.loc[table["due_kind"] == "ambiguous", "due"].isna().any():
        parts.append(t("cli.measures.ambiguous", lang))
    lead = by_lead_unit(table)
    lead_headers = {c: (word(c) if c in STATUSES else t(f"cli.measures.col_{c}", lang)) for c in lead.columns}
    parts += ["", t("cli.measures.by_lead", lang), format_table(lead, align={"lead_unit": "left"}, headers=lead_headers)]
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
        print(measures_text(table, args.register, status, len(events), unit, len(register), lang=lang_of(args)))
    return 0


def add_parsers(sub, lang: str = "en") -> None:
    """Register ``airq measures`` (help in ``lang``)."""
    h = helps("measures", lang)
    p = sub.add_parser("measures", help=h["command"], description=h["description"])
    p.add_argument("--register", required=True, help=h["register"])
    p.add_argument("--status", help=h["status"])
    p.add_argument("--as-of", required=True, help=h["as_of"])
    p.add_argument("--unit", help=h["unit"])
    p.add_argument("--json", action="store_true", help=h["json"])
    add_lang_argument(p)
    p.set_defaults(func=_cmd_measures)
