"""The labels of the notice's forms (附件1, 附件2, 附件3), with the spellings units use."""

from __future__ import annotations

from deskapp.readers.grid import FormSpec, TableSpec
from deskapp.readers.labels import Label

L = Label

FORM1_COVER = (L("申报人", ("申报单位",)), L("工作室名称", ("名称",)), L("专业领域", ("研究领域", "申报领域")))
FORM1_LEADER = (
    L("领衔人", ("领衔人姓名",)),
    L("性别"),
    L("民族"),
    L("政治面貌"),
    L("工作单位"),
    L("联系电话", ("电话", "手机")),
    L("工作室地点"),
    L("工作室面积", ("面积",)),
    L("学历（学位）", ("学历", "学位", "学历学位")),
    L("参加工作时间"),
    L("从事职业（工种）", ("从事职业", "工种")),
    L("行政职务"),
    L("职业资格", ("职称",)),
    L("身份证号", ("身份证号码", "公民身份号码")),
    L("通讯地址"),
    L("邮编", ("邮政编码",)),
)
FORM1_LONGS = (
    L("领衔人主要工作业绩", ("主要工作业绩", "领衔人工作业绩")),
    L("依托单位简介", ("单位简介",)),
    L("依托单位对工作室支持措施", ("支持措施", "对工作室支持措施")),
    L("人才工作室工作任务目标", ("工作任务目标", "工作室工作任务目标")),
)
MEMBERS = TableSpec("成员", (L("姓名"), L("职业资格", ("职称",)), L("年龄"), L("突出业绩", ("业绩", "主要业绩"))))
AWARDS = TableSpec(
    "获奖情况",
    (L("获奖项目"), L("奖励名称"), L("授予单位"), L("等级", ("级别",)), L("排名", ("本人排名",)), L("年度", ("年份",))),
)

FORM2_COLUMNS = (
    L("序号"),
    L("申报单位"),
    L("工作室名称"),
    L("研究领域"),
    L("领衔人"),
    L("领衔人主要获奖情况", ("主要获奖情况",)),
    L("工作室成员人数", ("成员人数",)),
    L("领衔人主要工作业绩", ("主要工作业绩",)),
    L("依托单位简介"),
    L("依托单位对工作室支持措施"),
    L("人才工作室工作任务目标"),
)
FORM2 = TableSpec("附件2", FORM2_COLUMNS, min_hits=6)

FORM3_SCALARS = (L("项目名称"), L("项目申报单位"), L("项目起止时间", ("起止时间",)))
FORM3_LONGS = (
    L("项目实施目标、背景和意义"),
    L("实施单位概况基础条件", ("实施单位概况",)),
    L("使用明细（含计算过程）", ("使用明细",)),
    L("预期效益"),
    L("项目实施需说明的其他情况"),
)
FUNDS = TableSpec("资金", (L("资金总额"), L("自筹资金"), L("申请资金")), min_hits=2)
TEAM = TableSpec("项目团队", (L("姓名"), L("性别"), L("年龄"), L("职务"), L("联系电话")))
MILESTONES = TableSpec("项目节点", (L("时间"), L("项目节点目标及计划安排")), min_hits=2)

SECTIONS = (
    L("工作室其他人员"),
    L("领衔人主要获奖情况"),
    L("项目投入资金及预期成效"),
    L("项目实施步骤及时间"),
    L("项目执行人（团队）", ("项目执行人",)),
    L("资金额度"),
)
STOPS = (
    "依托单位意见",
    "准东开发区行业主管部门",
    "行业主管部门意见",
    "准东开发区党工委",
    "项目申报单位意见",
    "附件",
    "(盖章)",
    "负责人签字",
)

# One spec for every form: a unit's file may hold more than one (附件1 with its 附件2 rows).
ALL_FORMS = FormSpec(
    scalars=(*FORM1_COVER, *FORM1_LEADER, *FORM3_SCALARS),
    longs=(*FORM1_LONGS, *FORM3_LONGS),
    tables=(FORM2, MEMBERS, AWARDS, FUNDS, TEAM, MILESTONES),
    sections=SECTIONS,
    stops=STOPS,
)

FORM1_MARKERS = ("工作室名称", "领衔人", "专业领域", "申报人", "工作室地点", "工作室面积", "依托单位简介")
FORM3_MARKERS = ("项目名称", "项目申报单位", "项目起止时间", "项目实施目标、背景和意义")
