"""The desk's one facade over storage: packs in, packs out, every change recorded.

Screens and the command line talk only to :class:`DeskStore`. It returns :class:`Pack`
objects, never raw documents. Underneath, the journal (``deskapp.journal``) is the source
of truth and TinyDB the database: ``store.db`` is a TinyDB whose storage is the state the
journal builds, so TinyDB documents and queries work as usual (``store.query(Q.unit == x)``).
Writes go through the facade, because every change must carry who, when and why.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.storages import Storage

from deskapp.config import KIND_LABELS, KINDS, Config
from deskapp.journal import Journal, JournalError, StoreWriteError, verify
from deskapp.locations import Locations
from deskapp.models import HistoryEntry, Pack
from deskapp.numbering import format_receipt, normalise_scan
from deskapp.pinyin import fold
from deskapp.rules import Assessment, assess
from deskapp.search import SearchIndex, search_keys
from deskapp.timeutil import Clock, iso, system_clock

__all__ = ["DeskStore", "RegistrationError", "StoreWriteError", "JournalError", "PackNotFound"]

# Fields a registration may carry, with their type.
TEXT_FIELDS = ("unit", "name", "sector", "leader", "contact", "phone", "notes", "ecopy_medium")
SEARCH_FIELDS = ("unit", "name", "leader")


class RegistrationError(ValueError):
    """Bad input for a registration or update; the message is for the clerk."""


class PackNotFound(LookupError):
    pass


class JournalStorage(Storage):
    """TinyDB storage over the journal-built state: reads are the live state."""

    def __init__(self, store: "DeskStore") -> None:
        self._store = store

    def read(self) -> dict[str, dict[str, Any]]:
        self._store.refresh()
        return self._store._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreWriteError("请通过受理台的功能修改记录：每次修改都要记下操作人、时间和原因。")


@dataclass(frozen=True)
class DraftCheck:
    """What the desk can tell about a draft before it is saved."""

    duplicates: tuple[Pack, ...]


class DeskStore:
    """All packs of the data folder, kept in step with the journal on disk."""

    def __init__(self, locations: Locations, config: Config, clock: Clock = system_clock) -> None:
        self.locations = locations.ensure()
        self.config = config
        self.clock = clock
        self._mutex = threading.RLock()
        self._tables: dict[str, dict[str, Any]] = {}
        self._packs: dict[int, dict[str, Any]] = {}
        self._pack_cache: dict[int, Pack] = {}
        self._by_receipt: dict[str, int] = {}
        self._history: list[HistoryEntry] = []
        self._history_by_pack: dict[int, list[int]] = {}
        self._counters: dict[tuple[str, str], int] = {}
        self._order: list[int] = []  # pack ids, oldest first
        self._index = SearchIndex()
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._clear()
        self.journal = Journal(locations.journal, locations.lock, self._apply)
        self.journal.on_reset = self._clear
        self.refresh()
        self.db = TinyDB(storage=JournalStorage, store=self)
        self.packs_table = self.db.table("packs", cache_size=0)

    # -- state built from the journal ------------------------------------------------------
    def _clear(self) -> None:
        self._packs = {}
        self._packs_str: dict[str, Any] = {}
        self._tables = {"packs": self._packs_str, "history": {}}
        self._pack_cache.clear()
        self._by_receipt.clear()
        self._history.clear()
        self._history_by_pack.clear()
        self._counters.clear()
        self._order.clear()
        self._index.clear()

    def refresh(self) -> int:
        """Take in what other desks wrote since the last look (cheap when nothing did)."""
        with self._mutex:
            return self.journal.refresh()

    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener(entry)`` for each entry applied from now on (own or other desks')."""
        self._listeners.append(listener)

    def _apply(self, entry: dict[str, Any]) -> None:
        action = entry.get("action", "")
        pack_id = entry.get("pack")
        changes: dict[str, list[Any]] = {}
        if action == "register":
            doc = entry["doc"]
            self._packs[pack_id] = doc
            self._packs_str[str(pack_id)] = doc
            self._order.append(pack_id)
            self._by_receipt[doc["receipt_no"]] = pack_id
            key = (doc["round"], doc["kind"])
            self._counters[key] = max(self._counters.get(key, 0), int(doc["seq"]))
            self._index.put(pack_id, doc)
        elif pack_id is not None and pack_id in self._packs:
            doc = self._packs[pack_id]
            old = entry.get("old", {})
            for path, value in entry.get("set", {}).items():
                _set_path(doc, path, value)
                changes[path] = [old.get(path), value]
            for path, item in entry.get("push", {}).items():
                _get_list(doc, path).append(item)
            if "py" in entry:
                doc["py"] = entry["py"]
            self._index.put(pack_id, doc)
        self._pack_cache.pop(pack_id, None)
        record = HistoryEntry(
            seq=entry["seq"],
            at=entry.get("at", ""),
            actor=entry.get("actor", ""),
            action=action,
            pack_id=pack_id,
            changes=changes,
            reason=entry.get("reason", ""),
            data=entry.get("data", {}),
        )
        self._history.append(record)
        self._tables["history"][str(record.seq)] = {
            "at": record.at,
            "actor": record.actor,
            "action": action,
            "pack": pack_id,
            "changes": changes,
            "reason": record.reason,
            "data": record.data,
        }
        if pack_id is not None:
            self._history_by_pack.setdefault(pack_id, []).append(len(self._history) - 1)
        for listener in self._listeners:
            listener(entry)

    # -- reading ---------------------------------------------------------------------------
    def get(self, pack_id: int) -> Pack:
        with self._mutex:
            cached = self._pack_cache.get(pack_id)
            if cached is not None:
                return cached
            doc = self._packs.get(pack_id)
            if doc is None:
                raise PackNotFound(pack_id)
            pack = Pack.from_doc(_deep_copy(doc), pack_id)
            self._pack_cache[pack_id] = pack
            return pack

    def by_receipt(self, receipt_no: str) -> Pack | None:
        self.refresh()
        pack_id = self._by_receipt.get(normalise_scan(receipt_no))
        return None if pack_id is None else self.get(pack_id)

    def count(self, round_id: str | None = None) -> int:
        self.refresh()
        if round_id is None:
            return len(self._order)
        return sum(1 for i in self._order if self._packs[i]["round"] == round_id)

    def ids(self, round_id: str | None = None) -> list[int]:
        """Pack ids, newest first."""
        self.refresh()
        ids = reversed(self._order)
        if round_id is None:
            return list(ids)
        return [i for i in ids if self._packs[i]["round"] == round_id]

    def packs(self, round_id: str | None = None) -> list[Pack]:
        """Packs, newest first (all rounds when ``round_id`` is None)."""
        return [self.get(i) for i in self.ids(round_id)]

    def search(self, text: str, round_id: str | None = None, limit: int | None = None) -> list[Pack]:
        """Packs matching ``text`` (receipt, unit, name, leader; Chinese or pinyin), newest first."""
        with self._mutex:
            found = self.search_ids(text, round_id)
            if limit is not None:
                found = found[:limit]
            return [self.get(i) for i in found]

    def search_ids(self, text: str, round_id: str | None = None, within: list[int] | None = None) -> list[int]:
        """Ids of the packs ``search`` would return, without building them (for long lists).

        ``within``: look only among these ids (newest first), e.g. the matches of the text
        typed one key earlier.
        """
        with self._mutex:
            found = self._index.search(text, self.ids(round_id) if within is None else within)
            exact = self._by_receipt.get(normalise_scan(text))
            if exact is not None and exact in found:
                found.remove(exact)
                found.insert(0, exact)
            return found

    def query(self, cond: QueryLike) -> list[Pack]:
        """Run a TinyDB query over the packs: ``store.query(Query().kind == 'studio')``."""
        return [Pack.from_doc(dict(doc), doc.doc_id) for doc in self.packs_table.search(cond)]

    def history(self, pack_id: int | None = None) -> list[HistoryEntry]:
        self.refresh()
        if pack_id is None:
            return list(self._history)
        return [self._history[i] for i in self._history_by_pack.get(pack_id, [])]

    def duplicates(self, round_id: str, unit: str, name: str, exclude: int | None = None) -> list[Pack]:
        """Packs in the round with the same unit and name (folded), not voided."""
        self.refresh()
        u, n = fold(unit), fold(name)
        if not u or not n:
            return []
        found = []
        for pack_id in reversed(self._order):
            doc = self._packs[pack_id]
            if pack_id == exclude or doc["round"] != round_id or doc.get("voided"):
                continue
            if fold(doc.get("unit", "")) == u and fold(doc.get("name", "")) == n:
                found.append(self.get(pack_id))
        return found

    def assess(self, pack: Pack) -> Assessment:
        dups = tuple(
            p.receipt_no
            for p in self.duplicates(pack.round, pack.unit, pack.name, exclude=pack.id)
            if p.receipt_no not in pack.distinct_from and pack.receipt_no not in p.distinct_from and p.id < pack.id
        )
        return assess(self.config.round, pack, dups)

    def next_receipt(self, kind: str) -> str:
        """The number the next pack of ``kind`` would get (informative only; saving decides)."""
        self.refresh()
        round_ = self.config.round
        return format_receipt(round_, kind, self._counters.get((round_.id, kind), 0) + 1)

    # -- writing ---------------------------------------------------------------------------
    def _commit(self, body: dict[str, Any]) -> dict[str, Any]:
        body.setdefault("at", iso(self.clock()))
        return self.journal.append({k: v for k, v in body.items() if v not in (None, {}, "")})

    def register(
        self,
        kind: str,
        fields: dict[str, Any],
        clerk: str,
        *,
        checklist: dict[str, bool] | None = None,
        pages: int | None = None,
        received_at: datetime | None = None,
        distinct_from: Iterable[str] = (),
        reason: str = "",
    ) -> Pack:
        """Issue the next receipt number of ``kind`` and save the pack, in one committed entry."""
        doc = self._validate_new(kind, fields, clerk, checklist or {}, pages)
        received = iso(received_at) if received_at is not None else iso(self.clock())
        doc["received_at"] = received
        doc["distinct_from"] = sorted(set(distinct_from))
        doc["py"] = search_keys(doc)
        round_ = self.config.round
        with self._mutex, self.journal.locked():
            seq = self._counters.get((round_.id, kind), 0) + 1
            doc["seq"] = seq
            doc["receipt_no"] = format_receipt(round_, kind, seq)
            if doc["receipt_no"] in self._by_receipt:
                raise StoreWriteError(f"收件编号 {doc['receipt_no']} 已被使用，请检查编号格式设置。")
            pack_id = len(self._order) + 1  # ids are never deleted, so they run 1..n
            self._commit(
                {"action": "register", "actor": clerk, "pack": pack_id, "doc": doc, "reason": reason, "at": received}
            )
        return self.get(pack_id)

    def _validate_new(
        self, kind: str, fields: dict[str, Any], clerk: str, checklist: dict[str, bool], pages: int | None
    ) -> dict[str, Any]:
        if kind not in KINDS:
            raise RegistrationError(f"申报类别只能是 {' / '.join(KIND_LABELS.values())}")
        if not clerk.strip():
            raise RegistrationError("缺少受理人")
        doc: dict[str, Any] = {"round": self.config.round.id, "kind": kind, "clerk": clerk.strip(), "status": "registered"}
        unknown = set(fields) - set(TEXT_FIELDS) - {"members", "details"}
        if unknown:
            raise RegistrationError("不认识的字段：" + "、".join(sorted(unknown)))
        for key in TEXT_FIELDS:
            value = fields.get(key, "")
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise RegistrationError(f"{key} 应为文字")
            doc[key] = value.strip()
        if not doc["unit"]:
            raise RegistrationError("请填写申报单位")
        if not doc["name"]:
            raise RegistrationError("请填写" + ("工作室名称" if kind == "studio" else "项目名称"))
        doc["members"] = _int_or_none(fields.get("members"), "工作室成员人数")
        doc["pages"] = _int_or_none(pages, "页数")
        known = {item.key for item in self.config.round.checklist(kind)}
        bad = set(checklist) - known
        if bad:
            raise RegistrationError("清单中没有这些项：" + "、".join(sorted(bad)))
        doc["checklist"] = {key: bool(checklist.get(key, False)) for key in sorted(known)}
        details = fields.get("details") or {}
        if not isinstance(details, dict):
            raise RegistrationError("details 应为对象")
        doc["details"] = {str(k): str(v) for k, v in details.items()}
        doc["ecopy_medium"] = doc.get("ecopy_medium", "")
        return doc

    def update(
        self,
        pack_id: int,
        changes: dict[str, Any],
        actor: str,
        *,
        action: str = "update",
        reason: str = "",
        data: dict[str, Any] | None = None,
        push: dict[str, Any] | None = None,
    ) -> Pack:
        """Change fields of a pack (dotted paths like ``checklist.ecopy``); records old → new.

        Fields whose value does not change are left out; nothing changed and nothing pushed
        writes nothing.
        """
        if not actor.strip():
            raise RegistrationError("缺少操作人")
        with self._mutex, self.journal.locked():
            doc = self._packs.get(pack_id)
            if doc is None:
                raise PackNotFound(pack_id)
            new: dict[str, Any] = {}
            old: dict[str, Any] = {}
            for path, value in changes.items():
                if path in ("receipt_no", "seq", "round", "kind", "py"):
                    raise RegistrationError(f"{path} 不能修改")
                if path in ("members", "pages"):
                    value = _int_or_none(value, path)
                current = _get_path(doc, path)
                if current != value:
                    new[path] = value
                    old[path] = current
            if not new and not push and action == "update":
                return self.get(pack_id)
            body: dict[str, Any] = {
                "action": action,
                "actor": actor,
                "pack": pack_id,
                "set": new,
                "old": old,
                "push": push or {},
                "reason": reason,
                "data": data or {},
            }
            if any(p.split(".")[0] in SEARCH_FIELDS for p in new):
                merged = _deep_copy(doc)
                for path, value in new.items():
                    _set_path(merged, path, value)
                body["py"] = search_keys(merged)
            self._commit(body)
        return self.get(pack_id)

    def record_event(
        self, action: str, actor: str, *, pack_id: int | None = None, data: dict[str, Any] | None = None, reason: str = ""
    ) -> HistoryEntry:
        """Record something that happened without changing a pack (a refused scan, a sign-in)."""
        with self._mutex, self.journal.locked():
            entry = self._commit({"action": action, "actor": actor, "pack": pack_id, "data": data or {}, "reason": reason})
        return self._history[entry["seq"] - 1]

    # -- checks ----------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Verify the whole hash chain and unique numbers; returns problems (empty when good)."""
        problems: list[str] = []
        good, fault = verify(self.locations.journal)
        if fault:
            problems.append(fault)
        seen: dict[str, int] = {}
        counts: dict[tuple[str, str], list[int]] = {}
        for pack_id in self._order:
            doc = self._packs[pack_id]
            if doc["receipt_no"] in seen:
                problems.append(f"收件编号 {doc['receipt_no']} 重复")
            seen[doc["receipt_no"]] = pack_id
            counts.setdefault((doc["round"], doc["kind"]), []).append(int(doc["seq"]))
        for (round_id, kind), seqs in counts.items():
            if sorted(seqs) != list(range(1, len(seqs) + 1)):
                problems.append(f"{round_id} {KIND_LABELS.get(kind, kind)} 的编号不连续")
        return problems


def _int_or_none(value: Any, label: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise RegistrationError(f"{label} 应为整数")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise RegistrationError(f"{label} 应为整数，不是 {value!r}") from None
    if number < 0:
        raise RegistrationError(f"{label} 不能为负数")
    return number


def _deep_copy(doc: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if isinstance(value, dict):
            out[key] = _deep_copy(value)
        elif isinstance(value, list):
            out[key] = [(_deep_copy(v) if isinstance(v, dict) else v) for v in value]
        else:
            out[key] = value
    return out


def _get_path(doc: dict[str, Any], path: str) -> Any:
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def _set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def _get_list(doc: dict[str, Any], path: str) -> list[Any]:
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    return node.setdefault(parts[-1], [])
