"""Byte ranges (RFC 9110 §14) for file downloads, which Django's FileResponse does not answer.

Browsers ask for a range to seek in a video, and Safari on iOS plays an MP4 only from a server that
answers with 206 Partial Content: a citizen on an iPhone would otherwise see a video that never
starts. Written here because Django has no range support (ticket #22479) and the packages that add
it are unmaintained; it is one parser and one response.

One range per request is answered. A request for several gets the whole file, as does a malformed
one or one whose ``If-Range`` no longer matches the file (both allowed by RFC 9110 §14.2).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import BinaryIO

from django.http import FileResponse, HttpRequest, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils.http import content_disposition_header

_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_BLOCK = 64 * 1024


class Unsatisfiable(Exception):
    """The range starts at or after the end of the file (416)."""


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The first and last byte a ``Range`` header asks for, or None for the whole file."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None:
        return None  # absent, another unit, several ranges or malformed: the whole file
    first, last = match.groups()
    if not first:
        if not last:
            return None
        suffix = int(last)  # "bytes=-500": the last 500 bytes
        if suffix == 0 or size == 0:
            raise Unsatisfiable
        return max(size - suffix, 0), size - 1
    start = int(first)
    if start >= size:
        raise Unsatisfiable
    end = size - 1 if not last else min(int(last), size - 1)
    if end < start:
        return None  # an invalid range is ignored
    return start, end


def _slice(handle: BinaryIO, start: int, length: int) -> Iterator[bytes]:
    try:
        handle.seek(start)
        while length > 0:
            block = handle.read(min(_BLOCK, length))
            if not block:
                break
            length -= len(block)
            yield block
    finally:
        handle.close()


def ranged_file(
    request: HttpRequest, handle: BinaryIO, *, size: int, etag: str, content_type: str, filename: str
) -> HttpResponseBase:
    """The file, or the part of it the request's ``Range`` asks for; ``etag`` is a quoted strong tag."""
    wanted = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        wanted = None  # the client's copy is of another version: send this one whole
    response: HttpResponseBase
    try:
        span = byte_range(wanted, size)
    except Unsatisfiable:
        handle.close()
        response = HttpResponse("请求的范围超出文件大小", status=416, content_type="text/plain; charset=utf-8")
        response["Content-Range"] = f"bytes */{size}"
    else:
        if span is None:
            response = FileResponse(handle, content_type=content_type, filename=filename)
        else:
            start, end = span
            response = StreamingHttpResponse(
                _slice(handle, start, end - start + 1), status=206, content_type=content_type
            )
            response["Content-Range"] = f"bytes {start}-{end}/{size}"
            response["Content-Length"] = str(end - start + 1)
            if disposition := content_disposition_header(False, filename):
                response["Content-Disposition"] = disposition
    response["Accept-Ranges"] = "bytes"
    response["ETag"] = etag
    return response
