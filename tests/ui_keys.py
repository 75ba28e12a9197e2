"""Typing as a clerk or a scanner would, for Pilot tests."""

from __future__ import annotations

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot


def keys_of(text: str) -> list[str]:
    """Key names for ``text`` as the terminal driver names them (``-`` → ``minus``, ``\\r`` → ``enter``)."""
    return ["enter" if ch in "\r\n" else _character_to_key(ch) for ch in text]


async def type_text(pilot: Pilot, text: str, enter: bool = False) -> None:
    """Key by key, as a clerk types (Chinese arrives as characters committed by the IME)."""
    await pilot.press(*keys_of(text), *(["enter"] if enter else []))


async def burst(pilot: Pilot, text: str) -> None:
    """A scanner: every key of ``text`` posted to the app at once, with no wait between them."""
    for ch in text:
        key = "enter" if ch in "\r\n" else _character_to_key(ch)
        pilot.app.post_message(events.Key(key, "\r" if key == "enter" else ch))
    await pilot.pause(0.3)
    await pilot.pause()


def shown(widget) -> str:  # type: ignore[no-untyped-def]
    """The text a widget shows now."""
    return str(widget.render())
