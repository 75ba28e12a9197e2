"""From files to the pack: proposals, what the clerk accepts, fingerprints, cross-check flags."""

from __future__ import annotations

from deskapp.models import DETAIL_FIELDS
from deskapp.readers import read_file
from deskapp.readers.prefill import apply, current_values, format_awards, match_sector, propose
from tests import formfactory as ff
from tests.conftest import full_checklist, studio_fields


def codes(desk, pack_id):
    return {f.code: f.text for f in desk.store.assess(desk.store.get(pack_id)).flags}


def register(desk, **over):
    fields = studio_fields(**over)
    pages = fields.pop("pages", 20)
    return desk.store.register("studio", fields, "张三", checklist=full_checklist(desk, "studio"), pages=pages)


def test_proposals_show_current_and_found_and_save_nothing(desk, tmp_path):
    pack = register(desk, name="煤化工工作室", leader="", members=None)
    reports = [read_file(ff.form1(tmp_path / "附件1.docx")), read_file(ff.pdf(tmp_path / "全套.pdf", 20))]
    before = len(desk.store.history(pack.id))
    prefill = propose("studio", current_values(pack), reports, desk.config.round.sectors, pack=pack)
    by_path = {p.path: p for p in prefill.proposals}
    assert (by_path["name"].current, by_path["name"].found) == ("煤化工工作室", "煤化工技能大师工作室")
    assert by_path["leader"].found == "王建国" and by_path["members"].found == 6
    assert by_path["details.unit_intro"].found == ff.LONGS["依托单位简介"]
    assert "unit" not in by_path and "sector" not in by_path  # already the same on the pack
    assert {p.split(".")[1] for p in by_path if p.startswith("details.")} == set(DETAIL_FIELDS)
    assert by_path["name"].label == "工作室名称" and by_path["name"].source == "附件1.docx"
    assert len(desk.store.history(pack.id)) == before


def test_accepting_some_saves_those_with_who_and_why_and_records_the_files(desk, tmp_path):
    pack = register(desk, name="煤化工工作室", leader="王建", members=6)
    reports = [read_file(ff.form1(tmp_path / "附件1.docx")), read_file(ff.pdf(tmp_path / "全套.pdf", 20))]
    prefill = propose("studio", current_values(pack), reports, desk.config.round.sectors, pack=pack)
    accepted = [p for p in prefill.proposals if p.path in ("name", "details.goals", "details.awards")]
    saved = apply(desk.store, pack.id, accepted, reports, "李四")
    assert saved.name == "煤化工技能大师工作室" and saved.leader == "王建"  # leader not accepted
    assert saved.details["goals"] == ff.LONGS["人才工作室工作任务目标"]
    assert (
        saved.details["awards"].splitlines()[0]
        == "2021年 全国技术能手（气化炉节能改造，人力资源社会保障部，国家级，排名第1）"
    )
    last = desk.store.history(pack.id)[-1]
    assert (last.actor, last.action) == ("李四", "prefill")
    assert "附件1.docx" in last.reason and "全套.pdf" in last.reason
    assert set(last.changes) == {"name", "details.goals", "details.awards", "files"}
    entries = {e["name"]: e for e in saved.files}
    assert entries["附件1.docx"]["sha256"] == reports[0].sha256 and entries["全套.pdf"]["pages"] == 20
    assert entries["附件1.docx"]["facts"]["members_listed"] == 6
    assert "身份证号" not in str(entries)
    assert codes(desk, pack.id)["file_leader"] == "领衔人：登记为“王建”，附件1填写“王建国”"
    # reading the same files again records nothing new
    assert apply(desk.store, pack.id, [], reports, "李四").files == saved.files


def test_cross_checks_follow_the_pack_values(desk, tmp_path):
    pack = register(desk, members=7, sector="新能源新材料", pages=22)
    members = ff.MEMBERS[:4]
    reports = [
        read_file(ff.form1(tmp_path / "附件1.docx", members=members)),
        read_file(ff.pdf(tmp_path / "p.pdf", 20)),
        read_file(ff.form2_xlsx(tmp_path / "附件2.xlsx", [ff.form2_row(工作室名称="煤化工大师工作室")])),
    ]
    apply(desk.store, pack.id, [], reports, "张三")
    flags = codes(desk, pack.id)
    assert flags["file_members"] == "登记成员7人，附件1列出4人（附件1.docx）"
    assert flags["file_members_range"] == "附件1列出成员4人，应为5—10人（不含领衔人）"
    assert flags["file_sector"] == "研究领域：登记为“新能源新材料”，附件1填写“煤炭煤电煤化工”"
    assert flags["file_pages"] == "纸质版22页，PDF电子版20页（p.pdf）"
    assert flags["file_studio_name"] == "工作室名称：附件1为“煤化工技能大师工作室”，附件2为“煤化工大师工作室”"
    desk.store.update(pack.id, {"members": 4, "sector": "煤炭煤电煤化工", "pages": 20}, "张三", reason="按电子版更正")
    flags = codes(desk, pack.id)
    assert not {"file_members", "file_members_range", "file_sector", "file_pages"} & set(flags)
    assert "members_out_of_range" in flags  # the round's own 5–10 rule, now on the pack's value


def test_project_funds_must_add_up(desk, tmp_path):
    pack = desk.store.register("project", {"unit": "某公司", "name": "项目A"}, "张三")
    good = read_file(ff.form3(tmp_path / "附件3.docx"))
    prefill = propose("project", current_values(pack), [good], pack=pack)
    assert {p.path: p.found for p in prefill.proposals} == {
        "name": "煤化工废水近零排放技术攻关",
        "unit": "准东某煤化工有限公司",
        "leader": "孙伟",  # no one titled 负责人: the first of the 项目执行人 table
        "contact": "孙伟",
        "phone": "13800000001",
        "details.funds_total": "100",
        "details.funds_own": "40",
        "details.funds_requested": "60",
    }
    apply(desk.store, pack.id, prefill.proposals, [good], "张三")
    assert "file_funds" not in codes(desk, pack.id)
    bad = read_file(ff.form3(tmp_path / "附件3-改.docx", total="100", own="40", requested="50"))
    apply(desk.store, pack.id, [], [bad], "张三")
    assert codes(desk, pack.id)["file_funds"] == "资金总额100万元 ≠ 自筹资金40 + 申请资金50（附件3-改.docx）"


def test_a_changed_file_is_detected_on_reading_again(desk, tmp_path):
    pack = register(desk)
    path = ff.form1(tmp_path / "附件1.docx")
    apply(desk.store, pack.id, [], [read_file(path)], "张三")
    ff.form1(path, members=ff.MEMBERS[:5])
    again = read_file(path)
    pack = desk.store.get(pack.id)
    prefill = propose("studio", current_values(pack), [again], pack=pack)
    assert any("附件1.docx" in n and "版本不同" in n and "改动" in n for n in prefill.notes)
    apply(desk.store, pack.id, [], [again], "张三")
    assert "file_changed" in codes(desk, pack.id)


def test_kind_mismatch_and_form2_row_choice(desk, tmp_path):
    project = desk.store.register("project", {"unit": "某公司", "name": "项目A"}, "张三")
    form1 = read_file(ff.form1(tmp_path / "附件1.docx"))
    prefill = propose("project", current_values(project), [form1], pack=project)
    assert prefill.proposals == [] and "类别不符" in prefill.notes[0]
    rows = [ff.form2_row(), ff.form2_row(序号="2", 工作室名称="新能源材料工作室", 工作室成员人数="8")]
    form2 = read_file(ff.form2_docx(tmp_path / "附件2.docx", rows))
    draft = {"name": "新能源材料工作室"}
    found = {p.path: p.found for p in propose("studio", draft, [form2]).proposals}
    assert found["members"] == 8 and "name" not in found
    assert "没有一行" in propose("studio", {"name": "别的工作室"}, [form2]).notes[0]


def test_sector_matching_and_awards_text():
    sectors = ["煤炭煤电煤化工", "新能源新材料", "教育"]
    assert match_sector("煤炭 煤电 煤化工", sectors) == "煤炭煤电煤化工"
    assert match_sector("新材料", sectors) == "新能源新材料"
    assert match_sector("旅游", sectors) == "旅游"
    assert (
        format_awards(
            [{"获奖项目": "", "奖励名称": "天山英才", "授予单位": "", "等级": "", "排名": "", "年度": "2023年"}]
        )
        == "2023年 天山英才"
    )


def test_long_fields_read_from_files_reach_the_annex2_export(desk, tmp_path):
    from openpyxl import load_workbook

    from deskapp.exports.annex2 import write_annex2

    pack = register(desk, members=6)
    reports = [read_file(ff.form1(tmp_path / "附件1.docx", "paragraphs"))]
    prefill = propose("studio", current_values(pack), reports, desk.config.round.sectors, pack=pack)
    apply(desk.store, pack.id, prefill.proposals, reports, "张三")
    ws = load_workbook(write_annex2(desk.store).path).worksheets[0]
    header = [c.value for c in ws[3]]
    row = {h: c.value for h, c in zip(header, ws[4], strict=True)}
    assert row["领衔人主要获奖情况"] == format_awards(reports[0].tables["获奖情况"])
    for label in ("领衔人主要工作业绩", "依托单位简介", "依托单位对工作室支持措施", "人才工作室工作任务目标"):
        assert row[label] == ff.LONGS[label]
