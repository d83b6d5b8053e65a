"""The fast paths of issue 11 give the numbers of the reference paths, exactly (issue 11 item 4).

* ``airq.store.load`` / ``load_daily`` (:mod:`airq.store_read`) against a straightforward reference:
  pyarrow reads of the partitions, pandas filter, canonical dtypes, a stable sort — on randomised
  stores (missing hours, station outages, extra columns present in some ingests only, a month
  straddling 2026-03-01, unsorted and odd-typed partitions), with station filters and period bounds
  inside months.
* ``airq.hourly.to_grid`` / ``station_daily`` (:mod:`airq.grid`) against the implementation before
  issue 11, kept here as ``_reference_to_grid`` / ``_reference_station_daily``: same frames, NaN-equal,
  under both rule sets, for every station dtype, row order and value dtype; the same errors with the
  same sentences (duplicate station-hours, times off the hour, missing stations, negative values ...).
* ``airq.assessment.station_days`` end to end with both paths.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from airq import grid as G
from airq import hourly as H
from airq import store as S
from airq.hourly import HourlyGrid, _daily_max_8h, _mean_count, _round0, _validity
from airq.quality import POLLUTANTS
from airq.util import label as _label
from airq.util import widen_float

CODES = ["1001A", "1002A", "2506A", "GP01A", "PN01A", "a-1", "Z9", "站1", "站10", "站2", "3405A", "1010A"]


# ---------------------------------------------------------------------------------------------
# the reference paths


def _reference_load(store_dir, table="hourly", key="time", values=POLLUTANTS, start=None, end=None, stations=None):
    """Every partition overlapping [start, end) read by pyarrow (canonical dtypes), filtered, concatenated, sorted (pandas)."""
    store = Path(store_dir)
    t0 = None if start is None else pd.Timestamp(start)
    t1 = None if end is None else pd.Timestamp(end)
    if stations is not None:
        stations = [stations] if isinstance(stations, str) else [str(s) for s in stations]
    first = ["station", key, *values]

    def canonical(df):
        df = df.copy()
        df["station"] = df["station"].astype("str")
        df[key] = df[key].astype("datetime64[ns]")
        for c in values:
            df[c] = df[c].astype("float64")
        return df[first + [c for c in df.columns if c not in first]]

    frames = []
    for path in sorted((store / table).glob("month=*/data.parquet")):
        m0 = pd.Timestamp(path.parent.name[len("month="):] + "-01")
        m1 = m0 + pd.offsets.MonthBegin(1)
        if (t1 is not None and m0 >= t1) or (t0 is not None and m1 <= t0):
            continue
        filters = [("station", "in", stations)] if stations is not None else None
        df = pq.read_table(path, filters=filters).to_pandas()
        if len(df):
            frames.append(canonical(df))
    if not frames:
        return None
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    keep = np.ones(len(out), dtype=bool)
    if t0 is not None:
        keep &= (out[key] >= t0).to_numpy()
    if t1 is not None:
        keep &= (out[key] < t1).to_numpy()
    out = canonical(out.loc[keep])
    return out.sort_values(["station", key], kind="stable").reset_index(drop=True)


def _reference_to_grid(frame, *, pollutants=None, start=None, end=None) -> HourlyGrid:
    """airq.hourly.to_grid before issue 11 (np.unique over the station strings, DataFrame.duplicated)."""
    for col in ("station", "time"):
        if col not in frame.columns:
            raise ValueError(f"hourly table lacks the column {col!r} (columns: {list(frame.columns)})")
    if pollutants is None:
        pollutants = [p for p in H.HOURLY_POLLUTANTS if p in frame.columns]
    times = pd.DatetimeIndex(pd.to_datetime(frame["time"]))
    stations_raw = frame["station"]
    if times.hasnans or stations_raw.isna().any():
        bad = np.flatnonzero(np.asarray(times.isna()) | stations_raw.isna().to_numpy())[0]
        raise ValueError(f"row {_label(frame.index[bad])}: missing station or time")
    off = times != times.floor("h")
    if off.any():
        bad = np.flatnonzero(off)[0]
        raise ValueError(f"row {_label(frame.index[bad])}: time {_label(times[bad])} is not on a whole hour")
    station_str = stations_raw.astype(str).to_numpy()
    dup = pd.DataFrame({"s": station_str, "t": times}).duplicated(keep="first").to_numpy()
    if dup.any():
        bad = np.flatnonzero(dup)[0]
        raise ValueError(
            f"row {_label(frame.index[bad])}: duplicate station-hour ({station_str[bad]}, {_label(times[bad])}); "
            "resolve duplicates first (airq.quality.check_hourly)"
        )
    day0 = pd.Timestamp(start).normalize() if start is not None else (times.min().normalize() if len(times) else None)
    day1 = pd.Timestamp(end).normalize() if end is not None else (times.max().normalize() if len(times) else None)
    if day0 is None:
        raise ValueError("hourly table is empty and no start/end was given")
    if day1 < day0:
        raise ValueError(f"end {day1.date()} is before start {day0.date()}")
    n_days = int((day1 - day0).days) + 1
    hour_idx = ((times - day0) // pd.Timedelta(hours=1)).to_numpy(dtype=np.int64)
    outside = (hour_idx < 0) | (hour_idx >= 24 * n_days)
    if outside.any():
        bad = np.flatnonzero(outside)[0]
        raise ValueError(f"row {_label(frame.index[bad])}: time {_label(times[bad])} is outside {day0.date()} .. {day1.date()}")
    stations, st_idx = np.unique(station_str, return_inverse=True)
    values = {}
    for p in pollutants:
        col = frame[p]
        try:
            v = pd.to_numeric(col, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        except (ValueError, TypeError):
            bad_mask = pd.to_numeric(col, errors="coerce").isna() & col.notna()
            bad = np.flatnonzero(bad_mask.to_numpy())[0]
            raise ValueError(f"row {_label(frame.index[bad])}, column {p!r}: non-numeric value {col.iloc[bad]!r}") from None
        v = widen_float(col.to_numpy()) if col.dtype.kind == "f" else v
        v = np.asarray(v, dtype=float)
        neg = v < 0
        if neg.any():
            bad = np.flatnonzero(neg)[0]
            raise ValueError(
                f"row {_label(frame.index[bad])}, column {p!r}: negative concentration {v[bad]:g}; "
                "clean the table first (airq.quality.check_hourly flags such values as missing)"
            )
        arr = np.full((len(stations), 24 * n_days), np.nan)
        arr[st_idx, hour_idx] = v
        values[p] = arr
    return HourlyGrid(stations=pd.Index(stations, name="station"), start=day0, n_days=n_days, values=values)


def _reference_station_daily(data, *, rules=None, o3_1h_min_hours=None, drop_empty=False) -> pd.DataFrame:
    """airq.hourly.station_daily before issue 11 (its daily kernels are unchanged and imported)."""
    grid = data if isinstance(data, HourlyGrid) else _reference_to_grid(data)
    validity, o3_8h_limit, o3_1h_limit = _validity(grid, rules)
    n_st, n_days = len(grid.stations), grid.n_days
    out = {"station": np.repeat(grid.stations.to_numpy(dtype=object), n_days), "date": np.tile(grid.days.to_numpy(), n_st)}
    counts = {}
    any_valid = np.zeros((n_st, n_days), dtype=bool)
    for p in H._MEAN_POLLUTANTS:
        if p in grid.values:
            mean, n = _mean_count(grid.daily_view(p))
            mean = np.where(n >= validity.daily_min_hours, mean, np.nan)
        else:
            mean, n = np.full((n_st, n_days), np.nan), np.zeros((n_st, n_days), dtype=np.int64)
        out[p] = mean.ravel()
        counts[f"n_{p}"] = n.ravel().astype(np.int64)
        any_valid |= n > 0
    if "o3" in grid.values:
        o3 = grid.daily_view("o3")
        o3_8h, n_windows = _daily_max_8h(o3, validity, o3_8h_limit)
        n1 = (~np.isnan(o3)).sum(axis=-1)
        with np.errstate(invalid="ignore"):
            max1 = np.where(n1 > 0, np.nanmax(np.where(np.isnan(o3), -np.inf, o3), axis=-1), np.nan)
        if o3_1h_min_hours is None:
            ok1 = (n1 >= validity.daily_min_hours) | (_round0(max1) > float(o3_1h_limit))
        else:
            ok1 = n1 >= o3_1h_min_hours
        o3_1h = np.where(ok1, max1, np.nan)
        any_valid |= n1 > 0
    else:
        o3_8h = o3_1h = np.full((n_st, n_days), np.nan)
        n_windows = n1 = np.zeros((n_st, n_days), dtype=np.int64)
    out["o3_8h"] = o3_8h.ravel()
    out["o3_1h"] = o3_1h.ravel()
    out.update(counts)
    out["n_o3_1h"] = n1.ravel().astype(np.int64)
    out["n_o3_8h"] = n_windows.ravel().astype(np.int64)
    frame = pd.DataFrame(out)
    frame["date"] = pd.to_datetime(frame["date"])
    if drop_empty:
        frame = frame[any_valid.ravel()].reset_index(drop=True)
    return frame


# ---------------------------------------------------------------------------------------------
# randomised data


def _random_hourly(rng, codes, start, end, *, extras=()) -> pd.DataFrame:
    """Canonical hourly rows of ``codes`` over [start, end): ~5 % hours absent, one outage of up to
    three days per station, ~5 % values missing, values with one decimal (some above the O3 limits)."""
    hours = pd.date_range(start, end, freq="h", inclusive="left").as_unit("ns")
    parts = []
    for code in codes:
        keep = rng.random(len(hours)) > 0.05
        if len(hours) > 80 and rng.random() < 0.7:
            a = int(rng.integers(0, len(hours) - 72))
            keep[a:a + int(rng.integers(5, 72))] = False
        t = hours[keep]
        df = pd.DataFrame({"station": pd.Series([code] * len(t), dtype="str"), "time": t})
        for p in POLLUTANTS:
            scale = {"co": 2.0, "o3": 260.0}.get(p, 120.0)
            v = np.round(rng.uniform(0, scale, len(t)), 1)
            v[rng.random(len(t)) < 0.05] = np.nan
            df[p] = v
        if "source" in extras:
            df["source"] = pd.Series([f"{code}-{start[:7]}.csv"] * len(t), dtype="str")
        if "published_aqi" in extras:
            df["published_aqi"] = np.where(rng.random(len(t)) < 0.1, np.nan, rng.integers(10, 300, len(t)).astype(float))
        if "n_obs" in extras:
            df["n_obs"] = rng.integers(0, 5, len(t)).astype(np.int64)
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def _random_store(tmp_path, seed) -> tuple[Path, list]:
    """A store of several ingests over 2026-01 .. 2026-04 (2026-03-01 inside), with extra columns in some only."""
    rng = np.random.default_rng(seed)
    codes = list(rng.choice(CODES, size=int(rng.integers(4, len(CODES) + 1)), replace=False))
    store = tmp_path / f"store{seed}"
    spans = [("2026-01-20", "2026-02-10", ("source",)), ("2026-02-10", "2026-03-15", ("published_aqi",)),
             ("2026-03-15", "2026-04-05", ("source", "n_obs")), ("2026-04-05", "2026-04-06", ())]
    for i, (a, b, extras) in enumerate(spans):
        sub = codes if i % 2 == 0 else codes[: max(1, len(codes) - 2)]  # stations absent from some months
        S.ingest(_random_hourly(rng, sub, a, b, extras=extras), store)
    return store, codes


QUERIES = [
    {},
    {"start": "2026-02-01", "end": "2026-04-01"},
    {"start": "2026-02-14 07:00", "end": "2026-03-02 13:00"},
    {"start": "2026-03-01"},
    {"end": "2026-01-25 05:00"},
    {"start": "2026-02-27", "end": "2026-03-03", "stations": "STATIONS[:3]"},
    {"stations": "STATIONS[1:2]"},
    {"stations": "STATIONS[0]"},
    {"stations": ["nowhere"]},
    {"stations": []},
    {"start": "2026-03-10", "end": "2026-03-11", "stations": "STATIONS[::-2] + ['nowhere']"},
    {"start": "2027-01-01"},
    {"start": "2026-01-01", "end": "2026-01-20"},  # a partition of the period, none of its rows
]


def _query(q, codes):
    q = dict(q)
    if isinstance(q.get("stations"), str):
        q["stations"] = eval(q["stations"], {"STATIONS": codes})  # noqa: S307 - test data only
    return q


def _assert_same_frame(got, want):
    assert list(got.columns) == list(want.columns)
    assert list(got.dtypes) == list(want.dtypes)
    pd.testing.assert_frame_equal(got, want, check_exact=True)


def _no_fallback(monkeypatch):
    """Make sure the fast path answers (a silent fallback to the reference path would prove nothing)."""
    def refuse(*a, **k):
        raise AssertionError("the reference path was used")
    monkeypatch.setattr(S, "_load_reference", refuse)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_load_equals_reference_on_random_stores(tmp_path, seed, monkeypatch):
    store, codes = _random_store(tmp_path, seed)
    _no_fallback(monkeypatch)
    for q in QUERIES:
        q = _query(q, codes)
        got = S.load(store, **q)
        want = _reference_load(store, **q) if q.get("stations") != [] else None
        if want is None:
            assert len(got) == 0 and list(got.columns) == ["station", "time", *POLLUTANTS], q
            continue
        _assert_same_frame(got, want)


def test_fast_and_reference_path_of_the_store_agree(tmp_path):
    store, codes = _random_store(tmp_path, 5)
    t0, t1 = S._bound("2026-02-03 10:00", "start", "t"), S._bound("2026-03-20", "end", "t")
    for stations in (None, codes[:2], ["nowhere"]):
        wanted = S._months_checked(store, S._HOURLY, S.read_manifest(store), lambda m: "2026-02" <= m <= "2026-03")
        want = S._load_reference(store, S._HOURLY, wanted, stations, t0, t1)
        _assert_same_frame(S.load(store, start=t0, end=t1, stations=stations), want)


def _rewrite(store, rel, frame):
    """Replace one partition by ``frame`` through the store's own repair commit (manifest updated)."""
    buf = io.BytesIO()
    pq.write_table(pa.Table.from_pandas(frame, preserve_index=False), buf, compression="zstd")
    S.replace_files(store, {rel: buf.getvalue()})


def test_unsorted_and_odd_typed_partitions(tmp_path, monkeypatch):
    store, codes = _random_store(tmp_path, 3)
    rel = "hourly/month=2026-02/data.parquet"
    shuffled = pq.read_table(store / rel).to_pandas().sample(frac=1, random_state=0)  # not sorted any more
    _rewrite(store, rel, shuffled)
    with monkeypatch.context() as m:
        _no_fallback(m)
        for q in ({}, {"stations": codes[:2], "start": "2026-02-05 03:00"}):
            _assert_same_frame(S.load(store, **q), _reference_load(store, **q))
    # a value column stored as integers and the time in microseconds: the reference path reads it
    rel = "hourly/month=2026-03/data.parquet"
    odd = pq.read_table(store / rel).to_pandas()
    odd["so2"] = odd["so2"].fillna(0).round().astype("int64")
    odd["time"] = odd["time"].astype("datetime64[us]")
    _rewrite(store, rel, odd)
    used = []
    original = S._load_reference
    monkeypatch.setattr(S, "_load_reference", lambda *a, **k: used.append(1) or original(*a, **k))
    for q in ({}, {"stations": codes[1:], "end": "2026-03-09 17:00"}):
        _assert_same_frame(S.load(store, **q), _reference_load(store, **q))
    assert len(used) == 2


def test_extra_columns_every_way(tmp_path, monkeypatch):
    """Text with few and many distinct values, missing text, booleans, float32, no extras at all, µs times."""
    rng = np.random.default_rng(9)
    store = tmp_path / "x"
    S.ingest(_random_hourly(rng, CODES[:4], "2026-01-01", "2026-01-03"), store)  # no extra column
    b = _random_hourly(rng, CODES[2:6], "2026-02-01", "2026-02-03")
    b["note"] = pd.Series([f"n{i}" if i % 7 else None for i in range(len(b))], dtype="str")
    b["flag"] = rng.random(len(b)) < 0.5
    b["ratio"] = rng.random(len(b)).astype("float32")
    S.ingest(b, store)
    c = _random_hourly(rng, CODES[:3], "2026-03-01", "2026-03-02", extras=("source",))
    c["note"] = pd.Series([None] * len(c), dtype="str")  # text, every value missing
    S.ingest(c, store)
    d = _random_hourly(rng, CODES[:3], "2026-04-01", "2026-04-02", extras=("source",))
    S.ingest(d, store)
    rel = "hourly/month=2026-04/data.parquet"
    micro = pq.read_table(store / rel).to_pandas()
    micro["time"] = micro["time"].astype("datetime64[us]")
    _rewrite(store, rel, micro)
    _no_fallback(monkeypatch)
    queries = ({}, {"start": "2026-01-02", "end": "2026-02-02"}, {"start": "2026-02-01", "stations": CODES[2:4]},
               {"start": "2026-03-01"}, {"end": "2026-01-02"}, {"start": "2026-02-02 05:00", "end": "2026-03-01 12:00"})
    for q in queries:
        _assert_same_frame(S.load(store, **q), _reference_load(store, **q))
    monkeypatch.setattr("airq.store_read._MAX_DICT", 3)  # too many distinct texts: the pandas way
    for q in queries[:3]:
        _assert_same_frame(S.load(store, **q), _reference_load(store, **q))


@pytest.mark.parametrize("change", ["station as numbers", "missing station", "time as text", "time with zone"])
def test_partitions_only_the_reference_path_reads(tmp_path, monkeypatch, change):
    store, codes = _random_store(tmp_path, 10)
    rel = "hourly/month=2026-02/data.parquet"
    df = pq.read_table(store / rel).to_pandas()
    if change == "station as numbers":
        df["station"] = pd.factorize(df["station"])[0].astype("int64") + 100
    elif change == "missing station":
        df["station"] = df["station"].astype(object)
        df.loc[3, "station"] = None
    elif change == "time as text":
        df["time"] = df["time"].dt.strftime("%Y-%m-%d %H:%M:%S")
    else:
        df["time"] = df["time"].dt.tz_localize("Asia/Shanghai")
    _rewrite(store, rel, df)
    used = []
    original = S._load_reference
    monkeypatch.setattr(S, "_load_reference", lambda *a, **k: used.append(1) or original(*a, **k))
    q = {"start": "2026-02-03", "end": "2026-03-04"}
    if change == "time with zone":  # the reference fails on it, and so does load, the same way
        with pytest.raises(Exception) as fast:
            S.load(store, **q)
        with pytest.raises(Exception) as ref:
            _reference_load(store, **q)
        assert type(fast.value) is type(ref.value)
    else:
        _assert_same_frame(S.load(store, **q), _reference_load(store, **q))
    assert used


def test_load_refuses_a_row_outside_its_month_as_before(tmp_path):
    store, codes = _random_store(tmp_path, 4)
    rel = "hourly/month=2026-02/data.parquet"
    df = pq.read_table(store / rel).to_pandas()
    df.loc[5, "time"] = pd.Timestamp("2026-03-01 00:00")
    _rewrite(store, rel, df)
    want = f"{rel} of the store {store}: row 5 has time 2026-03-01 00:00, outside month 2026-02"
    with pytest.raises(S.StoreCorrupt, match=re.escape(want)):
        S.load(store)
    with pytest.raises(S.StoreCorrupt, match="row 5 has time 2026-03-01 00:00, outside month 2026-02"):
        S._read_partition(Path(store), rel, S._HOURLY, "2026-02")  # the reference path (ingest) too


def _reference_error(store, **q):
    t0, t1 = S._bound(q.get("start"), "start", "load"), S._bound(q.get("end"), "end", "load")
    wanted = S._months_checked(store, S._HOURLY, S.read_manifest(store), lambda m: True)
    with pytest.raises(S.StoreCorrupt) as exc:
        S._load_reference(store, S._HOURLY, wanted, q.get("stations"), t0, t1)
    return str(exc.value)


def test_damaged_partitions_give_the_reference_sentences(tmp_path):
    store, codes = _random_store(tmp_path, 8)
    rel = "hourly/month=2026-03/data.parquet"
    whole = pq.read_table(store / rel).to_pandas()
    _rewrite(store, rel, whole.drop(columns=["o3", "pm10"]))
    for q in ({}, {"stations": codes[:1]}):
        with pytest.raises(S.StoreCorrupt, match="lacks column") as exc:
            S.load(store, **q)
        assert str(exc.value) == _reference_error(store, **q)
    _rewrite(store, rel, whole)
    manifest = S.read_manifest(store)
    manifest["partitions"][rel]["rows"] += 1  # the record no longer matches (only a partition read whole is counted)
    (store / S.MANIFEST).write_text(S._json_text(manifest), encoding="utf-8")
    with pytest.raises(S.StoreCorrupt, match="rows, its manifest record") as exc:
        S.load(store)
    assert str(exc.value) == _reference_error(store)
    assert len(S.load(store, stations=codes)) == len(_reference_load(store, stations=codes))
    S.replace_files(store, {rel: b"PAR1 not a parquet file PAR1"})
    with pytest.raises(S.StoreCorrupt, match="cannot be read") as exc:
        S.load(store, start="2026-03-02")
    assert str(exc.value) == _reference_error(store, start="2026-03-02")


def test_load_daily_equals_reference(tmp_path, monkeypatch):
    _no_fallback(monkeypatch)
    rng = np.random.default_rng(7)
    store = tmp_path / "d"
    days = pd.date_range("2026-01-15", "2026-03-20", freq="D").as_unit("ns")
    for i, codes in enumerate((CODES[:5], CODES[3:9])):
        rows = []
        for code in codes:
            d = days[rng.random(len(days)) > 0.1]
            df = pd.DataFrame({"station": pd.Series([code] * len(d), dtype="str"), "date": d})
            for c in S.DAILY_VALUES:
                v = np.round(rng.uniform(0, 200, len(d)), 1)
                v[rng.random(len(d)) < 0.1] = np.nan
                df[c] = v
            if i:
                df["window_flag"] = pd.Series(np.where(rng.random(len(d)) < 0.2, "T01", "T00"), dtype="str")
            rows.append(df)
        S.ingest_daily(pd.concat(rows, ignore_index=True), store, on_conflict="keep")
    for q in ({}, {"start": "2026-02-10", "end": "2026-03-05"}, {"stations": CODES[4:6], "start": "2026-03-01"}):
        got = S.load_daily(store, **q)
        _assert_same_frame(got, _reference_load(store, "daily", "date", S.DAILY_VALUES, **q))


# ---------------------------------------------------------------------------------------------
# the grid and the station daily values


def _variants(frame, rng):
    """The same table as the user may hand it: store order, shuffled, object / categorical stations, other dtypes."""
    yield "store order", frame
    mid = frame["time"].iloc[len(frame) // 2]
    yield "month blocks", pd.concat([frame[frame["time"] >= mid], frame[frame["time"] < mid]], ignore_index=True)
    shuffled = frame.sample(frac=1, random_state=int(rng.integers(1 << 30))).reset_index(drop=True)
    yield "shuffled", shuffled
    yield "object station", shuffled.astype({"station": object})
    cat = shuffled.copy()
    cat["station"] = pd.Categorical(cat["station"], categories=sorted(set(cat["station"])) + ["unused"])
    yield "categorical station", cat
    odd = shuffled.copy()
    odd["pm25"] = odd["pm25"].astype("float32")  # widened through its decimal text
    odd["so2"] = odd["so2"].fillna(0).round().astype("int64")
    odd["no2"] = odd["no2"].astype("Float64")
    odd["time"] = odd["time"].astype("datetime64[us]")
    odd.index = odd.index * 3 + 7
    yield "other dtypes and index", odd
    mixed = shuffled.copy()
    mixed["station"] = mixed["station"].astype(object)
    mixed.loc[mixed["station"] == mixed["station"].iloc[0], "station"] = 1001  # a number as station code
    yield "numeric station code", mixed


@pytest.mark.parametrize("seed, block_hours", [(0, None), (1, None), (2, 1), (3, 24 * 61 * 3)])
def test_station_daily_equals_reference(tmp_path, monkeypatch, seed, block_hours):
    if block_hours is not None:  # several blocks of stations (one station a block; three a block)
        monkeypatch.setattr(H, "_BLOCK_HOURS", block_hours)
    store, codes = _random_store(tmp_path, seed)
    hourly = S.load(store, start="2026-02-01", end="2026-04-01")
    hourly = hourly[["station", "time", *POLLUTANTS]]
    rng = np.random.default_rng(seed)
    for name, frame in _variants(hourly, rng):
        for kw in ({}, {"rules": "HJ633-2012"}, {"rules": "HJ633-2026"}, {"o3_1h_min_hours": 18, "drop_empty": True}):
            got, want = H.station_daily(frame, **kw), _reference_station_daily(frame, **kw)
            assert list(got.dtypes) == list(want.dtypes), (name, kw)
            pd.testing.assert_frame_equal(got, want, check_exact=True, obj=f"{name} {kw}")
        g, r = H.to_grid(frame, start="2026-01-30", end="2026-04-02"), _reference_to_grid(frame, start="2026-01-30", end="2026-04-02")
        assert g.stations.equals(r.stations) and g.stations.dtype == r.stations.dtype and (g.start, g.n_days) == (r.start, r.n_days)
        for p in r.values:
            np.testing.assert_array_equal(g.values[p], r.values[p], err_msg=f"{name} {p}")


def test_station_daily_of_a_month_straddling_the_rule_change():
    rng = np.random.default_rng(11)
    frame = _random_hourly(rng, CODES[:4], "2026-02-20", "2026-03-10")
    for kw in ({}, {"rules": "2012"}, {"rules": "2026"}):
        pd.testing.assert_frame_equal(H.station_daily(frame, **kw), _reference_station_daily(frame, **kw), check_exact=True)
        grid = H.to_grid(frame)  # a grid handed over as such
        pd.testing.assert_frame_equal(H.station_daily(grid, **kw), _reference_station_daily(grid, **kw), check_exact=True)


def _errors(frame, **kw):
    msgs = []
    for f in (H.to_grid, _reference_to_grid):
        with pytest.raises(ValueError) as exc:
            f(frame, **kw)
        msgs.append(str(exc.value))
    return msgs


def test_the_same_errors_with_the_same_sentences():
    rng = np.random.default_rng(3)
    base = _random_hourly(rng, CODES[:3], "2026-02-27", "2026-03-02")
    base.index = base.index + 100
    dup = pd.concat([base, base.iloc[[40]]])  # a duplicate station-hour, last
    a, b = _errors(dup)
    assert a == b and "duplicate station-hour" in a
    dup2 = pd.concat([base.iloc[:10], base.iloc[[3]], base.iloc[10:]]).astype({"station": object})  # in the middle
    assert len(set(_errors(dup2))) == 1
    shifted = base.copy()
    shifted.loc[shifted.index[7], "time"] += pd.Timedelta(minutes=30)
    a, b = _errors(shifted)
    assert a == b and "not on a whole hour" in a
    both = pd.concat([shifted, shifted.iloc[[2]]])  # off the hour wins over the duplicate, as before
    assert len(set(_errors(both))) == 1
    missing = base.astype({"station": object})
    missing.loc[missing.index[5], "station"] = None
    assert len(set(_errors(missing))) == 1
    neg = base.copy()
    neg.loc[neg.index[9], "co"] = -0.5
    assert len(set(_errors(neg))) == 1
    text = base.astype({"no2": object})
    text.loc[text.index[4], "no2"] = "n/a"
    assert len(set(_errors(text))) == 1
    assert len(set(_errors(base, start="2026-02-28"))) == 1  # data before the grid
    assert len(set(_errors(pd.concat([base, base.iloc[[1]]]), start="2026-02-28"))) == 1  # the duplicate first
    assert len(set(_errors(base.iloc[:0]))) == 1  # empty without start
    bad_text = base.astype({"station": object})
    bad_text.loc[bad_text.index[0], "station"] = "bad\udcff"  # not valid Unicode: both refuse it alike
    for f in (H.to_grid, _reference_to_grid):
        with pytest.raises(UnicodeEncodeError):
            f(bad_text)


def test_empty_table_with_bounds_and_old_times():
    empty = pd.DataFrame({"station": pd.Series([], dtype="str"), "time": pd.Series([], dtype="datetime64[ns]"), "pm25": []})
    got, want = H.station_daily(H.to_grid(empty, start="2026-01-01", end="2026-01-02")), _reference_station_daily(
        _reference_to_grid(empty, start="2026-01-01", end="2026-01-02"))
    pd.testing.assert_frame_equal(got, want)
    old = pd.DataFrame({"station": ["A"] * 30, "time": pd.date_range("1969-12-31 10:00", periods=30, freq="h").as_unit("s"),
                        "pm25": np.arange(30.0)})
    pd.testing.assert_frame_equal(H.station_daily(old), _reference_station_daily(old), check_exact=True)


def test_duplicate_check_paths():
    assert not G.has_duplicates(np.array([0, 5, 9], dtype=np.int64), 10)
    assert G.has_duplicates(np.array([5, 0, 5], dtype=np.int64), 10)
    assert not G.has_duplicates(np.array([9, 0, 5], dtype=np.int64), 10)
    big = 1 << 40  # too large for a bitmap: the sort
    assert G.has_duplicates(np.array([big - 1, 3, big - 1], dtype=np.int64), big)
    assert not G.has_duplicates(np.array([big - 1, 3, 7], dtype=np.int64), big)


# ---------------------------------------------------------------------------------------------
# end to end


def test_station_days_with_both_paths(tmp_path, monkeypatch):
    from airq.assessment import station_days

    store, codes = _random_store(tmp_path, 6)
    args = (store, "2026-02-01", "2026-03-31", codes)
    fast, fast_h = station_days(*args, with_hourly=True)

    def reference_load(store_dir=S.DEFAULT_STORE, *, start=None, end=None, stations=None):
        got = _reference_load(store_dir, start=start, end=end, stations=stations)
        return S._empty_table(S._HOURLY) if got is None else got

    monkeypatch.setattr(S, "load", reference_load)
    monkeypatch.setattr("airq.hourly.station_daily", _reference_station_daily)
    ref, ref_h = station_days(*args, with_hourly=True)
    pd.testing.assert_frame_equal(fast, ref, check_exact=True)
    pd.testing.assert_frame_equal(fast_h, ref_h, check_exact=True)
