"""Dashboard refresh time at 10,000 packs (one read of the store's state, one assessment pass).

Run: ``.venv/bin/python bench/bench_dashboard.py [N]``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_export import make_desk

from deskapp.dashboard import build_dashboard, filter_rows


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        desk = make_desk(Path(tmp) / "data", n, incomplete_every=3)
        print(f"set-up: {n} packs in {time.perf_counter() - t0:.1f} s")
        t, c = time.perf_counter(), time.process_time()
        board = build_dashboard(desk.store)
        print(
            f"first build (every pack assessed): {(time.perf_counter() - t) * 1000:.0f} ms wall, "
            f"{(time.process_time() - c) * 1000:.0f} ms CPU"
        )
        times, cpu = [], []
        for i in range(5):
            pack = desk.store.packs()[i * 7]
            desk.store.update(pack.id, {"notes": f"refresh {i}"}, "张三")  # one change between refreshes
            t, c = time.perf_counter(), time.process_time()
            board = build_dashboard(desk.store)
            times.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        t = time.perf_counter()
        shown = filter_rows(board.incomplete_rows, text="能源", sort="missing")
        filtering = time.perf_counter() - t
        print(
            f"refresh after one change: median {statistics.median(times) * 1000:.0f} ms wall, "
            f"{statistics.median(cpu) * 1000:.0f} ms CPU over {board.total} packs "
            f"({board.incomplete} incomplete); filter+sort the list: {filtering * 1000:.1f} ms ({len(shown)} rows)"
        )


if __name__ == "__main__":
    main()
