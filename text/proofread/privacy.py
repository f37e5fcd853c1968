"""隐私泄露: resident ID numbers, mobile numbers and bank card numbers in text (spec inspection.md §4).

Precision comes from the checksums and from context words, never from the digit pattern alone:

* 18-digit 身份证号 need the GB 11643 MOD 11-2 check character, a real birth date and a known province
  (``core.identifiers.is_valid_resident_id``). A county code missing from the GB/T 2260 table (the
  table lags; old IDs carry retired codes, which it does list) lowers the confidence, not the finding.
* 15-digit legacy IDs have no check digit, so they count only next to a context word (身份证 …).
* 手机号 next to a context word (电话, 手机, 联系方式 …) are 严重. Without one they are still shown,
  as 一般 with low confidence: in 公示 tables the 联系电话 header sits lines away from the number, and
  a leaked number is worse than a dismissed hint. Numbers that read as amounts (followed by 元, 万 …)
  are left alone.
* 银行卡号 need the Luhn check and a context word (银行卡, 卡号, 账号 …); a Luhn failure next to a
  context word is kept at low confidence (some domestic cards may fail Luhn, spec §4). Without context
  only a Luhn-valid 16–19-digit 银联 (62…) number is shown, as 一般.

Already masked numbers (``138****5678``, ``3213**********1234``) contain ``*`` and never match. The
suggestion is always the masked form from ``core.identifiers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from core.identifiers import (
    is_valid_bank_card,
    is_valid_region_code,
    is_valid_resident_id,
    mask_bank_card,
    mask_mobile,
    mask_resident_id,
)
from text.proofread.findings import Finding, Kind, Severity

__all__ = ["find_personal_data"]

# Full-width digits and letters are folded 1:1 so the patterns need only ASCII (offsets unchanged).
_DIGIT_FOLD = {cp: cp - 0xFEE0 for cp in range(0xFF10, 0xFF5B)}

_NOT_ALNUM_BEFORE = r"(?<![0-9A-Za-z])"
_NOT_ALNUM_AFTER = r"(?![0-9A-Za-z])"
_DATE8 = r"(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_DATE6 = r"[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])"
_RESIDENT_18 = re.compile(rf"{_NOT_ALNUM_BEFORE}[1-9][0-9]{{5}}{_DATE8}[0-9]{{3}}[0-9Xx]{_NOT_ALNUM_AFTER}")
_RESIDENT_15 = re.compile(rf"{_NOT_ALNUM_BEFORE}[1-9][0-9]{{5}}{_DATE6}[0-9]{{3}}{_NOT_ALNUM_AFTER}")
_MOBILE = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:\+?86[- ]?)?(1[3-9][0-9])([- ]?)([0-9]{{4}})\2([0-9]{{4}}){_NOT_ALNUM_AFTER}"
)
# A plain run, or the 4-4-4(-4)(-1..4) grouping banks print; 12–19 digits are checked afterwards.
_CARD = re.compile(
    rf"{_NOT_ALNUM_BEFORE}(?:[0-9]{{12,19}}{_NOT_ALNUM_AFTER}"
    rf"|[0-9]{{4}}(?:([ -])[0-9]{{4}}){{2}}(?:\1[0-9]{{4}})?(?:\1[0-9]{{1,4}})?(?![0-9A-Za-z]|[ -][0-9]))"
)

# Not a bare 证号: 许可证号 and 驾驶证号 are not ID numbers.
_ID_CONTEXT = re.compile(r"身份证|身份号码|证件号|身份信息|公民身份")
_MOBILE_CONTEXT = re.compile(r"电话|手机|联系方式|联系人|号码|微信|短信|致电|拨打|来电|热线|tel|phone|mobile",
                             re.IGNORECASE)
_CARD_CONTEXT = re.compile(r"银行|卡号|账号|帐号|账户|帐户|开户|借记卡|信用卡|储蓄卡|存折|收款")
# An 18-digit 统一社会信用代码 can, rarely, pass every ID check.
_NOT_ID_CONTEXT = re.compile(r"信用代码|机构代码|统一代码|税号|纳税人识别号")
_AMOUNT_AFTER = re.compile(r"\s*(?:[.．][0-9]|[元万亿千百个人次户件吨%‰])")

# How far a context word may sit from the number (characters): a label before it, a note after it.
_BEFORE, _AFTER = 16, 8


def _near(pattern: re.Pattern[str], text: str, start: int, end: int) -> bool:
    return bool(pattern.search(text, max(0, start - _BEFORE), start)
                or pattern.search(text, end, min(len(text), end + _AFTER)))


def _digits(span: str) -> str:
    return "".join(ch for ch in span if ch.isdigit())


def _finding(text: str, start: int, end: int, suggestion: str, severity: Severity, message: str,
             rule: str, confidence: float) -> Finding:
    return Finding(start, end, text[start:end], suggestion, Kind.PRIVACY, severity, message, rule, confidence)


def _resident_ids(text: str, folded: str, today: date | None) -> Iterator[Finding]:
    for m in _RESIDENT_18.finditer(folded):
        number = m.group().upper()
        if not is_valid_resident_id(number, today=today) or _near(_NOT_ID_CONTEXT, folded, *m.span()):
            continue
        context = _near(_ID_CONTEXT, folded, m.start(), m.end())
        known_region = is_valid_region_code(number[:6])
        confidence = 1.0 if known_region else 0.9 if context else 0.7
        yield _finding(text, m.start(), m.end(), mask_resident_id(number), Severity.SERIOUS,
                       "疑似公开了居民身份证号（校验位正确），发布前应隐去出生日期等中间位。",
                       "privacy.resident_id", confidence)
    for m in _RESIDENT_15.finditer(folded):
        number = m.group()
        if not _near(_ID_CONTEXT, folded, *m.span()) or not is_valid_resident_id(number, today=today):
            continue
        known_region = is_valid_region_code(number[:6])
        yield _finding(text, m.start(), m.end(), mask_resident_id(number),
                       Severity.SERIOUS if known_region else Severity.WARNING,
                       "疑似公开了15位旧版居民身份证号，发布前应隐去出生日期等中间位。",
                       "privacy.resident_id_15", 0.8 if known_region else 0.5)


def _mobiles(text: str, folded: str) -> Iterator[Finding]:
    for m in _MOBILE.finditer(folded):
        masked = mask_mobile(m.group(1) + m.group(3) + m.group(4))
        if _near(_MOBILE_CONTEXT, folded, m.start(), m.end()):
            yield _finding(text, m.start(), m.end(), masked, Severity.SERIOUS,
                           "疑似公开了个人手机号码，发布前应隐去中间四位。", "privacy.mobile", 1.0)
        elif not _AMOUNT_AFTER.match(folded, m.end()):
            yield _finding(text, m.start(), m.end(), masked, Severity.WARNING,
                           "这串数字像手机号码；如是个人号码，发布前应隐去中间四位。",
                           "privacy.mobile_no_context", 0.5)


def _bank_cards(text: str, folded: str) -> Iterator[Finding]:
    for m in _CARD.finditer(folded):
        number = _digits(m.group())
        if not 12 <= len(number) <= 19:
            continue
        valid = is_valid_bank_card(number)
        if _near(_CARD_CONTEXT, folded, m.start(), m.end()):
            if valid:
                yield _finding(text, m.start(), m.end(), mask_bank_card(number), Severity.SERIOUS,
                               "疑似公开了银行卡号（校验位正确），发布前应只保留前六位和后四位。",
                               "privacy.bank_card", 1.0)
            else:
                yield _finding(text, m.start(), m.end(), mask_bank_card(number), Severity.WARNING,
                               "疑似公开了银行卡号或账号（校验位不符，可能是对公账号），请核实是否应隐去。",
                               "privacy.bank_card_unchecked", 0.4)
        elif valid and number.startswith("62") and len(number) >= 16:
            yield _finding(text, m.start(), m.end(), mask_bank_card(number), Severity.WARNING,
                           "这串数字像银联卡号（校验位正确）；如是个人卡号，发布前应隐去中间位。",
                           "privacy.bank_card_no_context", 0.5)


def find_personal_data(text: str, *, today: date | None = None) -> list[Finding]:
    """Every ID, mobile and bank card number in ``text``; one finding per span (an ID beats a card)."""
    folded = text.translate(_DIGIT_FOLD)
    families = (_resident_ids(text, folded, today), _mobiles(text, folded), _bank_cards(text, folded))
    ranked = [(f, rank) for rank, family in enumerate(families) for f in family]
    ranked.sort(key=lambda pair: (pair[0].start, pair[1]))
    kept: list[tuple[Finding, int]] = []
    for finding, rank in ranked:
        if kept and finding.start < kept[-1][0].end:
            if rank < kept[-1][1]:
                kept[-1] = (finding, rank)
            continue
        kept.append((finding, rank))
    return [finding for finding, _ in kept]
