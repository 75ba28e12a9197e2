"""The registration form's key path (issue 9): no key lost, checks before the number,
≤ 12 / ≤ 8 keys per pack, leaving asks, short toasts, pastes kept whole."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Static

from deskapp.app import TOAST_SECONDS, DeskApp, short_paths
from deskapp.service import Desk
from screens.keygate import one_line
from screens.register import ConfirmCancel, QuestionableDialog, RegisterScreen, SavedScreen
from tests.conftest import full_checklist
from tests.counter_paths import FROM_FILES, HAND_TYPED, non_data, until, usb_stick, walk
from tests.ui_keys import Keystroke, burst_keys, named, post_keys, settle, shown, text_keys, type_text


def registration_of_two_packs() -> list[Keystroke]:
    """From the main screen: a studio pack and a project pack, every key of both."""
    return [
        *named("f2", "1"),
        *text_keys("新疆准东某电力有限公司\r煤电技能大师工作室\rmt\r王建国\r刘敏\r13900000000\r6\r"),
        *named("1", "2", "3", "4", "5", "6", "7", "8", "enter"),  # all but 9 电子版, then 页数
        *text_keys("20\r"),
        *named("f8"),
        *text_keys("周五补交电子版"),
        *named("ctrl+s", "enter"),  # save; Enter on the number screen: the next pack
        *named("f2", "2"),
        *text_keys("准东新能源有限公司\r光伏储能项目\rxny\r李秀英\r陈静\r0994-1234567\r"),
        *named("0"),  # everything: on to 页数
        *text_keys("18\ru\r"),  # Enter on 介质 saves
    ]


def assert_two_packs(desk: Desk) -> None:
    studio = desk.store.by_receipt("ZD2026-GZS-0001")
    project = desk.store.by_receipt("ZD2026-XM-0001")
    assert studio is not None and project is not None and desk.store.count() == 2
    assert (studio.unit, studio.name, studio.sector, studio.leader, studio.contact, studio.phone) == (
        "新疆准东某电力有限公司",
        "煤电技能大师工作室",
        "煤炭煤电煤化工",
        "王建国",
        "刘敏",
        "13900000000",
    )
    assert (studio.members, studio.pages, studio.notes, studio.ecopy_medium) == (6, 20, "周五补交电子版", "")
    assert studio.checklist == {**full_checklist(desk, "studio"), "ecopy": False}
    assert (project.unit, project.name, project.sector, project.leader, project.phone) == (
        "准东新能源有限公司",
        "光伏储能项目",
        "新能源新材料",
        "李秀英",
        "0994-1234567",
    )
    assert (project.pages, project.ecopy_medium) == (18, "U盘")
    assert project.checklist == full_checklist(desk, "project")


async def test_two_whole_registrations_in_one_burst_lose_no_key(desk: Desk) -> None:
    """Every key of two registrations posted at once (0 ms apart), from F2 to the second save."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, registration_of_two_packs())
        assert isinstance(app.screen, SavedScreen)
        assert_two_packs(desk)


@pytest.mark.parametrize("gap_ms", [3, 10, 40])
async def test_keys_spaced_a_few_milliseconds_apart_lose_none(desk: Desk, gap_ms: int) -> None:
    """0–10 ms between keys (a scanner, an IME committing a phrase) and 30–60 ms (a fast typist)."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        for keystroke in registration_of_two_packs():
            post_keys(pilot, [keystroke])
            await asyncio.sleep(gap_ms / 1000)
        await settle(pilot)
        assert_two_packs(desk)


async def test_first_character_after_the_kind_key_is_kept(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("新疆准东某电力")])
        assert isinstance(app.screen, RegisterScreen)
        assert app.screen.value("unit") == "新疆准东某电力"


async def test_hand_typed_pack_takes_twelve_keys_with_f4_save_and_print(desk: Desk) -> None:
    assert len(non_data(HAND_TYPED)) == 12  # ≤ 12 (issue 9), with the shipped settings
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await walk(pilot, HAND_TYPED)
        await until(pilot, lambda: bool(desk.store.count() and desk.store.get(1).prints))
        pack = desk.store.get(1)
        assert pack.checklist == full_checklist(desk, "studio") and len(pack.prints) == 1
        assert (pack.unit, pack.pages, pack.ecopy_medium) == ("准东某煤化工有限公司", 20, "U盘")


async def test_hand_typed_pack_takes_twelve_keys_with_print_on_save(desk: Desk) -> None:
    (desk.locations.data / "desk.toml").write_text(
        (desk.locations.data / "desk.toml").read_text(encoding="utf-8") + "\n[slip]\nprint_on_save = true\n",
        encoding="utf-8",
    )
    desk.reload_config()
    steps = [("key", "enter") if step == ("key", "f4") else step for step in HAND_TYPED]  # Enter saves, and prints
    assert len(non_data(steps)) == 12
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await walk(pilot, steps)
        await until(pilot, lambda: bool(desk.store.count() and desk.store.get(1).prints))
        pack = desk.store.get(1)
        assert (pack.unit, pack.sector, pack.members, pack.pages, pack.ecopy_medium) == (
            "准东某煤化工有限公司",
            "煤炭煤电煤化工",
            6,
            20,
            "U盘",
        )
        assert pack.checklist == full_checklist(desk, "studio") and len(pack.prints) == 1


async def test_pack_from_the_usb_stick_takes_seven_keys(desk: Desk, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("DESK_USB", str(usb_stick(tmp_path)))
    assert len(non_data(FROM_FILES)) == 7  # ≤ 8 (issue 9): F2 1 F9 Ctrl+F Ctrl+S 0 F4
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await walk(pilot, FROM_FILES)
        await until(pilot, lambda: bool(desk.store.count() and desk.store.get(1).prints))
        pack = desk.store.get(1)
        assert (pack.name, pack.sector, pack.leader, pack.members) == (
            "煤化工技能大师工作室",
            "煤炭煤电煤化工",
            "王建国",
            6,
        )
        assert (pack.pages, pack.ecopy_medium) == (18, "U盘")  # 页数 from the PDF, accepted in the review
        assert pack.checklist == full_checklist(desk, "studio")
        assert [e["name"] for e in pack.files] == ["申报材料.pdf", "附件1.docx"] or len(pack.files) == 2


# -- checks before the number ------------------------------------------------------------------
@pytest.mark.parametrize("typed", ["7", "xyz", "ly"])
async def test_sector_outside_the_list_asks_before_saving(desk: Desk, typed: str) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "1")
        await type_text(pilot, "某单位", enter=True)
        await type_text(pilot, "某工作室", enter=True)
        await type_text(pilot, typed)
        await settle(pilot)
        note = shown(app.screen.query_one("#note-sector"))
        assert "不在申报范围内" in note
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuestionableDialog)
        assert any(typed in p and "不在申报范围内" in p for p in app.screen.problems)
        await pilot.press("enter")  # back to fix it: the focus is on the sector
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and desk.store.count() == 0
        assert app.focused is app.screen.query_one("#f-sector")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("1")  # record it as typed
        await settle(pilot)
        assert isinstance(app.screen, SavedScreen)
        pack = desk.store.get(1)
        assert pack.sector == typed
        assert "sector_out_of_scope" in {f.code for f in desk.store.assess(pack).flags}
        reason = desk.store.history(pack.id)[0].reason
        assert "按原样记录" in reason and typed in reason


async def test_members_phone_pages_checked_as_typed_and_confirmed(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(
            pilot, [*named("f2", "1"), *text_keys("某单位\r某工作室\r1\r王建国\r刘敏\r12345\r99\r"), *named("0")]
        )
        await burst_keys(pilot, text_keys("300"))
        form = app.screen
        assert isinstance(form, RegisterScreen)
        assert "位数不对" in shown(form.query_one("#note-phone"))
        assert "5—10" in shown(form.query_one("#note-members"))
        assert "超过一般 25 页" in shown(form.query_one("#note-pages"))
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, QuestionableDialog) and len(app.screen.problems) == 3
        await pilot.press("escape")
        await settle(pilot)
        assert app.focused is form.query_one("#f-phone")  # the first questionable field, in the form's order
        assert desk.store.count() == 0


async def test_save_without_the_unit_puts_the_focus_on_it(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1", "enter"), *text_keys("某工作室\r"), *named("ctrl+s")])
        form = app.screen
        assert isinstance(form, RegisterScreen) and desk.store.count() == 0
        assert app.focused is form.query_one("#f-unit")
        assert "请填写申报单位" in shown(form.query_one("#reg-error"))
        await burst_keys(pilot, text_keys("某单位"))  # the correction lands in 申报单位
        assert form.value("unit") == "某单位" and form.value("name") == "某工作室"


# -- leaving, Enter past the end ---------------------------------------------------------------
async def test_enter_on_the_last_field_saves_and_tab_wrapping_selects_nothing(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("某单位\r某工作室")])
        form = app.screen
        assert isinstance(form, RegisterScreen)
        form.set_focus(form.query_one("#f-notes"))
        await burst_keys(pilot, [*named("tab"), *text_keys("X")])  # Tab past 备注 wraps to 申报单位
        assert form.value("unit") == "某单位X", "the wrapped-to field must not be selected and overwritten"
        form.set_focus(form.query_one("#f-ecopy_medium"))
        await burst_keys(pilot, named("enter"))
        assert isinstance(app.screen, SavedScreen) and desk.store.get(1).unit == "某单位X"


@pytest.mark.parametrize("key", ["ctrl+q", "escape", "f10"])
async def test_leaving_an_unsaved_form_asks(desk: Desk, key: str) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("某单位")])
        if key == "f10":  # sign-out is the main screen's key: asked for through the app
            app.action_switch_clerk()
        else:
            await pilot.press(key)
        await settle(pilot)
        assert isinstance(app.screen, ConfirmCancel)
        hint = str(app.screen.query_one(".hint", Static).render())  # says what the second key leaves: form or desk
        assert {"ctrl+q": "不保存，退出受理台", "escape": "放弃这次登记", "f10": "不保存，换人"}[key] in hint
        await pilot.press("enter")  # keep typing
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and app.screen.value("unit") == "某单位"
        assert app.is_running and app.clerk == "张三"


async def test_ctrl_q_twice_quits_and_quits_at_once_when_nothing_is_typed(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("某单位"), *named("ctrl+q")])
        assert isinstance(app.screen, ConfirmCancel)
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert not isinstance(app.screen, ConfirmCancel)


# -- toasts ------------------------------------------------------------------------------------
async def test_toasts_are_short_and_paths_shortened(desk: Desk) -> None:
    path = "/home/clerk/desk-data/outbox/2026/ZD2026-GZS-0001-受理回执-第1次.pdf"
    assert (
        short_paths(f"已保存到 {path}，请稍后打印") == "已保存到 …/2026/ZD2026-GZS-0001-受理回执-第1次.pdf，请稍后打印"
    )
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.notify(f"没有打印：{path}", severity="warning", timeout=20)
        app.notify("已保存", timeout=30)
        await pilot.pause()
        warning, info = list(app._notifications)
        assert warning.timeout == TOAST_SECONDS["warning"] <= 6 and info.timeout <= 3
        assert path not in warning.message and "ZD2026-GZS-0001-受理回执-第1次.pdf" in warning.message


# -- paste -------------------------------------------------------------------------------------
def test_one_line_joins_lines() -> None:
    assert one_line("准东某煤化工\n有限公司") == "准东某煤化工 有限公司"
    assert one_line("\n有限公司") == "有限公司"
    assert one_line("a\r\n\r\nb  \n") == "a b"


async def test_multi_line_paste_keeps_every_line_in_any_one_line_input(desk: Desk) -> None:
    from textual import events

    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.post_message(events.Paste("准东某\n煤化工"))  # the main screen's box
        await settle(pilot)
        assert app.screen.query_one("#scan").value == "准东某 煤化工"
        app.screen.query_one("#scan").value = ""
        await burst_keys(pilot, named("f2", "1"))
        app.post_message(events.Paste("准东某煤化工\n有限公司"))
        await burst_keys(pilot, named("enter"))
        app.post_message(events.Paste("\n煤化工工作室"))
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegisterScreen)
        assert form.value("unit") == "准东某煤化工 有限公司" and form.value("name") == "煤化工工作室"
