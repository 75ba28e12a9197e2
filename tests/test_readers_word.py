"""Word files as people's tools write them (issue 11, point 1): read as Word shows them.

Every kind is built in code from the plain forms of ``formfactory`` and applied to several
layouts; the right reading is always the plain form's. The six files the desk was seen to
fail on are under ``tests/files/issue11/`` (from ``shared/cases/readers``) with their right values.
"""

from __future__ import annotations

from pathlib import Path

import docx
import pytest

from deskapp.readers import read_file
from tests import formfactory as ff

CASES = Path(__file__).resolve().parent / "files" / "issue11"
LAYOUTS = ("notice", "spaced", "paragraphs", "wps")
WHOLE_RUN_LAYOUTS = ("notice", "spaced", "paragraphs")
"""Layouts whose values stand whole in one run (the wps layout splits every two characters)."""


def assert_plain_form1(report, members=ff.MEMBERS) -> None:
    """The report says exactly what the plain form says: every field once, every member, every award."""
    assert report.readable and report.kind == "form1", report.problems
    for key, value in {**ff.COVER, **ff.LEADER, **ff.LONGS}.items():
        assert report.fields.get(key) == value, (key, report.fields.get(key))
    assert report.fields["成员人数"] == len(members)
    assert [tuple(r.values()) for r in report.tables["成员"]] == list(members)
    assert [tuple(r.values()) for r in report.tables["获奖情况"]] == ff.AWARDS


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


# -- content controls at every level -----------------------------------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
def test_member_rows_in_a_repeating_section_are_counted(tmp_path, layout):
    path = save(ff.repeating_section(ff.form1_document(layout)), tmp_path / "重复节.docx")
    assert b"repeatingSectionItem" in ff._package_parts(path)["word/document.xml"]
    assert_plain_form1(read_file(path))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_content_controls_around_tables_cells_and_runs(tmp_path, layout):
    path = save(ff.content_controls_everywhere(ff.form1_document(layout)), tmp_path / "控件.docx")
    xml = ff._package_parts(path)["word/document.xml"]
    assert xml.count(b"<w:sdt>") > 100
    assert_plain_form1(read_file(path))


def test_nine_members_in_a_repeating_section_with_blank_rows(tmp_path):
    members = [*ff.MEMBERS, ("周涛", "技师", "30", "仪表维护"), ("吴刚", "", "45", ""), ("郑爽", "高级工", "26", "")]
    document = ff.repeating_section(
        ff.form1_document("paragraphs", members=members, blank_rows=3), [m[0] for m in members]
    )
    assert_plain_form1(read_file(save(document, tmp_path / "九人.docx")), members)


# -- alternate content: one copy of a text box -------------------------------------------------
@pytest.mark.parametrize("layout", WHOLE_RUN_LAYOUTS)
@pytest.mark.parametrize("vml_only", [False, True])
def test_values_in_text_boxes_are_read_once(tmp_path, layout, vml_only):
    values = [*ff.COVER.values(), ff.LEADER["工作室地点"], ff.LEADER["领衔人"]]
    document = ff.values_in_textboxes(ff.form1_document(layout), values, vml_only=vml_only)
    path = save(document, tmp_path / "文本框.docx")
    xml = ff._package_parts(path)["word/document.xml"]
    assert xml.count("准东某煤化工有限公司".encode()) >= (2 if vml_only else 4)  # really stored in boxes
    assert_plain_form1(read_file(path))


# -- tracked changes: the text with all changes accepted ----------------------------------------
@pytest.mark.parametrize("layout", WHOLE_RUN_LAYOUTS)
def test_tracked_deletions_insertions_and_moves_read_as_accepted(tmp_path, layout):
    path = save(ff.tracked_changes(ff.form1_document(layout)), tmp_path / "修订.docx")
    xml = ff._package_parts(path)["word/document.xml"].decode()
    assert "w:moveFrom" in xml and "w:moveTo" in xml and "旧名称工作室" in xml and "删除者" in xml
    report = read_file(path)
    assert_plain_form1(report)
    assert "删除者" not in str(report.tables) and "被删掉的名称" not in str(report.fields)


# -- altChunk: the form in an embedded part ---------------------------------------------------
@pytest.mark.parametrize(
    "kind,payload",
    [
        ("html", lambda: ff.form1_html().encode("utf-8")),
        ("html", lambda: ff.form1_html(charset="gb18030").encode("gb18030")),
        ("xhtml", lambda: ff.form1_html().encode("utf-8")),
        ("mht", lambda: ff.mht(ff.form1_html())),
        ("docx", lambda: ff.saved(ff.form1_document("notice"))),
    ],
    ids=["html", "html-gb18030", "xhtml", "mht", "docx"],
)
def test_form_delivered_as_an_alt_chunk(tmp_path, kind, payload):
    path = ff.alt_chunk_docx(tmp_path / "网页导出.docx", payload(), kind, before=["附件1"])
    assert_plain_form1(read_file(path))


def test_alt_chunk_that_cannot_be_read_is_said_and_the_rest_is_read(tmp_path):
    path = ff.alt_chunk_docx(tmp_path / "rtf.docx", b"{\\rtf1 abc}", "text", before=["情况说明：见附件"])
    report = read_file(path)
    assert report.readable and any("RTF" in p for p in report.problems)


# -- the package: main part by relationship, Strict Open XML ----------------------------------
@pytest.mark.parametrize("layout", LAYOUTS)
def test_main_part_found_by_relationship_not_by_name(tmp_path, layout):
    path = ff.renamed_main(ff.saved(ff.form1_document(layout)), tmp_path / "WordOnline.docx")
    assert "word/document.xml" not in ff._package_parts(path)
    assert_plain_form1(read_file(path))


@pytest.mark.parametrize("layout", LAYOUTS)
def test_strict_open_xml_is_read(tmp_path, layout):
    path = ff.strict(ff.saved(ff.form1_document(layout)), tmp_path / "Strict.docx")
    assert b"purl.oclc.org/ooxml/wordprocessingml/main" in ff._package_parts(path)["word/document.xml"]
    assert_plain_form1(read_file(path))


def test_strict_and_renamed_form2_workbooks_are_read(tmp_path):
    source = ff.form2_xlsx(
        tmp_path / "plain.xlsx", [ff.form2_row(), ff.form2_row(序号="2", 工作室名称="新能源材料工作室")]
    )
    for path in (
        ff.strict(source, tmp_path / "Strict.xlsx"),
        ff.renamed_main(source, tmp_path / "online.xlsx", "xl/workbook2.xml"),
    ):
        report = read_file(path)
        assert report.kind == "form2" and report.readable, (path.name, report.problems)
        assert [r["工作室名称"] for r in report.tables["附件2"]] == ["煤化工技能大师工作室", "新能源材料工作室"]


def test_a_strict_file_that_still_fails_says_strict_and_how_to_resave(tmp_path):
    parts = ff._package_parts(ff.strict(ff.saved(ff.form1_document()), tmp_path / "s.docx"))
    parts["word/document.xml"] = parts["word/document.xml"].replace(b"<w:body>", b"<w:body><w:p>", 1)  # broken XML
    report = read_file(ff._write_package(tmp_path / "坏的Strict.docx", parts))
    assert not report.readable
    text = " ".join(report.problems)
    assert "Strict" in text and "另存为" in text


# -- tables the walker cannot square ---------------------------------------------------------
@pytest.mark.parametrize("shape", sorted(ff.IRREGULAR))
@pytest.mark.parametrize("where", ["start", "middle", "end"])
def test_an_irregular_table_is_reported_by_position_and_the_form_is_read(tmp_path, shape, where):
    document = ff.irregular_table(ff.form1_document("paragraphs"), shape, where)
    report = read_file(save(document, tmp_path / "不规则.docx"))
    assert_plain_form1(report)
    odd = [p for p in report.problems if "对不齐" in p]
    assert len(odd) == 1 and "第" in odd[0] and "个表格" in odd[0] and "附件清单" in odd[0], report.problems


def test_irregular_table_in_the_notice_layout_too(tmp_path):
    document = ff.irregular_table(ff.form1_document("notice"), "under_span", "end")
    report = read_file(save(document, tmp_path / "notice.docx"))
    assert_plain_form1(report)
    assert any("第 2 个表格" in p for p in report.problems), report.problems


# -- nested tables and merged cells keep working -----------------------------------------------
def test_nested_table_rows_are_read_in_place(tmp_path):
    document = ff.form1_document("paragraphs")
    outer = document.add_table(rows=1, cols=2)
    outer.cell(0, 0).text = "附表"
    inner = outer.cell(0, 1).add_table(rows=2, cols=4)
    for cell, text in zip(inner.rows[0].cells, ("姓名", "职业资格", "年龄", "突出业绩"), strict=True):
        cell.text = text
    for cell, text in zip(inner.rows[1].cells, ("周涛", "技师", "30", "仪表维护"), strict=True):
        cell.text = text
    report = read_file(save(document, tmp_path / "嵌套.docx"))
    assert report.kind == "form1"
    assert [r["姓名"] for r in report.tables["成员"]][-1] == "周涛"


# -- the six files the desk failed on (shared/cases/readers) -----------------------------------
def test_case_01_members_in_a_repeating_section():
    report = read_file(CASES / "01_members_in_repeating_section_sdt.docx")
    assert report.kind == "form1" and report.fields["成员人数"] == 6
    assert [r["姓名"] for r in report.tables["成员"]] == [m[0] for m in ff.MEMBERS]


def test_case_02_irregular_merge_in_an_extra_table():
    report = read_file(CASES / "02_irregular_vmerge_extra_table.docx")
    assert report.readable and report.kind == "form1"
    assert report.fields["工作室名称"] == "煤化工技能大师工作室" and report.fields["成员人数"] == 6
    assert report.fields["人才工作室工作任务目标"] == ff.LONGS["人才工作室工作任务目标"]
    assert len(report.tables["获奖情况"]) == 2
    assert [p for p in report.problems if "第 3 个表格" in p and "附件清单" in p and "对不齐" in p]
    assert not any("损坏" in p for p in report.problems)


def test_case_03_cover_values_in_text_boxes_once():
    report = read_file(CASES / "03_cover_values_in_textboxes.docx")
    assert report.fields["申报人"] == "准东某煤化工有限公司"
    assert report.fields["工作室名称"] == "煤化工技能大师工作室"
    assert report.fields["专业领域"] == "煤炭煤电煤化工"


def test_case_05_form1_in_an_html_alt_chunk():
    report = read_file(CASES / "05_form1_as_altchunk_html.docx")
    assert report.kind == "form1", report.problems
    assert report.fields["申报人"] == "准东某煤化工有限公司" and report.fields["领衔人"] == "王建国"
    assert report.fields["工作室面积"] == "120平方米" and report.fields["成员人数"] == 1
    assert not any("拷错了文件" in p for p in report.problems)


def test_case_07_strict_open_xml():
    report = read_file(CASES / "07_strict_ooxml.docx")
    assert report.readable and report.kind == "form1", report.problems
    assert report.fields["工作室名称"] == "煤化工技能大师工作室" and report.fields["成员人数"] == 6


def test_case_09_pdf_with_padding_after_eof():
    report = read_file(CASES / "09_pdf_3pages_nul_padding_after_eof.pdf")
    assert report.readable and report.pages == 3 and report.problems == []


def test_python_docx_itself_cannot_read_case_02_so_the_walker_is_really_ours():
    with pytest.raises(ValueError):
        table = docx.Document(str(CASES / "02_irregular_vmerge_extra_table.docx")).tables[2]
        [c.text for row in table.rows for c in row.cells]


@pytest.mark.parametrize("layout", WHOLE_RUN_LAYOUTS)
def test_placeholders_hidden_text_and_deleted_paragraph_marks_read_as_word_shows(tmp_path, layout):
    path = save(ff.unseen_text(ff.form1_document(layout)), tmp_path / "看不见的.docx")
    xml = ff._package_parts(path)["word/document.xml"].decode()
    assert "showingPlcHdr" in xml and "w:vanish" in xml and "填表说明" in xml
    report = read_file(path)
    assert_plain_form1(report)
    assert "单击" not in str(report.fields) and "填表说明" not in str(report.fields)
