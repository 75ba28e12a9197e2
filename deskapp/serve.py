"""``deskapp serve``: one host serves the desk to every counter's browser (issue 10, point 4).

textual-serve runs each browser session as its own ``deskapp run --pin-sign-in`` process on the
host's data folder (so the record has one home, on a local disk) and relays the screen over a
websocket. This module adapts it to the office:

- the page loads nothing from outside the host (its own template, the font from textual-serve's
  local static files, no CDN), and its URLs follow the address the browser used;
- each session's counter is named after the browser's address (``DESK_COUNTER``), so a refused
  PIN is recorded with the counter it came from;
- session processes are started ahead (``spares``, :mod:`deskapp.serve_session`): a spare has its
  sign-in screen drawn when a tab connects and is only told the tab's counter and size, so the
  first screen comes at once (each session is still its own process); spares are replaced when
  desk.toml changes or they have waited :data:`SPARE_MAX_AGE`;
- static files are cached by the browser (their URLs carry textual-serve's version);
- downloads keep their Chinese file names (RFC 6266 ``filename*``);
- Ctrl+C (SIGINT) or SIGTERM ends every session's process, then the server.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
import time
from asyncio.subprocess import PIPE, Process
from collections.abc import Awaitable, Callable
from importlib.metadata import version
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.download_manager import DownloadManager
from textual_serve.server import Server, to_int

from deskapp.serve_session import READY, Handoff

PAGE_DIR = Path(__file__).resolve().parent / "serve_page"
STATIC_DIR = Path(sys.modules[Server.__module__].__file__ or "").resolve().parent / "static"
LOOPBACK = "127.0.0.1"
SPARES = 1
"""Session processes kept started ahead by default (``deskapp serve --spares``)."""
MAX_SPARES = 8
REFILL_AFTER = 2.0
"""Seconds after a spare is taken before the next is started: the new session draws its first screen
without a spare's imports competing for the host's CPU."""
SPARE_MAX_AGE = 15 * 60.0
"""Seconds a spare may wait before it is replaced by a fresh one (its start-of-day work, e.g. the daily
backup, is then that of the day it is used)."""
CHECK_EVERY = 5.0
"""Seconds between two looks at the spares (desk.toml changed, too old, gone)."""
QUIT_GRACE = 15.0
"""Seconds a session's desk has to quit when the server stops, before it is killed."""
SPARE_DRIVER = "deskapp.serve_driver:SpareDriver"
STATIC_MAX_AGE = 7 * 24 * 3600
"""Seconds a browser may keep the page's scripts, styles and fonts (their URLs change with textual-serve)."""
log = logging.getLogger("textual-serve")


def session_command(data: Path) -> list[str]:
    """The process one browser session runs (:mod:`deskapp.serve_session`): the desk with PIN sign-in on
    the host's data folder, started ahead and shown to a browser when it is handed one."""
    return [sys.executable, "-m", "deskapp.serve_session", "--data", str(data)]


async def _nothing(*_args: object) -> None:
    return None


def session_environment(debug: bool = False) -> dict[str, str]:
    """The environment textual-serve gives a session (colours, frame rate: Textual reads them at import,
    so a spare needs them from its start), with the spare's driver (:mod:`deskapp.serve_driver`)."""
    template = AppService(
        "", write_bytes=_nothing, write_str=_nothing, close=_nothing, download_manager=DownloadManager(), debug=debug
    )
    environment = template._build_environment()
    environment["TEXTUAL_DRIVER"] = SPARE_DRIVER
    return environment


def _stamp(paths: list[Path]) -> tuple[tuple[int, int], ...]:
    """Modification time and size of each file (0, 0 when missing): a change means a new desk.toml."""
    stamps = []
    for path in paths:
        try:
            stat = path.stat()
            stamps.append((stat.st_mtime_ns, stat.st_size))
        except OSError:
            stamps.append((0, 0))
    return tuple(stamps)


class SparePool:
    """Session processes started ahead, each waiting (its sign-in screen drawn) for one browser tab.

    ``size`` spares are kept; :meth:`take` gives the oldest ready one (sign-in screen drawn), else the
    oldest still starting, else starts one at once; the next is started ``refill_after`` seconds behind
    it. A spare is drawn at the size of the last tab (``COLUMNS``/``ROWS``), so the handoff rarely
    changes it. :meth:`check` (every :data:`CHECK_EVERY` s) replaces spares started before a change of
    a ``watch`` file (desk.toml: a new staff list) or older than ``max_age`` seconds. :meth:`close` and
    a replaced spare end by closing its input (the desk then quits), killed after ``grace`` seconds.
    """

    def __init__(
        self,
        command: list[str],
        size: int,
        environment: dict[str, str],
        grace: float = 10.0,
        refill_after: float = REFILL_AFTER,
        watch: tuple[Path, ...] = (),
        max_age: float = SPARE_MAX_AGE,
    ) -> None:
        self.command = command
        self.size = size
        self.environment = environment
        self.grace = grace
        self.refill_after = refill_after
        self.watch = list(watch)
        self.max_age = max_age
        self.window = (80, 24)
        """Cells of the last tab; the next spare is drawn at this size."""
        self.started: dict[Process, tuple[float, tuple[tuple[int, int], ...]]] = {}
        self.failures = 0
        self.retry_at = 0.0
        self.ending: set[asyncio.Task[None]] = set()
        self.waiting: list[Process] = []
        self.ready: set[Process] = set()
        self.starting: set[asyncio.Task[Process]] = set()
        self.watching: dict[Process, asyncio.Task[None]] = {}
        self.closed = False

    async def _spawn(self) -> Process:
        stamp = _stamp(self.watch)
        environment = {**self.environment, "COLUMNS": str(self.window[0]), "ROWS": str(self.window[1])}
        process = await asyncio.create_subprocess_exec(
            *self.command, stdin=PIPE, stdout=PIPE, stderr=PIPE, env=environment
        )
        self.started[process] = (time.monotonic(), stamp)
        self.watching[process] = asyncio.create_task(self._watch(process))
        return process

    async def _watch(self, process: Process) -> None:
        """Mark ``process`` ready when its READY line comes (taken off its output before the session's)."""
        assert process.stdout is not None
        if await process.stdout.readline() == READY:
            self.ready.add(process)
            self.failures = 0
        elif process.stderr is not None:  # it ended before its screen was up: say why, once per failure
            said = (await process.stderr.read(4000)).decode("utf-8", "replace").strip()
            log.error("a spare session ended at its start: %s", said or f"exit {await process.wait()}")

    def fill(self) -> None:
        """Start spares until ``size`` are waiting or starting (none once closed, none before
        ``retry_at`` after spares that ended at their start, e.g. on a desk.toml the desk refuses)."""
        if time.monotonic() < self.retry_at:
            return
        while not self.closed and len(self.waiting) + len(self.starting) < self.size:
            task = asyncio.create_task(self._spawn())
            self.starting.add(task)
            task.add_done_callback(self._started)

    def _started(self, task: asyncio.Task[Process]) -> None:
        self.starting.discard(task)
        if task.cancelled() or task.exception() is not None:
            log.error("could not start a spare session: %s", None if task.cancelled() else task.exception())
            return
        self.waiting.append(task.result())  # also once closed: close() ends it, having waited for the start

    def _drop(self, process: Process) -> None:
        self.waiting.remove(process)
        self.ready.discard(process)
        self.started.pop(process, None)
        watch = self.watching.pop(process, None)
        if watch is not None:
            watch.cancel()

    def _stale(self, process: Process) -> bool:
        at, stamp = self.started.get(process, (0.0, ()))
        return time.monotonic() - at > self.max_age or stamp != _stamp(self.watch)

    def check(self) -> None:
        """Replace the spares that are gone, too old, or started before desk.toml changed."""
        for process in list(self.waiting):
            if process.returncode is not None:
                self._drop(process)
                self.failures += 1  # waiting spares do not end by themselves: wait longer each time
                self.retry_at = time.monotonic() + min(CHECK_EVERY * 2**self.failures, 300.0)
            elif self._stale(process):
                self._drop(process)
                task = asyncio.create_task(self._end(process))
                self.ending.add(task)
                task.add_done_callback(self.ending.discard)
        self.fill()

    async def take(self, window: tuple[int, int] | None = None) -> Process:
        """A started session process for a tab that just connected (``window``: its cells, the size of
        the spares drawn from now on); a new spare is started behind it."""
        if window is not None:
            self.window = window
        for process in list(self.waiting):
            if process.returncode is not None or self._stale(process):
                self._drop(process)
                if process.returncode is None:
                    task = asyncio.create_task(self._end(process))
                    self.ending.add(task)
                    task.add_done_callback(self.ending.discard)
        ready = [process for process in self.waiting if process in self.ready]
        if ready or self.waiting:
            process = (ready or self.waiting)[0]
            self.waiting.remove(process)
        else:
            process = await self._spawn()
        watch = self.watching.pop(process)
        watch.cancel()  # the session reads the output from here on (a READY line not yet read is skipped there)
        await asyncio.gather(watch, return_exceptions=True)
        self.ready.discard(process)
        self.started.pop(process, None)
        asyncio.get_running_loop().call_later(self.refill_after, self.fill)
        return process

    async def _end(self, process: Process) -> None:
        if process.stdin is not None:
            process.stdin.close()
        try:
            await asyncio.wait_for(process.wait(), self.grace)
        except TimeoutError:
            process.kill()
            await process.wait()

    async def close(self) -> None:
        """End every waiting spare and start no more (the server is stopping)."""
        self.closed = True
        await asyncio.gather(*self.starting, return_exceptions=True)
        waiting, self.waiting = self.waiting, []
        for watch in self.watching.values():
            watch.cancel()
        self.watching.clear()
        await asyncio.gather(*self.ending, *(self._end(process) for process in waiting), return_exceptions=True)


class SessionService(AppService):
    """One browser tab's desk: a spare from the pool, handed the tab's counter and terminal size."""

    def __init__(
        self,
        pool: SparePool,
        counter: str,
        *,
        write_bytes: Callable[[bytes], Awaitable[None]],
        write_str: Callable[[str], Awaitable[None]],
        close: Callable[[], Awaitable[None]],
        download_manager: DownloadManager,
        debug: bool = False,
    ) -> None:
        super().__init__(
            shlex.join(pool.command),
            write_bytes=write_bytes,
            write_str=write_str,
            close=close,
            download_manager=download_manager,
            debug=debug,
        )
        self.pool = pool
        self.counter = counter

    async def _open_app_process(self, width: int = 80, height: int = 24) -> Process:
        """textual-serve's hook for starting the session's process: here a spare is taken and handed the
        tab's details (a spare that died meanwhile is passed over)."""
        for _ in range(3):
            process = await self.pool.take((width, height))
            assert process.stdin is not None
            self._process = process
            self._stdin = process.stdin
            if await self.send_meta(Handoff(self.counter, width, height).meta()):
                return process
        raise RuntimeError("no session process could be started")


class DeskServer(Server):
    """textual-serve's server with the office's page, per-session counters and clean stops."""

    def __init__(
        self, data: Path, host: str = LOOPBACK, port: int = 8000, title: str = "受理台", spares: int = SPARES
    ) -> None:
        self.data = data
        self.spares = spares
        super().__init__(
            shlex.join(session_command(data)),
            host=host,
            port=port,
            title=title,
            statics_path=STATIC_DIR,
            templates_path=PAGE_DIR,
        )
        self.sessions: set[AppService] = set()
        self.pool: SparePool | None = None
        self._checking: asyncio.Task[None]

    async def _make_app(self) -> web.Application:
        app = await super()._make_app()
        app.on_response_prepare.append(self._cache_headers)
        return app

    async def _cache_headers(self, request: web.Request, response: web.StreamResponse) -> None:
        """Scripts, styles and fonts kept by the browser; the page itself always asked again."""
        if request.path.startswith("/static/"):
            response.headers["Cache-Control"] = f"public, max-age={STATIC_MAX_AGE}"
        elif request.path == "/":
            response.headers["Cache-Control"] = "no-cache"

    async def on_startup(self, app: web.Application) -> None:
        """Start the pool of spare sessions (replaced when ``desk.toml`` changes) before the first tab."""
        self.pool = SparePool(
            session_command(self.data),
            self.spares,
            session_environment(self.debug),
            watch=(self.data / "desk.toml",),
        )
        self.pool.fill()
        self._checking = asyncio.create_task(self._check_spares(self.pool))
        self.console.print(
            f"受理台已在 http://{self.host}:{self.port}/ 提供服务（数据文件夹：{self.data}）", highlight=False
        )
        self.console.print("各窗口的电脑用浏览器打开上面的地址；按 Ctrl+C 停止服务。", highlight=False)

    async def _check_spares(self, pool: SparePool) -> None:
        while not pool.closed:
            await asyncio.sleep(CHECK_EVERY)
            pool.check()

    async def on_shutdown(self, app: web.Application) -> None:
        """End the waiting spares, ask every session's desk to quit and wait for it (a saved record is
        never lost anyway); a desk that has not quit after :data:`QUIT_GRACE` seconds is killed, so the
        server always stops."""
        if self.pool is not None:
            self._checking.cancel()
            await self.pool.close()
        sessions = list(self.sessions)
        stopping = asyncio.gather(*(service.stop() for service in sessions), return_exceptions=True)
        try:
            await asyncio.wait_for(asyncio.shield(stopping), QUIT_GRACE)
        except TimeoutError:
            for service in sessions:
                process = service._process
                if process is not None and process.returncode is None:
                    log.warning("a session did not quit: killed (pid %s)", process.pid)
                    process.kill()
            await asyncio.wait_for(stopping, QUIT_GRACE)

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with its URLs on the address the browser used (works for 0.0.0.0 and a host name)."""
        websocket = ("wss" if request.secure else "ws") + f"://{request.host}/ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket,
            "config": {"static": {"url": "/static/"}},
            "version": version("textual-serve"),
            "application": {"name": self.title},
        }

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the desk delivered (Textual's ``deliver_binary``), under its Chinese name."""
        key = request.match_info["key"]
        try:
            meta = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(text="没有这个下载（可能已经下载过）") from None
        response = web.StreamResponse()
        response.headers["Content-Type"] = meta.mime_type + (f"; charset={meta.encoding}" if meta.encoding else "")
        disposition = "inline" if meta.open_method == "browser" else "attachment"
        fallback = meta.file_name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_")
        response.headers["Content-Disposition"] = (
            f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(meta.file_name)}"
        )
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One browser tab: its own desk process, named after the browser's address."""
        websocket = web.WebSocketResponse(heartbeat=15)
        width = to_int(request.query.get("width", "80"), 80)
        height = to_int(request.query.get("height", "24"), 24)
        counter = f"浏览器 {request.remote or '?'}"
        service: AppService | None = None

        async def close() -> None:
            await websocket.close()

        try:
            await websocket.prepare(request)
            assert self.pool is not None  # made on startup
            service = SessionService(
                self.pool,
                counter,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=close,
                download_manager=self.download_manager,
                debug=self.debug,
            )
            self.sessions.add(service)
            await service.start(width, height)
            try:
                await self._process_messages(websocket, service)
            finally:
                await service.stop()
        except asyncio.CancelledError:
            await websocket.close()
        except Exception as error:
            log.exception("a session ended with an error: %s", type(error).__name__)
        finally:
            if service is not None:
                await service.stop()
                self.sessions.discard(service)
        return websocket
