"""Reading files in a child process with a memory limit and a time limit per file.

Defence in depth around :func:`deskapp.readers.core.read_file` (which already bounds every
file before parsing): even a parser bug on a hostile file cannot exhaust the desk's memory
or hang it. One child reads a whole batch (a folder from a USB stick), one JSON line per
file; when the child dies or overruns on a file, that file gets a clear message and the
rest of the batch continues in a fresh child.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from deskapp.readers.core import read_file
from deskapp.readers.report import FileReport, new_report

READ_TIMEOUT = 20.0
"""Seconds the child may take for one file."""
READ_MEMORY = 1024 * 1024 * 1024
"""Address space the child may use (bytes)."""

Progress = Callable[[int, int, str], None]
"""Called as ``progress(n, total, file name)`` before each file; may raise to stop."""


def read_isolated(
    path: str | os.PathLike[str], *, timeout: float = READ_TIMEOUT, memory: int = READ_MEMORY
) -> FileReport:
    """Read one file in a limited child process."""
    return read_isolated_many([path], timeout=timeout, memory=memory)[0]


def read_isolated_many(
    paths: Iterable[str | os.PathLike[str]],
    *,
    timeout: float = READ_TIMEOUT,
    memory: int = READ_MEMORY,
    progress: Progress | None = None,
) -> list[FileReport]:
    """Read files in limited child processes, as few as possible; never raises for a bad file."""
    reports = [new_report(p) for p in paths]  # the parent's own fingerprints
    todo = [i for i, r in enumerate(reports) if r.readable]
    while todo:
        todo = todo[_run_batch(reports, todo, timeout, memory, progress) :]
    return reports


def read_many(paths: Iterable[str | os.PathLike[str]], isolated: bool = True) -> list[FileReport]:
    """Files and folders as the clerk gives them, each file read (in a child when ``isolated``)."""
    from deskapp.readers.folder import read_folder

    return read_folder(paths, isolated=isolated)[0]


def _limits(memory: int, cpu_seconds: int) -> None:  # pragma: no cover - runs in the child
    """Cap the child's address space (bytes) and CPU time (seconds, counted from its start), on POSIX.

    The child sets them on itself before reading any file: a ``preexec_fn`` in the parent would run
    between fork and exec of a process with threads (the desk's workers), where it can deadlock."""
    if os.name != "posix":
        return
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))


def _child_env() -> dict[str, str]:
    """The parent's environment, with this source tree importable in the child."""
    root = str(Path(__file__).resolve().parent.parent.parent)
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _run_batch(
    reports: list[FileReport], todo: list[int], timeout: float, memory: int, progress: Progress | None
) -> int:
    """Read ``todo`` in one child; returns how many were settled (at least one)."""
    cpu = int(timeout * len(todo)) + 2
    try:
        child = subprocess.Popen(
            [sys.executable, "-m", "deskapp.readers", "--worker", str(memory), str(cpu)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=_child_env(),
        )
    except OSError as exc:
        for i in todo:
            reports[i] = read_file(reports[i].path)
            reports[i].problem(f"无法启动单独的读取进程（{exc}），已直接读取")
        return len(todo)
    assert child.stdin is not None and child.stdout is not None
    try:
        child.stdin.write(b"".join(json.dumps(reports[i].path).encode() + b"\n" for i in todo))
        child.stdin.close()
    except BrokenPipeError:
        pass  # the child died at once: the first file says so below
    lines = _Lines(child.stdout.fileno())
    try:
        for settled, i in enumerate(todo):
            if progress is not None:
                progress(i + 1, len(reports), reports[i].name)
            line = lines.next(time.monotonic() + timeout)
            if line is None:
                child.kill()
                code = child.wait()
                reports[i] = _failed(reports[i], code, timeout, memory, lines.timed_out)
                return settled + 1
            reports[i] = _from_child(reports[i], line)
        return len(todo)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        child.stdout.close()


def _failed(report: FileReport, code: int, timeout: float, memory: int, timed_out: bool) -> FileReport:
    if timed_out:
        return report.fail(f"读取超过 {timeout:.0f} 秒仍未完成，文件过于复杂或已损坏，已停止读取")
    return report.fail(
        f"读取进程异常退出（代码 {code}），文件可能是恶意文件或需要的内存超过 {memory // (1024 * 1024)} MB，未读取"
    )


def _from_child(report: FileReport, line: bytes) -> FileReport:
    try:
        child = FileReport.from_json(json.loads(line.decode("utf-8")))
    except (ValueError, TypeError):
        return report.fail("读取进程给出的结果无法识别，未读取")
    if child.sha256 != report.sha256:
        child.problem("读取期间文件被改动，请重新读取")
    return child


class _Lines:
    """Lines from a pipe, each awaited until a deadline (None on timeout or end of output)."""

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self.buffer = b""
        self.timed_out = False
        self.selector = selectors.DefaultSelector()
        self.selector.register(fd, selectors.EVENT_READ)

    def next(self, deadline: float) -> bytes | None:
        while b"\n" not in self.buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not self.selector.select(left):
                self.timed_out = True
                return None
            chunk = os.read(self.fd, 1 << 16)
            if not chunk:
                return None
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        return line


def worker_main(memory: int | None = None, cpu_seconds: int | None = None) -> int:  # pragma: no cover - child
    """The child: limits set on itself first (see :func:`_limits`), then one JSON-encoded path per line
    in, one JSON report per line out; returns the exit code (0)."""
    if memory is not None and cpu_seconds is not None:
        _limits(memory, cpu_seconds)
    for raw in sys.stdin.buffer:
        if raw.strip():
            report = read_file(json.loads(raw))
            sys.stdout.write(json.dumps(report.to_json(), ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return 0
