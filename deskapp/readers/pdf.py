"""PDFs: the page count from the document's page tree; encrypted, damaged or cut-short files said as such.

A file is *cut short* (copy not finished) when it has no ``%%EOF`` marker at all, or when an
incremental update after its last marker was cut; bytes after the last ``%%EOF`` that are
only padding (NUL bytes, spaces — what some scanners and mail gateways append) are ignored.
"页数不可靠" is said only when pypdf could not walk the page tree.
"""

from __future__ import annotations

import logging
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.readers.report import FileReport

if TYPE_CHECKING:
    from pypdf import PdfReader
    from pypdf.generic import DictionaryObject

TAIL_BYTES = 64 * 1024
"""How far after the last ``%%EOF`` a cut-off incremental update is looked for."""


def read_pdf(path: Path, report: FileReport) -> FileReport:
    """Count a PDF's pages into ``report.pages`` (the leaves of its page tree, not its own ``/Count``):
    the number the desk weighs against the page limit (notice 三.1: 一般不超过25页). Never raises: an
    encrypted, damaged, cut-off or empty PDF fails the report with a Chinese message (and no page count
    when it cannot be trusted). Returns ``report``."""
    report.kind = "pdf"
    try:
        from pypdf import PdfReader
        from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError
    except ImportError:  # pragma: no cover - pypdf is a dependency
        return report.fail("本机缺少 pypdf，无法读取 PDF")
    truncated = _cut_short(path)
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(str(path), strict=False)
            if reader.is_encrypted:
                report.fields["加密"] = _encryption_name(reader)
                try:
                    opened = bool(reader.decrypt(""))
                except DependencyError:
                    return report.fail(
                        f"已加密（{report.fields['加密']}），本机缺少解密组件（cryptography），无法读出页数；"
                        "请按纸质版核对页数，或让单位提供未加密的PDF"
                    )
                if not opened:
                    return report.fail(
                        f"已加密（{report.fields['加密']}），需要密码才能打开，无法读出页数；"
                        "请让单位提供未加密的PDF，或按纸质版核对页数"
                    )
            counted = len(reader.pages)  # pypdf walks the whole page tree (its leaves, not /Count)
            declared = _declared_count(reader, counted)
            report.pages = counted
            if counted != declared:
                report.problem(f"PDF 的页面目录声明 {declared} 页，实际找到 {counted} 页；按实际页数计")
    except FileNotDecryptedError:
        return report.fail("已加密，需要密码才能打开，无法读出页数；请让单位提供未加密的PDF")
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError, OSError) as exc:
        if truncated:
            return report.fail("PDF 不完整（缺少文件结尾，可能复制未完成），读不出页数；请让单位重新拷贝")
        return report.fail(f"PDF 已损坏，读不出页数（{type(exc).__name__}）；请让单位重新导出或拷贝")
    if truncated:
        pages, report.pages = report.pages, None
        return report.fail(
            f"PDF 不完整（缺少文件结尾，可能复制未完成），只能认出 {pages} 页，页数不可靠；请让单位重新拷贝"
        )
    if report.pages == 0:
        return report.fail("PDF 中没有任何页面")
    return report


def _declared_count(reader: PdfReader, default: int) -> int:
    """The page tree's own ``/Count`` (what a careless writer may get wrong)."""
    try:
        count = _entry(_entry(reader.trailer, "/Root"), "/Pages").get("/Count")
    except Exception:  # noqa: BLE001 - a broken object read lazily by pypdf: only compared, never trusted
        return default
    return int(count) if isinstance(count, int) else default


def _entry(dictionary: object, key: str) -> DictionaryObject:
    """``dictionary[key]`` resolved, when both are PDF dictionaries; else an empty one."""
    from pypdf.generic import DictionaryObject

    value = dictionary.get(key) if isinstance(dictionary, DictionaryObject) else None
    value = value.get_object() if value is not None else None
    return value if isinstance(value, DictionaryObject) else DictionaryObject()


def _cut_short(path: Path) -> bool:
    """No ``%%EOF`` anywhere, or objects after the last one (an incremental update cut off)."""
    import mmap

    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = data.rfind(b"%%EOF")
        if end < 0:
            return True
        after = data[end + 5 : end + 5 + TAIL_BYTES]
        return b"endobj" in after or b"xref" in after or (b" obj" in after and b"stream" in after)


def _encryption_name(reader: PdfReader) -> str:
    try:
        encrypt = _entry(reader.trailer, "/Encrypt")
    except Exception:  # noqa: BLE001 - a broken object read lazily by pypdf: only a label for the message
        return "加密方式未知"
    v, r = encrypt.get("/V", 0), encrypt.get("/R", 0)
    if not encrypt or not isinstance(v, int) or not isinstance(r, int):
        return "加密方式未知"
    if v >= 5 or r >= 5:
        return "AES-256"
    if v == 4:
        return "AES-128 或 RC4-128"
    return "RC4"
