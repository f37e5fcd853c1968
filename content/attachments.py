"""Images and videos of a 稿件 (图解、视频、动漫): untrusted uploads, checked before they are kept.

The type is decided by the file's first bytes, never by its name or the browser's Content-Type: a
``.jpg`` that is really a program or a web page is refused. A small hand-written sniffer does this
because the few formats accepted (JPEG, PNG, GIF, WebP, MP4, WebM) have fixed, documented headers and
no type-sniffing library is a dependency (Pillow is installed only as reportlab's own dependency, so
the platform does not rely on it). Images must state their size in the header, within bounds, so a
"decompression bomb" never reaches a browser or a thumbnailer. Files are stored under MEDIA_ROOT with
a random name and the sniffed extension; they are served with the sniffed type by ``content.views``
only to people who may see the item, and to everyone once the item is published (as its text is).

Who may attach or remove: whoever may edit the item now (its writers while a draft, the current
step's reviewer during review); nobody after approval, since the approved item is what was signed.
"""

from __future__ import annotations

import hashlib
import struct
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from content import workflow
from content.models import ContentAttachment, ContentItem
from core import audit
from core.errors import DomainError
from core.models import User

MB = 1024 * 1024
MAX_PER_ITEM = 20
MAX_SIDE = 30_000  # a long 长图 infographic may be 1080 × 20000
MAX_PIXELS = 100_000_000
MAX_DESCRIPTION = 300
ACCEPTED = "JPEG、PNG、GIF、WebP 图片或 MP4、WebM 视频"
ACCEPT_ATTR = "image/jpeg,image/png,image/gif,image/webp,video/mp4,video/webm"


@dataclass(frozen=True)
class Sniffed:
    kind: str  # ContentAttachment.Kind
    content_type: str
    extension: str
    label: str


JPEG = Sniffed(ContentAttachment.Kind.IMAGE, "image/jpeg", ".jpg", "JPEG 图片")
PNG = Sniffed(ContentAttachment.Kind.IMAGE, "image/png", ".png", "PNG 图片")
GIF = Sniffed(ContentAttachment.Kind.IMAGE, "image/gif", ".gif", "GIF 图片")
WEBP = Sniffed(ContentAttachment.Kind.IMAGE, "image/webp", ".webp", "WebP 图片")
MP4 = Sniffed(ContentAttachment.Kind.VIDEO, "video/mp4", ".mp4", "MP4 视频")
WEBM = Sniffed(ContentAttachment.Kind.VIDEO, "video/webm", ".webm", "WebM 视频")

# ISO base media brands that mean an MP4 a browser plays (not HEIC/AVIF stills, not QuickTime .mov).
MP4_BRANDS = {b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"dash",
              b"M4V ", b"mmp4", b"MSNV"}
# What a refused file most likely is, to say so in the error.
KNOWN_OTHERS = [(b"MZ", "Windows 可执行程序"), (b"\x7fELF", "可执行程序"), (b"%PDF", "PDF 文档"),
                (b"PK\x03\x04", "压缩包或 Office 文档"), (b"Rar!", "RAR 压缩包"), (b"7z\xbc\xaf", "7z 压缩包"),
                (b"\xd0\xcf\x11\xe0", "旧版 Office 文档"), (b"BM", "BMP 图片（请另存为 PNG 或 JPEG）"),
                (b"II*\x00", "TIFF 图片（请另存为 PNG 或 JPEG）"), (b"MM\x00*", "TIFF 图片（请另存为 PNG 或 JPEG）")]


def image_max_bytes() -> int:
    return int(settings.CONTENT_IMAGE_MAX_BYTES)  # defaults in zhengtong.settings


def video_max_bytes() -> int:
    return int(settings.CONTENT_VIDEO_MAX_BYTES)


# ---- sniffing -------------------------------------------------------------------------------------


def sniff(head: bytes) -> Sniffed | None:
    """The accepted format these first bytes (at least 64) begin, else None."""
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        size = struct.unpack(">I", head[:4])[0]
        brands = {head[8:12]} | {head[i:i + 4] for i in range(16, min(size, len(head)) - 3, 4)}
        return MP4 if brands & MP4_BRANDS else None
    if head.startswith(b"\x1a\x45\xdf\xa3"):  # EBML: WebM, or Matroska which browsers do not all play
        doctype = head.find(b"\x42\x82", 4, 64)
        return WEBM if doctype != -1 and b"webm" in head[doctype + 2:doctype + 12] else None
    return None


def describe_other(head: bytes) -> str:
    """What a refused file seems to be, in words for the error message."""
    for magic, label in KNOWN_OTHERS:
        if head.startswith(magic):
            return label
    if head[4:8] == b"ftyp":
        return "HEIC/AVIF 图片或 MOV 视频（请转为 JPEG/PNG 或 MP4）"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "MKV 视频（请转为 MP4 或 WebM）"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith(b"<"):
        return "网页、SVG 或 XML 等文本"
    return "无法识别的格式"


def image_size(kind: Sniffed, stream: IO[bytes]) -> tuple[int, int] | None:
    """(width, height) from the image's header, without decoding it; None when the header is broken."""
    stream.seek(0)
    head = stream.read(40)
    try:
        if kind is PNG:
            if head[12:16] != b"IHDR" or struct.unpack(">I", head[29:33])[0] != zlib.crc32(head[12:29]):
                return None
            return struct.unpack(">II", head[16:24])
        if kind is GIF:
            return struct.unpack("<HH", head[6:10])
        if kind is WEBP:
            return _webp_size(head)
        if kind is JPEG:
            return _jpeg_size(stream)
    except struct.error:
        return None
    return None


def _webp_size(head: bytes) -> tuple[int, int] | None:
    chunk = head[12:16]
    if chunk == b"VP8 " and head[23:26] == b"\x9d\x01\x2a":
        w, h = struct.unpack("<HH", head[26:30])
        return w & 0x3FFF, h & 0x3FFF
    if chunk == b"VP8L" and head[20] == 0x2F:
        bits = struct.unpack("<I", head[21:25])[0]
        return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if chunk == b"VP8X":
        return int.from_bytes(head[24:27], "little") + 1, int.from_bytes(head[27:30], "little") + 1
    return None


def _jpeg_size(stream: IO[bytes]) -> tuple[int, int] | None:
    """Walk the JPEG segments to the frame header (SOFn); EXIF and ICC segments are skipped by length."""
    stream.seek(2)
    for _ in range(1000):  # a real file reaches its SOF in a few dozen segments
        marker = stream.read(2)
        if len(marker) < 2 or marker[0] != 0xFF:
            return None
        code = marker[1]
        if code == 0xFF:  # fill byte
            stream.seek(-1, 1)
            continue
        if code in (0x01, *range(0xD0, 0xD8)):  # markers without a length
            continue
        length_bytes = stream.read(2)
        if len(length_bytes) < 2:
            return None
        length = struct.unpack(">H", length_bytes)[0]
        if length < 2:
            return None
        if 0xC0 <= code <= 0xCF and code not in (0xC4, 0xC8, 0xCC):
            frame = stream.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        if code in (0xD9, 0xDA):  # end of image, start of scan: no frame header before the data
            return None
        stream.seek(length - 2, 1)
    return None


# ---- the service --------------------------------------------------------------------------------


def can_attach(user: User, item: ContentItem) -> bool:
    return "edit" in workflow.actions_for(user, item)


def _clean_name(name: str) -> str:
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable()).strip()
    return name[:200] or "附件"


def _clean_description(text: str) -> str:
    text = " ".join("".join(ch if ch.isprintable() else " " for ch in (text or "")).split())
    if not text:
        raise DomainError("请填写替代文字：说明图片或视频的内容，供读屏软件朗读（无障碍要求）", field="description")
    if len(text) > MAX_DESCRIPTION:
        raise DomainError(f"替代文字不能超过 {MAX_DESCRIPTION} 字", field="description")
    return text


def size_label(n: int) -> str:
    if n >= MB:
        return f"{n / MB:.1f}".removesuffix(".0") + " MB"
    return f"{round(n / 1024)} KB" if n >= 1024 else f"{n} 字节"


def check_upload(upload: UploadedFile) -> tuple[Sniffed, tuple[int, int] | None]:
    """The upload's format and image size, or a DomainError in Chinese saying why it is refused."""
    size = upload.size
    if size is None or size == 0:
        raise DomainError("文件是空的", field="file")
    if size > max(image_max_bytes(), video_max_bytes()):
        raise DomainError(f"文件过大：图片不能超过 {size_label(image_max_bytes())}，视频不能超过 {size_label(video_max_bytes())}",
                          field="file")
    upload.seek(0)
    head = upload.read(64)
    kind = sniff(head)
    if kind is None:
        suffix = PurePath(upload.name or "").suffix.lower()
        named = f"文件名为「{suffix}」，但" if suffix else ""
        raise DomainError(f"不支持的文件：{named}内容是{describe_other(head)}。请上传 {ACCEPTED}", field="file")
    limit = image_max_bytes() if kind.kind == ContentAttachment.Kind.IMAGE else video_max_bytes()
    if size > limit:
        raise DomainError(f"{kind.label}过大：不能超过 {size_label(limit)}", field="file")
    dims = None
    if kind.kind == ContentAttachment.Kind.IMAGE:
        dims = image_size(kind, upload)
        if dims is None or min(dims) < 1:
            raise DomainError(f"{kind.label}已损坏：读不出图片尺寸", field="file")
        if max(dims) > MAX_SIDE or dims[0] * dims[1] > MAX_PIXELS:
            raise DomainError(f"图片尺寸过大（{dims[0]}×{dims[1]} 像素）：边长不能超过 {MAX_SIDE} 像素，"
                              f"总像素不能超过 {MAX_PIXELS // 1_000_000} 百万", field="file")
    upload.seek(0)
    return kind, dims


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def add_attachment(actor: User, item: ContentItem, upload: UploadedFile, *, description: str) -> ContentAttachment:
    workflow.require_editable(actor, item, "为该稿件添加附件")
    description = _clean_description(description)
    kind, dims = check_upload(upload)
    if item.attachments.count() >= MAX_PER_ITEM:
        raise DomainError(f"每篇稿件最多 {MAX_PER_ITEM} 个附件", field="file")
    digest = _sha256(upload)
    if item.attachments.filter(sha256=digest).exists():
        raise DomainError("这个文件已经上传过了", field="file")
    name = _clean_name(upload.name or "")
    attachment = ContentAttachment(
        item=item, original_name=name, kind=kind.kind, content_type=kind.content_type, size=upload.size or 0,
        sha256=digest, width=dims[0] if dims else None, height=dims[1] if dims else None,
        description=description, revision=item.revision, uploaded_by=actor)
    attachment.file.save(f"upload{kind.extension}", upload, save=False)
    try:
        attachment.save()
        ContentItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
        audit.record(actor, "content.attachment.add", "添加稿件附件", item, unit=item.unit,
                     after={"attachment": attachment.pk, "name": name, "type": kind.content_type,
                            "bytes": attachment.size, "sha256": digest, "description": description})
        workflow.run_checks(item, actor)  # its alt text
    except BaseException:
        attachment.file.delete(save=False)  # the row rolls back; the stored file must not stay behind
        raise
    return attachment


@transaction.atomic
def remove_attachment(actor: User, attachment: ContentAttachment) -> None:
    item = attachment.item
    workflow.require_editable(actor, item, "删除该稿件的附件")
    audit.record(actor, "content.attachment.remove", "删除稿件附件", item, unit=item.unit,
                 before={"attachment": attachment.pk, "name": attachment.original_name,
                         "sha256": attachment.sha256, "description": attachment.description})
    storage, name = attachment.file.storage, attachment.file.name
    attachment.delete()
    ContentItem.objects.filter(pk=item.pk).update(updated_at=timezone.now())
    workflow.run_checks(item, actor)  # what its alt text raised goes with it
    if name:
        # Only once the row is gone for good: a rolled-back removal keeps its file.
        transaction.on_commit(lambda: storage.delete(name))


def download_name(attachment: ContentAttachment) -> str:
    """The original name with the extension of what the file really is."""
    suffix = PurePath(attachment.file.name or "").suffix
    return PurePath(attachment.original_name).stem + suffix
