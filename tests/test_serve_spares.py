"""``deskapp serve`` keeps session processes started ahead (spares, deskapp/serve_session.py): a tab
gets one whose imports are done; Ctrl+C leaves none behind. Driven by a plain websocket client (the
real browser is in tests/test_served_browser.py)."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import aiohttp
import pytest

from deskapp.config import StaffMember
from deskapp.serve_session import HANDOFF, MAX_CELLS, READY, Handoff
from deskapp.service import open_desk, save_staff
from tests.test_served_browser import ROOT, _free_port, wait_for

pytestmark = pytest.mark.slow


def spares_of(data: Path) -> set[int]:
    out = subprocess.run(
        ["pgrep", "-f", "--", f"deskapp.serve_session --data {data}"], capture_output=True, text=True, check=False
    ).stdout
    return {int(pid) for pid in out.split()}


@contextmanager
def serving(tmp_path: Path, spares: int) -> Iterator[tuple[subprocess.Popen[bytes], int, Path]]:
    data = tmp_path / "office"
    save_staff(open_desk(data).locations, [StaffMember("张三")])
    port = _free_port()
    log = (tmp_path / "serve.log").open("wb")
    server = subprocess.Popen(
        [sys.executable, "-m", "deskapp", "serve", "--data", str(data), "--port", str(port), "--spares", str(spares)],
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        yield server, port, data
    finally:
        if server.poll() is None:
            server.kill()
            server.wait(30)
        log.close()


def stop(server: subprocess.Popen[bytes], data: Path) -> None:
    server.send_signal(signal.SIGINT)
    assert server.wait(timeout=60) == 0
    left = subprocess.run(["pgrep", "-af", "--", f"--data {data}"], capture_output=True, text=True, check=False)
    assert not left.stdout.strip(), f"left after Ctrl+C: {left.stdout}"


def test_ctrl_c_ends_the_waiting_spares(tmp_path: Path) -> None:
    with serving(tmp_path, spares=2) as (server, _port, data):
        wait_for(lambda: len(spares_of(data)) == 2, "two spares started", 60)
        time.sleep(1.0)
        stop(server, data)
        assert not (data / "journal.jsonl").exists() or "sign_in" not in (data / "journal.jsonl").read_text("utf-8")


def test_a_tab_gets_the_spare_started_ahead_and_another_is_started_behind_it(tmp_path: Path) -> None:
    with serving(tmp_path, spares=1) as (server, port, data):
        first = wait_for(lambda: spares_of(data), "a spare started", 60)
        assert isinstance(first, set) and len(first) == 1
        time.sleep(4.0)  # its sign-in screen drawn

        async def one_tab() -> tuple[int, set[int], float]:
            url = f"http://127.0.0.1:{port}/ws?width=120&height=40"
            async with aiohttp.ClientSession() as client, client.ws_connect(url) as ws:
                received = 0
                connected = time.monotonic()
                end = connected + 60
                while received < 5000 and time.monotonic() < end:  # the sign-in screen's bytes
                    message = await ws.receive(timeout=60)
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += len(message.data)
                screen_after = time.monotonic() - connected
                while time.monotonic() < end and len(spares_of(data) - first) == 0:  # noqa: ASYNC110 - polls another process
                    await asyncio.sleep(0.2)
                return received, spares_of(data), screen_after

        received, during, screen_after = asyncio.run(one_tab())
        assert received >= 5000
        print(f"websocket open → sign-in screen's bytes: {screen_after * 1000:.0f} ms")
        (spare,) = first
        behind = during - first
        assert spare in during and len(behind) == 1  # the spare is the tab's desk now; a new one waits
        wait_for(lambda: spare not in spares_of(data), "the closed tab's desk to end", 60)
        assert spares_of(data) == behind
        stop(server, data)


def test_the_handoff_is_checked() -> None:
    handoff = Handoff("浏览器 10.0.0.7", 160, 48)
    assert Handoff.from_meta(json.loads(json.dumps(handoff.meta()))) == handoff
    big = {"type": HANDOFF, "counter": "x", "width": 99999, "height": 0}
    assert Handoff.from_meta(big) == Handoff("x", MAX_CELLS, 1)
    for bad in (
        {"type": "resize", "counter": "x", "width": 1, "height": 1},
        {"type": HANDOFF, "width": 1, "height": 1},
        {"type": HANDOFF, "counter": "x", "width": "80", "height": 24},
    ):
        with pytest.raises(ValueError):
            Handoff.from_meta(bad)


def test_a_spare_draws_nothing_for_the_server_before_the_handoff_and_ends_with_its_input(tmp_path: Path) -> None:
    data = tmp_path / "office"
    save_staff(open_desk(data).locations, [StaffMember("张三")])
    from deskapp.serve import session_environment

    spare = subprocess.Popen(
        [sys.executable, "-m", "deskapp.serve_session", "--data", str(data)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**session_environment(), "PYTHONPATH": str(ROOT), "COLUMNS": "100", "ROWS": "30"},
    )
    assert spare.stdout is not None and spare.stdin is not None
    assert spare.stdout.readline() == READY  # its sign-in screen is up (drawn for nobody)
    spare.stdin.close()  # the server went away before any tab came
    assert spare.wait(timeout=60) == 0
    assert spare.stdout.read() == b""  # no prelude, no frame was written to the server


def test_a_new_staff_list_replaces_the_waiting_spare(tmp_path: Path) -> None:
    with serving(tmp_path, spares=1) as (server, _port, data):
        first = wait_for(lambda: spares_of(data), "a spare started", 60)
        assert isinstance(first, set)
        time.sleep(1.0)
        save_staff(open_desk(data).locations, [StaffMember("张三"), StaffMember("新来的")])
        # the spare drew its sign-in list before: it is replaced (looked at every 5 s), none is left out
        wait_for(lambda: spares_of(data) and not spares_of(data) & first, "the spare to be replaced", 60)
        wait_for(lambda: len(spares_of(data)) == 1, "one spare again", 60)
        stop(server, data)


def test_a_desk_toml_the_desk_refuses_is_said_in_the_log_and_serve_still_stops(tmp_path: Path) -> None:
    with serving(tmp_path, spares=1) as (server, _port, data):
        first = wait_for(lambda: spares_of(data), "a spare started", 60)
        assert isinstance(first, set)
        time.sleep(1.0)
        config = data / "desk.toml"
        config.write_text(config.read_text(encoding="utf-8") + "\n[nonsense]\nx = 1\n", encoding="utf-8")
        log = tmp_path / "serve.log"
        # the spare is replaced; the new one refuses the file: why is in the server's log
        wait_for(
            lambda: "nonsense" in log.read_text(encoding="utf-8", errors="replace"),
            "the refusal logged",
            90,
        )
        stop(server, data)


def test_too_many_spares_are_refused(tmp_path: Path) -> None:
    data = tmp_path / "office"
    save_staff(open_desk(data).locations, [StaffMember("张三")])
    done = subprocess.run(
        [sys.executable, "-m", "deskapp", "serve", "--data", str(data), "--spares", "9"],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 2 and "--spares 须在 0 到 8 之间" in done.stderr
