"""Every state change a user can make leaves an audit entry with the actor and before/after."""

from __future__ import annotations

from datetime import date, time

from django.core.files.uploadedfile import SimpleUploadedFile

from core import jobs
from core import services as core_services
from core.models import AuditEntry, Role, ScheduledJob, Unit, UnitKind
from indicators import services as indicator_services
from plan import importing, services
from plan.tests.factories import SEED


def test_it_audits_a_whole_year_of_work(county):
    admin = county.admin
    before = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"core.unit.create", "core.person.create"} <= before  # the demo county itself

    imp = importing.stage_import(admin, "1. 做好气象服务。(牵头单位:县气象局)\n".encode(), "bad.txt")
    importing.cancel_import(admin, imp)
    imp = importing.stage_import(admin, SEED.read_bytes(), SEED.name)
    plan = importing.confirm_import(admin, imp)
    task = plan.tasks.prefetch_related("assignments__unit").get(section__order=1, number=13)
    finance = Unit.objects.get(short_name="财政局")
    services.submit_report(county.cdo, task, finance, period="2023Q1", text="启动", percent=10,
                           files=[SimpleUploadedFile("a.pdf", b"%PDF-1.4")], today=date(2023, 3, 1))
    services.submit_report(county.cdo, task, finance, period="2023Q1", text="启动（修改）", percent=15,
                           today=date(2023, 3, 2))
    indicator = plan.targets.filter(indicator__source="manual").first()
    assert indicator is not None
    indicator_services.record_measurement(admin, indicator.indicator, value="95.5", note="年中统计")
    unit = core_services.create_unit(admin, short_name="气象局", full_name="泗洪县气象局",
                                     kind=UnitKind.DEPARTMENT)
    core_services.update_unit(admin, unit, aliases=["县气象局"])
    person = core_services.create_person(admin, username="qx", password="Qixiang-2023", display_name="钱晓",
                                         unit=unit, roles=[Role.REPORTER])
    core_services.grant_role(admin, person, Role.CDO)
    core_services.update_person(admin, person, display_name="钱晓", unit=unit, roles=[Role.CDO])
    core_services.reset_password(admin, person, "Qixiang-2024!")
    entry = core_services.set_calendar_day(admin, date(2023, 4, 4), is_workday=False, note="县庆")
    core_services.delete_calendar_day(admin, entry)
    core_services.enter_holiday_notice(admin, 2030, title="2030年放假通知", holidays=[date(2030, 1, 1)],
                                       workdays=[])
    jobs.sync_schedule()
    job = ScheduledJob.objects.get(code="plan.report_reminders")
    jobs.update_job(admin, job, enabled=False, daily_at=time(9, 0))

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    expected = {
        "plan.import.stage", "plan.import.cancel", "plan.import.confirm", "plan.plan.create", "plan.task.create",
        "plan.report.submit", "plan.report.update", "plan.task.status", "indicators.indicator.create",
        "indicators.measurement.record", "core.unit.create", "core.unit.update", "core.person.create",
        "core.person.grant_role", "core.person.update", "core.person.reset_password", "core.calendar.set_day",
        "core.calendar.delete_day", "core.calendar.notice", "core.schedule.update",
    }
    assert expected <= actions, expected - actions
    for entry in AuditEntry.objects.exclude(action__in=before).filter(action__startswith="plan.report"):
        assert entry.actor == county.cdo and entry.unit == finance and entry.after
    assert not AuditEntry.objects.filter(actor_name="").exists()
