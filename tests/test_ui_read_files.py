"""Pilot: read a unit's files into a pack from the keyboard, accept, see the cross-check flags."""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from screens.read_files import PickFilesScreen, ReviewPrefillScreen, read_into_pack
from tests import formfactory as ff
from tests.conftest import full_checklist, studio_fields


class HostScreen(Screen[None]):
    BINDINGS = [Binding("ctrl+o", "read", "读取电子版", id="read_files")]

    def __init__(self, pack_id: int) -> None:
        super().__init__()
        self.pack_id = pack_id

    def compose(self) -> ComposeResult:
        yield Static("pack")
        yield Footer()

    def action_read(self) -> None:
        read_into_pack(self, self.pack_id, folder=self.app.usb)  # type: ignore[attr-defined]


class Host(App[None]):
    def __init__(self, desk, pack_id: int, usb: Path) -> None:
        super().__init__()
        self.desk, self.clerk, self.usb, self.pack_id = desk, "李四", usb, pack_id

    def on_mount(self) -> None:
        self.push_screen(HostScreen(self.pack_id))


async def type_text(pilot, text: str) -> None:
    for ch in text:
        await pilot.press(ch if ch.isalnum() else {"/": "slash", ".": "full_stop", "-": "minus", "_": "underscore"}[ch])


async def test_read_folder_into_pack_accept_some_then_flags(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ff.form1(usb / "form1.docx", members=ff.MEMBERS[:4])
    ff.pdf(usb / "pack.pdf", 18)
    pack = desk.store.register("studio", studio_fields(name="煤化工工作室", members=6), "张三",
                               checklist=full_checklist(desk, "studio"), pages=20)
    app = Host(desk, pack.id, usb)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o")
        assert isinstance(app.screen, PickFilesScreen)
        await type_text(pilot, str(usb))
        await pilot.press("enter")
        assert isinstance(app.screen, ReviewPrefillScreen)
        await app.workers.wait_for_complete()
        await pilot.pause()
        table = app.screen.query_one("#review-table", DataTable)
        rows = {table.get_row(k)[1]: table.get_row(k) for k in table.rows}
        assert rows["工作室名称"][2:4] == ["煤化工工作室", "煤化工技能大师工作室"]
        assert rows["工作室名称"][0] == "☐"  # would overwrite what the clerk typed: not pre-accepted
        assert rows["依托单位简介"][0] == "☑"  # empty on the pack: pre-accepted
        await pilot.press("n")  # none, then only the studio name, by keys
        paths = [p.path for p in app.screen.prefill.proposals]
        for _ in range(paths.index("name")):
            await pilot.press("down")
        await pilot.press("space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)
    saved = desk.store.get(pack.id)
    assert saved.name == "煤化工技能大师工作室" and saved.members == 6 and saved.details == {}
    last = desk.store.history(pack.id)[-1]
    assert last.actor == "李四" and last.action == "prefill" and "form1.docx" in last.reason
    assert {e["name"] for e in saved.files} == {"form1.docx", "pack.pdf"}
    flags = {f.code: f.text for f in desk.store.assess(saved).flags}
    assert flags["file_members"] == "登记成员6人，附件1列出4人（form1.docx）"
    assert flags["file_pages"] == "纸质版20页，PDF电子版18页（pack.pdf）"


async def test_cancel_saves_nothing(desk, tmp_path):
    ff.form1(tmp_path / "form1.docx")
    pack = desk.store.register("studio", studio_fields(), "张三")
    before = len(desk.store.history())
    app = Host(desk, pack.id, tmp_path)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("ctrl+o")
        await type_text(pilot, str(tmp_path / "form1.docx"))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("a", "escape")
        await pilot.pause()
        assert isinstance(app.screen, HostScreen)
    assert len(desk.store.history()) == before and desk.store.get(pack.id).files == []
