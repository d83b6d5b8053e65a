"""Build the measures registers from the two plan texts, deterministically.

    python tools/build_measures.py [--plans ../shared/reference/plans] [--out config]

writes ``config/qixing_2023_measures.csv`` (every measure of the Qixing task breakdown table, all
eight key-task areas: dated ones with their day, the others recurring or ongoing) and
``config/guigang_2023_measures.csv`` (every dated or periodic task of the Guigang plan's
chapters 三 and 四), UTF-8 with BOM. The registers are derived data; the plan texts themselves
stay outside the repository. How the texts are read (docs/measures.md, "The two registers"):

* **Qixing** (a tab-separated table, page breaks repeat the header and split cells): cells of
  continuation rows are joined to the measure, goal and unit cells above them; a measures cell
  is split at its item numbers ``1.``, ``2.`` … (in sequence); an item with several deadlines
  (八(一)3: three inspection rounds) gives one measure per sentence. Units come from the
  责任主体 cell (牵头单位 / 配合单位 / 责任单位).
* **Guigang** (prose): paragraphs broken by page breaks are joined; each sentence of a task with
  a time phrase gives a measure (two phrases in one sentence: one measure per clause, sharing
  the clauses before the first). A sentence without a subject (starting with 于 or with the date)
  carries the previous sentence as context. Lead units: a unit the sentence makes lead
  ("X牵头"), else the 牵头单位 of the task's parenthesis, else the sentence's subject
  ("市住房城乡建设局要 …"). Unit names take the 市 prefix the plan leaves implicit (市发改委、
  工信局 → 市工信局). Counties: those the sentence names, else those of its 责任单位, else all
  five for 各县（市、区）.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from airq.measures import REGISTER_COLUMNS, find_due_phrases, parse_due, read_register, write_register  # noqa: E402

PLAN_YEAR = 2023
QIXING = "guilin_qixing_2023_task_breakdown.txt"
GUIGANG = "guigang_2023_air_plan.txt"
CN = "一二三四五六七八九十"
GG_COUNTIES = ("港北区", "港南区", "覃塘区", "桂平市", "平南县")  # the annex table of the Guigang plan
QX_ALIASES = {"七星生态环境局": "市七星生态环境局"}  # one unit, two spellings in the table
UNIT_END = r"(?:局|委|政府|办公室|管委会|指挥部|单位|公司|支队|海关)"
OPEN, CLOSE = "（(“《", "）)”》"


class Pieces:
    """Text joined from lines, remembering which line each part came from."""

    def __init__(self):
        self.text, self.marks = "", []

    def add(self, text: str, line: int) -> None:
        self.marks.append((len(self.text), line))
        self.text += text

    def line_at(self, offset: int) -> int:
        return max((ln for off, ln in self.marks if off <= offset), default=self.marks[0][1])


def cn_int(text: str) -> int:
    return CN.index(text) + 1 if len(text) == 1 else 10 + (CN.index(text[1]) + 1 if len(text) > 1 else 0)


def tidy(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def squeeze(text: str) -> str:
    """No spaces between Chinese characters (cells wrapped by the conversion: "强化督 导问效")."""
    return re.sub(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])", "", tidy(text))


def split_top(text: str, seps: str) -> list[tuple[int, str]]:
    """``text`` split at ``seps`` outside brackets and quotes: (offset, part)."""
    out, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        depth += (ch in OPEN) - (ch in CLOSE)
        if ch in seps and depth <= 0:
            out.append((start, text[start:i]))
            start = i + 1
    out.append((start, text[start:]))
    return out


def sentences(text: str) -> list[tuple[int, str]]:
    return [(off, s) for off, s in split_top(text, "。") if s.strip()]


def dated(text: str, periodic: bool = True) -> list[tuple[int, int, object]]:
    """The time phrases of ``text`` that set a deadline (or a period, when ``periodic``)."""
    keep = ("date", "month_end", "range", "ambiguous") + (("recurring",) if periodic else ())
    return [p for p in find_due_phrases(text, PLAN_YEAR) if p[2].kind in keep]


def clause_split(sentence: str, phrases) -> list[tuple[str, object, int]]:
    """One chunk per phrase: the clauses before the first phrase, then the phrase's clauses."""
    clauses = split_top(sentence.rstrip("。"), "，")
    where = [max(i for i, (off, _) in enumerate(clauses) if off <= p[0]) for p in phrases]
    lead = [c for _, c in clauses[: where[0]]]
    out = []
    for k, i in enumerate(where):
        stop = where[k + 1] if k + 1 < len(where) and where[k + 1] > i else len(clauses) if k + 1 == len(where) else i + 1
        out.append(("，".join(lead + [c for _, c in clauses[i:stop]]) + "。", phrases[k][2], phrases[k][0]))
    return out


# --------------------------------------------------------------------------- units


def unit_lists(text: str, norm) -> dict[str, list[str]]:
    """牵头单位 / 配合单位 / 责任单位 of a units text, each a list of normalised names."""
    text = re.sub(r"\s+", "", text)
    parts = re.split(r"(牵头单位|配合单位|责任单位)[:：]", text)
    out = {"lead": [], "coop": [], "resp": []}
    for label, body in zip(parts[1::2], parts[2::2]):
        key = {"牵头单位": "lead", "配合单位": "coop", "责任单位": "resp"}[label]
        names = [p.strip("。；;，,、 ").removesuffix("等") for _, p in split_top(body.strip("。；; "), "、，,；;")]
        out[key] += norm([n for n in names if n])
    return out


def qx_norm(names: list[str]) -> list[str]:
    return list(dict.fromkeys(QX_ALIASES.get(n, n) for n in names))


def gg_norm(names: list[str]) -> list[str]:
    """Guigang names: counties take the suffix of the next name (港北区、港南区人民政府), 区政府 is 区人民政府,
    other names the implicit 市 prefix (工信局 -> 市工信局; 市场监管局 -> 市市场监管局)."""
    out = []
    for i, n in enumerate(names):
        if n in GG_COUNTIES:
            nxt = next((m for m in names[i + 1:] if m not in GG_COUNTIES), "")
            suffix = next((nxt[len(c):] for c in GG_COUNTIES if nxt.startswith(c)), "") or "人民政府"
            n += suffix
        n = re.sub(rf"^({'|'.join(GG_COUNTIES)})政府$", r"\1人民政府", n)
        known = n.startswith(("市", "贵港", "各", "广西", "中国", "中石化", "中石油", "辖区", *GG_COUNTIES))
        out.append(n if known and not n.startswith("市场") else "市" + n)
    return list(dict.fromkeys(out))


# --------------------------------------------------------------------------- Qixing


def qixing_goals(path: Path) -> list[dict]:
    """The table's goals, each with its area, title, measures text and units text (continuations joined)."""
    goals, area = [], None
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        cells = line.split("\t")
        if len(cells) != 5 or cells[0].strip() == "序号":
            continue
        seq, task, goal, meas, units = (re.sub(r"</?p>", "", re.sub(r"</p>\s*<p>", " ", c)) for c in cells)
        if seq.strip():
            area = (cn_int(seq.strip().rstrip("、")), squeeze(task))
        m = re.match(r"\s*[(（]([一二三四五六七八九十]+)[)）]\s*(.*)", goal)
        if m:
            goals.append({"area": area, "no": cn_int(m.group(1)), "title": squeeze(m.group(2)), "line": n,
                          "measures": Pieces(), "units": Pieces()})
        elif goal.strip():
            goals[-1]["title"] = squeeze(goals[-1]["title"] + goal)
        if meas.strip():
            goals[-1]["measures"].add(meas.strip(), n)
        if units.strip():
            goals[-1]["units"].add(units.strip(), n)
    return goals


def numbered_items(text: str) -> list[tuple[int, str]]:
    """A measures cell split at its item numbers 1. 2. 3. … (in sequence); one item when unnumbered."""
    if not re.match(r"\s*1\s*[.．]", text):
        return [(0, text.strip())]
    marks, n, pos = [], 1, 0
    while m := re.compile(rf"(?:^|(?<=[\s。；”]))\s*{n}\s*[.．]").search(text, pos):
        marks.append((m.start(), m.end()))
        n, pos = n + 1, m.end()
    return [(s, text[e: marks[i + 1][0] if i + 1 < len(marks) else len(text)].strip()) for i, (s, e) in enumerate(marks)]


def qixing_item_measures(item: str) -> list[tuple[str, object, int]]:
    """(text, Due, offset) of the measures of one item: one, or one per dated sentence when it has several dates."""
    phrases = dated(item, periodic=False)
    if len(phrases) <= 1:
        return [(item, parse_due(phrases[0][2].text if phrases else _periodic_words(item), PLAN_YEAR), 0)]
    out, pending = [], ""
    for off, s in sentences(item):
        ph = [(a - off, b - off, d) for a, b, d in phrases if off <= a < off + len(s)]
        if not ph:
            pending += s + "。"
            continue
        chunks = [(s + "。", ph[0][2], ph[0][0])] if len(ph) == 1 else clause_split(s, ph)
        out += [((pending + c).strip(), d, off + o) for c, d, o in chunks]
        pending = ""
    return out


def _periodic_words(text: str) -> str:
    """The first recurring phrase (每月 …), else the first ongoing one (持续 …), else "" (no time stated)."""
    found = find_due_phrases(text, PLAN_YEAR)
    for kind in ("recurring", "ongoing"):
        hit = [d for _, _, d in found if d.kind == kind]
        if hit:
            return hit[0].text
    return ""


def build_qixing(path: Path) -> pd.DataFrame:
    rows = []
    for g in qixing_goals(path):
        units = unit_lists(g["units"].text, qx_norm)
        for item_no, (off, item) in enumerate(numbered_items(g["measures"].text), 1):
            ms = qixing_item_measures(item)
            for k, (text, due, o) in enumerate(ms, 1):
                rid = f"QX-{g['area'][0]}.{g['no']}.{item_no}" + (f"-{k}" if len(ms) > 1 else "")
                rows.append(_row(rid, g["area"][1], g["title"], text, due, units, ["七星区"],
                                 f"{path.name}, line {g['measures'].line_at(off + o)}"))
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))


def _row(rid, task, goal, text, due, units, counties, source) -> dict:
    return {"id": rid, "task": task, "goal": goal, "text": tidy(text), "due": due.due, "due_text": tidy(due.text),
            "due_kind": due.kind, "lead_units": units["lead"], "cooperating_units": units["coop"],
            "responsible_units": units["resp"], "counties": counties, "source": source}


# --------------------------------------------------------------------------- Guigang


def clean_md(line: str) -> str:
    line = re.sub(r"<sub>(.*?)</sub>", r"\1", line).replace("**", "").replace("<br>", "")
    return re.sub(r"^#+\s*", "", line).strip()


def closed(text: str) -> bool:
    depth = sum(text.count(c) for c in "（(") - sum(text.count(c) for c in "）)")
    return depth <= 0 and text.endswith(("。", "）", ")", "：", ":"))


def guigang_paragraphs(path: Path) -> list[Pieces]:
    """Paragraphs (a heading alone; body paragraphs broken by page breaks joined), up to the annex."""
    paras, cur = [], None
    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        text = clean_md(raw)
        if not text:
            continue
        if text.startswith("附件"):
            break
        if cur is not None and not cur.heading and not closed(cur.text):
            cur.add(text, n)
            continue
        cur = Pieces()
        cur.heading = raw.lstrip().startswith("#")
        cur.add(text, n)
        paras.append(cur)
    return paras


def guigang_tasks(path: Path) -> list[dict]:
    """Chapter 三's numbered tasks and chapter 四's sections: id base, task, goal, body paragraphs (Pieces, start)."""
    tasks, chapter, section, stitle = [], 0, 0, ""
    for p in guigang_paragraphs(path):
        t = p.text
        if m := re.match(r"([一二三四五六七八九十]+)、(.*)", t):
            chapter, section = cn_int(m.group(1)), 0
            continue
        if chapter not in (3, 4):
            continue
        if m := re.match(r"（([一二三四五六七八九十]+)）", t):
            section = cn_int(m.group(1))
            title, _, _ = t[m.end():].partition("。")
            stitle = title.strip()
            if chapter == 4:
                tasks.append({"id": f"GG-4.{section}", "task": "保障措施", "goal": stitle, "paras": []})
                tasks[-1]["paras"].append((p, m.end() + len(title) + 1))
            continue
        if chapter == 3 and (m := re.match(r"(\d{1,2})\s*[.．、]\s*", t)):
            title, _, _ = t[m.end():].partition("。")
            tasks.append({"id": f"GG-3.{section}.{m.group(1)}", "task": stitle, "goal": title.strip(), "paras": []})
            tasks[-1]["paras"].append((p, m.end() + len(title) + 1))
            continue
        if tasks:
            tasks[-1]["paras"].append((p, 0))
    return tasks


PAREN = re.compile(r"（(?=(?:牵头单位|配合单位|责任单位)[:：])")


def paren_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for m in PAREN.finditer(text):
        depth = 0
        for i in range(m.start(), len(text)):
            depth += (text[i] == "（") - (text[i] == "）")
            if depth == 0:
                spans.append((m.start(), i + 1))
                break
    return spans


SUBJECT = re.compile(rf"^((?:市|各|贵港|{'|'.join(GG_COUNTIES)})[^，。、；]{{0,16}}?{UNIT_END})(?:要|将|于|在|以|牵头)")


def own_lead(text: str) -> list[str]:
    """The units a text makes lead: "X牵头" (the last clause part before 牵头)."""
    for m in re.finditer(r"([^，。；：:（）]+?)牵头", text):
        names = [n for _, n in split_top(m.group(1).strip(), "、")]
        if names and all(re.search(UNIT_END + "$", n) or n in GG_COUNTIES for n in names):
            return gg_norm(names)
    return []


def guigang_measures(task: dict, name: str) -> list[dict]:
    """The dated measures of one task, with their units (the parenthesis after them) and counties."""
    out, pending, prev = [], [], ""
    for pieces, start in task["paras"]:
        text = pieces.text
        spans = paren_spans(text) + [(len(text), len(text))]
        pos = start
        for a, b in spans:
            for off, s in sentences(text[pos:a]):
                prev = _sentence(s, pos + off, prev, pieces, name, pending, out)
            if a < b:
                units = unit_lists(text[a + 1: b - 1], gg_norm)
                for m in pending:
                    m["block"] = units
                pending.clear()
            pos = b
    return [_finish(task, m, k, len(out)) for k, m in enumerate(out, 1)]


def _sentence(s, offset, prev, pieces, name, pending, out) -> str:
    phrases = dated(s)
    if not phrases:
        return s + "。"
    body = s.strip()
    context = prev if re.match(r"于|在", body) or phrases[0][0] == len(s) - len(s.lstrip()) else ""
    chunks = [(s + "。", phrases[0][2], phrases[0][0])] if len(phrases) == 1 else clause_split(s, phrases)
    for chunk, due, o in chunks:
        m = {"text": context + chunk.strip(), "chunk": chunk, "context": context, "due": due,
             "source": f"{name}, line {pieces.line_at(offset + o)}", "block": None}
        pending.append(m)
        out.append(m)
    return s + "。"


def _finish(task: dict, m: dict, k: int, n: int) -> dict:
    block = m["block"] or {"lead": [], "coop": [], "resp": []}
    subject = SUBJECT.match(m["chunk"].strip()) or SUBJECT.match(m["context"].strip())
    lead = own_lead(m["chunk"]) or own_lead(m["context"]) or block["lead"] or \
        (gg_norm([subject.group(1)]) if subject else [])
    if not lead:
        raise SystemExit(f"{m['source']}: no lead unit found for {m['text'][:40]!r}")
    units = {"lead": lead, "coop": block["coop"], "resp": block["resp"]}
    rid = task["id"] + (f"-{k}" if n > 1 else "")
    return _row(rid, task["task"], task["goal"], m["text"], m["due"], units, counties(m["text"], block["resp"]),
                m["source"])


def counties(text: str, responsible: list[str]) -> list[str]:
    named = [c for c in GG_COUNTIES if c in text]
    if named:
        return named
    named = [c for c in GG_COUNTIES if any(r.startswith(c) for r in responsible)]
    if named:
        return named
    return list(GG_COUNTIES) if "各县（市、区）" in text or any(r.startswith("各县") for r in responsible) else []


def build_guigang(path: Path) -> pd.DataFrame:
    rows = [r for t in guigang_tasks(path) for r in guigang_measures(t, path.name)]
    return pd.DataFrame(rows, columns=list(REGISTER_COLUMNS))


# --------------------------------------------------------------------------- main


def build(plans: Path, out: Path) -> dict[str, int]:
    """Write both registers (and empty status files where there are none); returns the rows per file."""
    made = {}
    for stem, builder, text in (("qixing_2023_measures", build_qixing, QIXING),
                                ("guigang_2023_measures", build_guigang, GUIGANG)):
        frame = builder(plans / text)
        target = out / f"{stem}.csv"
        write_register(frame, target)
        read_register(target)  # what was written reads back without an error
        status = out / f"{stem}_status.csv"
        if not status.exists():
            from airq.measures import write_status

            write_status(None, status)
        made[str(target)] = len(frame)
    return made


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--plans", type=Path, default=ROOT.parent / "shared" / "reference" / "plans",
                    help="folder of the plan texts (default: ../shared/reference/plans)")
    ap.add_argument("--out", type=Path, default=ROOT / "config", help="where the registers go (default: config)")
    args = ap.parse_args(argv)
    for f in (QIXING, GUIGANG):
        if not (args.plans / f).is_file():
            print(f"build_measures: error: {args.plans / f} not found (give --plans)", file=sys.stderr)
            return 1
    for target, n in build(args.plans, args.out).items():
        print(f"{target}: {n} measures")
    return 0


if __name__ == "__main__":
    sys.exit(main())
