"""What every export shares: unique file names, safe cell text, fast styled cells, row heights."""

from __future__ import annotations

import errno
import gc
import math
import os
import re
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from copy import copy
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import Cell, MergedCell
from openpyxl.styles.cell_style import StyleArray
from openpyxl.worksheet.header_footer import HeaderFooterItem
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.locations import Locations
from deskapp.timeutil import to_beijing

Progress = Callable[[int, int], None]
"""``progress(done, total)``: called now and then while rows are written."""

# Characters XML (and so xlsx/docx) cannot hold: dropped, never written.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
FORMULA_STARTS = ("=", "+", "-", "@")
EXCEL_MAX_ROW_HEIGHT = 409.0  # points
EXCEL_MAX_CELL_TEXT = 32767


class ExportError(OSError):
    """An export could not be written; the message says why and what to do."""


@dataclass
class ExportResult:
    """What an export wrote: the file, how many rows the main table has (packs listed), and the
    Chinese warnings for the clerk (rows lacking content, packs left out, paper changed)."""

    path: Path
    rows: int
    warnings: list[str] = field(default_factory=list)

    def message(self) -> str:
        """One Chinese line for the status bar or the terminal: ``已导出 N 行：path`` and the warnings."""
        text = f"已导出 {self.rows} 行：{self.path}"
        if self.warnings:
            text += "（注意：" + "；".join(self.warnings) + "）"
        return text


def clean_text(value: Any) -> str:
    """A value as cell text: str, no characters XML cannot hold, within Excel's cell limit."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if _ILLEGAL.search(text):
        text = _ILLEGAL.sub("", text)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text if len(text) <= EXCEL_MAX_CELL_TEXT else text[:EXCEL_MAX_CELL_TEXT]


def looks_like_formula(text: str) -> bool:
    """Whether Excel would take ``text`` typed into a cell as a formula (it starts with ``= + - @``):
    such text is written with ``quotePrefix`` so a unit named ``=HYPERLINK(...)`` stays text."""
    return text.startswith(FORMULA_STARTS)


def display_width(text: str) -> int:
    """Width in Excel character units: CJK and other wide characters count 2 (fast, C-level)."""
    return (len(text.encode("utf-8")) + len(text)) // 2


def usable_width(width: float) -> float:
    """Characters of text a column ``width`` wide holds per line (padding; words do not break mid-way)."""
    return max(width - 1.5, 1.0) * 0.92


def line_count(text: str, width: float) -> int:
    """Lines ``text`` wraps to in a column ``width`` characters wide (a little pessimistic)."""
    usable = usable_width(width)
    lines = 0
    for paragraph in text.split("\n"):
        lines += max(1, math.ceil(display_width(paragraph) / usable))
    return lines


def export_path(
    locations: Locations, stem: str, suffix: str, now: datetime, out: str | os.PathLike[str] | None = None
) -> Path:
    """Where to write: ``out`` if given and free, else ``exports/<stem>_<time><suffix>``.

    An earlier export is never overwritten: a taken timestamped name gets ``-2``, ``-3``...;
    a taken ``out`` is refused. The time in the name is Beijing time (``YYYYmmdd-HHMMSS``).
    Raises :class:`ExportError` when ``out`` exists or its folder does not.
    """
    if out is not None:
        path = Path(out).expanduser()
        if path.suffix.lower() != suffix:
            path = path.with_name(path.name + suffix)
        if path.exists():
            raise ExportError(f"文件已存在：{path}。为免覆盖以前的导出，请换一个文件名。")
        if not path.parent.is_dir():
            raise ExportError(f"文件夹不存在：{path.parent}")
        return path
    base = f"{stem}_{to_beijing(now):%Y%m%d-%H%M%S}"
    path = locations.exports / f"{base}{suffix}"
    n = 2
    while path.exists():
        path = locations.exports / f"{base}-{n}{suffix}"
        n += 1
    return path


def save_new(path: Path, write: Callable[[Path], None]) -> Path:
    """Write through a temporary file so a crash or full disk never leaves half a file; returns ``path``.

    Raises :class:`ExportError` (message for the clerk: disk full, no permission, the name taken
    meanwhile); errors other than the disk's propagate as they are."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.part")
    try:
        write(tmp)
        if path.exists():
            raise ExportError(f"文件已存在：{path}。为免覆盖以前的导出，请重试。")
        os.replace(tmp, path)
    except ExportError:
        tmp.unlink(missing_ok=True)
        raise
    except Exception as exc:
        # lxml (under openpyxl) reports a full disk as SerialisationError("IO_ENOSPC" / "IO_EFBIG"), not OSError
        disk_full = getattr(exc, "errno", None) in (errno.ENOSPC, errno.EFBIG) or str(exc) in ("IO_ENOSPC", "IO_EFBIG")
        if not isinstance(exc, OSError) and type(exc).__name__ != "SerialisationError":
            raise
        _release_quietly(exc)
        tmp.unlink(missing_ok=True)
        reason = "磁盘已满" if disk_full else (getattr(exc, "strerror", None) or str(exc))
        raise ExportError(f"无法写入 {path}：{reason}。请检查磁盘空间和文件夹权限后重试。") from exc
    return path


def _release_quietly(exc: BaseException) -> None:
    """Close what a failed save left open, now and silently.

    openpyxl and python-docx leave their ``ZipFile`` open when a write fails; its ``__del__``
    later tries to write the zip's directory to the full disk and Python prints
    ``Exception ignored in ZipFile.__del__ … OSError: [Errno 28]`` on the terminal. Clearing
    the failed call's frames and collecting releases it here, where its own ``OSError`` is
    expected and not worth a word (the clerk has the clear message already).
    """
    import sys
    import traceback

    previous = sys.unraisablehook

    def hook(unraisable: Any) -> None:
        if (
            not isinstance(unraisable.exc_value, OSError)
            and type(unraisable.exc_value).__name__ != "SerialisationError"
        ):
            previous(unraisable)

    sys.unraisablehook = hook
    try:
        if exc.__traceback__ is not None:
            traceback.clear_frames(exc.__traceback__)
        gc.collect()
    finally:
        sys.unraisablehook = previous


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a workbook is built and saved.

    An export allocates ~10 objects per cell; with the store's packs alive, each automatic
    collection re-scans all of them, which made exports ~30 % slower. Nothing here needs
    collecting mid-way; the collector runs again right after.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class RowWriter:
    """Writes plain values into a sheet with one shared style per column.

    Cells are built directly from the column's ``StyleArray`` (no per-cell style objects, no
    type guessing). Text is always stored as text (``data_type 's'``; formula-like text also gets
    ``quotePrefix`` so Excel keeps it text when edited): a unit named ``=HYPERLINK(...)``
    never becomes a formula.
    """

    def __init__(self, ws: Worksheet, styles: Sequence[StyleArray]) -> None:
        self.ws = ws
        self.styles = [copy(s) for s in styles]
        self.quoted = []
        for style in self.styles:
            quoted = copy(style)
            quoted.quotePrefix = 1
            self.quoted.append(quoted)

    def write(self, row: int, values: Sequence[Any], cleaned: bool = False) -> None:
        """Write one row; ``cleaned`` says every text already went through :func:`clean_text`."""
        cells = self.ws._cells
        ws = self.ws
        styles, quoted = self.styles, self.quoted
        for i, value in enumerate(values):
            col = i + 1
            if value is None or value == "":
                cell = Cell(ws, row=row, column=col, style_array=styles[i])
            elif isinstance(value, (int, float)) and not isinstance(value, bool):
                cell = Cell(ws, row=row, column=col, style_array=styles[i])
                _put(cell, value, "n")
            elif isinstance(value, datetime):  # a date cell: the column's style carries its format
                cell = Cell(ws, row=row, column=col, style_array=styles[i])
                _put(cell, value, "d")
            else:
                text = value if cleaned and isinstance(value, str) else clean_text(value)
                cell = Cell(ws, row=row, column=col, style_array=quoted[i] if text[:1] in FORMULA_STARTS else styles[i])
                _put(cell, text, "s")
            cells[(row, col)] = cell
        if row > last_row(ws):
            set_last_row(ws, row)


def _put(cell: Cell, value: object, data_type: str) -> None:
    """Store a value as it is, skipping ``Cell.value``'s type guessing (the point of :class:`RowWriter`)."""
    cell._value = value  # type: ignore[attr-defined]  # openpyxl's private slot, not in types-openpyxl
    cell.data_type = data_type


def last_row(ws: Worksheet) -> int:
    """The row ``ws.append`` writes after (openpyxl's private ``_current_row``)."""
    row: int = getattr(ws, "_current_row", 0)
    return row


def set_last_row(ws: Worksheet, row: int) -> None:
    """Set the row ``ws.append`` writes after: cells written straight into ``ws._cells`` (as
    :class:`RowWriter` does) do not move it, and a template's rows cleared away must not keep it."""
    ws._current_row = row  # type: ignore[attr-defined]  # openpyxl's private counter, not in types-openpyxl


def style_of(cell: Cell | MergedCell) -> StyleArray:
    """A cell's ``StyleArray`` (openpyxl's private ``_style``): what :class:`RowWriter` shares per column.
    A cell never styled has none (``None``): it gets the default style, as Excel shows it."""
    style: StyleArray | None = getattr(cell, "_style", None)  # private slot, not in types-openpyxl
    return style if style is not None else StyleArray()


def first_worksheet(wb: Workbook, source: str | os.PathLike[str] = "") -> Worksheet:
    """The workbook's first worksheet (chart sheets skipped); ExportError naming ``source`` if it has none."""
    for sheet in wb.worksheets:
        if isinstance(sheet, Worksheet):
            return sheet
    raise ExportError(f"模板 {source} 中没有工作表（只有图表页）。请修复或删除该文件后重试（删除后使用内置样式）。")


def fit_to_page(ws: Worksheet) -> None:
    """Print one page wide, as many pages down as it takes (Excel's 调整为 1 页宽)."""
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0


def odd_footer(ws: Worksheet) -> HeaderFooterItem:
    """The footer of every page (Excel's odd-page footer, the only one unless set otherwise)."""
    if ws.oddFooter is None:
        ws.oddFooter = HeaderFooterItem()
    return ws.oddFooter


def odd_header(ws: Worksheet) -> HeaderFooterItem:
    """The header of every page (see :func:`odd_footer`)."""
    if ws.oddHeader is None:
        ws.oddHeader = HeaderFooterItem()
    return ws.oddHeader


def clean_row(values: Sequence[Any]) -> list[Any]:
    """Numbers kept, everything else as clean text (see :func:`clean_text`)."""
    return [v if isinstance(v, (int, float)) and not isinstance(v, bool) else clean_text(v) for v in values]


def row_height(values: Sequence[Any], widths: Sequence[float], line_points: float, padding: float = 4.0) -> float:
    """Points a row needs so no wrapped text is cut (openpyxl and LibreOffice do not size rows)."""
    lines = 1
    for value, width, usable in zip(values, widths, _usable(tuple(widths)), strict=True):
        if isinstance(value, str) and len(value) * 2 > usable:  # shorter text surely fits one line
            lines = max(lines, line_count(value, width))
    return lines * line_points + padding


@lru_cache(maxsize=64)
def _usable(widths: tuple[float, ...]) -> tuple[float, ...]:
    return tuple(usable_width(w) for w in widths)


# -- printing: how large text comes out on paper -------------------------------------------------
PAPER_A4, PAPER_A3 = 9, 8
"""Excel's paper codes (``page_setup.paperSize``)."""
PAPER_MM: dict[int, tuple[float, float]] = {PAPER_A4: (210.0, 297.0), PAPER_A3: (297.0, 420.0)}
"""Excel paper codes → (short, long) side in mm."""


def column_points(width: float) -> float:
    """Printed width in points of an Excel column ``width`` characters wide.

    Excel sizes columns in widths of the default font's digit (Calibri 11: 7 px) plus 5 px of
    padding, at 96 px per inch: ``(7·w + 5) px × 0.75 pt/px``.
    """
    return (7.0 * width + 5.0) * 0.75


def printable_points(ws: Worksheet) -> float:
    """Width in points between the left and right margins of the sheet's paper and orientation."""
    short, long = PAPER_MM.get(int(ws.page_setup.paperSize or 9), PAPER_MM[9])
    side = long if ws.page_setup.orientation == "landscape" else short
    margins = float(ws.page_margins.left or 0) + float(ws.page_margins.right or 0)
    return side / 25.4 * 72.0 - margins * 72.0


def printed_scale(ws: Worksheet, columns: int | None = None) -> float:
    """The scale Excel prints a sheet at when fitted to one page wide (1.0 when it fits as is).

    ``columns`` counts the columns printed (the print area's width); default: every column
    with a width set. Hidden columns do not count.
    """
    dims = ws.column_dimensions
    count = columns if columns is not None else max((dims[k].max or dims[k].index for k in dims), default=0)
    total = 0.0
    for col in range(1, int(count) + 1):
        dim = dims.get(_letter(col))
        if dim is not None and dim.hidden:
            continue
        total += column_points(float(dim.width) if dim is not None and dim.width else 8.43)
    if total <= 0:
        return 1.0
    fit = bool(ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    if fit and ws.page_setup.fitToWidth:
        return min(1.0, printable_points(ws) / total)
    return float(ws.page_setup.scale or 100) / 100.0


def _letter(col: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(col)
