"""What the notebooks call: parameter validation and ready-made views (no calculation of their own).

A notebook in ``notebooks/`` holds a ``parameters`` cell, then ``validate(globals(), ...)``, then
calls into this module and :mod:`airq.plots`. Every number comes from :mod:`airq.assessment`,
:mod:`airq.stats`, :mod:`airq.targets` and :mod:`airq.forecast`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

__all__ = ["ParameterError", "validate", "CountyView", "county_view", "monthly_table", "summary_text", "MonthView",
           "month_view", "whatif_scenarios", "whatif_controls", "explore_frames", "measures_view", "show_text", "labelled", "styled"]

# Names an IPython kernel defines itself; anything else unexpected is a misspelt parameter.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}


class ParameterError(ValueError):
    """A bad notebook parameter, said in one sentence in the notebook's language.

    The first argument is the sentence as an :class:`airq.notes.Note` (its English text, with its
    catalogue key); ``str()`` says it in ``lang`` — the notebook's ``lang`` parameter — so a Chinese
    notebook shows the error in Chinese.
    """

    def __init__(self, message, lang: str = "en"):
        super().__init__(message)
        self.lang = lang

    def __str__(self) -> str:
        from .notes import render

        return render(self.args[0], self.lang) if self.args else ""


def _as_date(name, value, lang: str = "en") -> pd.Timestamp:
    from .notes import note

    text = str(value).strip()
    try:
        day = pd.Timestamp(text)
    except ValueError:
        raise ParameterError(note("error.notebook.not_date", name=name, value=value), lang) from None
    if len(text) < 8:
        raise ParameterError(note("error.notebook.not_full_date", name=name, value=value), lang)
    return day.normalize()


def validate(namespace: dict, expected: dict) -> dict:
    """Check a notebook's parameters; return them cleaned. Raises :class:`ParameterError`.

    Parameters
    ----------
    namespace : dict
        ``globals()`` of the notebook right after its parameters cell (papermill's injected
        parameters included: papermill only warns on unknown names, so they are refused here).
    expected : dict
        Parameter name -> kind: ``"config"`` (a plan TOML that loads), ``"store"`` (an airq
        store folder), ``"group"`` (a group of the config), ``"date"`` (a full date, not after the
        store's data for the group), ``"month"`` (``YYYY-MM``), ``"int"``, ``"lang"``.

    The errors are said in the notebook's ``lang`` parameter when it is ``"zh"`` or ``"en"``
    (English otherwise).
    """
    from . import store as _store
    from .config import ConfigError, load_plan
    from .notes import Note, note

    said = [namespace.get(k) for k, kind in expected.items() if kind == "lang"]
    lang = said[0] if said and said[0] in ("zh", "en") else "en"
    unknown = sorted(k for k in namespace if not k.startswith("_") and k not in expected and k not in _KERNEL_NAMES
                     and not callable(namespace[k]) and type(namespace[k]).__name__ != "module")
    if unknown:
        raise ParameterError(note("error.notebook.unknown", names=", ".join(unknown), expected=", ".join(expected)), lang)
    missing = [k for k in expected if k not in namespace]
    if missing:
        raise ParameterError(note("error.notebook.missing", names=", ".join(missing)), lang)
    out = {}
    for name, kind in expected.items():
        value = namespace[name]
        if kind == "config":
            try:
                out[name] = load_plan(value)
            except (ConfigError, OSError) as exc:
                first = exc.args[0] if exc.args else None  # the plan file's note, said in the same language
                raise ParameterError(note("error.notebook.config", value=value,
                                          error=first if isinstance(first, Note) else str(exc)), lang) from None
        elif kind == "store":
            if not (Path(value) / _store.MANIFEST).exists():
                raise ParameterError(note("error.notebook.not_store", value=value, manifest=_store.MANIFEST), lang)
            out[name] = str(value)
        elif kind == "int":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise ParameterError(note("error.notebook.not_whole", name=name, value=value), lang)
            out[name] = value
        elif kind == "lang":
            if value not in ("zh", "en"):
                raise ParameterError(note("error.notebook.bad_lang", value=value), lang)
            out[name] = value
        elif kind == "month":
            try:
                out[name] = pd.Period(str(value), freq="M")
            except ValueError:
                raise ParameterError(note("error.notebook.not_month", name=name, value=value), lang) from None
        elif kind == "date":
            out[name] = _as_date(name, value, lang)
        elif kind == "group":
            out[name] = value
        else:  # pragma: no cover - a notebook's own mistake
            raise ValueError(f"unknown parameter kind {kind!r}")
    plan = next((v for k, v in out.items() if expected[k] == "config"), None)
    for name, kind in expected.items():
        if kind == "group" and plan is not None and out[name] not in plan.groups:
            raise ParameterError(note("error.notebook.not_group", value=out[name], known=", ".join(plan.groups)), lang)
    _check_data(out, expected, plan, lang)
    return out


def namespace_value(value) -> str:
    """A parameter value as the user wrote it (dates as YYYY-MM-DD)."""
    return f"'{value:%Y-%m-%d}'" if isinstance(value, pd.Timestamp) else repr(str(value))


def _check_data(out: dict, expected: dict, plan, lang: str = "en") -> None:
    """A date or month past the store's data is refused (days not ingested are not invalid days)."""
    from .notes import note
    from .outlook import group_history

    store = next((v for k, v in out.items() if expected[k] == "store"), None)
    if plan is None or store is None:
        return
    group = next((v for k, v in out.items() if expected[k] == "group"), None)
    for name, kind in expected.items():
        if kind not in ("date", "month"):
            continue
        day = out[name] if kind == "date" else out[name].end_time.normalize()
        daily = group_history(plan, store, day, groups=[group] if group else None, years=1)
        have = daily[daily["aqi"].notna()]
        last = None if have.empty else pd.Timestamp(have["date"].max())
        if last is None or last < day:
            why = (note("error.notebook.why_no_valid_day") if last is None
                   else note("error.notebook.why_data_up_to", last=f"{last:%Y-%m-%d}"))
            raise ParameterError(note("error.notebook.after_data", name=name, value=namespace_value(out[name]), why=why), lang)


@dataclass
class CountyView:
    """One county as of a day: its year to date, its forecast beside the allowances, its months."""

    group: str
    as_of: pd.Timestamp
    plan: object
    assessment: object  # airq.assessment.Assessment of 1 January .. as_of
    outlook: object  # airq.outlook.GroupOutlook
    months: pd.DataFrame


def monthly_table(plan, store, group: str, as_of) -> pd.DataFrame:
    """Month by month, this year to ``as_of`` and the same months last year: good-day ratio, PM2.5."""
    from .assessment import load_group_days
    from .stats_period_stats import period_stats

    as_of = pd.Timestamp(as_of)
    start = pd.Timestamp(as_of.year - 1, 1, 1)
    daily, _ = load_group_days(plan, store, start, as_of, [group])  # with the hours where the plan's O3 rule needs them
    rows = []
    for m in range(1, as_of.month + 1):
        row = {"month": m}
        for tag, year in (("", as_of.year), ("_last_year", as_of.year - 1)):
            first = pd.Timestamp(year, m, 1)
            last = first + pd.offsets.MonthEnd(0)
            if m == as_of.month:  # the same span of a month not yet complete
                last = first + pd.Timedelta(days=min(as_of.day, last.day) - 1)
            part = daily[(daily["date"] >= first) & (daily["date"] <= last)]
            st = period_stats(part, start=first, end=last).iloc[0] if len(part) else None
            row[f"good_day_ratio{tag}"] = None if st is None else st["good_day_ratio"]
            row[f"pm25_mean{tag}"] = None if st is None else st["pm25_mean"]
            row[f"valid_days{tag}"] = 0 if st is None else int(st["valid_days"])
        rows.append(row)
    return pd.DataFrame(rows)


def county_view(config, store, group: str, as_of, *, n_sims: int = 2000, seed: int = 0) -> CountyView:
    """Everything the county notebook shows, computed by the library."""
    from .assessment import assess
    from .outlook import forecast_groups
    from .config import load_plan

    plan = load_plan(config) if not hasattr(config, "groups") else config
    as_of = pd.Timestamp(as_of).normalize()
    res = assess(plan, store, f"{as_of.year}-01-01/{as_of:%Y-%m-%d}", groups=[group], as_of=as_of)
    outlook = forecast_groups(plan, store, as_of, groups=[group], n_sims=n_sims, seed=seed)[group]
    if outlook.forecast is None:
        raise ValueError(outlook.error)
    return CountyView(group, as_of, plan, res, outlook, monthly_table(plan, store, group, as_of))


def summary_text(view: CountyView, lang: str = "zh") -> str:
    """A few sentences on where the county stands and where it is heading (``lang`` "zh" or "en";
    the words from the string catalogue, :mod:`airq.i18n`)."""
    from .i18n import t

    ind = view.outlook.forecast.indicators
    parts = []
    for key, unit_key in (("good_day_ratio", "notebook.ratio_unit"), ("pm25_mean", "notebook.pm25_unit")):
        if key not in ind.index:
            continue
        r = ind.loc[key]
        p = r["p_meet"]
        unit = t(unit_key, lang)
        s = t("notebook.summary", lang, date=t("date.day", lang, year=view.as_of.year, month=view.as_of.month,
                                                    day=view.as_of.day), group=view.group,
              indicator=t(f"indicator.{key}.short", lang), ytd=f"{r['ytd']:.1f}", median=f"{r['median']:.1f}",
              q10=f"{r['q10']:.1f}", q90=f"{r['q90']:.1f}", unit=unit)
        if p is not None and not pd.isna(p):
            s += t("notebook.summary_p", lang, target=f"{r['target']:g}", unit=unit, p=f"{100 * p:.0f}")
        parts.append(s + t("notebook.end", lang))
    return "\n".join(parts)


#: Columns of the dispatch tables (published values, plan decimals).
DISPATCH_COLUMNS = ("valid_days", "good_day_ratio", "heavy_days", "pm25_mean", "pm10_mean", "o3_8h_p90",
                    "composite_index", "composite_primary")


@dataclass
class MonthView:
    """The city dispatch of one month: every group's month and year to date, last year, ranks, forecasts."""

    month: pd.Period
    plan: object
    month_assessment: object
    ytd_assessment: object
    outlooks: dict
    table: pd.DataFrame

    @property
    def city_group(self) -> str | None:
        return next((g for g, grp in self.plan.groups.items() if grp.kind == "city"), None)


def _published(res, key: str) -> pd.Series:
    pub = res.published.set_index("group")
    return pub[key] if key in pub.columns else pd.Series(dtype=object)


def month_view(config, store, month, *, n_sims: int = 2000, seed: int = 0) -> MonthView:
    """Everything the monthly report shows, computed by the library (assess, ranks, forecasts)."""
    from .assessment import assess
    from .outlook import forecast_groups
    from .config import load_plan

    plan = load_plan(config) if not hasattr(config, "groups") else config
    month = pd.Period(str(month), freq="M")
    end = month.end_time.normalize()
    res_m = assess(plan, store, f"{month}")
    res_y = assess(plan, store, f"{month.year}-01-01/{end:%Y-%m-%d}", as_of=end)
    outlooks = forecast_groups(plan, store, end, n_sims=n_sims, seed=seed)
    rows = []
    ranks_m, ranks_y = res_m.ranks, res_y.ranks
    prev_y = res_y.previous.set_index("group") if len(res_y.previous) else pd.DataFrame()
    for g in plan.groups:
        row = {"group": g}
        for tag, res in (("month", res_m), ("ytd", res_y)):
            for k in ("valid_days", "good_day_ratio", "pm25_mean", "composite_index"):
                v = _published(res, k)
                row[f"{tag}_{k}"] = v.get(g)
        row["month_rank"], row["ytd_rank"] = ranks_m.get(g), ranks_y.get(g)
        for k in ("good_day_ratio", "pm25_mean"):
            row[f"ytd_{k}_last_year"] = prev_y[k].get(g) if k in prev_y.columns else None
        fc = outlooks[g].forecast
        for k in ("good_day_ratio", "pm25_mean"):
            ok = fc is not None and k in fc.indicators.index
            row[f"forecast_{k}"] = fc.indicators.loc[k, "median"] if ok else None
            row[f"p_meet_{k}"] = fc.indicators.loc[k, "p_meet"] if ok else None
        rows.append(row)
    return MonthView(month, plan, res_m, res_y, outlooks, pd.DataFrame(rows).set_index("group"))


def measures_view(plan, month, lang: str = "zh") -> dict | None:
    """The plan's measures for the report month (:func:`airq.measures.month_section`) as tables, or None.

    Returns None when the plan names no register (``[measures]``); else ``{"headline": str,
    "tables": {title: DataFrame}}`` — due in the month, overdue at its end (days late, lead units),
    done in the month, and the summary by lead unit. Register errors raise ``ConfigError``.
    """
    from .measures import month_section, plan_measures

    loaded = plan_measures(plan)
    if loaded is None:
        return None
    sec = month_section(*loaded, month)
    cols = ["id", "status", "due", "days_late", "done_on", "lead_units", "due_text", "text"]

    def table(rows):
        frame = pd.DataFrame(rows, columns=list(dict.fromkeys([*cols, *(rows[0] if rows else [])])), dtype=object)[cols]
        frame["lead_units"] = frame["lead_units"].map("、".join)
        return frame.fillna("—").set_index("id")

    from .i18n import t
    from .notes import render

    counts = t("report.list_sep", lang).join(f"{t(f'measure_status.{k}', lang)} {v}" for k, v in sec["counts"].items())
    headline = "\n".join([t("notebook.measures_headline", lang, register=plan.measures.register, date=sec["as_of"],
                             counts=counts), *(t("index.note", lang, note=render(n, lang)) for n in sec["notes"])])
    return {"headline": headline,
            "tables": {t("notebook.measures_due", lang): table(sec["due"]),
                       t("notebook.measures_overdue", lang): table(sec["overdue"]),
                       t("notebook.measures_done", lang): table(sec["done"]),
                       t("notebook.measures_by_lead", lang): _lead_table(sec["by_lead_unit"])}}


def _lead_table(rows) -> pd.DataFrame:
    """The summary by lead unit; a unit with no late measure shows '—' as its max days late, not <NA>."""
    if not rows:
        return pd.DataFrame()
    frame = pd.DataFrame(rows).set_index("lead_unit")
    frame["max_days_late"] = [("—" if v is None or pd.isna(v) else int(v)) for v in frame["max_days_late"]]
    return frame


# --------------------------------------------------------------------------- what-if


def _whatif_row(pos, targets, decimals, as_of, pm25, nongood, heavy, dust) -> dict:
    from .targets_whatif import whatif

    r = whatif(year=as_of.year, valid_days=pos["valid_days"], good_days=pos["good_days"], heavy_days=pos["heavy_days"],
               pm25_mean=pos["pm25_mean"], pm25_valid_days=pos["pm25_valid_days"], as_of=as_of.date(),
               targets={k: v for k, v in targets.items() if k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")},
               reporting_decimals=decimals, remaining_pm25_mean=pm25, extra_nongood_days=nongood,
               extra_heavy_days=heavy, dust_days=dust)
    return {"pm25": pm25, "nongood": nongood, "heavy": heavy, "dust": dust,
            "good_day_ratio": float(r.good_day_ratio_published), "pm25_mean": float(r.pm25_mean_published),
            "heavy_days": r.heavy_days, **{f"met_{k}": v for k, v in r.met.items()}}


def whatif_scenarios(config, store, group: str, as_of, *, pm25=(20, 25, 30, 35), nongood=(0, 5, 10, 20),
                     heavy=(0,), dust=(0,)) -> pd.DataFrame:
    """Year-end values for a grid of assumptions about the rest of the year (:func:`airq.targets.whatif`).

    Parameters (the words of ``airq whatif --assume``): ``pm25`` rest-of-year PM2.5 mean
    [µg/m³], ``nongood`` extra non-good days, ``heavy`` extra heavy days (of those), ``dust`` dust
    days deducted [days]. One row per combination, with ``met_<target>``.
    """
    from .assessment import comparison_decimals, plan_targets
    from .whatif import whatif_for_group
    from .config import load_plan

    plan = load_plan(config) if not hasattr(config, "groups") else config
    as_of = pd.Timestamp(as_of).normalize()
    pos = whatif_for_group(plan, store, group, as_of).position
    targets, _ = plan_targets(plan, group, as_of.year)
    rows = [_whatif_row(pos, targets, comparison_decimals(plan), as_of, p, n, h, d)
            for p in pm25 for n in nongood for h in heavy for d in dust if h <= n]
    return pd.DataFrame(rows)


def whatif_controls(config, store, group: str, as_of, lang: str | None = None):
    """ipywidgets sliders that recompute the year-end values live (JupyterLab); returns the widget box.

    The sliders' labels are in ``lang`` ("zh" or "en"; default the plan's, :func:`airq.i18n.default_lang`).
    """
    import ipywidgets as w
    from IPython.display import display

    from .assessment import comparison_decimals, plan_targets
    from .i18n import default_lang, t
    from .whatif import whatif_for_group
    from .config import load_plan

    plan = load_plan(config) if not hasattr(config, "groups") else config
    lang = lang or default_lang(plan)
    as_of = pd.Timestamp(as_of).normalize()
    pos = whatif_for_group(plan, store, group, as_of).position
    targets, _ = plan_targets(plan, group, as_of.year)
    left = (pd.Timestamp(as_of.year, 12, 31) - as_of).days
    pm = w.FloatSlider(value=30, min=5, max=120, step=0.5, description=t("report.widget.pm25", lang))
    ng = w.IntSlider(value=0, min=0, max=left, description=t("report.widget.nongood", lang))
    hv = w.IntSlider(value=0, min=0, max=left, description=t("report.widget.heavy", lang))
    du = w.IntSlider(value=0, min=0, max=left, description=t("report.widget.dust", lang))
    out = w.Output()

    def update(_=None):
        out.clear_output()
        with out:
            heavy = min(hv.value, ng.value)
            display(pd.Series(_whatif_row(pos, targets, comparison_decimals(plan), as_of, pm.value, ng.value, heavy,
                                          du.value)))
    for s in (pm, ng, hv, du):
        s.observe(update, names="value")
    update()
    return w.VBox([pm, ng, hv, du, out])


# --------------------------------------------------------------------------- exploration


def explore_frames(config, store, start, end) -> dict:
    """The plan's stations and groups over a period, for exploration: hourly, daily, cycles, correlations.

    Returns ``{"hourly", "group_daily", "diurnal", "weekly", "correlation", "completeness"}``:
    the hourly table of the plan's stations; the groups' daily values and AQI; the mean by hour
    of day and by weekday (station means, [µg/m³; co mg/m³]); the correlation of the groups'
    daily values; valid hours per station and month [%].
    """
    from . import store as _store
    from .assessment import group_days, station_days
    from .config import load_plan

    plan = load_plan(config) if not hasattr(config, "groups") else config
    start, end = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    stations = sorted({s for g in plan.groups for s in plan.group_stations(g)})
    hourly = _store.load(store, start=start, end=end + pd.Timedelta(days=1), stations=stations)
    sd = station_days(store, start, end, stations)
    need_hourly = plan.options.o3_8h_aggregation != "mean_of_station_max"  # the group's O3-8h from the hours
    daily = group_days(plan, sd, hourly=hourly if need_hourly else None)
    pols = [c for c in ("so2", "no2", "co", "o3", "pm10", "pm25") if c in hourly.columns]
    t = pd.to_datetime(hourly["time"])
    diurnal = hourly.groupby(t.dt.hour)[pols].mean().rename_axis("hour")
    weekly = hourly.groupby(t.dt.day_of_week)[pols].mean().rename_axis("weekday")
    corr = daily[["so2", "no2", "co", "pm10", "pm25", "o3_8h"]].corr()
    months = pd.period_range(start, end, freq="M")
    hours = months.to_timestamp().days_in_month.to_numpy() * 24
    valid = hourly.assign(month=t.dt.to_period("M")).groupby(["station", "month"])["pm25"].count().unstack()
    valid = valid.reindex(index=stations, columns=months, fill_value=0).fillna(0)
    completeness = (100 * valid / hours).round(1)
    return {"hourly": hourly, "group_daily": daily, "diurnal": diurnal, "weekly": weekly, "correlation": corr,
            "completeness": completeness}


def show_text(notebook: str, name: str, lang: str, *, level: int = 2, anchor: str | None = None) -> None:
    """Show a heading of a notebook and its paragraph, in ``lang``, as Markdown (the report's HTML keeps it).

    The words are the catalogue's ``notebook.text.<notebook>.<name>`` (the heading, of Markdown ``level``)
    and ``notebook.text.<notebook>.<name>_text`` (the paragraph below it, where there is one);
    ``anchor`` puts an ``id`` before the heading for links (``monthly_report.html#measures``).
    """
    from IPython.display import Markdown, display

    from .i18n import keys, t

    head = f"notebook.text.{notebook}.{name}"
    parts = [f'<a id="{anchor}"></a>'] if anchor else []
    parts.append("#" * level + " " + t(head, lang))
    if f"{head}_text" in keys(lang):
        parts.append(t(f"{head}_text", lang))
    display(Markdown("\n\n".join(parts)))


def labelled(frame, lang: str):
    """A table or series to show in a notebook, its column names, index name and index labels in ``lang``.

    Names the catalogue knows (``notebook.col.<name>``: ``month_pm25_mean`` → 当月PM2.5 (µg/m³),
    ``good_day_ratio`` …) are said in ``lang``, others are kept; a ``status`` column of measures says its
    words (``measure_status``) and a column of booleans says yes / no (是 / 否). A series is shown as a table
    of one column (no ``dtype`` line). The numbers are not changed; the frame given is not modified.
    """
    from .i18n import keys, t

    known = keys(lang)

    def word(name):
        key = f"notebook.col.{name}"
        return t(key, lang) if isinstance(name, str) and key in known else name

    if isinstance(frame, pd.Series):
        frame = frame.to_frame(name=t("notebook.col.value", lang) if frame.name is None else frame.name)
    out = frame.copy()
    if isinstance(out, pd.DataFrame):
        for c in out.columns:
            if out[c].dtype == bool:
                out[c] = out[c].map({True: t("report.yes", lang), False: t("report.no", lang)})
        if "status" in out.columns:
            out["status"] = out["status"].map(lambda s: t(f"measure_status.{s}", lang) if f"measure_status.{s}" in known else s)
        names = [word(c) for c in out.columns]
        if names != list(out.columns):
            out.columns = names
    else:
        out.name = word(out.name)
    if not isinstance(out.index, pd.MultiIndex):
        labels = [word(i) for i in out.index]
        if labels != list(out.index):
            out.index = pd.Index(labels)
        out.index.name = word(frame.index.name)
    return out


def styled(frame, lang: str):
    """A table to show in a notebook and the report's HTML: :func:`labelled` in ``lang``, the row labels on one
    line (a county's name is not broken into one character per line in a wide table), each column of numbers
    with the decimals its values have (whole numbers — ranks, days — without any) and a missing value as —."""
    shown = labelled(frame, lang)
    styler = shown.style.set_table_styles([{"selector": "th", "props": "white-space: nowrap;"},
                                           {"selector": "th.col_heading", "props": "white-space: normal; min-width: 4.5em;"}])
    styler = styler.format(na_rep="—")
    for column in shown.columns:
        if pd.api.types.is_float_dtype(shown[column]):
            styler = styler.format(f"{{:.{_decimals(shown[column])}f}}", subset=[column], na_rep="—")
    return styler


def _decimals(values: pd.Series, most: int = 6) -> int:
    """The decimals a column of numbers needs to show each of its values as it is (at most ``most``)."""
    found = 0
    for v in values.dropna():
        text = f"{v:.{most}f}".rstrip("0")
        found = max(found, len(text.split(".")[1]) if "." in text else 0)
    return found
