"""The monthly dispatch in the formats a bureau circulates: the Word 通报 and the Excel tables.

``airq report`` writes, beside ``summary.json`` and into the same work folder (so the files
appear with the rest of the report, or not at all):

* ``<plan>_<YYYY-MM>_通报.docx`` (:func:`write_docx`, python-docx): title and date, a generated
  summary in Chinese (the city's month and year-to-date figures against its targets, the best
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

The texts are Chinese (the dispatch is a Chinese document): the headings, captions, notes, indicator names and
status words come from the string catalogue (:mod:`airq.i18n`, :data:`TEXT`, :data:`INDICATORS`); the column
headers of the tables and the sentences of the summary are still written here, in Chinese (docs/i18n.md).
``docs/dispatch.md`` describes the two files section by section.
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

from .i18n import section, t
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
_STATUS = {s: t(f"measure_status.{s}", LANG) for s in ("done", "overdue", "due_this_month", "open", "ongoing")}
_ALLOWANCE_STATUS = section("dispatch.allowance_status", LANG)
_CN_NUM = "一二三四五六七八九十"
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


def _primary(value) -> str | None:
    if not value:
        return None
    return "、".join(_POLLUTANT.get(p.strip(), p.strip()) for p in str(value).split(","))


def _period_row(group: str, v: dict, period: str, dec: Mapping[str, int], with_targets: bool) -> dict:
    p = v.get(period) or {}
    pub = p.get("published") or {}
    has = bool(p.get("valid_days"))
    row = {"group": group, "status": v.get("status"), "error": v.get("error"),
           "rank": p.get("rank_composite_index"), "valid_days": p.get("valid_days"),
           "good_days": p.get("good_days") if has else None, "heavy_days": p.get("heavy_days") if has else None,
           "sufficient": p.get("sufficient") if has else None, "months_short": p.get("months_short") or None,
           "composite_primary": _primary(p.get("composite_primary")) if has else None}
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


def _period_columns(dec: Mapping[str, int], with_targets: bool) -> list[Column]:
    d = lambda k: _decimals_of(k, dec)  # noqa: E731
    cols = [Column("区县", "group", kind="text", width=10), Column("综合指数排名", "rank", width=8),
            Column("有效天数 (天)", "valid_days", width=8), Column("优良天数 (天)", "good_days", width=8),
            Column("优良天数比率 (%)", "good_day_ratio", d("good_day_ratio"), width=10)]
    if with_targets:
        cols += [Column("优良天数比率目标 (%)", "target_good_day_ratio", d("good_day_ratio"), width=10),
                 Column("优良天数比率目前达标", "met_good_day_ratio", kind="text", width=10)]
    cols += [Column("重污染天数 (天)", "heavy_days", width=8),
             Column("重污染天数比率 (%)", "heavy_day_ratio", d("heavy_day_ratio"), width=10)]
    if with_targets:
        cols += [Column("重污染天数比率目标 (%)", "target_heavy_day_ratio", d("heavy_day_ratio"), width=10),
                 Column("重污染天数比率目前达标", "met_heavy_day_ratio", kind="text", width=10)]
    cols += [Column("PM2.5 (µg/m³)", "pm25_mean", d("pm25_mean"), width=9)]
    if with_targets:
        cols += [Column("PM2.5目标 (µg/m³)", "target_pm25_mean", d("pm25_mean"), width=9),
                 Column("PM2.5目前达标", "met_pm25_mean", kind="text", width=9)]
    cols += [Column("PM10 (µg/m³)", "pm10_mean", d("pm10_mean"), width=9),
             Column("SO2 (µg/m³)", "so2_mean", d("so2_mean"), width=8),
             Column("NO2 (µg/m³)", "no2_mean", d("no2_mean"), width=8),
             Column("CO第95百分位数 (mg/m³)", "co_p95", d("co_p95"), width=10),
             Column("O3-8h第90百分位数 (µg/m³)", "o3_8h_p90", d("o3_8h_p90"), width=11),
             Column("综合指数", "composite_index", d("composite_index"), width=8),
             Column("首要污染物", "composite_primary", kind="text", width=9),
             Column("统计有效", "sufficient", kind="text", width=7),
             Column("数据不足的月份", "months_short", kind="text", width=12),
             Column("去年同期优良天数比率 (%)", "prev_good_day_ratio", d("good_day_ratio"), width=11),
             Column("去年同期PM2.5 (µg/m³)", "prev_pm25_mean", d("pm25_mean"), width=11),
             Column("去年同期统计有效", "prev_sufficient", kind="text", width=9),
             Column("优良天数比率同比 (百分点)", "good_day_ratio_change_pp", 1, width=11),
             Column("重污染天数比率同比 (百分点)", "heavy_day_ratio_change_pp", 1, width=11),
             Column("PM2.5同比 (µg/m³)", "pm25_mean_change", d("pm25_mean_change"), width=10),
             Column("PM2.5同比 (%)", "pm25_mean_change_pct", 1, width=9),
             Column("综合指数同比 (%)", "composite_index_change_pct", 1, width=9),
             Column("状态", "status", kind="text", width=7)]
    return cols


def _month_label(month: pd.Period) -> str:
    return f"{month.year}年{month.month}月"


def _ytd_label(month: pd.Period) -> str:
    return f"{month.year}年1月" if month.month == 1 else f"{month.year}年1—{month.month}月"


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


def _forecast_columns(keys: list[str], dec: Mapping[str, int]) -> list[Column]:
    cols = [Column("区县", "group", kind="text", width=10)]
    for k in keys:
        _, short, _, unit, _ = INDICATORS[k]
        u = f" ({unit})" if unit else ""
        d = _decimals_of(k, dec)
        cols += [Column(f"{short}年初至今{u}", f"{k}_ytd", d, width=11),
                 Column(f"{short}年底预测中位数{u}", f"{k}_median", d, width=12),
                 Column(f"{short}80%区间下限{u}", f"{k}_q10", d, width=11),
                 Column(f"{short}80%区间上限{u}", f"{k}_q90", d, width=11),
                 Column(f"{short}目标{u}", f"{k}_target", d, width=10),
                 Column(f"{short}达标概率 (%)", f"{k}_p_meet", width=10)]
    cols += [Column("年内剩余天数 (天)", "remaining_days", width=9),
             Column("还可承受非优良天数 (天)", "nongood_days_allowed", width=11),
             Column("还可承受重污染天数 (天)", "heavy_days_allowed", width=11),
             Column("剩余天数PM2.5均值上限 (µg/m³)", "pm25_ceiling", _decimals_of("pm25_mean", dec), width=13),
             Column("预测未生成的原因", "error", kind="text", width=20)]
    return cols


def _measure_rows(m: dict) -> list[dict]:
    rows, seen = [], {}
    for part, label in (("due", "本月到期"), ("overdue", "逾期"), ("done", "本月完成")):
        for r in m.get(part, []):
            if r["id"] in seen:
                seen[r["id"]]["category"] += "、" + label
                continue
            row = {"id": r["id"], "category": label, "task": r.get("task"), "goal": r.get("goal") or None,
                   "text": r.get("text"), "due_text": r.get("due_text"), "due": _date(r.get("due")),
                   "status": _STATUS.get(r.get("status"), r.get("status")), "done_on": _date(r.get("done_on")),
                   "days_late": r.get("days_late"), "lead_units": "、".join(r.get("lead_units") or []) or None,
                   "cooperating_units": "、".join(r.get("cooperating_units") or []) or None,
                   "responsible_units": "、".join(r.get("responsible_units") or []) or None,
                   "note": r.get("note") or None, "source": r.get("source") or None}
            seen[r["id"]] = row
            rows.append(row)
    return rows


def _date(text) -> dt.date | None:
    return None if not text else dt.date.fromisoformat(str(text))


def dispatch_tables(summary: dict, *, decimals: Mapping[str, int] | None = None, city: str | None = None
                    ) -> list[DispatchTable]:
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

    Returns
    -------
    list of DispatchTable
        月度, 年初至今, 预测, then 措施 and 措施按牵头单位 when ``summary["measures"]`` is set.
        Published figures are summary's as they are; the others are rounded once (module docstring).
    """
    dec = _decimal_table(decimals)
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    groups = summary["groups"]
    out = []
    for period, sheet, label in (("month", "月度", _month_label(month)), ("ytd", "年初至今", _ytd_label(month))):
        with_targets = period == "ytd"
        rows = [_period_row(g, groups[g], period, dec, with_targets) for g in _order(summary, period, city)]
        for r in rows:
            r["status"] = "正常" if r["status"] == "ok" else f"失败：{r['error']}"
            for k in ("sufficient", "prev_sufficient", "met_good_day_ratio", "met_pm25_mean", "met_heavy_day_ratio"):
                if k in r and r[k] is not None:
                    r[k] = "是" if r[k] else "否"
        out.append(DispatchTable(sheet, f"{label}各县（市、区）环境空气质量" + ("、目标" if with_targets else "")
                                 + "及综合指数排名", _period_columns(dec, with_targets), rows,
                                 [TEXT["rank_note"]]))
    keys = _forecast_keys(summary)
    as_of = month.end_time.normalize()
    rows = [_forecast_row(g, groups[g], keys, dec) for g in _order(summary, "ytd", city)]
    out.append(DispatchTable("预测", f"截至{as_of.month}月{as_of.day}日的年底预测与达标概率（{summary.get('n_sims')}次模拟，"
                                     f"随机种子{summary.get('seed')}）", _forecast_columns(keys, dec), rows,
                             ["年底预测为模拟年份的中位数与80%区间；达标概率为模拟年份中达到目标的比例。"]))
    m = summary.get("measures")
    if m:
        cols = [Column("编号", "id", kind="text", width=11), Column("类别", "category", kind="text", width=9),
                Column("任务", "task", kind="text", width=24), Column("目标", "goal", kind="text", width=20),
                Column("措施内容", "text", kind="text", width=48), Column("时限（方案原文）", "due_text", kind="text", width=16),
                Column("截止日期", "due", kind="date", width=11), Column("状态", "status", kind="text", width=8),
                Column("完成日期", "done_on", kind="date", width=11), Column("逾期天数 (天)", "days_late", width=9),
                Column("牵头单位", "lead_units", kind="text", width=16),
                Column("配合单位", "cooperating_units", kind="text", width=16),
                Column("责任单位", "responsible_units", kind="text", width=16), Column("备注", "note", kind="text", width=16),
                Column("出处", "source", kind="text", width=20)]
        out.append(DispatchTable("措施", f"措施进展：本月到期、截至{m.get('as_of')}逾期、本月完成（台账 {m.get('register')}）",
                                 cols, _measure_rows(m), list(m.get("notes") or [])))
        lead = [{"lead_unit": r.get("lead_unit"), "measures": r.get("measures"),
                 **{s: r.get(s) for s in _STATUS}, "done_late": r.get("done_late"),
                 "max_days_late": r.get("max_days_late")} for r in m.get("by_lead_unit") or []]
        cols = [Column("牵头单位", "lead_unit", kind="text", width=22), Column("措施数", "measures", width=8),
                *(Column(f"{_STATUS[s]}", s, width=9) for s in _STATUS),
                Column("逾期完成", "done_late", width=9), Column("最长逾期天数 (天)", "max_days_late", width=11)]
        out.append(DispatchTable("措施按牵头单位", f"截至{m.get('as_of')}各牵头单位措施进展", cols, lead, []))
    return out


# --------------------------------------------------------------------------- the summary in prose


def _changed(value, unit: str, decimals: int) -> str:
    """"上升3.2个百分点" / "下降3.5微克/立方米" / "持平" from a once-rounded change."""
    if value is None:
        return ""
    if value == 0:
        return "持平"
    return f"{'上升' if value > 0 else '下降'}{_show(abs(value), decimals)}{unit}"


def _change_sentence(p: dict, dec: Mapping[str, int]) -> str:
    change = p.get("change_vs_previous_year") or {}
    prev = p.get("previous_year") or {}
    if not change:
        if prev.get("valid_days") and not prev.get("sufficient"):
            return "去年同期有效监测天数不足（GB 3095 表4），不作同比比较。"
        return "无去年同期数据，不作同比比较。"
    parts = []
    gd = _rounded(change.get("good_day_ratio_change_pp"), 1)
    if gd is not None:
        parts.append("优良天数比率" + ("与去年同期持平" if gd == 0 else _changed(gd, "个百分点", 1)))
    pm = _rounded(change.get("pm25_mean_change"), _decimals_of("pm25_mean_change", dec))
    if pm is not None:
        text = "PM2.5平均浓度" + ("与去年同期持平" if pm == 0 else _changed(pm, "微克/立方米", _decimals_of("pm25_mean_change", dec)))
        pct = _rounded(change.get("pm25_mean_change_pct"), 1)
        if pm != 0 and pct is not None:
            text += f"（{'升' if pct > 0 else '降'}幅{_show(abs(pct), 1)}%）"
        parts.append(text)
    hd = _rounded(change.get("heavy_day_ratio_change_pp"), 1)
    if hd:
        parts.append("重污染天数比率" + _changed(hd, "个百分点", 1))
    return ("与去年同期相比，" + "，".join(parts) + "。") if parts else ""


def _figures(pub: dict, dec: Mapping[str, int], targets: dict | None) -> str:
    parts = []
    for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio"):
        if pub.get(k) is None:
            continue
        name, _, unit, _, sense = INDICATORS[k]
        d = _decimals_of(k, dec)
        text = f"{name}为{_show(pub[k], d)}{unit}"
        t = (targets or {}).get(k)
        if t and t.get("target") is not None:
            bound = "不低于" if sense == "min" else "不高于"
            text += f"（目标{bound}{_show(t['target'], d)}{unit}"
            if t.get("met_so_far") is not None:
                text += "，目前达到目标" if t["met_so_far"] else "，目前未达到目标"
            if t.get("status") in _ALLOWANCE_STATUS:
                text += "，" + _ALLOWANCE_STATUS[t["status"]]
            text += "）"
        parts.append(text)
    return "，".join(parts)


def _ranking_sentence(summary: dict, period: str, label: str, dec: Mapping[str, int]) -> str | None:
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
        return f"{'、'.join(names)}（{_show(value, d)}）"

    return f"{label}各县（市、区）中综合指数最低的是{who(lo)}，最高的是{who(hi)}"


def _forecast_sentences(v: dict, group: str, dec: Mapping[str, int]) -> str:
    fc = v.get("forecast") or {}
    if fc.get("error"):
        return f"{group}年底预测未能生成：{fc['error']}。"
    inds = fc.get("indicators") or {}
    as_of = pd.Timestamp(fc["as_of"])
    parts = []
    for k in _FORECAST_KEYS:
        ind = inds.get(k) or {}
        if ind.get("median") is None or ind.get("target") is None:
            continue
        _, short, unit, _, _ = INDICATORS[k]
        d = _decimals_of(k, dec)
        text = (f"{short}年底预测中位数为{_show(_rounded(ind['median'], d), d)}{unit}（80%区间"
                f"{_show(_rounded(ind['q10'], d), d)}—{_show(_rounded(ind['q90'], d), d)}{unit}）")
        p = _p_percent(ind.get("p_meet"))
        if p is not None:
            text += f"，达到目标的概率约为{p}%"
        parts.append(text)
    if not parts:
        return ""
    out = (f"按截至{as_of.month}月{as_of.day}日的数据预测（{fc.get('n_sims')}次模拟），{group}" + "；".join(parts) + "。")
    allow = fc.get("allowances") or {}
    rest = []
    if (allow.get("nongood_days") or {}).get("remaining") is not None:
        rest.append(f"非优良天数{_show(_count(allow['nongood_days']['remaining']), None)}天")
    if (allow.get("heavy_days") or {}).get("remaining") is not None:
        rest.append(f"重污染天数{_show(_count(allow['heavy_days']['remaining']), None)}天")
    days = (fc.get("expected") or {}).get("remaining_days")
    if rest and days:
        out += f"年内剩余{days}天中，在不超出目标的前提下还可出现{'、'.join(rest)}"
        ceiling = (allow.get("pm25_ceiling") or {}).get("remaining")
        if ceiling is not None:
            out += f"；剩余天数PM2.5平均浓度不超过{_show(ceiling, _decimals_of('pm25_mean', dec))}微克/立方米即可达到PM2.5目标"
        out += "。"
    return out


def summary_paragraphs(summary: dict, *, decimals: Mapping[str, int] | None = None, city: str | None = None
                       ) -> list[str]:
    """The generated summary of the dispatch, in Chinese: one string per paragraph.

    1. the city's month: good-day ratio, PM2.5 mean, heavy-pollution ratio, change against the
       same month last year (withheld when that month is not sufficient);
    2. the city's year to date against each target, and its change against last year;
    3. the best and worst counties by composite index, month and year to date;
    4. the city's year-end forecast, the probability of meeting each target and the allowances left.

    Every figure is the published one of ``summary`` (or rounded once, module docstring).
    """
    dec = _decimal_table(decimals)
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    out = []
    v = summary["groups"].get(city) if city else None
    if v is not None:
        m, y = v.get("month") or {}, v.get("ytd") or {}
        if m.get("valid_days"):
            out.append(f"{_month_label(month)}，{city}{_figures(m.get('published') or {}, dec, None)}。"
                       + _change_sentence(m, dec))
        else:
            out.append(f"{_month_label(month)}，{city}无有效监测数据。")
        if y.get("valid_days"):
            short = "" if y.get("sufficient", True) else "（有效监测天数不足，统计结果仅供参考）"
            out.append(f"{_ytd_label(month)}，{city}{_figures(y.get('published') or {}, dec, y.get('targets'))}{short}。"
                       + _change_sentence(y, dec))
    ranks = [s for s in (_ranking_sentence(summary, "month", f"{month.month}月", dec),
                         _ranking_sentence(summary, "ytd", _ytd_label(month)[5:], dec)) if s]
    if ranks:
        out.append("按环境空气质量综合指数排名（数值越小，空气质量越好），" + "；".join(ranks) + "。")
    if v is not None:
        text = _forecast_sentences(v, city, dec)
        if text:
            out.append(text)
    return out


# --------------------------------------------------------------------------- charts


def notebook_charts(summary: dict, folder, *, city: str | None = None) -> list[tuple[str, bytes]]:
    """The trajectory charts (PNG) the executed county notebooks of the report folder show.

    Returns ``(caption, png)`` pairs: the city (default :func:`city_group`) first, then the counties
    by year-to-date rank, each group's charts in notebook order. Failed groups and missing
    notebooks are left out. Raises ``ValueError`` for a notebook that is not JSON.
    """
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
            raise ValueError(f"the executed notebook {nb.name} is not readable JSON ({exc}), so its charts cannot be "
                             "put in the dispatch") from None
        for cell in cells:
            source = "".join(cell.get("source", ""))
            key = next((k for k in ("good_day_ratio", "pm25_mean", "pm10_mean", "heavy_days") if f'"{k}"' in source), None)
            for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                data = (o.get("data") or {}).get("image/png")
                if data is None:
                    continue
                n += 1
                png = base64.b64decode("".join(data) if isinstance(data, list) else data)
                name = INDICATORS[key][0] if key in INDICATORS else ""
                out.append((TEXT["chart_caption"].format(n=n, group=g, indicator=name), png))
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
    group. Raises ``ValueError`` (one sentence) when a file cannot be made; ``OSError`` as is.
    """
    city = next((g for g, grp in plan.groups.items() if grp.kind == "city"), None)
    decimals = dict(plan.options.decimals)
    write_docx(summary, folder, stem=stem, decimals=decimals, city=city)
    write_xlsx(summary, folder, stem=stem, decimals=decimals, city=city)
    return file_names(stem, summary["month"])


def _wrap(what: str, name: str, fn):
    try:
        return fn()
    except (OSError, ValueError):
        raise
    except Exception as exc:  # a library's failure, as one sentence
        raise ValueError(f"the {what} {name} could not be written: {type(exc).__name__}: {exc}") from exc


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


def _caption(doc, text: str):
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
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


def _mark(row: dict) -> str:
    """The group's name as the Word tables show it: "*" when its statistics are not valid (GB 3095 Table 4)."""
    return row["group"] + ("*" if row.get("sufficient") == "否" else "")


def _docx_period_table(doc, table: DispatchTable, with_targets: bool):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [("排名", "rank", None, 1.0), ("区县", "group_marked", None, 1.9),
            ("优良天数比率(%)", "good_day_ratio", dec["good_day_ratio"], 1.5)]
    if with_targets:
        cols += [("目标(%)", "target_good_day_ratio", dec["good_day_ratio"], 1.2)]
    cols += [("重污染天数比率(%)", "heavy_day_ratio", dec["heavy_day_ratio"], 1.5),
             ("PM2.5 (µg/m³)", "pm25_mean", dec["pm25_mean"], 1.4)]
    if with_targets:
        cols += [("目标 (µg/m³)", "target_pm25_mean", dec["pm25_mean"], 1.3)]
    else:
        cols += [("PM10 (µg/m³)", "pm10_mean", dec["pm10_mean"], 1.3),
                 ("O3-8h-90 (µg/m³)", "o3_8h_p90", dec["o3_8h_p90"], 1.4)]
    cols += [("综合指数", "composite_index", dec["composite_index"], 1.3),
             ("首要污染物", "composite_primary", None, 1.4),
             ("优良比率同比(百分点)", "good_day_ratio_change_pp", 1, 1.5),
             ("PM2.5同比(%)", "pm25_mean_change_pct", 1, 1.3)]
    rows = [{**r, "group_marked": _mark(r)} for r in table.rows]
    return _table(doc, cols, rows)


def _docx_forecast_table(doc, table: DispatchTable, keys: list[str]):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [("区县", "group", None, 1.9)]
    rows = []
    for r in table.rows:
        row = {"group": r["group"]}
        for k in keys:
            d = dec[f"{k}_median"]
            if r.get(f"{k}_median") is None:
                row[f"{k}_fc"] = "—"
            else:
                row[f"{k}_fc"] = (f"{_show(r[f'{k}_median'], d)}（{_show(r[f'{k}_q10'], d)}—{_show(r[f'{k}_q90'], d)}）")
            row[f"{k}_p"] = r.get(f"{k}_p_meet")
            row[f"{k}_t"] = r.get(f"{k}_target")
        rows.append(row)
    width = (16.0 - 1.9) / max(1, len(keys))
    for k in keys:
        _, short, _, unit, _ = INDICATORS[k]
        u = f"({unit})" if unit else ""
        cols += [(f"{short}{u}", f"{k}_fc", None, width * 0.5), (f"目标{u}", f"{k}_t", dec[f"{k}_median"], width * 0.25),
                 ("达标概率(%)", f"{k}_p", None, width * 0.25)]
    return _table(doc, cols, rows)


def _docx_measures(doc, m: dict, n_table: int) -> int:
    counts = m.get("counts") or {}
    total = sum(counts.values())
    words = "，".join(f"{_STATUS[s]}{counts.get(s, 0)}项" for s in _STATUS)
    p = doc.add_paragraph()
    as_of = pd.Timestamp(m["as_of"])
    _run(p, f"截至{as_of.year}年{as_of.month}月{as_of.day}日，措施台账（{m.get('register')}）共{total}项措施：{words}；"
            f"本月完成{len(m.get('done') or [])}项。")
    for key, title in (("due", TEXT["t_due"].format(n=n_table + 1)),
                       ("overdue", TEXT["t_overdue"].format(n=n_table + 2, date=f"{as_of.month}月{as_of.day}日"))):
        n_table += 1
        rows = [{"id": r["id"], "task": r.get("task") or "", "due_text": r.get("due_text") or "",
                 "due": r.get("due") or "—", "lead": "、".join(r.get("lead_units") or []),
                 "status": _STATUS.get(r.get("status"), r.get("status")), "days_late": r.get("days_late")}
                for r in m.get(key) or []]
        _caption(doc, title)
        if not rows:
            _run(doc.add_paragraph(), "无。")
            continue
        cols = [("编号", "id", None, 2.0), ("任务", "task", None, 4.2), ("时限（原文）", "due_text", None, 2.6),
                ("截止日期", "due", None, 2.1), ("牵头单位", "lead", None, 2.6)]
        cols += [("状态", "status", None, 1.2), ("逾期天数", "days_late", None, 1.3)]
        _table(doc, cols, rows)
    for n in m.get("notes") or []:
        _run(doc.add_paragraph(), f"注：{n}", size=10.5)
    return n_table


def _notes(summary: dict) -> list[str]:
    notes = list(dict.fromkeys([*(summary.get("notes") or {}).get("month", []), *(summary.get("notes") or {}).get("ytd", [])]))
    for g, v in sorted(summary["groups"].items()):
        for n in (v.get("forecast") or {}).get("notes") or []:
            notes.append(f"{g}：{n}")
        if v.get("status") != "ok":
            notes.append(f"{g}：报告生成失败 — {v.get('error')}")
    return notes


def _data_lines(summary: dict) -> list[str]:
    vin = summary.get("data_vintage") or {}
    rules = sorted({r for v in summary["groups"].values() for p in ("month", "ytd")
                    for r in str((v.get(p) or {}).get("rules") or "").split("+") if r})
    versions = summary.get("generated_by") or {}
    return [f"评价规则：{'、'.join(rules) or '—'}（2026年3月1日起执行 HJ 633—2026 / GB 3095—2026，此前为2012年版）。",
            f"数据截至：{vin.get('last_data_day') or '—'}（最后一小时的起始时刻 {vin.get('last_data_hour_start') or '—'}，北京时间）；"
            f"数据存储清单 sha256：{vin.get('manifest_sha256') or '—'}。",
            f"预测：{summary.get('n_sims')}次模拟，随机种子{summary.get('seed')}。",
            f"生成：airq-cn {versions.get('airq-cn') or '—'}；数值按 GB/T 8170 修约一次，与 summary.json 一致。"]


def write_docx(summary: dict, folder, *, charts: Sequence[tuple[str, bytes]] | None = None, stem: str | None = None,
               decimals: Mapping[str, int] | None = None, city: str | None = None) -> Path:
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
    decimals, city
        As for :func:`dispatch_tables`.

    Sections: banner (when set), title and date, 一 overview (:func:`summary_paragraphs`), 二 the
    month and year-to-date tables ranked by composite index, 三 the forecast table, 四 the
    charts, 五 the measures (when ``summary["measures"]``), then the notes on rules and data.
    """
    folder = Path(folder)
    name = file_names(_stem(summary, folder, stem), summary["month"])["docx"]
    return _wrap("Word dispatch", name, lambda: atomic_write_bytes(
        folder / name, _docx_bytes(summary, folder, charts, decimals, city)))


def _docx_bytes(summary, folder, charts, decimals, city) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    end = month.end_time.normalize()
    tables = {t.sheet: t for t in dispatch_tables(summary, decimals=decimals, city=city)}
    charts = notebook_charts(summary, folder, city=city) if charts is None else list(charts)

    doc = docx.Document()
    _styles(doc)
    if summary.get("banner"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, TEXT["synthetic"].format(banner=summary["banner"]), font=_HEAD_FONT, bold=True, colour=(192, 0, 0))
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(TEXT["title"].format(plan=summary["plan"], year=month.year, month=month.month).split("\n")):
        if i:
            title.add_run().add_break()
        _run(title, line, font=_HEAD_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, TEXT["data_until"].format(date=f"{end.year}年{end.month}月{end.day}日"))

    _heading(doc, TEXT["s_overview"])
    for text in summary_paragraphs(summary, decimals=decimals, city=city):
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Cm(0.85)
        _run(para, text)

    _heading(doc, TEXT["s_counties"])
    n_table = 0
    for sheet, key, label in (("月度", "t_month", _month_label(month)), ("年初至今", "t_ytd", _ytd_label(month))):
        n_table += 1
        _caption(doc, TEXT[key].format(n=n_table, period=label))
        _docx_period_table(doc, tables[sheet], sheet == "年初至今")
    _run(doc.add_paragraph(), "注：" + TEXT["rank_note"], size=10.5)

    _heading(doc, TEXT["s_forecast"])
    n_table += 1
    _caption(doc, TEXT["t_forecast"].format(n=n_table))
    _docx_forecast_table(doc, tables["预测"], _forecast_keys(summary))
    _run(doc.add_paragraph(), "注：" + tables["预测"].title + "。" + tables["预测"].notes[0], size=10.5)

    _heading(doc, TEXT["s_charts"])
    if not charts:
        _run(doc.add_paragraph(), TEXT["no_charts"])
    for caption, png in charts:
        pic = doc.add_paragraph()
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
        _caption(doc, caption)

    section = 5
    if summary.get("measures"):
        _heading(doc, TEXT["s_measures"])
        n_table = _docx_measures(doc, summary["measures"], n_table)
        section = 6
    _heading(doc, TEXT["s_notes"].format(n=_CN_NUM[section - 1]))
    for n in [*_data_lines(summary), *_notes(summary)]:
        para = doc.add_paragraph(style="List Bullet")
        _run(para, n, size=10.5)

    when = _when(summary)
    props = doc.core_properties
    props.title = TEXT["title"].format(plan=summary["plan"], year=month.year, month=month.month).replace("\n", " ")
    props.subject = "环境空气质量月度通报"
    props.author = props.last_modified_by = "airq"
    props.keywords = f"airq; {summary['month']}"
    props.comments = summary.get("banner") or ""
    props.language = "zh-CN"
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


def _sheet(wb, table: DispatchTable) -> None:
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
                c.value = "是" if value else "否"
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


def _about_table(summary: dict, tables: list[DispatchTable]) -> DispatchTable:
    vin = summary.get("data_vintage") or {}
    rows = [("方案", summary["plan"]), ("月份", summary["month"]), ("提示", summary.get("banner")),
            ("数据截至", vin.get("last_data_day")), ("最后一小时起始时刻（北京时间）", vin.get("last_data_hour_start")),
            ("数据存储清单 sha256", vin.get("manifest_sha256")), ("预测模拟次数", summary.get("n_sims")),
            ("随机种子", summary.get("seed")),
            ("生成软件", "; ".join(f"{k} {v}" for k, v in sorted((summary.get("generated_by") or {}).items()) if v))]
    rows += [(f"工作表：{t.sheet}", t.title) for t in tables]
    rows += [(f"表注（{t.sheet}）", n) for t in tables for n in t.notes]
    rows += [("说明", line) for line in [*_data_lines(summary), *_notes(summary)]]
    return DispatchTable("说明", "说明", [Column("项目", "item", kind="text", width=24),
                                          Column("内容", "text", kind="text", width=100)],
                         [{"item": k, "text": v} for k, v in rows if v is not None])


def write_xlsx(summary: dict, folder, *, stem: str | None = None, decimals: Mapping[str, int] | None = None,
               city: str | None = None) -> Path:
    """Write the Excel tables ``<stem>_<YYYY-MM>.xlsx`` into ``folder`` (atomically) and return its path.

    One sheet per table of :func:`dispatch_tables` (月度, 年初至今, 预测, 措施, 措施按牵头单位) and
    说明 (plan, month, data vintage, notes): units in the headers, the header row frozen, an
    autofilter, numbers as numeric cells — ratios and concentrations as published, with the
    format of their decimals (``0.0``), counts as integers, dates as dates —, missing values
    as empty cells. No merged cells; sheet names of at most 31 characters without ``[]:*?/\\``.
    ``stem``, ``decimals``, ``city``: as for :func:`write_docx`.
    """
    folder = Path(folder)
    name = file_names(_stem(summary, folder, stem), summary["month"])["xlsx"]
    return _wrap("Excel tables", name, lambda: atomic_write_bytes(folder / name, _xlsx_bytes(summary, decimals, city)))


def _xlsx_bytes(summary, decimals, city) -> bytes:
    from openpyxl import Workbook

    tables = dispatch_tables(summary, decimals=decimals, city=city)
    wb = Workbook()
    wb.remove(wb.active)
    for t in [*tables, _about_table(summary, tables)]:
        _sheet(wb, t)
    when = _when(summary)
    month = pd.Period(summary["month"], freq="M")
    wb.properties.title = TEXT["title"].format(plan=summary["plan"], year=month.year, month=month.month).replace("\n", " ")
    wb.properties.creator = wb.properties.lastModifiedBy = "airq"
    wb.properties.created = wb.properties.modified = when
    wb.properties.language = "zh-CN"
    buf = io.BytesIO()
    wb.save(buf)
    stamp = f"{when:%Y-%m-%dT%H:%M:%SZ}"
    fix = lambda xml: re.sub(r"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rf"\g<1>{stamp}\g<2>", xml)  # noqa: E731
    return _fixed_zip(buf.getvalue(), when, fix)
