"""Issue 13 items 2, 3, 5: the Word dispatch and the Excel tables of `airq report`, read back and compared with summary.json.

One report run on a small SYNTHETIC demo store (module fixture, real notebooks: the charts come from
them); everything else calls airq.dispatch directly on that run's summary.json.
"""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
import zipfile
from decimal import Decimal
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.oxml.ns import qn

import airq.dispatch as dispatch
import airq.monthly as monthly
from airq.config import load_plan
from airq.demo import write_demo
from airq.ingestion import ingest_files
from airq.rounding import round_gbt8170

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "guigang_2023.toml"
MONTH = "2026-02"
BANNER = "演示数据：全部为合成数据（airq.demo），不是监测值 — SYNTHETIC demo data, not measurements"
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("dispatch")
    write_demo(tmp / "raw", start="2025-01-01", end="2026-03-31")
    ingest_files("tidy", tmp / "raw", tmp / "store")
    run = monthly.run_report(CONFIG, tmp / "store", MONTH, out=tmp / "reports", n_sims=50, banner=BANNER)
    assert not run.failed, run.summary["groups"]
    folder = tmp / "reports" / "guigang_2023" / MONTH
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    return {"tmp": tmp, "folder": folder, "summary": summary}


def _dec(value) -> Decimal:
    return Decimal(repr(float(value)))


def _shown(text: str) -> Decimal | None:
    """The number a table cell shows ("—" is none)."""
    text = text.strip().rstrip("*")
    return None if text in ("", "—") else Decimal(text)


def _fmt(value, decimals: int) -> str:
    """A published value printed with its decimals (it has no more digits than that: nothing is rounded)."""
    d = _dec(value)
    assert d.normalize().as_tuple().exponent >= -decimals, f"{value} has more than {decimals} decimals"
    return format(d.quantize(Decimal(1).scaleb(-decimals)), "f")


def _once(value, decimals: int) -> Decimal | None:
    """An unrounded value of summary.json rounded once (GB/T 8170), as the dispatch shows it."""
    return None if value is None else _dec(round_gbt8170(value, decimals)).normalize() + 0


def _docx(report) -> docx.document.Document:
    return docx.Document(str(report["folder"] / f"guigang_2023_{MONTH}_通报.docx"))


def _xlsx(report):
    return openpyxl.load_workbook(report["folder"] / f"guigang_2023_{MONTH}.xlsx")


def _rows(table) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in table.rows]


def test_report_writes_both_files_into_its_folder_and_lists_them(report):
    folder, summary = report["folder"], report["summary"]
    names = {"docx": f"guigang_2023_{MONTH}_通报.docx", "xlsx": f"guigang_2023_{MONTH}.xlsx"}
    assert summary["dispatch"] == names
    index = (folder / "index.html").read_text(encoding="utf-8")
    for name in names.values():
        assert (folder / name).stat().st_size > 0
        assert f"href='{name}'" in index
    assert not list(folder.parent.glob(".*"))  # written in the work folder, swapped in with the rest


def test_docx_tables_show_the_published_figures_of_summary_json(report):
    summary, doc = report["summary"], _docx(report)
    month_t, ytd_t, fc_t = doc.tables[:3]
    for table, period in ((month_t, "month"), (ytd_t, "ytd")):
        rows = _rows(table)
        header, body = rows[0], rows[1:]
        assert header[:2] == ["排名", "区县"]
        assert {r[1].rstrip("*") for r in body} == set(summary["groups"])
        col = {h: i for i, h in enumerate(header)}
        seen = 0
        for r in body:
            p = summary["groups"][r[1].rstrip("*")][period]
            pub = p["published"]
            assert _shown(r[0]) == (None if p["rank_composite_index"] is None else p["rank_composite_index"])
            assert r[1].endswith("*") == (not p["sufficient"])
            for head, key, d in (("优良天数比率(%)", "good_day_ratio", 1), ("重污染天数比率(%)", "heavy_day_ratio", 1),
                                 ("PM2.5 (µg/m³)", "pm25_mean", 1), ("综合指数", "composite_index", 2)):
                assert r[col[head]] == _fmt(pub[key], d), (period, r[1], key)
                seen += 1
            if period == "month":
                assert r[col["PM10 (µg/m³)"]] == _fmt(pub["pm10_mean"], 0)
                assert r[col["O3-8h-90 (µg/m³)"]] == _fmt(pub["o3_8h_p90"], 0)
            else:
                assert r[col["目标(%)"]] == _fmt(p["targets"]["good_day_ratio"]["target"], 1)
                assert r[col["目标 (µg/m³)"]] == _fmt(p["targets"]["pm25_mean"]["target"], 1)
            change = p["change_vs_previous_year"]
            assert _shown(r[col["优良比率同比(百分点)"]]) == _once(change.get("good_day_ratio_change_pp"), 1)
            assert _shown(r[col["PM2.5同比(%)"]]) == _once(change.get("pm25_mean_change_pct"), 1)
        assert seen == 4 * len(summary["groups"])
        ranks = [_shown(r[0]) for r in body if _shown(r[0]) is not None]
        assert ranks == sorted(ranks)  # ranked by composite index
    rows = _rows(fc_t)
    col = {h: i for i, h in enumerate(rows[0])}
    for r in rows[1:]:
        inds = summary["groups"][r[0]]["forecast"]["indicators"]
        for key, head, d in (("good_day_ratio", "优良天数比率(%)", 1), ("pm25_mean", "PM2.5平均浓度(µg/m³)", 1),
                             ("heavy_day_ratio", "重污染天数比率(%)", 1)):
            ind = inds[key]
            median, q10, q90 = (Decimal(x) for x in NUMBER.findall(r[col[head]]))
            assert (median, q10, q90) == tuple(_once(ind[q], d) for q in ("median", "q10", "q90"))
            p_col = rows[0].index("达标概率(%)", col[head])
            assert _shown(r[p_col]) == _once(ind["p_meet"] * 100, 0)


def test_docx_summary_paragraph_has_the_city_figures_as_published(report):
    summary, doc = report["summary"], _docx(report)
    texts = [p.text for p in doc.paragraphs]
    assert texts[0] == f"【{BANNER}】"
    assert texts[1].startswith("贵港市2023年环境空气质量目标") and "2026年2月环境空气质量通报" in texts[1]
    start = texts.index("一、总体情况")
    overview = texts[start + 1:texts.index("二、各县（市、区）空气质量及排名")]
    city = summary["groups"]["全市"]
    m, y = city["month"]["published"], city["ytd"]["published"]
    month_p, ytd_p = overview[0], overview[1]
    assert month_p.startswith("2026年2月，全市")
    assert f"优良天数比率为{_fmt(m['good_day_ratio'], 1)}%" in month_p
    assert f"细颗粒物（PM2.5）平均浓度为{_fmt(m['pm25_mean'], 1)}微克/立方米" in month_p
    assert f"重污染天数比率为{_fmt(m['heavy_day_ratio'], 1)}%" in month_p
    assert ytd_p.startswith("2026年1—2月，全市")
    t = city["ytd"]["targets"]
    assert (f"优良天数比率为{_fmt(y['good_day_ratio'], 1)}%（目标不低于{_fmt(t['good_day_ratio']['target'], 1)}%，目前"
            + ("达到" if t["good_day_ratio"]["met_so_far"] else "未达到") + "目标") in ytd_p
    assert f"平均浓度为{_fmt(y['pm25_mean'], 1)}微克/立方米（目标不高于{_fmt(t['pm25_mean']['target'], 1)}微克/立方米" in ytd_p
    assert f"重污染天数比率为{_fmt(y['heavy_day_ratio'], 1)}%" in ytd_p
    for p, period in ((month_p, "month"), (ytd_p, "ytd")):  # change against last year, rounded once, where sufficient
        change = city[period]["change_vs_previous_year"]
        if change:
            gd = _once(change["good_day_ratio_change_pp"], 1)
            assert ("持平" if gd == 0 else f"{'上升' if gd > 0 else '下降'}{abs(gd):.1f}个百分点") in p
        else:
            assert "不作同比比较" in p
    counties = {g: v for g, v in summary["groups"].items() if v["ytd"]["rank_composite_index"] is not None}
    ranking = overview[2]
    assert ranking.startswith("按环境空气质量综合指数排名（数值越小，空气质量越好），2月各县（市、区）中")
    for period in ("month", "ytd"):
        ranks = {g: v[period]["rank_composite_index"] for g, v in counties.items()}
        best = sorted(g for g, r in ranks.items() if r == min(ranks.values()))
        worst = sorted(g for g, r in ranks.items() if r == max(ranks.values()))
        ci = counties[best[0]][period]["published"]["composite_index"]
        assert f"综合指数最低的是{'、'.join(best)}（{_fmt(ci, 2)}）" in ranking
        ci = counties[worst[0]][period]["published"]["composite_index"]
        assert f"最高的是{'、'.join(worst)}（{_fmt(ci, 2)}）" in ranking
    forecast = overview[3]
    inds = city["forecast"]["indicators"]
    for key in ("good_day_ratio", "pm25_mean", "heavy_day_ratio"):
        assert f"年底预测中位数为{_once(inds[key]['median'], 1):.1f}" in forecast
    probabilities = [int(x) for x in re.findall(r"达到目标的概率约为(\d+)%", forecast)]
    assert probabilities == [int(_once(inds[k]["p_meet"] * 100, 0)) for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")]
    allow = city["forecast"]["allowances"]
    assert f"非优良天数{int(allow['nongood_days']['remaining'])}天" in forecast
    assert f"不超过{_fmt(allow['pm25_ceiling']['remaining'], 1)}微克/立方米" in forecast


def _all_runs(doc):
    for p in doc.paragraphs:
        yield from p.runs
    for t in doc.tables:
        for row in t.rows:
            for cell in row.cells:
                for p in cell.paragraphs:
                    yield from p.runs


def test_docx_cjk_text_has_an_east_asian_font(report):
    doc = _docx(report)
    cjk = [r for r in _all_runs(doc) if CJK.search(r.text)]
    assert len(cjk) > 100
    for r in cjk:
        fonts = r._r.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) in ("宋体", "黑体"), r.text
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    for name in ("Normal", "Heading 1", "Title"):
        assert doc.styles[name].element.rPr.rFonts.get(qn("w:eastAsia")) in ("宋体", "黑体")
    heading = next(p for p in doc.paragraphs if p.text == "一、总体情况")
    assert heading.runs[0]._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"


def test_docx_has_the_charts_measures_notes_and_fixed_properties(report):
    summary, doc = report["summary"], _docx(report)
    pictures = doc.inline_shapes
    assert len(pictures) == 2 * len(summary["groups"])  # each group's two trajectory charts, from its notebook
    blobs = [doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for s in pictures]
    assert all(b.startswith(b"\x89PNG") for b in blobs)
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("图1  全市优良天数比率累计轨迹") for t in texts)
    m = summary["measures"]
    assert "五、重点任务进展" in texts and "六、说明" in texts
    overdue = _rows(doc.tables[-1])
    assert [r[0] for r in overdue[1:]] == [x["id"] for x in m["overdue"]]
    assert [_shown(r[-1]) for r in overdue[1:]] == [x["days_late"] for x in m["overdue"]]
    notes = texts[texts.index("六、说明") + 1:]
    said = summary["notes_text"]["zh"]  # the notes in Chinese (airq.notes), one for each note of the results
    assert len(said["month"]) == len(summary["notes"]["month"]) and len(said["ytd"]) == len(summary["notes"]["ytd"])
    for n in [*said["month"], *said["ytd"]]:
        assert n in notes
    assert any(n.startswith("站点 GP01A、PN01A 在方案中标为合成占位站") for n in notes)
    assert not any("placeholders marked synthetic" in n for n in notes)
    assert any(summary["data_vintage"]["manifest_sha256"] in n for n in notes)
    props = doc.core_properties
    assert props.created.date().isoformat() == "2026-02-28" and props.modified == props.created
    assert props.author == "airq" and props.revision == 1


def test_xlsx_sheets_are_formatted_and_hold_the_published_numbers(report):
    summary, wb = report["summary"], _xlsx(report)
    assert wb.sheetnames == ["月度", "年初至今", "预测", "措施", "措施按牵头单位", "说明"]
    for ws in wb:
        assert len(ws.title) <= 31 and not re.search(r"[\[\]:*?/\\]", ws.title)
        assert ws.freeze_panes == "A2", ws.title
        assert not ws.merged_cells.ranges
        for row in ws.iter_rows(min_row=2):
            for c in row:  # numbers are numbers, never text that looks like one
                if isinstance(c.value, str):
                    assert not NUMBER.fullmatch(c.value.strip()), (ws.title, c.coordinate, c.value)
    for sheet, period in (("月度", "month"), ("年初至今", "ytd")):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        for unit in ("优良天数比率 (%)", "PM2.5 (µg/m³)", "重污染天数比率 (%)", "O3-8h第90百分位数 (µg/m³)"):
            assert unit in header
        col = {h: i for i, h in enumerate(header)}
        groups = set()
        for row in ws.iter_rows(min_row=2):
            g = row[0].value
            groups.add(g)
            p = summary["groups"][g][period]
            for head, key, fmt in (("优良天数比率 (%)", "good_day_ratio", "0.0"), ("重污染天数比率 (%)", "heavy_day_ratio", "0.0"),
                                   ("PM2.5 (µg/m³)", "pm25_mean", "0.0"), ("PM10 (µg/m³)", "pm10_mean", "0"),
                                   ("综合指数", "composite_index", "0.00"), ("CO第95百分位数 (mg/m³)", "co_p95", "0.0")):
                c = row[col[head]]
                assert c.data_type == "n" and c.value == p["published"][key], (sheet, g, key)
                assert c.number_format == fmt, (sheet, g, key, c.number_format)
            for head, key in (("有效天数 (天)", "valid_days"), ("优良天数 (天)", "good_days"), ("重污染天数 (天)", "heavy_days"),
                              ("综合指数排名", "rank_composite_index")):
                assert row[col[head]].value == p[key] and (p[key] is None or isinstance(row[col[head]].value, int))
            change = p["change_vs_previous_year"]
            c = row[col["优良天数比率同比 (百分点)"]]
            assert (None if c.value is None else _dec(c.value)) == _once(change.get("good_day_ratio_change_pp"), 1)
            if period == "ytd":
                assert row[col["PM2.5目标 (µg/m³)"]].value == p["targets"]["pm25_mean"]["target"]
        assert groups == set(summary["groups"])
    ws = wb["预测"]
    header = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(header)}
    for row in ws.iter_rows(min_row=2):
        fc = summary["groups"][row[0].value]["forecast"]
        ind = fc["indicators"]["pm25_mean"]
        for q, head in (("median", "年底预测中位数"), ("q10", "80%区间下限"), ("q90", "80%区间上限")):
            c = row[col[f"PM2.5平均浓度{head} (µg/m³)"]]
            assert _dec(c.value) == _once(ind[q], 1) and c.number_format == "0.0"
        assert row[col["PM2.5平均浓度达标概率 (%)"]].value == int(_once(ind["p_meet"] * 100, 0))
        assert row[col["还可承受非优良天数 (天)"]].value == fc["allowances"]["nongood_days"]["remaining"]
        assert row[col["剩余天数PM2.5均值上限 (µg/m³)"]].value == fc["allowances"]["pm25_ceiling"]["remaining"]
    ws = wb["措施"]
    header = [c.value for c in ws[1]]
    rows = list(ws.iter_rows(min_row=2, values_only=True))
    m = summary["measures"]
    assert [r[0] for r in rows] == list(dict.fromkeys(x["id"] for part in ("due", "overdue", "done") for x in m[part]))
    late = {x["id"]: x["days_late"] for x in m["overdue"]}
    for r in rows:
        assert r[header.index("逾期天数 (天)")] == late.get(r[0])
        assert f"{r[header.index('截止日期')]:%Y-%m-%d}" == next(x["due"] for x in m["overdue"] if x["id"] == r[0])
    lead = list(wb["措施按牵头单位"].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in lead] == [(x["lead_unit"], x["measures"]) for x in m["by_lead_unit"]]
    about = {r[0]: r[1] for r in wb["说明"].iter_rows(min_row=2, values_only=True)}
    assert about["提示"] == BANNER and about["数据库清单 sha256"] == summary["data_vintage"]["manifest_sha256"]


def test_xlsx_parts_are_well_formed(report):
    """What Excel checks before it offers a repair: every part parses, every part is declared, no stray names."""
    from xml.etree import ElementTree

    with zipfile.ZipFile(report["folder"] / f"guigang_2023_{MONTH}.xlsx") as z:
        names = z.namelist()
        assert names[0] == "[Content_Types].xml" and len(names) == len(set(names))
        for n in names:
            if n.endswith((".xml", ".rels")):
                ElementTree.fromstring(z.read(n))
        types = z.read("[Content_Types].xml").decode()
        for n in names:
            if n.startswith("xl/worksheets/"):
                assert f'PartName="/{n}"' in types


def test_same_summary_gives_the_same_files(report, tmp_path):
    """Deterministic: a direct call on summary.json gives the run's bytes again (document dates, zip stamps fixed)."""
    folder, summary = report["folder"], report["summary"]
    plan = load_plan(CONFIG)
    charts = dispatch.notebook_charts(summary, folder)
    for out in (tmp_path / "a", tmp_path / "b"):
        dispatch.write_docx(summary, out, charts=charts, stem="guigang_2023", decimals=plan.options.decimals)
        dispatch.write_xlsx(summary, out, stem="guigang_2023")
    for name in summary["dispatch"].values():
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert (tmp_path / "a" / name).read_bytes() == (folder / name).read_bytes(), name
    one, two = docx.Document(str(tmp_path / "a" / summary["dispatch"]["docx"])), _docx(report)
    assert [p.text for p in one.paragraphs] == [p.text for p in two.paragraphs]
    assert [_rows(t) for t in one.tables] == [_rows(t) for t in two.tables]


def test_without_register_failed_group_and_no_comparison(report, tmp_path):
    """No measures: no measures section or sheets; a failed group is named with its error; changes withheld say so."""
    summary = copy.deepcopy(report["summary"])
    summary["measures"] = None
    summary["banner"] = None
    g = summary["groups"]["港北区"]
    g.update(status="failed", error="something went wrong", forecast={"error": "no forecast", "targets": {}})
    summary["groups"]["全市"]["month"]["change_vs_previous_year"] = {}
    summary["groups"]["全市"]["month"]["previous_year"]["sufficient"] = False
    path = dispatch.write_docx(summary, tmp_path, charts=[], stem="plan")
    assert path.name == f"plan_{MONTH}_通报.docx"
    doc = docx.Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    assert "五、重点任务进展" not in texts and "五、说明" in texts
    assert "本期无可用的轨迹图。" in texts
    assert any("去年同期有效监测天数不足" in t for t in texts)
    assert any("港北区：报告生成失败 — something went wrong" in t for t in texts)
    wb = openpyxl.load_workbook(dispatch.write_xlsx(summary, tmp_path, stem="plan"))
    assert wb.sheetnames == ["月度", "年初至今", "预测", "说明"]
    fc = {r[0]: r for r in wb["预测"].iter_rows(min_row=2, values_only=True)}
    assert fc["港北区"][-1] == "no forecast" and fc["港北区"][1] is not None  # year to date still shown


def test_a_library_error_is_one_sentence(report, tmp_path, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("pm25_mean")

    monkeypatch.setattr(dispatch, "_docx_bytes", broken)
    with pytest.raises(ValueError, match=r"^the Word dispatch plan_2026-02_通报\.docx could not be written: KeyError") as err:
        dispatch.write_docx(report["summary"], tmp_path, stem="plan")
    assert "\n" not in str(err.value)
    assert not list(tmp_path.iterdir())  # nothing half written


def test_a_failing_dispatch_leaves_the_previous_report_untouched(report, monkeypatch):
    """The files are written into the work folder: an exception in write_docx loses nothing of the last report."""
    folder = report["folder"]
    before = {p.name: p.read_bytes() for p in folder.iterdir()}

    def fake_execute(notebook, out_nb, params):  # no kernels: the notebooks are not what is tested here
        out_nb.write_text("{}", encoding="utf-8")
        out_nb.with_suffix(".html").write_text("<html></html>", encoding="utf-8")

    def boom(*args, **kwargs):
        raise RuntimeError("disk gone mid-write")

    monkeypatch.setattr(monthly, "_execute", fake_execute)
    monkeypatch.setattr(dispatch, "write_docx", boom)
    with pytest.raises(RuntimeError, match="disk gone"):
        monthly.run_report(CONFIG, report["tmp"] / "store", MONTH, out=report["tmp"] / "reports", n_sims=20)
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert not list(folder.parent.glob(".*"))  # the work folder is gone too


def test_english_dispatch_has_english_words_and_the_same_numbers(report, tmp_path):
    """A report in English (summary["lang"] == "en"): the same files in English words, the numbers of summary.json."""
    summary = copy.deepcopy(report["summary"])
    summary["lang"] = "en"
    names = dispatch.write_dispatch(summary, tmp_path, load_plan(CONFIG), "plan")
    assert names == {"docx": f"plan_{MONTH}_通报.docx", "xlsx": f"plan_{MONTH}.xlsx"}  # the same file names
    doc = docx.Document(str(tmp_path / names["docx"]))
    texts = [p.text for p in doc.paragraphs]
    assert texts[1] == "贵港市2023年环境空气质量目标\nAmbient air quality bulletin, 2026-02"
    assert "1. Overview" in texts and "2. Air quality and ranking of the counties" in texts and "6. Notes" in texts
    overview = texts[texts.index("1. Overview") + 1:texts.index("2. Air quality and ranking of the counties")]
    city = summary["groups"]["全市"]
    m, t = city["month"]["published"], city["ytd"]["targets"]
    assert overview[0].startswith("2026-02, 全市: good-day ratio ")
    assert f"good-day ratio {_fmt(m['good_day_ratio'], 1)}%" in overview[0]
    assert f"mean concentration {_fmt(m['pm25_mean'], 1)} µg/m³" in overview[0]
    assert overview[1].startswith("2026-01 to 2026-02, 全市: ")
    assert f"(target at least {_fmt(t['good_day_ratio']['target'], 1)}%" in overview[1]
    assert f"(target at most {_fmt(t['pm25_mean']['target'], 1)} µg/m³" in overview[1]
    inds = city["forecast"]["indicators"]
    probabilities = [int(x) for x in re.findall(r"probability of meeting the target about (\d+) %", overview[3])]
    assert probabilities == [int(_once(inds[k]["p_meet"] * 100, 0)) for k in ("good_day_ratio", "pm25_mean", "heavy_day_ratio")]
    body = "\n".join(texts).replace(summary["plan"], "")
    # no Chinese words of the dispatch's own: every CJK character left is in a group, plan or data name
    own = {w for w in ("总体情况", "优良天数比率", "目标", "说明", "注：", "无。", "排名", "区县") if w in body}
    assert own == set(), own
    zh_tables, en_tables = _docx(report).tables, doc.tables
    assert len(zh_tables) == len(en_tables)
    rows = _rows(en_tables[1])
    assert rows[0][:3] == ["rank", "group", "good-day ratio (%)"] and "composite index" in rows[0]
    for zh_t, en_t in zip(zh_tables[:3], en_tables[:3]):  # the same numbers in the same cells
        for zh_r, en_r in zip(_rows(zh_t)[1:], _rows(en_t)[1:]):
            assert NUMBER.findall(" ".join(zh_r)) == NUMBER.findall(" ".join(en_r))
    col = {h: i for i, h in enumerate(rows[0])}
    for r in rows[1:]:
        p = summary["groups"][r[1].rstrip("*")]["ytd"]
        assert r[col["good-day ratio (%)"]] == _fmt(p["published"]["good_day_ratio"], 1)
        assert r[col["composite index"]] == _fmt(p["published"]["composite_index"], 2)
    assert doc.core_properties.language == "en-GB"
    wb = openpyxl.load_workbook(tmp_path / names["xlsx"])
    assert wb.sheetnames == ["Month", "Year to date", "Forecast", "Measures", "Measures by lead unit", "About"]
    for sheet, period in (("Month", "month"), ("Year to date", "ytd")):
        ws = wb[sheet]
        header = [c.value for c in ws[1]]
        assert not any(CJK.search(h) for h in header), header
        col = {h: i for i, h in enumerate(header)}
        for row in ws.iter_rows(min_row=2):
            p = summary["groups"][row[0].value][period]
            for head, key in (("good-day ratio (%)", "good_day_ratio"), ("PM2.5 (µg/m³)", "pm25_mean"),
                              ("composite index", "composite_index"), ("O3-8h 90th percentile (µg/m³)", "o3_8h_p90")):
                assert row[col[head]].value == p["published"][key], (sheet, row[0].value, key)
            assert row[col["composite-index rank"]].value == p["rank_composite_index"]
            assert row[col["status"]].value == "ok"
    zh_wb = _xlsx(report)
    for zh_ws, en_ws in zip(zh_wb, wb):  # every number the same, cell by cell
        for zh_row, en_row in zip(zh_ws.iter_rows(values_only=True), en_ws.iter_rows(values_only=True)):
            assert [v for v in zh_row if isinstance(v, (int, float))] == [v for v in en_row if isinstance(v, (int, float))]
    # the Chinese default is untouched: lang "zh" (or none) gives the run's bytes
    summary["lang"] = "zh"
    again = dispatch.write_xlsx(summary, tmp_path / "zh", stem="guigang_2023")
    assert again.read_bytes() == (report["folder"] / f"guigang_2023_{MONTH}.xlsx").read_bytes()


@pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice (soffice) and poppler-utils (pdftotext) are not installed: the docx is not "
                           "rendered to PDF here (apt-get install libreoffice-writer-nogui poppler-utils fonts-noto-cjk)")
def test_libreoffice_renders_the_first_page(report, tmp_path):
    """docx -> PDF by LibreOffice headless (as tools/dispatch_preview.py does): page 1 has the title and the overview."""
    src = report["folder"] / f"guigang_2023_{MONTH}_通报.docx"
    subprocess.run([shutil.which("soffice"), f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}", "--headless",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(src)], check=True, capture_output=True,
                   timeout=300)
    pdf = tmp_path / (src.stem + ".pdf")
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"], check=True, capture_output=True,
                          text=True, timeout=60).stdout
    flat = re.sub(r"\s+", "", text)  # LibreOffice spaces CJK from Latin and digits; the words are what is checked
    assert "贵港市2023年环境空气质量目标" in flat and "2026年2月环境空气质量通报" in flat, text[:500]
    assert "一、总体情况" in flat and "演示数据" in flat
    m = report["summary"]["groups"]["全市"]["month"]["published"]
    assert f"优良天数比率为{_fmt(m['good_day_ratio'], 1)}%" in flat
