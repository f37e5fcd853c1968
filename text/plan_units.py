"""Responsible-unit clauses: "(牵头单位:大数据中心;配合单位:各有关部门和单位)".

Plans write the units in a trailing parenthetical, or as a last sentence
without brackets ("…。责任单位：县大数据中心").  The names are kept as written
(after space clean-up); collective phrases ("各有关部门和单位") become their own
entries so the importer can tell "named unit" from "everyone concerned".
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Label → role.  Longer labels first so "牵头单位" wins over "牵头".
_ROLE_OF = {
    "牵头单位": "lead",
    "牵头部门": "lead",
    "主办单位": "lead",
    "牵头": "lead",
    "责任单位": "responsible",
    "责任部门": "responsible",
    "责任主体": "responsible",
    "责任": "responsible",
    "配合单位": "co",
    "配合部门": "co",
    "协办单位": "co",
    "协同单位": "co",
    "参与单位": "co",
    "配合": "co",
    # Not units, but they end the preceding unit list and carry a deadline.
    "完成时限": "deadline",
    "完成时间": "deadline",
    "时间节点": "deadline",
    "时限要求": "deadline",
}
ROLE_LABEL = re.compile("(" + "|".join(sorted(_ROLE_OF, key=len, reverse=True)) + r")\s*[:：]")
_UNIT_LABEL_START = re.compile(r"\s*(?:牵头|责任|配合|主办|协办|协同|参与)")
# A bracket-less unit clause must start a sentence/clause.
_CLAUSE_BOUNDARY = "。；;，,)\n "
_SPLIT = re.compile(r"[、，,；;/]+")
_EDGE_JUNK = " 　.。:：;；,，、"
# "资规局等有关部门和单位" → named part + collective remainder.
_ETC = re.compile(
    r"^(?P<named>.+?)等(?P<rest>[各县市区]?(?:有关|相关|其他|其它)?(?:部门|单位)(?:和|及|、)?(?:部门|单位)?)?$"
)
_COLLECTIVE = re.compile(
    r"^(?:[县市区省镇]?(?:各|有关|相关|其他|其它|其余)|全(?:县|市|区))"
    r"|(?:有关|相关)(?:部门|单位)(?:和|及)?(?:部门|单位)?$"
)
# "行政审批局作为…的主办单位，要牵头推进…": a named doer in a task without units.
_DOER = re.compile(
    r"(?:^|(?<=[，,。；;、\s]))由?(?P<unit>[\u4e00-\u9fff]{1,14}?(?:局|委员会|委|办公室|办|中心|部|院|公司|集团|政府|银行))"
    r"(?:作为|要牵头|牵头|负责)"
)


@dataclass(slots=True)
class Units:
    lead: list[str] = field(default_factory=list)
    co: list[str] = field(default_factory=list)
    responsible: list[str] = field(default_factory=list)
    deadline_text: str | None = None
    labelled: bool = False  # at least one role label was found

    @property
    def any(self) -> bool:
        return bool(self.lead or self.co or self.responsible)


def is_collective(name: str) -> bool:
    """True for phrases that mean "everyone concerned" rather than one body:
    各有关部门和单位, 有关部门和单位, 县有关部门和单位, 各有关单位, 各乡镇(街道)…"""
    return bool(_COLLECTIVE.search(name.strip()))


def split_unit_names(value: str) -> list[str]:
    """ "住建局、市监局等有关部门和单位" → ["住建局", "市监局", "有关部门和单位"]."""
    names: list[str] = []
    for raw in _SPLIT.split(value):
        part = raw.strip(_EDGE_JUNK).replace(" ", "")
        if not part:
            continue
        m = _ETC.match(part)
        if m and not is_collective(m.group("named")):
            names.append(m.group("named"))
            rest = m.group("rest") or ""
            # "等部门" adds nothing; "等有关部门和单位" is a real collective entry.
            if rest and is_collective(rest):
                names.append(rest)
        else:
            names.append(part)
    seen: set[str] = set()
    out = []
    for n in names:
        if n and n not in seen:
            seen.add(n)
            out.append(n)
    return out


def _matching_open(text: str, close_at: int) -> int | None:
    depth = 0
    for i in range(close_at, -1, -1):
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            depth -= 1
            if depth == 0:
                return i
    return None


def split_unit_clause(text: str) -> tuple[str, str | None]:
    """Separate the trailing unit clause from a task's text.

    Returns (body, unit_text); unit_text keeps the brackets as written.
    """
    s = text.rstrip(" 。；;")
    if s.endswith(")"):
        start = _matching_open(s, len(s) - 1)
        if start is not None and _UNIT_LABEL_START.match(s[start + 1 :]) and ROLE_LABEL.search(s, start):
            return s[:start].rstrip(), s[start:]
    # Bracket-less: the first labelled clause after which no sentence ends.
    last_stop = s.rfind("。")
    for m in ROLE_LABEL.finditer(s, last_stop + 1):
        if _ROLE_OF[m.group(1)] == "deadline":
            continue
        if m.start() and s[m.start() - 1] not in _CLAUSE_BOUNDARY:
            continue
        body = s[: m.start()].rstrip(" ，,；;")
        if body and not body.endswith("。"):
            body += "。"
        return body, s[m.start() :]
    return text.strip(), None


def parse_units(unit_text: str) -> Units:
    """Read the role-labelled lists out of a unit clause."""
    inner = unit_text.strip()
    if inner.startswith("(") and inner.endswith(")"):
        inner = inner[1:-1]
    units = Units()
    labels = list(ROLE_LABEL.finditer(inner))
    for i, m in enumerate(labels):
        end = labels[i + 1].start() if i + 1 < len(labels) else len(inner)
        value = inner[m.end() : end].strip(_EDGE_JUNK)
        role = _ROLE_OF[m.group(1)]
        units.labelled = True
        if role == "deadline":
            units.deadline_text = value or None
            continue
        target = {"lead": units.lead, "co": units.co, "responsible": units.responsible}[role]
        for name in split_unit_names(value):
            if name not in target:
                target.append(name)
    return units


def suggest_units(text: str) -> list[str]:
    """Bodies the text itself names as doer ("行政审批局作为…主办单位，要牵头推进")."""
    out: list[str] = []
    for m in _DOER.finditer(text):
        name = m.group("unit")
        if not is_collective(name) and name not in out:
            out.append(name)
    return out
