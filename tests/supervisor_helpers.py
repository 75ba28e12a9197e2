"""Shared set-up for the supervisor's tests: a desk with one supervisor (PIN 246810) and known packs."""

from __future__ import annotations

from datetime import datetime

from deskapp.auth import hash_pin
from deskapp.config import StaffMember
from deskapp.models import Pack
from deskapp.service import Desk, save_staff
from deskapp.timeutil import BEIJING

from .conftest import LATE, clock_at, full_checklist, studio_fields

SUPERVISOR, PIN = "王科长", "246810"
_PIN_HASH = hash_pin(PIN)


def add_supervisor(desk: Desk) -> Desk:
    save_staff(
        desk.locations, [StaffMember("张三"), StaffMember("李四"), StaffMember(SUPERVISOR, "supervisor", _PIN_HASH)]
    )
    desk.reload_config()
    return desk


def day(d: int, hour: int = 10) -> datetime:
    return datetime(2026, 6, d, hour, 0, tzinfo=BEIJING)


def complete_studio(desk: Desk, **over: object) -> Pack:
    received = over.pop("received_at", None)
    with arriving(desk, received):
        return desk.store.register(
            "studio",
            studio_fields(**over),
            "张三",
            checklist=full_checklist(desk, "studio"),
            pages=20,
            received_at=received,
        )


def arriving(desk: Desk, received: object):  # type: ignore[no-untyped-def]
    """The store's clock at ``received`` while a pack that arrived then is registered (no future times)."""
    from contextlib import nullcontext

    return clock_at(desk.store, received) if isinstance(received, datetime) else nullcontext()


def incomplete_studio(desk: Desk, missing: tuple[str, ...] = ("ecopy",), **over: object) -> Pack:
    checklist = {k: k not in missing for k in full_checklist(desk, "studio")}
    received = over.pop("received_at", None)
    with arriving(desk, received):
        return desk.store.register(
            "studio", studio_fields(**over), "张三", checklist=checklist, pages=20, received_at=received
        )


def known_round(desk: Desk) -> dict[str, Pack]:
    """Six packs whose counts every dashboard test knows by heart."""
    packs = {
        "accepted": complete_studio(desk, name="甲工作室", received_at=day(3)),
        "missing": incomplete_studio(
            desk,
            ("ecopy", "evidence"),
            name="乙工作室",
            sector="教育",
            contact="赵六",
            phone="13812345678",
            received_at=day(5),
        ),
        "late": complete_studio(desk, name="丙工作室", sector="卫生", received_at=LATE),
        "withdrawn": complete_studio(desk, name="丁工作室", received_at=day(5, 15)),
        "voided": complete_studio(desk, name="戊工作室", received_at=day(6)),
        "project": desk.store.register(
            "project",
            {"unit": "某项目单位", "name": "项目甲", "contact": "钱七", "phone": "0994-1234567"},
            "李四",
            pages=8,
            received_at=day(8),
        ),
    }
    from deskapp import outcomes

    outcomes.accept(desk.store, packs["accepted"].id, "张三")
    outcomes.withdraw(desk.store, packs["withdrawn"].id, "李四", reason="单位来电撤回")
    outcomes.void(desk.store, packs["voided"].id, SUPERVISOR, pin=PIN, reason="重复登记")
    return {k: desk.store.get(p.id) for k, p in packs.items()}


__all__ = ["LATE", "PIN", "SUPERVISOR", "add_supervisor", "complete_studio", "day", "incomplete_studio", "known_round"]
