"""The processed store's sentences in Chinese and English (issue 13 item 1): its errors (StoreCorrupt, StoreError,
StoreLocked, the bad arguments of a load or an ingest), its warning, the lines of `airq verify` and of the ingest
summary. English stays byte for byte what the library wrote; the Chinese comes from airq/locale/zh/store.toml."""

from __future__ import annotations

import json
import os
import shutil
import socket
import warnings
from pathlib import Path

import pandas as pd
import pytest

from airq import store as S
from airq.cli import main
from airq.i18n import t
from airq.ingestion import PlanMismatchError, ingest_files
from airq.notes import Note, render
from airq.store_integrity import StoreLocked, repair, verify_store

STATIONS = ["2506A", "2507A", "2508A", "3405A"]
JAN = "hourly/month=2025-01/data.parquet"
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
    shutil.copytree(built, out, copy_function=shutil.copy2)
    return out


def _hint(store) -> str:
    return f"run `airq verify --store {store}` to list every damaged file (`--repair-from` the raw files rebuilds them)"


def _zh_hint(store) -> str:
    return f"请运行 `airq verify --store {store}` 列出全部损坏的文件（加 `--repair-from` 原始文件可重建）"


def _message(exc_info) -> Note:
    first = exc_info.value.args[0]
    assert isinstance(first, Note), first
    assert str(exc_info.value) == first  # str(exc) is the English sentence
    return first


def _truncate(path: Path, rows: int) -> None:
    st = path.stat()
    pd.read_parquet(path).iloc[:-rows].to_parquet(path, index=False)
    assert path.stat().st_size != st.st_size


# ------------------------------------------------------------------------------------------ integrity errors


def test_a_partition_changed_after_airq_wrote_it(store):
    rec = S.read_manifest(store)["partitions"][JAN]
    _truncate(store / JAN, 5)
    with pytest.raises(S.StoreCorrupt) as e:
        S.load(store)
    n = _message(e)
    size = (store / JAN).stat().st_size
    assert n == (f"{JAN} of the store {store} does not match its manifest record: it holds {rec['rows'] - 5} rows in {size} bytes, "
                 f"the manifest records {rec['rows']} rows in {rec['bytes']} bytes, so it was changed after airq wrote it; "
                 f"{_hint(store)}")
    assert n.to("zh") == (f"数据库 {store} 的 {JAN} 与清单记录不符：现为 {rec['rows'] - 5} 行，{size} 字节，清单记录为 "
                          f"{rec['rows']} 行，{rec['bytes']} 字节，说明它在 airq 写入后被改动过；{_zh_hint(store)}")


def test_a_missing_partition(store):
    rec = S.read_manifest(store)["partitions"][FEB]
    (store / FEB).unlink()
    with pytest.raises(S.StoreCorrupt) as e:
        S.load(store, start="2025-02-01", end="2025-03-01")
    n = _message(e)
    assert n == (f"{FEB} of the store {store} is missing: the manifest records it ({rec['rows']} rows in {rec['bytes']} bytes); "
                 f"{_hint(store)}")
    assert n.to("zh") == f"数据库 {store} 的 {FEB} 缺失：清单记录有该文件（{rec['rows']} 行，{rec['bytes']} 字节）；{_zh_hint(store)}"


def test_an_ingest_into_a_damaged_month_is_refused_naming_why(store, raw):
    (store / JAN).write_bytes(b"not parquet")
    with pytest.raises(S.StoreCorrupt) as e:
        ingest_files("tidy", raw / "demo_2025-01.csv", store, known_stations=STATIONS)
    n = _message(e)
    assert n.startswith(f"{JAN} of the store {store} does not match its manifest record: it holds 11 bytes")
    assert n.endswith(f"; ingest refused, nothing was written; {_hint(store)}")
    assert n.to("zh").endswith(f"；ingest 被拒绝，未写入任何内容；{_zh_hint(store)}")


def test_the_manifest_not_json_and_of_another_version(store):
    (store / S.MANIFEST).write_text('{"format": "airq-store", "partitions": {', encoding="utf-8")
    with pytest.raises(S.StoreCorrupt) as e:
        S.read_manifest(store)
    n = _message(e)
    assert n.startswith(f"the manifest {store / S.MANIFEST} is not valid JSON (")
    assert n.endswith(": the store's record of its files is lost, so none of them can be checked: ingest the raw files again "
                      f"into a new store folder (`airq verify --store {store}` lists the files that are there)")
    assert n.to("zh").startswith(f"清单 {store / S.MANIFEST} 不是有效的 JSON（")
    assert n.to("zh").endswith(f"：数据库的文件记录已丢失，其中任何文件都无法校验：请将原始文件重新导入新的数据库目录"
                               f"（`airq verify --store {store}` 可列出现有文件）")
    (store / S.MANIFEST).write_text(json.dumps({"format": S.FORMAT, "format_version": 99}), encoding="utf-8")
    with pytest.raises(S.StoreError) as e:
        S.read_manifest(store)
    n = _message(e)
    assert n == (f"the manifest {store / S.MANIFEST} has format_version 99 and this airq reads {S.FORMAT_VERSION}: "
                 "use the airq version that wrote the store")
    assert n.to("zh") == (f"清单 {store / S.MANIFEST} 的 format_version 为 99，本版 airq 读取的是 {S.FORMAT_VERSION}：请使用写入该"
                          "数据库的 airq 版本")


def test_a_damaged_journal(store):
    (store / S.JOURNAL).write_text('{"replace": [["a"', encoding="utf-8")
    with pytest.raises(S.StoreCorrupt) as e:
        S.load(store)
    n = _message(e)
    assert n.startswith(f"the journal {store / S.JOURNAL} of an interrupted commit is unreadable (")
    assert f"): `airq verify --store {store} --recover` will finish that commit from the staged files" in n
    assert n.to("zh").startswith(f"中断提交的事务日志 {store / S.JOURNAL} 无法读取（")
    assert f"`airq verify --store {store} --recover` 将用暂存清单记录了 sha256 的暂存文件完成该次提交" in n.to("zh")


def test_a_folder_that_is_not_a_store(tmp_path):
    with pytest.raises(FileNotFoundError) as e:
        S.stations(tmp_path)
    n = _message(e)
    assert n == f"{tmp_path}: not an airq store (no manifest.json); create it with `airq ingest`"
    assert n.to("zh") == f"{tmp_path}：不是 airq 数据库（没有 manifest.json）；请用 `airq ingest` 创建"
    with pytest.raises(FileNotFoundError) as e:
        verify_store(tmp_path / "nothing")
    assert _message(e).to("zh") == f"数据库目录 {tmp_path / 'nothing'} 不存在"


# ------------------------------------------------------------------------------------------ the lock


def _foreign_lock(store: Path) -> None:
    (store / S.LOCK).write_text(json.dumps({"pid": 1, "host": "elsewhere", "since": "2000-01-01T00:00:00Z",
                                            "command": "airq ingest x"}), encoding="utf-8")


def test_a_store_locked_by_another_host_names_the_holder(store, raw):
    _foreign_lock(store)
    with pytest.raises(StoreLocked) as e:
        ingest_files("tidy", raw / "demo_2025-01.csv", store)
    n = _message(e)
    assert n.startswith(f"the store {store} is locked by another ingest: pid 1 on elsewhere (airq ingest x), "
                        "since 2000-01-01 00:00:00 UTC (")
    assert n.endswith(f" s ago); wait for it (`airq ingest --wait [SECONDS]`), or, if no ingest of this store is running, "
                      f"delete {store / S.LOCK}")
    zh = n.to("zh")
    assert zh.startswith(f"数据库 {store} 已被另一导入进程锁定：主机 elsewhere 上的进程 pid 1（airq ingest x），"
                         "自 2000-01-01 00:00:00 UTC 起（")
    assert zh.endswith(f" 秒前）；请等待它完成（`airq ingest --wait [秒数]`），若确无导入进程在写该数据库，可删除 {store / S.LOCK}")
    with pytest.raises(StoreLocked) as e:  # waited, then gave up
        ingest_files("tidy", raw / "demo_2025-01.csv", store, wait=0.2)
    n = _message(e)
    assert "is locked by another ingest (still, after waiting 0 s): pid 1" in n
    assert "已被另一导入进程锁定（已等待 0 秒，仍未释放）：主机 elsewhere" in n.to("zh")


def test_a_lock_of_this_host_and_verify_while_locked(store):
    (store / S.LOCK).write_text(json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                                            "since": pd.Timestamp.now("UTC").strftime("%Y-%m-%dT%H:%M:%SZ")}), encoding="utf-8")
    with pytest.raises(StoreLocked) as e:
        verify_store(store)
    n = _message(e)
    assert n.startswith(f"the store {store} is being written by another process (pid {os.getpid()} on this host (")
    assert n.endswith(f"): run `airq verify --store {store}` again when it has finished")
    zh = n.to("zh")
    assert zh.startswith(f"数据库 {store} 正由另一进程写入（本机进程 pid {os.getpid()}（")
    assert zh.endswith(f"）：请待其完成后再运行 `airq verify --store {store}`")


def test_the_command_line_says_a_locked_store_in_chinese(store, raw, capsys):
    _foreign_lock(store)
    argv = ["ingest", "--format", "tidy", str(raw / "demo_2025-01.csv"), "--store", str(store), "--quiet"]
    assert main([*argv, "--lang", "en"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"airq: error: the store {store} is locked by another ingest: pid 1 on elsewhere (airq ingest x)")
    assert main([*argv, "--lang", "zh"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"airq: error: 数据库 {store} 已被另一导入进程锁定：主机 elsewhere 上的进程 pid 1（airq ingest x）")
    assert err.count("\n") == 1


# ------------------------------------------------------------------------------------------ airq verify


def _damage(store: Path) -> list:
    _truncate(store / JAN, 5)
    flags = sorted((store / "quality").glob("*.parquet"))
    flags[0].unlink()
    (store / "quality" / "stray.parquet").write_bytes(flags[1].read_bytes())
    return flags


def _old_lines(rep) -> list:
    """The lines as airq wrote them before the catalogue (the English must not change)."""
    c = rep.checked
    what = (f"{c.get('partitions', 0)} partition(s) ({c.get('rows', 0)} rows recorded), {c.get('flag_files', 0)} flag file(s) "
            f"and {c.get('conflict_files', 0)} conflicts file(s)")
    out = [f"repaired: {r['file']}: {r['detail']}" for r in rep.repaired]
    out += [f"{p['file']}: {p['problem']}: {p['detail']}" for p in rep.problems]
    out += [f"note: {n}" for n in rep.notes]
    if rep.ok:
        return out + [f"store {rep.store}: {what} match the manifest"]
    return out + [f"store {rep.store}: {len(rep.problems)} problem(s) among {what}; `airq verify --store DIR --repair-from "
                  "RAW...` rebuilds damaged partitions and flag files from the raw files the manifest records"]


def test_verify_lines_in_english_and_chinese(store):
    flags = _damage(store)
    rep = verify_store(store)
    assert [p["problem"] for p in rep.problems] == ["size differs", "missing", "not in manifest"]
    en = rep.lines()
    assert rep.lines("en") == en == _old_lines(rep)
    rec = S.read_manifest(store)["partitions"][JAN]
    size = (store / JAN).stat().st_size
    assert en[0] == f"{JAN}: size differs: {rec['rows'] - 5} rows in {size} bytes; the manifest records {rec['rows']} rows in {rec['bytes']} bytes"
    assert en[2] == "quality/stray.parquet: not in manifest: a flag file airq did not record: move it out of the store"
    zh = rep.lines("zh")
    assert zh[0] == f"{JAN}：大小不符：现为 {rec['rows'] - 5} 行，{size} 字节；清单记录为 {rec['rows']} 行，{rec['bytes']} 字节"
    flag = flags[0].relative_to(store).as_posix()
    assert zh[1].startswith(f"{flag}：缺失：清单记录为 ") and zh[1].endswith(" 字节")
    assert zh[2] == "quality/stray.parquet：未记入清单：未经 airq 记录的标记文件：请将其移出数据库"
    assert zh[-1] == t("cli.verify.problems", "zh", store=store, n=3, what=t("cli.verify.what", "zh", partitions=2,
                       rows=rep.checked["rows"], flags=rep.checked["flag_files"], conflicts=rep.checked["conflict_files"]))
    # the JSON keeps the English words and sentences
    doc = json.loads(json.dumps(rep.to_dict()))
    assert [p["detail"] for p in doc["problems"]] == [str(p["detail"]) for p in rep.problems]
    assert doc["problems"][0]["detail"] == en[0].split(": ", 2)[2]


def test_verify_notes_recovery_and_an_unusable_manifest(store):
    S.read_manifest(store)
    tmp = store / "hourly" / "month=2025-01" / f".data.parquet{S.TMP_MARK}abc.tmp"
    tmp.write_bytes(b"x")
    rep = verify_store(store, recover=False)
    assert rep.notes == ["1 leftover temporary file(s) of an interrupted ingest (removed by the next ingest)"]
    assert rep.lines("zh")[0] == "注：中断的导入遗留了 1 个临时文件（下次导入时删除）"
    rep = verify_store(store)  # recovers: the temporary file is removed
    assert rep.lines()[0] == f"recovered: removed {tmp.relative_to(store).as_posix()}, left by an ingest that did not commit"
    assert rep.lines("zh")[0] == f"已恢复：删除了未提交的导入遗留的 {tmp.relative_to(store).as_posix()}"
    (store / S.MANIFEST).write_text("{", encoding="utf-8")
    rep = verify_store(store)
    assert rep.lines()[-1] == f"store {store}: its manifest cannot be used, so no file could be checked"
    assert rep.lines("zh")[-1] == f"数据库 {store}：清单无法使用，未能校验任何文件"
    assert rep.lines("zh")[0].startswith("manifest.json：清单无法读取：清单 ")
    assert rep.lines("zh")[1].startswith(f"注：磁盘上有但未校验：{JAN}（") and rep.lines("zh")[1].endswith(" 行）")
    assert rep.lines()[1].startswith(f"note: on disk, unchecked: {JAN} (") and rep.lines()[1].endswith(" rows)")


def test_verify_the_command_line_in_chinese(store, capsys):
    """`airq verify --lang zh`: its summary line is Chinese (the per-file lines once cli_data calls rep.lines(lang))."""
    _damage(store)
    assert main(["verify", "--store", str(store), "--lang", "zh"]) == 1
    out = capsys.readouterr().out.splitlines()
    assert "发现 3 个问题" in out[-1] and "--repair-from" in out[-1]
    assert out[0].startswith(f"{JAN}: size differs: ") or out[0].startswith(f"{JAN}：大小不符：")


def test_repair_says_why_a_file_was_not_repaired(store, raw, tmp_path):
    (store / FEB).unlink()
    other = tmp_path / "other"
    other.mkdir()
    shutil.copy(raw / "demo_2025-01.csv", other)  # not the February file
    rep = repair(store, other)
    p = next(p for p in rep.problems if p["file"] == FEB)
    assert "; not repaired: ingest 2 read " in p["detail"] and "demo_2025-02.csv (sha256 " in p["detail"]
    assert p["detail"].endswith("…), not found among --repair-from")
    line = next(x for x in rep.lines("zh") if x.startswith(FEB))
    assert line.startswith(f"{FEB}：缺失：清单记录为 ") and "；未修复：导入 2 读取的 " in line
    assert "demo_2025-02.csv（sha256 值 " in line and line.endswith("…）不在 --repair-from 给出的文件中")
    with pytest.raises(FileNotFoundError) as e:
        repair(store, tmp_path / "nowhere*.csv")
    n = _message(e)
    assert n == f"--repair-from {tmp_path / 'nowhere*.csv'}: no such file, folder or pattern"
    assert n.to("zh") == f"--repair-from {tmp_path / 'nowhere*.csv'}：没有这样的文件、文件夹或通配模式"


# ------------------------------------------------------------------------------------------ what a load or an ingest is given


def test_bad_arguments_of_a_load(store):
    with pytest.raises(ValueError) as e:
        S.load(store, start="not a date")
    n = _message(e)
    assert n == "load: start='not a date' is not a date or time"
    assert n.to("zh") == "load：start='not a date' 不是日期或时间"
    with pytest.raises(ValueError) as e:
        S.load(store, start="2025-02-01", end="2025-01-01")
    n = _message(e)
    assert n == "load: end 2025-01-01 00:00 is not after start 2025-02-01 00:00 (the period is [start, end))"
    assert n.to("zh") == "load：结束时间 2025-01-01 00:00 不晚于开始时间 2025-02-01 00:00（时段为 [开始, 结束)）"
    with pytest.raises(ValueError) as e:
        S.load(store, start=pd.Timestamp("2025-01-01", tz="UTC"))
    assert "is timezone-aware; give naive Beijing time" in _message(e)
    assert "带有时区；请给出不带时区的北京时间" in _message(e).to("zh")


def test_bad_arguments_of_an_ingest(store, raw, tmp_path):
    with pytest.raises(ValueError) as e:
        ingest_files("nope", raw / "demo_2025-01.csv", store)
    n = _message(e)
    assert n.startswith("unknown format 'nope'; one of cnemc, china_sites, ")
    assert n.to("zh").startswith("未知格式 'nope'；应为 cnemc、china_sites、") and n.to("zh").endswith(" 之一")
    frame = pd.DataFrame({"station": ["2506A"], "time": [pd.Timestamp("2025-03-01 01:00")],
                          **{p: [10.0] for p in ("pm25", "pm10", "so2", "no2", "co", "o3")}})
    with pytest.raises(ValueError) as e:
        S.ingest(frame, store, on_conflict="overwrite")
    n = _message(e)
    assert n == "ingest: on_conflict must be one of ('report', 'keep', 'replace'), not 'overwrite'"
    assert n.to("zh") == "ingest：on_conflict 须为 ('report', 'keep', 'replace') 之一，而不是 'overwrite'"
    with pytest.raises(ValueError) as e:
        S.ingest(pd.concat([frame, frame], ignore_index=True), store)
    n = _message(e)
    assert n == ("ingest: row 1: duplicate key (station '2506A', time 2025-03-01 01:00); resolve duplicates first "
                 "(airq.quality.check_hourly)")
    assert "：键重复（站点 '2506A'，time 2025-03-01 01:00）；请先处理重复值" in n.to("zh")
    with pytest.raises(FileNotFoundError) as e:
        S.ingest(frame, store, sources=[str(tmp_path / "gone.csv")])
    n = _message(e)
    assert n == (f"ingest: source file {str(tmp_path / 'gone.csv')!r} does not exist (sources are recorded in the manifest "
                 "with their sha256)")
    assert n.to("zh") == f"导入：源文件 {str(tmp_path / 'gone.csv')!r} 不存在（源文件连同其 sha256 记录在清单中）"


def test_the_conflict_warning_is_a_note(store):
    old = S.load(store, start="2025-01-01 01:00", end="2025-01-01 02:00", stations="2506A")
    frame = old.assign(pm25=old["pm25"] + 1)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        S.ingest(frame, store)
    msg = next(w.message for w in caught if "differ from the stored" in str(w.message)).args[0]
    assert isinstance(msg, Note)
    assert msg.startswith("ingest: 1 station-hours differ from the stored data (")
    assert msg.endswith("values); the stored values were kept. See IngestResult.conflicts or pass on_conflict='keep' / 'replace'.")
    assert msg.to("zh").startswith("ingest：1 个站时与已存数据不同（") and "已保留已存值" in msg.to("zh")


def test_a_plan_mismatch_over_several_files(tmp_path, raw):
    files = []
    for i, code in enumerate(["9001A", "9002A", "2506A"]):
        f = tmp_path / f"f{i}.csv"
        f.write_text(f"station,time,pm25\n{code},2025-03-04 01:00,40\n", encoding="utf-8")
        files.append(f)
    with pytest.raises(PlanMismatchError) as e:
        ingest_files("tidy", files, tmp_path / "s", known_stations=STATIONS)
    n = _message(e)
    assert n.startswith("no station of 2 of the 3 files (f0.csv, f1.csv) is in the plan: found 2 station(s) "
                        "(9001A, 9002A), the plan expects 4 (2506A, 2507A, 2508A, 3405A)")
    assert n.to("zh").startswith("3 个文件中的 2 个（f0.csv、f1.csv） 中没有任何站点属于本方案：发现 2 个站点（9001A、9002A），"
                                 "方案需要 4 个（2506A、2507A、2508A、3405A）")


# ------------------------------------------------------------------------------------------ the ingest summary


def test_the_ingest_summary_in_both_languages(tmp_path, raw):
    rep = ingest_files("tidy", raw / "demo_2025-01.csv", tmp_path / "s", known_stations=STATIONS)
    en = rep.summary()
    assert rep.summary("en") == en
    assert en.splitlines()[0] == f"read {rep.rows_read} hourly rows from 1 file(s) (tidy)"
    zh = rep.summary("zh").splitlines()
    assert len(zh) == len(en.splitlines())
    assert zh[0] == t("cli.ingest.read", "zh", rows=rep.rows_read, table="小时", files=1, format="tidy")
    assert zh[1] == t("cli.ingest.hour_end", "zh")
    assert zh[2].startswith("数据库：新增 ") and zh[3].startswith("行数：读取 ") and zh[4].startswith("标记的值（置为缺测，连同原因保留）：")
    empty = tmp_path / "empty.csv"
    empty.write_text("station,time,pm25\n", encoding="utf-8")
    rep = ingest_files("tidy", empty, tmp_path / "s2")
    assert rep.reader_notes[-1] == "nothing to store: no file holds a data row"
    assert render(rep.reader_notes[-1], "zh") == "无可存储的内容：没有文件含数据行"
    assert "无可存储的内容：没有文件含数据行" in rep.summary("zh").splitlines()


def test_the_ingest_summary_names_encodings_and_unparseable_values(tmp_path):
    rows = ["station,time,pm25,首要污染物"] + [f"2506A,2025-03-04 {h:02d}:00,{'abc' if h % 3 == 0 else 40},PM2.5" for h in range(1, 24)]
    files = []
    for i in range(6):
        f = tmp_path / f"f{i}.csv"
        f.write_bytes(("\n".join(rows).replace("2506A", f"25{i:02d}A") + "\n").encode("gb18030"))
        files.append(f)
    rep = ingest_files("tidy", files, tmp_path / "s")
    en, zh = rep.summary().splitlines(), rep.summary("zh").splitlines()
    assert en[2] == "encoding: gb18030 (detected) for 6 file(s): f0.csv, f1.csv, f2.csv, f3.csv and 2 more"
    assert zh[2] == "编码：gb18030（自动识别），6 个文件：f0.csv、f1.csv、f2.csv、f3.csv 等（另有 2 个）"
    assert en[6] == "  f0.csv line 4 column pm25: not a number ('abc') -> missing"
    assert zh[6] == "  f0.csv 第 4 行 pm25 列：不是数字（'abc'）→ 置为缺测"
    assert en[-1] == "  ... 37 more unparseable values (all kept in the store's quality/ folder)"
    assert zh[-1] == "  …… 另有 37 个无法解析的值（全部保留在数据库的 quality/ 文件夹中）"


def test_verify_of_a_folder_that_is_not_a_store_is_an_error(tmp_path):
    """A mistyped --store naming an existing folder (no manifest, no data) is not reported as a clean store."""
    import subprocess
    import sys

    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(FileNotFoundError) as err:
        verify_store(tmp_path)
    assert "not an airq store" in str(err.value) and "manifest.json" in str(err.value)
    proc = subprocess.run([sys.executable, "-m", "airq.cli", "verify", "--store", str(tmp_path), "--lang", "zh"],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and proc.stderr.startswith("airq: error: ") and "不是 airq 数据库" in proc.stderr
