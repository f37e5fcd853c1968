"""Character- and line-level clean-up shared by the readers and the plan parser.

The input is usually a PDF→Markdown conversion, so it carries artefacts that
have nothing to do with the document: full-width/half-width mixtures, Kangxi
radical look-alikes emitted by PDF text extractors, stray spaces between CJK
characters, page-number footers and Markdown decoration.  Everything here is
pure string work so it is cheap and safe on arbitrary input.
"""

from __future__ import annotations

import re
import unicodedata
from itertools import chain

# --- character map --------------------------------------------------------

_CHAR_MAP: dict[int, str | None] = {cp: chr(cp - 0xFEE0) for cp in range(0xFF01, 0xFF5F)}
# Full-width ASCII (ＡＢＣ１２３（）：，) → half-width so that one set of regexes
# covers both spellings; CJK-context punctuation is turned back into full-width
# on output by ``fullwidth_punct``.
_CHAR_MAP.update(
    {
        0x3000: " ",  # ideographic space
        0x00A0: " ",
        0x202F: " ",
        0x200B: None,  # zero-width characters break regexes silently
        0x200C: None,
        0x200D: None,
        0x2060: None,
        0xFEFF: None,
        0xFE5D: "〔",  # small tortoise-shell brackets seen in some doc numbers
        0xFE5E: "〕",
    }
)
_CHAR_MAP.update({cp: " " for cp in range(0x2000, 0x200B)})
# PDF extractors often emit Kangxi radicals (⼀ U+2F00) or compatibility
# ideographs instead of the ordinary characters; NFKC maps them back.
for _cp in chain(range(0x2E80, 0x2FE0), range(0xF900, 0xFB00)):
    _n = unicodedata.normalize("NFKC", chr(_cp))
    if _n != chr(_cp) and len(_n) == 1:
        _CHAR_MAP[_cp] = _n

_NEWLINES = re.compile(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]")


def normalize_chars(text: str) -> str:
    """Unify newlines and map look-alike characters; keeps tabs (table cells)."""
    return _NEWLINES.sub("\n", text).translate(_CHAR_MAP)


# --- spaces and punctuation ----------------------------------------------

# CJK ideographs plus CJK punctuation and the typographic quotes/dashes that
# only appear in Chinese running text.  A space next to one of these is an
# artefact of line wrapping or PDF glyph positioning, never meaningful.
CJK = "\u2e80-\u2fff\u3001-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\u2014\u2018\u2019\u201c\u201d\u2026"
_IDEO = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3001-\u303f\u201c\u201d"

_CJK_SPACE = re.compile(rf"[ ]+(?=[{CJK}])|(?<=[{CJK}])[ ]+")
_BRACKET_SPACE = re.compile(r"(?<=[(\[])[ ]+|[ ]+(?=[)\]])")
_MULTI_SPACE = re.compile(r"[ ]{2,}")
_HALF_PUNCT = re.compile(rf"(?<=[{_IDEO}])[,;:?!]|[,;:?!](?=[{_IDEO}])")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


def squash_spaces(text: str) -> str:
    """Remove spaces adjacent to CJK text ("政 务" → "政务", "IP 地址" → "IP地址").

    Spaces between two Latin/digit tokens ("Hello World") are kept, collapsed
    to one.  Tabs are left alone because they separate table cells.
    """
    text = _CJK_SPACE.sub("", text)
    text = _BRACKET_SPACE.sub("", text)
    return _MULTI_SPACE.sub(" ", text).strip(" ")


def fullwidth_punct(text: str) -> str:
    """Turn half-width , ; : ? ! next to Chinese text into full-width.

    The seed's PDF conversion degraded Chinese punctuation to ASCII; restoring
    it only in CJK context leaves "1,000", "10:30" and URLs untouched.
    Parentheses stay half-width (the parser's canonical form, e.g. "(一)").
    """
    return _HALF_PUNCT.sub(lambda m: _FULL[m.group(0)], text)


def tidy(text: str) -> str:
    """Canonical display form of a piece of running text."""
    return fullwidth_punct(squash_spaces(text))


# --- line-level markdown / page furniture --------------------------------

_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>])")
_MD_EMPHASIS = re.compile(r"\*\*|__")
_MD_HEADING = re.compile(r"^\s{0,3}(#{1,6})(?:\s+|$)")
_MD_QUOTE = re.compile(r"^\s*>\s?")
_MD_LIST = re.compile(r"^\s*(?:[-*+•●▪◆■]\s+)")
_MD_RULE = re.compile(r"^\s*(?:-{3,}|\*{3,}|_{3,}|={3,})\s*$")
_DASH = "-—–－─―‒~"
# Page footers: "— 6 —", "-20 -", "第 5 页 共 20 页", "5/20", or a bare page number.
PAGE_MARK = re.compile(
    rf"^(?:[{_DASH}]{{1,4}}\s*\d{{1,4}}\s*[{_DASH}]{{1,4}}"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，/]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}"
    r"|\d{1,3})$"
)
_ONLY_DASHES = re.compile(rf"^[{_DASH}\s]+$")


def strip_markdown(line: str) -> tuple[str, bool]:
    """Strip Markdown decoration from one line; returns (text, was_heading)."""
    line = _MD_EMPHASIS.sub("", line)
    line = _MD_ESCAPE.sub(r"\1", line)
    line = _MD_QUOTE.sub("", line)
    heading = False
    m = _MD_HEADING.match(line)
    if m:
        heading = True
        line = line[m.end() :]
    line = _MD_LIST.sub("", line, count=1)
    return line.strip(), heading


def is_page_furniture(line: str) -> bool:
    """True for page-number footers, horizontal rules and lone dashes."""
    bare = _MD_EMPHASIS.sub("", line).strip()
    if not bare:
        return False
    return bool(PAGE_MARK.match(bare) or _MD_RULE.match(bare) or _ONLY_DASHES.match(bare))


# --- sentence helpers ------------------------------------------------------

_TERMINATORS = "。！？!?…)】》」"
_CLOSE_QUOTES = "\"”’'"


def paren_balance(text: str) -> int:
    return text.count("(") - text.count(")")


def is_terminated(text: str) -> bool:
    """Does ``text`` end like a complete paragraph?

    Used to decide whether the next line continues a sentence that a page
    break cut in half ("…提升城市精" / "— 5 —" / "细化管理水平").
    """
    s = text.rstrip()
    if not s:
        return True
    if paren_balance(s) > 0:
        return False
    last = s[-1]
    if last in _CLOSE_QUOTES:
        return len(s) > 1 and s[-2] in "。！？!?"
    return last in _TERMINATORS


def first_sentence(text: str) -> str:
    """Text up to the first 。 outside brackets (the task's heading)."""
    depth = 0
    for i, ch in enumerate(text):
        if ch in "(《“":
            depth += 1
        elif ch in ")》”" and depth:
            depth -= 1
        elif ch == "。" and depth == 0:
            return text[:i]
    return text.rstrip("。")


# --- Chinese numerals --------------------------------------------------------

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_UNITS = {"十": 10, "百": 100, "千": 1000}
CN_NUMERAL_CHARS = "零〇一二两三四五六七八九十百千万"


def cn_to_int(text: str) -> int | None:
    """ "十二" → 12, "两" → 2, "一百零五" → 105, "7" → 7; None if not a numeral."""
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    total = section = num = 0
    for ch in text:
        if ch in _CN_DIGITS:
            num = _CN_DIGITS[ch]
        elif ch in _CN_UNITS:
            section += (num or 1) * _CN_UNITS[ch]
            num = 0
        elif ch == "万":
            total += (section + num) * 10000
            section = num = 0
        else:
            return None
    return total + section + num


def int_to_cn(n: int) -> str:
    """12 → "十二" (1–99; larger numbers are returned as digits)."""
    digits = "零一二三四五六七八九"
    if not 0 < n < 100:
        return str(n)
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")
