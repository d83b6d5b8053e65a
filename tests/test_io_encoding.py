"""Issue 9 item 9: GBK/GB18030 and BOM files, ``--encoding``, Excel dates and Chinese headers in tidy files.

Every fixture is built here in ``tmp_path``; GBK bytes are written with ``.encode("gb18030")``
(or ``"gbk"``), as Excel on Chinese Windows saves a CSV.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.cli import main
from airq.ingestion import ingest_files
from airq.io import ReadError, read_aqistudy, read_cnemc, read_guigang_daily, read_tidy, read_tidy_daily
from airq.io.encoding import check_encoding, to_utf8

# an Excel export: Chinese headers with units (full-width brackets too), Excel dates
EXCEL_HOURLY = (
    "站点编码,时间,PM2.5(μg/m³),一氧化碳（mg/m3）,臭氧,二氧化硫,AQI,首要污染物\n"
    "2506A,2023/1/1 1:00,35,0.8,60,7,50,—\n"
    "2506A,2023/01/01 02:00,41,1.1,,8,57,细颗粒物\n"
    "2506A,2023/1/1 24:00,38,1.0,55,,52,\n"
)
EXCEL_DAILY = "监测点,日期,PM2.5,PM10,臭氧8小时,臭氧日最大1小时,CO\n2506A,2023/1/1,35,60,120,150,0.9\n2506A,2023/1/2,40,70,,160,1.0\n"


def put(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


# ------------------------------------------------------------------------------------------
# encoding detection


def test_gbk_tidy_file_is_read_and_the_encoding_reported(tmp_path):
    # before: "not valid utf-8 text"
    f = put(tmp_path / "excel.csv", EXCEL_HOURLY, "gb18030")
    df = read_tidy(f)
    assert list(df.station) == ["2506A"] * 3
    assert list(df.time) == [pd.Timestamp("2023-01-01 00:00"), pd.Timestamp("2023-01-01 01:00"), pd.Timestamp("2023-01-01 23:00")]
    assert list(df.pm25) == [35.0, 41.0, 38.0] and list(df.co) == [0.8, 1.1, 1.0]
    assert df.o3.iloc[0] == 60.0 and np.isnan(df.o3.iloc[1]) and df.so2.iloc[1] == 8.0
    assert list(df.published_aqi) == [50.0, 57.0, 52.0] and df.published_primary.iloc[1] == "细颗粒物"
    assert df.attrs["encodings"] == {"gb18030": ["excel.csv"]} and df.attrs["encoding_detected"] is True


@pytest.mark.parametrize(
    "codec, expected",
    [("utf-8", "utf-8"), ("utf-8-sig", "utf-8-sig"), ("utf-16", "utf-16"), ("gbk", "gb18030"), ("gb18030", "gb18030")],
)
def test_detection_order_bom_utf8_gb18030(tmp_path, codec, expected):
    f = put(tmp_path / "d.csv", EXCEL_DAILY, codec)
    df = read_tidy_daily(f)
    assert df.attrs["encodings"] == {expected: ["d.csv"]}
    assert list(df.o3_8h.fillna(-1)) == [120.0, -1.0] and list(df.o3_1h) == [150.0, 160.0]
    assert f.read_bytes() == EXCEL_DAILY.encode(codec)  # raw files are never modified


def test_several_files_several_encodings(tmp_path):
    put(tmp_path / "a.csv", EXCEL_DAILY, "gbk")
    put(tmp_path / "b.csv", EXCEL_DAILY.replace("2506A", "2507A"), "utf-8")
    df = read_tidy_daily(tmp_path)
    assert df.attrs["encodings"] == {"gb18030": ["a.csv"], "utf-8": ["b.csv"]}


def test_given_encoding(tmp_path):
    f = put(tmp_path / "d.csv", EXCEL_DAILY, "gbk")
    df = read_tidy_daily(f, encoding="GBK")
    assert df.attrs["encodings"] == {"gbk": ["d.csv"]} and df.attrs["encoding_detected"] is False
    # a given encoding is used as is, never second-guessed
    with pytest.raises(ReadError, match="not valid utf-8 text") as e:
        read_tidy_daily(f, encoding="utf-8")
    assert e.value.row == 1
    big5 = put(tmp_path / "b.csv", "站點,日期,PM2.5\nA,2023/1/1,1\n", "big5")
    with pytest.raises(ReadError, match="found '站點'"):
        read_tidy_daily(big5, encoding="big5")  # decoded right; the traditional spelling is no alias
    assert to_utf8("站點".encode("big5"), big5, "big5") == ("站點".encode(), "big5")


@pytest.mark.parametrize("bad", ["bogus", "base64", "", None])
def test_unknown_encoding_name_is_one_sentence(tmp_path, bad):
    f = put(tmp_path / "d.csv", EXCEL_DAILY)
    with pytest.raises(ValueError, match="unknown text encoding.*codec name such as utf-8, gb18030"):
        read_tidy_daily(f, encoding=bad)
    with pytest.raises(ValueError, match="unknown text encoding"):
        check_encoding(bad)


def test_neither_utf8_nor_gb18030(tmp_path):
    f = tmp_path / "x.csv"
    f.write_bytes(b"station,date,pm25\nA,2024-01-01,1\nA,2024-01-02,\xff\xff\n")
    with pytest.raises(ReadError, match=r"line 3: not valid utf-8 text, nor gb18030.*--encoding NAME") as e:
        read_tidy_daily(f)
    assert e.value.value == b"\xff"


def test_other_text_readers_detect_gbk(tmp_path):
    # the CNEMC archive and the Guigang transcription go through the same decoding
    header = "date,station_code,station_name,is_control_point,pm25_24h,pm10_24h,so2_24h,no2_24h,co_24h,o3_8h_max,o3_1h_max,window_flag"
    g = put(tmp_path / "station_daily.csv", header + "\n2023-01-01,2505A,德智高中,1,48,54,6,17,0.7,96,100,T00\n", "gbk")
    df = read_guigang_daily(g)
    assert df.station_name.iloc[0] == "德智高中" and df.attrs["encodings"] == {"gb18030": ["station_daily.csv"]}
    cn = (
        "stationcode,positionname,area,longitude,latitude,timepoint,aqi,primarypollutant,so2,so2_24h,no2,no2_24h,"
        "co,co_24h,o3,o3_24h,o3_8h,o3_8h_24h,pm10,pm10_24h,pm2_5,pm2_5_24h\n"
        "2506A,江南子站,贵港市,109.6,23.1,2025-12-01T0900,50,,5,5,20,20,0.8,0.8,60,50,40,45,40,40,30,30\n"
    )
    c = put(tmp_path / "2025-12-01T09.csv", cn, "gb18030")
    assert read_cnemc(c).attrs["encodings"] == {"gb18030": ["2025-12-01T09.csv"]}


def test_aqistudy_takes_a_given_encoding(tmp_path):
    text = "date,AQI,质量等级,PM2.5,PM10,SO2,CO,NO2,O3_8h\n2015-01-01,81,良,45,111,28,1.5,62,52\n"
    f = put(tmp_path / "北京.csv", text, "gbk")
    assert list(read_aqistudy(f).attrs["encodings"]) == ["gbk"]  # its own detection: GBK first
    df = read_aqistudy(f, encoding="gb18030")
    assert df.attrs["aqistudy"]["encodings"] == {"gb18030": 1} and df.attrs["encoding_detected"] is False
    with pytest.raises(ReadError, match="not valid utf-8 text"):
        read_aqistudy(f, encoding="utf-8")


# ------------------------------------------------------------------------------------------
# Excel-style dates and times


@pytest.mark.parametrize(
    "stamp, hour_start",
    [
        ("2023/1/1 1:00", "2023-01-01 00:00"),
        ("2023/01/01 01:00", "2023-01-01 00:00"),
        ("2023/1/1 1:00:00", "2023-01-01 00:00"),
        ("2023/1/1 24:00", "2023-01-01 23:00"),
        ("2023/12/31 0:00", "2023-12-30 23:00"),
        ("2023-01-01 01:00", "2023-01-01 00:00"),
        ("2023-01-01T01:00:00", "2023-01-01 00:00"),
    ],
)
def test_excel_times(tmp_path, stamp, hour_start):
    df = read_tidy(put(tmp_path / "h.csv", f"station,time,pm25\nA,{stamp},1\n"))
    assert df.time.iloc[0] == pd.Timestamp(hour_start)


@pytest.mark.parametrize(
    "stamp, why",
    [
        ("01/02/2023 01:00", "ambiguous date order"),
        ("1/2/2023 1:00", "ambiguous date order"),
        ("2023/1-1 1:00", "not a time like"),
        ("2023/2/30 1:00", "not a time like"),
        ("2023/1/1", "not a time like"),
        ("2023/1/1 1:30", "not on a whole hour"),
        ("2023/1/1 25:00", "not a time like"),
        ("２０２３/1/1 1:00", "not a time like"),  # full-width digits are not read as digits
    ],
)
def test_refused_times_name_file_line_column_value_and_the_forms(tmp_path, stamp, why):
    f = put(tmp_path / "h.csv", f"时间,站点,PM2.5\n2023/1/1 1:00,A,1\n{stamp},A,2\n")
    with pytest.raises(ReadError, match=why) as e:
        read_tidy(f)
    assert (e.value.path, e.value.row, e.value.column, e.value.value) == (str(f), 3, "时间", stamp)
    if why != "not on a whole hour":
        assert "YYYY-MM-DD HH:MM or YYYY/M/D H:MM (year first" in str(e.value)


@pytest.mark.parametrize("date", ["2023/1/2", "2023/01/02", "2023-01-02", "2023-1-2"])
def test_excel_dates(tmp_path, date):
    df = read_tidy_daily(put(tmp_path / "d.csv", f"日期,站点,PM2.5\n{date},A,1\n"))
    assert df.date.iloc[0] == pd.Timestamp("2023-01-02")


@pytest.mark.parametrize("date", ["01/02/2023", "2/1/2023", "2023/1/2 0:00", "2023.1.2", "2023/13/1"])
def test_refused_dates(tmp_path, date):
    f = put(tmp_path / "d.csv", f"日期,站点,PM2.5\n2023/1/1,A,1\n{date},A,2\n")
    with pytest.raises(ReadError, match=r"YYYY-MM-DD or YYYY/M/D \(year first") as e:
        read_tidy_daily(f)
    assert (e.value.row, e.value.column, e.value.value) == (3, "日期", date)


# ------------------------------------------------------------------------------------------
# Chinese and Excel column headers


@pytest.mark.parametrize(
    "header, canonical",
    [
        ("PM2.5", "pm25"), ("pm2.5", "pm25"), ("PM25", "pm25"), ("细颗粒物", "pm25"), ("PM2.5(μg/m³)", "pm25"),
        ("PM2.5（µg/m3）", "pm25"), ("ＰＭ２．５", "pm25"), ("PM2.5 [ug/m3]", "pm25"), ("PM2.5【微克/立方米】", "pm25"),
        ("二氧化硫", "so2"), ("SO₂", "so2"), ("二氧化氮(μg/m³)", "no2"), ("NO2", "no2"), ("一氧化碳", "co"),
        ("CO(mg/m³)", "co"), ("CO（毫克/立方米）", "co"), ("PM10", "pm10"), ("可吸入颗粒物", "pm10"),
        ("臭氧8小时", "o3_8h"), ("O3_8h", "o3_8h"), ("O3-8h", "o3_8h"), ("臭氧日最大8小时(μg/m³)", "o3_8h"),
        ("臭氧1小时", "o3_1h"), ("O3_1H_MAX", "o3_1h"),
    ],
)  # fmt: skip
def test_daily_header_aliases(tmp_path, header, canonical):
    df = read_tidy_daily(put(tmp_path / "d.csv", f"站点,日期,{header}\nA,2023-01-01,12.5\n", "gb18030"))
    assert df[canonical].iloc[0] == 12.5


@pytest.mark.parametrize("station", ["站点", "站点编码", "监测点", "Station", "STATION_CODE"])
@pytest.mark.parametrize("time", ["时间", "监测时间", "TIME"])
def test_hourly_key_aliases(tmp_path, station, time):
    df = read_tidy(put(tmp_path / "h.csv", f"{station},{time},臭氧\nA,2023/1/1 1:00,60\n"))
    assert (df.station.iloc[0], df.o3.iloc[0]) == ("A", 60.0)


def test_refused_header_lists_every_accepted_name(tmp_path):
    f = put(tmp_path / "h.csv", "站点,时间,PM2.5,温度\nA,2023/1/1 1:00,1,2\n")
    with pytest.raises(ReadError) as e:
        read_tidy(f)
    msg = str(e.value)
    assert (e.value.row, e.value.column) == (1, "温度")
    for name in ("'温度'", "station (站点/站点编码", "time (时间", "so2 (二氧化硫)", "pm25 (细颗粒物/PM2.5", "o3 (臭氧", "published_*"):
        assert name in msg, name
    assert "\n" not in msg


def test_refused_headers(tmp_path):
    cases = [
        ("站点,日期,CO(μg/m³)", "CO(μg/m³)", "the unit 'μg/m3' is not the unit of co (mg/m³)"),
        ("站点,日期,PM2.5(mg/m3)", "PM2.5(mg/m3)", "is not the unit of pm25 (µg/m³)"),
        ("站点,日期,PM2.5,pm25", "pm25", "columns 'PM2.5' and 'pm25' both mean pm25"),
        ("站点,日期,臭氧", "臭氧", "a bare O3/臭氧 is ambiguous in daily values: name it o3_8h or o3_1h"),
        ("站点(编码),日期,PM2.5", None, "missing column(s) 'station' ('station' may be named 站点/站点编码"),
    ]
    for header, column, why in cases:
        f = put(tmp_path / "d.csv", f"{header}\nA,2023-01-01" + ",1" * (header.count(",") - 1) + "\n")
        with pytest.raises(ReadError) as e:
            read_tidy_daily(f)
        assert why in str(e.value) and e.value.column == column and e.value.row == 1, str(e.value)


def test_parquet_with_chinese_headers(tmp_path):
    pd.DataFrame({"站点": ["A"], "时间": ["2023/1/1 1:00"], "PM2.5": [3.0]}).to_parquet(tmp_path / "h.parquet")
    df = read_tidy(tmp_path / "h.parquet")
    assert (df.time.iloc[0], df.pm25.iloc[0]) == (pd.Timestamp("2023-01-01"), 3.0)
    assert "encodings" not in df.attrs  # Parquet carries no text encoding


# ------------------------------------------------------------------------------------------
# ingest: the encoding is passed through and reported


def test_ingest_reports_non_utf8_files(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    put(raw / "a.csv", EXCEL_DAILY, "gbk")
    put(raw / "b.csv", EXCEL_DAILY.replace("2506A", "2507A"), "gb18030")
    put(raw / "c.csv", EXCEL_DAILY.replace("2506A", "2508A"), "utf-8")
    report = ingest_files("tidy_daily", raw, tmp_path / "store")
    assert report.encodings == {"gb18030": ["a.csv", "b.csv"], "utf-8": ["c.csv"]} and report.encoding_detected
    summary = report.summary()
    assert "encoding: gb18030 (detected) for 2 file(s): a.csv, b.csv" in summary
    assert "utf-8" not in summary  # UTF-8 needs no mention
    given = ingest_files("tidy_daily", raw / "a.csv", tmp_path / "store2", encoding="gbk")
    assert "encoding: gbk (given) for 1 file(s): a.csv" in given.summary()


def test_cli_encoding_option(tmp_path, capsys):
    f = put(tmp_path / "a.csv", EXCEL_HOURLY, "gb18030")  # µg/m³: the ³ is in GB18030, not in GBK
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--encoding", "gb18030", "--quiet"]) == 0
    assert "encoding: gb18030 (given) for 1 file(s): a.csv" in capsys.readouterr().out
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s2"), "--encoding", "klingon"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("airq: error: unknown text encoding 'klingon'") and err.count("\n") == 1
    assert not (tmp_path / "s2").exists()
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s3"), "--encoding", "utf-8"]) == 1
    err = capsys.readouterr().err
    assert "a.csv, line 1: not valid utf-8 text" in err and "Traceback" not in err


def test_alias_table_is_documented():
    import airq.io.tidy as tidy

    doc = tidy.__doc__
    for aliases in (tidy.HOURLY_ALIASES, tidy.DAILY_ALIASES):
        for canonical, names in aliases.items():
            if not canonical.startswith("n_"):
                assert canonical in doc, canonical
            for name in names:
                assert name in doc, name
