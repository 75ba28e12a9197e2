"""PINs: at least 6 digits, typed twice when set, wrong attempts limited per name and every one recorded
with the counter and the name tried — from the screen and the command line alike (issues 10, 12, 13)."""

from __future__ import annotations

import inspect
import json
from datetime import datetime, timedelta

import pytest

from deskapp import cli
from deskapp.app import DeskApp
from deskapp.auth import NotAllowed, check_new_pin, check_pin, hash_pin, pause_after, require_supervisor
from deskapp.config import StaffMember
from deskapp.service import Desk, open_desk, save_staff
from deskapp.timeutil import BEIJING
from screens.main import MainScreen
from screens.pin import PinSignIn
from screens.signin import SignInScreen
from tests.conftest import studio_fields
from tests.ui_keys import shown, type_text

BROWSER_KEPT = {
    "ctrl+t",
    "ctrl+w",
    "ctrl+n",
    "ctrl+tab",
    "ctrl+shift+tab",
    "ctrl+shift+t",
    "ctrl+shift+w",
    "ctrl+shift+n",
    "ctrl+pageup",
    "ctrl+pagedown",
    "f11",
    "ctrl+l",
}


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 10, 9, 30, tzinfo=BEIJING)

    def __call__(self) -> datetime:
        return self.now


def refusals(desk: Desk) -> list[dict[str, object]]:
    return [h.data for h in desk.store.history() if h.action == "pin_refused"]


@pytest.mark.parametrize("pin", ["12345", "abcdef", "12 34 56", "１２３４５６", ""])
def test_a_pin_is_at_least_six_digits(pin: str) -> None:
    with pytest.raises(ValueError, match="至少 6 位数字"):
        hash_pin(pin)


def test_a_new_pin_is_typed_twice() -> None:
    assert check_new_pin("135790", "135790") == "135790"
    with pytest.raises(ValueError, match="两次输入的 PIN 不一致"):
        check_new_pin("135790", "135791")


def test_the_pause_grows_after_five_wrong_pins() -> None:
    assert [pause_after(n) for n in range(1, 5)] == [timedelta(0)] * 4
    assert [pause_after(n).total_seconds() for n in (5, 6, 7)] == [60, 120, 240]
    assert pause_after(40) == timedelta(hours=1)


def test_the_pause_stays_at_an_hour_however_long_the_siege() -> None:
    # 2 ** (failures - 5) minutes overflowed timedelta from about 60 failures on: sign-in then crashed.
    assert [pause_after(n) for n in (60, 100, 10_000)] == [timedelta(hours=1)] * 3


@pytest.mark.parametrize(
    "entry",
    [
        {"failures": "x", "until": ""},
        {"failures": 2, "until": "not a time"},
        {"failures": 2, "until": "2026-06-10T09:40:00"},  # no zone: cannot be compared with Beijing time
        {"failures": None},
        ["not", "a", "record"],
    ],
)
def test_a_damaged_attempts_file_does_not_stop_sign_in(tmp_path, entry) -> None:  # type: ignore[no-untyped-def]
    desk = open_desk(tmp_path / "data", clock=Clock())
    (desk.store.locations.data / "pin_attempts.json").write_text(json.dumps({"王科长": entry}), encoding="utf-8")
    stored = hash_pin("246810")
    check_pin(desk.store, "王科长", "246810", stored)
    with pytest.raises(NotAllowed, match="PIN 不正确"):
        check_pin(desk.store, "王科长", "000000", stored)


def test_wrong_pins_are_limited_per_name_and_recorded(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    desk = open_desk(tmp_path / "data", clock=clock)
    stored = hash_pin("246810")
    monkeypatch.setenv("DESK_COUNTER", "浏览器 10.0.0.7")
    for _ in range(5):
        with pytest.raises(NotAllowed):
            check_pin(desk.store, "王科长", "000000", stored)
    with pytest.raises(NotAllowed, match="请 1 分 0 秒后再试"):
        check_pin(desk.store, "王科长", "246810", stored)  # right, but during the pause: refused
    check_pin(desk.store, "李四", "246810", stored)  # another name is not held back
    clock.now += timedelta(seconds=61)
    check_pin(desk.store, "王科长", "246810", stored)  # after the pause: right is right, and the count clears
    with pytest.raises(NotAllowed, match="PIN 不正确"):
        check_pin(desk.store, "王科长", "1", stored)
    seen = refusals(desk)
    assert len(seen) == 7
    assert {(r["counter"], r["name_tried"]) for r in seen} == {("浏览器 10.0.0.7", "王科长")}
    assert [r["failures"] for r in seen] == [1, 2, 3, 4, 5, 5, 1] and seen[5]["waiting"] is True


def test_a_second_desk_sees_the_same_count(tmp_path) -> None:  # type: ignore[no-untyped-def]
    clock = Clock()
    first, second = open_desk(tmp_path / "d", clock=clock), open_desk(tmp_path / "d", clock=clock)
    stored = hash_pin("246810")
    for desk in (first, second, first, second, first):
        with pytest.raises(NotAllowed):
            check_pin(desk.store, "王科长", "999999", stored)
    with pytest.raises(NotAllowed, match="连续输错 5 次"):
        check_pin(second.store, "王科长", "246810", stored)


def test_refusals_from_the_command_line_are_recorded_and_limited(desk: Desk, capsys) -> None:  # type: ignore[no-untyped-def]
    save_staff(desk.locations, [StaffMember("张三"), StaffMember("王科长", "supervisor", hash_pin("246810"))])
    desk.reload_config()
    pack = desk.store.register("studio", studio_fields(), "张三")
    data = ["--data", str(desk.locations.data)]
    for _ in range(5):
        assert (
            cli.main(
                [*data, "outcome", pack.receipt_no, "void", "--by", "王科长", "--pin", "000000", "--reason", "重复"]
            )
            == 1
        )
    assert (
        cli.main([*data, "outcome", pack.receipt_no, "void", "--by", "王科长", "--pin", "246810", "--reason", "重复"])
        == 1
    )
    assert "后再试" in capsys.readouterr().err
    assert (
        cli.main([*data, "outcome", pack.receipt_no, "void", "--by", "张三", "--pin", "246810", "--reason", "x"]) == 1
    )
    seen = refusals(open_desk(desk.locations.data))
    assert len(seen) == 7 and seen[-1]["name_tried"] == "张三"
    assert desk.store.get(pack.id).status != "voided"


def test_supervisor_dialogs_use_the_limits() -> None:
    assert "store" in inspect.signature(require_supervisor).parameters
    source = inspect.getsource(__import__("screens.dialogs", fromlist=["x"]))
    assert "desk.store)" in source


def test_no_key_of_the_desk_is_one_a_browser_keeps() -> None:
    import importlib
    import pkgutil

    from textual.binding import Binding
    from textual.dom import DOMNode

    import screens

    classes: list[type] = [DeskApp]
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"screens.{info.name}")
        classes += [
            c
            for c in vars(module).values()
            if isinstance(c, type) and issubclass(c, DOMNode) and c.__module__.startswith("screens")
        ]
    keys = set()
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", []):
            if isinstance(binding, Binding):
                keys |= {k.strip() for k in binding.key.split(",")}
    assert keys & BROWSER_KEPT == set()
    assert "ctrl+g" in keys


async def test_a_served_desk_asks_each_clerk_for_their_own_pin(desk: Desk) -> None:
    app = DeskApp(desk, require_pin=True)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PinSignIn) and app.screen.first_time
        await type_text(pilot, "13579", enter=True)
        await type_text(pilot, "13579", enter=True)
        assert "至少 6 位数字" in shown(app.screen.query_one("#signin-error"))
        await type_text(pilot, "135790", enter=True)
        await type_text(pilot, "135790", enter=True)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.clerk == "张三"
        assert desk.config.staff_member("张三").pin_hash  # type: ignore[union-attr]
        assert "135790" not in desk.locations.config.read_text(encoding="utf-8")

        await pilot.press("f10")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PinSignIn) and not app.screen.first_time
        await type_text(pilot, "000000", enter=True)
        assert "PIN 不正确" in shown(app.screen.query_one("#signin-error"))
        await type_text(pilot, "135790", enter=True)
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
    actions = [(h.action, h.actor) for h in desk.store.history()]
    assert ("pin_set", "张三") in actions and ("pin_refused", "张三") in actions
    assert actions.count(("sign_in", "张三")) == 2


async def test_a_terminal_desk_still_signs_in_by_name(desk: Desk) -> None:
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
