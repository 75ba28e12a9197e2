"""Read time for a filled 附件1 and for a 300-page PDF (in process and in the limited child).

Run: .venv/bin/python bench/bench_read.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deskapp.readers import read_file, read_isolated  # noqa: E402
from tests import formfactory as ff  # noqa: E402


def timed(fn, path: Path, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        report = fn(path)
        times.append(time.perf_counter() - start)
        assert report.readable, report.problems
    return statistics.median(times) * 1000, max(times) * 1000


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        members = [*ff.MEMBERS, ("周涛", "技师", "30", "仪表维护"), ("吴刚", "高级工", "45", "备件管理")]
        longs = {k: (v + "\n") * 40 for k, v in ff.LONGS.items()}
        files = {
            "附件1 (notice layout, 8 members, long texts)": ff.form1(d / "附件1.docx", members=members, longs=longs),
            "附件1 (WPS-like layout)": ff.form1(d / "附件1-wps.docx", "wps"),
            "300-page PDF (text on every page)": ff.text_pdf(d / "300.pdf", 300),
            "600-page PDF (blank pages)": ff.pdf(d / "600.pdf", 600),
        }
        print(f"{'file':48} {'size':>9} {'in-process ms (median/max)':>28} {'isolated ms (median/max)':>26}")
        for name, path in files.items():
            med, worst = timed(read_file, path, 10)
            imed, iworst = timed(read_isolated, path, 5)
            size = path.stat().st_size / 1024
            print(f"{name:48} {size:8.0f}K {med:17.1f} / {worst:7.1f} {imed:15.1f} / {iworst:7.1f}")
        bomb = ff.zip_bomb_docx(d / "bomb.docx", inflated_mb=300)
        start = time.perf_counter()
        report = read_file(bomb)
        print(
            f"{'zip bomb (300 MB inflated) refused':48} {bomb.stat().st_size / 1024:8.0f}K "
            f"{(time.perf_counter() - start) * 1000:17.1f}    ({'refused' if not report.readable else 'READ!'})"
        )


if __name__ == "__main__":
    main()
