"""The scanner's own input: one route for every scan, wherever the focus is.

A keyboard-wedge scanner types a whole line and a terminator (CR, LF, CR LF or Tab) within a
few milliseconds, often several lines back to back. Textual hands each key to whatever widget
has the focus *when the app reads the key*; widgets then act on it later, each in its own
queue. So a scan arriving while the list has the focus opened the highlighted row, one
ending in LF or Tab was never submitted, and the keys that followed a scan were lost on the
screen it opened, which was not mounted yet.

:class:`ScanReader` sits where the app reads keys, in their order (``DeskApp.on_event``), on
the screens that take scans (:class:`ScanScreen`: the main screen and a pack screen):

- the screen's scan box is where a scan is typed. A character that the focused widget would
  not take (the list takes none, the checklist only its keys, the page count only digits)
  moves the focus to the box, emptied first, and goes there: a scan is never typed into a
  checklist nor appended to what the box held;
- the reader keeps the line typed into the box since it was last empty. A terminator ends it
  there and then: the line goes whole to :meth:`deskapp.app.DeskApp.take_scan` (the one scan
  handler), the box is emptied in order with the keys already on their way to it, and the
  pack opens at once. (A line the clerk edited — Backspace, arrows, a paste — is submitted by
  the box itself, to the same handler.)
- while the screen a scan opened is not mounted yet, the keys that follow are held, and
  replayed in order into it once it is ready: nothing typed is lost between screens.
"""

from __future__ import annotations

from time import monotonic
from typing import TYPE_CHECKING

from textual import events, on
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input

from deskapp.scan_route import ScanVerdict
from screens.base import DeskScreen, current_screen
from screens.widgets import ScanBox

if TYPE_CHECKING:
    from deskapp.app import DeskApp

TERMINATORS = ("enter", "ctrl+j", "tab")
"""CR, LF, Tab (CR LF is CR then an LF on an empty line, which reads nothing)."""

KEEP_LINE = {"escape", "up", "down", "pageup", "pagedown", "shift+tab", "ctrl+q", "ctrl+p", "ctrl+g", "ctrl+o"}
"""Keys that do not change the box's text (function keys neither)."""

HOLD_LIMIT = 3.0
"""Seconds after which held keys are delivered even if the new screen never said it is ready."""


class ScanScreen(DeskScreen[None]):
    """A screen whose scan box takes scans wherever the focus is (see the module's docstring)."""

    SCAN_BOX_ID = "#scan"
    scan_ready = False
    """Mounted and its box focused: keys may be delivered to it."""

    class Ready(Message):
        """Sent to the app when a scan screen can take keys."""

    @property
    def scan_box(self) -> ScanBox:
        return self.query_one(self.SCAN_BOX_ID, ScanBox)

    def _on_mount(self, event: events.Mount) -> None:
        # Runs after the subclass's on_mount (handlers are called along the class's MRO).
        try:
            if self.focused is None:
                self.set_focus(self.scan_box, scroll_visible=False)
        except NoMatches:
            pass
        self.scan_ready = True
        self.app.post_message(self.Ready())

    @on(ScanBox.Submitted)
    def box_submitted(self, event: ScanBox.Submitted) -> None:
        """The box submitted a line itself (the clerk edited it): the same route as a scan."""
        event.stop()
        if current_screen(self.app) is self:
            self.app.take_scan(event.value)

    def show_scan(self, verdict: ScanVerdict) -> None:
        """Tell the clerk what a line read did (the main screen says it in its message line)."""
        if verdict.outcome in ("opened", "nothing"):
            return
        self.notify(verdict.message, severity=verdict.severity, timeout=6)


def takes_key(widget: Widget | None, event: events.Key) -> bool:
    """Would ``widget`` (the focused one) take this printable key as its own input?"""
    if widget is None:
        return False
    own = getattr(widget, "takes_key", None)
    if own is not None:
        return bool(own(event.key))
    if isinstance(widget, Input):
        if widget.type == "integer":
            return (event.character or "") in "0123456789+-"
        if widget.type == "number":
            return (event.character or "") in "0123456789+-.eE"
        return True
    return False


class ScanReader:
    """Reads keys in the app's order on scan screens; see the module's docstring."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.held: list[events.Key] = []
        self.held_since = 0.0
        self.box: ScanBox | None = None
        self.line = ""
        """What was typed into :attr:`box` since it was last empty."""
        self.clean = True
        """:attr:`line` is exactly the box's text (no edit key, paste or click since it was empty)."""

    # -- holding keys while a scan screen is not ready --------------------------------------
    def _screen(self) -> Screen[object] | None:
        return current_screen(self.app)  # None: the desk is closing

    def _unready(self) -> bool:
        screen = self._screen()
        return isinstance(screen, ScanScreen) and not screen.scan_ready

    async def feed(self, event: events.Key) -> bool:
        """True when the reader has dealt with the key (read, held); False: deliver it as usual."""
        if self.held or self._unready():
            if not self.held:
                self.held_since = monotonic()
            self.held.append(event)
            await self.flush(force=monotonic() - self.held_since > HOLD_LIMIT)
            return True
        return self.route(event)

    async def flush(self, force: bool = False) -> None:
        """Deliver held keys in order while the current screen can take them."""
        while self.held:
            if self._unready() and not force:
                return
            event = self.held.pop(0)
            if not self.route(event):
                await self.app.deliver_key(event)

    def edited(self) -> None:
        """A paste or a click: the box's text may no longer be the line typed."""
        self.clean = False

    # -- one key on a ready screen ---------------------------------------------------------
    def route(self, event: events.Key) -> bool:
        screen = self._screen()
        if not isinstance(screen, ScanScreen) or not screen.scan_ready:
            return False
        try:
            box = screen.scan_box
        except NoMatches:
            return False
        if box is not self.box:
            self.box, self.line, self.clean = box, "", not box.value
        focused = self.app.focused
        if focused is box:
            if event.key in TERMINATORS:
                return self._end(box, event)
            if event.is_printable:
                self.line += event.character or ""
            elif event.key not in KEEP_LINE and not event.key.startswith("f"):
                self.clean = False
            return False
        if event.is_printable and not takes_key(focused, event):
            # A scan (or typing) while the list, the checklist or a number field has the focus:
            # to the box, emptied first, so nothing is appended to what it held.
            screen.set_focus(box, scroll_visible=False)
            box.call_later(_empty, box)
            self.line, self.clean = event.character or "", True
        return False

    def _end(self, box: ScanBox, event: events.Key) -> bool:
        if not self.clean:
            self.line, self.clean = "", True
            return False  # the box submits what it holds (ScanBox._on_key), to the same handler
        text, self.line = self.line, ""
        if not text:
            return event.key != "tab"  # an empty Enter, or the LF of CR LF: nothing to read
        box.call_later(_empty, box)
        self.app.take_scan(text)
        return True


def _empty(box: ScanBox) -> None:
    box.value = ""
