"""airq.io.read_cnemc / read_cnemc_stations: real archive samples and small written fixtures."""

import hashlib
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.io import CNEMC_COLUMNS, ReadError, pop_flags, read, read_cnemc, read_cnemc_stations

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
HEADER = ",".join(CNEMC_COLUMNS)


def real(*parts) -> Path:
    p = REAL.joinpath(*parts)
    if not p.exists():
        pytest.skip(f"real data not available: {p}")
    return p


def row(tp="2025-12-01T0900", code="2506A", o3="40", o3_24h="40", pm25="35", **kw):
    """One CNEMC row; keyword arguments override any raw column."""
    vals = dict(
        timepoint=tp, stationcode=code, longitude="109.6047", latitude="23.0666", area="贵港市",
        positionname="江南子站", primarypollutant="", aqi="50", pm10="50", pm10_24h="48", pm2_5=pm25,
        pm2_5_24h="33", o3=o3, o3_24h=o3_24h, o3_8h="70", o3_8h_24h="65", no2="20", no2_24h="18",
        so2="7", so2_24h="6", co="0.8", co_24h="0.7",
    )  # fmt: skip
    vals.update(kw)
    return ",".join(vals[c] for c in CNEMC_COLUMNS)


def write(path: Path, *lines, header=HEADER) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join([header, *lines]) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------------------------------
# real data
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample():
    return read_cnemc(real("cnemc_hourly_sample", "2025-12-01T09.csv"))


def test_real_sample_rows_kept(sample):
    # 1,733 rows, every station once; the 768 all-empty rows are kept as station-hours
    assert len(sample) == 1733
    assert sample["station"].is_unique
    values = sample.drop(columns=["station", "time", "source"])
    assert int(values.isna().all(axis=1).sum()) == 768  # PROVENANCE: 768 rows have every value empty
    assert int(sample["published_aqi"].isna().sum()) == 802
    assert (sample["source"] == "2025-12-01T09.csv").all()


def test_real_sample_schema(sample):
    assert list(sample.columns[:8]) == ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25"]
    assert sample["time"].dtype == np.dtype("datetime64[ns]")
    for c in ["so2", "no2", "co", "o3", "pm10", "pm25", "published_aqi", "published_o3_8h"]:
        assert sample[c].dtype == np.float64
    assert pd.api.types.is_string_dtype(sample["station"])


def test_real_sample_time_is_hour_start(sample):
    # timepoint 2025-12-01T0900 (hour-ending) -> hour start 08:00
    assert (sample["time"] == pd.Timestamp("2025-12-01 08:00")).all()


def test_real_sample_values_by_hand(sample):
    # line 5: 2025-12-01T0900,2695A,80.292,41.1694,阿克苏地区,电视台,颗粒物(PM10),84,118,162,52,80,
    #         34,34,28,28,38,50,6,9,1.0,1.5
    r = sample.set_index("station").loc["2695A"]
    assert (r.pm10, r.pm25, r.o3, r.no2, r.so2, r.co) == (118.0, 52.0, 34.0, 38.0, 6.0, 1.0)
    assert (r.published_aqi, r.published_pm10_24h, r.published_pm25_24h) == (84.0, 162.0, 80.0)
    assert (r.published_no2_24h, r.published_so2_24h, r.published_co_24h) == (50.0, 9.0, 1.5)
    assert (r.published_o3_8h, r.published_o3_8h_max, r.published_o3_1h_max) == (28.0, 28.0, 34.0)
    assert r.published_primary == "颗粒物(PM10)"
    # line 179: quoted tie of two primary pollutants; o3_8h=37, o3_8h_24h=37; co_24h "1"
    t = sample.set_index("station").loc["1196A"]
    assert t.published_primary == "颗粒物(PM10),细颗粒物(PM2.5)"
    assert (t.pm10, t.pm25, t.co, t.published_co_24h) == (148.0, 74.0, 0.8, 1.0)
    # line 341: o3_8h=7 is the day's max, o3_8h_24h=6 the latest 8-h mean
    u = sample.set_index("station").loc["2378A"]
    assert (u.published_o3_8h_max, u.published_o3_8h) == (7.0, 6.0)
    # line 2: 2566A, every value empty -> a row with NaN values
    e = sample.set_index("station").loc["2566A"]
    assert np.isnan(e[["so2", "no2", "co", "o3", "pm10", "pm25"]].astype(float)).all()


def test_real_sample_o3_plain(sample):
    assert sample.attrs["o3_columns"] == {"2025-12-01T09.csv": "plain"}


def test_real_guigang_o3_swapped():
    df = read_cnemc(real("cnemc_guigang_2023q1", "raw_rows.csv"))
    assert df.attrs["o3_columns"] == {"raw_rows.csv": "swapped"}
    assert len(df) == 450
    # line 2: 2023-01-02T00:00:00,2505A,...,o3=100,o3_24h=95,o3_8h=96,o3_8h_24h=96
    first = df.iloc[0]
    assert first.station == "2505A" and first.time == pd.Timestamp("2023-01-01 23:00")
    assert (first.o3, first.published_o3_1h_max) == (95.0, 100.0)
    # line 3: 2506A o3=115, o3_24h=89, o3_8h=104, o3_8h_24h=93
    second = df.iloc[1]
    assert (second.station, second.o3, second.published_o3_1h_max) == ("2506A", 89.0, 115.0)
    assert (second.published_o3_8h_max, second.published_o3_8h) == (104.0, 93.0)
    # extra trailing columns (source_path, source_commit, use) are tolerated, not carried
    assert "use" not in df.columns
    # the one missing hourly value (2507A, 2023-03-28T00 pm2_5) is NaN, the row is kept
    miss = df[(df.station == "2507A") & (df.time == pd.Timestamp("2023-03-27 23:00"))]
    assert len(miss) == 1 and np.isnan(miss.pm25.iloc[0]) and np.isnan(miss.published_aqi.iloc[0])
    assert miss.pm10.iloc[0] == 34.0
    # forcing the other reading gives the raw o3 column
    plain = read_cnemc(real("cnemc_guigang_2023q1", "raw_rows.csv"), o3_columns="plain")
    assert plain.attrs["o3_columns"] == {"raw_rows.csv": "plain"}
    assert (plain.iloc[0].o3, plain.iloc[0].published_o3_1h_max) == (100.0, 95.0)


def test_real_guigang_published_daily_match_station_daily():
    # At T00 of D+1 the published 24-h / day-max values are day D's; station_daily.csv copies
    # them: the two files must agree on every exact (T00) row.
    hourly = read_cnemc(real("cnemc_guigang_2023q1", "raw_rows.csv"))
    daily = read("guigang_daily", real("cnemc_guigang_2023q1", "station_daily.csv"))
    t00 = hourly[hourly.time.dt.hour == 23].copy()
    t00["date"] = t00.time.dt.floor("D")
    m = daily[daily.window_flag == "T00"].merge(t00, on=["station", "date"], suffixes=("", "_h"))
    assert len(m) == 440
    assert (m.o3_8h == m.published_o3_8h_max).all()
    assert (m.o3_1h == m.published_o3_1h_max).all()
    assert (m.pm25 == m.published_pm25_24h).all()
    assert (m.co == m.published_co_24h).all()


def test_real_files_unchanged():
    p = real("cnemc_hourly_sample", "2025-12-01T09.csv")
    before = hashlib.sha256(p.read_bytes()).hexdigest()
    read_cnemc(p)
    assert hashlib.sha256(p.read_bytes()).hexdigest() == before


def test_real_stations_guigang():
    st = read_cnemc_stations(real("cnemc_guigang_2023q1", "raw_rows.csv"))
    # 2505A was published as "德智高中(对照点)" until the 2023-01-11T00 file, then "德智高中"
    s = st[st.station == "2505A"]
    assert list(s.name) == ["德智高中(对照点)", "德智高中"]
    assert list(s.n_rows) == [10, 80]
    assert s.last_time.iloc[0] == pd.Timestamp("2023-01-10 23:00")
    assert set(st.station) == {"2505A", "2506A", "2507A", "2508A", "3405A"}
    r = st[st.station == "2506A"].iloc[0]
    assert (r.longitude, r.latitude, r.area) == (109.6047, 23.0666, "贵港市")


# ------------------------------------------------------------------------------------------
# fixtures: parsing
# ------------------------------------------------------------------------------------------


def test_time_formats_and_hour_label(tmp_path):
    f = write(tmp_path / "a.csv", row(tp="2025-12-01T0100"), row(tp="2023-01-02T00:00:00", code="2507A"))
    df = read_cnemc(f)
    assert list(df.time) == [pd.Timestamp("2025-12-01 00:00"), pd.Timestamp("2023-01-01 23:00")]
    df = read_cnemc(f, hour_label="start")
    assert list(df.time) == [pd.Timestamp("2025-12-01 01:00"), pd.Timestamp("2023-01-02 00:00")]


def test_missing_markers_are_missing(tmp_path):
    f = write(
        tmp_path / "a.csv",
        row(pm25="", code="A"),
        row(pm25="NA", code="B"),
        row(pm25="—", code="C"),
        row(pm25="  ", code="D"),
        row(pm25=" 12 ", code="E"),
        row(pm25="-", code="F"),
    )
    df = read_cnemc(f)
    assert df.pm25.isna().tolist() == [True, True, True, True, False, True]
    assert df.pm25.iloc[4] == 12.0


def test_extra_trailing_columns(tmp_path):
    f = write(tmp_path / "a.csv", row() + ",x,y", header=HEADER + ",note,use")
    df = read_cnemc(f)
    assert len(df) == 1 and df.pm25.iloc[0] == 35.0


def test_sources_folder_glob_list(tmp_path):
    write(tmp_path / "arch" / "2025-12-02" / "2025-12-02T01.csv", row(tp="2025-12-02T0100"))
    write(tmp_path / "arch" / "2025-12-01" / "2025-12-01T02.csv", row(tp="2025-12-01T0200"))
    write(tmp_path / "arch" / "2025-12-01" / "2025-12-01T01.csv", row(tp="2025-12-01T0100"))
    (tmp_path / "arch" / "README.md").write_text("not data")
    df = read_cnemc(tmp_path / "arch")  # recursive, sorted by path
    assert list(df.time.dt.strftime("%m-%d %H")) == ["12-01 00", "12-01 01", "12-02 00"]
    assert list(df.source) == ["2025-12-01T01.csv", "2025-12-01T02.csv", "2025-12-02T01.csv"]
    g = read_cnemc(str(tmp_path / "arch" / "2025-12-01" / "*.csv"))
    assert len(g) == 2
    lst = read_cnemc([tmp_path / "arch" / "2025-12-02", tmp_path / "arch" / "2025-12-01" / "2025-12-01T01.csv"])
    assert list(lst.source) == ["2025-12-02T01.csv", "2025-12-01T01.csv"]
    assert len(read_cnemc(str(tmp_path / "arch" / "**" / "*.csv"), progress=True)) == 3


def test_duplicates_kept(tmp_path):
    a = write(tmp_path / "a.csv", row(), row(pm25="36"))
    b = write(tmp_path / "b.csv", row(pm25="37"))
    df = read_cnemc([a, b])
    assert len(df) == 3 and list(df.pm25) == [35.0, 36.0, 37.0]


def test_header_only_file(tmp_path):
    df = read_cnemc(write(tmp_path / "a.csv"))
    assert len(df) == 0
    assert list(df.columns[:8]) == ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25"]
    assert df.time.dtype == np.dtype("datetime64[ns]") and df.pm25.dtype == np.float64


def test_blank_lines_and_quoted_newline_keep_line_numbers(tmp_path):
    f = write(
        tmp_path / "a.csv",
        row(positionname='"two\nlines"'),  # lines 2-3
        "",  # line 4
        row(code="2507A", pm25="abc"),  # line 5
    )
    with pytest.raises(ReadError) as e:
        read_cnemc(f)
    assert e.value.row == 5 and e.value.column == "pm2_5" and e.value.value == "abc"
    df = read_cnemc(f, errors="flag")
    assert len(df) == 2


# ------------------------------------------------------------------------------------------
# O3 column layout
# ------------------------------------------------------------------------------------------


def test_o3_auto_per_file(tmp_path):
    swapped = write(tmp_path / "s.csv", row(o3="120", o3_24h="80"), row(code="B", o3="90", o3_24h="90"))
    plain = write(tmp_path / "p.csv", row(o3="60", o3_24h="80"), row(code="B", o3="90", o3_24h="70"))
    empty = write(tmp_path / "e.csv", row(o3="60", o3_24h=""))
    equal = write(tmp_path / "q.csv", row(o3="60", o3_24h="60"))
    df = read_cnemc([swapped, plain, empty, equal])
    assert df.attrs["o3_columns"] == {"s.csv": "swapped", "p.csv": "plain", "e.csv": "plain", "q.csv": "plain"}
    assert list(df.o3) == [80.0, 90.0, 60.0, 90.0, 60.0, 60.0]
    assert list(df.published_o3_1h_max.fillna(-1)) == [120.0, 90.0, 80.0, 70.0, -1.0, 60.0]


def test_o3_swapped_row_without_1h_value(tmp_path):
    # in a swapped file "o3" is a 24-h maximum: with o3_24h empty there is no 1-h O3
    f = write(tmp_path / "s.csv", row(o3="120", o3_24h="80"), row(code="B", o3="100", o3_24h=""))
    df = read_cnemc(f)
    assert df.attrs["o3_columns"] == {"s.csv": "swapped"}
    assert df.o3.iloc[0] == 80.0 and np.isnan(df.o3.iloc[1])
    assert df.published_o3_1h_max.iloc[1] == 100.0


def test_o3_forced(tmp_path):
    f = write(tmp_path / "p.csv", row(o3="60", o3_24h="80"))
    assert read_cnemc(f, o3_columns="swapped").o3.iloc[0] == 80.0
    assert read_cnemc(f, o3_columns="plain").o3.iloc[0] == 60.0
    with pytest.raises(ValueError, match="o3_columns"):
        read_cnemc(f, o3_columns="guess")


# ------------------------------------------------------------------------------------------
# errors
# ------------------------------------------------------------------------------------------


def test_bad_value_raises_with_location(tmp_path):
    f = write(tmp_path / "h.csv", row(), row(code="2507A", pm25="abc"), row(code="2508A", co="1.2.3"))
    with pytest.raises(ReadError) as e:
        read_cnemc(f)
    err = e.value
    assert isinstance(err, ValueError)
    assert (Path(err.path), err.row, err.column, err.value) == (f, 3, "pm2_5", "abc")
    msg = str(err)
    assert str(f) in msg and "line 3" in msg and "'pm2_5'" in msg and "'abc'" in msg
    assert "1 more" in msg


def test_bad_value_flag(tmp_path):
    f = write(tmp_path / "h.csv", row(), row(code="2507A", pm25="abc"), row(code="2508A", co="1.2.3"))
    df = read_cnemc(f, errors="flag")
    assert len(df) == 3
    assert np.isnan(df.pm25.iloc[1]) and np.isnan(df.co.iloc[2]) and df.pm25.iloc[2] == 35.0
    flags = df.attrs["flags"]
    assert list(flags.columns) == ["station", "time", "column", "value", "reason", "source", "row", "raw_column"]
    assert flags[["station", "column", "value", "row", "raw_column"]].values.tolist() == [
        ["2507A", "pm25", "abc", 3, "pm2_5"],
        ["2508A", "co", "1.2.3", 4, "co"],
    ]
    assert (flags.time == pd.Timestamp("2025-12-01 08:00")).all()
    assert (flags.source == "h.csv").all() and (flags.reason == "not a number").all()
    taken = pop_flags(df)
    assert len(taken) == 2 and "flags" not in df.attrs


def test_flag_names_o3_by_role(tmp_path):
    f = write(tmp_path / "s.csv", row(o3="120", o3_24h="80"), row(code="B", o3="110", o3_24h="x"))
    flags = read_cnemc(f, errors="flag").attrs["flags"]
    assert flags[["column", "raw_column"]].values.tolist() == [["o3", "o3_24h"]]


def test_no_flags_attr_in_raise_mode(tmp_path):
    df = read_cnemc(write(tmp_path / "a.csv", row()))
    assert "flags" not in df.attrs
    df = read_cnemc(write(tmp_path / "b.csv", row()), errors="flag")
    assert len(df.attrs["flags"]) == 0


def test_non_finite_is_bad(tmp_path):
    f = write(tmp_path / "h.csv", row(pm25="inf"), row(code="B", pm25="NAN"), row(code="C", pm25="1e999"))
    flags = read_cnemc(f, errors="flag").attrs["flags"]
    assert flags.value.tolist() == ["inf", "NAN", "1e999"]
    with pytest.raises(ReadError, match="line 2"):
        read_cnemc(f)


def test_malformed_header_names_missing_columns(tmp_path):
    header = HEADER.replace("pm2_5,", "pm25,").replace(",co_24h", "")
    f = write(tmp_path / "h.csv", header=header)
    with pytest.raises(ReadError) as e:
        read_cnemc(f)
    assert Path(e.value.path) == f and e.value.row == 1
    assert "'pm2_5'" in str(e.value) and "'co_24h'" in str(e.value) and "missing column" in str(e.value)


def test_wrong_field_count(tmp_path):
    short = write(tmp_path / "s.csv", row(), "2025-12-01T0900,2507A,1,2")
    with pytest.raises(ReadError) as e:
        read_cnemc(short)
    assert e.value.row == 3 and "4 fields" in str(e.value)
    long = write(tmp_path / "l.csv", row(), row() + ",extra")
    with pytest.raises(ReadError) as e:
        read_cnemc(long)
    assert e.value.row == 3 and "23 fields" in str(e.value)


@pytest.mark.parametrize(
    "kw, column, value",
    [
        ({"code": ""}, "stationcode", ""),
        ({"tp": "2025-12-01 9h"}, "timepoint", "2025-12-01 9h"),
        ({"tp": "2025-13-01T0900"}, "timepoint", "2025-13-01T0900"),
        ({"tp": "2025-12-01T0930"}, "timepoint", "2025-12-01T0930"),
    ],
)
def test_bad_keys_always_raise(tmp_path, kw, column, value):
    f = write(tmp_path / "k.csv", row(), row(**kw))
    for errors in ("raise", "flag"):
        with pytest.raises(ReadError) as e:
            read_cnemc(f, errors=errors)
        assert (e.value.row, e.value.column, e.value.value) == (3, column, value)


def test_missing_sources(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_cnemc(tmp_path / "nope.csv")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReadError, match="no file matching"):
        read_cnemc(tmp_path / "empty")
    with pytest.raises(ReadError, match="no file matches"):
        read_cnemc(str(tmp_path / "*.csv"))
    with pytest.raises(ReadError, match="no sources"):
        read_cnemc([])


def test_empty_file_and_bad_encoding(tmp_path):
    (tmp_path / "z.csv").write_bytes(b"")
    with pytest.raises(ReadError, match="empty file"):
        read_cnemc(tmp_path / "z.csv")
    (tmp_path / "g.csv").write_bytes((HEADER + "\n" + row() + "\n").encode() + row(positionname="江南").encode("gbk") + b"\n")
    with pytest.raises(ReadError) as e:
        read_cnemc(tmp_path / "g.csv")
    assert e.value.row == 3 and "utf-8" in str(e.value)
    (tmp_path / "k.csv").write_bytes((HEADER + "\n" + row(positionname="江南") + "\n").encode("gbk"))
    assert read_cnemc_stations(tmp_path / "k.csv", encoding="gb18030").name.tolist() == ["江南"]


def test_argument_errors(tmp_path):
    f = write(tmp_path / "a.csv", row())
    with pytest.raises(ValueError, match="hour_label"):
        read_cnemc(f, hour_label="middle")
    with pytest.raises(ValueError, match="errors"):
        read_cnemc(f, errors="ignore")


def test_read_error_pickles():
    err = ReadError("a.csv", 3, "pm2_5", "abc", "not a number")
    back = pickle.loads(pickle.dumps(err))
    assert (back.path, back.row, back.column, back.value, str(back)) == ("a.csv", 3, "pm2_5", "abc", str(err))
