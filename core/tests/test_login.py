"""Logging in and out through the login page."""

from __future__ import annotations

from django.urls import reverse

from core.models import User


def test_it_logs_in_with_the_right_password(client, admin: User, password: str) -> None:
    response = client.post(reverse("core:login"), {"username": "admin", "password": password})

    assert response.status_code == 302
    assert response.url == reverse("core:home")
    home = client.get(reverse("core:home"))
    assert home.status_code == 200
    assert "王管理，您好" in home.content.decode()


def test_it_goes_to_the_requested_page_after_login(client, admin: User, password: str) -> None:
    target = reverse("core:audit_list")
    response = client.post(reverse("core:login"), {"username": "admin", "password": password, "next": target})

    assert response.status_code == 302
    assert response.url == target


def test_it_ignores_a_next_address_on_another_site(client, admin: User, password: str) -> None:
    response = client.post(reverse("core:login"),
                           {"username": "admin", "password": password, "next": "https://evil.example/"})

    assert response.url == reverse("core:home")


def test_it_explains_a_wrong_password_in_chinese(client, admin: User) -> None:
    response = client.post(reverse("core:login"), {"username": "admin", "password": "wrong-password"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "用户名或密码不正确" in page
    assert 'role="alert"' in page
    assert 'value="admin"' in page  # the username is kept, the password is not
    assert "_auth_user_id" not in client.session


def test_it_refuses_an_unknown_user(client, db: None) -> None:
    response = client.post(reverse("core:login"), {"username": "nobody", "password": "whatever-123"})

    assert "用户名或密码不正确" in response.content.decode()


def test_it_refuses_a_deactivated_person(client, editor: User, password: str) -> None:
    editor.is_active = False
    editor.save(update_fields=["is_active"])

    response = client.post(reverse("core:login"), {"username": "editor", "password": password})

    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


def test_it_sends_anonymous_visitors_to_the_login_page(client, db: None) -> None:
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("core:login"))


def test_it_sends_a_logged_in_person_from_the_login_page_home(client_for, editor: User) -> None:
    response = client_for(editor).get(reverse("core:login"))

    assert response.status_code == 302
    assert response.url == reverse("core:home")


def test_it_logs_out_with_a_post(client_for, editor: User) -> None:
    client = client_for(editor)

    response = client.post(reverse("core:logout"))

    assert response.status_code == 302
    assert response.url == reverse("core:login")
    assert client.get(reverse("core:home")).status_code == 302


def test_it_does_not_log_out_on_a_get(client_for, editor: User) -> None:
    client = client_for(editor)

    assert client.get(reverse("core:logout")).status_code == 405
    assert client.get(reverse("core:home")).status_code == 200


def test_it_names_the_platform_in_the_login_page_title(client, db: None) -> None:
    page = client.get(reverse("core:login")).content.decode()

    assert "<title>登录 · 政通</title>" in page
