"""A staff member's own PIN at sign-in (a served desk asks every one): set on the first sign-in,
typed twice; afterwards checked within the attempt limits of :func:`deskapp.auth.check_pin`."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Label, Static

from deskapp.auth import PIN_MIN_DIGITS, NotAllowed, check_new_pin, check_pin, counter_label, hash_pin
from deskapp.config import ConfigError
from deskapp.journal import JournalError
from deskapp.staff_file import save_staff
from screens.base import DeskModal


class PinSignIn(DeskModal[str | None]):
    """Dismisses with the staff member's name once their PIN is right (or newly set), None on Escape."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "取消", id="pin.cancel")]

    def __init__(self, name: str) -> None:
        super().__init__()
        self.staff_name = name

    @property
    def first_time(self) -> bool:
        member = self.desk.config.staff_member(self.staff_name)
        return member is not None and not member.pin_hash

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(f"{self.staff_name} 登录", classes="dialog-title")
            if self.first_time:
                yield Static(
                    f"第一次登录：请设置您自己的 PIN（至少 {PIN_MIN_DIGITS} 位数字），输入两次。"
                    "以后每次登录都要输入它，请不要告诉别人。",
                    classes="hint",
                )
            else:
                yield Static("请输入您的 PIN，按 Enter 登录。", classes="hint")
            with Horizontal(classes="field"):
                yield Label("PIN", classes="field-label")
                yield Input(id="signin-pin", compact=True, password=True)
            if self.first_time:
                with Horizontal(classes="field"):
                    yield Label("再输一次", classes="field-label")
                    yield Input(id="signin-pin2", compact=True, password=True)
            yield Static(id="signin-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#signin-pin", Input).focus()

    def say(self, text: str) -> None:
        self.query_one("#signin-error", Static).update(Content.styled(text, "bold $error"))

    @on(Input.Submitted, "#signin-pin")
    def pin_entered(self) -> None:
        if self.first_time:
            self.query_one("#signin-pin2", Input).focus()
            return
        desk = self.desk
        member = desk.config.staff_member(self.staff_name)
        box = self.query_one("#signin-pin", Input)
        try:
            check_pin(desk.store, self.staff_name, box.value, member.pin_hash if member else "")
        except (NotAllowed, JournalError) as exc:  # a refusal that could not be recorded is still a refusal
            box.value = ""
            self.say(str(exc))
            return
        self.dismiss(self.staff_name)

    @on(Input.Submitted, "#signin-pin2")
    def pin_confirmed(self) -> None:
        first, second = self.query_one("#signin-pin", Input), self.query_one("#signin-pin2", Input)
        try:
            pin_hash = hash_pin(check_new_pin(first.value, second.value))
        except ValueError as exc:
            first.value = second.value = ""
            first.focus()
            self.say(f"{exc}，请重新输入。")
            return
        desk = self.desk
        staff = [replace(s, pin_hash=pin_hash) if s.name == self.staff_name else s for s in desk.config.staff]
        try:
            save_staff(desk.locations, staff)
            desk.reload_config()
        except (OSError, ConfigError) as exc:
            self.say(f"保存 PIN 失败：{exc}")
            return
        try:
            desk.store.record_event("pin_set", self.staff_name, data={"counter": counter_label()})
        except JournalError as exc:
            self.say(f"PIN 已保存，但记录没有写入：{exc}")
            return
        self.dismiss(self.staff_name)
