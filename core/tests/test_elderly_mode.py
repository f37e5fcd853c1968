"""适老化 mode: a cookie, so it works before login and follows the visitor to every page."""

from __future__ import annotations

import re

from django.urls import reverse

from core.models import User


def body_class(html: str) -> str:
    match = re.search(r'<body class="([^"]*)"', html)
    assert match, "no <body class=…> in the page"
    return match.group(1)


def test_it_switches_elderly_mode_on_for_an_anonymous_visitor(client, db: None) -> None:
    login = reverse("core:login")

    response = client.post(reverse("core:toggle_elderly"), {"next": login})

    assert response.status_code == 302
    assert response.url == login
    assert response.cookies["zt_elderly"].value == "1"
    assert response.cookies["zt_elderly"]["samesite"] == "Lax"
    page = client.get(login).content.decode()
    assert "elderly" in body_class(page)
    assert 'aria-pressed="true"' in page
    assert "标准模式" in page


def test_it_switches_back_to_standard_mode(client, db: None) -> None:
    client.post(reverse("core:toggle_elderly"), {"next": reverse("core:login")})

    response = client.post(reverse("core:toggle_elderly"), {"next": reverse("core:login")})

    assert response.cookies["zt_elderly"].value == "0"
    page = client.get(reverse("core:login")).content.decode()
    assert "elderly" not in body_class(page)
    assert 'aria-pressed="false"' in page


def test_it_keeps_elderly_mode_after_login(client_for, editor: User) -> None:
    client = client_for(editor)
    client.post(reverse("core:toggle_elderly"), {"next": reverse("core:home")})

    assert "elderly" in body_class(client.get(reverse("core:home")).content.decode())


def test_it_does_not_toggle_on_a_get(client, db: None) -> None:
    response = client.get(reverse("core:toggle_elderly"))

    assert response.status_code == 405
    assert "zt_elderly" not in response.cookies


def test_it_does_not_redirect_to_another_site(client, db: None) -> None:
    response = client.post(reverse("core:toggle_elderly"), {"next": "https://evil.example/"})

    assert response.url == reverse("core:home")
