"""Speed of slips and scans: prints figures, asserts nothing.

    .venv/bin/python bench/bench_slips.py [--packs 10000]

- slip generation: first slip of a process (cold: fonts loaded, layout code warmed) and the
  median / 90th percentile of the next ones (warm), per paper; target <= 150 ms warm (A5); and a
  slip whose unit name needs a fallback font (CJK Extension B, Uyghur in Arabic script).
- scan-to-open: verify a scanned payload and find its pack (``read_scan``) with N packs on file.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

T0 = time.perf_counter()
# Imported after the clock starts and after sys.path is set: the import time is one of the figures.
from deskapp import slip_layout, slips  # noqa: E402
from deskapp.config import StaffMember  # noqa: E402

IMPORT_MS = (time.perf_counter() - T0) * 1000

from deskapp import journal  # noqa: E402
from deskapp.printing import render_for  # noqa: E402
from deskapp.receipt_qr import read_scan, signer_for  # noqa: E402
from deskapp.service import open_desk, save_staff  # noqa: E402
from deskapp.timeutil import BEIJING  # noqa: E402

SECTORS = ["煤炭煤电煤化工", "有色金属冶炼", "绿色矿业", "新能源新材料", "教育", "卫生"]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:7.1f} ms"


def build(data: Path, packs: int) -> None:
    """Register ``packs`` packs (fsync skipped while building the fixture only)."""
    real_fsync = journal.os.fsync
    journal.os.fsync = lambda fd: None  # type: ignore[assignment]
    try:
        start = datetime(2026, 6, 2, 9, 0, tzinfo=BEIJING)
        end = start + timedelta(minutes=packs)  # the store refuses a received time later than its clock
        desk = open_desk(data, clock=lambda: end)
        save_staff(desk.locations, [StaffMember("张三")])
        for n in range(packs):
            kind = "studio" if n % 3 else "project"
            fields = {
                "unit": f"准东第{n % 700}号有限公司",
                "name": f"第{n}号技能大师工作室",
                "sector": SECTORS[n % 6],
                "members": 5 + n % 6,
            }
            desk.store.register(
                kind,
                fields,
                "张三",
                checklist={"ecopy": bool(n % 2)},
                pages=10 + n % 20,
                received_at=start + timedelta(minutes=n),
            )
    finally:
        journal.os.fsync = real_fsync


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--packs", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    print(f"import deskapp.slips, slip_layout (fpdf2, qrcode): {ms(IMPORT_MS / 1000)}")
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "data"
        t = time.perf_counter()
        build(data, args.packs)
        print(f"built {args.packs} packs in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        desk = open_desk(data)
        print(f"open the desk on {args.packs} packs: {ms(time.perf_counter() - t)}")
        pack = desk.store.packs()[args.packs // 2]

        t = time.perf_counter()
        render_for(desk, pack, "slip", "张三")
        print(f"first slip of the process (cold, A5):   {ms(time.perf_counter() - t)}")
        for paper in ("A5", "A4", "80mm"):
            for counterfoil in (False, True):
                desk.config = replace(desk.config, slip=replace(desk.config.slip, paper=paper, counterfoil=counterfoil))
                desk.store.config = desk.config
                timings = []
                verdict = desk.store.assess(pack)
                payload = signer_for(desk.locations.secret).payload(pack.receipt_no)
                for _ in range(args.rounds):
                    t = time.perf_counter()
                    main_copy = slips.slip_document(desk.config, pack, verdict, payload)
                    stub = (
                        slips.slip_document(desk.config, pack, verdict, payload, copy_label="存根")
                        if counterfoil
                        else None
                    )
                    slip_layout.render(main_copy, paper, stub)
                    timings.append(time.perf_counter() - t)
                timings.sort()
                p90 = timings[int(len(timings) * 0.9) - 1]
                label = f"{paper}{' + 存根' if counterfoil else ''}"
                print(
                    f"slip warm (render only) {label:11s} median {ms(statistics.median(timings))}  p90 {ms(p90)}  min {ms(timings[0])}"
                )
        desk.config = replace(desk.config, slip=replace(desk.config.slip, paper="A5", counterfoil=False))
        desk.store.config = desk.config
        for doc in ("slip", "notice"):
            timings = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                render_for(desk, pack, doc, "张三")
                timings.append(time.perf_counter() - t)
            print(
                f"{doc} A5 as printed (with the pack's assessment, {args.packs} on file): median {ms(statistics.median(timings))}"
            )
        # Names of the region: the fallback fonts (CJK Extension B; Arabic script with HarfBuzz shaping).
        for label, unit in (
            ("𠮷 (Extension B)", "准东𠮷祥能源有限公司"),
            ("Uyghur (shaped)", "شىنجاڭ جۇڭدۇڭ ئېلېكتر شىركىتى"),
        ):
            rare = replace(pack, unit=unit)
            verdict = desk.store.assess(rare)
            payload = signer_for(desk.locations.secret).payload(rare.receipt_no)
            # the fallback font loaded once
            slip_layout.render(slips.slip_document(desk.config, rare, verdict, payload))
            timings = []
            for _ in range(args.rounds):
                t = time.perf_counter()
                slip_layout.render(slips.slip_document(desk.config, rare, verdict, payload))
                timings.append(time.perf_counter() - t)
            print(f"slip warm A5, unit name {label:17s} median {ms(statistics.median(timings))}")
        t = time.perf_counter()
        desk.store.assess(pack)
        print(f"  of which store.assess (duplicate search over {args.packs} packs): {ms(time.perf_counter() - t)}")

        signer = signer_for(desk.locations.secret)
        payloads = [signer.payload(p.receipt_no) for p in desk.store.packs()[:: max(1, args.packs // 50)]]
        timings = []
        for payload in payloads:
            t = time.perf_counter()
            outcome = read_scan(desk.store, desk.locations.secret, payload, "张三")
            timings.append(time.perf_counter() - t)
            assert outcome.pack is not None
        print(
            f"scan-to-open (verify + find pack, {args.packs} on file): median {ms(statistics.median(timings))}"
            f"  max {ms(max(timings))}"
        )
        t = time.perf_counter()
        read_scan(desk.store, desk.locations.secret, payloads[0][:-1] + "0", "张三")
        print(f"refused scan (verify + journal entry with fsync):   {ms(time.perf_counter() - t)}")
    print(f"(machine: {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
