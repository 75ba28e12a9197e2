"""The one-key checklist: each item of a pack's checklist has its key (1–9, then letters), 0 ticks all.

On the registration form and on a pack (notice 三: the signatures, seals, forms and copies a pack must hold).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from deskapp.config import ChecklistItem

CHECK_KEYS = "123456789abcdefghijklmn"
"""The one key that toggles each checklist item, in order (shown beside the item)."""


class Checklist(Widget, can_focus=True):
    """Checklist items, each toggled by its own key (1–9, then letters) or Space on the cursor."""

    DEFAULT_CSS = """
    Checklist {
        height: auto;
        padding: 0 1;
    }
    Checklist:focus {
        background: $boost;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_cursor", "勾选/取消", id="checklist.toggle"),
        Binding("0", "all_received", "全部收到", id="checklist.all"),
        Binding("up", "cursor(-1)", "上一项", show=False),
        Binding("down", "cursor(1)", "下一项", show=False),
        *[
            Binding(key, f"toggle_item({n})", show=False, id=f"checklist.item{n + 1}")
            for n, key in enumerate(CHECK_KEYS)
        ],
    ]

    cursor = reactive(0)

    async def _on_key(self, event: events.Key) -> None:
        """This widget's keys act here, in order with the keys around them.

        A binding runs only when its key has bubbled up to the app; a Tab typed right after
        (a priority binding) may have moved the focus on by then and the tick would be lost.
        """
        action = _checklist_keys(self.app).get(event.key)
        if action is None:
            return
        event.stop()
        event.prevent_default()
        await self.run_action(action)

    @dataclass
    class Toggled(Message):
        """An item was ticked or unticked by the clerk (``value`` is the new state)."""

        checklist: Checklist
        key: str
        value: bool

        @property
        def control(self) -> Checklist:
            return self.checklist

    @dataclass
    class AllReceived(Message):
        """0 pressed: every item is ticked (the form moves on to what is left)."""

        checklist: Checklist

        @property
        def control(self) -> Checklist:
            return self.checklist

    def __init__(
        self, items: tuple[ChecklistItem, ...], state: dict[str, bool] | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.items = items
        self.state = {item.key: bool((state or {}).get(item.key)) for item in items}

    def takes_key(self, key: str) -> bool:
        """Only its own keys: any other character typed here is the start of a scan."""
        return key in _CHECKLIST_KEYS

    def set_state(self, state: dict[str, bool]) -> None:
        self.state = {item.key: bool(state.get(item.key)) for item in self.items}
        self.refresh(layout=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle_item" and parameters and int(str(parameters[0])) >= len(self.items):
            return None
        return True

    def action_toggle_item(self, index: int) -> None:
        """Tick or untick item ``index`` (its own key; out of range: nothing)."""
        if index >= len(self.items):
            return
        self.cursor = index
        item = self.items[index]
        self.state[item.key] = not self.state[item.key]
        self.refresh(layout=True)
        self.post_message(self.Toggled(self, item.key, self.state[item.key]))

    def action_toggle_cursor(self) -> None:
        self.action_toggle_item(self.cursor)

    def action_cursor(self, step: int) -> None:
        if self.items:
            self.cursor = (self.cursor + step) % len(self.items)

    def action_all_received(self) -> None:
        """Tick every item not yet ticked (one message per item changed)."""
        for index, item in enumerate(self.items):
            if not self.state[item.key]:
                self.action_toggle_item(index)
        self.post_message(self.AllReceived(self))

    def watch_cursor(self) -> None:
        self.refresh()

    def render(self) -> Text:
        text = Text()
        for index, item in enumerate(self.items):
            ticked = self.state[item.key]
            mark = "☑" if ticked else "☐"
            line = Text()
            line.append(f" {CHECK_KEYS[index]} ", style="reverse" if self.has_focus else "bold")
            line.append(f" {mark} ", style="bold" if ticked else "")
            line.append(item.label, style="" if ticked else ("bold" if item.required else "dim"))
            if not item.required:
                line.append("（可选）", style="dim")
            if self.has_focus and index == self.cursor:
                line.stylize("underline", 4)
            text.append_text(line)
            if index < len(self.items) - 1:
                text.append("\n")
        return text

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


_CHECKLIST_KEYS = {b.key: b.action for b in Checklist.BINDINGS if isinstance(b, Binding)}
_remapped: dict[tuple[tuple[str, str], ...], dict[str, str]] = {}


def _checklist_keys(app: App[object]) -> dict[str, str]:
    """Key -> action of the checklist under the staff's keymap: a remapped key replaces its default
    (``checklist.all = "f11"``: ``0`` no longer ticks all). The keymap is Textual's, as
    ``App.set_keymap`` normalised it (the one place key names are read)."""
    keymap = dict(app._keymap)
    ids = {b.id for b in Checklist.BINDINGS if isinstance(b, Binding) and b.id}
    mine = tuple(sorted((k, v) for k, v in keymap.items() if k in ids))
    if not mine:
        return _CHECKLIST_KEYS
    if mine not in _remapped:
        table = {b.key: b.action for b in Checklist.BINDINGS if isinstance(b, Binding) and b.id not in dict(mine)}
        for b in Checklist.BINDINGS:
            if isinstance(b, Binding) and b.id in dict(mine):
                table.update({key.strip(): b.action for key in dict(mine)[b.id].split(",")})
        _remapped[mine] = table
    return _remapped[mine]


# A 3x5 pixel font drawn with half blocks: three text rows per character.
