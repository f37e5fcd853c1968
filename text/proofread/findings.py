"""What every proofreading check returns: a span of the input, what is wrong, and what to write instead.

Offsets are character offsets (Python ``str`` indices) into the text that was checked, end exclusive,
so ``text[f.start:f.end] == f.text``. The JSON form (``to_json``) is the line format of
``manage.py proofread --format jsonl`` and of ``POST /api/v1/text/check``; other tools parse it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import Any


class Kind(StrEnum):
    TYPO = "typo"  # 错别字
    FORMULATION = "formulation"  # 严重表述错误: canonical formulations, leaders' names and titles
    OUTDATED = "outdated"  # 过时表述
    SENSITIVE = "sensitive"  # 敏感词
    PRIVACY = "privacy"  # 隐私泄露: 身份证号, 手机号, 银行卡号
    FORMAT = "format"  # 发文字号括号, 全半角标点混用, 日期格式

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]


_KIND_LABELS = {
    Kind.TYPO: "错别字",
    Kind.FORMULATION: "严重表述错误",
    Kind.OUTDATED: "过时表述",
    Kind.SENSITIVE: "敏感词",
    Kind.PRIVACY: "隐私泄露",
    Kind.FORMAT: "格式",
}


class Severity(IntEnum):
    """Ordered: ``max(findings, key=severity)`` is the worst. ``SERIOUS`` blocks approval (issue 4)."""

    INFO = 1  # 提示: worth a look, often fine
    WARNING = 2  # 一般: very likely wrong
    SERIOUS = 3  # 严重: 严重表述错误, 隐私泄露 — a veto item for the national checks

    @property
    def label(self) -> str:
        return {Severity.INFO: "提示", Severity.WARNING: "一般", Severity.SERIOUS: "严重"}[self]

    @property
    def code(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Finding:
    start: int
    end: int
    text: str  # the span as written
    suggestion: str  # what to write instead ("" when the fix is to remove or to decide by hand)
    kind: Kind
    severity: Severity
    message: str  # one Chinese sentence for the editor: why this is flagged
    rule: str = ""  # which dictionary entry / rule / model fired, for audit and tuning
    confidence: float = 1.0  # 0–1; typo findings carry the model's score, rule findings 1.0

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text, "suggestion": self.suggestion,
                "kind": self.kind.value, "severity": self.severity.code, "message": self.message,
                "rule": self.rule, "confidence": round(self.confidence, 4)}
