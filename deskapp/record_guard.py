"""The record proves itself: the chain key, the whole-chain verification at start, and recovery.

- The chain key is derived from the office's secret (``data/secret.key``, the one behind the
  slips' QR codes): each new journal entry is keyed with it (HMAC-SHA256), so a forged entry
  whose plain hash was recomputed no longer passes.
- :meth:`RecordGuard.verify` reads the whole journal and recomputes every hash (the desk runs it
  in a worker after its first paint; the first change a process makes waits for it). When it
  fails -- a changed byte, a forged line, a hole of NUL bytes -- the desk says so, records an
  ``integrity_alarm`` (when the file can take one) and refuses changes to packs until a
  supervisor acts.
- :func:`recover` is the supervisor's act: a damaged stretch (what a power cut leaves: a zeroed
  region, lines after it) is moved aside into ``data/damaged-<time>.jsonl``, never deleted, the
  journal is cut back to its last good entry and a ``recovered`` entry records what was dropped;
  an altered entry whose line still reads is acknowledged (``damage_acknowledged``), which
  ``deskapp check`` keeps listing. A restore (``deskapp restore``) is the other way out.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from deskapp.journal import ACKNOWLEDGED, ChainReport, StoreWriteError, chain_key, fsync_dir, verify_chain, write_atomic
from deskapp.locations import Locations
from deskapp.office_secret import SecretError, load_secret
from deskapp.timeutil import iso

if TYPE_CHECKING:
    from deskapp.journal import Journal
    from deskapp.store import DeskStore

ALARM = "integrity_alarm"
RECOVERED = "recovered"


def load_chain_key(locations: Locations) -> bytes | None:
    """The chain key of this data folder, or None when its secret is lost or unreadable.

    A missing secret is created (32 random bytes) only while the journal holds no keyed entry:
    creating a new one under a keyed journal would make every entry look forged.
    """
    if not locations.secret.exists():
        try:
            if b',"v":2}' in locations.journal.read_bytes():
                return None
        except OSError:
            pass
    try:
        return chain_key(load_secret(locations.secret))
    except (SecretError, OSError):
        return None


class RecordGuard:
    """Verification state of one store: the last full report and why changes are refused."""

    def __init__(self, store: DeskStore) -> None:
        self.store = store
        self.report: ChainReport | None = None
        self.problem: str | None = None
        """Why changes to packs are refused now (None: allowed)."""
        self.seconds = 0.0
        """How long the last full verification took."""
        self._lock = threading.Lock()

    def verify(self) -> ChainReport:
        """Recompute the whole chain (thread-safe; seconds at most); sets :attr:`problem`."""
        import time

        journal = self.store.journal
        with self._lock:
            started = time.perf_counter()
            report = verify_chain(journal.path, journal.key)
            self.seconds = time.perf_counter() - started
            self.report = report
            if journal.damage is not None:
                self.problem = damage_text(journal)
            elif report.bad is not None:
                self.problem = (
                    f"记录校验未通过：{report.bad.describe()}。记录可能被改动过；在科室负责人处理前，本台不再修改申报材料。"
                    "请科室负责人用 deskapp restore 从备份恢复，或运行 deskapp recover 确认后继续（deskapp check 会一直列出此条）。"
                )
            elif journal.key is None:
                self.problem = "找不到本台的密钥 secret.key（或无法读取），无法为新记录签名。请从备份恢复 secret.key。"
            else:
                self.problem = None
            return report

    def before_change(self) -> None:
        """Called before a change to a pack: verified once per process, refused while a problem stands."""
        if self.report is None:
            self.verify()
        if self.problem:
            raise StoreWriteError(self.problem)

    def record_alarm(self, actor: str) -> bool:
        """Record the failed verification as an ``integrity_alarm`` entry (not possible on a damaged file)."""
        report = self.report
        if report is None or report.bad is None or self.store.journal.damage is not None:
            return False
        try:
            self.store.record_event(ALARM, actor, data={"line": report.bad.line, "why": report.bad.why})
        except StoreWriteError:
            return False
        return True


@dataclass(frozen=True)
class Recovery:
    """What :func:`recover` did."""

    kind: str
    """``cut`` (a damaged stretch moved aside), ``acknowledged`` (an altered entry), ``none``."""
    line: int = 0
    dropped: tuple[str, ...] = ()
    """Receipt numbers of registrations found in the stretch moved aside."""
    dropped_lines: int = 0
    saved_to: str = ""

    def text(self) -> str:
        """What the supervisor reads after ``deskapp recover`` (Chinese)."""
        if self.kind == "none":
            return "记录完好，无需处理。"
        if self.kind == "acknowledged":
            return f"已确认第 {self.line} 条记录被改动过；本台恢复写入。deskapp check 会一直列出此条。"
        dropped = f"，其中登记：{'、'.join(self.dropped)}（请按纸质材料重新登记）" if self.dropped else ""
        return (
            f"已把第 {self.line} 行起的 {self.dropped_lines} 行损坏记录移到 {self.saved_to}{dropped}。"
            f"第 {self.line - 1} 条以前的记录完好；本台恢复写入。"
        )


def _dropped(tail: bytes) -> tuple[list[str], int]:
    receipts, lines = [], 0
    for raw in tail.split(b"\n"):
        if not raw.strip(b"\0 "):
            continue
        lines += 1
        try:
            entry: Any = json.loads(raw.decode("utf-8"))
            if entry.get("action") == "register":
                receipts.append(str(entry["doc"]["receipt_no"]))
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
    return receipts, lines


def damage_text(journal: Journal) -> str:
    """What the damage is and what reading it left out (the registrations found after it)."""
    damage = journal.damage
    if damage is None:
        return ""
    try:
        with open(journal.path, "rb") as handle:
            handle.seek(damage.offset)
            receipts, lines = _dropped(handle.read())
    except OSError:
        return damage.message()
    named = f"，其中可辨认的登记：{'、'.join(receipts)}" if receipts else ""
    return damage.message() + f"未读入：损坏处起共 {lines} 行{named}。"


def recover(store: DeskStore, supervisor: str) -> Recovery:
    """The supervisor's act on a record that failed verification (the PIN is checked by the caller).

    Raises StoreWriteError when the file cannot be written (it is then as it was).
    """
    journal = store.journal
    guard = store.guard
    guard.verify()
    damage = journal.damage
    if damage is not None:
        with store.locked(repair=True):
            damage = journal.damage
            if damage is None:  # another desk repaired it meanwhile
                return Recovery("none")
            with open(journal.path, "rb") as handle:
                handle.seek(damage.offset)
                tail = handle.read()
            now = store.clock()
            aside = store.locations.data / f"damaged-{now:%Y%m%d-%H%M%S}-line{damage.line}.jsonl"
            write_atomic(aside, tail)
            receipts, lines = _dropped(tail)
            os.truncate(journal.path, damage.offset)
            with open(journal.path, "rb+") as handle:
                os.fsync(handle.fileno())
            fsync_dir(journal.path.parent)
            journal.damage = None
            data = {
                "line": damage.line,
                "why": damage.why,
                "bytes": len(tail),
                "lines": lines,
                "dropped": receipts,
                "saved_to": aside.name,
                "at_recovery": iso(now),
            }
            store.record_event(RECOVERED, supervisor, data=data, reason="科室负责人确认记录损坏，损坏部分另存")
        guard.verify()
        return Recovery("cut", damage.line, tuple(receipts), lines, str(aside))
    report = guard.report
    if report is not None and report.bad is not None:
        line = report.bad.line
        with open(journal.path, "rb") as handle:
            raw = handle.read().split(b"\n")[line - 1]
        try:
            altered_hash = str(json.loads(raw.decode("utf-8")).get("hash", ""))
        except (ValueError, AttributeError):
            altered_hash = ""
        store.record_event(
            ACKNOWLEDGED,
            supervisor,
            data={"line": line, "hash": altered_hash, "why": report.bad.why},
            reason="科室负责人确认此条记录被改动过",
        )
        guard.verify()
        return Recovery("acknowledged", line)
    return Recovery("none")
