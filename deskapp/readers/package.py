"""An Office Open XML package (.docx, .xlsx) read the way Office reads it: by its relationships.

The main part is the target of the package's ``officeDocument`` relationship, whatever its
name (Word Online writes ``word/document2.xml``); its kind comes from its content type.
A Strict Open XML package (namespaces under ``http://purl.oclc.org/ooxml/``) is read by
mapping each Strict namespace to its Transitional twin before parsing, so one reader serves
both. Every XML part is parsed without DTDs or entities (a part declaring one is refused).

Only called after :func:`deskapp.readers.sniff.check_zip` has bounded the zip's sizes.
"""

from __future__ import annotations

import os
import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import IO, TYPE_CHECKING, Self
from urllib.parse import unquote

from deskapp.readers.sniff import UnsafeFile

if TYPE_CHECKING:
    from lxml.etree import _Element

REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
OFFICE_DOCUMENT = "/officeDocument"
"""Relationship types end so in both Transitional (``…/2006/relationships/officeDocument``) and Strict."""

_STRICT = re.compile(rb"http://purl\.oclc\.org/ooxml/([A-Za-z]+)/([A-Za-z]+)")
_STRICT_TO_TRANSITIONAL = {
    b"wordprocessingml/main": b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"spreadsheetml/main": b"http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    b"drawingml/main": b"http://schemas.openxmlformats.org/drawingml/2006/main",
    b"drawingml/wordprocessingDrawing": b"http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing",
    b"drawingml/spreadsheetDrawing": b"http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing",
    b"drawingml/picture": b"http://schemas.openxmlformats.org/drawingml/2006/picture",
    b"drawingml/chart": b"http://schemas.openxmlformats.org/drawingml/2006/chart",
    b"officeDocument/relationships": b"http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    b"officeDocument/math": b"http://schemas.openxmlformats.org/officeDocument/2006/math",
    b"officeDocument/sharedTypes": b"http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes",
    b"officeDocument/extendedProperties": b"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties",
    b"officeDocument/customProperties": b"http://schemas.openxmlformats.org/officeDocument/2006/custom-properties",
    b"officeDocument/docPropsVTypes": b"http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes",
    b"officeDocument/customXml": b"http://schemas.openxmlformats.org/officeDocument/2006/customXml",
}
"""Strict namespace (after ``http://purl.oclc.org/ooxml/``) → Transitional namespace (ISO/IEC 29500-1 vs -4).
Strict relationship *types* (``…/officeDocument/relationships/styles``) map with the namespace prefix."""

STRICT_HELP = (
    "是“Strict Open XML”格式的文档（Word/Excel 另存时选了“Strict Open XML 文档”）；"
    "请在 Word 或 Excel 中“另存为”，保存类型选“Word 文档(*.docx)”或“Excel 工作簿(*.xlsx)”后再读"
)

WORD_TYPES = ("wordprocessingml", "ms-word")
SHEET_TYPES = ("spreadsheetml", "ms-excel")


def to_transitional(data: bytes) -> bytes:
    """Strict namespaces (and relationship types) in ``data`` replaced by their Transitional twins."""
    if b"purl.oclc.org/ooxml/" not in data:
        return data

    def swap(m: re.Match[bytes]) -> bytes:
        return _STRICT_TO_TRANSITIONAL.get(m.group(1) + b"/" + m.group(2), m.group(0))

    return _STRICT.sub(swap, data)


class BadXml(UnsafeFile):
    """A part is not well-formed XML (or declares a DTD); the message (Chinese) says which part."""


def refuse_dtd(data: bytes, name: str) -> None:
    """Raise :class:`UnsafeFile` when a part declares a DTD or entities (no Office part does)."""
    head = data[:4096]
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise BadXml(f"文件内部格式错误（XML 无法解析：部件 {name} 含有不允许的 DTD/实体声明），疑似恶意文件，未读取")


def parse_xml(data: bytes, name: str) -> _Element:
    """A part's XML tree; no DTD, entities or network. Raises :class:`UnsafeFile` for a DTD or bad XML."""
    from lxml import etree

    refuse_dtd(data, name)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True, remove_pis=True
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise BadXml(
            f"文件内部格式错误（XML 无法解析：部件 {name}，{exc.msg if hasattr(exc, 'msg') else exc}），"
            "可能已损坏；请让单位重新另存后再拷贝"
        ) from None


@dataclass(frozen=True)
class Relationship:
    """One entry of a ``.rels`` part: how a part refers to another (or to a URL)."""

    id: str
    type: str
    target: str
    """The target part's name inside the package (no leading slash), or the URL when external."""
    external: bool = False


@dataclass
class Package:
    """An open OPC zip: parts by name (case-insensitive), content types, relationships."""

    archive: zipfile.ZipFile
    names: dict[str, str] = field(default_factory=dict)
    """Lower-case part name → the name as stored in the zip."""
    overrides: dict[str, str] = field(default_factory=dict)
    defaults: dict[str, str] = field(default_factory=dict)
    strict: bool = False

    @classmethod
    def open(cls, source: str | os.PathLike[str] | IO[bytes]) -> Package:
        """Open a zip package (a path or a binary file) and read its content types; raises
        :class:`UnsafeFile` (Chinese message) when it is not a readable zip."""
        try:
            archive = zipfile.ZipFile(source)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            raise UnsafeFile("文件不完整或已损坏（压缩包目录读不出），可能复制未完成，请让单位重新拷贝") from None
        package = cls(archive)
        package.names = {info.filename.lower(): info.filename for info in archive.infolist()}
        raw = package.raw("[Content_Types].xml")
        if raw is not None:
            for item in parse_xml(raw, "[Content_Types].xml"):
                tag = item.tag.rsplit("}", 1)[-1]
                if tag == "Override":
                    package.overrides[_part(item.get("PartName", "")).lower()] = item.get("ContentType", "")
                elif tag == "Default":
                    package.defaults[item.get("Extension", "").lower()] = item.get("ContentType", "")
        rels = package.raw("_rels/.rels") or b""
        package.strict = b"purl.oclc.org/ooxml/officeDocument" in rels
        return package

    def close(self) -> None:
        """Close the zip (also on leaving ``with``)."""
        self.archive.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def has(self, name: str) -> bool:
        """Whether the package holds part ``name`` (case-insensitive, as Office reads it)."""
        return name.lower() in self.names

    def raw(self, name: str) -> bytes | None:
        """A part's bytes as stored (None when absent); :class:`UnsafeFile` when it cannot be inflated."""
        stored = self.names.get(unquote(name).lower()) or self.names.get(name.lower())
        if stored is None:
            return None
        try:
            return self.archive.read(stored)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            raise UnsafeFile(
                f"部件 {name} 已损坏，无法解压（{type(exc).__name__}）；请让单位重新另存后再拷贝"
            ) from None

    def xml(self, name: str) -> _Element | None:
        """A part's XML tree with Strict namespaces mapped to Transitional (None when absent)."""
        data = self.raw(name)
        return None if data is None else parse_xml(to_transitional(data), name)

    def content_type(self, name: str) -> str:
        """Part ``name``'s content type from ``[Content_Types].xml`` (override, else by extension; "" if none)."""
        key = name.lower()
        if key in self.overrides:
            return self.overrides[key]
        return self.defaults.get(posixpath.splitext(key)[1].lstrip("."), "")

    def rels(self, source: str = "") -> list[Relationship]:
        """The relationships of part ``source`` ("" for the package itself), targets resolved."""
        folder, base = posixpath.split(source)
        rels_name = posixpath.join(folder, "_rels", base + ".rels") if source else "_rels/.rels"
        tree = self.xml(rels_name)
        out: list[Relationship] = []
        for item in tree if tree is not None else ():
            target = item.get("Target", "")
            external = item.get("TargetMode", "") == "External"
            if not external:
                target = _part(target if target.startswith("/") else posixpath.join(folder, target))
            out.append(Relationship(item.get("Id", ""), item.get("Type", ""), target, external))
        return out

    def main_part(self) -> tuple[str, str]:
        """``(part name, "docx" | "xlsx" | "")`` of the package's main document, found by relationship."""
        for rel in self.rels():
            if rel.type.endswith(OFFICE_DOCUMENT) and not rel.external and self.has(rel.target):
                return rel.target, office_kind(self.content_type(rel.target), rel.target)
        for name, kind in (("word/document.xml", "docx"), ("xl/workbook.xml", "xlsx")):
            if self.has(name):  # a package without relationships, as some converters write
                return name, kind
        return "", ""


def office_kind(content_type: str, name: str = "") -> str:
    """``docx`` or ``xlsx`` for a main part's content type (or, failing that, its folder ``word/`` or
    ``xl/``); "" for anything else."""
    lowered = content_type.lower()
    if any(t in lowered for t in WORD_TYPES):
        return "docx"
    if any(t in lowered for t in SHEET_TYPES):
        return "xlsx"
    top = name.lower().split("/", 1)[0]
    return {"word": "docx", "xl": "xlsx"}.get(top, "")


def _part(name: str) -> str:
    return posixpath.normpath(unquote(name)).lstrip("/")
