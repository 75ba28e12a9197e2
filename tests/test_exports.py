"""The exports, opened with their own libraries: 附件2 (xlsx, docx) and the register."""

import zipfile
from datetime import datetime

import docx
import pytest
from docx.enum.section import WD_ORIENT
from docx.oxml.ns import qn
from openpyxl import load_workbook
from openpyxl.styles import Font

from deskapp import outcomes
from deskapp.exports.annex2 import (
    HEADERS,
    TITLE,
    build_template,
    fill_workbook,
    load_template,
    parse_statuses,
    select_packs,
    write_annex2,
)
from deskapp.exports.common import ExportError, display_width, line_count, printed_scale
from deskapp.exports.docx import write_annex2_docx
from deskapp.exports.register import register_headers, write_register
from deskapp.timeutil import BEIJING

from .supervisor_helpers import PIN, SUPERVISOR, add_supervisor, complete_studio, known_round

HOSTILE = '=HYPERLINK("http://evil.example","点我")'
LONG = "主持完成气化炉节能改造项目，年节约标煤约1.2万吨；带徒32名。" * 12


@pytest.fixture
def sdesk(desk):
    return add_supervisor(desk)


def _studios(desk):
    a = complete_studio(
        desk,
        unit=HOSTILE,
        name="+甲工作室",
        leader="-王",
        sector="@教育",
        details={"awards": "2020年 自治区技术能手\n2022年 全国五一劳动奖章", "achievements": LONG},
    )
    b = complete_studio(desk, unit="准东某矿业有限公司", name="乙工作室", members=8, details={"goals": "目标\x07三年"})
    c = complete_studio(desk, unit="丙公司", name="丙工作室")
    outcomes.withdraw(desk.store, c.id, "张三")
    return a, b, c


def test_annex2_workbook_layout_values_and_print_settings(sdesk):
    _studios(sdesk)
    sdesk.store.register("project", {"unit": "项目单位", "name": "项目"}, "张三")  # never in 附件2
    result = write_annex2(sdesk.store)
    assert result.rows == 2 and result.path.parent == sdesk.locations.exports and result.path.suffix == ".xlsx"
    ws = load_workbook(result.path).worksheets[0]
    assert ws["A1"].value == "附件2" and ws["A2"].value == TITLE == "准东开发区高层次人才（技能大师）工作室申报汇总表"
    assert [str(r) for r in ws.merged_cells.ranges] == ["A2:K2"]
    assert tuple(c.value for c in ws[3]) == HEADERS
    assert HEADERS == (
        "序号",
        "申报单位",
        "工作室名称",
        "研究领域",
        "领衔人",
        "领衔人主要获奖情况",
        "工作室成员人数",
        "领衔人主要工作业绩",
        "依托单位简介",
        "依托单位对工作室支持措施",
        "人才工作室工作任务目标",
    )
    assert ws.max_row == 5
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    assert [r[0] for r in rows] == [1, 2]
    assert rows[0][1:8] == [
        HOSTILE,
        "+甲工作室",
        "@教育",
        "-王",
        "2020年 自治区技术能手\n2022年 全国五一劳动奖章",
        6,
        LONG,
    ]
    assert rows[1][1:3] == ["准东某矿业有限公司", "乙工作室"] and rows[1][6] == 8 and rows[1][10] == "目标三年"
    # Print: landscape (A3: the long achievements text widened its column), one page wide,
    # header row on every page, page numbers; text never below 10 pt on paper.
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 8
    assert 11 * printed_scale(ws, 11) >= 10
    assert (
        ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    )
    assert ws.print_title_rows == "$3:$3" and "&P" in ws.oddFooter.center.text
    # Styling: wrapped, bordered, Chinese fonts, rows tall enough for their text.
    cell = ws["H4"]
    assert cell.alignment.wrap_text and cell.border.left.style == "thin" and ws["B3"].font.name == "黑体"
    assert cell.font.name == "仿宋" and ws["A2"].font.name == "宋体"
    width = ws.column_dimensions["H"].width
    assert ws.row_dimensions[4].height >= line_count(LONG, width) * 11 * 1.4 > ws.row_dimensions[5].height


def test_hostile_text_stays_text_never_a_formula(sdesk):
    _studios(sdesk)
    path = write_annex2(sdesk.store).path
    ws = load_workbook(path).worksheets[0]
    for ref in ("B4", "C4", "D4", "E4"):
        assert ws[ref].data_type == "s" and ws[ref].quotePrefix, ref
    with zipfile.ZipFile(path) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet and "<f " not in sheet and "HYPERLINK" in sheet


def test_statuses_option_and_defaults(sdesk):
    packs = known_round(sdesk)
    default = [p.name for p in select_packs(sdesk.store)]
    assert default == ["甲工作室", "乙工作室"]  # 丙 came late: deemed withdrawn, left out
    assert [p.name for p in select_packs(sdesk.store, include_late=True)] == ["甲工作室", "乙工作室", "丙工作室"]
    chosen = parse_statuses(["withdrawn,已作废"])
    assert chosen == ("withdrawn", "voided")
    assert [p.name for p in select_packs(sdesk.store, chosen)] == ["丁工作室", "戊工作室"]
    result = write_annex2(sdesk.store, statuses=parse_statuses(["受理"]))
    ws = load_workbook(result.path).worksheets[0]
    assert result.rows == 1 and ws["C4"].value == packs["accepted"].name and ws.max_row == 4
    with pytest.raises(ExportError, match="不认识的状态"):
        parse_statuses(["done"])


def test_exports_never_overwrite_an_earlier_one(sdesk):
    _studios(sdesk)
    moment = datetime(2026, 6, 16, 20, 0, tzinfo=BEIJING)
    first = write_annex2(sdesk.store, now=moment).path
    second = write_annex2(sdesk.store, now=moment).path
    assert first != second and first.exists() and second.exists()
    assert first.name == "附件2_工作室申报汇总表_20260616-200000.xlsx" and second.name.endswith("-2.xlsx")
    out = sdesk.locations.data / "给会议.xlsx"
    assert write_annex2(sdesk.store, out=out).path == out
    before = out.read_bytes()
    with pytest.raises(ExportError, match="已存在"):
        write_annex2(sdesk.store, out=out)
    assert out.read_bytes() == before
    with pytest.raises(ExportError, match="文件夹不存在"):
        write_annex2(sdesk.store, out=sdesk.locations.data / "nowhere" / "x.xlsx")
    assert not list(sdesk.locations.exports.glob(".*part"))


def test_an_edited_template_styles_the_export(sdesk, tmp_path):
    _studios(sdesk)
    wb = build_template()
    ws = wb.active
    ws["B4"].font = Font(name="楷体", size=11)
    ws.column_dimensions["H"].width = 60
    ws["A3"].value = "序\n号"  # staff retyped a header: the export writes the notice's text again
    wb.save(tmp_path / "annex2.xlsx")
    out, _ = fill_workbook(load_template(tmp_path / "annex2.xlsx"), select_packs(sdesk.store))
    sheet = out.worksheets[0]
    assert sheet["B4"].font.name == "楷体" and sheet["B5"].font.name == "楷体"
    assert sheet.column_dimensions["H"].width == 60 and sheet["A3"].value == "序号"
    (tmp_path / "broken.xlsx").write_bytes(b"not a workbook")
    with pytest.raises(ExportError, match="模板"):
        load_template(tmp_path / "broken.xlsx")


def test_shipped_template_is_the_built_in_one():
    from deskapp.locations import templates_dir

    shipped = load_workbook(templates_dir() / "annex2.xlsx").worksheets[0]
    built = build_template().worksheets[0]
    assert [c.value for c in shipped[3]] == [c.value for c in built[3]]
    assert shipped.print_title_rows == "$3:$3" and shipped.page_setup.orientation == "landscape"


def test_very_long_text_widens_columns_instead_of_being_cut(sdesk):
    complete_studio(sdesk, details={"achievements": "业绩" * 300})
    wb, warnings = fill_workbook(build_template(), select_packs(sdesk.store))
    ws = wb.worksheets[0]
    width, height = ws.column_dimensions["H"].width, ws.row_dimensions[4].height
    assert warnings == ["内容较长，已设为 A3 横向打印（字号不小于10磅）"] and 30 < width < 90 and height <= 409
    assert height >= line_count("业绩" * 300, width) * 11 * 1.4
    complete_studio(sdesk, name="太长", details={"achievements": "业绩" * 3000})
    wb, warnings = fill_workbook(build_template(), select_packs(sdesk.store))
    assert wb.worksheets[0].column_dimensions["H"].width == 90 and "序号 2" in warnings[-1] and "409" in warnings[-1]


def test_display_width_counts_cjk_as_two():
    assert display_width("ab") == 2 and display_width("准东") == 4 and display_width("准a") == 3
    assert line_count("准" * 20, 30) == 2 and line_count("准" * 20, 12) == 5 and line_count("a\nb", 10) == 2


def test_annex2_docx_table_reads_back(sdesk):
    _studios(sdesk)
    result = write_annex2_docx(sdesk.store)
    document = docx.Document(str(result.path))
    assert [p.text for p in document.paragraphs[:2]] == ["附件2", TITLE]
    section = document.sections[0]
    assert section.orientation == WD_ORIENT.LANDSCAPE and section.page_width > section.page_height
    assert abs(section.page_width.mm - 297) < 1 and abs(section.page_height.mm - 210) < 1
    table = document.tables[0]
    assert len(table.rows) == 3 and tuple(c.text for c in table.rows[0].cells) == HEADERS
    header_flag = table.rows[0]._tr.trPr.find(qn("w:tblHeader"))
    assert header_flag is not None and header_flag.get(qn("w:val")) == "true"
    first = [c.text for c in table.rows[1].cells]
    assert first[:5] == ["1", HOSTILE, "+甲工作室", "@教育", "-王"]
    assert first[5] == "2020年 自治区技术能手\n2022年 全国五一劳动奖章" and first[6] == "6" and first[7] == LONG
    assert [c.text for c in table.rows[2].cells][10] == "目标三年"


def test_register_lists_every_pack_of_both_kinds(sdesk):
    packs = known_round(sdesk)
    result = write_register(sdesk.store)
    wb = load_workbook(result.path)
    assert wb.sheetnames == ["人才工作室", "人才项目"] and result.rows == 6
    studio, project = wb["人才工作室"], wb["人才项目"]
    assert [c.value for c in studio[1]] == list(register_headers(sdesk.store, "studio"))
    assert [c.value for c in project[1]] == list(register_headers(sdesk.store, "project"))
    heads = [c.value for c in studio[1]]
    assert studio.max_row == 6 and project.max_row == 2
    col = {h: i for i, h in enumerate(heads)}
    rows = {r[col["收件编号"]]: r for r in studio.iter_rows(min_row=2, values_only=True)}
    voided = rows[packs["voided"].receipt_no]
    assert voided[col["状态"]] == "已作废" and voided[col["结论说明"]] == "作废原因：重复登记"
    missing = rows[packs["missing"].receipt_no]
    assert (
        missing[col["电子版"]] == "✗" and missing[col["佐证材料"]] == "✗" and missing[col["附件1 工作室申报表"]] == "✓"
    )
    assert missing[col["缺少材料"]] == "佐证材料、电子版" and missing[col["联系电话"]] == "13812345678"
    late = rows[packs["late"].receipt_no]
    assert late[col["是否逾期"]] == "逾期" and "逾期" in late[col["提示"]]
    excel_time = datetime(2026, 6, 16, 8, 5)  # noqa: DTZ001 - Excel cells have no zone: Beijing wall time
    assert late[col["收件时间"]] == excel_time and late[col["受理人"]] == "张三"  # a date cell
    assert rows[packs["withdrawn"].receipt_no][col["状态"]] == "撤回"
    assert rows[packs["accepted"].receipt_no][col["状态"]] == "受理"
    assert studio.print_title_rows == "$1:$1" and studio.freeze_panes == "C2"


def test_register_voids_by_supervisor_show_after_correction(sdesk):
    pack = complete_studio(sdesk, unit="=1+1")
    outcomes.correct(sdesk.store, pack.id, SUPERVISOR, pin=PIN, reason="录错受理人", clerk="李四")
    ws = load_workbook(write_register(sdesk.store).path)["人才工作室"]
    heads = [c.value for c in ws[1]]
    assert ws.cell(2, heads.index("受理人") + 1).value == "李四"
    unit = ws.cell(2, heads.index("申报单位") + 1)
    assert unit.value == "=1+1" and unit.data_type == "s"
