"""Images and videos of a 稿件: the type from the bytes, bounded sizes, alt text, who may attach and when."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from content import attachments, workflow
from content.demo import BLUE, RED, png
from content.models import ContentAttachment, State
from content.tests.test_workflow import NOW, draft, through_review
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import AuditEntry

pytestmark = pytest.mark.django_db

PNG = png(64, 32, [(50, RED), (80, BLUE)])
ALT = "财政局预算执行情况柱状图"
# Minimal headers of the other accepted formats (a browser would need more, the sniffer does not).
GIF = b"GIF89a" + struct.pack("<HH", 40, 20) + b"\x80\x00\x00" + b"\x00" * 60
JPEG = (b"\xff\xd8\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00" + b"\x00" * 9
        + b"\xff\xe1" + struct.pack(">H", 2 + 3000) + b"E" * 3000  # a large EXIF segment to skip
        + b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, 480, 640, 1) + b"\x01\x11\x00" + b"\xff\xd9")
WEBP_LOSSLESS = b"RIFF\x00\x00\x00\x00WEBPVP8L\x00\x00\x00\x00\x2f" + struct.pack("<I", (99 << 14) | 199) + b"\x00" * 40
MP4 = struct.pack(">I", 24) + b"ftypisom\x00\x00\x02\x00isomiso2" + struct.pack(">I", 48) + b"mdat" + b"\x00" * 40
WEBM = (b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01\x42\xf7\x81\x01\x42\xf2\x81\x04\x42\xf3\x81\x08"
        b"\x42\x82\x84webm\x42\x87\x81\x04\x42\x85\x81\x02" + b"\x00" * 40)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100
HTML = b"<!DOCTYPE html><html><script>alert(document.cookie)</script></html>" + b" " * 20


def png_with_size(width: int, height: int) -> bytes:
    """The demo PNG claiming another size in a well-formed header (a decompression bomb's trick)."""
    ihdr = b"IHDR" + struct.pack(">II", width, height) + PNG[24:29]
    return PNG[:12] + ihdr + struct.pack(">I", zlib.crc32(ihdr)) + PNG[33:]


def upload(name: str, data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")  # what the browser says never counts


@pytest.mark.parametrize(("data", "content_type", "size"), [
    (PNG, "image/png", (64, 32)), (GIF, "image/gif", (40, 20)), (JPEG, "image/jpeg", (640, 480)),
    (WEBP_LOSSLESS, "image/webp", (200, 100)), (MP4, "video/mp4", None), (WEBM, "video/webm", None),
])
def test_it_decides_the_type_and_image_size_from_the_bytes(data, content_type, size):
    kind = attachments.sniff(data[:64])
    assert kind is not None and kind.content_type == content_type
    if size is not None:
        assert attachments.image_size(kind, io.BytesIO(data)) == size


def test_the_editor_attaches_an_image_with_alt_text_and_it_is_stored_under_a_random_name(units, people, channel,
                                                                                          settings):
    item = draft(people, units, channel)
    attachment = attachments.add_attachment(people["editor"], item, upload("../../图解.PNG", PNG), description=ALT)
    attachment.refresh_from_db()
    assert (attachment.kind, attachment.content_type, attachment.width, attachment.height) == ("image", "image/png",
                                                                                               64, 32)
    assert attachment.original_name == "图解.PNG" and attachment.description == ALT and attachment.revision == 1
    assert len(attachment.sha256) == 64 and attachment.size == len(PNG)
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert stored.read_bytes() == PNG and stored.suffix == ".png" and "图解" not in stored.name
    entry = AuditEntry.objects.get(action="content.attachment.add")
    assert entry.actor == people["editor"] and entry.after["sha256"] == attachment.sha256


def test_a_video_is_accepted_by_its_bytes_whatever_its_name(units, people, channel):
    item = draft(people, units, channel, form="video")
    attachment = attachments.add_attachment(people["editor"], item, upload("clip.jpg", MP4), description="走进大数据中心")
    assert attachment.kind == "video" and attachment.file.name.endswith(".mp4")
    assert attachments.download_name(attachment) == "clip.mp4"


@pytest.mark.parametrize(("name", "data", "message"), [
    ("photo.jpg", EXE, "内容是Windows 可执行程序"),
    ("photo.jpg", HTML, "内容是网页"),
    ("photo.jpg", b"", "文件是空的"),
    ("scan.pdf", b"%PDF-1.7\n" + b"0" * 100, "PDF 文档"),
    ("broken.png", PNG[:20] + b"XXXX" + PNG[24:], "读不出图片尺寸"),
    ("bomb.png", png_with_size(50_000, 50_000), "图片尺寸过大"),
])
def test_bad_files_are_refused_in_chinese(units, people, channel, name, data, message):
    item = draft(people, units, channel)
    with pytest.raises(DomainError, match=message) as error:
        attachments.add_attachment(people["editor"], item, upload(name, data), description=ALT)
    assert error.value.field == "file" and not ContentAttachment.objects.exists()


def test_sizes_are_bounded_per_kind_by_settings(units, people, channel, settings):
    settings.CONTENT_IMAGE_MAX_BYTES = 500
    settings.CONTENT_VIDEO_MAX_BYTES = 2000
    item = draft(people, units, channel)
    big_png = PNG + b"\x00" * 600  # trailing bytes after IEND: over 500 bytes
    with pytest.raises(DomainError, match="PNG 图片过大：不能超过 500 字节"):
        attachments.add_attachment(people["editor"], item, upload("big.png", big_png), description=ALT)
    with pytest.raises(DomainError, match="文件过大"):
        attachments.add_attachment(people["editor"], item, upload("v.mp4", MP4 + b"\x00" * 3000), description=ALT)
    assert attachments.add_attachment(people["editor"], item, upload("v.mp4", MP4 + b"\x00" * 1000),
                                      description=ALT).kind == "video"


def test_alt_text_is_required_and_duplicates_are_refused(units, people, channel):
    item = draft(people, units, channel)
    with pytest.raises(DomainError, match="请填写替代文字") as error:
        attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=" \x00\t ")
    assert error.value.field == "description"
    with pytest.raises(DomainError, match="不能超过 300 字"):
        attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description="图" * 301)
    attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    with pytest.raises(DomainError, match="已经上传过"):
        attachments.add_attachment(people["editor"], item, upload("copy.png", PNG), description=ALT)


def test_who_may_attach_follows_who_may_edit(units, people, channel, outsider, supervisor):
    item = draft(people, units, channel)
    operator_item = workflow.create_item(people["operator"], units.finance, title="推文", body="今日推文。",
                                         channels=[channel])
    assert attachments.add_attachment(people["operator"], operator_item, upload("a.png", PNG), description=ALT)
    with pytest.raises(NotAllowed):
        attachments.add_attachment(supervisor, item, upload("a.png", PNG), description=ALT)  # sees it, may not edit
    with pytest.raises(NotAllowed):
        attachments.add_attachment(outsider, item, upload("a.png", PNG), description=ALT)
    workflow.submit(people["editor"], item, now=NOW)
    with pytest.raises(NotAllowed, match="添加附件"):
        attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    assert attachments.add_attachment(people["r1"], item, upload("a.png", PNG), description=ALT).revision == 1


def test_nothing_is_attached_or_removed_after_approval(units, people, channel):
    item = draft(people, units, channel)
    attachment = attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    through_review(item, people)
    assert item.state == State.APPROVED
    with pytest.raises(InvalidTransition, match="已批准，不能再修改或增删附件"):
        attachments.add_attachment(people["editor"], item, upload("b.gif", GIF), description=ALT)
    with pytest.raises(InvalidTransition):
        attachments.remove_attachment(people["final"], attachment)


def test_removing_deletes_the_file_once_committed_and_is_audited(units, people, channel, settings,
                                                                 django_capture_on_commit_callbacks):
    item = draft(people, units, channel)
    attachment = attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    stored = Path(settings.MEDIA_ROOT) / attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        attachments.remove_attachment(people["editor"], attachment)
    assert not stored.exists() and not item.attachments.exists()
    assert AuditEntry.objects.get(action="content.attachment.remove").before["name"] == "a.png"


def test_a_failed_upload_leaves_no_file_behind(units, people, channel, settings, monkeypatch):
    item = draft(people, units, channel)

    def broken(*args, **kwargs):
        raise RuntimeError("audit down")

    monkeypatch.setattr(attachments.audit, "record", broken)
    with pytest.raises(RuntimeError):
        attachments.add_attachment(people["editor"], item, upload("a.png", PNG), description=ALT)
    media = Path(settings.MEDIA_ROOT)
    assert not media.exists() or not [p for p in media.rglob("*") if p.is_file()]


def test_the_png_the_demo_draws_is_a_valid_png():
    assert PNG.startswith(b"\x89PNG") and zlib.decompress(PNG[PNG.index(b"IDAT") + 4:-16])
