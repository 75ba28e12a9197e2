"""``read_file``: one entry point for any file a unit hands in, dispatched by content.

Every file gets a report with its fingerprint. Before any parser runs, the file's size
and (for .docx/.xlsx) its zip directory are bounded, so a hostile file is refused in
milliseconds. ``deskapp.readers.isolate`` adds defence in depth around this function.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from deskapp.readers.report import FileReport, new_report
from deskapp.readers.sniff import MAX_FILE_BYTES, UnsafeFile, check_zip, ole2_is_encrypted_office, read_head, sniff

SCANS = ("jpeg", "png", "tiff")

_EXTENSIONS = {
    "form1": (".docx", ".docm", ".dotx"),
    "form2": (".docx", ".xlsx", ".docm", ".xlsm"),
    "form3": (".docx", ".docm", ".dotx"),
    "docx": (".docx", ".docm", ".dotx"),
    "xlsx": (".xlsx", ".xlsm"),
    "pdf": ".pdf",
    "scan": (".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff"),
}
READABLE_SUFFIXES = (".docx", ".xlsx", ".pdf", ".doc", ".xls", ".wps", ".et")
"""Kept for callers that filter by name; the desk itself reads every file by content (:func:`expand`)."""
SYSTEM_FILES = frozenset({"thumbs.db", "desktop.ini", ".ds_store", "system volume information", "$recycle.bin"})
"""What Windows and macOS leave on a USB stick: never a unit's document, not listed."""


# Containers recognised but not read: (kind, what to tell the clerk).
REFUSED = {
    "ole2": ("doc", "是旧版 Word/Excel 格式（.doc/.xls），无法读取；请在 Word 或 WPS 中“另存为” .docx 或 .xlsx 后再读"),
    "rtf": ("unknown", "是 RTF 文本格式，不是 Word 文档；请在 Word 或 WPS 中“另存为” .docx 后再读"),
    "rar": ("unknown", "是 RAR 压缩包，不是 Word/Excel/PDF 文件；请解压后读取其中的文件"),
    "7z": ("unknown", "是 7z 压缩包，不是 Word/Excel/PDF 文件；请解压后读取其中的文件"),
    "text": ("unknown", "是纯文本文件（没有表格和格式），不是申报表；如是说明材料，请对照纸质版"),
}
MAX_WEB_BYTES = 20 * 1024 * 1024
WEB_NOTE = "是网页格式（可能是从网页或 WPS“另存为网页”得到的），已按网页内容读取；请让单位另存为 .docx 后再交电子版"
ZIP_OTHERS = {
    "odt": "是 OpenDocument 文本（.odt，WPS/LibreOffice 的格式），无法读取；请在 WPS 或 Word 中“另存为” .docx 后再读",
    "ods": "是 OpenDocument 表格（.ods），无法读取；请在 WPS 或 Excel 中“另存为” .xlsx 后再读",
    "ofd": "是 OFD 版式文件，无法读取；请让单位导出为 PDF 后再拷贝",
}


def read_file(path: str | os.PathLike[str]) -> FileReport:
    """Read one file in this process (bounded before parsing); never raises for a bad file."""
    report = new_report(path)
    if not report.readable:
        return report
    p = Path(report.path)
    if report.size == 0:
        report.kind = "empty"
        return report.fail("是空文件（0 字节），可能拷贝失败，请让单位重新拷贝")
    if report.size > MAX_FILE_BYTES:
        size, limit = report.size // (1024 * 1024), MAX_FILE_BYTES // (1024 * 1024)
        return report.fail(f"文件过大（{size} MB），超过 {limit} MB 上限，未读取")
    try:
        container = sniff(read_head(p))
        if container == "zip":
            _read_zip(p, report)
        elif container == "pdf":
            from deskapp.readers.pdf import read_pdf

            read_pdf(p, report)
        elif container in SCANS:
            from deskapp.readers.images import read_image

            read_image(p, report)
        elif container in ("html", "mime"):
            _read_web(p, report, container)
        elif container == "ole2" and ole2_is_encrypted_office(p):
            report.fail("设置了打开密码的 Word/Excel 文件，无法读取；请让单位取消密码后另存，再拷贝电子版")
        elif container in REFUSED:
            report.kind, message = REFUSED[container]
            report.fail(message)
        else:
            report.fail("不是 Word（.docx）、Excel（.xlsx）、PDF 或扫描图片（JPEG/PNG/TIFF），无法识别其内容")
    except UnsafeFile as exc:
        report.fail(str(exc))
    except MemoryError:
        report.fail("读取时内存不足，文件过于复杂或是恶意文件，未读取")
    except ImportError as exc:
        report.fail(f"受理台的读取组件无法加载（{exc.name or exc}），请检查安装；文件本身未必有问题")
    except RecursionError:
        report.fail("文件结构嵌套过深，疑似恶意文件，未读取")
    except Exception as exc:  # noqa: BLE001 - a bad file must never stop the desk
        if type(exc).__name__ == "XMLSyntaxError":  # lxml; also refuses entity-expansion bombs
            report.fail("文件内部格式错误（XML 无法解析），可能已损坏或含有不允许的内容；请让单位重新另存后再拷贝")
            return report
        report.fail(f"读取失败（{type(exc).__name__}），文件可能已损坏；请让单位重新另存或拷贝")
    if report.readable:
        _check_extension(report)
    return report


def _read_zip(path: Path, report: FileReport) -> None:
    from deskapp.readers import office, sheets, wordml
    from deskapp.readers.package import STRICT_HELP, BadXml, Package

    info = check_zip(path)
    if not info.office:
        report.fail(
            ZIP_OTHERS.get(info.other, "是压缩包，不是 Word（.docx）或 Excel（.xlsx）文件；请解压后读取其中的文件")
        )
        return
    report.kind = info.office
    try:
        with Package.open(str(path)) as package:
            if info.office == "docx":
                rows, problems = wordml.docx_rows(package, info.main)
                cut = False
            else:
                rows, cut = sheets.xlsx_rows(package, info.main)
                problems = []
    except Exception as exc:
        if info.strict and (isinstance(exc, BadXml) or not isinstance(exc, UnsafeFile)):
            report.fail(STRICT_HELP)  # said as what it is, with how to re-save it — never "damaged"
            return
        raise
    office.fill_report(report, rows, info.office)
    for problem in problems:
        report.problem(problem)
    if cut:
        report.problem(
            f"表格很大，只读取了前 {sheets.MAX_SHEETS} 个工作表、每表前 {sheets.MAX_SHEET_ROWS} 行（共约 "
            f"{sheets.MAX_CELLS} 个单元格）"
        )


def _read_web(path: Path, report: FileReport, container: str) -> None:
    """An HTML page or web archive (.mht): Word/WPS "save as web page", web form exports."""
    from deskapp.readers import htmlrows, office

    if path.stat().st_size > MAX_WEB_BYTES:
        report.fail(f"网页文件超过 {MAX_WEB_BYTES // (1024 * 1024)} MB，不是申报表，未读取")
        return
    data = path.read_bytes()
    text = htmlrows.mime_html(data) if container == "mime" else htmlrows.decode(data)
    if text is None:
        report.fail("是网页存档（.mht），但其中没有网页内容，无法读取")
        return
    office.fill_report(report, htmlrows.html_rows(text), "html")
    report.problem(WEB_NOTE)


def _check_extension(report: FileReport) -> None:
    expected = _EXTENSIONS.get(report.kind)
    suffix = Path(report.name).suffix.lower()
    if expected and suffix not in (expected if isinstance(expected, tuple) else (expected,)):
        report.problem(f"扩展名是“{suffix or '无'}”，实际内容是{report.kind_label}，已按实际内容读取")


def listed(path: Path) -> bool:
    """Whether a file found in a folder is the unit's: not hidden (``.…``, macOS ``._…``), not a Word
    lock file (``~$…``), not a system file of Windows or macOS."""
    name = path.name
    return not name.startswith(("~$", ".")) and name.lower() not in SYSTEM_FILES


def expand(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Files as given; a folder becomes **every** file in it and its subfolders, sorted, whatever the
    suffix (each is read by content) — hidden, lock and system files (:func:`listed`) left out."""
    out: list[Path] = []
    for raw in paths:
        p = Path(raw).expanduser()
        if p.is_dir():
            found: list[Path] = []
            for folder, dirs, files in os.walk(p):
                dirs[:] = sorted(d for d in dirs if listed(Path(d)))
                found.extend(Path(folder) / f for f in files if listed(Path(f)))
            out.extend(sorted(found))
        else:
            out.append(p)
    return out
