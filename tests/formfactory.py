"""Builds the notice's forms in code, in the layouts units really send, and hostile files.

Every builder writes a real file (python-docx, openpyxl, pypdf) under the given path.
"""

from __future__ import annotations

import copy
import io
import zipfile
from pathlib import Path
from typing import Any

import docx
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

LEADER = {
    "领衔人": "王建国",
    "性别": "男",
    "民族": "汉族",
    "政治面貌": "中共党员",
    "工作单位": "准东某煤化工有限公司",
    "联系电话": "13999990000",
    "工作室地点": "准东开发区五彩湾园区",
    "工作室面积": "120平方米",
    "学历（学位）": "大学本科（工学学士）",
    "参加工作时间": "2005年7月",
    "从事职业（工种）": "化工总控工",
    "行政职务": "车间主任",
    "职业资格": "高级技师",
    "身份证号": "652301198001011234",
    "通讯地址": "新疆昌吉州准东开发区某路1号",
    "邮编": "831700",
}
COVER = {"申报人": "准东某煤化工有限公司", "工作室名称": "煤化工技能大师工作室", "专业领域": "煤炭煤电煤化工"}
MEMBERS = [
    ("李强", "技师", "35", "气化装置技术攻关"),
    ("张敏", "高级工", "29", "节能改造"),
    ("赵磊", "技师", "41", "设备检修标准化"),
    ("刘洋", "工程师", "33", "工艺优化"),
    ("陈静", "高级工", "27", "安全培训"),
    ("马超", "技师", "38", "催化剂国产化"),
]
AWARDS = [
    ("气化炉节能改造", "全国技术能手", "人力资源社会保障部", "国家级", "1", "2021"),
    ("煤制烯烃工艺优化", "天山英才", "自治区人社厅", "省级", "2", "2023"),
]
LONGS = {
    "领衔人主要工作业绩": "主持气化装置技术攻关12项。\n带徒38人，其中技师9人。",
    "依托单位简介": "公司成立于2012年，员工1800人，年产值60亿元。",
    "依托单位对工作室支持措施": "提供场地120平方米，每年经费30万元。",
    "人才工作室工作任务目标": "三年培养高级技师5名，完成攻关项目6项。",
}
LONG_LABELS = {
    "领衔人主要工作业绩": "领衔人主要工作业绩（可另附页详细阐述）",
    "依托单位简介": "依托单位\n简介",
    "依托单位对工作室支持措施": "依托单位\n对工作室\n支持措施",
    "人才工作室工作任务目标": "人才工作室工作任务\n目标",
}
LONG_HINTS = {
    "领衔人主要工作业绩": "",
    "依托单位简介": "（包括生产、科研以及人才队伍情况）\n",
    "依托单位对工作室支持措施": "（可另附页详细阐述）\n",
    "人才工作室工作任务目标": "（可另附页详细阐述）\n",
}


def _set(cell: Any, text: str) -> None:
    """Cell text with real paragraphs for line breaks (as Word stores them)."""
    lines = text.split("\n")
    cell.text = lines[0]
    for line in lines[1:]:
        cell.add_paragraph(line)


def _merge(table: Any, r1: int, c1: int, r2: int, c2: int, text: str | None = None) -> Any:
    cell = table.cell(r1, c1).merge(table.cell(r2, c2))
    if text is not None:
        _set(cell, text)
    return cell


def form1(
    path: Path,
    layout: str = "notice",
    *,
    cover: dict[str, str] | None = None,
    leader: dict[str, str] | None = None,
    members: list[tuple[str, ...]] | None = None,
    awards: list[tuple[str, ...]] | None = None,
    longs: dict[str, str] | None = None,
    blank_rows: int = 2,
) -> Path:
    """附件1 filled in; ``layout``: notice, spaced, paragraphs, wps."""
    data = {
        "cover": {**COVER, **(cover or {})},
        "leader": {**LEADER, **(leader or {})},
        "members": MEMBERS if members is None else members,
        "awards": AWARDS if awards is None else awards,
        "longs": {**LONGS, **(longs or {})},
        "blank_rows": blank_rows,
    }
    document = docx.Document()
    {"notice": _notice, "spaced": _spaced, "paragraphs": _paragraphs, "wps": _wps}[layout](document, data)
    document.save(str(path))
    return path


# -- the notice's own layout: one big table, merged cells, spaced cover lines ----------------------
def _cover_lines(document: Any, cover: dict[str, str], labels: dict[str, str]) -> None:
    document.add_paragraph("附件1")
    document.add_paragraph("准东开发区\n高层次人才（技能大师）工作室\n申报表")
    for key, value in cover.items():
        document.add_paragraph(f"{labels[key]}    {value}    ")


def _leader_rows(table: Any, leader: dict[str, str], labels: dict[str, str], start: int = 0) -> int:
    """The leader block on an 8-column grid; returns the next free row."""
    lay = [
        [("领衔人", 1), ("性别", 1), ("民族", 1), ("政治面貌", 1)],
        [("工作单位", 3), ("联系电话", 3)],
        [("工作室地点", 3), ("工作室面积", 3)],
        [("学历（学位）", 1), ("参加工作时间", 1), ("从事职业（工种）", 3)],
        [("行政职务", 1), ("职业资格", 1), ("身份证号", 3)],
        [("通讯地址", 5), ("邮编", 1)],
    ]
    for offset, pairs in enumerate(lay):
        r = start + offset
        c = 0
        for key, span in pairs:
            _set(table.cell(r, c), labels.get(key, key))
            _merge(table, r, c + 1, r, c + span, leader[key]) if span > 1 else _set(table.cell(r, c + 1), leader[key])
            c += 1 + span
    return start + len(lay)


def _grid_table(
    document: Any,
    section: str,
    headers: list[tuple[str, int]],
    rows: list[tuple[str, ...]],
    blank: int,
    table: Any = None,
    start: int = 0,
) -> tuple[Any, int]:
    """A section: first column merged down, header row, data rows, ``blank`` empty rows after them."""
    count = 1 + len(rows) + blank
    if table is None:
        table = document.add_table(rows=count, cols=8)
        table.style = "Table Grid"
    else:
        for _ in range(count):
            table.add_row()
    _merge(table, start, 0, start + count - 1, 0, section)
    c = 1
    for header, span in headers:
        _merge(table, start, c, start, c + span - 1, header) if span > 1 else _set(table.cell(start, c), header)
        c += span
    for i, row in enumerate(rows, 1):
        c = 1
        for (header, span), value in zip(headers, row):
            if span > 1:
                _merge(table, start + i, c, start + i, c + span - 1, value)
            else:
                _set(table.cell(start + i, c), value)
            c += span
    for i in range(len(rows) + 1, count):
        c = 1
        for _, span in headers:
            if span > 1:
                _merge(table, start + i, c, start + i, c + span - 1)
            c += span
    return table, start + count


MEMBER_HEADERS = [("姓   名", 1), ("职业\n资格", 2), ("年龄", 1), ("突出业绩", 3)]
AWARD_HEADERS = [("获奖项目", 1), ("奖励名称", 2), ("授予单位", 1), ("等级", 1), ("排名", 1), ("年度", 1)]


def _long_rows(table: Any, longs: dict[str, str], labels: dict[str, str], hints: bool = True) -> None:
    for key, value in longs.items():
        row = table.add_row()
        r = len(table.rows) - 1
        _set(row.cells[0], labels.get(key, key))
        _merge(table, r, 1, r, 7, (LONG_HINTS[key] if hints else "") + value)
    for opinion in ("依托单位\n意见", "准东开发区行业主管部门审核推荐意见"):
        table.add_row()
        r = len(table.rows) - 1
        _set(table.cell(r, 0), opinion)
        _merge(table, r, 1, r, 7, "\n\n（盖章）\n二〇   年   月   日")


def _notice(document: Any, data: dict[str, Any]) -> None:
    labels = {"申报人": "申    报    人", "工作室名称": "工 作 室 名 称", "专业领域": "专  业  领  域"}
    _cover_lines(document, data["cover"], labels)
    table = document.add_table(rows=6, cols=8)
    table.style = "Table Grid"
    leader_labels = {
        "工作室面积": "工作室\n面积",
        "学历（学位）": "学历\n（学位）",
        "从事职业（工种）": "从事职业\n（工种）",
        "职业资格": "职业\n资格",
    }
    _leader_rows(table, data["leader"], leader_labels)
    blank = data["blank_rows"]
    _, nxt = _grid_table(
        document, "工作室其他人员（若人员较多可另附表）", MEMBER_HEADERS, data["members"], blank, table, 6
    )
    _grid_table(document, "领衔人主要获奖情况", AWARD_HEADERS, data["awards"], blank, table, nxt)
    _long_rows(table, data["longs"], LONG_LABELS)


# -- labels spaced and with colons, cover in a table, blank rows in the middle of the members -------
def _spaced(document: Any, data: dict[str, Any]) -> None:
    cover = document.add_table(rows=3, cols=2)
    for i, (key, value) in enumerate(data["cover"].items()):
        _set(cover.cell(i, 0), " ".join(key) + "：")
        _set(cover.cell(i, 1), value)
    document.add_paragraph("")
    table = document.add_table(rows=6, cols=8)
    labels = {key: "  ".join(key[:2]) + key[2:] + (":" if i % 2 else "：") for i, key in enumerate(LEADER)}
    _leader_rows(table, data["leader"], labels)
    members = list(data["members"])
    members.insert(2, ("", "", "", ""))  # a blank row left in the middle
    _, nxt = _grid_table(
        document,
        "工作室其他人员",
        [("姓　名：", 1), ("职业资格", 2), ("年 龄", 1), ("突出业绩", 3)],
        members,
        data["blank_rows"],
        table,
        6,
    )
    _grid_table(document, "领衔人主要获奖情况", AWARD_HEADERS, data["awards"], data["blank_rows"], table, nxt)
    _long_rows(table, data["longs"], {k: v.replace("\n", " ") + "：" for k, v in LONG_LABELS.items()}, hints=False)


# -- blocks moved into paragraphs ---------------------------------------------------------------
def _paragraphs(document: Any, data: dict[str, Any]) -> None:
    for key, value in data["cover"].items():
        document.add_paragraph(f"{key}：{value}")
    keys = list(data["leader"])
    for i in range(0, len(keys), 3):
        document.add_paragraph("    ".join(f"{k}：{data['leader'][k]}" for k in keys[i : i + 3]))
    document.add_paragraph("工作室其他人员")
    members = document.add_table(rows=1, cols=4)
    for cell, header in zip(members.rows[0].cells, ("姓名", "职业资格", "年龄", "突出业绩")):
        _set(cell, header)
    for row in [*data["members"], *[("",) * 4] * data["blank_rows"]]:
        for cell, value in zip(members.add_row().cells, row):
            _set(cell, value)
    document.add_paragraph("领衔人主要获奖情况")
    awards = document.add_table(rows=1, cols=6)
    for cell, header in zip(awards.rows[0].cells, ("获奖项目", "奖励名称", "授予单位", "等级", "排名", "年度")):
        _set(cell, header)
    for row in data["awards"]:
        for cell, value in zip(awards.add_row().cells, row):
            _set(cell, value)
    for key, value in data["longs"].items():
        document.add_paragraph(LONG_LABELS[key].replace("\n", "") + "：")
        for line in value.split("\n"):
            document.add_paragraph(line)
        document.add_paragraph("")
    document.add_paragraph("依托单位意见：")
    document.add_paragraph("（盖章）")


# -- a WPS-like file: value after the label in the same cell, runs split, content controls ---------
def _split_runs(paragraph: Any, text: str) -> None:
    for part in (text[i : i + 2] for i in range(0, len(text), 2)):
        if part == "\n":
            paragraph.add_run().add_break()
        else:
            paragraph.add_run(part)


def _wps(document: Any, data: dict[str, Any]) -> None:
    for key, value in data["cover"].items():
        paragraph = document.add_paragraph()
        _split_runs(paragraph, "\u3000".join(key) + "：" + value)
    _wrap_in_content_control(document.paragraphs[0])
    table = document.add_table(rows=6, cols=4)
    keys = list(data["leader"])
    for i, key in enumerate(keys):
        r, c = divmod(i, 4)
        if r >= len(table.rows):
            table.add_row()
        cell = table.cell(r, c)
        cell.text = ""
        _split_runs(cell.paragraphs[0], key.replace("（", "(").replace("）", ")") + "：\u3000" + data["leader"][key])
    members = document.add_table(rows=1, cols=5)
    for cell, header in zip(members.rows[0].cells, ("序号", "姓\u3000\u3000名", "职业资格", "年龄", "突出业绩")):
        _split_runs(cell.paragraphs[0], header)
    for n, row in enumerate([*data["members"], *[("",) * 4] * data["blank_rows"]], 1):
        for cell, value in zip(members.add_row().cells, (str(n), *row)):
            _split_runs(cell.paragraphs[0], value)
    awards = document.add_table(rows=1, cols=6)
    for cell, header in zip(awards.rows[0].cells, ("获奖项目", "奖励名称", "授予单位", "等级", "排名", "年度")):
        cell.text = header
    for row in data["awards"]:
        for cell, value in zip(awards.add_row().cells, row):
            cell.text = value
    longs = document.add_table(rows=0, cols=2)
    for key, value in data["longs"].items():
        row = longs.add_row()
        row.cells[0].text = ""
        _split_runs(row.cells[0].paragraphs[0], LONG_LABELS[key])
        _set(row.cells[1], value)


def _wrap_in_content_control(paragraph: Any) -> None:
    sdt = OxmlElement("w:sdt")
    content = OxmlElement("w:sdtContent")
    sdt.append(OxmlElement("w:sdtPr"))
    sdt.append(content)
    p = paragraph._p
    p.addprevious(sdt)
    content.append(p)


# -- 附件2 rows, 附件3 ---------------------------------------------------------------------------
FORM2_HEADERS = [
    "序\n号",
    "申报\n单位",
    "工作室名称",
    "研究领域",
    "领衔人",
    "领衔人\n主要获奖\n情况",
    "工作室成员\n人数",
    "领衔人主要工作\n业绩",
    "依托单位简介",
    "依托单位对\n工作室支持措施",
    "人才工作室\n工作任务目标",
]


def form2_row(**over: str) -> list[str]:
    row = {
        "序号": "1",
        "申报单位": COVER["申报人"],
        "工作室名称": COVER["工作室名称"],
        "研究领域": COVER["专业领域"],
        "领衔人": LEADER["领衔人"],
        "领衔人主要获奖情况": "2021年全国技术能手",
        "工作室成员人数": "6",
        **{k: v for k, v in LONGS.items()},
    }
    row.update(over)
    return list(row.values())


def form2_docx(path: Path, rows: list[list[str]], blank: int = 2) -> Path:
    document = docx.Document()
    document.add_paragraph("附件2")
    document.add_paragraph("准东开发区高层次人才（技能大师）工作室申报汇总表")
    table = document.add_table(rows=1, cols=11)
    for cell, header in zip(table.rows[0].cells, FORM2_HEADERS):
        _set(cell, header)
    for row in [*rows, *[[""] * 11] * blank]:
        for cell, value in zip(table.add_row().cells, row):
            _set(cell, value)
    document.save(str(path))
    return path


def form2_xlsx(path: Path, rows: list[list[str]]) -> Path:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["准东开发区高层次人才（技能大师）工作室申报汇总表"])
    sheet.merge_cells("A1:K1")
    sheet.append([h.replace("\n", "\n ") for h in FORM2_HEADERS])
    for row in rows:
        sheet.append([int(v) if v.isdigit() else v for v in row])
    workbook.save(str(path))
    return path


TEAM = [("孙伟", "男", "45", "总工程师", "13800000001"), ("周丽", "女", "36", "工艺工程师", "13800000002")]


def form3(
    path: Path,
    total: str = "100",
    own: str = "40",
    requested: str = "60",
    *,
    team: list[tuple[str, ...]] | None = None,
    unit: str = "准东某煤化工有限公司",
) -> Path:
    document = docx.Document()
    document.add_paragraph("附件3")
    document.add_paragraph("准东开发区人才项目申报审批表")
    table = document.add_table(rows=0, cols=5)

    def full(label: str, value: str | None = None) -> None:
        table.add_row()
        r = len(table.rows) - 1
        if value is None:
            _merge(table, r, 0, r, 4, label)
        else:
            _set(table.cell(r, 0), label)
            _merge(table, r, 1, r, 4, value)

    full("项目名称", "煤化工废水近零排放技术攻关")
    full("项目申报单位", unit)
    full("项目实施目标、背景和意义")
    full("解决高盐废水处理难题，实现近零排放。")
    full("项目投入资金及预期成效")
    for values in (("资金额度", "资金总额", "自筹资金", "申请资金", ""), ("", f"{total}万元", own, requested, "")):
        table.add_row()
        r = len(table.rows) - 1
        for c, v in enumerate(values[:4]):
            _set(table.cell(r, c), v)
    _merge(table, r - 1, 0, r, 0)
    full("项目实施步骤及时间")
    full("项目起止时间：2026年7月1日——2027年6月30日")
    full("项目执行人（团队）")
    for values in (
        ("姓名", "性别", "年龄", "职务", "联系电话"),
        *(TEAM if team is None else team),
        ("", "", "", "", ""),
    ):
        for cell, v in zip(table.add_row().cells, values):
            _set(cell, v)
    full("项目申报单位意见：\n\n负责人签字（盖章）：\n年  月  日")
    document.save(str(path))
    return path


# -- PDFs ----------------------------------------------------------------------------------------
def pdf(path: Path, pages: int, *, encrypt: str | None = None, user_password: str = "secret") -> Path:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if encrypt:
        writer.encrypt(user_password=user_password, owner_password="owner", algorithm=encrypt)
    with open(path, "wb") as handle:
        writer.write(handle)
    return path


def text_pdf(path: Path, pages: int) -> Path:
    """A PDF with real text on every page (fpdf2), like a scanned-and-OCRed pack."""
    from fpdf import FPDF

    document = FPDF()
    document.set_font("helvetica", size=12)
    for n in range(pages):
        document.add_page()
        for line in range(30):
            document.cell(
                0, 8, f"Page {n + 1} line {line + 1}: evidence of the studio's work", new_x="LMARGIN", new_y="NEXT"
            )
    document.output(str(path))
    return path


# -- hostile files ---------------------------------------------------------------------------------
def zip_bomb_docx(path: Path, inflated_mb: int = 400) -> Path:
    """A valid-looking .docx whose document.xml inflates to ``inflated_mb`` MB."""
    source = io.BytesIO()
    docx.Document().save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in original.infolist():
            if item.filename == "word/document.xml":
                continue
            bomb.writestr(copy.copy(item), original.read(item.filename))
        head = b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
        chunk = b"A" * (1024 * 1024)
        with bomb.open("word/document.xml", "w", force_zip64=True) as handle:
            handle.write(head)
            for _ in range(inflated_mb):
                handle.write(chunk)
            handle.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return path


def docx_with_body_xml(path: Path, xml: str) -> Path:
    """A real .docx (python-docx's own parts) whose word/document.xml is ``xml``."""
    source = io.BytesIO()
    docx.Document().save(source)
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for item in original.infolist():
            data = xml.encode("utf-8") if item.filename == "word/document.xml" else original.read(item.filename)
            out.writestr(copy.copy(item), data)
    return path


_W_DOC = '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'


def entity_bomb_docx(path: Path) -> Path:
    """A .docx whose document.xml defines "billion laughs" entities (tiny zip, explosive if expanded)."""
    lol = "".join(f'<!ENTITY l{i} "{"&l%d;" % (i - 1) * 10}">' for i in range(1, 10))
    return docx_with_body_xml(
        path,
        (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<!DOCTYPE w:document [<!ENTITY l0 "工作室名称ha">{lol}]>'
            f"{_W_DOC}<w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p></w:body></w:document>"
        ),
    )


def huge_table_docx(path: Path, rows: int, cols: int = 8) -> Path:
    """A small, valid .docx with one enormous table (many cells, little XML each)."""
    cell = "<w:tc><w:p><w:r><w:t>某</w:t></w:r></w:p></w:tc>"
    grid = "<w:tblGrid>" + "<w:gridCol/>" * cols + "</w:tblGrid>"
    body = f"<w:tbl>{grid}" + ("<w:tr>" + cell * cols + "</w:tr>") * rows + "</w:tbl>"
    return docx_with_body_xml(
        path, f'<?xml version="1.0" encoding="UTF-8"?>{_W_DOC}<w:body>{body}</w:body></w:document>'
    )


def truncated(source: Path, path: Path, keep: float = 0.5) -> Path:
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path


def legacy_doc(path: Path) -> Path:
    """The first bytes of a Word 97–2003 file (OLE2 compound document) and some padding."""
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4096)
    return path


def password_docx(source: Path, path: Path, password: str = "secret") -> Path:
    """A real password-protected Word file (Office's Agile encryption, via msoffcrypto-tool)."""
    from msoffcrypto.format.ooxml import OOXMLFile

    with open(source, "rb") as plain, open(path, "wb") as locked:
        OOXMLFile(plain).encrypt(password, locked)
    return path


def paragraph_texts(path: Path) -> list[str]:
    return [p.text for p in docx.Document(str(path)).paragraphs]


__all__ = [
    "form1",
    "form2_docx",
    "form2_xlsx",
    "form3",
    "legacy_doc",
    "pdf",
    "qn",
    "text_pdf",
    "truncated",
    "zip_bomb_docx",
]
