"""``package_search`` for the CKAN Action API: q, fq, sort and facets over the open resources.

CKAN hands these to Solr; here they become ORM filters over :func:`catalog.opendata.open_resources`.
Text search (:func:`text_filter`) asks the open search index (``catalog.search_index``: jieba words,
pinyin and initials, n-grams over names, summaries, codes and open 信息项 names) for matching ids
with scores; all words must match. Until that index exists it is a plain substring match.

fq is a space-separated AND of ``field:value`` clauses (``+`` optional, ``-`` negates; quote values
with spaces). Supported fields: ``organization``, ``groups``, ``tags``, ``res_format``, ``license_id``,
``name``, ``id``, ``sharing_type``, ``open_type``, ``grade`` (the last three by Chinese label or code,
e.g. ``open_type:有条件开放``) and ``metadata_modified`` / ``metadata_created`` as a Solr range
(``[2024-01-01T00:00:00Z TO *]``, the form CKAN harvesters send).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from catalog import opendata, search_index
from catalog.models import DataResource, FormatClass, Grade, OpenType, SharingType
from catalog.opendata import LICENCES, Directory


class ParamError(Exception):
    """A bad parameter: becomes a CKAN "Validation Error" on that field, in Chinese."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


FACET_TITLES = {
    "organization": "提供方", "groups": "资源分类", "tags": "关键词", "res_format": "格式",
    "license_id": "许可", "sharing_type": "共享类型", "open_type": "开放属性", "grade": "数据分级",
}
_CHOICES: dict[str, Any] = {"sharing_type": SharingType, "open_type": OpenType, "grade": Grade}
_CLAUSE = re.compile(r'\s*(?P<sign>[+-]?)(?P<key>[A-Za-z_.]+):(?P<value>"(?:[^"\\]|\\.)*"|\[[^\]]*\]|[^\s"\[]+)\s*')
_RANGE = re.compile(r"^\[\s*(?P<lo>\S+)\s+TO\s+(?P<hi>\S+)\s*\]$")
_SORT_FIELDS = {
    "metadata_modified": "updated_at", "metadata_created": "created_at", "name": "code",
    "title_string": "name", "title": "name", "score": "score",
}
MATCH_ALL = {"", "*:*", "*"}
# Untrusted input: every word is a subquery and every clause a filter, so both are bounded.
MAX_QUERY_CHARS = 200
MAX_WORDS = 16
MAX_CLAUSES = 32


@dataclass(frozen=True)
class Clause:
    negate: bool
    key: str
    value: str


def parse_fq(text: str) -> list[Clause]:
    """Split ``organization:x +tags:"a b" -grade:核心数据`` into clauses; anything else is an error."""
    clauses: list[Clause] = []
    pos, text = 0, text.strip()
    if len(text) > MAX_QUERY_CHARS * 5:
        raise ParamError("fq", f"筛选条件过长（最多 {MAX_QUERY_CHARS * 5} 个字符）")
    while pos < len(text):
        m = _CLAUSE.match(text, pos)
        if m is None or m.end() == pos:
            bad = text[pos:pos + 40]
            raise ParamError("fq", f"筛选条件“{bad}”格式不正确，应为“字段:值”，多个条件用空格分隔")
        value = m["value"]
        if value.startswith('"'):
            value = value[1:-1].replace('\\"', '"')
        if m["key"] not in FILTERS:
            raise ParamError("fq", f"不支持按“{m['key']}”筛选，可用字段：{'、'.join(FILTERS)}")
        clauses.append(Clause(m["sign"] == "-", m["key"], value))
        if len(clauses) > MAX_CLAUSES:
            raise ParamError("fq", f"筛选条件过多（最多 {MAX_CLAUSES} 个）")
        pos = m.end()
    return clauses


def split_q(q: str) -> tuple[list[str], list[Clause]]:
    """Free-text words and any ``field:value`` clauses written into q (CKAN users do both)."""
    q = q.strip()
    if len(q) > MAX_QUERY_CHARS:
        raise ParamError("q", f"检索词过长（最多 {MAX_QUERY_CHARS} 个字符）")
    if q in MATCH_ALL:
        return [], []
    words: list[str] = []
    clauses: list[Clause] = []
    for token in q.split():
        key, sep, value = token.partition(":")
        if sep and key in FILTERS and value:
            clauses += parse_fq(token)
        elif token not in MATCH_ALL:
            words.append(token)
    if len(words) > MAX_WORDS:
        raise ParamError("q", f"检索词过多（最多 {MAX_WORDS} 个）")
    return words, clauses


# ---- filters --------------------------------------------------------------------------------------


def _choice_code(kind: str, value: str) -> str | None:
    for code, label in _CHOICES[kind].choices:
        if value in (code, label):
            return str(code)
    return None


def _format_filter(value: str, _d: Directory) -> Q:
    classes = [code for code, label in FormatClass.choices if label == value]
    return Q(format_type__iexact=value) | Q(format_type="", format_class__in=classes)


def _org_filter(value: str, d: Directory) -> Q:
    return Q(unit_id=d.slug_units.get(value, -1))


def _group_filter(value: str, d: Directory) -> Q:
    code = opendata.category_code_from_group(value)
    ids = [pk for pk, c in d.categories.items() if code is not None and c.code.startswith(code)]
    return Q(category_id__in=ids)


def _tag_filter(value: str, d: Directory) -> Q:
    ids = [pk for pk in d.categories if value in {c.name for c in d.category_chain(pk)}]
    through = DataResource.service_matters.through.objects.filter(servicematter__name=value)
    return Q(category_id__in=ids) | Q(pk__in=through.values("dataresource_id"))


def _licence_filter(value: str, _d: Directory) -> Q:
    return Q(open_type__in=[kind for kind, lic in LICENCES.items() if lic["id"] == value])


def _name_filter(value: str, _d: Directory) -> Q:
    return Q(code=opendata.code_from_package_name(value) or "")


def _id_filter(value: str, _d: Directory) -> Q:
    return Q(pk__in=[pk for pk, code in opendata.open_resources().values_list("pk", "code")
                     if opendata.public_id("dataset", code) == value])


def _choice_filter(kind: str) -> Callable[[str, Directory], Q]:
    def build(value: str, _d: Directory) -> Q:
        code = _choice_code(kind, value)
        return Q(**{kind: code}) if code is not None else Q(pk__in=[])
    return build


def _moment(text: str, field: str) -> datetime | None:
    if text == "*":
        return None
    if text == "NOW":
        return timezone.now()
    moment = parse_datetime(text.replace("Z", "+00:00"))
    if moment is None:
        day = parse_date(text)
        if day is None:
            raise ParamError("fq", f"{field} 的时间“{text}”无法识别，应为 ISO 8601，如 2024-01-01T00:00:00Z")
        moment = datetime(day.year, day.month, day.day)
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.get_fixed_timezone(0))


def _range_filter(column: str, field: str) -> Callable[[str, Directory], Q]:
    def build(value: str, _d: Directory) -> Q:
        m = _RANGE.match(value)
        if m is None:
            raise ParamError("fq", f"{field} 须写成区间，如 {field}:[2024-01-01T00:00:00Z TO *]")
        q = Q()
        lo, hi = _moment(m["lo"], field), _moment(m["hi"], field)
        if lo is not None:
            q &= Q(**{f"{column}__gte": lo})
        if hi is not None:
            q &= Q(**{f"{column}__lte": hi})
        return q
    return build


FILTERS: dict[str, Callable[[str, Directory], Q]] = {
    "organization": _org_filter, "groups": _group_filter, "tags": _tag_filter, "res_format": _format_filter,
    "license_id": _licence_filter, "name": _name_filter, "id": _id_filter,
    "sharing_type": _choice_filter("sharing_type"), "open_type": _choice_filter("open_type"),
    "grade": _choice_filter("grade"),
    "metadata_modified": _range_filter("updated_at", "metadata_modified"),
    "metadata_created": _range_filter("created_at", "metadata_created"),
}


def apply_clauses(qs: QuerySet[DataResource], clauses: Iterable[Clause], d: Directory) -> QuerySet[DataResource]:
    for clause in clauses:
        condition = FILTERS[clause.key](clause.value, d)
        qs = qs.exclude(condition) if clause.negate else qs.filter(condition)
    return qs


def text_filter(qs: QuerySet[DataResource], words: list[str]) -> QuerySet[DataResource]:
    """The rows matching every word, annotated with a relevance ``score`` (for ``sort=score desc``).

    The open index holds only public text, and ``qs`` (built on ``open_resources()``) still decides
    which rows exist for the API: an indexed resource that is not open never comes back.
    """
    if not words:
        return qs.annotate(score=Value(0, output_field=IntegerField()))
    matches = search_index.find(" ".join(words), public=True, literal=True)
    if matches is None:
        return _substring_filter(qs, words)
    return qs.filter(pk__in=matches.ids).annotate(score=matches.score())


def _substring_filter(qs: QuerySet[DataResource], words: list[str]) -> QuerySet[DataResource]:
    """Before the index exists: every word a substring somewhere; title over summary over 信息项 hits."""
    score: Any = Value(0, output_field=IntegerField())
    for n, word in enumerate(words):
        item_hit = Exists(opendata.open_items().filter(resource=OuterRef("pk"), name__icontains=word))
        key = f"_item_hit_{n}"
        qs = qs.annotate(**{key: item_hit}).filter(
            Q(name__icontains=word) | Q(summary__icontains=word) | Q(code__icontains=word) | Q(**{key: True}))
        score = score + Case(When(name__icontains=word, then=Value(4)), default=Value(0),
                             output_field=IntegerField())
        score = score + Case(When(summary__icontains=word, then=Value(2)), default=Value(0),
                             output_field=IntegerField())
        score = score + Case(When(**{key: True}, then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.annotate(score=score)


def order_by(qs: QuerySet[DataResource], sort: str) -> QuerySet[DataResource]:
    """``score desc, metadata_modified desc`` and the like; the primary key breaks ties for paging."""
    keys: list[Any] = []
    for part in (p.strip() for p in sort.split(",")):
        if not part:
            continue
        name, _, direction = part.partition(" ")
        direction = direction.strip().lower() or "asc"
        if name not in _SORT_FIELDS or direction not in ("asc", "desc"):
            allowed = "、".join(f"{f} asc|desc" for f in _SORT_FIELDS)
            raise ParamError("sort", f"排序“{part}”无法识别，可用：{allowed}")
        column = F(_SORT_FIELDS[name])
        keys.append(column.desc() if direction == "desc" else column.asc())
    return qs.order_by(*keys, "pk")


# ---- facets ---------------------------------------------------------------------------------------


def facet_counts(qs: QuerySet[DataResource], fields: list[str], d: Directory) -> dict[str, Counter[tuple[str, str]]]:
    """Per facet field, (name, display name) → number of matching datasets."""
    unknown = [f for f in fields if f not in FACET_TITLES]
    if unknown:
        raise ParamError("facet.field", f"不支持按“{'、'.join(unknown)}”分面，可用：{'、'.join(FACET_TITLES)}")
    counts: dict[str, Counter[tuple[str, str]]] = {f: Counter() for f in fields}
    if not fields:
        return counts
    rows = list(qs.order_by().values_list("pk", "unit_id", "category_id", "format_class", "format_type",
                                          "sharing_type", "open_type", "grade"))
    matters: dict[int, list[str]] = {}
    if "tags" in fields:
        through = DataResource.service_matters.through.objects.filter(dataresource_id__in=qs.order_by().values("pk"))
        for rid, name in through.values_list("dataresource_id", "servicematter__name"):
            matters.setdefault(rid, []).append(name)
    for pk, unit_id, category_id, format_class, format_type, sharing, open_type, grade in rows:
        for f in fields:
            for key in _facet_keys(f, d, unit_id, category_id, format_class, format_type, sharing, open_type,
                                   grade, matters.get(pk, [])):
                counts[f][key] += 1
    return counts


def _facet_keys(f: str, d: Directory, unit_id: int, category_id: int, format_class: str, format_type: str,
                sharing: str, open_type: str, grade: str, matters: list[str]) -> set[tuple[str, str]]:
    if f == "organization":
        return {(d.org_name(unit_id), d.units[unit_id].full_name)}
    if f == "groups":
        return {(opendata.group_name(c), c.name) for c in d.group_categories(category_id)}
    if f == "tags":
        names = [c.name for c in d.category_chain(category_id)] + matters
        return {(n, n) for n in names if n.strip()}
    if f == "res_format":
        label = format_type.strip() or FormatClass(format_class).label
        return {(label, label)}
    if f == "license_id":
        lic = LICENCES[open_type]
        return {(str(lic["id"]), str(lic["title"]))}
    value = {"sharing_type": sharing, "open_type": open_type, "grade": grade}[f]
    label = str(_CHOICES[f](value).label)
    return {(label, label)}


def facet_output(counts: dict[str, Counter[tuple[str, str]]], *, limit: int, mincount: int
                 ) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
    """CKAN's two shapes: ``facets`` {field: {name: n}} and ``search_facets`` with display names."""
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, dict[str, Any]] = {}
    for f, counter in counts.items():
        items = sorted(((k, n) for k, n in counter.items() if n >= mincount), key=lambda kn: (-kn[1], kn[0][0]))
        if limit >= 0:
            items = items[:limit]
        facets[f] = {name: n for (name, _), n in items}
        search_facets[f] = {"title": FACET_TITLES[f],
                            "items": [{"name": name, "display_name": display, "count": n}
                                      for (name, display), n in items]}
    return facets, search_facets
