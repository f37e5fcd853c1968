"""Coded values of the national catalog metadata (《政务信息资源目录编制指南(试行)》, GB/T 43697).

See ../shared/specs/catalog.md §1, §4, §5, §8 for where each list comes from.
"""

from __future__ import annotations

from django.db import models


class FormatClass(models.TextChoices):
    """信息资源格式分类 (指南 field 7)."""

    FILE = "1", "电子文件"
    SHEET = "2", "电子表格"
    DATABASE = "3", "数据库"
    IMAGE = "4", "图形图像"
    STREAM = "5", "流媒体"
    SELF_DESCRIBING = "6", "自描述格式"
    SERVICE = "7", "服务接口"


class ItemType(models.TextChoices):
    """信息项数据类型 (指南 field 8, as implementations code it)."""

    CHAR = "C", "字符型"
    NUMBER = "N", "数值型"
    CURRENCY = "Y", "货币型"
    DATE = "D", "日期型"
    DATETIME = "T", "日期时间型"
    LOGICAL = "L", "逻辑型"
    MEMO = "M", "备注型"
    GENERAL = "G", "通用型"
    DOUBLE = "B", "双精度型"
    INTEGER = "I", "整型"
    FLOAT = "F", "浮点型"
    CUSTOM = "X", "自定义"


class SharingType(models.TextChoices):
    """共享类型 (国发〔2016〕51号: 以共享为原则、不共享为例外)."""

    UNCONDITIONAL = "unconditional", "无条件共享"
    CONDITIONAL = "conditional", "有条件共享"
    NONE = "none", "不予共享"


class SharingChannel(models.TextChoices):
    """共享方式分类."""

    PLATFORM = "platform", "共享平台方式"
    EMAIL = "email", "邮件方式"
    MEDIUM = "medium", "介质方式"


class SharingMedium(models.TextChoices):
    """共享方式类型 (platform): database resources go as 数据库 or 接口, files as 文件."""

    DATABASE = "database", "数据库"
    API = "api", "接口"
    FILE = "file", "文件"


class OpenType(models.TextChoices):
    UNCONDITIONAL = "unconditional", "无条件开放"
    CONDITIONAL = "conditional", "有条件开放"
    NONE = "none", "不予开放"


class UpdateCycle(models.TextChoices):
    """更新周期 and how many days one period lasts (for the freshness check, spec §5)."""

    REALTIME = "realtime", "实时"
    DAILY = "daily", "每日"
    WEEKLY = "weekly", "每周"
    MONTHLY = "monthly", "每月"
    QUARTERLY = "quarterly", "每季度"
    HALF_YEARLY = "half_yearly", "每半年"
    YEARLY = "yearly", "每年"
    IRREGULAR = "irregular", "不定时"


CYCLE_DAYS: dict[str, int | None] = {
    UpdateCycle.REALTIME: 1, UpdateCycle.DAILY: 1, UpdateCycle.WEEKLY: 7, UpdateCycle.MONTHLY: 31,
    UpdateCycle.QUARTERLY: 92, UpdateCycle.HALF_YEARLY: 183, UpdateCycle.YEARLY: 366, UpdateCycle.IRREGULAR: None,
}


class Grade(models.TextChoices):
    """GB/T 43697-2024 数据分级: 核心 > 重要 > 一般 (一般 split into levels as a setting)."""

    CORE = "core", "核心数据"
    IMPORTANT = "important", "重要数据"
    GENERAL_4 = "general_4", "一般数据4级"
    GENERAL_3 = "general_3", "一般数据3级"
    GENERAL_2 = "general_2", "一般数据2级"
    GENERAL_1 = "general_1", "一般数据1级"


class ProtectionLevel(models.TextChoices):
    """网络安全等级保护级别 of an information system."""

    NONE = "0", "未定级"
    L1 = "1", "第一级"
    L2 = "2", "第二级"
    L3 = "3", "第三级"
    L4 = "4", "第四级"


class Deployment(models.TextChoices):
    GOV_CLOUD = "gov_cloud", "县政务云"
    CITY_PLATFORM = "city", "市级平台"
    LOCAL_ROOM = "local", "本单位机房"
    OTHER = "other", "其他"


class ValidityKind(models.TextChoices):
    """What a 信息项's values must look like, for the 回头看 validity check."""

    NONE = "", "不检查"
    RESIDENT_ID = "resident_id", "居民身份证号"
    CREDIT_CODE = "credit_code", "统一社会信用代码"
    ORG_CODE = "org_code", "组织机构代码"
    REGION_CODE = "region_code", "行政区划代码"
    MOBILE = "mobile", "手机号码"
    DATE = "date", "日期"
