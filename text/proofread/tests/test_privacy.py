from __future__ import annotations

import random
from datetime import date

import pytest

from core.identifiers import is_valid_resident_id, resident_id_check_char
from text.proofread.findings import Kind, Severity
from text.proofread.privacy import find_personal_data

TODAY = date(2025, 1, 1)
# Test vectors from spec catalog.md §9; 340524 is not in python-stdnum's GB/T 2260 table.
ID_KNOWN_REGION = "360426199101010071"
ID_UNKNOWN_REGION = "34052419800101001X"
CARD = "6222021234567890128"  # Luhn-valid, 银联 prefix


def find(text: str):
    return find_personal_data(text, today=TODAY)


def only(text: str):
    findings = find(text)
    assert len(findings) == 1, findings
    f = findings[0]
    assert text[f.start : f.end] == f.text
    assert f.kind is Kind.PRIVACY
    return f


def test_it_flags_a_resident_id_with_a_valid_check_digit_and_suggests_the_masked_form():
    text = f"申请人身份证号：{ID_KNOWN_REGION}，请核实。"
    f = only(text)
    assert (f.text, f.suggestion, f.severity, f.confidence) == (
        ID_KNOWN_REGION, "360426********0071", Severity.SERIOUS, 1.0)
    assert f.start == text.index(ID_KNOWN_REGION)


def test_it_flags_an_id_without_a_context_word_too_because_the_checksum_is_evidence_enough():
    assert only(f"名单：张三 {ID_KNOWN_REGION}").rule == "privacy.resident_id"


def test_it_accepts_a_lowercase_x_check_character_and_masks_it_uppercase():
    f = only("身份证 11010519491231002x")
    assert f.suggestion == "110105********002X"


def test_it_lowers_confidence_when_the_county_code_is_not_in_the_table():
    assert only(f"号码 {ID_UNKNOWN_REGION}").confidence == 0.7
    assert only(f"身份证号 {ID_UNKNOWN_REGION}").confidence == 0.9


def test_it_ignores_random_eighteen_digit_numbers():
    rng = random.Random(4)
    numbers = ["".join(rng.choice("0123456789") for _ in range(18)) for _ in range(2000)]
    flagged = [n for n in numbers if find(f"编号 {n} 。")]
    assert all(is_valid_resident_id(n, today=TODAY) for n in flagged)
    assert len(flagged) < 5  # date + province + 1-in-11 check digit


def test_it_ignores_an_id_with_a_wrong_check_digit_or_an_impossible_birth_date():
    wrong_check = ID_KNOWN_REGION[:-1] + ("2" if ID_KNOWN_REGION[-1] != "2" else "3")
    unborn = "360426203001010" + "07"
    unborn += resident_id_check_char(unborn)
    assert find(f"身份证号 {wrong_check}") == []
    assert find(f"身份证号 {unborn}") == []


def test_it_ignores_ids_embedded_in_longer_codes_and_a_credit_code_context():
    assert find(f"A{ID_KNOWN_REGION}B") == []
    assert find(f"9{ID_KNOWN_REGION}") == []
    assert find(f"统一社会信用代码：{ID_KNOWN_REGION}") == []


def test_it_flags_a_legacy_fifteen_digit_id_only_next_to_a_context_word():
    legacy = "360426910101007"
    assert find(f"编号 {legacy}") == []
    f = only(f"身份证号码 {legacy}")
    assert (f.rule, f.suggestion) == ("privacy.resident_id_15", "360426*****1007")
    assert find(f"许可证号 {legacy}") == []


def test_it_flags_a_mobile_number_next_to_a_context_word_as_serious():
    f = only("联系电话：13812345678")
    assert (f.suggestion, f.severity, f.rule) == ("138****5678", Severity.SERIOUS, "privacy.mobile")
    assert only("13812345678（手机）").severity is Severity.SERIOUS


def test_it_shows_a_bare_mobile_number_as_a_low_confidence_warning():
    f = only("张三 13812345678 李四")
    assert (f.severity, f.confidence, f.rule) == (Severity.WARNING, 0.5, "privacy.mobile_no_context")


def test_it_reads_separated_and_international_mobile_numbers():
    assert only("手机 138-1234-5678").suggestion == "138****5678"
    assert only("手机 138 1234 5678").suggestion == "138****5678"
    assert only("Tel: +86 13812345678").text == "+86 13812345678"


def test_it_reads_full_width_digits_with_offsets_into_the_original_text():
    text = "联系电话：１３８１２３４５６７８。"
    f = only(text)
    assert f.text == "１３８１２３４５６７８" and f.suggestion == "138****5678"


def test_it_leaves_amounts_longer_numbers_and_masked_numbers_alone():
    assert find("投资13800000000元") == []
    assert find("编号138123456789") == []
    assert find("联系电话 138****5678，身份证 3213**********1234，手机 1381234****") == []
    assert find("身份证号 360426********0071，卡号 622202*********0128") == []


def test_it_flags_a_luhn_valid_bank_card_next_to_a_context_word():
    f = only(f"开户行：农业银行，卡号：{CARD}")
    assert (f.suggestion, f.severity) == ("622202*********0128", Severity.SERIOUS)


def test_it_reads_a_grouped_card_number():
    f = only("银行卡号 6222 0212 3456 7890 128")
    assert f.text == "6222 0212 3456 7890 128" and f.suggestion == "622202*********0128"


def test_it_keeps_a_luhn_failure_next_to_a_context_word_at_low_confidence():
    f = only("账号：6222021234567890127")
    assert (f.severity, f.confidence, f.rule) == (Severity.WARNING, 0.4, "privacy.bank_card_unchecked")


def test_it_shows_an_uncontexted_card_only_when_it_looks_like_a_unionpay_card():
    f = only(f"数字 {CARD} 结束")
    assert (f.rule, f.severity, f.confidence) == ("privacy.bank_card_no_context", Severity.WARNING, 0.5)
    assert find("数字 4111111111111111 结束") == []  # Luhn-valid but not 银联, no context
    assert find("数字 6222021234567890127 结束") == []  # 银联 prefix, Luhn fails


def test_it_prefers_the_id_reading_when_a_number_is_also_luhn_valid():
    # An ID that happens to pass Luhn too, next to a card word: reported once, as an ID.
    base = "11010519491231"
    for tail in range(1000):
        first17 = base + f"{tail:03d}"
        number = first17 + resident_id_check_char(first17)
        if number[-1] != "X" and sum(
            (int(d) * 2 - 9 if int(d) * 2 > 9 else int(d) * 2) if i % 2 else int(d)
            for i, d in enumerate(reversed(number))
        ) % 10 == 0:
            break
    else:
        pytest.skip("no ID in this range passes Luhn")
    f = only(f"账号 {number}")
    assert f.rule == "privacy.resident_id"


def test_it_returns_nothing_for_empty_or_control_character_input():
    assert find("") == []
    assert find("\x00\x01\ud800\u200b") == []
