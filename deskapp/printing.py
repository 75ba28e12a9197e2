"""Issuing slips and notices: render, print (through :mod:`deskapp.cups`), record.

:func:`issue` never raises for what can go wrong at a counter (no printer, ``lp`` missing,
a job refused, a full disk, a store that cannot be written): it returns an
:class:`IssueResult` whose ``message`` the desk shows as it is. A document that could not
be printed is saved as PDF in the outbox (``Locations.outbox``) and the message says where.
Every copy made — printed, saved to a file, or failed — is pushed onto the pack's
``prints`` list with one journal entry (action ``print``), so reprints are counted from
there and marked 补打.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from deskapp.auth import NotAllowed
from deskapp.cups import PrinterResult, send_to_printer
from deskapp.journal import JournalError
from deskapp.models import DOC_LABELS, Pack
from deskapp.office_secret import SecretError
from deskapp.outcomes import OutcomeError, default_due
from deskapp.receipt_qr import signer_for
from deskapp.rules import is_late, missing_items
from deskapp.service import Desk, atomic_write
from deskapp.slip_layout import render
from deskapp.slips import Document, Reprint, SlipError, late_document, notice_document, slip_document
from deskapp.supplement_act import SupplementAct, current_act, issue_supplement, item_arrivals
from deskapp.timeutil import day_cn, iso, to_beijing


@dataclass(frozen=True)
class IssueResult:
    """One copy of a slip or notice: made or not, and what the clerk is told."""

    ok: bool
    """The copy reached the printer (or the file asked for)."""
    message: str
    doc: str = "slip"
    copy: int = 1
    """1 for the first copy, 2 for the first reprint, ..."""
    path: Path | None = None
    """Where the PDF was written (``--out`` file, or the outbox after a failed print)."""
    printer: str = ""
    job: str = ""
    recorded: bool = True
    """False when the history entry could not be written (the message says so)."""
    pdf: bytes = b""


# -- issuing a document ------------------------------------------------------------------------


class PrintBusy(RuntimeError):
    """A copy of the same paper of the same pack is being made right now (here or at another desk)."""


@contextmanager
def one_copy_at_a_time(desk: Desk, pack: Pack, doc: str) -> Iterator[None]:
    """Hold the right to make the next copy of ``doc`` of ``pack``; :class:`PrintBusy` when taken.

    A file lock under the data folder, so a second press while the first copy is still being
    made (``p p``, two desks, the CLI beside the desk) never makes a second original: the
    copy number is decided and recorded while the lock is held.
    """
    folder = desk.locations.data / ".printing"
    folder.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(folder / f"{pack.id}-{doc}.lock"), timeout=0)
    try:
        lock.acquire()
    except Timeout:
        raise PrintBusy(doc) from None
    try:
        yield
    finally:
        lock.release()


def paper_of(desk: Desk, pack: Pack, doc: str) -> str:
    """The paper a request for ``doc`` makes: a late pack's notice is the 逾期告知书 (``late``)."""
    if doc == "notice" and is_late(desk.config.round, pack):
        return "late"
    return doc


def copies_made(pack: Pack, doc: str, act: str = "") -> int:
    """Copies of ``doc`` already made; for a notice only those of the 补正 ``act``."""
    return sum(
        1
        for p in pack.prints
        if isinstance(p, dict) and p.get("doc", "slip") == doc and (not act or p.get("act") == act)
    )


def build_document(
    desk: Desk,
    pack: Pack,
    doc: str,
    clerk: str,
    now: datetime,
    reprint: Reprint | None,
    deadline: date | None = None,
    act: SupplementAct | None = None,
) -> tuple[Document, Document | None]:
    """The applicant's copy and, when configured for slips, the counterfoil.

    ``doc``: ``slip``, ``notice`` (a late pack's becomes the 逾期告知书) or ``late``. A notice
    prints the 补正 ``act`` (default: the one standing on the pack, else a preview of what
    :func:`deskapp.supplement_act.issue_supplement` would record).
    """
    payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
    paper = paper_of(desk, pack, doc)
    if paper == "late":
        return late_document(desk.config, pack, payload, issued_at=now, clerk=clerk, reprint=reprint), None
    if doc == "notice":
        act = act or current_act(desk.store, pack)
        missing: list[str] | None = None
        if act is not None:
            missing, deadline = list(act.missing), date.fromisoformat(act.due)
        elif deadline is None:
            deadline = default_due(desk.store).day
        return notice_document(
            desk.config, pack, payload, issued_at=now, clerk=clerk, deadline=deadline, reprint=reprint, missing=missing
        ), None
    verdict = desk.store.assess(pack)
    arrivals = item_arrivals(desk.store, pack)
    main = slip_document(
        desk.config, pack, verdict, payload, reprint=reprint, clerk=clerk, issued_at=now, arrivals=arrivals
    )
    stub = None
    if desk.config.slip.counterfoil:
        stub = slip_document(
            desk.config,
            pack,
            verdict,
            payload,
            copy_label="存根",
            reprint=reprint,
            clerk=clerk,
            issued_at=now,
            arrivals=arrivals,
        )
    return main, stub


def render_for(
    desk: Desk,
    pack: Pack,
    doc: str,
    clerk: str,
    *,
    deadline: date | None = None,
    now: datetime | None = None,
    act: SupplementAct | None = None,
) -> tuple[bytes, int]:
    """The PDF of the next copy of ``doc`` for ``pack`` and its copy number (raises SlipError).

    Records nothing (a preview); :func:`issue` is the act.
    """
    moment = to_beijing(now or desk.store.clock())
    paper = paper_of(desk, pack, doc)
    if paper == "notice" and act is None:
        act = current_act(desk.store, pack)
    copy = copies_made(pack, paper, act.act if act is not None and paper == "notice" else "") + 1
    reprint = Reprint(copy - 1, moment) if copy > 1 else None
    main, stub = build_document(desk, pack, doc, clerk, moment, reprint, deadline, act)
    return render(main, desk.config.slip.paper, stub, created=moment), copy


def job_title(pack: Pack, doc: str, copy: int) -> str:
    """The print job's name (ASCII: queues and PDF printers name files after it)."""
    safe = re.sub(r"[^0-9A-Za-z\-]", "_", pack.receipt_no)
    return f"{safe}-{doc}-{copy}"


def _file_name(pack: Pack, doc: str, copy: int, moment: datetime) -> str:
    return f"{job_title(pack, doc, copy)}-{moment.strftime('%Y%m%d-%H%M%S')}.pdf"


def staff_fault(desk: Desk, clerk: str) -> str:
    """Why ``clerk`` cannot sign a paper (empty when they can): every paper names a staff member."""
    clerk = (clerk or "").strip()
    if not clerk:
        return "请指明经办人（人员名单中的姓名），文书上须有经办人签名。"
    if desk.config.staff and desk.config.staff_member(clerk) is None:
        names = "、".join(s.name for s in desk.config.staff)
        return f"“{clerk}”不在人员名单中（{names}）：文书的经办人须是名单中的工作人员。"
    return ""


def issue(
    desk: Desk,
    pack: Pack,
    clerk: str,
    doc: str = "slip",
    *,
    to_printer: bool = True,
    out: Path | None = None,
    deadline: date | None = None,
    printer: str | None = None,
) -> IssueResult:
    """Make the next copy of ``doc`` (``slip`` / ``notice``) of ``pack``: to ``out``, to the printer, or both.

    ``out`` is a PDF file to write, or a folder to write it into under a name of its own.
    A notice is the 补正 act (:func:`deskapp.supplement_act.issue_supplement` records the 补正 the
    first time; ``deadline`` is its due date); a late pack's notice is the 逾期告知书. The copy
    number is decided under :func:`one_copy_at_a_time`: the first copy is the original, later
    ones 补打; a press while a copy is being made is refused, not a second original.
    ``printer``: the counter's printer (:mod:`deskapp.counters`); None = ``[slip] printer``.

    Never raises for a counter's troubles; see the module's docstring.
    """
    label = DOC_LABELS.get(doc, doc)
    fault = staff_fault(desk, clerk)
    if fault:
        return IssueResult(False, fault, doc, recorded=False)
    clerk = clerk.strip()
    try:
        with one_copy_at_a_time(desk, pack, doc):
            return _issue(desk, pack, clerk, doc, to_printer, out, deadline, printer)
    except PrintBusy:
        return IssueResult(
            False,
            f"{pack.receipt_no} 的{label}正在生成或打印，这一份完成前不会再出一份。需要再打一份请稍后再按。",
            doc,
            recorded=False,
        )
    except OSError as exc:
        return IssueResult(False, f"{label}没有生成：无法取得打印锁（{exc.strerror or exc}）", doc, recorded=False)


def _issue(
    desk: Desk,
    pack: Pack,
    clerk: str,
    doc: str,
    to_printer: bool,
    out: Path | None,
    deadline: date | None,
    printer: str | None = None,
) -> IssueResult:
    moment = to_beijing(desk.store.clock())
    act: SupplementAct | None = None
    notes: list[str] = []
    try:
        desk.store.refresh()
        pack = desk.store.get(pack.id)  # the latest prints, if another desk printed meanwhile
        paper = paper_of(desk, pack, doc)
        label = DOC_LABELS.get(paper, paper)
        if paper == "notice":
            if current_act(desk.store, pack) is None and not missing_items(desk.config.round, pack):
                raise SlipError(f"{pack.receipt_no} 清单所列材料齐全，无需出具补正告知书。")
            act = issue_supplement(desk.store, pack.id, clerk, due=deadline)
            pack = act.pack
            if act.recorded_now:
                notes.append(f"已登记补正（截止 {day_cn(act.due)}）")
            if act.warning:
                notes.append(act.warning)
        pdf, copy = render_for(desk, pack, paper, clerk, now=moment, act=act)
    except (SlipError, SecretError, OutcomeError, NotAllowed) as exc:
        return IssueResult(False, str(exc), doc, recorded=False)
    except (OSError, ValueError, RuntimeError) as exc:
        return IssueResult(False, f"{DOC_LABELS.get(doc, doc)}生成失败：{exc}", doc, recorded=False)
    what = f"{label}（补打第{copy - 1}次）" if copy > 1 else label
    record: dict[str, Any] = {"doc": paper, "copy": copy, "at": iso(moment), "by": clerk}
    if act is not None:
        record["act"] = act.act
        record["due"] = act.due
    path: Path | None = None
    problems: list[str] = []
    done: list[str] = []
    if out is not None and out.is_dir():
        out = out / _file_name(pack, paper, copy, moment)
    if out is not None:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(out, pdf)
            path = out
            record["file"] = str(out)
            done.append(f"已保存到 {out}")
        except OSError as exc:
            problems.append(f"无法写入 {out}：{exc.strerror or exc}")
    sent = PrinterResult(False)
    if to_printer:
        sent = _send(pdf, desk.config.slip.printer if printer is None else printer, job_title(pack, paper, copy))
        record["printer"] = sent.printer
        if sent.ok:
            record["job"] = sent.job
            done.append(f"已发送到打印机 {sent.printer}".rstrip())
        else:
            problems.append(f"打印机不可用（{sent.error}）")
    if problems and path is None:
        path = _save_to_outbox(desk, pdf, _file_name(pack, paper, copy, moment), problems)
        if path is not None:
            record["file"] = str(path)
    ok = not problems
    record["ok"] = ok
    if problems:
        record["error"] = "；".join(problems)
    if ok:
        message = f"{pack.receipt_no} {what}：" + "，".join(notes + done)
    else:
        message = "；".join(notes + problems) + (f"，{what}已保存到 {path}" if path is not None else "，也无法保存 PDF")
    recorded = True
    try:
        desk.store.update(
            pack.id,
            {},
            clerk,
            action="print",
            push={"prints": record},
            data={
                k: v for k, v in record.items() if k in ("doc", "copy", "ok", "printer", "job", "file", "error", "due")
            },
            reason=f"{'打印' if to_printer else '生成'}{what}",
        )
    except JournalError as exc:
        recorded = False
        message += f"。注意：打印记录未能保存（{exc}）"
    return IssueResult(ok, message, paper, copy, path, sent.printer, sent.job, recorded, pdf)


def _send(pdf: bytes, printer: str, title: str) -> PrinterResult:
    handle, name = tempfile.mkstemp(prefix="desk-print-", suffix=".pdf")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(pdf)
        return send_to_printer(Path(name), printer, title)
    except OSError as exc:
        return PrinterResult(False, printer, error=f"无法准备打印文件：{exc.strerror or exc}")
    finally:
        if sys.platform != "win32":  # Windows' print verb reads the file after we return
            with suppress(OSError):
                os.unlink(name)


def _save_to_outbox(desk: Desk, pdf: bytes, name: str, problems: list[str]) -> Path | None:
    try:
        path = desk.locations.outbox / name
        atomic_write(path, pdf)
        return path
    except OSError as exc:
        problems.append(f"无法保存到待打印文件夹：{exc.strerror or exc}")
        return None
