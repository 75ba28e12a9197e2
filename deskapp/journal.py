"""The append-only, hash-chained journal every change of the desk goes through.

One JSON object per line, UTF-8. Each entry carries ``seq``, its entry number (1, 2, 3, ... with
no gap; :attr:`Journal.entry_no` in code, never to be confused with a receipt serial),
``prev`` (the hash of the entry before) and ``hash`` -- HMAC-SHA256 under the desk's chain key
over ``prev`` and the entry's canonical JSON (``"v": 2``; journals written before carry a plain
SHA-256, still read) -- so a quiet edit of history breaks the chain where it was made, and a
forger without the key cannot mend it.

Reading stops at the first line that is not the chain's next entry (a hole a power cut left, a
line edited by hand): :attr:`Journal.damage` says where, the entries before it stay readable,
and nothing is appended after it until a supervisor acts (``deskapp.record_guard.recover``).

Writers take a cross-process file lock, read what other desks appended since, append one
line with a single ``write``, release the lock and then ``fsync``: an entry is committed
when :meth:`Journal.locked` has returned. The ``fsync`` runs after the lock is released so
that several desks' flushes overlap instead of queueing (4 desks at once would otherwise
wait for 4 flushes in a row). That keeps every guarantee: ``fsync`` flushes all of the
file's data written before it, whichever process wrote it, so once an entry is durable
every entry before it is too; a desk that read another's entry before that one was
flushed builds on it only through its own entry, whose flush covers both; and a
registration is reported only after its own flush. A writer killed mid-write leaves at
most an unterminated last line, which readers ignore and the next writer cuts off. A
failed write (full disk, file size limit) is cut back under the lock, so the old state
stays intact.

Entries are handed to ``on_entry(entry, offset)`` with the byte offset where their line
starts, so a reader can keep offsets instead of whole entries and read one back later
(:meth:`Journal.read_at`). A reader may also start from a known point -- a snapshot that
recorded the offset, entry number and hash of its last entry -- after :meth:`Journal.resume` checked
that the journal really holds that entry there.
"""

from __future__ import annotations

import json
import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# The chain and the file helpers moved to their own modules; their names stay importable from here.
from deskapp.chain import (
    ACKNOWLEDGED,
    CHAIN_VERSION,
    GENESIS,
    SIBLING_KEY,
    BadEntry,
    ChainReport,
    acknowledged_lines,
    body_of,
    canonical,
    chain_key,
    entry_hash,
    sibling_key,
    verify,
    verify_chain,
)
from deskapp.durable import (
    RETRY_S,
    FlockLock,
    LockTimeout,
    PortableLock,
    fsync_dir,
    prefix_crc_of,
    retrying,
    write_atomic,
    write_error_message,
)

__all__ = [
    "ACKNOWLEDGED",
    "CHAIN_VERSION",
    "GENESIS",
    "RETRY_S",
    "SIBLING_KEY",
    "BadEntry",
    "ChainReport",
    "Damage",
    "Journal",
    "JournalCorrupt",
    "JournalError",
    "LockTimeout",
    "StoreWriteError",
    "acknowledged_lines",
    "canonical",
    "chain_key",
    "entry_hash",
    "fsync_dir",
    "prefix_crc_of",
    "retrying",
    "sibling_key",
    "verify",
    "verify_chain",
    "write_atomic",
    "write_error_message",
]

LOCK_TIMEOUT_S = 15.0
"""How long a writer waits for the journal lock before giving up (LockTimeout → StoreWriteError)."""
FSYNC_UNDER_LOCK = False
"""Flush before releasing the lock instead of after (``bench/bench_store.py --fsync`` measures both).
After: flushes of several desks overlap; a power cut may then lose an unreported entry in the
middle of others (a hole), which the reader stops at and ``deskapp recover`` deals with."""


class JournalError(Exception):
    """A store problem, with a message the clerk can read."""


class JournalCorrupt(JournalError):
    """A line of the journal that cannot be read as the chain's next entry (``line``, ``why``)."""

    def __init__(self, path: Path, line: int, why: str) -> None:
        self.line = line
        self.why = why
        super().__init__(
            f"记录文件 {path} 第 {line} 行已损坏：{why}。请勿继续修改，联系管理员运行 deskapp check，必要时用备份恢复（deskapp restore）。"
        )


class StoreWriteError(JournalError):
    """A write that did not happen; the store is as it was before."""


@dataclass(frozen=True)
class Damage:
    """Where reading the journal stopped: a line that is not the next entry of the chain.

    What a power cut (a zeroed page), a disk fault or a hand edit leaves. Entries before
    ``line`` are read and kept; nothing is appended after it until a supervisor acts
    (``deskapp recover``, or a restore), because appending would build on, or cut, what
    follows.
    """

    line: int
    offset: int
    """Byte offset where the damaged line starts (everything before is good)."""
    why: str

    def message(self) -> str:
        """What the clerk and the supervisor read: where, why, and what to do (Chinese)."""
        return (
            f"记录文件第 {self.line} 行起已损坏（{self.why}；常见于断电或磁盘故障）。第 {self.line - 1} 条以前的记录完好并已读入；"
            "在科室负责人处理前，本台不再写入新记录。请科室负责人运行 deskapp recover（或用 deskapp restore 从备份恢复）。"
        )


class Journal:
    """Reads and appends the journal; ``on_entry(entry, offset)`` is called once per entry, in order."""

    def __init__(
        self, path: Path, lock_path: Path, on_entry: Callable[[dict[str, Any], int], None], key: bytes | None = None
    ) -> None:
        self.path = path
        self.key = key
        """The chain key: new entries are keyed (HMAC) under it; None writes old-style plain hashes."""
        self.damage: Damage | None = None
        """Set when reading stopped at a line that is not the chain's next entry."""
        self._lock = (FlockLock if os.name == "posix" else PortableLock)(lock_path, LOCK_TIMEOUT_S)
        self._on_entry = on_entry
        self._offset = 0
        self._identity: tuple[int, int] | None = None
        self.entry_no = 0
        """Number of the last entry read or written (entries run 1, 2, 3 ...; stored as ``seq``)."""
        self.last_hash = GENESIS
        self.last_start = 0
        """Offset where the last entry's line starts."""
        self.replayed = 0
        """Entries read from disk since this journal was opened (not counting own appends)."""
        self.prefix_crc = 0
        """CRC-32 of the journal's bytes taken in so far (the snapshot records it)."""
        self._damage_stat: tuple[int, int] | None = None
        self.keyed_seen = False
        """A keyed entry was read: appending without the key would look like a forgery."""
        self.on_reset: Callable[[], None] | None = None
        self._unsynced: list[int] = []  # descriptors written under the lock, flushed after it

    @property
    def offset(self) -> int:
        """Bytes of the journal taken in so far (always the end of a complete line)."""
        return self._offset

    # -- reading ---------------------------------------------------------------------------
    def resume(
        self, offset: int, entry_no: int, last_hash: str, last_start: int, prefix_crc: int | None = None
    ) -> bool:
        """Start after entry ``entry_no`` (ending at ``offset``) if the journal holds it there.

        The entry's line is read back and must have that seq and hash, and its hash must be
        right for its content; and the CRC-32 of the journal's first ``offset`` bytes must be
        ``prefix_crc`` -- the quick proof that nothing before it changed (a zeroed page, a
        line edited by hand). Returns False (and changes nothing) otherwise; ``None`` (an old
        snapshot) is never taken as proof.
        """
        if prefix_crc is None:
            return False
        if entry_no == 0:
            return offset == 0 and last_hash == GENESIS
        try:
            stat = os.stat(self.path)
            with open(self.path, "rb") as handle:
                handle.seek(last_start)
                raw = handle.read(offset - last_start)
        except OSError:
            return False
        if stat.st_size < offset or len(raw) != offset - last_start or not raw.endswith(b"\n"):
            return False
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            return False
        if not isinstance(entry, dict) or entry.get("seq") != entry_no or entry.get("hash") != last_hash:
            return False
        try:
            if entry_hash(str(entry.get("prev", "")), body_of(entry), self.key) != last_hash:
                return False
        except ValueError:
            return False
        if prefix_crc_of(self.path, offset) != prefix_crc:
            return False
        self._offset = offset
        self.entry_no = entry_no
        self.last_hash = last_hash
        self.last_start = last_start
        self.prefix_crc = prefix_crc
        self._identity = (stat.st_dev, stat.st_ino)
        return True

    def refresh(self) -> int:
        """Apply entries other desks appended since the last look; return how many."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if self._offset:
                self.reset()
            return 0
        identity = (stat.st_dev, stat.st_ino)
        if (self._identity is not None and identity != self._identity) or stat.st_size < self._offset:
            # The file was replaced (a restore) or cut: read it again from the start.
            self.reset()
        elif self.damage is not None:
            if (stat.st_size, stat.st_mtime_ns) == self._damage_stat:
                return 0  # nothing after a damaged line is read until the file is repaired or replaced
            self.damage = None  # the file changed (a supervisor's recovery on another desk?): look again
        self._identity = identity
        if stat.st_size == self._offset:
            return 0
        with open(self.path, "rb") as handle:
            handle.seek(self._offset)
            data = handle.read()
        end = data.rfind(b"\n")
        if end < 0:
            return 0
        count = 0
        for raw in data[: end + 1].split(b"\n")[:-1]:
            try:
                self._take(raw, self._offset)
            except JournalCorrupt as exc:
                self.damage = Damage(exc.line, self._offset, exc.why)
                self._damage_stat = (stat.st_size, stat.st_mtime_ns)
                break
            self._offset += len(raw) + 1
            self.prefix_crc = zlib.crc32(raw + b"\n", self.prefix_crc)
            count += 1
        self.replayed += count
        return count

    def reset(self) -> None:
        """Forget everything read (then ``on_reset``): the next :meth:`refresh` replays from the start."""
        self.damage = None
        self.prefix_crc = 0
        self._offset = 0
        self.entry_no = 0
        self.last_hash = GENESIS
        self.last_start = 0
        self._identity = None
        if self.on_reset:
            self.on_reset()

    def _take(self, raw: bytes, start: int) -> None:
        line_no = self.entry_no + 1
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise JournalCorrupt(self.path, line_no, f"无法解析（{exc.__class__.__name__}）") from exc
        if not isinstance(entry, dict) or entry.get("seq") != line_no:
            raise JournalCorrupt(self.path, line_no, "序号不连续")
        if entry.get("prev") != self.last_hash:
            raise JournalCorrupt(self.path, line_no, "与前一条记录的哈希链不符")
        if not isinstance(entry.get("hash"), str):
            raise JournalCorrupt(self.path, line_no, "缺少哈希")
        self.entry_no = line_no
        if entry.get("v") == CHAIN_VERSION:
            self.keyed_seen = True
        self.last_hash = entry.get("hash", "")
        self.last_start = start
        self._on_entry(entry, start)

    def read_at(self, offset: int) -> dict[str, Any]:
        """The entry whose line starts at ``offset`` (an offset handed to ``on_entry``)."""
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            entry: dict[str, Any] = json.loads(handle.readline().decode("utf-8"))
            return entry

    def read_many(self, offsets: list[int]) -> list[dict[str, Any]]:
        """The entries whose lines start at ``offsets``, in that order (one open of the file)."""
        with open(self.path, "rb") as handle:
            out = []
            for offset in offsets:
                handle.seek(offset)
                out.append(json.loads(handle.readline().decode("utf-8")))
            return out

    def entries(self) -> Iterator[dict[str, Any]]:
        """Every committed entry taken in so far, oldest first (reads the file)."""
        end = self._offset
        try:
            handle = open(self.path, "rb")  # noqa: SIM115 -- the with below closes it; a missing file returns first
        except FileNotFoundError:
            return
        with handle:
            position = 0
            for raw in handle:
                position += len(raw)
                if position > end:
                    return
                yield json.loads(raw.decode("utf-8"))

    # -- writing ---------------------------------------------------------------------------
    def write_refusal(self) -> str | None:
        """Why no write may happen now (a damaged line read), or None."""
        return None if self.damage is None else self.damage.message()

    @contextmanager
    def locked(self, *, repair: bool = False) -> Iterator[None]:
        """Hold the cross-process lock with the state fresh from disk; entries appended
        inside are durable (flushed) when this returns.

        Refuses (StoreWriteError) while the journal is damaged, unless ``repair``
        (a supervisor's recovery, which deals with the damage itself)."""
        refusal = None if repair else self.write_refusal()
        if refusal:
            raise StoreWriteError(refusal)
        try:
            if not self._lock.is_locked:
                self.refresh()  # catch up before waiting, so little is left to read while holding the lock
            self._lock.acquire()
            try:
                self.refresh()
                refusal = None if repair else self.write_refusal()
                if refusal:  # another desk's write showed the damage just now
                    raise StoreWriteError(refusal)
                yield
                if FSYNC_UNDER_LOCK:
                    self._flush()
            finally:
                self._lock.release()
        except LockTimeout as exc:
            raise StoreWriteError(
                f"另一台受理台正占用记录文件超过 {LOCK_TIMEOUT_S:g} 秒，本次修改未保存，请稍后重试。"
            ) from exc
        finally:
            if not self._lock.is_locked:
                self._flush()

    def _flush(self) -> None:
        failed: OSError | None = None
        while self._unsynced:
            fd = self._unsynced.pop()
            try:
                os.fsync(fd)
            except OSError as exc:
                failed = exc
            finally:
                os.close(fd)
        if failed is not None:
            raise StoreWriteError(
                f"写入磁盘时出错（{failed.strerror or failed}），刚才的修改可能没有保存。请运行 deskapp check 核对，并检查磁盘。"
            ) from failed

    @property
    def is_locked(self) -> bool:
        """This process holds the journal lock."""
        return self._lock.is_locked

    def append(self, body: dict[str, Any]) -> dict[str, Any]:
        """Append one entry; call inside :meth:`locked`. Returns the committed entry."""
        if not self._lock.is_locked:
            raise RuntimeError("Journal.append outside Journal.locked()")
        if self.damage is not None:  # never build on, nor cut, a damaged line
            raise StoreWriteError(self.damage.message())
        if self.key is None and self.keyed_seen:
            raise StoreWriteError(
                "找不到本台的密钥 secret.key（或无法读取），无法为新记录签名，本次修改未保存。请从备份恢复 secret.key。"
            )
        entry = dict(body)
        if self.key is not None:
            entry["v"] = CHAIN_VERSION
        entry["seq"] = self.entry_no + 1
        entry["prev"] = self.last_hash
        entry["hash"] = entry_hash(self.last_hash, entry, self.key)
        line = canonical(entry) + b"\n"
        flags = os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0)
        try:
            fd = retrying(lambda: os.open(self.path, flags, 0o644))
        except OSError as exc:
            raise StoreWriteError(write_error_message(exc)) from exc
        try:
            stat = os.fstat(fd)
            size = stat.st_size
            if size > self._offset:
                # An unterminated line left by a desk killed mid-write: never committed.
                os.ftruncate(fd, self._offset)
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
        except OSError as exc:
            try:
                os.ftruncate(fd, self._offset)
                os.fsync(fd)
            except OSError:
                pass
            os.close(fd)
            raise StoreWriteError(write_error_message(exc)) from exc
        self._unsynced.append(fd)  # flushed as soon as the lock is released (see locked)
        if size == 0:  # a new journal: make its name durable too
            fsync_dir(self.path.parent)
        self._identity = (stat.st_dev, stat.st_ino)
        start = self._offset
        self._offset += len(line)
        self.prefix_crc = zlib.crc32(line, self.prefix_crc)
        self.entry_no = entry["seq"]
        self.last_hash = entry["hash"]
        self.last_start = start
        self._on_entry(entry, start)
        return entry
