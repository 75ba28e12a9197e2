"""Slips and notices as PDF, read back: the QR decoded from the picture, the Chinese text, the font."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from deskapp.printing import issue, render_for
from deskapp.receipt_qr import read_scan, signer_for
from deskapp.slip_layout import render
from deskapp.slips import SlipError, notice_document, slip_document
from deskapp.timeutil import show_cn
from tests.conftest import LATE, clock_at, full_checklist, studio_fields
from tests.slip_helpers import embedded_fonts, page_sizes_mm, pdf_text, qr_codes

PARTIAL = {"form1": True, "form2": True, "evidence": True, "ecopy": True}


@pytest.fixture
def pack(desk):
    fields = studio_fields(leader="王建国", phone="13912345678", notes="身份证 650102198001010011")
    return desk.store.register("studio", fields, "张三", checklist=PARTIAL, pages=31)


def _set_slip(desk, **changes):
    desk.config = replace(desk.config, slip=replace(desk.config.slip, **changes))
    desk.store.config = desk.config


def test_slip_qr_decodes_from_the_rendered_picture_and_opens_its_pack(desk, pack):
    other = desk.store.register("studio", studio_fields(name="第二个工作室"), "李四", pages=3)
    pdf, copy = render_for(desk, pack, "slip", "张三")
    assert copy == 1
    codes = qr_codes(pdf)
    assert len(codes) == 1
    outcome = read_scan(desk.store, desk.locations.secret, codes[0], "张三")
    assert outcome.pack is not None and outcome.pack.id == pack.id != other.id
    # the payload is printed under the code too, for typing by hand
    text = pdf_text(pdf).replace("\n", "")
    assert codes[0][:13] in text and codes[0][13:] in text


def test_slip_says_in_chinese_what_was_received_and_what_must_be_brought(desk, pack):
    text = pdf_text(render_for(desk, pack, "slip", "张三")[0])
    for expected in (
        "申报材料受理回执",
        "申请人联",
        desk.config.office.name,
        "ZD2026-GZS-0001",
        "人才工作室",
        "准东某煤化工有限公司",
        "煤化工技能大师工作室",
        "2026年6月10日 09:30",
        "北京时间",
        "张三",
        "31页",
        "2026年6月15日 23:59",
        "青红艳 15123187591",
        "送件人（签字）",
        "经办人：张三（签字）",
        "受理单位（盖章）",
        desk.config.office.address,
        "附件1 工作室申报表",
        "佐证材料",
        "缺少材料（须补交）",
        "依托单位公章",
        "行业主管部门负责人签字",
        "31页，超过一般25页",
    ):
        assert expected in text, expected
    # never the leader's phone, an ID number, nor the notes
    assert "13912345678" not in text and "650102198001010011" not in text and "王建国" not in text
    assert "补打" not in text and "逾期" not in text


def test_late_pack_slip_carries_the_notices_wording(desk):
    with clock_at(desk.store, LATE):
        late = desk.store.register(
            "studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=20, received_at=LATE
        )
    text = pdf_text(render_for(desk, late, "slip", "张三")[0])
    assert "逾期，视为放弃" in text and "2026年6月16日 08:05" in text
    assert "清单所列材料齐全" in text and "缺少材料" not in text
    with clock_at(desk.store, LATE):
        incomplete = desk.store.register("studio", studio_fields(name="另一个"), "张三", pages=2, received_at=LATE)
    late_paper = pdf_text(render_for(desk, incomplete, "notice", "张三")[0])
    assert "申报材料逾期告知书" in late_paper and "补正告知书" not in late_paper and "请于" not in late_paper
    assert "2026年6月15日 23:59" in late_paper and "2026年6月16日 08:05" in late_paper
    on_time = desk.store.register("studio", studio_fields(name="按时的"), "张三", pages=2)
    assert "逾期" not in pdf_text(render_for(desk, on_time, "notice", "张三")[0])


def test_duplicate_warning_stays_inside_the_office(desk, pack):
    dup = desk.store.register("studio", studio_fields(), "李四", pages=3)
    assert any(f.code == "duplicate" for f in desk.store.assess(dup).flags)
    assert "疑似重复" not in pdf_text(render_for(desk, dup, "slip", "李四")[0])


def test_font_is_embedded_as_a_truetype_subset(desk, pack):
    pdf = render_for(desk, pack, "slip", "张三")[0]
    fonts = embedded_fonts(pdf)
    assert fonts, "no embedded font"
    assert all(key == "/FontFile2" for _name, key, _size in fonts)
    assert any("WenQuanYi" in name for name, _k, _s in fonts)
    # a subset (the whole font is 5 MB), yet it carries every character the slip prints
    assert all(size < 200_000 for _n, _k, size in fonts)
    assert len(pdf) < 120_000


@pytest.mark.parametrize(
    ("paper", "counterfoil", "sizes", "codes"),
    [
        ("A5", False, [(148, 210)], 1),
        ("A4", False, [(210, 297)], 1),
        ("A5", True, [(148, 210), (148, 210)], 2),
        ("A4", True, [(297, 210)], 2),
        ("80mm", False, None, 1),
        ("80mm", True, None, 2),
    ],
)
def test_paper_and_counterfoil_layouts(desk, pack, paper, counterfoil, sizes, codes):
    _set_slip(desk, paper=paper, counterfoil=counterfoil)
    pdf = render_for(desk, pack, "slip", "张三")[0]
    found = page_sizes_mm(pdf)
    if sizes is not None:
        assert found == sizes
    else:
        assert len(found) == 1 and found[0][0] == 80 and 100 < found[0][1] < 600
    decoded = qr_codes(pdf, dpi=300 if paper == "80mm" else 200)
    assert len(decoded) == codes and set(decoded) == {signer_for(desk.locations.secret).payload(pack.receipt_no)}
    text = pdf_text(pdf)
    assert ("存根" in text) == counterfoil and "申请人联" in text


def test_reprint_is_marked_with_its_count_and_time(desk, pack, tmp_path):
    first = issue(desk, pack, "张三", to_printer=False, out=tmp_path / "1.pdf")
    second = issue(desk, pack, "李四", to_printer=False, out=tmp_path / "2.pdf")
    third = issue(desk, pack, "李四", to_printer=False, out=tmp_path / "3.pdf")
    assert (first.copy, second.copy, third.copy) == (1, 2, 3)
    assert "补打" not in pdf_text(first.path)
    second_text = pdf_text(second.path)
    assert "补打（第1次）" in second_text
    at = desk.store.get(pack.id).prints[1]["at"]
    assert show_cn(at) in second_text
    assert "补打（第2次）" in pdf_text(third.path)
    assert qr_codes(third.path) == qr_codes(first.path)
    assert "补打第2次" in third.message


def test_notice_lists_every_missing_item_once_with_a_deadline(desk, pack):
    pdf = render_for(desk, pack, "notice", "李四")[0]
    text = pdf_text(pdf)
    missing = [
        "依托单位（申报单位）负责人签字",
        "依托单位公章",
        "行业主管部门负责人签字",
        "行业主管部门公章",
        "A4纸正反面打印",
    ]
    assert "申报材料补正告知书" in text and "一次性告知" in text
    for n, label in enumerate(missing, 1):
        assert f"{n}. {label}" in text
    assert f"{len(missing) + 1}." not in text
    # issued Wednesday 2026-06-10 (the fixture's clock): five working days later is Wednesday 17 June
    assert "2026年6月17日" in text
    assert "青红艳 15123187591" in text and "经办人：李四" in text and "送件人签收" in text
    assert len(qr_codes(pdf)) == 1


def test_notice_deadline_given_by_hand(desk, pack):
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    doc = notice_document(
        desk.config, pack, payload, issued_at=desk.store.clock(), clerk="张三", deadline=date(2026, 6, 22)
    )
    assert "2026年6月22日" in pdf_text(render(doc))


def test_no_notice_for_a_complete_pack(desk):
    done = desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=9)
    with pytest.raises(SlipError, match="无需出具补正告知书"):
        render_for(desk, done, "notice", "张三")
    result = issue(desk, done, "张三", "notice", to_printer=False)
    assert not result.ok and "无需" in result.message
    assert desk.store.get(done.id).prints == []


def test_long_names_wrap_and_rare_characters_print(desk):
    unit = "新疆准东经济技术开发区某某某某某某煤电煤化工循环经济产业园区有限责任公司第二分公司（鱻龘）"
    pack = desk.store.register("project", {"unit": unit, "name": "项目" * 30}, "张三", pages=4)
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    pdf = render(slip_document(desk.config, pack, desk.store.assess(pack), payload))
    text = pdf_text(pdf).replace("\n", "")
    assert "鱻龘" in text and "项目名称" in text
    assert len(page_sizes_mm(pdf)) == 1


def test_characters_the_font_lacks_show_as_a_visible_mark(desk, caplog):
    pack = desk.store.register("studio", studio_fields(unit="𠀀𪜀科技有限公司"), "张三", pages=4)
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    with caplog.at_level("WARNING"):
        pdf = render(slip_document(desk.config, pack, desk.store.assess(pack), payload))
    assert "𠀀〓科技有限公司" in pdf_text(
        pdf
    )  # 𠀀 (Extension B) from the fallback font; 𪜀 (Extension C) is not shipped
    assert not [r for r in caplog.records if "missing" in r.getMessage()]
