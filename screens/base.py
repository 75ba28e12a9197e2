"""What every screen of the desk shares: one guard between background work and the widgets.

A poll of the store, a timer, a worker's result, a dialog's callback: each may arrive when
the screen it wants to redraw is not composed yet (pushed a moment ago), covered by another
screen, or already gone (replaced by the next scan). Textual then raises ``NoMatches`` from
``query_one`` and the desk dies with a traceback. The guard decides in one place:

- :func:`screen_alive` — the node is mounted and still in the app's DOM;
- :func:`when_alive` — a method that runs only then (a worker's result for a screen that is
  gone is dropped: the screen that replaced it reads the store itself);
- :meth:`DeskScreen.refresh_data` — the redraw the app asks of every open screen after a
  change: runs on a live, visible screen; a screen covered by another is marked stale and
  redraws when it shows again; one not mounted yet draws itself in ``on_mount``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from deskapp.app import DeskApp

ResultType = TypeVar("ResultType")
Method = TypeVar("Method", bound=Callable[..., Any])


def screen_alive(node: DOMNode) -> bool:
    """``node`` (a screen or widget) is mounted and still attached to a running app."""
    if not isinstance(node, Widget):
        return False
    return bool(node.is_mounted and node.is_attached and not node._closing and not node._closed)


def when_alive(method: Method) -> Method:
    """Decorator: call ``method`` only while its screen/widget is alive (see :func:`screen_alive`);
    otherwise do nothing and return None."""

    @wraps(method)
    def guarded(self: Widget, *args: Any, **kwargs: Any) -> Any:
        if not screen_alive(self):
            return None
        return method(self, *args, **kwargs)

    return cast(Method, guarded)


class DeskScreen(Screen[ResultType]):
    """Base of the desk's screens: a typed way to the app and guarded redraws.

    Subclasses draw in :meth:`redraw`; everything outside (the app's poll, dialogs' callbacks,
    workers) calls :meth:`refresh_data`, never :meth:`redraw`.
    """

    _stale = False

    @property
    def desk_app(self) -> DeskApp:
        return cast("DeskApp", self.app)

    @property
    def desk(self):  # type: ignore[no-untyped-def]
        return self.desk_app.desk

    def redraw(self) -> None:
        """Draw from the store (screens with data override this)."""

    def shown(self) -> bool:
        """On top, or just under a dialog (which leaves it in view)."""
        stack = self.app.screen_stack
        if stack and stack[-1] is self:
            return True
        return len(stack) >= 2 and stack[-2] is self and isinstance(stack[-1], ModalScreen)

    def refresh_data(self) -> None:
        """Redraw now if shown; if covered, redraw when shown again; if not mounted or gone, nothing."""
        if not screen_alive(self):
            return
        if not self.shown():
            self._stale = True
            return
        self._stale = False
        self.redraw()

    def _on_screen_resume(self) -> None:
        if self._stale and screen_alive(self):
            self._stale = False
            self.redraw()
