"""Reading .docx and .xlsx content into rows, then into the forms' fields.

Only called after :func:`deskapp.readers.sniff.check_zip` has bounded the zip.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from deskapp.readers.forms import ALL_FORMS, FORM1_MARKERS, FORM3_MARKERS
from deskapp.readers.grid import Cell, Extracted, Extractor, Row
from deskapp.readers.report import FileReport

MAX_ROWS = 5_000
MAX_CELLS = 20_000
"""A filled 附件1 has a few hundred cells; far more is refused, to bound the reading time."""
MAX_SHEET_ROWS = 1_000
MAX_SHEET_COLS = 30
MAX_SHEETS = 10

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def docx_rows(path: Path) -> list[Row]:
    """The document body in reading order: one row per paragraph, table rows with merged cells once."""
    import docx
    from docx.table import Table

    from deskapp.readers.sniff import UnsafeFile

    document = docx.Document(str(path))
    rows: list[Row] = []
    block = 0
    cells_seen = 0

    def body_items(parent: Any) -> list[Any]:
        items = []
        for child in parent.iterchildren():
            if child.tag in (_W + "p", _W + "tbl"):
                items.append(child)
            elif child.tag == _W + "sdt":  # content control (Word forms, WPS)
                content = child.find(_W + "sdtContent")
                if content is not None:
                    items.extend(body_items(content))
        return items

    def walk(items: list[Any], container: Any) -> None:
        nonlocal block, cells_seen
        for item in items:
            block += 1
            if item.tag == _W + "p":
                rows.append(Row(block, [Cell(_text(item))], paragraph=True))
                continue
            table = Table(item, container)
            table_block = block
            above: set[Any] = set()
            for row in table.rows:
                seen: dict[Any, Cell] = {}  # keyed by the <w:tc> element itself (kept alive)
                cells: list[Cell] = []
                nested: list[Any] = []
                offset = row.grid_cols_before
                for index, cell in enumerate(row.cells):
                    key = cell._tc
                    if key in seen:  # python-docx repeats a merged cell once per grid column
                        seen[key].span += 1
                        continue
                    entry = Cell(_cell_text_xml(key), col=offset + index, continued=key in above)
                    seen[key] = entry
                    cells.append(entry)
                    nested.extend(cell._tc.iterchildren(_W + "tbl"))
                above = set(seen)
                rows.append(Row(table_block, cells))
                cells_seen += len(cells)
                if cells_seen > MAX_CELLS or len(rows) > MAX_ROWS:
                    raise UnsafeFile(
                        f"文件中的表格超过 {MAX_CELLS} 个单元格或 {MAX_ROWS} 行，远超申报表，疑似恶意文件，未读取"
                    )
                if nested:
                    walk(nested, container)
                    block = max(block, table_block)

    walk(body_items(document.element.body), document)
    return rows


_TEXT_TAGS = (_W + "t", _W + "tab", _W + "br", _W + "cr")


def _text(paragraph: Any) -> str:
    """A paragraph's visible text (tracked deletions and field codes left out), tabs and breaks kept."""
    parts = []
    for node in paragraph.iter(*_TEXT_TAGS):
        tag = node.tag
        parts.append((node.text or "") if tag == _W + "t" else ("\t" if tag == _W + "tab" else "\n"))
    return "".join(parts)


def _cell_text_xml(tc: Any) -> str:
    """A cell's paragraphs (also inside content controls), one per line; nested tables are rows of their own."""
    lines = []
    for child in tc.iterchildren(_W + "p", _W + "sdt"):
        if child.tag == _W + "p":
            lines.append(_text(child))
        else:
            content = child.find(_W + "sdtContent")
            lines.extend(_text(p) for p in (content.iterchildren(_W + "p") if content is not None else ()))
    return "\n".join(lines)


def xlsx_rows(path: Path) -> tuple[list[Row], bool]:
    """Every sheet's used range, one block per sheet; True when the workbook was cut short."""
    import openpyxl

    workbook = openpyxl.load_workbook(str(path), read_only=True, data_only=True)
    rows: list[Row] = []
    cells = 0
    try:
        for block, sheet in enumerate(workbook.worksheets[:MAX_SHEETS], 1):
            for values in sheet.iter_rows(max_row=MAX_SHEET_ROWS, max_col=MAX_SHEET_COLS, values_only=True):
                rows.append(Row(block, [Cell(_cell_text(v), col=i) for i, v in enumerate(values)]))
                cells += len(values)
                if cells > MAX_CELLS:
                    return rows, True
        return rows, len(workbook.worksheets) > MAX_SHEETS
    finally:
        workbook.close()


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def fill_report(report: FileReport, rows: list[Row], container: str) -> FileReport:
    """Find the forms' fields in ``rows`` and decide which form the file is."""
    found = Extractor(ALL_FORMS).run(rows)
    report.tables = {name: records for name, records in found.tables.items()}
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
        if v
        and k in ("项目名称", "项目申报单位", "项目起止时间")
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
