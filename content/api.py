"""``POST /api/v1/text/check``: proofread a text (or HTML pasted from Word) and get the findings."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Router, Schema

from content import checking
from core.access import current_user
from core.schemas import ErrorOut

router = Router(tags=["文字校对"])
API_MAX_CHARS = 50_000


class CheckIn(Schema):
    text: str
    as_of: date | None = None  # the document's date: names renamed after it are not 过时表述


class FindingOut(Schema):
    start: int
    end: int
    text: str
    suggestion: str
    kind: str
    kind_label: str
    severity: str
    severity_label: str
    message: str
    rule: str
    confidence: float


class CheckOut(Schema):
    text: str  # the text as checked (HTML turned into plain text); offsets point into it
    dictionary_version: int
    findings: list[FindingOut]


@router.post("/check", response={200: CheckOut, 400: ErrorOut}, summary="文字校对（错别字、表述、敏感词、隐私、格式）")
def check(request: HttpRequest, payload: CheckIn) -> CheckOut:
    current_user(request)  # logged-in people only
    result = checking.check(payload.text, limit=API_MAX_CHARS, as_of=payload.as_of)
    return CheckOut(text=result.text, dictionary_version=result.dictionary_version, findings=[
        FindingOut(**f.to_json(), kind_label=f.kind.label, severity_label=f.severity.label)
        for f in result.findings])
