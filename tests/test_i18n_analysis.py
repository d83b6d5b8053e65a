"""The analysis and report modules' messages in both languages (issue 13 item 1): the English exactly as before,
the Chinese where the reader is Chinese — assess/whatif/forecast errors on the command line, the forecast's and the
backtest's notes, the monthly report's failed group in index.html and the 通报, the notebooks' parameter errors.

One small SYNTHETIC store (airq.demo, five stations, 2024-11 .. 2025-03) for the module; the Guigang plan is
Chinese, so its commands speak Chinese unless --lang en.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import docx
import papermill as pm
import pytest

from airq import dispatch, monthly, plots
from airq.assessment import stats_keywords
from airq.backtest import _stderr_progress, backtest
from airq.cli import main
from airq.config import load_plan
from airq.demo import write_demo
from airq.ingestion import ingest_files
from airq.notebook import ParameterError, validate
from airq.notes import Note, render
from airq.outlook import forecast_groups, group_history
from airq.report import forecast_text
from airq.whatif import whatif_for_group

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config" / "guigang_2023.toml"
EMPTY_GROUP = """

[stations.XX01A]
name = "无数据站"
lat = 23.0
lon = 109.0
contrast = false
synthetic = true

[groups."空县"]
kind = "county"
stations = ["XX01A"]
"""


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("i18n_analysis")
    write_demo(tmp / "raw", start="2024-11-01", end="2025-03-31", stations=["2506A", "2507A", "2508A", "3405A", "GP01A"])
    ingest_files("tidy", tmp / "raw", tmp / "store")
    text = CONFIG.read_text(encoding="utf-8")  # [measures] paths are relative to the TOML: made absolute for the copy
    text = text.replace('= "guigang_2023_measures', f'= "{CONFIG.parent.as_posix()}/guigang_2023_measures')
    (tmp / "plan_empty.toml").write_text(text + EMPTY_GROUP, encoding="utf-8")
    return tmp


@pytest.fixture(scope="module")
def plan():
    return load_plan(CONFIG)


def _cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


def _both(capsys, *argv):
    """The error line of a command said in the plan's language (Chinese) and with --lang en."""
    code_zh, _, zh = _cli(capsys, *argv)
    code_en, _, en = _cli(capsys, *argv, "--lang", "en")
    assert code_zh == code_en == 1, (zh, en)
    return zh.strip(), en.strip()


def _raised(fn, *args, exc=ValueError, **kwargs) -> Note:
    with pytest.raises(exc) as err:
        fn(*args, **kwargs)
    first = err.value.args[0]
    assert isinstance(first, Note), first
    return first


# --------------------------------------------------------------------------- the command line


def test_dust_day_file_errors(base, tmp_path, capsys):
    store = base / "store"
    bad = tmp_path / "bad.csv"
    bad.write_text("date\n2025-13-01\n", encoding="utf-8")
    zh, en = _both(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-01", "--dust-days", bad)
    assert en == f"airq: error: {bad}, line 2, column 'date': not a date (YYYY-MM-DD): '2025-13-01'"
    assert zh == f"airq: error: {bad}，第 2 行，'date' 列：不是日期（YYYY-MM-DD）：'2025-13-01'"
    nodate = tmp_path / "nodate.csv"
    nodate.write_text("day\n2025-01-09\n", encoding="utf-8")
    zh, en = _both(capsys, "assess", "--config", CONFIG, "--store", store, "--period", "2025-01", "--dust-days", nodate)
    assert en == f"airq: error: {nodate}: dust-day file needs a 'date' column (and optionally 'group'); found ['day']"
    assert zh == f"airq: error: {nodate}：沙尘天文件须有 'date' 列（可另有 'group' 列）；实有 ['day']"


def test_as_of_on_a_period_of_two_years(base, capsys):
    zh, en = _both(capsys, "assess", "--config", CONFIG, "--store", base / "store", "--period", "2024-11-01/2025-03-31",
                   "--as-of", "2025-01-31")
    assert en == ("airq: error: --as-of applies to a period inside one calendar year; 2024-11-01 .. 2025-03-31 spans "
                  "several")
    assert zh == "airq: error: --as-of 只适用于同一日历年内的统计期；2024-11-01 至 2025-03-31 跨越多个年份"


def test_whatif_after_the_data(base, capsys):
    zh, en = _both(capsys, "whatif", "--config", CONFIG, "--store", base / "store", "--group", "港北区", "--as-of",
                   "2025-06-30")
    assert en == ("airq: error: --as-of 2025-06-30 is after the last day with data for 港北区 (2025-03-31); days not yet "
                  "ingested would count as invalid days. Ingest them, or ask as of that day")
    assert zh == ("airq: error: --as-of 2025-06-30 晚于港北区有数据的最后一天（2025-03-31）；尚未导入的日子会被计为无效天。"
                  "请先导入，或以该日为截至日期")


def test_forecast_errors_keep_their_note_through_the_outlook(base, capsys):
    args = ["forecast", "--config", CONFIG, "--store", base / "store", "--group", "全市"]
    zh, en = _both(capsys, *args, "--as-of", "2025-06-30", "--n-sims", "10")
    assert en == ("airq: error: as-of 2025-06-30 is after the data of 全市 (the last day with data is 2025-03-31); "
                  "ingest the missing days or forecast as of that day")
    assert zh == ("airq: error: 截至日期 2025-06-30 晚于全市的数据（有数据的最后一天为 2025-03-31）；"
                  "请导入缺少的日子，或以该日为截至日期预测")
    zh, en = _both(capsys, *args, "--as-of", "2025-03-31", "--n-sims", "2000000")
    assert en == "airq: error: n_sims must be between 1 and 1000000, not 2000000"
    assert zh == "airq: error: 模拟次数 n_sims 须在 1 至 1000000 之间，不能为 2000000"


# --------------------------------------------------------------------------- the library


def test_whatif_errors(base, plan):
    store = base / "store"
    n = _raised(whatif_for_group, plan, store, "港北区", "2025-03-31", assume={"rain": 1})
    assert n == ("unknown assumption 'rain'; the assumptions are pm25, nongood, heavy, dust, valid_days "
                 "(as in airq whatif --assume KEY=VALUE)")
    assert render(n, "zh") == "未知的假设 'rain'；可用的假设为 pm25, nongood, heavy, dust, valid_days（同 airq whatif --assume 键=值）"
    n = _raised(whatif_for_group, plan, store, "港北区", "2025-03-31", assume={"valid_days": 5, "dust": 10})
    assert n == "dust days exceed the remaining valid days" and render(n, "zh") == "沙尘天数超过剩余有效天数"
    n = _raised(whatif_for_group, plan, store, "港东区", "2025-03-31")
    assert n.startswith("unknown group '港东区'; the plan has: ") and render(n, "zh").startswith("未知的区县组 '港东区'；本方案有：")
    n = _raised(stats_keywords, plan, None, ["全市"], dust_mode="bogus")
    assert n == "dust mode 'bogus': expected one of none, exclude_days, recompute"
    assert render(n, "zh") == "沙尘扣除方式 'bogus'：应为 none, exclude_days, recompute 之一"


def test_a_group_that_cannot_be_forecast(base, plan):
    """The forecast's own error (too few days) reaches GroupOutlook.error as its note; forecast_text says it."""
    o = forecast_groups(plan, base / "store", "2024-11-05", groups=["全市"], n_sims=10)["全市"]
    assert o.forecast is None and isinstance(o.error, Note)
    assert o.error == ("cannot forecast: no prior year with 300 valid days and only 5 valid day(s) this year "
                       "(at least 14 needed)")
    assert render(o.error, "zh") == "无法预测：没有有效天数达 300 天的往年，今年也只有 5 个有效天（至少需要 14 个）"
    assert o.error in forecast_text(o, "en")
    assert "无法预测：没有有效天数达 300 天的往年" in forecast_text(o, "zh")


def test_backtest_reasons_progress_and_calibration(base, plan, capsys):
    daily = group_history(plan, base / "store", "2025-03-31", groups=["全市"])
    dailies = {"全市": daily}
    res = backtest(dailies, [2024, 2025], n_sims=5, min_days=40)  # 61 and 90 valid days, no year of 300 before
    reasons = {y: why for _, y, why in res.skipped}
    assert reasons[2025] == "no prior year with 300 valid days" and render(reasons[2025], "zh") == "没有有效天数达 300 天的往年"
    short = backtest(dailies, [2025], n_sims=5, min_days=330).skipped[0][2]
    assert short == "90 valid days in 2025 (< 330)" and render(short, "zh") == "2025 年有效天数 90 天（< 330）"
    assert json.loads(json.dumps(short)) == "90 valid days in 2025 (< 330)"  # the JSON keeps the English
    n = _raised(backtest, dailies, [2025], calibrate=True)
    assert n == "calibrate=True needs at least two years (the test years and calibration_years together)"
    assert render(n, "zh") == "校准（calibrate=True）至少需要两个年份（检验年份与 calibration_years 合计）"
    capsys.readouterr()
    _stderr_progress(1, 2, "zh")
    _stderr_progress(2, 2, "en")
    assert capsys.readouterr().err == "\r回测：1/2 个组\rbacktest: 2/2 groups\n"


# --------------------------------------------------------------------------- the monthly report


def test_a_failed_group_in_the_index_and_the_dispatch(base, monkeypatch):
    def fake_execute(notebook, out_nb, params):  # no kernels: the notebooks are not what is tested here
        out_nb.write_text("{}", encoding="utf-8")
        out_nb.with_suffix(".html").write_text("<html></html>", encoding="utf-8")

    monkeypatch.setattr(monthly, "_execute", fake_execute)
    english = ("as-of 2025-03-31 is after the data of 空县 (no valid day in the store); ingest the missing days or "
               "forecast as of that day")
    chinese = "截至日期 2025-03-31 晚于空县的数据（数据库中没有有效天）；请导入缺少的日子，或以该日为截至日期预测"
    run = monthly.run_report(base / "plan_empty.toml", base / "store", "2025-03", out=base / "reports", n_sims=10)
    assert "空县" in run.failed  # (平南县 too: its station was not generated)
    assert run.summary["groups"]["空县"]["error"] == english and render(run.summary["groups"]["空县"]["error"], "zh") == chinese
    saved = json.loads((run.folder / "summary.json").read_text(encoding="utf-8"))
    assert saved["groups"]["空县"]["error"] == english and saved["lang"] == "zh"  # JSON: the English sentence
    assert saved["groups"]["空县"]["error_text"] == {"zh": chinese, "en": english}  # and said in each language
    index = (run.folder / "index.html").read_text(encoding="utf-8")
    assert chinese in index and english not in index
    words = "\n".join(p.text for p in docx.Document(str(run.folder / dispatch.file_names("plan_empty", "2025-03")["docx"]))
                      .paragraphs)
    assert f"空县：报告生成失败 — {chinese}" in words
    # the notebook whose charts cannot be read: one sentence naming it
    bad = run.folder / run.summary["groups"]["港北区"]["files"]["notebook"]
    bad.write_text("not json", encoding="utf-8")
    n = _raised(dispatch.notebook_charts, run.summary, run.folder)
    assert n.startswith(f"the executed notebook {bad.name} is not readable JSON (") and n.endswith(
        "), so its charts cannot be put in the dispatch")
    assert render(n, "zh").startswith(f"已运行的笔记本 {bad.name} 不是可读的 JSON（") and render(n, "zh").endswith("），其图表无法放入通报")
    en = monthly.run_report(base / "plan_empty.toml", base / "store", "2025-03", out=base / "reports_en", n_sims=10,
                            lang="en")
    assert english in (en.folder / "index.html").read_text(encoding="utf-8")


def test_report_language_and_dispatch_write_errors(base, monkeypatch, tmp_path):
    n = _raised(monthly.run_report, CONFIG, base / "store", "2025-03", out=tmp_path, lang="fr")
    assert n == "unknown language 'fr'; the catalogue has zh, en" and render(n, "zh") == "未知的语言 'fr'；可用语言为 zh, en"

    def broken(*args, **kwargs):
        raise KeyError("pm25_mean")

    monkeypatch.setattr(dispatch, "_xlsx_bytes", broken)
    summary = {"month": "2025-03", "lang": "zh", "groups": {}}
    n = _raised(dispatch.write_xlsx, summary, tmp_path, stem="plan")
    assert n == "the Excel tables plan_2025-03.xlsx could not be written: KeyError: 'pm25_mean'"
    assert render(n, "zh") == "Excel 表格 plan_2025-03.xlsx 无法写入：KeyError: 'pm25_mean'"


def test_no_cjk_font(monkeypatch):
    monkeypatch.setattr(plots, "_SYSTEM_CJK", ())
    monkeypatch.setitem(sys.modules, "noto_cjk_sans_otc", None)  # the bundled font package missing
    n = _raised(plots.use_cjk_font.__wrapped__, exc=RuntimeError)
    assert n == "no CJK font: install the package 'noto-cjk-sans-otc' (pip) or a system CJK font"
    assert render(n, "zh") == "没有中文字体：请安装 'noto-cjk-sans-otc' 包（pip）或系统中文字体"


# --------------------------------------------------------------------------- the notebooks' parameters


def _params(base, **kw):
    return {"config": str(CONFIG), "store": str(base / "store"), "group": "港北区", "as_of": "2025-03-31", "lang": "zh", **kw}


EXPECTED = {"config": "config", "store": "store", "group": "group", "as_of": "date", "lang": "lang"}


@pytest.mark.parametrize("kw, english, chinese", [
    ({"store": "/nonexistent/store"}, "store = '/nonexistent/store' is not an airq store (no manifest.json); run `airq "
     "ingest` first", "store = '/nonexistent/store' 不是 airq 数据库（没有 manifest.json）；请先运行 `airq ingest`"),
    ({"as_of": "2025-06-30"}, "as_of = '2025-06-30' is after the data in the store (data up to 2025-03-31)",
     "as_of = '2025-06-30' 晚于数据库中的数据（数据截至 2025-03-31）"),
    ({"as_of": "2025-06"}, "as_of = '2025-06' is not a full date; give YYYY-MM-DD",
     "as_of = '2025-06' 不是完整日期；请写 YYYY-MM-DD"),
    ({"group": "港东区"}, "group = '港东区' is not a group of the plan; it has: 港北区, 港南区, 覃塘区, 桂平市, 平南县, 全市",
     "group = '港东区' 不是本方案的区县组；本方案有：港北区, 港南区, 覃塘区, 桂平市, 平南县, 全市"),
    ({"gruop": "港北区"}, "unknown parameter(s) gruop; this notebook takes: config, store, group, as_of, lang",
     "未知参数 gruop；本笔记本的参数为：config, store, group, as_of, lang"),
])
def test_notebook_parameters_are_refused_in_the_notebooks_language(base, kw, english, chinese):
    with pytest.raises(ParameterError) as err:
        validate(_params(base, **kw), EXPECTED)
    assert err.value.args[0] == english and str(err.value) == chinese
    with pytest.raises(ParameterError) as err:
        validate(_params(base, **kw, lang="en"), EXPECTED)
    assert str(err.value) == english


def test_a_bad_language_parameter_is_said_in_english(base):
    with pytest.raises(ParameterError) as err:
        validate(_params(base, lang="fr"), EXPECTED)
    assert str(err.value) == "lang = 'fr' must be 'zh' or 'en'" and err.value.args[0].to("zh") == "lang = 'fr' 须为 'zh' 或 'en'"


def test_a_chinese_notebook_says_its_parameter_error_in_chinese(base, tmp_path):
    """papermill, the real path: the county notebook (lang "zh" by default) refuses a group in Chinese."""
    params = {"config": str(CONFIG), "store": str(base / "store"), "group": "不存在区", "as_of": "2025-03-31", "n_sims": 10}
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(monthly.NOTEBOOKS / "county_trajectory.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters=params, progress_bar=False, kernel_name="python3")
    assert err.value.ename == "ParameterError"
    assert "group = '不存在区' 不是本方案的区县组；本方案有：港北区" in err.value.evalue
