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

Every other screen and dialog — present and future, with no code of its own — has no scan box:
there a scan is recognised by how it arrives (:class:`BurstReader`). A wedge scanner types a
key every 1–10 ms; a clerk, one every 80 ms or more. So a printable ASCII key that arrives with
more keys already behind it, or within :data:`LEAD_GAP` of the one before, is held, not handed
to the focused widget, and so are the keys that follow it within :data:`BURST_GAP`. When the burst ends
in a terminator and is a scan (:meth:`BurstReader.is_scan`) the whole line goes to
``DeskApp.take_scan`` and no key of it reaches the screen: a digit never chooses a dialog's or
a menu's option, a ``0`` never ticks all, the Enter never answers a dialog, letters never fire a
screen's single-letter keys, and a receipt number is never typed into a form field. Any other
burst (a clerk's typing, a scanner-fast ``F2 1 新单位公司``) is handed back to the key gate,
first in line and in order, and goes where it would have gone.
"""

from __future__ import annotations

from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING

from textual import events, on
from textual._time import get_time
from textual.css.query import NoMatches
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input

from deskapp.scan_route import ScanVerdict, looks_like_desk_code, looks_like_scan
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

BURST_GAP = 0.05
"""Seconds between two keys of one scanned line at most (a scanner: 1–10 ms; a clerk: 80 ms or more).
A key held as a possible scan reaches the screen at most this much later."""

LEAD_GAP = 0.025
"""A key this soon after the one before (handed on alone: nothing was behind it yet) starts a burst
with it. Tighter than :data:`BURST_GAP`: a test's ``pilot.press`` waits 40 ms between keys, a scanner
under 10 ms."""

LONG_LINE = 64
"""A burst this long ending in a terminator is a scan (junk), in a text field if only letters and digits."""


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


def scanner_key(event: events.Key) -> bool:
    """A key a wedge scanner types: one printable ASCII character (space included)."""
    character = event.character or ""
    return event.is_printable and len(character) == 1 and " " <= character <= "~"


@dataclass
class Lead:
    """The scanner-typeable key handed on just before a burst began (nothing was behind it yet)."""

    event: events.Key
    widget: Widget | None
    before: str | None
    """The text of :attr:`widget` before the key, when it is an ``Input`` (to take the key back out)."""


class BurstReader:
    """Recognises a scanner's line by its speed on every screen without a scan box (module docstring)."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.held: list[events.Key] = []
        self.lead: Lead | None = None
        self.released: list[events.Event] = []
        """Keys handed back to the gate; they pass the reader once, as typed."""
        self._timer: Timer | None = None
        self._taken = 0.0
        """When the reader took the last key it holds."""
        self._scan_ended: float | None = None
        """When the terminator that ended the last scan arrived (an LF or CR right after is part of it)."""

    @property
    def holding(self) -> bool:
        return bool(self.held)

    def passes(self, event: events.Event) -> bool:
        """``event`` was handed back by the reader: it goes on as typed (and only once)."""
        for n, each in enumerate(self.released):
            if each is event:
                del self.released[n]
                return True
        return False

    def _more_behind(self) -> bool:
        """Keys already received behind this one (a burst arrived at once)."""
        gate = getattr(self.app, "key_gate", None)
        if gate is not None and any(isinstance(e, events.Key) for e in gate.waiting):
            return True
        queue = getattr(self.app._message_queue, "values", ())
        return any(isinstance(m, events.Key) and not m.is_forwarded for m in queue)

    def feed(self, event: events.Key) -> bool:
        """True: the reader holds or has read ``event``; False: hand it on as usual."""
        if self.held:
            # Measured from the later of when the last key was typed and when the desk took it: a desk
            # behind with a long burst (the terminal hands it over in chunks) does not cut it in two.
            if event.time - max(self.held[-1].time, self._taken) > BURST_GAP:  # the burst ended before this key
                self.release()
                return self.feed(event) if scanner_key(event) else self.release([event])
            if event.key in TERMINATORS:
                return self._end(event)
            if scanner_key(event):
                self.held.append(event)
                self._arm()
                return True
            return self.release([event])  # Backspace, an arrow, a function key, Chinese: typing
        if event.key in ("enter", "ctrl+j") and self._scan_ended is not None:
            ended, self._scan_ended = self._scan_ended, None
            if event.time - ended <= BURST_GAP:
                return True  # the LF of a scan's CR LF (or a second CR): part of the scan, not an answer
        lead, self.lead = self.lead, None
        if not scanner_key(event):
            return False
        if lead is not None and event.time - lead.event.time > LEAD_GAP:
            lead = None  # typed before, at a clerk's pace: not part of what follows
        if lead is not None or self._more_behind():
            self.lead = lead
            self.held.append(event)
            self._arm()
            return True
        focused = self.app.focused
        before = focused.value if isinstance(focused, Input) else None
        self.lead = Lead(event, focused, before)
        return False

    def is_scan(self, text: str) -> bool:
        """A burst ``text`` (ended by a terminator) is a scan: it reads as a desk's code (a receipt
        number, a slip's payload or code line), or is junk too long to be typed. Elsewhere than in a
        text field, any line of 8 or more letters and digits mixed is one too (a checklist's
        ``12345678`` typed fast is not: it is the clerk's, and a scanner's junk has letters)."""
        if looks_like_desk_code(text):
            return True
        if isinstance(self.app.focused, Input):  # a path or an address typed fast is the clerk's
            return len(text) >= LONG_LINE and text.isascii() and text.replace("-", "").isalnum()
        return len(text) >= LONG_LINE or looks_like_scan(text)

    def _end(self, event: events.Key) -> bool:
        lead = self.lead
        first = (lead.event.character or "") if lead is not None else ""
        text = first + "".join(e.character or "" for e in self.held)
        if not self.is_scan(text):
            return self.release([event])
        self._stop()
        self.held, self.lead = [], None
        if lead is not None and isinstance(lead.widget, Input) and lead.before not in (None, lead.widget.value):
            lead.widget.value = lead.before  # the scan's first character went in before it was known
        self._scan_ended = event.time
        self.app.take_scan(text)
        return True

    def release(self, more: list[events.Key] | None = None) -> bool:
        """Hand the held keys (and ``more``) back to the gate, first in line, in order: typing."""
        self._stop()
        keys: list[events.Event] = [*self.held, *(more or [])]
        self.held, self.lead = [], None
        if keys:
            self.released.extend(keys)
            self.app.key_gate.requeue(keys)
        return True

    def interrupt(self, event: events.Event) -> bool:
        """A paste (or another input) while keys are held: it goes after them. True: taken."""
        if not self.held:
            return False
        return self.release([event])  # type: ignore[list-item]

    def _arm(self) -> None:
        self._taken = get_time()
        self._stop()
        self._timer = self.app.set_timer(BURST_GAP, self._expired, name="scan-burst")

    def _stop(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _expired(self) -> None:
        self._timer = None
        if not self.held:
            return
        late = get_time() - max(self.held[-1].time, self._taken)
        if late < BURST_GAP or self._more_behind():
            self._timer = self.app.set_timer(max(BURST_GAP - late, 0.01), self._expired, name="scan-burst")
            return
        self.release()  # no terminator followed: typed keys, hand them on


class ScanReader:
    """Reads keys in the app's order on scan screens; see the module's docstring."""

    def __init__(self, app: DeskApp) -> None:
        self.app = app
        self.burst = BurstReader(app)
        self.held: list[events.Key] = []
        self.held_since = 0.0
        self.box: ScanBox | None = None
        self.line = ""
        """What was typed into :attr:`box` since it was last empty."""
        self.clean = True
        """:attr:`line` is exactly the box's text (no edit key, paste or click since it was empty)."""

    def keeps_apart(self, event: events.Event) -> bool:
        """The key gate must hand ``event`` on alone, not posted together with the keys after it:
        the burst reader holds keys (a key it hands back must not find later ones already posted),
        or may hold this one (a scanner key on a screen without a scan box)."""
        if self.burst.holding:
            return True
        screen = self._screen()
        return isinstance(event, events.Key) and scanner_key(event) and not isinstance(screen, ScanScreen)

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
        if self.burst.passes(event):
            return False
        screen = self._screen()
        if screen is None:
            return False
        if not isinstance(screen, ScanScreen):
            return self.burst.feed(event)
        self.burst.lead = None
        if not screen.scan_ready:
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
