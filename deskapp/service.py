"""Opening the desk: locations, config and store in one place, for the CLI and the app.

The office's staff file is :mod:`deskapp.staff_file`; the CLI's JSON of a pack is
:mod:`deskapp.pack_json`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from deskapp.config import Config, load_config
from deskapp.journal import write_atomic
from deskapp.locations import Locations

# Importable from here as before (the tests import them here): the staff file's functions.
from deskapp.staff_file import change_staff, save_staff, staff_changes
from deskapp.store import DeskStore
from deskapp.timeutil import Clock, system_clock


@dataclass
class Desk:
    """An open desk: where its data is, its validated settings, and its store (one per process)."""

    locations: Locations
    config: Config
    store: DeskStore

    def reload_config(self) -> Config:
        """Read ``desk.toml`` (shipped, then the office's) again and hand it to the store; raises ConfigError."""
        self.config = load_config(self.locations.default_config, self.locations.config)
        self.store.config = self.config
        return self.config


def open_desk(data: str | os.PathLike[str] | None = None, clock: Clock = system_clock) -> Desk:
    """Resolve the data folder, load and validate config, open the store (raises ConfigError)."""
    locations = Locations.resolve(data).ensure()
    config = load_config(locations.default_config, locations.config)
    return Desk(locations, config, DeskStore(locations, config, clock))


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so that a crash leaves either the old or the new one, never half."""
    write_atomic(path, data)  # temp + fsync + replace, retried while Windows holds the file


__all__ = ["Desk", "atomic_write", "change_staff", "open_desk", "save_staff", "staff_changes"]
