"""The append-only, hash-chained journal every change of the desk goes through.

One JSON object per line, UTF-8. Each entry carries ``seq`` (1, 2, 3, ... with no gap),
``prev`` (the hash of the entry before) and ``hash`` (SHA-256 over ``prev`` and the entry's
canonical JSON), so a quiet edit of history breaks the chain where it was made.

Writers take a cross-process file lock, read what other desks appended since, append one
line with a single ``write`` and ``fsync`` it before the lock is released: an entry is
committed exactly when ``append`` returns. A writer killed mid-write leaves at most an
unterminated last line, which readers ignore and the next writer cuts off. A failed write
(full disk, file size limit) is cut back too, so the old state stays intact.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

GENESIS = "0" * 64
LOCK_TIMEOUT_S = 15.0


class JournalError(Exception):
    """A store problem, with a message the clerk can read."""


class JournalCorrupt(JournalError):
    def __init__(self, path: Path, line: int, why: str) -> None:
        self.line = line
        super().__init__(f"记录文件 {path} 第 {line} 行已损坏：{why}。请勿继续修改，联系管理员用备份恢复（deskapp check / restore）。")


class StoreWriteError(JournalError):
    """A write that did not happen; the store is as it was before."""


def canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def entry_hash(prev: str, body: dict[str, Any]) -> str:
    return hashlib.sha256(prev.encode("ascii") + canonical(body)).hexdigest()


def _body(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "hash"}


def write_error_message(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT):
        return "磁盘已满（或超出文件大小限制），本次修改未保存，原有记录完好。请清理磁盘后重试。"
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return "没有写入数据文件夹的权限，本次修改未保存。请检查数据文件夹的权限。"
    return f"写入记录失败（{exc.strerror or exc}），本次修改未保存，原有记录完好。"


class Journal:
    """Reads and appends the journal; ``on_entry`` is called once per entry, in order."""

    def __init__(self, path: Path, lock_path: Path, on_entry: Callable[[dict[str, Any]], None]) -> None:
        self.path = path
        self._lock = FileLock(str(lock_path), timeout=LOCK_TIMEOUT_S)
        self._on_entry = on_entry
        self._offset = 0
        self._identity: tuple[int, int] | None = None
        self.seq = 0
        self.last_hash = GENESIS
        self.on_reset: Callable[[], None] | None = None

    # -- reading ---------------------------------------------------------------------------
    def refresh(self) -> int:
        """Apply entries other desks appended since the last look; return how many."""
        try:
            stat = os.stat(self.path)
        except FileNotFoundError:
            if self._offset:
                self._reset()
            return 0
        identity = (stat.st_dev, stat.st_ino)
        if self._identity is not None and identity != self._identity or stat.st_size < self._offset:
            # The file was replaced (a restore) or cut: read it again from the start.
            self._reset()
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
        position = 0
        for raw in data[: end + 1].splitlines(keepends=True):
            self._take(raw.rstrip(b"\n"))
            position += len(raw)
            self._offset += len(raw)
            count += 1
        return count

    def _reset(self) -> None:
        self._offset = 0
        self.seq = 0
        self.last_hash = GENESIS
        self._identity = None
        if self.on_reset:
            self.on_reset()

    def _take(self, raw: bytes) -> None:
        line_no = self.seq + 1
        try:
            entry = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise JournalCorrupt(self.path, line_no, f"无法解析（{exc.__class__.__name__}）") from exc
        if not isinstance(entry, dict) or entry.get("seq") != line_no:
            raise JournalCorrupt(self.path, line_no, "序号不连续")
        if entry.get("prev") != self.last_hash:
            raise JournalCorrupt(self.path, line_no, "与前一条记录的哈希链不符")
        self.seq = line_no
        self.last_hash = entry.get("hash", "")
        self._on_entry(entry)

    # -- writing ---------------------------------------------------------------------------
    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the cross-process lock with the state fresh from disk."""
        try:
            with self._lock:
                self.refresh()
                yield
        except Timeout as exc:
            raise StoreWriteError("另一台受理台正占用记录文件超过 15 秒，本次修改未保存，请稍后重试。") from exc

    def append(self, body: dict[str, Any]) -> dict[str, Any]:
        """Append one entry; call inside :meth:`locked`. Returns the committed entry."""
        if not self._lock.is_locked:
            raise RuntimeError("Journal.append outside Journal.locked()")
        entry = dict(body)
        entry["seq"] = self.seq + 1
        entry["prev"] = self.last_hash
        entry["hash"] = entry_hash(self.last_hash, entry)
        line = canonical(entry) + b"\n"
        created = not self.path.exists()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        except OSError as exc:
            raise StoreWriteError(write_error_message(exc)) from exc
        try:
            size = os.fstat(fd).st_size
            if size > self._offset:
                # An unterminated line left by a desk killed mid-write: never committed.
                os.ftruncate(fd, self._offset)
            view = memoryview(line)
            while view:
                written = os.write(fd, view)
                view = view[written:]
            os.fsync(fd)
        except OSError as exc:
            try:
                os.ftruncate(fd, self._offset)
                os.fsync(fd)
            except OSError:
                pass
            raise StoreWriteError(write_error_message(exc)) from exc
        finally:
            os.close(fd)
        if created:
            _fsync_dir(self.path.parent)
        stat = os.stat(self.path)
        self._identity = (stat.st_dev, stat.st_ino)
        self._offset += len(line)
        self.seq = entry["seq"]
        self.last_hash = entry["hash"]
        self._on_entry(entry)
        return entry


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def verify(path: Path) -> tuple[int, str | None]:
    """Check the whole chain from the start. Returns (entries good, first problem or None)."""
    good = 0
    prev = GENESIS
    try:
        handle = open(path, "rb")
    except FileNotFoundError:
        return 0, None
    with handle:
        for line_no, raw in enumerate(handle, 1):
            if not raw.endswith(b"\n"):
                return good, f"第 {line_no} 行不完整（写入时中断，从未提交；下次写入会自动清除）"
            try:
                entry = json.loads(raw.decode("utf-8"))
            except (UnicodeDecodeError, json.JSONDecodeError):
                return good, f"第 {line_no} 行无法解析"
            if not isinstance(entry, dict) or entry.get("seq") != line_no:
                return good, f"第 {line_no} 行序号不连续"
            if entry.get("prev") != prev:
                return good, f"第 {line_no} 行与前一条的哈希链不符（前一条被改动过？）"
            if entry_hash(prev, _body(entry)) != entry.get("hash"):
                return good, f"第 {line_no} 行内容与其哈希不符（被改动过）：{entry.get('action', '?')} {entry.get('at', '')}"
            prev = entry["hash"]
            good += 1
    return good, None
