import json

import pytest
from tinydb import Query

from deskapp.integrity import check_problems
from deskapp.service import open_desk
from deskapp.store import PackNotFound, RegistrationError, StoreWriteError

from .conftest import LATE, clock_at, full_checklist, studio_fields


def test_register_issues_sequential_numbers_per_kind(desk):
    a = desk.store.register("studio", studio_fields(), "张三")
    b = desk.store.register("project", {"unit": "某公司", "name": "项目"}, "张三")
    c = desk.store.register("studio", studio_fields(name="另一个"), "李四")
    assert [a.receipt_no, b.receipt_no, c.receipt_no] == ["ZD2026-GZS-0001", "ZD2026-XM-0001", "ZD2026-GZS-0002"]
    assert a.received_at == "2026-06-10T09:30:00+08:00" and a.clerk == "张三"


def test_bad_registration_writes_nothing(desk):
    with pytest.raises(RegistrationError, match="申报单位"):
        desk.store.register("studio", studio_fields(unit=" "), "张三")
    with pytest.raises(RegistrationError, match="整数"):
        desk.store.register("studio", studio_fields(members="六"), "张三")
    with pytest.raises(RegistrationError):
        desk.store.register("studio", studio_fields(), "张三", checklist={"nonsense": True})
    assert desk.store.count() == 0 and not desk.locations.journal.exists()


def test_late_pack_is_recorded_and_marked(desk):
    with clock_at(desk.store, LATE):
        pack = desk.store.register(
            "studio", studio_fields(), "张三", received_at=LATE, checklist=full_checklist(desk, "studio"), pages=20
        )
    assert desk.store.by_receipt(pack.receipt_no) is not None
    assert desk.store.assess(pack).late


def test_update_records_old_new_who_and_why(desk):
    pack = desk.store.register("studio", studio_fields(), "张三")
    desk.store.update(pack.id, {"checklist.ecopy": True, "ecopy_medium": "U盘"}, "李四", reason="电子版次日送到")
    desk.store.update(pack.id, {"checklist.ecopy": True}, "李四")  # no change: nothing written
    history = desk.store.history(pack.id)
    assert [h.action for h in history] == ["register", "update"]
    last = history[-1]
    assert last.actor == "李四" and last.reason == "电子版次日送到"
    assert last.changes == {"checklist.ecopy": [False, True], "ecopy_medium": ["", "U盘"]}
    with pytest.raises(RegistrationError):
        desk.store.update(pack.id, {"receipt_no": "X"}, "李四")
    with pytest.raises(PackNotFound):
        desk.store.update(999, {"notes": "x"}, "李四")


def test_duplicates_are_found_unless_confirmed_distinct(desk):
    first = desk.store.register("studio", studio_fields(), "张三")
    second = desk.store.register("studio", studio_fields(unit="准东某煤化工有限公司 "), "张三")
    assert [p.receipt_no for p in desk.store.duplicates("2026", second.unit, second.name, exclude=second.id)] == [
        first.receipt_no
    ]
    assert "duplicate" in [f.code for f in desk.store.assess(second).flags]
    third = desk.store.register("studio", studio_fields(), "张三", distinct_from=[first.receipt_no, second.receipt_no])
    assert "duplicate" not in [f.code for f in desk.store.assess(third).flags]


def test_search_by_chinese_receipt_and_pinyin_initials(desk):
    a = desk.store.register("studio", studio_fields(), "张三")
    b = desk.store.register(
        "project", {"unit": "新疆某有色金属公司", "name": "铝冶炼人才项目", "leader": "赵强"}, "张三"
    )

    def found(q: str) -> list[str]:
        return [p.receipt_no for p in desk.store.search(q)]

    assert found("煤化") == [a.receipt_no]
    assert found("zdmh") == [a.receipt_no]  # initials as a subsequence: 准东某煤化工
    assert found("zq") == [b.receipt_no]  # leader 赵强
    assert found("zd2026-xm-0001") == [b.receipt_no]
    assert found("") == [b.receipt_no, a.receipt_no]  # newest first
    desk.store.update(b.id, {"unit": "准东煤电公司"}, "李四")
    assert found("zdmd") == [b.receipt_no]


def test_a_second_desk_sees_the_first_desks_writes(desk, clock):
    other = open_desk(desk.locations.data, clock=clock)
    pack = desk.store.register("studio", studio_fields(), "张三")
    assert other.store.by_receipt(pack.receipt_no).unit == pack.unit
    again = other.store.register("studio", studio_fields(name="二号"), "李四")
    assert again.receipt_no == "ZD2026-GZS-0002"
    assert desk.store.search("二号")[0].receipt_no == again.receipt_no


def test_tinydb_queries_work_and_raw_writes_are_refused(desk):
    desk.store.register("studio", studio_fields(), "张三")
    desk.store.register("project", {"unit": "某公司", "name": "项目"}, "张三")
    assert [p.unit for p in desk.store.query(Query().kind == "project")] == ["某公司"]
    with pytest.raises(StoreWriteError):
        desk.store.packs_table.insert({"unit": "sneaky"})
    assert desk.store.count() == 2


def test_journal_is_utf8_and_chained(desk):
    desk.store.register("studio", studio_fields(), "张三")
    lines = desk.locations.journal.read_bytes().decode("utf-8").splitlines()
    entry = json.loads(lines[0])
    assert "准东某煤化工有限公司" in lines[0]  # real UTF-8, not \\u escapes
    assert entry["seq"] == 1 and entry["prev"] == "0" * 64 and len(entry["hash"]) == 64
    assert check_problems(desk.store) == []


def test_torn_last_line_is_ignored_and_cut_by_next_writer(desk, clock):
    desk.store.register("studio", studio_fields(), "张三")
    with open(desk.locations.journal, "ab") as handle:
        handle.write(b'{"seq": 2, "action": "regis')  # a desk killed mid-write
    reopened = open_desk(desk.locations.data, clock=clock)
    assert reopened.store.count() == 1
    pack = reopened.store.register("studio", studio_fields(name="二号"), "张三")
    assert pack.receipt_no == "ZD2026-GZS-0002"
    assert check_problems(reopened.store) == []


def test_naming_the_ecopy_medium_ticks_the_electronic_copy(desk):
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"unit_seal": True})
    assert pack.checklist["ecopy"] is False and "电子版" in desk.store.assess(pack).missing
    pack = desk.store.update(pack.id, {"ecopy_medium": "U盘"}, "李四", reason="电子版次日送到")
    assert pack.checklist["ecopy"] is True and "电子版" not in desk.store.assess(pack).missing
    assert desk.store.history(pack.id)[-1].changes["checklist.ecopy"] == [False, True]
    second = desk.store.register("project", {"unit": "某公司", "name": "项目", "ecopy_medium": "光盘"}, "张三")
    assert second.checklist["ecopy"] is True
