"""Tamper evidence: `deskapp check` names the first bad entry; the outcome is recorded."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from deskapp.integrity import check_status, inspect_store, last_check_passed, run_check
from deskapp.service import open_desk

from .conftest import studio_fields

ROOT = Path(__file__).resolve().parent.parent


def deskapp(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "deskapp", "--data", str(data), *args],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )


def fill(desk) -> None:
    a = desk.store.register("studio", studio_fields(), "张三")
    desk.store.register("project", {"unit": "某公司", "name": "项目"}, "张三")
    desk.store.update(a.id, {"checklist.ecopy": True}, "李四", reason="电子版次日送到")


def rewrite_line(path: Path, line_no: int, edit) -> None:
    lines = path.read_bytes().decode("utf-8").splitlines(keepends=True)
    lines[line_no - 1] = edit(lines[line_no - 1])
    path.write_bytes("".join(lines).encode("utf-8"))


def test_check_passes_on_a_good_record_and_records_that(desk):
    fill(desk)
    assert check_status(desk.store).text().startswith("尚未")
    out = deskapp(desk.locations.data, "check", "--by", "张三")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "校验通过" in out.stdout and "3 条" in out.stdout
    status = check_status(desk.store)  # this desk sees the entry another process wrote
    assert status.ok and status.last_passed is not None
    assert last_check_passed(desk.store) == status.last_passed
    assert "上次完整性校验通过" in status.text()
    entry = desk.store.last_event("check")
    assert entry.actor == "张三" and entry.data["ok"] is True and entry.data["packs"] == 2


def test_a_hand_edited_entry_fails_the_check_naming_it(desk):
    fill(desk)
    run_check(desk.store, "张三")
    at = json.loads(desk.locations.journal.read_text(encoding="utf-8").splitlines()[1])["at"]
    # Someone quietly changes the unit of the project registered on line 2.
    rewrite_line(desk.locations.journal, 2, lambda line: line.replace("某公司", "另一公司"))
    out = deskapp(desk.locations.data, "check")
    assert out.returncode == 1
    assert "第 2 行" in out.stdout and "register" in out.stdout and at in out.stdout
    assert "被改动过" in out.stdout
    as_json = json.loads(deskapp(desk.locations.data, "check", "--json").stdout)
    assert as_json["ok"] is False
    assert as_json["bad_entry"] == {
        "line": 2,
        "seq": 2,
        "action": "register",
        "at": at,
        "why": as_json["bad_entry"]["why"],
    }
    status = check_status(open_desk(desk.locations.data, clock=desk.store.clock).store)
    assert not status.ok and status.last_passed is not None and "发现问题" in status.text()
    assert any("第 2 行" in p for p in status.failed_problems)


def test_a_deleted_entry_breaks_the_chain_and_check_still_names_it(desk):
    fill(desk)
    rewrite_line(desk.locations.journal, 2, lambda line: "")  # line 3 now follows line 1
    out = deskapp(desk.locations.data, "check")
    assert out.returncode == 1
    assert "第 2 行" in out.stdout and "序号应为 2" in out.stdout and "update" in out.stdout


def test_a_changed_hash_is_caught_at_the_next_entry(desk):
    fill(desk)

    def forge(line: str) -> str:  # edit the content and recompute its own hash: the next entry still disagrees
        from deskapp.journal import entry_hash

        entry = json.loads(line)
        entry["actor"] = "王五"
        body = {k: v for k, v in entry.items() if k != "hash"}
        entry["hash"] = entry_hash(entry["prev"], body, desk.store.journal.key)
        return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"

    rewrite_line(desk.locations.journal, 1, forge)
    out = deskapp(desk.locations.data, "check")
    assert out.returncode == 1 and "第 2 行" in out.stdout and "哈希链不符" in out.stdout


def test_duplicate_and_gapped_numbers_are_problems(desk):
    fill(desk)
    # A forged but well-chained journal: re-sign every entry after giving pack 2 the number of pack 1.
    from deskapp.journal import GENESIS, canonical, entry_hash

    lines = desk.locations.journal.read_bytes().decode("utf-8").splitlines()
    prev, out = GENESIS, []
    for raw in lines:
        entry = json.loads(raw)
        if entry.get("doc", {}).get("kind") == "project":
            entry["doc"].update(kind="studio", seq=3, receipt_no="ZD2026-GZS-0003")
        entry["prev"] = prev
        entry.pop("hash")
        entry["hash"] = prev = entry_hash(prev, entry, desk.store.journal.key)  # even with the key
        out.append(canonical(entry).decode("utf-8"))
    desk.locations.journal.write_text("\n".join(out) + "\n", encoding="utf-8")
    fresh = open_desk(desk.locations.data, clock=desk.store.clock)
    problems = inspect_store(fresh.store).problems
    assert any("编号不连续" in p and "缺 [2]" in p for p in problems), problems


def test_a_torn_last_line_is_a_note_not_a_fault(desk):
    fill(desk)
    with open(desk.locations.journal, "ab") as handle:
        handle.write(b'{"action":"register","seq":4')
    report = inspect_store(desk.store)
    assert report.ok and report.entries == 3 and "未写完" in report.notes[0]
