"""The monthly dispatch in the formats a bureau circulates: the Word 通报 and the Excel tables.

``airq report`` writes, beside ``summary.json`` and into the same work folder (so the files
appear with the rest of the report, or not at all):

* ``<plan>_<YYYY-MM>_通报.docx`` (:func:`write_docx`, python-docx): title and date, a generated
  summary (the city's month and year-to-date figures against its targets, the best
  and worst counties by composite index, the change against the same period last year where
  that period is sufficient, the year-end forecast and the probability of meeting each
  target), the county tables ranked by composite index, the forecast table, the trajectory
  charts of the executed county notebooks, the measures due and overdue (when the plan names a
  register) and the notes on rules and data;
* ``<plan>_<YYYY-MM>.xlsx`` (:func:`write_xlsx`, openpyxl): one sheet per table — 月度, 年初至今,
  预测, 措施, 措施按牵头单位 (the last two when the plan names a register) and 说明 — units in
  the headers, numbers stored as numbers, the header row frozen.

``<plan>`` is the stem of the plan's config file. Every figure is taken from ``summary`` as
published (:func:`airq.stats.publish`: GB/T 8170, rounded once); the figures summary.json
keeps only unrounded — the changes against last year, last year's values and the forecast
quantiles — are rounded here, once, with :func:`airq.rounding.round_gbt8170` at the decimals
:func:`airq.stats.publish` uses for them, and the Word and Excel files show the same
rounded value. A value is never re-rounded: a published 96.4 is stored as 96.4 with the cell
format ``0.0`` and printed as "96.4".

The output is deterministic: the document properties (created, modified, author, revision)
are fixed values derived from the summary (the month's last day) and the zip entries carry a
fixed time stamp, so the same summary and charts give the same bytes.

Every word comes from the string catalogue (:mod:`airq.i18n`, the ``[dispatch]`` tables of
``airq/locale/*.toml``): headings, captions, notes, indicator names, status words, column headers, sheet
names and the sentences of the summary. The language is the report's (``summary["lang"]``, or ``lang=``):
English for "en", Chinese otherwise — the 通报 of a Chinese plan is a Chinese document. :data:`TEXT` and
:data:`INDICATORS` are the Chinese words. ``docs/dispatch.md`` describes the two files section by section.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from .i18n import check_lang, section, t
from .notes import note, render
from .rounding import round_gbt8170
from .util import atomic_write_bytes

__all__ = ["TEXT", "INDICATORS", "file_names", "write_dispatch", "write_docx", "write_xlsx", "summary_paragraphs",
           "dispatch_tables", "notebook_charts", "city_group", "DispatchTable", "Column"]

#: The language of the dispatch: a 通报 is a Chinese document (issue 13 item 2); its words come from the
#: string catalogue (:mod:`airq.i18n`, ``airq/locale/*.toml``), which has them in English too.
LANG = "zh"
#: The words of the dispatch (the ``[dispatch]`` table of the catalogue, in :data:`LANG`).
TEXT = {k: v for k, v in section("dispatch", LANG).items() if "." not in k}
_SENSE = {"good_day_ratio": "min", "pm25_mean": "max", "heavy_day_ratio": "max", "heavy_days": "max", "pm10_mean": "max",
          "o3_8h_p90": "max", "composite_index": "max"}
#: Indicator key -> (Chinese name, short name, prose unit, table unit, sense of the target: "min" at least / "max" at most),
#: the names and units from the catalogue's ``[indicator.*]`` tables (the standards' words).
INDICATORS = {k: (t(f"indicator.{k}.name", LANG), t(f"indicator.{k}.short", LANG), t(f"indicator.{k}.unit", LANG),
                  t(f"indicator.{k}.unit_table", LANG), sense) for k, sense in _SENSE.items()}
_POLLUTANT = {"so2": "SO2", "no2": "NO2", "pm10": "PM10", "pm25": "PM2.5", "co": "CO", "o3_8h": "O3", "o3_1h": "O3-1h"}


class _Words:
    """The words of the dispatch in one language: ``w("prose.flat")`` is ``t("dispatch.prose.flat", lang)``; ``w.text``
    (the ``[dispatch]`` texts), ``w.ind`` (as :data:`INDICATORS`), ``w.status`` and ``w.allowance`` (the status words)."""

    def __init__(self, lang: str):
        self.lang = check_lang(lang)
        self.text = {k: v for k, v in section("dispatch", lang).items() if "." not in k}
        self.ind = {k: (t(f"indicator.{k}.name", lang), t(f"indicator.{k}.short", lang), t(f"indicator.{k}.unit", lang),
                        t(f"indicator.{k}.unit_table", lang), sense) for k, sense in _SENSE.items()}
        self.status = {s: t(f"measure_status.{s}", lang) for s in ("done", "overdue", "due_this_month", "open", "ongoing")}
        self.allowance = section("dispatch.allowance_status", lang)
        self.comma, self.semicolon, self.list = (t(f"dispatch.w.{k}", lang) for k in ("comma", "semicolon", "list"))

    def __call__(self, key: str, /, **values) -> str:
        return t(f"dispatch.{key}", self.lang, **values)

    def date(self, day) -> str:
        """A day in full: "2026年10月31日" / "2026-10-31"."""
        return t("date.day", self.lang, year=day.year, month=day.month, day=day.day)

    def yes_no(self, value: bool) -> str:
        return self("w.yes") if value else self("w.no")


_WORDS: dict[str, _Words] = {}


def _words(lang: str | None = None, summary: dict | None = None) -> _Words:
    """The words of ``lang``; without it, English when the report's language (``summary["lang"]``) is "en", else Chinese."""
    if lang is None:
        lang = "en" if (summary or {}).get("lang") == "en" else LANG
    if lang not in _WORDS:
        _WORDS[lang] = _Words(lang)
    return _WORDS[lang]


_BODY_FONT, _HEAD_FONT, _LATIN_FONT = "宋体", "黑体", "Times New Roman"
_XLSX_FONT = "宋体"


# --------------------------------------------------------------------------- figures


def _decimal_table(decimals: Mapping[str, int] | None) -> dict[str, int]:
    """Decimals per statistic: :data:`airq.stats.PUBLISH_DECIMALS`, then :data:`airq.config.DEFAULT_DECIMALS` (what a
    plan without ``[options.decimals]`` publishes), then the plan's ``decimals`` over them."""
    from .config import DEFAULT_DECIMALS
    from .stats import PUBLISH_DECIMALS

    table = dict(PUBLISH_DECIMALS)
    for k, v in {**DEFAULT_DECIMALS, **dict(decimals or {})}.items():
        table[{"o3_p90": "o3_8h_p90"}.get(k, k)] = int(v)
    return table


def _decimals_of(key: str, table: Mapping[str, int]) -> int:
    """Decimals of a statistic, of ``<x>_change`` (like ``x``) and of ``*_change_pp`` / ``*_change_pct`` (1)."""
    if key in table:
        return table[key]
    if key.endswith("_change") and key[: -len("_change")] in table:
        return table[key[: -len("_change")]]
    if key.endswith(("_change_pp", "_change_pct")):
        return 1
    return 0 if key in ("heavy_days", "good_days", "valid_days") else 1


def _rounded(value, decimals: int) -> float | None:
    """An unrounded value (a change, last year's value, a forecast quantile) rounded once, GB/T 8170."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    out = float(round_gbt8170(float(value), decimals))
    return 0.0 if out == 0 else out  # no "-0.0"


def _show(value, decimals: int | None) -> str:
    """A figure as printed: its decimals filled with zeros, never rounded (a value with more digits is shown whole)."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, int):
        return str(value)
    d = Decimal(repr(float(value)))
    if d == 0:
        d = abs(d)
    if decimals is None:
        text = format(d, "f")
        return text[:-2] if text.endswith(".0") else text
    if d.normalize().as_tuple().exponent < -decimals:  # more digits than the decimals: shown whole, never cut
        return format(d.normalize(), "f")
    return format(d.quantize(Decimal(1).scaleb(-decimals)), "f")


def _count(value) -> int | float | None:
    """A count (days) as an int when it is whole."""
    if value is None:
        return None
    f = float(value)
    return int(f) if f.is_integer() else f


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


def city_group(summary: dict) -> str | None:
    """The city group of the summary: "全市" if present, else the first group that has data but no county rank."""
    groups = summary.get("groups", {})
    if "全市" in groups:
        return "全市"
    for g, v in sorted(groups.items()):
        y = v.get("ytd") or {}
        if y.get("valid_days") and y.get("rank_composite_index") is None:
            return g
    return None


def _order(summary: dict, period: str, city: str | None) -> list[str]:
    """The city first, then the counties by rank of composite index (ties by name), then the rest by name."""
    groups = summary["groups"]

    def rank(g):
        return ((groups[g].get(period) or {}).get("rank_composite_index"))

    ranked = sorted((g for g in groups if g != city and rank(g) is not None), key=lambda g: (rank(g), g))
    rest = sorted(g for g in groups if g != city and rank(g) is None)
    return ([city] if city in groups else []) + ranked + rest


def _primary(value, w: _Words) -> str | None:
    if not value:
        return None
    return w.list.join(_POLLUTANT.get(p.strip(), p.strip()) for p in str(value).split(","))


def _said(text, w: _Words):
    """A message of the results (an error, a note) in the dispatch's language: a catalogue note said in it
    (:mod:`airq.notes`), any other value as it is."""
    return render(text, w.lang) if isinstance(text, str) else text


def _error_said(v: dict, w: _Words, error=None):
    """A group's error (or ``error``, its forecast's, when it is the same) in the dispatch's language: the summary's
    ``error_text`` said in it (:mod:`airq.monthly`), else the error as it is."""
    error = v.get("error") if error is None else error
    said = (v.get("error_text") or {}).get(w.lang) if error == v.get("error") else None
    return said or _said(error, w)


def _measure_notes(m: dict, w: _Words) -> list:
    """The measures' notes in the dispatch's language (the summary's ``notes_text``), else as they are."""
    return [_said(n, w) for n in (m.get("notes_text") or {}).get(w.lang) or m.get("notes") or []]


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


def _month_label(month: pd.Period, w: _Words) -> str:
    return w("w.month_label", year=month.year, month=month.month)


def _ytd_label(month: pd.Period, w: _Words) -> str:
    if month.month == 1:
        return w("w.ytd_label_jan", year=month.year)
    return w("w.ytd_label", year=month.year, month=month.month)


_FORECAST_KEYS = ("good_day_ratio", "pm25_mean", "heavy_day_ratio", "pm10_mean", "o3_8h_p90", "composite_index")


def _forecast_keys(summary: dict) -> list[str]:
    """Indicators with a target in some group's forecast (the ones a probability of meeting is given for)."""
    have = set()
    for v in summary["groups"].values():
        for k, ind in ((v.get("forecast") or {}).get("indicators") or {}).items():
            if ind.get("target") is not None:
                have.add(k)
    return [k for k in _FORECAST_KEYS if k in have]


def _p_percent(p) -> int | None:
    """A probability of meeting as a whole percent (GB/T 8170)."""
    if p is None:
        return None
    return int(round_gbt8170(float(p) * 100, 0))


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


# --------------------------------------------------------------------------- the summary in prose


def _changed(value, unit: str, decimals: int, w: _Words) -> str:
    """"上升3.2个百分点" / "下降3.5微克/立方米" / "持平" from a once-rounded change."""
    if value is None:
        return ""
    if value == 0:
        return w("prose.flat")
    return w("prose.up" if value > 0 else "prose.down", value=_show(abs(value), decimals), unit=unit)


def _change_sentence(p: dict, dec: Mapping[str, int], w: _Words) -> str:
    change = p.get("change_vs_previous_year") or {}
    prev = p.get("previous_year") or {}
    if not change:
        if prev.get("valid_days") and not prev.get("sufficient"):
            return w("prose.change_withheld")
        return w("prose.change_none")
    parts = []
    gd = _rounded(change.get("good_day_ratio_change_pp"), 1)
    if gd is not None:
        parts.append(w("prose.change_good_day_ratio", change=_changed(gd, w("prose.points"), 1, w)))
    d = _decimals_of("pm25_mean_change", dec)
    pm = _rounded(change.get("pm25_mean_change"), d)
    if pm is not None:
        text = w("prose.change_pm25_mean", change=_changed(pm, w.ind["pm25_mean"][2], d, w))
        pct = _rounded(change.get("pm25_mean_change_pct"), 1)
        if pm != 0 and pct is not None:
            text += w("prose.pct_up" if pct > 0 else "prose.pct_down", pct=_show(abs(pct), 1))
        parts.append(text)
    hd = _rounded(change.get("heavy_day_ratio_change_pp"), 1)
    if hd:
        parts.append(w("prose.change_heavy_day_ratio", change=_changed(hd, w("prose.points"), 1, w)))
    return w("prose.change", parts=w.comma.join(parts)) if parts else ""


def _figures(pub: dict, dec: Mapping[str, int], targets: dict | None, w: _Words) -> str:
    parts = []
    for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio"):
        if pub.get(k) is None:
            continue
        name, _, unit, _, sense = w.ind[k]
        d = _decimals_of(k, dec)
        text = w("prose.figure", name=name, value=_show(pub[k], d), unit=unit)
        t = (targets or {}).get(k)
        if t and t.get("target") is not None:
            text += w("prose.target_min" if sense == "min" else "prose.target_max", value=_show(t["target"], d), unit=unit)
            if t.get("met_so_far") is not None:
                text += w("prose.met" if t["met_so_far"] else "prose.not_met")
            if t.get("status") in w.allowance:
                text += w("prose.allowance", status=w.allowance[t["status"]])
            text += w("prose.close")
        parts.append(text)
    return w.comma.join(parts)


def _ranking_sentence(summary: dict, period: str, label: str, dec: Mapping[str, int], w: _Words) -> str | None:
    ranked = {g: v[period] for g, v in summary["groups"].items()
              if (v.get(period) or {}).get("rank_composite_index") is not None}
    if len(ranked) < 2:
        return None
    d = _decimals_of("composite_index", dec)
    lo = min(p["rank_composite_index"] for p in ranked.values())
    hi = max(p["rank_composite_index"] for p in ranked.values())
    if lo == hi:
        return None

    def who(rank):
        names = sorted(g for g, p in ranked.items() if p["rank_composite_index"] == rank)
        value = ranked[names[0]]["published"].get("composite_index")
        return w("prose.named_value", names=w.list.join(names), value=_show(value, d))

    return w("prose.ranking_period", period=label, lowest=who(lo), highest=who(hi))


def _forecast_sentences(v: dict, group: str, dec: Mapping[str, int], w: _Words) -> str:
    fc = v.get("forecast") or {}
    if fc.get("error"):
        return w("prose.forecast_error", group=group, error=_error_said(v, w, fc["error"]))
    inds = fc.get("indicators") or {}
    as_of = pd.Timestamp(fc["as_of"])
    parts = []
    for k in _FORECAST_KEYS:
        ind = inds.get(k) or {}
        if ind.get("median") is None or ind.get("target") is None:
            continue
        _, short, unit, _, _ = w.ind[k]
        d = _decimals_of(k, dec)
        text = w("prose.forecast_indicator", short=short, unit=unit, median=_show(_rounded(ind["median"], d), d),
                 q10=_show(_rounded(ind["q10"], d), d), q90=_show(_rounded(ind["q90"], d), d))
        p = _p_percent(ind.get("p_meet"))
        if p is not None:
            text += w("prose.forecast_p", p=p)
        parts.append(text)
    if not parts:
        return ""
    out = w("prose.forecast", month=as_of.month, day=as_of.day, n_sims=fc.get("n_sims"), group=group,
            parts=w.semicolon.join(parts))
    allow = fc.get("allowances") or {}
    rest = []
    if (allow.get("nongood_days") or {}).get("remaining") is not None:
        rest.append(w("prose.allow_nongood", n=_show(_count(allow["nongood_days"]["remaining"]), None)))
    if (allow.get("heavy_days") or {}).get("remaining") is not None:
        rest.append(w("prose.allow_heavy", n=_show(_count(allow["heavy_days"]["remaining"]), None)))
    days = (fc.get("expected") or {}).get("remaining_days")
    if rest and days:
        ceiling = (allow.get("pm25_ceiling") or {}).get("remaining")
        ceiling = "" if ceiling is None else w("prose.allow_ceiling", value=_show(ceiling, _decimals_of("pm25_mean", dec)))
        out += w("prose.allow", days=days, rest=w.list.join(rest), ceiling=ceiling)
    return out


def summary_paragraphs(summary: dict, *, decimals: Mapping[str, int] | None = None, city: str | None = None,
                       lang: str | None = None) -> list[str]:
    """The generated summary of the dispatch: one string per paragraph, in ``lang`` (as :func:`dispatch_tables`).

    1. the city's month: good-day ratio, PM2.5 mean, heavy-pollution ratio, change against the
       same month last year (withheld when that month is not sufficient);
    2. the city's year to date against each target, and its change against last year;
    3. the best and worst counties by composite index, month and year to date;
    4. the city's year-end forecast, the probability of meeting each target and the allowances left.

    Every figure is the published one of ``summary`` (or rounded once, module docstring).
    """
    w = _words(lang, summary)
    dec = _decimal_table(decimals)
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    out = []
    v = summary["groups"].get(city) if city else None
    if v is not None:
        m, y = v.get("month") or {}, v.get("ytd") or {}
        if m.get("valid_days"):
            out.append(w("prose.month", period=_month_label(month, w), group=city,
                         figures=_figures(m.get("published") or {}, dec, None, w), change=_change_sentence(m, dec, w)))
        else:
            out.append(w("prose.month_none", period=_month_label(month, w), group=city))
        if y.get("valid_days"):
            short = "" if y.get("sufficient", True) else w("prose.ytd_short")
            out.append(w("prose.ytd", period=_ytd_label(month, w), group=city, short=short,
                         figures=_figures(y.get("published") or {}, dec, y.get("targets"), w),
                         change=_change_sentence(y, dec, w)))
    ytd = w("prose.ranking_ytd_jan") if month.month == 1 else w("prose.ranking_ytd", month=month.month)
    ranks = [s for s in (_ranking_sentence(summary, "month", w("prose.ranking_month", month=month.month), dec, w),
                         _ranking_sentence(summary, "ytd", ytd, dec, w)) if s]
    if ranks:
        out.append(w("prose.ranking", ranks=w.semicolon.join(ranks)))
    if v is not None:
        text = _forecast_sentences(v, city, dec, w)
        if text:
            out.append(text)
    return out


# --------------------------------------------------------------------------- charts


def notebook_charts(summary: dict, folder, *, city: str | None = None, lang: str | None = None
                    ) -> list[tuple[str, bytes]]:
    """The trajectory charts (PNG) the executed county notebooks of the report folder show.

    Returns ``(caption, png)`` pairs: the city (default :func:`city_group`) first, then the counties
    by year-to-date rank, each group's charts in notebook order. Failed groups and missing
    notebooks are left out. Raises ``ValueError`` for a notebook that is not JSON. The captions are in
    ``lang`` (as :func:`dispatch_tables`).
    """
    w = _words(lang, summary)
    folder = Path(folder)
    out = []
    n = 0
    for g in _order(summary, "ytd", city if city is not None else city_group(summary)):
        v = summary["groups"][g]
        nb = folder / ((v.get("files") or {}).get("notebook") or "")
        if v.get("status") != "ok" or not nb.is_file():
            continue
        try:
            cells = json.loads(nb.read_text(encoding="utf-8")).get("cells", [])
        except ValueError as exc:
            raise ValueError(note("error.report.notebook_json", name=nb.name, error=str(exc))) from None
        for cell in cells:
            source = "".join(cell.get("source", ""))
            key = next((k for k in ("good_day_ratio", "pm25_mean", "pm10_mean", "heavy_days") if f'"{k}"' in source), None)
            for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                data = (o.get("data") or {}).get("image/png")
                if data is None:
                    continue
                n += 1
                png = base64.b64decode("".join(data) if isinstance(data, list) else data)
                name = w.ind[key][0] if key in w.ind else ""
                out.append((w.text["chart_caption"].format(n=n, group=g, indicator=name), png))
    return out


# --------------------------------------------------------------------------- files


def file_names(stem: str, month) -> dict[str, str]:
    """``{"docx": "<stem>_<YYYY-MM>_通报.docx", "xlsx": "<stem>_<YYYY-MM>.xlsx"}``."""
    month = pd.Period(str(month), freq="M")
    return {"docx": f"{stem}_{month}_通报.docx", "xlsx": f"{stem}_{month}.xlsx"}


def _stem(summary: dict, folder: Path, stem: str | None) -> str:
    """The plan's config stem: given, or the report folder's parent (``<out>/<stem>/<YYYY-MM>``)."""
    if stem:
        return stem
    return Path(folder).resolve().parent.name or re.sub(r"[\\/:*?\"<>|\s]+", "_", summary["plan"])


def _when(summary: dict) -> dt.datetime:
    """The fixed time stamp of the files: the report month's last day, 00:00."""
    end = pd.Period(summary["month"], freq="M").end_time
    return dt.datetime(end.year, end.month, end.day)


def _fixed_zip(data: bytes, when: dt.datetime, core_xml=None) -> bytes:
    """The zip ``data`` again, ``[Content_Types].xml`` first, every time stamp ``when``; ``core_xml``
    (a function of the text of ``docProps/core.xml``) fixes the document properties."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as dst:
        # [Content_Types].xml first, as Office writes it (openpyxl writes it last); the rest in their order
        for info in sorted(src.infolist(), key=lambda i: i.filename != "[Content_Types].xml"):
            blob = src.read(info.filename)
            if core_xml is not None and info.filename == "docProps/core.xml":
                blob = core_xml(blob.decode("utf-8")).encode("utf-8")
            out = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            out.compress_type = zipfile.ZIP_DEFLATED
            out.external_attr = 0o644 << 16
            dst.writestr(out, blob)
    return buf.getvalue()


def write_dispatch(summary: dict, folder, plan, stem: str) -> dict[str, str]:
    """Write the Word dispatch and the Excel tables of a report into ``folder``; return their file names.

    Called by :func:`airq.monthly.run_report` with its work folder (the files are swapped into
    place with the rest of the report). ``plan`` gives the reporting decimals and the city
    group. The language is the report's (``summary["lang"]``): English for "en", else Chinese.
    Raises ``ValueError`` (one sentence) when a file cannot be made; ``OSError`` as is.
    """
    city = next((g for g, grp in plan.groups.items() if grp.kind == "city"), None)
    decimals = dict(plan.options.decimals)
    lang = _words(None, summary).lang
    write_docx(summary, folder, stem=stem, decimals=decimals, city=city, lang=lang)
    write_xlsx(summary, folder, stem=stem, decimals=decimals, city=city, lang=lang)
    return file_names(stem, summary["month"])


def _wrap(key: str, name: str, fn):
    try:
        return fn()
    except (OSError, ValueError):
        raise
    except Exception as exc:  # a library's failure, as one sentence
        error = f"{type(exc).__name__}: {exc}"
        raise ValueError(note("error.report.docx_failed", name=name, error=error) if key == "docx"
                         else note("error.report.xlsx_failed", name=name, error=error)) from exc


# --------------------------------------------------------------------------- Word


def _fonts(element, east_asia: str, latin: str = _LATIN_FONT) -> None:
    """Set the run or style fonts of ``element``: Latin ``latin``, East Asian ``east_asia`` (w:eastAsia), no theme fonts."""
    _rfonts(element.get_or_add_rPr(), east_asia, latin)


def _rfonts(rpr, east_asia: str, latin: str = _LATIN_FONT) -> None:
    """``rpr``'s ``w:rFonts``: explicit ascii/hAnsi/cs ``latin`` and eastAsia ``east_asia`` (theme attributes removed:
    they would win over the explicit names)."""
    from docx.oxml.ns import qn

    rfonts = rpr.get_or_add_rFonts()
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:eastAsia"), east_asia)
    rfonts.set(qn("w:cs"), latin)


def _run(paragraph, text: str, *, font: str = _BODY_FONT, bold: bool = False, size: float | None = None,
         colour: tuple[int, int, int] | None = None):
    from docx.shared import Pt, RGBColor

    run = paragraph.add_run(text)
    _fonts(run._r, font)
    run.bold = bold or None
    if size is not None:
        run.font.size = Pt(size)
    if colour is not None:
        run.font.color.rgb = RGBColor(*colour)
    return run


def _heading(doc, text: str, level: int = 1):
    p = doc.add_paragraph(style=f"Heading {level}")
    _run(p, text, font=_HEAD_FONT, colour=(0, 0, 0))
    return p


def _styles(doc) -> None:
    """A4, margins, and East-Asian fonts in the styles used (宋体 body, 黑体 headings), black headings."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt, RGBColor

    sec = doc.sections[0]
    sec.page_width, sec.page_height = Cm(21.0), Cm(29.7)
    sec.left_margin = sec.right_margin = Cm(2.5)
    sec.top_margin, sec.bottom_margin = Cm(2.5), Cm(2.3)
    defaults = doc.styles.element.find(qn("w:docDefaults"))
    if defaults is not None:
        rpr = defaults.find(qn("w:rPrDefault") + "/" + qn("w:rPr"))
        if rpr is not None:
            _rfonts(rpr, _BODY_FONT)
            if rpr.find(qn("w:lang")) is not None:
                rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")
    normal = doc.styles["Normal"]
    _fonts(normal.element, _BODY_FONT)
    normal.font.size = Pt(12)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25
    lang = normal.element.get_or_add_rPr().find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        normal.element.get_or_add_rPr().append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")
    for name, size in (("Title", 18), ("Heading 1", 14), ("Heading 2", 12)):
        st = doc.styles[name]
        _fonts(st.element, _HEAD_FONT)
        st.font.size = Pt(size)
        st.font.color.rgb = RGBColor(0, 0, 0)
        st.font.bold = True
        st.font.italic = False
        st.paragraph_format.space_before = Pt(12 if name != "Title" else 0)
        st.paragraph_format.space_after = Pt(6)
    doc.styles["Title"].paragraph_format.alignment = WD_ALIGN_PARAGRAPH.CENTER
    caption = doc.styles["Caption"] if "Caption" in [s.name for s in doc.styles] else None
    if caption is not None:
        _fonts(caption.element, _HEAD_FONT)
        caption.font.size = Pt(10.5)
        caption.font.color.rgb = RGBColor(0, 0, 0)
        caption.font.bold = False
        caption.font.italic = False


def _caption(doc, text: str, *, above: bool = False):
    """A centred caption; ``above`` (a table's caption): kept on the page of what follows, never orphaned at a page foot."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if above:
        p.paragraph_format.keep_with_next = True
    _run(p, text, font=_HEAD_FONT)
    return p


def _table(doc, columns: list[tuple[str, str, int | None, float]], rows: list[dict], *, size: float = 9):
    """A Word table: header row repeated on each page, fixed column widths [cm], centred cells."""
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.shared import Cm

    table = doc.add_table(rows=1, cols=len(columns))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False  # w:tblLayout fixed: the widths below hold
    for column, (_, _, _, width) in zip(table.columns, columns):
        column.width = Cm(width)  # w:gridCol, which Word and LibreOffice lay a fixed table out by
    head = table.rows[0]
    trpr = head._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    trpr.append(repeat)
    for cell, (title, _, _, width) in zip(head.cells, columns):
        cell.width = Cm(width)
        p = cell.paragraphs[0]
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, title, font=_HEAD_FONT, size=size)
    for row in rows:
        cells = table.add_row().cells
        for cell, (_, key, decimals, width) in zip(cells, columns):
            cell.width = Cm(width)
            p = cell.paragraphs[0]
            value = row.get(key)
            text = value if isinstance(value, str) else _show(value, decimals)
            p.alignment = WD_ALIGN_PARAGRAPH.LEFT if isinstance(value, str) and len(value) > 12 else WD_ALIGN_PARAGRAPH.CENTER
            _run(p, text, size=size)
    return table


def _mark(row: dict, w: _Words) -> str:
    """The group's name as the Word tables show it: "*" when its statistics are not valid (GB 3095 Table 4)."""
    return row["group"] + ("*" if row.get("sufficient") == w("w.no") else "")


def _docx_period_table(doc, table: DispatchTable, with_targets: bool, w: _Words):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [(w("wcol.rank"), "rank", None, 1.0), (w("wcol.group"), "group_marked", None, 1.9),
            (w("wcol.good_day_ratio"), "good_day_ratio", dec["good_day_ratio"], 1.5)]
    if with_targets:
        cols += [(w("wcol.target_pct"), "target_good_day_ratio", dec["good_day_ratio"], 1.2)]
    cols += [(w("wcol.heavy_day_ratio"), "heavy_day_ratio", dec["heavy_day_ratio"], 1.5),
             (w("wcol.pm25_mean"), "pm25_mean", dec["pm25_mean"], 1.4)]
    if with_targets:
        cols += [(w("wcol.target_ug"), "target_pm25_mean", dec["pm25_mean"], 1.3)]
    else:
        cols += [(w("wcol.pm10_mean"), "pm10_mean", dec["pm10_mean"], 1.3),
                 (w("wcol.o3_8h_p90"), "o3_8h_p90", dec["o3_8h_p90"], 1.4)]
    cols += [(w("wcol.composite_index"), "composite_index", dec["composite_index"], 1.3),
             (w("wcol.composite_primary"), "composite_primary", None, 1.4),
             (w("wcol.good_day_ratio_change_pp"), "good_day_ratio_change_pp", 1, 1.5),
             (w("wcol.pm25_mean_change_pct"), "pm25_mean_change_pct", 1, 1.3)]
    rows = [{**r, "group_marked": _mark(r, w)} for r in table.rows]
    return _table(doc, cols, rows)


def _docx_forecast_table(doc, table: DispatchTable, keys: list[str], w: _Words):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [(w("wcol.group"), "group", None, 1.9)]
    rows = []
    for r in table.rows:
        row = {"group": r["group"]}
        for k in keys:
            d = dec[f"{k}_median"]
            if r.get(f"{k}_median") is None:
                row[f"{k}_fc"] = "—"
            else:
                row[f"{k}_fc"] = w("wcol.fc_cell", median=_show(r[f"{k}_median"], d), q10=_show(r[f"{k}_q10"], d),
                                   q90=_show(r[f"{k}_q90"], d))
            row[f"{k}_p"] = r.get(f"{k}_p_meet")
            row[f"{k}_t"] = r.get(f"{k}_target")
        rows.append(row)
    width = (16.0 - 1.9) / max(1, len(keys))
    for k in keys:
        _, short, _, unit, _ = w.ind[k]
        u = w("wcol.fc_unit", unit=unit) if unit else ""
        cols += [(f"{short}{u}", f"{k}_fc", None, width * 0.5),
                 (w("wcol.fc_target", unit=u), f"{k}_t", dec[f"{k}_median"], width * 0.25),
                 (w("wcol.fc_p"), f"{k}_p", None, width * 0.25)]
    return _table(doc, cols, rows)


def _docx_measures(doc, m: dict, n_table: int, w: _Words) -> int:
    counts = m.get("counts") or {}
    total = sum(counts.values())
    words = w.comma.join(w("wcol.m_count", status=w.status[s], n=counts.get(s, 0)) for s in w.status)
    p = doc.add_paragraph()
    as_of = pd.Timestamp(m["as_of"])
    _run(p, w("wcol.m_summary", date=w.date(as_of), register=m.get("register"), total=total, counts=words,
              done=len(m.get("done") or [])))
    for key, title in (("due", w.text["t_due"].format(n=n_table + 1)),
                       ("overdue", w.text["t_overdue"].format(n=n_table + 2, date=w("w.date_short", month=as_of.month,
                                                                                      day=as_of.day)))):
        n_table += 1
        rows = [{"id": r["id"], "task": r.get("task") or "", "due_text": r.get("due_text") or "",
                 "due": r.get("due") or "—", "lead": w.list.join(r.get("lead_units") or []),
                 "status": w.status.get(r.get("status"), r.get("status")), "days_late": r.get("days_late")}
                for r in m.get(key) or []]
        _caption(doc, title, above=True)
        if not rows:
            _run(doc.add_paragraph(), w("w.nothing"))
            continue
        cols = [(w("wcol.m_id"), "id", None, 2.0), (w("wcol.m_task"), "task", None, 4.2),
                (w("wcol.m_due_text"), "due_text", None, 2.6), (w("wcol.m_due"), "due", None, 2.1),
                (w("wcol.m_lead"), "lead", None, 2.6)]
        cols += [(w("wcol.m_status"), "status", None, 1.2), (w("wcol.m_days_late"), "days_late", None, 1.3)]
        _table(doc, cols, rows)
    for n in _measure_notes(m, w):
        _run(doc.add_paragraph(), w("w.note", note=n), size=10.5)
    return n_table


def _notes(summary: dict, w: _Words) -> list[str]:
    """The notes on rules and data, in the dispatch's language where the summary carries them said in it
    (``notes_text``, :mod:`airq.notes`), else as the results gave them."""
    said = (summary.get("notes_text") or {}).get(w.lang) or summary.get("notes") or {}
    notes = list(dict.fromkeys(_said(n, w) for n in [*said.get("month", []), *said.get("ytd", [])]))
    for g, v in sorted(summary["groups"].items()):
        for n in (v.get("forecast_notes_text") or {}).get(w.lang) or (v.get("forecast") or {}).get("notes") or []:
            notes.append(w("w.group_note", group=g, note=_said(n, w)))
        if v.get("status") != "ok":
            notes.append(w("w.group_failed", group=g, error=_error_said(v, w)))
    return notes


def _data_lines(summary: dict, w: _Words) -> list[str]:
    vin = summary.get("data_vintage") or {}
    rules = sorted({r for v in summary["groups"].values() for p in ("month", "ytd")
                    for r in str((v.get(p) or {}).get("rules") or "").split("+") if r})
    versions = summary.get("generated_by") or {}
    return [w("data.rules", rules=w.list.join(rules) or "—"),
            w("data.vintage", day=vin.get("last_data_day") or "—", hour=vin.get("last_data_hour_start") or "—",
              sha256=vin.get("manifest_sha256") or "—"),
            w("data.forecast", n_sims=summary.get("n_sims"), seed=summary.get("seed")),
            w("data.software", version=versions.get("airq-cn") or "—")]


def write_docx(summary: dict, folder, *, charts: Sequence[tuple[str, bytes]] | None = None, stem: str | None = None,
               decimals: Mapping[str, int] | None = None, city: str | None = None, lang: str | None = None) -> Path:
    """Write the Word dispatch ``<stem>_<YYYY-MM>_通报.docx`` into ``folder`` (atomically) and return its path.

    Parameters
    ----------
    summary : dict
        The report's ``summary.json`` object.
    folder : path
        The report folder (``airq report`` passes its work folder, swapped into place afterwards).
    charts : sequence of (caption, PNG bytes), optional
        Default: :func:`notebook_charts` of ``folder`` (the trajectory charts of the county notebooks).
    stem : str, optional
        The plan's config stem (default: the name of ``folder``'s parent, ``<out>/<stem>/<YYYY-MM>``).
    decimals, city, lang
        As for :func:`dispatch_tables` (``lang``: default English when ``summary["lang"]`` is "en", else Chinese;
        the file name is the same in both).

    Sections: banner (when set), title and date, 一 overview (:func:`summary_paragraphs`), 二 the
    month and year-to-date tables ranked by composite index, 三 the forecast table, 四 the
    charts, 五 the measures (when ``summary["measures"]``), then the notes on rules and data.
    """
    folder = Path(folder)
    name = file_names(_stem(summary, folder, stem), summary["month"])["docx"]
    return _wrap("docx", name, lambda: atomic_write_bytes(
        folder / name, _docx_bytes(summary, folder, charts, decimals, city, lang)))


def _docx_bytes(summary, folder, charts, decimals, city, lang=None) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    w = _words(lang, summary)
    text = w.text
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    end = month.end_time.normalize()
    tables = {t.key: t for t in dispatch_tables(summary, decimals=decimals, city=city, lang=w.lang)}
    charts = notebook_charts(summary, folder, city=city, lang=w.lang) if charts is None else list(charts)

    doc = docx.Document()
    _styles(doc)
    if summary.get("banner"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text["synthetic"].format(banner=summary["banner"]), font=_HEAD_FONT, bold=True, colour=(192, 0, 0))
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(text["title"].format(plan=summary["plan"], year=month.year, month=month.month).split("\n")):
        if i:
            title.add_run().add_break()
        _run(title, line, font=_HEAD_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text["data_until"].format(date=w.date(end)))

    _heading(doc, text["s_overview"])
    for para_text in summary_paragraphs(summary, decimals=decimals, city=city, lang=w.lang):
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Cm(0.85)
        _run(para, para_text)

    _heading(doc, text["s_counties"])
    n_table = 0
    for key, label in (("month", _month_label(month, w)), ("ytd", _ytd_label(month, w))):
        n_table += 1
        _caption(doc, text[f"t_{key}"].format(n=n_table, period=label), above=True)
        _docx_period_table(doc, tables[key], key == "ytd", w)
    _run(doc.add_paragraph(), w("w.note", note=text["rank_note"]), size=10.5)

    _heading(doc, text["s_forecast"])
    n_table += 1
    _caption(doc, text["t_forecast"].format(n=n_table), above=True)
    _docx_forecast_table(doc, tables["forecast"], _forecast_keys(summary), w)
    _run(doc.add_paragraph(), w("w.note", note=tables["forecast"].title + w("w.stop") + tables["forecast"].notes[0]),
         size=10.5)

    _heading(doc, text["s_charts"])
    if not charts:
        _run(doc.add_paragraph(), text["no_charts"])
    for caption, png in charts:
        pic = doc.add_paragraph()
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic.paragraph_format.keep_with_next = True  # the picture with its caption below
        pic.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
        _caption(doc, caption)

    section = 5
    if summary.get("measures"):
        _heading(doc, text["s_measures"])
        n_table = _docx_measures(doc, summary["measures"], n_table, w)
        section = 6
    _heading(doc, text["s_notes"].format(n=w("w.numerals").split(",")[section - 1]))
    for n in [*_data_lines(summary, w), *_notes(summary, w)]:
        para = doc.add_paragraph(style="List Bullet")
        _run(para, n, size=10.5)

    when = _when(summary)
    props = doc.core_properties
    props.title = text["title"].format(plan=summary["plan"], year=month.year, month=month.month).replace("\n", " ")
    props.subject = w("w.subject")
    props.author = props.last_modified_by = "airq"
    props.keywords = f"airq; {summary['month']}"
    props.comments = summary.get("banner") or ""
    props.language = w("w.doc_lang")
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue(), when)


# --------------------------------------------------------------------------- Excel

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _number_format(decimals: int | None) -> str:
    return "0" if not decimals else "0." + "0" * decimals


def _display_width(text: str) -> float:
    return sum(2.0 if ord(ch) > 0x2E7F else 1.0 for ch in text)


def _clean(text: str) -> str:
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", text)[:32767]


def _sheet(wb, table: DispatchTable, w: _Words) -> None:
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    name = _SHEET_FORBIDDEN.sub("_", table.sheet)[:31]
    ws = wb.create_sheet(name)
    thin = Side(style="thin", color="BFBFBF")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_font, body_font = Font(name=_XLSX_FONT, bold=True, size=10), Font(name=_XLSX_FONT, size=10)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for j, col in enumerate(table.columns, start=1):
        c = ws.cell(row=1, column=j, value=_clean(col.header))
        c.font, c.fill, c.border = head_font, fill, border
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for i, row in enumerate(table.rows, start=2):
        for j, col in enumerate(table.columns, start=1):
            value = row.get(col.key)
            c = ws.cell(row=i, column=j)
            if value is None:
                pass
            elif col.kind == "date":
                c.value = dt.datetime(value.year, value.month, value.day)
                c.number_format = "yyyy-mm-dd"
            elif isinstance(value, str):
                c.value = _clean(value)
                c.data_type = "s"  # never a formula, whatever the text starts with
            elif isinstance(value, bool):
                c.value = w.yes_no(value)
            elif isinstance(value, int):
                c.value = value
                c.number_format = "0"
            else:
                c.value = float(value)
                digits = -Decimal(repr(float(value))).normalize().as_tuple().exponent
                c.number_format = _number_format(max(col.decimals or 0, digits))  # never fewer digits than the value
            c.font, c.border = body_font, border
            c.alignment = Alignment(vertical="top", wrap_text=col.kind == "text" and col.width >= 16,
                                    horizontal="left" if col.kind == "text" else "right")
    for j, col in enumerate(table.columns, start=1):
        longest = max([_display_width(col.header) / 2 + 1,
                       *(_display_width(str(r.get(col.key))) + 1 for r in table.rows if r.get(col.key) is not None)])
        ws.column_dimensions[get_column_letter(j)].width = round(min(max(col.width, min(longest, 60.0)), 60.0), 1)
    ws.row_dimensions[1].height = 42
    ws.freeze_panes = "A2"
    if table.rows:
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{len(table.rows) + 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.print_title_rows = "1:1"


def _about_table(summary: dict, tables: list[DispatchTable], w: _Words) -> DispatchTable:
    vin = summary.get("data_vintage") or {}
    rows = [(w("about.plan"), summary["plan"]), (w("about.month"), summary["month"]),
            (w("about.banner"), summary.get("banner")), (w("about.last_day"), vin.get("last_data_day")),
            (w("about.last_hour"), vin.get("last_data_hour_start")), (w("about.manifest"), vin.get("manifest_sha256")),
            (w("about.n_sims"), summary.get("n_sims")), (w("about.seed"), summary.get("seed")),
            (w("about.software"), "; ".join(f"{k} {v}" for k, v in sorted((summary.get("generated_by") or {}).items()) if v))]
    rows += [(w("about.sheet", sheet=t.sheet), t.title) for t in tables]
    rows += [(w("about.sheet_note", sheet=t.sheet), n) for t in tables for n in t.notes]
    rows += [(w("about.note"), line) for line in [*_data_lines(summary, w), *_notes(summary, w)]]
    return DispatchTable(w("sheet.about"), w("sheet.about"), [Column(w("about.item"), "item", kind="text", width=24),
                                                              Column(w("about.text"), "text", kind="text", width=100)],
                         [{"item": k, "text": v} for k, v in rows if v is not None], key="about")


def write_xlsx(summary: dict, folder, *, stem: str | None = None, decimals: Mapping[str, int] | None = None,
               city: str | None = None, lang: str | None = None) -> Path:
    """Write the Excel tables ``<stem>_<YYYY-MM>.xlsx`` into ``folder`` (atomically) and return its path.

    One sheet per table of :func:`dispatch_tables` (月度, 年初至今, 预测, 措施, 措施按牵头单位) and
    说明 (plan, month, data vintage, notes): units in the headers, the header row frozen, an
    autofilter, numbers as numeric cells — ratios and concentrations as published, with the
    format of their decimals (``0.0``), counts as integers, dates as dates —, missing values
    as empty cells. No merged cells; sheet names of at most 31 characters without ``[]:*?/\\``.
    ``stem``, ``decimals``, ``city``, ``lang``: as for :func:`write_docx` (the sheet names follow the language).
    """
    folder = Path(folder)
    name = file_names(_stem(summary, folder, stem), summary["month"])["xlsx"]
    return _wrap("xlsx", name, lambda: atomic_write_bytes(folder / name, _xlsx_bytes(summary, decimals, city, lang)))


def _xlsx_bytes(summary, decimals, city, lang=None) -> bytes:
    from openpyxl import Workbook

    w = _words(lang, summary)
    tables = dispatch_tables(summary, decimals=decimals, city=city, lang=w.lang)
    wb = Workbook()
    wb.remove(wb.active)
    for table in [*tables, _about_table(summary, tables, w)]:
        _sheet(wb, table, w)
    when = _when(summary)
    month = pd.Period(summary["month"], freq="M")
    wb.properties.title = w.text["title"].format(plan=summary["plan"], year=month.year, month=month.month).replace("\n", " ")
    wb.properties.creator = wb.properties.lastModifiedBy = "airq"
    wb.properties.created = wb.properties.modified = when
    wb.properties.language = w("w.doc_lang")
    buf = io.BytesIO()
    wb.save(buf)
    stamp = f"{when:%Y-%m-%dT%H:%M:%SZ}"
    fix = lambda xml: re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", xml)  # noqa: E731
    return _fixed_zip(buf.getvalue(), when, fix)
