"""Nothing a poll, timer, worker or dialog does may touch a screen not mounted yet or gone."""

from __future__ import annotations

from deskapp.app import DeskApp
from deskapp.dashboard import build_dashboard
from deskapp.service import Desk
from screens.base import DeskScreen, screen_alive
from screens.dashboard import DashboardScreen
from screens.exporting import ExportProgress
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.widgets import PackList
from tests.conftest import studio_fields
from tests.test_ui_scan import until


async def test_a_change_reaches_a_pack_screen_before_it_is_composed(desk: Desk) -> None:
    """The crash of issue 9: poll_store -> PackScreen.refresh_data on a screen pushed a moment ago."""
    first = desk.store.register("studio", studio_fields(), "张三")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        screen = PackScreen(first.id)
        app.push_screen(screen)
        desk.store.register("studio", studio_fields(name="另一个"), "李四")  # another desk writes
        assert not screen_alive(screen)
        app.poll_store()  # would raise NoMatches on '#pack-info' without the guard
        await until(pilot, lambda: screen.scan_ready)
        assert "准东某煤化工有限公司" in str(screen.query_one("#pack-info").render())


async def test_a_screen_gone_is_left_alone(desk: Desk) -> None:
    first = desk.store.register("studio", studio_fields(), "张三")
    second = desk.store.register("studio", studio_fields(name="另一个"), "张三")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(first.id)
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        old = app.screen
        app.open_pack(second.id)  # replaces it (as a scan does) while, say, a dialog's callback is due
        await until(pilot, lambda: not screen_alive(old))
        old.refresh_data()  # a late callback: nothing happens, nothing raises
        dashboard = DashboardScreen()
        app.push_screen(dashboard)
        await until(pilot, lambda: screen_alive(dashboard))
        app.pop_screen()
        await until(pilot, lambda: not screen_alive(dashboard))
        dashboard.show_board(build_dashboard(desk.store), "")  # the worker's answer after Esc
        bar = ExportProgress("附件2")
        await app.screen.mount(bar)
        await bar.remove()
        bar.step(1, 2)  # an export's progress after its screen was replaced
        await pilot.pause()
        assert app.is_running and app.screen.pack_id == second.id


async def test_a_covered_screen_redraws_when_it_shows_again(desk: Desk) -> None:
    first = desk.store.register("studio", studio_fields(), "张三")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        main = app.screen
        assert isinstance(main, MainScreen)
        app.open_pack(first.id)
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        later = desk.store.register("studio", studio_fields(name="另一个"), "李四")
        app.poll_store()
        assert main._stale and main.query_one(PackList).ids == (first.id,)  # not redrawn while covered
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is main)
        assert main.query_one(PackList).ids == (later.id, first.id)


def test_every_screen_with_data_redraws_through_the_guard() -> None:
    """The screens the app redraws on a change share the one guarded refresh_data."""
    for screen in (MainScreen, PackScreen, DashboardScreen):
        assert issubclass(screen, DeskScreen)
        assert "refresh_data" not in vars(screen), screen
