"""Receipt slips (受理回执) and notices to supplement (补正告知书) as PDF.

A document is first built as a list of blocks (title, field rows, lists, the QR code,
signature lines), then laid out on the configured paper: A5 (default), A4, or an 80 mm
thermal roll. With ``counterfoil`` the applicant's copy (申请人联) and the counterfoil
(存根) are both printed: side by side on A4 (landscape), on two pages on A5, one after
the other on a roll.

The Chinese font (WenQuanYi Micro Hei, shipped under ``templates/fonts/``) is embedded,
with fallbacks for what it lacks (Noto Naskh Arabic for Uyghur and Kazakh, shaped by HarfBuzz;
Hanazono cut to CJK Extensions A and B), each subset to the characters the document uses: the subset is cut with HarfBuzz (fast, a few
milliseconds) from the font loaded once per process; without ``uharfbuzz`` fpdf2 loads and
subsets the whole font itself (correct, about half a second slower).

Nothing here prints, reads the store or records anything: see ``deskapp.printing``.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

import qrcode
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import TTFFont
from qrcode.constants import ERROR_CORRECT_M

from deskapp.config import Config
from deskapp.locations import templates_dir
from deskapp.models import Pack, field_label
from deskapp.rules import Assessment, is_late
from deskapp.timeutil import day_cn, show_cn, to_beijing
from deskapp.workdays import add_workdays

FONT_FILE = "wqy-microhei.ttc"
FONT_NAME = "desk"
# Flags that concern the office, not the courier: never printed on a slip.
INTERNAL_FLAGS = frozenset({"duplicate"})
# Paper: (width, height) in mm for one copy; the roll's height is fitted to the content.
PAPER_SIZES: dict[str, tuple[float, float]] = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "80mm": (80.0, 0.0)}
MARGINS: dict[str, float] = {"A5": 10.0, "A4": 16.0, "80mm": 4.0}
# Printed for a character the font does not have (rare characters beyond the 20,902 basic ideographs).
MISSING_GLYPH = "〓"
# Characters always in the font subset (digits, Latin, marks the layout itself draws).
BASE_CHARS = frozenset(chr(c) for c in range(0x20, 0x7F)) | frozenset("✓□！：，。（）—·【】〓")


class SlipError(ValueError):
    """A slip or notice that cannot be made; the message is for the clerk."""


# -- the blocks a document is made of ----------------------------------------------------------


@dataclass(frozen=True)
class Block:
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
        table = str.maketrans(lacking)  # type: ignore[arg-type]
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


def missing_items(config: Config, pack: Pack) -> list[str]:
    """Labels of the required checklist items not received: what the courier must bring."""
    return [i.label for i in config.round.checklist(pack.kind) if i.required and not pack.checklist.get(i.key)]


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
    for flag in verdict.flags:
        if flag.code == "late":
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
    missing = missing_items(config, pack)
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
    missing = list(missing) if missing else missing_items(config, pack)
    if not missing:
        raise SlipError(f"{pack.receipt_no} 清单所列材料齐全，无需出具补正告知书。")
    if pack.round == config.round.id and is_late(config.round, pack):
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
                f"你单位报送的{pack.kind_label}申报材料（{name_label}：{pack.name}）于{show_cn(pack.received_at)}"
                f"（北京时间）送达，晚于本批次申报截止时间{show_cn(config.round.deadline)}（北京时间）。",
                f"依照《关于开展{config.round.name}工作的通知》“对逾期未上报申报材料的单位视为放弃”的规定，"
                f"该申报{config.round.late_wording}。",
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


# -- fonts -------------------------------------------------------------------------------------


class _Face:
    """One shipped font file, loaded once per process (HarfBuzz); cuts subsets of it."""

    def __init__(self, file: str) -> None:
        self.file = file
        self._lock = threading.Lock()
        self._face: object | None = None
        self._path: Path | None = None
        self._coverage: frozenset[int] | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            path = templates_dir() / "fonts" / self.file
            if not path.is_file():
                raise SlipError(f"找不到回执所用的字体 {path}。请重新安装受理台。")
            self._path = path
        return self._path

    def load(self) -> object | None:
        try:
            import uharfbuzz as hb
        except ImportError:  # pragma: no cover - the desk depends on it; kept working without
            return None
        with self._lock:
            if self._face is None:
                self._face = hb.Face(hb.Blob.from_file_path(str(self.path)), 0)
            return self._face

    def coverage(self) -> frozenset[int] | None:
        if self._coverage is None:
            face = self.load()
            if face is None:
                return None
            self._coverage = frozenset(face.unicodes)  # type: ignore[attr-defined]
        return self._coverage

    def subset(self, chars: Iterable[str]) -> bytes | None:
        """A TrueType font holding just ``chars`` (layout tables kept for shaping); None without HarfBuzz."""
        face = self.load()
        if face is None:
            return None
        import uharfbuzz as hb

        spec = hb.SubsetInput()
        # Print needs no hinting; dropping it here spares fpdf2 stripping it glyph by glyph.
        spec.flags = hb.SubsetFlags.NO_HINTING
        for char in chars:
            spec.unicode_set.add(ord(char))
        result = hb.subset(face, spec)
        if result is None:
            return None
        return bytes(result.blob.data)


# The fallbacks, in the order asked: Arabic script (Uyghur, Kazakh), CJK Extension A, Extension B.
FALLBACK_FONTS: tuple[tuple[str, str], ...] = (
    ("desk-ar", "NotoNaskhArabic-Regular.ttf"),
    ("desk-xa", "HanaMinA-ExtA.ttf"),
    ("desk-xb", "HanaMinB-ExtB.ttf"),
)


def needs_shaping(chars: Iterable[str]) -> bool:
    """Arabic script joins its letters and runs right to left: only HarfBuzz shaping prints it right."""
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" or "\ufb50" <= c <= "\ufeff" for c in chars)


class _FontCache:
    """The shipped fonts: WenQuanYi Micro Hei first, then the fallbacks for what it lacks."""

    def __init__(self) -> None:
        self.primary = _Face(FONT_FILE)
        self.fallbacks = [(name, _Face(file)) for name, file in FALLBACK_FONTS]

    @property
    def path(self) -> Path:
        return self.primary.path

    def coverage(self) -> frozenset[int] | None:
        """Code points some shipped font has (None when HarfBuzz is not installed: then not checked)."""
        primary = self.primary.coverage()
        if primary is None:
            return None
        covered = set(primary)
        for _name, face in self.fallbacks:
            covered |= face.coverage() or frozenset()
        return frozenset(covered)

    def plan(self, chars: Iterable[str]) -> list[tuple[str, _Face, set[str]]]:
        """Which font prints which characters: (font name in the PDF, font, its characters).

        The primary always comes first; a fallback only when the text needs it.
        """
        wanted = set(chars)
        primary = self.primary.coverage() or frozenset()
        mine = {c for c in wanted if ord(c) in primary or c.isspace()}
        out = [(FONT_NAME, self.primary, mine)]
        rest = wanted - mine
        for name, face in self.fallbacks:
            if not rest:
                break
            theirs = {c for c in rest if ord(c) in (face.coverage() or frozenset())}
            if theirs:
                out.append((name, face, theirs | {" "}))
                rest -= theirs
        return out

    def subset(self, chars: Iterable[str]) -> bytes | None:
        return self.primary.subset(chars)


FONTS = _FontCache()


# -- layout ------------------------------------------------------------------------------------


# Chinese line breaking (禁则): these never start a line (they hang at the end of the line before) …
NO_LINE_START = frozenset("，。、；：！？）】》」』”’%·…—,.;:!?)]")
# … and these never end one (they move down with what they open).
NO_LINE_END = frozenset("（【《「『“‘([")
_UNBROKEN = re.compile(r"[0-9A-Za-z\-_/@.:]+|\s+|.", re.DOTALL)


def wrap_lines(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """``text`` cut into lines no wider than ``width`` (mm) as Chinese print does it.

    Numbers, receipt numbers and Latin words are not cut (unless longer than a line); closing
    punctuation hangs at the end of a line instead of starting the next; opening punctuation
    moves down with what follows. Explicit newlines are kept. ``measure`` gives a string's
    width; a line's width is the sum of its pieces' (one measure per piece, not per try).
    """
    out: list[str] = []
    for paragraph in text.split("\n"):
        if measure(paragraph) <= width:
            out.append(paragraph.strip())
            continue
        line, used = "", 0.0
        for token in _UNBROKEN.findall(paragraph):
            if not line and token.isspace():
                continue
            size = measure(token)
            if used + size <= width or not line or token[0] in NO_LINE_START:
                if size > width and not line:
                    # a run longer than a line: cut it by characters
                    for char in token:
                        step = measure(char)
                        if line and used + step > width:
                            out.append(line)
                            line, used = "", 0.0
                        line, used = line + char, used + step
                    continue
                line, used = line + token, used + size
                continue
            carry = ""
            while line and line[-1] in NO_LINE_END:
                carry, line = line[-1] + carry, line[:-1]
            out.append(line.rstrip())
            line = carry + token.lstrip()
            used = measure(line)
        out.append(line.rstrip())
    return out


@dataclass(frozen=True)
class _Frame:
    """Where one copy goes on the page."""

    x: float
    y: float
    w: float


class _Layout:
    """Draws the blocks of a document into a frame of an FPDF page."""

    def __init__(self, pdf: FPDF, paper: str) -> None:
        self.pdf = pdf
        self.paper = paper
        self.narrow = paper == "80mm"
        self.scale = 1.12 if paper == "A4" else (0.92 if self.narrow else 1.0)

    def size(self, pt: float) -> None:
        self.pdf.set_font(FONT_NAME, size=pt * self.scale)

    def para(self, x: float, width: float, height: float, text: str, align: str = "L") -> None:
        """``text`` from (x, current y), wrapped by :func:`wrap_lines`, never justified (a justified
        CJK line would stretch its one space into a gap)."""
        pdf = self.pdf
        for line in wrap_lines(text, width - 2 * pdf.c_margin, pdf.get_string_width):
            pdf.set_x(x)
            pdf.cell(width, height, line, align=align, new_x="LEFT", new_y="NEXT")

    def draw(self, doc: Document, frame: _Frame) -> float:
        """Lay the document out from the frame's top; returns the y where it ends."""
        pdf = self.pdf
        pdf.set_xy(frame.x, frame.y)
        qr_side = 27.0 if self.narrow else 30.0 * self.scale
        qr_bottom = 0.0

        def width() -> float:
            # Text beside the QR code is narrower until it has passed the code's bottom.
            return frame.w - qr_side - 3 if pdf.get_y() < qr_bottom else frame.w

        for block in doc.blocks:
            pdf.set_x(frame.x)
            if block.kind == "title":
                self.size(17)
                pdf.cell(frame.w, 9 * self.scale, block.text, align="C", new_x="LEFT", new_y="NEXT")
            elif block.kind == "subtitle":
                self.size(9.5)
                self.para(frame.x, frame.w, 5 * self.scale, block.text, align="C")
            elif block.kind == "mark":
                self.size(10.5)
                pdf.set_line_width(0.4)
                pdf.multi_cell(
                    frame.w, 6.5 * self.scale, block.text, border=1, align="C", wrapmode=WrapMode.CHAR, new_x="LEFT"
                )
                pdf.set_line_width(0.2)
            elif block.kind == "qr":
                top = pdf.get_y() + 2
                if self.narrow:
                    bottom = self._qr(block.text, frame.x + (frame.w - qr_side) / 2, top, qr_side)
                    pdf.set_xy(frame.x, bottom + 2)
                else:
                    qr_bottom = self._qr(block.text, frame.x + frame.w - qr_side, top, qr_side) + 2
                    pdf.set_xy(frame.x, top + 1)
            elif block.kind == "fields":
                self._fields(block.rows, frame.x, width)
            elif block.kind == "heading":
                self.size(10.5)
                pdf.set_y(pdf.get_y() + 1.5)
                pdf.set_x(frame.x)
                pdf.cell(width(), 6 * self.scale, "【" + block.text + "】", new_x="LEFT", new_y="NEXT")
            elif block.kind == "ticks":
                self._ticks(block.items, frame.x, width())
            elif block.kind == "box":
                self._box(block.items, frame.x, width())
            elif block.kind == "lines":
                self.size(9.5)
                for line in block.items:
                    pdf.set_x(frame.x)
                    self.para(frame.x, width(), 5 * self.scale, line)
            elif block.kind == "seal":
                self._seal(block, frame, qr_bottom)
            elif block.kind == "small":
                self.size(7.5)
                self.para(frame.x, frame.w, 4 * self.scale, block.text)
            elif block.kind == "gap":
                pdf.set_y(pdf.get_y() + 3 * self.scale)
        return max(pdf.get_y(), qr_bottom)

    def _seal(self, block: Block, frame: _Frame, qr_bottom: float) -> None:
        """Signature lines on the left, the seal box (受理单位（盖章）, the date) on the right;
        stacked on a roll."""
        pdf = self.pdf
        top = max(pdf.get_y() + 2, qr_bottom)
        box_w = frame.w if self.narrow else 38 * self.scale
        box_h = 20 * self.scale
        left_w = frame.w if self.narrow else frame.w - box_w - 4
        row_h = 8 * self.scale
        height = box_h + (len(block.rows) * row_h + 2 if self.narrow else 0)
        if pdf.auto_page_break and top + height > pdf.page_break_trigger:
            pdf.add_page()  # the signatures and the seal stay together, never cut across pages
            top = pdf.get_y()
        y = top
        self.size(10)
        for label, value in block.rows:
            text = f"{label}：{value}"
            pdf.set_xy(frame.x, y)
            pdf.cell(left_w, row_h, text)
            start = frame.x + pdf.get_string_width(text) + 1
            pdf.line(start, y + row_h - 1.8, max(start + 15, frame.x + left_w), y + row_h - 1.8)
            y += row_h
        bx, by = (frame.x, y + 2) if self.narrow else (frame.x + frame.w - box_w, top)
        pdf.set_line_width(0.35)
        pdf.rect(bx, by, box_w, box_h)
        pdf.set_line_width(0.2)
        self.size(9)
        pdf.set_xy(bx, by + 1.5)
        pdf.cell(box_w, 5 * self.scale, block.items[0], align="C")
        pdf.set_xy(bx, by + box_h - 6.5 * self.scale)
        pdf.cell(box_w, 5 * self.scale, block.text, align="C")
        pdf.set_xy(frame.x, max(y, by + box_h) + 2)

    def _fields(self, rows: tuple[tuple[str, str], ...], x: float, width: Callable[[], float]) -> None:
        pdf = self.pdf
        label_w = (20 if not self.narrow else 18) * self.scale
        for label, value in rows:
            self.size(9.5)
            pdf.set_x(x)
            top = pdf.get_y()
            pdf.cell(label_w, 5.0 * self.scale, label)
            size = 12 if label == "收件编号" else 10
            self.size(size)
            pdf.set_xy(x + label_w, top)
            self.para(x + label_w, width() - label_w, 5.0 * self.scale, value or "—")
            pdf.set_x(x)

    def _ticks(self, items: tuple[str, ...], x: float, width: float) -> None:
        """Received items two to a row; one carrying its arrival time (long) takes a row of its own."""
        pdf = self.pdf
        self.size(9.5)
        rows: list[list[str]] = []
        for item in items:
            short = len(item) <= 16 and not self.narrow
            if short and rows and len(rows[-1]) == 1 and len(rows[-1][0]) <= 16:
                rows[-1].append(item)
            else:
                rows.append([item])
            if not short:
                rows.append([])  # nothing pairs with a long item
        col_w = width if self.narrow else width / 2
        for row in (r for r in rows if r):
            top = pdf.get_y()
            bottom = top
            for n, item in enumerate(row):
                pdf.set_xy(x + n * col_w, top)
                mark = "" if item.startswith("（") else "✓ "
                w = width if len(row) == 1 and len(item) > 16 else col_w
                self.para(x + n * col_w, w - 1, 5 * self.scale, mark + item)
                bottom = max(bottom, pdf.get_y())
            pdf.set_y(bottom)

    def _box(self, items: tuple[str, ...], x: float, width: float) -> None:
        pdf = self.pdf
        self.size(10.5)
        top = pdf.get_y() + 1
        pdf.set_y(top + 1.5)
        for item in items:
            pdf.set_x(x + 2)
            self.para(x + 2, width - 4, 5.2 * self.scale, item)
        bottom = pdf.get_y() + 1.5
        pdf.set_line_width(0.5)
        pdf.rect(x, top, width, bottom - top)
        pdf.set_line_width(0.2)
        pdf.set_y(bottom + 1)

    def _qr(self, payload: str, x: float, y: float, side: float) -> float:
        """The QR code as vector squares (sharp on any printer), with its quiet zone, and the
        payload printed under it for typing by hand; returns the y below it."""
        matrix = _qr_matrix(payload)
        module = side / len(matrix)
        pdf = self.pdf
        pdf.set_fill_color(0, 0, 0)
        for row_no, row in enumerate(matrix):
            col = 0
            while col < len(row):
                if row[col]:
                    run = col
                    while run < len(row) and row[run]:
                        run += 1
                    # a hair wider than the module so no white seams show between squares
                    pdf.rect(
                        x + col * module, y + row_no * module, (run - col) * module + 0.01, module + 0.01, style="F"
                    )
                    col = run
                else:
                    col += 1
        self.pdf.set_font(FONT_NAME, size=6.5)
        cut = payload.rfind("U")
        pdf.set_xy(x, y + side - 2 * module)
        pdf.cell(side, 3, payload[:cut], align="C", new_x="LEFT", new_y="NEXT")
        pdf.cell(side, 3, payload[cut:], align="C", new_x="LEFT", new_y="NEXT")
        return pdf.get_y()


@lru_cache(maxsize=256)
def _qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The QR modules of ``payload`` with a 4-module quiet zone (cached: reprints reuse it)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(payload, optimize=0)
    code.make(fit=True)
    return tuple(tuple(bool(m) for m in row) for row in code.get_matrix())


def _new_pdf(
    doc: Document, fonts: list[tuple[str, str | None]], page: tuple[float, float], landscape: bool, shaping: bool
) -> FPDF:
    """A page set up with the document's fonts: ``fonts`` are (name, subset file or None = the whole primary)."""
    pdf = FPDF(orientation="L" if landscape else "P", unit="mm", format=page)
    pdf.set_title(doc.title)
    pdf.set_creator("受理台 deskapp")
    pdf.set_author("")
    for name, file in fonts:
        if file is None:
            pdf.add_font(name, fname=str(FONTS.path), collection_font_number=0)
        else:
            pdf.add_font(name, fname=file)
    # The HarfBuzz subsets have right bounding boxes: fpdf2's own subsetting then copies
    # the glyphs as they are instead of decoding and re-encoding every outline.
    for font in pdf.fonts.values():
        if isinstance(font, TTFFont):
            font.ttfont.recalcBBoxes = False
    if len(fonts) > 1:
        pdf.set_fallback_fonts([name for name, _file in fonts[1:]], exact_match=False)
    if shaping:
        pdf.set_text_shaping(True)
    pdf.set_auto_page_break(True, margin=6)
    pdf.c_margin = 0.5
    return pdf


def render(
    doc: Document, paper: str = "A5", counterfoil: Document | None = None, created: datetime | None = None
) -> bytes:
    """Lay out ``doc`` (and the ``counterfoil`` copy, when given) on ``paper``; the PDF's bytes.

    Characters WenQuanYi Micro Hei lacks come from the fallback fonts (Arabic script, CJK
    Extensions A and B); one no shipped font has prints as 〓. Raises :class:`SlipError`.
    """
    if paper not in PAPER_SIZES:
        raise SlipError(f"纸张只能是 {' / '.join(PAPER_SIZES)}，不是 {paper!r}")
    covered = FONTS.coverage()
    copies = [copy.printable(covered) for copy in [doc] + ([counterfoil] if counterfoil is not None else [])]
    chars: set[str] = set()
    for copy in copies:
        chars |= copy.chars()
    fonts: list[tuple[str, str | None]] = []
    try:
        if covered is None:
            fonts.append((FONT_NAME, None))
        else:
            for name, face, theirs in FONTS.plan(chars):
                data = face.subset(theirs)
                if data is None:
                    continue
                handle, file = tempfile.mkstemp(prefix="desk-font-", suffix=".ttf")
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                fonts.append((name, file))
        shaping = covered is not None and needs_shaping(chars)
        if paper == "80mm":
            # Measure on a tall page first, then print on a page exactly as long as the content.
            length = _roll(copies, fonts, 2000.0, None, shaping, measure=True)[1]
            return _roll(copies, fonts, length, created, shaping)[0]
        return _sheets(copies, paper, fonts, created, shaping)
    finally:
        for _name, file in fonts:
            if file is not None:
                with suppress(OSError):
                    os.unlink(file)


def _finish(pdf: FPDF, created: datetime | None) -> bytes:
    if created is not None:
        pdf.set_creation_date(to_beijing(created))
    out = bytes(pdf.output())
    for font in pdf.fonts.values():
        close = getattr(font, "close", None)
        if close is not None:
            close()
    return out


def _sheets(
    copies: list[Document], paper: str, fonts: list[tuple[str, str | None]], created: datetime | None, shaping: bool
) -> bytes:
    width, height = PAPER_SIZES[paper]
    margin = MARGINS[paper]
    side_by_side = paper == "A4" and len(copies) == 2
    if side_by_side:
        # Two A5 copies on one A4 landscape sheet, a dashed cutting line between them.
        pdf = _new_pdf(copies[0], fonts, (width, height), landscape=True, shaping=shaping)
        pdf.set_margins(MARGINS["A5"], MARGINS["A5"])
        pdf.add_page()
        half = height / 2
        layout = _Layout(pdf, "A5")
        for n, copy in enumerate(copies):
            layout.draw(copy, _Frame(n * half + MARGINS["A5"], MARGINS["A5"], half - 2 * MARGINS["A5"]))
        pdf.set_dash_pattern(dash=2, gap=1.5)
        pdf.line(half, 4, half, width - 4)
        pdf.set_dash_pattern()
        return _finish(pdf, created)
    pdf = _new_pdf(copies[0], fonts, (width, height), landscape=False, shaping=shaping)
    pdf.set_margins(margin, margin)
    layout = _Layout(pdf, paper)
    for copy in copies:
        pdf.add_page()
        layout.draw(copy, _Frame(margin, margin, width - 2 * margin))
    return _finish(pdf, created)


def _roll(
    copies: list[Document],
    fonts: list[tuple[str, str | None]],
    length: float,
    created: datetime | None,
    shaping: bool,
    measure: bool = False,
) -> tuple[bytes, float]:
    width = PAPER_SIZES["80mm"][0]
    margin = MARGINS["80mm"]
    pdf = _new_pdf(copies[0], fonts, (width, length), landscape=False, shaping=shaping)
    pdf.set_margins(margin, margin)
    pdf.set_auto_page_break(False)
    pdf.add_page()
    layout = _Layout(pdf, "80mm")
    y = margin
    for n, copy in enumerate(copies):
        if n:
            pdf.set_dash_pattern(dash=2, gap=1.5)
            pdf.line(0, y + 3, width, y + 3)
            pdf.set_dash_pattern()
            y += 8
        y = layout.draw(copy, _Frame(margin, y, width - 2 * margin))
    if measure:
        return b"", y + margin + 6
    return _finish(pdf, created), y + margin + 6
