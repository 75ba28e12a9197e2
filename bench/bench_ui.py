"""Speed of the desk's screen with many packs on file; prints figures.

    python bench/bench_ui.py [--packs 10000] [--data DIR] [--runs 5]

1. Cold start: from process start to the first paint of the main screen (headless),
   in a fresh interpreter each run, with ``--packs`` packs in the journal.
2. Search per keystroke in the running app: each key typed into the main screen's box
   (search, then at most 200 rows into the table). Two figures per key: the screen's own
   work (search + table) and the whole key round trip through Pilot (key event, handlers,
   repaint, idle). Targets: cold start <= 0.8 s, keystroke <= 16 ms.

Packs are generated with ``store.register`` into a temporary folder (or ``--data``, reused
when it already holds enough packs).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD = r"""
import sys, time
sys.path.insert(0, {root!r})
from deskapp.app import DeskApp
from deskapp.service import open_desk
from screens.main import MainScreen

class FirstPaint(MainScreen):
    def on_mount(self):
        super().on_mount()
        self.call_after_refresh(self.painted)

    def painted(self):
        print("PAINT", time.time(), self.app.listing.version, flush=True)
        self.app.exit()

class BenchApp(DeskApp):
    MAIN_SCREEN = FirstPaint

BenchApp(open_desk({data!r}), clerk="张三").run(headless=True, size=(140, 40))
"""


def ensure_packs(data: Path, count: int) -> None:
    from bench.packgen import fill
    from deskapp.service import open_desk

    have = open_desk(data).store.count() if (data / "journal.jsonl").exists() else 0
    if have < count:
        print(f"generating {count - have} packs into {data} …", flush=True)
        started = time.perf_counter()
        fill(data, count)
        print(f"  done in {time.perf_counter() - started:.1f} s", flush=True)
    store = open_desk(data).store
    if store.snapshot_entry_no != store.journal.entry_no:
        store.save_snapshot()  # what the desk does at exit (run_app → store.close) and at the daily backup
        print("  snapshot saved, as a desk closing would", flush=True)


def cold_start(data: Path, runs: int) -> tuple[list[float], list[float]]:
    """Wall time to the first paint, and the CPU time the child used in all (to paint, then exit)."""
    code = CHILD.format(root=str(ROOT), data=str(data))
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.time()
        out = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT, check=False
        )
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        painted = [line for line in out.stdout.splitlines() if line.startswith("PAINT")]
        if not painted:
            raise SystemExit(f"child failed:\n{out.stdout}\n{out.stderr}")
        walls.append(float(painted[0].split()[1]) - started)
        cpus.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))
    return walls, cpus


TYPED = [
    "准东",  # Chinese, as an IME commits it
    "zdmh",  # pinyin initials
    "ZD2026-GZS-0012",  # a receipt number typed by hand
    "王建国",
    "铝业",
]


async def keystrokes(data: Path) -> tuple[list[float], list[float], list[float], int]:
    """Per key: the screen's own work, and key posted → list repainted (the clerk's wait)."""
    from textual import events
    from textual.keys import _character_to_key

    from deskapp.app import DeskApp
    from deskapp.service import open_desk
    from screens.main import MainScreen

    work: list[float] = []
    painted = asyncio.Event()

    class Timed(MainScreen):
        def show_rows(self, force: bool = False) -> None:
            started = time.perf_counter()
            super().show_rows(force)
            work.append(time.perf_counter() - started)
            self.call_after_refresh(painted.set)

    class App(DeskApp):
        MAIN_SCREEN = Timed

    desk = open_desk(data)
    app = App(desk, clerk="张三")
    latencies: list[float] = []
    cpu: list[float] = []
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        work.clear()
        for text in TYPED:
            keys = [(_character_to_key(ch), ch) for ch in text] + [("backspace", None)] * len(text)
            for key, char in keys:
                painted.clear()
                started, cpu_started = time.perf_counter(), time.process_time()
                app.post_message(events.Key(key, char))
                await asyncio.wait_for(painted.wait(), 10)
                latencies.append(time.perf_counter() - started)
                cpu.append(time.process_time() - cpu_started)
                await pilot.pause()
        count = desk.store.count()
    return work, latencies, cpu, count


def show(label: str, values: list[float], unit: str = "ms", scale: float = 1000) -> None:
    ordered = sorted(values)
    p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
    print(
        f"{label:<52} n={len(values):<4} p50 {statistics.median(values) * scale:7.1f} {unit}"
        f"   p95 {p95 * scale:7.1f} {unit}   max {ordered[-1] * scale:7.1f} {unit}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--packs", type=int, default=10_000)
    parser.add_argument("--data", type=Path, help="data folder to use (generated when short of packs)")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    data = args.data or Path(tempfile.mkdtemp(prefix="bench-ui-")) / "data"
    data.mkdir(parents=True, exist_ok=True)
    ensure_packs(data, args.packs)

    print(f"\npython {sys.version.split()[0]}, {os.cpu_count()} CPUs, data {data}")
    print(f"load average now: {', '.join(f'{x:.1f}' for x in os.getloadavg())} (wall times suffer on a busy machine)")
    walls, cpus = cold_start(data, args.runs)
    show(f"cold start → main screen painted, wall ({args.packs} packs)", walls, "s", 1)
    show("cold start, CPU of the whole run (incl. exit)", cpus, "s", 1)
    work, trips, cpu, count = asyncio.run(keystrokes(data))
    show(f"keystroke: search + rows ({count} packs)", work)
    show(f"keystroke: key → list repainted, wall ({count} packs)", trips)
    show("keystroke: key → list repainted, CPU", cpu)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
