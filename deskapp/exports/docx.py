"""The 附件2 table as a Word document (the notice's 附件2 is a Word table): A4 landscape, header row repeated."""

from __future__ import annotations

import os
from collections.abc import Sequence
from copy import deepcopy
from datetime import datetime

from docx import Document
from docx.document import Document as WordDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Mm, Pt
from docx.styles.style import CharacterStyle
from docx.table import _Row
from docx.text.run import Run

from deskapp.anchor import store_keyword
from deskapp.exports.annex2 import CENTERED, COLUMNS, HEADERS, LABEL, STEM, TITLE, plan_annex2, rows_of
from deskapp.exports.common import ExportResult, Progress, clean_text, export_path, paused_gc, save_new
from deskapp.store import DeskStore

BODY_FONT = "仿宋"
HEAD_FONT = "黑体"
TITLE_FONT = "宋体"
"""Fonts every office PC has (see :mod:`deskapp.exports.annex2`); the title is set bold."""
MARGIN = Mm(15)


def _east_asian(run_or_style: Run | CharacterStyle, name: str) -> None:
    """Set a font for Latin and Chinese text alike (Word keeps them apart)."""
    run_or_style.font.name = name
    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), name)


def _repeat_header(row: _Row) -> None:
    trpr = row._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    trpr.append(flag)


def build_document(packs_rows: Sequence[Sequence[object]], progress: Progress | None = None) -> WordDocument:
    """The 附件2 document (notice 附件2: 准东开发区高层次人才（技能大师）工作室申报汇总表) for rows of
    :func:`deskapp.exports.annex2.rows_of` (序号 … 人才工作室工作任务目标): A4 landscape, 15 mm side margins,
    the label, the title, one table with the header row repeated on every page. ``progress(done, total)``
    is called now and then; nothing is written to disk."""
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Mm(297), Mm(210)
    section.left_margin = section.right_margin = MARGIN
    section.top_margin = section.bottom_margin = Mm(18)
    normal = doc.styles["Normal"]
    _east_asian(normal, BODY_FONT)
    normal.font.size = Pt(10.5)

    label = doc.add_paragraph()
    _east_asian(label.add_run(LABEL), HEAD_FONT)
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(TITLE)
    _east_asian(run, TITLE_FONT)
    run.font.size = Pt(18)
    run.font.bold = True

    table = doc.add_table(rows=1, cols=len(COLUMNS))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    usable = Mm(297) - 2 * MARGIN
    # Word's cell margins take more of a narrow column than Excel's: the short columns get a floor.
    weights = [max(c[1], 5.5 if i == 0 else 8.0) for i, c in enumerate(COLUMNS)]
    total = sum(weights)
    widths = [int(usable * w / total) for w in weights]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the table grid: LibreOffice and WPS lay the table out from it
    header = table.rows[0]
    _repeat_header(header)
    for cell, text, width in zip(header.cells, HEADERS, widths, strict=True):
        cell.width = width
        paragraph = cell.paragraphs[0]
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(paragraph.add_run(text), HEAD_FONT)

    # One prototype data row, copied per pack: much faster than python-docx building each cell.
    proto_row = table.add_row()
    for i, (cell, width) in enumerate(zip(proto_row.cells, widths, strict=True)):
        cell.width = width
        if i in CENTERED:
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
        cell.paragraphs[0].add_run("")
    proto = deepcopy(proto_row._tr)
    table._tbl.remove(proto_row._tr)
    tbl = table._tbl
    step = max(1, len(packs_rows) // 50)
    for n, values in enumerate(packs_rows):
        tr = deepcopy(proto)
        for tc, value in zip(tr.iterchildren(qn("w:tc")), values, strict=True):
            _set_cell_text(tc, clean_text(value))
        tbl.append(tr)
        if progress is not None and n % step == 0:
            progress(n, len(packs_rows))
    if progress is not None:
        progress(len(packs_rows), len(packs_rows))
    return doc


def _set_cell_text(tc: BaseOxmlElement, text: str) -> None:
    """Put ``text`` in the prototype cell's run (made if the cell has none); line breaks become Word
    line breaks."""
    p = tc.find(qn("w:p"))
    if p is None:
        p = OxmlElement("w:p")
        tc.append(p)
    r = p.find(qn("w:r"))
    if r is None:
        r = OxmlElement("w:r")
        p.append(r)
    for i, line in enumerate(text.split("\n")):
        if i:
            r.append(OxmlElement("w:br"))
        t = OxmlElement("w:t")
        t.set(qn("xml:space"), "preserve")
        t.text = line
        r.append(t)


@paused_gc()
def write_annex2_docx(
    store: DeskStore,
    *,
    out: str | os.PathLike[str] | None = None,
    statuses: Sequence[str] | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
    include_late: bool | None = None,
) -> ExportResult:
    """Write the 附件2 table as .docx; returns where it went (never over an earlier export).

    The same rows as the workbook's official sheet (:func:`plan_annex2`: late packs left out
    unless ``include_late``); the warnings name rows lacking 附件2 content and late packs left out.
    """
    now = now or store.clock()
    plan = plan_annex2(store, statuses, include_late=include_late)
    path = export_path(store.locations, STEM, ".docx", now, out)
    doc = build_document(rows_of(plan.official), progress)
    doc.core_properties.keywords = store_keyword(store)  # the chain head: deskapp check --against this file
    save_new(path, lambda p: doc.save(str(p)))
    return ExportResult(path, len(plan.official), plan.warnings())
