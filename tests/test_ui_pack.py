"""A pack opened later: checklist changes with a reason, shown in its history."""

from __future__ import annotations

from deskapp.app import DeskApp
from deskapp.auth import verify_pin
from deskapp.service import Desk, open_desk
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.signin import SignInScreen, StaffSetupScreen
from tests.conftest import full_checklist, studio_fields
from tests.ui_keys import burst, shown, type_text


async def test_checklist_change_later_shows_in_history(desk: Desk) -> None:
    pack = desk.store.register(
        "studio", studio_fields(), "李四", checklist={**full_checklist(desk, "studio"), "ecopy": False}, pages=20
    )
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst(pilot, "ZD2026-GZS-0001\r")
        assert isinstance(app.screen, PackScreen)
        assert "缺：电子版" in shown(app.screen.query_one("#pack-verdict"))
        await pilot.press("f6")
        await type_text(pilot, "次日补交U盘", enter=True)  # the reason, then back to the checklist
        await pilot.press("9")  # 9 = 电子版
        await pilot.pause()
        changed = desk.store.get(pack.id)
        assert changed.checklist["ecopy"] is True
        last = desk.store.history(pack.id)[-1]
        assert (last.actor, last.action, last.reason) == ("张三", "update", "次日补交U盘")
        assert last.changes == {"checklist.ecopy": [False, True]}
        history = shown(app.screen.query_one("#history"))
        assert "张三  修改\n    电子版：未收到 → 已收到\n    原因：次日补交U盘" in history
        assert shown(app.screen.query_one("#pack-verdict")) == "齐全"

        await pilot.press("9")  # the reason is used once: this change has none
        await pilot.pause()
        assert desk.store.history(pack.id)[-1].reason == ""
        await pilot.press("f3")
        await type_text(pilot, "26", enter=True)  # over the studios' 25 pages: asked first, as in the form
        await pilot.pause()
        assert desk.store.get(pack.id).pages == 20
        await pilot.press("enter")  # the same again: recorded as typed
        await pilot.pause()
        assert desk.store.get(pack.id).pages == 26
        assert "超过一般 25 页" in desk.store.history(pack.id)[-1].reason
        assert "页数：20 → 26" in shown(app.screen.query_one("#history"))
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)


async def test_pack_shows_phone_masked_in_history_only(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "李四")
    desk.store.update(pack.id, {"phone": "13911112222"}, "李四", reason="单位更正")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        assert "联系电话：13911112222" in shown(app.screen.query_one("#pack-info"))
        history = shown(app.screen.query_one("#history"))
        assert "联系电话：139****0000 → 139****2222" in history and "13911112222" not in history


async def test_first_run_creates_staff_then_signs_in(data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    desk = open_desk(data_dir, clock=clock)
    assert desk.config.staff == ()
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, StaffSetupScreen)
        await type_text(pilot, "张三", enter=True)
        await pilot.press("f4")  # the next one is a supervisor, with a PIN
        await type_text(pilot, "王科长", enter=True)
        await type_text(pilot, "1234", enter=True)
        await type_text(pilot, "1234", enter=True)
        assert "PIN 应为至少 6 位数字" in shown(app.screen.query_one("#s-error"))
        await type_text(pilot, "135790", enter=True)
        await type_text(pilot, "135791", enter=True)
        assert "两次输入的 PIN 不一致" in shown(app.screen.query_one("#s-error"))
        assert [s.name for s in app.screen.staff] == ["张三"]
        await type_text(pilot, "135790", enter=True)
        await type_text(pilot, "135790", enter=True)
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        assert [(s.name, s.role) for s in desk.config.staff] == [("张三", "clerk"), ("王科长", "supervisor")]
        assert verify_pin("135790", desk.config.staff[1].pin_hash)
        assert "135790" not in desk.locations.config.read_text(encoding="utf-8")

        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert app.clerk == "王科长"
        assert "受理人 王科长" in shown(app.screen.query_one("#status"))
        event = desk.store.history()[-1]
        assert (event.action, event.actor) == ("sign_in", "王科长")

        # Every change now carries the signed-in name.
        pack = desk.store.register("studio", studio_fields(), "张三")
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("tab", "1")
        await pilot.pause()
        assert desk.store.history(pack.id)[-1].actor == "王科长"


async def test_sign_in_with_existing_staff(desk: Desk) -> None:
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert app.clerk == "张三" and isinstance(app.screen, MainScreen)


async def test_editing_staff_needs_a_supervisor_pin(desk: Desk) -> None:
    from deskapp.auth import hash_pin
    from deskapp.config import StaffMember
    from deskapp.service import save_staff
    from screens.dialogs import SupervisorPin

    save_staff(desk.locations, [StaffMember("张三"), StaffMember("王科长", "supervisor", hash_pin("246810"))])
    desk.reload_config()
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")
        assert isinstance(app.screen, SupervisorPin)
        await type_text(pilot, "张三", enter=True)
        await type_text(pilot, "246810", enter=True)
        assert "张三 是受理员" in shown(app.screen.query_one("#pin-error"))
        await pilot.press("shift+tab")  # back to the name, all selected: typing replaces it
        await type_text(pilot, "王科长", enter=True)
        await type_text(pilot, "1111", enter=True)
        assert "PIN 不正确" in shown(app.screen.query_one("#pin-error"))
        await type_text(pilot, "246810", enter=True)
        await pilot.pause()
        assert isinstance(app.screen, StaffSetupScreen)
        assert desk.store.history()[-1].action == "staff_edit"
