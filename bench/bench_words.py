"""The suggestion for a mistyped receipt number over 10,000 numbers on file.

Run: ``.venv/bin/python bench/bench_words.py [N]``. Prints the median wall time of
:func:`deskapp.numbering.nearest_receipts` for several kinds of typo.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from deskapp.numbering import nearest_receipts

TYPOS = {
    "without dashes, lower case": "zd2026gzs0123",
    "fewer zeros": "ZD2026-GZS-123",
    "two letters swapped": "ZD2026-GSZ-0123",
    "letter O for zero": "ZD2026-GZS-O123",
    "one letter missing": "ZD2026-GZ-0123",
    "nothing near": "ZD2031-ABC-99999",
}


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    half = n // 2
    numbers = [f"ZD2026-GZS-{i:04d}" for i in range(1, half + 1)] + [
        f"ZD2026-XM-{i:04d}" for i in range(1, n - half + 1)
    ]
    nearest_receipts("warm-up", numbers)  # loads rapidfuzz once, as the first call in a CLI run does
    for what, typed in TYPOS.items():
        times = []
        for _ in range(7):
            t = time.perf_counter()
            found = nearest_receipts(typed, numbers)
            times.append(time.perf_counter() - t)
        print(
            f"{what:28} {typed:18} → {', '.join(found) or '（无）':40} median {statistics.median(times) * 1000:.1f} ms over {n} numbers"
        )


if __name__ == "__main__":
    main()
