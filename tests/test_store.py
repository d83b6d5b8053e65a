"""Tests of airq.store: round trip, idempotence, conflicts, atomicity, manifest, daily table."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import store as S
from airq.quality import POLLUTANTS


def hourly(stations=("A", "B"), start="2024-01-30 00:00", hours=96, seed=0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    t = pd.date_range(start, periods=hours, freq="h").as_unit("ns")
    parts = []
    for st in stations:
        df = pd.DataFrame({"station": pd.Series([st] * hours, dtype="str"), "time": t})
        for p in POLLUTANTS:
            df[p] = np.round(rng.uniform(1, 100, hours), 1)
        df.loc[3, "o3"] = np.nan
        df["published_aqi"] = rng.integers(10, 200, hours).astype("float64")
        df["source"] = pd.Series([f"{st}.csv"] * hours, dtype="str")
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def daily(stations=("A",), start="2024-01-25", days=14) -> pd.DataFrame:
    d = pd.date_range(start, periods=days, freq="D").as_unit("ns")
    parts = []
    for i, st in enumerate(stations):
        df = pd.DataFrame({"station": pd.Series([st] * days, dtype="str"), "date": d})
        for j, c in enumerate(S.DAILY_VALUES):
            df[c] = np.arange(days, dtype=float) + 10 * j + i
        df["n_pm25"] = np.nan
        parts.append(df)
    return pd.concat(parts, ignore_index=True)


def snapshot(root: Path) -> dict:
    """Every file under root: relative path -> (bytes, mtime_ns)."""
    return {str(p.relative_to(root)): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


def raw_file(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / "raw" / name
    p.parent.mkdir(exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


# ---------------------------------------------------------------------------------------------
# round trip, layout, load filters


def test_round_trip_and_layout(tmp_path):
    df = hourly()
    store = tmp_path / "processed"
    res = S.ingest(df, store)
    assert res.rows_added == len(df) and res.rows_replaced == 0 and res.conflicts.empty
    assert sorted(p.relative_to(store).as_posix() for p in store.rglob("*.parquet")) == [
        "hourly/month=2024-01/data.parquet",
        "hourly/month=2024-02/data.parquet",
        "stationdaily/month=2024-01/data.parquet",  # the station daily values of each month (airq.daily_cache)
        "stationdaily/month=2024-02/data.parquet",
    ]
    back = S.load(store)
    pd.testing.assert_frame_equal(back, df)
    assert back["time"].dtype == "datetime64[ns]" and back["station"].dtype == "str"


def test_round_trip_converts_to_canonical_dtypes_and_order(tmp_path):
    df = hourly()
    messy = df.sample(frac=1, random_state=1).astype({"station": object, "time": "datetime64[us]"})
    messy = messy[["time", "station", *reversed(POLLUTANTS), "published_aqi", "source"]]
    S.ingest(messy, tmp_path)
    pd.testing.assert_frame_equal(S.load(tmp_path), df)


def test_load_filters_and_reads_only_needed_partitions(tmp_path, monkeypatch):
    df = hourly(stations=("A", "B", "C"))
    S.ingest(df, tmp_path)
    read = []
    original = S._read_partition
    monkeypatch.setattr(S, "_read_partition", lambda store, rel, *a, **k: read.append(rel) or original(store, rel, *a, **k))
    got = S.load(tmp_path, start="2024-01-30 05:00", end="2024-01-31 00:00", stations=["C", "A"])
    assert read == ["hourly/month=2024-01/data.parquet"]
    want = df[df.station.isin(["A", "C"]) & (df.time >= "2024-01-30 05:00") & (df.time < "2024-01-31")].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, want)
    assert len(got) == 2 * 19
    empty = S.load(tmp_path, start="2030-01-01")
    assert empty.empty and list(empty.columns[:8]) == ["station", "time", *POLLUTANTS]
    assert empty["time"].dtype == "datetime64[ns]"
    with pytest.raises(ValueError, match="not after start"):
        S.load(tmp_path, start="2024-02-01", end="2024-01-01")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        S.load(tmp_path / "nope")


# ---------------------------------------------------------------------------------------------
# idempotence, partial months, only touched months rewritten


def test_reingest_same_data_is_a_noop(tmp_path):
    df = hourly()
    src = raw_file(tmp_path, "a.csv", "raw data\n")
    store = tmp_path / "store"
    S.ingest(df, store, sources=[src])
    before = snapshot(store)
    res = S.ingest(df, store, sources=[src])
    assert not res.changed and res.seq is None and res.written == []
    assert res.rows_added == 0 and int(res.months["unchanged"].sum()) == len(df)
    assert snapshot(store) == before  # bytes and mtimes of partitions and manifest
    res2 = S.ingest(df.iloc[::-1], store)  # same rows in another order
    assert not res2.changed and snapshot(store) == before


def test_overlapping_partial_month_adds_only_new_hours(tmp_path):
    full = hourly(stations=("A",), start="2024-01-01", hours=31 * 24)
    first = full[full.time < "2024-01-16"]
    second = full[full.time >= "2024-01-10"]
    S.ingest(first, tmp_path)
    res = S.ingest(second, tmp_path)
    m = res.months.set_index("month")
    assert m.loc["2024-01", "added"] == 16 * 24
    assert m.loc["2024-01", "unchanged"] == 6 * 24
    assert m.loc["2024-01", "conflicting_rows"] == 0 and res.conflicts.empty
    pd.testing.assert_frame_equal(S.load(tmp_path), full.reset_index(drop=True))


def test_adding_a_month_rewrites_only_that_month(tmp_path):
    df = hourly(start="2024-01-01", hours=31 * 24 + 48)
    jan, feb = df[df.time < "2024-02-01"], df[df.time >= "2024-02-01"]
    S.ingest(jan, tmp_path)
    before = snapshot(tmp_path)
    res = S.ingest(feb.iloc[:10], tmp_path)
    assert res.written == ["hourly/month=2024-02/data.parquet", "stationdaily/month=2024-02/data.parquet", "manifest.json"]
    after = snapshot(tmp_path)
    assert after["hourly/month=2024-01/data.parquet"] == before["hourly/month=2024-01/data.parquet"]
    assert after["stationdaily/month=2024-01/data.parquet"] == before["stationdaily/month=2024-01/data.parquet"]
    S.ingest(feb, tmp_path)
    assert snapshot(tmp_path)["hourly/month=2024-01/data.parquet"] == before["hourly/month=2024-01/data.parquet"]
    pd.testing.assert_frame_equal(S.load(tmp_path), df.sort_values(["station", "time"]).reset_index(drop=True))


def test_new_extra_column_for_stored_hours_is_a_conflict(tmp_path):
    df = hourly(stations=("A",), hours=5).drop(columns="published_aqi")
    S.ingest(df, tmp_path)
    richer = hourly(stations=("A",), hours=5)
    with pytest.warns(UserWarning, match="5 station-hours differ"):
        res = S.ingest(richer, tmp_path)
    assert set(res.conflicts["column"]) == {"published_aqi"} and res.conflicts["stored"].isna().all()


def test_extra_column_absent_from_new_rows_stays_missing_never_invented(tmp_path):
    d = daily(stations=("A",), start="2024-01-01", days=4)
    d["is_control_point"] = True
    d["n_hours"] = np.int64(24)
    S.ingest_daily(d.iloc[:2], tmp_path)
    S.ingest_daily(d.iloc[2:].drop(columns=["is_control_point", "n_hours"]), tmp_path)
    got = S.load_daily(tmp_path)
    assert list(got["is_control_point"].iloc[:2]) == [True, True]
    assert got["is_control_point"].iloc[2:].isna().all()  # not True (NaN cast to bool would be)
    assert list(got["n_hours"].iloc[:2]) == [24, 24] and got["n_hours"].iloc[2:].isna().all()


# ---------------------------------------------------------------------------------------------
# conflicts


def changed_copy(df):
    new = df.copy()
    new.loc[5, "pm25"] = 999.0
    new.loc[7, "so2"] = np.nan
    new.loc[7, "no2"] = 1.5
    new.loc[8, "source"] = "other.csv"  # provenance only: not a conflict
    return new


def test_conflicts_reported_stored_kept_and_recorded(tmp_path):
    df = hourly()
    S.ingest(df, tmp_path)
    before = snapshot(tmp_path)
    new = changed_copy(df)
    with pytest.warns(UserWarning, match="2 station-hours differ from the stored data \\(3 values\\)"):
        res = S.ingest(new, tmp_path)
    c = res.conflicts
    assert list(c.columns) == ["station", "time", "column", "stored", "new"]
    assert list(zip(c["time"], c["column"])) == [(df.loc[5, "time"], "pm25"), (df.loc[7, "time"], "no2"), (df.loc[7, "time"], "so2")]
    assert list(c["stored"]) == [df.loc[5, "pm25"], df.loc[7, "no2"], df.loc[7, "so2"]]
    assert c["new"].iloc[0] == 999.0 and c["new"].iloc[1] == 1.5 and np.isnan(c["new"].iloc[2])
    assert c["stored"].dtype == "float64"
    # stored values kept: partitions untouched, data unchanged
    after = snapshot(tmp_path)
    for k, v in before.items():
        if k.startswith("hourly/"):
            assert after[k] == v
    pd.testing.assert_frame_equal(S.load(tmp_path), df)
    # recorded: manifest entry + conflicts file
    man = S.read_manifest(tmp_path)
    rec = man["ingests"][-1]["conflicts"]
    assert rec["rows"] == 2 and rec["values"] == 3 and rec["file"] == "conflicts/000002-hourly.csv"
    csv = (tmp_path / rec["file"]).read_bytes()
    assert hashlib.sha256(csv).hexdigest() == rec["sha256"]
    logged = pd.read_csv(tmp_path / rec["file"])
    assert len(logged) == 3 and set(logged["resolution"]) == {"stored kept"}
    # the same conflicting data again: warned, but nothing new to record
    snap = snapshot(tmp_path)
    with pytest.warns(UserWarning):
        again = S.ingest(new, tmp_path)
    assert len(again.conflicts) == 3 and not again.changed and snapshot(tmp_path) == snap


def test_on_conflict_keep_is_silent_replace_overwrites_whole_row(tmp_path):
    df = hourly()
    S.ingest(df, tmp_path)
    new = changed_copy(df)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = S.ingest(new, tmp_path, on_conflict="keep")
    assert len(res.conflicts) == 3
    pd.testing.assert_frame_equal(S.load(tmp_path), df)
    res = S.ingest(new, tmp_path, on_conflict="replace")
    assert res.rows_replaced == 2 and len(res.conflicts) == 3
    want = df.copy()
    want.loc[[5, 7]] = new.loc[[5, 7]]
    pd.testing.assert_frame_equal(S.load(tmp_path), want)
    assert S.load(tmp_path).loc[8, "source"] == "A.csv"  # row 8 was identical in values: not replaced
    with pytest.raises(ValueError, match="on_conflict must be one of"):
        S.ingest(df, tmp_path, on_conflict="overwrite")


# ---------------------------------------------------------------------------------------------
# atomicity


def test_interrupted_ingest_leaves_store_exactly_as_it_was(tmp_path, monkeypatch):
    store = tmp_path / "store"
    S.ingest(hourly(start="2024-01-01", hours=24), store)  # January stored
    before = snapshot(store)
    dirs_before = sorted(p.relative_to(store).as_posix() for p in store.rglob("*"))
    # January changes (new station) and February / March are new months
    more = pd.concat([hourly(stations=("C",), start="2024-01-31", hours=24 * 40)], ignore_index=True)
    calls = []
    original = S._write_parquet

    def failing(frame, path):
        calls.append(path)
        if len(calls) == 2:
            original(frame, path)  # half of the work done ...
            raise OSError("disk full (simulated) while writing the second month")
        original(frame, path)

    monkeypatch.setattr(S, "_write_parquet", failing)
    with pytest.raises(OSError, match="simulated"):
        S.ingest(more, store)
    assert len(calls) == 2
    assert snapshot(store) == before
    assert sorted(p.relative_to(store).as_posix() for p in store.rglob("*")) == dirs_before
    monkeypatch.undo()
    res = S.ingest(more, store)  # works afterwards
    assert res.rows_added == len(more)


@pytest.mark.parametrize("completed_by", ["load", "ingest", "recover"])
def test_crash_after_commit_is_rolled_forward(tmp_path, monkeypatch, completed_by):
    store = tmp_path / "store"
    df = hourly(start="2024-01-01", hours=24 * 40)
    S.ingest(df[df.time < "2024-01-20"], store)
    original = S._roll_forward
    crashed = []

    def crash_midway(st):
        journal = st / S._JOURNAL
        if not journal.exists():
            return original(st)
        tmp, final = json.loads(journal.read_text())["replace"][0]
        os.replace(st / tmp, st / final)  # first file moved, then the process "dies"
        crashed.append(final)
        raise OSError("power cut (simulated)")

    monkeypatch.setattr(S, "_roll_forward", crash_midway)
    with pytest.raises(S.StoreError, match="committed"):
        S.ingest(df, store)
    assert crashed and (store / S._JOURNAL).exists()
    assert not S.verify(store).empty  # inconsistent until recovered
    monkeypatch.undo()
    if completed_by == "load":
        pd.testing.assert_frame_equal(S.load(store), df)  # load rolls forward before reading
    elif completed_by == "ingest":
        res = S.ingest(df, store)  # rolls forward first, then finds every row already stored
        assert not res.changed and res.rows_added == 0
    elif completed_by == "recover":
        assert len(S.recover(store)) >= 2
    assert S.verify(store).empty and not (store / S._JOURNAL).exists()
    pd.testing.assert_frame_equal(S.load(store), df)
    assert [e["seq"] for e in S.read_manifest(store)["ingests"]] == [1, 2]


def test_leftover_temp_files_of_a_hard_crash_are_removed(tmp_path):
    df = hourly(hours=5)
    S.ingest(df, tmp_path)
    part = tmp_path / "hourly" / "month=2024-01"
    stray = part / ".data.parquet.airq-deadbeef.tmp"
    stray.write_bytes(b"half")
    (tmp_path / "hourly" / "month=2031-01").mkdir()
    assert set(S.recover(tmp_path)) == {"hourly/month=2024-01/.data.parquet.airq-deadbeef.tmp"}
    assert not stray.exists() and not (tmp_path / "hourly" / "month=2031-01").exists()
    pd.testing.assert_frame_equal(S.load(tmp_path), df)


def test_lock_blocks_a_second_writer_and_stale_lock_is_taken_over(tmp_path):
    df = hourly(hours=5)
    S.ingest(df, tmp_path)
    lock = tmp_path / S._LOCK
    import socket

    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname()}))
    with pytest.raises(S.StoreError, match="locked by another ingest"):
        S.ingest(hourly(stations=("Z",), hours=5), tmp_path)
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    lock.write_text(json.dumps({"pid": dead.pid, "host": socket.gethostname()}))
    res = S.ingest(hourly(stations=("Z",), hours=5), tmp_path)
    assert res.rows_added == 5 and not lock.exists()


# ---------------------------------------------------------------------------------------------
# manifest


def test_manifest_records_sources_hashes_rows_and_is_deterministic(tmp_path):
    a = raw_file(tmp_path, "a.csv", "station,time\nA,2024-01-01\n")
    b = raw_file(tmp_path, "b.csv", "中文 data\n")
    store = tmp_path / "store"
    df = hourly()
    res = S.ingest(df, store, sources=[a, str(b), a])
    text = (store / S.MANIFEST).read_text(encoding="utf-8")
    man = json.loads(text)
    assert text == json.dumps(man, sort_keys=True, indent=2, ensure_ascii=False) + "\n"
    entry = man["ingests"][0]
    assert entry["seq"] == res.seq == 1 and entry["table"] == "hourly" and entry["rows_in"] == len(df)
    assert entry["sources"] == [
        {"path": str(a), "size": a.stat().st_size, "sha256": hashlib.sha256(a.read_bytes()).hexdigest()},
        {"path": str(b), "size": b.stat().st_size, "sha256": hashlib.sha256(b.read_bytes()).hexdigest()},
    ]
    assert entry["months"]["2024-01"]["added"] == 2 * 48 and entry["months"]["2024-02"]["added"] == 2 * 48
    assert entry["conflicts"] is None and entry["ingested_at"].endswith("Z")
    for rel, info in man["partitions"].items():
        data = (store / rel).read_bytes()
        assert info == {"bytes": len(data), "rows": 96, "sha256": hashlib.sha256(data).hexdigest(),
                        "mtime_ns": (store / rel).stat().st_mtime_ns}
    assert S.verify(store).empty
    # tampering is detected
    p = store / "hourly/month=2024-02/data.parquet"
    p.write_bytes(p.read_bytes()[:-1] + b"x")
    assert list(S.verify(store)["problem"]) == ["sha256 differs"]


def test_missing_source_or_duplicate_rows_write_nothing(tmp_path):
    store = tmp_path / "store"
    df = hourly(hours=5)
    with pytest.raises(FileNotFoundError, match="missing.csv"):
        S.ingest(df, store, sources=[tmp_path / "missing.csv"])
    dup = pd.concat([df, df.iloc[[3]]], ignore_index=True)
    with pytest.raises(ValueError, match=r"row 10 \(source 'A.csv'\): duplicate key \(station 'A', time 2024-01-30 03:00\)"):
        S.ingest(dup, store)
    assert not store.exists() or not any(p.is_file() for p in store.rglob("*"))


def test_ingest_does_not_modify_frame_or_sources(tmp_path):
    df = hourly(hours=5)
    df.attrs["flags"] = pd.DataFrame({"x": [1]})
    before = df.copy(deep=True)
    src = raw_file(tmp_path, "a.csv", "x\n")
    stat = src.stat()
    S.ingest(df, tmp_path / "store", sources=[src])
    pd.testing.assert_frame_equal(df, before)
    assert src.read_text() == "x\n" and src.stat().st_mtime_ns == stat.st_mtime_ns


# ---------------------------------------------------------------------------------------------
# daily table, progress


def test_daily_round_trip_idempotence_and_conflict(tmp_path):
    d = daily(stations=("A", "B"))
    res = S.ingest_daily(d, tmp_path)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.parquet")) == [
        "daily/month=2024-01/data.parquet",
        "daily/month=2024-02/data.parquet",
    ]
    assert res.table == "daily" and res.rows_added == 28
    pd.testing.assert_frame_equal(S.load_daily(tmp_path), d)
    before = snapshot(tmp_path)
    assert not S.ingest_daily(d, tmp_path).changed and snapshot(tmp_path) == before
    new = d.copy()
    new.loc[0, "o3_8h"] = 500.0
    with pytest.warns(UserWarning, match="station-days"):
        r = S.ingest_daily(new, tmp_path)
    assert list(r.conflicts.columns) == ["station", "date", "column", "stored", "new"]
    assert r.conflicts.loc[0, "stored"] == d.loc[0, "o3_8h"] and r.conflicts.loc[0, "new"] == 500.0
    got = S.load_daily(tmp_path, start="2024-02-01", stations="B")
    assert set(got["station"]) == {"B"} and got["date"].min() == pd.Timestamp("2024-02-01") and len(got) == 7
    assert S.load(tmp_path).empty  # hourly and daily are separate tables
    bad = d.copy()
    bad.loc[2, "date"] = bad.loc[2, "date"] + pd.Timedelta(hours=1)
    with pytest.raises(ValueError, match="row 2, column 'date'.*not on midnight"):
        S.ingest_daily(bad, tmp_path)


def test_progress_bar_when_asked(tmp_path, capsys):
    df = hourly(stations=("A",), start="2024-01-01", hours=24 * 100)
    S.ingest(df, tmp_path / "s1", progress=True)
    err = capsys.readouterr().err
    assert "ingest hourly" in err and "4/4" in err
    S.ingest(df, tmp_path / "s2")
    assert capsys.readouterr().err == ""
