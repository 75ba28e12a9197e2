"""100 scans in one burst into the desk running in a real terminal (tmux): genuine slip codes,
forged ones, receipt numbers with and without dashes, junk, each ending in CR, LF, CR LF or Tab.

Every line must be read whole (the scan log holds each, in order), genuine ones opened, forged
ones refused and recorded in the journal, and the desk must still be running afterwards.
tmux is installed by ``test.sh`` (scripts/system-packages.sh): no tmux is a failure, not a skip.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from deskapp.config import StaffMember
from deskapp.receipt_qr import signer_for
from deskapp.scan_route import read_log
from deskapp.service import open_desk, save_staff
from deskapp.timeutil import fixed_clock
from screens.keygate import ANSWER_PAUSE
from tests.conftest import ON_TIME, full_checklist, studio_fields

ROOT = Path(__file__).resolve().parent.parent
ENDINGS = ["\r", "\n", "\t", "\r\n"]


def tmux(*args: str, check: bool = True) -> str:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=check).stdout


def prepared(data: Path) -> tuple[list[tuple[str, str, str]], list[str]]:
    """Packs on file, and the 100 lines: (line, expected outcome, receipt it opens)."""
    desk = open_desk(data, clock=fixed_clock(ON_TIME))
    save_staff(desk.locations, [StaffMember("张三")])
    desk.reload_config()
    packs = [
        desk.store.register(
            "studio", studio_fields(name=f"工作室{n}"), "张三", checklist=full_checklist(desk, "studio")
        )
        for n in range(6)
    ] + [desk.store.register("project", studio_fields(name=f"项目{n}", members=None), "张三") for n in range(4)]
    desk.store.close()
    signer = signer_for(desk.locations.secret)
    rng = random.Random(2026)
    lines: list[tuple[str, str, str]] = []
    for n in range(100):
        pack = packs[rng.randrange(len(packs))]
        kind = n % 5
        if kind == 0:
            lines.append((signer.payload(pack.receipt_no), "opened", pack.receipt_no))
        elif kind == 1:
            genuine = signer.payload(pack.receipt_no)
            forged = genuine[:-4] + ("0000" if not genuine.endswith("0000") else "1111")
            lines.append((forged, "refused", ""))
        elif kind == 2:
            lines.append((pack.receipt_no, "opened", pack.receipt_no))
        elif kind == 3:
            lines.append((pack.receipt_no.replace("-", ""), "opened", pack.receipt_no))
        else:
            junk = "".join(rng.choice("ABCDEFGHJKMNPQRSTVWXYZ0123456789") for _ in range(rng.randrange(6, 14)))
            lines.append((junk, "not_found", ""))
    endings = [ENDINGS[rng.randrange(len(ENDINGS))] for _ in lines]
    return lines, endings


def test_hundred_scans_in_one_burst_in_a_real_terminal(tmp_path: Path) -> None:
    assert shutil.which("tmux"), "tmux is missing: run ./test.sh (it installs it)"
    data = tmp_path / "data"
    data.mkdir()
    lines, endings = prepared(data)
    burst = "".join(line + end for (line, _, _), end in zip(lines, endings, strict=True))
    session = f"scan-burst-{os.getpid()}"
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m tests.tty_desk {data}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True, cwd=ROOT, env=env
    )
    try:

        def wait_for(test, what: str, seconds: float) -> None:  # type: ignore[no-untyped-def]
            end = time.monotonic() + seconds
            while time.monotonic() < end:
                if test():
                    return
                time.sleep(0.2)
            raise AssertionError(
                f"{what} never happened; the screen:\n{tmux('capture-pane', '-p', '-t', session, check=False)}"
            )

        wait_for(lambda: "本批次共 10 件" in tmux("capture-pane", "-p", "-t", session), "the main screen", 60)
        # One burst: the whole text goes into the terminal at once, as a scanner with a queue types it
        # (-r keeps LF as LF; without -p it is typed, not a bracketed paste).
        tmux("set-buffer", "-b", session, "--", burst)
        tmux("paste-buffer", "-r", "-d", "-b", session, "-t", session)
        log = data / "logs" / "scans.jsonl"
        wait_for(lambda: len(read_log(log)) >= len(lines), "reading all 100 scans", 400)
        read = read_log(log)
        assert [entry["read"] for entry in read] == [line for line, _, _ in lines]  # each whole, in order
        assert [(entry["outcome"], entry["receipt"]) for entry in read] == [(o, r) for _, o, r in lines]
        assert all(entry["actor"] == "张三" and entry["at"].startswith("2026-06-10T09:30") for entry in read)

        desk = open_desk(data, clock=fixed_clock(ON_TIME))
        refused = [h for h in desk.store.history() if h.action == "scan_refused"]
        assert [h.data["payload"] for h in refused] == [line for line, o, _ in lines if o == "refused"]
        assert {h.action for h in desk.store.history()} == {"register", "scan_refused"}  # nothing ticked
        desk.store.close()

        last = [r for _, o, r in lines if o == "opened"][-1]
        wait_for(lambda: last in tmux("capture-pane", "-p", "-t", session), "the last pack shown", 30)
        tmux("send-keys", "-t", session, "Escape")  # still running: one Esc back to the list
        wait_for(lambda: "本批次共 10 件" in tmux("capture-pane", "-p", "-t", session), "the main screen again", 30)
        assert "Traceback" not in tmux("capture-pane", "-p", "-t", session)
    finally:
        tmux("kill-session", "-t", session, check=False)


def test_scans_on_a_dialog_the_form_and_the_dashboard_in_a_real_terminal(tmp_path: Path) -> None:
    """Trial faults 2–9: real bursts (tmux send-keys) where there is no scan box. On a dialog the
    scan opens nothing and the dialog stays; on the form's checklist and on 总览 it opens the
    scanned pack, not the highlighted row; nothing is ticked, chosen or registered."""
    assert shutil.which("tmux"), "tmux is missing: run ./test.sh (it installs it)"
    data = tmp_path / "data"
    data.mkdir()
    desk = open_desk(data, clock=fixed_clock(ON_TIME))
    save_staff(desk.locations, [StaffMember("张三")])
    desk.reload_config()
    packs = [desk.store.register("studio", studio_fields(name=f"工作室{n}"), "张三") for n in range(4)]
    payload = signer_for(desk.locations.secret).payload(packs[1].receipt_no)
    desk.store.close()
    session = f"scan-places-{os.getpid()}"
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    command = f"{sys.executable} -m tests.tty_desk {data}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True, cwd=ROOT, env=env
    )
    log = data / "logs" / "scans.jsonl"

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", session, check=False)

    def wait_for(test, what: str, seconds: float = 30) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if test():
                return
            time.sleep(0.1)
        raise AssertionError(f"{what} never happened; the screen:\n{screen()}")

    def keys(*names: str) -> None:
        tmux("send-keys", "-t", session, *names)

    def scan(line: str, outcome: str) -> None:
        before = len(read_log(log))
        tmux("send-keys", "-t", session, "-l", line)  # the whole line in one write, as a scanner types it
        wait_for(lambda: len(read_log(log)) > before, f"the scan {line!r} logged")
        entry = read_log(log)[-1]
        assert (entry["read"], entry["outcome"]) == (line.rstrip("\r\n\t"), outcome)

    try:
        wait_for(lambda: "本批次共 4 件" in screen(), "the main screen", 60)
        keys("F2")
        wait_for(lambda: "是哪一类" in screen(), "the kind dialog")
        scan("ZD2026-GZS-0002\r", "not_taken")  # its "2" would have chosen 人才项目
        wait_for(lambda: "请先处理当前对话框" in screen(), "the refusal told")
        assert "是哪一类" in screen()  # the dialog is still open, unanswered

        keys("1")
        wait_for(lambda: "登记人才工作室" in screen(), "the form")
        tmux("send-keys", "-t", session, "-l", "清单扫描公司\r清单扫描工作室\r")
        keys("F7")
        scan(payload.lower() + "\r", "opened")  # its "2" and "0" would have ticked the checklist
        wait_for(lambda: "结论" in screen() and "工作室1" in screen(), "the scanned pack open")
        keys("Escape")
        wait_for(lambda: "登记人才工作室" in screen(), "back on the form")
        keys("Escape")
        wait_for(lambda: "放弃这次登记" in screen(), "the discard dialog")
        scan(packs[2].receipt_no + "\r\n", "not_taken")  # its Enter would have answered 继续填写
        assert "放弃这次登记" in screen()
        time.sleep(ANSWER_PAUSE + 0.1)  # the clerk reads the dialog: a key right after a burst does not answer it
        keys("Escape")  # discard, as the clerk chooses
        wait_for(lambda: "本批次共 4 件" in screen(), "the main screen again")

        keys("C-o")
        wait_for(lambda: "导出台账" in screen(), "the dashboard")
        keys("Down", "Down", "Down")
        scan(packs[0].receipt_no + "\r", "opened")  # not the highlighted row
        wait_for(lambda: "结论" in screen() and "工作室0" in screen(), "the scanned pack open")

        desk = open_desk(data, clock=fixed_clock(ON_TIME))
        assert {h.action for h in desk.store.history()} == {"register"}  # nothing ticked, chosen or saved
        assert desk.store.count() == 4
        desk.store.close()
        assert "Traceback" not in screen()
    finally:
        tmux("kill-session", "-t", session, check=False)
