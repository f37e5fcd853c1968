"""统一社会信用代码 (GB 32100-2015) check characters."""

from __future__ import annotations

import pytest

from core import services
from core.codes import credit_code_check_char, is_valid_credit_code
from core.errors import DomainError

FIRST17 = "91321324MA1N2Y3X0"  # 9 工商 · 1 企业 · 321324 泗洪县 · organisation body
VALID = FIRST17 + credit_code_check_char(FIRST17)


def test_it_computes_the_check_character_of_a_known_code() -> None:
    # A code published on a business licence; its last character is the GB 32100 check character.
    assert credit_code_check_char("91440300192203821") == "6"
    assert is_valid_credit_code("914403001922038216")


def test_it_accepts_a_code_with_its_computed_check_character() -> None:
    assert VALID == "91321324MA1N2Y3X0X"
    assert is_valid_credit_code(VALID)


def test_it_accepts_lower_case_and_surrounding_spaces() -> None:
    assert is_valid_credit_code(f"  {VALID.lower()} ")


def test_it_handles_a_check_value_of_zero() -> None:
    # 31 - 0 would index past the alphabet; the standard maps it to "0".
    for tail in "0123456789ABCDEFGHJKLMNPQRTUWXY":
        first17 = "1211000040000000" + tail
        check = credit_code_check_char(first17)
        assert len(check) == 1 and is_valid_credit_code(first17 + check)


@pytest.mark.parametrize(
    "code",
    [
        VALID[:-1] + ("0" if VALID[-1] != "0" else "1"),  # wrong check character
        VALID[:-1],  # 17 characters
        VALID + "0",  # 19 characters
        "91321324MA1N2Y3I0X",  # I is not in the alphabet
        "91321324MA1N2Y3O0X",  # nor O
        "91321324MA1N2Y3S0X",  # nor S
        "",
        "９１３２１３２４ＭＡ１Ｎ２Ｙ３Ｘ０Ｘ",  # full-width digits
    ],
    ids=["check-char", "short", "long", "letter-I", "letter-O", "letter-S", "empty", "full-width"],
)
def test_it_rejects_an_invalid_code(code: str) -> None:
    assert not is_valid_credit_code(code)


def test_it_keeps_a_unit_with_a_bad_code_out(db: None) -> None:
    with pytest.raises(DomainError) as excinfo:
        services.create_unit(None, short_name="测试局", credit_code=VALID[:-1] + "1")

    assert "统一社会信用代码" in excinfo.value.message and excinfo.value.field == "credit_code"


def test_it_stores_a_unit_with_a_valid_code_upper_cased(db: None) -> None:
    unit = services.create_unit(None, short_name="测试局", credit_code=VALID.lower())

    assert unit.credit_code == VALID
