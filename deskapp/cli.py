"""``deskapp``: the desk's command line. Without a subcommand it starts the desk's screen.

Subcommands live in modules listed in ``COMMAND_MODULES``; each has
``add_commands(subparsers)`` and sets ``func(args) -> int`` on its parsers.
The core commands are here. Nothing in this module imports Textual until ``run``.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from typing import Any

from deskapp.cli_parser import DeskArgumentParser
from deskapp.config import KIND_LABELS, ConfigError
from deskapp.journal import JournalError, StoreWriteError
from deskapp.models import Pack
from deskapp.numbering import nearest_receipts
from deskapp.pack_json import pack_json
from deskapp.service import Desk, open_desk
from deskapp.store import RegistrationError
from deskapp.timeutil import parse_time, show

COMMAND_MODULES: tuple[str, ...] = (
    "deskapp.cli_store",
    "deskapp.cli_slips",
    "deskapp.cli_supervisor",
    "deskapp.cli_readers",
    "deskapp.cli_serve",
)

_KIND_ALIASES = {
    "studio": "studio",
    "project": "project",
    **{v: k for k, v in KIND_LABELS.items()},
    "工作室": "studio",
    "项目": "project",
}


def _print_json(value: Any) -> None:
    sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")


def _desk(args: argparse.Namespace) -> Desk:
    desk = open_desk(args.data)
    if desk.store.journal.damage is not None:  # reading goes on over the good part; say so every time
        from deskapp.record_guard import damage_text

        print(damage_text(desk.store.journal), file=sys.stderr)
    return desk


def find_pack(desk: Desk, receipt_no: str) -> Pack | None:
    """The pack with this receipt number, or None after telling the user on stderr, with the
    numbers on file nearest to it (:func:`~deskapp.numbering.nearest_receipts`) when any is near."""
    pack = desk.store.by_receipt(receipt_no)
    if pack is None:
        near = nearest_receipts(receipt_no, desk.store.receipt_numbers())
        hint = f"您是不是要找 {' 或 '.join(near)}？" if near else "请用 deskapp list 查看本批次的编号。"
        print(f"找不到收件编号 {receipt_no.strip()}。{hint}", file=sys.stderr)
    return pack


def cmd_run(args: argparse.Namespace) -> int:
    """``deskapp [run]``: the desk's screen on ``--data``; ``--pin-sign-in`` asks each clerk's own PIN.
    Returns the exit code."""
    from deskapp.app import run_app

    return run_app(args.data, require_pin=getattr(args, "pin_sign_in", False))


def cmd_list(args: argparse.Namespace) -> int:
    """``deskapp list``: the round's packs (``--all-rounds``: every round), newest first, optionally
    filtered by ``--search``; one tab-separated line each (number, time, kind, unit, name, status, what
    is missing) or ``--json``. The count goes to stderr. Exit code 0."""
    desk = _desk(args)
    round_id = None if args.all_rounds else desk.config.round.id
    packs = desk.store.search(args.search, round_id) if args.search else desk.store.packs(round_id)
    if args.json:
        _print_json([pack_json(desk, p) for p in packs])
        return 0
    for p in packs:
        verdict = desk.store.assess(p)
        print(
            f"{p.receipt_no}\t{show(p.received_at)}\t{p.kind_label}\t{p.unit}\t{p.name}\t{p.status_label}\t{verdict.summary()}"
        )
    print(f"共 {len(packs)} 件", file=sys.stderr)
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    """``deskapp show 收件编号``: one pack and its whole history (text or ``--json``); exit code 1 when no
    pack has that number (with the nearest numbers on stderr)."""
    desk = _desk(args)
    pack = find_pack(desk, args.receipt_no)
    if pack is None:
        return 1
    if args.json:
        _print_json(pack_json(desk, pack, history=True))
        return 0
    from deskapp.history_text import record_lines

    print("\n".join(record_lines(desk.config.round, pack, desk.store.assess(pack), desk.store.history(pack.id))))
    return 0


def _register_line(desk: Desk, clerk: str, record: Any, supervisor: str | None) -> dict[str, Any]:
    """Register one JSON line. ``received_at`` and a ``clerk`` other than ``--clerk`` are a
    supervisor's act (a migration of an old 台账): only with ``supervisor`` (PIN already checked)."""
    if not isinstance(record, dict):
        raise RegistrationError("每行应为一个 JSON 对象")
    record = dict(record)
    kind = _KIND_ALIASES.get(str(record.pop("kind", "")))
    if kind is None:
        raise RegistrationError("kind 应为 studio 或 project（人才工作室 / 人才项目）")
    checklist = record.pop("checklist", {}) or {}
    if not isinstance(checklist, dict):
        raise RegistrationError("checklist 应为对象")
    pages = record.pop("pages", None)
    received = record.pop("received_at", None)
    line_clerk = record.pop("clerk", None) or clerk
    if not isinstance(line_clerk, str):
        raise RegistrationError("clerk 应为文字")
    if (received or line_clerk != clerk) and supervisor is None:
        raise RegistrationError(
            "收件时间（received_at）和他人的受理人（clerk）只能由科室负责人登记：请加 --supervisor 姓名 与 PIN"
        )
    if line_clerk != clerk and desk.config.staff and desk.config.staff_member(line_clerk) is None:
        raise RegistrationError(f"受理人 {line_clerk} 不在人员名单中")
    received_at = None
    if received:
        try:
            received_at = parse_time(str(received))
        except ValueError:
            raise RegistrationError(f"received_at 不是有效时间：{received!r}") from None
    distinct = record.pop("distinct_from", []) or []
    supervised = supervisor is not None and (received_at is not None or line_clerk != clerk)
    pack = desk.store.register(
        kind,
        record,
        line_clerk,
        checklist=checklist,
        pages=pages,
        received_at=received_at,
        distinct_from=distinct,
        reason=f"迁移旧台账（科室负责人 {supervisor} 核准）" if supervised else "批量导入",
        supervisor=supervisor if supervised else None,
    )
    doc = pack_json(desk, pack)
    return {
        k: doc[k] for k in ("receipt_no", "id", "kind", "unit", "name", "received_at", "complete", "missing", "flags")
    }


def _line_error(line_no: int, message: str) -> None:
    print(json.dumps({"line": line_no, "error": message}, ensure_ascii=False), file=sys.stderr)


def _supervisor(desk: Desk, args: argparse.Namespace) -> str | None:
    """The supervisor named by ``--supervisor``, after the PIN (``--pin`` or asked); raises NotAllowed."""
    if not args.supervisor:
        return None
    from deskapp.auth import NotAllowed, require_supervisor

    pin = args.pin or ""
    if not pin:  # standard input carries the lines: ask on the terminal itself, if there is one
        import getpass

        try:
            with open("/dev/tty"):
                pass
        except OSError:
            raise NotAllowed("需要科室负责人 PIN：请用 --pin 提供。") from None
        pin = getpass.getpass("科室负责人 PIN：")
    return require_supervisor(desk.config, args.supervisor, pin).name


def cmd_register(args: argparse.Namespace) -> int:
    """``deskapp register --clerk 姓名``: register one pack per JSON line of stdin (UTF-8, a byte-order
    mark allowed), printing one JSON result line each. A bad line is reported on stderr with its number
    and skipped; the others are still registered. Exit code 0, 1 if any line failed, 2 when the clerk is
    not on the staff list or the supervisor's PIN is refused."""
    desk = _desk(args)
    if desk.config.staff and desk.config.staff_member(args.clerk) is None:
        print(f"受理人 {args.clerk} 不在人员名单中（{desk.locations.config}）", file=sys.stderr)
        return 2
    from deskapp.auth import NotAllowed

    try:
        supervisor = _supervisor(desk, args)
    except NotAllowed as exc:
        print(str(exc), file=sys.stderr)
        return 2
    bad = 0
    for line_no, line in enumerate(sys.stdin.buffer, 1):
        raw = line[3:] if line_no == 1 and line.startswith(b"\xef\xbb\xbf") else line  # Notepad's byte-order mark
        if not raw.strip():
            continue
        try:
            result = _register_line(desk, args.clerk, json.loads(raw.decode("utf-8")), supervisor)
        except UnicodeDecodeError:
            bad += 1
            _line_error(line_no, "不是 UTF-8 编码的文字，请另存为 UTF-8 后重试")
            continue
        except json.JSONDecodeError as exc:
            bad += 1
            _line_error(line_no, f"不是有效的 JSON：{exc.msg}")
            continue
        except (RegistrationError, TypeError, ValueError) as exc:
            bad += 1
            _line_error(line_no, str(exc))
            continue
        except StoreWriteError as exc:  # full disk, lock held: this line not saved, later lines may be
            bad += 1
            _line_error(line_no, str(exc))
            continue
        result["line"] = line_no
        _print_json(result)
        sys.stdout.flush()
    return 1 if bad else 0


DATA_HELP = "数据文件夹（依次取：--data、环境变量 DESK_DATA、设置文件、本机默认数据文件夹；deskapp where 显示）"


class _CommandParser(DeskArgumentParser):
    """A subcommand's parser (in Chinese): takes ``--data`` after the subcommand too; given there, it wins."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument("--data", metavar="文件夹", default=argparse.SUPPRESS, help=DATA_HELP)


def cmd_where(args: argparse.Namespace) -> int:
    """``deskapp where [--set 文件夹]``: the data folder in use on stdout, where the choice came from and
    its filesystem on stderr; exit code 2 when it is a network filesystem the desk refuses to write to."""
    from deskapp.locations import Locations, filesystem_of, is_network_fs, write_setting

    if args.set:
        print(f"已写入设置文件：{write_setting(args.set)}", file=sys.stderr)
    locations = Locations.resolve(args.data)
    fstype, point = filesystem_of(locations.data)
    print(locations.data)
    print(f"来源：{locations.source_label}", file=sys.stderr)
    if fstype and is_network_fs(fstype):
        print(
            f"文件系统：{fstype}（网络文件系统，挂载于 {point}）——受理台拒绝在这里写入，"
            "请在存放数据的电脑上运行 deskapp serve。",
            file=sys.stderr,
        )
        return 2
    print(f"文件系统：{fstype or '未知'}（本机）", file=sys.stderr)
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The whole command line, in Chinese: ``where``, ``run``, ``list``, ``show``, ``register`` and the
    subcommands of :data:`COMMAND_MODULES`; each sets ``func`` to its ``cmd_*``."""
    parser = DeskArgumentParser(
        prog="deskapp",
        description="准东开发区人才援疆科 受理台。不带子命令时启动受理台界面。",
    )
    parser.add_argument("--data", metavar="文件夹", help=DATA_HELP)
    parser.set_defaults(func=cmd_run)
    sub = parser.add_subparsers(
        title="子命令", metavar="子命令", help="下列之一；不带子命令时启动受理台界面", parser_class=_CommandParser
    )

    p = sub.add_parser("where", help="显示正在使用的数据文件夹及其来源")
    p.add_argument("--set", metavar="文件夹", help="把此文件夹写入设置文件，作为本机受理台的数据文件夹")
    p.set_defaults(func=cmd_where)

    p = sub.add_parser("run", help="启动受理台界面（默认）")
    p.add_argument("--pin-sign-in", action="store_true", help="每人用自己的 PIN 登录（deskapp serve 的每个会话都这样）")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("list", help="列出本批次的申报材料")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--search", default="", metavar="文字", help="按编号、单位、名称、领衔人或拼音首字母筛选")
    p.add_argument("--all-rounds", action="store_true", help="包括往年批次")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("show", help="显示一件申报材料及其全部历史")
    p.add_argument("receipt_no", metavar="收件编号", help="例：ZD2026-GZS-0001")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("register", help="从标准输入逐行读取 JSON 并登记（迁移旧台账、脚本导入）")
    p.add_argument("--clerk", required=True, metavar="姓名", help="受理人姓名")
    p.add_argument(
        "--supervisor", metavar="姓名", help="科室负责人：行中带 received_at 或他人的 clerk 时必须（迁移旧台账）"
    )
    p.add_argument("--pin", metavar="PIN", help="科室负责人 PIN（不给时在终端询问）")
    p.set_defaults(func=cmd_register)

    for name in COMMAND_MODULES:
        importlib.import_module(name).add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    """The ``deskapp`` entry point: parse ``argv`` (default ``sys.argv[1:]``), run the subcommand and
    return its exit code; a bad configuration is 2 and a damaged journal 3 (message on stderr), Ctrl+C
    130, a usage error exits 2 from argparse."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.func(args) or 0)
    except ConfigError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except JournalError as exc:
        print(str(exc), file=sys.stderr)
        return 3
    except KeyboardInterrupt:
        return 130
