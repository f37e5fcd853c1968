"""A resource's page: the metadata groups, the 信息项, the review timeline and who gets which button."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import NoReverseMatch, reverse

from catalog import services
from catalog.tests.factories import make_resource


def _url(resource) -> str:
    return reverse("catalog:resource_detail", args=[resource.pk])


@pytest.fixture
def draft(cdo, units):
    return make_resource(cdo, units.finance, items=[
        {"name": "姓名", "data_type": "C", "length": 50, "is_sensitive": True, "required": True},
        {"name": "户籍地址", "data_type": "C", "length": 200, "open_type": "none", "sharing_type": "unconditional"},
    ])


def test_it_shows_the_metadata_grouped_as_the_national_catalog(client_for, draft, cdo):
    html = client_for(cdo).get(_url(draft)).content.decode()
    for heading in ("基本信息", "共享属性", "开放属性", "更新与发布", "分级", "关联系统与事项", "大普查数据量"):
        assert f">{heading}</h2>" in html
    assert "101/000001" in html and "基础信息资源 / 人口" in html and "泗洪县财政局" in html
    assert "有条件共享" in html and "用于政务服务办理" in html and "共享平台方式 · 接口" in html
    assert "重要数据" in html and "非涉密" in html and "敏感信息项</dt><dd>1 项" in html


def test_it_shows_census_volumes_as_plain_numbers(client_for, cdo, units):
    resource = make_resource(cdo, units.finance, storage_total_gb="10.000", record_total=120000,
                             shared_storage_gb="2.5")
    html = client_for(cdo).get(_url(resource)).content.decode()
    assert ">10 GB<" in html and ">2.5 GB<" in html and ">120000<" in html and "E+" not in html


def test_it_lists_the_items_with_their_effective_share_and_open_values(client_for, draft, cdo):
    html = client_for(cdo).get(_url(draft)).content.decode()
    assert "信息项（2）" in html
    assert '<td data-label="共享类型">有条件共享 <span class="muted">（同资源）</span></td>' in html
    assert '<td data-label="共享类型">无条件共享</td>' in html
    assert '<strong class="warn">敏感</strong>' in html
    assert "必填" in html


def test_it_gives_the_keeper_the_submit_button_and_the_edit_link(client_for, draft, cdo, editor):
    html = client_for(cdo).get(_url(draft)).content.decode()
    assert 'value="submit"' in html and reverse("catalog:resource_edit", args=[draft.pk]) in html
    html = client_for(editor).get(_url(draft)).content.decode()  # same unit, not a keeper
    assert 'value="submit"' not in html and reverse("catalog:resource_edit", args=[draft.pk]) not in html


def test_it_gives_the_admin_approve_and_return_while_pending(client_for, draft, cdo, admin):
    services.transition(cdo, draft, "submit", "请审核")
    html = client_for(admin).get(_url(draft)).content.decode()
    assert 'value="approve"' in html and 'value="return"' in html and "退回时必填" in html
    html = client_for(cdo).get(_url(draft)).content.decode()
    assert 'value="approve"' not in html and 'value="submit"' not in html
    assert reverse("catalog:resource_edit", args=[draft.pk]) not in html  # no edits under review
    assert "正在等待大数据中心审核" in html


def test_it_gives_the_admin_take_offline_once_published(client_for, draft, cdo, admin, outsider):
    services.transition(cdo, draft, "submit")
    services.transition(admin, draft, "approve", "同意")
    assert 'value="offline"' in client_for(admin).get(_url(draft)).content.decode()
    html = client_for(outsider).get(_url(draft)).content.decode()
    assert 'value="offline"' not in html and "lifecycle" not in html


def test_it_shows_the_review_timeline_and_the_reason_for_a_return(client_for, draft, cdo, admin):
    services.transition(cdo, draft, "submit", "首次提交")
    services.transition(admin, draft, "return", "摘要过于简略")
    html = client_for(cdo).get(_url(draft)).content.decode()
    assert "审核记录（2）" in html and "首次提交" in html
    assert "已被退回修改：</strong>摘要过于简略" in html


def test_it_warns_when_the_data_is_overdue_for_update(client_for, admin, cdo, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin, last_updated_on=date(2020, 1, 1))
    html = client_for(cdo).get(_url(resource)).content.decode()
    assert "数据逾期未更新" in html and "2020年2月4日" in html  # 31 days + 3 days' grace after 1 January


def test_it_links_other_units_to_a_demand_for_a_shareable_resource(client_for, admin, cdo, outsider, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin)
    try:
        link = reverse("catalog:demand_create") + f"?resource={resource.pk}"
    except NoReverseMatch:  # the demand pages are not routed yet: the page still renders, without the link
        link = None
    html = client_for(outsider).get(_url(resource)).content.decode()
    if link:
        assert link in html
    assert "申请使用该资源" not in client_for(cdo).get(_url(resource)).content.decode()  # its own unit


def test_it_does_not_offer_a_demand_for_data_that_is_not_shared(client_for, admin, cdo, outsider, units):
    resource = make_resource(cdo, units.finance, publish=True, admin=admin, sharing_type="none",
                             sharing_condition="", sharing_basis="《统计法》第九条", sharing_medium="")
    assert "申请使用该资源" not in client_for(outsider).get(_url(resource)).content.decode()


def test_it_hides_another_units_draft(client_for, draft, outsider):
    assert client_for(outsider).get(_url(draft)).status_code == 404
    assert client_for(outsider).get(reverse("catalog:resource_detail", args=[99999])).status_code == 404


def test_it_asks_for_a_login(client_for, draft):
    response = client_for(None).get(_url(draft))
    assert response.status_code == 302 and "/login/" in response["Location"]
