"""Speed of the scan route: prints figures, asserts nothing.

    .venv/bin/python bench/bench_scan.py [--packs 10000] [--scans 20]

- read_line (deskapp/scan_route.py) for every form a line can take, with N packs on file;
- in the desk (Pilot, headless): from a scanned line's last key to its pack on screen and ready for
  the next key, opened from the main screen and from a pack screen (which it replaces).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from textual import events
from textual.keys import _character_to_key

from bench.bench_slips import build
from deskapp.app import DeskApp
from deskapp.receipt_qr import signer_for
from deskapp.scan_route import read_line
from deskapp.service import open_desk

SCAN_LIMIT = 30.0
"""Seconds a scan may take to open its pack before the run stops (a hang, not a slow figure)."""


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def core(desk, rounds: int) -> None:  # type: ignore[no-untyped-def]
    packs = desk.store.packs()
    signer = signer_for(desk.locations.secret)
    t = time.perf_counter()
    read_line(desk, "U" + signer.payload(packs[0].receipt_no).rsplit("U", 1)[1], "张三")
    print(f"second printed line, first time (one HMAC per pack, then cached): {ms(time.perf_counter() - t)}")
    sample = packs[:: max(1, len(packs) // rounds)][:rounds]
    forms = {
        "slip payload": lambda p: signer.payload(p.receipt_no),
        "second printed line": lambda p: "U" + signer.payload(p.receipt_no).rsplit("U", 1)[1],
        "receipt number": lambda p: p.receipt_no,
        "without dashes": lambda p: p.receipt_no.replace("-", ""),
        "search, tail of the number": lambda p: p.receipt_no.split("-", 1)[1].replace("-", "").lower(),
        "junk (searched, nothing)": lambda p: "QWXZ7788",
    }
    for label, make in forms.items():
        timings = []
        for pack in sample:
            text = make(pack)
            t = time.perf_counter()
            read_line(desk, text, "张三")
            timings.append(time.perf_counter() - t)
        print(f"read_line {label:28s} median {ms(statistics.median(timings))}  max {ms(max(timings))}")


async def in_the_desk(desk, scans: int) -> None:  # type: ignore[no-untyped-def]
    packs = desk.store.packs()[:scans]
    app = DeskApp(desk, clerk="张三")
    from screens.pack import PackScreen

    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.pause()
        timings = {"from the main screen": [], "from a pack screen": []}
        for n, pack in enumerate(packs):
            if n % 2 == 0 and isinstance(app.screen, PackScreen):
                await pilot.press("escape")
                await pilot.pause()
            where = "from a pack screen" if isinstance(app.screen, PackScreen) else "from the main screen"
            for ch in pack.receipt_no:
                app.post_message(events.Key(_character_to_key(ch), ch))
            await pilot.pause()
            t = time.perf_counter()
            app.post_message(events.Key("enter", "\r"))
            deadline = t + SCAN_LIMIT
            while not (isinstance(app.screen, PackScreen) and app.screen.pack_id == pack.id and app.screen.scan_ready):
                if time.perf_counter() > deadline:
                    raise RuntimeError(f"{pack.receipt_no}: its pack was not on screen after {SCAN_LIMIT:.0f} s")
                await asyncio.sleep(0.001)  # 1 ms: the figure measured is in ms
            timings[where].append(time.perf_counter() - t)
        for where, values in timings.items():
            if values:
                print(
                    f"scan to its pack on screen, {where:21s} median {ms(statistics.median(values))}  max {ms(max(values))}"
                )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packs", type=int, default=10_000)
    parser.add_argument("--scans", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        build(data, args.packs)
        desk = open_desk(data)
        print(f"{args.packs} packs on file")
        core(desk, args.scans)
        asyncio.run(in_the_desk(desk, args.scans))
        desk.store.close()
    print(f"(machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f})")


if __name__ == "__main__":
    main()
