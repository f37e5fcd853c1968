from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def platform(request: HttpRequest) -> dict[str, Any]:
    """Site name and the visitor's display mode (适老化 is a cookie so it works before login too)."""
    return {
        "site_name": "政通",
        "elderly_mode": request.COOKIES.get("zt_elderly") == "1",
    }
