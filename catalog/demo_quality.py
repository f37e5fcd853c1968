"""The demo county's 回头看: a 前置库 with tables behind most shared resources, checks, findings.

The Big Data Center attaches the county exchange database (a SQLite file in the first of
``QUALITY_SQLITE_DIRS``, as a county's 前置库 export would be) to four in five shareable published
resources, and a few departments upload CSV extracts themselves. About a third of the tables carry
planted problems (missing required values, wrong check digits, duplicate keys, stale loads). A
sample of the resources is checked for real through ``catalog.lookback``, on dates spread over the
last weeks, so the demo shows open findings, overdue ones escalated to the Big Data Center, and
rectified ones closed by a re-check.
"""

from __future__ import annotations

import csv
import io
import random
import sqlite3
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from catalog import lookback
from catalog.demo import Actors
from catalog.models import DataItem, DataResource, Dataset, Lifecycle, QualityFinding, QualityRun, SharingType
from core.codes import credit_code_check_char
from core.identifiers import org_code_check_char, resident_id_check_char
from core.models import Role, Unit, User
from indicators.models import Indicator, Measurement

MOUNT_SHARE = 0.8  # of shareable published resources
CHECKED = 36  # resources checked for real during load_demo
UPLOADED = 8  # of which the provider uploaded a CSV extract instead of the 前置库 table
LOAD_COLUMN = "入库时间"  # the 前置库's load timestamp, used for the timeliness check
COUNTY_REGION = "321324"  # 泗洪县
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡"
GIVEN = ["伟", "芳", "娜", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰", "娟", "涛", "明", "超", "兰", "霞", "平"]
PLACES = ["青阳街道", "大楼街道", "双沟镇", "上塘镇", "魏营镇", "城头乡", "四河乡", "峰山乡", "天岗湖乡", "车门乡"]
CYCLE_DAYS = {"realtime": 1, "daily": 1, "weekly": 7, "monthly": 30, "quarterly": 91, "half_yearly": 182,
              "yearly": 365, "irregular": 365}


def exchange_path() -> Path:
    return Path(settings.QUALITY_SQLITE_DIRS[0]) / "demo_exchange.sqlite3"


class Rows:
    """Values that look like the county's data and pass the checks the 信息项 imply."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.today = today

    def person(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choices(GIVEN, k=self.rng.choice((1, 2))))

    def resident_id(self, serial: int) -> str:
        born = date(1950, 1, 1) + timedelta(days=self.rng.randrange(365 * 55))
        first17 = f"{COUNTY_REGION}{born:%Y%m%d}{serial % 1000:03d}"
        return first17 + resident_id_check_char(first17)

    def credit_code(self) -> str:
        body = "".join(self.rng.choices("0123456789ABCDEFGHJKLMNPQRTUWXY", k=8))
        org = body + org_code_check_char(body)
        first17 = f"91{COUNTY_REGION}{org}"
        return first17 + credit_code_check_char(first17)

    def value(self, item: DataItem, serial: int) -> str:
        rng, name = self.rng, item.name
        if item.validity == "resident_id":
            return self.resident_id(serial)
        if item.validity == "credit_code":
            return self.credit_code()
        if item.validity == "region_code":
            return COUNTY_REGION
        if item.validity == "mobile":
            return "1" + rng.choice("3578") + "".join(rng.choices("0123456789", k=9))
        kind = item.data_type
        if kind == "D":
            return (self.today - timedelta(days=rng.randrange(2000))).isoformat()
        if kind == "T":
            moment = datetime.combine(self.today, datetime.min.time()) - timedelta(minutes=rng.randrange(10**6))
            return f"{moment:%Y-%m-%d %H:%M:%S}"
        if kind == "L":
            return rng.choice(("是", "否"))
        if kind == "I":
            return str(rng.randrange(1, 500))
        if kind in ("N", "Y", "B", "F"):
            return f"{rng.uniform(1, 10000):.2f}"
        if "姓名" in name or name.endswith(("联系人", "负责人", "法定代表人")):
            text = self.person()
        elif name.endswith(("地址", "住址", "坐落", "地点", "位置")):
            text = f"泗洪县{rng.choice(PLACES)}{rng.randrange(1, 300)}号"
        elif name == "性别":
            text = rng.choice(("男", "女"))
        elif item.unique or name.endswith(("编号", "代码", "号码", "证号", "文号", "编码", "单元号", "号")):
            text = f"SH{serial:08d}"
        else:
            text = f"{name}{rng.randrange(1, 99)}"
        return text[: item.length] if item.length else text


def _table_name(resource: DataResource) -> str:
    return "t_" + resource.code.replace("/", "_").replace("-", "_")


def _load_times(resource: DataResource, n: int, today: date, stale: bool, rng: random.Random) -> list[str]:
    span = CYCLE_DAYS.get(resource.update_cycle, 30)
    newest = today - timedelta(days=(span * 3 + 4 if stale else 1 + rng.randrange(0, max(1, span // 2))))
    return [f"{newest - timedelta(days=rng.randrange(span * 2)):%Y-%m-%d} 02:00:00" if i else f"{newest:%Y-%m-%d} 02:00:00"
            for i in range(n)]


def _rows(resource: DataResource, items: list[DataItem], dirty: bool, rows: Rows, rng: random.Random,
          today: date) -> list[list[str | None]]:
    n = rng.randrange(60, 400)
    stale = dirty and rng.random() < 0.3
    times = _load_times(resource, n, today, stale, rng)
    data: list[list[str | None]] = [[*(rows.value(item, i) for item in items), times[i]] for i in range(n)]
    if not dirty:
        return data
    planted = 0
    for col, item in enumerate(items):
        if item.required and rng.random() < 0.6:
            for i in rng.sample(range(n), k=max(1, n // 120)):
                data[i][col] = None
            planted += 1
        if item.validity in ("resident_id", "credit_code", "mobile") and rng.random() < 0.8:
            for i in rng.sample(range(n), k=max(1, n // 80)):
                value = data[i][col] or ""
                data[i][col] = value[:-1] + ("X" if item.validity == "credit_code" and value[-1] != "X" else
                                             str((int(value[-1]) + 1) % 10) if value[-1].isdigit() else "0")
            planted += 1
        if item.unique and n > 10 and rng.random() < 0.7:
            data[3][col] = data[7][col]
            planted += 1
    if not planted and not stale:  # something must be wrong with a dirty table
        data[0][0] = None if items[0].required else "?" * ((items[0].length or 10) + 5)
    return data


def _write_table(con: sqlite3.Connection, table: str, items: list[DataItem], data: list[list[str | None]]) -> None:
    columns = [item.name for item in items] + [LOAD_COLUMN]
    quoted = ", ".join('"' + c.replace('"', '""') + '" TEXT' for c in columns)
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    con.execute(f'CREATE TABLE "{table}" ({quoted})')
    con.executemany(f'INSERT INTO "{table}" VALUES ({", ".join("?" * len(columns))})', data)


def _csv(items: list[DataItem], data: list[list[str | None]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([item.name for item in items] + [LOAD_COLUMN])
    writer.writerows([["" if v is None else v for v in row] for row in data])
    return out.getvalue().encode("utf-8")


def load() -> str:
    if Dataset.objects.exists():
        return f"已有挂接数据 {Dataset.objects.count()} 份，跳过"
    admin = User.objects.filter(role_grants__role=Role.DC_ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        return "缺少管理员，跳过"
    rng = random.Random(2306)
    now = timezone.now()
    today = timezone.localdate(now)
    shareable = list(DataResource.objects.filter(status=Lifecycle.PUBLISHED, is_classified=False)
                     .exclude(sharing_type=SharingType.NONE).select_related("unit")
                     .prefetch_related("items").order_by("code"))
    if not shareable:
        return "没有已发布的可共享资源，跳过"
    mounted = sorted(rng.sample(shareable, k=round(len(shareable) * MOUNT_SHARE)), key=lambda r: r.code)
    checked = rng.sample(mounted, k=min(CHECKED, len(mounted)))
    dirty = {r.pk for r in rng.sample(checked, k=len(checked) // 2)}
    uploaded = {r.pk for r in rng.sample(checked, k=min(UPLOADED, len(checked)))}
    actors = Actors.of(list(Unit.objects.filter(pk__in={r.unit_id for r in mounted})), admin)
    rows = Rows(rng, today)
    # Each checked resource is checked on a day of its own in the last weeks; its data is as of then.
    run_at = {r.pk: now - timedelta(days=rng.randrange(2, 40), hours=rng.randrange(0, 6)) for r in checked}
    path = exchange_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    tables: dict[int, list[list[str | None]]] = {}
    with sqlite3.connect(path) as con:
        for resource in mounted:
            items = list(resource.items.all())
            if not items:
                continue
            as_of = timezone.localdate(run_at[resource.pk]) if resource.pk in run_at else today
            data = _rows(resource, items, resource.pk in dirty, rows, rng, as_of)
            tables[resource.pk] = data
            if resource.pk not in uploaded:
                _write_table(con, _table_name(resource), items, data)
    attached_at = now - timedelta(days=45)
    for resource in mounted:
        if resource.pk in tables and resource.pk not in uploaded:
            Dataset.objects.create(resource=resource, kind=Dataset.Kind.DATABASE, db_url=f"sqlite:///{path}",
                                   table=_table_name(resource), timestamp_column=LOAD_COLUMN,
                                   note="县数据共享交换平台前置库", attached_by=admin, attached_at=attached_at)
    findings_before = 0
    for n, resource in enumerate(sorted(checked, key=lambda r: r.code)):
        if resource.pk not in tables:
            continue
        at = run_at[resource.pk]
        keeper = actors.keeper(resource.unit)
        if resource.pk in uploaded:
            items = list(resource.items.all())
            upload = SimpleUploadedFile(f"{resource.name}.csv", _csv(items, tables[resource.pk]))
            dataset = lookback.attach_file(keeper, resource, upload, timestamp_column=LOAD_COLUMN,
                                           note="单位自行上传的抽取数据", run=False)
            Dataset.objects.filter(pk=dataset.pk).update(attached_at=at)
        else:
            dataset = resource.datasets.get()
        run = QualityRun.objects.create(resource=resource, dataset=dataset, requested_at=at)  # 定期回头看
        lookback.execute(run.pk, now=at)
        # Some providers put the data right and asked for a re-check a few days later.
        if resource.pk in dirty and resource.pk not in uploaded and n % 3 == 0:
            _rectify(resource, dataset, keeper, tables[resource.pk], path, at + timedelta(days=3))
        findings_before += 1
    lookback.escalate_overdue_findings(now)
    _snapshot_mount_rate(now)
    open_findings = QualityFinding.objects.filter(state__in=lookback.UNRESOLVED).count()
    return (f"挂接数据 {Dataset.objects.count()} 份（前置库 {path.name}），检查 {findings_before} 个资源，"
            f"质量问题待整改 {open_findings} 项、已解决 "
            f"{QualityFinding.objects.filter(state=QualityFinding.State.RESOLVED).count()} 项、已督办 "
            f"{QualityFinding.objects.filter(escalated_at__isnull=False).count()} 项")


def _rectify(resource: DataResource, dataset: Dataset, keeper: User, data: list[list[str | None]], path: Path,
             at: datetime) -> None:
    items = list(resource.items.all())
    rows = Rows(random.Random(resource.pk), timezone.localdate(at))
    clean: list[list[str | None]] = [[*(rows.value(item, i) for item in items), row[-1]] for i, row in enumerate(data)]
    span = CYCLE_DAYS.get(resource.update_cycle, 30)
    fresh = f"{timezone.localdate(at) - timedelta(days=min(span // 2, 1)):%Y-%m-%d} 02:00:00"
    clean[0][-1] = fresh
    with sqlite3.connect(path) as con:
        _write_table(con, dataset.table, items, clean)
    if not QualityFinding.objects.filter(resource=resource, state=QualityFinding.State.OPEN).exists():
        return
    run = lookback.submit_rectification(keeper, resource, note="已在源系统中补录缺失字段、更正证件号码并去除重复记录",
                                        now=at)
    QualityRun.objects.filter(pk=run.pk).update(requested_at=at)
    lookback.execute(run.pk, now=at)


def _snapshot_mount_rate(now: datetime) -> None:
    """The catalog loader stored today's indicators before any data was attached: correct 目录挂接率."""
    from indicators.computed import current

    value = current("catalog-mount-rate", now)
    if value is None:
        return
    indicator = Indicator.objects.filter(code="catalog-mount-rate").first()
    latest: Any = Measurement.objects.filter(indicator=indicator, measured_at__date=timezone.localdate(now)).first()
    if latest is not None:
        latest.value = value.value
        latest.note = f"{value.numerator} / {value.denominator}（自动计算）"
        latest.save(update_fields=["value", "note"])
