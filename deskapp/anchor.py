"""The chain head kept outside the journal: in each backup's manifest and in each export.

An anchor is (entry number, that entry's hash) at the moment a backup or export was made.
Whoever rewrites history afterwards -- even with the key, re-signing every entry -- changes
the hash of every entry from the first one rewritten on, so the entry the anchor names no
longer carries the hash the anchor recorded. ``deskapp check --against BACKUP_OR_EXPORT``
compares (:func:`compare`).

Where it is kept: a backup's ``manifest.json`` (``entries``, ``last_hash``); an .xlsx or
.docx export's document properties, keyword ``desk-chain:<seq>:<hash>`` (Excel: 文件 → 信息 →
属性 → 标记; Word: 关键词).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from deskapp.journal import verify_chain

if TYPE_CHECKING:
    from deskapp.store import DeskStore

PREFIX = "desk-chain"
_PATTERN = re.compile(rf"{PREFIX}:(\d+):([0-9a-f]{{64}})")


@dataclass(frozen=True)
class Anchor:
    """A point of the journal recorded elsewhere: the entry number and hash of its last entry then."""

    entry_no: int
    hash: str
    source: str
    """The backup folder or export it was read from."""

    def keyword(self) -> str:
        """As an export's document property: ``desk-chain:<entry number>:<hash>``."""
        return f"{PREFIX}:{self.entry_no}:{self.hash}"


class AnchorError(ValueError):
    """No anchor could be read from the given file or folder; the message is for the user."""


def keyword_of(entry_no: int, last_hash: str) -> str:
    """The document-property keyword an export carries (``desk-chain:<entry number>:<hash>``)."""
    return f"{PREFIX}:{entry_no}:{last_hash}"


def store_keyword(store: DeskStore) -> str:
    """The keyword for an export made now from ``store`` (the last entry it has taken in)."""
    return keyword_of(store.journal.entry_no, store.journal.last_hash)


def read_anchor(path: Path) -> Anchor:
    """The anchor of a backup folder (its manifest), an .xlsx or a .docx export; AnchorError otherwise."""
    try:
        if path.is_dir():
            manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
            return Anchor(int(manifest["entries"]), str(manifest["last_hash"]), str(path))
        if path.suffix.lower() == ".xlsx":
            from openpyxl import load_workbook

            wb = load_workbook(path, read_only=True)
            text = wb.properties.keywords or ""
            wb.close()
        elif path.suffix.lower() == ".docx":
            from docx import Document

            text = Document(str(path)).core_properties.keywords or ""
        else:
            raise AnchorError(f"{path} 不是备份文件夹，也不是受理台导出的 .xlsx / .docx 文件")
    except AnchorError:
        raise
    except Exception as exc:
        raise AnchorError(f"无法从 {path} 读出记录锚点（{exc.__class__.__name__}）") from exc
    found = _PATTERN.search(text)
    if not found:
        raise AnchorError(f"{path} 中没有记录锚点（较早版本导出的文件没有）")
    return Anchor(int(found.group(1)), found.group(2), str(path))


def compare(journal: Path, anchor: Anchor, key: bytes | None) -> list[str]:
    """Problems found comparing the journal with ``anchor`` (empty: the history up to it is the same)."""
    if anchor.entry_no == 0:
        return []
    chain = verify_chain(journal, key)
    if chain.bad is not None and chain.bad.line <= anchor.entry_no:
        return [f"记录在第 {chain.bad.line} 条已断裂（锚点记载到第 {anchor.entry_no} 条）：{chain.bad.describe()}"]
    if chain.entries < anchor.entry_no:
        return [
            f"记录现只有 {chain.entries} 条，而 {anchor.source} 制作时已有 {anchor.entry_no} 条：其后的记录被删除或截断"
        ]
    with open(journal, "rb") as handle:
        for n, raw in enumerate(handle, 1):
            if n == anchor.entry_no:
                entry = json.loads(raw.decode("utf-8"))
                break
    if entry.get("hash") != anchor.hash:
        return [f"第 {anchor.entry_no} 条记录与 {anchor.source} 制作时不同：此前的历史被改写过（即使哈希都重新计算过）"]
    return []
