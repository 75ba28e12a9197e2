"""Outcomes of a pack (受理 / 补正 / 容缺受理 / 不予受理 / 撤回), corrections and voids.

Every change goes through ``store.update`` with the actor, an action name and a reason, so the
history shows who decided what, when and why. Nothing is ever deleted: a voided pack stays in
the store, visible as 已作废. Who may do what, and the names of the acts, are
:mod:`deskapp.acts` (re-exported here); items brought later are :mod:`deskapp.later_items`
(also re-exported: ``outcomes.receive_items``). :func:`perform` dispatches any act by name.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from deskapp.acts import (
    ACTIONS,
    ADDITIONAL_MATERIALS,
    AWAITING_ITEMS,
    DATA_LABELS,
    DECIDED,
    LATER_ITEM_ACTIONS,
    LEGACY_ACTIONS,
    STATUS_OF,
    SUPERVISOR_ACTIONS,
    SUPPLEMENT_RECEIVED,
    OutcomeError,
    check_actor,
    default_due,
    live_pack,
    needs_supervisor,
    valid_due,
)
from deskapp.auth import NotAllowed
from deskapp.later_items import receive_items, receiving_action, supplement_received
from deskapp.models import DETAIL_FIELDS, STATUS_LABELS, Pack
from deskapp.rules import is_late, missing_items
from deskapp.store import DeskStore
from deskapp.timeutil import iso, parse_time, show


def _decide(
    store: DeskStore,
    pack_id: int,
    action: str,
    by: str,
    pin: str,
    reason: str,
    extra: Mapping[str, Any] | None = None,
) -> Pack:
    pack = live_pack(store, pack_id)
    by = check_actor(store, pack, action, by, pin)
    outcome: dict[str, Any] = {"action": action, "label": ACTIONS[action], "by": by, "at": iso(store.clock())}
    if reason.strip():
        outcome["reason"] = reason.strip()
    outcome.update(extra or {})
    history = list(pack.outcome.get("history", []))
    if pack.outcome:
        history.append({k: v for k, v in pack.outcome.items() if k != "history"})
    if history:
        outcome["history"] = history
    return store.update(
        pack.id,
        {"status": STATUS_OF[action], "outcome": outcome},
        by,
        action=action,
        reason=reason.strip(),
        data={k: outcome[k] for k in ("due", "missing") if k in outcome},
    )


def accept(store: DeskStore, pack_id: int, by: str, *, pin: str = "", reason: str = "") -> Pack:
    """受理: only a complete pack (:attr:`deskapp.rules.Assessment.missing` empty, page count entered);
    an incomplete one is 补正 or 容缺受理. A late pack needs the supervisor (notice 三.3).
    Raises :class:`OutcomeError`, :class:`NotAllowed`."""
    missing = store.assess(store.get(pack_id)).missing
    if missing:
        raise OutcomeError("材料不齐（缺：" + "、".join(missing) + "），不能直接受理。请选择“补正”或“容缺受理”。")
    return _decide(store, pack_id, "accept", by, pin, reason)


def request_supplement(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    due: date | datetime | str | None,
    missing: list[str] | None = None,
    pin: str = "",
    reason: str = "",
) -> Pack:
    """补正: lists every missing item at once (by default what the desk finds missing), with a due date.

    A late pack gets no 补正: the notice deems it withdrawn (逾期视为放弃, section 三); its paper
    is the 逾期告知书. Raises :class:`OutcomeError` (late, nothing missing, a due date on a rest day).
    """
    pack = store.get(pack_id)
    if is_late(store.config.round, pack):
        raise OutcomeError(
            f"{pack.receipt_no} 逾期送达（{store.config.round.late_wording}），不出具补正告知书；"
            "请打印逾期告知书（F12）。"
        )
    items = tuple(missing) if missing else missing_items(store.config.round, pack)
    if not items:
        raise OutcomeError("这件材料没有缺项；如需补充其他材料，请在“缺少材料”中写明。")
    return _decide(
        store, pack_id, "supplement_request", by, pin, reason, {"due": valid_due(due, store), "missing": list(items)}
    )


def accept_pending(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    pin: str,
    due: date | datetime | str | None,
    missing: list[str] | None = None,
    reason: str = "",
) -> Pack:
    """容缺受理: accepted now, the missing items (default :func:`deskapp.rules.missing_items`) promised
    by ``due`` (supervisor). Raises :class:`OutcomeError`, :class:`NotAllowed`."""
    items = tuple(missing) if missing else missing_items(store.config.round, store.get(pack_id))
    return _decide(
        store, pack_id, "accept_pending", by, pin, reason, {"due": valid_due(due, store), "missing": list(items)}
    )


def reject(store: DeskStore, pack_id: int, by: str, *, pin: str, reason: str) -> Pack:
    """不予受理 (supervisor), reason required."""
    if not reason.strip():
        raise OutcomeError("不予受理必须填写原因。")
    return _decide(store, pack_id, "reject", by, pin, reason)


def withdraw(store: DeskStore, pack_id: int, by: str, *, pin: str = "", reason: str = "") -> Pack:
    """撤回: the unit takes its pack back; the record stays."""
    return _decide(store, pack_id, "withdraw", by, pin, reason)


def void(store: DeskStore, pack_id: int, by: str, *, pin: str, reason: str) -> Pack:
    """作废 (supervisor, reason required): the pack stays, marked voided, never deleted."""
    if not reason.strip():
        raise OutcomeError("作废必须填写原因。")
    pack = live_pack(store, pack_id)
    by = check_actor(store, pack, "void", by, pin)
    return store.update(
        pack.id, {"voided": True, "void_reason": reason.strip()}, by, action="void", reason=reason.strip()
    )


def correct(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    pin: str,
    reason: str,
    received_at: datetime | str | None = None,
    clerk: str | None = None,
) -> Pack:
    """更正 the received time or the clerk of a registration (supervisor, reason required)."""
    if not reason.strip():
        raise OutcomeError("更正必须填写原因。")
    pack = store.get(pack_id)
    by = check_actor(store, pack, "correct", by, pin)
    changes: dict[str, Any] = {}
    if received_at is not None and received_at != "":
        try:
            moment = received_at if isinstance(received_at, datetime) else parse_time(str(received_at))
        except ValueError:
            raise OutcomeError(f"收件时间格式不对：{received_at!r}（例：2026-06-12 10:30）。") from None
        if moment > store.clock():
            raise OutcomeError(f"收件时间 {show(moment)} 晚于现在，请检查。")
        changes["received_at"] = iso(moment)
    if clerk is not None and clerk.strip():
        clerk = clerk.strip()
        if store.config.staff and store.config.staff_member(clerk) is None:
            raise OutcomeError(f"{clerk} 不在人员名单中。")
        changes["clerk"] = clerk
    if not changes:
        raise OutcomeError("请填写要更正的收件时间或受理人。")
    if all(pack.to_doc().get(k) == v for k, v in changes.items()):
        raise OutcomeError("与原记录相同，无需更正。")
    return store.update(pack.id, changes, by, action="correct", reason=reason.strip())


def set_details(store: DeskStore, pack_id: int, by: str, details: Mapping[str, str], *, reason: str = "") -> Pack:
    """Type or paste the long 附件2 fields of a studio pack (any listed staff member)."""
    pack = store.get(pack_id)
    unknown = set(details) - set(DETAIL_FIELDS)
    if unknown:
        raise OutcomeError("不认识的字段：" + "、".join(sorted(unknown)))
    by = (by or "").strip()
    if not by or (store.config.staff and store.config.staff_member(by) is None):
        raise NotAllowed(f"{by or '操作人'} 不在人员名单中。")
    changes = {f"details.{k}": str(v).replace("\r\n", "\n").strip() for k, v in details.items()}
    return store.update(pack.id, changes, by, action="details", reason=reason or "填写附件2内容")


def perform(store: DeskStore, pack_id: int, action: str, by: str, **kwargs: Any) -> Pack:
    """Dispatch an action by name (for the command line and the screens)."""
    functions: dict[str, Callable[..., Pack]] = {
        "accept": accept,
        "supplement_request": request_supplement,
        "accept_pending": accept_pending,
        "reject": reject,
        "withdraw": withdraw,
        "supplement_received": supplement_received,
        "additional_materials": receive_items,
        "void": void,
        "correct": correct,
    }
    if action not in functions:
        raise OutcomeError(f"不认识的操作：{action}（可用：{'、'.join(functions)}）")
    return functions[action](store, pack_id, by, **kwargs)


def status_text(pack: Pack) -> str:
    """The status as a list shows it: 补正（截止 2026-06-20）, 已作废, ..."""
    text = pack.status_label
    due = pack.outcome.get("due")
    if not pack.voided and pack.status in ("supplement", "accepted_pending") and due:
        text += f"（截止 {due}）"
    return text


__all__ = [
    "ACTIONS",
    "ADDITIONAL_MATERIALS",
    "AWAITING_ITEMS",
    "DATA_LABELS",
    "DECIDED",
    "LATER_ITEM_ACTIONS",
    "LEGACY_ACTIONS",
    "STATUS_LABELS",
    "STATUS_OF",
    "SUPERVISOR_ACTIONS",
    "SUPPLEMENT_RECEIVED",
    "NotAllowed",
    "OutcomeError",
    "accept",
    "accept_pending",
    "check_actor",
    "correct",
    "default_due",
    "live_pack",
    "needs_supervisor",
    "perform",
    "receive_items",
    "receiving_action",
    "reject",
    "request_supplement",
    "set_details",
    "status_text",
    "supplement_received",
    "valid_due",
    "void",
    "withdraw",
]
