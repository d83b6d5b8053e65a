"""The station-daily cache (issue 11 items 3-4, :mod:`airq.daily_cache`): the same numbers as the hours give.

The reference everywhere is the computation from the stored hours: ``daily_cache.compute(store.load(...))``
(``airq.hourly.station_daily``, itself compared with an independent reference in tests/test_fast_path.py
and with hand-computed days in tests/test_hourly.py). The cache must equal it exactly after any sequence of
ingests (conflicts kept or replaced, partial months, stations added later, a month straddling 2026-03-01),
must never be served stale, and a damaged one is an error that ``airq verify --repair-from`` mends.
"""

from __future__ import annotations

import json
import os
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import daily_cache as C
from airq import store as S
from airq.assessment import station_days
from airq.cli import main
from airq.store_integrity import repair, verify_store

from test_fast_path import CODES, _random_hourly, _random_store  # noqa: E402 - the randomised stores of the fast path


def months_of(store: Path) -> list:
    return sorted(rel[len("hourly/month="):][:7] for rel in S.read_manifest(store)["partitions"] if rel.startswith("hourly/"))


def assert_cache_matches_hours(store: Path) -> None:
    """Every month's cache is fresh, read from the cache, and equals the daily values of its hours."""
    man = S.read_manifest(store)
    assert C.stale_months(man) == []
    for m in months_of(store):
        lo = pd.Timestamp(m + "-01")
        hi = (lo.to_period("M") + 1).to_timestamp()
        got = S.load_station_daily(store, start=lo, end=hi)
        assert got.attrs["cache_months"] == [m] and got.attrs["computed_months"] == []
        want = C.compute(S.load(store, start=lo, end=hi))
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_cache_layout_and_record(tmp_path):
    store, codes = _random_store(tmp_path, 1)
    man = S.read_manifest(store)
    for m in months_of(store):
        rec = man[C.KEY][C.rel_of(m)]
        assert rec["source"] == {"rel": C.hourly_rel(m), "sha256": man["partitions"][C.hourly_rel(m)]["sha256"]}
        assert rec["version"] == C.VERSION and rec["rows"] == len(pd.read_parquet(store / C.rel_of(m)))
    assert_cache_matches_hours(store)


@pytest.mark.parametrize("seed", [2, 3, 4])
def test_every_query_equals_the_computation_from_the_hours(tmp_path, seed):
    """Periods cut inside months and days, station subsets, stations absent, both sides of 2026-03-01."""
    store, codes = _random_store(tmp_path, seed)
    queries = [(None, None, None), ("2026-02-01", "2026-04-01", None), ("2026-02-14", "2026-03-03", codes[:2]),
               ("2026-03-01", None, codes[::-1]), (None, "2026-01-25", [codes[0], "nowhere"]),
               ("2026-02-27 07:00", "2026-03-02 13:00", None), ("2027-01-01", None, None), (None, None, [])]
    for start, end, stations in queries:
        got = S.load_station_daily(store, start=start, end=end, stations=stations)
        t0 = None if start is None else pd.Timestamp(start).normalize()
        t1 = None if end is None else pd.Timestamp(end).ceil("D")
        want = C.compute(S.load(store, start=t0, end=t1, stations=stations))
        pd.testing.assert_frame_equal(got, want, check_exact=True)
        assert got.attrs["computed_months"] == []


def test_station_days_from_the_cache_equal_those_from_the_hours(tmp_path):
    store, codes = _random_store(tmp_path, 5)
    for start, end in [("2026-01-01", "2026-04-30"), ("2026-02-20", "2026-03-10"), ("2026-03-01", "2026-03-01")]:
        cached = station_days(store, start, end, codes)
        from_hours, _ = station_days(store, start, end, codes, with_hourly=True)
        pd.testing.assert_frame_equal(cached, from_hours, check_exact=True)


def test_reingest_leaves_the_cache_untouched(tmp_path):
    rng = np.random.default_rng(7)
    df = _random_hourly(rng, CODES[:4], "2026-02-20", "2026-03-10")
    store = tmp_path / "s"
    S.ingest(df, store)
    files = {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (store / C.KEY).rglob("*.parquet")}
    assert len(files) == 2
    res = S.ingest(df, store)
    assert not res.changed
    assert {p: (p.read_bytes(), p.stat().st_mtime_ns) for p in (store / C.KEY).rglob("*.parquet")} == files


def test_the_cache_bytes_are_deterministic(tmp_path):
    rng = np.random.default_rng(8)
    df = _random_hourly(rng, CODES[:5], "2026-01-01", "2026-01-20")
    for name in ("a", "b"):
        S.ingest(df, tmp_path / name)
    rel = C.rel_of("2026-01")
    assert (tmp_path / "a" / rel).read_bytes() == (tmp_path / "b" / rel).read_bytes()


@pytest.mark.parametrize("on_conflict", ["report", "keep", "replace"])
def test_conflicting_overlaps(tmp_path, on_conflict):
    rng = np.random.default_rng(11)
    first = _random_hourly(rng, CODES[:3], "2026-02-25", "2026-03-05")
    store = tmp_path / "s"
    S.ingest(first, store)
    before = {m: S.read_manifest(store)[C.KEY][C.rel_of(m)]["sha256"] for m in months_of(store)}
    second = first.copy()
    second.loc[second.index[::7], "pm25"] = second.loc[second.index[::7], "pm25"].fillna(0) + 50.0  # conflicting values
    extra = _random_hourly(rng, [CODES[3]], "2026-03-01", "2026-03-03")  # a station added later
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        res = S.ingest(pd.concat([second, extra], ignore_index=True), store, on_conflict=on_conflict)
    assert len(res.conflicts) > 0
    assert_cache_matches_hours(store)
    after = {m: S.read_manifest(store)[C.KEY][C.rel_of(m)]["sha256"] for m in months_of(store)}
    assert after["2026-02"] == before["2026-02"] or on_conflict == "replace"  # February: only conflicts
    assert after["2026-03"] != before["2026-03"]  # March: a new station
    if on_conflict == "replace":
        assert after["2026-02"] != before["2026-02"]
    days = S.load_station_daily(store)
    assert CODES[3] in set(days["station"])


def test_partial_months_ingested_in_pieces(tmp_path):
    rng = np.random.default_rng(12)
    full = _random_hourly(rng, CODES[:4], "2026-02-01", "2026-03-31")
    store = tmp_path / "s"
    cuts = ["2026-02-01", "2026-02-10 05:00", "2026-02-28 23:00", "2026-03-01 01:00", "2026-03-17 12:00", "2026-03-31"]
    for a, b in zip(cuts, cuts[1:]):
        S.ingest(full[(full.time >= a) & (full.time < b)], store)
        assert_cache_matches_hours(store)
    pd.testing.assert_frame_equal(S.load_station_daily(store), C.compute(full.sort_values(["station", "time"])),
                                  check_exact=True)


@pytest.mark.parametrize("seed", range(4))
def test_random_ingest_sequences(tmp_path, seed):
    """Random pieces of random stations and spans, in a random conflict mode, some repeated or changed."""
    rng = np.random.default_rng(100 + seed)
    store = tmp_path / "s"
    for _ in range(6):
        codes = list(rng.choice(CODES, size=int(rng.integers(1, 5)), replace=False))
        a = pd.Timestamp("2026-01-25") + pd.Timedelta(hours=int(rng.integers(0, 24 * 50)))
        b = a + pd.Timedelta(hours=int(rng.integers(1, 24 * 20)))
        df = _random_hourly(rng, codes, str(a), str(b))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            S.ingest(df, store, on_conflict=str(rng.choice(["report", "keep", "replace"])))
        assert_cache_matches_hours(store)
    pd.testing.assert_frame_equal(S.load_station_daily(store), C.compute(S.load(store)), check_exact=True)


def _edit_manifest(store: Path, change) -> None:
    man = json.loads((store / S.MANIFEST).read_text(encoding="utf-8"))
    change(man)
    (store / S.MANIFEST).write_text(json.dumps(man), encoding="utf-8")


def test_a_stale_cache_is_never_served(tmp_path, capsys):
    store, codes = _random_store(tmp_path, 6)
    rel = C.rel_of("2026-02")
    # the cached file holds wrong numbers but matches its own record; its source is another hourly file
    wrong = C.compute(S.load(store, start="2026-02-01", end="2026-03-01")).assign(pm25=-1.0)
    data = C.parquet_bytes(wrong)
    (store / rel).write_bytes(data)

    def stale(man):
        rec = man[C.KEY][rel]
        st = (store / rel).stat()
        rec.update(bytes=st.st_size, mtime_ns=st.st_mtime_ns, sha256=__import__("hashlib").sha256(data).hexdigest())
        rec["source"]["sha256"] = "0" * 64

    _edit_manifest(store, stale)
    got = S.load_station_daily(store, start="2026-02-01", end="2026-03-01")
    assert got.attrs["computed_months"] == ["2026-02"] and (got["pm25"].dropna() >= 0).all()
    pd.testing.assert_frame_equal(got, C.compute(S.load(store, start="2026-02-01", end="2026-03-01")), check_exact=True)
    assert main(["verify", "--store", str(store)]) == 0
    assert "station-daily cache of 1 month(s) (2026-02)" in capsys.readouterr().out
    assert S.refresh_station_daily(store) == [rel, S.MANIFEST]
    assert_cache_matches_hours(store)


def test_another_version_is_stale(tmp_path, monkeypatch):
    store, codes = _random_store(tmp_path, 7)
    monkeypatch.setattr(C, "VERSION", C.VERSION + 1)
    got = S.load_station_daily(store)
    assert got.attrs["cache_months"] == [] and got.attrs["computed_months"] == months_of(store)
    assert len(S.refresh_station_daily(store)) == len(months_of(store)) + 1
    assert_cache_matches_hours(store)


def test_a_store_without_cache_still_works_and_gets_one(tmp_path):
    """A store written before the cache existed: computed from the hours on read; refresh fills it."""
    store, codes = _random_store(tmp_path, 8)
    want = S.load_station_daily(store)
    shutil.rmtree(store / C.KEY)
    _edit_manifest(store, lambda man: man.pop(C.KEY))
    got = S.load_station_daily(store)
    assert got.attrs["cache_months"] == [] and verify_store(store).ok
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    S.refresh_station_daily(store)
    assert_cache_matches_hours(store)
    assert S.refresh_station_daily(store) == []  # nothing left to do


@pytest.mark.parametrize("damage", ["garbled", "missing", "extra_rows"])
def test_a_damaged_cache_is_an_error_and_repair_recomputes_it(tmp_path, damage):
    store, codes = _random_store(tmp_path, 9)
    rel = C.rel_of("2026-03")
    path = store / rel
    if damage == "garbled":
        path.write_bytes(b"\0" * path.stat().st_size)
    elif damage == "missing":
        path.unlink()
    else:
        frame = pd.read_parquet(path)
        path.write_bytes(C.parquet_bytes(pd.concat([frame, frame.iloc[:1]], ignore_index=True)))
    with pytest.raises(S.StoreCorrupt, match="stationdaily/month=2026-03/data.parquet of the store"):
        S.load_station_daily(store, start="2026-03-01", end="2026-03-02")
    assert not verify_store(store).ok
    rep = repair(store, [])  # no raw file needed: the cache is computed from the month's hours
    assert rep.ok and [r["file"] for r in rep.repaired] == [rel]
    assert_cache_matches_hours(store)


def test_an_unrecorded_cache_file_is_reported(tmp_path):
    store, codes = _random_store(tmp_path, 10)
    extra = store / C.rel_of("2025-12")
    extra.parent.mkdir()
    shutil.copy(store / C.rel_of("2026-01"), extra)
    rep = verify_store(store)
    assert [(p["file"], p["problem"]) for p in rep.problems] == [(C.rel_of("2025-12"), "not in manifest")]
    assert os.path.exists(extra)


def test_verify_refresh_cache_command(tmp_path, capsys):
    """`airq verify --refresh-cache` fills the cache of an older store and mends a damaged cache file."""
    store, codes = _random_store(tmp_path, 11)
    want = S.load_station_daily(store)
    shutil.rmtree(store / C.KEY)
    _edit_manifest(store, lambda man: man.pop(C.KEY))
    assert main(["verify", "--store", str(store), "--lang", "en"]) == 0
    assert "station-daily cache of 4 month(s)" in capsys.readouterr().out
    assert main(["verify", "--store", str(store), "--refresh-cache", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert sorted(r["file"] for r in out["repaired"]) == [C.rel_of(m) for m in months_of(store)]
    assert_cache_matches_hours(store)
    pd.testing.assert_frame_equal(S.load_station_daily(store), want, check_exact=True)
    (store / C.rel_of("2026-02")).write_bytes(b"garbage")
    assert main(["verify", "--store", str(store)]) == 1
    capsys.readouterr()
    assert main(["verify", "--store", str(store), "--refresh-cache"]) == 0
    assert_cache_matches_hours(store)
