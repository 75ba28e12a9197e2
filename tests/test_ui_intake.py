"""The form and the ``register`` command give the same result for the same bad draft (one door)."""

from __future__ import annotations

import json
from pathlib import Path

from textual import events
from textual.widgets import Input

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.register import QuestionableDialog, RegisterScreen, SavedScreen
from screens.signin import StaffSetupScreen
from tests.test_cli import run
from tests.ui_keys import named, post_keys, settle, shown, text_keys, type_text

BAD = {
    "unit": "王小明",
    "name": "壬工作室😀",
    "sector": "mt",
    "leader": "王建国",
    "contact": "刘敏",
    "phone": "1234",
    "members": "12",
}
PASTED = "控制\x07字符\x1b[2J公司\u200b😀"


async def test_the_form_and_the_command_agree_on_a_bad_draft(desk: Desk, tmp_path: Path) -> None:
    line = {"kind": "studio", **BAD, "members": 12, "pages": 0}
    out = run(tmp_path / "cli", "register", "--clerk", "张三", stdin=json.dumps(line) + "\n")
    assert out.returncode == 0, out.stderr
    by_cli = json.loads(run(tmp_path / "cli", "show", "ZD2026-GZS-0001", "--json").stdout)
    questioned = by_cli["history"][0]["reason"].split("按原样记录（导入时有疑问）：")[1].split("；")

    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        typed = "\r".join(BAD[k] for k in ("unit", "name", "sector", "leader", "contact", "phone", "members"))
        post_keys(pilot, [*named("f2", "1"), *text_keys(typed + "\r"), *named("enter"), *text_keys("0")])
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen)
        await pilot.press("ctrl+s")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, QuestionableDialog)
        assert dialog.problems == questioned  # the same problems, in the same words and order
        assert any("像是人名" in p for p in dialog.problems) and any("回执无法打印" in p for p in dialog.problems)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, SavedScreen)
    by_form = desk.store.get(1)
    for key in ("unit", "name", "sector", "phone", "members", "pages"):
        assert getattr(by_form, key) == by_cli[key], key
    assert (by_form.name, by_form.sector, by_form.pages) == ("壬工作室", "煤炭煤电煤化工", 0)
    verdict = desk.store.assess(by_form)
    assert "页数未填" in verdict.missing and sorted(verdict.missing) == sorted(by_cli["missing"])


async def test_a_paste_with_escapes_and_emoji_is_stored_clean_after_notice(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        post_keys(pilot, named("f2", "1"))
        await settle(pilot)
        app.post_message(events.Paste(PASTED))
        await settle(pilot)
        post_keys(pilot, [*named("enter"), *text_keys("粘贴工作室"), *named("ctrl+s")])
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, QuestionableDialog)
        assert dialog.problems == ["申报单位：回执无法打印“😀”，已删去"]
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, SavedScreen)
    assert desk.store.get(1).unit == "控制字符公司"


async def test_the_staff_editor_refuses_names_the_slip_cannot_print_or_too_long(desk: Desk) -> None:
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        app.switch_screen(StaffSetupScreen(by="张三"))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StaffSetupScreen)
        before = [s.name for s in screen.staff]
        for bad, words in (("赵😀", "无法打印"), ("赵" * 200, "最多20字")):
            app.post_message(events.Paste(bad))  # pasted: a pilot cannot type an emoji key
            await settle(pilot)
            assert screen.query_one("#s-name", Input).value == bad
            await pilot.press("enter")
            await settle(pilot)
            assert words in shown(screen.query_one("#s-error")) and [s.name for s in screen.staff] == before
            screen.query_one("#s-name", Input).value = ""
        await type_text(pilot, "赵\u200b六", enter=True)  # invisible marks go, as in every text
        await settle(pilot)
        assert [s.name for s in screen.staff] == [*before, "赵六"]
