"""Small terminals (100x30, 80x24): what the clerk needs stays on screen."""

from __future__ import annotations

import pytest

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.checklist import Checklist
from screens.pack import PackScreen
from screens.widgets import PackList
from tests.test_ui_scan import until
from tests.test_ui_snapshots import a_few_packs


@pytest.mark.parametrize("size", [(120, 36), (100, 30), (80, 24)])
async def test_list_keeps_number_unit_status_and_missing(still_desk: Desk, size: tuple[int, int]) -> None:
    a_few_packs(still_desk)
    app = DeskApp(still_desk, clerk="张三")
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        table = app.screen.query_one(PackList)
        header = table.render_line(0).text
        for label in ("收件编号", "申报单位", "状态", "缺件/标记"):
            assert label in header, (size, header)
        row = table.render_line(1).text  # the newest pack: late, nothing ticked
        assert "ZD2026-GZS-0003" in row and "准东某煤化工" in row and "逾期" in row and "缺" in row, (size, row)
        assert len(row.rstrip()) <= size[0]


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_pack_screen_stacks_its_halves(still_desk: Desk, size: tuple[int, int]) -> None:
    a_few_packs(still_desk)
    app = DeskApp(still_desk, clerk="张三")
    async with app.run_test(size=size) as pilot:
        app.open_pack(3)
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        fields = app.screen.query_one("#pack-fields").region
        side = app.screen.query_one("#pack-side").region
        assert side.y >= fields.bottom and side.width >= size[0] - 4, (fields, side)
        await pilot.press("f7")  # the checklist scrolls into view with the focus
        await pilot.pause(0.3)
        shown = app.screen.query_one(Checklist).region
        assert shown.height >= 3 and shown.bottom <= size[1], shown
