"""A large hourly ingest goes station block by station block (issue 11, docs/ingest_memory.md): the same store.

The reference is the whole-frame path (every row checked at once, one frame given to the store). Both
paths ingest the same raw files into two stores, and everything a reader can see must be equal byte for
byte: the hourly partitions, the station daily values, the flag files, the conflicts files, the manifest's
records of them, and the ingest's report (rows, accounting, flags by reason, files written). The inputs
hold what a block boundary could break: duplicates of a station-hour in two files (identical and
conflicting), a stuck run crossing the boundary between two files, a station's CO series in µg/m³, negative
and implausible values, rows of a station not in the plan, and stations of every block in every file.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from airq import ingestion
from airq.demo import write_demo
from airq.ingestion import ingest_files

STATIONS = ["2506A", "2507A", "2508A", "3405A", "GP01A", "PN01A"]


def _messy_files(folder: Path) -> list:
    paths = sorted(p for p in write_demo(folder / "demo", start="2025-12-20", end="2026-03-10", stations=STATIONS)
                   if p.suffix == ".csv")
    jan, feb = pd.read_csv(paths[1], dtype=str), pd.read_csv(paths[2], dtype=str)
    # a stuck run of 2507A crossing from the January file into the February file
    jan.loc[jan.index[jan["station"] == "2507A"][-30:], "no2"] = "37"
    feb.loc[feb.index[feb["station"] == "2507A"][:10], "no2"] = "37"
    # PN01A's CO of February in µg/m³, a negative SO2 of 3405A
    pn = feb["station"] == "PN01A"
    feb.loc[pn, "co"] = (pd.to_numeric(feb.loc[pn, "co"], errors="coerce") * 1000).round().astype("Int64").astype(str)
    feb.loc[feb.index[feb["station"] == "3405A"][:5], "so2"] = "-4"
    jan.to_csv(paths[1], index=False)
    feb.to_csv(paths[2], index=False)
    extra = jan.sample(40, random_state=1).copy()  # copies of station-hours of the January file, in another file
    extra.loc[extra.index[:15], "pm25"] = "999"  # 15 of them conflicting (and implausible)
    unknown = jan.head(20).assign(station="9999Z")  # rows of a station outside the plan
    messy = folder / "messy"
    messy.mkdir()
    (messy / "a_extra.csv").write_text(pd.concat([extra, unknown]).to_csv(index=False), encoding="utf-8")
    return paths + [messy / "a_extra.csv"]


def _files(store: Path) -> dict:
    return {p.relative_to(store).as_posix(): p.read_bytes() for p in sorted(store.rglob("*"))
            if p.is_file() and p.name != "manifest.json" and ".lock" not in p.name}


def _manifest(store: Path) -> dict:
    man = json.loads((store / "manifest.json").read_text(encoding="utf-8"))
    strip = lambda recs: {k: {f: v for f, v in r.items() if f not in ("mtime_ns",)} for k, r in (recs or {}).items()}  # noqa: E731
    for e in man["ingests"]:
        e.pop("ingested_at")
        for s in e["sources"]:
            s.pop("path")
    return {"partitions": strip(man["partitions"]), "stationdaily": strip(man.get("stationdaily")),
            "files": strip(man.get("files")), "ingests": man["ingests"]}


def _report(rep) -> dict:
    d = rep.to_dict()
    d.pop("files")
    d["summary_lines"] = len(rep.summary().splitlines()) if hasattr(rep, "summary") else None
    return d


@pytest.mark.parametrize("block_rows, by_file", [(500, False), (7_000, False), (10**9, True)])
def test_station_blocks_give_the_store_of_the_whole_frame(tmp_path, monkeypatch, block_rows, by_file):
    """by_file: the raw files read one at a time into station buckets (the frame of all files never exists)."""
    files = _messy_files(tmp_path / "raw")
    kw = {"known_stations": STATIONS}
    whole = ingest_files("tidy", files, tmp_path / "whole", **kw)
    monkeypatch.setattr(ingestion, "BLOCK_ROWS", block_rows)
    if by_file:
        monkeypatch.setattr(ingestion, "BLOCK_BYTES", sum(f.stat().st_size for f in files) // 4)
        buckets = []
        real_read = ingestion._read_into_buckets
        monkeypatch.setattr(ingestion, "_read_into_buckets", lambda *a, **k: buckets.append(real_read(*a, **k)) or buckets[-1])
    spilled = []
    real_spill = ingestion._spill_blocks

    def spill_and_count(frame, spill):
        paths = real_spill(frame, spill)
        spilled.append(len(paths))
        return paths

    monkeypatch.setattr(ingestion, "_spill_blocks", spill_and_count)
    blocks = ingest_files("tidy", files, tmp_path / "blocks", **kw)
    if by_file:
        assert buckets and buckets[0] is not None and len(buckets[0][0]) >= 4  # read file by file, in several buckets
    else:
        assert spilled and spilled[0] >= 2  # the block path ran, with several blocks
    reasons = set(whole.flags["reason"])
    assert {"duplicate_conflict", "duplicate_identical", "stuck", "unknown_station", "negative", "co_unit_file"} <= reasons
    assert _files(tmp_path / "blocks") == _files(tmp_path / "whole")
    assert _manifest(tmp_path / "blocks") == _manifest(tmp_path / "whole")
    assert _report(blocks) == _report(whole)
    pd.testing.assert_frame_equal(blocks.flags, whole.flags)
    # a second ingest into each store: conflicts with the stored data, replaced
    again = _messy_files(tmp_path / "raw2")[1:3]
    monkeypatch.setattr(ingestion, "BLOCK_ROWS", 10**9)
    monkeypatch.setattr(ingestion, "BLOCK_BYTES", 10**12)
    w2 = ingest_files("tidy", again, tmp_path / "whole", on_conflict="replace", **kw)
    monkeypatch.setattr(ingestion, "BLOCK_ROWS", 50)
    monkeypatch.setattr(ingestion, "BLOCK_BYTES", 1000 if by_file else 10**12)
    b2 = ingest_files("tidy", again, tmp_path / "blocks", on_conflict="replace", **kw)
    assert _files(tmp_path / "blocks") == _files(tmp_path / "whole")
    assert _report(b2) == _report(w2)


def test_blocks_hold_whole_stations_in_order(tmp_path, monkeypatch):
    frame = pd.DataFrame({"station": np.repeat(["b", "a", "c", "a", "d"], 3), "time": pd.Timestamp("2026-01-01"),
                          "v": np.arange(15)})
    monkeypatch.setattr(ingestion, "BLOCK_ROWS", 4)
    paths = ingestion._spill_blocks(frame, tmp_path)
    parts = [pd.read_pickle(p) for p in paths]
    assert [sorted(set(p["station"])) for p in parts] == [["a"], ["b"], ["c", "d"]] or all(
        max(p["station"]) < min(q["station"]) for p, q in zip(parts, parts[1:]))
    assert sorted(pd.concat(parts).index) == list(range(15))
    for p in parts:  # the frame's order inside a block
        assert list(p.index) == sorted(p.index)


@pytest.mark.realdata
@pytest.mark.parametrize("fmt, folder, pattern", [("prsa", "beijing_prsa_multisite_2013_2017", "*.csv.gz"),
                                                  ("cnemc", "cnemc_hourly_sample", "*.csv")])
def test_real_files_read_file_by_file_give_the_same_store(shared_real, tmp_path, monkeypatch, fmt, folder, pattern):
    """The real Beijing PRSA files (12 stations, 420,768 rows) and the CNEMC national hourly sample, both ways."""
    files = sorted((shared_real / folder).glob(pattern))
    whole = ingest_files(fmt, files, tmp_path / "whole")
    used = []
    real_read = ingestion._read_into_buckets
    monkeypatch.setattr(ingestion, "_read_into_buckets", lambda *a, **k: used.append(real_read(*a, **k)) or used[-1])
    monkeypatch.setattr(ingestion, "BLOCK_BYTES", 1)  # every ingest is "large"
    by_file = ingest_files(fmt, files, tmp_path / "by_file")
    assert used and used[0] is not None  # the file-by-file path ran
    assert _files(tmp_path / "by_file") == _files(tmp_path / "whole")
    assert _manifest(tmp_path / "by_file") == _manifest(tmp_path / "whole")
    assert _report(by_file) == _report(whole)
