"""Laying a slip or notice out as PDF: A5 (default), A4, or an 80 mm thermal roll.

:func:`render` draws the blocks of a :class:`deskapp.slips.Document`. With a counterfoil the
applicant's copy (申请人联) and the counterfoil (存根) are both printed: side by side on A4
(landscape), on two pages on A5, one after the other on a roll. Chinese lines break as print
does (:func:`wrap_lines`); the QR code is drawn as vector squares.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

import qrcode
from fpdf import FPDF
from fpdf.enums import WrapMode
from fpdf.fonts import TTFFont
from qrcode.constants import ERROR_CORRECT_M

from deskapp.slip_fonts import FONT_NAME, FONTS, needs_shaping
from deskapp.slips import Block, Document, SlipError
from deskapp.timeutil import to_beijing

PAPER_SIZES: dict[str, tuple[float, float]] = {"A5": (148.0, 210.0), "A4": (210.0, 297.0), "80mm": (80.0, 0.0)}
"""Paper: (width, height) in mm for one copy; the roll's height is fitted to the content."""
MARGINS: dict[str, float] = {"A5": 10.0, "A4": 16.0, "80mm": 4.0}
"""Margins in mm per paper."""
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
        for _name, subset_file in fonts:
            if subset_file is not None:
                with suppress(OSError):
                    os.unlink(subset_file)


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
