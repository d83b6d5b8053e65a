"""Due dates from a plan's own words: "2023 年 6 月底前", "5月25日前", "8—9 月", "每月", "持续" ...

:func:`parse_due` reads one phrase (or a sentence holding one) and says what kind of deadline
it is and, where the words fix one, the day it falls due; :func:`find_due_phrases` finds every
time phrase in a longer text. Nothing is guessed silently: words that admit two readings
("8月前": before August, or by the end of August?) are returned with ``kind="ambiguous"``,
no date, and a note saying why. The reading rules are listed in ``docs/measures.md``; in short

========================  =========================================  ==============
words                     due                                        kind
========================  =========================================  ==============
5月25日前, 7月1日          that day                                   ``date``
6 月上旬前 / 中旬前        the 10th / the 20th                        ``date``
6 月下旬前, 6 月底前       the last day of the month                  ``month_end``
2023 年底前, 年末          31 December                                ``month_end``
三季度末                   the last day of the quarter                ``month_end``
8—9 月, 2023 年 10—12 月  the last day of the range's last month     ``range``
2023 年 8 月, 三季度, 上半年, 年内   the last day of that period        ``range``
每月, 每周, 每两个月        none (it recurs)                           ``recurring``
持续, 长期坚持, 常态化      none (no deadline)                         ``ongoing``
8月前, 三季度前            none: two readings                         ``ambiguous``
========================  =========================================  ==============

Digits may be half-width (6), full-width (６) or Chinese (六); dashes —, –, －, -, ~, ～, 至
and 到 all join a range. A phrase without a year takes the plan's year. Phrases inside a
document title (《…》, e.g. "（2021—2025年）") are never deadlines and are skipped.

References
----------
.. [1] docs/measures.md, "Reading the plan's words" (the rules above, with the phrasings of the
   Guigang 2023 plan and the Qixing 2023 task breakdown they were tested on).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

from .notes import note

__all__ = ["DUE_KINDS", "Due", "parse_due", "find_due_phrases", "CALENDAR_KINDS"]

#: Kinds of deadline, in the order of the table above (``ambiguous`` last).
DUE_KINDS = ("date", "month_end", "range", "recurring", "ongoing", "ambiguous")
#: Kinds that fix a day (the register's ``due`` must be set for them).
CALENDAR_KINDS = ("date", "month_end", "range")


@dataclass(frozen=True)
class Due:
    """One reading of the plan's words.

    Attributes
    ----------
    due : datetime.date or None
        The last day the measure may be done on; None for recurring, ongoing and ambiguous words.
    kind : str
        One of :data:`DUE_KINDS`.
    text : str
        The words as written in the plan (the phrase read).
    note : str
        The rule applied, or why the words are ambiguous: an :class:`airq.notes.Note` (its English
        text; ``render(due.note, "zh")`` says it in Chinese).
    """

    due: dt.date | None
    kind: str
    text: str
    note: str = ""


_CN = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_N = r"(?:\d{1,2}|[一二三]?十[一二三四五六七八九]?|[一二三四五六七八九])"
_S = r"\s*"
_Y = rf"(?:(?P<y>\d{{4}}){_S}年{_S})?"
_DASH = r"[-—–―‐‑‒−~～－至到]"
_BEFORE = r"(?:之前|以前|前)?"
_PERIOD = r"(?:月|周|星期|季度|季|年|天|日|旬|半月|半年)"

_PATTERNS = {
    "date_range": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?P<d>{_N}){_S}[日号]{_S}{_DASH}{_S}(?:(?P<y2>\d{{4}}){_S}年{_S})?"
                  rf"(?:(?P<m2>{_N}){_S}月{_S})?(?P<d2>{_N}){_S}[日号]{_S}{_BEFORE}",
    "month_range": rf"{_Y}(?P<m>{_N}){_S}月?{_S}{_DASH}{_S}(?:(?P<y2>\d{{4}}|次|翌|明){_S}年{_S})?(?P<m2>{_N}){_S}月"
                   rf"{_S}(?:份{_S})?(?P<end>底|末)?{_S}{_BEFORE}",
    "date": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?P<d>{_N}){_S}[日号]{_S}(?:之前|以前|前|起)?",
    "xun": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?P<x>[上中下])旬{_S}(?:末{_S})?{_BEFORE}",
    "month_end": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?:份{_S})?(?:底|末){_S}{_BEFORE}",
    "month_before": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?:份{_S})?(?:之前|以前|前)",
    "month": rf"{_Y}(?P<m>{_N}){_S}月{_S}(?:份|内|中)?",
    "quarter": rf"{_Y}(?:第{_S})?(?P<q>[1-4一二三四]){_S}季度{_S}(?P<qs>末|底|内|之前|以前|前)?{_S}{_BEFORE}",
    "half": rf"{_Y}(?P<h>[上下])半年{_S}(?:末{_S}|底{_S})?{_BEFORE}",
    "year_end": rf"(?:(?P<y>\d{{4}}){_S}年|(?<![\d年])年|(?:本|今|当)年){_S}(?:度{_S})?(?P<e>底|末|内){_S}{_BEFORE}",
    "year_range": rf"(?P<y>\d{{4}}){_S}年?{_S}{_DASH}{_S}(?P<y2>\d{{4}}){_S}年",
    "recurring": rf"每{_S}(?:(?:[一两二三四五六七八九十]|\d+){_S}个?{_S})?{_PERIOD}"
                 rf"(?:{_S}(?:月底|月末|底|末|[上中下]旬|{_N}{_S}[日号]))?{_S}{_BEFORE}",
    "ongoing": r"持续|长期坚持|长期|常态化|日常",
}
_COMPILED = {k: re.compile(v) for k, v in _PATTERNS.items()}
# a Chinese numeral starts a date only after a boundary (not inside a word such as 统一月度)
_CN_START = re.compile(r"[一二三四五六七八九十两]")
_CN_OK_BEFORE = set("年于在至到—－-~～、，,（(：: 第") | {""}
_TITLE = re.compile(r"《[^《》]*》")


def _fold(text: str) -> str:
    """Full-width digits, letters and signs as half-width, character by character (same length)."""
    out = []
    for ch in text:
        n = unicodedata.normalize("NFKC", ch)
        out.append(n if len(n) == 1 and ch not in "—（）：，" else ch)
    return "".join(out)


def _num(text: str) -> int:
    if text.isdigit():
        return int(text)
    if "十" in text:
        a, _, b = text.partition("十")
        return (_CN[a] if a else 1) * 10 + (_CN[b] if b else 0)
    return _CN[text]


def _month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


#: The rule applied to each kind of phrase: notes of the catalogue (``[note.measures.due]``), English as
#: written here before, said in Chinese with ``airq.notes.render(due.note, "zh")``.
_RULES = {
    "date": note("measures.due.date"),
    "xun_上": note("measures.due.xun_early"),
    "xun_中": note("measures.due.xun_mid"),
    "xun_下": note("measures.due.xun_late"),
    "month_end": note("measures.due.month_end"),
    "month": note("measures.due.month"),
    "month_range": note("measures.due.month_range"),
    "date_range": note("measures.due.date_range"),
    "quarter_end": note("measures.due.quarter_end"),
    "quarter": note("measures.due.quarter"),
    "half": note("measures.due.half"),
    "year_end": note("measures.due.year_end"),
    "year_in": note("measures.due.year_in"),
    "year_range": note("measures.due.year_range"),
    "recurring": note("measures.due.recurring"),
    "ongoing": note("measures.due.ongoing"),
}


def _calendar(name: str, m: re.Match, plan_year: int | None) -> tuple[dt.date | None, str, str]:
    """(due, kind, note) of one match of a calendar pattern."""
    g = m.groupdict()
    year = int(g["y"]) if g.get("y") else plan_year
    if name == "year_range":
        return dt.date(int(g["y2"]), 12, 31), "range", _RULES["year_range"]
    if year is None:
        return None, "ambiguous", note("measures.due.no_year")
    if name == "year_end":
        return dt.date(year, 12, 31), ("range" if g["e"] == "内" else "month_end"), \
            _RULES["year_in" if g["e"] == "内" else "year_end"]
    if name == "half":
        return (dt.date(year, 6, 30) if g["h"] == "上" else dt.date(year, 12, 31)), "range", _RULES["half"]
    if name == "quarter":
        return _quarter(m, year)
    month = _num(g["m"])
    if not 1 <= month <= 12:
        return None, "ambiguous", note("measures.due.bad_month", month=month)
    if name == "month_before":
        return None, "ambiguous", note("measures.due.month_before", words=m.group(0).strip(), month=month,
                                       previous=month - 1 or 12)
    if name in ("month_end", "month"):
        return _month_end(year, month), ("month_end" if name == "month_end" else "range"), _RULES[name]
    if name == "xun":
        x = g["x"]
        due = _month_end(year, month) if x == "下" else dt.date(year, month, 10 if x == "上" else 20)
        return due, ("month_end" if x == "下" else "date"), _RULES[f"xun_{x}"]
    if name == "date":
        return _day(year, month, _num(g["d"]), "date", _RULES["date"])
    if name == "month_range":
        return _month_range(g, year, month)
    # date_range
    y2 = int(g["y2"]) if g.get("y2") else year
    m2 = _num(g["m2"]) if g.get("m2") else month
    if not 1 <= m2 <= 12:
        return None, "ambiguous", note("measures.due.bad_month", month=m2)
    return _day(y2, m2, _num(g["d2"]), "range", _RULES["date_range"])


def _quarter(m: re.Match, year: int):
    if m.group("qs") in ("前", "之前", "以前"):
        return None, "ambiguous", note("measures.due.quarter_before", words=m.group(0).strip())
    kind = "month_end" if m.group("qs") in ("末", "底") else "range"
    return _month_end(year, 3 * _num(m.group("q"))), kind, _RULES["quarter_end" if kind == "month_end" else "quarter"]


def _day(year, month, day, kind, rule):
    try:
        return dt.date(year, month, day), kind, rule
    except ValueError:
        return None, "ambiguous", note("measures.due.bad_day", year=year, month=month, day=day)


def _month_range(g: dict, year: int, month: int):
    m2 = _num(g["m2"])
    y2 = g.get("y2")
    if y2 in ("次", "翌", "明"):
        y2 = year + 1
    elif y2:
        y2 = int(y2)
    elif m2 < month:
        return None, "ambiguous", note("measures.due.backwards", first=month, last=m2)
    else:
        y2 = year
    if not 1 <= m2 <= 12:
        return None, "ambiguous", note("measures.due.bad_month", month=m2)
    return _month_end(y2, m2), "range", _RULES["month_range"]


def _reading(name: str, m: re.Match, plan_year: int | None) -> Due:
    words = m.group(0).strip()
    if name in ("recurring", "ongoing"):
        return Due(None, name, words, _RULES[name])
    due, kind, rule = _calendar(name, m, plan_year)
    return Due(due, kind, words, rule)


def _blank_titles(text: str) -> str:
    return _TITLE.sub(lambda m: " " * len(m.group(0)), text)


def find_due_phrases(text: str, plan_year: int | None = None) -> list[tuple[int, int, Due]]:
    """Every time phrase in ``text``, left to right: ``(start, end, Due)``.

    Overlapping candidates are resolved leftmost first, then longest ("2023 年 6 月底前" is one
    phrase, not "2023 年 6 月" plus "底前"). Phrases inside 《…》 (a document title) are skipped.
    ``start``/``end`` index ``text`` as given (full-width characters are folded in place).
    """
    folded = _blank_titles(_fold(str(text)))
    cands = []
    for name, rx in _COMPILED.items():
        for m in rx.finditer(folded):
            if m.end() == m.start() or not _boundary_ok(folded, m):
                continue
            cands.append((m.start(), -(m.end() - m.start()), name, m))
    cands.sort(key=lambda c: (c[0], c[1], list(_PATTERNS).index(c[2])))
    out, pos = [], 0
    for start, neg_len, name, m in cands:
        if start < pos:
            continue
        due = _reading(name, m, plan_year)
        end = start - neg_len
        out.append((start, end, Due(due.due, due.kind, str(text)[start:end].strip(), due.note)))
        pos = end
    return out


def _boundary_ok(text: str, m: re.Match) -> bool:
    s = m.start()
    if _CN_START.match(text, s) and text[s - 1:s] not in _CN_OK_BEFORE and not text[s - 1:s].isspace():
        return False  # 统一月度: not 一月
    return True


def parse_due(text: str, plan_year: int | None = None) -> Due:
    """The deadline the plan's words set.

    Parameters
    ----------
    text : str
        The plan's words: a time phrase ("2023 年 6 月底前", "8—9 月", "每月", "持续"), or a
        sentence holding one. Markup (``**``) is ignored.
    plan_year : int, optional
        The plan's year, for words that name none ("5月底前" in a 2023 plan is 2023-05-31).

    Returns
    -------
    Due
        ``due`` (a date or None), ``kind`` (:data:`DUE_KINDS`), ``text`` (the phrase as written)
        and ``note`` (the rule, or why the words are ambiguous). Empty words: ``ongoing`` with an
        empty ``text`` (the plan states no time). Words no rule reads, or several different
        deadlines in one text: ``ambiguous``, no date — never a guess.

    Examples
    --------
    >>> parse_due("2023 年 6 月底前", 2023).due
    datetime.date(2023, 6, 30)
    >>> parse_due("6 月中旬前", 2023).due
    datetime.date(2023, 6, 20)
    >>> parse_due("8月前", 2023).kind
    'ambiguous'
    """
    words = str(text or "").replace("**", "").strip()
    if not words:
        return Due(None, "ongoing", "", note("measures.due.no_time"))
    found = [d for _, _, d in find_due_phrases(words, plan_year)]
    dated = [d for d in found if d.kind not in ("recurring", "ongoing")]
    if len(dated) == 1:
        return dated[0]
    if dated:
        if len({(d.due, d.kind) for d in dated}) == 1:
            return dated[0]
        shown = "; ".join(d.text for d in dated)
        return Due(None, "ambiguous", words, note("measures.due.several", shown=shown))
    for kind in ("recurring", "ongoing"):
        hit = [d for d in found if d.kind == kind]
        if hit:
            return hit[0]
    return Due(None, "ambiguous", words, note("measures.due.no_rule"))
