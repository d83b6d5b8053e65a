"""The shared words, numbers and summary reading of the monthly dispatch (:mod:`airq.dispatch`).

Holds what the tables (:mod:`airq.dispatch_tables`), the prose (:mod:`airq.dispatch_prose`), the Word
document (:mod:`airq.dispatch_docx`) and the Excel workbook (:mod:`airq.dispatch_xlsx`) share:

* the words: :data:`TEXT` and :data:`INDICATORS` (the Chinese words) and ``_words(lang, summary)``, the
  words of the dispatch in one language. Every word comes from the string catalogue (:mod:`airq.i18n`,
  the ``[dispatch]`` tables of ``airq/locale/*.toml``); the language is the report's (``summary["lang"]``,
  or ``lang=``): English for "en", Chinese otherwise — the 通报 of a Chinese plan is a Chinese document;
* the figures: the decimals of each statistic and the rounding of the values summary.json keeps only
  unrounded (the changes against last year, last year's values and the forecast quantiles) — rounded
  once with :func:`airq.rounding.round_gbt8170` (GB/T 8170) at the decimals :func:`airq.stats.publish`
  uses for them; a value is never re-rounded (a published 96.4 is printed "96.4");
* the reading of ``summary``: the city group (:func:`city_group`), the order of the groups (the city,
  then the counties by rank of composite index), the messages said in the dispatch's language, the
  month and year-to-date labels, the forecast indicators and probabilities;
* the fixed time stamp and zip of the files, which make the output deterministic (the same summary
  and charts give the same bytes).
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Mapping
from decimal import Decimal

import pandas as pd

from .i18n import check_lang, section, t
from .notes import render
from .rounding import round_gbt8170

__all__ = ["LANG", "TEXT", "INDICATORS", "city_group"]


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


# --------------------------------------------------------------------------- the summary


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


# --------------------------------------------------------------------------- files


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
