"""Domain objects: packs and the entries of their history.

A :class:`Pack` is a frozen value: its fields cannot be reassigned and its dicts and lists
refuse changes (``deskapp.frozen``), so the one the store hands out and
caches cannot be corrupted by a caller. Change a pack through ``DeskStore.update`` (recorded),
or work on a copy: ``dataclasses.replace(pack, ...)``, ``dict(pack.checklist)``, ``pack.to_doc()``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from deskapp.config import KIND_LABELS
from deskapp.frozen import freeze, thaw
from deskapp.timeutil import parse_time

_CONTAINERS = ("checklist", "outcome", "details", "files", "prints", "distinct_from", "extra")

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
    """The label the clerk reads for a pack field (``name`` and ``leader`` depend on the kind), e.g. 申报单位."""
    if key == "name":
        return "工作室名称" if kind == "studio" else "项目名称"
    if key == "leader":
        return "领衔人" if kind == "studio" else "项目负责人"
    return PACK_FIELDS.get(key) or DETAIL_FIELDS.get(key) or key


STORED_KEYS: dict[str, str] = {"serial": "seq"}
"""Pack fields stored under another key: the receipt serial is ``seq`` in the documents of
journals written since the first version (chain-covered, so it is kept as stored)."""
SEARCH_KEYS = "search_keys"
"""The stored key of a pack's pinyin search keys (:func:`deskapp.search.search_keys`)."""
OLD_SEARCH_KEYS = "py"
"""The same keys as journals and snapshots written before stored them (still read, never written)."""
NOT_PACK_DATA = frozenset({SEARCH_KEYS, OLD_SEARCH_KEYS, "search"})
"""Stored keys that are the store's indexes, not the pack's data: left out of :attr:`Pack.extra`."""


@dataclass(frozen=True)
class Pack:
    """One paper pack handed in at the counter: a frozen value (see the module's docstring).

    ``serial`` is the receipt serial (the ``0001`` of ``ZD2026-GZS-0001``), per round and kind;
    ``received_at`` an ISO time with its offset (Beijing time as the desk writes it).
    """

    id: int
    receipt_no: str
    round: str
    kind: str
    serial: int
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

    def __post_init__(self) -> None:
        fields = self.__dict__  # frozen: set the read-only containers in place of the given ones
        for name in _CONTAINERS:
            fields[name] = freeze(fields[name])

    @property
    def kind_label(self) -> str:
        """人才工作室 or 人才项目."""
        return KIND_LABELS.get(self.kind, self.kind)

    @property
    def received(self) -> datetime:
        """When the pack was received, as an aware datetime (ValueError: not an ISO time)."""
        return parse_time(self.received_at)

    @property
    def status_label(self) -> str:
        """The status as the clerk reads it (已作废 for a voided pack)."""
        if self.voided:
            return "已作废"
        return STATUS_LABELS.get(self.status, self.status)

    @classmethod
    def from_doc(cls, doc: dict[str, Any], doc_id: int) -> Pack:
        """The pack of a stored document (``doc`` is shared, not copied: hand in one nobody changes).

        Keys this version does not know go to :attr:`extra`; the search keys are left out.
        KeyError/TypeError: a document without the fields every pack has.
        """
        values: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, value in doc.items():
            name = _FIELD_OF.get(key, key)
            if name in _KNOWN:
                values[name] = value
            elif key not in NOT_PACK_DATA:
                extra[key] = value
        values.setdefault("unit", "")
        values.setdefault("name", "")
        return cls(id=doc_id, extra=extra, **values)

    def to_doc(self) -> dict[str, Any]:
        """The pack as a stored document (keys as stored, ``id`` left out): a changeable deep copy."""
        doc = {STORED_KEYS.get(k, k): thaw(getattr(self, k)) for k in _KNOWN}
        doc.update(thaw(self.extra))
        return doc


_KNOWN = tuple(f for f in Pack.__dataclass_fields__ if f not in ("id", "extra"))
_FIELD_OF = {stored: name for name, stored in STORED_KEYS.items()}


@dataclass(frozen=True)
class HistoryEntry:
    """One recorded change: who, when, what (old → new per dotted path), why.

    ``entry_no`` is the journal entry's number (1, 2, 3 ... with no gap; ``seq`` in the stored
    entry), not a receipt serial.
    """

    entry_no: int
    at: str
    actor: str
    action: str
    pack_id: int | None
    changes: dict[str, list[Any]]
    reason: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def of_entry(cls, entry: Mapping[str, Any]) -> HistoryEntry:
        """A stored journal entry as the history shows it (``set`` and ``old`` paired per path).
        KeyError: an entry without ``seq``."""
        old = entry.get("old", {})
        return cls(
            entry_no=entry["seq"],
            at=entry.get("at", ""),
            actor=entry.get("actor", ""),
            action=entry.get("action", ""),
            pack_id=entry.get("pack"),
            changes={path: [old.get(path), value] for path, value in entry.get("set", {}).items()},
            reason=entry.get("reason", ""),
            data=entry.get("data", {}),
        )
