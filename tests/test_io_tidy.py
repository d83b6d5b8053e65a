"""airq.io.read_tidy, read_tidy_daily, read_guigang_daily and the read() dispatcher."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.io import DAILY_COLUMNS, FORMATS, ReadError, read, read_guigang_daily, read_tidy, read_tidy_daily

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


HOURLY = """station,time,pm25,o3,co,published_aqi,published_primary
2506A,2024-01-01 01:00,35,60,0.8,50,
2506A,2024-01-01 24:00,41,NA,1.1,57,细颗粒物(PM2.5)
2507A,2024-01-01T02:00:00,,—,,,
"""


def test_tidy_hourly_by_hand(tmp_path):
    df = read_tidy(write(tmp_path / "h.csv", HOURLY))
    assert list(df.columns) == [
        "station", "time", "so2", "no2", "co", "o3", "pm10", "pm25", "published_aqi", "published_primary", "source",
    ]  # fmt: skip
    # 01:00 label -> 00:00; "24:00" = next day 00:00 label -> 23:00 of the same day
    assert list(df.time) == [pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 23:00"), pd.Timestamp("2024-01-01 01:00")]
    assert list(df.pm25.fillna(-1)) == [35.0, 41.0, -1.0]
    assert list(df.co.fillna(-1)) == [0.8, 1.1, -1.0]
    assert df.o3.iloc[0] == 60.0 and df.o3.iloc[1:].isna().all()
    assert df[["so2", "no2", "pm10"]].isna().all().all()  # absent columns -> NaN
    assert df.so2.dtype == np.float64 and df.time.dtype == np.dtype("datetime64[ns]")
    assert df.published_aqi.tolist()[:2] == [50.0, 57.0]
    assert df.published_primary.iloc[1] == "细颗粒物(PM2.5)" and pd.isna(df.published_primary.iloc[0])


def test_tidy_hour_label_start(tmp_path):
    df = read_tidy(write(tmp_path / "h.csv", HOURLY), hour_label="start")
    assert list(df.time) == [pd.Timestamp("2024-01-01 01:00"), pd.Timestamp("2024-01-02 00:00"), pd.Timestamp("2024-01-01 02:00")]


def test_tidy_unknown_column(tmp_path):
    # "pm2.5" is an accepted alias of pm25 (issue 9 item 9); "pm_2.5" is not
    f = write(tmp_path / "h.csv", "station,time,pm_2.5,temp\nA,2024-01-01 01:00,1,2\n")
    with pytest.raises(ReadError) as e:
        read_tidy(f)
    assert e.value.column == "pm_2.5" and "'temp'" in str(e.value) and e.value.row == 1


def test_tidy_missing_key_column(tmp_path):
    f = write(tmp_path / "h.csv", "station,datetime,pm25\nA,2024-01-01 01:00,1\n")
    with pytest.raises(ReadError, match="missing column.*'time'"):
        read_tidy(f)


@pytest.mark.parametrize(
    "time",
    ["2024-01-01 01:30", "2024-01-01 25:00", "2024-01-01", "01/01/2024 01:00", "2024-02-30 01:00", "2024-01-01 24:30"],
)
def test_tidy_bad_time(tmp_path, time):
    f = write(tmp_path / "h.csv", f"station,time,pm25\nA,2024-01-01 01:00,1\nA,{time},2\n")
    with pytest.raises(ReadError) as e:
        read_tidy(f, errors="flag")
    assert (e.value.row, e.value.column, e.value.value) == (3, "time", time)


def test_tidy_bad_value(tmp_path):
    f = write(tmp_path / "h.csv", "station,time,pm25,published_aqi\nA,2024-01-01 01:00,1,x\nA,2024-01-01 02:00,<2,5\n")
    with pytest.raises(ReadError) as e:
        read_tidy(f)
    assert (e.value.row, e.value.column, e.value.value) == (2, "published_aqi", "x")
    df = read_tidy(f, errors="flag")
    fl = df.attrs["flags"]
    assert fl[["station", "column", "value", "row"]].values.tolist() == [["A", "published_aqi", "x", 2], ["A", "pm25", "<2", 3]]
    assert list(fl.time) == [pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 01:00")]


def test_tidy_parquet(tmp_path):
    src = pd.DataFrame(
        {
            "station": ["A", "B"],
            "time": pd.to_datetime(["2024-01-01 01:00", "2024-01-02 00:00"]),
            "pm25": [1.5, np.nan],
            "o3": [10, 20],
        }
    )
    src.to_parquet(tmp_path / "h.parquet")
    df = read_tidy(tmp_path / "h.parquet")
    assert list(df.time) == [pd.Timestamp("2024-01-01 00:00"), pd.Timestamp("2024-01-01 23:00")]
    assert df.pm25.iloc[0] == 1.5 and np.isnan(df.pm25.iloc[1]) and list(df.o3) == [10.0, 20.0]
    # timezone-aware stamps are converted to Beijing time
    utc = src.assign(time=pd.to_datetime(["2023-12-31 17:00", "2024-01-01 16:00"]).tz_localize("UTC"))
    utc.to_parquet(tmp_path / "u.parquet")
    assert list(read_tidy(tmp_path / "u.parquet").time) == list(df.time)
    # text stamps in Parquet and record numbers in errors
    bad = src.assign(time=["2024-01-01 01:00", "2024-01-01 01:15"])
    bad.to_parquet(tmp_path / "b.parquet")
    with pytest.raises(ReadError) as e:
        read_tidy(tmp_path / "b.parquet")
    assert e.value.row == 2 and "record 2" in str(e.value)
    inf = src.assign(pm25=[1.0, np.inf])
    inf.to_parquet(tmp_path / "i.parquet")
    fl = read_tidy(tmp_path / "i.parquet", errors="flag").attrs["flags"]
    assert fl[["station", "column", "reason", "row"]].values.tolist() == [["B", "pm25", "not a finite number", 2]]


# ------------------------------------------------------------------------------------------
# daily
# ------------------------------------------------------------------------------------------

DAILY = """station,date,pm25,o3_8h,o3_1h,co,n_pm25
2506A,2024-01-01,35.5,120,150,0.9,23
2506A,2024-01-02,,NA,160,1.0,
"""


def test_tidy_daily_by_hand(tmp_path):
    df = read_tidy_daily(write(tmp_path / "d.csv", DAILY))
    assert list(df.columns) == list(DAILY_COLUMNS) + ["source"]
    assert list(df.date) == [pd.Timestamp("2024-01-01"), pd.Timestamp("2024-01-02")]
    assert df.pm25.iloc[0] == 35.5 and np.isnan(df.pm25.iloc[1])
    assert df.o3_8h.iloc[0] == 120.0 and np.isnan(df.o3_8h.iloc[1]) and list(df.o3_1h) == [150.0, 160.0]
    assert list(df.co) == [0.9, 1.0]
    assert df.n_pm25.iloc[0] == 23.0 and np.isnan(df.n_pm25.iloc[1])
    assert df[["so2", "no2", "pm10", "n_so2", "n_o3_8h", "n_o3_1h"]].isna().all().all()
    assert df.date.dtype == np.dtype("datetime64[ns]")


@pytest.mark.parametrize("bad", ["2024-01-32", "20240101", "2024-01-01 00:00"])
def test_tidy_daily_bad_date(tmp_path, bad):
    f = write(tmp_path / "d.csv", f"station,date,pm25\nA,2024-01-01,1\nA,{bad},2\n")
    with pytest.raises(ReadError) as e:
        read_tidy_daily(f)
    assert (e.value.row, e.value.column, e.value.value) == (3, "date", bad)


def test_tidy_daily_unknown_column_and_bad_value(tmp_path):
    with pytest.raises(ReadError, match="'o3'"):
        read_tidy_daily(write(tmp_path / "d.csv", "station,date,o3\nA,2024-01-01,1\n"))
    f = write(tmp_path / "e.csv", "station,date,pm25\nA,2024-01-01,1\nB,2024-01-01,abc\n")
    with pytest.raises(ReadError) as e:
        read_tidy_daily(f)
    assert (e.value.row, e.value.column, e.value.value) == (3, "pm25", "abc")
    fl = read_tidy_daily(f, errors="flag").attrs["flags"]
    assert fl[["station", "time", "column", "value"]].values.tolist() == [["B", pd.Timestamp("2024-01-01"), "pm25", "abc"]]


def test_tidy_daily_parquet_midnight(tmp_path):
    pd.DataFrame({"station": ["A"], "date": pd.to_datetime(["2024-01-01 12:00"]), "pm25": [1.0]}).to_parquet(tmp_path / "d.parquet")
    with pytest.raises(ReadError, match="midnight"):
        read_tidy_daily(tmp_path / "d.parquet")


# ------------------------------------------------------------------------------------------
# Guigang station_daily.csv
# ------------------------------------------------------------------------------------------


def test_guigang_real():
    p = REAL / "cnemc_guigang_2023q1" / "station_daily.csv"
    if not p.exists():
        pytest.skip(f"real data not available: {p}")
    df = read_guigang_daily(p)
    assert len(df) == 450
    assert list(df.columns[: len(DAILY_COLUMNS)]) == list(DAILY_COLUMNS)
    assert df.window_flag.value_counts().to_dict() == {"T00": 440, "proxy_T20_same_day": 5, "proxy_T01_next_day": 5}
    # line 2: 2023-01-01,2505A,德智高中,1,48,54,6,17,0.7,96,100,T00,24,2023-01-02T00:00:00
    r = df.iloc[0]
    assert (r.station, r.date, r.station_name, r.is_control_point) == ("2505A", pd.Timestamp("2023-01-01"), "德智高中", True)
    assert (r.pm25, r.pm10, r.so2, r.no2, r.co, r.o3_8h, r.o3_1h) == (48.0, 54.0, 6.0, 17.0, 0.7, 96.0, 100.0)
    assert r.day_hours_in_window == 24.0 and r.window_flag == "T00"
    assert df[[c for c in df.columns if c.startswith("n_")]].isna().all().all()
    # proxy rows are kept and flagged; 2023-02-27 has no O3 8-h value
    feb27 = df[df.date == pd.Timestamp("2023-02-27")]
    assert len(feb27) == 5 and (feb27.window_flag == "proxy_T01_next_day").all() and feb27.o3_8h.isna().all()
    assert feb27.o3_1h.notna().all() and (feb27.day_hours_in_window == 23.0).all()
    assert int(df.o3_8h.isna().sum()) == 5
    assert df[df.is_control_point].station.unique().tolist() == ["2505A"]


def test_guigang_fixture_errors(tmp_path):
    head = "date,station_code,station_name,is_control_point,pm25_24h,pm10_24h,so2_24h,no2_24h,co_24h,o3_8h_max,o3_1h_max,window_flag\n"
    f = write(tmp_path / "station_daily.csv", head + "2023-01-01,2506A,江南子站,0,48,66,5,19,0.9,104,115,T00\n2023-01-02,2506A,江南子站,2,48,66,5,19,0.9,104,115,T00\n")
    with pytest.raises(ReadError) as e:
        read_guigang_daily(f)
    assert (e.value.row, e.value.column, e.value.value) == (3, "is_control_point", "2")
    g = write(tmp_path / "g.csv", head.replace(",window_flag", "") + "2023-01-01,2506A,江南子站,0,48,66,5,19,0.9,104,115\n")
    with pytest.raises(ReadError, match="'window_flag'"):
        read_guigang_daily(g)


# ------------------------------------------------------------------------------------------
# dispatcher
# ------------------------------------------------------------------------------------------


def test_read_dispatch(tmp_path):
    assert set(FORMATS) == {"cnemc", "china_sites", "prsa", "tidy", "tidy_daily", "guigang_daily", "aqistudy"}
    f = write(tmp_path / "h.csv", HOURLY)
    pd.testing.assert_frame_equal(read("tidy", f), read_tidy(f))
    d = write(tmp_path / "d.csv", DAILY)
    assert read("tidy_daily", d).pm25.iloc[0] == 35.5
    with pytest.raises(ValueError, match="unknown format"):
        read("excel", f)
    with pytest.raises(TypeError):
        read("tidy", f, o3_columns="auto")
