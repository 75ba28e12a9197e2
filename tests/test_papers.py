"""The papers a pack gets, as the office hands them out (issues 9.6, 9.7, 13.2, 13.6).

补正 is one act whichever way it is asked; a second press while a copy is being made is not a
second original; the slip tells when each item arrived; slip, 补正告知书 and 逾期告知书 carry the
seal box, the clerk, the office address and one date style; names in Uyghur, Kazakh and CJK
Extension B print with glyphs, never as 〓.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from deskapp import outcomes, supplement_act
from deskapp.app import DeskApp
from deskapp.printing import issue, one_copy_at_a_time, render_for
from deskapp.service import Desk
from deskapp.timeutil import BEIJING
from screens.pack import PackScreen
from tests.conftest import LATE, clock_at, studio_fields
from tests.slip_helpers import page_sizes_mm, pdf_text, qr_codes

ISO_DATE = re.compile(r"\d{4}-\d{1,2}-\d{1,2}")
CN_MOMENT = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}")


def _incomplete(desk: Desk, **over: object):
    return desk.store.register(
        "studio", studio_fields(**over), "张三", checklist={"form1": True, "form2": True}, pages=12
    )


def _actions(desk: Desk, pack_id: int) -> list[str]:
    return [h.action for h in desk.store.history(pack_id)]


# -- 9.6 补正 is one act ---------------------------------------------------------------------


def test_the_notice_records_the_supplement_once_and_reprints_are_marked(desk, tmp_path):
    pack = _incomplete(desk)
    first = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    second = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    assert first.ok and second.ok, (first.message, second.message)
    assert _actions(desk, pack.id).count("supplement_request") == 1
    now = desk.store.get(pack.id)
    assert now.status == "supplement" and now.outcome["missing"] == list(desk.store.assess(pack).missing)
    assert [(p["doc"], p["copy"], p["act"]) for p in now.prints] == [
        ("notice", 1, now.outcome["at"]),
        ("notice", 2, now.outcome["at"]),
    ]
    assert "已登记补正" in first.message and "已登记补正" not in second.message
    assert "补打" not in pdf_text(first.path) and "补打（第1次）" in pdf_text(second.path)
    # the due date printed is the one recorded, on both copies
    due = now.outcome["due"]
    y, m, d = (int(x) for x in due.split("-"))
    assert f"请于{y}年{m}月{d}日前补齐" in pdf_text(first.path) and f"{y}年{m}月{d}日" in pdf_text(second.path)


def test_a_supplement_recorded_first_prints_its_original_then_reprints(desk, tmp_path):
    """F5 → 补正 records the act; the notice printed after it is its original (not 补打)."""
    pack = _incomplete(desk)
    act = supplement_act.issue_supplement(desk.store, pack.id, "张三", due="2026-06-22")
    assert act.recorded_now
    again = supplement_act.issue_supplement(desk.store, pack.id, "张三", due="2026-06-22")
    assert not again.recorded_now and again.act == act.act
    printed = issue(desk, pack, "张三", "notice", to_printer=False, out=tmp_path)
    assert printed.ok and printed.copy == 1 and "补打" not in pdf_text(printed.path)
    assert "2026年6月22日" in pdf_text(printed.path)
    assert _actions(desk, pack.id).count("supplement_request") == 1


def test_a_new_supplement_after_part_arrived_gets_a_new_original(desk, tmp_path):
    pack = _incomplete(desk)
    issue(desk, pack, "张三", "notice", to_printer=False, out=tmp_path)
    outcomes.supplement_received(desk.store, pack.id, "李四", items=["unit_seal"])
    again = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    assert again.ok and again.copy == 1, again.message
    text = pdf_text(again.path)
    assert "补打" not in text and "依托单位公章" not in text
    assert _actions(desk, pack.id).count("supplement_request") == 2


def test_a_second_press_while_a_copy_is_being_made_is_no_second_original(desk, tmp_path):
    pack = _incomplete(desk)
    with one_copy_at_a_time(desk, pack, "slip"):  # the first copy is still being made
        busy = issue(desk, pack, "张三", "slip", to_printer=False, out=tmp_path)
    assert not busy.ok and not busy.recorded and "正在生成或打印" in busy.message
    assert desk.store.get(pack.id).prints == []
    first = issue(desk, pack, "张三", "slip", to_printer=False, out=tmp_path)
    second = issue(desk, pack, "张三", "slip", to_printer=False, out=tmp_path)
    assert (first.copy, second.copy) == (1, 2)
    assert [p["copy"] for p in desk.store.get(pack.id).prints] == [1, 2]


@pytest.fixture
def no_printer(monkeypatch, tmp_path):
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups-here.sock"))


async def test_f8_f8_and_f12_f12_on_a_pack_make_one_original_each(desk: Desk, no_printer) -> None:
    pack = _incomplete(desk)
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        await pilot.press("f8", "f8", "f12", "f12")
        await app.workers.wait_for_complete()
        await pilot.pause()
        prints = desk.store.get(pack.id).prints
        for doc in ("slip", "notice"):
            copies = [p["copy"] for p in prints if p["doc"] == doc]
            assert copies and copies == list(range(1, len(copies) + 1)), prints  # never two originals
        assert _actions(desk, pack.id).count("supplement_request") == 1


def test_the_cli_notice_is_the_same_act(tmp_path):
    import json

    from tests.supervisor_helpers import PIN, SUPERVISOR
    from tests.test_cli import add_supervisor_file, run

    data = tmp_path / "data"
    data.mkdir()
    add_supervisor_file(data)  # a received time on register is a supervisor's act (a migration)
    record = {
        "kind": "studio",
        "unit": "准东某煤化工有限公司",
        "name": "大师工作室",
        "pages": 12,
        "checklist": {"form1": True},
        "received_at": "2026-06-10 10:00",
    }
    receipt = json.loads(
        run(
            data,
            "register",
            "--clerk",
            "张三",
            "--supervisor",
            SUPERVISOR,
            "--pin",
            PIN,
            stdin=json.dumps(record, ensure_ascii=False) + "\n",
        ).stdout
    )["receipt_no"]
    one = run(data, "notice", receipt, "--clerk", "张三", "--due", "2999-12-31", "--out", str(tmp_path / "1.pdf"))
    two = run(data, "notice", receipt, "--clerk", "张三", "--out", str(tmp_path / "2.pdf"))
    old = run(data, "notice", receipt, "--clerk", "张三", "--by", "2999-12-31", "--out", str(tmp_path / "3.pdf"))
    assert one.returncode == two.returncode == old.returncode == 0, (one.stderr, two.stderr, old.stderr)
    assert "--due" in old.stderr  # the old --by still works, and says it was renamed
    shown = json.loads(run(data, "show", receipt, "--json").stdout)
    assert [h["action"] for h in shown["history"]].count("supplement_request") == 1
    assert [p["copy"] for p in shown["prints"]] == [1, 2, 3]
    assert "2999年12月31日" in pdf_text(tmp_path / "2.pdf") and "补打（第1次）" in pdf_text(tmp_path / "2.pdf")


# -- 9.7 when each item arrived ----------------------------------------------------------------


def test_the_slip_tells_when_each_item_arrived(desk, tmp_path):
    pack = _incomplete(desk)  # registered 2026-06-10 09:30 (the fixture's clock)
    desk.store.clock = lambda: datetime(2026, 6, 12, 14, 20, tzinfo=BEIJING)
    outcomes.supplement_received(desk.store, pack.id, "李四", items=["unit_seal"])
    desk.store.clock = lambda: datetime(2026, 6, 13, 9, 5, tzinfo=BEIJING)
    # 补充材料: a second pack of the same unit merged into the first (screens/register.py)
    desk.store.update(pack.id, {"checklist.evidence": True}, "张三", action="supplement", reason="补充材料")
    desk.store.clock = lambda: datetime(2026, 6, 15, 10, 0, tzinfo=BEIJING)
    result = issue(desk, desk.store.get(pack.id), "李四", "slip", to_printer=False, out=tmp_path)
    text = pdf_text(result.path).replace("\n", "")
    assert "依托单位公章（2026年6月12日 14:20补交）" in text
    assert "佐证材料（2026年6月13日 09:05补交）" in text
    assert "收件时间 2026年6月10日 09:30（北京时间）" in text  # the pack's received time stays the original
    assert "附件1 工作室申报表（" not in text  # items of the registration carry no later time
    assert desk.store.get(pack.id).received_at == pack.received_at


# -- 13.2 papers as the office hands them out ------------------------------------------------------


def _paper_checks(desk: Desk, text: str, clerk: str) -> None:
    flat = text.replace("\n", "")
    assert "受理单位（盖章）" in flat and f"经办人：{clerk}（签字）" in flat
    assert desk.config.office.address and desk.config.office.address in flat
    assert not ISO_DATE.search(flat), ISO_DATE.findall(flat)  # one date style: 2026年6月15日 23:59
    assert CN_MOMENT.search(flat)
    words = " ".join(text.split())  # extractors widen gaps; the spaces the desk writes are checked on the blocks
    assert "年 " not in words and " 日" not in words and " 前" not in words


def _blocks_have_no_stray_spaces(desk: Desk, pack, doc: str) -> None:
    from deskapp.printing import build_document

    main, _stub = build_document(desk, pack, doc, "李四", desk.store.clock(), None)
    for block in main.blocks:
        for text in (block.text, *block.items, *(x for row in block.rows for x in row)):
            assert "  " not in text and text == text.strip(), repr(text)


def test_slip_notice_and_late_paper_carry_seal_clerk_address_one_date_style(desk, tmp_path):
    pack = _incomplete(desk)
    slip = issue(desk, pack, "李四", "slip", to_printer=False, out=tmp_path)
    notice = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    with clock_at(desk.store, LATE):
        late = desk.store.register(
            "studio", studio_fields(name="迟到的工作室"), "张三", checklist={"form1": True}, pages=5, received_at=LATE
        )
    late_paper = issue(desk, late, "张三", "notice", to_printer=False, out=tmp_path)
    for result, clerk in ((slip, "李四"), (notice, "李四"), (late_paper, "张三")):
        assert result.ok, result.message
        _paper_checks(desk, pdf_text(result.path), clerk)
        assert len(page_sizes_mm(result.pdf)) == 1 and len(qr_codes(result.pdf)) == 1
    assert "2026年6月15日 23:59" in pdf_text(slip.path)
    for paper, doc in ((pack, "slip"), (pack, "notice"), (late, "notice")):
        _blocks_have_no_stray_spaces(desk, desk.store.get(paper.id), doc)
    # a late pack: 逾期 — 视为放弃, with the time received and the deadline; no 补正, no due date
    text = pdf_text(late_paper.path).replace("\n", "")
    assert late_paper.doc == "late" and "申报材料逾期告知书" in text and "逾期，视为放弃" in text
    assert "2026年6月16日 08:05" in text and "2026年6月15日 23:59" in text
    assert "补正告知书" not in text and "请于" not in text and "补齐" not in text
    assert desk.store.get(late.id).status == "registered"
    assert "supplement_request" not in _actions(desk, late.id)
    with pytest.raises(outcomes.OutcomeError, match="逾期"):
        outcomes.request_supplement(desk.store, late.id, "张三", due="2026-06-22")


def test_every_paper_names_a_staff_member(desk, tmp_path):
    pack = _incomplete(desk)
    for who in ("", "命令行", "王五"):
        refused = issue(desk, pack, who, "slip", to_printer=False, out=tmp_path)
        assert not refused.ok and not refused.recorded and "经办人" in refused.message
    assert desk.store.get(pack.id).prints == []


def test_the_cli_asks_for_the_clerk(tmp_path):
    import json

    from tests.supervisor_helpers import PIN, SUPERVISOR
    from tests.test_cli import add_supervisor_file, run

    data = tmp_path / "data"
    data.mkdir()
    add_supervisor_file(data)  # a received time on register is a supervisor's act (a migration)
    record = {"kind": "studio", "unit": "准东某煤化工有限公司", "name": "大师工作室", "checklist": {"form1": True}}
    receipt = json.loads(
        run(
            data,
            "register",
            "--clerk",
            "张三",
            "--supervisor",
            SUPERVISOR,
            "--pin",
            PIN,
            stdin=json.dumps(record, ensure_ascii=False) + "\n",
        ).stdout
    )["receipt_no"]
    for command in ("slip", "notice"):
        out = run(data, command, receipt)
        assert out.returncode == 2 and "--clerk" in out.stderr and "经办人" in out.stderr


# -- 13.6 names of the region print ---------------------------------------------------------------

UYGHUR = "شىنجاڭ جۇڭدۇڭ ئېلېكتر ئېنېرگىيە شىركىتى"
KAZAKH = "شىنجياڭ ءجۇڭدۇڭ ەلەكتر قۋاتى سەرىكتەستىگى"
EXT_B = "𠮷野家"
EXT_A = "㐀㛃"


def _drawn_with_glyphs(pdf: bytes) -> dict[str, set[int]]:
    """For each font embedded in ``pdf``: the characters it draws with a real outline.

    Read from the PDF itself: the font's ToUnicode map (code → character), its CIDToGIDMap
    (code → glyph) and the embedded TrueType glyphs (a glyph with no contours, or .notdef, is
    a gap). Arabic is drawn in its joined forms; each form maps back to its letter.
    """
    reader = PdfReader(io.BytesIO(pdf))
    out: dict[str, set[int]] = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            descendant = font["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"].get_object()
            name = str(descriptor["/FontName"]).split("+")[-1]
            ttf = TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))
            order, glyf = ttf.getGlyphOrder(), ttf["glyf"]
            gid_map = descendant.get("/CIDToGIDMap")
            table = (
                gid_map.get_object().get_data()
                if gid_map is not None and not isinstance(gid_map.get_object(), str)
                else None
            )
            cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
            for section in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.DOTALL):
                for code, text in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", section):
                    cid = int(code, 16)
                    gid = int.from_bytes(table[2 * cid : 2 * cid + 2], "big") if table is not None else cid
                    if gid == 0 or gid >= len(order):
                        continue
                    glyph = glyf[order[gid]]
                    if glyph.numberOfContours == 0:
                        continue
                    for char in bytes.fromhex(text).decode("utf-16-be"):
                        out.setdefault(name, set()).add(ord(char))
    return out


def _glyph_count(pdf: bytes) -> dict[str, int]:
    reader = PdfReader(io.BytesIO(pdf))
    out = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                data = descriptor["/FontFile2"].get_object().get_data()
                out[str(descriptor["/FontName"]).split("+")[-1]] = len(TTFont(io.BytesIO(data)).getGlyphOrder())
    return out


@pytest.mark.parametrize("unit", [UYGHUR, KAZAKH, f"准东{EXT_B}{EXT_A}有限公司"])
def test_names_of_the_region_print_without_gaps(desk, unit):
    import pypdfium2 as pdfium

    pack = desk.store.register("studio", studio_fields(unit=unit, leader="ئابدۇرېھىم"), "张三", pages=4)
    pdf, _copy = render_for(desk, pack, "slip", "张三")
    text = pdf_text(pdf)
    assert "〓" not in text
    drawn = _drawn_with_glyphs(pdf)
    covered = set().union(*drawn.values())
    lacking = {c for c in unit if not c.isspace() and ord(c) not in covered}
    assert not lacking, lacking
    fonts = _glyph_count(pdf)
    assert "WenQuanYiMicroHei" in fonts
    if unit in (UYGHUR, KAZAKH):
        assert "NotoNaskhArabic" in fonts
    else:
        assert "HanaMinB" in fonts and "HanaMinA" in fonts
    # Rasterised, the unit's line carries ink where the name is (a row of 〓 or nothing would be
    # the fault); the QR code on the same page still decodes.
    document = pdfium.PdfDocument(pdf)
    image = document[0].render(scale=150 / 72).to_pil().convert("L")
    document.close()
    assert len(qr_codes(pdf)) == 1
    assert image.getextrema()[0] < 50


def test_a_plain_slip_embeds_no_fallback_font(desk):
    pack = desk.store.register("studio", studio_fields(), "张三", pages=4)
    pdf, _copy = render_for(desk, pack, "slip", "张三")
    assert set(_glyph_count(pdf)) == {"WenQuanYiMicroHei"}
    assert len(pdf) < 120_000


def test_lines_break_as_chinese_print_does():
    from deskapp.slip_layout import wrap_lines

    def width(text: str) -> float:  # one unit per character
        return float(len(text))

    lines = wrap_lines("你单位于2026年6月16日 08:05送达，晚于截止时间。", 10, width)
    assert all(not line.startswith(("，", "。")) for line in lines)
    assert "2026" in "".join(lines) and not any(line.endswith("202") for line in lines)  # numbers stay whole
    assert "".join(lines).replace(" ", "") == "你单位于2026年6月16日08:05送达，晚于截止时间。"
    # an opening bracket moves down with what it opens
    assert not any(line.endswith("（") for line in wrap_lines("一二三四五六七八九（十一）", 10, width))
    # a run longer than a line is cut, never lost
    assert "".join(wrap_lines("ZD2026GZS0001UB2CCRWVS068QWC5P8Z", 10, width)) == "ZD2026GZS0001UB2CCRWVS068QWC5P8Z"


async def test_f5_supplement_proposes_a_working_day_says_an_unknown_year_and_prints_the_original(
    desk: Desk, no_printer
) -> None:
    from dataclasses import replace

    from textual.widgets import Input, Static

    pack = _incomplete(desk)
    # late December: five working days reach into 2027, whose holidays the desk does not know yet
    desk.config = replace(
        desk.config, round=replace(desk.config.round, deadline=datetime(2027, 6, 15, 23, 59, tzinfo=BEIJING))
    )
    desk.store.config = desk.config
    desk.store.clock = lambda: datetime(2026, 12, 29, 10, 0, tzinfo=BEIJING)
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        await pilot.press("f5", "2")  # 补正（出具补正告知书）
        await pilot.pause()
        assert app.screen.query_one("#o-due", Input).value == "2027-01-05"
        note = str(app.screen.query_one("#o-due-note", Static).render())
        assert "2027年" in note and "calendar 一节" in note
        await pilot.press("enter", "enter")  # due date as proposed, no reason: save
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, PackScreen)
        await pilot.press("f12")  # the same 补正: a 补打, not a second act
        await app.workers.wait_for_complete()
        await pilot.pause()
    now = desk.store.get(pack.id)
    assert _actions(desk, pack.id).count("supplement_request") == 1 and now.outcome["due"] == "2027-01-05"
    assert [(p["doc"], p["copy"]) for p in now.prints] == [("notice", 1), ("notice", 2)]
