"""Presentation of assessment results: JSON payloads and terminal tables (no calculation here).

Used by the command line and the demo job. Published figures are shown as
:func:`airq.stats.publish` rounded them (GB/T 8170, once), at the plan's decimals, with their
trailing zeros; unrounded values go to JSON as plain floats.
"""

from __future__ import annotations

import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pandas as pd

from .textable import format_table

__all__ = ["forecast_payload", "forecast_text", "jsonable", "assessment_payload", "assessment_document", "assessment_text", "targets_payload", "targets_text",
           "whatif_text", "STATUS_TEXT", "STATUS_LEGEND"]

#: What each allowance status of :mod:`airq.targets` means; text, JSON and Python use the same words.
STATUS_TEXT = {"safe": "met whatever the remaining days bring", "at_risk": "still reachable, not yet sure",
               "lost": "out of reach whatever the remaining days bring",
               "not_lost": "not lost (valid days so far unknown, safety not judged)"}
#: The line under every targets table.
STATUS_LEGEND = "status: " + "; ".join(f"{k} = {v}" for k, v in STATUS_TEXT.items() if k != "not_lost")
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
    from .targets import plain_targets

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


def targets_text(table: pd.DataFrame) -> str:
    """The targets table: target, value now, remaining allowance, status (the library's words)."""
    rows = []
    for key, row in table.iterrows():
        rem = row["remaining"]
        if rem is None or (isinstance(rem, float) and math.isnan(rem)):
            remaining = "— (year complete)"
        elif key == "pm25_mean":
            c = row["detail"]
            rel = "≤" if c.ceiling_inclusive else "<"
            remaining = f"≤ {c.safe_ceiling} µg/m³ (exact {rel} {_floor(c.ceiling, 3)})"
        else:
            remaining = f"{rem} {row['remaining_unit']}"
        met = row["met_so_far"]
        rows.append({"target_key": key, "target": str(row["target"]),
                     "now": "—" if row["current_published"] is None else str(row["current_published"]),
                     "met_so_far": "—" if met is None else ("yes" if met else "no"),
                     "remaining": remaining, "status": row["status"]})
    return format_table(rows, align={"remaining": "left"}) + "\n" + STATUS_LEGEND


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
        from .stats import compare_periods

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


def assessment_text(res, plan, *, title: str | None = None) -> str:
    """The assessment for a terminal: one table of groups, notes, then each group's targets.

    Column headers are the JSON names; Chinese names stay aligned (display width).
    """
    stats = res.stats.set_index("group")
    pub = res.published.set_index("group") if len(res.published) else pd.DataFrame()
    dec = plan.options.decimals
    prev_pub = None
    if len(res.previous):
        from .stats import publish

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
            "sufficient": ("yes" if bool(stats.loc[g, "sufficient"]) else "no") if has else "—",
        })
    rules = sorted({r for r in stats["rules"].dropna() for r in str(r).split("+")})
    lines = [title or f"{plan.name}: {res.start:%Y-%m-%d} .. {res.end:%Y-%m-%d}  (rules: {', '.join(rules) or '—'})",
             format_table(rows)]
    prev = "" if res.previous_start is None else f"{res.previous_start:%Y-%m-%d} .. {res.previous_end:%Y-%m-%d}"
    lines.append(f"pm25_mean [µg/m³]; ratios [%] over valid days; pm25_mean_prev = the same period a year earlier ({prev}), "
                 "* = not sufficient; " + (f"rank = composite index among the plan's counties ({', '.join(res.ranked_among)}; "
                                           "1 = cleanest)" if res.ranked_among else "rank: no county group of the plan has data"))
    for n in res.notes:
        lines.append(f"note: {n}")
    opts = res.options
    if opts:
        ms = sorted(set(opts["min_stations"].values()))
        lines.append(f"options: min stations per group day {ms[0] if len(ms) == 1 else ms}, county O3 8-h = "
                     f"{opts['o3_8h_aggregation']}, dust deduction = {opts['dust_deduction']}, composite S_i = "
                     f"{opts['composite_limits']}, rules = {opts['rules']}")
    for g in stats.index:
        if g in res.targets:
            lines.append(f"\n{g} — targets, year to date {res.as_of.year}-01-01 .. {res.as_of:%Y-%m-%d}")
            lines.append(targets_text(res.targets[g]))
        elif not stats.loc[g, "valid_days"] > 0:
            lines.append(f"\n{g} — no valid day in the period: nothing to judge (airq quality --store STORE --period "
                         f"{res.start:%Y-%m} shows what the store holds for its stations)")
    return "\n".join(lines)


def whatif_text(res) -> str:
    """A :class:`airq.whatif.WhatIf` for a terminal: position, allowances, assumptions, year end, notes."""
    p = res.position
    pm = "—" if p["pm25_mean"] is None else f"{p['pm25_mean']:.2f} µg/m³ (unrounded)"
    lines = [f"{res.group} as of {res.as_of:%Y-%m-%d}: {p['valid_days']} valid days, {p['good_days']} good, "
             f"{p['heavy_days']} heavy; PM2.5 mean {pm}", targets_text(res.exact_allowances)]
    if "pm25_mean" in res.exact_allowances.index:
        c = res.exact_allowances.loc["pm25_mean", "detail"]
        if c.ceiling is not None:
            rel = "≤" if c.ceiling_inclusive else "<"
            lines.append(f"PM2.5: the remaining days must average {rel} {_floor(c.ceiling, 3)} µg/m³ (exact; the annual mean "
                         f"must stay {rel} {float(c.effective_threshold):g}, the largest value still published as the "
                         f"target); averaging the safe value {c.safe_ceiling} meets it")
    if res.year_end is not None:
        y = res.year_end
        given = ", ".join(f"{k}={v}" for k, v in res.assumptions.items())
        shown = []
        if y["good_day_ratio_published"] is not None:
            shown.append(f"good-day ratio {y['good_day_ratio_published']:.1f} % ({y['good_days']} of {y['valid_days']} days)")
        if y["heavy_day_ratio_published"] is not None:
            shown.append(f"heavy ratio {y['heavy_day_ratio_published']:.1f} % ({y['heavy_days']} days)")
        if y["pm25_mean_published"] is not None:
            shown.append(f"PM2.5 {y['pm25_mean_published']:.1f} µg/m³")
        met = ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in y["met"].items())
        lines.append(f"year end assuming {given}: " + ("; ".join(shown) or "nothing answerable") + (f" — {met}" if met else ""))
    for n in res.notes:
        lines.append(f"note: {n}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- forecasts

_LABELS = {
    "good_day_ratio": ("good-day ratio", "%", "≥"),
    "pm25_mean": ("PM2.5 mean", "µg/m³", "≤"),
    "heavy_days": ("heavy days", "days", "≤"),
    "heavy_day_ratio": ("heavy ratio", "%", "≤"),
    "pm10_mean": ("PM10 mean", "µg/m³", "≤"),
    "o3_8h_p90": ("O3-8h P90", "µg/m³", "≤"),
    "composite_index": ("composite index", "", "≤"),
}

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


def forecast_text(outlook) -> str:
    fc = outlook.forecast
    if fc is None:
        return f"{outlook.group}: no forecast — {outlook.error}"
    hist = ", ".join(str(y) for y in fc.history["years"]) or "none"
    lines = [f"{outlook.group} — year-end forecast as of {fc.as_of:%Y-%m-%d} ({fc.n_sims} simulated years, seed "
             f"{fc.seed}, model {fc.model}; prior years {hist}: {fc.history['days']} valid days)"]
    head = f"  {'indicator':<24}{'YTD':>9}{'median':>9}{'80% interval':>19}{'target':>11}{'P(meet)':>9}"
    lines.append(head)
    for key, row in fc.indicators.iterrows():
        name, unit, sign = _LABELS[key]
        nd = 0 if key in ("heavy_days", "o3_8h_p90") else (2 if key == "composite_index" else 1)
        label = f"{name} [{unit}]" if unit else name
        target = f"{sign} {row['target']:g}" if row["target"] is not None and not pd.isna(row["target"]) else "—"
        interval = f"{_fmt_num(row['q10'], nd)} – {_fmt_num(row['q90'], nd)}"
        p = "—" if row["p_meet"] is None or pd.isna(row["p_meet"]) else f"{row['p_meet']:.2f}"
        lines.append(f"  {label:<24}{_fmt_num(row['ytd'], nd):>9}{_fmt_num(row['median'], nd):>9}{interval:>19}{target:>11}{p:>9}")
    e = fc.expected
    rem, _ = _allowance(outlook, "good_day_ratio")
    lines.append(f"  remaining {e['remaining_days']} days: expected non-good {e['remaining_nongood_days']:.1f}"
                 + (f" (still affordable: {rem})" if rem is not None else "")
                 + f"; expected heavy {e['remaining_heavy_days']:.1f}"
                 + (f" (still affordable: {_allowance(outlook, 'heavy_day_ratio')[0]})"
                    if _allowance(outlook, "heavy_day_ratio")[0] is not None else ""))
    ceiling, status = _allowance(outlook, "pm25_mean")
    if ceiling is not None:
        lines.append(f"  PM2.5 of the remaining days must average ≤ {ceiling} µg/m³ (status: {status})")
    for n in fc.notes:
        lines.append(f"  note: {n}")
    return "\n".join(lines)
