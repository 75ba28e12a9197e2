"""Beijing time, whatever the machine's own zone, and an injectable clock."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta, timezone

BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The current moment in Beijing time (aware)."""
    return datetime.now(BEIJING)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always answers ``moment``; for tests and snapshots."""
    moment = to_beijing(moment)
    return lambda: moment


def to_beijing(moment: datetime) -> datetime:
    """Interpret naive datetimes as Beijing time; convert aware ones."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=BEIJING)
    return moment.astimezone(BEIJING)


def parse_time(text: str) -> datetime:
    """Parse an ISO-8601 time; a time without zone is Beijing time."""
    return to_beijing(datetime.fromisoformat(text.strip()))


def iso(moment: datetime) -> str:
    """How the store writes a moment: Beijing ISO-8601 to the second, ``2026-06-10T09:30:00+08:00``."""
    return to_beijing(moment).isoformat(timespec="seconds")


def show(moment: datetime | str | None, seconds: bool = False) -> str:
    """A time as the clerk reads it: ``2026-06-10 09:30``."""
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = parse_time(moment)
    return to_beijing(moment).strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def day_cn(day: date | datetime | str) -> str:
    """A day as the office writes it on paper: ``2026年6月15日`` (no leading zeros, no spaces)."""
    if isinstance(day, str):
        day = date.fromisoformat(day.strip()[:10])
    if isinstance(day, datetime):
        day = to_beijing(day)
    return f"{day.year}年{day.month}月{day.day}日"


def show_cn(moment: datetime | str | None) -> str:
    """A moment as the office writes it on paper: ``2026年6月15日 23:59`` (Beijing time).

    The one date style of the slip, the 补正告知书 and the 逾期告知书 (issue 13).
    """
    if moment is None or moment == "":
        return ""
    if isinstance(moment, str):
        moment = parse_time(moment)
    moment = to_beijing(moment)
    return f"{day_cn(moment)} {moment:%H:%M}"
