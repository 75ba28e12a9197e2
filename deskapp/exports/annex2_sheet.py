"""The notice's 附件2 table as a worksheet: its columns, title and fonts, the office's template or the
built-in one, and filling it so that it prints on A4 landscape at 10 pt or more (A3 when the texts are
long). Which packs go on it is :mod:`deskapp.exports.annex2`'s business.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    PAPER_A3,
    PAPER_A4,
    ExportError,
    Progress,
    RowWriter,
    clean_row,
    first_worksheet,
    fit_to_page,
    line_count,
    odd_footer,
    printed_scale,
    row_height,
    set_last_row,
    style_of,
)
from deskapp.models import Pack
from deskapp.store import DeskStore

GB2312 = 134
"""Font charset of simplified Chinese: tells Excel/WPS to substitute a Chinese font of the family
when the named one is missing, instead of a Latin one."""
LABEL = "附件2"
TITLE = "准东开发区高层次人才（技能大师）工作室申报汇总表"
LABEL_ROW, TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
TEMPLATE_NAME = "annex2.xlsx"
STEM = "附件2_工作室申报汇总表"

# (header, default width in Excel characters, value of a pack) in the order of the notice.
# The widths add up to 150 characters: on A4 landscape, one page wide, the 11 pt text prints at
# about 10.3 pt (see :func:`deskapp.exports.common.printed_scale`); longer texts widen the long
# columns and switch the paper to A3 rather than shrink the print below 10 pt.
COLUMNS: tuple[tuple[str, float, Callable[[Pack], Any]], ...] = (
    ("序号", 4.5, lambda p: None),  # filled 1..n
    ("申报单位", 13, lambda p: p.unit),
    ("工作室名称", 13, lambda p: p.name),
    ("研究领域", 9, lambda p: p.sector),
    ("领衔人", 7, lambda p: p.leader),
    ("领衔人主要获奖情况", 19.5, lambda p: p.details.get("awards", "")),
    ("工作室成员人数", 6, lambda p: p.members if p.members is not None else ""),
    ("领衔人主要工作业绩", 21, lambda p: p.details.get("achievements", "")),
    ("依托单位简介", 19, lambda p: p.details.get("unit_intro", "")),
    ("依托单位对工作室支持措施", 19, lambda p: p.details.get("support", "")),
    ("人才工作室工作任务目标", 19, lambda p: p.details.get("goals", "")),
)
HEADERS = tuple(c[0] for c in COLUMNS)
CENTERED = {0, 3, 4, 6}  # 序号, 研究领域, 领衔人, 人数
MAX_WIDTH = 90.0
FOOTER = "第 &P 页，共 &N 页"
TITLE_FONT = "宋体"
"""Fonts every office PC has (Windows, WPS, UOS/Kylin ship 宋体/黑体/仿宋 or metric twins): the
notice's 方正小标宋简体 and 仿宋_GB2312 are not on a stock PC and get substituted unpredictably."""
HEAD_FONT = "黑体"
BODY_FONT = "仿宋"
BODY_SIZE = 11
MIN_PRINTED_POINTS = 10.0
"""The smallest text size the printed table may have (issue 13: ≥ 10 pt on paper)."""


def rows_of(packs: Sequence[Pack]) -> list[list[Any]]:
    """The 附件2 table's rows (附件2 of the notice: 序号 … 人才工作室工作任务目标, :data:`COLUMNS`), 序号 1..n
    in the order given; values as stored (not yet cleaned for cells)."""
    rows = []
    for n, pack in enumerate(packs, 1):
        row = [getter(pack) for _, _, getter in COLUMNS]
        row[0] = n
        rows.append(row)
    return rows


def build_template() -> Workbook:
    """The styled, empty 附件2 sheet (row 4 holds the data-row style)."""
    wb = Workbook()
    ws = first_worksheet(wb)
    ws.title = LABEL
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(LABEL_ROW, 1, LABEL).font = Font(name=HEAD_FONT, size=12, charset=GB2312)
    title = ws.cell(TITLE_ROW, 1, TITLE)
    title.font = Font(name=TITLE_FONT, size=18, bold=True, charset=GB2312)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    ws.row_dimensions[TITLE_ROW].height = 36
    header_font = Font(name=HEAD_FONT, size=BODY_SIZE, charset=GB2312)
    body_font = Font(name=BODY_FONT, size=BODY_SIZE, charset=GB2312)
    for i, (header, width, _) in enumerate(COLUMNS):
        col = i + 1
        ws.column_dimensions[get_column_letter(col)].width = width
        cell = ws.cell(HEADER_ROW, col, header)
        cell.font = header_font
        cell.border = border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sample = ws.cell(FIRST_ROW, col, "（示例）" if i else 1)
        sample.font = body_font
        sample.border = border
        sample.alignment = Alignment(
            horizontal="center" if i in CENTERED else "left",
            vertical="center" if i in CENTERED else "top",
            wrap_text=True,
        )
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.footer = 0.3
    ws.print_options.horizontalCentered = True
    apply_print_setup(ws)
    return wb


def apply_print_setup(ws: Worksheet) -> None:
    """A4 landscape, one page wide, header rows on every page, page numbers in the footer."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A4
    fit_to_page(ws)
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    footer = odd_footer(ws)
    if not footer.center.text:
        footer.center.text = FOOTER
    ws.freeze_panes = f"A{FIRST_ROW}"


def template_path(store: DeskStore) -> Path:
    """Where the office keeps its styled 附件2 template: ``templates/annex2.xlsx`` of the data folder's
    templates (see :mod:`deskapp.locations`); it need not exist."""
    return store.locations.templates / TEMPLATE_NAME


def load_template(path: Path | None) -> Workbook:
    """The office's template if it exists and reads, else the built-in one (:func:`build_template`).

    Raises :class:`ExportError` (message for the clerk) when the file is there but cannot be read,
    or holds no worksheet to fill."""
    if path is not None and path.is_file():
        try:
            wb = load_workbook(path)
        except Exception as exc:  # a damaged template must not stop the export
            raise ExportError(
                f"模板 {path} 无法读取（{exc}）。请修复或删除该文件后重试（删除后使用内置样式）。"
            ) from exc
        first_worksheet(wb, path)
        return wb
    return build_template()


def _font_points(ws: Worksheet) -> float:
    size = ws.cell(FIRST_ROW, 2).font.sz or 11
    return round(float(size) * 1.45, 1)


def fill_workbook(wb: Workbook, packs: Sequence[Pack], progress: Progress | None = None) -> tuple[Workbook, list[str]]:
    """Write the packs into the template workbook's first worksheet, one row each from row 4 in the
    notice's column order (:data:`COLUMNS`); returns the workbook and Chinese warnings (paper, rows too
    tall). Rows the template had from row 4 on are cleared; row 4's style is every row's."""
    ws = first_worksheet(wb)
    ncols = len(COLUMNS)
    styles = [style_of(ws.cell(FIRST_ROW, c)) for c in range(1, ncols + 1)]
    for key in [k for k in ws._cells if k[0] >= FIRST_ROW]:
        del ws._cells[key]
    for r in [r for r in ws.row_dimensions if r >= FIRST_ROW]:
        del ws.row_dimensions[r]
    set_last_row(ws, HEADER_ROW)
    ws.cell(LABEL_ROW, 1).value = LABEL
    ws.cell(TITLE_ROW, 1).value = TITLE
    for col, header in enumerate(HEADERS, 1):
        ws.cell(HEADER_ROW, col).value = header
    if not any(str(r) == f"A{TITLE_ROW}:{get_column_letter(ncols)}{TITLE_ROW}" for r in ws.merged_cells.ranges):
        ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=ncols)
    apply_print_setup(ws)

    rows = [clean_row(row) for row in rows_of(packs)]
    widths = [ws.column_dimensions[get_column_letter(c)].width or 10.0 for c in range(1, ncols + 1)]
    line_points = _font_points(ws)
    heights, warnings = _fit_widths(ws, rows, widths, line_points, float(ws.cell(FIRST_ROW, 2).font.sz or BODY_SIZE))
    header_lines = max(line_count(h, w) for h, w in zip(HEADERS, widths, strict=True))
    ws.row_dimensions[HEADER_ROW].height = header_lines * line_points + 6

    writer = RowWriter(ws, styles)
    total = len(rows)
    step = max(1, total // 50)
    dims = ws.row_dimensions
    for i, (row, height) in enumerate(zip(rows, heights, strict=True)):
        r = FIRST_ROW + i
        writer.write(r, row, cleaned=True)
        dims[r].height = min(height, EXCEL_MAX_ROW_HEIGHT)
        if progress is not None and (i % step == 0):
            progress(i, total)
    if progress is not None:
        progress(total, total)
    return wb, warnings


def _fit_widths(
    ws: Worksheet, rows: list[list[Any]], widths: list[float], line_points: float, body_size: float
) -> tuple[list[float], list[str]]:
    """Row heights; the paper (A4, or A3 when the long texts need it) and the column widths.

    Rows taller than Excel's 409-point limit widen the long-text columns, but never so far that
    the text, fitted to one page wide, prints below :data:`MIN_PRINTED_POINTS`: A4 landscape
    first, then A3 landscape. What still does not fit is named in a warning.
    """
    limit = EXCEL_MAX_ROW_HEIGHT - 4
    wide = [i for i, w in enumerate(widths) if w >= 19]
    ncols = len(widths)

    def printed(paper: int) -> float:
        """The body text's printed size in points on ``paper`` (an Excel paper code)."""
        ws.page_setup.paperSize = paper
        return body_size * printed_scale(ws, ncols)

    def set_widths(values: list[float]) -> None:
        for c, width in enumerate(values, 1):
            ws.column_dimensions[get_column_letter(c)].width = width

    set_widths(widths)
    heights = [row_height(row, widths, line_points) for row in rows]
    while heights and max(heights) > limit:
        tallest = rows[heights.index(max(heights))]
        short = [
            i
            for i in wide
            if widths[i] < MAX_WIDTH
            and isinstance(tallest[i], str)
            and line_count(tallest[i], widths[i]) * line_points + 4 > limit
        ]
        if not short:
            break
        trial = [min(MAX_WIDTH, round(w * 1.15, 1)) if i in short else w for i, w in enumerate(widths)]
        set_widths(trial)
        if printed(PAPER_A3) < MIN_PRINTED_POINTS:
            set_widths(widths)
            break
        widths[:] = trial
        heights = [row_height(row, widths, line_points) for row in rows]
    if printed(PAPER_A4) < MIN_PRINTED_POINTS:
        ws.page_setup.paperSize = PAPER_A3
    warnings = []
    if ws.page_setup.paperSize == PAPER_A3:
        warnings.append("内容较长，已设为 A3 横向打印（字号不小于10磅）")
    if heights and max(heights) > limit:
        at = heights.index(max(heights))
        warnings.append(f"序号 {at + 1} 的内容太长，Excel 单行最高 409 磅，打印时可能显示不全，请精简该行文字")
    return heights, warnings
