"""The proofreader's editable, versioned dictionaries: rows in the database, compiled once per version.

Admins edit 规范表述, 领导姓名职务, 过时表述 and 敏感词 in the UI; every change is one service call that
validates the row (a bad pattern is a Chinese error on its field), bumps ``DictionaryVersion`` and is
audited. Checkers ask ``compiled()`` for the current version: each process compiles the automata once
per version (``text.proofread`` caches by content digest) and reads only the version number per call.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from content.models import DictionaryEntry, DictionaryVersion
from core import audit
from core.errors import DomainError, NotAllowed
from core.models import User
from text.proofread import dictionaries as d

Family = DictionaryEntry.Family
EDITABLE = ["family", "term", "replacement", "variants", "contexts", "pattern", "near", "ordered", "certain",
            "level", "holder_unit", "since", "note", "is_active"]


def to_record(e: DictionaryEntry) -> Any:
    """The framework-free dictionary record of one row (raises DictionaryError/ValueError when invalid)."""
    if e.family == Family.FORMULATION:
        return d.Formulation(canonical=e.term, wrong_forms=e.lines("variants"), note=e.note, pattern=e.pattern,
                             near=e.near, ordered=e.ordered)
    if e.family == Family.OFFICE_HOLDER:
        return d.OfficeHolder(name=e.term, title=e.replacement, unit=e.holder_unit,
                              wrong_names=e.lines("variants"), note=e.note)
    if e.family == Family.OUTDATED:
        return d.Outdated(old=e.term, new=e.replacement, since=e.since, note=e.note, certain=e.certain,
                          allowed_contexts=e.lines("contexts"))
    return d.SensitiveTerm(term=e.term, level=e.level, note=e.note, replacement=e.replacement,
                           allowed_contexts=e.lines("contexts"))


def build(entries: Iterable[DictionaryEntry], version: str = "") -> d.Dictionaries:
    groups: dict[str, list[Any]] = {f.value: [] for f in Family}
    for e in entries:
        groups[e.family].append(to_record(e))
    return d.Dictionaries(formulations=tuple(groups[Family.FORMULATION]),
                          office_holders=tuple(groups[Family.OFFICE_HOLDER]),
                          outdated=tuple(groups[Family.OUTDATED]), sensitive=tuple(groups[Family.SENSITIVE]),
                          version=version)


def version() -> int:
    return DictionaryVersion.objects.aggregate(n=Max("number"))["n"] or 0


_cache: dict[str, Any] = {}
_lock = threading.Lock()


def compiled() -> tuple[int, d.CompiledDictionaries]:
    """The current dictionaries, compiled; recompiled only when the version changed."""
    number = version()
    with _lock:
        if _cache.get("number") == number and "compiled" in _cache:
            return number, _cache["compiled"]
    dictionaries = build(DictionaryEntry.objects.filter(is_active=True).order_by("id"), version=str(number))
    result = dictionaries.compile()
    with _lock:
        _cache.update(number=number, compiled=result)
    return number, result


def _bump(actor: User | None, summary: str) -> DictionaryVersion:
    return DictionaryVersion.objects.create(number=version() + 1, changed_by=actor, summary=summary[:300],
                                            changed_at=timezone.now())


def _require_admin(actor: User) -> None:
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以维护校对词典")


def _validate(entry: DictionaryEntry) -> None:
    if not entry.term.strip():
        raise DomainError("请填写词条", field="term")
    if entry.family in (Family.OFFICE_HOLDER, Family.OUTDATED) and not entry.replacement.strip():
        raise DomainError("领导须填写职务，过时表述须填写现称", field="replacement")
    try:
        build([entry]).compile()
    except d.DictionaryError as exc:
        field = "pattern" if entry.pattern else "term"
        raise DomainError(str(exc), field=field) from exc
    except ValueError as exc:
        raise DomainError(f"词条有误：{exc}", field="term") from exc


@transaction.atomic
def save_entry(actor: User, entry: DictionaryEntry, **fields: Any) -> DictionaryEntry:
    """Create (``entry.pk is None``) or change one row; bumps the dictionary version."""
    _require_admin(actor)
    before = audit.snapshot(entry, EDITABLE) if entry.pk else None
    for name, value in fields.items():
        if name not in EDITABLE:
            raise ValueError(name)
        setattr(entry, name, value.strip() if isinstance(value, str) else value)
    _validate(entry)
    entry.updated_at = timezone.now()
    entry.updated_by = actor
    entry.save()
    label = "修改校对词条" if before else "新增校对词条"
    v = _bump(actor, f"{label}：{entry.get_family_display()}「{entry.term}」")
    audit.record(actor, "content.dictionary.save", label, entry, before=before,
                 after={**audit.snapshot(entry, EDITABLE), "version": v.number})
    return entry


@transaction.atomic
def delete_entry(actor: User, entry: DictionaryEntry) -> None:
    _require_admin(actor)
    before = audit.snapshot(entry, EDITABLE)
    v = _bump(actor, f"删除校对词条：{entry.get_family_display()}「{entry.term}」")
    audit.record(actor, "content.dictionary.delete", "删除校对词条", entry, before=before,
                 after={"version": v.number})
    entry.delete()


def seed_rows() -> list[DictionaryEntry]:
    """The shipped seed (``text/proofread/data/*_seed.tsv``) as unsaved rows."""
    seed = d.Dictionaries.seed()
    rows = [DictionaryEntry(family=Family.FORMULATION, term=f.canonical, variants="\n".join(f.wrong_forms),
                            note=f.note, pattern=f.pattern, near=f.near, ordered=f.ordered)
            for f in seed.formulations]
    rows += [DictionaryEntry(family=Family.OFFICE_HOLDER, term=h.name, replacement=h.title, holder_unit=h.unit,
                             variants="\n".join(h.wrong_names), note=h.note) for h in seed.office_holders]
    rows += [DictionaryEntry(family=Family.OUTDATED, term=o.old, replacement=o.new, since=o.since, note=o.note,
                             certain=o.certain, contexts="\n".join(o.allowed_contexts)) for o in seed.outdated]
    rows += [DictionaryEntry(family=Family.SENSITIVE, term=t.term, level=t.level, note=t.note,
                             replacement=t.replacement, contexts="\n".join(t.allowed_contexts))
             for t in seed.sensitive]
    return rows


def load_seed(actor: User | None = None) -> int:
    """Fill empty dictionaries from the shipped seed (migrate and load_demo call it); idempotent."""
    if DictionaryEntry.objects.exists():
        return 0
    rows = DictionaryEntry.objects.bulk_create(seed_rows())
    _bump(actor, f"载入预置词典 {len(rows)} 条")
    return len(rows)
