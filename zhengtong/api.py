"""The typed JSON API (/api/v1/, OpenAPI at /api/v1/docs). Each app contributes one router."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import django_auth

from core.errors import DomainError

api = NinjaAPI(title="政通 API", version="1", urls_namespace="api", auth=django_auth,
               description="政通平台接口。会话登录后调用；写操作需携带 CSRF 令牌。")


@api.exception_handler(DomainError)
def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return api.create_response(request, {"detail": exc.message, "field": exc.field}, status=exc.status)


def _register() -> None:
    from indicators.api import router as indicators_router
    from plan.api import router as plan_router

    api.add_router("/plan/", plan_router)
    api.add_router("/indicators/", indicators_router)


_register()
