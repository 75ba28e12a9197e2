"""The state the journal builds: pack documents and the indexes kept beside them.

:class:`PackState` is what a replay (or a snapshot, ``deskapp.snapshot``) fills and what
:class:`deskapp.store.DeskStore` reads: documents by pack id, oldest first, and per pack its
:class:`PackRow` (round, kind, receipt serial, receipt number, folded unit and name), which
the receipt index, the per-round lists, the duplicate groups (``deskapp.duplicates``) and the
receipt counters are built from. It holds no lock: the store applies entries under its own.

Stored keys read here: a register entry's ``doc``; an update's ``set`` (dotted paths), ``push``
(dotted path -> item appended) and the pinyin search keys, ``search_keys`` -- ``py`` in
journals written before, still read (:func:`deskapp.search.stored_search_keys`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from typing import Any, NamedTuple

from deskapp.duplicates import DuplicateKey, duplicate_key
from deskapp.models import OLD_SEARCH_KEYS, SEARCH_KEYS
from deskapp.search import SearchIndex, stored_search_keys


class PackRow(NamedTuple):
    """What the indexes need of a pack (``unit`` and ``name`` folded: :func:`deskapp.pinyin.fold`)."""

    round: str
    kind: str
    serial: int
    """The receipt serial (stored as the document's ``seq``)."""
    receipt_no: str
    unit: str
    name: str

    @property
    def duplicate_key(self) -> DuplicateKey | None:
        """The pack's group for ``deskapp.duplicates`` (None: unit or name empty)."""
        return duplicate_key(self.round, self.unit, self.name, folded=True)


def pack_row(doc: Mapping[str, Any]) -> PackRow:
    """The :class:`PackRow` of a stored pack document. KeyError/ValueError: not a pack document."""
    from deskapp.pinyin import fold

    return PackRow(
        doc["round"],
        doc["kind"],
        int(doc["seq"]),
        doc["receipt_no"],
        fold(doc.get("unit") or ""),
        fold(doc.get("name") or ""),
    )


def as_current(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` with the search keys under today's key (a document from an old journal or snapshot)."""
    if OLD_SEARCH_KEYS in doc:
        old = doc.pop(OLD_SEARCH_KEYS)
        doc.setdefault(SEARCH_KEYS, old)
    return doc


class PackDocs(dict[int, dict[str, Any]]):
    """Pack id -> document. Documents a snapshot brought stay bytes until first asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: dict[int, bytes] = {}

    def __missing__(self, pack_id: int) -> dict[str, Any]:
        raw = self.raw.get(pack_id)
        if raw is None:  # not a pack, or another thread just decoded it
            return dict.__getitem__(self, pack_id)
        doc = self.setdefault(pack_id, as_current(json.loads(raw)))
        self.raw.pop(pack_id, None)
        return doc

    def has(self, pack_id: object) -> bool:
        """A pack with this id is on file (decoded or still bytes)."""
        return pack_id in self.raw or dict.__contains__(self, pack_id)

    def encoded(self, pack_id: int) -> bytes:
        """The document as the snapshot stores it (compact UTF-8 JSON)."""
        raw = self.raw.get(pack_id)
        if raw is not None:
            return raw
        doc = dict.__getitem__(self, pack_id)
        return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def reset(self) -> None:
        """Forget every document."""
        self.clear()
        self.raw.clear()


class PacksTable(Mapping[str, dict[str, Any]]):
    """TinyDB's ``packs`` table: doc id (text) -> document, oldest first, read-only."""

    def __init__(self, docs: PackDocs, order: list[int]) -> None:
        self._docs = docs
        self._order = order

    def __getitem__(self, doc_id: str) -> dict[str, Any]:
        try:
            return self._docs[int(doc_id)]
        except (KeyError, ValueError):
            raise KeyError(doc_id) from None

    def __iter__(self) -> Iterator[str]:
        return (str(i) for i in list(self._order))

    def __len__(self) -> int:
        return len(self._order)


class Index(SearchIndex):
    """The search index, with its haystacks saved in and loaded from the snapshot."""

    def hay(self, pack_id: int) -> tuple[str, str]:
        """(haystack, initials) of a pack, as :func:`deskapp.search.haystack` made them."""
        return self._hay[pack_id]

    def set_hay(self, pack_id: int, hay: tuple[str, str]) -> None:
        """Take a pack's haystack as a snapshot saved it."""
        self._hay[pack_id] = hay


class PackState:
    """Documents and indexes of every pack on file, as the journal's entries build them."""

    def __init__(self) -> None:
        self.docs = PackDocs()
        self.rows: dict[int, PackRow] = {}
        self.order: list[int] = []
        """Pack ids, oldest first (ids run 1..n: they are never deleted)."""
        self.by_receipt: dict[str, int] = {}
        self.by_round: dict[str, list[int]] = {}
        self.groups: dict[DuplicateKey, list[int]] = {}
        """Duplicate key -> ids of the packs that share it, oldest first."""
        self.counters: dict[tuple[str, str], int] = {}
        """(round, kind) -> the highest receipt serial issued."""
        self.lines: dict[int, list[int]] = {}
        """Pack id -> byte offsets of its journal lines."""
        self.last_event: dict[str, int] = {}
        """Action -> byte offset of its last journal line."""
        self.index = Index()
        self.table = PacksTable(self.docs, self.order)

    def clear(self) -> None:
        """Forget every pack and index (before a full replay)."""
        self.docs.reset()
        self.rows.clear()
        self.order.clear()
        self.by_receipt.clear()
        self.by_round.clear()
        self.groups.clear()
        self.counters.clear()
        self.lines.clear()
        self.last_event.clear()
        self.index.clear()

    def add_pack(self, pack_id: int, row: PackRow) -> None:
        """Enter a new pack in every index (its document is stored by the caller)."""
        self.rows[pack_id] = row
        self.order.append(pack_id)
        self.by_round.setdefault(row.round, []).append(pack_id)
        self.by_receipt[row.receipt_no] = pack_id
        key = row.duplicate_key
        if key is not None:
            self.groups.setdefault(key, []).append(pack_id)
        self.counters[(row.round, row.kind)] = max(self.counters.get((row.round, row.kind), 0), row.serial)

    def apply(self, entry: Mapping[str, Any], offset: int) -> None:
        """Take in one journal entry whose line starts at byte ``offset``."""
        action = entry.get("action", "")
        pack_id = entry.get("pack")
        if action == "register" and isinstance(pack_id, int):
            doc = as_current(dict(entry["doc"]))
            self.docs[pack_id] = doc
            self.add_pack(pack_id, pack_row(doc))
            self.index.put(pack_id, doc)
        elif pack_id is not None and self.docs.has(pack_id):
            doc = self.docs[pack_id]
            for path, value in entry.get("set", {}).items():
                set_path(doc, path, value)
            for path, item in entry.get("push", {}).items():
                get_list(doc, path).append(item)
            keys = stored_search_keys(entry)
            if keys is not None:
                doc[SEARCH_KEYS] = keys
            self._regroup(pack_id, pack_row(doc))
            self.index.put(pack_id, doc)
        if pack_id is not None:
            self.lines.setdefault(pack_id, []).append(offset)
        self.last_event[action] = offset

    def _regroup(self, pack_id: int, row: PackRow) -> None:
        old = self.rows[pack_id]
        if row == old:
            return
        self.rows[pack_id] = row
        if row.duplicate_key == old.duplicate_key:
            return
        if old.duplicate_key is not None:
            self.groups[old.duplicate_key].remove(pack_id)
        if row.duplicate_key is not None:
            group = self.groups.setdefault(row.duplicate_key, [])
            group.append(pack_id)
            group.sort()


def get_path(doc: Mapping[str, Any], path: str) -> Any:
    """The value at a dotted path (``checklist.ecopy``), None where the path ends early."""
    node: Any = doc
    for part in path.split("."):
        if not isinstance(node, dict):
            return None
        node = node.get(part)
    return node


def set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    """Set the value at a dotted path, making the dicts on the way."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value


def get_list(doc: dict[str, Any], path: str) -> list[Any]:
    """The list at a dotted path, made empty where there is none yet."""
    parts = path.split(".")
    node = doc
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    found: list[Any] = node.setdefault(parts[-1], [])
    return found
