"""A USB scanner types whole receipt numbers ending in Enter, often several back to back."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.widgets import ScanBox
from tests.conftest import full_checklist, studio_fields
from tests.ui_keys import burst

BURST = "ZD2026-GZS-0001\rZD2026-XM-0001\rZD2026-GZS-0002\r"


class StockInputBox(ScanBox):
    """The stock ``Input`` way: Enter goes through the binding (app level), not the key handler."""

    async def _on_key(self, event: events.Key) -> None:
        await Input._on_key(self, event)  # characters inserted as stock Input does
        event.prevent_default()  # skip ScanBox's own Enter handling: Enter goes on to the binding


class StockMainScreen(MainScreen):
    SCAN_BOX = StockInputBox


class StockApp(DeskApp):
    """Textual as it comes: the stock Enter binding and no key gate (screens/keygate.py)."""

    MAIN_SCREEN = StockMainScreen

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.key_gate.hold = lambda event: False  # type: ignore[method-assign]


def three_packs(desk: Desk) -> list[int]:
    ids = [
        desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=20).id,
        desk.store.register("project", studio_fields(name="储能项目", members=None), "张三").id,
        desk.store.register("studio", studio_fields(unit="准东某铝业公司"), "李四").id,
    ]
    return ids


def opened(app: DeskApp) -> list[int]:
    return [s.pack_id for s in app.screen_stack if isinstance(s, PackScreen)]


async def test_burst_of_scans_each_read_whole(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        main = app.screen
        await burst(pilot, BURST)
        assert main.scans == ["ZD2026-GZS-0001", "ZD2026-XM-0001", "ZD2026-GZS-0002"]
        assert opened(app) == ids  # opened in the order scanned
        # Nothing scanned leaked into a checklist: no change was written.
        assert [h.action for h in desk.store.history()] == ["register"] * 3


async def test_stock_input_mangles_the_same_burst(desk: Desk) -> None:
    """Why ScanBox exists: with the stock Enter binding the same burst is not read whole.

    If this ever fails, Textual changed how Enter reaches an Input; the burst test above
    still guards the desk either way.
    """
    three_packs(desk)
    app = StockApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        main = app.screen
        await burst(pilot, BURST)
        assert main.scans != ["ZD2026-GZS-0001", "ZD2026-XM-0001", "ZD2026-GZS-0002"]


async def test_scan_handlers_see_the_scan_first(desk: Desk) -> None:
    three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    seen: list[str] = []
    app.scan_handlers.append(lambda text: seen.append(text) or text.startswith("SLIP:"))
    async with app.run_test(size=(120, 36)) as pilot:
        main = app.screen
        await burst(pilot, "SLIP:ABC\rZD2026-GZS-0002\r")
        assert seen == ["SLIP:ABC", "ZD2026-GZS-0002"]
        assert main.scans == ["ZD2026-GZS-0002"]
        assert opened(app) == [3]


async def test_unknown_number_says_so(desk: Desk) -> None:
    three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst(pilot, "ZD2026-GZS-0099\r")
        assert isinstance(app.screen, MainScreen)
        assert "找不到收件编号 ZD2026-GZS-0099" in str(app.screen.query_one("#message").render())


async def test_scan_on_pack_screen_opens_next_and_never_ticks(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await burst(pilot, "ｚｄ２０２６－ＸＭ－０００１\r")  # full width and lower case, as an IME may type it
        assert opened(app) == [ids[1]]
        await burst(pilot, "ZD2026-GZS-0002\r")  # scanned while a pack is open: digits must not tick items
        assert opened(app) == [ids[2]]
        assert [h.action for h in desk.store.history()] == ["register"] * 3

