"""Command-line keeping of the record: ``check``, ``backup``, ``restore``."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

from deskapp.backup import BackupError, describe, list_backups, make_backup, restore_backup
from deskapp.config import load_config
from deskapp.integrity import IntegrityReport, check_folder
from deskapp.journal import JournalError
from deskapp.locations import Locations
from deskapp.service import open_desk
from deskapp.store import DeskStore

CLI_ACTOR = "命令行"


def cmd_check(args: argparse.Namespace) -> int:
    """``deskapp check``: verify the record and record the outcome; exit 0 when good, 1 when not."""
    locations = Locations.resolve(args.data).ensure()
    config = load_config(locations.default_config, locations.config)
    try:
        store: DeskStore | None = DeskStore(locations, config)
    except JournalError:
        store = None
    report = check_folder(store, locations, config, args.by)
    if args.against:
        report = _against(report, locations, Path(args.against))
    if args.json:
        bad = report.bad_entry
        out = {
            "ok": report.ok,
            "entries": report.entries,
            "packs": report.packs,
            "problems": list(report.problems),
            "notes": list(report.notes),
            "bad_entry": None
            if bad is None
            else {"line": bad.line, "seq": bad.line, "action": bad.action, "at": bad.at, "why": bad.why},
        }
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    else:
        print(report.text())
    return 0 if report.ok else 1


def _against(report: IntegrityReport, locations: Locations, source: Path) -> IntegrityReport:
    """The report with the comparison against a backup's or an export's anchor added."""
    from deskapp.anchor import AnchorError, compare, read_anchor
    from deskapp.record_guard import load_chain_key

    if not source.exists() and (locations.backups / source.name).is_dir():
        source = locations.backups / source.name
    try:
        anchor = read_anchor(source)
    except AnchorError as exc:
        return replace(report, problems=(*report.problems, str(exc)))
    found = compare(locations.journal, anchor, load_chain_key(locations))
    note = f"与 {anchor.source} 的锚点（第 {anchor.entry_no} 条）一致：此前的历史没有被改写。"
    return replace(report, problems=(*report.problems, *found), notes=report.notes + (() if found else (note,)))


def cmd_recover(args: argparse.Namespace) -> int:
    """A supervisor deals with a record that failed verification (see deskapp.record_guard)."""
    import getpass

    from deskapp.auth import NotAllowed, require_supervisor
    from deskapp.record_guard import recover

    desk = open_desk(args.data)
    pin = args.pin or (getpass.getpass("科室负责人 PIN：") if sys.stdin.isatty() else "")
    try:
        supervisor = require_supervisor(desk.config, args.by, pin).name
        done = recover(desk.store, supervisor)
    except (NotAllowed, JournalError) as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(done.text())
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    """``deskapp backup``: make a backup (``--to`` a folder), or ``--list`` them."""
    desk = open_desk(args.data)
    if args.list:
        for path in list_backups(Path(args.to) if args.to else desk.locations.backups):
            print(path)
        return 0
    try:
        backup = make_backup(desk, Path(args.to) if args.to else None, actor=args.by)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(describe(backup))
    desk.store.close()
    return 0


def cmd_restore(args: argparse.Namespace) -> int:
    """``deskapp restore``: replace the data folder's record by a verified backup (the old one kept aside)."""
    desk = open_desk(args.data)
    try:
        restored = restore_backup(desk, args.source, args.by)
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"已从 {restored.source} 恢复 {restored.entries} 条记录。恢复前的文件保存在 {restored.aside}。")
    return 0


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``check``, ``recover``, ``backup`` and ``restore`` to the CLI's sub-commands."""
    p = sub.add_parser("check", help="校验记录：哈希链、收件编号唯一且连续、数据可读；有问题时退出码非 0")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--by", default=CLI_ACTOR, metavar="姓名", help="记入校验结果的操作人")
    p.add_argument(
        "--against",
        metavar="备份或导出文件",
        help="与备份文件夹或导出文件（.xlsx/.docx）中的记录锚点比对：此前的历史是否被改写",
    )
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("recover", help="科室负责人处理校验未通过的记录：损坏部分另存并截去，或确认被改动的条目")
    p.add_argument("--by", required=True, metavar="姓名", help="科室负责人姓名")
    p.add_argument("--pin", metavar="PIN", help="科室负责人 PIN（不给时在终端询问）")
    p.set_defaults(func=cmd_recover)

    p = sub.add_parser("backup", help="备份数据文件夹（记录、设置、密钥）")
    p.add_argument("--to", metavar="文件夹", help="备份到此文件夹（默认数据文件夹下的 backups/）")
    p.add_argument("--list", action="store_true", help="列出已有备份")
    p.add_argument("--by", default=CLI_ACTOR, metavar="姓名", help="记入备份记录的操作人")
    p.set_defaults(func=cmd_backup)

    p = sub.add_parser("restore", help="从备份恢复（先校验备份，拒绝损坏的；原有文件另存，不会删除）")
    p.add_argument("source", metavar="备份", help="备份文件夹（路径，或 backups/ 下的名称）")
    p.add_argument("--by", default=CLI_ACTOR, metavar="姓名", help="记入恢复记录的操作人")
    p.set_defaults(func=cmd_restore)
