"""How long importing a 10,000-row 数据资源清单 takes with full validation (goal: under 10 s).

    .venv/bin/python bench/catalog_import.py [--mix 2000x5] [--mix 10000x1] ... [--profile FILE]
                                              [--database-url postgres://user@host:port/name]

Each mix (resources × 信息项 per resource) runs in its own process against a throwaway database, never
the configured one: by default a SQLite file in a temp folder; with --database-url, a `test_<name>`
database that the bench creates on that PostgreSQL server and drops afterwards. It generates the
workbook with the export's writer, every other resource naming one or two of the unit's information
systems, and imports it through `catalog.excel.import_resources` (the same code path as the upload
page: read, type every cell, every rule of catalog.rules, then create the resources through the
services with one audit entry each, and their system links with theirs). It prints wall and CPU
(process) time, split into read / validate / write, and the process's peak RSS; wall time stretches
when other work shares the CPUs, CPU time much less. A second import of the export (every row now
names an existing code) measures the unchanged path. --profile writes a cProfile of the first import.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

GRADES = ["一般数据1级", "一般数据2级", "一般数据3级", "重要数据"]
CYCLES = ["每日", "每周", "每月", "每季度", "每年"]
ITEM_TYPES = ["字符型", "数值型", "日期型", "整型"]
SYSTEMS = ["企业登记系统", "市场主体监管平台", "12315投诉举报系统"]


def rows(resources: int, items: int) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    for n in range(1, resources + 1):
        conditional = n % 3 != 0
        base = {
            "临时编号": str(n), "信息资源名称": f"企业登记信息第{n}号", "信息资源分类": "102 法人单位",
            "信息资源摘要": f"全县企业登记基本信息（第{n}批），含统一社会信用代码、名称、住所等",
            "格式分类": "数据库", "格式类型": "MySQL", "共享类型": "有条件共享" if conditional else "无条件共享",
            "共享条件": "用于政务服务办理" if conditional else None, "共享方式分类": "共享平台方式",
            "共享方式类型": "接口", "开放属性": "不予开放" if n % 2 else "有条件开放",
            "开放条件": None if n % 2 else "申请后开放", "更新周期": CYCLES[n % len(CYCLES)],
            "数据分级": GRADES[n % len(GRADES)], "涉密": "否", "关联资源代码": "101/000001",
            "数据存储总量（GB）": 1.5, "结构化信息记录总数": 12000 + n,
            "关联信息系统": None if n % 2 else "、".join(SYSTEMS[n % 3:n % 3 + 1 + n % 4 // 2]),
        }
        for i in range(1, items + 1):
            out.append({**base, "信息项名称": f"字段{i}", "数据类型": ITEM_TYPES[i % len(ITEM_TYPES)],
                        "长度": 20 * i, "敏感": "是" if i == 1 else "否", "必填": "是" if i == 1 else "否"})
    return out


def run_mix(resources: int, items: int, *, profile: str | None, database_url: str | None) -> None:
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = database_url or f"sqlite:///{tmp}/bench.sqlite3"
    os.environ["MEDIA_ROOT"] = f"{tmp}/media"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengtong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if database_url is None:
        call_command("migrate", verbosity=0)
        measure(resources, items, profile)
        return
    configured = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        print(f"  on {connection.vendor} {connection.pg_version if connection.vendor == 'postgresql' else ''}, "
              f"database {connection.settings_dict['NAME']}")
        measure(resources, items, profile)
    finally:
        connection.creation.destroy_test_db(configured, verbosity=0)


def measure(resources: int, items: int, profile: str | None) -> None:
    from catalog import services as catalog_services
    from catalog.excel import export_workbook, import_resources
    from catalog.excel.layout import RESOURCES
    from catalog.excel.writer import build_workbook
    from catalog.models import DataItem, DataResource
    from core import services
    from core.models import AuditEntry, Role

    unit = services.create_unit(None, short_name="市场监管局", full_name="泗洪县市场监督管理局")
    keeper = services.create_person(None, username="cdo", password="bench-password-1", display_name="数据官",
                                    unit=unit, roles=[Role.CDO])
    for name in SYSTEMS:
        catalog_services.save_system(keeper, unit, name=name, protection_level="2", deployment="gov_cloud",
                                     on_gov_cloud=True)
    started = time.perf_counter()
    data_rows = rows(resources, items)
    data = build_workbook(RESOURCES, ((n, [r.get(h) for h in RESOURCES.headers])
                                      for n, r in enumerate(data_rows, start=2)))
    made = time.perf_counter() - started
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    profiler = cProfile.Profile() if profile else None
    started, cpu = time.perf_counter(), time.process_time()
    if profiler is not None:
        profiler.enable()
    report = import_resources(keeper, unit, data)
    if profiler is not None:
        profiler.disable()
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    assert report.ok, report.errors[:5]
    print(f"mix {resources} resources × {items} 信息项 = {len(data_rows)} rows; file {len(data) / 1e6:.1f} MB "
          f"(generated in {made:.1f} s)")
    print(f"  import: total {total:.2f} s (CPU {cpu:.2f} s) = {_phases(report.timings)}")
    print(f"    created {report.created} resources, {DataItem.objects.count()} 信息项, "
          f"{DataResource.systems.through.objects.count()} system links, "
          f"{AuditEntry.objects.filter(action__startswith='catalog.resource.').count()} audit entries; "
          f"peak RSS {rss_after / 1024:.0f} MB (before the import {rss_before / 1024:.0f} MB)")
    if profiler is not None and profile:
        profiler.dump_stats(profile)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)
        print(f"  profile of the first import written to {profile} (python -m pstats {profile})")
    # the export read back: every resource is found by its code and left unchanged
    exported = export_workbook(RESOURCES, DataResource.objects.select_related("unit", "category")
                               .prefetch_related("items", "systems").order_by("code").iterator(chunk_size=2000))
    started, cpu = time.perf_counter(), time.process_time()
    again = import_resources(keeper, unit, exported)
    total, cpu = time.perf_counter() - started, time.process_time() - cpu
    assert again.ok and again.unchanged == resources, again.errors[:5]
    print(f"  re-import of the export (all unchanged): total {total:.2f} s (CPU {cpu:.2f} s) = "
          f"{_phases(again.timings)}")


def _phases(timings: dict[str, Any]) -> str:
    return " + ".join(f"{phase} {timings.get(phase, 0):.2f} s (CPU {timings.get(phase + '_cpu', 0):.2f})"
                      for phase in ("read", "validate", "write"))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mix", action="append", help="resources x items, e.g. 2000x5")
    parser.add_argument("--profile", metavar="FILE",
                        help="cProfile the first import of each mix into FILE.<mix>")
    parser.add_argument("--database-url", help="a PostgreSQL server to run on (the bench creates and drops "
                        "test_<name> there); default: a throwaway SQLite file")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    mixes = args.mix or ["2000x5", "10000x1"]
    if args.child:
        resources, items = (int(x) for x in mixes[0].split("x"))
        run_mix(resources, items, profile=args.profile, database_url=args.database_url)
        return
    load = os.getloadavg()[0]
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} (wall times stretch when other work shares the CPUs)")
    for mix in mixes:  # a fresh process per mix: its own database and its own peak memory
        extra = ["--profile", f"{args.profile}.{mix}"] if args.profile else []
        extra += ["--database-url", args.database_url] if args.database_url else []
        subprocess.run([sys.executable, __file__, "--child", "--mix", mix, *extra], check=True)


if __name__ == "__main__":
    main()
