"""Keys sent all at once through a real terminal (tmux): two whole registrations, no key lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from deskapp.service import open_desk

ROOT = Path(__file__).resolve().parent.parent

# One `tmux send-keys` call: tmux writes every key into the desk's terminal at once (a burst,
# as a scanner or an IME committing a phrase delivers it). Words that are not key names are
# typed as they stand.
TWO_PACKS = [
    "F2", "1",
    "新疆准东某电力有限公司", "Enter", "煤电技能大师工作室", "Enter", "mt", "Enter", "王建国", "Enter",
    "刘敏", "Enter", "13900000000", "Enter", "6", "Enter",
    "1", "2", "3", "4", "5", "6", "7", "8", "Enter",  # the checklist but 9, then 页数
    "20", "Enter", "F8", "周五补交电子版", "Enter",  # Enter on 备注 saves
    "Enter",  # the number screen: next pack
    "F2", "2",
    "准东新能源有限公司", "Enter", "光伏储能项目", "Enter", "xny", "Enter", "李秀英", "Enter", "陈静", "Enter",
    "0994-1234567", "Enter",
    "0", "18", "Enter", "u", "Enter",
]  # fmt: skip


def tmux(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["tmux", *args], capture_output=True, text=True, check=False)


def test_two_registrations_sent_at_once_through_tmux(tmp_path: Path) -> None:
    if shutil.which("tmux") is None:
        pytest.fail("tmux is missing: ./test.sh installs it (scripts/system-packages.sh)")
    data = tmp_path / "data"
    data.mkdir()
    (data / "desk.toml").write_text('[[staff]]\nname = "张三"\nrole = "clerk"\n', encoding="utf-8")
    session = f"form-keys-{os.getpid()}"
    env = {**os.environ, "TERM": "xterm-256color", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    command = f"{sys.executable} -m deskapp --data {data}"
    subprocess.run(
        ["tmux", "new-session", "-d", "-s", session, "-x", "120", "-y", "36", command], check=True, cwd=ROOT, env=env
    )

    def screen() -> str:
        return tmux("capture-pane", "-p", "-t", session).stdout

    def wait_for(check, what: str, seconds: float = 90) -> None:  # type: ignore[no-untyped-def]
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            if check():
                return
            time.sleep(0.2)
        raise AssertionError(f"{what} never happened; the screen:\n{screen()}")

    def packs() -> int:
        return open_desk(data).store.count()

    try:
        wait_for(lambda: "张三" in screen(), "the sign-in screen")
        assert tmux("send-keys", "-t", session, "Enter").returncode == 0
        wait_for(lambda: "登记新材料" in screen(), "the main screen")
        assert tmux("send-keys", "-t", session, *TWO_PACKS).returncode == 0
        wait_for(lambda: packs() == 2, "two packs saved", seconds=180)
        wait_for(lambda: "ZD2026-XM-0001" in screen(), "the second number shown")
    finally:
        tmux("kill-session", "-t", session)

    store = open_desk(data).store
    studio, project = store.by_receipt("ZD2026-GZS-0001"), store.by_receipt("ZD2026-XM-0001")
    assert studio is not None and project is not None
    assert (studio.unit, studio.name, studio.sector, studio.leader, studio.contact, studio.phone) == (
        "新疆准东某电力有限公司",
        "煤电技能大师工作室",
        "煤炭煤电煤化工",
        "王建国",
        "刘敏",
        "13900000000",
    )
    assert (studio.members, studio.pages, studio.notes) == (6, 20, "周五补交电子版")
    assert [k for k, v in studio.checklist.items() if not v] == ["ecopy"]
    assert (project.unit, project.name, project.sector, project.leader, project.contact, project.phone) == (
        "准东新能源有限公司",
        "光伏储能项目",
        "新能源新材料",
        "李秀英",
        "陈静",
        "0994-1234567",
    )
    assert (project.pages, project.ecopy_medium) == (18, "U盘") and all(project.checklist.values())
