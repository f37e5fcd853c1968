"""回头看 over JSON: attach data, read runs and findings, submit rectification (/api/v1/catalog/…).

Thin over ``catalog.lookback``, with the same rules as the pages: the provider unit and county-wide
roles read, the unit's keepers and the Big Data Center act, everyone else gets 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.files import UploadedFile

from catalog import access, lookback
from catalog.models import DataResource, Dataset, QualityFinding, QualityRun
from core.access import current_user
from core.models import User
from core.schemas import ErrorOut

router = Router(tags=["数据质量（回头看）"])
MAX_PAGE = 100


class DatasetOut(Schema):
    id: int
    kind: str
    source: str  # file name, or the connection URL without its password and the table
    timestamp_column: str
    attached_at: datetime


class RunOut(Schema):
    id: int
    resource_id: int
    dataset: DatasetOut
    state: str
    state_label: str
    requested_at: datetime
    finished_at: datetime | None
    row_count: int | None
    as_of: date | None
    seconds: float | None
    summary: str
    error: str
    warnings: list[str]
    recheck_of: int | None
    results: list[dict[str, Any]]


class FindingOut(Schema):
    id: int
    resource_id: int
    resource_name: str
    unit: str
    check_kind: str
    check_label: str
    column: str
    rule: str
    description: str
    failed: int
    rows_checked: int
    state: str
    state_label: str
    due: datetime
    overdue: bool
    rectification_note: str
    recheck_note: str
    run_id: int


class QualityOut(Schema):
    resource_id: int
    datasets: list[DatasetOut]
    runs: list[RunOut]
    findings: list[FindingOut]


class FindingPage(Schema):
    count: int
    results: list[FindingOut]


class FindingFilters(Schema):
    state: str = ""  # "" = unresolved (open or submitted); "all"; or one state
    overdue: bool = False
    unit_id: int | None = None
    offset: int = 0
    limit: int = 30


class DatabaseIn(Schema):
    db_url: str
    table: str
    timestamp_column: str = ""
    note: str = ""


def _dataset_out(dataset: Dataset) -> DatasetOut:
    return DatasetOut(id=dataset.pk, kind=dataset.kind, source=lookback.source_label(dataset),
                      timestamp_column=dataset.timestamp_column, attached_at=dataset.attached_at)


def _run_out(run: QualityRun) -> RunOut:
    return RunOut(id=run.pk, resource_id=run.resource_id, dataset=_dataset_out(run.dataset), state=run.state,
                  state_label=str(run.get_state_display()), requested_at=run.requested_at,
                  finished_at=run.finished_at, row_count=run.row_count, as_of=run.as_of, seconds=run.seconds,
                  summary=run.summary, error=run.error, warnings=list(run.warnings), recheck_of=run.recheck_of_id,
                  results=list(run.results))


def _finding_out(f: QualityFinding, now: datetime) -> FindingOut:
    return FindingOut(id=f.pk, resource_id=f.resource_id, resource_name=f.resource.name, unit=str(f.unit),
                      check_kind=f.check_kind, check_label=f.kind_label, column=f.column, rule=f.rule,
                      description=f.description, failed=f.failed, rows_checked=f.rows_checked, state=f.state,
                      state_label=str(f.get_state_display()), due=f.due,
                      overdue=f.state == QualityFinding.State.OPEN and f.due < now,
                      rectification_note=f.rectification_note, recheck_note=f.recheck_note, run_id=f.run_id)


def _resource(user: User, pk: int) -> DataResource:
    try:
        resource = access.get_resource_for_user(user, pk)
    except Http404 as exc:
        raise HttpError(404, "数据资源不存在") from exc
    if not lookback.can_view(user, resource):
        raise HttpError(404, "数据资源不存在")
    return resource


@router.get("/resources/{resource_id}/quality", response={200: QualityOut, 404: ErrorOut},
            summary="资源的挂接数据、检查记录和质量问题")
def resource_quality(request: HttpRequest, resource_id: int) -> QualityOut:
    resource = _resource(current_user(request), resource_id)
    now = timezone.now()
    return QualityOut(
        resource_id=resource.pk, datasets=[_dataset_out(d) for d in resource.datasets.all()],
        runs=[_run_out(r) for r in resource.quality_runs.select_related("dataset")[:20]],
        findings=[_finding_out(f, now) for f in resource.quality_findings.select_related("resource", "unit")])


ACT: dict[int, Any] = {201: RunOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


@router.post("/resources/{resource_id}/datasets/file", response=ACT, summary="上传数据文件并检查")
def attach_file(request: HttpRequest, resource_id: int, file: File[UploadedFile],
                timestamp_column: Form[str] = "", sheet: Form[str] = "", note: Form[str] = "") -> Status[RunOut]:
    user = current_user(request)
    resource = _resource(user, resource_id)
    dataset = lookback.attach_file(user, resource, file, timestamp_column=timestamp_column, sheet=sheet, note=note)
    return Status(201, _run_out(dataset.runs.get()))


@router.post("/resources/{resource_id}/datasets/database", response=ACT, summary="挂接数据库表并检查")
def attach_database(request: HttpRequest, resource_id: int, payload: DatabaseIn) -> Status[RunOut]:
    user = current_user(request)
    resource = _resource(user, resource_id)
    dataset = lookback.attach_database(user, resource, url=payload.db_url, table=payload.table,
                                       timestamp_column=payload.timestamp_column, note=payload.note)
    return Status(201, _run_out(dataset.runs.get()))


@router.post("/resources/{resource_id}/quality/rectify", response=ACT, summary="提交整改并复查")
def rectify(request: HttpRequest, resource_id: int, note: Form[str],
            file: UploadedFile | None = File(None)) -> Status[RunOut]:  # noqa: B008 (ninja's parameter marker)
    user = current_user(request)
    resource = _resource(user, resource_id)
    return Status(201, _run_out(lookback.submit_rectification(user, resource, note=note, upload=file)))


@router.get("/quality/runs/{run_id}", response={200: RunOut, 404: ErrorOut}, summary="一次检查的结果")
def get_run(request: HttpRequest, run_id: int) -> RunOut:
    user = current_user(request)
    run = QualityRun.objects.select_related("dataset").filter(pk=run_id).first()
    if run is None:
        raise HttpError(404, "检查记录不存在")
    _resource(user, run.resource_id)
    return _run_out(run)


@router.get("/quality/findings", response={200: FindingPage}, summary="质量问题清单")
def list_findings(request: HttpRequest, filters: Query[FindingFilters]) -> FindingPage:
    user = current_user(request)
    now = timezone.now()
    found = lookback.findings_for(user)
    if filters.state == "all":
        pass
    elif filters.state:
        if filters.state not in QualityFinding.State.values:
            raise HttpError(422, f"未知的状态：{filters.state}")
        found = found.filter(state=filters.state)
    else:
        found = found.filter(state__in=lookback.UNRESOLVED)
    if filters.overdue:
        found = found.filter(state=QualityFinding.State.OPEN, due__lt=now)
    if filters.unit_id is not None:
        found = found.filter(unit_id=filters.unit_id)
    limit = max(1, min(filters.limit, MAX_PAGE))
    offset = max(0, filters.offset)
    found = found.order_by("state", "due", "id")
    return FindingPage(count=found.count(),
                       results=[_finding_out(f, now) for f in found[offset:offset + limit]])
