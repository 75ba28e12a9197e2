"""The served desk measured in a real headless Chromium: page load → sign-in screen → main screen,
memory per session, idle CPU per session, and the keystroke answer time with N sessions open.

    .venv/bin/python bench/bench_serve.py [--sessions 1 4 8 12]

The browsers run on the same machine as the server here (they take CPU the host would not spend
in the office); the figures are therefore on the safe side. Prints one line per figure.
"""

from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from deskapp.config import StaffMember  # noqa: E402
from deskapp.service import open_desk, save_staff  # noqa: E402
from tests.test_served_browser import CHROMIUM_FLAGS, Session, _free_port, journal_actions, wait_for  # noqa: E402


def session_pids(data: Path) -> list[int]:
    out = subprocess.run(["pgrep", "-f", "--", f"--data {data} run"], capture_output=True, text=True).stdout
    return [int(p) for p in out.split()]


def pss_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them), in KiB."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1])
    return 0


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def key_answer_ms(tab: Session, presses: int = 15) -> list[float]:
    """Time from a key press in the browser to the first screen update coming back, in ms."""
    times = []
    for n in range(presses):
        before = tab.frames
        start = time.perf_counter()
        tab.page.keyboard.press("x" if n % 2 == 0 else "Backspace")
        while tab.frames == before and time.perf_counter() - start < 5:
            tab.page.wait_for_timeout(1)
        times.append((time.perf_counter() - start) * 1000)
        tab.settle(0.3)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", nargs="+", type=int, default=[1, 4, 8, 12])
    args = parser.parse_args()
    staff = [StaffMember(f"受理员{n:02d}") for n in range(max(args.sessions))]
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp) / "office"
        desk = open_desk(data)
        save_staff(desk.locations, staff)
        port = _free_port()
        log = (Path(tmp) / "serve.log").open("wb")
        server = subprocess.Popen(
            [sys.executable, "-m", "deskapp", "serve", "--data", str(data), "--port", str(port)],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        url = f"http://127.0.0.1:{port}/"
        time.sleep(2)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
                tabs: list[Session] = []
                for count in sorted(args.sessions):
                    while len(tabs) < count:
                        n = len(tabs)
                        start = time.perf_counter()
                        tab = Session(browser, url)
                        drawn = time.perf_counter() - start
                        tab.press(*(["ArrowDown"] * n), "Enter")
                        tab.settle(0.8)
                        tab.type("135790")
                        start = time.perf_counter()
                        tab.page.keyboard.type("135790")
                        tab.page.keyboard.press("Enter")
                        wait_for(lambda n=n: ("sign_in", staff[n].name) in journal_actions(data), "sign-in", 60)
                        tab.settle(0.5)
                        signed = time.perf_counter() - start
                        tabs.append(tab)
                        if n == 0:
                            print(f"page load → sign-in screen drawn: {drawn:.2f} s (first session)")
                            print(f"PIN Enter → main screen drawn: {signed:.2f} s (first session, includes scrypt)")
                    pids = session_pids(data)
                    pss = [pss_kib(pid) for pid in pids]
                    cpu0 = sum(cpu_seconds(pid) for pid in pids)
                    time.sleep(10)
                    idle = (sum(cpu_seconds(pid) for pid in session_pids(data)) - cpu0) / 10 / max(len(pids), 1)
                    answers = key_answer_ms(tabs[0])
                    print(
                        f"{count:3d} sessions: PSS per session {statistics.mean(pss) / 1024:.0f} MiB, "
                        f"idle CPU per session {idle * 100:.1f}% of a core, keystroke answer median "
                        f"{statistics.median(answers):.0f} ms, worst {max(answers):.0f} ms"
                    )
                browser.close()
        finally:
            server.send_signal(signal.SIGINT)
            server.wait(60)


if __name__ == "__main__":
    main()
