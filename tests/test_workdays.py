"""Working days as the State Council sets them: 补正 due dates never on a rest day (issue 13.1)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime

import pytest

from deskapp import outcomes, supplement_act
from deskapp.config import ConfigError, load_config
from deskapp.locations import templates_dir
from deskapp.outcomes import OutcomeError
from deskapp.printing import issue
from deskapp.timeutil import BEIJING
from deskapp.workdays import OfficeCalendar, add_workdays, check_due, is_workday, known_years, rest_reason
from tests.conftest import studio_fields


def test_national_day_2026_is_skipped():
    # Wednesday 30 September 2026 + 1 working day: 1–7 October are 国庆/中秋, Thursday 8 October is the next.
    due = add_workdays(date(2026, 9, 30), 1)
    assert due.day == date(2026, 10, 8) and due.warning == ""
    assert rest_reason(date(2026, 10, 1)) == "国庆节"
    # From Friday 25 September (中秋): Mon 28, Tue 29, Wed 30, Thu 8, Fri 9 October.
    assert add_workdays(date(2026, 9, 24), 5).day == date(2026, 10, 9)


def test_spring_festival_2026_is_skipped():
    # 15–23 February 2026 are 春节 rest days; Friday 13 February + 1 working day is Saturday 14 February,
    # a 调休 working day, then + 2 is Tuesday 24 February.
    assert add_workdays(date(2026, 2, 13), 1).day == date(2026, 2, 14)
    assert add_workdays(date(2026, 2, 13), 2).day == date(2026, 2, 24)
    assert rest_reason(date(2026, 2, 17)) == "春节"
    assert not is_workday(date(2026, 2, 19))


def test_a_tiaoxiu_saturday_is_a_working_day():
    assert date(2026, 2, 28).weekday() == 5 and is_workday(date(2026, 2, 28))
    assert date(2026, 10, 10).weekday() == 5 and is_workday(date(2026, 10, 10))
    assert date(2026, 9, 20).weekday() == 6 and is_workday(date(2026, 9, 20))
    assert rest_reason(date(2026, 6, 13)) == "星期六"
    # Friday 9 October + 1 working day is Saturday 10 October (调休上班), not Monday 12.
    assert add_workdays(date(2026, 10, 9), 1).day == date(2026, 10, 10)


def test_an_unknown_year_is_said_plainly_and_the_office_can_add_it():
    assert 2027 not in known_years()
    due = add_workdays(date(2026, 12, 28), 5)
    # Tue 29, Wed 30, Thu 31 December 2026 (known), then Fri 1 and Mon 4 January 2027 as plain weekdays.
    assert due.day == date(2027, 1, 4) and due.unknown_years == (2027,)
    assert "2027年" in due.warning and "calendar 一节" in due.warning and "请核对" in due.warning
    office = OfficeCalendar(rest_days=frozenset({date(2027, 1, 1)}), work_days=frozenset({date(2027, 1, 9)}))
    assert 2027 in known_years(office)
    known = add_workdays(date(2026, 12, 28), 5, office)
    assert known.day == date(2027, 1, 5) and known.warning == ""  # 元旦 entered by the office
    assert is_workday(date(2027, 1, 9), office) and not is_workday(date(2027, 1, 1), office)


def test_a_due_date_on_a_rest_day_is_refused_with_the_next_working_day():
    assert "国庆节" in check_due(date(2026, 10, 5)) and "2026年10月8日" in check_due(date(2026, 10, 5))
    assert check_due(date(2026, 10, 10)) == ""  # 调休 Saturday
    weekend_2027 = check_due(date(2027, 1, 2))
    assert "星期六" in weekend_2027 and "尚不知道" in weekend_2027


def test_the_calendar_section_is_read_and_checked(tmp_path):
    office = tmp_path / "desk.toml"
    office.write_text(
        '[calendar]\nrest_days = ["2027-01-01", 2027-02-06]\nwork_days = ["2027-02-14"]\n', encoding="utf-8"
    )
    config = load_config(templates_dir() / "desk.toml", office)
    assert config.calendar.rest_days == {date(2027, 1, 1), date(2027, 2, 6)}
    assert config.calendar.work_days == {date(2027, 2, 14)}
    office.write_text('[calendar]\nrest_days = ["2027-13-01"]\nwork_days = "2027-02-14"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_config(templates_dir() / "desk.toml", office)
    assert "calendar.rest_days" in str(caught.value) and "calendar.work_days" in str(caught.value)


def test_the_supplement_due_date_follows_the_schedule(desk):
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=3)
    desk.store.clock = lambda: datetime(2026, 9, 29, 10, 0, tzinfo=BEIJING)
    proposed = outcomes.default_due(desk.store)
    # Tue 29 Sep + 5: Wed 30, Thu 8, Fri 9, Sat 10 (调休), Mon 12 October.
    assert proposed.day == date(2026, 10, 12)
    with pytest.raises(OutcomeError, match="国庆节"):
        outcomes.request_supplement(desk.store, pack.id, "张三", due="2026-10-02")
    act = supplement_act.issue_supplement(desk.store, pack.id, "张三")
    assert act.recorded_now and act.due == "2026-10-12" and act.warning == ""


def test_a_notice_into_an_unknown_year_tells_the_clerk(desk, tmp_path):
    pack = desk.store.register("studio", studio_fields(), "张三", checklist={"form1": True}, pages=3)
    desk.config = replace(
        desk.config, round=replace(desk.config.round, deadline=datetime(2027, 6, 15, 23, 59, tzinfo=BEIJING))
    )
    desk.store.config = desk.config
    desk.store.clock = lambda: datetime(2026, 12, 29, 10, 0, tzinfo=BEIJING)
    result = issue(desk, pack, "李四", "notice", to_printer=False, out=tmp_path)
    assert result.ok, result.message
    assert "2027年" in result.message and "calendar 一节" in result.message
    # the clerk can still give a date: a weekday of the unknown year is taken as given
    again = supplement_act.issue_supplement(desk.store, pack.id, "李四", due="2027-01-06")
    assert again.recorded_now and again.due == "2027-01-06"
