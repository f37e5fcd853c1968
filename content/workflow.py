"""三审三校·先审后发: 草稿 → 初审 → 复审 → 终审 → 已批准 → 已发布 (seed W8, NM5).

Each transition is one function: check who may act and in what state, change, re-run the proofreader,
audit, notify. Who acts at each step is a person of the item's unit holding that step's role; 重点稿件
need the unit head (单位主要负责人) at 终审. 代运维 accounts (people of an outside organisation listed as a
channel's operators) may draft, edit and submit for those channels, never review or publish. Every
step has a timer in working hours (ContentSettings). An open 严重表述错误 or 隐私泄露 finding blocks the
final approval unless the 终审 reviewer overrides it with a written reason, which is audited.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from content import checking
from content.models import (
    Channel,
    ContentForm,
    ContentItem,
    ContentKind,
    ContentSettings,
    Publication,
    ReviewStep,
    Revision,
    State,
    TextFinding,
)
from core import audit
from core import services as core_services
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import Role, Unit, User

REVIEW_STAGES = (State.REVIEW_1, State.REVIEW_2, State.FINAL)
IN_WORK = (State.DRAFT, *REVIEW_STAGES)  # the text, attachments and findings may still change
NEXT = {State.REVIEW_1: State.REVIEW_2, State.REVIEW_2: State.FINAL, State.FINAL: State.APPROVED}
STAGE_ROLE = {State.REVIEW_1: Role.REVIEWER_1, State.REVIEW_2: Role.REVIEWER_2, State.FINAL: Role.REVIEWER_FINAL}
WRITER_ROLES = (Role.EDITOR, Role.REVIEWER_1, Role.REVIEWER_2, Role.REVIEWER_FINAL, Role.UNIT_HEAD)
MAX_TITLE = 200
MAX_OPINION = 1000


# ---- who may --------------------------------------------------------------------------------------


def is_operator(user: User, item: ContentItem | None = None, channels: Iterable[Channel] = ()) -> bool:
    """A 代运维 account: listed as operator of the item's (or these) channels, not a member of the unit."""
    ids = {c.pk for c in (item.channels.all() if item is not None else channels)}
    return bool(ids) and Channel.objects.filter(pk__in=ids, operators=user).count() == len(ids)


def _member(user: User, unit: Unit, *roles: str) -> bool:
    return user.unit_id == unit.pk and (not roles or user.has_role(*roles))


def can_write(user: User, item: ContentItem) -> bool:
    return _member(user, item.unit, *WRITER_ROLES) or is_operator(user, item)


def stage_role(item: ContentItem, stage: str) -> str:
    if stage == State.FINAL and item.is_key:
        return Role.UNIT_HEAD
    return STAGE_ROLE[State(stage)]


def can_review(user: User, item: ContentItem) -> bool:
    """The current step's role in the item's unit (never an operator: they are not of the unit)."""
    if item.state not in REVIEW_STAGES:
        return False
    return _member(user, item.unit, stage_role(item, item.state))


def can_publish(user: User, item: ContentItem) -> bool:
    return item.state == State.APPROVED and _member(user, item.unit, *WRITER_ROLES)


def actions_for(user: User, item: ContentItem) -> list[str]:
    actions = []
    if item.state == State.DRAFT and can_write(user, item):
        actions += ["edit", "submit"]
    if can_review(user, item):
        actions += ["edit", "review"]
    if can_publish(user, item):
        actions.append("publish")
    if item.state == State.PUBLISHED and _member(user, item.unit, Role.REVIEWER_FINAL, Role.UNIT_HEAD):
        actions.append("withdraw")
    return actions


# ---- writing ------------------------------------------------------------------------------------


def _clean(title: str, body: str) -> tuple[str, str]:
    title = checking.prepare(title or "", limit=MAX_TITLE, label="标题").replace("\n", " ")
    body = checking.prepare(body or "", limit=ContentSettings.current().max_text_chars, label="正文")
    return title, body


def _channels(actor: User, unit: Unit, channels: Sequence[Channel]) -> list[Channel]:
    if not channels:
        raise DomainError("请至少选择一个发布渠道", field="channels")
    wrong = [c.name for c in channels if c.unit_id != unit.pk or not c.is_active]
    if wrong:
        raise DomainError(f"不能发布到其他单位或已停用的渠道：{'、'.join(wrong)}", field="channels")
    return list(channels)


@transaction.atomic
def create_item(actor: User, unit: Unit, *, title: str, body: str, channels: Sequence[Channel],
                kind: str = ContentKind.ARTICLE, form: str = ContentForm.TEXT, is_original: bool = True,
                is_key: bool = False, source: str = "", now: datetime | None = None) -> ContentItem:
    chosen = _channels(actor, unit, channels)
    if not (_member(actor, unit, *WRITER_ROLES) or is_operator(actor, channels=chosen)):
        raise NotAllowed("只有本单位的编辑、审核人员或该渠道的代运维人员可以起草稿件")
    title, body = _clean(title, body)
    now = now or timezone.now()
    item = ContentItem.objects.create(unit=unit, title=title, body=body, kind=kind, form=form,
                                      is_original=is_original, is_key=is_key, source=source[:100], author=actor,
                                      created_at=now, updated_at=now)
    item.channels.set(chosen)
    Revision.objects.create(item=item, number=1, title=title, body=body, author=actor, state=State.DRAFT,
                            note="起草", created_at=now)
    audit.record(actor, "content.item.create", "起草稿件", item, unit=unit,
                 after={"title": title, "channels": [c.name for c in chosen], "is_key": is_key})
    run_checks(item, actor)
    return item


def require_editable(actor: User, item: ContentItem, what: str = "修改该稿件") -> None:
    """Edits (text, channels, attachments) happen while drafting or reviewing, by whoever holds the item."""
    if item.state not in IN_WORK:
        raise InvalidTransition(f"稿件{State(item.state).label}，不能再修改或增删附件")
    if "edit" not in actions_for(actor, item):
        raise NotAllowed(f"当前环节您不能{what}")


EDITABLE_FIELDS = ("kind", "form", "is_original", "is_key", "source")


@transaction.atomic
def edit_item(actor: User, item: ContentItem, *, title: str, body: str, note: str = "",
              now: datetime | None = None, **fields: Any) -> ContentItem:
    """A new revision (drafts by their writers; during review by the step's reviewer — 三校)."""
    require_editable(actor, item)
    if item.state in REVIEW_STAGES and item.is_key and fields.get("is_key") is False:
        # 重点稿件 must reach the unit head at 终审: once in review, only the head may lift the mark.
        if not _member(actor, item.unit, Role.UNIT_HEAD):
            raise NotAllowed("审核中的重点稿件只有单位主要负责人可以取消“重点稿件”标记")
    title, body = _clean(title, body)
    now = now or timezone.now()
    before: dict[str, Any] = {"title": item.title, "revision": item.revision}
    after: dict[str, Any] = {"title": title}
    for name in EDITABLE_FIELDS:
        if name in fields and getattr(item, name) != fields[name]:
            before[name], after[name] = getattr(item, name), fields[name]
            setattr(item, name, fields[name])
    if "channels" in fields:
        chosen = _channels(actor, item.unit, fields["channels"])
        current = list(item.channels.all())
        if {c.pk for c in chosen} != {c.pk for c in current}:
            before["channels"], after["channels"] = [c.name for c in current], [c.name for c in chosen]
            item.channels.set(chosen)
    text_changed = title != item.title or body != item.body
    if not text_changed and len(after) == 1:
        return item
    if text_changed:
        item.revision += 1
        Revision.objects.create(item=item, number=item.revision, title=title, body=body, author=actor,
                                state=item.state, note=note[:200], created_at=now)
    item.title, item.body, item.updated_at = title, body, now
    item.save()
    audit.record(actor, "content.item.edit", "修改稿件", item, unit=item.unit, before=before,
                 after={**after, "revision": item.revision, "note": note})
    run_checks(item, actor)
    return item


# ---- the proofreader at every step ---------------------------------------------------------------------


def alt_field(attachment_pk: int) -> str:
    """The ``TextFinding.field`` of an attachment's alt text."""
    return f"alt{attachment_pk}"


def in_reading_order(findings: Iterable[TextFinding]) -> list[TextFinding]:
    """The title's findings, the body's, then the attachments' alt texts'; each by position."""
    return sorted(findings, key=lambda f: ({"title": 0, "body": 1}.get(f.field, 2), f.field, f.start))


def _key(kind: str, field: str, text: str, suggestion: str) -> str:
    return "|".join((kind, field, text, suggestion))[:500]


def run_checks(item: ContentItem, actor: User | None = None) -> list[TextFinding]:
    """Check the current revision: new problems are added, problems no longer in the text become 已修改,
    dismissed ones stay dismissed. Returns the open findings."""
    seen: dict[str, tuple[str, Any]] = {}
    version = 0
    texts = [("title", item.title), ("body", item.body)]
    # An image's alt text is published with it (the page, the feeds): checked like the body.
    texts += [(alt_field(a.pk), a.description) for a in item.attachments.all()]
    for field, text in texts:
        result = checking.check_text(text)
        version = result.dictionary_version
        for f in result.findings:
            seen.setdefault(_key(f.kind.value, field, f.text, f.suggestion), (field, f))
    existing = {f.key: f for f in item.findings.all()}
    now = timezone.now()
    for key, finding in existing.items():
        if finding.status == TextFinding.Status.OPEN and key not in seen:
            finding.status, finding.decided_at, finding.decided_by = TextFinding.Status.FIXED, now, actor
            finding.save(update_fields=["status", "decided_at", "decided_by"])
    for key, (field, f) in seen.items():
        current = existing.get(key)
        if current is None:
            TextFinding.objects.create(
                item=item, revision=item.revision, field=field, start=f.start, end=f.end, text=f.text[:200],
                suggestion=f.suggestion[:200], kind=f.kind.value, severity=f.severity.code,
                message=f.message[:300], rule=f.rule[:120], key=key, dictionary_version=version)
        elif current.status != TextFinding.Status.DISMISSED:
            current.start, current.end, current.status = f.start, f.end, TextFinding.Status.OPEN
            current.save(update_fields=["start", "end", "status"])
    return list(item.findings.filter(status=TextFinding.Status.OPEN))


@transaction.atomic
def dismiss_finding(actor: User, finding: TextFinding, *, reason: str) -> TextFinding:
    item = finding.item
    if item.state not in IN_WORK and can_write(actor, item):
        # Someone who could have handled it before: the item has moved on (409), not a lack of rights.
        raise InvalidTransition(f"稿件{State(item.state).label}，校对问题不能再处理")
    if not (can_write(actor, item) and item.state == State.DRAFT) and not can_review(actor, item):
        raise NotAllowed("只有起草人或当前环节的审核人可以处理校对问题")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明不予修改的理由", field="reason")
    if finding.status != TextFinding.Status.OPEN:
        raise InvalidTransition("该问题已处理")
    finding.status, finding.reason = TextFinding.Status.DISMISSED, reason[:300]
    finding.decided_by, finding.decided_at = actor, timezone.now()
    finding.save(update_fields=["status", "reason", "decided_by", "decided_at"])
    audit.record(actor, "content.finding.dismiss", "校对问题不予修改", item, unit=item.unit,
                 after={"finding": finding.pk, "kind": finding.kind, "text": finding.text, "reason": reason})
    return finding


# ---- the review steps ----------------------------------------------------------------------------


def _start_step(item: ContentItem, stage: str, now: datetime) -> None:
    settings = ContentSettings.current()
    hours = {State.REVIEW_1: settings.review_1_hours, State.REVIEW_2: settings.review_2_hours,
             State.FINAL: settings.final_hours}.get(State(stage))
    item.state = stage
    item.step_started_at = now
    item.step_due = get_calendar().add_workhours(now, hours).at if hours else None
    item.updated_at = now
    item.save()
    if stage in REVIEW_STAGES:
        role = stage_role(item, stage)
        link = reverse("content:item_detail", args=[item.pk])
        for person in core_services.people_of_units([item.unit], roles=[role]):
            core_services.notify(person, kind="content.review", title=f"待{State(stage).label}：{item.title}",
                                 body=f"请于 {timezone.localtime(item.step_due):%m月%d日 %H:%M} 前办理。"
                                 if item.step_due else "", link=link,
                                 dedupe_key=f"content:{item.pk}:{stage}:{item.revision}:{now.timestamp():.0f}")


@transaction.atomic
def submit(actor: User, item: ContentItem, *, now: datetime | None = None) -> ContentItem:
    if item.state != State.DRAFT:
        raise InvalidTransition("只有草稿可以送审")
    if not can_write(actor, item):
        raise NotAllowed("只有起草人、本单位编辑或该渠道的代运维人员可以送审")
    now = now or timezone.now()
    run_checks(item, actor)
    ReviewStep.objects.create(item=item, stage=State.DRAFT, decision=ReviewStep.Decision.SUBMIT, actor=actor,
                              role="代运维" if is_operator(actor, item) else "起草", revision=item.revision, at=now)
    _start_step(item, State.REVIEW_1, now)
    audit.record(actor, "content.item.submit", "送审", item, unit=item.unit, after={"revision": item.revision})
    return item


def blocking_findings(item: ContentItem) -> QuerySet[TextFinding]:
    return item.findings.filter(status=TextFinding.Status.OPEN, kind__in=["formulation", "privacy"])


@transaction.atomic
def review(actor: User, item: ContentItem, *, decision: str, opinion: str = "", override_reason: str = "",
           now: datetime | None = None) -> ContentItem:
    """通过 or 退回修改 at the current step; 退回 needs an opinion; the final pass may need an override."""
    if item.state not in REVIEW_STAGES:
        raise InvalidTransition("该稿件不在审核环节")
    if not can_review(actor, item):
        role = Role(stage_role(item, item.state)).label
        raise NotAllowed(f"{State(item.state).label}须由本单位的“{role}”办理")
    opinion, override_reason = (opinion or "").strip(), (override_reason or "").strip()
    if len(opinion) > MAX_OPINION or len(override_reason) > MAX_OPINION:
        raise DomainError(f"意见不能超过 {MAX_OPINION} 字", field="opinion")
    now = now or timezone.now()
    stage = item.state
    step = ReviewStep(item=item, stage=stage, actor=actor, role=Role(stage_role(item, stage)).label,
                      opinion=opinion, revision=item.revision, started_at=item.step_started_at,
                      due=item.step_due, at=now)
    if decision == ReviewStep.Decision.RETURN:
        if not opinion:
            raise DomainError("退回修改须写明意见", field="opinion")
        step.decision = ReviewStep.Decision.RETURN
        step.save()
        _start_step(item, State.DRAFT, now)
        audit.record(actor, "content.item.return", f"{State(stage).label}退回", item, unit=item.unit,
                     after={"opinion": opinion})
        _tell_author(item, f"稿件被退回修改：{item.title}", opinion)
        return item
    if decision != ReviewStep.Decision.PASS:
        raise DomainError("审核意见应为“通过”或“退回修改”", field="decision")
    open_findings = run_checks(item, actor)
    blocking = [f for f in open_findings if f.blocking]
    if stage == State.FINAL and blocking:
        if not override_reason:
            raise DomainError(
                f"还有 {len(blocking)} 处严重表述错误或隐私泄露未处理：请修改或说明不予修改的理由；"
                "确需带问题通过的，终审须写明理由", field="override_reason")
        step.override_reason = override_reason
        audit.record(actor, "content.item.override", "终审带问题通过", item, unit=item.unit,
                     after={"reason": override_reason, "findings": [f"{f.kind}:{f.text}" for f in blocking]})
    step.decision = ReviewStep.Decision.PASS
    step.save()
    _start_step(item, NEXT[State(stage)], now)
    audit.record(actor, "content.item.pass", f"{State(stage).label}通过", item, unit=item.unit,
                 after={"revision": item.revision, "opinion": opinion})
    if item.state == State.APPROVED:
        _tell_author(item, f"稿件已批准，可以发布：{item.title}", opinion)
    return item


def _tell_author(item: ContentItem, title: str, body: str) -> None:
    if item.author is not None:
        core_services.notify(item.author, kind="content.review", title=title, body=body,
                             link=reverse("content:item_detail", args=[item.pk]),
                             dedupe_key=f"content-author:{item.pk}:{item.state}:{timezone.now().timestamp():.0f}")


@transaction.atomic
def publish(actor: User, item: ContentItem, *, now: datetime | None = None) -> list[Publication]:
    """Record what went where and when; feeds show it at once, webhooks get it from the worker."""
    if item.state != State.APPROVED:
        raise InvalidTransition("只有已批准的稿件可以发布")
    if not can_publish(actor, item):
        raise NotAllowed("只有本单位的编辑或审核人员可以发布（代运维人员不能发布）")
    now = now or timezone.now()
    publications = [Publication.objects.create(item=item, channel=c, revision=item.revision, published_by=actor,
                                               published_at=now) for c in item.channels.all()]
    ReviewStep.objects.create(item=item, stage=State.APPROVED, decision=ReviewStep.Decision.PUBLISH, actor=actor,
                              revision=item.revision, at=now)
    item.published_at = now
    _start_step(item, State.PUBLISHED, now)
    audit.record(actor, "content.item.publish", "发布稿件", item, unit=item.unit,
                 after={"channels": [p.channel.name for p in publications], "revision": item.revision})
    from content import syndication

    syndication.queue_webhooks(publications)
    return publications


@transaction.atomic
def withdraw(actor: User, item: ContentItem, *, reason: str, now: datetime | None = None) -> ContentItem:
    if item.state != State.PUBLISHED:
        raise InvalidTransition("只有已发布的稿件可以撤回")
    if "withdraw" not in actions_for(actor, item):
        raise NotAllowed("只有本单位的终审人员或主要负责人可以撤回已发布的稿件")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请写明撤回理由", field="reason")
    now = now or timezone.now()
    ReviewStep.objects.create(item=item, stage=State.PUBLISHED, decision=ReviewStep.Decision.WITHDRAW,
                              actor=actor, opinion=reason, revision=item.revision, at=now)
    _start_step(item, State.WITHDRAWN, now)
    audit.record(actor, "content.item.withdraw", "撤回稿件", item, unit=item.unit, after={"reason": reason})
    return item


# ---- reading ------------------------------------------------------------------------------------


def diff(item: ContentItem, old: int, new: int) -> list[tuple[str, str]]:
    """Character-level diff of two revisions' bodies as (op, text) runs: op is "=", "-" or "+"."""
    revisions = {r.number: r for r in item.revisions.filter(number__in=[old, new])}
    if old not in revisions or new not in revisions:
        raise DomainError("版本不存在")
    a, b = revisions[old].title + "\n" + revisions[old].body, revisions[new].title + "\n" + revisions[new].body
    runs: list[tuple[str, str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            runs.append(("=", a[i1:i2]))
        else:
            if i2 > i1:
                runs.append(("-", a[i1:i2]))
            if j2 > j1:
                runs.append(("+", b[j1:j2]))
    return runs


def waiting_for(user: User) -> QuerySet[ContentItem]:
    """Items whose current step is this person's to take."""
    if user.unit_id is None:
        return ContentItem.objects.none()
    stages = []
    for stage, role in STAGE_ROLE.items():
        if user.has_role(role):
            stages.append(stage)
    qs = ContentItem.objects.filter(unit_id=user.unit_id, state__in=stages)
    if State.FINAL in stages and not user.has_role(Role.UNIT_HEAD):
        qs = qs.exclude(state=State.FINAL, is_key=True)
    if user.has_role(Role.UNIT_HEAD):
        qs = qs | ContentItem.objects.filter(unit_id=user.unit_id, state=State.FINAL, is_key=True)
    if user.has_role(*WRITER_ROLES):
        qs = qs | ContentItem.objects.filter(unit_id=user.unit_id, state=State.APPROVED)
    return qs.distinct()


def overdue(now: datetime | None = None) -> QuerySet[ContentItem]:
    return ContentItem.objects.filter(state__in=REVIEW_STAGES, step_due__lt=now or timezone.now())


def remind_overdue(now: datetime | None = None) -> int:
    """Daily: a step past its time is brought to its reviewers and to the unit head, once per step."""
    now = now or timezone.now()
    count = 0
    for item in overdue(now).select_related("unit"):
        role = stage_role(item, item.state)
        link = reverse("content:item_detail", args=[item.pk])
        stage = State(item.state).label
        key = f"content-late:{item.pk}:{item.state}:{item.step_started_at.timestamp() if item.step_started_at else 0:.0f}"
        for person in core_services.people_of_units([item.unit], roles=[role, Role.UNIT_HEAD]):
            core_services.notify(person, kind="content.overdue", title=f"{stage}超时：{item.title}",
                                 body=f"期限为 {timezone.localtime(item.step_due):%m月%d日 %H:%M}，请尽快办理。"
                                 if item.step_due else "", link=link, dedupe_key=key)
        count += 1
    return count
