"""A failed upload, kept for an hour so its uploader can download it annotated with the errors.

Design (no session, no database row): the upload's bytes and a small JSON (uploader, list, file name,
errors) go to ``MEDIA_ROOT/tmp/catalog-import/`` under a name derived from a random token. The token
(192 bits) is in the download link shown only to the uploader; the file name on disk is the token's
SHA-256, so a listing of the folder (or the media URL in DEBUG) does not reveal a working link and a
link does not reveal the file. The download view re-checks the uploader and the age, then builds the
annotated workbook from the stored upload and errors (the same ones the page showed). Files older
than the TTL are refused and swept whenever another failed upload is stored.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from catalog.excel.report import CellError, ImportReport

TTL_SECONDS = 3600
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{32}$")


@dataclass
class KeptUpload:
    list_name: str
    filename: str
    data: bytes
    errors: list[CellError]


def _folder() -> Path:
    return Path(settings.MEDIA_ROOT) / "tmp" / "catalog-import"


def _stem(token: str) -> Path:
    return _folder() / hashlib.sha256(token.encode()).hexdigest()


def keep(user_id: int, report: ImportReport, data: bytes, filename: str) -> str:
    """Store a failed upload; returns the token of its download link."""
    folder = _folder()
    folder.mkdir(parents=True, exist_ok=True)
    sweep()
    token = secrets.token_urlsafe(24)
    stem = _stem(token)
    meta = {"user": user_id, "list": report.list_name, "filename": filename[:200], "at": time.time(),
            "errors": [e.to_json() for e in report.errors]}
    _write(stem.with_suffix(".xlsx"), data)
    _write(stem.with_suffix(".json"), json.dumps(meta, ensure_ascii=False).encode())
    return token


def _write(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)


def load(user_id: int, token: str) -> KeptUpload | None:
    """The kept upload behind this token if it is this person's and not expired; else None."""
    if not _TOKEN.match(token or ""):
        return None
    stem = _stem(token)
    try:
        meta = json.loads(stem.with_suffix(".json").read_bytes())
        if meta.get("user") != user_id or time.time() - float(meta.get("at", 0)) > TTL_SECONDS:
            return None
        data = stem.with_suffix(".xlsx").read_bytes()
    except (OSError, ValueError):
        return None
    return KeptUpload(str(meta["list"]), str(meta.get("filename") or ""), data,
                      [CellError.from_json(e) for e in meta.get("errors", [])])


def sweep(now: float | None = None) -> int:
    """Delete kept uploads older than the TTL; returns how many files went."""
    now = now or time.time()
    removed = 0
    folder = _folder()
    if not folder.is_dir():
        return 0
    for path in folder.iterdir():
        try:
            if now - path.stat().st_mtime > TTL_SECONDS:
                path.unlink()
                removed += 1
        except OSError:
            continue
    return removed
