"""Start the desk's screen on a data folder with the tests' fixed clock, signed in as 张三.

Used by tests that drive the desk in a real terminal (tmux): the clock is the same fixed
Beijing moment as in ``tests/conftest.py`` (the machine's clock is past the deadline).

    python -m tests.tty_desk DATA_FOLDER
"""

from __future__ import annotations

import sys

from deskapp.app import DeskApp
from deskapp.service import open_desk
from deskapp.timeutil import fixed_clock
from tests.conftest import ON_TIME


def main(data: str) -> int:
    desk = open_desk(data, clock=fixed_clock(ON_TIME))
    app = DeskApp(desk, clerk="张三")
    try:
        app.run()
    finally:
        desk.store.close()
    return int(app.return_code or 0)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
