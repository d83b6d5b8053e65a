"""Property-based tests of every text reader (issue 10): valid files read back exactly, broken
files give a ReadError naming file and line or flag exactly the affected values.

Each format has a generator of small valid files (stations, times, values, header variants,
encodings UTF-8 / UTF-8 BOM / GB18030 / UTF-16, LF / CRLF line endings) and an oracle that
states, from the generated fields alone, what the reader must return after its documented
conversions (hour-ending labels -> hour start, PRSA CO / 1000, aqistudy city from the file
name, china_sites one row per station-hour). Files are broken by truncation at every byte,
duplicated and conflicting lines, non-numeric values, implausible dates and header-only files.
Everything is read through ``airq.io.read`` (the ``FORMATS`` table); ``derandomize=True`` keeps
the examples fixed from run to run.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airq.io import FORMATS, ReadError, read
from airq.io.china_sites import CHINA_SITES_TYPES
from airq.io.cnemc import CNEMC_COLUMNS
from airq.io.prsa import PRSA_STATIONS

THIS_YEAR = dt.date.today().year
LAST_DAY = dt.date(THIS_YEAR + 1, 12, 30)  # leaves room for hour 24 / a +1 day label
MISSING = ("", "NA", "—", "-", "null")
ENCODINGS = ("utf-8", "utf-8-sig", "gb18030", "utf-16")
ENDINGS = ("\n", "\r\n")


def cfg(n: int):
    return settings(derandomize=True, max_examples=n, deadline=None, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture])


# ------------------------------------------------------------------------------------------
# the generated file and its oracle
# ------------------------------------------------------------------------------------------


@dataclass
class Sample:
    """One generated file: header and data fields as text, how to render and what to expect."""

    fmt: str
    name: str
    header: list
    rows: list  # list of list of str (fields of each data line)
    keys: tuple  # field positions that place a row (never flagged)
    values: dict  # field position -> canonical output column(s) it feeds
    key_out: tuple  # output key columns
    expect: object  # callable(sample) -> DataFrame (key_out + value columns), NaN = missing
    encoding: str = "utf-8"
    ending: str = "\n"
    date_field: int = 0  # position of the field holding the year (for implausible dates)
    date_text: object = None  # callable(year, old text) -> text with that year
    labels: list | None = None  # the names the reader gives the row's fields (default: the header's)

    def label(self, pos: int) -> str:
        return (self.labels or [h.strip('"') for h in self.header])[pos]

    def text(self, rows=None, header=True) -> str:
        lines = ([",".join(self.header)] if header else []) + [",".join(r) for r in (self.rows if rows is None else rows)]
        return "".join(line + self.ending for line in lines)

    def data(self, rows=None) -> bytes:
        return self.text(rows).encode(self.encoding)

    def write(self, folder: Path, data: bytes | None = None) -> Path:
        p = folder / self.name
        p.write_bytes(self.data() if data is None else data)
        return p


def num(text: str) -> float:
    t = text.strip()
    return math.nan if t in MISSING else float(t)


def values_st(n: int = 1):
    one = st.one_of(st.integers(0, 999).map(str), st.integers(0, 9999).map(lambda v: f"{v // 10}.{v % 10}"),
                    st.sampled_from(MISSING))
    return st.lists(one, min_size=n, max_size=n)


def days_st():
    return st.dates(min_value=dt.date(2000, 1, 2), max_value=LAST_DAY)


def style_st():
    return st.tuples(st.sampled_from(ENCODINGS), st.sampled_from(ENDINGS))


# ---- tidy (hourly) -------------------------------------------------------------------------

TIDY_NAMES = {
    "station": ("station", "站点", "站点编码"),
    "time": ("time", "时间", "监测时间"),
    "so2": ("so2", "SO2", "二氧化硫", "SO₂(μg/m³)"),
    "no2": ("no2", "NO2", "二氧化氮(ug/m3)"),
    "co": ("co", "CO", "一氧化碳", "CO(mg/m3)"),
    "o3": ("o3", "臭氧", "O3_1h"),
    "pm10": ("pm10", "PM10", "可吸入颗粒物"),
    "pm25": ("pm25", "PM2.5", "细颗粒物", "PM2.5(μg/m³)"),
}
TIDY_DAILY_NAMES = {
    "station": TIDY_NAMES["station"],
    "date": ("date", "日期", "监测日期"),
    **{p: TIDY_NAMES[p] for p in ("so2", "no2", "co", "pm10", "pm25")},
    "o3_8h": ("o3_8h", "臭氧8小时", "O3_8h_max"),
    "o3_1h": ("o3_1h", "臭氧日最大1小时", "O3_1h_max"),
}
STATIONS = ("2506A", "1001A", "贵港1", "A-01")


def hour_text(day: dt.date, hour: int, form: int) -> str:
    if form == 0:
        return f"{day:%Y-%m-%d} {hour:02d}:00"
    if form == 1:
        return f"{day.year}/{day.month}/{day.day} {hour}:00"
    return f"{day:%Y-%m-%d}T{hour:02d}:00:00"


def label_start(day: dt.date, hour: int) -> pd.Timestamp:
    """Hour-ending label day + hour -> airq's hour start."""
    return pd.Timestamp(day) + pd.Timedelta(hours=hour - 1)


def _expect_rows(s: Sample, key_of) -> pd.DataFrame:
    recs = []
    for r in s.rows:
        rec = dict(zip(s.key_out, key_of(r)))
        for pos, col in s.values.items():
            rec[col] = num(r[pos])
        recs.append(rec)
    return pd.DataFrame(recs, columns=list(s.key_out) + list(s.values.values()))


@st.composite
def tidy_sample(draw, daily: bool = False):
    names = TIDY_DAILY_NAMES if daily else TIDY_NAMES
    key = "date" if daily else "time"
    pollutants = [c for c in names if c not in ("station", key)]
    cols = draw(st.lists(st.sampled_from(pollutants), min_size=1, max_size=4, unique=True))
    order = draw(st.permutations(["station", key] + cols))
    header = [draw(st.sampled_from(names[c])) for c in order]
    stations = draw(st.lists(st.sampled_from(STATIONS), min_size=1, max_size=2, unique=True))
    day = draw(days_st())
    form = draw(st.integers(0, 2 if not daily else 1))
    if daily:
        offsets = draw(st.lists(st.integers(0, 2), min_size=1, max_size=2, unique=True))
        keys = list(dict.fromkeys((s, min(day + dt.timedelta(days=o), LAST_DAY)) for s in stations for o in offsets))
    else:
        hours = draw(st.lists(st.integers(1, 24), min_size=1, max_size=2, unique=True))
        keys = [(s, h) for s in stations for h in hours]
    rows = []
    for k in keys:
        vals = draw(values_st(len(cols)))
        fields = {"station": k[0]}
        if daily:
            d = k[1]
            fields[key] = f"{d:%Y-%m-%d}" if form == 0 else f"{d.year}/{d.month}/{d.day}"
        else:
            fields[key] = hour_text(day, k[1], form)
        fields.update(zip(cols, vals))
        rows.append([fields[c] for c in order])
    pos = {c: i for i, c in enumerate(order)}

    def key_of(r):
        st_ = r[pos["station"]]
        t = r[pos[key]]
        if daily:
            return st_, pd.Timestamp(t.replace("/", "-"))
        d, h = t.replace("T", " ").split(" ")
        return st_, pd.Timestamp(d.replace("/", "-")) + pd.Timedelta(hours=int(h.split(":")[0]) - 1)

    def year_text(year, old):
        sep = "/" if "/" in old else "-"
        return str(year) + old[4:] if old[4] == sep else old

    enc, end = draw(style_st())
    return Sample("tidy_daily" if daily else "tidy", "t.csv", header, rows, (pos["station"], pos[key]),
                  {pos[c]: c for c in cols}, ("station", "date" if daily else "time"), lambda s: _expect_rows(s, key_of),
                  enc, end, pos[key], year_text)


# ---- china_sites ---------------------------------------------------------------------------

CS_CODES = ("1001A", "1002A", "2506A", "3001A")


@st.composite
def china_sites_sample(draw):
    codes = draw(st.lists(st.sampled_from(CS_CODES), min_size=1, max_size=3, unique=True))
    types = draw(st.lists(st.sampled_from(list(CHINA_SITES_TYPES)), min_size=1, max_size=3, unique=True))
    day = draw(days_st())
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=2, unique=True))
    rows = []
    for h in hours:
        for t in types:
            rows.append([f"{day:%Y%m%d}", str(h), t] + draw(values_st(len(codes))))

    def expect(s: Sample) -> pd.DataFrame:
        cells = {}
        order = []
        for r in s.rows:
            d = pd.Timestamp(r[0]) + pd.Timedelta(hours=int(r[1]) - 1)
            if d not in order:
                order.append(d)
            for j, c in enumerate(s.header[3:]):
                cells[(c, d, CHINA_SITES_TYPES[r[2]])] = num(r[3 + j])
        cols = sorted(set(CHINA_SITES_TYPES.values()))
        recs = [{"station": c, "time": d, **{k: cells.get((c, d, k), math.nan) for k in cols}} for d in order for c in s.header[3:]]
        return pd.DataFrame(recs, columns=["station", "time"] + cols)

    enc, end = draw(style_st())
    return Sample("china_sites", f"china_sites_{day:%Y%m%d}.csv", ["date", "hour", "type", *codes], rows, (0, 1, 2),
                  {3 + j: c for j, c in enumerate(codes)}, ("station", "time"), expect, enc, end, 0,
                  lambda y, old: str(y) + old[4:])


# ---- cnemc ---------------------------------------------------------------------------------

CNEMC_NUMERIC = {"aqi": "published_aqi", "pm10": "pm10", "pm10_24h": "published_pm10_24h", "pm2_5": "pm25",
                 "pm2_5_24h": "published_pm25_24h", "o3": "o3", "o3_8h": "published_o3_8h_max",
                 "o3_8h_24h": "published_o3_8h", "no2": "no2", "no2_24h": "published_no2_24h", "so2": "so2",
                 "so2_24h": "published_so2_24h", "co": "co", "co_24h": "published_co_24h"}


@st.composite
def cnemc_sample(draw):
    extra = draw(st.booleans())
    header = list(CNEMC_COLUMNS) + (["extra"] if extra else [])
    stations = draw(st.lists(st.sampled_from(STATIONS), min_size=1, max_size=3, unique=True))
    day = draw(days_st())
    hour = draw(st.integers(1, 23))
    form = draw(st.integers(0, 2))
    stamp = (f"{day:%Y-%m-%d}T{hour:02d}00", f"{day:%Y-%m-%d}T{hour:02d}:00:00", f"{day:%Y-%m-%d} {hour:02d}:00")[form]
    rows = []
    for s in stations:
        vals = dict(zip(CNEMC_NUMERIC, draw(values_st(len(CNEMC_NUMERIC)))))
        f = {"timepoint": stamp, "stationcode": s, "longitude": "109.6", "latitude": "23.1", "area": "贵港市",
             "positionname": "江南子站", "primarypollutant": draw(st.sampled_from(["", "PM2.5", "细颗粒物(PM2.5)"])),
             "o3_24h": "", "extra": "x", **vals}
        rows.append([f[c] for c in header])
    pos = {c: i for i, c in enumerate(header)}

    def expect(s: Sample) -> pd.DataFrame:
        return _expect_rows(s, lambda r: (r[1], label_start(dt.date.fromisoformat(r[0][:10]), int(r[0][11:13]))))

    enc, end = draw(style_st())
    return Sample("cnemc", "c.csv", header, rows, (0, 1), {pos[c]: o for c, o in CNEMC_NUMERIC.items()},
                  ("station", "time"), expect, enc, end, 0, lambda y, old: str(y) + old[4:])


# ---- prsa ----------------------------------------------------------------------------------

PRSA_HEADER = ["No", "year", "month", "day", "hour", "PM2.5", "PM10", "SO2", "NO2", "CO", "O3",
               "TEMP", "PRES", "DEWP", "RAIN", "wd", "WSPM", "station"]
PRSA_VALUES = {5: "pm25", 6: "pm10", 7: "so2", 8: "no2", 9: "co", 10: "o3"}


@st.composite
def prsa_sample(draw):
    quoted = draw(st.booleans())
    name = draw(st.sampled_from(sorted(PRSA_STATIONS)))
    day = draw(days_st())
    hours = draw(st.lists(st.integers(0, 23), min_size=1, max_size=3, unique=True))
    q = (lambda t: f'"{t}"') if quoted else (lambda t: t)
    rows = []
    for k, h in enumerate(hours):
        vals = [v if v != "" else "NA" for v in draw(values_st(6))]
        rows.append([str(k + 1), str(day.year), str(day.month), str(day.day), str(h), *vals,
                     "-0.5", "1024.5", "-21.4", "0", q("NNW"), "5.7", q(name)])

    def expect(s: Sample) -> pd.DataFrame:
        df = _expect_rows(s, lambda r: (PRSA_STATIONS[r[17].strip('"')],
                                        label_start(dt.date(int(r[1]), int(r[2]), int(r[3])), int(r[4]))))
        df["co"] = df["co"] / 1000.0
        return df

    enc, end = draw(style_st())
    header = [q(h) for h in PRSA_HEADER]
    return Sample("prsa", f"PRSA_Data_{name}_x.csv", header, rows, (1, 2, 3, 4, 17), dict(PRSA_VALUES),
                  ("station", "time"), expect, enc, end, 1, lambda y, old: str(y))


# ---- guigang_daily -------------------------------------------------------------------------

GUIGANG_HEADER = ["date", "station_code", "station_name", "is_control_point", "pm25_24h", "pm10_24h", "so2_24h",
                  "no2_24h", "co_24h", "o3_8h_max", "o3_1h_max", "window_flag", "day_hours_in_window", "source_timepoint"]
GUIGANG_VALUES = {4: "pm25", 5: "pm10", 6: "so2", 7: "no2", 8: "co", 9: "o3_8h", 10: "o3_1h", 12: "day_hours_in_window"}


@st.composite
def guigang_sample(draw):
    stations = draw(st.lists(st.sampled_from(STATIONS), min_size=1, max_size=2, unique=True))
    day = draw(days_st())
    rows = []
    for s in stations:
        rows.append([f"{day:%Y-%m-%d}", s, draw(st.sampled_from(["江南子站", "德智高中", "Station 3"])),
                     draw(st.sampled_from(["0", "1"])), *draw(values_st(7)), draw(st.sampled_from(["T00", "T23"])),
                     draw(st.sampled_from(["24", "23", ""])), f"{day + dt.timedelta(days=1):%Y-%m-%d}T00:00:00"])

    enc, end = draw(style_st())
    return Sample("guigang_daily", "station_daily.csv", list(GUIGANG_HEADER), rows, (0, 1, 3, 11), dict(GUIGANG_VALUES),
                  ("station", "date"), lambda s: _expect_rows(s, lambda r: (r[1], pd.Timestamp(r[0]))),
                  enc, end, 0, lambda y, old: str(y) + old[4:])


# ---- aqistudy ------------------------------------------------------------------------------

AQ_FIELDS = ("date", "AQI", "质量等级", "PM2.5", "PM10", "SO2", "CO", "NO2", "O3_8h")
AQ_CATEGORIES = ("优", "良", "轻度污染", "中度污染", "重度污染", "严重污染")
AQ_NUMERIC = {1: "published_aqi", 3: "pm25", 4: "pm10", 5: "so2", 6: "co", 7: "no2", 8: "o3_8h"}


@st.composite
def aqistudy_sample(draw):
    eight = draw(st.booleans())
    date_name = draw(st.sampled_from(["date", "日期"]))
    header = [date_name, "AQI", *([] if eight else ["质量等级"]), "PM2.5", "PM10", "SO2", "CO", "NO2", "O3_8h"]
    city = draw(st.sampled_from(["贵港", "北京", "南宁"]))
    day = draw(days_st())
    offsets = draw(st.lists(st.integers(0, 3), min_size=1, max_size=3, unique=True))
    rows = []
    for o in offsets:
        d = min(day + dt.timedelta(days=o), LAST_DAY)
        if any(r[0] == f"{d:%Y-%m-%d}" for r in rows):
            continue
        v = draw(values_st(7))
        rows.append([f"{d:%Y-%m-%d}", v[0], draw(st.sampled_from(AQ_CATEGORIES)), *v[1:]])

    def expect(s: Sample) -> pd.DataFrame:
        return _expect_rows(s, lambda r: (city, pd.Timestamp(r[0])))

    enc, end = draw(style_st())
    if end == "\r\n" and draw(st.booleans()):
        end = "\r\r\n"  # the cities/ files
    labels = [date_name, "AQI"] + ([f"{f} (field {k + 1})" for k, f in enumerate(AQ_FIELDS) if k >= 2] if eight else header[2:])
    return Sample("aqistudy", f"{city}.csv", header, rows, (0,), dict(AQ_NUMERIC), ("station", "date"), expect,
                  enc, end, 0, lambda y, old: str(y) + old[4:], labels)


SAMPLES = {
    "tidy": tidy_sample(),
    "tidy_daily": tidy_sample(daily=True),
    "china_sites": china_sites_sample(),
    "cnemc": cnemc_sample(),
    "prsa": prsa_sample(),
    "guigang_daily": guigang_sample(),
    "aqistudy": aqistudy_sample(),
}


def test_every_reader_is_covered():
    assert set(SAMPLES) == set(FORMATS)


# ------------------------------------------------------------------------------------------
# reading and comparing
# ------------------------------------------------------------------------------------------


def read_file(s: Sample, path: Path, errors: str = "flag"):
    """(frame, None) or (None, ReadError); any other exception fails the test."""
    try:
        return read(s.fmt, path, errors=errors), None
    except ReadError as exc:
        assert exc.path is not None and Path(exc.path).name == path.name, f"ReadError does not name the file: {exc}"
        assert "Traceback" not in str(exc) and "\n" not in str(exc)
        return None, exc


def keyed(df: pd.DataFrame, s: Sample) -> pd.DataFrame:
    cols = list(dict.fromkeys(s.values.values())) if s.fmt != "china_sites" else sorted(set(CHINA_SITES_TYPES.values()))
    out = df[list(s.key_out) + cols].copy()
    return out.set_index(list(s.key_out)).sort_index()


def same(a, b) -> bool:
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    return a.shape == b.shape and bool(np.all((a == b) | (np.isnan(a) & np.isnan(b))))


def assert_frame_is(df: pd.DataFrame, expected: pd.DataFrame, s: Sample, flagged=frozenset()):
    """``df`` holds exactly ``expected``, except cells in ``flagged`` ({(key tuple, column)}) that are NaN."""
    got, exp = keyed(df, s), keyed(expected, s)
    assert list(got.index) == list(exp.index), f"rows differ:\n{got.index}\n{exp.index}"
    for col in exp.columns:
        g, e = got[col].to_numpy(dtype=float), exp[col].to_numpy(dtype=float)
        for k, key in enumerate(exp.index):
            if (key, col) in flagged:
                assert np.isnan(g[k]), f"{key} {col}: flagged but {g[k]}"
            else:
                assert same(g[k], e[k]), f"{key} {col}: read {g[k]}, written {e[k]}"


def flag_cells(df: pd.DataFrame, s: Sample) -> set:
    fl = df.attrs.get("flags")
    if fl is None or not len(fl):
        return set()
    key = "time"
    out = set()
    for r in fl.itertuples():
        out.add(((r.station, pd.Timestamp(getattr(r, key))), r.column))
    return out


# ------------------------------------------------------------------------------------------
# valid files
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ENCODINGS)
@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_valid_files_read_back_exactly(fmt, encoding, tmp_path_factory):
    @cfg(6)
    @given(SAMPLES[fmt])
    def run(s):
        s = replace(s, encoding=encoding)
        folder = tmp_path_factory.mktemp(fmt)
        for errors in ("raise", "flag"):
            df, err = read_file(s, s.write(folder), errors)
            assert err is None, f"valid {s.encoding} file refused: {err}"
            assert_frame_is(df, s.expect(s), s)
            assert errors == "raise" or not len(df.attrs["flags"]), df.attrs["flags"]
            assert df.attrs["header_only_files"] == [] and df.attrs["read_notes"] == []

    run()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_header_only_reads_zero_rows_with_a_note(fmt, tmp_path_factory):
    @cfg(4)
    @given(SAMPLES[fmt])
    def run(s):
        folder = tmp_path_factory.mktemp(fmt)
        df, err = read_file(s, s.write(folder, s.data(rows=[])))
        assert err is None and len(df) == 0
        assert [h.split("/")[-1] for h in df.attrs["header_only_files"]] == [s.name]  # aqistudy: folder/file
        if fmt != "aqistudy":  # aqistudy says it in aqistudy_summary
            assert df.attrs["read_notes"] == [f"header only, no rows: {s.name}"]
        df, err = read_file(s, s.write(folder, b""))
        assert df is None and "empty file (0 bytes" in str(err)

    run()


# ------------------------------------------------------------------------------------------
# truncation at every byte
# ------------------------------------------------------------------------------------------


def line_offsets(s: Sample):
    """(start, content end, end with terminator) in characters of every line of the text."""
    out, pos = [], 0
    for line in [",".join(s.header)] + [",".join(r) for r in s.rows]:
        out.append((pos, pos + len(line), pos + len(line) + len(s.ending)))
        pos = out[-1][2]
    return out


def chars_in(data: bytes, encoding: str) -> int:
    """How many whole characters of the text a byte prefix holds (a cut character is lost)."""
    return len(data.decode(encoding, errors="ignore"))


def check_prefix(s: Sample, path: Path, data: bytes, k: int, offsets):
    prefix = data[:k]
    path.write_bytes(prefix)
    head_end = offsets[0][2]
    k = chars_in(prefix, s.encoding)  # from here on, k counts characters
    for errors in ("flag", "raise"):
        df, err = read_file(s, path, errors)
        if k < head_end:  # cut in the header: an error naming line 1, an empty file, or zero rows
            if err is not None:
                assert err.row == 1 or "empty file" in str(err), err
            else:
                assert len(df) == 0
            continue
        # data lines wholly present (with their terminator, or a CR that ends them) and the cut one
        complete = []
        partial = None
        for j, (a, b, c) in enumerate(offsets[1:]):
            if c <= k or (s.ending.startswith("\r") and k > b):
                complete.append(j)
            elif a < k:
                partial = j
        part_line = None if partial is None else partial + 2
        if err is not None:
            assert partial is not None, f"cut at a line boundary refused: {err}"
            assert err.row == part_line, f"error names line {err.row}, the cut line is {part_line}: {err}"
            continue
        present = complete + ([partial] if partial is not None else [])
        sub = replace(s, rows=[s.rows[j] for j in present])
        expected = sub.expect(sub)
        flags = df.attrs.get("flags")
        cells = set()
        if flags is not None and len(flags):
            assert set(flags.reason) == {"truncated_last_line"} and set(flags.row) == {part_line}, flags
            cells = flag_cells(df, s)
        assert_frame_is(df, expected, s, flagged=cells)  # the cut line's cells may be missing (flagged)


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_truncated_at_every_byte(fmt, tmp_path_factory):
    turn = [sorted(SAMPLES).index(fmt)]  # every encoding in turn, each format starting elsewhere

    @cfg(2 if fmt == "cnemc" else 3)  # cnemc lines are long: ~2 x 450 bytes read twice each
    @given(SAMPLES[fmt])
    def run(s):
        s = replace(s, rows=s.rows[:2], encoding=ENCODINGS[turn[0] % len(ENCODINGS)])
        turn[0] += 1
        folder = tmp_path_factory.mktemp(fmt)
        data = s.data()
        offsets = line_offsets(s)
        assert offsets[-1][2] == len(s.text())
        path = folder / s.name
        for k in range(len(data) + 1):
            check_prefix(s, path, data, k, offsets)

    run()


# ------------------------------------------------------------------------------------------
# broken values, dates, duplicates
# ------------------------------------------------------------------------------------------

JUNK = st.sampled_from(["abc", "5mg", "１２", "1.2.3", "inf", "NaN%", "0x10", "1e999", "12 3"])


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_non_numeric_value_flagged_alone(fmt, tmp_path_factory):
    @cfg(8)
    @given(SAMPLES[fmt], st.data())
    def run(s, data):
        folder = tmp_path_factory.mktemp(fmt)
        i = data.draw(st.integers(0, len(s.rows) - 1))
        pos = data.draw(st.sampled_from(sorted(s.values)))
        junk = data.draw(JUNK)
        rows = [list(r) for r in s.rows]
        rows[i][pos] = junk
        bad = replace(s, rows=rows)
        path = bad.write(folder)
        df, err = read_file(bad, path, "raise")
        assert df is None and (err.row, err.column, err.value) == (i + 2, s.label(pos), junk), err
        df, err = read_file(bad, path, "flag")
        assert err is None, err
        fl = df.attrs["flags"]
        assert len(fl) == 1 and fl.row.iloc[0] == i + 2 and fl.value.iloc[0] == junk and fl.raw_column.iloc[0] == s.label(pos)
        rows[i][pos] = ""
        assert_frame_is(df, s.expect(replace(s, rows=rows)), s)

    run()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_implausible_dates_refused_with_file_and_line(fmt, tmp_path_factory):
    @cfg(6)
    @given(SAMPLES[fmt], st.data())
    def run(s, data):
        folder = tmp_path_factory.mktemp(fmt)
        i = data.draw(st.integers(0, len(s.rows) - 1))
        year = data.draw(st.sampled_from([1900, 1970, 1998, THIS_YEAR + 3, 2999, 9999]))
        rows = [list(r) for r in s.rows]
        rows[i][s.date_field] = s.date_text(year, rows[i][s.date_field])
        bad = replace(s, rows=rows)
        path = bad.write(folder)
        for errors in ("raise", "flag"):
            df, err = read_file(bad, path, errors)
            assert df is None, f"year {year} accepted"
            assert err.row == i + 2 and err.column == s.label(s.date_field) and str(year) in str(err.value), err
            assert "plausible" in str(err)

    run()


@pytest.mark.parametrize("fmt", sorted(SAMPLES))
def test_duplicated_line(fmt, tmp_path_factory):
    @cfg(8)
    @given(SAMPLES[fmt], st.data())
    def run(s, data):
        folder = tmp_path_factory.mktemp(fmt)
        i = data.draw(st.integers(0, len(s.rows) - 1))
        at = data.draw(st.integers(i + 1, len(s.rows)))
        rows = [list(r) for r in s.rows]
        rows.insert(at, list(rows[i]))
        dup = replace(s, rows=rows)
        for errors in ("raise", "flag"):
            df, err = read_file(dup, dup.write(folder), errors)
            assert err is None, err
            assert errors == "raise" or not len(df.attrs["flags"])
            if fmt in ("china_sites", "aqistudy"):  # the reader merges the copy
                assert_frame_is(df, s.expect(s), s)
                if fmt == "china_sites":
                    assert df.attrs["china_sites"]["duplicate_lines_identical"] == 1 and df.attrs["read_notes"]
                else:
                    assert df.attrs["aqistudy"]["duplicate_rows_removed"] == 1
            else:  # both rows kept, left to airq.quality
                assert len(df) == len(rows)
                assert_frame_is(df.drop_duplicates(list(s.key_out)), s.expect(s), s)

    run()


@pytest.mark.parametrize("fmt", ["china_sites", "aqistudy"])
def test_conflicting_duplicate_flags_only_the_conflicting_value(fmt, tmp_path_factory):
    @cfg(8)
    @given(SAMPLES[fmt], st.data())
    def run(s, data):
        folder = tmp_path_factory.mktemp(fmt)
        i = data.draw(st.integers(0, len(s.rows) - 1))
        pos = data.draw(st.sampled_from(sorted(s.values)))
        rows = [list(r) for r in s.rows]
        copy = list(rows[i])
        copy[pos] = "77777" if copy[pos] != "77777" else "1"
        rows.append(copy)
        bad = replace(s, rows=rows)
        path = bad.write(folder)
        df, err = read_file(bad, path, "raise")
        assert df is None and err.row == len(rows) + 1 and err.column == s.label(pos) and err.value == copy[pos], err
        df, err = read_file(bad, path, "flag")
        assert err is None, err
        fl = df.attrs["flags"]
        assert set(fl.reason) == {"duplicate_conflict"} and sorted(fl.row) == [i + 2, len(rows) + 1]
        cells = flag_cells(df, s)
        assert len(cells) == 1
        assert_frame_is(df, s.expect(s), s, flagged=cells)

    run()
