"""The desk's screen: a Textual app over a :class:`~deskapp.service.Desk` handed in.

This is the only module of ``deskapp`` that imports Textual; the screens live in
``screens/``. The app never opens storage itself: :func:`run_app` opens the desk and
hands it in, tests hand in one on a temporary folder.
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, TypeVar

from textual import events
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandPalette, Provider
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import WorkerFailed

from deskapp.config import Config, ConfigError
from deskapp.journal import JournalError
from deskapp.listing import Listing
from deskapp.service import Desk, open_desk
from deskapp.store import DeskStore
from screens.base import DeskScreen
from screens.keygate import KeyGate, paste_for
from screens.palette import DeskCommands, DeskPalette, DeskThemes

if TYPE_CHECKING:
    from deskapp.exports.common import ExportResult
    from deskapp.scan_route import ScanVerdict
    from screens.scanning import ScanReader

SCREENS_DIR = Path(__file__).resolve().parent.parent / "screens"
T = TypeVar("T")

TOAST_SECONDS = {"information": 3.0, "warning": 6.0, "error": 8.0}
"""How long a toast stays at most, by severity (what must stay is on the screen or in the history)."""

_PATH = re.compile(r"(?:[A-Za-z]:)?[/\\][^\s，。；：、“”‘’（）()<>\[\]]+")


def short_paths(text: str, width: int = 40) -> str:
    """``text`` with each file path longer than ``width`` characters cut to ``…/folder/name``."""

    def cut(match: re.Match[str]) -> str:
        path = match.group(0)
        if len(path) <= width:
            return path
        parts = [p for p in re.split(r"[/\\]", path) if p]
        return "…/" + "/".join(parts[-2:]) if len(parts) > 2 else path

    return _PATH.sub(cut, text)


class DeskApp(App[int]):
    """受理台. Signs a clerk in, then the main screen; every change carries the clerk's name."""

    CSS_PATH = SCREENS_DIR / "desk.tcss"
    TITLE = "受理台"
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {DeskCommands}
    COMMAND_PALETTE_BINDING = "ctrl+p"
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "退出", id="quit", priority=True),
        Binding("ctrl+p", "command_palette", "命令", show=False, id="palette", priority=True),
        # Ctrl+G, not Ctrl+T: a browser keeps Ctrl+T/W/N and Ctrl+Tab for itself (a served desk); same keys everywhere.
        Binding("ctrl+g", "export_annex2", "导出附件2", id="export_annex2", priority=True),
        Binding("ctrl+o", "dashboard", "总览", id="dashboard"),
        Binding("f1", "where", "数据文件夹", show=False, id="where"),
    ]

    POLL_SECONDS = 1.0
    MAIN_SCREEN: type[Screen[None]] | None = None
    """The main screen class (None: screens.main.MainScreen); tests swap it."""

    def __init__(
        self,
        desk: Desk,
        clerk: str | None = None,
        *,
        daily_backup: bool = False,
        require_pin: bool = False,
    ) -> None:
        self.desk = desk
        """The desk handed in: config, store, locations (the app never opens storage itself)."""
        self.clerk = clerk
        """Who is signed in (None on the sign-in screen); every change carries this name."""
        self.require_pin = require_pin
        """Each staff member signs in with their own PIN (a served desk: ``deskapp serve``)."""
        self.daily_backup = daily_backup
        """Make the day's automatic backup in the background at start (the real desk; tests opt in)."""
        self.listing = Listing(desk.store)
        """The main screen's list of the round's packs, kept in step with the store."""
        self.last_export: ExportResult | None = None
        """The last export written this session (screens/exporting.py), for the clerk and the tests."""
        self.scan_handlers: list[Callable[[str], bool]] = []
        """Called in order with each line read before the desk's own route; True consumes it."""
        from screens.scanning import ScanReader

        self.scan_reader: ScanReader = ScanReader(self)
        self.scans: list[ScanVerdict] = []
        """Every line read on the scan route this session, in order (also in the scan log)."""
        self._seen_version = self.listing.version
        self._poll_failed = False
        self._scan_log_failed = False
        super().__init__()
        self.key_gate = KeyGate(self)
        """Typed keys and pastes reach a settled screen one at a time, in order (no key lost)."""

    # -- messages --------------------------------------------------------------------------
    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """A toast, short and out of the way: at most :data:`TOAST_SECONDS` by severity, long paths
        shortened (the full path stays in the pack's history and on its screen)."""
        longest = TOAST_SECONDS.get(severity, TOAST_SECONDS["information"])
        super().notify(
            short_paths(message),
            title=title,
            severity=severity,
            timeout=min(timeout or longest, longest),
            markup=markup,
        )

    # -- leaving ---------------------------------------------------------------------------
    def unsaved_work(self) -> bool:
        """A screen on the stack holds typed work not saved yet (a half-filled registration)."""
        return any(isinstance(screen, DeskScreen) and screen.has_unsaved() for screen in self.screen_stack)

    def confirm_leaving(self, question: str, leave: Callable[[], object], what: str = "放弃这次登记") -> None:
        """``leave()`` at once when nothing is unsaved; otherwise only after the clerk confirms."""
        from screens.register import ConfirmCancel

        if isinstance(self.screen, ConfirmCancel):
            self.screen.dismiss(True)  # the same key again: confirmed
            return
        if not self.unsaved_work():
            leave()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                leave()

        self.push_screen(ConfirmCancel(question, what), answered)

    async def action_quit(self) -> None:
        """Ctrl+Q: quit, after asking when a registration (or the staff list being edited) is not saved."""
        what = next(
            (
                getattr(s, "UNSAVED_WORDS", "正在登记的材料")
                for s in self.screen_stack
                if isinstance(s, DeskScreen) and s.has_unsaved()
            ),
            "正在登记的材料",
        )
        self.confirm_leaving(f"退出受理台？{what}还没有保存，已填写的内容会丢失。", self.exit, "不保存，退出受理台")

    @property
    def store(self) -> DeskStore:
        """The desk's store (every read and write of packs)."""
        return self.desk.store

    @property
    def config(self) -> Config:
        """The desk's configuration as loaded (reloaded when the staff list is saved)."""
        return self.desk.config

    def _daily_backup(self) -> None:
        """Thread worker: the day's automatic backup; a failure is told to the clerk, never raised."""
        from deskapp.backup import daily_backup_message

        message = daily_backup_message(self.desk)
        if message:
            self.call_from_thread(self.notify, message, title="备份", severity="warning", timeout=15)

    def on_mount(self) -> None:
        """Apply the staff's key map, poll other desks' writes every POLL_SECONDS, and after the first
        paint warm pypinyin, make the day's backup and verify the record (each in a worker)."""
        self.apply_keymap()
        self.set_interval(self.POLL_SECONDS, self.poll_store, name="poll-store")
        # pypinyin (0.4 s to import) is needed only when a pack is written: load it after the first paint.
        self.set_timer(1.0, lambda: self.run_worker(_warm_up_pinyin, thread=True, exclusive=True, group="warm-up"))
        if self.daily_backup:
            self.run_worker(self._daily_backup, thread=True, group="backup")
        self.call_after_refresh(self.start_verification)
        if self.clerk is not None:
            self.push_screen(self.main_screen())
        elif self.config.staff:
            from screens.signin import SignInScreen

            self.push_screen(SignInScreen())
        else:
            from screens.signin import StaffSetupScreen

            self.push_screen(StaffSetupScreen())

    def apply_keymap(self) -> None:
        """Staff remap keys in ``[keys]`` of desk.toml: binding id = key (old shared ids still
        remap every key they named: :func:`screens.keymap.desk_keymap`)."""
        from screens.keymap import desk_keymap

        self.set_keymap(desk_keymap(self.config.keys))

    # -- the command palette (screens/palette.py) -------------------------------------------
    def action_command_palette(self) -> None:
        """Ctrl+P: the current screen's keys by name, and 切换配色 — in Chinese."""
        if self.use_command_palette and not isinstance(self.screen, CommandPalette):
            self.push_screen(DeskPalette())

    def action_change_theme(self) -> None:
        """切换配色: the palette of colour themes."""
        self.push_screen(DeskPalette([DeskThemes], placeholder="输入配色名称，↑↓ 选择，Enter 换上"))

    # -- the record proves itself (deskapp/record_guard.py) ---------------------------------
    def start_verification(self) -> None:
        """After the first paint: verify the whole chain in a thread worker."""
        self.run_worker(self._verify_record, thread=True, group="verify", exit_on_error=False)

    def _verify_record(self) -> None:
        guard = self.store.guard
        guard.verify()
        if guard.problem:
            guard.record_alarm(self.clerk or "受理台")
            self.call_from_thread(self.record_failed, guard.problem)

    def record_failed(self, problem: str) -> None:
        """Say it prominently and keep saying it: changes to packs are refused until a supervisor acts."""
        self.sub_title = "⚠ 记录校验未通过：暂停修改申报材料，请科室负责人处理"
        self.notify(problem, title="记录校验未通过", severity="error", timeout=24 * 3600)

    # -- writing: the one way a screen changes the record --------------------------------
    def write(self, action: Callable[[], T], *, what: str = "本次修改") -> T | None:
        """Run ``action`` (a call that writes the journal or a data file) and return its result;
        ``None`` after telling the clerk in Chinese when the store refused it (full disk, lock
        held past its timeout, no permission, a damaged record, a file replaced under it). The
        store writes one entry whole or nothing, so the record stays as it was; the desk runs on.
        ``tests/test_store_faults.py`` finds screen code that writes any other way."""
        try:
            return action()
        except JournalError as exc:
            self.notify(f"{what}没有保存：{exc}", title="未保存", severity="error", timeout=20)
        except OSError as exc:  # a data file (desk.toml) on a full disk or a read-only folder
            from deskapp.journal import write_error_message

            self.notify(f"{what}没有保存：{write_error_message(exc)}", title="未保存", severity="error", timeout=20)
        return None

    def _handle_exception(self, error: Exception) -> None:
        """The last boundary: a store error that slipped past :meth:`write` is told, never ends the
        desk — raised in a handler, or in a worker (Textual hands that on wrapped in ``WorkerFailed``:
        a dashboard recount, a verification). Any other error ends the desk as Textual does."""
        if isinstance(error, JournalError):
            self.notify(f"操作没有保存：{error}", title="未保存", severity="error", timeout=20)
            return
        if isinstance(error, WorkerFailed) and isinstance(error.error, JournalError):
            self.notify(f"后台操作没有完成：{error.error}", title="记录出错", severity="error", timeout=20)
            return
        super()._handle_exception(error)

    # -- signing in ------------------------------------------------------------------------
    def main_screen(self) -> Screen[None]:
        """A new main screen (:attr:`MAIN_SCREEN`, else :class:`screens.main.MainScreen`)."""
        from screens.main import MainScreen

        return (self.MAIN_SCREEN or MainScreen)()

    def sign_in(self, name: str) -> None:
        """Record ``name`` signing in (journal ``sign_in``) and show the main screen; nothing changes when
        the record cannot be written (the clerk is told why)."""
        if self.write(lambda: self.store.record_event("sign_in", name), what="登录") is None:
            return
        self.clerk = name
        self.switch_screen(self.main_screen())

    def action_switch_clerk(self) -> None:
        """换人: sign out (journal ``sign_out``) and back to the sign-in screen, asking first when a form
        holds unsaved work."""
        self.confirm_leaving("换人？正在登记的材料还没有保存，已填写的内容会丢失。", self._switch_clerk, "不保存，换人")

    def _switch_clerk(self) -> None:
        from screens.signin import SignInScreen

        clerk = self.clerk
        if clerk and self.write(lambda: self.store.record_event("sign_out", clerk), what="退出登录") is None:
            return
        self.clerk = None
        self.switch_screen(SignInScreen())

    # -- scans: one route (screens/scanning.py reads the keys, deskapp/scan_route.py the line) --
    async def on_event(self, event: events.Event) -> None:
        """Typed input goes through the key gate (each key to a settled screen, in order), then the
        scan reader (a scanned line goes to :meth:`take_scan` whatever holds the focus), then Textual."""
        if isinstance(event, events.MouseDown):
            self.scan_reader.edited()
        if not KeyGate.applies(event):
            await super().on_event(event)
            return
        if self.key_gate.hold(event):
            return  # handed on later, in order, when the screen has settled
        try:
            if isinstance(event, events.Key):
                if not self.screen_stack:
                    return  # the desk is closing: keys still queued have nowhere to go
                if await self.scan_reader.feed(event):
                    return
                if self.key_gate.set_aside(event):
                    return  # the rest of a burst at a confirmation dialog: not its answer (the dialog says so)
            else:
                if self.scan_reader.burst.interrupt(event):
                    return  # keys held as a possible scan go first; the paste follows them
                if self.key_gate.set_aside(event):
                    return
                self.scan_reader.edited()  # a paste is typing by hand, not a scan
            await super().on_event(paste_for(event, self.focused))
        finally:
            self.key_gate.handled()

    async def deliver_key(self, event: events.Key) -> None:
        """A key the scan reader held back, delivered as Textual would have."""
        await super().on_event(event)

    async def on_scan_screen_ready(self) -> None:
        """A screen that takes scans is up: hand it the scans typed while it was being built."""
        await self.scan_reader.flush()

    def take_scan(self, text: str) -> None:
        """The one scan handler: read ``text`` (a line without its terminator), say what it is,
        open its pack. Refused slip codes are recorded in the journal, every line in the scan log.

        Where no pack may open (a dialog is open, nobody is signed in) the line is not read: the
        dialog stays as it was, the clerk is told to finish it first, and the line is logged."""
        from deskapp.scan_route import not_taken, quoted, read_line
        from screens.scanning import ScanScreen

        if any(handler(text) for handler in list(self.scan_handlers)):
            return
        screen = self.screen
        why = self.scan_refusal(screen)
        if why:
            self.scans.append(not_taken(text, why))
            self._log_scan(self.scans[-1])
            self.notify(f"{why}本次扫码未打开：{quoted(text)}", title="扫码未处理", severity="warning")
            return
        verdict = self.write(lambda: read_line(self.desk, text, self.clerk or ""), what="扫码记录")
        if verdict is None:
            return  # a refusal could not be recorded: told why, nothing opened
        self.scans.append(verdict)
        if verdict.outcome != "nothing":
            self._log_scan(verdict)
        in_form = getattr(screen, "SCAN_IS_NOT_DATA", False)
        if verdict.kind == "payload":
            title = "回执真实" if verdict.pack_id is not None else "回执核验未通过"
            self.notify(verdict.message, title=title, severity=verdict.severity, timeout=8 if verdict.pack_id else 20)
        elif isinstance(screen, ScanScreen):
            screen.show_scan(verdict)
        elif verdict.outcome == "several":
            self.notify(f"“{quoted(text)}”对应 {verdict.matches} 件，没有打开：请回主界面查找。", severity="warning")
        elif verdict.outcome not in ("opened", "nothing"):
            self.notify(verdict.message, severity=verdict.severity)
        if in_form:
            self.notify(
                "扫码没有填入登记表。" + ("按 Esc 回到登记表继续填写。" if verdict.pack_id is not None else ""),
                title="登记表未保存",
                severity="warning",
            )
        if verdict.recorded:
            self.data_changed()
        if verdict.pack_id is not None:
            self.open_pack(verdict.pack_id)

    def scan_refusal(self, screen: object) -> str:
        """Why a scan may not open a pack on ``screen`` now ("" when it may)."""
        from textual.screen import ModalScreen

        if self.clerk is None:
            return "请先登录，再扫码。"
        if isinstance(screen, ModalScreen):
            return "请先处理当前对话框（选一项或按 Esc），再扫码。"
        return ""

    def _log_scan(self, verdict: ScanVerdict) -> None:
        """Append ``verdict`` to the scan log; a log that cannot be written is told once."""
        from deskapp.scan_route import log_scan

        problem = log_scan(self.desk.locations.scan_log, verdict, self.clerk or "", self.store.clock())
        if problem and not self._scan_log_failed:
            self.notify(problem + "。扫码照常进行，请联系管理员。", title="扫码记录", severity="warning", timeout=15)
        self._scan_log_failed = bool(problem)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """In a browser session the text cursor does not blink: each blink is a screen update sent to
        the browser twice a second, for every open session, at the host's cost."""
        if self.is_web and isinstance(event.widget, (Input, TextArea)):
            event.widget.cursor_blink = False

    def action_where(self) -> None:
        """Say which data folder this desk writes, and why that one (``deskapp where`` on the screen)."""
        locations = self.desk.locations
        self.notify(f"{locations.data}\n来源：{locations.source_label}", title="数据文件夹", timeout=15)

    def offer_file(self, path: Path | None) -> None:
        """In a browser session, offer a file just written on the host (export, slip, notice) as a
        download to the clerk's own PC too (Textual's ``deliver_binary``); a terminal desk does nothing."""
        if path is None or not self.is_web:
            return
        try:
            self.deliver_binary(path, save_filename=path.name)
        except OSError as exc:
            self.notify(f"文件已保存在主机上（{path}），但没能发送到本机浏览器：{exc}", severity="warning", timeout=20)

    # -- packs -----------------------------------------------------------------------------
    def open_pack(self, pack_id: int) -> None:
        """Open a pack: from a pack screen it replaces that one (Esc goes back where the clerk
        came from, never through a stack of packs); the pack already open opens nothing new."""
        from screens.pack import PackScreen

        screen = self.screen
        if isinstance(screen, PackScreen):
            if screen.pack_id == pack_id:
                self.notify(f"{screen.pack.receipt_no} 已经打开，就是这一件。", timeout=4)
                return
            self.switch_screen(PackScreen(pack_id))
            return
        if getattr(screen, "REPLACED_BY_PACK", False):  # the saved screen: Esc goes back to the list
            self.switch_screen(PackScreen(pack_id))
            return
        self.push_screen(PackScreen(pack_id))

    # -- the supervisor's desk (screens/dashboard.py, screens/exporting.py) -----------------
    def action_export_annex2(self) -> None:
        """One key from any screen: the 附件2 workbook, written in a worker, with progress."""
        from screens.exporting import start_export

        start_export(self, "annex2")

    def action_dashboard(self) -> None:
        """总览: the supervisor's view of every pack (once; not stacked on itself)."""
        from screens.dashboard import DashboardScreen

        if not isinstance(self.screen, DashboardScreen):
            self.push_screen(DashboardScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The export and the dashboard need a clerk signed in; every other action is always allowed."""
        if action in ("export_annex2", "dashboard"):
            return self.clerk is not None  # signed in first
        return True

    # -- other desks -----------------------------------------------------------------------
    def poll_store(self) -> None:
        """Take in what other desks wrote (cheap: one stat of the journal) and redraw if any."""
        try:
            self.store.refresh()
        except JournalError as exc:
            if not self._poll_failed:
                self._poll_failed = True
                self.notify(f"读取其他受理台的记录失败：{exc}", title="请联系管理员", severity="error", timeout=30)
            return
        self._poll_failed = False
        self.data_changed()

    def data_changed(self) -> None:
        """Tell every open screen that packs changed (own writes or other desks')."""
        if self.listing.version == self._seen_version:
            return
        self._seen_version = self.listing.version
        for screen in self.screen_stack:
            if isinstance(screen, DeskScreen):
                screen.refresh_data()  # nothing on a screen not mounted or gone


def _warm_up_pinyin() -> None:
    from deskapp.pinyin import warm_up

    warm_up()


def run_app(data: str | os.PathLike[str] | None = None, *, require_pin: bool = False) -> int:
    """Open the desk on ``data`` and run the screen; a bad config or journal ends with exit 2.
    ``require_pin``: every staff member signs in with their own PIN (each session of ``deskapp serve``)."""
    try:
        desk = open_desk(data)
        from screens.keymap import keymap_problems

        problems = keymap_problems(desk.config.keys, DeskApp)
        if problems:
            raise ConfigError(problems, str(desk.locations.config))
    except (ConfigError, JournalError) as exc:
        print(f"受理台无法启动：{exc}", file=sys.stderr)
        print("请改正上面所说的问题后重新启动；数据文件夹中的记录没有被改动。", file=sys.stderr)
        return 2
    app = DeskApp(desk, daily_backup=True, require_pin=require_pin)
    try:
        app.run()
    finally:
        try:
            desk.store.close()  # a snapshot for a quick next start, when many entries came since the last
        except (JournalError, OSError) as exc:
            print(f"退出时未能保存快照（不影响记录，下次启动会稍慢）：{exc}", file=sys.stderr)
    return int(app.return_code or 0)
