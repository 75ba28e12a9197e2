"""Small dialogs shared by screens."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Footer, Input, Label, Static

from deskapp.auth import NotAllowed, require_supervisor
from deskapp.journal import JournalError
from screens.base import DeskModal


class SupervisorPin(DeskModal[str | None]):
    """A supervisor (科室负责人) confirms with name and PIN; dismisses with the name, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "dismiss", "取消", id="supervisor.cancel")]

    def __init__(self, why: str) -> None:
        super().__init__()
        self.why = why

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static("需要科室负责人确认", classes="dialog-title")
            yield Static(self.why, classes="hint")
            with Horizontal(classes="field"):
                yield Label("科室负责人", classes="field-label")
                yield Input(id="pin-name", compact=True, placeholder="姓名")
            with Horizontal(classes="field"):
                yield Label("PIN", classes="field-label")
                yield Input(id="pin-pin", compact=True, password=True)
            yield Static(id="pin-error")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#pin-name", Input).focus()

    @on(Input.Submitted, "#pin-name")
    def name_entered(self) -> None:
        self.query_one("#pin-pin", Input).focus()

    @on(Input.Submitted, "#pin-pin")
    def pin_entered(self) -> None:
        name = self.query_one("#pin-name", Input).value.strip()
        pin_box = self.query_one("#pin-pin", Input)
        try:
            member = require_supervisor(self.desk.config, name, pin_box.value, self.desk.store)
        except (NotAllowed, JournalError) as exc:  # a refusal that could not be recorded is still a refusal
            pin_box.value = ""
            self.query_one("#pin-error", Static).update(Content.styled(str(exc), "bold $error"))
            return
        self.dismiss(member.name)
