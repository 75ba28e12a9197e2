"""Items brought after the registration: 补正收到 and 补充材料, recorded one way.

:func:`receive_items` is the one door (F5 → 收到补交材料 on a pack, the register screen's
duplicate question "作为补充材料记到原件", ``deskapp outcome … supplement_received``); the act is
named by what it answers (:func:`receiving_action`): a standing 补正 or 容缺受理 → 补正收到,
none → 补充材料. The items keep their own time on the slip (:func:`deskapp.supplement_act.item_arrivals`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from deskapp.acts import (
    ADDITIONAL_MATERIALS,
    AWAITING_ITEMS,
    SUPPLEMENT_RECEIVED,
    OutcomeError,
    check_actor,
    live_pack,
)
from deskapp.models import Pack
from deskapp.pack_input import ECOPY_ITEM
from deskapp.rules import missing_items
from deskapp.store import DeskStore
from deskapp.timeutil import iso


def receiving_action(pack: Pack) -> str:
    """What items brought now for ``pack`` are called: :data:`SUPPLEMENT_RECEIVED` (补正收到) when a
    补正 or 容缺受理 stands on it (:data:`AWAITING_ITEMS`), else :data:`ADDITIONAL_MATERIALS` (补充材料)."""
    return SUPPLEMENT_RECEIVED if pack.status in AWAITING_ITEMS and not pack.voided else ADDITIONAL_MATERIALS


def receive_items(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    items: Sequence[str] | Mapping[str, bool],
    pages: int | None = None,
    bundle_pages: int | None = None,
    ecopy_medium: str = "",
    notes: str = "",
    reason: str = "",
    pin: str = "",
) -> Pack:
    """Items brought after the registration, recorded on the original pack: 补正收到 or 补充材料.

    The one way both are recorded (F5 → 补交材料 on a pack, the register screen's duplicate
    question "作为补充材料记到原件", ``deskapp outcome … supplement_received``): the same receipt
    number and received time; the items ticked; one journal entry named by
    :func:`receiving_action`, whose data says what came (``items``: labels in checklist order,
    ``pages``, ``bundle_pages``, ``notes``, ``still_missing``, ``after_due``), and the same entry
    pushed on the pack's ``supplements`` list. ``items`` are checklist keys or labels (an item the
    pack already has may come again, e.g. corrected: listed, its first time kept); ``pages`` is
    the pack's page count from now on, ``bundle_pages`` only recorded (the pages of what came);
    ``ecopy_medium`` is taken when the pack has none (and ticks 电子版). A 容缺受理 pack missing
    nothing any more becomes 受理; a 补正 pack goes back to 已登记, awaiting a decision. Each
    item's time is on the slip (:func:`deskapp.supplement_act.item_arrivals`).
    Raises :class:`OutcomeError` (voided pack, unknown item, nothing brought) and
    :class:`deskapp.auth.NotAllowed` (not on the staff list).
    """
    pack = live_pack(store, pack_id)
    action = receiving_action(pack)
    by = check_actor(store, pack, action, by, pin)
    checklist = store.config.round.checklist(pack.kind)
    by_label = {item.label: item.key for item in checklist}
    named = [k for k, v in items.items() if v] if isinstance(items, Mapping) else list(items)
    keys = []
    for name in named:
        key = by_label.get(name, name)
        if key not in pack.checklist:
            raise OutcomeError(f"清单中没有这一项：{name}")
        keys.append(key)
    medium = ecopy_medium.strip() if not pack.ecopy_medium else ""
    if medium and ECOPY_ITEM in pack.checklist:
        keys.append(ECOPY_ITEM)  # a medium named is a copy received (as the store records it)
    brought = [item for item in checklist if item.key in keys]  # checklist order
    changes: dict[str, Any] = {f"checklist.{item.key}": True for item in brought if not pack.checklist.get(item.key)}
    if pages is not None:
        changes["pages"] = pages
    if medium:
        changes["ecopy_medium"] = medium
    notes = notes.strip()
    if not brought and pages is None and bundle_pages is None and not notes:
        raise OutcomeError("请勾选收到的材料。")
    now = store.clock()
    entry: dict[str, Any] = {"at": iso(now), "by": by, "action": action, "items": [item.label for item in brought]}
    if pages is not None:
        entry["pages"] = pages
    if bundle_pages is not None:
        entry["bundle_pages"] = bundle_pages
    if notes:
        entry["notes"] = notes
    due = pack.outcome.get("due")
    if action == SUPPLEMENT_RECEIVED and due and now.date().isoformat() > due:
        entry["after_due"] = True
    # What the pack will miss after these items decides its status.
    trial = replace(pack, checklist={**pack.checklist, **{item.key: True for item in brought}})
    still_missing = missing_items(store.config.round, trial)
    if pack.status == "accepted_pending" and not still_missing:
        changes["status"] = "accepted"
    elif pack.status == "supplement":
        changes["status"] = "registered"
    if action == SUPPLEMENT_RECEIVED:
        entry["still_missing"] = list(still_missing)
    keep = ("items", "pages", "bundle_pages", "notes", "still_missing", "after_due")
    data = {k: entry[k] for k in keep if entry.get(k)}
    return store.update(
        pack.id,
        changes,
        by,
        action=action,
        reason=reason.strip(),
        push={"supplements": entry},
        data=data,
    )


def supplement_received(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    items: Sequence[str] | Mapping[str, bool],
    pages: int | None = None,
    reason: str = "",
    pin: str = "",
) -> Pack:
    """补正收到 as the F5 dialog and ``deskapp outcome … supplement_received`` ask it: :func:`receive_items`."""
    return receive_items(store, pack_id, by, items=items, pages=pages, reason=reason, pin=pin)
