"""附件2 export time for 1,000 studio packs, and its ratio to bare openpyxl writing the same cells.

Run: ``.venv/bin/python bench/bench_export.py [N]``. Targets: <= 2 s and <= 1.3x.
Both timings include building the rows' cells and saving the file; the bare run writes the
same label, title, headers and values of both sheets (附件2 and 申报情况) with ``ws.append`` and
no styles, merges or sizes (the rows' values are computed before its clock starts).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from openpyxl import Workbook

from deskapp.config import StaffMember
from deskapp.exports.annex2 import (
    HEADERS,
    LABEL,
    STATUS_HEADERS,
    STATUS_SHEET,
    TITLE,
    plan_annex2,
    rows_of,
    status_rows,
    write_annex2,
)
from deskapp.service import open_desk, save_staff
from deskapp.timeutil import BEIJING

SECTORS = ["煤炭煤电煤化工", "有色金属冶炼", "绿色矿业", "新能源新材料", "教育", "卫生"]


def make_desk(folder: Path, n: int, incomplete_every: int = 0):  # type: ignore[no-untyped-def]
    start = datetime(2026, 6, 3, 9, 0, tzinfo=BEIJING)
    ticks = iter(start + timedelta(minutes=7 * i) for i in range(10**7))
    desk = open_desk(folder, clock=lambda: next(ticks))
    save_staff(desk.locations, [StaffMember("张三")])
    desk.reload_config()
    checklist = {item.key: True for item in desk.config.round.checklist("studio")}
    for i in range(n):
        details = {
            "awards": f"{2015 + i % 10}年获自治区技术能手称号；全国煤炭行业技能大赛二等奖（第{i % 5 + 1}名）。" * 2,
            "achievements": "主持完成气化炉节能改造项目，年节约标煤约1.2万吨；带徒32名，其中高级技师5名。" * 3,
            "unit_intro": "公司成立于2012年，主营煤制烯烃、煤制天然气，员工1800余人，年产值约45亿元。" * 2,
            "support": "提供工作室场地200平方米，每年安排专项经费50万元，配备实训设备，落实带徒津贴。" * 2,
            "goals": "三年内培养高级工以上技能人才30名，完成技术攻关5项，申请专利3项，形成标准化作业指导书。" * 2,
        }
        fields = {
            "unit": f"准东某能源有限公司{i:04d}",
            "name": f"技能大师工作室{i:04d}",
            "sector": SECTORS[i % len(SECTORS)],
            "leader": "王建国",
            "contact": "刘敏",
            "phone": "13900000000",
            "members": 5 + i % 6,
            "details": details,
        }
        ticks_list = dict(checklist, ecopy=False) if incomplete_every and i % incomplete_every == 0 else checklist
        desk.store.register("studio", fields, "张三", checklist=ticks_list, pages=20)
    return desk


def bare(path: Path, rows: list[list[object]], status: list[list[object]]) -> None:
    """The same cells on the same two sheets (附件2 and 申报情况), no styles, merges or sizes."""
    wb = Workbook()
    ws = wb.active
    ws.append([LABEL])
    ws.append([TITLE])
    ws.append(list(HEADERS))
    for row in rows:
        ws.append(row)
    second = wb.create_sheet(STATUS_SHEET)
    second.append([h for h, _ in STATUS_HEADERS])
    for row in status:
        second.append(row)
    wb.save(path)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        desk = make_desk(Path(tmp) / "data", n)
        print(f"set-up: {n} studio packs registered in {time.perf_counter() - t0:.1f} s")
        desk_times, bare_times, desk_cpu, bare_cpu = [], [], [], []
        for i in range(9):  # interleaved, so both see the same machine load
            t, c = time.perf_counter(), time.process_time()
            result = write_annex2(desk.store)
            desk_times.append(time.perf_counter() - t)
            desk_cpu.append(time.process_time() - c)
            plan = plan_annex2(desk.store)
            rows, status = rows_of(plan.official), status_rows(plan, desk.store)  # the same cells, the same input
            t, c = time.perf_counter(), time.process_time()
            bare(Path(tmp) / f"bare{i}.xlsx", rows, status)
            bare_times.append(time.perf_counter() - t)
            bare_cpu.append(time.process_time() - c)
        assert result.rows == n
        ours, theirs = statistics.median(desk_times), statistics.median(bare_times)
        print(
            f"附件2 export ({n} packs, template, styles, heights, print setup, save): median {ours:.3f} s "
            f"(runs: {', '.join(f'{t:.3f}' for t in desk_times)})"
        )
        print(
            f"bare openpyxl, same cells, ws.append + save:            median {theirs:.3f} s "
            f"(runs: {', '.join(f'{t:.3f}' for t in bare_times)})"
        )
        print(
            f"ratio (wall clock) of medians: {ours / theirs:.2f}x, of best runs: {min(desk_times) / min(bare_times):.2f}x"
        )
        cpu_ours, cpu_theirs = statistics.median(desk_cpu), statistics.median(bare_cpu)
        print(
            f"ratio (CPU time, less disturbed by other processes): {cpu_ours / cpu_theirs:.2f}x "
            f"({cpu_ours:.3f} s vs {cpu_theirs:.3f} s)"
        )
        print("targets: <= 2 s and <= 1.3x")
        print(f"file: {result.path.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
