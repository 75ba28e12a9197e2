"""The core behind the screens: the list's rows and searches, sector choice, media, masking."""

from __future__ import annotations

import pytest

from deskapp.forms import expand_medium, match_sector, sector_hint
from deskapp.listing import Listing, mask_phone
from deskapp.service import Desk
from tests.conftest import full_checklist, studio_fields

SECTORS = ("煤炭煤电煤化工", "有色金属冶炼", "绿色矿业", "新能源新材料", "教育", "卫生")


@pytest.mark.parametrize(
    "typed, found",
    [
        ("1", ["煤炭煤电煤化工"]),
        ("６", ["卫生"]),  # full-width digit from a Chinese IME
        ("7", []),
        ("mt", ["煤炭煤电煤化工"]),
        ("MT", ["煤炭煤电煤化工"]),
        ("meitan", ["煤炭煤电煤化工"]),
        ("ys", ["有色金属冶炼"]),
        ("x", ["新能源新材料"]),
        ("j", ["教育"]),
        ("新能源", ["新能源新材料"]),
        ("教育", ["教育"]),
        ("qq", []),
        ("", []),
    ],
)
def test_match_sector(typed: str, found: list[str]) -> None:
    assert match_sector(SECTORS, typed) == found


def test_sector_hint_says_what_will_be_recorded() -> None:
    assert sector_hint(SECTORS, "mt") == ("煤炭煤电煤化工", "→ 煤炭煤电煤化工")
    assert sector_hint(SECTORS, "航空")[0] is None and "不在申报范围内" in sector_hint(SECTORS, "航空")[1]
    assert "1 煤炭煤电煤化工" in sector_hint(SECTORS, "")[1]
    two = ("教育", "金融")
    assert sector_hint(two, "j") == (None, "可能是：教育、金融。请多输入几个字母")


def test_expand_medium() -> None:
    assert [expand_medium(t) for t in ("u", "U盘", "光", "邮", "移动", "网", "软盘", " ")] == [
        "U盘",
        "U盘",
        "光盘",
        "邮件",
        "移动硬盘",
        "网盘",
        "软盘",
        "",
    ]


def test_mask_phone() -> None:
    assert mask_phone("13900000000") == "139****0000"
    assert mask_phone("0994-1234567") == "099*****4567"
    assert mask_phone("12345") == "*****"


def test_listing_narrowing_search_equals_full_search(desk: Desk) -> None:
    for n in range(30):
        desk.store.register(
            "studio" if n % 3 else "project",
            studio_fields(
                unit=f"准东{'煤化工' if n % 2 else '铝业'}{n}公司",
                name=f"工作室{n}",
                leader="王建国" if n % 5 else "李秀英",
            ),
            "张三",
        )
    listing = Listing(desk.store, limit=7)
    for text in [
        "z",
        "zd",
        "zdm",
        "zdmh",
        "zdm",
        "准",
        "准东",
        "准东铝",
        "",
        "l",
        "lx",
        "lxy",
        "ZD2026-XM-000",
        "ZD2026-XM-0001",
    ]:
        page = listing.page(text)
        full = desk.store.search_ids(text, "2026") if text else desk.store.ids("2026")
        assert list(page.ids) == full[:7], text
        assert page.total == len(full) and page.truncated == (len(full) > 7)


def test_listing_rows_follow_changes(desk: Desk) -> None:
    first = desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=20)
    listing = Listing(desk.store)
    assert listing.row(first.id).summary == "齐全"
    assert listing.page("").total == 1
    second = desk.store.register("studio", studio_fields(), "李四", checklist=full_checklist(desk, "studio"), pages=20)
    assert listing.page("").ids == (second.id, first.id)
    assert listing.row(second.id).summary == "疑似重复：ZD2026-GZS-0001"
    assert listing.row(first.id).summary == "齐全"  # the earlier pack is not the duplicate
    desk.store.update(first.id, {"checklist.ecopy": False}, "张三")
    assert listing.row(first.id).summary == "缺：电子版"
    desk.store.update(second.id, {"name": "另一个工作室"}, "张三", reason="单位更正名称")
    assert listing.row(second.id).summary == "齐全"
