"""The office's own 附件2 template (``annex2.xlsx`` beside ``desk.toml`` in the templates): whatever the
file holds, the export either uses it or stops with a message for the clerk, never with a traceback."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook, load_workbook

from deskapp.exports.annex2 import FOOTER, HEADERS, TITLE, fill_workbook, load_template
from deskapp.service import Desk
from tests.supervisor_helpers import complete_studio


def test_a_blank_workbook_as_template_still_gives_the_notice_table(tmp_path: Path, desk: Desk) -> None:
    # Row 4 of a blank sheet has cells without any style (openpyxl: _style None): the export died on it.
    Workbook().save(tmp_path / "annex2.xlsx")
    out, _ = fill_workbook(load_template(tmp_path / "annex2.xlsx"), [complete_studio(desk)])
    out.save(tmp_path / "out.xlsx")
    ws = load_workbook(tmp_path / "out.xlsx").worksheets[0]
    assert ws.cell(2, 1).value == TITLE and tuple(c.value for c in ws[3]) == HEADERS
    assert ws.cell(4, 1).value == 1 and ws.cell(4, 2).value == "准东某煤化工有限公司"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
    assert ws.oddFooter.center.text == FOOTER and ws.print_title_rows == "$3:$3"
