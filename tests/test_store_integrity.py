"""Issue 10 items 6, 7, 10 and 11: the processed store's integrity, flags, lock and damaged files.

Item 6: a deleted partition or a valid Parquet with changed values or dropped rows is an error
on read (one sentence naming the partition and what differs, pointing to ``airq verify``), never
a different answer; ``airq verify`` checks everything and ``--repair-from`` rebuilds from the raw
files; a later ingest never re-hashes ("launders") a damaged partition into the manifest.
Item 7: the quality flags are committed with the data. Item 10: a locked store fails before any
reading, naming the holder, or waits (``--wait``). Item 11: an unreadable partition, journal or
manifest gives one ``airq: error:`` sentence in every command that reads the store.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from airq import store as S
from airq.cli import main
from airq.ingestion import ingest_files, load_flags
from airq.store_integrity import verify_store

ROOT = Path(__file__).resolve().parents[1]
CONFIG = str(ROOT / "config" / "guigang_2023.toml")
STATIONS = ["2506A", "2507A", "2508A", "3405A"]
JAN = "hourly/month=2025-01/data.parquet"
JAN_DAILY = "stationdaily/month=2025-01/data.parquet"
FEB = "hourly/month=2025-02/data.parquet"


@pytest.fixture
def raw(janfeb_raw) -> Path:
    """The January and February 2025 demo files (tests/conftest.py)."""
    return janfeb_raw


@pytest.fixture
def built(janfeb_built) -> Path:
    """Their store, never modified: copy it (tests/conftest.py)."""
    return janfeb_built


@pytest.fixture
def store(built, tmp_path) -> Path:
    out = tmp_path / "store"
    shutil.copytree(built, out, copy_function=shutil.copy2)  # copy2 keeps the mtimes (the fast path)
    return out


def snapshot(root: Path) -> dict:
    return {p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(root.rglob("*")) if p.is_file()}


def rewrite(path: Path, change, keep_mtime: bool = False) -> None:
    """Rewrite a partition as a *valid* Parquet file with ``change(frame)`` applied."""
    st = path.stat()
    df = change(pd.read_parquet(path))
    df.to_parquet(path, index=False)
    if keep_mtime:
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))


def bump_value(df):
    df = df.copy()
    df.loc[df.index[10], "pm25"] = 999.0
    return df


def one_error(capsys) -> str:
    """The single ``airq: error:`` line of a failed command (no traceback)."""
    err = capsys.readouterr().err
    assert err.startswith("airq: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    return err


# ------------------------------------------------------------------------------------------
# item 6: checked on read


def test_changed_values_in_a_valid_parquet_stop_assess_and_quality(store, capsys):
    argv_q = ["quality", "--store", str(store), "--period", "2025-01"]
    argv_a = ["assess", "--config", CONFIG, "--store", str(store), "--period", "2025-01", "--lang", "en"]  # Chinese plan
    assert main(argv_q) == 0 and main(argv_a) == 0
    capsys.readouterr()
    rewrite(store / JAN, bump_value)  # a valid Parquet file, one value changed
    for argv in (argv_q, argv_a):
        assert main(argv) == 1
        err = one_error(capsys)
        assert f"{JAN} of the store {store} does not match its manifest record" in err
        assert f"run `airq verify --store {store}`" in err


def test_deleted_partition_is_an_error_not_fewer_days(store):
    (store / FEB).unlink()
    with pytest.raises(S.StoreCorrupt, match=rf"{FEB} of the store .* is missing: the manifest records it \(\d+ rows in \d+ bytes\)"):
        S.load(store, start="2025-02-01", end="2025-03-01")
    pd.testing.assert_frame_equal(S.load(store, end="2025-02-01"), S.load(store, end="2025-02-01"))  # January still reads
    with pytest.raises(S.StoreCorrupt, match="is missing"):
        S.stations(store)


def test_dropped_rows_are_named(store):
    rewrite(store / JAN, lambda df: df.iloc[:-48])
    with pytest.raises(S.StoreCorrupt) as e:
        S.load(store)
    rows = S.read_manifest(store)["partitions"][JAN]["rows"]
    assert f"it holds {rows - 48} rows in" in str(e.value) and f"the manifest records {rows} rows in" in str(e.value)


def test_same_size_change_with_the_mtime_set_back(store, monkeypatch):
    """The fast path (size + mtime) cannot see it; verify, AIRQ_READ_CHECK=sha256 and ingest do."""
    p = store / JAN
    st = p.stat()
    data = bytearray(p.read_bytes())
    data[len(data) // 2] ^= 0x01
    p.write_bytes(bytes(data))
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert list(S.verify(store)["problem"]) == ["sha256 differs"]
    monkeypatch.setenv("AIRQ_READ_CHECK", "sha256")
    with pytest.raises(S.StoreCorrupt, match="same size but another sha256"):
        S.load(store)


def test_extra_partition_not_in_the_manifest(store):
    shutil.copytree(store / "hourly/month=2025-01", store / "hourly/month=2025-05")
    with pytest.raises(S.StoreCorrupt, match=r"hourly/month=2025-05/data.parquet of the store .* is not recorded in its manifest"):
        S.load(store, start="2025-05-01")
    assert len(S.load(store, end="2025-03-01"))  # the other months are unaffected
    assert S.verify(store)[["file", "problem"]].values.tolist() == [["hourly/month=2025-05/data.parquet", "not in manifest"]]


def test_legacy_manifest_without_files_reads_flags_and_next_ingest_records_them(store, raw):
    man = json.loads((store / S.MANIFEST).read_text())
    del man["files"]
    (store / S.MANIFEST).write_text(json.dumps(man))
    assert len(load_flags(store)) > 0  # read unchecked, as before
    rep = verify_store(store)
    assert rep.ok and any("did not record them" in n for n in rep.notes), rep.notes
    half = raw.parent / "extra.csv"
    half.write_text("station,time,pm25\n2506A,2025-03-01 01:00,40\n", encoding="utf-8")
    ingest_files("tidy", half, store)
    assert set(json.loads((store / S.MANIFEST).read_text())["files"]) == {
        p.relative_to(store).as_posix() for p in (store / "quality").glob("*.parquet")}
    assert verify_store(store).ok and not verify_store(store).notes


# ------------------------------------------------------------------------------------------
# item 6: no laundering


def test_ingest_refuses_to_merge_into_a_damaged_partition(store, raw):
    rewrite(store / JAN, bump_value, keep_mtime=True)  # even with the mtime set back
    before = snapshot(store)
    extra = raw.parent / "late.csv"
    extra.write_text("station,time,pm25\n2506A,2025-01-31 23:00,40\n", encoding="utf-8")
    with pytest.raises(S.StoreCorrupt) as e:
        ingest_files("tidy", extra, store)
    msg = str(e.value)
    assert msg.startswith(f"{JAN} of the store {store} does not match its manifest record") and "\n" not in msg
    assert "ingest refused, nothing was written" in msg and "airq verify" in msg
    assert snapshot(store) == before  # the manifest still holds the original sha256
    assert list(S.verify(store)["file"]) == [JAN]


def test_ingest_into_another_month_keeps_the_damage_visible(store, raw):
    (store / FEB).unlink()
    extra = raw.parent / "march.csv"
    extra.write_text("station,time,pm25\n2506A,2025-03-02 01:00,40\n", encoding="utf-8")
    ingest_files("tidy", extra, store)
    assert S.verify(store)[["file", "problem"]].values.tolist() == [[FEB, "missing"]]


def test_ingest_refuses_partitions_without_a_manifest(store, raw, capsys):
    (store / S.MANIFEST).unlink()
    assert main(["ingest", "--format", "tidy", str(raw / "demo_2025-01.csv"), "--store", str(store)]) == 1
    assert "holds 2 partition(s) but no manifest.json" in one_error(capsys)


# ------------------------------------------------------------------------------------------
# airq verify


def test_verify_clean_store(store, capsys):
    assert main(["verify", "--store", str(store)]) == 0
    out = capsys.readouterr().out
    rows = sum(r["rows"] for r in S.read_manifest(store)["partitions"].values())
    assert out == f"store {store}: 2 partition(s) ({rows} rows recorded), 2 flag file(s) and 0 conflicts file(s) match the manifest\n"
    assert main(["verify", "--store", str(store), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ok"] is True and doc["problems"] == [] and doc["checked"]["partitions"] == 2


def test_verify_lists_every_problem_and_exits_1(store, capsys):
    rewrite(store / JAN, lambda df: df.iloc[:-5])
    flags = sorted((store / "quality").glob("*.parquet"))
    flags[0].unlink()
    (store / "quality" / "stray.parquet").write_bytes(flags[1].read_bytes())
    assert main(["verify", "--store", str(store)]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith(f"{JAN}: size differs: ") and "; the manifest records" in lines[0]
    assert lines[1] == f"{flags[0].relative_to(store).as_posix()}: missing: the manifest records " + lines[1].split("records ")[1]
    assert lines[2].startswith("quality/stray.parquet: not in manifest")
    assert lines[-1].startswith(f"store {store}: 3 problem(s) among 2 partition(s)") and "--repair-from" in lines[-1]
    assert main(["verify", "--store", str(store), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert [p["problem"] for p in doc["problems"]] == ["size differs", "missing", "not in manifest"]


def test_repair_from_the_raw_files_restores_the_recorded_bytes(store, raw, capsys):
    recorded = S.read_manifest(store)
    rewrite(store / JAN, bump_value)
    (store / FEB).unlink()
    for f in (store / "quality").glob("*.parquet"):
        f.unlink()
    assert main(["verify", "--store", str(store), "--repair-from", str(raw)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert sum(line.startswith("repaired: ") and line.endswith("byte for byte the recorded file") for line in out) == 4
    assert out[-1].endswith("match the manifest")
    after = S.read_manifest(store)
    strip = (lambda m: {k: {x: y for x, y in v.items() if x != "mtime_ns"} for k, v in {**m["partitions"], **m["files"]}.items()})
    assert strip(after) == strip(recorded) and len(after["repairs"]) == 1
    assert main(["assess", "--config", CONFIG, "--store", str(store), "--period", "2025-01"]) == 0


def test_repair_needs_the_raw_files_the_manifest_records(store, raw, tmp_path, capsys):
    (store / FEB).unlink()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(raw / "demo_2025-01.csv", other)  # not the February file
    assert main(["verify", "--store", str(store), "--repair-from", str(other)]) == 1
    out = capsys.readouterr().out
    assert f"{FEB}: missing: " in out and "not repaired: ingest 2 read " in out and "demo_2025-02.csv (sha256 " in out
    assert "not found among --repair-from" in out


# ------------------------------------------------------------------------------------------
# item 7: flags in the same commit as the data


def test_flags_are_committed_with_the_data(tmp_path, raw, monkeypatch):
    """A crash right after the commit point: the next read completes data AND flags."""
    store = tmp_path / "s"
    original = S._roll_forward
    crashed = []

    def crash_after_commit(st):
        if (st / S.JOURNAL).exists() and not crashed:
            crashed.append(True)
            raise OSError("killed right after the commit (simulated)")
        return original(st)

    monkeypatch.setattr(S, "_roll_forward", crash_after_commit)
    with pytest.raises(S.StoreError, match="committed"):
        ingest_files("tidy", raw / "demo_2025-01.csv", store, known_stations=STATIONS)
    monkeypatch.undo()
    flags = load_flags(store)  # finishes the commit first
    ingest_files("tidy", raw / "demo_2025-01.csv", tmp_path / "clean", known_stations=STATIONS)
    assert len(flags) and flags.equals(load_flags(tmp_path / "clean"))
    assert not (store / S.JOURNAL).exists() and S.verify(store).empty
    man = S.read_manifest(store)
    assert man["ingests"][0]["files"] == list(man["files"]) and man["files"][man["ingests"][0]["files"][0]]["seq"] == 1


def test_flags_are_listed_in_the_manifest_and_written_once(tmp_path, raw):
    store = tmp_path / "s"
    rep = ingest_files("tidy", raw / "demo_2025-01.csv", store, known_stations=STATIONS)
    rel = rep.flags_file.relative_to(store).as_posix()
    assert rel in rep.result.written and rel in S.read_manifest(store)["files"]
    again = ingest_files("tidy", raw / "demo_2025-01.csv", store, known_stations=STATIONS)
    assert again.result.written == []


# ------------------------------------------------------------------------------------------
# item 10: the lock


def _hold_lock(store: Path, seconds: float) -> subprocess.Popen:
    code = (f"import time; from airq.store_lock import lock\nwith lock({str(store)!r}):\n"
            f"    print('held', flush=True); time.sleep({seconds})")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_locked_store_fails_before_reading_and_names_the_holder(store, raw, monkeypatch, capsys):
    from airq import io as readers

    holder = _hold_lock(store, 30)
    try:
        read = []
        monkeypatch.setattr(readers, "read", lambda *a, **k: read.append(1))
        assert main(["ingest", "--format", "tidy", str(raw / "demo_2025-01.csv"), "--store", str(store)]) == 1
        err = one_error(capsys)
        assert not read  # failed before reading anything
        assert err.startswith(f"airq: error: the store {store} is locked by another ingest: pid {holder.pid} on this host (")
        assert "from airq.store_lock import lock" in err and " UTC (0 min " in err
        assert "wait for it (`airq ingest --wait [SECONDS]`)" in err and f"delete {store / S.LOCK}" in err
    finally:
        holder.kill()
        holder.wait()


def test_wait_for_the_lock_then_ingest(store, raw, capsys):
    extra = raw.parent / "w.csv"
    extra.write_text("station,time,pm25\n2506A,2025-03-03 01:00,40\n", encoding="utf-8")
    holder = _hold_lock(store, 1.5)
    try:
        t0 = time.monotonic()
        assert main(["ingest", "--format", "tidy", str(extra), "--store", str(store), "--wait", "30", "--quiet"]) == 0
        assert time.monotonic() - t0 >= 0.5
        cap = capsys.readouterr()
        assert f"airq: waiting for the lock of {store}, held by pid {holder.pid} on this host" in cap.err
        assert "1 rows added" in cap.out
    finally:
        holder.wait()


def test_wait_gives_up_after_the_seconds_given(store, raw, capsys):
    holder = _hold_lock(store, 30)
    try:
        assert main(["ingest", "--format", "tidy", str(raw / "demo_2025-01.csv"), "--store", str(store), "--wait", "0.6"]) == 1
        err = capsys.readouterr().err.splitlines()[-1]
        assert err.startswith(f"airq: error: the store {store} is locked by another ingest (still, after waiting 1 s): pid ")
    finally:
        holder.kill()
        holder.wait()


def test_lock_of_a_reused_pid_or_another_host(store, raw):
    lock = store / S.LOCK
    # our own pid, but taken "in 2000": this process started later, so the pid was reused -> stale
    lock.write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": "2000-01-01T00:00:00Z"}))
    extra = raw.parent / "r.csv"
    extra.write_text("station,time,pm25\n2506A,2025-03-04 01:00,40\n", encoding="utf-8")
    assert ingest_files("tidy", extra, store).result.rows_added == 1 and not lock.exists()
    lock.write_text(json.dumps({"pid": 1, "host": "elsewhere", "since": "2000-01-01T00:00:00Z", "command": "airq ingest x"}))
    with pytest.raises(S.StoreLocked, match=r"pid 1 on elsewhere \(airq ingest x\), since 2000-01-01 00:00:00 UTC"):
        ingest_files("tidy", extra, store)


# ------------------------------------------------------------------------------------------
# item 11: unreadable partition, journal or manifest -> one sentence in every command


def _commands(store: Path, raw: Path, out: Path) -> dict:
    s = str(store)
    cmds = {
        "assess": ["assess", "--config", CONFIG, "--store", s, "--period", "2025-01"],
        "whatif": ["whatif", "--config", CONFIG, "--store", s, "--group", "全市", "--as-of", "2025-01-31"],
        "rulechange": ["rulechange", "--config", CONFIG, "--store", s, "--period", "2025-01"],
        "quality": ["quality", "--store", s, "--period", "2025-01"],
        "forecast": ["forecast", "--config", CONFIG, "--store", s, "--as-of", "2025-01-31", "--n-sims", "20"],
        "backtest": ["backtest", "--by", "station", "--store", s, "--years", "2025", "--n-sims", "20", "--quiet"],
        "report": ["report", "--config", CONFIG, "--store", s, "--month", "2025-01", "--out", str(out), "--quiet"],
        "ingest": ["ingest", "--format", "tidy", str(raw / "demo_2025-01.csv"), "--store", s, "--quiet"],
    }
    return {name: [*argv, "--lang", "en"] for name, argv in cmds.items()}  # the sentences in English (tests/test_i18n_store.py: Chinese)


def _garble_same_size(path: Path) -> None:
    st = path.stat()
    path.write_bytes(b"\0" * st.st_size)
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # passes the fast path: the reader itself must fail


#: Commands that read a month's station daily values from the store's cache (airq.daily_cache), not its hours
#: (backtest --by station and report read the cache and the hourly partitions too: the station list, the data quality).
CACHE_READERS = {"assess", "whatif", "rulechange", "forecast"}
DAMAGE = {
    "partition": (lambda st: (st / JAN).write_bytes(b"not parquet"), "hourly/month=2025-01/data.parquet of the store", set()),
    # same size and time: passes the check on read, so only a command that parses the hours finds it; the
    # cache was computed from the recorded hours, so the others give the right numbers (`airq verify` finds it)
    "partition_same_size": (lambda st: _garble_same_size(st / JAN), "hourly/month=2025-01/data.parquet of the store",
                            CACHE_READERS),
    "cache": (lambda st: (st / JAN_DAILY).write_bytes(b"not parquet"), "stationdaily/month=2025-01/data.parquet of the store",
              {"quality", "ingest"}),
    "cache_same_size": (lambda st: _garble_same_size(st / JAN_DAILY), "stationdaily/month=2025-01/data.parquet of the store",
                        {"quality", "ingest"}),
    "manifest": (lambda st: (st / S.MANIFEST).write_text('{"format": "airq-store", "partitions": {'), "manifest.json is not valid JSON",
                 set()),
    "journal": (lambda st: (st / S.JOURNAL).write_text('{"replace": [["a"'), "--recover` will finish that commit", set()),
}


@pytest.mark.parametrize("damage", list(DAMAGE))
def test_every_command_gives_one_sentence(built, raw, tmp_path, capsys, damage):
    do, expected, unaffected = DAMAGE[damage]
    store = tmp_path / "store"
    for name, argv in _commands(store, raw, tmp_path / "reports").items():
        shutil.rmtree(store, ignore_errors=True)
        shutil.copytree(built, store, copy_function=shutil.copy2)
        do(store)
        before = snapshot(store)
        if name in unaffected:  # does not read the damaged file's content (forecast: 3 = some group not forecast)
            code, got = main(argv), capsys.readouterr()
            assert code in (0, 3) and "of the store" not in got.err, (name, code, got.err)
            continue
        assert main(argv) == 1, name
        err = one_error(capsys)
        assert expected in err and "airq verify --store" in err, (name, err)
        if damage != "journal":
            assert snapshot(store) == before, name  # nothing written
    if unaffected:
        shutil.rmtree(tmp_path / "reports", ignore_errors=True)
        do(store)
        assert main(["verify", "--store", str(store)]) == 1 and expected.split(" of ")[0] in capsys.readouterr().out
    assert not (tmp_path / "reports").exists() or not any((tmp_path / "reports").rglob("*.html"))


def test_corrupt_journal_is_finished_by_verify_recover(tmp_path, raw, capsys):
    """Kill an ingest right after its commit point, damage the journal: --recover completes the commit."""
    store = tmp_path / "s"
    ingest_files("tidy", raw / "demo_2025-01.csv", store, known_stations=STATIONS)
    complete = tmp_path / "complete"
    shutil.copytree(store, complete)
    ingest_files("tidy", raw / "demo_2025-02.csv", complete, known_stations=STATIONS)
    log = tmp_path / "steps.log"
    env = {**os.environ, "AIRQ_TEST_FAULT_LOG": str(log)}
    probe = tmp_path / "probe"
    shutil.copytree(store, probe)
    argv = [sys.executable, "-m", "airq.cli", "ingest", "--format", "tidy", str(raw / "demo_2025-02.csv"), "--config", CONFIG, "--quiet"]
    subprocess.run([*argv, "--store", str(probe)], env=env, check=True, capture_output=True, cwd=ROOT)
    steps = log.read_text().splitlines()
    at = next(int(line.split()[0]) for line in steps if "commit point" in line)
    env = {**os.environ, "AIRQ_TEST_KILL_AT": str(at)}
    proc = subprocess.run([*argv, "--store", str(store)], env=env, capture_output=True, cwd=ROOT)
    assert proc.returncode == -9
    (store / S.JOURNAL).write_text("garbage")
    assert main(["quality", "--store", str(store), "--period", "2025-02"]) == 1
    assert "is unreadable" in one_error(capsys)
    assert main(["verify", "--store", str(store), "--recover"]) == 0
    out = capsys.readouterr().out
    assert "recovered: .journal.json (unreadable, removed once the commit was complete)" in out
    pd.testing.assert_frame_equal(S.load(store), S.load(complete))
    pd.testing.assert_frame_equal(load_flags(store), load_flags(complete))
