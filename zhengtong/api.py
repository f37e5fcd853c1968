"""The typed JSON API (/api/v1/, OpenAPI at /api/v1/docs). Each app contributes one router."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import django_auth

from core.errors import DomainError

api = NinjaAPI(title="政通 API", version="1", urls_namespace="api", auth=django_auth,
               description="政通平台接口。会话登录后调用；写操作需携带 CSRF 令牌。")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status)


# pydantic's error types → what a Chinese API client should read. Unlisted types fall back to
# a generic message; the field path is always given.
_VALIDATION_MESSAGES = {
    "missing": "缺少必填字段",
    "string_too_long": "内容过长",
    "string_too_short": "内容过短",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "decimal_parsing": "应为数字",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "string_type": "应为文本",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
    "date_from_datetime_parsing": "日期格式不正确，应为 2023-01-31",
    "date_parsing": "日期格式不正确，应为 2023-01-31",
    "json_invalid": "请求体不是有效的 JSON",
    "model_attributes_type": "请求体格式不正确",
}


@api.exception_handler(NinjaValidationError)
def validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors:
        loc = [str(part) for part in err.get("loc", ()) if part not in ("body", "query", "path", "payload")]
        errors.append({"field": ".".join(loc), "message": _VALIDATION_MESSAGES.get(err.get("type", ""), "取值无效")})
    summary = "；".join(f"{e['field'] or '请求'}：{e['message']}" for e in errors) or "请求格式不正确"
    return api.create_response(request, {"detail": f"请求参数有误（{summary}）", "errors": errors}, status=422)


_HTTP_MESSAGES = {400: "请求体不是有效的 JSON 或格式不正确", 401: "请先登录", 403: "没有权限或 CSRF 校验失败",
                  405: "不支持该请求方法", 429: "请求过于频繁，请稍后再试"}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    status = 401 if isinstance(exc, AuthenticationError) else exc.status_code
    message = str(exc)
    # Our own code raises HttpError with a Chinese message; the framework's own are English.
    if not any("\u4e00" <= ch <= "\u9fff" for ch in message):
        message = _HTTP_MESSAGES.get(status, "对象不存在或无权查看" if status == 404 else "请求无法处理")
    return api.create_response(request, {"detail": message}, status=status)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(request, {"detail": "对象不存在或无权查看"}, status=404)


def _register() -> None:
    from catalog.api import router as catalog_router
    from catalog.quality_api import router as quality_router
    from content.api import router as text_router
    from content.items_api import router as content_router
    from indicators.api import router as indicators_router
    from plan.api import router as plan_router

    api.add_router("/plan/", plan_router)
    api.add_router("/indicators/", indicators_router)
    api.add_router("/catalog/", catalog_router)
    api.add_router("/catalog/", quality_router)
    api.add_router("/text/", text_router)
    api.add_router("/content/", content_router)


_register()
