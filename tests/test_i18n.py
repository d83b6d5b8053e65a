"""The string catalogue (airq.i18n, airq/locale/*.toml): both languages complete, every key used in code
defined, the default language from the plan, and `--lang` on the command line (issue 13 items 1 and 5)."""

import ast
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from airq import i18n
from airq.cli import build_parser, main
from airq.config import load_plan, plan_by_station
from airq.i18n import CatalogueError, default_lang, fields, keys, section, t

ROOT = Path(__file__).resolve().parents[1]
GUIGANG = ROOT / "config" / "guigang_2023.toml"


def _template(key, lang):
    return i18n._catalogue(lang)[key]


# --------------------------------------------------------------------------- the catalogue


def test_both_languages_have_the_same_keys():
    zh, en = keys("zh"), keys("en")
    assert zh == en, f"only in zh: {sorted(zh - en)}; only in en: {sorted(en - zh)}"
    assert len(zh) > 200


def test_every_template_has_the_same_fields_in_both_languages():
    for key in keys("en"):
        assert fields(_template(key, "zh")) == fields(_template(key, "en")), key


def _numeric_fields(template):
    """The fields of a template with a number's format spec (``{n:,}``, ``{x:.1f}``)."""
    import string

    return {name.split(".")[0] for _, name, spec, _ in string.Formatter().parse(template) if name and spec}


def _sample(name, numeric=()):
    if name in numeric:
        return 3
    return {"month": 9, "day": 30, "year": 2026, "n": 3, "days": 92}.get(name, f"<{name}>")


@pytest.mark.parametrize("lang", i18n.LANGS)
def test_every_template_renders_with_sample_fields(lang):
    for key in sorted(keys(lang)):
        template = _template(key, lang)
        numeric = _numeric_fields(_template(key, "zh")) | _numeric_fields(_template(key, "en"))
        text = t(key, lang, **{f: _sample(f, numeric) for f in fields(template)})
        assert "{" not in text.replace("{}", "") or key.startswith("cli.")  # nothing left unfilled
        for f in fields(template):
            if not isinstance(_sample(f, numeric), int):
                assert _sample(f, numeric) in text, (key, f)


def test_the_catalogue_files_do_not_define_a_key_twice(tmp_path, monkeypatch):
    for lang in i18n.LANGS:
        assert i18n.files(lang)[0].name == f"{lang}.toml"
    (tmp_path / "en").mkdir()
    (tmp_path / "en.toml").write_text('[a]\nb = "x"\n', encoding="utf-8")
    (tmp_path / "en" / "more.toml").write_text('[a]\nb = "y"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "_DIR", tmp_path)
    i18n._catalogue.cache_clear()
    try:
        with pytest.raises(CatalogueError, match=r"'a.b' is defined twice: in locale/en.toml and in locale/en/more.toml"):
            i18n._catalogue("en")
    finally:
        monkeypatch.undo()
        i18n._catalogue.cache_clear()


def test_chinese_texts_are_chinese_and_use_the_standards_words():
    zh = i18n._catalogue("zh")
    assert zh["indicator.good_day_ratio.name"] == "优良天数比率"
    assert zh["indicator.heavy_day_ratio.name"] == "重污染天数比率"
    assert zh["indicator.pm25_mean.name"] == "细颗粒物（PM2.5）平均浓度"
    assert zh["indicator.pm10_mean.name"] == "可吸入颗粒物（PM10）平均浓度"
    assert zh["indicator.composite_index.short"] == "综合指数"
    assert zh["report.col.valid_days"] == "有效天数" and zh["report.col.rank"] == "排名"
    assert zh["cli.rulechange.col.primary"] == "首要污染物"
    # no English words left in the Chinese texts (beside the fields, units and the fixed airq: prefixes)
    english = {k for k, v in zh.items() if not i18n.has_cjk(v) and re.search(r"[a-z]{3,}", re.sub(r"\{[^}]*\}", "", v))}
    assert english == {"cli.error", "cli.warning"}  # "airq: error:" is the same in every language (docs/i18n.md)
    assert t("cli.error", "zh", message="x") == t("cli.error", "en", message="x") == "airq: error: x"


def test_missing_keys_languages_and_fields_are_clear_errors():
    with pytest.raises(CatalogueError, match="no key 'report.nonexistent'"):
        t("report.nonexistent", "zh")
    with pytest.raises(CatalogueError, match="unknown language 'fr'"):
        t("report.yes", "fr")
    with pytest.raises(CatalogueError, match="needs the field 'group'"):
        t("report.targets_heading", "en", start="a", end="b")
    with pytest.raises(CatalogueError, match="no table"):
        section("nothing.here", "en")


def _keys_used_in_code():
    """Every literal key of ``t("...", ...)`` in airq/ and notebooks/ (f-string keys are checked by their tests)."""
    used = {}
    for path in sorted((ROOT / "airq").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "t" and node.args
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
                used.setdefault(node.args[0].value, f"{path.relative_to(ROOT)}:{node.lineno}")
    for nb in sorted((ROOT / "notebooks").glob("*.ipynb")):
        for cell in json.loads(nb.read_text(encoding="utf-8"))["cells"]:
            for key in re.findall(r"""\bt\(\s*["']([\w.]+)["']""", "".join(cell["source"])):
                used.setdefault(key, nb.name)
            for key in re.findall(r"""note\("\w+", "([\w.]+)"\)""", "".join(cell["source"])):
                used.setdefault(key, nb.name)
    return used


def test_every_key_used_in_the_code_is_in_the_catalogue():
    used = _keys_used_in_code()
    assert len(used) > 100  # the scan finds the calls
    missing = {k: where for k, where in used.items() if k not in keys("en")}
    assert missing == {}


def test_the_dispatch_and_charts_take_their_words_from_the_catalogue():
    from airq import dispatch, plots

    assert dispatch.TEXT["title"] == _template("dispatch.title", "zh") == "{plan}\n{year}年{month}月环境空气质量通报"
    assert dispatch.INDICATORS["pm25_mean"][:2] == ("细颗粒物（PM2.5）平均浓度", "PM2.5平均浓度")
    assert plots._LABELS["en"]["pm25_mean"] == "PM2.5 mean (µg/m³)" and plots._LABELS["zh"]["level.6"] == "严重污染"


def test_whatif_assumption_words_match_the_library():
    from airq.whatif import ASSUMPTIONS

    for word, (_, unit, meaning) in ASSUMPTIONS.items():
        assert t(f"report.whatif.assume.{word}", "en") == meaning
        assert t(f"whatif.unit.{word}", "en") == unit


def test_json_status_words_stay_english_in_every_language():
    from airq.report import STATUS_LEGEND, STATUS_TEXT, status_legend

    assert set(STATUS_TEXT) == {"safe", "at_risk", "lost", "not_lost"}
    assert STATUS_LEGEND.startswith("status: safe = ")
    assert status_legend("zh").startswith("状态：安全 = ") and "已无法达标" in status_legend("zh")


# --------------------------------------------------------------------------- the default language


def test_default_language_of_the_plans():
    assert default_lang(load_plan(GUIGANG)) == "zh"  # 贵港市…
    assert default_lang(load_plan(ROOT / "config" / "beijing.toml")) == "zh"  # 北京市… (its name is Chinese)
    assert default_lang(plan_by_station(["1001A", "1002A"])) == "en"  # no Chinese name anywhere
    assert default_lang(plan_by_station(["北京", "天津"])) == "zh"  # a group named in Chinese
    assert default_lang(None) == "en"


def test_an_english_named_plan_defaults_to_english(tmp_path):
    text = GUIGANG.read_text(encoding="utf-8")
    plan = load_plan(GUIGANG)
    # same stations, English plan and group names
    cfg = tmp_path / "english.toml"
    names = {g: f"group{i}" for i, g in enumerate(plan.groups)}
    text = text.replace(f'name = "{plan.name}"', 'name = "Guigang 2023 targets"')
    text = re.sub(r'(register|status) = "(guigang_2023_measures[^"]*)"',
                  lambda m: f'{m.group(1)} = "{(ROOT / "config" / m.group(2)).as_posix()}"', text)
    for g, e in names.items():
        text = text.replace(f'"{g}"', f'"{e}"')
    cfg.write_text(text, encoding="utf-8")
    english = load_plan(cfg)
    assert set(english.groups) == set(names.values())
    assert default_lang(english) == "en"


def test_every_text_command_takes_lang():
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for name in ("aqi", "ingest", "quality", "verify", "assess", "whatif", "rulechange", "forecast", "backtest",
                 "report", "measures"):
        p = sub.choices[name]
        lang = next((a for a in p._actions if a.dest == "lang"), None)
        assert lang is not None and list(lang.choices) == ["zh", "en"] and lang.default is None, name


def test_aqi_in_both_languages(capsys):
    args = ["aqi", "--rules", "HJ633-2026", "so2=10", "no2=40", "pm10=120", "pm25=60", "co=1.0", "o3_8h=100"]
    assert main(args) == 0
    en = capsys.readouterr().out
    assert en.startswith("rules      HJ633-2026") and "sub-indices" in en
    assert main([*args, "--lang", "zh"]) == 0
    zh = capsys.readouterr().out
    assert zh.startswith("评价规则") and "首要污染物" in zh and "分指数" in zh
    assert main([*args, "--json", "--lang", "zh"]) == 0
    js = capsys.readouterr().out
    assert main([*args, "--json"]) == 0
    assert capsys.readouterr().out == js  # JSON does not change with the language


# --------------------------------------------------------------------------- assess on the real Guigang data


def airq(*argv):
    proc = subprocess.run([sys.executable, "-m", "airq.cli", *argv], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def guigang_store(shared_real, tmp_path_factory):
    store = tmp_path_factory.mktemp("gg") / "store"
    out = airq("ingest", "--format", "guigang_daily", str(shared_real / "cnemc_guigang_2023q1" / "station_daily.csv"),
               "--store", str(store), "--config", str(GUIGANG), "--lang", "zh")
    assert "读取" in out and "行数：读取" in out and f"数据库：{store}" in out
    return store


@pytest.mark.realdata
def test_assess_headers_follow_lang(guigang_store):
    base = ["assess", "--config", str(GUIGANG), "--store", str(guigang_store), "--period", "2023-Q1"]
    en = airq(*base, "--lang", "en")
    zh = airq(*base, "--lang", "zh")
    default = airq(*base)
    head_en = en.splitlines()[1]
    head_zh = zh.splitlines()[1]
    for word in ("group", "valid_days", "good_day_ratio", "pm25_mean", "composite_index", "rank"):
        assert word in head_en.split()
    for word in ("区县", "有效天数", "优良天数比率(%)", "综合指数", "排名"):
        assert word in head_zh.split()
    assert not i18n.has_cjk(head_en) and "status: safe = " in en and "targets, year to date" in en
    assert "状态：安全 = " in zh and "目标完成情况，年初至今" in zh and "status:" not in zh
    assert default == zh  # the Guigang plan is Chinese
    # the same numbers in both: the 全市 row's cells after the name
    row_en = next(line for line in en.splitlines() if line.startswith("全市")).split()
    row_zh = next(line for line in zh.splitlines() if line.startswith("全市")).split()
    assert row_en[1:7] == row_zh[1:7]
    # JSON does not change with the language
    assert airq(*base, "--json", "--lang", "zh") == airq(*base, "--json", "--lang", "en")


@pytest.mark.realdata
def test_whatif_forecast_and_quality_in_chinese(guigang_store):
    common = ["--config", str(GUIGANG), "--store", str(guigang_store)]
    zh = airq("whatif", *common, "--group", "全市", "--as-of", "2023-03-31", "--assume", "nongood=10")
    assert "截至 2023-03-31" in zh and "年底" in zh and "需要 --assume heavy=N" in zh
    en = airq("whatif", *common, "--group", "全市", "--as-of", "2023-03-31", "--assume", "nongood=10", "--lang", "en")
    assert "year end assuming nongood=10: good-day ratio" in en and "needs --assume heavy=N" in en
    zh = airq("quality", "--store", str(guigang_store), "--period", "2023-01", "--config", str(GUIGANG))
    assert "日数据" in zh and "站点" in zh.splitlines()[1]
    en = airq("quality", "--store", str(guigang_store), "--period", "2023-01")  # no plan: English
    assert en.startswith("daily data, days (daily values received as such) per station and month:")


def test_the_catalogue_ships_with_the_package():
    import tomllib
    from importlib import resources

    names = {p.name for p in (resources.files("airq") / "locale").iterdir()}
    assert {"zh.toml", "en.toml"} <= names
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert {"locale/*.toml", "locale/*/*.toml"} <= set(data["tool"]["setuptools"]["package-data"]["airq"])
    doc = (ROOT / "docs" / "i18n.md").read_text(encoding="utf-8")
    for words in ("airq/locale/zh.toml", "default_lang", "--lang", "JSON", "English", "airq: error:"):
        assert words in doc, words
