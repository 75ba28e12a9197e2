"""A scanner's line reaching any screen or dialog (trial faults 2–9 and 20): it is recognised as
a scan, whole, in one place (``screens/scanning.py``: ``BurstReader``), and either opened or
refused with a short message — never taken as keys by whatever has the focus. Every line is in
``data/logs/scans.jsonl``, whole.

Each place is set up as a clerk would reach it; the scan is sent as a scanner types it (every
key posted at once, ``tests/ui_keys.burst``). ``test_every_screen_is_a_place_here`` fails when a
screen is added to ``screens/`` without a decision here (routed or refused)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from textual.app import ComposeResult
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import ModalScreen, Screen
from textual.widgets import Input, Static

import screens
import tests.formfactory as ff
from deskapp.app import DeskApp
from deskapp.receipt_qr import signer_for
from deskapp.scan_route import read_log
from deskapp.service import Desk
from screens.checklist import Checklist
from screens.dashboard import DashboardScreen
from screens.dialogs import SupervisorPin
from screens.outcomes import OutcomeDialog, OutcomeMenu
from screens.pack import PackScreen
from screens.palette import DeskPalette
from screens.pick_files import PickFilesScreen
from screens.read_files import ReviewPrefillScreen
from screens.register import (
    ConfirmCancel,
    DuplicateDialog,
    KindDialog,
    QuestionableDialog,
    RegisterScreen,
    SavedScreen,
)
from screens.scanning import ScanScreen
from screens.signin import SignInScreen, StaffSetupScreen
from tests.conftest import full_checklist, studio_fields
from tests.test_ui_scan import scanner, until
from tests.ui_keys import burst, settle, type_text

Setup = Callable[[Pilot, Path], Awaitable[None]]


@pytest.fixture
def no_printer(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """A desk whose print service does not answer: every print ends in the outbox."""
    monkeypatch.setenv("CUPS_SERVER", str(tmp_path / "no-cups-here.sock"))


@dataclass(frozen=True)
class Place:
    screen: type[Screen[Any]]
    setup: Setup
    routed: bool
    """The scan opens its pack here (else: refused, the screen kept as it was)."""
    clerk: str | None = "张三"


def on_file(desk: Desk) -> dict[str, str]:
    """Three packs; the scans name the second and the third."""
    first = desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=20)
    second = desk.store.register("studio", studio_fields(unit="准东人民医院", name="心血管人才工作室"), "李四")
    third = desk.store.register("project", studio_fields(name="储能项目", members=None), "张三")
    return {"first": first.receipt_no, "second": second.receipt_no, "third": third.receipt_no}


async def to_form(pilot: Pilot, *fields: str) -> None:
    await pilot.press("f2", "1")
    await settle(pilot)
    assert isinstance(pilot.app.screen, RegisterScreen)
    for text in fields:
        await burst(pilot, text + "\r")


async def kind_dialog(pilot: Pilot, usb: Path) -> None:
    await pilot.press("f2")
    await settle(pilot)


async def duplicate_dialog(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot, "准东人民医院", "心血管人才工作室")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def questionable_dialog(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot, "扫码测试公司", "扫码测试工作室", "fdc")
    await pilot.press("ctrl+s")
    await settle(pilot)


async def confirm_cancel(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot, "扫码测试公司")
    await pilot.press("escape")
    await settle(pilot)


async def form_field(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot)


async def form_checklist(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot, "清单扫描公司", "清单扫描工作室")
    await pilot.press("f7")
    await settle(pilot)
    assert isinstance(pilot.app.focused, Checklist)


async def outcome_menu(pilot: Pilot, usb: Path) -> None:
    await pilot.app.push_screen(PackScreen(pilot.app.desk.store.by_receipt("ZD2026-GZS-0001").id))  # type: ignore[attr-defined]
    await settle(pilot)
    await pilot.press("f5")
    await settle(pilot)


async def outcome_dialog(pilot: Pilot, usb: Path) -> None:
    await outcome_menu(pilot, usb)
    await pilot.press("2")  # 补正: its form with the due date
    await settle(pilot)


async def supervisor_pin(pilot: Pilot, usb: Path) -> None:
    await pilot.app.push_screen(SupervisorPin("测试：需要确认"))
    await settle(pilot)


async def palette(pilot: Pilot, usb: Path) -> None:
    await pilot.press("ctrl+p")
    await settle(pilot)


async def picker(pilot: Pilot, usb: Path) -> None:
    await to_form(pilot)
    await pilot.press("f9")
    await settle(pilot)


async def review(pilot: Pilot, usb: Path) -> None:
    await picker(pilot, usb)
    await type_text(pilot, str(usb / "form1.docx"), enter=True)
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


async def saved_screen(pilot: Pilot, usb: Path) -> None:
    pack = pilot.app.desk.store.by_receipt("ZD2026-GZS-0001")  # type: ignore[attr-defined]
    await pilot.app.push_screen(SavedScreen(pack.id))
    await settle(pilot)


async def dashboard(pilot: Pilot, usb: Path) -> None:
    await pilot.press("ctrl+o")
    await settle(pilot)
    await pilot.press("down", "down")  # a row highlighted: Enter would open it
    await settle(pilot)


async def sign_in(pilot: Pilot, usb: Path) -> None:
    await settle(pilot)


async def staff_setup(pilot: Pilot, usb: Path) -> None:
    await pilot.app.push_screen(StaffSetupScreen())
    await settle(pilot)


class NewDialog(ModalScreen[str | None]):
    """A dialog written after this fix, with no scan code of its own: digits, letters and Enter
    answer it, and it has a text field."""

    BINDINGS = [  # noqa: RUF012 - Textual's class-level binding list
        *[Binding(str(n), f"dismiss('{n}')") for n in range(10)],
        *[Binding(c, f"dismiss('{c}')") for c in "zdgsxmnpoau"],
        Binding("enter", "dismiss('enter')"),
        Binding("escape", "dismiss(None)"),
    ]

    def compose(self) -> ComposeResult:
        yield Static("新对话框")
        yield Input(id="new-field")


async def new_dialog(pilot: Pilot, usb: Path) -> None:
    await pilot.app.push_screen(NewDialog())
    await settle(pilot)


PLACES = {
    "kind_dialog": Place(KindDialog, kind_dialog, routed=False),
    "duplicate_dialog": Place(DuplicateDialog, duplicate_dialog, routed=False),
    "questionable_dialog": Place(QuestionableDialog, questionable_dialog, routed=False),
    "confirm_cancel": Place(ConfirmCancel, confirm_cancel, routed=False),
    "outcome_menu": Place(OutcomeMenu, outcome_menu, routed=False),
    "outcome_dialog": Place(OutcomeDialog, outcome_dialog, routed=False),
    "supervisor_pin": Place(SupervisorPin, supervisor_pin, routed=False),
    "palette": Place(DeskPalette, palette, routed=False),
    "picker": Place(PickFilesScreen, picker, routed=False),
    "review": Place(ReviewPrefillScreen, review, routed=False),
    "new_dialog": Place(NewDialog, new_dialog, routed=False),
    "form_field": Place(RegisterScreen, form_field, routed=True),
    "form_checklist": Place(RegisterScreen, form_checklist, routed=True),
    "saved_screen": Place(SavedScreen, saved_screen, routed=True),
    "dashboard": Place(DashboardScreen, dashboard, routed=True),
    "sign_in": Place(SignInScreen, sign_in, routed=False, clerk=None),
    "staff_setup": Place(StaffSetupScreen, staff_setup, routed=False, clerk=None),
}

NOT_PLACES = {
    "DeskScreen": "the base of the desk's screens",
    "DeskModal": "the base of the desk's dialogs (a ModalScreen: refused like every dialog)",
    "ConfirmExport": "a yes/no before an export: a ModalScreen, refused like every dialog (scan_refusal)",
    "_FormDialog": "the base of OutcomeDialog, SupplementDialog and DetailsDialog",
    "SupplementDialog": "an outcome form like OutcomeDialog",
    "DetailsDialog": "an outcome form like OutcomeDialog",
    "PinSignIn": "a ModalScreen over the sign-in screen, refused like every dialog",
}


LINE_OF = {"review": 1, "questionable_dialog": 1, "saved_screen": 1}
"""Where the trial used a lowercase payload (its ``n`` un-ticked the review; on the saved screen
it printed); the other places take the endings in turn."""


def scan_lines(numbers: dict[str, str], signer: Any) -> list[str]:
    """What the scanner types: each ending a scanner sends, payloads in both cases."""
    payload = signer.payload(numbers["second"])
    return [
        numbers["second"] + "\r",
        payload.lower() + "\n",
        numbers["third"] + "\r\n",
        payload + "\t",
    ]


def journal_actions(desk: Desk) -> list[str]:
    return [h.action for h in desk.store.history() if h.action not in ("scan_refused", "sign_in")]


@pytest.mark.parametrize("name", sorted(PLACES))
async def test_a_scan_anywhere_is_read_whole_and_never_taken_as_keys(name: str, desk: Desk, tmp_path: Path) -> None:
    place = PLACES[name]
    numbers = on_file(desk)
    usb = tmp_path / "usb"
    usb.mkdir()
    ff.form1(usb / "form1.docx", members=ff.MEMBERS[:4])
    signer = signer_for(desk.locations.secret)
    line = scan_lines(numbers, signer)[LINE_OF.get(name, sorted(PLACES).index(name) % 4)]
    app = DeskApp(desk, clerk=place.clerk)
    async with app.run_test(size=(120, 36)) as pilot:
        await place.setup(pilot, usb)
        screen = app.screen
        assert isinstance(screen, place.screen), (name, screen)
        focused = app.focused
        field_values = {w.id: w.value for w in screen.query(Input)}
        history = journal_actions(desk)
        packs = desk.store.count()

        await burst(pilot, line)

        assert desk.store.count() == packs and journal_actions(desk) == history  # nothing chosen, ticked, saved
        log = read_log(desk.locations.scan_log)
        assert [entry["read"] for entry in log] == [line.rstrip("\r\n\t")]  # logged, whole
        notes = [n.message for n in app._notifications]
        if place.routed:
            assert isinstance(app.screen, PackScreen) and app.screen.pack.receipt_no == numbers["second"]
            assert log[0]["outcome"] == "opened"
            if place.screen is RegisterScreen:
                assert any("扫码没有填入登记表" in n for n in notes)
                await pilot.press("escape")
                await settle(pilot)
                assert app.screen is screen  # the form is kept, under the pack
        else:
            assert app.screen is screen, (name, app.screen)  # the dialog is still there, unanswered
            assert log[0]["outcome"] == "not_taken"
            want = "请先登录" if place.clerk is None else "请先处理当前对话框"
            assert any(want in n for n in notes), notes
            if focused is not None and focused.is_attached:
                assert app.focused is focused
        if screen.is_attached:
            assert {w.id: w.value for w in screen.query(Input)} == field_values  # nothing typed into a field


async def test_every_screen_is_a_place_here() -> None:
    """A new screen or dialog in ``screens/`` must be listed above (and so tried with a scan)."""
    found: set[str] = set()
    for info in pkgutil.iter_modules(screens.__path__):
        module = importlib.import_module(f"screens.{info.name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == module.__name__ and issubclass(cls, Screen) and not issubclass(cls, ScanScreen):
                found.add(cls.__name__)
    placed = {p.screen.__name__ for p in PLACES.values()}
    assert found - placed - set(NOT_PLACES) == set()


async def test_fast_typing_that_is_not_a_scan_still_goes_where_it_was_meant(desk: Desk) -> None:
    """Scanner-fast keys that are not a scan are handed on in order: the checklist's digits and
    Enter, a phone number, 0 to tick all."""
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await to_form(pilot, "快速公司", "快速工作室", "mt", "王建国", "刘敏", "13900000000", "6")
        assert isinstance(app.focused, Checklist)
        await burst(pilot, "12345678\r20\r")
        pages = app.screen.query_one("#f-pages", Input)
        assert pages.value == "20"
        assert read_log(desk.locations.scan_log) == []


async def test_a_long_junk_line_gives_a_short_toast_and_is_logged_whole(desk: Desk) -> None:
    on_file(desk)
    junk = ("ABCDEFGHJK0123456789" * 300)[:6000]
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await dashboard(pilot, Path("."))
        await burst(pilot, junk + "\r")
        assert isinstance(app.screen, DashboardScreen)
        notes = [n.message for n in app._notifications]
        assert notes and all(len(n) < 100 for n in notes), notes
        assert any("共 6000 个字符" in n for n in notes)
        assert [e["read"] for e in read_log(desk.locations.scan_log)] == [junk]


async def test_saved_screen_letters_do_not_print_or_issue_a_notice(desk: Desk, no_printer: Any) -> None:
    """Trial fault 6: the next unit's pinyin typed on the saved screen (``nmg``, ``pysc``)."""
    desk.store.register("studio", studio_fields(), "张三")  # incomplete: a 补正 could be issued
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await saved_screen(pilot, Path("."))
        await burst(pilot, "nmg")
        await burst(pilot, "pysc")
        await type_text(pilot, "nopnop")
        pack = desk.store.by_receipt("ZD2026-GZS-0001")
        assert pack is not None and pack.prints == [] and journal_actions(desk) == ["register"]
        assert isinstance(app.screen, SavedScreen)


async def test_a_receipt_number_typed_into_the_form_by_hand_is_not_saved_as_data(desk: Desk) -> None:
    """Trial fault 8 at a clerk's pace (or a slow scanner): not a burst, so it reaches the field,
    but the form does not save a receipt number or slip code as a unit or a name."""
    numbers = on_file(desk)
    payload = signer_for(desk.locations.secret).payload(numbers["first"])
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await to_form(pilot)
        await type_text(pilot, payload, enter=True)
        await type_text(pilot, numbers["second"], enter=True)
        assert app.screen.query_one("#f-unit", Input).value == payload  # typed by hand: it is there
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, RegisterScreen) and desk.store.count() == 3
        notes = " ".join(n.message for n in app._notifications)
        assert "是收件编号或回执码" in notes
        assert app.focused is app.screen.query_one("#f-unit", Input)


@pytest.mark.parametrize("name", ["duplicate_dialog", "form_field", "outcome_menu"])
async def test_a_scanner_typing_a_few_milliseconds_apart_is_read_whole(name: str, desk: Desk, tmp_path: Path) -> None:
    """Keys 0–10 ms apart (a wedge scanner's own pace): the first key may reach the screen before
    the second arrives; it is taken back out of a field, and the line is still read whole."""
    place = PLACES[name]
    numbers = on_file(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await place.setup(pilot, tmp_path)
        screen = app.screen
        values = {w.id: w.value for w in screen.query(Input)}
        history = journal_actions(desk)
        await scanner(pilot, numbers["second"] + "\r", gap_ms=10)
        await until(pilot, lambda: len(read_log(desk.locations.scan_log)) == 1)
        await settle(pilot)
        assert [e["read"] for e in read_log(desk.locations.scan_log)] == [numbers["second"]]
        assert journal_actions(desk) == history and desk.store.count() == 3
        if place.routed:
            assert isinstance(app.screen, PackScreen)
            await pilot.press("escape")
            await settle(pilot)
        assert app.screen is screen
        assert {w.id: w.value for w in screen.query(Input)} == values
