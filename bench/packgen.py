"""Fill a data folder with packs for the benchmarks (real registrations through the store)."""

from __future__ import annotations

import random
from datetime import timedelta
from pathlib import Path

from deskapp.config import StaffMember
from deskapp.service import Desk, open_desk, save_staff
from deskapp.timeutil import parse_time

CITIES = ["准东", "奇台", "吉木萨尔", "昌吉", "阜康", "五彩湾", "芨芨湖", "大井"]
TRADES = ["煤化工", "煤电", "铝业", "硅材料", "新能源", "矿业", "电力", "化工", "物流", "建材"]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "分公司"]
PEOPLE = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞"]


def fill(data: Path, count: int, seed: int = 7) -> Desk:
    """Register ``count`` packs (studios and projects) into ``data`` and return the desk."""
    start = parse_time("2026-06-02 09:00")
    clock_at = [start]

    def clock():
        clock_at[0] += timedelta(seconds=37)
        return clock_at[0]

    desk = open_desk(data, clock=clock)
    if not desk.config.staff:
        save_staff(desk.locations, [StaffMember("张三"), StaffMember("李四")])
        desk.reload_config()
    rng = random.Random(seed)
    sectors = desk.config.round.sectors
    have = desk.store.count()
    for n in range(have, count):
        kind = "studio" if n % 3 else "project"
        unit = f"{rng.choice(CITIES)}{rng.choice(TRADES)}{n:05d}{rng.choice(FORMS)}"
        name = f"{rng.choice(TRADES)}{'技能大师工作室' if kind == 'studio' else '技术攻关项目'}{n}"
        checklist = {item.key: rng.random() > 0.1 for item in desk.config.round.checklist(kind)}
        desk.store.register(
            kind,
            {
                "unit": unit,
                "name": name,
                "sector": rng.choice(sectors),
                "leader": rng.choice(PEOPLE),
                "contact": rng.choice(PEOPLE),
                "phone": f"139{rng.randrange(10**8):08d}",
                "members": rng.randint(4, 11) if kind == "studio" else None,
            },
            rng.choice(["张三", "李四"]),
            checklist=checklist,
            pages=rng.randint(10, 30),
        )
    return desk
