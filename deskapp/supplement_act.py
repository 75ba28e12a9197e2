"""The 补正 as the papers print it: the act a 补正告知书 belongs to, and when each item arrived.

:func:`issue_supplement` is the one place that decides whether issuing a 补正告知书 records a
补正 (F12, ``n``, F5 → 补正 and ``deskapp notice`` all come here); :func:`current_act` is the
补正 standing on a pack, whose notice every copy prints (its recorded items and due date, so a
notice never disagrees with the recorded 补正); :func:`item_arrivals` gives the slip each item's
own time. The decisions themselves are :mod:`deskapp.outcomes`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from deskapp.acts import LATER_ITEM_ACTIONS, OutcomeError, default_due, valid_due
from deskapp.models import Pack
from deskapp.outcomes import request_supplement
from deskapp.rules import missing_items
from deskapp.store import DeskStore


@dataclass(frozen=True)
class SupplementNotice:
    """What a 补正告知书 needs: every missing item at once, and the deadline."""

    receipt_no: str
    kind_label: str
    unit: str
    name: str
    contact: str
    received_at: str
    missing: tuple[str, ...]
    due: str
    """``YYYY-MM-DD``: the supplement must reach the office by the end of this day."""
    requested_by: str
    requested_at: str
    reason: str = ""


@dataclass(frozen=True)
class SupplementAct:
    """The 补正 a 补正告知书 prints: recorded once, each copy of the notice belongs to it."""

    pack: Pack
    act: str
    """The act's own mark (the time it was recorded): prints of its notice carry it."""
    missing: tuple[str, ...]
    due: str
    """``YYYY-MM-DD``: bring the items by the end of this day."""
    recorded_now: bool
    """True when this call recorded the 补正; False when it was already on the pack."""
    warning: str = ""
    """A due date counted into a year whose holidays the desk does not know (see ``deskapp.workdays``)."""


def current_act(store: DeskStore, pack: Pack) -> SupplementAct | None:
    """The 补正 (or 容缺受理) on ``pack`` that still stands, or None."""
    outcome = pack.outcome
    if pack.status not in ("supplement", "accepted_pending") or outcome.get("action") not in (
        "supplement_request",
        "accept_pending",
    ):
        return None
    missing = tuple(outcome.get("missing", ()))
    if not set(missing_items(store.config.round, pack)) <= set(missing):
        return None  # something else is missing now: a new 补正 is due
    return SupplementAct(pack, str(outcome.get("at", "")), missing, str(outcome.get("due", "")), False)


def issue_supplement(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    due: date | datetime | str | None = None,
    reason: str = "",
) -> SupplementAct:
    """补正 as one act: the one place that decides whether issuing a 补正告知书 records a 补正.

    The 补正 standing on the pack (same missing items, and ``due`` not given or the same) is
    reused — printing its notice again is a 补打. Otherwise the 补正 is recorded now with every
    missing item and ``due`` (default :func:`default_due`), and the next notice printed is
    its original. F12 / ``n`` / F5 → 补正 / ``deskapp notice`` all come here.
    Raises :class:`OutcomeError` (late pack, nothing missing, a bad or rest-day due date) and
    :class:`NotAllowed`.
    """
    store.refresh()
    pack = store.get(pack_id)
    standing = current_act(store, pack)
    wanted = valid_due(due, store) if due not in (None, "") else None
    if standing is not None and (wanted is None or wanted == standing.due):
        return standing
    warning = ""
    if wanted is None:
        proposed = default_due(store)
        wanted, warning = proposed.day.isoformat(), proposed.warning
    pack = request_supplement(store, pack_id, by, due=wanted, reason=reason)
    outcome = pack.outcome
    return SupplementAct(pack, str(outcome["at"]), tuple(outcome["missing"]), str(outcome["due"]), True, warning)


def item_arrivals(store: DeskStore, pack: Pack) -> dict[str, str]:
    """When each checklist item ticked now arrived *after* the registration: ``{key: ISO time}``.

    Read from the pack's history: the last 补正收到 / 补充材料 entry that ticked the item.
    Items of the registration itself are absent (they came at ``pack.received_at``, which
    never changes). A slip lists every item with its own time (issue 9: "证明上述材料已于所列
    时间送达").
    """
    arrivals: dict[str, str] = {}
    for entry in store.history(pack.id):
        for path, (old, new) in entry.changes.items():
            if not path.startswith("checklist."):
                continue
            key = path.split(".", 1)[1]
            if new and not old and entry.action in LATER_ITEM_ACTIONS:
                arrivals[key] = entry.at
            elif not new:
                arrivals.pop(key, None)
    return {k: v for k, v in arrivals.items() if pack.checklist.get(k)}


def supplement_notice(store: DeskStore, pack: Pack) -> SupplementNotice:
    """The data of the 补正告知书 for a pack in 补正 (printed by the slips code)."""
    outcome = pack.outcome
    if outcome.get("action") not in ("supplement_request", "accept_pending"):
        raise OutcomeError(f"{pack.receipt_no} 没有补正要求。")
    return SupplementNotice(
        receipt_no=pack.receipt_no,
        kind_label=pack.kind_label,
        unit=pack.unit,
        name=pack.name,
        contact=" ".join(x for x in (pack.contact, pack.phone) if x),
        received_at=pack.received_at,
        missing=tuple(outcome.get("missing", ())),
        due=outcome.get("due", ""),
        requested_by=outcome.get("by", ""),
        requested_at=outcome.get("at", ""),
        reason=outcome.get("reason", ""),
    )
