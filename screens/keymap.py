"""Staff key remapping (``[keys]`` of desk.toml) checked against the bindings the desk really has.

:func:`keymap_problems` is run before the desk starts (``deskapp.app.run_app``): an id that no
binding carries, or a key a scan could contain (letters, digits, ``-``) bound on a screen with
a scan box, stops the desk with a message naming the key. Key names and id shapes are
checked in the core (``deskapp.config.key_problems``).

Every binding has its own id, so one ``[keys]`` line remaps one screen's key. Three ids were
once shared by several screens (``save``, ``cancel``, ``open``); an office's ``[keys]`` line
with one of them still remaps every key it named (:data:`SHARED_IDS`, :func:`desk_keymap`), and a
line with the screen's own id wins for that screen.
"""

from __future__ import annotations

import importlib
import inspect
import re
from typing import Any

from textual.app import App
from textual.binding import Binding

SCREEN_MODULES = (
    "screens.main",
    "screens.pack",
    "screens.register",
    "screens.signin",
    "screens.dialogs",
    "screens.pin",
    "screens.outcomes",
    "screens.dashboard",
    "screens.read_files",
    "screens.pick_files",
    "screens.widgets",
    "screens.checklist",
    "screens.exporting",
    "screens.slips",
)
SCANNED = ("MainScreen", "PackScreen", "SavedScreen")
"""Screens where a scan may arrive while their bindings are active (and the app's own, on every screen);
the saved screen's keys print a slip and issue a 补正, official acts no scan or fast typing may fire."""
_SCAN_CHAR = re.compile(r"(shift\+)?([a-z0-9]|minus)")

SHARED_IDS: dict[str, tuple[str, ...]] = {
    "save": ("form.save", "staff.save"),
    "cancel": ("kind.cancel", "form.cancel", "dup.cancel", "pin.cancel", "supervisor.cancel"),
    "open": ("scan.open", "list.open"),
}
"""Ids several screens shared until each binding got its own (issue 14) -> the ids they named then.
``save = "f10"`` in an office's ``[keys]`` still moves the registration form's and the staff list's
save to F10, as it always did; ``"form.save" = "f10"`` moves the form's only."""


def binding_ids(app_class: type[App[Any]]) -> dict[str, set[str]]:
    """Binding id -> names of the classes (screens, dialogs, widgets, and ``app_class``) that carry it.

    ``app_class`` is the desk's app (:class:`deskapp.app.DeskApp`), handed in: the screens never
    import the app shell.
    """
    found: dict[str, set[str]] = {}
    classes: list[type] = [app_class]
    for name in SCREEN_MODULES:
        module = importlib.import_module(name)
        classes += [c for _, c in inspect.getmembers(module, inspect.isclass) if c.__module__ == module.__name__]
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", ()):
            if isinstance(binding, Binding) and binding.id:
                found.setdefault(binding.id, set()).add(cls.__name__)
    return found


def desk_keymap(keys: dict[str, str]) -> dict[str, str]:
    """The keymap the app sets (``App.set_keymap``) for the office's ``[keys]``: binding id -> keys.

    An old shared id (:data:`SHARED_IDS`) stands for every id it named; a screen's own id given
    too wins for that screen. ``{"save": "f10", "staff.save": "f11"}`` ->
    ``{"form.save": "f10", "staff.save": "f11"}``.
    """
    keymap: dict[str, str] = {}
    for shared, ids in SHARED_IDS.items():
        if shared in keys:
            keymap.update(dict.fromkeys(ids, keys[shared]))
    keymap.update({binding_id: value for binding_id, value in keys.items() if binding_id not in SHARED_IDS})
    return keymap


def keymap_problems(keys: dict[str, str], app_class: type[App[Any]]) -> list[str]:
    """Problems of a ``[keys]`` table against the desk's bindings (:func:`binding_ids`), in Chinese,
    naming each key: an id no binding has, or a key a scan could type on a screen with a scan box."""
    ids = binding_ids(app_class)
    scanned = {*SCANNED, app_class.__name__}
    problems = []
    for binding_id, value in keys.items():
        named = SHARED_IDS.get(binding_id, (binding_id,))
        if not any(i in ids for i in named):
            problems.append(f"keys.{binding_id} 不是受理台的按键编号（可用：{'、'.join(sorted(ids))}）")
            continue
        owners = set().union(*(ids.get(i, set()) for i in named))
        if owners & scanned:
            problems.extend(
                f"keys.{binding_id} = {key.strip()!r}：此画面有扫码框，不能用字母、数字或 - 作按键"
                "（扫描收件编号时会被当作按键）。请用 F1–F12 或 ctrl+字母。"
                for key in value.split(",")
                if _SCAN_CHAR.fullmatch(key.strip().lower())
            )
    return problems
