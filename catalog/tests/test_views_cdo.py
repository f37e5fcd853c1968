"""The CDO view: a unit's lists, demands, staleness, quality findings, indicators and project readiness."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog import demands, measures, services
from catalog.models import Dataset, QualityFinding, QualityRun
from catalog.tests.factories import make_resource
from indicators.computed import current
from indicators.models import format_number

URL = reverse("catalog:cdo")


def _counts(html: str, heading: str) -> dict[str, int]:
    block = html.split(f"<h3>{heading}</h3>", 1)[1].split("</ul>", 1)[0]
    return {label: int(n) for label, n in re.findall(r'class="badge s-\w+">(\S+)</span>\s*<strong>(\d+)</strong></a>', block)}


@pytest.fixture
def county(admin, cdo, units, make_person):
    """财政局 with a full set of lists, demands both ways, a stale resource and a quality finding."""
    from core.models import Role

    keeper = make_person("township_cdo", "钱镇数据", units.township, Role.CDO)
    shared = make_resource(cdo, units.finance, publish=True, admin=admin, name="人口基础信息")
    stale = make_resource(cdo, units.finance, publish=True, admin=admin, name="财政供养人员",
                          last_updated_on=date(2020, 1, 1))
    make_resource(cdo, units.finance, name="草稿资源")
    pending = make_resource(cdo, units.finance, name="待审资源")
    services.transition(cdo, pending, "submit")
    system = services.save_system(cdo, units.finance, name="财政一体化系统", on_gov_cloud=True)
    services.transition(cdo, system, "submit")
    services.transition(admin, system, "approve")
    services.save_system(cdo, units.finance, name="预算编制系统")
    town_data = make_resource(keeper, units.township, publish=True, admin=admin, name="镇村人口台账")

    basis = {"purpose": "核验低保对象", "legal_basis": "《社会救助暂行办法》"}
    waiting = demands.file_demand(keeper, units.township, resource=shared, **basis)
    late = demands.file_demand(keeper, units.township, resource=stale, now=timezone.now() - timedelta(days=30),
                               **basis)
    given = demands.file_demand(keeper, units.township, resource=shared, wanted_items="姓名", **basis)
    demands.answer_demand(cdo, given, decision="agreed")
    demands.record_delivery(cdo, given, note="已开通接口")
    received = demands.file_demand(cdo, units.finance, resource=town_data, **basis)
    demands.answer_demand(keeper, received, decision="agreed")
    demands.record_delivery(keeper, received, note="已交付")

    # 回头看 findings are written by the quality checks (another page); here the rows are made directly.
    dataset = Dataset.objects.create(resource=shared, kind=Dataset.Kind.FILE, original_name="人口.csv")
    run = QualityRun.objects.create(resource=shared, dataset=dataset, state=QualityRun.State.DONE)
    QualityFinding.objects.create(run=run, resource=shared, unit=units.finance, check_kind="validity",
                                  column="公民身份号码", description="12 条身份证号校验位错误", failed=12,
                                  due=timezone.now() + timedelta(days=10))
    QualityFinding.objects.create(run=run, resource=shared, unit=units.finance, check_kind="completeness",
                                  description="已整改的问题", state=QualityFinding.State.RESOLVED,
                                  due=timezone.now())
    return {"waiting": waiting, "late": late, "stale": stale, "keeper": keeper}


def test_it_counts_the_units_lists_by_status(client_for, county, cdo):
    html = client_for(cdo).get(URL).content.decode()
    assert _counts(html, "数据资源清单") == {"草稿": 1, "待审核": 1, "已发布": 2, "已下线": 0}
    assert _counts(html, "信息系统清单") == {"草稿": 1, "待审核": 0, "已发布": 1, "已下线": 0}
    assert "本单位向其他单位共享 <strong>1</strong> 项，使用其他单位共享的数据 <strong>1</strong> 项" in html


def test_it_lists_demands_to_answer_and_overdue_ones(client_for, county, cdo):
    html = client_for(cdo).get(URL).content.decode()
    assert "待本单位答复（2）" in html
    assert "1 项需求逾期未办" in html
    late_link = reverse("catalog:demand_detail", args=[county["late"].pk])
    assert f'<a href="{late_link}">双沟镇：财政供养人员</a> <span class="bad">' in html and "（已逾期）" in html
    assert "待本单位评价（1）" in html and "双沟镇：镇村人口台账" in html


def test_it_lists_stale_resources_and_open_findings(client_for, county, cdo):
    html = client_for(cdo).get(URL).content.decode()
    assert "逾期未更新的资源（1）" in html and "财政供养人员" in html and "2020-02-04</span> 起逾期" in html
    assert "待整改的数据质量问题（1）" in html and "12 条身份证号校验位错误" in html
    assert "已整改的问题" not in html


def test_it_shows_each_indicator_with_its_counts_and_formula(client_for, county, cdo):
    html = client_for(cdo).get(URL).content.decode()
    for spec in measures.INDICATORS:
        assert spec.name in html and f"公式：{spec.formula}" in html
        value = current(spec.code)
        if value is not None:
            assert f"{format_number(value.value)}{spec.measure_unit}</span>\n      <span>{value.numerator} / " \
                   f"{value.denominator}</span>" in html
    sharing = current("catalog-sharing-on-demand")
    assert sharing is not None and (sharing.numerator, sharing.denominator) == (2, 4)
    assert ">50%</span>" in html  # not 5E+1


def test_it_says_what_is_missing_before_a_project_can_be_declared(client_for, county, cdo, admin, units):
    html = client_for(cdo).get(URL).content.decode()
    assert "暂不满足申报条件" in html and "仍有草稿或待审核的数据资源" in html
    html = client_for(admin).get(URL, {"unit": units.township.pk}).content.decode()
    assert "信息系统清单：没有已发布的信息系统" in html


def test_it_shows_the_admin_any_unit_and_the_keeper_only_their_own(client_for, county, cdo, admin, supervisor,
                                                                   units):
    html = client_for(admin).get(URL, {"unit": units.township.pk}).content.decode()
    assert "双沟镇的数据工作" in html and 'name="unit"' in html
    assert "财政局的数据工作" in client_for(supervisor).get(URL, {"unit": units.finance.pk}).content.decode()
    assert "大数据中心的数据工作" in client_for(admin).get(URL).content.decode()  # their own unit first
    html = client_for(cdo).get(URL, {"unit": units.township.pk}).content.decode()
    assert "财政局的数据工作" in html and 'name="unit"' not in html  # the parameter is ignored
    assert client_for(admin).get(URL, {"unit": "999999"}).status_code == 404


def test_it_is_for_the_units_keepers_and_county_wide_roles(client_for, county, editor, outsider):
    assert client_for(editor).get(URL).status_code == 404  # 财政局, but not a keeper
    assert client_for(outsider).get(URL).status_code == 404
    assert client_for(county["keeper"]).get(URL).status_code == 200  # 双沟镇's own CDO
