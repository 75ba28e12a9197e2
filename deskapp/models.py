"""Domain objects: packs and the entries of their history."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskapp.config import KIND_LABELS
from deskapp.timeutil import parse_time

# Fields a clerk fills at registration, with the label the clerk reads.
PACK_FIELDS: dict[str, str] = {
    "unit": "申报单位",
    "name": "名称",
    "sector": "研究领域",
    "leader": "领衔人/项目负责人",
    "contact": "联系人",
    "phone": "联系电话",
    "members": "工作室成员人数",
    "notes": "备注",
}

# The long fields of 附件2 a supervisor may type or files may fill.
DETAIL_FIELDS: dict[str, str] = {
    "awards": "领衔人主要获奖情况",
    "achievements": "领衔人主要工作业绩",
    "unit_intro": "依托单位简介",
    "support": "依托单位对工作室支持措施",
    "goals": "人才工作室工作任务目标",
}

STATUS_LABELS: dict[str, str] = {
    "registered": "已登记",
    "accepted": "受理",
    "supplement": "补正",
    "accepted_pending": "容缺受理",
    "rejected": "不予受理",
    "withdrawn": "撤回",
}

DOC_LABELS: dict[str, str] = {"slip": "受理回执", "notice": "补正告知书", "late": "逾期告知书"}
"""The papers the desk hands out, by the name their copies are recorded under (the clerk's messages,
the history, the slips and screens/slips.py all read this one)."""


def field_label(kind: str, key: str) -> str:
    if key == "name":
        return "工作室名称" if kind == "studio" else "项目名称"
    if key == "leader":
        return "领衔人" if kind == "studio" else "项目负责人"
    return PACK_FIELDS.get(key) or DETAIL_FIELDS.get(key) or OTHER_FIELDS.get(key) or key


OTHER_FIELDS: dict[str, str] = {"pages": "页数", "ecopy_medium": "电子版介质"}
"""Labels of the pack's other fields a message may name (never the English key)."""


@dataclass
class Pack:
    """One paper pack handed in at the counter."""

    id: int
    receipt_no: str
    round: str
    kind: str
    seq: int
    unit: str
    name: str
    received_at: str
    clerk: str
    sector: str = ""
    leader: str = ""
    contact: str = ""
    phone: str = ""
    members: int | None = None
    notes: str = ""
    checklist: dict[str, bool] = field(default_factory=dict)
    pages: int | None = None
    ecopy_medium: str = ""
    status: str = "registered"
    voided: bool = False
    void_reason: str = ""
    outcome: dict[str, Any] = field(default_factory=dict)
    details: dict[str, str] = field(default_factory=dict)
    files: list[dict[str, Any]] = field(default_factory=list)
    prints: list[dict[str, Any]] = field(default_factory=list)
    distinct_from: list[str] = field(default_factory=list)
    """Receipt numbers the clerk confirmed as different packs (not duplicates)."""
    extra: dict[str, Any] = field(default_factory=dict)
    """Anything a later version stored that this one does not know: kept, never dropped."""

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def received(self) -> datetime:
        return parse_time(self.received_at)

    @property
    def status_label(self) -> str:
        if self.voided:
            return "已作废"
        return STATUS_LABELS.get(self.status, self.status)

    @classmethod
    def from_doc(cls, doc: dict[str, Any], doc_id: int) -> Pack:
        known = {f for f in cls.__dataclass_fields__ if f not in ("id", "extra")}
        values = {k: v for k, v in doc.items() if k in known}
        extra = {k: v for k, v in doc.items() if k not in known and k != "search"}
        values.setdefault("unit", "")
        values.setdefault("name", "")
        return cls(id=doc_id, extra=extra, **values)

    def to_doc(self) -> dict[str, Any]:
        doc = {k: getattr(self, k) for k in self.__dataclass_fields__ if k not in ("id", "extra")}
        doc.update(self.extra)
        return doc


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change: who, when, what (old → new), why."""

    seq: int
    at: str
    actor: str
    action: str
    pack_id: int | None
    changes: dict[str, list[Any]]
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)
