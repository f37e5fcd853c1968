"""回头看: data-quality checks on a resource's real data, derived from its 信息项 (spec catalog.md §12).

Framework-free: no Django here. A service turns a resource's 信息项 into ``ColumnSpec``s, loads the
attached data and runs the plan::

    plan = QualityPlan(
        columns=(ColumnSpec("身份证号", required=True, unique=True, rule=ResidentId()), ...),
        timeliness=TimelinessSpec("更新时间", UpdatePeriod.MONTHLY, grace_days=5),
    )
    report = run(FileSource(path, filename="人口.xlsx"), plan, limits=Limits(...), allow_private=False)
    for finding in report.findings: ...          # failed checks, with Chinese descriptions

Every failure to load or check is a ``QualityError`` with a Chinese message; a failed load leaves
nothing behind (see ``dataset``).
"""

from catalog.quality.databases import load_database
from catalog.quality.dataset import Dataset
from catalog.quality.engine import check
from catalog.quality.errors import QualityError
from catalog.quality.files import load_csv, load_file, load_parquet, load_xlsx
from catalog.quality.results import CheckKind, CheckResult, Freshness, QualityReport, Recheck, Sample, compare
from catalog.quality.rules import (
    RULES,
    AllowedValues,
    BankCard,
    CreditCode,
    DateFormat,
    Mobile,
    NumericRange,
    OrgCode,
    Pattern,
    RegionCode,
    ResidentId,
    Rule,
    rule_for,
)
from catalog.quality.sources import DatabaseSource, FileSource, run
from catalog.quality.spec import ColumnSpec, DataType, Limits, QualityPlan, TimelinessSpec, UpdatePeriod

__all__ = [
    "RULES",
    "AllowedValues",
    "BankCard",
    "CheckKind",
    "CheckResult",
    "ColumnSpec",
    "CreditCode",
    "DataType",
    "DatabaseSource",
    "Dataset",
    "DateFormat",
    "FileSource",
    "Freshness",
    "Limits",
    "Mobile",
    "NumericRange",
    "OrgCode",
    "Pattern",
    "QualityError",
    "QualityPlan",
    "QualityReport",
    "Recheck",
    "RegionCode",
    "ResidentId",
    "Rule",
    "Sample",
    "TimelinessSpec",
    "UpdatePeriod",
    "check",
    "compare",
    "load_csv",
    "load_database",
    "load_file",
    "load_parquet",
    "load_xlsx",
    "rule_for",
    "run",
]
