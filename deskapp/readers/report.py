"""What reading one file yields: a :class:`FileReport`.

A report always carries the file's name, size and SHA-256 fingerprint, even when the
content could not be read; ``problems`` says in Chinese what is wrong and what to do.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

# What a file turned out to be, by content (never by its extension).
KIND_LABELS: dict[str, str] = {
    "form1": "附件1 工作室申报表",
    "form2": "附件2 工作室申报汇总表",
    "form3": "附件3 人才项目申报审批表",
    "docx": "Word 文档（未识别为附件1/2/3）",
    "xlsx": "Excel 表格（未识别为附件2）",
    "pdf": "PDF 文件",
    "scan": "扫描图片",
    "html": "网页文件（未识别为附件1/2/3）",
    "doc": "旧版 Word 文档（.doc）",
    "empty": "空文件",
    "unknown": "无法识别的文件",
    "missing": "找不到的文件",
}


@dataclass
class FileReport:
    """Everything the desk learned from one file."""

    path: str
    name: str
    """The file's name as the clerk sees it (no folder)."""
    size: int
    """Bytes."""
    sha256: str
    """Hex digest of the content ("" when it could not be read)."""
    kind: str = "unknown"
    """A key of :data:`KIND_LABELS`."""
    readable: bool = True
    """False when the content could not be read at all (the CLI then exits non-zero)."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Single values found by their label: ``{"工作室名称": "…", "领衔人": "…"}``."""
    tables: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    """Rows of the form's tables by table name (成员, 获奖情况, 附件2, 项目团队)."""
    pages: int | None = None
    """Pages of a PDF or scan; None when unknown or not to be trusted."""
    problems: list[str] = field(default_factory=list)
    """Chinese messages naming the file and what is wrong."""

    @property
    def kind_label(self) -> str:
        """The kind in Chinese for the clerk (附件1 工作室申报表, PDF 文件, 扫描图片 …), else the key itself."""
        return KIND_LABELS.get(self.kind, self.kind)

    def problem(self, text: str) -> None:
        """Add a remark for the clerk, prefixed with the file's name; the file stays readable."""
        self.problems.append(f"“{self.name}”：{text}")

    def fail(self, text: str) -> FileReport:
        """Record a problem that stops the reading of this file."""
        self.readable = False
        self.problem(text)
        return self

    def fingerprint(self) -> dict[str, Any]:
        """``{"name", "size" (bytes), "sha256" (hex)}``: what a pack records of a file it was read from."""
        return {"name": self.name, "size": self.size, "sha256": self.sha256}

    def to_json(self) -> dict[str, Any]:
        """Every field as JSON-ready values, plus ``kind_label`` (the reading child's output line)."""
        doc = asdict(self)
        doc["kind_label"] = self.kind_label
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> FileReport:
        """A report from :meth:`to_json`'s output, unknown keys ignored; TypeError when a field is missing."""
        known = set(cls.__dataclass_fields__)
        return cls(**{k: v for k, v in doc.items() if k in known})


def sha256_of(path: Path, chunk: int = 1 << 20) -> str:
    """The file's SHA-256 as 64 hex digits, read ``chunk`` bytes at a time; OSError if it cannot be read."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def new_report(path: str | os.PathLike[str]) -> FileReport:
    """A report with the file's fingerprint (size, SHA-256), or failed with the reason there is none
    (missing, a folder, unreadable); never raises."""
    p = Path(path)
    try:
        size = p.stat().st_size
        if not p.is_file():
            raise IsADirectoryError(str(p))
        digest = sha256_of(p)
    except FileNotFoundError:
        return FileReport(str(p), p.name, 0, "", kind="missing").fail("找不到这个文件，请检查路径")
    except IsADirectoryError:
        return FileReport(str(p), p.name, 0, "", kind="unknown").fail("这是一个文件夹，不是文件")
    except OSError as exc:
        reason = exc.strerror or exc
        return FileReport(str(p), p.name, 0, "", kind="unknown").fail(f"无法打开（{reason}），请检查U盘或文件权限")
    return FileReport(str(p), p.name, size, digest)


def human_size(size: int) -> str:
    """``size`` bytes for the clerk: ``812 B``, ``3.4 KB``, ``12.0 MB`` (1 KB = 1024 B)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
