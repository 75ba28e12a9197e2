"""Prefill as a clerk needs it: units never persons, conflicts shown both ways, every value's
file recorded, a 附件3 filling what it holds, and the 附件2 content told from files/typed/missing."""

from __future__ import annotations

import json

import pytest

from deskapp.crosscheck import annex2_content
from deskapp.readers import read_file
from deskapp.readers.prefill import apply, current_values, is_unit_name, propose
from tests import formfactory as ff
from tests.conftest import full_checklist, studio_fields
from tests.test_cli import run

UNITS = [
    "新疆准东某煤化工有限公司",
    "准东某煤化工有限责任公司",
    "新疆某能源集团",
    "准东开发区第一中学",
    "准东开发区人民医院",
    "昌吉州人社局",
    "准东开发区教育局",
    "某某煤炭设计院",
    "准东开发区职业技术学校",
    "准东开发区应急管理中心",
    "五彩湾煤矿",
    "某某电厂（盖章）",
    "准东开发区管委会",
    "阜康市卫生院",
    "准东开发区疾病预防控制中心 ",
]
PEOPLE = [
    "张卫东",
    "王建国",
    "欧阳明",
    "司马光",
    "李局",
    "艾力·买买提",
    "阿依古丽·托合提",
    "王院",
    "张 科",
    "",
    "Zhang Wei",
    "李所",
]


@pytest.mark.parametrize("text", UNITS)
def test_clearly_a_unit(text):
    assert is_unit_name(text)


@pytest.mark.parametrize("text", PEOPLE)
def test_a_person_is_never_a_unit(text):
    assert not is_unit_name(text)


def register(desk, **over):
    fields = studio_fields(**over)
    pages = fields.pop("pages", 20)
    return desk.store.register("studio", fields, "张三", checklist=full_checklist(desk, "studio"), pages=pages)


def _form1_person_on_cover(tmp_path, layout="notice"):
    return ff.form1(
        tmp_path / f"附件1-{layout}.docx",
        layout,
        cover={"申报人": "张卫东"},
        leader={"领衔人": "张卫东", "工作单位": "新疆准东某煤化工有限公司"},
    )


@pytest.mark.parametrize("layout", ["notice", "spaced", "paragraphs", "wps"])
def test_the_unit_comes_from_the_unit_field_never_the_person_on_the_cover(desk, tmp_path, layout):
    report = read_file(_form1_person_on_cover(tmp_path, layout))
    # against a pack whose unit is right: nothing to change, and the person is nowhere
    pack = register(desk, unit="新疆准东某煤化工有限公司", leader="张卫东")
    prefill = propose("studio", current_values(pack), [report], desk.config.round.sectors, pack=pack)
    assert "unit" not in {p.path for p in prefill.proposals}
    # against an empty form: the unit proposed is the 工作单位, with no second choice
    unit = {p.path: p for p in propose("studio", {}, [report], desk.config.round.sectors).proposals}["unit"]
    assert unit.found == "新疆准东某煤化工有限公司" and [c.value for c in unit.choices] == [unit.found]
    assert unit.choices[0].where == "工作单位" and not unit.conflict


def test_cover_unit_that_differs_from_the_work_unit_is_a_choice_not_a_silent_pick(desk, tmp_path):
    report = read_file(ff.form1(tmp_path / "附件1.docx", cover={"申报人": "新疆某能源集团"}))
    unit = {p.path: p for p in propose("studio", {}, [report]).proposals}["unit"]
    assert [(c.value, c.where) for c in unit.choices] == [
        ("准东某煤化工有限公司", "工作单位"),
        ("新疆某能源集团", "申报人"),
    ]
    assert unit.conflict and "新疆某能源集团" in unit.conflict_text()


def test_files_disagreeing_and_typed_values_are_conflicts_with_every_value(desk, tmp_path):
    pack = register(desk, name="煤化工工作室", leader="", details={})
    form1 = read_file(ff.form1(tmp_path / "附件1.docx"))
    form2 = read_file(ff.form2_xlsx(tmp_path / "附件2.xlsx", [ff.form2_row(工作室名称="煤化工工作室")]))
    prefill = propose("studio", current_values(pack), [form1, form2], desk.config.round.sectors, pack=pack)
    by_path = {p.path: p for p in prefill.proposals}
    awards = by_path["details.awards"]
    assert [c.source for c in awards.choices] == ["附件1.docx", "附件2.xlsx"] and awards.conflict
    assert "附件2.xlsx（领衔人主要获奖情况）“2021年全国技术能手”" in awards.conflict_text()
    name = by_path["name"]  # typed 煤化工工作室; 附件2 agrees with it, 附件1 does not
    assert name.current == "煤化工工作室" and name.found == "煤化工技能大师工作室" and name.typed_over
    assert name.conflict_text().startswith("工作室名称：当前“煤化工工作室”")
    assert not by_path["leader"].conflict  # empty on the pack, one value in the files
    assert {p.path for p in prefill.conflicts} >= {"details.awards", "name"}
    awards.choose_source("附件2.xlsx")
    assert (awards.found, awards.source, awards.sha256) == ("2021年全国技术能手", "附件2.xlsx", form2.sha256)


def test_every_value_taken_is_recorded_with_its_file_and_fingerprint(desk, tmp_path):
    pack = register(desk, leader="", members=None)
    report = read_file(ff.form1(tmp_path / "附件1.docx"))
    prefill = propose("studio", current_values(pack), [report], desk.config.round.sectors, pack=pack)
    taken = [p for p in prefill.proposals if not p.conflict]
    saved = apply(desk.store, pack.id, taken, [report], "李四")
    entry = desk.store.history(pack.id)[-1]
    assert entry.action == "prefill" and entry.data["accepted"] == [p.path for p in taken]
    assert set(entry.data["accepted"]) >= {"leader", "members", "details.goals", "details.awards"}
    assert entry.data["sources"]["leader"] == {"name": "附件1.docx", "sha256": report.sha256}
    gave = saved.files[-1]["gave"]
    assert set(gave) == set(entry.data["accepted"])
    content = annex2_content(saved)
    assert content.complete and content.origin == "files" and content.files == ("附件1.docx",)
    assert content.text() == "齐（来自电子版：附件1.docx）"
    # a supervisor types one long field over: the row is now partly typed
    desk.store.update(pack.id, {"details.goals": "三年培养技师10名。"}, "李四", action="details", reason="单位更正")
    assert annex2_content(desk.store.get(pack.id)).origin == "mixed"


def test_registering_from_files_records_sources_but_not_for_a_retyped_value(desk, tmp_path):
    report = read_file(ff.form1(tmp_path / "附件1.docx"))
    prefill = propose("studio", {}, [report], desk.config.round.sectors)
    by_path = {p.path: p for p in prefill.proposals}
    fields = {k: by_path[k].found for k in ("unit", "name", "sector", "members")}
    fields["leader"] = "王建"  # the clerk changed the filled value before saving
    fields["details"] = {p.path[8:]: p.found for p in prefill.proposals if p.path.startswith("details.")}
    pack = desk.store.register("studio", fields, "张三")
    saved = apply(desk.store, pack.id, prefill.proposals, [report], "张三", set_values=False)
    assert saved.leader == "王建"  # nothing typed is replaced
    sources = desk.store.history(pack.id)[-1].data["sources"]
    assert "leader" not in sources and sources["name"]["sha256"] == report.sha256
    assert annex2_content(saved).origin == "files"


def test_annex2_content_missing_and_typed(desk):
    pack = register(desk)
    content = annex2_content(pack)
    assert content.origin == "missing" and not content.complete
    assert content.missing == (
        "领衔人主要获奖情况",
        "领衔人主要工作业绩",
        "依托单位简介",
        "依托单位对工作室支持措施",
        "人才工作室工作任务目标",
    )
    assert content.text().startswith("缺：领衔人主要获奖情况")
    typed = dict.fromkeys(("awards", "achievements", "unit_intro", "support", "goals"), "某内容")
    pack = register(desk, name="另一个工作室", details=typed)
    assert annex2_content(pack).origin == "typed" and annex2_content(pack).complete
    assert annex2_content(register(desk, name="第三", leader="", details=typed)).missing == ("领衔人",)


def test_a_project_form_fills_lead_contact_phone_funds_and_a_told_sector(desk, tmp_path):
    team = [("周丽", "女", "36", "工艺工程师", "13800000002"), ("孙伟", "男", "45", "项目负责人", "13800000001")]
    report = read_file(ff.form3(tmp_path / "附件3.docx", team=team, total="100万元"))
    prefill = propose("project", {"unit": "准东某煤化工有限公司"}, [report], desk.config.round.sectors)
    by_path = {p.path: p for p in prefill.proposals}
    assert {k: by_path[k].found for k in ("leader", "contact", "phone")} == {
        "leader": "孙伟",
        "contact": "孙伟",
        "phone": "13800000001",
    }
    assert (
        by_path["details.funds_total"].found == "100" and by_path["details.funds_requested"].label == "申请资金（万元）"
    )
    sector = by_path["sector"]  # 附件3 has no sector field: told from its text (煤化工), as a guess
    assert sector.found == "煤炭煤电煤化工" and sector.guess and sector.choices[0].where == "据内容推断"
    # a text naming two sectors tells none
    from deskapp.readers.prefill import sector_told

    assert sector_told(["煤化工与新能源"], desk.config.round.sectors) == ""
    assert sector_told(["光伏新材料研发"], desk.config.round.sectors) == "新能源新材料"


def test_cli_shows_conflicts_first_and_accept_all_never_replaces_typed_values(tmp_path):
    data = tmp_path / "data"
    line = json.dumps(
        {"kind": "studio", "unit": "新疆准东某煤化工有限公司", "name": "煤化工工作室", "members": 6, "pages": 25},
        ensure_ascii=False,
    )
    assert run(data, "register", "--clerk", "张三", stdin=line + "\n").returncode == 0
    form = _form1_person_on_cover(tmp_path)
    form2 = ff.form2_xlsx(
        tmp_path / "附件2.xlsx",
        [ff.form2_row(申报单位="新疆准东某煤化工有限公司", 工作室名称="煤化工技能大师工作室", 领衔人="张卫东")],
    )
    shown = run(data, "read", str(form), str(form2), "--pack", "ZD2026-GZS-0001")
    assert shown.returncode == 0, shown.stderr
    head = shown.stdout.split("[附件1")[0]  # before the files' listings
    assert "需逐项决定" in head and "工作室名称：当前“煤化工工作室”" in head and "附件2.xlsx" in head
    assert "（unit）" not in shown.stdout  # the unit is right; the person on the cover is not proposed
    out = run(data, "read", str(form), str(form2), "--pack", "ZD2026-GZS-0001", "--accept", "all", "--clerk", "张三")
    assert out.returncode == 0, out.stderr
    assert "未保存（有分歧，需指明）" in out.stdout
    pack = json.loads(run(data, "show", "ZD2026-GZS-0001", "--json").stdout)
    assert pack["name"] == "煤化工工作室" and pack["unit"] == "新疆准东某煤化工有限公司"
    assert pack["leader"] == "张卫东" and pack["details"]["goals"] == ff.LONGS["人才工作室工作任务目标"]
    assert "awards" not in pack["details"]  # the two files disagree: not taken by "all"
    sources = pack["history"][-1]["data"]["sources"]
    assert sources["leader"]["name"] == form.name and len(sources["leader"]["sha256"]) == 64
    chosen = run(
        data,
        "read",
        str(form),
        str(form2),
        "--pack",
        "ZD2026-GZS-0001",
        "--accept",
        "details.awards=附件2.xlsx,name",
        "--clerk",
        "张三",
    )
    assert chosen.returncode == 0, chosen.stderr
    pack = json.loads(run(data, "show", "ZD2026-GZS-0001", "--json").stdout)
    assert pack["details"]["awards"] == "2021年全国技术能手" and pack["name"] == "煤化工技能大师工作室"
    bad = run(data, "read", str(form), "--pack", "ZD2026-GZS-0001", "--accept", "unit=别的.docx", "--clerk", "张三")
    assert bad.returncode == 2 and "没有要改的栏目“unit”" in bad.stderr
