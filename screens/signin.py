"""Signing in by choosing one's own name; a first run creates the staff list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from deskapp.auth import PIN_MIN_DIGITS, check_new_pin, hash_pin
from deskapp.config import ROLE_LABELS, ConfigError, StaffMember
from deskapp.service import save_staff
from screens.dialogs import SupervisorPin


class StaffList(OptionList):
    """The staff to choose from; Enter signs in."""

    BINDINGS = [Binding("enter", "select", "登录", id="sign_in")]


class SignInScreen(Screen[None]):
    """↑↓ to one's own name, Enter. Every change made afterwards carries that name."""

    BINDINGS = [
        Binding("f9", "edit_staff", "修改人员名单", id="edit_staff"),
    ]

    def compose(self) -> ComposeResult:
        config = self.app.desk.config  # type: ignore[attr-defined]
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
        if not self.app.require_pin:  # type: ignore[attr-defined]
            self.app.sign_in(name)  # type: ignore[attr-defined]
            return
        from screens.pin import PinSignIn

        def signed(who: str | None) -> None:
            if who:
                self.app.sign_in(who)  # type: ignore[attr-defined]

        self.app.push_screen(PinSignIn(name), signed)

    def action_edit_staff(self) -> None:
        """Changing who may sign in (and who is a supervisor) needs a supervisor's PIN."""
        config = self.app.desk.config  # type: ignore[attr-defined]
        if not any(s.is_supervisor for s in config.staff):
            self.app.switch_screen(StaffSetupScreen())
            return

        def confirmed(name: str | None) -> None:
            app = self.app
            if name and app.write(lambda: app.desk.store.record_event("staff_edit", name), what="修改人员名单") is not None:  # type: ignore[attr-defined]
                app.switch_screen(StaffSetupScreen())

        self.app.push_screen(SupervisorPin("修改人员名单需要科室负责人输入姓名和 PIN。"), confirmed)


class StaffSetupScreen(Screen[None]):
    """The staff list: names and roles; a supervisor gets a PIN (stored only as a hash)."""

    BINDINGS = [
        Binding("f3", "add", "加入名单", id="staff.add"),
        Binding("f4", "toggle_role", "切换角色", id="staff.role"),
        Binding("f8", "remove_last", "删去最后一人", id="staff.remove"),
        Binding("ctrl+s", "save", "保存名单", id="save", priority=True),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.staff: list[StaffMember] = []
        self.role = "clerk"

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static("受理台人员名单", classes="dialog-title")
            yield Static(
                "逐个加入受理员和科室负责人：输入姓名，按 Enter 或 F3 加入；F4 切换角色；"
                "科室负责人需要设置至少 6 位数字的 PIN（输入两次）。全部加入后按 Ctrl+S 保存。",
                classes="hint",
            )
            with Horizontal(classes="field"):
                yield Label("姓名", classes="field-label")
                yield Input(id="s-name", compact=True, placeholder="例：张三")
            with Horizontal(classes="field"):
                yield Label("角色", classes="field-label")
                yield Static(id="s-role")
            with Horizontal(classes="field", id="pin-row"):
                yield Label("PIN", classes="field-label")
                yield Input(id="s-pin", compact=True, password=True, placeholder=f"至少 {PIN_MIN_DIGITS} 位数字")
            with Horizontal(classes="field", id="pin2-row"):
                yield Label("再输一次", classes="field-label")
                yield Input(id="s-pin2", compact=True, password=True)
            yield Static(id="s-list")
            yield Static(id="s-error")
        yield Footer()

    def on_mount(self) -> None:
        config = self.app.desk.config  # type: ignore[attr-defined]
        self.staff = list(config.staff)
        self.show()
        self.query_one("#s-name", Input).focus()

    def show(self) -> None:
        self.query_one("#s-role", Static).update(Content.assemble((ROLE_LABELS[self.role], "bold"), "（F4 切换）"))
        self.query_one("#pin-row").display = self.query_one("#pin2-row").display = self.role == "supervisor"
        if self.staff:
            lines = [f"{n}. {s.name}（{ROLE_LABELS.get(s.role, s.role)}）" for n, s in enumerate(self.staff, 1)]
            self.query_one("#s-list", Static).update("名单：\n" + "\n".join(lines))
        else:
            self.query_one("#s-list", Static).update("名单还是空的。")

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

    def action_remove_last(self) -> None:
        if self.staff:
            self.staff.pop()
            self.show()

    def action_save(self) -> None:
        if self.query_one("#s-name", Input).value.strip():
            self.action_add()
        if not self.staff:
            self.say("名单至少要有一人。输入姓名后按 Enter 加入。")
            return
        desk = self.app.desk  # type: ignore[attr-defined]
        try:
            save_staff(desk.locations, self.staff)
            desk.reload_config()
        except (OSError, ConfigError) as exc:
            self.say(f"保存失败：{exc}。名单还在屏幕上，问题解决后再按 Ctrl+S。")
            return
        self.app.apply_keymap()  # type: ignore[attr-defined]
        self.app.switch_screen(SignInScreen())
