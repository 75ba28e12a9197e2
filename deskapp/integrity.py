"""Is the record beyond doubt? The whole-journal check and when it last passed.

:func:`inspect_store` verifies, from the first entry on: the hash chain (every line parses,
seq runs 1..n, each entry carries the hash of the one before and its own hash is right for
its content); that a full replay of the journal builds a readable state; unique, gapless
receipt numbers per round and kind; and that the snapshot a desk starts from gives the very
same state as the full replay. :func:`run_check` does that and records the outcome in the
journal (action ``check`` when it passed, ``check_failed`` when not), so any desk -- the
supervisor's dashboard -- can show when the last check passed (:func:`check_status`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from deskapp.config import KIND_LABELS, Config
from deskapp.journal import BadEntry, JournalError, verify_chain
from deskapp.locations import Locations
from deskapp.store import DeskStore
from deskapp.timeutil import parse_time, show

CHECK_PASSED = "check"
"""The journal action recorded when a check passed."""
CHECK_FAILED = "check_failed"
"""The journal action recorded when a check found problems."""


def check_problems(store: DeskStore) -> list[str]:
    """Verify the whole hash chain, unique and gapless numbers and the state without recording
    anything: the problems found (empty when good). ``deskapp check`` is :func:`run_check`."""
    return list(inspect_store(store).problems)


@dataclass(frozen=True)
class IntegrityReport:
    """What a check found. ``problems`` is empty when everything is right."""

    entries: int
    packs: int
    problems: tuple[str, ...] = ()
    bad_entry: BadEntry | None = None
    """The first journal entry that breaks the chain, if any."""
    notes: tuple[str, ...] = ()
    """Things worth knowing that are not faults (a write cut by a crash, a rebuilt snapshot)."""

    @property
    def ok(self) -> bool:
        """Nothing wrong was found."""
        return not self.problems

    def text(self) -> str:
        """The report as the supervisor reads it (Chinese, several lines)."""
        if self.ok:
            head = f"校验通过：记录链完整（{self.entries} 条），收件编号唯一且连续（{self.packs} 件）。"
        else:
            head = "校验发现问题：\n" + "\n".join(f"  - {p}" for p in self.problems)
            head += "\n请勿继续修改记录，联系管理员；可用 deskapp restore 从最近一次校验通过前的备份恢复。"
        return "\n".join([head, *(f"  注：{n}" for n in self.notes)])


def _number_problems(store: DeskStore) -> list[str]:
    """Receipt numbers used twice, and receipt serials with gaps, per round and kind."""
    problems: list[str] = []
    seen: dict[str, int] = {}
    serials: dict[tuple[str, str], list[int]] = {}
    try:
        rows = store.receipt_rows()
    except (KeyError, TypeError, ValueError) as exc:
        return [f"有申报材料的记录缺少编号（{exc.__class__.__name__}）"]
    for pack_id, row in rows:
        if row.receipt_no in seen:
            problems.append(f"收件编号 {row.receipt_no} 重复（第 {seen[row.receipt_no]} 件与第 {pack_id} 件）")
        seen[row.receipt_no] = pack_id
        serials.setdefault((row.round, row.kind), []).append(row.serial)
    for (round_id, kind), numbers in sorted(serials.items()):
        if sorted(numbers) != list(range(1, len(numbers) + 1)):
            missing = sorted(set(range(1, max(numbers) + 1)) - set(numbers))[:5]
            problems.append(f"{round_id} 批次 {KIND_LABELS.get(kind, kind)} 的编号不连续（缺 {missing}）")
    return problems


def _freeze(store: DeskStore, folder: Path) -> tuple[Locations, str]:
    """Copy the committed journal and the snapshot into ``folder`` at one instant (under the
    journal lock, so no desk writes meanwhile), with the live store's fingerprint at that
    instant; the comparisons then run on the copy while the desks go on writing."""
    frozen = Locations(folder).ensure()
    return frozen, store.copy_committed(frozen.data)


def inspect_store(store: DeskStore, *, repair: bool = False) -> IntegrityReport:
    """Check the journal and the state built from it (reads the whole journal; seconds at most).

    Every comparison runs on a copy taken at one instant (:func:`_freeze`), so it always
    compares, however busy the other desks are. With ``repair``, a snapshot that disagrees
    with the full replay is rewritten from the replay and the live store is rebuilt; it is
    still reported as a problem.
    """
    import tempfile

    with tempfile.TemporaryDirectory(prefix="desk-check-") as folder:
        try:
            frozen, live = _freeze(store, Path(folder))
        except JournalError as exc:
            return IntegrityReport(0, 0, (f"无法读出记录：{exc}",))
        return _inspect(store, frozen, live, repair)


def _inspect(store: DeskStore, frozen: Locations, live: str, repair: bool) -> IntegrityReport:
    locations = store.locations
    problems: list[str] = []
    notes: list[str] = []
    chain = verify_chain(locations.journal, store.journal.key)
    if chain.bad:
        problems.append("记录链断裂：" + chain.bad.describe())
    problems.extend(
        f"第 {line} 条记录被改动过（科室负责人已确认，见 damage_acknowledged 记录）" for line in chain.acknowledged
    )
    if chain.torn_tail:
        notes.append(f"第 {chain.entries + 1} 行未写完（某台受理台写入时被中断，从未提交），下次写入时会自动清除。")
    try:
        fresh = DeskStore(frozen, store.config, store.clock, snapshot=False, key=store.journal.key)
    except JournalError as exc:
        return IntegrityReport(chain.entries, 0, (*problems, f"无法读出记录：{exc}"), chain.bad, tuple(notes))
    if fresh.journal.damage is not None and chain.bad is None:
        problems.append("记录无法完整读出：" + fresh.journal.damage.message())
    problems += _number_problems(fresh)
    for pack_id in fresh.ids():
        try:
            fresh.get(pack_id)
        except (KeyError, TypeError, ValueError) as exc:
            problems.append(f"第 {pack_id} 件申报材料无法读出（{exc.__class__.__name__}）")
    full = fresh.state_fingerprint()
    if frozen.snapshot.exists():
        from_snapshot = DeskStore(frozen, store.config, store.clock, key=store.journal.key)
        if from_snapshot.snapshot_entry_no == 0:
            notes.append("快照与记录文件不对应（记录文件被替换或改动过），启动时会完整重放记录。")
            if repair and chain.ok:
                store.save_snapshot()
        elif from_snapshot.state_fingerprint() != full:
            problems.append(
                "快照（journal.snapshot）与完整重放记录的结果不符：快照被改动过或已损坏。"
                + ("已按记录重写快照。" if repair else "")
            )
            if repair and chain.ok:
                store.rebuild()
                store.save_snapshot()
    if live != full:
        problems.append("本受理台内存中的状态与记录文件不符。" + ("已重新读取记录。" if repair else ""))
        if repair:
            store.rebuild()
    return IntegrityReport(chain.entries, fresh.count(), tuple(problems), chain.bad, tuple(notes))


def run_check(store: DeskStore, actor: str) -> IntegrityReport:
    """:func:`inspect_store` with repair, then record the outcome as a journal entry."""
    report = inspect_store(store, repair=True)
    data: dict[str, object] = {"ok": report.ok, "entries": report.entries, "packs": report.packs}
    if report.problems:
        data["problems"] = list(report.problems[:10])
    if report.bad_entry:
        data["bad_line"] = report.bad_entry.line
    try:
        store.record_event(CHECK_PASSED if report.ok else CHECK_FAILED, actor, data=data)
    except JournalError as exc:
        return IntegrityReport(
            report.entries,
            report.packs,
            report.problems,
            report.bad_entry,
            (*report.notes, f"校验结果未能记入记录：{exc}"),
        )
    if report.ok:
        store.save_snapshot()
    return report


@dataclass(frozen=True)
class CheckStatus:
    """The last recorded checks, for the supervisor's view."""

    last_passed: datetime | None
    last_failed: datetime | None
    failed_problems: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        """The last check run passed."""
        return self.last_passed is not None and (self.last_failed is None or self.last_passed > self.last_failed)

    def text(self) -> str:
        """One line for the dashboard: when the last check passed, or that it found problems."""
        if self.last_passed is None and self.last_failed is None:
            return "尚未做过完整性校验（运行 deskapp check）"
        if self.ok:
            return f"上次完整性校验通过：{show(self.last_passed, True)}"
        when = show(self.last_failed, True)
        passed = f"；上次通过：{show(self.last_passed, True)}" if self.last_passed else ""
        return f"上次完整性校验发现问题（{when}）{passed}。请联系管理员运行 deskapp check。"


def check_status(store: DeskStore) -> CheckStatus:
    """When the last check passed and when one last failed (from any desk on this data folder)."""
    passed = store.last_event(CHECK_PASSED)
    failed = store.last_event(CHECK_FAILED)
    return CheckStatus(
        parse_time(passed.at) if passed else None,
        parse_time(failed.at) if failed else None,
        tuple(failed.data.get("problems", ())) if failed else (),
    )


def last_check_passed(store: DeskStore) -> datetime | None:
    """When the last ``deskapp check`` passed (Beijing time), or None if none ever did."""
    return check_status(store).last_passed


def check_folder(store_or_none: DeskStore | None, locations: Locations, config: Config, actor: str) -> IntegrityReport:
    """``deskapp check``: like :func:`run_check`, and still names the first bad entry when the
    journal is so broken that no store opens on it (``store_or_none`` is None then)."""
    if store_or_none is not None:
        return run_check(store_or_none, actor)
    from deskapp.record_guard import load_chain_key

    chain = verify_chain(locations.journal, load_chain_key(locations))
    problems = ["记录链断裂：" + chain.bad.describe()] if chain.bad else []
    try:
        DeskStore(locations, config, snapshot=False)
    except JournalError as exc:
        problems.append(f"无法读出记录：{exc}")
    return IntegrityReport(chain.entries, 0, tuple(problems), chain.bad, ("记录无法读出，校验结果未能记入记录。",))
