"""Ctrl+P offers the desk's own commands and a theme switch in Chinese; the staff list is kept in
the office's own desk.toml with its comments, and anyone on it can be corrected or removed."""

from __future__ import annotations

import re

from textual.command import CommandList

from deskapp.app import DeskApp
from deskapp.config import StaffMember, read_toml
from deskapp.service import Desk, change_staff, save_staff, staff_changes
from screens.palette import NO_MATCHES, THEME_COMMAND, DeskPalette
from screens.signin import SignInScreen, StaffSetupScreen
from tests.supervisor_helpers import PIN, SUPERVISOR, add_supervisor
from tests.ui_keys import shown, type_text

from .conftest import studio_fields

CJK = re.compile(r"[\u4e00-\u9fff]")
TEXTUAL_WORDS = (
    "Scroll",
    "Move cursor",
    "Focus Next",
    "Delete",
    "Copy",
    "Paste",
    "Theme",
    "Quit",
    "Keys",
    "Screenshot",
    "Maximize",
    "Select",
)


async def palette_hits(app: DeskApp, pilot, query: str = "", open_it: bool = True) -> list[str]:  # type: ignore[no-untyped-def]
    if open_it:
        await pilot.press("ctrl+p")
        await pilot.pause(0.3)
    assert isinstance(app.screen, DeskPalette)
    if query:
        await type_text(pilot, query)
    hits: list[str] = []
    for _ in range(40):  # the palette fills in the background: wait until it settles, bounded
        await pilot.pause(0.1)
        commands = app.screen.query_one(CommandList)
        prompts = [commands.get_option_at_index(i).prompt for i in range(commands.option_count)]
        now = [str(getattr(p, "renderable", p)).split("\n")[0] for p in prompts]  # "nothing found" is centred
        if now and now == hits:
            break
        hits = now
    return hits


def is_desks_own(hit: str) -> bool:
    return bool(CJK.search(hit)) and not any(word in hit for word in TEXTUAL_WORDS)


async def test_palette_offers_the_desks_commands_and_a_theme_switch(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        hits = await palette_hits(app, pilot)
        assert {"登记新材料", "总览", "导出附件2", "退出", THEME_COMMAND} <= set(hits), hits
        assert all(is_desks_own(h) for h in hits), hits
        await pilot.press("escape")

        app.open_pack(pack.id)  # another screen: its own keys, still none of Textual's widget commands
        await pilot.pause()
        hits = await palette_hits(app, pilot)
        assert {"页数", "结论…", "打印回执", THEME_COMMAND} <= set(hits) and "登记新材料" not in hits, hits
        assert all(is_desks_own(h) for h in hits), hits
        await pilot.press("escape")

        assert await palette_hits(app, pilot, "zzqx") == [NO_MATCHES]


async def test_theme_switch_in_chinese(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        assert app.theme != "textual-light"
        assert await palette_hits(app, pilot, "配色") == [THEME_COMMAND]
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, DeskPalette) and "配色" in app.screen._placeholder
        themes = await palette_hits(app, pilot, open_it=False)
        assert {"textual-dark", "textual-light"} <= set(themes)
        await type_text(pilot, "textual-light")
        await pilot.pause(0.5)
        assert (await palette_hits(app, pilot, open_it=False))[0] == "textual-light"
        await pilot.press("enter")
        await pilot.pause()
        assert app.theme == "textual-light"


# -- desk.toml kept as the office wrote it ----------------------------------------------------
OFFICE_TOML = """# 本科室的设置（请勿删除注释）
[office]
address = "准东开发区五彩湾 1 号"  # 印在回执上

# 受理台人员
[[staff]]
name = "张山"  # 入职时录错
role = "clerk"

[[staff]]
# 借调，六月底离开
name = "李四"
role = "clerk"

[[staff]]
name = "王科长"
role = "supervisor"
pin_hash = "{pin_hash}"

# 按键
[keys]
register = "f2"  # 二号台的 F2 坏了时改这里
"""


def office_desk(desk: Desk) -> Desk:
    add_supervisor(desk)
    pin_hash = desk.config.staff_member(SUPERVISOR).pin_hash  # type: ignore[union-attr]
    desk.locations.config.write_text(OFFICE_TOML.format(pin_hash=pin_hash), encoding="utf-8")
    desk.reload_config()
    return desk


def comments(text: str) -> list[str]:
    return [line[line.index("#") :] for line in text.splitlines() if "#" in line]


def test_a_staff_save_keeps_the_offices_comments(desk: Desk) -> None:
    office_desk(desk)
    before = desk.locations.config.read_text(encoding="utf-8")
    staff = [StaffMember("张三"), *desk.config.staff[1:], StaffMember("赵六")]
    save_staff(desk.locations, staff, renamed={"张三": "张山"})
    after = desk.locations.config.read_text(encoding="utf-8")
    assert comments(after) == comments(before)
    assert 'name = "张三"  # 入职时录错' in after and "\n\n# 按键\n[keys]" in after
    raw = read_toml(desk.locations.config)
    assert [s["name"] for s in raw["staff"]] == ["张三", "李四", "王科长", "赵六"]
    assert raw["keys"] == {"register": "f2"} and raw["office"]["address"] == "准东开发区五彩湾 1 号"
    save_staff(desk.locations, staff)
    assert desk.locations.config.read_text(encoding="utf-8") == after  # a second save changes nothing


def test_staff_changes_name_every_kind_of_change() -> None:
    before = [StaffMember("张山"), StaffMember("李四"), StaffMember("王科长", "supervisor", "h1")]
    after = [StaffMember("张三"), StaffMember("王科长", "supervisor", "h2"), StaffMember("赵六")]
    assert staff_changes(before, after, {"张三": "张山"}) == {
        "added": ["赵六"],
        "removed": ["李四"],
        "renamed": [["张山", "张三"]],
        "pin": ["王科长"],
    }
    assert staff_changes(before, before) == {}


async def test_supervisor_corrects_a_name_and_removes_a_middle_member(desk: Desk) -> None:
    office_desk(desk)
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("f9")
        await type_text(pilot, SUPERVISOR, enter=True)
        await type_text(pilot, PIN, enter=True)
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StaffSetupScreen)

        await pilot.press("tab")  # from the name box to the list
        assert screen.focused is screen.query_one("#s-list")
        await pilot.press("home", "f5")  # the first one, 张山, into the name box
        assert screen.query_one("#s-name").value == "张山"
        await pilot.press("backspace")
        await type_text(pilot, "三", enter=True)
        await pilot.press("tab", "home", "down", "f8")  # 李四, in the middle of the list
        assert [s.name for s in screen.staff] == ["张三", SUPERVISOR]

        await pilot.press("ctrl+s")  # no reason yet: refused, nothing written
        await pilot.pause()
        assert "写明为什么改名或删去" in shown(screen.query_one("#s-error"))
        assert [s.name for s in desk.config.staff] == ["张山", "李四", SUPERVISOR]
        await type_text(pilot, "张三名字录错 李四借调期满")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)

    assert [s.name for s in desk.config.staff] == ["张三", SUPERVISOR]
    assert desk.config.staff_member(SUPERVISOR).pin_hash  # type: ignore[union-attr]
    text = desk.locations.config.read_text(encoding="utf-8")
    assert "# 入职时录错" in text and "# 借调，六月底离开" not in text and "# 按键" in text
    act = desk.store.history()[-1]
    assert (act.action, act.actor, act.reason) == ("staff", SUPERVISOR, "张三名字录错 李四借调期满")
    assert act.data == {"removed": ["李四"], "renamed": [["张山", "张三"]]}


async def test_the_last_supervisor_cannot_be_removed(desk: Desk) -> None:
    office_desk(desk)
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        app.switch_screen(StaffSetupScreen(by=SUPERVISOR))
        await pilot.pause()
        await pilot.press("tab", "end", "f8")
        await pilot.press("tab")  # to the reason
        await type_text(pilot, "试一试")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "至少要留一位科室负责人" in shown(app.screen.query_one("#s-error"))
    assert len(desk.config.staff) == 3


def test_change_staff_records_nothing_when_nothing_changed(desk: Desk) -> None:
    office_desk(desk)
    seen = len(desk.store.history())
    assert change_staff(desk, list(desk.config.staff), SUPERVISOR) == {}
    assert len(desk.store.history()) == seen
