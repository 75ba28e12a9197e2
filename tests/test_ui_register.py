"""Registering packs by keys alone, as a clerk following the footer would."""

from __future__ import annotations

import resource
import signal
from contextlib import contextmanager

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.register import DuplicateDialog, KindDialog, RegisterScreen, SavedScreen
from tests.conftest import ON_TIME, full_checklist, studio_fields
from tests.ui_keys import burst, shown, type_text

STUDIO_TYPED = [
    "准东某煤化工有限公司",
    "煤化工技能大师工作室",
    "mt",
    "王建国",
    "刘敏",
    "13900000000",
    "6",
]
"""Typed with Enter after each; 备注 is not in the Enter chain (F8 reaches it)."""


async def fill_studio(pilot, key_by_key: bool = False) -> None:  # type: ignore[no-untyped-def]
    """F2, 1, then every field and Enter: key by key as a clerk, or all at once (fast)."""
    await pilot.press("f2")
    assert isinstance(pilot.app.screen, KindDialog)
    await pilot.press("1")
    assert isinstance(pilot.app.screen, RegisterScreen)
    if key_by_key:
        for text in STUDIO_TYPED:
            await type_text(pilot, text, enter=True)
    else:
        await burst(pilot, "\r".join(STUDIO_TYPED) + "\r")


async def test_register_studio_by_keys(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, MainScreen)
        await fill_studio(pilot, key_by_key=True)
        assert shown(app.screen.query_one("#sector-hint")) == "→ 煤炭煤电煤化工"
        await pilot.press("1", "2", "3", "4", "5", "6", "7", "8")  # all but 9 电子版
        await pilot.press("enter")
        await type_text(pilot, "20", enter=True)
        await pilot.press("f8")
        await type_text(pilot, "周五前补交电子版")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        assert shown(app.screen.query_one("#saved-number-text")) == "ZD2026-GZS-0001"
        assert shown(app.screen.query_one("#saved-verdict")) == "缺：电子版"

        pack = desk.store.by_receipt("ZD2026-GZS-0001")
        assert pack is not None
        assert (pack.kind, pack.unit, pack.name, pack.sector) == (
            "studio",
            "准东某煤化工有限公司",
            "煤化工技能大师工作室",
            "煤炭煤电煤化工",
        )
        assert (pack.leader, pack.contact, pack.phone, pack.members, pack.notes) == (
            "王建国",
            "刘敏",
            "13900000000",
            6,
            "周五前补交电子版",
        )
        assert pack.clerk == "张三" and pack.pages == 20 and pack.ecopy_medium == ""
        assert pack.checklist == {**full_checklist(desk, "studio"), "ecopy": False}
        assert pack.received.date() == ON_TIME.date()

        await pilot.press("enter")  # next pack: back on the main screen, box ready
        assert isinstance(app.screen, MainScreen)
        assert app.focused is app.screen.query_one("#scan")
        table = app.screen.query_one("#packs")
        assert table.row_count == 1
        assert table.row_at(0).cells[0] == "ZD2026-GZS-0001"


async def test_register_project_by_keys_and_reopen_by_scan(desk: Desk) -> None:
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "2")
        assert isinstance(app.screen, RegisterScreen) and app.screen.kind == "project"
        for text in ["准东新能源有限公司", "光伏储能项目", "xny", "李秀英", "陈静", "0994-1234567"]:
            await type_text(pilot, text, enter=True)
        await pilot.press("0")  # everything received: on to 页数
        await type_text(pilot, "18", enter=True)
        await type_text(pilot, "u", enter=True)  # Enter on the last field saves
        await pilot.pause()
        assert shown(app.screen.query_one("#saved-number-text")) == "ZD2026-XM-0001"
        assert shown(app.screen.query_one("#saved-verdict")) == "齐全"
        pack = desk.store.by_receipt("ZD2026-XM-0001")
        assert pack is not None
        assert (pack.kind, pack.sector, pack.leader, pack.phone, pack.members) == (
            "project",
            "新能源新材料",
            "李秀英",
            "0994-1234567",
            None,
        )
        assert pack.checklist == full_checklist(desk, "project")
        assert (pack.pages, pack.ecopy_medium, pack.clerk) == (18, "U盘", "李四")

        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)
        await burst(pilot, "zd2026-xm-0001\r")  # lower case, as a scanner in the wrong mode sends it
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == pack.id
        assert "ZD2026-XM-0001" in shown(app.screen.query_one("#pack-title"))


async def test_validation_error_is_shown_and_form_kept(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "1")
        await pilot.press("enter")  # no unit
        await type_text(pilot, "某工作室", enter=True)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        assert "请填写申报单位" in shown(app.screen.query_one("#reg-error"))
        assert app.screen.query_one("#f-name").value == "某工作室"
        assert desk.store.count() == 0


@contextmanager
def file_size_limit(limit: int):  # type: ignore[no-untyped-def]
    """A real "disk full" for this process: no file may grow beyond ``limit`` bytes (EFBIG)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, hard))
    try:
        yield
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        signal.signal(signal.SIGXFSZ, handler)


async def test_full_disk_keeps_the_form(desk: Desk) -> None:
    """A write that fails (the file may not grow) is shown; nothing typed is lost; saving again works."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await fill_studio(pilot)
        journal = desk.locations.journal
        size = journal.stat().st_size if journal.exists() else 0
        with file_size_limit(size + 100):  # less than one entry
            await pilot.press("ctrl+s")
            await pilot.pause()
        assert isinstance(app.screen, RegisterScreen)
        assert "保存失败：磁盘已满" in shown(app.screen.query_one("#reg-error"))
        assert app.screen.query_one("#f-unit").value == "准东某煤化工有限公司"
        assert desk.store.count() == 0 and (journal.stat().st_size if journal.exists() else 0) == size
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        assert desk.store.by_receipt("ZD2026-GZS-0001") is not None


async def test_duplicate_registered_as_different_pack(desk: Desk) -> None:
    desk.store.register("studio", studio_fields(), "李四", checklist=full_checklist(desk, "studio"), pages=20)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await fill_studio(pilot)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateDialog)
        assert [p.receipt_no for p in app.screen.earlier] == ["ZD2026-GZS-0001"]
        await pilot.press("1")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        new = desk.store.by_receipt("ZD2026-GZS-0002")
        assert new is not None and new.distinct_from == ["ZD2026-GZS-0001"]
        assert "疑似重复" not in desk.store.assess(new).summary()
        assert desk.store.history(new.id)[0].reason == "确认不是重复材料"


async def test_duplicate_recorded_as_supplement(desk: Desk) -> None:
    first = desk.store.register(
        "studio", studio_fields(), "李四", checklist={**full_checklist(desk, "studio"), "ecopy": False}, pages=20
    )
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await fill_studio(pilot)
        await pilot.press("9")  # the electronic copy came now
        await pilot.press("enter", "enter")
        await type_text(pilot, "u")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, DuplicateDialog)
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == first.id
        assert desk.store.count() == 1  # no new number issued
        pack = desk.store.get(first.id)
        assert pack.checklist["ecopy"] is True and pack.ecopy_medium == "U盘"
        last = desk.store.history(first.id)[-1]
        assert (last.action, last.actor, last.reason) == ("additional_materials", "张三", "补充材料")
        assert last.changes == {"checklist.ecopy": [False, True], "ecopy_medium": ["", "U盘"]}
        history = shown(app.screen.query_one("#history"))
        assert "补充材料" in history and "电子版：未收到 → 已收到" in history


async def test_cancel_asks_before_dropping_typed_text(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "1")
        await type_text(pilot, "准东某单位")
        await pilot.press("escape")
        await pilot.press("enter")  # keep typing
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.query_one("#f-unit").value == "准东某单位"
        await pilot.press("escape", "escape")
        assert isinstance(app.screen, MainScreen)


async def test_fast_typing_keeps_each_field_in_its_box(desk: Desk) -> None:
    """Keys arriving faster than the screen reacts (a busy moment, a fast typist, an IME committing
    a phrase together with Enter) still land in the field they were typed for."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "1")
        await burst(pilot, "准东某煤化工有限公司\r煤化工技能大师工作室\rmt\r王建国\r刘敏\t13900000000\r6\r020\r光")
        screen = app.screen
        assert isinstance(screen, RegisterScreen)
        values = {key: screen.value(key) for key in ("unit", "name", "sector", "leader", "contact", "phone", "members")}
        assert values == {
            "unit": "准东某煤化工有限公司",
            "name": "煤化工技能大师工作室",
            "sector": "mt",
            "leader": "王建国",
            "contact": "刘敏",
            "phone": "13900000000",
            "members": "6",
        }
        await pilot.press("ctrl+s")
        await pilot.pause()
        pack = desk.store.by_receipt("ZD2026-GZS-0001")
        assert pack is not None and pack.notes == "" and pack.pages == 20 and pack.ecopy_medium == "光盘"
        assert pack.checklist == full_checklist(desk, "studio")


async def test_fast_enter_in_pack_fields_saves_then_ticks(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "李四", checklist={"unit_seal": True})
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f3")
        await burst(pilot, "26\r9")  # page count, Enter, then 9 = 电子版 on the checklist
        changed = desk.store.get(pack.id)
        assert changed.pages == 26 and changed.checklist["ecopy"] is True
        assert [list(h.changes) for h in desk.store.history(pack.id)[1:]] == [["pages"], ["checklist.ecopy"]]
