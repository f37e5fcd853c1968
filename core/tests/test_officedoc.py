from __future__ import annotations

import io
import zipfile
from datetime import date

import docx
import pytest
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from core.officedoc import (
    FANGSONG,
    HEITI,
    KAITI,
    XIAOBIAOSONG,
    OfficeDocument,
    chinese_date,
    chinese_number,
    chinese_quotes,
    text_width,
)


def _reopen(doc: OfficeDocument) -> docx.document.Document:
    return docx.Document(io.BytesIO(doc.to_bytes()))


def _east_asia(run) -> str:
    return run._r.rPr.rFonts.get(qn("w:eastAsia"))


def _chars(paragraph, key: str) -> float:
    ind = paragraph._p.pPr.find(qn("w:ind"))
    return int(ind.get(qn(f"w:{key}Chars"), "0")) / 100


def _document() -> OfficeDocument:
    doc = OfficeDocument(title="关于测试的通报", author="泗洪县人民政府办公室")
    doc.red_header("泗洪县数字政府建设工作通报")
    doc.doc_number("洪政办通〔2023〕3号")
    doc.title(["关于2023年第三季度数字政府建设", "工作推进情况的通报"])
    doc.recipients("各乡镇人民政府，各街道办事处")
    doc.heading("一、总体情况")
    doc.paragraph('推进"信用+基层治理"平台建设。')
    doc.paragraph("请相关单位分析原因。", lead="（一）加快推进滞后任务。")
    doc.table(["单位", "牵头任务"], [["大数据中心", "3"], ["财政局", "1"]], widths=[2, 1], align=["l", "c"])
    doc.signature("泗洪县人民政府办公室", date(2023, 10, 8))
    doc.imprint("泗洪县人民政府办公室", date(2023, 10, 8), cc="县委办公室，县人大常委会办公室")
    return doc


def test_it_writes_dates_with_arabic_numerals_and_no_leading_zeros():
    assert chinese_date(date(2023, 10, 8)) == "2023年10月8日"
    assert chinese_date(date(2024, 1, 31)) == "2024年1月31日"


@pytest.mark.parametrize("n,text", [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三")])
def test_it_numbers_headings_in_chinese(n, text):
    assert chinese_number(n) == text


def test_it_refuses_heading_numbers_out_of_range():
    with pytest.raises(ValueError):
        chinese_number(0)


def test_it_counts_ascii_as_half_a_character():
    assert text_width("2023年10月8日") == 6.5
    assert text_width("泗洪县人民政府办公室") == 10


def test_it_turns_straight_quotes_into_chinese_quotes():
    assert chinese_quotes('推进"信用+基层治理"和"大城管"') == "推进“信用+基层治理”和“大城管”"


def test_it_lays_out_a4_with_the_gbt9704_type_area():
    section = _reopen(_document()).sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert [round(x.mm) for x in (section.top_margin, section.bottom_margin, section.left_margin,
                                  section.right_margin)] == [37, 35, 28, 26]
    grid = section._sectPr.find(qn("w:docGrid"))
    assert grid.get(qn("w:linePitch")) == "579"  # 22 lines in 225 mm


def test_it_numbers_pages_with_a_page_field_on_odd_and_even_pages():
    document = _reopen(_document())
    assert document.settings.odd_and_even_pages_header_footer
    section = document.sections[0]
    for footer, align in ((section.footer, WD_ALIGN_PARAGRAPH.RIGHT), (section.even_page_footer,
                                                                      WD_ALIGN_PARAGRAPH.LEFT)):
        paragraph = footer.paragraphs[0]
        assert paragraph.alignment == align
        assert paragraph.text == "— 1 —"
        instr = [el.text for el in paragraph._p.iter(qn("w:instrText"))]
        assert instr == [" PAGE "]
        kinds = [el.get(qn("w:fldCharType")) for el in paragraph._p.iter(qn("w:fldChar"))]
        assert kinds == ["begin", "separate", "end"]


def test_it_prints_the_header_in_red_xiaobiaosong_above_a_red_rule():
    paragraphs = _reopen(_document()).paragraphs
    header, number = paragraphs[0], paragraphs[1]
    assert header.text == "泗洪县数字政府建设工作通报"
    assert str(header.runs[0].font.color.rgb) in ("FF0000", "C00000")
    assert _east_asia(header.runs[0]) == XIAOBIAOSONG
    assert number.text == "洪政办通〔2023〕3号" and number.alignment == WD_ALIGN_PARAGRAPH.CENTER
    rule = number._p.pPr.find(qn("w:pBdr")).find(qn("w:bottom"))
    assert rule.get(qn("w:color")) == "FF0000" and rule.get(qn("w:val")) == "single"


def test_it_sets_title_recipients_and_body_in_their_fonts():
    paragraphs = _reopen(_document()).paragraphs
    title = paragraphs[2]
    assert title.text == "关于2023年第三季度数字政府建设\n工作推进情况的通报"
    assert title.runs[0].font.size.pt == 22 and _east_asia(title.runs[0]) == XIAOBIAOSONG
    assert paragraphs[3].text == "各乡镇人民政府，各街道办事处："
    heading = paragraphs[4]
    assert _east_asia(heading.runs[0]) == HEITI and _chars(heading, "firstLine") == 2
    body = paragraphs[5]
    assert body.text == "推进“信用+基层治理”平台建设。"
    assert _east_asia(body.runs[0]) == FANGSONG and body.runs[0].font.size.pt == 16
    assert _chars(body, "firstLine") == 2
    lead = paragraphs[6]
    assert _east_asia(lead.runs[0]) == KAITI and _east_asia(lead.runs[1]) == FANGSONG


def test_it_names_fallback_fonts_for_pcs_without_the_standard_ones():
    data = _document().to_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        fonts = z.read("word/fontTable.xml").decode()
        styles = z.read("word/styles.xml").decode()
        names = z.namelist()
    assert 'w:name="仿宋_GB2312"' in fonts and 'w:altName w:val="仿宋"' in fonts
    assert 'w:name="方正小标宋简体"' in fonts and 'w:altName w:val="宋体"' in fonts
    assert f'w:eastAsia="{FANGSONG}"' in styles and "minorEastAsia" not in styles.split("</w:docDefaults>")[0]
    assert not any("thumbnail" in n for n in names)


def test_it_draws_a_bordered_table_whose_header_repeats():
    table = _reopen(_document()).tables[0]
    assert [c.text for c in table.rows[0].cells] == ["单位", "牵头任务"]
    assert [c.text for c in table.rows[1].cells] == ["大数据中心", "3"]
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None
    borders = table._tbl.tblPr.find(qn("w:tblBorders"))
    assert {b.get(qn("w:val")) for b in borders} == {"single"}


def test_it_signs_two_characters_in_and_dates_two_characters_right_of_the_signature():
    paragraphs = _reopen(_document()).paragraphs
    sig = next(p for p in paragraphs if p.text == "泗洪县人民政府办公室")
    when = next(p for p in paragraphs if p.text == "2023年10月8日")
    assert sig.alignment == when.alignment == WD_ALIGN_PARAGRAPH.RIGHT
    sig_right, date_right = _chars(sig, "right"), _chars(when, "right")
    assert sig_right == 2
    assert date_right >= 2
    # The date's first character sits two characters right of the signature's first character.
    assert (sig_right + text_width("泗洪县人民政府办公室")) - (date_right + text_width("2023年10月8日")) == 2


def test_it_moves_a_short_signature_left_so_the_date_keeps_two_characters():
    doc = OfficeDocument()
    doc.paragraph("正文。")
    sig, when = doc.signature("县政府办", date(2023, 10, 8))
    assert _chars(when, "right") == 2
    assert _chars(sig, "right") == 2 + 6.5 + 2 - 4


def test_it_closes_with_cc_and_printer_lines():
    table = _reopen(_document()).tables[-1]
    texts = [c.text for row in table.rows for c in row.cells]
    assert "抄送：县委办公室，县人大常委会办公室。" in texts
    assert "泗洪县人民政府办公室" in texts and "2023年10月8日印发" in texts


def test_it_drops_control_characters_that_xml_cannot_hold():
    doc = OfficeDocument()
    doc.paragraph("进展\x01情况\x0b良好")
    doc.signature("县政府办\x00", date(2023, 10, 8))
    texts = [p.text for p in _reopen(doc).paragraphs]
    assert "进展情况良好" in texts and "县政府办" in texts
