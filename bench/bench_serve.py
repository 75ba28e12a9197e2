"""The served desk measured in a real headless Chromium (Debian's, launched by path).

    .venv/bin/python bench/bench_serve.py [--sessions 1 4 8] [--loads 5] [--spares 0 1]

For each ``--spares`` value (``deskapp serve --spares N``; 0 = every tab starts a fresh desk process, as
before the spare sessions) the page is loaded ``--loads`` times, one tab after the other, ``--gap`` seconds
apart (the spare behind a tab is started 2 s after it and takes a second or two to draw its screen; clerks
do not all come at once); each load is split
into where its time went, from the browser's own clock (``performance.now()``, 0 = navigation start):

- ``html``: the page's HTML received; ``assets``: the last of its scripts, styles, fonts and images received;
- ``ws``: the websocket opened (the page connects on ``window.onload``);
- ``first frame``: the first screen bytes from the desk process (without a spare: the process start,
  imports and compose; with one: the handoff to a spare whose sign-in screen is drawn already);
- ``screen``: the end of the first burst of frames, i.e. the sign-in screen drawn (first gap of 0.5 s).

Then, on the last ``--spares`` value: PIN Enter → main screen, memory (PSS) per session and per waiting
spare, idle CPU per session, and the keystroke answer time (key press in the browser → first screen update
back) with each ``--sessions`` count open. The browser runs on the same machine as the server, so the figures
are on the safe side. Prints one line per figure, and ratios of each spare setting against the first one.
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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import Browser, sync_playwright  # noqa: E402

from deskapp.config import StaffMember  # noqa: E402
from deskapp.service import open_desk, save_staff  # noqa: E402
from tests.test_served_browser import CHROMIUM_FLAGS, Session, _free_port, journal_actions, wait_for  # noqa: E402

GiB = 1024**3
WATCH_WEBSOCKET = """
window.__desk = {frames: []};
const Original = window.WebSocket;
window.WebSocket = class extends Original {
  constructor(...args) {
    super(...args);
    window.__desk.created = performance.now();
    this.addEventListener("open", () => { window.__desk.open = performance.now(); });
    this.addEventListener("message", (e) => {  // screen bytes only (text messages are pongs and downloads)
      if (e.data instanceof ArrayBuffer) window.__desk.frames.push([performance.now(), e.data.byteLength]);
    });
  }
};
"""
TIMINGS = """() => {
  const nav = performance.getEntriesByType("navigation")[0];
  const assets = performance.getEntriesByType("resource").filter((r) => !r.name.includes("/ws"));
  return {
    html: nav.responseEnd,
    assets: Math.max(nav.responseEnd, ...assets.map((r) => r.responseEnd)),
    asset_bytes: assets.reduce((n, r) => n + r.transferSize, 0),
    onload: nav.loadEventStart,
    ws: window.__desk.open || null,
    frames: window.__desk.frames,
  };
}"""
PARTS = ("html", "assets", "ws", "first frame", "screen")


def session_pids(data: Path) -> list[int]:
    """The desk processes of ``data``'s served sessions (waiting spares included)."""
    out = subprocess.run(["pgrep", "-f", "--", f"--data {data}"], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split() if _is_session(int(p))]


def _is_session(pid: int) -> bool:
    try:
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
    except OSError:
        return False
    return b"serve" not in argv


def pss_kib(pid: int) -> int:
    """Proportional set size (shared pages split between the processes sharing them), in KiB."""
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def serving(data: Path, spares: int, log: Path) -> Iterator[str]:
    """``deskapp serve --spares N`` on ``data``; stopped with SIGINT (as Ctrl+C), which must leave no process."""
    port = _free_port()
    with log.open("wb") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "deskapp",
                "serve",
                "--data",
                str(data),
                "--port",
                str(port),
                "--spares",
                str(spares),
            ],
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        time.sleep(1.5)
        # the spares are up (their imports done) before the first tab comes
        wait_for(lambda: len(session_pids(data)) >= spares, "the spare sessions", 60)
        time.sleep(1.0 if spares else 0)
        try:
            yield f"http://127.0.0.1:{port}/"
        finally:
            server.send_signal(signal.SIGINT)
            code = server.wait(60)
            left = session_pids(data)
            if code != 0 or left:
                print(f"!! serve exit {code}, processes left {left}: {log.read_text(errors='replace')[-2000:]}")


def page_load(browser: Browser, url: str) -> dict[str, float]:
    """One tab opened on the served desk and timed until the sign-in screen is drawn; ms from navigation start."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    context.add_init_script(WATCH_WEBSOCKET)
    page = context.new_page()
    page.goto(url)
    page.wait_for_selector("body.-first-byte", timeout=60_000)
    quiet_since = time.monotonic()
    seen = 0
    while time.monotonic() - quiet_since < 1.0:  # until no frame came for a second
        page.wait_for_timeout(100)
        count = page.evaluate("() => window.__desk.frames.length")
        if count != seen:
            seen, quiet_since = count, time.monotonic()
    t: dict[str, Any] = page.evaluate(TIMINGS)
    frames = [at for at, size in t["frames"] if size]
    drawn = frames[0]
    for at in frames[1:]:
        if at - drawn > 500:
            break
        drawn = at
    context.close()
    return {"html": t["html"], "assets": t["assets"], "ws": t["ws"], "first frame": frames[0], "screen": drawn}


def medians(loads: list[dict[str, float]]) -> dict[str, float]:
    return {part: statistics.median(load[part] for load in loads) for part in PARTS}


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


def started_at(pid: int) -> int:
    """A process's start time (clock ticks since boot; 0 when gone)."""
    try:
        return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19])
    except (OSError, IndexError, ValueError):
        return 0


def split(data: Path, sessions: int) -> tuple[list[int], list[int]]:
    """(sessions, waiting spares) among ``data``'s desk processes: the tabs' are the oldest (every spare
    is started after the tab before it took its predecessor)."""
    pids = sorted(session_pids(data), key=started_at)
    return pids[:sessions], pids[sessions:]


def sessions_figures(
    browser: Browser, url: str, data: Path, staff: list[StaffMember], counts: list[int], spares: int
) -> None:
    tabs: list[Session] = []
    wait_for(lambda: len(session_pids(data)) <= spares, "the page-load tabs' sessions to end", 60)
    waiting = session_pids(data)
    spare_pss = statistics.mean(pss_kib(pid) for pid in waiting) / 1024 if waiting else 0.0
    print(f"waiting spare: {len(waiting)} process(es), PSS {spare_pss:.0f} MiB each")
    per_session: dict[int, tuple[float, float, float, float]] = {}
    for count in sorted(counts):
        while len(tabs) < count:
            n = len(tabs)
            tab = Session(browser, url)
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
                print(f"PIN Enter → main screen drawn: {signed:.2f} s (first session, includes the scrypt check)")
        wait_for(lambda count=count: len(session_pids(data)) >= count + spares, "the spare behind the last tab", 60)
        time.sleep(3)  # the spare has drawn its screen: idle from here on
        pids, _spares = split(data, count)
        pss = [pss_kib(pid) for pid in pids]
        cpu0 = {pid: cpu_seconds(pid) for pid in pids}
        time.sleep(10)
        used = [cpu_seconds(pid) - cpu0[pid] for pid in pids if started_at(pid)]
        idle = sum(used) / 10 / max(len(used), 1)
        tabs[0].front()
        answers = key_answer_ms(tabs[0])
        per_session[count] = (statistics.mean(pss) / 1024, idle, statistics.median(answers), max(answers))
        print(
            f"{count:3d} sessions: PSS per session {statistics.mean(pss) / 1024:.0f} MiB, "
            f"idle CPU per session {idle * 100:.1f}% of a core, keystroke answer median "
            f"{statistics.median(answers):.0f} ms, worst {max(answers):.0f} ms"
        )
    # A 2-core, 24 GiB host: memory for sessions (4 GiB kept for the system), and idle CPU (half of the two
    # cores kept for the answers to keys) — the smaller bound, if the keystroke answer stayed ≤ 100 ms here.
    most = max(per_session)
    mib, idle, median_ms, worst_ms = per_session[most]
    by_memory = int((24 - 4) * 1024 / mib)
    by_idle_cpu = int(1.0 / idle) if idle > 0 else by_memory
    print(
        f"2-core 24 GiB host: memory allows {by_memory} sessions ({mib:.0f} MiB each, 4 GiB kept), idle CPU "
        f"{by_idle_cpu} (half of the 2 cores kept for answering keys); keystroke with {most} open: median "
        f"{median_ms:.0f} ms, worst {worst_ms:.0f} ms ({'≤' if worst_ms <= 100 else '>'} 100 ms)"
    )
    for tab in tabs:
        tab.context.close()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", nargs="+", type=int, default=[1, 4, 8])
    parser.add_argument("--loads", type=int, default=5, help="page loads per spare setting")
    parser.add_argument("--spares", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--gap", type=float, default=6.0, help="seconds between two page loads (clerks come apart)")
    args = parser.parse_args()
    staff = [StaffMember(f"受理员{n:02d}") for n in range(max(args.sessions))]
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
        results: dict[int, dict[str, float]] = {}
        for spares in args.spares:
            data = Path(tmp) / f"office-{spares}"
            save_staff(open_desk(data).locations, staff)
            with serving(data, spares, Path(tmp) / f"serve-{spares}.log") as url:
                loads = []
                for _ in range(args.loads):
                    loads.append(page_load(browser, url))
                    time.sleep(args.gap)
                results[spares] = medians(loads)
                worst = max(load["screen"] for load in loads)
                parts = ", ".join(f"{part} {ms:.0f}" for part, ms in results[spares].items())
                print(f"--spares {spares}: page load → sign-in screen drawn, median of {args.loads} (ms): {parts}")
                print(f"--spares {spares}: worst page load → sign-in screen {worst:.0f} ms")
                if spares == args.spares[-1]:
                    sessions_figures(browser, url, data, staff, args.sessions, spares)
        first = args.spares[0]
        for spares in args.spares[1:]:
            ratio = results[spares]["screen"] / results[first]["screen"]
            print(f"page load → sign-in screen, --spares {spares} / --spares {first}: {ratio:.2f}")
        browser.close()


if __name__ == "__main__":
    main()
