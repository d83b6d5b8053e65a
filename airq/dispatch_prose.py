"""The words of the monthly dispatch in sentences (:mod:`airq.dispatch`): the summary and the notes.

* :func:`summary_paragraphs` — the generated summary (一 overview of the Word document): the city's
  month and year-to-date figures against its targets, the change against the same period last year
  (withheld when that period is not sufficient), the best and worst counties by composite index, the
  year-end forecast, the probability of meeting each target and the allowances left;
* the notes on rules and data (the rules applied, the data vintage, the forecast's simulations and
  seed, the software; the notes of the results and every failed group), which both the Word document
  and the 说明 sheet of the Excel workbook list.

Every figure is the published one of ``summary`` or rounded once (GB/T 8170, :mod:`airq.dispatch_words`);
the sentences are the catalogue's ``[dispatch.prose]`` and ``[dispatch.data]`` texts.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from .dispatch_words import (
    _FORECAST_KEYS,
    _Words,
    _count,
    _decimal_table,
    _decimals_of,
    _error_said,
    _month_label,
    _p_percent,
    _rounded,
    _said,
    _show,
    _words,
    _ytd_label,
    city_group,
)

__all__ = ["summary_paragraphs"]


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


# --------------------------------------------------------------------------- notes on rules and data


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
