"""`airq report`: the notebooks under papermill, the folder, summary.json against assess/forecast."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import matplotlib.image
import numpy as np

import papermill as pm
import pytest

from airq.cli import main
from airq.demo import write_demo
from airq.ingestion import ingest_files
from airq.monthly import NOTEBOOKS, run_report

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
def demo(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("report")
    write_demo(tmp / "raw", start="2025-01-01", end="2026-03-31")
    ingest_files("tidy", tmp / "raw", tmp / "store")
    plan = tmp / "plan_empty.toml"
    text = CONFIG.read_text(encoding="utf-8")  # [measures] paths are relative to the TOML: made absolute for the copy
    text = text.replace('= "guigang_2023_measures', f'= "{CONFIG.parent.as_posix()}/guigang_2023_measures')
    plan.write_text(text + EMPTY_GROUP, encoding="utf-8")
    return tmp


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture(scope="module")
def february(demo):
    """`airq report` of 2026-02 (100 simulations), made once for the module: (folder, its stdout)."""
    proc = subprocess.run([sys.executable, "-m", "airq.cli", "report", "--config", str(CONFIG), "--store", str(demo / "store"),
                           "--month", "2026-02", "--n-sims", "100", "--out", str(demo / "reports")],
                          capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return demo / "reports" / "guigang_2023" / "2026-02", proc.stdout


def test_report_end_to_end_matches_assess_and_forecast(demo, february, capsys):
    folder, out = february
    assert out.strip() == str(folder / "index.html")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["month"] == "2026-02" and summary["seed"] == 0
    assert summary["data_vintage"]["last_data_day"] == "2026-02-28"
    assert summary["data_vintage"]["last_data_hour_start"] == "2026-02-28 23:00"  # label 24:00, Beijing time
    assert set(summary["groups"]) == {"港北区", "港南区", "覃塘区", "桂平市", "平南县", "全市"}
    assert any("synthetic" in n for n in summary["notes"]["month"])  # the notes travel with the numbers
    for g, v in summary["groups"].items():
        assert v["status"] == "ok", v["error"]
        for f in v["files"].values():
            assert (folder / f).stat().st_size > 0
    assert (folder / "monthly_report.html").exists() and (folder / "summary.csv").exists()
    html = (folder / "county_港北区.html").read_text(encoding="utf-8")
    assert "validate(globals()" not in html  # no code cells in the HTML
    assert html.count("<img") >= 2  # the two trajectory charts
    assert (folder / "monthly_report.html").read_text(encoding="utf-8").count("<img") >= 2  # calendar and bars
    # the same numbers as the commands
    _, month_json, _ = run(capsys, "assess", "--config", CONFIG, "--store", demo / "store", "--period", "2026-02", "--json")
    assert summary["groups"]["港北区"]["month"] == json.loads(month_json)["groups"]["港北区"]
    _, fc_json, _ = run(capsys, "forecast", "--config", CONFIG, "--store", demo / "store", "--as-of", "2026-02-28",
                        "--n-sims", "100", "--json")
    assert summary["groups"]["全市"]["forecast"] == json.loads(fc_json)["全市"]
    first = (folder / "summary.json").read_bytes()
    assert run(capsys, "report", "--config", CONFIG, "--store", demo / "store", "--month", "2026-02", "--n-sims", "100",
               "--out", demo / "reports")[0] == 0
    assert (folder / "summary.json").read_bytes() == first  # a rerun gives the same numbers
    assert not list(folder.parent.glob(".*"))  # no partial or old folder left behind


def test_a_group_without_data_fails_alone(demo, capsys):
    code, _, err = run(capsys, "report", "--config", demo / "plan_empty.toml", "--store", demo / "store", "--month",
                       "2026-03", "--n-sims", "50", "--out", demo / "reports")
    assert code == 3
    assert "空县" in err
    summary = json.loads((demo / "reports" / "plan_empty" / "2026-03" / "summary.json").read_text(encoding="utf-8"))
    assert summary["groups"]["空县"]["status"] == "failed" and summary["groups"]["空县"]["error"]
    assert summary["groups"]["港北区"]["status"] == "ok"
    index = (demo / "reports" / "plan_empty" / "2026-03" / "index.html").read_text(encoding="utf-8")
    assert "✘" in index


def test_a_crash_leaves_the_previous_report(demo, february, tmp_path):
    out = tmp_path / "reports"
    shutil.copytree(february[0], out / "guigang_2023" / "2026-02")  # the previous report of the month
    before = (out / "guigang_2023" / "2026-02" / "summary.json").read_bytes()
    broken = tmp_path / "nb"
    broken.mkdir()
    (broken / "monthly_report.ipynb").write_text((NOTEBOOKS / "monthly_report.ipynb").read_text(encoding="utf-8")
                                                 .replace("from airq.notebook import month_view", "raise RuntimeError('boom')"),
                                                 encoding="utf-8")
    with pytest.raises(ValueError, match="boom"):
        run_report(CONFIG, demo / "store", "2026-02", out=out, n_sims=20, notebooks=broken)
    assert (out / "guigang_2023" / "2026-02" / "summary.json").read_bytes() == before
    assert not list((out / "guigang_2023").glob(".*"))


@pytest.mark.parametrize("params, sentence", [
    ({"group": "不存在区"}, "is not a group of the plan"),
    ({"as_of": "2026-06-30"}, "is after the data in the store"),
    ({"as_of": "2026-03"}, "is not a full date"),
    ({"store": "/nonexistent/store"}, "is not an airq store"),
    ({"gruop": "港北区"}, "unknown parameter(s) gruop"),
    ({"lang": "fr"}, "must be 'zh' or 'en'"),
])
def test_county_notebook_refuses_bad_parameters(demo, tmp_path, params, sentence):
    base = {"config": str(CONFIG), "store": str(demo / "store"), "as_of": "2026-03-31", "n_sims": 10, "lang": "en"}
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(NOTEBOOKS / "county_trajectory.ipynb"), str(tmp_path / "out.ipynb"),
                            parameters={**base, **params}, progress_bar=False, kernel_name="python3")
    assert err.value.ename == "ParameterError"
    assert sentence in err.value.evalue


def test_notebooks_are_committed_without_outputs():
    for nb in NOTEBOOKS.glob("*.ipynb"):
        doc = json.loads(nb.read_text(encoding="utf-8"))
        tags = [c.get("metadata", {}).get("tags", []) for c in doc["cells"]]
        assert any("parameters" in t for t in tags), nb
        i = next(k for k, t in enumerate(tags) if "parameters" in t)
        assert "validate(globals()" in "".join(doc["cells"][i + 1]["source"]), nb  # the validation cell follows
        assert doc["metadata"]["kernelspec"]["name"] == "python3"
        for c in doc["cells"]:
            if c["cell_type"] == "code":
                assert c["outputs"] == [] and c["execution_count"] is None, nb


def _chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        pytest.skip("headless Chromium is not installed (.ci/run installs Debian's chromium where absent)")
    return exe


def test_html_report_in_headless_chromium(february, tmp_path):
    exe = _chromium()
    folder = february[0]
    for page, size in (("index.html", "1000,600"), ("county_港北区.html", "1000,1400")):
        shot = tmp_path / f"{page}.png"
        args = [exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--window-size={size}"]
        subprocess.run([*args, f"--screenshot={shot}", (folder / page).as_uri()], check=True, capture_output=True,
                       timeout=120)
        dom = subprocess.run([*args, "--dump-dom", (folder / page).as_uri()], check=True, capture_output=True,
                             timeout=120, text=True).stdout
        pixels = matplotlib.image.imread(shot)[..., :3]
        assert pixels.std() > 0.05, f"{page}: blank screenshot"
        if page == "index.html":
            assert "贵港市2023年环境空气质量目标 — 2026-02" in dom and dom.count("<tr>") == 7  # title + 6 groups
        else:
            # the headings in the report's language (the bilingual JupyterLab title cell is left out of the HTML)
            assert "县（区）空气质量轨迹与目标" in dom and "轨迹、预测区间与目标" in dom and "<table" in dom and "image/png" in dom
            assert "county trajectory against target" not in dom and "年初至今" in dom and "dtype:" not in dom
            blue = (pixels[..., 2] - pixels[..., 0] > 0.25) & (pixels[..., 2] > 0.6)  # the fan's blues
            assert blue.sum() > 2000, "the forecast fan of the trajectory chart is not on the page"


@pytest.mark.parametrize("name, params", [
    ("whatif", {"as_of": "2026-03-31"}),
    ("explore", {"start": "2026-01-01", "end": "2026-03-31"}),
])
def test_whatif_and_explore_execute_headless(demo, tmp_path, name, params):
    base = {"config": str(CONFIG), "store": str(demo / "store")}
    out = tmp_path / f"{name}.ipynb"
    pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(out), parameters={**base, **params}, progress_bar=False,
                        kernel_name="python3")
    doc = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in doc["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    if name == "whatif":  # the static grid of scenarios is there without a frontend
        assert any("PM2.5达标" in "".join(o.get("data", {}).get("text/html", "")) for o in outputs)  # lang zh: Chinese columns
        assert any("情景表" in "".join(o.get("data", {}).get("text/markdown", "")) for o in outputs)
    else:
        assert sum("image/png" in o.get("data", {}) for o in outputs) >= 3


@pytest.mark.parametrize("name, params, sentence", [
    ("whatif", {"as_of": "2027-01-31"}, "is after the data in the store"),
    ("explore", {"start": "2026-01-01", "end": "2026-13-01"}, "is not a date"),
])
def test_whatif_and_explore_refuse_bad_parameters(demo, tmp_path, name, params, sentence):
    base = {"config": str(CONFIG), "store": str(demo / "store"), "lang": "en"}  # the errors in English
    with pytest.raises(pm.PapermillExecutionError) as err:
        pm.execute_notebook(str(NOTEBOOKS / f"{name}.ipynb"), str(tmp_path / "o.ipynb"), parameters={**base, **params},
                            progress_bar=False, kernel_name="python3")
    assert err.value.ename == "ParameterError" and sentence in err.value.evalue
