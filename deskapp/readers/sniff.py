"""Telling files apart by their first bytes, and bounding a zip before anything parses it.

A .docx or .xlsx is a zip of XML parts. A hostile one (a "zip bomb") declares parts that
inflate to hundreds of megabytes; :func:`check_zip` reads only the zip's directory and
refuses such a file before python-docx or openpyxl loads a single part.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO

MAX_FILE_BYTES = 200 * 1024 * 1024
"""Larger files are not parsed (a whole pack scanned at 300 dpi stays well below)."""
MAX_ZIP_ENTRIES = 5000
MAX_ZIP_TOTAL = 150 * 1024 * 1024
"""Sum of all parts, uncompressed: python-docx loads every part into memory."""
MAX_XML_PART = 16 * 1024 * 1024
"""One XML part uncompressed; a filled 附件1 is well under 1 MB, a 300-page document a few MB.
lxml needs several times a part's size in memory, so this also bounds memory."""
MAX_RATIO = 200
"""Compression ratio above which a part larger than ``RATIO_FLOOR`` is a bomb."""
RATIO_FLOOR = 2 * 1024 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


IMAGE_MAGIC = (
    (b"\xff\xd8\xff", "jpeg"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"II+\x00", "tiff"),  # BigTIFF
    (b"MM\x00+", "tiff"),
)
"""Scans as images: JPEG, PNG, TIFF (one file may hold many pages)."""
ARCHIVE_MAGIC = ((b"Rar!\x1a\x07", "rar"), (b"7z\xbc\xaf\x27\x1c", "7z"))


def sniff(head: bytes) -> str:
    """The container type from the first bytes.

    One of: zip, pdf, ole2, rtf, html, jpeg, png, tiff, rar, 7z, mime (a web archive .mht),
    text, empty, unknown.
    """
    if not head:
        return "empty"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if b"%PDF-" in head[:1024]:
        return "pdf"
    if head.startswith(OLE2_MAGIC):
        return "ole2"
    for magic, kind in (*IMAGE_MAGIC, *ARCHIVE_MAGIC):
        if head.startswith(magic):
            return kind
    if head.lstrip()[:5].lower() == b"{\\rtf":
        return "rtf"
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"<") and (b"<html" in head[:2048].lower() or b"<table" in head[:2048].lower()):
        return "html"
    if text[:20].lower().startswith(b"mime-version:") or b"multipart/related" in head[:1024].lower():
        return "mime"
    if b"\x00" not in head and _decodes(head):
        return "text"
    return "unknown"


def _decodes(head: bytes) -> bool:
    """Readable as UTF-8 or GB18030 text (a cut multi-byte character at the end allowed)."""
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            if exc.start >= len(head) - 4:
                return True
    return False


_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
OLE2_SCAN_BYTES = 8 * 1024 * 1024


def ole2_is_encrypted_office(path: Path) -> bool:
    """A password-protected .docx/.xlsx is an OLE2 file holding an ``EncryptedPackage`` stream."""
    with open(path, "rb") as handle:
        return _ENCRYPTED_PACKAGE in handle.read(OLE2_SCAN_BYTES)


def read_head(path: Path, size: int = 2048) -> bytes:
    """The file's first ``size`` bytes (fewer if it is shorter), to tell its format by content; OSError."""
    with open(path, "rb") as handle:
        return handle.read(size)


@dataclass(frozen=True)
class ZipInfo:
    """What the zip's directory says: the office format inside, if any."""

    office: str
    """docx, xlsx, or "" (a zip that is neither)."""
    main: str = ""
    """The main part's name, found by the package's relationships (``word/document.xml`` mostly)."""
    strict: bool = False
    """A Strict Open XML package."""
    other: str = ""
    """For a zip that is no Office file: odt, ods, ofd, or "" (any other zip)."""


class UnsafeFile(Exception):
    """The file must not be parsed; the message (Chinese) says why."""


def check_zip(path: Path | IO[bytes]) -> ZipInfo:
    """Read the zip directory (and its small package parts); raise :class:`UnsafeFile` for broken
    or bomb-like zips. The Office kind comes from the package's relationships, not part names."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = archive.infolist()
    except zipfile.BadZipFile:
        raise UnsafeFile("文件不完整或已损坏（压缩包目录读不出），可能复制未完成，请让单位重新拷贝") from None
    except (OSError, ValueError, EOFError) as exc:
        raise UnsafeFile(f"文件已损坏，无法读取（{exc}）") from None
    if len(entries) > MAX_ZIP_ENTRIES:
        raise UnsafeFile(f"文件内部含 {len(entries)} 个部件，远超正常文档，疑似恶意文件，未读取")
    total = 0
    for info in entries:
        total += info.file_size
        if info.flag_bits & 0x1:
            raise UnsafeFile("文件已加密（设置了打开密码），请让单位提供未加密的电子版")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise UnsafeFile(
                f"部件 {info.filename} 解压后 {info.file_size // (1024 * 1024)} MB、压缩比 {ratio:.0f}:1，"
                "疑似“压缩炸弹”，为保护受理台未读取；请让单位重新另存后再拷贝"
            )
        if info.filename.endswith((".xml", ".rels")) and info.file_size > MAX_XML_PART:
            raise UnsafeFile(
                f"部件 {info.filename} 解压后 {info.file_size // (1024 * 1024)} MB，超过上限 "
                f"{MAX_XML_PART // (1024 * 1024)} MB，未读取"
            )
    if total > MAX_ZIP_TOTAL:
        raise UnsafeFile(
            f"文件解压后共 {total // (1024 * 1024)} MB，超过上限 {MAX_ZIP_TOTAL // (1024 * 1024)} MB，未读取；"
            "若含大量图片，请让单位压缩图片后另存"
        )
    from deskapp.readers.package import Package

    if hasattr(path, "seek"):
        path.seek(0)
    with Package.open(path) as package:
        main, office = package.main_part()
        if office:
            return ZipInfo(office, main, package.strict)
        mimetype = (package.raw("mimetype") or b"")[:100]
        if b"opendocument.text" in mimetype:
            return ZipInfo("", other="odt")
        if b"opendocument.spreadsheet" in mimetype:
            return ZipInfo("", other="ods")
        if package.has("OFD.xml"):
            return ZipInfo("", other="ofd")
    return ZipInfo("")
