"""SVG snapshots of the main screens: fixed clock, data in tmp_path, cursor blink off.

Update after an intended change with ``pytest tests/test_ui_snapshots.py --snapshot-update``
and look at the new SVGs before committing them.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from textual.widgets import Input

from deskapp.app import DeskApp
from deskapp.service import Desk
from tests.conftest import LATE, ON_TIME, clock_at, full_checklist, studio_fields

SIZE = (120, 36)


def a_few_packs(desk: Desk) -> None:
    store = desk.store
    store.register(
        "studio",
        studio_fields(),
        "张三",
        checklist=full_checklist(desk, "studio"),
        pages=20,
        received_at=ON_TIME - timedelta(days=2),
    )
    store.register(
        "project",
        studio_fields(unit="准东新能源有限公司", name="光伏储能项目", sector="新能源新材料", members=None),
        "李四",
        checklist={**full_checklist(desk, "project"), "ecopy": False},
        pages=18,
        received_at=ON_TIME - timedelta(days=1),
    )
    store.register(
        "studio",
        studio_fields(unit="奇台某铝业公司", name="铝电解技能大师工作室", sector="有色金属冶炼", members=12),
        "张三",
        checklist={"unit_head_signature": True, "unit_seal": True},
        pages=31,
        received_at=ON_TIME - timedelta(hours=1),
    )
    with clock_at(store, LATE):
        store.register("studio", studio_fields(), "李四", pages=20, received_at=LATE)


def no_blink(app: DeskApp) -> None:
    for box in app.screen.query(Input):
        box.cursor_blink = False


def test_main_screen(still_desk: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    a_few_packs(still_desk)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=SIZE, run_before=ready)


def test_main_screen_searching_by_pinyin(still_desk: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    a_few_packs(still_desk)

    async def search(pilot) -> None:  # type: ignore[no-untyped-def]
        no_blink(pilot.app)
        await pilot.press(*"qt")
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=SIZE, run_before=search)


def test_registration_screen(still_desk: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def half_filled(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2", "1")
        no_blink(pilot.app)
        for text in ["准东某煤化工有限公司", "煤化工技能大师工作室", "mt"]:
            await pilot.press(*text, "enter")
        await pilot.press("f7", "1", "2", "5")  # F7: the checklist, then its keys
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=SIZE, run_before=half_filled)


def test_saved_screen(still_desk: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    async def saved(pilot) -> None:  # type: ignore[no-untyped-def]
        await pilot.press("f2", "2")
        for text in ["准东新能源有限公司", "光伏储能项目"]:
            await pilot.press(*text, "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=SIZE, run_before=saved)


def test_pack_screen(still_desk: Desk, snap_compare) -> None:  # type: ignore[no-untyped-def]
    a_few_packs(still_desk)
    still_desk.store.update(2, {"checklist.ecopy": True, "ecopy_medium": "U盘"}, "李四", reason="次日补交")

    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.open_pack(2)
        await pilot.pause()
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=SIZE, run_before=opened)


SMALL_SIZES = [(100, 30), (80, 24)]


@pytest.mark.parametrize("size", SMALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen_small_terminal(still_desk: Desk, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    """Receipt number, unit, status and what is missing stay; the time, kind and name go first."""
    a_few_packs(still_desk)

    async def ready(pilot) -> None:  # type: ignore[no-untyped-def]
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=size, run_before=ready)


@pytest.mark.parametrize("size", SMALL_SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_pack_screen_small_terminal(still_desk: Desk, snap_compare, size) -> None:  # type: ignore[no-untyped-def]
    """The pack's fields and its checklist stack instead of sharing a 12-column strip."""
    a_few_packs(still_desk)

    async def opened(pilot) -> None:  # type: ignore[no-untyped-def]
        pilot.app.open_pack(3)
        await pilot.pause()
        no_blink(pilot.app)
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=size, run_before=opened)
