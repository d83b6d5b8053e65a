"""The Excel tables of the monthly dispatch (openpyxl): the workbook's bytes.

:func:`airq.dispatch.write_xlsx` writes ``<plan>_<YYYY-MM>.xlsx`` from ``_xlsx_bytes``: one sheet per table
of :func:`airq.dispatch_tables.dispatch_tables` (月度, 年初至今, 预测, 措施, 措施按牵头单位) and 说明 (plan,
month, data vintage, the tables' titles and notes, the notes on rules and data). Units in the headers,
the header row frozen, an autofilter, numbers as numeric cells with the format of their decimals
(``0.0``; never fewer digits than the value: a published 96.4 is stored as 96.4), counts as integers,
dates as dates, missing values as empty cells, text never a formula. No merged cells; sheet names of at
most 31 characters without ``[]:*?/\\``. The properties and zip time stamps are fixed
(:mod:`airq.dispatch_words`), so the same summary gives the same bytes.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

import pandas as pd

from .dispatch_prose import _data_lines, _notes
from .dispatch_tables import Column, DispatchTable, dispatch_tables
from .dispatch_words import _fixed_zip, _when, _Words, _words

__all__: list[str] = []


_XLSX_FONT = "宋体"


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
