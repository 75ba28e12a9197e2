"""The round's packs as the desk's list shows them: newest first, filtered, with what is missing.

Assessing one pack needs its probable duplicates, and asking the store for them pack by
pack scans the whole round each time. The listing keeps the duplicate groups and each
shown row, and updates them from the store's entries, so a keystroke costs one search
plus at most ``limit`` rows — whatever the number of packs on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskapp.models import Pack
from deskapp.pinyin import fold
from deskapp.rules import Assessment, assess
from deskapp.store import DeskStore
from deskapp.timeutil import show

ROW_LIMIT = 200


@dataclass(frozen=True)
class Row:
    """One line of the desk's list."""

    pack_id: int
    receipt_no: str
    received: str
    kind_label: str
    unit: str
    name: str
    status: str
    summary: str
    complete: bool
    late: bool


@dataclass(frozen=True)
class Page:
    """What one search shows: the first rows and how many packs matched in all."""

    rows: tuple[Row, ...]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.rows)


def _group_key(unit: str, name: str) -> tuple[str, str] | None:
    u, n = fold(unit), fold(name)
    return (u, n) if u and n else None


class Listing:
    """Rows of the desk's list for a search text, kept in step with the store."""

    def __init__(self, store: DeskStore, limit: int = ROW_LIMIT) -> None:
        self.store = store
        self.limit = limit
        self.version = 0
        """Bumped on every entry the store applies (own or other desks')."""
        self._rows: dict[int, Row] = {}
        self._groups: dict[tuple[str, str], list[int]] | None = None
        self._key_of: dict[int, tuple[str, str] | None] = {}
        store.subscribe(self._on_entry)

    # -- keeping in step -------------------------------------------------------------------
    def _on_entry(self, entry: dict[str, Any]) -> None:
        self.version += 1
        pack_id = entry.get("pack")
        if pack_id is None:
            return
        if self._groups is None:
            self._rows.pop(pack_id, None)
            return
        if entry.get("action") == "register":
            doc = entry.get("doc", {})
            key = _group_key(doc.get("unit", ""), doc.get("name", ""))
            self._key_of[pack_id] = key
            if key is not None:
                self._groups.setdefault(key, []).append(pack_id)
        elif {"unit", "name", "voided"} & {path.split(".")[0] for path in entry.get("set", {})}:
            self._groups = None  # a regrouping: rebuilt on next use
            self._rows.clear()
            return
        self._forget_group(pack_id)

    def _forget_group(self, pack_id: int) -> None:
        key = self._key_of.get(pack_id)
        for other in self._groups.get(key, [pack_id]) if (self._groups and key) else [pack_id]:
            self._rows.pop(other, None)
        self._rows.pop(pack_id, None)

    def _ensure_groups(self) -> dict[tuple[str, str], list[int]]:
        if self._groups is None:
            groups: dict[tuple[str, str], list[int]] = {}
            self._key_of = {}
            # Raw documents (read-only): building Pack objects for a whole round is too slow here.
            docs = self.store.db.storage.read()["packs"]
            for sid, doc in docs.items():
                pack_id = int(sid)
                key = _group_key(doc.get("unit", ""), doc.get("name", ""))
                self._key_of[pack_id] = key
                if key is not None:
                    groups.setdefault(key, []).append(pack_id)
            for members in groups.values():
                members.sort()
            self._groups = groups
        return self._groups

    # -- reading ---------------------------------------------------------------------------
    def assess(self, pack: Pack) -> Assessment:
        """Like ``store.assess`` but with the duplicate groups kept here (no scan of the round)."""
        groups = self._ensure_groups()
        key = self._key_of.get(pack.id)
        dups: list[str] = []
        for other_id in groups.get(key, []) if key else []:
            if other_id >= pack.id:
                continue
            other = self.store.get(other_id)
            if other.round != pack.round or other.voided:
                continue
            if other.receipt_no in pack.distinct_from or pack.receipt_no in other.distinct_from:
                continue
            dups.append(other.receipt_no)
        dups.reverse()  # newest first, as the store lists them
        return assess(self.store.config.round, pack, tuple(dups))

    def row(self, pack_id: int) -> Row:
        row = self._rows.get(pack_id)
        if row is None:
            pack = self.store.get(pack_id)
            verdict = self.assess(pack)
            row = Row(
                pack_id=pack.id,
                receipt_no=pack.receipt_no,
                received=show(pack.received_at),
                kind_label=pack.kind_label,
                unit=pack.unit,
                name=pack.name,
                status=pack.status_label,
                summary=verdict.summary(),
                complete=verdict.complete,
                late=verdict.late,
            )
            self._rows[pack_id] = row
        return row

    def page(self, text: str = "", round_id: str | None = None) -> Page:
        """Rows for ``text`` (everything when empty), newest first, at most ``limit``."""
        round_id = round_id or self.store.config.round.id
        ids = self.store.search_ids(text, round_id) if text.strip() else self.store.ids(round_id)
        return Page(tuple(self.row(i) for i in ids[: self.limit]), len(ids))


def mask_phone(phone: str) -> str:
    """Personal data in lists: ``13900000000`` → ``139****0000``."""
    digits = phone.strip()
    if len(digits) >= 7:
        return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]
    return "*" * len(digits)
