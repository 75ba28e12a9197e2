"""The web driver of a spare session (:mod:`deskapp.serve_session`): the desk starts and draws its
sign-in screen before any browser is there, and shows it the moment one is handed over.

Textual's :class:`~textual.drivers.web_driver.WebDriver`, with three changes:

- until the handoff, nothing is written to the server (the ``__GANGLION__`` prelude, the terminal
  set-up and the frames are held back; frames are simply dropped, as the handoff repaints the whole
  screen); once the app has put its first screen up, :data:`READY` is written so the server knows;
- the handoff is a meta packet ``{"type": "desk_handoff", "counter": …, "width": …, "height": …}``
  (:class:`deskapp.serve_session.Handoff`): it sets ``DESK_COUNTER``, writes what was held back and
  resizes the app to the browser's window, which redraws every cell;
- the end of its input (the server stopped or died) ends the app, handed over or not.
"""

from __future__ import annotations

import os
from contextlib import suppress
from functools import partial
from typing import Any

from textual import events, messages
from textual.app import App
from textual.drivers.web_driver import WebDriver
from textual.geometry import Size

from deskapp.auth import ENV_COUNTER
from deskapp.serve_session import HANDOFF, READY, Handoff

GANGLION = b"__GANGLION__\n"
"""The line textual-serve waits for before it relays a session's packets."""


class SpareDriver(WebDriver):
    """A :class:`WebDriver` that holds its output back until the handoff (see the module)."""

    def __init__(
        self, app: App[Any], *, debug: bool = False, mouse: bool = True, size: tuple[int, int] | None = None
    ) -> None:
        super().__init__(app, debug=debug, mouse=mouse, size=size)
        self.handed_over = False
        self._ready_told = False
        self._out = self._write
        self._write = partial(SpareDriver._write_after_handoff, self)

    def _write_after_handoff(self, data: bytes) -> int:
        if self.handed_over:
            return self._out(data)
        if not self._ready_told and len(self._app.screen_stack) > 1:  # its first screen is up and drawn
            self._ready_told = True
            self._out(READY)
        return len(data)

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        """The handoff here (from the input thread; done on the app's loop); the rest as WebDriver."""
        if packet_type == HANDOFF:
            self._loop.call_soon_threadsafe(self._hand_over, Handoff.from_meta(payload))
            return
        super().on_meta(packet_type, payload)

    def _hand_over(self, handoff: Handoff) -> None:
        if self.handed_over:
            return
        os.environ[ENV_COUNTER] = handoff.counter
        self.handed_over = True
        self._out(GANGLION)
        # the terminal set-up WebDriver.start_application_mode wrote (held back then)
        self.write("\x1b[?1049h")  # alternate screen
        self._enable_mouse_support()
        self.write("\x1b[?25l")  # hide the cursor
        self.write("\033[?1003h")
        self._request_terminal_sync_mode_support()
        self._enable_bracketed_paste()
        size = Size(handoff.width, handoff.height)
        if self._app.size != size:  # drawn at another size: the resize repaints every cell
            self._size = (handoff.width, handoff.height)
            self._app.post_message(events.Resize(size, size))
        else:  # the frames so far were held back, not shown: all of it again
            self._app.refresh(repaint=True, layout=True)

    def run_input_thread(self) -> None:
        """WebDriver's input loop; when it ends on the end of input, the app ends too."""
        try:
            super().run_input_thread()
        finally:
            if not self.exit_event.is_set():
                with suppress(RuntimeError):  # a closed loop: the app is gone already
                    self._loop.call_soon_threadsafe(self._app.post_message, messages.ExitApp())
