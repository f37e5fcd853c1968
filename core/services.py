"""State changes of core objects: units, people, roles, calendar entries, notifications."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from core import audit
from core.errors import DomainError, NotAllowed
from core.models import CalendarDay, HolidayNotice, Notification, Role, Unit, UnitKind, User, UserRole


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以执行此操作")


def _validate(unit: Unit) -> None:
    """Model validation as a domain error on the first offending field."""
    try:
        unit.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        field, errors = next(iter(exc.message_dict.items()))
        raise DomainError(errors[0], field=field) from None


@transaction.atomic
def create_unit(
    actor: User | None,
    *,
    short_name: str,
    full_name: str = "",
    kind: str = UnitKind.DEPARTMENT,
    parent: Unit | None = None,
    aliases: Iterable[str] = (),
    credit_code: str = "",
    sort_order: int = 100,
) -> Unit:
    _require_admin(actor)
    short_name = short_name.strip()
    full_name = (full_name or short_name).strip()
    if not short_name:
        raise DomainError("单位简称不能为空", field="short_name")
    if Unit.objects.filter(short_name=short_name).exists():
        raise DomainError(f"已存在简称为“{short_name}”的单位", field="short_name")
    if Unit.objects.filter(full_name=full_name).exists():
        raise DomainError(f"已存在全称为“{full_name}”的单位", field="full_name")
    unit = Unit(short_name=short_name, full_name=full_name, kind=kind, parent=parent,
                aliases=[a.strip() for a in aliases if a.strip()], credit_code=credit_code.strip().upper(),
                sort_order=sort_order)
    _validate(unit)
    unit.save()
    audit.record(actor, "core.unit.create", "新建单位", unit, unit=unit, after=audit.snapshot(unit))
    return unit


@transaction.atomic
def add_unit_alias(actor: User | None, unit: Unit, alias: str) -> Unit:
    _require_admin(actor)
    alias = alias.strip()
    if not alias or alias in unit.names():
        return unit
    before = audit.snapshot(unit, ["aliases"])
    unit.aliases = [*unit.aliases, alias]
    unit.save(update_fields=["aliases"])
    audit.record(actor, "core.unit.alias", "添加单位别名", unit, unit=unit, before=before,
                 after=audit.snapshot(unit, ["aliases"]))
    return unit


@transaction.atomic
def create_person(
    actor: User | None,
    *,
    username: str,
    password: str,
    display_name: str,
    unit: Unit | None,
    roles: Iterable[str] = (),
    phone: str = "",
) -> User:
    _require_admin(actor)
    if User.objects.filter(username=username).exists():
        raise DomainError(f"用户名“{username}”已被使用", field="username")
    person = User(username=username, display_name=display_name, unit=unit, phone=phone)
    person.set_password(password)
    person.save()
    for role in roles:
        UserRole.objects.create(user=person, role=Role(role))
    audit.record(actor, "core.person.create", "新建人员", person, unit=unit,
                 after={"username": username, "display_name": display_name,
                        "unit": str(unit) if unit else None, "roles": sorted(roles)})
    return person


@transaction.atomic
def grant_role(actor: User | None, person: User, role: str) -> None:
    _require_admin(actor)
    _, created = UserRole.objects.get_or_create(user=person, role=Role(role))
    if created:
        person.__dict__.pop("_role_codes", None)
        audit.record(actor, "core.person.grant_role", "授予角色", person, unit=person.unit,
                     after={"role": Role(role).label})


@transaction.atomic
def set_calendar_day(actor: User, day: date, *, is_workday: bool, note: str = "",
                     source: str = CalendarDay.Source.LOCAL) -> CalendarDay:
    _require_admin(actor)
    existing = CalendarDay.objects.filter(day=day).first()
    before = audit.snapshot(existing) if existing else None
    entry, _ = CalendarDay.objects.update_or_create(
        day=day, defaults={"is_workday": is_workday, "note": note.strip()[:80], "source": source})
    audit.record(actor, "core.calendar.set_day", "调整工作日历", entry, before=before, after=audit.snapshot(entry))
    return entry


@transaction.atomic
def delete_calendar_day(actor: User, entry: CalendarDay) -> None:
    _require_admin(actor)
    audit.record(actor, "core.calendar.delete_day", "删除日历调整", entry, before=audit.snapshot(entry))
    entry.delete()


@transaction.atomic
def enter_holiday_notice(actor: User, year: int, *, title: str, holidays: Iterable[date],
                         workdays: Iterable[date]) -> HolidayNotice:
    """Record the State Council's notice for a year the calendar package does not know yet.

    The notice lists the days off beyond weekends and the weekend days that are make-up workdays;
    once entered, deadlines in that year are no longer provisional.
    """
    _require_admin(actor)
    holidays, workdays = sorted(set(holidays)), sorted(set(workdays))
    wrong_year = [d for d in [*holidays, *workdays] if d.year != year]
    if wrong_year:
        raise DomainError(f"日期 {wrong_year[0].isoformat()} 不属于 {year} 年")
    both = set(holidays) & set(workdays)
    if both:
        raise DomainError(f"日期 {min(both).isoformat()} 不能同时是放假日和调休上班日")
    if not holidays:
        raise DomainError("请至少填写一个放假日期")
    CalendarDay.objects.filter(day__year=year, source=CalendarDay.Source.NOTICE).delete()
    CalendarDay.objects.bulk_create(
        [CalendarDay(day=d, is_workday=False, source=CalendarDay.Source.NOTICE, note=title[:80]) for d in holidays]
        + [CalendarDay(day=d, is_workday=True, source=CalendarDay.Source.NOTICE, note="调休上班") for d in workdays]
    )
    notice, _ = HolidayNotice.objects.update_or_create(
        year=year, defaults={"title": title.strip()[:120], "entered_by": actor, "entered_at": timezone.now()})
    audit.record(actor, "core.calendar.notice", "录入放假通知", notice,
                 after={"year": year, "holidays": [d.isoformat() for d in holidays],
                        "workdays": [d.isoformat() for d in workdays]})
    return notice


def notify(recipient: User, *, kind: str, title: str, body: str = "", link: str = "",
           dedupe_key: str = "") -> Notification | None:
    """Send a notification once per dedupe key; returns None when it was already sent."""
    if dedupe_key and Notification.objects.filter(recipient=recipient, dedupe_key=dedupe_key).exists():
        return None
    return Notification.objects.create(recipient=recipient, kind=kind, title=title[:200], body=body,
                                       link=link, dedupe_key=dedupe_key)


@transaction.atomic
def mark_notification_read(actor: User, note: Notification) -> None:
    if note.recipient_id != actor.pk:
        raise NotAllowed("不能操作他人的通知")
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])


def people_of_units(units: Iterable[Unit], roles: Iterable[str] | None = None) -> list[User]:
    qs = User.objects.filter(unit__in=list(units), is_active=True)
    if roles is not None:
        qs = qs.filter(role_grants__role__in=list(roles))
    return list(qs.distinct().order_by("id"))


def admins() -> list[User]:
    return list(User.objects.filter(role_grants__role=Role.DC_ADMIN, is_active=True).distinct().order_by("id"))




UNIT_FIELDS = ["short_name", "full_name", "kind", "parent", "aliases", "credit_code", "sort_order", "is_active"]


@transaction.atomic
def update_unit(actor: User, unit: Unit, **changes: object) -> Unit:
    """Edit a unit's names, place in the tree, code or status; the tree may not become a cycle."""
    _require_admin(actor)
    before = audit.snapshot(unit, UNIT_FIELDS)
    for key, value in changes.items():
        if key not in UNIT_FIELDS:
            raise DomainError(f"不能修改字段 {key}")
        setattr(unit, key, value)
    unit.short_name, unit.full_name = unit.short_name.strip(), unit.full_name.strip()
    unit.credit_code = unit.credit_code.strip().upper()
    unit.aliases = list(dict.fromkeys(a.strip() for a in unit.aliases if a.strip()))
    ancestor = unit.parent
    while ancestor is not None:
        if ancestor.pk == unit.pk:
            raise DomainError("上级单位不能是本单位或其下级单位", field="parent")
        ancestor = ancestor.parent
    for field_name in ("short_name", "full_name"):
        value = getattr(unit, field_name)
        if Unit.objects.exclude(pk=unit.pk).filter(**{field_name: value}).exists():
            raise DomainError(f"已存在名称为“{value}”的单位", field=field_name)
    _validate(unit)
    unit.save()
    after = audit.snapshot(unit, UNIT_FIELDS)
    if after != before:
        audit.record(actor, "core.unit.update", "修改单位", unit, unit=unit, before=before, after=after)
    return unit


@transaction.atomic
def update_person(actor: User, person: User, *, display_name: str, unit: Unit | None, roles: Iterable[str],
                  phone: str = "", is_active: bool = True) -> User:
    """Edit a person's unit, roles and status. An admin cannot lock themselves out."""
    _require_admin(actor)
    roles = sorted({Role(r).value for r in roles})
    if person.pk == actor.pk and (not is_active or Role.DC_ADMIN not in roles) and not actor.is_superuser:
        raise DomainError("不能停用自己或取消自己的管理员角色")
    before = {"display_name": person.display_name, "unit": str(person.unit) if person.unit else None,
              "roles": sorted(person.role_codes), "phone": person.phone, "is_active": person.is_active}
    person.display_name, person.unit, person.phone, person.is_active = display_name.strip(), unit, phone, is_active
    person.save()
    UserRole.objects.filter(user=person).exclude(role__in=roles).delete()
    for role in roles:
        UserRole.objects.get_or_create(user=person, role=role)
    person.__dict__.pop("_role_codes", None)
    after = {"display_name": person.display_name, "unit": str(unit) if unit else None, "roles": roles,
             "phone": phone, "is_active": is_active}
    if after != before:
        audit.record(actor, "core.person.update", "修改人员", person, unit=unit, before=before, after=after)
    return person


@transaction.atomic
def reset_password(actor: User, person: User, password: str) -> None:
    _require_admin(actor)
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, person)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password") from None
    person.set_password(password)
    person.save(update_fields=["password"])
    audit.record(actor, "core.person.reset_password", "重置密码", person, unit=person.unit)
