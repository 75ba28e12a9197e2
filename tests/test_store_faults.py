"""Every write a screen makes handles the store's errors (issue 12, point 1).

- A source scan finds the whole kind: every call in ``screens/`` and ``deskapp/app.py`` that
  reaches the journal (a store write, or a core function that makes one, found by following
  calls through ``deskapp/``) must run inside ``app.write(...)`` or a ``try`` that handles
  ``StoreWriteError``/``JournalError``.
- Pilot tests inject real faults -- the journal lock held by another open file, a file size
  limit (a full disk, ``RLIMIT_FSIZE``) -- on each write path and see a Chinese message, the desk
  still running and the record as it was.
"""

from __future__ import annotations

import ast
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from deskapp.app import DeskApp
from deskapp.service import Desk
from screens.main import MainScreen
from screens.signin import SignInScreen
from tests.conftest import studio_fields
from tests.test_ui_register import file_size_limit

ROOT = Path(__file__).resolve().parent.parent
STORE_WRITES = {"register", "update", "record_event"}
GUARD_NAMES = ("StoreWriteError", "JournalError", "Exception")


def _called(node: ast.Call) -> str:
    func = node.func
    if isinstance(func, ast.Attribute):
        return func.attr
    if isinstance(func, ast.Name):
        return func.id
    return ""


def _is_store_write(node: ast.Call) -> bool:
    func = node.func
    return isinstance(func, ast.Attribute) and func.attr in STORE_WRITES and ast.unparse(func.value).endswith("store")


class _Writes(ast.NodeVisitor):
    """Calls of ``writers`` (or store writes) in a module, each with whether it is guarded."""

    def __init__(self, tree: ast.Module, writers: set[str]) -> None:
        self.writers = writers
        self.aliases = {  # module-level names bound to a tuple of exceptions (ERRORS = (...))
            t.id: ast.unparse(n.value)
            for n in tree.body
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        self.guarded = 0
        self.found: list[tuple[int, int, str, bool]] = []
        self.functions: dict[str, list[tuple[int, str, bool]]] = {}
        self._current: list[str] = []

    def _guards(self, handlers: list[ast.ExceptHandler]) -> bool:
        for handler in handlers:
            text = ast.unparse(handler.type) if handler.type is not None else "Exception"
            text = " ".join(
                self.aliases.get(part, part)
                for part in text.replace("(", " ").replace(")", " ").replace(",", " ").split()
            )
            if any(name in text for name in GUARD_NAMES):
                return True
        return False

    def visit_Try(self, node: ast.Try) -> None:
        guard = self._guards(node.handlers)
        self.guarded += guard
        for child in node.body:
            self.visit(child)
        self.guarded -= guard
        for child in [*node.handlers, *node.orelse, *node.finalbody]:
            self.visit(child)

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._current.append(node.name)
        saved, self.guarded = self.guarded, 0  # a nested function runs later, outside the try around its definition
        self.generic_visit(node)
        self.guarded = saved
        self._current.pop()

    visit_AsyncFunctionDef = visit_FunctionDef  # type: ignore[assignment]

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load) and node.id in self.writers:  # a writer handed on (a table of actions)
            for fn in self._current[:1]:
                self.functions.setdefault(fn, []).append((node.lineno, node.id, self.guarded > 0))

    def visit_Call(self, node: ast.Call) -> None:
        name = _called(node)
        if (
            name == "write"
            and isinstance(node.func, ast.Attribute)
            and ast.unparse(node.func.value).endswith(("app", "self"))
        ):
            self.guarded += 1
            self.generic_visit(node)
            self.guarded -= 1
            return
        if _is_store_write(node) or (
            (name in self.writers and not isinstance(node.func, ast.Attribute))
            or (
                isinstance(node.func, ast.Attribute)
                and name in self.writers
                and not ast.unparse(node.func.value).endswith(("self", "super()"))
            )
        ):
            item = (node.lineno, ast.unparse(node.func), self.guarded > 0)
            self.found.append((node.lineno, node.end_lineno or node.lineno, item[1], item[2]))
            for fn in self._current[:1]:
                self.functions.setdefault(fn, []).append(item)
        self.generic_visit(node)


def _modules(folder: str) -> Iterator[tuple[Path, ast.Module]]:
    for path in sorted((ROOT / folder).rglob("*.py")):
        yield path, ast.parse(path.read_text(encoding="utf-8"))


def core_writers() -> set[str]:
    """Names of the core's functions that reach the journal without handling its errors themselves."""
    trees = [(p, t) for p, t in _modules("deskapp") if p.name not in ("store.py", "journal.py", "app.py")]
    writers: set[str] = set()
    while True:
        grown = set(writers)
        for _, tree in trees:
            scan = _Writes(tree, writers)
            scan.visit(tree)
            for fn, calls in scan.functions.items():
                if (any(not guarded for _, _, guarded in calls) and not fn.startswith("_")) or any(
                    not guarded for _, _, guarded in calls
                ):
                    grown.add(fn)
        if grown == writers:
            return writers
        writers = grown


def _guard_named(tree: ast.Module, guard: str) -> bool:
    """``Class.method`` of this module runs what it is handed inside a try that handles the store's errors."""
    cls_name, _, method = guard.partition(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == cls_name:
            for fn in node.body:
                if isinstance(fn, ast.FunctionDef) and fn.name == method:
                    scan = _Writes(tree, set())
                    return any(isinstance(t, ast.Try) and scan._guards(t.handlers) for t in ast.walk(fn))
    return False


def test_core_writers_are_found() -> None:
    writers = core_writers()
    # the known ways in: outcomes, the refused scan, reading files, backups, checks
    for name in ("perform", "set_details", "read_scan", "apply", "make_backup"):
        assert name in writers, name


def test_every_screen_write_is_guarded() -> None:
    writers = core_writers()
    unguarded = []
    sources = [
        *_modules("screens"),
        (ROOT / "deskapp/app.py", ast.parse((ROOT / "deskapp/app.py").read_text(encoding="utf-8"))),
    ]
    seen = 0
    for path, tree in sources:
        scan = _Writes(tree, writers)
        scan.visit(tree)
        seen += len(scan.found)
        lines = path.read_text(encoding="utf-8").splitlines()
        for line, end, call, guarded in scan.found:
            # A callback handed to a dialog that runs it under its own guard says which, on a line of the call
            # (the formatter puts it after the closing bracket of a call it wraps), and the guard is checked.
            marker = " ".join(lines[line - 1 : end]).partition("# guarded-by: ")[2].split()
            if not guarded and not (marker and _guard_named(tree, marker[0])):
                unguarded.append(f"{path.relative_to(ROOT)}:{line} {call}")
    assert seen > 10  # the scan does find the writes
    assert unguarded == []


@contextmanager
def lock_held(desk: Desk) -> Iterator[None]:
    """Another desk holds the journal lock (a real ``flock`` on another open file); this desk waits 0.3 s, not 15."""
    desk.store.journal._lock.timeout = 0.3
    fd = os.open(desk.locations.lock, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def unsaved(app: DeskApp) -> list[str]:
    return [str(n.message) for n in app._notifications if "没有保存" in str(n.message)]


def journal_bytes(desk: Desk) -> bytes:
    path = desk.locations.journal
    return path.read_bytes() if path.exists() else b""


async def test_sign_in_and_out_with_the_lock_held_or_a_full_disk(desk: Desk) -> None:
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        before = journal_bytes(desk)
        with lock_held(desk):
            await pilot.press("enter")
            await pilot.pause()
        assert isinstance(app.screen, SignInScreen) and app.clerk is None and app.is_running
        assert any("登录没有保存" in m and "另一台受理台" in m for m in unsaved(app))
        assert journal_bytes(desk) == before
        await pilot.press("enter")  # the lock is free again: signing in works
        await pilot.pause()
        assert isinstance(app.screen, MainScreen) and app.clerk == "张三"
        size = len(journal_bytes(desk))
        with file_size_limit(size + 20):
            app.action_switch_clerk()
            await pilot.pause()
        assert app.clerk == "张三" and isinstance(app.screen, MainScreen)
        assert any("退出登录没有保存" in m and "磁盘已满" in m for m in unsaved(app))
        assert len(journal_bytes(desk)) == size


async def test_a_forged_scan_with_the_lock_held_is_told_not_a_traceback(desk: Desk) -> None:
    from deskapp.receipt_qr import signer_for
    from tests.ui_keys import type_text

    desk.store.register("studio", studio_fields(), "张三", pages=3)
    desk.store.register("studio", studio_fields(name="另一个工作室"), "张三", pages=3)
    forged = signer_for(desk.locations.secret).payload("ZD2026-GZS-0001").replace("GZS0001", "GZS0002")
    app = DeskApp(desk, clerk="李四")
    async with app.run_test(size=(120, 36)) as pilot:
        before = journal_bytes(desk)
        with lock_held(desk):
            await type_text(pilot, forged, enter=True)
            await pilot.pause(0.5)
        assert app.is_running and isinstance(app.screen, MainScreen)
        assert any("扫码记录没有保存" in m for m in unsaved(app))
        assert journal_bytes(desk) == before


async def test_the_refused_record_and_the_staff_edit_with_the_lock_held(desk: Desk) -> None:
    from tests.supervisor_helpers import PIN, SUPERVISOR, add_supervisor, complete_studio

    add_supervisor(desk)
    pack = complete_studio(desk)
    app = DeskApp(desk, clerk="张三")
    async with app.run_test(size=(120, 36)) as pilot:
        app.open_pack(pack.id)
        await pilot.pause()
        with lock_held(desk):
            await pilot.press("f5", "7")  # 作废: a clerk is refused, and the refusal cannot be recorded
            await pilot.pause(0.5)
        assert app.is_running and any("拒绝记录没有保存" in m for m in unsaved(app))
        assert [h.action for h in desk.store.history(pack.id)] == ["register"]
    app = DeskApp(desk)
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("f9")  # edit the staff list: supervisor's name and PIN
        await pilot.pause()
        from tests.ui_keys import type_text

        await type_text(pilot, SUPERVISOR, enter=True)
        await type_text(pilot, PIN)
        with lock_held(desk):
            await pilot.press("enter")
            await pilot.pause(0.5)
        assert app.is_running and isinstance(app.screen, SignInScreen)
        assert any("修改人员名单没有保存" in m for m in unsaved(app))


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_an_export_onto_a_full_disk_leaves_no_stray_traceback(desk: Desk, capfd) -> None:  # type: ignore[no-untyped-def]
    import gc

    from deskapp.exports.annex2 import write_annex2
    from deskapp.exports.common import ExportError

    for n in range(30):
        desk.store.register("studio", studio_fields(name=f"工作室{n}", notes="长" * 400), "张三")
    with file_size_limit(4000), pytest.raises(ExportError, match=r"磁盘已满|无法写入"):
        write_annex2(desk.store)
    gc.collect()
    err = capfd.readouterr().err
    assert "Exception ignored" not in err and "Errno" not in err
    assert not list(desk.locations.exports.glob("*.part")) and not list(desk.locations.exports.glob("*.xlsx"))
