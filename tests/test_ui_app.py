"""The app around the screens: command palette, staff key remapping, other desks, start-up errors."""

from __future__ import annotations

from deskapp.app import DeskApp, run_app
from deskapp.service import Desk, open_desk
from screens.main import MainScreen
from screens.register import KindDialog
from tests.conftest import studio_fields
from tests.ui_keys import shown, type_text


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
