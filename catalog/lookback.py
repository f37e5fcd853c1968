"""回头看: attach a resource's real data, check it against its 信息项, send findings to the provider.

Seed DG6 asks the county to check shared data for completeness, timeliness and accuracy and to have
providers put problems right. The flow (spec catalog.md §12):

    attach_file / attach_database      the provider (or the Big Data Center) attaches the data
      → request_run                    a QualityRun is queued; the worker runs ``execute``
      → execute                        checks derived from the 信息项 run on DuckDB (``catalog.quality``);
                                       every failed check becomes a QualityFinding for the provider
                                       unit with a deadline of ``rectify_days`` working days
      → submit_rectification           the provider says what it fixed (with corrected data for a
                                       file) and a re-check is queued
      → execute (the re-check)         findings whose check now passes are resolved; the others open
                                       again with the re-check's figures; the deadline does not move
    escalate_overdue_findings          daily: overdue findings go to the Big Data Center

Any later run over the resource's data re-checks its unresolved findings, so a scheduled or manual
re-run of a database table closes what the provider fixed at the source.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from catalog import quality
from catalog.models import CatalogSettings, DataResource, Dataset, QualityFinding, QualityRun
from catalog.quality.databases import display_url, resolve_public
from catalog.services import KEEPER_ROLES, can_keep
from core import audit
from core import services as core_services
from core.calendar import get_calendar
from core.errors import DomainError, InvalidTransition, NotAllowed
from core.models import User

log = logging.getLogger(__name__)

FILE_SUFFIXES = (".csv", ".xlsx", ".parquet")
DB_SCHEMES = ("postgres", "postgresql", "sqlite")
MAX_NOTE = 500
UNRESOLVED = (QualityFinding.State.OPEN, QualityFinding.State.SUBMITTED)


# ---- who may do what --------------------------------------------------------------------------


def can_view(user: User, resource: DataResource) -> bool:
    """The provider unit and county-wide roles see a resource's data checks (samples are masked)."""
    return user.is_county_wide or (user.unit_id is not None and user.unit_id == resource.unit_id)


def can_check(user: User, resource: DataResource) -> bool:
    """The unit's keepers and the Big Data Center attach data and run checks."""
    return can_keep(user, resource.unit)


def _require_check(user: User, resource: DataResource) -> None:
    if not can_check(user, resource):
        raise NotAllowed("只有提供单位的首席数据官、超级数据员或大数据中心管理员可以挂接数据和发起检查")


def findings_for(user: User) -> QuerySet[QualityFinding]:
    """Every finding the person may see: their unit's, or all for county-wide roles."""
    qs = QualityFinding.objects.select_related("resource", "unit", "run")
    if user.is_county_wide:
        return qs
    if user.unit_id is None:
        return qs.none()
    return qs.filter(unit_id=user.unit_id)


# ---- attaching data ---------------------------------------------------------------------------


def _clean_column(name: str) -> str:
    name = (name or "").strip()
    if len(name) > 80:
        raise DomainError("时间字段名称不能超过 80 字", field="timestamp_column")
    return name


@transaction.atomic
def attach_file(actor: User, resource: DataResource, upload: UploadedFile, *, timestamp_column: str = "",
                sheet: str = "", note: str = "", run: bool = True, recheck_of: QualityRun | None = None,
                ) -> Dataset:
    """Keep an uploaded CSV/xlsx/Parquet file as the resource's data; by default queue its checks."""
    _require_check(actor, resource)
    name = Path(upload.name or "").name
    suffix = Path(name).suffix.lower()
    if suffix in (".xls", ".et", ".wps"):
        raise DomainError(f"不支持 {suffix} 格式，请在表格软件中另存为 .xlsx 后上传", field="file")
    if suffix not in FILE_SUFFIXES:
        raise DomainError(f"不支持的文件类型「{suffix or name}」：请上传 CSV、xlsx 或 Parquet 文件", field="file")
    limit = django_settings.QUALITY_MAX_UPLOAD_BYTES
    if upload.size is None or upload.size > limit:
        raise DomainError(f"文件过大：不能超过 {limit // (1024 * 1024)} MB", field="file")
    if upload.size == 0:
        raise DomainError("文件是空的", field="file")
    if sheet and suffix != ".xlsx":
        raise DomainError("只有 xlsx 文件可以指定工作表", field="sheet")
    if run:
        plan_for(resource, None)  # refuse before storing anything when there is nothing to check
    dataset = Dataset(resource=resource, kind=Dataset.Kind.FILE, original_name=name[:200], size_bytes=upload.size,
                      sheet=sheet.strip()[:100], timestamp_column=_clean_column(timestamp_column),
                      note=note.strip()[:200], attached_by=actor)
    dataset.file.save(name, upload, save=False)
    try:
        dataset.save()
        audit.record(actor, "catalog.dataset.attach", "挂接数据文件", resource, unit=resource.unit,
                     after={"dataset": dataset.pk, "file": name, "bytes": upload.size})
        if run:
            request_run(actor, dataset, recheck_of=recheck_of)
    except BaseException:
        dataset.file.delete(save=False)  # the row rolls back; the stored file must not stay behind
        raise
    return dataset


def check_database_url(url: str) -> str:
    """A connection URL the platform may use; the reason in Chinese when it may not."""
    url = (url or "").strip()
    if not url:
        raise DomainError("请填写数据库连接地址", field="db_url")
    if len(url) > 500:
        raise DomainError("连接地址不能超过 500 个字符", field="db_url")
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in DB_SCHEMES:
        raise DomainError("连接地址应以 postgres:// 或 sqlite:/// 开头", field="db_url")
    if scheme in ("postgres", "postgresql"):
        try:
            parts = urlsplit(url)
            port = parts.port or 5432
        except ValueError:
            raise DomainError("连接地址中的端口无效", field="db_url") from None
        if not parts.hostname:
            raise DomainError("连接地址缺少主机名", field="db_url")
        try:
            resolve_public(parts.hostname, port, allow_private=django_settings.QUALITY_ALLOW_PRIVATE_DB,
                           timeout=5.0)
        except quality.QualityError as exc:
            raise DomainError(str(exc), field="db_url") from exc
    return url


@transaction.atomic
def attach_database(actor: User, resource: DataResource, *, url: str, table: str, timestamp_column: str = "",
                    note: str = "", run: bool = True) -> Dataset:
    """Point the resource at a table behind a connection URL (its 前置库 or source database)."""
    _require_check(actor, resource)
    url = check_database_url(url)
    table = (table or "").strip()
    if not table:
        raise DomainError("请填写表名", field="table")
    if not 1 <= len(table.split(".")) <= 2 or any(not p.strip() or '"' in p for p in table.split(".")):
        raise DomainError(f"表名「{table[:40]}」无效：应为「表名」或「模式名.表名」", field="table")
    dataset = Dataset.objects.create(resource=resource, kind=Dataset.Kind.DATABASE, db_url=url, table=table[:128],
                                     timestamp_column=_clean_column(timestamp_column), note=note.strip()[:200],
                                     attached_by=actor)
    audit.record(actor, "catalog.dataset.attach", "挂接数据库表", resource, unit=resource.unit,
                 after={"dataset": dataset.pk, "url": safe_url(url), "table": table})
    if run:
        request_run(actor, dataset)
    return dataset


def safe_url(url: str) -> str:
    """The connection URL without its password, for pages, audit and messages."""
    try:
        return display_url(urlsplit(url))
    except ValueError:
        return "（地址无效）"


def source_label(dataset: Dataset) -> str:
    if dataset.kind == Dataset.Kind.FILE:
        return dataset.original_name
    return f"{safe_url(dataset.db_url)} · {dataset.table}"


# ---- running the checks -----------------------------------------------------------------------


def plan_for(resource: DataResource, dataset: Dataset | None, *, as_of: date | None = None) -> quality.QualityPlan:
    """The checks a resource's 信息项 imply (spec §12): 必填 → completeness, 唯一 → uniqueness,
    type and length → conformity, 取值校验 → validity; a time column → timeliness for 更新周期."""
    items = list(resource.items.all())
    if not items:
        raise DomainError("该资源还没有信息项，无法生成检查规则：请先在资源中填写信息项")
    columns = tuple(
        quality.ColumnSpec(item.name, data_type=quality.DataType(item.data_type), length=item.length,
                           required=item.required, unique=item.unique, rule=quality.rule_for(item.validity),
                           sensitive=item.is_sensitive)
        for item in items)
    timeliness = None
    if dataset is not None and dataset.timestamp_column:
        timeliness = quality.TimelinessSpec(dataset.timestamp_column, quality.UpdatePeriod(resource.update_cycle),
                                            grace_days=CatalogSettings.current().stale_grace_days)
    return quality.QualityPlan(columns=columns, timeliness=timeliness, as_of=as_of)


def limits() -> quality.Limits:
    timeout = float(django_settings.QUALITY_TIMEOUT_S)
    return quality.Limits(max_file_bytes=django_settings.QUALITY_MAX_UPLOAD_BYTES,
                          max_rows=django_settings.QUALITY_MAX_ROWS, load_timeout_s=timeout,
                          check_timeout_s=timeout, memory_limit=django_settings.QUALITY_MEMORY_LIMIT)


def _source(dataset: Dataset) -> quality.FileSource | quality.DatabaseSource:
    if dataset.kind == Dataset.Kind.DATABASE:
        return quality.DatabaseSource(dataset.db_url, dataset.table)
    return quality.FileSource(Path(dataset.file.path), filename=dataset.original_name, sheet=dataset.sheet or None)


@transaction.atomic
def request_run(actor: User | None, dataset: Dataset, *, recheck_of: QualityRun | None = None) -> QualityRun:
    """Queue the checks of ``dataset``; the worker runs them (``catalog.tasks.run_quality_check``)."""
    resource = dataset.resource
    if actor is not None:
        _require_check(actor, resource)
    plan_for(resource, dataset)  # refuse at once when the resource has nothing to check
    if QualityRun.objects.filter(dataset=dataset, state__in=[QualityRun.State.QUEUED,
                                                             QualityRun.State.RUNNING]).exists():
        raise InvalidTransition("该数据的检查正在进行中，请稍后查看结果")
    run = QualityRun.objects.create(resource=resource, dataset=dataset, requested_by=actor, recheck_of=recheck_of)
    audit.record(actor, "catalog.quality.request", "发起质量检查", resource, unit=resource.unit,
                 after={"run": run.pk, "source": source_label(dataset)})
    from catalog.tasks import run_quality_check

    transaction.on_commit(lambda: run_quality_check.enqueue(run.pk))
    return run


def rerun(actor: User, dataset: Dataset) -> QualityRun:
    """Check the same data again: a live table after a fix at the source, or after 信息项 changed."""
    return request_run(actor, dataset, recheck_of=dataset.resource.quality_runs.filter(
        state=QualityRun.State.DONE).first())


def execute(run_id: int, *, now: datetime | None = None) -> QualityRun:
    """Run one queued check (the worker's job). Idempotent: a finished run is left as it is."""
    with transaction.atomic():
        # of=("self",): PostgreSQL cannot lock the nullable side of the outer join to requested_by.
        run = (QualityRun.objects.select_for_update(of=("self",))
               .select_related("dataset", "resource__unit", "requested_by").get(pk=run_id))
        if run.state != QualityRun.State.QUEUED:
            return run
        run.state = QualityRun.State.RUNNING
        run.save(update_fields=["state"])
    now = now or timezone.now()
    try:
        plan = plan_for(run.resource, run.dataset, as_of=timezone.localdate(now))
        report = quality.run(_source(run.dataset), plan, limits=limits(),
                             allow_private=django_settings.QUALITY_ALLOW_PRIVATE_DB,
                             sqlite_dirs=django_settings.QUALITY_SQLITE_DIRS)
    except (quality.QualityError, DomainError) as exc:
        return _fail(run, str(exc), now)
    except Exception:  # the run must not stay 检查中 forever; the trace goes to the log
        log.exception("quality run %s failed", run_id)
        _fail(run, "检查程序出错，请联系大数据中心管理员查看日志", now)
        raise
    return _record(run, report, now)


def _fail(run: QualityRun, message: str, now: datetime) -> QualityRun:
    with transaction.atomic():
        run.state = QualityRun.State.FAILED
        run.error = message[:500]
        run.finished_at = now
        run.save(update_fields=["state", "error", "finished_at"])
        audit.record(None, "catalog.quality.fail", "质量检查失败", run.resource, unit=run.resource.unit,
                     after={"run": run.pk, "error": run.error})
        if run.requested_by is not None:
            core_services.notify(run.requested_by, kind="catalog.quality", title=f"质量检查未能完成：{run.resource.name}",
                                 body=run.error, link=_run_link(run), dedupe_key=f"quality-run:{run.pk}")
    return run


def _key(result: quality.CheckResult) -> str:
    return "|".join(result.key)


def _run_link(run: QualityRun) -> str:
    return reverse("catalog:quality_run", args=[run.pk])


@dataclass
class Outcome:
    new: int = 0
    resolved: int = 0
    reopened: int = 0


@transaction.atomic
def _record(run: QualityRun, report: quality.QualityReport, now: datetime) -> QualityRun:
    resource = run.resource
    run.state = QualityRun.State.DONE
    run.finished_at = now
    run.row_count = report.rows
    run.as_of = report.as_of
    run.seconds = round(report.seconds, 3)
    run.summary = report.summary()[:300]
    run.results = report.to_json()
    run.warnings = list(report.warnings)
    run.save()

    outcome = Outcome()
    by_key = {_key(r): r for r in report.results}
    open_keys = set()
    for finding in QualityFinding.objects.select_for_update().filter(resource=resource, state__in=UNRESOLVED):
        open_keys.add(finding.check_key)
        result = by_key.get(finding.check_key)
        if result is None:
            finding.recheck_note = f"{timezone.localdate(now):%Y-%m-%d} 复查时未再检查该项"
        elif result.passed:
            finding.state = QualityFinding.State.RESOLVED
            finding.resolved_at = now
            finding.resolved_by_run = run
            finding.recheck_note = f"{timezone.localdate(now):%Y-%m-%d} 复查通过"
            outcome.resolved += 1
        else:
            if finding.state == QualityFinding.State.SUBMITTED:
                outcome.reopened += 1
            finding.state = QualityFinding.State.OPEN
            finding.failed, finding.rows_checked = result.failed, result.rows_checked
            finding.description = result.description[:300]
            finding.recheck_note = f"{timezone.localdate(now):%Y-%m-%d} 复查未通过：{result.description}"[:300]
        finding.save()

    due = get_calendar().add_workdays(now, CatalogSettings.current().rectify_days).at
    for result in report.findings:
        if _key(result) in open_keys:
            continue
        QualityFinding.objects.create(
            run=run, resource=resource, unit=resource.unit, check_kind=result.kind.value,
            column=(result.column or "")[:80], rule=result.rule[:120], check_key=_key(result)[:300],
            description=result.description[:300], failed=result.failed, rows_checked=result.rows_checked, due=due)
        outcome.new += 1

    audit.record(None, "catalog.quality.done", "完成质量检查", resource, unit=resource.unit,
                 after={"run": run.pk, "rows": report.rows, "failed_checks": len(report.findings),
                        "new": outcome.new, "resolved": outcome.resolved, "reopened": outcome.reopened})
    _tell(run, outcome)
    return run


def _tell(run: QualityRun, outcome: Outcome) -> None:
    resource, link = run.resource, _run_link(run)
    if outcome.new or outcome.reopened:
        parts = [f"新发现 {outcome.new} 项问题"] if outcome.new else []
        if outcome.reopened:
            parts.append(f"{outcome.reopened} 项复查未通过")
        for person in core_services.people_of_units([resource.unit], roles=KEEPER_ROLES):
            core_services.notify(person, kind="catalog.quality", title=f"数据质量问题待整改：{resource.name}",
                                 body="，".join(parts) + "。请在整改期限内整改并提交复查。", link=link,
                                 dedupe_key=f"quality-findings:{run.pk}")
    if run.requested_by is not None:
        core_services.notify(run.requested_by, kind="catalog.quality", title=f"质量检查完成：{resource.name}",
                             body=run.summary, link=link, dedupe_key=f"quality-run:{run.pk}")


# ---- rectification ----------------------------------------------------------------------------


@transaction.atomic
def submit_rectification(actor: User, resource: DataResource, *, note: str, upload: UploadedFile | None = None,
                         timestamp_column: str | None = None, sheet: str = "",
                         now: datetime | None = None) -> QualityRun:
    """The provider reports what it fixed; the resource's open findings await the queued re-check.

    Corrected data comes as a new file for an uploaded dataset; a database table is read again as it is.
    """
    _require_check(actor, resource)
    note = (note or "").strip()
    if not note:
        raise DomainError("请填写整改说明", field="note")
    if len(note) > MAX_NOTE:
        raise DomainError(f"整改说明不能超过 {MAX_NOTE} 字", field="note")
    findings = list(QualityFinding.objects.select_for_update().filter(resource=resource,
                                                                      state=QualityFinding.State.OPEN))
    if not findings:
        raise InvalidTransition("该资源没有待整改的质量问题")
    now = now or timezone.now()
    latest = resource.quality_runs.filter(state=QualityRun.State.DONE).select_related("dataset").first()
    if upload is not None:
        previous = latest.dataset if latest else None
        column = timestamp_column if timestamp_column is not None else (previous.timestamp_column if previous else "")
        dataset = attach_file(actor, resource, upload, timestamp_column=column, sheet=sheet,
                              note="整改后数据", run=False)
    elif latest is not None and latest.dataset.kind == Dataset.Kind.DATABASE:
        dataset = latest.dataset
    else:
        raise DomainError("请上传整改后的数据文件", field="file")
    for finding in findings:
        finding.state = QualityFinding.State.SUBMITTED
        finding.rectification_note = note
        finding.submitted_at = now
        finding.submitted_by = actor
        finding.save(update_fields=["state", "rectification_note", "submitted_at", "submitted_by"])
    audit.record(actor, "catalog.quality.rectify", "提交整改", resource, unit=resource.unit,
                 after={"findings": [f.pk for f in findings], "note": note})
    return request_run(actor, dataset, recheck_of=latest)


@transaction.atomic
def dismiss_finding(actor: User, finding: QualityFinding, *, reason: str, now: datetime | None = None
                    ) -> QualityFinding:
    """The Big Data Center closes a finding that is not a data problem (a wrong rule, an agreed exception)."""
    if not actor.is_dc_admin:
        raise NotAllowed("只有大数据中心管理员可以核销质量问题")
    reason = (reason or "").strip()
    if not reason:
        raise DomainError("请填写核销理由", field="reason")
    if finding.state == QualityFinding.State.RESOLVED:
        raise InvalidTransition("该问题已解决")
    before = audit.snapshot(finding, ["state", "recheck_note"])
    finding.state = QualityFinding.State.RESOLVED
    finding.resolved_at = now or timezone.now()
    finding.recheck_note = f"大数据中心核销：{reason}"[:300]
    finding.save(update_fields=["state", "resolved_at", "recheck_note"])
    audit.record(actor, "catalog.quality.dismiss", "核销质量问题", finding.resource, unit=finding.unit,
                 before=before, after=audit.snapshot(finding, ["state", "recheck_note"]))
    return finding


def overdue_findings(now: datetime | None = None) -> QuerySet[QualityFinding]:
    return QualityFinding.objects.filter(state=QualityFinding.State.OPEN, due__lt=now or timezone.now())


def escalate_overdue_findings(now: datetime | None = None) -> int:
    """Daily: findings past their deadline go to the Big Data Center and back to the provider. Idempotent."""
    now = now or timezone.now()
    count = 0
    for finding in overdue_findings(now).filter(escalated_at__isnull=True).select_related("resource", "unit"):
        with transaction.atomic():
            finding.escalated_at = now
            finding.save(update_fields=["escalated_at"])
            audit.record(None, "catalog.quality.escalate", "质量问题逾期督办", finding.resource, unit=finding.unit,
                         after={"finding": finding.pk, "due": finding.due.isoformat()})
        link = reverse("catalog:resource_quality", args=[finding.resource_id])
        for person in core_services.admins() + core_services.people_of_units([finding.unit], roles=KEEPER_ROLES):
            core_services.notify(person, kind="catalog.escalation",
                                 title=f"数据质量问题逾期未整改：{finding.unit}「{finding.resource.name}」",
                                 body=finding.description, link=link, dedupe_key=f"quality-late:{finding.pk}")
        count += 1
    return count


def recheck_tables(now: datetime | None = None, *, every_days: int | None = None, limit: int = 200) -> int:
    """Daily: queue a re-check of each attached database table not checked for ``every_days`` days.

    The seed's 定期回头看: a table behind a resource is read again as it is now, so fixes at the source
    close findings and new problems surface without anyone asking. Files are not re-read (they do not
    change). At most ``limit`` runs a day, oldest first, so one day's queue stays bounded.
    """
    now = now or timezone.now()
    every_days = every_days if every_days is not None else django_settings.QUALITY_RECHECK_DAYS
    cutoff = now - timedelta(days=every_days)
    busy = QualityRun.objects.filter(state__in=[QualityRun.State.QUEUED, QualityRun.State.RUNNING])
    candidates = (Dataset.objects.filter(kind=Dataset.Kind.DATABASE).exclude(runs__in=busy)
                  .exclude(runs__requested_at__gte=cutoff).select_related("resource").order_by("attached_at"))
    queued = 0
    for dataset in candidates.iterator():
        if queued >= limit:
            break
        latest = dataset.resource.datasets.order_by("-attached_at", "-id").first()
        if latest is None or latest.pk != dataset.pk:
            continue  # a newer dataset replaced this one
        try:
            request_run(None, dataset, recheck_of=dataset.runs.filter(state=QualityRun.State.DONE).first())
        except DomainError:
            continue  # e.g. the resource lost its 信息项: nothing to check
        queued += 1
    return queued

