"""airq.io.read_prsa: the 12 real Beijing PRSA files and small written fixtures."""

import csv
import gzip
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq.io import ReadError, read, read_prsa

REAL = Path(__file__).resolve().parents[2] / "shared" / "data" / "real"
HEADER = '"No","year","month","day","hour","PM2.5","PM10","SO2","NO2","CO","O3","TEMP","PRES","DEWP","RAIN","wd","WSPM","station"'


def real_folder() -> Path:
    p = REAL / "beijing_prsa_multisite_2013_2017"
    if len(list(p.glob("PRSA_Data_*.csv.gz"))) != 12:
        pytest.skip(f"real PRSA data not available: {p}")
    return p


@pytest.fixture(scope="module")
def prsa():
    return read_prsa(real_folder())


def test_real_counts_and_mapping(prsa):
    assert len(prsa) == 12 * 35064
    assert prsa.groupby("station").size().eq(35064).all()
    pairs = prsa[["station_name", "station"]].drop_duplicates()
    assert dict(zip(pairs.station_name, pairs.station)) == {
        "Wanshouxigong": "1001A", "Dingling": "1002A", "Dongsi": "1003A", "Tiantan": "1004A",
        "Nongzhanguan": "1005A", "Guanyuan": "1006A", "Wanliu": "1007A", "Shunyi": "1008A",
        "Huairou": "1009A", "Changping": "1010A", "Aotizhongxin": "1011A", "Gucheng": "1012A",
    }  # fmt: skip
    assert prsa.time.dtype == np.dtype("datetime64[ns]")
    assert list(prsa.columns) == ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm25", "station_name", "source"]


def test_real_values_by_hand(prsa):
    dongsi = prsa[prsa.station == "1003A"].reset_index(drop=True)
    # line 2: 1,2013,3,1,0,9,9,3,17,300,89,... "Dongsi" -> hour 0 ends 2013-03-01 00:00
    r = dongsi.iloc[0]
    assert r.time == pd.Timestamp("2013-02-28 23:00")
    assert (r.pm25, r.pm10, r.so2, r.no2, r.o3) == (9.0, 9.0, 3.0, 17.0, 89.0)
    assert r.co == 0.3  # 300 µg/m³ -> 0.3 mg/m³
    # line 1001: 1000,2013,4,11,15,10,16,2.856,5.5431,NA,130.662,...
    r = dongsi.iloc[999]
    assert r.time == pd.Timestamp("2013-04-11 14:00")
    assert (r.so2, r.no2, r.o3) == (2.856, 5.5431, 130.662) and np.isnan(r.co)
    # last line: 35064,2017,2,28,23,30,71,11,87,1200,4,...
    r = dongsi.iloc[-1]
    assert r.time == pd.Timestamp("2017-02-28 22:00") and r.co == 1.2 and r.pm10 == 71.0
    # Dingling line 2: NO2 is NA, CO 200
    d = prsa[prsa.station == "1002A"].iloc[0]
    assert np.isnan(d.no2) and d.co == 0.2 and d.station_name == "Dingling"


def test_real_missing_counts_match_raw_text(prsa):
    # count "NA" fields in the raw Dongsi file independently with the csv module
    path = real_folder() / "PRSA_Data_Dongsi_20130301-20170228.csv.gz"
    with gzip.open(path, "rt", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    dongsi = prsa[prsa.station == "1003A"]
    for raw, col in {"PM2.5": "pm25", "PM10": "pm10", "SO2": "so2", "NO2": "no2", "CO": "co", "O3": "o3"}.items():
        assert int(dongsi[col].isna().sum()) == sum(r[raw] == "NA" for r in rows), col
    assert int(dongsi.co.isna().sum()) == 3197  # PROVENANCE: Dongsi CO 90.88 % present


def test_real_hours_continuous(prsa):
    t = prsa[prsa.station == "1011A"].time
    assert t.iloc[0] == pd.Timestamp("2013-02-28 23:00") and t.iloc[-1] == pd.Timestamp("2017-02-28 22:00")
    assert (t.diff().dropna() == pd.Timedelta(hours=1)).all()


def test_real_hour_label_start():
    f = real_folder() / "PRSA_Data_Huairou_20130301-20170228.csv.gz"
    df = read("prsa", f, hour_label="start")
    assert df.time.iloc[0] == pd.Timestamp("2013-03-01 00:00") and df.time.iloc[-1] == pd.Timestamp("2017-02-28 23:00")
    assert (df.station == "1009A").all()


# ------------------------------------------------------------------------------------------
# fixtures
# ------------------------------------------------------------------------------------------


def write(path: Path, *lines, gz=False) -> Path:
    text = "\r\n".join([HEADER, *lines]) + "\r\n"
    if gz:
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8", newline="")
    return path


LINE = '1,2014,1,1,1,80,120,10,50,1500,NA,-3,1020,-15,0,"N",2.1,"Gucheng"'


def test_fixture_gz_and_plain(tmp_path):
    a = write(tmp_path / "PRSA_Data_Gucheng_x.csv.gz", LINE, gz=True)
    b = write(tmp_path / "PRSA_Data_Tiantan_x.csv", LINE.replace("Gucheng", "Tiantan").replace(",1500,", ",NA,"))
    df = read_prsa(tmp_path)  # folder: both patterns
    assert list(df.station) == ["1012A", "1004A"]
    assert list(df.source) == [a.name, b.name]
    assert df.co.iloc[0] == 1.5 and np.isnan(df.co.iloc[1]) and np.isnan(df.o3.iloc[0])
    assert df.time.iloc[0] == pd.Timestamp("2014-01-01 00:00")


def test_unknown_station(tmp_path):
    f = write(tmp_path / "PRSA_Data_X.csv", LINE, LINE.replace('"Gucheng"', '"Xizhimen"'))
    with pytest.raises(ReadError) as e:
        read_prsa(f, errors="flag")
    assert (e.value.row, e.value.column, e.value.value) == (3, "station", "Xizhimen")


def test_bad_value_raise_and_flag(tmp_path):
    f = write(tmp_path / "PRSA_Data_X.csv", LINE, LINE.replace(",80,120,", ",80,12O,"))
    with pytest.raises(ReadError) as e:
        read_prsa(f)
    assert (Path(e.value.path), e.value.row, e.value.column, e.value.value) == (f, 3, "PM10", "12O")
    df = read_prsa(f, errors="flag")
    assert np.isnan(df.pm10.iloc[1]) and df.pm10.iloc[0] == 120.0
    assert df.attrs["flags"][["column", "value", "row", "raw_column"]].values.tolist() == [["pm10", "12O", 3, "PM10"]]


@pytest.mark.parametrize(
    "old, new, column, value",
    [
        ('1,2014,1,1,1,', '1,2014,2,30,1,', "day", "30"),
        ('1,2014,1,1,1,', '1,2014,13,1,1,', "month", "13"),
        ('1,2014,1,1,1,', '1,2014,1,1,x,', "hour", "x"),
    ],
)
def test_bad_dates(tmp_path, old, new, column, value):
    f = write(tmp_path / "PRSA_Data_X.csv", LINE, LINE.replace(old, new))
    with pytest.raises(ReadError) as e:
        read_prsa(f)
    assert (e.value.row, e.value.column, e.value.value) == (3, column, value)


def test_malformed_header(tmp_path):
    f = tmp_path / "PRSA_Data_X.csv"
    f.write_text(HEADER.replace('"CO",', "") + "\n")
    with pytest.raises(ReadError, match="missing column.*'CO'"):
        read_prsa(f)
