"""``deskapp read FILE|FOLDER…``: what the desk reads from a unit's electronic copies.

Every file of a folder is read by content. Prints each file's kind, fingerprint, pages,
fields, tables and problems, then one line on what the folder holds (``--json`` for scripts). With ``--pack`` it also shows what would change on that pack; with ``--accept``
and ``--clerk`` it saves the accepted values and the files' fingerprints. Exits 1 when a
file could not be read.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from deskapp.readers import FileReport, read_folder
from deskapp.readers.folder import Summary
from deskapp.readers.report import human_size

PRIVATE = ("身份证号", "联系电话")


def mask(label: str, value: Any) -> str:
    """Personal data shown masked in the listing (the JSON output keeps it whole)."""
    text = str(value)
    if label in PRIVATE and len(text) > 8:
        return text[:4] + "*" * (len(text) - 8) + text[-4:]
    return text


def _print_report(report: FileReport) -> None:
    print(f"{report.name}  [{report.kind_label}]  {human_size(report.size)}  SHA-256 {report.sha256 or '—'}")
    if report.pages is not None:
        print(f"  页数：{report.pages}")
    for label, value in report.fields.items():
        text = mask(label, value)
        if "\n" in text or len(text) > 60:
            print(f"  {label}：")
            for line in text.splitlines():
                print(f"      {line}")
        else:
            print(f"  {label}：{text}")
    for name, rows in report.tables.items():
        print(f"  {name}（{len(rows)} 行）")
        for row in rows:
            print("    " + " | ".join(mask(k, v).replace("\n", " ") for k, v in row.items()))
    for problem in report.problems:
        print(f"  ！{problem}")


def cmd_read(args: argparse.Namespace) -> int:
    reports, summary = read_folder(args.files, isolated=not args.in_process)
    if not reports:
        print("没有找到文件（文件夹是空的，或只有隐藏文件、系统文件）", file=sys.stderr)
        return 1
    result = 0 if all(r.readable for r in reports) else 1
    if args.pack:
        return max(result, _with_pack(args, reports, summary))
    if args.json:
        sys.stdout.write(json.dumps([r.to_json() for r in reports], ensure_ascii=False) + "\n")
    else:
        for report in reports:
            _print_report(report)
        if len(reports) > 1:
            print(f"\n{summary.text()}")
    return result


def _with_pack(args: argparse.Namespace, reports: list[FileReport], summary: Summary) -> int:
    from deskapp.cli import find_pack
    from deskapp.readers.prefill import apply, current_values, propose
    from deskapp.service import open_desk

    desk = open_desk(args.data)
    pack = find_pack(desk, args.pack)
    if pack is None:
        return 1
    prefill = propose(pack.kind, current_values(pack), reports, desk.config.round.sectors, pack=pack)
    saved = None
    if args.accept is not None:
        if not args.clerk or (desk.config.staff and desk.config.staff_member(args.clerk) is None):
            print("保存需要 --clerk，且须是人员名单中的人", file=sys.stderr)
            return 2
        wanted = None if args.accept in ("all", "全部") else set(filter(None, args.accept.split(",")))
        accepted = [p for p in prefill.proposals if wanted is None or p.path in wanted]
        saved = apply(desk.store, pack.id, accepted, reports, args.clerk)
    if args.json:
        doc: dict[str, Any] = {
            "files": [r.to_json() for r in reports],
            "summary": {**summary.__dict__, "text": summary.text()},
            "proposals": [p.__dict__ for p in prefill.proposals],
            "notes": prefill.notes,
        }
        if saved is not None:
            doc["flags"] = [f.__dict__ for f in desk.store.assess(saved).flags]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    for report in reports:
        _print_report(report)
    print(f"\n{summary.text()}")
    print(f"\n{pack.receipt_no}  {pack.name}：")
    for p in prefill.proposals:
        chosen = saved is not None and (args.accept in ("all", "全部") or p.path in args.accept.split(","))
        mark = "  已保存" if chosen else ""
        print(f"  {p.label}（{p.path}）：{_short(p.current)} → {_short(p.found)}  〔{p.source}〕{mark}")
    if not prefill.proposals:
        print("  文件内容与本件登记一致，没有要改的栏目")
    for note in prefill.notes:
        print(f"  ！{note}")
    if saved is not None:
        print(f"已保存。结论：{desk.store.assess(saved).summary()}")
    return 0


def _short(value: Any) -> str:
    text = "—" if value in (None, "") else str(value).replace("\n", " ")
    return text if len(text) <= 30 else text[:29] + "…"


def add_commands(sub: Any) -> None:
    p = sub.add_parser("read", help="读取单位的电子版（附件1/2/3 的 .docx/.xlsx、PDF、扫描图片），显示读出的内容")
    p.add_argument(
        "files", nargs="+", metavar="FILE", help="文件或文件夹（文件夹读取其中全部文件，按内容识别，不看扩展名）"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--pack", metavar="RECEIPT", help="与这件申报材料对照：显示将要修改的栏目和交叉核对")
    p.add_argument(
        "--accept", metavar="all|PATHS", help="与 --pack 一起：保存全部（all）或逗号分隔的栏目，如 name,members"
    )
    p.add_argument("--clerk", help="保存时的操作人")
    p.add_argument("--in-process", action="store_true", help="在本进程内读取（默认在受限的子进程中读取）")
    p.set_defaults(func=cmd_read)
