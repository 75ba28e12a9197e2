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
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.anchor import store_keyword
from deskapp.crosscheck import ORIGIN_LABELS, Annex2Content, annex2_content
from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    PAPER_A3,
    PAPER_A4,
    ExportError,
    ExportResult,
    Progress,
    RowWriter,
    clean_row,
    export_path,
    first_worksheet,
    fit_to_page,
    line_count,
    odd_footer,
    odd_header,
    paused_gc,
    printed_scale,
    row_height,
    save_new,
    set_last_row,
    style_of,
)
from deskapp.models import STATUS_LABELS, Pack
from deskapp.rules import is_late
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
DEFAULT_STATUSES = tuple(s for s in STATUS_LABELS if s != "withdrawn")
"""By default every studio pack not voided and not withdrawn."""
ALL_STATUSES = (*STATUS_LABELS, "voided")
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
STATUS_SHEET = "申报情况"
LATE_REASON = "逾期，视为放弃（通知：逾期未上报视为放弃）"
STATUS_HEADERS: tuple[tuple[str, float], ...] = (
    ("序号", 5),
    ("收件编号", 18.5),
    ("申报单位", 18),
    ("工作室名称", 18),
    ("状态", 12),
    ("列入附件2", 18),
    ("附件2内容", 14),
    ("附件2缺少栏目", 20),
    ("缺少材料", 20),
    ("逾期/视为放弃", 12),
    ("领域不在范围", 14),
    ("成员人数", 14),
    ("页数", 14),
    ("其他提示", 24),
)
"""The second sheet: every studio pack of the round, whether and why it is (not) on the first."""


def parse_statuses(values: Iterable[str]) -> tuple[str, ...]:
    """Status keys from keys or Chinese labels (``accepted``, ``受理``, ``已作废``...), each value possibly a
    comma-separated list (, or ，); repeats dropped, order kept. :class:`ExportError` naming the choices for
    an unknown one."""
    by_label = {label: key for key, label in STATUS_LABELS.items()} | {"已作废": "voided", "作废": "voided"}
    chosen = []
    for value in values:
        for raw in str(value).replace("，", ",").split(","):
            part = raw.strip()
            if not part:
                continue
            key = part if part in ALL_STATUSES else by_label.get(part)
            if key is None:
                labels = "、".join(f"{k}（{v}）" for k, v in {**STATUS_LABELS, "voided": "已作废"}.items())
                raise ExportError(f"不认识的状态：{part}。可用：{labels}")
            chosen.append(key)
    return tuple(dict.fromkeys(chosen))


def studio_packs(store: DeskStore, round_id: str | None = None) -> list[Pack]:
    """Every studio pack of the round, voided included, oldest receipt first."""
    packs = [p for p in store.packs(round_id or store.config.round.id) if p.kind == "studio"]
    packs.sort(key=lambda p: p.serial)
    return packs


def leave_out_reason(pack: Pack, statuses: Sequence[str], late: bool, include_late: bool) -> str:
    """Why a studio pack is not on the official sheet, or "" when it is.

    Voided and withdrawn packs and statuses not chosen are left out; a late pack is left out
    unless ``include_late`` (the notice: 对逾期未上报申报材料的单位视为放弃, 三.3).
    """
    status = "voided" if pack.voided else pack.status
    if status not in statuses:
        return f"不列入：{pack.status_label}"
    if late and not include_late:
        return "不列入：" + LATE_REASON
    return ""


def select_packs(
    store: DeskStore,
    statuses: Sequence[str] | None = None,
    round_id: str | None = None,
    include_late: bool | None = None,
) -> list[Pack]:
    """Studio packs of the official sheet: oldest receipt first, status in ``statuses``, late packs
    only when ``include_late`` (default: the ``[export] include_late`` setting, off)."""
    return plan_annex2(store, statuses, round_id, include_late).official


@dataclass
class Annex2Plan:
    """What the 附件2 export will write, known before writing: the official rows, the packs left
    out (with the reason), and the official rows whose 附件2 content is not complete."""

    official: list[Pack]
    every: list[tuple[Pack, str, Annex2Content]]
    """Every studio pack of the round: the pack, why it is left out ("" when listed), its content."""
    late_left_out: list[Pack] = field(default_factory=list)

    @property
    def lacking(self) -> list[tuple[Pack, Annex2Content]]:
        """Official rows whose 附件2 content is incomplete: (pack, its content with ``missing`` columns)."""
        return [(p, c) for p, why, c in self.every if not why and not c.complete]

    def warnings(self, limit: int = 20) -> list[str]:
        """Chinese lines for the clerk before (and after) writing: rows lacking content, late packs left out."""
        lines = []
        lacking = self.lacking
        if lacking:
            shown = "、".join(f"{p.receipt_no}（缺{len(c.missing)}栏）" for p, c in lacking[:limit])
            more = f" 等 {len(lacking)} 件" if len(lacking) > limit else ""
            lines.append(f"{len(lacking)} 行缺附件2内容：{shown}{more}")
        if self.late_left_out:
            numbers = "、".join(p.receipt_no for p in self.late_left_out[:limit])
            more = f" 等 {len(self.late_left_out)} 件" if len(self.late_left_out) > limit else ""
            lines.append(
                f"逾期 {len(self.late_left_out)} 件视为放弃，未列入附件2（见“{STATUS_SHEET}”表）：{numbers}{more}"
            )
        return lines


def plan_annex2(
    store: DeskStore,
    statuses: Sequence[str] | None = None,
    round_id: str | None = None,
    include_late: bool | None = None,
) -> Annex2Plan:
    """Decide the rows of the 附件2 export without writing anything (fast: one pass, no files)."""
    wanted = tuple(statuses or DEFAULT_STATUSES)
    if include_late is None:
        include_late = store.config.export.include_late
    round_ = store.config.round
    every = []
    official = []
    late_out = []
    for pack in studio_packs(store, round_id):
        late = is_late(round_, pack)
        why = leave_out_reason(pack, wanted, late, include_late)
        every.append((pack, why, annex2_content(pack)))
        if not why:
            official.append(pack)
        elif late and not include_late and ("voided" if pack.voided else pack.status) in wanted:
            late_out.append(pack)
    return Annex2Plan(official, every, late_out)


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


def status_rows(plan: Annex2Plan, store: DeskStore) -> list[list[Any]]:
    """The rows of the second sheet (:data:`STATUS_HEADERS`), cleaned for the cells."""
    from deskapp.dashboard import assess_packs

    verdicts = assess_packs(store, [p for p, _, _ in plan.every])
    rows = []
    for n, (pack, why, content) in enumerate(plan.every, 1):
        verdict = verdicts[pack.id]
        by_code = {f.code: f.text for f in verdict.flags}
        members = "；".join(t for c, t in by_code.items() if "members" in c)
        pages = "；".join(t for c, t in by_code.items() if "pages" in c)
        shown = {"late", "sector_out_of_scope"} | {c for c in by_code if "members" in c or "pages" in c}
        rows.append(
            clean_row(
                [
                    n,
                    pack.receipt_no,
                    pack.unit,
                    pack.name,
                    pack.status_label,
                    "是" if not why else "否：" + why.removeprefix("不列入："),
                    ORIGIN_LABELS[content.origin],
                    "、".join(content.missing),
                    "、".join(verdict.missing),
                    "逾期，视为放弃" if "late" in by_code else "",
                    by_code.get("sector_out_of_scope", ""),
                    members,
                    pages,
                    "；".join(t for c, t in by_code.items() if c not in shown),
                ]
            )
        )
    return rows


def fill_status_sheet(wb: Workbook, plan: Annex2Plan, store: DeskStore) -> Worksheet:
    """The second sheet: every studio pack of the round with its status, whether it is on the
    official sheet (and why not), its 附件2 content (from files / typed / missing), what it misses
    and its flags. Not part of the notice's table: the office's own account of it."""
    if STATUS_SHEET in wb.sheetnames:
        wb.remove(wb[STATUS_SHEET])
    ws: Worksheet = wb.create_sheet(STATUS_SHEET)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head = Font(name=HEAD_FONT, size=10, charset=GB2312)
    body = Font(name="宋体", size=10, charset=GB2312)
    for c, (header, width) in enumerate(STATUS_HEADERS, 1):
        cell = ws.cell(1, c, header)
        cell.font, cell.border = head, border
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(c)].width = width
    style = ws.cell(2, 1)  # the style of every data cell, shared through RowWriter (fast at 10,000 rows)
    style.font, style.border = body, border
    style.alignment = Alignment(vertical="top", wrap_text=True)
    writer = RowWriter(ws, [style_of(style)] * len(STATUS_HEADERS))
    widths = [w for _, w in STATUS_HEADERS]
    for n, row in enumerate(status_rows(plan, store), 1):
        writer.write(n + 1, row, cleaned=True)
        ws.row_dimensions[n + 1].height = min(row_height(row, widths, 13.5), EXCEL_MAX_ROW_HEIGHT)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(STATUS_HEADERS))}{max(1, len(plan.every) + 1)}"
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = PAPER_A3
    ws.page_margins.left = ws.page_margins.right = 0.4
    fit_to_page(ws)
    odd_header(ws).center.text = f"{store.config.round.name} 工作室申报情况（附件2 之外的说明，不属于通知的汇总表）"
    odd_footer(ws).center.text = FOOTER
    return ws


def write_annex2(
    store: DeskStore,
    *,
    out: str | os.PathLike[str] | None = None,
    statuses: Sequence[str] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    include_late: bool | None = None,
) -> ExportResult:
    """Write the 附件2 workbook; returns where it went (never over an earlier export).

    Sheet 1 is exactly the notice's table (附件2) of the official rows (:func:`plan_annex2`);
    sheet 2 (申报情况) lists every studio pack of the round. The result's warnings name the rows
    lacking 附件2 content and the late packs left out.
    """
    now = now or store.clock()
    plan = plan_annex2(store, statuses, include_late=include_late)
    path = export_path(store.locations, STEM, ".xlsx", now, out)
    with paused_gc():
        wb, warnings = fill_workbook(load_template(template_path(store)), plan.official, progress)
        fill_status_sheet(wb, plan, store)
        wb.properties.keywords = store_keyword(store)  # the chain head: deskapp check --against this file
        save_new(path, wb.save)
    return ExportResult(path, len(plan.official), [*plan.warnings(), *warnings])
