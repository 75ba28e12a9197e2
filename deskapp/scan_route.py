"""What a line read at the counter is, decided in one place (the scanner's own route).

A line is what a keyboard-wedge scanner (or a clerk) typed before CR, LF, CR LF or Tab on the
main screen, in its list or on a pack screen, or a scanner's burst on any other screen or dialog
(``screens/scanning.py`` recognises both). :func:`read_line` tells what it is and finds the
pack; the screens only show the answer and open the pack:

- a slip's QR payload (``ZD2026GZS0001U…``): verified; genuine opens its pack, refused
  (altered, truncated, another office's) opens nothing and is recorded in the journal
  (``receipt_qr.read_scan``);
- the second printed line under the QR code alone (``U`` + 18 characters): the pack whose
  slip carries it;
- a receipt number, with or without dashes, any case, full width (``ZD2026XM0001``, the first
  printed line under the QR code);
- anything else is a search (receipt number, unit, name, leader, pinyin initials): exactly one
  match opens it, several are listed.

Every line read is appended to the scan log (``data/logs/scans.jsonl``: time, clerk, the line
as read, what it did), so the office can answer "was this slip scanned, and what opened?".
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from deskapp.numbering import normalise_scan, parse_receipt
from deskapp.office_secret import SecretError
from deskapp.receipt_qr import (
    CODE_LEN,
    SEPARATOR,
    find_by_code,
    find_pack,
    normalise,
    read_scan,
    receipt_key,
    signer_for,
)
from deskapp.timeutil import iso

if TYPE_CHECKING:
    from deskapp.service import Desk

_CODE_LINE = re.compile(rf"{SEPARATOR}[0-9A-Z]{{{CODE_LEN}}}")


@dataclass(frozen=True)
class ScanVerdict:
    """What one line read turned out to be.

    ``kind``: ``empty``, ``payload`` (slip QR payload), ``code`` (second printed line),
    ``receipt`` (receipt number), ``search``, ``unread`` (not read: see :func:`not_taken`).
    ``outcome``: ``opened``, ``refused``, ``not_found``, ``several``, ``nothing`` or
    ``not_taken`` (a scan arrived where none may open a pack: a dialog, the sign-in screen).
    """

    text: str
    kind: str
    outcome: str
    pack_id: int | None = None
    receipt_no: str = ""
    message: str = ""
    severity: Literal["information", "warning", "error"] = "information"
    """``information`` / ``warning`` / ``error``, as Textual's notify takes it."""
    matches: int = 0
    recorded: bool = False
    """The refusal was recorded in the journal (``scan_refused``)."""


def read_line(desk: Desk, text: str, actor: str) -> ScanVerdict:
    """Read ``text`` (terminator stripped) and find its pack; refusals of slip codes are recorded.

    Never raises for any text; a damaged secret file is reported in the verdict's message.
    """
    wanted = normalise_scan(text)
    if not wanted:
        return ScanVerdict(text, "empty", "nothing")
    try:
        signer = signer_for(desk.locations.secret)
    except SecretError as exc:
        signer = None
        secret_problem = str(exc)
    else:
        secret_problem = ""
    packed = normalise(text)
    if signer is not None and signer.verify(text).code not in ("empty", "not_desk_code"):
        outcome = read_scan(desk.store, desk.locations.secret, text, actor)
        if outcome.pack is not None:
            return _opened(text, "payload", outcome.pack.id, outcome.pack.receipt_no, outcome.message)
        return ScanVerdict(
            text,
            "payload",
            "refused",
            message=outcome.message + "没有打开任何材料，本次扫码已记录。",
            severity="error",
            recorded=True,
        )
    if signer is not None and _CODE_LINE.fullmatch(packed):
        pack = find_by_code(desk.store, signer, packed[1:])
        if pack is not None:
            return _opened(text, "code", pack.id, pack.receipt_no, f"回执防伪码对应 {pack.receipt_no}，已打开")
    store = desk.store
    pack = store.by_receipt(wanted) or find_pack(store, receipt_key(wanted))
    if pack is not None:
        return _opened(text, "receipt", pack.id, pack.receipt_no, f"已打开 {pack.receipt_no}")
    if parse_receipt(desk.config.round, wanted) is not None or _dashless_receipt(desk, wanted):
        return ScanVerdict(
            text,
            "receipt",
            "not_found",
            message=f"找不到收件编号 {wanted}：本批次还没有登记这个编号。请核对回执，或按 F2 登记。",
            severity="warning",
        )
    ids = store.search_ids(text, desk.config.round.id)
    if len(ids) == 1:
        receipt_no = store.get(ids[0]).receipt_no
        return _opened(text, "search", ids[0], receipt_no, f"已打开 {receipt_no}")
    if ids:
        return ScanVerdict(
            text, "search", "several", message=f"找到 {len(ids)} 件：按 ↓ 到列表选择，Enter 打开", matches=len(ids)
        )
    message = f"没有找到“{quoted(text)}”。按 F2 登记新材料。"
    if secret_problem:
        message += f"（无法核验回执二维码：{secret_problem}）"
    return ScanVerdict(text, "search", "not_found", message=message, severity="warning")


def looks_like_scan(text: str) -> bool:
    """``text`` is shaped like something a scanner types: a receipt number or a slip code
    (8 or more letters, digits and dashes, with both a letter and a digit)."""
    packed = normalise(text)
    return (
        len(packed) >= 8
        and re.fullmatch(r"[0-9A-Z\-]+", packed) is not None
        and any(c.isdigit() for c in packed)
        and any(c.isalpha() for c in packed)
    )


QUOTE_LEN = 40
"""At most this many characters of a line read are quoted in a message (the scan log keeps it whole)."""


def quoted(text: str, limit: int = QUOTE_LEN) -> str:
    """``text`` stripped, cut to ``limit`` characters with its length said (a 6000-character junk
    line must not fill the screen): ``"ABC…（共 6000 个字符）"``."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return f"{text[:limit]}…（共 {len(text)} 个字符）"


_RECEIPT_SHAPE = r"[A-Z]{2}\d{4}[A-Z]{2,4}\d{3,6}"
_DESK_CODE = re.compile(rf"{_RECEIPT_SHAPE}(?:{SEPARATOR}[0-9A-Z]*)?|{SEPARATOR}[0-9A-Z]{{{CODE_LEN}}}")


def looks_like_desk_code(text: str) -> bool:
    """``text`` reads as something printed by a desk: a receipt number (any round, with or without
    dashes, any case), a slip's QR payload (even altered or cut short), or the code line under it.
    Unlike :func:`looks_like_scan` an ID card number or a phone number is not one: this decides
    whether a line typed into a form field is a scan to route rather than data."""
    packed = normalise(text)
    if not re.fullmatch(r"[0-9A-Z\-]+", packed):
        return False
    return _DESK_CODE.fullmatch(packed.replace("-", "")) is not None


def not_taken(text: str, why: str) -> ScanVerdict:
    """A line the desk recognised as a scan but did not read where it arrived (a dialog was open,
    nobody signed in): nothing opened, the clerk told ``why``; it is logged like every line."""
    return ScanVerdict(text, "unread", "not_taken", message=why, severity="warning")


def _opened(text: str, kind: str, pack_id: int, receipt_no: str, message: str) -> ScanVerdict:
    return ScanVerdict(text, kind, "opened", pack_id, receipt_no, message, matches=1)


def _dashless_receipt(desk: Desk, wanted: str) -> bool:
    """``wanted`` is a receipt number of the round typed without its dashes (``ZD2026XM0099``)."""
    round_ = desk.config.round
    for fmt in round_.receipt_formats.values():
        sample = fmt.format(year=round_.year, round=round_.id, seq=1)
        prefix = receipt_key(sample.rstrip("0123456789"))
        if wanted.startswith(prefix) and wanted[len(prefix) :].isdigit():
            return True
    return False


def log_scan(path: Path, verdict: ScanVerdict, actor: str, at: datetime) -> str:
    """Append one line to the scan log (JSON lines: at (ISO, Beijing time), actor, read, kind, outcome,
    receipt, recorded). Returns "" or, when the
    file cannot be written (full disk, no permission), the reason — the scan itself goes on, and
    the journal still holds every refusal."""
    line = {
        "at": iso(at),
        "actor": actor,
        "read": verdict.text,
        "kind": verdict.kind,
        "outcome": verdict.outcome,
        "receipt": verdict.receipt_no,
        "recorded": verdict.recorded,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as handle:
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    except OSError as exc:
        return f"扫码记录写不进 {path}：{exc.strerror or exc}"
    return ""


def read_log(path: Path) -> list[dict[str, Any]]:
    """The scan log's lines, oldest first (empty when there is none yet).

    Read while a desk appends, the last line may be half written; a crash mid-write leaves a line that
    is no JSON. Both are left out (the journal, not this log, is the record), so a reader never fails
    on them."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except FileNotFoundError:
        return []
    lines: list[dict[str, Any]] = []
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict):
            lines.append(entry)
    return lines
