"""Pilot: reading a unit's files from the keyboard, on the registration form and on a pack."""

from __future__ import annotations

from contextlib import asynccontextmanager

from deskapp.app import DeskApp
from deskapp.models import DETAIL_FIELDS
from screens.checklist import Checklist
from screens.pack import PackScreen
from screens.pick_files import PickFilesScreen
from screens.read_files import ReviewPrefillScreen
from screens.register import RegisterScreen, SavedScreen
from tests import formfactory as ff
from tests.conftest import full_checklist, studio_fields
from tests.ui_keys import shown, type_text


async def pick_and_wait(pilot, path) -> ReviewPrefillScreen:  # type: ignore[no-untyped-def]
    """F9, type the path, Enter; wait for the reading worker."""
    await pilot.press("f9")
    assert isinstance(pilot.app.screen, PickFilesScreen)
    await type_text(pilot, str(path), enter=True)
    assert isinstance(pilot.app.screen, ReviewPrefillScreen)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return pilot.app.screen


def rows_of(review: ReviewPrefillScreen) -> dict[str, list[str]]:
    table = review.query_one("#review-table")
    return {table.get_row(k)[1]: table.get_row(k) for k in table.rows}


async def test_register_a_studio_by_reading_its_form_and_pdf(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ff.form1(usb / "form1.docx", "wps", cover={"专业领域": "煤化工"})
    ff.pdf(usb / "pack.pdf", 18)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "1")
        assert isinstance(app.screen, RegisterScreen)
        review = await pick_and_wait(pilot, usb)
        rows = rows_of(review)
        assert rows["工作室名称"][2:4] == ["（空）", "煤化工技能大师工作室"]
        assert rows["研究领域"][3] == "煤炭煤电煤化工"  # the round's sector the form's 煤化工 means
        assert "form1.docx" in shown(review.query_one("#review-progress"))
        assert rows["页数（纸质，按PDF）"][2:4] == ["（空）", "18"]  # offered for 页数
        await pilot.press("a", "ctrl+s")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RegisterScreen)
        assert form.query_one("#f-name").value == "煤化工技能大师工作室"
        assert form.query_one("#f-members").value == "6" and form.query_one("#f-leader").value == "王建国"
        assert form.query_one("#f-pages").value == "18"
        assert app.focused is form.query_one(Checklist)  # what is left to do
        await pilot.press("0")  # 页数 is filled: on to 介质
        assert app.focused is form.query_one("#f-ecopy_medium")
        await pilot.press("shift+tab", "end", "backspace", "backspace")  # the paper pack has 20 pages, not 18
        await type_text(pilot, "20")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SavedScreen)
        verdict = shown(app.screen.query_one("#saved-verdict"))
        assert "纸质版20页，PDF电子版18页（pack.pdf）" in verdict
    pack = desk.store.by_receipt("ZD2026-GZS-0001")
    assert (pack.unit, pack.name, pack.sector, pack.leader, pack.members) == (
        "准东某煤化工有限公司",
        "煤化工技能大师工作室",
        "煤炭煤电煤化工",
        "王建国",
        6,
    )
    assert set(pack.details) == set(DETAIL_FIELDS) and pack.details["goals"] == ff.LONGS["人才工作室工作任务目标"]
    assert [e["name"] for e in pack.files] == ["form1.docx", "pack.pdf"]
    history = desk.store.history(pack.id)
    assert [(h.action, h.actor) for h in history] == [("register", "张三"), ("prefill", "张三")]
    assert {f.code for f in desk.store.assess(pack).flags} == {"file_pages"}


async def test_read_into_an_open_pack_accept_one_by_keys(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ff.form1(usb / "form1.docx", members=ff.MEMBERS[:4])
    pack = desk.store.register(
        "studio",
        studio_fields(name="煤化工工作室", members=6),
        "张三",
        checklist=full_checklist(desk, "studio"),
        pages=20,
    )
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(PackScreen(pack.id))
        review = await pick_and_wait(pilot, usb / "form1.docx")
        rows = rows_of(review)
        assert rows["工作室名称"][0] == "☐！"  # would overwrite what the clerk typed: a conflict, not pre-accepted
        assert rows["依托单位简介"][0] == "☑"  # empty on the pack: pre-accepted
        await pilot.press("n")  # none; then only the studio name, by keys
        paths = [p.path for p in review.prefill.proposals]
        await pilot.press(*["down"] * paths.index("name"), "space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        info = shown(app.screen.query_one("#pack-info"))
        assert (
            "工作室名称：煤化工技能大师工作室" in info
            and "电子版：form1.docx（附件1 工作室申报表；" in info
            and "填入：工作室名称）" in info
        )
        assert "登记成员6人，附件1列出4人（form1.docx）" in shown(app.screen.query_one("#pack-verdict"))
    saved = desk.store.get(pack.id)
    assert saved.name == "煤化工技能大师工作室" and saved.members == 6 and saved.details == {}
    last = desk.store.history(pack.id)[-1]
    assert (last.actor, last.action) == ("李四", "prefill") and "form1.docx" in last.reason


def read_in_process(files, progress):  # type: ignore[no-untyped-def]
    from deskapp.readers import read_file

    return [read_file(f) for f in files]


@asynccontextmanager
async def on_a_pack(desk):  # type: ignore[no-untyped-def]
    """The desk with a registered pack open; yields (app, pilot, pack)."""
    pack = desk.store.register("studio", studio_fields(), "张三")
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(PackScreen(pack.id))
        yield app, pilot, pack


async def test_escape_in_the_review_saves_nothing(desk, tmp_path):
    ff.form1(tmp_path / "form1.docx")
    before = len(desk.store.history()) + 1
    async with on_a_pack(desk) as (app, pilot, pack):
        await pick_and_wait(pilot, tmp_path / "form1.docx")
        await pilot.press("a", "escape")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
    assert len(desk.store.history()) == before and desk.store.get(pack.id).files == []


async def test_picker_says_when_a_typed_path_does_not_exist(desk, tmp_path):
    async with on_a_pack(desk) as (app, pilot, _):
        await pilot.press("f9")
        await type_text(pilot, str(tmp_path / "nothing.docx"), enter=True)
        await pilot.pause()
        assert isinstance(app.screen, PickFilesScreen)
        assert any("找不到" in str(n.message) for n in app._notifications)
        await pilot.press("escape")
        assert isinstance(app.screen, PackScreen)


def test_review_dialog_snapshot(still_desk, tmp_path, snap_compare):  # type: ignore[no-untyped-def]
    from deskapp.readers.prefill import current_values

    ff.form1(tmp_path / "form1.docx", members=ff.MEMBERS[:4])
    ff.pdf(tmp_path / "pack.pdf", 18)
    pack = still_desk.store.register(
        "studio", studio_fields(name="煤化工工作室", leader="", members=6), "张三", pages=20
    )

    async def review(pilot) -> None:  # type: ignore[no-untyped-def]
        app = pilot.app
        await app.push_screen(PackScreen(pack.id))
        paths = [tmp_path / "form1.docx", tmp_path / "pack.pdf"]
        sectors = list(still_desk.config.round.sectors)
        await app.push_screen(
            ReviewPrefillScreen(paths, "studio", current_values(pack), sectors, pack, reader=read_in_process)
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("down", "down")
        await pilot.pause()

    assert snap_compare(DeskApp(still_desk, clerk="张三"), terminal_size=(120, 36), run_before=review)


async def test_escape_while_reading_leaves_the_desk_working(desk, tmp_path):
    import threading

    from deskapp.readers import read_file

    calls: list[str] = []
    started, release = threading.Event(), threading.Event()

    def slow_reader(files, progress):  # type: ignore[no-untyped-def]
        reports = []
        for n, path in enumerate(files, 1):
            progress(n, len(files), path.name)
            calls.append(path.name)
            started.set()
            release.wait(10)  # a large file on a slow USB stick, until the clerk has pressed Esc
            reports.append(read_file(path))
        return reports

    ff.form1(tmp_path / "a.docx")
    ff.form1(tmp_path / "b.docx")
    before = len(desk.store.history()) + 1
    async with on_a_pack(desk) as (app, pilot, _):
        await app.push_screen(ReviewPrefillScreen([tmp_path], "studio", {}, [], None, reader=slow_reader))
        while not started.is_set():
            await pilot.pause(0.05)
        await pilot.press("escape")
        for _ in range(200):  # the dialog has closed (and told its worker to stop) before the file "arrives"
            if isinstance(app.screen, PackScreen):
                break
            await pilot.pause(0.05)
        release.set()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PackScreen) and app.is_running
        assert calls == ["a.docx"]  # the worker stopped before the next file
        await pilot.press("f9", "escape")  # and reading again works
        assert isinstance(app.screen, PackScreen)
    assert len(desk.store.history()) == before


async def test_conflicts_are_listed_up_front_and_v_takes_the_other_files_value(desk, tmp_path):
    usb = tmp_path / "usb"
    usb.mkdir()
    ff.form1(usb / "a1.docx")
    ff.form2_xlsx(usb / "a2.xlsx", [ff.form2_row()])
    pack = desk.store.register("studio", studio_fields(name="煤化工工作室"), "张三")
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await app.push_screen(PackScreen(pack.id))
        review = await pick_and_wait(pilot, usb)
        conflicts = shown(review.query_one("#review-conflicts"))
        # without moving the cursor: the typed name against the files, the two award texts side by side
        assert "工作室名称：当前“煤化工工作室”" in conflicts
        assert (
            "a1.docx（获奖情况）“2021年 全国技术能手" in conflicts
            and "a2.xlsx（领衔人主要获奖情况）“2021年全国技术能手”" in conflicts
        )
        rows = rows_of(review)
        assert rows["领衔人主要获奖情况"][0] == "☐！" and rows["依托单位简介"][0] == "☑"
        paths = [p.path for p in review.prefill.proposals]
        await pilot.press(*["down"] * paths.index("details.awards"), "v", "space", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
    saved = desk.store.get(pack.id)
    assert saved.details["awards"] == "2021年全国技术能手" and saved.name == "煤化工工作室"
    sources = desk.store.history(pack.id)[-1].data["sources"]
    assert sources["details.awards"]["name"] == "a2.xlsx" and sources["details.unit_intro"]["name"] in (
        "a1.docx",
        "a2.xlsx",
    )


async def test_register_a_project_from_its_form3_fills_lead_contact_phone_and_funds(desk, tmp_path):
    ff.form3(tmp_path / "附件3.docx")
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f2", "2")
        assert isinstance(app.screen, RegisterScreen) and app.screen.kind == "project"
        form = app.screen
        form.query_one("#f-contact").value = "手填联系人"  # typed before reading: never replaced unasked
        review = await pick_and_wait(pilot, tmp_path / "附件3.docx")
        rows = rows_of(review)
        assert rows["联系人"][0] == "☐！" and rows["项目负责人"][0] == "☑" and rows["资金总额（万元）"][3] == "100"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert form.query_one("#f-leader").value == "孙伟" and form.query_one("#f-phone").value == "13800000001"
        assert form.query_one("#f-contact").value == "手填联系人"
        await pilot.press("ctrl+s")
        await pilot.pause()
    (pack,) = desk.store.packs()
    assert (pack.kind, pack.unit, pack.leader, pack.contact) == (
        "project",
        "准东某煤化工有限公司",
        "孙伟",
        "手填联系人",
    )
    assert pack.details["funds_total"] == "100" and pack.details["funds_requested"] == "60"
    sources = desk.store.history(pack.id)[-1].data["sources"]
    assert sources["leader"]["name"] == "附件3.docx" and "contact" not in sources
