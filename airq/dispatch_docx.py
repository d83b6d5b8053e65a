"""The Word 通报 of the monthly dispatch (python-docx): the document's bytes, and the charts it shows.

:func:`airq.dispatch.write_docx` writes ``<plan>_<YYYY-MM>_通报.docx`` from ``_docx_bytes``: title and date,
the generated summary (:func:`airq.dispatch_prose.summary_paragraphs`), the county tables ranked by
composite index, the forecast table, the trajectory charts of the executed county notebooks
(:func:`notebook_charts`), the measures due and overdue (when the plan names a register) and the notes
on rules and data. A4, 宋体 body and 黑体 headings (East-Asian fonts set explicitly, no theme fonts);
table headers repeated on each page; a group whose statistics are not valid is marked "*" (GB 3095
Table 4). The document properties are fixed values derived from the summary and the zip entries carry
a fixed time stamp (:mod:`airq.dispatch_words`), so the same summary and charts give the same bytes.
``docs/dispatch.md`` describes the document section by section.
"""

from __future__ import annotations

import base64
import io
import json
from pathlib import Path

import pandas as pd

from .dispatch_prose import _data_lines, _notes, summary_paragraphs
from .dispatch_tables import DispatchTable, dispatch_tables
from .dispatch_words import (
    _fixed_zip,
    _forecast_keys,
    _measure_notes,
    _month_label,
    _order,
    _show,
    _when,
    _Words,
    _words,
    _ytd_label,
    city_group,
)
from .notes import note

__all__ = ["notebook_charts"]


_BODY_FONT, _HEAD_FONT, _LATIN_FONT = "宋体", "黑体", "Times New Roman"


# --------------------------------------------------------------------------- charts


def notebook_charts(summary: dict, folder, *, city: str | None = None, lang: str | None = None
                    ) -> list[tuple[str, bytes]]:
    """The trajectory charts (PNG) the executed county notebooks of the report folder show.

    Returns ``(caption, png)`` pairs: the city (default :func:`city_group`) first, then the counties
    by year-to-date rank, each group's charts in notebook order. Failed groups and missing
    notebooks are left out. Raises ``ValueError`` for a notebook that is not JSON. The captions are in
    ``lang`` (as :func:`dispatch_tables`).
    """
    w = _words(lang, summary)
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
            raise ValueError(note("error.report.notebook_json", name=nb.name, error=str(exc))) from None
        for cell in cells:
            source = "".join(cell.get("source", ""))
            key = next((k for k in ("good_day_ratio", "pm25_mean", "pm10_mean", "heavy_days") if f'"{k}"' in source), None)
            for o in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
                data = (o.get("data") or {}).get("image/png")
                if data is None:
                    continue
                n += 1
                png = base64.b64decode("".join(data) if isinstance(data, list) else data)
                name = w.ind[key][0] if key in w.ind else ""
                out.append((w.text["chart_caption"].format(n=n, group=g, indicator=name), png))
    return out


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


def _caption(doc, text: str, *, above: bool = False):
    """A centred caption; ``above`` (a table's caption): kept on the page of what follows, never orphaned at a page foot."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    p = doc.add_paragraph(style="Caption")
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    if above:
        p.paragraph_format.keep_with_next = True
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


def _mark(row: dict, w: _Words) -> str:
    """The group's name as the Word tables show it: "*" when its statistics are not valid (GB 3095 Table 4)."""
    return row["group"] + ("*" if row.get("sufficient") == w("w.no") else "")


def _docx_period_table(doc, table: DispatchTable, with_targets: bool, w: _Words):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [(w("wcol.rank"), "rank", None, 1.0), (w("wcol.group"), "group_marked", None, 1.9),
            (w("wcol.good_day_ratio"), "good_day_ratio", dec["good_day_ratio"], 1.5)]
    if with_targets:
        cols += [(w("wcol.target_pct"), "target_good_day_ratio", dec["good_day_ratio"], 1.2)]
    cols += [(w("wcol.heavy_day_ratio"), "heavy_day_ratio", dec["heavy_day_ratio"], 1.5),
             (w("wcol.pm25_mean"), "pm25_mean", dec["pm25_mean"], 1.4)]
    if with_targets:
        cols += [(w("wcol.target_ug"), "target_pm25_mean", dec["pm25_mean"], 1.3)]
    else:
        cols += [(w("wcol.pm10_mean"), "pm10_mean", dec["pm10_mean"], 1.3),
                 (w("wcol.o3_8h_p90"), "o3_8h_p90", dec["o3_8h_p90"], 1.4)]
    cols += [(w("wcol.composite_index"), "composite_index", dec["composite_index"], 1.3),
             (w("wcol.composite_primary"), "composite_primary", None, 1.4),
             (w("wcol.good_day_ratio_change_pp"), "good_day_ratio_change_pp", 1, 1.5),
             (w("wcol.pm25_mean_change_pct"), "pm25_mean_change_pct", 1, 1.3)]
    rows = [{**r, "group_marked": _mark(r, w)} for r in table.rows]
    return _table(doc, cols, rows)


def _docx_forecast_table(doc, table: DispatchTable, keys: list[str], w: _Words):
    dec = {c.key: c.decimals for c in table.columns}
    cols = [(w("wcol.group"), "group", None, 1.9)]
    rows = []
    for r in table.rows:
        row = {"group": r["group"]}
        for k in keys:
            d = dec[f"{k}_median"]
            if r.get(f"{k}_median") is None:
                row[f"{k}_fc"] = "—"
            else:
                row[f"{k}_fc"] = w("wcol.fc_cell", median=_show(r[f"{k}_median"], d), q10=_show(r[f"{k}_q10"], d),
                                   q90=_show(r[f"{k}_q90"], d))
            row[f"{k}_p"] = r.get(f"{k}_p_meet")
            row[f"{k}_t"] = r.get(f"{k}_target")
        rows.append(row)
    width = (16.0 - 1.9) / max(1, len(keys))
    for k in keys:
        _, short, _, unit, _ = w.ind[k]
        u = w("wcol.fc_unit", unit=unit) if unit else ""
        cols += [(f"{short}{u}", f"{k}_fc", None, width * 0.5),
                 (w("wcol.fc_target", unit=u), f"{k}_t", dec[f"{k}_median"], width * 0.25),
                 (w("wcol.fc_p"), f"{k}_p", None, width * 0.25)]
    return _table(doc, cols, rows)


def _docx_measures(doc, m: dict, n_table: int, w: _Words) -> int:
    counts = m.get("counts") or {}
    total = sum(counts.values())
    words = w.comma.join(w("wcol.m_count", status=w.status[s], n=counts.get(s, 0)) for s in w.status)
    p = doc.add_paragraph()
    as_of = pd.Timestamp(m["as_of"])
    _run(p, w("wcol.m_summary", date=w.date(as_of), register=m.get("register"), total=total, counts=words,
              done=len(m.get("done") or [])))
    for key, title in (("due", w.text["t_due"].format(n=n_table + 1)),
                       ("overdue", w.text["t_overdue"].format(n=n_table + 2, date=w("w.date_short", month=as_of.month,
                                                                                      day=as_of.day)))):
        n_table += 1
        rows = [{"id": r["id"], "task": r.get("task") or "", "due_text": r.get("due_text") or "",
                 "due": r.get("due") or "—", "lead": w.list.join(r.get("lead_units") or []),
                 "status": w.status.get(r.get("status"), r.get("status")), "days_late": r.get("days_late")}
                for r in m.get(key) or []]
        _caption(doc, title, above=True)
        if not rows:
            _run(doc.add_paragraph(), w("w.nothing"))
            continue
        cols = [(w("wcol.m_id"), "id", None, 2.0), (w("wcol.m_task"), "task", None, 4.2),
                (w("wcol.m_due_text"), "due_text", None, 2.6), (w("wcol.m_due"), "due", None, 2.1),
                (w("wcol.m_lead"), "lead", None, 2.6)]
        cols += [(w("wcol.m_status"), "status", None, 1.2), (w("wcol.m_days_late"), "days_late", None, 1.3)]
        _table(doc, cols, rows)
    for n in _measure_notes(m, w):
        _run(doc.add_paragraph(), w("w.note", note=n), size=10.5)
    return n_table


def _docx_bytes(summary, folder, charts, decimals, city, lang=None) -> bytes:
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm

    w = _words(lang, summary)
    text = w.text
    city = city if city is not None else city_group(summary)
    month = pd.Period(summary["month"], freq="M")
    end = month.end_time.normalize()
    tables = {t.key: t for t in dispatch_tables(summary, decimals=decimals, city=city, lang=w.lang)}
    charts = notebook_charts(summary, folder, city=city, lang=w.lang) if charts is None else list(charts)

    doc = docx.Document()
    _styles(doc)
    if summary.get("banner"):
        p = doc.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _run(p, text["synthetic"].format(banner=summary["banner"]), font=_HEAD_FONT, bold=True, colour=(192, 0, 0))
    title = doc.add_paragraph(style="Title")
    for i, line in enumerate(text["title"].format(plan=summary["plan"], year=month.year, month=month.month).split("\n")):
        if i:
            title.add_run().add_break()
        _run(title, line, font=_HEAD_FONT)
    p = doc.add_paragraph()
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(p, text["data_until"].format(date=w.date(end)))

    _heading(doc, text["s_overview"])
    for para_text in summary_paragraphs(summary, decimals=decimals, city=city, lang=w.lang):
        para = doc.add_paragraph()
        para.paragraph_format.first_line_indent = Cm(0.85)
        _run(para, para_text)

    _heading(doc, text["s_counties"])
    n_table = 0
    for key, label in (("month", _month_label(month, w)), ("ytd", _ytd_label(month, w))):
        n_table += 1
        _caption(doc, text[f"t_{key}"].format(n=n_table, period=label), above=True)
        _docx_period_table(doc, tables[key], key == "ytd", w)
    _run(doc.add_paragraph(), w("w.note", note=text["rank_note"]), size=10.5)

    _heading(doc, text["s_forecast"])
    n_table += 1
    _caption(doc, text["t_forecast"].format(n=n_table), above=True)
    _docx_forecast_table(doc, tables["forecast"], _forecast_keys(summary), w)
    _run(doc.add_paragraph(), w("w.note", note=tables["forecast"].title + w("w.stop") + tables["forecast"].notes[0]),
         size=10.5)

    _heading(doc, text["s_charts"])
    if not charts:
        _run(doc.add_paragraph(), text["no_charts"])
    for caption, png in charts:
        pic = doc.add_paragraph()
        pic.alignment = WD_ALIGN_PARAGRAPH.CENTER
        pic.paragraph_format.keep_with_next = True  # the picture with its caption below
        pic.add_run().add_picture(io.BytesIO(png), width=Cm(15.5))
        _caption(doc, caption)

    section = 5
    if summary.get("measures"):
        _heading(doc, text["s_measures"])
        n_table = _docx_measures(doc, summary["measures"], n_table, w)
        section = 6
    _heading(doc, text["s_notes"].format(n=w("w.numerals").split(",")[section - 1]))
    for n in [*_data_lines(summary, w), *_notes(summary, w)]:
        para = doc.add_paragraph(style="List Bullet")
        _run(para, n, size=10.5)

    when = _when(summary)
    props = doc.core_properties
    props.title = text["title"].format(plan=summary["plan"], year=month.year, month=month.month).replace("\n", " ")
    props.subject = w("w.subject")
    props.author = props.last_modified_by = "airq"
    props.keywords = f"airq; {summary['month']}"
    props.comments = summary.get("banner") or ""
    props.language = w("w.doc_lang")
    props.created = props.modified = when
    props.last_printed = when
    props.revision = 1
    buf = io.BytesIO()
    doc.save(buf)
    return _fixed_zip(buf.getvalue(), when)
