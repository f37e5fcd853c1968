"""The column layout of each list's workbook: one table drives the template, the export and the import.

Headers follow the names of 《政务信息资源目录编制指南(试行)》 (发改高技〔2017〕1272号, spec §1) and the
大普查 counters (spec §6); coded fields carry the Chinese labels of `catalog.models.choices`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from catalog.models import (
    DemandState,
    Deployment,
    FormatClass,
    Grade,
    InformationSystem,
    ItemType,
    Lifecycle,
    OpenType,
    ProtectionLevel,
    SharingChannel,
    SharingMedium,
    SharingType,
    UpdateCycle,
    ValidityKind,
)

# Kinds of cell a column holds (how the import reads it).
TEXT, INT, DECIMAL, DATE, BOOL, CHOICE, UNIT, CATEGORY, CODES = (
    "text", "int", "decimal", "date", "bool", "choice", "unit", "category", "codes")

MAX_DATA_ROWS = 50_000
NOTE_HEADER = "错误说明"  # added to the annotated workbook; ignored when it comes back
YES, NO = "是", "否"


@dataclass(frozen=True)
class Column:
    header: str
    key: str  # the service's field name ("" for a column that is only informative)
    kind: str = TEXT
    width: float = 14
    required: bool = False
    choices: tuple[tuple[str, str], ...] = ()  # (code, label) for CHOICE
    max_length: int | None = None
    export_only: bool = False  # written by the export, not read back by the import
    item: bool = False  # a 信息项 column of the resource list (one 信息项 per row)
    help: str = ""

    @property
    def labels(self) -> list[str]:
        return [label for _, label in self.choices]


@dataclass(frozen=True)
class Layout:
    name: str  # resources | systems | sharing | demands (the ?list= parameter)
    title: str  # the data sheet's name and the file's name
    columns: tuple[Column, ...]
    rules: tuple[str, ...] = ()  # the 填写说明 sheet's general rules
    by_header: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_header", {c.header: c for c in self.columns})

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def header_of(self, key: str | None, *, item: bool = False) -> str:
        """The header of the column that edits this service field ("" when there is none)."""
        if key in self.by_header:  # some services name the field by its Chinese label
            return key
        for column in self.columns:
            if column.key == key and column.item == item and not column.export_only:
                return column.header
        return ""


def _choices(cls: type) -> tuple[tuple[str, str], ...]:
    return tuple((str(code), str(label)) for code, label in cls.choices)  # type: ignore[attr-defined]


def _text(header: str, key: str, width: float = 16, *, required: bool = False, max_length: int | None = None,
          item: bool = False, help: str = "") -> Column:
    return Column(header, key, TEXT, width, required=required, max_length=max_length, item=item, help=help)


def _choice(header: str, key: str, cls: type, *, required: bool = False, item: bool = False, width: float = 14,
            help: str = "") -> Column:
    return Column(header, key, CHOICE, width, required=required, choices=_choices(cls), item=item, help=help)


def _bool(header: str, key: str, *, item: bool = False, help: str = "") -> Column:
    return Column(header, key, BOOL, 8, choices=(("1", YES), ("0", NO)), item=item, help=help or "填“是”或“否”，不填为“否”")


def _info(header: str, width: float = 14, help: str = "导出时填写，导入时不读取") -> Column:
    return Column(header, "", TEXT, width, export_only=True, help=help)


_SAME_AS_RESOURCE = "不填则与资源相同"

RESOURCES = Layout("resources", "数据资源清单", (
    _text("信息资源代码", "code", 16, help="已登记的资源填写其代码（修改该资源）；新资源不填，导入后由系统按分类自动编码"),
    _text("临时编号", "temp_key", 10, help="新资源填写，同一资源的各行填写相同的编号（如 1、2、3）；"
                                     "不填则按“信息资源名称”归为同一资源"),
    _text("信息资源名称", "name", 24, required=True, max_length=128),
    Column("信息资源分类", "category", CATEGORY, 22, required=True,
           help="从下拉列表选择“分类编码 名称”，或只填分类编码（如 101）"),
    Column("信息资源提供方", "unit", UNIT, 16,
           help="单位简称或全称。本单位导入时可不填；大数据中心导入时必填"),
    _info("提供方代码", 20, "提供方的统一社会信用代码，导出时填写，导入时不读取"),
    _text("信息资源摘要", "summary", 30, required=True, max_length=255),
    _choice("格式分类", "format_class", FormatClass, required=True),
    _text("格式类型", "format_type", 12, max_length=30, help="如 xlsx、MySQL、JSON"),
    _choice("共享类型", "sharing_type", SharingType, required=True),
    _text("共享条件", "sharing_condition", 24, max_length=300, help="有条件共享时必填"),
    _text("不予共享依据", "sharing_basis", 24, max_length=300, help="不予共享时必填：法律法规或政策依据"),
    _choice("共享方式分类", "sharing_channel", SharingChannel, help="不填为“共享平台方式”"),
    _choice("共享方式类型", "sharing_medium", SharingMedium, help="通过共享平台共享时必填"),
    _choice("开放属性", "open_type", OpenType, required=True),
    _text("开放条件", "open_condition", 24, max_length=300, help="有条件开放时必填"),
    Column("开放日期", "opened_on", DATE, 12, help="在开放平台上线的日期，格式 2024-01-31"),
    _choice("更新周期", "update_cycle", UpdateCycle, required=True),
    Column("最近更新日期", "last_updated_on", DATE, 12, help="格式 2024-01-31"),
    _info("发布日期", 12, "审核通过时由系统填写，导入时不读取"),
    _choice("数据分级", "grade", Grade, required=True, width=14, help="GB/T 43697：核心数据、重要数据、一般数据（分级）"),
    _bool("涉密", "is_classified"),
    Column("关联资源代码", "related_codes", CODES, 20, help="多个代码用顿号、逗号或分号分隔，如 101/000001"),
    _text("关联信息系统", "systems", 20, help="提供方已登记的信息系统名称，多个用顿号、逗号或分号分隔"),
    Column("数据存储总量（GB）", "storage_total_gb", DECIMAL, 12, help="信息资源大普查：数字，最多 3 位小数"),
    Column("结构化信息记录总数", "record_total", INT, 12, help="非负整数"),
    Column("已共享的数据存储量（GB）", "shared_storage_gb", DECIMAL, 12),
    Column("已共享的结构化记录数", "shared_records", INT, 12),
    Column("已开放的数据存储量（GB）", "opened_storage_gb", DECIMAL, 12),
    Column("已开放的结构化记录数", "opened_records", INT, 12),
    _info("状态", 8, "草稿、待审核、已发布或已下线，导入时不读取"),
    _text("信息项名称", "name", 16, max_length=80, item=True,
          help="每行一个信息项；同一资源内不能重复。资源暂无信息项时可不填"),
    _choice("数据类型", "data_type", ItemType, item=True, help="不填为“字符型”"),
    Column("长度", "length", INT, 8, item=True, help="正整数，可不填"),
    _bool("敏感", "is_sensitive", item=True, help="含个人信息等敏感内容填“是”；敏感信息项不得无条件开放"),
    _choice("信息项共享类型", "sharing_type", SharingType, item=True, help=_SAME_AS_RESOURCE),
    _choice("信息项开放属性", "open_type", OpenType, item=True, help=_SAME_AS_RESOURCE),
    _bool("必填", "required", item=True),
    _bool("唯一", "unique", item=True),
    Column("取值校验", "validity", CHOICE, 14, choices=tuple(c for c in _choices(ValidityKind) if c[0]), item=True,
           help="回头看质量检查按此校验取值，不填为不检查"),
    _text("信息项说明", "description", 20, max_length=200, item=True),
), rules=(
    "每行填写一个信息项。同一资源的各行，资源部分的各列（代码、名称、分类、共享类型等）填写相同的内容；"
    "不填的格视为与同一资源的其他行相同。请不要合并单元格。",
    "已登记的资源按“信息资源代码”更新：草稿和已下线的资源直接修改；已发布的资源修改后转为“待审核”（变更审核），"
    "待审核的资源在审核完成前不能修改。内容没有变化的资源不会被改动。",
    "新资源不填“信息资源代码”，导入后由系统按“分类编码/6位顺序码”自动编码；填写了系统中不存在的代码将报错。"
    "代码发布后不变，修改分类请在资源页面办理。",
    "有条件共享须填写“共享条件”；不予共享须填写“不予共享依据”。",
    "不予共享 ⇒ 不予开放：不予共享的资源和信息项，开放属性须为“不予开放”；资源不予共享时，信息项也不能共享。",
    "有条件开放须填写“开放条件”。",
    "核心数据、重要数据不能无条件开放（GB/T 43697）；敏感信息项不能无条件开放。",
    "涉密资源的共享类型须为“不予共享”，开放属性须为“不予开放”。",
    "通过共享平台共享的资源须选择“共享方式类型”：电子文件、图形图像类资源为“文件”，数据库类为“数据库”或“接口”，"
    "服务接口类为“接口”。",
    "一般数据的级数以目录设置为准，超出的级别将报错。",
    "导入要么全部成功，要么一条也不写入：任何一处错误都会列出行号、列名和原因，改正后重新上传即可。",
))

SYSTEMS = Layout("systems", "信息系统清单", (
    _text("系统名称", "name", 24, required=True, max_length=128,
          help="同一单位内按系统名称识别：已登记的系统将被修改，未登记的将新建"),
    Column("建设单位", "unit", UNIT, 16, help="单位简称或全称。本单位导入时可不填；大数据中心导入时必填"),
    _choice("等保级别", "protection_level", ProtectionLevel, required=True, help="网络安全等级保护级别"),
    _choice("部署位置", "deployment", Deployment, required=True),
    _bool("是否上政务云", "on_gov_cloud"),
    _bool("是否涉密系统", "is_classified", help="涉密信息系统不得部署在政务云上"),
    _choice("运行状态", "state", InformationSystem.State, required=True),
    _text("系统简介", "description", 30),
    Column("关联事项编码", "service_matters", CODES, 22, help="政务服务事项编码，多个用顿号、逗号或分号分隔"),
    _info("审核状态", 8, "草稿、待审核、已发布或已下线，导入时不读取"),
), rules=(
    "每行一个信息系统，按“建设单位 + 系统名称”识别：已登记的系统将被修改（已发布的转为待审核），未登记的将新建。",
    "涉密信息系统不得部署在政务云上（“是否涉密系统”为“是”时，“是否上政务云”须为“否”）。",
    "导入要么全部成功，要么一条也不写入。",
))

SHARING = Layout("sharing", "共享清单", (
    Column("共享编号", "pk", INT, 10, help="导出的共享记录带有编号，修改时保留；新增的共享记录不填"),
    _text("信息资源代码", "resource", 16, required=True, help="共享的数据资源的代码"),
    _info("信息资源名称", 24),
    _info("信息资源提供方", 14),
    Column("使用单位", "consumer", UNIT, 16, required=True, help="单位简称或全称"),
    _choice("共享方式", "medium", SharingMedium, required=True),
    _text("共享信息项", "items", 24, help="信息项名称，多个用顿号、逗号或分号分隔；不填表示全部信息项"),
    _text("用途", "purpose", 24, max_length=300),
    Column("开始共享日期", "since", DATE, 12, help="格式 2024-01-31，不填为导入当天"),
    Column("是否有效", "active", BOOL, 8, choices=(("1", YES), ("0", NO)), help="填“是”或“否”，不填为“是”"),
    _info("来源需求编号", 10),
), rules=(
    "每行一条共享记录。带“共享编号”的行修改该记录，不带的行新增一条记录。",
    "只能登记本单位提供的资源；不予共享或涉密的资源不能登记共享。",
    "导入要么全部成功，要么一条也不写入。",
))

DEMANDS = Layout("demands", "需求清单", (
    Column("需求编号", "pk", INT, 10, help="导出的需求带有编号，导入时保持不变；新提出的需求不填"),
    Column("需求单位", "requester", UNIT, 16, help="单位简称或全称。本单位导入时可不填；大数据中心导入时必填"),
    Column("提供单位", "provider", UNIT, 16, help="填写了“所需资源代码”时可不填"),
    _text("所需资源代码", "resource", 16, help="目录中已有的资源填写其代码；目录中没有时不填，写明“所需数据”"),
    _text("所需数据", "wanted_name", 24, max_length=128, help="所需数据的名称；填写了资源代码时可不填"),
    _text("所需信息项", "wanted_items", 24, max_length=500),
    _text("用途", "purpose", 24, required=True, max_length=500),
    _text("依据", "legal_basis", 24, required=True, max_length=500, help="法律法规、政策文件或工作任务依据"),
    _choice("期望共享方式", "medium", SharingMedium, help="不填为“接口”"),
    Column("状态", "", CHOICE, 10, choices=_choices(DemandState), export_only=True, help="导出时填写，导入时不读取"),
    _info("提出时间", 16),
    _info("答复期限", 16),
    _info("答复时间", 16),
    _info("答复意见", 20),
    _info("共享条件", 20),
    _info("交付时间", 16),
    _info("交付说明", 20),
    _info("评价", 8),
    _info("评价意见", 20),
), rules=(
    "每行一条数据需求。不带“需求编号”的行作为新需求提出，提供单位在答复时限内答复；"
    "带编号的行是已提出的需求，导入时不作修改（答复、交付和评价请在需求页面办理）。",
    "只能以本单位名义提出需求，不能向本单位提出；只能申请已发布的非涉密资源，不予共享的资源不能申请。",
    "导入要么全部成功，要么一条也不写入。",
))

LAYOUTS: dict[str, Layout] = {layout.name: layout for layout in (RESOURCES, SYSTEMS, SHARING, DEMANDS)}
STATUS_LABELS = dict(Lifecycle.choices)
