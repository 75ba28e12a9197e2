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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.anchor import store_keyword
from deskapp.crosscheck import ORIGIN_LABELS, Annex2Content, annex2_content
from deskapp.exports.annex2_sheet import (
    BODY_FONT,
    BODY_SIZE,
    CENTERED,
    COLUMNS,
    FIRST_ROW,
    FOOTER,
    GB2312,
    HEAD_FONT,
    HEADER_ROW,
    HEADERS,
    LABEL,
    LABEL_ROW,
    MAX_WIDTH,
    MIN_PRINTED_POINTS,
    STEM,
    TEMPLATE_NAME,
    TITLE,
    TITLE_FONT,
    TITLE_ROW,
    apply_print_setup,
    build_template,
    fill_workbook,
    load_template,
    rows_of,
    template_path,
)
from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    PAPER_A3,
    ExportError,
    ExportResult,
    Progress,
    RowWriter,
    clean_row,
    export_path,
    fit_to_page,
    odd_footer,
    odd_header,
    paused_gc,
    row_height,
    save_new,
    style_of,
)
from deskapp.models import STATUS_LABELS, Pack
from deskapp.rules import is_late
from deskapp.store import DeskStore

__all__ = [
    "ALL_STATUSES",
    "BODY_FONT",
    "BODY_SIZE",
    "CENTERED",
    "COLUMNS",
    "DEFAULT_STATUSES",
    "FIRST_ROW",
    "FOOTER",
    "GB2312",
    "HEADERS",
    "HEADER_ROW",
    "HEAD_FONT",
    "LABEL",
    "LABEL_ROW",
    "LATE_REASON",
    "MAX_WIDTH",
    "MIN_PRINTED_POINTS",
    "STATUS_HEADERS",
    "STATUS_SHEET",
    "STEM",
    "TEMPLATE_NAME",
    "TITLE",
    "TITLE_FONT",
    "TITLE_ROW",
    "Annex2Plan",
    "apply_print_setup",
    "build_template",
    "fill_status_sheet",
    "fill_workbook",
    "leave_out_reason",
    "load_template",
    "parse_statuses",
    "plan_annex2",
    "rows_of",
    "select_packs",
    "status_rows",
    "studio_packs",
    "template_path",
    "write_annex2",
]
"""The sheet's names are re-exported: the 附件2 export is reached through this module."""

DEFAULT_STATUSES = tuple(s for s in STATUS_LABELS if s != "withdrawn")
"""By default every studio pack not voided and not withdrawn."""
ALL_STATUSES = (*STATUS_LABELS, "voided")
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
