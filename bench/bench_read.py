"""Read time for a filled 附件1, a 300-page PDF, and a pack's whole folder (in process and in the limited child).

The folder is what a unit hands in on a USB stick: a 附件1 .docx, a 附件2 .xlsx, a 30-page PDF
and 20 JPEG scans at 300 dpi (A4, 2480×3508); target for the whole folder, child included: ≤ 1.0 s.

Run: .venv/bin/python bench/bench_read.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run as a script: the checkout first

from deskapp.readers import read_file, read_folder, read_isolated, read_isolated_many
from tests import formfactory as ff


def timed(fn, path: Path, runs: int) -> tuple[float, float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        report = fn(path)
        times.append(time.perf_counter() - start)
        assert report.readable, report.problems
    return statistics.median(times) * 1000, max(times) * 1000


def pack_folder(d: Path) -> Path:
    """附件1 .docx, 附件2 .xlsx, a 30-page PDF with text, 20 JPEG scans of A4 at 300 dpi."""
    import random

    from PIL import Image, ImageDraw

    folder = d / "pack"
    (folder / "扫描件").mkdir(parents=True)
    ff.form1(folder / "附件1.docx")
    ff.form2_xlsx(folder / "附件2.xlsx", [ff.form2_row()])
    ff.text_pdf(folder / "佐证材料.pdf", 30)
    page = Image.new("L", (2480, 3508), 255)
    draw = ImageDraw.Draw(page)
    rng = random.Random(1)
    for y in range(200, 3300, 60):  # lines of "text" so the JPEG has a scan's size
        for x in range(200, 2280, 40):
            if rng.random() < 0.7:
                draw.rectangle((x, y, x + rng.randint(10, 34), y + 30), fill=rng.randint(0, 90))
    page.save(folder / "扫描件" / "第01页.jpg", "JPEG", quality=85, dpi=(300, 300))
    data = (folder / "扫描件" / "第01页.jpg").read_bytes()
    for n in range(2, 21):
        (folder / "扫描件" / f"第{n:02d}页.jpg").write_bytes(data + n.to_bytes(2, "big"))  # distinct fingerprints
    return folder


def bench_folder(d: Path) -> None:
    """Wall time (what the clerk waits) and CPU time of this process plus its reading children
    (what the reading costs; on a machine shared with other work, wall time is larger)."""
    import os
    import resource

    folder = pack_folder(d)
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 1024 / 1024
    rows = []
    for isolated in (False, True):
        walls, cpus = [], []
        for _ in range(5):
            before = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
            start = time.perf_counter()
            _reports, summary = read_folder([folder], isolated=isolated)
            walls.append(time.perf_counter() - start)
            after = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
            cpus.append(
                sum(a.ru_utime + a.ru_stime - b.ru_utime - b.ru_stime for a, b in zip(after, before, strict=True))
            )
            assert summary.files == 23 and not summary.unreadable, summary.text()
            assert summary.scan_pages == 20 and summary.pdf_pages == 30
        rows.append((isolated, statistics.median(walls) * 1000, max(walls) * 1000, statistics.median(cpus) * 1000))
    print(
        f"\npack folder: {summary.text()}; {size:.1f} MB; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    print(f"{'':48} {'':9} {'wall ms (median/max)':>28} {'CPU ms (median)':>26}")
    for isolated, med, worst, cpu in rows:
        label = "whole folder, isolated child (target ≤ 1000 ms)" if isolated else "whole folder, in process"
        print(f"{label:48} {'':9} {med:17.1f} / {worst:7.1f} {cpu:26.1f}")


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
        batch = list(files.values())
        times = []
        for _ in range(3):
            start = time.perf_counter()
            assert all(r.readable for r in read_isolated_many(batch))
            times.append(time.perf_counter() - start)
        print(
            f"{'all four above in one isolated batch (one child)':48} {'':9} {'':28} "
            f"{statistics.median(times) * 1000:15.1f} / {max(times) * 1000:7.1f}"
        )
        bomb = ff.zip_bomb_docx(d / "bomb.docx", inflated_mb=300)
        start = time.perf_counter()
        report = read_file(bomb)
        print(
            f"{'zip bomb (300 MB inflated) refused':48} {bomb.stat().st_size / 1024:8.0f}K "
            f"{(time.perf_counter() - start) * 1000:17.1f}    ({'refused' if not report.readable else 'READ!'})"
        )
        bench_folder(d)


if __name__ == "__main__":
    main()
