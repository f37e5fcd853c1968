"""三审三校 as a unit lives it: an editor drafts, three reviewers decide, the checker runs at every step."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, HTTPServer
from zoneinfo import ZoneInfo

import pytest

from content import syndication, workflow
from content.models import Channel, ContentItem, Publication, ReviewStep, State, TextFinding, WebhookDelivery
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import AuditEntry, Notification

NOW = datetime(2025, 6, 16, 9, 0, tzinfo=ZoneInfo("Asia/Shanghai"))  # a Monday morning
CLEAN = "县财政局召开2025年预算执行分析会，研究部署下半年重点工作。"
SERIOUS = "认真学习贯彻党的20大精神。联系人电话13812345678。"


def draft(people, units, channel, body=CLEAN, **kwargs) -> ContentItem:
    return workflow.create_item(people["editor"], units.finance, title="预算执行分析会", body=body,
                                channels=[channel], now=NOW, **kwargs)


def through_review(item, people, *, final="final", now=NOW, override=""):
    workflow.submit(people["editor"], item, now=now)
    workflow.review(people["r1"], item, decision="pass", now=now)
    workflow.review(people["r2"], item, decision="pass", now=now)
    return workflow.review(people[final], item, decision="pass", opinion="同意发布", now=now,
                           override_reason=override)


def test_three_reviews_then_publish_with_timers_notifications_and_audit(units, people, channel):
    item = draft(people, units, channel)
    workflow.submit(people["editor"], item, now=NOW)
    assert item.state == State.REVIEW_1
    assert item.step_due == get_calendar().add_workhours(NOW, 8).at  # one working day
    assert Notification.objects.filter(recipient=people["r1"], kind="content.review").exists()
    with pytest.raises(NotAllowed, match="初审"):
        workflow.review(people["r2"], item, decision="pass")
    with pytest.raises(NotAllowed):
        workflow.review(people["other_r1"], item, decision="pass")  # another unit's 初审
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    workflow.review(people["final"], item, decision="pass", now=NOW)
    assert item.state == State.APPROVED
    published = workflow.publish(people["editor"], item, now=NOW)
    assert [p.channel for p in published] == [channel] and item.state == State.PUBLISHED
    assert [s.decision for s in item.steps.all()] == ["submit", "pass", "pass", "pass", "publish"]
    actions = list(AuditEntry.objects.filter(action__startswith="content.item.").values_list("action", flat=True))
    assert actions.count("content.item.pass") == 3 and "content.item.publish" in actions


def test_a_key_item_needs_the_unit_head_at_final_review(units, people, channel):
    item = draft(people, units, channel, is_key=True)
    workflow.submit(people["editor"], item, now=NOW)
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    with pytest.raises(NotAllowed, match="单位主要负责人"):
        workflow.review(people["final"], item, decision="pass")
    assert item in workflow.waiting_for(people["head"]) and item not in workflow.waiting_for(people["final"])
    workflow.review(people["head"], item, decision="pass", now=NOW)
    assert item.state == State.APPROVED


def test_a_reviewer_cannot_lift_the_key_mark_to_skip_the_unit_head(units, people, channel):
    item = draft(people, units, channel, is_key=True)
    workflow.submit(people["editor"], item, now=NOW)
    with pytest.raises(NotAllowed, match="单位主要负责人"):
        workflow.edit_item(people["r1"], item, title=item.title, body=item.body, is_key=False)
    item.refresh_from_db()
    assert item.is_key
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    workflow.edit_item(people["head"], item, title=item.title, body=item.body, is_key=False)
    assert not item.is_key


def test_returning_needs_an_opinion_and_sends_the_draft_back(units, people, channel):
    item = draft(people, units, channel)
    workflow.submit(people["editor"], item, now=NOW)
    with pytest.raises(DomainError, match="意见"):
        workflow.review(people["r1"], item, decision="return")
    workflow.review(people["r1"], item, decision="return", opinion="标题请写明会议时间", now=NOW)
    assert item.state == State.DRAFT
    assert Notification.objects.filter(recipient=people["editor"], title__contains="退回").exists()


def test_an_operator_drafts_and_submits_but_never_reviews_or_publishes(units, people, channel):
    item = workflow.create_item(people["operator"], units.finance, title="政策解读", body=CLEAN, channels=[channel])
    workflow.submit(people["operator"], item, now=NOW)
    assert item.steps.get(decision="submit").role == "代运维"
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    with pytest.raises(NotAllowed):
        workflow.review(people["operator"], item, decision="pass")  # holds 终审 in its own company only
    workflow.review(people["final"], item, decision="pass", now=NOW)
    with pytest.raises(NotAllowed, match="代运维"):
        workflow.publish(people["operator"], item)
    other = Channel.objects.create(unit=units.finance, kind=Channel.Kind.NEW_MEDIA, name="泗洪财政", slug="wx")
    with pytest.raises(NotAllowed):
        workflow.create_item(people["operator"], units.finance, title="x", body=CLEAN, channels=[other])


def test_serious_findings_block_approval_unless_the_final_reviewer_overrides(units, people, channel):
    item = draft(people, units, channel, body=SERIOUS)
    kinds = set(item.findings.values_list("kind", flat=True))
    assert {"formulation", "privacy"} <= kinds
    workflow.submit(people["editor"], item, now=NOW)
    workflow.review(people["r1"], item, decision="pass", now=NOW)  # earlier steps may pass; the findings stay
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    with pytest.raises(DomainError, match="严重表述错误或隐私泄露") as error:
        workflow.review(people["final"], item, decision="pass")
    assert error.value.field == "override_reason"
    workflow.review(people["final"], item, decision="pass", override_reason="电话为单位公开办公电话，经核实可以公开", now=NOW)
    assert item.state == State.APPROVED
    step = item.steps.get(stage=State.FINAL)
    assert "公开办公电话" in step.override_reason
    assert AuditEntry.objects.filter(action="content.item.override", actor=people["final"]).exists()


def test_an_edit_makes_a_revision_fixes_findings_and_a_dismissal_needs_a_reason(units, people, channel):
    item = draft(people, units, channel, body=SERIOUS)
    privacy = item.findings.get(kind="privacy")
    with pytest.raises(DomainError, match="理由"):
        workflow.dismiss_finding(people["editor"], privacy, reason="")
    workflow.dismiss_finding(people["editor"], privacy, reason="办公电话，可以公开")
    workflow.edit_item(people["editor"], item, title=item.title, body=SERIOUS.replace("党的20大", "党的二十大"),
                       note="改正届次写法")
    assert item.revision == 2 and item.revisions.count() == 2
    states = dict(item.findings.values_list("kind", "status"))
    assert states == {"formulation": TextFinding.Status.FIXED, "privacy": TextFinding.Status.DISMISSED}
    runs = workflow.diff(item, 1, 2)
    assert ("-", "20") in runs and ("+", "二十") in runs
    workflow.submit(people["editor"], item, now=NOW)
    workflow.review(people["r1"], item, decision="pass", now=NOW)
    workflow.review(people["r2"], item, decision="pass", now=NOW)
    workflow.review(people["final"], item, decision="pass", now=NOW)  # nothing blocking any more
    assert item.state == State.APPROVED


def test_an_edit_audits_what_changed_and_a_save_without_changes_is_no_edit(units, people, channel):
    item = draft(people, units, channel)
    other = Channel.objects.create(unit=units.finance, kind=Channel.Kind.PORTAL, name="财政局网站", slug="fin-site")
    workflow.edit_item(people["editor"], item, title=item.title, body=item.body, channels=[channel], form="text")
    assert not AuditEntry.objects.filter(action="content.item.edit").exists() and item.revision == 1
    workflow.edit_item(people["editor"], item, title=item.title, body=item.body, channels=[channel, other])
    entry = AuditEntry.objects.get(action="content.item.edit")
    assert entry.before["channels"] == ["财政信息"] and sorted(entry.after["channels"]) == ["财政信息", "财政局网站"]
    assert item.revision == 1  # channels are not text: no new revision


def test_reviewers_may_edit_during_their_step_and_others_may_not(units, people, channel):
    item = draft(people, units, channel)
    workflow.submit(people["editor"], item, now=NOW)
    with pytest.raises(NotAllowed):
        workflow.edit_item(people["editor"], item, title="改", body=CLEAN)
    workflow.edit_item(people["r1"], item, title="预算执行分析会召开", body=CLEAN, note="初审改标题")
    assert item.revisions.last().state == State.REVIEW_1


def test_bad_input_is_refused_in_chinese(units, people, channel):
    with pytest.raises(DomainError, match="正文是空的"):
        draft(people, units, channel, body="<p> </p>")
    with pytest.raises(DomainError, match="发布渠道"):
        workflow.create_item(people["editor"], units.finance, title="t", body=CLEAN, channels=[])
    foreign = Channel.objects.create(unit=units.township, kind=Channel.Kind.PORTAL, name="镇网站", slug="town")
    with pytest.raises(DomainError, match="其他单位"):
        draft(people, units, foreign)
    item = draft(people, units, channel, body="<p><span>你好</span><script>alert(1)</script></p>")
    assert item.body == "你好"
    with pytest.raises(InvalidTransition):
        workflow.publish(people["editor"], item)


def test_overdue_steps_are_listed_and_reminded_once(units, people, channel):
    item = draft(people, units, channel)
    workflow.submit(people["editor"], item, now=NOW)
    assert item not in workflow.overdue(NOW + timedelta(hours=2))
    assert item in workflow.overdue(NOW + timedelta(days=3))
    assert workflow.remind_overdue(NOW + timedelta(days=3)) == 1
    workflow.remind_overdue(NOW + timedelta(days=4))
    late = Notification.objects.filter(kind="content.overdue")
    assert sorted(n.recipient.username for n in late) == ["head", "r1"]  # once each, reviewer and unit head


@pytest.fixture
def receiver():
    """A real HTTP endpoint on loopback that records what it is sent."""
    received: list[tuple[dict[str, str], bytes]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            received.append((dict(self.headers), body))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/hook", received
    server.shutdown()


def test_publishing_feeds_and_signed_webhooks(units, people, channel, receiver):
    url, received = receiver
    channel.webhooks.create(url=url, secret="s3cret")
    item = draft(people, units, channel)
    through_review(item, people)
    workflow.publish(people["editor"], item, now=NOW)
    delivery = WebhookDelivery.objects.get()
    syndication.deliver(delivery.pk, base_url="https://zt.example.gov.cn")
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.DELIVERED and delivery.attempts == 1
    headers, body = received[0]
    assert headers["X-Zhengtong-Signature"] == syndication.sign("s3cret", body)
    assert "预算执行分析会" in body.decode()
    feed = syndication.json_feed(channel, "https://zt.example.gov.cn")
    assert [i["title"] for i in feed["items"]] == ["预算执行分析会"]
    assert "<title>预算执行分析会</title>" in syndication.xml_feed(channel, "https://zt.example.gov.cn", atom=False)
    assert Publication.objects.filter(item=item, channel=channel).exists()
    workflow.withdraw(people["final"], item, reason="内容已过时")
    assert syndication.json_feed(channel, "https://zt.example.gov.cn")["items"] == []
    assert ReviewStep.objects.filter(decision="withdraw").exists()
