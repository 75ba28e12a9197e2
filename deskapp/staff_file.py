"""The office's staff list in its ``desk.toml``: written in place, and every change recorded.

:func:`save_staff` edits the file keeping the office's comments, order and layout
(:func:`edit_office_toml`); :func:`change_staff` is the supervisor's act (file, reload, journal
entry ``staff`` with :func:`staff_changes` as its data).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from deskapp.config import ConfigError, StaffMember
from deskapp.journal import write_atomic
from deskapp.locations import Locations

if TYPE_CHECKING:  # tomlkit loads only when the office's settings are written (the CLI starts fast)
    from tomlkit import TOMLDocument
    from tomlkit.items import Table

    from deskapp.service import Desk


def edit_office_toml(locations: Locations, change: Callable[[TOMLDocument], None]) -> None:
    """Edit the office's ``desk.toml`` in place: its comments, order and layout stay as the office
    wrote them; only what ``change`` does to the parsed document differs. Written atomically.

    Raises :class:`ConfigError` (in Chinese) when the file cannot be read or is not valid TOML,
    ``OSError`` when it cannot be written.
    """
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    path = locations.config
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        document = tomlkit.parse(text)
    except UnicodeDecodeError as exc:
        raise ConfigError(["文件不是 UTF-8 编码，请另存为 UTF-8"], str(path)) from exc
    except TOMLKitError as exc:
        raise ConfigError([f"不是有效的 TOML 格式：{exc}"], str(path)) from exc
    change(document)
    write_atomic(path, tomlkit.dumps(document).encode("utf-8"))  # temp + fsync + replace


def save_staff(locations: Locations, staff: Sequence[StaffMember], renamed: Mapping[str, str] | None = None) -> None:
    """Write the staff list into the office's ``desk.toml`` in place (:func:`edit_office_toml`).

    ``renamed``: new name -> the name it had, so a renamed person keeps their ``[[staff]]``
    table and the comments in it. People kept keep theirs; the comment lines after the last
    one (they belong to what follows the list) stay after the list.
    """
    import tomlkit
    from tomlkit.items import AoT, Whitespace

    earlier = dict(renamed or {})

    def change(document: TOMLDocument) -> None:
        old = document.get("staff")
        tables: dict[str, Table] = {}
        trailing: list[Any] = []
        if isinstance(old, AoT) and len(old):
            tables = {str(t.get("name", "")): t for t in old}
            body = old[-1].value.body
            keep = len(body)
            while keep and body[keep - 1][0] is None:  # comments and blank lines after the last key
                keep -= 1
            trailing = [item for _, item in body[keep:]]
            del body[keep:]
        listed = tomlkit.aot()  # puts one blank line between its tables
        for person in staff:
            table = tables.pop(earlier.get(person.name, person.name), None) or tomlkit.table()
            body = table.value.body
            while body and body[-1][0] is None and isinstance(body[-1][1], Whitespace):
                body.pop()  # its blank lines: the list puts its own
            table["name"] = person.name
            table["role"] = person.role
            if person.pin_hash:
                table["pin_hash"] = person.pin_hash
            elif "pin_hash" in table:
                del table["pin_hash"]
            listed.append(table)
        if staff and trailing:
            for item in trailing:
                listed[-1].add(item)
        if "staff" in document and not isinstance(old, AoT):
            del document["staff"]  # an inline array: the tables go at the end, never among top-level keys
        if staff:
            document["staff"] = listed
        elif "staff" in document:
            del document["staff"]

    edit_office_toml(locations, change)


def staff_changes(
    before: Sequence[StaffMember], after: Sequence[StaffMember], renamed: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """What a staff list edit changed, as the journal records it (empty when nothing).

    Keys present only when not empty: ``added`` / ``removed`` (names), ``renamed`` ([old, new]
    pairs), ``roles`` (name -> new role), ``pin`` (names whose PIN was set anew).
    ``renamed``: new name -> old name, as for :func:`save_staff`.
    """
    renamed = {new: old for new, old in (renamed or {}).items() if new != old}
    old_by_name = {s.name: s for s in before}
    new_names = {s.name for s in after}
    changes: dict[str, Any] = {
        "added": [s.name for s in after if renamed.get(s.name, s.name) not in old_by_name],
        "removed": [s.name for s in before if s.name not in new_names and s.name not in renamed.values()],
        "renamed": [[renamed[s.name], s.name] for s in after if s.name in renamed and renamed[s.name] in old_by_name],
        "roles": {},
        "pin": [],
    }
    for person in after:
        was = old_by_name.get(renamed.get(person.name, person.name))
        if was is None:
            continue
        if was.role != person.role:
            changes["roles"][person.name] = person.role
        if person.pin_hash and was.pin_hash != person.pin_hash:
            changes["pin"].append(person.name)
    return {k: v for k, v in changes.items() if v}


def change_staff(
    desk: Desk, staff: Sequence[StaffMember], by: str, reason: str = "", renamed: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Save a corrected staff list and record the change in the journal (action ``staff``).

    The entry carries who did it (``by``: the supervisor who gave their PIN), why (``reason``)
    and :func:`staff_changes` as its data. Returns that data (empty: nothing changed, nothing
    written). Raises ``ConfigError`` / ``OSError`` (file) or ``JournalError`` (record).
    """
    changes = staff_changes(desk.config.staff, staff, renamed)
    if not changes:
        return changes
    save_staff(desk.locations, staff, renamed)
    desk.reload_config()
    desk.store.record_event("staff", by, data=changes, reason=reason)
    return changes
