"""The app around the screens: command palette, staff key remapping, other desks, start-up errors."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.worker import WorkerFailed

from deskapp.app import DeskApp, run_app
from deskapp.service import Desk, open_desk
from screens.keymap import SCREEN_MODULES, SHARED_IDS, binding_ids, desk_keymap, keymap_problems
from screens.main import MainScreen
from screens.register import KindDialog, RegisterScreen
from screens.signin import SignInScreen, StaffSetupScreen
from tests.conftest import studio_fields
from tests.ui_keys import settle, shown, type_text


async def test_command_palette_offers_the_keys_actions(desk: Desk) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+p")
        await type_text(pilot, "登记新材料")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, KindDialog)


async def test_staff_remap_keys_in_config(desk: Desk) -> None:
    config = desk.locations.config
    config.write_text(config.read_text(encoding="utf-8") + '\n[keys]\nregister = "f5"\n', encoding="utf-8")
    desk.reload_config()
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2")
        assert isinstance(app.screen, MainScreen)
        await pilot.press("f5")
        assert isinstance(app.screen, KindDialog)


ROOT = Path(__file__).resolve().parent.parent


def _remap(desk: Desk, keys: str) -> None:
    config = desk.locations.config
    config.write_text(config.read_text(encoding="utf-8") + f"\n[keys]\n{keys}\n", encoding="utf-8")
    desk.reload_config()


def test_every_binding_id_belongs_to_one_binding() -> None:
    """One [keys] line remaps one key: no two bindings of the desk declare the same id."""
    declared: dict[str, list[str]] = {}
    modules = [importlib.import_module(name) for name in SCREEN_MODULES]
    classes = [DeskApp] + [
        c for m in modules for _, c in inspect.getmembers(m, inspect.isclass) if c.__module__ == m.__name__
    ]
    for cls in classes:
        for binding in cls.__dict__.get("BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                declared.setdefault(binding.id, []).append(cls.__name__)
    assert {i: owners for i, owners in declared.items() if len(owners) > 1} == {}
    # every module of screens/ that declares a binding is searched for ids (a new one cannot be missed)
    for path in sorted((ROOT / "screens").glob("*.py")):
        if "Binding(" in path.read_text(encoding="utf-8"):
            assert f"screens.{path.stem}" in SCREEN_MODULES, path.name
    assert {"form.save", "staff.save", "scan.open", "list.open", "pin.cancel", "supervisor.cancel"} <= set(
        binding_ids(DeskApp)
    )


def test_an_old_shared_id_still_remaps_every_key_it_named() -> None:
    assert desk_keymap({"save": "f10"}) == {"form.save": "f10", "staff.save": "f10"}
    assert desk_keymap({"save": "f10", "staff.save": "f11", "register": "f5"}) == {
        "form.save": "f10",
        "staff.save": "f11",
        "register": "f5",
    }
    assert keymap_problems({"save": "f10", "cancel": "f12", "open": "ctrl+o"}, DeskApp) == []
    assert all(new in binding_ids(DeskApp) for ids in SHARED_IDS.values() for new in ids)


def test_the_readme_names_real_binding_ids() -> None:
    """The README's word on [keys] stays in step with the bindings: every id it names exists."""
    from deskapp.config import BINDING_ID

    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paragraph = text[text.index("Staff remap keys in `[keys]`") : text.index("- **Sign in**")]
    named = [t for t in re.findall(r"`([^`]+)`", paragraph) if BINDING_ID.fullmatch(t)]
    named += re.findall(r'`"([a-z_.0-9]+)" =', paragraph)
    known = set(binding_ids(DeskApp)) | set(SHARED_IDS)
    assert len(named) >= 15 and [n for n in named if n not in known] == []


@pytest.mark.parametrize(
    ("keys", "staff_key"),
    [('"form.save" = "f10"', "ctrl+s"), ('save = "f10"', "f10")],
    ids=["own-id", "old-shared-id"],
)
async def test_remapping_the_forms_save_leaves_the_staff_lists_unless_asked(
    desk: Desk, keys: str, staff_key: str
) -> None:
    """``form.save`` moves the registration form's save only; the old ``save`` moves both, as it did."""
    _remap(desk, keys)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.push_screen(RegisterScreen("studio"))
        await settle(pilot)
        error = app.screen.query_one("#reg-error")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert shown(error) == ""  # Ctrl+S no longer saves the form
        await pilot.press("f10")
        await settle(pilot)
        assert "请填写" in shown(error)  # F10 does (and says what is missing)
        app.switch_screen(StaffSetupScreen(by="张三"))
        await settle(pilot)
        await type_text(pilot, "王五")
        other = "f10" if staff_key == "ctrl+s" else "ctrl+s"
        await pilot.press(other)
        await settle(pilot)
        assert isinstance(app.screen, StaffSetupScreen) and "王五" not in [s.name for s in desk.config.staff]
        await pilot.press(staff_key)
        await settle(pilot)
        assert isinstance(app.screen, SignInScreen) and "王五" in [s.name for s in desk.config.staff]


async def test_a_store_error_in_a_worker_is_told_and_the_desk_runs_on(desk: Desk) -> None:
    """A thread worker (a dashboard recount, the record's verification) that meets a store error:
    a Chinese message, the desk still running; any other error still ends the desk."""
    from deskapp.journal import JournalError
    from tests.test_ui_scan import until

    def recount() -> None:
        raise JournalError("记录文件读取失败")

    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        worker = app.run_worker(recount, thread=True, group="test")
        await until(pilot, lambda: worker.is_finished, seconds=10)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert any("后台操作没有完成：记录文件读取失败" in str(n.message) for n in app._notifications)

    def broken() -> None:
        raise ValueError("a bug")

    app = DeskApp(desk, clerk="张三")
    with pytest.raises(WorkerFailed, match="a bug"):
        async with app.run_test(size=(120, 36)) as pilot:
            worker = app.run_worker(broken, thread=True, group="test")
            await until(pilot, lambda: worker.is_finished, seconds=10)
            await pilot.pause()


async def test_other_desks_writes_appear(desk: Desk, data_dir, clock) -> None:  # type: ignore[no-untyped-def]
    app = DeskApp(desk, clerk="张三")
    other = open_desk(data_dir, clock=clock)  # a second desk on the same data folder
    async with app.run_test(size=(120, 36)) as pilot:
        table = app.screen.query_one("#packs")
        assert table.row_count == 0
        other.store.register("studio", studio_fields(), "李四")
        await pilot.pause(DeskApp.POLL_SECONDS + 0.3)
        assert table.row_count == 1 and table.row_at(0).cells[0] == "ZD2026-GZS-0001"
        assert "本批次 1 件" in shown(app.screen.query_one("#status"))


def test_bad_config_stops_with_a_chinese_message(data_dir, capsys) -> None:  # type: ignore[no-untyped-def]
    (data_dir / "desk.toml").write_text('[round]\ndeadline = "明天"\n', encoding="utf-8")
    assert run_app(data_dir) == 2
    err = capsys.readouterr().err
    assert "受理台无法启动" in err and "round.deadline 不是有效时间" in err
