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

from .stats import rank, same_period_last_year
from .units import crosses_reference_state_change

__all__ = ["forecast_payload", "forecast_text", "jsonable", "assessment_payload", "assessment_text", "targets_payload", "targets_text", "whatif_payload",
           "whatif_text", "county_ranks", "STATUS_TEXT"]

#: How the allowance statuses of :mod:`airq.targets` read in a report.
STATUS_TEXT = {"safe": "secured", "lost": "LOST", "at_risk": "open", "not_lost": "open"}
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


def county_ranks(stats: pd.DataFrame, plan) -> dict:
    """Group -> rank by composite index among the plan's county groups with data (ascending, ties
    share a rank; standards.md §2.8). The city and single-station groups are not ranked."""
    county = np.array([plan.groups[g].kind == "county" for g in stats["group"]], dtype=bool)
    ok = stats[county & (stats["valid_days"].fillna(0) > 0).to_numpy()]
    if ok.empty:
        return {}
    ranked = rank(ok, "composite_index")
    return {g: (None if pd.isna(r) else int(r)) for g, r in zip(ranked["group"], ranked["rank"])}


def targets_payload(table: pd.DataFrame) -> dict:
    out = {}
    for key, row in table.iterrows():
        item = {
            "target": jsonable(row["target"]),
            "current": jsonable(row["current"]),
            "current_published": jsonable(row["current_published"]),
            "met_so_far": jsonable(row["met_so_far"]),
            "remaining": jsonable(row["remaining"]),
            "remaining_unit": row["remaining_unit"],
            "status": row["status"],
        }
        if key == "pm25_mean":
            c = row["detail"]
            item.update(
                ceiling_exact=jsonable(c.ceiling),
                ceiling_inclusive=bool(c.ceiling_inclusive),
                ceiling_safe=jsonable(c.safe_ceiling),
                effective_threshold=jsonable(c.effective_threshold),
            )
        out[key] = item
    return out


def targets_text(table: pd.DataFrame) -> str:
    """The targets table: target, value now, remaining allowance, status."""
    rows = {}
    for key, row in table.iterrows():
        rem = row["remaining"]
        if rem is None or (isinstance(rem, float) and math.isnan(rem)):
            remaining = "— (year complete)"
        elif key == "pm25_mean":
            c = row["detail"]
            rel = "≤" if c.ceiling_inclusive else "<"
            remaining = f"{rel} {float(c.ceiling):.2f} µg/m³ (safe {c.safe_ceiling})"
        else:
            remaining = f"{rem} {row['remaining_unit']}"
        met = row["met_so_far"]
        rows[key] = {
            "target": str(row["target"]),
            "now": "—" if row["current_published"] is None else str(row["current_published"]),
            "met so far": "—" if met is None else ("yes" if met else "no"),
            "remaining": remaining,
            "status": STATUS_TEXT.get(row["status"], row["status"]),
        }
    return pd.DataFrame.from_dict(rows, orient="index").to_string()


def assessment_payload(res, plan) -> dict:
    """One JSON object keyed by group (the ``airq assess --json`` output)."""
    stats = res.stats.set_index("group")
    pub = res.published.set_index("group") if len(res.published) else pd.DataFrame()
    prev = res.previous.set_index("group") if len(res.previous) else pd.DataFrame()
    ranks = county_ranks(res.stats, plan)
    change = pd.DataFrame()
    if len(res.previous):
        from .stats import compare_periods

        change = compare_periods(res.stats.dropna(subset=["valid_days"]), res.previous).set_index("group")
    change_keys = ("good_day_ratio_change_pp", "heavy_day_ratio_change_pp", "good_days_change", "heavy_days_change",
                   "pm25_mean_change", "pm25_mean_change_pct", "composite_index_change", "composite_index_change_pct")
    payload = {}
    for g in stats.index:
        row = {k: jsonable(stats.loc[g, k]) for k in _STAT_KEYS if k in stats.columns}
        row["rank_composite_index"] = ranks.get(g)
        row["start"] = f"{res.start:%Y-%m-%d}"
        row["end"] = f"{res.end:%Y-%m-%d}"
        row["published"] = {k: jsonable(pub.loc[g, k]) for k in _PUBLISHED_KEYS if g in pub.index and k in pub.columns}
        row["previous_year"] = {k: jsonable(prev.loc[g, k]) for k in ("valid_days", "good_days", "good_day_ratio", "heavy_days", "pm25_mean")
                                if g in prev.index and k in prev.columns}
        row["change_vs_previous_year"] = {k: jsonable(change.loc[g, k]) for k in change_keys
                                          if g in change.index and k in change.columns}
        if g in res.targets:
            row["targets"] = targets_payload(res.targets[g])
            row["targets_as_of"] = f"{res.as_of:%Y-%m-%d}"
        payload[g] = row
    return payload


def assessment_text(res, plan, *, title: str | None = None) -> str:
    """The assessment for a terminal: one table of groups, notes, then each group's targets."""
    stats = res.stats.set_index("group")
    pub = res.published.set_index("group") if len(res.published) else pd.DataFrame()
    prev = res.previous.set_index("group") if len(res.previous) else pd.DataFrame()
    dec = plan.options.decimals
    ranks = county_ranks(res.stats, plan)
    prev_pub = None
    if len(res.previous):
        from .stats import publish

        prev_pub = publish(res.previous, decimals=dict(dec)).set_index("group")
    rows = []
    for g in stats.index:
        has = g in pub.index and stats.loc[g, "valid_days"] > 0
        rows.append({
            "group": g,
            "valid days": int(stats.loc[g, "valid_days"]) if not pd.isna(stats.loc[g, "valid_days"]) else 0,
            "good": int(stats.loc[g, "good_days"]) if has else "—",
            "good %": _fmt(pub.loc[g, "good_day_ratio"], dec.get("good_day_ratio", 1)) if has else "—",
            "heavy": int(stats.loc[g, "heavy_days"]) if has else "—",
            "heavy %": _fmt(pub.loc[g, "heavy_day_ratio"], dec.get("heavy_day_ratio", 1)) if has else "—",
            "PM2.5": _fmt(pub.loc[g, "pm25_mean"], dec.get("pm25_mean", 1)) if has else "—",
            "last year": (_fmt(prev_pub.loc[g, "pm25_mean"], dec.get("pm25_mean", 1))
                          if prev_pub is not None and g in prev_pub.index and prev.loc[g, "valid_days"] > 0 else "—"),
            "composite": _fmt(pub.loc[g, "composite_index"], dec.get("composite_index", 2)) if has else "—",
            "rank": ranks.get(g) if ranks.get(g) is not None else "—",
            "sufficient": ("yes" if bool(stats.loc[g, "sufficient"]) else "no") if has else "—",
        })
    rules = sorted({r for r in stats["rules"].dropna() for r in str(r).split("+")})
    lines = [title or f"{plan.name}: {res.start:%Y-%m-%d} .. {res.end:%Y-%m-%d}  (rules: {', '.join(rules) or '—'})",
             pd.DataFrame(rows).to_string(index=False)]
    lines.append("PM2.5 [µg/m³], ratios [%] over valid days; rank = composite index among the counties (1 = cleanest)")
    notes = list(res.notes)
    if crosses_reference_state_change((res.start, res.end), same_period_last_year(res.start, res.end)):
        notes.append("the comparison with last year crosses 2018-09-01, when gases moved to the 298.15 K reference state "
                     "(about -8.4 %); convert with airq.units.to_reference_state before comparing gases")
    for n in notes:
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
            lines.append(f"\n{g} — no valid day in the period: nothing to judge (check the station codes and the store)")
    return "\n".join(lines)


def whatif_payload(group, as_of, pos, table, result, assume) -> dict:
    rem = table["remaining"]
    targets = targets_payload(table)
    payload = {
        "group": group,
        "as_of": f"{as_of:%Y-%m-%d}",
        "position": {k: jsonable(v) for k, v in pos.items() if k != "o3_8h"},
        "remaining_nongood_days": jsonable(rem.get("good_day_ratio")) if "good_day_ratio" in rem else None,
        "remaining_heavy_days": jsonable(rem.get("heavy_day_ratio")) if "heavy_day_ratio" in rem else None,
        "pm25_ceiling_remaining": targets.get("pm25_mean", {}).get("ceiling_exact"),
        "targets": targets,
    }
    if "pm25_mean" in targets:
        t = targets["pm25_mean"]
        payload.update(pm25_ceiling_exact=t["ceiling_exact"], pm25_ceiling_inclusive=t["ceiling_inclusive"],
                       pm25_ceiling_safe=t["ceiling_safe"], pm25_ceiling_published=t["remaining"],
                       pm25_effective_threshold=t["effective_threshold"])
    if result is not None:
        payload["assumptions"] = {k: jsonable(v) for k, v in assume.items()}
        payload["year_end"] = {
            "valid_days": result.valid_days,
            "good_days": result.good_days,
            "heavy_days": result.heavy_days,
            "good_day_ratio": jsonable(result.good_day_ratio),
            "good_day_ratio_published": jsonable(result.good_day_ratio_published),
            "heavy_day_ratio": jsonable(result.heavy_day_ratio),
            "heavy_day_ratio_published": jsonable(result.heavy_day_ratio_published),
            "pm25_mean": jsonable(result.pm25_mean),
            "pm25_mean_published": jsonable(result.pm25_mean_published),
            "met": {k: bool(v) for k, v in result.met.items()},
        }
    return payload


def whatif_text(payload: dict, table: pd.DataFrame) -> str:
    p = payload["position"]
    pm = "—" if p["pm25_mean"] is None else f"{p['pm25_mean']:.2f} µg/m³ (unrounded)"
    lines = [f"{payload['group']} as of {payload['as_of']}: {p['valid_days']} valid days, {p['good_days']} good, "
             f"{p['heavy_days']} heavy; PM2.5 mean {pm}",
             targets_text(table)]
    if payload.get("pm25_ceiling_exact") is not None:
        rel = "≤" if payload["pm25_ceiling_inclusive"] else "<"
        lines.append(f"PM2.5: the remaining days must average {rel} {payload['pm25_ceiling_exact']:.3f} µg/m³ "
                     f"(annual mean must stay {rel} {payload['pm25_effective_threshold']:g}, the largest value that is "
                     f"still published as the target); a safe control value is {payload['pm25_ceiling_safe']}")
    lines.append("remaining allowances assume every remaining calendar day is valid unless --assume valid_days= says otherwise")
    if "year_end" in payload:
        y = payload["year_end"]
        met = ", ".join(f"{k} {'met' if v else 'MISSED'}" for k, v in y["met"].items())
        lines.append(f"year end under {payload['assumptions']}: {y['valid_days']} valid days, good "
                     f"{y['good_day_ratio_published']} %, heavy {y['heavy_day_ratio_published']} %, PM2.5 "
                     f"{y['pm25_mean_published']} µg/m³ — {met}")
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
