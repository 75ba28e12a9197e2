"""附件2 complete or accounted for, and papers that print: the second sheet, late packs left out
(and the setting that lists them), stock fonts, text sizes on paper, the 台账's date cells,
print area, frozen header and filters. Workbooks opened with openpyxl."""

from __future__ import annotations

import zipfile
from datetime import datetime

import pytest
from openpyxl import load_workbook

from deskapp.config import ConfigError, load_config
from deskapp.exports.annex2 import (
    HEADERS,
    STATUS_SHEET,
    build_template,
    fill_workbook,
    plan_annex2,
    write_annex2,
)
from deskapp.exports.common import column_points, printable_points, printed_scale
from deskapp.exports.docx import write_annex2_docx
from deskapp.exports.register import printed_columns, register_headers, write_register
from deskapp.locations import templates_dir
from deskapp.readers import read_file
from deskapp.readers.prefill import apply, current_values, propose
from tests import formfactory as ff
from tests.supervisor_helpers import add_supervisor, complete_studio, known_round

FULL = {
    "awards": "2021年 全国技术能手",
    "achievements": "主持技术攻关12项。",
    "unit_intro": "公司成立于2012年。",
    "support": "提供场地120平方米。",
    "goals": "三年培养高级技师5名。",
}
STOCK_FONTS = {"宋体", "黑体", "仿宋", "楷体"}


@pytest.fixture
def sdesk(desk):
    return add_supervisor(desk)


def _status_rows(ws):
    heads = [c.value for c in ws[1]]
    return heads, {r[1]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=2, values_only=True)}


def test_official_sheet_is_the_notice_table_and_the_second_sheet_accounts_for_every_studio(sdesk, tmp_path):
    packs = known_round(sdesk)  # accepted, missing items, late, withdrawn, voided, one project
    typed = sdesk.store.update(
        packs["accepted"].id, {f"details.{k}": v for k, v in FULL.items()}, "张三", action="details"
    )
    form = read_file(ff.form1(tmp_path / "附件1.docx", cover={"工作室名称": "乙工作室"}))
    prefill = propose(
        "studio", current_values(packs["missing"]), [form], sdesk.config.round.sectors, pack=packs["missing"]
    )
    apply(
        sdesk.store,
        packs["missing"].id,
        [p for p in prefill.proposals if p.path.startswith("details.")],
        [form],
        "张三",
    )
    result = write_annex2(sdesk.store)
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["附件2", STATUS_SHEET]
    official = wb["附件2"]
    assert tuple(c.value for c in official[3]) == HEADERS and official.max_column == len(HEADERS) == 11
    names = [r[2] for r in official.iter_rows(min_row=4, values_only=True)]
    assert names == ["甲工作室", "乙工作室"] and result.rows == 2  # 丙 late, 丁 withdrawn, 戊 voided: left out
    heads, rows = _status_rows(wb[STATUS_SHEET])
    assert heads[:8] == [
        "序号",
        "收件编号",
        "申报单位",
        "工作室名称",
        "状态",
        "列入附件2",
        "附件2内容",
        "附件2缺少栏目",
    ]
    assert set(rows) == {p.receipt_no for k, p in packs.items() if k != "project"}
    accepted, missing = rows[typed.receipt_no], rows[packs["missing"].receipt_no]
    assert (accepted["列入附件2"], accepted["附件2内容"], accepted["附件2缺少栏目"]) == ("是", "手工填写", None)
    assert missing["附件2内容"] == "来自电子版" and missing["缺少材料"] == "佐证材料、电子版"
    late = rows[packs["late"].receipt_no]
    assert late["列入附件2"].startswith("否：逾期，视为放弃") and late["逾期/视为放弃"] == "逾期，视为放弃"
    assert late["附件2内容"] == "缺" and "依托单位简介" in late["附件2缺少栏目"]
    assert rows[packs["withdrawn"].receipt_no]["列入附件2"] == "否：撤回"
    assert rows[packs["voided"].receipt_no]["列入附件2"] == "否：已作废"
    # the clerk is told before writing (and in the result) which rows lack content, and what was left out
    plan = plan_annex2(sdesk.store)
    assert [p.receipt_no for p, _ in plan.lacking] == []  # both official rows are complete
    assert any("逾期 1 件视为放弃" in w and packs["late"].receipt_no in w for w in result.warnings)


def test_flags_on_the_second_sheet_out_of_scope_members_pages(sdesk):
    pack = sdesk.store.register(
        "studio",
        {"unit": "某公司", "name": "旅游工作室", "sector": "旅游", "leader": "王", "members": 3},
        "张三",
        pages=31,
    )
    ws = load_workbook(write_annex2(sdesk.store).path)[STATUS_SHEET]
    row = _status_rows(ws)[1][pack.receipt_no]
    assert "不在申报范围" in row["领域不在范围"] and "3" in row["成员人数"] and "31页" in row["页数"]
    assert row["列入附件2"] == "是" and row["附件2内容"] == "缺"


def test_rows_lacking_content_are_named_before_writing(sdesk):
    full = complete_studio(sdesk, name="齐全工作室", details=FULL)
    bare = complete_studio(sdesk, name="空白工作室")
    half = complete_studio(sdesk, name="半个工作室", details={"awards": "一项"})
    plan = plan_annex2(sdesk.store)
    assert [p.receipt_no for p, _ in plan.lacking] == [bare.receipt_no, half.receipt_no]
    (line,) = plan.warnings()
    assert line.startswith("2 行缺附件2内容：") and bare.receipt_no in line and full.receipt_no not in line
    result = write_annex2(sdesk.store)
    assert result.rows == 3 and line in result.warnings  # the clerk can still export


def test_late_packs_are_included_by_the_setting(sdesk):
    packs = known_round(sdesk)
    assert [p.name for p in plan_annex2(sdesk.store).official] == ["甲工作室", "乙工作室"]
    office = sdesk.locations.config
    office.write_text(office.read_text(encoding="utf-8") + "\n[export]\ninclude_late = true\n", encoding="utf-8")
    sdesk.reload_config()
    result = write_annex2(sdesk.store)
    ws = load_workbook(result.path)["附件2"]
    assert [r[2] for r in ws.iter_rows(min_row=4, values_only=True)] == ["甲工作室", "乙工作室", "丙工作室"]
    late = _status_rows(load_workbook(result.path)[STATUS_SHEET])[1][packs["late"].receipt_no]
    assert late["列入附件2"] == "是" and late["逾期/视为放弃"] == "逾期，视为放弃"
    assert not any("视为放弃，未列入" in w for w in result.warnings)
    # and the Word table follows the same rows
    import docx

    table = docx.Document(str(write_annex2_docx(sdesk.store, include_late=False).path)).tables[0]
    assert [row.cells[2].text for row in table.rows[1:]] == ["甲工作室", "乙工作室"]


def test_include_late_must_be_true_or_false(data_dir):
    office = data_dir / "desk.toml"
    office.write_text('[export]\ninclude_late = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"export\.include_late"):
        load_config(templates_dir() / "desk.toml", office)


def _fonts(path):
    with zipfile.ZipFile(path) as z:
        names = [n for n in z.namelist() if n.endswith(".xml")]
        return "".join(z.read(n).decode("utf-8") for n in names)


def test_annex2_fonts_exist_on_office_pcs_and_print_at_10pt_or_more(sdesk):
    complete_studio(sdesk, details=FULL)
    path = write_annex2(sdesk.store).path
    xml = _fonts(path)
    assert "方正" not in xml and "GB2312" not in xml
    ws = load_workbook(path)["附件2"]
    fonts = {ws.cell(r, c).font.name for r in (1, 2, 3, 4) for c in (1, 2, 6) if ws.cell(r, c).value is not None}
    assert fonts <= STOCK_FONTS and {ws["A2"].font.name, ws["B3"].font.name, ws["B4"].font.name} == {
        "宋体",
        "黑体",
        "仿宋",
    }
    # short texts: A4 landscape, one page wide, and the widths leave the 11 pt body at ≥ 10 pt
    assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.fitToWidth == 1
    assert ws["B4"].font.sz * printed_scale(ws, 11) >= 10
    for template in (build_template().worksheets[0], load_workbook(templates_dir() / "annex2.xlsx").worksheets[0]):
        assert {template["A2"].font.name, template["B3"].font.name, template["B4"].font.name} == {
            "宋体",
            "黑体",
            "仿宋",
        }
        assert template.cell(4, 2).font.sz * printed_scale(template, 11) >= 10
    docx_xml = _fonts(write_annex2_docx(sdesk.store).path)
    assert "方正" not in docx_xml and "GB2312" not in docx_xml and "仿宋" in docx_xml


def test_long_texts_go_to_a3_never_below_10pt(sdesk):
    complete_studio(sdesk, details={**FULL, "achievements": "主持完成气化炉节能改造项目。" * 60})
    wb, warnings = fill_workbook(build_template(), plan_annex2(sdesk.store).official)
    ws = wb.worksheets[0]
    assert int(ws.page_setup.paperSize) == 8 and any("A3" in w for w in warnings)
    assert 11 * printed_scale(ws, 11) >= 10 and ws.row_dimensions[4].height <= 409


def test_print_arithmetic():
    # Excel: (7 px per character + 5 px) at 96 dpi; A4 landscape less 0.4 in margins each side
    assert column_points(10) == 56.25
    ws = build_template().worksheets[0]
    assert round(printable_points(ws), 1) == round(297 / 25.4 * 72 - 0.8 * 72, 1)
    ws.column_dimensions["L"].width = 400  # a column outside the table does not shrink it
    assert printed_scale(ws, 11) == printed_scale(build_template().worksheets[0], 11)


def test_register_prints_at_9pt_with_date_cells_frozen_header_and_filters(sdesk, monkeypatch):
    monkeypatch.setenv("TZ", "America/New_York")  # the machine's zone never shows
    packs = known_round(sdesk)
    wb = load_workbook(write_register(sdesk.store).path)
    for kind, label in (("studio", "人才工作室"), ("project", "人才项目")):
        ws = wb[label]
        heads = [c.value for c in ws[1]]
        assert heads == list(register_headers(sdesk.store, kind))
        printed = printed_columns(kind)
        assert heads[:3] == ["序号", "收件编号", "申报单位"] and {"收件时间", "状态", "缺少材料", "提示"} <= set(
            heads[:printed]
        )
        assert ws.print_area == f"'{label}'!$A$1:${chr(64 + printed)}${ws.max_row}"
        assert int(ws.page_setup.paperSize) == 9 and ws.page_setup.orientation == "landscape"
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws["B2"].font.sz * printed_scale(ws, printed) >= 9
        assert (
            ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{ws.cell(1, len(heads)).column_letter}{ws.max_row}"
        )
        assert ws.print_title_rows == "$1:$1" and {ws["B1"].font.name, ws["B2"].font.name} <= STOCK_FONTS
        when = ws.cell(2, heads.index("收件时间") + 1)
        assert when.is_date and when.number_format == "yyyy-mm-dd hh:mm" and when.value.tzinfo is None
    studio = wb["人才工作室"]
    heads = [c.value for c in studio[1]]
    times = {r[1]: r[heads.index("收件时间")] for r in studio.iter_rows(min_row=2, values_only=True)}
    assert times[packs["late"].receipt_no] == datetime(2026, 6, 16, 8, 5)  # noqa: DTZ001 - Excel has no zone: Beijing wall time
