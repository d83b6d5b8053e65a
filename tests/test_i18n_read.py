"""The readers' errors and notes in Chinese and English (issue 13): ``ReadError`` and ``df.attrs["read_notes"]``.

Every message keeps its English text byte for byte (``str(err)``, the notes as before) and is an
:class:`airq.notes.Note` that says itself in Chinese (``airq/locale/{en,zh}/read.toml``).
"""

from __future__ import annotations

import ast
import copy
import datetime as dt
import pickle
import tomllib
from pathlib import Path

import pandas as pd
import pytest

from airq import i18n
from airq.cli import main
from airq.io import ReadError, read, read_aqistudy, read_china_sites, read_prsa, read_tidy, read_tidy_daily
from airq.io.aqistudy import SHAPE_8, SHAPE_9, aqistudy_summary
from airq.io.encoding import check_encoding, to_utf8
from airq.notes import Note, note, render

ROOT = Path(__file__).resolve().parents[1]
NEXT = dt.date.today().year + 1
PRSA_HEADER = "No,year,month,day,hour,PM2.5,PM10,SO2,NO2,CO,O3,TEMP,PRES,DEWP,RAIN,wd,WSPM,station"


def _raises(fn, *args, **kw) -> ReadError:
    with pytest.raises(ReadError) as info:
        fn(*args, **kw)
    return info.value


def _both(exc) -> tuple[str, str]:
    """(English, Chinese) of an exception's message, checking that the message is a catalogue note."""
    msg = exc.args[0]
    assert isinstance(msg, Note), type(msg)
    assert render(msg, "en") == str(exc) == msg
    return str(exc), render(msg, "zh")


# --------------------------------------------------------------------------- ReadError itself


def test_readerror_composes_its_message_from_notes_and_keeps_its_attributes():
    err = ReadError("a.csv", 12, "pm2_5", "abc", note("error.read.not_number"))
    en, zh = _both(err)
    assert en == "a.csv, line 12, column 'pm2_5': not a number: 'abc'"
    assert zh == "a.csv，第 12 行，列 'pm2_5'：不是数字：'abc'"
    assert (err.path, err.row, err.column, err.value, err.unit) == ("a.csv", 12, "pm2_5", "abc", "line")
    assert err.reason == "not a number" and render(err.reason, "zh") == "不是数字"
    for copier in (copy.copy, copy.deepcopy, lambda e: pickle.loads(pickle.dumps(e))):
        c = copier(err)
        assert type(c) is ReadError and str(c) == en and render(c.args[0], "zh") == zh
        assert (c.path, c.row, c.column, c.value, c.reason, c.unit) == (err.path, err.row, err.column, err.value, err.reason, err.unit)


def test_a_plain_reason_still_works_and_records_of_parquet_and_long_values():
    err = ReadError("a.parquet", 3, None, "x" * 100, "something odd", unit="record")
    en, zh = _both(err)
    assert en == "a.parquet, record 3: something odd: '" + "x" * 39 + "… (102 characters)"
    assert zh == "a.parquet，第 3 条记录：something odd：'" + "x" * 39 + "…（共 102 个字符）"
    assert err.reason == "something odd" and not isinstance(err.reason, Note)
    assert pickle.loads(pickle.dumps(err)).reason == "something odd"
    default = ReadError(None)
    assert _both(default) == ("<input>: cannot read", "<输入>：无法读取")
    # the docstring's example, with a plain reason, is unchanged
    assert str(ReadError("a.csv", 12, "pm2_5", "abc", "not a number")) == "a.csv, line 12, column 'pm2_5': not a number: 'abc'"


# --------------------------------------------------------------------------- the readers' errors


def test_unparseable_values_with_more_in_the_file(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("station,time,pm25\n1001A,2024-01-01 01:00,abc\n1001A,2024-01-01 02:00,x\n", encoding="utf-8")
    en, zh = _both(_raises(read_tidy, f))
    assert en == (f"{f}, line 2, column 'pm25': not a number (1 more unparseable value(s) in this file; errors='flag' "
                  "turns them into NaN with a flag): 'abc'")
    assert zh == f"{f}，第 2 行，列 'pm25'：不是数字（本文件另有 1 个无法解析的值；errors='flag' 会将其设为 NaN 并标记）：'abc'"
    df = read_tidy(f, errors="flag")  # the flags' reasons stay the plain English codes (data)
    reasons = df.attrs["flags"]["reason"].tolist()
    assert reasons == ["not a number", "not a number"] and all(type(r) is str for r in reasons)


def test_sources_empty_files_and_headers(tmp_path):
    en, zh = _both(_raises(read_tidy, tmp_path / "nope.csv"))
    assert en == f"{tmp_path / 'nope.csv'}: no such file or folder" and zh == f"{tmp_path / 'nope.csv'}：文件或文件夹不存在"
    folder = tmp_path / "empty"
    folder.mkdir()
    en, zh = _both(_raises(read_tidy, folder))
    assert en == f"{folder}: folder holds no file matching *.csv or *.parquet or *.pq"
    assert zh == f"{folder}：文件夹中没有与 *.csv 或 *.parquet 或 *.pq 匹配的文件"
    assert _both(_raises(read_tidy, [])) == ("<input>: no sources given (empty list)", "<输入>：未给出任何数据来源（空列表）")
    empty = tmp_path / "e.csv"
    empty.write_bytes(b"")
    assert _both(_raises(read_tidy, empty)) == (f"{empty}: empty file (0 bytes, no header)", f"{empty}：空文件（0 字节，没有表头）")
    bad = tmp_path / "h.csv"
    bad.write_text("站点,pm25\nA,1\n", encoding="utf-8")
    en, zh = _both(_raises(read_tidy_daily, bad))
    assert en == (f"{bad}, line 1: malformed header: missing column(s) 'date' ('date' may be named 日期/监测日期); "
                  "found '站点', 'pm25'")
    assert zh == f"{bad}，第 1 行：表头格式错误：缺少列 'date'（'date' 也可写作 日期/监测日期）；文件中的列为 '站点'、'pm25'"


def test_a_row_with_too_many_fields_and_a_stray_quote(tmp_path):
    f = tmp_path / "a.csv"
    f.write_text("station,time,pm25\n1001A,2024-01-01 01:00,3,4\n", encoding="utf-8")
    en, zh = _both(_raises(read_tidy, f))
    assert en == f"{f}, line 2: row has 4 fields, the header has 3: '1001A,2024-01-01 01:00,3,4'"
    assert zh == f"{f}，第 2 行：该行有 4 个字段，表头有 3 个：'1001A,2024-01-01 01:00,3,4'"
    g = tmp_path / "q.csv"
    g.write_text('station,time,pm25\nA,2023-01-01 01:00,41\nA,2023-01-01 02:00,x"5,3"\n', encoding="utf-8")
    en, zh = _both(_raises(read_tidy, g))
    assert en.startswith(f"{g}, line 3: cannot split this line into fields: a double quote inside a field")
    assert zh.startswith(f"{g}，第 3 行：无法将此行拆分为字段：某个不以双引号开头的字段中含有双引号") and zh.endswith("：'A,2023-01-01 02:00,x\"5,3\"'")


def test_encodings(tmp_path):
    f = tmp_path / "a.csv"
    f.write_bytes("station,time,pm25\nA,2024-01-01 01:00,3\n".encode("utf-8") + b"\xff\xfe\xff\n")
    en, zh = _both(_raises(read_tidy, f, encoding="gbk"))
    assert en == f"{f}, line 3: not valid gbk text (gb18030 is its superset: try that): b'\\xff'"
    assert zh == f"{f}，第 3 行：不是有效的 gbk 文本（gb18030 是其超集，可改用 gb18030）：b'\\xff'"
    en, zh = _both(_raises(read_tidy, f))
    assert en == (f"{f}, line 3: not valid utf-8 text, nor gb18030 (invalid from line 3); name the encoding (encoding=..., "
                  "airq ingest --encoding NAME): b'\\xff'")
    assert zh.startswith(f"{f}，第 3 行：既不是有效的 utf-8 文本，也不是有效的 gb18030 文本（自第 3 行起无效）；请指明编码")
    with pytest.raises(ValueError) as info:
        check_encoding("latin-9x")
    assert str(info.value).startswith("unknown text encoding 'latin-9x': give a Python codec name such as utf-8")
    assert render(info.value.args[0], "zh").startswith("未知的文本编码 'latin-9x'：请给出 Python 编码名称")
    with pytest.raises(ReadError) as info:
        to_utf8(b"\xef\xbb\xbfok\n\xff\n", Path("x.csv"))
    assert _both(info.value) == ("x.csv, line 2: not valid utf-8 text (the file starts with its byte-order mark): b'\\xff'",
                                 "x.csv，第 2 行：不是有效的 utf-8 文本（文件以该编码的字节顺序标记开头）：b'\\xff'")


def test_implausible_dates_and_time_forms(tmp_path):
    f = tmp_path / "d.csv"
    f.write_text("station,date,pm25\nA,2999-01-01,3\n", encoding="utf-8")
    lo, hi = "2000-01-01", f"{NEXT}-12-31"
    en, zh = _both(_raises(read_tidy_daily, f))
    assert en == f"{f}, line 2, column 'date': year 2999 is outside the plausible dates {lo} .. {hi} (a wrong year?): '2999-01-01'"
    assert zh == f"{f}，第 2 行，列 'date'：年份 2999 超出合理日期范围 {lo} 至 {hi}（年份有误？）：'2999-01-01'"
    g = tmp_path / "t.csv"
    g.write_text("station,time,pm25\nA,01/02/2024 01:00,3\n", encoding="utf-8")
    en, zh = _both(_raises(read_tidy, g))
    assert en == (f"{g}, line 2, column 'time': ambiguous date order (day or month first?); accepted: YYYY-MM-DD HH:MM or "
                  "YYYY/M/D H:MM (year first, hours 0..24, optional :00 seconds, T for the space): '01/02/2024 01:00'")
    assert zh.startswith(f"{g}，第 2 行，列 'time'：日期顺序不明确（日在前还是月在前？）；可接受的写法：YYYY-MM-DD HH:MM 或 YYYY/M/D H:MM（年份在前")
    g.write_text("station,time,pm25\nA,2024-01-01 soon,3\n", encoding="utf-8")
    en, zh = _both(_raises(read_tidy, g))
    assert en.startswith(f"{g}, line 2, column 'time': not a time like 2024-01-01 01:00; accepted: YYYY-MM-DD HH:MM or")
    assert zh.startswith(f"{g}，第 2 行，列 'time'：不是形如 2024-01-01 01:00 的时间；可接受的写法：")


def test_parquet_records(tmp_path):
    f = tmp_path / "a.parquet"
    pd.DataFrame({"station": ["A", "A"], "time": ["2024-01-01 01:00", "2024-01-01 02:00"], "pm25": ["3", "abc"]}).to_parquet(f)
    en, zh = _both(_raises(read_tidy, f))
    assert en == f"{f}, record 2, column 'pm25': not a number: 'abc'"
    assert zh == f"{f}，第 2 条记录，列 'pm25'：不是数字：'abc'"


def test_china_sites_repeated_lines_and_types(tmp_path):
    f = tmp_path / "china_sites_20230101.csv"
    f.write_text("date,hour,type,1001A,1002A\n20230101,1,PM2.5,41,53\n20230101,1,PM2.5,41,54\n", encoding="utf-8")
    en, zh = _both(_raises(read_china_sites, f))
    assert en == (f"{f}, line 3, column '1002A': duplicate_conflict: this line repeats the date, hour and type of line 2, "
                  "which has '53' for this station; errors='flag' sets the disagreeing values missing and flags them: '54'")
    assert zh == (f"{f}，第 3 行，列 '1002A'：duplicate_conflict：此行与第 2 行的 date、hour、type 相同，而第 2 行该站点的值为 "
                  "'53'；errors='flag' 会将不一致的值设为缺失并标记：'54'")
    f.write_text("date,hour,type,1001A\n20230101,1,PM2.5,41\n20230101,1,PM2.5,41\n20230101,2,PM2.5,41\n"
                 "20230101,2,PM2.5,41\n", encoding="utf-8")
    notes = read_china_sites(f).attrs["read_notes"]
    assert notes == [f"{f.name}: 2 repeated line(s) identical to an earlier line dropped (line 3 repeats line 2; line 5 repeats line 4)"]
    assert render(notes[0], "zh") == f"{f.name}：2 个与前面某行完全相同的重复行已删除（第 3 行重复第 2 行；第 5 行重复第 4 行）"
    f.write_text("date,hour,type,1001A\n20230101,1,PM9,41\n", encoding="utf-8")
    en, zh = _both(_raises(read_china_sites, f))
    assert en.startswith(f"{f}, line 2, column 'type': unknown type (known: SO2, NO2, CO, O3, PM10, PM2.5, AQI, SO2_24h,")
    assert zh.startswith(f"{f}，第 2 行，列 'type'：未知的 type（可用：SO2、NO2、CO、O3、PM10、PM2.5、AQI、SO2_24h、")


def test_prsa_unknown_station_and_no_such_date(tmp_path):
    f = tmp_path / "PRSA_Data_X_x.csv"
    f.write_text(PRSA_HEADER + "\n1,2015,1,1,1,41,60,7,20,800,70,1,1,1,0,N,1,Nowhere\n", encoding="utf-8")
    en, zh = _both(_raises(read_prsa, f))
    assert en.startswith(f"{f}, line 2, column 'station': unknown PRSA station (known: Wanshouxigong, Dingling, Dongsi,")
    assert zh.startswith(f"{f}，第 2 行，列 'station'：未知的 PRSA 站点（可用：Wanshouxigong、Dingling、Dongsi、")
    assert en.endswith(": 'Nowhere'") and zh.endswith("）：'Nowhere'")
    f.write_text(PRSA_HEADER + "\n1,2015,2,30,1,41,60,7,20,800,70,1,1,1,0,N,1,Dongsi\n", encoding="utf-8")
    assert _both(_raises(read_prsa, f)) == (f"{f}, line 2, column 'day': no such date 2015-02-30: '30'",
                                            f"{f}，第 2 行，列 'day'：日期 2015-02-30 不存在：'30'")


def test_aqistudy_conflicts_and_categories(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    head = "date,AQI,质量等级,PM2.5,PM10,SO2,CO,NO2,O3_8h\n"
    (tmp_path / "a" / "北京.csv").write_text(head + "2015-01-01,50,优,41,60,7,0.8,20,70\n", encoding="utf-8")
    (tmp_path / "b" / "北京.csv").write_text(head + "2015-01-01,50,优,42,60,7,0.8,20,70\n", encoding="utf-8")
    en, zh = _both(_raises(read_aqistudy, [tmp_path / "a", tmp_path / "b"]))
    assert en == (f"{tmp_path / 'b' / '北京.csv'}, line 2, column 'PM2.5': duplicate_conflict: 北京 2015-01-01 is also in "
                  "a/北京.csv line 2 with '41'; errors='flag' sets disagreeing values missing and flags both rows: '42'")
    assert zh == (f"{tmp_path / 'b' / '北京.csv'}，第 2 行，列 'PM2.5'：duplicate_conflict：北京 2015-01-01 也出现在 a/北京.csv "
                  "第 2 行，值为 '41'；errors='flag' 会将不一致的值设为缺失并标记这两行：'42'")
    (tmp_path / "b" / "北京.csv").write_text(head + "2015-01-02,50,极好,42,60,7,0.8,20,70\n", encoding="utf-8")
    en, zh = _both(_raises(read_aqistudy, tmp_path / "b"))
    assert en.endswith("column '质量等级': unknown category (known: 优 良 轻度污染 中度污染 重度污染 严重污染 无): '极好'")
    assert zh.endswith("列 '质量等级'：未知的质量等级（可用：优 良 轻度污染 中度污染 重度污染 严重污染 无）：'极好'")
    flags = read_aqistudy(tmp_path / "b", errors="flag").attrs["flags"]
    assert flags["reason"].tolist() == ["unknown category (known: 优 良 轻度污染 中度污染 重度污染 严重污染 无)"]
    assert type(flags["reason"].iloc[0]) is str


def test_arguments_of_the_readers():
    with pytest.raises(ValueError) as info:
        read("nope", "x.csv")
    assert str(info.value) == ("unknown format 'nope'; known: cnemc, china_sites, prsa, tidy, tidy_daily, guigang_daily, "
                               "aqistudy")
    assert render(info.value.args[0], "zh") == ("未知的格式 'nope'；可用格式：cnemc、china_sites、prsa、tidy、tidy_daily、"
                                                 "guigang_daily、aqistudy")
    with pytest.raises(ValueError) as info:
        read_tidy("x.csv", errors="ignore")
    assert str(info.value) == "errors must be 'raise' or 'flag', not 'ignore'"
    assert render(info.value.args[0], "zh") == "errors 只能是 'raise' 或 'flag'，不能是 'ignore'"


# --------------------------------------------------------------------------- the readers' notes


def test_read_notes_are_notes_and_survive_the_attrs_handling(tmp_path):
    (tmp_path / "a.csv").write_text("station,time,pm25\nA,2024-01-01 01:00,3\nA,2024-01-01 02:00,5", encoding="utf-8")
    (tmp_path / "b.csv").write_text("station,time,pm25\n", encoding="utf-8")
    df = read_tidy([tmp_path / "a.csv", tmp_path / "b.csv"], errors="flag")
    notes = df.attrs["read_notes"]
    assert notes == ["a.csv line 3: no final newline (the file may be cut short); 1 value(s) of that line set missing and "
                     "flagged truncated_last_line: pm25", "header only, no rows: b.csv"]
    zh = ["a.csv 第 3 行：末尾没有换行符（文件可能被截断）；该行 1 个值已设为缺失并标记为 truncated_last_line：pm25",
          "只有表头，没有数据行：b.csv"]
    assert [render(n, "zh") for n in notes] == zh
    df.attrs.pop("flags", None)
    for how in (lambda d: d.copy(), copy.deepcopy, lambda d: pickle.loads(pickle.dumps(d)), lambda d: pd.concat([d, d]),
                lambda d: d.iloc[:1]):
        kept = how(df).attrs["read_notes"]
        assert all(isinstance(n, Note) for n in kept) and [render(n, "zh") for n in kept] == zh
    # errors="raise" (airq ingest --strict) refuses the possibly cut value, in either language
    en, zh_err = _both(_raises(read_tidy, tmp_path / "a.csv", errors="raise"))
    assert en.endswith("stored as missing, flagged truncated_last_line): '5'")
    assert zh_err.startswith(f"{tmp_path / 'a.csv'}，第 3 行，列 'pm25'：文件在此行中途结束，末尾没有换行符，此值可能被截短")


def test_the_aqistudy_summary_lines_are_notes():
    names = [f"cities/城{k}.csv" for k in range(11)]
    info = {"files_read": 12, "rows_read": 100, "rows_out": 90, "cities": 11, "encodings": {"gbk": 11, "utf-8": 1},
            "header_shapes": {SHAPE_8: 11, SHAPE_9: 1}, "line_endings": {"\\r\\r\\n": 11, "\\n": 1},
            "no_data_rows": 3, "no_data_nonzero": {"so2": 2, "co": 0}, "header_only_files": [],
            "out_of_order_files": names, "duplicates_collapsed": 4, "conflicts": 1, "conflict_values": 2,
            "conflict_examples": ["北京 2015-01-01 pm25"]}
    lines = aqistudy_summary(info)
    assert all(isinstance(x, Note) for x in lines)
    assert lines == [
        "aqistudy: 12 file(s), 100 rows -> 90 city-days of 11 cities",
        f"  encodings: gbk 11, utf-8 1; headers: {SHAPE_8} 11, {SHAPE_9} 1; line endings: \\n 1, \\r\\r\\n 11",
        "  no-data days (category 无, all values set missing, not clean days): 3 (raw values discarded that were not 0: so2 2)",
        "  header-only files (no rows): 0",
        "  files not in date order (rows sorted by date): 11: " + ", ".join(names[:8]) + ", ... (3 more)",
        "  duplicate city-days: 4 agreeing (collapsed to one row), 1 conflicting (2 values set missing, flagged duplicate_conflict)",
        "  conflicts e.g.: 北京 2015-01-01 pm25",
    ]
    zh = [render(x, "zh") for x in lines]
    assert zh[0] == "aqistudy：12 个文件，100 行 -> 11 个城市的 90 个城市日"
    assert zh[1] == ("  编码：gbk 11、utf-8 1；表头：8 个列名的表头（缺 质量等级，数据行有 9 个字段） 11、9 个列名的表头 1；"
                     "换行符：\\n 1、\\r\\r\\n 11")
    assert zh[4] == "  日期未按顺序排列的文件（已按日期排序）：11：" + "、".join(names[:8]) + "、……（另有 3 个）"
    assert zh[5] == "  重复的城市日：4 个一致（已合并为一行），1 个冲突（2 个值设为缺失，标记为 duplicate_conflict）"


# --------------------------------------------------------------------------- the command line


def test_ingest_says_a_bad_file_in_the_chosen_language(tmp_path, capsys):
    f = tmp_path / "a.csv"
    f.write_text("station,time,pm25\n1001A,2024-01-01 01:00,abc\n", encoding="utf-8")
    argv = ["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "store"), "--strict", "--quiet"]
    assert main([*argv, "--lang", "zh"]) == 1
    assert capsys.readouterr().err == f"airq: error: {f}，第 2 行，列 'pm25'：不是数字：'abc'\n"
    assert main([*argv, "--lang", "en"]) == 1
    assert capsys.readouterr().err == f"airq: error: {f}, line 2, column 'pm25': not a number: 'abc'\n"
    assert main(["ingest", "--format", "tidy", str(f), "--store", str(tmp_path / "store"), "--encoding", "nope", "--lang", "zh"]) == 1
    assert capsys.readouterr().err.startswith("airq: error: 未知的文本编码 'nope'：")


# --------------------------------------------------------------------------- the catalogue


def _flat(table: dict, prefix: str = "") -> dict:
    out = {}
    for k, v in table.items():
        out.update(_flat(v, f"{prefix}{k}.") if isinstance(v, dict) else {f"{prefix}{k}": v})
    return out


def test_the_readers_catalogue_is_complete_in_both_languages():
    files = {lang: _flat(tomllib.loads((ROOT / "airq" / "locale" / lang / "read.toml").read_text(encoding="utf-8")))
             for lang in i18n.LANGS}
    assert set(files["zh"]) == set(files["en"]) and len(files["en"]) > 90
    for key, en in files["en"].items():
        assert i18n.fields(files["zh"][key]) == i18n.fields(en), key
        assert key.startswith(("note.error.read.", "note.read.")), key
    used = set()
    for path in sorted((ROOT / "airq" / "io").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "note" and node.args
                    and isinstance(node.args[0], ast.Constant)):
                used.add(f"note.{node.args[0].value}")
    assert len(used) > 80 and used <= set(files["en"])
