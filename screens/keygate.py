"""No key lost: the app hands typed keys and pastes on in order, each to a settled screen.

Why: Textual hands a key to the focused widget's queue and runs the screen's (non-priority)
bindings only when the key has bubbled back to the app's queue, *behind* the keys typed after
it. A key that opens a screen (F2, the kind key, Ctrl+S, Enter for the next pack) therefore
still had later keys delivered to the old screen, and a screen just pushed has no focused
input until its ``on_mount`` has run: in a burst those keys went to the wrong place or
nowhere ("新疆准东…" arrived as "疆准东…", fields shifted by one, packs saved with nothing
ticked). The whole kind is fixed here, in one place, for every screen and dialog: after a
key, the next is handed on only when

- the app has finished its part of the key (priority bindings run, key forwarded),
- the current screen is mounted (composed, its ``on_mount`` run), and
- no message that may move the focus or the screen (anything but a redraw) waits in the
  app, the screen or a widget on it: the previous key's effects (bubbling, bindings, focus
  moves, screens pushed or dismissed) are complete.

Keys that arrive meanwhile wait in order. A key typed at human pace finds the desk settled
and goes straight on. In a burst, plain characters for the focused input go on together
(they move nothing); every other key waits for the one before to take effect.

Also here, for the same one place: a multi-line paste into a one-line input keeps all its
lines, joined with a space (:func:`paste_for`).

**A confirmation dialog is answered deliberately** (:class:`Confirmation`: leaving unsaved work,
questionable values, a suspected duplicate, an export with gaps). Such a dialog opens because of
a key the clerk did not expect to be asked about, often in the middle of a burst (``Escape F2 1
新单位 Enter …``): the keys typed after it were meant for the screens the clerk expected, never
as its answer (an Enter meant for the next field must not answer 继续填写, and the rest of the
burst must not land in the old form). So a key reaches such a dialog only when the clerk paused
first — :data:`ANSWER_PAUSE` after the dialog appeared *and* after the key before; the keys of
the burst are set aside, and the dialog says which (never swallowed silently).

**Esc followed at once by a key** (a burst, or a fast typist within the terminal's escape delay)
reaches Textual as one sequence ``ESC z``, which its parser reads as Alt+z: the Esc was lost.
The desk binds no Alt keys, so :func:`split_escape` makes the parser read it as Esc, then the key.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import deque
from collections.abc import Iterable
from typing import Any

from textual import _time, events, messages
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.css.query import NoMatches
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from screens.base import current_screen

SETTLE_LIMIT = 10.0
"""Seconds one key may wait for the screen to settle; after that it is handed on anyway
(a screen that never settles must not swallow the keyboard). A screen still being mounted
is always waited for (at most :data:`MOUNT_LIMIT`): a key handed to it would be lost."""

MOUNT_LIMIT = 60.0

ANSWER_PAUSE = 0.4
"""Seconds of pause before a key that answers a confirmation dialog: after the dialog appeared
and after the key before. Faster keys are the rest of a burst typed before the clerk could read
the question (people take longer than this to read a dialog and answer it)."""


DRAWING = (
    messages.Update,
    messages.Layout,
    messages.Prompt,
    messages.UpdateScroll,
    messages.Prune,
    events.Idle,
    events.Resize,
    events.Show,
    events.Hide,
)
"""Messages that only redraw: they change nothing a key is routed by, so the gate does not wait for them."""


def _pending(pump: MessagePump) -> bool:
    """``pump`` holds a message that may change where the next key goes (not a mere redraw).

    Callbacks scheduled with ``call_next`` count: a dismissed screen's result callback (which
    may push the next screen) waits there, outside the queue.
    """
    if getattr(pump, "_next_callbacks", None):
        return True
    queue: asyncio.Queue[Message | None] = pump._message_queue
    held = getattr(queue, "values", None)  # Textual's own queue keeps its messages in a deque
    if held is None:
        return not queue.empty()
    return any(not isinstance(message, DRAWING) for message in held)


def _watched(app: App[Any], screen: Screen[Any]) -> list[MessagePump]:
    """The app and every screen on the stack with its widgets, less the footers (they only show the keys).

    Not only the current screen: a dialog's result callback (which may open the next screen) is
    queued with the pump that pushed the dialog — a screen below it, or one of its widgets — and
    between the dialog's dismissal and that callback the next key must wait too.
    """
    pumps: list[MessagePump] = [app]
    screens = list(app.screen_stack)
    if screen not in screens:
        screens.append(screen)
    for each in screens:
        footers = list(each.query(Footer))
        pumps.extend(
            w for w in each.walk_children(with_self=True) if not any(f in w.ancestors_with_self for f in footers)
        )
    return pumps


async def _round(pumps: list[MessagePump]) -> None:
    """Post a callback to each of ``pumps`` and wait until all have run (the caller bounds the wait)."""
    left = 0
    done = asyncio.Event()

    def one_done() -> None:
        nonlocal left
        left -= 1
        if left == 0:
            done.set()

    for pump in pumps:
        if pump.call_later(one_done):
            left += 1
    if left:
        await done.wait()


class KeyGate:
    """Holds the app's keys and pastes until the screen has settled, then hands them on in order.

    ``DeskApp.on_event`` asks :meth:`hold` first with every key and paste from the terminal;
    ``True`` means the gate keeps it and will post it back to the app later; otherwise the app
    handles it and then calls :meth:`handled`. After every key handed on, the gate waits for
    the screen to settle before the next one may pass.
    """

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.waiting: deque[events.Event] = deque()
        """Keys and pastes received and not yet handed on, oldest first."""
        self._last_typed: float | None = None
        """When the key (or paste) received before the newest one was typed (``event.time``)."""
        self._pause_before: dict[int, float] = {}
        """id(event) -> seconds since the key typed before it (for :meth:`answers_dialog`)."""
        self._passing: list[events.Event] = []
        self._in_hand = asyncio.Event()
        self._in_hand.set()
        self._task: asyncio.Task[None] | None = None
        split_escape()

    @staticmethod
    def applies(event: events.Event) -> bool:
        """Typed input from the terminal (not a key already bubbling back up)."""
        return isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded

    def hold(self, event: events.Event) -> bool:
        """``True``: the gate keeps ``event`` and hands it on later; ``False``: handle it now."""
        if any(event is passing for passing in self._passing):
            self._passing = [p for p in self._passing if p is not event]
            self._in_hand.clear()
            return False
        self._note_pause(event)
        if not self.waiting and not self._passing and self._in_hand.is_set() and self._quiet():
            # Typed at human pace (or the last key has visibly taken effect): it goes on now.
            self._in_hand.clear()
            self._start()  # and the next waits until this one took effect
            return False
        self.waiting.append(event)
        self._start()
        return True

    def requeue(self, held: list[events.Event]) -> None:
        """Keys taken out of the stream (the scan reader held them to see whether a scanner typed
        them) come back first in line, in their order, and are handed on as typed."""
        self.waiting.extendleft(reversed(held))
        self._start()

    def handled(self) -> None:
        """The app has finished its part of the key it was handed (bindings run, key forwarded)."""
        self._in_hand.set()

    @property
    def idle(self) -> bool:
        """No key waiting, being handed on or taking effect (tests wait for this)."""
        reader = getattr(self.app, "scan_reader", None)
        holding = reader is not None and reader.burst.holding
        return not self.waiting and self._task is None and not self._passing and not holding

    def _start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._hand_on(), name="key-gate")

    def _pumps(self) -> list[MessagePump] | None:
        """The app, the current screen and its widgets; None while the screen is not mounted."""
        screen = current_screen(self.app)
        if screen is None or not screen.is_mounted:
            return None
        return _watched(self.app, screen)

    def _quiet(self) -> bool:
        """The screen is mounted and nothing that may move the focus or the screen waits anywhere."""
        pumps = self._pumps()
        return pumps is not None and not any(_pending(p) for p in pumps)

    async def settled(self) -> None:
        """Wait (at most :data:`SETTLE_LIMIT` seconds) until the last key has taken effect.

        That is: the app has finished handling it, the current screen is mounted, and no
        message other than a redraw waits in the app, the screen or any widget on it (a
        callback posted behind the waiting messages tells when they have been handled).
        """
        loop = asyncio.get_running_loop()
        end = loop.time() + SETTLE_LIMIT
        while (left := end - loop.time()) > 0:
            if not self._in_hand.is_set():
                handled = asyncio.ensure_future(self._in_hand.wait())
                await asyncio.wait([handled], timeout=left)
                handled.cancel()
                continue
            screen = current_screen(self.app)
            if screen is None:
                return  # the desk is closing
            if not screen.is_mounted:
                mounted: asyncio.Future[bool] = asyncio.ensure_future(screen._mounted_event.wait())
                await asyncio.wait([mounted], timeout=MOUNT_LIMIT)
                mounted.cancel()
                end = max(end, loop.time() + 1)
                continue
            busy = [p for p in _watched(self.app, screen) if _pending(p)]
            if not busy:
                return
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(left):
                    await _round(busy)

    def typing_in_place(self, event: events.Event) -> bool:
        """``event`` only adds text to the focused input: it moves no focus and opens no screen.

        A printable key (or a paste) into an ``Input`` that no binding of the screen claims.
        Several of these in a row are handed on together, with no wait (and no redraw) between.
        """
        focused = self.app.focused
        if not isinstance(focused, Input):
            return False
        reader = getattr(self.app, "scan_reader", None)
        if reader is not None and reader.keeps_apart(event):
            return False  # the scan reader may hold it, or holds keys it must come after
        if isinstance(event, events.Paste):
            return True
        if not isinstance(event, events.Key) or not event.is_printable:
            return False
        screen = current_screen(self.app)
        if screen is None:
            return False
        return not any(bindings.key_to_bindings.get(event.key) for _, bindings in screen._binding_chain)

    # -- confirmation dialogs: answered deliberately ----------------------------------------
    def _note_pause(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)):
            previous, self._last_typed = self._last_typed, event.time
            self._pause_before[id(event)] = event.time - previous if previous is not None else float("inf")

    def answers_dialog(self, event: events.Event, dialog: Confirmation) -> bool:
        """``event`` was typed after a pause, with ``dialog`` on screen: a deliberate answer."""
        pause = self._pause_before.get(id(event), float("inf"))
        shown = dialog.shown_at
        return shown is not None and event.time - shown >= dialog.answer_pause and pause >= dialog.answer_pause

    def set_aside(self, event: events.Event) -> bool:
        """A key of a burst arriving at a confirmation dialog: kept from it, and the dialog says so.
        ``False``: ``event`` goes on (no such dialog, or typed deliberately). Asked by
        ``DeskApp.on_event`` for each key the scan reader did not take (a scan is the reader's: it
        is read whole and told, never answered with)."""
        screen = current_screen(self.app)  # None: the desk is closing
        if not isinstance(screen, Confirmation) or not isinstance(event, (events.Key, events.Paste)):
            self._pause_before.pop(id(event), None)
            return False
        if self.answers_dialog(event, screen):
            self._pause_before.pop(id(event), None)
            return False
        self._pause_before.pop(id(event), None)
        screen.set_aside(event)
        return True

    def _pass(self, event: events.Event) -> bool:
        self._passing.append(event)
        if self.app.post_message(event):
            return True
        self._passing.clear()
        self.waiting.clear()
        return False

    async def _hand_on(self) -> None:
        try:
            await self.settled()
            while self.waiting and self.app.is_running:
                event = self.waiting.popleft()
                if not self._pass(event):
                    break
                if self.typing_in_place(event):
                    while self.waiting and self.typing_in_place(self.waiting[0]):
                        if not self._pass(self.waiting.popleft()):
                            break
                await self.settled()
            if not self.app.is_running:
                self.waiting.clear()
        finally:
            self._task = None
            self._in_hand.set()


def one_line(text: str) -> str:
    """A paste for a one-line field: its lines joined with a space, blank lines dropped.

    ``"准东某煤化工\\n有限公司"`` → ``"准东某煤化工 有限公司"``; ``"\\n有限公司"`` → ``"有限公司"``.
    (Textual's ``Input`` keeps only the first line of a paste, silently.)
    """
    return " ".join(line.strip() for line in text.splitlines() if line.strip())


def paste_for(event: events.Event, focused: object) -> events.Event:
    """The paste a one-line ``Input`` should receive (every input of the desk, in this one place)."""
    if isinstance(event, events.Paste) and isinstance(focused, Input) and ("\n" in event.text or "\r" in event.text):
        return events.Paste(one_line(event.text))
    return event


def key_words(event: events.Event) -> str:
    """A key (or paste) as the clerk reads it: ``F2``, ``Enter``, ``Ctrl+S``, ``字``."""
    if isinstance(event, events.Paste):
        return event.text
    if not isinstance(event, events.Key):
        return ""
    if event.is_printable and event.character:
        return event.character
    names = {"escape": "Esc", "enter": "Enter", "tab": "Tab", "space": "空格", "backspace": "退格"}
    return names.get(event.key) or "+".join(
        part.capitalize() if len(part) > 1 else part.upper() for part in event.key.split("+")
    )


def typed_text(keys: list[str], limit: int = 48) -> str:
    """Keys as typed: characters run together, named keys apart (``F2 1新单位公司 Enter``), cut with …."""
    words: list[str] = []
    last_was_char = False
    for key in keys:
        is_char = len(key) == 1
        if is_char and last_was_char:
            words[-1] += key
        else:
            words.append(key)
        last_was_char = is_char
    text = " ".join(words)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Confirmation:
    """Mixin of a dialog that must be answered deliberately (see the module's docstring).

    The key gate keeps from it every key typed before the clerk paused (:data:`ANSWER_PAUSE`
    after it appeared and after the key before); the dialog then shows which keys were set aside,
    so nothing typed vanishes unexplained. Mix in before ``ModalScreen``.
    """

    answer_pause = ANSWER_PAUSE
    shown_at: float | None = None
    """When the dialog was mounted (Textual's clock, the one of ``event.time``)."""
    aside: list[str]

    def _on_mount(self, event: events.Mount) -> None:
        self.shown_at = _time.get_time()
        self.aside = []

    def set_aside(self, event: events.Event) -> None:
        """Keep ``event`` from the dialog and say so on it (one line, updated as keys come)."""
        if not hasattr(self, "aside"):
            self.aside = []
        self.aside.append(key_words(event))
        text = (
            f"对话框出现时还在输入的 {len(self.aside)} 个键没有用上：{typed_text(self.aside)}。"
            "这些键没有输入到任何地方；请看清上面的问题，停一下再按键回答。"
        )
        screen: Any = self
        try:
            line = screen.query_one("#typed-aside", Static)
        except NoMatches:  # not shown yet: add the line under the dialog's own text
            line = Static(text, id="typed-aside", classes="hint")
            hosts = [*screen.query(".dialog"), *screen.query("Vertical")]
            (hosts[0] if hosts else screen).mount(line)
            return
        line.update(text)


def _split_escape(self: XTermParser, sequence: str, alt: bool = False) -> Iterable[events.Key]:
    """``ESC`` + one key arriving together: Esc, then that key (never Alt+key, never a key of its own).

    A sequence that only starts like one (``ESC [`` …, ``ESC O`` …) is left to Textual.
    """
    if len(sequence) == 2 and sequence[0] == "\x1b" and sequence[1] not in "[O\x1b":
        yield events.Key("escape", "\x1b")
        yield from _textual_keys(self, sequence[1])
        return
    if alt:  # the parser gave up on a sequence and reissues it key by key: keep its Esc
        yield events.Key("escape", "\x1b")
    yield from _textual_keys(self, sequence)


_textual_keys = XTermParser._sequence_to_key_events


def split_escape() -> None:
    """Make the terminal's parser read ``ESC`` + key as Esc then the key (see the module's docstring).
    Done once, when the desk's screen starts; the desk has no Alt bindings to lose."""
    XTermParser._sequence_to_key_events = _split_escape  # type: ignore[method-assign]
