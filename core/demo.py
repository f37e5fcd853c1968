"""The demo county: the units named in the 2023 work points, a few 乡镇, one person per role."""

from __future__ import annotations

from core import services
from core.models import Role, Unit, UnitKind, User

DEMO_PASSWORD = "Zhengtong@2023"

# (short name, full name, kind, aliases). Aliases are the spellings the seed document uses.
UNITS: list[tuple[str, str, str, list[str]]] = [
    ("县政府办", "泗洪县人民政府办公室", UnitKind.GOVERNMENT, ["县政府办公室", "政府办"]),
    ("大数据中心", "泗洪县大数据中心", UnitKind.DEPARTMENT, ["大数据管理局", "县大数据管理局", "县大数据中心"]),
    ("发改局", "泗洪县发展和改革局", UnitKind.DEPARTMENT, ["县发改局", "发展改革局"]),
    ("城管局", "泗洪县城市管理局", UnitKind.DEPARTMENT, ["县城管局"]),
    ("公安局", "泗洪县公安局", UnitKind.DEPARTMENT, ["县公安局"]),
    ("住建局", "泗洪县住房和城乡建设局", UnitKind.DEPARTMENT, ["县住建局"]),
    ("市监局", "泗洪县市场监督管理局", UnitKind.DEPARTMENT, ["县市监局", "市场监管局"]),
    ("生态环境局", "宿迁市泗洪生态环境局", UnitKind.DEPARTMENT, ["县生态环境局"]),
    ("应急管理局", "泗洪县应急管理局", UnitKind.DEPARTMENT, ["县应急局", "应急局"]),
    ("资规局", "泗洪县自然资源和规划局", UnitKind.DEPARTMENT, ["县资规局", "自然资源和规划局"]),
    ("文广旅局", "泗洪县文化广电和旅游局", UnitKind.DEPARTMENT, ["县文广旅局", "文旅局"]),
    ("财政局", "泗洪县财政局", UnitKind.DEPARTMENT, ["县财政局"]),
    ("网信办", "中共泗洪县委网络安全和信息化委员会办公室", UnitKind.DEPARTMENT, ["县委网信办"]),
    ("行政审批局", "泗洪县行政审批局", UnitKind.DEPARTMENT, ["县行政审批局", "审批局"]),
    ("组织部", "中共泗洪县委组织部", UnitKind.DEPARTMENT, ["县委组织部"]),
    ("旅游度假区", "泗洪洪泽湖湿地旅游度假区管理委员会", UnitKind.ZONE, ["洪泽湖湿地旅游度假区"]),
    ("经开区", "泗洪经济开发区管理委员会", UnitKind.ZONE, ["泗洪经济开发区"]),
    ("文旅集团", "泗洪县文化旅游集团有限公司", UnitKind.AFFILIATED, []),
    ("广网公司", "江苏有线泗洪分公司", UnitKind.OUTSIDE, []),
    ("移动公司", "中国移动泗洪分公司", UnitKind.OUTSIDE, ["泗洪移动"]),
    ("联通公司", "中国联通泗洪分公司", UnitKind.OUTSIDE, ["泗洪联通"]),
    ("电信公司", "中国电信泗洪分公司", UnitKind.OUTSIDE, ["泗洪电信"]),
    ("县人行", "中国人民银行泗洪县支行", UnitKind.OUTSIDE, ["人民银行泗洪县支行", "人行"]),
    ("青阳街道", "泗洪县青阳街道办事处", UnitKind.TOWNSHIP, []),
    ("大楼街道", "泗洪县大楼街道办事处", UnitKind.TOWNSHIP, []),
    ("双沟镇", "泗洪县双沟镇人民政府", UnitKind.TOWNSHIP, []),
    ("上塘镇", "泗洪县上塘镇人民政府", UnitKind.TOWNSHIP, []),
    ("半城镇", "泗洪县半城镇人民政府", UnitKind.TOWNSHIP, []),
]

# (username, display name, unit short name, roles)
PEOPLE: list[tuple[str, str, str, list[str]]] = [
    ("admin", "王建华", "大数据中心", [Role.DC_ADMIN]),
    ("supervisor", "李敏", "县政府办", [Role.SUPERVISOR]),
    ("cdo", "张伟", "财政局", [Role.CDO, Role.REPORTER]),
    ("dataofficer", "刘洋", "大数据中心", [Role.DATA_OFFICER, Role.REPORTER]),
    ("editor", "陈静", "县政府办", [Role.EDITOR]),
    ("reviewer1", "杨帆", "县政府办", [Role.REVIEWER_1]),
    ("reviewer2", "赵磊", "县政府办", [Role.REVIEWER_2]),
    ("reviewer3", "黄丽", "县政府办", [Role.REVIEWER_FINAL]),
    ("head", "周强", "县政府办", [Role.UNIT_HEAD]),
    ("projectowner", "吴刚", "城管局", [Role.PROJECT_OWNER, Role.REPORTER]),
    ("expert", "徐涛", "大数据中心", [Role.EXPERT]),
    ("reporter", "孙丽", "发改局", [Role.REPORTER]),
    ("township", "朱军", "半城镇", [Role.REPORTER]),
]


def load() -> str:
    """Create what is missing; never touches what an admin has changed since."""
    root, _ = Unit.objects.get_or_create(
        short_name="县政府", defaults={"full_name": "泗洪县人民政府", "kind": UnitKind.GOVERNMENT, "sort_order": 0})
    created_units = 0
    for order, (short, full, kind, aliases) in enumerate(UNITS, start=1):
        if not Unit.objects.filter(short_name=short).exists():
            services.create_unit(None, short_name=short, full_name=full, kind=kind, parent=root,
                                 aliases=aliases, sort_order=order)
            created_units += 1
    created_people = 0
    for username, name, unit_name, roles in PEOPLE:
        if not User.objects.filter(username=username).exists():
            services.create_person(None, username=username, password=DEMO_PASSWORD, display_name=name,
                                   unit=Unit.objects.get(short_name=unit_name), roles=roles)
            created_people += 1
    return f"单位 {Unit.objects.count()} 个（新建 {created_units}），人员 {User.objects.count()} 人（新建 {created_people}）"


def login_table() -> list[tuple[str, str, str, str]]:
    """(username, password, name, roles) for the demo people, printed by load_demo."""
    rows = []
    for username, name, unit_name, roles in PEOPLE:
        labels = "、".join(Role(r).label for r in roles)
        rows.append((username, DEMO_PASSWORD, f"{name}（{unit_name}）", labels))
    return rows
