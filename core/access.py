"""Who is asking: the one place a request's user becomes a typed `User`."""

from __future__ import annotations

from django.http import HttpRequest

from core.models import User


def current_user(request: HttpRequest) -> User:
    """The logged-in person (views call this behind `login_required` or API auth)."""
    user = request.user
    assert isinstance(user, User), "需要登录"
    return user
