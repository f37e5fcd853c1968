"""catalog.demo.load(): the demo county's living catalog, loaded twice (it only adds what is missing).

Loading takes tens of seconds, so the module loads once into an outer transaction that is rolled
back at the end; each test runs inside it.
"""

from __future__ import annotations

from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from catalog import demo, demo_quality, lookback, rules, services
from catalog.models import (
    CatalogSettings,
    DataResource,
    Demand,
    DemandState,
    InformationSystem,
    Lifecycle,
    QualityFinding,
    QualityRun,
    ServiceMatter,
    SharingEntry,
)
from core.models import AuditEntry, User
from indicators import computed
from indicators.models import Indicator, Measurement


def _counts() -> dict[str, int]:
    return {"resources": DataResource.objects.count(), "systems": InformationSystem.objects.count(),
            "matters": ServiceMatter.objects.count(), "demands": Demand.objects.count(),
            "sharing": SharingEntry.objects.count(), "people": User.objects.count(),
            "audit": AuditEntry.objects.count(), "measurements": Measurement.objects.count()}


@pytest.fixture(scope="module")
def county(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[SimpleNamespace]:
    from catalog.categories import seed
    from catalog.models import Category
    from core import demo as core_demo

    tmp = tmp_path_factory.mktemp("demo-quality")
    with (django_db_blocker.unblock(), transaction.atomic(),
          override_settings(MEDIA_ROOT=tmp / "media", QUALITY_SQLITE_DIRS=[str(tmp / "exchange")])):
        seed(Category)
        computed.sync_computed()
        core_demo.load()
        first = demo.load()
        after_first = _counts()
        second = demo.load()
        after_second = _counts()
        quality_first = demo_quality.load()
        quality_second = demo_quality.load()
        yield SimpleNamespace(first=first, second=second, after_first=after_first, after_second=after_second,
                              quality_first=quality_first, quality_second=quality_second)
        transaction.set_rollback(True)


pytestmark = pytest.mark.usefixtures("county")


def test_it_runs_twice_without_duplicating(county, db):
    assert county.after_second == county.after_first
    assert "新建 0" in county.second and "新建 0" not in county.first


def test_it_builds_a_catalog_of_a_few_hundred_resources(db):
    assert 250 <= DataResource.objects.count() <= 350
    units = DataResource.objects.values("unit").distinct().count()
    assert units >= 20
    by_status = {s: DataResource.objects.filter(status=s).count() for s in Lifecycle}
    assert by_status[Lifecycle.PUBLISHED] > 200 and all(by_status.values())
    years = {d.year for d in DataResource.objects.exclude(published_on=None).values_list("published_on", flat=True)}
    assert {2023, 2024, 2025} <= years
    assert DataResource.objects.filter(is_classified=True).exists()
    assert {c[:1] for c in DataResource.objects.values_list("category__code", flat=True)} == {"1", "2", "3"}


def test_it_builds_only_resources_that_pass_the_rules(db):
    levels = CatalogSettings.current().general_levels
    for resource in DataResource.objects.filter(status=Lifecycle.PUBLISHED).select_related("category"):
        facts = services._facts(resource, None)
        assert rules.check_resource(facts, general_levels=levels) == [], resource.name
        if resource.grade in ("core", "important"):
            assert resource.items.filter(is_sensitive=True).exists(), resource.name


def test_it_gives_items_realistic_checks(db):
    population = DataResource.objects.get(name="人口户籍信息")
    items = {i.name: i for i in population.items.all()}
    assert items["公民身份号码"].validity == "resident_id" and items["公民身份号码"].is_sensitive
    assert items["手机号码"].validity == "mobile" and items["出生日期"].data_type == "D"
    assert 3 <= len(items) <= 12
    market = DataResource.objects.get(name="市场主体登记信息")
    assert market.items.get(name="统一社会信用代码").validity == "credit_code"
    assert market.items.get(name="注册资本").data_type == "Y"


def test_it_registers_systems_and_service_matters(db):
    assert 20 <= InformationSystem.objects.count() <= 40
    assert InformationSystem.objects.filter(on_gov_cloud=True).exists()
    assert InformationSystem.objects.filter(on_gov_cloud=False, is_classified=False).exists()
    assert len(set(InformationSystem.objects.values_list("protection_level", flat=True))) >= 3
    assert ServiceMatter.objects.count() == 200
    assert ServiceMatter.objects.filter(systems__isnull=False).exists()
    assert DataResource.objects.filter(service_matters__isnull=False).exists()
    assert DataResource.objects.filter(systems__isnull=False).count() > 200


def test_it_has_demands_in_every_state(db):
    for state in DemandState:
        assert Demand.objects.filter(state=state).exists(), state.label
    assert Demand.objects.filter(escalated_at__isnull=False).exists()
    overdue_not_yet_escalated = Demand.objects.filter(state=DemandState.SUBMITTED, escalated_at=None,
                                                      answer_due__lt=timezone.now())
    assert overdue_not_yet_escalated.exists()
    assert set(Demand.objects.exclude(rating=None).values_list("rating", flat=True)) == {1, 2, 3, 4, 5}
    assert Demand.objects.filter(state=DemandState.REFUSED).exclude(answer_reason="").exists()
    assert Demand.objects.filter(resource=None).exists()  # data the catalog does not list yet
    late = [d for d in Demand.objects.exclude(answered_at=None) if not d.answered_in_time()]
    assert late and len(late) < Demand.objects.exclude(answered_at=None).count() / 5
    assert SharingEntry.objects.filter(demand__isnull=False).count() == Demand.objects.filter(
        state=DemandState.DELIVERED).exclude(resource=None).count()


def test_it_gives_the_demo_people_something_to_do(db):
    assert Demand.objects.filter(provider__short_name="财政局", state=DemandState.SUBMITTED).exists()
    assert Demand.objects.filter(provider__short_name="大数据中心", state=DemandState.AGREED).exists()
    assert Demand.objects.filter(requester__short_name="财政局", state=DemandState.DELIVERED, rating=None).exists()


def test_it_lands_the_indicators_near_the_plan_targets(db):
    sharing = computed.current("catalog-sharing-on-demand")
    opened = computed.current("catalog-open-rate")
    fresh = computed.current("catalog-update-rate")
    assert sharing is not None and 97 < sharing.value < 98
    assert opened is not None and 85 < opened.value < 90
    assert fresh is not None and 80 < fresh.value < 95
    assert all(computed.current(spec.code) is not None for spec in computed.REGISTRY.values()
               if spec.code.startswith("catalog-") and spec.code != "catalog-mount-rate")


def test_it_snapshots_the_indicators_once(db):
    for code in ("catalog-sharing-on-demand", "catalog-open-rate", "catalog-update-rate"):
        assert Measurement.objects.filter(indicator=Indicator.objects.get(code=code)).count() == 1


def test_it_goes_through_the_services(db):
    published = DataResource.objects.filter(status=Lifecycle.PUBLISHED).count()
    assert AuditEntry.objects.filter(action="catalog.resource.approve").count() >= published
    assert AuditEntry.objects.filter(action="catalog.demand.file").count() == Demand.objects.count()
    assert AuditEntry.objects.filter(action="catalog.demand.escalate").exists()


def test_the_look_back_has_mounted_data_findings_in_every_state_and_runs_once(county, db):
    assert county.quality_first.startswith("挂接数据") and "跳过" in county.quality_second
    mount = computed.current("catalog-mount-rate")
    assert mount is not None and 60 <= mount.value <= 90
    assert not QualityRun.objects.exclude(state=QualityRun.State.DONE).exists()  # every demo run completes
    states = set(QualityFinding.objects.values_list("state", flat=True))
    assert {QualityFinding.State.OPEN, QualityFinding.State.RESOLVED} <= states
    assert QualityFinding.objects.filter(escalated_at__isnull=False).exists()
    assert lookback.overdue_findings().exists()
    kinds = set(QualityFinding.objects.values_list("check_kind", flat=True))
    assert {"completeness", "uniqueness", "validity", "timeliness"} <= kinds
