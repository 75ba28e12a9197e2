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
    document = form1_document(
        layout, cover=cover, leader=leader, members=members, awards=awards, longs=longs, blank_rows=blank_rows
    )
    document.save(str(path))
    return path


def form1_document(
    layout: str = "notice",
    *,
    cover: dict[str, str] | None = None,
    leader: dict[str, str] | None = None,
    members: list[tuple[str, ...]] | None = None,
    awards: list[tuple[str, ...]] | None = None,
    longs: dict[str, str] | None = None,
    blank_rows: int = 2,
) -> Any:
    """附件1 as a python-docx Document (not saved), for the variants below to rework."""
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
    return document


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
        for (_, span), value in zip(headers, row, strict=True):
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
    for cell, header in zip(members.rows[0].cells, ("姓名", "职业资格", "年龄", "突出业绩"), strict=True):
        _set(cell, header)
    for row in [*data["members"], *[("",) * 4] * data["blank_rows"]]:
        for cell, value in zip(members.add_row().cells, row, strict=True):
            _set(cell, value)
    document.add_paragraph("领衔人主要获奖情况")
    awards = document.add_table(rows=1, cols=6)
    for cell, header in zip(
        awards.rows[0].cells, ("获奖项目", "奖励名称", "授予单位", "等级", "排名", "年度"), strict=True
    ):
        _set(cell, header)
    for row in data["awards"]:
        for cell, value in zip(awards.add_row().cells, row, strict=True):
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
    for cell, header in zip(
        members.rows[0].cells, ("序号", "姓\u3000\u3000名", "职业资格", "年龄", "突出业绩"), strict=True
    ):
        _split_runs(cell.paragraphs[0], header)
    for n, row in enumerate([*data["members"], *[("",) * 4] * data["blank_rows"]], 1):
        for cell, value in zip(members.add_row().cells, (str(n), *row), strict=True):
            _split_runs(cell.paragraphs[0], value)
    awards = document.add_table(rows=1, cols=6)
    for cell, header in zip(
        awards.rows[0].cells, ("获奖项目", "奖励名称", "授予单位", "等级", "排名", "年度"), strict=True
    ):
        cell.text = header
    for row in data["awards"]:
        for cell, value in zip(awards.add_row().cells, row, strict=True):
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
        **LONGS,
    }
    row.update(over)
    return list(row.values())


def form2_docx(path: Path, rows: list[list[str]], blank: int = 2) -> Path:
    document = docx.Document()
    document.add_paragraph("附件2")
    document.add_paragraph("准东开发区高层次人才（技能大师）工作室申报汇总表")
    table = document.add_table(rows=1, cols=11)
    for cell, header in zip(table.rows[0].cells, FORM2_HEADERS, strict=True):
        _set(cell, header)
    for row in [*rows, *[[""] * 11] * blank]:
        for cell, value in zip(table.add_row().cells, row, strict=True):
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
        for cell, v in zip(table.add_row().cells, values, strict=True):
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
    lol = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
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


# -- Word files as people's tools really write them (issue 11) ------------------------------------
# Each builder reworks a form built above the way Word, WPS or a web tool stores the same content;
# the right reading is always the plain form's.
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W15_NS = "http://schemas.microsoft.com/office/word/2012/wordml"
_NSDECL = (
    f'xmlns:w="{W_NS}" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wp="http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing" '
    'xmlns:a="http://schemas.openxmlformats.org/drawingml/2006/main" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office"'
)


def _el(xml: str) -> Any:
    """One element from an XML snippet written with the usual Word prefixes."""
    from lxml import etree

    root = etree.fromstring(f"<root {_NSDECL}>{xml}</root>")
    return root[0]


def _wrap(element: Any, marker: str | None = None, tag: str = "w:sdt") -> Any:
    """Put ``element`` inside a content control (``w:sdt``/``w:sdtContent``) where it stands."""
    sdt = OxmlElement(tag)
    props = OxmlElement("w:sdtPr")
    if marker:
        from lxml import etree

        etree.SubElement(props, f"{{{W15_NS}}}{marker}")
    sdt.append(props)
    content = OxmlElement("w:sdtContent")
    sdt.append(content)
    element.addprevious(sdt)
    content.append(element)
    return content


def _row_texts(tr: Any) -> list[str]:
    return ["".join(t.text or "" for t in tc.iter(qn("w:t"))) for tc in tr.iter(qn("w:tc"))]


def repeating_section(document: Any, names: list[str] | None = None) -> Any:
    """The member rows in a Word repeating section: each row in its own item, all in one section."""
    names = names or [m[0] for m in MEMBERS]
    rows = [tr for tr in document.element.body.iter(qn("w:tr")) if any(t in names for t in _row_texts(tr))]
    section = _wrap(rows[0], "repeatingSection")
    for tr in rows:
        section.append(tr)
        _wrap(tr, "repeatingSectionItem")
    return document


def content_controls_everywhere(document: Any) -> Any:
    """Every table in a content control, every cell in one (cell level), every run in one (run level)."""
    body = document.element.body
    for tc in list(body.iter(qn("w:tc"))):
        _wrap(tc)
    for run in list(body.iter(qn("w:r"))):
        _wrap(run)
    for table in list(body.iterchildren(qn("w:tbl"))):
        _wrap(table)
    return document


def _split_text(document: Any, value: str, limit: int = 0) -> list[tuple[Any, str, str]]:
    """Runs whose text holds ``value`` (the first ``limit``, or all): (run, text before, text after);
    the run keeps only the text before."""
    found: list[tuple[Any, str, str]] = []
    for t in list(document.element.body.iter(qn("w:t"))):
        text = t.text or ""
        if value in text and not (limit and len(found) >= limit):
            before, _, after = text.partition(value)
            t.text = before
            t.set("{http://www.w3.org/XML/1998/namespace}space", "preserve")
            found.append((t.getparent(), before, after))
    return found


def _text_run(text: str, tag: str = "w:t") -> str:
    return f'<w:r><{tag} xml:space="preserve">{text}</{tag}></w:r>'


def textbox_run(text: str, vml_only: bool = False) -> Any:
    """A run holding a text box as Word stores it: DrawingML with a VML fallback (or VML alone)."""
    content = f"<w:txbxContent><w:p>{_text_run(text)}</w:p></w:txbxContent>"
    vml = f'<w:pict><v:shape id="tb" type="#_x0000_t202"><v:textbox>{content}</v:textbox></v:shape></w:pict>'
    if vml_only:
        return _el(f"<w:r>{vml}</w:r>")
    drawing = (
        '<w:drawing><wp:anchor distT="0" distB="0" distL="0" distR="0" simplePos="0" relativeHeight="1" '
        'behindDoc="0" locked="0" layoutInCell="1" allowOverlap="1"><wp:simplePos x="0" y="0"/>'
        '<wp:extent cx="2600000" cy="300000"/><wp:docPr id="7" name="文本框 7"/>'
        '<a:graphic><a:graphicData uri="http://schemas.microsoft.com/office/word/2010/wordprocessingShape">'
        f'<wps:wsp><wps:cNvSpPr txBox="1"/><wps:spPr/><wps:txbx>{content}</wps:txbx><wps:bodyPr/></wps:wsp>'
        "</a:graphicData></a:graphic></wp:anchor></w:drawing>"
    )
    return _el(
        f'<w:r><mc:AlternateContent><mc:Choice Requires="wps">{drawing}</mc:Choice>'
        f"<mc:Fallback>{vml}</mc:Fallback></mc:AlternateContent></w:r>"
    )


def values_in_textboxes(document: Any, values: list[str], vml_only: bool = False) -> Any:
    """Each of ``values`` moved out of its run into a text box anchored there (wherever it stands)."""
    for value in values:
        for run, _, after in _split_text(document, value):
            run.addnext(textbox_run(value, vml_only))
            if after:
                run.getnext().addnext(_el(_text_run(after)))
    return document


def tracked_changes(document: Any) -> Any:
    """Tracked changes a reviewer left unaccepted: the right text is what reads with all accepted.

    - 工作室名称: the old name deleted, the right one inserted;
    - 申报人: the unit moved from the 专业领域 line to its own (``moveFrom`` / ``moveTo``);
    - a deleted paragraph that said another studio name before the real one;
    - a member row deleted, the last member row inserted.
    """
    name, unit, sector = COVER["工作室名称"], COVER["申报人"], COVER["专业领域"]
    for run, _, after in _split_text(document, name, 1):
        run.addnext(_el(f'<w:ins w:id="1" w:author="审核">{_text_run(name)}</w:ins>'))
        run.addnext(_el(f'<w:del w:id="2" w:author="审核">{_text_run("旧名称工作室", "w:delText")}</w:del>'))
        if after:
            run.getparent().append(_el(_text_run(after)))
    for run, _, after in _split_text(document, unit, 1):
        run.addnext(_el(f'<w:moveTo w:id="3" w:author="审核">{_text_run(unit)}</w:moveTo>'))
        if after:
            run.getparent().append(_el(_text_run(after)))
    for t in document.element.body.iter(qn("w:t")):
        if sector in (t.text or ""):
            t.getparent().addprevious(_el(f'<w:moveFrom w:id="4" w:author="审核">{_text_run(unit)}</w:moveFrom>'))
            break
    first = document.element.body.find(qn("w:p"))
    first.addprevious(
        _el(f'<w:p><w:del w:id="5" w:author="审核">{_text_run("工作室名称：被删掉的名称")}</w:del></w:p>')
    )
    rows = [tr for tr in document.element.body.iter(qn("w:tr")) if MEMBERS[0][0] in _row_texts(tr)]
    gone = copy.deepcopy(rows[0])
    for t in gone.iter(qn("w:t")):
        t.text = t.text.replace(MEMBERS[0][0], "删除者") if t.text else t.text
    props = gone.find(qn("w:trPr"))
    if props is None:
        props = OxmlElement("w:trPr")
        gone.insert(0, props)
    props.append(_el('<w:del w:id="6" w:author="审核"/>'))
    rows[0].addprevious(gone)
    last = next(tr for tr in document.element.body.iter(qn("w:tr")) if MEMBERS[-1][0] in _row_texts(tr))
    props = last.find(qn("w:trPr"))
    if props is None:
        props = OxmlElement("w:trPr")
        last.insert(0, props)
    props.append(_el('<w:ins w:id="7" w:author="审核"/>'))
    return document


IRREGULAR = {
    # a vMerge continue under the middle of a gridSpan cell (the shape of case 02)
    "under_span": (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
        '<w:tr><w:tc><w:p>{a}</w:p></w:tc><w:tc><w:tcPr><w:gridSpan w:val="2"/></w:tcPr><w:p>{b}</w:p></w:tc></w:tr>'
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc><w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"
    ),
    # a continue in the first row (nothing above it)
    "first_row": (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        '<w:tr><w:tc><w:tcPr><w:vMerge w:val="continue"/></w:tcPr><w:p>{a}</w:p></w:tc><w:tc><w:p>{b}</w:p></w:tc></w:tr>'
        "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr></w:tbl>"
    ),
    # a continue beyond the row above's last cell, spans wider than the grid
    "beyond": (
        "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/></w:tblGrid>"
        "<w:tr><w:tc><w:p>{a}</w:p></w:tc><w:tc><w:p>{b}</w:p></w:tc></w:tr>"
        '<w:tr><w:tc><w:tcPr><w:gridSpan w:val="3"/></w:tcPr><w:p/></w:tc>'
        "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc></w:tr></w:tbl>"
    ),
}


def irregular_table(document: Any, shape: str = "under_span", where: str = "end") -> Any:
    """A small extra table with an irregular vertical merge, at the start, middle or end of the body."""
    table = _el(IRREGULAR[shape].format(a=_text_run("附件清单"), b=_text_run("佐证材料（共 12 页）")))
    body = document.element.body
    blocks = [c for c in body if c.tag in (qn("w:p"), qn("w:tbl"))]
    if where == "start":
        blocks[0].addprevious(table)
    elif where == "middle":  # between the members and the awards
        awards = [
            b for b in blocks if "".join(t.text or "" for t in b.iter(qn("w:t"))).startswith("领衔人主要获奖情况")
        ]
        (awards or blocks[len(blocks) // 2 :])[0].addprevious(table)
    else:
        blocks[-1].addnext(table)
    return document


def _package_parts(source: Path | bytes) -> dict[str, bytes]:
    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {item.filename: archive.read(item.filename) for item in archive.infolist()}


def _write_package(path: Path, parts: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for name, data in parts.items():
            out.writestr(name, data)
    return path


def saved(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


TO_STRICT = (
    (
        b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
        b"http://purl.oclc.org/ooxml/wordprocessingml/main",
    ),
    (b"http://schemas.openxmlformats.org/spreadsheetml/2006/main", b"http://purl.oclc.org/ooxml/spreadsheetml/main"),
    (
        b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
        b"http://purl.oclc.org/ooxml/officeDocument/relationships",
    ),
    (b"http://schemas.openxmlformats.org/drawingml/2006/main", b"http://purl.oclc.org/ooxml/drawingml/main"),
    (
        b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
        b"http://purl.oclc.org/ooxml/drawingml/wordprocessingDrawing",
    ),
)
"""Transitional → Strict (ISO/IEC 29500-1) for the namespaces a form uses; relationship types follow."""


def strict(source: Path | bytes, path: Path) -> Path:
    """The same package saved as "Strict Open XML" (what Word writes when that type is chosen)."""
    parts = _package_parts(source)
    for name, original in parts.items():
        if name.endswith((".xml", ".rels")):
            data = original
            for old, new in TO_STRICT:
                data = data.replace(old, new)
            data = data.replace(b"<w:document ", b'<w:document w:conformance="strict" ', 1)
            data = data.replace(b"<workbook ", b'<workbook conformance="strict" ', 1)
            parts[name] = data
    return _write_package(path, parts)


def renamed_main(source: Path | bytes, path: Path, new: str = "word/document2.xml") -> Path:
    """The main part under another name (Word Online writes ``word/document2.xml``), found only by relationship."""
    parts = _package_parts(source)
    old = "word/document.xml" if "word/document.xml" in parts else "xl/workbook.xml"
    folder, base = old.rsplit("/", 1)
    new_base = new.rsplit("/", 1)[1]
    parts[new] = parts.pop(old)
    rels = f"{folder}/_rels/{base}.rels"
    if rels in parts:
        parts[f"{folder}/_rels/{new_base}.rels"] = parts.pop(rels)
    for name in ("[Content_Types].xml", "_rels/.rels"):
        parts[name] = (
            parts[name]
            .replace(f"/{old}".encode(), f"/{new}".encode())
            .replace(f'"{old}"'.encode(), f'"{new}"'.encode())
        )
    return _write_package(path, parts)


def form1_html(*, members: list[tuple[str, ...]] | None = None, charset: str = "utf-8") -> str:
    """附件1 as a web tool exports it: cover lines as paragraphs, tables with colspan/rowspan."""
    members = MEMBERS if members is None else members
    cover = "".join(f"<p>{k}：{v}</p>" for k, v in COVER.items())
    keys = list(LEADER)
    leader = "".join(
        "<tr>" + "".join(f"<td>{k}</td><td>{LEADER[k]}</td>" for k in keys[i : i + 2]) + "</tr>"
        for i in range(0, len(keys), 2)
    )
    member_rows = "".join(
        "<tr>"
        + (f'<td rowspan="{len(members) + 1}">工作室其他人员</td>' if i == 0 else "")
        + "".join(f"<td>{v}</td>" for v in row)
        + "</tr>"
        for i, row in enumerate([("姓名", "职业资格", "年龄", "突出业绩"), *members])
    )
    award_rows = "".join(
        "<tr>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
        for row in [("获奖项目", "奖励名称", "授予单位", "等级", "排名", "年度"), *AWARDS]
    )
    longs = "".join(f'<tr><td>{k}</td><td colspan="4">{v.replace(chr(10), "<br>")}</td></tr>' for k, v in LONGS.items())
    return (
        f'<html><head><meta http-equiv="Content-Type" content="text/html; charset={charset}">'
        "<style>td{border:1px solid}</style><script>var x = '工作室名称：脚本';</script></head><body>"
        f"<p>附件1</p><h3>准东开发区高层次人才（技能大师）工作室申报表</h3>{cover}"
        f'<table border="1">{leader}</table><table border="1">{member_rows}</table>'
        f'<p>领衔人主要获奖情况</p><table border="1">{award_rows}</table>'
        f'<table border="1">{longs}<tr><td>依托单位意见</td><td colspan="4">（盖章）</td></tr></table></body></html>'
    )


def mht(html: str) -> bytes:
    """A web archive ("single file web page", .mht) holding ``html``, quoted-printable as Word writes it."""
    import quopri

    body = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    return (
        'MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary="----=_NextPart_01"\r\n\r\n'
        "------=_NextPart_01\r\nContent-Location: file:///C:/form.htm\r\n"
        'Content-Transfer-Encoding: quoted-printable\r\nContent-Type: text/html; charset="utf-8"\r\n\r\n'
        f"{body}\r\n------=_NextPart_01--\r\n"
    ).encode("ascii")


ALT_CHUNK_TYPES = {
    "html": ("htm", "text/html"),
    "xhtml": ("xhtml", "application/xhtml+xml"),
    "mht": ("mht", "message/rfc822"),
    "docx": ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"),
    "text": ("txt", "text/plain"),
}


def alt_chunk_docx(path: Path, payload: bytes, kind: str = "html", before: list[str] | None = None) -> Path:
    """A .docx whose body is one altChunk (web "export to Word"), after the paragraphs ``before``."""
    ext, content_type = ALT_CHUNK_TYPES[kind]
    document = docx.Document()
    for text in before or []:
        document.add_paragraph(text)
    body = document.element.body
    chunk = _el(
        '<w:altChunk xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships" r:id="rIdChunk1"/>'
    )
    body.find(qn("w:sectPr")).addprevious(chunk)
    parts = _package_parts(saved(document))
    name = f"afchunk1.{ext}"
    parts[f"word/{name}"] = payload
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/word/{name}" ContentType="{content_type}"/></Types>'.encode()
    )
    parts["word/_rels/document.xml.rels"] = parts["word/_rels/document.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdChunk1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/aFChunk" '
        + f'Target="{name}"/></Relationships>'.encode(),
    )
    return _write_package(path, parts)


def padded_pdf(path: Path, pages: int, tail: bytes) -> Path:
    """A valid PDF with ``tail`` appended after its ``%%EOF`` (NUL padding, a mail gateway's junk …)."""
    pdf(path, pages)
    with open(path, "ab") as handle:
        handle.write(tail)
    return path


def scan(path: Path, fmt: str = "JPEG", frames: int = 1, size: tuple[int, int] = (620, 877)) -> Path:
    """A page scan as an image (Pillow): JPEG, PNG, or TIFF with ``frames`` pages."""
    from PIL import Image, ImageDraw

    pages = []
    for n in range(frames):
        image = Image.new("L" if fmt != "JPEG" else "RGB", size, "white")
        ImageDraw.Draw(image).text((40, 40 + n), f"page {n + 1}", fill="black")
        pages.append(image)
    extra: dict[str, Any] = {"dpi": (150, 150)}
    if frames > 1:
        extra.update(save_all=True, append_images=pages[1:])
    pages[0].save(path, fmt, **extra)
    return path


def unseen_text(document: Any) -> Any:
    """What Word does not show: a placeholder content control after 工作室地点's value, hidden text after
    工作室名称's value, and the 申报人 line broken in two by a paragraph mark deleted with tracked changes."""
    place, name, unit = LEADER["工作室地点"], COVER["工作室名称"], COVER["申报人"]
    for run, _, after in _split_text(document, place, 1):
        run.addnext(_el(_text_run(place + after)))
        sdt = (
            "<w:sdt><w:sdtPr><w:showingPlcHdr/></w:sdtPr><w:sdtContent>"
            f"{_text_run('单击或点击此处输入文字。')}</w:sdtContent></w:sdt>"
        )
        run.getnext().addnext(_el(sdt))
    for run, _, after in _split_text(document, name, 1):
        run.addnext(_el(_text_run(name + after)))
        run.getnext().addnext(_el("<w:r><w:rPr><w:vanish/></w:rPr><w:t>（填表说明：此处填写全称）</w:t></w:r>"))
    for run, _, after in _split_text(document, unit, 1):
        paragraph = run.getparent()
        second = _el(f"<w:p>{_text_run(unit + after)}</w:p>")
        for later in list(run.itersiblings()):
            second.append(later)
        paragraph.addnext(second)
        props = paragraph.find(qn("w:pPr"))
        if props is None:
            props = OxmlElement("w:pPr")
            paragraph.insert(0, props)
        props.append(_el('<w:rPr><w:del w:id="9" w:author="审核"/></w:rPr>'))
    return document


def png_header_only(width: int, height: int) -> bytes:
    """A PNG that claims ``width``×``height`` pixels (a "pixel bomb") without holding them."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0")) + chunk(b"IEND", b"")
