"""The plan file's messages in both languages (issue 13): airq.config, measures, measures_due, rules, targets, groups.

Every sentence about a bad plan TOML, station list, measures register or status file is an ``airq.notes.Note``
built from parts — where (file, line, key) and what (the problem, the value) — so that both are said in the same
language. The English text is the sentence the code wrote before (checked here word for word); ``render(note,
"zh")`` says it in Chinese. They are met the way a user meets them: a bad plan file given to ``airq assess``, a
bad register behind ``airq report``, ``airq aqi --date`` with a day that is not one, and the library functions a
notebook calls (what-if arithmetic, group days, the due dates read from a plan's words).
"""

from __future__ import annotations

import pickle

import pandas as pd
import pytest

from airq import groups as G
from airq import rules as R
from airq import targets as T
from airq.config import ConfigError, MISSING, load_plan, load_station_list, plan_by_station
from airq.measures import parse_due, read_register, read_status
from airq.notes import Note, render
from helpers import airq, raised

PLAN = '''[plan]
name = "测试方案"
city = "贵港市"
year = 2023

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

[stations.2505A]
name = "德智高中"
lat = 23.1
lon = 109.6
contrast = true

[groups."全市"]
kind = "city"
stations = ["2506A", "2507A"]

[targets.2023."全市"]
good_day_ratio = 93.8
pm25_mean = 30.9
heavy_day_ratio = 0.0
'''


@pytest.fixture(autouse=True)
def _no_language_from_the_environment(monkeypatch):
    """The tests choose the language with --lang or the plan's; not with AIRQ_LANG or the system locale."""
    monkeypatch.delenv("AIRQ_LANG", raising=False)
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)


def said(exc) -> tuple[str, str]:
    """(English, Chinese) of an exception's note; the English is ``str(exc)`` (a KeyError's without its quotes)."""
    n = exc.args[0]
    assert (str(exc) if not isinstance(exc, KeyError) else exc.args[0]) == str(n)
    return str(n), render(n, "zh")


def bad_plan(tmp_path, old, new):
    assert old in PLAN
    path = tmp_path / "plan.toml"
    path.write_text(PLAN.replace(old, new, 1), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- the plan TOML

# (replace this, with this, English after "<file>: ", Chinese after "<file>：")
PLAN_ERRORS = [
    ("[plan]", "[plan]\nnmae = 'x'",
     "plan.nmae: unknown key 'nmae'; allowed: name, city, year, years, station_list, source; did you mean 'name'? "
     "(value: 'x')",
     "plan.nmae：未知的键 'nmae'；可用的键：name、city、year、years、station_list、source；是否应为 'name'？（值：'x'）"),
    ('kind = "city"\n', "",
     "groups.全市.kind: missing required key (value: <missing>)",
     "groups.全市.kind：缺少必需的键（值：<缺失>）"),
    ("good_day_ratio = 93.8", 'good_day_ratio = "93.8"',
     "targets.2023.全市.good_day_ratio: expected a number, got string (value: '93.8')",
     "targets.2023.全市.good_day_ratio：应为数字，实为字符串（值：'93.8'）"),
    ("contrast = false", "contrast = 0",
     "stations.2506A.contrast: expected true or false, got integer (value: 0)",
     "stations.2506A.contrast：应为布尔值（true 或 false），实为整数（值：0）"),
    ("year = 2023", "year = 1800",
     "plan.year: must be between 1900 and 2100 (value: 1800)",
     "plan.year：须在 1900 至 2100 之间（值：1800）"),
    ('kind = "city"', 'kind = "ciity"',
     "groups.全市.kind: must be one of 'county', 'city', 'station' (value: 'ciity')",
     "groups.全市.kind：须为以下之一：'county'、'city'、'station'（值：'ciity'）"),
    ('stations = ["2506A", "2507A"]', 'stations = ["2506A", "2505A"]',
     "groups.全市.stations[1]: station 2505A (德智高中) is a contrast station (对照点), not an assessment station; "
     "contrast stations must not enter a county or city mean (standards.md §2.5, §5 item 8). Remove it, or set "
     "allow_contrast = true on the group to include it deliberately (value: '2505A')",
     "groups.全市.stations[1]：站点 2505A（德智高中）是对照点，不是评价点；对照点不得参与区县或城市均值计算"
     "（standards.md §2.5、§5 第 8 项）。请删除该站点，或在该组设置 allow_contrast = true 以有意纳入（值：'2505A'）"),
    ('stations = ["2506A", "2507A"]', 'stations = ["2506A", "9999A"]',
     "groups.全市.stations[1]: station 9999A is not defined in [stations] (value: '9999A')",
     "groups.全市.stations[1]：站点 9999A 未在 [stations] 中定义（值：'9999A'）"),
    ('[groups."全市"]', '[options]\nmin_stations = 3\n\n[groups."全市"]',
     "options.min_stations: group '全市' has only 2 station(s), so none of its days could be valid; "
     "set groups.全市.min_stations (value: 3)",
     "options.min_stations：组 '全市' 只有 2 个站点，其任何一天都不可能有效；请设置 groups.全市.min_stations（值：3）"),
    ("pm25_mean = 30.9", "pm25_mean = 30.95",
     "targets.2023.全市.pm25_mean: has 2 decimal(s) but the statistic is reported with 1 (options.decimals.pm25_mean); "
     "a target finer than the reported value cannot be judged (value: 30.95)",
     "targets.2023.全市.pm25_mean：有 2 位小数，但该统计量按 1 位小数报告（options.decimals.pm25_mean）；"
     "目标精度高于报告值时无法评判（值：30.95）"),
    ("good_day_ratio = 93.8", "good_day_ratio = 0.938",
     "targets.2023.全市.good_day_ratio: looks like a fraction; give the ratio in percent (e.g. 93.8, not 0.938) "
     "(value: 0.938)",
     "targets.2023.全市.good_day_ratio：像是小数；比率请以百分数表示（如 93.8，而非 0.938）（值：0.938）"),
    ("[targets.2023.", "[targets.2024.",
     "targets.2024: year not among the plan's years [2023] (plan.year/plan.years); use [targets.default.<group>] to "
     "reuse targets for other years (value: '2024')",
     "targets.2024：年份不在方案的年份 [2023] 中（plan.year/plan.years）；如需在其他年份沿用目标，请使用 "
     "[targets.default.<group>]（值：'2024'）"),
    ("[plan]", "[plan",
     "(TOML syntax, line 1): invalid TOML: Expected ']' at the end of a table declaration (at line 1, column 6) "
     "(value: '[plan')",
     "（TOML 语法，第 1 行）：TOML 格式错误：Expected ']' at the end of a table declaration (at line 1, column 6)"
     "（值：'[plan'）"),
    ("[stations.2507A]", "[stations.2506A]",
     "stations.2506A (line 12): invalid TOML: declared twice (duplicate table / duplicate station code or group name): "
     "Cannot declare ('stations', '2506A') twice (at line 12, column 16) (value: '[stations.2506A]')",
     "stations.2506A（第 12 行）：TOML 格式错误：重复声明（表重复，或站点代码、组名重复）：Cannot declare "
     "('stations', '2506A') twice (at line 12, column 16)（值：'[stations.2506A]'）"),
]


@pytest.mark.parametrize("old, new, en, zh", PLAN_ERRORS, ids=[e[2].split(":")[0] + " " + e[2].split(":")[1][:30]
                                                             for e in PLAN_ERRORS])
def test_a_bad_plan_is_said_in_both_languages(tmp_path, old, new, en, zh):
    path = bad_plan(tmp_path, old, new)
    e = raised(lambda: load_plan(path), ConfigError)
    assert said(e) == (f"{path}: {en}", f"{path}：{zh}")
    # the attributes are what they were: the key path and the problem compare equal to their English text
    assert f"{e.key_path}: {e.problem}" in en


def test_a_plan_that_cannot_be_read(tmp_path):
    missing = tmp_path / "missing.toml"
    e = raised(lambda: load_plan(missing), ConfigError)
    assert said(e) == (f"{missing}: (file): cannot read the plan: No such file or directory (value: '{missing}')",
                       f"{missing}：（文件）：无法读取方案：文件不存在（No such file or directory）（值：'{missing}'）")
    assert e.value == str(missing) and e.key_path == "(file)"
    path = tmp_path / "plan.toml"
    path.write_bytes(PLAN.encode("utf-8") + b"# \xff\n")
    e = raised(lambda: load_plan(path), ConfigError)
    n = len(PLAN.encode("utf-8")) + 2
    assert said(e) == (f"{path}: (file): TOML files must be UTF-8 (byte {n} is not) (value: '{path}')",
                       f"{path}：（文件）：TOML 文件须为 UTF-8 编码（第 {n} 字节不符）（值：'{path}'）")


def test_a_config_error_keeps_its_note_when_copied(tmp_path):
    e = raised(lambda: load_plan(bad_plan(tmp_path, 'kind = "city"\n', "")), ConfigError)
    c = pickle.loads(pickle.dumps(e))
    assert isinstance(c, ConfigError) and str(c) == str(e) and c.value is MISSING
    assert render(c.args[0], "zh") == render(e.args[0], "zh") and "缺少必需的键" in render(c.args[0], "zh")


def test_plan_lookups_are_said_in_both_languages(tmp_path):
    path = tmp_path / "plan.toml"
    path.write_text(PLAN, encoding="utf-8")
    plan = load_plan(path)
    e = raised(lambda: plan.group_stations("港北区"), KeyError)
    assert said(e) == ("plan '测试方案' has no group '港北区'; groups: 全市", "方案 '测试方案' 中没有组 '港北区'；现有的组：全市")
    assert str(e) == repr("plan '测试方案' has no group '港北区'; groups: 全市")
    e = raised(lambda: plan.targets_for("全市", 2024, use_default=False), KeyError)
    assert said(e) == ("plan '测试方案' sets no targets for group '全市' in 2024 (explicit years: [2023]; default: no, not used)",
                       "方案 '测试方案' 未设定组 '全市' 2024 年的目标（已设定目标的年份：[2023]；默认目标：无，未使用）")
    e = raised(lambda: plan_by_station([]))
    assert said(e) == ("no stations: the store holds no data (run `airq ingest` first)",
                       "没有站点：数据库中没有数据（请先运行 `airq ingest`）")


def test_a_bad_station_list_names_line_and_column_in_both_languages(tmp_path):
    path = tmp_path / "list.csv"
    path.write_text("监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
                    "2506A,江南子站,贵港市,109.6,23.06,N,广西,贵港市\n2507A,贵城子站,贵港市,209.6,23.09,N,广西,贵港市\n",
                    encoding="utf-8")
    e = raised(lambda: load_station_list(path), ConfigError)
    assert said(e) == (f"{path}: line 3, 经度: outside -180..180 degrees (value: '209.6')",
                       f"{path}：第 3 行，经度：超出 -180..180 度（值：'209.6'）")


# --------------------------------------------------------------------------- the measures register and status file

REGISTER = "id,task,text,due,due_text,due_kind,lead_units\n"
ROW = "GG-1,任务,内容,2023-06-30,6月底前,month_end,市生态环境局\n"


def test_a_bad_register_is_said_in_both_languages(tmp_path):
    path = tmp_path / "reg.csv"
    path.write_text(REGISTER + ROW.replace("2023-06-30", "2023-13-01"), encoding="utf-8")
    e = raised(lambda: read_register(path), ConfigError)
    assert said(e) == (f"{path}: line 2, column due: not a day of the calendar (value: '2023-13-01')",
                       f"{path}：第 2 行，due 列：不是日历上存在的日期（值：'2023-13-01'）")
    path.write_text(REGISTER.replace("task", "tsak") + ROW, encoding="utf-8")
    en, zh = said(raised(lambda: read_register(path), ConfigError))
    assert en == (f"{path}: line 1, column tsak: unknown column of the measures register; allowed: id, task, goal, "
                  "text, due, due_text, due_kind, lead_units, cooperating_units, responsible_units, counties, source; "
                  "did you mean 'task'? (value: 'tsak')")
    assert zh == (f"{path}：第 1 行，tsak 列：措施台账中的未知列；可用的列：id、task、goal、text、due、due_text、due_kind、"
                  "lead_units、cooperating_units、responsible_units、counties、source；是否应为 'task'？（值：'tsak'）")
    path.write_text(REGISTER + ROW.replace("month_end", "ongoing"), encoding="utf-8")
    assert said(raised(lambda: read_register(path), ConfigError)) == (
        f"{path}: line 2, column due: a ongoing measure has no due date; leave it empty or change due_kind "
        "(value: '2023-06-30')",
        f"{path}：第 2 行，due 列：ongoing 类措施没有完成日期；请将其留空，或修改 due_kind（值：'2023-06-30'）")


def test_a_bad_status_file_is_said_in_both_languages(tmp_path):
    reg = tmp_path / "reg.csv"
    reg.write_text(REGISTER + ROW + ROW.replace("GG-1", "GG-2"), encoding="utf-8")
    register = read_register(reg)
    st = tmp_path / "st.csv"
    st.write_text("id,date,status\nGG-9,2023-06-01,done\n", encoding="utf-8")
    assert said(raised(lambda: read_status(st, register), ConfigError)) == (
        f"{st}: line 2, column id: no measure with this id in the register; closest: GG-2, GG-1 (value: 'GG-9')",
        f"{st}：第 2 行，id 列：台账中没有此编号的措施；最接近的：GG-2、GG-1（值：'GG-9'）")
    st.write_text("id,date,status\nGG-1,2023-06-01,done\nGG-1,2023-06-02,done\n", encoding="utf-8")
    assert said(raised(lambda: read_status(st, register), ConfigError)) == (
        f"{st}: line 3, column status: GG-1 is already done on 2023-06-01; append a 'reopened' line first (value: 'done')",
        f"{st}：第 3 行，status 列：GG-1 已于 2023-06-01 完成；请先追加一行 'reopened'（值：'done'）")
    st.write_text("id,date\nGG-1,2023-06-01\n", encoding="utf-8")
    assert said(raised(lambda: read_status(st, register), ConfigError)) == (
        f"{st}: line 1: missing column(s) status of the status file (value: ['id', 'date'])",
        f"{st}：第 1 行：缺少状态文件的列 status（值：['id', 'date']）")


@pytest.mark.parametrize("words, year, en, zh", [
    ("2023 年 6 月底前", 2023, "月底/月末 (前): due on the last day of the month", "月底/月末（前）：时限为当月最后一天"),
    ("6 月中旬", 2023, "中旬 ends on the 20th: due by the 20th", "中旬止于 20 日：时限为 20 日"),
    ("8月前", 2023, "'8月前' reads as before month 8 begins (due by the end of month 7) or by the end of month 8; the "
     "plan does not say which", "“8月前”既可理解为 8 月开始之前（时限为 7 月底），也可理解为 8 月底之前；方案未说明是哪一种"),
    ("2月30日前", 2023, "2023-02-30 is not a day of the calendar", "2023-02-30 不是日历上存在的日期"),
    ("6月底前、8月底前", 2023, "several deadlines in one text (6月底前; 8月底前); split the measure",
     "一段文字中有多个时限（6月底前; 8月底前）；请拆分该措施"),
    ("5月底前", None, "no year in the words and no plan year given", "文字中没有年份，也未给出方案年份"),
])
def test_the_reading_of_a_due_date_is_said_in_both_languages(words, year, en, zh):
    due = parse_due(words, year)
    assert isinstance(due.note, Note) and (due.note, render(due.note, "zh")) == (en, zh)


# --------------------------------------------------------------------------- rules, targets, group days

def test_rules_errors_in_both_languages():
    assert said(raised(lambda: R.get_rules("HJ633"))) == (
        "unknown rule set 'HJ633'; known: HJ633-2012, HJ633-2026 (or 2012, 2026)",
        "未知的评价规则 'HJ633'；可用：HJ633-2012、HJ633-2026（或 2012、2026）")
    assert said(raised(lambda: R.get_limits("GB3095-2026", "x"))) == (
        "GB3095-2026 has no phase 'x'; phases: transitional, final", "GB3095-2026 没有阶段 'x'；现有阶段：transitional、final")


def test_whatif_arithmetic_errors_in_both_languages():
    base = dict(year=2023, valid_days=90, good_days=80, heavy_days=1, pm25_mean=30, as_of="2023-03-31")
    assert said(raised(lambda: T.whatif(**base, extra_nongood_days=2, extra_heavy_days=3))) == (
        "extra_heavy_days (3) must not exceed extra_nongood_days (2)", "extra_heavy_days（3）不得超过 extra_nongood_days（2）")
    assert said(raised(lambda: T.whatif(**base, remaining_valid_days=400))) == (
        "remaining_valid_days (400) must not exceed calendar days after as_of (275)",
        "remaining_valid_days（400）不得超过 as_of 之后的日历天数（275）")
    assert said(raised(lambda: T.whatif(**{**base, "heavy_days": 20}))) == (
        "heavy_days (20) must not exceed the non-good days valid_days - good_days (90 - 80 = 10); heavy days (AQI > 200) "
        "are non-good days",
        "heavy_days（20）不得超过非优良天数 valid_days - good_days（90 - 80 = 10）；重污染天（AQI > 200）属于非优良天")
    assert said(raised(lambda: T.good_day_allowance([1], 365, 0))) == (  # a list value is shown as written
        "target_ratio: expected a number, got list [1]", "target_ratio：应为数字，实为 list [1]")
    assert said(raised(lambda: T.assess_targets({}, {"pm10_mean": 70}, as_of="2023-03-31", year=2023))) == (
        "targets: 'pm10_mean' cannot be assessed (standards.md §4 has no allowance rule for it); remove it from targets. "
        "Assessable: good_day_ratio, pm25_mean, heavy_day_ratio, o3_p90, good_days",
        "targets：'pm10_mean' 无法评估（standards.md §4 没有其剩余容许量规则）；请从 targets 中删除。可评估：good_day_ratio、"
        "pm25_mean、heavy_day_ratio、o3_p90、good_days")


def test_group_day_errors_in_both_languages():
    sd = pd.DataFrame({"station": ["A", "B"], "date": pd.Timestamp("2024-01-01"), "pm25": [30.0, -41.0]})
    assert said(raised(lambda: G.group_daily(sd, {"city": ["A", "B"]}))) == (
        "group_daily: row 1, column 'pm25': negative concentration np.float64(-41.0)",
        "group_daily：行 1，列 'pm25'：浓度为负值 np.float64(-41.0)")
    assert said(raised(lambda: G.group_daily(sd, {"city": "A"}))) == (
        "group_daily: groups['city'] is the string 'A'; give a list of station codes (e.g. ['A'] for a one-station group)",
        "group_daily：groups['city'] 是字符串 'A'；请给出站点代码列表（单站点组如 ['A']）")


# --------------------------------------------------------------------------- the command line

def test_a_bad_plan_through_the_command_line(tmp_path, capsys):
    path = bad_plan(tmp_path, 'kind = "city"', 'kind = "ciity"')
    argv = ["assess", "--config", path, "--store", tmp_path / "store", "--period", "2023"]
    code, out, err = airq(capsys, *argv, "--lang", "zh")
    assert code == 1 and out == ""
    assert err == f"airq: error: {path}：groups.全市.kind：须为以下之一：'county'、'city'、'station'（值：'ciity'）\n"
    english = f"airq: error: {path}: groups.全市.kind: must be one of 'county', 'city', 'station' (value: 'ciity')\n"
    assert airq(capsys, *argv, "--lang", "en")[2] == english
    # the plan is Chinese, but it cannot be read: its language is not known, the error is English
    assert airq(capsys, *argv)[2] == english
    # a plan file that is not there
    argv = ["assess", "--config", tmp_path / "nope.toml", "--store", tmp_path / "store", "--period", "2023", "--lang", "zh"]
    assert airq(capsys, *argv)[2] == (f"airq: error: {tmp_path / 'nope.toml'}：（文件）：无法读取方案：文件不存在"
                                      f"（No such file or directory）（值：'{tmp_path / 'nope.toml'}'）\n")


def test_a_chinese_plan_that_reads_says_its_register_errors_in_chinese(tmp_path, capsys):
    reg = tmp_path / "reg.csv"
    reg.write_text(REGISTER + ROW.replace("month_end", "monthend"), encoding="utf-8")
    path = tmp_path / "plan.toml"
    path.write_text(PLAN + '\n[measures]\nregister = "reg.csv"\n', encoding="utf-8")
    argv = ["report", "--config", path, "--store", tmp_path / "store", "--month", "2023-06", "--out", tmp_path / "out"]
    code, _, err = airq(capsys, *argv)  # the plan loads and is Chinese: its errors are Chinese
    assert code == 1 and err == (f"airq: error: {reg}：第 2 行，due_kind 列：须为以下之一：date、month_end、range、recurring、"
                                 "ongoing、ambiguous（值：'monthend'）\n")
    assert airq(capsys, *argv, "--lang", "en")[2] == (
        f"airq: error: {reg}: line 2, column due_kind: must be one of date, month_end, range, recurring, ongoing, "
        "ambiguous (value: 'monthend')\n")
    # airq measures has no plan: English unless --lang zh
    argv = ["measures", "--register", reg, "--as-of", "2023-06-30"]
    assert "须为以下之一" in airq(capsys, *argv, "--lang", "zh")[2]
    assert "must be one of" in airq(capsys, *argv)[2]


def test_a_date_that_is_not_one_through_airq_aqi(capsys):
    argv = ["aqi", "--date", "2023-02-30", "--daily", "pm25=30"]
    assert airq(capsys, *argv, "--lang", "zh")[2] == "airq: error: '2023-02-30' 不是日期（应为 YYYY-MM-DD）\n"
    assert airq(capsys, *argv)[2] == "airq: error: not a date: '2023-02-30' (expected YYYY-MM-DD)\n"
