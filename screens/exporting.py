"""Exports from the screen: a thread worker writes the file, a progress bar shows how far it got.

The worker never touches widgets: progress and the result come back through
``app.call_from_thread``. The clerk can keep working; the desk then says where the file went.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar, Protocol

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Footer, Label, ProgressBar, Static

from deskapp.exports.common import ExportError, ExportResult, Progress
from deskapp.store import DeskStore
from screens.base import DeskModal, screen_alive, when_alive

if TYPE_CHECKING:
    from deskapp.app import DeskApp

KINDS: dict[str, str] = {
    "annex2": "附件2 汇总表（Excel）",
    "annex2_docx": "附件2 汇总表（Word）",
    "register": "受理台账（Excel）",
}
"""Export kind -> what the clerk is told is being written."""


class Writer(Protocol):
    """What every export writer of ``deskapp.exports`` takes and returns."""

    def __call__(self, store: DeskStore, *, progress: Progress | None = None) -> ExportResult: ...


class ExportProgress(Widget):
    """A small bar at the bottom of the screen while an export runs."""

    DEFAULT_CSS = """
    ExportProgress {
        dock: bottom;
        layer: overlay;
        height: 3;
        width: 60;
        offset-x: 2;
        padding: 0 1;
        background: $panel;
        border: round $accent;
    }
    ExportProgress > Label { width: auto; margin-right: 1; }
    ExportProgress > ProgressBar { width: 1fr; }
    """

    def __init__(self, title: str) -> None:
        super().__init__(id="export-progress")
        self.title = title

    def compose(self) -> ComposeResult:
        yield Label(f"正在导出{self.title}")
        yield ProgressBar(total=None, show_eta=False)

    @when_alive  # the screen under the bar may have been replaced meanwhile (a scan opens a pack)
    def step(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)


ANNEX2_KINDS = ("annex2", "annex2_docx")


class ConfirmExport(DeskModal[bool]):
    """Before a 附件2 export: which rows lack 附件2 content, which late packs are left out.
    Enter exports all the same (the table is still wanted for the meeting), Esc goes back."""

    DEFAULT_CSS = """
    ConfirmExport { align: center middle; }
    ConfirmExport > Vertical {
        width: 90; height: auto; max-height: 80%;
        padding: 1 2; background: $panel; border: thick $warning;
    }
    ConfirmExport #confirm-lines { height: auto; max-height: 20; overflow-y: auto; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "go", "仍然导出", id="export.confirm", priority=True),
        Binding("escape", "back", "取消", id="export.cancel"),
    ]

    def __init__(self, title: str, lines: list[str]) -> None:
        super().__init__()
        self.title_text = title
        self.lines = lines

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(f"导出{self.title_text}之前请注意：", classes="confirm-head")
            yield Static("\n".join(f"· {line}" for line in self.lines), id="confirm-lines")
            yield Static(
                "Enter 仍然导出（缺的栏目留空，在“申报情况”表中列明）；Esc 取消，先补齐附件2内容（F5 → 9 或 F9 读取电子版）"
            )
        yield Footer()

    def action_go(self) -> None:
        self.dismiss(True)

    def action_back(self) -> None:
        self.dismiss(False)


def export_warnings(app: DeskApp, kind: str) -> list[str]:
    """What the clerk should know before a 附件2 export (empty for the other exports)."""
    if kind not in ANNEX2_KINDS:
        return []
    from deskapp.exports.annex2 import plan_annex2

    return plan_annex2(app.desk.store).warnings()


def _writer(kind: str) -> Writer:
    """The writer of ``kind``, imported when first used (openpyxl and python-docx load slowly)."""
    if kind == "annex2":
        from deskapp.exports.annex2 import write_annex2

        return write_annex2
    if kind == "annex2_docx":
        from deskapp.exports.docx import write_annex2_docx

        return write_annex2_docx
    from deskapp.exports.register import write_register

    return write_register


def start_export(app: DeskApp, kind: str = "annex2") -> None:
    """Write an export in a thread worker, with a progress bar on the current screen.

    A 附件2 export first says which rows lack 附件2 content and which late packs are left out
    (:class:`ConfirmExport`); the clerk exports all the same with Enter.
    """
    title = KINDS[kind]
    if app.screen.query("#export-progress"):
        app.notify("上一次导出还在进行，请稍候。", timeout=4)
        return
    if kind not in ANNEX2_KINDS:
        _run_export(app, kind)
        return

    def decide(lines: list[str]) -> None:
        if lines:
            app.push_screen(ConfirmExport(title, lines), lambda go: _run_export(app, kind) if go else None)
        else:
            _run_export(app, kind)

    def check() -> None:  # thread: 10,000 packs take longer than a keystroke may
        try:
            lines = export_warnings(app, kind)
        except Exception as exc:  # noqa: BLE001 - a thread worker's boundary: the check must never stop the export
            lines = [f"导出前的检查出错（{exc!r}），仍可导出"]
        app.call_from_thread(decide, lines)

    app.run_worker(check, thread=True, group="export", name=f"check-{kind}")


def _run_export(app: DeskApp, kind: str) -> None:
    title = KINDS[kind]
    bar = ExportProgress(title)
    app.screen.mount(bar)
    store = app.desk.store

    def finish(result: ExportResult | None, error: str) -> None:
        if screen_alive(bar):
            bar.remove()
        if result is not None:
            app.notify(f"{title}{result.message()}", title="导出完成", timeout=20)
            app.last_export = result
            app.offer_file(result.path)  # a browser session downloads it too
        else:
            app.notify(error, title="导出失败", severity="error", timeout=20)

    def work() -> None:
        def progress(done: int, total: int) -> None:
            app.call_from_thread(bar.step, done, total)

        try:
            result = _writer(kind)(store, progress=progress)
        except ExportError as exc:
            app.call_from_thread(finish, None, f"{exc}")
            return
        except Exception as exc:  # noqa: BLE001 - a thread worker's boundary: a fault reaches the clerk, the desk runs on
            app.call_from_thread(finish, None, f"导出时出错：{exc!r}。请联系管理员；受理台可以继续使用。")
            return
        app.call_from_thread(finish, result, "")

    app.run_worker(work, thread=True, group="export", name=f"export-{kind}")
