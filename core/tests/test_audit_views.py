"""The audit log pages: list with filters and detail, for the data-center admin only."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core import audit, services
from core.models import AuditEntry, Role, User


def test_it_lists_audit_entries_for_the_admin(client_for, admin: User, editor: User) -> None:
    response = client_for(admin).get(reverse("core:audit_list"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "审计日志" in page
    assert "core.person.create" in page
    assert "张编辑" in page
    assert f"共 {AuditEntry.objects.count()} 条" in page


def test_it_filters_by_action_code_prefix(client_for, admin: User, units) -> None:
    response = client_for(admin).get(reverse("core:audit_list"), {"action": "core.unit"})

    entries = list(response.context["page"])
    assert entries
    assert {e.action for e in entries} == {"core.unit.create"}


def test_it_filters_by_unit_and_text(client_for, admin: User, editor: User, outsider: User,
                                     units) -> None:
    client = client_for(admin)

    by_unit = list(client.get(reverse("core:audit_list"), {"unit": units.township.pk}).context["page"])
    by_text = list(client.get(reverse("core:audit_list"), {"q": "张编辑"}).context["page"])

    assert by_unit and all(e.unit_id == units.township.pk for e in by_unit)
    assert [e.object_repr for e in by_text] == ["张编辑"]


def test_it_filters_by_date(client_for, admin: User) -> None:
    client = client_for(admin)
    # The day as the page filters it: in the county's time zone (from 00:00 to 08:00 there, UTC
    # is still on the day before).
    today = timezone.localdate(AuditEntry.objects.latest("at").at)

    same_day = client.get(reverse("core:audit_list"), {"since": today.isoformat(), "until": today.isoformat()})
    later = client.get(reverse("core:audit_list"), {"since": "2099-01-01"})

    assert len(same_day.context["page"]) == AuditEntry.objects.count()
    assert len(later.context["page"]) == 0
    assert "没有符合条件的记录" in later.content.decode()


def test_it_ignores_an_invalid_filter_date(client_for, admin: User) -> None:
    response = client_for(admin).get(reverse("core:audit_list"), {"since": "2025-13-45"})

    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_pages_the_list_with_a_fixed_number_of_queries(client_for, admin: User, units) -> None:
    client = client_for(admin)
    client.get(reverse("core:audit_list"))  # warm the session and caches
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("core:audit_list"))
    for n in range(60):
        services.add_unit_alias(admin, units.finance, f"财政局别名{n}")
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("core:audit_list"))

    assert len(many) == len(few)
    assert response.context["page"].paginator.num_pages == 2
    assert "第 1 / 2 页" in response.content.decode()


def test_it_shows_an_entry_with_its_changes(client_for, admin: User, units) -> None:
    services.add_unit_alias(admin, units.finance, "县财政局")
    entry = AuditEntry.objects.get(action="core.unit.alias")

    response = client_for(admin).get(reverse("core:audit_detail", args=[entry.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "添加单位别名" in page
    assert "core.unit.alias" in page
    assert "王管理" in page
    assert "县财政局" in page  # the "after" value of the aliases field


def test_it_records_the_actor_and_request_address(client_for, admin: User, units) -> None:
    entry = audit.record(admin, "test.thing", "测试", units.finance, unit=units.finance)

    assert entry.actor == admin
    assert entry.actor_name == "王管理"
    assert entry.object_type == "core.unit"


def test_it_answers_404_to_everyone_but_the_admin(client_for, editor: User, outsider: User, supervisor: User,
                                                  cdo: User) -> None:
    entry = AuditEntry.objects.first()
    assert entry is not None
    for person in (editor, outsider, supervisor, cdo):
        client = client_for(person)
        assert client.get(reverse("core:audit_list")).status_code == 404, person
        assert client.get(reverse("core:audit_detail", args=[entry.pk])).status_code == 404, person


def test_it_answers_404_for_an_unknown_entry(client_for, admin: User) -> None:
    assert client_for(admin).get(reverse("core:audit_detail", args=[999_999])).status_code == 404


def test_it_lets_a_superuser_in(client_for, units, make_person) -> None:
    root = make_person("root", "超级用户", units.data_center)
    root.is_superuser = True
    root.save(update_fields=["is_superuser"])

    assert client_for(root).get(reverse("core:audit_list")).status_code == 200


def test_it_lets_a_second_admin_in(client_for, units, make_person) -> None:
    other = make_person("admin2", "另一管理员", units.data_center, Role.DC_ADMIN)

    assert client_for(other).get(reverse("core:audit_list")).status_code == 200
