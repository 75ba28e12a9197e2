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

from deskapp.anchor import store_keyword
from deskapp.config import KIND_LABELS, KINDS
from deskapp.dashboard import assess_packs
from deskapp.exports.common import (
    EXCEL_MAX_ROW_HEIGHT,
    ExportResult,
    Progress,
    RowWriter,
    clean_text,
    export_path,
    paused_gc,
    row_height,
    save_new,
)
from deskapp.models import Pack
from deskapp.outcomes import status_text
from deskapp.rules import Assessment
from deskapp.store import DeskStore
from deskapp.timeutil import show

STEM = "受理台账"
YES, NO = "✓", "✗"

# (header, width, value) before and after the checklist columns.
LEAD: tuple[tuple[str, float], ...] = (
    ("序号", 6),
    ("收件编号", 17),
    ("申报单位", 22),
    ("名称", 22),
    ("研究领域", 13),
    ("领衔人/负责人", 10),
    ("联系人", 8),
    ("联系电话", 13),
    ("成员人数", 6),
)
TAIL: tuple[tuple[str, float], ...] = (
    ("页数", 6),
    ("电子版介质", 9),
    ("收件时间", 17),
    ("受理人", 8),
    ("状态", 14),
    ("是否逾期", 6),
    ("缺少材料", 30),
    ("提示", 30),
    ("结论说明", 24),
    ("备注", 20),
)


def _lead(n: int, pack: Pack) -> list[Any]:
    return [
        n,
        pack.receipt_no,
        pack.unit,
        pack.name,
        pack.sector,
        pack.leader,
        pack.contact,
        pack.phone,
        pack.members if pack.members is not None else "",
    ]


def _tail(pack: Pack, verdict: Assessment) -> list[Any]:
    outcome = pack.outcome
    note = pack.void_reason if pack.voided else str(outcome.get("reason", ""))
    if pack.voided:
        note = "作废原因：" + note
    return [
        pack.pages if pack.pages is not None else "",
        pack.ecopy_medium,
        show(pack.received_at, seconds=True),
        pack.clerk,
        status_text(pack),
        "逾期" if verdict.late else "",
        "、".join(verdict.missing),
        "；".join(f.text for f in verdict.flags),
        note,
        pack.notes,
    ]


@paused_gc()
def write_register(
    store: DeskStore,
    *,
    out: str | os.PathLike[str] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    round_id: str | None = None,
) -> ExportResult:
    """Write the 台账 workbook of every pack of the round; returns where it went."""
    now = now or store.clock()
    round_ = store.config.round
    packs = store.packs(round_id or round_.id)
    packs.sort(key=lambda p: (p.kind, p.seq))
    verdicts = assess_packs(store, packs)
    path = export_path(store.locations, STEM, ".xlsx", now, out)

    wb = Workbook()
    wb.remove(wb.active)
    thin = Side(style="thin", color="000000")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    head_style = wb.create_sheet("_style").cell(1, 1)
    head_style.font = Font(name="黑体", size=10, bold=True)
    head_style.fill = PatternFill("solid", fgColor="DDEBF7")
    head_style.border = border
    head_style.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    body_style = head_style.parent.cell(1, 2)
    body_style.font = Font(name="宋体", size=10)
    body_style.border = border
    body_style.alignment = Alignment(vertical="top", wrap_text=True)
    head_array, body_array = head_style._style, body_style._style
    wb.remove(head_style.parent)

    done, total = 0, len(packs)
    for kind in KINDS:
        ws = wb.create_sheet(KIND_LABELS[kind])
        items = round_.checklist(kind)
        columns = _columns(store, kind)
        widths = [w for _, w in columns]
        RowWriter(ws, [head_array] * len(columns)).write(1, [h for h, _ in columns])
        ws.row_dimensions[1].height = 42
        for c, width in enumerate(widths, 1):
            ws.column_dimensions[get_column_letter(c)].width = width
        writer = RowWriter(ws, [body_array] * len(columns))
        kind_packs = [p for p in packs if p.kind == kind]
        for n, pack in enumerate(kind_packs, 1):
            verdict = verdicts[pack.id]
            checks = [YES if pack.checklist.get(item.key) else NO for item in items]
            row = [*_lead(n, pack), *checks, *_tail(pack, verdict)]
            writer.write(n + 1, row)
            ws.row_dimensions[n + 1].height = min(
                row_height([clean_text(v) for v in row], widths, 13.5), EXCEL_MAX_ROW_HEIGHT
            )
            done += 1
            if progress is not None and done % 100 == 0:
                progress(done, total)
        ws.freeze_panes = "C2"
        ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(1, len(kind_packs) + 1)}"
        ws.print_title_rows = "1:1"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    if progress is not None:
        progress(total, total)
    wb.properties.keywords = store_keyword(store)  # the chain head: deskapp check --against this file
    save_new(path, wb.save)
    return ExportResult(path, total)


def _columns(store: DeskStore, kind: str) -> list[tuple[str, float]]:
    columns = [*LEAD, *((item.label, 9.0) for item in store.config.round.checklist(kind)), *TAIL]
    columns[3] = ("工作室名称" if kind == "studio" else "项目名称", columns[3][1])
    return columns


def register_headers(store: DeskStore, kind: str) -> Sequence[str]:
    """The column headers of one sheet (for tests and the README)."""
    return [h for h, _ in _columns(store, kind)]
