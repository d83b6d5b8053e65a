"""airq.io.read_china_sites on written fixtures (no real sample of this format exists)."""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.io import ReadError, read, read_china_sites

STATIONS = ("1001A", "1002A", "2506A")
TYPES = ("AQI", "PM2.5", "PM2.5_24h", "PM10", "O3", "O3_8h", "O3_8h_24h", "CO", "SO2", "NO2")


def cell(day: str, hour: int, typ: str, st: str) -> str:
    """The fixture's value of one cell, as text.

    PM2.5 = 30 + hour at 1001A, 20 + hour at 1002A; 2506A reports nothing at hours 5-7 and
    nothing at all for O3; CO = 0.5 + hour/10 (one decimal); the others are simple constants.
    """
    k = STATIONS.index(st)
    if st == "2506A" and (5 <= hour <= 7 or typ.startswith("O3")):
        return ""
    if typ == "PM2.5":
        return str((30, 20, 40)[k] + hour)
    if typ == "CO":
        return f"{0.5 + hour / 10:.1f}"
    return str({"AQI": 50, "PM2.5_24h": 33, "PM10": 60, "O3": 70, "O3_8h": 65, "O3_8h_24h": 80, "SO2": 7, "NO2": 20}[typ] + k)


def day_file(folder: Path, day: str, hours=range(24), types=TYPES, extra=()) -> Path:
    lines = ["date,hour,type," + ",".join(STATIONS)]
    for h in hours:
        for t in types:
            lines.append(f"{day},{h},{t}," + ",".join(cell(day, h, t, s) for s in STATIONS))
    lines.extend(extra)
    folder.mkdir(parents=True, exist_ok=True)
    p = folder / f"china_sites_{day}.csv"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return p


def test_shape_and_schema(tmp_path):
    df = read_china_sites(day_file(tmp_path, "20231201"))
    assert len(df) == 24 * 3
    assert list(df.columns[:8]) == ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25"]
    assert df.time.dtype == np.dtype("datetime64[ns]") and df.pm25.dtype == np.float64
    assert {"published_aqi", "published_pm25_24h", "published_o3_8h", "published_o3_8h_max", "published_o3_1h_max"} <= set(df.columns)
    assert df.columns[-1] == "source" and (df.source == "china_sites_20231201.csv").all()


def test_values_and_time_by_hand(tmp_path):
    df = read_china_sites(day_file(tmp_path, "20231201")).set_index(["station", "time"])
    # date 20231201, hour 0 = the hour ending 2023-12-01 00:00 -> hour start 2023-11-30 23:00
    r = df.loc[("1001A", pd.Timestamp("2023-11-30 23:00"))]
    assert (r.pm25, r.co, r.published_aqi, r.published_pm25_24h, r.pm10) == (30.0, 0.5, 50.0, 33.0, 60.0)
    assert (r.o3, r.published_o3_8h, r.published_o3_8h_max, r.so2, r.no2) == (70.0, 65.0, 80.0, 7.0, 20.0)
    assert np.isnan(r.published_o3_1h_max)  # type O3_24h is absent from the file
    # hour 13 -> 12:00
    r = df.loc[("1002A", pd.Timestamp("2023-12-01 12:00"))]
    assert (r.pm25, r.co, r.published_aqi) == (33.0, 1.8, 51.0)
    # hour 23 -> 22:00
    assert df.loc[("2506A", pd.Timestamp("2023-12-01 22:00"))].pm25 == 63.0


def test_blanks_kept_as_missing(tmp_path):
    df = read_china_sites(day_file(tmp_path, "20231201"))
    s = df[df.station == "2506A"].set_index("time")
    assert len(s) == 24
    gap = s.loc[pd.Timestamp("2023-12-01 04:00") : pd.Timestamp("2023-12-01 06:00")]
    assert len(gap) == 3 and gap[["pm25", "co", "so2"]].isna().all().all()
    assert s.o3.isna().all()  # a station blank throughout for one type
    assert s.pm25.notna().sum() == 21


def test_natural_day_needs_next_file(tmp_path):
    day_file(tmp_path, "20231201")
    day_file(tmp_path, "20231202")
    (tmp_path / "china_cities_20231201.csv").write_text("not,a,station,file\n")  # ignored
    df = read_china_sites(tmp_path)
    d1 = df[(df.station == "1001A") & (df.time.dt.floor("D") == pd.Timestamp("2023-12-01"))]
    # natural day 2023-12-01 = hours 1..23 of file 20231201 plus hour 0 of file 20231202
    assert len(d1) == 24
    assert list(d1.source.value_counts().sort_index()) == [23, 1]
    assert d1[d1.source == "china_sites_20231202.csv"].time.iloc[0] == pd.Timestamp("2023-12-01 23:00")
    assert list(d1.pm25) == [31.0 + h for h in range(23)] + [30.0]


def test_hour_label_start_and_hour_24(tmp_path):
    f = day_file(tmp_path, "20231201", hours=[0, 24], types=("PM2.5",))
    df = read_china_sites(f)
    assert sorted(df.time.unique()) == [pd.Timestamp("2023-11-30 23:00"), pd.Timestamp("2023-12-01 23:00")]
    df = read_china_sites(f, hour_label="start")
    assert sorted(df.time.unique()) == [pd.Timestamp("2023-12-01 00:00"), pd.Timestamp("2023-12-02 00:00")]


def test_repeated_line_conflict_flags_only_its_values(tmp_path):
    # issue 10 item 4: a line repeating (date, hour, type) with other values used to open a second
    # row per station whose other pollutants were NaN, so the quality check blanked them all
    f = day_file(tmp_path, "20231201", hours=[1], types=("PM2.5", "CO"), extra=["20231201,1,PM2.5,99,21,97"])
    with pytest.raises(ReadError) as e:
        read_china_sites(f)
    assert (e.value.row, e.value.column, e.value.value) == (4, "1001A", "99") and "line 2" in str(e.value)
    df = read_china_sites(f, errors="flag")
    assert len(df) == 3  # one row per station-hour
    a = df.set_index("station")
    assert np.isnan(a.loc["1001A", "pm25"]) and a.loc["1002A", "pm25"] == 21.0 and np.isnan(a.loc["2506A", "pm25"])
    assert list(a.co) == [0.6, 0.6, 0.6]  # the other type is untouched
    fl = df.attrs["flags"]
    assert set(fl.reason) == {"duplicate_conflict"}
    assert sorted(zip(fl.station, fl.row, fl.value)) == [("1001A", 2, "31"), ("1001A", 4, "99"), ("2506A", 2, "41"), ("2506A", 4, "97")]
    assert df.attrs["china_sites"]["duplicate_lines_conflicting"] == 1 and df.attrs["china_sites"]["duplicate_conflict_values"] == 2


def test_bad_value_raises_and_flags(tmp_path):
    f = day_file(tmp_path, "20231201", hours=[1, 2], types=("PM2.5", "CO"), extra=["20231201,3,CO,0.5,n/d,0.7"])
    # line 1 header, lines 2-5 hours 1-2, line 6 the bad row
    with pytest.raises(ReadError) as e:
        read_china_sites(f)
    assert (Path(e.value.path), e.value.row, e.value.column, e.value.value) == (f, 6, "1002A", "n/d")
    assert "line 6" in str(e.value) and "'1002A'" in str(e.value) and "'n/d'" in str(e.value)
    df = read("china_sites", f, errors="flag")
    flags = df.attrs["flags"]
    assert flags[["station", "column", "value", "row", "raw_column"]].values.tolist() == [["1002A", "co", "n/d", 6, "1002A"]]
    assert flags.time.iloc[0] == pd.Timestamp("2023-12-01 02:00")
    bad = df[(df.station == "1002A") & (df.time == pd.Timestamp("2023-12-01 02:00"))]
    assert len(bad) == 1 and np.isnan(bad.co.iloc[0])


@pytest.mark.parametrize(
    "extra, column, value",
    [
        ("20231201,1,PM1,1,2,3", "type", "PM1"),
        ("20231201,25,CO,1,2,3", "hour", "25"),
        ("20231201,1.5,CO,1,2,3", "hour", "1.5"),
        ("2023-12-01,1,CO,1,2,3", "date", "2023-12-01"),
        ("20231301,1,CO,1,2,3", "date", "20231301"),
    ],
)
def test_bad_keys(tmp_path, extra, column, value):
    f = day_file(tmp_path, "20231201", hours=[1], types=("CO",), extra=[extra])
    with pytest.raises(ReadError) as e:
        read_china_sites(f, errors="flag")
    assert (e.value.row, e.value.column, e.value.value) == (3, column, value)


def test_malformed_header(tmp_path):
    p = tmp_path / "china_sites_20231201.csv"
    p.write_text("date,hours,kind,1001A\n20231201,1,CO,1\n")
    with pytest.raises(ReadError) as e:
        read_china_sites(p)
    assert "'hour'" in str(e.value) and "'type'" in str(e.value) and e.value.row == 1
    p.write_text("date,hour,type\n20231201,1,CO\n")
    with pytest.raises(ReadError, match="no station columns"):
        read_china_sites(p)


def test_wrong_field_count(tmp_path):
    f = day_file(tmp_path, "20231201", hours=[1], types=("CO",), extra=["20231201,2,CO,1,2"])
    with pytest.raises(ReadError) as e:
        read_china_sites(f)
    assert e.value.row == 3 and "5 fields" in str(e.value) and "header has 6" in str(e.value)
