"""The record proves itself (issue 12, points 2, 3 and 8).

Tampering (a changed byte, a forged line with a recomputed plain hash, a history re-signed by
someone who has the key), holes of NUL bytes under a snapshot, a simulated power cut, and
`check` catching a real duplicate and a differing snapshot while another desk writes.
"""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest

from deskapp.app import DeskApp
from deskapp.backup import make_backup
from deskapp.integrity import inspect_store, run_check
from deskapp.journal import GENESIS, StoreWriteError, canonical, entry_hash
from deskapp.record_guard import recover
from deskapp.service import Desk, open_desk

from .conftest import studio_fields
from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor
from .test_cli import run
from .test_store_integrity import rewrite_line


def twenty(desk: Desk) -> list[str]:
    """20 journal lines: 20 registrations, each reported (returned) after its commit."""
    return [
        desk.store.register("studio", studio_fields(name=f"工作室{n:02d}"), "张三").receipt_no for n in range(1, 21)
    ]


def reopen(desk: Desk) -> Desk:
    return open_desk(desk.locations.data, clock=desk.store.clock)


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


def change_unit(line: str) -> str:
    return line.replace("工作室11", "工作室99")  # JSON still valid, the hash no longer fits


def test_a_changed_byte_is_found_at_start_and_changes_are_refused(desk):
    twenty(desk)
    rewrite_line(desk.locations.journal, 11, change_unit)
    other = reopen(desk)  # the desk starts: reading does not recompute hashes
    assert other.store.by_receipt("ZD2026-GZS-0011").name == "工作室99"
    report = other.store.guard.verify()
    assert report.bad.line == 11 and "被改动过" in other.store.guard.problem
    with pytest.raises(StoreWriteError, match="记录校验未通过"):
        other.store.register("studio", studio_fields(name="新的"), "张三")
    # a fresh process refuses too: the first change waits for the whole verification
    out = run(desk.locations.data, "register", "--clerk", "张三", stdin='{"kind":"studio","unit":"甲","name":"乙"}\n')
    assert out.returncode == 1 and "第 11 行" in out.stderr and "ZD2026-GZS-0021" not in out.stdout


def test_forged_lines_are_caught_even_with_a_recomputed_plain_hash(desk):
    twenty(desk)
    last = json.loads(lines_of(desk.locations.journal)[-1])
    forged = {
        "action": "update",
        "actor": "张三",
        "at": last["at"],
        "pack": 3,
        "set": {"unit": "假的"},
        "old": {},
        "seq": 21,
        "prev": last["hash"],
    }
    forged["hash"] = entry_hash(last["hash"], forged)  # SHA-256 as an old journal would have it
    with open(desk.locations.journal, "ab") as handle:
        handle.write(canonical(forged) + b"\n")
    report = reopen(desk).store.guard.verify()
    assert report.bad.line == 21 and "旧格式" in report.bad.why
    forged["v"] = 2
    forged["hash"] = "ab" * 32  # a made-up hash
    lines = [*lines_of(desk.locations.journal)[:-1], canonical(forged)]
    desk.locations.journal.write_bytes(b"\n".join(lines) + b"\n")
    report = reopen(desk).store.guard.verify()
    assert report.bad.line == 21 and "内容与其哈希不符" in report.bad.why
    assert run(desk.locations.data, "check").returncode == 1


async def test_the_desk_says_so_prominently_and_records_the_alarm(desk):
    twenty(desk)
    rewrite_line(desk.locations.journal, 11, change_unit)
    other = reopen(desk)
    app = DeskApp(other, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        for _ in range(100):  # bounded wait for the verification worker
            if other.store.guard.report is not None and any(
                "记录校验未通过" in str(n.title) for n in app._notifications
            ):
                break
            await pilot.pause(0.05)
        assert any("记录校验未通过" in str(n.title) and "第 11 行" in str(n.message) for n in app._notifications)
        assert "记录校验未通过" in app.sub_title and app.is_running
    alarm = other.store.last_event("integrity_alarm")
    assert alarm is not None and alarm.data["line"] == 11


def test_a_nul_hole_under_a_snapshot_is_not_hidden(desk):
    twenty(desk)
    desk.store.save_snapshot()
    path = desk.locations.journal
    lines = lines_of(path)
    lines[10] = b"\0" * len(lines[10])  # line 11 of 20 lost, as a page after a power cut
    path.write_bytes(b"\n".join(lines) + b"\n")
    other = reopen(desk)
    assert other.store.snapshot_entry_no == 0  # the prefix check refused the snapshot
    assert other.store.journal.damage.line == 11 and other.store.count() == 10
    with pytest.raises(StoreWriteError, match="第 11 行起已损坏"):
        other.store.register("studio", studio_fields(name="新的"), "张三")
    out = run(desk.locations.data, "register", "--clerk", "张三", stdin='{"kind":"studio","unit":"甲","name":"乙"}\n')
    assert out.returncode == 1 and "ZD2026-GZS-0011" not in out.stdout and "第 11 行" in out.stderr
    assert lines_of(path)[11:] == lines[11:]  # nothing after the hole was cut or built on
    listed = run(desk.locations.data, "list", "--json")
    assert listed.returncode == 0 and len(json.loads(listed.stdout)) == 10
    check = run(desk.locations.data, "check")
    assert check.returncode == 1 and "第 11 行" in check.stdout


def test_power_cut_keeps_every_reported_registration_and_says_what_it_dropped(desk):
    add_supervisor(desk)
    reported = twenty(desk)
    path = desk.locations.journal
    reported_end = path.stat().st_size
    late = reopen(desk)  # another desk's writes, in flight when the power went: never reported
    unreported = [late.store.register("studio", studio_fields(name=f"未报{n}"), "李四").receipt_no for n in range(5)]
    data = bytearray(path.read_bytes())
    starts = [i + 1 for i, b in enumerate(data) if b == 0x0A][:-1]
    zero_from, zero_to = starts[21] + 30, starts[22] + 10  # from inside line 23 to inside line 24; 25 intact
    assert zero_from > reported_end
    data[zero_from:zero_to] = bytes(zero_to - zero_from)
    path.write_bytes(bytes(data))

    after = reopen(desk)
    assert [after.store.by_receipt(r) is not None for r in reported] == [True] * 20
    assert after.store.journal.damage.line == 23
    assert "第 23 行起已损坏" in after.store.journal.damage.message()
    after.store.guard.verify()  # what the desk says at start: the line, and what it did not read
    assert "第 23 行起已损坏" in after.store.guard.problem and unreported[-1] in after.store.guard.problem
    listed = run(desk.locations.data, "list")
    assert unreported[-1] in listed.stderr and listed.stdout.count("ZD2026-GZS-") == 22
    with pytest.raises(StoreWriteError):
        after.store.register("studio", studio_fields(name="新的"), "张三")

    out = run(desk.locations.data, "recover", "--by", SUPERVISOR, "--pin", PIN)
    assert out.returncode == 0, out.stderr
    assert unreported[-1] in out.stdout and "移到" in out.stdout  # line 25 survived the cut: named as dropped
    fixed = reopen(desk)
    assert [fixed.store.by_receipt(r) is not None for r in reported] == [True] * 20
    assert fixed.store.by_receipt(unreported[0]) is not None  # line 21 was whole: kept
    event = fixed.store.last_event("recovered")
    assert event.actor == SUPERVISOR and event.data["line"] == 23 and unreported[-1] in event.data["dropped"]
    assert (desk.locations.data / event.data["saved_to"]).exists()
    assert fixed.store.register("studio", studio_fields(name="恢复后"), "张三").receipt_no
    assert after.store.refresh() >= 1 and after.store.journal.damage is None  # the other desk reads on
    assert inspect_store(fixed.store).ok


def test_an_altered_entry_acknowledged_by_the_supervisor_stays_listed(desk):
    add_supervisor(desk)
    twenty(desk)
    rewrite_line(desk.locations.journal, 11, change_unit)
    other = reopen(desk)
    done = recover(other.store, SUPERVISOR)
    assert done.kind == "acknowledged" and done.line == 11 and other.store.guard.problem is None
    other.store.register("studio", studio_fields(name="确认后"), "张三")
    problems = inspect_store(other.store).problems
    assert any("第 11 条记录被改动过" in p for p in problems)


def test_a_history_rewritten_with_the_key_shows_against_a_backup_and_an_export(desk, tmp_path):
    from deskapp.exports.annex2 import write_annex2

    twenty(desk)
    backup = make_backup(desk, tmp_path / "usb", actor="张三")
    export = write_annex2(desk.store).path
    assert run(desk.locations.data, "check", "--against", str(backup.path)).returncode == 0
    ok = run(desk.locations.data, "check", "--against", str(export))
    assert ok.returncode == 0 and "此前的历史没有被改写" in ok.stdout
    # Someone with the key rewrites entry 5 and re-signs every entry after it: the chain is whole again.
    key = desk.store.journal.key
    prev, out = GENESIS, []
    for raw in lines_of(desk.locations.journal):
        entry = json.loads(raw)
        if entry["seq"] == 5:
            entry["doc"]["unit"] = "改写的单位"
        entry["prev"] = prev
        entry.pop("hash")
        entry["hash"] = prev = entry_hash(prev, entry, key)
        out.append(canonical(entry))
    desk.locations.journal.write_bytes(b"\n".join(out) + b"\n")
    assert run(desk.locations.data, "check").returncode == 0  # the chain alone cannot tell
    for source in (backup.path, export):
        found = run(desk.locations.data, "check", "--against", str(source))
        assert found.returncode == 1 and "历史被改写" in found.stdout, found.stdout


def test_check_catches_a_real_duplicate_number(desk):
    twenty(desk)
    key = desk.store.journal.key
    prev, out = GENESIS, []
    for raw in lines_of(desk.locations.journal):  # a well-signed journal in which pack 7 took pack 6's number
        entry = json.loads(raw)
        if entry["seq"] == 7:
            entry["doc"].update(seq=6, receipt_no="ZD2026-GZS-0006")
        entry["prev"] = prev
        entry.pop("hash")
        entry["hash"] = prev = entry_hash(prev, entry, key)
        out.append(canonical(entry))
    desk.locations.journal.write_bytes(b"\n".join(out) + b"\n")
    problems = inspect_store(reopen(desk).store).problems
    assert any("ZD2026-GZS-0006 重复" in p for p in problems), problems


def test_check_compares_the_snapshot_while_another_desk_writes(desk):
    import zlib

    twenty(desk)
    desk.store.save_snapshot()
    path = desk.locations.snapshot
    head, body = path.read_bytes().split(b"\n", 1)
    body = body.replace("工作室05".encode(), "工作室55".encode())
    header = json.loads(head)
    header.update(bytes=len(body), crc=zlib.crc32(body))
    path.write_bytes(json.dumps(header).encode() + b"\n" + body)
    misled = reopen(desk)
    assert misled.store.snapshot_entry_no > 0
    writer = reopen(desk)
    stop = threading.Event()

    def keep_writing() -> None:
        n = 0
        while not stop.is_set():
            writer.store.register("studio", studio_fields(name=f"并发{n}"), "李四")
            n += 1
            time.sleep(0.001)

    thread = threading.Thread(target=keep_writing)
    thread.start()
    try:
        report = run_check(misled.store, "张三")
    finally:
        stop.set()
        thread.join()
    assert not report.ok and any("快照" in p for p in report.problems)
