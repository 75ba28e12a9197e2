"""Slips at the counter: register, print by one key, scan the printed code back, the pack opens."""

from __future__ import annotations

import pytest

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.register import SavedScreen
from tests.conftest import full_checklist, studio_fields
from tests.slip_helpers import pdf_text, qr_codes
from tests.test_ui_register import fill_studio
from tests.ui_keys import burst, type_text


@pytest.fixture
def no_printer(monkeypatch, tmp_path):
    """A desk whose print service does not answer: every print ends in the outbox."""
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups-here.sock"))


def notes(app: DeskApp) -> list[str]:
    return [n.message for n in app._notifications]


async def wait_for_prints(pilot) -> None:  # type: ignore[no-untyped-def]
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_register_print_scan_back_opens_the_pack(desk: Desk, no_printer) -> None:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await fill_studio(pilot)
        await pilot.press("1", "2", "3")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        await pilot.press("f8")
        await wait_for_prints(pilot)
        pack = desk.store.by_receipt("ZD2026-GZS-0001")
        assert pack is not None and len(pack.prints) == 1
        saved = desk.locations.outbox / pack.prints[0]["file"].rsplit("/", 1)[-1]
        assert saved.exists()
        assert any("打印机不可用" in n and saved.name in n for n in notes(app))  # the toast shortens the path
        codes = qr_codes(saved)
        assert len(codes) == 1

        await pilot.press("enter")  # next pack: main screen, box focused
        assert isinstance(app.screen, MainScreen)
        await burst(pilot, codes[0] + "\r")  # the scanner reads the printed slip
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == pack.id
        assert any("真实回执" in n and pack.receipt_no in n for n in notes(app))
        assert "scan_refused" not in [h.action for h in desk.store.history()]


async def test_altered_payload_is_refused_and_opens_nothing(desk: Desk) -> None:
    from deskapp.receipt_qr import signer_for

    first = desk.store.register("studio", studio_fields(), "张三", pages=3)
    second = desk.store.register("studio", studio_fields(name="另一个工作室"), "张三", pages=3)
    payload = signer_for(desk.locations.secret).payload(first.receipt_no)
    forged = payload.replace("GZS0001", "GZS0002")
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await type_text(pilot, forged.lower(), enter=True)
        await pilot.pause(0.2)
        assert isinstance(app.screen, MainScreen)
        assert any("校验失败" in n and "没有打开任何材料" in n for n in notes(app))
        refused = [h for h in desk.store.history() if h.action == "scan_refused"]
        assert len(refused) == 1 and refused[0].actor == "李四" and refused[0].data["code"] == "altered"
        assert second.id not in [s.pack_id for s in app.screen_stack if isinstance(s, PackScreen)]
        # a plain receipt number still opens its pack through the box's own lookup
        await burst(pilot, second.receipt_no + "\r")
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == second.id


async def test_pack_screen_reprints_and_prints_the_notice(desk: Desk, no_printer) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=3)
    done = desk.store.register(
        "studio", studio_fields(name="齐全的工作室"), "张三", checklist=full_checklist(desk, "studio"), pages=9
    )
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f8")
        await wait_for_prints(pilot)
        await pilot.press("f8")
        await wait_for_prints(pilot)
        await pilot.press("f12")
        await wait_for_prints(pilot)
        prints = desk.store.get(pack.id).prints
        assert [(p["doc"], p["copy"], p["by"]) for p in prints] == [
            ("slip", 1, "李四"),
            ("slip", 2, "李四"),
            ("notice", 1, "李四"),
        ]
        assert "补打（第1次）" in pdf_text(desk.locations.outbox / prints[1]["file"].rsplit("/", 1)[-1])
        notice = pdf_text(desk.locations.outbox / prints[2]["file"].rsplit("/", 1)[-1])
        assert "补正告知书" in notice and "佐证材料" in notice
        history = app.screen.query_one("#history").render()
        assert "打印" in str(history)

        app.open_pack(done.id)
        await pilot.pause()
        await pilot.press("f12")  # complete pack: no notice to print
        await wait_for_prints(pilot)
        assert desk.store.get(done.id).prints == []
