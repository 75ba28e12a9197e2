"""Every location the desk uses, resolved in one place.

The data folder comes from ``--data DIR`` first, then the ``DESK_DATA``
environment variable, then the default ``data/`` folder next to the
project (or the current directory when the desk is installed as a wheel).
Folders are created on demand.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

ENV_DATA = "DESK_DATA"
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def templates_dir() -> Path:
    """The shipped templates: the installed copy inside the package, else the checkout's ``templates/``.

    A wheel carries them as ``deskapp/templates`` (see ``pyproject.toml``); a git checkout or an
    editable install has them at the top level.
    """
    installed = Path(str(resources.files("deskapp"))) / "templates"
    if (installed / "desk.toml").is_file():
        return installed
    return PROJECT_ROOT / "templates"


def default_data_dir() -> Path:
    if (PROJECT_ROOT / "pyproject.toml").is_file():
        return PROJECT_ROOT / "data"
    return Path.cwd() / "data"


@dataclass(frozen=True)
class Locations:
    """Paths under one data folder."""

    data: Path

    @classmethod
    def resolve(cls, data: str | os.PathLike[str] | None = None) -> "Locations":
        chosen = data or os.environ.get(ENV_DATA) or default_data_dir()
        return cls(Path(chosen).expanduser().resolve())

    def _dir(self, *parts: str) -> Path:
        path = self.data.joinpath(*parts)
        path.mkdir(parents=True, exist_ok=True)
        return path

    def ensure(self) -> "Locations":
        self.data.mkdir(parents=True, exist_ok=True)
        return self

    @property
    def journal(self) -> Path:
        """The append-only, hash-chained journal: the store's source of truth."""
        return self.data / "journal.jsonl"

    @property
    def snapshot(self) -> Path:
        """The journal's state up to a recorded entry, so a start replays only the tail (a cache)."""
        return self.data / "journal.snapshot"

    @property
    def lock(self) -> Path:
        return self.data / "journal.lock"

    @property
    def config(self) -> Path:
        """The office's own settings (staff list, overrides of the shipped round)."""
        return self.data / "desk.toml"

    @property
    def scan_log(self) -> Path:
        """Every line read on the desk's scan route, one JSON line each (``logs/scans.jsonl``)."""
        return self.data / "logs" / "scans.jsonl"

    @property
    def secret(self) -> Path:
        """The per-office secret behind receipt QR codes; never exported."""
        return self.data / "secret.key"

    @property
    def exports(self) -> Path:
        return self._dir("exports")

    @property
    def outbox(self) -> Path:
        """Slips that could not be printed wait here as PDF."""
        return self._dir("outbox")

    @property
    def backups(self) -> Path:
        return self._dir("backups")

    @property
    def templates(self) -> Path:
        return templates_dir()

    @property
    def default_config(self) -> Path:
        return self.templates / "desk.toml"
