"""Outcomes of a pack (受理 / 补正 / 容缺受理 / 不予受理 / 撤回), supplements, corrections and voids.

Every change goes through ``store.update`` with the actor, an action name and a reason, so the
history shows who decided what, when and why. Nothing is ever deleted: a voided pack stays in
the store, visible as 已作废.

Who may do what (the issue: "supervisor actions ask for the supervisor's PIN"):

===============================  ==========  =====================================================
action                           who         why
===============================  ==========  =====================================================
``accept`` 受理                   clerk       a complete, on-time pack is accepted at the counter
``supplement_request`` 补正       clerk       the desk tells the unit at once everything missing
``withdraw`` 撤回                 clerk       the unit takes its pack back at the counter
``supplement_received`` 补正收到   clerk       items a standing 补正 asked for, on the original pack
``additional_materials`` 补充材料  clerk       items brought with no 补正 standing, on the original pack
``accept_pending`` 容缺受理        supervisor  accepting despite missing items is a judgement call
``reject`` 不予受理                supervisor  a refusal, reason required
``void`` 作废                     supervisor  reason required; the pack stays visible as voided
``correct`` 更正收件时间/受理人      supervisor  reason required; the audit trail must be trustworthy
===============================  ==========  =====================================================

Three acts, three names (the office's): 补正 is the *request* (``supplement_request``; the pack's
status ``supplement`` while it stands); 补正收到 (``supplement_received``) and 补充材料
(``additional_materials``) are items brought after the registration, both recorded by
:func:`receive_items`, named by what they answer (a standing 补正 / 容缺受理, or none). Journals
written before these names call 补充材料 ``supplement`` (:data:`LEGACY_ACTIONS`); they are read
as written, never rewritten.

A clerk action also needs the supervisor when it would override the notice or a decision:
accepting a late pack (逾期视为放弃) and changing the outcome of a pack already
accepted, rejected or withdrawn. :func:`needs_supervisor` says so before the desk asks for a PIN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from deskapp.auth import NotAllowed, require_supervisor
from deskapp.models import DETAIL_FIELDS, STATUS_LABELS, Pack
from deskapp.rules import is_late, missing_items
from deskapp.store import ECOPY_ITEM, DeskStore, RegistrationError
from deskapp.timeutil import day_cn, iso, parse_time, show
from deskapp.workdays import DueDate, add_workdays, check_due

ACTIONS: dict[str, str] = {
    "accept": "受理",
    "supplement_request": "补正",
    "accept_pending": "容缺受理",
    "reject": "不予受理",
    "withdraw": "撤回",
    "supplement_received": "补正收到",
    "additional_materials": "补充材料",
    "void": "作废",
    "correct": "更正",
}
DATA_LABELS: dict[str, str] = {
    "due": "截止日期",
    "missing": "缺少材料",
    "items": "补交材料",
    "pages": "页数",
    "still_missing": "仍缺",
    "after_due": "超过补正截止日期",
    "bundle_pages": "本次送来页数",
    "notes": "备注",
}
"""What a pack's history calls the ``data`` keys these actions record."""
SUPERVISOR_ACTIONS = frozenset({"accept_pending", "reject", "void", "correct"})
DECIDED = frozenset({"accepted", "rejected", "withdrawn"})
"""Statuses that close a pack: changing them again needs the supervisor."""
SUPPLEMENT_RECEIVED = "supplement_received"
"""补正收到: items that a 补正 (or a 容缺受理's promise) standing on the pack asked for."""
ADDITIONAL_MATERIALS = "additional_materials"
"""补充材料: items brought for a pack on which no 补正 stands (the unit's own initiative, or a second
bundle the clerk records on the first at the register screen's duplicate question)."""
LEGACY_ACTIONS: dict[str, str] = {"supplement": ADDITIONAL_MATERIALS}
"""Action names of journals written before the names above: 补充材料 was ``supplement``."""
LATER_ITEM_ACTIONS = frozenset({SUPPLEMENT_RECEIVED, ADDITIONAL_MATERIALS, *LEGACY_ACTIONS})
"""Entries that bring items after the registration, whatever their journal's age."""
AWAITING_ITEMS = frozenset({"supplement", "accepted_pending"})
"""Statuses under which the office waits for items it asked for (补正, 容缺受理)."""
STATUS_OF = {
    "accept": "accepted",
    "supplement_request": "supplement",
    "accept_pending": "accepted_pending",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


class OutcomeError(RegistrationError):
    """An outcome that cannot be recorded as asked; the message says what to do."""


def needs_supervisor(store: DeskStore, pack: Pack, action: str) -> bool:
    """Whether ``action`` on ``pack`` asks for the supervisor's PIN (see the module's table)."""
    if action not in ACTIONS:
        raise OutcomeError(f"不认识的操作：{action}")
    if action in SUPERVISOR_ACTIONS:
        return True
    if action in STATUS_OF and pack.status in DECIDED and STATUS_OF[action] != pack.status:
        return True
    return action == "accept" and is_late(store.config.round, pack)


def check_actor(store: DeskStore, pack: Pack, action: str, by: str, pin: str = "") -> str:
    """The actor's name if they may do ``action`` on ``pack``; else :class:`NotAllowed`."""
    by = (by or "").strip()
    if not by:
        raise NotAllowed("请先选择操作人。")
    if needs_supervisor(store, pack, action):
        try:
            require_supervisor(store.config, by, pin, store)
        except NotAllowed as exc:
            raise NotAllowed(f"“{ACTIONS[action]}”需要科室负责人确认：{exc}") from None
    elif store.config.staff and store.config.staff_member(by) is None:
        raise NotAllowed(f"{by} 不在人员名单中，请在设置中添加。")
    return by


def default_due(store: DeskStore) -> DueDate:
    """The 补正 due date the desk proposes: ``slip.notice_days`` working days after today.

    Working days as the State Council sets them (``deskapp.workdays``, ``[calendar]``); when a
    year counted through is unknown, :attr:`DueDate.warning` says so in Chinese.
    """
    config = store.config
    return add_workdays(store.clock().date(), config.slip.notice_days, config.calendar)


def valid_due(value: date | datetime | str | None, store: DeskStore) -> str:
    """A 补正 / 容缺受理 due date as ``YYYY-MM-DD``: today or later, on a working day (``deskapp.workdays``).

    ``value`` is a date, a datetime (its date) or ISO text. Raises :class:`OutcomeError` (missing,
    malformed, past, a rest day) with the message for the clerk.
    """
    if value is None or value == "":
        raise OutcomeError("请填写补正截止日期（例：2026-06-22）。")
    if isinstance(value, datetime):
        day = value.date()
    elif isinstance(value, date):
        day = value
    else:
        try:
            day = date.fromisoformat(str(value).strip())
        except ValueError:
            raise OutcomeError(f"截止日期格式不对：{value!r}（例：2026-06-20）。") from None
    if day < store.clock().date():
        raise OutcomeError(f"截止日期 {day_cn(day)} 已过，请选今天或以后的日期。")
    fault = check_due(day, store.config.calendar)
    if fault:
        raise OutcomeError(fault)
    return day.isoformat()


def _live(store: DeskStore, pack_id: int) -> Pack:
    store.refresh()
    pack = store.get(pack_id)
    if pack.voided:
        raise OutcomeError(f"{pack.receipt_no} 已作废，不能再登记结论。")
    return pack


def _decide(
    store: DeskStore,
    pack_id: int,
    action: str,
    by: str,
    pin: str,
    reason: str,
    extra: Mapping[str, Any] | None = None,
) -> Pack:
    pack = _live(store, pack_id)
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
    pack already has may come again, e.g. corrected: listed, its first time kept); ``pages`` is the pack's page count from now on,
    ``bundle_pages`` only recorded (the pages of what came); ``ecopy_medium`` is taken when the
    pack has none. A 容缺受理 pack missing nothing any more becomes 受理; a 补正 pack goes back to
    已登记, awaiting a decision. Each item's time is on the slip (:func:`deskapp.supplement_act.item_arrivals`).
    Raises :class:`OutcomeError` (voided pack, unknown item, nothing brought), :class:`NotAllowed`.
    """
    pack = _live(store, pack_id)
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


def void(store: DeskStore, pack_id: int, by: str, *, pin: str, reason: str) -> Pack:
    """作废 (supervisor, reason required): the pack stays, marked voided, never deleted."""
    if not reason.strip():
        raise OutcomeError("作废必须填写原因。")
    pack = _live(store, pack_id)
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
    "LATER_ITEM_ACTIONS",
    "LEGACY_ACTIONS",
    "STATUS_LABELS",
    "SUPPLEMENT_RECEIVED",
    "NotAllowed",
    "OutcomeError",
    "accept",
    "accept_pending",
    "check_actor",
    "correct",
    "default_due",
    "needs_supervisor",
    "perform",
    "receive_items",
    "receiving_action",
    "reject",
    "request_supplement",
    "set_details",
    "status_text",
    "supplement_received",
    "void",
    "withdraw",
]
