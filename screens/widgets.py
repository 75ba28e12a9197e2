"""Widgets of the desk: the scan box, the number box, the pack list, the header line (the checklist is
screens/checklist.py, large receipt numbers screens/bigtext.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
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


class NumberBox(Input):
    """A count (页数, 成员人数): every character typed stays in the box, so nothing is dropped
    silently (``7.5`` is not ``75``, ``七`` not empty); the core's check says what is wrong
    (:func:`deskapp.forms.value_problem`). Full-width digits are digits.

    On a screen that takes scans, an ASCII letter is the start of a scan (receipt numbers and slip
    codes begin with letters), not part of a count: the scan reader sends it to the scan box.
    """

    BINDINGS = []  # noqa: RUF012 - Textual's class-level list; Input's own keys are inherited as they are

    def takes_key(self, key: str) -> bool:
        """Any printable key but an ASCII letter (``key`` is the key's name: ``7``, ``２``, ``full_stop``)."""
        return not (len(key) == 1 and key.isascii() and key.isalpha())


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

    @dataclass
    class Left(Message):
        """The highlighted pack ``pack_id`` left the list when it was rebuilt (another desk's work):
        the cursor moved to ``now`` (None: the list is empty). The next Enter opens nothing; it says so."""

        pack_list: PackList
        pack_id: int
        now: int | None

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
        self.left: int | None = None
        """The pack the clerk had highlighted, gone from the list since (the next Enter says so)."""
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

        The highlight stays on the same pack, wherever the rebuild put it (never on the row
        position: a pack registered meanwhile would take it). A highlighted pack that left the
        list while the clerk was on it is reported (:class:`PackList.Left`) and not opened by
        the next Enter.
        """
        if not changed and ids == self.ids:
            return
        before = self.highlighted
        self.ids = ids
        self._make_row = make_row
        self.virtual_size = Size(self.size.width, len(ids) + 1)
        if before is not None and before in ids:
            self.cursor = ids.index(before)
        else:
            self.cursor = min(self.cursor, max(0, len(ids) - 1))
            if before is not None and self.has_focus:
                self.left = before
                self.post_message(self.Left(self, before, self.highlighted))
        self.refresh()

    @property
    def highlighted(self) -> int | None:
        """The pack under the cursor (None when the list is empty)."""
        return self.ids[self.cursor] if 0 <= self.cursor < len(self.ids) else None

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
        if old != new:
            self.left = None  # the clerk moved on: the row now highlighted is their choice
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
        if not self.ids:
            return
        if self.left is not None:  # the pack chosen left the list: never open another in its place
            self.post_message(self.Left(self, self.left, self.highlighted))
            self.left = None
            return
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


def header_line(parts: list[Content], width: int) -> Content:
    """``parts`` (most important first) joined with `` · ``, as many as fit in ``width`` cells:
    the first always, each later one only whole (never a half-cut clerk's name)."""
    line = parts[0]
    for part in parts[1:]:
        joined = Content.assemble(line, "  ·  ", part)
        if width and joined.cell_length > width:
            continue
        line = joined
    return line


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
