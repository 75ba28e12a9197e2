"""The desk's one facade over storage: packs in, packs out, every change recorded.

Screens and the command line talk only to :class:`DeskStore`. It returns :class:`Pack`
values -- frozen, so the cached one a caller gets cannot be corrupted -- never raw documents.
Underneath, the journal (``deskapp.journal``) is the source of truth; the state it builds
(``deskapp.state``) is what TinyDB reads: ``store.db`` is a TinyDB over that state, so TinyDB
queries work as usual (``store.query(Q.unit == x)``). Writes go through the facade, because
every change must carry who, when and why; what they may carry is ``deskapp.pack_input``'s.

Start-up reads the snapshot (``deskapp.snapshot``) and replays only the journal after it.
History is not kept in memory: each pack keeps the offsets of its journal lines, read back
when its history is shown. The whole-record check is ``deskapp.integrity``'s; it reads the
store through :meth:`DeskStore.receipt_rows`, :meth:`DeskStore.copy_committed` and
:meth:`DeskStore.state_fingerprint`.
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, suppress
from datetime import datetime
from pathlib import Path
from typing import Any

from tinydb import TinyDB
from tinydb.queries import QueryLike

from deskapp import snapshot as snapshot_file
from deskapp.config import Config
from deskapp.duplicates import counts, duplicate_key, earlier_duplicates
from deskapp.journal import Journal, JournalError, StoreWriteError
from deskapp.locations import Locations
from deskapp.models import SEARCH_KEYS, HistoryEntry, Pack
from deskapp.numbering import format_receipt, normalise_scan
from deskapp.pack_input import (
    SEARCH_FIELDS,
    RegistrationError,
    checked_change,
    new_pack_doc,
    with_medium,
)
from deskapp.rules import Assessment, assess
from deskapp.search import search_keys
from deskapp.state import PackRow, PackState, get_path, set_path
from deskapp.text import BadText, clean_value
from deskapp.timeutil import Clock, iso, system_clock
from deskapp.tinydb_view import JournalStorage

__all__ = ["DeskStore", "JournalError", "PackNotFound", "RegistrationError", "StoreWriteError"]

SNAPSHOT_AFTER = 200
"""``close`` writes a new snapshot when at least this many entries came after the last one."""


class PackNotFound(LookupError):
    """No pack has this id."""


class DeskStore:
    """All packs of the data folder, kept in step with the journal on disk (thread-safe)."""

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
        frozen copy of the journal hands in the live desk's). JournalError: the journal cannot be read."""
        from deskapp.record_guard import RecordGuard, load_chain_key

        self.locations = locations.ensure()
        self.config = config
        self.clock = clock
        self._mutex = threading.RLock()
        self.state = PackState()
        """The documents and indexes (read under :meth:`locked`; never changed outside the journal)."""
        self._packs: dict[int, Pack] = {}
        self._listeners: list[Callable[[dict[str, Any]], None]] = []
        self.snapshot_entry_no = 0
        """Entry number the snapshot this store started from (or last wrote) ends at."""
        self.journal = Journal(locations.journal, locations.lock, self._apply, key=key or load_chain_key(locations))
        self.journal.on_reset = self._clear
        self.guard = RecordGuard(self)
        """The whole-chain verification; changes to packs wait for it and are refused when it failed."""
        if snapshot:
            self._load_snapshot()
        self.refresh()
        self.db = TinyDB(storage=JournalStorage, store=self)
        """TinyDB over the live state: ``packs`` and (built on use) ``history`` tables, read-only."""
        self.packs_table = self.db.table("packs", cache_size=0)

    # -- state built from the journal ------------------------------------------------------
    def _clear(self) -> None:
        self.state.clear()
        self._packs.clear()
        self.snapshot_entry_no = 0

    @contextmanager
    def locked(self, *, repair: bool = False) -> Iterator[None]:
        """Hold this store and the journal's cross-process lock: no desk writes meanwhile
        (``repair``: also when the journal's last line is torn). StoreWriteError: lock not free."""
        with self._mutex, self.journal.locked(repair=repair):
            yield

    def refresh(self) -> int:
        """Take in what other desks wrote since the last look (cheap when nothing did); how many entries."""
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

    def _apply(self, entry: dict[str, Any], offset: int) -> None:
        self.state.apply(entry, offset)
        pack_id = entry.get("pack")
        if pack_id is not None:
            self._packs.pop(pack_id, None)
        for listener in self._listeners:
            listener(entry)

    # -- snapshot --------------------------------------------------------------------------
    def _load_snapshot(self) -> bool:
        with self._mutex:
            entry_no = snapshot_file.load(self.locations.snapshot, self.state, self.journal)
            if entry_no is None:
                self._clear()
                return False
            self.snapshot_entry_no = entry_no
            return True

    def save_snapshot(self) -> bool:
        """Write the state as it is now to ``journal.snapshot`` (atomically). False if it could not.

        Any desk may write it at any time: it records the entry it ends at, and a start uses it
        only if the journal holds that entry. A failed write (full disk) leaves the old one.
        """
        with self._mutex:
            self.refresh()
            entry_no, data = snapshot_file.encode(self.state, self.journal)
        if not snapshot_file.write(self.locations.snapshot, data):
            return False
        self.snapshot_entry_no = entry_no
        return True

    def close(self) -> None:
        """Call when the desk closes: saves a snapshot if many entries came since the last one."""
        if self.journal.entry_no - self.snapshot_entry_no >= SNAPSHOT_AFTER:
            self.save_snapshot()

    # -- what the integrity check reads ----------------------------------------------------
    def state_fingerprint(self) -> str:
        """SHA-256 (hex) of the packs as built here and the last entry (compare a snapshot start
        with a full replay)."""
        with self._mutex:
            docs = [[i, self.state.docs[i]] for i in self.state.order]
            data = json.dumps([docs, self.journal.entry_no, self.journal.last_hash], ensure_ascii=False, sort_keys=True)
        return hashlib.sha256(data.encode("utf-8")).hexdigest()

    def receipt_rows(self) -> list[tuple[int, PackRow]]:
        """(pack id, round/kind/serial/receipt of its document), oldest first. KeyError/ValueError:
        a document that lacks them (a damaged record)."""
        from deskapp.state import pack_row

        with self._mutex:
            return [(i, pack_row(self.state.docs[i])) for i in self.state.order]

    def copy_committed(self, folder: Path) -> str:
        """Copy the committed journal (whole lines) and the snapshot into ``folder`` at one
        instant, under the lock; returns :meth:`state_fingerprint` at that instant."""
        with self.locked(repair=True):
            live = self.state_fingerprint()
            with open(self.locations.journal, "rb") as handle:
                data = handle.read(self.journal.offset)
            (folder / self.locations.journal.name).write_bytes(data)
            with suppress(FileNotFoundError):
                (folder / self.locations.snapshot.name).write_bytes(self.locations.snapshot.read_bytes())
        return live

    # -- reading ---------------------------------------------------------------------------
    def get(self, pack_id: int) -> Pack:
        """The pack with this id, as of the last refresh: a frozen value (built once per change,
        then the same object until the pack changes). PackNotFound: no such id."""
        with self._mutex:
            cached = self._packs.get(pack_id)
            if cached is not None:
                return cached
            docs = self.state.docs
            raw = docs.raw.get(pack_id)
            if raw is not None:  # still bytes from the snapshot: decoding gives a private copy
                pack = Pack.from_doc(json.loads(raw), pack_id)
            elif docs.has(pack_id):
                pack = Pack.from_doc(docs[pack_id], pack_id)  # frozen: copies what it keeps
            else:
                raise PackNotFound(pack_id)
            self._packs[pack_id] = pack
            return pack

    def by_receipt(self, receipt_no: str) -> Pack | None:
        """The pack of a receipt number as typed or scanned (dashes and case do not matter), or None."""
        self.refresh()
        pack_id = self.state.by_receipt.get(normalise_scan(receipt_no))
        return None if pack_id is None else self.get(pack_id)

    def receipt_numbers(self) -> dict[str, int]:
        """Every receipt number on file (all rounds) -> pack id."""
        self.refresh()
        with self._mutex:
            return dict(self.state.by_receipt)

    def count(self, round_id: str | None = None) -> int:
        """How many packs (in ``round_id``, or all rounds)."""
        self.refresh()
        if round_id is None:
            return len(self.state.order)
        return len(self.state.by_round.get(round_id, ()))

    def ids(self, round_id: str | None = None) -> list[int]:
        """Pack ids, newest first."""
        self.refresh()
        ids = self.state.order if round_id is None else self.state.by_round.get(round_id, [])
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
            found = self.state.index.search(text, self.ids(round_id) if within is None else within)
            exact = self.state.by_receipt.get(normalise_scan(text))
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
                return [HistoryEntry.of_entry(e) for e in self.journal.entries()]
            return [HistoryEntry.of_entry(e) for e in self.journal.read_many(self.state.lines.get(pack_id, []))]

    def last_event(self, action: str) -> HistoryEntry | None:
        """The latest entry of ``action`` (any desk's), e.g. the last ``check``."""
        with self._mutex:
            self.refresh()
            offset = self.state.last_event.get(action)
            return None if offset is None else HistoryEntry.of_entry(self.journal.read_at(offset))

    def duplicates(self, round_id: str, unit: str, name: str, exclude: int | None = None) -> list[Pack]:
        """Packs that would be possible duplicates of a pack with this unit and name in the round
        (``deskapp.duplicates``: folded equal, not voided), newest first; the register dialog asks
        this of a draft."""
        self.refresh()
        key = duplicate_key(round_id, unit, name)
        if key is None:
            return []
        with self._mutex:
            ids = list(self.state.groups.get(key, ()))
        found = (self.get(i) for i in reversed(ids) if i != exclude)
        return [p for p in found if counts(p)]

    def assess(self, pack: Pack) -> Assessment:
        """The verdict on ``pack`` under the current round's rules (``deskapp.rules.assess``),
        with its earlier possible duplicates (``deskapp.duplicates.earlier_duplicates``)."""
        group = self.duplicates(pack.round, pack.unit, pack.name)
        return assess(self.config.round, pack, earlier_duplicates(pack, group))

    def next_receipt(self, kind: str) -> str:
        """The number the next pack of ``kind`` would get (informative only; saving decides)."""
        self.refresh()
        round_ = self.config.round
        return format_receipt(round_, kind, self.state.counters.get((round_.id, kind), 0) + 1)

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
        fields: Mapping[str, Any],
        clerk: str,
        *,
        checklist: Mapping[str, bool] | None = None,
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
        RegistrationError: bad input (``deskapp.pack_input.new_pack_doc``); StoreWriteError:
        not written (the record is as it was).
        """
        doc = new_pack_doc(self.config, kind, fields, clerk, checklist or {}, pages)
        now = self.clock()
        if received_at is not None and received_at > now:
            raise RegistrationError(f"收件时间 {iso(received_at)} 晚于现在，不能登记将来的时间")
        received = iso(received_at) if received_at is not None else iso(now)
        doc["received_at"] = received
        doc["distinct_from"] = sorted(set(distinct_from))
        doc[SEARCH_KEYS] = search_keys(doc)
        round_ = self.config.round
        self.guard.before_change()
        with self.locked():
            serial = self.state.counters.get((round_.id, kind), 0) + 1
            doc["seq"] = serial  # the receipt serial: stored as "seq" since the first version
            doc["receipt_no"] = format_receipt(round_, kind, serial)
            if doc["receipt_no"] in self.state.by_receipt:
                raise StoreWriteError(f"收件编号 {doc['receipt_no']} 已被使用，请检查编号格式设置。")
            pack_id = len(self.state.order) + 1  # ids are never deleted, so they run 1..n
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

    def update(
        self,
        pack_id: int,
        changes: Mapping[str, Any],
        actor: str,
        *,
        action: str = "update",
        reason: str = "",
        data: dict[str, Any] | None = None,
        push: dict[str, Any] | None = None,
    ) -> Pack:
        """Change fields of a pack (dotted paths like ``checklist.ecopy``); records old → new.

        Fields whose value does not change are left out; nothing changed and nothing pushed
        writes nothing. ``push``: dotted path -> item appended to the list there. PackNotFound;
        RegistrationError (``deskapp.pack_input.checked_change``); StoreWriteError: not written.
        """
        if not actor.strip():
            raise RegistrationError("缺少操作人")
        self.guard.before_change()
        with self.locked():
            if not self.state.docs.has(pack_id):
                raise PackNotFound(pack_id)
            doc = self.state.docs[pack_id]
            new: dict[str, Any] = {}
            old: dict[str, Any] = {}
            for path, given in with_medium(doc, changes).items():
                value = checked_change(doc, path, given, action)
                current = get_path(doc, path)
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
                merged = {k: doc.get(k) for k in SEARCH_FIELDS}
                for path, value in new.items():
                    if path in SEARCH_FIELDS:
                        set_path(merged, path, value)
                body[SEARCH_KEYS] = search_keys(merged)
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
        with self.locked():
            entry = self._commit(
                {"action": action, "actor": actor, "pack": pack_id, "data": data or {}, "reason": reason}
            )
        return HistoryEntry.of_entry(entry)
