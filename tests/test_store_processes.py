"""The store under real processes: four desks writing at once, kill -9 at random moments,
a full disk during a write. Real files, real `python -m deskapp register` processes."""

from __future__ import annotations

import json
import os
import random
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from deskapp.config import load_config
from deskapp.integrity import check_problems
from deskapp.journal import verify_chain
from deskapp.locations import Locations
from deskapp.store import DeskStore, StoreWriteError

ROOT = Path(__file__).resolve().parent.parent


def pack_lines(count: int, tag: str) -> str:
    lines = []
    for n in range(count):
        kind = "studio" if n % 3 else "project"
        lines.append(
            json.dumps(
                {"kind": kind, "unit": f"准东{tag}单位{n}", "name": f"{tag}工作室{n}", "members": 6}, ensure_ascii=False
            )
        )
    return "\n".join(lines) + "\n"


def register_process(data: Path, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "deskapp", "--data", str(data), "register", "--clerk", "张三"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        **popen,  # type: ignore[call-overload]
    )


def open_store(data: Path) -> DeskStore:
    locations = Locations.resolve(data)
    return DeskStore(locations, load_config(locations.default_config, locations.config))


def assert_numbers_unique_and_gapless(store: DeskStore) -> dict[str, list[int]]:
    by_kind: dict[str, list[int]] = {}
    receipts = [store.get(i).receipt_no for i in store.ids()]
    assert len(receipts) == len(set(receipts))
    for pack in store.packs():
        by_kind.setdefault(pack.kind, []).append(pack.serial)
    for seqs in by_kind.values():
        assert sorted(seqs) == list(range(1, len(seqs) + 1))
    return by_kind


@pytest.mark.slow
def test_four_processes_writing_at_once_store_all_with_unique_gapless_numbers(data_dir):
    procs = [register_process(data_dir) for _ in range(4)]
    outputs = []
    threads = [
        threading.Thread(target=lambda p=p, t=t: outputs.append(p.communicate(pack_lines(250, t), timeout=240)))
        for p, t in zip(procs, "ABCD", strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [p.returncode for p in procs] == [0, 0, 0, 0], [err for _, err in outputs]
    printed = [json.loads(line)["receipt_no"] for out, _ in outputs for line in out.splitlines()]
    assert len(printed) == 1000 and len(set(printed)) == 1000

    store = open_store(data_dir)
    assert store.count() == 1000
    by_kind = assert_numbers_unique_and_gapless(store)
    assert {k: len(v) for k, v in by_kind.items()} == {"studio": 4 * 166, "project": 4 * 84}
    assert {store.get(i).receipt_no for i in store.ids()} == set(printed)
    report = verify_chain(data_dir / "journal.jsonl")
    assert report.ok and report.entries == 1000 and not report.torn_tail
    assert check_problems(store) == []


def _read_committed(proc: subprocess.Popen[str], sink: list[str]) -> None:
    assert proc.stdout is not None
    sink.extend(json.loads(line)["receipt_no"] for line in proc.stdout if line.endswith("\n"))


@pytest.mark.slow
def test_kill_9_at_random_moments_never_loses_a_committed_registration(data_dir):
    rng = random.Random(20260615)
    committed: list[str] = []
    torn_tails = 0
    for round_no in range(5):
        procs, sinks, readers = [], [], []
        for tag in ("K", "L"):
            proc = register_process(data_dir)
            sink: list[str] = []
            reader = threading.Thread(target=_read_committed, args=(proc, sink))
            reader.start()
            feeder = threading.Thread(target=_feed, args=(proc, pack_lines(3000, f"{tag}{round_no}-")))
            feeder.start()
            procs.append(proc)
            sinks.append(sink)
            readers.append(reader)
        for proc, sink in zip(
            procs, sinks, strict=True
        ):  # each desk is killed at its own random moment, the other still writing
            deadline = time.monotonic() + 60
            while len(sink) < 3 and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)  # until it is registering (start-up takes long on a busy machine)
            time.sleep(rng.uniform(0.0, 0.5))
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
        for reader in readers:
            reader.join(timeout=30)
        for sink in sinks:
            committed += sink

        report = verify_chain(data_dir / "journal.jsonl")
        assert report.ok, report.bad
        torn_tails += report.torn_tail
        store = open_store(data_dir)  # readable every time
        stored = {store.get(i).receipt_no for i in store.ids()}
        missing = set(committed) - stored
        assert not missing, f"round {round_no}: committed but not stored: {sorted(missing)[:5]}"
        assert_numbers_unique_and_gapless(store)
    assert len(committed) >= 30  # every writer had committed at least 3 before it was killed
    # The next writer cuts any unterminated line and numbers on from the last committed one.
    store = open_store(data_dir)
    pack = store.register("studio", {"unit": "最后一家", "name": "收尾工作室"}, "李四")
    studio = [p.serial for p in store.packs() if p.kind == "studio"]
    assert pack.serial == max(studio) == len(studio)
    assert check_problems(store) == []
    print(f"killed 10 writers, {len(committed)} committed registrations all stored, {torn_tails} torn tails seen")


def _feed(proc: subprocess.Popen[str], text: str) -> None:
    assert proc.stdin is not None
    try:
        proc.stdin.write(text)
        proc.stdin.close()
    except (BrokenPipeError, OSError):
        pass  # the process was killed


FULL_DISK_CHILD = """
import resource, signal, sys
from deskapp.config import load_config
from deskapp.locations import Locations
from deskapp.store import DeskStore, StoreWriteError
locations = Locations.resolve(sys.argv[1])
store = DeskStore(locations, load_config(locations.default_config, locations.config))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
limit = int(sys.argv[2])
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
for n in range(3):
    try:
        pack = store.register("studio", {"unit": "满盘单位%d" % n, "name": "满盘工作室%d" % n, "notes": "x" * 300}, "张三")
        print("committed", pack.receipt_no, flush=True)
    except StoreWriteError as exc:
        print("refused", exc, flush=True)
resource.setrlimit(resource.RLIMIT_FSIZE, (200, 200))  # the disk fills further
print("snapshot", store.save_snapshot(), flush=True)
"""


@pytest.mark.slow
def test_full_disk_during_a_write_keeps_the_old_state_and_says_so(data_dir):
    store = open_store(data_dir)
    for n in range(3):
        store.register("studio", {"unit": f"单位{n}", "name": f"工作室{n}"}, "张三")
    assert store.save_snapshot()
    journal = data_dir / "journal.jsonl"
    snapshot_before = (data_dir / "journal.snapshot").read_bytes()
    size = journal.stat().st_size
    entry = size // 3
    # Room for one more entry (~1.5 entries' worth): the first write commits, the second runs out.
    limit = size + entry + 600
    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK_CHILD, str(data_dir), str(limit)],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == "committed ZD2026-GZS-0004"
    assert lines[1].startswith("refused 磁盘已满") and "原有记录完好" in lines[1]
    assert lines[2].startswith("refused 磁盘已满")
    assert lines[3] == "snapshot False"  # a snapshot that did not fit leaves the old one
    assert (data_dir / "journal.snapshot").read_bytes() == snapshot_before
    assert not [p for p in data_dir.iterdir() if p.name.endswith(".tmp")]
    # Old state intact: exactly the committed entries, every line whole, the chain good.
    report = verify_chain(journal)
    assert report.ok and not report.torn_tail and report.entries == 4
    after = open_store(data_dir)
    assert [p.receipt_no for p in after.packs()] == [f"ZD2026-GZS-000{n}" for n in (4, 3, 2, 1)]
    assert after.register("studio", {"unit": "单位5", "name": "工作室5"}, "张三").receipt_no == "ZD2026-GZS-0005"
    assert check_problems(after) == []


def test_the_file_size_limit_really_applies_in_the_child(tmp_path):
    """Guard for the test above: the limit must make writes fail here, not be ignored."""
    target = tmp_path / "f"
    code = (
        "import resource, signal, os, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))\n"
        "fd = os.open(sys.argv[1], os.O_WRONLY | os.O_CREAT)\n"
        "os.write(fd, b'x' * 100)\n"
        "try:\n    os.write(fd, b'y')\nexcept OSError as e:\n    print(e.errno)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(target)], check=False, capture_output=True, text=True, timeout=30
    )
    assert out.stdout.strip() == str(__import__("errno").EFBIG)
    assert resource.RLIMIT_FSIZE is not None


CRASH_CHILD = """
import os, signal, sys
from deskapp.config import load_config
from deskapp.locations import Locations
from deskapp.store import DeskStore, StoreWriteError
locations = Locations.resolve(sys.argv[1])
store = DeskStore(locations, load_config(locations.default_config, locations.config))
store.register("studio", {"unit": "先到的单位", "name": "先到的工作室"}, "张三")
print("committed", store.next_receipt("studio"), flush=True)
real_write, real_fsync = os.write, os.fsync
if sys.argv[2] == "mid-write":      # the number is issued, half the line is out: crash
    def write(fd, data):
        real_write(fd, bytes(data[: len(data) // 2]))
        os.kill(os.getpid(), signal.SIGKILL)
    os.write = write
else:                               # the whole line is out, not yet fsynced or reported: crash
    def fsync(fd):
        os.kill(os.getpid(), signal.SIGKILL)
    os.fsync = fsync
store.register("studio", {"unit": "崩溃时的单位", "name": "崩溃时的工作室"}, "张三")
print("not reached", flush=True)
"""


@pytest.mark.parametrize("moment", ["mid-write", "before-fsync"])
def test_a_crash_between_issuing_a_number_and_saving_never_issues_it_twice(data_dir, moment):
    out = subprocess.run(
        [sys.executable, "-c", CRASH_CHILD, str(data_dir), moment],
        check=False,
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=ROOT,
        timeout=60,
    )
    assert out.returncode == -signal.SIGKILL and "not reached" not in out.stdout
    store = open_store(data_dir)
    crashed_number = "ZD2026-GZS-0002"
    if moment == "mid-write":  # never committed: gone, and the number was never given to anyone
        assert store.count() == 1 and store.by_receipt(crashed_number) is None
    else:  # the line reached the file, so every desk sees it as committed
        assert store.by_receipt(crashed_number).unit == "崩溃时的单位"
    pack = store.register("studio", {"unit": "后来的单位", "name": "后来的工作室"}, "李四")
    receipts = [p.receipt_no for p in store.packs()]
    assert len(receipts) == len(set(receipts)) and pack.receipt_no in receipts
    assert pack.receipt_no == (crashed_number if moment == "mid-write" else "ZD2026-GZS-0003")
    assert_numbers_unique_and_gapless(store)
    assert check_problems(store) == []


HOLD_LOCK_CHILD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("holding", flush=True)
time.sleep(60)
"""


def test_a_desk_stuck_holding_the_lock_gives_a_clear_message_and_a_killed_one_frees_it(data_dir, monkeypatch):
    from deskapp import journal

    monkeypatch.setattr(journal, "LOCK_TIMEOUT_S", 0.3)
    store = open_store(data_dir)
    store.register("studio", {"unit": "甲单位", "name": "甲工作室"}, "张三")
    before = (data_dir / "journal.jsonl").read_bytes()
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_LOCK_CHILD, str(data_dir / "journal.lock")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        with pytest.raises(StoreWriteError, match=r"另一台受理台正占用记录文件.*本次修改未保存"):
            store.register("studio", {"unit": "乙单位", "name": "乙工作室"}, "张三")
        assert (data_dir / "journal.jsonl").read_bytes() == before
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
    # The kernel released the killed desk's lock: the next write goes through with the next number.
    assert store.register("studio", {"unit": "乙单位", "name": "乙工作室"}, "张三").receipt_no == "ZD2026-GZS-0002"


def test_two_desks_on_one_folder_never_issue_the_same_number(data_dir):
    """The fast guard of cross-desk uniqueness (no ``slow`` marker): two desks, each with its own store
    object and its own lock handle on one data folder, register in interleaved threads."""
    desks = [open_store(data_dir), open_store(data_dir)]
    issued: list[list[str]] = [[], []]
    failures: list[BaseException] = []

    def work(n: int) -> None:
        try:
            for i in range(40):
                pack = desks[n].register(
                    "studio", {"unit": f"准东单位{n}-{i}", "name": f"工作室{n}-{i}", "members": 6}, "张三"
                )
                issued[n].append(pack.receipt_no)
        except BaseException as exc:  # noqa: BLE001 -- reported below: a thread's exception would be lost otherwise
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(n,)) for n in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures
    both = issued[0] + issued[1]
    assert len(both) == 80 and len(set(both)) == 80
    fresh = open_store(data_dir)
    assert fresh.count() == 80
    assert_numbers_unique_and_gapless(fresh)
    assert verify_chain(data_dir / "journal.jsonl").ok
