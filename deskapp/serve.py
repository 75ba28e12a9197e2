"""``deskapp serve``: one host serves the desk to every counter's browser (issue 10, point 4).

textual-serve runs each browser session as its own ``deskapp run --pin-sign-in`` process on the
host's data folder (so the record has one home, on a local disk) and relays the screen over a
websocket. This module adapts it to the office:

- the page loads nothing from outside the host (its own template, the font from textual-serve's
  local static files, no CDN), and its URLs follow the address the browser used;
- each session's counter is named after the browser's address (``DESK_COUNTER``), so a refused
  PIN is recorded with the counter it came from;
- downloads keep their Chinese file names (RFC 6266 ``filename*``);
- Ctrl+C (SIGINT) or SIGTERM ends every session's process, then the server.
"""

from __future__ import annotations

import asyncio
import logging
import shlex
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiohttp_jinja2
from aiohttp import web
from textual_serve.app_service import AppService
from textual_serve.server import Server, to_int

from deskapp.auth import ENV_COUNTER

PAGE_DIR = Path(__file__).resolve().parent / "serve_page"
STATIC_DIR = Path(sys.modules[Server.__module__].__file__ or "").resolve().parent / "static"
LOOPBACK = "127.0.0.1"
log = logging.getLogger("textual-serve")


def session_command(data: Path) -> list[str]:
    """The process one browser session runs: the desk on the host's data folder, PIN sign-in."""
    return [sys.executable, "-m", "deskapp", "--data", str(data), "run", "--pin-sign-in"]


class DeskServer(Server):
    """textual-serve's server with the office's page, per-session counters and clean stops."""

    def __init__(self, data: Path, host: str = LOOPBACK, port: int = 8000, title: str = "受理台") -> None:
        self.data = data
        super().__init__(
            shlex.join(session_command(data)),
            host=host,
            port=port,
            title=title,
            statics_path=STATIC_DIR,
            templates_path=PAGE_DIR,
        )
        self.sessions: set[AppService] = set()

    async def on_startup(self, app: web.Application) -> None:
        self.console.print(
            f"受理台已在 http://{self.host}:{self.port}/ 提供服务（数据文件夹：{self.data}）", highlight=False
        )
        self.console.print("各窗口的电脑用浏览器打开上面的地址；按 Ctrl+C 停止服务。", highlight=False)

    async def on_shutdown(self, app: web.Application) -> None:
        """Ask every session's desk to quit and wait for it (a saved record is never lost anyway)."""
        await asyncio.gather(*(service.stop() for service in list(self.sessions)), return_exceptions=True)

    @aiohttp_jinja2.template("app_index.html")
    async def handle_index(self, request: web.Request) -> dict[str, Any]:
        """The page, with its URLs on the address the browser used (works for 0.0.0.0 and a host name)."""
        websocket = ("wss" if request.secure else "ws") + f"://{request.host}/ws"
        return {
            "font_size": to_int(request.query.get("fontsize", "16"), 16),
            "app_websocket_url": websocket,
            "config": {"static": {"url": "/static/"}},
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
        command = f"{ENV_COUNTER}={shlex.quote(counter)} exec {self.command}"
        service: AppService | None = None
        try:
            await websocket.prepare(request)
            service = AppService(
                command,
                write_bytes=websocket.send_bytes,
                write_str=websocket.send_str,
                close=websocket.close,
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
            log.exception(error)
        finally:
            if service is not None:
                await service.stop()
                self.sessions.discard(service)
        return websocket
