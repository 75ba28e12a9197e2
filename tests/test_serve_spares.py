"""``deskapp serve`` keeps session processes started ahead (spares, deskapp/serve_session.py): a tab
gets one whose imports are done; Ctrl+C leaves none behind. Driven by a plain websocket client (the
real browser is in tests/test_served_browser.py)."""

from __future__ import annotations

import asyncio
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
from deskapp.serve_session import MAX_CELLS, READY, Handoff, read_handoff
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
        time.sleep(3.0)  # its imports done

        async def one_tab() -> tuple[int, set[int]]:
            url = f"http://127.0.0.1:{port}/ws?width=120&height=40"
            async with aiohttp.ClientSession() as client, client.ws_connect(url) as ws:
                received = 0
                end = time.monotonic() + 60
                while received < 5000 and time.monotonic() < end:  # the sign-in screen's bytes
                    message = await ws.receive(timeout=60)
                    if message.type == aiohttp.WSMsgType.BINARY:
                        received += len(message.data)
                while time.monotonic() < end and len(spares_of(data) - first) == 0:  # noqa: ASYNC110 - polls another process
                    await asyncio.sleep(0.2)
                return received, spares_of(data)

        received, during = asyncio.run(one_tab())
        assert received >= 5000
        (spare,) = first
        behind = during - first
        assert spare in during and len(behind) == 1  # the spare is the tab's desk now; a new one waits
        wait_for(lambda: spare not in spares_of(data), "the closed tab's desk to end", 60)
        assert spares_of(data) == behind
        stop(server, data)


def test_the_handoff_line_is_checked() -> None:
    line = Handoff("浏览器 10.0.0.7", 160, 48).line()
    assert line.endswith(b"\n") and Handoff.parse(line) == Handoff("浏览器 10.0.0.7", 160, 48)
    assert Handoff.parse(b'{"counter": "x", "width": 99999, "height": 0}\n') == Handoff("x", MAX_CELLS, 1)
    for bad in (b"[]\n", b'{"width": 1, "height": 1}\n', b'{"counter": "x", "width": "80", "height": 24}\n'):
        with pytest.raises(ValueError):
            Handoff.parse(bad)


def test_the_handoff_is_read_up_to_its_newline_only() -> None:
    read, write = os.pipe()
    try:
        os.write(write, Handoff("x", 80, 24).line() + b"D\x00\x00\x00\x01a")
        assert read_handoff(read) == Handoff("x", 80, 24)
        assert os.read(read, 100) == b"D\x00\x00\x00\x01a"  # left for the web driver
        os.close(write)
        write = -1
        assert read_handoff(read) is None  # end of input: the server stopped
    finally:
        os.close(read)
        if write != -1:
            os.close(write)


def test_a_spare_told_nothing_exits_quietly_and_opens_nothing(tmp_path: Path) -> None:
    data = tmp_path / "never-opened"
    done = subprocess.run(
        [sys.executable, "-m", "deskapp.serve_session", "--data", str(data)],
        input=b"",
        capture_output=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == READY and not data.exists()
