"""The register (台账): every pack of the round, both kinds, one sheet per kind.

Columns: identity and contact, every checklist item of the kind (✓ / ✗), page count, status
and outcome, flags, received time, clerk, missing items. Voided packs are listed as 已作废.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from deskapp.anchor import store_keyword
from deskapp.config import KIND_LABELS, KINDS
from deskapp.dashboard import assess_packs
from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    PAPER_A4,
    ExportResult,
    Progress,
    RowWriter,
    clean_text,
    export_path,
    first_worksheet,
    fit_to_page,
    odd_footer,
    odd_header,
    paused_gc,
    row_height,
    save_new,
    style_of,
)
from deskapp.models import Pack
from deskapp.outcomes import status_text
from deskapp.rules import Assessment
from deskapp.store import DeskStore
from deskapp.timeutil import parse_time, to_beijing

STEM = "受理台账"
YES, NO = "✓", "✗"
BODY_SIZE = 10
MIN_PRINTED_POINTS = 9.0
"""The smallest text on paper (issue 13: a 台账 readable at ≥ 9 pt on A4 landscape)."""
TIME_FORMAT = "yyyy-mm-dd hh:mm"
PRINT_NOTE = "打印主要栏目；材料清单勾选、电子版介质、受理人、结论说明、备注在表格右侧（不打印）"

# What matters on paper, in this order: printed on A4 landscape, one page wide. Widths add up to
# about 150 characters, so the 10 pt text prints at ≥ 9 pt (see ``printed_scale``).
PAPER: tuple[tuple[str, float], ...] = (
    ("序号", 4.5),
    ("收件编号", 18.5),
    ("申报单位", 15),
    ("名称", 15),
    ("研究领域", 9),
    ("领衔人/负责人", 7),
    ("联系人", 7),
    ("联系电话", 14.5),
    ("成员人数", 5),
    ("页数", 5),
    ("收件时间", 17),
    ("状态", 9),
    ("缺少材料", 13.5),
    ("提示", 15.5),
)
# After the printed columns (kept for filtering and for the screen): every checklist item, then these.
REST: tuple[tuple[str, float], ...] = (
    ("电子版介质", 9),
    ("受理人", 8),
    ("是否逾期", 6),
    ("结论说明", 24),
    ("备注", 20),
)


def received_cell(pack: Pack) -> datetime:
    """收件时间 as Excel wants a date: Beijing time without a zone (Excel has none)."""
    return to_beijing(parse_time(pack.received_at)).replace(tzinfo=None)


def _values(n: int, pack: Pack, verdict: Assessment, checks: list[str]) -> dict[str, Any]:
    outcome = pack.outcome
    note = pack.void_reason if pack.voided else str(outcome.get("reason", ""))
    if pack.voided:
        note = "作废原因：" + note
    return {
        "序号": n,
        "收件编号": pack.receipt_no,
        "申报单位": pack.unit,
        "名称": pack.name,
        "研究领域": pack.sector,
        "领衔人/负责人": pack.leader,
        "联系人": pack.contact,
        "联系电话": pack.phone,
        "成员人数": pack.members if pack.members is not None else "",
        "页数": pack.pages if pack.pages is not None else "",
        "收件时间": received_cell(pack),
        "状态": status_text(pack),
        "缺少材料": "、".join(verdict.missing),
        "提示": "；".join(f.text for f in verdict.flags),
        "电子版介质": pack.ecopy_medium,
        "受理人": pack.clerk,
        "是否逾期": "逾期" if verdict.late else "",
        "结论说明": note,
        "备注": pack.notes,
        "checks": checks,
    }


@paused_gc()
def write_register(
    store: DeskStore,
    *,
    out: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    round_id: str | None = None,
) -> ExportResult:
    """Write the 台账 workbook of every pack of the round; returns where it went.

    One sheet per kind. The columns that matter on paper come first and are the print area
    (A4 landscape, one page wide, ≥ 9 pt); the checklist ticks and the rest follow outside it.
    收件时间 is a real date cell (Beijing time). Header row frozen, filters on every column.
    """
    now = now or store.clock()
    round_ = store.config.round
    packs = store.packs(round_id or round_.id)
    packs.sort(key=lambda p: (p.kind, p.serial))
    verdicts = assess_packs(store, packs)
    path = export_path(store.locations, STEM, ".xlsx", now, out)

    wb = Workbook()
    wb.remove(first_worksheet(wb))
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    scratch: Worksheet = wb.create_sheet("_style")
    head_style = scratch.cell(1, 1)
    head_style.font = Font(name="黑体", size=BODY_SIZE, bold=True, charset=134)
    head_style.fill = PatternFill("solid", fgColor="DDEBF7")
    head_style.border = border
    head_style.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_style = scratch.cell(1, 2)
    body_style.font = Font(name="宋体", size=BODY_SIZE, charset=134)
    body_style.border = border
    body_style.alignment = Alignment(vertical="top", wrap_text=True)
    time_style = scratch.cell(1, 3)
    time_style.font = Font(name="宋体", size=BODY_SIZE, charset=134)
    time_style.border = border
    time_style.alignment = Alignment(vertical="top")
    time_style.number_format = TIME_FORMAT
    head_array, body_array, time_array = style_of(head_style), style_of(body_style), style_of(time_style)
    wb.remove(scratch)

    done, total = 0, len(packs)
    for kind in KINDS:
        ws: Worksheet = wb.create_sheet(KIND_LABELS[kind])
        items = round_.checklist(kind)
        columns = _columns(store, kind)
        headers = [h for h, _ in columns]
        keys = _keys(store, kind)
        widths = [w for _, w in columns]
        printed = len(_paper(kind))
        RowWriter(ws, [head_array] * len(columns)).write(1, headers)
        ws.row_dimensions[1].height = 42  # three lines of 10 pt (领衔人/负责人 in a narrow column)
        for c, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = width
        styles = [time_array if key == "收件时间" else body_array for key in keys]
        writer = RowWriter(ws, styles)
        kind_packs = [p for p in packs if p.kind == kind]
        for n, pack in enumerate(kind_packs, 1):
            checks = [YES if pack.checklist.get(item.key) else NO for item in items]
            values = _values(n, pack, verdicts[pack.id], checks)
            row = _ordered(values, keys)
            writer.write(n + 1, row)
            texts = [clean_text(v) if isinstance(v, str) else "" for v in row]
            ws.row_dimensions[n + 1].height = min(row_height(texts, widths, BODY_SIZE * 1.35), EXCEL_MAX_ROW_HEIGHT)
            done += 1
            if progress is not None and done % 100 == 0:
                progress(done, total)
        last = max(1, len(kind_packs) + 1)
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{last}"
        ws.print_title_rows = "1:1"
        ws.print_area = f"A1:{get_column_letter(printed)}{last}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = PAPER_A4
        ws.page_margins.left = ws.page_margins.right = 0.3
        ws.page_margins.top = ws.page_margins.bottom = 0.8
        ws.page_margins.header = ws.page_margins.footer = 0.3
        fit_to_page(ws)
        ws.print_options.horizontalCentered = True
        odd_header(ws).center.text = f"{round_.name} 受理台账（{KIND_LABELS[kind]}）"
        footer = odd_footer(ws)
        footer.left.text = PRINT_NOTE
        footer.right.text = "第 &P 页，共 &N 页"
    if progress is not None:
        progress(total, total)
    wb.properties.keywords = store_keyword(store)  # the chain head: deskapp check --against this file
    save_new(path, wb.save)
    return ExportResult(path, total)


def _paper(kind: str) -> list[tuple[str, float]]:
    return [(h, w) for h, w in PAPER if kind == "studio" or h != "成员人数"]


def _keys(store: DeskStore, kind: str) -> list[str]:
    """The value keys of the columns, in order (checklist items as ``check:<n>``)."""
    items = store.config.round.checklist(kind)
    return [*(h for h, _ in _paper(kind)), *(f"check:{i}" for i in range(len(items))), *(h for h, _ in REST)]


def _ordered(values: dict[str, Any], keys: list[str]) -> list[Any]:
    return [values["checks"][int(k[6:])] if k.startswith("check:") else values[k] for k in keys]


def _columns(store: DeskStore, kind: str) -> list[tuple[str, float]]:
    items = store.config.round.checklist(kind)
    columns = [*_paper(kind), *((item.label, 9.0) for item in items), *REST]
    columns[3] = ("工作室名称" if kind == "studio" else "项目名称", columns[3][1])
    return columns


def register_headers(store: DeskStore, kind: str) -> Sequence[str]:
    """The column headers of one sheet (for tests and the README)."""
    return [h for h, _ in _columns(store, kind)]


def printed_columns(kind: str) -> int:
    """How many columns (from A) the 台账 prints for ``kind``."""
    return len(_paper(kind))
