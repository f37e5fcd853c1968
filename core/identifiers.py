"""Validators and masks for the national identifier codes (spec catalog.md §9).

Pure functions, no Django: the catalog quality engine and the ``text`` privacy probe share them, and
the quality engine's SQL versions are tested against these. Each validator strips surrounding
whitespace and upper-cases first, as ``core.codes.is_valid_credit_code`` does; callers that want to
flag untidy values do so separately. A checksum failure flags a record for review; real registries
hold codes that fail, so nothing here is a reason to reject a record outright.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from core.codes import credit_code_check_char, is_valid_credit_code

__all__ = [
    "PROVINCE_CODES",
    "credit_code_check_char",
    "is_valid_bank_card",
    "is_valid_credit_code",
    "is_valid_mobile",
    "is_valid_org_code",
    "is_valid_region_code",
    "is_valid_resident_id",
    "mask_bank_card",
    "mask_mobile",
    "mask_name",
    "mask_resident_id",
    "mask_text",
    "org_code_check_char",
    "region_code_table",
    "resident_id_check_char",
]

# GB/T 2260 province-level codes: 11–15 华北, 21–23 东北, 31–37 华东, 41–46 中南, 50–54 西南,
# 61–65 西北, 71 台湾, 81 香港, 82 澳门. Stable since 1997 (重庆 50), unlike the county codes.
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 "
    "61 62 63 64 65 71 81 82".split()
)

# GB 11643-1999 (ISO 7064 MOD 11-2): weight of position i is 2^(17-i) mod 11.
_RESIDENT_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_RESIDENT_CHECK = "10X98765432"
_RESIDENT_18 = re.compile(r"\d{17}[\dX]")
_RESIDENT_15 = re.compile(r"\d{15}")
# Nobody alive was born before this; GB 11643 only fixes the format of the date.
_EARLIEST_BIRTH = date(1850, 1, 1)

# GB 11714-1997 组织机构代码: 8 body characters (0-9, A-Z as 10–35) and a check character.
_ORG_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ORG_CODE = re.compile(r"([0-9A-Z]{8})-?([0-9X])")

_REGION = re.compile(r"\d{6}")
_MOBILE = re.compile(r"1[3-9]\d{9}")
_DIGITS = re.compile(r"\d+")


def resident_id_check_char(first17: str) -> str:
    """The 18th character GB 11643-1999 requires after these 17 digits."""
    total = sum(int(ch) * w for ch, w in zip(first17, _RESIDENT_WEIGHTS, strict=True))
    return _RESIDENT_CHECK[total % 11]


def _real_date(year: int, month: int, day: int, today: date | None) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return _EARLIEST_BIRTH <= born <= (today or date.today())


def is_valid_resident_id(value: str, *, today: date | None = None) -> bool:
    """GB 11643-1999 居民身份证号: 18 characters with a MOD 11-2 check character and a real birth date.

    The 15-digit numbers of GB 11643-1989 have no check digit; they are accepted on format, a known
    province and a real 19YY birth date. The county part is not looked up: old numbers keep county
    codes that GB/T 2260 has since retired.
    """
    value = value.strip().upper()
    if _RESIDENT_18.fullmatch(value):
        birth = value[6:14]
        return (
            value[:2] in PROVINCE_CODES
            and _real_date(int(birth[:4]), int(birth[4:6]), int(birth[6:]), today)
            and resident_id_check_char(value[:17]) == value[17]
        )
    if _RESIDENT_15.fullmatch(value):
        birth = value[6:12]
        return value[:2] in PROVINCE_CODES and _real_date(
            1900 + int(birth[:2]), int(birth[2:4]), int(birth[4:]), today
        )
    return False


def org_code_check_char(body: str) -> str:
    """The 9th character GB 11714-1997 requires after these 8; 10 is written X and 11 is 0."""
    total = sum(_ORG_ALPHABET.index(ch) * w for ch, w in zip(body, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    return "X" if check == 10 else "0" if check == 11 else str(check)


def is_valid_org_code(value: str) -> bool:
    """GB 11714-1997 组织机构代码, written ``XXXXXXXX-X`` or without the hyphen."""
    match = _ORG_CODE.fullmatch(value.strip().upper())
    if match is None:
        return False
    return org_code_check_char(match[1]) == match[2]


@cache
def region_code_table() -> frozenset[str]:
    """Every GB/T 2260 code python-stdnum knows, retired ones included (old IDs still carry them).

    No official machine-readable GB/T 2260 table can be fetched offline. python-stdnum (LGPL-2.1+,
    pinned) ships ``cn/loc.dat``, a transcription of the code tables on Chinese Wikipedia with the
    years each code was in use; it lists province, prefecture and county codes. Codes created after
    that release are missing and get flagged for review, which is what a failing check means here.
    """
    from stdnum import numdb

    codes: set[str] = set()
    for _, _, province, _, children in numdb.get("cn/loc").prefixes:
        codes.add(province + "0000")
        codes.update(province + child[1] for child in children)
    return frozenset(codes)


def is_valid_region_code(value: str) -> bool:
    """GB/T 2260 行政区划代码: 6 digits listed in the table, current or retired.

    There is no checksum, and structure rules alone (province · prefecture · county pairs) admit
    real retired codes they should not reject, such as 海南's 4600xx of 1988; the table decides.
    See ``region_code_table`` for where it comes from.
    """
    value = value.strip()
    return bool(_REGION.fullmatch(value)) and value in region_code_table()


def is_valid_mobile(value: str) -> bool:
    """Mainland mobile number, leniently: 11 digits starting 13–19 (allocations change every year)."""
    return bool(_MOBILE.fullmatch(value.strip()))


def is_valid_bank_card(value: str) -> bool:
    """Bank card number (ISO/IEC 7812, GB/T 19584 for 银联 cards): 12–19 digits with a Luhn check digit."""
    value = value.strip()
    if not (12 <= len(value) <= 19 and _DIGITS.fullmatch(value)):
        return False
    total = 0
    for i, ch in enumerate(reversed(value)):
        digit = int(ch)
        if i % 2:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return total % 10 == 0


def mask_text(value: str, keep_start: int, keep_end: int) -> str:
    """Replace the middle with ``*``; a value too short to keep both ends shows only its first third."""
    if len(value) <= keep_start + keep_end:
        shown = len(value) // 3
        return value[:shown] + "*" * (len(value) - shown)
    return value[:keep_start] + "*" * (len(value) - keep_start - keep_end) + value[len(value) - keep_end :]


def mask_resident_id(value: str) -> str:
    """``320324********1234``: the address code and the last four stay, the birth date goes."""
    return mask_text(value.strip(), 6, 4)


def mask_mobile(value: str) -> str:
    """``138****5678``."""
    return mask_text(value.strip(), 3, 4)


def mask_bank_card(value: str) -> str:
    """``622202*********1234``: issuer number and last four, as banks print them."""
    return mask_text(value.strip(), 6, 4)


def mask_name(value: str) -> str:
    """``张**``: the surname stays."""
    value = value.strip()
    return value[:1] + "*" * (len(value) - 1)
