"""Plans as configuration (airq.config): shipped plans, every ConfigError path, station lists."""

from __future__ import annotations

import pickle
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pandas as pd
import pytest

from airq.config import (
    DEFAULT_DECIMALS,
    MISSING,
    STATION_LIST_COLUMNS,
    ConfigError,
    load_plan,
    load_station_list,
    plan_from_station_list,
)

ROOT = Path(__file__).resolve().parents[1]
CONFIG = ROOT / "config"
REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
STATION_LIST = REAL / "cnemc_station_list" / "NewSiteList_utf8.csv"


def _real_station_list() -> Path:
    if not STATION_LIST.is_file():
        pytest.skip(f"real data not available: {STATION_LIST} does not exist (read-only project data outside the repo)")
    return STATION_LIST


# --------------------------------------------------------------------------- the Guigang plan

# The plan's annex, typed here independently of config/guigang_2023.toml.
GUIGANG_GROUPS = {
    "港北区": ("county", {"2508A", "2507A", "3405A"}),
    "港南区": ("county", {"2506A"}),
    "覃塘区": ("county", {"2506A", "2507A", "2508A", "3405A"}),
    "桂平市": ("county", {"GP01A"}),
    "平南县": ("county", {"PN01A"}),
    "全市": ("city", {"2506A", "2507A", "2508A", "3405A"}),
}
_CITY = (Decimal("93.8"), Decimal("30.9"), Decimal("0.0"))
_GP_PN = (Decimal("95.4"), Decimal("28.9"), Decimal("0.0"))
GUIGANG_TARGETS_2023 = {
    "港北区": _CITY,
    "港南区": _CITY,
    "覃塘区": _CITY,
    "桂平市": _GP_PN,
    "平南县": _GP_PN,
    "全市": _CITY,
}
GUIGANG_STATIONS = {  # code: (name, contrast, synthetic)
    "2505A": ("德智高中", True, False),
    "2506A": ("江南子站", False, False),
    "2507A": ("贵城子站", False, False),
    "2508A": ("荷城子站", False, False),
    "3405A": ("新世纪学校", False, False),
    "GP01A": ("桂平市监测站", False, True),
    "PN01A": ("平南县监测站", False, True),
}


@pytest.fixture(scope="module")
def guigang():
    return load_plan(CONFIG / "guigang_2023.toml")


@pytest.fixture(scope="module")
def beijing():
    return load_plan(CONFIG / "beijing.toml")


def test_guigang_groups_equal_the_plan(guigang):
    assert list(guigang.groups) == list(GUIGANG_GROUPS)  # exactly these names, in the plan's order
    for name, (kind, codes) in GUIGANG_GROUPS.items():
        g = guigang.groups[name]
        assert g.kind == kind, name
        assert set(g.stations) == codes, name
        assert len(g.stations) == len(codes), name
        assert guigang.group_stations(name) == g.stations
        assert not g.allow_contrast, name


def test_guigang_targets_equal_the_plan(guigang):
    assert guigang.name and guigang.city == "贵港市" and guigang.year == 2023
    assert set(guigang.targets) == {(g, 2023) for g in GUIGANG_TARGETS_2023}
    for group, (good, pm25, heavy) in GUIGANG_TARGETS_2023.items():
        t = guigang.targets_for(group, 2023)
        assert (t.good_day_ratio, t.pm25_mean, t.heavy_day_ratio) == (good, pm25, heavy), group
        assert isinstance(t.pm25_mean, Decimal) and Fraction(t.pm25_mean) == Fraction(str(pm25))
        assert not t.from_default and t.year == 2023 and t.origin == f"targets.2023.{group}"
        assert t.values() == {"good_day_ratio": good, "pm25_mean": pm25, "heavy_day_ratio": heavy}


def test_guigang_default_targets_reuse_2023_for_other_years(guigang):
    assert set(guigang.default_targets) == set(GUIGANG_TARGETS_2023)
    for group, (good, pm25, heavy) in GUIGANG_TARGETS_2023.items():
        t = guigang.targets_for(group, 2024)
        assert t.from_default and t.year == 2024 and t.origin == f"targets.default.{group}"
        assert (t.good_day_ratio, t.pm25_mean, t.heavy_day_ratio) == (good, pm25, heavy)
        with pytest.raises(KeyError, match="no targets"):
            guigang.targets_for(group, 2024, use_default=False)


def test_guigang_stations_contrast_and_placeholders(guigang):
    assert set(guigang.stations) == set(GUIGANG_STATIONS)
    for code, (name, contrast, synthetic) in GUIGANG_STATIONS.items():
        s = guigang.stations[code]
        assert (s.name, s.contrast, s.synthetic) == (name, contrast, synthetic), code
    assert all("2505A" not in g.stations for g in guigang.groups.values())
    assert guigang.assessment_stations("city") == ("2506A", "2507A", "2508A", "3405A")
    assert guigang.assessment_stations() == ("2506A", "2507A", "2508A", "3405A", "GP01A", "PN01A")
    assert guigang.synthetic_stations() == ("GP01A", "PN01A")
    gp, pn = guigang.stations["GP01A"], guigang.stations["PN01A"]
    assert gp.county == "桂平市" and abs(gp.lon - 110.08) < 0.2 and abs(gp.lat - 23.39) < 0.2
    assert pn.county == "平南县" and abs(pn.lon - 110.39) < 0.2 and abs(pn.lat - 23.54) < 0.2
    text = (CONFIG / "guigang_2023.toml").read_text(encoding="utf-8")
    block = text[text.index("stations (county, placeholders)"): text.index("[stations.GP01A]")]
    assert "PLACEHOLDER" in block.upper() and "replace" in block.lower() and "real codes" in block.lower()


def test_guigang_options_reporting_precision(guigang):
    o = guigang.options
    assert o.decimals["pm25_mean"] == 1 and o.decimals["good_day_ratio"] == 1
    assert o.min_stations == 1 and guigang.min_stations_for("港北区") == 1
    assert o.o3_8h_aggregation == "mean_of_station_max" and o.dust_deduction == "none"


@pytest.mark.realdata
def test_guigang_national_stations_agree_with_station_list(guigang):
    sl = load_station_list(_real_station_list()).set_index("code")
    for code in ("2505A", "2506A", "2507A", "2508A", "3405A"):
        s, row = guigang.stations[code], sl.loc[code]
        assert (s.name, s.lat, s.lon, s.contrast) == (row["name"], row["lat"], row["lon"], bool(row["contrast"])), code


# --------------------------------------------------------------------------- the Beijing plan

BEIJING = {
    "1001A": "万寿西宫", "1002A": "定陵", "1003A": "东四", "1004A": "天坛", "1005A": "农展馆",
    "1006A": "官园", "1007A": "海淀万柳", "1008A": "顺义新城", "1009A": "怀柔镇", "1010A": "昌平镇",
    "1011A": "奥体中心", "1012A": "古城",
}


def test_beijing_city_is_the_11_assessment_stations(beijing):
    city = beijing.groups["北京市"]
    assert city.kind == "city" and not city.allow_contrast
    assert set(city.stations) == set(BEIJING) - {"1002A"} and len(city.stations) == 11
    assert beijing.stations["1002A"].contrast and beijing.stations["1002A"].name == "定陵"
    assert sum(s.contrast for s in beijing.stations.values()) == 1
    assert beijing.assessment_stations() == tuple(sorted(set(BEIJING) - {"1002A"}))


def test_beijing_each_station_is_its_own_group(beijing):
    assert {c: s.name for c, s in beijing.stations.items()} == BEIJING
    assert set(beijing.groups) == {"北京市"} | set(BEIJING.values())
    for code, name in BEIJING.items():
        g = beijing.groups[name]
        assert g.kind == "station" and g.stations == (code,)
        assert g.allow_contrast == (code == "1002A"), name


def test_beijing_has_no_targets(beijing):
    assert not beijing.targets and not beijing.default_targets
    with pytest.raises(KeyError, match="no targets"):
        beijing.targets_for("北京市", 2015)
    with pytest.raises(ValueError, match="several years"):
        beijing.year


@pytest.mark.realdata
def test_beijing_stations_agree_with_station_list(beijing):
    sl = load_station_list(_real_station_list()).set_index("code")
    for code, s in beijing.stations.items():
        row = sl.loc[code]
        assert (s.name, s.lat, s.lon, s.contrast) == (row["name"], row["lat"], row["lon"], bool(row["contrast"])), code


def test_shipped_configs_have_no_absolute_paths():
    here = str(Path(__file__).resolve().parents[2])  # the folder this checkout sits in
    for f in ("guigang_2023.toml", "beijing.toml", "README.md"):
        assert here not in (CONFIG / f).read_text(encoding="utf-8"), f


# --------------------------------------------------------------------------- ConfigError paths

BASE = """\
[plan]
name = "测试计划"
city = "贵港市"
year = 2023

[stations.2505A]
name = "德智高中"
lat = 23.1478
lon = 109.568
contrast = true

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

[groups."港北区"]
kind = "county"
stations = ["2506A", "2507A"]

[groups."全市"]
kind = "city"
stations = ["2506A", "2507A"]

[targets.2023."全市"]
good_day_ratio = 93.8
pm25_mean = 30.9
heavy_day_ratio = 0.0
"""


def _write(tmp_path: Path, text: str, name: str = "plan.toml") -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_base_fixture_is_valid(tmp_path):
    plan = load_plan(_write(tmp_path, BASE))
    assert plan.group_stations("港北区") == ("2506A", "2507A")
    assert plan.targets_for("全市", 2023).good_day_ratio == Decimal("93.8")
    assert plan.path == str(tmp_path / "plan.toml")


# (description, replace-this, with-this, expected key path, expected value, words in the problem)
ERRORS = [
    ("group station not defined",
     'stations = ["2506A", "2507A"]\n\n[groups."全市"]', 'stations = ["2506A", "2507A", "9999A"]\n\n[groups."全市"]',
     "groups.港北区.stations[2]", "9999A", "not defined"),
    ("contrast station in a group",
     'kind = "city"\nstations = ["2506A", "2507A"]', 'kind = "city"\nstations = ["2506A", "2505A"]',
     "groups.全市.stations[1]", "2505A", "contrast station (对照点)"),
    ("station twice in a group",
     'kind = "city"\nstations = ["2506A", "2507A"]', 'kind = "city"\nstations = ["2506A", "2507A", "2506A"]',
     "groups.全市.stations[2]", "2506A", "listed twice"),
    ("station codes differing only in case",
     "[stations.2507A]", "[stations.2506a]",
     "stations.2506a", "2506a", "duplicate station code"),
    ("targets for an unknown group",
     '[targets.2023."全市"]', '[targets.2023."港西区"]',
     "targets.2023.港西区", "港西区", "unknown group"),
    ("targets for a year outside the plan",
     '[targets.2023."全市"]', '[targets.2024."全市"]',
     "targets.2024", "2024", "not among the plan's years"),
    ("target year key not a year",
     '[targets.2023."全市"]', '[targets.y2023."全市"]',
     "targets.y2023", "y2023", "expected a year"),
    ("good-day ratio above 100",
     "good_day_ratio = 93.8", "good_day_ratio = 101",
     "targets.2023.全市.good_day_ratio", 101, "within 0..100"),
    ("heavy-day ratio negative",
     "heavy_day_ratio = 0.0", "heavy_day_ratio = -0.5",
     "targets.2023.全市.heavy_day_ratio", Decimal("-0.5"), "negative"),
    ("good-day ratio given as a fraction",
     "good_day_ratio = 93.8", "good_day_ratio = 0.938",
     "targets.2023.全市.good_day_ratio", Decimal("0.938"), "percent"),
    ("target finer than the reporting precision",
     "pm25_mean = 30.9", "pm25_mean = 30.95",
     "targets.2023.全市.pm25_mean", Decimal("30.95"), "options.decimals.pm25_mean"),
    ("target not finite",
     "pm25_mean = 30.9", "pm25_mean = nan",
     "targets.2023.全市.pm25_mean", None, "finite"),
    ("target as a string",
     "good_day_ratio = 93.8", 'good_day_ratio = "93.8"',
     "targets.2023.全市.good_day_ratio", "93.8", "expected a number, got string"),
    ("target missing a required key",
     "pm25_mean = 30.9\n", "",
     "targets.2023.全市.pm25_mean", MISSING, "missing required key"),
    ("unknown target key",
     "pm25_mean = 30.9", "pm25_mean = 30.9\npm25 = 30",
     "targets.2023.全市.pm25", 30, "did you mean 'pm25_mean'"),
    ("good_days not an integer",
     "pm25_mean = 30.9", "pm25_mean = 30.9\ngood_days = 340.5",
     "targets.2023.全市.good_days", Decimal("340.5"), "expected an integer"),
    ("group kind missing",
     'kind = "county"\n', "",
     "groups.港北区.kind", MISSING, "missing required key"),
    ("group kind unknown",
     'kind = "county"', 'kind = "district"',
     "groups.港北区.kind", "district", "must be one of"),
    ("group stations not a list",
     'kind = "county"\nstations = ["2506A", "2507A"]', 'kind = "county"\nstations = "2506A"',
     "groups.港北区.stations", "2506A", "expected a list"),
    ("group stations empty",
     'kind = "county"\nstations = ["2506A", "2507A"]', 'kind = "county"\nstations = []',
     "groups.港北区.stations", [], "at least one station"),
    ("station code with whitespace",
     'kind = "county"\nstations = ["2506A", "2507A"]', 'kind = "county"\nstations = ["2506A", "2507A "]',
     "groups.港北区.stations[1]", "2507A ", "whitespace"),
    ("station code not a string",
     'kind = "county"\nstations = ["2506A", "2507A"]', 'kind = "county"\nstations = ["2506A", 2507]',
     "groups.港北区.stations[1]", 2507, "expected a station code"),
    ("kind station with two stations",
     'kind = "county"', 'kind = "station"',
     "groups.港北区.stations", ["2506A", "2507A"], "exactly one station"),
    ("allow_contrast not a boolean",
     'kind = "city"\n', 'kind = "city"\nallow_contrast = 1\n',
     "groups.全市.allow_contrast", 1, "expected true or false"),
    ("group min_stations larger than the group",
     'kind = "city"\n', 'kind = "city"\nmin_stations = 3\n',
     "groups.全市.min_stations", 3, "no day could ever be valid"),
    ("options.min_stations larger than a group",
     '[groups."港北区"]', '[options]\nmin_stations = 3\n\n[groups."港北区"]',
     "options.min_stations", 3, "港北区"),
    ("unknown option",
     '[groups."港北区"]', '[options]\nmin_station = 2\n\n[groups."港北区"]',
     "options.min_station", 2, "did you mean 'min_stations'"),
    ("unknown decimals key",
     '[groups."港北区"]', '[options.decimals]\npm25 = 1\n\n[groups."港北区"]',
     "options.decimals.pm25", 1, "unknown key"),
    ("bad O3 aggregation option",
     '[groups."港北区"]', '[options]\no3_8h_aggregation = "max"\n\n[groups."港北区"]',
     "options.o3_8h_aggregation", "max", "must be one of"),
    ("station lat missing",
     "lat = 23.0666\n", "",
     "stations.2506A.lat", MISSING, "missing required key"),
    ("station lat as a string",
     "lat = 23.0666", 'lat = "23.0666"',
     "stations.2506A.lat", "23.0666", "expected a number"),
    ("station lat out of range",
     "lat = 23.0666", "lat = 123.0666",
     "stations.2506A.lat", Decimal("123.0666"), "latitude"),
    ("station contrast as a string",
     'name = "江南子站"\nlat = 23.0666\nlon = 109.6047\ncontrast = false',
     'name = "江南子站"\nlat = 23.0666\nlon = 109.6047\ncontrast = "false"',
     "stations.2506A.contrast", "false", "expected true or false"),
    ("unknown station key",
     "lat = 23.0666", "lat = 23.0666\nlatitude = 23.0666",
     "stations.2506A.latitude", Decimal("23.0666"), "unknown key"),
    ("plan name missing",
     'name = "测试计划"\n', "",
     "plan.name", MISSING, "missing required key"),
    ("plan year missing",
     "year = 2023\n", "",
     "plan.year", MISSING, "plan.year or plan.years"),
    ("plan year and years",
     "year = 2023", "year = 2023\nyears = [2023]",
     "plan.years", [2023], "not both"),
    ("plan year a float",
     "year = 2023", "year = 2023.0",
     "plan.year", Decimal("2023.0"), "expected an integer"),
    ("plan years with a duplicate",
     "year = 2023", "years = [2022, 2023, 2022]",
     "plan.years[2]", 2022, "listed twice"),
    ("unknown top-level table",
     '[groups."港北区"]', '[group."港南区"]\nkind = "county"\n\n[groups."港北区"]',
     "group", {"港南区": {"kind": "county"}}, "did you mean 'groups'"),
    ("station list in the plan not found",
     "year = 2023", 'year = 2023\nstation_list = "no_such_list.csv"',
     "plan.station_list", "no_such_list.csv", "not found"),
]


@pytest.mark.parametrize("what,old,new,key_path,value,problem", ERRORS, ids=[e[0] for e in ERRORS])
def test_config_error(tmp_path, what, old, new, key_path, value, problem):
    assert BASE.count(old) == 1, f"fixture edit for {what!r} is ambiguous or stale"
    path = _write(tmp_path, BASE.replace(old, new))
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    e = info.value
    assert isinstance(e, ValueError)
    assert e.file == str(path)
    assert e.key_path == key_path
    if value is None:  # NaN: compare as text
        assert str(e.value) == "NaN"
    else:
        assert e.value == value and type(e.value) is type(value)
    msg = str(e)
    assert msg.startswith(f"{path}: {key_path}: ")
    assert problem in e.problem and problem in msg
    shown = "<missing>" if value is MISSING else (value if isinstance(value, str) else None)
    if shown is not None:
        assert shown in msg.rsplit("(value: ", 1)[1]


def test_contrast_station_allowed_when_the_group_says_so(tmp_path):
    text = BASE.replace('kind = "city"\nstations = ["2506A", "2507A"]',
                        'kind = "city"\nstations = ["2505A"]\nallow_contrast = true')
    plan = load_plan(_write(tmp_path, text))
    assert plan.group_stations("全市") == ("2505A",)
    assert plan.assessment_stations("city") == ()  # a contrast site is never an assessment station


def test_duplicate_station_table_is_a_config_error(tmp_path):
    text = BASE + '\n[stations.2506A]\nname = "江南子站"\nlat = 23.0\nlon = 109.6\ncontrast = false\n'
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    line = text.splitlines().index("[stations.2506A]", 20) + 1
    assert info.value.key_path == f"stations.2506A (line {line})"
    assert info.value.value == "[stations.2506A]"
    assert "declared twice" in str(info.value) and str(path) in str(info.value)


def test_toml_syntax_error_names_the_line(tmp_path):
    path = _write(tmp_path, BASE.replace("pm25_mean = 30.9", "pm25_mean = 30.9 µg"))
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    line = BASE.splitlines().index("pm25_mean = 30.9") + 1
    assert info.value.key_path == f"(TOML syntax, line {line})"
    assert info.value.value == "pm25_mean = 30.9 µg"
    assert "invalid TOML" in str(info.value)


def test_unreadable_and_non_utf8_plans(tmp_path):
    missing = tmp_path / "absent.toml"
    with pytest.raises(ConfigError, match="cannot read the plan") as info:
        load_plan(missing)
    assert info.value.file == str(missing)
    gb = tmp_path / "gb.toml"
    gb.write_bytes(BASE.encode("gb18030"))
    with pytest.raises(ConfigError, match="must be UTF-8") as info:
        load_plan(gb)
    assert info.value.file == str(gb)


def test_key_path_quotes_keys_with_dots(tmp_path):
    text = BASE.replace('[targets.2023."全市"]', '[targets.2023."全.市"]')
    with pytest.raises(ConfigError) as info:
        load_plan(_write(tmp_path, text))
    assert info.value.key_path == 'targets.2023."全.市"'


def test_config_error_pickles():
    e = ConfigError("f.toml", "groups.港北区.stations[2]", "9999A", "not defined")
    e2 = pickle.loads(pickle.dumps(e))
    assert str(e2) == str(e) == "f.toml: groups.港北区.stations[2]: not defined (value: '9999A')"


def test_accessors_reject_unknown_names(guigang):
    with pytest.raises(KeyError, match="港西区"):
        guigang.group_stations("港西区")
    with pytest.raises(KeyError, match="港西区"):
        guigang.targets_for("港西区", 2023)
    with pytest.raises(ValueError, match="kind"):
        guigang.assessment_stations("district")


def test_optional_targets_and_decimals(tmp_path):
    text = BASE.replace(
        "heavy_day_ratio = 0.0",
        "heavy_day_ratio = 0.0\no3_p90 = 160\ngood_days = 342\npm10_mean = 55\ncomposite_index = 3.55",
    )
    t = load_plan(_write(tmp_path, text)).targets_for("全市", 2023)
    assert (t.o3_p90, t.good_days, t.pm10_mean, t.composite_index) == (Decimal(160), 342, Decimal(55), Decimal("3.55"))
    assert list(t.values()) == ["good_day_ratio", "pm25_mean", "heavy_day_ratio", "o3_p90", "good_days",
                                "pm10_mean", "composite_index"]
    assert dict(load_plan(_write(tmp_path, BASE)).options.decimals) == dict(DEFAULT_DECIMALS)
    text2 = BASE.replace("pm25_mean = 30.9", "pm25_mean = 30.95") + "\n[options.decimals]\npm25_mean = 2\n"
    assert load_plan(_write(tmp_path, text2)).targets_for("全市", 2023).pm25_mean == Decimal("30.95")


# --------------------------------------------------------------------------- station lists

SMALL_LIST = (
    "监测点编码,监测点名称,城市,经度,纬度,对照点,省级行政区,地级行政区\n"
    "2505A,德智高中(对照点),贵港,109.568,23.1478,Y,广西壮族自治区,贵港市\n"
    "2506A,江南子站,贵港,109.6047,23.0666,N,广西壮族自治区,贵港市\n"
    "2507A,贵城子站,贵港,109.6014,23.0948,N,广西壮族自治区,贵港市\n"
    "2508A,荷城子站,贵港,109.5669,23.1065,N,广西壮族自治区,贵港市\n"
    "3405A,新世纪学校,贵港,109.5886,23.1172,N,广西壮族自治区,贵港市\n"
    "9001A,样例站（对照点）,样例,,,Y,样例省,样例市\n"
)


def test_station_list_gb18030_fixture(tmp_path):
    raw = SMALL_LIST.encode("gb18030")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")  # the fixture really is not UTF-8
    p = tmp_path / "list_gb18030.csv"
    p.write_bytes(raw)
    df = load_station_list(p)
    assert df.attrs["encoding"] == "gb18030"
    assert list(df.columns) == list(STATION_LIST_COLUMNS)
    assert list(df["code"]) == ["2505A", "2506A", "2507A", "2508A", "3405A", "9001A"]
    assert list(df["name"]) == ["德智高中", "江南子站", "贵城子站", "荷城子站", "新世纪学校", "样例站"]
    assert list(df["contrast"]) == [True, False, False, False, False, True]
    assert df["contrast"].dtype == bool and df["lon"].dtype == "float64"
    assert df.loc[1, "lon"] == 109.6047 and df.loc[1, "lat"] == 23.0666
    assert pd.isna(df.loc[5, "lon"]) and pd.isna(df.loc[5, "lat"])
    assert list(df.loc[0, ["city", "province", "prefecture"]]) == ["贵港", "广西壮族自治区", "贵港市"]
    u = tmp_path / "list_utf8.csv"
    u.write_text(SMALL_LIST, encoding="utf-8")
    du = load_station_list(u)
    assert du.attrs["encoding"] == "utf-8"
    pd.testing.assert_frame_equal(du, df)


@pytest.mark.realdata
def test_real_station_list():
    df = load_station_list(_real_station_list())
    assert len(df) == 2026 and df["code"].is_unique
    assert int(df["contrast"].sum()) == 250
    assert list(df.columns) == list(STATION_LIST_COLUMNS)
    assert not df["name"].str.endswith("(对照点)").any()
    gg = df[df["prefecture"] == "贵港市"].set_index("code")
    assert sorted(gg.index) == ["2505A", "2506A", "2507A", "2508A", "3405A"]
    assert gg["contrast"].to_dict() == {"2505A": True, "2506A": False, "2507A": False, "2508A": False, "3405A": False}
    assert gg.loc["2505A", "name"] == "德智高中"
    bj = df.set_index("code").loc["1002A"]
    assert (bj["name"], bool(bj["contrast"]), bj["lon"], bj["lat"]) == ("定陵", True, 116.2202, 40.2915)


@pytest.mark.realdata
def test_real_station_list_in_its_original_gb18030_encoding(tmp_path):
    src = _real_station_list()
    gb = tmp_path / "NewSiteList.csv"
    gb.write_bytes(src.read_text(encoding="utf-8").encode("gb18030"))
    assert gb.stat().st_size == 113300  # size of the original blob (PROVENANCE.md)
    df = load_station_list(gb)
    assert df.attrs["encoding"] == "gb18030"
    pd.testing.assert_frame_equal(df, load_station_list(src))


LIST_ERRORS = [
    ("missing column", "省级行政区,地级行政区\n", "省级行政区\n", "line 1 (header)", "地级行政区"),
    ("duplicate code", "2507A,贵城子站", "2506A,贵城子站", "line 4, 监测点编码", "duplicate station code (first on line 3)"),
    ("empty code", "2507A,贵城子站", ",贵城子站", "line 4, 监测点编码", "empty station code"),
    ("contrast flag not Y/N", "109.6014,23.0948,N", "109.6014,23.0948,是", "line 4, 对照点", "Y or N"),
    ("longitude not a number", "109.6014,23.0948", "109.6O14,23.0948", "line 4, 经度", "not a number"),
    ("latitude out of range", "109.6014,23.0948", "109.6014,93.0948", "line 4, 纬度", "outside"),
]


@pytest.mark.parametrize("what,old,new,key_path,problem", LIST_ERRORS, ids=[e[0] for e in LIST_ERRORS])
def test_station_list_errors(tmp_path, what, old, new, key_path, problem):
    assert SMALL_LIST.count(old) == 1
    p = tmp_path / "list.csv"
    p.write_text(SMALL_LIST.replace(old, new), encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_station_list(p)
    assert info.value.file == str(p) and info.value.key_path == key_path
    assert problem in str(info.value)


def test_station_list_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="cannot read the station list"):
        load_station_list(tmp_path / "absent.csv")


# --------------------------------------------------------------------------- plans against a station list

LIST_PLAN = """\
[plan]
name = "列表计划"
city = "贵港市"
year = 2023
station_list = "lists/stations.csv"

[groups."港北区"]
kind = "county"
stations = ["2508A", "2507A", "3405A"]

[groups."全市"]
kind = "city"
stations = ["2506A", "2507A", "2508A", "3405A"]
"""


def _list_setup(tmp_path: Path, plan_text: str) -> Path:
    (tmp_path / "lists").mkdir(exist_ok=True)
    (tmp_path / "lists" / "stations.csv").write_bytes(SMALL_LIST.encode("gb18030"))
    return _write(tmp_path, plan_text)


def test_plan_station_list_relative_to_the_toml(tmp_path):
    plan = load_plan(_list_setup(tmp_path, LIST_PLAN))
    assert set(plan.stations) == {"2506A", "2507A", "2508A", "3405A"}  # only the stations the groups use
    s = plan.stations["2508A"]
    assert (s.name, s.lat, s.lon, s.contrast, s.synthetic) == ("荷城子站", 23.1065, 109.5669, False, False)
    assert s.origin.startswith("station list ")


def test_plan_station_list_contrast_station_is_an_error(tmp_path):
    path = _list_setup(tmp_path, LIST_PLAN.replace('"2506A", "2507A", "2508A", "3405A"', '"2505A", "2507A", "2508A", "3405A"'))
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    assert info.value.key_path == "groups.全市.stations[0]" and info.value.value == "2505A"
    assert "contrast station" in str(info.value)


def test_plan_station_list_unknown_code(tmp_path):
    path = _list_setup(tmp_path, LIST_PLAN.replace('"2508A", "2507A", "3405A"', '"2508A", "2507A", "3406A"'))
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    assert info.value.key_path == "groups.港北区.stations[2]"
    assert "nor in the station list" in str(info.value)


def test_plan_station_list_toml_stations_take_precedence_but_contrast_must_agree(tmp_path):
    extra = '\n[stations.2508A]\nname = "荷城"\nlat = 23.1\nlon = 109.6\ncontrast = false\n'
    plan = load_plan(_list_setup(tmp_path, LIST_PLAN + extra))
    assert plan.stations["2508A"].name == "荷城" and plan.stations["2508A"].origin == "stations.2508A"
    bad = '\n[stations.2505A]\nname = "德智高中"\nlat = 23.1\nlon = 109.6\ncontrast = false\n'
    path = _list_setup(tmp_path, LIST_PLAN + bad)
    with pytest.raises(ConfigError) as info:
        load_plan(path)
    assert info.value.key_path == "stations.2505A.contrast" and info.value.value is False
    assert "对照点 = Y" in str(info.value)


def test_load_plan_station_list_argument(tmp_path):
    text = LIST_PLAN.replace('station_list = "lists/stations.csv"\n', "")
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match="not defined in \\[stations\\]"):
        load_plan(path)
    lst = tmp_path / "l.csv"
    lst.write_text(SMALL_LIST, encoding="utf-8")
    assert load_plan(path, station_list=lst).group_stations("全市") == ("2506A", "2507A", "2508A", "3405A")
    assert load_plan(path, station_list=load_station_list(lst)).stations["2506A"].name == "江南子站"


def test_plan_from_station_list(tmp_path):
    lst = tmp_path / "l.csv"
    lst.write_text(SMALL_LIST, encoding="utf-8")
    groups = {k: sorted(v) for k, (_, v) in GUIGANG_GROUPS.items() if k not in ("桂平市", "平南县")}
    groups["全市"] = {"kind": "city", "stations": groups["全市"]}
    plan = plan_from_station_list(
        lst, groups, name="demo", city="贵港市", years=2023,
        targets={2023: {"全市": {"good_day_ratio": 93.8, "pm25_mean": 30.9, "heavy_day_ratio": 0.0}}},
    )
    assert plan.groups["全市"].kind == "city" and plan.groups["港北区"].kind == "county"
    assert set(plan.group_stations("覃塘区")) == {"2506A", "2507A", "2508A", "3405A"}
    assert plan.targets_for("全市", 2023).good_day_ratio == Decimal("93.8")  # float 93.8 taken as written
    assert plan.path is None
    with pytest.raises(ConfigError) as info:
        plan_from_station_list(lst, {"全市": ["2506A", "2505A"]}, name="d", city="贵港市", years=2023, kind="city")
    assert info.value.file == "<plan_from_station_list>"
    assert info.value.key_path == "groups.全市.stations[1]" and "contrast" in str(info.value)
    ok = plan_from_station_list(lst, {"德智高中": {"kind": "station", "stations": ["2505A"], "allow_contrast": True}},
                                name="d", city="贵港市", years=[2022, 2023])
    assert ok.stations["2505A"].contrast and ok.years == (2022, 2023)


@pytest.mark.realdata
def test_plan_from_real_station_list_matches_shipped_guigang(guigang):
    groups = {k: list(guigang.group_stations(k)) for k in ("港北区", "港南区", "覃塘区")}
    groups["全市"] = {"kind": "city", "stations": list(guigang.group_stations("全市"))}
    plan = plan_from_station_list(_real_station_list(), groups, name="x", city="贵港市", years=2023)
    for code in plan.stations:
        a, b = plan.stations[code], guigang.stations[code]
        assert (a.name, a.lat, a.lon, a.contrast) == (b.name, b.lat, b.lon, b.contrast), code


def test_readme_example_loads(tmp_path):
    text = (CONFIG / "README.md").read_text(encoding="utf-8")
    example = text.split("## Example", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    plan = load_plan(_write(tmp_path, example))
    assert plan.group_stations("全市") == ("2506A",) and plan.groups["对照点"].allow_contrast
    assert plan.targets_for("全市", 2023).pm25_mean == Decimal("30.9")


def test_missing_or_mistyped_top_level_tables(tmp_path):
    no_groups = BASE.split('[groups."港北区"]')[0]
    with pytest.raises(ConfigError) as info:
        load_plan(_write(tmp_path, no_groups))
    assert (info.value.key_path, info.value.value) == ("groups", MISSING)
    no_plan = BASE.replace('[plan]\nname = "测试计划"\ncity = "贵港市"\nyear = 2023\n', "")
    with pytest.raises(ConfigError) as info:
        load_plan(_write(tmp_path, no_plan))
    assert (info.value.key_path, info.value.value) == ("plan", MISSING)
    with pytest.raises(ConfigError) as info:
        load_plan(_write(tmp_path, 'groups = "港北区"\n' + no_groups))
    assert (info.value.key_path, info.value.value) == ("groups", "港北区")
    assert "expected a table, got string" in str(info.value)
    with pytest.raises(ConfigError) as info:
        load_plan(_write(tmp_path, BASE.replace('[groups."港北区"]', '[groups."港北区".x]')))
    assert info.value.key_path == "groups.港北区.x"
