"""Staff key remapping (``[keys]`` of desk.toml) checked against the bindings the desk really has.

:func:`keymap_problems` is run before the desk starts (``deskapp.app.run_app``): an id that no
binding carries, or a key a scan could contain (letters, digits, ``-``) bound on a screen with
a scan box, stops the desk with a message naming the key. Key names and id shapes are
checked in the core (``deskapp.config.key_problems``).
"""

from __future__ import annotations

import importlib
import inspect
import re

from textual.binding import Binding

SCREEN_MODULES = (
    "screens.main",
    "screens.pack",
    "screens.register",
    "screens.signin",
    "screens.dialogs",
    "screens.outcomes",
    "screens.dashboard",
    "screens.read_files",
    "screens.widgets",
    "screens.exporting",
    "screens.slips",
)
SCANNED = ("MainScreen", "PackScreen", "SavedScreen", "DeskApp")
"""Where a scan may arrive while these bindings are active (the app's own apply on every screen);
the saved screen's keys print a slip and issue a 补正, official acts no scan or fast typing may fire."""
_SCAN_CHAR = re.compile(r"(shift\+)?([a-z0-9]|minus)")


def binding_ids() -> dict[str, set[str]]:
    """Binding id -> names of the classes (screens, widgets, the app) that carry it."""
    from deskapp.app import DeskApp

    found: dict[str, set[str]] = {}
    classes: list[type] = [DeskApp]
    for name in SCREEN_MODULES:
        module = importlib.import_module(name)
        classes += [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, set()).add(cls.__name__)
    return found


def keymap_problems(keys: dict[str, str]) -> list[str]:
    """Problems of a ``[keys]`` table against the desk's bindings, in Chinese, naming each key."""
    ids = binding_ids()
    problems = []
    for binding_id, value in keys.items():
        owners = ids.get(binding_id)
        if owners is None:
            problems.append(f"keys.{binding_id} 不是受理台的按键编号（可用：{'、'.join(sorted(ids))}）")
            continue
        if owners & set(SCANNED):
            for key in value.split(","):
                if _SCAN_CHAR.fullmatch(key.strip().lower()):
                    problems.append(
                        f"keys.{binding_id} = {key.strip()!r}：此画面有扫码框，不能用字母、数字或 - 作按键"
                        "（扫描收件编号时会被当作按键）。请用 F1–F12 或 ctrl+字母。"
                    )
    return problems
