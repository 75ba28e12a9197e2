"""Forms built in code in the layouts units send, read back by label."""

from __future__ import annotations

import docx
import pytest

from deskapp.readers import read_file
from tests import formfactory as ff

LAYOUTS = ("notice", "spaced", "paragraphs", "wps")


@pytest.mark.parametrize("layout", LAYOUTS)
def test_form1_fields_in_every_layout(tmp_path, layout):
    report = read_file(ff.form1(tmp_path / f"附件1-{layout}.docx", layout))
    assert report.readable and report.kind == "form1", report.problems
    assert report.problems == []
    for key, value in {**ff.COVER, **ff.LEADER, **ff.LONGS}.items():
        assert report.fields[key] == value, key
    assert report.fields["成员人数"] == len(ff.MEMBERS)
    assert [tuple(r.values()) for r in report.tables["成员"]] == ff.MEMBERS
    assert [tuple(r.values()) for r in report.tables["获奖情况"]] == ff.AWARDS
    assert len(report.sha256) == 64 and report.size == (tmp_path / f"附件1-{layout}.docx").stat().st_size


def test_notice_layout_really_has_merged_cells_and_they_are_read_once(tmp_path):
    path = ff.form1(tmp_path / "f.docx", "notice")
    table = docx.Document(str(path)).tables[0]
    row = table.rows[1]  # 工作单位 | value over 3 columns | 联系电话 | value over 3 columns
    assert len(row.cells) == 8 and len({id(c._tc) for c in row.cells}) == 4
    report = read_file(path)
    assert report.fields["工作单位"] == ff.LEADER["工作单位"]
    assert report.fields["成员人数"] == 6  # the merged 工作室其他人员 column is not a member


def test_extra_member_rows_and_blank_rows_are_counted_right(tmp_path):
    members = [*ff.MEMBERS, ("周涛", "技师", "30", "仪表维护"), ("吴刚", "", "45", ""), ("郑爽", "高级工", "26", "")]
    for layout in LAYOUTS:
        report = read_file(ff.form1(tmp_path / f"{layout}.docx", layout, members=members, blank_rows=3))
        assert report.fields["成员人数"] == 9, layout
        assert report.tables["成员"][-1]["姓名"] == "郑爽"


def test_placeholder_hints_are_dropped_and_empty_form_says_what_is_missing(tmp_path):
    empty = dict.fromkeys(ff.COVER, "")
    report = read_file(
        ff.form1(
            tmp_path / "空表.docx",
            "notice",
            cover=empty,
            leader=dict.fromkeys(ff.LEADER, ""),
            members=[],
            awards=[],
            longs=dict.fromkeys(ff.LONGS, ""),
        )
    )
    assert report.kind == "form1"
    assert report.fields == {"成员人数": 0}
    assert report.tables == {"成员": [], "获奖情况": []}
    assert any("空表.docx" in p and "申报人" in p and "领衔人" in p for p in report.problems)


def test_long_text_keeps_its_lines_and_drops_the_hint(tmp_path):
    intro = "公司概况：员工1800人。\n\n研发中心：国家级。"
    report = read_file(ff.form1(tmp_path / "f.docx", "notice", longs={"依托单位简介": intro}))
    assert report.fields["依托单位简介"] == "公司概况：员工1800人。\n研发中心：国家级。"
    assert "可另附页" not in report.fields["依托单位对工作室支持措施"]


@pytest.mark.parametrize("maker", ["docx", "xlsx"])
def test_form2_rows_whatever_the_header_spacing(tmp_path, maker):
    rows = [ff.form2_row(), ff.form2_row(序号="2", 工作室名称="新能源材料工作室", 工作室成员人数="8")]
    build = ff.form2_docx if maker == "docx" else ff.form2_xlsx
    report = read_file(build(tmp_path / f"附件2.{maker}", rows))
    assert report.kind == "form2" and report.readable, report.problems
    got = report.tables["附件2"]
    assert [r["工作室名称"] for r in got] == ["煤化工技能大师工作室", "新能源材料工作室"]
    assert got[1]["工作室成员人数"] == "8"
    assert got[0]["领衔人主要工作业绩"] == ff.LONGS["领衔人主要工作业绩"]
    assert list(got[0]) == [
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
    ]


def test_form3_project_fields_funds_and_team(tmp_path):
    report = read_file(ff.form3(tmp_path / "附件3.docx", total="120", own="50", requested="60"))
    assert report.kind == "form3", report.problems
    f = report.fields
    assert (f["项目名称"], f["项目申报单位"]) == ("煤化工废水近零排放技术攻关", "准东某煤化工有限公司")
    assert (f["资金总额"], f["自筹资金"], f["申请资金"]) == ("120", "50", "60")
    assert f["项目起止时间"] == "2026年7月1日——2027年6月30日"
    assert [r["姓名"] for r in report.tables["项目团队"]] == ["孙伟", "周丽"]


def test_amounts_in_yuan_and_wan(tmp_path):
    from deskapp.readers.office import parse_wan

    assert str(parse_wan("50.5万元")) == "50.5"
    assert str(parse_wan("500,000元")) == "50"
    assert str(parse_wan("1,200")) == "1200"
    assert parse_wan("待定") is None


def test_docx_that_is_no_form_says_so(tmp_path):
    document = docx.Document()
    document.add_paragraph("情况说明：本单位按要求报送材料。")
    document.save(str(tmp_path / "说明.docx"))
    report = read_file(tmp_path / "说明.docx")
    assert report.kind == "docx" and report.readable
    assert any("说明.docx" in p and "未找到附件1" in p for p in report.problems)
