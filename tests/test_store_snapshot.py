"""Start-up from the snapshot: only the tail is replayed, and the result is the full replay's."""

from __future__ import annotations

import json
import os
import zlib

import pytest
from tinydb import Query

from deskapp import durable
from deskapp.integrity import inspect_store, run_check
from deskapp.journal import retrying, write_atomic
from deskapp.service import open_desk
from deskapp.store import DeskStore

from .conftest import studio_fields


def fill(desk, count: int = 12) -> None:
    for n in range(count):
        kind = "studio" if n % 3 else "project"
        pack = desk.store.register(kind, studio_fields(unit=f"准东某煤化工{n}号公司", name=f"工作室{n}"), "张三")
        if n % 2:
            desk.store.update(pack.id, {"checklist.ecopy": True, "pages": n + 10}, "李四", reason="补交")


def full_replay(desk) -> DeskStore:
    return DeskStore(desk.locations, desk.config, desk.store.clock, snapshot=False)


def reopen(desk):
    return open_desk(desk.locations.data, clock=desk.store.clock)


def test_a_start_replays_only_the_entries_after_the_snapshot(desk):
    fill(desk)
    assert desk.store.save_snapshot()
    desk.store.register("studio", studio_fields(unit="快照之后公司", name="后来者"), "李四")
    again = reopen(desk)
    assert again.store.snapshot_entry_no == 18 and again.store.journal.replayed == 1
    assert again.store.state_fingerprint() == full_replay(desk).state_fingerprint()
    # Everything reads the same as from a full replay: packs, search, TinyDB, history, numbers.
    replay = full_replay(desk)
    assert again.store.packs() == replay.packs()
    assert [p.id for p in again.store.search("zdmh")] == [p.id for p in replay.search("zdmh")]
    assert [p.receipt_no for p in again.store.query(Query().kind == "project")] == [
        p.receipt_no for p in replay.query(Query().kind == "project")
    ]
    assert again.store.history(2) == replay.history(2) and len(again.store.history(2)) == 2
    assert again.store.next_receipt("studio") == replay.next_receipt("studio") == "ZD2026-GZS-0010"
    dups = again.store.duplicates("2026", "准东某煤化工3号公司", "工作室3")
    assert [p.id for p in dups] == [4]
    assert again.store.register("studio", studio_fields(name="再来一个"), "张三").receipt_no == "ZD2026-GZS-0010"


def test_updates_to_packs_left_undecoded_by_the_snapshot_apply(desk):
    fill(desk)
    desk.store.save_snapshot()
    other = reopen(desk)  # pack 3 is still raw bytes in this desk
    desk.store.update(3, {"unit": "改名后的公司"}, "李四", reason="单位更名")
    other.store.refresh()
    assert other.store.get(3).unit == "改名后的公司"
    assert [p.id for p in other.store.duplicates("2026", "改名后的公司", "工作室2")] == [3]
    assert other.store.duplicates("2026", "准东某煤化工2号公司", "工作室2") == []
    assert other.store.state_fingerprint() == full_replay(desk).state_fingerprint()


def test_close_writes_a_snapshot_only_after_many_entries(desk, monkeypatch):
    import deskapp.store as store_module

    monkeypatch.setattr(store_module, "SNAPSHOT_AFTER", 10)
    fill(desk, 4)
    desk.store.close()
    assert not desk.locations.snapshot.exists()
    fill(desk, 6)
    desk.store.close()
    assert reopen(desk).store.snapshot_entry_no == desk.store.journal.entry_no


@pytest.mark.parametrize("damage", ["flip", "cut", "other_journal"])
def test_a_damaged_or_foreign_snapshot_is_not_used(desk, damage):
    fill(desk)
    desk.store.save_snapshot()
    path = desk.locations.snapshot
    if damage == "flip":
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))
    elif damage == "cut":
        path.write_bytes(path.read_bytes()[:-100])
    else:  # the journal was replaced by a different one (a restore): the recorded entry is not there
        desk.locations.journal.unlink()
        fresh = reopen(desk)
        fresh.store.register("project", {"unit": "新公司", "name": "新项目"}, "张三")
    again = reopen(desk)
    assert again.store.snapshot_entry_no == 0
    assert again.store.state_fingerprint() == full_replay(desk).state_fingerprint()


def test_a_doctored_snapshot_with_a_good_checksum_is_caught_by_check_and_repaired(desk):
    fill(desk)
    desk.store.save_snapshot()
    path = desk.locations.snapshot
    head, body = path.read_bytes().split(b"\n", 1)
    body = body.replace("准东某煤化工1号公司".encode(), "准东某煤化工9号公司".encode())
    header = json.loads(head)
    header.update(bytes=len(body), crc=zlib.crc32(body))
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    misled = reopen(desk)
    assert misled.store.snapshot_entry_no > 0 and misled.store.get(2).unit == "准东某煤化工9号公司"
    report = run_check(misled.store, "张三")
    assert not report.ok and any("快照" in p for p in report.problems)
    assert misled.store.get(2).unit == "准东某煤化工1号公司"  # rebuilt from the journal
    assert reopen(desk).store.get(2).unit == "准东某煤化工1号公司"  # snapshot rewritten
    assert inspect_store(reopen(desk).store).ok


def test_tinydb_reads_snapshot_packs_and_still_refuses_raw_writes(desk):
    from deskapp.store import StoreWriteError

    fill(desk)
    desk.store.save_snapshot()
    again = reopen(desk)
    table = again.store.db.table("packs")
    assert len(table) == 12 and table.get(doc_id=5)["receipt_no"] == desk.store.get(5).receipt_no
    assert len(again.store.db.table("history")) == 18
    with pytest.raises(StoreWriteError):
        table.update({"unit": "x"}, doc_ids=[5])


def test_replace_is_retried_while_another_program_holds_the_file(tmp_path, monkeypatch):
    """Windows: antivirus or the indexer holds a file for a moment and os.replace is denied."""
    target = tmp_path / "desk.toml"
    target.write_bytes(b"old")
    real_replace = os.replace
    denials = [PermissionError(13, "拒绝访问"), PermissionError(13, "拒绝访问")]

    def held_for_a_moment(src, dst):
        if denials:
            raise denials.pop()
        real_replace(src, dst)

    monkeypatch.setattr(durable.os, "replace", held_for_a_moment)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new" and not denials

    def held_for_good(src, dst):
        raise PermissionError(13, "拒绝访问")

    monkeypatch.setattr(durable.os, "replace", held_for_good)
    monkeypatch.setattr(durable, "RETRY_S", 0.2)
    with pytest.raises(PermissionError):
        write_atomic(target, b"newer")
    assert target.read_bytes() == b"new" and [p.name for p in tmp_path.iterdir()] == ["desk.toml"]
    with pytest.raises(PermissionError):
        retrying(lambda: held_for_good("a", "b"), bound_s=0.05)


def test_the_windows_lock_times_out_with_the_desks_own_error(tmp_path):
    """The filelock-based lock used on Windows also runs here: same behaviour as the POSIX one."""
    from deskapp.durable import FlockLock, LockTimeout, PortableLock

    for kind in (PortableLock, FlockLock):
        first, second = kind(tmp_path / f"{kind.__name__}.lock", 0.2), kind(tmp_path / f"{kind.__name__}.lock", 0.2)
        first.acquire()
        first.acquire()  # reentrant
        with pytest.raises(LockTimeout):
            second.acquire()
        first.release()
        assert first.is_locked
        first.release()
        second.acquire()
        assert second.is_locked and not first.is_locked
        second.release()
