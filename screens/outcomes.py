"""Outcome actions on a pack: a menu, and dialogs asking reason, due date and the supervisor's PIN.

The actor is always the person signed in. A supervisor action asked by a clerk is refused at
once (and the refusal recorded); a supervisor types their PIN in the dialog. Dialogs stay open
on an error, keeping what was typed, and close with the updated pack when the core accepted it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Footer, Input, Label, OptionList, SelectionList, Static, TextArea
from textual.widgets.option_list import Option

from deskapp import outcomes, supplement_act
from deskapp.auth import NotAllowed
from deskapp.models import DETAIL_FIELDS, Pack
from deskapp.rules import missing_items
from deskapp.store import RegistrationError, StoreWriteError
from screens.base import DeskModal, DeskScreen

if TYPE_CHECKING:
    from deskapp.app import DeskApp

MENU: tuple[tuple[str, str], ...] = (
    ("accept", "受理"),
    ("supplement_request", "补正（出具补正告知书）"),
    ("supplement_received", "收到补交材料（补正收到 / 补充材料）"),
    ("accept_pending", "容缺受理"),
    ("reject", "不予受理"),
    ("withdraw", "撤回"),
    ("void", "作废"),
    ("correct", "更正收件时间 / 受理人"),
    ("details", "填写附件2内容（获奖、业绩、简介、措施、目标）"),
)
REASON_REQUIRED = {"reject", "void", "correct"}
WITH_DUE = {"supplement_request", "accept_pending"}
ERRORS = (NotAllowed, outcomes.OutcomeError, RegistrationError, StoreWriteError)
FormT = TypeVar("FormT")
"""What a dialog collects and hands to its ``perform``."""


@dataclass(frozen=True)
class OutcomeForm:
    """What a dialog collected; handed to :func:`deskapp.outcomes.perform`."""

    reason: str = ""
    due: str = ""
    pin: str = ""
    received_at: str = ""
    clerk: str = ""

    def kwargs(self, action: str) -> dict[str, Any]:
        out: dict[str, Any] = {"reason": self.reason}
        if self.pin:
            out["pin"] = self.pin
        if action in WITH_DUE:
            out["due"] = self.due
        if action == "correct":
            out["received_at"] = self.received_at
            out["clerk"] = self.clerk
        return out


class OutcomeMenu(DeskModal[str | None]):
    """结论: pick an action with ↑↓ Enter or its number."""

    CSS_PATH = "supervisor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "取消", id="outcome.cancel"),
        *[Binding(str(n), f"pick({n - 1})", show=False, id=f"outcome.pick{n}") for n in range(1, len(MENU) + 1)],
    ]

    def __init__(self, pack: Pack, supervisor: bool) -> None:
        super().__init__()
        self.pack = pack
        self.supervisor = supervisor

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog sup-dialog"):
            yield Label(f"结论 · {self.pack.receipt_no} · {self.pack.unit}", classes="dialog-title")
            options = []
            for n, (action, label) in enumerate(MENU, 1):
                lock = "" if action == "details" or action not in outcomes.SUPERVISOR_ACTIONS else "  🔒科室负责人"
                options.append(Option(f"{n}  {label}{lock}", id=action))
            yield OptionList(*options, id="outcome-menu")
            yield Footer()

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, index: int) -> None:
        self.dismiss(MENU[index][0])


class _FormDialog(DeskModal[Pack | None], Generic[FormT]):
    """A dialog whose submit runs ``perform``; errors show in the dialog, which stays open."""

    CSS_PATH = "supervisor.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(None)", "取消", id="dialog.cancel"),
        Binding("ctrl+s", "submit", "确定", id="dialog.submit", priority=True),
    ]

    def __init__(self, title: str, perform: Callable[[FormT], Pack]) -> None:
        super().__init__()
        self.title_text = title
        self.perform = perform

    def form(self) -> FormT:
        """What the clerk typed, as ``perform`` takes it (each dialog says)."""
        raise NotImplementedError

    def action_submit(self) -> None:
        try:
            pack = self.perform(self.form())
        except ERRORS as exc:
            self.query_one(".dialog-error", Static).update(str(exc))
            return
        self.dismiss(pack)


class OutcomeDialog(_FormDialog[OutcomeForm]):
    """Reason, due date, correction fields and PIN, as the action needs them."""

    def __init__(
        self,
        action: str,
        pack: Pack,
        needs_pin: bool,
        default_due: str,
        perform: Callable[[OutcomeForm], Pack],
        due_note: str = "",
    ) -> None:
        super().__init__(f"{outcomes.ACTIONS[action]} · {pack.receipt_no} · {pack.unit} · {pack.name}", perform)
        self.action_name = action
        self.pack = pack
        self.needs_pin = needs_pin
        self.default_due = default_due
        self.due_note = due_note

    def compose(self) -> ComposeResult:
        action = self.action_name
        with Vertical(classes="dialog sup-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            if action in WITH_DUE:
                missing = missing_items(self.app.desk.config.round, self.pack)
                yield Static("缺少材料：" + ("、".join(missing) or "（无）"), id="o-missing")
                yield self._field(
                    "截止日期", Input(self.default_due, id="o-due", placeholder="例：2026-06-22", compact=True)
                )
                if self.due_note:
                    yield Static(self.due_note, id="o-due-note", classes="dialog-hint", markup=False)
            if action == "correct":
                yield self._field(
                    "收件时间",
                    Input(id="o-received_at", placeholder=f"原为 {self.pack.received_at[:16]}，不改留空", compact=True),
                )
                yield self._field(
                    "受理人", Input(id="o-clerk", placeholder=f"原为 {self.pack.clerk}，不改留空", compact=True)
                )
            required = "（必填）" if action in REASON_REQUIRED else "（可选）"
            yield self._field("原因" + required, Input(id="o-reason", compact=True))
            if self.needs_pin:
                yield self._field("科室负责人 PIN", Input(id="o-pin", password=True, compact=True))
            yield Static("", classes="dialog-error")
            yield Static("Enter 下一项 / 最后一项 Enter 确定 · Ctrl+S 确定 · Esc 取消", classes="dialog-hint")
            yield Footer()

    @staticmethod
    def _field(label: str, widget: Input) -> Horizontal:
        return Horizontal(Label(label, classes="field-label"), widget, classes="field")

    def on_mount(self) -> None:
        self.query(Input).first().focus()

    def _value(self, name: str) -> str:
        found = self.query(f"#o-{name}")
        return found.first(Input).value.strip() if found else ""

    def form(self) -> OutcomeForm:
        return OutcomeForm(
            reason=self._value("reason"),
            due=self._value("due"),
            pin=self._value("pin"),
            received_at=self._value("received_at"),
            clerk=self._value("clerk"),
        )

    @on(Input.Submitted)
    def next_or_submit(self, event: Input.Submitted) -> None:
        inputs = list(self.query(Input))
        if event.input is inputs[-1]:
            self.action_submit()
        else:
            inputs[inputs.index(event.input) + 1].focus()


class SupplementDialog(_FormDialog[tuple[list[str], int | None]]):
    """补正收到 / 补充材料 (:func:`deskapp.outcomes.receiving_action`): tick what came (space), optional new page count."""

    def __init__(
        self, pack: Pack, items: list[tuple[str, str]], perform: Callable[[tuple[list[str], int | None]], Pack]
    ) -> None:
        super().__init__(
            f"{outcomes.ACTIONS[outcomes.receiving_action(pack)]} · {pack.receipt_no} · {pack.unit}", perform
        )
        self.items = items

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog sup-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            yield Label("空格勾选收到的材料，Ctrl+S 保存（原收件编号、原收件时间不变）")
            yield SelectionList[str](*[(label, key) for key, label in self.items], id="s-items")
            yield Horizontal(
                Label("补正后页数", classes="field-label"),
                Input(id="s-pages", type="integer", valid_empty=True, compact=True, placeholder="不变留空"),
                classes="field",
            )
            yield Static("", classes="dialog-error")
            yield Footer()

    def on_mount(self) -> None:
        self.query_one("#s-items", SelectionList).focus()

    def form(self) -> tuple[list[str], int | None]:
        pages = self.query_one("#s-pages", Input).value.strip()
        items: SelectionList[str] = self.query_one("#s-items", SelectionList)
        return list(items.selected), int(pages) if pages else None

    @on(Input.Submitted)
    def submitted(self) -> None:
        self.action_submit()


class DetailsDialog(_FormDialog[dict[str, str]]):
    """附件2 long fields, typed or pasted; Ctrl+S saves all five."""

    def __init__(self, pack: Pack, perform: Callable[[dict[str, str]], Pack]) -> None:
        super().__init__(f"附件2内容 · {pack.receipt_no} · {pack.name}", perform)
        self.pack = pack

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide sup-dialog"):
            yield Label(self.title_text, classes="dialog-title")
            with VerticalScroll(id="d-fields"):
                for key, label in DETAIL_FIELDS.items():
                    yield Label(label, classes="section")
                    yield TextArea(self.pack.details.get(key, ""), id=f"d-{key}", classes="detail-text", soft_wrap=True)
            yield Static("", classes="dialog-error")
            yield Footer()

    def on_mount(self) -> None:
        self.query(TextArea).first().focus()

    def form(self) -> dict[str, str]:
        return {key: self.query_one(f"#d-{key}", TextArea).text for key in DETAIL_FIELDS}


def choose_outcome(screen: DeskScreen[None], pack_id: int) -> None:
    """F5 on the pack screen: the menu, then the action's dialog; the screen refreshes after."""
    app = screen.app
    pack = app.desk.store.get(pack_id)
    supervisor = _is_supervisor(app)

    def picked(action: str | None) -> None:
        if action is not None:
            start_outcome(screen, pack_id, action)

    app.push_screen(OutcomeMenu(pack, supervisor), picked)


def _is_supervisor(app: DeskApp) -> bool:
    member = app.desk.config.staff_member(app.clerk or "")
    return bool(member and member.is_supervisor)


def _default_due(app: DeskApp) -> tuple[str, str]:
    """The due date the desk proposes (working days, State Council schedule) and its warning, if any."""
    due = outcomes.default_due(app.desk.store)
    return due.day.isoformat(), due.warning


def _print_notice(app: DeskApp, pack: Pack) -> None:
    """Print the 补正告知书 of the 补正 just recorded: its original (it lists every missing item at once)."""
    from screens.slips import print_document

    print_document(app, pack.id, "notice")


def start_outcome(screen: DeskScreen[None], pack_id: int, action: str) -> None:
    """Open the dialog of ``action`` on the pack (or refuse a clerk a supervisor action)."""
    app = screen.app
    store = app.desk.store
    pack = store.get(pack_id)
    by = app.clerk or ""
    recorded = outcomes.receiving_action(pack) if action == "supplement_received" else action

    def done(result: Pack | None) -> None:
        if result is None:
            return
        label = "附件2内容已保存" if action == "details" else f"已登记：{outcomes.ACTIONS[recorded]}"
        app.notify(f"{result.receipt_no} {label}，当前状态：{outcomes.status_text(result)}", timeout=6)
        if action == "supplement_request":
            _print_notice(app, result)
        screen.refresh_data()
        app.data_changed()

    if action == "details":

        def save_details(values: dict[str, str]) -> Pack:
            return outcomes.set_details(store, pack_id, by, values)  # guarded-by: _FormDialog.action_submit

        app.push_screen(DetailsDialog(pack, save_details), done)
        return
    if action != "details" and pack.voided:
        app.notify(f"{pack.receipt_no} 已作废，不能再登记结论。", title="不能操作", severity="error", timeout=8)
        return
    needs_pin = outcomes.needs_supervisor(store, pack, action)
    if needs_pin and not _is_supervisor(app):
        message = f"{by} 是受理员，“{outcomes.ACTIONS[action]}”需要科室负责人权限。请科室负责人登录后操作。"
        app.write(
            lambda: store.record_event("refused", by, pack_id=pack_id, data={"action": action}, reason=message),
            what="拒绝记录",
        )
        app.notify(message, title="无权操作", severity="error", timeout=10)
        return
    if action == "supplement_received":
        items = [(i.key, i.label) for i in app.desk.config.round.checklist(pack.kind) if not pack.checklist.get(i.key)]

        def receive(form: tuple[list[str], int | None]) -> Pack:
            chosen, pages = form
            return outcomes.receive_items(  # guarded-by: _FormDialog.action_submit
                store, pack_id, by, items=chosen, pages=pages
            )

        app.push_screen(SupplementDialog(pack, items, receive), done)
        return
    default_due, due_note = _default_due(app) if action in WITH_DUE else ("", "")

    def perform(form: OutcomeForm) -> Pack:
        if action == "supplement_request":  # the one 补正 act, shared with F12 / n / deskapp notice
            return supplement_act.issue_supplement(  # guarded-by: _FormDialog.action_submit
                store, pack_id, by, due=form.due, reason=form.reason
            ).pack
        return outcomes.perform(  # guarded-by: _FormDialog.action_submit
            store, pack_id, action, by, **form.kwargs(action)
        )

    app.push_screen(OutcomeDialog(action, pack, needs_pin, default_due, perform, due_note), done)
