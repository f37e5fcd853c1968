"""The home page ("我的待办"): a person's unread notifications."""

from __future__ import annotations

from django.urls import reverse

from core import services
from core.models import Notification, User


def test_it_shows_unread_notifications(client_for, editor: User) -> None:
    services.notify(editor, kind="plan.remind", title="请填报第三季度进展", body="截止 10 月 10 日",
                    link=reverse("core:home"))

    page = client_for(editor).get(reverse("core:home")).content.decode()

    assert "提醒（1）" in page
    assert "请填报第三季度进展" in page
    assert "截止 10 月 10 日" in page


def test_it_shows_only_the_persons_own_notifications(client_for, editor: User, outsider: User) -> None:
    services.notify(outsider, kind="plan.remind", title="双沟镇的提醒")

    page = client_for(editor).get(reverse("core:home")).content.decode()

    assert "双沟镇的提醒" not in page
    assert "目前没有需要您处理的事项" in page


def test_it_marks_a_notification_read_and_hides_it(client_for, editor: User) -> None:
    note = services.notify(editor, kind="plan.remind", title="请填报进展")
    assert note is not None
    client = client_for(editor)

    response = client.post(reverse("core:notification_read", args=[note.pk]))

    assert response.status_code == 302
    note.refresh_from_db()
    assert note.read_at is not None
    assert "请填报进展" not in client.get(reverse("core:home")).content.decode()


def test_it_follows_the_notifications_link_when_read(client_for, editor: User) -> None:
    note = services.notify(editor, kind="plan.remind", title="去看看", link="/plan/tasks/")
    assert note is not None

    response = client_for(editor).post(reverse("core:notification_read", args=[note.pk]),
                                       {"next": note.link})

    assert response.url == "/plan/tasks/"


def test_it_answers_404_for_someone_elses_notification(client_for, editor: User, outsider: User) -> None:
    note = services.notify(editor, kind="plan.remind", title="财政局的提醒")
    assert note is not None

    response = client_for(outsider).post(reverse("core:notification_read", args=[note.pk]))

    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_it_sends_a_deduplicated_notification_once(editor: User) -> None:
    first = services.notify(editor, kind="k", title="一次", dedupe_key="same")
    second = services.notify(editor, kind="k", title="一次", dedupe_key="same")

    assert first is not None and second is None
    assert Notification.objects.filter(recipient=editor).count() == 1
