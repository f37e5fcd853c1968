"""Build plan test data through the services, the way users create it."""

from __future__ import annotations

from pathlib import Path

from core.models import User
from plan import importing
from plan.models import Plan

SEED = Path(__file__).resolve().parents[2] / "demo" / "plan_2023_sihong.txt"


def import_seed(admin: User) -> Plan:
    imp = importing.stage_import(admin, SEED.read_bytes(), SEED.name)
    return importing.confirm_import(admin, imp)


def import_text(admin: User, text: str, name: str = "plan.txt") -> Plan:
    imp = importing.stage_import(admin, text.encode("utf-8"), name)
    return importing.confirm_import(admin, imp)
