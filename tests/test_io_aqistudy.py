"""airq.io.read_aqistudy: aqistudy.cn city daily files (cities/ GBK broken header, capitals/ UTF-8).

Synthetic fixtures reproduce every quirk of the real files byte for byte (GBK, ``\\r\\r\\n``,
an 8-name header over 9-field rows, 无 = no data, dates out of order, header-only files, the
same city-day in two folders). Tests marked ``realdata`` read the project's copy
(``../shared/data/real/aqistudy_city_daily_2013_2017``) and skip with a reason where it is absent.
"""

import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import store
from airq.cli import main
from airq.ingestion import FORMATS as INGEST_FORMATS
from airq.ingestion import ingest_files, load_flags
from airq.io import FORMATS, ReadError, pop_flags, read, read_aqistudy
from airq.io.aqistudy import SHAPE_8, SHAPE_9

H8 = "日期,AQI,PM2.5,PM10,SO2,CO,NO2,O3_8h"  # the cities/ header: 质量等级 missing
H9 = "date,AQI,质量等级,PM2.5,PM10,SO2,CO,NO2,O3_8h"  # the capitals/ header
#: date, AQI, 质量等级, PM2.5, PM10, SO2, CO, NO2, O3_8h
ROWS = [
    "2015-01-01,81,良,45,111,28,1.5,62,52",
    "2015-01-02,145,轻度污染,111,168,69,3.1,90,20",
    "2015-01-03,0,无,0,0,56,0,77,0",  # no data (a non-zero SO2/NO2 as in 三门峡 2017-01-16)
    "2015-01-04,42,优,20,40,8,0.6,30,80",
]


def cities_file(folder: Path, city: str, rows, header: str = H8, encoding: str = "gbk", eol: str = "\r\r\n") -> Path:
    """A file as in cities/: GBK, every line ended by \\r\\r\\n, 8-name header."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{city}.csv"
    p.write_bytes(eol.join([header, *rows]).encode(encoding) + eol.encode())
    return p


def capitals_file(folder: Path, city: str, rows, bom: bool = False) -> Path:
    """A file as in capitals/: UTF-8, \\n, correct 9-name header."""
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"{city}.csv"
    p.write_bytes((b"\xef\xbb\xbf" if bom else b"") + ("\n".join([H9, *rows]) + "\n").encode("utf-8"))
    return p


# --------------------------------------------------------------------------------------------
# formats, encodings, header shapes


def test_cities_file_bytes_are_as_in_the_real_folder(tmp_path):
    p = cities_file(tmp_path / "cities", "北京", ROWS)
    b = p.read_bytes()
    assert b.startswith("日期".encode("gbk")) and b.startswith(b"\xc8\xd5\xc6\xda,AQI,PM2.5,PM10")
    assert b.count(b"\r\r\n") == 1 + len(ROWS) and b.replace(b"\r\r\n", b"").count(b"\n") == 0
    assert "轻度污染".encode("gbk") in b
    with pytest.raises(UnicodeDecodeError):
        b.decode("utf-8")


def test_cities_format_broken_header_gbk(tmp_path):
    df = read_aqistudy(cities_file(tmp_path / "cities", "北京", ROWS))
    assert list(df.columns[:2]) == ["station", "date"]
    assert list(df.columns[-3:]) == ["published_aqi", "published_category", "source"]
    assert df.station.tolist() == ["北京"] * 4 and (df.source == "cities/北京.csv").all()
    r = df.iloc[0]
    # field 4 is PM2.5 although the file's 4th name is PM10 (the header lacks 质量等级)
    assert (r.published_aqi, r.published_category, r.pm25, r.pm10, r.so2, r.co, r.no2, r.o3_8h) == (81, "良", 45, 111, 28, 1.5, 62, 52)
    assert r.date == pd.Timestamp("2015-01-01")
    assert df.o3_1h.isna().all() and df.filter(like="n_").isna().all().all()
    assert df.date.dtype == np.dtype("datetime64[ns]") and df.pm25.dtype == np.float64 and df.published_aqi.dtype == np.float64
    info = df.attrs["aqistudy"]
    assert info["encodings"] == {"gbk": 1} and info["header_shapes"] == {SHAPE_8: 1}
    assert info["line_endings"] == {"\\r\\r\\n": 1}
    assert info["files_by_encoding"] == {"gbk": ["cities/北京.csv"]}
    assert (info["files_read"], info["rows_read"], info["rows_out"], info["cities"]) == (1, 4, 4, 1)


def test_capitals_format_utf8_correct_header(tmp_path):
    df = read_aqistudy(capitals_file(tmp_path / "capitals", "北京", ROWS))
    ref = read_aqistudy(cities_file(tmp_path / "cities", "北京", ROWS))
    cols = [c for c in df.columns if c != "source"]
    pd.testing.assert_frame_equal(df[cols], ref[cols])
    info = df.attrs["aqistudy"]
    assert info["encodings"] == {"utf-8": 1} and info["header_shapes"] == {SHAPE_9: 1} and info["line_endings"] == {"\\n": 1}


@pytest.mark.parametrize(
    "write, encoding",
    [
        (lambda d: capitals_file(d, "南宁", ROWS, bom=True), "utf-8-sig"),
        (lambda d: cities_file(d, "南宁", ROWS, header=H9, encoding="gbk", eol="\r\n"), "gbk"),
        (lambda d: cities_file(d, "南宁", ROWS, header=H8, encoding="utf-8", eol="\n"), "utf-8"),
        (lambda d: cities_file(d, "南宁", ROWS, header=H8, encoding="gb18030"), "gbk"),  # GBK range: same bytes
    ],
)
def test_encoding_and_header_shape_detected_per_file(tmp_path, write, encoding):
    df = read_aqistudy(write(tmp_path / "x"))
    assert df.attrs["aqistudy"]["encodings"] == {encoding: 1}
    assert df.pm25.tolist()[:2] == [45, 111] and df.published_category.tolist()[1] == "轻度污染"


def test_gb18030_fallback_and_mojibake_is_caught(tmp_path):
    # a 4-byte GB18030 character (not in GBK) inside a category: decodes only as GB18030, and the
    # category is then unknown (raise, or NaN + flag)
    rows = ["2015-01-01,81,良𠀀,45,111,28,1.5,62,52"]
    p = cities_file(tmp_path / "cities", "北京", rows, encoding="gb18030")
    with pytest.raises(ReadError) as e:
        read_aqistudy(p)
    assert (e.value.row, e.value.column, e.value.value) == (2, "质量等级 (field 3)", "良𠀀")
    df = read_aqistudy(p, errors="flag")
    assert df.attrs["aqistudy"]["encodings"] == {"gb18030": 1}
    assert pd.isna(df.published_category[0]) and df.pm25[0] == 45
    fl = df.attrs["flags"]
    assert fl[["column", "value", "row", "raw_column"]].values.tolist() == [["published_category", "良𠀀", 2, "质量等级 (field 3)"]]


def test_not_text_in_any_encoding_raises_with_line(tmp_path):
    p = cities_file(tmp_path / "cities", "北京", ROWS[:2])
    p.write_bytes(p.read_bytes() + b"2015-01-05,\xff\xff,\r\r\n")
    with pytest.raises(ReadError, match="neither UTF-8.*nor GBK/GB18030") as e:
        read_aqistudy(p)
    assert e.value.row == 4 and e.value.value == b"\xff"


def test_line_numbers_count_one_line_per_crrcrlf(tmp_path):
    rows = ROWS[:2] + ["2015-01-03,50,良,abc,40,8,0.6,30,80"]
    p = cities_file(tmp_path / "cities", "北京", rows)
    with pytest.raises(ReadError) as e:
        read_aqistudy(p)
    err = e.value
    assert (Path(err.path).name, err.row, err.column, err.value) == ("北京.csv", 4, "PM2.5 (field 4)", "abc")
    df = read_aqistudy(p, errors="flag")
    assert np.isnan(df.pm25[2]) and df.pm10[2] == 40
    fl = df.attrs["flags"]
    assert fl.iloc[0][["station", "column", "value", "source", "row", "raw_column"]].tolist() == [
        "北京", "pm25", "abc", "cities/北京.csv", 4, "PM2.5 (field 4)"]
    assert fl.time[0] == pd.Timestamp("2015-01-03")


def test_malformed_header_and_wrong_field_counts_raise(tmp_path):
    p = cities_file(tmp_path / "a", "北京", ROWS, header="日期,AQI,PM2.5,PM10,SO2,CO,NO2")
    with pytest.raises(ReadError, match="malformed header") as e:
        read_aqistudy(p)
    assert e.value.row == 1
    # an 8-name header over an 8-field row: rows must carry 质量等级 as field 3
    p = cities_file(tmp_path / "b", "北京", ROWS[:1] + ["2015-01-02,145,111,168,69,3.1,90,20"])
    with pytest.raises(ReadError, match="row has 8 fields, expected 9.*质量等级 as field 3") as e:
        read_aqistudy(p)
    assert e.value.row == 3
    p = capitals_file(tmp_path / "c", "北京", ROWS[:1] + ["2015-01-02,145,良,111,168,69,3.1,90,20,1"])
    with pytest.raises(ReadError, match="row has 10 fields") as e:
        read_aqistudy(p)
    assert e.value.row == 3
    p = capitals_file(tmp_path / "d", "北京", ["2015-02-30,81,良,45,111,28,1.5,62,52"])
    with pytest.raises(ReadError, match="not a date") as e:
        read_aqistudy(p, errors="flag")  # dates always raise
    assert (e.value.row, e.value.column, e.value.value) == (2, "date", "2015-02-30")


# --------------------------------------------------------------------------------------------
# quirks


def test_no_data_rows_are_missing_not_clean(tmp_path):
    df = read_aqistudy(cities_file(tmp_path / "cities", "三门峡", ROWS))
    r = df.set_index("date").loc["2015-01-03"]
    assert r.published_category == "无"
    assert np.isnan([r.published_aqi, r.so2, r.no2, r.co, r.pm10, r.pm25, r.o3_8h, r.o3_1h]).all()
    info = df.attrs["aqistudy"]
    assert info["no_data_rows"] == 1
    assert info["no_data_nonzero"] == {"published_aqi": 0, "pm25": 0, "pm10": 0, "so2": 1, "co": 0, "no2": 1, "o3_8h": 0}
    assert len(df) == 4  # the row is kept (a day without data), not dropped


def test_out_of_order_file_is_sorted_and_reported(tmp_path):
    shuffled = [ROWS[2], ROWS[0], ROWS[3], ROWS[1]]
    a = cities_file(tmp_path / "cities", "沈阳", shuffled)
    b = cities_file(tmp_path / "cities", "北京", ROWS)
    df = read_aqistudy([a, b])
    assert df.attrs["aqistudy"]["out_of_order_files"] == ["cities/沈阳.csv"]
    sy = df[df.station == "沈阳"]
    assert sy.date.is_monotonic_increasing and sy.pm25.tolist()[:2] == [45, 111]
    assert df.station.tolist() == ["北京"] * 4 + ["沈阳"] * 4  # sorted by station, then date


def test_header_only_files_give_no_rows_and_are_listed(tmp_path):
    d = tmp_path / "cities"
    cities_file(d, "万宁", [])
    cities_file(d, "北京", ROWS)
    assert (d / "万宁.csv").read_bytes() == H8.encode("gbk") + b"\r\r\n"
    df = read_aqistudy(d)
    info = df.attrs["aqistudy"]
    assert info["header_only_files"] == ["cities/万宁.csv"] and info["files_read"] == 2 and set(df.station) == {"北京"}
    only = read_aqistudy(d / "万宁.csv")
    assert len(only) == 0 and list(only.columns) == list(df.columns)
    assert only.attrs["aqistudy"]["header_only_files"] == ["cities/万宁.csv"]
    assert only.date.dtype == np.dtype("datetime64[ns]") and only.published_aqi.dtype == np.float64


def test_agreeing_duplicates_across_folders_are_collapsed_and_counted(tmp_path):
    cap = capitals_file(tmp_path / "capitals", "北京", ROWS[1:])  # 01-02 .. 01-04
    # same days in cities/ (GBK, broken header); "3.10" is the same value as "3.1"
    cit = cities_file(tmp_path / "cities", "北京", [ROWS[0], ROWS[1].replace(",3.1,", ",3.10,"), ROWS[2], ROWS[3]])
    df = read_aqistudy([cap.parent, cit.parent])
    info = df.attrs["aqistudy"]
    assert len(df) == 4 and df.date.is_unique
    assert (info["duplicates_collapsed"], info["duplicate_rows_removed"], info["conflicts"]) == (3, 3, 0)
    assert info["duplicates_by_files"] == {"capitals/北京.csv = cities/北京.csv": 3}
    assert info["no_data_rows"] == 2  # counted per file row: the 无 day is in both files
    src = df.set_index("date").source
    assert src["2015-01-01"] == "cities/北京.csv" and (src["2015-01-02":] == "capitals/北京.csv").all()
    rev = read_aqistudy([cit.parent, cap.parent])  # the source given first supplies the kept row
    assert (rev.source == "cities/北京.csv").all()
    cols = [c for c in df.columns if c != "source"]
    pd.testing.assert_frame_equal(df[cols], rev[cols])


def test_conflicting_duplicates_raise_with_both_files_and_lines(tmp_path):
    capitals_file(tmp_path / "capitals", "北京", ROWS)
    cities_file(tmp_path / "cities", "北京", [ROWS[0], ROWS[1].replace("145,轻度污染,111", "145,轻度污染,112")])
    with pytest.raises(ReadError, match=r"duplicate_conflict: 北京 2015-01-02 is also in capitals/北京.csv line 3 with '111'") as e:
        read_aqistudy([tmp_path / "capitals", tmp_path / "cities"])
    err = e.value
    assert (Path(err.path).parent.name, err.row, err.column, err.value) == ("cities", 3, "PM2.5 (field 4)", "112")


def test_conflicting_duplicates_flagged_and_set_missing(tmp_path):
    capitals_file(tmp_path / "capitals", "北京", ROWS)
    # 01-02: PM2.5 and the category disagree; 01-03: 无 in capitals/, values in cities/
    cities_file(
        tmp_path / "cities",
        "北京",
        [ROWS[0], "2015-01-02,145,中度污染,112,168,69,3.1,90,20", "2015-01-03,60,良,40,70,56,0.9,77,90"],
    )
    df = read_aqistudy([tmp_path / "capitals", tmp_path / "cities"], errors="flag")
    info = df.attrs["aqistudy"]
    assert len(df) == 4 and (info["conflicts"], info["duplicates_collapsed"]) == (2, 1)
    r = df.set_index("date").loc["2015-01-02"]
    assert np.isnan(r.pm25) and pd.isna(r.published_category)  # disagreeing: missing
    assert (r.pm10, r.so2, r.co, r.published_aqi) == (168, 69, 3.1, 145)  # agreeing: kept
    # 无 (no data) against values: every column disagrees (missing vs value) -> all missing
    r = df.set_index("date").loc["2015-01-03"]
    assert np.isnan([r.pm25, r.pm10, r.so2, r.no2, r.co, r.o3_8h, r.published_aqi]).all() and pd.isna(r.published_category)
    fl = pop_flags(df)
    assert set(fl.reason) == {"duplicate_conflict"}
    one = fl[(fl.time == pd.Timestamp("2015-01-02")) & (fl.column == "pm25")].sort_values("source")
    assert one[["source", "row", "raw_column", "value"]].values.tolist() == [
        ["capitals/北京.csv", 3, "PM2.5", "111"], ["cities/北京.csv", 3, "PM2.5 (field 4)", "112"]]
    cat = fl[fl.column == "published_category"].sort_values(["time", "source"])
    assert cat.value.tolist() == ["轻度污染", "中度污染", "无", "良"]
    # the flag holds the file's text: the 无 row's "0" (no data), the other file's "40"
    pm = fl[(fl.time == pd.Timestamp("2015-01-03")) & (fl.column == "pm25")].sort_values("source")
    assert pm.value.tolist() == ["0", "40"]
    assert info["conflict_values"] == len(fl) // 2


def test_unknown_category_and_bad_values(tmp_path):
    p = capitals_file(tmp_path / "capitals", "北京", ROWS[:1] + ["2015-01-02,145,很好,111,168,69,3.1,90,--"])
    with pytest.raises(ReadError, match="unknown category") as e:
        read_aqistudy(p)
    assert (e.value.row, e.value.column, e.value.value) == (3, "质量等级", "很好")
    df = read_aqistudy(p, errors="flag")
    assert pd.isna(df.published_category[1]) and np.isnan(df.o3_8h[1])  # "--" is a missing marker
    assert df.attrs["flags"].reason.tolist() == ["unknown category (known: 优 良 轻度污染 中度污染 重度污染 严重污染 无)"]


def test_sources_folders_lists_dispatch_and_raw_files_untouched(tmp_path):
    a = capitals_file(tmp_path / "data" / "capitals", "北京", ROWS[:2])
    b = cities_file(tmp_path / "data" / "cities", "天津", ROWS)
    before = {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (a, b)}
    df = read("aqistudy", [a.parent, b.parent])
    assert set(df.station) == {"北京", "天津"} and FORMATS["aqistudy"] is read_aqistudy
    assert len(read_aqistudy(str(tmp_path / "data" / "*" / "*.csv"))) == len(df)
    assert len(read_aqistudy(tmp_path / "data")) == len(df)
    assert {p: (p.read_bytes(), os.stat(p).st_mtime_ns) for p in (a, b)} == before
    with pytest.raises(ReadError, match="no such file"):
        read_aqistudy(tmp_path / "nope")
    with pytest.raises(ValueError, match="errors must be"):
        read_aqistudy(a, errors="ignore")


# --------------------------------------------------------------------------------------------
# store and ingest


def test_store_keeps_published_columns_and_chinese_names(tmp_path):
    capitals_file(tmp_path / "capitals", "北京", ROWS)
    cities_file(tmp_path / "cities", "乌鲁木齐", ROWS)
    df = read_aqistudy([tmp_path / "capitals", tmp_path / "cities"])
    df.attrs.clear()
    res = store.ingest_daily(df, tmp_path / "store")
    assert res.rows_added == 8
    back = store.load_daily(tmp_path / "store", stations=["乌鲁木齐"])
    assert back.station.tolist() == ["乌鲁木齐"] * 4
    assert back.published_aqi.tolist()[:2] == [81, 145] and np.isnan(back.published_aqi[2])
    assert back.published_category.tolist() == ["良", "轻度污染", "无", "优"]
    again = store.ingest_daily(df, tmp_path / "store")  # idempotent, published columns compared too
    assert not again.changed


def test_ingest_cli_end_to_end_synthetic(tmp_path, capsys):
    capitals_file(tmp_path / "raw" / "capitals", "北京", ROWS[1:])
    cities_file(tmp_path / "raw" / "cities", "北京", ROWS)
    cities_file(tmp_path / "raw" / "cities", "沈阳", [ROWS[3], ROWS[0]])
    cities_file(tmp_path / "raw" / "cities", "万宁", [])
    st = tmp_path / "store"
    rc = main(["ingest", "--format", "aqistudy", str(tmp_path / "raw" / "capitals"), str(tmp_path / "raw" / "cities"),
               "--store", str(st), "--quiet"])
    assert rc == 0
    out = capsys.readouterr().out
    assert "no-data days (category 无, all values set missing, not clean days): 2" in out
    assert "header-only files (no rows): 1: cities/万宁.csv" in out
    assert "files not in date order (rows sorted by date): 1: cities/沈阳.csv" in out
    assert "duplicate city-days: 3 agreeing (collapsed to one row), 0 conflicting" in out
    assert "encodings: gbk 3, utf-8 1" in out
    back = store.load_daily(st)
    assert len(back) == 6 and {"published_aqi", "published_category", "source"} <= set(back.columns)
    assert INGEST_FORMATS["aqistudy"] == ("daily", ("*.csv",))


def test_ingest_flags_conflicts_into_the_quality_folder(tmp_path):
    capitals_file(tmp_path / "capitals", "北京", ROWS[:2])
    cities_file(tmp_path / "cities", "北京", [ROWS[0].replace(",45,", ",46,"), ROWS[1]])
    rep = ingest_files("aqistudy", [tmp_path / "capitals", tmp_path / "cities"], tmp_path / "store")
    assert "1 conflicting (1 values set missing, flagged duplicate_conflict)" in rep.summary()
    fl = load_flags(tmp_path / "store", "daily")
    assert sorted(fl.detail) == ["capitals/北京.csv line 2 column PM2.5", "cities/北京.csv line 2 column PM2.5 (field 4)"]
    assert np.isnan(store.load_daily(tmp_path / "store").pm25[0])
    with pytest.raises(ReadError, match="duplicate_conflict"):
        ingest_files("aqistudy", [tmp_path / "capitals", tmp_path / "cities"], tmp_path / "store2", strict=True)


# --------------------------------------------------------------------------------------------
# real data


AQS = "aqistudy_city_daily_2013_2017"


@pytest.fixture(scope="module")
def real_dir(shared_real):
    d = shared_real / AQS
    if not (d / "cities").is_dir() or not (d / "capitals").is_dir():
        pytest.skip(f"real data not available: {d}/cities and capitals/ are absent")
    return d


@pytest.fixture(scope="module")
def real(real_dir):
    t0 = time.perf_counter()
    df = read_aqistudy([real_dir / "capitals", real_dir / "cities"])
    return df, time.perf_counter() - t0


@pytest.mark.realdata
def test_real_full_read_counts(real):
    df, seconds = real
    assert seconds < 30
    info = df.attrs["aqistudy"]
    assert (info["files_read"], info["rows_read"], info["rows_out"], info["cities"]) == (414, 509_618, 467_220, 364)
    assert info["encodings"] == {"gbk": 384, "utf-8": 30}
    assert info["header_shapes"] == {SHAPE_8: 384, SHAPE_9: 30}
    assert info["line_endings"] == {"\\r\\r\\n": 384, "\\n": 30}
    assert sorted(info["files_by_header_shape"][SHAPE_9]) == sorted(info["files_by_encoding"]["utf-8"])
    assert len(info["header_only_files"]) == 20 and "cities/锡林郭勒盟.csv" in info["header_only_files"]
    # PROVENANCE.md says 27 files out of order; in these (2018+-trimmed) files 23 are
    assert len(info["out_of_order_files"]) == 23 and "capitals/沈阳.csv" in info["out_of_order_files"]
    assert info["no_data_rows"] == 1539 and (df.published_category == "无").sum() == 1480
    assert df.loc[df.published_category == "无", ["published_aqi", "pm25", "so2"]].isna().all().all()
    assert df.published_aqi.notna().sum() == len(df) - 1480
    # PROVENANCE.md says 52,983 city-days in both folders; the trimmed files share 42,398
    assert info["duplicates_collapsed"] == 42_398 and info["conflicts"] == 0
    assert len(info["duplicates_by_files"]) == 30
    assert df.set_index(["station", "date"]).index.is_unique
    assert "flags" not in df.attrs


@pytest.mark.realdata
def test_real_overlap_agrees_on_every_column(real_dir):
    cap = read_aqistudy(real_dir / "capitals")
    cit = read_aqistudy(real_dir / "cities")
    m = cap.merge(cit, on=["station", "date"], suffixes=("_cap", "_cit"))
    assert len(m) == 42_398 and m.station.nunique() == 30
    for c in ("so2", "no2", "co", "pm10", "pm25", "o3_8h", "published_aqi", "published_category"):
        a, b = m[c + "_cap"], m[c + "_cit"]
        assert ((a == b) | (a.isna() & b.isna())).all(), c


@pytest.mark.realdata
@pytest.mark.parametrize(
    "year, pm25, good, over200",
    [(2014, 84.6, 172, 48), (2015, 80.1, 185, 49), (2016, 73.2, 191, 39), (2017, 57.4, 228, 24)],
)
def test_real_beijing_plausibility_as_in_provenance(real, year, pm25, good, over200):
    df, _ = real
    bj = df[(df.station == "北京") & (df.date.dt.year == year)]
    assert round(bj.pm25.mean(), 1) == pm25  # mean of the valid days
    assert (bj.published_aqi <= 100).sum() == good
    assert (bj.published_aqi > 200).sum() == over200


@pytest.mark.realdata
def test_real_nanning_good_day_share(real):
    df, _ = real
    nn = df[df.station == "南宁"].dropna(subset=["published_aqi"])
    share = nn.groupby(nn.date.dt.year).published_aqi.apply(lambda a: round(100 * (a <= 100).mean(), 1))
    assert (share[2015], share[2016]) == (88.5, 94.8)


@pytest.mark.realdata
def test_real_shijiazhuang_complete_via_capitals(real):
    df, _ = real
    sjz = df[df.station == "石家庄"]
    days = sjz[sjz.pm25.notna()].groupby(sjz.date.dt.year).size()
    assert all(days[y] >= 358 for y in range(2014, 2018))
    from_cities = sjz[sjz.source == "cities/石家庄.csv"]
    assert from_cities.date.max() < pd.Timestamp("2014-01-01")  # cities/ adds only 2013-12
    assert (sjz[sjz.date >= "2014-01-01"].source == "capitals/石家庄.csv").all()


@pytest.mark.realdata
def test_real_ingest_cli_on_a_subset(real_dir, tmp_path, capsys):
    raw = tmp_path / "raw"
    for rel in ("capitals/北京.csv", "cities/北京.csv", "cities/万宁.csv", "cities/三门峡.csv"):
        (raw / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(real_dir / rel, raw / rel)
    st = tmp_path / "store"
    assert main(["ingest", "--format", "aqistudy", str(raw / "capitals"), str(raw / "cities"), "--store", str(st), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "header-only files (no rows): 1: cities/万宁.csv" in out
    assert "files not in date order (rows sorted by date): 1: cities/三门峡.csv" in out
    assert "duplicate city-days: 1460 agreeing (collapsed to one row), 0 conflicting" in out
    assert "no-data days (category 无" in out
    back = store.load_daily(st)
    assert set(back.station) == {"北京", "三门峡"}
    bj = back[(back.station == "北京") & (back.date.dt.year == 2015)]
    assert len(bj) == 365 and (bj.published_aqi <= 100).sum() == 185 and round(bj.pm25.mean(), 1) == 80.1
    assert (back.loc[back.published_category == "无", "pm25"]).isna().all()
    # a second ingest of the same files changes nothing
    assert main(["ingest", "--format", "aqistudy", str(raw / "capitals"), str(raw / "cities"), "--store", str(st), "--quiet"]) == 0
    assert "store: 0 rows added, 0 replaced, 0 conflicting values, 0 file(s) written" in capsys.readouterr().out
