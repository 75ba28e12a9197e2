"""Cross-checks of a pack against the electronic copies read for it.

What a file said is stored on the pack (``pack.files``: one entry per file read, with
its fingerprint and ``facts``); the flags are computed from the pack's *current* values
each time, so correcting the pack (or re-reading a corrected file) clears them.
Pure functions: no file is opened here.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from deskapp.config import Round
from deskapp.models import Pack


def _key(value: Any) -> str:
    return "".join(unicodedata.normalize("NFKC", str(value)).split())


def _same(a: Any, b: Any) -> bool:
    return _key(a) == _key(b)


def match_sector(text: str, sectors: Sequence[str]) -> str:
    """The round's sector a form's 专业领域 means (煤化工 → 煤炭煤电煤化工), or the text itself."""
    key = _key(text)
    for sector in sectors:
        if _key(sector) == key:
            return sector
    close = [s for s in sectors if key and (key in _key(s) or _key(s) in key)]
    return close[0] if len(close) == 1 else text


def value_digest(value: Any) -> str:
    """A short fingerprint of a value (spacing and width ignored): tells later whether a field
    still holds what a file gave, without storing long texts twice."""
    return hashlib.sha256(_key(value).encode("utf-8")).hexdigest()[:16]


def latest_files(pack: Pack) -> list[dict[str, Any]]:
    """The last entry of each file name read for the pack, in reading order."""
    latest: dict[str, dict[str, Any]] = {}
    for entry in pack.files:
        if isinstance(entry, dict) and entry.get("name"):
            latest.pop(entry["name"], None)
            latest[entry["name"]] = entry
    return list(latest.values())


def _amount(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def file_flags(round_: Round, pack: Pack) -> list[tuple[str, str]]:
    """``(code, text)`` of every disagreement between the pack and its files."""
    flags: list[tuple[str, str]] = []
    files = latest_files(pack)
    form1 = [f for f in files if f.get("kind") == "form1"]
    form2 = [f for f in files if f.get("kind") == "form2" or f.get("facts", {}).get("studio_names")]
    pdfs = [f for f in files if f.get("kind") == "pdf" and isinstance(f.get("pages"), int)]
    for entry in form1[-1:]:
        facts = entry.get("facts", {})
        name = entry["name"]
        listed = facts.get("members_listed")
        if isinstance(listed, int):
            if pack.members is not None and pack.members != listed:
                flags.append(("file_members", f"登记成员{pack.members}人，附件1列出{listed}人（{name}）"))
            if pack.members != listed and not round_.members_min <= listed <= round_.members_max:
                flags.append(
                    (
                        "file_members_range",
                        f"附件1列出成员{listed}人，应为{round_.members_min}—{round_.members_max}人（不含领衔人）",
                    )
                )
        sector = facts.get("sector")
        if sector and pack.sector and not _same(match_sector(sector, round_.sectors), pack.sector):
            flags.append(("file_sector", f"研究领域：登记为“{pack.sector}”，附件1填写“{sector}”"))
        leader = facts.get("leader")
        if leader and pack.leader and not _same(leader, pack.leader):
            flags.append(("file_leader", f"领衔人：登记为“{pack.leader}”，附件1填写“{leader}”"))
        studio = facts.get("studio_name")
        names = [n for f in form2 for n in f.get("facts", {}).get("studio_names", [])]
        if studio and names and not any(_same(studio, n) for n in names):
            flags.append(("file_studio_name", f"工作室名称：附件1为“{studio}”，附件2为“{'、'.join(names)}”"))
    if pdfs and pack.pages is not None:
        total = sum(int(f["pages"]) for f in pdfs)
        if total != pack.pages:
            which = "、".join(f["name"] for f in pdfs)
            flags.append(("file_pages", f"纸质版{pack.pages}页，PDF电子版{total}页（{which}）"))
    for entry in files:
        funds = entry.get("facts", {}).get("funds") or {}
        whole, own, asked = (_amount(funds.get(k)) for k in ("total", "own", "requested"))
        if whole is not None and own is not None and asked is not None and whole != own + asked:
            flags.append(
                (
                    "file_funds",
                    f"资金总额{whole}万元 ≠ 自筹资金{own} + 申请资金{asked}（{entry['name']}）",
                )
            )
    seen: dict[str, str] = {}
    for entry in pack.files:
        if not isinstance(entry, dict) or not entry.get("sha256"):
            continue
        before = seen.get(entry.get("name", ""))
        if before and before != entry["sha256"]:
            flags.append(("file_changed", f"电子版“{entry['name']}”前后两次读取的内容不同"))
            break
        seen[entry.get("name", "")] = entry["sha256"]
    return flags


# -- 附件2 content: in, from where, or missing ------------------------------------------------------
ANNEX2_FIELDS: dict[str, str] = {
    "unit": "申报单位",
    "name": "工作室名称",
    "sector": "研究领域",
    "leader": "领衔人",
    "details.awards": "领衔人主要获奖情况",
    "members": "工作室成员人数",
    "details.achievements": "领衔人主要工作业绩",
    "details.unit_intro": "依托单位简介",
    "details.support": "依托单位对工作室支持措施",
    "details.goals": "人才工作室工作任务目标",
}
"""The 附件2 columns a pack fills (序号 aside), as pack paths, in the notice's order (附件2)."""
LONG_PATHS = tuple(p for p in ANNEX2_FIELDS if p.startswith("details."))

ORIGIN_LABELS = {"files": "来自电子版", "typed": "手工填写", "mixed": "电子版+手工填写", "missing": "缺"}


@dataclass(frozen=True)
class Annex2Content:
    """Whether a studio pack's 附件2 row is complete, and where its long columns came from."""

    missing: tuple[str, ...]
    """Labels of 附件2 columns still empty (申报单位 … 人才工作室工作任务目标)."""
    origin: str
    """Of the five long columns: ``files`` (all from the unit's files), ``typed``, ``mixed``, ``missing``
    (none filled)."""
    files: tuple[str, ...] = ()
    """Names of the files the long columns came from."""

    @property
    def complete(self) -> bool:
        """No 附件2 column lacks content."""
        return not self.missing

    def text(self) -> str:
        """For the clerk: 齐（来自电子版）, or 缺：依托单位简介、… (手工填写)."""
        where = ORIGIN_LABELS[self.origin]
        if self.origin == "files" and self.files:
            where += "：" + "、".join(self.files)
        if not self.missing:
            return f"齐（{where}）"
        head = "缺：" + "、".join(self.missing)
        return head if self.origin == "missing" else f"{head}（其余{where}）"


def _value(pack: Pack, path: str) -> Any:
    if path.startswith("details."):
        return pack.details.get(path.split(".", 1)[1], "")
    return getattr(pack, path, "")


def annex2_content(pack: Pack) -> Annex2Content:
    """What a studio pack's 附件2 row holds: the empty columns, and whether its long columns came
    from the unit's files (a ``pack.files`` entry whose ``gave`` digest matches the value held now),
    were typed, or are missing. Pure: reads the pack only. Source: notice 附件2 (the table's columns).
    """
    missing = tuple(label for path, label in ANNEX2_FIELDS.items() if _value(pack, path) in (None, ""))
    gave: dict[str, dict[str, str]] = {}
    for entry in (e for e in pack.files if isinstance(e, dict) and e.get("gave")):
        for path, digest in entry["gave"].items():
            gave.setdefault(path, {})[digest] = str(entry.get("name", ""))
    kinds: set[str] = set()
    files: list[str] = []
    for path in LONG_PATHS:
        value = _value(pack, path)
        if value in (None, ""):
            continue
        source = gave[path].get(value_digest(value)) if path in gave else None
        kinds.add("files" if source is not None else "typed")
        if source and source not in files:
            files.append(source)
    origin = "missing" if not kinds else kinds.pop() if len(kinds) == 1 else "mixed"
    return Annex2Content(missing, origin, tuple(files))
