"""The one rule for possible duplicates: the same unit and the same name in one round.

Two packs are possible duplicates (重复申报) when they are in the same round and their unit
and name are equal once folded (:func:`deskapp.pinyin.fold`: full-width/half-width, case and
white space do not count), both non-empty, neither voided, and the clerk has not confirmed
them as different packs (``distinct_from``, recorded when the clerk answers the duplicate
dialog). A pack is flagged for the duplicates registered *before* it. The notice sets no rule
on duplicates: this is the desk's own guard against a pack handed in (or typed in) twice; it
only flags, the clerk decides.

Used by the store (``DeskStore.duplicates``, ``DeskStore.assess``: the register dialog and
the CLI), and by the dashboard's one-pass assessment (``deskapp.dashboard.assess_packs``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NamedTuple

from deskapp.models import Pack
from deskapp.pinyin import fold


class DuplicateKey(NamedTuple):
    """What possible duplicates share: the round and the folded unit and name."""

    round: str
    unit: str
    name: str


def duplicate_key(round_id: str, unit: str, name: str, *, folded: bool = False) -> DuplicateKey | None:
    """The key packs are grouped by, or None when the folded unit or name is empty (never a duplicate).

    ``folded``: ``unit`` and ``name`` are folded already.
    """
    if not folded:
        unit, name = fold(unit), fold(name)
    if not unit or not name:
        return None
    return DuplicateKey(round_id, unit, name)


def key_of(pack: Pack) -> DuplicateKey | None:
    """:func:`duplicate_key` of a pack."""
    return duplicate_key(pack.round, pack.unit, pack.name)


def counts(pack: Pack) -> bool:
    """Whether ``pack`` can be anyone's duplicate (a voided pack cannot)."""
    return not pack.voided


def marked_distinct(a: Pack, b: Pack) -> bool:
    """The clerk confirmed ``a`` and ``b`` as different packs (either one names the other)."""
    return b.receipt_no in a.distinct_from or a.receipt_no in b.distinct_from


def earlier_duplicates(pack: Pack, group: Iterable[Pack]) -> tuple[str, ...]:
    """Receipt numbers of the possible duplicates of ``pack`` registered before it, newest first.

    ``group``: the packs with the same :func:`duplicate_key` as ``pack`` (none when its key is
    None); it may include ``pack`` itself and voided packs, both left out. A voided pack has none.
    """
    if not counts(pack):
        return ()
    return tuple(
        other.receipt_no
        for other in sorted(group, key=lambda p: -p.id)
        if other.id < pack.id and counts(other) and not marked_distinct(pack, other)
    )
