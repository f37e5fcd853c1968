"""Check digits of national identifier codes.

Written by hand because each is a few lines of arithmetic fixed by a standard; no maintained
package covers the Chinese codes with the same rules.
"""

from __future__ import annotations

# GB 32100-2015 统一社会信用代码: 18 characters from this 31-symbol alphabet (no I, O, S, V, Z).
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The 18th character GB 32100 requires after these 17."""
    total = sum(_CREDIT_ALPHABET.index(ch) * w for ch, w in zip(first17, _CREDIT_WEIGHTS, strict=True))
    return _CREDIT_ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(code: str) -> bool:
    code = code.strip().upper()
    if len(code) != 18 or any(ch not in _CREDIT_ALPHABET for ch in code):
        return False
    return credit_code_check_char(code[:17]) == code[17]
