"""The tables of the monthly dispatch (:mod:`airq.dispatch`): :func:`dispatch_tables` from summary.json.

月度, 年初至今, 预测, then 措施 and 措施按牵头单位 when the plan names a measures register — each a
:class:`DispatchTable` of :class:`Column` s (header with unit, key, decimals) and rows. They are the
sheets of the Excel workbook (:mod:`airq.dispatch_xlsx`); the Word tables (:mod:`airq.dispatch_docx`)
show a part of their columns.

Every figure is taken from ``summary`` as published (:func:`airq.stats.publish`: GB/T 8170, rounded
once); the figures summary.json keeps only unrounded — the changes against last year, last year's
values and the forecast quantiles — are rounded here, once, with :func:`airq.rounding.round_gbt8170`
at the decimals :func:`airq.stats.publish` uses for them (:mod:`airq.dispatch_words`). The headers
come from the catalogue's ``[dispatch.col]``, ``[dispatch.mcol]``, ``.sheet`` and ``.table`` tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from .dispatch_words import (
    _Words,
    _count,
    _decimal_table,
    _decimals_of,
    _error_said,
    _forecast_keys,
    _measure_notes,
    _month_label,
    _order,
    _p_percent,
    _primary,
    _rounded,
    _words,
    _ytd_label,
    city_group,
)

__all__ = ["dispatch_tables", "DispatchTable", "Column"]


@dataclass
class Column:
    """One column of a dispatch table: its header (with unit), the key, the number of decimals (None: text or count)."""

    header: str
    key: str
    decimals: int | None = None
    kind: str = "number"  # "number", "text", "date"
    width: float = 9.0  # least Excel column width [characters] (wider when the content needs it)


@dataclass
class DispatchTable:
    """A table of the dispatch: sheet name, title, columns, rows (dicts keyed by column key), notes."""

    sheet: str
    title: str
    columns: list[Column]
    rows: list[dict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    key: str = ""  # "month", "ytd", "forecast", "measures", "by_lead" (the sheet name is in the dispatch's language)


def _period_row(group: str, v: dict, period: str, dec: Mapping[str, int], with_targets: bool, w: _Words) -> dict:
    p = v.get(period) or {}
    pub = p.get("published") or {}
    has = bool(p.get("valid_days"))
    row = {"group": group, "status": v.get("status"), "error": _error_said(v, w),
           "rank": p.get("rank_composite_index"), "valid_days": p.get("valid_days"),
           "good_days": p.get("good_days") if has else None, "heavy_days": p.get("heavy_days") if has else None,
           "sufficient": p.get("sufficient") if has else None, "months_short": p.get("months_short") or None,
           "composite_primary": _primary(p.get("composite_primary"), w) if has else None}
    for k in ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95",
              "o3_8h_p90", "composite_index"):
        row[k] = pub.get(k) if has else None
    prev = p.get("previous_year") or {}
    for k in ("good_day_ratio", "pm25_mean"):
        row[f"prev_{k}"] = _rounded(prev.get(k), _decimals_of(k, dec)) if prev.get("valid_days") else None
    row["prev_sufficient"] = prev.get("sufficient") if prev.get("valid_days") else None
    change = p.get("change_vs_previous_year") or {}
    for k in ("good_day_ratio_change_pp", "heavy_day_ratio_change_pp", "pm25_mean_change", "pm25_mean_change_pct",
              "composite_index_change_pct"):
        row[k] = _rounded(change.get(k), _decimals_of(k, dec))
    if with_targets:
        targets = p.get("targets") or {}
        for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio"):
            t = targets.get(k) or {}
            row[f"target_{k}"] = t.get("target")
            row[f"met_{k}"] = t.get("met_so_far")
            row[f"status_{k}"] = t.get("status")
    return row


_PERIOD_COLUMNS = (  # key, decimals of (None: a count or text), kind, width, with targets only
    ("group", None, "text", 10, False), ("rank", None, "number", 8, False), ("valid_days", None, "number", 8, False),
    ("good_days", None, "number", 8, False), ("good_day_ratio", "good_day_ratio", "number", 10, False),
    ("target_good_day_ratio", "good_day_ratio", "number", 10, True), ("met_good_day_ratio", None, "text", 10, True),
    ("heavy_days", None, "number", 8, False), ("heavy_day_ratio", "heavy_day_ratio", "number", 10, False),
    ("target_heavy_day_ratio", "heavy_day_ratio", "number", 10, True), ("met_heavy_day_ratio", None, "text", 10, True),
    ("pm25_mean", "pm25_mean", "number", 9, False), ("target_pm25_mean", "pm25_mean", "number", 9, True),
    ("met_pm25_mean", None, "text", 9, True), ("pm10_mean", "pm10_mean", "number", 9, False),
    ("so2_mean", "so2_mean", "number", 8, False), ("no2_mean", "no2_mean", "number", 8, False),
    ("co_p95", "co_p95", "number", 10, False), ("o3_8h_p90", "o3_8h_p90", "number", 11, False),
    ("composite_index", "composite_index", "number", 8, False), ("composite_primary", None, "text", 9, False),
    ("sufficient", None, "text", 7, False), ("months_short", None, "text", 12, False),
    ("prev_good_day_ratio", "good_day_ratio", "number", 11, False), ("prev_pm25_mean", "pm25_mean", "number", 11, False),
    ("prev_sufficient", None, "text", 9, False), ("good_day_ratio_change_pp", 1, "number", 11, False),
    ("heavy_day_ratio_change_pp", 1, "number", 11, False), ("pm25_mean_change", "pm25_mean_change", "number", 10, False),
    ("pm25_mean_change_pct", 1, "number", 9, False), ("composite_index_change_pct", 1, "number", 9, False),
    ("status", None, "text", 7, False))


def _period_columns(dec: Mapping[str, int], with_targets: bool, w: _Words) -> list[Column]:
    """The columns of the month / year-to-date sheets, headers from the catalogue's ``[dispatch.col]``."""
    cols = []
    for key, of, kind, width, targets_only in _PERIOD_COLUMNS:
        if targets_only and not with_targets:
            continue
        decimals = of if isinstance(of, int) or of is None else _decimals_of(of, dec)
        cols.append(Column(w(f"col.{key}"), key, decimals, kind=kind, width=width))
    return cols


def _forecast_row(group: str, v: dict, keys: list[str], dec: Mapping[str, int]) -> dict:
    fc = v.get("forecast") or {}
    ytd = ((v.get("ytd") or {}).get("published") or {})
    row = {"group": group, "error": fc.get("error")}
    inds = fc.get("indicators") or {}
    for k in keys:
        ind = inds.get(k) or {}
        d = _decimals_of(k, dec)
        row[f"{k}_ytd"] = ytd.get(k)
        for q in ("median", "q10", "q90"):
            row[f"{k}_{q}"] = _rounded(ind.get(q), d)
        row[f"{k}_target"] = ind.get("target")
        row[f"{k}_p_meet"] = _p_percent(ind.get("p_meet"))
    allow = fc.get("allowances") or {}
    row["remaining_days"] = (fc.get("expected") or {}).get("remaining_days")
    row["nongood_days_allowed"] = _count((allow.get("nongood_days") or {}).get("remaining"))
    row["heavy_days_allowed"] = _count((allow.get("heavy_days") or {}).get("remaining"))
    row["pm25_ceiling"] = (allow.get("pm25_ceiling") or {}).get("remaining")
    return row


def _forecast_columns(keys: list[str], dec: Mapping[str, int], w: _Words) -> list[Column]:
    cols = [Column(w("col.group"), "group", kind="text", width=10)]
    for k in keys:
        _, short, _, unit, _ = w.ind[k]
        u = f" ({unit})" if unit else ""
        d = _decimals_of(k, dec)
        cols += [Column(w("col.fc_ytd", short=short, unit=u), f"{k}_ytd", d, width=11),
                 Column(w("col.fc_median", short=short, unit=u), f"{k}_median", d, width=12),
                 Column(w("col.fc_q10", short=short, unit=u), f"{k}_q10", d, width=11),
                 Column(w("col.fc_q90", short=short, unit=u), f"{k}_q90", d, width=11),
                 Column(w("col.fc_target", short=short, unit=u), f"{k}_target", d, width=10),
                 Column(w("col.fc_p_meet", short=short), f"{k}_p_meet", width=10)]
    cols += [Column(w("col.remaining_days"), "remaining_days", width=9),
             Column(w("col.nongood_days_allowed"), "nongood_days_allowed", width=11),
             Column(w("col.heavy_days_allowed"), "heavy_days_allowed", width=11),
             Column(w("col.pm25_ceiling"), "pm25_ceiling", _decimals_of("pm25_mean", dec), width=13),
             Column(w("col.error"), "error", kind="text", width=20)]
    return cols


def _measure_rows(m: dict, w: _Words) -> list[dict]:
    rows, seen = [], {}
    for part in ("due", "overdue", "done"):
        label = w(f"mcol.cat_{part}")
        for r in m.get(part, []):
            if r["id"] in seen:
                seen[r["id"]]["category"] += w.list + label
                continue
            row = {"id": r["id"], "category": label, "task": r.get("task"), "goal": r.get("goal") or None,
                   "text": r.get("text"), "due_text": r.get("due_text"), "due": _date(r.get("due")),
                   "status": w.status.get(r.get("status"), r.get("status")), "done_on": _date(r.get("done_on")),
                   "days_late": r.get("days_late"), "lead_units": w.list.join(r.get("lead_units") or []) or None,
                   "cooperating_units": w.list.join(r.get("cooperating_units") or []) or None,
                   "responsible_units": w.list.join(r.get("responsible_units") or []) or None,
                   "note": r.get("note") or None, "source": r.get("source") or None}
            seen[r["id"]] = row
            rows.append(row)
    return rows


def _date(text) -> dt.date | None:
    return None if not text else dt.date.fromisoformat(str(text))


def dispatch_tables(summary: dict, *, decimals: Mapping[str, int] | None = None, city: str | None = None,
                    lang: str | None = None) -> list[DispatchTable]:
    """The tables of the dispatch (the Excel sheets; the Word tables show a part of their columns).

    Parameters
    ----------
    summary : dict
        The report's ``summary.json`` object (:mod:`airq.monthly`).
    decimals : mapping, optional
        The plan's reporting decimals (``plan.options.decimals``); default
        :data:`airq.config.DEFAULT_DECIMALS`.
    city : str, optional
        The city group (default :func:`city_group`).
    lang : {"zh", "en"}, optional
        The language of the headers and words (default: English when ``summary["lang"]`` is "en", else Chinese).

    Returns
    -------
    list of DispatchTable
        月度, 年初至今, 预测, then 措施 and 措施按牵头单位 when ``summary["measures"]`` is set
        (``key``: month, ytd, forecast, measures, by_lead; the sheet names in the language).
        Published figures are summary's as they are; the others are rounded once (module docstring).
    """
    w = _words(lang, summary)
    dec = _decimal_table(decimals)
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    groups = summary["groups"]
    out = []
    for period, label in (("month", _month_label(month, w)), ("ytd", _ytd_label(month, w))):
        with_targets = period == "ytd"
        rows = [_period_row(g, groups[g], period, dec, with_targets, w) for g in _order(summary, period, city)]
        for r in rows:
            r["status"] = w("w.status_ok") if r["status"] == "ok" else w("w.status_failed", error=r["error"])
            for k in ("sufficient", "prev_sufficient", "met_good_day_ratio", "met_pm25_mean", "met_heavy_day_ratio"):
                if k in r and r[k] is not None:
                    r[k] = w.yes_no(r[k])
        out.append(DispatchTable(w(f"sheet.{period}"), w(f"table.{period}", period=label),
                                 _period_columns(dec, with_targets, w), rows, [w.text["rank_note"]], key=period))
    keys = _forecast_keys(summary)
    as_of = month.end_time.normalize()
    rows = [_forecast_row(g, groups[g], keys, dec) for g in _order(summary, "ytd", city)]
    for r in rows:
        r["error"] = _error_said(groups[r["group"]], w, r["error"]) if r["error"] else r["error"]
    out.append(DispatchTable(w("sheet.forecast"), w("table.forecast", month=as_of.month, day=as_of.day,
                                                   n_sims=summary.get("n_sims"), seed=summary.get("seed")),
                             _forecast_columns(keys, dec, w), rows, [w("table.forecast_note")], key="forecast"))
    m = summary.get("measures")
    if m:
        cols = [Column(w(f"mcol.{key}"), key, kind=kind, width=width) for key, kind, width in (
            ("id", "text", 11), ("category", "text", 9), ("task", "text", 24), ("goal", "text", 20), ("text", "text", 48),
            ("due_text", "text", 16), ("due", "date", 11), ("status", "text", 8), ("done_on", "date", 11),
            ("days_late", "number", 9), ("lead_units", "text", 16), ("cooperating_units", "text", 16),
            ("responsible_units", "text", 16), ("note", "text", 16), ("source", "text", 20))]
        out.append(DispatchTable(w("sheet.measures"), w("table.measures", as_of=m.get("as_of"), register=m.get("register")),
                                 cols, _measure_rows(m, w), _measure_notes(m, w), key="measures"))
        lead = [{"lead_unit": r.get("lead_unit"), "measures": r.get("measures"),
                 **{s: r.get(s) for s in w.status}, "done_late": r.get("done_late"),
                 "max_days_late": r.get("max_days_late")} for r in m.get("by_lead_unit") or []]
        cols = [Column(w("mcol.lead_unit"), "lead_unit", kind="text", width=22), Column(w("mcol.measures"), "measures", width=8),
                *(Column(f"{w.status[s]}", s, width=9) for s in w.status),
                Column(w("mcol.done_late"), "done_late", width=9), Column(w("mcol.max_days_late"), "max_days_late", width=11)]
        out.append(DispatchTable(w("sheet.by_lead"), w("table.by_lead", as_of=m.get("as_of")), cols, lead, [], key="by_lead"))
    return out
