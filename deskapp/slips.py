"""What a receipt slip (受理回执), a 补正告知书 and a 逾期告知书 say, before any layout.

A document is a list of blocks (title, field rows, lists, the QR code, signature lines);
:func:`deskapp.slip_layout.render` lays it out on paper, with the fonts of
:mod:`deskapp.slip_fonts`. What a pack misses and whether it is late come from
:mod:`deskapp.rules` (one place for each rule), never from here.

Nothing here prints, reads the store or records anything: see ``deskapp.printing``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime

from deskapp.config import Config
from deskapp.models import Pack, field_label
from deskapp.rules import Assessment, is_late, missing_items
from deskapp.timeutil import day_cn, show_cn, to_beijing
from deskapp.workdays import add_workdays

# Flags that concern the office, not the courier: never printed on a slip.
INTERNAL_FLAGS = frozenset({"duplicate"})
# Printed for a character the font does not have (rare characters beyond the 20,902 basic ideographs).
MISSING_GLYPH = "〓"
# Characters always in the font subset (digits, Latin, marks the layout itself draws).
BASE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("✓□！：，。（）—·【】〓")


class SlipError(ValueError):
    """A slip or notice that cannot be made; the message is for the clerk."""


# -- the blocks a document is made of ----------------------------------------------------------


@dataclass(frozen=True)
class Block:
    """One piece of a document; which fields it uses depends on ``kind``."""

    kind: str
    """title, subtitle, mark, fields, heading, ticks, box, lines, qr, seal, small, gap"""
    text: str = ""
    rows: tuple[tuple[str, str], ...] = ()
    items: tuple[str, ...] = ()


@dataclass
class Document:
    """What a slip or notice says, before any layout."""

    title: str
    """Also the PDF's title and, through CUPS, the print job's name."""
    blocks: list[Block] = field(default_factory=list)
    qr_payload: str = ""

    def chars(self) -> set[str]:
        """Every character the document prints (the font subsets are cut to these)."""
        found: set[str] = set(BASE_CHARS)
        for block in self.blocks:
            found.update(block.text)
            for label, value in block.rows:
                found.update(label)
                found.update(value)
            for item in block.items:
                found.update(item)
        return found

    def printable(self, covered: frozenset[int] | None) -> Document:
        """The document with every character the font lacks shown as 〓 (a visible gap, never a silent one)."""
        if covered is None:
            return self
        lacking = {ord(c): MISSING_GLYPH for c in self.chars() if ord(c) not in covered and not c.isspace()}
        if not lacking:
            return self
        table = str.maketrans(lacking)
        blocks = [
            Block(
                b.kind,
                b.text.translate(table),
                tuple((label.translate(table), value.translate(table)) for label, value in b.rows),
                tuple(item.translate(table) for item in b.items),
            )
            for b in self.blocks
        ]
        return Document(self.title, blocks, self.qr_payload)


@dataclass(frozen=True)
class Reprint:
    """This copy is a reprint: the ``count``-th one, made at ``at``."""

    count: int
    at: datetime


def received_items(config: Config, pack: Pack, arrivals: Mapping[str, str] | None = None) -> list[str]:
    """Labels of the items received; one brought later carries its own time (``arrivals``: key → time)."""
    arrivals = arrivals or {}
    out = []
    for item in config.round.checklist(pack.kind):
        if pack.checklist.get(item.key):
            when = arrivals.get(item.key)
            out.append(f"{item.label}（{show_cn(when)}补交）" if when else item.label)
    return out


def _deadline_text(config: Config, pack: Pack) -> str:
    if pack.round != config.round.id:
        return f"{pack.round}批次（见当年通知）"
    return f"{show_cn(config.round.deadline)}（北京时间）"


def _headed(name: str, title: str, subtitle: str, payload: str, reprint: Reprint | None) -> Document:
    """A document with its title, subtitle and, on a reprint, the 补打 mark."""
    doc = Document(name, qr_payload=payload)
    doc.blocks.append(Block("title", title))
    doc.blocks.append(Block("subtitle", subtitle))
    if reprint is not None:
        doc.blocks.append(Block("mark", f"补打（第{reprint.count}次）{show_cn(reprint.at)}"))
    return doc


def _office_lines(config: Config) -> Block:
    office = config.office
    lines = []
    if office.address:
        lines.append(f"地址：{office.address}")
    if office.phone:
        lines.append(f"联系电话：{office.phone}")
    return Block("lines", items=tuple(lines))


def _seal(config: Config, clerk: str, issued_at: datetime, courier: str) -> Block:
    """The foot every paper carries: the clerk's name and signature line, the courier's, the seal box.

    ``rows`` are the signature lines; ``text`` the seal box's date. Drawn by the layout's ``seal``.
    """
    rows = (("经办人", f"{clerk}（签字）"), (courier, ""))
    return Block("seal", day_cn(issued_at), rows=rows, items=("受理单位（盖章）",))


def slip_document(
    config: Config,
    pack: Pack,
    verdict: Assessment,
    payload: str,
    *,
    copy_label: str = "申请人联",
    reprint: Reprint | None = None,
    clerk: str = "",
    issued_at: datetime | None = None,
    arrivals: Mapping[str, str] | None = None,
) -> Document:
    """The contents of a 受理回执, exactly what the courier takes away.

    ``clerk`` signs it (default: the clerk who registered the pack); ``arrivals`` (checklist key →
    time) marks items brought by a 补正 / 补充材料 with their own time, while 收件时间 stays the
    pack's original received time.
    """
    office = config.office
    doc = _headed(f"受理回执 {pack.receipt_no}", "申报材料受理回执", f"{office.name}·{copy_label}", payload, reprint)
    add = doc.blocks.append
    if pack.voided:
        add(Block("mark", f"本登记已作废：{pack.void_reason or '见受理台记录'}"))
    # Lateness is the first thing the courier must see: a mark at the top, not a line among the notes.
    if verdict.late:
        add(Block("mark", f"{config.round.late_wording}（截止{show_cn(config.round.deadline)}）"))
    add(Block("qr", payload))
    rows = [
        ("收件编号", pack.receipt_no),
        ("申报类别", pack.kind_label),
        ("申报单位", pack.unit),
        (field_label(pack.kind, "name"), pack.name),
        ("收件时间", f"{show_cn(pack.received_at)}（北京时间）"),
        ("受理人", pack.clerk),
        ("纸质材料", f"{pack.pages}页" if pack.pages is not None else "页数未填"),
        ("电子版", pack.ecopy_medium or ("已收" if pack.checklist.get("ecopy") else "未收")),
        ("申报截止", _deadline_text(config, pack)),
    ]
    add(Block("fields", rows=tuple(rows)))
    received = received_items(config, pack, arrivals)
    missing = verdict.missing_items
    add(Block("heading", "已收材料"))
    add(Block("ticks", items=tuple(received) or ("（无）",)))
    if missing:
        add(Block("heading", "缺少材料（须补交）"))
        add(Block("box", items=tuple(f"□ {label}" for label in missing)))
        add(Block("lines", items=("请补齐上述材料后送回本窗口；补正告知书另行出具。",)))
    else:
        add(Block("lines", items=("清单所列材料齐全。",)))
    notes = [f.text for f in verdict.flags if f.code not in INTERNAL_FLAGS and f.code != "late"]
    if notes:
        add(Block("heading", "提示"))
        add(Block("lines", items=tuple(f"！{text}" for text in notes)))
    add(_office_lines(config))
    add(_seal(config, clerk or pack.clerk, issued_at or pack.received, "送件人（签字）"))
    add(Block("small", "本回执只证明上述材料已于所列时间送达，不代表审核通过。扫描二维码可核验回执真伪。"))
    return doc


def notice_deadline(config: Config, issued_at: datetime) -> date:
    """``slip.notice_days`` working days (State Council schedule, ``[calendar]``) after ``issued_at``."""
    return add_workdays(to_beijing(issued_at).date(), config.slip.notice_days, config.calendar).day


def notice_document(
    config: Config,
    pack: Pack,
    payload: str,
    *,
    issued_at: datetime,
    clerk: str,
    deadline: date | None = None,
    reprint: Reprint | None = None,
    missing: list[str] | None = None,
) -> Document:
    """The 补正告知书: every missing item at once (一次性告知), the date to bring them by.

    ``missing`` and ``deadline`` are those the 补正 recorded (``deskapp.outcomes``); by default what
    the pack misses now and :func:`notice_deadline`. A late pack gets :func:`late_document` instead.
    """
    missing = list(missing) if missing else list(missing_items(config.round, pack))
    if not missing:
        raise SlipError(f"{pack.receipt_no} 清单所列材料齐全，无需出具补正告知书。")
    if is_late(config.round, pack):
        raise SlipError(f"{pack.receipt_no} 逾期送达，{config.round.late_wording}：出具逾期告知书，不出具补正告知书。")
    office = config.office
    by = deadline or notice_deadline(config, issued_at)
    doc = _headed(
        f"补正告知书 {pack.receipt_no}", "申报材料补正告知书", f"收件编号：{pack.receipt_no}", payload, reprint
    )
    add = doc.blocks.append
    add(Block("qr", payload))
    add(Block("lines", items=(f"{pack.unit}：",)))
    name_label = field_label(pack.kind, "name")
    add(
        Block(
            "lines",
            items=(
                (
                    f"你单位于{show_cn(pack.received_at)}报送的{pack.kind_label}申报材料（{name_label}：{pack.name}），"
                    f"经受理窗口核对，尚缺下列{len(missing)}项材料，现一次性告知如下："
                ),
            ),
        )
    )
    add(Block("box", items=tuple(f"{n}. {label}" for n, label in enumerate(missing, 1))))
    add(
        Block(
            "lines",
            items=(
                f"请于{day_cn(by)}前补齐上述材料，送至{office.name}受理窗口，并出示本告知书。",
                f"本批次申报截止时间：{_deadline_text(config, pack)}。",
            ),
        )
    )
    add(_office_lines(config))
    add(Block("gap"))
    add(_seal(config, clerk, issued_at, "送件人签收"))
    return doc


def late_document(
    config: Config, pack: Pack, payload: str, *, issued_at: datetime, clerk: str, reprint: Reprint | None = None
) -> Document:
    """The 逾期告知书 of a pack received after the deadline: 逾期 — 视为放弃 (notice, section 三.3).

    States the time received and the deadline; asks for nothing (a late pack gets no 补正).
    """
    doc = _headed(
        f"逾期告知书 {pack.receipt_no}", "申报材料逾期告知书", f"收件编号：{pack.receipt_no}", payload, reprint
    )
    add = doc.blocks.append
    add(Block("mark", config.round.late_wording))
    add(Block("qr", payload))
    add(Block("lines", items=(f"{pack.unit}：",)))
    name_label = field_label(pack.kind, "name")
    add(
        Block(
            "lines",
            items=(
                (
                    f"你单位报送的{pack.kind_label}申报材料（{name_label}：{pack.name}）于{show_cn(pack.received_at)}"
                    f"（北京时间）送达，晚于本批次申报截止时间{show_cn(config.round.deadline)}（北京时间）。"
                ),
                (
                    f"依照《关于开展{config.round.name}工作的通知》“对逾期未上报申报材料的单位视为放弃”的规定，"
                    f"该申报{config.round.late_wording}。"
                ),
                f"所送材料已登记备查（收件编号{pack.receipt_no}），特此告知。",
            ),
        )
    )
    add(
        Block(
            "fields",
            rows=(
                ("收件时间", f"{show_cn(pack.received_at)}（北京时间）"),
                ("申报截止", f"{show_cn(config.round.deadline)}（北京时间）"),
                ("受理人", pack.clerk),
            ),
        )
    )
    add(_office_lines(config))
    add(Block("gap"))
    add(_seal(config, clerk, issued_at, "送件人签收"))
    return doc
