"""Backups: a consistent copy on demand and once a day, restore verified first, nothing destroyed."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from deskapp.backup import (
    BackupError,
    daily_backup,
    daily_backup_message,
    list_backups,
    make_backup,
    restore_backup,
    verify_backup,
)
from deskapp.integrity import check_problems
from deskapp.journal import verify_chain
from deskapp.service import open_desk

from .conftest import studio_fields

ROOT = Path(__file__).resolve().parent.parent


def test_backup_and_restore_round_trip_keeps_the_replaced_state_aside(desk, tmp_path):
    first = desk.store.register("studio", studio_fields(), "张三")
    secret = desk.locations.secret.read_bytes()
    desk.store.register("project", {"unit": "某公司", "name": "项目"}, "张三")
    backup = make_backup(desk, tmp_path / "usb", actor="张三")
    assert backup.path.parent == tmp_path / "usb" and backup.entries == 2
    assert sorted(p.name for p in backup.path.iterdir()) == [
        "desk.toml",
        "journal.jsonl",
        "manifest.json",
        "secret.key",
    ]
    assert (backup.path / "secret.key").stat().st_mode & 0o077 == 0
    assert verify_backup(backup.path, desk.locations.default_config).ok

    later = desk.store.register("studio", studio_fields(name="备份之后"), "李四")
    desk.store.update(first.id, {"notes": "备份之后改的"}, "李四")
    other = open_desk(desk.locations.data, clock=desk.store.clock)  # a second desk on the folder
    replaced_journal = desk.locations.journal.read_bytes()

    restored = restore_backup(desk, backup.path, "张三")
    assert [p.receipt_no for p in desk.store.packs()] == ["ZD2026-XM-0001", "ZD2026-GZS-0001"]
    assert desk.store.get(first.id).notes == ""
    assert desk.store.by_receipt(later.receipt_no) is None
    assert desk.store.last_event("restore").data["aside"] == str(restored.aside)
    assert check_problems(desk.store) == []
    # Nothing destroyed: the replaced files are aside, byte for byte.
    assert (restored.aside / "journal.jsonl").read_bytes() == replaced_journal
    assert (restored.aside / "secret.key").read_bytes() == secret
    # The other desk notices the new journal and reads it afresh.
    assert other.store.by_receipt(later.receipt_no) is None and other.store.count() == 2
    # Numbers go on from the restored record.
    assert desk.store.register("studio", studio_fields(name="恢复后"), "张三").receipt_no == "ZD2026-GZS-0002"


def test_restore_refuses_a_broken_backup_and_changes_nothing(desk, tmp_path):
    desk.store.register("studio", studio_fields(), "张三")
    desk.store.register("project", {"unit": "某公司", "name": "项目"}, "张三")
    backup = make_backup(desk, tmp_path / "usb")
    journal = backup.path / "journal.jsonl"
    journal.write_bytes(journal.read_bytes().replace("某公司".encode(), "别的公司".encode()))
    before = desk.locations.journal.read_bytes()
    with pytest.raises(BackupError, match=r"拒绝.*journal\.jsonl 与备份时不一致"):
        restore_backup(desk, backup.path, "张三")
    # Even with the manifest's checksum forged to match, the chain names the edited entry.
    manifest = json.loads((backup.path / "manifest.json").read_text(encoding="utf-8"))
    import hashlib

    manifest["files"]["journal.jsonl"] = hashlib.sha256(journal.read_bytes()).hexdigest()
    (backup.path / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BackupError, match="第 2 行"):
        restore_backup(desk, backup.path, "张三")
    with pytest.raises(BackupError, match="不是受理台备份"):
        restore_backup(desk, tmp_path, "张三")
    assert desk.locations.journal.read_bytes() == before
    assert not [p for p in desk.locations.data.iterdir() if p.name.startswith("replaced-")]


def test_backup_copies_only_committed_lines(desk, tmp_path):
    desk.store.register("studio", studio_fields(), "张三")
    with open(desk.locations.journal, "ab") as handle:
        handle.write(b'{"action":"register","seq":2')  # a desk killed mid-write
    backup = make_backup(desk, tmp_path)
    report = verify_chain(backup.path / "journal.jsonl")
    assert report.ok and report.entries == 1 and not report.torn_tail


def test_daily_backup_once_a_day_and_old_ones_pruned(desk):
    desk.store.register("studio", studio_fields(), "张三")
    clock = desk.store.clock
    first = daily_backup(desk)
    assert first is not None and first.path.parent == desk.locations.backups
    assert daily_backup(desk) is None  # same day: nothing more
    assert desk.store.last_event("backup").data["daily"] is True
    assert desk.store.snapshot_entry_no == desk.store.journal.entry_no  # the daily backup also refreshes the snapshot
    keep = desk.config.backup_keep_days
    clock.now += timedelta(days=keep + 1)
    second = daily_backup(desk)
    assert second is not None
    assert list_backups(desk.locations.backups) == [second.path]  # the one older than keep_days is gone
    clock.now += timedelta(days=keep + 5)
    desk.store.register("studio", studio_fields(name="再来"), "张三")
    third = daily_backup(desk)
    assert list_backups(desk.locations.backups) == [third.path]


def test_backup_and_restore_from_the_command_line(desk, tmp_path):
    desk.store.register("studio", studio_fields(), "张三")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "deskapp", "--data", str(desk.locations.data), *args],
            check=False,  # the test asserts the exit codes
            capture_output=True,
            text=True,
            encoding="utf-8",
            cwd=ROOT,
            timeout=60,
        )

    out = run("backup", "--to", str(tmp_path / "usb"), "--by", "张三")
    assert out.returncode == 0 and "已备份 1 条记录" in out.stdout, out.stderr
    name = out.stdout.strip().split("到 ")[-1]
    desk.store.register("studio", studio_fields(name="之后"), "张三")
    out = run("restore", name, "--by", "张三")
    assert out.returncode == 0 and "恢复前的文件保存在" in out.stdout, out.stderr
    assert open_desk(desk.locations.data).store.count() == 1
    out = run("restore", str(tmp_path / "nothing-here"))
    assert out.returncode == 1 and "不是受理台备份" in out.stderr


def test_the_apps_daily_backup_reports_a_failure_instead_of_raising(desk):
    desk.store.register("studio", studio_fields(), "张三")
    (desk.locations.data / "backups").write_text("not a folder", encoding="utf-8")  # the folder cannot be made
    message = daily_backup_message(desk)
    assert message is not None and message.startswith("今日自动备份未完成") and "照常" in message
    (desk.locations.data / "backups").unlink()
    assert daily_backup_message(desk) is None and len(list_backups(desk.locations.backups)) == 1


def test_two_backups_in_the_same_second_get_their_own_folders(desk, tmp_path):
    from deskapp.timeutil import fixed_clock

    desk.store.register("studio", studio_fields(), "张三")
    desk.store.clock = fixed_clock(desk.store.clock())
    first, second = make_backup(desk, tmp_path), make_backup(desk, tmp_path)
    assert second.path.name == first.path.name + "-2"
    assert [p.name for p in list_backups(tmp_path)] == [first.path.name, second.path.name]
    assert verify_backup(second.path, desk.locations.default_config).ok
