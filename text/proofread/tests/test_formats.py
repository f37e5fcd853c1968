from __future__ import annotations

import pytest

from text.proofread.findings import Kind, Severity
from text.proofread.formats import find_format_problems


def rules(text: str, **kwargs: bool) -> list[tuple[str, str, str]]:
    findings = find_format_problems(text, **kwargs)
    for f in findings:
        assert text[f.start : f.end] == f.text and f.kind is Kind.FORMAT
    return [(f.rule, f.text, f.suggestion) for f in findings]


# --- 发文字号 ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("written", ["国办发[2018]123号", "国办发【2018】123号", "国办发(2018)123号",
                                     "国办发（2018）123号", "国办发［2018］123号", "国办发﹝2018﹞123号"])
def test_it_corrects_the_brackets_of_a_document_number(written):
    assert rules(f"依据《意见》（{written}）") == [("format.doc_number", written, "国办发〔2018〕123号")]


def test_it_flags_the_seed_documents_number_with_its_exact_span():
    text = "《国务院办公厅关于推进政务新媒体健康有序发展的意见》(国办发[2018]123号)、"
    f = find_format_problems(text)[0]
    assert (f.start, f.end, f.severity) == (text.index("国办发"), text.index("号") + 1, Severity.WARNING)
    assert "〔〕" in f.message


def test_it_drops_di_and_leading_zeros_and_full_width_digits():
    assert rules("苏政办函〔2021〕第9号") == [("format.doc_number", "苏政办函〔2021〕第9号", "苏政办函〔2021〕9号")]
    assert rules("宿政办发〔2021〕022号")[0][2] == "宿政办发〔2021〕22号"
    assert rules("洪政办发〔２０２３〕１６号")[0][2] == "洪政办发〔2023〕16号"


def test_it_cuts_the_code_off_the_words_before_it():
    assert rules("根据国办发[2018]123号")[0][1] == "国办发[2018]123号"
    assert rules("关于印发通知的通知国发(2020)5号")[0][1] == "国发(2020)5号"


def test_it_leaves_correct_numbers_and_court_case_numbers_alone():
    assert rules("洪政办发〔2023〕16号、国办秘函〔2019〕19号") == []
    assert rules("(2018)苏0324民初123号") == []
    assert rules("见附件(2018)") == []


# --- punctuation -------------------------------------------------------------------------------------

def test_it_flags_half_width_marks_among_full_width_ones():
    text = "各乡镇人民政府，各街道办事处,县各开发区(含园区)管委会;请报送:材料?"
    assert [(t, s) for _, t, s in rules(text)] == [
        (",", "，"), ("(", "（"), (")", "）"), (";", "；"), (":", "："), ("?", "？")]


def test_it_leaves_a_text_written_wholly_in_half_width_marks_alone_unless_strict():
    text = "各乡镇人民政府,各街道办事处:(此页无正文)"
    assert rules(text) == []
    assert len(rules(text, strict_punctuation=True)) == 4


@pytest.mark.parametrize("text", [
    "共1,000人，", "上午10:30开会，", "网址http://www.gov.cn/a?b=1&c=2，", "邮箱 office@sihong.gov.cn，",
    "英文 Hello, world! (test)，", "比例为1:2，", "函数f(x)，",
])
def test_it_leaves_numbers_times_urls_emails_and_english_alone(text):
    assert rules(text, strict_punctuation=True) == []


def test_it_flags_parentheses_around_chinese_text_even_after_a_number():
    assert [t for _, t, _ in rules("截至2023年(含),", strict_punctuation=True)] == ["(", ")", ","]
    assert [t for _, t, _ in rules("要求如下：(1)按时报送", strict_punctuation=True)] == ["(", ")"]
    assert [t for _, t, _ in rules("(一)总体要求", strict_punctuation=True)] == ["(", ")"]


# --- dates ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("date_text, problem", [
    ("2023年13月5日", "没有13月"), ("2023年2月30日", "2023年2月只有28天"), ("2023年4月31日", "2023年4月只有30天"),
    ("2023年2月29日", "2023年2月只有28天"), ("4月31日", "4月只有30天"), ("2月30号", "2月只有29天"),
    ("2023.2.30", "2023年2月只有28天"), ("2023-13-05", "没有13月"), ("2023/04/31", "2023年4月只有30天"),
    ("2023年0月", "没有0月"), ("2023年5月0日", "没有0日"), ("2023 年 13 月", "没有13月"),
])
def test_it_flags_dates_that_do_not_exist(date_text, problem):
    text = f"会议定于{date_text}召开"
    findings = find_format_problems(text)
    assert [(f.text, f.rule, f.suggestion) for f in findings] == [(date_text, "format.date", "")]
    assert problem in findings[0].message


@pytest.mark.parametrize("text", [
    "2024年2月29日", "2月29日", "2023年12月31日", "2023-02-28", "2023.2.3", "1.2.30节", "10.20.30.40",
    "2023.12.45.6", "第13个月", "1-13月", "2023年1-12月", "GB/T 2260-2007", "洪政办发〔2023〕16号",
])
def test_it_leaves_real_dates_and_other_numbers_alone(text):
    assert rules(text) == []


def test_it_returns_nothing_for_empty_and_control_character_input():
    assert rules("") == []
    assert rules("\x00,\x01(\ud800)", strict_punctuation=True) == []
