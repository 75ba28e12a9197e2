"""What the store hands out and what it reads (issue 14): frozen packs, the renamed search key
with journals and snapshots written before it still opening and verifying, one duplicate rule."""

from __future__ import annotations

import copy
import dataclasses
import json
import shutil
from pathlib import Path

import pytest

from deskapp.chain import verify_chain
from deskapp.cli import main as cli_main
from deskapp.dashboard import assess_packs
from deskapp.integrity import check_problems, inspect_store
from deskapp.models import OLD_SEARCH_KEYS, SEARCH_KEYS, Pack
from deskapp.service import open_desk
from deskapp.timeutil import fixed_clock

from .conftest import ON_TIME, studio_fields

OLD = Path(__file__).parent / "files" / "journal-before-issue14"
"""A data folder written by the desk before issue 14 (``written_by.txt``): search keys stored as
``py`` in register documents and update entries, a format-2 snapshot, a keyed (HMAC) chain."""


@pytest.fixture
def old_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "old"
    shutil.copytree(OLD, folder)
    return folder


def test_a_journal_and_snapshot_written_before_open_and_verify(old_folder: Path) -> None:
    raw = (old_folder / "journal.jsonl").read_bytes()
    assert b'"py":' in raw and SEARCH_KEYS.encode() not in raw  # really the old format
    assert json.loads((old_folder / "journal.snapshot").read_bytes().split(b"\n")[0])["format"] == 2
    desk = open_desk(old_folder, clock=fixed_clock(ON_TIME))
    store = desk.store
    assert store.snapshot_entry_no == 6 and store.journal.replayed == 0  # started from the old snapshot
    assert store.guard.verify().ok
    assert check_problems(store) == []
    assert [p.receipt_no for p in store.packs()] == ["ZD2026-GZS-0002", "ZD2026-XM-0001", "ZD2026-GZS-0001"]
    # pinyin search reads the old key: from a register document and from an update entry
    assert [p.receipt_no for p in store.search("zdmm")] == ["ZD2026-GZS-0002", "ZD2026-GZS-0001"]
    assert [p.receipt_no for p in store.search("jjhxcl")] == ["ZD2026-XM-0001"]
    assert store.search("wcly") == []  # the unit before the correction is no longer searched
    assert all(OLD_SEARCH_KEYS not in p.extra and SEARCH_KEYS not in p.extra for p in store.packs())
    assert store.get(1).serial == 1 and store.get(3).serial == 2
    full = open_desk(old_folder, clock=fixed_clock(ON_TIME))
    full.store.rebuild()  # a full replay of the old journal gives the very same state
    assert full.store.state_fingerprint() == store.state_fingerprint()


def test_writing_on_an_old_journal_keeps_its_history_and_writes_the_new_key(old_folder: Path) -> None:
    before = (old_folder / "journal.jsonl").read_bytes()
    desk = open_desk(old_folder, clock=fixed_clock(ON_TIME))
    desk.store.update(2, {"unit": "大井物流公司"}, "李四", reason="单位又改名")
    desk.store.register("studio", studio_fields(unit="奇台电力公司", name="电力工作室"), "张三")
    after = (old_folder / "journal.jsonl").read_bytes()
    assert after.startswith(before)  # nothing written before is touched
    new_lines = [json.loads(line) for line in after[len(before) :].splitlines()]
    assert [e["action"] for e in new_lines] == ["update", "register"]
    assert SEARCH_KEYS in new_lines[0] and OLD_SEARCH_KEYS not in new_lines[0]
    assert SEARCH_KEYS in new_lines[1]["doc"] and OLD_SEARCH_KEYS not in new_lines[1]["doc"]
    assert verify_chain(old_folder / "journal.jsonl").ok
    assert desk.store.save_snapshot()
    assert json.loads((old_folder / "journal.snapshot").read_bytes().split(b"\n")[0])["format"] == 3
    for snapshot in (True, False):  # from the new snapshot, and a full replay of old + new entries
        again = open_desk(old_folder, clock=fixed_clock(ON_TIME))
        if not snapshot:
            again.store.rebuild()
        assert [p.receipt_no for p in again.store.search("djwl")] == ["ZD2026-XM-0001"]
        assert [p.receipt_no for p in again.store.search("qtdl")] == ["ZD2026-GZS-0003"]
        assert again.store.search("jjhxcl") == []
    report = inspect_store(open_desk(old_folder, clock=fixed_clock(ON_TIME)).store)
    assert report.ok and report.entries == 8, report.text()


def test_a_pack_from_the_store_cannot_be_changed_by_its_caller(desk) -> None:
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True})
    got = desk.store.get(pack.id)
    assert got is desk.store.get(pack.id)  # cached: the same value until the pack changes
    with pytest.raises(dataclasses.FrozenInstanceError):
        got.unit = "别的单位"  # type: ignore[misc]
    refused = [
        lambda: got.checklist.__setitem__("ecopy", True),
        lambda: got.checklist.update(ecopy=True),
        lambda: got.checklist.pop("form1"),
        lambda: got.details.setdefault("goals", "x"),
        lambda: got.distinct_from.append("ZD2026-GZS-0009"),
        lambda: got.files.extend([{"name": "x"}]),
        got.prints.clear,
        lambda: got.outcome.update({"decision": "accepted"}),
    ]
    for attempt in refused:
        with pytest.raises(TypeError, match="read-only"):
            attempt()
    desk.store.update(pack.id, {"outcome": {"decision": "x", "items": [{"k": 1}]}}, "张三")
    nested = desk.store.get(pack.id)
    with pytest.raises(TypeError):
        nested.outcome["items"][0]["k"] = 2
    with pytest.raises(TypeError):
        nested.outcome["items"].append({})
    fresh = open_desk(desk.locations.data, clock=fixed_clock(ON_TIME)).store.get(pack.id)
    assert nested == fresh and nested.checklist == fresh.checklist  # nothing leaked into the store
    # copies are the caller's own: changeable, and the store's value stays as it was
    doc = nested.to_doc()
    doc["checklist"]["ecopy"] = True
    doc["outcome"]["items"].append({})
    thawed = copy.deepcopy(nested.checklist)
    thawed["ecopy"] = True
    trial = dataclasses.replace(nested, checklist={**nested.checklist, "ecopy": True})
    assert trial.checklist["ecopy"] and not desk.store.get(pack.id).checklist["ecopy"]
    assert json.loads(json.dumps(nested.outcome)) == {"decision": "x", "items": [{"k": 1}]}
    assert doc["seq"] == nested.serial == 1 and "serial" not in doc


def test_a_pack_built_in_code_is_frozen_too() -> None:
    pack = Pack(1, "X", "2026", "studio", 1, "u", "n", "2026-06-10T09:30:00+08:00", "张三", checklist={"a": True})
    with pytest.raises(TypeError):
        pack.checklist["a"] = False
    assert pack.checklist == {"a": True} and isinstance(pack.checklist, dict)


def test_duplicates_are_the_same_for_the_register_dialog_the_dashboard_and_the_cli(desk, capsys) -> None:
    store = desk.store
    first = store.register("studio", studio_fields(unit="准东某煤化工公司", name="甲工作室"), "张三")
    # the same unit and name folded: full-width letters, spaces
    second = store.register("studio", studio_fields(unit="准东某煤化工 公司", name="甲工作室"), "张三")
    voided = store.register("studio", studio_fields(unit="准东某煤化工公司", name="甲工作室"), "张三")
    store.update(voided.id, {"voided": True, "void_reason": "录重了"}, "李四", action="void", reason="录重了")
    confirmed = store.register(
        "studio",
        studio_fields(unit="准东某煤化工公司", name="甲工作室"),
        "张三",
        distinct_from=[first.receipt_no],
    )
    other = store.register("studio", studio_fields(unit="准东某煤化工公司", name="乙工作室"), "张三")
    fourth = store.register("studio", studio_fields(unit="准东某煤化工公司", name="甲工作室Ｘ"), "张三")
    store.update(fourth.id, {"name": "甲工作室"}, "张三")  # renamed into the group
    packs = store.packs(desk.config.round.id)

    def dup_flags(verdict) -> tuple[str, ...]:
        return tuple(f.text for f in verdict.flags if f.code == "duplicate")

    dashboard = {p.id: dup_flags(assess_packs(store, packs)[p.id]) for p in packs}
    store_view = {p.id: dup_flags(store.assess(p)) for p in packs}
    assert cli_main(["--data", str(desk.locations.data), "list", "--json"]) == 0
    cli = {
        row["id"]: tuple(f["text"] for f in row["flags"] if f["code"] == "duplicate")
        for row in json.loads(capsys.readouterr().out)
    }
    assert dashboard == store_view == cli
    assert dashboard == {
        first.id: (),
        second.id: (f"疑似重复：{first.receipt_no}",),
        voided.id: (),
        confirmed.id: (f"疑似重复：{second.receipt_no}",),
        other.id: (),
        fourth.id: (f"疑似重复：{confirmed.receipt_no}、{second.receipt_no}、{first.receipt_no}",),
    }
    # the register dialog asks of a draft: every pack of the group but the voided one, newest first
    draft = store.duplicates(desk.config.round.id, " 准东某煤化工公司", "甲工作室 ")
    assert [p.id for p in draft] == [fourth.id, confirmed.id, second.id, first.id]
    assert store.duplicates(desk.config.round.id, "准东某煤化工公司", "") == []
