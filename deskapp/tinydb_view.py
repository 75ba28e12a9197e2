"""TinyDB over the store's live state: queries work as usual, writes are refused.

``DeskStore.db`` is a TinyDB whose storage is :class:`JournalStorage`: its ``packs`` table is
the journal-built state (``deskapp.state.PacksTable``: doc id -> document), its ``history``
table the journal's entries, built when asked for. A write through TinyDB raises
StoreWriteError: every change must go through ``DeskStore`` and carry who, when and why.
"""

from __future__ import annotations

import weakref
from typing import TYPE_CHECKING, Any

from tinydb.storages import Storage

from deskapp.journal import StoreWriteError

if TYPE_CHECKING:
    from deskapp.store import DeskStore

_HISTORY: weakref.WeakKeyDictionary[DeskStore, tuple[int, dict[str, Any]]] = weakref.WeakKeyDictionary()


class JournalStorage(Storage):
    """TinyDB storage over the journal-built state: reads are the live state, writes are refused."""

    def __init__(self, store: DeskStore) -> None:
        self._store = store

    def read(self) -> dict[str, dict[str, Any]]:
        """The tables as they are now (other desks' entries taken in first)."""
        self._store.refresh()
        return _Tables(self._store)

    def write(self, data: dict[str, dict[str, Any]]) -> None:
        """Refused: StoreWriteError (changes go through DeskStore, with who, when and why)."""
        raise StoreWriteError("请通过受理台的功能修改记录：每次修改都要记下操作人、时间和原因。")


class _Tables(dict[str, Any]):
    """TinyDB's tables: ``packs`` is live; ``history`` is read from the journal when asked for.

    Values are read-only Mappings where TinyDB's signature says dict (it only reads them).
    """

    def __init__(self, store: DeskStore) -> None:
        super().__init__(packs=store.state.table, history={})
        self._store = store

    def __getitem__(self, name: str) -> Any:
        if name == "history":
            return history_table(self._store)
        return dict.__getitem__(self, name)


def history_table(store: DeskStore) -> dict[str, Any]:
    """The TinyDB ``history`` table: entry number (text) -> entry, rebuilt when the journal grew
    (reads the whole journal: prefer ``DeskStore.history``)."""
    cached = _HISTORY.get(store)
    if cached is not None and cached[0] == store.journal.entry_no:
        return cached[1]
    table = {
        str(h.entry_no): {
            "at": h.at,
            "actor": h.actor,
            "action": h.action,
            "pack": h.pack_id,
            "changes": h.changes,
            "reason": h.reason,
            "data": h.data,
        }
        for h in store.history()
    }
    _HISTORY[store] = (store.journal.entry_no, table)
    return table
