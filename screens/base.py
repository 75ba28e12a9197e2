"""What every screen of the desk shares: one typed way to the app, one guard between background
work and the widgets.

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

And the one typed way from a screen, a dialog or a widget to the desk's app: :class:`DeskNode`
(``self.app`` is the :class:`~deskapp.app.DeskApp`, with its desk, clerk, listing and
``write``). ``deskapp.app`` is imported here for the type checker only: at run time the app
imports the screens, never the other way round (``[tool.importlinter]`` in pyproject.toml).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual import events
from textual.app import App, ScreenStackError, UnknownModeError
from textual.dom import DOMNode
from textual.message_pump import MessagePump
from textual.screen import ModalScreen, Screen
from textual.widget import Widget

if TYPE_CHECKING:
    from textual import getters

    from deskapp.app import DeskApp
    from deskapp.service import Desk

ResultType = TypeVar("ResultType")
Method = TypeVar("Method", bound=Callable[..., Any])


def current_screen(app: App[Any]) -> Screen[Any] | None:
    """The app's current screen, or None while it has none (starting, or closing down)."""
    try:
        return app.screen
    except (ScreenStackError, UnknownModeError):
        return None


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


class DeskNode(MessagePump):
    """Mixin of the desk's screens and dialogs (and of a widget that needs the desk's app): ``self.app`` typed.

    Textual types ``app`` as a plain ``App``; every node of the desk runs inside a
    :class:`~deskapp.app.DeskApp` (tests and the bench run subclasses of it), so saying so to
    the type checker is true. One seam instead of a mypy ignore comment at each call (as clive's
    ``CliveScreen.app``). The app's own attributes (``desk``, ``clerk``, ``listing``,
    ``last_export``...) are declared and typed on :class:`~deskapp.app.DeskApp`.
    """

    if TYPE_CHECKING:
        # Textual's own idiom for this (``textual.getters.app``, as MessagePump declares its
        # ``app``), seen by the type checker only: at run time MessagePump's property answers, so
        # nothing here imports deskapp.app. (A property with a cast is refused by mypy: Textual
        # declares ``app`` as an attribute, which a read-only property may not override.)
        app = getters.app(DeskApp)

    @property
    def desk(self) -> Desk:
        """The desk the app was handed: its config, store and locations."""
        return self.app.desk


class DeskModal(DeskNode, ModalScreen[ResultType]):
    """Base of the desk's dialogs: a :class:`ModalScreen` with the typed app."""


class DeskScreen(DeskNode, Screen[ResultType]):
    """Base of the desk's screens: the typed app and guarded redraws.

    Subclasses draw in :meth:`redraw`; everything outside (the app's poll, dialogs' callbacks,
    workers) calls :meth:`refresh_data`, never :meth:`redraw`.
    """

    _stale = False

    def redraw(self) -> None:
        """Draw from the store (screens with data override this)."""

    def has_unsaved(self) -> bool:
        """Typed work not saved yet that leaving would lose (the registration form overrides this)."""
        return False

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

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._stale and screen_alive(self):
            self._stale = False
            self.redraw()
