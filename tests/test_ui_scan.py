"""A scanner types whole lines ending in CR, LF, CR LF or Tab, often several back to back,
wherever the focus is: each line is read whole and goes to the one scan route."""

from __future__ import annotations

import asyncio
import random
from collections.abc import Callable

from textual import events
from textual.keys import _character_to_key
from textual.pilot import Pilot

from deskapp.app import DeskApp
from deskapp.receipt_qr import signer_for
from deskapp.scan_route import read_log
from deskapp.service import Desk
from screens.checklist import Checklist
from screens.main import MainScreen
from screens.pack import PackScreen
from screens.widgets import PackList, ScanBox
from tests.conftest import full_checklist, studio_fields

ENDINGS = {"\r": ("enter", "\r"), "\n": ("ctrl+j", "\n"), "\t": ("tab", "\t")}


async def scanner(pilot: Pilot, text: str, gap_ms: float = 0.0) -> None:
    """Keys as a wedge scanner types them: all posted at once (``gap_ms`` 0) or 0–gap_ms apart."""
    rng = random.Random(len(text))
    for ch in text:
        key, character = ENDINGS.get(ch) or (_character_to_key(ch), ch)
        pilot.app.post_message(events.Key(key, character))
        if gap_ms:
            await asyncio.sleep(rng.uniform(0, gap_ms) / 1000)


async def until(pilot: Pilot, condition: Callable[[], bool], seconds: float = 20.0) -> None:
    """Wait (bounded) until ``condition`` holds, then let the app settle."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    while not condition():
        assert loop.time() < end, "timed out"
        await asyncio.sleep(0.02)
    await pilot.pause()


def three_packs(desk: Desk) -> list[int]:
    return [
        desk.store.register("studio", studio_fields(), "张三", checklist=full_checklist(desk, "studio"), pages=20).id,
        desk.store.register("project", studio_fields(name="储能项目", members=None), "张三").id,
        desk.store.register("studio", studio_fields(unit="准东某铝业公司"), "李四").id,
    ]


def stack(app: DeskApp) -> list[object]:
    return [s.pack_id if isinstance(s, PackScreen) else type(s).__name__ for s in app.screen_stack[1:]]


def reads(app: DeskApp) -> list[tuple[str, str, str]]:
    return [(v.text, v.outcome, v.receipt_no) for v in app.scans]


def ticks_written(desk: Desk) -> list[str]:
    return [h.action for h in desk.store.history() if h.action not in ("register", "scan_refused")]


async def test_burst_of_scans_each_read_whole_and_each_replaces_the_last(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "ZD2026-GZS-0001\rZD2026-XM-0001\rZD2026-GZS-0002\r")
        await until(pilot, lambda: len(app.scans) == 3 and isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        assert reads(app) == [
            ("ZD2026-GZS-0001", "opened", "ZD2026-GZS-0001"),
            ("ZD2026-XM-0001", "opened", "ZD2026-XM-0001"),
            ("ZD2026-GZS-0002", "opened", "ZD2026-GZS-0002"),
        ]
        assert stack(app) == ["MainScreen", ids[2]]  # each pack replaced the one before
        assert ticks_written(desk) == []  # nothing scanned leaked into a checklist
        await pilot.press("escape")
        assert isinstance(app.screen, MainScreen)  # one Esc back, not three


async def test_every_scanner_ending_ends_a_line(desk: Desk) -> None:
    """CR, LF, CR LF and Tab each end a scan; the next is never appended to it."""
    three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "ZD2026-GZS-0001\nZD2026-XM-0001\tZD2026-GZS-0002\r\nZD2026-GZS-0001\r\n")
        await until(pilot, lambda: len(app.scans) == 4 and isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        assert [r[0] for r in reads(app)] == ["ZD2026-GZS-0001", "ZD2026-XM-0001", "ZD2026-GZS-0002", "ZD2026-GZS-0001"]
        assert all(r[1] == "opened" for r in reads(app))
        assert app.screen.pack_id == 1 and stack(app) == ["MainScreen", 1]


async def test_a_scan_while_the_list_has_focus_opens_the_scanned_pack_not_the_row(desk: Desk) -> None:
    ids = three_packs(desk)
    payload = signer_for(desk.locations.secret).payload("ZD2026-XM-0001")
    for paced in (False, True):
        app = DeskApp(desk, clerk="张三")
        async with app.run_test(size=(120, 36)) as pilot:
            if paced:
                await pilot.press("down", "down")  # the clerk on the list, second row highlighted
                assert isinstance(app.focused, PackList) and app.focused.cursor == 1
                await scanner(pilot, payload + "\r")
            else:
                for key in ("down", "down"):
                    app.post_message(events.Key(key, None))
                await scanner(pilot, payload + "\r")
            await until(
                pilot,
                lambda app=app: len(app.scans) == 1 and isinstance(app.screen, PackScreen) and app.screen.scan_ready,
            )
            assert app.screen.pack_id == ids[1], paced
            assert app.scans[0].text == payload and app.scans[0].kind == "payload"


async def test_a_search_left_in_the_box_is_not_prefixed_to_the_scan(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"zdm", "down")  # a search typed, then to the list
        await scanner(pilot, "ZD2026GZS0002\r")
        await until(pilot, lambda: len(app.scans) == 1 and isinstance(app.screen, PackScreen))
        assert app.scans[0].text == "ZD2026GZS0002" and app.screen.pack_id == ids[2]


async def test_a_scan_on_the_checklist_or_a_field_never_ticks_or_fills(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(ids[1])
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        await pilot.press("f7")
        assert isinstance(app.focused, Checklist)
        await scanner(pilot, "ZD2026-GZS-0002\t")
        await until(pilot, lambda: len(app.scans) == 1 and app.screen.pack_id == ids[2] and app.screen.scan_ready)
        await pilot.press("f3")  # the page count field
        await scanner(pilot, "ZD2026XM0001\r")
        await until(pilot, lambda: len(app.scans) == 2 and app.screen.pack_id == ids[1] and app.screen.scan_ready)
        await pilot.press("f6")  # the reason field takes any text: the scan is still read as one
        await scanner(pilot, "zd2026-gzs-0001\r")
        await until(pilot, lambda: len(app.scans) == 3 and app.screen.pack_id == ids[0] and app.screen.scan_ready)
        assert ticks_written(desk) == []
        assert [desk.store.get(i).pages for i in ids] == [20, None, None]
        assert stack(app) == ["MainScreen", ids[0]]


async def test_scanning_the_pack_already_open_says_so(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "ZD2026-XM-0001\r")
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        screen = app.screen
        await scanner(pilot, "ZD2026XM0001\r")
        await until(pilot, lambda: len(app.scans) == 2)
        assert app.screen is screen and stack(app) == ["MainScreen", ids[1]]
        assert any("已经打开" in n.message for n in app._notifications)


async def test_either_printed_line_or_the_number_without_dashes_opens_the_pack(desk: Desk) -> None:
    ids = three_packs(desk)
    payload = signer_for(desk.locations.secret).payload("ZD2026-XM-0001")
    cut = payload.rfind("U")
    first, second = payload[:cut], payload[cut:]
    assert first == "ZD2026XM0001"
    for typed in (first, second, second.lower(), "zd2026xm0001", "ＺＤ２０２６ＸＭ０００１", "xm0001"):
        app = DeskApp(desk, clerk="张三")
        async with app.run_test(size=(120, 36)) as pilot:
            await pilot.press(*typed, "enter")  # typed by hand, key by key
            await until(pilot, lambda app=app: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
            assert app.screen.pack_id == ids[1], typed


async def test_dashless_numbers_are_found_by_the_live_search(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        for typed in ("ZD2026XM0001", "xm0001"):
            box = app.screen.query_one(ScanBox)
            box.value = ""
            await pilot.press(*typed)
            await pilot.pause()
            assert app.screen.query_one(PackList).ids == (ids[1],), typed


async def test_forged_and_junk_lines_are_refused_whole_and_forged_ones_recorded(desk: Desk) -> None:
    three_packs(desk)
    signer = signer_for(desk.locations.secret)
    forged = signer.payload("ZD2026-GZS-0001").replace("GZS0001", "GZS0002")
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, f"{forged}\rQWERTY42\tZD2026-GZS-0099\n")
        await until(pilot, lambda: len(app.scans) == 3)
        assert [(v.text, v.outcome) for v in app.scans] == [
            (forged, "refused"),
            ("QWERTY42", "not_found"),
            ("ZD2026-GZS-0099", "not_found"),
        ]
        assert isinstance(app.screen, MainScreen)
        refused = [h for h in desk.store.history() if h.action == "scan_refused"]
        assert [(h.actor, h.data["payload"]) for h in refused] == [("李四", forged)]
        assert [line["read"] for line in read_log(desk.locations.scan_log)] == [forged, "QWERTY42", "ZD2026-GZS-0099"]


def genuine_and_forged(desk: Desk, pairs: int) -> tuple[list[str], list[int]]:
    signer = signer_for(desk.locations.secret)
    packs = [desk.store.register("studio", studio_fields(name=f"工作室{n}"), "张三") for n in range(5)]
    lines = []
    for n in range(pairs):
        genuine = signer.payload(packs[n % 5].receipt_no)
        lines += [genuine, genuine[:-3] + ("AAA" if not genuine.endswith("AAA") else "BBB")]
    return lines, [p.id for p in packs]


async def test_fifty_genuine_and_fifty_forged_at_once(desk: Desk) -> None:
    """The crash of issue 9: a burst of slip codes, each opening (replacing) a pack screen while
    the store's poll redraws every screen. Every line is read whole; the desk keeps running."""
    lines, ids = genuine_and_forged(desk, 50)
    app = DeskApp(desk, clerk="张三")
    app.POLL_SECONDS = 0.05  # the poll redraws as often as it can
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "".join(line + "\r" for line in lines))
        await until(pilot, lambda: len(app.scans) == 100, seconds=400)
        assert [v.text for v in app.scans] == lines
        assert [v.outcome for v in app.scans] == ["opened", "refused"] * 50
        assert stack(app) == ["MainScreen", ids[49 % 5]]
    refused = [h for h in desk.store.history() if h.action == "scan_refused"]
    assert [h.data["payload"] for h in refused] == lines[1::2]


async def test_genuine_and_forged_up_to_ten_ms_apart(desk: Desk) -> None:
    lines, ids = genuine_and_forged(desk, 10)
    app = DeskApp(desk, clerk="张三")
    app.POLL_SECONDS = 0.05
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "".join(line + "\r" for line in lines), gap_ms=10)
        await until(pilot, lambda: len(app.scans) == 20, seconds=200)
        assert [v.text for v in app.scans] == lines
        assert [v.outcome for v in app.scans] == ["opened", "refused"] * 10
        assert stack(app) == ["MainScreen", ids[9 % 5]]


async def test_keys_after_a_scan_land_in_the_pack_it_opened(desk: Desk) -> None:
    """The keys typed right after a scan wait for its pack screen, then go there in order."""
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "ZD2026-XM-0001\r")
        for key in ("f7", "1", "2"):
            app.post_message(events.Key(key, key if len(key) == 1 else None))
        await until(pilot, lambda: len(ticks_written(desk)) == 2)
        assert app.screen.pack_id == ids[1]
        pack = desk.store.get(ids[1])
        items = [i.key for i in desk.config.round.checklist("project")]
        assert [pack.checklist.get(k, False) for k in items[:2]] == [True, True]


async def test_scan_handlers_see_the_line_first(desk: Desk) -> None:
    three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    seen: list[str] = []
    app.scan_handlers.append(lambda text: seen.append(text) or text.startswith("SLIP:"))
    async with app.run_test(size=(120, 36)) as pilot:
        await scanner(pilot, "SLIP:ABC\rZD2026-GZS-0002\r")
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        assert seen == ["SLIP:ABC", "ZD2026-GZS-0002"]
        assert [v.text for v in app.scans] == ["ZD2026-GZS-0002"]
        assert app.screen.pack_id == 3


async def test_a_search_with_several_matches_stays_listed(desk: Desk) -> None:
    three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"zdm", "enter")
        await pilot.pause()
        assert isinstance(app.screen, MainScreen)
        assert "找到 3 件" in str(app.screen.query_one("#message").render())
        assert len(app.screen.query_one(PackList).ids) == 3
        await pilot.press("down", "enter")  # the list keeps the matches: Enter opens the row
        await until(pilot, lambda: isinstance(app.screen, PackScreen))


async def test_an_edited_line_is_read_by_the_same_route(desk: Desk) -> None:
    ids = three_packs(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press(*"ZD2026-XM-00012", "backspace", "enter")
        await until(pilot, lambda: isinstance(app.screen, PackScreen) and app.screen.scan_ready)
        assert app.screen.pack_id == ids[1] and app.scans[0].text == "ZD2026-XM-0001"
