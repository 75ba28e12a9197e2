"""The trial's key faults (issues 1, 10–14, 19, 20): refreshes under any screen, the highlight kept
on its pack, bursts around confirmation dialogs and Esc, pack edits through the core's checks,
the deadline in narrow headers, the staff editor's Esc and Ctrl+Q, counts never cut."""

from __future__ import annotations

import ast
import asyncio
import importlib
import inspect
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from textual.dom import DOMNode
from textual.widgets import DataTable, Input, Static

from deskapp.app import DeskApp
from deskapp.config import StaffMember
from deskapp.history_text import record_lines
from deskapp.service import Desk, open_desk, save_staff
from deskapp.timeutil import fixed_clock
from screens.checklist import Checklist
from screens.dashboard import DashboardScreen
from screens.exporting import ConfirmExport
from screens.keygate import Confirmation
from screens.main import MainScreen
from screens.outcomes import outcome_done_text
from screens.pack import PackScreen
from screens.register import ConfirmCancel, DuplicateDialog, QuestionableDialog, RegisterScreen, SavedScreen
from screens.signin import SignInScreen, StaffSetupScreen
from screens.widgets import PackList
from tests.conftest import LATE, ON_TIME, Ticker, full_checklist, studio_fields
from tests.counter_paths import until
from tests.ui_keys import burst_keys, named, post_keys, settle, shown, text_keys, type_text

ROOT = Path(__file__).resolve().parent.parent
SCREENS = ROOT / "screens"


# -- 1. a refresh never raises: no attribute hides a method ----------------------------------------
def _assigned_names(cls_node: ast.ClassDef) -> set[str]:
    """Names a class body or its methods assign on ``self`` (``self.x = …``) or at class level."""
    names: set[str] = set()
    for node in ast.walk(cls_node):
        targets: list[ast.expr] = []
        if isinstance(node, ast.Assign):
            targets = list(node.targets)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            targets = [node.target]
        for target in targets:
            for each in target.elts if isinstance(target, ast.Tuple) else [target]:
                if isinstance(each, ast.Attribute) and isinstance(each.value, ast.Name) and each.value.id == "self":
                    names.add(each.attr)
    for node in cls_node.body:
        for target in node.targets if isinstance(node, ast.Assign) else []:
            if isinstance(target, ast.Name):
                names.add(target.id)
    return names


def test_no_screen_or_widget_attribute_hides_a_method_of_its_bases() -> None:
    """``self.shown = []`` on the dashboard hid ``DeskScreen.shown()``: the next refresh raised."""
    hidden = []
    for path in sorted(SCREENS.glob("*.py")):
        module = importlib.import_module(f"screens.{path.stem}")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            cls = getattr(module, node.name, None) if isinstance(node, ast.ClassDef) else None
            if not (inspect.isclass(cls) and issubclass(cls, DOMNode)):
                continue
            for name in _assigned_names(node):  # type: ignore[arg-type]
                for base in cls.__mro__[1:]:
                    if name in vars(base):
                        value = vars(base)[name]
                        if inspect.isfunction(value) or isinstance(value, (property, staticmethod, classmethod)):
                            hidden.append(f"{path.name}: {cls.__name__}.{name} hides {base.__name__}.{name}")
                        break
            for name, value in vars(cls).items():  # a method where a base has a plain value or property
                if not inspect.isfunction(value) or name.startswith("__"):
                    continue
                for base in cls.__mro__[1:]:
                    if name in vars(base):
                        if isinstance(vars(base)[name], property):
                            hidden.append(f"{path.name}: method {cls.__name__}.{name} hides property {base.__name__}")
                        break
    assert hidden == []


def other_desk(desk: Desk) -> Desk:
    """Another clerk's desk on the same data folder (its writes reach this desk by the poll)."""
    return open_desk(desk.locations.data, clock=Ticker(ON_TIME))


async def changed_by_another_desk(pilot, app: DeskApp, desk: Desk, n: int) -> None:  # type: ignore[no-untyped-def]
    other = other_desk(desk)
    other.store.register("studio", studio_fields(unit=f"并发公司{n}", name=f"并发工作室{n}"), "李四")
    other.store.close()
    app.poll_store()
    await settle(pilot)
    assert app.is_running and app.return_code is None


async def test_data_changes_under_and_on_every_screen_never_crash(desk: Desk) -> None:
    """Issue 1 A and B: the dashboard open or under a pack, a form, a dialog; a CLI register and a
    tick on a pack. Every screen stays up and the dashboard shows the change when back on top."""
    for n in range(3):
        desk.store.register("studio", studio_fields(unit=f"单位{n}", name=f"工作室{n}"), "李四")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await changed_by_another_desk(pilot, app, desk, 0)  # the main screen
        await burst_keys(pilot, named("ctrl+o"))
        assert isinstance(app.screen, DashboardScreen)
        await changed_by_another_desk(pilot, app, desk, 1)  # the dashboard on top
        await burst_keys(pilot, named("down", "enter"))
        assert isinstance(app.screen, PackScreen)
        await burst_keys(pilot, named("f7", "1"))  # a tick: the dashboard is under the pack
        await changed_by_another_desk(pilot, app, desk, 2)
        await burst_keys(pilot, named("escape"))  # back on the dashboard: it redraws what changed
        assert isinstance(app.screen, DashboardScreen)
        await burst_keys(pilot, named("escape"))
        assert isinstance(app.screen, MainScreen)
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("某单位")])
        await changed_by_another_desk(pilot, app, desk, 3)  # the form on top, the main screen under it
        await burst_keys(pilot, named("escape"))
        assert isinstance(app.screen, ConfirmCancel)
        await changed_by_another_desk(pilot, app, desk, 4)  # a dialog over the form
        await burst_keys(pilot, named("escape"))
        await burst_keys(pilot, named("ctrl+o"))
        dashboard = app.screen
        assert isinstance(dashboard, DashboardScreen)
        await burst_keys(pilot, named("f2"))  # not the dashboard's key: nothing opens
        await changed_by_another_desk(pilot, app, desk, 5)
        await until(pilot, lambda: dashboard.board is not None and dashboard.board.total == 9)
        assert app.is_running


def _on_top(desk: Desk, name: str):  # type: ignore[no-untyped-def]
    from screens.outcomes import OutcomeMenu
    from screens.register import KindDialog

    pack = desk.store.get(1)
    return {
        "saved": lambda: SavedScreen(pack.id),
        "kind": KindDialog,
        "outcome menu": lambda: OutcomeMenu(pack, False),
        "pack": lambda: PackScreen(pack.id),
        "form": lambda: RegisterScreen("studio"),
        "questionable": lambda: QuestionableDialog(["研究领域“fdc”：不在申报范围内"]),
        "duplicate": lambda: DuplicateDialog([pack]),
        "staff": StaffSetupScreen,
        "dashboard": DashboardScreen,
    }[name]()


@pytest.mark.parametrize(
    "name", ["saved", "kind", "outcome menu", "pack", "form", "questionable", "duplicate", "staff", "dashboard"]
)
async def test_another_desks_register_and_own_tick_with_any_screen_over_the_dashboard(desk: Desk, name: str) -> None:
    desk.store.register("studio", studio_fields(), "李四")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, named("ctrl+o"))
        dashboard = await dashboard_rows(pilot, app)
        app.push_screen(_on_top(desk, name))
        await settle(pilot)
        await changed_by_another_desk(pilot, app, desk, 0)
        desk.store.update(1, {"pages": 21}, "张三")  # this desk's own write, as a tick on a pack is
        app.data_changed()
        await settle(pilot)
        assert app.is_running
        app.pop_screen()
        await until(pilot, lambda: dashboard.board is not None and dashboard.board.total == 2)
        assert app.is_running and app.screen is dashboard


# -- 10. the highlight stays on the pack chosen ------------------------------------------------------
def register_some(desk: Desk, count: int, unit: str = "癸") -> list[int]:
    return [
        desk.store.register("studio", studio_fields(unit=f"{unit}{n}公司", name=f"{unit}{n}工作室"), "李四").id
        for n in range(count)
    ]


@pytest.mark.parametrize("search", ["癸", ""])
async def test_main_list_enter_opens_the_highlighted_pack_after_another_desk_registers(desk: Desk, search: str) -> None:
    register_some(desk, 5)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*text_keys(search), *named("down", "down", "down")])
        table = app.screen.query_one(PackList)
        chosen = table.highlighted
        assert chosen is not None and app.focused is table
        other = other_desk(desk)
        other.store.register("studio", studio_fields(unit="癸新公司", name="癸新工作室"), "李四")
        other.store.close()
        app.poll_store()
        await settle(pilot)
        assert table.highlighted == chosen and len(table.ids) == 6
        await burst_keys(pilot, named("enter"))
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == chosen


async def test_main_list_says_when_the_highlighted_pack_left_and_opens_nothing(desk: Desk) -> None:
    ids = register_some(desk, 4)
    for pack_id in ids:
        desk.store.update(pack_id, {"leader": "甲乙丙"}, "李四")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*text_keys("甲乙丙"), *named("down", "down")])
        table = app.screen.query_one(PackList)
        chosen = table.highlighted
        assert chosen is not None
        other = other_desk(desk)
        other.store.update(chosen, {"leader": "丁戊"}, "李四", reason="领衔人更正")  # no longer matches
        other.store.close()
        app.poll_store()
        await settle(pilot)
        assert chosen not in table.ids
        message = shown(app.screen.query_one("#message"))
        assert desk.store.get(chosen).receipt_no in message and "已不在列表中" in message
        await burst_keys(pilot, named("enter"))
        assert isinstance(app.screen, MainScreen), "another pack must not open in its place"
        await burst_keys(pilot, named("enter"))  # the clerk saw it: now the highlighted one opens
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == table.highlighted


async def dashboard_rows(pilot, app: DeskApp) -> DashboardScreen:  # type: ignore[no-untyped-def]
    screen = app.screen
    assert isinstance(screen, DashboardScreen)
    await until(pilot, lambda: screen.board is not None and screen.query_one("#dash-list", DataTable).row_count)
    return screen


async def test_dashboard_enter_opens_the_highlighted_pack_after_another_desk_registers(desk: Desk) -> None:
    register_some(desk, 5)  # none complete: all in 缺件清单
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, named("ctrl+o"))
        dashboard = await dashboard_rows(pilot, app)
        await burst_keys(pilot, named("down", "down"))
        table = dashboard.query_one("#dash-list", DataTable)
        chosen = int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        other = other_desk(desk)
        other.store.register("studio", studio_fields(unit="癸新公司", name="癸新工作室"), "李四")
        other.store.close()
        app.poll_store()
        await until(pilot, lambda: table.row_count == 6)
        await settle(pilot)
        await burst_keys(pilot, named("enter"))
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == chosen


async def test_dashboard_says_when_the_highlighted_pack_left_and_opens_nothing(desk: Desk) -> None:
    ids = register_some(desk, 4)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, named("ctrl+o"))
        dashboard = await dashboard_rows(pilot, app)
        await burst_keys(pilot, named("down"))
        table = dashboard.query_one("#dash-list", DataTable)
        chosen = int(str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value))
        assert chosen in ids
        other = other_desk(desk)  # complete now: it leaves the list of packs missing items
        other.store.update(chosen, {f"checklist.{k}": True for k in full_checklist(desk, "studio")}, "李四")
        other.store.update(chosen, {"pages": 20}, "李四")
        other.store.close()
        app.poll_store()
        await until(pilot, lambda: table.row_count == 3)
        await settle(pilot)
        assert dashboard.left == str(chosen)
        await burst_keys(pilot, named("enter"))
        assert isinstance(app.screen, DashboardScreen), "another pack must not open in its place"
        assert any("已不在这个清单中" in str(n.message) for n in app._notifications)


# -- 11. a burst never answers a confirmation dialog nor lands in the old form -------------------
OLD_FORM = [*named("f2", "1"), *text_keys("旧单位公司\r旧名称工作室\r")]
NEW_BURST = [*named("escape", "f2", "1"), *text_keys("新单位公司\r新名称工作室"), *named("ctrl+s")]


async def assert_old_form_kept(pilot, app: DeskApp, desk: Desk) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(app.screen, ConfirmCancel), "the dialog waits for a deliberate answer"
    aside = shown(app.screen.query_one("#typed-aside"))
    assert "没有用上" in aside and "F2" in aside
    form = app.screen_stack[-2]
    assert isinstance(form, RegisterScreen)
    assert (form.value("unit"), form.value("name"), form.value("sector"), form.value("leader")) == (
        "旧单位公司",
        "旧名称工作室",
        "",
        "",
    )
    assert desk.store.count() == 0
    await pilot.press("escape")  # now deliberately: discard
    await settle(pilot)
    assert isinstance(app.screen, MainScreen) and desk.store.count() == 0


async def test_burst_after_esc_on_a_filled_form_never_lands_in_the_old_form(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, OLD_FORM)
        await burst_keys(pilot, NEW_BURST)
        await assert_old_form_kept(pilot, app, desk)


@pytest.mark.parametrize("gap_ms", [3, 40, 120])
async def test_fast_typing_after_esc_is_not_an_answer_either(desk: Desk, gap_ms: int) -> None:
    """A fast typist (up to ~8 keys a second) who did not see the dialog come up."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, OLD_FORM)
        for keystroke in NEW_BURST:
            post_keys(pilot, [keystroke])
            await asyncio.sleep(gap_ms / 1000)
        await settle(pilot)
        await assert_old_form_kept(pilot, app, desk)


async def test_a_deliberate_answer_still_answers(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, OLD_FORM)
        await burst_keys(pilot, named("escape"))
        assert isinstance(app.screen, ConfirmCancel)
        await pilot.press("enter")  # after a pause (settle): 继续填写
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and app.screen.value("unit") == "旧单位公司"


async def test_questionable_and_duplicate_dialogs_are_not_answered_by_the_burst(desk: Desk) -> None:
    desk.store.register("studio", studio_fields(unit="某单位", name="某工作室"), "李四")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        # sector "fdc" is questioned; "1" typed at once would be 按原样保存, Enter 返回修改
        await burst_keys(
            pilot, [*named("f2", "1"), *text_keys("某单位\r某工作室\rfdc"), *named("ctrl+s", "1", "enter")]
        )
        assert isinstance(app.screen, QuestionableDialog) and desk.store.count() == 1
        assert "没有用上" in shown(app.screen.query_one("#typed-aside"))
        # deliberately "1": record as typed → the duplicate question; "2" Enter typed at once are not its answer
        post_keys(pilot, named("1", "2", "enter"))
        await settle(pilot)
        assert isinstance(app.screen, DuplicateDialog) and desk.store.count() == 1
        assert len(desk.store.history(1)) == 1  # no supplement recorded on the earlier pack
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, SavedScreen) and desk.store.count() == 2


async def test_export_confirmation_is_not_answered_by_the_enter_typed_with_ctrl_g(desk: Desk) -> None:
    desk.store.register("studio", studio_fields(), "李四")  # its 附件2 long columns are empty: asked first
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        post_keys(pilot, named("ctrl+g"))
        end = time.monotonic() + 30
        # The dialog comes after the check's worker: type on the moment it shows (a poll as tight as a key).
        while not isinstance(app.screen, ConfirmExport) and time.monotonic() < end:  # noqa: ASYNC110
            await asyncio.sleep(0.001)
        await burst_keys(pilot, named("enter"))  # typed on at once: not "仍然导出"
        await app.workers.wait_for_complete()
        assert isinstance(app.screen, ConfirmExport) and getattr(app, "last_export", None) is None
        await pilot.press("enter")  # after a pause (settle): exports all the same
        await app.workers.wait_for_complete()
        await until(pilot, lambda: getattr(app, "last_export", None) is not None)


# -- 12. Esc followed at once by letters --------------------------------------------------------------
def test_esc_and_the_next_keys_in_one_read_are_esc_then_the_keys() -> None:
    from textual._xterm_parser import XTermParser

    from screens.keygate import split_escape

    split_escape()
    parser = XTermParser()
    for data, keys in [
        ("\x1bzdmh", ["escape", "z", "d", "m", "h"]),
        ("\x1bZD2026", ["escape", "Z", "D", "2", "0", "2", "6"]),
        ("\x1b1", ["escape", "1"]),  # not "¡"
        ("\x1b-", ["escape", "minus"]),
        ("\x1b新", ["escape", "新"]),
        ("\x1b\x1bOQ", ["escape", "f2"]),
        ("\x1b[A", ["up"]),
        ("\x1bOQ", ["f2"]),
    ]:
        assert [event.key for event in parser.feed(data) if hasattr(event, "key")] == keys, data


def test_esc_then_letters_in_one_burst_through_a_real_terminal(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: ./test.sh installs it (scripts/system-packages.sh)")
    data = tmp_path / "data"
    data.mkdir()
    desk = open_desk(data, clock=fixed_clock(ON_TIME))
    save_staff(desk.locations, [StaffMember("张三")])
    desk.reload_config()
    desk.store.register("studio", studio_fields(unit="准东煤化工公司", name="煤化工工作室"), "张三")
    desk.store.register("studio", studio_fields(unit="准东某电力公司", name="电力工作室"), "张三")
    desk.store.close()
    session = f"esc-burst-{os.getpid()}"
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT), "LANG": "C.UTF-8"}
    subprocess.run(
        [
            "tmux",
            "new-session",
            "-d",
            "-s",
            session,
            "-x",
            "120",
            "-y",
            "36",
            f"{sys.executable} -m tests.tty_desk {data}",
        ],
        check=True,
        cwd=ROOT,
        env=env,
    )

    def screen() -> str:
        return subprocess.run(
            ["tmux", "capture-pane", "-p", "-t", session], capture_output=True, text=True, check=False
        ).stdout

    def wait_for(test, what: str, seconds: float = 60) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if test():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what} never happened; the screen:\n{screen()}")

    try:
        wait_for(lambda: "本批次共 2 件" in screen(), "the main screen")
        subprocess.run(["tmux", "send-keys", "-t", session, "-l", "ZD2026-GZS-0001\r"], check=True)
        wait_for(lambda: "历史" in screen(), "the pack")
        # Esc and the pinyin of the other unit in one write: the pack closes, the search runs.
        subprocess.run(["tmux", "send-keys", "-t", session, "Escape", "zddl"], check=True)
        wait_for(lambda: "找到 1 件" in screen() and "准东某电力公司" in screen(), "Esc, then the search zddl")
        assert "历史" not in screen()
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], check=False)


# -- 13, 14. edits on a pack go through the form's checks --------------------------------------------
async def open_pack_with_pages(pilot, app: DeskApp, desk: Desk, pages: int | None = 30) -> int:  # type: ignore[no-untyped-def]
    pack = desk.store.register("project", studio_fields(members=None), "李四", pages=pages)
    app.open_pack(pack.id)
    await settle(pilot)
    assert isinstance(app.screen, PackScreen)
    return pack.id


async def test_a_refused_page_count_is_said_in_chinese_and_the_correction_stays_in_the_field(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        pack_id = await open_pack_with_pages(pilot, app, desk)
        before = dict(desk.store.get(pack_id).checklist)
        await burst_keys(pilot, [*named("f3"), *text_keys("-5\r")])
        message = str(list(app._notifications)[-1].message)
        assert "页数" in message and "pages" not in message and "不能为负数" in message
        assert app.focused is app.screen.query_one("#e-pages")
        await burst_keys(pilot, text_keys("25\r"))  # replaces the refused text
        pack = desk.store.get(pack_id)
        assert pack.pages == 25 and pack.checklist == before  # no item ticked by the "2" and "5"


async def test_a_huge_page_count_is_refused_and_the_field_keeps_the_focus(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        pack_id = await open_pack_with_pages(pilot, app, desk)
        await burst_keys(pilot, [*named("f3", "ctrl+u"), *text_keys("99999999999999999999999\r")])
        assert desk.store.get(pack_id).pages == 30
        assert "页数" in str(list(app._notifications)[-1].message)
        assert app.focused is app.screen.query_one("#e-pages")


@pytest.mark.parametrize(("typed", "warning"), [("0", "页数为 0")])
async def test_zero_pages_are_questioned_before_saving(desk: Desk, typed: str, warning: str) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        pack_id = await open_pack_with_pages(pilot, app, desk)
        await burst_keys(pilot, [*named("f3", "ctrl+u"), *text_keys(typed + "\r")])
        assert desk.store.get(pack_id).pages == 30
        assert warning in str(list(app._notifications)[-1].message)
        assert app.focused is app.screen.query_one("#e-pages")
        await burst_keys(pilot, named("enter"))  # the same again: recorded as typed, and that it was shown
        assert desk.store.get(pack_id).pages == int(typed)
        last = desk.store.history(pack_id)[-1]
        assert "按原样记录" in last.reason and warning in last.reason


async def test_full_width_digits_are_a_page_count_not_a_search(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        pack_id = await open_pack_with_pages(pilot, app, desk)
        await burst_keys(pilot, [*named("f3", "ctrl+u"), *text_keys("２０\r")])
        assert isinstance(app.screen, PackScreen) and desk.store.get(pack_id).pages == 20
        assert app.screen.query_one("#e-pages", Input).value == "20"


async def test_esc_with_an_unsaved_page_count_says_it_was_not_saved(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        pack_id = await open_pack_with_pages(pilot, app, desk, pages=None)
        await burst_keys(pilot, [*named("f3"), *text_keys("25"), *named("escape")])
        assert desk.store.get(pack_id).pages is None
        screen = app.screen
        assert isinstance(screen, PackScreen)
        assert screen.query_one("#e-pages", Input).value == ""  # never left looking saved
        assert "没有保存" in str(list(app._notifications)[-1].message)
        assert isinstance(app.focused, Checklist)
        await burst_keys(pilot, named("escape"))
        assert isinstance(app.screen, MainScreen)


# -- 19. the deadline at any width ----------------------------------------------------------------------
@pytest.mark.parametrize("width", [80, 100, 150])
async def test_after_the_deadline_the_headers_say_so_at_any_width(desk: Desk, width: int) -> None:
    desk.store.clock = Ticker(LATE)
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(width, 24)) as pilot:
        await settle(pilot)
        status = shown(app.screen.query_one("#status"))
        assert "已过截止时间" in status and "受理人 李四" in status
        await burst_keys(pilot, named("f2", "1"))
        assert isinstance(app.screen, RegisterScreen)
        title = shown(app.screen.query_one("#reg-title", Static))
        assert "已过截止时间" in title and "逾期" in title and "受理人 李四" in title


async def test_before_the_deadline_the_form_does_not_warn(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(80, 24)) as pilot:
        await burst_keys(pilot, named("f2", "1"))
        assert "截止" not in shown(app.screen.query_one("#reg-title", Static))
        assert "受理人 张三" in shown(app.screen.query_one("#reg-title", Static))


# -- 20. the smaller ones ---------------------------------------------------------------------------------
async def test_staff_editor_esc_and_ctrl_q_ask_before_losing_names(desk: Desk) -> None:
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        app.switch_screen(StaffSetupScreen())
        await settle(pilot)
        await burst_keys(pilot, named("escape"))  # nothing changed: back at once
        assert isinstance(app.screen, SignInScreen)
        app.switch_screen(StaffSetupScreen())
        await settle(pilot)
        await burst_keys(pilot, text_keys("王五\r"))
        await burst_keys(pilot, named("ctrl+q"))
        assert isinstance(app.screen, ConfirmCancel) and app.is_running
        assert "人员名单" in shown(app.screen.query_one(".dialog-title", Static))
        await pilot.press("enter")  # keep editing
        await settle(pilot)
        assert isinstance(app.screen, StaffSetupScreen) and [s.name for s in app.screen.staff][-1] == "王五"
        await burst_keys(pilot, named("escape"))
        assert isinstance(app.screen, ConfirmCancel)
        await pilot.press("escape")  # deliberately: discard
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen)
        assert [s.name for s in desk.config.staff] == ["张三", "李四"]


@pytest.mark.parametrize(
    ("typed", "problem"),
    [("7.5", "应为整数"), ("1e1", "应为整数"), ("七", "应为整数"), ("-3", "不能为负数"), ("１１", "5—10")],
)
async def test_members_keeps_what_was_typed_and_says_what_is_wrong(desk: Desk, typed: str, problem: str) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst_keys(pilot, [*named("f2", "1"), *text_keys("某单位\r某工作室\r1\r王建国\r刘敏\r13900000000\r")])
        await type_text(pilot, typed)
        await settle(pilot)
        form = app.screen
        assert isinstance(form, RegisterScreen)
        assert form.value("members") == typed  # nothing dropped
        note = shown(form.query_one("#note-members"))
        assert problem in note and (typed != "-3" or "应为整数" not in note)  # −3 is an integer
        await burst_keys(pilot, named("ctrl+s"))
        if problem == "5—10":
            assert isinstance(app.screen, QuestionableDialog)  # questionable, not refused
        else:
            assert isinstance(app.screen, RegisterScreen) and desk.store.count() == 0  # refused: not saved


def test_show_ties_the_page_limit_to_studios_only(desk: Desk) -> None:
    project = desk.store.register("project", studio_fields(members=None), "李四", pages=30)
    studio = desk.store.register("studio", studio_fields(unit="另一单位"), "李四", pages=30)
    round_ = desk.config.round

    def page_line(pack) -> str:  # type: ignore[no-untyped-def]
        lines = record_lines(round_, pack, desk.store.assess(pack), desk.store.history(pack.id))
        return next(line for line in lines if line.startswith("页数"))

    assert page_line(project) == "页数（纸质）：30 页"
    assert "人才工作室一般不超过 25 页" in page_line(studio)


def test_the_void_toast_says_voided_not_registered(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "李四")
    voided = desk.store.update(pack.id, {"voided": True, "void_reason": "重复登记"}, "王主任", action="void")
    text = outcome_done_text("void", voided)
    assert "已作废" in text and "重复登记" in text and "已登记" not in text


def test_every_confirmation_dialog_is_answered_deliberately() -> None:
    for dialog in (ConfirmCancel, QuestionableDialog, DuplicateDialog, ConfirmExport):
        assert issubclass(dialog, Confirmation), dialog
