"""One served session's own process, started before its browser comes (issue 10, point 4: page load →
the desk's first screen ≤ 1.0 s).

    python -m deskapp.serve_session --data DIR

``deskapp serve`` keeps one or more of these waiting ("spares"), started with the web driver's environment
and :class:`deskapp.serve_driver.SpareDriver` as Textual's driver. A spare imports Textual, the desk's app
and every screen, opens the desk and runs it exactly as ``deskapp --data DIR run --pin-sign-in`` does —
up to its sign-in screen, drawn for nobody — then writes :data:`READY` and waits. When a tab connects,
the server sends the handoff (:class:`Handoff`: the counter and the window's size) and the driver shows
the screen at once. Each session stays its own process.

A spare reads the record as any running desk does (it takes in other desks' writes every second); the
server replaces its spares when the office's desk.toml changes (a new staff list) and when they have
waited long (:data:`deskapp.serve.SPARE_MAX_AGE`). End of input (the server stopped) ends a spare.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys
from dataclasses import dataclass

READY = b"__DESK_SPARE_READY__\n"
"""The line a spare writes on its standard output once its first screen is drawn (the server reads it)."""
HANDOFF = "desk_handoff"
"""The type of the meta packet that hands a spare to a browser tab."""
MAX_CELLS = 1000
"""Widest/tallest terminal accepted from a browser, in cells (a larger number is cut to this)."""


@dataclass(frozen=True)
class Handoff:
    """What the server tells a waiting spare when a browser connects."""

    counter: str
    width: int
    height: int

    def meta(self) -> dict[str, str | int | bool | None]:
        """The meta packet's payload (textual-serve's ``send_meta`` encodes it)."""
        return {"type": HANDOFF, "counter": self.counter, "width": self.width, "height": self.height}

    @classmethod
    def from_meta(cls, payload: dict[str, object]) -> Handoff:
        """The handoff in a meta packet; ValueError if it is not what :meth:`meta` makes. Sizes are
        kept within 1 … :data:`MAX_CELLS` cells."""
        counter, width, height = payload.get("counter"), payload.get("width"), payload.get("height")
        if payload.get("type") != HANDOFF or not isinstance(counter, str):
            raise ValueError(f"not a session handoff: {payload!r:.200}")
        if not isinstance(width, int) or not isinstance(height, int):
            raise ValueError(f"terminal size missing in the handoff: {payload!r:.200}")
        return cls(counter, max(1, min(width, MAX_CELLS)), max(1, min(height, MAX_CELLS)))


def import_ahead() -> None:
    """Import what a session's start would: Textual's app, the desk's app and every screen module, and
    warm up pinyin (which every session does one second after its start; here it costs the clerk nothing)."""
    import screens

    importlib.import_module("deskapp.app")
    for module in pkgutil.iter_modules(screens.__path__, "screens."):
        importlib.import_module(module.name)
    from deskapp.pinyin import warm_up

    warm_up()


def main(argv: list[str] | None = None) -> int:
    """Run one spare: imports, then the desk with PIN sign-in, shown when a tab is handed over.
    Exit code as ``deskapp run`` (0, 2 for a config or record the desk refuses)."""
    parser = argparse.ArgumentParser(prog="python -m deskapp.serve_session")
    parser.add_argument("--data", required=True)
    args = parser.parse_args(argv)
    try:
        import_ahead()
    except KeyboardInterrupt:  # Ctrl+C in the server's window reaches its spares too: the server stops them
        return 0
    from deskapp.cli import main as desk_main

    return desk_main(["--data", args.data, "run", "--pin-sign-in"])


if __name__ == "__main__":
    sys.exit(main())
