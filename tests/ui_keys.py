"""Typing as a clerk or a scanner would, for Pilot tests."""

from __future__ import annotations

import asyncio
import time

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

CHARACTERS = {"enter": "\r", "tab": "\t", "space": " "}


def keys_of(text: str) -> list[str]:
    """Key names for ``text`` as the terminal driver names them (``-`` → ``minus``, ``\\r`` → ``enter``)."""
    return ["enter" if ch in "\r\n" else _character_to_key(ch) for ch in text]


async def type_text(pilot: Pilot, text: str, enter: bool = False) -> None:
    """Key by key, as a clerk types (Chinese arrives as characters committed by the IME)."""
    await pilot.press(*keys_of(text), *(["enter"] if enter else []))


async def settle(pilot: Pilot, limit: float = 90.0) -> None:
    """Wait (at most ``limit`` s) until every key sent has been handed on and the screen is idle."""
    gate = getattr(pilot.app, "key_gate", None)
    end = time.monotonic() + limit
    await pilot.pause()  # the app has taken the keys posted to it (the gate holds what must wait)
    while gate is not None and not gate.idle and (left := end - time.monotonic()) > 0:
        handing_on = gate._task  # the gate's own task: it ends when the last key held has taken effect
        if handing_on is not None:
            await asyncio.wait({handing_on}, timeout=left)
        else:
            await pilot.pause()  # a key handed on is still with the app: let the app handle it
    await pilot.pause()
    await pilot.pause()


Keystroke = tuple[str, "str | None"]
"""A key name (as the terminal driver names it) and the character it types, if any."""


def text_keys(text: str) -> list[Keystroke]:
    """The keystrokes typing ``text`` (``\r``/``\n`` = Enter, ``\t`` = Tab)."""
    return [("enter", "\r") if ch in "\r\n" else (_character_to_key(ch), ch) for ch in text]


def named(*names: str) -> list[Keystroke]:
    """Keystrokes for key names such as ``f2``, ``ctrl+s``, ``tab``, ``1``."""
    return [(name, CHARACTERS.get(name, name if len(name) == 1 else None)) for name in names]


def post_keys(pilot: Pilot, keys: list[Keystroke]) -> None:
    """Every keystroke posted to the app at once: no wait at all between keys."""
    for key, char in keys:
        pilot.app.post_message(events.Key(key, char))


async def burst_keys(pilot: Pilot, keys: list[Keystroke]) -> None:
    """A burst with no wait between keys, then wait until the desk has taken them all."""
    post_keys(pilot, keys)
    await settle(pilot)


async def burst(pilot: Pilot, text: str) -> None:
    """A scanner: every key of ``text`` posted to the app at once, with no wait between them."""
    await burst_keys(pilot, text_keys(text))


def shown(widget) -> str:  # type: ignore[no-untyped-def]
    """The text a widget shows now."""
    return str(widget.render())
