"""The catalog's live indicators (catalog.measures), each computed from a small ledger built by services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from catalog import demands, measures, services
from catalog.models import Dataset, OpenType
from catalog.tests import demand_fixtures
from catalog.tests.demand_fixtures import file, publish, tz
from catalog.tests.factories import resource_fields
from indicators import computed
from indicators.computed import Value
from indicators.models import Indicator, Measurement

officer = demand_fixtures.officer  # the shared fixture

NOW = tz(2026, 6, 15, 10, 0)
TODAY = date(2026, 6, 15)


def _value(value: str, numerator: int, denominator: int) -> Value:
    return Value(Decimal(value), numerator, denominator)


def test_it_registers_every_indicator_with_its_formula(db):
    codes = {spec.code for spec in measures.INDICATORS}
    assert codes <= set(computed.REGISTRY)
    for spec in measures.INDICATORS:
        assert "÷" in spec.formula and spec.measure_unit == "%"
        assert Indicator.objects.get(code=spec.code).formula == spec.formula


def test_it_says_nothing_before_there_is_data(db):
    assert all(spec.compute(NOW) is None for spec in measures.INDICATORS)


def test_it_measures_sharing_on_demand(officer, cdo, admin, units):
    resource = publish(cdo, admin, units.finance)
    delivered = file(officer, units.data_center, resource, now=NOW - timedelta(days=9))
    demands.answer_demand(cdo, delivered, decision="agreed", now=NOW - timedelta(days=8))
    demands.record_delivery(cdo, delivered, note="已开通", now=NOW - timedelta(days=7))
    file(officer, units.data_center, resource, now=NOW - timedelta(days=1))  # open: counts against
    refused = file(officer, units.data_center, resource, now=NOW - timedelta(days=3))
    demands.answer_demand(cdo, refused, decision="refused", reason="无共享依据")  # counts against
    withdrawn = file(officer, units.data_center, resource)
    demands.withdraw_demand(officer, withdrawn)  # not counted
    assert measures.sharing_on_demand(NOW) == _value("33.33", 1, 3)
    # A refusal of data that is 不予共享 by law is not a demand the county failed to meet.
    services.update_resource(cdo, resource, sharing_type="none", sharing_condition="", sharing_basis="《预算法》",
                             sharing_medium="")
    assert measures.sharing_on_demand(NOW) == _value("50.00", 1, 2)


def test_it_measures_the_open_rate(cdo, admin, units):
    opened = {"open_type": OpenType.CONDITIONAL, "open_condition": "实名申请", "grade": "general_3"}
    publish(cdo, admin, units.finance, name="已开放", opened_on=TODAY - timedelta(days=30), **opened)
    publish(cdo, admin, units.finance, name="下月开放", opened_on=TODAY + timedelta(days=20), **opened)
    publish(cdo, admin, units.finance, name="未开放", **opened)
    publish(cdo, admin, units.finance, name="不予开放")  # not in the denominator
    services.create_resource(cdo, units.finance, items=[{"name": "x"}],
                             **resource_fields(name="草稿", opened_on=TODAY, **opened))  # drafts do not count
    assert measures.open_rate(NOW) == _value("33.33", 1, 3)


def test_it_measures_the_update_rate(cdo, admin, units):
    fresh = publish(cdo, admin, units.finance, name="按月更新", update_cycle="monthly",
                    last_updated_on=TODAY - timedelta(days=20))
    publish(cdo, admin, units.finance, name="逾期未更新", update_cycle="monthly",
            last_updated_on=TODAY - timedelta(days=60))
    publish(cdo, admin, units.finance, name="宽限期内", update_cycle="daily", last_updated_on=TODAY - timedelta(days=4))
    publish(cdo, admin, units.finance, name="不定时", update_cycle="irregular")  # not in the denominator
    assert measures.update_rate(NOW) == _value("66.67", 2, 3)
    services.transition(admin, fresh, "offline", "停用")
    assert measures.update_rate(NOW) == _value("50.00", 1, 2)


def test_it_measures_the_mount_rate(cdo, admin, units):
    mounted = publish(cdo, admin, units.finance, name="已挂接")
    publish(cdo, admin, units.finance, name="未挂接")
    # No service attaches datasets yet outside the quality pages; the row is what the indicator reads.
    Dataset.objects.create(resource=mounted, kind=Dataset.Kind.DATABASE, table="t_population")
    Dataset.objects.create(resource=mounted, kind=Dataset.Kind.DATABASE, table="t_population_2")
    assert measures.mount_rate(NOW) == _value("50.00", 1, 2)


def test_it_measures_answer_timeliness(officer, cdo, admin, units):
    resource = publish(cdo, admin, units.finance)
    in_time = file(officer, units.data_center, resource, now=tz(2026, 3, 2, 10, 0))
    demands.answer_demand(cdo, in_time, decision="agreed", now=tz(2026, 3, 9, 17, 30))  # the last minute counts
    late = file(officer, units.data_center, resource, now=tz(2026, 3, 2, 10, 0))
    demands.answer_demand(cdo, late, decision="agreed", now=tz(2026, 3, 9, 17, 31))
    file(officer, units.data_center, resource)  # unanswered: not in the denominator
    assert measures.answer_timeliness(NOW) == _value("50.00", 1, 2)


def test_it_measures_the_cloud_rate(cdo, admin, units):
    def system(name: str, publish_it: bool = True, **fields) -> None:
        record = services.save_system(cdo, units.finance, name=name, **fields)
        if publish_it:
            services.transition(cdo, record, "submit")
            services.transition(admin, record, "approve")

    system("预算管理一体化系统", on_gov_cloud=True)
    system("非税收入系统", deployment="local")
    system("旧财务系统", on_gov_cloud=True, state="retired")  # retired: not counted
    system("涉密文件系统", deployment="local", is_classified=True)  # classified: not counted
    system("在建系统", publish_it=False, on_gov_cloud=False)  # not published: not counted
    assert measures.cloud_rate(NOW) == _value("50.00", 1, 2)


def test_it_snapshots_every_computable_indicator(officer, cdo, admin, units):
    publish(cdo, admin, units.finance, last_updated_on=timezone.localdate())
    computed.snapshot_all()
    stored = Measurement.objects.filter(indicator__code__startswith="catalog-")
    assert sorted(stored.values_list("indicator__code", flat=True)) == ["catalog-mount-rate", "catalog-update-rate"]
    update = Measurement.objects.get(indicator__code="catalog-update-rate")
    assert update.value == Decimal("100.00") and update.note == "1 / 1（自动计算）"


@pytest.mark.parametrize("spec", measures.INDICATORS, ids=lambda s: s.code)
def test_it_shows_each_formula_in_chinese(spec):
    assert spec.formula.endswith("× 100%") and any("\u4e00" <= ch <= "\u9fff" for ch in spec.name)
