"""Working days as the State Council sets them (法定节假日 and 调休), for 补正 due dates.

The published schedule of past and current years comes from ``chinesecalendar`` (the
State Council's 国务院办公厅关于部分节假日安排的通知 as data, one release per year); the
office adds a year the library does not know yet under ``[calendar]`` in ``desk.toml``
(``rest_days`` and ``work_days``) as soon as the notice is published each November or
December. A year that neither knows is *unknown*: a due date counted into it uses
Monday–Friday and says so (:attr:`DueDate.warning`), and the clerk may give a date instead.

A day is a rest day when it is a published holiday (including the days off moved by 调休),
or a Saturday/Sunday that is not a published 调休 working day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

# What chinesecalendar calls each holiday, in the words of the State Council's notice.
HOLIDAY_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


@dataclass(frozen=True)
class OfficeCalendar:
    """Days the office added in ``[calendar]`` of ``desk.toml`` (they win over the library)."""

    rest_days: frozenset[date] = frozenset()
    """Published 放假 days (holidays and the days off moved by 调休)."""
    work_days: frozenset[date] = frozenset()
    """Published 调休 上班 days (a Saturday or Sunday worked)."""

    @property
    def years(self) -> frozenset[int]:
        """Years the office has entered: a year with any rest day listed counts as known."""
        return frozenset(d.year for d in self.rest_days)


@lru_cache(maxsize=1)
def _library() -> tuple[dict[date, str], frozenset[date], frozenset[int]]:
    """(holiday → Chinese name, 调休 working days, years covered) from chinesecalendar."""
    from chinese_calendar import constants

    rest = {
        day: HOLIDAY_NAMES.get(str(getattr(name, "value", name)), str(getattr(name, "value", name)))
        for day, name in constants.holidays.items()
    }
    work = frozenset(constants.workdays)
    years = frozenset(d.year for d in rest) | frozenset(d.year for d in work)
    return rest, work, years


def known_years(office: OfficeCalendar | None = None) -> frozenset[int]:
    """Years whose rest and work days the desk knows (library + office)."""
    years = _library()[2]
    return years | (office.years if office else frozenset())


def is_known(day: date, office: OfficeCalendar | None = None) -> bool:
    """Whether the desk knows the rest and work days of ``day``'s year (else only weekends count)."""
    return day.year in known_years(office)


def rest_reason(day: date, office: OfficeCalendar | None = None) -> str:
    """Why ``day`` is a rest day (``国庆节``, ``星期六`` …), or empty when it is a working day.

    In a year the desk does not know only weekends count (see :func:`is_known`).
    """
    office = office or OfficeCalendar()
    if day in office.work_days:
        return ""
    if day in office.rest_days:
        return "法定节假日"
    holidays, workdays, _years = _library()
    if day in workdays:
        return ""
    if day in holidays:
        return holidays[day]
    if day.weekday() >= 5:
        return "星期六" if day.weekday() == 5 else "星期日"
    return ""


def is_workday(day: date, office: OfficeCalendar | None = None) -> bool:
    """A working day: not a holiday or weekend, or a 调休 working weekend (:func:`rest_reason` empty)."""
    return not rest_reason(day, office)


def next_workday(day: date, office: OfficeCalendar | None = None) -> date:
    """``day`` itself when it is a working day, else the first working day after it."""
    while not is_workday(day, office):
        day += timedelta(days=1)
    return day


@dataclass(frozen=True)
class DueDate:
    """A due date counted in working days, and what the clerk must be told about it."""

    day: date
    unknown_years: tuple[int, ...] = ()
    """Years counted through whose holidays the desk does not know (Monday–Friday used)."""

    @property
    def warning(self) -> str:
        """Empty, or a sentence in Chinese saying the date is counted without the holidays of a year."""
        if not self.unknown_years:
            return ""
        years = "、".join(f"{y}年" for y in self.unknown_years)
        return (
            f"受理台还不知道{years}的法定节假日和调休安排，截止日期按周一至周五推算，请核对；"
            "国务院办公厅通知发布后，请在 desk.toml 的 calendar 一节添加当年的放假和上班日期。"
        )


def add_workdays(start: date, days: int, office: OfficeCalendar | None = None) -> DueDate:
    """The ``days``-th working day after ``start`` (``start`` itself not counted).

    Rest days are skipped as :func:`rest_reason` tells; the answer never falls on a rest day.
    ``days`` must be ≥ 0 (0: ``start`` or the next working day). Source: the notice's
    补正 practice of 一次性告知 with a due date; the schedule is the State Council's.
    """
    if days < 0:
        raise ValueError("days must be >= 0")
    unknown: set[int] = set()
    current = start
    left = days
    while left > 0:
        current += timedelta(days=1)
        if not is_known(current, office):
            unknown.add(current.year)
        if is_workday(current, office):
            left -= 1
    if days == 0:
        if not is_known(current, office):
            unknown.add(current.year)
        current = next_workday(current, office)
    return DueDate(current, tuple(sorted(unknown)))


def check_due(day: date, office: OfficeCalendar | None = None) -> str:
    """Empty when ``day`` may be a due date; else why not, in Chinese, with the next working day."""
    reason = rest_reason(day, office)
    if not reason:
        return ""
    after = next_workday(day, office)
    note = (
        ""
        if is_known(day, office)
        else f"（{day.year}年的调休安排受理台尚不知道；如当天调休上班，请在 desk.toml 的 calendar 一节 work_days 中添加）"
    )
    return f"{day.year}年{day.month}月{day.day}日是休息日（{reason}），截止日期须为工作日，例如 {after.year}年{after.month}月{after.day}日{note}。"


def parse_days(values: Iterable[object], where: str, problems: list[str]) -> frozenset[date]:
    """Dates from a TOML list (TOML dates or ``YYYY-MM-DD`` text); faults appended to ``problems``."""
    found: set[date] = set()
    for value in values:
        if isinstance(value, date):
            found.add(value)
            continue
        try:
            found.add(date.fromisoformat(str(value).strip()))
        except ValueError:
            problems.append(f"{where} 中的 {value!r} 不是有效日期（例：2027-01-01）")
    return frozenset(found)
