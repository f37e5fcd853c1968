"""How long the work-points import takes: parse only, and parse + stage + confirm into the database.

    .venv/bin/python bench/plan_import.py [--rounds 20]

Runs against a throwaway SQLite database in a temp folder (never the configured one).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    os.environ["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zhengtong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from core import demo
    from core.models import User
    from plan import importing
    from plan.models import Plan
    from text.documents import read_document
    from text.plan_parser import parse_plan

    seed = (ROOT / "demo" / "plan_2023_sihong.txt").read_bytes()
    parse_ms = []
    for _ in range(args.rounds):
        t0 = time.perf_counter()
        parse_plan(read_document(seed, "seed.txt"))
        parse_ms.append((time.perf_counter() - t0) * 1000)

    call_command("migrate", verbosity=0)
    demo.load()
    admin = User.objects.get(username="admin")
    import_ms = []
    for _ in range(max(3, args.rounds // 4)):
        Plan.objects.all().delete()
        t0 = time.perf_counter()
        importing.confirm_import(admin, importing.stage_import(admin, seed, "seed.txt"))
        import_ms.append((time.perf_counter() - t0) * 1000)

    print(f"seed: {len(seed.decode('utf-8'))} 字, 39 项任务")
    print(f"parse (read + parse_plan): median {statistics.median(parse_ms):.1f} ms, "
          f"max {max(parse_ms):.1f} ms over {len(parse_ms)} rounds")
    print(f"import (stage + confirm, SQLite): median {statistics.median(import_ms):.0f} ms, "
          f"max {max(import_ms):.0f} ms over {len(import_ms)} rounds")


if __name__ == "__main__":
    main()
