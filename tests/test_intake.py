"""The one door for values (deskapp/intake.py): the same cleaned values and problems whatever the way in.

The core rules in plain pytest, the ``register`` command through a subprocess of this checkout's
Python (trial report, faults 15–18), the F9 proposal of a person as the unit.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from deskapp.intake import (
    MAX_LENGTH,
    PERSON_MAX_LENGTH,
    looks_like_person,
    person_name,
    take,
    take_value,
)
from deskapp.readers.prefill import propose
from deskapp.readers.report import FileReport
from deskapp.service import Desk
from deskapp.store import RegistrationError
from deskapp.text import clean_text, split_unprintable

from .conftest import studio_fields
from .test_cli import ROOT, run


def _draft(**over: Any) -> dict[str, Any]:
    return {"unit": "准东甲公司", "name": "甲工作室", **over}


def _codes(taken: Any) -> dict[str, bool]:
    return {p.code: p.blocks for p in taken.problems}


# -- sectors (notice 一（一）) --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("typed", "sector"), [("1", "煤炭煤电煤化工"), ("mt", "煤炭煤电煤化工"), ("jy", "教育"), ("教育", "教育")]
)
def test_a_sector_by_number_or_pinyin_is_the_rounds_sector(desk: Desk, typed: str, sector: str) -> None:
    taken = take(desk.config.round, "studio", _draft(sector=typed))
    assert taken.fields["sector"] == sector and not taken.problems


def test_an_unmappable_sector_is_kept_and_questioned_an_ambiguous_one_refused(desk: Desk) -> None:
    round_ = desk.config.round
    kept = take(round_, "studio", _draft(sector="9"))
    assert kept.fields["sector"] == "9" and _codes(kept) == {"sector_out_of_scope": False}
    many = take(round_, "studio", _draft(sector="色"))  # 有色金属冶炼 or 绿色矿业
    assert _codes(many) == {"sector_ambiguous": True} and "请多输入" in many.error_text()


# -- numbers (notice 一（二）2, 三 1) -------------------------------------------------------------
@pytest.mark.parametrize(
    ("members", "blocks"),
    [
        (99999999999999999999, True),
        ("99999999999999999999", True),
        (100, True),
        (True, True),
        ("7.5", True),
        (-3, True),
    ],
)
def test_members_must_be_a_sane_whole_number(desk: Desk, members: Any, blocks: bool) -> None:
    taken = take(desk.config.round, "studio", _draft(members=members))
    assert [p.blocks for p in taken.problems if p.field == "members"] == [blocks]
    assert taken.fields["members"] is None


def test_negative_is_not_called_a_non_integer(desk: Desk) -> None:
    taken = take(desk.config.round, "studio", _draft(members="-3"))
    assert "不能为负数" in taken.error_text() and "整数" not in taken.error_text()


def test_members_out_of_range_and_pages_zero_are_questioned(desk: Desk) -> None:
    taken = take(desk.config.round, "studio", _draft(members="１２", pages=0))
    assert taken.fields["members"] == 12 and taken.pages == 0
    assert _codes(taken) == {"members_out_of_range": False, "pages_zero": False}
    assert take(desk.config.round, "studio", _draft(pages=100000000)).errors[0].field == "pages"


def test_pages_zero_is_not_filled_and_flagged(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三", pages=0)
    verdict = desk.store.assess(pack)
    assert "页数未填" in verdict.missing and "pages_zero" in {f.code for f in verdict.flags}


# -- phone, unit ---------------------------------------------------------------------------------
@pytest.mark.parametrize("phone", ["abc", "1234"])
def test_a_questionable_phone_is_questioned(desk: Desk, phone: str) -> None:
    assert _codes(take(desk.config.round, "studio", _draft(phone=phone))) == {"phone": False}


@pytest.mark.parametrize("unit", ["张伟", "王小明", "欧阳娜娜", "买买提·艾力"])
def test_a_person_as_the_unit_is_questioned(desk: Desk, unit: str) -> None:
    assert looks_like_person(unit)
    assert _codes(take(desk.config.round, "studio", _draft(unit=unit))) == {"unit_person": False}


@pytest.mark.parametrize(
    "unit", ["准东人民医院", "准东甲公司", "某单位", "新疆天池能源有限责任公司", "准东开发区人社局"]
)
def test_units_are_not_persons(unit: str) -> None:
    assert not looks_like_person(unit)


# -- checklist and distinct_from -------------------------------------------------------------------
@pytest.mark.parametrize("value", ["no", "false", 0, "1", 1, None])
def test_checklist_values_are_true_or_false_only(desk: Desk, value: Any) -> None:
    taken = take(desk.config.round, "studio", _draft(checklist={"form1": value}))
    assert taken.errors and taken.errors[0].field == "checklist" and not taken.checklist["form1"]
    assert take(desk.config.round, "studio", _draft(checklist={"form1": True})).checklist["form1"] is True


def test_distinct_from_names_packs_of_the_round(desk: Desk) -> None:
    first = desk.store.register("studio", studio_fields(), "张三")
    assert desk.store.intake("studio", _draft(distinct_from=[first.receipt_no])).distinct_from == [first.receipt_no]
    for bad in (first.receipt_no, ["ZD9999-XX-1"], [1]):
        taken = desk.store.intake("studio", _draft(distinct_from=bad))
        assert [p.field for p in taken.errors] == ["distinct_from"]
    with pytest.raises(RegistrationError, match="distinct_from"):
        desk.store.register("studio", studio_fields(name="另一个"), "张三", distinct_from=first.receipt_no)


# -- text --------------------------------------------------------------------------------------
def test_terminal_escapes_go_whole() -> None:
    assert clean_text("壬公司\u0007\u001b[31m") == "壬公司"
    assert clean_text("控制\x07字符\x1b[2J公司\u200b") == "控制字符公司"
    assert clean_text("\x1b]0;title\x07甲\x1b(B乙\x9b1m丙") == "甲乙丙"
    assert clean_text("^[[31m红字公司^[[0m") == "红字公司"  # as a terminal shows an escape
    assert clean_text("甲\x1b[1;31m乙\n丙", long=True) == "甲乙\n丙"
    assert clean_text("甲\u2028乙\u2029") == "甲乙" and clean_text("甲\u2028乙", long=True) == "甲\n乙"


def test_what_the_slip_cannot_print_is_removed_with_a_notice(desk: Desk) -> None:
    assert split_unprintable("壬工作室😀") == ("壬工作室", "😀")
    assert split_unprintable("𠮷野家 ئۇيغۇر") == ("𠮷野家 ئۇيغۇر", "")  # the fallback fonts print these
    taken = take(desk.config.round, "studio", _draft(name="壬工作室😀"))
    assert taken.fields["name"] == "壬工作室" and _codes(taken) == {"unprintable": False}
    pack = desk.store.register("studio", studio_fields(name="壬工作室😀"), "张三")
    assert pack.name == "壬工作室" and "回执无法打印" in desk.store.history(pack.id)[0].reason
    edited = desk.store.update(pack.id, {"leader": "王😀建国"}, "张三")
    assert edited.leader == "王建国" and "回执无法打印" in desk.store.history(pack.id)[-1].reason


def test_the_glyph_table_is_what_the_slip_fonts_cover() -> None:
    from deskapp.glyphs import RANGES, ranges_of
    from deskapp.slip_fonts import FONTS

    covered = FONTS.coverage()
    assert covered is not None and ranges_of(covered) == RANGES, "run tools/make_glyphs.py"


def test_long_texts_are_refused_with_the_limit(desk: Desk) -> None:
    taken = take(desk.config.round, "studio", _draft(name="长" * 3000))
    assert [p.field for p in taken.errors] == ["name"] and str(MAX_LENGTH["name"]) in taken.error_text()
    pack = desk.store.register("studio", studio_fields(), "张三")
    with pytest.raises(RegistrationError, match=str(MAX_LENGTH["unit"])):
        desk.store.update(pack.id, {"unit": "长" * 200}, "张三")


def test_staff_names_get_the_same_text_rules() -> None:
    assert person_name(" 赵\u200b六 ") == ("赵六", [])
    for bad in ("赵😀", "赵" * 200):
        _, problems = person_name(bad)
        assert problems and problems[0].blocks
    assert str(PERSON_MAX_LENGTH) in person_name("赵" * 200)[1][0].text


def test_pack_edits_map_the_sector_and_refuse_text_checklist_values(desk: Desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三")
    assert desk.store.update(pack.id, {"sector": "jy"}, "张三").sector == "教育"
    with pytest.raises(RegistrationError, match="true 或 false"):
        desk.store.update(pack.id, {"checklist.form1": "no"}, "张三")
    assert take_value(desk.config.round, "studio", "pages", "0")[1][0].code == "pages_zero"


# -- F9: a person proposed as the unit -----------------------------------------------------------
def test_a_person_read_as_the_unit_is_not_taken_unasked(desk: Desk) -> None:
    report = FileReport("附件1.docx", "附件1.docx", 100, "ab" * 32, kind="form1")
    report.fields.update({"工作单位": "王小红", "工作室名称": "红工作室"})
    prefill = propose("studio", {}, [report], desk.config.round.sectors)
    unit = next(p for p in prefill.proposals if p.path == "unit")
    assert unit.doubt and unit.conflict and "像是人名" in unit.conflict_text()
    name = next(p for p in prefill.proposals if p.path == "name")
    assert not name.conflict


# -- the register command ----------------------------------------------------------------------
def _register(tmp_path: Path, *records: dict[str, Any]) -> tuple[dict[int, Any], dict[int, str]]:
    out = run(tmp_path, "register", "--clerk", "张三", stdin="".join(json.dumps(r) + "\n" for r in records))
    assert "Traceback" not in out.stderr
    done = {d["line"]: d for d in map(json.loads, out.stdout.splitlines())}
    errors = {e["line"]: e["error"] for e in map(json.loads, out.stderr.splitlines())}
    return done, errors


def test_register_command_uses_the_door(tmp_path: Path) -> None:
    base = {"kind": "studio", "unit": "准东甲公司", "members": 6}
    done, errors = _register(
        tmp_path,
        {**base, "name": "一", "pages": 0, "phone": "abc", "sector": "mt"},
        {**base, "name": "二", "sector": "1", "phone": "1234"},
        {**base, "name": "三", "sector": "jy", "unit": "张伟"},
        {**base, "name": "四", "members": 99999999999999999999},
        {**base, "name": "五", "pages": 100000000},
        {**base, "name": "六", "checklist": {"form1": "no", "evidence": "false"}},
        {**base, "name": "七", "distinct_from": "ZD2026-GZS-0001"},
        {**base, "name": "八", "distinct_from": ["ZD9999-XX-1"]},
        {**base, "name": "九😀", "unit": "壬公司\u0007\u001b[31m"},
        {**base, "name": "长" * 3000},
        {**base, "name": "十", "distinct_from": ["ZD2026-GZS-0001"]},
    )
    assert sorted(done) == [1, 2, 3, 9, 11] and sorted(errors) == [4, 5, 6, 7, 8, 10]
    codes = {n: {f["code"] for f in d["flags"]} for n, d in done.items()}
    assert "页数未填" in done[1]["missing"] and {"pages_zero", "phone"} <= codes[1]
    assert "phone" in codes[2] and "unit_person" in codes[3] and "unprintable" in codes[9]
    assert "材料清单" in errors[6] and "'no'" in errors[6] and "distinct_from" in errors[7] + errors[8]
    assert "60" in errors[10]
    shown = {n: json.loads(run(tmp_path, "show", d["receipt_no"], "--json").stdout) for n, d in done.items()}
    assert [shown[n]["sector"] for n in (1, 2, 3)] == ["煤炭煤电煤化工", "煤炭煤电煤化工", "教育"]
    assert (shown[9]["unit"], shown[9]["name"]) == ("壬公司", "九")
    assert "按原样记录" in shown[2]["history"][0]["reason"] and "1234" in shown[2]["history"][0]["reason"]
    assert shown[11]["distinct_from"] == ["ZD2026-GZS-0001"]


def test_annex2_never_holds_a_float_members(tmp_path: Path) -> None:
    done, _ = _register(tmp_path, {"kind": "studio", "unit": "准东甲公司", "name": "甲", "members": "6"})
    shown = json.loads(run(tmp_path, "show", done[1]["receipt_no"], "--json").stdout)
    assert shown["members"] == 6 and isinstance(shown["members"], int)


# -- a closed standard output (fault 18) ---------------------------------------------------------
@pytest.mark.parametrize(
    "args", [("show", "ZD2026-GZS-0001"), ("list",), ("--help",), ("show", "ZD2026-GZS-0001", "--json")]
)
def test_a_closed_stdout_ends_quietly(tmp_path: Path, args: tuple[str, ...]) -> None:
    _register(tmp_path, {"kind": "studio", "unit": "准东甲公司", "name": "甲工作室"})
    read, write = os.pipe()
    os.close(read)  # the reader went away before the first byte: every write fails (EPIPE)
    try:
        out = subprocess.run(
            [sys.executable, "-m", "deskapp", "--data", str(tmp_path), *args],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            timeout=60,
            check=False,
        )
    finally:
        os.close(write)
    assert out.stderr.decode("utf-8") in ("", "共 1 件\n")  # no traceback, no "Exception ignored"
    assert out.returncode == (0 if args == ("--help",) else 141)  # argparse itself ignores a failed help write


def test_a_void_reason_printed_on_the_slip_passes_the_same_rule(desk: Desk) -> None:
    value, problems = take_value(desk.config.round, "studio", "void_reason", "重复登记😀\x1b[31m")
    assert value == "重复登记" and [p.code for p in problems] == ["unprintable"] and "作废原因" in problems[0].text


@pytest.mark.parametrize(
    ("field", "typed"),
    [
        ("unit", "ZD2026-GZS-0002"),
        ("name", "zd2026gzs0001ukwq9d9ptb3c1gnjgv8"),  # a slip scanned with CapsLock on
        ("leader", "ZD2025XM0003"),  # another round's number, dashes dropped
        ("unit", "UAB3K9QX7M2W4R8T6YZ"),  # the code line printed under the QR
    ],
)
def test_a_receipt_number_or_slip_code_is_never_a_name(desk: Desk, field: str, typed: str) -> None:
    # Trial fault 8: a scan landed in the form's fields and was saved as the unit and the name; the
    # door refuses it for every way in (form, CLI, F9), not only the form.
    taken = take(desk.config.round, "studio", _draft(**{field: typed}))
    assert [(p.field, p.code) for p in taken.errors] == [(field, "desk_code")]
    assert "是收件编号或回执码" in taken.errors[0].text


def test_a_note_may_name_a_receipt_number(desk: Desk) -> None:
    assert take(desk.config.round, "studio", _draft(notes="ZD2026-GZS-0002")).errors == []
