from __future__ import annotations

import pytest

from core.codes import credit_code_check_char
from core.models import AuditEntry, Role, Unit, User


def test_it_lists_the_unit_tree_for_the_admin(admin, client_for, units):
    response = client_for(admin).get("/units/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "大数据中心" in body and "双沟镇" in body


@pytest.mark.parametrize("path", ["/units/", "/units/new/", "/people/", "/people/new/", "/schedule/"])
def test_it_hides_admin_pages_from_everyone_else(path, client_for, editor, outsider, supervisor, units):
    for person in (editor, outsider, supervisor):
        assert client_for(person).get(path).status_code == 404
    assert client_for(None).get(path).status_code == 302  # to the login page


def test_it_creates_a_unit_with_aliases_and_a_valid_credit_code(admin, client_for, units):
    code = "12321324MB0" + "123456"
    code += credit_code_check_char(code)
    response = client_for(admin).post("/units/new/", {
        "short_name": "气象局", "full_name": "泗洪县气象局", "kind": "department", "parent": units.government.pk,
        "aliases": "县气象局、气象部门", "credit_code": code, "sort_order": 30, "is_active": "on"})
    assert response.status_code == 302
    unit = Unit.objects.get(short_name="气象局")
    assert unit.aliases == ["县气象局", "气象部门"] and unit.parent == units.government
    assert AuditEntry.objects.filter(action="core.unit.create", object_id=str(unit.pk)).exists()


def test_it_rejects_a_bad_credit_code_and_a_cycle_in_chinese(admin, client_for, units):
    response = client_for(admin).post(f"/units/{units.finance.pk}/", {
        "short_name": "财政局", "full_name": "泗洪县财政局", "kind": "department", "parent": units.government.pk,
        "aliases": "", "credit_code": "123456789012345670", "sort_order": 10, "is_active": "on"})
    assert response.status_code == 200 and "校验位" in response.content.decode()
    response = client_for(admin).post(f"/units/{units.government.pk}/", {
        "short_name": "县政府办", "full_name": "泗洪县人民政府办公室", "kind": "government",
        "parent": units.finance.pk, "aliases": "", "credit_code": "", "sort_order": 1, "is_active": "on"})
    assert "上级单位不能是本单位或其下级单位" in response.content.decode()
    units.government.refresh_from_db()
    assert units.government.parent is None
    assert not AuditEntry.objects.filter(action="core.unit.update").exists()


def test_it_creates_and_edits_people_with_roles(admin, client_for, units):
    client = client_for(admin)
    response = client.post("/people/new/", {
        "username": "wangwu", "display_name": "王五", "unit": units.finance.pk,
        "roles": [Role.EDITOR, Role.REVIEWER_1], "phone": "", "password": "Str0ng-pass-9", "is_active": "on"})
    assert response.status_code == 302
    person = User.objects.get(username="wangwu")
    assert person.role_codes == {Role.EDITOR, Role.REVIEWER_1}
    response = client.post(f"/people/{person.pk}/", {
        "display_name": "王五", "unit": units.finance.pk, "roles": [Role.CDO], "phone": "13800000000",
        "password": "", "is_active": "on"})
    assert response.status_code == 302
    person = User.objects.get(pk=person.pk)
    assert person.role_codes == {Role.CDO}
    entry = AuditEntry.objects.get(action="core.person.update", object_id=str(person.pk))
    assert entry.before["roles"] == sorted([Role.EDITOR, Role.REVIEWER_1]) and entry.after["roles"] == [Role.CDO]


def test_it_stops_the_admin_locking_themselves_out(admin, client_for, units):
    response = client_for(admin).post(f"/people/{admin.pk}/", {
        "display_name": admin.display_name, "unit": units.data_center.pk, "roles": [Role.EDITOR],
        "phone": "", "password": "", "is_active": "on"})
    assert "不能停用自己" in response.content.decode()
    assert User.objects.get(pk=admin.pk).has_role(Role.DC_ADMIN)


def test_it_edits_the_schedule(admin, client_for):
    from core import jobs
    from core.models import ScheduledJob

    jobs.sync_schedule()  # done by migrate; transactional tests may have flushed it
    client = client_for(admin)
    assert client.get("/schedule/").status_code == 200
    job = ScheduledJob.objects.get(code="plan.report_reminders")
    response = client.post("/schedule/", {"job": job.pk, f"job{job.pk}-daily_at": "09:15",
                                          f"job{job.pk}-every_minutes": ""})
    assert response.status_code == 302
    job.refresh_from_db()
    assert not job.enabled and job.daily_at.strftime("%H:%M") == "09:15"
    assert AuditEntry.objects.filter(action="core.schedule.update").exists()
    response = client.post("/schedule/", {"job": job.pk, f"job{job.pk}-enabled": "on",
                                          f"job{job.pk}-daily_at": "", f"job{job.pk}-every_minutes": ""},
                           follow=True)
    assert "请填写每日运行时刻或运行间隔中的一项" in response.content.decode()
