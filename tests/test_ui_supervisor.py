"""Pilot tests of the supervisor's screens: export key, outcomes, refusals, voids, the dashboard."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook
from textual.widgets import DataTable, Static

from deskapp.app import DeskApp
from screens.dashboard import DashboardScreen
from screens.exporting import ConfirmExport
from screens.main import MainScreen
from screens.pack import PackScreen

from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor, complete_studio, incomplete_studio, known_round

SIZE = (120, 36)


def make_app(desk, clerk: str) -> DeskApp:
    return DeskApp(desk, clerk=clerk)


async def wait_workers(app, pilot) -> None:
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


@pytest.fixture
def sdesk(desk):
    return add_supervisor(desk)


async def test_one_key_export_from_the_main_screen(sdesk):
    pack = complete_studio(sdesk, unit="=HYPERLINK(1)")
    app = make_app(sdesk, "张三")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        await pilot.press("ctrl+g")
        await wait_workers(app, pilot)
        assert isinstance(app.screen, ConfirmExport)  # its 附件2 long columns are empty: said before writing
        assert f"1 行缺附件2内容：{pack.receipt_no}" in str(app.screen.query_one("#confirm-lines", Static).render())
        await pilot.press("enter")
        await wait_workers(app, pilot)
        result = app.last_export
        assert result.path.exists() and result.path.parent == sdesk.locations.exports
        assert any(result.path.name in str(n.message) for n in app._notifications)  # toasts shorten long paths
        assert not app.screen.query("#export-progress")
    ws = load_workbook(result.path).worksheets[0]
    assert ws["B4"].value == "=HYPERLINK(1)" and ws["B4"].data_type == "s"


async def test_supervisor_outcomes_through_dialogs(sdesk):
    pack = incomplete_studio(sdesk)
    app = make_app(sdesk, SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "4")  # 容缺受理
        await pilot.pause()
        # due date is prefilled; Enter moves on, the reason, then the PIN
        due = app.screen.query_one("#o-due").value
        assert due >= "2026-06-11"
        await pilot.press("enter")
        await pilot.press(*"先受理后补电子版", "enter")
        await pilot.press(*"0000", "enter")
        await pilot.pause()
        assert "PIN 不正确" in str(app.screen.query_one(".dialog-error", Static).render())
        pin = app.screen.query_one("#o-pin")
        pin.value = ""
        pin.focus()
        await pilot.press(*PIN, "enter")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        done = sdesk.store.get(pack.id)
        assert done.status == "accepted_pending" and done.outcome["by"] == SUPERVISOR
        assert done.outcome["reason"] == "先受理后补电子版" and done.outcome["due"] == due
        assert f"容缺受理（截止 {due}）" in str(app.screen.query_one("#pack-title", Static).render())
        history = str(app.screen.query_one("#history", Static).render())
        assert f"{SUPERVISOR}  容缺受理" in history and f"截止日期：{due}" in history and "缺少材料：电子版" in history
        assert "状态：已登记 → 容缺受理" in history and "原因：先受理后补电子版" in history

        await pilot.press("f5", "3")  # 补正材料收到
        await pilot.pause()
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert sdesk.store.get(pack.id).status == "accepted"


async def test_a_clerk_is_refused_a_supervisor_action(sdesk):
    pack = complete_studio(sdesk)
    app = make_app(sdesk, "张三")
    async with app.run_test(size=SIZE) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "7")  # 作废
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        assert any("受理员" in str(n.message) for n in app._notifications)
    assert not sdesk.store.get(pack.id).voided
    refused = sdesk.store.history(pack.id)[-1]
    assert refused.action == "refused" and refused.actor == "张三" and refused.data == {"action": "void"}


async def test_a_void_stays_visible(sdesk):
    pack = complete_studio(sdesk)
    app = make_app(sdesk, SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "7")
        await pilot.pause()
        await pilot.press("enter", *PIN, "enter")  # no reason: refused, the dialog stays with the PIN typed
        await pilot.pause()
        assert "原因" in str(app.screen.query_one(".dialog-error", Static).render())
        app.screen.query_one("#o-reason").focus()
        await pilot.press(*"重复登记", "ctrl+s")
        await pilot.pause()
        assert "已作废" in str(app.screen.query_one("#pack-title", Static).render())
        await pilot.press("escape", "ctrl+o")
        await wait_workers(app, pilot)
        assert "作废 1" in str(app.screen.query_one("#dash-summary", Static).render())
    assert sdesk.store.by_receipt(pack.receipt_no).voided


async def test_dashboard_counts_and_incomplete_list(sdesk):
    from deskapp.integrity import run_check

    packs = known_round(sdesk)
    assert run_check(sdesk.store, SUPERVISOR).ok
    app = make_app(sdesk, SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await wait_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "上次完整性校验通过：2026-06-10" in str(screen.query_one("#dash-title", Static).render())
        summary = str(screen.query_one("#dash-summary", Static).render())
        assert "共 6 件" in summary and "齐全 2" in summary and "缺件 2" in summary and "逾期 1" in summary
        kinds = screen.query_one("#dash-kinds", DataTable)
        studio = kinds.get_row_at(0)
        assert studio[0] == "人才工作室" and studio[-1] == "5" and studio[-2] == "1"  # 5 in all, 1 voided
        table = screen.query_one("#dash-list", DataTable)
        assert table.row_count == 2
        await pilot.press("slash", *"赵六")
        await pilot.pause()
        assert table.row_count == 1 and table.get_row_at(0)[0] == packs["missing"].receipt_no
        assert table.get_row_at(0)[7] == "138****5678" and table.get_row_at(0)[8] == "佐证材料、电子版"
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen) and app.screen.pack_id == packs["missing"].id
        await pilot.press("escape", "f7")  # the register, from the dashboard
        await wait_workers(app, pilot)
        assert app.last_export.path.name.startswith("受理台账_") and app.last_export.rows == 6


def test_dashboard_snapshot(snap_compare, data_dir):
    from deskapp.service import open_desk
    from deskapp.timeutil import fixed_clock

    from .conftest import ON_TIME

    desk = add_supervisor(open_desk(data_dir, clock=fixed_clock(ON_TIME)))
    known_round(desk)

    async def run_before(pilot) -> None:
        await pilot.press("ctrl+o")
        await wait_workers(pilot.app, pilot)
        for widget in pilot.app.screen.query("Input"):
            widget.cursor_blink = False

    assert snap_compare(make_app(desk, SUPERVISOR), terminal_size=SIZE, run_before=run_before)


async def test_details_typed_on_the_pack_reach_the_annex2_export(sdesk):
    pack = complete_studio(sdesk)
    app = make_app(sdesk, SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "9")  # 填写附件2内容
        await pilot.pause()
        app.screen.query_one("#d-awards").insert("2021年 自治区技术能手\n2023年 全国技术能手")
        app.screen.query_one("#d-goals").insert("三年培养高级工30名")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        assert "领衔人主要获奖情况：2021年 自治区技术能手" in str(app.screen.query_one("#pack-info", Static).render())
        await pilot.press("ctrl+g")
        await wait_workers(app, pilot)
        await pilot.press("enter")  # three long columns still empty: export all the same
        await wait_workers(app, pilot)
    ws = load_workbook(app.last_export.path).worksheets[0]
    assert ws["F4"].value == "2021年 自治区技术能手\n2023年 全国技术能手" and ws["K4"].value == "三年培养高级工30名"
    assert sdesk.store.history(pack.id)[-1].actor == SUPERVISOR


async def test_clerk_asks_for_a_supplement_listing_every_missing_item(sdesk):
    pack = incomplete_studio(sdesk, ("ecopy", "evidence"))
    app = make_app(sdesk, "张三")
    async with app.run_test(size=SIZE) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "2")  # 补正
        await pilot.pause()
        assert str(app.screen.query_one("#o-missing", Static).render()) == "缺少材料：佐证材料、电子版"
        assert not app.screen.query("#o-pin")  # a clerk action: no PIN asked
        await pilot.press("enter", "enter")  # keep the due date, no reason: done
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
    asked = sdesk.store.get(pack.id)
    assert (
        asked.status == "supplement"
        and asked.outcome["missing"] == ["佐证材料", "电子版"]
        and asked.outcome["by"] == "张三"
    )


async def test_export_warns_first_and_escape_writes_nothing_and_dashboard_lists_annex2_content(sdesk):
    packs = known_round(sdesk)
    full = dict.fromkeys(("awards", "achievements", "unit_intro", "support", "goals"), "内容")
    sdesk.store.update(packs["accepted"].id, {f"details.{k}": v for k, v in full.items()}, SUPERVISOR, action="details")
    app = make_app(sdesk, SUPERVISOR)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+g")
        await wait_workers(app, pilot)
        assert isinstance(app.screen, ConfirmExport)
        lines = str(app.screen.query_one("#confirm-lines", Static).render())
        assert f"1 行缺附件2内容：{packs['missing'].receipt_no}" in lines
        assert "逾期 1 件视为放弃，未列入附件2" in lines and packs["late"].receipt_no in lines
        await pilot.press("escape")
        await wait_workers(app, pilot)
        assert not isinstance(app.screen, ConfirmExport) and getattr(app, "last_export", None) is None
        assert not list(sdesk.locations.exports.glob("*.xlsx"))
        await pilot.press("ctrl+o")
        await wait_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)
        assert "附件2内容：齐 1 / 缺 2 个工作室（F8）" in str(screen.query_one("#dash-summary", Static).render())
        await pilot.press("f8")
        await pilot.pause()
        table = screen.query_one("#dash-list", DataTable)
        rows = {table.get_row_at(i)[0]: table.get_row_at(i) for i in range(table.row_count)}
        assert set(rows) == {packs[k].receipt_no for k in ("accepted", "missing", "late")}  # live studios
        assert rows[packs["accepted"].receipt_no][4] == "齐（手工填写）"
        assert (
            rows[packs["missing"].receipt_no][4] == "缺5栏（未填）"
            and "依托单位简介" in rows[packs["missing"].receipt_no][5]
        )
        assert table.get_row_at(0)[0] != packs["accepted"].receipt_no  # lacking ones first
        await pilot.press("f8")
        await pilot.pause()
        assert table.row_count == 2 and "缺件清单" in str(screen.query_one("#dash-list-head", Static).render())


async def test_the_dashboard_redraws_when_another_desk_writes_and_on_f5(sdesk, data_dir, clock):
    """Another desk's pack appears on an open dashboard (the app's poll), and F5 recounts: the
    redraw goes through DeskScreen.refresh_data (the dashboard's own list once shadowed it)."""
    from deskapp.service import open_desk

    from .test_ui_scan import until

    known_round(sdesk)
    app = make_app(sdesk, SUPERVISOR)
    other = open_desk(data_dir, clock=clock)  # a second desk on the same data folder
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await wait_workers(app, pilot)
        screen = app.screen
        assert isinstance(screen, DashboardScreen)

        def summary() -> str:
            return str(screen.query_one("#dash-summary", Static).render())

        assert "共 6 件" in summary()
        other.store.register("studio", {"unit": "另一单位", "name": "己工作室"}, "李四")
        await until(pilot, lambda: "共 7 件" in summary(), seconds=10)
        await pilot.press("f5")
        await wait_workers(app, pilot)
        assert app.screen is screen and app.is_running and "共 7 件" in summary()
