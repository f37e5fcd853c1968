"""Format checks: 发文字号, half-width punctuation in Chinese text, dates that do not exist.

* 发文字号 (GB/T 9704-2012 §7.2.4): 机关代字 + year in full inside 六角括号 〔〕 + sequence number
  without 第 and without leading zeros + 号. ``国办发[2018]123号`` → ``国办发〔2018〕123号``. A case
  number such as ``(2018)苏0324民初123号`` has no 代字 before the bracket and is not matched.
* Punctuation (GB/T 15834-2011): ``, ; : ? ! ( )`` written after a Chinese character (or, for
  parentheses, around Chinese text) should be full-width. By default only *mixing* is flagged: a text
  that contains no full-width ``，；：？！（）`` at all was almost always converted wholesale (PDF
  extraction, NFKC) and flagging every mark would bury the real findings; ``strict=True`` flags them
  anyway. Numbers (1,000), times (10:30), URLs, e-mail addresses and English runs are never preceded
  by a Chinese character, so they are left alone.
* Dates: ``Y年M月D日``, ``M月D日``, ``YYYY-MM-DD``, ``YYYY.MM.DD`` and ``YYYY/MM/DD`` with a month
  outside 1–12 or a day the month does not have (2023年2月29日, 4月31日). Nothing is suggested: only
  the author knows the intended date.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left
from collections.abc import Iterator

from text.proofread.findings import Finding, Kind, Severity

__all__ = ["find_format_problems"]

_IDEOGRAPH = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Characters that make the neighbourhood "Chinese": ideographs, CJK punctuation, full-width marks
# and the curly quotes, ellipsis and dash of Chinese typesetting.
_CJK = re.compile(f"[{_IDEOGRAPH}\u3001-\u303f\uff01\uff08\uff09\uff0c\uff1a\uff1b\uff1f"
                  "\u201c\u201d\u2018\u2019\u2026]")
_HAS_IDEOGRAPH = re.compile(f"[{_IDEOGRAPH}]")

# --- 发文字号 ---------------------------------------------------------------------------------------
# Matched from the bracket (a literal class the regex engine scans for quickly); the 代字 is then the
# run of Chinese characters just before it.
_DOC_NUMBER = re.compile(
    r"(?P<open>[\[［【(（〔﹝〈<])[ \u3000]{0,3}(?P<year>[0-9０-９]{4})[ \u3000]{0,3}"
    r"(?P<close>[\]］】)）〕﹞〉>])[ \u3000]{0,3}(?P<di>第)?(?P<number>[0-9０-９]{1,5})[ \u3000]{0,3}号"
)
_IDEOGRAPH_RUN_END = re.compile(f"[{_IDEOGRAPH}]{{1,12}}$")
# Words that end the sentence before a 代字 ("根据国办发…", "…的通知国发…"); the 代字 follows the last one.
_BEFORE_CODE = re.compile(r".*(?:的|据|照|见|和|及|与|即|文件|通知|意见|办法|决定|规定|方案|印发|转发)")
_TO_ASCII_DIGITS = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF1A)}


def _doc_numbers(text: str) -> Iterator[Finding]:
    for m in _DOC_NUMBER.finditer(text):
        year = m["year"].translate(_TO_ASCII_DIGITS)
        number = m["number"].translate(_TO_ASCII_DIGITS)
        if not year.startswith(("19", "20")):
            continue
        run = _IDEOGRAPH_RUN_END.search(text, max(0, m.start() - 12), m.start())
        if run is None:
            continue
        cut = _BEFORE_CODE.match(run.group())
        code = run.group()[cut.end() :] if cut else run.group()
        if not code:
            continue
        problems = []
        if (m["open"], m["close"]) != ("〔", "〕"):
            problems.append("年份应用六角括号“〔〕”括入")
        if m["di"]:
            problems.append("顺序号前不加“第”")
        if number.startswith("0"):
            problems.append("顺序号不编虚位")
        if year != m["year"] or number != m["number"]:
            problems.append("年份和顺序号用半角阿拉伯数字")
        if not problems:
            continue
        start = m.start() - len(code)
        suggestion = f"{code}〔{year}〕{int(number)}号"
        yield Finding(start, m.end(), text[start : m.end()], suggestion, Kind.FORMAT, Severity.WARNING,
                      f"发文字号格式不规范：{'；'.join(problems)}（GB/T 9704），应为“{suggestion}”。",
                      "format.doc_number")


# --- punctuation -----------------------------------------------------------------------------------
_FULL_WIDTH = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_FULL_STYLE = re.compile("[，；：？！（）]")
_HALF = re.compile(r"[,;:?!()]")
_PAIR = re.compile(r"\(([^()\n]{0,60})\)")


def _neighbour(text: str, index: int, step: int) -> int:
    """Index of the nearest character that is not a space, at most three steps away; -1 if none."""
    for _ in range(3):
        index += step
        if not 0 <= index < len(text):
            return -1
        if text[index] not in " \u3000\t":
            return index
    return -1


def _is_cjk(text: str, index: int) -> bool:
    return index >= 0 and bool(_CJK.match(text, index))


def _is_ideograph(text: str, index: int) -> bool:
    return index >= 0 and bool(_HAS_IDEOGRAPH.match(text, index))


def _punctuation(text: str, strict: bool) -> Iterator[Finding]:
    if not strict and not _FULL_STYLE.search(text):
        return
    # A pair of parentheses is Chinese when it encloses Chinese or follows Chinese; a lone one when
    # it touches a Chinese character.
    chinese_pairs: set[int] = set()
    paired: set[int] = set()
    for m in _PAIR.finditer(text):
        paired.update((m.start(), m.end() - 1))
        if _HAS_IDEOGRAPH.search(m[1]) or _is_cjk(text, _neighbour(text, m.start(), -1)):
            chinese_pairs.update((m.start(), m.end() - 1))
    why = "" if strict else "（本文其他处已用全角标点）"
    for m in _HALF.finditer(text):
        ch, i = m.group(), m.start()
        if i in paired:
            flagged = i in chinese_pairs
        elif ch in "()":
            flagged = any(_is_ideograph(text, _neighbour(text, i, step)) for step in (-1, 1))
        else:
            before = _neighbour(text, i, -1)
            flagged = _is_cjk(text, before) or before in chinese_pairs
        if flagged:
            full = _FULL_WIDTH[ch]
            yield Finding(i, i + 1, ch, full, Kind.FORMAT, Severity.INFO,
                          f"中文语境中应使用全角标点“{full}”{why}。", "format.punctuation", 0.9)


# --- dates -----------------------------------------------------------------------------------------
_CN_DATE = re.compile(
    r"(?=[0-9])(?<![0-9])(?:(?P<y>(?:19|20)[0-9]{2})[ ]*年[ ]*)?"
    r"(?P<m>[0-9]{1,2})[ ]*月[ ]*(?P<d>[0-9]{1,2})[ ]*[日号]"
)
_CN_MONTH = re.compile(
    r"(?=[0-9])(?<![0-9])(?P<y>(?:19|20)[0-9]{2})[ ]*年[ ]*(?P<m>[0-9]{1,2})[ ]*月(?![ ]*[0-9])"
)
_NUMERIC_DATE = re.compile(
    r"(?<![0-9./-])(?P<y>(?:19|20)[0-9]{2})(?P<sep>[-./])(?P<m>[0-9]{1,2})(?P=sep)(?P<d>[0-9]{1,2})"
    r"(?![0-9]|[./-][0-9])"
)


def _date_problem(year: str | None, month: int, day: int | None) -> str:
    if not 1 <= month <= 12:
        return f"没有{month}月"
    if day is None:
        return ""
    # Without a year, 2月29日 may be right; 2001 stands in for any common year for the other months.
    days = calendar.monthrange(int(year) if year else 2001, month)[1] if year or month != 2 else 29
    if not 1 <= day <= days:
        return f"{year + '年' if year else ''}{month}月只有{days}天" if day else "没有0日"
    return ""


def _dates(text: str) -> Iterator[Finding]:
    matches = [(m, m["d"]) for m in _CN_DATE.finditer(text)]
    matches += [(m, None) for m in _CN_MONTH.finditer(text)]
    matches += [(m, m["d"]) for m in _NUMERIC_DATE.finditer(text)]
    for m, day in matches:
        problem = _date_problem(m["y"], int(m["m"]), int(day) if day is not None else None)
        if problem:
            yield Finding(m.start(), m.end(), m.group(), "", Kind.FORMAT, Severity.WARNING,
                          f"日期有误：{problem}，请核对。", "format.date")


def find_format_problems(text: str, *, strict_punctuation: bool = False) -> list[Finding]:
    """发文字号, punctuation and date findings in ``text``, ordered by position."""
    numbers = list(_doc_numbers(text))
    # A document number's own brackets are part of its finding, not separate punctuation findings.
    marks = [f for f in _punctuation(text, strict_punctuation)
             if not any(n.start <= f.start < n.end for n in _near_numbers(numbers, f.start))]
    return sorted([*numbers, *marks, *_dates(text)], key=lambda f: (f.start, -f.end))


def _near_numbers(numbers: list[Finding], index: int) -> list[Finding]:
    """The document-number findings that can contain ``index`` (they are short and sorted)."""
    lo = bisect_left(numbers, index - 40, key=lambda f: f.start)
    return numbers[lo : bisect_left(numbers, index + 1, key=lambda f: f.start)]
