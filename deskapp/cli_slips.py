"""``deskapp slip`` / ``deskapp notice`` / ``deskapp verify``: slips, notices and scanned QR codes."""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from deskapp.cli import find_pack
from deskapp.office_secret import SecretError
from deskapp.receipt_qr import read_scan
from deskapp.service import open_desk
from deskapp.timeutil import show

# Who a command-line action is recorded as when --clerk is not given.
CLI_ACTOR = "命令行"


def _cmd_document(args: argparse.Namespace, doc: str) -> int:
    from deskapp.printing import issue  # fpdf2 takes a second to import: only when a PDF is made

    desk = open_desk(args.data)
    pack = find_pack(desk, args.receipt_no)
    if pack is None:
        return 1
    deadline: date | None = None
    due = getattr(args, "due", None)
    if getattr(args, "by", None):
        print("提示：--by 已改名为 --due（--by 在其他命令中表示操作人）。", file=sys.stderr)
        due = due or args.by
    if due:
        try:
            deadline = date.fromisoformat(due)
        except ValueError:
            print(f"--due 不是有效日期：{due!r}（例：2026-06-22）", file=sys.stderr)
            return 2
    if not (args.clerk or "").strip():
        print("请用 --clerk 指明经办人（人员名单中的姓名）：文书上须有经办人签名。", file=sys.stderr)
        return 2
    out = Path(args.out) if args.out else None
    if out is None and not args.print:
        out = desk.locations.outbox
    result = issue(desk, pack, args.clerk, doc, to_printer=args.print, out=out, deadline=deadline)
    print(result.message, file=sys.stdout if result.ok else sys.stderr)
    return 0 if result.ok else 1


def cmd_slip(args: argparse.Namespace) -> int:
    """``deskapp slip``: the next copy of the 受理回执 (:func:`deskapp.printing.issue`); exit 1 when not made."""
    return _cmd_document(args, "slip")


def cmd_notice(args: argparse.Namespace) -> int:
    """``deskapp notice``: the 补正告知书 (recording the 补正 the first time), or a late pack's 逾期告知书."""
    return _cmd_document(args, "notice")


def cmd_verify(args: argparse.Namespace) -> int:
    """``deskapp verify PAYLOAD``: exit 0 and the pack for a genuine slip code, 1 and the reason (recorded) if refused."""
    desk = open_desk(args.data)
    try:
        outcome = read_scan(desk.store, desk.locations.secret, args.payload, args.clerk or CLI_ACTOR)
    except SecretError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if outcome.pack is None:
        print(f"拒绝：{outcome.message}", file=sys.stderr)
        return 1
    pack = outcome.pack
    verdict = desk.store.assess(pack)
    print(f"真实回执：{pack.receipt_no}")
    print(f"{pack.kind_label} · {pack.unit} · {pack.name}")
    print(f"收件时间：{show(pack.received_at, True)}  受理人：{pack.clerk}  状态：{pack.status_label}")
    print(f"结论：{verdict.summary()}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    """Add ``slip``, ``notice`` and ``verify`` to the CLI's subcommands."""
    for name, func, help_text in (
        ("slip", cmd_slip, "生成受理回执 PDF（--print 送打印机）"),
        ("notice", cmd_notice, "生成补正告知书 PDF（--print 送打印机）"),
    ):
        p = sub.add_parser(name, help=help_text)
        p.add_argument("receipt_no", metavar="收件编号", help="例：ZD2026-GZS-0001")
        p.add_argument(
            "--out", metavar="文件", help="保存为此 PDF 文件（不给 --out 且不打印时保存到待打印文件夹 outbox）"
        )
        p.add_argument("--print", action="store_true", help="送到配置的打印机（slip.printer，空则默认打印机）")
        p.add_argument("--clerk", default="", metavar="姓名", help="经办人（人员名单中的姓名，必填：文书上署其名）")
        if name == "notice":
            p.add_argument(
                "--due",
                metavar="日期",
                help="补正截止日期（例：2026-06-22；默认为 slip.notice_days 个工作日后，节假日顺延）",
            )
            p.add_argument("--by", metavar="日期", help=argparse.SUPPRESS)  # the old name of --due
        p.set_defaults(func=func)
    p = sub.add_parser("verify", help="核验回执二维码内容：真实则显示对应材料（退出码 0），否则拒绝并记录")
    p.add_argument("payload", metavar="二维码内容", help="扫码枪读到的内容")
    p.add_argument("--clerk", default="", metavar="姓名", help=f"记录为谁核验（默认“{CLI_ACTOR}”）")
    p.set_defaults(func=cmd_verify)
