"""One served session's own process, started before its browser comes (issue 10, point 4: page load →
the desk's first screen ≤ 1.0 s).

    python -m deskapp.serve_session --data DIR

``deskapp serve`` keeps one or more of these waiting ("spares"), started with the web driver's environment
(``TEXTUAL_DRIVER`` and the rest, which Textual reads at import). A spare imports Python's share of the
start — Textual, the desk's app and every screen — and then waits on its standard input for one line, the
browser's details as JSON (having written :data:`READY` on its standard output): ``{"counter": "浏览器 10.0.0.7", "width": 160, "height": 48}`` (terminal cells).
It then runs the desk exactly as ``deskapp --data DIR run --pin-sign-in`` does, with ``DESK_COUNTER`` and
the size (``COLUMNS``/``ROWS``) from that line. The desk is opened only then, so a spare that waited an hour
still reads the staff list and the record as they are when the clerk arrives.

End of input before the line (the server stopped, or died): exit 0 with nothing opened; so is Ctrl+C while
waiting. Each session stays its own process; the spare only moves the imports before the page asks.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import pkgutil
import sys
from dataclasses import dataclass

from deskapp.auth import ENV_COUNTER

READY = b"__DESK_SPARE_READY__\n"
"""The line a spare writes on its standard output once its imports are done (the server reads it)."""
MAX_CELLS = 1000
"""Widest/tallest terminal accepted from a browser, in cells (a larger number is cut to this)."""


@dataclass(frozen=True)
class Handoff:
    """What the server tells a waiting spare when a browser connects."""

    counter: str
    width: int
    height: int

    def line(self) -> bytes:
        """The JSON line written to the spare's standard input (UTF-8, ends with a newline)."""
        payload = {"counter": self.counter, "width": self.width, "height": self.height}
        return json.dumps(payload, ensure_ascii=False).encode("utf-8") + b"\n"

    @classmethod
    def parse(cls, line: bytes) -> Handoff:
        """The handoff in ``line``; ValueError if it is not the JSON object :meth:`line` writes.
        Sizes are kept within 1 … :data:`MAX_CELLS` cells."""
        value = json.loads(line.decode("utf-8"))
        if not isinstance(value, dict) or not isinstance(value.get("counter"), str):
            raise ValueError(f"not a session handoff: {line[:200]!r}")
        width, height = value.get("width"), value.get("height")
        if not isinstance(width, int) or not isinstance(height, int):
            raise ValueError(f"terminal size missing in the handoff: {line[:200]!r}")
        return cls(value["counter"], max(1, min(width, MAX_CELLS)), max(1, min(height, MAX_CELLS)))


def read_handoff(fd: int = 0) -> Handoff | None:
    """Wait for the handoff line on ``fd`` (read byte by byte, so nothing after the newline is taken from
    the web driver, which reads the same descriptor next); None at end of input before a full line."""
    line = bytearray()
    while not line.endswith(b"\n"):
        chunk = os.read(fd, 1)
        if not chunk:
            return None
        line += chunk
    return Handoff.parse(bytes(line))


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
    """Run one spare: imports, wait for the handoff, then the desk with PIN sign-in. Exit code as
    ``deskapp run`` (0, 2 for a config or record the desk refuses); 0 when no browser came."""
    parser = argparse.ArgumentParser(prog="python -m deskapp.serve_session")
    parser.add_argument("--data", required=True)
    args = parser.parse_args(argv)
    try:
        import_ahead()
        os.write(1, READY)
        handoff = read_handoff()
    except KeyboardInterrupt:  # Ctrl+C in the server's window reaches its spares too: the server stops them
        return 0
    if handoff is None:
        return 0
    os.environ[ENV_COUNTER] = handoff.counter
    os.environ["COLUMNS"] = str(handoff.width)
    os.environ["ROWS"] = str(handoff.height)
    from deskapp.cli import main as desk_main

    return desk_main(["--data", args.data, "run", "--pin-sign-in"])


if __name__ == "__main__":
    sys.exit(main())
