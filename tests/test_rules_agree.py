"""One answer per rule: the slip, the 补正告知书, the dashboard and the exports agree on a pack.

For a few packs — complete, missing a signature and a form, late, page count not entered — each
paper is made for real (the PDF rendered and read back, the workbooks written and opened), and
what each says the pack misses and whether it is late is compared with :mod:`deskapp.rules`.
The 补正告知书 that listed other items than the recorded 补正 is what this guards against.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from deskapp.dashboard import build_dashboard
from deskapp.exports.annex2 import STATUS_HEADERS, STATUS_SHEET, write_annex2
from deskapp.exports.register import write_register
from deskapp.models import Pack
from deskapp.pack_json import pack_json
from deskapp.printing import build_document, issue
from deskapp.rules import PAGES_UNKNOWN, is_late, missing_items
from deskapp.service import Desk
from deskapp.slips import Document
from deskapp.supplement_act import current_act
from deskapp.timeutil import to_beijing
from tests.conftest import LATE, clock_at, full_checklist, studio_fields
from tests.slip_helpers import pdf_text

LACKING_TWO = ("unit_head_signature", "form1")


@pytest.fixture
def packs(desk: Desk) -> dict[str, Pack]:
    everything = full_checklist(desk, "studio")
    store = desk.store
    made = {
        "complete": store.register("studio", studio_fields(name="齐全工作室"), "张三", checklist=everything, pages=12),
        "two_missing": store.register(
            "studio",
            studio_fields(name="缺签字和表工作室"),
            "张三",
            checklist={**everything, **dict.fromkeys(LACKING_TWO, False)},
            pages=14,
        ),
        "no_pages": store.register(
            "studio",
            studio_fields(name="未数页工作室"),
            "张三",
            checklist={**everything, "ecopy": False},
        ),
    }
    with clock_at(store, LATE):
        made["late"] = store.register(
            "studio",
            studio_fields(name="逾期工作室"),
            "李四",
            checklist={**everything, "evidence": False},
            pages=10,
            received_at=LATE,
        )
    return made


def _box_after(doc: Document, heading: str | None) -> tuple[str, ...]:
    """The items of the first box (after ``heading`` when given), without their □ or number."""
    seen = heading is None
    for block in doc.blocks:
        if block.kind == "heading" and block.text == heading:
            seen = True
        elif block.kind == "box" and seen:
            return tuple(item.removeprefix("□ ").split(". ", 1)[-1] for item in block.items)
    return ()


def _slip(desk: Desk, pack: Pack, out: Path) -> tuple[tuple[str, ...], bool]:
    """What the 受理回执 says the pack misses, and whether it is marked late (document and PDF)."""
    moment = to_beijing(desk.store.clock())
    doc, _stub = build_document(desk, pack, "slip", "李四", moment, None)
    missing = _box_after(doc, "缺少材料（须补交）")
    marks = [b.text for b in doc.blocks if b.kind == "mark"]
    late = any(desk.config.round.late_wording in m for m in marks)
    result = issue(desk, pack, "李四", "slip", to_printer=False, out=out)
    assert result.ok, result.message
    text = pdf_text(result.pdf).replace("\n", "")
    assert all(label in text for label in missing)
    assert (desk.config.round.late_wording in text) == late
    assert (("缺少材料" in text) == bool(missing)) and (("清单所列材料齐全" in text) == (not missing))
    return missing, late


def _notice(desk: Desk, pack: Pack, out: Path) -> tuple[tuple[str, ...], bool]:
    """What the paper asked for by ``notice`` says: the 补正告知书's items (equal to the recorded 补正),
    or the 逾期告知书 for a late pack (no 补正 recorded)."""
    result = issue(desk, pack, "李四", "notice", to_printer=False, out=out)
    now = desk.store.get(pack.id)
    if result.doc == "late":
        assert result.ok, result.message
        assert now.status == "registered" and not now.outcome  # a late pack gets no 补正
        assert "逾期告知书" in pdf_text(result.pdf)
        return (), True
    if not result.ok:  # nothing missing: no notice, nothing recorded
        assert "齐全" in result.message and not now.outcome and all(p["doc"] == "slip" for p in now.prints)
        return (), False
    act = current_act(desk.store, now)
    assert act is not None and act.recorded_now is False
    doc, _ = build_document(desk, now, "notice", "李四", to_beijing(desk.store.clock()), None, act=act)
    printed = _box_after(doc, None)
    assert printed == tuple(now.outcome["missing"]) == act.missing  # the notice is the recorded 补正
    text = pdf_text(result.pdf).replace("\n", "")
    assert all(label in text for label in printed) and PAGES_UNKNOWN not in text
    return printed, False


def _dashboard(desk: Desk) -> dict[str, tuple[tuple[str, ...], bool]]:
    board = build_dashboard(desk.store)
    rows = {r.receipt_no: (tuple(m for m in r.missing if m != PAGES_UNKNOWN), r.late) for r in board.incomplete_rows}
    late_studios = {r.receipt_no for r in board.annex2_rows if r.late}
    every = {p.receipt_no: p for p in desk.store.packs(desk.config.round.id)}
    out = {}
    for receipt_no in every:
        missing, late = rows.get(receipt_no, ((), receipt_no in late_studios))
        assert late == (receipt_no in late_studios)
        out[receipt_no] = (missing, late)
    assert board.late == len(late_studios)
    return out


def _register_export(desk: Desk) -> dict[str, tuple[tuple[str, ...], bool]]:
    ws = load_workbook(write_register(desk.store).path)["人才工作室"]
    heads = [c.value for c in ws[1]]
    col = {h: i for i, h in enumerate(heads)}
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        missing = tuple(m for m in str(row[col["缺少材料"]] or "").split("、") if m and m != PAGES_UNKNOWN)
        out[str(row[col["收件编号"]])] = (missing, row[col["是否逾期"]] == "逾期")
    return out


def _annex2_export(desk: Desk) -> dict[str, tuple[tuple[str, ...], bool]]:
    result = write_annex2(desk.store)
    wb = load_workbook(result.path)
    listed = {str(r[2]) for r in wb.worksheets[0].iter_rows(min_row=4, values_only=True) if r[2]}  # 工作室名称
    ws = wb[STATUS_SHEET]
    col = {h: i for i, (h, _w) in enumerate(STATUS_HEADERS)}
    names = {p.name: p.receipt_no for p in desk.store.packs(desk.config.round.id)}
    out = {}
    for row in ws.iter_rows(min_row=2, values_only=True):
        missing = tuple(m for m in str(row[col["缺少材料"]] or "").split("、") if m and m != PAGES_UNKNOWN)
        late = bool(row[col["逾期/视为放弃"]])
        receipt_no = str(row[col["收件编号"]])
        assert (names[str(row[col["工作室名称"]])] == receipt_no) and ((row[col["工作室名称"]] in listed) != late)
        out[receipt_no] = (missing, late)
    return out


def test_slip_notice_dashboard_and_exports_agree_on_every_pack(desk: Desk, packs: dict[str, Pack], tmp_path: Path):
    round_ = desk.config.round
    expected = {p.receipt_no: (missing_items(round_, p), is_late(round_, p)) for p in packs.values()}
    # the rule itself, as the notice and the checklist say it
    assert expected[packs["complete"].receipt_no] == ((), False)
    assert expected[packs["two_missing"].receipt_no] == (
        ("依托单位（申报单位）负责人签字", "附件1 工作室申报表"),
        False,
    )
    assert expected[packs["no_pages"].receipt_no] == (("电子版",), False)
    assert expected[packs["late"].receipt_no] == (("佐证材料",), True)

    board = _dashboard(desk)
    ledger = _register_export(desk)
    annex2 = _annex2_export(desk)
    for name, pack in packs.items():
        want = expected[pack.receipt_no]
        slip = _slip(desk, pack, tmp_path)
        notice = _notice(desk, desk.store.get(pack.id), tmp_path)
        views = {
            "slip": slip,
            "notice": notice if not want[1] else (want[0], notice[1]),  # a late pack's paper lists nothing
            "dashboard": board[pack.receipt_no],
            "台账": ledger[pack.receipt_no],
            "附件2 申报情况": annex2[pack.receipt_no],
            "show --json": (
                tuple(m for m in pack_json(desk, pack)["missing"] if m != PAGES_UNKNOWN),
                any(f["code"] == "late" for f in pack_json(desk, pack)["flags"]),
            ),
        }
        for view, said in views.items():
            assert said == want, f"{name}: {view} says {said}, the rules say {want}"
    # the page count is the desk's gap: listed where the desk's own work is shown, never asked of the unit
    no_pages = packs["no_pages"].receipt_no
    assert PAGES_UNKNOWN in pack_json(desk, desk.store.get(packs["no_pages"].id))["missing"]
    assert desk.store.get(packs["no_pages"].id).outcome["missing"] == ["电子版"]
    assert no_pages in {r.receipt_no for r in build_dashboard(desk.store).incomplete_rows}


def test_a_pack_missing_only_its_page_count_gets_no_notice(desk: Desk, tmp_path: Path):
    pack = desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"))
    assert desk.store.assess(pack).missing == (PAGES_UNKNOWN,) and not missing_items(desk.config.round, pack)
    result = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    assert not result.ok and "齐全" in result.message
    assert not desk.store.get(pack.id).outcome  # no 补正 asking the unit for 页数未填


def test_a_pack_of_another_round_is_never_late_by_this_rounds_deadline(desk: Desk):
    from dataclasses import replace

    pack = desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=3)
    later = replace(pack, received_at="2026-07-01T09:00:00+08:00")
    assert is_late(desk.config.round, later)
    assert not is_late(desk.config.round, replace(later, round="2027"))
