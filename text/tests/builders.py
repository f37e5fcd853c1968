"""Build .docx and .pdf fixtures in memory for the reader tests.

Neither reportlab nor fpdf2 is a project dependency, so PDFs are written by
hand: a tiny, valid PDF 1.4 file whose text uses the non-embedded Adobe CJK
font STSong-Light with the predefined ``UniGB-UCS2-H`` CMap (the same setup
reportlab's ``UnicodeCIDFont`` produces).  Viewers render it with their CJK
font pack, and pypdf maps the UCS-2 codes straight back to Unicode, so it is
a faithful "PDF with a text layer" for Chinese text.
"""

from __future__ import annotations

import io

from docx import Document
from docx.document import Document as DocxDocument


def _pdf_string(text: str) -> bytes:
    # UCS-2 big-endian hex string; the plan texts are all in the BMP.
    return b"<" + text.encode("utf-16-be").hex().upper().encode("ascii") + b">"


def build_pdf(pages: list[list[str]]) -> bytes:
    """A PDF with one text line per list entry, one list per page."""
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages tree, filled in below
        (
            b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
            b"/DescendantFonts [4 0 R] >>"
        ),
        (
            b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
            b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
            b"/FontDescriptor 5 0 R /DW 1000 >>"
        ),
        (
            b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 /FontBBox [-25 -254 1000 880] "
            b"/ItalicAngle 0 /Ascent 880 /Descent -120 /CapHeight 880 /StemV 93 >>"
        ),
    ]
    kids: list[int] = []
    for lines in pages:
        ops = [b"BT /F1 10 Tf 14 TL 40 800 Td"]
        for line in lines:
            ops.append(_pdf_string(line) + b" Tj T*")
        ops.append(b"ET")
        stream = b"\n".join(ops)
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        content_id = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_id
        )
        kids.append(len(objects))
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % k for k in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def build_blank_pdf(pages: int = 2) -> bytes:
    """A PDF whose pages carry no text at all (like an image-only scan)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


def docx_bytes(document: DocxDocument) -> bytes:
    buf = io.BytesIO()
    document.save(buf)
    return buf.getvalue()


def build_docx_from_markdown(text: str) -> bytes:
    """Rebuild a Markdown conversion as a Word file: one paragraph per line,
    tab-separated runs of lines as a real Word table (empty cells stay empty)."""
    document = Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        if "\t" in lines[i]:
            rows = []
            while i < len(lines) and "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
            width = max(len(r) for r in rows)
            table = document.add_table(rows=len(rows), cols=width)
            for r, row in enumerate(rows):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
            continue
        line = lines[i]
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            document.add_heading(line.lstrip("#").strip(), level=min(level, 4))
        else:
            document.add_paragraph(line)
        i += 1
    return docx_bytes(document)
