"""The counter's two ways to register a studio pack, as the keys a clerk presses (for Pilot).

Used by ``bench/bench_keys.py`` (prints the key counts) and ``tests/test_ui_form_keys.py``
(holds the desk to them). A step is ``("key", name)`` — a key that is not data — or
``("text", what)`` — data typed (Chinese arrives from the IME as characters).
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from tests import formfactory as ff
from tests.ui_keys import keys_of

Step = tuple[str, str]


def keys(*names: str) -> list[Step]:
    return [("key", name) for name in names]


def text(what: str) -> list[Step]:
    return [("text", what)]


HAND_TYPED: list[Step] = [
    *keys("f2", "1"),
    *text("准东某煤化工有限公司"),
    *keys("enter"),
    *text("煤化工技能大师工作室"),
    *keys("enter"),
    *text("mt"),
    *keys("enter"),
    *text("王建国"),
    *keys("enter"),
    *text("刘敏"),
    *keys("enter"),
    *text("13900000000"),
    *keys("enter"),
    *text("6"),
    *keys("enter"),
    *keys("0"),  # the checklist: everything received; on to 页数
    *text("20"),
    *keys("enter"),
    *text("u"),
    *keys("f4"),  # 介质 U盘; F4 saves and prints the receipt slip in one key
]
"""A complete studio pack typed by hand: main screen → slip printed."""

FROM_FILES: list[Step] = [
    *keys("f2", "1", "f9"),
    *keys("ctrl+f"),  # the picker opens on the USB stick: read the whole folder
    *keys("ctrl+s"),  # the review: take what the files say (页数 from the PDF included)
    *keys("0"),  # the focus is on the checklist: everything received
    *keys("f4"),  # 页数 and 介质 (U盘) are filled: F4 saves and prints the slip
]
"""The same pack when the unit's electronic copy is read from its USB stick (F9)."""


def non_data(steps: list[Step]) -> list[str]:
    return [what for kind, what in steps if kind == "key"]


def usb_stick(root: Path) -> Path:
    """``root``/media/desk/KINGSTON holding the unit's 附件1 and its 18-page PDF."""
    stick = root / "media" / "desk" / "KINGSTON"
    stick.mkdir(parents=True)
    ff.form1(stick / "附件1.docx", "wps", cover={"专业领域": "煤化工"})
    ff.pdf(stick / "申报材料.pdf", 18)
    return root / "media"


async def settle(pilot: Pilot, limit: float = 30.0) -> None:
    from tests.ui_keys import settle as settled

    await settled(pilot, limit)


async def walk(pilot: Pilot, steps: list[Step], wait_for: Any = None) -> None:
    """Press ``steps`` as a clerk would: one key after another, each after the desk answered."""
    for kind, what in steps:
        names = keys_of(what) if kind == "text" else [what]
        await pilot.press(*names)
        await settle(pilot)
        if kind == "key" and what == "ctrl+f":  # files are read in a child process: wait for the review
            await until(pilot, lambda: getattr(pilot.app.screen, "prefill", None) is not None)


async def until(pilot: Pilot, condition: Any, limit: float = 60.0) -> None:
    end = time.monotonic() + limit
    while not condition():
        if time.monotonic() > end:
            raise AssertionError("the desk did not get there in time")
        await asyncio.sleep(0.05)
    await pilot.pause()
