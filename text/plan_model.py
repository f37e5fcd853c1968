"""Result dataclasses of :func:`text.plan_parser.parse_plan`.

They are plain, typed, slot-based records; ``to_json`` produces the stable
dict shape the importer and the API rely on (key names are a contract).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

Json = dict[str, Any]


@dataclass(slots=True)
class Target:
    """One quantitative target, e.g. 按需共享率达到97% → (>=, 97, %)."""

    text: str
    metric: str
    comparator: str  # ">=", "<=" or "="
    value: int | float
    unit: str
    period: str | None = None  # "年" / "季度" / "月" / "周" / "日" for recurring quotas

    def to_json(self) -> Json:
        return {
            "text": self.text,
            "metric": self.metric,
            "comparator": self.comparator,
            "value": self.value,
            "unit": self.unit,
            "period": self.period,
        }


@dataclass(slots=True)
class Deadline:
    code: str  # "year_end", "within_year", "quarterly", "monthly", "weekly", ...
    text: str  # phrase as written, e.g. "年底"
    due: date | None = None  # resolved from the plan year where meaningful


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


@dataclass(slots=True)
class PlanItem:
    """A 工作目标 / 保障措施 paragraph (numbered or not)."""

    number: int | None
    title: str
    text: str
    targets: list[Target] = field(default_factory=list)
    deadline: Deadline | None = None

    def to_json(self) -> Json:
        return {
            "number": self.number,
            "title": self.title,
            "text": self.text,
            "targets": [t.to_json() for t in self.targets],
            "deadline": self.deadline.code if self.deadline else None,
            "deadline_text": self.deadline.text if self.deadline else None,
            "deadline_date": _iso(self.deadline.due) if self.deadline else None,
        }


@dataclass(slots=True)
class PlanTask:
    index: int  # 1-based position within its section
    number: int  # number as written (1., (一), 一是)
    heading: str
    text: str
    chapter: str | None = None
    subchapter: str | None = None
    lead_units: list[str] = field(default_factory=list)
    co_units: list[str] = field(default_factory=list)
    responsible_units: list[str] = field(default_factory=list)
    unit_text: str | None = None
    suggested_units: list[str] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    deadline: Deadline | None = None
    needs_review: bool = False
    review_reasons: list[str] = field(default_factory=list)

    def to_json(self) -> Json:
        dl = self.deadline
        return {
            "index": self.index,
            "number": self.number,
            "heading": self.heading,
            "text": self.text,
            "chapter": self.chapter,
            "subchapter": self.subchapter,
            "lead_units": list(self.lead_units),
            "co_units": list(self.co_units),
            "responsible_units": list(self.responsible_units),
            "unit_text": self.unit_text,
            "suggested_units": list(self.suggested_units),
            "targets": [t.to_json() for t in self.targets],
            "deadline": dl.code if dl else None,
            "deadline_text": dl.text if dl else None,
            "deadline_date": _iso(dl.due) if dl else None,
            "needs_review": self.needs_review,
            "review_reasons": list(self.review_reasons),
        }


@dataclass(slots=True)
class PlanSection:
    """One 工作要点 (a notice may carry several)."""

    title: str
    kind: str
    preamble: str = ""
    goals: list[PlanItem] = field(default_factory=list)
    measures: list[PlanItem] = field(default_factory=list)
    tasks: list[PlanTask] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "title": self.title,
            "kind": self.kind,
            "preamble": self.preamble,
            "goals": [g.to_json() for g in self.goals],
            "measures": [m.to_json() for m in self.measures],
            "tasks": [t.to_json() for t in self.tasks],
        }


@dataclass(slots=True)
class ScoringItem:
    row: int  # 0-based index into AppendixTable.rows
    column: int
    number: int
    text: str

    def to_json(self) -> Json:
        return {"row": self.row, "column": self.column, "number": self.number, "text": self.text}


@dataclass(slots=True)
class AppendixTable:
    title: str
    header: list[str]
    rows: list[list[str]]
    scoring_items: list[ScoringItem] = field(default_factory=list)

    def to_json(self) -> Json:
        return {
            "title": self.title,
            "header": list(self.header),
            "rows": [list(r) for r in self.rows],
            "scoring_items": [s.to_json() for s in self.scoring_items],
        }


@dataclass(slots=True)
class ParsedPlan:
    issuer: str | None
    doc_number: str | None
    title: str | None
    year: int | None
    sections: list[PlanSection] = field(default_factory=list)
    appendix_tables: list[AppendixTable] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def iter_tasks(self) -> Iterator[tuple[PlanSection, PlanTask]]:
        for section in self.sections:
            for task in section.tasks:
                yield section, task

    @property
    def task_count(self) -> int:
        return sum(len(s.tasks) for s in self.sections)

    def to_json(self) -> Json:
        return {
            "issuer": self.issuer,
            "doc_number": self.doc_number,
            "title": self.title,
            "year": self.year,
            "sections": [s.to_json() for s in self.sections],
            "appendix_tables": [t.to_json() for t in self.appendix_tables],
            "warnings": list(self.warnings),
        }
