"""Issue 10 at the readers: a cut-off last line (item 2), china_sites repeated lines (item 4),
implausible dates (item 5), header-only and empty files (item 9). Every case failed before."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.io import ReadError, read, read_china_sites, read_tidy
from airq.io.cnemc import CNEMC_COLUMNS

NEXT = dt.date.today().year + 1
CNEMC_HEADER = ",".join(CNEMC_COLUMNS)


def cnemc_row(stamp: str, station: str = "1001A", co_24h: str = "53") -> str:
    return f"{stamp},{station},109.6,23.1,贵港市,江南子站,,50,60,61,35,36,70,,65,66,20,21,7,8,0.8,{co_24h}"


#: format -> (file name, header, data lines (the year is {y}), column of the last field, its canonical name, key column)
FILES = {
    "tidy": ("t.csv", "station,time,so2,pm25", ["A,{y}-01-01 01:00,7,41", "A,{y}-01-01 02:00,8,53"], "pm25", "pm25", "time"),
    "tidy_daily": ("d.csv", "station,date,so2,pm25", ["A,{y}-01-01,7,41", "A,{y}-01-02,8,53"], "pm25", "pm25", "date"),
    "china_sites": ("china_sites_20230101.csv", "date,hour,type,1001A,1002A",
                    ["{y}0101,1,SO2,7,8", "{y}0101,1,PM2.5,41,53"], "1002A", "pm25", "date"),
    "cnemc": ("c.csv", CNEMC_HEADER, [cnemc_row("{y}-01-01T0100"), cnemc_row("{y}-01-01T0100", "1002A")],
              "co_24h", "published_co_24h", "timepoint"),
    "prsa": ("PRSA_Data_Dongsi_x.csv", "No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station",
             ["1,{y},1,1,1,41,60,7,20,800,70,1,1,1,0,N,1,Dongsi", "2,{y},1,1,2,53,60,7,20,800,70,1,1,1,0,N,1,Dongsi"],
             "station", None, "year"),
    "guigang_daily": ("station_daily.csv",
                      "date,station_code,station_name,is_control_point,so2_24h,no2_24h,co_24h,pm10_24h,pm25_24h,o3_8h_max,"
                      "o3_1h_max,window_flag,day_hours_in_window",
                      ["{y}-01-01,A,江南,0,7,20,0.8,60,41,70,80,T00,24", "{y}-01-02,A,江南,0,8,20,0.8,60,53,70,80,T00,53"],
                      "day_hours_in_window", "day_hours_in_window", "date"),
    "aqistudy": ("贵港.csv", "date,AQI,质量等级,PM2.5,PM10,SO2,CO,NO2,O3_8h",
                 ["{y}-01-01,50,优,41,60,7,0.8,20,70", "{y}-01-02,50,优,41,60,7,0.8,20,53"], "O3_8h", "o3_8h", "date"),
}


def write(tmp_path: Path, fmt: str, *, year=2023, cut: int = 0, lines=None, encoding="utf-8") -> Path:
    """The format's file, ``cut`` characters removed from its end (0: whole, with the final newline)."""
    name, header, rows, *_ = FILES[fmt]
    text = "\n".join([header] + [r.format(y=year) for r in (rows if lines is None else lines)]) + "\n"
    if cut:
        text = text[:-cut]
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def flags(df):
    return df.attrs["flags"][["column", "value", "reason", "row", "raw_column"]].values.tolist()


# ------------------------------------------------------------------------------------------
# item 2: a file cut inside its last field
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["tidy", "tidy_daily", "china_sites", "cnemc", "guigang_daily", "aqistudy"])
def test_value_cut_in_the_last_field_is_flagged_never_stored(tmp_path, fmt):
    # "...,53\n" cut to "...,5": before, 5 was stored with no word
    whole = read(fmt, write(tmp_path, fmt), errors="flag")
    assert not len(whole.attrs["flags"]) and whole.attrs["read_notes"] == []
    f = write(tmp_path, fmt, cut=2)
    _, _, _, raw_col, col, _ = FILES[fmt]
    df = read(fmt, f, errors="flag")
    assert flags(df) == [[col, "5", "truncated_last_line", 3, raw_col]]
    assert "no final newline" in df.attrs["read_notes"][0] and f.name in df.attrs["read_notes"][0]
    # every other value as in the whole file; the cut one missing
    other = whole.drop(columns=[col]).reset_index(drop=True)
    pd.testing.assert_frame_equal(df.drop(columns=[col]).reset_index(drop=True), other)
    assert df[col].isna().sum() == whole[col].isna().sum() + 1
    with pytest.raises(ReadError) as e:  # --strict
        read(fmt, f)
    assert (e.value.row, e.value.column, e.value.value) == (3, raw_col, "5")
    assert "without a final newline" in str(e.value) and f.name in str(e.value)


def test_complete_last_line_without_newline_is_flagged_too(tmp_path):
    f = write(tmp_path, "tidy", cut=1)  # only the newline is missing: nothing proves the line whole
    df = read_tidy(f, errors="flag")
    assert flags(df) == [["pm25", "53", "truncated_last_line", 3, "pm25"]] and df.so2.tolist() == [7.0, 8.0]


def test_short_last_line_is_padded_and_its_missing_values_flagged(tmp_path):
    f = write(tmp_path, "tidy", lines=["A,2023-01-01 01:00,7,41", "A,2023-01-01 02:00,8"], cut=1)
    df = read_tidy(f, errors="flag")
    assert flags(df) == [["so2", "8", "truncated_last_line", 3, "so2"], ["pm25", "", "truncated_last_line", 3, "pm25"]]
    assert df.pm25.tolist()[0] == 41.0 and df.iloc[1][["so2", "pm25"]].isna().all()


@pytest.mark.parametrize("fmt, cut", [("tidy", 8), ("tidy_daily", 8), ("china_sites", 7), ("prsa", 2), ("guigang_daily", 4)])
def test_cut_that_may_fall_in_a_key_is_refused(tmp_path, fmt, cut):
    f = write(tmp_path, fmt, cut=cut)
    for errors in ("flag", "raise"):
        with pytest.raises(ReadError, match="cut may fall in this key column") as e:
            read(fmt, f, errors=errors)
        assert e.value.row == 3 and e.value.column is not None


def test_prsa_last_line_with_a_whole_station_name_is_complete(tmp_path):
    f = write(tmp_path, "prsa", cut=1)
    for errors in ("flag", "raise"):
        df = read("prsa", f, errors=errors)
        assert df.pm25.tolist() == [41.0, 53.0] and df.attrs["read_notes"] == []


@pytest.mark.parametrize("encoding, cut_bytes", [("utf-8", 1), ("utf-8", 2), ("utf-16", 1), ("gb18030", 1)])
def test_file_cut_inside_a_character(tmp_path, encoding, cut_bytes):
    # the last field is Chinese text: a cut inside its last character used to be "not valid utf-8"
    # (or, worse, a UTF-8 file decoded as GB18030)
    p = tmp_path / "t.csv"
    text = "station,time,pm25,published_primary\nA,2023-01-01 01:00,41,细颗粒物\nA,2023-01-01 02:00,53,颗粒物"
    p.write_bytes(text.encode(encoding)[:-cut_bytes])
    df = read_tidy(p, errors="flag")
    assert df.attrs["encodings"] == {"utf-16" if encoding == "utf-16" else encoding: ["t.csv"]}
    assert df.pm25.tolist() == [41.0, 53.0] and df.published_primary.iloc[0] == "细颗粒物"
    assert flags(df) == [["published_primary", "颗粒", "truncated_last_line", 3, "published_primary"]]


def test_header_cut_without_newline_reads_zero_rows(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("station,time,pm25")  # was a pyarrow message naming no line
    df = read_tidy(p)
    assert len(df) == 0 and df.attrs["header_only_files"] == ["t.csv"]


def test_stray_quote_names_the_line(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text('station,time,pm25\nA,2023-01-01 01:00,41\nA,2023-01-01 02:00,x"5,3"\n')  # was a pyarrow message
    with pytest.raises(ReadError) as e:
        read_tidy(p, errors="flag")
    assert e.value.row == 3 and "double quote" in str(e.value)


# ------------------------------------------------------------------------------------------
# item 4: china_sites repeated lines
# ------------------------------------------------------------------------------------------

TYPES = ("SO2", "NO2", "CO", "O3", "PM10", "PM2.5")
CODES = ("1001A", "1002A", "1003A", "1004A", "1005A")


def china_sites_day(tmp_path: Path, extra=()) -> Path:
    lines = ["date,hour,type," + ",".join(CODES)]
    for h in (1, 2):
        for k, t in enumerate(TYPES):
            lines.append(f"20231201,{h},{t}," + ",".join(str(10 * (k + 1) + j + h) for j in range(len(CODES))))
    lines.extend(extra)
    tmp_path.mkdir(parents=True, exist_ok=True)
    p = tmp_path / "china_sites_20231201.csv"
    p.write_text("\n".join(lines) + "\n")
    return p


def test_china_sites_identical_repeated_line_is_dropped_and_counted(tmp_path):
    clean = read_china_sites(china_sites_day(tmp_path / "a"))
    for errors in ("raise", "flag"):
        df = read_china_sites(china_sites_day(tmp_path / errors, extra=["20231201,1,PM2.5,61,62,63,64,65"]), errors=errors)
        pd.testing.assert_frame_equal(df, clean)  # one row per station-hour, every value kept
        assert errors == "raise" or not len(df.attrs["flags"])
        assert df.attrs["china_sites"]["duplicate_lines_identical"] == 1
        assert df.attrs["read_notes"] == ["china_sites_20231201.csv: 1 repeated line(s) identical to an earlier line "
                                          "dropped (line 14 repeats line 7)"]


def test_china_sites_hour_24_and_next_day_hour_0_are_the_same_hour(tmp_path):
    f = china_sites_day(tmp_path, extra=["20231201,24,PM2.5,1,2,3,4,5", "20231202,0,PM2.5,1,2,3,4,9"])
    df = read_china_sites(f, errors="flag")
    last = df[df.time == pd.Timestamp("2023-12-01 23:00")].set_index("station")
    assert last.pm25.tolist()[:4] == [1.0, 2.0, 3.0, 4.0] and np.isnan(last.pm25["1005A"])
    assert df.attrs["flags"][["station", "value", "row"]].values.tolist() == [["1005A", "5", 14], ["1005A", "9", 15]]


def test_china_sites_repeated_line_through_ingest_blanks_nothing_else(tmp_path):
    # before: one conflicting repeated line blanked every other pollutant of the 5 stations that hour
    from airq import store
    from airq.ingestion import ingest_files

    f = china_sites_day(tmp_path, extra=["20231201,1,PM2.5,61,62,99,64,65"])
    ingest_files("china_sites", f, tmp_path / "store")
    got = store.load(tmp_path / "store").set_index(["station", "time"]).sort_index()
    h0 = got.xs(pd.Timestamp("2023-12-01 00:00"), level="time")
    assert np.isnan(h0.loc["1003A", "pm25"]) and h0.pm25.drop("1003A").tolist() == [61.0, 62.0, 64.0, 65.0]
    assert h0[["so2", "no2", "co", "o3", "pm10"]].notna().all().all()  # 25 values kept
    assert got.drop(index="1003A", level="station")[["so2", "no2", "co", "o3", "pm10", "pm25"]].notna().all().all()


# ------------------------------------------------------------------------------------------
# item 5: implausible dates
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FILES))
@pytest.mark.parametrize("year", [1900, 1999, NEXT + 1, 2999])
def test_implausible_year_is_refused_with_file_line_column_value(tmp_path, fmt, year):
    f = write(tmp_path, fmt, year=year)
    key = FILES[fmt][5]
    for errors in ("raise", "flag"):
        with pytest.raises(ReadError) as e:
            read(fmt, f, errors=errors)
        assert (e.value.row, e.value.column) == (2, key) and str(year) in str(e.value.value)
        assert "outside the plausible dates 2000-01-01 .. " in str(e.value) and f.name in str(e.value)


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_first_and_last_plausible_years_are_read(tmp_path, fmt):
    assert len(read(fmt, write(tmp_path, fmt, year=2000))) and len(read(fmt, write(tmp_path, fmt, year=NEXT)))


def test_date_bounds_on_the_hour_start(tmp_path):
    ok = ["A,2000-01-01 01:00,1,1", f"A,{NEXT}-12-31 24:00,1,1"]  # hour starts 2000-01-01 00:00, NEXT-12-31 23:00
    assert len(read_tidy(write(tmp_path, "tidy", lines=ok))) == 2
    with pytest.raises(ReadError, match="hour starting 1999-12-31 23:00 is outside") as e:
        read_tidy(write(tmp_path, "tidy", lines=["A,2000-01-01 00:00,1,1"]))
    assert e.value.value == "2000-01-01 00:00"
    with pytest.raises(ReadError, match=f"hour starting {NEXT + 1}-01-01 00:00 is outside"):
        read_tidy(write(tmp_path, "tidy", lines=[f"A,{NEXT + 1}-01-01 01:00,1,1"]))


@pytest.mark.parametrize("year", [1900, 2999])
def test_parquet_timestamps_out_of_range(tmp_path, year):
    import pyarrow as pa
    import pyarrow.parquet as pq

    t = pa.table({"station": ["A", "A"], "time": pa.array([dt.datetime(2023, 1, 1, 1), dt.datetime(year, 1, 1, 1)],
                                                           type=pa.timestamp("ms")), "pm25": [1.0, 2.0]})
    pq.write_table(t, tmp_path / "t.parquet")
    with pytest.raises(ReadError) as e:
        read_tidy(tmp_path / "t.parquet")
    assert e.value.row == 2 and e.value.unit == "record" and f"year {year}" in str(e.value)


# ------------------------------------------------------------------------------------------
# item 9: header-only and empty files
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_header_only_file_reads_as_zero_rows_with_a_note(tmp_path, fmt):
    for errors in ("raise", "flag"):
        df = read(fmt, write(tmp_path, fmt, lines=[]), errors=errors)
        assert len(df) == 0 and {"station"} <= set(df.columns)
        name = FILES[fmt][0]
        assert [h.split("/")[-1] for h in df.attrs["header_only_files"]] == [name]
        if fmt != "aqistudy":  # aqistudy_summary says it
            assert df.attrs["read_notes"] == [f"header only, no rows: {name}"]


@pytest.mark.parametrize("fmt", sorted(FILES))
def test_empty_file_is_one_sentence(tmp_path, fmt):
    p = tmp_path / FILES[fmt][0]
    p.write_bytes(b"")
    with pytest.raises(ReadError) as e:
        read(fmt, p, errors="flag")
    assert str(e.value) == f"{p}: empty file (0 bytes, no header)"


def test_header_only_file_beside_others_is_named(tmp_path):
    write(tmp_path, "tidy")
    (tmp_path / "u.csv").write_text("station,time,pm25\n")
    df = read_tidy(tmp_path)
    assert len(df) == 2 and df.attrs["header_only_files"] == ["u.csv"]
    assert df.attrs["read_notes"] == ["header only, no rows: u.csv"]
