"""Opening the desk: locations, config and store in one place, for the CLI and the app."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from deskapp.config import Config, StaffMember, load_config, read_toml
from deskapp.journal import write_atomic
from deskapp.locations import Locations
from deskapp.models import Pack
from deskapp.store import DeskStore
from deskapp.timeutil import Clock, system_clock


@dataclass
class Desk:
    locations: Locations
    config: Config
    store: DeskStore

    def reload_config(self) -> Config:
        self.config = load_config(self.locations.default_config, self.locations.config)
        self.store.config = self.config
        return self.config


def open_desk(data: str | os.PathLike[str] | None = None, clock: Clock = system_clock) -> Desk:
    """Resolve the data folder, load and validate config, open the store (raises ConfigError)."""
    locations = Locations.resolve(data).ensure()
    config = load_config(locations.default_config, locations.config)
    return Desk(locations, config, DeskStore(locations, config, clock))


def save_staff(locations: Locations, staff: list[StaffMember]) -> None:
    """Write the staff list into the office's ``desk.toml``, keeping its other settings."""
    raw: dict[str, Any] = read_toml(locations.config)
    raw["staff"] = [
        {k: v for k, v in {"name": s.name, "role": s.role, "pin_hash": s.pin_hash}.items() if v} for s in staff
    ]
    atomic_write(locations.config, tomli_w.dumps(raw).encode("utf-8"))


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new one, never half."""
    write_atomic(path, data)  # temp + fsync + replace, retried while Windows holds the file


def pack_json(desk: Desk, pack: Pack, history: bool = False) -> dict[str, Any]:
    """A pack as the CLI prints it (documented in the README)."""
    verdict = desk.store.assess(pack)
    doc = pack.to_doc()
    doc.pop("py", None)
    doc["id"] = pack.id
    doc["kind_label"] = pack.kind_label
    doc["status_label"] = pack.status_label
    doc["complete"] = verdict.complete
    doc["missing"] = list(verdict.missing)
    doc["flags"] = [{"code": f.code, "severity": f.severity, "text": f.text} for f in verdict.flags]
    doc["summary"] = verdict.summary()
    if history:
        doc["history"] = [
            {"seq": h.seq, "at": h.at, "actor": h.actor, "action": h.action, "changes": h.changes, "reason": h.reason, "data": h.data}
            for h in desk.store.history(pack.id)
        ]
    return doc
