"""The desk's one facade over storage: packs in, packs out, every change recorded.

Screens and the command line talk only to :class:`DeskStore`. It returns :class:`Pack`
objects, never raw documents. Underneath, the journal (``deskapp.journal``) is the source
of truth and TinyDB the database: ``store.db`` is a TinyDB whose storage is the state the
journal builds, so TinyDB documents and queries work as usual (``store.query(Q.unit == x)``).
Writes go through the facade, because every change must carry who, when and why.

Start-up reads ``journal.snapshot`` -- the state up to a recorded entry, written atomically
by :meth:`DeskStore.save_snapshot` -- and replays only the journal after it. The snapshot is
a cache: it is used only when the journal holds the very entry it names (seq, hash, offset)
and its checksum is right, otherwise the whole journal is replayed; ``deskapp check``
compares it with a full replay. History is not kept in memory: each pack keeps the offsets
of its journal lines, read back when its history is shown.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tinydb import TinyDB
from tinydb.queries import QueryLike
from tinydb.storages import Storage

from deskapp.config import KIND_LABELS, KINDS, Config
from deskapp.intake import Intake, Problem, take, take_value
from deskapp.journal import Journal, JournalError, StoreWriteError, write_atomic
from deskapp.locations import Locations
from deskapp.models import HistoryEntry, Pack, field_label
from deskapp.numbering import format_receipt, normalise_scan
from deskapp.pinyin import fold
from deskapp.rules import Assessment, assess
from deskapp.search import SearchIndex, haystack, search_keys
from deskapp.text import BadText, clean_value
from deskapp.timeutil import Clock, iso, system_clock

__all__ = ["DeskStore", "JournalError", "PackNotFound", "RegistrationError", "StoreWriteError"]

# Changed only by a supervisor's correction or void (deskapp.outcomes checks the PIN).
SUPERVISED_FIELDS = ("received_at", "clerk", "voided", "void_reason")
SEARCH_FIELDS = ("unit", "name", "leader")
ECOPY_ITEM = "ecopy"
"""The checklist key of the electronic copy: naming its medium ticks it."""
SNAPSHOT_FORMAT = 2
SNAPSHOT_AFTER = 200
"""``close`` writes a new snapshot when at least this many entries came after the last one."""


class RegistrationError(ValueError):
    """Bad input for a registration or update; the message is for the clerk."""


class PackNotFound(LookupError):
    pass


class JournalStorage(Storage):
    """TinyDB storage over the journal-built state: reads are the live state."""

    def __init__(self, store: DeskStore) -> None:
        self._store = store

    def read(self) -> dict[str, dict[str, Any]]:
        self._store.refresh()
        return self._store._tables

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        raise StoreWriteError("请通过受理台的功能修改记录：每次修改都要记下操作人、时间和原因。")


class _Tables(dict):  # type: ignore[type-arg]
    """TinyDB's tables: ``packs`` is live; ``history`` is read from the journal when asked for."""

    def __init__(self, store: DeskStore) -> None:
        super().__init__(packs={}, history={})
        self._store = store

    def __getitem__(self, name: str) -> Any:
        if name == "history":
            return self._store._history_table()
        return dict.__getitem__(self, name)


class _Docs(dict):  # type: ignore[type-arg]
    """Pack id -> document. Documents a snapshot brought stay bytes until first asked for."""

    def __init__(self) -> None:
        super().__init__()
        self.raw: dict[int, bytes] = {}

    def __missing__(self, pack_id: int) -> dict[str, Any]:
        raw = self.raw.get(pack_id)
        if raw is None:  # not a pack, or another thread just decoded it
            doc: dict[str, Any] = dict.__getitem__(self, pack_id)
            return doc
        doc = self.setdefault(pack_id, json.loads(raw))
        self.raw.pop(pack_id, None)
        return doc

    def has(self, pack_id: Any) -> bool:
        return pack_id in self.raw or dict.__contains__(self, pack_id)

    def encoded(self, pack_id: int) -> bytes:
        raw = self.raw.get(pack_id)
        if raw is not None:
            return raw
        return json.dumps(dict.__getitem__(self, pack_id), ensure_ascii=False, separators=(",", ":")).encode("utf-8")

    def reset(self) -> None:
        self.clear()
        self.raw.clear()


class _PacksTable(Mapping[str, Any]):
    """TinyDB's ``packs`` table: doc id (text) -> document, oldest first, read-only."""

    def __init__(self, docs: _Docs, order: list[int]) -> None:
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


class _Index(SearchIndex):
    """The search index, with its haystacks saved in and loaded from the snapshot."""

    def hay(self, pack_id: int) -> tuple[str, str]:
        return self._hay[pack_id]

    def set_hay(self, pack_id: int, hay: tuple[str, str]) -> None:
        self._hay[pack_id] = hay


def history_entry(entry: dict[str, Any]) -> HistoryEntry:
    """A journal entry as the history shows it (old → new per changed field)."""
    old = entry.get("old", {})
    return HistoryEntry(
        seq=entry["seq"],
        at=entry.get("at", ""),
        actor=entry.get("actor", ""),
        action=entry.get("action", ""),
        pack_id=entry.get("pack"),
        changes={path: [old.get(path), value] for path, value in entry.get("set", {}).items()},
        reason=entry.get("reason", ""),
        data=entry.get("data", {}),
    )


def _meta(doc: dict[str, Any]) -> list[Any]:
    """What the indexes need of a pack: round, kind, seq, receipt, folded unit and name."""
    return [
        doc["round"],
        doc["kind"],
        int(doc["seq"]),
        doc["receipt_no"],
        fold(doc.get("unit") or ""),
        fold(doc.get("name") or ""),
    ]


@dataclass(frozen=True)
class DraftCheck:
    """What the desk can tell about a draft before it is saved."""

    duplicates: tuple[Pack, ...]


class DeskStore:
    """All packs of the data folder, kept in step with the journal on disk."""

    def __init__(
        self,
        locations: Locations,
        config: Config,
        clock: Clock = system_clock,
        *,
        snapshot: bool = True,
        key: bytes | None = None,
    ) -> None:
        """``key``: the chain key (default: derived from the folder's ``secret.key``; a check's
        frozen copy of the journal hands in the live desk's)."""
        self.locations = locations.ensure()
        self.config = config
        self.clock = clock
        self._mutex = threading.RLock()
        self._tables = _Tables(self)
        self._packs = _Docs()
        self._meta: dict[int, list[Any]] = {}
        self._pack_cache: dict[int, Pack] = {}
        self._by_receipt: dict[str, int] = {}
        self._lines: dict[int, list[int]] = {}  # pack id -> offsets of its journal lines
        self._last_event: dict[str, int] = {}  # action -> offset of its last journal line
        self._counters: dict[tuple[str, str], int] = {}
        self._order: list[int] = []  # pack ids, oldest first
        self._packs_str = _PacksTable(self._packs, self._order)
        self._by_round: dict[str, list[int]] = {}
        self._dups: dict[tuple[str, str, str], list[int]] = {}
        self._index = _Index()
        self._history_cache: tuple[int, dict[str, Any]] = (-1, {})
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self._clear()
        from deskapp.record_guard import RecordGuard, load_chain_key

        self.journal = Journal(locations.journal, locations.lock, self._apply, key=key or load_chain_key(locations))
        self.journal.on_reset = self._clear
        self.guard = RecordGuard(self)
        """The whole-chain verification; changes to packs wait for it and are refused when it failed."""
        self.snapshot_seq = 0
        """Seq of the entry the snapshot this store started from (or last wrote) ends at."""
        if snapshot:
            self._load_snapshot()
        self.refresh()
        self.db = TinyDB(storage=JournalStorage, store=self)
        self.packs_table = self.db.table("packs", cache_size=0)

    # -- state built from the journal ------------------------------------------------------
    def _clear(self) -> None:
        self._packs.reset()
        self._meta.clear()
        dict.__setitem__(self._tables, "packs", self._packs_str)
        self._pack_cache.clear()
        self._by_receipt.clear()
        self._lines.clear()
        self._last_event.clear()
        self._counters.clear()
        self._order.clear()
        self._by_round.clear()
        self._dups.clear()
        self._index.clear()
        self._history_cache = (-1, {})
        self.snapshot_seq = 0

    def refresh(self) -> int:
        """Take in what other desks wrote since the last look (cheap when nothing did)."""
        with self._mutex:
            return self.journal.refresh()

    def rebuild(self) -> None:
        """Forget the state and replay the whole journal (after a check found them apart)."""
        with self._mutex:
            self.journal.reset()
            self.journal.refresh()

    def subscribe(self, listener: Callable[[dict[str, Any]], None]) -> None:
        """Call ``listener(entry)`` for each entry applied from now on (own or other desks')."""
        self._listeners.append(listener)

    def _add_pack(self, pack_id: int, meta: list[Any]) -> None:
        round_id, kind, seq, receipt, unit, name = meta
        self._meta[pack_id] = meta
        self._order.append(pack_id)
        self._by_round.setdefault(round_id, []).append(pack_id)
        self._by_receipt[receipt] = pack_id
        self._dups.setdefault((round_id, unit, name), []).append(pack_id)
        self._counters[(round_id, kind)] = max(self._counters.get((round_id, kind), 0), seq)

    def _apply(self, entry: dict[str, Any], offset: int) -> None:
        action = entry.get("action", "")
        pack_id = entry.get("pack")
        if action == "register" and isinstance(pack_id, int):
            doc = entry["doc"]
            self._packs[pack_id] = doc
            self._add_pack(pack_id, _meta(doc))
            self._index.put(pack_id, doc)
        elif pack_id is not None and self._packs.has(pack_id):
            doc = self._packs[pack_id]
            for path, value in entry.get("set", {}).items():
                _set_path(doc, path, value)
            for path, item in entry.get("push", {}).items():
                _get_list(doc, path).append(item)
            if "py" in entry:
                doc["py"] = entry["py"]
            meta, old = _meta(doc), self._meta[pack_id]
            if meta[4:] != old[4:]:
                self._dups[(old[0], old[4], old[5])].remove(pack_id)
                group = self._dups.setdefault((meta[0], meta[4], meta[5]), [])
                group.append(pack_id)
                group.sort()
                self._meta[pack_id] = meta
            self._index.put(pack_id, doc)
        if pack_id is not None:
            self._pack_cache.pop(pack_id, None)
            self._lines.setdefault(pack_id, []).append(offset)
        self._last_event[action] = offset
        for listener in self._listeners:
            listener(entry)

    # -- snapshot --------------------------------------------------------------------------
    def _load_snapshot(self) -> bool:
        """Start from ``journal.snapshot`` if it is whole and the journal holds the entry it ends at.

        The file: a header line (format, the entry it ends at, size and CRC-32 of the rest),
        a line of per-pack index rows, then one line per pack document. Documents stay bytes
        until first used, so a start costs the index rows only.
        """
        try:
            raw = self.locations.snapshot.read_bytes()
        except OSError:
            return False
        with self._mutex:
            try:
                head_end = raw.index(b"\n")
                header = json.loads(raw[:head_end])
                body = memoryview(raw)[head_end + 1 :]
                if (
                    header.get("format") != SNAPSHOT_FORMAT
                    or len(body) != header["bytes"]
                    or zlib.crc32(body) != header["crc"]
                ):
                    return False
                rows_end = raw.index(b"\n", head_end + 1)
                index = json.loads(raw[head_end + 1 : rows_end])
                rows = index["packs"]
                docs = raw[rows_end + 1 :].split(b"\n")
                if len(docs) != len(rows) + 1 or docs[-1] != b"":
                    return False
                for row, doc in zip(rows, docs):
                    pack_id, meta, hay, lines = row[0], row[1:7], row[7:9], row[9]
                    self._add_pack(pack_id, meta)
                    self._packs.raw[pack_id] = doc
                    self._index.set_hay(pack_id, (hay[0], hay[1]))
                    self._lines[pack_id] = lines
                self._last_event.update(index["events"])
                if self._order and self._index.hay(self._order[-1]) != haystack(self._packs[self._order[-1]]):
                    for pack_id in self._order:  # the search keys changed with a new version
                        self._index.put(pack_id, self._packs[pack_id])
                resumed = self.journal.resume(
                    header["offset"], header["seq"], header["hash"], header["last_start"], header.get("prefix_crc")
                )
            except (ValueError, KeyError, TypeError, IndexError, AttributeError):
                resumed = False
            if not resumed:
                self._clear()
                return False
            self.snapshot_seq = header["seq"]
            return True

    def save_snapshot(self) -> bool:
        """Write the state as it is now to ``journal.snapshot`` (atomically). False if it could not.

        Any desk may write it at any time: it records the entry it ends at, and a start uses it
        only if the journal holds that entry. A failed write (full disk) leaves the old one.
        """
        with self._mutex:
            self.refresh()
            journal = self.journal
            header: dict[str, Any] = {
                "format": SNAPSHOT_FORMAT,
                "offset": journal.offset,
                "seq": journal.seq,
                "hash": journal.last_hash,
                "last_start": journal.last_start,
                "prefix_crc": journal.prefix_crc,
            }
            rows = [[i, *self._meta[i], *self._index.hay(i), self._lines.get(i, [])] for i in self._order]
            index = json.dumps({"packs": rows, "events": self._last_event}, ensure_ascii=False, separators=(",", ":"))
            parts = [index.encode("utf-8")] + [self._packs.encoded(i) for i in self._order]
        body = b"\n".join(parts) + b"\n"
        header["bytes"] = len(body)
        header["crc"] = zlib.crc32(body)
        path = self.locations.snapshot
        for stale in path.parent.glob(f".{path.name}.*.tmp"):  # left by a desk killed while writing one
            try:
                if time.time() - stale.stat().st_mtime > 600:
                    stale.unlink()
            except OSError:
                pass
        try:
            write_atomic(path, json.dumps(header).encode("ascii") + b"\n" + body)
        except OSError:
            return False
        self.snapshot_seq = header["seq"]
        return True

    def close(self) -> None:
        """Call when the desk closes: saves a snapshot if many entries came since the last one."""
        if self.journal.seq - self.snapshot_seq >= SNAPSHOT_AFTER:
            self.save_snapshot()

    def state_fingerprint(self) -> str:
        """A digest of the packs as built here (compare a snapshot start with a full replay)."""
        with self._mutex:
            docs = [[i, self._packs[i]] for i in self._order]
            data = json.dumps([docs, self.journal.seq, self.journal.last_hash], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    # -- reading ---------------------------------------------------------------------------
    def get(self, pack_id: int) -> Pack:
        with self._mutex:
            cached = self._pack_cache.get(pack_id)
            if cached is not None:
                return cached
            raw = self._packs.raw.get(pack_id)
            if raw is not None:  # still bytes from the snapshot: decoding gives a private copy
                pack = Pack.from_doc(json.loads(raw), pack_id)
            elif self._packs.has(pack_id):
                pack = Pack.from_doc(_deep_copy(self._packs[pack_id]), pack_id)
            else:
                raise PackNotFound(pack_id)
            self._pack_cache[pack_id] = pack
            return pack

    def by_receipt(self, receipt_no: str) -> Pack | None:
        self.refresh()
        pack_id = self._by_receipt.get(normalise_scan(receipt_no))
        return None if pack_id is None else self.get(pack_id)

    def receipt_numbers(self) -> dict[str, int]:
        """Every receipt number on file (all rounds) -> pack id."""
        self.refresh()
        with self._mutex:
            return dict(self._by_receipt)

    def count(self, round_id: str | None = None) -> int:
        self.refresh()
        if round_id is None:
            return len(self._order)
        return len(self._by_round.get(round_id, ()))

    def ids(self, round_id: str | None = None) -> list[int]:
        """Pack ids, newest first."""
        self.refresh()
        ids = self._order if round_id is None else self._by_round.get(round_id, [])
        return ids[::-1]

    def packs(self, round_id: str | None = None) -> list[Pack]:
        """Packs, newest first (all rounds when ``round_id`` is None)."""
        return [self.get(i) for i in self.ids(round_id)]

    def search(self, text: str, round_id: str | None = None, limit: int | None = None) -> list[Pack]:
        """Packs matching ``text`` (receipt, unit, name, leader; Chinese or pinyin), newest first.

        A screen should pass ``limit`` (the rows it shows): building thousands of packs for a
        one-letter query is what costs time, not finding them.
        """
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
        """A pack's history, oldest first, read back from the journal; ``None``: every entry (slow)."""
        with self._mutex:
            self.refresh()
            if pack_id is None:
                return [history_entry(e) for e in self.journal.entries()]
            return [history_entry(e) for e in self.journal.read_many(self._lines.get(pack_id, []))]

    def last_event(self, action: str) -> HistoryEntry | None:
        """The latest entry of ``action`` (any desk's), e.g. the last ``check``."""
        with self._mutex:
            self.refresh()
            offset = self._last_event.get(action)
            return None if offset is None else history_entry(self.journal.read_at(offset))

    def _history_table(self) -> dict[str, Any]:
        """The TinyDB ``history`` table (built from the journal on use; prefer :meth:`history`)."""
        with self._mutex:
            if self._history_cache[0] != self.journal.seq:
                table = {}
                for h in self.history():
                    table[str(h.seq)] = {
                        "at": h.at,
                        "actor": h.actor,
                        "action": h.action,
                        "pack": h.pack_id,
                        "changes": h.changes,
                        "reason": h.reason,
                        "data": h.data,
                    }
                self._history_cache = (self.journal.seq, table)
            return self._history_cache[1]

    def duplicates(self, round_id: str, unit: str, name: str, exclude: int | None = None) -> list[Pack]:
        """Packs in the round with the same unit and name (folded), not voided, newest first."""
        self.refresh()
        u, n = fold(unit), fold(name)
        if not u or not n:
            return []
        with self._mutex:
            ids = list(self._dups.get((round_id, u, n), ()))
        return [self.get(i) for i in reversed(ids) if i != exclude and not self._packs[i].get("voided")]

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
        """Append one entry (inside ``journal.locked()``): committed on disk when this returns."""
        if "at" not in body:
            body["at"] = iso(self.clock())
        try:  # the one door for text (pack fields were cleaned field by field): reasons, data, pushes
            for key in ("actor", "reason", "data", "push"):
                if key in body:
                    body[key] = clean_value(body[key], long=True)
        except BadText as exc:
            raise RegistrationError(str(exc)) from None
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
        supervisor: str | None = None,
    ) -> Pack:
        """Issue the next receipt number of ``kind`` and save the pack, in one committed entry.

        ``received_at`` (default now) may not lie in the future (RegistrationError); a time
        or clerk other than the registering clerk's own is a supervisor's act: the caller
        checks the PIN and names ``supervisor``, who is then recorded as the actor.
        """
        doc, taken = self._validate_new(kind, fields, clerk, checklist or {}, pages, distinct_from)
        reason = _with_notices(reason, taken.problems)
        now = self.clock()
        if received_at is not None and received_at > now:
            raise RegistrationError(f"收件时间 {iso(received_at)} 晚于现在，不能登记将来的时间")
        received = iso(received_at) if received_at is not None else iso(now)
        doc["received_at"] = received
        doc["distinct_from"] = taken.distinct_from
        doc["py"] = search_keys(doc)
        round_ = self.config.round
        self.guard.before_change()
        with self._mutex, self.journal.locked():
            seq = self._counters.get((round_.id, kind), 0) + 1
            doc["seq"] = seq
            doc["receipt_no"] = format_receipt(round_, kind, seq)
            if doc["receipt_no"] in self._by_receipt:
                raise StoreWriteError(f"收件编号 {doc['receipt_no']} 已被使用，请检查编号格式设置。")
            pack_id = len(self._order) + 1  # ids are never deleted, so they run 1..n
            self._commit(
                {
                    "action": "register",
                    "actor": supervisor or clerk,
                    "pack": pack_id,
                    "doc": doc,
                    "reason": reason,
                    "at": received,
                    "data": {"supervisor": supervisor, "recorded_at": iso(now)} if supervisor else None,
                }
            )
        return self.get(pack_id)

    def round_receipts(self) -> set[str]:
        """Receipt numbers of this round's packs (what ``distinct_from`` may name)."""
        round_id = self.config.round.id
        return {r for r, i in self._by_receipt.items() if self._meta.get(i, [None])[0] == round_id}

    def intake(self, kind: str, draft: dict[str, Any]) -> Intake:
        """``draft`` through the one door (:func:`deskapp.intake.take`) with this round's rules and numbers."""
        self.refresh()
        return take(self.config.round, kind, draft, receipts=self.round_receipts())

    def _validate_new(
        self,
        kind: str,
        fields: dict[str, Any],
        clerk: str,
        checklist: dict[str, bool],
        pages: int | None,
        distinct_from: Iterable[str] = (),
    ) -> tuple[dict[str, Any], Intake]:
        if kind not in KINDS:
            raise RegistrationError(f"申报类别只能是 {' / '.join(KIND_LABELS.values())}")
        if not clerk.strip():
            raise RegistrationError("缺少受理人")
        draft = {
            **fields,
            "checklist": checklist,
            "pages": pages,
            "distinct_from": distinct_from if isinstance(distinct_from, str) else list(distinct_from),
        }
        taken = self.intake(kind, draft)
        if taken.errors:
            raise RegistrationError(taken.error_text())
        doc: dict[str, Any] = {
            "round": self.config.round.id,
            "kind": kind,
            "clerk": clerk.strip(),
            "status": "registered",
            **taken.fields,
            "pages": taken.pages,
            "checklist": taken.checklist,
        }
        if doc["ecopy_medium"] and ECOPY_ITEM in doc["checklist"]:
            doc["checklist"][ECOPY_ITEM] = True  # a medium named is an electronic copy received
        return doc, taken

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
        self.guard.before_change()
        with self._mutex, self.journal.locked():
            if not self._packs.has(pack_id):
                raise PackNotFound(pack_id)
            doc = self._packs[pack_id]
            new: dict[str, Any] = {}
            old: dict[str, Any] = {}
            changes = dict(changes)
            notices: list[Problem] = []
            medium = changes.get("ecopy_medium")
            if isinstance(medium, str) and medium.strip() and ECOPY_ITEM in doc.get("checklist", {}):
                changes.setdefault(f"checklist.{ECOPY_ITEM}", True)  # a medium named is a copy received
            for path, given in changes.items():
                if path in ("receipt_no", "seq", "round", "kind", "py"):
                    raise RegistrationError(f"{field_label(doc.get('kind', ''), path)} 不能修改")
                if path in SUPERVISED_FIELDS and action not in ("correct", "void"):
                    raise RegistrationError(
                        f"{field_label(doc.get('kind', ''), path)} 只能由科室负责人更正或作废（请用“结论…”中的更正或作废）"
                    )
                value, problems = take_value(self.config.round, doc.get("kind", ""), path, given)
                refused = [p.text for p in problems if p.blocks]
                if refused:
                    raise RegistrationError("；".join(refused))
                notices.extend(problems)
                current = _get_path(doc, path)
                if current != value:
                    new[path] = value
                    old[path] = current
            if not new and not push and action == "update":
                return self.get(pack_id)
            reason = _with_notices(reason, [p for p in notices if p.field in new])
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
        self,
        action: str,
        actor: str,
        *,
        pack_id: int | None = None,
        data: dict[str, Any] | None = None,
        reason: str = "",
    ) -> HistoryEntry:
        """Record something that happened without changing a pack (a refused scan, a sign-in)."""
        with self._mutex, self.journal.locked():
            entry = self._commit(
                {"action": action, "actor": actor, "pack": pack_id, "data": data or {}, "reason": reason}
            )
        return history_entry(entry)

    # -- checks ----------------------------------------------------------------------------
    def check(self) -> list[str]:
        """Verify the whole hash chain, unique and gapless numbers and the state; problems found
        (empty when good). ``deskapp check`` does the same and records the outcome."""
        from deskapp.integrity import inspect_store

        return list(inspect_store(self).problems)


def _with_notices(reason: str, problems: Iterable[Problem]) -> str:
    """``reason`` with what the door removed (characters the slip cannot print), unless it says so already."""
    notes = [p.text for p in problems if p.code == "unprintable" and p.text not in reason]
    return "；".join([r for r in (reason, *notes) if r])


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
