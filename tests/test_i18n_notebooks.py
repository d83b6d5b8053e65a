"""The notebooks' headings, prose and tables in the notebook's language (issue 13 item 1): the words come from the
catalogue (``notebook.text.*``, ``notebook.col.*``), the bilingual title cell is for JupyterLab only and is left
out of the report's HTML."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pandas as pd
import pytest

from airq import i18n
from airq.notebook import labelled, show_text

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def _cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _show_text_calls(path):
    """(notebook, name) of every ``show_text("nb", "name", ...)`` in a notebook's code cells."""
    calls = []
    for cell in _cells(path):
        if cell["cell_type"] != "code":
            continue
        for node in ast.walk(ast.parse("".join(cell["source"]))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "show_text":
                calls.append((node.args[0].value, node.args[1].value))
    return calls


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_notebook_says_its_headings_from_the_catalogue(path):
    markdown = [c for c in _cells(path) if c["cell_type"] == "markdown"]
    # one markdown cell: the bilingual title JupyterLab shows before a run, tagged so the report leaves it out
    assert len(markdown) == 1 and markdown[0]["metadata"].get("tags") == ["notebook-only"]
    calls = _show_text_calls(path)
    assert ("title" in {name for _, name in calls}) and len(calls) >= 3
    for nb, name in calls:
        assert nb == path.stem
        for lang in i18n.LANGS:
            assert f"notebook.text.{nb}.{name}" in i18n.keys(lang)
    ids = [c.get("id") for c in _cells(path)]
    assert all(ids) and len(set(ids)) == len(ids)  # nbformat 4.5: every cell has its own id


@pytest.mark.parametrize("lang, heading, text", [
    ("zh", "## 轨迹、预测区间与目标", "黑线：1 月 1 日至今的累计值"),
    ("en", "## Trajectory, forecast fan, target", "Black: the running value"),
])
def test_show_text_shows_the_heading_and_its_paragraph_in_the_language(monkeypatch, lang, heading, text):
    shown = []
    monkeypatch.setattr("IPython.display.display", lambda obj: shown.append(obj.data))
    show_text("county_trajectory", "trajectory", lang)
    show_text("monthly_report", "measures", lang, anchor="measures")
    first, second = shown
    assert first.startswith(heading + "\n\n") and text in first
    assert second.startswith('<a id="measures"></a>\n\n## ')


def test_labelled_says_known_names_and_leaves_the_rest():
    frame = pd.DataFrame({"month_pm25_mean": [25.0], "ytd_rank": [1], "sufficient": [True], "odd_column": [1]},
                         index=pd.Index(["港北区"], name="group"))
    zh = labelled(frame, "zh")
    assert list(zh.columns) == ["当月PM2.5 (µg/m³)", "年初至今排名", "统计有效（GB 3095 表4）", "odd_column"]
    assert zh.index.name == "区县" and zh.iloc[0, 2] == "是" and zh.iloc[0, 0] == 25.0
    assert list(labelled(frame, "en").columns)[:2] == ["PM2.5, month (µg/m³)", "rank, year to date"]
    assert list(frame.columns)[0] == "month_pm25_mean" and frame["sufficient"].dtype == bool  # the frame given is unchanged
    series = pd.Series({"remaining_days": 61, "remaining_valid_days": 60.5})
    shown = labelled(series, "zh")
    assert isinstance(shown, pd.DataFrame) and list(shown.index) == ["年内剩余天数", "预计剩余有效天数"]
    assert list(shown.columns) == ["数值"]
    status = labelled(pd.DataFrame({"status": ["overdue", "done", "something"]}), "zh")
    assert list(status["状态"]) == ["逾期", "已完成", "something"]


def test_the_report_html_leaves_out_the_notebook_only_cell(tmp_path):
    import nbformat
    from nbconvert import HTMLExporter

    from airq.monthly import NOTEBOOK_ONLY_TAG, _html_exporter

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell("# ONLY-IN-JUPYTERLAB", metadata={"tags": [NOTEBOOK_ONLY_TAG]}),
                nbformat.v4.new_markdown_cell("# KEPT")]
    path = tmp_path / "n.ipynb"
    nbformat.write(nb, path)
    body, _ = _html_exporter(HTMLExporter).from_filename(str(path))
    assert "KEPT" in body and "ONLY-IN-JUPYTERLAB" not in body


def test_styled_keeps_row_labels_on_one_line_and_shows_each_column_as_its_values_are():
    from airq.notebook import styled

    frame = pd.DataFrame({"month_rank": [3.0, None], "month_pm25_mean": [24.7, 25.15], "ytd_valid_days": [304, 296]},
                         index=pd.Index(["港北区", "全市"], name="group"))
    html = styled(frame, "zh").to_html()
    assert "white-space: nowrap" in html and "当月排名" in html and "区县" in html
    assert ">3<" in html and ">—<" in html  # a rank is whole, the city has none
    assert ">24.70<" in html and ">25.15<" in html and ">304<" in html  # the column's decimals, no 24.700000
