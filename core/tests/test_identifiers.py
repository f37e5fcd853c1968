"""Identifier validators and masks (spec catalog.md §9), with the spec's test vectors."""

from __future__ import annotations

from datetime import date

import pytest

from core.identifiers import (
    is_valid_bank_card,
    is_valid_credit_code,
    is_valid_mobile,
    is_valid_org_code,
    is_valid_region_code,
    is_valid_resident_id,
    mask_bank_card,
    mask_mobile,
    mask_name,
    mask_resident_id,
    mask_text,
    org_code_check_char,
    region_code_table,
    resident_id_check_char,
)


@pytest.mark.parametrize("number", ["360426199101010071", "34052419800101001X", "11010519491231002X"])
def test_it_accepts_the_spec_resident_ids(number: str) -> None:
    assert is_valid_resident_id(number)


def test_it_accepts_a_lower_case_x_and_surrounding_spaces() -> None:
    assert is_valid_resident_id(" 34052419800101001x ")


def test_it_computes_the_mod_11_2_check_character() -> None:
    assert resident_id_check_char("36042619910101007") == "1"
    assert resident_id_check_char("34052419800101001") == "X"


@pytest.mark.parametrize(
    "number",
    [
        "360426199101010072",  # wrong check digit
        "34052419800101001Y",  # check character outside 0-9X
        "360426199102300071",  # 30 February
        "360426209901010071",  # born in 2099
        "360426184901010071",  # born before 1850
        "990426199101010071",  # no province 99
        "36042619910101007",  # 17 characters
        "3604261991010100711",  # 19 characters
        "",
    ],
    ids=["check", "check-letter", "feb-30", "future", "too-old", "province", "short", "long", "empty"],
)
def test_it_rejects_a_bad_resident_id(number: str) -> None:
    assert not is_valid_resident_id(number)


def test_it_judges_the_birth_date_against_the_given_day() -> None:
    number = "110105202501010012"
    number = number[:17] + resident_id_check_char(number[:17])

    assert is_valid_resident_id(number, today=date(2025, 1, 1))
    assert not is_valid_resident_id(number, today=date(2024, 12, 31))


def test_it_accepts_a_legacy_15_digit_id_on_format_and_birth_date() -> None:
    assert is_valid_resident_id("110105491231002")
    assert not is_valid_resident_id("110105490231002")  # 31 February 1949
    assert not is_valid_resident_id("11010549123100X")


@pytest.mark.parametrize("code", ["91110000600037341L", "91350200MA2YJ1XR9G"])
def test_it_accepts_the_spec_credit_codes(code: str) -> None:
    assert is_valid_credit_code(code)


def test_it_rejects_the_credit_code_a_public_validator_whitelists() -> None:
    # The spec's failing vector: GB 32100 requires 9 as the check character, not B.
    assert not is_valid_credit_code("91350203M0001QAY9B")
    assert is_valid_credit_code("91350203M0001QAY99")


@pytest.mark.parametrize("code", ["60003734-1", "600037341", " 60003734-1 "])
def test_it_accepts_the_org_code_embedded_in_a_credit_code(code: str) -> None:
    assert is_valid_org_code(code)


def test_it_maps_org_check_values_10_and_11_to_x_and_0() -> None:
    bodies = {org_code_check_char(f"{n:08d}"): f"{n:08d}" for n in range(200)}

    assert "X" in bodies and "0" in bodies
    assert is_valid_org_code(bodies["X"] + "-X") and is_valid_org_code(bodies["0"] + "0")


@pytest.mark.parametrize("code", ["60003734-2", "60003734--1", "6000373-41", "6000373I", "", "600037341X"])
def test_it_rejects_a_bad_org_code(code: str) -> None:
    assert not is_valid_org_code(code)


@pytest.mark.parametrize("code", ["320000", "321300", "321324", "110105", "460001"])
def test_it_accepts_current_and_retired_region_codes(code: str) -> None:
    # 460001 is a Hainan county code of 1988, retired since; old ID numbers still carry such codes.
    assert is_valid_region_code(code)


@pytest.mark.parametrize("code", ["329999", "990000", "32132", "3213240", "32132A", ""])
def test_it_rejects_an_unknown_region_code(code: str) -> None:
    assert not is_valid_region_code(code)


def test_it_loads_a_region_table_covering_every_province() -> None:
    table = region_code_table()

    assert len(table) > 3000
    assert {code[:2] for code in table} >= {"11", "32", "46", "50", "65", "71", "81", "82"}


@pytest.mark.parametrize("number", ["13812345678", "19212345678", "17012345678", " 13812345678 "])
def test_it_accepts_a_mobile_number(number: str) -> None:
    assert is_valid_mobile(number)


@pytest.mark.parametrize(
    "number", ["12812345678", "1381234567", "138123456789", "+8613812345678", "1381234567a"]
)
def test_it_rejects_a_bad_mobile_number(number: str) -> None:
    assert not is_valid_mobile(number)


@pytest.mark.parametrize("number", ["6222021234567890128", "4111111111111111", "378282246310005"])
def test_it_accepts_a_bank_card_with_a_luhn_check_digit(number: str) -> None:
    assert is_valid_bank_card(number)


@pytest.mark.parametrize(
    "number", ["6222021234567890127", "79927398713", "12345678901234567890", "4111-1111-1111-1111"]
)
def test_it_rejects_a_bad_bank_card(number: str) -> None:
    # 79927398713 passes Luhn but has 11 digits; cards have 12 to 19.
    assert not is_valid_bank_card(number)


def test_it_masks_personal_identifiers_as_printed_on_notices() -> None:
    assert mask_resident_id("320324199001011234") == "320324********1234"
    assert mask_mobile("13812345678") == "138****5678"
    assert mask_bank_card("6222021234567890128") == "622202*********0128"
    assert mask_name("欧阳娜娜") == "欧***"


def test_it_never_reveals_a_short_value_whole() -> None:
    assert mask_resident_id("1234567") == "12*****"
    assert mask_mobile("138") == "1**"
    assert mask_text("", 3, 4) == ""
