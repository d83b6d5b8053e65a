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

Layout
------
The code lives in topic modules; every public name is importable from here:

* :mod:`airq.dispatch_words` — the shared words (:data:`TEXT`, :data:`INDICATORS`), the figures (decimals,
  rounding once, printing), the reading of ``summary`` (:func:`city_group`, the order of the groups) and
  the fixed time stamp and zip of the files;
* :mod:`airq.dispatch_tables` — :class:`Column`, :class:`DispatchTable`, :func:`dispatch_tables`;
* :mod:`airq.dispatch_prose` — :func:`summary_paragraphs` and the notes on rules and data;
* :mod:`airq.dispatch_docx` — the Word document, and :func:`notebook_charts`;
* :mod:`airq.dispatch_xlsx` — the Excel workbook;
* this module — the file names and the writers :func:`write_dispatch`, :func:`write_docx`, :func:`write_xlsx`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from .dispatch_docx import _docx_bytes, notebook_charts
from .dispatch_prose import summary_paragraphs
from .dispatch_tables import Column, DispatchTable, dispatch_tables
from .dispatch_words import INDICATORS, TEXT, _words, city_group
from .dispatch_xlsx import _xlsx_bytes
from .notes import note
from .util import atomic_write_bytes

__all__ = ["TEXT", "INDICATORS", "file_names", "write_dispatch", "write_docx", "write_xlsx", "summary_paragraphs",
           "dispatch_tables", "notebook_charts", "city_group", "DispatchTable", "Column"]


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
