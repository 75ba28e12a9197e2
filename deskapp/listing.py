"""The round's packs as the desk's list shows them: newest first, filtered, with what is missing.

The listing keeps each shown row (receipt, times, what is missing) until the journal says
that pack changed, and narrows a search as the clerk types, so a keystroke costs one search
over the last matches plus at most ``limit`` rows — whatever the number of packs on file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from deskapp.pinyin import fold
from deskapp.privacy import mask_phone as mask_phone  # the one phone mask; importable here as before
from deskapp.store import DeskStore
from deskapp.timeutil import show

ROW_LIMIT = 200
REGROUPING = {"unit", "name", "voided", "distinct_from", "round"}
"""Fields whose change may change the duplicate flags of other packs."""


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
    """What one search shows: the ids of the first matches (newest first) and how many matched."""

    ids: tuple[int, ...]
    total: int

    @property
    def truncated(self) -> bool:
        """More packs matched than the ids shown."""
        return self.total > len(self.ids)


class Listing:
    """Rows of the desk's list for a search text, kept in step with the store."""

    def __init__(self, store: DeskStore, limit: int = ROW_LIMIT) -> None:
        self.store = store
        self.limit = limit
        self.version = 0
        """Bumped on every entry the store applies (own or other desks')."""
        self._rows: dict[int, Row] = {}
        self._ids: list[int] = []
        self._ids_key: tuple[str, int] | None = None
        self._last: tuple[str, int, str, list[int]] | None = None
        self._recent: dict[str, tuple[tuple[str, int], list[int]]] = {}
        store.subscribe(self._on_entry)

    def _on_entry(self, entry: dict[str, Any]) -> None:
        self.version += 1
        pack_id = entry.get("pack")
        if pack_id is None:
            return
        self._rows.pop(pack_id, None)
        if entry.get("action") == "register":
            return  # a new pack changes no other row (duplicates are flagged on the later one)
        if REGROUPING & {path.split(".")[0] for path in entry.get("set", {})}:
            self._rows.clear()  # may change which packs look like duplicates of which

    def row(self, pack_id: int) -> Row:
        """The list row of a pack, remembered until the pack changes. PackNotFound: no such id."""
        row = self._rows.get(pack_id)
        if row is None:
            pack = self.store.get(pack_id)
            verdict = self.store.assess(pack)
            row = Row(
                pack_id=pack.id,
                receipt_no=pack.receipt_no,
                received=show(pack.received_at),
                kind_label=pack.kind_label,
                unit=pack.unit,
                name=pack.name,
                status=pack.status_label,
                summary=list_summary(verdict),
                complete=verdict.complete,
                late=verdict.late,
            )
            self._rows[pack_id] = row
        return row

    def round_ids(self, round_id: str) -> list[int]:
        """The round's pack ids, newest first (kept until the journal moves on)."""
        if self._ids_key != (round_id, self.version):
            self._ids = self.store.ids(round_id)
            self._ids_key = (round_id, self.version)
        return self._ids

    def match(self, text: str, round_id: str) -> list[int]:
        """Ids matching ``text``, newest first.

        Typing one more key only narrows a search (every match of ``abc`` is a match of
        ``ab``), so the last matches are the only candidates: the first keys scan the round,
        later ones a handful.
        """
        wanted = fold(text)
        if not wanted:
            return self.round_ids(round_id)
        recent = self._recent.get(wanted)
        if recent is not None and recent[0] == (round_id, self.version):
            return recent[1]  # e.g. back to an earlier text with Backspace
        within = None
        last = self._last
        if last is not None and last[:2] == (round_id, self.version) and last[2] and wanted.startswith(last[2]):
            within = sorted(last[3], reverse=True)  # ids grow with registration: newest first
        found = self.store.search_ids(text, round_id, within=within)
        self._last = (round_id, self.version, wanted, found)
        self._recent[wanted] = ((round_id, self.version), found)
        if len(self._recent) > 64:
            self._recent.pop(next(iter(self._recent)))
        return found

    def page(self, text: str = "", round_id: str | None = None) -> Page:
        """Matches of ``text`` (everything when empty), newest first, at most ``limit``.

        Rows are built by :meth:`row` only when shown: a screen draws twenty of them, not 200.
        """
        ids = self.match(text, round_id or self.store.config.round.id)
        return Page(tuple(ids[: self.limit]), len(ids))


def list_summary(verdict: Any) -> str:
    """The list's last column: 逾期 first (short: the row is red, the pack screen has the whole
    wording), then what is missing, then the other flags — so a narrow column still shows both."""
    late = [f for f in verdict.flags if f.code == "late"]
    if not late:
        return str(verdict.summary())
    others = [f.text for f in verdict.flags if f.code != "late"]
    missing = ["缺：" + "、".join(verdict.missing)] if verdict.missing else []
    return "；".join(["逾期", *missing, *others])
