"""Store figures, in one run: registration at 100 / 1,000 / 10,000 packs with 1 and 4 writers
beside plain TinyDB (JSONStorage) and sqlite3 doing the same work; search per keystroke and
cold start at 10,000 packs.

    .venv/bin/python bench/bench_store.py            # the whole set, a few minutes
    .venv/bin/python bench/bench_store.py --quick    # fewer registrations, for a look

"The same work" = a numbered insert committed durably, with other desks possibly writing:
take a cross-process lock, see the latest state, give the next number of the pack's kind,
store the pack, fsync, release.
- desk: ``DeskStore.register`` (journal append + fsync; other desks' entries read first).
- TinyDB: ``filelock`` + a fresh ``TinyDB(JSONStorage)`` (its caches go stale when another
  process writes), count the kind, ``insert``, fsync the file. JSONStorage rewrites the whole
  file on every insert, so far fewer inserts are timed at 1,000 and 10,000 packs (said in the
  table); its file is written in place, as TinyDB does.
- sqlite3: WAL, ``synchronous=FULL``, ``BEGIN IMMEDIATE``; ``max(seq)+1`` of the kind; insert; commit.
Each writer is a separate process (fork); 4 writers start together on one folder.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # this checkout's deskapp, not an installed one

from filelock import FileLock
from tinydb import Query, TinyDB
from tinydb.storages import JSONStorage

from deskapp import journal as journal_module
from deskapp.integrity import check_problems
from deskapp.journal import GENESIS, canonical, entry_hash
from deskapp.locations import Locations
from deskapp.numbering import format_receipt
from deskapp.pack_input import new_pack_doc
from deskapp.record_guard import load_chain_key
from deskapp.search import search_keys
from deskapp.service import open_desk
from deskapp.timeutil import iso, parse_time

ROOT = Path(__file__).resolve().parent.parent
CITIES = ["准东", "奇台", "吉木萨尔", "昌吉", "阜康", "五彩湾", "芨芨湖", "大井"]
TRADES = ["煤化工", "煤电", "铝业", "硅材料", "新能源", "矿业", "电力", "化工", "物流", "建材"]
FORMS = ["有限公司", "股份有限公司", "集团有限公司", "分公司"]
PEOPLE = ["王建国", "李秀英", "张伟", "刘洋", "陈静", "杨帆", "赵磊", "黄敏", "周杰", "吴霞"]


def fields(rng: random.Random, n: int, kind: str) -> dict[str, object]:
    return {
        "unit": f"{rng.choice(CITIES)}{rng.choice(TRADES)}{n:05d}{rng.choice(FORMS)}",
        "name": f"{rng.choice(TRADES)}{'技能大师工作室' if kind == 'studio' else '技术攻关项目'}{n}",
        "sector": "煤炭煤电煤化工",
        "leader": rng.choice(PEOPLE),
        "contact": rng.choice(PEOPLE),
        "phone": f"139{rng.randrange(10**8):08d}",
        "members": rng.randint(4, 11) if kind == "studio" else None,
        "notes": "原件已核对，电子版另行报送" if n % 4 == 0 else "",
    }


def kind_of(n: int) -> str:
    return "studio" if n % 3 else "project"


# -- seeding -----------------------------------------------------------------------------------
def seed_docs(count: int) -> list[dict]:
    """``count`` pack documents exactly as ``register`` builds them (validated, pinyin keys)."""
    desk = open_desk(Path(tempfile.mkdtemp(prefix="seed-")))
    rng = random.Random(7)
    start = parse_time("2026-06-02 09:00")
    counters = {"studio": 0, "project": 0}
    docs = []
    for n in range(count):
        kind = kind_of(n)
        checklist = {item.key: rng.random() > 0.1 for item in desk.config.round.checklist(kind)}
        doc = new_pack_doc(desk.config, kind, fields(rng, n, kind), "张三", checklist, rng.randint(10, 30))
        counters[kind] += 1
        doc.update(
            received_at=iso(start + timedelta(seconds=37 * n)),
            distinct_from=[],
            search_keys=search_keys(doc),
            seq=counters[kind],
            receipt_no=format_receipt(desk.config.round, kind, counters[kind]),
        )
        docs.append(doc)
    shutil.rmtree(desk.locations.data, ignore_errors=True)
    return docs


def seed_desk(data: Path, docs: list[dict]) -> None:
    """A journal of these packs, every second one updated once (ecopy arrives next day), plus a snapshot."""
    data.mkdir(parents=True)
    prev, seq, lines = GENESIS, 0, []
    key = load_chain_key(Locations(data))  # creates data/secret.key: the journal is keyed, as a desk writes it

    def add(body: dict) -> None:
        nonlocal prev, seq
        seq += 1
        entry = dict(body, v=2, seq=seq, prev=prev)
        entry["hash"] = prev = entry_hash(prev, entry, key)
        lines.append(canonical(entry))

    for pack_id, doc in enumerate(docs, 1):
        add(
            {
                "action": "register",
                "actor": "张三",
                "pack": pack_id,
                "doc": doc,
                "at": doc["received_at"],
                "reason": "批量导入",
            }
        )
    for pack_id in range(2, len(docs) + 1, 2):
        add(
            {
                "action": "update",
                "actor": "李四",
                "pack": pack_id,
                "set": {"checklist.ecopy": True, "ecopy_medium": "U盘"},
                "old": {"checklist.ecopy": docs[pack_id - 1]["checklist"].get("ecopy"), "ecopy_medium": ""},
                "at": "2026-06-12T10:00:00+08:00",
                "reason": "电子版次日送到",
            }
        )
    (data / "journal.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    desk = open_desk(data)
    assert desk.store.count() == len(docs)
    desk.store.save_snapshot()


def seed_tinydb(path: Path, docs: list[dict]) -> None:
    table = {str(i): {k: v for k, v in d.items() if k != "search_keys"} for i, d in enumerate(docs, 1)}
    path.write_text(json.dumps({"_default": table}, ensure_ascii=False), encoding="utf-8")


def seed_sqlite(path: Path, docs: list[dict]) -> None:
    con = sqlite3.connect(path)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE packs (id INTEGER PRIMARY KEY, kind TEXT, seq INTEGER, receipt_no TEXT UNIQUE, doc TEXT)")
    con.execute("CREATE UNIQUE INDEX kind_seq ON packs(kind, seq)")
    con.executemany(
        "INSERT INTO packs (kind, seq, receipt_no, doc) VALUES (?, ?, ?, ?)",
        [(d["kind"], d["seq"], d["receipt_no"], json.dumps(d, ensure_ascii=False)) for d in docs],
    )
    con.commit()
    con.close()


# -- writers -------------------------------------------------------------------------------------
def timed(count: int, tag: str, start: mp.Event, out: mp.Queue, one) -> None:
    """Wait for the start, then time ``one(kind, fields)`` ``count`` times; put the times on ``out``."""
    rng = random.Random(tag)
    start.wait()
    times = []
    cpu = time.process_time()
    for n in range(count):
        kind = kind_of(n)
        values = fields(rng, n, kind)
        t = time.perf_counter()
        one(kind, values)
        times.append(time.perf_counter() - t)
    out.put((times, time.process_time() - cpu))


def desk_writer(data: str, count: int, tag: str, start: mp.Event, out: mp.Queue) -> None:
    desk = open_desk(data)
    desk.store.register("studio", fields(random.Random(0), 0, "studio"), "张三")  # warm up (pinyin import), untimed
    timed(count, tag, start, out, lambda kind, values: desk.store.register(kind, values, "张三"))


def tinydb_writer(path: str, count: int, tag: str, start: mp.Event, out: mp.Queue) -> None:
    lock = FileLock(path + ".lock")
    q = Query()

    def one(kind: str, values: dict) -> None:
        doc = dict(values, kind=kind)
        with lock:
            db = TinyDB(path, storage=JSONStorage, encoding="utf-8", ensure_ascii=False)
            doc["seq"] = db.count(q.kind == kind) + 1
            doc["receipt_no"] = f"{kind}-{doc['seq']:04d}"
            db.insert(doc)
            handle = db.storage._handle  # type: ignore[attr-defined]
            handle.flush()
            os.fsync(handle.fileno())
            db.close()

    timed(count, tag, start, out, one)


def sqlite_writer(path: str, count: int, tag: str, start: mp.Event, out: mp.Queue) -> None:
    con = sqlite3.connect(path, timeout=30, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")

    def one(kind: str, values: dict) -> None:
        con.execute("BEGIN IMMEDIATE")
        (seq,) = con.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM packs WHERE kind = ?", (kind,)).fetchone()
        con.execute(
            "INSERT INTO packs (kind, seq, receipt_no, doc) VALUES (?, ?, ?, ?)",
            (kind, seq, f"{kind}-{seq:04d}", json.dumps(dict(values, kind=kind), ensure_ascii=False)),
        )
        con.execute("COMMIT")

    timed(count, tag, start, out, one)
    con.close()


def run_writers(target, where: str, writers: int, per_writer: int) -> list[float]:
    ctx = mp.get_context("fork")
    start, out = ctx.Event(), ctx.Queue()
    procs = [ctx.Process(target=target, args=(where, per_writer, f"w{i}", start, out)) for i in range(writers)]
    for p in procs:
        p.start()
    time.sleep(0.5 + 0.2 * writers)  # let every writer open its store before the start
    start.set()
    results = [out.get(timeout=600) for _ in procs]
    for p in procs:
        p.join()
    times = [t for result in results for t in result[0]]
    run_writers.cpu_ms = sum(result[1] for result in results) / len(times) * 1000  # type: ignore[attr-defined]
    return times


def pct(times: list[float], q: float) -> float:
    ordered = sorted(times)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


# -- the run -------------------------------------------------------------------------------------
def registration_table(docs: list[dict], work: Path, quick: bool) -> None:
    print("\nRegistration: number issued and committed durably (fsync), per registration, in ms")
    print(
        f"{'packs':>6} {'writers':>7} | {'desk p50':>8} {'p95':>6} {'n':>4} | {'TinyDB p50':>10} {'p95':>7} {'n':>3} | "
        f"{'sqlite p50':>10} {'p95':>5} {'n':>4} | {'TinyDB/desk p95':>15} {'desk/sqlite p95':>15} | desk CPU"
    )
    for size in (100, 1000, 10000):
        for writers in (1, 4):
            base = work / f"{size}-{writers}"
            seed_desk(base / "desk", docs[:size])
            seed_tinydb(base / "tiny.json", docs[:size])
            seed_sqlite(base / "db.sqlite", docs[:size])
            desk_n = (40 if quick else 200) // writers
            tiny_total = {100: 100, 1000: 40, 10000: 12}[size] // (4 if quick else 1)
            tiny_n = max(2, tiny_total // writers)
            desk_t = run_writers(desk_writer, str(base / "desk"), writers, desk_n)
            desk_cpu = run_writers.cpu_ms  # type: ignore[attr-defined]
            tiny_t = run_writers(tinydb_writer, str(base / "tiny.json"), writers, tiny_n)
            sql_t = run_writers(sqlite_writer, str(base / "db.sqlite"), writers, desk_n)
            check = open_desk(base / "desk").store
            assert check_problems(check) == [], "the desk's record must be whole after the run"
            d50, d95 = pct(desk_t, 0.5), pct(desk_t, 0.95)
            t50, t95 = pct(tiny_t, 0.5), pct(tiny_t, 0.95)
            s50, s95 = pct(sql_t, 0.5), pct(sql_t, 0.95)
            print(
                f"{size:>6} {writers:>7} | {d50:>8.2f} {d95:>6.2f} {len(desk_t):>4} | {t50:>10.1f} {t95:>7.1f} {len(tiny_t):>3} | "
                f"{s50:>10.2f} {s95:>5.2f} {len(sql_t):>4} | {t95 / d95:>14.1f}x {d95 / s95:>14.1f}x | {desk_cpu:>5.2f}"
            )
            shutil.rmtree(base, ignore_errors=True)
    print("n = registrations timed (all writers together). TinyDB times fewer: each insert rewrites the whole file.")
    print("desk CPU = the desk processes' CPU time per registration (pinyin keys, JSON, hash; not the fsync wait).")


def fsync_table(docs: list[dict], work: Path, quick: bool) -> None:
    """Registration p95 with the fsync after the lock is released (the desk's choice) and under it."""
    print("\nWhen fsync runs (issue 12): registration at 1,000 packs, ms")
    print(f"{'fsync':>14} {'writers':>7} | {'p50':>6} {'p95':>6} {'n':>4}")
    for under in (False, True):
        for writers in (1, 4):
            base = work / f"fsync-{under}-{writers}"
            seed_desk(base, docs[:1000])
            journal_module.FSYNC_UNDER_LOCK = under  # the forked writers inherit it
            times = run_writers(desk_writer, str(base), writers, (40 if quick else 200) // writers)
            journal_module.FSYNC_UNDER_LOCK = False
            label = "under the lock" if under else "after release"
            print(f"{label:>14} {writers:>7} | {pct(times, 0.5):>6.2f} {pct(times, 0.95):>6.2f} {len(times):>4}")
            shutil.rmtree(base, ignore_errors=True)


def verification_figure(data: Path) -> None:
    """The whole-chain verification the desk runs in a worker after its first paint."""
    desk = open_desk(data)
    times = []
    for _ in range(3):
        t = time.perf_counter()
        report = desk.store.guard.verify()
        times.append(time.perf_counter() - t)
        assert report.ok, report.bad
    size = desk.locations.journal.stat().st_size / 1e6
    print(
        f"\nBackground verification at {desk.store.count():,} packs ({report.entries:,} entries, {size:.1f} MB):"
        f" median {statistics.median(times) * 1000:.0f} ms (HMAC recomputed for every entry; in a thread worker)"
    )


def search_figures(data: Path) -> None:
    desk = open_desk(data)
    store, round_id = desk.store, desk.config.round.id
    typed = ["准东煤化工", "zdmh", "zd2026-gzs-0123", "技能大师工作室77", "wjg", "五彩湾铝业"]
    shown, ids_only, builds = [], [], []
    for word in typed:
        for end in range(1, len(word) + 1):
            prefix = word[:end]
            t = time.perf_counter()
            store.search(prefix, round_id, limit=200)
            shown.append(time.perf_counter() - t)
            t = time.perf_counter()
            store.search_ids(prefix, round_id)
            ids_only.append(time.perf_counter() - t)
    for word in ("准", "z"):  # a one-letter query matches everything: building 10,000 packs
        t = time.perf_counter()
        store.search(word, round_id)
        builds.append(time.perf_counter() - t)
    print(
        f"\nSearch per keystroke at {store.count():,} packs ({len(shown)} keystrokes of {len(typed)} queries typed letter by letter)"
    )
    print(
        f"  store.search(text, round, limit=200)  p50 {pct(shown, 0.5):.2f} ms  p95 {pct(shown, 0.95):.2f} ms  max {max(shown) * 1000:.2f} ms"
    )
    print(
        f"  store.search_ids(text, round)         p50 {pct(ids_only, 0.5):.2f} ms  p95 {pct(ids_only, 0.95):.2f} ms  max {max(ids_only) * 1000:.2f} ms"
    )
    print(
        f"  store.search('准') without a limit ({len(store.search_ids('准', round_id)):,} packs): {builds[0] * 1000:.0f} ms"
    )
    print(
        f"  store.search('z') without a limit ({len(store.search_ids('z', round_id)):,} packs): {builds[1] * 1000:.0f} ms"
    )
    list_figures(data)


def list_figures(data: Path) -> None:
    """What building every pack costs (DeskStore.get: a frozen Pack, cached until it changes)."""
    from deskapp.dashboard import build_dashboard

    cold, warm, dash_cold, dash_warm = [], [], [], []
    for _ in range(3):
        store = open_desk(data).store  # from the snapshot: documents still bytes
        t = time.perf_counter()
        store.packs()
        cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        store.packs()
        warm.append(time.perf_counter() - t)
        fresh = open_desk(data).store
        t = time.perf_counter()
        build_dashboard(fresh)
        dash_cold.append(time.perf_counter() - t)
        t = time.perf_counter()
        build_dashboard(fresh)
        dash_warm.append(time.perf_counter() - t)
    print(f"Every pack at {store.count():,} packs (median of 3, fresh desk from the snapshot each time)")
    print(
        f"  store.packs() cold {statistics.median(cold) * 1000:.0f} ms, again {statistics.median(warm) * 1000:.0f} ms;"
        f" build_dashboard cold {statistics.median(dash_cold) * 1000:.0f} ms, again {statistics.median(dash_warm) * 1000:.0f} ms"
    )


COLD = """
import sys, time
t0 = time.perf_counter()
from deskapp.service import open_desk
t1 = time.perf_counter()
desk = open_desk(sys.argv[1])
t2 = time.perf_counter()
desk.store.search("准", desk.config.round.id, limit=200)
t3 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, desk.store.count(), desk.store.journal.entry_no, desk.store.journal.replayed)
"""


def cold_start(data: Path) -> None:
    def run() -> list[float]:
        out = subprocess.run(
            [sys.executable, "-c", COLD, str(data)], capture_output=True, text=True, cwd=ROOT, check=True
        )
        return [float(x) for x in out.stdout.split()]

    print("\nCold start at 10,000 packs (fresh process each time; median of 5; file in the OS cache)")
    with_snapshot = [run() for _ in range(5)]
    snapshot = data / "journal.snapshot"
    kept = snapshot.read_bytes()
    snapshot.unlink()
    without = [run() for _ in range(3)]
    snapshot.write_bytes(kept)
    for label, runs in (("from snapshot", with_snapshot), ("full replay (no snapshot)", without)):
        imp = statistics.median(r[0] for r in runs) * 1000
        opened = statistics.median(r[1] for r in runs) * 1000
        first = statistics.median(r[2] for r in runs) * 1000
        _, _, _, packs, entries, replayed = runs[0]
        print(
            f"  {label:<26} import deskapp {imp:5.0f} ms + open_desk {opened:5.0f} ms + first search {first:4.0f} ms"
            f"   ({int(packs):,} packs, {int(entries):,} entries, {int(replayed):,} replayed)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer registrations timed")
    parser.add_argument(
        "--integrity", action="store_true", help="only the issue-12 figures: fsync placement, verification"
    )
    parser.add_argument("--search", action="store_true", help="only the keystroke figures: search, list, cold start")
    args = parser.parse_args()
    t = time.perf_counter()
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}, load average {os.getloadavg()[0]:.2f}")
    docs = seed_docs(10000)
    work = Path(tempfile.mkdtemp(prefix="bench-store-"))
    try:
        if not args.search:
            fsync_table(docs, work, args.quick)
        seed_desk(work / "10k", docs)
        if args.search:
            search_figures(work / "10k")
            cold_start(work / "10k")
            return
        verification_figure(work / "10k")
        if args.integrity:
            return
        registration_table(docs, work, args.quick)
        search_figures(work / "10k")
        cold_start(work / "10k")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"\n(bench took {time.perf_counter() - t:.0f} s; load average now {os.getloadavg()[0]:.2f})")


if __name__ == "__main__":
    main()
