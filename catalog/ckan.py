"""CKAN Action API subset under ``/api/3/action/{name}`` (and ``/api/action/``), open resources only.

Spec §10: RPC over GET parameters or a POST JSON body, answering ``{"help", "success", "result"}`` or
``{"success": false, "error": {"__type", "message"}}`` with CKAN's status codes (404 Not Found Error,
409 Validation Error, 400 bad request), so ``ckanapi`` and CKAN harvesters work unchanged.

What leaves the platform is decided in one place, :mod:`catalog.opendata`: every action starts from
``open_resources()`` and shows only ``open_items()``. Anonymous and read-only: no session, no CSRF
token (CKAN clients post JSON without one), no action changes anything.

Mapping: a data resource is a CKAN *package* named after its 信息资源代码 (``101-000001``) with one
CKAN *resource* (its distribution); the provider unit is the *organization*; the 类 and 项 of the
national classification are *groups*; *tags* are the names along the classification path plus the
linked 政务服务事项. 共享类型, 开放属性, 开放条件, 更新周期, 数据分级 and the open 信息项 are *extras*
with Chinese keys.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import RequestDataTooBig
from django.db.models import Count, QuerySet
from django.http import HttpRequest, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pypinyin import lazy_pinyin

from catalog import ckan_search, opendata
from catalog.ckan_search import ParamError
from catalog.models import Category, DataResource, FormatClass, Grade, OpenType, SharingType, UpdateCycle
from catalog.opendata import LICENCES, Directory, open_resources, public_id, with_public_relations
from core.models import Unit

CKAN_VERSION = "2.10.0"
ROWS_MAX = 1000  # ckan.search.rows_max
LIST_MAX = 1000  # ckan.group_and_organization_list_max
LIST_ALL_FIELDS_MAX = 25  # ckan.group_and_organization_list_all_fields_max
FACET_LIMIT = 50  # search.facets.limit


class NotFound(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Call:
    """One action call: its merged parameters and per-call lookup tables."""

    request: HttpRequest
    params: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def directory(self) -> Directory:
        return Directory.load()

    def url(self, path: str) -> str:
        return self.request.build_absolute_uri(path)

    # ---- parameters, validated as CKAN's schemas do, with Chinese messages ----

    def integer(self, key: str, default: int, *, minimum: int = 0, cap: int | None = None) -> int:
        raw = self.params.get(key)
        if raw is None or raw == "":
            return default
        try:
            value = int(str(raw).strip()) if not isinstance(raw, bool) else None
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise ParamError(key, f"参数 {key} 须为不小于 {minimum} 的整数，收到“{str(raw)[:40]}”")
        return min(value, cap) if cap is not None else value

    def flag(self, key: str, default: bool) -> bool:
        raw = self.params.get(key)
        if raw is None or raw == "":
            return default
        if isinstance(raw, bool):
            return raw
        text = str(raw).strip().lower()
        if text in ("true", "1", "yes", "on"):
            return True
        if text in ("false", "0", "no", "off"):
            return False
        raise ParamError(key, f"参数 {key} 须为 true 或 false，收到“{str(raw)[:40]}”")

    def text(self, key: str, default: str = "") -> str:
        raw = self.params.get(key)
        if raw is None:
            return default
        if not isinstance(raw, str | int):
            raise ParamError(key, f"参数 {key} 须为字符串")
        return str(raw)

    def text_list(self, key: str) -> list[str]:
        """A list given as JSON (``["a","b"]``), a JSON body list, or comma-separated text."""
        raw = self.params.get(key)
        if raw is None or raw == "":
            return []
        if isinstance(raw, str):
            text = raw.strip()
            if text.startswith("["):
                try:
                    raw = json.loads(text)
                except ValueError:
                    raise ParamError(key, f"参数 {key} 不是合法的 JSON 列表") from None
            else:
                raw = [p.strip() for p in text.split(",") if p.strip()]
        if not isinstance(raw, list) or not all(isinstance(v, str) for v in raw):
            raise ParamError(key, f"参数 {key} 须为字符串列表")
        return raw

    def required(self, key: str) -> str:
        value = self.text(key).strip()
        if not value:
            raise ParamError(key, f"缺少参数 {key}")
        return value


# ---- dictionaries in CKAN's shapes ----------------------------------------------------------------


def organization_dict(unit: Unit, d: Directory, count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": public_id("organization", unit.pk), "name": d.org_name(unit.pk), "title": unit.full_name,
        "display_name": unit.full_name, "description": "", "type": "organization", "is_organization": True,
        "state": "active", "approval_status": "approved", "image_url": "", "image_display_url": "",
    }
    if count is not None:
        data["package_count"] = count
    return data


def group_dict(category: Category, count: int | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": public_id("group", category.code), "name": opendata.group_name(category), "title": category.name,
        "display_name": category.name, "description": f"政务信息资源分类 {category.code} {category.name}",
        "type": "group", "is_organization": False, "state": "active", "approval_status": "approved",
        "image_url": "", "image_display_url": "",
    }
    if count is not None:
        data["package_count"] = count
    return data


def tag_dict(name: str) -> dict[str, Any]:
    return {"id": public_id("tag", name), "name": name, "display_name": name, "state": "active",
            "vocabulary_id": None}


def resource_dict(resource: DataResource, call: Call) -> dict[str, Any]:
    """The one CKAN resource of a package: how the open data is reached."""
    fmt = opendata.format_label(resource)
    if resource.open_type == OpenType.CONDITIONAL:
        how = f"有条件开放，开放条件：{resource.open_condition}"
    else:
        how = "无条件开放"
    modified = resource.last_updated_on or resource.published_on or resource.opened_on
    return {
        "id": public_id("distribution", resource.code), "package_id": public_id("dataset", resource.code),
        "name": f"{resource.name}（{fmt}）", "description": how, "format": fmt,
        "url": call.url(opendata.resource_page_path(resource)), "url_type": None, "mimetype": None,
        "size": None, "hash": "", "position": 0, "state": "active", "datastore_active": False,
        "created": resource.opened_on.isoformat() + "T00:00:00" if resource.opened_on else None,
        "last_modified": modified.isoformat() + "T00:00:00" if modified else None,
        "metadata_modified": opendata.as_utc_naive(resource.updated_at),
    }


def _items_json(resource: DataResource) -> str:
    items = [{"名称": i.name, "数据类型": i.get_data_type_display(), "长度": i.length}
             for i in getattr(resource, "open_items", [])]
    return json.dumps(items, ensure_ascii=False)


def package_dict(resource: DataResource, call: Call) -> dict[str, Any]:
    d = call.directory
    licence = LICENCES[resource.open_type]
    tags = d.tags_of(resource)
    groups = [group_dict(c) for c in d.group_categories(resource.category_id)]
    chain = d.category_chain(resource.category_id)
    extras = [
        ("信息资源代码", resource.code),
        ("资源分类", f"{resource.category.code} {'/'.join(c.name for c in chain)}"),
        ("格式分类", FormatClass(resource.format_class).label),
        ("共享类型", SharingType(resource.sharing_type).label),
        ("开放属性", OpenType(resource.open_type).label),
        ("开放条件", resource.open_condition if resource.open_type == OpenType.CONDITIONAL else ""),
        ("更新周期", UpdateCycle(resource.update_cycle).label),
        ("数据分级", Grade(resource.grade).label),
        ("发布日期", resource.published_on.isoformat() if resource.published_on else ""),
        ("开放日期", resource.opened_on.isoformat() if resource.opened_on else ""),
        ("信息项", _items_json(resource)),
    ]
    unit = resource.unit
    return {
        "id": public_id("dataset", resource.code), "name": opendata.package_name(resource),
        "title": resource.name, "notes": resource.summary, "type": "dataset", "state": "active",
        "private": False, "owner_org": public_id("organization", unit.pk),
        "organization": organization_dict(unit, d),
        "author": unit.full_name, "author_email": None, "maintainer": unit.full_name, "maintainer_email": None,
        "url": "", "version": None, "creator_user_id": None,
        "license_id": licence["id"], "license_title": licence["title"], "license_url": licence["url"],
        "isopen": licence["isopen"],
        "metadata_created": opendata.as_utc_naive(resource.created_at),
        "metadata_modified": opendata.as_utc_naive(resource.updated_at),
        "tags": [tag_dict(t) for t in tags], "num_tags": len(tags), "groups": groups,
        "resources": [resource_dict(resource, call)], "num_resources": 1,
        "extras": [{"key": k, "value": v} for k, v in extras],
        "relationships_as_object": [], "relationships_as_subject": [],
    }


# ---- lookups --------------------------------------------------------------------------------------


def find_open_resource(ref: str, kind: str = "dataset") -> DataResource:
    """An open resource by package name, 信息资源代码 or public id; NotFound for anything else.

    Ids are uuid5 of the code, so they are matched over the open codes (a county has thousands at
    most; a stored id column is the fix should that ever be slow).
    """
    qs = with_public_relations(open_resources())
    code = opendata.code_from_package_name(ref) or (ref if "/" in ref else None)
    if code is not None:
        found = qs.filter(code=code).first()
    else:
        pks = [pk for pk, c in open_resources().values_list("pk", "code") if public_id(kind, c) == ref]
        found = qs.filter(pk__in=pks).first()
    if found is None:
        label = "数据集" if kind == "dataset" else "资源"
        raise NotFound(f"{label}“{ref[:80]}”不存在或未开放")
    return found


def _open_counts_by_unit() -> dict[int, int]:
    return dict(open_resources().values_list("unit_id").annotate(n=Count("pk")).values_list("unit_id", "n"))


def _open_counts_by_group(d: Directory) -> Counter[int]:
    counts: Counter[int] = Counter()
    for category_id, n in open_resources().values_list("category_id").annotate(n=Count("pk")).values_list(
            "category_id", "n"):
        for c in d.group_categories(category_id):
            counts[c.pk] += n
    return counts


def _find_org(call: Call, ref: str) -> Unit:
    d, counts = call.directory, _open_counts_by_unit()
    pk = d.slug_units.get(ref)
    if pk is None:
        pk = next((u for u in counts if public_id("organization", u) == ref), None)
    if pk is None or not counts.get(pk):
        raise NotFound(f"组织“{ref[:80]}”不存在或没有开放数据")
    return d.units[pk]


def _pinyin_key(text: str) -> str:
    return "".join(lazy_pinyin(text))


def _list_sort(call: Call, rows: list[tuple[str, str, int, Any]]) -> list[tuple[str, str, int, Any]]:
    """Sort (name, title, count, obj) rows as ``sort=title asc|name asc|package_count desc``."""
    sort = call.text("sort", "title asc").strip() or "title asc"
    field_name, _, direction = sort.partition(" ")
    direction = direction.strip().lower() or "asc"
    keys: dict[str, Callable[[tuple[str, str, int, Any]], Any]] = {
        "name": lambda r: r[0], "title": lambda r: (_pinyin_key(r[1]), r[0]),
        "package_count": lambda r: (r[2], r[0])}
    if field_name not in keys or direction not in ("asc", "desc"):
        raise ParamError("sort", f"排序“{sort[:40]}”无法识别，可用：name、title、package_count 加 asc 或 desc")
    return sorted(rows, key=keys[field_name], reverse=direction == "desc")


def _page(call: Call, rows: list[Any], *, all_fields: bool) -> list[Any]:
    cap = LIST_ALL_FIELDS_MAX if all_fields else LIST_MAX
    limit = call.integer("limit", cap, cap=cap)
    offset = call.integer("offset", 0)
    return rows[offset:offset + limit]


# ---- the actions ----------------------------------------------------------------------------------


def status_show(call: Call) -> dict[str, Any]:
    """站点状态：名称、CKAN 兼容版本与扩展。"""
    return {"site_title": "政通", "site_description": "县级数字政府运行平台·公共数据开放目录",
            "site_url": call.url("/").rstrip("/"), "ckan_version": CKAN_VERSION, "locale_default": "zh_Hans_CN",
            "extensions": []}


def package_list(call: Call) -> list[str]:
    """开放数据集名称列表（按名称排序）；参数 limit、offset。"""
    limit = call.integer("limit", 0)
    offset = call.integer("offset", 0)
    names = open_resources().order_by("code").values_list("code", flat=True)
    page = names[offset:offset + limit] if limit else names[offset:]
    return [code.replace("/", "-").lower() for code in page]


def current_package_list_with_resources(call: Call) -> list[dict[str, Any]]:
    """最近修改的开放数据集（含资源）；参数 limit（默认 10）、offset。"""
    limit = call.integer("limit", 10, cap=ROWS_MAX)
    offset = call.integer("offset", 0)
    qs = with_public_relations(open_resources()).order_by("-updated_at", "pk")[offset:offset + limit]
    return [package_dict(r, call) for r in qs]


def package_show(call: Call) -> dict[str, Any]:
    """按 id 或名称查看一个开放数据集。"""
    return package_dict(find_open_resource(call.required("id")), call)


def resource_show(call: Call) -> dict[str, Any]:
    """按 id 查看一个开放数据资源（分发）。"""
    return resource_dict(find_open_resource(call.required("id"), kind="distribution"), call)


def package_search(call: Call) -> dict[str, Any]:
    """检索开放数据集：q、fq、fq_list、rows（默认 10，最多 1000）、start、sort、facet.field、facet.limit、facet.mincount。"""
    rows = call.integer("rows", 10, cap=ROWS_MAX)
    start = call.integer("start", 0)
    sort = call.text("sort", "").strip() or "score desc, metadata_modified desc"
    words, clauses = ckan_search.split_q(call.text("q"))
    clauses += ckan_search.parse_fq(call.text("fq"))
    for extra in call.text_list("fq_list"):
        clauses += ckan_search.parse_fq(extra)
    facet_fields = call.text_list("facet.field") if call.flag("facet", True) else []
    facet_limit = call.integer("facet.limit", FACET_LIMIT, minimum=-1)
    facet_mincount = call.integer("facet.mincount", 1)

    d = call.directory
    qs = ckan_search.apply_clauses(open_resources(), clauses, d)
    qs = ckan_search.text_filter(qs, words)
    ordered = ckan_search.order_by(qs, sort)
    counts = ckan_search.facet_counts(qs, facet_fields, d)
    facets, search_facets = ckan_search.facet_output(counts, limit=facet_limit, mincount=facet_mincount)
    page: QuerySet[DataResource] = with_public_relations(ordered)[start:start + rows]
    return {"count": qs.count(), "sort": sort, "results": [package_dict(r, call) for r in page],
            "facets": facets, "search_facets": search_facets}


def organization_list(call: Call) -> list[Any]:
    """提供开放数据的单位；参数 all_fields、sort（name/title/package_count）、limit、offset、organizations。"""
    d, counts = call.directory, _open_counts_by_unit()
    wanted = set(call.text_list("organizations"))
    rows = [(d.org_name(pk), d.units[pk].full_name, n, d.units[pk]) for pk, n in counts.items() if n]
    rows = [r for r in _list_sort(call, rows) if not wanted or r[0] in wanted]
    all_fields = call.flag("all_fields", False)
    page = _page(call, rows, all_fields=all_fields)
    if not all_fields:
        return [r[0] for r in page]
    with_count = call.flag("include_dataset_count", True)
    return [organization_dict(r[3], d, r[2] if with_count else None) for r in page]


def organization_show(call: Call) -> dict[str, Any]:
    """按 id 或名称查看提供开放数据的单位；include_datasets=true 时附其开放数据集（最多 1000 个）。"""
    unit = _find_org(call, call.required("id"))
    qs = open_resources().filter(unit=unit)
    data = organization_dict(unit, call.directory, qs.count())
    data["extras"] = [{"key": "统一社会信用代码", "value": unit.credit_code}] if unit.credit_code else []
    data["users"] = []
    if call.flag("include_datasets", False):
        data["packages"] = [package_dict(r, call) for r in with_public_relations(qs).order_by("code")[:ROWS_MAX]]
    return data


def group_list(call: Call) -> list[Any]:
    """资源分类（类、项）作为群组；参数 all_fields、sort、limit、offset、groups。"""
    d = call.directory
    counts = _open_counts_by_group(d)
    wanted = set(call.text_list("groups"))
    rows = [(opendata.group_name(c), c.name, counts[c.pk], c) for c in d.categories.values()
            if c.level <= Category.Level.ITEM]
    rows = [r for r in _list_sort(call, rows) if not wanted or r[0] in wanted]
    all_fields = call.flag("all_fields", False)
    page = _page(call, rows, all_fields=all_fields)
    if not all_fields:
        return [r[0] for r in page]
    with_count = call.flag("include_dataset_count", True)
    return [group_dict(r[3], r[2] if with_count else None) for r in page]


def group_show(call: Call) -> dict[str, Any]:
    """按 id 或名称查看一个资源分类群组。"""
    ref = call.required("id")
    d = call.directory
    category = next((c for c in d.categories.values() if c.level <= Category.Level.ITEM
                     and ref in (opendata.group_name(c), public_id("group", c.code))), None)
    if category is None:
        raise NotFound(f"群组“{ref[:80]}”不存在")
    return group_dict(category, _open_counts_by_group(d)[category.pk])


def tag_list(call: Call) -> list[Any]:
    """开放数据集的关键词（分类路径名称与关联事项）；参数 query（包含匹配）、all_fields。"""
    d = call.directory
    names: set[str] = set()
    for category_id in open_resources().order_by().values_list("category_id", flat=True).distinct():
        names.update(c.name for c in d.category_chain(category_id))
    through = DataResource.service_matters.through.objects.filter(
        dataresource_id__in=open_resources().values("pk"))
    names.update(through.values_list("servicematter__name", flat=True))
    query = call.text("query").strip()
    found = sorted((n for n in names if n.strip() and query in n), key=lambda n: (_pinyin_key(n), n))
    return [tag_dict(n) for n in found] if call.flag("all_fields", False) else found


def help_show(call: Call) -> str:
    """一个操作的说明。"""
    name = call.required("name")
    handler = ACTIONS.get(name)
    if handler is None:
        raise NotFound(f"没有名为“{name[:40]}”的操作")
    return (handler.__doc__ or "").strip()


ACTIONS: dict[str, Callable[[Call], Any]] = {
    f.__name__: f for f in (
        status_show, package_list, current_package_list_with_resources, package_show, package_search,
        resource_show, organization_list, organization_show, group_list, group_show, tag_list, help_show)
}


# ---- the HTTP edge --------------------------------------------------------------------------------


def _json(status: int, body: dict[str, Any]) -> JsonResponse:
    return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False},
                        content_type="application/json;charset=utf-8")


def _error(status: int, help_url: str, error: dict[str, Any]) -> JsonResponse:
    return _json(status, {"help": help_url, "success": False, "error": error})


def _params(request: HttpRequest) -> dict[str, Any]:
    """GET parameters, overlaid with a POST body (JSON object or form fields), as CKAN merges them."""
    params: dict[str, Any] = {k: v[0] if len(v) == 1 else v for k, v in request.GET.lists()}
    if request.method == "POST":
        if request.content_type == "application/json" or (request.body[:1] in (b"{", b"[")):
            body = json.loads(request.body.decode("utf-8") or "{}")
            if not isinstance(body, dict):
                raise ValueError("not a JSON object")
            params.update(body)
        else:
            params.update({k: v[0] if len(v) == 1 else v for k, v in request.POST.lists()})
    return params


@csrf_exempt
def action_view(request: HttpRequest, name: str) -> JsonResponse:
    help_url = request.build_absolute_uri(reverse("ckan:action", args=["help_show"])) + "?" + urlencode(
        {"name": name[:60]})
    if request.method not in ("GET", "POST"):
        return _error(405, help_url, {"__type": "Bad Request", "message": "请求错误: 只支持 GET 和 POST"})
    handler = ACTIONS.get(name)
    if handler is None:
        return _error(400, help_url, {"__type": "Bad Request", "message": f"请求错误: 未知的操作 {name[:60]}"})
    try:
        call = Call(request, _params(request))
    except RequestDataTooBig:
        return _error(400, help_url, {"__type": "Bad Request", "message": "请求错误: 请求体过大"})
    except ValueError:  # also JSONDecodeError and UnicodeDecodeError
        return _error(400, help_url, {"__type": "Bad Request", "message": "请求错误: 请求体不是合法的 JSON 对象"})
    try:
        result = handler(call)
    except ParamError as exc:
        return _error(409, help_url, {"__type": "Validation Error", "message": exc.message,
                                      exc.field: [exc.message]})
    except NotFound as exc:
        return _error(404, help_url, {"__type": "Not Found Error", "message": f"未找到: {exc.message}"})
    return _json(200, {"help": help_url, "success": True, "result": result})


def api_version(request: HttpRequest) -> JsonResponse:
    """``GET /api/3`` answers the API version, as CKAN does."""
    return _json(200, {"version": 3})
