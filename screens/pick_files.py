"""Choosing a unit's electronic copies: the USB stick found by itself, a folder tree, or paths typed.

F9 opens :class:`PickFilesScreen` from the registration form and from a pack
(:mod:`screens.read_files` reads what was picked and reviews it).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import DirectoryTree, Footer, Input, Static

from deskapp.readers.core import listed
from screens.base import DeskModal

CSS = Path(__file__).resolve().parent / "read_files.tcss"


def usb_folder() -> Path | None:
    """Where USB sticks appear on this machine: ``DESK_USB`` (e.g. ``E:\\`` or ``/media/desk``), /media, /mnt.

    When that folder holds just one stick (one folder and no readable file, down to three
    levels: ``/media/<user>/<stick>``), the stick itself, so no path needs typing.
    """
    root = _usb_root()
    return None if root is None else _only_stick(root)


def _usb_root() -> Path | None:
    for candidate in (os.environ.get("DESK_USB", ""), "/media", "/mnt"):
        if candidate and Path(candidate).is_dir():
            return Path(candidate)
    return None


def _only_stick(folder: Path) -> Path:
    for _ in range(3):
        try:
            entries = [p for p in folder.iterdir() if not p.name.startswith((".", "~$"))]
            folders = [p for p in entries if p.is_dir()]
            readable = [p for p in entries if p.is_file() and listed(p)]  # files by content, any suffix
        except OSError:
            break
        if len(folders) != 1 or readable:
            break
        folder = folders[0]
    return folder


def start_folder() -> Path:
    """Where the picker opens: the USB stick (:func:`usb_folder`), else the home folder."""
    usb = usb_folder()
    if usb is not None:
        return usb
    home = Path.home()
    return home if home.is_dir() else Path.cwd()


def from_usb(paths: Iterable[Path]) -> bool:
    """All ``paths`` lie in the USB folder (then the electronic copy's medium is a U盘)."""
    root = _usb_root()
    if root is None:
        return False
    try:
        base = root.resolve()
        return all(Path(p).resolve().is_relative_to(base) for p in paths)
    except OSError:
        return False


class ReadableTree(DirectoryTree):
    """Folders and every file (each is read by content); hidden, lock and system files left out."""

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        return [p for p in paths if listed(p)]


class PickFilesScreen(DeskModal[list[Path] | None]):
    """A typed path (file or folder; several separated by ;) or files chosen in the tree."""

    CSS_PATH = CSS
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "read", "读取所选", id="read.go", priority=True),
        Binding("ctrl+f", "folder", "读取整个文件夹", id="read.folder", priority=True),
        Binding("escape", "cancel", "取消", id="read.cancel"),
    ]

    def __init__(self, folder: Path | None = None) -> None:
        super().__init__()
        self.folder = folder or start_folder()
        self.chosen: list[Path] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="pick"):
            yield Static(
                f"读取电子版：Ctrl+F 读取下方目录中光标所在的整个文件夹（现在是 {self.folder}）；"
                "或输入文件/文件夹路径后按 Enter；或 Tab 到目录，Enter 选中文件，Ctrl+R 读取所选",
                classes="read-title",
            )
            yield Input(placeholder="如 /media/usb/附件1.docx；多个用 ; 分开；文件夹读取其中全部文件", id="pick-path")
            yield ReadableTree(self.folder, id="pick-tree")
            yield Static("尚未选择文件", id="pick-chosen")
        yield Footer()

    def _show_chosen(self) -> None:
        text = "已选：" + "、".join(p.name for p in self.chosen) if self.chosen else "尚未选择文件"
        self.query_one("#pick-chosen", Static).update(text)

    def _typed_paths(self) -> list[Path] | None:
        """The typed paths, or None (and a message) when one does not exist."""
        value = self.query_one("#pick-path", Input).value
        paths = [Path(part.strip().strip('"')).expanduser() for part in value.split(";") if part.strip()]
        missing = [str(p) for p in paths if not p.exists()]
        if missing:
            self.notify("找不到：" + "、".join(missing) + "。请检查路径。", severity="error", timeout=8)
            return None
        return paths

    @on(Input.Submitted, "#pick-path")
    def typed(self) -> None:
        self.action_read()

    @on(DirectoryTree.FileSelected)
    def picked(self, event: DirectoryTree.FileSelected) -> None:
        path = Path(event.path)
        if path in self.chosen:
            self.chosen.remove(path)
        else:
            self.chosen.append(path)
        self._show_chosen()

    def action_read(self) -> None:
        typed = self._typed_paths()
        if typed is None:
            return
        chosen = [*typed, *(p for p in self.chosen if p not in typed)]
        if chosen:
            self.dismiss(chosen)
        else:
            self.notify("请先输入路径，或在目录中选择文件。", severity="warning")

    def action_folder(self) -> None:
        tree = self.query_one("#pick-tree", DirectoryTree)
        node = tree.cursor_node
        path = Path(node.data.path) if node is not None and node.data is not None else Path(tree.path)
        self.dismiss([path if path.is_dir() else path.parent])

    def action_cancel(self) -> None:
        self.dismiss(None)
