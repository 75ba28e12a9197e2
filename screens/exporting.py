"""Exports from the screen: a thread worker writes the file, a progress bar shows how far it got.

The worker never touches widgets: progress and the result come back through
``app.call_from_thread``. The clerk can keep working; the desk then says where the file went.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App, ComposeResult
from textual.widget import Widget
from textual.widgets import Label, ProgressBar

from deskapp.exports.common import ExportError, ExportResult

KINDS: dict[str, tuple[str, str]] = {
    "annex2": ("附件2 汇总表（Excel）", "deskapp.exports.annex2:write_annex2"),
    "annex2_docx": ("附件2 汇总表（Word）", "deskapp.exports.docx:write_annex2_docx"),
    "register": ("受理台账（Excel）", "deskapp.exports.register:write_register"),
}


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

    def step(self, done: int, total: int) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1), progress=done)


def _writer(kind: str) -> Callable[..., ExportResult]:
    import importlib

    module, name = KINDS[kind][1].split(":")
    return getattr(importlib.import_module(module), name)  # type: ignore[no-any-return]


def start_export(app: App[Any], kind: str = "annex2") -> None:
    """Write an export in a thread worker, with a progress bar on the current screen."""
    title, _ = KINDS[kind]
    if app.screen.query("#export-progress"):
        app.notify("上一次导出还在进行，请稍候。", timeout=4)
        return
    bar = ExportProgress(title)
    app.screen.mount(bar)
    store = app.desk.store  # type: ignore[attr-defined]

    def finish(result: ExportResult | None, error: str) -> None:
        bar.remove()
        if result is not None:
            app.notify(f"{title}{result.message()}", title="导出完成", timeout=20)
            app.last_export = result
            app.offer_file(result.path)  # type: ignore[attr-defined]  # a browser session downloads it too
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
        except Exception as exc:  # an unexpected fault must reach the clerk, not kill the desk
            app.call_from_thread(finish, None, f"导出时出错：{exc!r}。请联系管理员；受理台可以继续使用。")
            return
        app.call_from_thread(finish, result, "")

    app.run_worker(work, thread=True, group="export", name=f"export-{kind}")
