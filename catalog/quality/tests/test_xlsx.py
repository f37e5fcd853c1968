"""Loading xlsx uploads: merged cells, wrong headers, formulas, images, size limits."""

from __future__ import annotations

import base64
import zipfile
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from catalog.quality import (
    ColumnSpec,
    FileSource,
    Limits,
    Mobile,
    QualityError,
    QualityPlan,
    ResidentId,
    run,
)
from catalog.quality.tests.support import AS_OF, bad_check, resident_id, result

PLAN = QualityPlan(
    (
        ColumnSpec("姓名", required=True),
        ColumnSpec("身份证号", required=True, unique=True, rule=ResidentId()),
        ColumnSpec("手机号", rule=Mobile()),
    ),
    as_of=AS_OF,
)
HEADER = ["序号", "姓名", "身份证号", "手机号"]
# A 1×1 transparent PNG.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)


def _workbook(
    path: Path, rows: list[list[Any]], *, header: list[str] = HEADER, title: str | None = None
) -> Path:
    wb = openpyxl.Workbook(write_only=True)  # streaming: 50,000 rows write several times faster
    ws = wb.create_sheet("人口")
    if title:
        ws.append([title])
    ws.append(header)
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


def _people(n: int) -> list[list[Any]]:
    return [
        [i, f"居民{i}", resident_id(i, born=f"{1930 + i // 1000}0101"), f"138{i:08d}"]
        for i in range(1, n + 1)
    ]


def _add_image(path: Path) -> None:
    """Put a picture on the first sheet the way Excel stores one (drawing part + relationships)."""
    with zipfile.ZipFile(path) as src:
        parts = {name: src.read(name) for name in src.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    sheet = sheet.replace("</worksheet>", '<drawing r:id="rIdImg"/></worksheet>')
    if 'xmlns:r="' not in sheet:
        sheet = sheet.replace(
            "<worksheet ",
            '<worksheet xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" ',
            1,
        )
    parts["xl/worksheets/sheet1.xml"] = sheet.encode()
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    parts["xl/worksheets/_rels/sheet1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rIdImg" Type="{rel}/drawing" Target="../drawings/drawing1.xml"/>'
        "</Relationships>"
    ).encode()
    parts["xl/drawings/_rels/drawing1.xml.rels"] = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships"><Relationship Id="rId1" Type="{rel}/image" Target="../media/image1.png"/></Relationships>'
    ).encode()
    parts["xl/drawings/drawing1.xml"] = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<xdr:wsDr xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
        f'xmlns:r="{rel}"><xdr:oneCellAnchor><xdr:from><xdr:col>5</xdr:col><xdr:colOff>0</xdr:colOff>'
        '<xdr:row>1</xdr:row><xdr:rowOff>0</xdr:rowOff></xdr:from><xdr:ext cx="9525" cy="9525"/>'
        '<xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="Picture 1"/><xdr:cNvPicPr/></xdr:nvPicPr>'
        '<xdr:blipFill><a:blip r:embed="rId1"/><a:stretch><a:fillRect/></a:stretch></xdr:blipFill>'
        '<xdr:spPr><a:prstGeom prst="rect"><a:avLst/></a:prstGeom></xdr:spPr></xdr:pic><xdr:clientData/>'
        "</xdr:oneCellAnchor></xdr:wsDr>"
    ).encode()
    parts["xl/media/image1.png"] = PNG
    types = parts["[Content_Types].xml"].decode()
    types = types.replace(
        "</Types>",
        '<Default Extension="png" ContentType="image/png"/><Override PartName="/xl/drawings/drawing1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.drawing+xml"/></Types>',
    )
    parts["[Content_Types].xml"] = types.encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)


def test_it_checks_a_clean_sheet_and_reports_excel_row_numbers(tmp_path: Path) -> None:
    rows = _people(5)
    rows[2][2] = bad_check(rows[2][2])  # Excel row 4
    rows[4][3] = "12345"  # Excel row 6

    report = run(FileSource(_workbook(tmp_path / "人口.xlsx", rows)), PLAN)

    ids = result(report, "validity", "身份证号")
    assert (ids.failed, [s.row for s in ids.samples], ids.samples[0].reason) == (1, [4], "校验位错误")
    assert ids.samples[0].value.startswith("320324") and "*" in ids.samples[0].value  # masked
    mobiles = result(report, "validity", "手机号")
    assert (mobiles.failed, mobiles.samples[0].row, mobiles.samples[0].value) == (1, 6, "1****")


def test_it_refuses_merged_cells_naming_the_range(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "merged.xlsx", _people(3))
    wb = openpyxl.load_workbook(path)
    ws = wb.active
    assert ws is not None
    ws.merge_cells("B3:B4")
    wb.save(path)

    with pytest.raises(QualityError, match=r"含合并单元格（B3:B4）"):
        run(FileSource(path), PLAN)


def test_it_names_the_expected_headers_when_they_are_wrong(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "wrong.xlsx", _people(3), header=["序号", "名字", "身份证号码", "手机"])

    with pytest.raises(QualityError) as excinfo:
        run(FileSource(path), PLAN)

    message = excinfo.value.message
    assert "缺少列：姓名、身份证号、手机号" in message
    assert (
        "应有表头：姓名、身份证号、手机号" in message and "实际表头：序号、名字、身份证号码、手机" in message
    )


def test_it_finds_the_header_below_a_title_row(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "titled.xlsx", _people(3), title="2025 年人口信息表")

    report = run(FileSource(path), PLAN)

    assert report.rows == 3 and report.passed


def test_it_refuses_formulas_in_checked_columns(tmp_path: Path) -> None:
    rows = _people(3)
    rows[1][3] = '="138"&"00000002"'

    with pytest.raises(QualityError, match="单元格 D3（「手机号」列）含公式"):
        run(FileSource(_workbook(tmp_path / "formula.xlsx", rows)), PLAN)


def test_it_ignores_formulas_in_columns_it_does_not_check(tmp_path: Path) -> None:
    rows = [["=ROW()-1", *row[1:]] for row in _people(3)]

    report = run(FileSource(_workbook(tmp_path / "serial.xlsx", rows)), PLAN)

    assert report.rows == 3 and report.passed


def test_it_ignores_images(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "image.xlsx", _people(3))
    _add_image(path)
    with zipfile.ZipFile(path) as archive:
        assert "xl/media/image1.png" in archive.namelist()

    report = run(FileSource(path), PLAN)

    assert report.rows == 3 and report.passed


def test_it_reads_50000_rows_within_bounds(tmp_path: Path) -> None:
    rows = _people(50_000)
    for i in range(0, 50_000, 1000):
        rows[i][1] = None  # 50 planted blanks

    path = _workbook(tmp_path / "big.xlsx", rows)
    # The bound is the engine's own: past load_timeout_s it stops with a QualityError. openpyxl reads
    # these 200,000 cells in a few seconds on an idle machine.
    report = run(FileSource(path), PLAN, limits=Limits(load_timeout_s=120))

    assert report.rows == 50_000
    assert result(report, "completeness", "姓名").failed == 50
    assert result(report, "uniqueness", "身份证号").failed == 0


def test_it_stops_reading_a_sheet_at_the_time_limit(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "slow.xlsx", _people(6_000))

    with pytest.raises(QualityError, match="读取数据超时"):
        run(FileSource(path), PLAN, limits=Limits(load_timeout_s=0.0))


def test_it_refuses_a_sheet_over_the_row_limit(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "many.xlsx", _people(30))

    with pytest.raises(QualityError, match="超过 Excel 导入 20 行的上限"):
        run(FileSource(path), PLAN, limits=Limits(xlsx_max_rows=20))


def test_it_warns_when_excel_stored_an_id_number_as_a_number(tmp_path: Path) -> None:
    rows = _people(2)
    rows[0][2] = float(rows[0][2])  # what Excel does to an 18-digit number typed into a General cell

    report = run(FileSource(_workbook(tmp_path / "numbers.xlsx", rows)), PLAN)

    assert result(report, "validity", "身份证号").failed == 1
    assert any("超过 15 位" in w for w in report.warnings)


def test_it_skips_empty_rows_and_says_so(tmp_path: Path) -> None:
    rows = _people(2) + [[None, None, None, None]] + _people(1)
    rows[-1][2] = resident_id(77)

    report = run(FileSource(_workbook(tmp_path / "gaps.xlsx", rows)), PLAN)

    assert report.rows == 3 and any("跳过了 1 个空行" in w for w in report.warnings)


def test_it_refuses_a_file_that_is_not_xlsx(tmp_path: Path) -> None:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)  # an OLE2 .xls renamed

    with pytest.raises(QualityError, match="不是有效的 xlsx 文件"):
        run(FileSource(path), PLAN)


def test_it_refuses_a_broken_zip(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 100)

    with pytest.raises(QualityError, match="不是有效的 xlsx 文件"):
        run(FileSource(path), PLAN)


def test_it_reads_a_named_sheet_or_lists_the_sheets(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "sheets.xlsx", _people(2))

    assert run(FileSource(path, sheet="人口"), PLAN).rows == 2
    with pytest.raises(QualityError, match="找不到工作表「法人」；文件中的工作表：人口"):
        run(FileSource(path, sheet="法人"), PLAN)
