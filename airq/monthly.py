"""The monthly report run: papermill notebooks, HTML, an index and a summary, one folder per month.

``airq report --config CONFIG --store DIR --month YYYY-MM|last`` executes
``notebooks/monthly_report.ipynb`` once and ``notebooks/county_trajectory.ipynb`` once per group
of the plan into ``<out>/<plan>/<YYYY-MM>/``:

* the executed notebooks and their HTML without code cells (nbconvert, ``exclude_input``);
* ``index.html`` linking everything, failed groups marked;
* ``data_vintage``: the sha256 of the store's manifest and the last day and hour of data the
  report used (up to the month's end; hour-start stamp, Beijing time);
* ``summary.json`` (one object: ``plan``, ``month``, ``generated_by``, ``data_vintage``, ``seed``,
  ``n_sims``, ``groups``; each group ``status``, ``error`` (English; ``error_text``: said in each
  language, :mod:`airq.notes`), ``month`` and ``ytd`` as
  ``airq assess --json`` gives them for those periods, ``forecast`` as ``airq forecast --json``,
  ``files``; ``measures``: when the plan names a register in ``[measures]``, the measures due in
  the month, overdue at its end, done in it and the summary by lead unit —
  :func:`airq.measures.month_section`, its ``notes`` also as ``notes_text`` in each language —, else null) and
  ``summary.csv`` (one row per group).

The folder is built beside the old one and swapped in only when complete, so a crash mid-run
leaves the previous report intact. One group that fails is marked failed while the others
complete; the run then exits 3.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import os
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .util import atomic_write_text

__all__ = ["NOTEBOOKS", "run_report", "ReportRun", "last_full_month"]

#: The notebooks the report executes.
NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


@dataclass
class ReportRun:
    """What a report run made: the folder, the summary, and whether every group succeeded."""

    folder: Path
    summary: dict

    @property
    def failed(self) -> list[str]:
        return [g for g, v in self.summary["groups"].items() if v["status"] != "ok"]


def last_full_month(plan, store_dir) -> pd.Period:
    """The last calendar month whose last day has data in the store (the month to report)."""
    from . import store
    from .notes import note
    from .outlook import group_history

    months = sorted({m.group(1) for rel in store.read_manifest(store_dir).get("partitions", {})
                     for m in [re.search(r"month=(\d{4}-\d{2})", rel)] if m})
    if not months:
        raise ValueError(note("error.report.store_empty", store=str(store_dir)))
    newest = pd.Period(months[-1], freq="M").end_time.normalize()  # the store's newest month, however old
    daily = group_history(plan, store_dir, newest, years=2)
    have = daily[daily["aqi"].notna()]
    if have.empty:
        raise ValueError(note("error.report.no_valid_aqi", store=str(store_dir)))
    last = pd.Timestamp(have["date"].max())
    month = last.to_period("M")
    return month if last == month.end_time.normalize() else month - 1


def _versions() -> dict:
    import importlib.metadata as md

    out = {"python": sys.version.split()[0]}
    for pkg in ("airq-cn", "numpy", "pandas", "statsmodels", "matplotlib", "papermill", "nbconvert"):
        try:
            out[pkg] = md.version(pkg)
        except md.PackageNotFoundError:
            out[pkg] = None
    return out


def _vintage(store_dir, daily: pd.DataFrame) -> dict:
    from . import store

    manifest = Path(store_dir) / store.MANIFEST
    have = daily[daily["aqi"].notna()]
    last_day = None if have.empty else pd.Timestamp(have["date"].max())
    last_hour = None
    if last_day is not None:
        hours = store.load(store_dir, start=last_day - pd.Timedelta(days=2), end=last_day + pd.Timedelta(days=1))
        if len(hours):  # hour-start stamp, Beijing time (airq.timeconv); the Chinese label is one hour later
            last_hour = f"{pd.Timestamp(hours['time'].max()):%Y-%m-%d %H:%M}"
    return {"manifest_sha256": hashlib.sha256(manifest.read_bytes()).hexdigest(),
            "last_data_day": None if last_day is None else f"{last_day:%Y-%m-%d}",
            "last_data_hour_start": last_hour}


def _execute(notebook: Path, out_nb: Path, params: dict) -> None:
    import papermill as pm
    from nbconvert import HTMLExporter

    with _kernel_stderr_quiet():
        pm.execute_notebook(str(notebook), str(out_nb), parameters=params, progress_bar=False, log_output=False,
                            kernel_name="python3", cwd=str(Path.cwd()))
    body, _ = _html_exporter(HTMLExporter).from_filename(str(out_nb))
    atomic_write_text(out_nb.with_suffix(".html"), body)


#: Cells tagged so are for JupyterLab only (the bilingual title shown before a run); the report's HTML leaves them out
#: and shows the headings the notebook said in its ``lang`` (:func:`airq.notebook.show_text`).
NOTEBOOK_ONLY_TAG = "notebook-only"


def _html_exporter(exporter_class):
    """nbconvert's HTML exporter without the code, the prompts and the cells tagged :data:`NOTEBOOK_ONLY_TAG`."""
    from traitlets.config import Config

    config = Config()
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = {NOTEBOOK_ONLY_TAG}
    return exporter_class(config=config, exclude_input=True, exclude_input_prompt=True, exclude_output_prompt=True)


@contextlib.contextmanager
def _kernel_stderr_quiet():
    """Keep the kernel process's start-up chatter (inherited stderr) out of cron logs.

    A failing notebook is still reported: papermill raises with the cell's error, which the
    run turns into the group's one-sentence error.
    """
    try:
        fd = sys.stderr.fileno()
    except (AttributeError, OSError, ValueError):
        yield
        return
    sys.stderr.flush()
    saved = os.dup(fd)
    with tempfile.TemporaryFile() as sink:
        os.dup2(sink.fileno(), fd)
        try:
            yield
        finally:
            os.dup2(saved, fd)
            os.close(saved)


def _error_sentence(exc: BaseException) -> str:
    """The one sentence of a failure: a catalogue note kept as it is (said in the report's language by
    ``index.html`` and the dispatch, :mod:`airq.notes`), else the last line of the error (a notebook's ``evalue``)."""
    from .notes import Note

    first = exc.args[0] if exc.args else None
    if isinstance(first, Note):
        return first
    text = str(exc).strip().splitlines()
    evalue = getattr(exc, "evalue", None)
    return (evalue or (text[-1] if text else type(exc).__name__)).strip()


def _index(summary: dict, title: str, lang: str = "zh") -> str:
    """``index.html``: links to the dispatch, the files and every group's notebook, in ``lang`` (the catalogue's ``[index]``)."""
    from .i18n import t
    from .notes import render

    rows = []
    for g, v in summary["groups"].items():
        ytd = (v.get("ytd") or {}).get("published", {})
        fc = (v.get("forecast") or {}).get("indicators", {})
        cells = [html.escape(g), "✔" if v["status"] == "ok" else html.escape(t("index.failed", lang, error=render(v.get("error") or "", lang))),
                 str(ytd.get("good_day_ratio", "—")), str(ytd.get("pm25_mean", "—")),
                 "—" if "pm25_mean" not in fc else f"{fc['pm25_mean']['median']:.1f}",
                 f"<a href='{html.escape(v['files']['html'])}'>HTML</a>" if v["status"] == "ok" else ""]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    head = "".join(f"<th>{html.escape(t(f'index.{h}', lang)) if h else ''}</th>"
                   for h in ("col_group", "col_status", "col_good_day_ratio", "col_pm25", "col_pm25_forecast", ""))
    return (f"<!doctype html><html lang='{t('index.html_lang', lang)}'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            "<style>body{font-family:'Noto Sans CJK SC',sans-serif;margin:2em}table{border-collapse:collapse}"
            "td,th{border:1px solid #ccc;padding:4px 8px}</style></head><body>"
            + (f"<p style='background:#ffeb99;padding:6px'><b>{html.escape(summary['banner'])}</b></p>"
               if summary.get("banner") else "")
            + f"<h1>{html.escape(title)}</h1><p><a href='monthly_report.html'>{html.escape(t('index.dispatch_link', lang))}</a></p>"
            + "".join(f"<p><a href='{html.escape(f)}'>{html.escape(f)}</a></p>" for f in (summary.get("dispatch") or {}).values())
            + _index_measures(summary.get("measures"), lang)
            + f"<table><tr>{head}</tr>{''.join(rows)}</table>"
            f"<p>{html.escape(t('index.data', lang, vintage=_vintage_text(summary['data_vintage'], lang), seed=summary['seed']))}</p>"
            "</body></html>")


def _vintage_text(vintage: dict, lang: str) -> str:
    """The data a report was made from, as the 通报 words it (last day and hour, the manifest's sha256)."""
    from .i18n import t

    if not vintage.get("last_data_day"):
        return json.dumps(vintage)
    text = t("dispatch.data.vintage", lang, day=vintage["last_data_day"], hour=vintage.get("last_data_hour_start") or "—",
             sha256=vintage["manifest_sha256"])
    return text.rstrip("。.")


def _index_measures(m: dict | None, lang: str = "zh") -> str:
    from .i18n import t
    from .notes import render

    if not m:
        return ""
    return (f"<p>{html.escape(t('index.measures', lang, month=m['month'], due=len(m['due']), overdue=m['counts']['overdue'], done=len(m['done'])))}"
            "<a href='monthly_report.html#measures'>monthly_report.html</a></p>"
            + "".join(f"<p>{html.escape(t('index.note', lang, note=render(n, lang)))}</p>" for n in m.get("notes", [])))


def _csv(summary: dict) -> str:
    rows = []
    for g, v in summary["groups"].items():
        m, y = (v.get("month") or {}).get("published", {}), (v.get("ytd") or {}).get("published", {})
        fc = (v.get("forecast") or {}).get("indicators", {})
        rows.append({"group": g, "status": v["status"], "error": v.get("error"),
                     "month_good_day_ratio": m.get("good_day_ratio"), "month_pm25_mean": m.get("pm25_mean"),
                     "ytd_good_day_ratio": y.get("good_day_ratio"), "ytd_pm25_mean": y.get("pm25_mean"),
                     "ytd_composite_index": y.get("composite_index"),
                     "ytd_rank": (v.get("ytd") or {}).get("rank_composite_index"),
                     **{f"forecast_{k}_{q}": (fc.get(k) or {}).get(q) for k in ("good_day_ratio", "pm25_mean")
                        for q in ("median", "q10", "q90", "p_meet")}})
    frame = pd.DataFrame(rows)
    frame["ytd_rank"] = frame["ytd_rank"].astype("Int64")
    return frame.to_csv(index=False, lineterminator="\n")


def run_report(config, store_dir, month="last", *, out="reports", lang: str | None = None, n_sims: int = 2000, seed: int = 0,
               notebooks: Path | None = None, progress: bool = False, banner: str | None = None) -> ReportRun:
    """Make the month's report folder (module docstring). Raises ``ValueError`` on bad input.

    ``banner``: a line shown above the index and kept in ``summary.json`` (``"banner"``), e.g.
    the demo's "SYNTHETIC data" warning. ``lang`` ("zh" or "en"): the language of the notebooks'
    texts and of ``index.html`` (default :func:`airq.i18n.default_lang` of the plan: "zh" for a
    Chinese plan); ``summary.json`` keeps it as ``"lang"``. The Word dispatch and the Excel tables follow it
    (English for "en", Chinese otherwise).
    """
    from .assessment import assess
    from .outlook import forecast_groups, group_history
    from .config import load_plan
    from .report import assessment_payload, forecast_payload
    from .dispatch import write_dispatch

    from .i18n import LANGS, default_lang
    from .notes import note, render

    plan = load_plan(config)
    lang = default_lang(plan) if lang is None else lang
    if lang not in LANGS:
        raise ValueError(note("error.report.bad_lang", lang=lang, langs=", ".join(LANGS)))
    month = last_full_month(plan, store_dir) if str(month) == "last" else pd.Period(str(month), freq="M")
    measures = _measures(plan, month)  # a bad register fails the report before any notebook runs
    end = month.end_time.normalize()
    nb_dir = Path(notebooks) if notebooks else NOTEBOOKS
    final = Path(out) / Path(config).stem / f"{month}"
    work = final.with_name(f".{final.name}.partial-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    try:
        res_m = assess(plan, store_dir, f"{month}")
        res_y = assess(plan, store_dir, f"{month.year}-01-01/{end:%Y-%m-%d}", as_of=end)
        outlooks = forecast_groups(plan, store_dir, end, n_sims=n_sims, seed=seed)
        pay_m, pay_y = assessment_payload(res_m, plan), assessment_payload(res_y, plan)
        history = group_history(plan, store_dir, end, years=1)
        summary = {"plan": plan.name, "month": f"{month}", "generated_by": _versions(),
                   "data_vintage": _vintage(store_dir, history), "seed": seed, "n_sims": n_sims, "lang": lang,
                   "banner": banner, "notes": {"month": list(res_m.notes), "ytd": list(res_y.notes)},
                   "notes_text": {lg: {"month": [render(n, lg) for n in res_m.notes], "ytd": [render(n, lg) for n in res_y.notes]}
                                  for lg in LANGS},  # the notes said in each language (the 通报, index.html)
                   "measures": measures,
                   "groups": {}}
        base = {"config": str(config), "store": str(store_dir), "n_sims": n_sims, "seed": seed, "lang": lang}
        jobs = [("monthly_report", nb_dir / "monthly_report.ipynb", {**base, "month": f"{month}"}, None)]
        jobs += [(f"county_{g}", nb_dir / "county_trajectory.ipynb", {**base, "group": g, "as_of": f"{end:%Y-%m-%d}"}, g)
                 for g in plan.groups]
        bar = _bar(len(jobs), progress, lang)
        for stem, nb, params, group in jobs:
            error = None
            try:
                if group is not None and outlooks[group].forecast is None:
                    raise ValueError(outlooks[group].error)
                _execute(nb, work / f"{stem}.ipynb", params)
            except Exception as exc:  # one group's failure is reported, the others go on
                error = _error_sentence(exc)
            if group is None and error:
                raise ValueError(note("error.report.notebook_failed", error=error))
            if group is not None:
                fc_notes = outlooks[group].forecast.notes if outlooks[group].forecast is not None else []
                summary["groups"][group] = {
                    "status": "ok" if error is None else "failed", "error": error,
                    "error_text": None if error is None else {lg: render(error, lg) for lg in LANGS},
                    "month": pay_m.get(group), "ytd": pay_y.get(group), "forecast": forecast_payload(outlooks[group]),
                    "forecast_notes_text": {lg: [render(n, lg) for n in fc_notes] for lg in LANGS},
                    "files": {"html": f"{stem}.html", "notebook": f"{stem}.ipynb"}}
            bar(stem)
        from .i18n import t

        title = t("index.title", lang, plan=plan.name, month=f"{month}")
        summary["dispatch"] = write_dispatch(summary, work, plan, Path(config).stem)  # the Word 通报 and Excel tables
        atomic_write_text(work / "summary.json", json.dumps(summary, ensure_ascii=False, sort_keys=True, indent=1) + "\n")
        atomic_write_text(work / "summary.csv", _csv(summary))
        atomic_write_text(work / "index.html", _index(summary, title, lang))
        _swap(work, final)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return ReportRun(final, summary)


def _measures(plan, month: pd.Period) -> dict | None:
    """The month's measures section (:func:`airq.measures.month_section`), with the files it was read from."""
    from .i18n import LANGS
    from .measures import month_section, plan_measures
    from .notes import render

    loaded = plan_measures(plan)  # ConfigError (a ValueError): one sentence naming file, line, column, value
    if loaded is None:
        return None
    sec = month_section(*loaded, month)
    return {"register": plan.measures.register, "status": plan.measures.status, **sec,
            "notes_text": {lg: [render(n, lg) for n in sec.get("notes") or []] for lg in LANGS}}  # said in each language


def _swap(work: Path, final: Path) -> None:
    """Put ``work`` where ``final`` is; the old folder disappears only after the new one is in place."""
    old = final.with_name(f".{final.name}.old-{os.getpid()}")
    if final.exists():
        final.rename(old)
    work.rename(final)
    shutil.rmtree(old, ignore_errors=True)


def _bar(total: int, show: bool, lang: str = "en"):
    if not show:
        return lambda name: None
    from tqdm import tqdm

    from .i18n import t

    bar = tqdm(total=total, unit=t("report.monthly.bar_unit", lang), file=sys.stderr)

    def step(name):
        bar.set_postfix_str(name)
        bar.update(1)
        if bar.n == total:
            bar.close()
    return step
