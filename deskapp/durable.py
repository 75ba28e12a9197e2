"""Files that survive a crash: atomic writes, folder flushes, retries, the cross-process lock.

Used by the journal (``deskapp.journal``), the snapshot, backups and the staff file. Nothing
here knows what the files hold.
"""

from __future__ import annotations

import contextlib
import errno
import os
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

LOCK_POLL_S = 0.001
"""How often a desk waiting for the lock looks again (filelock's default, 50 ms, would be most of a wait)."""
RETRY_S = 2.0
"""How long to retry a file held for a moment (Windows antivirus, indexer, backup tools)."""

T = TypeVar("T")


class LockTimeout(Exception):
    """The journal lock was not free within the time given (``deskapp.journal.LOCK_TIMEOUT_S``)."""


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
    """What the clerk reads when a write failed: a full disk, no permission, or the system's own words."""
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
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


class FlockLock:
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
        """This process holds the lock."""
        return self._depth > 0

    def acquire(self) -> None:
        """Take the lock (reentrant), waiting up to the timeout; LockTimeout when not free by then."""
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
        """Give back one level of the lock; the last one frees it for other processes."""
        import fcntl

        self._depth -= 1
        if self._depth == 0 and self._fd is not None:
            fd, self._fd = self._fd, None
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)


class PortableLock:
    """``filelock`` elsewhere (Windows), polling every ``LOCK_POLL_S``; imported only there
    (it costs tens of milliseconds of start-up)."""

    def __init__(self, path: Path, timeout: float) -> None:
        from filelock import FileLock

        self._lock = FileLock(str(path), timeout=timeout)

    @property
    def is_locked(self) -> bool:
        """This process holds the lock."""
        return bool(self._lock.is_locked)

    def acquire(self) -> None:
        """Take the lock (reentrant), waiting up to the timeout; LockTimeout when not free by then."""
        from filelock import Timeout

        try:
            self._lock.acquire(poll_interval=LOCK_POLL_S)
        except Timeout as exc:
            raise LockTimeout(str(exc)) from None

    def release(self) -> None:
        """Give back one level of the lock; the last one frees it for other processes."""
        self._lock.release()
