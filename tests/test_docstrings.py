"""Every public function and class of the core has a docstring (issue 14, point 7).

Public: a name not starting with ``_``, in a module whose name does not start with ``_``; methods of
public classes count (dunders do not). Read with :mod:`ast`, nothing imported. The check covers the
modules in :data:`DONE`: the whole of ``deskapp/`` (a folder stands for every module in it, new ones
included).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

DONE = ("deskapp/",)
"""Modules (or folders of modules) whose public API is documented, relative to the checkout."""


def modules(entries: tuple[str, ...] = DONE) -> list[Path]:
    """The public modules the entries name (a folder: its ``*.py``, recursively), sorted."""
    found: set[Path] = set()
    for entry in entries:
        path = ROOT / entry
        candidates = sorted(path.rglob("*.py")) if entry.endswith("/") else [path]
        found.update(p for p in candidates if not any(part.startswith("_") for part in p.relative_to(ROOT).parts))
    return sorted(found)


def undocumented(source: str) -> Iterator[str]:
    """Qualified names (``Class.method``) of the public functions and classes in ``source`` without a
    docstring."""

    def walk(body: list[ast.stmt], prefix: str) -> Iterator[str]:
        for node in body:
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                continue
            if node.name.startswith("_"):
                continue
            if ast.get_docstring(node) is None:
                yield prefix + node.name
            if isinstance(node, ast.ClassDef):
                yield from walk(node.body, f"{prefix}{node.name}.")

    yield from walk(ast.parse(source).body, "")


def test_every_listed_entry_exists() -> None:
    # A module renamed or moved must not drop out of the check without anyone noticing.
    assert [e for e in DONE if not (ROOT / e).exists()] == []
    assert len(modules()) >= len(DONE)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(ROOT)))
def test_public_api_has_docstrings(path: Path) -> None:
    missing = list(undocumented(path.read_text(encoding="utf-8")))
    assert missing == [], f"{path.relative_to(ROOT)}: no docstring for {', '.join(missing)}"


def test_the_check_sees_what_is_missing() -> None:
    source = '''
def documented():
    """Yes."""

def bare():
    pass

async def bare_async():
    pass

def _private():
    pass

class Shown:
    """Yes."""

    def method(self):
        pass

    @property
    def value(self):
        pass

    def __repr__(self):
        pass

    def _helper(self):
        pass

class _Hidden:
    def method(self):
        pass
'''
    assert list(undocumented(source)) == ["bare", "bare_async", "Shown.method", "Shown.value"]
