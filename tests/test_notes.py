"""Notes carried by results (airq.notes, issue 13 item 1): English as before, Chinese where the reader is Chinese."""

from __future__ import annotations

import ast
import copy
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from airq import i18n
from airq.assessment import O3_1H_NOTE
from airq.notes import Note, note, render

ROOT = Path(__file__).resolve().parents[1]
GUIGANG = ROOT / "config" / "guigang_2023.toml"


def _note_keys_in_code() -> dict:
    """Every literal key of ``note("...", ...)`` in airq/."""
    used = {}
    for path in sorted((ROOT / "airq").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "note" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    return used


def test_every_note_used_in_the_code_is_in_the_catalogue():
    used = _note_keys_in_code()
    assert len(used) >= 12
    assert {k: w for k, w in used.items() if f"note.{k}" not in i18n.keys("en")} == {}
    assert {k: w for k, w in used.items() if f"note.{k}" not in i18n.keys("zh")} == {}


def test_a_note_is_its_english_text_and_says_itself_in_chinese():
    n = note("prev_insufficient", start="2013-01-01", end="2013-12-31",
             groups=[note("prev_group", group="北京市", days=283), note("prev_group", group="海淀区", days=300)])
    assert isinstance(n, str) and n == (
        "the comparison period 2013-01-01 .. 2013-12-31 is not sufficient for a valid statistic (GB 3095 Table 4: 324 "
        "days, 27 per month, February 25) for 北京市 (283 valid days), 海淀区 (300 valid days): its figures are shown "
        "marked *, and the changes against it are withheld")
    zh = render(n, "zh")
    assert zh.startswith("比较期 2013-01-01 至 2013-12-31") and "北京市（有效天数 283）、海淀区（有效天数 300）" in zh
    assert render(n, "en") == n and render("a plain text", "zh") == "a plain text"
    assert json.loads(json.dumps([n])) == [str(n)]  # JSON: the English sentence


@pytest.mark.parametrize("copier", [copy.copy, copy.deepcopy, lambda n: pickle.loads(pickle.dumps(n))])
def test_copies_keep_the_key_and_fields(copier):
    n = note("dust_applied", word="exclude_days", n=3)
    c = copier(n)
    assert isinstance(c, Note) and c == n and c.key == "dust_applied" and c.to("zh") == n.to("zh")
    assert "沙尘扣除" in c.to("zh") and "3" in c.to("zh")


def test_the_o3_note_kept_its_words():
    assert O3_1H_NOTE.startswith("the data carry no daily max 1-h O3 (daily values such as the aqistudy city files)")
    assert "臭氧日最大 1 小时值" in render(O3_1H_NOTE, "zh")


def _airq(*argv) -> str:
    proc = subprocess.run([sys.executable, "-m", "airq.cli", *argv], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.realdata
def test_assess_says_its_notes_in_the_plans_language(shared_real, tmp_path):
    store = tmp_path / "store"
    _airq("ingest", "--format", "guigang_daily", str(shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"),
          "--store", str(store), "--config", str(GUIGANG), "--quiet")
    base = ["assess", "--config", str(GUIGANG), "--store", str(store), "--period", "2023-02"]
    zh, en = _airq(*base), _airq(*base, "--lang", "en")
    assert "注：已剔除本方案站点 8 个被标记为非自然日代用值" in zh and "flagged as proxies" not in zh
    assert "注：站点 GP01A、PN01A 在方案中标为合成占位站" in zh
    assert "note: 8 station-day(s) of the plan's stations flagged as proxies" in en
    notes = json.loads(_airq(*base, "--json"))["notes"]
    assert any(n.startswith("8 station-day(s) of the plan's stations flagged as proxies") for n in notes)


def test_errors_carry_their_note_and_the_command_line_says_them_in_the_plans_language(tmp_path, capsys):
    from airq.cli import main
    from airq.store import load
    from airq.util import as_day

    with pytest.raises(ValueError) as info:
        as_day("2023-03")
    exc = info.value
    assert isinstance(exc.args[0], Note) and str(exc) == "as_of '2023-03' is not a full date (YYYY-MM-DD); for the end of that month write 2023-03-31"
    with pytest.raises(FileNotFoundError) as info:
        load(tmp_path / "nowhere")
    assert "不存在" in render(info.value.args[0], "zh")
    argv = ["assess", "--config", str(GUIGANG), "--store", str(tmp_path / "nowhere"), "--period", "2023"]
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("airq: error: 数据库目录 ") and "不存在" in err and err.count("\n") == 1
    assert main([*argv, "--lang", "en"]) == 1
    assert "does not exist: create it with airq ingest" in capsys.readouterr().err
