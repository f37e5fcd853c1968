"""The DCAT-AP 3 export and the 信息项 table schemas: public, anonymous, GET only, open resources only."""

from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse, HttpResponseNotFound
from django.views.decorators.http import require_GET

from catalog import dcat, opendata
from catalog.models import DataResource

CONTENT_TYPES = {"ttl": "text/turtle; charset=utf-8", "jsonld": "application/ld+json; charset=utf-8"}


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _open_resource(name: str) -> DataResource | None:
    code = opendata.code_from_package_name(name)
    if code is None:
        return None
    return opendata.with_public_relations(opendata.open_resources()).filter(code=code).first()


def _not_found(name: str) -> HttpResponseNotFound:
    return HttpResponseNotFound(f"数据集“{name}”不存在或未开放", content_type="text/plain; charset=utf-8")


def _negotiate(request: HttpRequest) -> str:
    accept = request.headers.get("Accept", "")
    return "jsonld" if "application/ld+json" in accept or "application/json" in accept else "ttl"


@require_GET
def catalog_export(request: HttpRequest, fmt: str) -> HttpResponse:
    graph = dcat.catalog_graph(_base(request))
    return HttpResponse(dcat.serialize(graph, fmt), content_type=CONTENT_TYPES[fmt])


@require_GET
def dataset_export(request: HttpRequest, name: str, fmt: str | None = None) -> HttpResponse:
    resource = _open_resource(name)
    if resource is None:
        return _not_found(name)
    fmt = fmt or _negotiate(request)
    graph = dcat.dataset_graph(_base(request), resource)
    response = HttpResponse(dcat.serialize(graph, fmt), content_type=CONTENT_TYPES[fmt])
    response["Vary"] = "Accept"
    return response


@require_GET
def table_schema(request: HttpRequest, name: str) -> HttpResponse:
    resource = _open_resource(name)
    if resource is None:
        return _not_found(name)
    body = json.dumps(dcat.table_schema(resource), ensure_ascii=False, indent=2)
    return HttpResponse(body, content_type="application/schema+json; charset=utf-8")
