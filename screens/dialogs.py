"""Small dialogs shared by screens."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, Label, Static

from deskapp.auth import NotAllowed, require_supervisor
from deskapp.journal import JournalError


class SupervisorPin(ModalScreen[str | None]):
    """A supervisor (科室负责人) confirms with name and PIN; dismisses with the name, or None."""

    BINDINGS = [Binding("escape", "dismiss", "取消", id="cancel")]

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
            desk = self.app.desk  # type: ignore[attr-defined]
            member = require_supervisor(desk.config, name, pin_box.value, desk.store)
        except (NotAllowed, JournalError) as exc:  # a refusal that could not be recorded is still a refusal
            pin_box.value = ""
            self.query_one("#pin-error", Static).update(Content.styled(str(exc), "bold $error"))
            return
        self.dismiss(member.name)
