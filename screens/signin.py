"""Signing in by choosing one's own name; a first run creates the staff list."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.auth import PIN_MIN_DIGITS, check_new_pin, hash_pin
from deskapp.config import ROLE_LABELS, ConfigError, StaffMember
from deskapp.journal import JournalError
from deskapp.staff_file import change_staff, staff_changes
from screens.base import DeskScreen
from screens.dialogs import SupervisorPin


class StaffList(OptionList):
    """The staff to choose from; Enter signs in."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "select", "登录", id="sign_in")]


class SignInScreen(DeskScreen[None]):
    """↑↓ to one's own name, Enter. Every change made afterwards carries that name."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f9", "edit_staff", "修改人员名单", id="edit_staff"),
    ]

    def compose(self) -> ComposeResult:
        config = self.desk.config
        with Vertical(classes="dialog"):
            yield Static(config.round.name, classes="dialog-title")
            yield Static("请选择您的名字（↑↓ 选择，Enter 登录）。之后的每一次登记和修改都记在您名下。")
            yield StaffList(
                *[Option(f"{s.name}（{ROLE_LABELS.get(s.role, s.role)}）", id=s.name) for s in config.staff],
                id="staff",
            )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#staff", OptionList).focus()

    @on(OptionList.OptionSelected, "#staff")
    def chosen(self, event: OptionList.OptionSelected) -> None:
        name = event.option.id
        if not name or self.app.screen is not self:
            return  # a second Enter that came before the PIN dialog took the keys: one dialog is enough
        if not self.app.require_pin:
            self.app.sign_in(name)
            return
        from screens.pin import PinSignIn

        def signed(who: str | None) -> None:
            if who:
                self.app.sign_in(who)

        self.app.push_screen(PinSignIn(name), signed)

    def action_edit_staff(self) -> None:
        """Changing who may sign in (and who is a supervisor) needs a supervisor's PIN."""
        config = self.desk.config
        if not any(s.is_supervisor for s in config.staff):
            self.app.switch_screen(StaffSetupScreen())
            return

        def confirmed(name: str | None) -> None:
            store = self.desk.store
            if name and self.app.write(lambda: store.record_event("staff_edit", name), what="修改人员名单") is not None:
                self.app.switch_screen(StaffSetupScreen(by=name))

        self.app.push_screen(SupervisorPin("修改人员名单需要科室负责人输入姓名和 PIN。"), confirmed)


class StaffRoster(OptionList):
    """The list being edited: ↑↓ to a person, then F5 to correct the name or F8 to remove them."""


class StaffSetupScreen(DeskScreen[None]):
    """The staff list: names and roles; a supervisor gets a PIN (stored only as a hash).

    Any name can be corrected (F5) or removed (F8); saving records in the journal who made the
    change (``by``: the supervisor who gave their PIN), why, and what changed.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f3", "add", "加入名单", id="staff.add"),
        Binding("f4", "toggle_role", "切换角色", id="staff.role"),
        Binding("f5", "rename", "改名", id="staff.rename"),
        Binding("f8", "remove", "删去此人", id="staff.remove"),
        Binding("ctrl+s", "save", "保存名单", id="staff.save", priority=True),
    ]

    def __init__(self, by: str = "") -> None:
        super().__init__()
        self.by = by
        """The supervisor who opened the list with their PIN ("" on a first run)."""
        self.staff: list[StaffMember] = []
        self.role = "clerk"
        self.renamed: dict[str, str] = {}
        """New name -> the name saved before (for the journal, and to keep the person's comments)."""
        self.editing: int | None = None
        """Index of the person whose name the name box is correcting (F5), else None."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("受理台人员名单", classes="dialog-title")
            yield Static(
                "逐个加入受理员和科室负责人：输入姓名，按 Enter 或 F3 加入；F4 切换角色；"
                "科室负责人需要设置至少 6 位数字的 PIN（输入两次）。改名或删去：Tab 到名单，↑↓ 选人，F5 改名、F8 删去，"
                "并写明原因。全部改好后按 Ctrl+S 保存。",
                classes="hint",
            )
            with Horizontal(classes="field"):
                yield Label("姓名", classes="field-label")
                yield Input(
                    id="s-name", compact=True, placeholder="例：张三", select_on_focus=False
                )  # F5: fix a typo in place
            with Horizontal(classes="field"):
                yield Label("角色", classes="field-label")
                yield Static(id="s-role")
            with Horizontal(classes="field", id="pin-row"):
                yield Label("PIN", classes="field-label")
                yield Input(id="s-pin", compact=True, password=True, placeholder=f"至少 {PIN_MIN_DIGITS} 位数字")
            with Horizontal(classes="field", id="pin2-row"):
                yield Label("再输一次", classes="field-label")
                yield Input(id="s-pin2", compact=True, password=True)
            yield Static("名单：", id="s-list-title")
            yield StaffRoster(id="s-list")
            with Horizontal(classes="field"):
                yield Label("原因", classes="field-label")
                yield Input(id="s-reason", compact=True, placeholder="改名或删去时必填，例：姓名录错、已调离")
            yield Static(id="s-error")
        yield Footer()

    def on_mount(self) -> None:
        config = self.desk.config
        self.staff = list(config.staff)
        self.show()
        self.query_one("#s-name", Input).focus()

    def show(self, highlight: int | None = None) -> None:
        if self.editing is not None:
            role = Content.assemble(("改名：", "bold"), self.staff[self.editing].name, " → 在姓名栏改好后按 Enter")
        else:
            role = Content.assemble((ROLE_LABELS[self.role], "bold"), "（F4 切换）")
        self.query_one("#s-role", Static).update(role)
        self.query_one("#pin-row").display = self.query_one("#pin2-row").display = (
            self.role == "supervisor" and self.editing is None
        )
        roster = self.query_one("#s-list", StaffRoster)
        keep = roster.highlighted if highlight is None else highlight
        roster.set_options(
            Option(f"{n}. {s.name}（{ROLE_LABELS.get(s.role, s.role)}）") for n, s in enumerate(self.staff, 1)
        )
        if self.staff:
            roster.highlighted = min(keep if keep is not None else len(self.staff) - 1, len(self.staff) - 1)
        self.query_one("#s-list-title", Static).update("名单：" if self.staff else "名单还是空的。")

    def say(self, text: str) -> None:
        self.query_one("#s-error", Static).update(Content.styled(text, "bold $error") if text else "")

    @on(Input.Submitted, "#s-name")
    def name_entered(self) -> None:
        if self.role == "supervisor" and not self.query_one("#s-pin", Input).value:
            self.query_one("#s-pin", Input).focus()
        else:
            self.action_add()

    @on(Input.Submitted, "#s-pin")
    def pin_entered(self) -> None:
        self.query_one("#s-pin2", Input).focus()

    @on(Input.Submitted, "#s-pin2")
    def pin_confirmed(self) -> None:
        self.action_add()

    def action_add(self) -> None:
        if self.editing is not None:
            self.rename_to(self.query_one("#s-name", Input).value.strip())
            return
        name_box, pin_box, again_box = (self.query_one(f"#{i}", Input) for i in ("s-name", "s-pin", "s-pin2"))
        name = name_box.value.strip()
        if not name:
            self.say("请先输入姓名。")
            name_box.focus()
            return
        if any(s.name == name for s in self.staff):
            self.say(f"{name} 已在名单中。")
            return
        pin_hash = ""
        if self.role == "supervisor":
            try:
                pin_hash = hash_pin(check_new_pin(pin_box.value, again_box.value))
            except ValueError as exc:
                self.say(f"{exc}，请重新输入 PIN。")
                pin_box.value = again_box.value = ""
                pin_box.focus()
                return
        self.staff.append(StaffMember(name, self.role, pin_hash))
        name_box.value = pin_box.value = again_box.value = ""
        self.role = "clerk"
        self.say("")
        self.show()
        name_box.focus()

    def action_toggle_role(self) -> None:
        self.role = "supervisor" if self.role == "clerk" else "clerk"
        self.show()

    # -- correcting and removing anyone on the list ----------------------------------------
    def chosen(self) -> int | None:
        """The person highlighted in the list (the last one if none is)."""
        if not self.staff:
            self.say("名单还是空的。")
            return None
        highlighted = self.query_one("#s-list", StaffRoster).highlighted
        return len(self.staff) - 1 if highlighted is None else highlighted

    def action_rename(self) -> None:
        """F5: the highlighted person's name into the name box, to correct it there."""
        index = self.chosen()
        if index is None:
            return
        self.editing = index
        box = self.query_one("#s-name", Input)
        box.value = self.staff[index].name
        box.focus()
        self.say("")
        self.show(index)

    def rename_to(self, name: str) -> None:
        assert self.editing is not None
        person = self.staff[self.editing]
        if not name:
            self.say("请输入改正后的姓名。")
            return
        if name != person.name and any(s.name == name for s in self.staff):
            self.say(f"{name} 已在名单中。")
            return
        original = self.renamed.pop(person.name, person.name)
        if name != original:
            self.renamed[name] = original
        self.staff[self.editing] = StaffMember(name, person.role, person.pin_hash)
        index, self.editing = self.editing, None
        self.query_one("#s-name", Input).value = ""
        self.say("")
        self.show(index)

    def action_remove(self) -> None:
        """F8: take the highlighted person off the list (saved with Ctrl+S, with the reason)."""
        index = self.chosen()
        if index is None:
            return
        person = self.staff.pop(index)
        self.renamed.pop(person.name, None)
        if self.editing is not None:
            self.editing = None
            self.query_one("#s-name", Input).value = ""
        self.say("")
        self.show(min(index, len(self.staff) - 1) if self.staff else None)

    def action_save(self) -> None:
        if self.query_one("#s-name", Input).value.strip():
            self.action_add()
        if not self.staff:
            self.say("名单至少要有一人。输入姓名后按 Enter 加入。")
            return
        desk = self.desk
        before = desk.config.staff
        if any(s.is_supervisor for s in before) and not any(s.is_supervisor for s in self.staff):
            self.say("名单中至少要留一位科室负责人（否则谁都能修改名单）。")
            return
        changes = staff_changes(before, self.staff, self.renamed)
        reason = self.query_one("#s-reason", Input).value.strip()
        if before and not reason and ({"removed", "renamed", "roles"} & set(changes)):
            self.say("请在“原因”中写明为什么改名或删去（例：姓名录错、已调离），再按 Ctrl+S。")
            self.query_one("#s-reason", Input).focus()
            return
        by = self.by or ("首次设置" if not before else "（未设科室负责人）")
        try:
            change_staff(desk, self.staff, by, reason, self.renamed)
        except (OSError, ConfigError, JournalError) as exc:
            self.say(f"保存失败：{exc}。名单还在屏幕上，问题解决后再按 Ctrl+S。")
            return
        self.app.apply_keymap()
        self.app.switch_screen(SignInScreen())
