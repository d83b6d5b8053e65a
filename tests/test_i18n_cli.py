"""The command line in both languages (issue 13 item 1): the help and argparse's own sentences, the language a
command picks (--lang, AIRQ_LANG, the plan's, the system locale), and the command line's own messages — the English
exactly as before, the Chinese from the catalogue (airq/locale/{en,zh}/cli.toml)."""

from __future__ import annotations

import argparse
import errno
import gettext
import json
import re
import string
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import i18n
from airq.cli import build_parser, main, os_error_sentence
from airq.cli_common import Parser, help_lang, lang_of, resolve_lang, system_lang
from airq.notes import Note, render

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config" / "guigang_2023.toml")
QIXING = str(ROOT / "config" / "qixing_2023_measures.csv")
AQI = ["aqi", "--rules", "HJ633-2026"]


@pytest.fixture(autouse=True)
def plain_environment(monkeypatch):
    """Each test starts from an English system without AIRQ_LANG (the developer's own locale does not count)."""
    for var in ("AIRQ_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps the help to the terminal's width


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def usage_error(capsys, *argv):
    """argparse's exit: status 2 and its stderr."""
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return exc.value.code, out, err


def help_text(capsys, *argv):
    with pytest.raises(SystemExit) as exc:
        main([str(a) for a in argv])
    assert exc.value.code == 0
    return capsys.readouterr().out


def _subparsers(parser):
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


# --------------------------------------------------------------------------- which language


def test_the_resolution_order(monkeypatch):
    zh_plan = type("Plan", (), {"name": "贵港市", "groups": {"全市": None}})()
    en_plan = type("Plan", (), {"name": "Guigang", "groups": {"all": None}})()
    assert resolve_lang() == "en" and resolve_lang(None, zh_plan) == "zh" and resolve_lang(None, en_plan) == "en"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert resolve_lang() == "zh"  # the system locale, without a plan
    assert resolve_lang(None, en_plan) == "en"  # the plan's language before the locale
    assert resolve_lang("en") == "en"  # --lang first
    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL overrides LANG (POSIX)
    assert resolve_lang() == "en" and system_lang() == "en"
    monkeypatch.setenv("LC_ALL", "")
    monkeypatch.setenv("LC_MESSAGES", "zh_TW.UTF-8")
    assert system_lang() == "zh"
    monkeypatch.setenv("AIRQ_LANG", "en")
    assert resolve_lang() == "en" and resolve_lang(None, zh_plan) == "en"  # AIRQ_LANG before the plan's language
    assert resolve_lang("zh", zh_plan) == "zh"
    monkeypatch.setenv("AIRQ_LANG", "zh")
    assert resolve_lang(None, en_plan) == "zh" and resolve_lang("en", en_plan) == "en"
    monkeypatch.setenv("AIRQ_LANG", "fr")  # not a language of airq: as if unset
    assert resolve_lang(None, en_plan) == "en" and resolve_lang() == "zh"
    assert resolve_lang(None, None, {"AIRQ_LANG": "zh"}) == "zh" and resolve_lang(None, None, {}) == "en"
    ns = argparse.Namespace(lang=None)
    monkeypatch.delenv("AIRQ_LANG")
    assert lang_of(ns) == "zh" and lang_of(ns, en_plan) == "en" and lang_of(argparse.Namespace(lang="en")) == "en"


def test_the_help_language(monkeypatch):
    assert help_lang(["assess", "--help"]) == "en"
    assert help_lang(["assess", "--help", "--lang", "zh"]) == "zh"  # --lang anywhere, even after --help
    assert help_lang(["--lang=zh", "assess"]) == "zh" and help_lang(["--lang", "fr"]) == "en"
    monkeypatch.setenv("AIRQ_LANG", "zh")
    assert help_lang(["assess", "-h"]) == "zh" and help_lang(["assess", "-h", "--lang", "en"]) == "en"
    monkeypatch.delenv("AIRQ_LANG")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert help_lang(["aqi"]) == "zh"


def test_commands_without_a_plan_follow_the_environment(capsys, monkeypatch):
    args = [*AQI, "so2=10", "no2=40", "pm10=120", "pm25=60", "co=1.0", "o3_8h=100"]
    code, en, _ = run(capsys, *args)
    assert code == 0 and en.startswith("rules      HJ633-2026")
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    code, zh, _ = run(capsys, *args)
    assert zh.startswith("评价规则") and "分指数" in zh
    assert run(capsys, *args, "--lang", "en")[1] == en
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("AIRQ_LANG", "zh")
    assert run(capsys, *args)[1] == zh
    assert run(capsys, "--lang", "en", *args)[1] == en  # airq --lang en aqi ...
    assert run(capsys, *args, "--json")[1] == run(capsys, *args, "--json", "--lang", "en")[1]  # JSON never changes


# --------------------------------------------------------------------------- the help


def test_help_in_english_is_argparse_as_before(capsys):
    out = help_text(capsys, "assess", "--help")
    assert out.startswith("usage: airq assess [-h] (--config CONFIG | --by {station}) --store STORE")
    assert "\noptions:\n  -h, --help            show this help message and exit\n" in out
    assert "  --store STORE         store folder\n" in out
    assert "  --config CONFIG       plan TOML (config/guigang_2023.toml)\n" in out
    out = help_text(capsys, "--help")
    assert "Exact Chinese air-quality statistics (HJ 633, GB 3095, HJ 663)." in out and "positional arguments:" in out
    assert "    ingest              raw files -> processed store\n" in out
    out = help_text(capsys, "whatif", "-h")
    assert "good_day_ratio= [%, e.g. 93.8]" in " ".join(out.split())  # %% in the catalogue, % on the screen


def test_help_in_chinese(capsys, monkeypatch):
    out = help_text(capsys, "assess", "--help", "--lang", "zh")
    assert out.startswith("用法：airq assess [-h] (--config CONFIG | --by {station})")
    assert "\n选项:\n  -h, --help            显示本帮助信息并退出\n" in out
    assert "  --store STORE         数据库目录\n" in out and "方案 TOML（如 config/guigang_2023.toml）" in out
    # the usage's next lines line up under the first option although 用法： takes 6 columns for 3 characters
    lines = out.splitlines()
    assert lines[1].startswith(" " * len("用法：airq assess ") + " " * 3 + "--")
    out = help_text(capsys, "--lang", "zh", "--help")
    assert "精确的中国环境空气质量统计" in out and "位置参数:" in out and "    ingest              原始文件导入数据库" in out
    monkeypatch.setenv("AIRQ_LANG", "zh")
    assert help_text(capsys, "whatif", "-h").startswith("用法：airq whatif")
    assert "good_day_ratio=（%，如 93.8）" in help_text(capsys, "whatif", "-h")
    # Chinese lines are wrapped by their columns: none is wider than argparse's width
    from airq.textable import display_width

    wide = help_text(capsys, "verify", "-h")
    assert max(display_width(line) for line in wide.splitlines() if not line.startswith("用法")) <= 80


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_help_text_comes_from_the_catalogue(lang):
    """Every description and help of every command is a text of the catalogue's [cli.help] tables in ``lang``."""
    texts = set(i18n.section("cli.help", lang).values())
    parser = build_parser(lang)
    assert parser.description in texts
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = [c.help for c in sub._choices_actions]
    for name, p in _subparsers(parser).items():
        if p.description:
            helps.append(p.description)
        helps += [a.help for a in p._actions if a.help not in (None, argparse.SUPPRESS) and a.dest != "help"]
    assert len(helps) > 100
    assert [h for h in helps if h not in texts] == []
    if lang == "zh":
        assert all(i18n.has_cjk(h) for h in helps)


def test_argparse_words_have_the_same_placeholders_and_are_restored():
    en, zh = i18n.section("cli.argparse", "en"), i18n.section("cli.argparse", "zh")
    placeholders = re.compile(r"%(?:\(\w+\))?[sr]")
    for key in en:
        assert sorted(placeholders.findall(en[key])) == sorted(placeholders.findall(zh[key])), key
    assert zh["usage"] == "用法：" and en["required"] == "the following arguments are required: %s"
    build_parser("zh").format_help()
    assert argparse._ is gettext.gettext and argparse.ngettext is gettext.ngettext  # argparse is left as it was
    assert isinstance(build_parser("zh"), Parser) and all(isinstance(p, Parser) and p.lang == "zh"
                                                          for p in _subparsers(build_parser("zh")).values())


@pytest.mark.parametrize("argv, english, chinese", [
    (["assess", "--config", CONFIG], "airq assess: error: the following arguments are required: --store, --period",
     "airq assess: error: 缺少以下必需参数：--store, --period"),
    ([*AQI, "--rules", "2036", "so2=1"],
     "airq aqi: error: argument --rules: invalid choice: '2036' (choose from 'HJ633-2012', 'HJ633-2026', '2012', '2026')",
     "airq aqi: error: 参数 --rules：无效的选择：'2036'（可选：'HJ633-2012', 'HJ633-2026', '2012', '2026'）"),
    (["assess", "--store"], "airq assess: error: argument --store: expected one argument",
     "airq assess: error: 参数 --store：需要一个值"),
    ([*AQI, "so2=1", "--bogus"], "airq: error: unrecognized arguments: --bogus", "airq: error: 无法识别的参数：--bogus"),
    (["assess", "--config", CONFIG, "--by", "station"], "airq assess: error: argument --by: not allowed with argument --config",
     "airq assess: error: 参数 --by：不能与参数 --config 同时使用"),
    (["forecast", "--store", "s", "--as-of", "2025-01-01", "--n-sims", "many"],
     "airq forecast: error: argument --n-sims: invalid int value: 'many'", "airq forecast: error: 参数 --n-sims：无效的 int 值：'many'"),
    (["ingest", "--format", "tidy", "f.csv", "--store", "s", "--wait", "soon"],
     "airq ingest: error: argument --wait: give the seconds to wait (--wait 60), or put --wait after the files; got 'soon'",
     "airq ingest: error: 参数 --wait：请给出等待的秒数（--wait 60），或把 --wait 放在文件之后；实际为 'soon'"),
    (["ingest", "--format", "tidy", "f.csv", "--store", "s", "--wait=-5"],
     "airq ingest: error: argument --wait: seconds to wait must be >= 0, not '-5'",
     "airq ingest: error: 参数 --wait：等待的秒数须不小于 0，而不是 '-5'"),
])
def test_argparse_errors_in_both_languages(capsys, monkeypatch, argv, english, chinese):
    code, _, err = usage_error(capsys, *argv)
    assert code == 2 and err.splitlines()[-1] == english and err.startswith("usage: ")
    code, _, err = usage_error(capsys, *argv, "--lang", "zh")
    assert code == 2 and err.splitlines()[-1] == chinese and err.startswith("用法：")
    monkeypatch.setenv("AIRQ_LANG", "zh")  # the same without --lang
    assert usage_error(capsys, *argv)[2].splitlines()[-1] == chinese


def test_no_command_at_all(capsys):
    assert usage_error(capsys)[2].splitlines()[-1] == "airq: error: the following arguments are required: command"
    assert usage_error(capsys, "--lang", "zh")[2].splitlines()[-1] == "airq: error: 缺少以下必需参数：command"


# --------------------------------------------------------------------------- airq aqi's own errors


@pytest.mark.parametrize("values, english, chinese", [
    (["so2"], "expected KEY=VALUE, got 'so2'", "应为 键=值，实际为 'so2'"),
    (["o3=1"], "unknown daily indicator 'o3'; allowed: so2, no2, co, pm10, pm25, o3_8h",
     "日报 AQI 没有指标 'o3'；可用的指标：so2、no2、co、pm10、pm25、o3_8h"),
    (["--realtime", "o3_8h=1"], "unknown realtime indicator 'o3_8h'; allowed: so2, no2, co, o3, pm10, pm25",
     "实时报 AQI 没有指标 'o3_8h'；可用的指标：so2、no2、co、o3、pm10、pm25"),
    (["so2=1", "so2=2"], "so2 given twice", "so2 给出了两次"),
    (["so2=abc"], "so2='abc' is not a number", "so2='abc' 不是数字"),
    (["so2=nan"], "so2='nan' is not a finite number", "so2='nan' 不是有限的数"),
    (["so2=-3"], "so2=-3 is negative; concentrations are >= 0", "so2=-3 为负值；浓度须不小于 0"),
    (["so2=1", "pm25=30"], "daily AQI under HJ633-2026 needs so2, no2, co, pm10, pm25, o3_8h; missing: no2, co, pm10, o3_8h "
     "(pass --allow-missing to apply the rule set's missing-data rule)",
     "按 HJ633-2026 计算日报 AQI 需要 so2、no2、co、pm10、pm25、o3_8h；缺少：no2、co、pm10、o3_8h（加 --allow-missing 则按规则集的缺测规定处理）"),
])
def test_aqi_errors(capsys, monkeypatch, values, english, chinese):
    code, out, err = run(capsys, *AQI, *values)
    assert code == 1 and out == "" and err == f"airq: error: {english}\n"
    assert run(capsys, *AQI, *values, "--lang", "zh")[2] == f"airq: error: {chinese}\n"
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")  # no plan: the system locale
    assert run(capsys, *AQI, *values)[2] == f"airq: error: {chinese}\n"
    assert run(capsys, *AQI, *values, "--lang", "en")[2] == f"airq: error: {english}\n"


def test_aqi_without_rules(capsys):
    assert run(capsys, "aqi", "so2=1")[2] == "airq: error: give --rules HJ633-2012|HJ633-2026 or --date YYYY-MM-DD\n"
    assert run(capsys, "aqi", "so2=1", "--lang", "zh")[2] == "airq: error: 请给出 --rules HJ633-2012|HJ633-2026 或 --date YYYY-MM-DD\n"


# --------------------------------------------------------------------------- the other commands' messages


def _old_os_sentence(exc, store=None):
    """The English sentence as airq.cli words it before the catalogue (kept here to compare byte for byte)."""
    what = {errno.ENOSPC: "no space left on the device", errno.EDQUOT: "the disk quota is exceeded",
            errno.EACCES: "permission denied", errno.EROFS: "the file system is read-only"}.get(exc.errno, exc.strerror or str(exc))
    text = f"{what}" + (f" ({exc.filename})" if getattr(exc, "filename", None) else "")
    if store and Path(store, "manifest.json").exists():
        if Path(store, ".journal.json").exists():
            return text + (f"; the ingest had passed its commit point, so its data and flags are complete on disk and the next "
                           f"command finishes writing them (or run airq verify --store {store} --recover)")
        return text + f"; nothing was changed in the store {store} (every file is staged before the commit), free some space and run it again"
    return text + (f"; nothing was written to the store {store}" if store else "")


def test_os_errors_in_both_languages(tmp_path):
    store = tmp_path / "s"
    cases = [(OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "x.parquet")), str(store)),
             (OSError(errno.EACCES, "Permission denied"), str(store)),
             (OSError(errno.EROFS, "Read-only file system", "/data"), None),
             (OSError(errno.EIO, "Input/output error", "/data/x"), None),
             (OSError(errno.EDQUOT, "Disk quota exceeded"), None)]
    for stage in ("none", "manifest", "journal"):
        if stage == "manifest":
            store.mkdir()
            (store / "manifest.json").write_text("{}")
        if stage == "journal":
            (store / ".journal.json").write_text("{}")
        for exc, where in cases:
            said = os_error_sentence(exc, where)
            assert said == _old_os_sentence(exc, where)
            zh = render(said, "zh")
            assert i18n.has_cjk(zh) or exc.errno == errno.EIO, zh
    said = os_error_sentence(cases[0][0], str(store))
    assert isinstance(said, Note) and render(said, "zh") == (
        f"设备空间不足（{tmp_path / 'x.parquet'}）；导入已过提交点，其数据和标记已完整写入磁盘，下一条命令会完成写入"
        f"（或运行 airq verify --store {store} --recover）")
    assert render(os_error_sentence(cases[3][0], None), "zh") == "Input/output error（/data/x）"  # the system's own words


def test_disk_full_through_the_command_line(tmp_path, capsys, monkeypatch):
    from airq import store

    f = tmp_path / "a.csv"
    f.write_text("station,time,pm25\nA,2024-01-01 01:00,10\n", encoding="utf-8")
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    capsys.readouterr()
    f.write_text("station,time,pm25\nA,2024-02-01 01:00,11\n", encoding="utf-8")

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "_write_parquet", full)
    code, _, err = run(capsys, "ingest", "--format", "tidy", f, "--store", tmp_path / "s", "--quiet", "--lang", "zh")
    assert code == 1 and err.startswith("airq: error: 设备空间不足（") and f"；数据库 {tmp_path / 's'} 未作任何改动" in err
    code, _, err = run(capsys, "ingest", "--format", "tidy", f, "--store", tmp_path / "s", "--quiet")
    assert err.startswith("airq: error: no space left on the device (") and "nothing was changed in the store" in err


def test_the_wait_line(capsys):
    from airq.cli_data import _wait_line

    for lang, want in (("en", "airq: waiting for the lock of s, held by pid 7 on this host: 3 s"),
                       ("zh", "airq: 等待数据库 s 的锁（持有者：pid 7 on this host）：已等待 3 秒")):
        on_wait, state = _wait_line("s", lang)
        on_wait("pid 7 on this host", 3.2)
        assert capsys.readouterr().err == want + "\n" and state["shown"]


def test_measures_unknown_unit(capsys):
    base = ["measures", "--register", QIXING, "--as-of", "2023-06-30", "--unit"]
    code, _, err = run(capsys, *base, "市七星生态环境")
    assert code == 1 and err.startswith("airq: error: --unit '市七星生态环境' leads no measure of the register; closest: ")
    assert run(capsys, *base, "市七星生态环境", "--lang", "zh")[2].startswith(
        "airq: error: --unit '市七星生态环境' 在台账中没有牵头的措施；最接近的：")
    err = run(capsys, *base, "zzz")[2]
    assert re.fullmatch(r"airq: error: --unit 'zzz' leads no measure of the register; lead units: [^;]+\n", err)
    zh = run(capsys, *base, "zzz", "--lang", "zh")[2]
    assert zh.startswith("airq: error: --unit 'zzz' 在台账中没有牵头的措施；台账中的牵头单位：") and "、" in zh


def test_backtest_skipped_and_fitted_lines():
    from airq.cli_forecast import _skipped
    from airq.i18n import t
    from airq.notes import note

    skipped = [("全市", 2016, "too few days"), ("港北区", 2017, note("error.cli.n_sims"))]
    said = _skipped(skipped)
    assert said == "; ".join(f"{g} {y}: {w}" for g, y, w in skipped)  # as the English was joined before
    assert render(note("error.cli.backtest.none_scored", skipped=said), "zh") == (
        "没有可以评分的预测：全市 2016 年：too few days；港北区 2017 年：--n-sims 至少为 1")
    assert _skipped([]) == ""
    spreads = {2016: {"level_sd": 0.25, "spread": 1.23456}, 2017: {"level_sd": 0.3, "spread": 0.9}}
    old = "fitted leaving the test year out: " + "; ".join(  # as the English was written before
        f"{y}: level_sd {v['level_sd']:g}, spread {v['spread']:.3f}" for y, v in spreads.items())
    for lang, want in (("en", old),
                       ("zh", "留出检验年拟合的参数：2016 年：level_sd 0.25，spread 1.235；2017 年：level_sd 0.3，spread 0.900")):
        line = t("cli.backtest.lines.fitted", lang, items=t("cli.backtest.lines.sep", lang).join(
            t("cli.backtest.lines.fitted_item", lang, year=y, level_sd=v["level_sd"], spread=v["spread"]) for y, v in spreads.items()))
        assert line == want


def test_option_words():
    from airq.report import option_words

    opts = {"min_stations": {"全市": 1}, "o3_8h_aggregation": "mean_of_station_max", "dust_deduction": "exclude_days",
            "composite_limits": "GB3095-2012", "rules": "in force each day", "comparison": {}}
    assert option_words(opts, "en") == opts
    zh = option_words(opts, "zh")
    assert zh["dust_deduction"] == "剔除沙尘导致的超标日（exclude_days）" and zh["rules"] == "各日现行规则"
    assert zh["o3_8h_aggregation"].endswith("（mean_of_station_max）") and zh["composite_limits"].endswith("（GB3095-2012）")
    assert option_words({**opts, "rules": "HJ633-2026", "dust_deduction": "new"}, "zh")["rules"] == "HJ633-2026"


# --------------------------------------------------------------------------- on a small store (assess, rulechange)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    base = tmp_path_factory.mktemp("cli_i18n")
    days = pd.date_range("2025-01-01", "2025-02-28", freq="D")
    rows = [f"{st},{d:%Y-%m-%d},8,30,0.8,{p * 1.6:.0f},{p:.0f},90,120"
            for st, level in {"2506A": 60.0, "2507A": 30.0, "2508A": 25.0, "3405A": 28.0}.items()
            for d, p in zip(days, np.round(level + 7 * np.sin(np.arange(len(days)) * 1.7)))]
    raw = base / "daily.csv"
    raw.write_text("station,date,so2,no2,co,pm10,pm25,o3_8h,o3_1h\n" + "\n".join(rows) + "\n", encoding="utf-8")
    assert main(["ingest", "--format", "tidy_daily", str(raw), "--store", str(base / "store"), "--config", CONFIG, "--quiet"]) == 0
    return base / "store"


def test_assess_options_line(store, capsys):
    base = ["assess", "--config", CONFIG, "--store", store, "--period", "2025-02"]
    en = run(capsys, *base, "--lang", "en")[1]
    line = next(x for x in en.splitlines() if x.startswith("options: "))
    assert line.endswith("county O3 8-h = mean_of_station_max, dust deduction = none, composite S_i = GB3095-2012, "
                         "rules = in force each day")
    zh = run(capsys, *base)[1]  # the plan is Chinese
    line = next(x for x in zh.splitlines() if x.startswith("选项："))
    assert "沙尘扣除 = 不扣除（none）" in line and "评价规则 = 各日现行规则" in line and "GB 3095—2012 二级（GB3095-2012）" in line
    assert run(capsys, *base, "--json")[1] == run(capsys, *base, "--json", "--lang", "en")[1]
    capsys.readouterr()


def test_rulechange_without_data(store, capsys, monkeypatch):
    base = ["rulechange", "--config", CONFIG, "--store", store, "--period", "2024-03", "--group", "全市"]
    code, _, err = run(capsys, *base, "--lang", "en")
    assert code == 1 and err == (f"airq: error: the store {store} holds no data of 全市 between 2024-03-01 and 2024-03-31: nothing "
                                 f"to compare; add it with airq ingest (airq quality --store {store} --period 2024-03 shows "
                                 "what the store holds)\n")
    zh = run(capsys, *base)[2]  # the plan is Chinese
    assert zh == (f"airq: error: 数据库 {store} 中没有 全市 在 2024-03-01 至 2024-03-31 的数据：无从比较；请用 airq ingest 导入"
                  f"（airq quality --store {store} --period 2024-03 可查看数据库现有数据）\n")
    monkeypatch.setenv("AIRQ_LANG", "en")  # AIRQ_LANG before the plan's language
    assert run(capsys, *base)[2] == err


def test_the_catalogue_topic_has_the_same_fields():
    """The cli topic's templates: same keys and {fields} in both languages (tests/test_i18n.py checks all of them)."""
    import tomllib

    def flat(path):
        out = {}

        def walk(table, prefix):
            for k, v in table.items():
                walk(v, f"{prefix}{k}.") if isinstance(v, dict) else out.__setitem__(prefix + k, v)

        walk(tomllib.loads(path.read_text(encoding="utf-8")), "")
        return out

    en, zh = (flat(ROOT / "airq" / "locale" / lang / "cli.toml") for lang in ("en", "zh"))
    assert en.keys() == zh.keys()
    for key in en:
        assert ({n for _, n, _, _ in string.Formatter().parse(en[key]) if n}
                == {n for _, n, _, _ in string.Formatter().parse(zh[key]) if n}), key
    assert json.dumps(sorted(en)) and len(en) > 150


def test_progress_bars_speak_the_commands_language(capsys):
    """The library's progress bars (reading files, writing the store's months) follow the language the command
    chose (lang_of sets airq.i18n's display language); English by default."""
    import argparse

    from airq import i18n
    from airq.cli_common import lang_of
    from airq.io._sources import progress_iter

    try:
        assert lang_of(argparse.Namespace(lang="zh")) == "zh" and i18n.display_lang() == "zh"
        list(progress_iter(["a.csv", "b.csv"], True, "CNEMC"))
        assert "CNEMC 文件" in capsys.readouterr().err
        lang_of(argparse.Namespace(lang="en"))
        list(progress_iter(["a.csv"], True, "CNEMC"))
        assert "CNEMC files" in capsys.readouterr().err
    finally:
        i18n.set_display_lang("en")


def test_the_options_line_of_the_demo_is_said_in_chinese_too(demo_job):
    """`airq demo` prints the assessment text itself, not through `airq assess`: the options line's values are said
    in Chinese wherever the text is made (airq.report.assessment_text), and stay identifiers in English."""
    zh = next(line for line in demo_job["second"].splitlines() if line.startswith("选项："))
    assert "in force each day" not in zh and "不扣除（none）" in zh and "各日现行规则" in zh
    en = next(line for line in demo_job["first"].splitlines() if line.startswith("options:"))
    assert "county O3 8-h = mean_of_station_max, dust deduction = none" in en and en.endswith("rules = in force each day")
