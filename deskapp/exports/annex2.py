"""The 附件2 workbook: 准东开发区高层次人才（技能大师）工作室申报汇总表, one row per studio pack.

Layout (rows): 1 the label 附件2, 2 the merged title, 3 the column headers of the notice,
4.. one row per pack. The styling comes from ``templates/annex2.xlsx`` when present (staff
may change fonts, widths, colours and margins there in Excel; row 4 of the template is the
style of every data row), else from :func:`build_template`, which also makes that file
(``python tools/make_annex2_template.py``). Texts, print titles, orientation, paper, fit to
one page wide and the page-number footer are set here every time.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.anchor import store_keyword
from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    ExportError,
    ExportResult,
    Progress,
    RowWriter,
    clean_row,
    export_path,
    line_count,
    paused_gc,
    row_height,
    save_new,
)
from deskapp.models import STATUS_LABELS, Pack
from deskapp.store import DeskStore

LABEL = "附件2"
TITLE = "准东开发区高层次人才（技能大师）工作室申报汇总表"
LABEL_ROW, TITLE_ROW, HEADER_ROW, FIRST_ROW = 1, 2, 3, 4
TEMPLATE_NAME = "annex2.xlsx"
STEM = "附件2_工作室申报汇总表"

# (header, default width in Excel characters, value of a pack) in the order of the notice.
COLUMNS: tuple[tuple[str, float, Callable[[Pack], Any]], ...] = (
    ("序号", 5, lambda p: None),  # filled 1..n
    ("申报单位", 16, lambda p: p.unit),
    ("工作室名称", 16, lambda p: p.name),
    ("研究领域", 11, lambda p: p.sector),
    ("领衔人", 8, lambda p: p.leader),
    ("领衔人主要获奖情况", 26, lambda p: p.details.get("awards", "")),
    ("工作室成员人数", 8, lambda p: p.members if p.members is not None else ""),
    ("领衔人主要工作业绩", 30, lambda p: p.details.get("achievements", "")),
    ("依托单位简介", 26, lambda p: p.details.get("unit_intro", "")),
    ("依托单位对工作室支持措施", 26, lambda p: p.details.get("support", "")),
    ("人才工作室工作任务目标", 26, lambda p: p.details.get("goals", "")),
)
HEADERS = tuple(c[0] for c in COLUMNS)
CENTERED = {0, 3, 4, 6}  # 序号, 研究领域, 领衔人, 人数
DEFAULT_STATUSES = tuple(s for s in STATUS_LABELS if s != "withdrawn")
"""By default every studio pack not voided and not withdrawn."""
ALL_STATUSES = (*STATUS_LABELS, "voided")
MAX_WIDTH = 90.0
FOOTER = "第 &P 页，共 &N 页"


def parse_statuses(values: Iterable[str]) -> tuple[str, ...]:
    """Status keys from keys or Chinese labels (``accepted``, ``受理``, ``已作废``...)."""
    by_label = {label: key for key, label in STATUS_LABELS.items()} | {"已作废": "voided", "作废": "voided"}
    chosen = []
    for value in values:
        for part in str(value).replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            key = part if part in ALL_STATUSES else by_label.get(part)
            if key is None:
                labels = "、".join(f"{k}（{v}）" for k, v in {**STATUS_LABELS, "voided": "已作废"}.items())
                raise ExportError(f"不认识的状态：{part}。可用：{labels}")
            chosen.append(key)
    return tuple(dict.fromkeys(chosen))


def select_packs(store: DeskStore, statuses: Sequence[str] | None = None, round_id: str | None = None) -> list[Pack]:
    """Studio packs of the round, oldest receipt first, whose status is in ``statuses``."""
    wanted = set(statuses or DEFAULT_STATUSES)
    packs = [p for p in store.packs(round_id or store.config.round.id) if p.kind == "studio"]
    packs.sort(key=lambda p: p.seq)
    return [p for p in packs if ("voided" if p.voided else p.status) in wanted and (not p.voided or "voided" in wanted)]


def rows_of(packs: Sequence[Pack]) -> list[list[Any]]:
    rows = []
    for n, pack in enumerate(packs, 1):
        row = [getter(pack) for _, _, getter in COLUMNS]
        row[0] = n
        rows.append(row)
    return rows


def build_template() -> Workbook:
    """The styled, empty 附件2 sheet (row 4 holds the data-row style)."""
    wb = Workbook()
    ws = wb.active
    ws.title = LABEL
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    ws.cell(LABEL_ROW, 1, LABEL).font = Font(name="黑体", size=12)
    title = ws.cell(TITLE_ROW, 1, TITLE)
    title.font = Font(name="方正小标宋简体", size=18)
    title.alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    ws.row_dimensions[TITLE_ROW].height = 36
    header_font = Font(name="黑体", size=11)
    body_font = Font(name="仿宋_GB2312", size=11)
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
            horizontal="center" if i in CENTERED else "left", vertical="center" if i in CENTERED else "top", wrap_text=True
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
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if not ws.oddFooter.center.text:
        ws.oddFooter.center.text = FOOTER
    ws.freeze_panes = ws.cell(FIRST_ROW, 1)


def template_path(store: DeskStore) -> Path:
    return store.locations.templates / TEMPLATE_NAME


def load_template(path: Path | None) -> Workbook:
    """The office's template if it exists and reads, else the built-in one."""
    if path is not None and path.is_file():
        try:
            return load_workbook(path)
        except Exception as exc:  # a damaged template must not stop the export
            raise ExportError(f"模板 {path} 无法读取（{exc}）。请修复或删除该文件后重试（删除后使用内置样式）。") from exc
    return build_template()


def _font_points(ws: Worksheet) -> float:
    size = ws.cell(FIRST_ROW, 2).font.sz or 11
    return round(float(size) * 1.45, 1)


def fill_workbook(
    wb: Workbook, packs: Sequence[Pack], progress: Progress | None = None
) -> tuple[Workbook, list[str]]:
    """Write the packs into the template workbook; returns it and any warnings."""
    ws = wb.worksheets[0]
    ncols = len(COLUMNS)
    styles = [ws.cell(FIRST_ROW, c)._style for c in range(1, ncols + 1)]
    for key in [k for k in ws._cells if k[0] >= FIRST_ROW]:
        del ws._cells[key]
    for r in [r for r in ws.row_dimensions if r >= FIRST_ROW]:
        del ws.row_dimensions[r]
    ws._current_row = HEADER_ROW
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
    heights, warnings = _fit_widths(rows, widths, line_points)
    for c, width in enumerate(widths, 1):
        ws.column_dimensions[get_column_letter(c)].width = width
    header_lines = max(line_count(h, w) for h, w in zip(HEADERS, widths))
    ws.row_dimensions[HEADER_ROW].height = header_lines * line_points + 6

    writer = RowWriter(ws, styles)
    total = len(rows)
    step = max(1, total // 50)
    dims = ws.row_dimensions
    for i, (row, height) in enumerate(zip(rows, heights)):
        r = FIRST_ROW + i
        writer.write(r, row, cleaned=True)
        dims[r].height = min(height, EXCEL_MAX_ROW_HEIGHT)
        if progress is not None and (i % step == 0):
            progress(i, total)
    if progress is not None:
        progress(total, total)
    return wb, warnings


def _fit_widths(rows: list[list[Any]], widths: list[float], line_points: float) -> tuple[list[float], list[str]]:
    """Row heights, widening the long-text columns until every row fits Excel's 409-point limit."""
    limit = EXCEL_MAX_ROW_HEIGHT - 4
    wide = [i for i, w in enumerate(widths) if w >= 20]
    heights = [row_height(row, widths, line_points) for row in rows]
    while heights and max(heights) > limit and wide and min(widths[i] for i in wide) < MAX_WIDTH:
        for i in wide:
            widths[i] = min(MAX_WIDTH, round(widths[i] * 1.25, 1))
        heights = [row_height(row, widths, line_points) for row in rows]
    if heights and max(heights) > limit:
        at = heights.index(max(heights))
        return heights, [f"序号 {at + 1} 的内容太长，Excel 单行最高 409 磅，打印时可能显示不全，请精简该行文字"]
    return heights, []


def write_annex2(
    store: DeskStore,
    *,
    out: str | os.PathLike[str] | None = None,
    statuses: Sequence[str] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the 附件2 workbook; returns where it went (never over an earlier export)."""
    now = now or store.clock()
    packs = select_packs(store, statuses)
    path = export_path(store.locations, STEM, ".xlsx", now, out)
    with paused_gc():
        wb, warnings = fill_workbook(load_template(template_path(store)), packs, progress)
        wb.properties.keywords = store_keyword(store)  # the chain head: deskapp check --against this file
        save_new(path, wb.save)
    return ExportResult(path, len(packs), warnings)
