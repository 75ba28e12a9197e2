"""The acts recorded on a pack: their names, who may do them, and the due dates they carry.

:mod:`deskapp.outcomes` records the decisions, :mod:`deskapp.later_items` the items brought
later, :mod:`deskapp.supplement_act` the 补正 a notice prints; all ask here who may act.

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
:func:`deskapp.later_items.receive_items`, named by what they answer (a standing 补正 / 容缺受理, or none). Journals
written before these names call 补充材料 ``supplement`` (:data:`LEGACY_ACTIONS`); they are read
as written, never rewritten.

A clerk action also needs the supervisor when it would override the notice or a decision:
accepting a late pack (逾期视为放弃) and changing the outcome of a pack already
accepted, rejected or withdrawn. :func:`needs_supervisor` says so before the desk asks for a PIN.
"""

from __future__ import annotations

from datetime import date, datetime

from deskapp.auth import NotAllowed, require_supervisor
from deskapp.models import Pack
from deskapp.rules import is_late
from deskapp.store import DeskStore, RegistrationError
from deskapp.timeutil import day_cn
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
"""Every act :func:`deskapp.outcomes.perform` knows, by its journal name, with the office's name for it."""
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
STATUS_OF: dict[str, str] = {
    "accept": "accepted",
    "supplement_request": "supplement",
    "accept_pending": "accepted_pending",
    "reject": "rejected",
    "withdraw": "withdrawn",
}
"""The status a decision gives the pack."""


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


def live_pack(store: DeskStore, pack_id: int) -> Pack:
    """The pack as stored now (refreshed from the journal); :class:`OutcomeError` when it is voided."""
    store.refresh()
    pack = store.get(pack_id)
    if pack.voided:
        raise OutcomeError(f"{pack.receipt_no} 已作废，不能再登记结论。")
    return pack
