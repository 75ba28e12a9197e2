"""Keys per pack at the counter: a studio pack typed by hand, and read from the unit's USB stick (F9).

Drives the desk through Pilot from the main screen to the receipt slip printed (no printer here:
the slip goes to the outbox, which counts the same), and prints how many keys were not data,
and which. Targets (issue 9): ≤ 12 typed by hand, ≤ 8 from the electronic copy.

Run: .venv/bin/python bench/bench_keys.py
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the checkout first

from deskapp.app import DeskApp
from deskapp.config import StaffMember
from deskapp.service import Desk, open_desk, save_staff
from tests.counter_paths import FROM_FILES, HAND_TYPED, non_data, until, usb_stick, walk


def prepare(data: Path, print_on_save: bool) -> Desk:
    """A fresh desk with one clerk, 张三 (files written here, before the event loop runs)."""
    data.mkdir()
    if print_on_save:
        (data / "desk.toml").write_text("[slip]\nprint_on_save = true\n", encoding="utf-8")
    desk = open_desk(data)
    save_staff(desk.locations, [StaffMember("张三")])
    desk.reload_config()
    return desk


async def run(steps: list[tuple[str, str]], desk: Desk) -> str:
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await walk(pilot, steps)
        await until(pilot, lambda: any(desk.store.get(1).prints or []) if desk.store.count() else False)
        pack = desk.store.get(1)
    return f"{pack.receipt_no}  {pack.unit}  {pack.pages}页  {pack.ecopy_medium or '—'}  slip printed/saved ×{len(pack.prints)}"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        os.environ["DESK_USB"] = str(usb_stick(root / "usb"))
        for label, route, target in (
            ("hand-typed studio pack", HAND_TYPED, 12),
            ("from the USB stick (F9)", FROM_FILES, 8),
        ):
            for print_on_save in (False, True):
                if print_on_save:  # saving prints the slip: Enter on the last field instead of F4
                    steps = [("key", "enter") if step == ("key", "f4") else step for step in route]
                else:
                    steps = route
                data = root / f"{len(steps)}-{print_on_save}"
                result = asyncio.run(run(steps, prepare(data, print_on_save)))
                keys = non_data(steps)
                setting = "print_on_save = " + ("true " if print_on_save else "false")
                print(f"{label:24} {setting}  {len(keys):2} non-data keys (target ≤ {target}): {' '.join(keys)}")
                print(f"{'':24} → {result}")


if __name__ == "__main__":
    main()
