"""The rules that bind a resource's grading, sharing and opening attributes (pure, no database).

Sources: ../shared/specs/catalog.md §3 (code form), §4 (coupling rules), §8 (GB/T 43697 grading).
Every rule returns (field, Chinese message) so forms and the Excel import can point at the cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from catalog.models.choices import FormatClass, Grade, OpenType, SharingChannel, SharingMedium, SharingType

Violation = tuple[str, str]

_CODE = re.compile(r"^(?P<prefix>\d{1,40})/(?P<seq>\d{6})$")
_GENERAL_LEVEL = {Grade.GENERAL_1: 1, Grade.GENERAL_2: 2, Grade.GENERAL_3: 3, Grade.GENERAL_4: 4}
# File-type resources are shared as files; databases as 数据库 or 接口 (Inspur QA rules, spec §4).
_MEDIA_FOR_FORMAT: dict[str, set[str]] = {
    FormatClass.FILE: {SharingMedium.FILE}, FormatClass.SHEET: {SharingMedium.FILE, SharingMedium.API},
    FormatClass.DATABASE: {SharingMedium.DATABASE, SharingMedium.API},
    FormatClass.IMAGE: {SharingMedium.FILE}, FormatClass.STREAM: {SharingMedium.FILE, SharingMedium.API},
    FormatClass.SELF_DESCRIBING: {SharingMedium.FILE, SharingMedium.API}, FormatClass.SERVICE: {SharingMedium.API},
}


@dataclass(frozen=True, slots=True)
class ItemFacts:
    name: str
    sharing_type: str  # "" = as the resource
    open_type: str
    is_sensitive: bool


@dataclass(frozen=True, slots=True)
class ResourceFacts:
    """What the rules look at; built from a model instance, a form or an Excel row."""

    code: str
    category_code: str
    sharing_type: str
    sharing_condition: str
    sharing_basis: str
    sharing_channel: str
    sharing_medium: str
    open_type: str
    open_condition: str
    grade: str
    is_classified: bool
    format_class: str
    items: tuple[ItemFacts, ...] = ()


def check_code(code: str, category_code: str) -> list[Violation]:
    m = _CODE.match(code)
    if not m:
        return [("code", f"信息资源代码“{code}”格式不正确，应为“分类编码/6位顺序码”，如 {category_code}/000001")]
    if m["prefix"] != category_code:
        return [("code", f"信息资源代码的前缀 {m['prefix']} 与资源分类编码 {category_code} 不一致")]
    return []


def check_resource(r: ResourceFacts, *, general_levels: int = 4) -> list[Violation]:
    """Every rule the resource breaks (empty when it is consistent)."""
    out: list[Violation] = []
    if r.code:
        out += check_code(r.code, r.category_code)
    if r.sharing_type == SharingType.CONDITIONAL and not r.sharing_condition.strip():
        out.append(("sharing_condition", "有条件共享的资源必须写明共享条件"))
    if r.sharing_type == SharingType.NONE:
        if not r.sharing_basis.strip():
            out.append(("sharing_basis", "不予共享的资源必须写明法律法规或政策依据"))
        if r.open_type != OpenType.NONE:
            out.append(("open_type", "不予共享的资源不能开放（不予共享 ⇒ 不予开放）"))
    if r.open_type == OpenType.CONDITIONAL and not r.open_condition.strip():
        out.append(("open_condition", "有条件开放的资源必须写明开放条件"))
    if r.grade in (Grade.CORE, Grade.IMPORTANT) and r.open_type == OpenType.UNCONDITIONAL:
        out.append(("open_type", f"{Grade(r.grade).label}不能无条件开放（GB/T 43697）"))
    if r.grade in _GENERAL_LEVEL and _GENERAL_LEVEL[Grade(r.grade)] > general_levels:
        out.append(("grade", f"本县一般数据只分 {general_levels} 级，不能选择“{Grade(r.grade).label}”"))
    if r.is_classified and (r.sharing_type != SharingType.NONE or r.open_type != OpenType.NONE):
        out.append(("is_classified", "涉密资源不得进入共享平台或开放，共享类型和开放属性须为“不予”"))
    if (r.sharing_type != SharingType.NONE and r.sharing_channel == SharingChannel.PLATFORM
            and r.sharing_medium and r.sharing_medium not in _MEDIA_FOR_FORMAT.get(r.format_class, set())):
        allowed = "、".join(sorted(SharingMedium(m).label for m in _MEDIA_FOR_FORMAT.get(r.format_class, set())))
        out.append(("sharing_medium", f"{FormatClass(r.format_class).label}类资源的共享方式应为：{allowed}"))
    if r.sharing_type != SharingType.NONE and r.sharing_channel == SharingChannel.PLATFORM and not r.sharing_medium:
        out.append(("sharing_medium", "通过共享平台共享的资源须选择共享方式类型（数据库、接口或文件）"))
    out += check_items(r)
    return out


def check_items(r: ResourceFacts) -> list[Violation]:
    out: list[Violation] = []
    seen: set[str] = set()
    for item in r.items:
        label = f"信息项“{item.name}”"
        if item.name in seen:
            out.append(("items", f"{label}重复"))
        seen.add(item.name)
        share = item.sharing_type or r.sharing_type
        opened = item.open_type or r.open_type
        if share == SharingType.NONE and opened != OpenType.NONE:
            out.append(("items", f"{label}不予共享，不能开放"))
        if r.sharing_type == SharingType.NONE and share != SharingType.NONE:
            out.append(("items", f"资源不予共享，{label}也不能共享"))
        if item.is_sensitive and opened == OpenType.UNCONDITIONAL:
            out.append(("items", f"{label}为敏感信息，不能无条件开放"))
    return out


def first_by_field(violations: Iterable[Violation]) -> dict[str, str]:
    """One message per field, for forms."""
    out: dict[str, str] = {}
    for field_name, message in violations:
        out.setdefault(field_name, message)
    return out
