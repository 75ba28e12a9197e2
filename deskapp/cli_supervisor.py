"""Supervisor commands: ``export`` (附件2 xlsx / docx, 台账), ``outcome``, ``details``, ``dashboard``.

Exports and the dashboard are imported inside their commands: openpyxl and python-docx take
a noticeable time to load and every other command (``register`` above all) must start fast.
"""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from deskapp.auth import NotAllowed
from deskapp.cli import _desk as open_from_args
from deskapp.cli import find_pack
from deskapp.models import DETAIL_FIELDS
from deskapp.outcomes import ACTIONS, OutcomeError, needs_supervisor, perform, set_details
from deskapp.store import RegistrationError


def _fail(message: str, code: int = 1) -> int:
    print(message, file=sys.stderr)
    return code


def cmd_export(args: argparse.Namespace) -> int:
    """``deskapp export annex2|annex2-docx|register``: prints the file written; warnings on standard error."""
    from deskapp.exports.annex2 import parse_statuses, plan_annex2, write_annex2
    from deskapp.exports.common import ExportError
    from deskapp.exports.docx import write_annex2_docx
    from deskapp.exports.register import write_register

    desk = open_from_args(args)
    try:
        if args.what == "register":
            result = write_register(desk.store, out=args.out)
        else:
            statuses = parse_statuses(args.status) if args.status else None
            include_late = True if args.include_late else None
            for line in plan_annex2(desk.store, statuses, include_late=include_late).warnings(limit=1000):
                print(f"注意：{line}", file=sys.stderr)  # said before writing; the export goes ahead
            writer = write_annex2 if args.what == "annex2" else write_annex2_docx
            result = writer(desk.store, out=args.out, statuses=statuses, include_late=include_late)
            result.warnings = [w for w in result.warnings if "附件2内容" not in w and "视为放弃" not in w]
    except ExportError as exc:
        return _fail(str(exc))
    print(result.path)
    print(result.message(), file=sys.stderr)
    return 0


def cmd_outcome(args: argparse.Namespace) -> int:
    """``deskapp outcome RECEIPT ACTION``: any act of :data:`deskapp.outcomes.ACTIONS`, PIN asked when needed."""
    desk = open_from_args(args)
    pack = find_pack(desk, args.receipt_no)
    if pack is None:
        return 1
    kwargs: dict[str, Any] = {}
    try:
        pin = args.pin or ""
        if needs_supervisor(desk.store, pack, args.action) and not pin:
            if not sys.stdin.isatty():
                return _fail(f"“{ACTIONS[args.action]}”需要科室负责人 PIN：请用 --pin 提供。", 2)
            pin = getpass.getpass("科室负责人 PIN：")
        if pin:
            kwargs["pin"] = pin
        if args.reason:
            kwargs["reason"] = args.reason
        if args.action in ("supplement_request", "accept_pending"):
            kwargs["due"] = args.due
            if args.missing:
                kwargs["missing"] = args.missing
        if args.action in ("supplement_received", "additional_materials"):  # both: outcomes.receive_items
            kwargs["items"] = args.items or []
            if args.pages is not None:
                kwargs["pages"] = args.pages
        if args.action == "correct":
            kwargs["received_at"] = args.received_at
            kwargs["clerk"] = args.clerk
        if args.action in ("reject", "void", "correct"):
            kwargs.setdefault("reason", "")
        updated = perform(desk.store, pack.id, args.action, args.by, **kwargs)
    except (NotAllowed, OutcomeError, RegistrationError) as exc:
        return _fail(str(exc))
    print(f"{updated.receipt_no}\t{updated.status_label}")
    return 0


def cmd_details(args: argparse.Namespace) -> int:
    """``deskapp details RECEIPT``: the 附件2 long fields from ``--text`` or UTF-8 ``--file``."""
    desk = open_from_args(args)
    pack = find_pack(desk, args.receipt_no)
    if pack is None:
        return 1
    values: dict[str, str] = {}
    values.update(dict(args.text or []))
    for field, file in args.file or []:
        try:
            values[field] = Path(file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            return _fail(f"无法读取 {file}：{exc}（需要 UTF-8 文本文件）")
    if not values:
        return _fail("请用 --text 字段 文字 或 --file 字段 文件 给出内容。", 2)
    try:
        set_details(desk.store, pack.id, args.by, values, reason=args.reason or "")
    except (NotAllowed, OutcomeError, RegistrationError) as exc:
        return _fail(str(exc))
    print(f"{pack.receipt_no}\t已更新：" + "、".join(DETAIL_FIELDS[k] for k in values))
    return 0


def cmd_dashboard(args: argparse.Namespace) -> int:
    """``deskapp dashboard``: the supervisor's counts and chase list (phones masked; whole in ``--json``)."""
    from deskapp.config import KIND_LABELS
    from deskapp.dashboard import STATUS_COLUMNS, bar_chart, build_dashboard

    desk = open_from_args(args)
    board = build_dashboard(desk.store)
    if args.json:
        doc = {
            "round": board.round_id,
            "total": board.total,
            "complete": board.complete,
            "incomplete": board.incomplete,
            "late": board.late,
            "withdrawn": board.withdrawn,
            "voided": board.voided,
            "by_kind_status": board.by_kind_status,
            "by_sector": board.by_sector,
            "arrivals": [[d.isoformat(), n] for d, n in board.arrivals],
            "late_arrivals": board.late_arrivals,
            "annex2_content": [
                {
                    "receipt_no": r.receipt_no,
                    "unit": r.unit,
                    "name": r.name,
                    "complete": r.complete,
                    "origin": r.content.origin,
                    "missing": list(r.content.missing),
                }
                for r in board.annex2_rows
            ],
            "incomplete_packs": [
                {
                    "receipt_no": r.receipt_no,
                    "unit": r.unit,
                    "name": r.name,
                    "missing": list(r.missing),
                    "contact": r.contact,
                    "phone": r.phone,
                    "status": r.status_label,
                    "due": r.due,
                }
                for r in board.incomplete_rows
            ],
        }
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    print(
        f"{board.round_id} 批次  共 {board.total} 件：齐全 {board.complete}，缺件 {board.incomplete}，"
        f"逾期 {board.late}，撤回 {board.withdrawn}，作废 {board.voided}"
    )
    print("按类别：")
    for kind, counts in board.by_kind_status.items():
        shown = "，".join(f"{STATUS_COLUMNS[s]} {n}" for s, n in counts.items() if n) or "尚无"
        print(f"  {KIND_LABELS.get(kind, kind)}（{board.kind_total(kind)} 件）：{shown}")
    if board.by_sector:
        print("按研究领域（不含作废、撤回）：")
        for sector, per_kind in board.by_sector.items():
            print(f"  {sector}：" + "，".join(f"{KIND_LABELS.get(k, k)} {n}" for k, n in per_kind.items()))
    print("每日收件：")
    for line in bar_chart(board.arrivals):
        print(f"  {line}")
    if board.late_arrivals:
        print(f"  截止后收到 {board.late_arrivals} 件")
    print(f"缺件清单（{len(board.incomplete_rows)} 件）：" if board.incomplete_rows else "缺件清单：没有缺件的材料")
    for row in board.incomplete_rows:
        print(f"  {row.receipt_no}\t{row.unit}\t{row.contact} {row.phone_masked}\t缺：{row.missing_text}")
    lacking = board.annex2_lacking
    print(
        f"附件2内容：{len(board.annex2_rows)} 个工作室，齐 {len(board.annex2_rows) - len(lacking)}，缺 {len(lacking)}"
    )
    for studio in lacking:
        print(f"  {studio.receipt_no}\t{studio.unit}\t{studio.name}\t附件2{studio.content.text()}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``export``, ``outcome``, ``details`` and ``dashboard`` to the CLI's subcommands."""
    p = sub.add_parser("export", help="导出 附件2 汇总表（xlsx / docx）或受理台账")
    p.add_argument(
        "what",
        choices=["annex2", "annex2-docx", "register"],
        metavar="内容",
        help="annex2 = 附件2 汇总表（xlsx）、annex2-docx = 附件2 汇总表（Word）、register = 受理台账",
    )
    p.add_argument(
        "--out", metavar="文件", help="导出到此文件（不能已存在）；默认 数据文件夹/exports/ 下带时间的文件名"
    )
    p.add_argument(
        "--status",
        nargs="+",
        metavar="状态",
        help="只导出这些状态（默认：除作废、撤回外全部）：registered accepted supplement accepted_pending "
        "rejected withdrawn voided，或中文 受理 补正 等",
    )
    p.add_argument(
        "--include-late",
        action="store_true",
        help="附件2 也列入逾期（视为放弃）的件；默认不列入，只在“申报情况”表中列明（设置：[export] include_late）",
    )
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("outcome", help="登记结论：受理、补正、容缺受理、不予受理、撤回、补正收到、补充材料、作废、更正")
    p.add_argument("receipt_no", metavar="收件编号", help="例：ZD2026-GZS-0001")
    p.add_argument(
        "action", choices=list(ACTIONS), metavar="操作", help="、".join(f"{k}={v}" for k, v in ACTIONS.items())
    )
    p.add_argument("--by", required=True, metavar="姓名", help="操作人姓名")
    p.add_argument("--pin", metavar="PIN", help="科室负责人 PIN（不给时在终端询问）")
    p.add_argument("--reason", metavar="原因", help="原因（不予受理、作废、更正必填）")
    p.add_argument("--due", metavar="日期", help="补正 / 容缺受理截止日期，例：2026-06-20")
    p.add_argument("--missing", nargs="+", metavar="材料", help="补正所缺材料（默认：受理台判断的全部缺项）")
    p.add_argument("--items", nargs="+", metavar="清单项", help="补正收到 / 补充材料的清单项（key 或名称）")
    p.add_argument("--pages", type=int, metavar="页数", help="补正后的页数")
    p.add_argument("--received-at", metavar="时间", help="更正后的收件时间，例：2026-06-12 10:30")
    p.add_argument("--clerk", metavar="姓名", help="更正后的受理人")
    p.set_defaults(func=cmd_outcome)

    p = sub.add_parser("details", help="填写附件2长文字栏目（获奖情况、工作业绩、单位简介、支持措施、任务目标）")
    p.add_argument("receipt_no", metavar="收件编号", help="例：ZD2026-GZS-0001")
    p.add_argument("--by", required=True, metavar="姓名", help="操作人姓名")
    p.add_argument(
        "--text",
        nargs=2,
        action="append",
        metavar=("字段", "文字"),
        help="字段：" + "、".join(f"{k}={v}" for k, v in DETAIL_FIELDS.items()),
    )
    p.add_argument("--file", nargs=2, action="append", metavar=("字段", "文件"), help="从 UTF-8 文本文件读入")
    p.add_argument("--reason", metavar="原因", help="修改原因（记入历史）")
    p.set_defaults(func=cmd_details)

    p = sub.add_parser("dashboard", help="本批次统计：齐全、缺件、逾期，以及缺件清单")
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.set_defaults(func=cmd_dashboard)
