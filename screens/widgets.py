"""Widgets of the desk: the scan box, the one-key checklist, large receipt numbers."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input

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

        scan_box: ScanBox
        value: str

        @property
        def control(self) -> ScanBox:
            return self.scan_box

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "submit", "打开", id="scan.open"),
        Binding("down", "screen.focus_table", "到列表", id="to_list"),
    ]
    """Shown in the footer; a pressed Enter never reaches its binding (the key handler takes it first)."""

    async def _on_key(self, event: events.Key) -> None:
        # A scanner ends a line with CR, LF or Tab (the app's ScanReader takes most lines before
        # they get here; this is for a line the clerk edited). Tab with nothing typed moves on.
        if event.key not in ("enter", "ctrl+j", "tab") or (event.key == "tab" and not self.value):
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


@dataclass(frozen=True)
class ListRow:
    """One row of a :class:`PackList`: the pack it opens, its cells, and how to colour the last."""

    pack_id: int
    cells: tuple[str, ...]
    tone: str = ""
    """"ok", "missing" or "late": colours the last cell."""


_PAD = Style(meta={"pad": True})


def fit_cell(text: str, width: int) -> str:
    """``text`` cropped (with …) or padded to exactly ``width`` cells (Chinese counts two)."""
    if cell_len(text) <= width:
        return set_cell_size(text, width)
    return set_cell_size(text, width - 1) + "…"


class PackList(ScrollView, can_focus=True):
    """The round's packs: only the lines on screen are drawn, so 200 rows cost no more than 20.

    (Textual's DataTable measures every cell of every row on each change: at 200 rows that
    is most of a keystroke's time budget, hence this small line-API list.)
    """

    DEFAULT_CSS = """
    PackList {
        height: 1fr;
        overflow-x: hidden;
    }
    PackList > .pack-list--header {
        text-style: bold;
        background: $panel;
    }
    PackList > .pack-list--cursor {
        background: $block-cursor-blurred-background;
    }
    PackList:focus > .pack-list--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    PackList > .pack-list--ok {
        color: $text-success;
    }
    PackList > .pack-list--missing {
        color: $text-warning;
    }
    PackList > .pack-list--late {
        color: $text-error;
    }
    """

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "pack-list--header",
        "pack-list--cursor",
        "pack-list--ok",
        "pack-list--missing",
        "pack-list--late",
    }

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "select", "打开", id="list.open"),
        Binding("up", "move(-1)", "上一行", show=False),
        Binding("down", "move(1)", "下一行", show=False),
        Binding("pageup", "page(-1)", "上一页", show=False),
        Binding("pagedown", "page(1)", "下一页", show=False),
        Binding("home", "move_to(0)", show=False),
        Binding("end", "move_to(-1)", show=False),
    ]

    cursor = reactive(0, always_update=True)

    @dataclass
    class Selected(Message):
        """Enter (or a click) on a row: open ``pack_id``."""

        pack_list: PackList
        pack_id: int

        @property
        def control(self) -> PackList:
            return self.pack_list

    MIN_REST = 24
    """Cells the last (flexible) column keeps, dropping optional columns on narrow terminals."""

    def __init__(self, columns: tuple[tuple[str, int, int], ...], *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns = columns
        """(label, width — 0 for the rest —, drop order: 1 is left out first on a narrow terminal, 0 never)."""
        self.ids: tuple[int, ...] = ()
        self._make_row: Callable[[int], ListRow] | None = None
        self._strips: LRUCache[tuple[ListRow, bool, int, bool], Strip] = LRUCache(1024)

    def takes_key(self, key: str) -> bool:
        """No typed character is the list's own: the screen sends them to its scan box."""
        return False

    @property
    def row_count(self) -> int:
        return len(self.ids)

    def row_at(self, index: int) -> ListRow:
        """The row at ``index``, built on demand (only shown rows are ever built)."""
        assert self._make_row is not None
        return self._make_row(self.ids[index])

    def shown(self) -> list[int]:
        """Indexes of the columns shown at this width: optional ones are left out, in their
        drop order, until the last column has :attr:`MIN_REST` cells (at 80 and 100 columns the
        receipt number, unit, status and what is missing always stay)."""
        keep = list(range(len(self.columns)))
        for _, index in sorted((drop, n) for n, (_, _, drop) in enumerate(self.columns) if drop):
            if self._rest(keep) >= self.MIN_REST:
                break
            keep.remove(index)
        return keep

    def _rest(self, keep: list[int]) -> int:
        fixed = sum(self.columns[n][1] + 1 for n in keep if self.columns[n][1])
        return self.size.width - fixed - 1

    def widths(self) -> list[tuple[int, int]]:
        """(column index, width) of the columns shown; a width of 0 takes what the others leave."""
        keep = self.shown()
        rest = max(12, self._rest(keep))
        return [(n, self.columns[n][1] or rest) for n in keep]

    def set_rows(self, ids: tuple[int, ...], make_row: Callable[[int], ListRow], changed: bool = True) -> None:
        """Show the packs ``ids``; ``make_row(pack_id)`` builds a row when it comes into view.

        ``changed=False`` says no pack changed since the last call: same ids, nothing to redraw.
        """
        if not changed and ids == self.ids:
            return
        self.ids = ids
        self._make_row = make_row
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        self.cursor = min(self.cursor, max(0, len(ids) - 1))
        self.refresh()

    def _line(self, cells: tuple[str, ...], style: Style, last: Style | None = None) -> Strip:
        segments = [Segment(" ", style)]
        for n, width in self.widths():
            cell = cells[n]
            is_last = n == len(self.columns) - 1
            text = fit_cell(cell, width).rstrip(" ")
            segments.append(Segment(text, last if (is_last and last) else style))
            # Padding as its own segment (distinct style), so exported screenshots keep columns aligned.
            segments.append(Segment(" " * (width - cell_len(text) + (0 if is_last else 1)), style + _PAD))
        return Strip(segments).adjust_cell_length(self.size.width, style)

    def render_line(self, y: int) -> Strip:
        base = self.rich_style
        if y == 0:
            header = self.get_component_rich_style("pack-list--header")
            return self._line(tuple(label for label, _, _ in self.columns), base + header)
        index = y - 1 + self.scroll_offset.y
        if index >= len(self.ids):
            return Strip.blank(self.size.width, base)
        row = self.row_at(index)
        is_cursor = index == self.cursor
        key = (row, is_cursor, self.size.width, self.has_focus)
        strip = self._strips.get(key)
        if strip is None:
            style = base + self.get_component_rich_style("pack-list--cursor") if is_cursor else base
            tone = self.get_component_rich_style(f"pack-list--{row.tone}") if row.tone else None
            strip = self._line(row.cells, style, style + tone if tone else None)
            self._strips.set(key, strip)
        return strip

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()  # theme or CSS changed: colours are baked into the cached lines

    def watch_cursor(self, old: int, new: int) -> None:
        top = self.scroll_offset.y
        visible = max(1, self.size.height - 1)
        if new < top:
            self.scroll_to(y=new, animate=False)
        elif new >= top + visible:
            self.scroll_to(y=new - visible + 1, animate=False)
        self.refresh()

    def action_move(self, step: int) -> None:
        if self.ids:
            self.cursor = max(0, min(len(self.ids) - 1, self.cursor + step))

    def action_page(self, step: int) -> None:
        self.action_move(step * max(1, self.size.height - 2))

    def action_move_to(self, index: int) -> None:
        if self.ids:
            self.cursor = index % len(self.ids)

    def action_select(self) -> None:
        if self.ids:
            self.post_message(self.Selected(self, self.ids[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        index = event.y - 1 + self.scroll_offset.y
        if 0 <= index < len(self.ids):
            self.cursor = index
            if event.chain > 1:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


class Line(Widget):
    """One line of text that changes often (status, counts): redraws without a new layout."""

    DEFAULT_CSS = """
    Line {
        height: 1;
        width: 1fr;
    }
    """

    text: reactive[Content | str] = reactive("", layout=False)

    def __init__(self, text: Content | str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text

    def update(self, text: Content | str) -> None:
        self.text = text

    def render(self) -> Content | str:
        return self.text


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
_FONT = {
    "0": "111101101101111",
    "1": "010110010010111",
    "2": "111001111100111",
    "3": "111001111001111",
    "4": "101101111001001",
    "5": "111100111001111",
    "6": "111100111101111",
    "7": "111001001001001",
    "8": "111101111101111",
    "9": "111101111001111",
    "A": "010101111101101",
    "B": "110101110101110",
    "C": "011100100100011",
    "D": "110101101101110",
    "E": "111100110100111",
    "F": "111100110100100",
    "G": "011100101101011",
    "H": "101101111101101",
    "I": "111010010010111",
    "J": "001001001101010",
    "K": "101101110101101",
    "L": "100100100100111",
    "M": "101111111101101",
    "N": "110101101101101",
    "O": "010101101101010",
    "P": "110101110100100",
    "Q": "010101101110011",
    "R": "110101110101101",
    "S": "011100010001110",
    "T": "111010010010010",
    "U": "101101101101111",
    "V": "101101101101010",
    "W": "101101111111101",
    "X": "101101010101101",
    "Y": "101101010010010",
    "Z": "111001010100111",
    "-": "000000111000000",
    " ": "000000000000000",
}
_HALF = {(1, 1): "█", (1, 0): "▀", (0, 1): "▄", (0, 0): " "}


def big_lines(text: str) -> list[str]:
    """``text`` (upper letters, digits, dashes) as three lines of large block letters."""
    rows = ["", "", ""]
    for char in text.upper():
        bits = _FONT.get(char, _FONT[" "]) + "000"
        for row in range(3):
            top, bottom = bits[row * 6 : row * 6 + 3], bits[row * 6 + 3 : row * 6 + 6]
            rows[row] += "".join(_HALF[(int(t), int(b))] for t, b in zip(top, bottom, strict=True)) + " "
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

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return max((len(line) for line in big_lines(self.text)), default=0)

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 3
