"""The plan's measures (issue 12): due dates from the plan's words, the two registers against the texts,
status as of a day, the loader's one-sentence errors, `airq measures`, the monthly report's section."""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from airq.cli import main
from airq.config import ConfigError, load_plan
from airq.measures import (DUE_KINDS, REGISTER_COLUMNS, STATUSES, by_lead_unit, find_due_phrases, measure_status,
                           month_section, parse_due, read_register, read_status, records)
from airq.textable import display_width

ROOT = Path(__file__).resolve().parents[1]
PLANS = ROOT.parent / "shared" / "reference" / "plans"
QIXING_TEXT, GUIGANG_TEXT = PLANS / "guilin_qixing_2023_task_breakdown.txt", PLANS / "guigang_2023_air_plan.txt"
QIXING, GUIGANG = ROOT / "config" / "qixing_2023_measures.csv", ROOT / "config" / "guigang_2023_measures.csv"
D = dt.date


@pytest.fixture(scope="module")
def plans() -> Path:
    if not (QIXING_TEXT.is_file() and GUIGANG_TEXT.is_file()):
        pytest.skip(f"the plan texts are not available: {PLANS} holds them (read-only project data outside the repo)")
    return PLANS


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


# --------------------------------------------------------------------------- reading the plan's words

#: Every phrasing of the two texts (as written, spaces and ** markup included), then the issue's and
#: the other forms the rules cover. (words, due, kind)
PHRASINGS = [
    # Qixing
    ("2023 年 6 月底前", D(2023, 6, 30), "month_end"),
    ("2023 年 6 月中旬前", D(2023, 6, 20), "date"),
    ("2023年8月底前", D(2023, 8, 31), "month_end"),
    ("2023年5月25日前", D(2023, 5, 25), "date"),
    ("2023年6月15日前", D(2023, 6, 15), "date"),
    ("2023年6月底前", D(2023, 6, 30), "month_end"),
    ("2023 年 6—7 月", D(2023, 7, 31), "range"),
    ("2023 年 8—9 月", D(2023, 9, 30), "range"),
    ("2023 年 10—12 月", D(2023, 12, 31), "range"),
    ("每月", None, "recurring"),
    ("每两个月", None, "recurring"),
    ("每周", None, "recurring"),
    ("持续", None, "ongoing"),
    ("常态化", None, "ongoing"),
    ("日常", None, "ongoing"),
    # Guigang
    ("2023年8月前", None, "ambiguous"),
    ("2023 年 8 月前", None, "ambiguous"),
    ("2023 年 8 月底前", D(2023, 8, 31), "month_end"),
    ("2023 年 4 月 15 日前", D(2023, 4, 15), "date"),
    ("2023 年 9 月底前", D(2023, 9, 30), "month_end"),
    ("**2023年3月底**前", D(2023, 3, 31), "month_end"),
    ("**2023年7月底**前", D(2023, 7, 31), "month_end"),
    ("**2023年11月底**前", D(2023, 11, 30), "month_end"),
    ("**2023年10月底**前", D(2023, 10, 31), "month_end"),
    ("2023年7月1日", D(2023, 7, 1), "date"),
    ("2023年11月底前", D(2023, 11, 30), "month_end"),
    ("2023年底前", D(2023, 12, 31), "month_end"),
    ("5月底前", D(2023, 5, 31), "month_end"),
    ("2023 年 3 月底前", D(2023, 3, 31), "month_end"),
    ("**2023 年 3 月底**前", D(2023, 3, 31), "month_end"),
    ("**2023**年底前", D(2023, 12, 31), "month_end"),
    ("**2023**年**3**月底前", D(2023, 3, 31), "month_end"),
    ("2023 年 6 月底前", D(2023, 6, 30), "month_end"),
    ("每月月底前", None, "recurring"),
    # the words and the other forms
    ("5月25日前", D(2023, 5, 25), "date"),
    ("6 月中旬前", D(2023, 6, 20), "date"),
    ("8—9 月", D(2023, 9, 30), "range"),
    ("长期坚持", None, "ongoing"),
    ("２０２３年６月底前", D(2023, 6, 30), "month_end"),
    ("６月１５日前", D(2023, 6, 15), "date"),
    ("8－9月", D(2023, 9, 30), "range"),
    ("8-9月", D(2023, 9, 30), "range"),
    ("8~9月", D(2023, 9, 30), "range"),
    ("8～9月", D(2023, 9, 30), "range"),
    ("8至9月", D(2023, 9, 30), "range"),
    ("8–9 月", D(2023, 9, 30), "range"),
    ("10月—12月", D(2023, 12, 31), "range"),
    ("六月上旬前", D(2023, 6, 10), "date"),
    ("6月上旬", D(2023, 6, 10), "date"),
    ("6月下旬前", D(2023, 6, 30), "month_end"),
    ("十二月底前", D(2023, 12, 31), "month_end"),
    ("年底前", D(2023, 12, 31), "month_end"),
    ("年内", D(2023, 12, 31), "range"),
    ("2024年底前", D(2024, 12, 31), "month_end"),
    ("三季度末", D(2023, 9, 30), "month_end"),
    ("第二季度", D(2023, 6, 30), "range"),
    ("每季度", None, "recurring"),
    ("上半年", D(2023, 6, 30), "range"),
    ("下半年", D(2023, 12, 31), "range"),
    ("2023年8月", D(2023, 8, 31), "range"),
    ("5月1日至15日", D(2023, 5, 15), "range"),
    ("2023年11月至次年2月", D(2024, 2, 29), "range"),
    ("三季度前", None, "ambiguous"),
    ("11—2月", None, "ambiguous"),
    ("2月30日前", None, "ambiguous"),
    ("最迟在相关设备下次停车（工）大修期间", None, "ambiguous"),
    ("2023年3月底前制定，2023年7月底前完成", None, "ambiguous"),
    ("", None, "ongoing"),
]


@pytest.mark.parametrize("words, due, kind", PHRASINGS)
def test_parse_due_reads_the_plans_words(words, due, kind):
    got = parse_due(words, 2023)
    assert (got.due, got.kind) == (due, kind), got.note
    assert got.kind in DUE_KINDS and got.note  # the rule (or why ambiguous) is said
    if kind != "ambiguous":
        assert got.text == words.replace("**", "").strip()  # the plan's own words, as written


def test_ambiguous_words_keep_the_words_and_say_why():
    got = parse_due("于2023年8月前制定园区集中供热规划", 2023)
    assert got.due is None and got.kind == "ambiguous" and got.text == "2023年8月前"
    assert "31 July" not in got.note and "month 7" in got.note and "month 8" in got.note  # both readings, no pick
    assert parse_due("5月底前").kind == "ambiguous"  # no year in the words and no plan year: not guessed


def test_titles_are_not_deadlines():
    text = "按照《广西加快农作物秸秆综合利用工作方案（2021—2025年）的通知》，于5月底前制定计划"
    assert [d.text for _, _, d in find_due_phrases(text, 2023)] == ["5月底前"]
    assert find_due_phrases("统一规划、统一月度调度", 2023) == []  # 一月 inside a word is not January


def _clean(path: Path) -> str:
    """The text without markup and document titles (《…》)."""
    return re.sub(r"《[^《》]*》", "", path.read_text(encoding="utf-8").replace("**", ""))


def test_every_time_phrase_of_the_two_texts_is_among_the_tested_phrasings(plans):
    tested = {re.sub(r"\s|\*", "", w) for w, _, _ in PHRASINGS}
    for path in (QIXING_TEXT, GUIGANG_TEXT):
        for _, _, d in find_due_phrases(path.read_text(encoding="utf-8").replace("**", ""), 2023):
            assert re.sub(r"\s", "", d.text) in tested, f"{path.name}: {d.text!r} has no test"


# --------------------------------------------------------------------------- the registers against the texts


def _independent_counts(path: Path) -> tuple[int, int]:
    """Dated items = every '<digit> 月' or '年底' outside titles; periodic = every 每月 / 每周 / 每两个月."""
    text = _clean(path)
    return len(re.findall(r"\d\s*月|年\s*底", text)), len(re.findall(r"每(?:月|周|两个月)", text))


def _counted(frame: pd.DataFrame) -> tuple[int, int]:
    dated = sum(len(re.findall(r"\d\s*月|年\s*底", t)) for t in frame["due_text"])
    return dated, int((frame["due_kind"] == "recurring").sum())


def test_register_counts_match_the_texts(plans):
    for register, text in ((QIXING, QIXING_TEXT), (GUIGANG, GUIGANG_TEXT)):
        frame = read_register(register)
        assert _counted(frame) == _independent_counts(text), register.name
    qx = read_register(QIXING)
    goals = re.findall(r"\t\s*(?:<p>)?[(（]([一二三四五六七八九十])[)）]", QIXING_TEXT.read_text(encoding="utf-8"))
    have = {re.match(r"QX-(\d+)\.(\d+)\.", i).groups() for i in qx["id"]}  # (area, goal)
    assert len(have) == len(goals) == 26  # every goal of the table has its measures
    assert {a for a, _ in have} == {str(a) for a in range(1, 9)}  # all eight key-task areas


def test_committed_registers_load_and_are_complete():
    qx, gg = read_register(QIXING), read_register(GUIGANG)
    assert (len(qx), len(gg)) == (73, 23)
    assert qx["due_kind"].value_counts().to_dict() == {"ongoing": 51, "month_end": 12, "date": 4, "recurring": 3,
                                                        "range": 3}
    assert gg["due_kind"].value_counts().to_dict() == {"month_end": 18, "ambiguous": 2, "date": 2, "recurring": 1}
    assert all(len(u) >= 1 for u in gg["lead_units"]) and all(len(u) >= 1 for u in qx["lead_units"])
    row = gg.set_index("id").loc["GG-3.4.1"]
    assert (row["due"], row["due_text"], row["lead_units"]) == (pd.Timestamp("2023-05-31"), "5月底前", ["市农业农村局"])
    assert gg.set_index("id").loc["GG-3.4.5", "counties"] == ["港北区", "港南区"]
    assert set(qx["counties"].map(tuple)) == {("七星区",)}
    for path in (QIXING, GUIGANG):  # Excel-friendly: UTF-8 with BOM; empty status files with the header
        assert path.read_bytes().startswith(b"\xef\xbb\xbfid,task,goal,text,due")
        assert path.with_name(f"{path.stem}_status.csv").read_bytes() == b"\xef\xbb\xbfid,date,status,note,by\r\n"


def test_the_builder_is_deterministic_and_gives_the_committed_ids(plans, tmp_path):
    for out in ("a", "b"):
        proc = subprocess.run([sys.executable, str(ROOT / "tools" / "build_measures.py"), "--plans", str(plans),
                               "--out", str(tmp_path / out)], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    for name in (QIXING.name, GUIGANG.name):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()
        assert set(read_register(tmp_path / "a" / name)["id"]) <= set(read_register(ROOT / "config" / name)["id"])


# --------------------------------------------------------------------------- status as of a day

REGISTER = """id,task,goal,text,due,due_text,due_kind,lead_units,cooperating_units,responsible_units,counties,source
A,工业,源头替代,6月底前完成摸底调查,2023-06-30,2023 年 6 月底前,month_end,区工信局;区住建局,,,七星区,
B,工业,治理设施,5月25日前梳理问题清单,2023/5/25,2023年5月25日前,date,市七星生态环境局,,,七星区,
C,扬尘,施工扬尘,每月公布红榜,,每月,recurring,区住建局,,,,
D,产业,供热,8月前制定园区集中供热规划,,2023年8月前,ambiguous,市发改委,,,,
E,工业,升级改造,8月底前完成升级改造,2023-08-31,2023年8月底前,month_end,市七星生态环境局,,,七星区,
"""
EVENTS = """id,date,status,note,by
A,2023-07-05,done,摸底调查完成,张三
B,2023-05-20,done,,李四
E,2023-06-01,done,提前完成,王五
C,2023-06-15,note,6月已公布红榜,张三
E,2023-06-10,reopened,两家企业未达标,王五
"""


@pytest.fixture
def files(tmp_path):
    reg, st = tmp_path / "m.csv", tmp_path / "m_status.csv"
    reg.write_text(REGISTER, encoding="utf-8")
    st.write_bytes(EVENTS.encode("gb18030"))  # as Excel on Chinese Windows saves it
    return reg, st


def _status(reg, st, day) -> pd.DataFrame:
    register = read_register(reg)
    return measure_status(register, read_status(st, register), day).set_index("id")


@pytest.mark.parametrize("day, expected", [
    ("2023-05-19", {"A": ("open", None), "B": ("due_this_month", None), "E": ("open", None)}),
    ("2023-05-31", {"B": ("done", None)}),                                   # done before due: not late
    ("2023-06-05", {"E": ("done", None)}),                                   # done early ...
    ("2023-06-10", {"E": ("open", None)}),                                   # ... reopened: open again
    ("2023-06-30", {"A": ("due_this_month", None), "C": ("ongoing", None), "D": ("open", None)}),
    ("2023-07-03", {"A": ("overdue", 3)}),
    ("2023-07-10", {"A": ("done", 5)}),                                      # done late: days_late kept
    ("2023-09-05", {"E": ("overdue", 5), "D": ("open", None)}),              # reopened and past due; ambiguous never overdue
])
def test_status_transitions(files, day, expected):
    t = _status(*files, day)
    for mid, (status, late) in expected.items():
        got = t.loc[mid]
        assert (got["status"], None if pd.isna(got["days_late"]) else int(got["days_late"])) == (status, late), mid
    assert set(t["status"]) <= set(STATUSES)


def test_a_note_changes_no_status(files):
    t = _status(*files, "2023-06-30")
    assert t.loc["C", "status"] == "ongoing" and t.loc["C", "note"] == "6月已公布红榜"
    assert _status(*files, "2023-06-14").loc["C", "note"] == ""  # not known before its date


def test_month_section_and_lead_units(files):
    register = read_register(files[0])
    sec = month_section(register, read_status(files[1], register), "2023-07")
    assert sec["as_of"] == "2023-07-31" and [m["id"] for m in sec["done"]] == ["A"]
    assert sec["done"][0]["days_late"] == 5 and sec["due"] == [] and sec["overdue"] == []
    lead = {r["lead_unit"]: r for r in sec["by_lead_unit"]}
    assert lead["区住建局"]["measures"] == 2 and lead["区住建局"]["done_late"] == 1
    assert json.dumps(sec, ensure_ascii=False)  # JSON-ready
    assert sec["notes"] == []
    # a report month after every due date of the register (the demo runs the 2023 plan on 2026): said
    late = month_section(register, read_status(files[1], register), "2026-10")
    assert any("after all of them" in n and "2026" in n for n in late["notes"])
    t = measure_status(register, None, "2023-09-05")
    assert by_lead_unit(t).set_index("lead_unit").loc["市七星生态环境局", "max_days_late"] == 103  # B: 25 May to 5 Sep


# --------------------------------------------------------------------------- one-sentence errors


@pytest.mark.parametrize("old, new, where, problem", [
    ("2023-08-31,2023年8月底前", "2023-13-01,2023年8月底前", "line 6, column due", "not a day of the calendar"),
    ("2023/5/25", "25.5.2023", "line 3, column due", "not a date"),
    (",month_end,市七星", ",monthend,市七星", "line 6, column due_kind", "must be one of"),
    ("\nE,", "\nA,", "line 6, column id", "duplicate id (first on line 2)"),
    (",2023年8月前,ambiguous,市发改委,", ",2023年8月前,ambiguous,,", "line 5, column lead_units", "at least one lead unit"),
    (",,每月,recurring,", ",2023-06-30,每月,recurring,", "line 4, column due", "has no due date"),
    ("counties,source", "county,source", "line 1, column county", "did you mean 'counties'"),
])
def test_a_bad_register_line_is_one_sentence(tmp_path, capsys, old, new, where, problem):
    assert old in REGISTER
    path = tmp_path / "bad.csv"
    path.write_text(REGISTER.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_register(path)
    msg = str(err.value)
    assert msg.startswith(f"{path}: {where}: ") and problem in msg and "(value: " in msg and "\n" not in msg
    code, out, stderr = run(capsys, "measures", "--register", path, "--as-of", "2023-06-30")
    assert code == 1 and out == "" and stderr == f"airq: error: {msg}\n"  # never a traceback


@pytest.mark.parametrize("line, where, problem", [
    ("X,2023-06-01,done,,", "line 7, column id", "no measure with this id"),
    ("A,2023-06-31,done,,", "line 7, column date", "not a day of the calendar"),
    ("A,2023-06-01,finished,,", "line 7, column status", "must be one of done, reopened, note"),
    ("A,2023-06-01,note,,", "line 7, column note", "needs the note"),
    ("B,2023-05-21,done,,", "line 7, column status", "B is already done on 2023-05-20"),
    ("A,2023-06-01,reopened,,", "line 7, column status", "A is not done on 2023-06-01"),
])
def test_a_bad_status_line_is_one_sentence(files, line, where, problem):
    reg, st = files
    st.write_text(EVENTS + line + "\n", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        read_status(st, read_register(reg))
    assert str(err.value).startswith(f"{st}: {where}: ") and problem in str(err.value)


def test_plan_config_names_its_register(tmp_path):
    plan = load_plan(ROOT / "config" / "guigang_2023.toml")
    assert plan.measures.register == "guigang_2023_measures.csv" and plan.measures.register_path == GUIGANG
    base = (ROOT / "config" / "guigang_2023.toml").read_text(encoding="utf-8")
    for old, new, where in (('register = "guigang_2023_measures.csv"', 'register = "nowhere.csv"', "measures.register"),
                            ('status = "guigang', 'stat = "guigang', "measures.stat")):
        path = tmp_path / "p.toml"
        path.write_text(base.replace(old, new), encoding="utf-8")
        with pytest.raises(ConfigError, match=re.escape(f"{path}: {where}: ")):
            load_plan(path)


# --------------------------------------------------------------------------- the command


def test_cli_json(files, capsys):
    reg, st = files
    code, out, _ = run(capsys, "measures", "--register", reg, "--status", st, "--as-of", "2023-07-10", "--json")
    assert code == 0
    items = {m["id"]: m for m in json.loads(out)}
    assert list(items) == ["A", "B", "C", "D", "E"]
    for m in items.values():
        assert {"id", "task", "text", "due", "due_text", "status", "days_late", "lead_units", "counties"} <= set(m)
        assert isinstance(m["lead_units"], list) and isinstance(m["counties"], list)
    assert items["A"] == {**items["A"], "due": "2023-06-30", "due_text": "2023 年 6 月底前", "status": "done",
                          "days_late": 5, "done_on": "2023-07-05", "lead_units": ["区工信局", "区住建局"]}
    assert (items["D"]["due"], items["D"]["due_kind"], items["D"]["status"]) == (None, "ambiguous", "open")
    code, out, _ = run(capsys, "measures", "--register", reg, "--as-of", "2023-07-10", "--json", "--unit", "区住建局")
    assert [m["id"] for m in json.loads(out)] == ["A", "C"]  # the status file beside the register is used


def test_cli_text_is_aligned_and_summarised(files, capsys):
    reg, st = files
    code, out, _ = run(capsys, "measures", "--register", reg, "--status", st, "--as-of", "2023-09-05")
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == f"register {reg} (5 measures); status {st} (5 events); as of 2023-09-05"
    table = lines[2:8]
    col = [display_width(line[: line.index(" " + word)]) for line, word in zip(table, ["status", "done", "done", "ongoing", "open", "overdue"])]
    assert len(set(col)) == 1  # the status column starts at the same display column in every row
    assert "done 2  overdue 1  due_this_month 0  open 1  ongoing 1" in out
    assert "due ?:" in out and "by lead unit" in out
    summary = lines[lines.index("by lead unit") + 1:]
    assert summary[0].split() == ["lead_unit", "measures", *STATUSES, "done_late", "max_days_late"]
    assert any(line.split()[:2] == ["市七星生态环境局", "2"] for line in summary)


def test_cli_refuses_a_month_for_as_of_and_an_unknown_unit(files, capsys):
    reg, st = files
    code, _, err = run(capsys, "measures", "--register", reg, "--as-of", "2023-07")
    assert code == 1 and "--as-of '2023-07' is not a full date" in err and "2023-07-31" in err
    code, _, err = run(capsys, "measures", "--register", reg, "--as-of", "2023-07-01", "--unit", "区住建")
    assert code == 1 and err.count("\n") == 1 and "closest: 区住建局" in err


def test_cli_on_the_committed_register(capsys):
    code, out, _ = run(capsys, "measures", "--register", QIXING, "--as-of", "2023-06-30", "--json")
    items = {m["id"]: m for m in json.loads(out)}
    assert len(items) == 73 and items["QX-1.1.3"]["status"] == "overdue" and items["QX-1.1.3"]["days_late"] == 10
    assert items["QX-8.1.3-2"]["due"] == "2023-09-30" and items["QX-2.1.1"]["status"] == "ongoing"
    assert records(measure_status(read_register(QIXING), None, "2023-06-30")) == list(items.values())


# --------------------------------------------------------------------------- the monthly report


def test_report_section(tmp_path, capsys):
    from airq.demo import write_demo
    from airq.ingestion import ingest_files

    write_demo(tmp_path / "raw", start="2023-05-01", end="2023-06-30", stations=["2506A", "2507A"])
    ingest_files("tidy", tmp_path / "raw", tmp_path / "store")
    (tmp_path / "st.csv").write_text("id,date,status,note,by\nGG-3.4.1,2023-06-12,done,计划已报,张三\n"
                                     "GG-3.2.1,2023-06-20,note,进度过半,李四\n", encoding="utf-8")
    plan = (ROOT / "config" / "guigang_2023.toml").read_text(encoding="utf-8")
    head = plan[: plan.index("# ---------------------------------------------------------------- stations (national")]
    head = head.replace('register = "guigang_2023_measures.csv"', f'register = "{GUIGANG.as_posix()}"')
    head = head.replace('status = "guigang_2023_measures_status.csv"', 'status = "st.csv"')
    (tmp_path / "plan.toml").write_text(head + """
[stations.2506A]
name = "江南子站"
lat = 23.0666
lon = 109.6047
contrast = false

[stations.2507A]
name = "贵城子站"
lat = 23.0948
lon = 109.6014
contrast = false

[groups."全市"]
kind = "city"
stations = ["2506A", "2507A"]

[targets.2023."全市"]
good_day_ratio = 93.8
pm25_mean = 30.9
heavy_day_ratio = 0.0
""", encoding="utf-8")
    code, out, err = run(capsys, "report", "--config", tmp_path / "plan.toml", "--store", tmp_path / "store",
                         "--month", "2023-06", "--n-sims", "20", "--out", tmp_path / "reports")
    assert code == 0, err
    folder = tmp_path / "reports" / "plan" / "2023-06"
    m = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["measures"]
    assert (m["month"], m["as_of"], m["status"]) == ("2023-06", "2023-06-30", "st.csv")
    assert [x["id"] for x in m["due"]] == ["GG-3.2.1", "GG-3.4.5"]
    assert m["due"][0]["note"] == "进度过半"
    assert [(x["id"], x["days_late"]) for x in m["done"]] == [("GG-3.4.1", 12)]  # done 12 days after 31 May
    overdue = {x["id"]: x for x in m["overdue"]}
    assert overdue["GG-3.2.2-1"]["days_late"] == 76 and overdue["GG-3.2.2-1"]["lead_units"] == ["市生态环境局", "市工信局"]
    assert "GG-3.1.2" not in overdue  # "2023年8月前": ambiguous, never overdue
    assert m["counts"] == {"done": 1, "overdue": 8, "due_this_month": 2, "open": 11, "ongoing": 1}
    lead = {r["lead_unit"]: r for r in m["by_lead_unit"]}
    assert lead["市农业农村局"]["done_late"] == 1 and lead["市生态环境局"]["max_days_late"] == 91
    html = (folder / "monthly_report.html").read_text(encoding="utf-8")
    # the plan is Chinese, so is the report (airq.i18n.default_lang)
    assert "措施进展" in html and "GG-3.2.2-1" in html and "按牵头单位" in html and "逾期 8" in html
    assert "逾期 8 项" in (folder / "index.html").read_text(encoding="utf-8")
    (tmp_path / "st.csv").write_text("id,date,status,note,by\nGG-9,2023-06-12,done,,\n", encoding="utf-8")
    code, _, err = run(capsys, "report", "--config", tmp_path / "plan.toml", "--store", tmp_path / "store",
                       "--month", "2023-06", "--n-sims", "20", "--out", tmp_path / "reports")
    # the plan is Chinese, so is the error about its status file (issue 13)
    assert code == 1 and err.startswith(f"airq: error: {tmp_path / 'st.csv'}：第 2 行，id 列：") and "Traceback" not in err


def test_docs_state_the_reading_rules():
    doc = (ROOT / "docs" / "measures.md").read_text(encoding="utf-8")
    for words in ("中旬前", "the 20th", "上旬", "the 10th", "月底前", "8—9 月", "年底前", "31 December", "每月", "持续",
                  "ambiguous", "tools/build_measures.py", *DUE_KINDS, *STATUSES, *REGISTER_COLUMNS):
        assert words in doc, words
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "airq measures --register config/qixing_2023_measures.csv --as-of 2023-06-30" in readme
