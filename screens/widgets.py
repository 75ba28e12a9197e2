"""Widgets of the desk: the scan box, the one-key checklist, large receipt numbers."""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Input

from deskapp.config import ChecklistItem


class ScanBox(Input):
    """The main screen's one box: typed searches and scanned receipt numbers alike.

    A USB scanner types a whole number and Enter within a few milliseconds, often several
    numbers back to back. Stock ``Input`` submits through a binding that runs later, in the
    app's queue, while the next scan's characters are already being inserted, so the value
    it submits is mangled. Here Enter is handled in this widget's own key handler, in order
    with the characters before and after it: the value is taken and the box cleared at once,
    then :class:`ScanBox.Submitted` carries the value, whole.
    """

    @dataclass
    class Submitted(Message):
        """Enter pressed (by hand or by a scanner): ``value`` is exactly what was in the box."""

        scan_box: "ScanBox"
        value: str

        @property
        def control(self) -> "ScanBox":
            return self.scan_box

    BINDINGS = [
        Binding("enter", "submit", "打开", id="open"),
        Binding("down", "screen.focus_table", "到列表", id="to_list"),
    ]
    """Shown in the footer; a pressed Enter never reaches its binding (the key handler takes it first)."""

    async def _on_key(self, event: events.Key) -> None:
        if event.key != "enter":
            return  # Input._on_key inserts printable characters
        event.stop()
        event.prevent_default()
        self._submit_now()

    async def action_submit(self) -> None:
        """Enter from the command palette: the same as the key."""
        self._submit_now()

    def _submit_now(self) -> None:
        value = self.value
        self.value = ""
        self.post_message(self.Submitted(self, value))


class PackTable(DataTable):  # type: ignore[type-arg]
    """The list of packs; Enter opens the highlighted one."""

    BINDINGS = [Binding("enter", "select_cursor", "打开", id="open")]


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

    BINDINGS = [
        Binding("space", "toggle_cursor", "勾选/取消", id="checklist.toggle"),
        Binding("0", "all_received", "全部收到", id="checklist.all"),
        Binding("up", "cursor(-1)", "上一项", show=False),
        Binding("down", "cursor(1)", "下一项", show=False),
        *[Binding(key, f"toggle({n})", show=False, id=f"checklist.item{n + 1}") for n, key in enumerate(CHECK_KEYS)],
    ]

    cursor = reactive(0)

    @dataclass
    class Toggled(Message):
        """An item was ticked or unticked by the clerk (``value`` is the new state)."""

        checklist: "Checklist"
        key: str
        value: bool

        @property
        def control(self) -> "Checklist":
            return self.checklist

    def __init__(
        self, items: tuple[ChecklistItem, ...], state: dict[str, bool] | None = None, *, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.items = items
        self.state = {item.key: bool((state or {}).get(item.key)) for item in items}

    def set_state(self, state: dict[str, bool]) -> None:
        self.state = {item.key: bool(state.get(item.key)) for item in self.items}
        self.refresh(layout=True)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "toggle" and parameters and int(str(parameters[0])) >= len(self.items):
            return None
        return True

    def action_toggle(self, index: int) -> None:
        if index >= len(self.items):
            return
        self.cursor = index
        item = self.items[index]
        self.state[item.key] = not self.state[item.key]
        self.refresh(layout=True)
        self.post_message(self.Toggled(self, item.key, self.state[item.key]))

    def action_toggle_cursor(self) -> None:
        self.action_toggle(self.cursor)

    def action_cursor(self, step: int) -> None:
        if self.items:
            self.cursor = (self.cursor + step) % len(self.items)

    def action_all_received(self) -> None:
        """Tick every item not yet ticked (one message per item changed)."""
        for index, item in enumerate(self.items):
            if not self.state[item.key]:
                self.action_toggle(index)

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


# A 3x5 pixel font drawn with half blocks: three text rows per character.
_FONT = {
    "0": "111101101101111", "1": "010110010010111", "2": "111001111100111", "3": "111001111001111",
    "4": "101101111001001", "5": "111100111001111", "6": "111100111101111", "7": "111001001001001",
    "8": "111101111101111", "9": "111101111001111", "A": "010101111101101", "B": "110101110101110",
    "C": "011100100100011", "D": "110101101101110", "E": "111100110100111", "F": "111100110100100",
    "G": "011100101101011", "H": "101101111101101", "I": "111010010010111", "J": "001001001101010",
    "K": "101101110101101", "L": "100100100100111", "M": "101111111101101", "N": "110101101101101",
    "O": "010101101101010", "P": "110101110100100", "Q": "010101101110011", "R": "110101110101101",
    "S": "011100010001110", "T": "111010010010010", "U": "101101101101111", "V": "101101101101010",
    "W": "101101111111101", "X": "101101010101101", "Y": "101101010010010", "Z": "111001010100111",
    "-": "000000111000000", " ": "000000000000000",
}
_HALF = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}


def big_lines(text: str) -> list[str]:
    """``text`` (upper letters, digits, dashes) as three lines of large block letters."""
    rows = ["", "", ""]
    for char in text.upper():
        bits = _FONT.get(char, _FONT[" "]) + "000"
        for row in range(3):
            top, bottom = bits[row * 6 : row * 6 + 3], bits[row * 6 + 3 : row * 6 + 6]
            rows[row] += "".join(_HALF[(int(t), int(b))] for t, b in zip(top, bottom)) + " "
    return [r.rstrip() for r in rows]


class BigText(Widget):
    """A receipt number in large block letters, readable across the counter."""

    DEFAULT_CSS = """
    BigText {
        height: 3;
        width: auto;
    }
    """

    text = reactive("", layout=True)

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def render(self) -> Text:
        return Text("\n".join(big_lines(self.text)))

    def get_content_width(self, container, viewport) -> int:  # type: ignore[no-untyped-def]
        return max((len(line) for line in big_lines(self.text)), default=0)

    def get_content_height(self, container, viewport, width) -> int:  # type: ignore[no-untyped-def]
        return 3

