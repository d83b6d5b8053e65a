"""Issue 10 item 13: the ingest summary accounts for every row read.

read = added + replaced + unchanged + conflicting (stored values kept) + duplicate copies +
rows of stations not in the plan + rows the reader left out; flagged values are counted apart.
"""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airq.cli import main
from airq.ingestion import ingest_files

HEADER = "station,time,so2,no2,co,o3,pm10,pm25\n"


def _line(station, hour, pm25):
    return f"{station},2024-01-01 {hour:02d}:00,5,20,0.5,60,{pm25 * 2},{pm25}\n"


def test_every_row_is_accounted_for(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + _line("A", 1, 10) + _line("A", 1, 10) + _line("A", 2, 11) + _line("A", 2, 12)
                 + _line("X", 3, 13) + _line("A", 3, "abc") + _line("A", 4, 14), encoding="utf-8")
    r = ingest_files("tidy", f, tmp_path / "s", known_stations=["A"])
    a = r.accounting()
    assert a == {**a, "read": 7, "added": 4, "duplicate_copies": 2, "unknown_station": 1, "replaced": 0, "unchanged": 0,
                 "conflicting_kept": 0, "reader_dropped": 0, "balanced": True}
    # flagged apart: 'abc' (pm25) and 'abcabc' (pm10), and both copies of hour 2 in pm25 and pm10
    assert a["flagged_values"] == 6
    assert "rows: 7 read = 4 added" in r.summary() and "DOES NOT BALANCE" not in r.summary()
    # a second file changes one stored value: reported (stored kept), then replaced
    g = tmp_path / "b.csv"
    g.write_text(HEADER + _line("A", 4, 15) + _line("A", 5, 16), encoding="utf-8")
    with pytest.warns(UserWarning, match="differ from the stored data"):
        a = ingest_files("tidy", g, tmp_path / "s", known_stations=["A"]).accounting()
    assert (a["read"], a["added"], a["conflicting_kept"], a["balanced"]) == (2, 1, 1, True)
    a = ingest_files("tidy", g, tmp_path / "s", known_stations=["A"], on_conflict="replace").accounting()
    assert (a["read"], a["replaced"], a["unchanged"], a["conflicting_kept"], a["balanced"]) == (2, 1, 1, 0, True)


def test_ingest_json(tmp_path, capsys):
    f = tmp_path / "a.csv"
    f.write_text(HEADER + _line("A", 1, 10) + _line("A", 1, 10), encoding="utf-8")
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--json", "--quiet"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["rows"]["read"] == 2 and doc["rows"]["added"] == 1 and doc["rows"]["duplicate_copies"] == 1
    assert doc["rows"]["balanced"] is True and doc["flags_by_reason"] == {"duplicate_identical": 1}
    assert doc["hour_label"] == "end"


rows = st.lists(st.tuples(st.sampled_from(["A", "B", "Z"]), st.integers(1, 6), st.integers(0, 3)), min_size=1, max_size=25)


@pytest.mark.filterwarnings("ignore:ingest.*differ from the stored data:UserWarning")  # conflicts are expected here
@settings(derandomize=True, max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=rows, second=rows, mode=st.sampled_from(["report", "keep", "replace"]))
def test_accounting_balances_for_any_rows(tmp_path_factory, first, second, mode):
    base = tmp_path_factory.mktemp("acc")
    for i, batch in enumerate((first, second)):
        batch = [("A", 1, 0), *batch]  # a file with no station of the plan is refused (test_ingest_plan)
        f = base / f"f{i}.csv"
        f.write_text(HEADER + "".join(_line(s, h, v) for s, h, v in batch), encoding="utf-8")
        r = ingest_files("tidy", f, base / "s", known_stations=["A", "B"], on_conflict=mode)
        a = r.accounting()
        assert a["balanced"], (a, batch)
        assert a["read"] == len(batch)
        assert a["unknown_station"] == sum(s == "Z" for s, _, _ in batch)


def test_disk_full_is_one_sentence_and_leaves_the_store_as_it_was(tmp_path, capsys, monkeypatch):
    """Issue 10 item 12: ENOSPC while staging a partition: one sentence, nothing changed."""
    import errno

    from airq import store

    f = tmp_path / "a.csv"
    f.write_text(HEADER + _line("A", 1, 10), encoding="utf-8")
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    before = {p.relative_to(tmp_path / "s"): p.read_bytes() for p in (tmp_path / "s").rglob("*") if p.is_file()}
    capsys.readouterr()
    g = tmp_path / "b.csv"
    g.write_text(HEADER + _line("A", 2, 11) + "A,2024-02-01 01:00,5,20,0.5,60,20,10\n", encoding="utf-8")

    def full(frame, path):
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr(store, "_write_parquet", full)
    code = main(["ingest", "--format", "tidy", str(g), "--store", str(tmp_path / "s"), "--quiet"])
    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1 and "Traceback" not in err
    assert "no space left on the device" in err and "nothing was changed in the store" in err
    after = {p.relative_to(tmp_path / "s"): p.read_bytes() for p in (tmp_path / "s").rglob("*") if p.is_file()}
    assert after == before


def test_header_only_files_are_a_note_not_a_traceback(tmp_path, capsys):
    """Issue 10 item 9, end to end: a header-only file ingests as zero rows, said in the summary."""
    f = tmp_path / "h.csv"
    f.write_text(HEADER, encoding="utf-8")
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "s"), "--quiet"]) == 0
    out = capsys.readouterr().out
    assert "header only, no rows: h.csv" in out and "nothing to store" in out and "rows: 0 read" in out
