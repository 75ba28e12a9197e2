"""The append-only, hash-chained journal every change of the desk goes through.

One JSON object per line, UTF-8. Each entry carries ``seq`` (1, 2, 3, ... with no gap),
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
recorded the offset, seq and hash of its last entry -- after :meth:`Journal.resume` checked
that the journal really holds that entry there.
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import os
import time
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

GENESIS = "0" * 64
CHAIN_VERSION = 2
"""Entries carrying ``"v": 2`` are keyed: their hash is HMAC-SHA256 under the desk's chain key.
Entries without ``v`` (journals written before) carry a plain SHA-256; once a keyed entry is on
file, every later one must be keyed too."""
LOCK_TIMEOUT_S = 15.0
LOCK_POLL_S = 0.001
"""How often a desk waiting for the lock looks again (filelock's default, 50 ms, would be most of a wait)."""
FSYNC_UNDER_LOCK = False
"""Flush before releasing the lock instead of after (``bench/bench_store.py --fsync`` measures both).
After: flushes of several desks overlap; a power cut may then lose an unreported entry in the
middle of others (a hole), which the reader stops at and ``deskapp recover`` deals with."""
RETRY_S = 2.0
"""How long to retry a file held for a moment (Windows antivirus, indexer, backup tools)."""

T = TypeVar("T")


class LockTimeout(Exception):
    """The journal lock was not free within ``LOCK_TIMEOUT_S``."""


class JournalError(Exception):
    """A store problem, with a message the clerk can read."""


class JournalCorrupt(JournalError):
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
        return (
            f"记录文件第 {self.line} 行起已损坏（{self.why}；常见于断电或磁盘故障）。第 {self.line - 1} 条以前的记录完好并已读入；"
            "在科室负责人处理前，本台不再写入新记录。请科室负责人运行 deskapp recover（或用 deskapp restore 从备份恢复）。"
        )


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(prev: str, body: dict[str, Any], key: bytes | None = None) -> str:
    """The hash an entry must carry: HMAC-SHA256 under ``key`` for a keyed entry (``v`` = 2),
    plain SHA-256 of ``prev`` + canonical JSON for an old one. ValueError: keyed entry, no key."""
    data = prev.encode("ascii") + canonical(body)
    if body.get("v") == CHAIN_VERSION:
        if key is None:
            raise ValueError("no chain key")
        return hmac.new(key, data, hashlib.sha256).hexdigest()
    return hashlib.sha256(data).hexdigest()


def chain_key(secret: bytes) -> bytes:
    """The journal's chain key, derived from the office's secret (``data/secret.key``)."""
    return hmac.new(secret, b"desk-journal-chain-v2", hashlib.sha256).digest()


def _body(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "hash"}


def prefix_crc_of(path: Path, length: int) -> int | None:
    """CRC-32 of the first ``length`` bytes of ``path`` (None if shorter or unreadable); ~10 ms per 10 MB."""
    crc = 0
    try:
        with open(path, "rb") as handle:
            left = length
            while left:
                chunk = handle.read(min(left, 1 << 20))
                if not chunk:
                    return None
                crc = zlib.crc32(chunk, crc)
                left -= len(chunk)
    except OSError:
        return None
    return crc


def write_error_message(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "磁盘已满（或超出文件大小限制），本次修改未保存，原有记录完好。请清理磁盘后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入数据文件夹的权限（或文件正被其他程序占用），本次修改未保存。请检查数据文件夹的权限后重试。"
    return f"写入记录失败（{exc.strerror or exc}），本次修改未保存，原有记录完好。"


def retrying(action: Callable[[], T], bound_s: float | None = None) -> T:
    """Run ``action``, retrying a ``PermissionError`` for up to ``bound_s`` (default ``RETRY_S``) seconds.

    On Windows an antivirus scanner or the search indexer may hold a file for a moment,
    and replacing or opening it then fails with "access denied"; a few short waits get
    through. A lasting problem still raises after the bound.
    """
    deadline = time.monotonic() + (RETRY_S if bound_s is None else bound_s)
    delay = 0.01
    while True:
        try:
            return action()
        except PermissionError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.2)


def fsync_dir(path: Path) -> None:
    """Make a rename or a new file in ``path`` durable (POSIX; Windows has no directory fsync)."""
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``path`` so that a crash leaves the old file or the new one, never half of either.

    Temp file in the same folder, ``fsync``, ``os.replace`` (retried within a bound while
    another program holds the file), then ``fsync`` of the folder. On failure the temp file
    is removed and the old file is untouched.
    """
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        retrying(lambda: os.replace(tmp, path))
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
    fsync_dir(path.parent)


class _FlockLock:
    """A reentrant cross-process lock on POSIX: ``fcntl.flock`` on the lock file.

    What ``filelock`` does underneath on POSIX, without its ~1 ms of bookkeeping per
    acquire (measured with filelock 4.2), which at four desks writing at once is a good
    part of every wait. Locks held by a killed process are released by the kernel.
    """

    def __init__(self, path: Path, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._fd: int | None = None
        self._depth = 0

    @property
    def is_locked(self) -> bool:
        return self._depth > 0

    def acquire(self) -> None:
        import fcntl

        if self._depth:
            self._depth += 1
            return
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    raise LockTimeout(str(self.path)) from None
                time.sleep(LOCK_POLL_S)
        self._fd = fd
        self._depth = 1

    def release(self) -> None:
        import fcntl

        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class _PortableLock:
    """``filelock`` elsewhere (Windows), polling every ``LOCK_POLL_S``; imported only there
    (it costs tens of milliseconds of start-up)."""

    def __init__(self, path: Path, timeout: float) -> None:
        from filelock import FileLock

        self._lock = FileLock(str(path), timeout=timeout)

    @property
    def is_locked(self) -> bool:
        return bool(self._lock.is_locked)

    def acquire(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire(poll_interval=LOCK_POLL_S)
        except Timeout as exc:
            raise LockTimeout(str(exc)) from None

    def release(self) -> None:
        self._lock.release()


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
        self._lock = (_FlockLock if os.name == "posix" else _PortableLock)(lock_path, LOCK_TIMEOUT_S)
        self._on_entry = on_entry
        self._offset = 0
        self._identity: tuple[int, int] | None = None
        self.seq = 0
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
    def resume(self, offset: int, seq: int, last_hash: str, last_start: int, prefix_crc: int | None = None) -> bool:
        """Start after entry ``seq`` (ending at ``offset``) if the journal holds it there.

        The entry's line is read back and must have that seq and hash, and its hash must be
        right for its content; and the CRC-32 of the journal's first ``offset`` bytes must be
        ``prefix_crc`` -- the quick proof that nothing before it changed (a zeroed page, a
        line edited by hand). Returns False (and changes nothing) otherwise; ``None`` (an old
        snapshot) is never taken as proof.
        """
        if prefix_crc is None:
            return False
        if seq == 0:
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
        if not isinstance(entry, dict) or entry.get("seq") != seq or entry.get("hash") != last_hash:
            return False
        try:
            if entry_hash(str(entry.get("prev", "")), _body(entry), self.key) != last_hash:
                return False
        except ValueError:
            return False
        if prefix_crc_of(self.path, offset) != prefix_crc:
            return False
        self._offset = offset
        self.seq = seq
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
        self.damage = None
        self.prefix_crc = 0
        self._offset = 0
        self.seq = 0
        self.last_hash = GENESIS
        self.last_start = 0
        self._identity = None
        if self.on_reset:
            self.on_reset()

    def _take(self, raw: bytes, start: int) -> None:
        line_no = self.seq + 1
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
        self.seq = line_no
        if entry.get("v") == CHAIN_VERSION:
            self.keyed_seen = True
        self.last_hash = entry.get("hash", "")
        self.last_start = start
        self._on_entry(entry, start)

    def read_at(self, offset: int) -> dict[str, Any]:
        """The entry whose line starts at ``offset`` (an offset handed to ``on_entry``)."""
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            return json.loads(handle.readline().decode("utf-8"))

    def read_many(self, offsets: list[int]) -> list[dict[str, Any]]:
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
            handle = open(self.path, "rb")
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
        entry["seq"] = self.seq + 1
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
        self.seq = entry["seq"]
        self.last_hash = entry["hash"]
        self.last_start = start
        self._on_entry(entry, start)
        return entry


@dataclass(frozen=True)
class BadEntry:
    """The first entry of a journal that is not what the chain says it should be."""

    line: int
    why: str
    action: str = ""
    at: str = ""

    def describe(self) -> str:
        what = f"（{self.action}，{self.at}）" if self.action or self.at else ""
        return f"第 {self.line} 行（序号 {self.line}）{what}：{self.why}"


@dataclass(frozen=True)
class ChainReport:
    """What :func:`verify_chain` found."""

    entries: int
    """Entries whose chain and hash are good, from the first on."""
    last_hash: str
    bad: BadEntry | None = None
    torn_tail: bool = False
    """An unterminated last line: a write interrupted by a crash, never committed (not a fault)."""
    committed_bytes: int = 0
    acknowledged: tuple[int, ...] = ()
    """Lines found altered that a supervisor has acknowledged (they did not stop the check)."""

    @property
    def ok(self) -> bool:
        return self.bad is None


SIBLING_KEY: Any = object()
"""``verify_chain``'s default: the key derived from ``secret.key`` beside the journal (a data folder, a backup)."""


def sibling_key(path: Path) -> bytes | None:
    """The chain key from the ``secret.key`` beside ``path``, or None (never creates one)."""
    secret = path.with_name("secret.key")
    if not secret.exists():
        return None
    from deskapp.receipt_qr import SecretError, load_secret

    try:
        return chain_key(load_secret(secret))
    except (SecretError, OSError):
        return None


def verify_chain(
    path: Path, key: bytes | None = SIBLING_KEY, *, acknowledged: dict[int, str] | None = None
) -> ChainReport:
    """Check the whole chain from the start: every line parses, seq runs 1..n, each ``prev``
    is the hash before, each ``hash`` is right for its content -- keyed entries (``v`` = 2)
    under ``key``; after the first keyed entry, every one must be keyed.

    ``acknowledged``: line -> hash of entries whose content a supervisor acknowledged as
    altered (``deskapp recover``); they do not stop the check (the report still lists them).
    """
    if key is SIBLING_KEY:
        key = sibling_key(path)
    good = 0
    prev = GENESIS
    position = 0
    keyed = False
    known: list[int] = []
    if acknowledged is None:
        acknowledged = acknowledged_lines(path)
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return ChainReport(0, GENESIS)
    with handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.endswith(b"\n"):
                return ChainReport(good, prev, torn_tail=True, committed_bytes=position)
            try:
                entry = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return ChainReport(
                    good,
                    prev,
                    BadEntry(line_no, "无法解析（不是完整的 JSON，文件被改动或损坏）"),
                    committed_bytes=position,
                )
            if not isinstance(entry, dict):
                return ChainReport(good, prev, BadEntry(line_no, "不是一条记录"), committed_bytes=position)
            action, at = str(entry.get("action", "")), str(entry.get("at", ""))
            if entry.get("seq") != line_no:
                why = f"序号应为 {line_no}，实为 {entry.get('seq')!r}（记录被删除、插入或调换过）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("prev") != prev:
                why = "与前一条记录的哈希链不符（前一条被改动过，或此条被替换过）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("v") == CHAIN_VERSION:
                keyed = True
            elif keyed:
                why = "旧格式（无密钥）的记录出现在新格式记录之后（此条是伪造或被替换的）"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if entry.get("v") == CHAIN_VERSION and key is None:
                why = "无法核对：缺少本台的密钥 secret.key"
                return ChainReport(good, prev, BadEntry(line_no, why, action, at), committed_bytes=position)
            if not _hash_fits(raw, prev, entry, key):
                if (acknowledged or {}).get(line_no) == entry.get("hash"):
                    known.append(line_no)
                else:
                    why = "内容与其哈希不符（此条记录被改动过）"
                    return ChainReport(
                        good,
                        prev,
                        BadEntry(line_no, why, action, at),
                        committed_bytes=position,
                        acknowledged=tuple(known),
                    )
            prev = entry["hash"]
            good += 1
            position += len(raw)
    return ChainReport(good, prev, committed_bytes=position, acknowledged=tuple(known))


def _hash_fits(raw: bytes, prev: str, entry: dict[str, Any], key: bytes | None) -> bool:
    """Is ``entry["hash"]`` right for the entry on line ``raw``?

    Fast path: a desk writes each line as the canonical JSON of the entry, so the bytes hashed
    are the line without its own ``"hash":"…"`` member -- no re-serialisation (which costs most
    of a whole-journal check). Any other line (edited by hand, another writer) is re-serialised.
    """
    own = entry.get("hash")
    if not isinstance(own, str):
        return False
    try:
        member = f'"hash":"{own}"'.encode("ascii")
    except UnicodeEncodeError:
        return False
    line = raw.rstrip(b"\n")
    body = line.replace(member + b",", b"", 1) if member + b"," in line else line.replace(b"," + member, b"", 1)
    if body != line:
        data = prev.encode("ascii") + body
        if entry.get("v") == CHAIN_VERSION:
            if key is not None and hmac.compare_digest(hmac.new(key, data, hashlib.sha256).hexdigest(), own):
                return True
        elif hashlib.sha256(data).hexdigest() == own:
            return True
    try:
        return entry_hash(prev, _body(entry), key) == own
    except ValueError:
        return False


ACKNOWLEDGED = "damage_acknowledged"
"""The journal action by which a supervisor acknowledges an altered entry (``data``: line, hash)."""


def acknowledged_lines(path: Path) -> dict[int, str]:
    """line -> hash of the entries acknowledged as altered (a quick byte search first)."""
    found: dict[int, str] = {}
    try:
        data = path.read_bytes()
    except OSError:
        return found
    marker = f'"action":"{ACKNOWLEDGED}"'.encode("ascii")
    if marker not in data:
        return found
    for raw in data.split(b"\n"):
        if marker in raw:
            try:
                entry = json.loads(raw.decode("utf-8"))
                info = entry.get("data", {})
                if int(info["line"]) < int(entry["seq"]):  # only an earlier entry, never itself
                    found[int(info["line"])] = str(info["hash"])
            except (ValueError, KeyError, TypeError, AttributeError):
                continue
    return found


def verify(path: Path, key: bytes | None = SIBLING_KEY) -> tuple[int, str | None]:
    """Check the whole chain from the start. Returns (entries good, first problem or None).

    An unterminated last line (a crash mid-write, never committed) is not a problem.
    """
    report = verify_chain(path, key)
    return report.entries, (report.bad.describe() if report.bad else None)
