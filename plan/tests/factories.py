"""Build plan test data through the services, the way users create it: the seed's units on top of the root personas, small documents.

The root conftest builds a small county (县政府办, 大数据中心, 财政局, 双沟镇, 测评公司) and its personas;
the seed document names more units. ``add_seed_units`` adds them through the services, the way an
admin would, so the seed imports with every name resolved.
"""

from __future__ import annotations

from pathlib import Path

from core import demo
from core import services as core_services
from core.models import Unit, User
from plan import importing
from plan.models import Plan, PlanImport

SEED = Path(__file__).resolve().parents[2] / "demo" / "plan_2023_sihong.txt"

SEED_TASKS = 39

# Three tasks: 财政局 leads one with a target, 大数据中心 one, the third names no unit (→ the issuer, 待复核).
SMALL_PLAN = """泗洪县人民政府办公室文件

洪政办发〔2023〕99号

县政府办公室关于印发2023年泗洪县数据共享工作要点的通知

# 2023年泗洪县数字政府建设工作要点

#### 一、强化数据支撑

1. 推进数字人民币应用。推动全县商户开通数字人民币收款服务，推动应用场景覆盖率达到80%。(牵头单位:财政局;配合单位:大数据中心)
2. 加强数据安全管理。定期开展数据安全检查，及时处置风险隐患。(牵头单位:大数据中心;配合单位:各有关部门和单位)
3. 做好政务公开。及时公开重大决策部署和重点工作进展。
"""

# The same notice with a unit the registry does not know.
WEATHER_PLAN = """泗洪县人民政府办公室文件

洪政办发〔2023〕98号

县政府办公室关于印发2023年泗洪县气象数据工作要点的通知

# 2023年泗洪县数字政府建设工作要点

#### 一、强化数据支撑

1. 完善气象数据共享。及时汇聚气象监测数据，按需向各部门共享。(牵头单位:县气象局;配合单位:各有关部门和单位)
2. 加强数据安全管理。定期开展数据安全检查。(牵头单位:大数据中心;配合单位:财政局)
"""


def add_seed_units(admin: User) -> None:
    """Create the seed's units that the persona county lacks, and teach existing ones the seed's spellings."""
    for order, (short, full, kind, aliases) in enumerate(demo.UNITS, start=1):
        unit = Unit.objects.filter(short_name=short).first()
        if unit is None:
            core_services.create_unit(admin, short_name=short, full_name=full, kind=kind, aliases=aliases,
                                      sort_order=order)
            continue
        for alias in aliases:
            core_services.add_unit_alias(admin, unit, alias)


def stage_text(admin: User, text: str, name: str = "plan.txt") -> PlanImport:
    return importing.stage_import(admin, text.encode("utf-8"), name)


def import_text(admin: User, text: str = SMALL_PLAN, name: str = "plan.txt") -> Plan:
    return importing.confirm_import(admin, stage_text(admin, text, name))


def import_seed(admin: User) -> Plan:
    add_seed_units(admin)
    return importing.confirm_import(admin, importing.stage_import(admin, SEED.read_bytes(), SEED.name))
