"""Fault test (issue 10): ``airq ingest`` killed with SIGKILL at every step of its commit and at random times.

After each kill the store must hold either the previous state or the complete ingest — data
AND quality flags, the manifest's files and ingests — and ``airq verify`` must pass after the
automatic recovery.

How the kill points are reached: the store calls a hook at each step of the commit sequence
(each staged file, the staged manifest, the journal = the commit point, each replacement, the
journal's removal); ``AIRQ_TEST_KILL_AT=N`` makes the N-th step SIGKILL its own process and
``AIRQ_TEST_FAULT_LOG`` lists the steps (``airq.store._fault_point``; nothing else reads these
variables). Every step is killed once; kills before the commit point must leave the previous
state, kills from it on the complete ingest. A few kills after a random delay (seeded) hit the
other phases (start-up, reading, checking), and one recovery is itself killed half-way.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from airq import daily_cache
from airq import store as S
from airq.cli import main
from airq.demo import write_demo
from airq.ingestion import ingest_files, load_flags
from airq.store_lock import lock_holder

ROOT = Path(__file__).resolve().parents[1]
SEED = 20250107


def state(store: Path):
    """What a reader sees: hourly data, flags, the station daily values, the manifest's files, ingests and
    conflicts files, the months of the station-daily cache. The cache must be fresh for every month and
    equal to the daily values computed from the hours (airq.daily_cache)."""
    man = S.read_manifest(store)
    conflicts = sorted((e.get("conflicts") or {}).get("file") or "" for e in man["ingests"])
    hours, days = S.load(store), S.load_station_daily(store)
    assert days.attrs["computed_months"] == [] and days.equals(daily_cache.compute(hours))
    return (hours, load_flags(store, "hourly"), days, sorted(man["partitions"]), sorted(man["files"]),
            [e["seq"] for e in man["ingests"]], conflicts, sorted(man.get(daily_cache.KEY, {})))


def same(a, b) -> bool:
    return a[0].equals(b[0]) and a[1].equals(b[1]) and a[2].equals(b[2]) and a[3:] == b[3:]


def ingest_cmd(store: Path, files) -> list:
    return [sys.executable, "-m", "airq.cli", "ingest", "--format", "tidy", *map(str, files), "--store", str(store), "--quiet"]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    base = tmp_path_factory.mktemp("faults")
    raw = base / "raw"
    write_demo(raw, start="2025-01-01", end="2025-03-31", stations=["2506A", "2507A", "2508A"])
    feb = (raw / "demo_2025-02.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (base / "feb_first.csv").write_text("".join(feb[: len(feb) // 2]), encoding="utf-8")
    jan = (raw / "demo_2025-01.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    fields = jan[30].rstrip("\n").split(",")
    fields[-1] = str(int(fields[-1] or 0) + 7)  # one stored value differs: a conflicts file too
    (base / "fix.csv").write_text(jan[0] + ",".join(fields) + "\n", encoding="utf-8")
    start = base / "start"
    ingest_files("tidy", [raw / "demo_2025-01.csv", base / "feb_first.csv"], start)
    new = [raw / "demo_2025-02.csv", raw / "demo_2025-03.csv", base / "fix.csv"]
    # the complete ingest, with the list of its commit steps
    done = base / "done"
    shutil.copytree(start, done)
    log = base / "steps.log"
    t0 = time.monotonic()
    proc = subprocess.run(ingest_cmd(done, new), env={**os.environ, "AIRQ_TEST_FAULT_LOG": str(log)}, capture_output=True,
                          text=True, cwd=ROOT)
    seconds = time.monotonic() - t0
    assert proc.returncode == 0, proc.stderr
    steps = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    return {"base": base, "start": start, "new": new, "steps": steps, "seconds": seconds,
            "before": state(start), "after": state(done)}


def killed_copy(setup, name: str, env: dict) -> Path:
    store = setup["base"] / name
    shutil.copytree(setup["start"], store)
    proc = subprocess.run(ingest_cmd(store, setup["new"]), env={**os.environ, **env}, capture_output=True, cwd=ROOT)
    assert proc.returncode == -signal.SIGKILL, (name, proc.returncode, proc.stderr[-500:])
    return store


def verify_passes(store: Path, capsys) -> None:
    code = main(["verify", "--store", str(store)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert not [p for p in store.rglob("*") if p.name.endswith(".tmp") or p.name == S.JOURNAL]
    assert lock_holder(store) is None  # a lock left by the killed process is stale (taken over by the next writer)


def test_the_commit_has_enough_steps(setup):
    steps = setup["steps"]
    assert not same(setup["before"], setup["after"])
    assert not setup["before"][1].equals(setup["after"][1])  # the ingest brings new flags
    assert not setup["before"][2].equals(setup["after"][2])  # and new station daily values
    kinds = " ".join(steps)
    for what in ("staged hourly/month=2025-02", "staged hourly/month=2025-03", "staged stationdaily/month=2025-03",
                 "staged quality/flags-hourly-",
                 "staged conflicts/", "staged manifest.json", "commit point", "replaced manifest.json", "journal removed"):
        assert what in kinds, what
    assert len(steps) >= 10


def test_kill_at_every_commit_step(setup, capsys):
    steps = setup["steps"]
    commit = 1 + next(i for i, s in enumerate(steps) if "commit point" in s)
    for k in range(1, len(steps) + 1):
        store = killed_copy(setup, f"kill{k:02d}", {"AIRQ_TEST_KILL_AT": str(k)})
        verify_passes(store, capsys)  # recovers: rolls the journal forward or removes the staged files
        expected = setup["after"] if k >= commit else setup["before"]
        assert same(state(store), expected), (k, steps[k - 1])


def test_kill_during_the_recovery_too(setup, capsys):
    steps = setup["steps"]
    first_replace = 1 + next(i for i, s in enumerate(steps) if s.startswith("replaced "))
    store = killed_copy(setup, "twice", {"AIRQ_TEST_KILL_AT": str(first_replace)})
    again = subprocess.run([sys.executable, "-m", "airq.cli", "verify", "--store", str(store)],
                           env={**os.environ, "AIRQ_TEST_KILL_AT": "1"}, capture_output=True, cwd=ROOT)
    assert again.returncode == -signal.SIGKILL  # the recovery itself died after one more replacement
    verify_passes(store, capsys)
    assert same(state(store), setup["after"])


def test_kill_after_random_delays(setup, capsys):
    rng = random.Random(SEED)
    for i in range(4):
        store = setup["base"] / f"timed{i}"
        shutil.copytree(setup["start"], store)
        proc = subprocess.Popen(ingest_cmd(store, setup["new"]), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
        time.sleep(rng.uniform(0.1, setup["seconds"]))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        verify_passes(store, capsys)
        got = state(store)
        assert same(got, setup["before"]) or same(got, setup["after"]), i
