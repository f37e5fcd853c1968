"""Demo part of the catalog: the demo county's 四清单 built through the services, so it is audited.

`load()` only adds what is missing (resources and systems by unit and name, 事项 by code, people by
username; demands only into an empty 需求清单) and is deterministic. Dates are laid out relative to
today: resources published over 2023–2026, a few left stale; a year and a half of demands, answered
mostly in time, nearly all delivered and rated; some demands still open in every state. The
indicators are tuned to tell a story: 按需共享率 just above the plan's 97%, 开放率 just under its 90%.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.urls import reverse
from django.utils import timezone

from catalog import demands, services
from catalog import demo_vocab as vocab
from catalog.models import (
    CYCLE_DAYS,
    CatalogSettings,
    Category,
    DataResource,
    Demand,
    DemandState,
    InformationSystem,
    Lifecycle,
    ServiceMatter,
    SharingEntry,
)
from core.models import Notification, Role, Unit, User
from indicators import computed
from indicators.models import Measurement

MATTERS_FILE = Path(__file__).resolve().parent / "demo_data" / "service_matters.jsonl"
FIRST_DAY = date(2023, 2, 1)
OPEN_SHARE, FRESH_SHARE = 0.888, 0.885  # just under the plan's 90% targets
LIFECYCLE_DEMANDS = 209  # with one more delivered and six still open: 210 / 216 = 97.2% 按需共享率

@dataclass
class Spec:
    unit: Unit
    name: str
    category: str
    profile: str
    items: list[str]


# ---- 信息项 from their names -----------------------------------------------------------------------

SENSITIVE = ("姓名", "公民身份号码", "证件号码", "联系电话", "手机号码", "来电号码", "住址", "户籍地址", "居住地址",
             "出生日期", "银行账号", "个人账号", "驾驶证号", "家庭收入")
MONEY = ("金额", "资金", "价款", "租金", "收入", "支出", "预算数", "支出数", "余额", "资产总额", "注册资本", "纳税总额",
         "津贴", "报酬", "缴存额", "基数", "数额", "原值", "损失", "投资", "结余", "价格", "税收", "产值", "标准")
DECIMAL = ("经度", "纬度", "浓度", "率", "面积", "水位", "水温", "功率", "埋深", "管径", "声级", "能耗", "涨幅", "消费量")
COUNT = ("人数", "户数", "套数", "台数", "次数", "笔数", "数量", "人次", "学时", "记分", "指数", "数", "量")
MEMO = ("内容", "描述", "范围", "情况", "意见", "事实", "依据", "特色", "政策", "措施")
CODE = ("编号", "代码", "号码", "证号", "文号", "编码", "单元号", "账号", "号")
SHORT = {"性别": 2, "民族": 20, "户别": 10, "星级": 10, "景区等级": 10, "保护级别": 20, "水质类别": 10}
ID_SUFFIXES = ("编号", "代码", "号码", "证号", "文号", "编码", "单元号")  # a first item named so is the key


def item_spec(name: str) -> dict[str, Any]:
    """A 信息项 with its type, length, sensitivity and validity check read from its name."""
    data_type: str = "C"
    length: int | None = 100
    if name.endswith("时间"):
        data_type, length = "T", None
    elif "日期" in name or name.endswith("有效期至"):
        data_type, length = "D", None
    elif name.startswith("是否"):
        data_type, length = "L", None
    elif name.endswith(DECIMAL):
        data_type, length = "B", None
    elif name.endswith(MONEY) or name.endswith("补贴"):
        data_type, length = "Y", None
    elif name.endswith(COUNT):
        data_type, length = "I", None
    elif name.endswith(MEMO):
        data_type, length = "M", None
    elif name.endswith(("年度", "月份")):
        length = 7
    elif name.endswith(CODE):
        length = 18 if ("身份" in name or "信用代码" in name or "证件号码" in name) else 32
    elif name.endswith(("名称", "地址", "坐落", "地点", "住址", "位置")):
        length = 200
    length = SHORT.get(name, length)
    validity = ""
    if "公民身份号码" in name or "证件号码" in name:
        validity = "resident_id"
    elif "统一社会信用代码" in name:
        validity = "credit_code"
    elif "行政区划代码" in name:
        validity, length = "region_code", 12
    elif "手机号码" in name or "来电号码" in name:
        validity, length = "mobile", 11
    return {"name": name, "data_type": data_type, "length": length, "validity": validity,
            "is_sensitive": any(word in name for word in SENSITIVE)}


def parse(unit: Unit, text: str) -> list[Spec]:
    specs = []
    for line in text.strip().splitlines():
        name, category, profile, items = (part.strip() for part in line.split("|"))
        names: list[str] = []
        for token in items.split():
            names += vocab.GROUPS[token].split() if token.startswith("@") else [token]
        specs.append(Spec(unit, name, category, profile, names))
    return specs


# ---- what each profile means for grading, sharing and opening ------------------------------------


def fields_for(spec: Spec, categories: dict[str, Category], rng: random.Random
               ) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Resource fields and items consistent with the rules (the services reject anything else)."""
    items = [item_spec(n) for n in spec.items]
    for n, item in enumerate(items):
        item["required"] = n < 2
        item["unique"] = n == 0 and spec.items[0].endswith(ID_SUFFIXES)
    sensitive = any(i["is_sensitive"] for i in items)
    profile = spec.profile
    if profile in "CI" and not sensitive:
        raise ValueError(f"{spec.name}: 核心/重要数据应含敏感信息项")
    fmt, fmt_type, medium = _format(spec.name, rng)
    share, opened, grade = {
        "C": ("conditional", "none", "core"), "I": ("conditional", "none", "important"),
        "P": ("conditional", "none", "general_4"), "R": ("conditional", "none", "general_3"),
        "G": ("conditional", "conditional", "general_2"), "E": ("unconditional", "unconditional", "general_2"),
        "O": ("unconditional", "unconditional", "general_1"), "N": ("none", "none", "general_3"),
        "S": ("none", "none", "important" if sensitive else "general_4"),
    }[profile]
    if opened == "unconditional":
        for item in items:  # GB/T 43697 practice: personal fields are never opened unconditionally
            if item["is_sensitive"]:
                item["open_type"] = "none"
    fields: dict[str, Any] = {
        "category": categories[spec.category], "name": spec.name,
        "summary": _summary(spec), "format_class": fmt, "format_type": fmt_type, "sharing_type": share,
        "sharing_medium": medium if share != "none" else "", "open_type": opened, "grade": grade,
        "update_cycle": _cycle(spec.name), "is_classified": profile == "S",
        "record_total": rng.randint(2, 4000) * 250,
    }
    fields["storage_total_gb"] = (Decimal(fields["record_total"]) / Decimal(900_000)).quantize(Decimal("0.001"))
    if share == "conditional":
        fields["sharing_condition"] = rng.choice(vocab.SHARING_CONDITIONS)
    if share == "none":
        fields["sharing_basis"] = vocab.BASIS.get(spec.unit.short_name, vocab.DEFAULT_BASIS)
    if opened == "conditional":
        fields["open_condition"] = rng.choice(vocab.OPEN_CONDITIONS)
    if share != "none":
        fields["shared_records"] = fields["record_total"]
    return fields, items


def _summary(spec: Spec) -> str:
    shown = "、".join(spec.items[:4])
    return f"{spec.unit.full_name}依职责采集的{spec.name.removesuffix('信息')}数据，包括{shown}等{len(spec.items)}个信息项。"


def _format(name: str, rng: random.Random) -> tuple[str, str, str]:
    if any(w in name for w in ("统计", "年报", "名录")):
        return "2", "xlsx", "file"
    if any(w in name for w in ("规划成果", "预案", "文件信息")):
        return "1", "pdf", "file"
    if "影像" in name:
        return "4", "GeoTIFF", "file"
    if any(w in name for w in ("客流", "在线", "城市运行", "停车")):
        return "7", "JSON", "api"
    return "3", rng.choice(["MySQL", "Oracle", "达梦DM8", "人大金仓", "PostgreSQL"]), rng.choice(["api", "api", "database"])


_CYCLES = [
    ("realtime", ("客流", "自动监测", "空气质量", "水质", "停车", "城市运行", "森林防火", "声环境")),
    ("daily", ("办件", "案件", "工单", "许可", "处罚", "网签", "交易", "投诉", "登记", "备案", "办理", "查处",
               "证照", "清运", "接处警", "事故", "来信", "申请", "审批", "过车", "住宿", "过程", "违法", "调用")),
    ("weekly", ("巡查", "检查", "价格监测")),
    ("yearly", ("年报", "年度", "名录", "名单", "普查", "测绘", "资质", "目录", "档案", "现状", "保护利用", "传承人")),
    ("irregular", ("规划成果", "预案", "文件", "设施", "点位", "场所", "基本情况", "组织信息", "定价")),
    ("quarterly", ("评价", "抽检", "监测", "统计")),
]


def _cycle(name: str) -> str:
    for cycle, words in _CYCLES:
        if any(w in name for w in words):
            return cycle
    return "monthly"


# ---- people, 事项, systems -------------------------------------------------------------------------


@dataclass
class Actors:
    """Who acts for each unit: its own people where the demo county has them, else the admin.

    The Big Data Center registers the catalog for units without a data officer, as counties do during
    the 大普查; demands are filed and answered by a member of the unit where there is one.
    """

    admin: User
    keepers: dict[int, User]
    members: dict[int, User]

    @classmethod
    def of(cls, units: list[Unit], admin: User) -> Actors:
        keepers: dict[int, User] = {}
        members: dict[int, User] = {}
        for person in User.objects.filter(unit__in=units, is_active=True).order_by("id"):
            assert person.unit_id is not None
            members.setdefault(person.unit_id, person)
            if person.has_role(Role.CDO, Role.DATA_OFFICER):
                keepers.setdefault(person.unit_id, person)
        for unit_id, keeper in keepers.items():
            members[unit_id] = keeper
        return cls(admin, keepers, members)

    def keeper(self, unit: Unit) -> User:
        return self.keepers.get(unit.pk, self.admin)

    def member(self, unit: Unit) -> User:
        return self.members.get(unit.pk, self.admin)


def _matters(units: dict[str, Unit]) -> dict[str, list[ServiceMatter]]:
    rows = [json.loads(line) for line in MATTERS_FILE.read_text(encoding="utf-8").splitlines() if line.strip()]
    known = set(ServiceMatter.objects.values_list("code", flat=True))
    ServiceMatter.objects.bulk_create([
        ServiceMatter(code=r["code"], name=r["name"][:200], kind=r["kind"][:20],
                      unit=units.get(vocab.MATTER_UNITS.get(r["code"][8:17], "行政审批局")))
        for r in rows if r["code"] not in known])
    by_unit: dict[str, list[ServiceMatter]] = {}
    for matter in ServiceMatter.objects.filter(code__in=[r["code"] for r in rows]).select_related("unit"):
        if matter.unit is not None:
            by_unit.setdefault(matter.unit.short_name, []).append(matter)
    return by_unit


def _systems(units: dict[str, Unit], actors: Actors, matters: dict[str, list[ServiceMatter]], rng: random.Random) -> None:
    for short, rows in vocab.SYSTEMS.items():
        unit = units.get(short)
        if unit is None:
            continue
        for n, (name, level, deployment, classified, _) in enumerate(rows):
            if InformationSystem.objects.filter(unit=unit, name=name).exists():
                continue
            mine = matters.get(short, [])
            system = services.save_system(
                actors.keeper(unit), unit, name=name, protection_level=level, deployment=deployment,
                on_gov_cloud=deployment == "gov_cloud", is_classified=classified,
                state="building" if rng.random() < 0.06 else "running",
                description=f"{unit.full_name}建设运行的{name}。", service_matters=mine[n * 8:(n + 1) * 8])
            if rng.random() < 0.92:
                services.transition(actors.keeper(unit), system, "submit", "登记完成，提交审核")
                services.transition(actors.admin, system, "approve", "审核通过")


def _system_for(spec: Spec) -> str | None:
    rows = vocab.SYSTEMS.get(spec.unit.short_name, [])
    for name, _, _, _, words in rows:
        if any(w in spec.name for w in words.split()):
            return name
    return rows[0][0] if rows else None


# ---- resources -----------------------------------------------------------------------------------


def _resources(specs: list[Spec], actors: Actors, matters: dict[str, list[ServiceMatter]], rng: random.Random, today: date) -> int:
    existing = set(DataResource.objects.values_list("unit_id", "name"))
    todo = [s for s in specs if (s.unit.pk, s.name) not in existing]
    fates = rng.choices(["published", "draft", "pending", "returned", "offline"], weights=[83, 5, 5, 3, 4], k=len(todo))
    categories = {c.code: c for c in Category.objects.all()}
    systems = {(s.unit_id, s.name): s for s in InformationSystem.objects.all()}
    planned = [(spec, fate, *fields_for(spec, categories, rng)) for spec, fate in zip(todo, fates, strict=True)]
    published = [p for p in planned if p[1] == "published"]
    openable = [p for p in published if p[2]["open_type"] != "none" and not p[2]["is_classified"]]
    opened = set(map(id, rng.sample(openable, int(len(openable) * OPEN_SHARE))))
    fixed = [p for p in published if p[2]["update_cycle"] != "irregular"]
    stale = set(map(id, rng.sample(fixed, len(fixed) - int(len(fixed) * FRESH_SHARE))))
    grace = CatalogSettings.current().stale_grace_days
    span = (today - timedelta(days=45) - FIRST_DAY).days
    for plan in planned:
        spec, fate, fields, items = plan
        keeper, admin = actors.keeper(spec.unit), actors.admin
        published_on = FIRST_DAY + timedelta(days=int(rng.triangular(0, span, span * 0.15)))
        cycle = CYCLE_DAYS[fields["update_cycle"]]
        if cycle is None:
            last = published_on + timedelta(days=rng.randint(0, (today - published_on).days))
        elif id(plan) in stale:
            last = today - timedelta(days=cycle + grace + rng.randint(3, 120))
            published_on = min(published_on, last)
        else:
            last = max(published_on, today - timedelta(days=rng.randint(0, max(cycle - 1, 0))))
        fields["last_updated_on"] = last if fate in ("published", "offline") else None
        if id(plan) in opened:
            fields["opened_on"] = published_on + timedelta(days=rng.randint(0, max((today - published_on).days, 0)))
            fields["opened_records"] = fields["record_total"]
        resource = services.create_resource(keeper, spec.unit, items=items, **fields)
        if fate != "draft":
            services.transition(keeper, resource, "submit", "按目录编制要求登记完成，提交审核")
        if fate == "returned":
            services.transition(admin, resource, "return", "信息资源摘要过于简略，请补充数据范围和采集方式")
        if fate in ("published", "offline"):
            services.transition(admin, resource, "approve", "审核通过，予以发布", today=published_on)
        if fate == "offline":
            services.transition(admin, resource, "offline", "所依托的业务系统已停用，数据不再更新")
        system = systems.get((spec.unit.pk, _system_for(spec)))
        if system is not None:
            services.link_systems(keeper, resource, [system])
        mine = matters.get(spec.unit.short_name, [])
        if mine and any(w in spec.name for w in ("许可", "登记", "审批", "备案", "证", "办件")):
            services.link_service_matters(keeper, resource, rng.sample(mine, min(2, len(mine))))
    return len(planned)


# ---- demands -------------------------------------------------------------------------------------


def _office_time(day: date, rng: random.Random) -> datetime:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    moment = datetime.combine(day, time(rng.randint(9, 16), rng.randint(0, 59)))
    return timezone.make_aware(moment)


def _between(a: datetime, b: datetime, rng: random.Random, low: float = 0.1, high: float = 0.9) -> datetime:
    return a + (b - a) * rng.uniform(low, high)


class DemandBuilder:
    """Files and moves demands through the services at chosen moments (`now=`), so timers are real."""

    def __init__(self, units: dict[str, Unit], actors: Actors, rng: random.Random) -> None:
        self.units, self.actors, self.rng = units, actors, rng
        self.pool = list(demands.requestable_resources().select_related("unit", "category").prefetch_related("items"))
        self.requesters = [u for u in vocab.REQUESTERS if u in units]

    def file(self, at: datetime, *, requester: str = "", provider: str = "", sharing: str = "",
             uncataloged: bool = False) -> Demand:
        rng = self.rng
        if not requester:
            others = [u for u in self.requesters if u != provider]
            requester = rng.choices(others, weights=[vocab.REQUESTERS[u] for u in others])[0]
        unit = self.units[requester]
        purpose, basis = rng.choice(vocab.PURPOSES), rng.choice(vocab.LEGAL_BASES)
        choices = [r for r in self.pool if r.unit.short_name != requester and r.published_on
                   and r.published_on < at.date() and (not sharing or r.sharing_type == sharing)
                   and (not provider or r.unit.short_name == provider)]
        if uncataloged or not choices:
            wanted = [row for row in vocab.UNCATALOGED if row[0] != requester and row[0] in self.units
                      and (not provider or row[0] == provider)]
            source, name = rng.choice(wanted)
            return demands.file_demand(self.actors.member(unit), unit, provider=self.units[source], wanted_name=name,
                                       medium="file", purpose=purpose, legal_basis=basis, now=at)
        weights = [3 if r.category.code[:3] in ("101", "102", "105") else 1 for r in choices]
        resource = rng.choices(choices, weights=weights)[0]
        items = "、".join(i.name for i in list(resource.items.all())[:4])
        return demands.file_demand(self.actors.member(unit), unit, resource=resource, wanted_items=items,
                                   medium=resource.sharing_medium or "file", purpose=purpose, legal_basis=basis,
                                   now=at)

    def answer(self, demand: Demand, at: datetime, decision: str = "", reason: str = "") -> Demand:
        if not decision:
            conditional = demand.resource is None or demand.resource.sharing_type == "conditional"
            decision = DemandState.CONDITIONAL if conditional and self.rng.random() < 0.7 else DemandState.AGREED
        conditions = self.rng.choice(vocab.CONDITIONS) if decision == DemandState.CONDITIONAL else ""
        return demands.answer_demand(self.actors.member(demand.provider), demand, decision=decision, reason=reason,
                                     conditions=conditions, now=at)

    def deliver(self, demand: Demand, at: datetime) -> None:
        demands.record_delivery(self.actors.member(demand.provider), demand,
                                note=vocab.DELIVERY_NOTES.get(demand.medium, vocab.DELIVERY_NOTES["file"]), now=at)

    def rate(self, demand: Demand, at: datetime, rating: int = 0) -> None:
        rating = rating or self.rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 12, 5, 3])[0]
        demands.rate_demand(self.actors.member(demand.requester), demand, rating=rating,
                            comment=self.rng.choice(vocab.RATING_COMMENTS[rating]), now=at)

    def carry(self, demand: Demand, *, late: bool = False, escalate: bool = False, rate: bool = True) -> None:
        """Answer (in time unless `late`), deliver and rate one demand."""
        rng = self.rng
        if escalate:
            demands.escalate_overdue(now=demand.answer_due + timedelta(hours=16))
        if late:
            answered = demand.answer_due + timedelta(days=rng.uniform(1, 4))
        else:
            answered = _between(demand.submitted_at, demand.answer_due, rng)
        demand = self.answer(demand, answered)
        assert demand.delivery_due is not None
        delivered = (_between(answered, demand.delivery_due, rng) if rng.random() < 0.95
                     else demand.delivery_due + timedelta(days=rng.uniform(1, 3)))
        self.deliver(demand, delivered)
        if rate:
            self.rate(demand, delivered + timedelta(days=rng.uniform(0.5, 6)))

    def lifecycle(self, count: int, now: datetime) -> None:
        """Demands from the last year and a half, each carried to delivery; some late, some escalated."""
        rng = self.rng
        for ago in sorted((rng.randint(40, 520) for _ in range(count)), reverse=True):
            demand = self.file(_office_time(now.date() - timedelta(days=ago), rng), uncataloged=rng.random() < 0.08)
            late = rng.random() < 0.09
            self.carry(demand, late=late, escalate=late and rng.random() < 0.5, rate=rng.random() < 0.9)

    def still_open(self, now: datetime) -> None:
        """Demands in each open state, timed against today; the demo's 财政局 and 大数据中心 have work to do."""
        rng, today = self.rng, now.date()
        self.file(now - timedelta(hours=2), provider="财政局")  # 待答复, in time: cdo answers it
        escalated = self.file(_office_time(today - timedelta(days=24), rng), provider="大数据中心", uncataloged=True)
        overdue = self.file(_office_time(today - timedelta(days=7), rng), sharing="unconditional")
        agreed = self.file(_office_time(today - timedelta(days=3), rng), provider="大数据中心")
        self.answer(agreed, now - timedelta(hours=20), DemandState.AGREED)  # dataofficer delivers it
        conditional = self.file(_office_time(today - timedelta(days=3), rng), provider="财政局")
        self.answer(conditional, now - timedelta(hours=18), DemandState.CONDITIONAL)
        refused = self.file(_office_time(today - timedelta(days=30), rng), requester="财政局", sharing="conditional")
        refused = self.answer(refused, _between(refused.submitted_at, refused.answer_due, rng), DemandState.REFUSED,
                              reason="所需信息项涉及个人敏感信息，依据《中华人民共和国个人信息保护法》第十三条，"
                                     "申请用途不属于法定情形，建议改为申请核验结果")
        assert refused.answered_at is not None
        self.rate(refused, refused.answered_at + timedelta(days=2), rating=2)
        unrated = self.file(_office_time(today - timedelta(days=20), rng), requester="财政局")
        self.carry(unrated, rate=False)  # cdo rates it
        withdrawn = self.file(_office_time(today - timedelta(days=12), rng), sharing="unconditional")
        demands.withdraw_demand(self.actors.member(withdrawn.requester), withdrawn)
        # The daily job ran once after the older one fell due and before the newer one did.
        cutoff = max(escalated.answer_due, min(overdue.answer_due, now) - timedelta(minutes=1))
        demands.escalate_overdue(now=cutoff)


def _read_old_notifications(now: datetime) -> None:
    """Notices about demands settled long ago would have been read; mark them so, in one statement."""
    settled = Demand.objects.filter(rated_at__isnull=False).values_list("pk", flat=True)
    links = [reverse("catalog:demand_detail", args=[pk]) for pk in settled]
    Notification.objects.filter(kind__startswith="catalog.", read_at__isnull=True, link__in=links).update(read_at=now)


# ---- the loader ----------------------------------------------------------------------------------


def load() -> str:
    admin = User.objects.filter(role_grants__role=Role.DC_ADMIN, is_active=True).order_by("id").first()
    if admin is None:
        return "缺少管理员，跳过"
    rng = random.Random(2023)
    now = timezone.now()
    today = timezone.localdate(now)
    wanted = [*vocab.DEPARTMENTS, *vocab.TOWNSHIPS]
    units = {u.short_name: u for u in Unit.objects.filter(short_name__in=wanted)}
    if not units:
        return "缺少演示单位，跳过"
    actors = Actors.of(list(units.values()), admin)
    matters = _matters(units)
    _systems(units, actors, matters, rng)
    specs = [s for short, text in vocab.DEPARTMENTS.items() if short in units for s in parse(units[short], text)]
    for short in vocab.TOWNSHIPS:
        if short in units:
            township = parse(units[short], vocab.TOWNSHIP)
            specs += random.Random(short).sample(township, vocab.TOWNSHIP_PICK)
    created = _resources(specs, actors, matters, rng, today)
    if not Demand.objects.exists():
        builder = DemandBuilder(units, actors, rng)
        builder.lifecycle(LIFECYCLE_DEMANDS, now)
        builder.still_open(now)
        _read_old_notifications(now)
    if not Measurement.objects.filter(indicator__code__startswith="catalog-", measured_at__date=today).exists():
        computed.snapshot_all(now)
    return _summary_line(created, now)


def _summary_line(created: int, now: datetime) -> str:
    by_status = {s.label: DataResource.objects.filter(status=s).count() for s in Lifecycle}
    states = {s.label: Demand.objects.filter(state=s).count() for s in DemandState}
    values = []
    for code in ("catalog-sharing-on-demand", "catalog-open-rate", "catalog-update-rate"):
        value = computed.current(code, now)
        values.append(f"{computed.REGISTRY[code].name} {value.value if value else '—'}%")
    return (f"数据资源 {DataResource.objects.count()} 条（新建 {created}；"
            + "、".join(f"{k} {v}" for k, v in by_status.items()) + f"），信息系统 {InformationSystem.objects.count()} 个，"
            f"政务服务事项 {ServiceMatter.objects.count()} 项，数据需求 {Demand.objects.count()} 条（"
            + "、".join(f"{k} {v}" for k, v in states.items() if v) + f"，已督办 "
            f"{Demand.objects.filter(escalated_at__isnull=False).count()}），共享清单 {SharingEntry.objects.count()} 条；"
            + "，".join(values))
