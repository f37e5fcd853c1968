"""Personas and data for the demand tests: 财政局 (cdo) provides, 大数据中心 (officer) asks.

A test module takes the fixtures with ``officer, resource = demand_fixtures.officer, demand_fixtures.resource``;
data is built through the services.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from catalog import demands
from catalog.models import DataResource, Demand
from catalog.tests.factories import make_resource
from core.models import Role, Unit, User

PURPOSE = "办理政务服务事项时在线核验申请人户籍信息"
BASIS = "《政务信息资源共享管理暂行办法》（国发〔2016〕51号）"


def tz(*args: int) -> datetime:
    """A wall-clock moment in the county (Asia/Shanghai)."""
    from django.utils import timezone

    return timezone.make_aware(datetime(*args))  # type: ignore[arg-type]


@pytest.fixture
def officer(make_person: Any, units: Any) -> User:
    """超级数据员 at 大数据中心: files demands in that unit's name and rates the answers."""
    return make_person("officer", "刘数据", units.data_center, Role.DATA_OFFICER)


def publish(cdo: User, admin: User, unit: Unit, **overrides: Any) -> DataResource:
    return make_resource(cdo, unit, publish=True, admin=admin, **overrides)


@pytest.fixture
def resource(cdo: User, admin: User, units: Any) -> DataResource:
    """财政局's published 有条件共享 resource (5 working days to answer)."""
    return publish(cdo, admin, units.finance)


def file(officer: User, unit: Unit, resource: DataResource | None = None, **kw: Any) -> Demand:
    kw.setdefault("purpose", PURPOSE)
    kw.setdefault("legal_basis", BASIS)
    return demands.file_demand(officer, unit, resource=resource, **kw)
