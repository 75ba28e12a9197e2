"""From rows (:mod:`deskapp.readers.wordml`, :mod:`deskapp.readers.sheets`, :mod:`deskapp.readers.htmlrows`)
to the forms' fields: which form a file is, and what it says.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from deskapp.readers.forms import ALL_FORMS, FORM1_MARKERS, FORM3_MARKERS
from deskapp.readers.grid import Extracted, Extractor, Row
from deskapp.readers.report import FileReport


def fill_report(report: FileReport, rows: list[Row], container: str) -> FileReport:
    """Find the forms' fields in ``rows`` and decide which form the file is."""
    found = Extractor(ALL_FORMS).run(rows)
    report.tables = dict(found.tables)
    form1 = sum(1 for m in FORM1_MARKERS if m in found.labels) + len({"成员", "获奖情况"} & found.headers) * 2
    form3 = sum(1 for m in FORM3_MARKERS if m in found.labels) + (2 if "资金" in found.headers else 0)
    if form1 >= 3 and form1 >= form3:
        report.kind = "form1"
        _form1(report, found)
    elif form3 >= 2:
        report.kind = "form3"
        _form3(report, found)
    elif "附件2" in found.headers:
        report.kind = "form2"
    else:
        report.kind = container
        report.fields = {k: v for k, v in found.fields.items() if v}
        report.problem("未找到附件1、附件2或附件3的栏目，请确认是否拷错了文件")
        return report
    if "附件2" in found.headers and not found.tables.get("附件2"):
        report.problem("附件2 表格中没有填写任何一行")
    return report


_FORM1_KEYS = (
    "申报人",
    "工作室名称",
    "专业领域",
    "领衔人",
    "性别",
    "民族",
    "政治面貌",
    "工作单位",
    "联系电话",
    "工作室地点",
    "工作室面积",
    "学历（学位）",
    "参加工作时间",
    "从事职业（工种）",
    "行政职务",
    "职业资格",
    "身份证号",
    "通讯地址",
    "邮编",
    "领衔人主要工作业绩",
    "依托单位简介",
    "依托单位对工作室支持措施",
    "人才工作室工作任务目标",
)
_FORM1_REQUIRED = ("申报人", "工作室名称", "专业领域", "领衔人")


def _form1(report: FileReport, found: Extracted) -> None:
    report.fields = {k: found.fields[k] for k in _FORM1_KEYS if found.fields.get(k)}
    members = found.tables.get("成员", [])
    if "成员" in found.headers:
        report.fields["成员人数"] = len(members)
    else:
        report.problem("附件1 中没有找到“工作室其他人员”表（姓名、职业资格、年龄、突出业绩），无法核对成员人数")
    blank = [k for k in _FORM1_REQUIRED if not report.fields.get(k)]
    if blank:
        report.problem("附件1 以下栏目为空或未找到：" + "、".join(blank))


def _form3(report: FileReport, found: Extracted) -> None:
    report.fields = {
        k: v
        for k, v in found.fields.items()
        if (v and k in ("项目名称", "项目申报单位", "项目起止时间"))
        or (
            v
            and k
            in (
                "项目实施目标、背景和意义",
                "实施单位概况基础条件",
                "使用明细（含计算过程）",
                "预期效益",
                "项目实施需说明的其他情况",
            )
        )
    }
    period = report.fields.get("项目起止时间", "")
    if period and not re.search(r"\d", period):
        del report.fields["项目起止时间"]  # the empty form's "年 月 日 —— 年 月 日"
    funds = (found.tables.get("资金") or [{}])[0]
    for name in ("资金总额", "自筹资金", "申请资金"):
        text = funds.get(name, "")
        if not text:
            continue
        amount = parse_wan(text)
        if amount is None:
            report.problem(f"附件3 {name}“{text}”不是数字，请按万元填写")
        else:
            report.fields[name] = str(amount)
    blank = [k for k in ("项目名称", "项目申报单位") if not report.fields.get(k)]
    if blank:
        report.problem("附件3 以下栏目为空或未找到：" + "、".join(blank))


_NUMBER = re.compile(r"-?\d[\d,，]*(?:\.\d+)?")


def parse_wan(text: str) -> Decimal | None:
    """An amount in 万元 from what a unit typed: ``50``, ``50.5万元``, ``500,000元``."""
    m = _NUMBER.search(text.replace(" ", ""))
    if m is None:
        return None
    try:
        value = Decimal(m.group().replace(",", "").replace("，", ""))
    except InvalidOperation:
        return None
    rest = text[m.end() :]
    if "元" in rest and "万" not in rest:
        value = value / Decimal(10000)
    return value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize()
