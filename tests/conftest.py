"""Shared fixtures: a desk on a temporary data folder with a fixed Beijing clock."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from deskapp.config import StaffMember
from deskapp.service import Desk, open_desk, save_staff
from deskapp.timeutil import BEIJING

# A fixed moment before the 2026 deadline, in Beijing time; tests never read the real clock.
ON_TIME = datetime(2026, 6, 10, 9, 30, tzinfo=BEIJING)
LATE = datetime(2026, 6, 16, 8, 5, tzinfo=BEIJING)


class Ticker:
    """A clock that advances one minute per reading, from a fixed start."""

    def __init__(self, start: datetime = ON_TIME) -> None:
        self.now = start

    def __call__(self) -> datetime:
        from datetime import timedelta

        current = self.now
        self.now = current + timedelta(minutes=1)
        return current


@pytest.fixture(autouse=True)
def _no_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """A desk started without --data in a test uses a throwaway user data/config folder, never the real one."""
    home = tmp_path_factory.mktemp("user")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "share"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("DESK_DATA", raising=False)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def clock() -> Ticker:
    return Ticker()


@pytest.fixture
def desk(data_dir: Path, clock: Ticker) -> Desk:
    from deskapp.service import open_desk as _open

    d = _open(data_dir, clock=clock)
    save_staff(d.locations, [StaffMember("张三"), StaffMember("李四")])
    d.reload_config()
    return d


@pytest.fixture
def still_desk(data_dir: Path) -> Desk:
    """A desk whose clock never moves (for screenshots): always ON_TIME."""
    from deskapp.timeutil import fixed_clock

    d = open_desk(data_dir, clock=fixed_clock(ON_TIME))
    save_staff(d.locations, [StaffMember("张三"), StaffMember("李四")])
    d.reload_config()
    return d


def studio_fields(**over: object) -> dict[str, object]:
    fields: dict[str, object] = {
        "unit": "准东某煤化工有限公司",
        "name": "煤化工技能大师工作室",
        "sector": "煤炭煤电煤化工",
        "leader": "王建国",
        "contact": "刘敏",
        "phone": "13900000000",
        "members": 6,
    }
    fields.update(over)
    return fields


def full_checklist(desk: Desk, kind: str) -> dict[str, bool]:
    return {item.key: True for item in desk.config.round.checklist(kind)}


__all__ = ["LATE", "ON_TIME", "Ticker", "full_checklist", "open_desk", "studio_fields"]


class clock_at:
    """Within ``with clock_at(store, moment):`` the store's clock says ``moment`` (a pack that
    arrives then: the store refuses a received time in the future)."""

    def __init__(self, store, moment: datetime) -> None:  # type: ignore[no-untyped-def]
        self.store = store
        self.moment = moment

    def __enter__(self) -> None:
        from deskapp.timeutil import fixed_clock

        self.saved = self.store.clock
        self.store.clock = fixed_clock(self.moment)

    def __exit__(self, *exc: object) -> None:
        self.store.clock = self.saved
