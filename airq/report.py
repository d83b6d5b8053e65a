"""Presentation of assessment results: JSON payloads and terminal tables (no calculation here).

Used by the command line and the demo job. Published figures are shown as
:func:`airq.stats.publish` rounded them (GB/T 8170, once), at the plan's decimals, with their
trailing zeros; unrounded values go to JSON as plain floats.

The text functions take ``lang`` ("en", the default, or "zh"): headers, status words, legends
and sentences come from the string catalogue (:mod:`airq.i18n`). The JSON payloads never change
with the language (English keys, English status values ``safe`` / ``at_risk`` / ``lost``).
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from .i18n import keys, section, t
from .notes import render
from .textable import display_width, format_table, pad

__all__ = ["forecast_payload", "forecast_text", "jsonable", "assessment_payload", "assessment_document", "assessment_text", "targets_payload", "targets_text",
           "whatif_text", "status_legend", "option_words", "STATUS_TEXT", "STATUS_LEGEND"]

_STATUSES = ("safe", "at_risk", "lost", "not_lost")
#: What each allowance status of :mod:`airq.targets` means; English text, JSON and Python use the same words
#: (the catalogue's ``[report.status_text]``; in Chinese the status words themselves are translated too).
STATUS_TEXT = {k: t(f"report.status_text.{k}", "en") for k in _STATUSES}


def status_legend(lang: str = "en") -> str:
    """The line under every targets table: what ``safe``, ``at_risk`` and ``lost`` mean, in ``lang``."""
    items = t("report.status_sep", lang).join(
        t("report.status_item", lang, word=t(f"report.status.{k}", lang), meaning=t(f"report.status_text.{k}", lang))
        for k in _STATUSES if k != "not_lost")
    return t("report.status_legend", lang, items=items)


#: The line under every targets table (English).
STATUS_LEGEND = status_legend("en")


def _status_word(status, lang: str) -> str:
    """A status of :mod:`airq.targets` in ``lang`` (English: the JSON word itself)."""
    return t(f"report.status.{status}", lang) if status in _STATUSES else str(status)


def _yes_no(value: bool, lang: str) -> str:
    return t("report.yes", lang) if value else t("report.no", lang)


def _target_name(key: str, lang: str) -> str:
    return section("report.target", lang).get(key, key)


def _unit(unit, lang: str) -> str:
    return section("report.unit", lang).get(str(unit), str(unit))
_STAT_KEYS = ("valid_days", "good_days", "good_day_ratio", "heavy_days", "heavy_day_ratio", "exceed_days",
              "pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95", "o3_8h_p90", "composite_index",
              "composite_primary", "calendar_days", "sufficient", "months_short", "rules")
_PUBLISHED_KEYS = ("good_day_ratio", "heavy_day_ratio", "pm25_mean", "pm10_mean", "so2_mean", "no2_mean", "co_p95",
                   "o3_8h_p90", "composite_index")


def jsonable(value):
    """Plain JSON values from numpy/pandas/Fraction/Decimal scalars (floats unrounded)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating, Fraction)):
        f = float(value)
        return None if math.isnan(f) else f
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    return value


def _fmt(value, decimals: int | None) -> str:
    """A published figure with its decimals (trailing zeros kept); '—' when missing."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA:
        return "—"
    if decimals is None:
        return str(value)
    return f"{float(value):.{decimals}f}"


def targets_payload(table: pd.DataFrame) -> dict:
    """Targets as JSON: the same names as :func:`airq.targets.plain_targets` (one vocabulary).

    ``remaining`` of ``pm25_mean`` is the *safe* ceiling (the exact one rounded down, never up);
    ``ceiling_exact`` is the exact value, ``ceiling_inclusive`` says whether averaging exactly it
    still passes, ``effective_threshold`` the annual mean that still publishes as the target.
    """
    from .targets_assess import plain_targets

    out = {}
    for key, row in plain_targets(table).iterrows():
        item = {k: jsonable(row[k]) for k in ("target", "current", "current_published", "met_so_far", "remaining",
                                              "remaining_unit", "status")}
        if key == "pm25_mean":
            c = table.loc[key, "detail"]
            item.update(ceiling_exact=jsonable(c.ceiling), ceiling_safe=jsonable(c.safe_ceiling),
                        ceiling_inclusive=bool(c.ceiling_inclusive), effective_threshold=jsonable(c.effective_threshold))
        out[key] = item
    return out


def targets_text(table: pd.DataFrame, lang: str = "en") -> str:
    """The targets table: target, value now, remaining allowance, status (the library's words in English;
    ``lang="zh"``: Chinese headers, indicator names and status words)."""
    rows = []
    for key, row in table.iterrows():
        rem = row["remaining"]
        if rem is None or (isinstance(rem, float) and math.isnan(rem)):
            remaining = t("report.year_complete", lang)
        elif key == "pm25_mean":
            c = row["detail"]
            rel = "≤" if c.ceiling_inclusive else "<"
            remaining = t("report.pm25_remaining", lang, safe=c.safe_ceiling, rel=rel, exact=_floor(c.ceiling, 3))
        else:
            remaining = f"{rem} {_unit(row['remaining_unit'], lang)}"
        met = row["met_so_far"]
        rows.append({"target_key": _target_name(key, lang), "target": str(row["target"]),
                     "now": "—" if row["current_published"] is None else str(row["current_published"]),
                     "met_so_far": "—" if met is None else _yes_no(met, lang),
                     "remaining": remaining, "status": _status_word(row["status"], lang)})
    headers = {c: t(f"report.col.{c}", lang) for c in ("target_key", "target", "now", "met_so_far", "remaining", "status")}
    return format_table(rows, list(headers), align={"remaining": "left"}, headers=headers) + "\n" + status_legend(lang)


def _floor(value, decimals: int) -> str:
    """``value`` cut (not rounded) to ``decimals``: a printed ceiling is never above the exact one."""
    q = Fraction(value) * 10**decimals
    return f"{Decimal(math.floor(q)) / Decimal(10**decimals):.{decimals}f}"


def assessment_payload(res, plan) -> dict:
    """Per-group JSON objects, keyed by group (the ``groups`` of :func:`assessment_document`)."""
    stats = res.stats.set_index("group")
    pub = res.published.set_index("group") if len(res.published) else pd.DataFrame()
    prev = res.previous.set_index("group") if len(res.previous) else pd.DataFrame()
    change = pd.DataFrame()
    if len(res.previous):
        from .stats_compare import compare_periods

        change = compare_periods(res.stats.dropna(subset=["valid_days"]), res.previous).set_index("group")
    change_keys = ("good_day_ratio_change_pp", "heavy_day_ratio_change_pp", "good_days_change", "heavy_days_change",
                   "pm25_mean_change", "pm25_mean_change_pct", "composite_index_change", "composite_index_change_pct")
    payload = {}
    for g in stats.index:
        row = {k: jsonable(stats.loc[g, k]) for k in _STAT_KEYS if k in stats.columns}
        row["rank_composite_index"] = res.ranks.get(g)
        row["start"] = f"{res.start:%Y-%m-%d}"
        row["end"] = f"{res.end:%Y-%m-%d}"
        row["published"] = {k: jsonable(pub.loc[g, k]) for k in _PUBLISHED_KEYS if g in pub.index and k in pub.columns}
        row["previous_year"] = {k: jsonable(prev.loc[g, k]) for k in ("valid_days", "good_days", "good_day_ratio", "heavy_days",
                                                                    "pm25_mean", "sufficient")
                                if g in prev.index and k in prev.columns}
        if row["previous_year"]:
            row["previous_year"].update(start=f"{res.previous_start:%Y-%m-%d}", end=f"{res.previous_end:%Y-%m-%d}")
        ok = res.previous_sufficient.get(g, False)
        row["change_vs_previous_year"] = {k: jsonable(change.loc[g, k]) for k in change_keys
                                          if ok and g in change.index and k in change.columns}
        if g in res.targets:
            row["targets"] = targets_payload(res.targets[g])
            row["targets_as_of"] = f"{res.as_of:%Y-%m-%d}"
        payload[g] = row
    return payload


def assessment_document(res, plan) -> dict:
    """The ``airq assess --json`` object: the period, the groups, the ranking, the notes and options."""
    return {
        "plan": plan.name,
        "start": f"{res.start:%Y-%m-%d}",
        "end": f"{res.end:%Y-%m-%d}",
        "as_of": None if res.as_of is None else f"{res.as_of:%Y-%m-%d}",
        "previous_start": None if res.previous_start is None else f"{res.previous_start:%Y-%m-%d}",
        "previous_end": None if res.previous_end is None else f"{res.previous_end:%Y-%m-%d}",
        "ranked_among": list(res.ranked_among),
        "groups": assessment_payload(res, plan),
        "notes": list(res.notes),
        "options": {k: jsonable(v) if not isinstance(v, dict) else v for k, v in res.options.items()},
    }


def assessment_text(res, plan, *, title: str | None = None, lang: str = "en") -> str:
    """The assessment for a terminal: one table of groups, notes, then each group's targets.

    Column headers are the JSON names in English, the standards' words in Chinese (``lang="zh"``);
    Chinese names stay aligned (display width).
    """
    stats = res.stats.set_index("group")
    pub = res.published.set_index("group") if len(res.published) else pd.DataFrame()
    dec = plan.options.decimals
    prev_pub = None
    if len(res.previous):
        from .stats_publish import publish

        prev_pub = publish(res.previous, decimals=dict(dec)).set_index("group")
    rows = []
    for g in stats.index:
        has = g in pub.index and stats.loc[g, "valid_days"] > 0
        last = "—"
        if prev_pub is not None and g in prev_pub.index and res.previous.set_index("group").loc[g, "valid_days"] > 0:
            last = _fmt(prev_pub.loc[g, "pm25_mean"], dec.get("pm25_mean", 1)) + ("" if res.previous_sufficient.get(g) else "*")
        rows.append({
            "group": g,
            "valid_days": int(stats.loc[g, "valid_days"]) if not pd.isna(stats.loc[g, "valid_days"]) else 0,
            "good_days": int(stats.loc[g, "good_days"]) if has else "—",
            "good_day_ratio": _fmt(pub.loc[g, "good_day_ratio"], dec.get("good_day_ratio", 1)) if has else "—",
            "heavy_days": int(stats.loc[g, "heavy_days"]) if has else "—",
            "heavy_day_ratio": _fmt(pub.loc[g, "heavy_day_ratio"], dec.get("heavy_day_ratio", 1)) if has else "—",
            "pm25_mean": _fmt(pub.loc[g, "pm25_mean"], dec.get("pm25_mean", 1)) if has else "—",
            "pm25_mean_prev": last,
            "composite_index": _fmt(pub.loc[g, "composite_index"], dec.get("composite_index", 2)) if has else "—",
            "rank": res.ranks.get(g) if res.ranks.get(g) is not None else "—",
            "sufficient": _yes_no(bool(stats.loc[g, "sufficient"]), lang) if has else "—",
        })
    rules = sorted({r for r in stats["rules"].dropna() for r in str(r).split("+")})
    sep = t("report.list_sep", lang)
    headers = {c: t(f"report.col.{c}", lang) for c in (rows[0] if rows else {})}
    lines = [title or t("report.title", lang, plan=plan.name, start=f"{res.start:%Y-%m-%d}", end=f"{res.end:%Y-%m-%d}",
                        rules=sep.join(rules) or "—"),
             format_table(rows, headers=headers)]
    prev = ("" if res.previous_start is None
            else t("report.range", lang, start=f"{res.previous_start:%Y-%m-%d}", end=f"{res.previous_end:%Y-%m-%d}"))
    rank = (t("report.legend_rank", lang, counties=sep.join(res.ranked_among)) if res.ranked_among
            else t("report.legend_no_rank", lang))
    lines.append(t("report.legend", lang, prev=prev, rank=rank))
    for n in res.notes:
        lines.append(t("report.note", lang, note=render(n, lang)))
    opts = option_words(res.options, lang) if res.options else res.options  # the values in the reader's words
    if opts:
        ms = sorted(set(opts["min_stations"].values()))
        lines.append(t("report.options", lang, stations=ms[0] if len(ms) == 1 else ms, o3=opts["o3_8h_aggregation"],
                       dust=opts["dust_deduction"], limits=opts["composite_limits"], rules=opts["rules"]))
    for g in stats.index:
        if g in res.targets:
            lines.append("\n" + t("report.targets_heading", lang, group=g, start=f"{res.as_of.year}-01-01",
                                   end=f"{res.as_of:%Y-%m-%d}"))
            lines.append(targets_text(res.targets[g], lang))
        elif not stats.loc[g, "valid_days"] > 0:
            lines.append("\n" + t("report.no_valid_day", lang, group=g, month=f"{res.start:%Y-%m}"))
    return "\n".join(lines)


def whatif_text(res, lang: str = "en") -> str:
    """A :class:`airq.whatif.WhatIf` for a terminal: position, allowances, assumptions, year end, notes (in ``lang``)."""
    from .whatif import whatif_notes

    p = res.position
    pm = "—" if p["pm25_mean"] is None else t("report.whatif.pm_unrounded", lang, value=f"{p['pm25_mean']:.2f}")
    lines = [t("report.whatif.position", lang, group=res.group, date=f"{res.as_of:%Y-%m-%d}", valid=p["valid_days"],
               good=p["good_days"], heavy=p["heavy_days"], pm=pm), targets_text(res.exact_allowances, lang)]
    if "pm25_mean" in res.exact_allowances.index:
        c = res.exact_allowances.loc["pm25_mean", "detail"]
        if c.ceiling is not None:
            rel = "≤" if c.ceiling_inclusive else "<"
            lines.append(t("report.whatif.ceiling", lang, rel=rel, exact=_floor(c.ceiling, 3),
                           threshold=f"{float(c.effective_threshold):g}", safe=c.safe_ceiling))
    sep = t("report.list_sep", lang)
    if res.year_end is not None:
        y = res.year_end
        given = sep.join(f"{k}={v}" for k, v in res.assumptions.items())
        shown = []
        if y["good_day_ratio_published"] is not None:
            shown.append(t("report.whatif.good", lang, value=f"{y['good_day_ratio_published']:.1f}", good=y["good_days"],
                           valid=y["valid_days"]))
        if y["heavy_day_ratio_published"] is not None:
            shown.append(t("report.whatif.heavy", lang, value=f"{y['heavy_day_ratio_published']:.1f}", heavy=y["heavy_days"]))
        if y["pm25_mean_published"] is not None:
            shown.append(t("report.whatif.pm25", lang, value=f"{y['pm25_mean_published']:.1f}"))
        met = sep.join(t("report.whatif.met" if v else "report.whatif.missed", lang,
                         name=k if lang == "en" or f"indicator.{k}.short" not in keys(lang) else t(f"indicator.{k}.short", lang))
                       for k, v in y["met"].items())
        lines.append(t("report.whatif.year_end", lang, given=given)
                     + (t("report.status_sep", lang).join(shown) or t("report.whatif.nothing", lang))
                     + (f" — {met}" if met else ""))
    notes = res.notes if lang == "en" else whatif_notes(res.assumptions, res.unanswered,
                                                         (pd.Timestamp(res.as_of.year, 12, 31) - res.as_of).days, lang)
    for n in notes:
        lines.append(t("report.note", lang, note=n))
    return "\n".join(lines)


# --------------------------------------------------------------------------- forecasts

#: Indicator -> (English label, unit, sense) of the forecast table (Chinese: the catalogue's ``[indicator.*]``).
_LABELS = {
    "good_day_ratio": ("good-day ratio", "%", "≥"),
    "pm25_mean": ("PM2.5 mean", "µg/m³", "≤"),
    "heavy_days": ("heavy days", "days", "≤"),
    "heavy_day_ratio": ("heavy ratio", "%", "≤"),
    "pm10_mean": ("PM10 mean", "µg/m³", "≤"),
    "o3_8h_p90": ("O3-8h P90", "µg/m³", "≤"),
    "composite_index": ("composite index", "", "≤"),
}


def _forecast_label(key: str, lang: str) -> str:
    name, unit, _ = _LABELS[key]
    if lang != "en":
        name, unit = t(f"indicator.{key}.short", lang), t(f"indicator.{key}.unit_table", lang)
    return f"{name} [{unit}]" if unit else name


def _allowance(outlook, key):
    a = outlook.allowances
    if a is None or key not in a.index:
        return None, None
    row = a.loc[key]
    return row["remaining"], row["status"]


def forecast_payload(outlook) -> dict:
    """The JSON object of one group: the forecast plus the remaining allowances beside it."""
    if outlook.forecast is None:
        return {"error": outlook.error, "targets": {k: float(v) for k, v in outlook.targets.items()}}
    out = outlook.forecast.to_dict()
    allow = {}
    for key, name in (("good_day_ratio", "nongood_days"), ("heavy_day_ratio", "heavy_days"), ("pm25_mean", "pm25_ceiling")):
        rem, status = _allowance(outlook, key)
        if rem is not None or status is not None:
            allow[name] = {"remaining": None if rem is None else float(rem), "status": status}
    out["allowances"] = allow
    return out


def _fmt_num(x, nd=1):
    return "—" if x is None or (isinstance(x, float) and math.isnan(x)) else f"{x:.{nd}f}"


def forecast_text(outlook, lang: str = "en") -> str:
    """One group's forecast for a terminal (``lang`` "en" or "zh")."""
    fc = outlook.forecast
    if fc is None:
        return t("report.forecast.none", lang, group=outlook.group, error=render(outlook.error, lang))
    hist = t("report.list_sep", lang).join(str(y) for y in fc.history["years"]) or t("report.forecast.no_years", lang)
    lines = [t("report.forecast.header", lang, group=outlook.group, date=f"{fc.as_of:%Y-%m-%d}", n_sims=fc.n_sims,
               seed=fc.seed, model=fc.model, years=hist, days=fc.history["days"])]
    widths = (24, 9, 9, 19, 11, 9)
    labels = {key: _forecast_label(key, lang) for key in fc.indicators.index}
    first = max([widths[0], *(display_width(v) + 1 for v in labels.values())])

    def line(cells):
        return "  " + pad(cells[0], first) + "".join(pad(c, w, "right") for c, w in zip(cells[1:], widths[1:]))

    lines.append(line([t(f"report.forecast.col_{c}", lang) for c in ("indicator", "ytd", "median", "interval", "target", "p")]))
    for key, row in fc.indicators.iterrows():
        sign = _LABELS[key][2]
        nd = 0 if key in ("heavy_days", "o3_8h_p90") else (2 if key == "composite_index" else 1)
        target = f"{sign} {row['target']:g}" if row["target"] is not None and not pd.isna(row["target"]) else "—"
        interval = f"{_fmt_num(row['q10'], nd)} – {_fmt_num(row['q90'], nd)}"
        p = "—" if row["p_meet"] is None or pd.isna(row["p_meet"]) else f"{row['p_meet']:.2f}"
        lines.append(line([labels[key], _fmt_num(row["ytd"], nd), _fmt_num(row["median"], nd), interval, target, p]))
    e = fc.expected
    rem, _ = _allowance(outlook, "good_day_ratio")
    heavy_rem = _allowance(outlook, "heavy_day_ratio")[0]
    lines.append(t("report.forecast.remaining", lang, days=e["remaining_days"], nongood=f"{e['remaining_nongood_days']:.1f}")
                 + (t("report.forecast.affordable", lang, rem=rem) if rem is not None else "")
                 + t("report.forecast.heavy", lang, heavy=f"{e['remaining_heavy_days']:.1f}")
                 + (t("report.forecast.affordable", lang, rem=heavy_rem) if heavy_rem is not None else ""))
    ceiling, status = _allowance(outlook, "pm25_mean")
    if ceiling is not None:
        lines.append(t("report.forecast.ceiling", lang, ceiling=ceiling, status=_status_word(status, lang)))
    for n in fc.notes:
        lines.append(t("report.forecast.note", lang, note=render(n, lang)))
    return "\n".join(lines)


def option_words(options: dict, lang: str) -> dict:
    """``Assessment.options`` with the values of the options line said in ``lang`` (the catalogue's
    ``[cli.options]``: words in Chinese, the identifiers kept beside them); a value it does not know stays."""
    from .i18n import section, t

    out = dict(options)
    for key, table in (("dust_deduction", "dust"), ("o3_8h_aggregation", "o3"), ("composite_limits", "limits")):
        words = section(f"cli.options.{table}", lang)
        if out.get(key) in words:
            out[key] = words[out[key]]
    if out.get("rules") == "in force each day":
        out["rules"] = t("cli.options.rules.each_day", lang)
    return out
