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
from typing import TYPE_CHECKING, Any

from deskapp.privacy import mask_field
from deskapp.readers import FileReport, read_folder
from deskapp.readers.folder import Summary
from deskapp.readers.report import human_size

if TYPE_CHECKING:
    from deskapp.readers.prefill import Prefill, Proposal


def _print_report(report: FileReport) -> None:
    print(f"{report.name}  [{report.kind_label}]  {human_size(report.size)}  SHA-256 {report.sha256 or '—'}")
    if report.pages is not None:
        print(f"  页数：{report.pages}")
    for label, value in report.fields.items():
        text = mask_field(label, value)
        if "\n" in text or len(text) > 60:
            print(f"  {label}：")
            for line in text.splitlines():
                print(f"      {line}")
        else:
            print(f"  {label}：{text}")
    for name, rows in report.tables.items():
        print(f"  {name}（{len(rows)} 行）")
        for row in rows:
            print("    " + " | ".join(mask_field(k, v).replace("\n", " ") for k, v in row.items()))
    for problem in report.problems:
        print(f"  ！{problem}")


def cmd_read(args: argparse.Namespace) -> int:
    """``deskapp read 文件…``: read files and folders (each file in a limited child process unless
    ``--in-process``) and show what was found, as text or ``--json``; with ``--pack`` compare with a pack
    and, with ``--accept``, save the values chosen. Exit code 0, 1 when a file could not be read or none
    was found."""
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


def chosen_proposals(prefill: Prefill, accept: str) -> tuple[list[Proposal], list[Proposal], list[str]]:
    """What ``--accept`` takes: ``(accepted, held back, errors)``.

    ``all`` (全部) takes every field the files agree on that is empty on the pack; a conflict (the
    files disagree, or the pack holds another value) is taken only when named: ``unit`` takes the
    value shown, ``unit=附件2.xlsx`` the value that file gave. Nothing typed is replaced unnamed.
    """
    by_path = {p.path: p for p in prefill.proposals}
    accepted: dict[str, Proposal] = {}
    errors: list[str] = []
    take_all = False
    for token in filter(None, (t.strip() for t in accept.replace("，", ",").split(","))):
        if token in ("all", "全部"):
            take_all = True
            continue
        path, _, source = token.partition("=")
        proposal = by_path.get(path.strip())
        if proposal is None:
            errors.append(f"没有要改的栏目“{path}”（可选：{'、'.join(by_path) or '无'}）")
            continue
        if source and not proposal.choose_source(source.strip()):
            names = "、".join(c.source for c in proposal.choices)
            errors.append(f"“{source}”没有给出{proposal.label}（给出的文件：{names}）")
            continue
        accepted[proposal.path] = proposal
    if take_all:
        for proposal in prefill.proposals:
            if not proposal.conflict and not proposal.guess:
                accepted.setdefault(proposal.path, proposal)
    held = [p for p in prefill.proposals if p.path not in accepted]
    return list(accepted.values()), held, errors


def _with_pack(args: argparse.Namespace, reports: list[FileReport], summary: Summary) -> int:
    from dataclasses import asdict

    from deskapp.cli import find_pack
    from deskapp.readers.prefill import apply, current_values, propose
    from deskapp.service import open_desk

    desk = open_desk(args.data)
    pack = find_pack(desk, args.pack)
    if pack is None:
        return 1
    prefill = propose(pack.kind, current_values(pack), reports, desk.config.round.sectors, pack=pack)
    saved = None
    accepted: list[Proposal] = []
    if args.accept is not None:
        if not args.clerk or (desk.config.staff and desk.config.staff_member(args.clerk) is None):
            print("保存需要 --clerk，且须是人员名单中的人", file=sys.stderr)
            return 2
        accepted, _, errors = chosen_proposals(prefill, args.accept)
        if errors:
            for error in errors:
                print(error, file=sys.stderr)
            print("未保存。请改正 --accept 后重试。", file=sys.stderr)
            return 2
        saved = apply(desk.store, pack.id, accepted, reports, args.clerk)
    taken = {p.path for p in accepted}
    if args.json:
        doc: dict[str, Any] = {
            "files": [r.to_json() for r in reports],
            "summary": {**summary.__dict__, "text": summary.text()},
            "conflicts": [p.path for p in prefill.conflicts],
            "proposals": [{**asdict(p), "conflict": p.conflict, "saved": p.path in taken} for p in prefill.proposals],
            "notes": prefill.notes,
        }
        if saved is not None:
            doc["flags"] = [f.__dict__ for f in desk.store.assess(saved).flags]
        sys.stdout.write(json.dumps(doc, ensure_ascii=False) + "\n")
        return 0
    conflicts = prefill.conflicts
    if conflicts:
        print(f"{pack.receipt_no}  {pack.name}：文件之间或与登记不一致的栏目（{len(conflicts)} 项，需逐项决定）")
        for p in conflicts:
            print(f"  ！{p.conflict_text()}")
        print("  用 --accept 栏目 采用所示的值，或 --accept 栏目=文件名 采用该文件的值；--accept all 不改这些栏目\n")
    for report in reports:
        _print_report(report)
    print(f"\n{summary.text()}")
    print(f"\n{pack.receipt_no}  {pack.name}：")
    for p in prefill.proposals:
        if p.path in taken:
            mark = "  已保存"
        elif saved is not None and p.conflict:
            mark = "  未保存（有分歧，需指明）"
        else:
            mark = "  ！有分歧" if p.conflict else ("  （据内容推断）" if p.guess else "")
        print(f"  {p.label}（{p.path}）：{_short(p.current)} → {_short(p.found)}  〔{p.source}〕{mark}")
    if not prefill.proposals:
        print("  文件内容与本件登记一致，没有要改的栏目")
    for note in prefill.notes:
        print(f"  ！{note}")
    if saved is not None:
        print(f"已保存 {len(accepted)} 项。结论：{desk.store.assess(saved).summary()}")
    return 0


def _short(value: Any) -> str:
    from deskapp.history_text import words  # only when a pack is compared: every command starts fast

    text = "—" if value in (None, "") else words(value).replace("\n", " ")  # never a Python repr
    return text if len(text) <= 30 else text[:29] + "…"


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``read`` to the ``deskapp`` command line (see :data:`deskapp.cli.COMMAND_MODULES`)."""
    p = sub.add_parser("read", help="读取单位的电子版（附件1/2/3 的 .docx/.xlsx、PDF、扫描图片），显示读出的内容")
    p.add_argument(
        "files", nargs="+", metavar="文件", help="文件或文件夹（文件夹读取其中全部文件，按内容识别，不看扩展名）"
    )
    p.add_argument("--json", action="store_true", help="输出 JSON")
    p.add_argument("--pack", metavar="收件编号", help="与这件申报材料对照：显示将要修改的栏目和交叉核对")
    p.add_argument(
        "--accept",
        metavar="all|栏目",
        help="与 --pack 一起：all 保存文件一致且本件为空的栏目；有分歧的栏目须逐个写出，如 name,unit=附件1.docx",
    )
    p.add_argument("--clerk", metavar="姓名", help="保存时的操作人")
    p.add_argument("--in-process", action="store_true", help="在本进程内读取（默认在受限的子进程中读取）")
    p.set_defaults(func=cmd_read)
