"""The demand workflow's services: file, answer, deliver, rate, withdraw, escalate, unit scores."""

from __future__ import annotations

from datetime import timedelta

import pytest

from catalog import demands, services
from catalog.models import CatalogSettings, DemandState, SharingEntry
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, publish, tz
from catalog.tests.factories import resource_fields
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import AuditEntry, Notification

officer, resource = demand_fixtures.officer, demand_fixtures.resource  # the shared fixtures

MONDAY = tz(2026, 3, 2, 10, 0)  # an ordinary week: no holiday until 清明


# ---- filing --------------------------------------------------------------------------------------


def test_it_files_a_demand_for_a_cataloged_resource(officer, resource, units, cdo):
    demand = file(officer, units.data_center, resource, wanted_items="姓名、公民身份号码", now=MONDAY)
    assert demand.provider == units.finance and demand.wanted_name == resource.name
    assert demand.state == DemandState.SUBMITTED and demand.submitted_by == officer
    assert demand.answer_due == tz(2026, 3, 9, 17, 30)  # 有条件共享: 5 working days
    assert demand.answer_due_provisional is False
    entry = AuditEntry.objects.for_object(demand).get()
    assert entry.action == "catalog.demand.file" and entry.unit == units.data_center
    note = Notification.objects.get(recipient=cdo)
    assert note.title == "大数据中心申请数据：人口基础信息" and "2026年03月09日 17:30" in note.body


def test_it_counts_answer_limits_in_working_days(officer, cdo, admin, units):
    unconditional = publish(cdo, admin, units.finance, name="财政收支统计", sharing_type="unconditional",
                            sharing_condition="", grade="general_1")
    assert file(officer, units.data_center, unconditional, now=MONDAY).answer_due == tz(2026, 3, 4, 17, 30)
    uncataloged = file(officer, units.data_center, provider=units.finance, wanted_name="村级集体经济收入数据",
                       now=MONDAY)
    assert uncataloged.answer_due == tz(2026, 3, 16, 17, 30)  # 10 working days
    before_labour_day = tz(2026, 4, 30, 10, 0)  # 5月1日–5日放假，5月9日（周六）上班
    assert file(officer, units.data_center, unconditional, now=before_labour_day).answer_due == tz(2026, 5, 7, 17, 30)


def test_it_uses_the_limits_the_admin_set(officer, resource, units, admin):
    services.update_settings(admin, answer_days_conditional=3)
    assert file(officer, units.data_center, resource, now=MONDAY).answer_due == tz(2026, 3, 5, 17, 30)


def test_it_refuses_what_cannot_be_asked_for(officer, cdo, admin, units):
    draft = services.create_resource(cdo, units.finance, items=[{"name": "姓名"}], **resource_fields())
    with pytest.raises(DomainError, match="已发布的非涉密资源") as info:
        file(officer, units.data_center, draft)
    assert info.value.field == "resource"
    closed = publish(cdo, admin, units.finance, name="政府债务信息", sharing_type="none", sharing_condition="",
                     sharing_basis="《预算法》", open_type="none", sharing_medium="")
    with pytest.raises(DomainError, match="不予共享资源（依据：《预算法》）"):
        file(officer, units.data_center, closed)
    with pytest.raises(DomainError, match="不能向本单位"):
        file(cdo, units.finance, publish(cdo, admin, units.finance, name="会计人员信息"))
    with pytest.raises(DomainError, match="请选择提供单位"):
        file(officer, units.data_center, wanted_name="某数据")


def test_it_files_only_in_the_persons_own_unit(officer, resource, units, outsider, admin):
    with pytest.raises(NotAllowed):
        file(outsider, units.data_center, resource)
    assert file(admin, units.township, resource).requester == units.township  # the admin acts for any unit


@pytest.mark.parametrize(("field", "value", "message"), [
    ("purpose", "  ", "请填写用途"),
    ("legal_basis", "", "请填写依据"),
    ("purpose", "用" * 501, "用途不能超过 500 字"),
    ("wanted_items", "项" * 501, "所需信息项不能超过 500 字"),
])
def test_it_checks_the_text(officer, resource, units, field, value, message):
    with pytest.raises(DomainError, match=message):
        file(officer, units.data_center, resource, **{field: value})


# ---- answering, delivering, rating ---------------------------------------------------------------


@pytest.fixture
def demand(officer, resource, units):
    return file(officer, units.data_center, resource, now=MONDAY)


def test_it_records_an_answer_in_time(demand, cdo, officer):
    answered = demands.answer_demand(cdo, demand, decision="conditional", conditions="仅用于核验",
                                     now=MONDAY + timedelta(days=1))
    assert answered.state == DemandState.CONDITIONAL and answered.answered_in_time() is True
    assert answered.delivery_due == tz(2026, 3, 10, 17, 30)  # 5 working days to deliver
    entry = AuditEntry.objects.filter(action="catalog.demand.answer").get()
    assert entry.after["in_time"] is True and entry.after["conditions"] == "仅用于核验"
    assert Notification.objects.filter(recipient=officer, title="财政局已答复：有条件同意").exists()


def test_it_marks_a_late_answer(demand, cdo):
    late = demands.answer_demand(cdo, demand, decision="agreed", now=tz(2026, 3, 10, 9, 0))
    assert late.answered_in_time() is False
    assert AuditEntry.objects.get(action="catalog.demand.answer").after["in_time"] is False


@pytest.mark.parametrize(("decision", "kw", "message"), [
    ("refused", {}, "请填写不同意的理由"),
    ("conditional", {}, "请填写共享条件"),
    ("maybe", {}, "答复须为同意、有条件同意或不同意"),
])
def test_it_requires_what_each_answer_needs(demand, cdo, decision, kw, message):
    with pytest.raises(DomainError, match=message):
        demands.answer_demand(cdo, demand, decision=decision, **kw)
    demand.refresh_from_db()
    assert demand.state == DemandState.SUBMITTED


def test_it_lets_only_the_provider_answer_once(demand, cdo, officer, editor):
    with pytest.raises(NotAllowed):
        demands.answer_demand(officer, demand, decision="agreed")
    demands.answer_demand(editor, demand, decision="refused", reason="涉及个人隐私")  # any member of 财政局
    with pytest.raises(InvalidTransition, match="不能再答复"):
        demands.answer_demand(cdo, demand, decision="agreed")


def test_it_delivers_into_the_sharing_list(demand, cdo, officer, units):
    demands.answer_demand(cdo, demand, decision="agreed")
    with pytest.raises(NotAllowed):
        demands.record_delivery(officer, demand, note="x")
    with pytest.raises(DomainError, match="请填写交付说明"):
        demands.record_delivery(cdo, demand, note=" ")
    entry = demands.record_delivery(cdo, demand, note="已开通接口", now=tz(2026, 3, 4, 15, 0))
    assert entry is not None and entry.consumer == units.data_center and entry.resource == demand.resource
    assert entry.since.isoformat() == "2026-03-04" and entry.demand == demand and entry.medium == "api"
    demand.refresh_from_db()
    assert demand.state == DemandState.DELIVERED and demand.delivery_note == "已开通接口"
    with pytest.raises(InvalidTransition):
        demands.record_delivery(cdo, demand, note="again")


def test_it_delivers_uncataloged_data_without_a_sharing_line(officer, cdo, units):
    demand = file(officer, units.data_center, provider=units.finance, wanted_name="村级集体经济收入数据")
    demands.answer_demand(cdo, demand, decision="agreed")
    assert demands.record_delivery(cdo, demand, note="已发送文件") is None
    assert not SharingEntry.objects.exists()


def test_it_cannot_deliver_before_an_answer(demand, cdo):
    with pytest.raises(InvalidTransition, match="待答复"):
        demands.record_delivery(cdo, demand, note="已开通")


def test_it_takes_one_rating_from_the_requester(demand, cdo, officer):
    with pytest.raises(InvalidTransition, match="交付或答复不同意之后"):
        demands.rate_demand(officer, demand, rating=5)
    demands.answer_demand(cdo, demand, decision="refused", reason="不属于共享范围")
    with pytest.raises(NotAllowed):
        demands.rate_demand(cdo, demand, rating=5)
    with pytest.raises(DomainError, match="1 到 5"):
        demands.rate_demand(officer, demand, rating=6)
    rated = demands.rate_demand(officer, demand, rating=2, comment="理由不充分")
    assert (rated.rating, rated.rating_comment) == (2, "理由不充分")
    with pytest.raises(InvalidTransition, match="已经评价过"):
        demands.rate_demand(officer, demand, rating=3)


def test_it_withdraws_only_unanswered_demands(demand, officer, cdo):
    with pytest.raises(NotAllowed):
        demands.withdraw_demand(cdo, demand)
    demands.withdraw_demand(officer, demand)
    demand.refresh_from_db()
    assert demand.state == DemandState.WITHDRAWN
    assert AuditEntry.objects.filter(action="catalog.demand.withdraw").count() == 1
    with pytest.raises(InvalidTransition):
        demands.withdraw_demand(officer, demand)


# ---- what a person may do ------------------------------------------------------------------------


def test_it_tells_who_may_take_which_step(demand, cdo, officer, supervisor, admin, editor):
    assert demands.actions_for(cdo, demand) == ["answer"]
    assert demands.actions_for(editor, demand) == ["answer"]
    assert demands.actions_for(officer, demand) == ["withdraw"]
    assert demands.actions_for(supervisor, demand) == []  # county-wide sees, but does not act
    assert demands.actions_for(admin, demand) == ["answer", "withdraw"]
    demands.answer_demand(cdo, demand, decision="agreed")
    demand.refresh_from_db()
    assert demands.actions_for(cdo, demand) == ["deliver"] and demands.actions_for(officer, demand) == []
    demands.record_delivery(cdo, demand, note="已开通")
    demand.refresh_from_db()
    assert demands.actions_for(officer, demand) == ["rate"] and demands.actions_for(cdo, demand) == []


def test_it_lists_only_requestable_resources(resource, cdo, admin, units):
    publish(cdo, admin, units.finance, name="政府债务信息", sharing_type="none", sharing_condition="",
            sharing_basis="《预算法》", open_type="none", sharing_medium="")
    services.create_resource(cdo, units.finance, items=[{"name": "姓名"}], **resource_fields(name="草稿资源"))
    assert list(demands.requestable_resources()) == [resource]
    assert list(demands.requestable_resources(units.data_center)) == [resource]
    assert list(demands.requestable_resources(units.finance)) == []


# ---- escalation and scores -----------------------------------------------------------------------


def test_it_escalates_overdue_answers_once(demand, admin, cdo):
    assert demands.escalate_overdue(now=tz(2026, 3, 9, 17, 0)) == 0
    assert demands.escalate_overdue(now=tz(2026, 3, 10, 9, 0)) == 1
    demand.refresh_from_db()
    assert demand.escalated_at == tz(2026, 3, 10, 9, 0)
    assert Notification.objects.filter(kind="catalog.escalation", recipient=admin).count() == 1
    assert Notification.objects.filter(kind="catalog.escalation", recipient=cdo).count() == 1
    assert demands.escalate_overdue(now=tz(2026, 3, 11, 9, 0)) == 0
    entry = AuditEntry.objects.get(action="catalog.demand.escalate")
    assert entry.actor is None and entry.actor_name == "系统"


def test_it_escalates_late_deliveries(demand, cdo):
    demands.answer_demand(cdo, demand, decision="agreed", now=MONDAY)
    assert demands.escalate_overdue(now=tz(2026, 3, 10, 18, 0)) == 1


def test_it_scores_each_provider(officer, cdo, admin, units, resource):
    in_time = file(officer, units.data_center, resource, now=MONDAY)
    demands.answer_demand(cdo, in_time, decision="agreed", now=MONDAY + timedelta(hours=3))
    demands.record_delivery(cdo, in_time, note="已开通", now=MONDAY + timedelta(days=1))
    demands.rate_demand(officer, in_time, rating=5)
    late = file(officer, units.data_center, resource, now=MONDAY)
    demands.answer_demand(cdo, late, decision="refused", reason="不符合共享条件", now=tz(2026, 3, 12, 10, 0))
    demands.rate_demand(officer, late, rating=2)
    file(officer, units.data_center, resource, now=MONDAY)  # still open and overdue
    withdrawn = file(officer, units.data_center, resource, now=MONDAY)
    demands.withdraw_demand(officer, withdrawn)
    township = publish(admin, admin, units.township, name="村居基本情况")  # admin keeps the township's list
    file(officer, units.data_center, township, now=tz(2026, 11, 2, 10, 0))
    scores = {s.unit.short_name: s for s in demands.unit_scores(now=tz(2026, 11, 3, 10, 0))}
    finance = scores["财政局"]
    assert (finance.received, finance.answered, finance.on_time, finance.overdue_open) == (3, 2, 1, 1)
    assert finance.on_time_rate == 50.0 and finance.average_rating == 3.5
    assert scores["双沟镇"].on_time_rate is None and scores["双沟镇"].received == 1


def test_it_defaults_to_the_shaanxi_limits(db):
    """spec §7: 2 / 5 / 10 working days to answer; 5 to deliver (editable in 目录设置)."""
    settings = CatalogSettings.current()
    assert (settings.answer_days_unconditional, settings.answer_days_conditional,
            settings.answer_days_uncataloged, settings.delivery_days) == (2, 5, 10, 5)
