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
``supplement_received`` 补正收到   clerk       recorded on the original pack, like a registration
``accept_pending`` 容缺受理        supervisor  accepting despite missing items is a judgement call
``reject`` 不予受理                supervisor  a refusal, reason required
``void`` 作废                     supervisor  reason required; the pack stays visible as voided
``correct`` 更正收件时间/受理人      supervisor  reason required; the audit trail must be trustworthy
===============================  ==========  =====================================================

A clerk action also needs the supervisor when it would override the notice or a decision:
accepting a late pack (逾期视为放弃) and changing the outcome of a pack already
accepted, rejected or withdrawn. :func:`needs_supervisor` says so before the desk asks for a PIN.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from deskapp.auth import NotAllowed, require_supervisor
from deskapp.models import DETAIL_FIELDS, STATUS_LABELS, Pack
from deskapp.rules import is_late
from deskapp.store import DeskStore, RegistrationError
from deskapp.timeutil import day_cn, iso, parse_time, show
from deskapp.workdays import DueDate, add_workdays, check_due

ACTIONS: dict[str, str] = {
    "accept": "受理",
    "supplement_request": "补正",
    "accept_pending": "容缺受理",
    "reject": "不予受理",
    "withdraw": "撤回",
    "supplement_received": "补正材料收到",
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
}
"""What a pack's history calls the ``data`` keys these actions record."""
SUPERVISOR_ACTIONS = frozenset({"accept_pending", "reject", "void", "correct"})
DECIDED = frozenset({"accepted", "rejected", "withdrawn"})
"""Statuses that close a pack: changing them again needs the supervisor."""
STATUS_OF = {
    "accept": "accepted",
    "supplement_request": "supplement",
    "accept_pending": "accepted_pending",
    "reject": "rejected",
    "withdraw": "withdrawn",
}


class OutcomeError(RegistrationError):
    """An outcome that cannot be recorded as asked; the message says what to do."""


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


def needs_supervisor(store: DeskStore, pack: Pack, action: str) -> bool:
    """Whether ``action`` on ``pack`` asks for the supervisor's PIN (see the module's table)."""
    if action not in ACTIONS:
        raise OutcomeError(f"不认识的操作：{action}")
    if action in SUPERVISOR_ACTIONS:
        return True
    if action in STATUS_OF and pack.status in DECIDED and STATUS_OF[action] != pack.status:
        return True
    return action == "accept" and pack.received > store.config.round.deadline


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


def _due(value: date | datetime | str | None, store: DeskStore) -> str:
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
    """受理: only a complete pack; an incomplete one is 补正 or 容缺受理."""
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
    if pack.round == store.config.round.id and is_late(store.config.round, pack):
        raise OutcomeError(
            f"{pack.receipt_no} 逾期送达（{store.config.round.late_wording}），不出具补正告知书；"
            "请打印逾期告知书（F12）。"
        )
    items = tuple(missing) if missing else store.assess(pack).missing
    if not items:
        raise OutcomeError("这件材料没有缺项；如需补充其他材料，请在“缺少材料”中写明。")
    return _decide(
        store, pack_id, "supplement_request", by, pin, reason, {"due": _due(due, store), "missing": list(items)}
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
    """容缺受理: accepted now, the missing items promised by ``due`` (supervisor)."""
    items = tuple(missing) if missing else store.assess(store.get(pack_id)).missing
    return _decide(store, pack_id, "accept_pending", by, pin, reason, {"due": _due(due, store), "missing": list(items)})


def reject(store: DeskStore, pack_id: int, by: str, *, pin: str, reason: str) -> Pack:
    """不予受理 (supervisor), reason required."""
    if not reason.strip():
        raise OutcomeError("不予受理必须填写原因。")
    return _decide(store, pack_id, "reject", by, pin, reason)


def withdraw(store: DeskStore, pack_id: int, by: str, *, pin: str = "", reason: str = "") -> Pack:
    """撤回: the unit takes its pack back; the record stays."""
    return _decide(store, pack_id, "withdraw", by, pin, reason)


def supplement_received(
    store: DeskStore,
    pack_id: int,
    by: str,
    *,
    items: list[str] | Mapping[str, bool],
    pages: int | None = None,
    reason: str = "",
    pin: str = "",
) -> Pack:
    """Record a supplement on the original pack: same receipt number, same received time.

    ``items`` are checklist keys (or labels) now received. The pack's history shows the
    original registration and the supplement, each with its own time. A 容缺受理 pack whose
    missing items are all in becomes 受理; a 补正 pack goes back to 已登记 awaiting a decision.
    """
    pack = _live(store, pack_id)
    by = check_actor(store, pack, "supplement_received", by, pin)
    checklist = store.config.round.checklist(pack.kind)
    by_label = {item.label: item.key for item in checklist}
    keys = [k for k, v in items.items() if v] if isinstance(items, Mapping) else list(items)
    resolved = []
    for key in keys:
        key = by_label.get(key, key)
        if key not in pack.checklist:
            raise OutcomeError(f"清单中没有这一项：{key}")
        resolved.append(key)
    resolved = [item.key for item in checklist if item.key in resolved]  # checklist order
    if not resolved and pages is None:
        raise OutcomeError("请勾选收到的补正材料。")
    changes: dict[str, Any] = {f"checklist.{key}": True for key in resolved}
    if pages is not None:
        changes["pages"] = pages
    now = store.clock()
    entry: dict[str, Any] = {
        "at": iso(now),
        "by": by,
        "items": [next(i.label for i in checklist if i.key == k) for k in resolved],
    }
    if pages is not None:
        entry["pages"] = pages
    due = pack.outcome.get("due")
    if due and now.date().isoformat() > due:
        entry["after_due"] = True
    # What the pack will miss after this supplement decides its status.
    trial = replace(pack, checklist={**pack.checklist, **dict.fromkeys(resolved, True)})
    if pages is not None:
        trial = replace(trial, pages=pages)
    still_missing = store.assess(trial).missing
    if pack.status == "accepted_pending" and not still_missing:
        changes["status"] = "accepted"
    elif pack.status == "supplement":
        changes["status"] = "registered"
    entry["still_missing"] = list(still_missing)
    data = {k: entry[k] for k in ("items", "pages", "still_missing", "after_due") if entry.get(k)}
    return store.update(
        pack.id,
        changes,
        by,
        action="supplement_received",
        reason=reason.strip(),
        push={"supplements": entry},
        data=data,
    )


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
    if not set(store.assess(pack).missing) <= set(missing):
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
    wanted = _due(due, store) if due not in (None, "") else None
    if standing is not None and (wanted is None or wanted == standing.due):
        return standing
    warning = ""
    if wanted is None:
        proposed = default_due(store)
        wanted, warning = proposed.day.isoformat(), proposed.warning
    pack = request_supplement(store, pack_id, by, due=wanted, reason=reason)
    outcome = pack.outcome
    return SupplementAct(pack, str(outcome["at"]), tuple(outcome["missing"]), str(outcome["due"]), True, warning)


SUPPLEMENT_ACTIONS = frozenset({"supplement_received", "supplement"})
"""Entries that bring items after the registration: 补正收到 (F5) and 补充材料 (a second pack merged)."""


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
            if new and not old and entry.action in SUPPLEMENT_ACTIONS:
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


def perform(store: DeskStore, pack_id: int, action: str, by: str, **kwargs: Any) -> Pack:
    """Dispatch an action by name (for the command line and the screens)."""
    functions: dict[str, Callable[..., Pack]] = {
        "accept": accept,
        "supplement_request": request_supplement,
        "accept_pending": accept_pending,
        "reject": reject,
        "withdraw": withdraw,
        "supplement_received": supplement_received,
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
    "STATUS_LABELS",
    "NotAllowed",
    "OutcomeError",
    "SupplementAct",
    "SupplementNotice",
    "accept",
    "accept_pending",
    "check_actor",
    "correct",
    "current_act",
    "default_due",
    "issue_supplement",
    "item_arrivals",
    "needs_supervisor",
    "perform",
    "reject",
    "request_supplement",
    "set_details",
    "status_text",
    "supplement_notice",
    "supplement_received",
    "void",
    "withdraw",
]
